/*
 * The bench's own reading of which feature bits exist (Feature Bits,
 * Reserved Feature Bits, each device type's Feature bits) and which require
 * others, for the FEAT rules. Independent of the driver's vio/spec.h.
 */
#ifndef VSIM_FEATURE_BITS_H
#define VSIM_FEATURE_BITS_H

#include <stdbool.h>
#include <stdint.h>

/*
 * The first bit of @accepted a driver may not accept on a device of type
 * @device_id (legacy or modern, MMIO or PCI): not described, reserved, or
 * not for this device type or transport. -1 when there is none. SR_IOV is
 * left to vsim__feature_sr_iov.
 */
int vsim__feature_undefined(uint32_t device_id, bool pci, uint64_t accepted);

/* VIRTIO_F_SR_IOV is among @accepted: no bench device has an SR-IOV capability. */
bool vsim__feature_sr_iov(uint64_t accepted);

/*
 * The first accepted bit of a device of type @device_id whose required
 * features are not all accepted; -1 when none. @needs gets the bits it
 * requires (all of them, or any one where the spec says "or").
 */
int vsim__feature_missing_dep(uint32_t device_id, uint64_t accepted, uint64_t *needs);

#endif
