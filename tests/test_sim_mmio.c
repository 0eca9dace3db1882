/* The MMIO register model, v1 and v2, driven by hand-written register sequences. */
#include <check.h>
#include <string.h>

#include "test_sim_helpers.h"
#include "vsim/blk.h"

static struct vsim_machine *m;
static struct vsim_blk *blk;
static struct simt_ring ring;
static const uint32_t ACK_DRV = VSIM_STATUS_ACKNOWLEDGE | VSIM_STATUS_DRIVER;
static const uint64_t MODERN = VSIM_BIT(VSIM_F_VERSION_1);

static void setup_v(unsigned version)
{
    m = vsim_machine_new(&(struct vsim_machine_opts){.mem_size = 1u << 20});
    ck_assert_ptr_nonnull(m);
    blk = vsim_blk_attach(m, 0, version, &(struct vsim_blk_opts){.capacity = 64});
    ck_assert_ptr_nonnull(blk);
    simt_ring_alloc(m, &ring, 8, version == 1);
}
static void setup2(void)
{
    setup_v(2);
}
static void setup1(void)
{
    setup_v(1);
}

static void teardown(void)
{
    simt_ring_free(m, &ring);
    simt_assert_no_leaks(m);
    vsim_machine_free(m);
}

static size_t violations(void)
{
    return vsim_conform_count(vsim_machine_conform(m));
}

START_TEST(identity_registers_read_back)
{
    ck_assert_uint_eq(simt_r32(m, 0, VSIM_MMIO_MAGIC_VALUE), 0x74726976);
    ck_assert_uint_eq(simt_r32(m, 0, VSIM_MMIO_VERSION), 2);
    ck_assert_uint_eq(simt_r32(m, 0, VSIM_MMIO_DEVICE_ID), 2);
    ck_assert_uint_eq(simt_r32(m, 0, VSIM_MMIO_VENDOR_ID), VSIM_MMIO_VENDOR);
    simt_w32(m, 0, VSIM_MMIO_DEVICE_FEATURES_SEL, 1);
    ck_assert_uint_eq(simt_r32(m, 0, VSIM_MMIO_DEVICE_FEATURES) & 1, 1); /* VERSION_1 */
    simt_w32(m, 0, VSIM_MMIO_DEVICE_FEATURES_SEL, 0);
    uint32_t lo = simt_r32(m, 0, VSIM_MMIO_DEVICE_FEATURES);
    ck_assert(lo & (1u << VSIM_F_EVENT_IDX));
    ck_assert(lo & (1u << VSIM_F_INDIRECT_DESC));
    simt_w32(m, 0, VSIM_MMIO_DEVICE_FEATURES_SEL, 7);
    ck_assert_uint_eq(simt_r32(m, 0, VSIM_MMIO_DEVICE_FEATURES), 0);
    ck_assert_uint_eq(violations(), 0);
}
END_TEST

START_TEST(empty_slot_reads_device_id_zero_and_records_any_other_access)
{
    ck_assert_uint_eq(simt_r32(m, 5, VSIM_MMIO_MAGIC_VALUE), 0x74726976);
    ck_assert_uint_eq(simt_r32(m, 5, VSIM_MMIO_VERSION), 2);
    ck_assert_uint_eq(simt_r32(m, 5, VSIM_MMIO_DEVICE_ID), 0);
    ck_assert_uint_eq(violations(), 0);
    ck_assert_uint_eq(simt_r32(m, 5, VSIM_MMIO_STATUS), 0);
    simt_w32(m, 5, VSIM_MMIO_STATUS, 1);
    simt_w32(m, 5, VSIM_MMIO_CONFIG, 1);
    ck_assert_uint_eq(simt_count(m, "MMIO-10"), 3);
}
END_TEST

START_TEST(wrong_width_and_unaligned_register_accesses_are_dropped)
{
    const struct vio_hal *h = vsim_machine_hal(m);
    uintptr_t base = (uintptr_t)VSIM_MMIO_SLOT_BASE(0);
    simt_w32(m, 0, VSIM_MMIO_STATUS, VSIM_STATUS_ACKNOWLEDGE);
    ck_assert_uint_eq(h->read8(h->ctx, base + VSIM_MMIO_STATUS), 0);
    ck_assert_uint_eq(h->read16(h->ctx, base + VSIM_MMIO_MAGIC_VALUE), 0);
    h->write16(h->ctx, base + VSIM_MMIO_STATUS, 0);
    ck_assert_uint_eq(h->read32(h->ctx, base + VSIM_MMIO_STATUS + 2), 0);
    ck_assert_uint_eq(simt_count(m, "MMIO-1"), 4);
    ck_assert_uint_eq(simt_r32(m, 0, VSIM_MMIO_STATUS), VSIM_STATUS_ACKNOWLEDGE);
}
END_TEST

START_TEST(direction_and_undefined_offsets_are_enforced)
{
    simt_w32(m, 0, VSIM_MMIO_DEVICE_ID, 9);
    simt_w32(m, 0, VSIM_MMIO_INTERRUPT_STATUS, 1);
    ck_assert_uint_eq(simt_count(m, "MMIO-2"), 2);
    ck_assert_uint_eq(simt_r32(m, 0, VSIM_MMIO_DEVICE_ID), 2);
    ck_assert_uint_eq(simt_r32(m, 0, VSIM_MMIO_QUEUE_NOTIFY), 0);
    ck_assert_uint_eq(simt_r32(m, 0, VSIM_MMIO_QUEUE_SEL), 0);
    ck_assert_uint_eq(simt_count(m, "MMIO-3"), 2);
    (void)simt_r32(m, 0, 0x018);
    (void)simt_r32(m, 0, VSIM_MMIO_QUEUE_PFN); /* legacy only */
    simt_w32(m, 0, VSIM_MMIO_GUEST_PAGE_SIZE, 4096);
    ck_assert_uint_eq(simt_count(m, "MMIO-4"), 3);
}
END_TEST

START_TEST(features_must_be_selected_before_use)
{
    (void)simt_r32(m, 0, VSIM_MMIO_DEVICE_FEATURES);
    simt_w32(m, 0, VSIM_MMIO_DRIVER_FEATURES, 0);
    ck_assert_uint_eq(simt_count(m, "MMIO-5"), 2);
}
END_TEST

START_TEST(clean_modern_init_records_nothing)
{
    simt_init_v2(m, 0, MODERN | VSIM_BIT(VSIM_F_EVENT_IDX), &ring);
    ck_assert_uint_eq(simt_r32(m, 0, VSIM_MMIO_STATUS), 0x0f);
    ck_assert_uint_eq(simt_r32(m, 0, VSIM_MMIO_QUEUE_READY), 1);
    ck_assert_uint_eq(violations(), 0);
    ck_assert(vsim_device_has(vsim_blk_device(blk), VSIM_F_EVENT_IDX));
}
END_TEST

START_TEST(status_zero_resets_status_queues_and_interrupts)
{
    simt_init_v2(m, 0, MODERN, &ring);
    ck_assert_int_eq(vsim_blk_set_capacity(blk, 128), 0);
    ck_assert_uint_eq(simt_r32(m, 0, VSIM_MMIO_INTERRUPT_STATUS), VSIM_ISR_CONFIG);
    simt_w32(m, 0, VSIM_MMIO_STATUS, 0);
    ck_assert_uint_eq(simt_r32(m, 0, VSIM_MMIO_STATUS), 0);
    ck_assert_uint_eq(simt_r32(m, 0, VSIM_MMIO_INTERRUPT_STATUS), 0);
    simt_w32(m, 0, VSIM_MMIO_QUEUE_SEL, 0);
    ck_assert_uint_eq(simt_r32(m, 0, VSIM_MMIO_QUEUE_READY), 0);
    ck_assert(!vsim_vq_ready(vsim_device_vq(vsim_blk_device(blk), 0)));
    ck_assert_uint_eq(vsim_device_accepted(vsim_blk_device(blk)), 0);
    ck_assert_uint_eq(violations(), 0);
}
END_TEST

START_TEST(clearing_status_bits_and_bad_order_are_recorded)
{
    simt_w32(m, 0, VSIM_MMIO_STATUS, VSIM_STATUS_DRIVER);
    ck_assert_uint_eq(simt_count(m, "STATUS-2"), 1);
    simt_w32(m, 0, VSIM_MMIO_STATUS, ACK_DRV);
    simt_w32(m, 0, VSIM_MMIO_STATUS, VSIM_STATUS_ACKNOWLEDGE);
    ck_assert_uint_eq(simt_count(m, "STATUS-1"), 1);
    simt_w32(m, 0, VSIM_MMIO_STATUS, VSIM_STATUS_ACKNOWLEDGE | VSIM_STATUS_FAILED);
    simt_w32(m, 0, VSIM_MMIO_STATUS, ACK_DRV | VSIM_STATUS_FAILED);
    ck_assert_uint_eq(simt_count(m, "STATUS-3"), 1);
    simt_w32(m, 0, VSIM_MMIO_STATUS, 0);
    simt_w32(m, 0, VSIM_MMIO_STATUS, VSIM_STATUS_ACKNOWLEDGE);
    ck_assert_uint_eq(simt_count(m, "STATUS-3"), 1);
}
END_TEST

static uint32_t features_ok_with(uint64_t accept)
{
    simt_w32(m, 0, VSIM_MMIO_STATUS, 0);
    simt_w32(m, 0, VSIM_MMIO_STATUS, VSIM_STATUS_ACKNOWLEDGE);
    simt_w32(m, 0, VSIM_MMIO_STATUS, ACK_DRV);
    for (uint32_t sel = 0; sel < 2; sel++) {
        simt_w32(m, 0, VSIM_MMIO_DRIVER_FEATURES_SEL, sel);
        simt_w32(m, 0, VSIM_MMIO_DRIVER_FEATURES, (uint32_t)(accept >> (32 * sel)));
    }
    simt_w32(m, 0, VSIM_MMIO_STATUS, ACK_DRV | VSIM_STATUS_FEATURES_OK);
    return simt_r32(m, 0, VSIM_MMIO_STATUS);
}

START_TEST(features_ok_is_refused_for_unoffered_features_or_no_version_1)
{
    ck_assert_uint_eq(features_ok_with(MODERN | VSIM_BIT(3)), ACK_DRV);
    ck_assert_uint_eq(simt_count(m, "FEAT-1"), 1);
    ck_assert_uint_eq(features_ok_with(VSIM_BIT(VSIM_F_EVENT_IDX)), ACK_DRV);
    ck_assert_uint_eq(simt_count(m, "FEAT-3"), 1);
    ck_assert_uint_eq(features_ok_with(MODERN), ACK_DRV | VSIM_STATUS_FEATURES_OK);
    /* No new feature bits after FEATURES_OK: the write is recorded and ignored. */
    simt_w32(m, 0, VSIM_MMIO_DRIVER_FEATURES_SEL, 0);
    simt_w32(m, 0, VSIM_MMIO_DRIVER_FEATURES, 1u << VSIM_F_EVENT_IDX);
    ck_assert_uint_eq(simt_count(m, "FEAT-2"), 1);
    ck_assert_uint_eq(vsim_device_accepted(vsim_blk_device(blk)), MODERN);
}
END_TEST

START_TEST(config_change_bumps_generation_and_raises_config_interrupt)
{
    simt_init_v2(m, 0, MODERN, &ring);
    uint32_t gen = simt_r32(m, 0, VSIM_MMIO_CONFIG_GENERATION);
    ck_assert_uint_eq(simt_r32(m, 0, VSIM_MMIO_CONFIG + VSIM_BLK_CFG_CAPACITY), 64);
    ck_assert_int_eq(vsim_blk_set_capacity(blk, 1000), 0);
    ck_assert_uint_ne(simt_r32(m, 0, VSIM_MMIO_CONFIG_GENERATION), gen);
    ck_assert_uint_eq(simt_r32(m, 0, VSIM_MMIO_CONFIG + VSIM_BLK_CFG_CAPACITY), 1000);
    ck_assert_uint_eq(simt_r32(m, 0, VSIM_MMIO_CONFIG + VSIM_BLK_CFG_CAPACITY + 4), 0);
    ck_assert_uint_eq(simt_r32(m, 0, VSIM_MMIO_INTERRUPT_STATUS), VSIM_ISR_CONFIG);
    simt_w32(m, 0, VSIM_MMIO_INTERRUPT_ACK, VSIM_ISR_CONFIG);
    ck_assert_uint_eq(simt_r32(m, 0, VSIM_MMIO_INTERRUPT_STATUS), 0);
    simt_w32(m, 0, VSIM_MMIO_INTERRUPT_ACK, 0x4);
    ck_assert_uint_eq(simt_count(m, "MMIO-8"), 1);
}
END_TEST

START_TEST(config_space_accesses_are_checked)
{
    const struct vio_hal *h = vsim_machine_hal(m);
    uintptr_t cfg = (uintptr_t)(VSIM_MMIO_SLOT_BASE(0) + VSIM_MMIO_CONFIG);
    simt_init_v2(m, 0, MODERN, &ring);
    ck_assert_uint_eq(h->read8(h->ctx, cfg), 64);
    ck_assert_uint_eq(h->read16(h->ctx, cfg + VSIM_BLK_CFG_BLK_SIZE), 512);
    ck_assert_uint_eq(violations(), 0);
    (void)h->read16(h->ctx, cfg + 1);
    ck_assert_uint_eq(simt_count(m, "MMIO-9"), 1);
    ck_assert_uint_eq(h->read32(h->ctx, cfg + VSIM_BLK_CFG_SIZE), 0);
    ck_assert_uint_eq(simt_count(m, "CFG-1"), 1);
    h->write32(h->ctx, cfg, 5);
    ck_assert_uint_eq(simt_count(m, "CFG-2"), 1);
    ck_assert_uint_eq(h->read32(h->ctx, cfg), 64);
    (void)h->read32(h->ctx, cfg + VSIM_BLK_CFG_SEG_MAX);
    ck_assert_uint_eq(simt_count(m, "CFG-3"), 1);
}
END_TEST

START_TEST(queue_programming_rules_are_enforced)
{
    simt_init_v2(m, 0, MODERN, &ring);
    simt_w32(m, 0, VSIM_MMIO_QUEUE_NUM, 4);
    simt_w32(m, 0, VSIM_MMIO_QUEUE_DESC_LOW, 0);
    ck_assert_uint_eq(simt_count(m, "MMIO-7"), 2);
    ck_assert_uint_eq(vsim_vq_size(vsim_device_vq(vsim_blk_device(blk), 0)), 8);
    simt_w32(m, 0, VSIM_MMIO_QUEUE_SEL, 1); /* blk has one queue */
    ck_assert_uint_eq(simt_r32(m, 0, VSIM_MMIO_QUEUE_NUM_MAX), 0);
    simt_w32(m, 0, VSIM_MMIO_QUEUE_NUM, 4);
    ck_assert_uint_eq(simt_count(m, "MMIO-6"), 1);
    simt_w32(m, 0, VSIM_MMIO_QUEUE_SEL, 0);
    simt_w32(m, 0, VSIM_MMIO_QUEUE_READY, 0);
    ck_assert_uint_eq(simt_r32(m, 0, VSIM_MMIO_QUEUE_READY), 0);
    simt_w32(m, 0, VSIM_MMIO_QUEUE_NUM, 1000);
    ck_assert_uint_eq(simt_count(m, "MMIO-6"), 2);
    simt_w32(m, 0, VSIM_MMIO_QUEUE_NUM, 8);
    simt_w32(m, 0, VSIM_MMIO_QUEUE_NOTIFY, 3);
    ck_assert_uint_eq(simt_count(m, "MMIO-12"), 1);
}
END_TEST

static void enable_with(uint32_t num, uint64_t desc, uint64_t avail, uint64_t used)
{
    simt_w32(m, 0, VSIM_MMIO_QUEUE_READY, 0);
    simt_w32(m, 0, VSIM_MMIO_QUEUE_NUM, num);
    simt_w32(m, 0, VSIM_MMIO_QUEUE_DESC_LOW, (uint32_t)desc);
    simt_w32(m, 0, VSIM_MMIO_QUEUE_DESC_HIGH, (uint32_t)(desc >> 32));
    simt_w32(m, 0, VSIM_MMIO_QUEUE_DRIVER_LOW, (uint32_t)avail);
    simt_w32(m, 0, VSIM_MMIO_QUEUE_DRIVER_HIGH, (uint32_t)(avail >> 32));
    simt_w32(m, 0, VSIM_MMIO_QUEUE_DEVICE_LOW, (uint32_t)used);
    simt_w32(m, 0, VSIM_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)(used >> 32));
    simt_w32(m, 0, VSIM_MMIO_QUEUE_READY, 1);
}

START_TEST(bad_ring_geometry_leaves_the_queue_stopped)
{
    struct vsim_vq *vq = vsim_device_vq(vsim_blk_device(blk), 0);
    simt_init_v2(m, 0, MODERN, &ring);
    enable_with(6, ring.desc_pa, ring.avail_pa, ring.used_pa);
    ck_assert_uint_eq(simt_count(m, "VQ-1"), 1);
    ck_assert(!vsim_vq_ready(vq));
    ck_assert_uint_eq(simt_r32(m, 0, VSIM_MMIO_STATUS) & VSIM_STATUS_DEVICE_NEEDS_RESET,
                      VSIM_STATUS_DEVICE_NEEDS_RESET);
    enable_with(8, ring.desc_pa + 8, ring.avail_pa + 1, ring.used_pa + 2);
    ck_assert_uint_eq(simt_count(m, "VQ-2"), 3);
    enable_with(8, ring.desc_pa, ring.avail_pa, UINT64_C(0xfffffffffffffff0));
    ck_assert_uint_eq(simt_count(m, "VQ-3"), 1);
    ck_assert(!vsim_vq_ready(vq));
    ring.used[0] = 1; /* used flags must start at 0 */
    enable_with(8, ring.desc_pa, ring.avail_pa, ring.used_pa);
    ck_assert_uint_eq(simt_count(m, "VQ-4"), 1);
    ck_assert(vsim_vq_ready(vq));
}
END_TEST

START_TEST(queue_enabled_before_features_ok_is_recorded)
{
    simt_w32(m, 0, VSIM_MMIO_STATUS, VSIM_STATUS_ACKNOWLEDGE);
    simt_w32(m, 0, VSIM_MMIO_STATUS, ACK_DRV);
    enable_with(8, ring.desc_pa, ring.avail_pa, ring.used_pa);
    ck_assert_uint_eq(simt_count(m, "INIT-2"), 1);
    simt_notify(m, 0, 0);
    ck_assert_uint_eq(simt_count(m, "INIT-1"), 1);
}
END_TEST

START_TEST(legacy_init_lays_the_queue_out_from_the_pfn)
{
    simt_init_v1(m, 0, 0, &ring);
    ck_assert_uint_eq(simt_r32(m, 0, VSIM_MMIO_VERSION), 1);
    simt_w32(m, 0, VSIM_MMIO_DEVICE_FEATURES_SEL, 1);
    ck_assert_uint_eq(simt_r32(m, 0, VSIM_MMIO_DEVICE_FEATURES), 0); /* no VERSION_1 */
    ck_assert_uint_eq(simt_r32(m, 0, VSIM_MMIO_QUEUE_PFN), ring.pa / 4096);
    struct vsim_vq *vq = vsim_device_vq(vsim_blk_device(blk), 0);
    ck_assert(vsim_vq_ready(vq));
    ck_assert_uint_eq(violations(), 0);
    /* Used ring at the next QueueAlign boundary: a request written there completes. */
    uint64_t pa;
    uint8_t *buf = simt_dma(m, 1, &pa);
    buf[0] = VSIM_BLK_T_GET_ID;
    simt_desc(&ring, 0, pa, 16, VSIM_VRING_DESC_F_NEXT, 1);
    simt_desc(&ring, 1, pa + 64, 21, VSIM_VRING_DESC_F_WRITE, 0);
    simt_avail(&ring, 0);
    simt_notify(m, 0, 0);
    uint32_t id, len;
    ck_assert(simt_used(&ring, &id, &len));
    ck_assert_uint_eq(id, 0);
    ck_assert_uint_eq(len, 21);
    ck_assert_str_eq((char *)buf + 64, "vsim-blk");
    simt_dma_free(m, buf, pa, 1);
}
END_TEST

START_TEST(legacy_queue_rules_are_enforced)
{
    simt_w32(m, 0, VSIM_MMIO_STATUS, VSIM_STATUS_ACKNOWLEDGE);
    simt_w32(m, 0, VSIM_MMIO_STATUS, ACK_DRV);
    simt_w32(m, 0, VSIM_MMIO_QUEUE_SEL, 0);
    simt_w32(m, 0, VSIM_MMIO_QUEUE_NUM, 8);
    simt_w32(m, 0, VSIM_MMIO_QUEUE_PFN, (uint32_t)(ring.pa / 4096));
    ck_assert_uint_eq(simt_count(m, "MMIO-11"), 1); /* no GuestPageSize yet */
    simt_w32(m, 0, VSIM_MMIO_QUEUE_PFN, 0);
    simt_w32(m, 0, VSIM_MMIO_GUEST_PAGE_SIZE, 3000);
    simt_w32(m, 0, VSIM_MMIO_QUEUE_ALIGN, 100);
    ck_assert_uint_eq(simt_count(m, "MMIO-11"), 3);
    simt_w32(m, 0, VSIM_MMIO_GUEST_PAGE_SIZE, 4096);
    simt_w32(m, 0, VSIM_MMIO_QUEUE_PFN, (uint32_t)(ring.pa / 4096));
    ck_assert(vsim_vq_ready(vsim_device_vq(vsim_blk_device(blk), 0)));
    (void)simt_r32(m, 0, VSIM_MMIO_QUEUE_NUM_MAX);
    simt_w32(m, 0, VSIM_MMIO_QUEUE_NUM, 4);
    simt_w32(m, 0, VSIM_MMIO_QUEUE_PFN, 5);
    ck_assert_uint_eq(simt_count(m, "MMIO-7"), 3);
    (void)simt_r32(m, 0, VSIM_MMIO_CONFIG_GENERATION); /* not in the legacy table */
    ck_assert_uint_eq(simt_count(m, "MMIO-4"), 1);
    simt_w32(m, 0, VSIM_MMIO_QUEUE_PFN, 0);
    ck_assert(!vsim_vq_ready(vsim_device_vq(vsim_blk_device(blk), 0)));
}
END_TEST

Suite *vio_test_suite(void)
{
    Suite *s = suite_create("sim_mmio");
    TCase *v2 = tcase_create("modern");
    tcase_add_checked_fixture(v2, setup2, teardown);
    tcase_add_test(v2, identity_registers_read_back);
    tcase_add_test(v2, empty_slot_reads_device_id_zero_and_records_any_other_access);
    tcase_add_test(v2, wrong_width_and_unaligned_register_accesses_are_dropped);
    tcase_add_test(v2, direction_and_undefined_offsets_are_enforced);
    tcase_add_test(v2, features_must_be_selected_before_use);
    tcase_add_test(v2, clean_modern_init_records_nothing);
    tcase_add_test(v2, status_zero_resets_status_queues_and_interrupts);
    tcase_add_test(v2, clearing_status_bits_and_bad_order_are_recorded);
    tcase_add_test(v2, features_ok_is_refused_for_unoffered_features_or_no_version_1);
    tcase_add_test(v2, config_change_bumps_generation_and_raises_config_interrupt);
    tcase_add_test(v2, config_space_accesses_are_checked);
    tcase_add_test(v2, queue_programming_rules_are_enforced);
    tcase_add_test(v2, bad_ring_geometry_leaves_the_queue_stopped);
    tcase_add_test(v2, queue_enabled_before_features_ok_is_recorded);
    suite_add_tcase(s, v2);
    TCase *v1 = tcase_create("legacy");
    tcase_add_checked_fixture(v1, setup1, teardown);
    tcase_add_test(v1, legacy_init_lays_the_queue_out_from_the_pfn);
    tcase_add_test(v1, legacy_queue_rules_are_enforced);
    suite_add_tcase(s, v1);
    return s;
}
