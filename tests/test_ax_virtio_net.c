/*
 * The virtio network device behind the generic NIC interface, against the
 * bench: frames round the loopback, buffer ownership kept exact through every
 * error (no buffer lost, none released while the device holds it), and
 * nothing leaked at the end.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "bench_machine.h"
#include "axdriver/net.h"
#include "axdriver_virtio.h"
#include "vsim/machine.h"
#include "vsim/net.h"

#define SLOT 5u
#define QS 16u

static struct vsim_machine *m;
static const struct vio_hal *hal;
static struct vsim_net *nic;
static struct vio_mmio mm;
static struct ax_virtio_net_dev d;
static struct ax_net_dev *dev;

static void start(unsigned mmio_version, const struct vsim_net_opts *opts, bool deferred)
{
    m = bench_machine_new(&(struct vsim_machine_opts){.spin_limit = 2000, .deferred = deferred});
    hal = vsim_machine_hal(m);
    struct vsim_net_opts o = opts ? *opts : (struct vsim_net_opts){0};
    if (o.queue_max == 0)
        o.queue_max = QS;
    nic = vsim_net_attach(m, SLOT, mmio_version, &o);
    ck_assert_ptr_nonnull(nic);
    vsim_net_set_loopback(nic, true);
    dev = &d.dev;
}

static int probe_and_init(void)
{
    enum ax_device_type type;
    ck_assert(ax_virtio_probe_mmio(&mm, hal, VSIM_MMIO_SLOT_BASE(SLOT), VSIM_MMIO_STRIDE, &type));
    ck_assert_int_eq(type, AX_DEVICE_NET);
    return ax_virtio_net_init(&d, &mm.t, 0);
}

static void finish(void)
{
    ck_assert_int_eq(ax_virtio_net_deinit(&d), 0);
    ck_assert_uint_eq(vsim_machine_dma_pages_in_use(m), 0);
    ck_assert_uint_eq(vsim_machine_shares_in_use(m), 0);
    bench_assert_conformant(m);
    vsim_machine_free(m);
}

static void fault(const char *rule)
{
    char err[VSIM_FAULT_ERR_MAX];
    ck_assert_msg(vsim_fault_parse(vsim_machine_faults(m), rule, err) == 0, "%s: %s", rule, err);
}

/* A frame of @len bytes numbered @seq: broadcast destination, then a pattern. */
static void make_frame(uint8_t *p, size_t len, unsigned seq)
{
    for (size_t i = 0; i < len; i++)
        p[i] = i < 6 ? 0xff : (uint8_t)(i * 5u + seq);
}

/* Allocates, fills and transmits one frame; returns the transmit result. */
static int send_frame(size_t len, unsigned seq)
{
    struct ax_net_buf_ptr tx;
    ck_assert_int_eq(ax_net_alloc_tx_buffer(dev, len, &tx), 0);
    ck_assert_uint_eq(tx.len, len);
    make_frame(tx.packet, len, seq);
    return ax_net_transmit(dev, tx);
}

/* Receives one frame and checks it is frame @seq of @len bytes, then recycles it. */
static void expect_frame(size_t len, unsigned seq)
{
    uint8_t want[1514];
    struct ax_net_buf_ptr rx;
    ck_assert(ax_net_can_receive(dev));
    ck_assert_int_eq(ax_net_receive(dev, &rx), 0);
    ck_assert_uint_eq(rx.len, len);
    make_frame(want, len, seq);
    ck_assert_mem_eq(rx.packet, want, len);
    ck_assert_int_eq(ax_net_recycle_rx_buffer(dev, rx), 0);
}

START_TEST(init_posts_every_receive_buffer_and_names_the_device)
{
    start(2, NULL, false);
    ck_assert_int_eq(probe_and_init(), 0);
    ck_assert_str_eq(ax_net_device_name(dev), "virtio-net");
    ck_assert_ptr_eq(ax_net_from_base(&dev->base), dev);
    uint8_t mac[6];
    vsim_net_mac(nic, mac);
    struct ax_ethernet_address a = ax_net_mac_address(dev);
    ck_assert_mem_eq(a.addr, mac, 6);
    ck_assert_uint_eq(ax_net_rx_queue_size(dev), QS);
    ck_assert_uint_eq(ax_net_tx_queue_size(dev), QS);
    ck_assert_uint_eq(ax_net_buf_pool_capacity(&d.pool), 2 * QS);
    ck_assert_uint_eq(vio_net_rx_posted(&d.net), QS);
    ck_assert(ax_net_can_transmit(dev));
    ck_assert(!ax_net_can_receive(dev));
    struct ax_net_buf_ptr rx;
    ck_assert_int_eq(ax_net_receive(dev, &rx), AX_ERR_AGAIN);
    finish();
}
END_TEST

START_TEST(frames_go_round_the_loopback_many_times_over)
{
    start(2, NULL, false);
    ck_assert_int_eq(probe_and_init(), 0);
    for (unsigned seq = 0; seq < 5 * QS; seq++) {
        size_t len = 60 + (seq * 97u) % (1514 - 60);
        ck_assert_int_eq(send_frame(len, seq), 0);
        ck_assert_int_eq(ax_net_recycle_tx_buffers(dev), 0);
        expect_frame(len, seq);
    }
    ck_assert_uint_eq(d.n_tx_free, QS);
    ck_assert_uint_eq(vio_net_rx_posted(&d.net), QS);
    ck_assert_uint_eq(vsim_net_stats(nic)->rx_frames, 5 * QS);
    finish();
}
END_TEST

START_TEST(legacy_framing_works_too)
{
    /* without ANY_LAYOUT or indirect tables a legacy header takes a descriptor of its own */
    struct vsim_net_opts o = {.features_off = 1ull << 28};
    start(1, &o, false);
    ck_assert_int_eq(probe_and_init(), 0);
    /* so the ring holds half the receive buffers; the rest wait as spares */
    ck_assert_uint_eq(vio_net_rx_posted(&d.net), QS / 2);
    ck_assert_uint_eq(d.pool.num_free, QS / 2);
    for (unsigned seq = 0; seq < 3; seq++) {
        ck_assert_int_eq(send_frame(1514, seq), 0);
        ck_assert_int_eq(ax_net_recycle_tx_buffers(dev), 0);
        expect_frame(1514, seq);
    }
    finish();
}
END_TEST

START_TEST(a_size_that_does_not_fit_costs_no_buffer)
{
    start(2, NULL, false);
    ck_assert_int_eq(probe_and_init(), 0);
    struct ax_net_buf_ptr tx[QS + 1];
    ck_assert_int_eq(ax_net_alloc_tx_buffer(dev, 1515, &tx[0]), AX_ERR_INVALID_PARAM);
    ck_assert_int_eq(ax_net_alloc_tx_buffer(dev, 0, &tx[0]), AX_ERR_INVALID_PARAM);
    ck_assert_int_eq(ax_net_alloc_tx_buffer(dev, SIZE_MAX, &tx[0]), AX_ERR_INVALID_PARAM);
    for (unsigned i = 0; i < QS; i++)
        ck_assert_int_eq(ax_net_alloc_tx_buffer(dev, 1514, &tx[i]), 0);
    ck_assert_int_eq(ax_net_alloc_tx_buffer(dev, 60, &tx[QS]), AX_ERR_NO_MEMORY);
    ck_assert(!ax_net_can_transmit(dev));
    for (unsigned i = 0; i < QS; i++) {
        make_frame(tx[i].packet, tx[i].len, i);
        ck_assert_int_eq(ax_net_transmit(dev, tx[i]), 0);
    }
    ck_assert_int_eq(ax_net_recycle_tx_buffers(dev), 0);
    ck_assert_uint_eq(d.n_tx_free, QS);
    for (unsigned i = 0; i < QS; i++)
        expect_frame(1514, i);
    finish();
}
END_TEST

START_TEST(foreign_and_misplaced_buffers_are_refused_and_left_alone)
{
    start(2, NULL, false);
    ck_assert_int_eq(probe_and_init(), 0);
    struct ax_net_buf_ptr tx, rx, bogus = {&d, NULL, 0};
    ck_assert_int_eq(ax_net_transmit(dev, bogus), AX_ERR_INVALID_PARAM);
    ck_assert_int_eq(ax_net_recycle_rx_buffer(dev, bogus), AX_ERR_INVALID_PARAM);

    ck_assert_int_eq(ax_net_alloc_tx_buffer(dev, 100, &tx), 0);
    /* a transmit buffer is not a receive buffer */
    ck_assert_int_eq(ax_net_recycle_rx_buffer(dev, tx), AX_ERR_INVALID_PARAM);
    make_frame(tx.packet, tx.len, 1);
    ck_assert_int_eq(ax_net_transmit(dev, tx), 0);
    /* sent once; the same handle again is not a buffer the OS holds */
    ck_assert_int_eq(ax_net_transmit(dev, tx), AX_ERR_INVALID_PARAM);
    ck_assert_int_eq(ax_net_recycle_tx_buffers(dev), 0);

    ck_assert_int_eq(ax_net_receive(dev, &rx), 0);
    ck_assert_int_eq(ax_net_transmit(dev, rx), AX_ERR_INVALID_PARAM);
    ck_assert_int_eq(ax_net_recycle_rx_buffer(dev, rx), 0);
    ck_assert_int_eq(ax_net_recycle_rx_buffer(dev, rx), AX_ERR_INVALID_PARAM);
    /* a receive buffer the device holds is not the OS's to give back */
    struct ax_net_buf_ptr posted = {&d.bufs[QS], NULL, 0};
    ck_assert_int_eq(ax_net_recycle_rx_buffer(dev, posted), AX_ERR_INVALID_PARAM);
    ck_assert_uint_eq(d.n_tx_free, QS);
    ck_assert_uint_eq(vio_net_rx_posted(&d.net), QS);
    finish();
}
END_TEST

START_TEST(a_full_transmit_ring_is_bad_state_and_keeps_the_buffer)
{
    /* legacy without ANY_LAYOUT or indirect tables: two descriptors a frame */
    struct vsim_net_opts o = {.features_off = 1ull << 28};
    start(1, &o, true);
    ck_assert_int_eq(probe_and_init(), 0);
    for (unsigned i = 0; i < QS / 2; i++)
        ck_assert_int_eq(send_frame(60, i), 0);
    ck_assert(!ax_net_can_transmit(dev));
    ck_assert_uint_eq(d.n_tx_free, QS / 2);
    /* an OS that ignores can_transmit gets the mapped QueueFull */
    ck_assert_int_eq(send_frame(60, 99), AX_ERR_BAD_STATE);
    ck_assert_uint_eq(d.n_tx_free, QS / 2);

    while (vsim_machine_step(m) > 0)
        ;
    ck_assert_int_eq(ax_net_recycle_tx_buffers(dev), 0);
    ck_assert_uint_eq(d.n_tx_free, QS);
    ck_assert(ax_net_can_transmit(dev));
    for (unsigned i = 0; i < QS / 2; i++)
        expect_frame(60, i);
    finish();
}
END_TEST

START_TEST(a_failed_share_on_transmit_keeps_the_buffer)
{
    start(2, NULL, false);
    ck_assert_int_eq(probe_and_init(), 0);
    fault("hal:share@1");
    ck_assert_int_eq(send_frame(80, 1), AX_ERR_NO_MEMORY);
    ck_assert_uint_eq(d.n_tx_free, QS);
    ck_assert_int_eq(send_frame(80, 2), 0);
    ck_assert_int_eq(ax_net_recycle_tx_buffers(dev), 0);
    expect_frame(80, 2);
    finish();
}
END_TEST

START_TEST(a_failed_repost_is_not_lost_and_comes_back_on_the_next_receive)
{
    start(2, NULL, false);
    ck_assert_int_eq(probe_and_init(), 0);
    ck_assert_int_eq(send_frame(64, 7), 0);
    ck_assert_int_eq(ax_net_recycle_tx_buffers(dev), 0);
    struct ax_net_buf_ptr rx;
    ck_assert_int_eq(ax_net_receive(dev, &rx), 0);
    fault("hal:share@1");
    ck_assert_int_eq(ax_net_recycle_rx_buffer(dev, rx), AX_ERR_NO_MEMORY);
    ck_assert_uint_eq(vio_net_rx_posted(&d.net), QS - 1);
    ck_assert_uint_eq(ax_net_buf_pool_in_use(&d.pool), 2 * QS - 1);
    /* the handle is spent: the buffer is the driver's again */
    ck_assert_int_eq(ax_net_recycle_rx_buffer(dev, rx), AX_ERR_INVALID_PARAM);
    ck_assert_int_eq(ax_net_receive(dev, &rx), AX_ERR_AGAIN);
    ck_assert_uint_eq(vio_net_rx_posted(&d.net), QS);
    finish();
}
END_TEST

/* After a device error: every buffer still owned, deinit takes them all back. */
static void check_error_then_recover(const char *rule, int want)
{
    ck_assert_int_eq(probe_and_init(), 0);
    fault(rule);
    ck_assert_int_eq(send_frame(200, 3), 0);
    int rc = ax_net_recycle_tx_buffers(dev);
    struct ax_net_buf_ptr rx;
    if (rc == 0)
        rc = ax_net_receive(dev, &rx);
    ck_assert_msg(rc == want, "%s: got %s", rule, ax_dev_err_name(rc));
    /*
     * The OS holds nothing: each transmit buffer is free or still the
     * device's, each receive buffer posted or a spare. A buffer released
     * while the device holds it would be counted twice.
     */
    ck_assert_uint_eq(d.n_tx_free + vio_net_tx_inflight(&d.net), QS);
    ck_assert_uint_eq(vio_net_rx_posted(&d.net) + d.pool.num_free, QS);
    ck_assert_int_eq(ax_virtio_net_deinit(&d), 0);
    ck_assert_uint_eq(vsim_machine_dma_pages_in_use(m), 0);
    ck_assert_uint_eq(vsim_machine_shares_in_use(m), 0);

    vsim_fault_clear(vsim_machine_faults(m));
    ck_assert_int_eq(probe_and_init(), 0);
    ck_assert_int_eq(send_frame(300, 4), 0);
    ck_assert_int_eq(ax_net_recycle_tx_buffers(dev), 0);
    expect_frame(300, 4);
}

START_TEST(a_bad_receive_length_is_io_and_nothing_is_lost)
{
    start(2, NULL, false);
    check_error_then_recover("net:rx_len_long@1", AX_ERR_IO);
    finish();
}
END_TEST

START_TEST(a_used_id_out_of_range_is_bad_state_and_nothing_is_lost)
{
    start(2, NULL, false);
    check_error_then_recover("net:used_id_range@1", AX_ERR_BAD_STATE);
    finish();
}
END_TEST

START_TEST(deinit_waits_for_the_buffers_the_os_holds)
{
    start(2, NULL, false);
    ck_assert_int_eq(probe_and_init(), 0);
    ck_assert_int_eq(send_frame(90, 1), 0);
    ck_assert_int_eq(ax_net_recycle_tx_buffers(dev), 0);
    struct ax_net_buf_ptr rx, tx;
    ck_assert_int_eq(ax_net_receive(dev, &rx), 0);
    ck_assert_int_eq(ax_net_alloc_tx_buffer(dev, 90, &tx), 0);

    ck_assert_int_eq(ax_virtio_net_deinit(&d), AX_ERR_RESOURCE_BUSY);
    ck_assert_uint_eq(ax_net_buf_pool_in_use(&d.pool), 2);
    ck_assert_uint_gt(vsim_machine_dma_pages_in_use(m), 0);
    ck_assert_uint_eq(vsim_machine_shares_in_use(m), 0);
    /* the device is stopped: calls that need it say so, buffers still come home */
    ck_assert(!ax_net_can_transmit(dev));
    ck_assert_int_eq(ax_net_receive(dev, &rx), AX_ERR_BAD_STATE);
    ck_assert_int_eq(ax_net_recycle_rx_buffer(dev, rx), 0);
    ck_assert_int_eq(ax_virtio_net_deinit(&d), AX_ERR_RESOURCE_BUSY);
    ck_assert_int_eq(ax_net_transmit(dev, tx), AX_ERR_BAD_STATE);
    finish();
}
END_TEST

START_TEST(an_allocation_failure_at_any_step_of_init_is_no_memory_and_leaks_nothing)
{
    start(2, NULL, false);
    unsigned nth;
    for (nth = 1; nth < 32; nth++) {
        char rule[32];
        snprintf(rule, sizeof rule, "hal:dma_alloc@%u", nth);
        vsim_fault_clear(vsim_machine_faults(m));
        fault(rule);
        int rc = probe_and_init();
        if (rc == 0)
            break;
        ck_assert_msg(rc == AX_ERR_NO_MEMORY, "allocation %u: %s", nth, ax_dev_err_name(rc));
        ck_assert_uint_eq(vsim_machine_dma_pages_in_use(m), 0);
        ck_assert_uint_eq(vsim_machine_shares_in_use(m), 0);
    }
    ck_assert_uint_gt(nth, 2); /* the queues and the pool were each refused once */
    finish();
}
END_TEST

Suite *vio_test_suite(void)
{
    Suite *s = suite_create("ax_virtio_net");
    TCase *tc = tcase_create("net");
    tcase_add_test(tc, init_posts_every_receive_buffer_and_names_the_device);
    tcase_add_test(tc, frames_go_round_the_loopback_many_times_over);
    tcase_add_test(tc, legacy_framing_works_too);
    tcase_add_test(tc, a_size_that_does_not_fit_costs_no_buffer);
    tcase_add_test(tc, foreign_and_misplaced_buffers_are_refused_and_left_alone);
    tcase_add_test(tc, a_full_transmit_ring_is_bad_state_and_keeps_the_buffer);
    tcase_add_test(tc, a_failed_share_on_transmit_keeps_the_buffer);
    tcase_add_test(tc, a_failed_repost_is_not_lost_and_comes_back_on_the_next_receive);
    tcase_add_test(tc, a_bad_receive_length_is_io_and_nothing_is_lost);
    tcase_add_test(tc, a_used_id_out_of_range_is_bad_state_and_nothing_is_lost);
    tcase_add_test(tc, deinit_waits_for_the_buffers_the_os_holds);
    tcase_add_test(tc, an_allocation_failure_at_any_step_of_init_is_no_memory_and_leaks_nothing);
    suite_add_tcase(s, tc);
    return s;
}
