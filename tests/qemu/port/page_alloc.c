/*
 * A first-fit page allocator over the linker-reserved DMA pool: one bit per
 * page, and each allocation's length kept at its first page so a free with
 * the wrong address or page count is refused rather than corrupting the pool.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "port.h"
#include "vio/hal.h"

extern char __dma_start[], __dma_end[];

#define POOL_MAX_PAGES 8192u

static uint64_t used_map[POOL_MAX_PAGES / 64];
static uint16_t run_pages[POOL_MAX_PAGES]; /* at an allocation's first page: its length */
static size_t in_use;

size_t page_capacity(void)
{
    size_t pages = (size_t)(__dma_end - __dma_start) / VIO_PAGE_SIZE;
    return pages < POOL_MAX_PAGES ? pages : POOL_MAX_PAGES;
}

size_t page_in_use(void)
{
    return in_use;
}

static bool page_used(size_t i)
{
    return (used_map[i / 64] >> (i % 64)) & 1u;
}

static void page_mark(size_t first, size_t n, bool used)
{
    for (size_t i = first; i < first + n; i++) {
        if (used)
            used_map[i / 64] |= 1ull << (i % 64);
        else
            used_map[i / 64] &= ~(1ull << (i % 64));
    }
}

void *page_alloc(size_t pages)
{
    size_t cap = page_capacity();
    if (pages == 0 || pages > cap)
        return NULL;
    size_t run = 0;
    for (size_t i = 0; i < cap; i++) {
        run = page_used(i) ? 0 : run + 1;
        if (run == pages) {
            size_t first = i + 1 - pages;
            page_mark(first, pages, true);
            run_pages[first] = (uint16_t)pages;
            in_use += pages;
            void *va = __dma_start + first * VIO_PAGE_SIZE;
            memset(va, 0, pages * VIO_PAGE_SIZE);
            return va;
        }
    }
    return NULL;
}

bool page_free(void *va, size_t pages)
{
    uintptr_t addr = (uintptr_t)va, start = (uintptr_t)__dma_start;
    if (addr < start || (addr - start) % VIO_PAGE_SIZE != 0)
        return false;
    size_t first = (addr - start) / VIO_PAGE_SIZE;
    if (first >= page_capacity() || !page_used(first) || run_pages[first] != pages)
        return false;
    page_mark(first, pages, false);
    run_pages[first] = 0;
    in_use -= pages;
    return true;
}
