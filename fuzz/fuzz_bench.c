/*
 * Fuzz target: the bench against a hostile driver. The input is the
 * driver: raw register reads and writes of every width on MMIO slots, PCI
 * configuration space and BARs, descriptor tables, available rings and any
 * guest memory bytes it likes, plus the few macros a real driver would use
 * (set a queue up on an area, bring a device to DRIVER_OK, place a BAR), so
 * that requests reach the device models (fz_format.h, FZ_BENCH_HEADER). The
 * bench must never crash, leak or trip a sanitizer: it records violations
 * and goes on.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fz_format.h"
#include "fz_hal.h"
#include "vsim/blk.h"
#include "vsim/gpu.h"
#include "vsim/machine.h"
#include "vsim/mmio.h"
#include "vsim/net.h"
#include "vsim/pci.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A queue area holds a ring of 256 in either layout: descriptors, driver area, device area. */
#define AREA_BYTES FZ_BENCH_AREA_BYTES
#define DATA_OFF (FZ_BENCH_AREAS * AREA_BYTES)
#define GUEST_BYTES (DATA_OFF + 0x4000u)
#define BAR_BASE(dev) (VSIM_PCI_MEM32_BASE + (uint64_t)(dev)*0x100000u)

/* Where the driver put each queue area's parts, and how big the ring is. */
struct area {
    uint32_t avail_off, used_off;
    uint16_t size;
    uint16_t avail_idx;
};

/*
 * Guest memory is the driver's areas and nothing else, in one buffer kept
 * across runs; allocating them zeroes all of it, so no run sees the last.
 */
static _Alignas(4096) uint8_t guest_mem[GUEST_BYTES];

static struct vsim_machine *m;
static const struct vio_hal *hal;
static uint8_t *guest;
static uint64_t guest_pa;
static struct area areas[FZ_BENCH_AREAS];
static unsigned mmio_version[VSIM_MMIO_SLOTS];
static struct vsim_net *net;

static uint64_t region_base(unsigned region)
{
    if (region < VSIM_MMIO_SLOTS)
        return VSIM_MMIO_SLOT_BASE(region);
    if (region < VSIM_MMIO_SLOTS + 3)
        return VSIM_PCI_ECAM_BASE + VSIM_PCI_ECAM_OFF(region - VSIM_MMIO_SLOTS, 0);
    return BAR_BASE(region - VSIM_MMIO_SLOTS - 2);
}

static bool is_pci_bar(unsigned region)
{
    return region >= VSIM_MMIO_SLOTS + 3;
}

static void w32(unsigned region, uint32_t off, uint32_t v)
{
    hal->write32(hal->ctx, region_base(region) + off, v);
}

static uint32_t r32(unsigned region, uint32_t off)
{
    return hal->read32(hal->ctx, region_base(region) + off);
}

static void w16(unsigned region, uint32_t off, uint16_t v)
{
    hal->write16(hal->ctx, region_base(region) + off, v);
}

static void w8(unsigned region, uint32_t off, uint8_t v)
{
    hal->write8(hal->ctx, region_base(region) + off, v);
}

static void put_le(uint8_t *p, uint64_t v, unsigned bytes)
{
    for (unsigned k = 0; k < bytes; k++)
        p[k] = (uint8_t)(v >> (8 * k));
}

/* ---- macros a driver would use ---- */

static void desc(struct fz_in *in)
{
    struct area *a = &areas[fz_u8(in) % FZ_BENCH_AREAS];
    unsigned idx = fz_u8(in);
    uint8_t kind = fz_u8(in);
    uint64_t addr = fz_u64(in);
    uint32_t len = fz_u32(in);
    uint16_t flags = fz_u16(in), next = fz_u16(in);
    unsigned n = a->size != 0 ? a->size : 256u;
    /* mostly an address inside the data area, sometimes anything at all */
    if (!(kind & 1u))
        addr = guest_pa + DATA_OFF + addr % (GUEST_BYTES - DATA_OFF);
    if (kind & 2u)
        len %= GUEST_BYTES - DATA_OFF;
    uint8_t *d = guest + (size_t)(a - areas) * AREA_BYTES + (idx % n) * 16u;
    put_le(d, addr, 8);
    put_le(d + 8, len, 4);
    put_le(d + 12, flags, 2);
    put_le(d + 14, next, 2);
}

static void avail(struct fz_in *in)
{
    struct area *a = &areas[fz_u8(in) % FZ_BENCH_AREAS];
    uint16_t head = fz_u16(in);
    uint8_t *ring = guest + (size_t)(a - areas) * AREA_BYTES + a->avail_off;
    unsigned n = a->size != 0 ? a->size : 1u;
    put_le(ring + 4 + 2u * (a->avail_idx % n), head, 2);
    a->avail_idx++;
    put_le(ring + 2, a->avail_idx, 2);
}

/* Virtqueue Configuration on an MMIO slot (either version) or a PCI function's common config. */
static void queue(struct fz_in *in)
{
    unsigned region = fz_u8(in) % FZ_BENCH_REGIONS;
    uint16_t q = fz_u8(in);
    unsigned ai = fz_u8(in) % FZ_BENCH_AREAS;
    uint16_t n = (uint16_t)(1u << (fz_u8(in) % 9u));
    struct area *a = &areas[ai];
    uint64_t desc_pa = guest_pa + (uint64_t)ai * AREA_BYTES;
    bool legacy = region < VSIM_MMIO_SLOTS && mmio_version[region] == 1;
    uint32_t avail_end = 16u * n + 6u + 2u * n;
    *a = (struct area){
        .avail_off = legacy ? 16u * n : 0x1000u,
        .used_off = legacy ? (avail_end + 4095u) & ~4095u : 0x2000u,
        .size = n,
    };
    memset(guest + (size_t)ai * AREA_BYTES, 0, AREA_BYTES);
    if (is_pci_bar(region)) {
        uint32_t c = VSIM_PCI_COMMON_OFF;
        w16(region, c + 0x16, q);
        w16(region, c + 0x18, n);
        w32(region, c + 0x20, (uint32_t)desc_pa);
        w32(region, c + 0x24, (uint32_t)(desc_pa >> 32));
        w32(region, c + 0x28, (uint32_t)(desc_pa + a->avail_off));
        w32(region, c + 0x2c, 0);
        w32(region, c + 0x30, (uint32_t)(desc_pa + a->used_off));
        w32(region, c + 0x34, 0);
        w16(region, c + 0x1c, 1);
    } else if (legacy) {
        w32(region, VSIM_MMIO_GUEST_PAGE_SIZE, 4096);
        w32(region, VSIM_MMIO_QUEUE_SEL, q);
        w32(region, VSIM_MMIO_QUEUE_NUM, n);
        w32(region, VSIM_MMIO_QUEUE_ALIGN, 4096);
        w32(region, VSIM_MMIO_QUEUE_PFN, (uint32_t)(desc_pa >> 12));
    } else {
        w32(region, VSIM_MMIO_QUEUE_SEL, q);
        w32(region, VSIM_MMIO_QUEUE_NUM, n);
        w32(region, VSIM_MMIO_QUEUE_DESC_LOW, (uint32_t)desc_pa);
        w32(region, VSIM_MMIO_QUEUE_DESC_HIGH, (uint32_t)(desc_pa >> 32));
        w32(region, VSIM_MMIO_QUEUE_DRIVER_LOW, (uint32_t)(desc_pa + a->avail_off));
        w32(region, VSIM_MMIO_QUEUE_DRIVER_HIGH, 0);
        w32(region, VSIM_MMIO_QUEUE_DEVICE_LOW, (uint32_t)(desc_pa + a->used_off));
        w32(region, VSIM_MMIO_QUEUE_DEVICE_HIGH, 0);
        w32(region, VSIM_MMIO_QUEUE_READY, 1);
    }
}

/* Device Initialization up to DRIVER_OK, accepting the offered features XOR the input's. */
static void init(struct fz_in *in)
{
    unsigned region = fz_u8(in) % FZ_BENCH_REGIONS;
    uint64_t flip = fz_u64(in);
    if (is_pci_bar(region)) {
        uint32_t c = VSIM_PCI_COMMON_OFF;
        w8(region, c + 0x14, 0);
        w8(region, c + 0x14, 1);
        w8(region, c + 0x14, 3);
        uint64_t offered = 0;
        for (uint32_t sel = 0; sel < 2; sel++) {
            w32(region, c + 0x00, sel);
            offered |= (uint64_t)r32(region, c + 0x04) << (32 * sel);
        }
        uint64_t accept = offered ^ flip;
        for (uint32_t sel = 0; sel < 2; sel++) {
            w32(region, c + 0x08, sel);
            w32(region, c + 0x0c, (uint32_t)(accept >> (32 * sel)));
        }
        w8(region, c + 0x14, 0xb);
        w8(region, c + 0x14, 0xf);
        return;
    }
    bool legacy = region < VSIM_MMIO_SLOTS && mmio_version[region] == 1;
    w32(region, VSIM_MMIO_STATUS, 0);
    w32(region, VSIM_MMIO_STATUS, 1);
    w32(region, VSIM_MMIO_STATUS, 3);
    uint64_t offered = 0;
    for (uint32_t sel = 0; sel < 2; sel++) {
        w32(region, VSIM_MMIO_DEVICE_FEATURES_SEL, sel);
        offered |= (uint64_t)r32(region, VSIM_MMIO_DEVICE_FEATURES) << (32 * sel);
    }
    uint64_t accept = offered ^ flip;
    for (uint32_t sel = 0; sel < 2; sel++) {
        w32(region, VSIM_MMIO_DRIVER_FEATURES_SEL, sel);
        w32(region, VSIM_MMIO_DRIVER_FEATURES, (uint32_t)(accept >> (32 * sel)));
    }
    if (!legacy)
        w32(region, VSIM_MMIO_STATUS, 0xb);
    w32(region, VSIM_MMIO_STATUS, legacy ? 7 : 0xf);
}

static void notify(struct fz_in *in)
{
    unsigned region = fz_u8(in) % FZ_BENCH_REGIONS;
    uint16_t q = fz_u16(in);
    if (is_pci_bar(region))
        w16(region, VSIM_PCI_NOTIFY_OFF + (uint32_t)q * VSIM_PCI_NOTIFY_MULTIPLIER, q);
    else
        w32(region, VSIM_MMIO_QUEUE_NOTIFY, q);
}

/* PCI Base Address Registers: BAR4 (64-bit) at the device's window, decode on. */
static void pci_bars(struct fz_in *in)
{
    unsigned dev = 1u + fz_u8(in) % 2u;
    uint64_t ecam = VSIM_PCI_ECAM_BASE + VSIM_PCI_ECAM_OFF(dev, 0);
    hal->write32(hal->ctx, ecam + 0x10 + 4 * VSIM_PCI_VIRTIO_BAR, (uint32_t)BAR_BASE(dev));
    hal->write32(hal->ctx, ecam + 0x14 + 4 * VSIM_PCI_VIRTIO_BAR, 0);
    hal->write16(hal->ctx, ecam + 0x04, 0x6);
}

static void mem(struct fz_in *in)
{
    uint32_t off = fz_u32(in) % GUEST_BYTES;
    size_t len = fz_u8(in);
    struct fz_in bytes = fz_sub(in, len < GUEST_BYTES - off ? len : GUEST_BYTES - off);
    memcpy(guest + off, bytes.p, bytes.n);
}

static void inject(struct fz_in *in)
{
    static uint8_t frame[2048];
    size_t len = fz_u16(in) % sizeof frame;
    memset(frame, (int)len, len);
    if (net != NULL)
        vsim_net_inject(net, frame, len);
}

static void run_op(struct fz_in *in)
{
    uint8_t op = fz_u8(in) % FZ_BENCH_OPS;
    if (op <= FZ_BENCH_R8) {
        unsigned region = fz_u8(in) % FZ_BENCH_REGIONS;
        uint64_t at = region_base(region) + fz_u16(in);
        if (op == FZ_BENCH_W32)
            hal->write32(hal->ctx, at, fz_u32(in));
        else if (op == FZ_BENCH_W16)
            hal->write16(hal->ctx, at, fz_u16(in));
        else if (op == FZ_BENCH_W8)
            hal->write8(hal->ctx, at, fz_u8(in));
        else if (op == FZ_BENCH_R32)
            hal->read32(hal->ctx, at);
        else if (op == FZ_BENCH_R16)
            hal->read16(hal->ctx, at);
        else
            hal->read8(hal->ctx, at);
        return;
    }
    switch (op) {
    case FZ_BENCH_MEM:
        mem(in);
        break;
    case FZ_BENCH_DESC:
        desc(in);
        break;
    case FZ_BENCH_AVAIL:
        avail(in);
        break;
    case FZ_BENCH_QUEUE:
        queue(in);
        break;
    case FZ_BENCH_INIT:
        init(in);
        break;
    case FZ_BENCH_NOTIFY:
        notify(in);
        break;
    case FZ_BENCH_STEP:
        vsim_machine_step(m);
        break;
    case FZ_BENCH_RELAX:
        hal->relax(hal->ctx);
        break;
    case FZ_BENCH_PCI_BARS:
        pci_bars(in);
        break;
    case FZ_BENCH_RESET: {
        unsigned region = fz_u8(in) % FZ_BENCH_REGIONS;
        if (is_pci_bar(region))
            w8(region, VSIM_PCI_COMMON_OFF + 0x14, 0);
        else
            w32(region, VSIM_MMIO_STATUS, 0);
        break;
    }
    default: /* FZ_BENCH_INJECT */
        inject(in);
        break;
    }
}

/* Up to three block devices (MMIO slots 0 and 1, PCI): their disks, kept across runs. */
#define DISK_SECTORS 16u
static _Alignas(4096) uint8_t disks[3][DISK_SECTORS * 512u];
static unsigned ndisks;

static struct vsim_device *new_blk(void)
{
    /* a small disk, zeroed here (allocating one took a twentieth of a run under ASan) */
    uint8_t *disk = disks[ndisks++ % 3u];
    memset(disk, 0, sizeof disks[0]);
    const struct vsim_blk_opts o = {.capacity = DISK_SECTORS, .ram = disk, .queue_max = 64};
    struct vsim_blk *b = vsim_blk_new(m, &o);
    if (b == NULL)
        fz_fail("vsim_blk_new: %s", vsim_machine_last_error(m));
    return vsim_blk_device(b);
}

static struct vsim_device *new_gpu(void)
{
    static const struct vsim_gpu_opts o = {.width = 32,
                                           .height = 16,
                                           .edid = true,
                                           .queue_max = 64,
                                           .max_resources = 8,
                                           .max_host_bytes = 256u << 10,
                                           .max_entries = 64};
    struct vsim_gpu *g = vsim_gpu_new(m, &o);
    if (g == NULL)
        fz_fail("vsim_gpu_new: %s", vsim_machine_last_error(m));
    return vsim_gpu_device(g);
}

static struct vsim_device *new_net(bool loopback)
{
    static const struct vsim_net_opts o = {.queue_max = 64, .backlog = 8};
    net = vsim_net_new(m, &o);
    if (net == NULL)
        fz_fail("vsim_net_new: %s", vsim_machine_last_error(m));
    vsim_net_set_loopback(net, loopback);
    return vsim_net_device(net);
}

static void attach_mmio(unsigned slot, unsigned version, struct vsim_device *d)
{
    mmio_version[slot] = version;
    if (vsim_mmio_attach(m, slot, version, d) != 0)
        fz_fail("vsim_mmio_attach: %s", vsim_machine_last_error(m));
}

static void attach_pci(unsigned dev, struct vsim_device *d)
{
    if (vsim_pci_host_init(m) != 0 || vsim_pci_attach(m, dev, 0, d, NULL) != 0)
        fz_fail("vsim_pci_attach: %s", vsim_machine_last_error(m));
}

static void build(unsigned dv)
{
    if (dv & FZ_BENCH_BLK2)
        attach_mmio(0, 2, new_blk());
    if (dv & FZ_BENCH_BLK1)
        attach_mmio(1, 1, new_blk());
    if (dv & FZ_BENCH_NET)
        attach_mmio(2, 2, new_net((dv & FZ_BENCH_LOOPBACK) != 0));
    if (dv & FZ_BENCH_GPU)
        attach_mmio(3, 2, new_gpu());
    if (dv & FZ_BENCH_PCI_BLK)
        attach_pci(1, new_blk());
    if (dv & FZ_BENCH_PCI_GPU)
        attach_pci(2, new_gpu());
    guest = vsim_machine_mem_alloc(m, GUEST_BYTES);
    guest_pa = vsim_machine_paddr(m, guest);
    if (guest == NULL)
        fz_fail("no guest memory for the driver's rings");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > FZ_MAX_INPUT)
        return -1;
    struct fz_in in = fz_in_make(data, size);
    struct fz_bench_hdr h;
    fz_read_bench_hdr(&h, &in);
    struct vsim_machine_opts mo = {
        .mem_size = GUEST_BYTES,
        .mem = guest_mem,
        .deferred = (h.devices & FZ_BENCH_DEFERRED) != 0,
        .bounce_all = (h.flags & 1u) != 0,
        .empty_version = (h.flags & 2u) ? 1 : 2,
        .spin_limit = 64,
    };
    m = vsim_machine_new(&mo);
    if (m == NULL)
        return 0;
    /*
     * The bench records what the hostile driver breaks (a run breaks rules
     * dozens of times) and nothing here reads it: only the first few
     * violations of a run are stored, so their formatting still meets every
     * message and its values, and the rest are counted.
     */
    vsim_conform_set_keep(vsim_machine_conform(m), 8);
    hal = vsim_machine_hal(m);
    net = NULL;
    ndisks = 0;
    memset(areas, 0, sizeof areas);
    for (unsigned i = 0; i < VSIM_MMIO_SLOTS; i++)
        mmio_version[i] = mo.empty_version;
    build(h.devices);
    while (in.n > 0)
        run_op(&in);
    vsim_machine_free(m);
    return 0;
}
