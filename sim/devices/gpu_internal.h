/* The simulated GPU's state, shared by gpu.c, gpu_res.c and gpu_png.c. */
#ifndef VSIM_GPU_INTERNAL_H
#define VSIM_GPU_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vsim/gpu.h"
#include "vsim/vq.h"

#define GPU_HDR_SIZE 24u         /* struct virtio_gpu_ctrl_hdr */
#define GPU_MEM_ENTRY_SIZE 16u   /* struct virtio_gpu_mem_entry */
#define GPU_DISPLAY_ONE_SIZE 24u /* struct virtio_gpu_display_one */
#define GPU_EDID_MAX 1024u
#define GPU_EDID_BASE_BLOCK 128u
#define GPU_BPP 4u
#define GPU_CURSOR_BYTES (VSIM_GPU_CURSOR_SIZE * VSIM_GPU_CURSOR_SIZE * GPU_BPP)
/* The largest fixed request part (TRANSFER_TO_HOST_2D and UPDATE_CURSOR: 56 bytes). */
#define GPU_REQ_MAX 64u
/* The largest response: struct virtio_gpu_resp_edid. */
#define GPU_RESP_MAX (GPU_HDR_SIZE + 8u + GPU_EDID_MAX)

/* One backing entry, translated: bytes [start, start+len) of the backing live at @host. */
struct gpu_backing {
    uint8_t *host;
    uint64_t start;
    uint32_t len;
};

struct gpu_res {
    uint32_t id, format, width, height, stride;
    uint8_t *pixels;
    size_t bytes;
    struct gpu_backing *ents; /* NULL: no backing */
    uint32_t nents;
    uint64_t backing_bytes;
};

struct gpu_scanout {
    bool enabled;
    uint32_t width, height;
    uint32_t resource_id;
    uint32_t x, y, w, h;
    uint64_t flushes;
    char *png_path;
};

struct vsim_gpu {
    struct vsim_device *dev;
    struct vsim_machine *m;
    struct vsim_gpu_opts o;
    uint32_t events_read;
    struct gpu_scanout scanout[VSIM_GPU_MAX_SCANOUTS];
    struct vsim_gpu_cursor cursor;
    uint8_t *cursor_image; /* GPU_CURSOR_BYTES, from the first cursor image on; NULL before */
    struct gpu_res *res;   /* live resources, unordered */
    uint32_t nres, res_cap;
    uint64_t host_bytes;
    struct vsim_gpu_stats stats;
};

/* One command being served: the request's fixed part and the response being built. */
struct gpu_cmd {
    const struct vsim_chain *c;
    uint8_t req[GPU_REQ_MAX];
    uint32_t req_len; /* bytes of req filled: min(readable, GPU_REQ_MAX) */
    uint32_t type;
    uint8_t resp[GPU_RESP_MAX];
    uint32_t resp_len; /* the response's size, header included */
};

/* ---- gpu_res.c: one handler per command, each returns the response type ---- */
uint32_t vsim__gpu_create_2d(struct vsim_gpu *g, struct gpu_cmd *cmd);
uint32_t vsim__gpu_unref(struct vsim_gpu *g, struct gpu_cmd *cmd);
uint32_t vsim__gpu_attach_backing(struct vsim_gpu *g, struct gpu_cmd *cmd);
uint32_t vsim__gpu_detach_backing(struct vsim_gpu *g, struct gpu_cmd *cmd);
uint32_t vsim__gpu_set_scanout(struct vsim_gpu *g, struct gpu_cmd *cmd);
uint32_t vsim__gpu_transfer_to_host_2d(struct vsim_gpu *g, struct gpu_cmd *cmd);
uint32_t vsim__gpu_resource_flush(struct vsim_gpu *g, struct gpu_cmd *cmd);
uint32_t vsim__gpu_cursor(struct vsim_gpu *g, struct gpu_cmd *cmd);
struct gpu_res *vsim__gpu_find(const struct vsim_gpu *g, uint32_t id);
/* Drops every resource (device reset and destroy). */
void vsim__gpu_free_resources(struct vsim_gpu *g);

/* ---- gpu_png.c ---- */
/* Writes scanout @idx as PNG to @path: 0 or a negative vio_err. */
int vsim__gpu_png(struct vsim_gpu *g, uint32_t idx, const char *path);
/* Writes a 128-byte EDID base block whose preferred mode is @width x @height. */
void vsim__gpu_build_edid(uint8_t *out, uint32_t width, uint32_t height);

#endif
