/*
 * Every invalid request the simulated GPU can receive gets the error
 * response type of its table (vsim/gpu.h), and the driver turns it into
 * IoError with that type kept for vio_gpu_last_error, the device still usable.
 * What the driver refuses itself goes out through vio_gpu_request.
 */
#include <check.h>
#include <string.h>

#include "test_gpu_env.h"
#include "vio/err.h"

static size_t gpu_rule_count(const char *id)
{
    return vsim_conform_count_rule(vsim_machine_conform(env.m), vsim_rule_by_id(id));
}

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

/* @rc is the driver's answer to a device error @type; the device stays usable. */
#define ck_gpu_err(rc, type)                                                                       \
    do {                                                                                           \
        ck_assert_int_eq((rc), VIO_ERR_IO_ERROR);                                                  \
        ck_assert_str_eq(vio_gpu_resp_name(vio_gpu_last_error(g)), vio_gpu_resp_name(type));       \
        ck_assert(!env.mm.t.broken);                                                               \
    } while (0)

/* Sends @req as is on @queue; success means RESP_OK_NODATA. */
static int raw(unsigned queue, const void *req, size_t len)
{
    struct vio_gpu_ctrl_hdr resp;
    return vio_gpu_request(g, queue, req, len, &resp, sizeof(resp), VIO_GPU_RESP_OK_NODATA,
                           sizeof(resp));
}

static const struct vio_gpu_rect R16 = {0, 0, 16, 16};

/* A 64x64 resource @id with @pages DMA pages of backing; returns the pages' address. */
static void *backed(uint32_t id, size_t pages, vio_paddr_t *pa)
{
    void *va = NULL;
    ck_assert_int_eq(env.hal->dma_alloc(env.hal->ctx, pages, VIO_DMA_TO_DEVICE, pa, &va), 0);
    ck_assert_int_eq(vio_gpu_resource_create_2d(g, id, VIO_GPU_FORMAT_B8G8R8A8_UNORM, 64, 64), 0);
    struct vio_gpu_mem_entry e = {.addr = *pa, .length = (uint32_t)(pages * VIO_PAGE_SIZE)};
    ck_assert_int_eq(vio_gpu_attach_backing(g, id, &e, 1), 0);
    return va;
}

static void unbacked(uint32_t id, void *va, vio_paddr_t pa, size_t pages)
{
    ck_assert_int_eq(vio_gpu_detach_backing(g, id), 0);
    ck_assert_int_eq(vio_gpu_resource_unref(g, id), 0);
    env.hal->dma_free(env.hal->ctx, pa, va, pages);
}

START_TEST(create_2d_refuses_bad_ids_formats_sizes_and_exhaustion)
{
    up(&(struct vsim_gpu_opts){.max_host_bytes = 1u << 20, .max_resources = 3});
    const uint32_t B8 = VIO_GPU_FORMAT_B8G8R8A8_UNORM;
    ck_gpu_err(vio_gpu_resource_create_2d(g, 0, B8, 8, 8), VIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
    ck_assert_int_eq(vio_gpu_resource_create_2d(g, 5, B8, 8, 8), 0);
    ck_assert_uint_eq(vio_gpu_last_error(g), 0);
    ck_gpu_err(vio_gpu_resource_create_2d(g, 5, B8, 8, 8), VIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
    ck_gpu_err(vio_gpu_resource_create_2d(g, 6, 0, 8, 8), VIO_GPU_RESP_ERR_INVALID_PARAMETER);
    ck_gpu_err(vio_gpu_resource_create_2d(g, 6, 999, 8, 8), VIO_GPU_RESP_ERR_INVALID_PARAMETER);
    ck_gpu_err(vio_gpu_resource_create_2d(g, 6, B8, 0, 8), VIO_GPU_RESP_ERR_INVALID_PARAMETER);
    ck_gpu_err(vio_gpu_resource_create_2d(g, 6, B8, 8, 0), VIO_GPU_RESP_ERR_INVALID_PARAMETER);
    ck_gpu_err(vio_gpu_resource_create_2d(g, 6, B8, 1024, 1024), VIO_GPU_RESP_ERR_OUT_OF_MEMORY);
    ck_gpu_err(vio_gpu_resource_create_2d(g, 6, B8, UINT32_MAX, UINT32_MAX),
               VIO_GPU_RESP_ERR_OUT_OF_MEMORY);
    ck_assert_int_eq(vio_gpu_resource_create_2d(g, 6, VIO_GPU_FORMAT_R8G8B8X8_UNORM, 8, 8), 0);
    ck_assert_int_eq(vio_gpu_resource_create_2d(g, 7, B8, 8, 8), 0);
    ck_gpu_err(vio_gpu_resource_create_2d(g, 8, B8, 8, 8), VIO_GPU_RESP_ERR_OUT_OF_MEMORY);
    ck_assert_uint_eq(vsim_gpu_resource_count(env.sim), 3);
    ck_assert_uint_eq(vsim_gpu_stats(env.sim)->errors, 9);
    for (uint32_t id = 5; id <= 7; id++)
        ck_assert_int_eq(vio_gpu_resource_unref(g, id), 0);
    ck_assert_uint_eq(vsim_gpu_resource_count(env.sim), 0);
}
END_TEST

START_TEST(unknown_resource_ids_are_invalid_resource_id_everywhere)
{
    up(NULL);
    const uint32_t E = VIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
    struct vio_gpu_mem_entry e = {.addr = vsim_machine_mem_base(env.m), .length = 4096};
    ck_gpu_err(vio_gpu_resource_unref(g, 42), E);
    ck_gpu_err(vio_gpu_attach_backing(g, 42, &e, 1), E);
    ck_gpu_err(vio_gpu_detach_backing(g, 42), E);
    ck_gpu_err(vio_gpu_transfer_to_host_2d(g, 42, R16, 0), E);
    ck_gpu_err(vio_gpu_resource_flush(g, 42, R16), E);
    ck_gpu_err(vio_gpu_set_scanout(g, 0, 42, R16), E);
    ck_gpu_err(vio_gpu_cursor_command(g, false, 0, 0, 0, 42, 0, 0), E);
}
END_TEST

START_TEST(backing_errors_are_unspec_and_change_nothing)
{
    up(&(struct vsim_gpu_opts){.max_entries = 2});
    const uint32_t U = VIO_GPU_RESP_ERR_UNSPEC;
    vio_paddr_t pa;
    void *va = backed(1, 4, &pa);
    struct vio_gpu_mem_entry e = {.addr = pa, .length = 4096};
    ck_gpu_err(vio_gpu_attach_backing(g, 1, &e, 1), U); /* already backed */
    ck_assert_int_eq(vio_gpu_detach_backing(g, 1), 0);
    ck_gpu_err(vio_gpu_detach_backing(g, 1), U); /* a double detach */

    uint64_t base = vsim_machine_mem_base(env.m), size = vsim_machine_mem_size(env.m);
    struct vio_gpu_mem_entry outside[] = {
        {.addr = 0x1000, .length = 4096},
        {.addr = base + size - 4096, .length = 8192},
        {.addr = UINT64_MAX - 100, .length = 4096},
    };
    for (size_t i = 0; i < sizeof(outside) / sizeof(outside[0]); i++)
        ck_gpu_err(vio_gpu_attach_backing(g, 1, &outside[i], 1), U);
    struct vio_gpu_mem_entry three[3] = {{pa, 4096, 0}, {pa + 4096, 4096, 0}, {pa + 8192, 4096, 0}};
    ck_gpu_err(vio_gpu_attach_backing(g, 1, three, 3), U); /* beyond max_entries */

    /* nr_entries promises more entries than the request carries */
    struct {
        struct vio_gpu_resource_attach_backing a;
        struct vio_gpu_mem_entry e;
    } req = {{.hdr.type = VIO_GPU_CMD_RESOURCE_ATTACH_BACKING, .resource_id = 1, .nr_entries = 2},
             {pa, 4096, 0}};
    ck_gpu_err(raw(VIO_GPU_QUEUE_CONTROL, &req, sizeof(req)), U);
    req.a.nr_entries = 0;
    ck_gpu_err(raw(VIO_GPU_QUEUE_CONTROL, &req, sizeof(req)), U);

    struct vsim_gpu_resource res;
    ck_assert(vsim_gpu_resource(env.sim, 1, &res));
    ck_assert_uint_eq(res.backing_bytes, 0);
    ck_assert_int_eq(vio_gpu_attach_backing(g, 1, three, 2), 0);
    ck_assert(vsim_gpu_resource(env.sim, 1, &res));
    ck_assert_uint_eq(res.nr_entries, 2);
    unbacked(1, va, pa, 4);
}
END_TEST

START_TEST(transfers_outside_the_resource_or_its_backing_are_invalid)
{
    up(NULL);
    const uint32_t P = VIO_GPU_RESP_ERR_INVALID_PARAMETER;
    ck_assert_int_eq(vio_gpu_resource_create_2d(g, 2, VIO_GPU_FORMAT_B8G8R8A8_UNORM, 64, 64), 0);
    ck_gpu_err(vio_gpu_transfer_to_host_2d(g, 2, R16, 0), VIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
    ck_assert_int_eq(vio_gpu_resource_unref(g, 2), 0);

    vio_paddr_t pa;
    void *va = backed(2, 1, &pa); /* 4 KiB of backing for a 16 KiB resource */
    ck_gpu_err(vio_gpu_transfer_to_host_2d(g, 2, (struct vio_gpu_rect){0, 0, 64, 64}, 0), P);
    ck_assert_int_eq(vio_gpu_transfer_to_host_2d(g, 2, (struct vio_gpu_rect){0, 0, 64, 16}, 0), 0);
    ck_gpu_err(vio_gpu_transfer_to_host_2d(g, 2, (struct vio_gpu_rect){0, 0, 64, 16}, 4), P);
    ck_gpu_err(vio_gpu_transfer_to_host_2d(g, 2, R16, UINT64_MAX), P);
    ck_gpu_err(vio_gpu_transfer_to_host_2d(g, 2, R16, 4096), P);
    const struct vio_gpu_rect bad[] = {
        {0, 0, 0, 1}, {0, 0, 1, 0}, {60, 0, 5, 1}, {0, 63, 1, 2}, {UINT32_MAX, 0, 2, 1},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_gpu_err(vio_gpu_transfer_to_host_2d(g, 2, bad[i], 0), P);
    ck_assert_uint_eq(vsim_gpu_stats(env.sim)->transfers, 1);
    unbacked(2, va, pa, 1);
}
END_TEST

START_TEST(scanout_and_flush_rectangles_must_lie_inside_the_resource)
{
    up(&(struct vsim_gpu_opts){.num_scanouts = 2});
    const uint32_t P = VIO_GPU_RESP_ERR_INVALID_PARAMETER;
    ck_assert_int_eq(vio_gpu_resource_create_2d(g, 3, VIO_GPU_FORMAT_B8G8R8A8_UNORM, 32, 32), 0);
    const struct vio_gpu_rect bad[] = {
        {0, 0, 0, 0}, {0, 0, 33, 1}, {1, 0, 32, 1}, {0, 1, 1, 32}, {0, UINT32_MAX, 1, 2},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ck_gpu_err(vio_gpu_set_scanout(g, 1, 3, bad[i]), P);
        ck_gpu_err(vio_gpu_resource_flush(g, 3, bad[i]), P);
    }
    ck_assert_int_eq(vio_gpu_set_scanout(g, 1, 3, (struct vio_gpu_rect){8, 8, 24, 24}), 0);
    struct vsim_gpu_scanout so;
    ck_assert(vsim_gpu_scanout(env.sim, 1, &so));
    ck_assert_uint_eq(so.resource_id, 3);
    ck_assert_uint_eq(so.x, 8);
    /* a flush beside the scanout's rectangle does not touch it; one inside does */
    ck_assert_int_eq(vio_gpu_resource_flush(g, 3, (struct vio_gpu_rect){0, 0, 8, 8}), 0);
    ck_assert(vsim_gpu_scanout(env.sim, 1, &so));
    ck_assert_uint_eq(so.flushes, 0);
    ck_assert_int_eq(vio_gpu_resource_flush(g, 3, (struct vio_gpu_rect){7, 7, 2, 2}), 0);
    ck_assert(vsim_gpu_scanout(env.sim, 1, &so));
    ck_assert_uint_eq(so.flushes, 1);
    ck_assert_int_eq(vio_gpu_set_scanout(g, 1, 0, (struct vio_gpu_rect){0}), 0);
    ck_assert(vsim_gpu_scanout(env.sim, 1, &so));
    ck_assert_uint_eq(so.resource_id, 0);
    ck_assert_int_eq(vio_gpu_resource_unref(g, 3), 0);
}
END_TEST

START_TEST(scanout_ids_beyond_num_scanouts_are_refused_by_driver_and_device)
{
    up(&(struct vsim_gpu_opts){.num_scanouts = 2});
    const uint32_t S = VIO_GPU_RESP_ERR_INVALID_SCANOUT_ID;
    uint64_t before = gpu_commands();
    ck_assert_int_eq(vio_gpu_set_scanout(g, 2, 0, R16), VIO_ERR_INVALID_PARAM);
    ck_assert_int_eq(vio_gpu_cursor_command(g, true, 2, 0, 0, 0, 0, 0), VIO_ERR_INVALID_PARAM);
    ck_assert_uint_eq(gpu_commands(), before);

    struct vio_gpu_set_scanout ss = {.hdr.type = VIO_GPU_CMD_SET_SCANOUT, .scanout_id = 2};
    ck_gpu_err(raw(VIO_GPU_QUEUE_CONTROL, &ss, sizeof(ss)), S);
    ss.scanout_id = UINT32_MAX;
    ck_gpu_err(raw(VIO_GPU_QUEUE_CONTROL, &ss, sizeof(ss)), S);
    struct vio_gpu_update_cursor uc = {.hdr.type = VIO_GPU_CMD_UPDATE_CURSOR, .pos.scanout_id = 16};
    ck_gpu_err(raw(VIO_GPU_QUEUE_CURSOR, &uc, sizeof(uc)), S);
    uc.hdr.type = VIO_GPU_CMD_MOVE_CURSOR;
    ck_gpu_err(raw(VIO_GPU_QUEUE_CURSOR, &uc, sizeof(uc)), S);
}
END_TEST

START_TEST(unknown_short_and_misplaced_commands_are_unspec)
{
    up(NULL);
    const uint32_t U = VIO_GPU_RESP_ERR_UNSPEC;
    struct vio_gpu_ctrl_hdr h = {.type = 0x0200}; /* CTX_CREATE: 3D is not offered */
    ck_gpu_err(raw(VIO_GPU_QUEUE_CONTROL, &h, sizeof(h)), U);
    h.type = 0xdead;
    ck_gpu_err(raw(VIO_GPU_QUEUE_CONTROL, &h, sizeof(h)), U);
    const uint32_t needs_body[] = {
        VIO_GPU_CMD_RESOURCE_CREATE_2D,
        VIO_GPU_CMD_RESOURCE_UNREF,
        VIO_GPU_CMD_SET_SCANOUT,
        VIO_GPU_CMD_RESOURCE_FLUSH,
        VIO_GPU_CMD_TRANSFER_TO_HOST_2D,
        VIO_GPU_CMD_RESOURCE_ATTACH_BACKING,
        VIO_GPU_CMD_RESOURCE_DETACH_BACKING,
    };
    for (size_t i = 0; i < sizeof(needs_body) / sizeof(needs_body[0]); i++) {
        h.type = needs_body[i];
        ck_gpu_err(raw(VIO_GPU_QUEUE_CONTROL, &h, sizeof(h)), U);
    }
    h.type = VIO_GPU_CMD_UPDATE_CURSOR;
    ck_gpu_err(raw(VIO_GPU_QUEUE_CURSOR, &h, sizeof(h)), U);
    struct vio_gpu_update_cursor uc = {.hdr.type = VIO_GPU_CMD_MOVE_CURSOR};
    ck_gpu_err(raw(VIO_GPU_QUEUE_CONTROL, &uc, sizeof(uc)), U); /* cursor command on controlq */
    struct vio_gpu_resource_create_2d c = {.hdr.type = VIO_GPU_CMD_RESOURCE_CREATE_2D,
                                           .resource_id = 1,
                                           .format = VIO_GPU_FORMAT_B8G8R8A8_UNORM,
                                           .width = 4,
                                           .height = 4};
    ck_gpu_err(raw(VIO_GPU_QUEUE_CURSOR, &c, sizeof(c)), U); /* controlq command on cursorq */
    ck_assert_uint_eq(vsim_gpu_resource_count(env.sim), 0);
    /* the bench names the caller's misuse: commands of no feature (GPU-2), wrong queues (GPU-3) */
    ck_assert_uint_eq(gpu_rule_count("GPU-2"), 2);
    ck_assert_uint_eq(gpu_rule_count("GPU-3"), 2);
    vsim_conform_clear(vsim_machine_conform(env.m));
    /* the same request, fenced and on the right queue, succeeds and echoes its fence */
    c.hdr.flags = VIO_GPU_FLAG_FENCE;
    c.hdr.fence_id = 0x1234567890ull;
    ck_assert_int_eq(raw(VIO_GPU_QUEUE_CONTROL, &c, sizeof(c)), 0);
    ck_assert_int_eq(vio_gpu_resource_unref(g, 1), 0);
}
END_TEST

START_TEST(cursor_resources_must_exist_and_be_64x64)
{
    up(NULL);
    ck_assert_int_eq(vio_gpu_resource_create_2d(g, 9, VIO_GPU_FORMAT_B8G8R8A8_UNORM, 32, 64), 0);
    ck_gpu_err(vio_gpu_cursor_command(g, false, 0, 0, 0, 9, 0, 0),
               VIO_GPU_RESP_ERR_INVALID_PARAMETER);
    ck_gpu_err(vio_gpu_cursor_command(g, false, 0, 0, 0, 10, 0, 0),
               VIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
    struct vsim_gpu_cursor cur;
    vsim_gpu_cursor(env.sim, &cur);
    ck_assert_uint_eq(cur.resource_id, 0);
    ck_assert_uint_eq(vsim_gpu_stats(env.sim)->cursor_updates, 0);
    ck_assert_int_eq(vio_gpu_resource_unref(g, 9), 0);
}
END_TEST

START_TEST(get_edid_errors_follow_the_feature_and_the_scanout)
{
    struct vio_gpu_get_edid req = {.hdr.type = VIO_GPU_CMD_GET_EDID};
    struct vio_gpu_resp_edid resp;
    up(NULL);
    ck_assert_int_eq(vio_gpu_request(g, VIO_GPU_QUEUE_CONTROL, &req, sizeof(req), &resp,
                                     sizeof(resp), VIO_GPU_RESP_OK_EDID, sizeof(resp)),
                     VIO_ERR_IO_ERROR);
    ck_assert_uint_eq(vio_gpu_last_error(g), VIO_GPU_RESP_ERR_UNSPEC);
    ck_assert_uint_eq(gpu_rule_count("GPU-2"), 1); /* GET_EDID without the feature */
    vsim_conform_clear(vsim_machine_conform(env.m));
    gpu_env_finish();

    up(&(struct vsim_gpu_opts){.edid = true});
    req.scanout = 1;
    ck_assert_int_eq(vio_gpu_request(g, VIO_GPU_QUEUE_CONTROL, &req, sizeof(req), &resp,
                                     sizeof(resp), VIO_GPU_RESP_OK_EDID, sizeof(resp)),
                     VIO_ERR_IO_ERROR);
    ck_assert_uint_eq(vio_gpu_last_error(g), VIO_GPU_RESP_ERR_INVALID_SCANOUT_ID);
    req.scanout = 0;
    ck_assert_int_eq(vio_gpu_request(g, VIO_GPU_QUEUE_CONTROL, &req, sizeof(req), &resp,
                                     sizeof(resp), VIO_GPU_RESP_OK_EDID, sizeof(resp)),
                     0);
    ck_assert_uint_eq(resp.size, 128);
}
END_TEST

START_TEST(request_arguments_are_checked_before_anything_is_sent)
{
    up(NULL);
    struct vio_gpu_ctrl_hdr h = {.type = VIO_GPU_CMD_GET_DISPLAY_INFO}, r;
    uint64_t before = gpu_commands();
    ck_assert_int_eq(vio_gpu_request(g, 2, &h, sizeof(h), &r, sizeof(r), 0, sizeof(r)),
                     VIO_ERR_INVALID_PARAM);
    ck_assert_int_eq(vio_gpu_request(g, 0, NULL, sizeof(h), &r, sizeof(r), 0, sizeof(r)),
                     VIO_ERR_INVALID_PARAM);
    ck_assert_int_eq(vio_gpu_request(g, 0, &h, 8, &r, sizeof(r), 0, sizeof(r)),
                     VIO_ERR_INVALID_PARAM);
    ck_assert_int_eq(vio_gpu_request(g, 0, &h, sizeof(h), &r, 8, 0, 8), VIO_ERR_INVALID_PARAM);
    ck_assert_int_eq(vio_gpu_request(g, 0, &h, sizeof(h), &r, sizeof(r), 0, sizeof(r) + 1),
                     VIO_ERR_INVALID_PARAM);
    _Alignas(8) uint8_t buf[2 * sizeof(h)] = {0};
    ck_assert_int_eq(vio_gpu_request(g, 0, buf + 4, sizeof(h), &r, sizeof(r), 0, sizeof(r)),
                     VIO_ERR_INVALID_PARAM);
    ck_assert_int_eq(vio_gpu_request(g, 0, &h, sizeof(h), buf + 4, sizeof(h), 0, sizeof(h)),
                     VIO_ERR_INVALID_PARAM);
    struct vio_gpu_mem_entry e = {0};
    ck_assert_int_eq(vio_gpu_attach_backing(g, 1, &e, 0), VIO_ERR_INVALID_PARAM);
    ck_assert_int_eq(vio_gpu_attach_backing(g, 1, NULL, 1), VIO_ERR_INVALID_PARAM);
    ck_assert_int_eq(vio_gpu_attach_backing(g, 1, &e, VIO_GPU_MAX_MEM_ENTRIES + 1),
                     VIO_ERR_INVALID_PARAM);
    ck_assert_uint_eq(gpu_commands(), before);
}
END_TEST

START_TEST(response_names_are_the_spec_names)
{
    ck_assert_str_eq(vio_gpu_resp_name(0x1100), "VIRTIO_GPU_RESP_OK_NODATA");
    ck_assert_str_eq(vio_gpu_resp_name(0x1101), "VIRTIO_GPU_RESP_OK_DISPLAY_INFO");
    ck_assert_str_eq(vio_gpu_resp_name(0x1200), "VIRTIO_GPU_RESP_ERR_UNSPEC");
    ck_assert_str_eq(vio_gpu_resp_name(0x1201), "VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY");
    ck_assert_str_eq(vio_gpu_resp_name(0x1202), "VIRTIO_GPU_RESP_ERR_INVALID_SCANOUT_ID");
    ck_assert_str_eq(vio_gpu_resp_name(0x1203), "VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID");
    ck_assert_str_eq(vio_gpu_resp_name(0x1204), "VIRTIO_GPU_RESP_ERR_INVALID_CONTEXT_ID");
    ck_assert_str_eq(vio_gpu_resp_name(0x1205), "VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER");
    ck_assert_str_eq(vio_gpu_resp_name(0x0105), "VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D");
    ck_assert_str_eq(vio_gpu_resp_name(0x0301), "VIRTIO_GPU_CMD_MOVE_CURSOR");
    ck_assert_str_eq(vio_gpu_resp_name(0x1206), "unknown");
    ck_assert_str_eq(vio_gpu_resp_name(0), "unknown");
    up(NULL); /* for the teardown */
}
END_TEST

Suite *vio_test_suite(void)
{
    Suite *s = suite_create("gpu_errors");
    TCase *tc = tcase_create("device_errors");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_add_test(tc, create_2d_refuses_bad_ids_formats_sizes_and_exhaustion);
    tcase_add_test(tc, unknown_resource_ids_are_invalid_resource_id_everywhere);
    tcase_add_test(tc, backing_errors_are_unspec_and_change_nothing);
    tcase_add_test(tc, transfers_outside_the_resource_or_its_backing_are_invalid);
    tcase_add_test(tc, scanout_and_flush_rectangles_must_lie_inside_the_resource);
    tcase_add_test(tc, scanout_ids_beyond_num_scanouts_are_refused_by_driver_and_device);
    tcase_add_test(tc, unknown_short_and_misplaced_commands_are_unspec);
    tcase_add_test(tc, cursor_resources_must_exist_and_be_64x64);
    tcase_add_test(tc, get_edid_errors_follow_the_feature_and_the_scanout);
    tcase_add_test(tc, request_arguments_are_checked_before_anything_is_sent);
    tcase_add_test(tc, response_names_are_the_spec_names);
    suite_add_tcase(s, tc);
    return s;
}
