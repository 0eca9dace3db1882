/* The transport interface shared by MMIO and PCI, and the common initialization sequence. */
#ifndef VIO_TRANSPORT_H
#define VIO_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vio/hal.h"

struct vio_transport;

/*
 * struct vio_transport_ops - one per transport (MMIO, PCI); all device values
 * returned here are raw and untrusted, callers range-check them.
 *
 * @get_status/@set_status: the Device Status Field; set_status(0) resets.
 * @reset: writes 0 and waits (bounded) until the device reads back 0.
 * @device_features/@set_driver_features: all 64 feature bits.
 * @queue_max: the device's maximum size for queue @idx (0: unavailable).
 * @queue_in_use: true when queue @idx is already live (QueueReady / queue_enable).
 * @queue_setup: programs and enables queue @idx with the given ring addresses.
 * @queue_teardown: disables queue @idx where the transport can.
 * @notify: tells the device queue @idx has new buffers.
 * @ack_interrupt: reads and acknowledges the interrupt status, returns its bits.
 * @config_generation: the configuration atomicity value.
 * @config_read: reads @width (1, 2, 4) bytes at @off of the device config;
 *               returns a negative vio_err when @off is outside it.
 * @config_write: the same for writes.
 * @config_size: bytes of device-specific config available (may be a bound).
 */
struct vio_transport_ops {
    uint8_t (*get_status)(struct vio_transport *t);
    void (*set_status)(struct vio_transport *t, uint8_t status);
    int (*reset)(struct vio_transport *t);
    uint64_t (*device_features)(struct vio_transport *t);
    void (*set_driver_features)(struct vio_transport *t, uint64_t features);
    uint32_t (*queue_max)(struct vio_transport *t, uint16_t idx);
    bool (*queue_in_use)(struct vio_transport *t, uint16_t idx);
    int (*queue_setup)(struct vio_transport *t, uint16_t idx, uint16_t size, vio_paddr_t desc,
                       vio_paddr_t avail, vio_paddr_t used);
    void (*queue_teardown)(struct vio_transport *t, uint16_t idx);
    void (*notify)(struct vio_transport *t, uint16_t idx);
    uint32_t (*ack_interrupt)(struct vio_transport *t);
    uint32_t (*config_generation)(struct vio_transport *t);
    int (*config_read)(struct vio_transport *t, uint32_t off, unsigned width, uint32_t *val);
    int (*config_write)(struct vio_transport *t, uint32_t off, unsigned width, uint32_t val);
    uint32_t (*config_size)(struct vio_transport *t);
};

/* Embedded at the start of struct vio_mmio and struct vio_pci_transport. */
struct vio_transport {
    const struct vio_transport_ops *ops;
    const struct vio_hal *hal;
    uint32_t device_id;     /* enum vio_device_id, checked at probe */
    uint64_t features;      /* negotiated */
    bool legacy;            /* legacy interface: 32 feature bits, no FEATURES_OK, contiguous rings */
    bool broken;            /* sticky: the device violated the spec */
};

/*
 * Device Initialization steps 1-6: reset, ACKNOWLEDGE, DRIVER, read features,
 * write (offered & @supported), FEATURES_OK and read it back (modern only:
 * Legacy Interface: Device Initialization has no FEATURES_OK). On failure
 * the device is left with FAILED set. Returns 0 or a negative vio_err.
 */
int vio_transport_begin_init(struct vio_transport *t, uint64_t supported);
/* Device Initialization step 8: DRIVER_OK. */
void vio_transport_finish_init(struct vio_transport *t);
/* Marks the device FAILED (Device Initialization: a step failed). */
void vio_transport_fail(struct vio_transport *t);
/* Device Cleanup: reset the device so it stops using the queues. */
int vio_transport_shutdown(struct vio_transport *t);

/*
 * Device Configuration Space: reads @len bytes at @off into @buf, retrying
 * (bounded) until the generation counter is stable. Little-endian fields.
 */
int vio_config_read(struct vio_transport *t, uint32_t off, void *buf, size_t len);
int vio_config_read_u16(struct vio_transport *t, uint32_t off, uint16_t *val);
int vio_config_read_u32(struct vio_transport *t, uint32_t off, uint32_t *val);
int vio_config_read_u64(struct vio_transport *t, uint32_t off, uint64_t *val);

static inline bool vio_has_feature(const struct vio_transport *t, uint64_t bit)
{
    return (t->features & bit) != 0;
}

#endif
