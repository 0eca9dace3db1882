/* The network buffer pool: one DMA allocation, a LIFO free list kept in caller storage. */
#include "axdriver/net_buf.h"

#include "vio_internal.h"

int ax_net_buf_pool_init(struct ax_net_buf_pool *pool, const struct vio_hal *hal,
                         struct ax_net_buf *bufs, size_t capacity, size_t buf_len)
{
    vio__zero(pool, sizeof *pool);
    if (capacity == 0 || bufs == NULL || buf_len < AX_NET_BUF_MIN_LEN ||
        buf_len > AX_NET_BUF_MAX_LEN || capacity > UINT32_MAX)
        return AX_ERR_INVALID_PARAM;
    size_t stride = vio__align_up(buf_len, AX_NET_BUF_ALIGN);
    if (capacity > (SIZE_MAX - VIO_PAGE_SIZE) / stride)
        return AX_ERR_INVALID_PARAM;

    size_t pages = vio__pages(capacity * stride);
    void *mem = NULL;
    vio_paddr_t pa = 0;
    if (hal->dma_alloc(hal->ctx, pages, VIO_DMA_BOTH, &pa, &mem) < 0 || mem == NULL)
        return AX_ERR_NO_MEMORY;

    pool->hal = hal;
    pool->bufs = bufs;
    pool->capacity = capacity;
    pool->buf_len = buf_len;
    pool->stride = stride;
    pool->mem = mem;
    pool->mem_pa = pa;
    pool->mem_pages = pages;
    /* the first buffer ends up on top of the free list, so allocation goes in index order */
    for (size_t i = capacity; i-- > 0;) {
        struct ax_net_buf *b = &bufs[i];
        b->raw = pool->mem + i * stride;
        b->capacity = buf_len;
        b->header_len = 0;
        b->packet_len = 0;
        b->index = (uint32_t)i;
        b->free = true;
        b->next_free = pool->free_list;
        pool->free_list = b;
    }
    pool->num_free = capacity;
    return 0;
}

int ax_net_buf_pool_deinit(struct ax_net_buf_pool *pool)
{
    if (pool->mem == NULL)
        return 0;
    /* a buffer still out may yet be written: its memory must stay */
    if (pool->num_free != pool->capacity)
        return AX_ERR_RESOURCE_BUSY;
    pool->hal->dma_free(pool->hal->ctx, pool->mem_pa, pool->mem, pool->mem_pages);
    pool->mem = NULL;
    pool->free_list = NULL;
    pool->num_free = 0;
    pool->capacity = 0;
    return 0;
}

struct ax_net_buf *ax_net_buf_alloc(struct ax_net_buf_pool *pool)
{
    struct ax_net_buf *b = pool->free_list;
    if (b == NULL)
        return NULL;
    pool->free_list = b->next_free;
    pool->num_free--;
    b->next_free = NULL;
    b->free = false;
    b->header_len = 0;
    b->packet_len = 0;
    return b;
}

/* @raw as an entry of the pool's array, or NULL when it points anywhere else. */
static struct ax_net_buf *pool_entry(const struct ax_net_buf_pool *pool, const void *raw)
{
    uintptr_t p = (uintptr_t)raw;
    uintptr_t first = (uintptr_t)pool->bufs;
    if (pool->mem == NULL || p < first)
        return NULL;
    uintptr_t off = p - first;
    if (off % sizeof(struct ax_net_buf) != 0 || off / sizeof(struct ax_net_buf) >= pool->capacity)
        return NULL;
    return &pool->bufs[off / sizeof(struct ax_net_buf)];
}

int ax_net_buf_free(struct ax_net_buf_pool *pool, struct ax_net_buf *buf)
{
    struct ax_net_buf *b = pool_entry(pool, buf);
    if (b == NULL)
        return AX_ERR_INVALID_PARAM;
    if (b->free)
        return AX_ERR_BAD_STATE;
    b->free = true;
    b->next_free = pool->free_list;
    pool->free_list = b;
    pool->num_free++;
    return 0;
}

struct ax_net_buf *ax_net_buf_lookup(struct ax_net_buf_pool *pool, const void *raw)
{
    struct ax_net_buf *b = pool_entry(pool, raw);
    if (b == NULL || b->free)
        return NULL;
    return b;
}

int ax_net_buf_set_header_len(struct ax_net_buf *buf, size_t header_len)
{
    if (header_len > buf->capacity || buf->packet_len > buf->capacity - header_len)
        return AX_ERR_INVALID_PARAM;
    buf->header_len = header_len;
    return 0;
}

int ax_net_buf_set_packet_len(struct ax_net_buf *buf, size_t packet_len)
{
    if (buf->header_len > buf->capacity || packet_len > buf->capacity - buf->header_len)
        return AX_ERR_INVALID_PARAM;
    buf->packet_len = packet_len;
    return 0;
}
