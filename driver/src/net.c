/*
 * The network device driver (Device Types / Network Device). Buffers are the
 * caller's; the driver keeps a private record of each one by token (the
 * chain head), so nothing the device writes decides which memory is handed
 * back, and every buffer can be returned after an error.
 */
#include "vio/err.h"
#include "vio/net.h"

#include "vio_internal.h"

enum {
    VIO__NET_FREE = 0,
    VIO__NET_POSTED, /* the device holds it */
    VIO__NET_ORPHAN, /* taken back by a receive that failed its checks */
};

_Static_assert(offsetof(struct vio_net, rxq) < offsetof(struct vio_net, txq),
               "queues in address order for vio__zero_except_shadows");

#define NET_RXQ 0u
#define NET_TXQ 1u

static int net_fail(struct vio_net *n, int err)
{
    if (n->error == 0)
        n->error = err;
    return n->error;
}

static int net_usable(const struct vio_net *n)
{
    if (n->error != 0)
        return n->error;
    return n->live ? 0 : VIO_ERR_NOT_READY;
}

static int net_read_config(struct vio_net *n)
{
    struct vio_transport *t = n->t;
    /* Device configuration layout: mac is valid only with VIRTIO_NET_F_MAC */
    if (n->has_mac) {
        int rc = vio_config_read(t, VIO_NET_CFG_MAC, n->mac, sizeof n->mac);
        if (rc < 0)
            return rc;
    }
    /* status exists only with VIRTIO_NET_F_STATUS; a device too small for it is refused */
    if (n->has_status) {
        uint16_t status;
        return vio_config_read_u16(t, VIO_NET_CFG_STATUS, &status);
    }
    return 0;
}

static void net_free_queues(struct vio_net *n)
{
    vio_queue_deinit(&n->txq);
    vio_queue_deinit(&n->rxq);
    if (n->zero_hdr != NULL) {
        const struct vio_hal *hal = n->t->hal;
        hal->dma_free(hal->ctx, n->zero_hdr_pa, n->zero_hdr, 1);
        n->zero_hdr = NULL;
    }
}

static int net_setup_queues(struct vio_net *n, const struct vio_net_opts *o)
{
    int rc = vio_queue_init(&n->rxq, n->t, NET_RXQ, o->rx_size);
    if (rc == 0)
        rc = vio_queue_init(&n->txq, n->t, NET_TXQ, o->tx_size);
    if (rc == 0) {
        const struct vio_hal *hal = n->t->hal;
        void *va = NULL;
        rc = hal->dma_alloc(hal->ctx, 1, VIO_DMA_TO_DEVICE, &n->zero_hdr_pa, &va);
        if (rc < 0 || va == NULL)
            rc = VIO_ERR_DMA_ERROR;
        else
            n->zero_hdr = va;
    }
    return rc;
}

int vio_net_init(struct vio_net *n, struct vio_transport *t, const struct vio_net_opts *opts)
{
    static const struct vio_net_opts defaults;
    const struct vio_net_opts *o = opts != NULL ? opts : &defaults;

    struct vio_queue *const queues[] = {&n->rxq, &n->txq};
    vio__zero_except_shadows(n, sizeof *n, queues, 2);
    n->t = t;
    n->rxq.broken = true;
    n->txq.broken = true;
    if (t->device_id != VIO_ID_NET)
        return VIO_ERR_INVALID_PARAM;

    uint64_t supported = VIO_NET_SUPPORTED_FEATURES & ~o->features_off;
    /* Reserved Feature Bits: ANY_LAYOUT is a legacy bit; modern framing is free anyway */
    if (!t->legacy)
        supported &= ~VIO_F_ANY_LAYOUT;
    int rc = vio_transport_begin_init(t, supported);
    if (rc < 0)
        return rc;
    n->has_mac = vio_has_feature(t, VIO_NET_F_MAC);
    n->has_status = vio_has_feature(t, VIO_NET_F_STATUS);
    n->mrg_rxbuf = vio_has_feature(t, VIO_NET_F_MRG_RXBUF);
    /* Legacy Interface: Device Operation: num_buffers only with MRG_RXBUF */
    n->hdr_len = (vio_has_feature(t, VIO_F_VERSION_1) || n->mrg_rxbuf) ? VIO_NET_HDR_LEN
                                                                       : VIO_NET_HDR_LEN_LEGACY;
    /* Legacy Interface: Framing Requirements: the header alone in one descriptor */
    n->split_hdr = t->legacy && !vio_has_feature(t, VIO_F_ANY_LAYOUT);
    /* Setting Up Receive Buffers: merged buffers hold at least the header */
    n->rx_min =
        n->mrg_rxbuf ? n->hdr_len + (n->split_hdr ? 1u : 0u) : n->hdr_len + VIO_NET_FRAME_MAX;

    /* Device Initialization: 7. device-specific setup */
    rc = net_read_config(n);
    if (rc < 0) {
        vio_transport_fail(t);
        return rc;
    }
    rc = net_setup_queues(n, o);
    if (rc < 0) {
        /* the device may know the queues: stop it before freeing them, then mark it FAILED */
        vio_transport_shutdown(t);
        net_free_queues(n);
        vio_transport_fail(t);
        return rc;
    }
    n->live = true;
    vio_transport_finish_init(t);
    return 0;
}

void vio_net_deinit(struct vio_net *n)
{
    if (!n->live)
        return;
    /* Device Cleanup: the device must stop using the queues before they are freed */
    vio_transport_shutdown(n->t);
    net_free_queues(n);
    n->live = false;
}

int vio_net_link_up(struct vio_net *n, bool *up)
{
    int rc = net_usable(n);
    if (rc < 0)
        return rc;
    if (!n->has_status) {
        *up = true;
        return 0;
    }
    uint16_t status;
    rc = vio_config_read_u16(n->t, VIO_NET_CFG_STATUS, &status);
    if (rc < 0)
        return rc;
    /* only the bottom bit tells the link state; other bits are announcements */
    *up = (status & VIO_NET_S_LINK_UP) != 0;
    return 0;
}

uint32_t vio_net_ack_interrupt(struct vio_net *n)
{
    return n->t->ops->ack_interrupt(n->t);
}

/* The chain for a buffer starting with the header: one entry, or two with a split header. */
static unsigned net_frame_sg(const struct vio_net *n, uint8_t *buf, uint32_t len,
                             struct vio_sg sg[2])
{
    if (!n->split_hdr) {
        sg[0] = (struct vio_sg){buf, len};
        return 1;
    }
    sg[0] = (struct vio_sg){buf, n->hdr_len};
    sg[1] = (struct vio_sg){buf + n->hdr_len, len - n->hdr_len};
    return 2;
}

static void net_record(struct vio__net_slot *s, void *cookie, void *buf, uint32_t len)
{
    s->cookie = cookie;
    s->buf = buf;
    s->len = len;
    s->state = VIO__NET_POSTED;
}

/* ---- receive ---- */

int vio_net_rx_post(struct vio_net *n, void *buf, uint32_t len, void *cookie)
{
    int rc = net_usable(n);
    if (rc < 0)
        return rc;
    if (buf == NULL || len < n->rx_min)
        return VIO_ERR_INVALID_PARAM;
    struct vio_sg sg[2];
    unsigned nsg = net_frame_sg(n, buf, len, sg);
    rc = vio_queue_add(&n->rxq, sg, 0, nsg, NULL);
    if (rc < 0)
        return rc;
    if (VIO_NEVER(n->rx_slot[rc].state != VIO__NET_FREE))
        return net_fail(n, VIO_ERR_WRONG_TOKEN);
    net_record(&n->rx_slot[rc], cookie, buf, len);
    n->rx_posted++;
    return rc;
}

void vio_net_rx_kick(struct vio_net *n)
{
    if (net_usable(n) == 0)
        vio_queue_kick(&n->rxq);
}

/*
 * Takes the next used receive buffer into @seg; its slot becomes an orphan
 * until the packet it belongs to passes every check. Returns 1, 0 when the
 * device has used nothing more, or the latched error.
 */
static int rx_pop(struct vio_net *n, struct vio_net_rx_seg *seg, uint32_t *used_len)
{
    uint16_t token;
    uint32_t len;
    int rc = vio_queue_pop(&n->rxq, &token, &len, NULL);
    if (rc <= 0)
        return rc < 0 ? net_fail(n, rc) : 0;
    struct vio__net_slot *s = &n->rx_slot[token];
    if (VIO_NEVER(s->state != VIO__NET_POSTED))
        return net_fail(n, VIO_ERR_WRONG_TOKEN);
    s->state = VIO__NET_ORPHAN;
    n->rx_orphans++;
    n->rx_posted--;
    *seg =
        (struct vio_net_rx_seg){.cookie = s->cookie, .buf = s->buf, .size = s->len, .token = token};
    *used_len = len;
    return 1;
}

/*
 * num_buffers from the header the device wrote. Without MRG_RXBUF a packet is
 * one buffer whatever the field says: QEMU leaves it unwritten then, as Linux
 * expects (it reads the field only with mergeable buffers).
 */
static uint16_t rx_num_buffers(const struct vio_net *n, const uint8_t *hdr)
{
    if (!n->mrg_rxbuf)
        return 1;
    return (uint16_t)(hdr[VIO_NET_HDR_NUM_BUFFERS] | hdr[VIO_NET_HDR_NUM_BUFFERS + 1] << 8);
}

/*
 * Receives one packet into @pkt, its segments from n->rx_seg[*used] on.
 * Returns 1, 0 when nothing is waiting, or the latched error.
 */
static int rx_one(struct vio_net *n, struct vio_net_rx_pkt *pkt, unsigned *used)
{
    struct vio_net_rx_seg *seg = &n->rx_seg[*used];
    uint32_t len;
    int rc = rx_pop(n, &seg[0], &len);
    if (rc <= 0)
        return rc;
    /* Processing of Incoming Packets: every packet starts with the header */
    if (len < n->hdr_len)
        return net_fail(n, VIO_ERR_IO_ERROR);
    uint16_t nbuf = rx_num_buffers(n, seg[0].buf);
    /*
     * Setting Up Receive Buffers: without MRG_RXBUF a packet uses a single
     * buffer; with it, num_buffers counts buffers the driver posted.
     */
    if (nbuf == 0 || nbuf > n->rx_posted + 1u || VIO_NEVER(*used + nbuf > VIO_QUEUE_MAX_SIZE))
        return net_fail(n, VIO_ERR_IO_ERROR);
    seg[0].off = n->hdr_len;
    seg[0].len = len - n->hdr_len;
    uint64_t total = seg[0].len;
    for (uint16_t i = 1; i < nbuf; i++) {
        /* Processing of Incoming Packets: all but the last buffer are used completely */
        if (seg[i - 1].off + seg[i - 1].len != seg[i - 1].size)
            return net_fail(n, VIO_ERR_IO_ERROR);
        rc = rx_pop(n, &seg[i], &len);
        /* ... and all of them together, so each one is already in the used ring */
        if (rc <= 0 || len == 0)
            return net_fail(n, rc < 0 ? rc : VIO_ERR_IO_ERROR);
        seg[i].len = len;
        total += len;
    }
    if (total > UINT32_MAX)
        return net_fail(n, VIO_ERR_IO_ERROR);
    for (uint16_t i = 0; i < nbuf; i++)
        n->rx_slot[seg[i].token].state = VIO__NET_FREE;
    n->rx_orphans = (uint16_t)(n->rx_orphans - nbuf);
    *pkt = (struct vio_net_rx_pkt){.seg = seg, .len = (uint32_t)total, .nseg = nbuf};
    *used += nbuf;
    return 1;
}

int vio_net_rx_recv(struct vio_net *n, struct vio_net_rx_pkt *pkts, unsigned max)
{
    int rc = net_usable(n);
    if (rc < 0)
        return rc;
    if (pkts == NULL && max > 0)
        return VIO_ERR_INVALID_PARAM;
    unsigned got = 0, used = 0;
    while (got < max) {
        rc = rx_one(n, &pkts[got], &used);
        if (rc <= 0)
            break;
        got++;
    }
    /* packets taken before an error are the caller's; the error comes next call */
    if (got > 0)
        return (int)got;
    return rc < 0 ? rc : 0;
}

size_t vio_net_rx_copy(const struct vio_net_rx_pkt *pkt, void *dst, size_t cap)
{
    uint8_t *out = dst;
    size_t done = 0;
    for (uint16_t i = 0; i < pkt->nseg && done < cap; i++) {
        const struct vio_net_rx_seg *s = &pkt->seg[i];
        size_t take = s->len < cap - done ? s->len : cap - done;
        vio__copy(out + done, s->buf + s->off, take);
        done += take;
    }
    return done;
}

/* ---- transmit ---- */

static int tx_add(struct vio_net *n, const struct vio_sg *sg, unsigned nsg, void *cookie, void *buf,
                  uint32_t len)
{
    int rc = vio_queue_add(&n->txq, sg, nsg, 0, NULL);
    if (rc < 0)
        return rc;
    if (VIO_NEVER(n->tx_slot[rc].state != VIO__NET_FREE))
        return net_fail(n, VIO_ERR_WRONG_TOKEN);
    net_record(&n->tx_slot[rc], cookie, buf, len);
    n->tx_inflight++;
    return rc;
}

int vio_net_tx(struct vio_net *n, void *buf, uint32_t len, void *cookie)
{
    int rc = net_usable(n);
    if (rc < 0)
        return rc;
    if (buf == NULL || len <= n->hdr_len)
        return VIO_ERR_INVALID_PARAM;
    /*
     * Packet Transmission: no offloads negotiated, so flags 0, gso_type NONE
     * and num_buffers 0: an all-zero header.
     */
    vio__zero(buf, n->hdr_len);
    struct vio_sg sg[2];
    unsigned nsg = net_frame_sg(n, buf, len, sg);
    return tx_add(n, sg, nsg, cookie, buf, len);
}

int vio_net_tx_sg(struct vio_net *n, const struct vio_sg *frags, unsigned nfrags, void *cookie)
{
    int rc = net_usable(n);
    if (rc < 0)
        return rc;
    if (frags == NULL || nfrags == 0 || nfrags > VIO_NET_TX_FRAGS_MAX)
        return VIO_ERR_INVALID_PARAM;
    struct vio_sg sg[VIO_QUEUE_MAX_SG];
    sg[0] = (struct vio_sg){n->zero_hdr, n->hdr_len};
    uint32_t len = 0;
    for (unsigned i = 0; i < nfrags; i++) {
        sg[i + 1] = frags[i];
        len += frags[i].len;
    }
    return tx_add(n, sg, nfrags + 1, cookie, frags[0].buf, len);
}

void vio_net_tx_kick(struct vio_net *n)
{
    if (net_usable(n) == 0)
        vio_queue_kick(&n->txq);
}

int vio_net_tx_complete(struct vio_net *n, void **cookies, unsigned max)
{
    int rc = net_usable(n);
    if (rc < 0)
        return rc;
    if (cookies == NULL && max > 0)
        return VIO_ERR_INVALID_PARAM;
    unsigned got = 0;
    while (got < max) {
        uint16_t token;
        uint32_t len;
        /* the queue checks the id and that len stays within the (empty) writable part */
        rc = vio_queue_pop(&n->txq, &token, &len, NULL);
        if (rc <= 0) {
            if (rc < 0)
                net_fail(n, rc);
            break;
        }
        struct vio__net_slot *s = &n->tx_slot[token];
        if (VIO_NEVER(s->state != VIO__NET_POSTED)) {
            rc = net_fail(n, VIO_ERR_WRONG_TOKEN);
            break;
        }
        s->state = VIO__NET_FREE;
        n->tx_inflight--;
        cookies[got++] = s->cookie;
    }
    if (got > 0)
        return (int)got;
    return rc < 0 ? rc : 0;
}

uint16_t vio_net_tx_room(const struct vio_net *n)
{
    if (net_usable(n) != 0)
        return 0;
    uint16_t free = vio_queue_num_free(&n->txq);
    /* a split header takes two descriptors unless an indirect table holds them */
    return (n->split_hdr && !n->txq.indirect) ? free / 2 : free;
}

/* ---- reclaim ---- */

/*
 * Hands back one orphan, or (once the device is stopped) one buffer it still
 * held. The scan resumes after the last slot handed back (@at), so taking
 * back every buffer costs one pass, not one per buffer.
 */
static int net_reclaim(struct vio_net *n, struct vio__net_slot *slots, uint16_t *held, uint16_t *at,
                       struct vio_net_buf *out)
{
    /* only receive slots become orphans */
    uint16_t orphans = slots == n->rx_slot ? n->rx_orphans : 0;
    if (orphans == 0 && (n->live || *held == 0))
        return 0;
    for (unsigned k = 0; k < VIO_QUEUE_MAX_SIZE; k++) {
        unsigned i = (*at + k) % VIO_QUEUE_MAX_SIZE;
        struct vio__net_slot *s = &slots[i];
        bool posted = s->state == VIO__NET_POSTED;
        if (s->state == VIO__NET_ORPHAN || (posted && !n->live)) {
            *out = (struct vio_net_buf){s->cookie, s->buf, s->len};
            s->state = VIO__NET_FREE;
            if (posted)
                (*held)--;
            else
                n->rx_orphans--;
            *at = (uint16_t)((i + 1) % VIO_QUEUE_MAX_SIZE);
            return 1;
        }
    }
    return 0;
}

int vio_net_rx_reclaim(struct vio_net *n, struct vio_net_buf *out)
{
    return net_reclaim(n, n->rx_slot, &n->rx_posted, &n->rx_reclaim_at, out);
}

int vio_net_tx_reclaim(struct vio_net *n, struct vio_net_buf *out)
{
    return net_reclaim(n, n->tx_slot, &n->tx_inflight, &n->tx_reclaim_at, out);
}
