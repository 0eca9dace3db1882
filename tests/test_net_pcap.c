/*
 * pcap files: the writer and reader on their own (byte orders, timestamp
 * units, damaged files), the device's tap recording both directions, and a
 * written file replayed through the device's source into the real driver,
 * compared frame by frame. With tshark found at configure time, tshark reads
 * the tap's file too.
 */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_net_env.h"
#include "vio/err.h"
#include "vsim/fault.h"
#include "vsim/pcap.h"

static char dir[64];
static char path[128];
static struct vsim_machine *m;
static struct nett a;

static void setup(void)
{
    strcpy(dir, "/tmp/vio_net_pcap_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/frames.pcap", dir);
    m = nett_machine(false);
}

static void teardown(void)
{
    nett_machine_free(m);
    unlink(path);
    rmdir(dir);
}

static void write_bytes(const void *p, size_t len)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(p, 1, len, f), len);
    fclose(f);
}

/* ---- the file format ---- */

START_TEST(writer_and_reader_round_trip)
{
    static const uint32_t lens[] = {0, 1, 60, 1514, 9000, 65535};
    static uint8_t frame[65535], got[65535];
    struct vsim_pcap_writer *w = vsim_pcap_create(path);
    ck_assert_ptr_nonnull(w);
    for (unsigned i = 0; i < 6; i++) {
        nett_frame(frame, lens[i], i);
        ck_assert_int_eq(vsim_pcap_put(w, frame, lens[i], 1700000000123456789ull + i * 1000u), 0);
    }
    ck_assert_uint_eq(vsim_pcap_written(w), 6);
    ck_assert_int_eq(vsim_pcap_close(w), 0);

    struct vsim_pcap_reader *r = vsim_pcap_open(path);
    ck_assert_ptr_nonnull(r);
    for (unsigned i = 0; i < 6; i++) {
        uint32_t len;
        uint64_t ts;
        ck_assert_int_eq(vsim_pcap_next(r, got, sizeof(got), &len, &ts), 1);
        ck_assert_uint_eq(len, lens[i]);
        nett_frame(frame, lens[i], i);
        ck_assert_mem_eq(got, frame, len);
        /* microseconds in the file */
        ck_assert_uint_eq(ts, 1700000000123456000ull + i * 1000u);
    }
    ck_assert_int_eq(vsim_pcap_next(r, got, sizeof(got), &(uint32_t){0}, NULL), 0);
    vsim_pcap_close_reader(r);
}
END_TEST

START_TEST(writer_keeps_the_snapshot_length_of_a_longer_frame)
{
    size_t big = 70000;
    uint8_t *frame = calloc(1, big), *got = malloc(big);
    struct vsim_pcap_writer *w = vsim_pcap_create(path);
    ck_assert_int_eq(vsim_pcap_put(w, frame, big, 0), 0);
    ck_assert_int_eq(vsim_pcap_close(w), 0);
    struct vsim_pcap_reader *r = vsim_pcap_open(path);
    uint32_t len;
    ck_assert_int_eq(vsim_pcap_next(r, got, big, &len, NULL), 1);
    ck_assert_uint_eq(len, VSIM_PCAP_SNAPLEN);
    vsim_pcap_close_reader(r);
    free(frame);
    free(got);
}
END_TEST

START_TEST(reader_takes_big_endian_and_nanosecond_files)
{
    /* big-endian, microseconds: one 4-byte record at 2 s + 5 us */
    static const uint8_t be[] = {0xa1, 0xb2, 0xc3, 0xd4, 0,    2, 0, 4, 0, 0, 0, 0, 0, 0, 0,
                                 0,    0,    0,    0xff, 0xff, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0,
                                 0,    5,    0,    0,    0,    4, 0, 0, 0, 4, 1, 2, 3, 4};
    /* little-endian, nanoseconds: one 2-byte record at 3 s + 7 ns */
    static const uint8_t ns[] = {0x4d, 0x3c, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0,
                                 0,    0,    0xff, 0xff, 0, 0, 1, 0, 0, 0, 3, 0, 0, 0,
                                 7,    0,    0,    0,    2, 0, 0, 0, 2, 0, 0, 0, 9, 8};
    uint8_t got[8];
    uint32_t len;
    uint64_t ts;
    write_bytes(be, sizeof(be));
    struct vsim_pcap_reader *r = vsim_pcap_open(path);
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(vsim_pcap_next(r, got, sizeof(got), &len, &ts), 1);
    ck_assert_uint_eq(len, 4);
    ck_assert_mem_eq(got, ((uint8_t[]){1, 2, 3, 4}), 4);
    ck_assert_uint_eq(ts, 2000005000ull);
    vsim_pcap_close_reader(r);
    write_bytes(ns, sizeof(ns));
    r = vsim_pcap_open(path);
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(vsim_pcap_next(r, got, sizeof(got), &len, &ts), 1);
    ck_assert_uint_eq(len, 2);
    ck_assert_uint_eq(ts, 3000000007ull);
    ck_assert_int_eq(vsim_pcap_next(r, got, sizeof(got), &len, &ts), 0);
    vsim_pcap_close_reader(r);
}
END_TEST

START_TEST(reader_refuses_damaged_files)
{
    uint8_t f[64] = {0xd4, 0xc3, 0xb2, 0xa1, 2,    0,    4, 0, 0, 0, 0, 0,
                     0,    0,    0,    0,    0xff, 0xff, 0, 0, 1, 0, 0, 0};
    uint8_t got[16];
    uint32_t len;
    ck_assert_ptr_null(vsim_pcap_open("/nonexistent/x.pcap"));
    write_bytes(f, 10); /* shorter than the file header */
    ck_assert_ptr_null(vsim_pcap_open(path));
    f[20] = 101; /* raw IP, not Ethernet */
    write_bytes(f, 24);
    ck_assert_ptr_null(vsim_pcap_open(path));
    f[20] = 1;
    f[4] = 3; /* version 3 */
    write_bytes(f, 24);
    ck_assert_ptr_null(vsim_pcap_open(path));
    f[4] = 2;
    f[0] = 0x00; /* not a pcap magic */
    write_bytes(f, 24);
    ck_assert_ptr_null(vsim_pcap_open(path));
    f[0] = 0xd4;

    /* records: a cut header, a cut body, larger than the buffer, larger than the snaplen */
    static const struct {
        uint32_t incl;
        size_t file_len;
    } bad[] = {{4, 24 + 10}, {8, 24 + 16 + 5}, {17, 24 + 16 + 17}, {70000, 64}};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        memset(f + 24, 0, 40);
        f[32] = (uint8_t)bad[i].incl;
        f[33] = (uint8_t)(bad[i].incl >> 8);
        f[34] = (uint8_t)(bad[i].incl >> 16);
        write_bytes(f, bad[i].file_len);
        struct vsim_pcap_reader *r = vsim_pcap_open(path);
        ck_assert_ptr_nonnull(r);
        ck_assert_int_eq(vsim_pcap_next(r, got, sizeof(got), &len, NULL), -1);
        vsim_pcap_close_reader(r);
    }
}
END_TEST

/* ---- the device's tap and source ---- */

#define TAP_FRAMES 20u

static uint32_t tap_len(unsigned i)
{
    return 60 + i * 71u;
}

START_TEST(tap_records_both_directions_frame_by_frame)
{
    nett_up(&a, m, 0, 2, NULL, NULL);
    vsim_net_set_loopback(a.sim, true);
    ck_assert_int_eq(vsim_net_pcap_write(a.sim, path, VSIM_NET_TAP_BOTH), 0);
    nett_post(&a, 8, NETT_BUF_LEN);
    uint8_t frame[NETT_BUF_LEN], got[NETT_BUF_LEN];
    uint32_t n;
    for (unsigned i = 0; i < TAP_FRAMES; i++) {
        nett_frame(frame, tap_len(i), i);
        ck_assert_int_ge(nett_send(&a, frame, tap_len(i)), 0);
        ck_assert_int_eq(nett_reap(&a, 1), 1);
        ck_assert_int_eq(nett_recv(&a, got, sizeof(got), &n, true), 1);
    }
    ck_assert_int_eq(vsim_net_pcap_close(a.sim), 0);

    /* each frame twice: as transmitted, then as received */
    struct vsim_pcap_reader *r = vsim_pcap_open(path);
    ck_assert_ptr_nonnull(r);
    for (unsigned i = 0; i < 2 * TAP_FRAMES; i++) {
        ck_assert_int_eq(vsim_pcap_next(r, got, sizeof(got), &n, NULL), 1);
        nett_frame(frame, tap_len(i / 2), i / 2);
        ck_assert_uint_eq(n, tap_len(i / 2));
        ck_assert_mem_eq(got, frame, n);
    }
    ck_assert_int_eq(vsim_pcap_next(r, got, sizeof(got), &n, NULL), 0);
    vsim_pcap_close_reader(r);

#ifdef VIO_TSHARK
    /* tshark opens the file and sees the same frame lengths */
    char cmd[256];
    snprintf(cmd, sizeof(cmd), "%s -r %s -T fields -e frame.len 2>/dev/null", VIO_TSHARK, path);
    FILE *p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    unsigned count = 0, len;
    while (fscanf(p, "%u", &len) == 1) {
        ck_assert_uint_lt(count, 2 * TAP_FRAMES);
        ck_assert_uint_eq(len, tap_len(count / 2));
        count++;
    }
    ck_assert_int_eq(pclose(p), 0);
    ck_assert_uint_eq(count, 2 * TAP_FRAMES);
#endif
    nett_down(&a, NULL, NULL);
    nett_release(&a);
}
END_TEST

START_TEST(tap_records_the_chosen_direction_after_faults)
{
    nett_up(&a, m, 0, 2, NULL, NULL);
    vsim_net_set_loopback(a.sim, true);
    char err[VSIM_FAULT_ERR_MAX];
    ck_assert_int_eq(vsim_fault_parse(vsim_machine_faults(m), "net:truncate=20@1", err), 0);
    ck_assert_int_eq(vsim_net_pcap_write(a.sim, path, 0), VIO_ERR_INVALID_PARAM);
    ck_assert_int_eq(vsim_net_pcap_write(a.sim, path, VSIM_NET_TAP_RX), 0);
    nett_post(&a, 4, NETT_BUF_LEN);
    uint8_t frame[100], got[100];
    uint32_t n;
    for (unsigned i = 0; i < 2; i++) {
        nett_frame(frame, 100, i);
        ck_assert_int_ge(nett_send(&a, frame, 100), 0);
    }
    ck_assert_int_eq(nett_reap(&a, 2), 2);
    ck_assert_int_eq(vsim_net_pcap_close(a.sim), 0);
    struct vsim_pcap_reader *r = vsim_pcap_open(path);
    ck_assert_int_eq(vsim_pcap_next(r, got, sizeof(got), &n, NULL), 1);
    ck_assert_uint_eq(n, 20);
    ck_assert_int_eq(vsim_pcap_next(r, got, sizeof(got), &n, NULL), 1);
    ck_assert_uint_eq(n, 100);
    ck_assert_int_eq(vsim_pcap_next(r, got, sizeof(got), &n, NULL), 0);
    vsim_pcap_close_reader(r);
    nett_down(&a, NULL, NULL);
    nett_release(&a);
}
END_TEST

START_TEST(tap_reports_failed_writes)
{
    nett_up(&a, m, 0, 2, NULL, NULL);
    ck_assert_int_eq(vsim_net_pcap_write(a.sim, "/nonexistent/dir/x.pcap", 3), VIO_ERR_IO_ERROR);
    ck_assert_int_eq(vsim_net_pcap_write(a.sim, "/dev/full", VSIM_NET_TAP_TX), 0);
    uint8_t frame[64];
    nett_frame(frame, sizeof(frame), 0);
    ck_assert_int_ge(nett_send(&a, frame, sizeof(frame)), 0);
    ck_assert_int_eq(nett_reap(&a, 1), 1);
    ck_assert_int_eq(vsim_net_pcap_close(a.sim), VIO_ERR_IO_ERROR);
    nett_down(&a, NULL, NULL);
    nett_release(&a);
}
END_TEST

#define SRC_FRAMES 300u

static uint32_t src_len(unsigned i)
{
    return 14 + (i * 37u) % 1501u;
}

static void write_source(void)
{
    uint8_t frame[1514];
    struct vsim_pcap_writer *w = vsim_pcap_create(path);
    ck_assert_ptr_nonnull(w);
    for (unsigned i = 0; i < SRC_FRAMES; i++) {
        nett_frame(frame, src_len(i), i);
        ck_assert_int_eq(vsim_pcap_put(w, frame, src_len(i), (uint64_t)i * 1000u), 0);
    }
    ck_assert_int_eq(vsim_pcap_close(w), 0);
}

/* Receives every source frame, reposting buffers, and compares each one. */
static void receive_source(void)
{
    uint8_t frame[1514], got[1514];
    uint32_t n;
    for (unsigned i = 0; i < SRC_FRAMES; i++) {
        ck_assert_msg(nett_recv(&a, got, sizeof(got), &n, true) == 1, "frame %u missing", i);
        nett_frame(frame, src_len(i), i);
        ck_assert_uint_eq(n, src_len(i));
        ck_assert_mem_eq(got, frame, n);
    }
    ck_assert_int_eq(nett_recv(&a, got, sizeof(got), &n, true), 0);
    ck_assert(vsim_net_source_done(a.sim));
    ck_assert_uint_eq(vsim_net_stats(a.sim)->rx_lost, 0);
}

START_TEST(source_replays_a_file_through_the_driver)
{
    write_source();
    nett_up(&a, m, 0, 2, NULL, NULL);
    nett_post(&a, 16, NETT_BUF_LEN);
    ck_assert_int_eq(vsim_net_pcap_read(a.sim, "/nonexistent.pcap"), VIO_ERR_IO_ERROR);
    ck_assert_int_eq(vsim_net_pcap_read(a.sim, path), 0);
    ck_assert(!vsim_net_source_done(a.sim));
    receive_source();
    nett_down(&a, NULL, NULL);
    nett_release(&a);
}
END_TEST

START_TEST(source_waits_for_the_driver_and_for_merged_buffers)
{
    write_source();
    nett_attach(&a, m, 0, 1, NULL);
    ck_assert_int_eq(vsim_net_pcap_read(a.sim, path), 0);
    /* nothing is offered (or lost) before the driver runs and posts buffers */
    ck_assert_uint_eq(vsim_net_pump(a.sim), 0);
    ck_assert_int_eq(vio_net_init(a.drv, &a.mmio.t, NULL), 0);
    nett_post(&a, 12, 256);
    receive_source();
    nett_down(&a, NULL, NULL);
    nett_release(&a);
}
END_TEST

Suite *vio_test_suite(void)
{
    Suite *s = suite_create("net_pcap");
    TCase *tc = tcase_create("format");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, writer_and_reader_round_trip);
    tcase_add_test(tc, writer_keeps_the_snapshot_length_of_a_longer_frame);
    tcase_add_test(tc, reader_takes_big_endian_and_nanosecond_files);
    tcase_add_test(tc, reader_refuses_damaged_files);
    suite_add_tcase(s, tc);

    tc = tcase_create("device");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, tap_records_both_directions_frame_by_frame);
    tcase_add_test(tc, tap_records_the_chosen_direction_after_faults);
    tcase_add_test(tc, tap_reports_failed_writes);
    tcase_add_test(tc, source_replays_a_file_through_the_driver);
    tcase_add_test(tc, source_waits_for_the_driver_and_for_merged_buffers);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);
    return s;
}
