/*
 * A fake PCI bus for the fuzz HAL: configuration spaces (ECAM or CAM) whose
 * bytes and BAR sizes come from the input, and the virtio structures of the
 * function being driven, decoded where the driver mapped them (common
 * configuration, notifications, ISR status, device configuration) in front
 * of the fake device. Configuration writes into capabilities, accesses
 * outside every mapped structure or of the wrong width, and structures
 * outside the function's enabled BARs are driver bugs and abort.
 */
#ifndef FZ_PCI_H
#define FZ_PCI_H

#include <stdbool.h>
#include <stdint.h>

#include "fz_dev.h"
#include "fz_hal.h"
#include "vio/pci.h"

#define FZ_PCI_CFG_BASE UINT64_C(0x30000000)
#define FZ_PCI_MEM32_BASE UINT64_C(0x40000000)
#define FZ_PCI_MEM32_SIZE UINT64_C(0x40000000)
#define FZ_PCI_MEM64_BASE UINT64_C(0x4000000000)
#define FZ_PCI_MEM64_SIZE UINT64_C(0x100000000)
#define FZ_PCI_FUNCS 8u

struct fz_pci_func {
    uint16_t bdf;
    uint8_t cfg[256];
    uint32_t bar_mask[6]; /* the BAR bits that stick when written */
};

struct fz_pci_queue {
    uint16_t size;
    uint64_t desc, driver, device;
};

struct fz_pci {
    struct fz_dev *d;
    bool cam;
    uint8_t bus_first;
    uint8_t bus_last;
    unsigned nfuncs;
    struct fz_pci_func f[FZ_PCI_FUNCS];
    /* the transport being probed or driven: its mapped structures are what decodes */
    const struct vio_pci_transport *tp;
    uint16_t num_queues;
    uint16_t notify_off;
    /* queue_notify_off as the driver read it, per queue (reads may deviate) */
    uint16_t seen_notify_off[VIO_PCI_MAX_QUEUES];
    uint32_t dev_sel, drv_sel;
    uint16_t queue_sel;
    struct fz_pci_queue q[FZ_QUEUES];
};

extern const struct fz_bus_ops fz_pci_bus;

/* An empty bus; the caller fills f[] and nfuncs. */
void fz_pci_init(struct fz_pci *pci, struct fz_dev *d, bool cam, uint8_t bus_last);
/* Readies the common configuration for a new device behind @d (after fz_dev_init). */
void fz_pci_attach(struct fz_pci *pci, const struct vio_pci_transport *tp, uint16_t num_queues,
                   uint16_t notify_off);
/* The virtio device type of a PCI device id, as this device presents it (0: none). */
uint32_t fz_pci_device_type(uint16_t pci_device_id);

#endif
