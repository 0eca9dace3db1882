/*
 * Seeds of the MMIO-transport targets (fuzz_mmio_probe, fuzz_used_ring,
 * fuzz_responses) and the op scripts every driver-side target shares.
 */
#include <stdio.h>

#include "fz_seeds.h"

#define F_INDIRECT (1ull << 28)
#define F_EVENT_IDX (1ull << 29)
#define F_VERSION_1 (1ull << 32)
#define BLK_FEATURES ((1ull << 5) | (1ull << 6) | (1ull << 9))   /* RO, BLK_SIZE, FLUSH */
#define NET_FEATURES ((1ull << 5) | (1ull << 15) | (1ull << 16)) /* MAC, MRG_RXBUF, STATUS */
#define NET_F_MRG_RXBUF (1ull << 15)
#define NET_F_ANY_LAYOUT (1ull << 27)
#define GPU_F_EDID (1ull << 1)

static void ops(struct fz_seed *s, const uint8_t *b, size_t n)
{
    fz_seed_bytes(s, b, n);
}

void fz_script_blk(struct fz_seed *s)
{
    /* clang-format off */
    static const uint8_t script[] = {
        FZ_BLK_READ,   0,  0,             /* block 0 */
        FZ_BLK_WRITE,  3,  1,             /* blocks 3-4 */
        FZ_BLK_READ,   62, 3,             /* past the end */
        FZ_BLK_FLUSH,  FZ_BLK_GET_ID,     /* */
        FZ_BLK_SUBMIT, 0,  0,  5, 0,      /* IN */
        FZ_BLK_SUBMIT, 1,  1,  6, 1,      /* OUT */
        FZ_BLK_SUBMIT, 2,  2,  0, 0,      /* FLUSH */
        FZ_BLK_SUBMIT, 3,  3,  0, 0,      /* GET_ID */
        FZ_BLK_SUBMIT, 4,  4,  0, 0,      /* an unknown type */
        FZ_BLK_KICK,   FZ_BLK_POLL,       /* */
        FZ_BLK_POLL,   FZ_BLK_STEP,       /* */
        FZ_BLK_POLL,   FZ_BLK_POLL,       /* */
        FZ_BLK_READ,   1,  0,             /* blocking while requests are out */
        FZ_BLK_RESTART, FZ_BLK_READ, 7, 1 /* */
    };
    /* clang-format on */
    ops(s, script, sizeof script);
}

void fz_script_net(struct fz_seed *s)
{
    /* clang-format off */
    static const uint8_t script[] = {
        0,                                               /* init: no feature left out */
        FZ_NET_RX_POST, 0, 0,                            /* the smallest buffer */
        FZ_NET_RX_POST, 1, 1,                            /* a full one */
        FZ_NET_RX_POST, 2, 3, 16,                        /* a bit more than the minimum */
        FZ_NET_RX_POST, 3, 2, 0x10, 0x00,                /* 16 bytes: too short unless merged */
        FZ_NET_RX_KICK, FZ_NET_STEP,                     /* */
        FZ_NET_RX_RECV, 7, 0x00, 0x08,                   /* copy up to 2 KiB */
        FZ_NET_TX, 5, 0,                                 /* a 60-byte frame */
        FZ_NET_TX, 6, 2, 4, 0,                           /* 4 bytes: only header room */
        FZ_NET_TX_SG, 7, 3, 14, 20, 26,                  /* three pieces */
        FZ_NET_TX_SG, 8, 16, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* too many */
        FZ_NET_TX_KICK, FZ_NET_STEP,                     /* */
        FZ_NET_TX_COMPLETE, 7,                           /* */
        FZ_NET_LINK, FZ_NET_ACK,                         /* */
        FZ_NET_RX_POST, 9, 1, FZ_NET_RX_KICK,            /* */
        FZ_NET_RECLAIM,                                  /* */
        FZ_NET_RESTART, 1, 15,                           /* again without MRG_RXBUF */
        FZ_NET_RX_POST, 0, 1, FZ_NET_RX_KICK,            /* */
        FZ_NET_RX_RECV, 0, 0x40, 0x00,                   /* */
        FZ_NET_TX, 1, 1, FZ_NET_TX_KICK,                 /* */
        FZ_NET_TX_COMPLETE, 0                            /* */
    };
    /* clang-format on */
    ops(s, script, sizeof script);
}

void fz_script_gpu(struct fz_seed *s)
{
    /* clang-format off */
    static const uint8_t script[] = {
        FZ_GPU_DISPLAY_INFO, 0,                          /* */
        FZ_GPU_FB_SETUP, 0, 0, 0,                        /* the display's mode */
        FZ_GPU_FLUSH, FZ_GPU_FLUSH_RECT, 0, 0, 8, 8,     /* */
        FZ_GPU_FLUSH_RECT, 60, 40, 8, 9,                 /* outside */
        FZ_GPU_CURSOR_SETUP, 0, 10, 10, 1, 2,            /* */
        FZ_GPU_CURSOR_MOVE, 20, 30,                      /* */
        FZ_GPU_EDID, 0, FZ_GPU_EVENTS,                   /* */
        FZ_GPU_RAW, 9, 0, 1, 4, 4,                       /* create 9 */
        FZ_GPU_RAW, 9, 2,                                /* attach the framebuffer's pages */
        FZ_GPU_RAW, 9, 4, 0, 0, 4, 4, 0,                 /* scanout 0 */
        FZ_GPU_RAW, 9, 5, 0, 0, 4, 4, 0, 0,              /* transfer */
        FZ_GPU_RAW, 9, 6, 0, 0, 4, 4,                    /* flush */
        FZ_GPU_RAW, 9, 3, FZ_GPU_RAW, 9, 1,              /* detach, unref */
        FZ_GPU_RAW, 0, 7, 1, 0, 5, 5, 0, 0,              /* move the cursor */
        FZ_GPU_CURSOR_RELEASE, FZ_GPU_FB_RELEASE,        /* */
        FZ_GPU_FB_SETUP, 1, 1, 16, 16, 3,                /* a second scanout */
        FZ_GPU_FB_SETUP, 0, 1, 16, 16, 4,                /* an unknown format */
        FZ_GPU_REQUEST, 0, 24, 0x98, 0x01, 0x98, 0x01, 0x01, 0x11, /* GET_DISPLAY_INFO */
        0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0,                                /* */
        FZ_GPU_RESTART, FZ_GPU_FB_SETUP, 0, 0, 1         /* */
    };
    /* clang-format on */
    ops(s, script, sizeof script);
}

struct dev_kind {
    const char *name;
    uint8_t probe_id;  /* DeviceID */
    uint8_t ring_dev;  /* FZ_RING_HEADER device */
    uint64_t features; /* offered besides the ring features */
    void (*script)(struct fz_seed *s);
};

static const struct dev_kind kinds[] = {
    {"blk", 2, 0, BLK_FEATURES & ~(1ull << 5), fz_script_blk},
    {"net", 1, 1, NET_FEATURES, fz_script_net},
    {"gpu", 16, 2, GPU_F_EDID, fz_script_gpu},
};

/* The same device, once per transport version and ring feature set. */
static const struct {
    const char *name;
    uint8_t version;
    uint64_t features;
} flavours[] = {
    {"v2", 2, F_VERSION_1 | F_INDIRECT | F_EVENT_IDX},
    {"v2-plain", 2, F_VERSION_1},
    {"v1", 1, F_INDIRECT | F_EVENT_IDX},
    {"v1-plain", 1, 0},
};

static void probe_seeds(void)
{
    char name[64];
    struct fz_seed s;
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        for (size_t f = 0; f < sizeof flavours / sizeof flavours[0]; f++) {
            struct fz_probe_hdr h = {
                .version = flavours[f].version,
                .device_id = kinds[k].probe_id,
                .features = flavours[f].features | kinds[k].features,
                .queue_max = f % 2 ? 8 : 256,
            };
            s.n = 0;
            fz_seed_probe_hdr(&s, &h);
            struct fz_seed script = {.n = 0};
            kinds[k].script(&script);
            size_t n = script.n < FZ_PROBE_OPS_MAX ? script.n : FZ_PROBE_OPS_MAX;
            fz_seed_u8(&s, (uint8_t)n);
            fz_seed_bytes(&s, script.b, n);
            snprintf(name, sizeof name, "%s-%s", kinds[k].name, flavours[f].name);
            fz_seed_save("fuzz_mmio_probe", name, &s);
        }
    }
    /* refusals: an empty slot, another device type, a short window, a bad magic */
    static const struct {
        const char *name;
        struct fz_probe_hdr h;
        uint8_t regs[5];
    } odd[] = {
        {"empty-slot", {.version = 2}, {0}},
        {"console", {.version = 2, .device_id = 3, .features = F_VERSION_1}, {0}},
        {"short-window", {.version = 2, .device_id = 2, .window = 0xff}, {0}},
        {"bad-magic", {.version = 2, .device_id = 2}, {1, 0x76, 0x69, 0x72, 0x74}},
        {"no-version-1", {.version = 2, .device_id = 2, .queue_max = 16}, {0}},
    };
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
        s.n = 0;
        fz_seed_probe_hdr(&s, &odd[i].h);
        fz_seed_u8(&s, 0);
        fz_seed_bytes(&s, odd[i].regs, sizeof odd[i].regs);
        fz_seed_save("fuzz_mmio_probe", odd[i].name, &s);
    }
    /* a blk device whose config space is given: 4 KiB blocks, tiny capacity */
    struct fz_probe_hdr h = {.version = 2,
                             .device_id = 2,
                             .features = F_VERSION_1 | (1ull << 6),
                             .queue_max = 64,
                             .config_len = 24};
    s.n = 0;
    fz_seed_probe_hdr(&s, &h);
    uint8_t cfg[24] = {16};
    cfg[20 + 1] = 0x10;
    fz_seed_bytes(&s, cfg, sizeof cfg);
    struct fz_seed script = {.n = 0};
    fz_script_blk(&script);
    fz_seed_u8(&s, FZ_PROBE_OPS_MAX);
    fz_seed_bytes(&s, script.b, FZ_PROBE_OPS_MAX);
    fz_seed_save("fuzz_mmio_probe", "blk-4k-blocks", &s);
}

/* fuzz_used_ring and fuzz_responses: each device type well-behaved, then a few deviations. */
static void ring_seeds(const char *target, const uint8_t *deviation, size_t dev_len)
{
    char name[64];
    struct fz_seed s;
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        for (size_t f = 0; f < sizeof flavours / sizeof flavours[0]; f++) {
            struct fz_seed script = {.n = 0};
            kinds[k].script(&script);
            uint64_t extra = kinds[k].features;
            /* a legacy net device without ANY_LAYOUT puts the header apart */
            if (flavours[f].version == 1 && kinds[k].ring_dev == 1 && f == 2)
                extra |= NET_F_ANY_LAYOUT;
            if (kinds[k].ring_dev == 1 && f == 1)
                extra &= ~NET_F_MRG_RXBUF;
            struct fz_ring_hdr h = {
                .device = kinds[k].ring_dev,
                .version = flavours[f].version,
                .features = flavours[f].features | extra,
                .queue_max = f % 2 ? 16 : 256,
                .ops_len = (uint16_t)script.n,
            };
            for (int dev = 0; dev < 2; dev++) {
                s.n = 0;
                fz_seed_ring_hdr(&s, &h);
                fz_seed_bytes(&s, script.b, script.n);
                if (dev)
                    fz_seed_bytes(&s, deviation, dev_len);
                snprintf(name, sizeof name, "%s-%s%s", kinds[k].name, flavours[f].name,
                         dev ? "-odd" : "");
                fz_seed_save(target, name, &s);
            }
        }
    }
}

void fz_seeds_mmio(void)
{
    probe_seeds();
    /* FZ_USED actions (fz_ring.c): out of order, a wrong id, a long len, a late completion */
    static const uint8_t used[] = {0, 0, 6, 1, 1, 0, 3, 0x00, 0x10, 0, 0, 2, 0x05, 0x00, 9, 2};
    ring_seeds("fuzz_used_ring", used, sizeof used);
    /* FZ_RESP choices (fz_models.c): an IOERR status, a short len, a bad GPU type */
    static const uint8_t resp[] = {1, 0, 0, 2, 0, 1, 0x20, 0x00, 3, 0, 0, 1, 0x00, 0x12, 0, 0};
    ring_seeds("fuzz_responses", resp, sizeof resp);
}
