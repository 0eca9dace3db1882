/* The virtio-mmio transport, legacy (Version 1) and modern (Version 2). */
#ifndef VIO_MMIO_H
#define VIO_MMIO_H

#include <stddef.h>
#include <stdint.h>

#include "vio/hal.h"
#include "vio/transport.h"

/* Why a probe refused a window, for messages and tests. */
enum vio_mmio_why {
    VIO_MMIO_OK = 0,
    VIO_MMIO_TOO_SMALL,   /* the window cannot hold the register file */
    VIO_MMIO_BAD_MAGIC,   /* MagicValue is not "virt" */
    VIO_MMIO_BAD_VERSION, /* Version is neither 1 nor 2 */
    VIO_MMIO_NO_DEVICE,   /* DeviceID 0: an empty slot */
};

struct vio_mmio {
    struct vio_transport t; /* first: a struct vio_transport * points here */
    uintptr_t base;
    size_t size;
    uint32_t version;
    uint32_t vendor_id;
    enum vio_mmio_why why;
};

/*
 * vio_mmio_probe - checks MagicValue, then Version, then DeviceID (and
 * touches nothing else when it is 0). Returns 0 with m->t ready for
 * vio_transport_begin_init, or NotReady for an empty slot, Unsupported for
 * a bad magic or version, InvalidParam for a too-small window; m->why says
 * which.
 */
int vio_mmio_probe(struct vio_mmio *m, const struct vio_hal *hal, vio_paddr_t paddr, size_t size);
const char *vio_mmio_why_str(enum vio_mmio_why why);

#endif
