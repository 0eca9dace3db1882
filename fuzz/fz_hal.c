/* The fuzz HAL: malloc-backed DMA and shares with leak and ownership accounting. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sanitizer/asan_interface.h>

#include "fz_hal.h"
#include "vio/err.h"

/*
 * Freed DMA allocations wait here, poisoned, for the next allocation of the
 * same size: a fresh aligned_alloc per ring and surface, in every exec, made
 * page faults and allocator work a large share of the targets' time. A
 * driver touching a freed page still trips ASan while the page waits.
 */
#define CACHE_MAX 64u

static struct {
    void *p;
    size_t pages;
} cache[CACHE_MAX];
static unsigned ncache;

static void *pages_get(size_t pages)
{
    for (unsigned i = ncache; i-- > 0;) {
        if (cache[i].pages == pages) {
            void *p = cache[i].p;
            memmove(&cache[i], &cache[i + 1], (ncache - i - 1) * sizeof cache[0]);
            ncache--;
            ASAN_UNPOISON_MEMORY_REGION(p, pages * VIO_PAGE_SIZE);
            return p;
        }
    }
    return aligned_alloc(VIO_PAGE_SIZE, pages * VIO_PAGE_SIZE);
}

/* Keeps @p for reuse; a full cache lets its oldest entry go, so it follows the sizes in use. */
static void pages_put(void *p, size_t pages)
{
    if (ncache == CACHE_MAX) {
        ASAN_UNPOISON_MEMORY_REGION(cache[0].p, cache[0].pages * VIO_PAGE_SIZE);
        free(cache[0].p);
        memmove(&cache[0], &cache[1], (CACHE_MAX - 1) * sizeof cache[0]);
        ncache--;
    }
    ASAN_POISON_MEMORY_REGION(p, pages * VIO_PAGE_SIZE);
    cache[ncache].p = p;
    cache[ncache].pages = pages;
    ncache++;
}

void fz_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("fuzz invariant broken: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

static struct fz_hal *to_fz(void *ctx)
{
    return ctx;
}

static uint8_t hal_read8(void *ctx, uintptr_t addr)
{
    struct fz_hal *h = to_fz(ctx);
    return (uint8_t)h->bus->read(h->bus_ctx, addr, 1);
}

static uint16_t hal_read16(void *ctx, uintptr_t addr)
{
    struct fz_hal *h = to_fz(ctx);
    return (uint16_t)h->bus->read(h->bus_ctx, addr, 2);
}

static uint32_t hal_read32(void *ctx, uintptr_t addr)
{
    struct fz_hal *h = to_fz(ctx);
    return h->bus->read(h->bus_ctx, addr, 4);
}

static void hal_write8(void *ctx, uintptr_t addr, uint8_t val)
{
    struct fz_hal *h = to_fz(ctx);
    h->bus->write(h->bus_ctx, addr, 1, val);
}

static void hal_write16(void *ctx, uintptr_t addr, uint16_t val)
{
    struct fz_hal *h = to_fz(ctx);
    h->bus->write(h->bus_ctx, addr, 2, val);
}

static void hal_write32(void *ctx, uintptr_t addr, uint32_t val)
{
    struct fz_hal *h = to_fz(ctx);
    h->bus->write(h->bus_ctx, addr, 4, val);
}

/* Device windows are decoded by the bus and DMA memory is identity mapped. */
static uintptr_t hal_phys_to_virt(void *ctx, vio_paddr_t paddr, size_t size)
{
    (void)ctx;
    (void)size;
    return (uintptr_t)paddr;
}

static void add_live(struct fz_hal *h, void *p, size_t len, bool dma, enum vio_dma_dir dir)
{
    if (h->nlive == FZ_LIVE_MAX)
        fz_fail("more than %u live DMA allocations and shares", FZ_LIVE_MAX);
    h->live[h->nlive++] = (struct fz_live){(uintptr_t)p, len, dma, dir};
}

/* Removes the live entry (@dma, @p, @len, @dir); aborts when the driver never had it. */
static void drop_live(struct fz_hal *h, const void *p, size_t len, bool dma, enum vio_dma_dir dir,
                      const char *what)
{
    for (unsigned i = h->nlive; i-- > 0;) {
        struct fz_live *l = &h->live[i];
        if (l->dma == dma && l->base == (uintptr_t)p && l->len == len && l->dir == dir) {
            *l = h->live[--h->nlive];
            return;
        }
    }
    fz_fail("%s(%p, %zu, dir %d) of nothing the driver holds", what, p, len, (int)dir);
}

static bool dir_valid(enum vio_dma_dir dir)
{
    return dir == VIO_DMA_TO_DEVICE || dir == VIO_DMA_FROM_DEVICE || dir == VIO_DMA_BOTH;
}

static int hal_dma_alloc(void *ctx, size_t pages, enum vio_dma_dir dir, vio_paddr_t *paddr,
                         void **vaddr)
{
    struct fz_hal *h = to_fz(ctx);
    unsigned call = h->dma_calls++;
    if (pages == 0 || !dir_valid(dir))
        fz_fail("dma_alloc(%zu pages, dir %d)", pages, (int)dir);
    if ((call < 32 && (h->dma_fail_mask >> call & 1u)) || pages > FZ_DMA_MAX_PAGES)
        return VIO_ERR_DMA_ERROR;
    void *p = pages_get(pages);
    if (p == NULL)
        return VIO_ERR_DMA_ERROR;
    memset(p, 0, pages * VIO_PAGE_SIZE);
    add_live(h, p, pages * VIO_PAGE_SIZE, true, dir);
    h->dma_pages += pages;
    *paddr = (uintptr_t)p;
    *vaddr = p;
    return 0;
}

static void hal_dma_free(void *ctx, vio_paddr_t paddr, void *vaddr, size_t pages)
{
    struct fz_hal *h = to_fz(ctx);
    if ((uintptr_t)paddr != (uintptr_t)vaddr)
        fz_fail("dma_free(pa %#llx, va %p): not the pair dma_alloc returned",
                (unsigned long long)paddr, vaddr);
    for (unsigned i = 0; i < h->nlive; i++) {
        struct fz_live *l = &h->live[i];
        if (l->dma && l->base == (uintptr_t)vaddr) {
            if (l->len != pages * VIO_PAGE_SIZE)
                fz_fail("dma_free(%p, %zu pages) of a %zu-byte allocation", vaddr, pages, l->len);
            *l = h->live[--h->nlive];
            h->dma_pages -= pages;
            pages_put(vaddr, pages);
            return;
        }
    }
    fz_fail("dma_free(%p, %zu pages) of nothing allocated", vaddr, pages);
}

static int hal_share(void *ctx, void *buf, size_t len, enum vio_dma_dir dir, vio_paddr_t *paddr)
{
    struct fz_hal *h = to_fz(ctx);
    unsigned call = h->share_calls++;
    if (buf == NULL || len == 0 || !dir_valid(dir))
        fz_fail("share(%p, %zu, dir %d)", buf, len, (int)dir);
    if (call < 32 && (h->share_fail_mask >> call & 1u))
        return VIO_ERR_DMA_ERROR;
    add_live(h, buf, len, false, dir);
    h->shares++;
    *paddr = (uintptr_t)buf;
    return 0;
}

static void hal_unshare(void *ctx, vio_paddr_t paddr, void *buf, size_t len, enum vio_dma_dir dir)
{
    struct fz_hal *h = to_fz(ctx);
    if ((uintptr_t)paddr != (uintptr_t)buf)
        fz_fail("unshare(pa %#llx, buf %p): not the pair share returned", (unsigned long long)paddr,
                buf);
    drop_live(h, buf, len, false, dir, "unshare");
    h->shares--;
}

static void hal_relax(void *ctx)
{
    struct fz_hal *h = to_fz(ctx);
    if (h->bus->relax != NULL)
        h->bus->relax(h->bus_ctx);
}

void fz_hal_init(struct fz_hal *h, const struct fz_bus_ops *bus, void *bus_ctx)
{
    h->hal = (struct vio_hal){
        .read8 = hal_read8,
        .read16 = hal_read16,
        .read32 = hal_read32,
        .write8 = hal_write8,
        .write16 = hal_write16,
        .write32 = hal_write32,
        .phys_to_virt = hal_phys_to_virt,
        .dma_alloc = hal_dma_alloc,
        .dma_free = hal_dma_free,
        .share = hal_share,
        .unshare = hal_unshare,
        .relax = hal_relax,
        .ctx = h,
        .spin_limit = FZ_SPIN_LIMIT,
    };
    h->bus = bus;
    h->bus_ctx = bus_ctx;
    h->nlive = 0;
    h->last_hit = 0;
    h->dma_pages = 0;
    h->shares = 0;
    h->dma_fail_mask = 0;
    h->share_fail_mask = 0;
    h->dma_calls = 0;
    h->share_calls = 0;
}

static bool live_covers(const struct fz_live *l, uint64_t pa, uint64_t len, enum vio_dma_dir need)
{
    return pa - l->base <= l->len && len <= l->len - (pa - l->base) && (l->dir & need) != 0;
}

uint8_t *fz_hal_dev_ptr(struct fz_hal *h, uint64_t pa, uint64_t len, bool write)
{
    enum vio_dma_dir need = write ? VIO_DMA_FROM_DEVICE : VIO_DMA_TO_DEVICE;
    if (h->last_hit < h->nlive && live_covers(&h->live[h->last_hit], pa, len, need))
        return (uint8_t *)(uintptr_t)pa;
    for (unsigned i = 0; i < h->nlive; i++) {
        if (live_covers(&h->live[i], pa, len, need)) {
            h->last_hit = i;
            return (uint8_t *)(uintptr_t)pa;
        }
    }
    return NULL;
}

void fz_hal_check_leaks(struct fz_hal *h, const char *when)
{
    if (h->dma_pages != 0 || h->shares != 0)
        fz_fail("%s: %zu DMA pages and %zu shares still held", when, h->dma_pages, h->shares);
}
