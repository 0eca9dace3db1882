/*
 * The net suites' fixture: a machine, a simulated net device on an MMIO slot
 * and the real driver probed on it, with receive/transmit buffers from one
 * pool (guest memory, or host heap so every share bounces).
 */
#ifndef TEST_NET_ENV_H
#define TEST_NET_ENV_H

#include <stdbool.h>
#include <stdint.h>

#include "vio/mmio.h"
#include "vio/net.h"
#include "vsim/machine.h"
#include "vsim/net.h"

#define NETT_BUF_LEN 2048u
#define NETT_POOL 512u

struct nett {
    struct vsim_machine *m;
    struct vsim_net *sim;
    struct vio_mmio mmio;
    struct vio_net *drv; /* heap: the struct is large */
    uint8_t *pool;       /* NETT_POOL buffers of NETT_BUF_LEN */
    bool pool_in_guest;
    bool pool_free[NETT_POOL];
    unsigned slot;
};

/* A machine with @deferred serving; spin limit small so a hung wait ends fast. */
struct vsim_machine *nett_machine(bool deferred);
/* Attaches a net device at @slot of @m (MMIO @version) and probes it; asserts success. */
void nett_attach(struct nett *e, struct vsim_machine *m, unsigned slot, unsigned version,
                 const struct vsim_net_opts *so);
/* nett_attach then vio_net_init with @o, asserting 0. */
void nett_up(struct nett *e, struct vsim_machine *m, unsigned slot, unsigned version,
             const struct vsim_net_opts *so, const struct vio_net_opts *o);
/* The buffer pool in host memory (shares bounce) instead of guest memory; before any use. */
void nett_pool_on_heap(struct nett *e);

uint8_t *nett_buf(struct nett *e);
void nett_buf_put(struct nett *e, void *buf);
unsigned nett_bufs_out(const struct nett *e);

/* Posts @count pool buffers of @len bytes (cookie: the buffer) and kicks; asserts success. */
void nett_post(struct nett *e, unsigned count, uint32_t len);
/* Sends @len frame bytes from @frame with vio_net_tx (cookie: the buffer); returns its result. */
int nett_send(struct nett *e, const uint8_t *frame, uint32_t len);
/* Takes back up to @max transmit completions into the pool; returns how many or the error. */
int nett_reap(struct nett *e, unsigned max);
/*
 * Receives one packet into @frame (copied, at most @cap bytes), then reposts
 * its buffers (and kicks) or, without @repost, returns them to the pool.
 * Returns 1 with *len set, 0 when none, or the error.
 */
int nett_recv(struct nett *e, uint8_t *frame, uint32_t cap, uint32_t *len, bool repost);

/* A frame of @len bytes: broadcast Ethernet header, then bytes derived from @seq. */
void nett_frame(uint8_t *frame, uint32_t len, uint32_t seq);

/*
 * vio_net_deinit, then every buffer back through the reclaim calls into the
 * pool; returns how many receive (*rx) and transmit (*tx) buffers came back.
 */
void nett_down(struct nett *e, unsigned *rx, unsigned *tx);
/* Asserts no DMA pages, shares or pool buffers are left and frees the pool. */
void nett_release(struct nett *e);
/* Conformance violations recorded on @m so far. */
size_t nett_violations(struct vsim_machine *m);
/* Asserts @m recorded no violation (printing them if it did) and frees it. */
void nett_machine_free(struct vsim_machine *m);

#endif
