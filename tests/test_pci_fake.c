/* The scripted PCI configuration-space fake; see test_pci_fake.h. */
#include "test_pci_fake.h"

#include <string.h>

#define ECAM_SIZE (UINT64_C(256) << 20)
#define CAM_SIZE (UINT64_C(16) << 20)
#define BRIDGE_DEPTH_LIMIT 8u

uint8_t fake_cfg8(const struct fake_fn *fn, unsigned reg)
{
    return fn->cfg[reg];
}
uint16_t fake_cfg16(const struct fake_fn *fn, unsigned reg)
{
    return (uint16_t)(fn->cfg[reg] | fn->cfg[reg + 1] << 8);
}
uint32_t fake_cfg32(const struct fake_fn *fn, unsigned reg)
{
    return (uint32_t)fake_cfg16(fn, reg) | (uint32_t)fake_cfg16(fn, reg + 2) << 16;
}
void fake_put8(struct fake_fn *fn, unsigned reg, uint8_t v)
{
    fn->cfg[reg] = v;
}
void fake_put16(struct fake_fn *fn, unsigned reg, uint16_t v)
{
    fn->cfg[reg] = (uint8_t)v;
    fn->cfg[reg + 1] = (uint8_t)(v >> 8);
}
void fake_put32(struct fake_fn *fn, unsigned reg, uint32_t v)
{
    fake_put16(fn, reg, (uint16_t)v);
    fake_put16(fn, reg + 2, (uint16_t)(v >> 16));
}

static void wmask32(struct fake_fn *fn, unsigned reg, uint32_t m)
{
    for (unsigned i = 0; i < 4; i++)
        fn->wmask[reg + i] = (uint8_t)(m >> (8 * i));
}

static uint8_t header_type(const struct fake_fn *fn)
{
    return fn->cfg[VIO_PCI_HEADER_TYPE] & 0x7f;
}

/* ---- bus routing ---- */

/* The node that bus @bus is on, searching below @node; -1 when no bridge routes it. */
static int node_for_bus(const struct fake_pci *f, unsigned node, unsigned bus, unsigned depth)
{
    if (depth > BRIDGE_DEPTH_LIMIT)
        return -1;
    for (unsigned i = 0; i < FAKE_FNS; i++) {
        const struct fake_fn *b = &f->fns[i];
        if (!b->used || b->node != node || header_type(b) != VIO_PCI_HEADER_BRIDGE)
            continue;
        unsigned sec = b->cfg[VIO_PCI_SECONDARY_BUS], sub = b->cfg[VIO_PCI_SUBORDINATE_BUS];
        if (sec == 0)
            continue;
        if (bus == sec)
            return (int)i + 1;
        if (bus > sec && bus <= sub)
            return node_for_bus(f, i + 1, bus, depth + 1);
    }
    return -1;
}

static struct fake_fn *lookup(struct fake_pci *f, unsigned bus, unsigned dev, unsigned fn)
{
    int node = bus == 0 ? 0 : node_for_bus(f, 0, bus, 0);
    if (node < 0)
        return NULL;
    for (unsigned i = 0; i < FAKE_FNS; i++) {
        struct fake_fn *x = &f->fns[i];
        if (x->used && x->node == (unsigned)node && x->dev == dev && x->fn == fn)
            return x;
    }
    return NULL;
}

/* ---- BAR decode ---- */

static uint64_t bar_addr(const struct fake_fn *fn, unsigned idx)
{
    uint32_t lo = fake_cfg32(fn, VIO_PCI_BAR0 + 4 * idx);
    uint64_t a = lo & ~UINT32_C(0xf);
    if (lo & 0x4u)
        a |= (uint64_t)fake_cfg32(fn, VIO_PCI_BAR0 + 4 * idx + 4) << 32;
    return a;
}

/* True when every bridge above @fn forwards memory at @a (memory enabled, inside its window). */
static bool routed(const struct fake_pci *f, const struct fake_fn *fn, uint64_t a, unsigned depth)
{
    if (fn->node == 0)
        return true;
    if (depth > BRIDGE_DEPTH_LIMIT)
        return false;
    const struct fake_fn *b = &f->fns[fn->node - 1];
    uint64_t base = (uint64_t)(fake_cfg16(b, VIO_PCI_MEM_BASE) & 0xfff0) << 16;
    uint64_t limit = ((uint64_t)(fake_cfg16(b, VIO_PCI_MEM_LIMIT) & 0xfff0) << 16) | 0xfffff;
    if (!(fake_cfg16(b, VIO_PCI_COMMAND) & VIO_PCI_COMMAND_MEMORY) || a < base || a > limit)
        return false;
    return routed(f, b, a, depth + 1);
}

static bool bar_access(struct fake_pci *f, uint64_t a, unsigned width, bool write, uint32_t *val)
{
    for (unsigned i = 0; i < FAKE_FNS; i++) {
        struct fake_fn *fn = &f->fns[i];
        if (!fn->used || !(fake_cfg16(fn, VIO_PCI_COMMAND) & VIO_PCI_COMMAND_MEMORY))
            continue;
        for (unsigned b = 0; b < 6; b++) {
            uint64_t base = bar_addr(fn, b), size = fn->bar_size[b];
            bool io = fn->cfg[VIO_PCI_BAR0 + 4 * b] & 1u;
            if (size == 0 || io || a < base || a - base >= size || !routed(f, fn, a, 0))
                continue;
            uint32_t off = (uint32_t)(a - base);
            if (off % width != 0 || width > size - off)
                f->stray++;
            if (write) {
                f->last_bar = b;
                f->last_off = off;
                f->last_val = *val;
                f->bar_writes++;
            }
            if (f->hook && f->hook(f, fn, b, off, width, write, val))
                return true;
            if (off + width > FAKE_BAR_MEM) {
                if (!write)
                    *val = 0;
                return true;
            }
            uint8_t *m = &fn->bar_mem[b][off];
            if (write) {
                for (unsigned k = 0; k < width; k++)
                    m[k] = (uint8_t)(*val >> (8 * k));
            } else {
                *val = 0;
                for (unsigned k = 0; k < width; k++)
                    *val |= (uint32_t)m[k] << (8 * k);
            }
            return true;
        }
    }
    return false;
}

/* ---- configuration decode ---- */

static bool cfg_decode(struct fake_pci *f, uint64_t a, struct fake_fn **fn, unsigned *reg)
{
    unsigned bus, dev, func;
    if (f->mech == VIO_PCI_ECAM && a >= FAKE_ECAM_BASE && a - FAKE_ECAM_BASE < ECAM_SIZE) {
        uint64_t rel = a - FAKE_ECAM_BASE;
        bus = (unsigned)(rel >> 20), dev = (rel >> 15) & 31, func = (rel >> 12) & 7;
        *reg = rel & 0xfff;
    } else if (f->mech == VIO_PCI_CAM && a >= FAKE_CAM_BASE && a - FAKE_CAM_BASE < CAM_SIZE) {
        uint64_t rel = a - FAKE_CAM_BASE;
        bus = (unsigned)(rel >> 16), dev = (rel >> 11) & 31, func = (rel >> 8) & 7;
        *reg = rel & 0xff;
    } else {
        return false;
    }
    *fn = lookup(f, bus, dev, func);
    return true;
}

static uint32_t access(struct fake_pci *f, uintptr_t addr, unsigned width, bool write, uint32_t v)
{
    struct fake_fn *fn;
    unsigned reg;
    if (!cfg_decode(f, addr, &fn, &reg)) {
        if (!bar_access(f, addr, width, write, &v))
            f->stray++;
        return v;
    }
    if (reg % width != 0)
        f->stray++;
    if (!write) {
        f->cfg_reads++;
        if (fn == NULL)
            return UINT32_MAX >> (32 - 8 * width);
        uint32_t r = 0;
        for (unsigned k = 0; k < width && reg + k < 4096; k++)
            r |= (uint32_t)fn->cfg[reg + k] << (8 * k);
        return r;
    }
    if (fn == NULL)
        return 0;
    bool normal = header_type(fn) == VIO_PCI_HEADER_NORMAL;
    unsigned nbars = normal ? 6 : 2;
    if (reg >= VIO_PCI_BAR0 && reg < VIO_PCI_BAR0 + 4 * nbars && v == UINT32_MAX &&
        (fake_cfg16(fn, VIO_PCI_COMMAND) & (VIO_PCI_COMMAND_MEMORY | VIO_PCI_COMMAND_IO)))
        f->sized_decoding++;
    if (normal && reg >= 0x40)
        f->cap_writes++;
    for (unsigned k = 0; k < width && reg + k < 4096; k++) {
        uint8_t m = fn->wmask[reg + k];
        fn->cfg[reg + k] = (uint8_t)((fn->cfg[reg + k] & ~m) | ((v >> (8 * k)) & m));
    }
    return 0;
}

static struct fake_pci *of(void *ctx)
{
    return ctx;
}
static uint8_t rd8(void *c, uintptr_t a)
{
    return (uint8_t)access(of(c), a, 1, false, 0);
}
static uint16_t rd16(void *c, uintptr_t a)
{
    return (uint16_t)access(of(c), a, 2, false, 0);
}
static uint32_t rd32(void *c, uintptr_t a)
{
    return access(of(c), a, 4, false, 0);
}
static void wr8(void *c, uintptr_t a, uint8_t v)
{
    access(of(c), a, 1, true, v);
}
static void wr16(void *c, uintptr_t a, uint16_t v)
{
    access(of(c), a, 2, true, v);
}
static void wr32(void *c, uintptr_t a, uint32_t v)
{
    access(of(c), a, 4, true, v);
}
static void relax(void *c)
{
    of(c)->relax++;
}

static uintptr_t phys_to_virt(void *ctx, vio_paddr_t paddr, size_t size)
{
    (void)ctx;
    (void)size;
    return (uintptr_t)paddr;
}

void fake_pci_init(struct fake_pci *f, enum vio_pci_cfg_mech mech)
{
    memset(f, 0, sizeof *f);
    f->mech = mech;
    f->hal = (struct vio_hal){
        .read8 = rd8,
        .read16 = rd16,
        .read32 = rd32,
        .write8 = wr8,
        .write16 = wr16,
        .write32 = wr32,
        .phys_to_virt = phys_to_virt,
        .relax = relax,
        .ctx = f,
        .spin_limit = 64,
    };
}

struct vio_pci_root_config fake_root_config(const struct fake_pci *f, uint64_t mem32_size,
                                            uint64_t mem64_size)
{
    return (struct vio_pci_root_config){
        .cfg_base = f->mech == VIO_PCI_ECAM ? FAKE_ECAM_BASE : FAKE_CAM_BASE,
        .mech = f->mech,
        .bus_first = 0,
        .bus_last = 255,
        .mem32_base = FAKE_MEM32_BASE,
        .mem32_size = mem32_size,
        .mem64_base = FAKE_MEM64_BASE,
        .mem64_size = mem64_size,
    };
}

/* ---- building functions ---- */

struct fake_fn *fake_add_fn(struct fake_pci *f, unsigned node, unsigned dev, unsigned fn,
                            uint16_t vendor, uint16_t device, uint8_t header_type)
{
    for (unsigned i = 0; i < FAKE_FNS; i++) {
        struct fake_fn *x = &f->fns[i];
        if (x->used)
            continue;
        x->used = true;
        x->node = node;
        x->dev = (uint8_t)dev;
        x->fn = (uint8_t)fn;
        fake_put16(x, VIO_PCI_VENDOR_ID, vendor);
        fake_put16(x, VIO_PCI_DEVICE_ID, device);
        fake_put8(x, VIO_PCI_HEADER_TYPE, header_type);
        x->wmask[VIO_PCI_COMMAND] =
            VIO_PCI_COMMAND_IO | VIO_PCI_COMMAND_MEMORY | VIO_PCI_COMMAND_MASTER;
        if ((header_type & 0x7f) == VIO_PCI_HEADER_BRIDGE) {
            for (unsigned r = VIO_PCI_PRIMARY_BUS; r <= VIO_PCI_SUBORDINATE_BUS; r++)
                x->wmask[r] = 0xff;
            x->wmask[VIO_PCI_IO_BASE] = x->wmask[VIO_PCI_IO_LIMIT] = 0xf0;
            wmask32(x, VIO_PCI_MEM_BASE, 0xfff0fff0);
            wmask32(x, VIO_PCI_PREF_BASE, 0xfff0fff0);
        }
        return x;
    }
    return NULL;
}

unsigned fake_add_bridge(struct fake_pci *f, unsigned node, unsigned dev, struct fake_fn **out)
{
    struct fake_fn *b = fake_add_fn(f, node, dev, 0, 0x1b36, 0x0001, VIO_PCI_HEADER_BRIDGE);
    fake_put32(b, VIO_PCI_REVISION, 0x06040000); /* class: PCI-to-PCI bridge */
    if (out)
        *out = b;
    return (unsigned)(b - f->fns) + 1;
}

void fake_set_bar(struct fake_fn *fn, unsigned idx, uint64_t size, unsigned flags)
{
    unsigned reg = VIO_PCI_BAR0 + 4 * idx;
    fn->bar_size[idx] = size;
    uint64_t m = ~(size - 1);
    if (flags & FAKE_BAR_IO) {
        fake_put32(fn, reg, 1);
        wmask32(fn, reg, (uint32_t)m & ~UINT32_C(3));
        return;
    }
    fake_put32(fn, reg, ((flags & FAKE_BAR_64) ? 0x4u : 0) | ((flags & FAKE_BAR_PREF) ? 0x8u : 0));
    wmask32(fn, reg, (uint32_t)m & ~UINT32_C(0xf));
    if (flags & FAKE_BAR_64)
        wmask32(fn, reg + 4, (uint32_t)(m >> 32));
}

void fake_place_bar(struct fake_fn *fn, unsigned idx, uint64_t addr)
{
    unsigned reg = VIO_PCI_BAR0 + 4 * idx;
    uint32_t flags = fake_cfg32(fn, reg) & 0xfu;
    fake_put32(fn, reg, (uint32_t)addr | flags);
    if (flags & 0x4u)
        fake_put32(fn, reg + 4, (uint32_t)(addr >> 32));
}

void fake_set_cap_ptr(struct fake_fn *fn, uint8_t ptr)
{
    fake_put16(fn, VIO_PCI_STATUS, VIO_PCI_STATUS_CAP_LIST);
    fake_put8(fn, VIO_PCI_CAP_PTR, ptr);
}

void fake_cap(struct fake_fn *fn, uint8_t at, uint8_t id, uint8_t next, uint8_t len)
{
    fn->cfg[at] = id;
    fn->cfg[at + 1] = next;
    fn->cfg[at + 2] = len;
    fake_put16(fn, VIO_PCI_STATUS, VIO_PCI_STATUS_CAP_LIST);
}

void fake_vcap(struct fake_fn *fn, uint8_t at, uint8_t next, uint8_t type, uint8_t bar,
               uint32_t off, uint32_t len, uint32_t mult)
{
    fake_cap(fn, at, VIO_PCI_CAP_ID_VNDR, next, type == 2 ? 20 : 16);
    fn->cfg[at + 3] = type;
    fn->cfg[at + 4] = bar;
    fake_put32(fn, at + 8u, off);
    fake_put32(fn, at + 12u, len);
    if (type == 2)
        fake_put32(fn, at + 16u, mult);
}

struct fake_fn *fake_add_virtio(struct fake_pci *f, unsigned node, unsigned dev, unsigned fn,
                                uint16_t device_id)
{
    struct fake_fn *x = fake_add_fn(f, node, dev, fn, VIO_PCI_VENDOR_VIRTIO, device_id, 0);
    fake_put32(x, VIO_PCI_REVISION, 0x01000001); /* revision 1, class 01 (storage) */
    fake_set_bar(x, 0, 0x20, FAKE_BAR_IO);
    fake_set_bar(x, 1, 0x1000, 0);
    fake_set_bar(x, 4, FAKE_BAR_MEM, FAKE_BAR_64 | FAKE_BAR_PREF);
    fake_set_cap_ptr(x, 0x84);
    fake_cap(x, 0x84, 0x11, 0x40, 12); /* MSI-X: not a virtio capability, skipped */
    fake_vcap(x, 0x40, 0x50, 1, 4, 0x0000, 0x38, 0);
    fake_vcap(x, 0x50, 0x60, 3, 4, 0x1000, 0x1, 0);
    fake_vcap(x, 0x60, 0x70, 4, 4, 0x2000, 0x40, 0);
    fake_vcap(x, 0x70, 0x00, 2, 4, 0x3000, 0x1000, 4);
    x->bar_mem[4][0x12] = 2; /* num_queues */
    return x;
}

void fake_place_virtio(struct fake_fn *fn, unsigned slot)
{
    uint64_t base = FAKE_MEM32_BASE + (uint64_t)slot * 0x10000;
    fake_place_bar(fn, 1, base);
    fake_place_bar(fn, 4, base + FAKE_BAR_MEM);
}
