/*
 * GPU surfaces backed by HAL DMA pages: the framebuffer (Device Operation:
 * Create a framebuffer and configure scanout / Update a framebuffer and
 * scanout) and the cursor image (Device Operation: Configure mouse cursor).
 *
 * A backing page is freed only when the device no longer holds it: after a
 * successful detach, after a well-formed error response (the device did
 * not take it), or after a reset (gpu.c resets on any other failure).
 */
#include "vio/err.h"
#include "vio/gpu.h"

#include "vio_internal.h"

static bool gpu_format_known(uint32_t format)
{
    switch (format) {
    case VIO_GPU_FORMAT_B8G8R8A8_UNORM:
    case VIO_GPU_FORMAT_B8G8R8X8_UNORM:
    case VIO_GPU_FORMAT_A8R8G8B8_UNORM:
    case VIO_GPU_FORMAT_X8R8G8B8_UNORM:
    case VIO_GPU_FORMAT_R8G8B8A8_UNORM:
    case VIO_GPU_FORMAT_X8B8G8R8_UNORM:
    case VIO_GPU_FORMAT_A8B8G8R8_UNORM:
    case VIO_GPU_FORMAT_R8G8B8X8_UNORM:
        return true;
    default:
        return false;
    }
}

/* Resource ids are the driver's to choose (RESOURCE_CREATE_2D); 0 means "none". */
static uint32_t gpu_new_resource_id(struct vio_gpu *g)
{
    uint32_t id = g->next_resource_id++;
    if (id == 0)
        id = g->next_resource_id++;
    return id;
}

static void surface_free_pages(struct vio_gpu *g, struct vio_gpu_surface *s)
{
    const struct vio_hal *hal = g->t->hal;
    if (s->vaddr != NULL)
        hal->dma_free(hal->ctx, s->paddr, s->vaddr, s->pages);
    vio__zero(s, sizeof *s);
}

/*
 * Keeps the first failure of a sequence of commands: its result, and the
 * response type vio_gpu_last_error reports (later commands would reset it).
 */
static int gpu_first_error(struct vio_gpu *g, int first, uint32_t first_error, int next)
{
    if (first < 0) {
        g->last_error = first_error;
        return first;
    }
    return next;
}

/* Detaches and unrefs what the device holds, then frees the pages; returns the first error. */
static int surface_destroy(struct vio_gpu *g, struct vio_gpu_surface *s)
{
    int rc = 0;
    if (s->attached) {
        rc = vio_gpu_detach_backing(g, s->resource_id);
        s->attached = false;
    }
    uint32_t error = g->last_error;
    if (s->resource_id != 0)
        rc = gpu_first_error(g, rc, error, vio_gpu_resource_unref(g, s->resource_id));
    surface_free_pages(g, s);
    return rc;
}

/* RESOURCE_CREATE_2D of @width x @height, then RESOURCE_ATTACH_BACKING of fresh DMA pages. */
static int surface_create(struct vio_gpu *g, struct vio_gpu_surface *s, uint32_t format,
                          uint32_t width, uint32_t height)
{
    size_t bytes;
    int rc = vio_gpu_resource_bytes(width, height, &bytes);
    if (rc < 0)
        return rc;
    const struct vio_hal *hal = g->t->hal;
    vio__zero(s, sizeof *s);
    s->pages = vio__pages(bytes);
    rc = hal->dma_alloc(hal->ctx, s->pages, VIO_DMA_TO_DEVICE, &s->paddr, &s->vaddr);
    if (rc < 0 || s->vaddr == NULL) {
        vio__zero(s, sizeof *s);
        return VIO_ERR_DMA_ERROR;
    }
    s->format = format;
    s->width = width;
    s->height = height;
    s->stride = width * VIO_GPU_BYTES_PER_PIXEL;
    s->size = bytes;

    uint32_t id = gpu_new_resource_id(g);
    rc = vio_gpu_resource_create_2d(g, id, format, width, height);
    if (rc < 0) {
        surface_free_pages(g, s);
        return rc;
    }
    s->resource_id = id;
    /* one entry: the DMA allocation is contiguous in guest-physical memory */
    g->entry = (struct vio_gpu_mem_entry){.addr = s->paddr, .length = (uint32_t)bytes};
    rc = vio_gpu_attach_backing(g, id, &g->entry, 1);
    if (rc < 0) {
        uint32_t error = g->last_error;
        return gpu_first_error(g, rc, error, surface_destroy(g, s));
    }
    s->attached = true;
    return 0;
}

int vio_gpu_setup_framebuffer(struct vio_gpu *g, uint32_t scanout, uint32_t width, uint32_t height,
                              uint32_t format)
{
    g->last_error = 0;
    if (g->fb.vaddr != NULL)
        return VIO_ERR_ALREADY_USED;
    if (scanout >= g->num_scanouts)
        return VIO_ERR_INVALID_PARAM;
    if (format == 0)
        format = VIO_GPU_FORMAT_B8G8R8A8_UNORM;
    if (!gpu_format_known(format))
        return VIO_ERR_INVALID_PARAM;
    if (width == 0 && height == 0) {
        int rc = vio_gpu_display_mode(g, scanout, &width, &height);
        if (rc < 0)
            return rc;
    }
    int rc = surface_create(g, &g->fb, format, width, height);
    if (rc < 0)
        return rc;
    struct vio_gpu_rect whole = {0, 0, width, height};
    rc = vio_gpu_set_scanout(g, scanout, g->fb.resource_id, whole);
    if (rc < 0) {
        uint32_t error = g->last_error;
        return gpu_first_error(g, rc, error, surface_destroy(g, &g->fb));
    }
    g->fb_scanout = scanout;
    g->fb_on_scanout = true;
    return 0;
}

int vio_gpu_flush_rect(struct vio_gpu *g, struct vio_gpu_rect r)
{
    g->last_error = 0;
    const struct vio_gpu_surface *fb = &g->fb;
    if (!fb->attached)
        return VIO_ERR_NOT_READY;
    if (r.width == 0 || r.height == 0 || r.x > fb->width || r.width > fb->width - r.x ||
        r.y > fb->height || r.height > fb->height - r.y)
        return VIO_ERR_INVALID_PARAM;
    /* TRANSFER_TO_HOST_2D: the offset locates the rectangle's first pixel in the backing */
    uint64_t offset = (uint64_t)r.y * fb->stride + (uint64_t)r.x * VIO_GPU_BYTES_PER_PIXEL;
    int rc = vio_gpu_transfer_to_host_2d(g, fb->resource_id, r, offset);
    if (rc == 0)
        rc = vio_gpu_resource_flush(g, fb->resource_id, r);
    return rc;
}

int vio_gpu_flush(struct vio_gpu *g)
{
    struct vio_gpu_rect whole = {0, 0, g->fb.width, g->fb.height};
    return vio_gpu_flush_rect(g, whole);
}

int vio_gpu_release_framebuffer(struct vio_gpu *g)
{
    g->last_error = 0;
    if (g->fb.vaddr == NULL)
        return 0;
    int rc = 0;
    if (g->fb_on_scanout) {
        /* SET_SCANOUT: resource_id 0 disables the scanout before its resource goes */
        struct vio_gpu_rect none = {0, 0, 0, 0};
        rc = vio_gpu_set_scanout(g, g->fb_scanout, 0, none);
        g->fb_on_scanout = false;
    }
    uint32_t error = g->last_error;
    return gpu_first_error(g, rc, error, surface_destroy(g, &g->fb));
}

int vio_gpu_setup_cursor(struct vio_gpu *g, uint32_t scanout, const uint32_t *image, uint32_t x,
                         uint32_t y, uint32_t hot_x, uint32_t hot_y)
{
    g->last_error = 0;
    if (image == NULL || scanout >= g->num_scanouts || hot_x >= VIO_GPU_CURSOR_SIZE ||
        hot_y >= VIO_GPU_CURSOR_SIZE)
        return VIO_ERR_INVALID_PARAM;
    struct vio_gpu_surface *c = &g->cursor;
    if (c->vaddr == NULL) {
        int rc = surface_create(g, c, VIO_GPU_FORMAT_B8G8R8A8_UNORM, VIO_GPU_CURSOR_SIZE,
                                VIO_GPU_CURSOR_SIZE);
        if (rc < 0)
            return rc;
    }
    vio__copy(c->vaddr, image, (size_t)VIO_GPU_CURSOR_SIZE * VIO_GPU_CURSOR_SIZE * sizeof *image);
    /* Configure mouse cursor: the image must be in the resource (fenced) before UPDATE_CURSOR */
    struct vio_gpu_rect whole = {0, 0, VIO_GPU_CURSOR_SIZE, VIO_GPU_CURSOR_SIZE};
    int rc = vio_gpu_transfer_to_host_2d(g, c->resource_id, whole, 0);
    if (rc < 0)
        return rc;
    rc = vio_gpu_cursor_command(g, false, scanout, x, y, c->resource_id, hot_x, hot_y);
    if (rc < 0)
        return rc;
    g->cursor_scanout = scanout;
    g->cursor_shown = true;
    return 0;
}

int vio_gpu_move_cursor(struct vio_gpu *g, uint32_t x, uint32_t y)
{
    g->last_error = 0;
    if (!g->cursor_shown)
        return VIO_ERR_NOT_READY;
    /* MOVE_CURSOR: only the position counts, the device ignores the other fields */
    return vio_gpu_cursor_command(g, true, g->cursor_scanout, x, y, 0, 0, 0);
}

int vio_gpu_release_cursor(struct vio_gpu *g)
{
    g->last_error = 0;
    if (g->cursor.vaddr == NULL)
        return 0;
    int rc = 0;
    if (g->cursor_shown) {
        /* resource 0 hides the cursor (QEMU and Linux), before its resource goes */
        rc = vio_gpu_cursor_command(g, false, g->cursor_scanout, 0, 0, 0, 0, 0);
        g->cursor_shown = false;
    }
    uint32_t error = g->last_error;
    return gpu_first_error(g, rc, error, surface_destroy(g, &g->cursor));
}

void vio_gpu_deinit(struct vio_gpu *g)
{
    /* on a broken device these only free the pages: the device was reset */
    vio_gpu_release_framebuffer(g);
    vio_gpu_release_cursor(g);
    /* Device Cleanup: the device must stop using the queues before they are freed */
    vio_transport_shutdown(g->t);
    vio_queue_deinit(&g->ctrlq);
    vio_queue_deinit(&g->cursorq);
}
