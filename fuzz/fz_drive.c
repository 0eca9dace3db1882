/* Operation scripts: the dispatch by device type, and the block device's script. */
#include <string.h>

#include "fz_drive.h"
#include "vio/err.h"

#ifdef VIO_BLOCK
#include "vio/blk.h"
#endif

void fz_drive(struct fz_hal *h, struct fz_dev *d, struct vio_transport *t, struct fz_in *ops,
              uint16_t queue_size)
{
    switch (t->device_id) {
#ifdef VIO_BLOCK
    case FZ_ID_BLOCK:
        fz_drive_blk(d, t, ops, queue_size);
        break;
#endif
#ifdef VIO_NET
    case FZ_ID_NET:
        fz_drive_net(d, t, ops, queue_size);
        break;
#endif
#ifdef VIO_GPU
    case FZ_ID_GPU:
        fz_drive_gpu(d, t, ops, queue_size);
        break;
#endif
    default:
        /* what an OS does with a device it has no driver for */
        vio_transport_shutdown(t);
        break;
    }
    fz_hal_check_leaks(h, "after deinit");
}

#ifdef VIO_BLOCK

#define REQS 8u
#define BUF_BYTES (16u * 1024u)

static struct vio_blk blk;
static struct vio_blk_req reqs[REQS];
static bool busy[REQS];
static uint8_t bufs[REQS + 1][BUF_BYTES];

/* A transfer of 1..4 blocks (capped by the buffer); the sector may lie beyond the disk. */
static size_t blk_len(struct fz_in *ops)
{
    size_t bs = blk.blk_size != 0 && blk.blk_size <= BUF_BYTES ? blk.blk_size : 512u;
    size_t n = fz_u8(ops) % 4u + 1u;
    return n * bs <= BUF_BYTES ? n * bs : bs;
}

static void blk_submit(struct fz_in *ops)
{
    unsigned slot = fz_u8(ops) % REQS;
    static const uint32_t types[] = {VIO_BLK_T_IN, VIO_BLK_T_OUT, VIO_BLK_T_FLUSH, VIO_BLK_T_GET_ID,
                                     2u};
    uint32_t type = types[fz_u8(ops) % (sizeof types / sizeof types[0])];
    uint64_t sector = fz_u8(ops);
    size_t len = blk_len(ops);
    void *buf = bufs[slot];
    if (type == VIO_BLK_T_FLUSH) {
        sector = 0;
        buf = NULL;
        len = 0;
    } else if (type == VIO_BLK_T_GET_ID) {
        sector = 0;
        len = VIO_BLK_ID_BYTES;
    }
    if (busy[slot])
        return;
    if (vio_blk_submit(&blk, &reqs[slot], type, sector, buf, len) >= 0)
        busy[slot] = true;
}

static void blk_poll(void)
{
    struct vio_blk_req *done = NULL;
    if (vio_blk_poll(&blk, &done) != 1)
        return;
    ptrdiff_t slot = done - reqs;
    if (slot < 0 || slot >= (ptrdiff_t)REQS || !busy[slot])
        fz_fail("vio_blk_poll returned request %p, which is not outstanding", (void *)done);
    busy[slot] = false;
}

static bool blk_start(struct vio_transport *t, uint16_t qsize)
{
    memset(busy, 0, sizeof busy);
    return vio_blk_init(&blk, t, qsize) == 0;
}

void fz_drive_blk(struct fz_dev *d, struct vio_transport *t, struct fz_in *ops, uint16_t qsize)
{
    bool live = blk_start(t, qsize);
    while (live && ops->n > 0) {
        uint8_t *io = bufs[REQS];
        char id[VIO_BLK_ID_BYTES + 1];
        switch (fz_u8(ops) % FZ_BLK_OPS) {
        case FZ_BLK_READ: {
            uint64_t sector = fz_u8(ops);
            vio_blk_read(&blk, sector, io, blk_len(ops));
            break;
        }
        case FZ_BLK_WRITE: {
            uint64_t sector = fz_u8(ops);
            vio_blk_write(&blk, sector, io, blk_len(ops));
            break;
        }
        case FZ_BLK_FLUSH:
            vio_blk_flush(&blk);
            break;
        case FZ_BLK_GET_ID:
            if (vio_blk_get_id(&blk, id) == 0 && strlen(id) > VIO_BLK_ID_BYTES)
                fz_fail("vio_blk_get_id: an id of %zu bytes", strlen(id));
            break;
        case FZ_BLK_SUBMIT:
            blk_submit(ops);
            break;
        case FZ_BLK_KICK:
            vio_blk_kick(&blk);
            break;
        case FZ_BLK_POLL:
            blk_poll();
            break;
        case FZ_BLK_STEP:
            fz_dev_step(d);
            break;
        default: /* FZ_BLK_RESTART */
            vio_blk_deinit(&blk);
            live = blk_start(t, qsize);
            break;
        }
    }
    if (live)
        vio_blk_deinit(&blk);
}

#endif
