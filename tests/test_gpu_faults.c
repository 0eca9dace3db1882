/*
 * Every GPU fault point, and the generic ones that matter to the GPU, with
 * the driver's reaction: a well-formed error response fails one command;
 * a malformed response (wrong type, short, fence not echoed, oversized
 * EDID) or a timeout resets the device and latches it broken; nothing leaks.
 */
#include <check.h>
#include <string.h>

#include "test_gpu_env.h"
#include "vio/err.h"
#include "vsim/mmio.h"
#include "vsim/spec.h"

static struct vio_gpu *g;

static void up(const struct vsim_gpu_opts *go)
{
    gpu_env_up(go);
    g = &env.g;
}

static void teardown(void)
{
    gpu_env_finish();
}

static void fb_up(void)
{
    up(&(struct vsim_gpu_opts){.width = 64, .height = 64});
    ck_assert_int_eq(vio_gpu_setup_framebuffer(g, 0, 0, 0, 0), 0);
}

/* The device was reset and is refused from now on, without another command reaching it. */
static void assert_broken(void)
{
    ck_assert(env.mm.t.broken);
    uintptr_t regs =
        env.hal->phys_to_virt(env.hal->ctx, VSIM_MMIO_SLOT_BASE(GPU_SLOT), VSIM_MMIO_STRIDE);
    ck_assert_uint_eq(env.hal->read32(env.hal->ctx, regs + VSIM_MMIO_STATUS), 0);
    uint64_t before = gpu_commands();
    ck_assert_int_eq(vio_gpu_resource_create_2d(g, 99, VIO_GPU_FORMAT_B8G8R8A8_UNORM, 1, 1),
                     VIO_ERR_IO_ERROR);
    ck_assert_int_eq(vio_gpu_get_display_info(g), VIO_ERR_IO_ERROR);
    ck_assert_uint_eq(gpu_commands(), before);
}

static const uint32_t error_types[] = {
    VIO_GPU_RESP_ERR_UNSPEC,
    VIO_GPU_RESP_ERR_OUT_OF_MEMORY,
    VIO_GPU_RESP_ERR_INVALID_SCANOUT_ID,
    VIO_GPU_RESP_ERR_INVALID_RESOURCE_ID,
    VIO_GPU_RESP_ERR_INVALID_CONTEXT_ID,
    VIO_GPU_RESP_ERR_INVALID_PARAMETER,
};

START_TEST(each_forced_error_type_fails_one_flush_and_is_named)
{
    fb_up();
    uint32_t type = error_types[_i];
    char rule[64];
    snprintf(rule, sizeof(rule), "gpu:resp_error=0x%x@1", type);
    gpu_env_fault(rule);
    ck_assert_int_eq(vio_gpu_flush(g), VIO_ERR_IO_ERROR);
    ck_assert_uint_eq(vio_gpu_last_error(g), type);
    ck_assert_ptr_nonnull(strstr(vio_gpu_resp_name(type), "VIRTIO_GPU_RESP_ERR_"));
    ck_assert(!env.mm.t.broken);
    ck_assert_uint_eq(vsim_gpu_stats(env.sim)->transfers, 0); /* answered, not served */
    ck_assert_int_eq(vio_gpu_flush(g), 0);
    ck_assert_uint_eq(vio_gpu_last_error(g), 0);
}
END_TEST

START_TEST(an_error_on_get_display_info_fails_init_and_leaves_nothing)
{
    gpu_env_start(NULL, NULL, 2);
    gpu_env_fault("gpu:resp_error=0x1201@1");
    ck_assert_int_eq(gpu_env_init(), VIO_ERR_IO_ERROR);
    ck_assert_uint_eq(vio_gpu_last_error(&env.g), VIO_GPU_RESP_ERR_OUT_OF_MEMORY);
    ck_assert_uint_eq(vsim_machine_dma_pages_in_use(env.m), 0);
    ck_assert_uint_eq(vsim_device_status(vsim_gpu_device(env.sim)), 0); /* reset */
}
END_TEST

START_TEST(an_error_during_framebuffer_setup_undoes_every_step)
{
    /* after init: 1 create, 2 attach, 3 set_scanout */
    for (int step = 1; step <= 3; step++) {
        up(&(struct vsim_gpu_opts){.width = 64, .height = 64});
        size_t rings = vsim_machine_dma_pages_in_use(env.m);
        char rule[64];
        snprintf(rule, sizeof(rule), "gpu:resp_error=0x1205@%d", step);
        gpu_env_fault(rule);
        ck_assert_int_eq(vio_gpu_setup_framebuffer(g, 0, 0, 0, 0), VIO_ERR_IO_ERROR);
        ck_assert_uint_eq(vio_gpu_last_error(g), VIO_GPU_RESP_ERR_INVALID_PARAMETER);
        ck_assert_uint_eq(vsim_gpu_resource_count(env.sim), 0);
        ck_assert_uint_eq(vsim_machine_dma_pages_in_use(env.m), rings);
        ck_assert_ptr_null(g->fb.vaddr);
        ck_assert(!env.mm.t.broken);
        vsim_fault_clear(vsim_machine_faults(env.m));
        ck_assert_int_eq(vio_gpu_setup_framebuffer(g, 0, 0, 0, 0), 0);
        gpu_env_finish();
    }
    up(NULL); /* for the teardown */
}
END_TEST

START_TEST(a_wrong_response_type_breaks_the_device)
{
    fb_up();
    gpu_env_fault("gpu:resp_wrong_type@1");
    ck_assert_int_eq(vio_gpu_flush(g), VIO_ERR_IO_ERROR);
    ck_assert_uint_eq(vio_gpu_last_error(g), VIO_GPU_RESP_OK_DISPLAY_INFO);
    assert_broken();
}
END_TEST

START_TEST(a_nodata_answer_to_get_display_info_fails_init)
{
    gpu_env_start(NULL, NULL, 2);
    gpu_env_fault("gpu:resp_wrong_type@1");
    ck_assert_int_eq(gpu_env_init(), VIO_ERR_IO_ERROR);
    ck_assert_uint_eq(vio_gpu_last_error(&env.g), VIO_GPU_RESP_OK_NODATA);
    ck_assert(env.mm.t.broken);
    ck_assert_uint_eq(vsim_machine_dma_pages_in_use(env.m), 0);
}
END_TEST

START_TEST(a_response_shorter_than_its_header_breaks_the_device)
{
    fb_up();
    gpu_env_fault("gpu:resp_short@1");
    ck_assert_int_eq(vio_gpu_flush(g), VIO_ERR_IO_ERROR);
    ck_assert_uint_eq(vio_gpu_last_error(g), 0);
    assert_broken();
}
END_TEST

START_TEST(a_display_info_shorter_than_its_structure_breaks_the_device)
{
    up(NULL);
    gpu_env_fault("gpu:resp_short=100@1"); /* a whole header, but not 408 bytes */
    ck_assert_int_eq(vio_gpu_get_display_info(g), VIO_ERR_IO_ERROR);
    ck_assert_uint_eq(vio_gpu_last_error(g), 0);
    assert_broken();
}
END_TEST

START_TEST(a_fence_not_echoed_breaks_the_device)
{
    fb_up();
    gpu_env_fault("gpu:fence_drop@1");
    ck_assert_int_eq(vio_gpu_flush(g), VIO_ERR_IO_ERROR);
    ck_assert_uint_eq(vio_gpu_last_error(g), 0);
    assert_broken();
}
END_TEST

START_TEST(no_enabled_scanout_means_no_framebuffer_from_the_display_mode)
{
    gpu_env_start(NULL, &(struct vsim_gpu_opts){.num_scanouts = 2}, 2);
    gpu_env_fault("gpu:display_disabled");
    ck_assert_int_eq(gpu_env_init(), 0);
    g = &env.g;
    uint32_t w, h;
    ck_assert_int_eq(vio_gpu_display_mode(g, 0, &w, &h), VIO_ERR_NOT_READY);
    ck_assert_int_eq(vio_gpu_display_mode(g, 1, &w, &h), VIO_ERR_NOT_READY);
    size_t rings = vsim_machine_dma_pages_in_use(env.m);
    uint64_t before = gpu_commands();
    ck_assert_int_eq(vio_gpu_setup_framebuffer(g, 0, 0, 0, 0), VIO_ERR_NOT_READY);
    ck_assert_uint_eq(gpu_commands(), before);
    ck_assert_uint_eq(vsim_machine_dma_pages_in_use(env.m), rings);
    /* the fallback the spec allows: an explicit mode on scanout 0 */
    ck_assert_int_eq(vio_gpu_setup_framebuffer(g, 0, 1024, 768, 0), 0);
}
END_TEST

START_TEST(an_oversized_edid_breaks_the_device)
{
    up(&(struct vsim_gpu_opts){.edid = true});
    gpu_env_fault("gpu:edid_size@1");
    uint8_t edid[VIO_GPU_EDID_MAX];
    uint32_t size = 0;
    ck_assert_int_eq(vio_gpu_get_edid(g, 0, edid, &size), VIO_ERR_IO_ERROR);
    ck_assert_uint_eq(size, 0);
    assert_broken();
}
END_TEST

START_TEST(a_bad_num_scanouts_is_refused_at_init)
{
    const uint32_t bad[] = {17, UINT32_MAX};
    for (size_t i = 0; i < 2; i++) {
        gpu_env_start(NULL, &(struct vsim_gpu_opts){.bad_num_scanouts = bad[i]}, 2);
        ck_assert_int_eq(gpu_env_init(), VIO_ERR_IO_ERROR);
        ck_assert_uint_eq(gpu_commands(), 0);
        ck_assert(vsim_device_status(vsim_gpu_device(env.sim)) & VSIM_STATUS_FAILED);
        gpu_env_finish();
    }
    up(NULL); /* for the teardown */
}
END_TEST

START_TEST(a_cursor_error_fails_the_update_and_an_empty_cursor_answer_is_accepted)
{
    up(NULL);
    uint32_t image[64 * 64] = {0};
    /* after init: create, attach, transfer, then the cursorq command */
    gpu_env_fault("gpu:resp_error=0x1203@4");
    ck_assert_int_eq(vio_gpu_setup_cursor(g, 0, image, 1, 2, 0, 0), VIO_ERR_IO_ERROR);
    ck_assert_uint_eq(vio_gpu_last_error(g), VIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
    ck_assert_int_eq(vio_gpu_move_cursor(g, 1, 1), VIO_ERR_NOT_READY);
    vsim_fault_clear(vsim_machine_faults(env.m));
    ck_assert_int_eq(vio_gpu_setup_cursor(g, 0, image, 1, 2, 0, 0), 0);

    /* QEMU writes no cursorq response: used length 0 is accepted there, not on controlq */
    gpu_env_fault("gpu:resp_short=0@1");
    ck_assert_int_eq(vio_gpu_move_cursor(g, 9, 9), 0);
    struct vsim_gpu_cursor c;
    vsim_gpu_cursor(env.sim, &c);
    ck_assert_uint_eq(c.x, 9);
    gpu_env_fault("gpu:resp_short=0@1"); /* a rule counts from when it is added */
    ck_assert_int_eq(vio_gpu_get_display_info(g), VIO_ERR_IO_ERROR);
    assert_broken();
}
END_TEST

START_TEST(a_short_cursor_answer_breaks_the_device)
{
    up(NULL);
    uint32_t image[64 * 64] = {0};
    ck_assert_int_eq(vio_gpu_setup_cursor(g, 0, image, 1, 2, 0, 0), 0);
    gpu_env_fault("gpu:resp_short=8@1");
    ck_assert_int_eq(vio_gpu_move_cursor(g, 3, 3), VIO_ERR_IO_ERROR);
    assert_broken();
}
END_TEST

START_TEST(a_command_never_completed_times_out_and_resets)
{
    fb_up();
    gpu_env_fault("gpu:no_complete@1");
    ck_assert_int_eq(vio_gpu_flush(g), VIO_ERR_NOT_READY);
    assert_broken();
    /* teardown: deinit frees the framebuffer although no command can be sent */
}
END_TEST

START_TEST(a_used_length_beyond_the_response_is_a_ring_violation)
{
    fb_up();
    gpu_env_fault("gpu:used_len=100000@1");
    ck_assert_int_eq(vio_gpu_flush(g), VIO_ERR_IO_ERROR);
    assert_broken();
}
END_TEST

START_TEST(hal_failures_fail_the_command_without_breaking_the_device)
{
    up(NULL);
    size_t rings = vsim_machine_dma_pages_in_use(env.m);
    gpu_env_fault("hal:dma_alloc@1");
    ck_assert_int_eq(vio_gpu_setup_framebuffer(g, 0, 0, 0, 0), VIO_ERR_DMA_ERROR);
    ck_assert_uint_eq(vsim_gpu_resource_count(env.sim), 0);
    ck_assert_uint_eq(vsim_machine_dma_pages_in_use(env.m), rings);
    gpu_env_fault("hal:share@1");
    ck_assert_int_eq(vio_gpu_setup_framebuffer(g, 0, 0, 0, 0), VIO_ERR_DMA_ERROR);
    ck_assert_uint_eq(vsim_gpu_resource_count(env.sim), 0);
    ck_assert(!env.mm.t.broken);
    ck_assert_int_eq(vio_gpu_setup_framebuffer(g, 0, 0, 0, 0), 0);
    ck_assert_int_eq(vio_gpu_flush(g), 0);
}
END_TEST

START_TEST(the_gpu_fault_points_belong_to_device_gpu)
{
    char err[VSIM_FAULT_ERR_MAX];
    struct vsim_fault_rule r;
    ck_assert_int_eq(vsim_fault_parse_rule("blk:resp_error", &r, err), VIO_ERR_INVALID_PARAM);
    ck_assert_ptr_nonnull(strstr(err, "'gpu'"));
    ck_assert_int_eq(vsim_fault_parse_rule("gpu:fence_drop=1", &r, err), VIO_ERR_INVALID_PARAM);
    ck_assert_int_eq(vsim_fault_parse_rule("gpu:resp_short=30@p0.5:7", &r, err), 0);
    ck_assert(r.has_value);
    ck_assert_uint_eq(r.value, 30);
    up(NULL); /* for the teardown */
}
END_TEST

Suite *vio_test_suite(void)
{
    Suite *s = suite_create("gpu_faults");
    TCase *tc = tcase_create("faults");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_loop_test(tc, each_forced_error_type_fails_one_flush_and_is_named, 0,
                        (int)(sizeof(error_types) / sizeof(error_types[0])));
    tcase_add_test(tc, an_error_on_get_display_info_fails_init_and_leaves_nothing);
    tcase_add_test(tc, an_error_during_framebuffer_setup_undoes_every_step);
    tcase_add_test(tc, a_wrong_response_type_breaks_the_device);
    tcase_add_test(tc, a_nodata_answer_to_get_display_info_fails_init);
    tcase_add_test(tc, a_response_shorter_than_its_header_breaks_the_device);
    tcase_add_test(tc, a_display_info_shorter_than_its_structure_breaks_the_device);
    tcase_add_test(tc, a_fence_not_echoed_breaks_the_device);
    tcase_add_test(tc, no_enabled_scanout_means_no_framebuffer_from_the_display_mode);
    tcase_add_test(tc, an_oversized_edid_breaks_the_device);
    tcase_add_test(tc, a_bad_num_scanouts_is_refused_at_init);
    tcase_add_test(tc, a_cursor_error_fails_the_update_and_an_empty_cursor_answer_is_accepted);
    tcase_add_test(tc, a_short_cursor_answer_breaks_the_device);
    tcase_add_test(tc, a_command_never_completed_times_out_and_resets);
    tcase_add_test(tc, a_used_length_beyond_the_response_is_a_ring_violation);
    tcase_add_test(tc, hal_failures_fail_the_command_without_breaking_the_device);
    tcase_add_test(tc, the_gpu_fault_points_belong_to_device_gpu);
    suite_add_tcase(s, tc);
    return s;
}
