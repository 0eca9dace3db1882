/* The simulated block device, served hand-built requests over MMIO. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_sim_helpers.h"
#include "vio/err.h"
#include "vsim/blk.h"

static struct vsim_machine *m;
static struct vsim_blk *blk;
static struct simt_ring ring;
static uint8_t *buf; /* header at 0, status at 64, data from 4096 */
static uint64_t buf_pa;
static char image[64];

#define HDR 0u
#define STATUS 64u
#define DATA 4096u

static const uint64_t MODERN = VSIM_BIT(VSIM_F_VERSION_1);

static void start(unsigned version, const struct vsim_blk_opts *o)
{
    m = vsim_machine_new(&(struct vsim_machine_opts){.mem_size = 4u << 20});
    ck_assert_ptr_nonnull(m);
    blk = vsim_blk_attach(m, 2, version, o);
    ck_assert_msg(blk != NULL, "%s", vsim_machine_last_error(m));
    simt_ring_alloc(m, &ring, 16, version == 1);
    buf = simt_dma(m, 9, &buf_pa);
    if (version == 1)
        simt_init_v1(m, 2, VSIM_BIT(VSIM_BLK_F_FLUSH), &ring);
    else
        simt_init_v2(m, 2, MODERN | VSIM_BIT(VSIM_BLK_F_FLUSH) | VSIM_BIT(VSIM_F_INDIRECT_DESC),
                     &ring);
}

static void setup(void)
{
    start(2, &(struct vsim_blk_opts){.capacity = 64, .serial = "SERIAL-0123456789ABC"});
}

static void teardown(void)
{
    simt_dma_free(m, buf, buf_pa, 9);
    simt_ring_free(m, &ring);
    simt_assert_no_leaks(m);
    vsim_machine_free(m);
    if (image[0]) {
        unlink(image);
        image[0] = '\0';
    }
}

static void header(uint32_t type, uint64_t sector)
{
    memset(buf + HDR, 0, 16);
    memcpy(buf + HDR, &type, 4);
    memcpy(buf + HDR + 8, &sector, 8);
    buf[STATUS] = 0xee;
}

/* Submits header, @len data bytes (device-writable when @in) and status; returns used len. */
static uint32_t submit(uint32_t type, uint64_t sector, uint32_t len, bool in)
{
    uint32_t id, used;
    header(type, sector);
    uint16_t w = VSIM_VRING_DESC_F_WRITE, n = VSIM_VRING_DESC_F_NEXT;
    if (len) {
        simt_desc(&ring, 0, buf_pa + HDR, 16, n, 1);
        simt_desc(&ring, 1, buf_pa + DATA, len, (uint16_t)(n | (in ? w : 0)), 2);
        simt_desc(&ring, 2, buf_pa + STATUS, 1, w, 0);
    } else {
        simt_desc(&ring, 0, buf_pa + HDR, 16, n, 2);
        simt_desc(&ring, 2, buf_pa + STATUS, 1, w, 0);
    }
    simt_avail(&ring, 0);
    simt_notify(m, 2, 0);
    ck_assert(simt_used(&ring, &id, &used));
    ck_assert_uint_eq(id, 0);
    return used;
}

static size_t violations(void)
{
    return vsim_conform_count(vsim_machine_conform(m));
}

START_TEST(write_then_read_round_trips_through_ram)
{
    for (int i = 0; i < 1024; i++)
        buf[DATA + i] = (uint8_t)(i * 7);
    ck_assert_uint_eq(submit(VSIM_BLK_T_OUT, 5, 1024, false), 1);
    ck_assert_uint_eq(buf[STATUS], VSIM_BLK_S_OK);
    ck_assert_mem_eq(vsim_blk_ram(blk) + 5 * 512, buf + DATA, 1024);
    memset(buf + DATA, 0, 1024);
    ck_assert_uint_eq(submit(VSIM_BLK_T_IN, 5, 1024, true), 1025);
    ck_assert_uint_eq(buf[STATUS], VSIM_BLK_S_OK);
    ck_assert_mem_eq(vsim_blk_ram(blk) + 5 * 512, buf + DATA, 1024);
    const struct vsim_blk_stats *st = vsim_blk_stats(blk);
    ck_assert_uint_eq(st->reads, 1);
    ck_assert_uint_eq(st->writes, 1);
    ck_assert_uint_eq(st->bytes_read, 1024);
    ck_assert_uint_eq(violations(), 0);
}
END_TEST

START_TEST(config_reports_capacity_and_blk_size)
{
    ck_assert_uint_eq(simt_r32(m, 2, VSIM_MMIO_CONFIG + VSIM_BLK_CFG_CAPACITY), 64);
    ck_assert_uint_eq(simt_r32(m, 2, VSIM_MMIO_CONFIG + VSIM_BLK_CFG_CAPACITY + 4), 0);
    ck_assert_uint_eq(simt_r32(m, 2, VSIM_MMIO_CONFIG + VSIM_BLK_CFG_BLK_SIZE), 512);
    ck_assert_uint_eq(vsim_blk_capacity(blk), 64);
    ck_assert_uint_eq(violations(), 0);
}
END_TEST

START_TEST(get_id_returns_the_serial)
{
    ck_assert_uint_eq(submit(VSIM_BLK_T_GET_ID, 0, 20, true), 21);
    ck_assert_uint_eq(buf[STATUS], VSIM_BLK_S_OK);
    ck_assert_mem_eq(buf + DATA, "SERIAL-0123456789ABC", 20);
    ck_assert_uint_eq(violations(), 0);
    memset(buf + DATA, 0x55, 64);
    ck_assert_uint_eq(submit(VSIM_BLK_T_GET_ID, 0, 24, true), 25);
    ck_assert_uint_eq(simt_count(m, "BLK-3"), 1);
    ck_assert_uint_eq(buf[DATA + 23], 0); /* zero past the id */
    ck_assert_uint_eq(vsim_blk_stats(blk)->get_ids, 2);
}
END_TEST

START_TEST(out_of_range_and_partial_sectors_fail_with_ioerr)
{
    memset(buf + DATA, 0x33, 1024);
    ck_assert_uint_eq(submit(VSIM_BLK_T_IN, 63, 1024, true), 1025);
    ck_assert_uint_eq(buf[STATUS], VSIM_BLK_S_IOERR);
    ck_assert_uint_eq(buf[DATA], 0); /* data area zeroed, not stale */
    ck_assert_uint_eq(simt_count(m, "BLK-1"), 1);
    ck_assert_uint_eq(submit(VSIM_BLK_T_OUT, UINT64_MAX, 512, false), 1);
    ck_assert_uint_eq(buf[STATUS], VSIM_BLK_S_IOERR);
    ck_assert_uint_eq(simt_count(m, "BLK-1"), 2);
    ck_assert_uint_eq(submit(VSIM_BLK_T_IN, 0, 100, true), 101);
    ck_assert_uint_eq(buf[STATUS], VSIM_BLK_S_IOERR);
    ck_assert_uint_eq(simt_count(m, "BLK-2"), 1);
    ck_assert_uint_eq(vsim_blk_stats(blk)->errors, 3);
}
END_TEST

START_TEST(unknown_types_are_unsupported)
{
    ck_assert_uint_eq(submit(99, 0, 0, false), 1);
    ck_assert_uint_eq(buf[STATUS], VSIM_BLK_S_UNSUPP);
    ck_assert_uint_eq(submit(VSIM_BLK_T_FLUSH_OUT, 0, 0, false), 1); /* legacy only */
    ck_assert_uint_eq(buf[STATUS], VSIM_BLK_S_UNSUPP);
    ck_assert_uint_eq(vsim_blk_stats(blk)->unsupported, 2);
    ck_assert_uint_eq(violations(), 0);
}
END_TEST

START_TEST(flush_with_a_sector_is_recorded_but_served)
{
    ck_assert_uint_eq(submit(VSIM_BLK_T_FLUSH, 0, 0, false), 1);
    ck_assert_uint_eq(buf[STATUS], VSIM_BLK_S_OK);
    ck_assert_uint_eq(submit(VSIM_BLK_T_FLUSH, 3, 0, false), 1);
    ck_assert_uint_eq(buf[STATUS], VSIM_BLK_S_OK);
    ck_assert_uint_eq(simt_count(m, "BLK-4"), 1);
    ck_assert_uint_eq(vsim_blk_stats(blk)->flushes, 2);
    ck_assert_uint_eq(vsim_blk_stats(blk)->fsyncs, 0); /* RAM has nothing to sync */
}
END_TEST

START_TEST(bad_framing_is_recorded)
{
    uint32_t id, len;
    /* Header too short. */
    simt_desc(&ring, 0, buf_pa + HDR, 8, VSIM_VRING_DESC_F_NEXT, 1);
    simt_desc(&ring, 1, buf_pa + STATUS, 1, VSIM_VRING_DESC_F_WRITE, 0);
    simt_avail(&ring, 0);
    simt_notify(m, 2, 0);
    ck_assert(simt_used(&ring, &id, &len));
    ck_assert_uint_eq(len, 1);
    ck_assert_uint_eq(buf[STATUS], VSIM_BLK_S_IOERR);
    /* No status byte: nothing can be written. */
    simt_desc(&ring, 0, buf_pa + HDR, 16, 0, 0);
    simt_avail(&ring, 0);
    simt_notify(m, 2, 0);
    ck_assert(simt_used(&ring, &id, &len));
    ck_assert_uint_eq(len, 0);
    /* Data the wrong way for T_IN. */
    header(VSIM_BLK_T_IN, 0);
    simt_desc(&ring, 0, buf_pa + HDR, 16 + 512, VSIM_VRING_DESC_F_NEXT, 1);
    simt_desc(&ring, 1, buf_pa + STATUS, 1, VSIM_VRING_DESC_F_WRITE, 0);
    simt_avail(&ring, 0);
    simt_notify(m, 2, 0);
    ck_assert(simt_used(&ring, &id, &len));
    ck_assert_uint_eq(simt_count(m, "BLK-5"), 3);
}
END_TEST

START_TEST(request_in_an_indirect_table_is_served)
{
    uint8_t *table = buf + 8192;
    uint32_t id, len;
    memset(vsim_blk_ram(blk) + 512, 0xa7, 512);
    header(VSIM_BLK_T_IN, 1);
    simt_desc_at(table, 0, buf_pa + HDR, 16, VSIM_VRING_DESC_F_NEXT, 1);
    simt_desc_at(table, 1, buf_pa + DATA, 512, VSIM_VRING_DESC_F_NEXT | VSIM_VRING_DESC_F_WRITE, 2);
    simt_desc_at(table, 2, buf_pa + STATUS, 1, VSIM_VRING_DESC_F_WRITE, 0);
    simt_desc(&ring, 7, buf_pa + 8192, 48, VSIM_VRING_DESC_F_INDIRECT, 0);
    simt_avail(&ring, 7);
    simt_notify(m, 2, 0);
    ck_assert(simt_used(&ring, &id, &len));
    ck_assert_uint_eq(id, 7);
    ck_assert_uint_eq(len, 513);
    ck_assert_uint_eq(buf[STATUS], VSIM_BLK_S_OK);
    ck_assert_uint_eq(buf[DATA + 511], 0xa7);
    ck_assert_uint_eq(violations(), 0);
}
END_TEST

START_TEST(many_requests_in_one_notify_are_all_served)
{
    uint32_t id, len;
    for (uint16_t i = 0; i < 5; i++) {
        uint8_t *h = buf + 16u * i;
        uint32_t type = VSIM_BLK_T_IN;
        uint64_t sector = i;
        memset(h, 0, 16);
        memcpy(h, &type, 4);
        memcpy(h + 8, &sector, 8);
        vsim_blk_ram(blk)[i * 512] = (uint8_t)(10 + i);
        simt_desc(&ring, (uint16_t)(3 * i), buf_pa + 16u * i, 16, VSIM_VRING_DESC_F_NEXT,
                  (uint16_t)(3 * i + 1));
        simt_desc(&ring, (uint16_t)(3 * i + 1), buf_pa + DATA + 512u * i, 512,
                  VSIM_VRING_DESC_F_NEXT | VSIM_VRING_DESC_F_WRITE, (uint16_t)(3 * i + 2));
        simt_desc(&ring, (uint16_t)(3 * i + 2), buf_pa + STATUS + i, 1, VSIM_VRING_DESC_F_WRITE, 0);
        simt_avail(&ring, (uint16_t)(3 * i));
    }
    simt_notify(m, 2, 0);
    for (uint16_t i = 0; i < 5; i++) {
        ck_assert(simt_used(&ring, &id, &len));
        ck_assert_uint_eq(id, 3u * i);
        ck_assert_uint_eq(buf[DATA + 512u * i], 10 + i);
        ck_assert_uint_eq(buf[STATUS + i], VSIM_BLK_S_OK);
    }
    ck_assert_uint_eq(vsim_device_interrupts(vsim_blk_device(blk)), 1);
}
END_TEST

START_TEST(read_only_device_refuses_writes_and_keeps_data)
{
    teardown();
    start(2, &(struct vsim_blk_opts){.capacity = 8, .read_only = true});
    simt_w32(m, 2, VSIM_MMIO_DEVICE_FEATURES_SEL, 0);
    ck_assert(simt_r32(m, 2, VSIM_MMIO_DEVICE_FEATURES) & (1u << VSIM_BLK_F_RO));
    memset(buf + DATA, 0x99, 512);
    ck_assert_uint_eq(submit(VSIM_BLK_T_OUT, 0, 512, false), 1);
    ck_assert_uint_eq(buf[STATUS], VSIM_BLK_S_IOERR);
    ck_assert_uint_eq(vsim_blk_ram(blk)[0], 0);
    ck_assert_uint_eq(vsim_blk_stats(blk)->writes, 0);
    ck_assert_uint_eq(violations(), 0);
}
END_TEST

START_TEST(legacy_device_serves_requests_and_flush_out)
{
    teardown();
    start(1, &(struct vsim_blk_opts){.capacity = 8});
    memset(buf + DATA, 0x42, 512);
    ck_assert_uint_eq(submit(VSIM_BLK_T_OUT, 7, 512, false), 1);
    ck_assert_uint_eq(vsim_blk_ram(blk)[7 * 512 + 3], 0x42);
    ck_assert_uint_eq(submit(VSIM_BLK_T_FLUSH_OUT, 0, 0, false), 1);
    ck_assert_uint_eq(buf[STATUS], VSIM_BLK_S_OK);
    ck_assert_uint_eq(vsim_blk_stats(blk)->flushes, 1);
    ck_assert_uint_eq(violations(), 0);
}
END_TEST

START_TEST(callers_ram_is_the_disk_and_stays_theirs)
{
    static uint8_t disk[8 * 512];
    for (size_t i = 0; i < sizeof disk; i++)
        disk[i] = (uint8_t)(i / 512 * 16 + i);
    teardown();
    start(2, &(struct vsim_blk_opts){.capacity = 8, .ram = disk});
    ck_assert_ptr_eq(vsim_blk_ram(blk), disk);
    ck_assert_uint_eq(submit(VSIM_BLK_T_IN, 3, 512, true), 513);
    ck_assert_mem_eq(buf + DATA, disk + 3 * 512, 512);
    memset(buf + DATA, 0x5a, 512);
    ck_assert_uint_eq(submit(VSIM_BLK_T_OUT, 1, 512, false), 1);
    ck_assert_uint_eq(disk[512], 0x5a);
    ck_assert_uint_eq(disk[1023], 0x5a);
    /* a resize moves the disk to memory of its own; the caller's bytes stay as they were */
    ck_assert_int_eq(vsim_blk_set_capacity(blk, 16), VIO_OK);
    ck_assert_ptr_ne(vsim_blk_ram(blk), disk);
    ck_assert_mem_eq(vsim_blk_ram(blk), disk, sizeof disk);
    ck_assert_uint_eq(vsim_blk_ram(blk)[15 * 512], 0);
    memset(buf + DATA, 0x11, 512);
    ck_assert_uint_eq(submit(VSIM_BLK_T_OUT, 1, 512, false), 1);
    ck_assert_uint_eq(disk[512], 0x5a);
    ck_assert_uint_eq(violations(), 0);
}
END_TEST

START_TEST(callers_ram_without_a_capacity_is_refused)
{
    static uint8_t disk[512];
    ck_assert_ptr_null(vsim_blk_new(m, &(struct vsim_blk_opts){.ram = disk}));
    ck_assert_ptr_nonnull(strstr(vsim_machine_last_error(m), "capacity"));
}
END_TEST

static void make_image(size_t bytes)
{
    snprintf(image, sizeof(image), "/tmp/vsim-blk-XXXXXX");
    int fd = mkstemp(image);
    ck_assert_int_ge(fd, 0);
    uint8_t *pattern = malloc(bytes);
    for (size_t i = 0; i < bytes; i++)
        pattern[i] = (uint8_t)(i / 512 + i);
    ck_assert_int_eq(write(fd, pattern, bytes), (ssize_t)bytes);
    free(pattern);
    close(fd);
}

START_TEST(image_backend_reads_writes_and_fsyncs_on_flush)
{
    teardown();
    make_image(16 * 512 + 100); /* the partial tail sector is not part of the disk */
    start(2, &(struct vsim_blk_opts){.image = image});
    ck_assert_uint_eq(vsim_blk_capacity(blk), 16);
    ck_assert_ptr_null(vsim_blk_ram(blk));
    ck_assert_uint_eq(submit(VSIM_BLK_T_IN, 2, 1024, true), 1025);
    ck_assert_uint_eq(buf[STATUS], VSIM_BLK_S_OK);
    for (size_t i = 0; i < 1024; i++)
        ck_assert_uint_eq(buf[DATA + i], (uint8_t)((1024 + i) / 512 + 1024 + i));
    memset(buf + DATA, 0x6b, 512);
    ck_assert_uint_eq(submit(VSIM_BLK_T_OUT, 15, 512, false), 1);
    ck_assert_uint_eq(buf[STATUS], VSIM_BLK_S_OK);
    ck_assert_uint_eq(submit(VSIM_BLK_T_FLUSH, 0, 0, false), 1);
    ck_assert_uint_eq(vsim_blk_stats(blk)->fsyncs, 1);
    int fd = open(image, O_RDONLY);
    uint8_t back[512];
    ck_assert_int_eq(pread(fd, back, sizeof(back), 15 * 512), 512);
    close(fd);
    ck_assert_uint_eq(back[0], 0x6b);
    ck_assert_uint_eq(back[511], 0x6b);
    ck_assert_uint_eq(submit(VSIM_BLK_T_IN, 16, 512, true), 513);
    ck_assert_uint_eq(buf[STATUS], VSIM_BLK_S_IOERR);
}
END_TEST

START_TEST(missing_image_fails_to_attach_with_a_reason)
{
    ck_assert_ptr_null(
        vsim_blk_attach(m, 3, 2, &(struct vsim_blk_opts){.image = "/nonexistent/x.img"}));
    ck_assert_ptr_nonnull(strstr(vsim_machine_last_error(m), "/nonexistent/x.img"));
    ck_assert_ptr_null(vsim_blk_attach(m, 2, 2, NULL)); /* slot taken */
    ck_assert_ptr_nonnull(strstr(vsim_machine_last_error(m), "taken"));
    ck_assert_int_eq(vsim_blk_set_capacity(blk, 0), VIO_ERR_INVALID_PARAM);
}
END_TEST

START_TEST(withheld_features_are_not_offered)
{
    teardown();
    start(2, &(struct vsim_blk_opts){.features_off = VSIM_BIT(VSIM_F_EVENT_IDX), .queue_max = 16});
    simt_w32(m, 2, VSIM_MMIO_DEVICE_FEATURES_SEL, 0);
    uint32_t lo = simt_r32(m, 2, VSIM_MMIO_DEVICE_FEATURES);
    ck_assert_uint_eq(lo & (1u << VSIM_F_EVENT_IDX), 0);
    ck_assert(lo & (1u << VSIM_F_INDIRECT_DESC));
    simt_w32(m, 2, VSIM_MMIO_QUEUE_SEL, 0);
    ck_assert_uint_eq(simt_r32(m, 2, VSIM_MMIO_QUEUE_NUM_MAX), 16);
}
END_TEST

Suite *vio_test_suite(void)
{
    Suite *s = suite_create("sim_blk");
    TCase *tc = tcase_create("blk");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, write_then_read_round_trips_through_ram);
    tcase_add_test(tc, config_reports_capacity_and_blk_size);
    tcase_add_test(tc, get_id_returns_the_serial);
    tcase_add_test(tc, out_of_range_and_partial_sectors_fail_with_ioerr);
    tcase_add_test(tc, unknown_types_are_unsupported);
    tcase_add_test(tc, flush_with_a_sector_is_recorded_but_served);
    tcase_add_test(tc, bad_framing_is_recorded);
    tcase_add_test(tc, request_in_an_indirect_table_is_served);
    tcase_add_test(tc, many_requests_in_one_notify_are_all_served);
    tcase_add_test(tc, read_only_device_refuses_writes_and_keeps_data);
    tcase_add_test(tc, legacy_device_serves_requests_and_flush_out);
    tcase_add_test(tc, callers_ram_is_the_disk_and_stays_theirs);
    tcase_add_test(tc, callers_ram_without_a_capacity_is_refused);
    tcase_add_test(tc, image_backend_reads_writes_and_fsyncs_on_flush);
    tcase_add_test(tc, missing_image_fails_to_attach_with_a_reason);
    tcase_add_test(tc, withheld_features_are_not_offered);
    suite_add_tcase(s, tc);
    return s;
}
