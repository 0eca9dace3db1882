/*
 * The simulated PCI host bridge (QEMU riscv64 virt-like, pci-host-ecam-generic):
 * an ECAM window for bus 0, a host bridge function at 00:00.0, and modern
 * virtio-pci functions (Virtio Over PCI Bus) wrapping any device model. The
 * guest sizes and places the BARs itself; a BAR decodes once it holds an
 * address inside the memory window and memory space is on.
 */
#ifndef VSIM_PCI_H
#define VSIM_PCI_H

#include <stdint.h>

#include "vsim/device.h"
#include "vsim/machine.h"

/* The physical map (the windows themselves are in vsim/machine.h). */
#define VSIM_PCI_BUSES 1u /* bus 0 only: the bench has no PCI-to-PCI bridges */
#define VSIM_PCI_MEM32_BASE VSIM_PCI_MMIO_BASE
#define VSIM_PCI_MEM32_SIZE VSIM_PCI_MMIO_SIZE

/* PCI ids and classes the bench presents */
#define VSIM_PCI_VENDOR_VIRTIO 0x1af4u
#define VSIM_PCI_DEVICE_MODERN_BASE 0x1040u
#define VSIM_PCI_SUBSYS_QEMU 0x1100u
#define VSIM_PCI_HOST_VENDOR 0x1b36u /* Red Hat, as QEMU's generic host bridge */
#define VSIM_PCI_HOST_DEVICE 0x0008u
#define VSIM_PCI_CLASS_HOST_BRIDGE 0x060000u
#define VSIM_PCI_CLASS_STORAGE_SCSI 0x010000u
#define VSIM_PCI_CLASS_NETWORK 0x020000u
#define VSIM_PCI_CLASS_DISPLAY_OTHER 0x038000u
#define VSIM_PCI_CLASS_OTHER 0xff0000u

/* Virtio Structure PCI Capabilities: cfg_type */
#define VSIM_PCI_CAP_COMMON_CFG 1u
#define VSIM_PCI_CAP_NOTIFY_CFG 2u
#define VSIM_PCI_CAP_ISR_CFG 3u
#define VSIM_PCI_CAP_DEVICE_CFG 4u
#define VSIM_PCI_CAP_PCI_CFG 5u

/* BAR4 (64-bit, prefetchable) holds the virtio structures, 4 KiB apart as in QEMU. */
#define VSIM_PCI_VIRTIO_BAR 4u
#define VSIM_PCI_VIRTIO_BAR_SIZE 0x4000u
#define VSIM_PCI_COMMON_OFF 0x0000u
#define VSIM_PCI_ISR_OFF 0x1000u
#define VSIM_PCI_DEVICE_OFF 0x2000u
#define VSIM_PCI_NOTIFY_OFF 0x3000u
#define VSIM_PCI_NOTIFY_MULTIPLIER 4u
#define VSIM_PCI_COMMON_LEN 0x38u /* up to queue_device: no NOTIF_CONFIG_DATA, RING_RESET */
/* BAR1: a 32-bit BAR the way QEMU has one for MSI-X; here it only decodes */
#define VSIM_PCI_AUX_BAR 1u
#define VSIM_PCI_AUX_BAR_SIZE 0x1000u

/*
 * Malformed-device faults, one per function, chosen at attach. The layout
 * ones (up to BAR_UNSIZED) make the function one a driver must leave alone;
 * the others misbehave at run time.
 */
#define VSIM_PCI_MALFORMS(X)                                                                       \
    X(NONE, "none", "a well-formed function")                                                      \
    X(CAP_LOOP, "cap_loop", "the last capability points back to the first")                        \
    X(CAP_MISALIGNED, "cap_misaligned", "a capability pointer is not 4-byte aligned")              \
    X(CAP_OUTSIDE_BAR, "cap_outside_bar", "the common configuration runs past the end of BAR4")    \
    X(NO_COMMON, "no_common", "no common configuration capability")                                \
    X(NO_NOTIFY, "no_notify", "no notification capability")                                        \
    X(NO_ISR, "no_isr", "no ISR status capability")                                                \
    X(NOTIFY_MULT_ODD, "notify_mult_odd", "notify_off_multiplier is VALUE (default 3)")            \
    X(STRUCT_MISALIGNED, "struct_misaligned",                                                      \
      "the common configuration's offset is 2, not 4-byte aligned")                                \
    X(IO_BAR, "io_bar", "the common configuration is in an I/O BAR (BAR0)")                        \
    X(BAR_UNSIZED, "bar_unsized", "BAR4 does not size: it reads back 0xfff0f00c")                  \
    X(DEVICE_CFG_SHORT, "device_cfg_short", "the device configuration is VALUE bytes (default 4)") \
    X(NO_DEVICE_CFG, "no_device_cfg", "no device configuration capability")                        \
    X(NOTIFY_OFF_OUTSIDE, "notify_off_outside",                                                    \
      "queue_notify_off reads VALUE (default 0x7fff), past the notification structure")            \
    X(QUEUE_ENABLE_STUCK, "queue_enable_stuck", "queue_enable ignores the driver and reads 0")     \
    X(RESET_STUCK, "reset_stuck", "device_status never reads 0 after a reset")

enum vsim_pci_malform {
#define VSIM__PCI_MALFORM_ENUM(e, name, text) VSIM_PCI_MALFORM_##e,
    VSIM_PCI_MALFORMS(VSIM__PCI_MALFORM_ENUM)
#undef VSIM__PCI_MALFORM_ENUM
        VSIM_PCI_MALFORM_COUNT
};

const char *vsim_pci_malform_name(enum vsim_pci_malform f);
/* The malform called @name, or VSIM_PCI_MALFORM_COUNT. */
enum vsim_pci_malform vsim_pci_malform_by_name(const char *name);

struct vsim_pci_attach_opts {
    bool transitional; /* PCI device id 0x1000 + n of the spec's table, revision 0 */
    enum vsim_pci_malform malform;
    bool has_value;
    uint32_t value; /* the malform's VALUE */
};

/*
 * Creates the host bridge (ECAM window and function 00:00.0) on first use.
 * Returns 0, or VIO_ERR_INVALID_PARAM when the windows cannot be mapped.
 */
int vsim_pci_host_init(struct vsim_machine *m);

/*
 * Attaches device @d as function @fn of device @dev on bus 0 (dev 1..31;
 * 00:00.0 is the host bridge). Function 0 of a device with more than one
 * function reports the multi-function bit. Returns 0, or
 * VIO_ERR_INVALID_PARAM (slot taken, bad address, device attached already).
 */
int vsim_pci_attach(struct vsim_machine *m, unsigned dev, unsigned fn, struct vsim_device *d,
                    const struct vsim_pci_attach_opts *opts);

/*
 * Replaces the malform of function @fn of device @dev with @malform and its
 * VALUE (*@value, or the default when @value is NULL), and rebuilds the
 * capability list, so a test can clear a fault and have the driver probe
 * again. The driver sees the new list at its next probe (the PCI_CFG
 * window it set up is cleared); io_bar and bar_unsized take effect at the
 * next BAR sizing. Returns 0, or VIO_ERR_INVALID_PARAM when the function is
 * not a virtio one attached with vsim_pci_attach or @malform is unknown.
 */
int vsim_pci_set_malform(struct vsim_machine *m, unsigned dev, unsigned fn,
                         enum vsim_pci_malform malform, const uint32_t *value);

/* The ECAM offset of a bus 0 function, for a test poking configuration space. */
#define VSIM_PCI_ECAM_OFF(dev, fn) (((uint64_t)(dev) << 15) | ((uint64_t)(fn) << 12))

#endif
