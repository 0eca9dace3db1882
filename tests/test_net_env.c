/* The net suites' fixture: machine, device, driver and a buffer pool with leak checks. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_machine.h"
#include "test_net_env.h"
#include "vio/err.h"
#include "vsim/conform.h"
#include "vsim/mmio.h"

struct vsim_machine *nett_machine(bool deferred)
{
    struct vsim_machine_opts o = {.deferred = deferred, .spin_limit = 2000};
    return bench_machine_new(&o);
}

static void pool_alloc(struct nett *e)
{
    if (e->pool)
        return;
    size_t bytes = (size_t)NETT_POOL * NETT_BUF_LEN;
    e->pool = e->pool_in_guest ? vsim_machine_mem_alloc(e->m, bytes) : malloc(bytes);
    ck_assert_ptr_nonnull(e->pool);
    for (unsigned i = 0; i < NETT_POOL; i++)
        e->pool_free[i] = true;
}

void nett_attach(struct nett *e, struct vsim_machine *m, unsigned slot, unsigned version,
                 const struct vsim_net_opts *so)
{
    memset(e, 0, sizeof(*e));
    e->m = m;
    e->slot = slot;
    e->pool_in_guest = true;
    e->drv = calloc(1, sizeof(*e->drv));
    ck_assert_ptr_nonnull(e->drv);
    e->sim = vsim_net_attach(m, slot, version, so);
    ck_assert_msg(e->sim != NULL, "%s", vsim_machine_last_error(m));
    ck_assert_int_eq(
        vio_mmio_probe(&e->mmio, vsim_machine_hal(m), VSIM_MMIO_SLOT_BASE(slot), VSIM_MMIO_STRIDE),
        0);
}

void nett_up(struct nett *e, struct vsim_machine *m, unsigned slot, unsigned version,
             const struct vsim_net_opts *so, const struct vio_net_opts *o)
{
    nett_attach(e, m, slot, version, so);
    ck_assert_int_eq(vio_net_init(e->drv, &e->mmio.t, o), 0);
}

void nett_pool_on_heap(struct nett *e)
{
    ck_assert_ptr_null(e->pool);
    e->pool_in_guest = false;
}

uint8_t *nett_buf(struct nett *e)
{
    pool_alloc(e);
    for (unsigned i = 0; i < NETT_POOL; i++) {
        if (e->pool_free[i]) {
            e->pool_free[i] = false;
            return e->pool + (size_t)i * NETT_BUF_LEN;
        }
    }
    ck_abort_msg("buffer pool exhausted");
    return NULL;
}

void nett_buf_put(struct nett *e, void *buf)
{
    size_t off = (size_t)((uint8_t *)buf - e->pool);
    ck_assert_msg((uint8_t *)buf >= e->pool && off % NETT_BUF_LEN == 0 &&
                      off / NETT_BUF_LEN < NETT_POOL,
                  "%p is not a pool buffer", buf);
    ck_assert_msg(!e->pool_free[off / NETT_BUF_LEN], "buffer %p given back twice", buf);
    e->pool_free[off / NETT_BUF_LEN] = true;
}

unsigned nett_bufs_out(const struct nett *e)
{
    unsigned out = 0;
    for (unsigned i = 0; e->pool && i < NETT_POOL; i++)
        out += !e->pool_free[i];
    return out;
}

void nett_post(struct nett *e, unsigned count, uint32_t len)
{
    ck_assert_uint_le(len, NETT_BUF_LEN);
    for (unsigned i = 0; i < count; i++) {
        uint8_t *b = nett_buf(e);
        ck_assert_int_ge(vio_net_rx_post(e->drv, b, len, b), 0);
    }
    vio_net_rx_kick(e->drv);
}

int nett_send(struct nett *e, const uint8_t *frame, uint32_t len)
{
    uint32_t hdr = vio_net_hdr_len(e->drv);
    ck_assert_uint_le(hdr + len, NETT_BUF_LEN);
    uint8_t *b = nett_buf(e);
    memcpy(b + hdr, frame, len);
    int rc = vio_net_tx(e->drv, b, hdr + len, b);
    if (rc < 0) {
        nett_buf_put(e, b);
        return rc;
    }
    vio_net_tx_kick(e->drv);
    return rc;
}

int nett_reap(struct nett *e, unsigned max)
{
    void *cookies[64];
    int total = 0;
    while (max > 0) {
        int rc = vio_net_tx_complete(e->drv, cookies, max < 64 ? max : 64);
        if (rc < 0)
            return total ? total : rc;
        if (rc == 0)
            break;
        for (int i = 0; i < rc; i++)
            nett_buf_put(e, cookies[i]);
        total += rc;
        max -= (unsigned)rc;
    }
    return total;
}

int nett_recv(struct nett *e, uint8_t *frame, uint32_t cap, uint32_t *len, bool repost)
{
    struct vio_net_rx_pkt pkt;
    int rc = vio_net_rx_recv(e->drv, &pkt, 1);
    if (rc <= 0)
        return rc;
    ck_assert_uint_eq(vio_net_rx_copy(&pkt, frame, cap), pkt.len < cap ? pkt.len : cap);
    *len = pkt.len;
    for (uint16_t i = 0; i < pkt.nseg; i++) {
        const struct vio_net_rx_seg *s = &pkt.seg[i];
        ck_assert_ptr_eq(s->cookie, s->buf);
        if (repost)
            ck_assert_int_ge(vio_net_rx_post(e->drv, s->buf, s->size, s->cookie), 0);
        else
            nett_buf_put(e, s->buf);
    }
    if (repost)
        vio_net_rx_kick(e->drv);
    return 1;
}

void nett_frame(uint8_t *frame, uint32_t len, uint32_t seq)
{
    static const uint8_t head[14] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x52,
                                     0x54, 0x00, 0x00, 0x00, 0x01, 0x88, 0xb5};
    for (uint32_t i = 0; i < len; i++)
        frame[i] = i < sizeof(head) ? head[i] : (uint8_t)(seq * 7u + i * 13u + (seq >> 8));
    if (len >= 18) {
        frame[14] = (uint8_t)seq;
        frame[15] = (uint8_t)(seq >> 8);
        frame[16] = (uint8_t)(seq >> 16);
        frame[17] = (uint8_t)(seq >> 24);
    }
}

void nett_down(struct nett *e, unsigned *rx, unsigned *tx)
{
    struct vio_net_buf b;
    unsigned nrx = 0, ntx = 0;
    vio_net_deinit(e->drv);
    while (vio_net_rx_reclaim(e->drv, &b) == 1) {
        ck_assert_ptr_eq(b.cookie, b.buf);
        nett_buf_put(e, b.buf);
        nrx++;
    }
    while (vio_net_tx_reclaim(e->drv, &b) == 1) {
        nett_buf_put(e, b.cookie);
        ntx++;
    }
    ck_assert_uint_eq(vio_net_rx_posted(e->drv), 0);
    ck_assert_uint_eq(vio_net_tx_inflight(e->drv), 0);
    if (rx)
        *rx = nrx;
    if (tx)
        *tx = ntx;
}

void nett_release(struct nett *e)
{
    ck_assert_uint_eq(nett_bufs_out(e), 0);
    if (e->pool && e->pool_in_guest)
        vsim_machine_mem_free(e->m, e->pool);
    else
        free(e->pool);
    e->pool = NULL;
    free(e->drv);
    e->drv = NULL;
    ck_assert_uint_eq(vsim_machine_dma_pages_in_use(e->m), 0);
    ck_assert_uint_eq(vsim_machine_shares_in_use(e->m), 0);
}

size_t nett_violations(struct vsim_machine *m)
{
    return vsim_conform_count(vsim_machine_conform(m));
}

void nett_machine_free(struct vsim_machine *m)
{
    bench_assert_conformant(m);
    vsim_machine_free(m);
}
