/*
 * The net device model: configuration (MAC, link status), the transmit side
 * (Network Device / Device Operation / Packet Transmission) with its checks
 * of the driver's framing, and the wire a frame takes: nowhere, back to the
 * same device (loopback) or to a linked peer, recorded on an optional tap.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "net_internal.h"
#include "vio/err.h"
#include "vsim/mmio.h"
#include "vsim/spec.h"

static unsigned devices_made;

uint32_t vsim__net_hdr_len(const struct vsim_net *n)
{
    if (n->hdr_len)
        return n->hdr_len;
    /* Legacy Interface: Device Operation: num_buffers only with MRG_RXBUF */
    bool full =
        vsim_device_has(n->dev, VSIM_F_VERSION_1) || vsim_device_has(n->dev, VSIM_NET_F_MRG_RXBUF);
    return full ? VSIM_NET_HDR_LEN : VSIM_NET_HDR_LEN_LEGACY;
}

void vsim__net_arm(struct vsim_net *n)
{
    struct vsim_machine *m = vsim_device_machine(n->dev);
    n->faults_armed = vsim_fault_rule_count(vsim_machine_faults(m)) != 0;
}

bool vsim__net_running(const struct vsim_net *n)
{
    uint8_t status = vsim_device_status(n->dev);
    return (status & VSIM_STATUS_DRIVER_OK) && !(status & VSIM_STATUS_DEVICE_NEEDS_RESET);
}

void vsim__net_tap(struct vsim_net *n, unsigned dir, const uint8_t *frame, uint32_t len)
{
    if (!n->tap || !(n->tap_dirs & dir))
        return;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    vsim_pcap_put(n->tap, frame, len, (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec);
}

/* ---- configuration ---- */

static void config_read(void *priv, uint32_t off, void *buf, uint32_t len)
{
    struct vsim_net *n = priv;
    /* Device configuration layout: status exists only with VIRTIO_NET_F_STATUS */
    if (off + len > VSIM_NET_CFG_STATUS &&
        !(vsim_device_offered(n->dev) & VSIM_BIT(VSIM_NET_F_STATUS)))
        vsim_device_violation(n->dev, VSIM_RULE_CFG_FEATURE,
                              "config status read, its feature bit %u is not offered",
                              VSIM_NET_F_STATUS);
    memcpy(buf, n->cfg + off, len);
}

static bool config_write(void *priv, uint32_t off, const void *buf, uint32_t len)
{
    struct vsim_net *n = priv;
    /* Legacy Interface: Device configuration layout: mac is driver-writable there only */
    if (!vsim_device_legacy(n->dev) || off + len > VSIM_NET_CFG_STATUS)
        return false;
    memcpy(n->cfg + off, buf, len);
    return true;
}

static void set_status_field(struct vsim_net *n)
{
    vsim__st16(n->cfg + VSIM_NET_CFG_STATUS, n->link_up ? VSIM_NET_S_LINK_UP : 0);
}

void vsim_net_set_link(struct vsim_net *n, bool up)
{
    if (n->link_up == up)
        return;
    n->link_up = up;
    set_status_field(n);
    vsim_device_trace(n->dev, "link %s", up ? "up" : "down");
    if (vsim_device_offered(n->dev) & VSIM_BIT(VSIM_NET_F_STATUS))
        vsim_device_config_changed(n->dev);
    if (up)
        vsim_net_pump(n); /* frames waiting for the link move now */
}

bool vsim_net_link_is_up(const struct vsim_net *n)
{
    return n->link_up;
}

/* ---- transmit ---- */

/* Packet Transmission: no offloads offered, so an all-zero header but hdr_len and the csum fields.
 */
static void check_tx_header(struct vsim_net *n, const struct vsim_chain *c, uint32_t hdr)
{
    uint8_t h[VSIM_NET_HDR_LEN];
    const uint8_t *p = h;
    if (c->seg[0].len >= hdr)
        p = c->seg[0].p;
    else
        vsim_chain_read(c, 0, h, hdr);
    uint16_t num_buffers = hdr == VSIM_NET_HDR_LEN ? vsim__ld16(p + 10) : 0;
    if (p[0]) /* no VIRTIO_NET_F_CSUM */
        vsim_device_violation(n->dev, VSIM_RULE_NET_TX_HDR, "transmit head %u: flags 0x%x", c->head,
                              p[0]);
    if (p[1]) /* no HOST_TSO4, HOST_TSO6, HOST_UFO, HOST_USO */
        vsim_device_violation(n->dev, VSIM_RULE_NET_TX_GSO, "transmit head %u: gso_type 0x%x",
                              c->head, p[1]);
    if (num_buffers)
        vsim_device_violation(n->dev, VSIM_RULE_NET_TX_NUM_BUFFERS,
                              "transmit head %u: num_buffers %u", c->head, num_buffers);
}

/*
 * The frame of a transmit chain, checked: a pointer into guest memory when
 * it lies in one descriptor, else gathered into the stage. NULL when the
 * chain cannot carry a frame.
 */
static const uint8_t *tx_frame(struct vsim_net *n, const struct vsim_chain *c, uint32_t *len)
{
    struct vsim_device *d = n->dev;
    uint32_t hdr = vsim__net_hdr_len(n);
    if (c->write_len)
        vsim_device_violation(d, VSIM_RULE_NET_TX_CHAIN,
                              "transmit head %u has %llu device-writable bytes", c->head,
                              (unsigned long long)c->write_len);
    if (c->read_len < hdr) {
        vsim_device_violation(d, VSIM_RULE_NET_TX_CHAIN,
                              "transmit head %u: %llu bytes, shorter than the %u-byte header",
                              c->head, (unsigned long long)c->read_len, hdr);
        return NULL;
    }
    if (c->read_len - hdr > VSIM_NET_FRAME_MAX) {
        vsim_device_trace(d, "transmit head %u: frame of %llu bytes not sent", c->head,
                          (unsigned long long)(c->read_len - hdr));
        return NULL;
    }
    /* Legacy Interface: Framing Requirements */
    if (vsim_device_legacy(d) && !vsim_device_has(d, VSIM_F_ANY_LAYOUT) && c->seg[0].len != hdr)
        vsim_device_violation(d, VSIM_RULE_NET_LEGACY_FRAMING,
                              "transmit head %u: first descriptor %u bytes, header %u", c->head,
                              c->seg[0].len, hdr);
    check_tx_header(n, c, hdr);
    *len = (uint32_t)(c->read_len - hdr);
    if (c->seg[0].len >= c->read_len)
        return c->seg[0].p + hdr;
    if (c->nread >= 2 && c->seg[0].len == hdr && c->seg[1].len == *len)
        return c->seg[1].p;
    uint8_t *stage = vsim__net_buffer(&n->stage, &n->stage_cap, *len);
    if (!stage) {
        vsim_device_trace(d, "transmit head %u: no memory to gather the frame", c->head);
        return NULL;
    }
    vsim_chain_read(c, hdr, stage, *len);
    return stage;
}

static void send_frame(struct vsim_net *n, const uint8_t *frame, uint32_t len)
{
    n->stats.tx_frames++;
    n->stats.tx_bytes += len;
    vsim__net_tap(n, VSIM_NET_TAP_TX, frame, len);
    if (vsim__net_fault(n, VSIM_FAULT_NET_LINK_DOWN, NULL))
        vsim_net_set_link(n, false);
    if (!n->link_up || !n->peer) {
        n->stats.tx_lost++;
        return;
    }
    vsim__net_offer(n->peer, frame, len);
}

static void serve_tx(struct vsim_net *n, struct vsim_vq *vq)
{
    struct vsim_chain c;
    vsim__net_arm(n);
    while (vsim_vq_pop(vq, &c)) {
        uint32_t len;
        const uint8_t *frame = tx_frame(n, &c, &len);
        if (frame)
            send_frame(n, frame, len);
        else
            n->stats.tx_bad++;
        if (vsim__net_fault(n, VSIM_FAULT_NET_TX_HANG, NULL)) {
            vsim_device_trace(n->dev, "transmit head %u never completed", c.head);
            continue;
        }
        /* the device writes nothing into a transmit buffer */
        vsim_vq_push(vq, &c, 0);
    }
    if (n->peer)
        vsim__net_rx_flush(n->peer);
}

static void queue_notify(void *priv, struct vsim_vq *vq)
{
    struct vsim_net *n = priv;
    if (vsim_vq_index(vq) == VSIM__NET_TXQ)
        serve_tx(n, vq);
    else
        vsim__net_drain(n); /* new receive buffers: frames waiting can move */
}

/* The features are final once the driver is running: fix what depends on them. */
static void driver_ok(void *priv)
{
    struct vsim_net *n = priv;
    n->hdr_len = 0;
    n->hdr_len = vsim__net_hdr_len(n);
    n->mrg = vsim_device_has(n->dev, VSIM_NET_F_MRG_RXBUF);
}

static void reset(void *priv)
{
    struct vsim_net *n = priv;
    n->hdr_len = 0;
    n->mrg = false;
    vsim__net_rx_reset(n);
}

/* ---- the wire ---- */

void vsim_net_unlink(struct vsim_net *n)
{
    struct vsim_net *p = n->peer;
    if (p && p != n && p->peer == n)
        p->peer = NULL;
    n->peer = NULL;
}

void vsim_net_set_loopback(struct vsim_net *n, bool on)
{
    if (on) {
        vsim_net_unlink(n);
        n->peer = n;
    } else if (n->peer == n) {
        n->peer = NULL;
    }
}

int vsim_net_link(struct vsim_net *a, struct vsim_net *b)
{
    if (!a || !b || a == b)
        return VIO_ERR_INVALID_PARAM;
    vsim_net_unlink(a);
    vsim_net_unlink(b);
    a->peer = b;
    b->peer = a;
    return VIO_OK;
}

int vsim_net_pcap_write(struct vsim_net *n, const char *path, unsigned dirs)
{
    if (!(dirs & VSIM_NET_TAP_BOTH) || (dirs & ~VSIM_NET_TAP_BOTH))
        return VIO_ERR_INVALID_PARAM;
    struct vsim_pcap_writer *w = vsim_pcap_create(path);
    if (!w)
        return VIO_ERR_IO_ERROR;
    vsim_net_pcap_close(n);
    n->tap = w;
    n->tap_dirs = dirs;
    return VIO_OK;
}

int vsim_net_pcap_close(struct vsim_net *n)
{
    int rc = vsim_pcap_close(n->tap);
    n->tap = NULL;
    return rc ? VIO_ERR_IO_ERROR : VIO_OK;
}

/* ---- creation ---- */

static void destroy(void *priv)
{
    struct vsim_net *n = priv;
    vsim_net_unlink(n);
    vsim_net_pcap_close(n);
    vsim__net_rx_free(n);
    free(n->held);
    free(n->held_len);
    free(n->stage);
    free(n->scratch);
    free(n);
}

static const struct vsim_device_ops net_ops = {
    .config_read = config_read,
    .config_write = config_write,
    .driver_ok = driver_ok,
    .reset = reset,
    .queue_notify = queue_notify,
    .destroy = destroy,
};

static bool alloc_state(struct vsim_net *n, const struct vsim_net_opts *o)
{
    n->queue_max = o->queue_max ? o->queue_max : 256;
    n->backlog_cap = o->backlog ? o->backlog : 256;
    n->held = calloc(n->queue_max, sizeof(*n->held));
    n->held_len = calloc(n->queue_max, sizeof(*n->held_len));
    n->backlog = calloc(n->backlog_cap, sizeof(*n->backlog));
    return n->held && n->held_len && n->backlog;
}

/*
 * Frames are rarely near the maximum: a buffer holds the largest frame it
 * has needed to, at least a full Ethernet frame.
 */
uint8_t *vsim__net_buffer(uint8_t **buf, uint32_t *cap, uint32_t len)
{
    if (*buf && len <= *cap)
        return *buf;
    uint32_t want = len > 2048u ? len : 2048u;
    free(*buf);
    *buf = malloc(want);
    *cap = *buf ? want : 0;
    return *buf;
}

struct vsim_net *vsim_net_new(struct vsim_machine *m, const struct vsim_net_opts *opts)
{
    static const struct vsim_net_opts defaults;
    static const uint8_t no_mac[6];
    const struct vsim_net_opts *o = opts ? opts : &defaults;
    struct vsim_net *n = calloc(1, sizeof(*n));
    if (!n)
        return NULL;
    if (o->queue_max > VSIM_QUEUE_SIZE_MAX || !alloc_state(n, o)) {
        vsim__set_error(m, "net: queue_max %u above %u or out of memory", o->queue_max,
                        VSIM_QUEUE_SIZE_MAX);
        destroy(n);
        return NULL;
    }
    if (memcmp(o->mac, no_mac, sizeof(no_mac)) != 0) {
        memcpy(n->cfg + VSIM_NET_CFG_MAC, o->mac, 6);
    } else {
        static const uint8_t base[5] = {0x52, 0x54, 0x00, 0x56, 0x53};
        memcpy(n->cfg + VSIM_NET_CFG_MAC, base, sizeof(base));
        n->cfg[VSIM_NET_CFG_MAC + 5] = (uint8_t)++devices_made;
    }
    n->link_up = !o->link_down;
    set_status_field(n);

    uint64_t features = VSIM_BIT(VSIM_NET_F_MAC) | VSIM_BIT(VSIM_NET_F_STATUS) |
                        VSIM_BIT(VSIM_NET_F_MRG_RXBUF) | VSIM_BIT(VSIM_F_INDIRECT_DESC) |
                        VSIM_BIT(VSIM_F_EVENT_IDX) | VSIM_BIT(VSIM_F_VERSION_1);
    if (o->any_layout)
        features |= VSIM_BIT(VSIM_F_ANY_LAYOUT);
    struct vsim_device_model model = {
        .name = "net",
        .device_id = VSIM_ID_NET,
        .vendor_id = VSIM_MMIO_VENDOR,
        .features = features & ~o->features_off,
        .num_queues = 2,
        .queue_max = n->queue_max,
        .config_size = VSIM_NET_CFG_SIZE,
        .ops = &net_ops,
        .priv = n,
    };
    n->dev = vsim_device_create(m, &model);
    if (!n->dev) {
        destroy(n);
        return NULL;
    }
    return n;
}

struct vsim_net *vsim_net_attach(struct vsim_machine *m, unsigned slot, unsigned mmio_version,
                                 const struct vsim_net_opts *opts)
{
    struct vsim_net *n = vsim_net_new(m, opts);
    if (!n)
        return NULL;
    /* On failure the machine still owns (and later frees) the unattached device. */
    return vsim_mmio_attach(m, slot, mmio_version, n->dev) ? NULL : n;
}

struct vsim_device *vsim_net_device(struct vsim_net *n)
{
    return n->dev;
}

const struct vsim_net_stats *vsim_net_stats(const struct vsim_net *n)
{
    return &n->stats;
}

void vsim_net_mac(const struct vsim_net *n, uint8_t mac[6])
{
    memcpy(mac, n->cfg + VSIM_NET_CFG_MAC, 6);
}
