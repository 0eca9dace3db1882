/*
 * The device model interface, independent of the transport. A model (blk,
 * net, gpu) fills a struct vsim_device_model; vsim_device_create wraps it in
 * the common virtio device state (status, features, queues, interrupt status,
 * configuration generation). A transport (MMIO now, PCI later) exposes that
 * state through its registers, so one model runs unchanged behind either.
 */
#ifndef VSIM_DEVICE_H
#define VSIM_DEVICE_H

#include <stdbool.h>
#include <stdint.h>

#include "vsim/conform.h"
#include "vsim/fault.h"
#include "vsim/vq.h"

struct vsim_machine;
struct vsim_device;

/*
 * struct vsim_device_ops - what a model implements; @priv is the model's.
 * @config_read:  copy @len bytes of config space at @off (inside config_size).
 * @config_write: store them; return false for read-only bytes (a violation).
 * @features_ok:  optional; false refuses FEATURES_OK for the accepted set.
 * @driver_ok:    optional; the driver set DRIVER_OK.
 * @reset:        device reset (status 0); queues are already stopped.
 * @queue_notify: queue @vq has new buffers: pop, serve, push.
 * @destroy:      release @priv at machine free.
 * @queue_max:    optional; the maximum size of queue @idx (capped at 32768),
 *                where queues differ; otherwise every queue has model.queue_max.
 */
struct vsim_device_ops {
    void (*config_read)(void *priv, uint32_t off, void *buf, uint32_t len);
    bool (*config_write)(void *priv, uint32_t off, const void *buf, uint32_t len);
    bool (*features_ok)(void *priv, uint64_t accepted);
    void (*driver_ok)(void *priv);
    void (*reset)(void *priv);
    void (*queue_notify)(void *priv, struct vsim_vq *vq);
    void (*destroy)(void *priv);
    uint16_t (*queue_max)(void *priv, uint16_t idx);
};

struct vsim_device_model {
    const char *name; /* "blk": the fault plan's DEVICE and the trace label */
    uint32_t device_id;
    uint32_t vendor_id;
    uint64_t features; /* offered; bits >= 32 are hidden from a legacy transport */
    uint16_t num_queues;
    uint16_t queue_max; /* the maximum size of every queue */
    uint32_t config_size;
    const struct vsim_device_ops *ops;
    void *priv;
};

/* The machine owns the device from here on (ops->destroy runs at machine free). */
struct vsim_device *vsim_device_create(struct vsim_machine *m,
                                       const struct vsim_device_model *model);

/* ---- for device models ---- */
struct vsim_machine *vsim_device_machine(const struct vsim_device *d);
const char *vsim_device_name(const struct vsim_device *d);
/* "blk@mmio0" once attached to a transport. */
const char *vsim_device_label(const struct vsim_device *d);
bool vsim_device_legacy(const struct vsim_device *d);
uint64_t vsim_device_offered(const struct vsim_device *d);
uint64_t vsim_device_accepted(const struct vsim_device *d);
bool vsim_device_has(const struct vsim_device *d, unsigned bit); /* accepted */
uint8_t vsim_device_status(const struct vsim_device *d);
/* The configuration changed: bump the generation, raise a config interrupt. */
void vsim_device_config_changed(struct vsim_device *d);
/* An unrecoverable driver error: DEVICE_NEEDS_RESET (modern) and a config interrupt. */
void vsim_device_needs_reset(struct vsim_device *d);
void vsim_device_violation(struct vsim_device *d, enum vsim_rule rule, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
bool vsim_device_fault(struct vsim_device *d, enum vsim_fault_point point, uint64_t *value);
/* Whether the machine traces: check it before formatting a trace line on a hot path. */
bool vsim_device_tracing(const struct vsim_device *d);
void vsim_device_trace(struct vsim_device *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
struct vsim_vq *vsim_device_vq(struct vsim_device *d, uint16_t idx);
uint16_t vsim_device_num_queues(const struct vsim_device *d);
uint64_t vsim_device_interrupts(const struct vsim_device *d); /* raised so far */

/* ---- for transports ---- */
/* Binds to a transport once; @where names it ("mmio0"). Returns false if already bound. */
bool vsim_device_bind(struct vsim_device *d, bool legacy, const char *where);
uint32_t vsim_device_id(const struct vsim_device *d);
uint32_t vsim_device_vendor(const struct vsim_device *d);
uint32_t vsim_device_features_word(struct vsim_device *d, uint32_t sel);
void vsim_device_set_driver_word(struct vsim_device *d, uint32_t sel, uint32_t val);
/* The driver reads status (the Device Reset and Device Initialization rules follow reads). */
uint8_t vsim_device_read_status(struct vsim_device *d);
/* Status write with its side effects: 0 resets, FEATURES_OK may be refused. */
void vsim_device_write_status(struct vsim_device *d, uint8_t status);
void vsim_device_reset(struct vsim_device *d);
uint32_t vsim_device_config_size(const struct vsim_device *d);
/* Little-endian config access of @width bytes; out of range reads 0 (a violation). */
uint32_t vsim_device_config_read(struct vsim_device *d, uint32_t off, unsigned width);
void vsim_device_config_write(struct vsim_device *d, uint32_t off, unsigned width, uint32_t val);
uint32_t vsim_device_generation(const struct vsim_device *d);
uint32_t vsim_device_isr(const struct vsim_device *d);
void vsim_device_isr_ack(struct vsim_device *d, uint32_t bits);
/* QueueNumMax of queue @idx, presented to the driver: 0 when there is none (or a fault says so). */
uint16_t vsim_device_queue_max(struct vsim_device *d, uint16_t idx);
/*
 * The bound the driver must keep for queue @idx (MMIO Device Register Layout,
 * Common configuration structure layout): the maximum it was last presented,
 * or the device's own when it never read one. Not a read: no fault applies.
 */
uint16_t vsim_device_queue_limit(struct vsim_device *d, uint16_t idx);
/* Available buffer notification for queue @idx: served now, or on relax in deferred mode. */
void vsim_device_notify(struct vsim_device *d, uint16_t idx);

/*
 * Enables queue @vq with the driver's size and part addresses, checking them
 * (size, alignment, guest memory, used flags); false (a violation recorded)
 * leaves the queue stopped.
 */
bool vsim_vq_enable(struct vsim_vq *vq, uint16_t num, uint64_t desc, uint64_t avail, uint64_t used);
void vsim_vq_disable(struct vsim_vq *vq);

#endif
