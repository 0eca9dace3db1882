/*
 * The input formats of the fuzz targets. Each starts with a fixed header,
 * listed once here as X(bits, field) so that the targets (which read it) and
 * gen_corpus.c (which writes seeds) cannot drift apart. Multi-byte fields
 * are little-endian; a header cut short reads as zeros.
 */
#ifndef FZ_FORMAT_H
#define FZ_FORMAT_H

#include <stdint.h>

#include "fz_input.h"

#define FZ_DECL(bits, name) uint##bits##_t name;
#define FZ_READ(bits, name) h->name = fz_u##bits(in);

/*
 * fuzz_mmio_probe: the MMIO register file and the device configuration.
 * Then: config_len config bytes, a byte ops_len and ops_len bytes of op
 * script (fz_drive.h; at most FZ_PROBE_OPS_MAX: this target is about the
 * probe and init, the ring targets run the long scripts), and the rest
 * deviates register reads (fz_dev_reg).
 */
#define FZ_PROBE_HEADER(X)                                                                         \
    X(8, version)   /* Version register: 1 legacy, 2 modern, else refused */                       \
    X(8, device_id) /* DeviceID: 2 blk, 1 net, 16 GPU, 0 empty slot */                             \
    X(16, window)   /* MMIO window bytes; 0: 0x1000 */                                             \
    X(64, features) /* offered feature bits */                                                     \
    X(16, queue_max)                                                                               \
    X(16, queue_size) /* the size the driver asks for; 0: as large as allowed */                   \
    X(32, dma_fail)   /* bit k: the k-th dma_alloc fails */                                        \
    X(32, share_fail) /* bit k: the k-th share fails */                                            \
    X(8, config_len)

/*
 * fuzz_used_ring and fuzz_responses: a well-behaved register file, a
 * device type and its features. Then ops_len bytes of op script, and the
 * rest is the device stream (FZ_USED or FZ_RESP in fz_dev.h).
 */
#define FZ_RING_HEADER(X)                                                                          \
    X(8, device)  /* 0 blk, 1 net, 2 GPU (modulo 3) */                                             \
    X(8, version) /* MMIO Version: 1 legacy, else 2 */                                             \
    X(64, features)                                                                                \
    X(16, queue_max)                                                                               \
    X(16, queue_size)                                                                              \
    X(32, dma_fail)                                                                                \
    X(32, share_fail)                                                                              \
    X(16, ops_len)

/*
 * fuzz_pci: a root complex and up to 8 functions. Then nfuncs times
 * FZ_PCI_FUNC_HEADER followed by cfg_len bytes of configuration space (the
 * rest of the 256 reads 0); then ops_len bytes of op script, shared by the
 * functions driven; the rest deviates reads of the virtio structures.
 */
#define FZ_PCI_HEADER(X)                                                                           \
    X(8, flags)     /* FZ_PCI_CAM, FZ_PCI_ASSIGN, FZ_PCI_MEM64, FZ_PCI_CORE_PROBE */               \
    X(8, bus_last)  /* buses 0..bus_last % 4 */                                                    \
    X(8, nfuncs)    /* modulo 9 */                                                                 \
    X(64, features) /* offered by every virtio function */                                         \
    X(16, queue_max)                                                                               \
    X(16, num_queues) /* common configuration num_queues; 0: the device type's */                  \
    X(16, notify_off) /* every queue's queue_notify_off */                                         \
    X(16, queue_size)                                                                              \
    X(32, dma_fail)                                                                                \
    X(32, share_fail)                                                                              \
    X(8, ops_len)

#define FZ_PCI_FUNC_HEADER(X)                                                                      \
    X(16, bdf)                                                                                     \
    X(32, mask0) /* per BAR: the bits that stick when written (its size and type) */               \
    X(32, mask1)                                                                                   \
    X(32, mask2)                                                                                   \
    X(32, mask3)                                                                                   \
    X(32, mask4)                                                                                   \
    X(32, mask5)                                                                                   \
    X(8, cfg_len)

#define FZ_PCI_CAM 1u        /* CAM (256 bytes a function), else ECAM */
#define FZ_PCI_ASSIGN 2u     /* vio_pci_assign_resources before enumerating */
#define FZ_PCI_MEM64 4u      /* the root has a 64-bit window */
#define FZ_PCI_CORE_PROBE 8u /* vio_pci_probe rather than the bridge's probe */

#define FZ_PROBE_OPS_MAX 24u

struct fz_pci_hdr {
    FZ_PCI_HEADER(FZ_DECL)
};

struct fz_pci_func_hdr {
    FZ_PCI_FUNC_HEADER(FZ_DECL)
};

static inline void fz_read_pci_hdr(struct fz_pci_hdr *h, struct fz_in *in)
{
    FZ_PCI_HEADER(FZ_READ)
}

static inline void fz_read_pci_func_hdr(struct fz_pci_func_hdr *h, struct fz_in *in)
{
    FZ_PCI_FUNC_HEADER(FZ_READ)
}

/*
 * fuzz_ops: devices on the bench, each on a transport, a fault plan, then
 * the rest is a sequence of generic-interface calls (enum fz_ops_op, each
 * followed by its argument bytes).
 */
#define FZ_OPS_HEADER(X)                                                                           \
    X(8, devices)    /* FZ_OPS_BLK ... FZ_OPS_BOUNCE */                                            \
    X(8, transports) /* 2 bits per device (blk, net, GPU): FZ_OPS_MMIO2, _MMIO1, _PCI, _PCI_OLD */ \
    X(8, nrules)     /* fault rules that follow, modulo FZ_OPS_RULES_MAX + 1 */

/* A fault rule (vsim/fault.h): the point and device by index, the trigger, the value. */
#define FZ_OPS_RULE(X)                                                                             \
    X(8, point)   /* enum vsim_fault_point, modulo the count */                                    \
    X(8, device)  /* hal, blk, net, gpu, * (modulo 5) */                                           \
    X(8, trigger) /* low 2 bits: every, nth, probability; bit 7: the rule has a value */           \
    X(8, nth)     /* the occurrence (nth + 1), or the probability (nth + 1) / 256 */               \
    X(32, value)  /* the value; the seed of a probability */

#define FZ_OPS_BLK 0x01u
#define FZ_OPS_NET 0x02u
#define FZ_OPS_GPU 0x04u
#define FZ_OPS_BLK_4K 0x08u   /* blocks of 4 KiB (BLK_SIZE) */
#define FZ_OPS_LOOPBACK 0x10u /* transmitted frames come back */
#define FZ_OPS_EDID 0x20u     /* the GPU offers EDID */
#define FZ_OPS_DEFERRED 0x40u /* the bench serves queues on relax, not on notify */
#define FZ_OPS_BOUNCE 0x80u   /* every share is bounced */
#define FZ_OPS_MMIO2 0u
#define FZ_OPS_MMIO1 1u
#define FZ_OPS_PCI 2u
#define FZ_OPS_PCI_OLD 3u /* PCI with a transitional device id */
#define FZ_OPS_RULES_MAX 4u

enum fz_ops_op {
    FZ_OP_BLK_READ,    /* block, blocks */
    FZ_OP_BLK_WRITE,   /* block, blocks, pattern */
    FZ_OP_BLK_FLUSH,   /* */
    FZ_OP_BLK_INFO,    /* */
    FZ_OP_BLK_REPROBE, /* */
    FZ_OP_NET_TX,      /* u16 length */
    FZ_OP_NET_RX,      /* */
    FZ_OP_NET_RECYCLE, /* */
    FZ_OP_NET_INFO,    /* */
    FZ_OP_NET_REPROBE, /* */
    FZ_OP_NET_INJECT,  /* u16 length */
    FZ_OP_NET_LINK,    /* up (bit 0) */
    FZ_OP_GPU_DRAW,    /* x, y, w, h, colour */
    FZ_OP_GPU_INFO,    /* */
    FZ_OP_GPU_REPROBE, /* */
    FZ_OP_STEP,        /* */
    FZ_OP_FAULT_CLEAR, /* */
    FZ_OP_FAULT_ADD,   /* FZ_OPS_RULE */
    FZ_OP_COUNT
};

struct fz_ops_hdr {
    FZ_OPS_HEADER(FZ_DECL)
};

struct fz_ops_rule {
    FZ_OPS_RULE(FZ_DECL)
};

static inline void fz_read_ops_hdr(struct fz_ops_hdr *h, struct fz_in *in)
{
    FZ_OPS_HEADER(FZ_READ)
}

static inline void fz_read_ops_rule(struct fz_ops_rule *h, struct fz_in *in)
{
    FZ_OPS_RULE(FZ_READ)
}

/*
 * fuzz_bench: the bench's devices, then the rest is a hostile driver's
 * commands (enum fz_bench_op, each followed by its argument bytes).
 */
#define FZ_BENCH_HEADER(X)                                                                         \
    X(8, devices) /* FZ_BENCH_* devices, deferred mode and loopback */                             \
    X(8, flags)   /* bit 0: bounce every share; bit 1: empty MMIO slots report Version 1 */

#define FZ_BENCH_BLK2 0x01u     /* blk on MMIO slot 0, Version 2 */
#define FZ_BENCH_BLK1 0x02u     /* blk on MMIO slot 1, Version 1 */
#define FZ_BENCH_NET 0x04u      /* net on MMIO slot 2, Version 2 */
#define FZ_BENCH_GPU 0x08u      /* GPU on MMIO slot 3, Version 2 */
#define FZ_BENCH_PCI_BLK 0x10u  /* blk at PCI 00:01.0 */
#define FZ_BENCH_PCI_GPU 0x20u  /* GPU at PCI 00:02.0 */
#define FZ_BENCH_DEFERRED 0x40u /* queues served on relax */
#define FZ_BENCH_LOOPBACK 0x80u /* the net device hears itself */

/*
 * Register regions: 0-7 MMIO slot i; 8-10 the ECAM space of PCI device
 * 0-2 (offset: function << 12 | register); 11-12 the BAR4 window of PCI
 * device 1-2 as FZ_BENCH_PCI_BARS places it.
 */
#define FZ_BENCH_REGIONS 13u
/* Queue areas in the driver's guest memory, then its data area (descriptor addresses point there).
 */
#define FZ_BENCH_AREAS 4u
#define FZ_BENCH_AREA_BYTES 0x3000u

enum fz_bench_op {
    FZ_BENCH_W32,      /* region, u16 offset, u32 value */
    FZ_BENCH_R32,      /* region, u16 offset */
    FZ_BENCH_W16,      /* region, u16 offset, u16 value */
    FZ_BENCH_W8,       /* region, u16 offset, u8 value */
    FZ_BENCH_R16,      /* region, u16 offset */
    FZ_BENCH_R8,       /* region, u16 offset */
    FZ_BENCH_MEM,      /* u32 offset in the guest area, u8 length, bytes */
    FZ_BENCH_DESC,     /* area, index, u8 address kind, u64 address, u32 len, u16 flags, u16 next */
    FZ_BENCH_AVAIL,    /* area, u16 head: appended to the available ring */
    FZ_BENCH_QUEUE,    /* region, queue, area, log2 size: the queue set up on that area */
    FZ_BENCH_INIT,     /* region, u64 features XOR offered: status up to DRIVER_OK */
    FZ_BENCH_NOTIFY,   /* region, u16 queue */
    FZ_BENCH_STEP,     /* */
    FZ_BENCH_RELAX,    /* */
    FZ_BENCH_PCI_BARS, /* device 1-2: BAR4 placed, memory and bus master on */
    FZ_BENCH_RESET,    /* region */
    FZ_BENCH_INJECT,   /* u16 length: a frame from the wire */
    FZ_BENCH_OPS
};

struct fz_bench_hdr {
    FZ_BENCH_HEADER(FZ_DECL)
};

static inline void fz_read_bench_hdr(struct fz_bench_hdr *h, struct fz_in *in)
{
    FZ_BENCH_HEADER(FZ_READ)
}

struct fz_probe_hdr {
    FZ_PROBE_HEADER(FZ_DECL)
};

struct fz_ring_hdr {
    FZ_RING_HEADER(FZ_DECL)
};

static inline void fz_read_probe_hdr(struct fz_probe_hdr *h, struct fz_in *in)
{
    FZ_PROBE_HEADER(FZ_READ)
}

static inline void fz_read_ring_hdr(struct fz_ring_hdr *h, struct fz_in *in)
{
    FZ_RING_HEADER(FZ_READ)
}

/*
 * Op scripts (fz_drive.h): each op is a byte (modulo the count of its device
 * type's ops) followed by the bytes its arguments take.
 */
enum fz_blk_op {
    FZ_BLK_READ,
    FZ_BLK_WRITE,
    FZ_BLK_FLUSH,
    FZ_BLK_GET_ID,
    FZ_BLK_SUBMIT,
    FZ_BLK_KICK,
    FZ_BLK_POLL,
    FZ_BLK_STEP,
    FZ_BLK_RESTART,
    FZ_BLK_OPS
};

enum fz_net_op {
    FZ_NET_RX_POST,
    FZ_NET_RX_KICK,
    FZ_NET_RX_RECV,
    FZ_NET_TX,
    FZ_NET_TX_SG,
    FZ_NET_TX_KICK,
    FZ_NET_TX_COMPLETE,
    FZ_NET_STEP,
    FZ_NET_LINK,
    FZ_NET_ACK,
    FZ_NET_RECLAIM,
    FZ_NET_RESTART,
    FZ_NET_OPS
};

enum fz_gpu_op {
    FZ_GPU_DISPLAY_INFO,
    FZ_GPU_FB_SETUP,
    FZ_GPU_FLUSH,
    FZ_GPU_FLUSH_RECT,
    FZ_GPU_FB_RELEASE,
    FZ_GPU_CURSOR_SETUP,
    FZ_GPU_CURSOR_MOVE,
    FZ_GPU_CURSOR_RELEASE,
    FZ_GPU_EDID,
    FZ_GPU_EVENTS,
    FZ_GPU_RAW,
    FZ_GPU_REQUEST,
    FZ_GPU_RESTART,
    FZ_GPU_OPS
};

/*
 * Queue sizes a device offers in the fuzz targets are capped here: rings of
 * 64 exercise every index and wrap-around rule at a quarter of the cost of
 * 256 (the register streams can still offer any QueueNumMax).
 */
#define FZ_TARGET_QUEUE_MAX 64u

/* Inputs longer than this are cut: every target bounds its work by its input. */
#define FZ_MAX_INPUT 8192u

#endif
