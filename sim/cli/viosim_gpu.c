/* viosim's GPU scenario: draw a test pattern through the generic display interface and flush. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "axdriver_virtio.h"
#include "viosim_rig.h"

/* Blue ramps left to right, green top to bottom, red on a 32-pixel checkerboard: B8G8R8A8. */
static void draw(uint8_t *fb, uint32_t w, uint32_t h)
{
    for (uint32_t y = 0; y < h; y++) {
        for (uint32_t x = 0; x < w; x++) {
            uint8_t *p = fb + ((size_t)y * w + x) * 4;
            p[0] = (uint8_t)(x * 255u / (w - 1));
            p[1] = (uint8_t)(y * 255u / (h - 1));
            p[2] = ((x / 32 + y / 32) & 1) ? 0xff : 0x00;
            p[3] = 0xff;
        }
    }
}

void viosim_gpu_run(struct viosim_rig *rig, const char *png, struct viosim_report *r)
{
    struct viosim_found *f = viosim_rig_at(rig, PLACE_GPU, AX_DEVICE_DISPLAY);
    if (!viosim_check(r, f != NULL, "gpu: found"))
        return;
    static struct ax_virtio_gpu_dev d;
    int rc = ax_virtio_gpu_init(&d, f->t);
    if (!viosim_check(r, rc == 0, "gpu: init through ax_virtio_gpu_init%s%s", rc ? ": " : "",
                      rc ? ax_dev_err_name(rc) : ""))
        return;
    struct ax_display_dev *dd = &d.dev;
    struct ax_display_info info = ax_display_info(dd);
    struct ax_framebuffer fb = ax_display_fb(dd);
    bool sized = info.width && info.height && fb.len == (size_t)info.width * info.height * 4;
    viosim_check(r, sized, "%s at %s: %ux%u, framebuffer of %zu bytes", ax_display_device_name(dd),
                 f->where, info.width, info.height, fb.len);
    if (sized) {
        draw(fb.base, info.width, info.height);
        rc = ax_display_flush(dd);
        viosim_check(r, rc == 0 && ax_display_need_flush(dd), "draw the test pattern and flush%s%s",
                     rc ? ": " : "", rc ? ax_dev_err_name(rc) : "");
        struct vsim_gpu_scanout so;
        struct vsim_gpu_resource res;
        bool shown = vsim_gpu_scanout(rig->gpu, 0, &so) && so.flushes > 0 &&
                     vsim_gpu_resource(rig->gpu, so.resource_id, &res) && res.width == info.width &&
                     res.height == info.height;
        for (uint32_t y = 0; shown && y < info.height; y++)
            shown = memcmp(res.pixels + (size_t)y * res.stride,
                           fb.base + (size_t)y * info.width * 4, (size_t)info.width * 4) == 0;
        viosim_check(r, shown, "the device's scanout shows the pattern, pixel for pixel");
        if (png)
            viosim_check(r, vsim_gpu_write_png(rig->gpu, 0, png) == 0, "scanout saved as %s", png);
    }
    ax_virtio_gpu_deinit(&d);
}
