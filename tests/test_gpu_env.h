/*
 * The GPU suites' common ground: a machine with the simulated GPU on an MMIO
 * slot, the real driver probed on it, leak checks, and a libpng reader that
 * is independent of the bench's PNG writer.
 */
#ifndef TEST_GPU_ENV_H
#define TEST_GPU_ENV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vio/gpu.h"
#include "vio/mmio.h"
#include "vsim/gpu.h"
#include "vsim/machine.h"

#define GPU_SLOT 2u

struct gpu_env {
    struct vsim_machine *m;
    const struct vio_hal *hal;
    struct vsim_gpu *sim;
    struct vio_mmio mm;
    struct vio_gpu g;
    bool inited; /* vio_gpu_init succeeded: finish deinits */
};

extern struct gpu_env env;

/* Machine (@mo may be NULL) and GPU (@go may be NULL) on MMIO version @version. */
void gpu_env_start(const struct vsim_machine_opts *mo, const struct vsim_gpu_opts *go,
                   unsigned version);
/* Probes the slot and runs vio_gpu_init; returns its result. */
int gpu_env_init(void);
/* gpu_env_start + gpu_env_init that must succeed. */
void gpu_env_up(const struct vsim_gpu_opts *go);
/* Adds a fault rule in text form; it must parse. */
void gpu_env_fault(const char *rule);
/* Deinits the driver if live, asserts nothing leaked and no conformance violation, frees. */
void gpu_env_finish(void);

/* The test pattern: pixel (x, y) as B, G, R, A bytes. */
void gpu_pattern_pixel(uint32_t x, uint32_t y, uint32_t seed, uint8_t bgra[4]);
/* Draws the pattern into a B8G8R8A8 framebuffer of @w x @h with @stride bytes per row. */
void gpu_draw_pattern(uint8_t *fb, uint32_t w, uint32_t h, uint32_t stride, uint32_t seed);

/* Reads an 8-bit RGB PNG into a malloc'd buffer of w * h * 3 bytes; NULL on any error. */
uint8_t *gpu_png_read_rgb(const char *path, uint32_t *w, uint32_t *h);
/* A unique path under the temporary directory for this process. */
void gpu_tmp_path(char *buf, size_t len, const char *name);

uint64_t gpu_commands(void);

#endif
