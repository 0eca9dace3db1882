/*
 * Helpers for the bench's own suites: register pokes through the sim HAL and
 * hand-built split rings in guest memory, with no driver code involved.
 */
#ifndef TEST_SIM_HELPERS_H
#define TEST_SIM_HELPERS_H

#include <stdbool.h>
#include <stdint.h>

#include "vsim/conform.h"
#include "vsim/device.h"
#include "vsim/machine.h"
#include "vsim/mmio.h"
#include "vsim/spec.h"

uint32_t simt_r32(struct vsim_machine *m, unsigned slot, uint32_t off);
void simt_w32(struct vsim_machine *m, unsigned slot, uint32_t off, uint32_t val);
size_t simt_count(struct vsim_machine *m, const char *rule_id);

/* A split ring in DMA pages; legacy layout (used ring page aligned) when @legacy. */
struct simt_ring {
    uint16_t num;
    uint64_t pa;
    uint8_t *va;
    size_t pages;
    uint64_t desc_pa, avail_pa, used_pa;
    uint8_t *desc, *avail, *used;
    uint16_t avail_idx;
    uint16_t used_seen;
};

void simt_ring_alloc(struct vsim_machine *m, struct simt_ring *r, uint16_t num, bool legacy);
void simt_ring_free(struct vsim_machine *m, struct simt_ring *r);
void simt_desc(struct simt_ring *r, uint16_t i, uint64_t addr, uint32_t len, uint16_t flags,
               uint16_t next);
/* Writes a descriptor into a separate table (indirect). */
void simt_desc_at(uint8_t *table, uint16_t i, uint64_t addr, uint32_t len, uint16_t flags,
                  uint16_t next);
/* Makes @head available (ring entry, then idx) without notifying. */
void simt_avail(struct simt_ring *r, uint16_t head);
/* Next used element the test has not seen yet; false when none. */
bool simt_used(struct simt_ring *r, uint32_t *id, uint32_t *len);
void simt_set_used_event(struct simt_ring *r, uint16_t v);
uint16_t simt_avail_event(const struct simt_ring *r);

/* MMIO-specific Initialization: MagicValue, Version (asserted @version), DeviceID. */
void simt_probe(struct vsim_machine *m, unsigned slot, uint32_t version);
/* Status 0, read back as 0 (Device Reset). */
void simt_reset(struct vsim_machine *m, unsigned slot);

/*
 * Full modern (v2) or legacy (v1) initialization of the device in @slot with
 * queue 0 on @r, accepting @accept; ends with DRIVER_OK.
 */
void simt_init_v2(struct vsim_machine *m, unsigned slot, uint64_t accept, struct simt_ring *r);
void simt_init_v1(struct vsim_machine *m, unsigned slot, uint32_t accept, struct simt_ring *r);
void simt_notify(struct vsim_machine *m, unsigned slot, uint16_t q);

/* DMA buffer of @pages pages. */
uint8_t *simt_dma(struct vsim_machine *m, size_t pages, uint64_t *pa);
void simt_dma_free(struct vsim_machine *m, uint8_t *va, uint64_t pa, size_t pages);

/* Asserts no DMA pages or shares are left. */
void simt_assert_no_leaks(struct vsim_machine *m);

#endif
