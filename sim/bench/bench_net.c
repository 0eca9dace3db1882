/* Net packet rates through the real driver: transmit, receive, and both through the loopback. */
#include <string.h>

#include "bench.h"
#include "vio/err.h"
#include "vio/net.h"
#include "vsim/net.h"

#define QS 256u
#define BATCH 64u
#define RX_BUF (VIO_NET_HDR_LEN + VIO_NET_FRAME_MAX)

struct net_run {
    struct vio_net n;
    struct vsim_net *dev;
    uint8_t *rx_bufs; /* QS buffers in guest memory, so shares are zero-copy as on real DMA */
    uint8_t *tx_bufs; /* BATCH frames with header room */
    uint32_t frame;
};

static int post_all_rx(struct net_run *run)
{
    for (unsigned i = 0; i < QS; i++) {
        int rc = vio_net_rx_post(&run->n, run->rx_bufs + (size_t)i * RX_BUF, RX_BUF, NULL);
        if (rc < 0)
            return rc;
    }
    vio_net_rx_kick(&run->n);
    return 0;
}

/* Takes every received packet and posts its buffers again; returns packets or a vio_err. */
static int drain_rx(struct net_run *run)
{
    struct vio_net_rx_pkt pkts[BATCH];
    int total = 0, got;
    while ((got = vio_net_rx_recv(&run->n, pkts, BATCH)) > 0) {
        for (int i = 0; i < got; i++) {
            for (unsigned s = 0; s < pkts[i].nseg; s++) {
                const struct vio_net_rx_seg *seg = &pkts[i].seg[s];
                int rc = vio_net_rx_post(&run->n, seg->buf, seg->size, seg->cookie);
                if (rc < 0)
                    return rc;
            }
        }
        total += got;
        vio_net_rx_kick(&run->n);
    }
    return got < 0 ? got : total;
}

/* One batch of transmits, kicked once, then their completions taken back. */
static int tx_batch(struct net_run *run)
{
    uint32_t hdr = vio_net_hdr_len(&run->n);
    for (unsigned i = 0; i < BATCH; i++) {
        int rc = vio_net_tx(&run->n, run->tx_bufs + (size_t)i * RX_BUF, hdr + run->frame, NULL);
        if (rc < 0)
            return rc;
    }
    vio_net_tx_kick(&run->n);
    void *cookies[BATCH];
    unsigned done = 0;
    for (uint32_t spins = 0; done < BATCH && spins < 1000000u; spins++) {
        int rc = vio_net_tx_complete(&run->n, cookies, BATCH);
        if (rc < 0)
            return rc;
        done += (unsigned)rc;
    }
    return done == BATCH ? 0 : VIO_ERR_NOT_READY;
}

static int pump(const struct bench_opts *o, struct net_run *run, enum bench_net_mode mode,
                uint64_t *ops, uint64_t *ns)
{
    static uint8_t frame[VIO_NET_FRAME_MAX];
    memset(frame, 0xff, 6);
    uint64_t n = 0, start = bench_now_ns(), deadline = start + (uint64_t)(o->seconds * 1e9), now;
    do {
        for (unsigned iter = 0; iter < 64; iter++) {
            int rc = 0;
            if (mode != BENCH_NET_RX)
                rc = tx_batch(run);
            for (unsigned i = 0; rc == 0 && mode == BENCH_NET_RX && i < BATCH; i++)
                rc = vsim_net_inject(run->dev, frame, run->frame);
            if (rc == 0 && mode != BENCH_NET_TX)
                rc = drain_rx(run);
            if (rc < 0)
                return rc;
            n += mode == BENCH_NET_TX ? BATCH : (unsigned)rc;
        }
        now = bench_now_ns();
    } while (now < deadline);
    *ops = n;
    *ns = now - start;
    return 0;
}

int bench_net(const struct bench_opts *o, enum bench_net_mode mode, uint32_t frame, uint64_t *ops,
              uint64_t *ns)
{
    static struct net_run run;
    static struct bench_transport_storage ts;
    struct vsim_machine *m = vsim_machine_new(&(struct vsim_machine_opts){0});
    if (!m)
        return VIO_ERR_DMA_ERROR;
    run.frame = frame;
    run.dev = vsim_net_new(m, &(struct vsim_net_opts){.queue_max = QS});
    run.rx_bufs = vsim_machine_mem_alloc(m, (size_t)QS * RX_BUF);
    run.tx_bufs = vsim_machine_mem_alloc(m, (size_t)BATCH * RX_BUF);
    struct vio_transport *t;
    int rc = run.dev && run.rx_bufs && run.tx_bufs && frame >= 14 && frame <= VIO_NET_FRAME_MAX
                 ? bench_attach(m, BENCH_MMIO_V2, vsim_net_device(run.dev))
                 : VIO_ERR_INVALID_PARAM;
    if (rc == 0) {
        vsim_net_set_loopback(run.dev, mode == BENCH_NET_LOOPBACK);
        rc = bench_probe(m, BENCH_MMIO_V2, &ts, &t);
    }
    if (rc == 0)
        rc = vio_net_init(&run.n, t, &(struct vio_net_opts){.rx_size = QS, .tx_size = QS});
    if (rc == 0) {
        for (unsigned i = 0; i < BATCH; i++)
            memset(run.tx_bufs + (size_t)i * RX_BUF + vio_net_hdr_len(&run.n), 0xff, 6);
        rc = post_all_rx(&run);
        if (rc == 0)
            rc = pump(o, &run, mode, ops, ns);
        vio_net_deinit(&run.n);
    }
    vsim_machine_free(m);
    return rc;
}
