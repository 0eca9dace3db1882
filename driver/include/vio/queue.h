/* The split virtqueue, driver side (Basic Facilities of a Virtio Device / Split Virtqueues). */
#ifndef VIO_QUEUE_H
#define VIO_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vio/hal.h"
#include "vio/transport.h"

/* The largest queue this build supports; the shadow state is embedded in struct vio_queue. */
#ifndef VIO_QUEUE_MAX_SIZE
#define VIO_QUEUE_MAX_SIZE 256
#endif
/* The longest chain one request may have (and so the size of an indirect table). */
#define VIO_QUEUE_MAX_SG 16

/* One buffer of a request: driver-readable ones first, then device-writable ones. */
struct vio_sg {
    void *buf;
    uint32_t len;
};

/* The Virtqueue Descriptor Table: the layout in guest memory (little-endian hosts only). */
struct vio__vring_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};

/* The driver's private copy of a descriptor: the device may scribble on the shared one. */
struct vio__shadow_desc {
    vio_paddr_t addr;
    void *buf;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};

/* Per chain head: what the driver needs to take the chain back. */
struct vio__chain {
    void *cookie;
    uint32_t writable; /* bytes the device may write: the bound for the used len */
    uint16_t ndesc;    /* ring descriptors the chain occupies */
    uint16_t nsg;      /* buffers shared (in the indirect shadow when indirect) */
    bool indirect;
    bool in_flight;
};

struct vio_queue {
    struct vio_transport *t;
    const struct vio_hal *hal;
    uint16_t idx;
    uint16_t size;
    bool event_idx;
    bool indirect;
    bool broken;

    /* rings, shared with the device */
    volatile struct vio__vring_desc *desc;
    volatile uint16_t *avail; /* flags, idx, ring[size], used_event */
    volatile uint16_t *used;  /* flags, idx, then {u32 id, u32 len}[size], avail_event */
    vio_paddr_t ring_pa[2];
    void *ring_va[2];
    size_t ring_pages[2];

    /* indirect tables (shared), one per head; their shadows are in ind_shadow below */
    vio_paddr_t ind_pa;
    void *ind_va;
    size_t ind_pages;

    uint16_t free_head;
    uint16_t num_free;
    uint16_t avail_idx;   /* next avail idx to publish */
    uint16_t kicked_idx;  /* avail idx at the last notify decision */
    uint16_t last_used;   /* next used entry to consume */
    uint16_t in_flight;

    struct vio__shadow_desc shadow[VIO_QUEUE_MAX_SIZE];
    struct vio__chain chain[VIO_QUEUE_MAX_SIZE];
    /*
     * The private shadow of each head's indirect table. It lives here, in the
     * caller's storage: DMA memory is the device's to write whatever its
     * direction, and this decides what unshare() is given.
     */
    struct vio__shadow_desc ind_shadow[VIO_QUEUE_MAX_SIZE * VIO_QUEUE_MAX_SG];
};

/*
 * vio_queue_init - allocates and programs queue @idx of @t. @size 0 picks
 * min(device maximum, VIO_QUEUE_MAX_SIZE); otherwise it must be a power of
 * two no larger than either (InvalidParam). AlreadyUsed when the device
 * reports the queue live, NotReady when its maximum is 0, DmaError when the
 * HAL cannot allocate. Event-idx and indirect follow t->features.
 */
int vio_queue_init(struct vio_queue *q, struct vio_transport *t, uint16_t idx, uint16_t size);
/*
 * Frees the rings, after unsharing the buffers of chains still in flight;
 * the device must have been reset (or the queue disabled) first.
 */
void vio_queue_deinit(struct vio_queue *q);

/*
 * vio_queue_add - shares @n_out readable then @n_in writable buffers and puts
 * the chain on the available ring (not yet visible to the device: see
 * vio_queue_kick). Returns the token (the chain head, >= 0) or QueueFull
 * (not enough free descriptors, or a chain longer than the queue, which
 * never fits), InvalidParam (no buffers, more than VIO_QUEUE_MAX_SG, a NULL
 * or empty buffer, over 4 GiB in total), DmaError (a share failed; nothing
 * stays shared), IoError (broken queue).
 */
int vio_queue_add(struct vio_queue *q, const struct vio_sg *sg, unsigned n_out, unsigned n_in,
                  void *cookie);
/* Publishes the avail idx and notifies the device unless it suppressed notifications. */
void vio_queue_kick(struct vio_queue *q);

/*
 * vio_queue_pop - takes the next used chain, unsharing its buffers.
 * Returns 1 with *token, *len (validated against the chain's writable bytes)
 * and *cookie set, 0 when nothing is used, or a negative vio_err
 * (WrongToken: id out of range or not in flight; IoError: bad used idx or
 * len, or the queue is broken). Any error latches the queue broken.
 */
int vio_queue_pop(struct vio_queue *q, uint16_t *token, uint32_t *len, void **cookie);
/*
 * Like vio_queue_pop but only for @token: WrongToken if a valid completion of
 * another chain is next (not latched: devices may complete out of order),
 * InvalidParam if @token is not in flight.
 */
int vio_queue_pop_token(struct vio_queue *q, uint16_t token, uint32_t *len);
/*
 * Waits (bounded by the HAL's spin_limit) for @token and pops it: 0 with
 * *len set, or the errors of vio_queue_pop_token. NotReady on timeout,
 * which latches the queue broken.
 */
int vio_queue_wait_token(struct vio_queue *q, uint16_t token, uint32_t *len);
/*
 * Takes back every chain still in flight without the device's help:
 * unshares its buffers and returns its descriptors. Only after the device
 * was reset (or the queue disabled), e.g. after a timeout, so that no
 * buffer stays shared once its owner is gone. Latches the queue broken.
 */
void vio_queue_reclaim_all(struct vio_queue *q);

bool vio_queue_has_used(const struct vio_queue *q);
static inline uint16_t vio_queue_num_free(const struct vio_queue *q) { return q->num_free; }
static inline bool vio_queue_is_broken(const struct vio_queue *q) { return q->broken; }

#endif
