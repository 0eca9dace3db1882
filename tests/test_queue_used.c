/*
 * The split virtqueue against a scripted device, part two: every kind of
 * hostile used entry, bounded waits, and the notification decisions with and
 * without event-idx, across the wrap of the 16-bit indices.
 */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "fake_queue_env.h"
#include "vio/err.h"
#include "vio/queue.h"
#include "vio/spec.h"

/* ---- the hardened used ring ---- */

static void expect_broken(int rc, int err)
{
    uint16_t got;
    uint32_t len;
    ck_assert_int_eq(rc, err);
    ck_assert(vio_queue_is_broken(&q));
    /* broken is sticky */
    ck_assert_int_eq(vio_queue_pop(&q, &got, &len, NULL), VIO_ERR_IO_ERROR);
    ck_assert_int_eq(fake_queue_add(1, 0, NULL), VIO_ERR_IO_ERROR);
    ck_assert_int_eq(vio_queue_wait_token(&q, 0, &len), VIO_ERR_IO_ERROR);
    ck_assert(!vio_queue_has_used(&q));
}

static int pop_once(void)
{
    uint16_t got;
    uint32_t len;
    return vio_queue_pop(&q, &got, &len, NULL);
}

START_TEST(used_id_out_of_range_is_wrong_token)
{
    fake_queue_init(0, 8);
    fake_queue_add(1, 0, NULL);
    vio_queue_kick(&q);
    fake_vring_complete(&vr, 8, 0);
    expect_broken(pop_once(), VIO_ERR_WRONG_TOKEN);
}
END_TEST

START_TEST(used_id_not_a_head_is_wrong_token)
{
    fake_queue_init(0, 8);
    int token = fake_queue_add(1, 1, NULL);
    vio_queue_kick(&q);
    uint16_t second = fake_vring_desc(&vr)[token].next;
    ck_assert_uint_ne(second, (uint16_t)token);
    fake_vring_complete(&vr, second, 0);
    expect_broken(pop_once(), VIO_ERR_WRONG_TOKEN);
}
END_TEST

START_TEST(used_id_not_in_flight_is_wrong_token)
{
    fake_queue_init(0, 8);
    fake_queue_add(1, 0, NULL);
    vio_queue_kick(&q);
    fake_vring_complete(&vr, 5, 0); /* a free descriptor */
    expect_broken(pop_once(), VIO_ERR_WRONG_TOKEN);
}
END_TEST

START_TEST(duplicate_completion_is_wrong_token)
{
    fake_queue_init(0, 8);
    int token = fake_queue_add(1, 0, NULL);
    vio_queue_kick(&q);
    fake_vring_complete(&vr, (uint32_t)token, 0);
    fake_vring_complete(&vr, (uint32_t)token, 0);
    ck_assert_int_eq(pop_once(), 1);
    expect_broken(pop_once(), VIO_ERR_WRONG_TOKEN);
}
END_TEST

START_TEST(used_idx_jump_beyond_size_is_io_error)
{
    fake_queue_init(0, 8);
    int token = fake_queue_add(1, 0, NULL);
    vio_queue_kick(&q);
    fake_vring_write_used(&vr, 0, (uint32_t)token, 0);
    fake_vring_used(&vr)[1] = 9;
    expect_broken(pop_once(), VIO_ERR_IO_ERROR);
}
END_TEST

START_TEST(used_idx_jump_of_exactly_size_is_accepted)
{
    fake_queue_init(0, 4);
    int t[4];
    for (int i = 0; i < 4; i++)
        t[i] = fake_queue_add(1, 0, NULL);
    vio_queue_kick(&q);
    for (int i = 0; i < 4; i++)
        fake_vring_write_used(&vr, (uint16_t)i, (uint32_t)t[i], 0);
    fake_vring_used(&vr)[1] = 4;
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(pop_once(), 1);
    ck_assert(!vio_queue_is_broken(&q));
}
END_TEST

START_TEST(used_len_beyond_writable_is_io_error)
{
    fake_queue_init(0, 8);
    int a = fake_queue_add(1, 2, NULL);
    int b = fake_queue_add(1, 0, NULL);
    vio_queue_kick(&q);
    /* exactly the writable bytes is fine */
    fake_vring_complete(&vr, (uint32_t)a, 2 * sizeof bufs[0]);
    ck_assert_int_eq(pop_once(), 1);
    /* a read-only chain has no writable byte at all */
    fake_vring_complete(&vr, (uint32_t)b, 1);
    expect_broken(pop_once(), VIO_ERR_IO_ERROR);
}
END_TEST

START_TEST(broken_queue_kick_does_not_notify)
{
    fake_queue_init(0, 8);
    fake_queue_add(1, 0, NULL);
    vio_queue_kick(&q);
    /* a second chain waits for a kick when the device misbehaves */
    fake_queue_add(1, 0, NULL);
    fake_vring_complete(&vr, 7, 0);
    ck_assert_int_eq(pop_once(), VIO_ERR_WRONG_TOKEN);
    vio_queue_kick(&q);
    ck_assert_uint_eq(ft.notifies, 1);
    ck_assert_uint_eq(fake_vring_avail_idx(&vr), 1);
}
END_TEST

/* ---- waiting for one token ---- */

START_TEST(wait_timeout_is_not_ready_after_spin_limit)
{
    fh.hal.spin_limit = 10;
    fake_queue_init(0, 8);
    int token = fake_queue_add(1, 0, NULL);
    vio_queue_kick(&q);
    uint32_t len;
    ck_assert_int_eq(vio_queue_wait_token(&q, (uint16_t)token, &len), VIO_ERR_NOT_READY);
    ck_assert_uint_eq(fh.relax_calls, 10);
    ck_assert(vio_queue_is_broken(&q));
}
END_TEST

static int complete_on_relax_at;
static uint32_t complete_on_relax_id;

static void complete_on_relax(struct fake_hal *h)
{
    if (h->relax_calls == (unsigned)complete_on_relax_at)
        fake_vring_complete(&vr, complete_on_relax_id, 3);
}

START_TEST(wait_returns_once_device_completes_during_relax)
{
    fake_queue_init(0, 8);
    int token = fake_queue_add(0, 1, NULL);
    vio_queue_kick(&q);
    complete_on_relax_at = 3;
    complete_on_relax_id = (uint32_t)token;
    fh.on_relax = complete_on_relax;
    uint32_t len = 0;
    ck_assert_int_eq(vio_queue_wait_token(&q, (uint16_t)token, &len), 0);
    ck_assert_uint_eq(len, 3);
    ck_assert_uint_eq(fh.relax_calls, 3);
    ck_assert_uint_eq(vio_queue_num_free(&q), 8);
}
END_TEST

START_TEST(pop_token_of_other_chain_is_wrong_token_but_not_broken)
{
    fake_queue_init(0, 8);
    int a = fake_queue_add(1, 0, NULL);
    int b = fake_queue_add(1, 0, NULL);
    vio_queue_kick(&q);
    fake_vring_complete(&vr, (uint32_t)b, 0);
    uint32_t len;
    ck_assert_int_eq(vio_queue_pop_token(&q, (uint16_t)a, &len), VIO_ERR_WRONG_TOKEN);
    ck_assert(!vio_queue_is_broken(&q));
    ck_assert_int_eq(vio_queue_pop_token(&q, (uint16_t)b, &len), 1);
    ck_assert_int_eq(vio_queue_pop_token(&q, (uint16_t)a, &len), 0);
    /* a token that is not in flight is the caller's mistake */
    ck_assert_int_eq(vio_queue_pop_token(&q, (uint16_t)b, &len), VIO_ERR_INVALID_PARAM);
    ck_assert_int_eq(vio_queue_pop_token(&q, 8, &len), VIO_ERR_INVALID_PARAM);
    ck_assert(!vio_queue_is_broken(&q));
}
END_TEST

/* ---- notification decisions ---- */

START_TEST(kick_without_new_buffers_does_not_notify)
{
    fake_queue_init(0, 8);
    vio_queue_kick(&q);
    ck_assert_uint_eq(ft.notifies, 0);
    fake_queue_add(1, 0, NULL);
    vio_queue_kick(&q);
    vio_queue_kick(&q);
    ck_assert_uint_eq(ft.notifies, 1);
    ck_assert_uint_eq(ft.last_notify, 0);
}
END_TEST

START_TEST(no_notify_flag_suppresses_without_event_idx)
{
    fake_queue_init(0, 8);
    fake_vring_used(&vr)[0] = VIO_USED_F_NO_NOTIFY;
    fake_queue_add(1, 0, NULL);
    vio_queue_kick(&q);
    ck_assert_uint_eq(ft.notifies, 0);
    ck_assert_uint_eq(fake_vring_avail_idx(&vr), 1);
    fake_vring_used(&vr)[0] = 0;
    fake_queue_add(1, 0, NULL);
    vio_queue_kick(&q);
    ck_assert_uint_eq(ft.notifies, 1);
    /* avail_event means nothing without EVENT_IDX */
    fake_vring_set_avail_event(&vr, 100);
    fake_queue_add(1, 0, NULL);
    vio_queue_kick(&q);
    ck_assert_uint_eq(ft.notifies, 2);
}
END_TEST

START_TEST(event_idx_notifies_only_when_avail_event_is_crossed)
{
    fake_queue_init(VIO_F_EVENT_IDX, 8);
    /* the lower flags bit is ignored with EVENT_IDX */
    fake_vring_used(&vr)[0] = VIO_USED_F_NO_NOTIFY;
    fake_vring_set_avail_event(&vr, 0);
    fake_queue_add(1, 0, NULL); /* entry 0 */
    vio_queue_kick(&q);
    ck_assert_uint_eq(ft.notifies, 1);

    fake_vring_set_avail_event(&vr, 3);
    fake_queue_add(1, 0, NULL); /* entry 1 */
    vio_queue_kick(&q);
    ck_assert_uint_eq(ft.notifies, 1);
    fake_queue_add(1, 0, NULL); /* entries 2 and 3 in one kick */
    fake_queue_add(1, 0, NULL);
    vio_queue_kick(&q);
    ck_assert_uint_eq(ft.notifies, 2);
    /* an event already passed does not fire again */
    fake_queue_add(1, 0, NULL);
    vio_queue_kick(&q);
    ck_assert_uint_eq(ft.notifies, 2);
}
END_TEST

START_TEST(event_idx_decision_survives_index_wrap)
{
    fake_queue_init(VIO_F_EVENT_IDX, 8);
    fake_vring_set_avail_event(&vr, 0xffff);
    /* run the indices up to 65534 without crossing 0xffff's event */
    for (unsigned i = 0; i < 65534; i++)
        fake_queue_cycle();
    ck_assert_uint_eq(fake_vring_avail_idx(&vr), 65534);
    ck_assert_uint_eq(ft.notifies, 0);
    ck_assert_uint_eq(fake_vring_used_event(&vr), 65534);

    /* entries 65534, 65535, 0 in one kick: 65535 is among them */
    for (int i = 0; i < 3; i++)
        fake_queue_add(1, 0, NULL);
    vio_queue_kick(&q);
    ck_assert_uint_eq(fake_vring_avail_idx(&vr), 1);
    ck_assert_uint_eq(ft.notifies, 1);

    /* entries 1 and 2 with the event at 2 after the wrap */
    fake_vring_set_avail_event(&vr, 2);
    fake_queue_add(1, 0, NULL);
    vio_queue_kick(&q);
    ck_assert_uint_eq(ft.notifies, 1);
    fake_queue_add(1, 0, NULL);
    vio_queue_kick(&q);
    ck_assert_uint_eq(ft.notifies, 2);
    /* an event far behind (before the wrap) does not fire */
    fake_vring_set_avail_event(&vr, 65000);
    fake_queue_add(1, 0, NULL);
    vio_queue_kick(&q);
    ck_assert_uint_eq(ft.notifies, 2);
}
END_TEST

START_TEST(used_ring_index_wraps_cleanly)
{
    fake_queue_init(0, 4);
    for (unsigned i = 0; i < 65536 + 3; i++)
        fake_queue_cycle();
    ck_assert_uint_eq(fake_vring_used(&vr)[1], 3);
    ck_assert(!vio_queue_is_broken(&q));
    ck_assert_uint_eq(vio_queue_num_free(&q), 4);
}
END_TEST

START_TEST(pop_moves_used_event_with_event_idx)
{
    fake_queue_init(VIO_F_EVENT_IDX, 8);
    ck_assert_uint_eq(fake_vring_used_event(&vr), 0);
    fake_queue_cycle();
    fake_queue_cycle();
    ck_assert_uint_eq(fake_vring_used_event(&vr), 2);
    /* and the avail flags stay 0, as the spec demands with EVENT_IDX */
    ck_assert_uint_eq(fake_vring_avail(&vr)[0], 0);
}
END_TEST

Suite *vio_test_suite(void)
{
    Suite *s = suite_create("queue_used");
    struct {
        const char *name;
        const TTest *tests[16];
    } groups[] = {
        {"hardening",
         {used_id_out_of_range_is_wrong_token, used_id_not_a_head_is_wrong_token,
          used_id_not_in_flight_is_wrong_token, duplicate_completion_is_wrong_token,
          used_idx_jump_beyond_size_is_io_error, used_idx_jump_of_exactly_size_is_accepted,
          used_len_beyond_writable_is_io_error, broken_queue_kick_does_not_notify}},
        {"wait",
         {wait_timeout_is_not_ready_after_spin_limit,
          wait_returns_once_device_completes_during_relax,
          pop_token_of_other_chain_is_wrong_token_but_not_broken}},
        {"notify",
         {kick_without_new_buffers_does_not_notify, no_notify_flag_suppresses_without_event_idx,
          event_idx_notifies_only_when_avail_event_is_crossed,
          event_idx_decision_survives_index_wrap, used_ring_index_wraps_cleanly,
          pop_moves_used_event_with_event_idx}},
    };
    for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
        TCase *tc = tcase_create(groups[g].name);
        tcase_add_checked_fixture(tc, fake_queue_setup, fake_queue_teardown);
        for (size_t i = 0; i < 16 && groups[g].tests[i] != NULL; i++)
            tcase_add_test(tc, groups[g].tests[i]);
        suite_add_tcase(s, tc);
    }
    return s;
}
