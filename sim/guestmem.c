/*
 * Guest memory: one arena at a fake physical base, a first-fit page
 * allocator over it, and share/unshare with zero-copy or bounce buffers.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "vio/err.h"

int vsim__mem_init(struct vsim__mem *g, uint64_t base, size_t size)
{
    memset(g, 0, sizeof(*g));
    if (size == 0 || size % VSIM_PAGE || size / VSIM_PAGE > UINT32_MAX)
        return VIO_ERR_INVALID_PARAM;
    g->host = aligned_alloc(VSIM_PAGE, size);
    g->npages = (uint32_t)(size / VSIM_PAGE);
    g->page_used = calloc(g->npages, 1);
    g->run = calloc(g->npages, sizeof(*g->run));
    g->tab_bits = 6;
    g->tab_cap = (size_t)1 << g->tab_bits;
    g->tab = calloc(g->tab_cap, sizeof(*g->tab));
    if (!g->host || !g->page_used || !g->run || !g->tab) {
        vsim__mem_fini(g);
        return VIO_ERR_DMA_ERROR;
    }
    g->base = base;
    g->size = size;
    return VIO_OK;
}

void vsim__mem_fini(struct vsim__mem *g)
{
    free(g->host);
    free(g->page_used);
    free(g->run);
    free(g->tab);
    memset(g, 0, sizeof(*g));
}

static bool run_free(const struct vsim__mem *g, uint32_t first, uint32_t n, uint32_t *skip)
{
    for (uint32_t i = n; i-- > 0;) {
        if (g->page_used[first + i]) {
            *skip = first + i + 1;
            return false;
        }
    }
    return true;
}

uint64_t vsim__mem_alloc(struct vsim__mem *g, uint32_t n, enum vsim__owner owner)
{
    if (n == 0 || n > g->npages)
        return 0;
    for (int pass = 0; pass < 2; pass++) {
        uint32_t p = pass == 0 ? g->hint : 0;
        uint32_t end = pass == 0 ? g->npages : g->hint;
        while (p + n <= g->npages && p < end) {
            uint32_t skip;
            if (run_free(g, p, n, &skip)) {
                memset(g->page_used + p, owner, n);
                g->run[p] = n;
                memset(g->host + (uint64_t)p * VSIM_PAGE, 0, (uint64_t)n * VSIM_PAGE);
                g->hint = p + n < g->npages ? p + n : 0;
                return g->base + (uint64_t)p * VSIM_PAGE;
            }
            p = skip;
        }
    }
    return 0;
}

uint32_t vsim__mem_alloc_len(const struct vsim__mem *g, uint64_t paddr, enum vsim__owner owner)
{
    if (paddr < g->base || paddr >= g->base + g->size || (paddr - g->base) % VSIM_PAGE)
        return 0;
    uint32_t p = (uint32_t)((paddr - g->base) / VSIM_PAGE);
    return g->page_used[p] == owner ? g->run[p] : 0;
}

bool vsim__mem_release(struct vsim__mem *g, uint64_t paddr, uint32_t n, enum vsim__owner owner)
{
    if (n == 0 || vsim__mem_alloc_len(g, paddr, owner) != n)
        return false;
    uint32_t p = (uint32_t)((paddr - g->base) / VSIM_PAGE);
    memset(g->page_used + p, VSIM__PAGE_FREE, n);
    g->run[p] = 0;
    return true;
}

/*
 * ---- the share table: open addressing on paddr, backward-shift deletion ----
 * Fibonacci hashing (the product's top bits) spreads the arithmetic runs of
 * addresses a driver shares, and a load of at most 1/4 keeps probe runs short:
 * every share and unshare of every request passes through here.
 */

static size_t slot_of(const struct vsim__mem *g, uint64_t paddr)
{
    return (size_t)((paddr * UINT64_C(0x9E3779B97F4A7C15)) >> (64 - g->tab_bits));
}

static void tab_put(struct vsim__mem *g, const struct vsim__share *s)
{
    size_t i = slot_of(g, s->paddr);
    while (g->tab[i].paddr)
        i = (i + 1) & (g->tab_cap - 1);
    g->tab[i] = *s;
}

static bool tab_grow(struct vsim__mem *g)
{
    struct vsim__share *old = g->tab;
    size_t old_cap = g->tab_cap;
    struct vsim__share *tab = calloc(old_cap * 2, sizeof(*tab));
    if (!tab)
        return false;
    g->tab = tab;
    g->tab_cap = old_cap * 2;
    g->tab_bits++;
    for (size_t i = 0; i < old_cap; i++) {
        if (old[i].paddr)
            tab_put(g, &old[i]);
    }
    free(old);
    return true;
}

static void tab_del(struct vsim__mem *g, size_t i)
{
    struct vsim__share *tab = g->tab;
    size_t mask = g->tab_cap - 1;
    size_t j = i;
    tab[i].paddr = 0;
    for (;;) {
        j = (j + 1) & mask;
        if (!tab[j].paddr)
            return;
        size_t home = slot_of(g, tab[j].paddr);
        /* Move j back into the hole when its home is not in (i, j]. */
        if (((j - home) & mask) >= ((j - i) & mask)) {
            tab[i] = tab[j];
            tab[j].paddr = 0;
            i = j;
        }
    }
}

/* The copy half of a share that cannot be zero-copy; returns the bounce pages' paddr or 0. */
static uint64_t bounce_in(struct vsim__mem *g, const void *buf, size_t len, int dir,
                          uint32_t *pages_out)
{
    uint64_t pages = (len + VSIM_PAGE - 1) / VSIM_PAGE;
    uint64_t pa = pages <= UINT32_MAX ? vsim__mem_alloc(g, (uint32_t)pages, VSIM__PAGE_BOUNCE) : 0;
    if (!pa)
        return 0;
    if (dir & VIO_DMA_TO_DEVICE)
        memcpy(vsim__mem_host(g, pa, len), buf, len);
    g->bounces++;
    *pages_out = (uint32_t)pages;
    return pa;
}

static void bounce_out(struct vsim__mem *g, const struct vsim__share *s)
{
    if (s->dir & VIO_DMA_FROM_DEVICE)
        memcpy(s->buf, vsim__mem_host(g, s->paddr, s->len), s->len);
    vsim__mem_release(g, s->paddr, s->pages, VSIM__PAGE_BOUNCE);
}

int vsim__mem_share(struct vsim_machine *m, void *buf, size_t len, int dir, bool bounce,
                    uint64_t *paddr)
{
    struct vsim__mem *g = &m->mem;
    uintptr_t off = (uintptr_t)buf - (uintptr_t)g->host; /* huge when buf lies below */
    uint32_t pages = 0;
    uint64_t pa;

    if ((g->shares + 1) * 4 > g->tab_cap && !tab_grow(g))
        return VIO_ERR_DMA_ERROR;
    if (!bounce && off < g->size && len <= g->size - off)
        pa = g->base + off; /* zero-copy: the buffer already lies in guest memory */
    else if (!(pa = bounce_in(g, buf, len, dir, &pages)))
        return VIO_ERR_DMA_ERROR;
    tab_put(g, &(struct vsim__share){pa, buf, len, pages, (uint8_t)dir});
    g->shares++;
    *paddr = pa;
    return VIO_OK;
}

void vsim__mem_unshare(struct vsim_machine *m, uint64_t paddr, void *buf, size_t len, int dir)
{
    struct vsim__mem *g = &m->mem;
    size_t mask = g->tab_cap - 1;

    for (size_t i = slot_of(g, paddr); g->tab[i].paddr; i = (i + 1) & mask) {
        struct vsim__share *s = &g->tab[i];
        if (s->paddr != paddr || s->buf != buf || s->len != len || s->dir != dir)
            continue;
        if (s->pages)
            bounce_out(g, s);
        tab_del(g, i);
        g->shares--;
        return;
    }
    vsim_conform_record(m->conform, VSIM_RULE_HAL_UNSHARE, "hal",
                        "unshare(paddr=0x%llx, buf=%p, len=%zu, dir=%d) matches no share",
                        (unsigned long long)paddr, buf, len, dir);
}
