/*
 * The net driver against the simulated net device: initialization and
 * features, loopback and linked pairs, the 10- and 12-byte headers, merged
 * receive buffers, legacy framing, link status, backlog and buffer recycling
 * under load. Every test ends with no DMA pages, shares or buffers left.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "test_net_env.h"
#include "vio/err.h"
#include "vio/pci.h"
#include "vsim/blk.h"
#include "vsim/conform.h"
#include "vsim/pci.h"
#include "vsim/spec.h"

static struct vsim_machine *m;
static struct nett a, b;

static void setup(void)
{
    m = nett_machine(false);
}

static void teardown(void)
{
    nett_machine_free(m);
}

/* Sends @count frames of @len (sequence from @seq) on @tx and checks @rx gets them in order. */
static void roundtrip(struct nett *tx, struct nett *rx, unsigned count, uint32_t len, uint32_t seq)
{
    uint8_t frame[NETT_BUF_LEN], got[NETT_BUF_LEN];
    for (unsigned i = 0; i < count; i++) {
        nett_frame(frame, len, seq + i);
        ck_assert_int_ge(nett_send(tx, frame, len), 0);
    }
    ck_assert_int_eq(nett_reap(tx, count), (int)count);
    for (unsigned i = 0; i < count; i++) {
        uint32_t n = 0;
        ck_assert_int_eq(nett_recv(rx, got, sizeof(got), &n, true), 1);
        nett_frame(frame, len, seq + i);
        ck_assert_uint_eq(n, len);
        ck_assert_mem_eq(got, frame, len);
    }
    ck_assert_int_eq(nett_recv(rx, got, sizeof(got), &(uint32_t){0}, true), 0);
}

static void down_and_release(struct nett *e, unsigned posted)
{
    unsigned rx, tx;
    nett_down(e, &rx, &tx);
    ck_assert_uint_eq(rx, posted);
    ck_assert_uint_eq(tx, 0);
    nett_release(e);
}

/* ---- initialization ---- */

START_TEST(init_negotiates_features_and_reads_mac)
{
    struct vsim_net_opts so = {.mac = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55}};
    nett_up(&a, m, 0, 2, &so, NULL);
    uint64_t f = a.mmio.t.features;
    ck_assert(f & VIO_NET_F_MAC);
    ck_assert(f & VIO_NET_F_STATUS);
    ck_assert(f & VIO_NET_F_MRG_RXBUF);
    ck_assert(f & VIO_F_EVENT_IDX);
    ck_assert(f & VIO_F_INDIRECT_DESC);
    ck_assert(f & VIO_F_VERSION_1);
    ck_assert(a.drv->has_mac);
    ck_assert_mem_eq(a.drv->mac, so.mac, 6);
    ck_assert_uint_eq(vio_net_hdr_len(a.drv), 12);
    ck_assert_uint_eq(vio_net_rx_min_len(a.drv), 12);
    ck_assert_uint_eq(vio_net_rx_queue_size(a.drv), 256);
    ck_assert_uint_eq(vio_net_tx_queue_size(a.drv), 256);
    down_and_release(&a, 0);
}
END_TEST

START_TEST(init_without_mac_and_status_assumes_link_up)
{
    struct vsim_net_opts so = {
        .features_off = VSIM_BIT(VSIM_NET_F_MAC) | VSIM_BIT(VSIM_NET_F_STATUS), .link_down = true};
    nett_up(&a, m, 0, 2, &so, NULL);
    ck_assert(!a.drv->has_mac);
    ck_assert_mem_eq(a.drv->mac, (uint8_t[6]){0}, 6);
    bool up = false;
    /* Device configuration layout: without STATUS the driver assumes the link is up */
    ck_assert_int_eq(vio_net_link_up(a.drv, &up), 0);
    ck_assert(up);
    down_and_release(&a, 0);
}
END_TEST

START_TEST(init_features_off_are_not_negotiated)
{
    struct vio_net_opts o = {.features_off = VIO_NET_F_MRG_RXBUF | VIO_F_EVENT_IDX};
    nett_up(&a, m, 0, 2, NULL, &o);
    ck_assert(!(a.mmio.t.features & VIO_NET_F_MRG_RXBUF));
    ck_assert(!(a.mmio.t.features & VIO_F_EVENT_IDX));
    ck_assert_uint_eq(vio_net_rx_min_len(a.drv), 12 + 1514);
    down_and_release(&a, 0);
}
END_TEST

START_TEST(init_queue_sizes_follow_the_caller)
{
    struct vio_net_opts o = {.rx_size = 16, .tx_size = 64};
    nett_up(&a, m, 0, 2, &(struct vsim_net_opts){.queue_max = 128}, &o);
    ck_assert_uint_eq(vio_net_rx_queue_size(a.drv), 16);
    ck_assert_uint_eq(vio_net_tx_queue_size(a.drv), 64);
    ck_assert_uint_eq(vio_net_tx_room(a.drv), 64);
    down_and_release(&a, 0);
    struct vio_net *n = calloc(1, sizeof(*n));
    /* above the device maximum, or not a power of two: refused, device FAILED, nothing leaks */
    ck_assert_int_eq(vio_net_init(n, &a.mmio.t, &(struct vio_net_opts){.rx_size = 256}),
                     VIO_ERR_INVALID_PARAM);
    ck_assert_int_eq(vio_net_init(n, &a.mmio.t, &(struct vio_net_opts){.tx_size = 24}),
                     VIO_ERR_INVALID_PARAM);
    ck_assert(vsim_device_status(vsim_net_device(a.sim)) & VSIM_STATUS_FAILED);
    ck_assert_int_eq(vio_net_rx_post(n, (uint8_t[2048]){0}, 2048, NULL), VIO_ERR_NOT_READY);
    vio_net_deinit(n);
    free(n);
    ck_assert_uint_eq(vsim_machine_dma_pages_in_use(m), 0);
}
END_TEST

START_TEST(init_refuses_a_block_device)
{
    ck_assert_ptr_nonnull(vsim_blk_attach(m, 0, 2, NULL));
    struct vio_mmio mm;
    ck_assert_int_eq(
        vio_mmio_probe(&mm, vsim_machine_hal(m), VSIM_MMIO_SLOT_BASE(0), VSIM_MMIO_STRIDE), 0);
    struct vio_net *n = calloc(1, sizeof(*n));
    ck_assert_int_eq(vio_net_init(n, &mm.t, NULL), VIO_ERR_INVALID_PARAM);
    ck_assert_int_eq(vio_net_tx(n, (uint8_t[64]){0}, 64, NULL), VIO_ERR_NOT_READY);
    free(n);
}
END_TEST

/* ---- loopback and pairs ---- */

START_TEST(loopback_delivers_frames_in_order)
{
    nett_up(&a, m, 0, 2, NULL, NULL);
    vsim_net_set_loopback(a.sim, true);
    nett_post(&a, 8, NETT_BUF_LEN);
    roundtrip(&a, &a, 5, 60, 1);
    roundtrip(&a, &a, 5, 1514, 100);
    roundtrip(&a, &a, 3, 1, 200);
    const struct vsim_net_stats *st = vsim_net_stats(a.sim);
    ck_assert_uint_eq(st->tx_frames, 13);
    ck_assert_uint_eq(st->rx_frames, 13);
    ck_assert_uint_eq(st->rx_buffers, 13);
    ck_assert_uint_eq(st->tx_bytes, 5 * 60 + 5 * 1514 + 3);
    down_and_release(&a, 8);
}
END_TEST

START_TEST(loopback_through_bounce_buffers)
{
    nett_attach(&a, m, 0, 2, NULL);
    nett_pool_on_heap(&a);
    ck_assert_int_eq(vio_net_init(a.drv, &a.mmio.t, NULL), 0);
    vsim_net_set_loopback(a.sim, true);
    nett_post(&a, 4, NETT_BUF_LEN);
    uint64_t before = vsim_machine_bounces(m);
    roundtrip(&a, &a, 6, 333, 7);
    /* six frames out and six buffers in, each through its own bounce page */
    ck_assert_uint_ge(vsim_machine_bounces(m) - before, 12);
    down_and_release(&a, 4);
}
END_TEST

START_TEST(pair_on_one_machine_exchanges_frames)
{
    nett_up(&a, m, 0, 2, NULL, NULL);
    nett_up(&b, m, 1, 2, NULL, NULL);
    ck_assert_int_eq(vsim_net_link(a.sim, b.sim), 0);
    ck_assert_int_eq(vsim_net_link(a.sim, a.sim), VIO_ERR_INVALID_PARAM);
    nett_post(&a, 4, NETT_BUF_LEN);
    nett_post(&b, 4, NETT_BUF_LEN);
    roundtrip(&a, &b, 10, 128, 1);
    roundtrip(&b, &a, 10, 1000, 50);
    /* a's own queue saw nothing of its transmissions */
    ck_assert_uint_eq(vsim_net_stats(a.sim)->rx_frames, 10);
    vsim_net_unlink(b.sim);
    uint8_t frame[64];
    nett_frame(frame, sizeof(frame), 9);
    ck_assert_int_ge(nett_send(&a, frame, sizeof(frame)), 0);
    ck_assert_int_eq(nett_reap(&a, 1), 1);
    ck_assert_uint_eq(vsim_net_stats(a.sim)->tx_lost, 1);
    /* both devices share the machine: take both down before counting its pages */
    unsigned rx_a, rx_b;
    nett_down(&a, &rx_a, NULL);
    nett_down(&b, &rx_b, NULL);
    ck_assert_uint_eq(rx_a, 4);
    ck_assert_uint_eq(rx_b, 4);
    nett_release(&a);
    nett_release(&b);
}
END_TEST

START_TEST(pair_across_two_machines)
{
    struct vsim_machine *m2 = nett_machine(false);
    nett_up(&a, m, 0, 2, NULL, NULL);
    nett_up(&b, m2, 0, 1, NULL, NULL);
    ck_assert_int_eq(vsim_net_link(a.sim, b.sim), 0);
    nett_post(&a, 16, NETT_BUF_LEN);
    nett_post(&b, 16, NETT_BUF_LEN);
    roundtrip(&a, &b, 40, 1514, 1);
    roundtrip(&b, &a, 40, 64, 1000);
    down_and_release(&b, 16);
    /* freeing one machine unlinks its device from the other: a's frames go nowhere now */
    nett_machine_free(m2);
    uint8_t frame[64];
    nett_frame(frame, sizeof(frame), 1);
    ck_assert_int_ge(nett_send(&a, frame, sizeof(frame)), 0);
    ck_assert_int_eq(nett_reap(&a, 1), 1);
    ck_assert_uint_eq(vsim_net_stats(a.sim)->tx_lost, 1);
    down_and_release(&a, 16);
}
END_TEST

START_TEST(the_device_works_the_same_over_pci)
{
    static struct vio_pci_root root;
    static struct vio_pci_transport pt;
    ck_assert_int_eq(vsim_pci_host_init(m), 0);
    memset(&a, 0, sizeof(a));
    a.m = m;
    a.pool_in_guest = true;
    a.drv = calloc(1, sizeof(*a.drv));
    a.sim = vsim_net_new(m, NULL);
    ck_assert_ptr_nonnull(a.sim);
    ck_assert_int_eq(vsim_pci_attach(m, 1, 0, vsim_net_device(a.sim), NULL), 0);
    struct vio_pci_root_config c = {.cfg_base = VSIM_PCI_ECAM_BASE,
                                    .mech = VIO_PCI_ECAM,
                                    .mem32_base = VSIM_PCI_MEM32_BASE,
                                    .mem32_size = VSIM_PCI_MEM32_SIZE};
    ck_assert_int_eq(vio_pci_root_init(&root, vsim_machine_hal(m), &c), 0);
    ck_assert_int_eq(vio_pci_assign_resources(&root), 0);
    ck_assert_int_eq(vio_pci_probe(&pt, &root, VIO_PCI_BDF(0, 1, 0)), 0);
    ck_assert_int_eq(vio_net_init(a.drv, &pt.t, NULL), 0);
    ck_assert(a.drv->has_mac && a.drv->mrg_rxbuf);
    vsim_net_set_loopback(a.sim, true);
    nett_post(&a, 16, 256);
    roundtrip(&a, &a, 20, 1514, 1);
    roundtrip(&a, &a, 20, 60, 100);
    down_and_release(&a, 16);
}
END_TEST

START_TEST(deferred_machine_serves_on_relax)
{
    nett_machine_free(m);
    m = nett_machine(true);
    nett_up(&a, m, 0, 2, NULL, NULL);
    vsim_net_set_loopback(a.sim, true);
    nett_post(&a, 4, NETT_BUF_LEN);
    uint8_t frame[100], got[100];
    uint32_t n;
    nett_frame(frame, sizeof(frame), 3);
    ck_assert_int_ge(nett_send(&a, frame, sizeof(frame)), 0);
    /* nothing moves until the machine is stepped */
    ck_assert_int_eq(nett_reap(&a, 1), 0);
    ck_assert_int_eq(nett_recv(&a, got, sizeof(got), &n, true), 0);
    ck_assert_uint_ge(vsim_machine_step(m), 1);
    ck_assert_int_eq(nett_reap(&a, 1), 1);
    ck_assert_int_eq(nett_recv(&a, got, sizeof(got), &n, true), 1);
    ck_assert_mem_eq(got, frame, sizeof(frame));
    down_and_release(&a, 4);
}
END_TEST

/* ---- headers and framing ---- */

START_TEST(legacy_without_mrg_rxbuf_uses_the_10_byte_header)
{
    struct vsim_net_opts so = {.features_off = VSIM_BIT(VSIM_NET_F_MRG_RXBUF)};
    nett_up(&a, m, 0, 1, &so, NULL);
    vsim_net_set_loopback(a.sim, true);
    ck_assert(a.mmio.t.legacy);
    ck_assert_uint_eq(vio_net_hdr_len(a.drv), 10);
    ck_assert(a.drv->split_hdr);
    ck_assert_uint_eq(vio_net_rx_min_len(a.drv), 10 + 1514);
    nett_post(&a, 4, 10 + 1514);
    roundtrip(&a, &a, 6, 1514, 1);
    roundtrip(&a, &a, 6, 42, 10);
    down_and_release(&a, 4);
}
END_TEST

START_TEST(legacy_with_mrg_rxbuf_uses_the_12_byte_header)
{
    nett_up(&a, m, 0, 1, NULL, NULL);
    vsim_net_set_loopback(a.sim, true);
    ck_assert_uint_eq(vio_net_hdr_len(a.drv), 12);
    ck_assert(a.drv->split_hdr);
    nett_post(&a, 8, 512);
    roundtrip(&a, &a, 4, 1514, 1);
    down_and_release(&a, 8);
}
END_TEST

START_TEST(legacy_with_any_layout_keeps_one_descriptor)
{
    nett_up(&a, m, 0, 1, &(struct vsim_net_opts){.any_layout = true}, NULL);
    vsim_net_set_loopback(a.sim, true);
    ck_assert(a.mmio.t.features & VIO_F_ANY_LAYOUT);
    ck_assert(!a.drv->split_hdr);
    nett_post(&a, 4, NETT_BUF_LEN);
    roundtrip(&a, &a, 4, 700, 1);
    down_and_release(&a, 4);
}
END_TEST

START_TEST(modern_never_negotiates_any_layout)
{
    nett_up(&a, m, 0, 2, &(struct vsim_net_opts){.any_layout = true}, NULL);
    ck_assert(!(a.mmio.t.features & VIO_F_ANY_LAYOUT));
    down_and_release(&a, 0);
}
END_TEST

START_TEST(modern_without_mrg_rxbuf_keeps_num_buffers_one)
{
    struct vsim_net_opts so = {.features_off = VSIM_BIT(VSIM_NET_F_MRG_RXBUF)};
    nett_up(&a, m, 0, 2, &so, NULL);
    vsim_net_set_loopback(a.sim, true);
    ck_assert_uint_eq(vio_net_hdr_len(a.drv), 12);
    uint8_t *small = nett_buf(&a);
    ck_assert_int_eq(vio_net_rx_post(a.drv, small, 1525, small), VIO_ERR_INVALID_PARAM);
    nett_post(&a, 4, 1526);
    roundtrip(&a, &a, 8, 1514, 1);
    /* a frame too big for one buffer is lost by the device; the buffer stays posted */
    uint8_t frame[1600];
    nett_frame(frame, sizeof(frame), 1);
    ck_assert_int_ge(nett_send(&a, frame, sizeof(frame)), 0);
    ck_assert_int_eq(nett_reap(&a, 1), 1);
    ck_assert_uint_eq(vsim_net_stats(a.sim)->rx_lost, 1);
    ck_assert_uint_eq(vio_net_rx_posted(a.drv), 4);
    roundtrip(&a, &a, 2, 100, 50);
    unsigned rx;
    nett_down(&a, &rx, NULL);
    ck_assert_uint_eq(rx, 4);
    /* the buffer refused above was never the driver's */
    nett_buf_put(&a, small);
    nett_release(&a);
}
END_TEST

START_TEST(mrg_rxbuf_spreads_a_frame_over_small_buffers)
{
    nett_up(&a, m, 0, 2, NULL, NULL);
    vsim_net_set_loopback(a.sim, true);
    uint8_t *small = nett_buf(&a);
    ck_assert_int_eq(vio_net_rx_post(a.drv, small, 11, small), VIO_ERR_INVALID_PARAM);
    nett_buf_put(&a, small);
    nett_post(&a, 16, 256);
    uint8_t frame[1514];
    nett_frame(frame, sizeof(frame), 77);
    ck_assert_int_ge(nett_send(&a, frame, sizeof(frame)), 0);
    ck_assert_int_eq(nett_reap(&a, 1), 1);
    struct vio_net_rx_pkt pkt;
    ck_assert_int_eq(vio_net_rx_recv(a.drv, &pkt, 1), 1);
    /* (12 + 1514) bytes in 256-byte buffers: five full ones and a last of 246 */
    ck_assert_uint_eq(pkt.nseg, 6);
    ck_assert_uint_eq(pkt.len, 1514);
    ck_assert_uint_eq(pkt.seg[0].off, 12);
    ck_assert_uint_eq(pkt.seg[0].len, 244);
    for (unsigned i = 1; i < 5; i++) {
        ck_assert_uint_eq(pkt.seg[i].off, 0);
        ck_assert_uint_eq(pkt.seg[i].len, 256);
    }
    ck_assert_uint_eq(pkt.seg[5].len, 1526 - 5 * 256);
    ck_assert_mem_eq(vio_net_rx_seg_data(&pkt.seg[1]), frame + 244, 256);
    uint8_t got[1514], part[100];
    ck_assert_uint_eq(vio_net_rx_copy(&pkt, got, sizeof(got)), 1514);
    ck_assert_mem_eq(got, frame, sizeof(frame));
    ck_assert_uint_eq(vio_net_rx_copy(&pkt, part, sizeof(part)), sizeof(part));
    ck_assert_mem_eq(part, frame, sizeof(part));
    ck_assert_uint_eq(vio_net_rx_posted(a.drv), 10);
    for (unsigned i = 0; i < pkt.nseg; i++)
        nett_buf_put(&a, pkt.seg[i].buf);
    ck_assert_uint_eq(vsim_net_stats(a.sim)->rx_buffers, 6);
    down_and_release(&a, 10);
}
END_TEST

START_TEST(mrg_rxbuf_batch_keeps_every_packet_segments)
{
    nett_up(&a, m, 0, 2, NULL, NULL);
    vsim_net_set_loopback(a.sim, true);
    nett_post(&a, 32, 128);
    uint8_t frame[3][600];
    for (unsigned i = 0; i < 3; i++) {
        nett_frame(frame[i], 600, i);
        ck_assert_int_ge(nett_send(&a, frame[i], 600), 0);
    }
    ck_assert_int_eq(nett_reap(&a, 3), 3);
    struct vio_net_rx_pkt pkts[4];
    ck_assert_int_eq(vio_net_rx_recv(a.drv, pkts, 4), 3);
    for (unsigned i = 0; i < 3; i++) {
        uint8_t got[600];
        ck_assert_uint_eq(pkts[i].nseg, 5);
        ck_assert_uint_eq(vio_net_rx_copy(&pkts[i], got, sizeof(got)), 600);
        ck_assert_mem_eq(got, frame[i], 600);
        for (unsigned s = 0; s < pkts[i].nseg; s++)
            nett_buf_put(&a, pkts[i].seg[s].buf);
    }
    down_and_release(&a, 17);
}
END_TEST

START_TEST(tx_sg_sends_a_frame_in_pieces)
{
    for (int indirect = 0; indirect < 2; indirect++) {
        struct vio_net_opts o = {.features_off = indirect ? 0 : VIO_F_INDIRECT_DESC};
        nett_up(&a, m, 0, 2, NULL, &o);
        vsim_net_set_loopback(a.sim, true);
        nett_post(&a, 2, NETT_BUF_LEN);
        uint8_t frame[900], got[900];
        nett_frame(frame, sizeof(frame), 5);
        uint8_t *p = nett_buf(&a);
        memcpy(p, frame, sizeof(frame));
        struct vio_sg frags[3] = {{p, 14}, {p + 14, 20}, {p + 34, 866}};
        ck_assert_int_eq(vio_net_tx_sg(a.drv, frags, 0, p), VIO_ERR_INVALID_PARAM);
        ck_assert_int_eq(vio_net_tx_sg(a.drv, frags, VIO_NET_TX_FRAGS_MAX + 1, p),
                         VIO_ERR_INVALID_PARAM);
        ck_assert_int_ge(vio_net_tx_sg(a.drv, frags, 3, p), 0);
        vio_net_tx_kick(a.drv);
        ck_assert_int_eq(nett_reap(&a, 1), 1);
        uint32_t n;
        ck_assert_int_eq(nett_recv(&a, got, sizeof(got), &n, true), 1);
        ck_assert_uint_eq(n, sizeof(frame));
        ck_assert_mem_eq(got, frame, sizeof(frame));
        down_and_release(&a, 2);
        vsim_machine_free(m);
        m = nett_machine(false);
    }
}
END_TEST

START_TEST(tx_rejects_a_buffer_without_a_frame)
{
    nett_up(&a, m, 0, 2, NULL, NULL);
    uint8_t *p = nett_buf(&a);
    ck_assert_int_eq(vio_net_tx(a.drv, p, 12, p), VIO_ERR_INVALID_PARAM);
    ck_assert_int_eq(vio_net_tx(a.drv, NULL, 100, p), VIO_ERR_INVALID_PARAM);
    ck_assert_int_eq(vio_net_rx_post(a.drv, NULL, 2048, p), VIO_ERR_INVALID_PARAM);
    ck_assert_uint_eq(vio_net_tx_inflight(a.drv), 0);
    nett_buf_put(&a, p);
    down_and_release(&a, 0);
}
END_TEST

START_TEST(full_queues_refuse_and_keep_the_buffer_the_callers)
{
    struct vio_net_opts o = {.rx_size = 8, .tx_size = 8};
    nett_up(&a, m, 0, 2, NULL, &o);
    nett_post(&a, 8, NETT_BUF_LEN);
    uint8_t *extra = nett_buf(&a);
    ck_assert_int_eq(vio_net_rx_post(a.drv, extra, NETT_BUF_LEN, extra), VIO_ERR_QUEUE_FULL);
    uint8_t frame[60];
    nett_frame(frame, sizeof(frame), 0);
    /* no peer: frames are lost on the wire, but the transmit queue fills if never reaped */
    for (unsigned i = 0; i < 8; i++)
        ck_assert_int_ge(nett_send(&a, frame, sizeof(frame)), 0);
    ck_assert_uint_eq(vio_net_tx_room(a.drv), 0);
    ck_assert_int_eq(nett_send(&a, frame, sizeof(frame)), VIO_ERR_QUEUE_FULL);
    ck_assert_int_eq(nett_reap(&a, 8), 8);
    ck_assert_uint_eq(vio_net_tx_room(a.drv), 8);
    nett_buf_put(&a, extra);
    down_and_release(&a, 8);
}
END_TEST

/* ---- link status ---- */

START_TEST(link_changes_are_seen_through_status_and_config_interrupts)
{
    nett_up(&a, m, 0, 2, NULL, NULL);
    vsim_net_set_loopback(a.sim, true);
    nett_post(&a, 4, NETT_BUF_LEN);
    bool up = false;
    ck_assert_int_eq(vio_net_link_up(a.drv, &up), 0);
    ck_assert(up);
    vio_net_ack_interrupt(a.drv);
    vsim_net_set_link(a.sim, false);
    ck_assert_uint_eq(vio_net_ack_interrupt(a.drv) & 2u, 2u);
    ck_assert_int_eq(vio_net_link_up(a.drv, &up), 0);
    ck_assert(!up);
    /* frames sent while the link is down complete but arrive nowhere */
    uint8_t frame[80], got[80];
    uint32_t n;
    nett_frame(frame, sizeof(frame), 1);
    ck_assert_int_ge(nett_send(&a, frame, sizeof(frame)), 0);
    ck_assert_int_eq(nett_reap(&a, 1), 1);
    ck_assert_int_eq(nett_recv(&a, got, sizeof(got), &n, true), 0);
    ck_assert_uint_eq(vsim_net_stats(a.sim)->tx_lost, 1);
    vsim_net_set_link(a.sim, true);
    ck_assert(vsim_net_link_is_up(a.sim));
    ck_assert_int_eq(vio_net_link_up(a.drv, &up), 0);
    ck_assert(up);
    roundtrip(&a, &a, 2, 80, 2);
    down_and_release(&a, 4);
}
END_TEST

/* ---- backlog and load ---- */

START_TEST(frames_wait_in_the_backlog_until_buffers_come)
{
    nett_up(&a, m, 0, 2, &(struct vsim_net_opts){.backlog = 8}, NULL);
    vsim_net_set_loopback(a.sim, true);
    nett_post(&a, 2, NETT_BUF_LEN);
    uint8_t frame[NETT_BUF_LEN], got[NETT_BUF_LEN];
    uint32_t n;
    for (unsigned i = 0; i < 12; i++) {
        nett_frame(frame, 300, i);
        ck_assert_int_ge(nett_send(&a, frame, 300), 0);
    }
    ck_assert_int_eq(nett_reap(&a, 12), 12);
    /* two fit, eight wait, two are lost to the full backlog */
    ck_assert_uint_eq(vsim_net_backlog(a.sim), 8);
    ck_assert_uint_eq(vsim_net_stats(a.sim)->rx_lost, 2);
    for (unsigned i = 0; i < 10; i++) {
        /* each repost (with event-idx) notifies the device, which moves the next one in */
        ck_assert_int_eq(nett_recv(&a, got, sizeof(got), &n, true), 1);
        nett_frame(frame, 300, i);
        ck_assert_mem_eq(got, frame, 300);
    }
    ck_assert_uint_eq(vsim_net_backlog(a.sim), 0);
    ck_assert_int_eq(nett_recv(&a, got, sizeof(got), &n, true), 0);
    down_and_release(&a, 2);
}
END_TEST

START_TEST(mrg_packet_waits_for_enough_buffers)
{
    nett_up(&a, m, 0, 2, NULL, NULL);
    vsim_net_set_loopback(a.sim, true);
    nett_post(&a, 2, 256);
    uint8_t frame[1000], got[1000];
    uint32_t n;
    nett_frame(frame, sizeof(frame), 4);
    ck_assert_int_ge(nett_send(&a, frame, sizeof(frame)), 0);
    ck_assert_int_eq(nett_reap(&a, 1), 1);
    /* 1012 bytes do not fit in 512: the device gives both buffers back and waits */
    ck_assert_uint_eq(vsim_net_backlog(a.sim), 1);
    ck_assert_int_eq(nett_recv(&a, got, sizeof(got), &n, true), 0);
    ck_assert_uint_eq(vio_net_rx_posted(a.drv), 2);
    /* adding buffers notifies the starved device (event-idx) and the packet moves */
    nett_post(&a, 1, 256);
    ck_assert_uint_eq(vsim_net_backlog(a.sim), 1);
    nett_post(&a, 1, 256);
    ck_assert_uint_eq(vsim_net_backlog(a.sim), 0);
    ck_assert_int_eq(nett_recv(&a, got, sizeof(got), &n, false), 1);
    ck_assert_uint_eq(n, sizeof(frame));
    ck_assert_mem_eq(got, frame, sizeof(frame));
    down_and_release(&a, 0);
}
END_TEST

/* Thousands of frames of changing sizes through queues of 64: every one arrives, nothing leaks. */
static void recycle_under_load(unsigned version, bool mrg, bool deferred)
{
    if (deferred) {
        nett_machine_free(m);
        m = nett_machine(true);
    }
    struct vsim_net_opts so = {.features_off = mrg ? 0 : VSIM_BIT(VSIM_NET_F_MRG_RXBUF)};
    struct vio_net_opts o = {.rx_size = 64, .tx_size = 64};
    nett_up(&a, m, 0, version, &so, &o);
    vsim_net_set_loopback(a.sim, true);
    uint32_t buf_len = mrg ? 512 : vio_net_rx_min_len(a.drv);
    nett_post(&a, 64, buf_len);
    uint8_t frame[1514], got[1514];
    unsigned sent = 0, received = 0, total = 5000;
    uint32_t lens[64];
    for (unsigned idle = 0; received < total; idle++) {
        ck_assert_msg(idle < 1000, "no progress: %u sent, %u received", sent, received);
        while (sent < total && sent - received < 48 && vio_net_tx_room(a.drv) > 0) {
            uint32_t len = 14 + (sent * 97u) % 1501u;
            lens[sent % 64] = len;
            nett_frame(frame, len, sent);
            ck_assert_int_ge(nett_send(&a, frame, len), 0);
            sent++;
        }
        if (deferred)
            vsim_machine_step(m);
        ck_assert_int_ge(nett_reap(&a, 64), 0);
        uint32_t n;
        int rc;
        while ((rc = nett_recv(&a, got, sizeof(got), &n, true)) == 1) {
            ck_assert_uint_eq(n, lens[received % 64]);
            nett_frame(frame, n, received);
            ck_assert_mem_eq(got, frame, n);
            received++;
            idle = 0;
        }
        ck_assert_int_eq(rc, 0);
    }
    ck_assert_int_eq(nett_reap(&a, 64), 0);
    ck_assert_uint_eq(vsim_net_stats(a.sim)->rx_lost, 0);
    ck_assert_uint_eq(vio_net_rx_posted(a.drv), 64);
    ck_assert_uint_eq(nett_bufs_out(&a), 64);
    down_and_release(&a, 64);
}

START_TEST(recycling_under_load_modern_mrg)
{
    recycle_under_load(2, true, false);
}
END_TEST

START_TEST(recycling_under_load_modern_single_buffers)
{
    recycle_under_load(2, false, false);
}
END_TEST

START_TEST(recycling_under_load_legacy_mrg_deferred)
{
    recycle_under_load(1, true, true);
}
END_TEST

START_TEST(recycling_under_load_legacy_10_byte_header)
{
    recycle_under_load(1, false, false);
}
END_TEST

Suite *vio_test_suite(void)
{
    Suite *s = suite_create("net");
    TCase *tc = tcase_create("init");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, init_negotiates_features_and_reads_mac);
    tcase_add_test(tc, init_without_mac_and_status_assumes_link_up);
    tcase_add_test(tc, init_features_off_are_not_negotiated);
    tcase_add_test(tc, init_queue_sizes_follow_the_caller);
    tcase_add_test(tc, init_refuses_a_block_device);
    suite_add_tcase(s, tc);

    tc = tcase_create("wire");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, loopback_delivers_frames_in_order);
    tcase_add_test(tc, loopback_through_bounce_buffers);
    tcase_add_test(tc, pair_on_one_machine_exchanges_frames);
    tcase_add_test(tc, pair_across_two_machines);
    tcase_add_test(tc, the_device_works_the_same_over_pci);
    tcase_add_test(tc, deferred_machine_serves_on_relax);
    tcase_add_test(tc, link_changes_are_seen_through_status_and_config_interrupts);
    suite_add_tcase(s, tc);

    tc = tcase_create("framing");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, legacy_without_mrg_rxbuf_uses_the_10_byte_header);
    tcase_add_test(tc, legacy_with_mrg_rxbuf_uses_the_12_byte_header);
    tcase_add_test(tc, legacy_with_any_layout_keeps_one_descriptor);
    tcase_add_test(tc, modern_never_negotiates_any_layout);
    tcase_add_test(tc, modern_without_mrg_rxbuf_keeps_num_buffers_one);
    tcase_add_test(tc, mrg_rxbuf_spreads_a_frame_over_small_buffers);
    tcase_add_test(tc, mrg_rxbuf_batch_keeps_every_packet_segments);
    tcase_add_test(tc, tx_sg_sends_a_frame_in_pieces);
    tcase_add_test(tc, tx_rejects_a_buffer_without_a_frame);
    tcase_add_test(tc, full_queues_refuse_and_keep_the_buffer_the_callers);
    suite_add_tcase(s, tc);

    tc = tcase_create("load");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, frames_wait_in_the_backlog_until_buffers_come);
    tcase_add_test(tc, mrg_packet_waits_for_enough_buffers);
    tcase_add_test(tc, recycling_under_load_modern_mrg);
    tcase_add_test(tc, recycling_under_load_modern_single_buffers);
    tcase_add_test(tc, recycling_under_load_legacy_mrg_deferred);
    tcase_add_test(tc, recycling_under_load_legacy_10_byte_header);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}
