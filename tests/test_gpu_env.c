/* The GPU suites' machine, driver bring-up, leak checks and PNG reader. */
#include <check.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench_machine.h"
#include "test_gpu_env.h"
#include "vio/err.h"

struct gpu_env env;

void gpu_env_start(const struct vsim_machine_opts *mo, const struct vsim_gpu_opts *go,
                   unsigned version)
{
    memset(&env, 0, sizeof(env));
    struct vsim_machine_opts o = mo ? *mo : (struct vsim_machine_opts){0};
    if (o.spin_limit == 0)
        o.spin_limit = 2000; /* a device that never answers fails fast */
    env.m = bench_machine_new(&o);
    ck_assert_ptr_nonnull(env.m);
    env.hal = vsim_machine_hal(env.m);
    env.sim = vsim_gpu_attach(env.m, GPU_SLOT, version, go);
    ck_assert_msg(env.sim != NULL, "%s", vsim_machine_last_error(env.m));
}

int gpu_env_init(void)
{
    int rc = vio_mmio_probe(&env.mm, env.hal, VSIM_MMIO_SLOT_BASE(GPU_SLOT), VSIM_MMIO_STRIDE);
    ck_assert_int_eq(rc, 0);
    rc = vio_gpu_init(&env.g, &env.mm.t, 0);
    env.inited = rc == 0;
    return rc;
}

void gpu_env_up(const struct vsim_gpu_opts *go)
{
    gpu_env_start(NULL, go, 2);
    int rc = gpu_env_init();
    ck_assert_msg(rc == 0, "vio_gpu_init: %s", vio_err_name(rc));
}

void gpu_env_fault(const char *rule)
{
    char err[VSIM_FAULT_ERR_MAX];
    ck_assert_msg(vsim_fault_parse(vsim_machine_faults(env.m), rule, err) == 0, "%s", err);
}

void gpu_env_finish(void)
{
    if (env.inited)
        vio_gpu_deinit(&env.g);
    ck_assert_uint_eq(vsim_machine_dma_pages_in_use(env.m), 0);
    ck_assert_uint_eq(vsim_machine_shares_in_use(env.m), 0);
    bench_assert_conformant(env.m);
    vsim_machine_free(env.m);
    env.m = NULL;
}

void gpu_pattern_pixel(uint32_t x, uint32_t y, uint32_t seed, uint8_t bgra[4])
{
    bgra[0] = (uint8_t)(x * 7 + y + seed);
    bgra[1] = (uint8_t)((x ^ y) + 3 * seed);
    bgra[2] = (uint8_t)(y * 3 + x / 2 + 5 * seed);
    bgra[3] = 0xff;
}

void gpu_draw_pattern(uint8_t *fb, uint32_t w, uint32_t h, uint32_t stride, uint32_t seed)
{
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++)
            gpu_pattern_pixel(x, y, seed, fb + (size_t)y * stride + (size_t)x * 4);
}

static uint8_t *png_rows(png_structp png, png_infop info, FILE *f, uint32_t *w, uint32_t *h)
{
    uint8_t *volatile pixels = NULL;
    if (setjmp(png_jmpbuf(png))) {
        free(pixels);
        return NULL;
    }
    png_init_io(png, f);
    png_read_info(png, info);
    if (png_get_bit_depth(png, info) != 8 || png_get_color_type(png, info) != PNG_COLOR_TYPE_RGB ||
        png_get_interlace_type(png, info) != PNG_INTERLACE_NONE)
        return NULL;
    *w = png_get_image_width(png, info);
    *h = png_get_image_height(png, info);
    pixels = malloc((size_t)*w * *h * 3);
    if (!pixels)
        return NULL;
    for (uint32_t y = 0; y < *h; y++)
        png_read_row(png, pixels + (size_t)y * *w * 3, NULL);
    png_read_end(png, NULL);
    return pixels;
}

uint8_t *gpu_png_read_rgb(const char *path, uint32_t *w, uint32_t *h)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    uint8_t *pixels = info ? png_rows(png, info, f, w, h) : NULL;
    png_destroy_read_struct(&png, &info, NULL);
    fclose(f);
    return pixels;
}

void gpu_tmp_path(char *buf, size_t len, const char *name)
{
    const char *dir = getenv("TMPDIR");
    snprintf(buf, len, "%s/vio_gpu_%ld_%s", dir ? dir : "/tmp", (long)getpid(), name);
}

uint64_t gpu_commands(void)
{
    return vsim_gpu_stats(env.sim)->commands;
}
