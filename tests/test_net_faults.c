/*
 * Every net fault point, the generic used-ring and HAL points on the net
 * device, and the driver's answer to each: frames lost or altered on the
 * wire arrive as the device left them; device values that break the rules
 * are errors (never reads out of bounds), the error latches, and every buffer
 * the driver was given comes back through the reclaim calls.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "test_net_env.h"
#include "vio/err.h"
#include "vsim/fault.h"
#include "vsim/spec.h"

#define POSTED 8u

static struct vsim_machine *m;
static struct nett a;
static bool up;

static void setup(void)
{
    m = nett_machine(false);
    up = false;
}

static void teardown(void)
{
    if (up)
        nett_release(&a);
    nett_machine_free(m);
}

/* The device at slot 0 in loopback with POSTED receive buffers of @buf_len. */
static void bring_up(unsigned version, const struct vsim_net_opts *so, uint32_t buf_len)
{
    nett_up(&a, m, 0, version, so, NULL);
    up = true;
    vsim_net_set_loopback(a.sim, true);
    nett_post(&a, POSTED, buf_len);
}

static void fault(const char *rule)
{
    char err[VSIM_FAULT_ERR_MAX];
    ck_assert_msg(vsim_fault_parse(vsim_machine_faults(m), rule, err) == 0, "%s", err);
}

static void send_frames(unsigned count, uint32_t len)
{
    uint8_t frame[NETT_BUF_LEN];
    for (unsigned i = 0; i < count; i++) {
        nett_frame(frame, len, i);
        ck_assert_int_ge(nett_send(&a, frame, len), 0);
    }
}

/* Receives the next frame and checks it is frame @seq of @len bytes. */
static void expect_frame(uint32_t seq, uint32_t len)
{
    uint8_t frame[NETT_BUF_LEN], got[NETT_BUF_LEN];
    uint32_t n = 0;
    ck_assert_int_eq(nett_recv(&a, got, sizeof(got), &n, true), 1);
    nett_frame(frame, len, seq);
    ck_assert_uint_eq(n, len);
    ck_assert_mem_eq(got, frame, len);
}

static void expect_nothing(void)
{
    uint8_t got[NETT_BUF_LEN];
    uint32_t n;
    ck_assert_int_eq(nett_recv(&a, got, sizeof(got), &n, true), 0);
}

/* Asserts @err is latched everywhere, then takes everything back: @rx and @tx buffers. */
static void expect_latched(int err, unsigned rx, unsigned tx)
{
    uint8_t *b = nett_buf(&a);
    bool link;
    struct vio_net_rx_pkt pkt;
    void *cookie;
    ck_assert_int_eq(vio_net_rx_recv(a.drv, &pkt, 1), err);
    ck_assert_int_eq(vio_net_rx_post(a.drv, b, NETT_BUF_LEN, b), err);
    ck_assert_int_eq(vio_net_tx(a.drv, b, 100, b), err);
    ck_assert_int_eq(vio_net_tx_complete(a.drv, &cookie, 1), err);
    ck_assert_int_eq(vio_net_link_up(a.drv, &link), err);
    ck_assert_uint_eq(vio_net_tx_room(a.drv), 0);
    nett_buf_put(&a, b);
    unsigned got_rx, got_tx;
    nett_down(&a, &got_rx, &got_tx);
    ck_assert_uint_eq(got_rx, rx);
    ck_assert_uint_eq(got_tx, tx);
}

static void down_clean(unsigned tx)
{
    unsigned rx, got_tx;
    nett_down(&a, &rx, &got_tx);
    ck_assert_uint_eq(rx, POSTED);
    ck_assert_uint_eq(got_tx, tx);
}

/* ---- the wire ---- */

START_TEST(drop_loses_exactly_one_frame)
{
    bring_up(2, NULL, NETT_BUF_LEN);
    fault("net:drop@2");
    send_frames(3, 200);
    ck_assert_int_eq(nett_reap(&a, 3), 3);
    expect_frame(0, 200);
    expect_frame(2, 200);
    expect_nothing();
    ck_assert_uint_eq(vsim_net_stats(a.sim)->rx_lost, 1);
    down_clean(0);
}
END_TEST

START_TEST(corrupt_flips_one_byte_of_the_received_copy)
{
    bring_up(2, NULL, NETT_BUF_LEN);
    fault("net:corrupt=20@1");
    fault("net:corrupt=1000@2");
    send_frames(2, 100);
    ck_assert_int_eq(nett_reap(&a, 2), 2);
    uint8_t frame[100], got[100];
    uint32_t n;
    for (uint32_t i = 0; i < 2; i++) {
        ck_assert_int_eq(nett_recv(&a, got, sizeof(got), &n, true), 1);
        ck_assert_uint_eq(n, 100);
        nett_frame(frame, 100, i);
        unsigned at = i == 0 ? 20 : 1000 % 100;
        frame[at] ^= 0xffu;
        ck_assert_mem_eq(got, frame, 100);
    }
    down_clean(0);
}
END_TEST

START_TEST(truncate_cuts_the_received_frame)
{
    bring_up(2, NULL, NETT_BUF_LEN);
    fault("net:truncate=30@1");
    fault("net:truncate@2");
    fault("net:truncate=5000@3");
    send_frames(3, 300);
    ck_assert_int_eq(nett_reap(&a, 3), 3);
    uint8_t frame[300], got[300];
    uint32_t n;
    static const uint32_t want[3] = {30, 14, 300};
    for (uint32_t i = 0; i < 3; i++) {
        ck_assert_int_eq(nett_recv(&a, got, sizeof(got), &n, true), 1);
        ck_assert_uint_eq(n, want[i]);
        nett_frame(frame, 300, i);
        ck_assert_mem_eq(got, frame, n);
    }
    down_clean(0);
}
END_TEST

START_TEST(link_down_fault_changes_status_and_loses_frames)
{
    bring_up(2, NULL, NETT_BUF_LEN);
    fault("net:link_down@2");
    vio_net_ack_interrupt(a.drv);
    send_frames(3, 64);
    ck_assert_int_eq(nett_reap(&a, 3), 3);
    expect_frame(0, 64);
    expect_nothing();
    ck_assert_uint_eq(vio_net_ack_interrupt(a.drv) & 2u, 2u);
    bool link = true;
    ck_assert_int_eq(vio_net_link_up(a.drv, &link), 0);
    ck_assert(!link);
    ck_assert_uint_eq(vsim_net_stats(a.sim)->tx_lost, 2);
    vsim_net_set_link(a.sim, true);
    send_frames(1, 64);
    ck_assert_int_eq(nett_reap(&a, 1), 1);
    expect_frame(0, 64);
    down_clean(0);
}
END_TEST

START_TEST(tx_hang_keeps_one_buffer_until_reclaim)
{
    bring_up(2, NULL, NETT_BUF_LEN);
    fault("net:tx_hang@2");
    send_frames(3, 64);
    ck_assert_int_eq(nett_reap(&a, 3), 2);
    ck_assert_int_eq(nett_reap(&a, 3), 0);
    ck_assert_uint_eq(vio_net_tx_inflight(a.drv), 1);
    /* the frame itself went out */
    for (uint32_t i = 0; i < 3; i++)
        expect_frame(i, 64);
    down_clean(1);
}
END_TEST

/* ---- receive values ---- */

START_TEST(rx_len_beyond_the_buffer_is_an_io_error)
{
    bring_up(2, NULL, NETT_BUF_LEN);
    fault("net:rx_len_long@2");
    send_frames(3, 64);
    expect_frame(0, 64);
    ck_assert_int_eq(nett_recv(&a, (uint8_t[64]){0}, 64, &(uint32_t){0}, true), VIO_ERR_IO_ERROR);
    /* the bad packet's buffer and the rest come back; transmissions were never reaped */
    expect_latched(VIO_ERR_IO_ERROR, POSTED, 3);
}
END_TEST

START_TEST(rx_len_shorter_than_the_header_is_an_io_error)
{
    bring_up(2, NULL, NETT_BUF_LEN);
    fault("net:rx_len_short@1");
    send_frames(1, 64);
    ck_assert_int_eq(nett_reap(&a, 1), 1);
    ck_assert_int_eq(nett_recv(&a, (uint8_t[64]){0}, 64, &(uint32_t){0}, true), VIO_ERR_IO_ERROR);
    expect_latched(VIO_ERR_IO_ERROR, POSTED, 0);
}
END_TEST

START_TEST(rx_len_of_just_the_header_is_an_empty_frame)
{
    bring_up(2, NULL, NETT_BUF_LEN);
    fault("net:rx_len_short=12@1");
    send_frames(2, 64);
    ck_assert_int_eq(nett_reap(&a, 2), 2);
    uint32_t n = 1;
    ck_assert_int_eq(nett_recv(&a, (uint8_t[64]){0}, 64, &n, true), 1);
    ck_assert_uint_eq(n, 0);
    expect_frame(1, 64);
    down_clean(0);
}
END_TEST

START_TEST(num_buffers_zero_is_an_io_error)
{
    bring_up(2, NULL, NETT_BUF_LEN);
    fault("net:num_buffers@1");
    send_frames(1, 64);
    ck_assert_int_eq(nett_reap(&a, 1), 1);
    ck_assert_int_eq(nett_recv(&a, (uint8_t[64]){0}, 64, &(uint32_t){0}, true), VIO_ERR_IO_ERROR);
    expect_latched(VIO_ERR_IO_ERROR, POSTED, 0);
}
END_TEST

START_TEST(num_buffers_without_mrg_rxbuf_is_ignored)
{
    bring_up(2, &(struct vsim_net_opts){.features_off = VSIM_BIT(VSIM_NET_F_MRG_RXBUF)}, 12 + 1514);
    /* QEMU leaves the field unwritten without MRG_RXBUF: garbage there must not matter */
    fault("net:num_buffers=2@1");
    send_frames(2, 1514);
    ck_assert_int_eq(nett_reap(&a, 2), 2);
    uint8_t frame[1514];
    uint32_t len;
    for (int i = 0; i < 2; i++) {
        ck_assert_int_eq(nett_recv(&a, frame, sizeof frame, &len, true), 1);
        ck_assert_uint_eq(len, 1514);
    }
    ck_assert_uint_eq(vsim_fault_fired(vsim_machine_faults(m), 0), 1);
    down_clean(0);
}
END_TEST

START_TEST(num_buffers_beyond_the_posted_buffers_is_an_io_error)
{
    bring_up(2, NULL, NETT_BUF_LEN);
    fault("net:num_buffers=100@1");
    send_frames(1, 64);
    ck_assert_int_eq(nett_reap(&a, 1), 1);
    ck_assert_int_eq(nett_recv(&a, (uint8_t[64]){0}, 64, &(uint32_t){0}, true), VIO_ERR_IO_ERROR);
    expect_latched(VIO_ERR_IO_ERROR, POSTED, 0);
}
END_TEST

START_TEST(num_buffers_counting_unused_buffers_is_an_io_error)
{
    bring_up(2, NULL, 64);
    /* the packet fits in one buffer, its header claims a second the device never used */
    fault("net:num_buffers=2@1");
    send_frames(1, 40);
    ck_assert_int_eq(nett_reap(&a, 1), 1);
    ck_assert_int_eq(nett_recv(&a, (uint8_t[64]){0}, 64, &(uint32_t){0}, true), VIO_ERR_IO_ERROR);
    expect_latched(VIO_ERR_IO_ERROR, POSTED, 0);
}
END_TEST

START_TEST(num_buffers_taking_the_next_packet_is_an_io_error)
{
    bring_up(2, NULL, 64);
    /* the second buffer used belongs to the next packet: the first is not full */
    fault("net:num_buffers=2@1");
    send_frames(2, 40);
    ck_assert_int_eq(nett_reap(&a, 2), 2);
    ck_assert_int_eq(nett_recv(&a, (uint8_t[64]){0}, 64, &(uint32_t){0}, true), VIO_ERR_IO_ERROR);
    expect_latched(VIO_ERR_IO_ERROR, POSTED, 0);
}
END_TEST

START_TEST(an_empty_continuation_buffer_is_an_io_error)
{
    bring_up(2, NULL, 64);
    /* 12 + 100 bytes take two buffers; the second is reported empty */
    fault("net:used_len=0@2");
    send_frames(1, 100);
    ck_assert_int_eq(nett_reap(&a, 1), 1);
    ck_assert_int_eq(nett_recv(&a, (uint8_t[64]){0}, 64, &(uint32_t){0}, true), VIO_ERR_IO_ERROR);
    expect_latched(VIO_ERR_IO_ERROR, POSTED, 0);
}
END_TEST

START_TEST(legacy_10_byte_header_has_no_num_buffers_to_trust)
{
    bring_up(1, &(struct vsim_net_opts){.features_off = VSIM_BIT(VSIM_NET_F_MRG_RXBUF)}, 10 + 1514);
    fault("net:num_buffers=5@1");
    send_frames(1, 64);
    ck_assert_int_eq(nett_reap(&a, 1), 1);
    expect_frame(0, 64);
    ck_assert_uint_eq(vsim_fault_fired(vsim_machine_faults(m), 0), 1);
    down_clean(0);
}
END_TEST

START_TEST(an_error_after_good_packets_comes_with_the_next_call)
{
    bring_up(2, NULL, NETT_BUF_LEN);
    fault("net:rx_len_short@3");
    send_frames(4, 64);
    ck_assert_int_eq(nett_reap(&a, 4), 4);
    struct vio_net_rx_pkt pkts[8];
    ck_assert_int_eq(vio_net_rx_recv(a.drv, pkts, 8), 2);
    for (unsigned i = 0; i < 2; i++) {
        ck_assert_uint_eq(pkts[i].len, 64);
        nett_buf_put(&a, pkts[i].seg[0].buf);
    }
    ck_assert_int_eq(vio_net_rx_recv(a.drv, pkts, 8), VIO_ERR_IO_ERROR);
    /* two packets were handed out; the third's buffer and the untouched fourth come back */
    expect_latched(VIO_ERR_IO_ERROR, POSTED - 2, 0);
}
END_TEST

/* ---- used-ring points on both queues ---- */

START_TEST(used_id_out_of_range_on_receive_is_wrong_token)
{
    bring_up(2, NULL, NETT_BUF_LEN);
    fault("net:used_id_range@1"); /* a frame's receive buffer completes before its transmit one */
    send_frames(1, 64);
    ck_assert_int_eq(nett_reap(&a, 1), 1);
    ck_assert_int_eq(nett_recv(&a, (uint8_t[64]){0}, 64, &(uint32_t){0}, true),
                     VIO_ERR_WRONG_TOKEN);
    expect_latched(VIO_ERR_WRONG_TOKEN, POSTED, 0);
}
END_TEST

START_TEST(used_id_out_of_range_on_transmit_is_wrong_token)
{
    bring_up(2, NULL, NETT_BUF_LEN);
    fault("net:used_id_range@2");
    send_frames(1, 64);
    ck_assert_int_eq(nett_reap(&a, 1), VIO_ERR_WRONG_TOKEN);
    expect_latched(VIO_ERR_WRONG_TOKEN, POSTED, 1);
}
END_TEST

START_TEST(used_len_on_a_transmit_buffer_is_an_io_error)
{
    bring_up(2, NULL, NETT_BUF_LEN);
    fault("net:used_len@2");
    send_frames(1, 64);
    ck_assert_int_eq(nett_reap(&a, 1), VIO_ERR_IO_ERROR);
    /* the frame did arrive before: the receive side still hands it out until the latch */
    expect_latched(VIO_ERR_IO_ERROR, POSTED, 1);
}
END_TEST

START_TEST(recovery_after_an_error_is_reinit)
{
    bring_up(2, NULL, NETT_BUF_LEN);
    fault("net:rx_len_long@1");
    send_frames(1, 64);
    ck_assert_int_eq(nett_reap(&a, 1), 1);
    ck_assert_int_eq(nett_recv(&a, (uint8_t[64]){0}, 64, &(uint32_t){0}, true), VIO_ERR_IO_ERROR);
    unsigned rx, tx;
    nett_down(&a, &rx, &tx);
    ck_assert_uint_eq(rx, POSTED);
    ck_assert_int_eq(vio_net_init(a.drv, &a.mmio.t, NULL), 0);
    nett_post(&a, POSTED, NETT_BUF_LEN);
    send_frames(2, 500);
    ck_assert_int_eq(nett_reap(&a, 2), 2);
    expect_frame(0, 500);
    expect_frame(1, 500);
    down_clean(0);
}
END_TEST

/* ---- HAL and setup points ---- */

START_TEST(share_failures_leave_the_buffer_with_the_caller)
{
    bring_up(2, NULL, NETT_BUF_LEN);
    fault("hal:share@1");
    fault("hal:share@2");
    uint8_t *b = nett_buf(&a);
    ck_assert_int_eq(vio_net_rx_post(a.drv, b, NETT_BUF_LEN, b), VIO_ERR_DMA_ERROR);
    ck_assert_int_eq(nett_send(&a, (uint8_t[64]){0}, 64), VIO_ERR_DMA_ERROR);
    ck_assert_uint_eq(vio_net_rx_posted(a.drv), POSTED);
    ck_assert_uint_eq(vio_net_tx_inflight(a.drv), 0);
    nett_buf_put(&a, b);
    /* not an error of the device: the driver goes on */
    send_frames(1, 64);
    ck_assert_int_eq(nett_reap(&a, 1), 1);
    expect_frame(0, 64);
    down_clean(0);
}
END_TEST

START_TEST(every_dma_allocation_failure_at_init_is_clean)
{
    unsigned failures = 0;
    for (unsigned k = 1;; k++) {
        struct vsim_machine *mk = nett_machine(false);
        struct nett e;
        nett_attach(&e, mk, 0, 2, NULL);
        char rule[32], err[VSIM_FAULT_ERR_MAX];
        snprintf(rule, sizeof(rule), "hal:dma_alloc@%u", k);
        ck_assert_int_eq(vsim_fault_parse(vsim_machine_faults(mk), rule, err), 0);
        int rc = vio_net_init(e.drv, &e.mmio.t, NULL);
        if (rc == 0) {
            nett_down(&e, NULL, NULL);
            nett_release(&e);
            nett_machine_free(mk);
            break;
        }
        ck_assert_int_eq(rc, VIO_ERR_DMA_ERROR);
        ck_assert(vsim_device_status(vsim_net_device(e.sim)) & VSIM_STATUS_FAILED);
        nett_release(&e);
        nett_machine_free(mk);
        failures++;
        ck_assert_uint_lt(k, 64);
    }
    /* both queues' rings and indirect tables, and the shared header page */
    ck_assert_uint_ge(failures, 5);
}
END_TEST

START_TEST(setup_faults_fail_init_cleanly)
{
    static const struct {
        const char *rule;
        int err;
    } cases[] = {
        {"net:features_ok_refuse", VIO_ERR_UNSUPPORTED},
        {"net:queue_max_zero", VIO_ERR_NOT_READY},
        {"net:queue_in_use", VIO_ERR_ALREADY_USED},
        {"net:config_gen_bump", VIO_ERR_NOT_READY},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct vsim_machine *mk = nett_machine(false);
        struct nett e;
        nett_attach(&e, mk, 0, 2, NULL);
        char err[VSIM_FAULT_ERR_MAX];
        ck_assert_int_eq(vsim_fault_parse(vsim_machine_faults(mk), cases[i].rule, err), 0);
        ck_assert_msg(vio_net_init(e.drv, &e.mmio.t, NULL) == cases[i].err, "%s", cases[i].rule);
        nett_release(&e);
        nett_machine_free(mk);
    }
}
END_TEST

Suite *vio_test_suite(void)
{
    Suite *s = suite_create("net_faults");
    TCase *tc = tcase_create("wire");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, drop_loses_exactly_one_frame);
    tcase_add_test(tc, corrupt_flips_one_byte_of_the_received_copy);
    tcase_add_test(tc, truncate_cuts_the_received_frame);
    tcase_add_test(tc, link_down_fault_changes_status_and_loses_frames);
    tcase_add_test(tc, tx_hang_keeps_one_buffer_until_reclaim);
    suite_add_tcase(s, tc);

    tc = tcase_create("receive values");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, rx_len_beyond_the_buffer_is_an_io_error);
    tcase_add_test(tc, rx_len_shorter_than_the_header_is_an_io_error);
    tcase_add_test(tc, rx_len_of_just_the_header_is_an_empty_frame);
    tcase_add_test(tc, num_buffers_zero_is_an_io_error);
    tcase_add_test(tc, num_buffers_without_mrg_rxbuf_is_ignored);
    tcase_add_test(tc, num_buffers_beyond_the_posted_buffers_is_an_io_error);
    tcase_add_test(tc, num_buffers_counting_unused_buffers_is_an_io_error);
    tcase_add_test(tc, num_buffers_taking_the_next_packet_is_an_io_error);
    tcase_add_test(tc, an_empty_continuation_buffer_is_an_io_error);
    tcase_add_test(tc, legacy_10_byte_header_has_no_num_buffers_to_trust);
    tcase_add_test(tc, an_error_after_good_packets_comes_with_the_next_call);
    suite_add_tcase(s, tc);

    tc = tcase_create("used ring");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, used_id_out_of_range_on_receive_is_wrong_token);
    tcase_add_test(tc, used_id_out_of_range_on_transmit_is_wrong_token);
    tcase_add_test(tc, used_len_on_a_transmit_buffer_is_an_io_error);
    tcase_add_test(tc, recovery_after_an_error_is_reinit);
    suite_add_tcase(s, tc);

    tc = tcase_create("setup");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, share_failures_leave_the_buffer_with_the_caller);
    tcase_add_test(tc, every_dma_allocation_failure_at_init_is_clean);
    tcase_add_test(tc, setup_faults_fail_init_cleanly);
    suite_add_tcase(s, tc);
    return s;
}
