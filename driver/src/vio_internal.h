/* Helpers shared by the core's source files; not part of the public API. */
#ifndef VIO_INTERNAL_H
#define VIO_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vio/hal.h"

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

/* Zeroes @len bytes; the compiler may turn it into memset, which freestanding C provides. */
/* memset is one of the four functions every freestanding environment supplies. */
static inline void vio__zero(void *p, size_t len)
{
    __builtin_memset(p, 0, len);
}

#endif
