/* The virtio GPU behind the generic display interface: one framebuffer on scanout 0. */
#include "axdriver_virtio.h"
#include "vio/err.h"

static struct ax_virtio_gpu_dev *to_virtio(const struct ax_display_dev *dev)
{
    return AX_CONTAINER_OF(dev, struct ax_virtio_gpu_dev, dev);
}

/* Maps a virtio core error, and keeps it for the caller's diagnostics. */
static int core_err(struct ax_virtio_gpu_dev *d, int rc)
{
    d->vio_err = rc;
    return ax_virtio_as_dev_err(rc);
}

static const char *gpu_device_name(const struct ax_base_dev *base)
{
    (void)base;
    return "virtio-gpu";
}

static enum ax_device_type gpu_device_type(const struct ax_base_dev *base)
{
    (void)base;
    return AX_DEVICE_DISPLAY;
}

static struct ax_display_info gpu_info(const struct ax_display_dev *dev)
{
    return to_virtio(dev)->info;
}

static struct ax_framebuffer gpu_fb(const struct ax_display_dev *dev)
{
    const struct ax_display_info *info = &to_virtio(dev)->info;
    struct ax_framebuffer fb = {(uint8_t *)info->fb_base_vaddr, info->fb_size};
    return fb;
}

/* The framebuffer lives in guest memory: the device shows it only after a transfer. */
static bool gpu_need_flush(const struct ax_display_dev *dev)
{
    (void)dev;
    return true;
}

static int gpu_flush(struct ax_display_dev *dev)
{
    struct ax_virtio_gpu_dev *d = to_virtio(dev);
    if (!d->live)
        return AX_ERR_BAD_STATE;
    int rc = vio_gpu_flush(&d->gpu);
    return rc < 0 ? core_err(d, rc) : 0;
}

static const struct ax_display_ops ax_virtio_gpu_ops = {
    .base = {.device_name = gpu_device_name, .device_type = gpu_device_type},
    .info = gpu_info,
    .fb = gpu_fb,
    .need_flush = gpu_need_flush,
    .flush = gpu_flush,
};

static void clear_info(struct ax_display_info *info)
{
    info->width = 0;
    info->height = 0;
    info->fb_base_vaddr = 0;
    info->fb_size = 0;
}

int ax_virtio_gpu_init(struct ax_virtio_gpu_dev *d, struct vio_transport *t)
{
    ax_display_dev_init(&d->dev, &ax_virtio_gpu_ops);
    d->live = false;
    d->vio_err = 0;
    clear_info(&d->info);
    int rc = vio_gpu_init(&d->gpu, t, 0);
    if (rc < 0)
        return core_err(d, rc);
    /* scanout 0 at its preferred mode, in the default format */
    rc = vio_gpu_setup_framebuffer(&d->gpu, 0, 0, 0, 0);
    if (rc < 0) {
        vio_gpu_deinit(&d->gpu);
        return core_err(d, rc);
    }
    d->info.width = d->gpu.fb.width;
    d->info.height = d->gpu.fb.height;
    d->info.fb_base_vaddr = (uintptr_t)d->gpu.fb.vaddr;
    d->info.fb_size = d->gpu.fb.size;
    d->live = true;
    return 0;
}

void ax_virtio_gpu_deinit(struct ax_virtio_gpu_dev *d)
{
    if (!d->live)
        return;
    vio_gpu_deinit(&d->gpu);
    clear_info(&d->info);
    d->live = false;
}
