/*
 * The simulated GPU's resources (Device Operation: controlq, 2D commands):
 * creation, guest backing as translated scatter lists, transfers into the
 * host image, scanouts, flushes and the cursor (Device Operation: cursorq).
 * Every field from the driver is range-checked and answered with an error
 * response type; nothing here trusts the request.
 */
#include <stdlib.h>
#include <string.h>

#include "gpu_internal.h"
#include "internal.h"
#include "vsim/machine.h"

struct gpu_res *vsim__gpu_find(const struct vsim_gpu *g, uint32_t id)
{
    if (id == 0)
        return NULL;
    for (uint32_t i = 0; i < g->nres; i++) {
        if (g->res[i].id == id)
            return &g->res[i];
    }
    return NULL;
}

static void res_detach(struct gpu_res *r)
{
    free(r->ents);
    r->ents = NULL;
    r->nents = 0;
    r->backing_bytes = 0;
}

static void res_free(struct vsim_gpu *g, struct gpu_res *r)
{
    res_detach(r);
    free(r->pixels);
    g->host_bytes -= r->bytes;
    *r = g->res[--g->nres];
}

void vsim__gpu_free_resources(struct vsim_gpu *g)
{
    while (g->nres)
        res_free(g, &g->res[g->nres - 1]);
    for (uint32_t i = 0; i < VSIM_GPU_MAX_SCANOUTS; i++) {
        struct gpu_scanout *s = &g->scanout[i];
        s->resource_id = 0;
        s->x = s->y = s->w = s->h = 0;
    }
    g->cursor.resource_id = 0;
}

static bool format_known(uint32_t format)
{
    switch (format) {
    case VSIM_GPU_FORMAT_B8G8R8A8_UNORM:
    case VSIM_GPU_FORMAT_B8G8R8X8_UNORM:
    case VSIM_GPU_FORMAT_A8R8G8B8_UNORM:
    case VSIM_GPU_FORMAT_X8R8G8B8_UNORM:
    case VSIM_GPU_FORMAT_R8G8B8A8_UNORM:
    case VSIM_GPU_FORMAT_X8B8G8R8_UNORM:
    case VSIM_GPU_FORMAT_A8B8G8R8_UNORM:
    case VSIM_GPU_FORMAT_R8G8B8X8_UNORM:
        return true;
    default:
        return false;
    }
}

/* struct virtio_gpu_rect at @p lies inside @r and is not empty. */
static bool rect_inside(const uint8_t *p, const struct gpu_res *r)
{
    uint32_t x = vsim__ld32(p), y = vsim__ld32(p + 4);
    uint32_t w = vsim__ld32(p + 8), h = vsim__ld32(p + 12);
    return w != 0 && h != 0 && x <= r->width && w <= r->width - x && y <= r->height &&
           h <= r->height - y;
}

/* RESOURCE_CREATE_2D: hdr, resource_id, format, width, height */
uint32_t vsim__gpu_create_2d(struct vsim_gpu *g, struct gpu_cmd *cmd)
{
    if (cmd->req_len < GPU_HDR_SIZE + 16)
        return VSIM_GPU_RESP_ERR_UNSPEC;
    const uint8_t *p = cmd->req + GPU_HDR_SIZE;
    uint32_t id = vsim__ld32(p), format = vsim__ld32(p + 4);
    uint32_t width = vsim__ld32(p + 8), height = vsim__ld32(p + 12);
    if (id == 0 || vsim__gpu_find(g, id))
        return VSIM_GPU_RESP_ERR_INVALID_RESOURCE_ID;
    if (!format_known(format) || width == 0 || height == 0)
        return VSIM_GPU_RESP_ERR_INVALID_PARAMETER;
    uint64_t bytes = (uint64_t)width * height; /* < 2^64: both factors are 32-bit */
    if (bytes > (g->o.max_host_bytes - g->host_bytes) / GPU_BPP || g->nres >= g->o.max_resources)
        return VSIM_GPU_RESP_ERR_OUT_OF_MEMORY;
    bytes *= GPU_BPP;
    if (g->nres == g->res_cap) {
        uint32_t cap = g->res_cap ? g->res_cap * 2 : 16;
        struct gpu_res *res = realloc(g->res, cap * sizeof(*res));
        if (!res)
            return VSIM_GPU_RESP_ERR_OUT_OF_MEMORY;
        g->res = res;
        g->res_cap = cap;
    }
    uint8_t *pixels = calloc(1, (size_t)bytes);
    if (!pixels)
        return VSIM_GPU_RESP_ERR_OUT_OF_MEMORY;
    g->res[g->nres++] = (struct gpu_res){
        .id = id,
        .format = format,
        .width = width,
        .height = height,
        .stride = width * GPU_BPP,
        .pixels = pixels,
        .bytes = (size_t)bytes,
    };
    g->host_bytes += bytes;
    return VSIM_GPU_RESP_OK_NODATA;
}

/* RESOURCE_UNREF: the resource leaves every scanout and the cursor with it. */
uint32_t vsim__gpu_unref(struct vsim_gpu *g, struct gpu_cmd *cmd)
{
    if (cmd->req_len < GPU_HDR_SIZE + 8)
        return VSIM_GPU_RESP_ERR_UNSPEC;
    uint32_t id = vsim__ld32(cmd->req + GPU_HDR_SIZE);
    struct gpu_res *r = vsim__gpu_find(g, id);
    if (!r)
        return VSIM_GPU_RESP_ERR_INVALID_RESOURCE_ID;
    for (uint32_t i = 0; i < VSIM_GPU_MAX_SCANOUTS; i++) {
        if (g->scanout[i].resource_id == id)
            g->scanout[i].resource_id = 0;
    }
    if (g->cursor.resource_id == id)
        g->cursor.resource_id = 0;
    res_free(g, r);
    return VSIM_GPU_RESP_OK_NODATA;
}

/*
 * RESOURCE_ATTACH_BACKING: hdr, resource_id, nr_entries, then nr_entries
 * struct virtio_gpu_mem_entry (le64 addr, le32 length, le32 padding) in the
 * same readable stream. Each entry must lie in guest memory.
 */
uint32_t vsim__gpu_attach_backing(struct vsim_gpu *g, struct gpu_cmd *cmd)
{
    if (cmd->req_len < GPU_HDR_SIZE + 8)
        return VSIM_GPU_RESP_ERR_UNSPEC;
    uint32_t id = vsim__ld32(cmd->req + GPU_HDR_SIZE);
    uint32_t n = vsim__ld32(cmd->req + GPU_HDR_SIZE + 4);
    struct gpu_res *r = vsim__gpu_find(g, id);
    if (!r)
        return VSIM_GPU_RESP_ERR_INVALID_RESOURCE_ID;
    uint64_t first = GPU_HDR_SIZE + 8;
    if (r->ents || n == 0 || n > g->o.max_entries ||
        cmd->c->read_len < first + (uint64_t)n * GPU_MEM_ENTRY_SIZE)
        return VSIM_GPU_RESP_ERR_UNSPEC;
    struct gpu_backing *ents = calloc(n, sizeof(*ents));
    if (!ents)
        return VSIM_GPU_RESP_ERR_OUT_OF_MEMORY;
    uint64_t total = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint8_t e[GPU_MEM_ENTRY_SIZE];
        vsim_chain_read(cmd->c, first + (uint64_t)i * GPU_MEM_ENTRY_SIZE, e, sizeof(e));
        uint64_t addr = vsim__ld64(e);
        uint32_t len = vsim__ld32(e + 8);
        uint8_t *host = vsim_machine_gpa(g->m, addr, len);
        if (!host) {
            free(ents);
            return VSIM_GPU_RESP_ERR_UNSPEC;
        }
        ents[i] = (struct gpu_backing){host, total, len};
        total += len;
    }
    r->ents = ents;
    r->nents = n;
    r->backing_bytes = total;
    return VSIM_GPU_RESP_OK_NODATA;
}

/* RESOURCE_DETACH_BACKING: a resource without backing is an error (a double detach). */
uint32_t vsim__gpu_detach_backing(struct vsim_gpu *g, struct gpu_cmd *cmd)
{
    if (cmd->req_len < GPU_HDR_SIZE + 8)
        return VSIM_GPU_RESP_ERR_UNSPEC;
    struct gpu_res *r = vsim__gpu_find(g, vsim__ld32(cmd->req + GPU_HDR_SIZE));
    if (!r)
        return VSIM_GPU_RESP_ERR_INVALID_RESOURCE_ID;
    if (!r->ents)
        return VSIM_GPU_RESP_ERR_UNSPEC;
    res_detach(r);
    return VSIM_GPU_RESP_OK_NODATA;
}

/* SET_SCANOUT: hdr, rect, scanout_id, resource_id (0 disables the scanout). */
uint32_t vsim__gpu_set_scanout(struct vsim_gpu *g, struct gpu_cmd *cmd)
{
    if (cmd->req_len < GPU_HDR_SIZE + 24)
        return VSIM_GPU_RESP_ERR_UNSPEC;
    const uint8_t *rect = cmd->req + GPU_HDR_SIZE;
    uint32_t idx = vsim__ld32(rect + 16), id = vsim__ld32(rect + 20);
    if (idx >= g->o.num_scanouts)
        return VSIM_GPU_RESP_ERR_INVALID_SCANOUT_ID;
    struct gpu_scanout *s = &g->scanout[idx];
    if (id == 0) {
        s->resource_id = 0;
        s->x = s->y = s->w = s->h = 0;
        return VSIM_GPU_RESP_OK_NODATA;
    }
    struct gpu_res *r = vsim__gpu_find(g, id);
    if (!r)
        return VSIM_GPU_RESP_ERR_INVALID_RESOURCE_ID;
    /* SET_SCANOUT: the rectangle must be completely covered by the resource */
    if (!rect_inside(rect, r))
        return VSIM_GPU_RESP_ERR_INVALID_PARAMETER;
    s->resource_id = id;
    s->x = vsim__ld32(rect);
    s->y = vsim__ld32(rect + 4);
    s->w = vsim__ld32(rect + 8);
    s->h = vsim__ld32(rect + 12);
    return VSIM_GPU_RESP_OK_NODATA;
}

/* Copies backing bytes [@off, @off+@len) into @dst; the caller checked the range. */
static void backing_read(const struct gpu_res *r, uint64_t off, uint8_t *dst, uint64_t len,
                         uint32_t *hint)
{
    uint32_t i = *hint < r->nents && r->ents[*hint].start <= off ? *hint : 0;
    while (len) {
        const struct gpu_backing *e = &r->ents[i];
        uint64_t end = e->start + e->len;
        if (off >= end) {
            i++;
            continue;
        }
        uint64_t take = end - off < len ? end - off : len;
        memcpy(dst, e->host + (off - e->start), (size_t)take);
        dst += take;
        off += take;
        len -= take;
    }
    *hint = i;
}

/*
 * TRANSFER_TO_HOST_2D: hdr, rect, le64 offset, resource_id. Row h of the
 * rectangle comes from backing offset + h * stride (the resource's stride),
 * as QEMU reads it; whole rows are one contiguous copy.
 */
uint32_t vsim__gpu_transfer_to_host_2d(struct vsim_gpu *g, struct gpu_cmd *cmd)
{
    if (cmd->req_len < GPU_HDR_SIZE + 32)
        return VSIM_GPU_RESP_ERR_UNSPEC;
    const uint8_t *rect = cmd->req + GPU_HDR_SIZE;
    uint64_t offset = vsim__ld64(rect + 16);
    struct gpu_res *r = vsim__gpu_find(g, vsim__ld32(rect + 24));
    if (!r || !r->ents)
        return VSIM_GPU_RESP_ERR_INVALID_RESOURCE_ID;
    if (!rect_inside(rect, r))
        return VSIM_GPU_RESP_ERR_INVALID_PARAMETER;
    uint32_t x = vsim__ld32(rect), y = vsim__ld32(rect + 4);
    uint32_t w = vsim__ld32(rect + 8), h = vsim__ld32(rect + 12);
    uint64_t row = (uint64_t)w * GPU_BPP;
    uint64_t span = (uint64_t)(h - 1) * r->stride + row;
    if (offset > r->backing_bytes || span > r->backing_bytes - offset)
        return VSIM_GPU_RESP_ERR_INVALID_PARAMETER;

    uint8_t *dst = r->pixels + (size_t)y * r->stride + (size_t)x * GPU_BPP;
    uint32_t hint = 0;
    if (x == 0 && w == r->width) {
        backing_read(r, offset, dst, (uint64_t)h * r->stride, &hint);
    } else {
        for (uint32_t i = 0; i < h; i++)
            backing_read(r, offset + (uint64_t)i * r->stride, dst + (size_t)i * r->stride, row,
                         &hint);
    }
    g->stats.transfers++;
    g->stats.bytes_transferred += (uint64_t)h * row;
    return VSIM_GPU_RESP_OK_NODATA;
}

/* RESOURCE_FLUSH: hdr, rect, resource_id; every scanout the rectangle touches is updated. */
uint32_t vsim__gpu_resource_flush(struct vsim_gpu *g, struct gpu_cmd *cmd)
{
    if (cmd->req_len < GPU_HDR_SIZE + 24)
        return VSIM_GPU_RESP_ERR_UNSPEC;
    const uint8_t *rect = cmd->req + GPU_HDR_SIZE;
    uint32_t id = vsim__ld32(rect + 16);
    struct gpu_res *r = vsim__gpu_find(g, id);
    if (!r)
        return VSIM_GPU_RESP_ERR_INVALID_RESOURCE_ID;
    if (!rect_inside(rect, r))
        return VSIM_GPU_RESP_ERR_INVALID_PARAMETER;
    uint64_t x = vsim__ld32(rect), y = vsim__ld32(rect + 4);
    uint64_t x_end = x + vsim__ld32(rect + 8), y_end = y + vsim__ld32(rect + 12);
    g->stats.flushes++;
    for (uint32_t i = 0; i < g->o.num_scanouts; i++) {
        struct gpu_scanout *s = &g->scanout[i];
        if (s->resource_id != id || x_end <= s->x || s->x + (uint64_t)s->w <= x || y_end <= s->y ||
            s->y + (uint64_t)s->h <= y)
            continue;
        s->flushes++;
        if (s->png_path)
            vsim__gpu_png(g, i, s->png_path);
    }
    return VSIM_GPU_RESP_OK_NODATA;
}

/*
 * UPDATE_CURSOR / MOVE_CURSOR: hdr, pos {scanout_id, x, y, padding},
 * resource_id, hot_x, hot_y. UPDATE with resource 0 hides the cursor; MOVE
 * ignores everything but the position.
 */
uint32_t vsim__gpu_cursor(struct vsim_gpu *g, struct gpu_cmd *cmd)
{
    if (cmd->req_len < GPU_HDR_SIZE + 32)
        return VSIM_GPU_RESP_ERR_UNSPEC;
    const uint8_t *p = cmd->req + GPU_HDR_SIZE;
    uint32_t idx = vsim__ld32(p);
    if (idx >= g->o.num_scanouts)
        return VSIM_GPU_RESP_ERR_INVALID_SCANOUT_ID;
    struct vsim_gpu_cursor *c = &g->cursor;
    if (cmd->type == VSIM_GPU_CMD_UPDATE_CURSOR) {
        uint32_t id = vsim__ld32(p + 16);
        struct gpu_res *r = vsim__gpu_find(g, id);
        if (id != 0 && !r)
            return VSIM_GPU_RESP_ERR_INVALID_RESOURCE_ID;
        /* Configure mouse cursor: the cursor image is 64x64 */
        if (r && (r->width != VSIM_GPU_CURSOR_SIZE || r->height != VSIM_GPU_CURSOR_SIZE))
            return VSIM_GPU_RESP_ERR_INVALID_PARAMETER;
        if (r && !g->cursor_image && !(g->cursor_image = malloc(GPU_CURSOR_BYTES)))
            return VSIM_GPU_RESP_ERR_OUT_OF_MEMORY;
        if (r)
            memcpy(g->cursor_image, r->pixels, GPU_CURSOR_BYTES);
        c->resource_id = id;
        c->hot_x = vsim__ld32(p + 20);
        c->hot_y = vsim__ld32(p + 24);
        g->stats.cursor_updates++;
    } else {
        g->stats.cursor_moves++;
    }
    c->scanout = idx;
    c->x = vsim__ld32(p + 4);
    c->y = vsim__ld32(p + 8);
    return VSIM_GPU_RESP_OK_NODATA;
}
