/* Bench internals shared by the sim sources: the structures behind the public handles. */
#ifndef VSIM_INTERNAL_H
#define VSIM_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "vio/hal.h"
#include "vsim/device.h"
#include "vsim/machine.h"

#define VSIM_PAGE ((uint64_t)VIO_PAGE_SIZE)

/* Little-endian guest fields, whatever the host order. */
static inline uint16_t vsim__ld16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}
static inline uint32_t vsim__ld32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap32(v);
#endif
    return v;
}
static inline uint64_t vsim__ld64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    return v;
}
static inline void vsim__st16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
static inline void vsim__st32(uint8_t *p, uint32_t v)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap32(v);
#endif
    memcpy(p, &v, 4);
}
static inline void vsim__st64(uint8_t *p, uint64_t v)
{
    vsim__st32(p, (uint32_t)v);
    vsim__st32(p + 4, (uint32_t)(v >> 32));
}

/* ---- guest memory (guestmem.c) ---- */
struct vsim__share {
    uint64_t paddr; /* 0: empty slot */
    void *buf;
    size_t len;
    uint32_t pages; /* bounce pages */
    uint8_t dir;
};

/* The zero-copy shares that start in one guest page (guestmem.c). */
struct vsim__page_shares {
    uint64_t prints; /* sum of the shares' prints of (paddr, len, dir) */
    uint32_t count;
};

struct vsim__mem {
    uint8_t *host;
    uint64_t base;
    uint64_t size;
    uint32_t npages;
    uint8_t *page_used;  /* per page: 0 free, else the owner kind */
    uint32_t *run;       /* at an allocation's first page: its length in pages */
    uint32_t first_free; /* every page below is in use */
    size_t dma_pages;
    size_t shares;
    uint64_t bounces;
    struct vsim__page_shares *direct; /* per page: zero-copy shares */
    struct vsim__share *tab;          /* bounced shares: open addressing on paddr */
    size_t tab_cap;                   /* 1 << tab_bits, at most a quarter used */
    size_t tab_used;
    unsigned tab_bits;
    bool own_host; /* host was allocated here, not given (vsim_machine_opts.mem) */
};

enum vsim__owner { VSIM__PAGE_FREE, VSIM__PAGE_DMA, VSIM__PAGE_BOUNCE, VSIM__PAGE_USER };

/* Guest memory of @size bytes at @base, backed by @host (page aligned), or allocated when NULL. */
int vsim__mem_init(struct vsim__mem *g, uint64_t base, size_t size, void *host);
void vsim__mem_fini(struct vsim__mem *g);
/* First page paddr of @n free pages marked @owner (zeroed), or 0. */
uint64_t vsim__mem_alloc(struct vsim__mem *g, uint32_t n, enum vsim__owner owner);
/* Frees the allocation starting at @paddr if it is @owner's and @n pages long. */
bool vsim__mem_release(struct vsim__mem *g, uint64_t paddr, uint32_t n, enum vsim__owner owner);
/* Length in pages of @owner's allocation at @paddr, 0 if none. */
uint32_t vsim__mem_alloc_len(const struct vsim__mem *g, uint64_t paddr, enum vsim__owner owner);
static inline uint8_t *vsim__mem_host(const struct vsim__mem *g, uint64_t paddr, uint64_t len)
{
    uint64_t off = paddr - g->base; /* huge when paddr lies below */
    if (off > g->size || len > g->size - off)
        return NULL;
    return g->host + off;
}
int vsim__mem_share(struct vsim_machine *m, void *buf, size_t len, int dir, bool bounce,
                    uint64_t *paddr);
void vsim__mem_unshare(struct vsim_machine *m, uint64_t paddr, void *buf, size_t len, int dir);

/* ---- fault plan (fault.c) ---- */
struct vsim__fault_rule {
    struct vsim_fault_rule r;
    bool any_device; /* device "*" */
    uint64_t seen;   /* occurrences of the point on a matching device */
    uint64_t fired;
    uint64_t rng; /* VSIM_TRIGGER_PROB state */
};

struct vsim_fault_plan {
    uint64_t armed; /* bit per enum vsim_fault_point that some rule names */
    struct vsim__fault_rule rules[VSIM_FAULT_RULES_MAX];
    size_t n;
};

/* Could a rule fire at @point? Tested inline first: most requests meet no rule at all. */
static inline bool vsim__fault_armed(const struct vsim_fault_plan *p, enum vsim_fault_point point)
{
    return p && (unsigned)point < VSIM_FAULT_POINT_COUNT && (p->armed >> point) & 1u;
}

/* ---- machine (machine.c) ---- */
struct vsim__region {
    uint64_t base;
    uint64_t size;
    const struct vsim_region_ops *ops;
    void *ctx;
    char name[24];
};

struct vsim_machine {
    struct vio_hal hal;
    struct vsim__mem mem;
    struct vsim_conform *conform;
    struct vsim_fault_plan *faults;
    FILE *trace;
    bool deferred;
    bool bounce_all;
    uint32_t empty_version;
    struct vsim__region regions[VSIM_REGIONS_MAX];
    unsigned nregions;
    unsigned last_region;
    struct vsim_device **devices;
    unsigned ndevices;
    unsigned devices_cap;
    unsigned pending;
    uint64_t relax_count;
    uint64_t events;  /* driver actions (HAL calls) so far: the trace's and violations' clock */
    uint64_t exposed; /* chains popped and not yet used, on every queue (Device Cleanup) */
    char last_error[160];
};

void vsim__set_error(struct vsim_machine *m, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void vsim__trace_emit(struct vsim_machine *m, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Checked here, not in the callee: a varargs call per request is measurable on the hot path. */
#define vsim__trace(m, ...)                                                                        \
    do {                                                                                           \
        if ((m)->trace)                                                                            \
            vsim__trace_emit((m), __VA_ARGS__);                                                    \
    } while (0)
bool vsim__device_register(struct vsim_machine *m, struct vsim_device *d);
/* Records a violation not tied to a device ("hal", an empty slot) and traces it. */
void vsim__violation(struct vsim_machine *m, enum vsim_rule rule, const char *where,
                     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void vsim__violationv(struct vsim_machine *m, enum vsim_rule rule, const char *where,
                      const char *fmt, va_list ap) __attribute__((format(printf, 4, 0)));

/*
 * ---- the conformance log's internals (conform.c) ----
 * A violation's text is formatted only when something reads it: the stored
 * list (the first ones, vsim_conform_set_keep), strict mode, a hook, or the trace.
 * Past that it is only counted - a hostile driver can break rules at every
 * access, and formatting the text it would never show dominated the bench.
 */
bool vsim__conform_wants_detail(const struct vsim_conform *c);
/* Counts a violation whose text no one reads; returns its event number. */
uint64_t vsim__conform_tally(struct vsim_conform *c, enum vsim_rule rule);
/* Records a violation with its text; past the stored list it goes to @tmp. Returns the record. */
const struct vsim_violation *vsim__conform_recordv(struct vsim_conform *c, enum vsim_rule rule,
                                                   const char *where, struct vsim_violation *tmp,
                                                   const char *fmt, va_list ap)
    __attribute__((format(printf, 5, 0)));

/* ---- device core (device.c) and queues (vq.c) ---- */
struct vsim_vq {
    struct vsim_device *dev;
    uint16_t index;
    uint16_t num; /* 0 while disabled */
    bool ready;
    bool broken;
    bool pending; /* notified, waiting for relax (deferred mode) */
    bool avail_flags_reported;
    uint64_t desc_pa, avail_pa, used_pa;
    uint8_t *desc, *avail, *used;
    uint16_t last_avail;
    uint16_t used_idx;
    uint16_t signalled;
    struct vsim_seg *segs;
    uint32_t segs_cap;
    uint64_t suppressed;
    uint16_t avail_event;  /* last avail_event written (event-idx) */
    uint16_t event_avail;  /* avail idx the device saw when avail_event last changed */
    uint16_t notify_avail; /* avail idx at the last notification */
    uint64_t unneeded;     /* notifications the device had suppressed */
    bool starved;          /* chains were given back by vsim_vq_unpop: the device waits for more */
    bool missed_reported;  /* NOTIFY-1 recorded since the last notification */
    bool max_known;        /* the driver was presented a maximum size, max_presented */
    uint16_t max_presented;
    /* Device Cleanup: the exposed chains as the device read them (exposed.c) */
    uint8_t *shadow;    /* 16 bytes per descriptor */
    uint64_t *ind_hash; /* per head: hash of the chain's indirect table */
    uint8_t *ind_copy;  /* per head: the indirect table itself, when it is short */
    uint8_t *exposed;   /* per head: popped, not yet used */
    uint16_t nexposed;
    uint32_t exposed_cap;
};

struct vsim_device {
    struct vsim_machine *m;
    struct vsim_device_model model;
    char label[32];
    bool bound;
    bool legacy;
    uint8_t status;
    uint64_t accepted;
    uint32_t isr;
    uint32_t generation;
    uint64_t interrupts;
    struct vsim_vq *vqs;
    /* PCI checks the reset read-back itself (PCI-7) and has PCI-only features */
    bool on_pci;
    /* the driver's progress through Device Initialization, for the INIT/RESET rules */
    bool reset_written;      /* 0 was written since the last initialization began */
    bool reset_unread;       /* 0 was written and not read back yet */
    bool features_read;      /* device features were read since the reset */
    bool features_written;   /* driver features were written since the reset */
    bool features_ok_unread; /* FEATURES_OK was set and status not read since */
    bool features_refused;   /* the device refused FEATURES_OK since the reset */
};

/* vsim_device_has and vsim_device_fault for the per-request paths, with their tests inline. */
static inline bool vsim__device_has(const struct vsim_device *d, unsigned bit)
{
    return bit < 64 && (d->accepted >> bit) & 1u;
}
static inline bool vsim__device_fault(struct vsim_device *d, enum vsim_fault_point point,
                                      uint64_t *value)
{
    return vsim__fault_armed(d->m->faults, point) && vsim_device_fault(d, point, value);
}

void vsim__vq_reset(struct vsim_vq *vq);
/* NOTIFY-1: the driver waits (relax) with buffers it had to notify but did not. */
void vsim__vq_check_waiting(struct vsim_vq *vq);

/* ---- Device Cleanup (exposed.c): chains the device holds must stay as they were ---- */
bool vsim__exposed_reserve(struct vsim_vq *vq, uint16_t num);
void vsim__exposed_free(struct vsim_vq *vq);
/* Chain @head was popped (walked and valid) / used / the queue stops (reset or disable). */
void vsim__exposed_pop(struct vsim_vq *vq, uint16_t head);
void vsim__exposed_used(struct vsim_vq *vq, uint16_t head);
void vsim__exposed_stop(struct vsim_vq *vq);
/*
 * CLEAN-2: the driver takes back [@pa, +@len) (unshare, dma_free named by @what) of a chain the
 * device holds or that is available to it. Called while chains are held or notifications wait
 * (deferred mode): the synchronous device takes every notified chain at once.
 */
void vsim__exposed_taken(struct vsim_machine *m, uint64_t pa, uint64_t len, const char *what);
/* Book-keeping of an available buffer notification; @defer: it waits for relax. */
void vsim__vq_notified(struct vsim_vq *vq, bool defer);
void vsim__vq_free(struct vsim_vq *vq);
/* Serves queue @vq now: the model's queue_notify, then a flush. */
void vsim__device_run(struct vsim_device *d, struct vsim_vq *vq);
void vsim__device_destroy(struct vsim_device *d);
void vsim__device_interrupt(struct vsim_device *d, uint32_t bits);

/* ---- MMIO slots (mmio.c) ---- */
int vsim__mmio_create_slots(struct vsim_machine *m);

#endif
