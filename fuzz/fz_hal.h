/*
 * The fuzz targets' own struct vio_hal: DMA pages from malloc and zero-copy
 * shares, both recorded, so that every exec can demand that the driver gave
 * everything back, and the fake device can check that each address the
 * driver hands it is memory the driver allocated or shared for that
 * direction. Register accesses go to a bus (the fake device's register
 * file); physical addresses are host addresses.
 */
#ifndef FZ_HAL_H
#define FZ_HAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vio/hal.h"

/* Live allocations and shares one exec may hold. */
#define FZ_LIVE_MAX 1024u
/* The platform's DMA budget: a larger dma_alloc fails like a full allocator. */
#define FZ_DMA_MAX_PAGES 1024u
/* Busy-waits give up after this many relax() calls: timeouts stay cheap. */
#define FZ_SPIN_LIMIT 24u

struct fz_bus_ops {
    uint32_t (*read)(void *ctx, uintptr_t addr, unsigned width);
    void (*write)(void *ctx, uintptr_t addr, unsigned width, uint32_t val);
    void (*relax)(void *ctx);
};

struct fz_live {
    uintptr_t base;
    size_t len;
    bool dma; /* a dma_alloc; otherwise a share */
    enum vio_dma_dir dir;
};

struct fz_hal {
    struct vio_hal hal;
    const struct fz_bus_ops *bus;
    void *bus_ctx;
    struct fz_live live[FZ_LIVE_MAX];
    unsigned nlive;
    unsigned last_hit; /* the live entry the device reached last: it usually comes back */
    size_t dma_pages;
    size_t shares;
    /* bit k set: the k-th dma_alloc (share) call fails */
    uint32_t dma_fail_mask;
    uint32_t share_fail_mask;
    unsigned dma_calls;
    unsigned share_calls;
};

void fz_hal_init(struct fz_hal *h, const struct fz_bus_ops *bus, void *bus_ctx);

/*
 * The device's view of [@pa, @pa+@len): a host pointer when the range lies
 * in one live allocation or share the device may read (or @write), else
 * NULL: the driver pointed the device at memory it does not own for that.
 */
uint8_t *fz_hal_dev_ptr(struct fz_hal *h, uint64_t pa, uint64_t len, bool write);

/* Aborts unless every DMA page and share came back; @when names the moment. */
void fz_hal_check_leaks(struct fz_hal *h, const char *when);

/* Reports a broken invariant on stderr and aborts, so the fuzzer keeps the input. */
void fz_fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

#endif
