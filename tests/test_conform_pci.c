/*
 * Negative proofs of the Virtio Over PCI Bus rules: a block device as PCI
 * function 00:01.0, reached through raw ECAM and BAR4 accesses, each test
 * breaking one rule of the configuration space, the capabilities, the
 * common configuration or the notification area.
 */
#include <check.h>

#include "raw_driver.h"

#define V1 VSIM_BIT(VSIM_F_VERSION_1)
#define PCI_COMMAND 0x04u
#define PCI_BAR4 0x20u
#define PCI_CAP_PTR 0x34u
#define PCI_CAP_VNDR 0x09u
#define PCI_CMD_MEMORY 0x2u

static void on_pci(struct raw *r)
{
    raw_blk(r, RAW_PCI, NULL);
    raw_probe(r);
    raw_clean(r);
}

/* The configuration-space offset of the virtio capability of @cfg_type. */
static uint32_t find_cap(struct raw *r, uint8_t cfg_type)
{
    for (uint32_t cap = raw_cfg_rd(r, PCI_CAP_PTR, 1), n = 0; cap && n < 48; n++) {
        if (raw_cfg_rd(r, cap, 1) == PCI_CAP_VNDR && raw_cfg_rd(r, cap + 3, 1) == cfg_type)
            return cap;
        cap = raw_cfg_rd(r, cap + 1, 1);
    }
    ck_abort_msg("no capability of cfg_type %u", cfg_type);
    return 0;
}

NEGATIVE_TEST(neg_pci1_common_field_wrong_width, "PCI-1")
{
    on_pci(r);
    (void)raw_rd(r, RAW_C_DEVICE_STATUS, 4); /* an 8-bit field */
}

NEGATIVE_TEST(neg_pci2_capability_written, "PCI-2")
{
    on_pci(r);
    uint32_t cap = find_cap(r, VSIM_PCI_CAP_COMMON_CFG);
    raw_cfg_wr(r, cap + 3, 1, VSIM_PCI_CAP_DEVICE_CFG);
}

NEGATIVE_TEST(neg_pci3_num_queues_written, "PCI-3")
{
    on_pci(r);
    raw_wr(r, RAW_C_NUM_QUEUES, 2, 4);
}

NEGATIVE_TEST(neg_pci4_queue_size_not_a_power_of_two, "PCI-4")
{
    raw_blk(r, RAW_PCI, NULL);
    ck_assert(raw_negotiate(r, V1));
    raw_wr(r, RAW_C_QUEUE_SELECT, 2, 0);
    raw_clean(r);
    raw_wr(r, RAW_C_QUEUE_SIZE, 2, 6);
}

NEGATIVE_TEST(neg_pci5_queue_enabled_unconfigured, "PCI-5")
{
    raw_blk(r, RAW_PCI, NULL);
    ck_assert(raw_negotiate(r, V1));
    raw_wr(r, RAW_C_QUEUE_SELECT, 2, 0);
    raw_clean(r);
    raw_wr(r, RAW_C_QUEUE_ENABLE, 2, 1); /* no queue_desc, queue_driver, queue_device yet */
}

NEGATIVE_TEST(neg_pci6_queue_enable_zero, "PCI-6")
{
    raw_blk(r, RAW_PCI, NULL);
    ck_assert(raw_negotiate(r, V1));
    raw_wr(r, RAW_C_QUEUE_SELECT, 2, 0);
    raw_clean(r);
    raw_wr(r, RAW_C_QUEUE_ENABLE, 2, 0);
}

NEGATIVE_TEST(neg_pci7_reinit_before_reading_zero, "PCI-7")
{
    on_pci(r);
    raw_set_status(r, 0);
    raw_set_status(r, VSIM_STATUS_ACKNOWLEDGE);
}

NEGATIVE_TEST(neg_pci8_notify_32bit, "PCI-8")
{
    raw_blk(r, RAW_PCI, NULL);
    raw_live(r, V1, 1);
    raw_clean(r);
    raw_wr(r, VSIM_PCI_NOTIFY_OFF, 4, 0);
}

NEGATIVE_TEST(neg_pci9_malformed_function_touched, "PCI-9")
{
    struct vsim_blk *b = vsim_blk_new(r->m, NULL);
    ck_assert_ptr_nonnull(b);
    struct vsim_pci_attach_opts o = {.malform = VSIM_PCI_MALFORM_NO_NOTIFY};
    ck_assert_int_eq(vsim_pci_attach(r->m, RAW_PCI_DEV, 0, vsim_blk_device(b), &o), 0);
    r->bus = RAW_PCI;
    r->base = (uintptr_t)VSIM_PCI_MEM32_BASE;
    raw_cfg_wr(r, PCI_BAR4, 4, (uint32_t)VSIM_PCI_MEM32_BASE);
    raw_cfg_wr(r, PCI_BAR4 + 4, 4, 0);
    raw_cfg_wr(r, PCI_COMMAND, 2, PCI_CMD_MEMORY);
    raw_clean(r);
    (void)raw_status(r); /* a driver that had read the capabilities would not be here */
}

NEGATIVE_TEST(neg_pci10_bar_sized_while_decoding, "PCI-10")
{
    on_pci(r);
    raw_cfg_wr(r, PCI_BAR4, 4, UINT32_MAX);
}

NEGATIVE_TEST(neg_pci11_unaligned_config_read, "PCI-11")
{
    on_pci(r);
    (void)raw_cfg_rd(r, 1, 2);
}

NEGATIVE_TEST(neg_pci12_queue_enabled_without_bus_master, "PCI-12")
{
    raw_blk(r, RAW_PCI, NULL);
    raw_cfg_wr(r, PCI_COMMAND, 2, PCI_CMD_MEMORY);
    ck_assert(raw_negotiate(r, V1));
    raw_clean(r);
    raw_queue(r, 0, 8);
}

NEGATIVE_TEST(neg_pci13_pci_cfg_window_unaligned, "PCI-13")
{
    on_pci(r);
    uint32_t cap = find_cap(r, VSIM_PCI_CAP_PCI_CFG);
    raw_cfg_wr(r, cap + 4, 1, VSIM_PCI_VIRTIO_BAR);
    raw_cfg_wr(r, cap + 8, 4, RAW_C_QUEUE_SELECT + 1); /* cap.offset not a multiple of 2 */
    raw_cfg_wr(r, cap + 12, 4, 2);
    raw_clean(r);
    (void)raw_cfg_rd(r, cap + 16, 4);
}

Suite *vio_test_suite(void)
{
    Suite *s = suite_create("conform_pci");
    TCase *tc = tcase_create("pci");
    tcase_add_checked_fixture(tc, NULL, raw_teardown);
    tcase_add_test(tc, neg_pci1_common_field_wrong_width);
    tcase_add_test(tc, neg_pci2_capability_written);
    tcase_add_test(tc, neg_pci3_num_queues_written);
    tcase_add_test(tc, neg_pci4_queue_size_not_a_power_of_two);
    tcase_add_test(tc, neg_pci5_queue_enabled_unconfigured);
    tcase_add_test(tc, neg_pci6_queue_enable_zero);
    tcase_add_test(tc, neg_pci7_reinit_before_reading_zero);
    tcase_add_test(tc, neg_pci8_notify_32bit);
    tcase_add_test(tc, neg_pci9_malformed_function_touched);
    tcase_add_test(tc, neg_pci10_bar_sized_while_decoding);
    tcase_add_test(tc, neg_pci11_unaligned_config_read);
    tcase_add_test(tc, neg_pci12_queue_enabled_without_bus_master);
    tcase_add_test(tc, neg_pci13_pci_cfg_window_unaligned);
    suite_add_tcase(s, tc);
    return s;
}
