/*
 * The bridge over PCI on the bench: an OS enumerates the bus, probes each
 * function with ax_virtio_probe_pci and drives what it finds through the
 * generic interfaces only.
 */
#include <check.h>
#include <string.h>

#include "bench_machine.h"
#include "axdriver/block.h"
#include "axdriver/display.h"
#include "axdriver_virtio.h"
#include "vsim/blk.h"
#include "vsim/gpu.h"
#include "vsim/machine.h"
#include "vsim/pci.h"

static struct vsim_machine *m;
static const struct vio_hal *hal;
static struct vio_pci_root root;

static void setup(void)
{
    m = bench_machine_new(&(struct vsim_machine_opts){.spin_limit = 2000});
    hal = vsim_machine_hal(m);
    ck_assert_int_eq(vsim_pci_host_init(m), 0);
}

static void teardown(void)
{
    bench_assert_conformant(m);
    ck_assert_uint_eq(vsim_machine_dma_pages_in_use(m), 0);
    ck_assert_uint_eq(vsim_machine_shares_in_use(m), 0);
    vsim_machine_free(m);
}

/* What the firmware-less OS does first: map the host bridge and place every BAR. */
static void root_up(void)
{
    struct vio_pci_root_config c = {
        .cfg_base = VSIM_PCI_ECAM_BASE,
        .mech = VIO_PCI_ECAM,
        .mem32_base = VSIM_PCI_MEM32_BASE,
        .mem32_size = VSIM_PCI_MEM32_SIZE,
    };
    ck_assert_int_eq(vio_pci_root_init(&root, hal, &c), 0);
    ck_assert_int_eq(vio_pci_assign_resources(&root), 0);
}

/* The devices an OS would keep, found by one enumeration. */
struct boot {
    struct vio_pci_transport pt[4];
    unsigned n;
    unsigned visited;
    enum ax_device_type type[4];
};

static int visit(void *arg, const struct vio_pci_func_info *info)
{
    struct boot *b = arg;
    b->visited++;
    if (b->n < 4 && ax_virtio_probe_pci(&b->pt[b->n], &root, info->bdf, info, &b->type[b->n]))
        b->n++;
    return 0;
}

static struct boot boot;
static struct ax_virtio_blk_dev disk;
static struct ax_virtio_gpu_dev display;

START_TEST(a_block_device_and_a_gpu_on_one_bus_work_through_the_generic_interfaces)
{
    struct vsim_blk *b = vsim_blk_new(m, &(struct vsim_blk_opts){.capacity = 64});
    ck_assert_ptr_nonnull(b);
    ck_assert_int_eq(vsim_pci_attach(m, 1, 0, vsim_blk_device(b), NULL), 0);
    struct vsim_gpu *g = vsim_gpu_new(m, &(struct vsim_gpu_opts){.width = 32, .height = 16});
    ck_assert_ptr_nonnull(g);
    ck_assert_int_eq(vsim_pci_attach(m, 2, 0, vsim_gpu_device(g), NULL), 0);
    root_up();

    memset(&boot, 0, sizeof boot);
    ck_assert_int_eq(vio_pci_enumerate(&root, visit, &boot), 0);
    ck_assert_uint_eq(boot.visited, 3); /* the host bridge too */
    ck_assert_uint_eq(boot.n, 2);
    ck_assert_int_eq(boot.type[0], AX_DEVICE_BLOCK);
    ck_assert_int_eq(boot.type[1], AX_DEVICE_DISPLAY);

    ck_assert_int_eq(ax_virtio_blk_init(&disk, &boot.pt[0].t), 0);
    ck_assert_int_eq(ax_virtio_gpu_init(&display, &boot.pt[1].t), 0);
    struct ax_base_dev *devs[] = {&disk.dev.base, &display.dev.base};

    struct ax_block_dev *blk = ax_block_from_base(devs[0]);
    ck_assert_ptr_nonnull(blk);
    uint8_t out[1024], in[1024];
    for (size_t i = 0; i < sizeof out; i++)
        out[i] = (uint8_t)(i * 3u);
    ck_assert_int_eq(ax_block_write_block(blk, 62, out, sizeof out), 0);
    ck_assert_int_eq(ax_block_read_block(blk, 62, in, sizeof in), 0);
    ck_assert_mem_eq(in, out, sizeof in);
    ck_assert_mem_eq(vsim_blk_ram(b) + 62 * 512, out, sizeof out);
    ck_assert_int_eq(ax_block_flush(blk), 0);

    struct ax_display_dev *disp = ax_display_from_base(devs[1]);
    ck_assert_ptr_nonnull(disp);
    struct ax_framebuffer fb = ax_display_fb(disp);
    ck_assert_uint_eq(fb.len, 32u * 16u * 4u);
    memset(fb.base, 0x77, fb.len);
    ck_assert_int_eq(ax_display_flush(disp), 0);
    struct vsim_gpu_scanout so;
    struct vsim_gpu_resource res;
    ck_assert(vsim_gpu_scanout(g, 0, &so));
    ck_assert(vsim_gpu_resource(g, so.resource_id, &res));
    ck_assert_mem_eq(res.pixels, fb.base, fb.len);

    ax_virtio_gpu_deinit(&display);
    ax_virtio_blk_deinit(&disk);
}
END_TEST

START_TEST(a_block_function_without_device_configuration_is_bad_state)
{
    struct vsim_blk *b = vsim_blk_new(m, NULL);
    ck_assert_ptr_nonnull(b);
    struct vsim_pci_attach_opts o = {.malform = VSIM_PCI_MALFORM_NO_DEVICE_CFG};
    ck_assert_int_eq(vsim_pci_attach(m, 3, 0, vsim_blk_device(b), &o), 0);
    root_up();
    memset(&boot, 0, sizeof boot);
    ck_assert_int_eq(vio_pci_enumerate(&root, visit, &boot), 0);
    ck_assert_uint_eq(boot.n, 1);
    ck_assert_uint_eq(boot.pt[0].device.len, 0);
    /* ConfigSpaceMissing from the capacity read, mapped by the bridge's table */
    ck_assert_int_eq(ax_virtio_blk_init(&disk, &boot.pt[0].t), AX_ERR_BAD_STATE);
    ax_virtio_blk_deinit(&disk);
}
END_TEST

START_TEST(a_malformed_function_is_not_returned_and_the_others_are)
{
    struct vsim_blk *good = vsim_blk_new(m, NULL);
    struct vsim_blk *bad = vsim_blk_new(m, NULL);
    ck_assert_ptr_nonnull(good);
    ck_assert_ptr_nonnull(bad);
    struct vsim_pci_attach_opts o = {.malform = VSIM_PCI_MALFORM_CAP_LOOP};
    ck_assert_int_eq(vsim_pci_attach(m, 1, 0, vsim_blk_device(bad), &o), 0);
    ck_assert_int_eq(vsim_pci_attach(m, 4, 0, vsim_blk_device(good), NULL), 0);
    root_up();
    memset(&boot, 0, sizeof boot);
    ck_assert_int_eq(vio_pci_enumerate(&root, visit, &boot), 0);
    ck_assert_uint_eq(boot.n, 1);
    ck_assert_uint_eq(boot.pt[0].bdf, VIO_PCI_BDF(0, 4, 0));
    ck_assert_int_eq(boot.type[0], AX_DEVICE_BLOCK);
}
END_TEST

Suite *vio_test_suite(void)
{
    Suite *s = suite_create("ax_virtio_pci_bench");
    TCase *tc = tcase_create("pci");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, a_block_device_and_a_gpu_on_one_bus_work_through_the_generic_interfaces);
    tcase_add_test(tc, a_block_function_without_device_configuration_is_bad_state);
    tcase_add_test(tc, a_malformed_function_is_not_returned_and_the_others_are);
    suite_add_tcase(s, tc);
    return s;
}
