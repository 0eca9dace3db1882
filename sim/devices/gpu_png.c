/*
 * What the simulated GPU shows the outside world: a scanout's image as an
 * 8-bit RGB PNG (libpng), and the EDID base block of a display mode.
 */
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gpu_internal.h"
#include "vio/err.h"

/* Byte positions of red, green and blue in a pixel: a format names its bytes in memory order. */
static void rgb_offsets(uint32_t format, unsigned *r, unsigned *g, unsigned *b)
{
    switch (format) {
    case VSIM_GPU_FORMAT_A8R8G8B8_UNORM:
    case VSIM_GPU_FORMAT_X8R8G8B8_UNORM:
        *r = 1, *g = 2, *b = 3;
        break;
    case VSIM_GPU_FORMAT_R8G8B8A8_UNORM:
    case VSIM_GPU_FORMAT_R8G8B8X8_UNORM:
        *r = 0, *g = 1, *b = 2;
        break;
    case VSIM_GPU_FORMAT_X8B8G8R8_UNORM:
    case VSIM_GPU_FORMAT_A8B8G8R8_UNORM:
        *r = 3, *g = 2, *b = 1;
        break;
    default: /* B8G8R8A8, B8G8R8X8 */
        *r = 2, *g = 1, *b = 0;
        break;
    }
}

struct png_job {
    const struct gpu_res *res;
    uint32_t x, y, w, h;
    uint8_t *row; /* w * 3 bytes */
};

/* The libpng part; returns false when libpng reported an error. */
static bool png_encode(png_structp png, png_infop info, FILE *f, const struct png_job *job)
{
    if (setjmp(png_jmpbuf(png)))
        return false;
    unsigned ro, go, bo;
    rgb_offsets(job->res->format, &ro, &go, &bo);
    png_init_io(png, f);
    /* a screenshot is written often and read rarely: fastest zlib level */
    png_set_compression_level(png, 1);
    png_set_IHDR(png, info, job->w, job->h, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (uint32_t y = 0; y < job->h; y++) {
        const uint8_t *src =
            job->res->pixels + (size_t)(job->y + y) * job->res->stride + (size_t)job->x * GPU_BPP;
        for (uint32_t x = 0; x < job->w; x++, src += GPU_BPP) {
            job->row[3 * x] = src[ro];
            job->row[3 * x + 1] = src[go];
            job->row[3 * x + 2] = src[bo];
        }
        png_write_row(png, job->row);
    }
    png_write_end(png, NULL);
    return true;
}

int vsim__gpu_png(struct vsim_gpu *g, uint32_t idx, const char *path)
{
    const struct gpu_scanout *s = &g->scanout[idx];
    const struct gpu_res *r = vsim__gpu_find(g, s->resource_id);
    if (!r)
        return VIO_ERR_NOT_READY;
    struct png_job job = {r, s->x, s->y, s->w, s->h, malloc((size_t)s->w * 3)};
    FILE *f = fopen(path, "wb");
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    bool ok = job.row && f && info && png_encode(png, info, f, &job);
    png_destroy_write_struct(&png, &info);
    if (f && fclose(f) != 0)
        ok = false;
    free(job.row);
    if (!ok)
        return VIO_ERR_IO_ERROR;
    g->stats.pngs_written++;
    return VIO_OK;
}

/* ---- EDID (VESA E-EDID 1.4 base block) ---- */

static void put_le16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

/* A detailed timing descriptor for @w x @h at 60 Hz with reduced blanking. */
static void edid_timing(uint8_t *d, uint32_t w, uint32_t h)
{
    const uint32_t hblank = 160, hfront = 48, hsync = 32, vblank = 30, vfront = 3, vsync = 6;
    w = w > 4095 ? 4095 : w; /* 12-bit fields */
    h = h > 4095 ? 4095 : h;
    uint64_t clock = (uint64_t)(w + hblank) * (h + vblank) * 60 / 10000; /* 10 kHz units */
    put_le16(d, clock > 0xffff ? 0xffff : (uint32_t)clock);
    d[2] = (uint8_t)w;
    d[3] = (uint8_t)hblank;
    d[4] = (uint8_t)(((w >> 8) << 4) | (hblank >> 8));
    d[5] = (uint8_t)h;
    d[6] = (uint8_t)vblank;
    d[7] = (uint8_t)(((h >> 8) << 4) | (vblank >> 8));
    d[8] = (uint8_t)hfront;
    d[9] = (uint8_t)hsync;
    d[10] = (uint8_t)((vfront << 4) | vsync);
    d[11] = 0;
    uint32_t wmm = w * 264 / 1000, hmm = h * 264 / 1000; /* about 96 dpi */
    d[12] = (uint8_t)wmm;
    d[13] = (uint8_t)hmm;
    d[14] = (uint8_t)(((wmm >> 8) << 4) | (hmm >> 8));
    d[17] = 0x1e; /* digital separate sync, both polarities positive */
}

void vsim__gpu_build_edid(uint8_t *out, uint32_t width, uint32_t height)
{
    static const uint8_t header[8] = {0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00};
    static const uint8_t srgb_chroma[10] = {0xee, 0x91, 0xa3, 0x54, 0x4c,
                                            0x99, 0x26, 0x0f, 0x50, 0x54};
    uint8_t *e = out;
    memset(e, 0, GPU_EDID_BASE_BLOCK);
    memcpy(e, header, sizeof(header));
    /* manufacturer "VSM": three 5-bit letters, big-endian */
    uint32_t id = ((uint32_t)('V' - '@') << 10) | ((uint32_t)('S' - '@') << 5) | ('M' - '@');
    e[8] = (uint8_t)(id >> 8);
    e[9] = (uint8_t)id;
    put_le16(e + 10, 0x0001); /* product code */
    e[17] = 2024 - 1990;      /* model year */
    e[18] = 1;                /* EDID 1.4 */
    e[19] = 4;
    e[20] = 0x80;                                                             /* digital input */
    e[21] = (uint8_t)(width * 264 / 10000 > 255 ? 255 : width * 264 / 10000); /* cm */
    e[22] = (uint8_t)(height * 264 / 10000 > 255 ? 255 : height * 264 / 10000);
    e[23] = 120;  /* gamma 2.2 */
    e[24] = 0x06; /* sRGB default, preferred timing is native */
    memcpy(e + 25, srgb_chroma, sizeof(srgb_chroma));
    for (int i = 0; i < 8; i++) /* no standard timings */
        e[38 + 2 * i] = e[39 + 2 * i] = 0x01;
    edid_timing(e + 54, width, height);
    /* display product name descriptor, then two dummy descriptors */
    static const char name[13] = {'v', 's', 'i', 'm', '-', 'g', 'p', 'u', '\n', ' ', ' ', ' ', ' '};
    e[72 + 3] = 0xfc;
    memcpy(e + 72 + 5, name, sizeof(name));
    e[90 + 3] = 0x10;
    e[108 + 3] = 0x10;
    uint8_t sum = 0;
    for (unsigned i = 0; i < GPU_EDID_BASE_BLOCK - 1; i++)
        sum = (uint8_t)(sum + e[i]);
    e[GPU_EDID_BASE_BLOCK - 1] = (uint8_t)(0x100 - sum);
}
