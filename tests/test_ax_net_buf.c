/* The network buffer pool: its limits, its free list, and its memory accounting. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "axdriver/net_buf.h"

/* A HAL with only DMA: page-aligned host memory, counted, with a failure switch. */
static struct {
    long pages_live;
    int allocs;
    bool fail;
    size_t last_pages;
} dma;

static int t_dma_alloc(void *ctx, size_t pages, enum vio_dma_dir dir, vio_paddr_t *pa, void **va)
{
    (void)ctx;
    (void)dir;
    if (dma.fail)
        return -6;
    void *p = aligned_alloc(VIO_PAGE_SIZE, pages * VIO_PAGE_SIZE);
    ck_assert_ptr_nonnull(p);
    memset(p, 0, pages * VIO_PAGE_SIZE);
    *va = p;
    *pa = (vio_paddr_t)(uintptr_t)p;
    dma.pages_live += (long)pages;
    dma.allocs++;
    dma.last_pages = pages;
    return 0;
}

static void t_dma_free(void *ctx, vio_paddr_t pa, void *va, size_t pages)
{
    (void)ctx;
    ck_assert_uint_eq(pa, (vio_paddr_t)(uintptr_t)va);
    dma.pages_live -= (long)pages;
    free(va);
}

static const struct vio_hal hal = {.dma_alloc = t_dma_alloc, .dma_free = t_dma_free};

static void setup(void)
{
    memset(&dma, 0, sizeof dma);
}

static void teardown(void)
{
    ck_assert_int_eq(dma.pages_live, 0);
}

#define CAP 8
static struct ax_net_buf bufs[CAP];

START_TEST(capacity_zero_is_refused)
{
    struct ax_net_buf_pool p;
    ck_assert_int_eq(ax_net_buf_pool_init(&p, &hal, bufs, 0, 2048), AX_ERR_INVALID_PARAM);
    ck_assert_int_eq(dma.allocs, 0);
}
END_TEST

START_TEST(buffer_lengths_outside_1526_to_65535_are_refused)
{
    struct ax_net_buf_pool p;
    ck_assert_int_eq(ax_net_buf_pool_init(&p, &hal, bufs, CAP, 1525), AX_ERR_INVALID_PARAM);
    ck_assert_int_eq(ax_net_buf_pool_init(&p, &hal, bufs, CAP, 0), AX_ERR_INVALID_PARAM);
    ck_assert_int_eq(ax_net_buf_pool_init(&p, &hal, bufs, CAP, 65536), AX_ERR_INVALID_PARAM);
    ck_assert_int_eq(ax_net_buf_pool_init(&p, &hal, bufs, CAP, SIZE_MAX), AX_ERR_INVALID_PARAM);
    ck_assert_int_eq(ax_net_buf_pool_init(&p, &hal, NULL, CAP, 2048), AX_ERR_INVALID_PARAM);
    ck_assert_int_eq(dma.allocs, 0);

    /* both ends of the range are accepted */
    ck_assert_int_eq(ax_net_buf_pool_init(&p, &hal, bufs, CAP, AX_NET_BUF_MIN_LEN), 0);
    ck_assert_uint_eq(ax_net_buf_pool_buffer_len(&p), 1526);
    ck_assert_int_eq(ax_net_buf_pool_deinit(&p), 0);
    ck_assert_int_eq(ax_net_buf_pool_init(&p, &hal, bufs, 1, AX_NET_BUF_MAX_LEN), 0);
    ck_assert_uint_eq(bufs[0].capacity, 65535);
    ck_assert_int_eq(ax_net_buf_pool_deinit(&p), 0);
}
END_TEST

START_TEST(a_failed_dma_allocation_is_no_memory)
{
    struct ax_net_buf_pool p;
    dma.fail = true;
    ck_assert_int_eq(ax_net_buf_pool_init(&p, &hal, bufs, CAP, 2048), AX_ERR_NO_MEMORY);
    ck_assert_int_eq(dma.pages_live, 0);
}
END_TEST

START_TEST(buffers_are_disjoint_aligned_and_inside_one_allocation)
{
    struct ax_net_buf_pool p;
    ck_assert_int_eq(ax_net_buf_pool_init(&p, &hal, bufs, CAP, 1526), 0);
    ck_assert_int_eq(dma.allocs, 1);
    ck_assert_uint_eq(ax_net_buf_pool_capacity(&p), CAP);
    ck_assert_uint_ge(dma.last_pages * VIO_PAGE_SIZE, CAP * 1526);
    uint8_t *lo = p.mem, *hi = p.mem + dma.last_pages * VIO_PAGE_SIZE;
    for (unsigned i = 0; i < CAP; i++) {
        struct ax_net_buf *b = ax_net_buf_alloc(&p);
        ck_assert_ptr_nonnull(b);
        ck_assert_uint_eq(b->index, i); /* a fresh pool hands out in index order */
        ck_assert_uint_eq((uintptr_t)b->raw % AX_NET_BUF_ALIGN, 0);
        ck_assert(b->raw >= lo && b->raw + b->capacity <= hi);
        for (unsigned j = 0; j < i; j++) {
            const struct ax_net_buf *o = &bufs[j];
            ck_assert(b->raw >= o->raw + o->capacity || o->raw >= b->raw + b->capacity);
        }
        memset(b->raw, (int)i, b->capacity);
    }
    for (unsigned i = 0; i < CAP; i++)
        ck_assert_uint_eq(bufs[i].raw[bufs[i].capacity - 1], i);
    for (unsigned i = 0; i < CAP; i++)
        ck_assert_int_eq(ax_net_buf_free(&p, &bufs[i]), 0);
    ck_assert_int_eq(ax_net_buf_pool_deinit(&p), 0);
}
END_TEST

START_TEST(the_free_list_runs_dry_then_gives_back_the_last_freed_first)
{
    struct ax_net_buf_pool p;
    ck_assert_int_eq(ax_net_buf_pool_init(&p, &hal, bufs, CAP, 2048), 0);
    struct ax_net_buf *got[CAP];
    for (unsigned i = 0; i < CAP; i++)
        got[i] = ax_net_buf_alloc(&p);
    ck_assert_uint_eq(ax_net_buf_pool_in_use(&p), CAP);
    ck_assert_ptr_null(ax_net_buf_alloc(&p));

    ck_assert_int_eq(ax_net_buf_free(&p, got[3]), 0);
    ck_assert_int_eq(ax_net_buf_free(&p, got[5]), 0);
    ck_assert_uint_eq(ax_net_buf_pool_in_use(&p), CAP - 2);
    ck_assert_ptr_eq(ax_net_buf_alloc(&p), got[5]);
    ck_assert_ptr_eq(ax_net_buf_alloc(&p), got[3]);
    ck_assert_ptr_null(ax_net_buf_alloc(&p));
    for (unsigned i = 0; i < CAP; i++)
        ck_assert_int_eq(ax_net_buf_free(&p, got[i]), 0);
    ck_assert_int_eq(ax_net_buf_pool_deinit(&p), 0);
}
END_TEST

START_TEST(an_allocated_buffer_starts_empty)
{
    struct ax_net_buf_pool p;
    ck_assert_int_eq(ax_net_buf_pool_init(&p, &hal, bufs, 1, 2048), 0);
    struct ax_net_buf *b = ax_net_buf_alloc(&p);
    ck_assert_int_eq(ax_net_buf_set_header_len(b, 12), 0);
    ck_assert_int_eq(ax_net_buf_set_packet_len(b, 100), 0);
    ck_assert_int_eq(ax_net_buf_free(&p, b), 0);
    b = ax_net_buf_alloc(&p);
    ck_assert_uint_eq(b->header_len, 0);
    ck_assert_uint_eq(b->packet_len, 0);
    ck_assert_int_eq(ax_net_buf_free(&p, b), 0);
    ck_assert_int_eq(ax_net_buf_pool_deinit(&p), 0);
}
END_TEST

START_TEST(double_free_and_foreign_buffers_are_refused)
{
    struct ax_net_buf_pool p;
    ck_assert_int_eq(ax_net_buf_pool_init(&p, &hal, bufs, CAP, 2048), 0);
    struct ax_net_buf *b = ax_net_buf_alloc(&p);
    ck_assert_int_eq(ax_net_buf_free(&p, b), 0);
    ck_assert_int_eq(ax_net_buf_free(&p, b), AX_ERR_BAD_STATE);
    ck_assert_uint_eq(ax_net_buf_pool_in_use(&p), 0);

    struct ax_net_buf stray = bufs[0];
    ck_assert_int_eq(ax_net_buf_free(&p, &stray), AX_ERR_INVALID_PARAM);
    ck_assert_int_eq(ax_net_buf_free(&p, (struct ax_net_buf *)((char *)&bufs[1] + 1)),
                     AX_ERR_INVALID_PARAM);
    ck_assert_int_eq(ax_net_buf_free(&p, &bufs[CAP - 1] + 1), AX_ERR_INVALID_PARAM);
    ck_assert_int_eq(ax_net_buf_free(&p, NULL), AX_ERR_INVALID_PARAM);
    ck_assert_uint_eq(ax_net_buf_pool_in_use(&p), 0);
    ck_assert_int_eq(ax_net_buf_pool_deinit(&p), 0);
}
END_TEST

START_TEST(lookup_finds_only_allocated_buffers_of_the_pool)
{
    struct ax_net_buf_pool p;
    ck_assert_int_eq(ax_net_buf_pool_init(&p, &hal, bufs, CAP, 2048), 0);
    struct ax_net_buf *b = ax_net_buf_alloc(&p);
    struct ax_net_buf_ptr ptr = ax_net_buf_to_ptr(b);
    ck_assert_ptr_eq(ax_net_buf_lookup(&p, ptr.raw), b);
    ck_assert_ptr_null(ax_net_buf_lookup(&p, &bufs[1])); /* still free */
    ck_assert_ptr_null(ax_net_buf_lookup(&p, ptr.packet));
    ck_assert_ptr_null(ax_net_buf_lookup(&p, (char *)b + 4));
    ck_assert_ptr_null(ax_net_buf_lookup(&p, NULL));
    ck_assert_int_eq(ax_net_buf_free(&p, b), 0);
    ck_assert_ptr_null(ax_net_buf_lookup(&p, ptr.raw));
    ck_assert_int_eq(ax_net_buf_pool_deinit(&p), 0);
}
END_TEST

START_TEST(header_and_packet_lengths_must_fit_the_capacity)
{
    struct ax_net_buf_pool p;
    ck_assert_int_eq(ax_net_buf_pool_init(&p, &hal, bufs, 1, 2000), 0);
    struct ax_net_buf *b = ax_net_buf_alloc(&p);
    ck_assert_int_eq(ax_net_buf_set_header_len(b, 12), 0);
    ck_assert_int_eq(ax_net_buf_set_packet_len(b, 1988), 0);
    ck_assert_int_eq(ax_net_buf_set_packet_len(b, 1989), AX_ERR_INVALID_PARAM);
    ck_assert_uint_eq(b->packet_len, 1988);
    ck_assert_int_eq(ax_net_buf_set_header_len(b, 13), AX_ERR_INVALID_PARAM);
    ck_assert_int_eq(ax_net_buf_set_header_len(b, SIZE_MAX), AX_ERR_INVALID_PARAM);
    ck_assert_uint_eq(b->header_len, 12);
    ck_assert_int_eq(ax_net_buf_set_packet_len(b, SIZE_MAX), AX_ERR_INVALID_PARAM);

    /* header | packet | unused: the packet starts right after the header */
    ck_assert_int_eq(ax_net_buf_set_packet_len(b, 60), 0);
    ck_assert_ptr_eq(ax_net_buf_header(b), b->raw);
    ck_assert_ptr_eq(ax_net_buf_packet(b), b->raw + 12);
    ck_assert_uint_eq(ax_net_buf_packet_with_header_len(b), 72);
    struct ax_net_buf_ptr ptr = ax_net_buf_to_ptr(b);
    ck_assert_ptr_eq(ptr.raw, b);
    ck_assert_ptr_eq(ptr.packet, b->raw + 12);
    ck_assert_uint_eq(ptr.len, 60);
    ck_assert_int_eq(ax_net_buf_free(&p, b), 0);
    ck_assert_int_eq(ax_net_buf_pool_deinit(&p), 0);
}
END_TEST

START_TEST(deinit_with_buffers_out_reports_busy_and_keeps_the_memory)
{
    struct ax_net_buf_pool p;
    ck_assert_int_eq(ax_net_buf_pool_init(&p, &hal, bufs, CAP, 2048), 0);
    struct ax_net_buf *a = ax_net_buf_alloc(&p);
    struct ax_net_buf *b = ax_net_buf_alloc(&p);
    ck_assert_int_eq(ax_net_buf_pool_deinit(&p), AX_ERR_RESOURCE_BUSY);
    ck_assert_uint_eq(ax_net_buf_pool_in_use(&p), 2);
    ck_assert_int_gt(dma.pages_live, 0);
    memset(a->raw, 0xab, a->capacity); /* still valid memory */
    ck_assert_int_eq(ax_net_buf_free(&p, a), 0);
    ck_assert_int_eq(ax_net_buf_pool_deinit(&p), AX_ERR_RESOURCE_BUSY);
    ck_assert_uint_eq(ax_net_buf_pool_in_use(&p), 1);
    ck_assert_int_eq(ax_net_buf_free(&p, b), 0);
    ck_assert_int_eq(ax_net_buf_pool_deinit(&p), 0);
    ck_assert_int_eq(dma.pages_live, 0);
    /* a second deinit is harmless, and a freed pool hands out nothing */
    ck_assert_int_eq(ax_net_buf_pool_deinit(&p), 0);
    ck_assert_ptr_null(ax_net_buf_alloc(&p));
    ck_assert_int_eq(ax_net_buf_free(&p, b), AX_ERR_INVALID_PARAM);
}
END_TEST

Suite *vio_test_suite(void)
{
    Suite *s = suite_create("ax_net_buf");
    TCase *tc = tcase_create("limits");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, capacity_zero_is_refused);
    tcase_add_test(tc, buffer_lengths_outside_1526_to_65535_are_refused);
    tcase_add_test(tc, a_failed_dma_allocation_is_no_memory);
    tcase_add_test(tc, header_and_packet_lengths_must_fit_the_capacity);
    suite_add_tcase(s, tc);
    tc = tcase_create("free_list");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, buffers_are_disjoint_aligned_and_inside_one_allocation);
    tcase_add_test(tc, the_free_list_runs_dry_then_gives_back_the_last_freed_first);
    tcase_add_test(tc, an_allocated_buffer_starts_empty);
    tcase_add_test(tc, double_free_and_foreign_buffers_are_refused);
    tcase_add_test(tc, lookup_finds_only_allocated_buffers_of_the_pool);
    tcase_add_test(tc, deinit_with_buffers_out_reports_busy_and_keeps_the_memory);
    suite_add_tcase(s, tc);
    return s;
}
