/* The PCI host (pci_host.c) and the virtio-pci register model (pci_virtio.c) share these. */
#ifndef VSIM_PCI_INTERNAL_H
#define VSIM_PCI_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "internal.h"
#include "vsim/pci.h"

#define VSIM__PCI_DEVS 32u
#define VSIM__PCI_FNS 8u
#define VSIM__PCI_BARS 6u
#define VSIM__PCI_CMD_IO 0x1u
#define VSIM__PCI_CMD_MEM 0x2u
#define VSIM__PCI_CMD_MASTER 0x4u

/* The driver's programming of one virtqueue, before it reaches the device core. */
struct vsim__pci_queue {
    uint16_t size; /* 0: not written, the maximum applies */
    uint16_t msix;
    bool enabled;
    uint8_t written; /* which of desc, driver, device the driver has written */
    uint64_t desc, driver, device;
};

struct vsim__pci_fn;

/* A BAR's decoder window: which function and BAR it belongs to. */
struct vsim__pci_bar {
    struct vsim__pci_fn *fn;
    unsigned idx;
    uint64_t mapped; /* base mapped in the machine, 0 when not decoding */
};

struct vsim__pci_fn {
    struct vsim_machine *m;
    struct vsim_device *d; /* NULL: the host bridge */
    uint8_t dev, fn;
    char where[16]; /* "pci00:01.0" */
    struct vsim_pci_attach_opts opts;

    /* configuration space */
    uint16_t vendor, device_id, subsys_vendor, subsys_id;
    uint8_t revision;
    uint32_t class_code;
    uint16_t command;
    uint8_t int_line, int_pin;
    uint32_t bar[VSIM__PCI_BARS]; /* register values as the guest wrote them (masked) */
    uint8_t cap_ptr;
    uint8_t cfg[256];    /* 0x40..0xff: the capability list image */
    uint8_t pci_cfg_cap; /* offset of the VIRTIO_PCI_CAP_PCI_CFG capability, 0: none */
    struct vsim__pci_bar bars[VSIM__PCI_BARS];

    /* virtio common configuration */
    uint32_t device_feature_select, driver_feature_select;
    uint16_t queue_select;
    uint16_t config_msix;
    bool reset_unread;       /* 0 written to device_status, not read back yet */
    uint32_t device_cfg_len; /* what the device config capability says */
    struct vsim__pci_queue *q;
};

/* True for the malforms that make a function one the driver must leave alone. */
bool vsim__pci_layout_malformed(const struct vsim__pci_fn *f);
/* Transport state after a device reset (device_status 0). */
void vsim__pci_virtio_reset(struct vsim__pci_fn *f);
/* BAR4 accesses, @off inside the BAR; also reached through VIRTIO_PCI_CAP_PCI_CFG. */
uint32_t vsim__pci_virtio_read(struct vsim__pci_fn *f, uint32_t off, unsigned width);
void vsim__pci_virtio_write(struct vsim__pci_fn *f, uint32_t off, unsigned width, uint32_t val);
/* A conformance violation labelled with the device (or the function when it has none). */
void vsim__pci_violation(struct vsim__pci_fn *f, enum vsim_rule rule, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
