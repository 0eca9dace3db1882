/*
 * Negative proofs of the Virtio Over MMIO rules: raw register accesses to a
 * block device in an MMIO slot, each breaking one rule of the register
 * layout, the MMIO initialization or the interrupt handshake.
 */
#include <check.h>

#include "raw_driver.h"

#define V1 VSIM_BIT(VSIM_F_VERSION_1)

/* A probed modern block device. */
static void probed(struct raw *r)
{
    raw_blk(r, RAW_MMIO2, NULL);
    raw_probe(r);
    raw_clean(r);
}

/* A live modern block device with queue 0. */
static void live(struct raw *r)
{
    raw_blk(r, RAW_MMIO2, NULL);
    raw_live(r, V1, 1);
    raw_clean(r);
}

NEGATIVE_TEST(neg_mmio1_16bit_register_read, "MMIO-1")
{
    probed(r);
    (void)raw_rd(r, VSIM_MMIO_STATUS, 2);
}

NEGATIVE_TEST(neg_mmio2_device_id_written, "MMIO-2")
{
    probed(r);
    raw_wr(r, VSIM_MMIO_DEVICE_ID, 4, 1);
}

NEGATIVE_TEST(neg_mmio3_queue_notify_read, "MMIO-3")
{
    probed(r);
    (void)raw_rd(r, VSIM_MMIO_QUEUE_NOTIFY, 4);
}

NEGATIVE_TEST(neg_mmio4_hole_read, "MMIO-4")
{
    probed(r);
    (void)raw_rd(r, 0x018, 4); /* between DeviceFeaturesSel and DriverFeatures */
}

NEGATIVE_TEST(neg_mmio5_device_features_read_unselected, "MMIO-5")
{
    probed(r);
    raw_reset(r);
    raw_set_status(r, VSIM_STATUS_ACKNOWLEDGE);
    raw_set_status(r, VSIM_STATUS_ACKNOWLEDGE | VSIM_STATUS_DRIVER);
    (void)raw_rd(r, VSIM_MMIO_DEVICE_FEATURES, 4);
}

NEGATIVE_TEST(neg_mmio6_queue_num_above_max, "MMIO-6")
{
    raw_blk(r, RAW_MMIO2, NULL);
    ck_assert(raw_negotiate(r, V1));
    raw_wr(r, VSIM_MMIO_QUEUE_SEL, 4, 0);
    uint32_t max = raw_rd(r, VSIM_MMIO_QUEUE_NUM_MAX, 4);
    raw_clean(r);
    raw_wr(r, VSIM_MMIO_QUEUE_NUM, 4, max * 2);
}

NEGATIVE_TEST(neg_mmio7_queue_num_written_while_ready, "MMIO-7")
{
    live(r);
    raw_wr(r, VSIM_MMIO_QUEUE_SEL, 4, 0);
    raw_wr(r, VSIM_MMIO_QUEUE_NUM, 4, 4);
}

NEGATIVE_TEST(neg_mmio8_ack_with_an_undefined_bit, "MMIO-8")
{
    live(r);
    raw_wr(r, VSIM_MMIO_INTERRUPT_ACK, 4, 0x10);
}

NEGATIVE_TEST(neg_mmio9_unaligned_config_read, "MMIO-9")
{
    live(r);
    (void)raw_config_rd(r, 2, 4); /* capacity is a 64-bit field: 32-bit halves, aligned */
}

NEGATIVE_TEST(neg_mmio10_empty_slot_status_read, "MMIO-10")
{
    raw_blk(r, RAW_MMIO2, NULL);
    r->base = (uintptr_t)VSIM_MMIO_SLOT_BASE(RAW_SLOT + 1); /* the slot next to it is empty */
    ck_assert_uint_eq(raw_rd(r, VSIM_MMIO_MAGIC_VALUE, 4), VSIM_MMIO_MAGIC);
    ck_assert_uint_eq(raw_rd(r, VSIM_MMIO_DEVICE_ID, 4), 0);
    raw_clean(r);
    (void)raw_rd(r, VSIM_MMIO_STATUS, 4);
}

NEGATIVE_TEST(neg_mmio11_queue_pfn_before_guest_page_size, "MMIO-11")
{
    raw_blk(r, RAW_MMIO1, NULL);
    raw_start(r, 0);
    raw_ring(r, 0, 8);
    raw_wr(r, VSIM_MMIO_QUEUE_SEL, 4, 0);
    raw_wr(r, VSIM_MMIO_QUEUE_NUM, 4, 8);
    raw_wr(r, VSIM_MMIO_QUEUE_ALIGN, 4, 4096);
    raw_clean(r);
    raw_wr(r, VSIM_MMIO_QUEUE_PFN, 4, (uint32_t)(r->q[0].pa / 4096));
}

NEGATIVE_TEST(neg_mmio12_notify_of_a_disabled_queue, "MMIO-12")
{
    live(r);
    raw_notify(r, 1); /* the block device has one queue */
}

NEGATIVE_TEST(neg_mmio13_queue_ready_zero_not_read_back, "MMIO-13")
{
    live(r);
    raw_wr(r, VSIM_MMIO_QUEUE_SEL, 4, 0);
    raw_wr(r, VSIM_MMIO_QUEUE_READY, 4, 0);
    raw_set_status(r, 0); /* moves on without reading QueueReady back */
}

NEGATIVE_TEST(neg_mmio14_ack_without_reading_status, "MMIO-14")
{
    live(r);
    raw_wr(r, VSIM_MMIO_INTERRUPT_ACK, 4, VSIM_ISR_QUEUE);
}

NEGATIVE_TEST(neg_mmio15_shm_length_read, "MMIO-15")
{
    probed(r);
    (void)raw_rd(r, 0x0b0, 4); /* SHMLenLow */
}

NEGATIVE_TEST(neg_mmio16_status_before_probe, "MMIO-16")
{
    raw_blk(r, RAW_MMIO2, NULL);
    raw_set_status(r, 0);
}

Suite *vio_test_suite(void)
{
    Suite *s = suite_create("conform_mmio");
    TCase *tc = tcase_create("mmio");
    tcase_add_checked_fixture(tc, NULL, raw_teardown);
    tcase_add_test(tc, neg_mmio1_16bit_register_read);
    tcase_add_test(tc, neg_mmio2_device_id_written);
    tcase_add_test(tc, neg_mmio3_queue_notify_read);
    tcase_add_test(tc, neg_mmio4_hole_read);
    tcase_add_test(tc, neg_mmio5_device_features_read_unselected);
    tcase_add_test(tc, neg_mmio6_queue_num_above_max);
    tcase_add_test(tc, neg_mmio7_queue_num_written_while_ready);
    tcase_add_test(tc, neg_mmio8_ack_with_an_undefined_bit);
    tcase_add_test(tc, neg_mmio9_unaligned_config_read);
    tcase_add_test(tc, neg_mmio10_empty_slot_status_read);
    tcase_add_test(tc, neg_mmio11_queue_pfn_before_guest_page_size);
    tcase_add_test(tc, neg_mmio12_notify_of_a_disabled_queue);
    tcase_add_test(tc, neg_mmio13_queue_ready_zero_not_read_back);
    tcase_add_test(tc, neg_mmio14_ack_without_reading_status);
    tcase_add_test(tc, neg_mmio15_shm_length_read);
    tcase_add_test(tc, neg_mmio16_status_before_probe);
    suite_add_tcase(s, tc);
    return s;
}
