/*
 * The fake device behind a virtio-mmio register file (Version 1 or 2), as a
 * bus for the fuzz HAL. Accesses the MMIO Device Register Layout forbids
 * (wrong width, outside the window, a register the version does not have)
 * are driver bugs and abort.
 */
#ifndef FZ_MMIO_H
#define FZ_MMIO_H

#include <stddef.h>
#include <stdint.h>

#include "fz_dev.h"
#include "fz_hal.h"

#define FZ_MMIO_BASE UINT64_C(0x10001000)

struct fz_mmio_queue {
    uint32_t num;
    uint32_t align;
    uint32_t pfn;
    uint32_t ready;
    uint64_t desc, driver, device;
};

struct fz_mmio {
    struct fz_dev *d;
    uintptr_t base;
    size_t size;
    uint32_t version;
    uint32_t dev_sel, drv_sel, queue_sel, page_size;
    struct fz_mmio_queue q[FZ_QUEUES];
};

extern const struct fz_bus_ops fz_mmio_bus;

/* A register file of @version at FZ_MMIO_BASE, @size bytes long, in front of @d. */
void fz_mmio_init(struct fz_mmio *m, struct fz_dev *d, uint32_t version, size_t size);

#endif
