/*
 * ax_virtio_probe_pci over an enumerated bus of the scripted PCI fake: which
 * functions it takes, which it leaves untouched, and which it resets.
 */
#include <check.h>
#include <stdlib.h>

#include "axdriver_virtio.h"
#include "test_pci_fake.h"
#include "vio/spec.h"

/* Virtio Common Configuration Structure: device_status */
#define COMMON_DEVICE_STATUS 0x14u

static struct fake_pci *f;
static struct vio_pci_root root;

static void setup(void)
{
    f = malloc(sizeof *f);
    ck_assert_ptr_nonnull(f);
    fake_pci_init(f, VIO_PCI_ECAM);
}

static void teardown(void)
{
    ck_assert_uint_eq(f->stray, 0);
    ck_assert_uint_eq(f->cap_writes, 0);
    free(f);
}

static void root_up(void)
{
    struct vio_pci_root_config c = fake_root_config(f, 0x100000, 0);
    ck_assert_int_eq(vio_pci_root_init(&root, &f->hal, &c), 0);
}

static struct fake_fn *virtio_fn(unsigned dev, uint16_t device_id)
{
    struct fake_fn *fn = fake_add_virtio(f, 0, dev, 0, device_id);
    fake_place_virtio(fn, dev);
    return fn;
}

struct seen {
    unsigned visited;
    unsigned found;
    uint16_t bdf[8];
    enum ax_device_type type[8];
};

static int visit(void *arg, const struct vio_pci_func_info *info)
{
    struct seen *s = arg;
    struct vio_pci_transport p;
    enum ax_device_type type;
    s->visited++;
    if (ax_virtio_probe_pci(&p, &root, info->bdf, info, &type)) {
        ck_assert_uint_lt(s->found, 8);
        ck_assert_uint_eq(p.bdf, info->bdf);
        s->bdf[s->found] = info->bdf;
        s->type[s->found] = type;
        s->found++;
    }
    return 0;
}

START_TEST(enumeration_finds_block_and_gpu_functions_with_their_kinds)
{
    virtio_fn(1, 0x1042);                       /* block, modern id */
    virtio_fn(2, 0x1050);                       /* GPU */
    struct fake_fn *net = virtio_fn(5, 0x1000); /* network, transitional id */
    struct fake_fn *other = fake_add_fn(f, 0, 3, 0, 0x8086, 0x100e, 0);
    root_up();
    struct seen s = {0};
    ck_assert_int_eq(vio_pci_enumerate(&root, visit, &s), 0);
    ck_assert_uint_eq(s.visited, 4);
    ck_assert_uint_eq(s.found, 3);
    ck_assert_uint_eq(s.bdf[0], VIO_PCI_BDF(0, 1, 0));
    ck_assert_int_eq(s.type[0], AX_DEVICE_BLOCK);
    ck_assert_uint_eq(s.bdf[1], VIO_PCI_BDF(0, 2, 0));
    ck_assert_int_eq(s.type[1], AX_DEVICE_DISPLAY);
    ck_assert_uint_eq(s.bdf[2], VIO_PCI_BDF(0, 5, 0));
    ck_assert_int_eq(s.type[2], AX_DEVICE_NET);
    ck_assert_uint_eq(fake_cfg16(net, VIO_PCI_COMMAND) & VIO_PCI_COMMAND_MEMORY,
                      VIO_PCI_COMMAND_MEMORY);
    /* the other vendor's function was only enumerated, never enabled */
    ck_assert_uint_eq(fake_cfg16(other, VIO_PCI_COMMAND), 0);
}
END_TEST

START_TEST(a_virtio_type_without_an_axdriver_kind_is_reset_and_refused)
{
    struct fake_fn *rng = virtio_fn(1, 0x1044); /* entropy */
    rng->bar_mem[4][COMMON_DEVICE_STATUS] = VIO_STATUS_ACKNOWLEDGE;
    root_up();
    struct seen s = {0};
    ck_assert_int_eq(vio_pci_enumerate(&root, visit, &s), 0);
    ck_assert_uint_eq(s.visited, 1);
    ck_assert_uint_eq(s.found, 0);
    ck_assert_uint_eq(rng->bar_mem[4][COMMON_DEVICE_STATUS], 0);
}
END_TEST

START_TEST(non_virtio_ids_and_a_mismatched_info_are_not_touched)
{
    struct fake_fn *fn = virtio_fn(1, 0x1042);
    root_up();
    struct vio_pci_func_info info = {
        .bdf = VIO_PCI_BDF(0, 1, 0), .vendor_id = VIO_PCI_VENDOR_VIRTIO, .device_id = 0x1042};
    struct vio_pci_transport p;
    enum ax_device_type type = AX_DEVICE_CHAR;
    unsigned reads = f->cfg_reads;

    info.vendor_id = 0x8086;
    ck_assert(!ax_virtio_probe_pci(&p, &root, info.bdf, &info, &type));
    info.vendor_id = VIO_PCI_VENDOR_VIRTIO;
    info.device_id = 0x1040; /* no virtio device has type 0 */
    ck_assert(!ax_virtio_probe_pci(&p, &root, info.bdf, &info, &type));
    info.device_id = 0x1100;
    ck_assert(!ax_virtio_probe_pci(&p, &root, info.bdf, &info, &type));
    info.device_id = 0x1042;
    ck_assert(!ax_virtio_probe_pci(&p, &root, VIO_PCI_BDF(0, 2, 0), &info, &type));
    ck_assert_uint_eq(f->cfg_reads, reads);
    ck_assert_uint_eq(fake_cfg16(fn, VIO_PCI_COMMAND), 0);
    ck_assert_int_eq(type, AX_DEVICE_CHAR);

    ck_assert(ax_virtio_probe_pci(&p, &root, info.bdf, &info, &type));
    ck_assert_int_eq(type, AX_DEVICE_BLOCK);
}
END_TEST

START_TEST(a_function_the_transport_refuses_is_not_returned)
{
    struct fake_fn *fn = virtio_fn(1, 0x1042);
    fake_set_cap_ptr(fn, 0); /* no usable capabilities: a legacy-only device */
    fake_put16(fn, VIO_PCI_STATUS, 0);
    root_up();
    struct vio_pci_func_info info = {
        .bdf = VIO_PCI_BDF(0, 1, 0), .vendor_id = VIO_PCI_VENDOR_VIRTIO, .device_id = 0x1042};
    struct vio_pci_transport p;
    enum ax_device_type type;
    ck_assert(!ax_virtio_probe_pci(&p, &root, info.bdf, &info, &type));
    ck_assert_int_eq(p.why, VIO_PCI_WHY_NO_CAP_LIST);
}
END_TEST

Suite *vio_test_suite(void)
{
    Suite *s = suite_create("ax_virtio_pci");
    TCase *tc = tcase_create("probe");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, enumeration_finds_block_and_gpu_functions_with_their_kinds);
    tcase_add_test(tc, a_virtio_type_without_an_axdriver_kind_is_reset_and_refused);
    tcase_add_test(tc, non_virtio_ids_and_a_mismatched_info_are_not_touched);
    tcase_add_test(tc, a_function_the_transport_refuses_is_not_returned);
    suite_add_tcase(s, tc);
    return s;
}
