/*
 * The device side of a split virtqueue, as a device model sees it: pop a
 * descriptor chain the driver made available, read and write its buffers,
 * push it to the used ring. Every address and index from the driver is
 * checked; a malformed ring is recorded as a violation, the queue stops and
 * the device asks for a reset, and the bench goes on.
 */
#ifndef VSIM_VQ_H
#define VSIM_VQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vsim_vq;
struct vsim_device;

/* One descriptor's buffer, translated into host memory. */
struct vsim_seg {
    uint8_t *p;
    uint64_t paddr;
    uint32_t len;
    bool write; /* device-writable */
};

/*
 * struct vsim_chain - a popped descriptor chain. Readable segments come
 * first (seg[0..nread)), then writable ones. @seg belongs to the queue and
 * stays valid until the next pop on it; the rest may be copied and kept to
 * complete the chain later.
 */
struct vsim_chain {
    uint16_t head;
    uint32_t second; /* the chain's second index in the queue's table, or UINT32_MAX */
    uint32_t nseg;
    uint32_t nread;
    uint64_t read_len;
    uint64_t write_len;
    struct vsim_seg *seg;
};

/* Takes the next available chain; false when none (or the queue is stopped). */
bool vsim_vq_pop(struct vsim_vq *vq, struct vsim_chain *c);
/*
 * Gives the last @n popped (and not pushed) chains back to the available
 * ring, as if never taken: a device that needs more buffers than are
 * available (a packet spread over several) waits for them. The next flush
 * then asks for a notification when the driver adds a chain.
 */
void vsim_vq_unpop(struct vsim_vq *vq, uint16_t n);
/*
 * Returns chain @c to the driver with @len bytes written. Used ring faults
 * (wrong id, wrong len, never complete) are applied here.
 */
void vsim_vq_push(struct vsim_vq *vq, const struct vsim_chain *c, uint32_t len);
/*
 * Decides the used buffer notification for everything pushed since the last
 * flush (event-idx or NO_INTERRUPT) and updates avail_event. The device core
 * flushes after every queue_notify callback; a model completing later calls it.
 */
void vsim_vq_flush(struct vsim_vq *vq);

uint16_t vsim_vq_index(const struct vsim_vq *vq);
uint16_t vsim_vq_size(const struct vsim_vq *vq);
bool vsim_vq_ready(const struct vsim_vq *vq);
/* True once a malformed ring stopped the queue (until reset). */
bool vsim_vq_broken(const struct vsim_vq *vq);
struct vsim_device *vsim_vq_device(const struct vsim_vq *vq);
/* Chains available but not popped yet (0 when stopped). */
uint16_t vsim_vq_avail_pending(const struct vsim_vq *vq);
uint64_t vsim_vq_suppressed(const struct vsim_vq *vq); /* used buffer notifications suppressed */
/*
 * Available buffer notifications the device had suppressed (NO_NOTIFY while
 * a deferred queue waits, or avail_event not reached with event-idx): a
 * driver honouring suppression keeps this at 0.
 */
uint64_t vsim_vq_unneeded_notifies(const struct vsim_vq *vq);

/*
 * Copies between the chain's readable (read) or writable (write) bytes, seen
 * as one stream, and a flat buffer; returns the bytes copied (short at the end).
 */
size_t vsim_chain_read(const struct vsim_chain *c, uint64_t off, void *dst, size_t len);
size_t vsim_chain_write(const struct vsim_chain *c, uint64_t off, const void *src, size_t len);
/* Fills @len writable bytes at @off with @byte; returns the bytes set. */
size_t vsim_chain_fill(const struct vsim_chain *c, uint64_t off, uint8_t byte, size_t len);
/*
 * Calls @fn for each piece of the readable or writable stream in
 * [@off, @off+@len); stops at the first nonzero return and returns it.
 */
int vsim_chain_for_each(const struct vsim_chain *c, bool writable, uint64_t off, uint64_t len,
                        int (*fn)(void *ctx, uint8_t *p, size_t len, uint64_t stream_off),
                        void *ctx);

#endif
