/*
 * Guest memory: one arena at a fake physical base, an address-ordered
 * first-fit page allocator over it, and share/unshare with zero-copy or
 * bounce buffers.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "vio/err.h"

int vsim__mem_init(struct vsim__mem *g, uint64_t base, size_t size, void *host)
{
    memset(g, 0, sizeof(*g));
    if (size == 0 || size % VSIM_PAGE || size / VSIM_PAGE > UINT32_MAX ||
        (uintptr_t)host % VSIM_PAGE)
        return VIO_ERR_INVALID_PARAM;
    g->own_host = !host;
    g->host = host ? host : aligned_alloc(VSIM_PAGE, size);
    g->npages = (uint32_t)(size / VSIM_PAGE);
    g->page_used = calloc(g->npages, 1);
    g->run = calloc(g->npages, sizeof(*g->run));
    g->tab_bits = 6;
    g->tab_cap = (size_t)1 << g->tab_bits;
    g->tab = calloc(g->tab_cap, sizeof(*g->tab));
    g->direct = calloc(g->npages, sizeof(*g->direct));
    if (!g->host || !g->page_used || !g->run || !g->tab || !g->direct) {
        vsim__mem_fini(g);
        return VIO_ERR_DMA_ERROR;
    }
    g->base = base;
    g->size = size;
    return VIO_OK;
}

void vsim__mem_fini(struct vsim__mem *g)
{
    if (g->own_host)
        free(g->host);
    free(g->page_used);
    free(g->run);
    free(g->tab);
    free(g->direct);
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

/*
 * The lowest free run that fits: freed pages are reused first, so a driver's
 * working set stays on the same few pages (warm in the cache, and faulted in
 * once) instead of wandering over the whole arena. Every page below first_free
 * is in use, so the search starts there.
 */
uint64_t vsim__mem_alloc(struct vsim__mem *g, uint32_t n, enum vsim__owner owner)
{
    if (n == 0 || n > g->npages)
        return 0;
    uint32_t p = g->first_free;
    while (p + n <= g->npages) {
        const uint8_t *f = memchr(g->page_used + p, VSIM__PAGE_FREE, g->npages - n + 1 - p);
        if (!f)
            return 0;
        p = (uint32_t)(f - g->page_used);
        uint32_t skip;
        if (!run_free(g, p, n, &skip)) {
            p = skip;
            continue;
        }
        memset(g->page_used + p, owner, n);
        g->run[p] = n;
        memset(g->host + (uint64_t)p * VSIM_PAGE, 0, (uint64_t)n * VSIM_PAGE);
        if (p == g->first_free)
            g->first_free = p + n;
        return g->base + (uint64_t)p * VSIM_PAGE;
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
    if (p < g->first_free)
        g->first_free = p;
    return true;
}

/*
 * ---- the table of bounced shares: open addressing on paddr, backward-shift deletion ----
 * Fibonacci hashing (the product's top bits) spreads the arithmetic runs of
 * addresses a driver shares, and a load of at most 1/4 keeps probe runs short.
 */

static size_t slot_of(const struct vsim__mem *g, uint64_t paddr)
{
    return (size_t)((paddr * UINT64_C(0x9E3779B97F4A7C15)) >> (64 - g->tab_bits));
}

static inline void tab_put(struct vsim__mem *g, const struct vsim__share *s)
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

static inline void tab_del(struct vsim__mem *g, size_t i)
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

/* A bounced share: a copy in, and an entry in the exact table. */
__attribute__((noinline)) static int share_bounced(struct vsim__mem *g, void *buf, size_t len,
                                                   int dir, uint64_t *paddr)
{
    uint32_t pages = 0;
    uint64_t pa;

    if ((g->tab_used + 1) * 4 > g->tab_cap && !tab_grow(g))
        return VIO_ERR_DMA_ERROR;
    if (!(pa = bounce_in(g, buf, len, dir, &pages)))
        return VIO_ERR_DMA_ERROR;
    tab_put(g, &(struct vsim__share){pa, buf, len, pages, (uint8_t)dir});
    g->tab_used++;
    g->shares++;
    *paddr = pa;
    return VIO_OK;
}

/*
 * Zero-copy shares are counted per guest page, with the sum of a print of
 * each one's (paddr, len, dir): constant work and one cache line per page,
 * since every buffer of every request passes through here. The print is a
 * bijection of paddr ^ len << 2 ^ dir, so one unshare that matches none of a
 * page's shares leaves the sum nonzero.
 */
static uint64_t share_print(uint64_t paddr, size_t len, int dir)
{
    uint64_t h = (paddr ^ ((uint64_t)len << 2 ^ (uint64_t)dir)) * UINT64_C(0xBF58476D1CE4E5B9);
    return h ^ (h >> 32);
}

/* The fast path makes no call but a tail call, so it needs no frame. */
int vsim__mem_share(struct vsim_machine *m, void *buf, size_t len, int dir, bool bounce,
                    uint64_t *paddr)
{
    struct vsim__mem *g = &m->mem;
    uintptr_t off = (uintptr_t)buf - (uintptr_t)g->host; /* huge when buf lies below */

    if (bounce || off >= g->size || len > g->size - off)
        return share_bounced(g, buf, len, dir, paddr);
    uint64_t pa = g->base + off; /* zero-copy: the buffer already lies in guest memory */
    struct vsim__page_shares *ps = &g->direct[off / VSIM_PAGE];
    ps->count++;
    ps->prints += share_print(pa, len, dir);
    g->shares++;
    *paddr = pa;
    return VIO_OK;
}

__attribute__((noinline)) static void unshare_bounced(struct vsim__mem *g, size_t i)
{
    const struct vsim__share *s = &g->tab[i];
    if (s->dir & VIO_DMA_FROM_DEVICE)
        memcpy(s->buf, vsim__mem_host(g, s->paddr, s->len), s->len);
    vsim__mem_release(g, s->paddr, s->pages, VSIM__PAGE_BOUNCE);
    tab_del(g, i);
    g->tab_used--;
    g->shares--;
}

__attribute__((noinline)) static void unshare_unmatched(struct vsim_machine *m, uint64_t paddr,
                                                        void *buf, size_t len, int dir)
{
    vsim__violation(m, VSIM_RULE_HAL_UNSHARE, "hal",
                    "unshare(paddr=0x%llx, buf=%p, len=%zu, dir=%d) matches no share",
                    (unsigned long long)paddr, buf, len, dir);
}

/* The page's count came back to 0 but not its prints: some unshare matched no share. */
__attribute__((noinline)) static void unshare_mismatched(struct vsim_machine *m, uint64_t paddr,
                                                         void *buf, size_t len, int dir)
{
    struct vsim__mem *g = &m->mem;
    g->direct[(paddr - g->base) / VSIM_PAGE].prints = 0;
    vsim__violation(m, VSIM_RULE_HAL_UNSHARE, "hal",
                    "unshare(paddr=0x%llx, buf=%p, len=%zu, dir=%d) returns the last zero-copy "
                    "share of page 0x%llx, but the page's unshares did not match its shares "
                    "(length, direction or address)",
                    (unsigned long long)paddr, buf, len, dir,
                    (unsigned long long)(paddr & ~(VSIM_PAGE - 1)));
}

/*
 * A zero-copy unshare of a page with no share left is recorded at once. One
 * whose length, direction or address (within a page that holds other shares)
 * matches no share is recorded when the page's count comes back to 0: at once
 * when the page held only that share, at the latest when the driver has
 * returned everything. Bounced shares are matched exactly, entry by entry.
 */
void vsim__mem_unshare(struct vsim_machine *m, uint64_t paddr, void *buf, size_t len, int dir)
{
    struct vsim__mem *g = &m->mem;
    uintptr_t off = (uintptr_t)buf - (uintptr_t)g->host;

    if (off < g->size && paddr == g->base + off) {
        struct vsim__page_shares *ps = &g->direct[off / VSIM_PAGE];
        if (ps->count) {
            ps->count--;
            ps->prints -= share_print(paddr, len, dir);
            g->shares--;
            if (ps->count == 0 && ps->prints != 0)
                unshare_mismatched(m, paddr, buf, len, dir);
            return;
        }
    }
    size_t mask = g->tab_cap - 1;
    for (size_t i = slot_of(g, paddr); g->tab[i].paddr; i = (i + 1) & mask) {
        const struct vsim__share *s = &g->tab[i];
        if (s->paddr == paddr && s->buf == buf && s->len == len && s->dir == dir) {
            unshare_bounced(g, i);
            return;
        }
    }
    unshare_unmatched(m, paddr, buf, len, dir);
}
