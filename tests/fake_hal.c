/* The scripted unit-test HAL; see fake_hal.h. */
#include "fake_hal.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "vio/err.h"

static struct fake_hal *fh_of(void *ctx)
{
    return ctx;
}

static uint32_t reg_read(void *ctx, uintptr_t addr, unsigned width)
{
    struct fake_hal *fh = fh_of(ctx);
    ck_assert_msg(fh->reg_read != NULL, "register read with no register file");
    return fh->reg_read(fh->reg_arg, addr, width);
}

static void reg_write(void *ctx, uintptr_t addr, unsigned width, uint32_t val)
{
    struct fake_hal *fh = fh_of(ctx);
    ck_assert_msg(fh->reg_write != NULL, "register write with no register file");
    fh->reg_write(fh->reg_arg, addr, width, val);
}

static uint8_t read8(void *ctx, uintptr_t addr)
{
    return (uint8_t)reg_read(ctx, addr, 1);
}
static uint16_t read16(void *ctx, uintptr_t addr)
{
    return (uint16_t)reg_read(ctx, addr, 2);
}
static uint32_t read32(void *ctx, uintptr_t addr)
{
    return reg_read(ctx, addr, 4);
}
static void write8(void *ctx, uintptr_t addr, uint8_t v)
{
    reg_write(ctx, addr, 1, v);
}
static void write16(void *ctx, uintptr_t addr, uint16_t v)
{
    reg_write(ctx, addr, 2, v);
}
static void write32(void *ctx, uintptr_t addr, uint32_t v)
{
    reg_write(ctx, addr, 4, v);
}

/* Register windows are identity-mapped: the "virtual" address is the physical one. */
static uintptr_t phys_to_virt(void *ctx, vio_paddr_t paddr, size_t size)
{
    (void)ctx;
    (void)size;
    return (uintptr_t)paddr;
}

static vio_paddr_t dma_pa(const struct fake_hal *fh, unsigned slot)
{
    return fh->dma_base + (vio_paddr_t)slot * FAKE_HAL_DMA_WINDOW;
}

static vio_paddr_t share_pa(unsigned slot)
{
    return FAKE_HAL_SHARE_BASE + (vio_paddr_t)slot * FAKE_HAL_SHARE_WINDOW;
}

static int dma_alloc(void *ctx, size_t pages, enum vio_dma_dir dir, vio_paddr_t *paddr,
                     void **vaddr)
{
    struct fake_hal *fh = fh_of(ctx);
    fh->dma_calls++;
    if (fh->dma_fail_at == fh->dma_calls)
        return VIO_ERR_DMA_ERROR;
    ck_assert_uint_gt(pages, 0);
    ck_assert_uint_le(pages * VIO_PAGE_SIZE, FAKE_HAL_DMA_WINDOW);
    for (unsigned i = 0; i < FAKE_HAL_MAX_DMA; i++) {
        struct fake_dma *d = &fh->dma[i];
        if (d->live)
            continue;
        d->va = aligned_alloc(VIO_PAGE_SIZE, pages * VIO_PAGE_SIZE);
        ck_assert_ptr_nonnull(d->va);
        memset(d->va, 0, pages * VIO_PAGE_SIZE);
        d->pages = pages;
        d->dir = dir;
        d->live = true;
        fh->dma_live++;
        *paddr = dma_pa(fh, i);
        *vaddr = d->va;
        return 0;
    }
    ck_abort_msg("fake HAL out of DMA slots");
    return VIO_ERR_DMA_ERROR;
}

static void dma_free(void *ctx, vio_paddr_t paddr, void *vaddr, size_t pages)
{
    struct fake_hal *fh = fh_of(ctx);
    for (unsigned i = 0; i < FAKE_HAL_MAX_DMA; i++) {
        struct fake_dma *d = &fh->dma[i];
        if (d->live && dma_pa(fh, i) == paddr) {
            if (d->va != vaddr || d->pages != pages)
                fh->misuse++;
            free(d->va);
            d->live = false;
            fh->dma_live--;
            return;
        }
    }
    fh->misuse++;
}

static int share(void *ctx, void *buf, size_t len, enum vio_dma_dir dir, vio_paddr_t *paddr)
{
    struct fake_hal *fh = fh_of(ctx);
    fh->share_calls++;
    if (fh->share_fail_at == fh->share_calls)
        return VIO_ERR_DMA_ERROR;
    ck_assert_uint_le(len, FAKE_HAL_SHARE_WINDOW);
    for (unsigned i = 0; i < FAKE_HAL_MAX_SHARES; i++) {
        struct fake_share *s = &fh->shares[i];
        if (s->live)
            continue;
        s->buf = buf;
        s->len = len;
        s->dir = dir;
        s->dev = buf;
        if (fh->bounce) {
            s->dev = malloc(len);
            ck_assert_ptr_nonnull(s->dev);
            /* a bounce buffer holds the data only when the device is to read it */
            if (dir & VIO_DMA_TO_DEVICE)
                memcpy(s->dev, buf, len);
            else
                memset(s->dev, 0xa5, len);
        }
        s->live = true;
        fh->share_live++;
        *paddr = share_pa(i);
        return 0;
    }
    ck_abort_msg("fake HAL out of share slots");
    return VIO_ERR_DMA_ERROR;
}

static void unshare(void *ctx, vio_paddr_t paddr, void *buf, size_t len, enum vio_dma_dir dir)
{
    struct fake_hal *fh = fh_of(ctx);
    fh->unshare_calls++;
    for (unsigned i = 0; i < FAKE_HAL_MAX_SHARES; i++) {
        struct fake_share *s = &fh->shares[i];
        if (!s->live || share_pa(i) != paddr)
            continue;
        if (s->buf != buf || s->len != len || s->dir != dir)
            fh->misuse++;
        if (fh->bounce) {
            if (s->dir & VIO_DMA_FROM_DEVICE)
                memcpy(s->buf, s->dev, s->len);
            free(s->dev);
        }
        s->live = false;
        fh->share_live--;
        return;
    }
    fh->misuse++;
}

static void relax(void *ctx)
{
    struct fake_hal *fh = fh_of(ctx);
    fh->relax_calls++;
    if (fh->on_relax != NULL)
        fh->on_relax(fh);
}

void fake_hal_init(struct fake_hal *fh)
{
    memset(fh, 0, sizeof *fh);
    fh->dma_base = FAKE_HAL_DMA_BASE;
    fh->hal = (struct vio_hal){
        .read8 = read8,
        .read16 = read16,
        .read32 = read32,
        .write8 = write8,
        .write16 = write16,
        .write32 = write32,
        .phys_to_virt = phys_to_virt,
        .dma_alloc = dma_alloc,
        .dma_free = dma_free,
        .share = share,
        .unshare = unshare,
        .relax = relax,
        .ctx = fh,
        .spin_limit = 1000,
    };
}

void fake_hal_assert_clean(const struct fake_hal *fh)
{
    ck_assert_int_eq(fh->dma_live, 0);
    ck_assert_int_eq(fh->share_live, 0);
    ck_assert_uint_eq(fh->misuse, 0);
}

void *fake_hal_dev_ptr(struct fake_hal *fh, vio_paddr_t pa, size_t len)
{
    for (unsigned i = 0; i < FAKE_HAL_MAX_DMA; i++) {
        const struct fake_dma *d = &fh->dma[i];
        vio_paddr_t base = dma_pa(fh, i);
        if (d->live && pa >= base && pa - base <= d->pages * VIO_PAGE_SIZE &&
            len <= d->pages * VIO_PAGE_SIZE - (pa - base))
            return (char *)d->va + (pa - base);
    }
    for (unsigned i = 0; i < FAKE_HAL_MAX_SHARES; i++) {
        const struct fake_share *s = &fh->shares[i];
        vio_paddr_t base = share_pa(i);
        if (s->live && pa >= base && pa - base <= s->len && len <= s->len - (pa - base))
            return (char *)s->dev + (pa - base);
    }
    return NULL;
}

const struct fake_share *fake_hal_share_at(const struct fake_hal *fh, vio_paddr_t pa)
{
    for (unsigned i = 0; i < FAKE_HAL_MAX_SHARES; i++) {
        vio_paddr_t base = share_pa(i);
        if (fh->shares[i].live && pa >= base && pa - base < fh->shares[i].len)
            return &fh->shares[i];
    }
    return NULL;
}
