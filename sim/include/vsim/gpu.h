/*
 * The simulated GPU device (GPU Device), 2D mode: resources with guest
 * backing, scanouts and a cursor behind the device model interface. A
 * scanout's image can be written as a PNG file, on demand or at every flush.
 *
 * Invalid requests get an error response, never a crash:
 *   unknown command, short request, command on the wrong queue  ERR_UNSPEC
 *   resource id 0, unknown, or already used (create)          ERR_INVALID_RESOURCE_ID
 *   transfer to a resource without backing                      ERR_INVALID_RESOURCE_ID
 *   scanout id >= num_scanouts                                  ERR_INVALID_SCANOUT_ID
 *   unknown format, zero size, rectangle outside the resource,
 *   transfer beyond the backing, cursor resource not 64x64     ERR_INVALID_PARAMETER
 *   resource memory or count beyond the device's limits         ERR_OUT_OF_MEMORY
 *   backing already attached (attach) or none (detach), an
 *   entry outside guest memory, too many entries, GET_EDID
 *   without VIRTIO_GPU_F_EDID                                   ERR_UNSPEC
 */
#ifndef VSIM_GPU_H
#define VSIM_GPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vsim/device.h"
#include "vsim/machine.h"

/* Feature bits */
#define VSIM_GPU_F_VIRGL 0
#define VSIM_GPU_F_EDID 1

#define VSIM_GPU_MAX_SCANOUTS 16u
#define VSIM_GPU_EVENT_DISPLAY 1u
#define VSIM_GPU_WIDTH_DEFAULT 1024u
#define VSIM_GPU_HEIGHT_DEFAULT 768u
#define VSIM_GPU_CURSOR_SIZE 64u

/* Device configuration layout (offsets in struct virtio_gpu_config) */
#define VSIM_GPU_CFG_EVENTS_READ 0u
#define VSIM_GPU_CFG_EVENTS_CLEAR 4u
#define VSIM_GPU_CFG_NUM_SCANOUTS 8u
#define VSIM_GPU_CFG_NUM_CAPSETS 12u
#define VSIM_GPU_CFG_SIZE 16u /* without blob_alignment, which needs BLOB_ALIGNMENT */

/* enum virtio_gpu_ctrl_type: the bench's own reading */
#define VSIM_GPU_CMD_GET_DISPLAY_INFO 0x0100u
#define VSIM_GPU_CMD_RESOURCE_CREATE_2D 0x0101u
#define VSIM_GPU_CMD_RESOURCE_UNREF 0x0102u
#define VSIM_GPU_CMD_SET_SCANOUT 0x0103u
#define VSIM_GPU_CMD_RESOURCE_FLUSH 0x0104u
#define VSIM_GPU_CMD_TRANSFER_TO_HOST_2D 0x0105u
#define VSIM_GPU_CMD_RESOURCE_ATTACH_BACKING 0x0106u
#define VSIM_GPU_CMD_RESOURCE_DETACH_BACKING 0x0107u
#define VSIM_GPU_CMD_GET_EDID 0x010au
#define VSIM_GPU_CMD_UPDATE_CURSOR 0x0300u
#define VSIM_GPU_CMD_MOVE_CURSOR 0x0301u
#define VSIM_GPU_RESP_OK_NODATA 0x1100u
#define VSIM_GPU_RESP_OK_DISPLAY_INFO 0x1101u
#define VSIM_GPU_RESP_OK_EDID 0x1104u
#define VSIM_GPU_RESP_ERR_UNSPEC 0x1200u
#define VSIM_GPU_RESP_ERR_OUT_OF_MEMORY 0x1201u
#define VSIM_GPU_RESP_ERR_INVALID_SCANOUT_ID 0x1202u
#define VSIM_GPU_RESP_ERR_INVALID_RESOURCE_ID 0x1203u
#define VSIM_GPU_RESP_ERR_INVALID_CONTEXT_ID 0x1204u
#define VSIM_GPU_RESP_ERR_INVALID_PARAMETER 0x1205u
#define VSIM_GPU_FLAG_FENCE 1u

/* enum virtio_gpu_formats */
#define VSIM_GPU_FORMAT_B8G8R8A8_UNORM 1u
#define VSIM_GPU_FORMAT_B8G8R8X8_UNORM 2u
#define VSIM_GPU_FORMAT_A8R8G8B8_UNORM 3u
#define VSIM_GPU_FORMAT_X8R8G8B8_UNORM 4u
#define VSIM_GPU_FORMAT_R8G8B8A8_UNORM 67u
#define VSIM_GPU_FORMAT_X8B8G8R8_UNORM 68u
#define VSIM_GPU_FORMAT_A8B8G8R8_UNORM 121u
#define VSIM_GPU_FORMAT_R8G8B8X8_UNORM 134u

struct vsim_gpu_opts {
    uint32_t num_scanouts;     /* 1..16; 0: 1 */
    uint32_t width, height;    /* every scanout's display size; 0: 1024x768 */
    uint32_t disabled_mask;    /* scanouts reported disabled (bit i: scanout i) */
    bool edid;                 /* offer VIRTIO_GPU_F_EDID */
    uint16_t queue_max;        /* QueueNumMax of both queues; 0: 256 */
    uint64_t features_off;     /* offered bits to withhold, e.g. VSIM_BIT(VSIM_F_EVENT_IDX) */
    uint32_t max_resources;    /* live resources before ERR_OUT_OF_MEMORY; 0: 1024 */
    uint64_t max_host_bytes;   /* resource pixel memory before ERR_OUT_OF_MEMORY; 0: 256 MiB */
    uint32_t max_entries;      /* entries of one ATTACH_BACKING; 0: 16384 */
    uint32_t bad_num_scanouts; /* non-zero: config num_scanouts reads this (a broken device) */
};

struct vsim_gpu_stats {
    uint64_t commands; /* both queues */
    uint64_t errors;   /* commands answered with an ERR_* type */
    uint64_t transfers, flushes, bytes_transferred;
    uint64_t cursor_updates, cursor_moves;
    uint64_t pngs_written;
};

/* What a scanout shows, as the device sees it. */
struct vsim_gpu_scanout {
    bool enabled;                           /* the display is connected (GET_DISPLAY_INFO) */
    uint32_t width, height;                 /* the display size */
    uint32_t resource_id;                   /* 0: no image set */
    uint32_t x, y, rect_width, rect_height; /* the rectangle of the resource shown */
    uint64_t flushes;                       /* RESOURCE_FLUSH calls that touched it */
};

struct vsim_gpu_cursor {
    uint32_t resource_id; /* 0: hidden */
    uint32_t scanout, x, y, hot_x, hot_y;
    const uint8_t *image; /* 64x64x4 bytes, copied from the resource at the last update */
};

/* A resource's host-side image, read only. */
struct vsim_gpu_resource {
    uint32_t format, width, height, stride;
    const uint8_t *pixels;  /* stride * height bytes */
    uint64_t backing_bytes; /* 0: no backing attached */
    uint32_t nr_entries;
};

struct vsim_gpu;

/* A GPU not yet attached to a transport; NULL on error (vsim_machine_last_error). */
struct vsim_gpu *vsim_gpu_new(struct vsim_machine *m, const struct vsim_gpu_opts *opts);
/* vsim_gpu_new + vsim_mmio_attach to @slot with register layout @mmio_version (1 or 2). */
struct vsim_gpu *vsim_gpu_attach(struct vsim_machine *m, unsigned slot, unsigned mmio_version,
                                 const struct vsim_gpu_opts *opts);
struct vsim_device *vsim_gpu_device(struct vsim_gpu *g);
const struct vsim_gpu_stats *vsim_gpu_stats(const struct vsim_gpu *g);

/* Scanout @idx's state; false when @idx >= num_scanouts. */
bool vsim_gpu_scanout(const struct vsim_gpu *g, uint32_t idx, struct vsim_gpu_scanout *out);
/* The resource @id; false when there is none. */
bool vsim_gpu_resource(const struct vsim_gpu *g, uint32_t id, struct vsim_gpu_resource *out);
uint32_t vsim_gpu_resource_count(const struct vsim_gpu *g);
void vsim_gpu_cursor(const struct vsim_gpu *g, struct vsim_gpu_cursor *out);

/*
 * Hotplug: sets scanout @idx's display size and whether it is enabled, then
 * raises VIRTIO_GPU_EVENT_DISPLAY (events_read and a configuration change).
 */
int vsim_gpu_set_display(struct vsim_gpu *g, uint32_t idx, uint32_t width, uint32_t height,
                         bool enabled);

/*
 * Writes scanout @idx's image (its rectangle of its resource, alpha dropped)
 * as an 8-bit RGB PNG. Returns 0, InvalidParam (bad index), NotReady (no
 * image set) or IoError (the file could not be written).
 */
int vsim_gpu_write_png(struct vsim_gpu *g, uint32_t idx, const char *path);
/* From now on, every flush that touches scanout @idx rewrites @path (NULL: stop). */
int vsim_gpu_png_on_flush(struct vsim_gpu *g, uint32_t idx, const char *path);

#endif
