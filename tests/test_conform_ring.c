/*
 * Negative proofs of the split virtqueue, Device Cleanup and HAL rules: a
 * live device, then one hand-built ring or HAL call that breaks one rule.
 */
#include <check.h>

#include "raw_driver.h"

#define V1 VSIM_BIT(VSIM_F_VERSION_1)
#define INDIRECT VSIM_BIT(VSIM_F_INDIRECT_DESC)
#define EVENT_IDX VSIM_BIT(VSIM_F_EVENT_IDX)
#define NEXT VSIM_VRING_DESC_F_NEXT
#define WRITE VSIM_VRING_DESC_F_WRITE
#define IND VSIM_VRING_DESC_F_INDIRECT

/* A live custom device (every chain used at once) with queue 0 of 8, and a page of buffers. */
static uint64_t live(struct raw *r, uint64_t accept)
{
    uint64_t pa;
    raw_custom(r, RAW_MMIO2, 42, V1 | INDIRECT | EVENT_IDX);
    raw_live(r, V1 | accept, 1);
    (void)raw_buf(r, 4096, &pa);
    return pa;
}

/* Programs queue 0 by hand with the given parts (modern MMIO), after FEATURES_OK. */
static void enable_at(struct raw *r, uint32_t num, uint64_t desc, uint64_t avail, uint64_t used)
{
    raw_wr(r, VSIM_MMIO_QUEUE_SEL, 4, 0);
    raw_wr(r, VSIM_MMIO_QUEUE_NUM, 4, num);
    raw_wr(r, VSIM_MMIO_QUEUE_DESC_LOW, 4, (uint32_t)desc);
    raw_wr(r, VSIM_MMIO_QUEUE_DRIVER_LOW, 4, (uint32_t)avail);
    raw_wr(r, VSIM_MMIO_QUEUE_DEVICE_LOW, 4, (uint32_t)used);
    raw_wr(r, VSIM_MMIO_QUEUE_READY, 4, 1);
}

/* Head 0 made available and notified. */
static void kick(struct raw *r)
{
    raw_avail(r, 0, 0);
    raw_clean(r);
    raw_notify(r, 0);
}

/* ---- Virtqueues ---- */

NEGATIVE_TEST(neg_vq1_queue_size_not_a_power_of_two, "VQ-1")
{
    raw_blk(r, RAW_MMIO2, NULL);
    ck_assert(raw_negotiate(r, V1));
    raw_ring(r, 0, 8);
    raw_clean(r);
    enable_at(r, 6, r->q[0].desc_pa, r->q[0].avail_pa, r->q[0].used_pa);
}

NEGATIVE_TEST(neg_vq2_used_ring_misaligned, "VQ-2")
{
    raw_blk(r, RAW_MMIO2, NULL);
    ck_assert(raw_negotiate(r, V1));
    raw_ring(r, 0, 8);
    raw_clean(r);
    enable_at(r, 8, r->q[0].desc_pa, r->q[0].avail_pa, r->q[0].used_pa + 2);
}

NEGATIVE_TEST(neg_vq3_ring_outside_guest_memory, "VQ-3")
{
    raw_blk(r, RAW_MMIO2, NULL);
    ck_assert(raw_negotiate(r, V1));
    raw_ring(r, 0, 8);
    raw_clean(r);
    enable_at(r, 8, 0x1000, r->q[0].avail_pa, r->q[0].used_pa);
}

NEGATIVE_TEST(neg_vq4_used_flags_not_zeroed, "VQ-4")
{
    raw_blk(r, RAW_MMIO2, NULL);
    ck_assert(raw_negotiate(r, V1));
    raw_ring(r, 0, 8);
    r->q[0].used[0] = 1;
    raw_clean(r);
    enable_at(r, 8, r->q[0].desc_pa, r->q[0].avail_pa, r->q[0].used_pa);
}

/* ---- descriptor chains ---- */

NEGATIVE_TEST(neg_desc1_descriptor_loop, "DESC-1")
{
    uint64_t pa = live(r, 0);
    raw_desc(r, 0, 0, pa, 16, NEXT, 1);
    raw_desc(r, 0, 1, pa, 16, NEXT, 0);
    kick(r);
}

NEGATIVE_TEST(neg_desc2_readable_after_writable, "DESC-2")
{
    uint64_t pa = live(r, 0);
    raw_desc(r, 0, 0, pa, 16, WRITE | NEXT, 1);
    raw_desc(r, 0, 1, pa + 16, 16, 0, 0);
    kick(r);
}

NEGATIVE_TEST(neg_desc3_indirect_not_negotiated, "DESC-3")
{
    uint64_t pa = live(r, 0);
    uint64_t table_pa;
    uint8_t *table = raw_buf(r, 4096, &table_pa);
    raw_desc_at(table, 0, pa, 16, 0, 0);
    raw_desc(r, 0, 0, table_pa, 16, IND, 0);
    kick(r);
}

NEGATIVE_TEST(neg_desc4_nested_indirect_table, "DESC-4")
{
    uint64_t pa = live(r, INDIRECT);
    uint64_t table_pa;
    uint8_t *table = raw_buf(r, 4096, &table_pa);
    raw_desc_at(table, 0, table_pa + 64, 16, IND, 0);
    raw_desc_at(table, 4, pa, 16, 0, 0);
    raw_desc(r, 0, 0, table_pa, 16, IND, 0);
    kick(r);
}

NEGATIVE_TEST(neg_desc5_indirect_with_next, "DESC-5")
{
    uint64_t pa = live(r, INDIRECT);
    uint64_t table_pa;
    uint8_t *table = raw_buf(r, 4096, &table_pa);
    raw_desc_at(table, 0, pa, 16, 0, 0);
    raw_desc(r, 0, 0, table_pa, 16, IND | NEXT, 1);
    raw_desc(r, 0, 1, pa, 16, 0, 0);
    kick(r);
}

NEGATIVE_TEST(neg_desc6_indirect_length_not_a_multiple_of_16, "DESC-6")
{
    uint64_t pa = live(r, INDIRECT);
    uint64_t table_pa;
    uint8_t *table = raw_buf(r, 4096, &table_pa);
    raw_desc_at(table, 0, pa, 16, 0, 0);
    raw_desc(r, 0, 0, table_pa, 20, IND, 0);
    kick(r);
}

NEGATIVE_TEST(neg_desc7_buffer_outside_guest_memory, "DESC-7")
{
    (void)live(r, 0);
    raw_desc(r, 0, 0, 0x1000, 16, 0, 0);
    kick(r);
}

NEGATIVE_TEST(neg_desc8_next_beyond_the_table, "DESC-8")
{
    uint64_t pa = live(r, 0);
    raw_desc(r, 0, 0, pa, 16, NEXT, 100);
    kick(r);
}

NEGATIVE_TEST(neg_desc9_chain_over_4_gib, "DESC-9")
{
    raw_custom(r, RAW_MMIO2, 42, V1);
    ck_assert(raw_negotiate(r, V1));
    raw_queue(r, 0, 128);
    raw_set_status(r, raw_steps(r) | VSIM_STATUS_DRIVER_OK);
    /* 65 descriptors over all of guest memory: 65 * 64 MiB passes 2^32 */
    for (uint16_t i = 0; i < 65; i++)
        raw_desc(r, 0, i, VSIM_MEM_BASE, (uint32_t)vsim_machine_mem_size(r->m), NEXT, i + 1);
    raw_desc(r, 0, 65, VSIM_MEM_BASE, 16, 0, 0);
    kick(r);
}

/* ---- the available ring and notifications ---- */

NEGATIVE_TEST(neg_avail1_idx_runs_past_the_queue_size, "AVAIL-1")
{
    uint64_t pa = live(r, 0);
    raw_desc(r, 0, 0, pa, 16, 0, 0);
    raw_set_avail_idx(r, 0, 9); /* nine entries in a ring of eight */
    raw_clean(r);
    raw_notify(r, 0);
}

NEGATIVE_TEST(neg_avail2_entry_beyond_the_queue, "AVAIL-2")
{
    (void)live(r, 0);
    raw_avail(r, 0, 8);
    raw_clean(r);
    raw_notify(r, 0);
}

NEGATIVE_TEST(neg_avail3_flags_set_with_event_idx, "AVAIL-3")
{
    uint64_t pa = live(r, EVENT_IDX);
    raw_desc(r, 0, 0, pa, 16, 0, 0);
    r->q[0].avail[0] = 1; /* NO_INTERRUPT, where used_event rules */
    kick(r);
}

NEGATIVE_TEST(neg_notify1_buffers_not_notified, "NOTIFY-1")
{
    uint64_t pa = live(r, 0);
    raw_desc(r, 0, 0, pa, 16, 0, 0);
    raw_avail(r, 0, 0);
    raw_clean(r);
    r->hal->relax(r->hal->ctx); /* waits for a chain the device never heard of */
}

/* ---- Device Cleanup ---- */

NEGATIVE_TEST(neg_clean1_exposed_descriptor_rewritten, "CLEAN-1")
{
    raw_blk(r, RAW_MMIO2, NULL);
    raw_live(r, V1, 1);
    raw_fault(r, "blk:no_complete@1"); /* the device holds the request */
    raw_blk_request(r, VSIM_BLK_T_IN, 0, 512);
    raw_notify(r, 0);
    ck_assert_uint_eq(raw_used_idx(r, 0), 0);
    raw_clean(r);
    r->q[0].desc[16 + 8] = 0x10; /* the data descriptor's length, under the device's feet */
    raw_set_status(r, 0);
}

NEGATIVE_TEST(neg_clean2_exposed_buffer_unshared, "CLEAN-2")
{
    raw_blk(r, RAW_MMIO2, NULL);
    raw_live(r, V1, 1);
    raw_fault(r, "blk:no_complete@1");
    uint64_t pa, data_pa;
    uint8_t *data = raw_buf(r, 4096, &pa);
    ck_assert_int_eq(r->hal->share(r->hal->ctx, data, 512, VIO_DMA_FROM_DEVICE, &data_pa), 0);
    raw_blk_request(r, VSIM_BLK_T_IN, 0, 512);
    raw_desc(r, 0, 1, data_pa, 512, NEXT | WRITE, 2); /* the data goes to the shared buffer */
    raw_notify(r, 0);
    ck_assert_uint_eq(raw_used_idx(r, 0), 0);
    raw_clean(r);
    r->hal->unshare(r->hal->ctx, data_pa, data, 512, VIO_DMA_FROM_DEVICE);
}

/* ---- the vio HAL ---- */

NEGATIVE_TEST(neg_hal1_dma_free_of_the_wrong_length, "HAL-1")
{
    vio_paddr_t pa;
    void *va;
    ck_assert_int_eq(r->hal->dma_alloc(r->hal->ctx, 2, VIO_DMA_BOTH, &pa, &va), 0);
    r->hal->dma_free(r->hal->ctx, pa, va, 1);
    ck_assert_uint_eq(vsim_machine_dma_pages_in_use(r->m), 2); /* refused */
    r->hal->dma_free(r->hal->ctx, pa, va, 2);
}

NEGATIVE_TEST(neg_hal2_unshare_of_nothing_shared, "HAL-2")
{
    uint64_t pa;
    uint8_t *buf = raw_buf(r, 4096, &pa);
    r->hal->unshare(r->hal->ctx, pa, buf, 64, VIO_DMA_TO_DEVICE);
}

NEGATIVE_TEST(neg_hal3_read_of_an_unmapped_address, "HAL-3")
{
    ck_assert_uint_eq(r->hal->read32(r->hal->ctx, 0x5000), UINT32_MAX);
}

NEGATIVE_TEST(neg_hal4_phys_to_virt_of_nothing, "HAL-4")
{
    ck_assert_uint_eq(r->hal->phys_to_virt(r->hal->ctx, 0x5000, 16), 0);
}

NEGATIVE_TEST(neg_hal5_share_of_zero_bytes, "HAL-5")
{
    uint64_t pa;
    vio_paddr_t shared;
    uint8_t *buf = raw_buf(r, 4096, &pa);
    ck_assert_int_ne(r->hal->share(r->hal->ctx, buf, 0, VIO_DMA_TO_DEVICE, &shared), 0);
}

Suite *vio_test_suite(void)
{
    Suite *s = suite_create("conform_ring");
    TCase *tc = tcase_create("virtqueue");
    tcase_add_checked_fixture(tc, NULL, raw_teardown);
    tcase_add_test(tc, neg_vq1_queue_size_not_a_power_of_two);
    tcase_add_test(tc, neg_vq2_used_ring_misaligned);
    tcase_add_test(tc, neg_vq3_ring_outside_guest_memory);
    tcase_add_test(tc, neg_vq4_used_flags_not_zeroed);
    tcase_add_test(tc, neg_desc1_descriptor_loop);
    tcase_add_test(tc, neg_desc2_readable_after_writable);
    tcase_add_test(tc, neg_desc3_indirect_not_negotiated);
    tcase_add_test(tc, neg_desc4_nested_indirect_table);
    tcase_add_test(tc, neg_desc5_indirect_with_next);
    tcase_add_test(tc, neg_desc6_indirect_length_not_a_multiple_of_16);
    tcase_add_test(tc, neg_desc7_buffer_outside_guest_memory);
    tcase_add_test(tc, neg_desc8_next_beyond_the_table);
    tcase_add_test(tc, neg_desc9_chain_over_4_gib);
    tcase_add_test(tc, neg_avail1_idx_runs_past_the_queue_size);
    tcase_add_test(tc, neg_avail2_entry_beyond_the_queue);
    tcase_add_test(tc, neg_avail3_flags_set_with_event_idx);
    tcase_add_test(tc, neg_notify1_buffers_not_notified);
    suite_add_tcase(s, tc);

    tc = tcase_create("cleanup_hal");
    tcase_add_checked_fixture(tc, NULL, raw_teardown);
    tcase_add_test(tc, neg_clean1_exposed_descriptor_rewritten);
    tcase_add_test(tc, neg_clean2_exposed_buffer_unshared);
    tcase_add_test(tc, neg_hal1_dma_free_of_the_wrong_length);
    tcase_add_test(tc, neg_hal2_unshare_of_nothing_shared);
    tcase_add_test(tc, neg_hal3_read_of_an_unmapped_address);
    tcase_add_test(tc, neg_hal4_phys_to_virt_of_nothing);
    tcase_add_test(tc, neg_hal5_share_of_zero_bytes);
    suite_add_tcase(s, tc);
    return s;
}
