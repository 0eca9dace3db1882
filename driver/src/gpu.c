/*
 * The GPU device driver, 2D (Device Types / GPU Device): initialization,
 * the command exchange with its response checks, and the commands one by
 * one. Framebuffer and cursor surfaces are in gpu_surface.c.
 *
 * A well-formed error response (VIRTIO_GPU_RESP_ERR_*) fails only its
 * command. A malformed one (short, of a type the command cannot get, a
 * fence not echoed) is a device violation: the device is reset and latched
 * broken, so no later command trusts it and every backing page may be freed.
 */
#include "vio/err.h"
#include "vio/gpu.h"

#include "vio_internal.h"

_Static_assert(offsetof(struct vio_gpu, ctrlq) < offsetof(struct vio_gpu, cursorq),
               "queues in address order for vio__zero_except_shadows");
_Static_assert(sizeof(struct vio_gpu_ctrl_hdr) == 24, "Request header");
_Static_assert(sizeof(struct vio_gpu_resp_display_info) == 24 + 16 * 24, "GET_DISPLAY_INFO");
_Static_assert(sizeof(struct vio_gpu_resp_edid) == 32 + 1024, "GET_EDID response");
_Static_assert(sizeof(struct vio_gpu_resource_create_2d) == 40, "RESOURCE_CREATE_2D");
_Static_assert(sizeof(struct vio_gpu_resource_id_req) == 32, "RESOURCE_UNREF");
_Static_assert(sizeof(struct vio_gpu_set_scanout) == 48, "SET_SCANOUT");
_Static_assert(sizeof(struct vio_gpu_resource_flush) == 48, "RESOURCE_FLUSH");
_Static_assert(sizeof(struct vio_gpu_transfer_to_host_2d) == 56, "TRANSFER_TO_HOST_2D");
_Static_assert(sizeof(struct vio_gpu_resource_attach_backing) == 32, "RESOURCE_ATTACH_BACKING");
_Static_assert(sizeof(struct vio_gpu_mem_entry) == 16, "struct virtio_gpu_mem_entry");
_Static_assert(sizeof(struct vio_gpu_update_cursor) == 56, "UPDATE_CURSOR");

/* Written into a response type before submission: a device that writes nothing fails. */
#define GPU_RESP_UNSET 0u

const char *vio_gpu_resp_name(uint32_t type)
{
    switch (type) {
#define VIO__GPU_TYPE_NAME(name, value)                                                            \
    case VIO_GPU_##name:                                                                           \
        return "VIRTIO_GPU_" #name;
        VIO_GPU_CTRL_TYPES(VIO__GPU_TYPE_NAME)
#undef VIO__GPU_TYPE_NAME
    default:
        return "unknown";
    }
}

uint32_t vio_gpu_last_error(const struct vio_gpu *g)
{
    return g->last_error;
}

int vio_gpu_resource_bytes(uint32_t width, uint32_t height, size_t *bytes)
{
    if (width == 0 || height == 0)
        return VIO_ERR_INVALID_PARAM;
    /* both factors are below 2^32, so the pixel count cannot overflow 64 bits */
    uint64_t pixels = (uint64_t)width * height;
    if (pixels > VIO_GPU_MAX_RESOURCE_BYTES / VIO_GPU_BYTES_PER_PIXEL)
        return VIO_ERR_INVALID_PARAM;
    *bytes = (size_t)(pixels * VIO_GPU_BYTES_PER_PIXEL);
    return 0;
}

/*
 * After a timeout, a ring violation or a malformed response: reset the
 * device so it lets go of every buffer and page, take the chains back, and
 * refuse everything from now on.
 */
static void gpu_break(struct vio_gpu *g)
{
    vio_transport_shutdown(g->t);
    vio_queue_reclaim_all(&g->ctrlq);
    vio_queue_reclaim_all(&g->cursorq);
    g->t->broken = true;
}

static int gpu_violation(struct vio_gpu *g)
{
    gpu_break(g);
    return VIO_ERR_IO_ERROR;
}

/*
 * Sends one chain (@n_out readable buffers, then @resp) and waits for it.
 * Commands are synchronous, so nothing else is ever in flight on @q.
 */
static int gpu_exchange(struct vio_gpu *g, struct vio_queue *q, const struct vio_sg *out,
                        unsigned n_out, void *resp, uint32_t resp_len, uint32_t *used)
{
    if (g->t->broken)
        return VIO_ERR_IO_ERROR;
    struct vio_sg sg[3];
    if (VIO_NEVER(n_out > 2))
        return VIO_ERR_INVALID_PARAM;
    for (unsigned i = 0; i < n_out; i++)
        sg[i] = out[i];
    sg[n_out] = (struct vio_sg){resp, resp_len};
    ((struct vio_gpu_ctrl_hdr *)resp)->type = GPU_RESP_UNSET;

    int token = vio_queue_add(q, sg, n_out, 1, NULL);
    if (token < 0)
        return token;
    vio_queue_kick(q);
    *used = 0;
    int rc = vio_queue_wait_token(q, (uint16_t)token, used);
    if (rc < 0) {
        gpu_break(g);
        return rc;
    }
    return 0;
}

/*
 * Device Operation: Request header: checks a response of @used bytes
 * against the command's OK type and length, and the fence it was sent
 * with (@fenced, @fence_id). Error types fail the command only.
 */
static int gpu_check_resp(struct vio_gpu *g, const struct vio_gpu_ctrl_hdr *resp, uint32_t used,
                          uint32_t ok_type, size_t ok_len, bool fenced, uint64_t fence_id)
{
    if (used < sizeof *resp)
        return gpu_violation(g);
    uint32_t type = resp->type;
    if (type != ok_type) {
        g->last_error = type;
        if (type >= VIO_GPU_RESP_ERR_UNSPEC && type <= VIO_GPU_RESP_ERR_INVALID_PARAMETER)
            return VIO_ERR_IO_ERROR;
        return gpu_violation(g);
    }
    if (used < ok_len)
        return gpu_violation(g);
    /* Device Operation: Request header: a fenced response echoes the flag and the id */
    if (fenced && ((resp->flags & VIO_GPU_FLAG_FENCE) == 0 || resp->fence_id != fence_id))
        return gpu_violation(g);
    return 0;
}

/*
 * One controlq command: g->req holds the body (@req_len bytes, header
 * filled here), @extra an optional second readable buffer. The response
 * lands in g->resp.
 */
static int gpu_ctrl(struct vio_gpu *g, uint32_t type, size_t req_len, const struct vio_sg *extra,
                    uint32_t ok_type, size_t ok_len)
{
    g->last_error = 0;
    struct vio_gpu_ctrl_hdr *h = &g->req.hdr;
    h->type = type;
    /* Command lifecycle and fencing: fenced, the response means the work is done */
    h->flags = VIO_GPU_FLAG_FENCE;
    h->fence_id = ++g->fence_id;
    h->ctx_id = 0;
    h->ring_idx = 0;
    uint64_t fence_id = h->fence_id;

    struct vio_sg out[2] = {{&g->req, (uint32_t)req_len}};
    unsigned n_out = 1;
    if (extra != NULL)
        out[n_out++] = *extra;
    uint32_t used;
    int rc = gpu_exchange(g, &g->ctrlq, out, n_out, &g->resp, (uint32_t)ok_len, &used);
    if (rc < 0)
        return rc;
    return gpu_check_resp(g, &g->resp.hdr, used, ok_type, ok_len, true, fence_id);
}

int vio_gpu_request(struct vio_gpu *g, unsigned queue, const void *req, size_t req_len, void *resp,
                    size_t resp_len, uint32_t ok_type, size_t ok_len)
{
    g->last_error = 0;
    const struct vio_gpu_ctrl_hdr *h = req;
    if (req == NULL || resp == NULL || queue > VIO_GPU_QUEUE_CURSOR)
        return VIO_ERR_INVALID_PARAM;
    /* both are read and written through struct vio_gpu_ctrl_hdr */
    const uintptr_t align = _Alignof(struct vio_gpu_ctrl_hdr);
    if ((uintptr_t)req % align != 0 || (uintptr_t)resp % align != 0)
        return VIO_ERR_INVALID_PARAM;
    if (req_len < sizeof *h || req_len > UINT32_MAX || resp_len < sizeof *h ||
        resp_len > UINT32_MAX || ok_len < sizeof *h || ok_len > resp_len)
        return VIO_ERR_INVALID_PARAM;
    /* read before sending: the device may write a buffer it should only read */
    bool fenced = (h->flags & VIO_GPU_FLAG_FENCE) != 0;
    uint64_t fence_id = h->fence_id;

    struct vio_queue *q = queue == VIO_GPU_QUEUE_CURSOR ? &g->cursorq : &g->ctrlq;
    struct vio_sg out = {(void *)(uintptr_t)req, (uint32_t)req_len};
    uint32_t used;
    int rc = gpu_exchange(g, q, &out, 1, resp, (uint32_t)resp_len, &used);
    if (rc < 0)
        return rc;
    return gpu_check_resp(g, resp, used, ok_type, ok_len, fenced, fence_id);
}

static int gpu_check_scanout(const struct vio_gpu *g, uint32_t scanout)
{
    return scanout < g->num_scanouts ? 0 : VIO_ERR_INVALID_PARAM;
}

int vio_gpu_get_display_info(struct vio_gpu *g)
{
    vio__zero(&g->req, sizeof g->req);
    int rc = gpu_ctrl(g, VIO_GPU_CMD_GET_DISPLAY_INFO, sizeof g->req.hdr, NULL,
                      VIO_GPU_RESP_OK_DISPLAY_INFO, sizeof g->resp.display_info);
    if (rc < 0)
        return rc;
    /* keep only the scanouts the device has; the rest of the array is noise */
    vio__zero(g->pmodes, sizeof g->pmodes);
    for (uint32_t i = 0; i < g->num_scanouts; i++)
        g->pmodes[i] = g->resp.display_info.pmodes[i];
    return 0;
}

int vio_gpu_display_mode(const struct vio_gpu *g, uint32_t scanout, uint32_t *width,
                         uint32_t *height)
{
    int rc = gpu_check_scanout(g, scanout);
    if (rc < 0)
        return rc;
    const struct vio_gpu_display_one *m = &g->pmodes[scanout];
    /* Device Initialization: a disabled display has no mode to follow */
    if (m->enabled == 0 || m->r.width == 0 || m->r.height == 0)
        return VIO_ERR_NOT_READY;
    *width = m->r.width;
    *height = m->r.height;
    return 0;
}

int vio_gpu_handle_events(struct vio_gpu *g)
{
    uint32_t events;
    int rc = vio_config_read_u32(g->t, VIO_GPU_CFG_EVENTS_READ, &events);
    if (rc < 0)
        return rc;
    if (events == 0)
        return 0;
    /* Device configuration fields: events_clear is write-to-clear; events_read is read-only */
    rc = g->t->ops->config_write(g->t, VIO_GPU_CFG_EVENTS_CLEAR, 4, events);
    if (rc < 0)
        return rc;
    /* Events: VIRTIO_GPU_EVENT_DISPLAY asks for GET_DISPLAY_INFO */
    if (events & VIO_GPU_EVENT_DISPLAY) {
        rc = vio_gpu_get_display_info(g);
        if (rc < 0)
            return rc;
    }
    return (int)(events & VIO_GPU_EVENT_DISPLAY);
}

int vio_gpu_get_edid(struct vio_gpu *g, uint32_t scanout, uint8_t *edid, uint32_t *size)
{
    if (!g->has_edid)
        return VIO_ERR_UNSUPPORTED;
    if (edid == NULL || size == NULL)
        return VIO_ERR_INVALID_PARAM;
    int rc = gpu_check_scanout(g, scanout);
    if (rc < 0)
        return rc;
    vio__zero(&g->req, sizeof g->req);
    g->req.get_edid.scanout = scanout;
    rc = gpu_ctrl(g, VIO_GPU_CMD_GET_EDID, sizeof g->req.get_edid, NULL, VIO_GPU_RESP_OK_EDID,
                  sizeof g->resp.edid);
    if (rc < 0)
        return rc;
    uint32_t n = g->resp.edid.size;
    if (n > VIO_GPU_EDID_MAX)
        return gpu_violation(g);
    vio__copy(edid, g->resp.edid.edid, n);
    *size = n;
    return 0;
}

int vio_gpu_resource_create_2d(struct vio_gpu *g, uint32_t resource_id, uint32_t format,
                               uint32_t width, uint32_t height)
{
    vio__zero(&g->req, sizeof g->req);
    g->req.create_2d.resource_id = resource_id;
    g->req.create_2d.format = format;
    g->req.create_2d.width = width;
    g->req.create_2d.height = height;
    return gpu_ctrl(g, VIO_GPU_CMD_RESOURCE_CREATE_2D, sizeof g->req.create_2d, NULL,
                    VIO_GPU_RESP_OK_NODATA, sizeof g->resp.hdr);
}

static int gpu_resource_id_cmd(struct vio_gpu *g, uint32_t type, uint32_t resource_id)
{
    vio__zero(&g->req, sizeof g->req);
    g->req.id_req.resource_id = resource_id;
    return gpu_ctrl(g, type, sizeof g->req.id_req, NULL, VIO_GPU_RESP_OK_NODATA,
                    sizeof g->resp.hdr);
}

int vio_gpu_resource_unref(struct vio_gpu *g, uint32_t resource_id)
{
    return gpu_resource_id_cmd(g, VIO_GPU_CMD_RESOURCE_UNREF, resource_id);
}

int vio_gpu_detach_backing(struct vio_gpu *g, uint32_t resource_id)
{
    return gpu_resource_id_cmd(g, VIO_GPU_CMD_RESOURCE_DETACH_BACKING, resource_id);
}

int vio_gpu_attach_backing(struct vio_gpu *g, uint32_t resource_id,
                           const struct vio_gpu_mem_entry *entries, uint32_t n)
{
    g->last_error = 0;
    if (entries == NULL || n == 0 || n > VIO_GPU_MAX_MEM_ENTRIES)
        return VIO_ERR_INVALID_PARAM;
    vio__zero(&g->req, sizeof g->req);
    g->req.attach.resource_id = resource_id;
    g->req.attach.nr_entries = n;
    /* RESOURCE_ATTACH_BACKING: the entries follow the request, here as a second buffer */
    struct vio_sg extra = {(void *)(uintptr_t)entries, n * (uint32_t)sizeof *entries};
    return gpu_ctrl(g, VIO_GPU_CMD_RESOURCE_ATTACH_BACKING, sizeof g->req.attach, &extra,
                    VIO_GPU_RESP_OK_NODATA, sizeof g->resp.hdr);
}

int vio_gpu_set_scanout(struct vio_gpu *g, uint32_t scanout, uint32_t resource_id,
                        struct vio_gpu_rect r)
{
    g->last_error = 0;
    int rc = gpu_check_scanout(g, scanout);
    if (rc < 0)
        return rc;
    vio__zero(&g->req, sizeof g->req);
    g->req.set_scanout.r = r;
    g->req.set_scanout.scanout_id = scanout;
    g->req.set_scanout.resource_id = resource_id;
    return gpu_ctrl(g, VIO_GPU_CMD_SET_SCANOUT, sizeof g->req.set_scanout, NULL,
                    VIO_GPU_RESP_OK_NODATA, sizeof g->resp.hdr);
}

int vio_gpu_transfer_to_host_2d(struct vio_gpu *g, uint32_t resource_id, struct vio_gpu_rect r,
                                uint64_t offset)
{
    vio__zero(&g->req, sizeof g->req);
    g->req.transfer.r = r;
    g->req.transfer.offset = offset;
    g->req.transfer.resource_id = resource_id;
    return gpu_ctrl(g, VIO_GPU_CMD_TRANSFER_TO_HOST_2D, sizeof g->req.transfer, NULL,
                    VIO_GPU_RESP_OK_NODATA, sizeof g->resp.hdr);
}

int vio_gpu_resource_flush(struct vio_gpu *g, uint32_t resource_id, struct vio_gpu_rect r)
{
    vio__zero(&g->req, sizeof g->req);
    g->req.flush.r = r;
    g->req.flush.resource_id = resource_id;
    return gpu_ctrl(g, VIO_GPU_CMD_RESOURCE_FLUSH, sizeof g->req.flush, NULL,
                    VIO_GPU_RESP_OK_NODATA, sizeof g->resp.hdr);
}

int vio_gpu_cursor_command(struct vio_gpu *g, bool move, uint32_t scanout, uint32_t x, uint32_t y,
                           uint32_t resource_id, uint32_t hot_x, uint32_t hot_y)
{
    g->last_error = 0;
    int rc = gpu_check_scanout(g, scanout);
    if (rc < 0)
        return rc;
    struct vio_gpu_update_cursor *c = &g->cursor_req;
    vio__zero(c, sizeof *c);
    c->hdr.type = move ? VIO_GPU_CMD_MOVE_CURSOR : VIO_GPU_CMD_UPDATE_CURSOR;
    c->pos.scanout_id = scanout;
    c->pos.x = x;
    c->pos.y = y;
    c->resource_id = resource_id;
    c->hot_x = hot_x;
    c->hot_y = hot_y;

    struct vio_sg out = {c, sizeof *c};
    uint32_t used;
    rc = gpu_exchange(g, &g->cursorq, &out, 1, &g->cursor_resp, sizeof g->cursor_resp, &used);
    if (rc < 0)
        return rc;
    /* QEMU and Linux treat the cursorq as fire-and-forget: no response written */
    if (used == 0)
        return 0;
    return gpu_check_resp(g, &g->cursor_resp, used, VIO_GPU_RESP_OK_NODATA, sizeof g->cursor_resp,
                          false, 0);
}

static int gpu_read_config(struct vio_gpu *g)
{
    uint32_t n;
    int rc = vio_config_read_u32(g->t, VIO_GPU_CFG_NUM_SCANOUTS, &n);
    if (rc < 0)
        return rc;
    /* Device configuration fields: num_scanouts is 1..16; anything else is refused */
    if (n == 0 || n > VIO_GPU_MAX_SCANOUTS) {
        g->t->broken = true;
        return VIO_ERR_IO_ERROR;
    }
    g->num_scanouts = n;
    g->has_edid = vio_has_feature(g->t, VIO_GPU_F_EDID);
    return 0;
}

int vio_gpu_init(struct vio_gpu *g, struct vio_transport *t, uint16_t queue_size)
{
    struct vio_queue *const queues[] = {&g->ctrlq, &g->cursorq};
    vio__zero_except_shadows(g, sizeof *g, queues, 2);
    g->t = t;
    g->ctrlq.broken = true; /* no commands until the queues are live */
    g->cursorq.broken = true;
    g->next_resource_id = 1;
    if (t->device_id != VIO_ID_GPU)
        return VIO_ERR_INVALID_PARAM;

    int rc = vio_transport_begin_init(t, VIO_GPU_SUPPORTED_FEATURES);
    if (rc < 0)
        return rc;
    /* Device Initialization: 7. device-specific setup: config, then controlq and cursorq */
    rc = gpu_read_config(g);
    if (rc == 0)
        rc = vio_queue_init(&g->ctrlq, t, VIO_GPU_QUEUE_CONTROL, queue_size);
    if (rc == 0) {
        rc = vio_queue_init(&g->cursorq, t, VIO_GPU_QUEUE_CURSOR, queue_size);
        if (rc < 0) {
            /* the controlq is live in the device: reset before its rings go */
            vio_transport_shutdown(t);
            vio_queue_deinit(&g->ctrlq);
        }
    }
    if (rc < 0) {
        vio_transport_fail(t);
        return rc;
    }
    vio_transport_finish_init(t);

    /* GPU Device Initialization: the display information drives the scanout setup */
    rc = vio_gpu_get_display_info(g);
    if (rc < 0) {
        vio_transport_shutdown(t);
        vio_queue_deinit(&g->ctrlq);
        vio_queue_deinit(&g->cursorq);
        return rc;
    }
    return 0;
}
