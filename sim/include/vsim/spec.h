/*
 * The bench's own reading of the VIRTIO spec constants. Independent of the
 * driver's vio/spec.h on purpose: when the two readings disagree a test fails.
 */
#ifndef VSIM_SPEC_H
#define VSIM_SPEC_H

#include <stdint.h>

#define VSIM_BIT(n) (UINT64_C(1) << (n))

/* Device Status Field */
#define VSIM_STATUS_ACKNOWLEDGE 0x01u
#define VSIM_STATUS_DRIVER 0x02u
#define VSIM_STATUS_DRIVER_OK 0x04u
#define VSIM_STATUS_FEATURES_OK 0x08u
#define VSIM_STATUS_DEVICE_NEEDS_RESET 0x40u
#define VSIM_STATUS_FAILED 0x80u

/* Reserved Feature Bits (bit numbers) */
#define VSIM_F_INDIRECT_DESC 28
#define VSIM_F_EVENT_IDX 29
#define VSIM_F_VERSION_1 32
#define VSIM_F_ACCESS_PLATFORM 33
#define VSIM_F_RING_PACKED 34
#define VSIM_F_RING_RESET 40

/* Device Types */
#define VSIM_ID_NET 1u
#define VSIM_ID_BLOCK 2u
#define VSIM_ID_GPU 16u

/* The Virtqueue Descriptor Table: struct virtq_desc is 16 bytes */
#define VSIM_VRING_DESC_SIZE 16u
#define VSIM_VRING_DESC_F_NEXT 1u
#define VSIM_VRING_DESC_F_WRITE 2u
#define VSIM_VRING_DESC_F_INDIRECT 4u

/* The Virtqueue Available Ring / Used Ring flags */
#define VSIM_VRING_AVAIL_F_NO_INTERRUPT 1u
#define VSIM_VRING_USED_F_NO_NOTIFY 1u

/* Split Virtqueues: the largest queue size */
#define VSIM_QUEUE_SIZE_MAX 32768u

/* Interrupt status bits (MMIO InterruptStatus, PCI ISR) */
#define VSIM_ISR_QUEUE 0x1u
#define VSIM_ISR_CONFIG 0x2u

/*
 * Used Buffer Notification Suppression: true when moving the used index from
 * @old_idx to @new_idx passed @event (wrap-safe 16-bit arithmetic).
 */
static inline int vsim_need_event(uint16_t event, uint16_t new_idx, uint16_t old_idx)
{
    return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old_idx);
}

#endif
