/*
 * The bench's virtio-pci register model on its own: register side effects
 * and each PCI-n conformance rule, provoked by raw accesses through the sim
 * HAL, so a driver that broke one would be caught.
 */
#include <check.h>
#include <stdlib.h>

#include "vio/err.h"
#include "vio/pci.h"
#include "vsim/blk.h"
#include "vsim/pci.h"
#include "vsim/spec.h"

static const uint16_t BDF = VIO_PCI_BDF(0, 1, 0);

static struct vsim_machine *m;
static const struct vio_hal *hal;
static struct vio_pci_root root;
static struct vsim_blk *blk;
static uintptr_t bar4; /* the virtio structures */

static size_t count(const char *id)
{
    return vsim_conform_count_rule(vsim_machine_conform(m), vsim_rule_by_id(id));
}

static void start(enum vsim_pci_malform malform)
{
    m = vsim_machine_new(&(struct vsim_machine_opts){.mem_size = 1u << 20, .spin_limit = 64});
    ck_assert_ptr_nonnull(m);
    hal = vsim_machine_hal(m);
    blk = vsim_blk_new(m, &(struct vsim_blk_opts){.capacity = 16});
    struct vsim_pci_attach_opts o = {.malform = malform};
    ck_assert_int_eq(vsim_pci_attach(m, 1, 0, vsim_blk_device(blk), &o), 0);
    struct vio_pci_root_config c = {.cfg_base = VSIM_PCI_ECAM_BASE,
                                    .mech = VIO_PCI_ECAM,
                                    .mem32_base = VSIM_PCI_MEM32_BASE,
                                    .mem32_size = VSIM_PCI_MEM32_SIZE};
    ck_assert_int_eq(vio_pci_root_init(&root, hal, &c), 0);
    ck_assert_int_eq(vio_pci_assign_resources(&root), 0);
    struct vio_pci_bar bar;
    ck_assert_int_eq(vio_pci_bar_probe(&root, BDF, VSIM_PCI_VIRTIO_BAR, &bar), 0);
    bar4 = (uintptr_t)bar.addr;
    ck_assert_uint_eq(count("PCI-10"), 0);
}

static void setup(void)
{
    start(VSIM_PCI_MALFORM_NONE);
}

static void teardown(void)
{
    ck_assert_uint_eq(vsim_machine_dma_pages_in_use(m), 0);
    vsim_machine_free(m);
}

static uint8_t r8(uint32_t off)
{
    return hal->read8(hal->ctx, bar4 + off);
}
static uint16_t r16(uint32_t off)
{
    return hal->read16(hal->ctx, bar4 + off);
}
static uint32_t r32(uint32_t off)
{
    return hal->read32(hal->ctx, bar4 + off);
}
static void w8(uint32_t off, uint8_t v)
{
    hal->write8(hal->ctx, bar4 + off, v);
}
static void w16(uint32_t off, uint16_t v)
{
    hal->write16(hal->ctx, bar4 + off, v);
}
static void w32(uint32_t off, uint32_t v)
{
    hal->write32(hal->ctx, bar4 + off, v);
}

/* Modern init up to FEATURES_OK, the way a driver would. */
static void features_ok(void)
{
    w8(0x14, 0);
    ck_assert_uint_eq(r8(0x14), 0);
    w8(0x14, VSIM_STATUS_ACKNOWLEDGE);
    w8(0x14, VSIM_STATUS_ACKNOWLEDGE | VSIM_STATUS_DRIVER);
    w32(0x00, 0);
    (void)r32(0x04);
    w32(0x00, 1);
    (void)r32(0x04);
    w32(0x08, 1);
    w32(0x0c, 1); /* VERSION_1 */
    w32(0x08, 0);
    w32(0x0c, 0);
    w8(0x14, VSIM_STATUS_ACKNOWLEDGE | VSIM_STATUS_DRIVER | VSIM_STATUS_FEATURES_OK);
    ck_assert_uint_eq(r8(0x14) & VSIM_STATUS_FEATURES_OK, VSIM_STATUS_FEATURES_OK);
}

/* Queue 0 of size 16 on a ring in guest memory. */
static void *enable_queue0(void)
{
    uint8_t *ring = vsim_machine_mem_alloc(m, 3 * 4096);
    uint64_t pa = vsim_machine_paddr(m, ring);
    w16(0x16, 0);
    w16(0x18, 16);
    w32(0x20, (uint32_t)pa);
    w32(0x24, 0);
    w32(0x28, (uint32_t)(pa + 4096));
    w32(0x2c, 0);
    w32(0x30, (uint32_t)(pa + 8192));
    w32(0x34, 0);
    w16(0x1c, 1);
    ck_assert_uint_eq(r16(0x1c), 1);
    return ring;
}

START_TEST(common_configuration_side_effects)
{
    ck_assert_uint_eq(r16(0x12), 1); /* num_queues */
    w32(0x00, 1);
    ck_assert_uint_eq(r32(0x04), 1); /* VERSION_1 is bit 32 */
    w32(0x00, 7);
    ck_assert_uint_eq(r32(0x04), 0);
    ck_assert_uint_eq(r16(0x18), 256); /* queue_size reads the maximum after reset */
    w16(0x16, 1);
    ck_assert_uint_eq(r16(0x18), 0); /* no queue 1 */
    ck_assert_uint_eq(r16(0x10), 0xffff);
    features_ok();
    ck_assert_uint_eq(r32(0x0c), 0); /* driver_feature_select 0: the accepted low word */
    void *ring = enable_queue0();
    ck_assert_uint_eq(r16(0x1e), 0); /* queue_notify_off */
    /* reset clears the queue state and the selects */
    w8(0x14, 0);
    ck_assert_uint_eq(r8(0x14), 0);
    ck_assert_uint_eq(r16(0x1c), 0);
    ck_assert_uint_eq(r16(0x18), 256);
    vsim_machine_mem_free(m, ring);
    ck_assert_uint_eq(vsim_conform_count(vsim_machine_conform(m)), 0);
}
END_TEST

START_TEST(isr_read_clears_and_shows_in_the_status_register)
{
    ck_assert_int_eq(vsim_blk_set_capacity(blk, 32), 0); /* a configuration change */
    ck_assert_uint_ne(vio_pci_cfg_read16(&root, BDF, VIO_PCI_STATUS) & 0x08, 0);
    ck_assert_uint_eq(r8(VSIM_PCI_ISR_OFF), VSIM_ISR_CONFIG);
    ck_assert_uint_eq(r8(VSIM_PCI_ISR_OFF), 0);
    ck_assert_uint_eq(vio_pci_cfg_read16(&root, BDF, VIO_PCI_STATUS) & 0x08, 0);
    ck_assert_uint_eq(r8(0x15), 1); /* config_generation moved */
}
END_TEST

START_TEST(pci_cfg_capability_is_a_window_into_bar4)
{
    uint8_t cap = 0x84; /* the last capability of the list */
    ck_assert_uint_eq(vio_pci_cfg_read8(&root, BDF, cap + 3), VSIM_PCI_CAP_PCI_CFG);
    vio_pci_cfg_write8(&root, BDF, cap + 4, VSIM_PCI_VIRTIO_BAR);
    vio_pci_cfg_write32(&root, BDF, cap + 8, 0x12);
    vio_pci_cfg_write32(&root, BDF, cap + 12, 2);
    ck_assert_uint_eq(vio_pci_cfg_read32(&root, BDF, cap + 16) & 0xffff, 1); /* num_queues */
    vio_pci_cfg_write32(&root, BDF, cap + 8, 0x16);
    vio_pci_cfg_write32(&root, BDF, cap + 16, 5); /* queue_select through the window */
    ck_assert_uint_eq(r16(0x16), 5);
    ck_assert_uint_eq(vsim_conform_count(vsim_machine_conform(m)), 0);
    /* a misaligned window is refused */
    vio_pci_cfg_write32(&root, BDF, cap + 8, 0x13);
    vio_pci_cfg_read32(&root, BDF, cap + 16);
    ck_assert_uint_eq(count("PCI-13"), 1);
}
END_TEST

START_TEST(rule_pci1_field_width)
{
    r32(0x14); /* device_status is 8 bits */
    r16(0x20); /* queue_desc halves are 32 bits */
    r32(0x38); /* past the common configuration */
    r16(VSIM_PCI_ISR_OFF);
    r32(VSIM_PCI_DEVICE_OFF + 2);   /* unaligned device configuration */
    r8(VSIM_PCI_DEVICE_OFF + 0x40); /* past the device configuration */
    ck_assert_uint_eq(count("PCI-1"), 6);
}
END_TEST

START_TEST(rule_pci2_capabilities_are_not_written)
{
    vio_pci_cfg_write8(&root, BDF, 0x4c, 0xff); /* common cap length */
    ck_assert_uint_eq(count("PCI-2"), 1);
    ck_assert_uint_eq(vio_pci_cfg_read8(&root, BDF, 0x4c), VSIM_PCI_COMMON_LEN);
}
END_TEST

START_TEST(rule_pci3_read_only_fields)
{
    w16(0x12, 4);
    w32(0x04, 1);
    w8(0x15, 1);
    w16(0x1e, 1);
    ck_assert_uint_eq(count("PCI-3"), 4);
    ck_assert_uint_eq(r16(0x12), 1);
}
END_TEST

START_TEST(rule_pci4_queue_size)
{
    w16(0x18, 3);
    w16(0x18, 512);
    w16(0x18, 0);
    w16(0x16, 9);
    w16(0x18, 16); /* queue 9 does not exist */
    ck_assert_uint_eq(count("PCI-4"), 4);
}
END_TEST

START_TEST(rules_pci5_pci6_live_queue)
{
    features_ok();
    void *ring = enable_queue0();
    w16(0x18, 8);
    w32(0x20, 0x1000);
    w16(0x1c, 0);
    ck_assert_uint_eq(count("PCI-5"), 2);
    ck_assert_uint_eq(count("PCI-6"), 1);
    ck_assert_uint_eq(r16(0x18), 16);
    w8(0x14, 0);
    vsim_machine_mem_free(m, ring);
}
END_TEST

START_TEST(rule_pci7_reset_read_back)
{
    w8(0x14, 0);
    w8(0x14, VSIM_STATUS_ACKNOWLEDGE);
    ck_assert_uint_eq(count("PCI-7"), 1);
    /* with the read in between it is fine */
    w8(0x14, 0);
    ck_assert_uint_eq(r8(0x14), 0);
    w8(0x14, VSIM_STATUS_ACKNOWLEDGE);
    ck_assert_uint_eq(count("PCI-7"), 1);
}
END_TEST

START_TEST(rule_pci8_notifications)
{
    features_ok();
    void *ring = enable_queue0();
    w8(0x14, VSIM_STATUS_ACKNOWLEDGE | VSIM_STATUS_DRIVER | VSIM_STATUS_FEATURES_OK |
                 VSIM_STATUS_DRIVER_OK);
    w16(VSIM_PCI_NOTIFY_OFF, 0);     /* right */
    w16(VSIM_PCI_NOTIFY_OFF, 1);     /* wrong index for the address */
    w32(VSIM_PCI_NOTIFY_OFF, 0);     /* wrong width */
    w16(VSIM_PCI_NOTIFY_OFF + 4, 1); /* queue 1 does not exist */
    r16(VSIM_PCI_NOTIFY_OFF);
    ck_assert_uint_eq(count("PCI-8"), 4);
    w8(0x14, 0);
    vsim_machine_mem_free(m, ring);
}
END_TEST

START_TEST(rule_pci9_malformed_function_is_left_alone)
{
    vsim_machine_free(m);
    start(VSIM_PCI_MALFORM_NO_NOTIFY);
    r16(0x12);
    ck_assert_uint_eq(count("PCI-9"), 1);
}
END_TEST

START_TEST(rule_pci10_bars_and_bus_mastering)
{
    /* a queue enabled with bus mastering off */
    vio_pci_cfg_write16(&root, BDF, VIO_PCI_COMMAND, VIO_PCI_COMMAND_MEMORY);
    features_ok();
    void *ring = enable_queue0();
    ck_assert_uint_eq(count("PCI-12"), 1);
    w8(0x14, 0);
    vsim_machine_mem_free(m, ring);
    /* sizing a BAR while memory decode is on: the all-ones address is outside the window too */
    vio_pci_cfg_write32(&root, BDF, VIO_PCI_BAR0 + 4, UINT32_MAX);
    ck_assert_uint_eq(count("PCI-10"), 2);
    /* a BAR moved outside the window does not decode */
    vio_pci_cfg_write32(&root, BDF, VIO_PCI_BAR0 + 4, 0x10000000);
    ck_assert_uint_eq(count("PCI-10"), 3);
    /* an unaligned configuration read */
    hal->read16(hal->ctx, VSIM_PCI_ECAM_BASE + VSIM_PCI_ECAM_OFF(1, 0) + 1);
    ck_assert_uint_eq(count("PCI-11"), 1);
}
END_TEST

START_TEST(malform_names_round_trip)
{
    for (unsigned i = 0; i < VSIM_PCI_MALFORM_COUNT; i++)
        ck_assert_uint_eq(vsim_pci_malform_by_name(vsim_pci_malform_name(i)), i);
    ck_assert_uint_eq(vsim_pci_malform_by_name("nonsense"), VSIM_PCI_MALFORM_COUNT);
    /* slot rules: 00:00.0 is the host bridge, a function is attached once */
    struct vsim_blk *b = vsim_blk_new(m, NULL);
    ck_assert_int_eq(vsim_pci_attach(m, 0, 0, vsim_blk_device(b), NULL), VIO_ERR_INVALID_PARAM);
    ck_assert_int_eq(vsim_pci_attach(m, 1, 0, vsim_blk_device(b), NULL), VIO_ERR_INVALID_PARAM);
    ck_assert_int_eq(vsim_pci_attach(m, 2, 0, vsim_blk_device(blk), NULL), VIO_ERR_INVALID_PARAM);
    ck_assert_int_eq(vsim_pci_attach(m, 2, 0, vsim_blk_device(b), NULL), 0);
}
END_TEST

Suite *vio_test_suite(void)
{
    Suite *s = suite_create("pci_rules");
    TCase *tc = tcase_create("model");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, common_configuration_side_effects);
    tcase_add_test(tc, isr_read_clears_and_shows_in_the_status_register);
    tcase_add_test(tc, pci_cfg_capability_is_a_window_into_bar4);
    tcase_add_test(tc, rule_pci1_field_width);
    tcase_add_test(tc, rule_pci2_capabilities_are_not_written);
    tcase_add_test(tc, rule_pci3_read_only_fields);
    tcase_add_test(tc, rule_pci4_queue_size);
    tcase_add_test(tc, rules_pci5_pci6_live_queue);
    tcase_add_test(tc, rule_pci7_reset_read_back);
    tcase_add_test(tc, rule_pci8_notifications);
    tcase_add_test(tc, rule_pci9_malformed_function_is_left_alone);
    tcase_add_test(tc, rule_pci10_bars_and_bus_mastering);
    tcase_add_test(tc, malform_names_round_trip);
    suite_add_tcase(s, tc);
    return s;
}
