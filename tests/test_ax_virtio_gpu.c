/*
 * The virtio GPU behind the generic display interface, against the bench:
 * the framebuffer it sets up, flushing what the OS drew, and errors (never a
 * crash) when the device fails during setup or later.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "bench_machine.h"
#include "axdriver/display.h"
#include "axdriver_virtio.h"
#include "vsim/gpu.h"
#include "vsim/machine.h"

#define SLOT 3u
#define MMIO_STATUS 0x70u

static struct vsim_machine *m;
static const struct vio_hal *hal;
static struct vsim_gpu *gpu;
static struct vio_mmio mm;
static struct ax_virtio_gpu_dev dev;

static void start(const struct vsim_gpu_opts *opts)
{
    m = bench_machine_new(&(struct vsim_machine_opts){.spin_limit = 2000});
    hal = vsim_machine_hal(m);
    gpu = vsim_gpu_attach(m, SLOT, 2, opts);
    ck_assert_ptr_nonnull(gpu);
}

static void teardown(void)
{
    ck_assert_uint_eq(vsim_machine_dma_pages_in_use(m), 0);
    ck_assert_uint_eq(vsim_machine_shares_in_use(m), 0);
    bench_assert_conformant(m);
    vsim_machine_free(m);
}

static void fault(const char *rule)
{
    char err[VSIM_FAULT_ERR_MAX];
    ck_assert_msg(vsim_fault_parse(vsim_machine_faults(m), rule, err) == 0, "%s: %s", rule, err);
}

static int probe_and_init(void)
{
    enum ax_device_type type;
    ck_assert(ax_virtio_probe_mmio(&mm, hal, VSIM_MMIO_SLOT_BASE(SLOT), VSIM_MMIO_STRIDE, &type));
    ck_assert_int_eq(type, AX_DEVICE_DISPLAY);
    return ax_virtio_gpu_init(&dev, &mm.t);
}

static uint32_t slot_status(void)
{
    uintptr_t va = hal->phys_to_virt(hal->ctx, VSIM_MMIO_SLOT_BASE(SLOT), VSIM_MMIO_STRIDE);
    return hal->read32(hal->ctx, va + MMIO_STATUS);
}

START_TEST(the_framebuffer_matches_the_display_of_scanout_0)
{
    start(&(struct vsim_gpu_opts){.width = 320, .height = 200});
    ck_assert_int_eq(probe_and_init(), 0);
    struct ax_display_dev *d = &dev.dev;
    ck_assert_str_eq(ax_display_device_name(d), "virtio-gpu");
    ck_assert_int_eq(ax_base_device_type(&d->base), AX_DEVICE_DISPLAY);
    ck_assert_ptr_eq(ax_display_from_base(&d->base), d);

    struct ax_display_info info = ax_display_info(d);
    ck_assert_uint_eq(info.width, 320);
    ck_assert_uint_eq(info.height, 200);
    ck_assert_uint_eq(info.fb_size, 320u * 200u * 4u);
    struct ax_framebuffer fb = ax_display_fb(d);
    ck_assert_ptr_eq(fb.base, (uint8_t *)info.fb_base_vaddr);
    ck_assert_uint_eq(fb.len, info.fb_size);
    ck_assert(ax_display_need_flush(d));

    struct vsim_gpu_scanout so;
    ck_assert(vsim_gpu_scanout(gpu, 0, &so));
    ck_assert_uint_ne(so.resource_id, 0);
    ax_virtio_gpu_deinit(&dev);
    ck_assert_uint_eq(slot_status(), 0);
    ck_assert_uint_eq(vsim_gpu_resource_count(gpu), 0);
    teardown();
}
END_TEST

START_TEST(flush_shows_what_the_os_drew)
{
    start(&(struct vsim_gpu_opts){.width = 64, .height = 48});
    ck_assert_int_eq(probe_and_init(), 0);
    struct ax_framebuffer fb = ax_display_fb(&dev.dev);
    for (size_t i = 0; i < fb.len; i++)
        fb.base[i] = (uint8_t)(i * 13u + 1u);
    uint64_t flushes = vsim_gpu_stats(gpu)->flushes;
    ck_assert_int_eq(ax_display_flush(&dev.dev), 0);
    ck_assert_uint_eq(vsim_gpu_stats(gpu)->flushes, flushes + 1);

    struct vsim_gpu_scanout so;
    struct vsim_gpu_resource res;
    ck_assert(vsim_gpu_scanout(gpu, 0, &so));
    ck_assert(vsim_gpu_resource(gpu, so.resource_id, &res));
    ck_assert_uint_eq(res.stride * res.height, fb.len);
    ck_assert_mem_eq(res.pixels, fb.base, fb.len);
    ax_virtio_gpu_deinit(&dev);
    teardown();
}
END_TEST

START_TEST(a_disabled_scanout_is_again_not_a_crash)
{
    start(&(struct vsim_gpu_opts){.disabled_mask = 1});
    ck_assert_int_eq(probe_and_init(), AX_ERR_AGAIN);
    ck_assert_uint_eq(slot_status(), 0);
    ck_assert_uint_eq(vsim_gpu_resource_count(gpu), 0);
    /* nothing is set up: calls report a bad state, the views are empty */
    ck_assert_int_eq(ax_display_flush(&dev.dev), AX_ERR_BAD_STATE);
    ck_assert_ptr_null(ax_display_fb(&dev.dev).base);
    ck_assert_uint_eq(ax_display_info(&dev.dev).fb_size, 0);
    ax_virtio_gpu_deinit(&dev);
    teardown();
}
END_TEST

START_TEST(a_device_error_during_setup_is_io_and_leaves_nothing_behind)
{
    /* 1: GET_DISPLAY_INFO (in the core's init), 2: RESOURCE_CREATE_2D, 3: ATTACH_BACKING */
    unsigned nth = (unsigned)_i;
    start(NULL);
    char rule[48];
    snprintf(rule, sizeof rule, "gpu:resp_error@%u", nth);
    fault(rule);
    ck_assert_int_eq(probe_and_init(), AX_ERR_IO);
    ck_assert_uint_eq(vsim_machine_dma_pages_in_use(m), 0);
    ck_assert_uint_eq(vsim_gpu_resource_count(gpu), 0);
    ck_assert_int_eq(ax_display_flush(&dev.dev), AX_ERR_BAD_STATE);

    /* the fault was one response: a second probe brings the display up */
    vsim_fault_clear(vsim_machine_faults(m));
    ck_assert_int_eq(probe_and_init(), 0);
    ck_assert_int_eq(ax_display_flush(&dev.dev), 0);
    ax_virtio_gpu_deinit(&dev);
    teardown();
}
END_TEST

START_TEST(a_failed_flush_is_io_and_the_next_one_works)
{
    start(NULL);
    ck_assert_int_eq(probe_and_init(), 0);
    fault("gpu:resp_error@1");
    ck_assert_int_eq(ax_display_flush(&dev.dev), AX_ERR_IO);
    ck_assert_int_eq(ax_display_flush(&dev.dev), 0);
    ax_virtio_gpu_deinit(&dev);
    teardown();
}
END_TEST

START_TEST(after_deinit_the_display_is_empty_and_flush_is_bad_state)
{
    start(NULL);
    ck_assert_int_eq(probe_and_init(), 0);
    ax_virtio_gpu_deinit(&dev);
    ck_assert_int_eq(ax_display_flush(&dev.dev), AX_ERR_BAD_STATE);
    struct ax_display_info info = ax_display_info(&dev.dev);
    ck_assert_uint_eq(info.width, 0);
    ck_assert_uint_eq(info.fb_base_vaddr, 0);
    ck_assert_ptr_null(ax_display_fb(&dev.dev).base);
    ax_virtio_gpu_deinit(&dev);
    teardown();
}
END_TEST

Suite *vio_test_suite(void)
{
    Suite *s = suite_create("ax_virtio_gpu");
    TCase *tc = tcase_create("display");
    tcase_add_test(tc, the_framebuffer_matches_the_display_of_scanout_0);
    tcase_add_test(tc, flush_shows_what_the_os_drew);
    tcase_add_test(tc, a_disabled_scanout_is_again_not_a_crash);
    tcase_add_loop_test(tc, a_device_error_during_setup_is_io_and_leaves_nothing_behind, 1, 4);
    tcase_add_test(tc, a_failed_flush_is_io_and_the_next_one_works);
    tcase_add_test(tc, after_deinit_the_display_is_empty_and_flush_is_bad_state);
    suite_add_tcase(s, tc);
    return s;
}
