/*
 * The transport-independent code against a scripted transport: the Device
 * Initialization sequence and its failure paths, the Device Status Field,
 * config reads (bounds, widths, generation and legacy double reads), and the
 * error name table.
 */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "fake_hal.h"
#include "fake_transport.h"
#include "vio/err.h"
#include "vio/spec.h"
#include "vio/transport.h"

static struct fake_hal fh;
static struct fake_transport ft;

static void setup(void)
{
    fake_hal_init(&fh);
    fake_transport_init(&ft, &fh);
}

static void teardown(void)
{
    fake_hal_assert_clean(&fh);
}

static void expect_status_log(const uint8_t *exp, unsigned n)
{
    ck_assert_uint_eq(ft.n_status, n);
    for (unsigned i = 0; i < n; i++)
        ck_assert_msg(ft.status_log[i] == exp[i], "status write %u: 0x%x, expected 0x%x", i,
                      ft.status_log[i], exp[i]);
}

#define EXPECT_STATUS(...)                                                                         \
    do {                                                                                           \
        const uint8_t exp_[] = {__VA_ARGS__};                                                      \
        expect_status_log(exp_, sizeof exp_);                                                      \
    } while (0)

/* ---- Device Initialization ---- */

START_TEST(modern_init_negotiates_offered_and_supported)
{
    ft.offered = VIO_F_VERSION_1 | VIO_F_EVENT_IDX | VIO_F_RING_PACKED | 0x21;
    ck_assert_int_eq(vio_transport_begin_init(&ft.t, VIO_F_VERSION_1 | VIO_F_EVENT_IDX | 0x1), 0);
    EXPECT_STATUS(0, 1, 3, 0xb);
    ck_assert_uint_eq(ft.driver_features, VIO_F_VERSION_1 | VIO_F_EVENT_IDX | 0x1);
    ck_assert_uint_eq(ft.t.features, ft.driver_features);
    ck_assert(vio_has_feature(&ft.t, VIO_F_EVENT_IDX));
    ck_assert(!vio_has_feature(&ft.t, VIO_F_RING_PACKED));
    vio_transport_finish_init(&ft.t);
    ck_assert_uint_eq(ft.status, 0xf);
}
END_TEST

START_TEST(modern_init_always_accepts_version_1)
{
    ft.offered = VIO_F_VERSION_1 | 0x2;
    ck_assert_int_eq(vio_transport_begin_init(&ft.t, 0x2), 0);
    ck_assert_uint_eq(ft.driver_features, VIO_F_VERSION_1 | 0x2);
}
END_TEST

START_TEST(modern_init_without_version_1_offered_fails)
{
    ft.offered = VIO_F_EVENT_IDX;
    ck_assert_int_eq(vio_transport_begin_init(&ft.t, VIO_F_VERSION_1 | VIO_F_EVENT_IDX),
                     VIO_ERR_UNSUPPORTED);
    EXPECT_STATUS(0, 1, 3, 0x83);
    ck_assert_uint_eq(ft.feature_writes, 0);
    ck_assert_uint_eq(ft.t.features, 0);
}
END_TEST

START_TEST(features_ok_not_kept_fails_device)
{
    ft.refuse_features_ok = true;
    ck_assert_int_eq(vio_transport_begin_init(&ft.t, VIO_F_VERSION_1), VIO_ERR_UNSUPPORTED);
    /* FEATURES_OK was asked for and is dropped again; FAILED joins what the device kept */
    EXPECT_STATUS(0, 1, 3, 0xb, 0x83);
    ck_assert_uint_eq(ft.t.features, 0);
}
END_TEST

START_TEST(legacy_init_skips_features_ok_and_version_1)
{
    ft.t.legacy = true;
    ft.offered = VIO_F_VERSION_1 | VIO_F_INDIRECT_DESC | 0x4;
    ck_assert_int_eq(vio_transport_begin_init(&ft.t, VIO_F_VERSION_1 | VIO_F_INDIRECT_DESC | 0x4),
                     0);
    EXPECT_STATUS(0, 1, 3);
    ck_assert_uint_eq(ft.driver_features, VIO_F_INDIRECT_DESC | 0x4);
    vio_transport_finish_init(&ft.t);
    ck_assert_uint_eq(ft.status, 0x7);
}
END_TEST

START_TEST(reset_failure_fails_device_before_anything_else)
{
    ft.reset_rc = VIO_ERR_NOT_READY;
    ck_assert_int_eq(vio_transport_begin_init(&ft.t, VIO_F_VERSION_1), VIO_ERR_NOT_READY);
    EXPECT_STATUS(0, VIO_STATUS_FAILED);
    ck_assert_uint_eq(ft.feature_writes, 0);
}
END_TEST

START_TEST(fail_keeps_driver_bits_but_no_device_bits)
{
    ft.status =
        VIO_STATUS_DEVICE_NEEDS_RESET | VIO_STATUS_DRIVER_OK | VIO_STATUS_ACKNOWLEDGE | 0x20;
    vio_transport_fail(&ft.t);
    EXPECT_STATUS(VIO_STATUS_FAILED | VIO_STATUS_DRIVER_OK | VIO_STATUS_ACKNOWLEDGE);
}
END_TEST

START_TEST(shutdown_resets)
{
    ft.status = 0xf;
    ck_assert_int_eq(vio_transport_shutdown(&ft.t), 0);
    EXPECT_STATUS(0);
    ft.reset_rc = VIO_ERR_NOT_READY;
    ck_assert_int_eq(vio_transport_shutdown(&ft.t), VIO_ERR_NOT_READY);
}
END_TEST

/* ---- Device Configuration Space ---- */

START_TEST(config_bounds_are_checked_before_any_access)
{
    uint32_t v32;
    uint64_t v64;
    uint8_t buf[8];
    ft.config_size = 12;
    ck_assert_int_eq(vio_config_read_u32(&ft.t, 12, &v32), VIO_ERR_CONFIG_SPACE_TOO_SMALL);
    ck_assert_int_eq(vio_config_read_u64(&ft.t, 8, &v64), VIO_ERR_CONFIG_SPACE_TOO_SMALL);
    ck_assert_int_eq(vio_config_read(&ft.t, 5, buf, 8), VIO_ERR_CONFIG_SPACE_TOO_SMALL);
    /* offsets near the top of the 32-bit range must not wrap around */
    ck_assert_int_eq(vio_config_read_u32(&ft.t, UINT32_MAX - 1, &v32),
                     VIO_ERR_CONFIG_SPACE_TOO_SMALL);
    ck_assert_int_eq(vio_config_read(&ft.t, 4, buf, SIZE_MAX), VIO_ERR_CONFIG_SPACE_TOO_SMALL);
    ck_assert_int_eq(vio_config_read_u32(&ft.t, 2, &v32), VIO_ERR_INVALID_PARAM);
    ft.config_size = 0;
    ck_assert_int_eq(vio_config_read_u32(&ft.t, 0, &v32), VIO_ERR_CONFIG_SPACE_MISSING);
    ck_assert_uint_eq(ft.config_reads, 0);
    ck_assert_uint_eq(ft.generation_reads, 0);
}
END_TEST

START_TEST(config_reads_are_little_endian_in_field_widths)
{
    for (unsigned i = 0; i < 16; i++)
        ft.config[i] = (uint8_t)(0xa0 + i);
    uint16_t v16;
    uint32_t v32;
    uint64_t v64;
    uint8_t bytes[5];
    ck_assert_int_eq(vio_config_read_u16(&ft.t, 6, &v16), 0);
    ck_assert_uint_eq(v16, 0xa7a6);
    ck_assert_int_eq(vio_config_read_u32(&ft.t, 12, &v32), 0);
    ck_assert_uint_eq(v32, 0xafaeadac);
    ck_assert_int_eq(vio_config_read_u64(&ft.t, 0, &v64), 0);
    ck_assert_uint_eq(v64, 0xa7a6a5a4a3a2a1a0ull);
    ck_assert_int_eq(vio_config_read(&ft.t, 3, bytes, sizeof bytes), 0);
    ck_assert_mem_eq(bytes, &ft.config[3], sizeof bytes);
    ck_assert_uint_eq(ft.widths[2], 1);
    ck_assert_uint_eq(ft.widths[4], 3);
    ck_assert_uint_eq(ft.widths[1], 5);
}
END_TEST

START_TEST(config_read_retries_until_generation_is_stable)
{
    ft.config[0] = 1;
    ft.gen_bumps_left = 4; /* two attempts of two 32-bit reads each see a change */
    uint64_t v;
    ck_assert_int_eq(vio_config_read_u64(&ft.t, 0, &v), 0);
    ck_assert_uint_eq(v, 1);
    ck_assert_uint_eq(ft.config_reads, 6);
    ck_assert_uint_eq(ft.generation_reads, 6);
}
END_TEST

START_TEST(config_read_gives_up_when_generation_never_settles)
{
    ft.gen_bumps_left = 1000000;
    uint32_t v = 0x1234;
    ck_assert_int_eq(vio_config_read_u32(&ft.t, 0, &v), VIO_ERR_NOT_READY);
    ck_assert_uint_gt(ft.config_reads, 1);
    ck_assert_uint_le(ft.config_reads, 16);
    ck_assert_uint_eq(v, 0x1234);
}
END_TEST

START_TEST(legacy_config_needs_two_matching_reads)
{
    ft.t.legacy = true;
    ft.config[8] = 0x42;
    ft.config_flips_left = 1; /* the first pass sees a torn value */
    uint32_t v;
    ck_assert_int_eq(vio_config_read_u32(&ft.t, 8, &v), 0);
    ck_assert_uint_eq(v, 0x42);
    ck_assert_uint_eq(ft.config_reads, 4);
}
END_TEST

START_TEST(legacy_config_that_keeps_changing_is_not_ready)
{
    ft.t.legacy = true;
    ft.config_flips_left = 1000000;
    uint8_t b;
    ck_assert_int_eq(vio_config_read(&ft.t, 0, &b, 1), VIO_ERR_NOT_READY);
    ck_assert_uint_le(ft.config_reads, 32);
}
END_TEST

START_TEST(config_read_passes_transport_errors_through)
{
    /* the common bound allows it, but the transport knows only 64 bytes */
    ft.config_size = 2 * FAKE_TRANSPORT_CONFIG;
    uint32_t v;
    ck_assert_int_eq(vio_config_read_u32(&ft.t, FAKE_TRANSPORT_CONFIG - 4, &v), 0);
    ck_assert_int_eq(vio_config_read_u32(&ft.t, FAKE_TRANSPORT_CONFIG, &v),
                     VIO_ERR_CONFIG_SPACE_TOO_SMALL);
    ck_assert_uint_eq(ft.generation_reads, 3);
}
END_TEST

/* ---- error names ---- */

START_TEST(every_error_has_its_name_and_description)
{
    unsigned count = 0;
#define CHECK_ERR(e, v, n, s)                                                                      \
    ck_assert_str_eq(vio_err_name(v), #n);                                                         \
    ck_assert_str_eq(vio_err_str(v), s);                                                           \
    ck_assert_int_eq(VIO_ERR_##e, v);                                                              \
    count++;
    VIO_ERR_MAP(CHECK_ERR)
#undef CHECK_ERR
    ck_assert_uint_eq(count, VIO_ERR_COUNT);
    ck_assert_str_eq(vio_err_name(0), "Ok");
    ck_assert_str_eq(vio_err_name(-VIO_ERR_COUNT - 1), "Unknown");
    ck_assert_str_eq(vio_err_name(1), "Unknown");
    ck_assert_str_eq(vio_err_str(-1000), "unknown error");
    ck_assert_str_eq(vio_err_str(VIO_ERR_QUEUE_FULL), "no free descriptors in the virtqueue");
}
END_TEST

Suite *vio_test_suite(void)
{
    Suite *s = suite_create("transport");
    TCase *init = tcase_create("init");
    tcase_add_checked_fixture(init, setup, teardown);
    tcase_add_test(init, modern_init_negotiates_offered_and_supported);
    tcase_add_test(init, modern_init_always_accepts_version_1);
    tcase_add_test(init, modern_init_without_version_1_offered_fails);
    tcase_add_test(init, features_ok_not_kept_fails_device);
    tcase_add_test(init, legacy_init_skips_features_ok_and_version_1);
    tcase_add_test(init, reset_failure_fails_device_before_anything_else);
    tcase_add_test(init, fail_keeps_driver_bits_but_no_device_bits);
    tcase_add_test(init, shutdown_resets);
    suite_add_tcase(s, init);

    TCase *config = tcase_create("config");
    tcase_add_checked_fixture(config, setup, teardown);
    tcase_add_test(config, config_bounds_are_checked_before_any_access);
    tcase_add_test(config, config_reads_are_little_endian_in_field_widths);
    tcase_add_test(config, config_read_retries_until_generation_is_stable);
    tcase_add_test(config, config_read_gives_up_when_generation_never_settles);
    tcase_add_test(config, legacy_config_needs_two_matching_reads);
    tcase_add_test(config, legacy_config_that_keeps_changing_is_not_ready);
    tcase_add_test(config, config_read_passes_transport_errors_through);
    suite_add_tcase(s, config);

    TCase *err = tcase_create("errors");
    tcase_add_test(err, every_error_has_its_name_and_description);
    suite_add_tcase(s, err);
    return s;
}
