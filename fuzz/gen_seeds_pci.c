/*
 * Seeds of fuzz_pci: functions laid out as QEMU's virtio-pci devices (the
 * virtio structures 4 KiB apart in a 64-bit BAR4), a host bridge, a
 * PCI-to-PCI bridge with a device behind it, and a few malformed lists.
 */
#include <stdio.h>
#include <string.h>

#include "fz_seeds.h"

#define F_INDIRECT (1ull << 28)
#define F_EVENT_IDX (1ull << 29)
#define F_VERSION_1 (1ull << 32)
#define FEATURES (F_VERSION_1 | F_INDIRECT | F_EVENT_IDX | (1ull << 5) | (1ull << 9))

#define BDF(bus, dev, fn) ((uint16_t)((bus) << 8 | (dev) << 3 | (fn)))

struct func {
    uint16_t bdf;
    uint32_t mask[6];
    uint8_t cfg[256];
    uint8_t len;
};

static void put_le(uint8_t *p, uint32_t v, unsigned bytes)
{
    for (unsigned k = 0; k < bytes; k++)
        p[k] = (uint8_t)(v >> (8 * k));
}

static void header(struct func *f, uint16_t bdf, uint16_t vendor, uint16_t device, uint32_t cls,
                   uint8_t type)
{
    memset(f, 0, sizeof *f);
    f->bdf = bdf;
    put_le(f->cfg + 0x00, vendor, 2);
    put_le(f->cfg + 0x02, device, 2);
    put_le(f->cfg + 0x08, 1 | cls << 8, 4);
    f->cfg[0x0e] = type;
    f->len = 0x40;
}

/* struct virtio_pci_cap at @at, linked to @next. */
static void vcap(struct func *f, uint8_t at, uint8_t next, uint8_t type, uint32_t offset,
                 uint32_t mult)
{
    uint8_t *c = f->cfg + at;
    c[0] = 0x09;
    c[1] = next;
    c[2] = type == 2 ? 20 : 16;
    c[3] = type;
    c[4] = 4; /* BAR4 */
    put_le(c + 8, offset, 4);
    put_le(c + 12, 0x1000, 4);
    if (type == 2)
        put_le(c + 16, mult, 4);
    if (at + c[2] > f->len)
        f->len = (uint8_t)(at + c[2]);
}

/* A modern virtio function; @bar4 0 leaves the BAR for the driver to place. */
static void virtio_func(struct func *f, uint16_t bdf, uint16_t type, uint32_t bar4)
{
    header(f, bdf, 0x1af4, (uint16_t)(0x1040 + type), type == 1 ? 0x020000 : 0x010000, 0);
    put_le(f->cfg + 0x06, 0x10, 2); /* capability list */
    put_le(f->cfg + 0x2c, 0x1af4 | 0x1100u << 16, 4);
    put_le(f->cfg + 0x10 + 4 * 1, 0, 4);
    put_le(f->cfg + 0x10 + 4 * 4, bar4 | 0xc, 4); /* 64-bit, prefetchable */
    f->cfg[0x34] = 0x40;
    f->mask[1] = 0xfffff000u; /* a 4 KiB BAR1, as QEMU's MSI-X one */
    f->mask[4] = 0xffffc000u; /* 16 KiB */
    f->mask[5] = 0xffffffffu;
    vcap(f, 0x40, 0x50, 1, 0x0000, 0);
    vcap(f, 0x50, 0x64, 2, 0x3000, 4);
    vcap(f, 0x64, 0x74, 3, 0x1000, 0);
    vcap(f, 0x74, 0x00, 4, 0x2000, 0);
}

static void host_bridge(struct func *f)
{
    header(f, BDF(0, 0, 0), 0x1b36, 0x0008, 0x060000, 0);
}

static void pci_bridge(struct func *f, uint16_t bdf)
{
    header(f, bdf, 0x1b36, 0x0001, 0x060400, 1);
}

static void save(const char *name, uint8_t flags, uint8_t bus_last, const struct func *f,
                 unsigned n, uint16_t num_queues, const uint8_t *regs, size_t regs_len)
{
    struct fz_seed s = {.n = 0};
    struct fz_seed script = {.n = 0};
    uint16_t type = 0;
    for (unsigned i = 0; i < n; i++) {
        uint16_t id = (uint16_t)(f[i].cfg[2] | f[i].cfg[3] << 8);
        if (id >= 0x1040)
            type = (uint16_t)(id - 0x1040);
    }
    if (type == 2)
        fz_script_blk(&script);
    else if (type == 1)
        fz_script_net(&script);
    else if (type == 16)
        fz_script_gpu(&script);
    struct fz_pci_hdr h = {
        .flags = flags,
        .bus_last = bus_last,
        .nfuncs = (uint8_t)n,
        .features = FEATURES,
        .queue_max = 64,
        .num_queues = num_queues,
        .ops_len = (uint8_t)(script.n < 255 ? script.n : 255),
    };
    fz_seed_pci_hdr(&s, &h);
    for (unsigned i = 0; i < n; i++) {
        struct fz_pci_func_hdr fh = {f[i].bdf,     f[i].mask[0], f[i].mask[1], f[i].mask[2],
                                     f[i].mask[3], f[i].mask[4], f[i].mask[5], f[i].len};
        fz_seed_pci_func_hdr(&s, &fh);
        fz_seed_bytes(&s, f[i].cfg, f[i].len);
    }
    fz_seed_bytes(&s, script.b, h.ops_len);
    fz_seed_bytes(&s, regs, regs_len);
    fz_seed_save("fuzz_pci", name, &s);
}

void fz_seeds_pci(void)
{
    struct func f[4];
    static const uint16_t types[] = {2, 1, 16};
    static const char *names[] = {"blk", "net", "gpu"};
    char name[64];
    for (unsigned t = 0; t < 3; t++) {
        /* firmware placed the BAR; the core probe, ECAM and CAM */
        virtio_func(&f[0], BDF(0, 1, 0), types[t], 0x40000000u);
        snprintf(name, sizeof name, "%s-placed", names[t]);
        save(name, FZ_PCI_CORE_PROBE, 0, f, 1, 0, NULL, 0);
        snprintf(name, sizeof name, "%s-placed-cam", names[t]);
        save(name, FZ_PCI_CAM, 0, f, 1, 0, NULL, 0);
        /* the driver places the BARs, behind the host bridge, with a 64-bit window */
        host_bridge(&f[0]);
        virtio_func(&f[1], BDF(0, 2, 0), types[t], 0);
        snprintf(name, sizeof name, "%s-assigned", names[t]);
        save(name, FZ_PCI_ASSIGN | FZ_PCI_MEM64, 0, f, 2, 0, NULL, 0);
    }
    /* a bridge with a blk device on its secondary bus */
    host_bridge(&f[0]);
    pci_bridge(&f[1], BDF(0, 3, 0));
    virtio_func(&f[2], BDF(1, 0, 0), 2, 0);
    save("bridge-blk", FZ_PCI_ASSIGN, 1, f, 3, 0, NULL, 0);
    /* a multi-function device: blk at function 0, net at function 1 */
    virtio_func(&f[0], BDF(0, 4, 0), 2, 0);
    f[0].cfg[0x0e] |= 0x80;
    virtio_func(&f[1], BDF(0, 4, 1), 1, 0);
    save("multifunction", FZ_PCI_ASSIGN | FZ_PCI_MEM64, 0, f, 2, 0, NULL, 0);
    /* malformed: a capability loop, an odd notify multiplier, a structure past its BAR */
    virtio_func(&f[0], BDF(0, 1, 0), 2, 0x40000000u);
    f[0].cfg[0x74 + 1] = 0x40;
    save("cap-loop", 0, 0, f, 1, 0, NULL, 0);
    virtio_func(&f[0], BDF(0, 1, 0), 2, 0x40000000u);
    put_le(f[0].cfg + 0x50 + 16, 3, 4);
    save("notify-mult-odd", 0, 0, f, 1, 0, NULL, 0);
    virtio_func(&f[0], BDF(0, 1, 0), 2, 0x40000000u);
    put_le(f[0].cfg + 0x40 + 8, 0x3800, 4);
    save("common-past-bar", 0, 0, f, 1, 0, NULL, 0);
    /* more queues than a transport tracks; a device whose status never reads 0 */
    virtio_func(&f[0], BDF(0, 1, 0), 2, 0x40000000u);
    save("many-queues", 0, 0, f, 1, 0xffff, NULL, 0);
    static const uint8_t stuck[] = {4, 4, 4, 4, 4, 4, 4, 4};
    save("reset-stuck", 0, 0, f, 1, 0, stuck, sizeof stuck);
}
