/*
 * The shared fixture of the queue suites: a fake HAL, a fake transport, the
 * device side of the ring and the queue under test, with small helpers that
 * add chains of test buffers. The suites use the globals directly.
 */
#ifndef FAKE_QUEUE_ENV_H
#define FAKE_QUEUE_ENV_H

#include <stdint.h>

#include "fake_hal.h"
#include "fake_transport.h"
#include "fake_vring.h"
#include "vio/queue.h"

extern struct fake_hal fh;
extern struct fake_transport ft;
extern struct fake_vring vr;
extern struct vio_queue q;
/* the buffers fake_queue_add shares, 64 bytes each */
extern uint8_t bufs[VIO_QUEUE_MAX_SG][64];

/* Checked fixture: fresh fakes and queue; teardown frees the queue and asserts nothing leaked. */
void fake_queue_setup(void);
void fake_queue_teardown(void);

/* Initializes q with VERSION_1 plus @features negotiated; asserts success. */
void fake_queue_init(uint64_t features, uint16_t size);
/* Adds a chain of @n_out readable and @n_in writable buffers from bufs. */
int fake_queue_add(unsigned n_out, unsigned n_in, void *cookie);
/* Adds, kicks, completes and pops one single-buffer chain. */
void fake_queue_cycle(void);

#endif
