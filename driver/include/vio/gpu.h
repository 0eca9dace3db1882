/* The GPU device driver, 2D mode only (Device Types / GPU Device). */
#ifndef VIO_GPU_H
#define VIO_GPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vio/queue.h"
#include "vio/spec.h"
#include "vio/transport.h"

/* Feature bits */
#define VIO_GPU_F_VIRGL (1ull << 0)
#define VIO_GPU_F_EDID (1ull << 1)

/* Feature bits this driver implements; only these are ever negotiated. */
#define VIO_GPU_SUPPORTED_FEATURES                                                                 \
    (VIO_GPU_F_EDID | VIO_F_VERSION_1 | VIO_F_EVENT_IDX | VIO_F_INDIRECT_DESC)

/* Virtqueues */
#define VIO_GPU_QUEUE_CONTROL 0u
#define VIO_GPU_QUEUE_CURSOR 1u

/* Device configuration layout: struct virtio_gpu_config offsets, and its event bit */
#define VIO_GPU_CFG_EVENTS_READ 0u
#define VIO_GPU_CFG_EVENTS_CLEAR 4u
#define VIO_GPU_CFG_NUM_SCANOUTS 8u
#define VIO_GPU_CFG_NUM_CAPSETS 12u
#define VIO_GPU_EVENT_DISPLAY (1u << 0)

#define VIO_GPU_MAX_SCANOUTS 16u
#define VIO_GPU_FLAG_FENCE (1u << 0)
/* Device Operation: Configure mouse cursor: the cursor resource is 64x64 */
#define VIO_GPU_CURSOR_SIZE 64u
#define VIO_GPU_EDID_MAX 1024u
/* Every format this driver knows has 4 bytes per pixel. */
#define VIO_GPU_BYTES_PER_PIXEL 4u
/*
 * The largest resource the driver backs: its backing is one DMA allocation
 * described by one struct vio_gpu_mem_entry, whose length is 32 bits.
 */
#define VIO_GPU_MAX_RESOURCE_BYTES 0xfffff000u

/* X(NAME, value): enum virtio_gpu_ctrl_type without its 3D commands, spec spelling. */
#define VIO_GPU_CTRL_TYPES(X)                                                                      \
    X(CMD_GET_DISPLAY_INFO, 0x0100)                                                                \
    X(CMD_RESOURCE_CREATE_2D, 0x0101)                                                              \
    X(CMD_RESOURCE_UNREF, 0x0102)                                                                  \
    X(CMD_SET_SCANOUT, 0x0103)                                                                     \
    X(CMD_RESOURCE_FLUSH, 0x0104)                                                                  \
    X(CMD_TRANSFER_TO_HOST_2D, 0x0105)                                                             \
    X(CMD_RESOURCE_ATTACH_BACKING, 0x0106)                                                         \
    X(CMD_RESOURCE_DETACH_BACKING, 0x0107)                                                         \
    X(CMD_GET_CAPSET_INFO, 0x0108)                                                                 \
    X(CMD_GET_CAPSET, 0x0109)                                                                      \
    X(CMD_GET_EDID, 0x010a)                                                                        \
    X(CMD_RESOURCE_ASSIGN_UUID, 0x010b)                                                            \
    X(CMD_RESOURCE_CREATE_BLOB, 0x010c)                                                            \
    X(CMD_SET_SCANOUT_BLOB, 0x010d)                                                                \
    X(CMD_UPDATE_CURSOR, 0x0300)                                                                   \
    X(CMD_MOVE_CURSOR, 0x0301)                                                                     \
    X(RESP_OK_NODATA, 0x1100)                                                                      \
    X(RESP_OK_DISPLAY_INFO, 0x1101)                                                                \
    X(RESP_OK_CAPSET_INFO, 0x1102)                                                                 \
    X(RESP_OK_CAPSET, 0x1103)                                                                      \
    X(RESP_OK_EDID, 0x1104)                                                                        \
    X(RESP_OK_RESOURCE_UUID, 0x1105)                                                               \
    X(RESP_OK_MAP_INFO, 0x1106)                                                                    \
    X(RESP_ERR_UNSPEC, 0x1200)                                                                     \
    X(RESP_ERR_OUT_OF_MEMORY, 0x1201)                                                              \
    X(RESP_ERR_INVALID_SCANOUT_ID, 0x1202)                                                         \
    X(RESP_ERR_INVALID_RESOURCE_ID, 0x1203)                                                        \
    X(RESP_ERR_INVALID_CONTEXT_ID, 0x1204)                                                         \
    X(RESP_ERR_INVALID_PARAMETER, 0x1205)

enum vio_gpu_ctrl_type {
#define VIO__GPU_TYPE_ENUM(name, value) VIO_GPU_##name = (value),
    VIO_GPU_CTRL_TYPES(VIO__GPU_TYPE_ENUM)
#undef VIO__GPU_TYPE_ENUM
};

/* enum virtio_gpu_formats */
enum vio_gpu_format {
    VIO_GPU_FORMAT_B8G8R8A8_UNORM = 1,
    VIO_GPU_FORMAT_B8G8R8X8_UNORM = 2,
    VIO_GPU_FORMAT_A8R8G8B8_UNORM = 3,
    VIO_GPU_FORMAT_X8R8G8B8_UNORM = 4,
    VIO_GPU_FORMAT_R8G8B8A8_UNORM = 67,
    VIO_GPU_FORMAT_X8B8G8R8_UNORM = 68,
    VIO_GPU_FORMAT_A8B8G8R8_UNORM = 121,
    VIO_GPU_FORMAT_R8G8B8X8_UNORM = 134,
};

/*
 * The wire structures of Device Operation: Request header, controlq and
 * cursorq, little-endian hosts only (as the virtqueue).
 */
struct vio_gpu_ctrl_hdr {
    uint32_t type;
    uint32_t flags;
    uint64_t fence_id;
    uint32_t ctx_id;
    uint8_t ring_idx;
    uint8_t padding[3];
};

struct vio_gpu_rect {
    uint32_t x;
    uint32_t y;
    uint32_t width;
    uint32_t height;
};

struct vio_gpu_display_one {
    struct vio_gpu_rect r;
    uint32_t enabled;
    uint32_t flags;
};

struct vio_gpu_resp_display_info {
    struct vio_gpu_ctrl_hdr hdr;
    struct vio_gpu_display_one pmodes[VIO_GPU_MAX_SCANOUTS];
};

struct vio_gpu_get_edid {
    struct vio_gpu_ctrl_hdr hdr;
    uint32_t scanout;
    uint32_t padding;
};

struct vio_gpu_resp_edid {
    struct vio_gpu_ctrl_hdr hdr;
    uint32_t size;
    uint32_t padding;
    uint8_t edid[VIO_GPU_EDID_MAX];
};

struct vio_gpu_resource_create_2d {
    struct vio_gpu_ctrl_hdr hdr;
    uint32_t resource_id;
    uint32_t format;
    uint32_t width;
    uint32_t height;
};

/* RESOURCE_UNREF and RESOURCE_DETACH_BACKING share this layout. */
struct vio_gpu_resource_id_req {
    struct vio_gpu_ctrl_hdr hdr;
    uint32_t resource_id;
    uint32_t padding;
};

struct vio_gpu_set_scanout {
    struct vio_gpu_ctrl_hdr hdr;
    struct vio_gpu_rect r;
    uint32_t scanout_id;
    uint32_t resource_id;
};

struct vio_gpu_resource_flush {
    struct vio_gpu_ctrl_hdr hdr;
    struct vio_gpu_rect r;
    uint32_t resource_id;
    uint32_t padding;
};

struct vio_gpu_transfer_to_host_2d {
    struct vio_gpu_ctrl_hdr hdr;
    struct vio_gpu_rect r;
    uint64_t offset;
    uint32_t resource_id;
    uint32_t padding;
};

struct vio_gpu_resource_attach_backing {
    struct vio_gpu_ctrl_hdr hdr;
    uint32_t resource_id;
    uint32_t nr_entries;
};

struct vio_gpu_mem_entry {
    uint64_t addr;
    uint32_t length;
    uint32_t padding;
};

struct vio_gpu_cursor_pos {
    uint32_t scanout_id;
    uint32_t x;
    uint32_t y;
    uint32_t padding;
};

/* UPDATE_CURSOR and MOVE_CURSOR */
struct vio_gpu_update_cursor {
    struct vio_gpu_ctrl_hdr hdr;
    struct vio_gpu_cursor_pos pos;
    uint32_t resource_id;
    uint32_t hot_x;
    uint32_t hot_y;
    uint32_t padding;
};

/* The most entries one RESOURCE_ATTACH_BACKING may carry (one chain buffer of them). */
#define VIO_GPU_MAX_MEM_ENTRIES 256u

/*
 * A resource with guest backing from the HAL's DMA allocator: the
 * framebuffer or the cursor image. Fields are the driver's; read only.
 */
struct vio_gpu_surface {
    uint32_t resource_id; /* 0: none on the device */
    uint32_t format;      /* enum vio_gpu_format */
    uint32_t width;
    uint32_t height;
    uint32_t stride; /* bytes per row: width * 4 */
    size_t size;     /* bytes: stride * height */
    void *vaddr;     /* the backing, NULL when none */
    vio_paddr_t paddr;
    size_t pages;
    bool attached; /* the device holds the backing: it may not be freed */
};

struct vio_gpu {
    struct vio_transport *t;
    struct vio_queue ctrlq;
    struct vio_queue cursorq;
    uint32_t num_scanouts; /* from the config, 1..16 */
    bool has_edid;
    struct vio_gpu_display_one pmodes[VIO_GPU_MAX_SCANOUTS]; /* the last display info */
    uint32_t last_error;                                     /* see vio_gpu_last_error */
    uint64_t fence_id;                                       /* the last fence used */
    uint32_t next_resource_id;

    struct vio_gpu_surface fb;
    uint32_t fb_scanout;
    bool fb_on_scanout;

    struct vio_gpu_surface cursor;
    uint32_t cursor_scanout;
    bool cursor_shown;

    /* request and response buffers, shared with the device per command */
    union {
        struct vio_gpu_ctrl_hdr hdr;
        struct vio_gpu_get_edid get_edid;
        struct vio_gpu_resource_create_2d create_2d;
        struct vio_gpu_resource_id_req id_req;
        struct vio_gpu_set_scanout set_scanout;
        struct vio_gpu_resource_flush flush;
        struct vio_gpu_transfer_to_host_2d transfer;
        struct vio_gpu_resource_attach_backing attach;
    } req;
    union {
        struct vio_gpu_ctrl_hdr hdr;
        struct vio_gpu_resp_display_info display_info;
        struct vio_gpu_resp_edid edid;
    } resp;
    struct vio_gpu_mem_entry entry; /* the single backing entry of a surface */
    struct vio_gpu_update_cursor cursor_req;
    struct vio_gpu_ctrl_hdr cursor_resp;
};

/*
 * vio_gpu_init - completes Device Initialization of a probed GPU with two
 * queues of @queue_size (0: as large as allowed), then fetches the display
 * information (Device Initialization). Returns 0 or a negative vio_err; on
 * failure the device is reset or left FAILED and nothing leaks.
 * InvalidParam when @t is not a GPU; IoError when num_scanouts is outside
 * 1..16 (the device is refused, not trusted) or GET_DISPLAY_INFO fails.
 */
int vio_gpu_init(struct vio_gpu *g, struct vio_transport *t, uint16_t queue_size);
/*
 * Takes the framebuffer off its scanout, detaches and unrefs the surfaces
 * (skipped on a broken device), resets the device, then frees every DMA page
 * and the queues.
 */
void vio_gpu_deinit(struct vio_gpu *g);

/*
 * Errors. A response whose type is an error (VIRTIO_GPU_RESP_ERR_*) or
 * not the OK type the command expects is IoError, and that type is kept for
 * vio_gpu_last_error. Every other outcome (success, a short response, a
 * fence not echoed, a timeout, a driver-side refusal) sets it to 0.
 */
uint32_t vio_gpu_last_error(const struct vio_gpu *g);
/* The spec's name of a ctrl_type value ("VIRTIO_GPU_RESP_ERR_UNSPEC"), or "unknown". */
const char *vio_gpu_resp_name(uint32_t type);

/*
 * Display information. vio_gpu_get_display_info refreshes g->pmodes.
 * vio_gpu_display_mode gives scanout @scanout's preferred size:
 * InvalidParam when @scanout >= num_scanouts, NotReady when the scanout is
 * disabled or its size is zero (nothing to show there).
 */
int vio_gpu_get_display_info(struct vio_gpu *g);
int vio_gpu_display_mode(const struct vio_gpu *g, uint32_t scanout, uint32_t *width,
                         uint32_t *height);
/*
 * Events: returns the pending events_read bits (>= 0) after clearing them
 * through events_clear, and refreshes the display information when
 * VIRTIO_GPU_EVENT_DISPLAY was among them; or a negative vio_err.
 */
int vio_gpu_handle_events(struct vio_gpu *g);
/*
 * EDID of @scanout into @edid (VIO_GPU_EDID_MAX bytes), its size in *size.
 * Unsupported without VIRTIO_GPU_F_EDID; IoError when the size exceeds 1024.
 */
int vio_gpu_get_edid(struct vio_gpu *g, uint32_t scanout, uint8_t *edid, uint32_t *size);

/*
 * The framebuffer: creates a 2D resource of @format (0: B8G8R8A8_UNORM) and
 * @width x @height (0 x 0: the scanout's display mode), backs it with zeroed
 * DMA pages and sets it as scanout @scanout's image. Fails with
 * InvalidParam for a bad scanout index, an unknown format, a zero width or
 * height, or width * height * 4 above VIO_GPU_MAX_RESOURCE_BYTES; NotReady
 * for a disabled or zero-sized display mode; AlreadyUsed when a
 * framebuffer exists. Draw into g->fb.vaddr (g->fb.stride bytes per row).
 */
int vio_gpu_setup_framebuffer(struct vio_gpu *g, uint32_t scanout, uint32_t width, uint32_t height,
                              uint32_t format);
/* TRANSFER_TO_HOST_2D then RESOURCE_FLUSH of the whole framebuffer (NotReady without one). */
int vio_gpu_flush(struct vio_gpu *g);
/* The same for one rectangle, which must lie inside the framebuffer (InvalidParam). */
int vio_gpu_flush_rect(struct vio_gpu *g, struct vio_gpu_rect r);
/*
 * Disables the scanout, detaches the backing and unrefs the resource. The
 * pages are freed once the device let go of them; if it did not answer,
 * they stay until vio_gpu_deinit resets it.
 */
int vio_gpu_release_framebuffer(struct vio_gpu *g);

/*
 * The cursor (Device Operation: Configure mouse cursor): copies @image
 * (64x64 B8G8R8A8 pixels, row-major) into the cursor resource, created on
 * first use, transfers it (fenced), then sends UPDATE_CURSOR on the cursorq
 * for scanout @scanout at (@x, @y) with hot spot (@hot_x, @hot_y), each
 * below 64 (InvalidParam).
 */
int vio_gpu_setup_cursor(struct vio_gpu *g, uint32_t scanout, const uint32_t *image, uint32_t x,
                         uint32_t y, uint32_t hot_x, uint32_t hot_y);
/* MOVE_CURSOR on the cursor's scanout; NotReady before vio_gpu_setup_cursor. */
int vio_gpu_move_cursor(struct vio_gpu *g, uint32_t x, uint32_t y);
/*
 * Hides the cursor (UPDATE_CURSOR with resource 0, as QEMU and Linux read
 * it), then detaches, unrefs and frees the cursor resource.
 */
int vio_gpu_release_cursor(struct vio_gpu *g);

/*
 * The commands one by one, for callers that manage their own resources.
 * Every controlq command is fenced (VIRTIO_GPU_FLAG_FENCE with a new
 * fence_id) so it is complete when its response arrives; the response
 * must echo the flag and the id. Scanout indices are checked against
 * num_scanouts (InvalidParam); resource ids and rectangles are the
 * device's to check.
 */
int vio_gpu_resource_create_2d(struct vio_gpu *g, uint32_t resource_id, uint32_t format,
                               uint32_t width, uint32_t height);
int vio_gpu_resource_unref(struct vio_gpu *g, uint32_t resource_id);
/* @n (1..VIO_GPU_MAX_MEM_ENTRIES) entries of guest-physical backing. */
int vio_gpu_attach_backing(struct vio_gpu *g, uint32_t resource_id,
                           const struct vio_gpu_mem_entry *entries, uint32_t n);
int vio_gpu_detach_backing(struct vio_gpu *g, uint32_t resource_id);
/* @resource_id 0 disables the scanout. */
int vio_gpu_set_scanout(struct vio_gpu *g, uint32_t scanout, uint32_t resource_id,
                        struct vio_gpu_rect r);
int vio_gpu_transfer_to_host_2d(struct vio_gpu *g, uint32_t resource_id, struct vio_gpu_rect r,
                                uint64_t offset);
int vio_gpu_resource_flush(struct vio_gpu *g, uint32_t resource_id, struct vio_gpu_rect r);
/*
 * The cursorq commands (@move selects MOVE_CURSOR). A cursorq response is
 * checked like any other, except that a used length of 0 is accepted as
 * "no response written", which is what QEMU and Linux do on that queue.
 */
int vio_gpu_cursor_command(struct vio_gpu *g, bool move, uint32_t scanout, uint32_t x, uint32_t y,
                           uint32_t resource_id, uint32_t hot_x, uint32_t hot_y);

/*
 * vio_gpu_request - a request the caller built: @req (@req_len bytes,
 * starting with a struct vio_gpu_ctrl_hdr, sent as is) on queue @queue
 * (VIO_GPU_QUEUE_*), with @resp (@resp_len bytes, at least a header) for
 * the answer; both aligned as struct vio_gpu_ctrl_hdr (InvalidParam). The response gets the same
 * checks as the typed calls: 0 when its type is @ok_type and it is at least @ok_len bytes long (the
 * fence is checked when the request set VIRTIO_GPU_FLAG_FENCE), else IoError.
 */
int vio_gpu_request(struct vio_gpu *g, unsigned queue, const void *req, size_t req_len, void *resp,
                    size_t resp_len, uint32_t ok_type, size_t ok_len);

/* width * height * 4 into *bytes; InvalidParam on zero, overflow or beyond the bound above. */
int vio_gpu_resource_bytes(uint32_t width, uint32_t height, size_t *bytes);

#endif
