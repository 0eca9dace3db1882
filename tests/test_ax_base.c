/*
 * The axdriver interfaces: device type and error names from their tables, and
 * calls through the generic device structs reaching the right implementation.
 */
#include <check.h>

#include "axdriver/base.h"
#include "axdriver/block.h"
#include "axdriver/display.h"
#include "axdriver/net.h"

START_TEST(device_type_names_follow_the_table)
{
    ck_assert_str_eq(ax_device_type_name(AX_DEVICE_BLOCK), "Block");
    ck_assert_str_eq(ax_device_type_name(AX_DEVICE_CHAR), "Char");
    ck_assert_str_eq(ax_device_type_name(AX_DEVICE_NET), "Net");
    ck_assert_str_eq(ax_device_type_name(AX_DEVICE_DISPLAY), "Display");
    ck_assert_str_eq(ax_device_type_name((enum ax_device_type)AX_DEVICE_TYPE_COUNT), "Unknown");
    ck_assert_str_eq(ax_device_type_name((enum ax_device_type) - 1), "Unknown");
}
END_TEST

START_TEST(error_names_and_strings_cover_every_value)
{
    static const char *const names[] = {"AlreadyExists", "Again",      "BadState",
                                        "InvalidParam",  "Io",         "NoMemory",
                                        "ResourceBusy",  "Unsupported"};
    ck_assert_int_eq(sizeof names / sizeof names[0], AX_DEV_ERR_COUNT);
    for (int i = 0; i < AX_DEV_ERR_COUNT; i++) {
        int err = -1 - i;
        ck_assert_str_eq(ax_dev_err_name(err), names[i]);
        ck_assert_str_ne(ax_dev_err_str(err), "unknown error");
        for (int j = 0; j < i; j++)
            ck_assert_str_ne(ax_dev_err_str(err), ax_dev_err_str(-1 - j));
    }
    ck_assert_int_eq(AX_ERR_ALREADY_EXISTS, -1);
    ck_assert_int_eq(AX_ERR_UNSUPPORTED, -AX_DEV_ERR_COUNT);
    ck_assert_str_eq(ax_dev_err_name(AX_OK), "Ok");
    ck_assert_str_eq(ax_dev_err_str(AX_OK), "success");
    ck_assert_str_eq(ax_dev_err_name(-AX_DEV_ERR_COUNT - 1), "Unknown");
    ck_assert_str_eq(ax_dev_err_name(1), "Unknown");
    ck_assert_str_eq(ax_dev_err_str(-100), "unknown error");
}
END_TEST

/* ---- a fake block device: records what the generic calls hand it ---- */

struct fake_block {
    struct ax_block_dev dev;
    uint64_t last_block;
    const void *last_buf;
    size_t last_len;
    int reads, writes, flushes;
};

static struct fake_block *fb_of(const struct ax_block_dev *dev)
{
    return AX_CONTAINER_OF(dev, struct fake_block, dev);
}

static const char *fb_name(const struct ax_base_dev *b)
{
    (void)b;
    return "fake-blk";
}
static enum ax_device_type fb_type(const struct ax_base_dev *b)
{
    (void)b;
    return AX_DEVICE_BLOCK;
}
static uint64_t fb_num_blocks(const struct ax_block_dev *d)
{
    (void)d;
    return 1234;
}
static size_t fb_block_size(const struct ax_block_dev *d)
{
    (void)d;
    return 4096;
}
static int fb_read(struct ax_block_dev *d, uint64_t id, void *buf, size_t len)
{
    struct fake_block *f = fb_of(d);
    f->reads++;
    f->last_block = id;
    f->last_buf = buf;
    f->last_len = len;
    return AX_ERR_IO;
}
static int fb_write(struct ax_block_dev *d, uint64_t id, const void *buf, size_t len)
{
    struct fake_block *f = fb_of(d);
    f->writes++;
    f->last_block = id;
    f->last_buf = buf;
    f->last_len = len;
    return 0;
}
static int fb_flush(struct ax_block_dev *d)
{
    fb_of(d)->flushes++;
    return AX_ERR_UNSUPPORTED;
}

static const struct ax_block_ops fake_block_ops = {
    .base = {.device_name = fb_name, .device_type = fb_type},
    .num_blocks = fb_num_blocks,
    .block_size = fb_block_size,
    .read_block = fb_read,
    .write_block = fb_write,
    .flush = fb_flush,
};

START_TEST(block_calls_reach_the_implementation_with_their_arguments)
{
    struct fake_block f = {0};
    ax_block_dev_init(&f.dev, &fake_block_ops);
    struct ax_block_dev *dev = &f.dev;
    char buf[8];

    ck_assert_str_eq(ax_block_device_name(dev), "fake-blk");
    ck_assert_uint_eq(ax_block_num_blocks(dev), 1234);
    ck_assert_uint_eq(ax_block_block_size(dev), 4096);
    ck_assert_int_eq(ax_block_read_block(dev, 77, buf, sizeof buf), AX_ERR_IO);
    ck_assert_int_eq(f.reads, 1);
    ck_assert_uint_eq(f.last_block, 77);
    ck_assert_ptr_eq(f.last_buf, buf);
    ck_assert_uint_eq(f.last_len, sizeof buf);
    ck_assert_int_eq(ax_block_write_block(dev, 5, buf + 1, 3), 0);
    ck_assert_int_eq(f.writes, 1);
    ck_assert_uint_eq(f.last_block, 5);
    ck_assert_ptr_eq(f.last_buf, buf + 1);
    ck_assert_uint_eq(f.last_len, 3);
    ck_assert_int_eq(ax_block_flush(dev), AX_ERR_UNSUPPORTED);
    ck_assert_int_eq(f.flushes, 1);
}
END_TEST

/* ---- a fake NIC ---- */

struct fake_net {
    struct ax_net_dev dev;
    struct ax_net_buf_ptr last;
    size_t last_size;
    int calls[6];
};

static struct fake_net *fn_of(const struct ax_net_dev *dev)
{
    return AX_CONTAINER_OF(dev, struct fake_net, dev);
}

static const char *fn_name(const struct ax_base_dev *b)
{
    (void)b;
    return "fake-net";
}
static enum ax_device_type fn_type(const struct ax_base_dev *b)
{
    (void)b;
    return AX_DEVICE_NET;
}
static struct ax_ethernet_address fn_mac(const struct ax_net_dev *d)
{
    (void)d;
    struct ax_ethernet_address a = {{0x52, 0x54, 0, 0x12, 0x34, 0x56}};
    return a;
}
static bool fn_can_tx(struct ax_net_dev *d)
{
    return fn_of(d)->calls[0] == 0;
}
static bool fn_can_rx(struct ax_net_dev *d)
{
    return fn_of(d)->calls[1] == 1;
}
static size_t fn_rxqs(const struct ax_net_dev *d)
{
    (void)d;
    return 16;
}
static size_t fn_txqs(const struct ax_net_dev *d)
{
    (void)d;
    return 32;
}
static int fn_recycle_rx(struct ax_net_dev *d, struct ax_net_buf_ptr p)
{
    fn_of(d)->calls[1]++;
    fn_of(d)->last = p;
    return 0;
}
static int fn_recycle_tx(struct ax_net_dev *d)
{
    fn_of(d)->calls[2]++;
    return AX_ERR_BAD_STATE;
}
static int fn_transmit(struct ax_net_dev *d, struct ax_net_buf_ptr p)
{
    fn_of(d)->calls[0]++;
    fn_of(d)->last = p;
    return 0;
}
static int fn_receive(struct ax_net_dev *d, struct ax_net_buf_ptr *p)
{
    fn_of(d)->calls[3]++;
    *p = fn_of(d)->last;
    return AX_ERR_AGAIN;
}
static int fn_alloc_tx(struct ax_net_dev *d, size_t size, struct ax_net_buf_ptr *p)
{
    fn_of(d)->calls[4]++;
    fn_of(d)->last_size = size;
    p->len = size;
    return AX_ERR_NO_MEMORY;
}

static const struct ax_net_ops fake_net_ops = {
    .base = {.device_name = fn_name, .device_type = fn_type},
    .mac_address = fn_mac,
    .can_transmit = fn_can_tx,
    .can_receive = fn_can_rx,
    .rx_queue_size = fn_rxqs,
    .tx_queue_size = fn_txqs,
    .recycle_rx_buffer = fn_recycle_rx,
    .recycle_tx_buffers = fn_recycle_tx,
    .transmit = fn_transmit,
    .receive = fn_receive,
    .alloc_tx_buffer = fn_alloc_tx,
};

START_TEST(net_calls_reach_the_implementation_with_their_arguments)
{
    struct fake_net f = {0};
    ax_net_dev_init(&f.dev, &fake_net_ops);
    struct ax_net_dev *dev = &f.dev;
    uint8_t pkt[4];
    struct ax_net_buf_ptr p = {&f, pkt, sizeof pkt};

    ck_assert_str_eq(ax_net_device_name(dev), "fake-net");
    struct ax_ethernet_address mac = ax_net_mac_address(dev);
    ck_assert_uint_eq(mac.addr[0], 0x52);
    ck_assert_uint_eq(mac.addr[5], 0x56);
    ck_assert_uint_eq(ax_net_rx_queue_size(dev), 16);
    ck_assert_uint_eq(ax_net_tx_queue_size(dev), 32);
    ck_assert(ax_net_can_transmit(dev));
    ck_assert(!ax_net_can_receive(dev));
    ck_assert_int_eq(ax_net_transmit(dev, p), 0);
    ck_assert(!ax_net_can_transmit(dev));
    ck_assert_ptr_eq(f.last.raw, &f);
    ck_assert_ptr_eq(f.last.packet, pkt);
    ck_assert_int_eq(ax_net_recycle_rx_buffer(dev, p), 0);
    ck_assert(ax_net_can_receive(dev));
    ck_assert_int_eq(ax_net_recycle_tx_buffers(dev), AX_ERR_BAD_STATE);
    ck_assert_int_eq(f.calls[2], 1);
    struct ax_net_buf_ptr got = {0};
    ck_assert_int_eq(ax_net_receive(dev, &got), AX_ERR_AGAIN);
    ck_assert_ptr_eq(got.packet, pkt);
    ck_assert_int_eq(ax_net_alloc_tx_buffer(dev, 60, &got), AX_ERR_NO_MEMORY);
    ck_assert_uint_eq(f.last_size, 60);
    ck_assert_uint_eq(got.len, 60);
}
END_TEST

/* ---- a fake display ---- */

struct fake_display {
    struct ax_display_dev dev;
    uint8_t fb[64];
    int flushes;
};

static struct fake_display *fd_of(const struct ax_display_dev *dev)
{
    return AX_CONTAINER_OF(dev, struct fake_display, dev);
}

static const char *fd_name(const struct ax_base_dev *b)
{
    (void)b;
    return "fake-gpu";
}
static enum ax_device_type fd_type(const struct ax_base_dev *b)
{
    (void)b;
    return AX_DEVICE_DISPLAY;
}
static struct ax_display_info fd_info(const struct ax_display_dev *d)
{
    struct ax_display_info i = {4, 4, (uintptr_t)fd_of(d)->fb, sizeof fd_of(d)->fb};
    return i;
}
static struct ax_framebuffer fd_fb(const struct ax_display_dev *d)
{
    struct ax_framebuffer fb = {fd_of(d)->fb, sizeof fd_of(d)->fb};
    return fb;
}
static bool fd_need_flush(const struct ax_display_dev *d)
{
    return fd_of(d)->flushes == 0;
}
static int fd_flush(struct ax_display_dev *d)
{
    fd_of(d)->flushes++;
    return 0;
}

static const struct ax_display_ops fake_display_ops = {
    .base = {.device_name = fd_name, .device_type = fd_type},
    .info = fd_info,
    .fb = fd_fb,
    .need_flush = fd_need_flush,
    .flush = fd_flush,
};

START_TEST(display_calls_reach_the_implementation)
{
    struct fake_display f = {0};
    ax_display_dev_init(&f.dev, &fake_display_ops);
    struct ax_display_dev *dev = &f.dev;

    ck_assert_str_eq(ax_display_device_name(dev), "fake-gpu");
    struct ax_display_info info = ax_display_info(dev);
    ck_assert_uint_eq(info.width, 4);
    ck_assert_uint_eq(info.fb_base_vaddr, (uintptr_t)f.fb);
    ck_assert_uint_eq(info.fb_size, sizeof f.fb);
    struct ax_framebuffer fb = ax_display_fb(dev);
    ck_assert_ptr_eq(fb.base, f.fb);
    ck_assert(ax_display_need_flush(dev));
    ck_assert_int_eq(ax_display_flush(dev), 0);
    ck_assert(!ax_display_need_flush(dev));
}
END_TEST

START_TEST(a_device_list_of_base_views_turns_back_into_each_kind)
{
    struct fake_block b = {0};
    struct fake_net n = {0};
    struct fake_display d = {0};
    ax_block_dev_init(&b.dev, &fake_block_ops);
    ax_net_dev_init(&n.dev, &fake_net_ops);
    ax_display_dev_init(&d.dev, &fake_display_ops);
    struct ax_base_dev *all[] = {&n.dev.base, &b.dev.base, &d.dev.base};

    ck_assert_int_eq(ax_base_device_type(all[0]), AX_DEVICE_NET);
    ck_assert_str_eq(ax_base_device_name(all[1]), "fake-blk");
    ck_assert_ptr_eq(ax_net_from_base(all[0]), &n.dev);
    ck_assert_ptr_eq(ax_block_from_base(all[1]), &b.dev);
    ck_assert_ptr_eq(ax_display_from_base(all[2]), &d.dev);
    /* the wrong kind gives nothing */
    ck_assert_ptr_null(ax_block_from_base(all[0]));
    ck_assert_ptr_null(ax_net_from_base(all[2]));
    ck_assert_ptr_null(ax_display_from_base(all[1]));
    /* and through the recovered view the calls still land */
    ck_assert_uint_eq(ax_block_num_blocks(ax_block_from_base(all[1])), 1234);
}
END_TEST

Suite *vio_test_suite(void)
{
    Suite *s = suite_create("ax_base");
    TCase *tc = tcase_create("names");
    tcase_add_test(tc, device_type_names_follow_the_table);
    tcase_add_test(tc, error_names_and_strings_cover_every_value);
    suite_add_tcase(s, tc);
    tc = tcase_create("dispatch");
    tcase_add_test(tc, block_calls_reach_the_implementation_with_their_arguments);
    tcase_add_test(tc, net_calls_reach_the_implementation_with_their_arguments);
    tcase_add_test(tc, display_calls_reach_the_implementation);
    tcase_add_test(tc, a_device_list_of_base_views_turns_back_into_each_kind);
    suite_add_tcase(s, tc);
    return s;
}
