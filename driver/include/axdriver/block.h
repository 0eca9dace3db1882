/* The block storage interface (ArceOS's axdriver_block BlockDriverOps). */
#ifndef AXDRIVER_BLOCK_H
#define AXDRIVER_BLOCK_H

#include <stddef.h>
#include <stdint.h>

#include "axdriver/base.h"

struct ax_block_dev;

/*
 * struct ax_block_ops - a block device; results are 0 or a negative ax_dev_err.
 * @num_blocks: blocks on the device; its size is num_blocks * block_size.
 * @block_size: bytes per block.
 * @read_block: reads @len bytes starting at block @block_id. @len must be a
 *              non-zero multiple of the block size (contiguous blocks when it
 *              is more than one) and the range must lie on the device;
 *              InvalidParam otherwise.
 * @write_block: the same for writes.
 * @flush: makes every completed write durable on the storage.
 */
struct ax_block_ops {
    struct ax_base_ops base;
    uint64_t (*num_blocks)(const struct ax_block_dev *dev);
    size_t (*block_size)(const struct ax_block_dev *dev);
    int (*read_block)(struct ax_block_dev *dev, uint64_t block_id, void *buf, size_t len);
    int (*write_block)(struct ax_block_dev *dev, uint64_t block_id, const void *buf, size_t len);
    int (*flush)(struct ax_block_dev *dev);
};

/* Embedded first in a block driver's device struct; set up with ax_block_dev_init(). */
struct ax_block_dev {
    struct ax_base_dev base; /* base.ops == &ops->base */
    const struct ax_block_ops *ops;
};

static inline void ax_block_dev_init(struct ax_block_dev *dev, const struct ax_block_ops *ops)
{
    dev->base.ops = &ops->base;
    dev->ops = ops;
}

/* The block device behind @base, or NULL when it is not a block device. */
static inline struct ax_block_dev *ax_block_from_base(struct ax_base_dev *base)
{
    if (ax_base_device_type(base) != AX_DEVICE_BLOCK)
        return NULL;
    return AX_CONTAINER_OF(base, struct ax_block_dev, base);
}

static inline const char *ax_block_device_name(const struct ax_block_dev *dev)
{
    return ax_base_device_name(&dev->base);
}

static inline uint64_t ax_block_num_blocks(const struct ax_block_dev *dev)
{
    return dev->ops->num_blocks(dev);
}

static inline size_t ax_block_block_size(const struct ax_block_dev *dev)
{
    return dev->ops->block_size(dev);
}

static inline int ax_block_read_block(struct ax_block_dev *dev, uint64_t block_id, void *buf,
                                      size_t len)
{
    return dev->ops->read_block(dev, block_id, buf, len);
}

static inline int ax_block_write_block(struct ax_block_dev *dev, uint64_t block_id, const void *buf,
                                       size_t len)
{
    return dev->ops->write_block(dev, block_id, buf, len);
}

static inline int ax_block_flush(struct ax_block_dev *dev)
{
    return dev->ops->flush(dev);
}

#endif
