/*
 * The device's side of a split ring for unit tests: reads the rings a queue
 * registered with the fake transport through the fake HAL's physical
 * addresses, walks chains (indirect too) and writes used entries.
 */
#ifndef FAKE_VRING_H
#define FAKE_VRING_H

#include <stdbool.h>
#include <stdint.h>

#include "fake_hal.h"
#include "fake_transport.h"
#include "vio/queue.h"

struct fake_vring {
    struct fake_hal *fh;
    const struct fake_transport *ft; /* where queue_setup put the rings */
    uint16_t last_avail;             /* next avail entry the device takes */
};

struct fake_vring_buf {
    uint8_t *ptr; /* the device's view of the buffer */
    uint32_t len;
    bool writable;
};

void fake_vring_attach(struct fake_vring *vr, struct fake_hal *fh, const struct fake_transport *ft);

volatile struct vio__vring_desc *fake_vring_desc(const struct fake_vring *vr);
volatile uint16_t *fake_vring_avail(const struct fake_vring *vr);
volatile uint16_t *fake_vring_used(const struct fake_vring *vr);

uint16_t fake_vring_avail_idx(const struct fake_vring *vr);
uint16_t fake_vring_avail_entry(const struct fake_vring *vr, uint16_t i);
uint16_t fake_vring_used_event(const struct fake_vring *vr);
void fake_vring_set_avail_event(const struct fake_vring *vr, uint16_t v);

/* Writes used ring slot @slot (mod size) without moving the used idx. */
void fake_vring_write_used(const struct fake_vring *vr, uint16_t slot, uint32_t id, uint32_t len);
/* Completes @id with @len at the next used slot and publishes it. */
void fake_vring_complete(const struct fake_vring *vr, uint32_t id, uint32_t len);
/* Takes the next published avail entry; false when the device has seen them all. */
bool fake_vring_next_avail(struct fake_vring *vr, uint16_t *head);
/*
 * Walks the chain at @head as a device would, asserting it is well formed;
 * returns the number of buffers and whether the chain was indirect.
 */
unsigned fake_vring_walk(const struct fake_vring *vr, uint16_t head, struct fake_vring_buf *out,
                         unsigned max, bool *indirect);

#endif
