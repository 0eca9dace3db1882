/*
 * The device-side split virtqueue against hand-built rings, through a tiny
 * "echo" device model that copies what it reads into what it may write.
 */
#include <check.h>
#include <string.h>

#include "test_sim_helpers.h"

static struct vsim_machine *m;
static struct vsim_device *dev;
static struct simt_ring ring;
static uint8_t *buf;
static uint64_t buf_pa;
static unsigned echo_calls;

static void echo_config_read(void *priv, uint32_t off, void *out, uint32_t len)
{
    (void)priv, (void)off;
    memset(out, 0, len);
}

static void echo_notify(void *priv, struct vsim_vq *vq)
{
    struct vsim_chain c;
    uint8_t tmp[256];
    (void)priv;
    echo_calls++;
    while (vsim_vq_pop(vq, &c)) {
        size_t n = vsim_chain_read(&c, 0, tmp, sizeof(tmp));
        vsim_vq_push(vq, &c, (uint32_t)vsim_chain_write(&c, 0, tmp, n));
    }
}

static uint16_t echo_queue_max(void *priv, uint16_t idx)
{
    (void)priv;
    return idx == 0 ? 128 : 40000;
}

static const struct vsim_device_ops echo_ops = {
    .config_read = echo_config_read,
    .queue_notify = echo_notify,
    .queue_max = echo_queue_max,
};

static const uint64_t ALL =
    VSIM_BIT(VSIM_F_VERSION_1) | VSIM_BIT(VSIM_F_INDIRECT_DESC) | VSIM_BIT(VSIM_F_EVENT_IDX);

static void setup_with(bool deferred, uint64_t accept)
{
    m = vsim_machine_new(&(struct vsim_machine_opts){.mem_size = 1u << 20, .deferred = deferred});
    ck_assert_ptr_nonnull(m);
    struct vsim_device_model model = {
        .name = "echo",
        .device_id = 42,
        .features = ALL,
        .num_queues = 1,
        .queue_max = 64,
        .config_size = 4,
        .ops = &echo_ops,
    };
    dev = vsim_device_create(m, &model);
    ck_assert_ptr_nonnull(dev);
    ck_assert_int_eq(vsim_mmio_attach(m, 1, 2, dev), 0);
    simt_ring_alloc(m, &ring, 8, false);
    buf = simt_dma(m, 1, &buf_pa);
    echo_calls = 0;
    simt_init_v2(m, 1, accept, &ring);
}

static void setup(void)
{
    setup_with(false, ALL);
}

static void teardown(void)
{
    simt_dma_free(m, buf, buf_pa, 1);
    simt_ring_free(m, &ring);
    simt_assert_no_leaks(m);
    vsim_machine_free(m);
}

static struct vsim_vq *vq0(void)
{
    return vsim_device_vq(dev, 0);
}

/* Queue 0 stopped, the device asks for a reset, exactly one violation of @rule. */
static void assert_stopped_by(const char *rule)
{
    ck_assert_uint_eq(simt_count(m, rule), 1);
    ck_assert_uint_eq(vsim_conform_count(vsim_machine_conform(m)), 1);
    ck_assert(vsim_vq_broken(vq0()));
    ck_assert(simt_r32(m, 1, VSIM_MMIO_STATUS) & VSIM_STATUS_DEVICE_NEEDS_RESET);
    ck_assert(simt_r32(m, 1, VSIM_MMIO_INTERRUPT_STATUS) & VSIM_ISR_CONFIG);
    uint32_t id, len;
    ck_assert(!simt_used(&ring, &id, &len));
}

START_TEST(direct_chain_is_served_and_interrupts)
{
    memcpy(buf, "hello", 5);
    simt_desc(&ring, 3, buf_pa, 5, VSIM_VRING_DESC_F_NEXT, 6);
    simt_desc(&ring, 6, buf_pa + 100, 2, VSIM_VRING_DESC_F_NEXT | VSIM_VRING_DESC_F_WRITE, 1);
    simt_desc(&ring, 1, buf_pa + 200, 10, VSIM_VRING_DESC_F_WRITE, 0);
    simt_avail(&ring, 3);
    simt_notify(m, 1, 0);
    uint32_t id, len;
    ck_assert(simt_used(&ring, &id, &len));
    ck_assert_uint_eq(id, 3);
    ck_assert_uint_eq(len, 5);
    ck_assert_mem_eq(buf + 100, "he", 2);
    ck_assert_mem_eq(buf + 200, "llo", 3);
    ck_assert_uint_eq(simt_r32(m, 1, VSIM_MMIO_INTERRUPT_STATUS), VSIM_ISR_QUEUE);
    ck_assert_uint_eq(vsim_conform_count(vsim_machine_conform(m)), 0);
    simt_w32(m, 1, VSIM_MMIO_INTERRUPT_ACK, VSIM_ISR_QUEUE);
    ck_assert_uint_eq(simt_r32(m, 1, VSIM_MMIO_INTERRUPT_STATUS), 0);
}
END_TEST

START_TEST(descriptor_loop_is_stopped)
{
    simt_desc(&ring, 0, buf_pa, 4, VSIM_VRING_DESC_F_NEXT, 1);
    simt_desc(&ring, 1, buf_pa, 4, VSIM_VRING_DESC_F_NEXT, 0);
    simt_avail(&ring, 0);
    simt_notify(m, 1, 0);
    assert_stopped_by("DESC-1");
}
END_TEST

START_TEST(next_beyond_the_table_is_stopped)
{
    simt_desc(&ring, 0, buf_pa, 4, VSIM_VRING_DESC_F_NEXT, 8);
    simt_avail(&ring, 0);
    simt_notify(m, 1, 0);
    assert_stopped_by("DESC-8");
}
END_TEST

START_TEST(buffer_outside_guest_memory_is_refused)
{
    simt_desc(&ring, 0, UINT64_C(0xfffffffffffff000), 0x2000, 0, 0);
    simt_avail(&ring, 0);
    simt_notify(m, 1, 0);
    assert_stopped_by("DESC-7");
}
END_TEST

START_TEST(buffer_running_past_guest_memory_is_refused)
{
    simt_desc(&ring, 0, VSIM_MEM_BASE + (1u << 20) - 16, 32, VSIM_VRING_DESC_F_WRITE, 0);
    simt_avail(&ring, 0);
    simt_notify(m, 1, 0);
    assert_stopped_by("DESC-7");
}
END_TEST

START_TEST(readable_after_writable_is_refused)
{
    simt_desc(&ring, 0, buf_pa, 4, VSIM_VRING_DESC_F_NEXT | VSIM_VRING_DESC_F_WRITE, 1);
    simt_desc(&ring, 1, buf_pa, 4, 0, 0);
    simt_avail(&ring, 0);
    simt_notify(m, 1, 0);
    assert_stopped_by("DESC-2");
}
END_TEST

START_TEST(chain_longer_than_4GiB_is_refused)
{
    vsim_machine_free(m);
    m = vsim_machine_new(&(struct vsim_machine_opts){.mem_size = 64u << 20});
    struct vsim_device_model model = {.name = "echo",
                                      .device_id = 42,
                                      .features = ALL,
                                      .num_queues = 1,
                                      .queue_max = 128,
                                      .config_size = 4,
                                      .ops = &echo_ops};
    dev = vsim_device_create(m, &model);
    ck_assert_int_eq(vsim_mmio_attach(m, 1, 2, dev), 0);
    simt_ring_alloc(m, &ring, 128, false);
    buf = simt_dma(m, 1, &buf_pa);
    simt_init_v2(m, 1, ALL, &ring);
    /* 65 readable descriptors of all 64 MiB of guest memory. */
    for (uint16_t i = 0; i < 65; i++)
        simt_desc(&ring, i, VSIM_MEM_BASE, 64u << 20, VSIM_VRING_DESC_F_NEXT, (uint16_t)(i + 1));
    simt_desc(&ring, 65, buf_pa, 4, VSIM_VRING_DESC_F_WRITE, 0);
    simt_avail(&ring, 0);
    simt_notify(m, 1, 0);
    assert_stopped_by("DESC-9");
}
END_TEST

START_TEST(indirect_table_is_walked)
{
    uint8_t *table = buf + 2048;
    memcpy(buf, "abcd", 4);
    simt_desc_at(table, 0, buf_pa, 4, VSIM_VRING_DESC_F_NEXT, 2);
    simt_desc_at(table, 2, buf_pa + 512, 8, VSIM_VRING_DESC_F_WRITE, 0);
    simt_desc(&ring, 5, buf_pa + 2048, 3 * 16, VSIM_VRING_DESC_F_INDIRECT, 0);
    simt_avail(&ring, 5);
    simt_notify(m, 1, 0);
    uint32_t id, len;
    ck_assert(simt_used(&ring, &id, &len));
    ck_assert_uint_eq(id, 5);
    ck_assert_uint_eq(len, 4);
    ck_assert_mem_eq(buf + 512, "abcd", 4);
    ck_assert_uint_eq(vsim_conform_count(vsim_machine_conform(m)), 0);
}
END_TEST

START_TEST(direct_descriptors_then_an_indirect_table_are_one_chain)
{
    uint8_t *table = buf + 2048;
    memcpy(buf, "xy", 2);
    simt_desc_at(table, 0, buf_pa + 512, 8, VSIM_VRING_DESC_F_WRITE, 0);
    simt_desc(&ring, 0, buf_pa, 2, VSIM_VRING_DESC_F_NEXT, 1);
    simt_desc(&ring, 1, buf_pa + 2048, 16, VSIM_VRING_DESC_F_INDIRECT, 0);
    simt_avail(&ring, 0);
    simt_notify(m, 1, 0);
    uint32_t id, len;
    ck_assert(simt_used(&ring, &id, &len));
    ck_assert_uint_eq(len, 2);
    ck_assert_mem_eq(buf + 512, "xy", 2);
}
END_TEST

static void indirect_case(uint16_t flags, uint32_t len, uint16_t inner_flags, const char *rule)
{
    uint8_t *table = buf + 2048;
    simt_desc_at(table, 0, buf_pa, 4, inner_flags, 0);
    simt_desc(&ring, 0, buf_pa + 2048, len, flags, 1);
    simt_avail(&ring, 0);
    simt_notify(m, 1, 0);
    assert_stopped_by(rule);
}

START_TEST(indirect_misuse_is_refused)
{
    const uint16_t IND = VSIM_VRING_DESC_F_INDIRECT;
    switch (_i) {
    case 0:
        indirect_case(IND | VSIM_VRING_DESC_F_NEXT, 16, 0, "DESC-5");
        break;
    case 1:
        indirect_case(IND, 24, 0, "DESC-6");
        break;
    case 2:
        indirect_case(IND, 0, 0, "DESC-6");
        break;
    case 3:
        indirect_case(IND, 16, IND, "DESC-4");
        break;
    case 4:
        indirect_case(IND, 32, VSIM_VRING_DESC_F_NEXT, "DESC-1"); /* entry 0 -> 0 loops */
        break;
    }
}
END_TEST

START_TEST(indirect_without_the_feature_is_refused)
{
    teardown();
    setup_with(false, VSIM_BIT(VSIM_F_VERSION_1));
    simt_desc(&ring, 0, buf_pa + 2048, 16, VSIM_VRING_DESC_F_INDIRECT, 0);
    simt_avail(&ring, 0);
    simt_notify(m, 1, 0);
    assert_stopped_by("DESC-3");
}
END_TEST

START_TEST(avail_idx_running_ahead_is_refused)
{
    simt_desc(&ring, 0, buf_pa, 4, 0, 0);
    ring.avail_idx = 9;
    simt_avail(&ring, 0); /* idx 10 > queue size 8 */
    simt_notify(m, 1, 0);
    assert_stopped_by("AVAIL-1");
}
END_TEST

START_TEST(avail_entry_beyond_the_queue_is_refused)
{
    simt_avail(&ring, 8);
    simt_notify(m, 1, 0);
    assert_stopped_by("AVAIL-2");
}
END_TEST

START_TEST(avail_flags_other_than_zero_are_recorded_with_event_idx)
{
    simt_desc(&ring, 0, buf_pa, 4, 0, 0);
    ring.avail[0] = VSIM_VRING_AVAIL_F_NO_INTERRUPT;
    simt_avail(&ring, 0);
    simt_notify(m, 1, 0);
    ck_assert_uint_eq(simt_count(m, "AVAIL-3"), 1);
    ck_assert(!vsim_vq_broken(vq0()));
}
END_TEST

START_TEST(reset_clears_a_stopped_queue)
{
    simt_avail(&ring, 8);
    simt_notify(m, 1, 0);
    ck_assert(vsim_vq_broken(vq0()));
    simt_init_v2(m, 1, ALL, &ring);
    ck_assert(!vsim_vq_broken(vq0()));
    ck_assert_uint_eq(simt_r32(m, 1, VSIM_MMIO_STATUS) & VSIM_STATUS_DEVICE_NEEDS_RESET, 0);
}
END_TEST

static void submit_one(uint16_t head)
{
    simt_desc(&ring, head, buf_pa, 4, 0, 0);
    simt_avail(&ring, head);
    simt_notify(m, 1, 0);
}

START_TEST(event_idx_suppresses_until_used_event)
{
    uint32_t id, len;
    simt_set_used_event(&ring, 2); /* interrupt once used idx passes 2 */
    submit_one(0);
    ck_assert_uint_eq(simt_avail_event(&ring), 1);
    submit_one(1);
    ck_assert_uint_eq(simt_r32(m, 1, VSIM_MMIO_INTERRUPT_STATUS), 0);
    ck_assert_uint_eq(vsim_vq_suppressed(vq0()), 2);
    submit_one(2);
    ck_assert_uint_eq(simt_r32(m, 1, VSIM_MMIO_INTERRUPT_STATUS), VSIM_ISR_QUEUE);
    ck_assert_uint_eq(vsim_device_interrupts(dev), 1);
    ck_assert_uint_eq(simt_avail_event(&ring), 3);
    for (int i = 0; i < 3; i++)
        ck_assert(simt_used(&ring, &id, &len));
}
END_TEST

START_TEST(no_interrupt_flag_suppresses_without_event_idx)
{
    teardown();
    setup_with(false, VSIM_BIT(VSIM_F_VERSION_1));
    ring.avail[0] = VSIM_VRING_AVAIL_F_NO_INTERRUPT;
    submit_one(0);
    ck_assert_uint_eq(vsim_device_interrupts(dev), 0);
    ring.avail[0] = 0;
    submit_one(1);
    ck_assert_uint_eq(vsim_device_interrupts(dev), 1);
    ck_assert_uint_eq(vsim_conform_count(vsim_machine_conform(m)), 0);
}
END_TEST

START_TEST(deferred_mode_serves_on_relax_or_step)
{
    teardown();
    setup_with(true, ALL);
    const struct vio_hal *h = vsim_machine_hal(m);
    uint32_t id, len;
    submit_one(0);
    ck_assert_uint_eq(echo_calls, 0);
    ck_assert_uint_eq(vsim_machine_pending(m), 1);
    simt_notify(m, 1, 0); /* a second notify does not queue twice */
    ck_assert_uint_eq(vsim_machine_pending(m), 1);
    ck_assert(!simt_used(&ring, &id, &len));
    h->relax(h->ctx);
    ck_assert_uint_eq(echo_calls, 1);
    ck_assert(simt_used(&ring, &id, &len));
    ck_assert_uint_eq(vsim_machine_relax_count(m), 1);
    submit_one(1);
    ck_assert_uint_eq(vsim_machine_step(m), 1);
    ck_assert_uint_eq(vsim_machine_step(m), 0);
    ck_assert(simt_used(&ring, &id, &len));
    submit_one(2);
    simt_w32(m, 1, VSIM_MMIO_STATUS, 0); /* a reset drops pending work */
    ck_assert_uint_eq(vsim_machine_pending(m), 0);
    simt_init_v2(m, 1, ALL, &ring);
    submit_one(3);
    simt_w32(m, 1, VSIM_MMIO_QUEUE_READY, 0); /* so does disabling the queue */
    ck_assert_uint_eq(vsim_machine_pending(m), 0);
    simt_w32(m, 1, VSIM_MMIO_QUEUE_READY, 1);
    submit_one(4);
    simt_w32(m, 1, VSIM_MMIO_QUEUE_READY, 1); /* writing 1 again changes nothing */
    ck_assert_uint_eq(vsim_machine_pending(m), 1);
    ck_assert(vsim_vq_enable(vq0(), 8, ring.desc_pa, ring.avail_pa, ring.used_pa));
    ck_assert_uint_eq(vsim_machine_pending(m), 0); /* a transport re-enabling drops it */
}
END_TEST

START_TEST(deferred_queue_asks_for_no_notifications_until_served)
{
    teardown();
    setup_with(true, VSIM_BIT(VSIM_F_VERSION_1));
    const struct vio_hal *h = vsim_machine_hal(m);
    submit_one(0);
    ck_assert_uint_eq(ring.used[0], VSIM_VRING_USED_F_NO_NOTIFY);
    ck_assert_uint_eq(vsim_vq_unneeded_notifies(vq0()), 0);
    submit_one(1); /* the driver ignored NO_NOTIFY */
    ck_assert_uint_eq(vsim_vq_unneeded_notifies(vq0()), 1);
    h->relax(h->ctx);
    ck_assert_uint_eq(ring.used[0], 0);
    submit_one(2);
    ck_assert_uint_eq(vsim_vq_unneeded_notifies(vq0()), 1);
}
END_TEST

START_TEST(notification_past_avail_event_is_counted_as_unneeded)
{
    teardown();
    setup_with(true, ALL);
    submit_one(0);
    submit_one(1); /* avail_event is still 0: this one was not asked for */
    ck_assert_uint_eq(vsim_vq_unneeded_notifies(vq0()), 1);
    ck_assert_uint_eq(vsim_machine_step(m), 1);
    ck_assert_uint_eq(simt_avail_event(&ring), 2);
    submit_one(2);
    ck_assert_uint_eq(vsim_vq_unneeded_notifies(vq0()), 1);
}
END_TEST

START_TEST(synchronous_event_idx_notifications_are_all_wanted)
{
    for (uint16_t i = 0; i < 20; i++)
        submit_one(i % 8);
    ck_assert_uint_eq(vsim_vq_unneeded_notifies(vq0()), 0);
    ck_assert_uint_eq(vsim_conform_count(vsim_machine_conform(m)), 0);
}
END_TEST

/*
 * NOTIFY-1 judges entries by the avail_event in force when they were
 * published: moving it later does not make an earlier silence a violation.
 */
START_TEST(avail_event_moved_after_publishing_does_not_blame_the_driver)
{
    teardown();
    setup_with(true, ALL);
    const struct vio_hal *h = vsim_machine_hal(m);
    struct vsim_chain c;
    submit_one(0); /* notified at avail idx 1 */
    simt_desc(&ring, 1, buf_pa, 4, 0, 0);
    simt_avail(&ring, 1); /* avail_event is 0: no notification due */
    ck_assert(vsim_vq_pop(vq0(), &c));
    vsim_vq_push(vq0(), &c, 0);
    vsim_vq_flush(vq0()); /* the device now asks to hear of entry 1 */
    ck_assert_uint_eq(simt_avail_event(&ring), 1);
    h->relax(h->ctx);
    ck_assert_uint_eq(simt_count(m, "NOTIFY-1"), 0);
    simt_desc(&ring, 2, buf_pa, 4, 0, 0);
    simt_avail(&ring, 2); /* published after the move, and due: silence is a violation */
    h->relax(h->ctx);
    ck_assert_uint_eq(simt_count(m, "NOTIFY-1"), 1);
}
END_TEST

/*
 * used_id_not_head names the completed chain's second descriptor, which no other chain can have
 * as its head while the driver waits for this one. A one-descriptor chain gets an id out of
 * range: an index free when the entry is written may head a chain the driver posts before it
 * reads the entry, which would then read as that chain completing while the device has it.
 */
START_TEST(used_id_not_head_names_no_index_that_can_head_a_chain)
{
    char err[VSIM_FAULT_ERR_MAX];
    struct vsim_chain c;
    uint32_t id, len;
    ck_assert_int_eq(vsim_fault_parse(vsim_machine_faults(m), "echo:used_id_not_head@*", err), 0);
    simt_desc(&ring, 0, buf_pa, 16, VSIM_VRING_DESC_F_NEXT, 5);
    simt_desc(&ring, 5, buf_pa + 16, 16, VSIM_VRING_DESC_F_WRITE, 0);
    simt_desc(&ring, 1, buf_pa + 32, 16, VSIM_VRING_DESC_F_WRITE, 0);
    simt_avail(&ring, 0);
    simt_avail(&ring, 1);
    ck_assert(vsim_vq_pop(vq0(), &c));
    vsim_vq_push(vq0(), &c, 0);
    ck_assert(simt_used(&ring, &id, &len));
    ck_assert_uint_eq(id, 5);
    ck_assert(vsim_vq_pop(vq0(), &c));
    vsim_vq_push(vq0(), &c, 0);
    ck_assert(simt_used(&ring, &id, &len));
    ck_assert_uint_eq(id, 8); /* not 2, which the driver may post next */
    ck_assert_uint_eq(vsim_conform_count(vsim_machine_conform(m)), 0);
}
END_TEST

START_TEST(queues_can_have_their_own_maximum_size)
{
    teardown();
    m = vsim_machine_new(&(struct vsim_machine_opts){.mem_size = 1u << 20});
    struct vsim_device_model model = {
        .name = "echo", .num_queues = 2, .queue_max = 8, .ops = &echo_ops, .device_id = 42};
    dev = vsim_device_create(m, &model);
    ck_assert_int_eq(vsim_mmio_attach(m, 1, 2, dev), 0);
    simt_ring_alloc(m, &ring, 8, false);
    buf = simt_dma(m, 1, &buf_pa);
    simt_w32(m, 1, VSIM_MMIO_QUEUE_SEL, 0);
    ck_assert_uint_eq(simt_r32(m, 1, VSIM_MMIO_QUEUE_NUM_MAX), 128);
    simt_w32(m, 1, VSIM_MMIO_QUEUE_SEL, 1);
    ck_assert_uint_eq(simt_r32(m, 1, VSIM_MMIO_QUEUE_NUM_MAX), VSIM_QUEUE_SIZE_MAX);
    simt_w32(m, 1, VSIM_MMIO_QUEUE_SEL, 2);
    ck_assert_uint_eq(simt_r32(m, 1, VSIM_MMIO_QUEUE_NUM_MAX), 0);
}
END_TEST

START_TEST(chain_copy_helpers_cross_segments)
{
    struct vsim_chain c;
    simt_desc(&ring, 0, buf_pa, 3, VSIM_VRING_DESC_F_NEXT, 1);
    simt_desc(&ring, 1, buf_pa + 8, 3, VSIM_VRING_DESC_F_NEXT, 2);
    simt_desc(&ring, 2, buf_pa + 64, 2, VSIM_VRING_DESC_F_NEXT | VSIM_VRING_DESC_F_WRITE, 3);
    simt_desc(&ring, 3, buf_pa + 80, 6, VSIM_VRING_DESC_F_WRITE, 0);
    memcpy(buf, "abc", 3);
    memcpy(buf + 8, "def", 3);
    simt_avail(&ring, 0);
    ck_assert(vsim_vq_pop(vq0(), &c));
    ck_assert_uint_eq(c.nseg, 4);
    ck_assert_uint_eq(c.nread, 2);
    ck_assert_uint_eq(c.read_len, 6);
    ck_assert_uint_eq(c.write_len, 8);
    ck_assert_uint_eq(c.second, 1);
    char out[8] = {0};
    ck_assert_uint_eq(vsim_chain_read(&c, 2, out, 8), 4);
    ck_assert_str_eq(out, "cdef");
    ck_assert_uint_eq(vsim_chain_write(&c, 1, "WXYZ", 4), 4);
    ck_assert_mem_eq(buf + 64, "\0W", 2);
    ck_assert_mem_eq(buf + 80, "XYZ", 3);
    ck_assert_uint_eq(vsim_chain_fill(&c, 6, '!', 10), 2);
    ck_assert_mem_eq(buf + 84, "!!", 2);
    vsim_vq_push(vq0(), &c, 8);
    vsim_vq_flush(vq0());
    ck_assert_uint_eq(vsim_device_interrupts(dev), 1);
}
END_TEST

Suite *vio_test_suite(void)
{
    Suite *s = suite_create("sim_vq");
    TCase *tc = tcase_create("vq");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, direct_chain_is_served_and_interrupts);
    tcase_add_test(tc, descriptor_loop_is_stopped);
    tcase_add_test(tc, next_beyond_the_table_is_stopped);
    tcase_add_test(tc, buffer_outside_guest_memory_is_refused);
    tcase_add_test(tc, buffer_running_past_guest_memory_is_refused);
    tcase_add_test(tc, readable_after_writable_is_refused);
    tcase_add_test(tc, chain_longer_than_4GiB_is_refused);
    tcase_add_test(tc, indirect_table_is_walked);
    tcase_add_test(tc, direct_descriptors_then_an_indirect_table_are_one_chain);
    tcase_add_loop_test(tc, indirect_misuse_is_refused, 0, 5);
    tcase_add_test(tc, indirect_without_the_feature_is_refused);
    tcase_add_test(tc, avail_idx_running_ahead_is_refused);
    tcase_add_test(tc, avail_entry_beyond_the_queue_is_refused);
    tcase_add_test(tc, avail_flags_other_than_zero_are_recorded_with_event_idx);
    tcase_add_test(tc, reset_clears_a_stopped_queue);
    tcase_add_test(tc, event_idx_suppresses_until_used_event);
    tcase_add_test(tc, no_interrupt_flag_suppresses_without_event_idx);
    tcase_add_test(tc, deferred_mode_serves_on_relax_or_step);
    tcase_add_test(tc, deferred_queue_asks_for_no_notifications_until_served);
    tcase_add_test(tc, notification_past_avail_event_is_counted_as_unneeded);
    tcase_add_test(tc, synchronous_event_idx_notifications_are_all_wanted);
    tcase_add_test(tc, avail_event_moved_after_publishing_does_not_blame_the_driver);
    tcase_add_test(tc, used_id_not_head_names_no_index_that_can_head_a_chain);
    tcase_add_test(tc, queues_can_have_their_own_maximum_size);
    tcase_add_test(tc, chain_copy_helpers_cross_segments);
    suite_add_tcase(s, tc);
    return s;
}
