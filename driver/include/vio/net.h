/*
 * The network device driver (Device Types / Network Device): one receive
 * queue (0) and one transmit queue (1), driven without interrupts through a
 * non-blocking, batching API over caller-owned buffers.
 *
 * Buffers: the caller owns every buffer and names it with a cookie. A posted
 * buffer belongs to the device until it comes back from vio_net_rx_recv,
 * vio_net_tx_complete or (after an error or vio_net_deinit) the reclaim
 * calls; a buffer whose post fails was never taken.
 *
 * Transmit: vio_net_tx takes one buffer that starts with vio_net_hdr_len()
 * bytes of header room, followed by the frame; the driver writes the header
 * there and hands the whole buffer to the device as one descriptor.
 * vio_net_tx_sg takes a frame in up to VIO_NET_TX_FRAGS_MAX pieces with no
 * header room; the driver puts its own (shared, zero) header in front.
 *
 * Receive: a received packet is a list of segments, one per buffer it
 * occupies (several only with VIRTIO_NET_F_MRG_RXBUF). The first segment
 * skips the header. vio_net_rx_copy linearizes a packet when needed.
 *
 * Errors: every device value is checked (used ids and lengths, num_buffers,
 * config fields). A violation returns a negative vio_err and latches the
 * device broken: every later call returns the same error until
 * vio_net_deinit, after which vio_net_rx_reclaim / vio_net_tx_reclaim give
 * back every buffer still posted.
 */
#ifndef VIO_NET_H
#define VIO_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vio/queue.h"
#include "vio/spec.h"
#include "vio/transport.h"

/* Feature bits (Network Device / Feature bits) */
#define VIO_NET_F_CSUM (1ull << 0)
#define VIO_NET_F_GUEST_CSUM (1ull << 1)
#define VIO_NET_F_MTU (1ull << 3)
#define VIO_NET_F_MAC (1ull << 5)
#define VIO_NET_F_MRG_RXBUF (1ull << 15)
#define VIO_NET_F_STATUS (1ull << 16)
#define VIO_NET_F_CTRL_VQ (1ull << 17)
#define VIO_NET_F_MQ (1ull << 22)
/* Legacy Interface: Message Framing: free framing on a legacy device (bit 27). */
#define VIO_F_ANY_LAYOUT (1ull << 27)

/* Device configuration layout: offsets in struct virtio_net_config and status bits */
#define VIO_NET_CFG_MAC 0u
#define VIO_NET_CFG_STATUS 6u
#define VIO_NET_S_LINK_UP 1u
#define VIO_NET_S_ANNOUNCE 2u

/* struct virtio_net_hdr: 12 bytes with num_buffers, 10 on a legacy device without MRG_RXBUF. */
#define VIO_NET_HDR_LEN 12u
#define VIO_NET_HDR_LEN_LEGACY 10u
#define VIO_NET_HDR_NUM_BUFFERS 10u /* offset of le16 num_buffers */
/* The largest frame without segmentation offloads: Setting Up Receive Buffers. */
#define VIO_NET_FRAME_MAX 1514u
/* Frame pieces vio_net_tx_sg accepts (one chain entry goes to the header). */
#define VIO_NET_TX_FRAGS_MAX (VIO_QUEUE_MAX_SG - 1)

/* Feature bits this driver implements; only these are ever negotiated. */
#define VIO_NET_SUPPORTED_FEATURES                                                                 \
    (VIO_NET_F_MAC | VIO_NET_F_STATUS | VIO_NET_F_MRG_RXBUF | VIO_F_EVENT_IDX |                    \
     VIO_F_INDIRECT_DESC | VIO_F_VERSION_1 | VIO_F_ANY_LAYOUT)

/* vio_net_init options; a zeroed struct (or NULL) means the defaults. */
struct vio_net_opts {
    uint16_t rx_size;      /* receive queue size, a power of two; 0: as large as allowed */
    uint16_t tx_size;      /* transmit queue size, likewise */
    uint64_t features_off; /* supported bits not to negotiate even when offered */
};

/* One segment of a received packet: the frame bytes one buffer holds. */
struct vio_net_rx_seg {
    void *cookie;  /* as given to vio_net_rx_post */
    uint8_t *buf;  /* the buffer as posted */
    uint32_t size; /* its posted length */
    uint32_t off;  /* frame bytes start at buf + off (the header length in the first segment) */
    uint32_t len;  /* frame bytes in this buffer */
    uint16_t token;
};

/*
 * A received packet. @seg points into the driver's storage and stays valid
 * until the next vio_net_rx_recv call; each segment's buffer belongs to the
 * caller from now on (post it again to recycle it).
 */
struct vio_net_rx_pkt {
    const struct vio_net_rx_seg *seg;
    uint32_t len;  /* frame bytes in all segments */
    uint16_t nseg; /* 1 unless MRG_RXBUF spread the packet */
};

/* A buffer given back by a reclaim call. */
struct vio_net_buf {
    void *cookie;
    void *buf;
    uint32_t len;
};

/* Per token: the buffer the device holds, or a buffer a failed receive took back. */
struct vio__net_slot {
    void *cookie;
    uint8_t *buf;
    uint32_t len;
    uint8_t state; /* VIO__NET_FREE / _POSTED / _ORPHAN */
};

struct vio_net {
    struct vio_transport *t;
    struct vio_queue rxq;
    struct vio_queue txq;
    uint8_t mac[6];
    bool has_mac;     /* MAC negotiated: @mac is the device's; otherwise all zero */
    bool has_status;  /* STATUS negotiated: link state comes from config */
    bool mrg_rxbuf;   /* MRG_RXBUF negotiated */
    bool split_hdr;   /* legacy without ANY_LAYOUT: the header has a descriptor of its own */
    bool live;        /* between a successful init and deinit */
    uint16_t hdr_len; /* 12 or 10 */
    uint32_t rx_min;  /* the smallest receive buffer accepted */
    int error;        /* the first violation, latched; 0 while healthy */
    uint16_t rx_posted;
    uint16_t tx_inflight;
    uint16_t rx_orphans;    /* receive slots taken back from a packet that failed its checks */
    uint16_t rx_reclaim_at; /* the slot the next reclaim scan starts at */
    uint16_t tx_reclaim_at;
    void *zero_hdr; /* a DMA page whose first bytes are the header vio_net_tx_sg sends */
    vio_paddr_t zero_hdr_pa;
    struct vio__net_slot rx_slot[VIO_QUEUE_MAX_SIZE];
    struct vio__net_slot tx_slot[VIO_QUEUE_MAX_SIZE];
    struct vio_net_rx_seg rx_seg[VIO_QUEUE_MAX_SIZE];
};

/*
 * vio_net_init - completes Device Initialization of a probed network device:
 * negotiates VIO_NET_SUPPORTED_FEATURES minus @opts->features_off, reads the
 * MAC (and checks the status field is there when STATUS is negotiated), sets
 * up both queues and sets DRIVER_OK. Returns 0 or a negative vio_err; on
 * failure the device is left FAILED and nothing leaks. InvalidParam when @t
 * is not a network device or a queue size is not allowed. Zeroes @n: take
 * back the buffers of an earlier life with the reclaim calls first.
 */
int vio_net_init(struct vio_net *n, struct vio_transport *t, const struct vio_net_opts *opts);
/*
 * Resets the device and frees the queues. Buffers still posted are unshared
 * and stay listed for vio_net_rx_reclaim / vio_net_tx_reclaim.
 */
void vio_net_deinit(struct vio_net *n);

/* Header bytes in front of every frame: 12, or 10 on a legacy device without MRG_RXBUF. */
static inline uint32_t vio_net_hdr_len(const struct vio_net *n)
{
    return n->hdr_len;
}
/*
 * The link state: STATUS negotiated, from the status field (re-read on each
 * call, e.g. after a configuration change interrupt); otherwise always up
 * (Device configuration layout). Returns 0 or a config read error.
 */
int vio_net_link_up(struct vio_net *n, bool *up);
/* Reads and acknowledges the interrupt status (bit 1: used buffers, bit 2: config change). */
uint32_t vio_net_ack_interrupt(struct vio_net *n);

/*
 * vio_net_rx_post - gives the device an empty buffer of @len bytes to receive
 * into; not visible to the device until vio_net_rx_kick. @len must be at
 * least vio_net_rx_min_len() (InvalidParam). Returns the token (>= 0) or
 * QueueFull, InvalidParam, DmaError, or the latched error; on failure the
 * buffer stays the caller's.
 */
int vio_net_rx_post(struct vio_net *n, void *buf, uint32_t len, void *cookie);
void vio_net_rx_kick(struct vio_net *n);
/*
 * The smallest receive buffer: the header plus VIO_NET_FRAME_MAX bytes
 * without MRG_RXBUF (Setting Up Receive Buffers), the header alone with it.
 */
static inline uint32_t vio_net_rx_min_len(const struct vio_net *n)
{
    return n->rx_min;
}
/*
 * vio_net_rx_recv - takes up to @max received packets into @pkts. Returns
 * how many (0 when none is waiting) or a negative vio_err. Checked: the used
 * id (WrongToken), a used len beyond the buffer or shorter than the header,
 * num_buffers 0, above 1 without MRG_RXBUF or beyond the buffers posted, a
 * packet's buffers not all used together, and all but its last buffer not
 * filled up (IoError). The buffers of a packet that fails these checks go to
 * vio_net_rx_reclaim. An error after some packets were taken is returned by
 * the next call.
 */
int vio_net_rx_recv(struct vio_net *n, struct vio_net_rx_pkt *pkts, unsigned max);
/* Copies up to @cap frame bytes of @pkt to @dst; returns the bytes copied. */
size_t vio_net_rx_copy(const struct vio_net_rx_pkt *pkt, void *dst, size_t cap);

static inline uint8_t *vio_net_rx_seg_data(const struct vio_net_rx_seg *seg)
{
    return seg->buf + seg->off;
}

/*
 * vio_net_tx - queues one frame for transmission, not visible to the device
 * until vio_net_tx_kick. @buf holds vio_net_hdr_len() bytes of header room
 * (overwritten by the driver) then the frame; @len counts both and must
 * exceed the header (InvalidParam). Returns the token (>= 0) or QueueFull,
 * InvalidParam, DmaError or the latched error; on failure the buffer stays
 * the caller's.
 */
int vio_net_tx(struct vio_net *n, void *buf, uint32_t len, void *cookie);
/*
 * vio_net_tx_sg - like vio_net_tx for a frame in @nfrags pieces (1 to
 * VIO_NET_TX_FRAGS_MAX) without header room; the driver sends its own header
 * in front. The pieces are the caller's again once @cookie completes.
 */
int vio_net_tx_sg(struct vio_net *n, const struct vio_sg *frags, unsigned nfrags, void *cookie);
void vio_net_tx_kick(struct vio_net *n);
/*
 * vio_net_tx_complete - takes back up to @max transmitted buffers, storing
 * their cookies in @cookies. Returns how many (0 when none finished) or a
 * negative vio_err (WrongToken for an unknown used id, IoError for a used
 * len on a transmit buffer); an error after some completions is returned by
 * the next call.
 */
int vio_net_tx_complete(struct vio_net *n, void **cookies, unsigned max);

/* Receive buffers the device holds, and transmissions not completed yet. */
static inline uint16_t vio_net_rx_posted(const struct vio_net *n)
{
    return n->rx_posted;
}
static inline uint16_t vio_net_tx_inflight(const struct vio_net *n)
{
    return n->tx_inflight;
}
/* Frames vio_net_tx can queue right now (each takes one or two descriptors). */
uint16_t vio_net_tx_room(const struct vio_net *n);
static inline uint16_t vio_net_rx_queue_size(const struct vio_net *n)
{
    return n->rxq.size;
}
static inline uint16_t vio_net_tx_queue_size(const struct vio_net *n)
{
    return n->txq.size;
}

/*
 * Reclaim: returns 1 with the next buffer given back in @out, 0 when there is
 * none. Buffers of a receive that failed its checks come back at any time;
 * buffers still posted come back only after vio_net_deinit (the device is
 * reset, so it no longer writes them).
 */
int vio_net_rx_reclaim(struct vio_net *n, struct vio_net_buf *out);
int vio_net_tx_reclaim(struct vio_net *n, struct vio_net_buf *out);

#endif
