/*
 * The GPU driver against the simulated GPU: bring-up, a test pattern that
 * reaches the scanout and its PNG pixel for pixel, partial flushes, other
 * formats, scatter-list backing, the cursor, display events, EDID and a
 * teardown that leaves nothing behind.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_gpu_env.h"
#include "vio/err.h"
#include "vsim/spec.h"

static void teardown(void)
{
    gpu_env_finish();
}

/* Every PNG pixel equals the pattern (seed @seed) at the same place. */
static void assert_png_is_pattern(const char *path, uint32_t w, uint32_t h, uint32_t seed)
{
    uint32_t pw = 0, ph = 0;
    uint8_t *rgb = gpu_png_read_rgb(path, &pw, &ph);
    ck_assert_ptr_nonnull(rgb);
    ck_assert_uint_eq(pw, w);
    ck_assert_uint_eq(ph, h);
    size_t bad = 0;
    for (uint32_t y = 0; y < h; y++) {
        for (uint32_t x = 0; x < w; x++) {
            uint8_t want[4];
            gpu_pattern_pixel(x, y, seed, want);
            const uint8_t *got = rgb + ((size_t)y * w + x) * 3;
            bad += got[0] != want[2] || got[1] != want[1] || got[2] != want[0];
        }
    }
    free(rgb);
    ck_assert_uint_eq(bad, 0);
}

START_TEST(bring_up_reads_the_scanouts_and_their_display_modes)
{
    gpu_env_up(&(struct vsim_gpu_opts){
        .num_scanouts = 3, .width = 800, .height = 600, .disabled_mask = 2});
    struct vio_gpu *g = &env.g;
    ck_assert_uint_eq(g->num_scanouts, 3);
    ck_assert(vio_has_feature(&env.mm.t, VIO_F_VERSION_1));
    ck_assert(!g->has_edid);
    uint32_t w = 0, h = 0;
    ck_assert_int_eq(vio_gpu_display_mode(g, 0, &w, &h), 0);
    ck_assert_uint_eq(w, 800);
    ck_assert_uint_eq(h, 600);
    ck_assert_uint_eq(g->pmodes[2].r.x, 1600); /* side by side */
    ck_assert_int_eq(vio_gpu_display_mode(g, 1, &w, &h), VIO_ERR_NOT_READY);
    ck_assert_int_eq(vio_gpu_display_mode(g, 3, &w, &h), VIO_ERR_INVALID_PARAM);
    ck_assert_int_eq(vio_gpu_setup_framebuffer(g, 1, 0, 0, 0), VIO_ERR_NOT_READY);
    ck_assert_int_eq(vio_gpu_setup_framebuffer(g, 3, 64, 64, 0), VIO_ERR_INVALID_PARAM);
    /* an enabled display of zero size has no mode either */
    ck_assert_int_eq(vsim_gpu_set_display(env.sim, 2, 0, 600, true), 0);
    ck_assert_int_eq(vio_gpu_handle_events(g), VIO_GPU_EVENT_DISPLAY);
    ck_assert_uint_eq(g->pmodes[2].enabled, 1);
    ck_assert_int_eq(vio_gpu_display_mode(g, 2, &w, &h), VIO_ERR_NOT_READY);
    ck_assert_int_eq(vio_gpu_setup_framebuffer(g, 2, 0, 0, 0), VIO_ERR_NOT_READY);
    ck_assert_uint_eq(vsim_gpu_resource_count(env.sim), 0);
}
END_TEST

START_TEST(a_non_gpu_device_is_refused)
{
    gpu_env_start(NULL, NULL, 2);
    ck_assert_int_eq(
        vio_mmio_probe(&env.mm, env.hal, VSIM_MMIO_SLOT_BASE(GPU_SLOT), VSIM_MMIO_STRIDE), 0);
    env.mm.t.device_id = VIO_ID_BLOCK;
    ck_assert_int_eq(vio_gpu_init(&env.g, &env.mm.t, 0), VIO_ERR_INVALID_PARAM);
    ck_assert_uint_eq(gpu_commands(), 0);
}
END_TEST

START_TEST(the_test_pattern_reaches_the_scanout_and_its_png_pixel_for_pixel)
{
    gpu_env_up(NULL);
    struct vio_gpu *g = &env.g;
    ck_assert_int_eq(vio_gpu_setup_framebuffer(g, 0, 0, 0, 0), 0);
    ck_assert_uint_eq(g->fb.width, 1024);
    ck_assert_uint_eq(g->fb.height, 768);
    ck_assert_uint_eq(g->fb.stride, 4096);
    ck_assert_uint_eq(g->fb.size, 1024u * 768u * 4u);
    ck_assert_uint_eq(g->fb.format, VIO_GPU_FORMAT_B8G8R8A8_UNORM);

    struct vsim_gpu_scanout so;
    ck_assert(vsim_gpu_scanout(env.sim, 0, &so));
    ck_assert_uint_eq(so.resource_id, g->fb.resource_id);
    ck_assert_uint_eq(so.rect_width, 1024);
    ck_assert_uint_eq(so.flushes, 0);
    struct vsim_gpu_resource res;
    ck_assert(vsim_gpu_resource(env.sim, g->fb.resource_id, &res));
    ck_assert_uint_eq(res.backing_bytes, g->fb.size);
    ck_assert_uint_eq(res.nr_entries, 1);

    gpu_draw_pattern(g->fb.vaddr, 1024, 768, g->fb.stride, 1);
    ck_assert_int_eq(vio_gpu_flush(g), 0);
    ck_assert(vsim_gpu_scanout(env.sim, 0, &so));
    ck_assert_uint_eq(so.flushes, 1);
    ck_assert_int_eq(memcmp(res.pixels, g->fb.vaddr, g->fb.size), 0);
    ck_assert_uint_eq(vsim_gpu_stats(env.sim)->bytes_transferred, g->fb.size);

    char path[256];
    gpu_tmp_path(path, sizeof(path), "pattern.png");
    ck_assert_int_eq(vsim_gpu_write_png(env.sim, 0, path), 0);
    assert_png_is_pattern(path, 1024, 768, 1);
    remove(path);
}
END_TEST

START_TEST(png_on_flush_follows_each_flush_and_a_partial_flush_changes_only_its_rectangle)
{
    gpu_env_up(&(struct vsim_gpu_opts){.width = 160, .height = 120});
    struct vio_gpu *g = &env.g;
    char path[256];
    gpu_tmp_path(path, sizeof(path), "onflush.png");
    ck_assert_int_eq(vsim_gpu_write_png(env.sim, 0, path), VIO_ERR_NOT_READY); /* no image */
    ck_assert_int_eq(vsim_gpu_write_png(env.sim, 1, path), VIO_ERR_INVALID_PARAM);
    ck_assert_int_eq(vsim_gpu_png_on_flush(env.sim, 1, path), VIO_ERR_INVALID_PARAM);
    ck_assert_int_eq(vsim_gpu_png_on_flush(env.sim, 0, path), 0);
    ck_assert_int_eq(vio_gpu_setup_framebuffer(g, 0, 0, 0, 0), 0);
    gpu_draw_pattern(g->fb.vaddr, 160, 120, g->fb.stride, 2);
    ck_assert_int_eq(vio_gpu_flush(g), 0);
    ck_assert_uint_eq(vsim_gpu_stats(env.sim)->pngs_written, 1);
    assert_png_is_pattern(path, 160, 120, 2);

    /* redraw everything with seed 3, but flush only a 30x20 rectangle at (17, 9) */
    gpu_draw_pattern(g->fb.vaddr, 160, 120, g->fb.stride, 3);
    ck_assert_int_eq(vio_gpu_flush_rect(g, (struct vio_gpu_rect){17, 9, 30, 20}), 0);
    ck_assert_uint_eq(vsim_gpu_stats(env.sim)->pngs_written, 2);
    uint32_t w, h;
    uint8_t *rgb = gpu_png_read_rgb(path, &w, &h);
    ck_assert_ptr_nonnull(rgb);
    size_t bad = 0;
    for (uint32_t y = 0; y < 120; y++) {
        for (uint32_t x = 0; x < 160; x++) {
            bool inside = x >= 17 && x < 47 && y >= 9 && y < 29;
            uint8_t want[4];
            gpu_pattern_pixel(x, y, inside ? 3 : 2, want);
            bad += rgb[((size_t)y * w + x) * 3] != want[2];
        }
    }
    free(rgb);
    ck_assert_uint_eq(bad, 0);

    ck_assert_int_eq(vsim_gpu_png_on_flush(env.sim, 0, NULL), 0);
    ck_assert_int_eq(vio_gpu_flush(g), 0);
    ck_assert_uint_eq(vsim_gpu_stats(env.sim)->pngs_written, 2);
    ck_assert_int_eq(vsim_gpu_write_png(env.sim, 0, "/nonexistent-dir/x.png"), VIO_ERR_IO_ERROR);
    remove(path);
}
END_TEST

START_TEST(flushes_outside_the_framebuffer_are_refused_before_reaching_the_device)
{
    gpu_env_up(&(struct vsim_gpu_opts){.width = 64, .height = 32});
    struct vio_gpu *g = &env.g;
    ck_assert_int_eq(vio_gpu_flush(g), VIO_ERR_NOT_READY);
    ck_assert_int_eq(vio_gpu_setup_framebuffer(g, 0, 0, 0, 0), 0);
    uint64_t before = gpu_commands();
    const struct vio_gpu_rect bad[] = {
        {0, 0, 0, 1},  {0, 0, 1, 0},  {64, 0, 1, 1},         {0, 32, 1, 1},
        {1, 0, 64, 1}, {0, 1, 1, 32}, {UINT32_MAX, 0, 2, 1}, {0, UINT32_MAX, 1, 2},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_int_eq(vio_gpu_flush_rect(g, bad[i]), VIO_ERR_INVALID_PARAM);
    ck_assert_uint_eq(gpu_commands(), before);
    ck_assert_int_eq(vio_gpu_flush_rect(g, (struct vio_gpu_rect){63, 31, 1, 1}), 0);
}
END_TEST

START_TEST(framebuffer_sizes_are_checked_for_zero_and_overflow)
{
    size_t bytes = 0;
    ck_assert_int_eq(vio_gpu_resource_bytes(0, 10, &bytes), VIO_ERR_INVALID_PARAM);
    ck_assert_int_eq(vio_gpu_resource_bytes(10, 0, &bytes), VIO_ERR_INVALID_PARAM);
    ck_assert_int_eq(vio_gpu_resource_bytes(UINT32_MAX, UINT32_MAX, &bytes), VIO_ERR_INVALID_PARAM);
    ck_assert_int_eq(vio_gpu_resource_bytes(65536, 16384, &bytes), VIO_ERR_INVALID_PARAM);
    ck_assert_int_eq(vio_gpu_resource_bytes(1024, 768, &bytes), 0);
    ck_assert_uint_eq(bytes, 3145728);
    /* the bound: 0xfffff000 bytes, 0x3ffffc00 pixels */
    ck_assert_int_eq(vio_gpu_resource_bytes(0x3ffffc00u, 1, &bytes), 0);
    ck_assert_uint_eq(bytes, 0xfffff000u);
    ck_assert_int_eq(vio_gpu_resource_bytes(0x3ffffc01u, 1, &bytes), VIO_ERR_INVALID_PARAM);

    /* a display mode too large to back is refused, not wrapped */
    gpu_env_up(&(struct vsim_gpu_opts){.width = 70000, .height = 70000});
    ck_assert_int_eq(vio_gpu_setup_framebuffer(&env.g, 0, 0, 0, 0), VIO_ERR_INVALID_PARAM);
    ck_assert_int_eq(vio_gpu_setup_framebuffer(&env.g, 0, 0, 5, 0), VIO_ERR_INVALID_PARAM);
    ck_assert_int_eq(vio_gpu_setup_framebuffer(&env.g, 0, 8, 8, 99), VIO_ERR_INVALID_PARAM);
    ck_assert_uint_eq(vsim_gpu_resource_count(env.sim), 0);
}
END_TEST

/* Format @format stores red, green, blue at byte offsets @r, @g, @b of each pixel. */
static void check_format(uint32_t format, unsigned r, unsigned gr, unsigned b)
{
    gpu_env_up(NULL);
    struct vio_gpu *g = &env.g;
    ck_assert_int_eq(vio_gpu_setup_framebuffer(g, 0, 100, 50, format), 0);
    ck_assert_uint_eq(g->fb.format, format);
    uint8_t *fb = g->fb.vaddr;
    for (uint32_t i = 0; i < 100u * 50u; i++) {
        uint8_t bgra[4];
        gpu_pattern_pixel(i % 100, i / 100, 4, bgra);
        fb[4 * i + r] = bgra[2];
        fb[4 * i + gr] = bgra[1];
        fb[4 * i + b] = bgra[0];
    }
    ck_assert_int_eq(vio_gpu_flush(g), 0);
    char path[256];
    gpu_tmp_path(path, sizeof(path), "format.png");
    ck_assert_int_eq(vsim_gpu_write_png(env.sim, 0, path), 0);
    assert_png_is_pattern(path, 100, 50, 4);
    remove(path);
    gpu_env_finish();
}

START_TEST(every_format_reaches_the_png_with_its_own_byte_order)
{
    check_format(VIO_GPU_FORMAT_B8G8R8A8_UNORM, 2, 1, 0);
    check_format(VIO_GPU_FORMAT_B8G8R8X8_UNORM, 2, 1, 0);
    check_format(VIO_GPU_FORMAT_A8R8G8B8_UNORM, 1, 2, 3);
    check_format(VIO_GPU_FORMAT_X8R8G8B8_UNORM, 1, 2, 3);
    check_format(VIO_GPU_FORMAT_R8G8B8A8_UNORM, 0, 1, 2);
    check_format(VIO_GPU_FORMAT_R8G8B8X8_UNORM, 0, 1, 2);
    check_format(VIO_GPU_FORMAT_X8B8G8R8_UNORM, 3, 2, 1);
    check_format(VIO_GPU_FORMAT_A8B8G8R8_UNORM, 3, 2, 1);
    gpu_env_up(NULL); /* for the teardown */
}
END_TEST

START_TEST(a_scatter_list_backing_with_rows_across_entries_transfers_exactly)
{
    gpu_env_up(NULL);
    struct vio_gpu *g = &env.g;
    const uint32_t w = 100, h = 40, stride = w * 4; /* 16000 bytes over three allocations */
    uint8_t *va[3];
    vio_paddr_t pa[3];
    const uint32_t len[3] = {5000, 7001, 3999};
    struct vio_gpu_mem_entry ents[3];
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(
            env.hal->dma_alloc(env.hal->ctx, 2, VIO_DMA_TO_DEVICE, &pa[i], (void **)&va[i]), 0);
        ents[i] = (struct vio_gpu_mem_entry){.addr = pa[i], .length = len[i]};
    }
    ck_assert_int_eq(vio_gpu_resource_create_2d(g, 7, VIO_GPU_FORMAT_B8G8R8A8_UNORM, w, h), 0);
    ck_assert_int_eq(vio_gpu_attach_backing(g, 7, ents, 3), 0);

    uint8_t *image = malloc((size_t)stride * h);
    gpu_draw_pattern(image, w, h, stride, 5);
    size_t off = 0;
    for (int i = 0; i < 3; i++) {
        memcpy(va[i], image + off, len[i]);
        off += len[i];
    }
    /* a sub-rectangle (rows straddle entries), then everything */
    struct vio_gpu_rect r = {3, 11, 90, 17};
    ck_assert_int_eq(vio_gpu_transfer_to_host_2d(g, 7, r, (uint64_t)r.y * stride + r.x * 4), 0);
    struct vsim_gpu_resource res;
    ck_assert(vsim_gpu_resource(env.sim, 7, &res));
    ck_assert_uint_eq(res.nr_entries, 3);
    ck_assert_uint_eq(res.backing_bytes, 16000);
    for (uint32_t y = 0; y < h; y++) {
        for (uint32_t x = 0; x < w; x++) {
            bool inside = x >= 3 && x < 93 && y >= 11 && y < 28;
            const uint8_t *px = res.pixels + (size_t)y * stride + x * 4;
            if (inside)
                ck_assert_int_eq(memcmp(px, image + (size_t)y * stride + x * 4, 4), 0);
            else
                ck_assert_uint_eq(px[3], 0);
        }
    }
    ck_assert_int_eq(vio_gpu_transfer_to_host_2d(g, 7, (struct vio_gpu_rect){0, 0, w, h}, 0), 0);
    ck_assert_int_eq(memcmp(res.pixels, image, (size_t)stride * h), 0);

    ck_assert_int_eq(vio_gpu_detach_backing(g, 7), 0);
    ck_assert_int_eq(vio_gpu_resource_unref(g, 7), 0);
    ck_assert_uint_eq(vsim_gpu_resource_count(env.sim), 0);
    for (int i = 0; i < 3; i++)
        env.hal->dma_free(env.hal->ctx, pa[i], va[i], 2);
    free(image);
}
END_TEST

START_TEST(the_cursor_is_loaded_shown_moved_and_hidden)
{
    gpu_env_up(NULL);
    struct vio_gpu *g = &env.g;
    size_t rings = vsim_machine_dma_pages_in_use(env.m);
    ck_assert_int_eq(vio_gpu_move_cursor(g, 1, 1), VIO_ERR_NOT_READY);
    uint32_t image[64 * 64];
    for (uint32_t i = 0; i < 64 * 64; i++)
        image[i] = 0x80000000u | (i * 2654435761u >> 8);
    ck_assert_int_eq(vio_gpu_setup_cursor(g, 0, NULL, 0, 0, 0, 0), VIO_ERR_INVALID_PARAM);
    ck_assert_int_eq(vio_gpu_setup_cursor(g, 0, image, 0, 0, 64, 0), VIO_ERR_INVALID_PARAM);
    ck_assert_int_eq(vio_gpu_setup_cursor(g, 1, image, 0, 0, 0, 0), VIO_ERR_INVALID_PARAM);
    struct vsim_gpu_cursor c;
    vsim_gpu_cursor(env.sim, &c); /* no image set yet: a blank one */
    ck_assert_uint_eq(c.resource_id, 0);
    ck_assert_uint_eq(c.image[0] | c.image[64 * 64 * 4 - 1], 0);
    ck_assert_int_eq(vio_gpu_setup_cursor(g, 0, image, 100, 200, 5, 6), 0);

    vsim_gpu_cursor(env.sim, &c);
    ck_assert_uint_eq(c.resource_id, g->cursor.resource_id);
    ck_assert_uint_ne(c.resource_id, 0);
    ck_assert_uint_eq(c.x, 100);
    ck_assert_uint_eq(c.y, 200);
    ck_assert_uint_eq(c.hot_x, 5);
    ck_assert_uint_eq(c.hot_y, 6);
    ck_assert_int_eq(memcmp(c.image, image, sizeof(image)), 0);
    ck_assert_uint_eq(vsim_gpu_stats(env.sim)->cursor_updates, 1);

    ck_assert_int_eq(vio_gpu_move_cursor(g, 300, 400), 0);
    vsim_gpu_cursor(env.sim, &c);
    ck_assert_uint_eq(c.x, 300);
    ck_assert_uint_eq(c.y, 400);
    ck_assert_uint_eq(c.hot_x, 5);
    ck_assert_uint_eq(vsim_gpu_stats(env.sim)->cursor_moves, 1);

    /* a new image reuses the resource */
    image[0] = 0xff123456u;
    uint32_t id = g->cursor.resource_id;
    ck_assert_int_eq(vio_gpu_setup_cursor(g, 0, image, 1, 2, 0, 0), 0);
    ck_assert_uint_eq(g->cursor.resource_id, id);
    vsim_gpu_cursor(env.sim, &c);
    ck_assert_int_eq(memcmp(c.image, image, sizeof(image)), 0);
    ck_assert_uint_eq(vsim_gpu_resource_count(env.sim), 1);

    ck_assert_int_eq(vio_gpu_release_cursor(g), 0);
    vsim_gpu_cursor(env.sim, &c);
    ck_assert_uint_eq(c.resource_id, 0);
    ck_assert_uint_eq(vsim_gpu_resource_count(env.sim), 0);
    ck_assert_uint_eq(vsim_machine_dma_pages_in_use(env.m), rings);
    ck_assert_int_eq(vio_gpu_move_cursor(g, 1, 1), VIO_ERR_NOT_READY);
}
END_TEST

START_TEST(a_display_change_event_is_cleared_and_refreshes_the_modes)
{
    gpu_env_up(&(struct vsim_gpu_opts){.num_scanouts = 2});
    struct vio_gpu *g = &env.g;
    ck_assert_int_eq(vio_gpu_handle_events(g), 0);
    ck_assert_int_eq(vsim_gpu_set_display(env.sim, 1, 640, 480, false), 0);
    ck_assert_int_eq(vsim_gpu_set_display(env.sim, 0, 1280, 720, true), 0);
    ck_assert_int_eq(vio_gpu_handle_events(g), VIO_GPU_EVENT_DISPLAY);
    uint32_t w, h;
    ck_assert_int_eq(vio_gpu_display_mode(g, 0, &w, &h), 0);
    ck_assert_uint_eq(w, 1280);
    ck_assert_uint_eq(h, 720);
    ck_assert_int_eq(vio_gpu_display_mode(g, 1, &w, &h), VIO_ERR_NOT_READY);
    uint64_t before = gpu_commands();
    ck_assert_int_eq(vio_gpu_handle_events(g), 0); /* events_clear took effect */
    ck_assert_uint_eq(gpu_commands(), before);
}
END_TEST

START_TEST(edid_is_a_valid_base_block_for_the_display_mode)
{
    gpu_env_up(&(struct vsim_gpu_opts){.edid = true, .width = 1280, .height = 800});
    struct vio_gpu *g = &env.g;
    ck_assert(g->has_edid);
    uint8_t edid[VIO_GPU_EDID_MAX];
    uint32_t size = 0;
    ck_assert_int_eq(vio_gpu_get_edid(g, 1, edid, &size), VIO_ERR_INVALID_PARAM);
    ck_assert_int_eq(vio_gpu_get_edid(g, 0, edid, &size), 0);
    ck_assert_uint_eq(size, 128);
    static const uint8_t header[8] = {0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0};
    ck_assert_int_eq(memcmp(edid, header, 8), 0);
    uint8_t sum = 0;
    for (int i = 0; i < 128; i++)
        sum = (uint8_t)(sum + edid[i]);
    ck_assert_uint_eq(sum, 0);
    /* the first detailed timing: horizontal and vertical active pixels */
    ck_assert_uint_eq(edid[56] | ((edid[58] >> 4) << 8), 1280);
    ck_assert_uint_eq(edid[59] | ((edid[61] >> 4) << 8), 800);
}
END_TEST

START_TEST(edid_is_unsupported_without_the_feature)
{
    gpu_env_up(NULL);
    uint8_t edid[VIO_GPU_EDID_MAX];
    uint32_t size;
    uint64_t before = gpu_commands();
    ck_assert_int_eq(vio_gpu_get_edid(&env.g, 0, edid, &size), VIO_ERR_UNSUPPORTED);
    ck_assert_uint_eq(gpu_commands(), before);
}
END_TEST

START_TEST(release_frees_the_framebuffer_and_a_new_one_can_follow)
{
    gpu_env_up(&(struct vsim_gpu_opts){.width = 320, .height = 240});
    struct vio_gpu *g = &env.g;
    size_t rings = vsim_machine_dma_pages_in_use(env.m);
    ck_assert_int_eq(vio_gpu_setup_framebuffer(g, 0, 0, 0, 0), 0);
    ck_assert_int_eq(vio_gpu_setup_framebuffer(g, 0, 0, 0, 0), VIO_ERR_ALREADY_USED);
    ck_assert_uint_eq(vsim_machine_dma_pages_in_use(env.m), rings + 75);
    ck_assert_int_eq(vio_gpu_release_framebuffer(g), 0);
    ck_assert_uint_eq(vsim_machine_dma_pages_in_use(env.m), rings);
    ck_assert_uint_eq(vsim_gpu_resource_count(env.sim), 0);
    struct vsim_gpu_scanout so;
    ck_assert(vsim_gpu_scanout(env.sim, 0, &so));
    ck_assert_uint_eq(so.resource_id, 0);
    ck_assert_int_eq(vio_gpu_release_framebuffer(g), 0); /* nothing left: a no-op */

    ck_assert_int_eq(vio_gpu_setup_framebuffer(g, 0, 32, 16, 0), 0);
    ck_assert(vsim_gpu_scanout(env.sim, 0, &so));
    ck_assert_uint_eq(so.resource_id, g->fb.resource_id);
    ck_assert_uint_eq(so.rect_width, 32);
}
END_TEST

START_TEST(deinit_with_framebuffer_and_cursor_leaves_no_page_share_or_resource)
{
    gpu_env_up(NULL);
    struct vio_gpu *g = &env.g;
    uint32_t image[64 * 64] = {0};
    ck_assert_int_eq(vio_gpu_setup_framebuffer(g, 0, 0, 0, 0), 0);
    ck_assert_int_eq(vio_gpu_setup_cursor(g, 0, image, 1, 1, 0, 0), 0);
    ck_assert_uint_eq(vsim_gpu_resource_count(env.sim), 2);
    uint64_t before = gpu_commands();
    vio_gpu_deinit(g);
    env.inited = false;
    /* set_scanout 0, detach + unref twice, hide cursor: all sent before the reset */
    ck_assert_uint_eq(gpu_commands(), before + 6);
    ck_assert_uint_eq(vsim_machine_dma_pages_in_use(env.m), 0);
    ck_assert_uint_eq(vsim_machine_shares_in_use(env.m), 0);
    ck_assert_uint_eq(vsim_gpu_resource_count(env.sim), 0);
}
END_TEST

/* The whole flow on MMIO v1, in deferred mode, and with every share bounced. */
static void flow(const struct vsim_machine_opts *mo, unsigned version)
{
    gpu_env_start(mo, &(struct vsim_gpu_opts){.width = 200, .height = 100}, version);
    ck_assert_int_eq(gpu_env_init(), 0);
    struct vio_gpu *g = &env.g;
    ck_assert_int_eq(vio_gpu_setup_framebuffer(g, 0, 0, 0, 0), 0);
    gpu_draw_pattern(g->fb.vaddr, 200, 100, g->fb.stride, 6);
    ck_assert_int_eq(vio_gpu_flush(g), 0);
    struct vsim_gpu_resource res;
    ck_assert(vsim_gpu_resource(env.sim, g->fb.resource_id, &res));
    ck_assert_int_eq(memcmp(res.pixels, g->fb.vaddr, g->fb.size), 0);
    uint32_t image[64 * 64] = {1};
    ck_assert_int_eq(vio_gpu_setup_cursor(g, 0, image, 3, 4, 0, 0), 0);
    ck_assert_int_eq(vio_gpu_move_cursor(g, 5, 6), 0);
}

START_TEST(the_flow_works_on_legacy_mmio)
{
    flow(NULL, 1);
    ck_assert(env.mm.t.legacy);
}
END_TEST

START_TEST(the_flow_works_with_deferred_service)
{
    flow(&(struct vsim_machine_opts){.deferred = true}, 2);
    ck_assert_uint_gt(vsim_machine_relax_count(env.m), 0);
}
END_TEST

START_TEST(the_flow_works_with_every_share_bounced)
{
    flow(&(struct vsim_machine_opts){.bounce_all = true}, 2);
    ck_assert_uint_gt(vsim_machine_bounces(env.m), 0);
}
END_TEST

START_TEST(the_flow_works_without_event_idx_and_indirect)
{
    gpu_env_start(NULL,
                  &(struct vsim_gpu_opts){.features_off = VSIM_BIT(VSIM_F_EVENT_IDX) |
                                                          VSIM_BIT(VSIM_F_INDIRECT_DESC)},
                  2);
    ck_assert_int_eq(gpu_env_init(), 0);
    ck_assert(!vio_has_feature(&env.mm.t, VIO_F_INDIRECT_DESC));
    ck_assert_int_eq(vio_gpu_setup_framebuffer(&env.g, 0, 0, 0, 0), 0);
    ck_assert_int_eq(vio_gpu_flush(&env.g), 0);
}
END_TEST

Suite *vio_test_suite(void)
{
    Suite *s = suite_create("gpu");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, bring_up_reads_the_scanouts_and_their_display_modes);
    tcase_add_test(tc, a_non_gpu_device_is_refused);
    tcase_add_test(tc, the_test_pattern_reaches_the_scanout_and_its_png_pixel_for_pixel);
    tcase_add_test(tc,
                   png_on_flush_follows_each_flush_and_a_partial_flush_changes_only_its_rectangle);
    tcase_add_test(tc, flushes_outside_the_framebuffer_are_refused_before_reaching_the_device);
    tcase_add_test(tc, framebuffer_sizes_are_checked_for_zero_and_overflow);
    tcase_add_test(tc, every_format_reaches_the_png_with_its_own_byte_order);
    tcase_add_test(tc, a_scatter_list_backing_with_rows_across_entries_transfers_exactly);
    tcase_add_test(tc, the_cursor_is_loaded_shown_moved_and_hidden);
    tcase_add_test(tc, a_display_change_event_is_cleared_and_refreshes_the_modes);
    tcase_add_test(tc, edid_is_a_valid_base_block_for_the_display_mode);
    tcase_add_test(tc, edid_is_unsupported_without_the_feature);
    tcase_add_test(tc, release_frees_the_framebuffer_and_a_new_one_can_follow);
    tcase_add_test(tc, deinit_with_framebuffer_and_cursor_leaves_no_page_share_or_resource);
    tcase_add_test(tc, the_flow_works_on_legacy_mmio);
    tcase_add_test(tc, the_flow_works_with_deferred_service);
    tcase_add_test(tc, the_flow_works_with_every_share_bounced);
    tcase_add_test(tc, the_flow_works_without_event_idx_and_indirect);
    suite_add_tcase(s, tc);
    return s;
}
