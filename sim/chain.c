/* Copying between a popped descriptor chain's buffers and flat memory. */
#include <string.h>

#include "internal.h"

/* The readable or writable segments of @c as one stream. */
static void stream(const struct vsim_chain *c, bool writable, const struct vsim_seg **first,
                   uint32_t *n)
{
    *first = writable ? c->seg + c->nread : c->seg;
    *n = writable ? c->nseg - c->nread : c->nread;
}

int vsim_chain_for_each(const struct vsim_chain *c, bool writable, uint64_t off, uint64_t len,
                        int (*fn)(void *ctx, uint8_t *p, size_t len, uint64_t stream_off),
                        void *ctx)
{
    const struct vsim_seg *s;
    uint32_t n;
    uint64_t pos = 0;
    stream(c, writable, &s, &n);
    for (uint32_t i = 0; i < n && len; i++) {
        uint64_t seg_end = pos + s[i].len;
        if (off < seg_end) {
            uint64_t in = off - pos;
            uint64_t take = s[i].len - in < len ? s[i].len - in : len;
            int rc = fn(ctx, s[i].p + in, (size_t)take, off);
            if (rc)
                return rc;
            off += take;
            len -= take;
        }
        pos = seg_end;
    }
    return 0;
}

/*
 * The copies every request makes (header, data, status) walk the segments
 * directly instead of through vsim_chain_for_each's callback per piece.
 */
enum copy_mode { COPY_OUT, COPY_IN, COPY_FILL };

static inline size_t copy_stream(const struct vsim_chain *c, bool writable, uint64_t off,
                                 uint8_t *flat, size_t len, enum copy_mode mode, uint8_t byte)
{
    const struct vsim_seg *s;
    uint32_t n;
    size_t done = 0;
    stream(c, writable, &s, &n);
    for (uint32_t i = 0; i < n && done < len; i++) {
        if (off >= s[i].len) {
            off -= s[i].len;
            continue;
        }
        size_t take = s[i].len - off < len - done ? (size_t)(s[i].len - off) : len - done;
        uint8_t *p = s[i].p + off;
        if (mode == COPY_OUT)
            memcpy(flat + done, p, take);
        else if (mode == COPY_IN)
            memcpy(p, flat + done, take);
        else
            memset(p, byte, take);
        done += take;
        off = 0;
    }
    return done;
}

size_t vsim_chain_read(const struct vsim_chain *c, uint64_t off, void *dst, size_t len)
{
    return copy_stream(c, false, off, dst, len, COPY_OUT, 0);
}

size_t vsim_chain_write(const struct vsim_chain *c, uint64_t off, const void *src, size_t len)
{
    return copy_stream(c, true, off, (uint8_t *)(uintptr_t)src, len, COPY_IN, 0);
}

size_t vsim_chain_fill(const struct vsim_chain *c, uint64_t off, uint8_t byte, size_t len)
{
    return copy_stream(c, true, off, NULL, len, COPY_FILL, byte);
}
