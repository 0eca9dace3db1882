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

struct copy {
    uint8_t *flat;
    uint64_t start;
    size_t done;
    int mode; /* 0 read out of the chain, 1 write into it, 2 fill */
    uint8_t byte;
};

static int copy_piece(void *ctx, uint8_t *p, size_t len, uint64_t stream_off)
{
    struct copy *cp = ctx;
    if (cp->mode == 0)
        memcpy(cp->flat + (stream_off - cp->start), p, len);
    else if (cp->mode == 1)
        memcpy(p, cp->flat + (stream_off - cp->start), len);
    else
        memset(p, cp->byte, len);
    cp->done += len;
    return 0;
}

size_t vsim_chain_read(const struct vsim_chain *c, uint64_t off, void *dst, size_t len)
{
    struct copy cp = {.flat = dst, .start = off, .mode = 0};
    vsim_chain_for_each(c, false, off, len, copy_piece, &cp);
    return cp.done;
}

size_t vsim_chain_write(const struct vsim_chain *c, uint64_t off, const void *src, size_t len)
{
    struct copy cp = {.flat = (uint8_t *)(uintptr_t)src, .start = off, .mode = 1};
    vsim_chain_for_each(c, true, off, len, copy_piece, &cp);
    return cp.done;
}

size_t vsim_chain_fill(const struct vsim_chain *c, uint64_t off, uint8_t byte, size_t len)
{
    struct copy cp = {.flat = NULL, .start = off, .mode = 2, .byte = byte};
    vsim_chain_for_each(c, true, off, len, copy_piece, &cp);
    return cp.done;
}
