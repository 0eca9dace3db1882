/*
 * pci_bus.c against the scripted configuration-space fake: ECAM and CAM
 * addressing, enumeration, BAR sizing and placement, bridges, and the
 * bounded capability walk.
 */
#include <check.h>
#include <stdlib.h>

#include "test_pci_fake.h"
#include "vio/err.h"
#include "vio/pci.h"

static struct fake_pci *f;
static struct vio_pci_root root;

static void setup(void)
{
    f = malloc(sizeof *f);
    ck_assert_ptr_nonnull(f);
    fake_pci_init(f, VIO_PCI_ECAM);
}

/* Nothing the driver did may have decoded to nothing or sized a live BAR. */
static void teardown(void)
{
    ck_assert_uint_eq(f->stray, 0);
    ck_assert_uint_eq(f->sized_decoding, 0);
    free(f);
}

static void root_up(uint64_t mem32, uint64_t mem64)
{
    struct vio_pci_root_config c = fake_root_config(f, mem32, mem64);
    ck_assert_int_eq(vio_pci_root_init(&root, &f->hal, &c), 0);
}

START_TEST(root_init_refuses_bad_ranges)
{
    struct vio_pci_root_config c = fake_root_config(f, 0x1000, 0);
    c.bus_first = 4;
    c.bus_last = 3;
    ck_assert_int_eq(vio_pci_root_init(&root, &f->hal, &c), VIO_ERR_INVALID_PARAM);
    ck_assert_int_eq(root.why, VIO_PCI_WHY_BAD_ROOT);
    /* a 32-bit window that runs past 4 GiB cannot hold 32-bit BARs */
    c = fake_root_config(f, UINT64_C(0xc0000001), 0);
    ck_assert_int_eq(vio_pci_root_init(&root, &f->hal, &c), VIO_ERR_INVALID_PARAM);
    c = fake_root_config(f, 0x1000, 0);
    c.mem64_base = UINT64_MAX - 10;
    c.mem64_size = 100;
    ck_assert_int_eq(vio_pci_root_init(&root, &f->hal, &c), VIO_ERR_INVALID_PARAM);
}
END_TEST

START_TEST(ecam_addresses_bus_device_function)
{
    fake_add_fn(f, 0, 3, 0, 0x1234, 0xaaaa, 0x80);
    fake_add_fn(f, 0, 3, 2, 0x1234, 0xbbbb, 0);
    root_up(0x100000, 0);
    ck_assert_uint_eq(vio_pci_cfg_read16(&root, VIO_PCI_BDF(0, 3, 0), VIO_PCI_DEVICE_ID), 0xaaaa);
    ck_assert_uint_eq(vio_pci_cfg_read16(&root, VIO_PCI_BDF(0, 3, 2), VIO_PCI_DEVICE_ID), 0xbbbb);
    ck_assert_uint_eq(vio_pci_cfg_read32(&root, VIO_PCI_BDF(0, 3, 1), 0), UINT32_MAX);
    /* extended configuration space is reachable through ECAM */
    ck_assert_uint_eq(vio_pci_cfg_read32(&root, VIO_PCI_BDF(0, 3, 0), 0xffc), 0);
}
END_TEST

START_TEST(cam_addresses_bus_device_function)
{
    fake_pci_init(f, VIO_PCI_CAM);
    fake_add_fn(f, 0, 31, 7, 0x1234, 0xcccc, 0);
    root_up(0x100000, 0);
    ck_assert_uint_eq(vio_pci_cfg_read16(&root, VIO_PCI_BDF(0, 31, 7), VIO_PCI_DEVICE_ID), 0xcccc);
    /* CAM has 256 bytes per function: beyond that nothing is accessed */
    unsigned reads = f->cfg_reads;
    ck_assert_uint_eq(vio_pci_cfg_read32(&root, VIO_PCI_BDF(0, 31, 7), 0x100), UINT32_MAX);
    ck_assert_uint_eq(f->cfg_reads, reads);
}
END_TEST

START_TEST(bus_outside_the_root_is_never_accessed)
{
    struct vio_pci_root_config c = fake_root_config(f, 0x100000, 0);
    c.bus_last = 3;
    ck_assert_int_eq(vio_pci_root_init(&root, &f->hal, &c), 0);
    unsigned reads = f->cfg_reads;
    ck_assert_uint_eq(vio_pci_cfg_read16(&root, VIO_PCI_BDF(4, 0, 0), 0), UINT16_MAX);
    vio_pci_cfg_write16(&root, VIO_PCI_BDF(4, 0, 0), VIO_PCI_COMMAND, 0xffff);
    ck_assert_uint_eq(f->cfg_reads, reads);
}
END_TEST

#define SEEN_MAX 16
struct seen {
    unsigned n;
    struct vio_pci_func_info info[SEEN_MAX];
    unsigned stop_after;
};

static int record(void *arg, const struct vio_pci_func_info *info)
{
    struct seen *s = arg;
    ck_assert_uint_lt(s->n, SEEN_MAX);
    s->info[s->n++] = *info;
    return s->stop_after != 0 && s->n == s->stop_after ? 42 : 0;
}

START_TEST(enumerate_visits_functions_in_order_and_skips_empty_ones)
{
    struct fake_fn *host = fake_add_fn(f, 0, 0, 0, 0x1b36, 0x0008, 0);
    fake_put32(host, VIO_PCI_REVISION, 0x06000001);
    fake_add_fn(f, 0, 1, 0, 0x1af4, 0x1042, 0x80); /* multi-function: fn 1 empty, fn 2 */
    fake_add_fn(f, 0, 1, 2, 0x1af4, 0x1041, 0);
    fake_add_fn(f, 0, 2, 0, 0x8086, 0x1111, 0); /* single function ... */
    fake_add_fn(f, 0, 2, 1, 0x8086, 0x2222, 0); /* ... that also answers as fn 1 */
    fake_add_fn(f, 0, 5, 3, 0x8086, 0x3333, 0); /* no function 0: nothing there */
    fake_add_fn(f, 0, 31, 0, 0x1af4, 0x1050, 0);
    root_up(0x100000, 0);
    root.bus_max = 0;

    struct seen s = {0};
    ck_assert_int_eq(vio_pci_enumerate(&root, record, &s), 0);
    ck_assert_uint_eq(s.n, 5);
    const uint16_t want[] = {VIO_PCI_BDF(0, 0, 0), VIO_PCI_BDF(0, 1, 0), VIO_PCI_BDF(0, 1, 2),
                             VIO_PCI_BDF(0, 2, 0), VIO_PCI_BDF(0, 31, 0)};
    for (unsigned i = 0; i < 5; i++)
        ck_assert_uint_eq(s.info[i].bdf, want[i]);
    ck_assert_uint_eq(s.info[0].class_code, 0x060000);
    ck_assert_uint_eq(s.info[0].revision, 1);
    ck_assert(s.info[1].multifunction);
    ck_assert_uint_eq(s.info[1].header_type, 0);
    ck_assert_uint_eq(s.info[2].device_id, 0x1041);
    ck_assert(!s.info[3].multifunction);
    ck_assert_uint_eq(s.info[4].vendor_id, 0x1af4);
}
END_TEST

START_TEST(enumerate_stops_when_the_visitor_says_so)
{
    for (unsigned d = 0; d < 4; d++)
        fake_add_fn(f, 0, d, 0, 0x1af4, 0x1042, 0);
    root_up(0x100000, 0);
    root.bus_max = 0;
    struct seen s = {.stop_after = 2};
    ck_assert_int_eq(vio_pci_enumerate(&root, record, &s), 42);
    ck_assert_uint_eq(s.n, 2);
}
END_TEST

START_TEST(bar_probe_sizes_io_mem32_and_mem64)
{
    struct fake_fn *fn = fake_add_virtio(f, 0, 1, 0, 0x1042);
    fake_place_bar(fn, 4, UINT64_C(0x123450000));
    fake_put16(fn, VIO_PCI_COMMAND, VIO_PCI_COMMAND_MEMORY | VIO_PCI_COMMAND_MASTER);
    root_up(0x100000, 0);
    uint16_t bdf = VIO_PCI_BDF(0, 1, 0);
    struct vio_pci_bar bar;

    ck_assert_int_eq(vio_pci_bar_probe(&root, bdf, 0, &bar), 0);
    ck_assert_int_eq(bar.kind, VIO_PCI_BAR_IO);
    ck_assert_uint_eq(bar.size, 0x20);
    ck_assert_int_eq(vio_pci_bar_probe(&root, bdf, 1, &bar), 0);
    ck_assert_int_eq(bar.kind, VIO_PCI_BAR_MEM32);
    ck_assert_uint_eq(bar.size, 0x1000);
    ck_assert_int_eq(vio_pci_bar_probe(&root, bdf, 2, &bar), 0);
    ck_assert_int_eq(bar.kind, VIO_PCI_BAR_NONE);
    ck_assert_int_eq(vio_pci_bar_probe(&root, bdf, 4, &bar), 0);
    ck_assert_int_eq(bar.kind, VIO_PCI_BAR_MEM64);
    ck_assert(bar.prefetchable);
    ck_assert_uint_eq(bar.size, FAKE_BAR_MEM);
    ck_assert_uint_eq(bar.addr, UINT64_C(0x123450000));
    ck_assert_int_eq(vio_pci_bar_probe(&root, bdf, 5, &bar), VIO_ERR_INVALID_PARAM);
    ck_assert_int_eq(bar.kind, VIO_PCI_BAR_UPPER);
    ck_assert_int_eq(vio_pci_bar_probe(&root, bdf, 6, &bar), VIO_ERR_INVALID_PARAM);

    /* the BAR and the command register are as they were */
    ck_assert_uint_eq(fake_cfg32(fn, 0x20), 0x2345000c);
    ck_assert_uint_eq(fake_cfg32(fn, 0x24), 0x1);
    ck_assert_uint_eq(fake_cfg16(fn, VIO_PCI_COMMAND),
                      VIO_PCI_COMMAND_MEMORY | VIO_PCI_COMMAND_MASTER);
}
END_TEST

START_TEST(bar_probe_flags_bars_that_do_not_size)
{
    struct fake_fn *fn = fake_add_fn(f, 0, 1, 0, 0x1af4, 0x1042, 0);
    fake_set_bar(fn, 0, 0x1000, 0);
    fn->wmask[VIO_PCI_BAR0 + 1] = 0x0f;       /* 0x0f00 writable but not 0xf000: a hole */
    fake_put32(fn, VIO_PCI_BAR0 + 4, 0x2);    /* memory type "below 1 MiB": reserved today */
    fake_set_bar(fn, 5, 0x1000, FAKE_BAR_64); /* 64-bit in the last slot: no upper half */
    root_up(0x100000, 0);
    struct vio_pci_bar bar;
    uint16_t bdf = VIO_PCI_BDF(0, 1, 0);
    const unsigned bad[] = {0, 1, 5};
    for (unsigned i = 0; i < 3; i++) {
        ck_assert_int_eq(vio_pci_bar_probe(&root, bdf, bad[i], &bar), 0);
        ck_assert_msg(bar.kind == VIO_PCI_BAR_BAD, "BAR%u kind %d", bad[i], bar.kind);
    }
    ck_assert_int_eq(vio_pci_assign_bars(&root, bdf), VIO_ERR_UNSUPPORTED);
    ck_assert_int_eq(root.why, VIO_PCI_WHY_BAR_UNSIZED);
}
END_TEST

START_TEST(assign_bars_aligns_each_bar_and_enables_the_function)
{
    struct fake_fn *a = fake_add_fn(f, 0, 1, 0, 0x1af4, 0x1042, 0);
    fake_set_bar(a, 0, 0x100, 0);
    fake_set_bar(a, 1, 0x4000, 0);
    fake_set_bar(a, 2, 0x20, FAKE_BAR_IO);
    fake_set_bar(a, 3, 0x10000, FAKE_BAR_64 | FAKE_BAR_PREF);
    root_up(0x100000, 0x100000);
    uint16_t bdf = VIO_PCI_BDF(0, 1, 0);
    ck_assert_int_eq(vio_pci_assign_bars(&root, bdf), 0);

    ck_assert_uint_eq(fake_cfg32(a, 0x10), FAKE_MEM32_BASE);
    ck_assert_uint_eq(fake_cfg32(a, 0x14), FAKE_MEM32_BASE + 0x4000); /* aligned to its size */
    ck_assert_uint_eq(fake_cfg32(a, 0x18), 1);                        /* I/O left alone */
    /* a 64-bit BAR on the root bus goes to the 64-bit window */
    ck_assert_uint_eq(fake_cfg32(a, 0x1c), (uint32_t)FAKE_MEM64_BASE | 0xc);
    ck_assert_uint_eq(fake_cfg32(a, 0x20), (uint32_t)(FAKE_MEM64_BASE >> 32));
    ck_assert_uint_eq(root.mem32.used, 0x8000);
    ck_assert_uint_eq(root.mem64.used, 0x10000);
    ck_assert_uint_eq(fake_cfg16(a, VIO_PCI_COMMAND),
                      VIO_PCI_COMMAND_MEMORY | VIO_PCI_COMMAND_MASTER);
}
END_TEST

START_TEST(assign_bars_reports_an_exhausted_window_as_dma_error)
{
    struct fake_fn *a = fake_add_fn(f, 0, 1, 0, 0x1af4, 0x1042, 0);
    fake_set_bar(a, 0, 0x8000, 0);
    fake_set_bar(a, 1, 0x8000, 0);
    struct fake_fn *b = fake_add_fn(f, 0, 2, 0, 0x1af4, 0x1042, 0);
    fake_set_bar(b, 0, 0x1000, FAKE_BAR_64); /* no mem64 window: mem32 */
    root_up(0x10000, 0);
    ck_assert_int_eq(vio_pci_assign_bars(&root, VIO_PCI_BDF(0, 1, 0)), 0);
    ck_assert_uint_eq(root.mem32.used, 0x10000);
    ck_assert_int_eq(vio_pci_assign_bars(&root, VIO_PCI_BDF(0, 2, 0)), VIO_ERR_DMA_ERROR);
    ck_assert_int_eq(root.why, VIO_PCI_WHY_BAR_EXHAUSTED);
    /* the function whose BAR found no room does not decode */
    ck_assert_uint_eq(fake_cfg16(b, VIO_PCI_COMMAND) & VIO_PCI_COMMAND_MEMORY, 0);
    /* a BAR larger than the whole window */
    struct fake_fn *c = fake_add_fn(f, 0, 3, 0, 0x1af4, 0x1042, 0);
    fake_set_bar(c, 0, UINT64_C(0x100000000), FAKE_BAR_64);
    root_up(0x10000, 0x10000);
    ck_assert_int_eq(vio_pci_assign_bars(&root, VIO_PCI_BDF(0, 3, 0)), VIO_ERR_DMA_ERROR);
}
END_TEST

START_TEST(assign_resources_numbers_bridges_and_opens_their_windows)
{
    fake_add_fn(f, 0, 0, 0, 0x1b36, 0x0008, 0); /* host bridge */
    struct fake_fn *br1, *br2;
    unsigned n1 = fake_add_bridge(f, 0, 1, &br1);
    struct fake_fn *d0 = fake_add_virtio(f, 0, 2, 0, 0x1042);
    struct fake_fn *d1 = fake_add_virtio(f, n1, 0, 0, 0x1041);
    unsigned n2 = fake_add_bridge(f, n1, 3, &br2);
    struct fake_fn *d2 = fake_add_virtio(f, n2, 4, 0, 0x1050);
    fake_add_bridge(f, 0, 5, NULL); /* an empty bridge: a bus number, no window */
    root_up(UINT64_C(0x10000000), 0);

    ck_assert_int_eq(vio_pci_assign_resources(&root), 0);
    ck_assert_uint_eq(root.bus_max, 3);
    ck_assert_uint_eq(fake_cfg8(br1, VIO_PCI_PRIMARY_BUS), 0);
    ck_assert_uint_eq(fake_cfg8(br1, VIO_PCI_SECONDARY_BUS), 1);
    ck_assert_uint_eq(fake_cfg8(br1, VIO_PCI_SUBORDINATE_BUS), 2);
    ck_assert_uint_eq(fake_cfg8(br2, VIO_PCI_PRIMARY_BUS), 1);
    ck_assert_uint_eq(fake_cfg8(br2, VIO_PCI_SECONDARY_BUS), 2);
    ck_assert_uint_eq(fake_cfg8(br2, VIO_PCI_SUBORDINATE_BUS), 2);

    struct seen s = {0};
    ck_assert_int_eq(vio_pci_enumerate(&root, record, &s), 0);
    ck_assert_uint_eq(s.n, 7);
    /* bus 0 first, then 1 and 2; bus 3 behind the empty bridge has nothing */
    const uint16_t want[] = {VIO_PCI_BDF(0, 0, 0), VIO_PCI_BDF(0, 1, 0), VIO_PCI_BDF(0, 2, 0),
                             VIO_PCI_BDF(0, 5, 0), VIO_PCI_BDF(1, 0, 0), VIO_PCI_BDF(1, 3, 0),
                             VIO_PCI_BDF(2, 4, 0)};
    for (unsigned i = 0; i < 7; i++)
        ck_assert_uint_eq(s.info[i].bdf, want[i]);
    ck_assert_uint_eq(s.info[5].header_type, VIO_PCI_HEADER_BRIDGE);
    ck_assert_uint_eq(s.info[5].class_code, 0x060400);

    /* each window holds its subtree's BARs, 1 MiB granular, nested */
    uint32_t w1 = fake_cfg32(br1, VIO_PCI_MEM_BASE), w2 = fake_cfg32(br2, VIO_PCI_MEM_BASE);
    uint64_t b1 = (uint64_t)(w1 & 0xfff0) << 16, l1 = ((uint64_t)(w1 >> 16) << 16) | 0xfffff;
    uint64_t b2 = (uint64_t)(w2 & 0xfff0) << 16, l2 = ((uint64_t)(w2 >> 16) << 16) | 0xfffff;
    ck_assert(b1 <= b2 && l2 <= l1);
    ck_assert_uint_ge(fake_cfg32(d1, 0x20) & ~0xfu, b1);
    ck_assert_uint_le(fake_cfg32(d1, 0x20) & ~0xfu, l1);
    ck_assert_uint_ge(fake_cfg32(d2, 0x20) & ~0xfu, b2);
    ck_assert_uint_le(fake_cfg32(d2, 0x20) & ~0xfu, l2);
    /* the root-bus device is outside the bridge's window */
    uint64_t a0 = fake_cfg32(d0, 0x20) & ~0xfu;
    ck_assert(a0 < b1 || a0 > l1);

    /* every function behind the bridges decodes through their windows: probe them all */
    struct vio_pci_transport t;
    ck_assert_int_eq(vio_pci_probe(&t, &root, VIO_PCI_BDF(0, 2, 0)), 0);
    ck_assert_int_eq(vio_pci_probe(&t, &root, VIO_PCI_BDF(1, 0, 0)), 0);
    ck_assert_uint_eq(t.t.device_id, 1);
    ck_assert_int_eq(vio_pci_probe(&t, &root, VIO_PCI_BDF(2, 4, 0)), 0);
    ck_assert_uint_eq(t.t.device_id, 16);
    ck_assert_uint_eq(t.num_queues, 2);
}
END_TEST

START_TEST(assign_resources_runs_out_of_bus_numbers)
{
    unsigned n = fake_add_bridge(f, 0, 1, NULL);
    fake_add_bridge(f, n, 0, NULL);
    struct vio_pci_root_config c = fake_root_config(f, 0x10000000, 0);
    c.bus_last = 1;
    ck_assert_int_eq(vio_pci_root_init(&root, &f->hal, &c), 0);
    ck_assert_int_eq(vio_pci_assign_resources(&root), VIO_ERR_UNSUPPORTED);
    ck_assert_int_eq(root.why, VIO_PCI_WHY_BUS_EXHAUSTED);
}
END_TEST

START_TEST(cap_walk_returns_every_capability)
{
    fake_add_virtio(f, 0, 1, 0, 0x1042);
    root_up(0x100000, 0);
    struct vio_pci_cap_iter it;
    uint16_t bdf = VIO_PCI_BDF(0, 1, 0);
    ck_assert_int_eq(vio_pci_cap_first(&root, bdf, &it), 0);
    const uint8_t want_off[] = {0x84, 0x40, 0x50, 0x60, 0x70};
    uint8_t off, id;
    for (unsigned i = 0; i < 5; i++) {
        ck_assert_int_eq(vio_pci_cap_next(&root, bdf, &it, &off, &id), 1);
        ck_assert_uint_eq(off, want_off[i]);
        ck_assert_uint_eq(id, i == 0 ? 0x11 : VIO_PCI_CAP_ID_VNDR);
    }
    ck_assert_int_eq(vio_pci_cap_next(&root, bdf, &it, &off, &id), 0);
}
END_TEST

START_TEST(cap_walk_stops_a_loop_after_48_entries)
{
    struct fake_fn *fn = fake_add_fn(f, 0, 1, 0, 0x1af4, 0x1042, 0);
    fake_set_cap_ptr(fn, 0x40);
    fake_cap(fn, 0x40, 0x01, 0x48, 8);
    fake_cap(fn, 0x48, 0x05, 0x40, 8);
    root_up(0x100000, 0);
    struct vio_pci_cap_iter it;
    uint16_t bdf = VIO_PCI_BDF(0, 1, 0);
    ck_assert_int_eq(vio_pci_cap_first(&root, bdf, &it), 0);
    uint8_t off, id;
    unsigned n = 0;
    int rc;
    while ((rc = vio_pci_cap_next(&root, bdf, &it, &off, &id)) == 1)
        ck_assert_uint_le(++n, VIO_PCI_CAP_MAX);
    ck_assert_int_eq(rc, VIO_ERR_UNSUPPORTED);
    ck_assert_uint_eq(n, VIO_PCI_CAP_MAX);
    ck_assert_int_eq(root.why, VIO_PCI_WHY_CAP_LOOP);
}
END_TEST

START_TEST(cap_walk_refuses_bad_pointers)
{
    const uint8_t bad[] = {0x42, 0x3c, 0x01};
    for (unsigned i = 0; i < sizeof bad; i++) {
        fake_pci_init(f, VIO_PCI_ECAM);
        struct fake_fn *fn = fake_add_fn(f, 0, 1, 0, 0x1af4, 0x1042, 0);
        fake_set_cap_ptr(fn, 0x40);
        fake_cap(fn, 0x40, 0x01, bad[i], 8);
        root_up(0x100000, 0);
        struct vio_pci_cap_iter it;
        uint8_t off, id;
        uint16_t bdf = VIO_PCI_BDF(0, 1, 0);
        ck_assert_int_eq(vio_pci_cap_first(&root, bdf, &it), 0);
        ck_assert_int_eq(vio_pci_cap_next(&root, bdf, &it, &off, &id), 1);
        ck_assert_int_eq(vio_pci_cap_next(&root, bdf, &it, &off, &id), VIO_ERR_UNSUPPORTED);
        ck_assert_int_eq(root.why, VIO_PCI_WHY_CAP_PTR);
    }
    /* no CAP_LIST bit: no list to walk */
    fake_pci_init(f, VIO_PCI_ECAM);
    fake_add_fn(f, 0, 1, 0, 0x1af4, 0x1042, 0);
    root_up(0x100000, 0);
    struct vio_pci_cap_iter it;
    ck_assert_int_eq(vio_pci_cap_first(&root, VIO_PCI_BDF(0, 1, 0), &it), VIO_ERR_UNSUPPORTED);
    ck_assert_int_eq(root.why, VIO_PCI_WHY_NO_CAP_LIST);
}
END_TEST

START_TEST(why_strings_cover_every_reason)
{
    for (int w = VIO_PCI_WHY_OK; w <= VIO_PCI_WHY_BUS_EXHAUSTED; w++)
        ck_assert_str_ne(vio_pci_why_str((enum vio_pci_why)w), "unknown");
    ck_assert_str_eq(vio_pci_why_str((enum vio_pci_why)999), "unknown");
}
END_TEST

Suite *vio_test_suite(void)
{
    Suite *s = suite_create("pci_bus");
    TCase *tc = tcase_create("bus");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, root_init_refuses_bad_ranges);
    tcase_add_test(tc, ecam_addresses_bus_device_function);
    tcase_add_test(tc, cam_addresses_bus_device_function);
    tcase_add_test(tc, bus_outside_the_root_is_never_accessed);
    tcase_add_test(tc, enumerate_visits_functions_in_order_and_skips_empty_ones);
    tcase_add_test(tc, enumerate_stops_when_the_visitor_says_so);
    tcase_add_test(tc, bar_probe_sizes_io_mem32_and_mem64);
    tcase_add_test(tc, bar_probe_flags_bars_that_do_not_size);
    tcase_add_test(tc, assign_bars_aligns_each_bar_and_enables_the_function);
    tcase_add_test(tc, assign_bars_reports_an_exhausted_window_as_dma_error);
    tcase_add_test(tc, assign_resources_numbers_bridges_and_opens_their_windows);
    tcase_add_test(tc, assign_resources_runs_out_of_bus_numbers);
    tcase_add_test(tc, cap_walk_returns_every_capability);
    tcase_add_test(tc, cap_walk_stops_a_loop_after_48_entries);
    tcase_add_test(tc, cap_walk_refuses_bad_pointers);
    tcase_add_test(tc, why_strings_cover_every_reason);
    suite_add_tcase(s, tc);
    return s;
}
