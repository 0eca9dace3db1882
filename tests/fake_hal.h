/*
 * A scripted HAL for unit tests: malloc-backed DMA pages at fake physical
 * addresses, shares that are either identity (the device sees the driver's
 * buffer) or bounce buffers, leak and misuse counting, failure injection,
 * and register accesses forwarded to a test's own register file.
 */
#ifndef FAKE_HAL_H
#define FAKE_HAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vio/hal.h"

#define FAKE_HAL_MAX_DMA 32
#define FAKE_HAL_MAX_SHARES 128
/* Each allocation and share owns a window this large in the fake physical space. */
#define FAKE_HAL_DMA_WINDOW (1u << 20)
#define FAKE_HAL_SHARE_WINDOW (2u << 20)
#define FAKE_HAL_DMA_BASE 0x40000000ull
#define FAKE_HAL_SHARE_BASE 0x100000000ull

struct fake_dma {
    void *va;
    size_t pages;
    enum vio_dma_dir dir;
    bool live;
};

struct fake_share {
    void *buf;
    void *dev; /* what the device sees: buf itself, or the bounce copy */
    size_t len;
    enum vio_dma_dir dir;
    bool live;
};

struct fake_hal;
typedef uint32_t (*fake_reg_read_fn)(void *arg, uintptr_t addr, unsigned width);
typedef void (*fake_reg_write_fn)(void *arg, uintptr_t addr, unsigned width, uint32_t val);

struct fake_hal {
    struct vio_hal hal;
    bool bounce;            /* shares go through bounce buffers */
    vio_paddr_t dma_base;   /* physical address of DMA slot 0 */
    unsigned dma_fail_at;   /* fail the Nth dma_alloc call (1-based), 0: never */
    unsigned share_fail_at; /* fail the Nth share call (1-based), 0: never */
    unsigned dma_calls, share_calls, unshare_calls, relax_calls;
    int dma_live, share_live;
    unsigned misuse; /* frees and unshares that match nothing live */

    struct fake_dma dma[FAKE_HAL_MAX_DMA];
    struct fake_share shares[FAKE_HAL_MAX_SHARES];

    void (*on_relax)(struct fake_hal *fh);
    fake_reg_read_fn reg_read;
    fake_reg_write_fn reg_write;
    void *reg_arg;
};

void fake_hal_init(struct fake_hal *fh);
/* Asserts that every DMA page was freed, every share undone, and nothing misused. */
void fake_hal_assert_clean(const struct fake_hal *fh);
/*
 * The device's view of @len bytes at physical @pa inside one live DMA
 * allocation or share, or NULL when they are not all inside one.
 */
void *fake_hal_dev_ptr(struct fake_hal *fh, vio_paddr_t pa, size_t len);
/* The live share covering @pa, or NULL. */
const struct fake_share *fake_hal_share_at(const struct fake_hal *fh, vio_paddr_t pa);

#endif
