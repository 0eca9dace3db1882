/*
 * The virtio-mmio register model, Version 1 (legacy) and 2 (modern), one per
 * MMIO slot of the machine. Empty slots answer MagicValue, Version and
 * DeviceID 0 like a QEMU board.
 */
#ifndef VSIM_MMIO_H
#define VSIM_MMIO_H

#include <stdint.h>

#include "vsim/device.h"
#include "vsim/machine.h"

#define VSIM_MMIO_MAGIC 0x74726976u  /* "virt" */
#define VSIM_MMIO_VENDOR 0x4d495356u /* "VSIM" */
#define VSIM_MMIO_CONFIG 0x100u

/* Register access directions in the spec's tables. */
#define VSIM_MMIO_R 1u
#define VSIM_MMIO_W 2u
#define VSIM_MMIO_RW 3u
/* The versions whose table lists a register. */
#define VSIM_MMIO_V1 1u
#define VSIM_MMIO_V2 2u
#define VSIM_MMIO_V12 3u

/* X(ENUM, offset, "spec name", direction, versions) */
#define VSIM_MMIO_REGS(X)                                                                          \
    X(MAGIC_VALUE, 0x000, "MagicValue", R, V12)                                                    \
    X(VERSION, 0x004, "Version", R, V12)                                                           \
    X(DEVICE_ID, 0x008, "DeviceID", R, V12)                                                        \
    X(VENDOR_ID, 0x00c, "VendorID", R, V12)                                                        \
    X(DEVICE_FEATURES, 0x010, "DeviceFeatures", R, V12)                                            \
    X(DEVICE_FEATURES_SEL, 0x014, "DeviceFeaturesSel", W, V12)                                     \
    X(DRIVER_FEATURES, 0x020, "DriverFeatures", W, V12)                                            \
    X(DRIVER_FEATURES_SEL, 0x024, "DriverFeaturesSel", W, V12)                                     \
    X(GUEST_PAGE_SIZE, 0x028, "GuestPageSize", W, V1)                                              \
    X(QUEUE_SEL, 0x030, "QueueSel", W, V12)                                                        \
    X(QUEUE_NUM_MAX, 0x034, "QueueNumMax", R, V12)                                                 \
    X(QUEUE_NUM, 0x038, "QueueNum", W, V12)                                                        \
    X(QUEUE_ALIGN, 0x03c, "QueueAlign", W, V1)                                                     \
    X(QUEUE_PFN, 0x040, "QueuePFN", RW, V1)                                                        \
    X(QUEUE_READY, 0x044, "QueueReady", RW, V2)                                                    \
    X(QUEUE_NOTIFY, 0x050, "QueueNotify", W, V12)                                                  \
    X(INTERRUPT_STATUS, 0x060, "InterruptStatus", R, V12)                                          \
    X(INTERRUPT_ACK, 0x064, "InterruptACK", W, V12)                                                \
    X(STATUS, 0x070, "Status", RW, V12)                                                            \
    X(QUEUE_DESC_LOW, 0x080, "QueueDescLow", W, V2)                                                \
    X(QUEUE_DESC_HIGH, 0x084, "QueueDescHigh", W, V2)                                              \
    X(QUEUE_DRIVER_LOW, 0x090, "QueueDriverLow", W, V2)                                            \
    X(QUEUE_DRIVER_HIGH, 0x094, "QueueDriverHigh", W, V2)                                          \
    X(QUEUE_DEVICE_LOW, 0x0a0, "QueueDeviceLow", W, V2)                                            \
    X(QUEUE_DEVICE_HIGH, 0x0a4, "QueueDeviceHigh", W, V2)                                          \
    X(SHM_SEL, 0x0ac, "SHMSel", W, V2)                                                             \
    X(SHM_LEN_LOW, 0x0b0, "SHMLenLow", R, V2)                                                      \
    X(SHM_LEN_HIGH, 0x0b4, "SHMLenHigh", R, V2)                                                    \
    X(SHM_BASE_LOW, 0x0b8, "SHMBaseLow", R, V2)                                                    \
    X(SHM_BASE_HIGH, 0x0bc, "SHMBaseHigh", R, V2)                                                  \
    X(QUEUE_RESET, 0x0c0, "QueueReset", RW, V2)                                                    \
    X(CONFIG_GENERATION, 0x0fc, "ConfigGeneration", R, V2)

enum {
#define VSIM__MMIO_OFF(e, off, name, dir, ver) VSIM_MMIO_##e = (off),
    VSIM_MMIO_REGS(VSIM__MMIO_OFF)
#undef VSIM__MMIO_OFF
};

/* The register's spec name at @off for @version, or NULL when the table has none there. */
const char *vsim_mmio_reg_name(uint32_t off, unsigned version);

/*
 * Attaches device @d to MMIO slot @slot (0..VSIM_MMIO_SLOTS-1) with register
 * layout @version (1 legacy, 2 modern). Returns 0, or VIO_ERR_INVALID_PARAM
 * (slot taken, bad slot or version, device already attached elsewhere).
 */
int vsim_mmio_attach(struct vsim_machine *m, unsigned slot, unsigned version,
                     struct vsim_device *d);

#endif
