/*
 * The bridge against the bench: MMIO probing of every slot, and the virtio
 * block device used only through the generic block interface.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "bench_machine.h"
#include "axdriver/block.h"
#include "axdriver_virtio.h"
#include "vio/err.h"
#include "vsim/blk.h"
#include "vsim/machine.h"
#include "vsim/mmio.h"

#define MMIO_STATUS 0x70u

static struct vsim_machine *m;
static const struct vio_hal *hal;

static void setup(void)
{
    struct vsim_machine_opts o = {.spin_limit = 1000};
    m = bench_machine_new(&o);
    hal = vsim_machine_hal(m);
}

static void teardown(void)
{
    ck_assert_uint_eq(vsim_machine_dma_pages_in_use(m), 0);
    ck_assert_uint_eq(vsim_machine_shares_in_use(m), 0);
    bench_assert_conformant(m);
    vsim_machine_free(m);
}

static uint32_t slot_read(unsigned slot, uint32_t reg)
{
    uintptr_t va = hal->phys_to_virt(hal->ctx, VSIM_MMIO_SLOT_BASE(slot), VSIM_MMIO_STRIDE);
    return hal->read32(hal->ctx, va + reg);
}

static void slot_write(unsigned slot, uint32_t reg, uint32_t val)
{
    uintptr_t va = hal->phys_to_virt(hal->ctx, VSIM_MMIO_SLOT_BASE(slot), VSIM_MMIO_STRIDE);
    hal->write32(hal->ctx, va + reg, val);
}

/* Probes @slot and brings up the block device there; fails the test otherwise. */
static void bring_up(unsigned slot, struct vio_mmio *mm, struct ax_virtio_blk_dev *d)
{
    enum ax_device_type type;
    ck_assert(ax_virtio_probe_mmio(mm, hal, VSIM_MMIO_SLOT_BASE(slot), VSIM_MMIO_STRIDE, &type));
    ck_assert_int_eq(type, AX_DEVICE_BLOCK);
    ck_assert_int_eq(ax_virtio_blk_init(d, &mm->t), 0);
}

/* ---- probing ---- */

static void rng_config_read(void *priv, uint32_t off, void *buf, uint32_t len)
{
    (void)priv;
    (void)off;
    memset(buf, 0, len);
}

static void rng_queue_notify(void *priv, struct vsim_vq *vq)
{
    (void)priv;
    (void)vq;
}

static const struct vsim_device_ops rng_ops = {.config_read = rng_config_read,
                                               .queue_notify = rng_queue_notify};

/* An entropy device: a virtio type the bridge has no wrapper for. */
static void attach_rng(unsigned slot)
{
    struct vsim_device_model model = {
        .name = "rng",
        .device_id = 4,
        .vendor_id = VSIM_MMIO_VENDOR,
        .features = 1ull << 32,
        .num_queues = 1,
        .queue_max = 8,
        .ops = &rng_ops,
    };
    struct vsim_device *d = vsim_device_create(m, &model);
    ck_assert_ptr_nonnull(d);
    ck_assert_int_eq(vsim_mmio_attach(m, slot, 2, d), 0);
}

START_TEST(probing_every_slot_finds_the_block_devices_and_nothing_else)
{
    ck_assert_ptr_nonnull(vsim_blk_attach(m, 1, 2, NULL));
    ck_assert_ptr_nonnull(vsim_blk_attach(m, 4, 1, NULL));
    unsigned found = 0;
    for (unsigned slot = 0; slot < VSIM_MMIO_SLOTS; slot++) {
        struct vio_mmio mm;
        enum ax_device_type type = AX_DEVICE_CHAR;
        bool ok =
            ax_virtio_probe_mmio(&mm, hal, VSIM_MMIO_SLOT_BASE(slot), VSIM_MMIO_STRIDE, &type);
        if (slot == 1 || slot == 4) {
            ck_assert_msg(ok, "slot %u", slot);
            ck_assert_int_eq(type, AX_DEVICE_BLOCK);
            ck_assert_uint_eq(mm.version, slot == 1 ? 2 : 1);
            found++;
        } else {
            ck_assert_msg(!ok, "slot %u", slot);
            ck_assert_int_eq(mm.why, VIO_MMIO_NO_DEVICE);
            ck_assert_int_eq(type, AX_DEVICE_CHAR);
        }
    }
    ck_assert_uint_eq(found, 2);
}
END_TEST

START_TEST(a_device_without_an_axdriver_kind_is_reset_and_refused)
{
    attach_rng(2);
    slot_write(2, MMIO_STATUS, 1); /* ACKNOWLEDGE, as an earlier owner might have left it */
    ck_assert_uint_eq(slot_read(2, MMIO_STATUS), 1);
    /* that owner skipped the probe and the reset; only what the bridge does is under test */
    vsim_conform_clear(vsim_machine_conform(m));
    struct vio_mmio mm;
    enum ax_device_type type = AX_DEVICE_CHAR;
    ck_assert(!ax_virtio_probe_mmio(&mm, hal, VSIM_MMIO_SLOT_BASE(2), VSIM_MMIO_STRIDE, &type));
    ck_assert_uint_eq(mm.t.device_id, 4);
    ck_assert_uint_eq(slot_read(2, MMIO_STATUS), 0);
    ck_assert_int_eq(type, AX_DEVICE_CHAR);
}
END_TEST

START_TEST(a_window_too_small_or_a_bad_magic_is_refused)
{
    ck_assert_ptr_nonnull(vsim_blk_attach(m, 0, 2, NULL));
    struct vio_mmio mm;
    enum ax_device_type type;
    ck_assert(!ax_virtio_probe_mmio(&mm, hal, VSIM_MMIO_SLOT_BASE(0), 0xff, &type));
    ck_assert_int_eq(mm.why, VIO_MMIO_TOO_SMALL);
    char err[VSIM_FAULT_ERR_MAX];
    ck_assert_int_eq(vsim_fault_parse(vsim_machine_faults(m), "blk:bad_magic@1", err), 0);
    ck_assert(!ax_virtio_probe_mmio(&mm, hal, VSIM_MMIO_SLOT_BASE(0), VSIM_MMIO_STRIDE, &type));
    ck_assert_int_eq(mm.why, VIO_MMIO_BAD_MAGIC);
    /* the fault was for one read only: the next probe succeeds */
    ck_assert(ax_virtio_probe_mmio(&mm, hal, VSIM_MMIO_SLOT_BASE(0), VSIM_MMIO_STRIDE, &type));
}
END_TEST

/* ---- the block device through the generic interface ---- */

static void fill(uint8_t *p, size_t len, unsigned seed)
{
    for (size_t i = 0; i < len; i++)
        p[i] = (uint8_t)(i * 7u + seed + (i >> 9));
}

START_TEST(the_generic_view_names_a_virtio_block_device)
{
    ck_assert_ptr_nonnull(vsim_blk_attach(m, 0, 2, NULL));
    struct vio_mmio mm;
    struct ax_virtio_blk_dev d;
    bring_up(0, &mm, &d);
    struct ax_base_dev *base = &d.dev.base;
    ck_assert_str_eq(ax_base_device_name(base), "virtio-blk");
    ck_assert_int_eq(ax_base_device_type(base), AX_DEVICE_BLOCK);
    ck_assert_ptr_eq(ax_block_from_base(base), &d.dev);
    ax_virtio_blk_deinit(&d);
}
END_TEST

START_TEST(blocks_are_512_bytes_without_blk_size)
{
    struct vsim_blk_opts o = {
        .capacity = 100, .features_off = 1ull << VSIM_BLK_F_BLK_SIZE, .blk_size = 4096};
    ck_assert_ptr_nonnull(vsim_blk_attach(m, 0, 2, &o));
    struct vio_mmio mm;
    struct ax_virtio_blk_dev d;
    bring_up(0, &mm, &d);
    ck_assert_uint_eq(ax_block_block_size(&d.dev), 512);
    ck_assert_uint_eq(ax_block_num_blocks(&d.dev), 100);
    ax_virtio_blk_deinit(&d);
}
END_TEST

START_TEST(blocks_follow_blk_size_when_offered)
{
    struct vsim_blk_opts o = {.capacity = 80, .blk_size = 4096};
    struct vsim_blk *b = vsim_blk_attach(m, 0, 2, &o);
    ck_assert_ptr_nonnull(b);
    struct vio_mmio mm;
    struct ax_virtio_blk_dev d;
    bring_up(0, &mm, &d);
    ck_assert_uint_eq(ax_block_block_size(&d.dev), 4096);
    ck_assert_uint_eq(ax_block_num_blocks(&d.dev), 10);

    static uint8_t buf[4096];
    fill(buf, sizeof buf, 3);
    ck_assert_int_eq(ax_block_write_block(&d.dev, 3, buf, sizeof buf), 0);
    ck_assert_mem_eq(vsim_blk_ram(b) + 3 * 4096, buf, sizeof buf);
    /* a 512-byte buffer is not a multiple of the block */
    ck_assert_int_eq(ax_block_read_block(&d.dev, 0, buf, 512), AX_ERR_INVALID_PARAM);
    ck_assert_int_eq(ax_block_read_block(&d.dev, 10, buf, sizeof buf), AX_ERR_INVALID_PARAM);
    ck_assert_int_eq(ax_block_read_block(&d.dev, 9, buf, sizeof buf), 0);
    ax_virtio_blk_deinit(&d);
}
END_TEST

START_TEST(writes_land_on_the_disk_and_read_back)
{
    struct vsim_blk *b = vsim_blk_attach(m, 0, 1, NULL);
    ck_assert_ptr_nonnull(b);
    struct vio_mmio mm;
    struct ax_virtio_blk_dev d;
    bring_up(0, &mm, &d);
    uint8_t out[3 * 512], in[3 * 512];
    fill(out, sizeof out, 11);
    ck_assert_int_eq(ax_block_write_block(&d.dev, 7, out, sizeof out), 0);
    ck_assert_mem_eq(vsim_blk_ram(b) + 7 * 512, out, sizeof out);
    memset(in, 0, sizeof in);
    ck_assert_int_eq(ax_block_read_block(&d.dev, 7, in, sizeof in), 0);
    ck_assert_mem_eq(in, out, sizeof in);
    ax_virtio_blk_deinit(&d);
}
END_TEST

START_TEST(a_transfer_larger_than_one_request_is_split_and_stays_contiguous)
{
    struct vsim_blk_opts o = {.capacity = 8192}; /* 4 MiB */
    struct vsim_blk *b = vsim_blk_attach(m, 0, 2, &o);
    ck_assert_ptr_nonnull(b);
    struct vio_mmio mm;
    struct ax_virtio_blk_dev d;
    bring_up(0, &mm, &d);
    size_t len = 2 * VIO_BLK_MAX_TRANSFER + 3 * 512;
    uint8_t *buf = malloc(len);
    ck_assert_ptr_nonnull(buf);
    fill(vsim_blk_ram(b), 8192 * 512, 5);
    ck_assert_int_eq(ax_block_read_block(&d.dev, 100, buf, len), 0);
    ck_assert_mem_eq(buf, vsim_blk_ram(b) + 100 * 512, len);
    ck_assert_uint_eq(vsim_blk_stats(b)->reads, 3);

    fill(buf, len, 9);
    ck_assert_int_eq(ax_block_write_block(&d.dev, 8192 - len / 512, buf, len), 0);
    ck_assert_mem_eq(vsim_blk_ram(b) + 8192 * 512 - len, buf, len);
    ck_assert_uint_eq(vsim_blk_stats(b)->writes, 3);
    free(buf);
    ax_virtio_blk_deinit(&d);
}
END_TEST

START_TEST(bad_lengths_and_ranges_are_invalid_param_and_reach_no_device)
{
    struct vsim_blk_opts o = {.capacity = 16};
    struct vsim_blk *b = vsim_blk_attach(m, 0, 2, &o);
    ck_assert_ptr_nonnull(b);
    struct vio_mmio mm;
    struct ax_virtio_blk_dev d;
    bring_up(0, &mm, &d);
    uint8_t buf[1024];
    ck_assert_int_eq(ax_block_read_block(&d.dev, 0, buf, 0), AX_ERR_INVALID_PARAM);
    ck_assert_int_eq(ax_block_read_block(&d.dev, 0, buf, 511), AX_ERR_INVALID_PARAM);
    ck_assert_int_eq(ax_block_write_block(&d.dev, 0, buf, 513), AX_ERR_INVALID_PARAM);
    ck_assert_int_eq(ax_block_read_block(&d.dev, 0, NULL, 512), AX_ERR_INVALID_PARAM);
    ck_assert_int_eq(ax_block_read_block(&d.dev, 15, buf, 1024), AX_ERR_INVALID_PARAM);
    ck_assert_int_eq(ax_block_write_block(&d.dev, 16, buf, 512), AX_ERR_INVALID_PARAM);
    ck_assert_int_eq(ax_block_read_block(&d.dev, UINT64_MAX, buf, 512), AX_ERR_INVALID_PARAM);
    ck_assert_int_eq(ax_block_read_block(&d.dev, UINT64_MAX / 512, buf, 512), AX_ERR_INVALID_PARAM);
    const struct vsim_blk_stats *st = vsim_blk_stats(b);
    ck_assert_uint_eq(st->reads + st->writes, 0);
    /* the last blocks are in range */
    ck_assert_int_eq(ax_block_read_block(&d.dev, 14, buf, 1024), 0);
    ck_assert_uint_eq(st->reads, 1);
    ax_virtio_blk_deinit(&d);
}
END_TEST

START_TEST(flush_sends_a_flush_request_to_the_device)
{
    struct vsim_blk *b = vsim_blk_attach(m, 0, 2, NULL);
    ck_assert_ptr_nonnull(b);
    struct vio_mmio mm;
    struct ax_virtio_blk_dev d;
    bring_up(0, &mm, &d);
    ck_assert_uint_eq(vsim_blk_stats(b)->flushes, 0);
    ck_assert_int_eq(ax_block_flush(&d.dev), 0);
    ck_assert_uint_eq(vsim_blk_stats(b)->flushes, 1);
    ck_assert_int_eq(ax_block_flush(&d.dev), 0);
    ck_assert_uint_eq(vsim_blk_stats(b)->flushes, 2);
    ax_virtio_blk_deinit(&d);
}
END_TEST

START_TEST(calls_after_deinit_are_bad_state)
{
    ck_assert_ptr_nonnull(vsim_blk_attach(m, 0, 2, NULL));
    struct vio_mmio mm;
    struct ax_virtio_blk_dev d;
    bring_up(0, &mm, &d);
    ax_virtio_blk_deinit(&d);
    uint8_t buf[512];
    ck_assert_uint_eq(ax_block_num_blocks(&d.dev), 0);
    ck_assert_uint_eq(ax_block_block_size(&d.dev), 512);
    ck_assert_int_eq(ax_block_read_block(&d.dev, 0, buf, sizeof buf), AX_ERR_BAD_STATE);
    ck_assert_int_eq(ax_block_write_block(&d.dev, 0, buf, sizeof buf), AX_ERR_BAD_STATE);
    ck_assert_int_eq(ax_block_flush(&d.dev), AX_ERR_BAD_STATE);
    ax_virtio_blk_deinit(&d); /* twice is harmless */
    ck_assert_uint_eq(slot_read(0, MMIO_STATUS), 0);
}
END_TEST

START_TEST(a_wrapper_whose_init_failed_has_no_blocks_and_refuses_io)
{
    ck_assert_ptr_nonnull(vsim_blk_attach(m, 0, 2, NULL));
    char err[VSIM_FAULT_ERR_MAX];
    ck_assert_int_eq(vsim_fault_parse(vsim_machine_faults(m), "blk:queue_max_zero", err), 0);
    struct vio_mmio mm;
    struct ax_virtio_blk_dev d;
    enum ax_device_type type;
    ck_assert(ax_virtio_probe_mmio(&mm, hal, VSIM_MMIO_SLOT_BASE(0), VSIM_MMIO_STRIDE, &type));
    ck_assert_int_eq(ax_virtio_blk_init(&d, &mm.t), AX_ERR_AGAIN);
    ck_assert_int_eq(d.vio_err, VIO_ERR_NOT_READY);
    uint8_t buf[512];
    ck_assert_uint_eq(ax_block_num_blocks(&d.dev), 0);
    ck_assert_uint_eq(ax_block_block_size(&d.dev), 512);
    ck_assert_int_eq(ax_block_read_block(&d.dev, 0, buf, sizeof buf), AX_ERR_BAD_STATE);
    ck_assert_int_eq(ax_block_flush(&d.dev), AX_ERR_BAD_STATE);
    ax_virtio_blk_deinit(&d);
}
END_TEST

/* ---- the README's example, as an OS would write it ---- */

#define BOARD_MMIO_BASE 0x10001000u /* QEMU riscv64 virt: 8 slots of 4 KiB */
#define BOARD_MMIO_SIZE 0x1000u
#define BOARD_MMIO_SLOTS 8u

static struct vio_mmio slots[BOARD_MMIO_SLOTS];
static struct ax_virtio_blk_dev disk;

/* Probes every slot, brings up the first block device and reads its block 0. */
static int readme_read_block0(const struct vio_hal *hal, uint8_t *buf, size_t len)
{
    struct ax_block_dev *blk = NULL;
    for (unsigned i = 0; i < BOARD_MMIO_SLOTS; i++) {
        enum ax_device_type type;
        vio_paddr_t base = BOARD_MMIO_BASE + i * BOARD_MMIO_SIZE;
        if (!ax_virtio_probe_mmio(&slots[i], hal, base, BOARD_MMIO_SIZE, &type))
            continue; /* an empty slot, or a device no wrapper drives */
        if (type == AX_DEVICE_BLOCK && blk == NULL && ax_virtio_blk_init(&disk, &slots[i].t) == 0)
            blk = &disk.dev;
    }
    if (blk == NULL)
        return AX_ERR_UNSUPPORTED;
    /* from here on, only the generic interface: blk could be any block device */
    size_t bs = ax_block_block_size(blk);
    if (bs > len)
        return AX_ERR_INVALID_PARAM;
    return ax_block_read_block(blk, 0, buf, bs);
}

START_TEST(the_readme_example_reads_block_0_of_the_first_disk)
{
    ck_assert_uint_eq(VSIM_MMIO_SLOT_BASE(0), BOARD_MMIO_BASE);
    attach_rng(0);
    struct vsim_blk *b = vsim_blk_attach(m, 2, 2, NULL);
    ck_assert_ptr_nonnull(b);
    fill(vsim_blk_ram(b), 512, 42);
    uint8_t buf[4096];
    ck_assert_int_eq(readme_read_block0(hal, buf, sizeof buf), 0);
    ck_assert_mem_eq(buf, vsim_blk_ram(b), 512);
    ax_virtio_blk_deinit(&disk);
}
END_TEST

Suite *vio_test_suite(void)
{
    Suite *s = suite_create("ax_virtio_blk");
    TCase *tc = tcase_create("probe");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, probing_every_slot_finds_the_block_devices_and_nothing_else);
    tcase_add_test(tc, a_device_without_an_axdriver_kind_is_reset_and_refused);
    tcase_add_test(tc, a_window_too_small_or_a_bad_magic_is_refused);
    suite_add_tcase(s, tc);
    tc = tcase_create("block");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, the_generic_view_names_a_virtio_block_device);
    tcase_add_test(tc, blocks_are_512_bytes_without_blk_size);
    tcase_add_test(tc, blocks_follow_blk_size_when_offered);
    tcase_add_test(tc, writes_land_on_the_disk_and_read_back);
    tcase_add_test(tc, a_transfer_larger_than_one_request_is_split_and_stays_contiguous);
    tcase_add_test(tc, bad_lengths_and_ranges_are_invalid_param_and_reach_no_device);
    tcase_add_test(tc, flush_sends_a_flush_request_to_the_device);
    tcase_add_test(tc, calls_after_deinit_are_bad_state);
    tcase_add_test(tc, a_wrapper_whose_init_failed_has_no_blocks_and_refuses_io);
    tcase_add_test(tc, the_readme_example_reads_block_0_of_the_first_disk);
    suite_add_tcase(s, tc);
    return s;
}
