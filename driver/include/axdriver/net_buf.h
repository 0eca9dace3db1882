/*
 * A pool of equal network buffers (ArceOS's NetBuf / NetBufPool): one DMA
 * allocation cut into @capacity buffers, handed out from a free list.
 *
 * The buffer bytes come from the HAL's dma_alloc, so a device may see them;
 * the bookkeeping (free list, lengths) lives in an array the caller provides,
 * out of the device's reach.
 */
#ifndef AXDRIVER_NET_BUF_H
#define AXDRIVER_NET_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "axdriver/net.h"
#include "vio/hal.h"

/* Buffer lengths a pool accepts: a full Ethernet frame plus headers, up to 64 KiB - 1. */
#define AX_NET_BUF_MIN_LEN 1526u
#define AX_NET_BUF_MAX_LEN 65535u
/* Each buffer starts at a multiple of this within the pool's memory. */
#define AX_NET_BUF_ALIGN 64u

/*
 * One buffer, laid out as
 *   | header (header_len) | packet (packet_len) | unused | = capacity bytes at @raw.
 */
struct ax_net_buf {
    uint8_t *raw;
    size_t capacity;
    size_t header_len;
    size_t packet_len;
    struct ax_net_buf *next_free;
    uint32_t index; /* position in the pool, for a driver's own per-buffer state */
    bool free;
};

struct ax_net_buf_pool {
    const struct vio_hal *hal;
    struct ax_net_buf *bufs; /* the caller's array of @capacity entries */
    size_t capacity;
    size_t buf_len;
    size_t stride; /* buf_len rounded up to AX_NET_BUF_ALIGN */
    size_t num_free;
    struct ax_net_buf *free_list;
    uint8_t *mem;
    vio_paddr_t mem_pa;
    size_t mem_pages;
};

/*
 * ax_net_buf_pool_init - @capacity buffers of @buf_len bytes, with @bufs
 * (an array of @capacity entries) for their bookkeeping. Returns 0,
 * InvalidParam for a capacity of 0, a missing array or a length outside
 * [AX_NET_BUF_MIN_LEN, AX_NET_BUF_MAX_LEN], or NoMemory when the HAL cannot
 * allocate the buffers.
 */
int ax_net_buf_pool_init(struct ax_net_buf_pool *pool, const struct vio_hal *hal,
                         struct ax_net_buf *bufs, size_t capacity, size_t buf_len);
/*
 * Frees the pool's memory once every buffer came back: 0, or ResourceBusy
 * (nothing freed) while ax_net_buf_pool_in_use() buffers are still out.
 */
int ax_net_buf_pool_deinit(struct ax_net_buf_pool *pool);

static inline size_t ax_net_buf_pool_capacity(const struct ax_net_buf_pool *pool)
{
    return pool->capacity;
}

static inline size_t ax_net_buf_pool_buffer_len(const struct ax_net_buf_pool *pool)
{
    return pool->buf_len;
}

static inline size_t ax_net_buf_pool_in_use(const struct ax_net_buf_pool *pool)
{
    return pool->capacity - pool->num_free;
}

/* A buffer with empty header and packet, or NULL when all are in use. */
struct ax_net_buf *ax_net_buf_alloc(struct ax_net_buf_pool *pool);
/*
 * Gives @buf back: 0, InvalidParam when it is not one of @pool's buffers,
 * BadState when it is already free.
 */
int ax_net_buf_free(struct ax_net_buf_pool *pool, struct ax_net_buf *buf);
/*
 * The allocated buffer of @pool that @raw names (a struct ax_net_buf_ptr's
 * raw), or NULL when @raw is not one of its buffers or that buffer is free.
 */
struct ax_net_buf *ax_net_buf_lookup(struct ax_net_buf_pool *pool, const void *raw);

/* Set the header or packet length; InvalidParam when the two would not fit in capacity. */
int ax_net_buf_set_header_len(struct ax_net_buf *buf, size_t header_len);
int ax_net_buf_set_packet_len(struct ax_net_buf *buf, size_t packet_len);

static inline uint8_t *ax_net_buf_header(const struct ax_net_buf *buf)
{
    return buf->raw;
}

static inline uint8_t *ax_net_buf_packet(const struct ax_net_buf *buf)
{
    return buf->raw + buf->header_len;
}

/* Header and packet together, as one contiguous run from ax_net_buf_header(). */
static inline size_t ax_net_buf_packet_with_header_len(const struct ax_net_buf *buf)
{
    return buf->header_len + buf->packet_len;
}

/* The packet view of @buf, for handing it to the OS. */
static inline struct ax_net_buf_ptr ax_net_buf_to_ptr(struct ax_net_buf *buf)
{
    struct ax_net_buf_ptr ptr = {buf, ax_net_buf_packet(buf), buf->packet_len};
    return ptr;
}

#endif
