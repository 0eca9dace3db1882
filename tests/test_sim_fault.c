/* The fault plan: the text syntax, the triggers, and what every point does. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_sim_helpers.h"
#include "vio/err.h"
#include "vsim/blk.h"

static char err[VSIM_FAULT_ERR_MAX];

/* ---- parsing ---- */

START_TEST(good_rules_parse_into_their_fields)
{
    struct vsim_fault_rule r;
    ck_assert_int_eq(vsim_fault_parse_rule("blk:status=ioerr@1", &r, err), 0);
    ck_assert_str_eq(r.device, "blk");
    ck_assert_int_eq(r.point, VSIM_FAULT_STATUS);
    ck_assert(r.has_value);
    ck_assert_uint_eq(r.value, VSIM_FAULT_STATUS_IOERR);
    ck_assert_int_eq(r.trigger, VSIM_TRIGGER_NTH);
    ck_assert_uint_eq(r.nth, 1);
    ck_assert_int_eq(vsim_fault_parse_rule("blk:status=unsupp", &r, err), 0);
    ck_assert_uint_eq(r.value, VSIM_FAULT_STATUS_UNSUPP);
    ck_assert_int_eq(r.trigger, VSIM_TRIGGER_EVERY);
    ck_assert_int_eq(vsim_fault_parse_rule("*:no_complete@*", &r, err), 0);
    ck_assert_str_eq(r.device, "*");
    ck_assert(!r.has_value);
    ck_assert_int_eq(vsim_fault_parse_rule("hal:dma_alloc@p0.25:42", &r, err), 0);
    ck_assert_int_eq(r.trigger, VSIM_TRIGGER_PROB);
    ck_assert(r.probability == 0.25);
    ck_assert_uint_eq(r.seed, 42);
    ck_assert_int_eq(vsim_fault_parse_rule("net0:used_len=0x2000@3", &r, err), 0);
    ck_assert_uint_eq(r.value, 0x2000);
    ck_assert_uint_eq(r.nth, 3);
    ck_assert_int_eq(vsim_fault_parse_rule("blk:bad_version", &r, err), 0);
    ck_assert(!r.has_value);
}
END_TEST

static const struct {
    const char *text;
    const char *message;
} bad[] = {
    {"", "expected DEVICE:POINT"},
    {"blk", "expected DEVICE:POINT"},
    {":status=ioerr", "1 to 15 characters"},
    {"averyveryverylongname:no_complete", "1 to 15 characters"},
    {"Blk:no_complete", "bad character 'B'"},
    {"blk:", "unknown point ''"},
    {"blk:nope", "unknown point 'nope'"},
    {"blk:status", "needs a value"},
    {"blk:status=", "value '' is not ioerr, unsupp or a number"},
    {"blk:status=fail", "value 'fail' is not ioerr, unsupp or a number"},
    {"blk:used_len=-1", "value '-1' is not a number"},
    {"blk:no_complete=3", "takes no value"},
    {"hal:status=ioerr", "belongs to device 'blk'"},
    {"blk:dma_alloc", "belongs to device 'hal'"},
    {"hal:no_complete", "device 'hal' has only"},
    {"blk:no_complete@0", "starts at 1"},
    {"blk:no_complete@x", "trigger 'x' is not N, * or pP:SEED"},
    {"blk:no_complete@", "trigger '' is not"},
    {"blk:no_complete@p0.5", "pP:SEED"},
    {"blk:no_complete@p2:1", "not a number in (0, 1]"},
    {"blk:no_complete@p0:1", "not a number in (0, 1]"},
    {"blk:no_complete@p0.5:z", "seed 'z' is not a number"},
    {"blk:no_complete#1", "unexpected '#1'"},
};

START_TEST(bad_rules_are_refused_with_a_clear_message)
{
    struct vsim_fault_plan *p = vsim_fault_plan_new();
    memset(err, 0, sizeof(err));
    ck_assert_int_eq(vsim_fault_parse(p, bad[_i].text, err), VIO_ERR_INVALID_PARAM);
    ck_assert_msg(strstr(err, bad[_i].message) != NULL, "'%s' gave '%s'", bad[_i].text, err);
    ck_assert_uint_eq(vsim_fault_rule_count(p), 0);
    vsim_fault_plan_free(p);
}
END_TEST

START_TEST(the_plan_refuses_bad_structs_and_a_full_list)
{
    struct vsim_fault_plan *p = vsim_fault_plan_new();
    struct vsim_fault_rule r = {
        .device = "blk", .point = VSIM_FAULT_NO_COMPLETE, .trigger = VSIM_TRIGGER_NTH, .nth = 0};
    ck_assert_int_eq(vsim_fault_add(p, &r), VIO_ERR_INVALID_PARAM);
    r.nth = 2;
    for (unsigned i = 0; i < VSIM_FAULT_RULES_MAX; i++)
        ck_assert_int_eq(vsim_fault_add(p, &r), 0);
    ck_assert_int_eq(vsim_fault_add(p, &r), VIO_ERR_QUEUE_FULL);
    ck_assert_int_eq(vsim_fault_parse(p, "blk:no_complete", err), VIO_ERR_INVALID_PARAM);
    ck_assert_ptr_nonnull(strstr(err, "full"));
    vsim_fault_clear(p);
    ck_assert_uint_eq(vsim_fault_rule_count(p), 0);
    vsim_fault_plan_free(p);
}
END_TEST

START_TEST(triggers_fire_on_the_nth_every_or_by_seeded_chance)
{
    struct vsim_fault_plan *p = vsim_fault_plan_new();
    ck_assert_int_eq(vsim_fault_parse(p, "blk:no_complete@3", err), 0);
    for (int i = 1; i <= 6; i++)
        ck_assert_int_eq(vsim_fault_hit(p, "blk", VSIM_FAULT_NO_COMPLETE, NULL), i == 3);
    ck_assert(!vsim_fault_hit(p, "net", VSIM_FAULT_NO_COMPLETE, NULL));
    ck_assert(!vsim_fault_hit(p, "blk", VSIM_FAULT_USED_LEN, NULL));
    ck_assert_uint_eq(vsim_fault_fired(p, 0), 1);
    vsim_fault_clear(p);

    uint64_t v = 7;
    ck_assert_int_eq(vsim_fault_parse(p, "*:used_len", err), 0);
    ck_assert(vsim_fault_hit(p, "gpu", VSIM_FAULT_USED_LEN, &v));
    ck_assert_uint_eq(v, 7); /* no value: the caller's default stays */
    ck_assert_int_eq(vsim_fault_parse(p, "blk:used_len=99", err), 0);
    vsim_fault_clear(p);

    int a = 0, b = 0;
    ck_assert_int_eq(vsim_fault_parse(p, "blk:no_complete@p0.25:7", err), 0);
    ck_assert_int_eq(vsim_fault_parse(p, "net:no_complete@p0.25:7", err), 0);
    for (int i = 0; i < 2000; i++) {
        bool x = vsim_fault_hit(p, "blk", VSIM_FAULT_NO_COMPLETE, NULL);
        bool y = vsim_fault_hit(p, "net", VSIM_FAULT_NO_COMPLETE, NULL);
        ck_assert_int_eq(x, y); /* same seed, same sequence */
        a += x;
        b += !x;
    }
    ck_assert_int_gt(a, 400);
    ck_assert_int_lt(a, 600);
    ck_assert_int_eq(a + b, 2000);
    vsim_fault_plan_free(p);
}
END_TEST

START_TEST(describe_lists_every_point)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    vsim_fault_describe(f);
    fclose(f);
    for (unsigned i = 0; i < VSIM_FAULT_POINT_COUNT; i++)
        ck_assert_ptr_nonnull(strstr(text, vsim_fault_point_info((enum vsim_fault_point)i)->name));
    ck_assert_ptr_nonnull(strstr(text, "DEVICE:POINT[=VALUE][@TRIGGER]"));
    free(text);
}
END_TEST

/* ---- effects, on a blk device in slot 0 ---- */

static struct vsim_machine *m;
static struct vsim_blk *blk;
static struct simt_ring ring;
static uint8_t *buf;
static uint64_t buf_pa;
static const uint64_t MODERN = VSIM_BIT(VSIM_F_VERSION_1);

static void setup(void)
{
    m = vsim_machine_new(&(struct vsim_machine_opts){.mem_size = 1u << 20});
    blk = vsim_blk_attach(m, 0, 2, &(struct vsim_blk_opts){.capacity = 16});
    ck_assert_ptr_nonnull(blk);
    simt_ring_alloc(m, &ring, 8, false);
    buf = simt_dma(m, 1, &buf_pa);
}

static void teardown(void)
{
    simt_dma_free(m, buf, buf_pa, 1);
    simt_ring_free(m, &ring);
    simt_assert_no_leaks(m);
    vsim_machine_free(m);
}

static void plan(const char *text)
{
    ck_assert_msg(vsim_fault_parse(vsim_machine_faults(m), text, err) == 0, "%s", err);
}

/* A one-sector read with descriptors 2 -> 5 -> 6; returns whether it completed. */
static bool read_sector(uint32_t *id, uint32_t *len)
{
    memset(buf, 0, 16);
    buf[100] = 0xee;
    simt_desc(&ring, 2, buf_pa, 16, VSIM_VRING_DESC_F_NEXT, 5);
    simt_desc(&ring, 5, buf_pa + 512, 512, VSIM_VRING_DESC_F_NEXT | VSIM_VRING_DESC_F_WRITE, 6);
    simt_desc(&ring, 6, buf_pa + 100, 1, VSIM_VRING_DESC_F_WRITE, 0);
    simt_avail(&ring, 2);
    simt_notify(m, 0, 0);
    return simt_used(&ring, id, len);
}

START_TEST(status_fault_fails_the_chosen_request)
{
    uint32_t id, len;
    plan("blk:status=unsupp@2");
    simt_init_v2(m, 0, MODERN, &ring);
    ck_assert(read_sector(&id, &len));
    ck_assert_uint_eq(buf[100], 0);
    ck_assert(read_sector(&id, &len));
    ck_assert_uint_eq(buf[100], VSIM_BLK_S_UNSUPP);
    ck_assert(read_sector(&id, &len));
    ck_assert_uint_eq(buf[100], 0);
    ck_assert_uint_eq(vsim_fault_fired(vsim_machine_faults(m), 0), 1);
}
END_TEST

START_TEST(used_ring_faults_corrupt_id_and_len)
{
    uint32_t id, len;
    plan("blk:used_id_range@1");
    plan("blk:used_id_not_head@2");
    plan("blk:used_len@3");
    plan("blk:used_id_range=1234@4");
    simt_init_v2(m, 0, MODERN, &ring);
    ck_assert(read_sector(&id, &len));
    ck_assert_uint_eq(id, 8); /* the queue size */
    ck_assert(read_sector(&id, &len));
    ck_assert_uint_eq(id, 5); /* the chain's second descriptor */
    ck_assert(read_sector(&id, &len));
    ck_assert_uint_eq(id, 2);
    ck_assert_uint_eq(len, 514);
    ck_assert(read_sector(&id, &len));
    ck_assert_uint_eq(id, 1234);
    ck_assert(read_sector(&id, &len));
    ck_assert_uint_eq(id, 2);
    ck_assert_uint_eq(len, 513);
}
END_TEST

START_TEST(no_complete_swallows_the_request)
{
    uint32_t id, len;
    plan("blk:no_complete@1");
    simt_init_v2(m, 0, MODERN, &ring);
    ck_assert(!read_sector(&id, &len));
    ck_assert_uint_eq(vsim_device_interrupts(vsim_blk_device(blk)), 0);
    ck_assert(read_sector(&id, &len));
}
END_TEST

START_TEST(features_ok_refuse_keeps_the_bit_clear)
{
    plan("*:features_ok_refuse@1");
    simt_probe(m, 0, 2);
    simt_reset(m, 0);
    simt_w32(m, 0, VSIM_MMIO_STATUS, VSIM_STATUS_ACKNOWLEDGE);
    simt_w32(m, 0, VSIM_MMIO_STATUS, VSIM_STATUS_ACKNOWLEDGE | VSIM_STATUS_DRIVER);
    simt_w32(m, 0, VSIM_MMIO_DEVICE_FEATURES_SEL, 1);
    (void)simt_r32(m, 0, VSIM_MMIO_DEVICE_FEATURES);
    simt_w32(m, 0, VSIM_MMIO_DRIVER_FEATURES_SEL, 1);
    simt_w32(m, 0, VSIM_MMIO_DRIVER_FEATURES, 1);
    simt_w32(m, 0, VSIM_MMIO_STATUS, 0x0b);
    ck_assert_uint_eq(simt_r32(m, 0, VSIM_MMIO_STATUS), 0x03);
    ck_assert_uint_eq(vsim_conform_count(vsim_machine_conform(m)), 0);
    simt_init_v2(m, 0, MODERN, &ring); /* the second attempt succeeds */
}
END_TEST

START_TEST(queue_faults_report_size_zero_and_in_use)
{
    plan("blk:queue_max_zero@1");
    plan("blk:queue_in_use@1");
    ck_assert_uint_eq(simt_r32(m, 0, VSIM_MMIO_QUEUE_NUM_MAX), 0);
    ck_assert_uint_eq(simt_r32(m, 0, VSIM_MMIO_QUEUE_NUM_MAX), 256);
    ck_assert_uint_eq(simt_r32(m, 0, VSIM_MMIO_QUEUE_READY), 1);
    ck_assert_uint_eq(simt_r32(m, 0, VSIM_MMIO_QUEUE_READY), 0);
}
END_TEST

START_TEST(queue_in_use_shows_a_legacy_pfn)
{
    struct vsim_blk *b1 = vsim_blk_attach(m, 1, 1, NULL);
    ck_assert_ptr_nonnull(b1);
    plan("blk:queue_in_use@1");
    ck_assert_uint_ne(simt_r32(m, 1, VSIM_MMIO_QUEUE_PFN), 0);
    ck_assert_uint_eq(simt_r32(m, 1, VSIM_MMIO_QUEUE_PFN), 0);
}
END_TEST

START_TEST(config_gen_bump_changes_the_generation_during_a_read)
{
    plan("blk:config_gen_bump@1");
    uint32_t g0 = simt_r32(m, 0, VSIM_MMIO_CONFIG_GENERATION);
    (void)simt_r32(m, 0, VSIM_MMIO_CONFIG);
    uint32_t g1 = simt_r32(m, 0, VSIM_MMIO_CONFIG_GENERATION);
    (void)simt_r32(m, 0, VSIM_MMIO_CONFIG);
    ck_assert_uint_ne(g0, g1);
    ck_assert_uint_eq(simt_r32(m, 0, VSIM_MMIO_CONFIG_GENERATION), g1);
}
END_TEST

START_TEST(probe_faults_make_the_device_one_to_ignore)
{
    plan("blk:bad_magic@1");
    plan("blk:bad_version=7@1");
    plan("blk:device_id_zero@1");
    ck_assert_uint_eq(simt_r32(m, 0, VSIM_MMIO_MAGIC_VALUE), 0x74726975);
    (void)simt_r32(m, 0, VSIM_MMIO_STATUS);
    ck_assert_uint_eq(simt_count(m, "MMIO-10"), 1);
    ck_assert_uint_eq(simt_r32(m, 0, VSIM_MMIO_MAGIC_VALUE), 0x74726976);
    ck_assert_uint_eq(simt_r32(m, 0, VSIM_MMIO_VERSION), 7);
    ck_assert_uint_eq(simt_r32(m, 0, VSIM_MMIO_MAGIC_VALUE), 0x74726976);
    ck_assert_uint_eq(simt_r32(m, 0, VSIM_MMIO_VERSION), 2);
    ck_assert_uint_eq(simt_r32(m, 0, VSIM_MMIO_DEVICE_ID), 0);
    simt_w32(m, 0, VSIM_MMIO_STATUS, 0);
    ck_assert_uint_eq(simt_count(m, "MMIO-10"), 2);
    ck_assert_uint_eq(simt_r32(m, 0, VSIM_MMIO_MAGIC_VALUE), 0x74726976);
    ck_assert_uint_eq(simt_r32(m, 0, VSIM_MMIO_DEVICE_ID), 2);
    (void)simt_r32(m, 0, VSIM_MMIO_STATUS);
    ck_assert_uint_eq(simt_count(m, "MMIO-10"), 2);
}
END_TEST

/* A fault that reads back a valid MagicValue or Version leaves the device usable (MMIO-10). */
START_TEST(probe_faults_reading_a_valid_value_keep_the_device)
{
    plan("blk:bad_magic=0x74726976@1");
    plan("blk:bad_version=1@1");
    plan("blk:bad_version=2@2");
    ck_assert_uint_eq(simt_r32(m, 0, VSIM_MMIO_MAGIC_VALUE), 0x74726976);
    ck_assert_uint_eq(simt_r32(m, 0, VSIM_MMIO_VERSION), 1);
    ck_assert_uint_eq(simt_r32(m, 0, VSIM_MMIO_VERSION), 2);
    ck_assert_uint_eq(simt_r32(m, 0, VSIM_MMIO_DEVICE_ID), 2);
    (void)simt_r32(m, 0, VSIM_MMIO_STATUS);
    for (size_t i = 0; i < 3; i++)
        ck_assert_uint_eq(vsim_fault_fired(vsim_machine_faults(m), i), 1);
    ck_assert_uint_eq(simt_count(m, "MMIO-10"), 0);
}
END_TEST

START_TEST(hal_faults_fail_dma_alloc_and_share)
{
    const struct vio_hal *h = vsim_machine_hal(m);
    uint64_t pa;
    void *va;
    uint8_t local[8];
    plan("hal:dma_alloc@1");
    plan("hal:share@1");
    ck_assert_int_eq(h->dma_alloc(h->ctx, 1, VIO_DMA_BOTH, &pa, &va), VIO_ERR_DMA_ERROR);
    ck_assert_int_eq(h->share(h->ctx, local, 8, VIO_DMA_TO_DEVICE, &pa), VIO_ERR_DMA_ERROR);
    ck_assert_uint_eq(vsim_machine_dma_pages_in_use(m), ring.pages + 1); /* the fixture's */
    ck_assert_int_eq(h->dma_alloc(h->ctx, 1, VIO_DMA_BOTH, &pa, &va), 0);
    h->dma_free(h->ctx, pa, va, 1);
}
END_TEST

START_TEST(trace_names_registers_and_queue_events)
{
    char *text = NULL;
    size_t len = 0;
    uint32_t id, ulen;
    FILE *f = open_memstream(&text, &len);
    vsim_machine_set_trace(m, f);
    simt_init_v2(m, 0, MODERN, &ring);
    ck_assert(read_sector(&id, &ulen));
    (void)simt_r32(m, 0, 0x018);
    vsim_machine_set_trace(m, NULL);
    fclose(f);
    static const char *expect[] = {
        "mmio0 blk R32 MagicValue(0x000) -> 0x74726976",
        "mmio0 blk W32 Status(0x070) <- 0x3",
        "blk@mmio0 q0 enabled size=8",
        "mmio0 blk W32 QueueNotify(0x050) <- 0x0",
        "blk@mmio0 notify q0",
        "blk@mmio0 q0 avail head=2 segs=3 read=16 write=513",
        "blk@mmio0 request type=0 sector=0 data=512 status=0",
        "blk@mmio0 q0 used id=2 len=513 idx=1",
        "blk@mmio0 interrupt isr=0x1",
        "blk@mmio0 VIOLATION MMIO-4",
    };
    for (size_t i = 0; i < sizeof(expect) / sizeof(expect[0]); i++)
        ck_assert_msg(strstr(text, expect[i]) != NULL, "missing '%s' in:\n%s", expect[i], text);
    free(text);
}
END_TEST

Suite *vio_test_suite(void)
{
    Suite *s = suite_create("sim_fault");
    TCase *parse = tcase_create("parse");
    tcase_add_test(parse, good_rules_parse_into_their_fields);
    tcase_add_loop_test(parse, bad_rules_are_refused_with_a_clear_message, 0,
                        (int)(sizeof(bad) / sizeof(bad[0])));
    tcase_add_test(parse, the_plan_refuses_bad_structs_and_a_full_list);
    tcase_add_test(parse, triggers_fire_on_the_nth_every_or_by_seeded_chance);
    tcase_add_test(parse, describe_lists_every_point);
    suite_add_tcase(s, parse);
    TCase *fx = tcase_create("effects");
    tcase_add_checked_fixture(fx, setup, teardown);
    tcase_add_test(fx, status_fault_fails_the_chosen_request);
    tcase_add_test(fx, used_ring_faults_corrupt_id_and_len);
    tcase_add_test(fx, no_complete_swallows_the_request);
    tcase_add_test(fx, features_ok_refuse_keeps_the_bit_clear);
    tcase_add_test(fx, queue_faults_report_size_zero_and_in_use);
    tcase_add_test(fx, queue_in_use_shows_a_legacy_pfn);
    tcase_add_test(fx, config_gen_bump_changes_the_generation_during_a_read);
    tcase_add_test(fx, probe_faults_make_the_device_one_to_ignore);
    tcase_add_test(fx, probe_faults_reading_a_valid_value_keep_the_device);
    tcase_add_test(fx, hal_faults_fail_dma_alloc_and_share);
    tcase_add_test(fx, trace_names_registers_and_queue_events);
    suite_add_tcase(s, fx);
    return s;
}
