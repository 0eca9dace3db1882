/*
 * The display workload, through the generic display interface only: brings
 * the GPU up with ax_virtio_gpu_init (a framebuffer on scanout 0 at its
 * preferred size), draws a known pattern, flushes it, then waits while the
 * host takes a screendump over QMP and compares every pixel
 * (qemu_devices.py has the same pattern).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "axdriver_virtio.h"
#include "guest.h"
#include "port.h"

#define HOST_WAIT_MS 10000u

static struct ax_virtio_gpu_dev gpu;

/*
 * The pattern at pixel (x, y): red x mod 256, green y mod 256, blue
 * (x / 256) * 16 + y / 256 (mod 256), so a shifted row, column or 256-pixel
 * block shows. The wrapper's framebuffer is B8G8R8A8_UNORM (the driver's
 * default format): bytes blue, green, red, alpha, i.e. one little-endian
 * u32 0xAARRGGBB per pixel.
 */
static uint32_t pattern_pixel(uint32_t x, uint32_t y)
{
    uint32_t r = x & 0xffu, g = y & 0xffu, b = (((x >> 8) << 4) + (y >> 8)) & 0xffu;
    return 0xff000000u | r << 16 | g << 8 | b;
}

static void draw(struct ax_framebuffer fb, const struct ax_display_info *info)
{
    size_t stride = fb.len / info->height;
    for (uint32_t y = 0; y < info->height; y++) {
        uint32_t *row = (uint32_t *)(void *)(fb.base + y * stride);
        for (uint32_t x = 0; x < info->width; x++)
            row[x] = pattern_pixel(x, y);
    }
}

void guest_gpu_run(struct vio_transport *t, const char *at)
{
    char who[24];
    con_snprintf(who, sizeof who, "gpu@%s", at);
    size_t pages_before = page_in_use();

    int r = ax_virtio_gpu_init(&gpu, t);
    if (!guest_step(r == 0, who, "init: %s", ax_dev_err_name(r)))
        return;
    struct ax_display_dev *d = &gpu.dev;
    struct ax_display_info info = ax_display_info(d);
    struct ax_framebuffer fb = ax_display_fb(d);
    con_printf("%s: info at=%s name=%s legacy=%u offered=0x%llx negotiated=0x%llx "
               "supported=0x%llx scanouts=%u width=%u height=%u fb_size=%zu need_flush=%u\n",
               who, at, ax_display_device_name(d), t->legacy,
               (unsigned long long)t->ops->device_features(t), (unsigned long long)t->features,
               (unsigned long long)VIO_GPU_SUPPORTED_FEATURES, gpu.gpu.num_scanouts, info.width,
               info.height, info.fb_size, ax_display_need_flush(d));

    /* 4 bytes per pixel, rows back to back: what the generic interface leaves implicit */
    bool fits = info.width > 0 && info.height > 0 && fb.base != NULL &&
                (uintptr_t)fb.base == info.fb_base_vaddr && fb.len == info.fb_size &&
                fb.len == (size_t)info.width * info.height * 4u;
    if (guest_step(fits, who, "framebuffer of %ux%u pixels at %p, %zu bytes", info.width,
                   info.height, (void *)fb.base, fb.len)) {
        draw(fb, &info);
        r = ax_display_flush(d);
        if (guest_step(r == 0, who, "pattern drawn and flushed: %s", ax_dev_err_name(r)))
            guest_wait_host(who, "screendump", HOST_WAIT_MS);
    }

    ax_virtio_gpu_deinit(&gpu);
    long pages_left = (long)page_in_use() - (long)pages_before;
    guest_step(pages_left == 0 && port_hal_shares_outstanding() == 0, who,
               "deinit: %ld DMA pages and %ld shares left", pages_left,
               port_hal_shares_outstanding());
}
