/*
 * The block driver against a scripted device played by the test: a RAM disk
 * served on notify through the device side of the ring, with knobs for the
 * status byte, the used length and requests that never complete.
 */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "fake_hal.h"
#include "fake_transport.h"
#include "fake_vring.h"
#include "vio/blk.h"
#include "vio/err.h"
#include "vio/spec.h"

#define DISK_SECTORS 64u

static struct fake_hal fh;
static struct fake_transport ft;
static struct fake_vring vr;
static struct vio_blk b;

static struct {
    uint8_t disk[DISK_SECTORS * VIO_BLK_SECTOR_SIZE];
    int status;   /* written into the status byte; -1 leaves it alone */
    int used_len; /* -1: the number of bytes really written */
    bool hold;    /* take requests but do not complete them */
    uint8_t serial[VIO_BLK_ID_BYTES];
    unsigned requests;
    uint32_t type;
    uint64_t sector;
    unsigned nbufs;
    uint16_t held[8];
    unsigned n_held;
    bool forge_type; /* write forged_type over the (readable) header's type */
    uint32_t forged_type;
} dev;

/* Parses and performs the request at @head, writes its status and completes it. */
static void dev_finish(uint16_t head)
{
    struct fake_vring_buf buf[4];
    bool indirect;
    unsigned n = fake_vring_walk(&vr, head, buf, 4, &indirect);
    /* Device Operation: header (readable, 16 bytes) | data | status (writable, 1 byte) */
    ck_assert_uint_ge(n, 2);
    ck_assert(!buf[0].writable);
    ck_assert_uint_eq(buf[0].len, 16);
    ck_assert(buf[n - 1].writable);
    ck_assert_uint_eq(buf[n - 1].len, 1);
    memcpy(&dev.type, buf[0].ptr, 4);
    memcpy(&dev.sector, buf[0].ptr + 8, 8);
    dev.nbufs = n;

    uint32_t written = 1;
    if (n == 3) {
        struct fake_vring_buf *d = &buf[1];
        size_t off = (size_t)dev.sector * VIO_BLK_SECTOR_SIZE;
        switch (dev.type) {
        case VIO_BLK_T_IN:
            ck_assert(d->writable);
            ck_assert_uint_le(off + d->len, sizeof dev.disk);
            memcpy(d->ptr, dev.disk + off, d->len);
            written += d->len;
            break;
        case VIO_BLK_T_OUT:
            ck_assert(!d->writable);
            ck_assert_uint_le(off + d->len, sizeof dev.disk);
            memcpy(dev.disk + off, d->ptr, d->len);
            break;
        case VIO_BLK_T_GET_ID:
            ck_assert(d->writable);
            ck_assert_uint_eq(d->len, VIO_BLK_ID_BYTES);
            memcpy(d->ptr, dev.serial, VIO_BLK_ID_BYTES);
            written += VIO_BLK_ID_BYTES;
            break;
        default:
            ck_abort_msg("unexpected request type %u with data", dev.type);
        }
    } else {
        ck_assert_uint_eq(dev.type, VIO_BLK_T_FLUSH);
        ck_assert_uint_eq(dev.sector, 0);
    }
    if (dev.forge_type)
        memcpy(buf[0].ptr, &dev.forged_type, 4);
    if (dev.status >= 0)
        *buf[n - 1].ptr = (uint8_t)dev.status;
    fake_vring_complete(&vr, head, dev.used_len >= 0 ? (uint32_t)dev.used_len : written);
}

static void dev_serve(struct fake_transport *t)
{
    (void)t;
    uint16_t head;
    while (fake_vring_next_avail(&vr, &head)) {
        dev.requests++;
        if (dev.hold) {
            ck_assert_uint_lt(dev.n_held, 8);
            dev.held[dev.n_held++] = head;
        } else {
            dev_finish(head);
        }
    }
    /* Available Buffer Notification Suppression: ask to hear of the next entry */
    fake_vring_set_avail_event(&vr, vr.last_avail);
}

static void setup(void)
{
    fake_hal_init(&fh);
    fh.hal.spin_limit = 50;
    fake_transport_init(&ft, &fh);
    fake_vring_attach(&vr, &fh, &ft);
    ft.on_notify = dev_serve;
    ft.offered = VIO_F_VERSION_1 | VIO_F_EVENT_IDX | VIO_F_INDIRECT_DESC | VIO_BLK_F_FLUSH;
    uint64_t capacity = DISK_SECTORS;
    memcpy(ft.config, &capacity, sizeof capacity);
    memset(&dev, 0, sizeof dev);
    dev.used_len = -1;
    memset(&b, 0, sizeof b);
}

static void teardown(void)
{
    if (b.t != NULL) {
        /* no descriptor leaked: taking back what is in flight restores every one */
        vio_queue_reclaim_all(&b.q);
        ck_assert_uint_eq(vio_queue_num_free(&b.q), b.q.size);
        vio_blk_deinit(&b);
    }
    fake_hal_assert_clean(&fh);
}

static void set_blk_size(uint32_t blk_size)
{
    ft.offered |= VIO_BLK_F_BLK_SIZE;
    memcpy(&ft.config[20], &blk_size, sizeof blk_size);
}

static void init_ok(void)
{
    ck_assert_int_eq(vio_blk_init(&b, &ft.t, 0), 0);
}

/* ---- initialization ---- */

START_TEST(init_negotiates_only_supported_features)
{
    ft.offered = ~0ull & ~VIO_BLK_F_BLK_SIZE;
    init_ok();
    ck_assert_uint_eq(ft.driver_features, ft.offered & VIO_BLK_SUPPORTED_FEATURES);
    ck_assert_uint_eq(ft.status, 0xf);
    ck_assert_uint_eq(b.capacity, DISK_SECTORS);
    ck_assert_uint_eq(b.blk_size, 512);
    ck_assert(b.readonly && b.has_flush);
    ck_assert_uint_eq(ft.setup_calls, 1);
    ck_assert_uint_eq(ft.setup_size, 8);
}
END_TEST

START_TEST(init_refuses_non_block_device)
{
    ft.t.device_id = VIO_ID_NET;
    ck_assert_int_eq(vio_blk_init(&b, &ft.t, 0), VIO_ERR_INVALID_PARAM);
    ck_assert_uint_eq(ft.n_status, 0);
}
END_TEST

START_TEST(init_refuses_blk_size_out_of_range)
{
    const uint32_t bad[] = {0, 256, 768, 4097, 128 * 1024};
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        set_blk_size(bad[i]);
        ck_assert_int_eq(vio_blk_init(&b, &ft.t, 0), VIO_ERR_IO_ERROR);
        ck_assert_uint_eq(ft.status & VIO_STATUS_FAILED, VIO_STATUS_FAILED);
        ck_assert_uint_eq(ft.setup_calls, 0);
    }
    set_blk_size(4096);
    init_ok();
    ck_assert_uint_eq(b.blk_size, 4096);
}
END_TEST

START_TEST(init_ignores_blk_size_when_not_offered)
{
    set_blk_size(3);
    ft.offered &= ~VIO_BLK_F_BLK_SIZE;
    init_ok();
    ck_assert_uint_eq(b.blk_size, 512);
}
END_TEST

START_TEST(init_with_config_too_small_fails_device)
{
    ft.config_size = 4;
    ck_assert_int_eq(vio_blk_init(&b, &ft.t, 0), VIO_ERR_CONFIG_SPACE_TOO_SMALL);
    ck_assert_uint_eq(ft.status & VIO_STATUS_FAILED, VIO_STATUS_FAILED);
}
END_TEST

START_TEST(init_without_queue_fails_device)
{
    ft.queue_max = 0;
    ck_assert_int_eq(vio_blk_init(&b, &ft.t, 0), VIO_ERR_NOT_READY);
    ck_assert_uint_eq(ft.status & VIO_STATUS_FAILED, VIO_STATUS_FAILED);
    ck_assert_uint_eq(ft.status & VIO_STATUS_DRIVER_OK, 0);
}
END_TEST

/* ---- blocking I/O ---- */

START_TEST(write_then_read_round_trip)
{
    init_ok();
    uint8_t out[1024], in[1024];
    for (unsigned i = 0; i < sizeof out; i++)
        out[i] = (uint8_t)(i * 7 + 1);
    ck_assert_int_eq(vio_blk_write(&b, 8, out, sizeof out), 0);
    ck_assert_uint_eq(dev.type, VIO_BLK_T_OUT);
    ck_assert_uint_eq(dev.sector, 8);
    ck_assert_uint_eq(dev.nbufs, 3);
    ck_assert_mem_eq(dev.disk + 8 * 512, out, sizeof out);
    memset(in, 0, sizeof in);
    ck_assert_int_eq(vio_blk_read(&b, 8, in, sizeof in), 0);
    ck_assert_uint_eq(dev.type, VIO_BLK_T_IN);
    ck_assert_mem_eq(in, out, sizeof out);
    ck_assert_uint_eq(dev.requests, 2);
    ck_assert_uint_eq(vio_queue_num_free(&b.q), 8);
}
END_TEST

START_TEST(bounce_hal_round_trip)
{
    fh.bounce = true;
    init_ok();
    uint8_t out[512], in[512];
    memset(out, 0x3c, sizeof out);
    ck_assert_int_eq(vio_blk_write(&b, DISK_SECTORS - 1, out, sizeof out), 0);
    ck_assert_int_eq(vio_blk_read(&b, DISK_SECTORS - 1, in, sizeof in), 0);
    ck_assert_mem_eq(in, out, sizeof out);
}
END_TEST

START_TEST(io_outside_the_rules_is_invalid_param)
{
    init_ok();
    uint8_t buf[1024];
    ck_assert_int_eq(vio_blk_read(&b, 0, buf, 0), VIO_ERR_INVALID_PARAM);
    ck_assert_int_eq(vio_blk_read(&b, 0, buf, 100), VIO_ERR_INVALID_PARAM);
    ck_assert_int_eq(vio_blk_read(&b, 0, NULL, 512), VIO_ERR_INVALID_PARAM);
    /* Device Operation: never beyond capacity, and no wrap-around on the way */
    ck_assert_int_eq(vio_blk_read(&b, DISK_SECTORS - 1, buf, 1024), VIO_ERR_INVALID_PARAM);
    ck_assert_int_eq(vio_blk_read(&b, DISK_SECTORS, buf, 512), VIO_ERR_INVALID_PARAM);
    ck_assert_int_eq(vio_blk_write(&b, UINT64_MAX, buf, 512), VIO_ERR_INVALID_PARAM);
    ck_assert_int_eq(vio_blk_read(&b, 0, buf, VIO_BLK_MAX_TRANSFER + 512), VIO_ERR_INVALID_PARAM);
    ck_assert_uint_eq(dev.requests, 0);
    ck_assert_uint_eq(fh.share_calls, 0);
}
END_TEST

START_TEST(bounds_check_does_not_overflow_near_2_pow_64)
{
    uint64_t capacity = UINT64_MAX - 1;
    memcpy(ft.config, &capacity, sizeof capacity);
    init_ok();
    uint8_t buf[2048];
    ck_assert_int_eq(vio_blk_read(&b, UINT64_MAX - 2, buf, sizeof buf), VIO_ERR_INVALID_PARAM);
    ck_assert_int_eq(vio_blk_read(&b, UINT64_MAX - 4, buf, sizeof buf), VIO_ERR_INVALID_PARAM);
    ck_assert_uint_eq(dev.requests, 0);
}
END_TEST

START_TEST(io_follows_logical_block_size)
{
    set_blk_size(4096);
    init_ok();
    static uint8_t buf[8192];
    ck_assert_int_eq(vio_blk_read(&b, 0, buf, 512), VIO_ERR_INVALID_PARAM);
    ck_assert_int_eq(vio_blk_read(&b, 4, buf, 4096), VIO_ERR_INVALID_PARAM);
    ck_assert_int_eq(vio_blk_read(&b, 8, buf, 8192), 0);
    ck_assert_uint_eq(dev.requests, 1);
}
END_TEST

START_TEST(read_only_device_refuses_writes_untouched)
{
    ft.offered |= VIO_BLK_F_RO;
    init_ok();
    uint8_t buf[512] = {0};
    ck_assert_int_eq(vio_blk_write(&b, 0, buf, sizeof buf), VIO_ERR_UNSUPPORTED);
    ck_assert_uint_eq(dev.requests, 0);
    ck_assert_int_eq(vio_blk_read(&b, 0, buf, sizeof buf), 0);
}
END_TEST

START_TEST(device_status_maps_to_errors)
{
    init_ok();
    uint8_t buf[512];
    const struct {
        int status;
        int err;
    } map[] = {{VIO_BLK_S_OK, 0},
               {VIO_BLK_S_IOERR, VIO_ERR_IO_ERROR},
               {VIO_BLK_S_UNSUPP, VIO_ERR_UNSUPPORTED},
               {7, VIO_ERR_IO_ERROR},
               {-1, VIO_ERR_IO_ERROR}}; /* a status byte the device never wrote */
    for (unsigned i = 0; i < sizeof map / sizeof map[0]; i++) {
        dev.status = map[i].status;
        ck_assert_int_eq(vio_blk_write(&b, 0, buf, sizeof buf), map[i].err);
    }
    ck_assert(!vio_queue_is_broken(&b.q));
}
END_TEST

START_TEST(used_len_must_cover_what_was_written)
{
    init_ok();
    uint8_t buf[512];
    dev.used_len = 0;
    ck_assert_int_eq(vio_blk_write(&b, 0, buf, sizeof buf), VIO_ERR_IO_ERROR);
    dev.used_len = 512;
    ck_assert_int_eq(vio_blk_read(&b, 0, buf, sizeof buf), VIO_ERR_IO_ERROR);
    dev.used_len = 513;
    ck_assert_int_eq(vio_blk_read(&b, 0, buf, sizeof buf), 0);
    /* an error status needs no data */
    dev.used_len = 1;
    dev.status = VIO_BLK_S_IOERR;
    ck_assert_int_eq(vio_blk_read(&b, 0, buf, sizeof buf), VIO_ERR_IO_ERROR);
}
END_TEST

/*
 * The header is shared for the device to read, but nothing stops it writing
 * there: a read it turns into a "write" must still need its data covered.
 */
START_TEST(used_len_check_ignores_a_header_the_device_rewrote)
{
    init_ok();
    uint8_t buf[512];
    dev.forge_type = true;
    dev.forged_type = VIO_BLK_T_OUT;
    dev.used_len = 1;
    ck_assert_int_eq(vio_blk_read(&b, 0, buf, sizeof buf), VIO_ERR_IO_ERROR);

    struct vio_blk_req req, *done;
    ck_assert_int_ge(vio_blk_submit(&b, &req, VIO_BLK_T_IN, 0, buf, sizeof buf), 0);
    vio_blk_kick(&b);
    ck_assert_int_eq(vio_blk_poll(&b, &done), 1);
    ck_assert_ptr_eq(done, &req);
    ck_assert_int_eq(done->result, VIO_ERR_IO_ERROR);
}
END_TEST

START_TEST(legacy_device_used_len_is_ignored)
{
    ft.t.legacy = true;
    ft.offered = VIO_F_INDIRECT_DESC;
    init_ok();
    ck_assert_uint_eq(ft.status, 0x7);
    uint8_t buf[512];
    dev.used_len = 0;
    ck_assert_int_eq(vio_blk_read(&b, 0, buf, sizeof buf), 0);
}
END_TEST

START_TEST(flush_only_when_negotiated)
{
    ft.offered &= ~VIO_BLK_F_FLUSH;
    init_ok();
    ck_assert_int_eq(vio_blk_flush(&b), 0);
    ck_assert_uint_eq(dev.requests, 0);
    vio_blk_deinit(&b);

    ft.offered |= VIO_BLK_F_FLUSH;
    fake_vring_attach(&vr, &fh, &ft);
    init_ok();
    ck_assert_int_eq(vio_blk_flush(&b), 0);
    ck_assert_uint_eq(dev.requests, 1);
    ck_assert_uint_eq(dev.type, VIO_BLK_T_FLUSH);
    ck_assert_uint_eq(dev.nbufs, 2);
    dev.status = VIO_BLK_S_IOERR;
    ck_assert_int_eq(vio_blk_flush(&b), VIO_ERR_IO_ERROR);
}
END_TEST

START_TEST(get_id_is_terminated)
{
    init_ok();
    char id[VIO_BLK_ID_BYTES + 1];
    memset(dev.serial, 0, sizeof dev.serial);
    memcpy(dev.serial, "vio-serial", 10);
    dev.serial[12] = 'x'; /* junk after the NUL must not show */
    ck_assert_int_eq(vio_blk_get_id(&b, id), 0);
    ck_assert_str_eq(id, "vio-serial");
    ck_assert_uint_eq(dev.type, VIO_BLK_T_GET_ID);
    memcpy(dev.serial, "ABCDEFGHIJKLMNOPQRST", VIO_BLK_ID_BYTES);
    ck_assert_int_eq(vio_blk_get_id(&b, id), 0);
    ck_assert_str_eq(id, "ABCDEFGHIJKLMNOPQRST");
    dev.status = VIO_BLK_S_UNSUPP;
    ck_assert_int_eq(vio_blk_get_id(&b, id), VIO_ERR_UNSUPPORTED);
    ck_assert_str_eq(id, "");
}
END_TEST

START_TEST(timeout_resets_device_and_takes_request_back)
{
    init_ok();
    dev.hold = true;
    uint8_t buf[512];
    unsigned statuses = ft.n_status;
    ck_assert_int_eq(vio_blk_read(&b, 0, buf, sizeof buf), VIO_ERR_NOT_READY);
    ck_assert_uint_eq(fh.relax_calls, 50);
    /* the device was reset before the request's memory went out of scope */
    ck_assert_uint_eq(ft.n_status, statuses + 1);
    ck_assert_uint_eq(ft.status, 0);
    ck_assert_int_eq(fh.share_live, 0);
    ck_assert(b.t->broken);
    ck_assert_int_eq(vio_blk_read(&b, 0, buf, sizeof buf), VIO_ERR_IO_ERROR);
}
END_TEST

/* ---- non-blocking I/O ---- */

START_TEST(requests_in_flight_complete_out_of_order)
{
    init_ok();
    dev.hold = true;
    for (unsigned s = 0; s < 3; s++)
        memset(dev.disk + s * 512, 0x10 + s, 512);
    static uint8_t bufs[3][512];
    struct vio_blk_req reqs[3];
    for (unsigned i = 0; i < 3; i++)
        ck_assert_int_ge(vio_blk_submit(&b, &reqs[i], VIO_BLK_T_IN, i, bufs[i], 512), 0);
    ck_assert_uint_eq(ft.notifies, 0);
    vio_blk_kick(&b);
    ck_assert_uint_eq(ft.notifies, 1);
    ck_assert_uint_eq(dev.n_held, 3);
    /* a blocking call cannot share the ring with them */
    ck_assert_int_eq(vio_blk_read(&b, 0, bufs[0], 512), VIO_ERR_ALREADY_USED);

    struct vio_blk_req *done;
    ck_assert_int_eq(vio_blk_poll(&b, &done), 0);
    dev.hold = false;
    for (int i = 2; i >= 0; i--) {
        dev.status = i == 1 ? VIO_BLK_S_IOERR : VIO_BLK_S_OK;
        dev_finish(dev.held[i]);
        ck_assert_int_eq(vio_blk_poll(&b, &done), 1);
        ck_assert_ptr_eq(done, &reqs[i]);
        ck_assert_int_eq(done->token, (int)dev.held[i]);
        ck_assert_int_eq(done->result, i == 1 ? VIO_ERR_IO_ERROR : 0);
    }
    ck_assert_uint_eq(bufs[2][511], 0x12);
    ck_assert_uint_eq(bufs[0][0], 0x10);
    ck_assert_int_eq(vio_blk_poll(&b, &done), 0);
    ck_assert_int_eq(vio_blk_read(&b, 0, bufs[0], 512), 0);
}
END_TEST

START_TEST(submit_checks_each_request_type)
{
    ft.offered &= ~VIO_BLK_F_FLUSH;
    init_ok();
    struct vio_blk_req req;
    uint8_t id[VIO_BLK_ID_BYTES];
    ck_assert_int_eq(vio_blk_submit(&b, &req, VIO_BLK_T_FLUSH, 0, NULL, 0), VIO_ERR_UNSUPPORTED);
    ck_assert_int_eq(vio_blk_submit(&b, &req, 99, 0, NULL, 0), VIO_ERR_UNSUPPORTED);
    ck_assert_int_eq(vio_blk_submit(&b, &req, VIO_BLK_T_GET_ID, 0, id, 19), VIO_ERR_INVALID_PARAM);
    ck_assert_int_eq(vio_blk_submit(&b, &req, VIO_BLK_T_GET_ID, 1, id, 20), VIO_ERR_INVALID_PARAM);
    ck_assert_int_eq(vio_blk_submit(&b, NULL, VIO_BLK_T_IN, 0, id, 512), VIO_ERR_INVALID_PARAM);
    vio_blk_deinit(&b);

    ft.offered |= VIO_BLK_F_FLUSH;
    fake_vring_attach(&vr, &fh, &ft);
    init_ok();
    ck_assert_int_eq(vio_blk_submit(&b, &req, VIO_BLK_T_FLUSH, 1, NULL, 0), VIO_ERR_INVALID_PARAM);
    ck_assert_int_eq(vio_blk_submit(&b, &req, VIO_BLK_T_FLUSH, 0, id, 16), VIO_ERR_INVALID_PARAM);
    ck_assert_uint_eq(fh.share_calls, 0);
}
END_TEST

START_TEST(deinit_with_requests_in_flight_leaks_nothing)
{
    init_ok();
    dev.hold = true;
    static uint8_t bufs[2][512];
    struct vio_blk_req reqs[2];
    for (unsigned i = 0; i < 2; i++)
        ck_assert_int_ge(vio_blk_submit(&b, &reqs[i], VIO_BLK_T_OUT, i, bufs[i], 512), 0);
    vio_blk_kick(&b);
    ck_assert_int_eq(fh.share_live, 6);
    vio_blk_deinit(&b);
    ck_assert_uint_eq(ft.status, 0);
    fake_hal_assert_clean(&fh);
}
END_TEST

Suite *vio_test_suite(void)
{
    Suite *s = suite_create("blk");
    TCase *init = tcase_create("init");
    tcase_add_checked_fixture(init, setup, teardown);
    tcase_add_test(init, init_negotiates_only_supported_features);
    tcase_add_test(init, init_refuses_non_block_device);
    tcase_add_test(init, init_refuses_blk_size_out_of_range);
    tcase_add_test(init, init_ignores_blk_size_when_not_offered);
    tcase_add_test(init, init_with_config_too_small_fails_device);
    tcase_add_test(init, init_without_queue_fails_device);
    suite_add_tcase(s, init);

    TCase *io = tcase_create("blocking");
    tcase_add_checked_fixture(io, setup, teardown);
    tcase_add_test(io, write_then_read_round_trip);
    tcase_add_test(io, bounce_hal_round_trip);
    tcase_add_test(io, io_outside_the_rules_is_invalid_param);
    tcase_add_test(io, bounds_check_does_not_overflow_near_2_pow_64);
    tcase_add_test(io, io_follows_logical_block_size);
    tcase_add_test(io, read_only_device_refuses_writes_untouched);
    tcase_add_test(io, device_status_maps_to_errors);
    tcase_add_test(io, used_len_must_cover_what_was_written);
    tcase_add_test(io, used_len_check_ignores_a_header_the_device_rewrote);
    tcase_add_test(io, legacy_device_used_len_is_ignored);
    tcase_add_test(io, flush_only_when_negotiated);
    tcase_add_test(io, get_id_is_terminated);
    tcase_add_test(io, timeout_resets_device_and_takes_request_back);
    suite_add_tcase(s, io);

    TCase *nb = tcase_create("non_blocking");
    tcase_add_checked_fixture(nb, setup, teardown);
    tcase_add_test(nb, requests_in_flight_complete_out_of_order);
    tcase_add_test(nb, submit_checks_each_request_type);
    tcase_add_test(nb, deinit_with_requests_in_flight_leaks_nothing);
    suite_add_tcase(s, nb);
    return s;
}
