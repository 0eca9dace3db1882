/* The GPU's operation script: surfaces, cursor, events, EDID and raw commands. */
#include <string.h>

#include "fz_drive.h"
#include "vio/err.h"
#include "vio/gpu.h"

static struct vio_gpu gpu;
static uint32_t cursor_image[VIO_GPU_CURSOR_SIZE * VIO_GPU_CURSOR_SIZE];
static uint8_t edid[VIO_GPU_EDID_MAX];
static _Alignas(struct vio_gpu_ctrl_hdr) uint8_t raw_req[64];
static _Alignas(struct vio_gpu_ctrl_hdr) uint8_t raw_resp[VIO_GPU_EDID_MAX + 64];

static uint32_t pick_format(struct fz_in *ops)
{
    static const uint32_t formats[] = {0, VIO_GPU_FORMAT_B8G8R8A8_UNORM,
                                       VIO_GPU_FORMAT_X8R8G8B8_UNORM, VIO_GPU_FORMAT_R8G8B8X8_UNORM,
                                       5u};
    return formats[fz_u8(ops) % (sizeof formats / sizeof formats[0])];
}

/* Arguments are read into an array first: C leaves the order of calls in an argument list open. */
static struct vio_gpu_rect pick_rect(struct fz_in *ops)
{
    uint8_t a[4];
    fz_bytes(ops, a, sizeof a);
    struct vio_gpu_rect r = {a[0], a[1], a[2], a[3]};
    return r;
}

static void fb_setup(struct fz_in *ops)
{
    uint32_t scanout = fz_u8(ops) % 3u;
    uint32_t w = 0, h = 0;
    if (fz_u8(ops) & 1u) {
        w = fz_u8(ops);
        h = fz_u8(ops);
    }
    uint32_t format = pick_format(ops);
    if (vio_gpu_setup_framebuffer(&gpu, scanout, w, h, format) == 0 &&
        (gpu.fb.vaddr == NULL || gpu.fb.size < (size_t)gpu.fb.stride * gpu.fb.height))
        fz_fail("vio_gpu_setup_framebuffer: no backing for %ux%u", gpu.fb.width, gpu.fb.height);
    if (gpu.fb.vaddr != NULL)
        memset(gpu.fb.vaddr, 0x3c, gpu.fb.size);
}

/* One of the commands one by one, with the script's ids and rectangles. */
static void raw_command(struct fz_in *ops)
{
    uint32_t id = fz_u8(ops);
    struct vio_gpu_rect r;
    uint8_t a[6];
    switch (fz_u8(ops) % 8) {
    case 0: {
        uint32_t format = pick_format(ops);
        fz_bytes(ops, a, 2);
        vio_gpu_resource_create_2d(&gpu, id, format, a[0], a[1]);
        break;
    }
    case 1:
        vio_gpu_resource_unref(&gpu, id);
        break;
    case 2:
        /* backing must be the driver's DMA memory: the framebuffer's, when there is one */
        if (gpu.fb.vaddr != NULL) {
            struct vio_gpu_mem_entry e = {gpu.fb.paddr, (uint32_t)gpu.fb.size, 0};
            vio_gpu_attach_backing(&gpu, id, &e, 1);
        } else {
            vio_gpu_attach_backing(&gpu, id, NULL, 0);
        }
        break;
    case 3:
        vio_gpu_detach_backing(&gpu, id);
        break;
    case 4:
        r = pick_rect(ops);
        vio_gpu_set_scanout(&gpu, fz_u8(ops) % 3u, id, r);
        break;
    case 5:
        r = pick_rect(ops);
        vio_gpu_transfer_to_host_2d(&gpu, id, r, fz_u16(ops));
        break;
    case 6:
        r = pick_rect(ops);
        vio_gpu_resource_flush(&gpu, id, r);
        break;
    default:
        fz_bytes(ops, a, 6);
        vio_gpu_cursor_command(&gpu, a[0] & 1u, a[1] % 3u, a[2], a[3], id, a[4], a[5]);
        break;
    }
}

/* vio_gpu_request with a request the script writes. */
static void request(struct fz_in *ops)
{
    unsigned queue = fz_u8(ops) % 3u;
    size_t req_len = fz_u8(ops) % (sizeof raw_req + 1u);
    size_t resp_len = fz_u16(ops) % (sizeof raw_resp + 1u);
    size_t ok_len = fz_u16(ops) % (sizeof raw_resp + 1u);
    uint32_t ok_type = fz_u16(ops);
    fz_bytes(ops, raw_req, sizeof raw_req);
    vio_gpu_request(&gpu, queue, raw_req, req_len, raw_resp, resp_len, ok_type, ok_len);
}

static bool gpu_start(struct vio_transport *t, uint16_t qsize)
{
    return vio_gpu_init(&gpu, t, qsize) == 0;
}

void fz_drive_gpu(struct fz_dev *d, struct vio_transport *t, struct fz_in *ops, uint16_t qsize)
{
    d->caller_req = raw_req;
    bool live = gpu_start(t, qsize);
    uint32_t w, h, size;
    uint8_t a[5];
    while (live && ops->n > 0) {
        switch (fz_u8(ops) % FZ_GPU_OPS) {
        case FZ_GPU_DISPLAY_INFO:
            vio_gpu_get_display_info(&gpu);
            vio_gpu_display_mode(&gpu, fz_u8(ops) % 17u, &w, &h);
            break;
        case FZ_GPU_FB_SETUP:
            fb_setup(ops);
            break;
        case FZ_GPU_FLUSH:
            vio_gpu_flush(&gpu);
            break;
        case FZ_GPU_FLUSH_RECT:
            vio_gpu_flush_rect(&gpu, pick_rect(ops));
            break;
        case FZ_GPU_FB_RELEASE:
            vio_gpu_release_framebuffer(&gpu);
            break;
        case FZ_GPU_CURSOR_SETUP:
            fz_bytes(ops, a, 5);
            vio_gpu_setup_cursor(&gpu, a[0] % 3u, cursor_image, a[1], a[2], a[3] % 70u, a[4] % 70u);
            break;
        case FZ_GPU_CURSOR_MOVE:
            fz_bytes(ops, a, 2);
            vio_gpu_move_cursor(&gpu, a[0], a[1]);
            break;
        case FZ_GPU_CURSOR_RELEASE:
            vio_gpu_release_cursor(&gpu);
            break;
        case FZ_GPU_EDID:
            if (vio_gpu_get_edid(&gpu, fz_u8(ops) % 3u, edid, &size) == 0 &&
                size > VIO_GPU_EDID_MAX)
                fz_fail("vio_gpu_get_edid: %u bytes", size);
            break;
        case FZ_GPU_EVENTS:
            vio_gpu_handle_events(&gpu);
            break;
        case FZ_GPU_RAW:
            raw_command(ops);
            break;
        case FZ_GPU_REQUEST:
            request(ops);
            break;
        default: /* FZ_GPU_RESTART */
            vio_gpu_deinit(&gpu);
            live = gpu_start(t, qsize);
            break;
        }
    }
    if (live)
        vio_gpu_deinit(&gpu);
}
