/*
 * The net device's receive side: frames offered from the wire, a backlog or a
 * pcap source are written into receive buffers (Network Device / Device
 * Operation / Processing of Incoming Packets), spread over several buffers
 * when MRG_RXBUF was accepted, each but the last filled completely.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "net_internal.h"
#include "vio/err.h"
#include "vsim/spec.h"

enum put_result { PUT_DONE, PUT_NO_ROOM, PUT_LOST };

/* Copies into the writable stream of @c at @off; memmove, as a driver may post overlapping buffers.
 */
static void chain_put(const struct vsim_chain *c, uint64_t off, const uint8_t *src, uint64_t len)
{
    const struct vsim_seg *s = c->seg + c->nread;
    for (uint32_t i = 0, n = c->nseg - c->nread; i < n && len; i++) {
        if (off >= s[i].len) {
            off -= s[i].len;
            continue;
        }
        uint64_t take = s[i].len - off < len ? s[i].len - off : len;
        memmove(s[i].p + off, src, (size_t)take);
        src += take;
        len -= take;
        off = 0;
    }
}

/* Host address of byte @off of the writable stream of @c, or NULL past its end. */
static uint8_t *chain_byte(const struct vsim_chain *c, uint64_t off)
{
    const struct vsim_seg *s = c->seg + c->nread;
    for (uint32_t i = 0, n = c->nseg - c->nread; i < n; i++) {
        if (off < s[i].len)
            return s[i].p + off;
        off -= s[i].len;
    }
    return NULL;
}

/*
 * Setting Up Receive Buffers: a receive buffer is device-writable, and with
 * MRG_RXBUF holds at least the header. A bad one stops the receive side
 * until reset (the device asks for one).
 */
static bool rx_chain_ok(struct vsim_net *n, const struct vsim_chain *c, uint32_t hdr, bool mrg,
                        bool first)
{
    struct vsim_device *d = n->dev;
    const char *why = NULL;
    if (c->nread)
        why = "device-readable descriptors";
    else if (c->write_len == 0 || (mrg && c->write_len < hdr))
        why = "less room than the header";
    if (why) {
        vsim_device_violation(d, VSIM_RULE_NET_RX_BUF, "receive buffer head %u: %s (%llu bytes)",
                              c->head, why, (unsigned long long)c->write_len);
        n->rx_stopped = true;
        vsim_device_needs_reset(d);
        return false;
    }
    /* Legacy Interface: Framing Requirements: the header alone in the first descriptor */
    if (first && vsim_device_legacy(d) && !vsim_device_has(d, VSIM_F_ANY_LAYOUT) &&
        c->seg[0].len != hdr)
        vsim_device_violation(d, VSIM_RULE_NET_LEGACY_FRAMING,
                              "receive buffer head %u: first descriptor %u bytes, header %u",
                              c->head, c->seg[0].len, hdr);
    return true;
}

/* The used-ring faults of one packet: its header's num_buffers and its first used len. */
static void rx_packet_faults(struct vsim_net *n, uint8_t *nb[2], uint16_t k)
{
    uint64_t v = 0;
    uint16_t num = k;
    if (vsim__net_fault(n, VSIM_FAULT_NET_NUM_BUFFERS, &v))
        num = (uint16_t)v;
    if (nb[0] && nb[1]) {
        *nb[0] = (uint8_t)num;
        *nb[1] = (uint8_t)(num >> 8);
    }
    v = vsim__net_hdr_len(n) - 1u;
    if (vsim__net_fault(n, VSIM_FAULT_NET_RX_LEN_SHORT, &v))
        n->held_len[0] = v < UINT32_MAX ? (uint32_t)v : UINT32_MAX;
    v = 1;
    if (vsim__net_fault(n, VSIM_FAULT_NET_RX_LEN_LONG, &v)) {
        uint64_t len = n->held[0].write_len + v;
        n->held_len[0] = len < UINT32_MAX ? (uint32_t)len : UINT32_MAX;
    }
}

/* Writes one frame into the receive queue, taking as many buffers as it needs. */
static enum put_result rx_put(struct vsim_net *n, const uint8_t *frame, uint32_t len)
{
    struct vsim_device *d = n->dev;
    struct vsim_vq *vq = vsim_device_vq(d, VSIM__NET_RXQ);
    uint32_t hdr = vsim__net_hdr_len(n);
    bool mrg = n->mrg;
    uint64_t need = (uint64_t)hdr + len, done = 0;
    uint8_t *nb[2] = {NULL, NULL};
    uint16_t k = 0;

    if (n->rx_stopped || vsim_vq_broken(vq))
        return PUT_LOST;
    n->rx_dirty = true;
    while (done < need) {
        struct vsim_chain c;
        if (k == n->queue_max || !vsim_vq_pop(vq, &c)) {
            /* not enough room yet: give back what was taken and wait for more */
            vsim_vq_unpop(vq, k);
            return vsim_vq_broken(vq) ? PUT_LOST : PUT_NO_ROOM;
        }
        if (!rx_chain_ok(n, &c, hdr, mrg, k == 0)) {
            vsim_vq_unpop(vq, (uint16_t)(k + 1u));
            return PUT_LOST;
        }
        uint64_t at = 0;
        if (k == 0) {
            /* Setting Up Receive Buffers: without MRG_RXBUF one buffer holds it all */
            if (!mrg && c.write_len < need) {
                vsim_vq_unpop(vq, 1);
                vsim_device_trace(d, "frame of %u bytes lost: receive buffer of %llu", len,
                                  (unsigned long long)c.write_len);
                return PUT_LOST;
            }
            /* no offloads: flags 0, gso_type NONE; num_buffers once known */
            static const uint8_t zero_hdr[VSIM_NET_HDR_LEN];
            chain_put(&c, 0, zero_hdr, hdr);
            if (hdr == VSIM_NET_HDR_LEN) {
                nb[0] = chain_byte(&c, 10);
                nb[1] = chain_byte(&c, 11);
            }
            at = done = hdr;
        }
        uint64_t take = c.write_len - at < need - done ? c.write_len - at : need - done;
        /* an empty frame may have no bytes at all (frame NULL): nothing to offset or copy */
        if (take != 0)
            chain_put(&c, at, frame + (done - hdr), take);
        n->held[k] = c;
        n->held_len[k] = (uint32_t)(at + take);
        done += take;
        k++;
    }
    rx_packet_faults(n, nb, k);
    /* Processing of Incoming Packets: all buffers of a packet are used together */
    for (uint16_t i = 0; i < k; i++)
        vsim_vq_push(vq, &n->held[i], n->held_len[i]);
    n->stats.rx_frames++;
    n->stats.rx_bytes += len;
    n->stats.rx_buffers += k;
    vsim__net_tap(n, VSIM_NET_TAP_RX, frame, len);
    return PUT_DONE;
}

static void backlog_push(struct vsim_net *n, const uint8_t *frame, uint32_t len)
{
    if (n->backlog_count == n->backlog_cap) {
        n->stats.rx_lost++;
        return;
    }
    struct vsim__net_frame *f = &n->backlog[(n->backlog_head + n->backlog_count) % n->backlog_cap];
    if (f->cap < len) {
        uint32_t cap = len < 2048 ? 2048 : len;
        uint8_t *p = realloc(f->data, cap);
        if (!p) {
            n->stats.rx_lost++;
            return;
        }
        f->data = p;
        f->cap = cap;
    }
    if (len)
        memcpy(f->data, frame, len);
    f->len = len;
    n->backlog_count++;
    n->stats.rx_waited++;
}

static void backlog_drop_front(struct vsim_net *n)
{
    n->backlog_head = (n->backlog_head + 1) % n->backlog_cap;
    n->backlog_count--;
}

static void drain_backlog(struct vsim_net *n)
{
    while (n->backlog_count) {
        struct vsim__net_frame *f = &n->backlog[n->backlog_head];
        enum put_result r = rx_put(n, f->data, f->len);
        if (r == PUT_NO_ROOM)
            return;
        if (r == PUT_LOST)
            n->stats.rx_lost++;
        backlog_drop_front(n);
    }
}

void vsim__net_offer(struct vsim_net *n, const uint8_t *frame, uint32_t len)
{
    vsim__net_arm(n);
    if (!n->link_up || !vsim__net_running(n) || n->rx_stopped ||
        vsim__net_fault(n, VSIM_FAULT_NET_DROP, NULL)) {
        n->stats.rx_lost++;
        return;
    }
    uint64_t v = 14;
    if (vsim__net_fault(n, VSIM_FAULT_NET_TRUNCATE, &v) && v < len)
        len = (uint32_t)v;
    v = 0;
    /* without memory for the copy the frame goes through whole */
    uint8_t *scratch;
    if (vsim__net_fault(n, VSIM_FAULT_NET_CORRUPT, &v) && len &&
        (scratch = vsim__net_buffer(&n->scratch, &n->scratch_cap, len))) {
        memcpy(scratch, frame, len);
        scratch[v % len] ^= 0xffu;
        frame = scratch;
    }
    /* frames keep their order: nothing overtakes the backlog */
    if (n->backlog_count)
        drain_backlog(n);
    if (n->backlog_count == 0) {
        enum put_result r = rx_put(n, frame, len);
        if (r != PUT_NO_ROOM) {
            n->stats.rx_lost += r == PUT_LOST;
            return;
        }
    }
    backlog_push(n, frame, len);
}

/* Offers source frames while the backlog is empty: one that finds no room waits there. */
static void drain_source(struct vsim_net *n)
{
    while (n->src && n->backlog_count == 0 && n->link_up && !n->rx_stopped) {
        int rc =
            vsim_pcap_next(n->src, n->src_frame.data, n->src_frame.cap, &n->src_frame.len, NULL);
        if (rc <= 0) {
            if (rc < 0)
                vsim_device_trace(n->dev, "pcap source: damaged record, stopped");
            vsim_pcap_close_reader(n->src);
            n->src = NULL;
            return;
        }
        vsim__net_offer(n, n->src_frame.data, n->src_frame.len);
    }
}

unsigned vsim__net_drain(struct vsim_net *n)
{
    uint64_t before = n->stats.rx_frames;
    if (!vsim__net_running(n))
        return 0;
    drain_backlog(n);
    drain_source(n);
    return (unsigned)(n->stats.rx_frames - before);
}

void vsim__net_rx_flush(struct vsim_net *n)
{
    if (!n->rx_dirty)
        return;
    n->rx_dirty = false;
    vsim_vq_flush(vsim_device_vq(n->dev, VSIM__NET_RXQ));
}

void vsim__net_rx_reset(struct vsim_net *n)
{
    n->stats.rx_lost += n->backlog_count;
    n->backlog_head = n->backlog_count = 0;
    n->rx_stopped = false;
    n->rx_dirty = false;
}

void vsim__net_rx_free(struct vsim_net *n)
{
    for (unsigned i = 0; n->backlog && i < n->backlog_cap; i++)
        free(n->backlog[i].data);
    free(n->backlog);
    vsim_pcap_close_reader(n->src);
    free(n->src_frame.data);
    n->backlog = NULL;
    n->src = NULL;
    n->src_frame.data = NULL;
}

int vsim_net_inject(struct vsim_net *n, const void *frame, size_t len)
{
    if (len > VSIM_NET_FRAME_MAX || (len && !frame))
        return VIO_ERR_INVALID_PARAM;
    vsim__net_offer(n, frame, (uint32_t)len);
    vsim__net_rx_flush(n);
    return VIO_OK;
}

unsigned vsim_net_pump(struct vsim_net *n)
{
    unsigned moved = vsim__net_drain(n);
    vsim__net_rx_flush(n);
    return moved;
}

unsigned vsim_net_backlog(const struct vsim_net *n)
{
    return n->backlog_count;
}

int vsim_net_pcap_read(struct vsim_net *n, const char *path)
{
    struct vsim_pcap_reader *r = vsim_pcap_open(path);
    if (!r)
        return VIO_ERR_IO_ERROR;
    if (!n->src_frame.data) {
        n->src_frame.data = malloc(VSIM_NET_FRAME_MAX);
        if (!n->src_frame.data) {
            vsim_pcap_close_reader(r);
            return VIO_ERR_IO_ERROR;
        }
        n->src_frame.cap = VSIM_NET_FRAME_MAX;
    }
    vsim_pcap_close_reader(n->src);
    n->src = r;
    vsim_net_pump(n);
    return VIO_OK;
}

bool vsim_net_source_done(const struct vsim_net *n)
{
    return n->src == NULL;
}
