/*
 * Seeds of the bench targets: fuzz_ops (devices on every transport, with
 * and without faults, running every generic call) and fuzz_bench (a driver
 * written by hand from register writes and ring bytes).
 */
#include <stdio.h>

#include "fz_seeds.h"
#include "vsim/fault.h"

/* clang-format off */
static const uint8_t ops_script[] = {
    FZ_OP_BLK_INFO,
    FZ_OP_BLK_WRITE, 2, 1, 0x11,         /* blocks 2-3 */
    FZ_OP_BLK_READ, 2, 1,
    FZ_OP_BLK_READ, 0, 3,                /* still zero */
    FZ_OP_BLK_WRITE, 7, 0, 0x22,
    FZ_OP_BLK_FLUSH,
    FZ_OP_BLK_READ, 62, 3,               /* past the end */
    FZ_OP_NET_INFO,
    FZ_OP_NET_TX, 46, 0,                 /* 60 bytes */
    FZ_OP_NET_TX, 0xdc, 0x05,            /* 1514 bytes */
    FZ_OP_NET_INJECT, 100, 0,
    FZ_OP_STEP,
    FZ_OP_NET_RX, FZ_OP_NET_RX, FZ_OP_NET_RX,
    FZ_OP_NET_RECYCLE,
    FZ_OP_NET_LINK, 0, FZ_OP_NET_TX, 50, 0, FZ_OP_NET_LINK, 1,
    FZ_OP_GPU_INFO,
    FZ_OP_GPU_DRAW, 3, 4, 20, 10, 0x7f,
    FZ_OP_GPU_DRAW, 60, 30, 255, 255, 0x01,
    FZ_OP_BLK_REPROBE, FZ_OP_NET_REPROBE, FZ_OP_GPU_REPROBE,
    FZ_OP_BLK_READ, 2, 1,                /* the data outlives the driver */
    FZ_OP_NET_TX, 0, 1, FZ_OP_STEP, FZ_OP_NET_RX, FZ_OP_NET_RECYCLE,
    FZ_OP_GPU_DRAW, 0, 0, 64, 32, 0xee,
};
/* clang-format on */

struct rule_seed {
    const char *name;
    uint8_t point, device, trigger, nth;
    uint32_t value;
};

#define EVERY 0u
#define NTH 1u
#define PROB 2u
#define VALUE 0x80u

static const struct rule_seed rules[] = {
    {"blk-ioerr", VSIM_FAULT_STATUS, 1, NTH | VALUE, 1, 1},
    {"blk-status-ok-undone", VSIM_FAULT_STATUS, 1, NTH | VALUE, 0, 0},
    {"used-len", VSIM_FAULT_USED_LEN, 4, NTH, 2, 0},
    {"used-id", VSIM_FAULT_USED_ID_RANGE, 4, NTH, 3, 0},
    {"no-complete", VSIM_FAULT_NO_COMPLETE, 1, NTH, 1, 0},
    {"dma-alloc", VSIM_FAULT_DMA_ALLOC, 0, NTH, 4, 0},
    {"share", VSIM_FAULT_SHARE, 0, PROB, 15, 7},
    {"features-refused", VSIM_FAULT_FEATURES_OK_REFUSE, 4, NTH, 0, 0},
    {"gen-bump", VSIM_FAULT_CONFIG_GEN_BUMP, 4, EVERY, 0, 0},
    {"net-drop", VSIM_FAULT_NET_DROP, 2, NTH, 0, 0},
    {"net-num-buffers", VSIM_FAULT_NET_NUM_BUFFERS, 2, NTH | VALUE, 0, 3},
    {"net-tx-hang", VSIM_FAULT_NET_TX_HANG, 2, NTH, 0, 0},
    {"gpu-error", VSIM_FAULT_GPU_RESP_ERROR, 3, NTH, 2, 0},
    {"gpu-fence", VSIM_FAULT_GPU_FENCE_DROP, 3, NTH, 3, 0},
};

static void ops_seed(const char *name, uint8_t devices, uint8_t transports,
                     const struct rule_seed *r)
{
    struct fz_seed s = {.n = 0};
    struct fz_ops_hdr h = {.devices = devices, .transports = transports, .nrules = r != NULL};
    fz_seed_ops_hdr(&s, &h);
    if (r != NULL) {
        struct fz_ops_rule fr = {r->point, r->device, r->trigger, r->nth, r->value};
        fz_seed_ops_rule(&s, &fr);
    }
    fz_seed_bytes(&s, ops_script, sizeof ops_script);
    /* then clear the plan and check everything works again */
    static const uint8_t after[] = {FZ_OP_FAULT_CLEAR,
                                    FZ_OP_BLK_REPROBE,
                                    FZ_OP_BLK_READ,
                                    2,
                                    1,
                                    FZ_OP_NET_REPROBE,
                                    FZ_OP_GPU_REPROBE,
                                    FZ_OP_GPU_DRAW,
                                    1,
                                    1,
                                    8,
                                    8,
                                    0x55};
    if (r != NULL)
        fz_seed_bytes(&s, after, sizeof after);
    fz_seed_save("fuzz_ops", name, &s);
}

#define ALL (FZ_OPS_BLK | FZ_OPS_NET | FZ_OPS_GPU | FZ_OPS_LOOPBACK | FZ_OPS_EDID)
#define ON(blk, net, gpu) ((uint8_t)((blk) | (net) << 2 | (gpu) << 4))

static void ops_seeds(void)
{
    ops_seed("mmio2", ALL, ON(FZ_OPS_MMIO2, FZ_OPS_MMIO2, FZ_OPS_MMIO2), NULL);
    ops_seed("mmio1", ALL, ON(FZ_OPS_MMIO1, FZ_OPS_MMIO1, FZ_OPS_MMIO1), NULL);
    ops_seed("pci", ALL, ON(FZ_OPS_PCI, FZ_OPS_PCI, FZ_OPS_PCI), NULL);
    ops_seed("mixed-deferred-bounce", ALL | FZ_OPS_DEFERRED | FZ_OPS_BOUNCE,
             ON(FZ_OPS_PCI_OLD, FZ_OPS_MMIO1, FZ_OPS_PCI), NULL);
    ops_seed("blk-4k", FZ_OPS_BLK | FZ_OPS_BLK_4K, ON(FZ_OPS_MMIO2, 0, 0), NULL);
    ops_seed("net-alone", FZ_OPS_NET, ON(0, FZ_OPS_PCI_OLD, 0), NULL);
    char name[64];
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
        snprintf(name, sizeof name, "fault-%s", rules[i].name);
        ops_seed(name, ALL, ON(FZ_OPS_MMIO2, FZ_OPS_MMIO2, FZ_OPS_MMIO2), &rules[i]);
        snprintf(name, sizeof name, "fault-%s-pci", rules[i].name);
        ops_seed(name, ALL | FZ_OPS_DEFERRED, ON(FZ_OPS_PCI, FZ_OPS_PCI, FZ_OPS_PCI), &rules[i]);
    }
}

/* ---- fuzz_bench ---- */

static void b_op(struct fz_seed *s, uint8_t op)
{
    fz_seed_u8(s, op);
}

/* A descriptor whose address is @off into the driver's data area (address kind 0). */
static void b_desc(struct fz_seed *s, uint8_t area, uint8_t idx, uint32_t off, uint32_t len,
                   uint16_t flags, uint16_t next)
{
    b_op(s, FZ_BENCH_DESC);
    fz_seed_u8(s, area);
    fz_seed_u8(s, idx);
    fz_seed_u8(s, 0);
    fz_seed_u64(s, off);
    fz_seed_u32(s, len);
    fz_seed_u16(s, flags);
    fz_seed_u16(s, next);
}

/* @len bytes of @p at @off into the data area (which starts after the queue areas). */
static void b_mem(struct fz_seed *s, uint32_t off, const void *p, uint8_t len)
{
    b_op(s, FZ_BENCH_MEM);
    fz_seed_u32(s, FZ_BENCH_AREAS * FZ_BENCH_AREA_BYTES + off);
    fz_seed_u8(s, len);
    fz_seed_bytes(s, p, len);
}

static void b_setup(struct fz_seed *s, uint8_t region, uint8_t queue, uint8_t area, uint8_t log2)
{
    b_op(s, FZ_BENCH_QUEUE);
    fz_seed_u8(s, region);
    fz_seed_u8(s, queue);
    fz_seed_u8(s, area);
    fz_seed_u8(s, log2);
}

static void b_init(struct fz_seed *s, uint8_t region)
{
    b_op(s, FZ_BENCH_INIT);
    fz_seed_u8(s, region);
    fz_seed_u64(s, 0);
}

static void b_kick(struct fz_seed *s, uint8_t region, uint8_t area, uint16_t queue, uint16_t head)
{
    b_op(s, FZ_BENCH_AVAIL);
    fz_seed_u8(s, area);
    fz_seed_u16(s, head);
    b_op(s, FZ_BENCH_NOTIFY);
    fz_seed_u8(s, region);
    fz_seed_u16(s, queue);
    b_op(s, FZ_BENCH_STEP);
}

/* A block request of @type on queue 0 of @region: header, 512 data bytes, status. */
static void b_blk(struct fz_seed *s, uint8_t region, uint32_t type, bool indirect)
{
    uint8_t hdr[16] = {(uint8_t)type, 0, 0, 0, 0, 0, 0, 0, 3};
    b_mem(s, 0, hdr, sizeof hdr);
    b_init(s, region);
    b_setup(s, region, 0, 0, 3);
    uint16_t data_flags = type == 0 ? 3 : 1; /* WRITE|NEXT for a read */
    if (indirect) {
        /* an indirect table of three entries at data + 0x800 */
        uint8_t table[48] = {0};
        const uint32_t offs[3] = {0, 0x200, 0x400}, lens[3] = {16, 512, 1};
        const uint16_t flags[3] = {1, data_flags, 2};
        for (unsigned i = 0; i < 3; i++) {
            uint64_t pa = 0x80000000u + FZ_BENCH_AREAS * FZ_BENCH_AREA_BYTES + offs[i];
            for (unsigned k = 0; k < 8; k++)
                table[16 * i + k] = (uint8_t)(pa >> (8 * k));
            table[16 * i + 8] = (uint8_t)lens[i];
            table[16 * i + 9] = (uint8_t)(lens[i] >> 8);
            table[16 * i + 12] = (uint8_t)flags[i];
            table[16 * i + 14] = (uint8_t)(i + 1);
        }
        b_mem(s, 0x800, table, sizeof table);
        b_desc(s, 0, 0, 0x800, sizeof table, 4, 0);
    } else {
        b_desc(s, 0, 0, 0, 16, 1, 1);
        b_desc(s, 0, 1, 0x200, 512, data_flags, 2);
        b_desc(s, 0, 2, 0x400, 1, 2, 0);
    }
    b_kick(s, region, 0, 0, 0);
}

static void b_save(const char *name, uint8_t devices, uint8_t flags, const struct fz_seed *body)
{
    struct fz_seed s = {.n = 0};
    struct fz_bench_hdr h = {.devices = devices, .flags = flags};
    fz_seed_bench_hdr(&s, &h);
    fz_seed_bytes(&s, body->b, body->n);
    fz_seed_save("fuzz_bench", name, &s);
}

static void bench_seeds(void)
{
    struct fz_seed s;
    const uint8_t pci_blk = FZ_BENCH_REGIONS - 2, pci_gpu = FZ_BENCH_REGIONS - 1;

    s.n = 0;
    b_blk(&s, 0, 0, false);
    b_blk(&s, 0, 1, false);
    b_save("blk-v2", FZ_BENCH_BLK2, 0, &s);
    s.n = 0;
    b_blk(&s, 1, 0, true);
    b_save("blk-v1-indirect", FZ_BENCH_BLK1 | FZ_BENCH_DEFERRED, 1, &s);

    s.n = 0;
    b_op(&s, FZ_BENCH_PCI_BARS);
    fz_seed_u8(&s, 0);
    b_blk(&s, pci_blk, 0, false);
    b_save("blk-pci", FZ_BENCH_PCI_BLK, 0, &s);

    /* GPU: GET_DISPLAY_INFO on the controlq, over MMIO and PCI */
    static const uint8_t get_display_info[24] = {0x00, 0x01};
    for (int pci = 0; pci < 2; pci++) {
        uint8_t region = pci ? pci_gpu : 3;
        s.n = 0;
        if (pci) {
            b_op(&s, FZ_BENCH_PCI_BARS);
            fz_seed_u8(&s, 1);
        }
        b_mem(&s, 0, get_display_info, sizeof get_display_info);
        b_init(&s, region);
        b_setup(&s, region, 0, 0, 4);
        b_desc(&s, 0, 0, 0, 24, 1, 1);
        b_desc(&s, 0, 1, 0x100, 408, 2, 0);
        b_kick(&s, region, 0, 0, 0);
        b_save(pci ? "gpu-pci" : "gpu-mmio", pci ? FZ_BENCH_PCI_GPU : FZ_BENCH_GPU, 0, &s);
    }

    /* net: one receive buffer, one frame sent to itself, one from the wire */
    s.n = 0;
    b_init(&s, 2);
    b_setup(&s, 2, 0, 1, 3);
    b_setup(&s, 2, 1, 2, 3);
    b_desc(&s, 1, 0, 0x1000, 1526, 2, 0);
    b_kick(&s, 2, 1, 0, 0);
    b_desc(&s, 2, 0, 0x2000, 72, 0, 0);
    b_kick(&s, 2, 2, 1, 0);
    b_op(&s, FZ_BENCH_INJECT);
    fz_seed_u16(&s, 60);
    b_op(&s, FZ_BENCH_RELAX);
    b_save("net-loopback", FZ_BENCH_NET | FZ_BENCH_LOOPBACK, 0, &s);

    /* register abuse: wrong widths, read-only writes, an unmapped read, PCI config pokes */
    s.n = 0;
    static const uint8_t raw[] = {
        FZ_BENCH_W16, 0,  0x70, 0x00, 0x01, 0x00,             /* Status, 16 bits */
        FZ_BENCH_W32, 0,  0x00, 0x00, 1,    2,    3,    4,    /* MagicValue */
        FZ_BENCH_R32, 0,  0x50, 0x00,                         /* QueueNotify read */
        FZ_BENCH_R8,  7,  0x00, 0x01,                         /* an empty slot's config */
        FZ_BENCH_W32, 9,  0x10, 0x00, 0xff, 0xff, 0xff, 0xff, /* BAR0 sizing */
        FZ_BENCH_R32, 9,  0x10, 0x00,                         /* */
        FZ_BENCH_W8,  9,  0x34, 0x00, 0x80,                   /* capability pointer */
        FZ_BENCH_R32, 11, 0x00, 0x30,                         /* a BAR not placed */
    };
    fz_seed_bytes(&s, raw, sizeof raw);
    b_save("registers", FZ_BENCH_BLK2 | FZ_BENCH_PCI_BLK, 2, &s);
}

void fz_seeds_sim(void)
{
    ops_seeds();
    bench_seeds();
}
