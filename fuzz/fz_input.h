/*
 * A fuzz input seen as byte streams. Every reader returns zeros once its
 * stream is exhausted, so a short input describes a well-behaved device and
 * each added byte is a deviation the fuzzer chose.
 */
#ifndef FZ_INPUT_H
#define FZ_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct fz_in {
    const uint8_t *p;
    size_t n;
};

static inline struct fz_in fz_in_make(const uint8_t *p, size_t n)
{
    struct fz_in in = {p, n};
    return in;
}

static inline uint8_t fz_u8(struct fz_in *in)
{
    if (in->n == 0)
        return 0;
    in->n--;
    return *in->p++;
}

static inline uint16_t fz_u16(struct fz_in *in)
{
    uint16_t lo = fz_u8(in);
    return (uint16_t)(lo | (uint16_t)fz_u8(in) << 8);
}

static inline uint32_t fz_u32(struct fz_in *in)
{
    uint32_t lo = fz_u16(in);
    return lo | (uint32_t)fz_u16(in) << 16;
}

static inline uint64_t fz_u64(struct fz_in *in)
{
    uint64_t lo = fz_u32(in);
    return lo | (uint64_t)fz_u32(in) << 32;
}

/* Copies @len bytes (zero-filled past the end of the stream). */
static inline void fz_bytes(struct fz_in *in, void *dst, size_t len)
{
    size_t take = len < in->n ? len : in->n;
    memcpy(dst, in->p, take);
    memset((uint8_t *)dst + take, 0, len - take);
    in->p += take;
    in->n -= take;
}

/* Splits off the next @len bytes (fewer at the end) as a stream of their own. */
static inline struct fz_in fz_sub(struct fz_in *in, size_t len)
{
    size_t take = len < in->n ? len : in->n;
    struct fz_in sub = {in->p, take};
    in->p += take;
    in->n -= take;
    return sub;
}

#endif
