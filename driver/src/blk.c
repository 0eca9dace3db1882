/* The block device driver (Device Types / Block Device), one request queue. */
#include "vio/blk.h"
#include "vio/err.h"

#include "vio_internal.h"

_Static_assert(sizeof(((struct vio_blk_req *)0)->hdr) == 16, "Device Operation: request header");

/* Device configuration layout: offsets in struct virtio_blk_config */
#define BLK_CFG_CAPACITY 0u
#define BLK_CFG_BLK_SIZE 20u

/* The largest logical block size the driver accepts from BLK_SIZE. */
#define BLK_SIZE_MAX (64u * 1024u)

/* Written into the status byte before submission: a device that never writes it fails. */
#define BLK_STATUS_UNSET 0xffu

static int blk_read_config(struct vio_blk *b)
{
    struct vio_transport *t = b->t;
    int rc = vio_config_read_u64(t, BLK_CFG_CAPACITY, &b->capacity);
    if (rc < 0)
        return rc;
    b->blk_size = VIO_BLK_SECTOR_SIZE;
    if (vio_has_feature(t, VIO_BLK_F_BLK_SIZE)) {
        uint32_t blk_size;
        rc = vio_config_read_u32(t, BLK_CFG_BLK_SIZE, &blk_size);
        if (rc < 0)
            return rc;
        /*
         * A logical block that is not a power of two in [512, 64 KiB] is a
         * broken device: refuse it rather than guess what it will accept.
         */
        if (!vio__is_pow2(blk_size) || blk_size < VIO_BLK_SECTOR_SIZE || blk_size > BLK_SIZE_MAX) {
            t->broken = true;
            return VIO_ERR_IO_ERROR;
        }
        b->blk_size = blk_size;
    }
    b->readonly = vio_has_feature(t, VIO_BLK_F_RO);
    b->has_flush = vio_has_feature(t, VIO_BLK_F_FLUSH);
    return 0;
}

int vio_blk_init(struct vio_blk *b, struct vio_transport *t, uint16_t queue_size)
{
    struct vio_queue *const queues[] = {&b->q};
    vio__zero_except_shadows(b, sizeof *b, queues, 1);
    b->t = t;
    b->q.broken = true; /* no I/O until the queue is live */
    if (t->device_id != VIO_ID_BLOCK)
        return VIO_ERR_INVALID_PARAM;

    int rc = vio_transport_begin_init(t, VIO_BLK_SUPPORTED_FEATURES);
    if (rc < 0)
        return rc;
    /* Device Initialization: 7. device-specific setup: config, then the request queue */
    rc = blk_read_config(b);
    if (rc == 0)
        rc = vio_queue_init(&b->q, t, 0, queue_size);
    if (rc < 0) {
        vio_transport_fail(t);
        return rc;
    }
    vio_transport_finish_init(t);
    return 0;
}

void vio_blk_deinit(struct vio_blk *b)
{
    /* Device Cleanup: the device must stop using the queue before it is freed */
    vio_transport_shutdown(b->t);
    vio_queue_deinit(&b->q);
}

static inline int blk_check_rw(const struct vio_blk *b, uint64_t sector, const void *buf,
                               size_t len)
{
    /* blk_size is a power of two (blk_read_config): masks, not two divisions per request */
    if (buf == NULL || len == 0 || (len & (b->blk_size - 1u)) != 0 || len > VIO_BLK_MAX_TRANSFER)
        return VIO_ERR_INVALID_PARAM;
    if ((sector & (b->blk_size / VIO_BLK_SECTOR_SIZE - 1u)) != 0)
        return VIO_ERR_INVALID_PARAM;
    /* Device Operation: no request may reach beyond capacity */
    uint64_t sectors = len / VIO_BLK_SECTOR_SIZE;
    if (sector > b->capacity || sectors > b->capacity - sector)
        return VIO_ERR_INVALID_PARAM;
    return 0;
}

/* Checks a request against the driver's rules; a FLUSH or GET_ID must have sector 0. */
static int blk_check_request(const struct vio_blk *b, uint32_t type, uint64_t sector,
                             const void *buf, size_t len)
{
    switch (type) {
    case VIO_BLK_T_IN:
        return blk_check_rw(b, sector, buf, len);
    case VIO_BLK_T_OUT:
        /* Device Initialization: with RO every write would fail anyway */
        if (b->readonly)
            return VIO_ERR_UNSUPPORTED;
        return blk_check_rw(b, sector, buf, len);
    case VIO_BLK_T_FLUSH:
        if (!b->has_flush)
            return VIO_ERR_UNSUPPORTED;
        /* Device Operation: sector 0 and no data for a flush */
        return sector == 0 && buf == NULL && len == 0 ? 0 : VIO_ERR_INVALID_PARAM;
    case VIO_BLK_T_GET_ID:
        /* Device Operation: exactly 20 bytes of data */
        return sector == 0 && buf != NULL && len == VIO_BLK_ID_BYTES ? 0 : VIO_ERR_INVALID_PARAM;
    default:
        return VIO_ERR_UNSUPPORTED;
    }
}

int vio_blk_submit(struct vio_blk *b, struct vio_blk_req *req, uint32_t type, uint64_t sector,
                   void *buf, size_t len)
{
    if (req == NULL)
        return VIO_ERR_INVALID_PARAM;
    int rc = blk_check_request(b, type, sector, buf, len);
    if (rc < 0)
        return rc;

    req->hdr.type = type;
    req->hdr.reserved = 0;
    req->hdr.sector = sector;
    req->status = BLK_STATUS_UNSET;
    req->type = type;
    req->buf = buf;
    req->len = (uint32_t)len;
    req->token = -1;
    req->result = VIO_ERR_NOT_READY;

    /* Device Operation: header (readable) | data | status (writable) */
    struct vio_sg sg[3];
    unsigned n_out = 0, n_in = 0;
    sg[n_out++] = (struct vio_sg){&req->hdr, sizeof req->hdr};
    if (len != 0 && type == VIO_BLK_T_OUT)
        sg[n_out++] = (struct vio_sg){buf, (uint32_t)len};
    if (len != 0 && type != VIO_BLK_T_OUT)
        sg[n_out + n_in++] = (struct vio_sg){buf, (uint32_t)len};
    sg[n_out + n_in++] = (struct vio_sg){&req->status, 1};

    int token = vio_queue_add(&b->q, sg, n_out, n_in, req);
    if (token >= 0)
        req->token = token;
    return token;
}

void vio_blk_kick(struct vio_blk *b)
{
    vio_queue_kick(&b->q);
}

/* The result of a completed request, from its status byte and used length. */
static int blk_result(const struct vio_blk *b, const struct vio_blk_req *req, uint32_t used_len)
{
    /* Legacy Interface: Device Operation: legacy used lengths are unreliable, ignore them */
    if (!b->t->legacy) {
        if (used_len < 1)
            return VIO_ERR_IO_ERROR;
        /*
         * The Virtqueue Used Ring: nothing beyond len may be trusted, so data-in
         * must be whole. The type comes from the private copy: the device had
         * the header and may have written it.
         */
        bool data_in = req->type == VIO_BLK_T_IN || req->type == VIO_BLK_T_GET_ID;
        if (data_in && req->status == VIO_BLK_S_OK && used_len < req->len + 1u)
            return VIO_ERR_IO_ERROR;
    }
    switch (req->status) {
    case VIO_BLK_S_OK:
        return 0;
    case VIO_BLK_S_UNSUPP:
        return VIO_ERR_UNSUPPORTED;
    default: /* VIO_BLK_S_IOERR, and anything the spec does not define */
        return VIO_ERR_IO_ERROR;
    }
}

int vio_blk_poll(struct vio_blk *b, struct vio_blk_req **done)
{
    uint16_t token;
    uint32_t used_len;
    void *cookie = NULL;
    int rc = vio_queue_pop(&b->q, &token, &used_len, &cookie);
    if (rc <= 0)
        return rc;
    struct vio_blk_req *req = cookie;
    req->result = blk_result(b, req, used_len);
    *done = req;
    return 1;
}

/*
 * One request, waited for. The request lives on this stack frame, so when
 * the wait fails the device is reset and the chain taken back before
 * returning: nothing may stay shared with the device once the frame is gone.
 */
static int blk_do(struct vio_blk *b, uint32_t type, uint64_t sector, void *buf, size_t len)
{
    /* a completion of a non-blocking request could be first in the used ring */
    if (b->q.in_flight != 0)
        return VIO_ERR_ALREADY_USED;
    struct vio_blk_req req;
    int token = vio_blk_submit(b, &req, type, sector, buf, len);
    if (token < 0)
        return token;
    vio_blk_kick(b);

    uint32_t used_len = 0;
    int rc = vio_queue_wait_token(&b->q, (uint16_t)token, &used_len);
    if (rc < 0) {
        vio_transport_shutdown(b->t);
        vio_queue_reclaim_all(&b->q);
        b->t->broken = true;
        return rc;
    }
    return blk_result(b, &req, used_len);
}

int vio_blk_read(struct vio_blk *b, uint64_t sector, void *buf, size_t len)
{
    return blk_do(b, VIO_BLK_T_IN, sector, buf, len);
}

int vio_blk_write(struct vio_blk *b, uint64_t sector, const void *buf, size_t len)
{
    /* shared TO_DEVICE only: neither the driver nor the device writes it */
    return blk_do(b, VIO_BLK_T_OUT, sector, (void *)(uintptr_t)buf, len);
}

int vio_blk_flush(struct vio_blk *b)
{
    /* without FLUSH the device has no volatile cache to flush */
    if (!b->has_flush)
        return 0;
    return blk_do(b, VIO_BLK_T_FLUSH, 0, NULL, 0);
}

int vio_blk_get_id(struct vio_blk *b, char id[VIO_BLK_ID_BYTES + 1])
{
    uint8_t raw[VIO_BLK_ID_BYTES] = {0};
    id[0] = '\0';
    int rc = blk_do(b, VIO_BLK_T_GET_ID, 0, raw, sizeof raw);
    if (rc < 0)
        return rc;
    /* NUL-padded, and unterminated at full length: stop at the first NUL */
    size_t i = 0;
    for (; i < VIO_BLK_ID_BYTES && raw[i] != 0; i++)
        id[i] = (char)raw[i];
    for (; i <= VIO_BLK_ID_BYTES; i++)
        id[i] = '\0';
    return 0;
}
