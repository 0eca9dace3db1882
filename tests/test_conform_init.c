/*
 * Negative proofs of the status, reset, initialization, feature and
 * configuration rules: each test drives the device with raw register writes
 * through one deliberately wrong step, and must record exactly its rule.
 */
#include <check.h>

#include "raw_driver.h"

#define ACK VSIM_STATUS_ACKNOWLEDGE
#define DRV VSIM_STATUS_DRIVER
#define FOK VSIM_STATUS_FEATURES_OK
#define DOK VSIM_STATUS_DRIVER_OK
#define V1 VSIM_BIT(VSIM_F_VERSION_1)

/* ---- Device Status Field, Device Reset, Device Initialization ---- */

NEGATIVE_TEST(neg_status1_driver_bit_cleared, "STATUS-1")
{
    raw_blk(r, RAW_MMIO2, NULL);
    ck_assert(raw_negotiate(r, V1));
    raw_clean(r);
    raw_set_status(r, ACK | FOK); /* DRIVER dropped without a reset */
}

NEGATIVE_TEST(neg_status2_driver_before_acknowledge, "STATUS-2")
{
    raw_blk(r, RAW_MMIO2, NULL);
    raw_probe(r);
    raw_reset(r);
    raw_set_status(r, DRV);
}

NEGATIVE_TEST(neg_status3_reinit_after_failed, "STATUS-3")
{
    raw_blk(r, RAW_MMIO2, NULL);
    ck_assert(raw_negotiate(r, V1));
    raw_set_status(r, ACK | DRV | FOK | VSIM_STATUS_FAILED);
    raw_clean(r);
    raw_set_status(r, ACK | DRV | FOK | VSIM_STATUS_FAILED | DOK); /* carries on, no reset */
}

NEGATIVE_TEST(neg_reset1_reinit_without_reading_zero, "RESET-1")
{
    raw_blk(r, RAW_MMIO2, NULL);
    raw_probe(r);
    raw_set_status(r, 0);
    raw_set_status(r, ACK); /* the reset was never seen to complete */
}

NEGATIVE_TEST(neg_init1_notify_before_driver_ok, "INIT-1")
{
    raw_blk(r, RAW_MMIO2, NULL);
    ck_assert(raw_negotiate(r, V1));
    raw_queue(r, 0, 8);
    raw_clean(r);
    raw_notify(r, 0);
}

NEGATIVE_TEST(neg_init2_queue_enabled_before_features_ok, "INIT-2")
{
    raw_blk(r, RAW_MMIO2, NULL);
    raw_start(r, V1);
    raw_clean(r);
    raw_queue(r, 0, 8);
}

NEGATIVE_TEST(neg_init3_acknowledge_without_reset, "INIT-3")
{
    raw_blk(r, RAW_MMIO2, NULL);
    raw_probe(r);
    raw_set_status(r, ACK);
}

NEGATIVE_TEST(neg_init4_features_written_unread, "INIT-4")
{
    raw_blk(r, RAW_MMIO2, NULL);
    raw_probe(r);
    raw_reset(r);
    raw_set_status(r, ACK);
    raw_set_status(r, ACK | DRV);
    raw_clean(r);
    raw_accept(r, V1); /* a subset of what it never read */
}

NEGATIVE_TEST(neg_init5_features_ok_not_read_back, "INIT-5")
{
    raw_blk(r, RAW_MMIO2, NULL);
    raw_start(r, V1);
    raw_set_status(r, ACK | DRV | FOK);
    raw_clean(r);
    raw_queue(r, 0, 8); /* setup goes on without knowing FEATURES_OK held */
}

NEGATIVE_TEST(neg_init6_driver_ok_after_refusal, "INIT-6")
{
    raw_blk(r, RAW_MMIO2, NULL);
    raw_fault(r, "blk:features_ok_refuse@1");
    ck_assert(!raw_negotiate(r, V1));
    raw_clean(r);
    raw_set_status(r, ACK | DRV | FOK | DOK);
}

NEGATIVE_TEST(neg_init7_config_written_before_features_ok, "INIT-7")
{
    raw_gpu(r, RAW_MMIO2, NULL);
    raw_start(r, V1);
    raw_clean(r);
    raw_config_wr(r, VSIM_GPU_CFG_EVENTS_CLEAR, 4, 1);
}

/* ---- Feature Bits, Reserved Feature Bits ---- */

NEGATIVE_TEST(neg_feat1_unoffered_feature_accepted, "FEAT-1")
{
    raw_blk(r, RAW_MMIO2, NULL);
    ck_assert(!raw_negotiate(r, V1 | VSIM_BIT(VSIM_BLK_F_MQ)));
}

NEGATIVE_TEST(neg_feat2_features_written_after_features_ok, "FEAT-2")
{
    raw_blk(r, RAW_MMIO2, NULL);
    ck_assert(raw_negotiate(r, V1));
    raw_clean(r);
    raw_accept(r, V1 | VSIM_BIT(VSIM_BLK_F_FLUSH));
}

NEGATIVE_TEST(neg_feat3_version_1_not_accepted, "FEAT-3")
{
    raw_blk(r, RAW_MMIO2, NULL);
    ck_assert(!raw_negotiate(r, VSIM_BIT(VSIM_BLK_F_FLUSH)));
}

NEGATIVE_TEST(neg_feat4_reserved_bit_accepted, "FEAT-4")
{
    uint64_t reserved = VSIM_BIT(25); /* Feature Bits: 24-40 hold no bit 25 */
    raw_custom(r, RAW_MMIO2, VSIM_ID_BLOCK, V1 | reserved);
    ck_assert(!raw_negotiate(r, V1 | reserved));
}

NEGATIVE_TEST(neg_feat5_guest_tso4_without_guest_csum, "FEAT-5")
{
    const uint64_t guest_csum = VSIM_BIT(1), guest_tso4 = VSIM_BIT(7);
    raw_custom(r, RAW_MMIO2, VSIM_ID_NET, V1 | guest_csum | guest_tso4);
    ck_assert(!raw_negotiate(r, V1 | guest_tso4));
}

NEGATIVE_TEST(neg_feat6_sr_iov_accepted, "FEAT-6")
{
    const uint64_t sr_iov = VSIM_BIT(37);
    raw_custom(r, RAW_PCI, VSIM_ID_BLOCK, V1 | sr_iov);
    ck_assert(!raw_negotiate(r, V1 | sr_iov));
}

/* ---- Device Configuration Space ---- */

NEGATIVE_TEST(neg_cfg1_config_read_past_the_end, "CFG-1")
{
    raw_blk(r, RAW_MMIO2, NULL);
    raw_live(r, V1, 1);
    raw_clean(r);
    (void)raw_config_rd(r, VSIM_BLK_CFG_SIZE, 4);
}

NEGATIVE_TEST(neg_cfg2_gpu_events_read_written, "CFG-2")
{
    raw_gpu(r, RAW_MMIO2, NULL);
    raw_live(r, V1, 2);
    raw_clean(r);
    raw_config_wr(r, VSIM_GPU_CFG_EVENTS_READ, 4, 0);
}

NEGATIVE_TEST(neg_cfg3_blk_size_read_without_the_feature, "CFG-3")
{
    raw_blk(r, RAW_MMIO2, &(struct vsim_blk_opts){.features_off = VSIM_BIT(VSIM_BLK_F_BLK_SIZE)});
    raw_live(r, V1, 1);
    raw_clean(r);
    (void)raw_config_rd(r, VSIM_BLK_CFG_BLK_SIZE, 4);
}

Suite *vio_test_suite(void)
{
    Suite *s = suite_create("conform_init");
    TCase *tc = tcase_create("status_reset_init");
    tcase_add_checked_fixture(tc, NULL, raw_teardown);
    tcase_add_test(tc, neg_status1_driver_bit_cleared);
    tcase_add_test(tc, neg_status2_driver_before_acknowledge);
    tcase_add_test(tc, neg_status3_reinit_after_failed);
    tcase_add_test(tc, neg_reset1_reinit_without_reading_zero);
    tcase_add_test(tc, neg_init1_notify_before_driver_ok);
    tcase_add_test(tc, neg_init2_queue_enabled_before_features_ok);
    tcase_add_test(tc, neg_init3_acknowledge_without_reset);
    tcase_add_test(tc, neg_init4_features_written_unread);
    tcase_add_test(tc, neg_init5_features_ok_not_read_back);
    tcase_add_test(tc, neg_init6_driver_ok_after_refusal);
    tcase_add_test(tc, neg_init7_config_written_before_features_ok);
    suite_add_tcase(s, tc);

    tc = tcase_create("features_config");
    tcase_add_checked_fixture(tc, NULL, raw_teardown);
    tcase_add_test(tc, neg_feat1_unoffered_feature_accepted);
    tcase_add_test(tc, neg_feat2_features_written_after_features_ok);
    tcase_add_test(tc, neg_feat3_version_1_not_accepted);
    tcase_add_test(tc, neg_feat4_reserved_bit_accepted);
    tcase_add_test(tc, neg_feat5_guest_tso4_without_guest_csum);
    tcase_add_test(tc, neg_feat6_sr_iov_accepted);
    tcase_add_test(tc, neg_cfg1_config_read_past_the_end);
    tcase_add_test(tc, neg_cfg2_gpu_events_read_written);
    tcase_add_test(tc, neg_cfg3_blk_size_read_without_the_feature);
    suite_add_tcase(s, tc);
    return s;
}
