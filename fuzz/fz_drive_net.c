/*
 * The network device's operation script. The caller's buffers are tracked
 * here: each is free, posted for receive or queued for transmit, and the
 * driver may hand back only what it holds, each buffer once.
 */
#include <string.h>

#include "fz_drive.h"
#include "vio/err.h"
#include "vio/net.h"

#define BUFS 16u
#define BUF_BYTES 2048u

enum buf_state { FREE, RX, TX };

static struct vio_net net;
static uint8_t bufs[BUFS][BUF_BYTES];
static enum buf_state state[BUFS];
static uint32_t posted_len[BUFS];
static uint8_t copy[4096];

static unsigned buf_index(const void *cookie, enum buf_state want, const char *who)
{
    for (unsigned i = 0; i < BUFS; i++) {
        if (cookie == &state[i]) {
            if (state[i] != want)
                fz_fail("%s handed back buffer %u, which it does not hold", who, i);
            return i;
        }
    }
    fz_fail("%s handed back cookie %p, which is not one of the caller's", who, cookie);
}

static int free_buf(struct fz_in *ops)
{
    unsigned k = fz_u8(ops) % BUFS;
    return state[k] == FREE ? (int)k : -1;
}

static uint32_t pick_len(struct fz_in *ops, uint32_t base)
{
    switch (fz_u8(ops) % 4) {
    case 0:
        return base;
    case 1:
        return BUF_BYTES;
    case 2:
        return fz_u16(ops) % (BUF_BYTES + 1u);
    default:
        return base + 1u + fz_u8(ops);
    }
}

static void rx_post(struct fz_in *ops)
{
    int k = free_buf(ops);
    uint32_t len = pick_len(ops, vio_net_rx_min_len(&net));
    if (k < 0 || len > BUF_BYTES)
        return;
    if (vio_net_rx_post(&net, bufs[k], len, &state[k]) >= 0) {
        state[k] = RX;
        posted_len[k] = len;
    }
}

static void rx_recv(struct fz_in *ops)
{
    struct vio_net_rx_pkt pkts[8];
    unsigned max = fz_u8(ops) % 8u + 1u;
    size_t cap = fz_u16(ops) % (sizeof copy + 1u);
    int got = vio_net_rx_recv(&net, pkts, max);
    for (int i = 0; i < got; i++) {
        uint64_t total = 0;
        for (unsigned s = 0; s < pkts[i].nseg; s++) {
            const struct vio_net_rx_seg *seg = &pkts[i].seg[s];
            unsigned k = buf_index(seg->cookie, RX, "vio_net_rx_recv");
            if (seg->buf != bufs[k] || seg->size != posted_len[k] || seg->off > seg->size ||
                seg->len > seg->size - seg->off)
                fz_fail("vio_net_rx_recv: segment %u of buffer %u lies outside it", s, k);
            total += seg->len;
            state[k] = FREE;
        }
        if (total != pkts[i].len)
            fz_fail("vio_net_rx_recv: packet length %u, segments hold %llu", pkts[i].len,
                    (unsigned long long)total);
        size_t n = vio_net_rx_copy(&pkts[i], copy, cap);
        if (n > cap || n > pkts[i].len)
            fz_fail("vio_net_rx_copy copied %zu bytes into %zu", n, cap);
    }
}

static void tx(struct fz_in *ops)
{
    int k = free_buf(ops);
    uint32_t len = pick_len(ops, vio_net_hdr_len(&net) + 60u);
    if (k < 0 || len > BUF_BYTES)
        return;
    if (vio_net_tx(&net, bufs[k], len, &state[k]) >= 0)
        state[k] = TX;
}

static void tx_sg(struct fz_in *ops)
{
    int k = free_buf(ops);
    unsigned nfrags = fz_u8(ops) % (VIO_NET_TX_FRAGS_MAX + 2u);
    struct vio_sg frags[VIO_NET_TX_FRAGS_MAX + 1];
    uint32_t at = 0;
    for (unsigned i = 0; i < nfrags; i++) {
        uint32_t len = fz_u8(ops) % 128u;
        frags[i] = (struct vio_sg){bufs[k < 0 ? 0 : k] + at, len};
        at += len;
    }
    if (k < 0)
        return;
    if (vio_net_tx_sg(&net, frags, nfrags, &state[k]) >= 0)
        state[k] = TX;
}

static void tx_complete(struct fz_in *ops)
{
    void *cookies[8];
    unsigned max = fz_u8(ops) % 8u + 1u;
    int got = vio_net_tx_complete(&net, cookies, max);
    for (int i = 0; i < got; i++)
        state[buf_index(cookies[i], TX, "vio_net_tx_complete")] = FREE;
}

static void reclaim(void)
{
    struct vio_net_buf b;
    while (vio_net_rx_reclaim(&net, &b) == 1) {
        unsigned k = buf_index(b.cookie, RX, "vio_net_rx_reclaim");
        if (b.buf != bufs[k] || b.len != posted_len[k])
            fz_fail("vio_net_rx_reclaim: buffer %u comes back as %p/%u", k, b.buf, b.len);
        state[k] = FREE;
    }
    while (vio_net_tx_reclaim(&net, &b) == 1)
        state[buf_index(b.cookie, TX, "vio_net_tx_reclaim")] = FREE;
}

static bool net_start(struct vio_transport *t, struct fz_in *ops, uint16_t qsize)
{
    struct vio_net_opts opts = {.rx_size = qsize, .tx_size = qsize};
    /* some inits leave out a feature the device offers */
    if (fz_u8(ops) & 1u)
        opts.features_off = (uint64_t)1 << (fz_u8(ops) % 64u);
    return vio_net_init(&net, t, &opts) == 0;
}

static void net_stop(void)
{
    vio_net_deinit(&net);
    reclaim();
    for (unsigned i = 0; i < BUFS; i++) {
        if (state[i] != FREE)
            fz_fail("buffer %u never came back from the driver", i);
    }
}

void fz_drive_net(struct fz_dev *d, struct vio_transport *t, struct fz_in *ops, uint16_t qsize)
{
    memset(state, 0, sizeof state);
    bool live = net_start(t, ops, qsize);
    bool up;
    while (live && ops->n > 0) {
        switch (fz_u8(ops) % FZ_NET_OPS) {
        case FZ_NET_RX_POST:
            rx_post(ops);
            break;
        case FZ_NET_RX_KICK:
            vio_net_rx_kick(&net);
            break;
        case FZ_NET_RX_RECV:
            rx_recv(ops);
            break;
        case FZ_NET_TX:
            tx(ops);
            break;
        case FZ_NET_TX_SG:
            tx_sg(ops);
            break;
        case FZ_NET_TX_KICK:
            vio_net_tx_kick(&net);
            break;
        case FZ_NET_TX_COMPLETE:
            tx_complete(ops);
            break;
        case FZ_NET_STEP:
            fz_dev_step(d);
            break;
        case FZ_NET_LINK:
            vio_net_link_up(&net, &up);
            vio_net_tx_room(&net);
            break;
        case FZ_NET_ACK:
            vio_net_ack_interrupt(&net);
            break;
        case FZ_NET_RECLAIM:
            reclaim();
            break;
        default: /* FZ_NET_RESTART */
            net_stop();
            live = net_start(t, ops, qsize);
            break;
        }
    }
    if (live)
        net_stop();
}
