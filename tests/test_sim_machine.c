/* The bench machine: guest memory, DMA pages, share/bounce, the decoder and conformance log. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "test_sim_helpers.h"
#include "vio/err.h"

static struct vsim_machine *m;
static const struct vio_hal *h;

static void setup(void)
{
    m = vsim_machine_new(&(struct vsim_machine_opts){.mem_size = 1u << 20});
    ck_assert_ptr_nonnull(m);
    h = vsim_machine_hal(m);
}

static void teardown(void)
{
    simt_assert_no_leaks(m);
    vsim_machine_free(m);
}

START_TEST(dma_alloc_gives_zeroed_aligned_pages_inside_guest_memory)
{
    uint64_t pa;
    void *va;
    ck_assert_int_eq(h->dma_alloc(h->ctx, 3, VIO_DMA_BOTH, &pa, &va), 0);
    ck_assert_uint_eq(pa % 4096, 0);
    ck_assert_uint_ge(pa, VSIM_MEM_BASE);
    ck_assert_ptr_eq(vsim_machine_gpa(m, pa, 3 * 4096), va);
    ck_assert_uint_eq(vsim_machine_paddr(m, va), pa);
    ck_assert_uint_eq(vsim_machine_dma_pages_in_use(m), 3);
    memset(va, 0xab, 3 * 4096);
    h->dma_free(h->ctx, pa, va, 3);
    ck_assert_int_eq(h->dma_alloc(h->ctx, 3, VIO_DMA_BOTH, &pa, &va), 0);
    for (size_t i = 0; i < 3 * 4096; i++)
        ck_assert_uint_eq(((uint8_t *)va)[i], 0);
    h->dma_free(h->ctx, pa, va, 3);
}
END_TEST

START_TEST(dma_free_of_pages_never_allocated_is_recorded_and_ignored)
{
    uint64_t pa;
    void *va;
    ck_assert_int_eq(h->dma_alloc(h->ctx, 2, VIO_DMA_BOTH, &pa, &va), 0);
    h->dma_free(h->ctx, pa, va, 1);                          /* wrong count */
    h->dma_free(h->ctx, pa + 4096, (uint8_t *)va + 4096, 1); /* not a start */
    h->dma_free(h->ctx, 0x1000, NULL, 1);                    /* outside memory */
    ck_assert_uint_eq(simt_count(m, "HAL-1"), 3);
    ck_assert_uint_eq(vsim_machine_dma_pages_in_use(m), 2);
    h->dma_free(h->ctx, pa, va, 2);
    ck_assert_uint_eq(simt_count(m, "HAL-1"), 3);
}
END_TEST

START_TEST(dma_alloc_fails_when_guest_memory_is_full)
{
    uint64_t pa;
    void *va;
    ck_assert_int_eq(h->dma_alloc(h->ctx, 257, VIO_DMA_BOTH, &pa, &va), VIO_ERR_DMA_ERROR);
    ck_assert_int_eq(h->dma_alloc(h->ctx, 256, VIO_DMA_BOTH, &pa, &va), 0);
    uint64_t pa2;
    void *va2;
    ck_assert_int_eq(h->dma_alloc(h->ctx, 1, VIO_DMA_BOTH, &pa2, &va2), VIO_ERR_DMA_ERROR);
    h->dma_free(h->ctx, pa, va, 256);
}
END_TEST

START_TEST(share_of_guest_memory_is_zero_copy)
{
    uint8_t *buf = vsim_machine_mem_alloc(m, 8192);
    uint64_t pa;
    ck_assert_ptr_nonnull(buf);
    ck_assert_int_eq(h->share(h->ctx, buf + 100, 500, VIO_DMA_TO_DEVICE, &pa), 0);
    ck_assert_uint_eq(pa, vsim_machine_paddr(m, buf + 100));
    ck_assert_uint_eq(vsim_machine_shares_in_use(m), 1);
    ck_assert_uint_eq(vsim_machine_bounces(m), 0);
    ck_assert_uint_eq(vsim_machine_dma_pages_in_use(m), 0);
    h->unshare(h->ctx, pa, buf + 100, 500, VIO_DMA_TO_DEVICE);
    vsim_machine_mem_free(m, buf);
}
END_TEST

START_TEST(share_of_host_memory_bounces_and_copies_by_direction)
{
    uint8_t src[300], dst[300];
    uint64_t pa_in, pa_out;
    memset(src, 0x5a, sizeof(src));
    memset(dst, 0x11, sizeof(dst));
    ck_assert_int_eq(h->share(h->ctx, src, sizeof(src), VIO_DMA_TO_DEVICE, &pa_in), 0);
    ck_assert_int_eq(h->share(h->ctx, dst, sizeof(dst), VIO_DMA_FROM_DEVICE, &pa_out), 0);
    ck_assert_uint_eq(vsim_machine_bounces(m), 2);
    uint8_t *dev_in = vsim_machine_gpa(m, pa_in, sizeof(src));
    uint8_t *dev_out = vsim_machine_gpa(m, pa_out, sizeof(dst));
    ck_assert_ptr_nonnull(dev_in);
    ck_assert_ptr_nonnull(dev_out);
    ck_assert_mem_eq(dev_in, src, sizeof(src));
    ck_assert_uint_eq(dev_out[0], 0); /* FROM_DEVICE is not copied in */
    memset(dev_out, 0x77, sizeof(dst));
    ck_assert_uint_eq(dst[0], 0x11); /* not visible before unshare */
    h->unshare(h->ctx, pa_out, dst, sizeof(dst), VIO_DMA_FROM_DEVICE);
    ck_assert_uint_eq(dst[0], 0x77);
    ck_assert_uint_eq(dst[299], 0x77);
    memset(dev_in, 0, sizeof(src));
    h->unshare(h->ctx, pa_in, src, sizeof(src), VIO_DMA_TO_DEVICE);
    ck_assert_uint_eq(src[0], 0x5a); /* TO_DEVICE is not copied back */
}
END_TEST

START_TEST(bounce_all_bounces_guest_memory_too)
{
    vsim_machine_free(m);
    m = vsim_machine_new(&(struct vsim_machine_opts){.mem_size = 1u << 20, .bounce_all = true});
    h = vsim_machine_hal(m);
    uint8_t *buf = vsim_machine_mem_alloc(m, 4096);
    uint64_t pa;
    buf[0] = 9;
    ck_assert_int_eq(h->share(h->ctx, buf, 16, VIO_DMA_BOTH, &pa), 0);
    ck_assert_uint_ne(pa, vsim_machine_paddr(m, buf));
    ck_assert_uint_eq(*(uint8_t *)vsim_machine_gpa(m, pa, 1), 9);
    *(uint8_t *)vsim_machine_gpa(m, pa, 1) = 4;
    ck_assert_uint_eq(buf[0], 9);
    h->unshare(h->ctx, pa, buf, 16, VIO_DMA_BOTH);
    ck_assert_uint_eq(buf[0], 4);
    vsim_machine_mem_free(m, buf);
}
END_TEST

START_TEST(unshare_that_matches_no_share_is_recorded)
{
    uint8_t buf[64];
    uint64_t pa;
    ck_assert_int_eq(h->share(h->ctx, buf, sizeof(buf), VIO_DMA_TO_DEVICE, &pa), 0);
    h->unshare(h->ctx, pa, buf, 32, VIO_DMA_TO_DEVICE);     /* wrong length */
    h->unshare(h->ctx, pa, buf, 64, VIO_DMA_BOTH);          /* wrong direction */
    h->unshare(h->ctx, pa + 8, buf, 64, VIO_DMA_TO_DEVICE); /* wrong address */
    ck_assert_uint_eq(simt_count(m, "HAL-2"), 3);
    ck_assert_uint_eq(vsim_machine_shares_in_use(m), 1);
    h->unshare(h->ctx, pa, buf, 64, VIO_DMA_TO_DEVICE);
    h->unshare(h->ctx, pa, buf, 64, VIO_DMA_TO_DEVICE); /* twice */
    ck_assert_uint_eq(simt_count(m, "HAL-2"), 4);
}
END_TEST

START_TEST(zero_copy_unshare_that_matches_no_share_is_recorded)
{
    uint8_t *buf = vsim_machine_mem_alloc(m, 2 * 4096);
    uint64_t pa, pb, pc;
    ck_assert_ptr_nonnull(buf);
    /* the page's only share, back with the wrong direction: recorded at once */
    ck_assert_int_eq(h->share(h->ctx, buf, 64, VIO_DMA_TO_DEVICE, &pa), 0);
    h->unshare(h->ctx, pa, buf, 64, VIO_DMA_BOTH);
    ck_assert_uint_eq(simt_count(m, "HAL-2"), 1);
    /* a page with another share still out: recorded when the last one comes back */
    ck_assert_int_eq(h->share(h->ctx, buf + 100, 64, VIO_DMA_TO_DEVICE, &pa), 0);
    ck_assert_int_eq(h->share(h->ctx, buf + 200, 16, VIO_DMA_FROM_DEVICE, &pb), 0);
    h->unshare(h->ctx, pa, buf + 100, 32, VIO_DMA_TO_DEVICE); /* wrong length */
    ck_assert_uint_eq(simt_count(m, "HAL-2"), 1);
    h->unshare(h->ctx, pb, buf + 200, 16, VIO_DMA_FROM_DEVICE);
    ck_assert_uint_eq(simt_count(m, "HAL-2"), 2);
    /* an address that is not the buffer's, and a page with nothing out: at once */
    ck_assert_int_eq(h->share(h->ctx, buf + 4096, 64, VIO_DMA_TO_DEVICE, &pc), 0);
    h->unshare(h->ctx, pc + 8, buf + 4096, 64, VIO_DMA_TO_DEVICE);
    h->unshare(h->ctx, pa, buf + 100, 64, VIO_DMA_TO_DEVICE);
    ck_assert_uint_eq(simt_count(m, "HAL-2"), 4);
    h->unshare(h->ctx, pc, buf + 4096, 64, VIO_DMA_TO_DEVICE);
    ck_assert_uint_eq(simt_count(m, "HAL-2"), 4);
    ck_assert_uint_eq(vsim_machine_shares_in_use(m), 0);
    vsim_machine_mem_free(m, buf);
}
END_TEST

START_TEST(share_of_nothing_is_refused)
{
    uint8_t buf[4];
    uint64_t pa;
    ck_assert_int_eq(h->share(h->ctx, buf, 0, VIO_DMA_TO_DEVICE, &pa), VIO_ERR_INVALID_PARAM);
    ck_assert_int_eq(h->share(h->ctx, NULL, 4, VIO_DMA_TO_DEVICE, &pa), VIO_ERR_INVALID_PARAM);
    ck_assert_int_eq(h->share(h->ctx, buf, 4, (enum vio_dma_dir)0, &pa), VIO_ERR_INVALID_PARAM);
    ck_assert_uint_eq(simt_count(m, "HAL-5"), 3);
}
END_TEST

START_TEST(many_shares_of_one_buffer_all_come_back)
{
    uint8_t *buf = vsim_machine_mem_alloc(m, 4096);
    uint64_t pa[300];
    for (int i = 0; i < 300; i++)
        ck_assert_int_eq(h->share(h->ctx, buf + (i % 7), 64, VIO_DMA_BOTH, &pa[i]), 0);
    ck_assert_uint_eq(vsim_machine_shares_in_use(m), 300);
    for (int i = 299; i >= 0; i -= 2)
        h->unshare(h->ctx, pa[i], buf + (i % 7), 64, VIO_DMA_BOTH);
    for (int i = 0; i < 300; i += 2)
        h->unshare(h->ctx, pa[i], buf + (i % 7), 64, VIO_DMA_BOTH);
    ck_assert_uint_eq(simt_count(m, "HAL-2"), 0);
    vsim_machine_mem_free(m, buf);
}
END_TEST

START_TEST(phys_to_virt_maps_memory_and_windows_and_refuses_the_rest)
{
    uint64_t pa;
    uint8_t *va = simt_dma(m, 1, &pa);
    ck_assert_ptr_eq((void *)h->phys_to_virt(h->ctx, pa, 4096), va);
    ck_assert_uint_eq(h->phys_to_virt(h->ctx, VSIM_MMIO_SLOT_BASE(3), 0x200),
                      VSIM_MMIO_SLOT_BASE(3));
    ck_assert_uint_eq(h->phys_to_virt(h->ctx, 0x1000, 16), 0);
    ck_assert_uint_eq(h->phys_to_virt(h->ctx, VSIM_MEM_BASE + (1u << 20) - 8, 16), 0);
    ck_assert_uint_eq(simt_count(m, "HAL-4"), 2);
    simt_dma_free(m, va, pa, 1);
}
END_TEST

START_TEST(unmapped_register_access_reads_all_ones_and_is_recorded)
{
    ck_assert_uint_eq(h->read32(h->ctx, 0x20000000), UINT32_MAX);
    ck_assert_uint_eq(h->read8(h->ctx, 0x20000000), 0xff);
    h->write16(h->ctx, 0x20000000, 5);
    ck_assert_uint_eq(simt_count(m, "HAL-3"), 3);
}
END_TEST

static uint32_t fake_read(void *ctx, uint64_t off, unsigned width)
{
    (void)ctx;
    return (uint32_t)(off * 16 + width);
}
static void fake_write(void *ctx, uint64_t off, unsigned width, uint32_t val)
{
    *(uint64_t *)ctx = off << 40 | (uint64_t)width << 32 | val;
}
static const struct vsim_region_ops fake_ops = {.read = fake_read, .write = fake_write};

START_TEST(regions_decode_refuse_overlap_and_unmap)
{
    uint64_t last = 0;
    ck_assert_int_eq(vsim_machine_map(m, VSIM_PCI_MMIO_BASE, 0x1000, &fake_ops, &last, "bar"), 0);
    ck_assert_int_eq(vsim_machine_map(m, VSIM_PCI_MMIO_BASE + 0x800, 0x1000, &fake_ops, &last, "x"),
                     VIO_ERR_INVALID_PARAM);
    ck_assert_int_eq(vsim_machine_map(m, VSIM_MEM_BASE, 0x1000, &fake_ops, &last, "x"),
                     VIO_ERR_INVALID_PARAM);
    ck_assert_uint_eq(h->read16(h->ctx, VSIM_PCI_MMIO_BASE + 0x10), 0x10 * 16 + 2);
    h->write8(h->ctx, VSIM_PCI_MMIO_BASE + 3, 0x42);
    ck_assert_uint_eq(last, (UINT64_C(3) << 40) | (UINT64_C(1) << 32) | 0x42);
    /* An access straddling the window's end is not decoded. */
    ck_assert_uint_eq(h->read32(h->ctx, VSIM_PCI_MMIO_BASE + 0xffe), UINT32_MAX);
    ck_assert_int_eq(vsim_machine_unmap(m, VSIM_PCI_MMIO_BASE), 0);
    ck_assert_uint_eq(h->read32(h->ctx, VSIM_PCI_MMIO_BASE), UINT32_MAX);
    ck_assert_int_eq(vsim_machine_unmap(m, VSIM_PCI_MMIO_BASE), VIO_ERR_INVALID_PARAM);
    ck_assert_uint_eq(simt_count(m, "HAL-3"), 2);
}
END_TEST

START_TEST(user_pages_are_not_dma_pages)
{
    void *p = vsim_machine_mem_alloc(m, 10000);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(vsim_machine_dma_pages_in_use(m), 0);
    uint64_t pa = vsim_machine_paddr(m, p);
    const struct vio_hal *hal = h;
    hal->dma_free(hal->ctx, pa, p, 3); /* not dma_alloc's */
    ck_assert_uint_eq(simt_count(m, "HAL-1"), 1);
    vsim_machine_mem_free(m, p);
    ck_assert_ptr_null(vsim_machine_mem_alloc(m, 2u << 20));
}
END_TEST

static int hook_calls;
static void hook(void *ctx, const struct vsim_violation *v)
{
    ck_assert_ptr_eq(ctx, &hook_calls);
    ck_assert_int_eq(v->rule, VSIM_RULE_HAL_UNMAPPED);
    hook_calls++;
}

START_TEST(strict_mode_trips_at_once_and_lenient_only_records)
{
    struct vsim_conform *c = vsim_machine_conform(m);
    vsim_conform_set_hook(c, hook, &hook_calls);
    hook_calls = 0;
    (void)h->read32(h->ctx, 0x20000000);
    ck_assert(!vsim_conform_tripped(c));
    vsim_conform_set_strict(c, true);
    (void)h->read32(h->ctx, 0x20000000);
    ck_assert(vsim_conform_tripped(c));
    ck_assert_int_eq(hook_calls, 2);
    ck_assert_uint_eq(vsim_conform_count(c), 2);
    const struct vsim_violation *v = vsim_conform_get(c, 1);
    ck_assert_ptr_nonnull(v);
    ck_assert_str_eq(v->where, "hal");
    ck_assert_ptr_nonnull(strstr(v->detail, "0x20000000"));
    vsim_conform_clear(c);
    ck_assert_uint_eq(vsim_conform_count(c), 0);
    ck_assert(!vsim_conform_tripped(c));
}
END_TEST

START_TEST(violations_carry_the_event_number_their_trace_line_shows)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    vsim_machine_set_trace(m, f);
    (void)h->read32(h->ctx, VSIM_MMIO_SLOT_BASE(0));     /* event 1: an empty slot's MagicValue */
    (void)h->read32(h->ctx, VSIM_MMIO_SLOT_BASE(0) + 8); /* event 2: its DeviceID */
    (void)h->read32(h->ctx, 0x5000);                     /* event 3: nothing there */
    vsim_machine_set_trace(m, NULL);
    fclose(f);
    const struct vsim_violation *v = vsim_conform_get(vsim_machine_conform(m), 0);
    ck_assert_ptr_nonnull(v);
    ck_assert_str_eq(vsim_rule_info(v->rule)->id, "HAL-3");
    ck_assert_uint_eq(v->seq, 3);
    ck_assert_msg(strstr(text, "     3 hal VIOLATION HAL-3") != NULL, "trace:\n%s", text);
    ck_assert_msg(strstr(text, "     2 mmio0 - R32 DeviceID") != NULL, "trace:\n%s", text);
    free(text);
    vsim_conform_clear(vsim_machine_conform(m));
}
END_TEST

START_TEST(the_first_violations_are_stored_and_the_rest_counted)
{
    struct vsim_conform *c = vsim_machine_conform(m);
    for (unsigned i = 0; i < VSIM_CONFORM_KEEP + 5; i++)
        (void)h->read32(h->ctx, 0x20000000 + 4 * i);
    ck_assert_uint_eq(vsim_conform_count(c), VSIM_CONFORM_KEEP + 5);
    ck_assert_uint_eq(vsim_conform_count_rule(c, VSIM_RULE_HAL_UNMAPPED), VSIM_CONFORM_KEEP + 5);
    const struct vsim_violation *v = vsim_conform_get(c, VSIM_CONFORM_KEEP - 1);
    ck_assert_ptr_nonnull(v);
    ck_assert_ptr_nonnull(strstr(v->detail, "0x20000ffc"));
    ck_assert_ptr_nonnull(strstr(vsim_conform_get(c, 17)->detail, "0x20000044"));
    ck_assert_ptr_null(vsim_conform_get(c, VSIM_CONFORM_KEEP));
    /* past the stored list a hook still gets each violation with its text */
    vsim_conform_set_hook(c, hook, &hook_calls);
    hook_calls = 0;
    (void)h->read32(h->ctx, 0x20000000);
    ck_assert_int_eq(hook_calls, 1);
    vsim_conform_set_hook(c, NULL, NULL);
    vsim_conform_clear(c);
    (void)h->read32(h->ctx, 0x20000008);
    ck_assert_ptr_nonnull(strstr(vsim_conform_get(c, 0)->detail, "0x20000008"));
    vsim_conform_clear(c);
}
END_TEST

START_TEST(a_log_can_keep_fewer_violations)
{
    struct vsim_conform *c = vsim_machine_conform(m);
    vsim_conform_set_keep(c, 2);
    for (unsigned i = 0; i < 5; i++)
        (void)h->read32(h->ctx, 0x20000000 + 4 * i);
    ck_assert_uint_eq(vsim_conform_count(c), 5);
    ck_assert_ptr_nonnull(strstr(vsim_conform_get(c, 1)->detail, "0x20000004"));
    ck_assert_ptr_null(vsim_conform_get(c, 2));
    vsim_conform_clear(c);
    vsim_conform_set_keep(c, VSIM_CONFORM_KEEP + 7); /* at most VSIM_CONFORM_KEEP */
    for (unsigned i = 0; i < VSIM_CONFORM_KEEP + 1; i++)
        (void)h->read32(h->ctx, 0x20000000);
    ck_assert_ptr_nonnull(vsim_conform_get(c, VSIM_CONFORM_KEEP - 1));
    ck_assert_ptr_null(vsim_conform_get(c, VSIM_CONFORM_KEEP));
    vsim_conform_clear(c);
}
END_TEST

START_TEST(freed_pages_are_reused_lowest_first)
{
    uint8_t *a = vsim_machine_mem_alloc(m, 4096);
    uint8_t *b = vsim_machine_mem_alloc(m, 2 * 4096);
    uint8_t *c = vsim_machine_mem_alloc(m, 4096);
    ck_assert_ptr_eq(b, a + 4096);
    ck_assert_ptr_eq(c, a + 3 * 4096);
    vsim_machine_mem_free(m, b);
    vsim_machine_mem_free(m, a);
    ck_assert_ptr_eq(vsim_machine_mem_alloc(m, 2 * 4096), a);
    ck_assert_ptr_eq(vsim_machine_mem_alloc(m, 2 * 4096), c + 4096); /* one page left at b + 4096 */
    ck_assert_ptr_eq(vsim_machine_mem_alloc(m, 4096), b + 4096);
}
END_TEST

START_TEST(guest_memory_can_be_the_callers_buffer)
{
    static _Alignas(4096) uint8_t buf[4 * 4096];
    memset(buf, 0xa5, sizeof(buf));
    struct vsim_machine *mm =
        vsim_machine_new(&(struct vsim_machine_opts){.mem_size = sizeof(buf), .mem = buf});
    ck_assert_ptr_nonnull(mm);
    uint8_t *p = vsim_machine_mem_alloc(mm, 4096);
    ck_assert_ptr_eq(p, buf);
    ck_assert_uint_eq(p[0] | p[4095], 0);
    ck_assert_uint_eq(buf[4096], 0xa5); /* only what is allocated is zeroed */
    ck_assert_uint_eq(vsim_machine_paddr(mm, buf + 8192), vsim_machine_mem_base(mm) + 8192);
    ck_assert_ptr_eq(vsim_machine_gpa(mm, vsim_machine_mem_base(mm) + 3 * 4096, 4096),
                     buf + 3 * 4096);
    ck_assert_ptr_null(vsim_machine_gpa(mm, vsim_machine_mem_base(mm) + 3 * 4096, 4097));
    vsim_machine_free(mm); /* the buffer stays the caller's: the sanitizers see no free of it */
    buf[0] = 1;
    ck_assert_ptr_null(
        vsim_machine_new(&(struct vsim_machine_opts){.mem_size = 4096, .mem = buf + 8}));
}
END_TEST

START_TEST(rule_ids_are_unique_and_found_by_id)
{
    for (unsigned i = 0; i < VSIM_RULE_COUNT; i++) {
        const struct vsim_rule_info *r = vsim_rule_info((enum vsim_rule)i);
        ck_assert_uint_eq(vsim_rule_by_id(r->id), i);
        ck_assert_uint_gt(strlen(vsim_section_info(r->sec)->name), 0);
        ck_assert_uint_gt(strlen(r->text), 0);
    }
    ck_assert_uint_eq(vsim_rule_by_id("NOPE-1"), VSIM_RULE_COUNT);
    ck_assert_ptr_null(vsim_rule_info(VSIM_RULE_COUNT));
}
END_TEST

Suite *vio_test_suite(void)
{
    Suite *s = suite_create("sim_machine");
    TCase *tc = tcase_create("machine");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, dma_alloc_gives_zeroed_aligned_pages_inside_guest_memory);
    tcase_add_test(tc, freed_pages_are_reused_lowest_first);
    tcase_add_test(tc, guest_memory_can_be_the_callers_buffer);
    tcase_add_test(tc, the_first_violations_are_stored_and_the_rest_counted);
    tcase_add_test(tc, a_log_can_keep_fewer_violations);
    tcase_add_test(tc, dma_free_of_pages_never_allocated_is_recorded_and_ignored);
    tcase_add_test(tc, dma_alloc_fails_when_guest_memory_is_full);
    tcase_add_test(tc, share_of_guest_memory_is_zero_copy);
    tcase_add_test(tc, share_of_host_memory_bounces_and_copies_by_direction);
    tcase_add_test(tc, bounce_all_bounces_guest_memory_too);
    tcase_add_test(tc, unshare_that_matches_no_share_is_recorded);
    tcase_add_test(tc, zero_copy_unshare_that_matches_no_share_is_recorded);
    tcase_add_test(tc, share_of_nothing_is_refused);
    tcase_add_test(tc, many_shares_of_one_buffer_all_come_back);
    tcase_add_test(tc, phys_to_virt_maps_memory_and_windows_and_refuses_the_rest);
    tcase_add_test(tc, unmapped_register_access_reads_all_ones_and_is_recorded);
    tcase_add_test(tc, regions_decode_refuse_overlap_and_unmap);
    tcase_add_test(tc, user_pages_are_not_dma_pages);
    tcase_add_test(tc, strict_mode_trips_at_once_and_lenient_only_records);
    tcase_add_test(tc, violations_carry_the_event_number_their_trace_line_shows);
    tcase_add_test(tc, rule_ids_are_unique_and_found_by_id);
    suite_add_tcase(s, tc);
    return s;
}
