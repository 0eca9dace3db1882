/* Helpers shared by the core's source files; not part of the public API. */
#ifndef VIO_INTERNAL_H
#define VIO_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vio/hal.h"
#include "vio/queue.h"

/*
 * ALWAYS()/NEVER() mark defensive checks of conditions the code's own logic
 * rules out (not device input, which is always checked plainly). Coverage
 * builds fold them to constants so branch coverage measures real decisions;
 * the operand must therefore have no side effects.
 */
#ifdef VIO_COVERAGE_TEST
#define VIO_ALWAYS(x) (1)
#define VIO_NEVER(x) (0)
#else
#define VIO_ALWAYS(x) (x)
#define VIO_NEVER(x) (x)
#endif

static inline bool vio__is_pow2(uint32_t x)
{
    return x != 0 && (x & (x - 1)) == 0;
}

/* The largest power of two <= x (x > 0). */
static inline uint32_t vio__pow2_floor(uint32_t x)
{
    uint32_t p = 1;
    while (p <= x / 2)
        p *= 2;
    return p;
}

static inline size_t vio__align_up(size_t x, size_t align)
{
    return (x + align - 1) & ~(align - 1);
}

static inline size_t vio__pages(size_t bytes)
{
    return (bytes + VIO_PAGE_SIZE - 1) / VIO_PAGE_SIZE;
}

/* memset and memcpy are among the four functions every freestanding environment supplies. */
static inline void vio__zero(void *p, size_t len)
{
    __builtin_memset(p, 0, len);
}

static inline void vio__copy(void *dst, const void *src, size_t len)
{
    __builtin_memcpy(dst, src, len);
}

/*
 * Zeroes a driver struct (@len bytes at @obj) embedding the queues @qs, @nq of
 * them in address order, except each queue's ind_shadow (its last member):
 * vio_queue_add writes an entry before anything reads it, and the shadows are
 * most of a driver struct (~200 KiB of a net device's at VIO_QUEUE_MAX_SIZE 256).
 */
_Static_assert(offsetof(struct vio_queue, ind_shadow) +
                       sizeof(((struct vio_queue *)0)->ind_shadow) ==
                   sizeof(struct vio_queue),
               "ind_shadow ends struct vio_queue");

static inline void vio__zero_except_shadows(void *obj, size_t len, struct vio_queue *const *qs,
                                            unsigned nq)
{
    char *p = obj;
    for (unsigned i = 0; i < nq; i++) {
        vio__zero(p, (size_t)((char *)qs[i]->ind_shadow - p));
        p = (char *)(qs[i] + 1);
    }
    vio__zero(p, (size_t)((char *)obj + len - p));
}

#endif
