/*
 * The simulated GPU device model (GPU Device): configuration, the two
 * queues, command dispatch with the response header rules of Device
 * Operation: Request header, display information, EDID and the fault
 * points. Resources and transfers are in gpu_res.c, PNG and EDID bytes in
 * gpu_png.c.
 */
#include <stdlib.h>
#include <string.h>

#include "gpu_internal.h"
#include "internal.h"
#include "vio/err.h"
#include "vsim/mmio.h"
#include "vsim/spec.h"

#define GPU_QUEUE_CONTROL 0u
#define GPU_QUEUE_CURSOR 1u

/* ---- configuration ---- */

static void gpu_config_bytes(const struct vsim_gpu *g, uint8_t cfg[VSIM_GPU_CFG_SIZE])
{
    memset(cfg, 0, VSIM_GPU_CFG_SIZE);
    vsim__st32(cfg + VSIM_GPU_CFG_EVENTS_READ, g->events_read);
    vsim__st32(cfg + VSIM_GPU_CFG_NUM_SCANOUTS,
               g->o.bad_num_scanouts ? g->o.bad_num_scanouts : g->o.num_scanouts);
}

static void config_read(void *priv, uint32_t off, void *buf, uint32_t len)
{
    uint8_t cfg[VSIM_GPU_CFG_SIZE];
    gpu_config_bytes(priv, cfg);
    memcpy(buf, cfg + off, len);
}

/* Device configuration fields: only events_clear is writable, and it clears on 1 bits. */
static bool config_write(void *priv, uint32_t off, const void *buf, uint32_t len)
{
    struct vsim_gpu *g = priv;
    const uint8_t *b = buf;
    for (uint32_t i = 0; i < len; i++) {
        uint32_t at = off + i;
        if (at < VSIM_GPU_CFG_EVENTS_CLEAR || at >= VSIM_GPU_CFG_EVENTS_CLEAR + 4)
            return false;
        g->events_read &= ~((uint32_t)b[i] << (8 * (at - VSIM_GPU_CFG_EVENTS_CLEAR)));
    }
    return true;
}

static void reset(void *priv)
{
    struct vsim_gpu *g = priv;
    vsim__gpu_free_resources(g);
    memset(&g->cursor, 0, sizeof(g->cursor));
    g->events_read = 0;
}

/* ---- controlq commands served here ---- */

/* GET_DISPLAY_INFO: scanouts side by side, left to right. */
static uint32_t get_display_info(struct vsim_gpu *g, struct gpu_cmd *cmd)
{
    bool all_off = vsim_device_fault(g->dev, VSIM_FAULT_GPU_DISPLAY_DISABLED, NULL);
    uint32_t x = 0;
    for (uint32_t i = 0; i < g->o.num_scanouts; i++) {
        const struct gpu_scanout *s = &g->scanout[i];
        uint8_t *p = cmd->resp + GPU_HDR_SIZE + i * GPU_DISPLAY_ONE_SIZE;
        vsim__st32(p, x);
        vsim__st32(p + 8, s->width);
        vsim__st32(p + 12, s->height);
        vsim__st32(p + 16, s->enabled && !all_off);
        x += s->width;
    }
    cmd->resp_len = GPU_HDR_SIZE + VSIM_GPU_MAX_SCANOUTS * GPU_DISPLAY_ONE_SIZE;
    return VSIM_GPU_RESP_OK_DISPLAY_INFO;
}

/* GET_EDID: hdr, scanout, padding; answered with size, padding and 1024 EDID bytes. */
static uint32_t get_edid(struct vsim_gpu *g, struct gpu_cmd *cmd)
{
    if (!vsim_device_has(g->dev, VSIM_GPU_F_EDID)) {
        vsim_device_violation(g->dev, VSIM_RULE_GPU_CMD_FEATURE,
                              "GET_EDID without VIRTIO_GPU_F_EDID negotiated");
        return VSIM_GPU_RESP_ERR_UNSPEC;
    }
    if (cmd->req_len < GPU_HDR_SIZE + 8)
        return VSIM_GPU_RESP_ERR_UNSPEC;
    uint32_t idx = vsim__ld32(cmd->req + GPU_HDR_SIZE);
    if (idx >= g->o.num_scanouts)
        return VSIM_GPU_RESP_ERR_INVALID_SCANOUT_ID;
    uint8_t *p = cmd->resp + GPU_HDR_SIZE;
    uint64_t size = GPU_EDID_MAX + 1;
    if (!vsim_device_fault(g->dev, VSIM_FAULT_GPU_EDID_SIZE, &size))
        size = GPU_EDID_BASE_BLOCK;
    vsim__gpu_build_edid(p + 8, g->scanout[idx].width, g->scanout[idx].height);
    vsim__st32(p, (uint32_t)size);
    cmd->resp_len = GPU_RESP_MAX;
    return VSIM_GPU_RESP_OK_EDID;
}

static uint32_t dispatch(struct vsim_gpu *g, struct gpu_cmd *cmd, uint16_t queue)
{
    bool cursor_cmd =
        cmd->type == VSIM_GPU_CMD_UPDATE_CURSOR || cmd->type == VSIM_GPU_CMD_MOVE_CURSOR;
    /* Device Operation: cursorq takes the cursor commands, controlq every other one */
    if ((queue == GPU_QUEUE_CURSOR) != cursor_cmd) {
        vsim_device_violation(g->dev, VSIM_RULE_GPU_CMD_QUEUE, "command 0x%04x on the %s",
                              cmd->type, queue == GPU_QUEUE_CURSOR ? "cursorq" : "controlq");
        return VSIM_GPU_RESP_ERR_UNSPEC;
    }
    if (cursor_cmd)
        return vsim__gpu_cursor(g, cmd);
    switch (cmd->type) {
    case VSIM_GPU_CMD_GET_DISPLAY_INFO:
        return get_display_info(g, cmd);
    case VSIM_GPU_CMD_GET_EDID:
        return get_edid(g, cmd);
    case VSIM_GPU_CMD_RESOURCE_CREATE_2D:
        return vsim__gpu_create_2d(g, cmd);
    case VSIM_GPU_CMD_RESOURCE_UNREF:
        return vsim__gpu_unref(g, cmd);
    case VSIM_GPU_CMD_SET_SCANOUT:
        return vsim__gpu_set_scanout(g, cmd);
    case VSIM_GPU_CMD_RESOURCE_FLUSH:
        return vsim__gpu_resource_flush(g, cmd);
    case VSIM_GPU_CMD_TRANSFER_TO_HOST_2D:
        return vsim__gpu_transfer_to_host_2d(g, cmd);
    case VSIM_GPU_CMD_RESOURCE_ATTACH_BACKING:
        return vsim__gpu_attach_backing(g, cmd);
    case VSIM_GPU_CMD_RESOURCE_DETACH_BACKING:
        return vsim__gpu_detach_backing(g, cmd);
    default: /* 3D, blob, capset and UUID commands need features the bench never offers */
        vsim_device_violation(g->dev, VSIM_RULE_GPU_CMD_FEATURE,
                              "controlq command 0x%04x of no negotiated feature", cmd->type);
        return VSIM_GPU_RESP_ERR_UNSPEC;
    }
}

/* The OK type a command cannot get, for the resp_wrong_type fault. */
static uint32_t wrong_ok_type(uint32_t type)
{
    return type == VSIM_GPU_RESP_OK_NODATA ? VSIM_GPU_RESP_OK_DISPLAY_INFO
                                           : VSIM_GPU_RESP_OK_NODATA;
}

/* Serves one chain; returns the used length. */
static uint32_t serve(struct vsim_gpu *g, const struct vsim_chain *c, uint16_t queue)
{
    struct gpu_cmd cmd_storage = {0}, *cmd = &cmd_storage;
    cmd->c = c;
    cmd->req_len = (uint32_t)vsim_chain_read(c, 0, cmd->req, sizeof(cmd->req));
    cmd->resp_len = GPU_HDR_SIZE;
    g->stats.commands++;

    uint32_t type;
    uint64_t forced = VSIM_GPU_RESP_ERR_UNSPEC;
    if (cmd->req_len < GPU_HDR_SIZE || c->write_len < GPU_HDR_SIZE) {
        vsim_device_violation(g->dev, VSIM_RULE_GPU_FRAMING,
                              "head %u: %u readable, %llu writable bytes; a header is %u", c->head,
                              cmd->req_len, (unsigned long long)c->write_len, GPU_HDR_SIZE);
        type = VSIM_GPU_RESP_ERR_UNSPEC;
    } else {
        cmd->type = vsim__ld32(cmd->req);
        if (vsim_device_fault(g->dev, VSIM_FAULT_GPU_RESP_ERROR, &forced))
            type = (uint32_t)forced;
        else
            type = dispatch(g, cmd, queue);
    }
    if (type >= VSIM_GPU_RESP_ERR_UNSPEC) {
        g->stats.errors++;
        cmd->resp_len = GPU_HDR_SIZE; /* an error carries no payload */
    } else if (vsim_device_fault(g->dev, VSIM_FAULT_GPU_RESP_WRONG_TYPE, NULL)) {
        type = wrong_ok_type(type);
    }

    /* Request header: the response echoes a fence (and its context), once the work is done */
    uint32_t flags = cmd->req_len >= GPU_HDR_SIZE ? vsim__ld32(cmd->req + 4) : 0;
    vsim__st32(cmd->resp, type);
    if ((flags & VSIM_GPU_FLAG_FENCE) &&
        !vsim_device_fault(g->dev, VSIM_FAULT_GPU_FENCE_DROP, NULL)) {
        vsim__st32(cmd->resp + 4, VSIM_GPU_FLAG_FENCE);
        memcpy(cmd->resp + 8, cmd->req + 8, 12); /* fence_id, ctx_id */
    }
    uint32_t used = (uint32_t)vsim_chain_write(c, 0, cmd->resp, cmd->resp_len);
    uint64_t short_len = 16;
    if (used && vsim_device_fault(g->dev, VSIM_FAULT_GPU_RESP_SHORT, &short_len))
        used = short_len < used ? (uint32_t)short_len : used - 1;
    vsim_device_trace(g->dev, "%s cmd 0x%04x -> 0x%04x used %u", queue ? "cursorq" : "controlq",
                      cmd->type, type, used);
    return used;
}

static void queue_notify(void *priv, struct vsim_vq *vq)
{
    struct vsim_gpu *g = priv;
    struct vsim_chain c;
    while (vsim_vq_pop(vq, &c))
        vsim_vq_push(vq, &c, serve(g, &c, vsim_vq_index(vq)));
}

static void destroy(void *priv)
{
    struct vsim_gpu *g = priv;
    vsim__gpu_free_resources(g);
    free(g->res);
    free(g->cursor_image);
    for (uint32_t i = 0; i < VSIM_GPU_MAX_SCANOUTS; i++)
        free(g->scanout[i].png_path);
    free(g);
}

static const struct vsim_device_ops gpu_ops = {
    .config_read = config_read,
    .config_write = config_write,
    .reset = reset,
    .queue_notify = queue_notify,
    .destroy = destroy,
};

/* ---- public ---- */

static bool fill_opts(struct vsim_machine *m, struct vsim_gpu_opts *o)
{
    if (o->num_scanouts == 0)
        o->num_scanouts = 1;
    if (o->width == 0 && o->height == 0) {
        o->width = VSIM_GPU_WIDTH_DEFAULT;
        o->height = VSIM_GPU_HEIGHT_DEFAULT;
    }
    if (o->num_scanouts > VSIM_GPU_MAX_SCANOUTS || o->width == 0 || o->height == 0) {
        vsim__set_error(m, "gpu: %u scanouts of %ux%u: need 1..16 scanouts of a non-zero size",
                        o->num_scanouts, o->width, o->height);
        return false;
    }
    if (o->queue_max == 0)
        o->queue_max = 256;
    if (o->max_resources == 0)
        o->max_resources = 1024;
    if (o->max_host_bytes == 0)
        o->max_host_bytes = (uint64_t)256 << 20;
    if (o->max_entries == 0)
        o->max_entries = 16384;
    return true;
}

struct vsim_gpu *vsim_gpu_new(struct vsim_machine *m, const struct vsim_gpu_opts *opts)
{
    struct vsim_gpu_opts o = opts ? *opts : (struct vsim_gpu_opts){0};
    if (!fill_opts(m, &o))
        return NULL;
    struct vsim_gpu *g = calloc(1, sizeof(*g));
    if (!g)
        return NULL;
    g->m = m;
    g->o = o;
    for (uint32_t i = 0; i < o.num_scanouts; i++) {
        g->scanout[i].enabled = !(o.disabled_mask & (1u << i));
        g->scanout[i].width = o.width;
        g->scanout[i].height = o.height;
    }
    uint64_t features =
        VSIM_BIT(VSIM_F_VERSION_1) | VSIM_BIT(VSIM_F_INDIRECT_DESC) | VSIM_BIT(VSIM_F_EVENT_IDX);
    if (o.edid)
        features |= VSIM_BIT(VSIM_GPU_F_EDID);
    struct vsim_device_model model = {
        .name = "gpu",
        .device_id = VSIM_ID_GPU,
        .vendor_id = VSIM_MMIO_VENDOR,
        .features = features & ~o.features_off,
        .num_queues = 2,
        .queue_max = o.queue_max,
        .config_size = VSIM_GPU_CFG_SIZE,
        .ops = &gpu_ops,
        .priv = g,
    };
    g->dev = vsim_device_create(m, &model);
    if (!g->dev) {
        destroy(g);
        return NULL;
    }
    return g;
}

struct vsim_gpu *vsim_gpu_attach(struct vsim_machine *m, unsigned slot, unsigned mmio_version,
                                 const struct vsim_gpu_opts *opts)
{
    struct vsim_gpu *g = vsim_gpu_new(m, opts);
    if (!g)
        return NULL;
    /* On failure the machine still owns (and later frees) the unattached device. */
    return vsim_mmio_attach(m, slot, mmio_version, g->dev) ? NULL : g;
}

struct vsim_device *vsim_gpu_device(struct vsim_gpu *g)
{
    return g->dev;
}

const struct vsim_gpu_stats *vsim_gpu_stats(const struct vsim_gpu *g)
{
    return &g->stats;
}

bool vsim_gpu_scanout(const struct vsim_gpu *g, uint32_t idx, struct vsim_gpu_scanout *out)
{
    if (idx >= g->o.num_scanouts)
        return false;
    const struct gpu_scanout *s = &g->scanout[idx];
    *out = (struct vsim_gpu_scanout){
        .enabled = s->enabled,
        .width = s->width,
        .height = s->height,
        .resource_id = s->resource_id,
        .x = s->x,
        .y = s->y,
        .rect_width = s->w,
        .rect_height = s->h,
        .flushes = s->flushes,
    };
    return true;
}

bool vsim_gpu_resource(const struct vsim_gpu *g, uint32_t id, struct vsim_gpu_resource *out)
{
    const struct gpu_res *r = vsim__gpu_find(g, id);
    if (!r)
        return false;
    *out = (struct vsim_gpu_resource){
        .format = r->format,
        .width = r->width,
        .height = r->height,
        .stride = r->stride,
        .pixels = r->pixels,
        .backing_bytes = r->ents ? r->backing_bytes : 0,
        .nr_entries = r->nents,
    };
    return true;
}

uint32_t vsim_gpu_resource_count(const struct vsim_gpu *g)
{
    return g->nres;
}

void vsim_gpu_cursor(const struct vsim_gpu *g, struct vsim_gpu_cursor *out)
{
    /* no image was ever set: a blank one (the device's cursor memory is allocated at the first) */
    static const uint8_t blank[GPU_CURSOR_BYTES];
    *out = g->cursor;
    out->image = g->cursor_image ? g->cursor_image : blank;
}

int vsim_gpu_set_display(struct vsim_gpu *g, uint32_t idx, uint32_t width, uint32_t height,
                         bool enabled)
{
    if (idx >= g->o.num_scanouts)
        return VIO_ERR_INVALID_PARAM;
    g->scanout[idx].width = width;
    g->scanout[idx].height = height;
    g->scanout[idx].enabled = enabled;
    /* Events: VIRTIO_GPU_EVENT_DISPLAY, announced as a configuration change */
    g->events_read |= VSIM_GPU_EVENT_DISPLAY;
    vsim_device_config_changed(g->dev);
    return VIO_OK;
}

int vsim_gpu_write_png(struct vsim_gpu *g, uint32_t idx, const char *path)
{
    if (idx >= g->o.num_scanouts || !path)
        return VIO_ERR_INVALID_PARAM;
    return vsim__gpu_png(g, idx, path);
}

int vsim_gpu_png_on_flush(struct vsim_gpu *g, uint32_t idx, const char *path)
{
    if (idx >= g->o.num_scanouts)
        return VIO_ERR_INVALID_PARAM;
    char *copy = NULL;
    if (path && !(copy = strdup(path)))
        return VIO_ERR_DMA_ERROR;
    free(g->scanout[idx].png_path);
    g->scanout[idx].png_path = copy;
    return VIO_OK;
}
