/*
 * The simulated network device (Network Device) behind the device model
 * interface: one receive queue (0) and one transmit queue (1), a MAC and a
 * link status in its configuration, and mergeable receive buffers.
 *
 * Where frames go and come from (they stack):
 *   wire     transmitted frames go to the device's peer: nowhere (dropped),
 *            itself (loopback) or another net device (a linked pair, on the
 *            same machine or another one);
 *   tap      a pcap writer records frames transmitted, received or both;
 *   source   a pcap reader, or vsim_net_inject, offers frames for receive.
 * A frame that finds no room in the receive queue waits in a backlog (FIFO,
 * bounded) until the driver posts buffers; frames arriving while the link
 * is down or the driver is not running are lost.
 *
 * Fault points (device "net"): drop, corrupt, truncate apply to each frame
 * offered for receive; rx_len_long, rx_len_short, num_buffers to each packet
 * written into the receive queue; link_down and tx_hang to each transmitted
 * frame. The generic used-ring points apply to both queues.
 */
#ifndef VSIM_NET_H
#define VSIM_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vsim/device.h"
#include "vsim/machine.h"

/* Feature bits (Network Device / Feature bits), bit numbers */
#define VSIM_NET_F_CSUM 0
#define VSIM_NET_F_MAC 5
#define VSIM_NET_F_MRG_RXBUF 15
#define VSIM_NET_F_STATUS 16
/* Legacy Interface: Reserved Feature Bits: any descriptor layout */
#define VSIM_F_ANY_LAYOUT 27

/* Device configuration layout */
#define VSIM_NET_CFG_MAC 0u
#define VSIM_NET_CFG_STATUS 6u
#define VSIM_NET_CFG_SIZE 8u
#define VSIM_NET_S_LINK_UP 1u

/* struct virtio_net_hdr: 12 bytes, 10 for a legacy driver without MRG_RXBUF */
#define VSIM_NET_HDR_LEN 12u
#define VSIM_NET_HDR_LEN_LEGACY 10u
/* The largest frame the device moves (the pcap snapshot length). */
#define VSIM_NET_FRAME_MAX 65535u

/* Which direction a tap records. */
#define VSIM_NET_TAP_TX 1u
#define VSIM_NET_TAP_RX 2u
#define VSIM_NET_TAP_BOTH 3u

struct vsim_net_opts {
    uint8_t mac[6];        /* all zero: 52:54:00:56:53:NN, NN counting devices made */
    bool link_down;        /* start with the link down */
    bool any_layout;       /* also offer VIRTIO_F_ANY_LAYOUT (meant for legacy transports) */
    uint16_t queue_max;    /* QueueNumMax of both queues; 0: 256 */
    unsigned backlog;      /* frames held while the receive queue is full; 0: 256 */
    uint64_t features_off; /* offered bits to withhold, e.g. VSIM_BIT(VSIM_NET_F_MRG_RXBUF) */
};

struct vsim_net_stats {
    uint64_t tx_frames, tx_bytes; /* frames taken from the transmit queue */
    uint64_t tx_lost;             /* of those, lost: no peer, link down, link_down fault */
    uint64_t tx_bad;              /* transmit chains too malformed to carry a frame */
    uint64_t rx_frames, rx_bytes; /* frames written into the receive queue */
    uint64_t rx_buffers;          /* receive buffers used for them */
    uint64_t rx_lost;             /* offered frames lost: link down, not running, backlog
                                     full, too big for the buffer, drop fault */
    uint64_t rx_waited;           /* offered frames that had to wait in the backlog */
};

struct vsim_net;

/* A network device not yet attached to a transport; NULL on error (vsim_machine_last_error). */
struct vsim_net *vsim_net_new(struct vsim_machine *m, const struct vsim_net_opts *opts);
/* vsim_net_new + vsim_mmio_attach to @slot with register layout @mmio_version (1 or 2). */
struct vsim_net *vsim_net_attach(struct vsim_machine *m, unsigned slot, unsigned mmio_version,
                                 const struct vsim_net_opts *opts);
struct vsim_device *vsim_net_device(struct vsim_net *n);
const struct vsim_net_stats *vsim_net_stats(const struct vsim_net *n);
void vsim_net_mac(const struct vsim_net *n, uint8_t mac[6]);

/* ---- the wire ---- */
/* Transmitted frames come back on the device's own receive queue (or stop doing so). */
void vsim_net_set_loopback(struct vsim_net *n, bool on);
/*
 * Links @a and @b (any machines): each one's transmitted frames arrive at the
 * other. Any earlier peer of either is unlinked. InvalidParam when a == b.
 */
int vsim_net_link(struct vsim_net *a, struct vsim_net *b);
/* Transmitted frames go nowhere again; a linked peer is unlinked too. */
void vsim_net_unlink(struct vsim_net *n);

/*
 * Link status: the status field's LINK_UP and, when it changes, a
 * configuration change; back up, waiting frames move at once.
 */
void vsim_net_set_link(struct vsim_net *n, bool up);
bool vsim_net_link_is_up(const struct vsim_net *n);

/* ---- taps and sources ---- */
/*
 * Records frames of @dirs (VSIM_NET_TAP_*) to a new pcap file at @path:
 * transmitted ones as the driver sent them, received ones as written into the
 * receive queue. Replaces an earlier tap. Returns 0 or IoError.
 */
int vsim_net_pcap_write(struct vsim_net *n, const char *path, unsigned dirs);
/* Closes the tap; returns 0, or IoError when any write failed. */
int vsim_net_pcap_close(struct vsim_net *n);
/*
 * Offers the frames of the pcap file at @path for receive, in order, as
 * receive buffers allow (a frame waits, it is never lost for want of room).
 * Replaces an earlier source. Returns 0 or IoError (unreadable, not Ethernet).
 */
int vsim_net_pcap_read(struct vsim_net *n, const char *path);
/* True when the source has offered every frame (or stopped at a damaged record). */
bool vsim_net_source_done(const struct vsim_net *n);
/* Offers one frame for receive, as if it came from the wire. InvalidParam when too long. */
int vsim_net_inject(struct vsim_net *n, const void *frame, size_t len);
/* Moves waiting frames (backlog, then source) into the receive queue; returns how many. */
unsigned vsim_net_pump(struct vsim_net *n);
/* Frames waiting in the backlog. */
unsigned vsim_net_backlog(const struct vsim_net *n);

#endif
