/* The virtio block device behind the generic block interface. */
#include "axdriver_virtio.h"
#include "vio/err.h"

static struct ax_virtio_blk_dev *to_virtio(const struct ax_block_dev *dev)
{
    return AX_CONTAINER_OF(dev, struct ax_virtio_blk_dev, dev);
}

/* Maps a virtio core error, and keeps it for the caller's diagnostics. */
static int core_err(struct ax_virtio_blk_dev *d, int rc)
{
    d->vio_err = rc;
    return ax_virtio_as_dev_err(rc);
}

static const char *blk_device_name(const struct ax_base_dev *base)
{
    (void)base;
    return "virtio-blk";
}

static enum ax_device_type blk_device_type(const struct ax_base_dev *base)
{
    (void)base;
    return AX_DEVICE_BLOCK;
}

/* A wrapper whose init failed, or after deinit, has no blocks of 512 bytes. */
static size_t blk_block_size(const struct ax_block_dev *dev)
{
    const struct ax_virtio_blk_dev *d = to_virtio(dev);
    return d->live ? d->blk.blk_size : VIO_BLK_SECTOR_SIZE;
}

static uint64_t blk_num_blocks(const struct ax_block_dev *dev)
{
    const struct ax_virtio_blk_dev *d = to_virtio(dev);
    if (!d->live)
        return 0;
    /* capacity counts 512-byte sectors whatever the logical block size */
    return d->blk.capacity / (d->blk.blk_size / VIO_BLK_SECTOR_SIZE);
}

/*
 * Reads or writes @len bytes from block @block_id on, in requests of at most
 * VIO_BLK_MAX_TRANSFER bytes (a multiple of every accepted block size).
 */
static int blk_transfer(struct ax_block_dev *dev, uint64_t block_id, uint8_t *buf, size_t len,
                        bool write)
{
    struct ax_virtio_blk_dev *d = to_virtio(dev);
    if (!d->live)
        return AX_ERR_BAD_STATE;
    size_t bs = d->blk.blk_size;
    if (buf == NULL || len == 0 || len % bs != 0)
        return AX_ERR_INVALID_PARAM;
    uint64_t nblocks = blk_num_blocks(dev);
    if (block_id > nblocks || len / bs > nblocks - block_id)
        return AX_ERR_INVALID_PARAM;

    uint64_t sectors_per_block = bs / VIO_BLK_SECTOR_SIZE;
    while (len > 0) {
        size_t chunk = len < VIO_BLK_MAX_TRANSFER ? len : VIO_BLK_MAX_TRANSFER;
        uint64_t sector = block_id * sectors_per_block;
        int rc = write ? vio_blk_write(&d->blk, sector, buf, chunk)
                       : vio_blk_read(&d->blk, sector, buf, chunk);
        if (rc < 0)
            return core_err(d, rc);
        block_id += chunk / bs;
        buf += chunk;
        len -= chunk;
    }
    return 0;
}

static int blk_read_block(struct ax_block_dev *dev, uint64_t block_id, void *buf, size_t len)
{
    return blk_transfer(dev, block_id, buf, len, false);
}

static int blk_write_block(struct ax_block_dev *dev, uint64_t block_id, const void *buf, size_t len)
{
    /* the buffer is only read: vio_blk_write shares it towards the device */
    return blk_transfer(dev, block_id, (uint8_t *)(uintptr_t)buf, len, true);
}

static int blk_flush(struct ax_block_dev *dev)
{
    struct ax_virtio_blk_dev *d = to_virtio(dev);
    if (!d->live)
        return AX_ERR_BAD_STATE;
    /* VIRTIO_BLK_T_FLUSH when the device has a volatile cache (VIRTIO_BLK_F_FLUSH) */
    int rc = vio_blk_flush(&d->blk);
    return rc < 0 ? core_err(d, rc) : 0;
}

static const struct ax_block_ops ax_virtio_blk_ops = {
    .base = {.device_name = blk_device_name, .device_type = blk_device_type},
    .num_blocks = blk_num_blocks,
    .block_size = blk_block_size,
    .read_block = blk_read_block,
    .write_block = blk_write_block,
    .flush = blk_flush,
};

int ax_virtio_blk_init(struct ax_virtio_blk_dev *d, struct vio_transport *t)
{
    ax_block_dev_init(&d->dev, &ax_virtio_blk_ops);
    d->live = false;
    d->vio_err = 0;
    int rc = vio_blk_init(&d->blk, t, 0);
    if (rc < 0)
        return core_err(d, rc);
    d->live = true;
    return 0;
}

void ax_virtio_blk_deinit(struct ax_virtio_blk_dev *d)
{
    if (!d->live)
        return;
    vio_blk_deinit(&d->blk);
    d->live = false;
}
