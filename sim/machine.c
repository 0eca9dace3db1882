/*
 * The machine: guest memory, the address decoder and the sim HAL. Register
 * accesses decode to a mapped window; anything else reads all-ones, is
 * dropped and recorded.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "vio/err.h"

void vsim__set_error(struct vsim_machine *m, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m->last_error, sizeof(m->last_error), fmt, ap);
    va_end(ap);
}

void vsim__trace_emit(struct vsim_machine *m, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(m->trace, "%6llu ", (unsigned long long)m->events);
    vfprintf(m->trace, fmt, ap);
    va_end(ap);
    fputc('\n', m->trace);
}

void vsim__violationv(struct vsim_machine *m, enum vsim_rule rule, const char *where,
                      const char *fmt, va_list ap)
{
    struct vsim_violation tmp;
    const char *id = vsim_rule_info(rule) ? vsim_rule_info(rule)->id : "?";
    if (vsim__conform_wants_detail(m->conform)) {
        const struct vsim_violation *v =
            vsim__conform_recordv(m->conform, rule, where, &tmp, fmt, ap);
        vsim__trace(m, "%s VIOLATION %s: %s", where, id, v->detail);
    } else {
        vsim__conform_tally(m->conform, rule);
        if (m->trace) {
            vsnprintf(tmp.detail, sizeof(tmp.detail), fmt, ap);
            vsim__trace_emit(m, "%s VIOLATION %s: %s", where, id, tmp.detail);
        }
    }
}

void vsim__violation(struct vsim_machine *m, enum vsim_rule rule, const char *where,
                     const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsim__violationv(m, rule, where, fmt, ap);
    va_end(ap);
}

/* ---- the address decoder ---- */

static struct vsim__region *decode(struct vsim_machine *m, uint64_t addr, unsigned width)
{
    struct vsim__region *r = &m->regions[m->last_region];
    if (m->last_region < m->nregions && addr - r->base < r->size &&
        width <= r->size - (addr - r->base))
        return r;
    for (unsigned i = 0; i < m->nregions; i++) {
        r = &m->regions[i];
        if (addr - r->base < r->size && width <= r->size - (addr - r->base)) {
            m->last_region = i;
            return r;
        }
    }
    return NULL;
}

static uint32_t bus_read(struct vsim_machine *m, uintptr_t addr, unsigned width)
{
    struct vsim__region *r = decode(m, addr, width);
    m->events++;
    if (!r) {
        vsim__violation(m, VSIM_RULE_HAL_UNMAPPED, "hal", "read%u at unmapped address 0x%llx",
                        width * 8, (unsigned long long)addr);
        return UINT32_MAX;
    }
    return r->ops->read(r->ctx, addr - r->base, width);
}

static void bus_write(struct vsim_machine *m, uintptr_t addr, unsigned width, uint32_t val)
{
    struct vsim__region *r = decode(m, addr, width);
    m->events++;
    if (!r) {
        vsim__violation(m, VSIM_RULE_HAL_UNMAPPED, "hal",
                        "write%u of 0x%x at unmapped address 0x%llx", width * 8, val,
                        (unsigned long long)addr);
        return;
    }
    r->ops->write(r->ctx, addr - r->base, width, val);
}

int vsim_machine_map(struct vsim_machine *m, uint64_t base, uint64_t size,
                     const struct vsim_region_ops *ops, void *ctx, const char *name)
{
    if (size == 0 || base + size < base || m->nregions == VSIM_REGIONS_MAX)
        return VIO_ERR_INVALID_PARAM;
    if (base < m->mem.base + m->mem.size && m->mem.base < base + size)
        return VIO_ERR_INVALID_PARAM;
    for (unsigned i = 0; i < m->nregions; i++) {
        const struct vsim__region *r = &m->regions[i];
        if (base < r->base + r->size && r->base < base + size)
            return VIO_ERR_INVALID_PARAM;
    }
    struct vsim__region *r = &m->regions[m->nregions++];
    r->base = base;
    r->size = size;
    r->ops = ops;
    r->ctx = ctx;
    snprintf(r->name, sizeof(r->name), "%s", name ? name : "?");
    return VIO_OK;
}

int vsim_machine_unmap(struct vsim_machine *m, uint64_t base)
{
    for (unsigned i = 0; i < m->nregions; i++) {
        if (m->regions[i].base == base) {
            m->regions[i] = m->regions[--m->nregions];
            m->last_region = 0;
            return VIO_OK;
        }
    }
    return VIO_ERR_INVALID_PARAM;
}

/* ---- the sim HAL ---- */

static uint8_t hal_read8(void *ctx, uintptr_t addr)
{
    return (uint8_t)bus_read(ctx, addr, 1);
}
static uint16_t hal_read16(void *ctx, uintptr_t addr)
{
    return (uint16_t)bus_read(ctx, addr, 2);
}
static uint32_t hal_read32(void *ctx, uintptr_t addr)
{
    return bus_read(ctx, addr, 4);
}
static void hal_write8(void *ctx, uintptr_t addr, uint8_t val)
{
    bus_write(ctx, addr, 1, val);
}
static void hal_write16(void *ctx, uintptr_t addr, uint16_t val)
{
    bus_write(ctx, addr, 2, val);
}
static void hal_write32(void *ctx, uintptr_t addr, uint32_t val)
{
    bus_write(ctx, addr, 4, val);
}

static uintptr_t hal_phys_to_virt(void *ctx, vio_paddr_t paddr, size_t size)
{
    struct vsim_machine *m = ctx;
    uint8_t *p = vsim__mem_host(&m->mem, paddr, size);
    m->events++;
    if (p)
        return (uintptr_t)p;
    /* Device windows are identity mapped: the decoder gets the physical address back. */
    for (unsigned i = 0; i < m->nregions; i++) {
        const struct vsim__region *r = &m->regions[i];
        if (paddr - r->base < r->size && size <= r->size - (paddr - r->base))
            return (uintptr_t)paddr;
    }
    vsim__violation(m, VSIM_RULE_HAL_PHYS, "hal",
                    "phys_to_virt(0x%llx, %zu) is neither guest memory nor a device window",
                    (unsigned long long)paddr, size);
    return 0;
}

static int hal_dma_alloc(void *ctx, size_t pages, enum vio_dma_dir dir, vio_paddr_t *paddr,
                         void **vaddr)
{
    struct vsim_machine *m = ctx;
    m->events++;
    if (vsim_fault_hit(m->faults, "hal", VSIM_FAULT_DMA_ALLOC, NULL)) {
        vsim__trace(m, "hal dma_alloc(%zu) fails: fault", pages);
        return VIO_ERR_DMA_ERROR;
    }
    uint64_t pa =
        pages <= UINT32_MAX ? vsim__mem_alloc(&m->mem, (uint32_t)pages, VSIM__PAGE_DMA) : 0;
    if (!pa) {
        vsim__trace(m, "hal dma_alloc(%zu) fails: guest memory full", pages);
        return VIO_ERR_DMA_ERROR;
    }
    m->mem.dma_pages += pages;
    *paddr = pa;
    *vaddr = vsim__mem_host(&m->mem, pa, pages * VSIM_PAGE);
    vsim__trace(m, "hal dma_alloc(%zu, dir=%d) = 0x%llx", pages, (int)dir, (unsigned long long)pa);
    return VIO_OK;
}

static void hal_dma_free(void *ctx, vio_paddr_t paddr, void *vaddr, size_t pages)
{
    struct vsim_machine *m = ctx;
    uint32_t have = vsim__mem_alloc_len(&m->mem, paddr, VSIM__PAGE_DMA);
    m->events++;
    if (have == 0 || have != pages || vaddr != vsim__mem_host(&m->mem, paddr, 0)) {
        vsim__violation(m, VSIM_RULE_HAL_DMA_FREE, "hal",
                        "dma_free(0x%llx, %p, %zu): allocated there: %u pages",
                        (unsigned long long)paddr, vaddr, pages, have);
        return;
    }
    if (m->exposed || m->pending)
        vsim__exposed_taken(m, paddr, (uint64_t)have * VSIM_PAGE, "dma_free");
    vsim__mem_release(&m->mem, paddr, have, VSIM__PAGE_DMA);
    m->mem.dma_pages -= have;
    vsim__trace(m, "hal dma_free(0x%llx, %zu)", (unsigned long long)paddr, pages);
}

/* A share the HAL contract refuses, or one an armed fault rule may fail. */
__attribute__((noinline)) static int share_checked(struct vsim_machine *m, void *buf, size_t len,
                                                   enum vio_dma_dir dir, vio_paddr_t *paddr)
{
    if (!buf || len == 0 || (dir & ~VIO_DMA_BOTH) || !(dir & VIO_DMA_BOTH)) {
        vsim__violation(m, VSIM_RULE_HAL_SHARE, "hal", "share(buf=%p, len=%zu, dir=%d)", buf, len,
                        (int)dir);
        return VIO_ERR_INVALID_PARAM;
    }
    if (vsim_fault_hit(m->faults, "hal", VSIM_FAULT_SHARE, NULL))
        return VIO_ERR_DMA_ERROR;
    return vsim__mem_share(m, buf, len, (int)dir, m->bounce_all, paddr);
}

/* The common case makes no call but a tail call, so it needs no frame: it runs per buffer. */
static int hal_share(void *ctx, void *buf, size_t len, enum vio_dma_dir dir, vio_paddr_t *paddr)
{
    struct vsim_machine *m = ctx;
    m->events++;
    if (!buf || len == 0 || (dir & ~VIO_DMA_BOTH) || !(dir & VIO_DMA_BOTH) ||
        vsim__fault_armed(m->faults, VSIM_FAULT_SHARE))
        return share_checked(m, buf, len, dir, paddr);
    return vsim__mem_share(m, buf, len, (int)dir, m->bounce_all, paddr);
}

__attribute__((noinline)) static void unshare_exposed(struct vsim_machine *m, vio_paddr_t paddr,
                                                      void *buf, size_t len, enum vio_dma_dir dir)
{
    vsim__exposed_taken(m, paddr, len, "unshare");
    vsim__mem_unshare(m, paddr, buf, len, (int)dir);
}

static void hal_unshare(void *ctx, vio_paddr_t paddr, void *buf, size_t len, enum vio_dma_dir dir)
{
    struct vsim_machine *m = ctx;
    m->events++;
    if (m->exposed || m->pending) /* chains held, or notified and waiting (deferred mode) */
        unshare_exposed(m, paddr, buf, len, dir);
    else
        vsim__mem_unshare(m, paddr, buf, len, (int)dir);
}

/* A driver that waits has to have notified what the device asked to hear of (NOTIFY-1). */
static void check_waiting(struct vsim_machine *m)
{
    for (unsigned i = 0; i < m->ndevices; i++) {
        struct vsim_device *d = m->devices[i];
        for (uint16_t q = 0; q < d->model.num_queues; q++)
            vsim__vq_check_waiting(&d->vqs[q]);
    }
}

static void hal_relax(void *ctx)
{
    struct vsim_machine *m = ctx;
    m->events++;
    m->relax_count++;
    check_waiting(m);
    if (m->pending)
        vsim_machine_step(m);
}

/* ---- the machine ---- */

struct vsim_machine *vsim_machine_new(const struct vsim_machine_opts *opts)
{
    static const struct vsim_machine_opts defaults;
    struct vsim_machine *m = calloc(1, sizeof(*m));
    if (!opts)
        opts = &defaults;
    if (!m)
        return NULL;
    m->conform = vsim_conform_new();
    m->faults = vsim_fault_plan_new();
    if (!m->conform || !m->faults ||
        vsim__mem_init(&m->mem, VSIM_MEM_BASE,
                       opts->mem_size ? opts->mem_size : VSIM_MEM_SIZE_DEFAULT, opts->mem)) {
        vsim_machine_free(m);
        return NULL;
    }
    vsim_conform_set_strict(m->conform, opts->strict);
    vsim_conform_set_clock(m->conform, &m->events);
    m->trace = opts->trace;
    m->deferred = opts->deferred;
    m->bounce_all = opts->bounce_all;
    m->empty_version = opts->empty_version ? opts->empty_version : 2;
    m->hal = (struct vio_hal){
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
        .ctx = m,
        .spin_limit = opts->spin_limit,
    };
    if (vsim__mmio_create_slots(m)) {
        vsim_machine_free(m);
        return NULL;
    }
    return m;
}

void vsim_machine_free(struct vsim_machine *m)
{
    if (!m)
        return;
    for (unsigned i = 0; i < m->ndevices; i++)
        vsim__device_destroy(m->devices[i]);
    free(m->devices);
    for (unsigned i = 0; i < m->nregions; i++) {
        if (m->regions[i].ops->destroy)
            m->regions[i].ops->destroy(m->regions[i].ctx);
    }
    vsim__mem_fini(&m->mem);
    vsim_conform_free(m->conform);
    vsim_fault_plan_free(m->faults);
    free(m);
}

bool vsim__device_register(struct vsim_machine *m, struct vsim_device *d)
{
    if (m->ndevices == m->devices_cap) {
        unsigned cap = m->devices_cap ? m->devices_cap * 2 : 8;
        struct vsim_device **n = realloc(m->devices, cap * sizeof(*n));
        if (!n)
            return false;
        m->devices = n;
        m->devices_cap = cap;
    }
    m->devices[m->ndevices++] = d;
    return true;
}

unsigned vsim_machine_step(struct vsim_machine *m)
{
    unsigned served = 0;
    for (unsigned i = 0; i < m->ndevices && m->pending; i++) {
        struct vsim_device *d = m->devices[i];
        for (uint16_t q = 0; q < d->model.num_queues && m->pending; q++) {
            struct vsim_vq *vq = &d->vqs[q];
            if (!vq->pending)
                continue;
            vq->pending = false;
            m->pending--;
            vsim__device_run(d, vq);
            served++;
        }
    }
    return served;
}

const struct vio_hal *vsim_machine_hal(struct vsim_machine *m)
{
    return &m->hal;
}
struct vsim_conform *vsim_machine_conform(struct vsim_machine *m)
{
    return m->conform;
}
struct vsim_fault_plan *vsim_machine_faults(struct vsim_machine *m)
{
    return m->faults;
}
void vsim_machine_set_trace(struct vsim_machine *m, FILE *trace)
{
    m->trace = trace;
}
void vsim_machine_set_deferred(struct vsim_machine *m, bool deferred)
{
    m->deferred = deferred;
    if (!deferred)
        vsim_machine_step(m);
}
const char *vsim_machine_last_error(const struct vsim_machine *m)
{
    return m->last_error;
}
unsigned vsim_machine_pending(const struct vsim_machine *m)
{
    return m->pending;
}
uint64_t vsim_machine_relax_count(const struct vsim_machine *m)
{
    return m->relax_count;
}
size_t vsim_machine_dma_pages_in_use(const struct vsim_machine *m)
{
    return m->mem.dma_pages;
}
size_t vsim_machine_shares_in_use(const struct vsim_machine *m)
{
    return m->mem.shares;
}
uint64_t vsim_machine_bounces(const struct vsim_machine *m)
{
    return m->mem.bounces;
}
uint64_t vsim_machine_mem_base(const struct vsim_machine *m)
{
    return m->mem.base;
}
size_t vsim_machine_mem_size(const struct vsim_machine *m)
{
    return m->mem.size;
}

void *vsim_machine_gpa(struct vsim_machine *m, uint64_t paddr, uint64_t len)
{
    return vsim__mem_host(&m->mem, paddr, len);
}

uint64_t vsim_machine_paddr(const struct vsim_machine *m, const void *p)
{
    uintptr_t a = (uintptr_t)p, h = (uintptr_t)m->mem.host;
    if (!p || a < h || a - h >= m->mem.size)
        return 0;
    return m->mem.base + (a - h);
}

void *vsim_machine_mem_alloc(struct vsim_machine *m, size_t bytes)
{
    uint64_t pages = (bytes + VSIM_PAGE - 1) / VSIM_PAGE;
    uint64_t pa = pages && pages <= UINT32_MAX
                      ? vsim__mem_alloc(&m->mem, (uint32_t)pages, VSIM__PAGE_USER)
                      : 0;
    return pa ? vsim__mem_host(&m->mem, pa, 0) : NULL;
}

void vsim_machine_mem_free(struct vsim_machine *m, void *p)
{
    uint64_t pa = vsim_machine_paddr(m, p);
    uint32_t n = vsim__mem_alloc_len(&m->mem, pa, VSIM__PAGE_USER);
    if (n)
        vsim__mem_release(&m->mem, pa, n, VSIM__PAGE_USER);
}
