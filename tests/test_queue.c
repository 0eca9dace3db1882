/*
 * The split virtqueue against a scripted device, part one: sizes, ring
 * layouts, adding and taking back chains, sharing and its failures, indirect
 * tables. The test plays the device through the fake HAL's physical addresses.
 */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "fake_queue_env.h"
#include "vio/err.h"
#include "vio/queue.h"
#include "vio/spec.h"

/* ---- init and layout ---- */

START_TEST(init_size_zero_picks_largest_power_of_two_allowed)
{
    ft.queue_max = 100;
    fake_queue_init(0, 0);
    ck_assert_uint_eq(q.size, 64);
    ck_assert_uint_eq(ft.setup_size, 64);
    vio_queue_deinit(&q);
    ft.queue_max = 4096;
    fake_queue_init(0, 0);
    ck_assert_uint_eq(q.size, VIO_QUEUE_MAX_SIZE);
    ck_assert_uint_eq(vio_queue_num_free(&q), VIO_QUEUE_MAX_SIZE);
}
END_TEST

START_TEST(init_rejects_size_not_power_of_two)
{
    ck_assert_int_eq(vio_queue_init(&q, &ft.t, 0, 6), VIO_ERR_INVALID_PARAM);
    ck_assert_uint_eq(fh.dma_calls, 0);
    ck_assert_uint_eq(ft.setup_calls, 0);
}
END_TEST

START_TEST(init_rejects_size_above_device_max)
{
    ft.queue_max = 8;
    ck_assert_int_eq(vio_queue_init(&q, &ft.t, 0, 16), VIO_ERR_INVALID_PARAM);
    ck_assert_uint_eq(ft.setup_calls, 0);
}
END_TEST

START_TEST(init_rejects_size_above_build_max)
{
    ft.queue_max = 32768;
    ck_assert_int_eq(vio_queue_init(&q, &ft.t, 0, 2 * VIO_QUEUE_MAX_SIZE), VIO_ERR_INVALID_PARAM);
    ck_assert_uint_eq(ft.setup_calls, 0);
}
END_TEST

START_TEST(init_device_max_zero_is_not_ready)
{
    ft.queue_max = 0;
    ck_assert_int_eq(vio_queue_init(&q, &ft.t, 0, 0), VIO_ERR_NOT_READY);
    ck_assert_uint_eq(fh.dma_calls, 0);
}
END_TEST

START_TEST(init_queue_in_use_is_already_used)
{
    ft.queue_live = true;
    ck_assert_int_eq(vio_queue_init(&q, &ft.t, 0, 0), VIO_ERR_ALREADY_USED);
    ck_assert_uint_eq(fh.dma_calls, 0);
    ck_assert_uint_eq(ft.setup_calls, 0);
}
END_TEST

START_TEST(init_dma_failure_frees_what_was_allocated)
{
    ft.t.features = VIO_F_VERSION_1 | VIO_F_INDIRECT_DESC;
    for (unsigned fail = 1; fail <= 3; fail++) {
        fake_hal_init(&fh);
        fh.dma_fail_at = fail;
        ck_assert_int_eq(vio_queue_init(&q, &ft.t, 0, 8), VIO_ERR_DMA_ERROR);
        ck_assert_int_eq(fh.dma_live, 0);
        ck_assert_uint_eq(ft.setup_calls, 0);
    }
    /*
     * the fourth allocation does not exist: a modern indirect queue needs its
     * rings and tables, and keeps the tables' shadows in its own storage
     */
    fake_hal_init(&fh);
    fh.dma_fail_at = 4;
    ck_assert_int_eq(vio_queue_init(&q, &ft.t, 0, 8), 0);
    ck_assert_int_eq(fh.dma_live, 3);
}
END_TEST

START_TEST(init_setup_failure_frees_everything)
{
    ft.setup_rc = VIO_ERR_DMA_ERROR;
    ck_assert_int_eq(vio_queue_init(&q, &ft.t, 0, 8), VIO_ERR_DMA_ERROR);
    ck_assert_int_eq(fh.dma_live, 0);
    ck_assert(vio_queue_is_broken(&q));
}
END_TEST

START_TEST(modern_layout_separates_used_ring)
{
    ft.queue_max = 64;
    fake_queue_init(0, 64);
    ck_assert_uint_eq(ft.setup_calls, 1);
    ck_assert_uint_eq(ft.setup_desc % VIO_PAGE_SIZE, 0);
    ck_assert_uint_eq(ft.setup_avail, ft.setup_desc + 16 * 64);
    ck_assert_uint_eq(ft.setup_used % VIO_PAGE_SIZE, 0);
    ck_assert_int_eq(fh.dma_live, 2);
    /* the used ring is not inside the descriptor/avail allocation */
    ck_assert(ft.setup_used < ft.setup_desc || ft.setup_used >= ft.setup_desc + VIO_PAGE_SIZE);
    ck_assert_uint_eq(fake_vring_used(&vr)[0], 0);
}
END_TEST

START_TEST(legacy_layout_is_one_contiguous_area)
{
    ft.t.legacy = true;
    ft.queue_max = 256;
    fake_queue_init(0, 256);
    ck_assert_int_eq(fh.dma_live, 1);
    ck_assert_uint_eq(ft.setup_desc % VIO_PAGE_SIZE, 0);
    ck_assert_uint_eq(ft.setup_avail, ft.setup_desc + 16 * 256);
    /* 16*256 + 6 + 2*256 = 4614 bytes: the used ring starts on the next page */
    ck_assert_uint_eq(ft.setup_used, ft.setup_desc + 2 * VIO_PAGE_SIZE);
    ck_assert_ptr_nonnull(fake_hal_dev_ptr(&fh, ft.setup_desc, 2 * VIO_PAGE_SIZE + 6 + 8 * 256));
    /* the driver uses the rings where it told the device they are */
    int token = fake_queue_add(0, 1, NULL);
    vio_queue_kick(&q);
    ck_assert_uint_eq(fake_vring_avail_idx(&vr), 1);
    fake_vring_complete(&vr, (uint32_t)token, 7);
    uint16_t got;
    uint32_t len;
    ck_assert_int_eq(vio_queue_pop(&q, &got, &len, NULL), 1);
    ck_assert_uint_eq(len, 7);
}
END_TEST

/* ---- adding and popping ---- */

START_TEST(direct_chain_is_readable_then_writable)
{
    fake_queue_init(0, 8);
    memset(bufs, 0, sizeof bufs);
    bufs[0][0] = 0x11;
    bufs[1][0] = 0x22;
    int token = fake_queue_add(2, 1, &q);
    ck_assert_int_ge(token, 0);
    ck_assert_uint_eq(vio_queue_num_free(&q), 5);
    /* not visible before the kick */
    ck_assert_uint_eq(fake_vring_avail_idx(&vr), 0);
    ck_assert_uint_eq(ft.notifies, 0);
    vio_queue_kick(&q);
    ck_assert_uint_eq(fake_vring_avail_idx(&vr), 1);
    ck_assert_uint_eq(fake_vring_avail_entry(&vr, 0), (uint16_t)token);
    ck_assert_uint_eq(ft.notifies, 1);

    struct fake_vring_buf b[4];
    bool indirect;
    ck_assert_uint_eq(fake_vring_walk(&vr, (uint16_t)token, b, 4, &indirect), 3);
    ck_assert(!indirect);
    ck_assert(!b[0].writable && !b[1].writable && b[2].writable);
    ck_assert_uint_eq(b[0].ptr[0], 0x11);
    ck_assert_uint_eq(b[1].ptr[0], 0x22);
    ck_assert_uint_eq(b[2].len, sizeof bufs[0]);
}
END_TEST

START_TEST(pop_returns_token_len_cookie_and_frees_everything)
{
    fake_queue_init(0, 8);
    int cookie_target;
    int token = fake_queue_add(1, 2, &cookie_target);
    vio_queue_kick(&q);
    ck_assert_int_eq(fh.share_live, 3);
    ck_assert(!vio_queue_has_used(&q));
    fake_vring_complete(&vr, (uint32_t)token, 100);
    ck_assert(vio_queue_has_used(&q));

    uint16_t got;
    uint32_t len;
    void *cookie;
    ck_assert_int_eq(vio_queue_pop(&q, &got, &len, &cookie), 1);
    ck_assert_uint_eq(got, (uint16_t)token);
    ck_assert_uint_eq(len, 100);
    ck_assert_ptr_eq(cookie, &cookie_target);
    ck_assert_uint_eq(vio_queue_num_free(&q), 8);
    ck_assert_int_eq(fh.share_live, 0);
    ck_assert_int_eq(vio_queue_pop(&q, &got, &len, &cookie), 0);
}
END_TEST

START_TEST(pop_on_empty_ring_returns_zero)
{
    fake_queue_init(0, 8);
    uint16_t got;
    uint32_t len;
    ck_assert_int_eq(vio_queue_pop(&q, &got, &len, NULL), 0);
    ck_assert(!vio_queue_is_broken(&q));
}
END_TEST

START_TEST(full_queue_is_queue_full_and_changes_nothing)
{
    fake_queue_init(0, 4);
    ck_assert_int_ge(fake_queue_add(2, 0, NULL), 0);
    ck_assert_int_ge(fake_queue_add(1, 0, NULL), 0);
    /* one descriptor left: a two-buffer chain does not fit */
    unsigned shares = fh.share_calls;
    ck_assert_int_eq(fake_queue_add(1, 1, NULL), VIO_ERR_QUEUE_FULL);
    ck_assert_uint_eq(fh.share_calls, shares);
    ck_assert_int_ge(fake_queue_add(0, 1, NULL), 0);
    ck_assert_int_eq(fake_queue_add(1, 0, NULL), VIO_ERR_QUEUE_FULL);
    ck_assert_uint_eq(vio_queue_num_free(&q), 0);
    ck_assert(!vio_queue_is_broken(&q));
}
END_TEST

START_TEST(out_of_order_completion_restores_free_list)
{
    fake_queue_init(0, 8);
    int t[4];
    for (int i = 0; i < 4; i++)
        t[i] = fake_queue_add(1, 1, NULL);
    ck_assert_uint_eq(vio_queue_num_free(&q), 0);
    vio_queue_kick(&q);
    const int order[4] = {2, 0, 3, 1};
    for (int i = 0; i < 4; i++)
        fake_vring_complete(&vr, (uint32_t)t[order[i]], 1);
    for (int i = 0; i < 4; i++) {
        uint16_t got;
        uint32_t len;
        ck_assert_int_eq(vio_queue_pop(&q, &got, &len, NULL), 1);
        ck_assert_uint_eq(got, (uint16_t)t[order[i]]);
    }
    ck_assert_uint_eq(vio_queue_num_free(&q), 8);
    /* every descriptor is reachable again: one chain of all eight fits */
    struct vio_sg sg[8];
    for (int i = 0; i < 8; i++)
        sg[i] = (struct vio_sg){bufs[i], 8};
    ck_assert_int_ge(vio_queue_add(&q, sg, 8, 0, NULL), 0);
    ck_assert_uint_eq(vio_queue_num_free(&q), 0);
}
END_TEST

START_TEST(add_rejects_bad_chains)
{
    fake_queue_init(0, 2);
    struct vio_sg sg[3] = {{bufs[0], 8}, {bufs[1], 8}, {bufs[2], 8}};
    ck_assert_int_eq(vio_queue_add(&q, sg, 0, 0, NULL), VIO_ERR_INVALID_PARAM);
    ck_assert_int_eq(vio_queue_add(&q, NULL, 1, 0, NULL), VIO_ERR_INVALID_PARAM);
    /* never longer than the queue: it could not fit even when the queue is empty */
    ck_assert_int_eq(vio_queue_add(&q, sg, 2, 1, NULL), VIO_ERR_QUEUE_FULL);
    ck_assert_int_eq(vio_queue_add(&q, sg, VIO_QUEUE_MAX_SG + 1, 0, NULL), VIO_ERR_INVALID_PARAM);
    sg[1].len = 0;
    ck_assert_int_eq(vio_queue_add(&q, sg, 1, 1, NULL), VIO_ERR_INVALID_PARAM);
    sg[1] = (struct vio_sg){NULL, 8};
    ck_assert_int_eq(vio_queue_add(&q, sg, 1, 1, NULL), VIO_ERR_INVALID_PARAM);
    ck_assert_uint_eq(fh.share_calls, 0);
    ck_assert_uint_eq(vio_queue_num_free(&q), 2);
}
END_TEST

START_TEST(share_failure_mid_chain_unshares_and_keeps_free_list)
{
    fake_queue_init(0, 8);
    fh.share_fail_at = 3;
    ck_assert_int_eq(fake_queue_add(2, 2, NULL), VIO_ERR_DMA_ERROR);
    ck_assert_int_eq(fh.share_live, 0);
    ck_assert_uint_eq(fh.unshare_calls, 2);
    ck_assert_uint_eq(vio_queue_num_free(&q), 8);
    ck_assert(!vio_queue_is_broken(&q));
    /* the same descriptors serve the next chain, which completes normally */
    int token = fake_queue_add(2, 2, NULL);
    ck_assert_int_eq(token, 0);
    vio_queue_kick(&q);
    fake_vring_complete(&vr, (uint32_t)token, 0);
    uint16_t got;
    uint32_t len;
    ck_assert_int_eq(vio_queue_pop(&q, &got, &len, NULL), 1);
    ck_assert_uint_eq(vio_queue_num_free(&q), 8);
}
END_TEST

START_TEST(share_failure_in_indirect_chain_leaks_nothing)
{
    fake_queue_init(VIO_F_INDIRECT_DESC, 8);
    fh.share_fail_at = 4;
    ck_assert_int_eq(fake_queue_add(3, 2, NULL), VIO_ERR_DMA_ERROR);
    ck_assert_int_eq(fh.share_live, 0);
    ck_assert_uint_eq(vio_queue_num_free(&q), 8);
}
END_TEST

START_TEST(bounce_buffers_are_copied_back_on_pop)
{
    fh.bounce = true;
    fake_queue_init(0, 8);
    uint8_t out[16], in[32];
    memset(out, 0x5a, sizeof out);
    memset(in, 0, sizeof in);
    struct vio_sg sg[2] = {{out, sizeof out}, {in, sizeof in}};
    int token = vio_queue_add(&q, sg, 1, 1, NULL);
    vio_queue_kick(&q);
    struct fake_vring_buf b[2];
    bool indirect;
    ck_assert_uint_eq(fake_vring_walk(&vr, (uint16_t)token, b, 2, &indirect), 2);
    ck_assert_ptr_ne(b[0].ptr, out);
    ck_assert_uint_eq(b[0].ptr[15], 0x5a);
    memset(b[1].ptr, 0x77, sizeof in);
    fake_vring_complete(&vr, (uint32_t)token, sizeof in);
    /* the driver's buffer only sees the device's bytes after the unshare in pop */
    ck_assert_uint_eq(in[0], 0);
    uint16_t got;
    uint32_t len;
    ck_assert_int_eq(vio_queue_pop(&q, &got, &len, NULL), 1);
    ck_assert_uint_eq(in[0], 0x77);
    ck_assert_uint_eq(in[31], 0x77);
}
END_TEST

START_TEST(deinit_unshares_chains_still_in_flight)
{
    fake_queue_init(VIO_F_INDIRECT_DESC, 8);
    ck_assert_int_ge(fake_queue_add(2, 1, NULL), 0);
    ck_assert_int_ge(fake_queue_add(1, 0, NULL), 0);
    vio_queue_kick(&q);
    ck_assert_int_eq(fh.share_live, 4);
    vio_queue_deinit(&q);
    fake_hal_assert_clean(&fh);
    ck_assert(vio_queue_is_broken(&q));
}
END_TEST

START_TEST(reclaim_all_takes_back_chains_and_breaks_queue)
{
    fake_queue_init(0, 8);
    ck_assert_int_ge(fake_queue_add(1, 1, NULL), 0);
    vio_queue_kick(&q);
    vio_queue_reclaim_all(&q);
    ck_assert_int_eq(fh.share_live, 0);
    ck_assert_uint_eq(vio_queue_num_free(&q), 8);
    ck_assert(vio_queue_is_broken(&q));
    ck_assert_int_eq(fake_queue_add(1, 0, NULL), VIO_ERR_IO_ERROR);
}
END_TEST

/* ---- indirect descriptors ---- */

START_TEST(indirect_chain_takes_one_ring_descriptor)
{
    fake_queue_init(VIO_F_INDIRECT_DESC, 8);
    memset(bufs, 0, sizeof bufs);
    for (int i = 0; i < 5; i++)
        bufs[i][0] = (uint8_t)(i + 1);
    int token = fake_queue_add(3, 2, NULL);
    ck_assert_int_ge(token, 0);
    ck_assert_uint_eq(vio_queue_num_free(&q), 7);
    vio_queue_kick(&q);
    ck_assert_uint_eq(fake_vring_desc(&vr)[token].len, 5 * 16);

    struct fake_vring_buf b[VIO_QUEUE_MAX_SG];
    bool indirect;
    ck_assert_uint_eq(fake_vring_walk(&vr, (uint16_t)token, b, VIO_QUEUE_MAX_SG, &indirect), 5);
    ck_assert(indirect);
    for (int i = 0; i < 5; i++) {
        ck_assert_uint_eq(b[i].ptr[0], i + 1);
        ck_assert(b[i].writable == (i >= 3));
    }
    fake_vring_complete(&vr, (uint32_t)token, 2 * sizeof bufs[0]);
    uint16_t got;
    uint32_t len;
    ck_assert_int_eq(vio_queue_pop(&q, &got, &len, NULL), 1);
    ck_assert_uint_eq(len, 2 * sizeof bufs[0]);
    ck_assert_uint_eq(vio_queue_num_free(&q), 8);
    ck_assert_int_eq(fh.share_live, 0);
}
END_TEST

START_TEST(indirect_fills_queue_with_long_chains)
{
    fake_queue_init(VIO_F_INDIRECT_DESC, 4);
    /* four chains of four buffers each: only possible with indirect tables */
    for (int i = 0; i < 4; i++)
        ck_assert_int_ge(fake_queue_add(2, 2, NULL), 0);
    ck_assert_int_eq(fake_queue_add(1, 0, NULL), VIO_ERR_QUEUE_FULL);
    ck_assert_int_eq(fh.share_live, 16);
}
END_TEST

START_TEST(indirect_chain_longer_than_queue_never_fits)
{
    fake_queue_init(VIO_F_INDIRECT_DESC, 4);
    /* Indirect Descriptors: the Queue Size bounds indirect chains too */
    ck_assert_int_eq(fake_queue_add(3, 2, NULL), VIO_ERR_QUEUE_FULL);
    ck_assert_uint_eq(fh.share_calls, 0);
    ck_assert_int_ge(fake_queue_add(2, 2, NULL), 0);
}
END_TEST

START_TEST(single_buffer_chain_stays_direct_with_indirect)
{
    fake_queue_init(VIO_F_INDIRECT_DESC, 4);
    int token = fake_queue_add(0, 1, NULL);
    vio_queue_kick(&q);
    ck_assert_uint_eq(fake_vring_desc(&vr)[token].flags, VIO_DESC_F_WRITE);
}
END_TEST

START_TEST(driver_ignores_scribbled_descriptor_table)
{
    fake_queue_init(0, 8);
    int token = fake_queue_add(1, 1, NULL);
    vio_queue_kick(&q);
    /* the device overwrites the shared table; the driver must use its shadow */
    volatile struct vio__vring_desc *d = fake_vring_desc(&vr);
    for (int i = 0; i < 8; i++) {
        d[i].addr = 0xdead0000;
        d[i].len = 0xffffffff;
        d[i].next = 7;
        d[i].flags = VIO_DESC_F_NEXT;
    }
    fake_vring_complete(&vr, (uint32_t)token, 64);
    uint16_t got;
    uint32_t len;
    ck_assert_int_eq(vio_queue_pop(&q, &got, &len, NULL), 1);
    ck_assert_uint_eq(vio_queue_num_free(&q), 8);
    ck_assert_uint_eq(fh.misuse, 0);
}
END_TEST

/*
 * DMA memory is the device's to write, whatever its direction: a device that
 * scribbles over every page it was given but the used ring (descriptor table,
 * avail ring, indirect tables) must not change what pop unshares.
 */
START_TEST(driver_ignores_scribbled_dma_memory_with_indirect)
{
    fh.bounce = true;
    fake_queue_init(VIO_F_INDIRECT_DESC, 8);
    uint8_t out[16], in[32];
    memset(out, 0x5a, sizeof out);
    memset(in, 0, sizeof in);
    struct vio_sg sg[2] = {{out, sizeof out}, {in, sizeof in}};
    int token = vio_queue_add(&q, sg, 1, 1, NULL);
    ck_assert_int_ge(token, 0);
    vio_queue_kick(&q);
    struct fake_vring_buf b[2];
    bool indirect;
    ck_assert_uint_eq(fake_vring_walk(&vr, (uint16_t)token, b, 2, &indirect), 2);
    ck_assert(indirect);
    memset(b[1].ptr, 0x77, sizeof in);

    const void *used = fake_hal_dev_ptr(&fh, ft.setup_used, 1);
    for (unsigned i = 0; i < FAKE_HAL_MAX_DMA; i++) {
        struct fake_dma *d = &fh.dma[i];
        uint8_t *p = d->va;
        if (d->live && !(used >= d->va && (const uint8_t *)used < p + d->pages * VIO_PAGE_SIZE))
            memset(d->va, 0xff, d->pages * VIO_PAGE_SIZE);
    }
    fake_vring_complete(&vr, (uint32_t)token, sizeof in);

    uint16_t got;
    uint32_t len;
    ck_assert_int_eq(vio_queue_pop(&q, &got, &len, NULL), 1);
    ck_assert_uint_eq(got, (uint16_t)token);
    ck_assert_uint_eq(len, sizeof in);
    ck_assert_uint_eq(fh.misuse, 0);
    ck_assert_int_eq(fh.share_live, 0);
    ck_assert_uint_eq(in[0], 0x77);
    ck_assert_uint_eq(in[31], 0x77);
}
END_TEST

Suite *vio_test_suite(void)
{
    Suite *s = suite_create("queue");
    struct {
        const char *name;
        const TTest *tests[16];
    } groups[] = {
        {"init",
         {init_size_zero_picks_largest_power_of_two_allowed, init_rejects_size_not_power_of_two,
          init_rejects_size_above_device_max, init_rejects_size_above_build_max,
          init_device_max_zero_is_not_ready, init_queue_in_use_is_already_used,
          init_dma_failure_frees_what_was_allocated, init_setup_failure_frees_everything,
          modern_layout_separates_used_ring, legacy_layout_is_one_contiguous_area}},
        {"add_pop",
         {direct_chain_is_readable_then_writable, pop_returns_token_len_cookie_and_frees_everything,
          pop_on_empty_ring_returns_zero, full_queue_is_queue_full_and_changes_nothing,
          out_of_order_completion_restores_free_list, add_rejects_bad_chains,
          share_failure_mid_chain_unshares_and_keeps_free_list,
          share_failure_in_indirect_chain_leaks_nothing, bounce_buffers_are_copied_back_on_pop,
          deinit_unshares_chains_still_in_flight, reclaim_all_takes_back_chains_and_breaks_queue,
          driver_ignores_scribbled_descriptor_table}},
        {"indirect",
         {indirect_chain_takes_one_ring_descriptor, indirect_fills_queue_with_long_chains,
          indirect_chain_longer_than_queue_never_fits,
          single_buffer_chain_stays_direct_with_indirect,
          driver_ignores_scribbled_dma_memory_with_indirect}},
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
