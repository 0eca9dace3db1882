/*
 * The split virtqueue, driver side (Split Virtqueues). The device controls
 * the used ring and may scribble on the descriptor table, so the driver keeps
 * a private shadow of every chain and validates each used entry against it.
 */
#include <stdatomic.h>

#include "vio/err.h"
#include "vio/queue.h"
#include "vio/spec.h"

#include "vio_internal.h"

_Static_assert(VIO_QUEUE_MAX_SIZE > 0 && (VIO_QUEUE_MAX_SIZE & (VIO_QUEUE_MAX_SIZE - 1)) == 0 &&
                   VIO_QUEUE_MAX_SIZE <= VIO_SPEC_QUEUE_SIZE_MAX,
               "VIO_QUEUE_MAX_SIZE must be a power of two no larger than the spec allows");
_Static_assert(sizeof(struct vio__vring_desc) == 16, "The Virtqueue Descriptor Table layout");

/* The Virtqueue Used Ring: one element */
struct vio__used_elem {
    uint32_t id;
    uint32_t len;
};

/* avail: flags, idx, ring[size], used_event; used: flags, idx, ring[size], avail_event */
#define RING_FLAGS 0
#define RING_IDX 1

static volatile uint16_t *used_event(const struct vio_queue *q)
{
    return &q->avail[2 + q->size];
}

static volatile uint16_t *avail_event(const struct vio_queue *q)
{
    return &q->used[2 + 4 * (size_t)q->size];
}

static volatile struct vio__used_elem *used_elem(const struct vio_queue *q, uint16_t slot)
{
    return (volatile struct vio__used_elem *)(q->used + 2) + slot;
}

static struct vio__shadow_desc *indirect_shadow(struct vio_queue *q, uint16_t head)
{
    return &q->ind_shadow[(size_t)head * VIO_QUEUE_MAX_SG];
}

static volatile struct vio__vring_desc *indirect_table(const struct vio_queue *q, uint16_t head)
{
    return (volatile struct vio__vring_desc *)q->ind_va + (size_t)head * VIO_QUEUE_MAX_SG;
}

static int queue_break(struct vio_queue *q, int err)
{
    q->broken = true;
    return err;
}

static int dma_alloc(struct vio_queue *q, size_t pages, enum vio_dma_dir dir, vio_paddr_t *pa,
                     void **va)
{
    *va = NULL;
    int rc = q->hal->dma_alloc(q->hal->ctx, pages, dir, pa, va);
    if (rc < 0 || *va == NULL) {
        *va = NULL;
        return VIO_ERR_DMA_ERROR;
    }
    return 0;
}

static void dma_free(struct vio_queue *q, vio_paddr_t pa, void *va, size_t pages)
{
    if (va != NULL)
        q->hal->dma_free(q->hal->ctx, pa, va, pages);
}

static void free_all(struct vio_queue *q)
{
    dma_free(q, q->ind_pa, q->ind_va, q->ind_pages);
    dma_free(q, q->ring_pa[1], q->ring_va[1], q->ring_pages[1]);
    dma_free(q, q->ring_pa[0], q->ring_va[0], q->ring_pages[0]);
    q->ind_va = NULL;
    q->ring_va[1] = NULL;
    q->ring_va[0] = NULL;
    q->desc = NULL;
    q->avail = NULL;
    q->used = NULL;
}

/*
 * Allocates the rings and returns their device addresses in @pa
 * (descriptor, driver and device areas). The DMA allocator hands out
 * zeroed pages, so the used ring flags start at 0 as Available Buffer
 * Notification Suppression requires.
 */
static int alloc_rings(struct vio_queue *q, vio_paddr_t pa[3])
{
    size_t n = q->size;
    size_t desc_bytes = 16 * n;
    size_t avail_bytes = 6 + 2 * n;
    size_t used_bytes = 6 + 8 * n;
    int rc;

    if (q->t->legacy) {
        /* Legacy Interfaces: A Note on Virtqueue Layout: used ring on the next page */
        size_t used_off = vio__align_up(desc_bytes + avail_bytes, VIO_PAGE_SIZE);
        q->ring_pages[0] = vio__pages(used_off + used_bytes);
        rc = dma_alloc(q, q->ring_pages[0], VIO_DMA_BOTH, &q->ring_pa[0], &q->ring_va[0]);
        if (rc < 0)
            return rc;
        pa[2] = q->ring_pa[0] + used_off;
        q->used = (volatile uint16_t *)((char *)q->ring_va[0] + used_off);
    } else {
        /* descriptor table and available ring together, used ring on its own pages */
        q->ring_pages[0] = vio__pages(desc_bytes + avail_bytes);
        rc = dma_alloc(q, q->ring_pages[0], VIO_DMA_TO_DEVICE, &q->ring_pa[0], &q->ring_va[0]);
        if (rc < 0)
            return rc;
        q->ring_pages[1] = vio__pages(used_bytes);
        rc = dma_alloc(q, q->ring_pages[1], VIO_DMA_FROM_DEVICE, &q->ring_pa[1], &q->ring_va[1]);
        if (rc < 0)
            return rc;
        pa[2] = q->ring_pa[1];
        q->used = q->ring_va[1];
    }
    pa[0] = q->ring_pa[0];
    pa[1] = q->ring_pa[0] + desc_bytes;
    q->desc = q->ring_va[0];
    q->avail = (volatile uint16_t *)((char *)q->ring_va[0] + desc_bytes);

    if (q->indirect) {
        /* one table of VIO_QUEUE_MAX_SG entries per possible head (shadows in q->ind_shadow) */
        q->ind_pages = vio__pages(n * VIO_QUEUE_MAX_SG * sizeof(struct vio__vring_desc));
        rc = dma_alloc(q, q->ind_pages, VIO_DMA_TO_DEVICE, &q->ind_pa, &q->ind_va);
        if (rc < 0)
            return rc;
    }
    return 0;
}

int vio_queue_init(struct vio_queue *q, struct vio_transport *t, uint16_t idx, uint16_t size)
{
    /* ind_shadow (most of the struct) is written when its chain is added, before any read */
    vio__zero(q, offsetof(struct vio_queue, ind_shadow));
    q->t = t;
    q->hal = t->hal;
    q->idx = idx;
    q->broken = true; /* until the queue is live */

    if (size != 0 && !vio__is_pow2(size))
        return VIO_ERR_INVALID_PARAM;
    /* Virtqueue Configuration: check the queue is not in use, then read its maximum */
    if (t->ops->queue_in_use(t, idx))
        return VIO_ERR_ALREADY_USED;
    uint32_t max = t->ops->queue_max(t, idx);
    if (max == 0)
        return VIO_ERR_NOT_READY;
    uint32_t limit = max < VIO_QUEUE_MAX_SIZE ? max : VIO_QUEUE_MAX_SIZE;
    if (size == 0)
        size = (uint16_t)vio__pow2_floor(limit);
    else if (size > limit)
        return VIO_ERR_INVALID_PARAM;

    q->size = size;
    q->event_idx = vio_has_feature(t, VIO_F_EVENT_IDX);
    q->indirect = vio_has_feature(t, VIO_F_INDIRECT_DESC);

    vio_paddr_t pa[3];
    int rc = alloc_rings(q, pa);
    if (rc == 0)
        rc = t->ops->queue_setup(t, idx, size, pa[0], pa[1], pa[2]);
    if (rc < 0) {
        free_all(q);
        q->size = 0;
        return rc;
    }

    /* every descriptor starts free, linked through the shadow's next */
    for (uint16_t i = 0; i < size; i++)
        q->shadow[i].next = (uint16_t)((i + 1u) & (size - 1u));
    q->free_head = 0;
    q->num_free = size;
    /*
     * A polling driver has no use for used buffer notifications, but the
     * avail flags stay 0 (interrupts on) so a host that does take interrupts
     * (see ack_interrupt) keeps getting them; with event-idx, used_event
     * follows last_used instead (see pop).
     */
    q->broken = false;
    return 0;
}

static inline void unshare_one(const struct vio_hal *hal, const struct vio__shadow_desc *s)
{
    enum vio_dma_dir dir = (s->flags & VIO_DESC_F_WRITE) ? VIO_DMA_FROM_DEVICE : VIO_DMA_TO_DEVICE;
    hal->unshare(hal->ctx, s->addr, s->buf, s->len, dir);
}

/* Unshares the first @count buffers of the chain at @head, as recorded in the shadow. */
static void unshare_entries(struct vio_queue *q, uint16_t head, bool indirect, unsigned count)
{
    const struct vio_hal *hal = q->hal;
    if (indirect) {
        const struct vio__shadow_desc *entries = indirect_shadow(q, head);
        for (unsigned i = 0; i < count; i++)
            unshare_one(hal, &entries[i]);
        return;
    }
    uint16_t d = head;
    for (unsigned i = 0; i < count; i++) {
        unshare_one(hal, &q->shadow[d]);
        d = q->shadow[d].next;
    }
}

/* Takes back the chain at @head: unshares its buffers and returns its descriptors. */
static inline void release_chain(struct vio_queue *q, uint16_t head)
{
    struct vio__chain *c = &q->chain[head];
    unshare_entries(q, head, c->indirect, c->nsg);
    uint16_t last = head;
    for (unsigned i = 1; i < c->ndesc; i++)
        last = q->shadow[last].next;
    q->shadow[last].next = q->free_head;
    q->free_head = head;
    q->num_free = (uint16_t)(q->num_free + c->ndesc);
    q->in_flight--;
    c->in_flight = false;
    c->cookie = NULL;
}

static void publish_desc(volatile struct vio__vring_desc *d, const struct vio__shadow_desc *s)
{
    d->addr = s->addr;
    d->len = s->len;
    d->flags = s->flags;
    d->next = s->next;
}

/*
 * Shares buffer @i of a chain of @n into shadow entry @s (all but its next).
 * Message Framing: device-writable buffers come after the readable ones.
 */
static inline int share_entry(const struct vio_hal *hal, struct vio__shadow_desc *s,
                              const struct vio_sg *sg, bool out, bool more)
{
    vio_paddr_t pa = 0;
    int rc =
        hal->share(hal->ctx, sg->buf, sg->len, out ? VIO_DMA_TO_DEVICE : VIO_DMA_FROM_DEVICE, &pa);
    if (rc < 0)
        return rc;
    s->addr = pa;
    s->buf = sg->buf;
    s->len = sg->len;
    s->flags = (uint16_t)((out ? 0 : VIO_DESC_F_WRITE) | (more ? VIO_DESC_F_NEXT : 0));
    return 0;
}

int vio_queue_add(struct vio_queue *q, const struct vio_sg *sg, unsigned n_out, unsigned n_in,
                  void *cookie)
{
    if (q->broken)
        return VIO_ERR_IO_ERROR;
    if (sg == NULL || n_out > VIO_QUEUE_MAX_SG || n_in > VIO_QUEUE_MAX_SG)
        return VIO_ERR_INVALID_PARAM;
    unsigned n = n_out + n_in;
    if (n == 0 || n > VIO_QUEUE_MAX_SG)
        return VIO_ERR_INVALID_PARAM;
    uint64_t total = 0;
    uint64_t writable = 0;
    for (unsigned i = 0; i < n; i++) {
        if (sg[i].buf == NULL || sg[i].len == 0)
            return VIO_ERR_INVALID_PARAM;
        total += sg[i].len;
        if (i >= n_out)
            writable += sg[i].len;
    }
    /* The Virtqueue Descriptor Table: a chain may not exceed 2^32 bytes */
    if (total > UINT32_MAX)
        return VIO_ERR_INVALID_PARAM;

    bool indirect = q->indirect && n > 1;
    uint16_t ndesc = indirect ? 1 : (uint16_t)n;
    /*
     * Indirect Descriptors: no chain longer than the Queue Size, even an
     * indirect one. Such a chain never fits: QueueFull, as when it does not
     * fit now.
     */
    if (n > q->size || q->num_free < ndesc)
        return VIO_ERR_QUEUE_FULL;

    /*
     * Share every buffer before the chain leaves the free list, so a failure
     * leaves it as it was. Entries are published as they are shared: only
     * free descriptors (or the head's own indirect table) are written, which
     * the device has no business reading before the avail idx names them. In
     * a direct chain the free list's next links become the chain's links
     * (Placing Buffers Into The Descriptor Table).
     */
    const struct vio_hal *hal = q->hal;
    uint16_t head = q->free_head;
    uint16_t last = head;
    if (indirect) {
        struct vio__shadow_desc *entries = indirect_shadow(q, head);
        volatile struct vio__vring_desc *table = indirect_table(q, head);
        for (unsigned i = 0; i < n; i++) {
            if (share_entry(hal, &entries[i], &sg[i], i < n_out, i + 1 < n) < 0) {
                unshare_entries(q, head, true, i);
                return VIO_ERR_DMA_ERROR;
            }
            entries[i].next = (uint16_t)(i + 1 < n ? i + 1 : 0);
            publish_desc(&table[i], &entries[i]);
        }
        /* Indirect Descriptors: INDIRECT alone, never with NEXT */
        struct vio__shadow_desc *s = &q->shadow[head];
        s->addr = q->ind_pa + (vio_paddr_t)head * VIO_QUEUE_MAX_SG * sizeof *table;
        s->buf = NULL;
        s->len = (uint32_t)(n * sizeof *table);
        s->flags = VIO_DESC_F_INDIRECT;
        publish_desc(&q->desc[head], s);
    } else {
        uint16_t d = head;
        for (unsigned i = 0; i < n; i++) {
            struct vio__shadow_desc *s = &q->shadow[d];
            if (share_entry(hal, s, &sg[i], i < n_out, i + 1 < n) < 0) {
                unshare_entries(q, head, false, i);
                return VIO_ERR_DMA_ERROR;
            }
            publish_desc(&q->desc[d], s);
            last = d;
            d = s->next;
        }
    }

    q->free_head = q->shadow[last].next;
    q->num_free = (uint16_t)(q->num_free - ndesc);
    q->chain[head] = (struct vio__chain){
        .cookie = cookie,
        .writable = (uint32_t)writable,
        .ndesc = ndesc,
        .nsg = (uint16_t)n,
        .indirect = indirect,
        .in_flight = true,
    };
    q->in_flight++;
    /* Updating The Available Ring; the idx is published by vio_queue_kick */
    q->avail[2 + (q->avail_idx & (q->size - 1u))] = head;
    q->avail_idx++;
    return head;
}

void vio_queue_kick(struct vio_queue *q)
{
    if (q->broken)
        return;
    uint16_t old = q->kicked_idx;
    uint16_t new_idx = q->avail_idx;
    if (new_idx == old)
        return;

    /* Updating idx: the descriptors and ring entries must be visible first */
    atomic_thread_fence(memory_order_release);
    q->avail[RING_IDX] = new_idx;
    q->kicked_idx = new_idx;
    /* Notifying The Device: expose idx before reading the suppression fields */
    atomic_thread_fence(memory_order_seq_cst);

    bool notify;
    if (q->event_idx) {
        /*
         * Available Buffer Notification Suppression: notify when one of the
         * entries written since the last kick sits at avail_event; the
         * 16-bit differences keep the test right across wrap-around.
         */
        uint16_t event = *avail_event(q);
        notify = (uint16_t)(new_idx - event - 1u) < (uint16_t)(new_idx - old);
    } else {
        notify = (q->used[RING_FLAGS] & VIO_USED_F_NO_NOTIFY) == 0;
    }
    if (notify)
        q->t->ops->notify(q->t, q->idx);
}

/*
 * Validates the next used entry without consuming it. Returns 1 with its
 * id and len, 0 when the device has not used anything, or a negative
 * vio_err after latching the queue broken.
 */
static inline int peek_used(struct vio_queue *q, uint16_t *id_out, uint32_t *len_out)
{
    if (q->broken)
        return VIO_ERR_IO_ERROR;
    uint16_t used_idx = q->used[RING_IDX];
    /* the entries must not be read before the idx that covers them */
    atomic_thread_fence(memory_order_acquire);
    uint16_t pending = (uint16_t)(used_idx - q->last_used);
    if (pending == 0)
        return 0;
    /* the device cannot have used more entries than the ring holds */
    if (pending > q->size)
        return queue_break(q, VIO_ERR_IO_ERROR);

    volatile struct vio__used_elem *e = used_elem(q, q->last_used & (q->size - 1u));
    uint32_t id = e->id;
    uint32_t len = e->len;
    /* id must name the head of a chain that is in flight now */
    if (id >= q->size || !q->chain[id].in_flight)
        return queue_break(q, VIO_ERR_WRONG_TOKEN);
    /* The Virtqueue Used Ring: len counts bytes written to the writable part only */
    if (len > q->chain[id].writable)
        return queue_break(q, VIO_ERR_IO_ERROR);
    *id_out = (uint16_t)id;
    *len_out = len;
    return 1;
}

static inline void consume_used(struct vio_queue *q, uint16_t id)
{
    release_chain(q, id);
    q->last_used++;
    /* Used Buffer Notification Suppression: ask for a notification at the next entry */
    if (q->event_idx)
        *used_event(q) = q->last_used;
}

int vio_queue_pop(struct vio_queue *q, uint16_t *token, uint32_t *len, void **cookie)
{
    uint16_t id;
    uint32_t used_len;
    int rc = peek_used(q, &id, &used_len);
    if (rc <= 0)
        return rc;
    void *c = q->chain[id].cookie;
    consume_used(q, id);
    *token = id;
    *len = used_len;
    if (cookie != NULL)
        *cookie = c;
    return 1;
}

int vio_queue_pop_token(struct vio_queue *q, uint16_t token, uint32_t *len)
{
    if (q->broken)
        return VIO_ERR_IO_ERROR;
    if (token >= q->size || !q->chain[token].in_flight)
        return VIO_ERR_INVALID_PARAM;
    uint16_t id;
    uint32_t used_len;
    int rc = peek_used(q, &id, &used_len);
    if (rc <= 0)
        return rc;
    /* a valid completion of another chain: the device may complete out of order */
    if (id != token)
        return VIO_ERR_WRONG_TOKEN;
    consume_used(q, id);
    *len = used_len;
    return 1;
}

int vio_queue_wait_token(struct vio_queue *q, uint16_t token, uint32_t *len)
{
    const struct vio_hal *hal = q->hal;
    uint32_t limit = vio_hal_spin_limit(hal);
    for (uint32_t n = 0;; n++) {
        int rc = vio_queue_pop_token(q, token, len);
        if (rc != 0)
            return rc < 0 ? rc : 0;
        if (n == limit)
            break;
        hal->relax(hal->ctx);
    }
    return queue_break(q, VIO_ERR_NOT_READY);
}

bool vio_queue_has_used(const struct vio_queue *q)
{
    return !q->broken && q->used[RING_IDX] != q->last_used;
}

void vio_queue_reclaim_all(struct vio_queue *q)
{
    for (uint16_t head = 0; head < q->size && q->in_flight > 0; head++) {
        if (q->chain[head].in_flight)
            release_chain(q, head);
    }
    q->broken = true;
}

void vio_queue_deinit(struct vio_queue *q)
{
    vio_queue_reclaim_all(q);
    free_all(q);
    q->size = 0;
    q->num_free = 0;
}
