/* The net device model's state, shared by its transmit (net.c) and receive (net_rx.c) sides. */
#ifndef VSIM_NET_INTERNAL_H
#define VSIM_NET_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "vsim/net.h"
#include "vsim/pcap.h"
#include "vsim/vq.h"

#define VSIM__NET_RXQ 0u
#define VSIM__NET_TXQ 1u

/* A frame waiting for receive buffers. */
struct vsim__net_frame {
    uint8_t *data;
    uint32_t len;
    uint32_t cap;
};

struct vsim_net {
    struct vsim_device *dev;
    uint8_t cfg[VSIM_NET_CFG_SIZE];
    bool link_up;
    bool rx_dirty;         /* receive queue touched since its last flush */
    bool rx_stopped;       /* a malformed receive buffer: nothing is received until reset */
    bool faults_armed;     /* the fault plan has rules: fault points are worth asking */
    uint32_t hdr_len;      /* header length fixed at DRIVER_OK, 0 before */
    bool mrg;              /* MRG_RXBUF accepted, fixed at DRIVER_OK */
    struct vsim_net *peer; /* where transmitted frames go: NULL, itself, or the linked device */

    /* the chains of the packet being written into the receive queue */
    struct vsim_chain *held;
    uint32_t *held_len;
    uint16_t queue_max;

    /* grown on demand (vsim__net_buffer): most devices never need them */
    uint8_t *stage;   /* a transmitted frame gathered from several descriptors */
    uint8_t *scratch; /* a received frame being corrupted by a fault */
    uint32_t stage_cap, scratch_cap;

    struct vsim__net_frame *backlog;
    unsigned backlog_cap, backlog_head, backlog_count;

    struct vsim_pcap_writer *tap;
    unsigned tap_dirs;
    struct vsim_pcap_reader *src;
    struct vsim__net_frame src_frame; /* the record just read from the source */

    struct vsim_net_stats stats;
};

/* *@buf with room for @len bytes (at most VSIM_NET_FRAME_MAX), or NULL when out of memory. */
uint8_t *vsim__net_buffer(uint8_t **buf, uint32_t *cap, uint32_t len);
/* Header bytes in front of each frame, from the features the driver accepted. */
uint32_t vsim__net_hdr_len(const struct vsim_net *n);
/* Refreshes faults_armed: one look at the plan instead of one per fault point. */
void vsim__net_arm(struct vsim_net *n);
/* A fault point of this device, asked only when the plan has rules. */
static inline bool vsim__net_fault(struct vsim_net *n, enum vsim_fault_point point, uint64_t *value)
{
    return n->faults_armed && vsim_device_fault(n->dev, point, value);
}
/* The driver set DRIVER_OK and has not reset the device since. */
bool vsim__net_running(const struct vsim_net *n);
/* Records a frame on the tap when it takes @dir. */
void vsim__net_tap(struct vsim_net *n, unsigned dir, const uint8_t *frame, uint32_t len);

/* Offers a frame from the wire to @n's receive side (faults, backlog); no flush. */
void vsim__net_offer(struct vsim_net *n, const uint8_t *frame, uint32_t len);
/* Moves backlog and source frames into the receive queue while it has room; no flush. */
unsigned vsim__net_drain(struct vsim_net *n);
/* Sends the used buffer notification for what was received since the last flush. */
void vsim__net_rx_flush(struct vsim_net *n);
/* Drops the backlog (device reset) and frees the receive side's storage. */
void vsim__net_rx_reset(struct vsim_net *n);
void vsim__net_rx_free(struct vsim_net *n);

#endif
