/*
 * The axdriver_virtio bridge: finds virtio devices on MMIO slots and PCI
 * functions, maps virtio device types and errors onto the axdriver ones, and
 * wraps the virtio block, net and GPU drivers in the generic interfaces.
 *
 * Every wrapper lives in caller storage and starts with its generic device
 * (struct ax_block_dev etc.), which is all the OS needs to hold. Results
 * are 0 or a negative enum ax_dev_err. The wrappers are built with the
 * VIO_BLOCK, VIO_NET and VIO_GPU options.
 */
#ifndef AXDRIVER_VIRTIO_H
#define AXDRIVER_VIRTIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "axdriver/base.h"
#include "axdriver/block.h"
#include "axdriver/display.h"
#include "axdriver/net.h"
#include "axdriver/net_buf.h"
#include "vio/blk.h"
#include "vio/gpu.h"
#include "vio/hal.h"
#include "vio/mmio.h"
#include "vio/net.h"
#include "vio/pci.h"
#include "vio/transport.h"

/*
 * The axdriver type of virtio device type @virtio_id (enum vio_device_id):
 * Block, Network and GPU become Block, Net and Display. Returns false for
 * any other type.
 */
bool ax_virtio_as_dev_type(uint32_t virtio_id, enum ax_device_type *type);

/*
 * The axdriver error of a virtio core result: AX_OK for @vio_err >= 0,
 * the seed's table for the ten enum vio_err values, BadState for any
 * other negative value.
 */
enum ax_dev_err ax_virtio_as_dev_err(int vio_err);

/*
 * ax_virtio_probe_mmio - looks for a virtio device in the MMIO window
 * [@base, @base + @size). Returns true with *@type set and @m a transport
 * ready for a wrapper's init; false when the window holds no usable virtio
 * device (m->why says why) or one of a type without an axdriver kind, which
 * is reset and left alone.
 */
bool ax_virtio_probe_mmio(struct vio_mmio *m, const struct vio_hal *hal, vio_paddr_t base,
                          size_t size, enum ax_device_type *type);

/*
 * ax_virtio_probe_pci - the same for function @bdf of @root, described by
 * @info from vio_pci_enumerate. A function whose ids are not a virtio
 * device's, or whose @info is not for @bdf, is not touched. Otherwise the
 * transport is probed (which enables the function's memory space and bus
 * mastering; p->why says why it failed), and a virtio device of a type
 * without an axdriver kind is reset and left alone. No interrupt line is
 * returned: the drivers poll.
 */
bool ax_virtio_probe_pci(struct vio_pci_transport *p, struct vio_pci_root *root, uint16_t bdf,
                         const struct vio_pci_func_info *info, enum ax_device_type *type);

/* ---- block (VIO_BLOCK) ---- */

struct ax_virtio_blk_dev {
    struct ax_block_dev dev; /* first: the generic view */
    struct vio_blk blk;
    int vio_err; /* the virtio core's error behind the latest failure it caused; 0 after init */
    bool live;
};

/*
 * ax_virtio_blk_init - drives the block device behind @t (from a probe) and
 * sets up the generic view: "virtio-blk", blocks of 512 bytes or of the
 * device's BLK_SIZE when it offers one. Returns 0 or an ax_dev_err (the
 * device is left FAILED and nothing is allocated).
 */
int ax_virtio_blk_init(struct ax_virtio_blk_dev *d, struct vio_transport *t);
/* Resets the device and frees its queue. */
void ax_virtio_blk_deinit(struct ax_virtio_blk_dev *d);

/* ---- net (VIO_NET) ---- */

/* Every pool buffer holds a header and a whole Ethernet frame (the seed's NET_BUF_LEN). */
#define AX_VIRTIO_NET_BUF_LEN 1526u
#define AX_VIRTIO_NET_BUFS (2u * VIO_QUEUE_MAX_SIZE)

struct ax_virtio_net_dev {
    struct ax_net_dev dev; /* first: the generic view */
    struct vio_net net;
    struct ax_net_buf_pool pool;
    struct ax_net_buf bufs[AX_VIRTIO_NET_BUFS];
    uint8_t owner[AX_VIRTIO_NET_BUFS];              /* who holds each buffer */
    struct ax_net_buf *tx_free[VIO_QUEUE_MAX_SIZE]; /* transmit buffers ready to hand out */
    uint16_t n_tx_free;
    uint16_t rx_size;
    uint16_t tx_size;
    int vio_err; /* the virtio core's error behind the latest failure it caused; 0 after init */
    bool live;
    bool pool_live;
};

/*
 * ax_virtio_net_init - drives the network device behind @t with both queues
 * of @queue_size (0: as large as allowed) and a pool of rx + tx queue size
 * buffers of AX_VIRTIO_NET_BUF_LEN bytes from the HAL, posting every
 * receive buffer the ring takes. "virtio-net". Returns 0 or an ax_dev_err
 * (nothing is left allocated). @d must be fresh or have had a deinit that
 * returned 0.
 *
 * Buffers: receive() hands out a received packet, recycle_rx_buffer()
 * takes it back; alloc_tx_buffer() hands out a buffer with the virtio
 * header room in front of the packet, transmit() takes it (also when it
 * fails, e.g. BadState for a full ring), recycle_tx_buffers() collects
 * sent ones. A buffer that is not in the state the call needs is
 * InvalidParam and is left alone.
 */
int ax_virtio_net_init(struct ax_virtio_net_dev *d, struct vio_transport *t, uint16_t queue_size);
/*
 * Resets the device and takes back every buffer it held. Returns 0 once the
 * pool is freed, or ResourceBusy while the OS still holds buffers: give
 * them back (recycle_rx_buffer, or transmit, which only returns them now)
 * and call again.
 */
int ax_virtio_net_deinit(struct ax_virtio_net_dev *d);

/* ---- GPU (VIO_GPU) ---- */

struct ax_virtio_gpu_dev {
    struct ax_display_dev dev; /* first: the generic view */
    struct vio_gpu gpu;
    struct ax_display_info info;
    int vio_err; /* the virtio core's error behind the latest failure it caused; 0 after init */
    bool live;
};

/*
 * ax_virtio_gpu_init - drives the GPU behind @t and puts a framebuffer of
 * scanout 0's preferred size on it: "virtio-gpu", flushed on request. Every
 * failure, the device's included, is an ax_dev_err (the device is reset
 * and nothing is allocated): Again when scanout 0 is disabled or has no size.
 */
int ax_virtio_gpu_init(struct ax_virtio_gpu_dev *d, struct vio_transport *t);
/* Releases the framebuffer, resets the device and frees its pages. */
void ax_virtio_gpu_deinit(struct ax_virtio_gpu_dev *d);

#endif
