/*
 * The split virtqueue against a scripted device: the test plays the device by
 * reading the rings through the fake HAL's physical addresses and writing used
 * entries itself, including every kind of hostile used entry.
 */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "fake_hal.h"
#include "fake_transport.h"
#include "vio/err.h"
#include "vio/queue.h"
#include "vio/spec.h"

static struct fake_hal fh;
static struct fake_transport ft;
static struct vio_queue q;

static void setup(void)
{
    fake_hal_init(&fh);
    fake_transport_init(&ft, &fh);
    memset(&q, 0, sizeof q);
}

static void teardown(void)
{
    vio_queue_deinit(&q);
    fake_hal_assert_clean(&fh);
}

static void init_queue(uint64_t features, uint16_t size)
{
    ft.t.features = VIO_F_VERSION_1 | features;
    ck_assert_int_eq(vio_queue_init(&q, &ft.t, 0, size), 0);
}

/* ---- the device side ---- */

static volatile struct vio__vring_desc *dev_desc(void)
{
    void *p = fake_hal_dev_ptr(&fh, ft.setup_desc, 16u * ft.setup_size);
    ck_assert_ptr_nonnull(p);
    return p;
}

static volatile uint16_t *dev_avail(void)
{
    void *p = fake_hal_dev_ptr(&fh, ft.setup_avail, 6u + 2u * ft.setup_size);
    ck_assert_ptr_nonnull(p);
    return p;
}

static volatile uint16_t *dev_used(void)
{
    void *p = fake_hal_dev_ptr(&fh, ft.setup_used, 6u + 8u * ft.setup_size);
    ck_assert_ptr_nonnull(p);
    return p;
}

static uint16_t dev_avail_idx(void) { return dev_avail()[1]; }
static uint16_t dev_avail_entry(uint16_t i) { return dev_avail()[2 + i % ft.setup_size]; }
static uint16_t dev_used_event(void) { return dev_avail()[2 + ft.setup_size]; }
static void dev_set_avail_event(uint16_t v) { dev_used()[2 + 4 * ft.setup_size] = v; }

static void dev_write_used(uint16_t slot, uint32_t id, uint32_t len)
{
    volatile uint32_t *elem = (volatile uint32_t *)(dev_used() + 2) + 2 * (slot % ft.setup_size);
    elem[0] = id;
    elem[1] = len;
}

/* Completes @id with @len at the next used slot. */
static void dev_complete(uint32_t id, uint32_t len)
{
    volatile uint16_t *used = dev_used();
    dev_write_used(used[1], id, len);
    used[1] = (uint16_t)(used[1] + 1);
}

struct dev_buf {
    uint8_t *ptr;
    uint32_t len;
    bool writable;
};

/* Walks the chain at @head as a device would; returns its buffers and whether it was indirect. */
static unsigned dev_walk(uint16_t head, struct dev_buf *out, unsigned max, bool *indirect)
{
    volatile struct vio__vring_desc *table = dev_desc();
    unsigned table_len = ft.setup_size;
    uint16_t i = head;
    *indirect = false;
    if (table[head].flags & VIO_DESC_F_INDIRECT) {
        ck_assert_uint_eq(table[head].flags, VIO_DESC_F_INDIRECT);
        ck_assert_uint_eq(table[head].len % 16, 0);
        void *ind = fake_hal_dev_ptr(&fh, table[head].addr, table[head].len);
        ck_assert_ptr_nonnull(ind);
        table = ind;
        table_len = dev_desc()[head].len / 16;
        i = 0;
        *indirect = true;
    }
    for (unsigned n = 0;; n++) {
        ck_assert_uint_lt(n, max);
        ck_assert_uint_lt(i, table_len);
        ck_assert_uint_eq(table[i].flags & VIO_DESC_F_INDIRECT, 0);
        out[n].ptr = fake_hal_dev_ptr(&fh, table[i].addr, table[i].len);
        ck_assert_ptr_nonnull(out[n].ptr);
        out[n].len = table[i].len;
        out[n].writable = (table[i].flags & VIO_DESC_F_WRITE) != 0;
        if ((table[i].flags & VIO_DESC_F_NEXT) == 0)
            return n + 1;
        i = table[i].next;
    }
}

/* ---- helpers on the driver side ---- */

static uint8_t bufs[VIO_QUEUE_MAX_SG][64];

/* Adds a chain of @n_out readable and @n_in writable 64-byte buffers. */
static int add_chain(unsigned n_out, unsigned n_in, void *cookie)
{
    struct vio_sg sg[VIO_QUEUE_MAX_SG + 1];
    for (unsigned i = 0; i < n_out + n_in && i <= VIO_QUEUE_MAX_SG; i++)
        sg[i] = (struct vio_sg){bufs[i % VIO_QUEUE_MAX_SG], sizeof bufs[0]};
    return vio_queue_add(&q, sg, n_out, n_in, cookie);
}

/* Adds, kicks, completes and pops one single-buffer chain. */
static void cycle_one(void)
{
    int token = add_chain(1, 0, NULL);
    ck_assert_int_ge(token, 0);
    vio_queue_kick(&q);
    dev_complete((uint32_t)token, 0);
    uint16_t got;
    uint32_t len;
    ck_assert_int_eq(vio_queue_pop(&q, &got, &len, NULL), 1);
}

/* ---- init and layout ---- */

START_TEST(init_size_zero_picks_largest_power_of_two_allowed)
{
    ft.queue_max = 100;
    init_queue(0, 0);
    ck_assert_uint_eq(q.size, 64);
    ck_assert_uint_eq(ft.setup_size, 64);
    vio_queue_deinit(&q);
    ft.queue_max = 4096;
    init_queue(0, 0);
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
    for (unsigned fail = 1; fail <= 4; fail++) {
        fake_hal_init(&fh);
        fh.dma_fail_at = fail;
        ck_assert_int_eq(vio_queue_init(&q, &ft.t, 0, 8), VIO_ERR_DMA_ERROR);
        ck_assert_int_eq(fh.dma_live, 0);
        ck_assert_uint_eq(ft.setup_calls, 0);
    }
    /* the fifth allocation does not exist: four is all a modern indirect queue needs */
    fake_hal_init(&fh);
    fh.dma_fail_at = 5;
    ck_assert_int_eq(vio_queue_init(&q, &ft.t, 0, 8), 0);
    ck_assert_int_eq(fh.dma_live, 4);
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
    init_queue(0, 64);
    ck_assert_uint_eq(ft.setup_calls, 1);
    ck_assert_uint_eq(ft.setup_desc % VIO_PAGE_SIZE, 0);
    ck_assert_uint_eq(ft.setup_avail, ft.setup_desc + 16 * 64);
    ck_assert_uint_eq(ft.setup_used % VIO_PAGE_SIZE, 0);
    ck_assert_int_eq(fh.dma_live, 2);
    /* the used ring is not inside the descriptor/avail allocation */
    ck_assert(ft.setup_used < ft.setup_desc || ft.setup_used >= ft.setup_desc + VIO_PAGE_SIZE);
    ck_assert_uint_eq(dev_used()[0], 0);
}
END_TEST

START_TEST(legacy_layout_is_one_contiguous_area)
{
    ft.t.legacy = true;
    ft.queue_max = 256;
    init_queue(0, 256);
    ck_assert_int_eq(fh.dma_live, 1);
    ck_assert_uint_eq(ft.setup_desc % VIO_PAGE_SIZE, 0);
    ck_assert_uint_eq(ft.setup_avail, ft.setup_desc + 16 * 256);
    /* 16*256 + 6 + 2*256 = 4614 bytes: the used ring starts on the next page */
    ck_assert_uint_eq(ft.setup_used, ft.setup_desc + 2 * VIO_PAGE_SIZE);
    ck_assert_ptr_nonnull(fake_hal_dev_ptr(&fh, ft.setup_desc, 2 * VIO_PAGE_SIZE + 6 + 8 * 256));
    /* the driver uses the rings where it told the device they are */
    int token = add_chain(0, 1, NULL);
    vio_queue_kick(&q);
    ck_assert_uint_eq(dev_avail_idx(), 1);
    dev_complete((uint32_t)token, 7);
    uint16_t got;
    uint32_t len;
    ck_assert_int_eq(vio_queue_pop(&q, &got, &len, NULL), 1);
    ck_assert_uint_eq(len, 7);
}
END_TEST

/* ---- adding and popping ---- */

START_TEST(direct_chain_is_readable_then_writable)
{
    init_queue(0, 8);
    memset(bufs, 0, sizeof bufs);
    bufs[0][0] = 0x11;
    bufs[1][0] = 0x22;
    int token = add_chain(2, 1, &q);
    ck_assert_int_ge(token, 0);
    ck_assert_uint_eq(vio_queue_num_free(&q), 5);
    /* not visible before the kick */
    ck_assert_uint_eq(dev_avail_idx(), 0);
    ck_assert_uint_eq(ft.notifies, 0);
    vio_queue_kick(&q);
    ck_assert_uint_eq(dev_avail_idx(), 1);
    ck_assert_uint_eq(dev_avail_entry(0), (uint16_t)token);
    ck_assert_uint_eq(ft.notifies, 1);

    struct dev_buf b[4];
    bool indirect;
    ck_assert_uint_eq(dev_walk((uint16_t)token, b, 4, &indirect), 3);
    ck_assert(!indirect);
    ck_assert(!b[0].writable && !b[1].writable && b[2].writable);
    ck_assert_uint_eq(b[0].ptr[0], 0x11);
    ck_assert_uint_eq(b[1].ptr[0], 0x22);
    ck_assert_uint_eq(b[2].len, sizeof bufs[0]);
}
END_TEST

START_TEST(pop_returns_token_len_cookie_and_frees_everything)
{
    init_queue(0, 8);
    int cookie_target;
    int token = add_chain(1, 2, &cookie_target);
    vio_queue_kick(&q);
    ck_assert_int_eq(fh.share_live, 3);
    ck_assert(!vio_queue_has_used(&q));
    dev_complete((uint32_t)token, 100);
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
    init_queue(0, 8);
    uint16_t got;
    uint32_t len;
    ck_assert_int_eq(vio_queue_pop(&q, &got, &len, NULL), 0);
    ck_assert(!vio_queue_is_broken(&q));
}
END_TEST

START_TEST(full_queue_is_queue_full_and_changes_nothing)
{
    init_queue(0, 4);
    ck_assert_int_ge(add_chain(2, 0, NULL), 0);
    ck_assert_int_ge(add_chain(1, 0, NULL), 0);
    /* one descriptor left: a two-buffer chain does not fit */
    unsigned shares = fh.share_calls;
    ck_assert_int_eq(add_chain(1, 1, NULL), VIO_ERR_QUEUE_FULL);
    ck_assert_uint_eq(fh.share_calls, shares);
    ck_assert_int_ge(add_chain(0, 1, NULL), 0);
    ck_assert_int_eq(add_chain(1, 0, NULL), VIO_ERR_QUEUE_FULL);
    ck_assert_uint_eq(vio_queue_num_free(&q), 0);
    ck_assert(!vio_queue_is_broken(&q));
}
END_TEST

START_TEST(out_of_order_completion_restores_free_list)
{
    init_queue(0, 8);
    int t[4];
    for (int i = 0; i < 4; i++)
        t[i] = add_chain(1, 1, NULL);
    ck_assert_uint_eq(vio_queue_num_free(&q), 0);
    vio_queue_kick(&q);
    const int order[4] = {2, 0, 3, 1};
    for (int i = 0; i < 4; i++)
        dev_complete((uint32_t)t[order[i]], 1);
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
    init_queue(0, 2);
    struct vio_sg sg[3] = {{bufs[0], 8}, {bufs[1], 8}, {bufs[2], 8}};
    ck_assert_int_eq(vio_queue_add(&q, sg, 0, 0, NULL), VIO_ERR_INVALID_PARAM);
    ck_assert_int_eq(vio_queue_add(&q, NULL, 1, 0, NULL), VIO_ERR_INVALID_PARAM);
    /* Indirect Descriptors: never longer than the queue size */
    ck_assert_int_eq(vio_queue_add(&q, sg, 2, 1, NULL), VIO_ERR_INVALID_PARAM);
    ck_assert_int_eq(vio_queue_add(&q, sg, VIO_QUEUE_MAX_SG + 1, 0, NULL),
                     VIO_ERR_INVALID_PARAM);
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
    init_queue(0, 8);
    fh.share_fail_at = 3;
    ck_assert_int_eq(add_chain(2, 2, NULL), VIO_ERR_DMA_ERROR);
    ck_assert_int_eq(fh.share_live, 0);
    ck_assert_uint_eq(fh.unshare_calls, 2);
    ck_assert_uint_eq(vio_queue_num_free(&q), 8);
    ck_assert(!vio_queue_is_broken(&q));
    /* the same descriptors serve the next chain, which completes normally */
    int token = add_chain(2, 2, NULL);
    ck_assert_int_eq(token, 0);
    vio_queue_kick(&q);
    dev_complete((uint32_t)token, 0);
    uint16_t got;
    uint32_t len;
    ck_assert_int_eq(vio_queue_pop(&q, &got, &len, NULL), 1);
    ck_assert_uint_eq(vio_queue_num_free(&q), 8);
}
END_TEST

START_TEST(share_failure_in_indirect_chain_leaks_nothing)
{
    init_queue(VIO_F_INDIRECT_DESC, 8);
    fh.share_fail_at = 4;
    ck_assert_int_eq(add_chain(3, 2, NULL), VIO_ERR_DMA_ERROR);
    ck_assert_int_eq(fh.share_live, 0);
    ck_assert_uint_eq(vio_queue_num_free(&q), 8);
}
END_TEST

START_TEST(bounce_buffers_are_copied_back_on_pop)
{
    fh.bounce = true;
    init_queue(0, 8);
    uint8_t out[16], in[32];
    memset(out, 0x5a, sizeof out);
    memset(in, 0, sizeof in);
    struct vio_sg sg[2] = {{out, sizeof out}, {in, sizeof in}};
    int token = vio_queue_add(&q, sg, 1, 1, NULL);
    vio_queue_kick(&q);
    struct dev_buf b[2];
    bool indirect;
    ck_assert_uint_eq(dev_walk((uint16_t)token, b, 2, &indirect), 2);
    ck_assert_ptr_ne(b[0].ptr, out);
    ck_assert_uint_eq(b[0].ptr[15], 0x5a);
    memset(b[1].ptr, 0x77, sizeof in);
    dev_complete((uint32_t)token, sizeof in);
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
    init_queue(VIO_F_INDIRECT_DESC, 8);
    ck_assert_int_ge(add_chain(2, 1, NULL), 0);
    ck_assert_int_ge(add_chain(1, 0, NULL), 0);
    vio_queue_kick(&q);
    ck_assert_int_eq(fh.share_live, 4);
    vio_queue_deinit(&q);
    fake_hal_assert_clean(&fh);
    ck_assert(vio_queue_is_broken(&q));
}
END_TEST

START_TEST(reclaim_all_takes_back_chains_and_breaks_queue)
{
    init_queue(0, 8);
    ck_assert_int_ge(add_chain(1, 1, NULL), 0);
    vio_queue_kick(&q);
    vio_queue_reclaim_all(&q);
    ck_assert_int_eq(fh.share_live, 0);
    ck_assert_uint_eq(vio_queue_num_free(&q), 8);
    ck_assert(vio_queue_is_broken(&q));
    ck_assert_int_eq(add_chain(1, 0, NULL), VIO_ERR_IO_ERROR);
}
END_TEST

/* ---- indirect descriptors ---- */

START_TEST(indirect_chain_takes_one_ring_descriptor)
{
    init_queue(VIO_F_INDIRECT_DESC, 8);
    memset(bufs, 0, sizeof bufs);
    for (int i = 0; i < 5; i++)
        bufs[i][0] = (uint8_t)(i + 1);
    int token = add_chain(3, 2, NULL);
    ck_assert_int_ge(token, 0);
    ck_assert_uint_eq(vio_queue_num_free(&q), 7);
    vio_queue_kick(&q);
    ck_assert_uint_eq(dev_desc()[token].len, 5 * 16);

    struct dev_buf b[VIO_QUEUE_MAX_SG];
    bool indirect;
    ck_assert_uint_eq(dev_walk((uint16_t)token, b, VIO_QUEUE_MAX_SG, &indirect), 5);
    ck_assert(indirect);
    for (int i = 0; i < 5; i++) {
        ck_assert_uint_eq(b[i].ptr[0], i + 1);
        ck_assert(b[i].writable == (i >= 3));
    }
    dev_complete((uint32_t)token, 2 * sizeof bufs[0]);
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
    init_queue(VIO_F_INDIRECT_DESC, 4);
    /* four chains of four buffers each: only possible with indirect tables */
    for (int i = 0; i < 4; i++)
        ck_assert_int_ge(add_chain(2, 2, NULL), 0);
    ck_assert_int_eq(add_chain(1, 0, NULL), VIO_ERR_QUEUE_FULL);
    ck_assert_int_eq(fh.share_live, 16);
}
END_TEST

START_TEST(single_buffer_chain_stays_direct_with_indirect)
{
    init_queue(VIO_F_INDIRECT_DESC, 4);
    int token = add_chain(0, 1, NULL);
    vio_queue_kick(&q);
    ck_assert_uint_eq(dev_desc()[token].flags, VIO_DESC_F_WRITE);
}
END_TEST

START_TEST(driver_ignores_scribbled_descriptor_table)
{
    init_queue(0, 8);
    int token = add_chain(1, 1, NULL);
    vio_queue_kick(&q);
    /* the device overwrites the shared table; the driver must use its shadow */
    volatile struct vio__vring_desc *d = dev_desc();
    for (int i = 0; i < 8; i++) {
        d[i].addr = 0xdead0000;
        d[i].len = 0xffffffff;
        d[i].next = 7;
        d[i].flags = VIO_DESC_F_NEXT;
    }
    dev_complete((uint32_t)token, 64);
    uint16_t got;
    uint32_t len;
    ck_assert_int_eq(vio_queue_pop(&q, &got, &len, NULL), 1);
    ck_assert_uint_eq(vio_queue_num_free(&q), 8);
    ck_assert_uint_eq(fh.misuse, 0);
}
END_TEST

/* ---- the hardened used ring ---- */

static void expect_broken(int rc, int err)
{
    uint16_t got;
    uint32_t len;
    ck_assert_int_eq(rc, err);
    ck_assert(vio_queue_is_broken(&q));
    /* broken is sticky */
    ck_assert_int_eq(vio_queue_pop(&q, &got, &len, NULL), VIO_ERR_IO_ERROR);
    ck_assert_int_eq(add_chain(1, 0, NULL), VIO_ERR_IO_ERROR);
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
    init_queue(0, 8);
    add_chain(1, 0, NULL);
    vio_queue_kick(&q);
    dev_complete(8, 0);
    expect_broken(pop_once(), VIO_ERR_WRONG_TOKEN);
}
END_TEST

START_TEST(used_id_not_a_head_is_wrong_token)
{
    init_queue(0, 8);
    int token = add_chain(1, 1, NULL);
    vio_queue_kick(&q);
    uint16_t second = dev_desc()[token].next;
    ck_assert_uint_ne(second, (uint16_t)token);
    dev_complete(second, 0);
    expect_broken(pop_once(), VIO_ERR_WRONG_TOKEN);
}
END_TEST

START_TEST(used_id_not_in_flight_is_wrong_token)
{
    init_queue(0, 8);
    add_chain(1, 0, NULL);
    vio_queue_kick(&q);
    dev_complete(5, 0); /* a free descriptor */
    expect_broken(pop_once(), VIO_ERR_WRONG_TOKEN);
}
END_TEST

START_TEST(duplicate_completion_is_wrong_token)
{
    init_queue(0, 8);
    int token = add_chain(1, 0, NULL);
    vio_queue_kick(&q);
    dev_complete((uint32_t)token, 0);
    dev_complete((uint32_t)token, 0);
    ck_assert_int_eq(pop_once(), 1);
    expect_broken(pop_once(), VIO_ERR_WRONG_TOKEN);
}
END_TEST

START_TEST(used_idx_jump_beyond_size_is_io_error)
{
    init_queue(0, 8);
    int token = add_chain(1, 0, NULL);
    vio_queue_kick(&q);
    dev_write_used(0, (uint32_t)token, 0);
    dev_used()[1] = 9;
    expect_broken(pop_once(), VIO_ERR_IO_ERROR);
}
END_TEST

START_TEST(used_idx_jump_of_exactly_size_is_accepted)
{
    init_queue(0, 4);
    int t[4];
    for (int i = 0; i < 4; i++)
        t[i] = add_chain(1, 0, NULL);
    vio_queue_kick(&q);
    for (int i = 0; i < 4; i++)
        dev_write_used((uint16_t)i, (uint32_t)t[i], 0);
    dev_used()[1] = 4;
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(pop_once(), 1);
    ck_assert(!vio_queue_is_broken(&q));
}
END_TEST

START_TEST(used_len_beyond_writable_is_io_error)
{
    init_queue(0, 8);
    int a = add_chain(1, 2, NULL);
    int b = add_chain(1, 0, NULL);
    vio_queue_kick(&q);
    /* exactly the writable bytes is fine */
    dev_complete((uint32_t)a, 2 * sizeof bufs[0]);
    ck_assert_int_eq(pop_once(), 1);
    /* a read-only chain has no writable byte at all */
    dev_complete((uint32_t)b, 1);
    expect_broken(pop_once(), VIO_ERR_IO_ERROR);
}
END_TEST

START_TEST(broken_queue_kick_does_not_notify)
{
    init_queue(0, 8);
    add_chain(1, 0, NULL);
    vio_queue_kick(&q);
    /* a second chain waits for a kick when the device misbehaves */
    add_chain(1, 0, NULL);
    dev_complete(7, 0);
    ck_assert_int_eq(pop_once(), VIO_ERR_WRONG_TOKEN);
    vio_queue_kick(&q);
    ck_assert_uint_eq(ft.notifies, 1);
    ck_assert_uint_eq(dev_avail_idx(), 1);
}
END_TEST

/* ---- waiting for one token ---- */

START_TEST(wait_timeout_is_not_ready_after_spin_limit)
{
    fh.hal.spin_limit = 10;
    init_queue(0, 8);
    int token = add_chain(1, 0, NULL);
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
        dev_complete(complete_on_relax_id, 3);
}

START_TEST(wait_returns_once_device_completes_during_relax)
{
    init_queue(0, 8);
    int token = add_chain(0, 1, NULL);
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
    init_queue(0, 8);
    int a = add_chain(1, 0, NULL);
    int b = add_chain(1, 0, NULL);
    vio_queue_kick(&q);
    dev_complete((uint32_t)b, 0);
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
    init_queue(0, 8);
    vio_queue_kick(&q);
    ck_assert_uint_eq(ft.notifies, 0);
    add_chain(1, 0, NULL);
    vio_queue_kick(&q);
    vio_queue_kick(&q);
    ck_assert_uint_eq(ft.notifies, 1);
    ck_assert_uint_eq(ft.last_notify, 0);
}
END_TEST

START_TEST(no_notify_flag_suppresses_without_event_idx)
{
    init_queue(0, 8);
    dev_used()[0] = VIO_USED_F_NO_NOTIFY;
    add_chain(1, 0, NULL);
    vio_queue_kick(&q);
    ck_assert_uint_eq(ft.notifies, 0);
    ck_assert_uint_eq(dev_avail_idx(), 1);
    dev_used()[0] = 0;
    add_chain(1, 0, NULL);
    vio_queue_kick(&q);
    ck_assert_uint_eq(ft.notifies, 1);
    /* avail_event means nothing without EVENT_IDX */
    dev_set_avail_event(100);
    add_chain(1, 0, NULL);
    vio_queue_kick(&q);
    ck_assert_uint_eq(ft.notifies, 2);
}
END_TEST

START_TEST(event_idx_notifies_only_when_avail_event_is_crossed)
{
    init_queue(VIO_F_EVENT_IDX, 8);
    /* the lower flags bit is ignored with EVENT_IDX */
    dev_used()[0] = VIO_USED_F_NO_NOTIFY;
    dev_set_avail_event(0);
    add_chain(1, 0, NULL); /* entry 0 */
    vio_queue_kick(&q);
    ck_assert_uint_eq(ft.notifies, 1);

    dev_set_avail_event(3);
    add_chain(1, 0, NULL); /* entry 1 */
    vio_queue_kick(&q);
    ck_assert_uint_eq(ft.notifies, 1);
    add_chain(1, 0, NULL); /* entries 2 and 3 in one kick */
    add_chain(1, 0, NULL);
    vio_queue_kick(&q);
    ck_assert_uint_eq(ft.notifies, 2);
    /* an event already passed does not fire again */
    add_chain(1, 0, NULL);
    vio_queue_kick(&q);
    ck_assert_uint_eq(ft.notifies, 2);
}
END_TEST

START_TEST(event_idx_decision_survives_index_wrap)
{
    init_queue(VIO_F_EVENT_IDX, 8);
    dev_set_avail_event(0xffff);
    /* run the indices up to 65534 without crossing 0xffff's event */
    for (unsigned i = 0; i < 65534; i++)
        cycle_one();
    ck_assert_uint_eq(dev_avail_idx(), 65534);
    ck_assert_uint_eq(ft.notifies, 0);
    ck_assert_uint_eq(dev_used_event(), 65534);

    /* entries 65534, 65535, 0 in one kick: 65535 is among them */
    for (int i = 0; i < 3; i++)
        add_chain(1, 0, NULL);
    vio_queue_kick(&q);
    ck_assert_uint_eq(dev_avail_idx(), 1);
    ck_assert_uint_eq(ft.notifies, 1);

    /* entries 1 and 2 with the event at 2 after the wrap */
    dev_set_avail_event(2);
    add_chain(1, 0, NULL);
    vio_queue_kick(&q);
    ck_assert_uint_eq(ft.notifies, 1);
    add_chain(1, 0, NULL);
    vio_queue_kick(&q);
    ck_assert_uint_eq(ft.notifies, 2);
    /* an event far behind (before the wrap) does not fire */
    dev_set_avail_event(65000);
    add_chain(1, 0, NULL);
    vio_queue_kick(&q);
    ck_assert_uint_eq(ft.notifies, 2);
}
END_TEST

START_TEST(used_ring_index_wraps_cleanly)
{
    init_queue(0, 4);
    for (unsigned i = 0; i < 65536 + 3; i++)
        cycle_one();
    ck_assert_uint_eq(dev_used()[1], 3);
    ck_assert(!vio_queue_is_broken(&q));
    ck_assert_uint_eq(vio_queue_num_free(&q), 4);
}
END_TEST

START_TEST(pop_moves_used_event_with_event_idx)
{
    init_queue(VIO_F_EVENT_IDX, 8);
    ck_assert_uint_eq(dev_used_event(), 0);
    cycle_one();
    cycle_one();
    ck_assert_uint_eq(dev_used_event(), 2);
    /* and the avail flags stay 0, as the spec demands with EVENT_IDX */
    ck_assert_uint_eq(dev_avail()[0], 0);
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
          single_buffer_chain_stays_direct_with_indirect}},
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
        tcase_add_checked_fixture(tc, setup, teardown);
        for (size_t i = 0; i < 16 && groups[g].tests[i] != NULL; i++)
            tcase_add_test(tc, groups[g].tests[i]);
        suite_add_tcase(s, tc);
    }
    return s;
}
