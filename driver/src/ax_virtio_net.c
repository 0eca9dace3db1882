/*
 * The virtio network device behind the generic NIC interface, after the
 * seed's design: a pool of rx + tx queue-size buffers, every receive buffer
 * posted up front, transmit buffers handed out and taken back. Unlike the
 * seed, every buffer the device hands back is checked before use, a buffer
 * the device still holds is never released on an error path, and a failed
 * transmit or repost keeps its buffer.
 */
#include "axdriver_virtio.h"
#include "vio/err.h"

#include "vio_internal.h"

/* Who holds each pool buffer (ax_virtio_net_dev.owner). */
enum {
    NET_BUF_SPARE,     /* in the pool's free list: a receive buffer waiting to be posted */
    NET_BUF_RX_DEVICE, /* posted for receive */
    NET_BUF_RX_OS,     /* a received packet the OS holds */
    NET_BUF_TX_FREE,   /* on the transmit free list */
    NET_BUF_TX_OS,     /* allocated for transmission, held by the OS */
    NET_BUF_TX_DEVICE, /* queued for transmission */
};

static struct ax_virtio_net_dev *to_virtio(const struct ax_net_dev *dev)
{
    return AX_CONTAINER_OF(dev, struct ax_virtio_net_dev, dev);
}

/* Maps a virtio core error, and keeps it for the caller's diagnostics. */
static int core_err(struct ax_virtio_net_dev *d, int rc)
{
    d->vio_err = rc;
    return ax_virtio_as_dev_err(rc);
}

static const char *net_device_name(const struct ax_base_dev *base)
{
    (void)base;
    return "virtio-net";
}

static enum ax_device_type net_device_type(const struct ax_base_dev *base)
{
    (void)base;
    return AX_DEVICE_NET;
}

/* The pool buffer @raw names when it is in state @owner, or NULL. */
static struct ax_net_buf *buf_in(struct ax_virtio_net_dev *d, const void *raw, uint8_t owner)
{
    struct ax_net_buf *b = ax_net_buf_lookup(&d->pool, raw);
    if (b == NULL || d->owner[b->index] != owner)
        return NULL;
    return b;
}

static void to_spare(struct ax_virtio_net_dev *d, struct ax_net_buf *b)
{
    d->owner[b->index] = NET_BUF_SPARE;
    ax_net_buf_free(&d->pool, b);
}

static void to_tx_free(struct ax_virtio_net_dev *d, struct ax_net_buf *b)
{
    d->owner[b->index] = NET_BUF_TX_FREE;
    d->tx_free[d->n_tx_free++] = b;
}

/* Posts @b for receive; on failure it stays a spare for the next refill. */
static int post_rx(struct ax_virtio_net_dev *d, struct ax_net_buf *b)
{
    b->header_len = 0;
    b->packet_len = 0;
    int rc = vio_net_rx_post(&d->net, b->raw, (uint32_t)d->pool.buf_len, b);
    if (rc < 0) {
        to_spare(d, b);
        return rc;
    }
    d->owner[b->index] = NET_BUF_RX_DEVICE;
    return 0;
}

/*
 * Posts spare buffers until the receive queue is full or none is left.
 * QueueFull only means the ring has no room (a legacy header takes a
 * descriptor of its own); any other error is returned.
 */
static int refill_rx(struct ax_virtio_net_dev *d)
{
    int rc = 0;
    unsigned posted = 0;
    while (d->net.rx_posted < d->rx_size) {
        struct ax_net_buf *b = ax_net_buf_alloc(&d->pool);
        if (b == NULL)
            break;
        rc = post_rx(d, b);
        if (rc < 0)
            break;
        posted++;
    }
    if (posted > 0)
        vio_net_rx_kick(&d->net);
    return rc == VIO_ERR_QUEUE_FULL ? 0 : rc;
}

/* Receive buffers of packets that failed the core's checks: spares again. */
static void take_back_rx_orphans(struct ax_virtio_net_dev *d)
{
    struct vio_net_buf out;
    while (vio_net_rx_reclaim(&d->net, &out) == 1) {
        struct ax_net_buf *b = buf_in(d, out.cookie, NET_BUF_RX_DEVICE);
        if (VIO_ALWAYS(b != NULL))
            to_spare(d, b);
    }
}

static struct ax_ethernet_address net_mac_address(const struct ax_net_dev *dev)
{
    struct ax_ethernet_address a;
    for (unsigned i = 0; i < sizeof a.addr; i++)
        a.addr[i] = to_virtio(dev)->net.mac[i];
    return a;
}

static bool net_can_transmit(struct ax_net_dev *dev)
{
    struct ax_virtio_net_dev *d = to_virtio(dev);
    return d->live && d->n_tx_free > 0 && vio_net_tx_room(&d->net) > 0;
}

static bool net_can_receive(struct ax_net_dev *dev)
{
    struct ax_virtio_net_dev *d = to_virtio(dev);
    return d->live && vio_queue_has_used(&d->net.rxq);
}

static size_t net_rx_queue_size(const struct ax_net_dev *dev)
{
    return to_virtio(dev)->rx_size;
}

static size_t net_tx_queue_size(const struct ax_net_dev *dev)
{
    return to_virtio(dev)->tx_size;
}

static int net_recycle_rx_buffer(struct ax_net_dev *dev, struct ax_net_buf_ptr rx_buf)
{
    struct ax_virtio_net_dev *d = to_virtio(dev);
    struct ax_net_buf *b = buf_in(d, rx_buf.raw, NET_BUF_RX_OS);
    if (b == NULL)
        return AX_ERR_INVALID_PARAM;
    if (!d->live) {
        /* the device is gone: the buffer goes home so the pool can be freed */
        to_spare(d, b);
        return 0;
    }
    int rc = post_rx(d, b);
    if (rc < 0)
        return core_err(d, rc);
    vio_net_rx_kick(&d->net);
    /* spares left by an earlier failed repost go back too */
    int refill = refill_rx(d);
    return refill < 0 ? core_err(d, refill) : 0;
}

static int net_recycle_tx_buffers(struct ax_net_dev *dev)
{
    struct ax_virtio_net_dev *d = to_virtio(dev);
    if (!d->live)
        return AX_ERR_BAD_STATE;
    void *done[16];
    int err = 0;
    for (;;) {
        int n = vio_net_tx_complete(&d->net, done, 16);
        if (n < 0)
            return core_err(d, n);
        if (n == 0)
            return err;
        for (int i = 0; i < n; i++) {
            /* the core checked the used id; the cookie must be a buffer this wrapper sent */
            struct ax_net_buf *b = buf_in(d, done[i], NET_BUF_TX_DEVICE);
            if (VIO_NEVER(b == NULL))
                err = AX_ERR_BAD_STATE;
            else
                to_tx_free(d, b);
        }
    }
}

static int net_transmit(struct ax_net_dev *dev, struct ax_net_buf_ptr tx_buf)
{
    struct ax_virtio_net_dev *d = to_virtio(dev);
    struct ax_net_buf *b = buf_in(d, tx_buf.raw, NET_BUF_TX_OS);
    if (b == NULL)
        return AX_ERR_INVALID_PARAM;
    if (!d->live) {
        to_spare(d, b);
        return AX_ERR_BAD_STATE;
    }
    /* the header room in front of the packet is the driver's to fill */
    int rc = vio_net_tx(&d->net, b->raw, (uint32_t)ax_net_buf_packet_with_header_len(b), b);
    if (rc < 0) {
        /* the buffer was never taken: back on the free list, not lost */
        to_tx_free(d, b);
        return core_err(d, rc);
    }
    d->owner[b->index] = NET_BUF_TX_DEVICE;
    vio_net_tx_kick(&d->net);
    return 0;
}

static int net_receive(struct ax_net_dev *dev, struct ax_net_buf_ptr *rx_buf)
{
    struct ax_virtio_net_dev *d = to_virtio(dev);
    if (!d->live)
        return AX_ERR_BAD_STATE;
    struct vio_net_rx_pkt pkt;
    int n = vio_net_rx_recv(&d->net, &pkt, 1);
    if (n < 0) {
        take_back_rx_orphans(d);
        return core_err(d, n);
    }
    if (n == 0) {
        /* a quiet moment: put back spares that an earlier repost could not */
        int rc = refill_rx(d);
        return rc < 0 ? core_err(d, rc) : AX_ERR_AGAIN;
    }
    /* the core checked the used id; the buffer must still be one this wrapper posted */
    const struct vio_net_rx_seg *seg = &pkt.seg[0];
    struct ax_net_buf *b = buf_in(d, seg->cookie, NET_BUF_RX_DEVICE);
    if (VIO_NEVER(b == NULL || pkt.nseg != 1 || seg->buf != b->raw))
        return AX_ERR_BAD_STATE;
    b->header_len = 0;
    b->packet_len = 0;
    /* the core bounds off + len by the posted size (set here: NEVER() may drop its operand) */
    int set = ax_net_buf_set_header_len(b, seg->off);
    if (set == 0)
        set = ax_net_buf_set_packet_len(b, seg->len);
    if (VIO_NEVER(set < 0)) {
        post_rx(d, b);
        vio_net_rx_kick(&d->net);
        return AX_ERR_BAD_STATE;
    }
    d->owner[b->index] = NET_BUF_RX_OS;
    *rx_buf = ax_net_buf_to_ptr(b);
    return 0;
}

static int net_alloc_tx_buffer(struct ax_net_dev *dev, size_t size, struct ax_net_buf_ptr *tx_buf)
{
    struct ax_virtio_net_dev *d = to_virtio(dev);
    if (!d->live)
        return AX_ERR_BAD_STATE;
    size_t hdr = vio_net_hdr_len(&d->net);
    /* checked before a buffer is taken, so a refused size costs nothing */
    if (size == 0 || size > d->pool.buf_len - hdr)
        return AX_ERR_INVALID_PARAM;
    if (d->n_tx_free == 0)
        return AX_ERR_NO_MEMORY;
    struct ax_net_buf *b = d->tx_free[--d->n_tx_free];
    b->header_len = hdr;
    b->packet_len = size;
    d->owner[b->index] = NET_BUF_TX_OS;
    *tx_buf = ax_net_buf_to_ptr(b);
    return 0;
}

static const struct ax_net_ops ax_virtio_net_ops = {
    .base = {.device_name = net_device_name, .device_type = net_device_type},
    .mac_address = net_mac_address,
    .can_transmit = net_can_transmit,
    .can_receive = net_can_receive,
    .rx_queue_size = net_rx_queue_size,
    .tx_queue_size = net_tx_queue_size,
    .recycle_rx_buffer = net_recycle_rx_buffer,
    .recycle_tx_buffers = net_recycle_tx_buffers,
    .transmit = net_transmit,
    .receive = net_receive,
    .alloc_tx_buffer = net_alloc_tx_buffer,
};

/*
 * Resets the device, then brings every buffer it held or that waits on the
 * transmit free list back to the pool. Buffers the OS holds stay out.
 */
static void stop_device(struct ax_virtio_net_dev *d)
{
    struct vio_net_buf out;
    vio_net_deinit(&d->net);
    d->live = false;
    take_back_rx_orphans(d);
    while (vio_net_tx_reclaim(&d->net, &out) == 1) {
        struct ax_net_buf *b = buf_in(d, out.cookie, NET_BUF_TX_DEVICE);
        if (VIO_ALWAYS(b != NULL))
            to_spare(d, b);
    }
    while (d->n_tx_free > 0)
        to_spare(d, d->tx_free[--d->n_tx_free]);
}

int ax_virtio_net_init(struct ax_virtio_net_dev *d, struct vio_transport *t, uint16_t queue_size)
{
    ax_net_dev_init(&d->dev, &ax_virtio_net_ops);
    d->live = false;
    d->pool_live = false;
    d->vio_err = 0;
    d->n_tx_free = 0;
    d->rx_size = 0;
    d->tx_size = 0;
    /* one buffer per packet: a 1526-byte buffer always holds a whole frame without merging */
    struct vio_net_opts opts = {queue_size, queue_size, VIO_NET_F_MRG_RXBUF};
    int rc = vio_net_init(&d->net, t, &opts);
    if (rc < 0)
        return core_err(d, rc);
    d->rx_size = vio_net_rx_queue_size(&d->net);
    d->tx_size = vio_net_tx_queue_size(&d->net);
    size_t capacity = (size_t)d->rx_size + d->tx_size;
    if (VIO_NEVER(capacity > AX_VIRTIO_NET_BUFS ||
                  vio_net_rx_min_len(&d->net) > AX_VIRTIO_NET_BUF_LEN)) {
        vio_net_deinit(&d->net);
        return AX_ERR_BAD_STATE;
    }
    rc = ax_net_buf_pool_init(&d->pool, t->hal, d->bufs, capacity, AX_VIRTIO_NET_BUF_LEN);
    if (rc < 0) {
        vio_net_deinit(&d->net);
        return rc;
    }
    d->pool_live = true;
    for (size_t i = 0; i < capacity; i++)
        d->owner[i] = NET_BUF_SPARE;
    /* the transmit buffers first, so a receive refill cannot take them */
    for (uint16_t i = 0; i < d->tx_size; i++)
        to_tx_free(d, ax_net_buf_alloc(&d->pool));
    d->live = true;
    rc = refill_rx(d);
    if (rc < 0) {
        stop_device(d);
        ax_net_buf_pool_deinit(&d->pool);
        d->pool_live = false;
        return core_err(d, rc);
    }
    return 0;
}

int ax_virtio_net_deinit(struct ax_virtio_net_dev *d)
{
    if (d->live)
        stop_device(d);
    if (!d->pool_live)
        return 0;
    int rc = ax_net_buf_pool_deinit(&d->pool);
    if (rc == 0)
        d->pool_live = false;
    return rc;
}
