/*
 * The PCI bus, independent of virtio: configuration access through ECAM or
 * CAM, enumeration, BAR sizing and placement, bridge numbering and windows,
 * and the capability list walk. Configuration space is device-controlled:
 * every pointer, size and bus number read from it is checked before use.
 */
#include "vio/err.h"
#include "vio/pci.h"

#include "vio_internal.h"

#define CFG_SPACE_ECAM 4096u
#define CFG_SPACE_CAM 256u
/* Bridge memory windows are 1 MiB granular (PCI-to-PCI Bridge Architecture). */
#define BRIDGE_WINDOW_ALIGN (UINT64_C(1) << 20)
/* Recursion bound for bridges behind bridges; bus numbers bound it too. */
#define BRIDGE_DEPTH_MAX 32u
#define BAR_COUNT_NORMAL 6u
#define BAR_COUNT_BRIDGE 2u
#define BAR_IO_SPACE 0x1u
#define BAR_MEM_TYPE_MASK 0x6u
#define BAR_MEM_TYPE_64 0x4u
#define BAR_MEM_PREFETCH 0x8u
#define BAR_MEM_ADDR_MASK UINT32_C(0xfffffff0)
#define BAR_IO_ADDR_MASK UINT32_C(0xfffffffc)
#define FOUR_GIB (UINT64_C(1) << 32)

const char *vio_pci_why_str(enum vio_pci_why why)
{
    switch (why) {
#define VIO__PCI_WHY_CASE(e, s)                                                                    \
    case VIO_PCI_WHY_##e:                                                                          \
        return s;
        VIO_PCI_WHY_MAP(VIO__PCI_WHY_CASE)
#undef VIO__PCI_WHY_CASE
    }
    return "unknown";
}

static int refuse(struct vio_pci_root *r, enum vio_pci_why why, int err)
{
    r->why = why;
    return err;
}

/* A window is usable when it does not wrap, and a 32-bit one must end at or below 4 GiB. */
static bool window_valid(vio_paddr_t base, uint64_t size, bool below_4g)
{
    if (size == 0)
        return true;
    if (base > UINT64_MAX - size)
        return false;
    return !below_4g || base + size <= FOUR_GIB;
}

int vio_pci_root_init(struct vio_pci_root *r, const struct vio_hal *hal,
                      const struct vio_pci_root_config *cfg)
{
    vio__zero(r, sizeof *r);
    r->hal = hal;
    r->mech = cfg->mech;
    r->bus_first = cfg->bus_first;
    r->bus_last = cfg->bus_last;
    r->bus_max = cfg->bus_last;
    if (cfg->bus_first > cfg->bus_last || (cfg->mech != VIO_PCI_ECAM && cfg->mech != VIO_PCI_CAM))
        return refuse(r, VIO_PCI_WHY_BAD_ROOT, VIO_ERR_INVALID_PARAM);
    if (!window_valid(cfg->mem32_base, cfg->mem32_size, true) ||
        !window_valid(cfg->mem64_base, cfg->mem64_size, false))
        return refuse(r, VIO_PCI_WHY_BAD_ROOT, VIO_ERR_INVALID_PARAM);
    r->mem32 = (struct vio_pci_window){.base = cfg->mem32_base, .size = cfg->mem32_size};
    r->mem64 = (struct vio_pci_window){.base = cfg->mem64_base, .size = cfg->mem64_size};

    size_t buses = (size_t)(cfg->bus_last - cfg->bus_first) + 1;
    size_t bytes = buses << (cfg->mech == VIO_PCI_ECAM ? 20 : 16);
    r->cfg = hal->phys_to_virt(hal->ctx, cfg->cfg_base, bytes);
    return 0;
}

/* ---- configuration access ---- */

/* The address of @width bytes at @reg of @bdf's configuration space, or 0 when out of range. */
static uintptr_t cfg_addr(const struct vio_pci_root *r, uint16_t bdf, uint16_t reg, unsigned width)
{
    uint8_t bus = VIO_PCI_BDF_BUS(bdf);
    uint32_t space = r->mech == VIO_PCI_ECAM ? CFG_SPACE_ECAM : CFG_SPACE_CAM;
    if (bus < r->bus_first || bus > r->bus_last)
        return 0;
    if (reg % width != 0 || reg + width > space)
        return 0;
    uintptr_t rel = (uintptr_t)(bdf - ((unsigned)r->bus_first << 8));
    return r->cfg + (rel << (r->mech == VIO_PCI_ECAM ? 12 : 8)) + reg;
}

uint8_t vio_pci_cfg_read8(const struct vio_pci_root *r, uint16_t bdf, uint16_t reg)
{
    uintptr_t a = cfg_addr(r, bdf, reg, 1);
    return a ? r->hal->read8(r->hal->ctx, a) : UINT8_MAX;
}

uint16_t vio_pci_cfg_read16(const struct vio_pci_root *r, uint16_t bdf, uint16_t reg)
{
    uintptr_t a = cfg_addr(r, bdf, reg, 2);
    return a ? r->hal->read16(r->hal->ctx, a) : UINT16_MAX;
}

uint32_t vio_pci_cfg_read32(const struct vio_pci_root *r, uint16_t bdf, uint16_t reg)
{
    uintptr_t a = cfg_addr(r, bdf, reg, 4);
    return a ? r->hal->read32(r->hal->ctx, a) : UINT32_MAX;
}

void vio_pci_cfg_write8(const struct vio_pci_root *r, uint16_t bdf, uint16_t reg, uint8_t val)
{
    uintptr_t a = cfg_addr(r, bdf, reg, 1);
    if (a)
        r->hal->write8(r->hal->ctx, a, val);
}

void vio_pci_cfg_write16(const struct vio_pci_root *r, uint16_t bdf, uint16_t reg, uint16_t val)
{
    uintptr_t a = cfg_addr(r, bdf, reg, 2);
    if (a)
        r->hal->write16(r->hal->ctx, a, val);
}

void vio_pci_cfg_write32(const struct vio_pci_root *r, uint16_t bdf, uint16_t reg, uint32_t val)
{
    uintptr_t a = cfg_addr(r, bdf, reg, 4);
    if (a)
        r->hal->write32(r->hal->ctx, a, val);
}

/* ---- enumeration ---- */

/* Vendor 0xffff is what an empty slot reads; 0 is never a valid vendor either. */
static bool present(const struct vio_pci_root *r, uint16_t bdf, uint16_t *vendor)
{
    *vendor = vio_pci_cfg_read16(r, bdf, VIO_PCI_VENDOR_ID);
    return *vendor != UINT16_MAX && *vendor != 0;
}

/* Functions of device @dev on @bus to look at: 8 when function 0 is multi-function, else 1. */
static unsigned function_count(const struct vio_pci_root *r, uint8_t bus, unsigned dev)
{
    uint8_t ht = vio_pci_cfg_read8(r, VIO_PCI_BDF(bus, dev, 0), VIO_PCI_HEADER_TYPE);
    return (ht & VIO_PCI_HEADER_MULTIFUNCTION) ? 8u : 1u;
}

int vio_pci_enumerate(struct vio_pci_root *r, vio_pci_visit_fn visit, void *arg)
{
    for (unsigned bus = r->bus_first; bus <= r->bus_max; bus++) {
        for (unsigned dev = 0; dev < 32; dev++) {
            uint16_t vendor;
            if (!present(r, VIO_PCI_BDF(bus, dev, 0), &vendor))
                continue;
            unsigned nfn = function_count(r, (uint8_t)bus, dev);
            for (unsigned fn = 0; fn < nfn; fn++) {
                uint16_t bdf = VIO_PCI_BDF(bus, dev, fn);
                if (!present(r, bdf, &vendor))
                    continue;
                uint8_t ht = vio_pci_cfg_read8(r, bdf, VIO_PCI_HEADER_TYPE);
                struct vio_pci_func_info info = {
                    .bdf = bdf,
                    .vendor_id = vendor,
                    .device_id = vio_pci_cfg_read16(r, bdf, VIO_PCI_DEVICE_ID),
                    .revision = vio_pci_cfg_read8(r, bdf, VIO_PCI_REVISION),
                    .class_code = vio_pci_cfg_read32(r, bdf, VIO_PCI_REVISION) >> 8,
                    .header_type = ht & (uint8_t)~VIO_PCI_HEADER_MULTIFUNCTION,
                    .multifunction = nfn > 1,
                };
                int rc = visit(arg, &info);
                if (rc != 0)
                    return rc;
            }
        }
    }
    return 0;
}

/* ---- BARs ---- */

/* BARs of a header type: 6 for a normal function, 2 for a bridge, none otherwise. */
static unsigned bar_count(const struct vio_pci_root *r, uint16_t bdf)
{
    uint8_t ht = vio_pci_cfg_read8(r, bdf, VIO_PCI_HEADER_TYPE) & ~VIO_PCI_HEADER_MULTIFUNCTION;
    if (ht == VIO_PCI_HEADER_NORMAL)
        return BAR_COUNT_NORMAL;
    return ht == VIO_PCI_HEADER_BRIDGE ? BAR_COUNT_BRIDGE : 0;
}

/* True when the bits below the mask are all ones: the mask is 1...10...0, a power-of-two size. */
static bool mask_contiguous(uint64_t mask)
{
    return mask != 0 && (~mask & (~mask + 1)) == 0;
}

/* Writes all ones to the BAR at @reg and returns what sticks, restoring the value. */
static uint32_t bar_sizing_read(const struct vio_pci_root *r, uint16_t bdf, uint16_t reg,
                                uint32_t orig)
{
    vio_pci_cfg_write32(r, bdf, reg, UINT32_MAX);
    uint32_t v = vio_pci_cfg_read32(r, bdf, reg);
    vio_pci_cfg_write32(r, bdf, reg, orig);
    return v;
}

static void bar_size(struct vio_pci_root *r, uint16_t bdf, uint16_t reg, uint32_t orig,
                     struct vio_pci_bar *bar)
{
    /* decode off while the BAR holds all ones, or it would claim a stray range */
    uint16_t cmd = vio_pci_cfg_read16(r, bdf, VIO_PCI_COMMAND);
    vio_pci_cfg_write16(r, bdf, VIO_PCI_COMMAND,
                        cmd & (uint16_t) ~(VIO_PCI_COMMAND_IO | VIO_PCI_COMMAND_MEMORY));
    uint32_t lo = bar_sizing_read(r, bdf, reg, orig);
    uint64_t mask;
    if (bar->kind == VIO_PCI_BAR_IO) {
        mask = lo & BAR_IO_ADDR_MASK;
        /* 16-bit I/O decoders leave the upper half 0 */
        if (mask != 0 && (mask >> 16) == 0)
            mask |= UINT32_C(0xffff0000);
        bar->addr = orig & BAR_IO_ADDR_MASK;
    } else if (bar->kind == VIO_PCI_BAR_MEM64) {
        uint32_t orig_hi = vio_pci_cfg_read32(r, bdf, (uint16_t)(reg + 4));
        uint32_t hi = bar_sizing_read(r, bdf, (uint16_t)(reg + 4), orig_hi);
        mask = (uint64_t)hi << 32 | (lo & BAR_MEM_ADDR_MASK);
        bar->addr = (uint64_t)orig_hi << 32 | (orig & BAR_MEM_ADDR_MASK);
    } else {
        mask = lo & BAR_MEM_ADDR_MASK;
        bar->addr = orig & BAR_MEM_ADDR_MASK;
    }
    vio_pci_cfg_write16(r, bdf, VIO_PCI_COMMAND, cmd);

    /* a 32-bit BAR's size bits above bit 31 are implicitly ones */
    if (mask != 0 && bar->kind != VIO_PCI_BAR_MEM64)
        mask |= ~(uint64_t)UINT32_MAX;
    if (mask == 0) {
        bar->kind = VIO_PCI_BAR_NONE;
        bar->addr = 0;
    } else if (!mask_contiguous(mask)) {
        bar->kind = VIO_PCI_BAR_BAD;
    } else {
        bar->size = ~mask + 1;
    }
}

int vio_pci_bar_probe(struct vio_pci_root *r, uint16_t bdf, unsigned idx, struct vio_pci_bar *bar)
{
    vio__zero(bar, sizeof *bar);
    unsigned n = bar_count(r, bdf);
    if (idx >= n)
        return VIO_ERR_INVALID_PARAM;
    /* walk from BAR0: a 64-bit BAR takes the next slot as its upper half */
    for (unsigned i = 0; i <= idx; i++) {
        uint16_t reg = (uint16_t)(VIO_PCI_BAR0 + 4 * i);
        uint32_t orig = vio_pci_cfg_read32(r, bdf, reg);
        if (orig & BAR_IO_SPACE) {
            bar->kind = VIO_PCI_BAR_IO;
        } else {
            uint32_t type = orig & BAR_MEM_TYPE_MASK;
            bar->prefetchable = (orig & BAR_MEM_PREFETCH) != 0;
            if (type == 0)
                bar->kind = VIO_PCI_BAR_MEM32;
            else if (type == BAR_MEM_TYPE_64 && i + 1 < n)
                bar->kind = VIO_PCI_BAR_MEM64;
            else
                bar->kind = VIO_PCI_BAR_BAD; /* below-1M type, reserved type, or no room */
        }
        if (i < idx) {
            if (bar->kind == VIO_PCI_BAR_MEM64 && ++i == idx) {
                vio__zero(bar, sizeof *bar);
                bar->kind = VIO_PCI_BAR_UPPER;
                return VIO_ERR_INVALID_PARAM;
            }
            continue;
        }
        if (bar->kind != VIO_PCI_BAR_BAD)
            bar_size(r, bdf, reg, orig, bar);
    }
    return 0;
}

/* Hands out @size bytes aligned to @align (powers of two) from the window's cursor. */
static bool window_alloc(struct vio_pci_window *w, uint64_t size, uint64_t align, vio_paddr_t *out)
{
    if (w->size == 0)
        return false;
    uint64_t cur = w->base + w->used;
    if (cur > UINT64_MAX - (align - 1))
        return false;
    uint64_t start = (cur + align - 1) & ~(align - 1);
    uint64_t off = start - w->base;
    if (off > w->size || size > w->size - off)
        return false;
    w->used = off + size;
    *out = start;
    return true;
}

/* Where a memory BAR of @bdf goes: behind a bridge only the bridge's 32-bit window decodes. */
static struct vio_pci_window *bar_window(struct vio_pci_root *r, uint16_t bdf,
                                         const struct vio_pci_bar *bar)
{
    if (bar->kind == VIO_PCI_BAR_MEM64 && VIO_PCI_BDF_BUS(bdf) == r->bus_first &&
        r->mem64.size != 0)
        return &r->mem64;
    return &r->mem32;
}

int vio_pci_assign_bars(struct vio_pci_root *r, uint16_t bdf)
{
    unsigned n = bar_count(r, bdf);
    if (n == 0)
        return refuse(r, VIO_PCI_WHY_BAD_HEADER, VIO_ERR_UNSUPPORTED);
    uint16_t cmd = vio_pci_cfg_read16(r, bdf, VIO_PCI_COMMAND);
    uint16_t off = cmd & (uint16_t) ~(VIO_PCI_COMMAND_MEMORY | VIO_PCI_COMMAND_IO);
    vio_pci_cfg_write16(r, bdf, VIO_PCI_COMMAND, off);
    for (unsigned i = 0; i < n; i++) {
        struct vio_pci_bar bar;
        /* a failed probe here means the header type changed under us */
        if (vio_pci_bar_probe(r, bdf, i, &bar) < 0 || bar.kind == VIO_PCI_BAR_BAD)
            return refuse(r, VIO_PCI_WHY_BAR_UNSIZED, VIO_ERR_UNSUPPORTED);
        if (bar.kind != VIO_PCI_BAR_MEM32 && bar.kind != VIO_PCI_BAR_MEM64)
            continue;
        struct vio_pci_window *w = bar_window(r, bdf, &bar);
        vio_paddr_t addr;
        if (!window_alloc(w, bar.size, bar.size, &addr))
            return refuse(r, VIO_PCI_WHY_BAR_EXHAUSTED, VIO_ERR_DMA_ERROR);
        uint16_t reg = (uint16_t)(VIO_PCI_BAR0 + 4 * i);
        vio_pci_cfg_write32(r, bdf, reg, (uint32_t)addr);
        if (bar.kind == VIO_PCI_BAR_MEM64) {
            vio_pci_cfg_write32(r, bdf, (uint16_t)(reg + 4), (uint32_t)(addr >> 32));
            i++;
        }
    }
    vio_pci_cfg_write16(r, bdf, VIO_PCI_COMMAND,
                        off | VIO_PCI_COMMAND_MEMORY | VIO_PCI_COMMAND_MASTER);
    return 0;
}

/* ---- bridges ---- */

static int assign_bus(struct vio_pci_root *r, uint8_t bus, unsigned depth);

/* Moves the mem32 cursor to a 1 MiB boundary, the granularity of a bridge window. */
static bool align_cursor(struct vio_pci_root *r, vio_paddr_t *at)
{
    if (r->mem32.size == 0) {
        *at = r->mem32.base;
        return true;
    }
    return window_alloc(&r->mem32, 0, BRIDGE_WINDOW_ALIGN, at);
}

static int assign_bridge(struct vio_pci_root *r, uint16_t bdf, unsigned depth)
{
    int rc = vio_pci_assign_bars(r, bdf);
    if (rc < 0)
        return rc;
    if (r->bus_max == r->bus_last || depth >= BRIDGE_DEPTH_MAX)
        return refuse(r, VIO_PCI_WHY_BUS_EXHAUSTED, VIO_ERR_UNSUPPORTED);
    uint16_t cmd = vio_pci_cfg_read16(r, bdf, VIO_PCI_COMMAND);
    vio_pci_cfg_write16(r, bdf, VIO_PCI_COMMAND, cmd & (uint16_t)~VIO_PCI_COMMAND_MEMORY);

    /* route every remaining bus below while the subtree is numbered, then trim */
    uint8_t secondary = ++r->bus_max;
    vio_pci_cfg_write8(r, bdf, VIO_PCI_PRIMARY_BUS, VIO_PCI_BDF_BUS(bdf));
    vio_pci_cfg_write8(r, bdf, VIO_PCI_SECONDARY_BUS, secondary);
    vio_pci_cfg_write8(r, bdf, VIO_PCI_SUBORDINATE_BUS, r->bus_last);

    vio_paddr_t start, end;
    if (!align_cursor(r, &start))
        return refuse(r, VIO_PCI_WHY_BAR_EXHAUSTED, VIO_ERR_DMA_ERROR);
    rc = assign_bus(r, secondary, depth + 1);
    if (rc < 0)
        return rc;
    vio_pci_cfg_write8(r, bdf, VIO_PCI_SUBORDINATE_BUS, r->bus_max);
    if (!align_cursor(r, &end))
        return refuse(r, VIO_PCI_WHY_BAR_EXHAUSTED, VIO_ERR_DMA_ERROR);

    /* base above limit closes a window; I/O and prefetchable ones stay closed */
    uint16_t mem_base = 0xfff0, mem_limit = 0;
    if (end > start) {
        mem_base = (uint16_t)((start >> 16) & 0xfff0);
        mem_limit = (uint16_t)(((end - 1) >> 16) & 0xfff0);
    }
    vio_pci_cfg_write16(r, bdf, VIO_PCI_MEM_BASE, mem_base);
    vio_pci_cfg_write16(r, bdf, VIO_PCI_MEM_LIMIT, mem_limit);
    vio_pci_cfg_write16(r, bdf, VIO_PCI_PREF_BASE, 0xfff0);
    vio_pci_cfg_write16(r, bdf, VIO_PCI_PREF_LIMIT, 0);
    vio_pci_cfg_write8(r, bdf, VIO_PCI_IO_BASE, 0xf0);
    vio_pci_cfg_write8(r, bdf, VIO_PCI_IO_LIMIT, 0);
    vio_pci_cfg_write16(r, bdf, VIO_PCI_COMMAND,
                        cmd | VIO_PCI_COMMAND_MEMORY | VIO_PCI_COMMAND_MASTER);
    return 0;
}

static int assign_bus(struct vio_pci_root *r, uint8_t bus, unsigned depth)
{
    for (unsigned dev = 0; dev < 32; dev++) {
        uint16_t vendor;
        if (!present(r, VIO_PCI_BDF(bus, dev, 0), &vendor))
            continue;
        unsigned nfn = function_count(r, bus, dev);
        for (unsigned fn = 0; fn < nfn; fn++) {
            uint16_t bdf = VIO_PCI_BDF(bus, dev, fn);
            if (!present(r, bdf, &vendor))
                continue;
            uint8_t ht = vio_pci_cfg_read8(r, bdf, VIO_PCI_HEADER_TYPE) &
                         (uint8_t)~VIO_PCI_HEADER_MULTIFUNCTION;
            int rc = 0;
            if (ht == VIO_PCI_HEADER_NORMAL)
                rc = vio_pci_assign_bars(r, bdf);
            else if (ht == VIO_PCI_HEADER_BRIDGE)
                rc = assign_bridge(r, bdf, depth);
            if (rc < 0)
                return rc;
        }
    }
    return 0;
}

int vio_pci_assign_resources(struct vio_pci_root *r)
{
    r->bus_max = r->bus_first;
    r->why = VIO_PCI_WHY_OK;
    return assign_bus(r, r->bus_first, 0);
}

/* ---- the capability list ---- */

int vio_pci_cap_first(struct vio_pci_root *r, uint16_t bdf, struct vio_pci_cap_iter *it)
{
    it->next = 0;
    it->count = 0;
    if ((vio_pci_cfg_read16(r, bdf, VIO_PCI_STATUS) & VIO_PCI_STATUS_CAP_LIST) == 0)
        return refuse(r, VIO_PCI_WHY_NO_CAP_LIST, VIO_ERR_UNSUPPORTED);
    it->next = vio_pci_cfg_read8(r, bdf, VIO_PCI_CAP_PTR);
    return 0;
}

int vio_pci_cap_next(struct vio_pci_root *r, uint16_t bdf, struct vio_pci_cap_iter *it,
                     uint8_t *off, uint8_t *id)
{
    uint8_t p = it->next;
    if (p == 0)
        return 0;
    /* a list that has not ended after every possible slot loops */
    if (it->count >= VIO_PCI_CAP_MAX)
        return refuse(r, VIO_PCI_WHY_CAP_LOOP, VIO_ERR_UNSUPPORTED);
    /* capabilities live in 0x40..0xff, dword aligned */
    if (p < 0x40 || (p & 3u) != 0)
        return refuse(r, VIO_PCI_WHY_CAP_PTR, VIO_ERR_UNSUPPORTED);
    *off = p;
    *id = vio_pci_cfg_read8(r, bdf, p);
    it->next = vio_pci_cfg_read8(r, bdf, (uint16_t)(p + 1));
    it->count++;
    return 1;
}
