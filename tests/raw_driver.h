/*
 * A raw driver for the conformance suites: register writes and hand-built
 * rings through the machine's HAL, on MMIO v1, v2 or PCI, with no driver
 * library code. Each step is correct unless a test does it wrong on purpose;
 * NEGATIVE_TEST runs a body on a fresh lenient machine and then demands that
 * exactly the rule it names was recorded, and nothing else.
 */
#ifndef TESTS_RAW_DRIVER_H
#define TESTS_RAW_DRIVER_H

#include <check.h>
#include <stdbool.h>
#include <stdint.h>

#include "vsim/blk.h"
#include "vsim/device.h"
#include "vsim/gpu.h"
#include "vsim/machine.h"
#include "vsim/mmio.h"
#include "vsim/net.h"
#include "vsim/pci.h"
#include "vsim/spec.h"

enum raw_bus { RAW_MMIO1, RAW_MMIO2, RAW_PCI };

#define RAW_SLOT 0u    /* the MMIO slot the device goes to */
#define RAW_PCI_DEV 1u /* its PCI device number (function 0) */
#define RAW_QUEUES 3u

/* A split ring the test writes by hand, in guest memory. */
struct raw_ring {
    uint16_t num;
    uint64_t pa; /* desc_pa; the legacy PFN is pa / 4096 */
    uint64_t desc_pa, avail_pa, used_pa;
    uint8_t *desc, *avail, *used;
    uint16_t avail_idx;
};

struct raw {
    struct vsim_machine *m;
    const struct vio_hal *hal;
    struct vsim_device *dev;
    enum raw_bus bus;
    uintptr_t base; /* the MMIO slot, or BAR4 */
    struct raw_ring q[RAW_QUEUES];
};

/*
 * NEGATIVE_TEST(name, "RULE-ID") { body using struct raw *r }: the body's
 * wrong driver sequence must record RULE-ID and no other rule, and the
 * catalogue must name this test as the rule's proof. viosim conform lists
 * the tests from these lines, so each one must exist and be registered.
 */
#define NEGATIVE_TEST(name, rule_id)                                                               \
    static void name##_body(struct raw *r);                                                        \
    START_TEST(name)                                                                               \
    {                                                                                              \
        raw_negative(#name, rule_id, name##_body);                                                 \
    }                                                                                              \
    END_TEST                                                                                       \
    static void name##_body(struct raw *r)

void raw_negative(const char *name, const char *rule_id, void (*body)(struct raw *r));
/* The fixture teardown of a NEGATIVE_TEST case: frees what a failed body left. */
void raw_teardown(void);
/* Asserts that nothing was recorded yet: the steps so far were all correct. */
void raw_clean(struct raw *r);
/* Applies a fault rule ("blk:no_complete@1") to the machine. */
void raw_fault(struct raw *r, const char *rule);

/* ---- devices ---- */
/* Attaches @d at RAW_SLOT (MMIO) or RAW_PCI_DEV (PCI, BAR4 placed, memory and bus master on). */
void raw_attach(struct raw *r, enum raw_bus bus, struct vsim_device *d);
struct vsim_blk *raw_blk(struct raw *r, enum raw_bus bus, const struct vsim_blk_opts *o);
struct vsim_net *raw_net(struct raw *r, enum raw_bus bus, const struct vsim_net_opts *o);
struct vsim_gpu *raw_gpu(struct raw *r, enum raw_bus bus, const struct vsim_gpu_opts *o);
/* A minimal device of type @device_id offering @features: 2 queues of 128, 16 config bytes. */
void raw_custom(struct raw *r, enum raw_bus bus, uint32_t device_id, uint64_t features);

/* ---- registers ---- */
uint32_t raw_rd(struct raw *r, uint32_t off, unsigned width); /* MMIO slot or BAR4 */
void raw_wr(struct raw *r, uint32_t off, unsigned width, uint32_t val);
uint32_t raw_cfg_rd(struct raw *r, uint32_t off, unsigned width); /* ECAM of the PCI function */
void raw_cfg_wr(struct raw *r, uint32_t off, unsigned width, uint32_t val);
/* The BAR4 offsets of the common configuration fields (Common configuration structure layout). */
enum raw_common {
    RAW_C_DEVICE_FEATURE_SELECT = 0x00,
    RAW_C_DEVICE_FEATURE = 0x04,
    RAW_C_DRIVER_FEATURE_SELECT = 0x08,
    RAW_C_DRIVER_FEATURE = 0x0c,
    RAW_C_NUM_QUEUES = 0x12,
    RAW_C_DEVICE_STATUS = 0x14,
    RAW_C_QUEUE_SELECT = 0x16,
    RAW_C_QUEUE_SIZE = 0x18,
    RAW_C_QUEUE_ENABLE = 0x1c,
    RAW_C_QUEUE_NOTIFY_OFF = 0x1e,
    RAW_C_QUEUE_DESC = 0x20,
    RAW_C_QUEUE_DRIVER = 0x28,
    RAW_C_QUEUE_DEVICE = 0x30,
};

/* ---- the generic steps of Device Initialization, per transport ---- */
void raw_probe(struct raw *r); /* MMIO: MagicValue, Version, DeviceID */
uint8_t raw_status(struct raw *r);
void raw_set_status(struct raw *r, uint8_t status);
void raw_reset(struct raw *r); /* 0, read back as 0 */
uint64_t raw_features(struct raw *r);
void raw_accept(struct raw *r, uint64_t features);
/* Probe, reset, ACKNOWLEDGE, DRIVER, features read and @accept written. */
void raw_start(struct raw *r, uint64_t accept);
/* raw_start, then FEATURES_OK (modern) and its read-back; true when the device kept it. */
bool raw_negotiate(struct raw *r, uint64_t accept);
/* The status bits of a finished step: ACK|DRIVER(|FEATURES_OK when modern). */
uint8_t raw_steps(struct raw *r);
/* Lays out ring @q of @num entries (legacy layout on MMIO v1), without enabling it. */
void raw_ring(struct raw *r, uint16_t q, uint16_t num);
/* raw_ring, then programs and enables queue @q. */
void raw_queue(struct raw *r, uint16_t q, uint16_t num);
/* raw_negotiate (asserted), @nq queues of 8, DRIVER_OK: a live device. */
void raw_live(struct raw *r, uint64_t accept, uint16_t nq);
void raw_notify(struct raw *r, uint16_t q);
uint32_t raw_config_rd(struct raw *r, uint32_t off, unsigned width);
void raw_config_wr(struct raw *r, uint32_t off, unsigned width, uint32_t val);

/* ---- rings and buffers ---- */
void raw_desc(struct raw *r, uint16_t q, uint16_t i, uint64_t addr, uint32_t len, uint16_t flags,
              uint16_t next);
void raw_desc_at(uint8_t *table, uint16_t i, uint64_t addr, uint32_t len, uint16_t flags,
                 uint16_t next);
/* Puts @head in the available ring and moves idx (no notification). */
void raw_avail(struct raw *r, uint16_t q, uint16_t head);
void raw_set_avail_idx(struct raw *r, uint16_t q, uint16_t idx);
uint16_t raw_used_idx(struct raw *r, uint16_t q);
/* Zeroed guest memory of @bytes (page multiple), its guest physical address in @pa. */
uint8_t *raw_buf(struct raw *r, size_t bytes, uint64_t *pa);

/*
 * A block request in descriptors 0..2 of queue 0: a 16-byte header, @len data
 * bytes (device-writable for T_IN and GET_ID), a writable status byte; no
 * data descriptor when @len is 0. Made available, not notified.
 */
void raw_blk_request(struct raw *r, uint32_t type, uint64_t sector, uint32_t len);

#endif
