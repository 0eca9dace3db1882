/* Constants from the VIRTIO 1.x specification that the whole core uses. */
#ifndef VIO_SPEC_H
#define VIO_SPEC_H

#include <stdint.h>

/* Basic Facilities of a Virtio Device / Device Status Field */
#define VIO_STATUS_ACKNOWLEDGE 1u
#define VIO_STATUS_DRIVER 2u
#define VIO_STATUS_DRIVER_OK 4u
#define VIO_STATUS_FEATURES_OK 8u
#define VIO_STATUS_DEVICE_NEEDS_RESET 64u
#define VIO_STATUS_FAILED 128u

/* Reserved Feature Bits (device-independent) */
#define VIO_F_INDIRECT_DESC (1ull << 28)
#define VIO_F_EVENT_IDX (1ull << 29)
#define VIO_F_VERSION_1 (1ull << 32)
#define VIO_F_ACCESS_PLATFORM (1ull << 33)
#define VIO_F_RING_PACKED (1ull << 34)
#define VIO_F_IN_ORDER (1ull << 35)
#define VIO_F_ORDER_PLATFORM (1ull << 36)
#define VIO_F_SR_IOV (1ull << 37)
#define VIO_F_NOTIFICATION_DATA (1ull << 38)
#define VIO_F_RING_RESET (1ull << 40)

/* Device Types */
enum vio_device_id {
    VIO_ID_INVALID = 0,
    VIO_ID_NET = 1,
    VIO_ID_BLOCK = 2,
    VIO_ID_CONSOLE = 3,
    VIO_ID_ENTROPY = 4,
    VIO_ID_BALLOON = 5,
    VIO_ID_SCSI = 8,
    VIO_ID_9P = 9,
    VIO_ID_GPU = 16,
    VIO_ID_INPUT = 18,
    VIO_ID_SOCKET = 19,
};

/* Virtqueues / The Virtqueue Descriptor Table */
#define VIO_DESC_F_NEXT 1u
#define VIO_DESC_F_WRITE 2u
#define VIO_DESC_F_INDIRECT 4u
/* Used Buffer Notification Suppression */
#define VIO_AVAIL_F_NO_INTERRUPT 1u
#define VIO_USED_F_NO_NOTIFY 1u

/* The largest queue the spec allows (Queue Size is a 16-bit power of two). */
#define VIO_SPEC_QUEUE_SIZE_MAX 32768u

#endif
