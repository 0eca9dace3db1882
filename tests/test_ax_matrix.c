/*
 * The error-mapping matrix: for each virtio error, a fault or a misuse on the
 * bench that makes the driver report it, seen by an OS through the generic
 * interfaces as the ax_dev_err of the bridge's table. Each row then clears
 * the fault, probes again and checks the device works and nothing leaked.
 * Every row uses a block device except QueueFull: blocking block requests
 * never fill their ring, but transmits do.
 */
#include <check.h>
#include <string.h>

#include "axdriver/block.h"
#include "axdriver/net.h"
#include "axdriver_virtio.h"
#include "vio/err.h"
#include "vsim/blk.h"
#include "vsim/machine.h"
#include "vsim/mmio.h"
#include "vsim/net.h"

#define SLOT 0u
#define FULL_WINDOW VSIM_MMIO_STRIDE
/* MMIO Device Register Layout: the device configuration starts at 0x100 */
#define CONFIG_OFFSET 0x100u

static struct vsim_machine *m;
static const struct vio_hal *hal;
static struct vsim_blk *blk;
static struct vio_mmio mm;
static struct ax_virtio_blk_dev dev;
static struct ax_virtio_net_dev nic;

/*
 * The net row's device: legacy, without ANY_LAYOUT or indirect tables, so each
 * frame takes two descriptors; a deferred machine completes nothing until stepped.
 */
#define NET_QS 8u

static void start(bool net)
{
    m = vsim_machine_new(&(struct vsim_machine_opts){.spin_limit = 2000, .deferred = net});
    ck_assert_ptr_nonnull(m);
    hal = vsim_machine_hal(m);
    if (net) {
        struct vsim_net_opts o = {.queue_max = NET_QS, .features_off = 1ull << 28};
        struct vsim_net *n = vsim_net_attach(m, SLOT, 1, &o);
        ck_assert_ptr_nonnull(n);
        vsim_net_set_loopback(n, true);
    } else {
        blk = vsim_blk_attach(m, SLOT, 2, NULL);
        ck_assert_ptr_nonnull(blk);
    }
}

static void fault(const char *rule)
{
    char err[VSIM_FAULT_ERR_MAX];
    ck_assert_msg(vsim_fault_parse(vsim_machine_faults(m), rule, err) == 0, "%s: %s", rule, err);
}

/* What an OS does at boot: probe the slot, then bring the wrapper up. */
static int probe_and_init(size_t window)
{
    enum ax_device_type type;
    ck_assert(ax_virtio_probe_mmio(&mm, hal, VSIM_MMIO_SLOT_BASE(SLOT), window, &type));
    ck_assert_int_eq(type, AX_DEVICE_BLOCK);
    return ax_virtio_blk_init(&dev, &mm.t);
}

static struct ax_block_dev *up(void)
{
    ck_assert_int_eq(probe_and_init(FULL_WINDOW), 0);
    return &dev.dev;
}

static struct ax_net_dev *up_net(void)
{
    enum ax_device_type type;
    ck_assert(ax_virtio_probe_mmio(&mm, hal, VSIM_MMIO_SLOT_BASE(SLOT), FULL_WINDOW, &type));
    ck_assert_int_eq(type, AX_DEVICE_NET);
    ck_assert_int_eq(ax_virtio_net_init(&nic, &mm.t, 0), 0);
    return &nic.dev;
}

static int send_frame(struct ax_net_dev *n, uint8_t seq)
{
    struct ax_net_buf_ptr tx;
    ck_assert_int_eq(ax_net_alloc_tx_buffer(n, 60, &tx), 0);
    memset(tx.packet, 0xff, 6);
    memset(tx.packet + 6, seq, tx.len - 6);
    return ax_net_transmit(n, tx);
}

static uint8_t buf[2 * 512];

/* ---- the rows: each returns what the OS saw ---- */

/* An OS that transmits while can_transmit says no: the ring holds NET_QS / 2 frames. */
static int row_queue_full(void)
{
    struct ax_net_dev *n = up_net();
    for (uint8_t i = 0; i < NET_QS / 2; i++)
        ck_assert_int_eq(send_frame(n, i), 0);
    ck_assert(!ax_net_can_transmit(n));
    return send_frame(n, 0xee);
}

static int row_not_ready(void)
{
    struct ax_block_dev *d = up();
    fault("blk:no_complete@1");
    return ax_block_read_block(d, 0, buf, 512);
}

static int row_wrong_token(void)
{
    struct ax_block_dev *d = up();
    fault("blk:used_id_range@1");
    return ax_block_read_block(d, 0, buf, 512);
}

static int row_already_used(void)
{
    fault("blk:queue_in_use@1");
    return probe_and_init(FULL_WINDOW);
}

/* Misuse: the OS hands the block wrapper a transport that is not a block device. */
static int row_invalid_param(void)
{
    enum ax_device_type type;
    ck_assert(ax_virtio_probe_mmio(&mm, hal, VSIM_MMIO_SLOT_BASE(SLOT), FULL_WINDOW, &type));
    mm.t.device_id = VIO_ID_NET;
    return ax_virtio_blk_init(&dev, &mm.t);
}

static int row_dma_error(void)
{
    struct ax_block_dev *d = up();
    fault("hal:share@1");
    return ax_block_write_block(d, 1, buf, 512);
}

static int row_io_error(void)
{
    struct ax_block_dev *d = up();
    fault("blk:status=ioerr@1");
    return ax_block_read_block(d, 0, buf, sizeof buf);
}

static int row_unsupported(void)
{
    struct ax_block_dev *d = up();
    fault("blk:status=unsupp@1");
    return ax_block_flush(d);
}

/* Misuse: a window that cuts the configuration after capacity, before blk_size. */
static int row_config_too_small(void)
{
    return probe_and_init(CONFIG_OFFSET + 8);
}

/* Misuse: a window with no room for any device configuration. */
static int row_config_missing(void)
{
    return probe_and_init(CONFIG_OFFSET);
}

static const struct row {
    const char *what;
    int vio_err;
    enum ax_dev_err ax_err;
    int (*run)(void);
    bool net;
} rows[] = {
    {"QueueFull", VIO_ERR_QUEUE_FULL, AX_ERR_BAD_STATE, row_queue_full, true},
    {"NotReady", VIO_ERR_NOT_READY, AX_ERR_AGAIN, row_not_ready, false},
    {"WrongToken", VIO_ERR_WRONG_TOKEN, AX_ERR_BAD_STATE, row_wrong_token, false},
    {"AlreadyUsed", VIO_ERR_ALREADY_USED, AX_ERR_ALREADY_EXISTS, row_already_used, false},
    {"InvalidParam", VIO_ERR_INVALID_PARAM, AX_ERR_INVALID_PARAM, row_invalid_param, false},
    {"DmaError", VIO_ERR_DMA_ERROR, AX_ERR_NO_MEMORY, row_dma_error, false},
    {"IoError", VIO_ERR_IO_ERROR, AX_ERR_IO, row_io_error, false},
    {"Unsupported", VIO_ERR_UNSUPPORTED, AX_ERR_UNSUPPORTED, row_unsupported, false},
    {"ConfigSpaceTooSmall", VIO_ERR_CONFIG_SPACE_TOO_SMALL, AX_ERR_BAD_STATE, row_config_too_small,
     false},
    {"ConfigSpaceMissing", VIO_ERR_CONFIG_SPACE_MISSING, AX_ERR_BAD_STATE, row_config_missing,
     false},
};

#define NROWS (sizeof rows / sizeof rows[0])

/* After the fault: a fresh probe, then a frame round the loopback. */
static void check_net_usable_again(void)
{
    struct ax_net_dev *n = up_net();
    ck_assert_int_eq(send_frame(n, 0x42), 0);
    while (vsim_machine_step(m) > 0)
        ;
    ck_assert_int_eq(ax_net_recycle_tx_buffers(n), 0);
    struct ax_net_buf_ptr rx;
    ck_assert_int_eq(ax_net_receive(n, &rx), 0);
    ck_assert_uint_eq(rx.len, 60);
    ck_assert_uint_eq(rx.packet[59], 0x42);
    ck_assert_int_eq(ax_net_recycle_rx_buffer(n, rx), 0);
    ck_assert_int_eq(ax_virtio_net_deinit(&nic), 0);
}

/* After the fault: a fresh probe, then a write, a read back and a flush that all work. */
static void check_blk_usable_again(void)
{
    struct ax_block_dev *d = up();
    uint8_t out[512], in[512];
    for (size_t i = 0; i < sizeof out; i++)
        out[i] = (uint8_t)(i ^ 0x5a);
    ck_assert_int_eq(ax_block_write_block(d, 2, out, sizeof out), 0);
    ck_assert_int_eq(ax_block_read_block(d, 2, in, sizeof in), 0);
    ck_assert_mem_eq(in, out, sizeof in);
    ck_assert_mem_eq(vsim_blk_ram(blk) + 2 * 512, out, sizeof out);
    ck_assert_int_eq(ax_block_flush(d), 0);
    ax_virtio_blk_deinit(&dev);
}

START_TEST(each_virtio_error_reaches_the_os_as_its_mapped_ax_error)
{
    const struct row *r = &rows[_i];
    memset(&dev, 0, sizeof dev);
    memset(&nic, 0, sizeof nic);
    start(r->net);
    ck_assert_int_eq(ax_virtio_as_dev_err(r->vio_err), r->ax_err);
    ck_assert_str_eq(vio_err_name(r->vio_err), r->what);

    int got = r->run();
    ck_assert_msg(got == (int)r->ax_err, "%s: got %s, want %s", r->what, ax_dev_err_name(got),
                  ax_dev_err_name(r->ax_err));
    /* and it came from the intended virtio error, not another one mapped alike */
    int cause = r->net ? nic.vio_err : dev.vio_err;
    ck_assert_msg(cause == r->vio_err, "%s: caused by %s", r->what, vio_err_name(cause));
    /* whatever state the failure left, tearing down frees everything */
    if (r->net)
        ck_assert_int_eq(ax_virtio_net_deinit(&nic), 0);
    else
        ax_virtio_blk_deinit(&dev);
    ck_assert_uint_eq(vsim_machine_dma_pages_in_use(m), 0);
    ck_assert_uint_eq(vsim_machine_shares_in_use(m), 0);

    vsim_fault_clear(vsim_machine_faults(m));
    if (r->net)
        check_net_usable_again();
    else
        check_blk_usable_again();
    ck_assert_uint_eq(vsim_machine_dma_pages_in_use(m), 0);
    ck_assert_uint_eq(vsim_machine_shares_in_use(m), 0);
    struct vsim_conform *c = vsim_machine_conform(m);
    if (vsim_conform_count(c) != 0)
        vsim_conform_print(c, stderr);
    ck_assert_uint_eq(vsim_conform_count(c), 0);
    vsim_machine_free(m);
}
END_TEST

START_TEST(the_rows_cover_every_virtio_error_once)
{
    ck_assert_uint_eq(NROWS, VIO_ERR_COUNT);
    for (int e = -1; e >= -VIO_ERR_COUNT; e--) {
        unsigned seen = 0;
        for (unsigned i = 0; i < NROWS; i++)
            seen += rows[i].vio_err == e;
        ck_assert_msg(seen == 1, "%s: %u rows", vio_err_name(e), seen);
    }
}
END_TEST

Suite *vio_test_suite(void)
{
    Suite *s = suite_create("ax_matrix");
    TCase *tc = tcase_create("matrix");
    tcase_add_loop_test(tc, each_virtio_error_reaches_the_os_as_its_mapped_ax_error, 0, NROWS);
    tcase_add_test(tc, the_rows_cover_every_virtio_error_once);
    suite_add_tcase(s, tc);
    return s;
}
