/* The network device interface (ArceOS's axdriver_net NetDriverOps). */
#ifndef AXDRIVER_NET_H
#define AXDRIVER_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "axdriver/base.h"

/* The NIC's Ethernet (MAC) address. */
struct ax_ethernet_address {
    uint8_t addr[6];
};

/*
 * A packet buffer handed between a NIC driver and the OS (NetBufPtr).
 * @raw identifies the driver's buffer object and is all the driver trusts
 * when the OS hands the buffer back; @packet and @len are the OS's view of
 * the packet bytes in it.
 */
struct ax_net_buf_ptr {
    void *raw;
    uint8_t *packet;
    size_t len;
};

struct ax_net_dev;

/*
 * struct ax_net_ops - a NIC; results are 0 or a negative ax_dev_err.
 * @mac_address: the NIC's Ethernet address.
 * @can_transmit: a buffer can be allocated and queued for transmission now.
 * @can_receive: a received packet is waiting.
 * @rx_queue_size/@tx_queue_size: buffers each queue holds.
 * @recycle_rx_buffer: gives a buffer returned by @receive back to the
 *                     receive queue.
 * @recycle_tx_buffers: takes back the buffers of finished transmissions so
 *                      @alloc_tx_buffer can hand them out again.
 * @transmit: queues a buffer from @alloc_tx_buffer without waiting for it.
 *            The buffer belongs to the driver afterwards, also on failure.
 * @receive: the next received packet, or Again when none is waiting.
 * @alloc_tx_buffer: a buffer for a packet of @size bytes: NoMemory when
 *                   none is free, InvalidParam when @size does not fit.
 */
struct ax_net_ops {
    struct ax_base_ops base;
    struct ax_ethernet_address (*mac_address)(const struct ax_net_dev *dev);
    bool (*can_transmit)(struct ax_net_dev *dev);
    bool (*can_receive)(struct ax_net_dev *dev);
    size_t (*rx_queue_size)(const struct ax_net_dev *dev);
    size_t (*tx_queue_size)(const struct ax_net_dev *dev);
    int (*recycle_rx_buffer)(struct ax_net_dev *dev, struct ax_net_buf_ptr rx_buf);
    int (*recycle_tx_buffers)(struct ax_net_dev *dev);
    int (*transmit)(struct ax_net_dev *dev, struct ax_net_buf_ptr tx_buf);
    int (*receive)(struct ax_net_dev *dev, struct ax_net_buf_ptr *rx_buf);
    int (*alloc_tx_buffer)(struct ax_net_dev *dev, size_t size, struct ax_net_buf_ptr *tx_buf);
};

/* Embedded first in a NIC driver's device struct; set up with ax_net_dev_init(). */
struct ax_net_dev {
    struct ax_base_dev base; /* base.ops == &ops->base */
    const struct ax_net_ops *ops;
};

static inline void ax_net_dev_init(struct ax_net_dev *dev, const struct ax_net_ops *ops)
{
    dev->base.ops = &ops->base;
    dev->ops = ops;
}

/* The NIC behind @base, or NULL when it is not a network device. */
static inline struct ax_net_dev *ax_net_from_base(struct ax_base_dev *base)
{
    if (ax_base_device_type(base) != AX_DEVICE_NET)
        return NULL;
    return AX_CONTAINER_OF(base, struct ax_net_dev, base);
}

static inline const char *ax_net_device_name(const struct ax_net_dev *dev)
{
    return ax_base_device_name(&dev->base);
}

static inline struct ax_ethernet_address ax_net_mac_address(const struct ax_net_dev *dev)
{
    return dev->ops->mac_address(dev);
}

static inline bool ax_net_can_transmit(struct ax_net_dev *dev)
{
    return dev->ops->can_transmit(dev);
}

static inline bool ax_net_can_receive(struct ax_net_dev *dev)
{
    return dev->ops->can_receive(dev);
}

static inline size_t ax_net_rx_queue_size(const struct ax_net_dev *dev)
{
    return dev->ops->rx_queue_size(dev);
}

static inline size_t ax_net_tx_queue_size(const struct ax_net_dev *dev)
{
    return dev->ops->tx_queue_size(dev);
}

static inline int ax_net_recycle_rx_buffer(struct ax_net_dev *dev, struct ax_net_buf_ptr rx_buf)
{
    return dev->ops->recycle_rx_buffer(dev, rx_buf);
}

static inline int ax_net_recycle_tx_buffers(struct ax_net_dev *dev)
{
    return dev->ops->recycle_tx_buffers(dev);
}

static inline int ax_net_transmit(struct ax_net_dev *dev, struct ax_net_buf_ptr tx_buf)
{
    return dev->ops->transmit(dev, tx_buf);
}

static inline int ax_net_receive(struct ax_net_dev *dev, struct ax_net_buf_ptr *rx_buf)
{
    return dev->ops->receive(dev, rx_buf);
}

static inline int ax_net_alloc_tx_buffer(struct ax_net_dev *dev, size_t size,
                                         struct ax_net_buf_ptr *tx_buf)
{
    return dev->ops->alloc_tx_buffer(dev, size, tx_buf);
}

#endif
