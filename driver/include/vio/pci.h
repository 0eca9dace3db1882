/*
 * PCI: configuration access (ECAM and CAM), bus enumeration, BAR sizing and
 * allocation, the capability list, and the modern virtio-pci transport
 * (Virtio Over PCI Bus). Every value read from configuration space or a BAR
 * is device-controlled and checked before use.
 */
#ifndef VIO_PCI_H
#define VIO_PCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vio/hal.h"
#include "vio/transport.h"

/* Bus/device/function packed the usual way: bus[15:8] device[7:3] function[2:0]. */
#define VIO_PCI_BDF(bus, dev, fn)                                                                  \
    ((uint16_t)(((unsigned)(bus) << 8) | (((unsigned)(dev)&31u) << 3) | ((unsigned)(fn)&7u)))
#define VIO_PCI_BDF_BUS(bdf) ((uint8_t)((bdf) >> 8))
#define VIO_PCI_BDF_DEV(bdf) ((uint8_t)(((bdf) >> 3) & 31u))
#define VIO_PCI_BDF_FN(bdf) ((uint8_t)((bdf)&7u))

/* Type 0/1 configuration header registers used here. */
#define VIO_PCI_VENDOR_ID 0x00u
#define VIO_PCI_DEVICE_ID 0x02u
#define VIO_PCI_COMMAND 0x04u
#define VIO_PCI_STATUS 0x06u
#define VIO_PCI_REVISION 0x08u
#define VIO_PCI_CLASS 0x09u /* prog-if, subclass, class: 24 bits */
#define VIO_PCI_HEADER_TYPE 0x0eu
#define VIO_PCI_BAR0 0x10u
#define VIO_PCI_SUBSYS_VENDOR 0x2cu
#define VIO_PCI_SUBSYS_ID 0x2eu
#define VIO_PCI_CAP_PTR 0x34u
/* Type 1 (PCI-to-PCI bridge) */
#define VIO_PCI_PRIMARY_BUS 0x18u
#define VIO_PCI_SECONDARY_BUS 0x19u
#define VIO_PCI_SUBORDINATE_BUS 0x1au
#define VIO_PCI_IO_BASE 0x1cu
#define VIO_PCI_IO_LIMIT 0x1du
#define VIO_PCI_MEM_BASE 0x20u
#define VIO_PCI_MEM_LIMIT 0x22u
#define VIO_PCI_PREF_BASE 0x24u
#define VIO_PCI_PREF_LIMIT 0x26u

#define VIO_PCI_COMMAND_IO 0x1u
#define VIO_PCI_COMMAND_MEMORY 0x2u
#define VIO_PCI_COMMAND_MASTER 0x4u
#define VIO_PCI_STATUS_CAP_LIST 0x10u
#define VIO_PCI_HEADER_MULTIFUNCTION 0x80u
#define VIO_PCI_HEADER_NORMAL 0u
#define VIO_PCI_HEADER_BRIDGE 1u

#define VIO_PCI_CAP_ID_VNDR 0x09u
/* A capability list has at most (256 - 0x40) / 4 entries. */
#define VIO_PCI_CAP_MAX 48u

#define VIO_PCI_VENDOR_VIRTIO 0x1af4u

/* Why a PCI call refused, for messages and tests (like vio_mmio's why). */
#define VIO_PCI_WHY_MAP(X)                                                                         \
    X(OK, "ok")                                                                                    \
    X(BAD_ROOT, "the root's bus range or configuration window is invalid")                         \
    X(BAD_BDF, "the bus is outside the root's bus range")                                          \
    X(NO_DEVICE, "no function answers at this address (vendor 0xffff)")                            \
    X(NOT_VIRTIO, "vendor is not 0x1af4 or the device id is not a virtio one")                     \
    X(BAD_HEADER, "the header type does not fit (a virtio function: 0, BARs: 0 or 1)")             \
    X(NO_CAP_LIST, "no capability list: a legacy-only device")                                     \
    X(CAP_PTR, "a capability pointer is misaligned or outside 0x40..0xff")                         \
    X(CAP_LOOP, "the capability list does not end within 48 entries")                              \
    X(CAP_LEN, "a virtio capability is shorter than its structure")                                \
    X(NO_COMMON_CFG, "no usable common configuration capability")                                  \
    X(NO_NOTIFY_CFG, "no usable notification capability")                                          \
    X(NO_ISR_CFG, "no usable ISR status capability")                                               \
    X(BAR_IO, "a virtio structure lives in an I/O BAR")                                            \
    X(BAR_UNSIZED, "a BAR does not size to a power of two (or is not implemented)")                \
    X(BAR_UNASSIGNED, "a BAR is not inside one of the root's memory windows")                      \
    X(CAP_OUTSIDE_BAR, "a virtio structure extends past the end of its BAR")                       \
    X(CAP_MISALIGNED, "a virtio structure offset breaks its alignment rule")                       \
    X(COMMON_TOO_SHORT, "the common configuration is shorter than its layout")                     \
    X(NOTIFY_MULTIPLIER, "notify_off_multiplier is neither 0 nor an even power of two")            \
    X(NOTIFY_OUTSIDE, "a queue's notify address is outside the notification structure")            \
    X(QUEUE_RANGE, "the queue index is not below num_queues or the transport's limit")             \
    X(QUEUE_ENABLE, "queue_enable does not read back 1")                                           \
    X(BAR_EXHAUSTED, "the memory windows have no room left for a BAR")                             \
    X(BUS_EXHAUSTED, "no bus number left for a bridge")

enum vio_pci_why {
#define VIO__PCI_WHY_ENUM(e, s) VIO_PCI_WHY_##e,
    VIO_PCI_WHY_MAP(VIO__PCI_WHY_ENUM)
#undef VIO__PCI_WHY_ENUM
};

const char *vio_pci_why_str(enum vio_pci_why why);

/* ---- the root complex: configuration access and memory windows ---- */

enum vio_pci_cfg_mech {
    VIO_PCI_ECAM, /* 4 KiB per function: offset (bus << 20 | dev << 15 | fn << 12) */
    VIO_PCI_CAM,  /* 256 bytes per function: offset (bus << 16 | dev << 11 | fn << 8) */
};

/* An address window for BARs; PCI bus addresses equal CPU physical addresses. */
struct vio_pci_window {
    vio_paddr_t base;
    uint64_t size; /* 0: no such window */
    uint64_t used; /* bytes handed out from base (the allocator's cursor) */
};

/*
 * struct vio_pci_root_config - what the platform tells about one host bridge.
 * @cfg_base: physical address of the configuration window; it starts at
 *            bus @bus_first (device tree "reg" with "bus-range").
 * @mem32: 32-bit memory window (e.g. 0x40000000 on QEMU riscv virt).
 * @mem64: optional 64-bit window; 64-bit BARs on the root bus go there.
 */
struct vio_pci_root_config {
    vio_paddr_t cfg_base;
    enum vio_pci_cfg_mech mech;
    uint8_t bus_first;
    uint8_t bus_last;
    vio_paddr_t mem32_base;
    uint64_t mem32_size;
    vio_paddr_t mem64_base;
    uint64_t mem64_size;
};

struct vio_pci_root {
    const struct vio_hal *hal;
    uintptr_t cfg; /* phys_to_virt of the whole configuration window */
    enum vio_pci_cfg_mech mech;
    uint8_t bus_first;
    uint8_t bus_last;
    uint8_t bus_max; /* the last bus enumeration visits */
    struct vio_pci_window mem32;
    struct vio_pci_window mem64;
    enum vio_pci_why why;
};

/* Maps the configuration window. Returns 0, or InvalidParam (why BAD_ROOT). */
int vio_pci_root_init(struct vio_pci_root *r, const struct vio_hal *hal,
                      const struct vio_pci_root_config *cfg);

/*
 * Configuration space access of a function on the root. @reg must be
 * naturally aligned and inside the function's space (256 bytes for CAM,
 * 4096 for ECAM) and the bus inside the root's range; otherwise reads give
 * all ones and writes are dropped.
 */
uint8_t vio_pci_cfg_read8(const struct vio_pci_root *r, uint16_t bdf, uint16_t reg);
uint16_t vio_pci_cfg_read16(const struct vio_pci_root *r, uint16_t bdf, uint16_t reg);
uint32_t vio_pci_cfg_read32(const struct vio_pci_root *r, uint16_t bdf, uint16_t reg);
void vio_pci_cfg_write8(const struct vio_pci_root *r, uint16_t bdf, uint16_t reg, uint8_t val);
void vio_pci_cfg_write16(const struct vio_pci_root *r, uint16_t bdf, uint16_t reg, uint16_t val);
void vio_pci_cfg_write32(const struct vio_pci_root *r, uint16_t bdf, uint16_t reg, uint32_t val);

/* ---- enumeration ---- */

struct vio_pci_func_info {
    uint16_t bdf;
    uint16_t vendor_id;
    uint16_t device_id;
    uint8_t revision;
    uint32_t class_code; /* class << 16 | subclass << 8 | prog-if */
    uint8_t header_type; /* without the multi-function bit */
    bool multifunction;  /* bit 7 of function 0's header type */
};

/* Return 0 to go on; anything else stops the walk and is returned by vio_pci_enumerate. */
typedef int (*vio_pci_visit_fn)(void *arg, const struct vio_pci_func_info *info);

/*
 * Visits every function on buses bus_first..bus_max in bus, device, function
 * order: devices 0..31, functions 1..7 only when function 0's header type has
 * the multi-function bit, and vendor 0xffff (or 0) as an empty slot.
 */
int vio_pci_enumerate(struct vio_pci_root *r, vio_pci_visit_fn visit, void *arg);

/*
 * Firmware work for a platform without firmware (QEMU -bios none): numbers
 * the buses behind PCI-to-PCI bridges depth first (primary, secondary,
 * subordinate), sizes and places every memory BAR (vio_pci_assign_bars), gives
 * each bridge a memory window around its subtree (1 MiB granular), and sets
 * bus_max to the last bus numbered. Returns 0, DmaError (BAR_EXHAUSTED) or
 * Unsupported (BUS_EXHAUSTED); r->why says which.
 */
int vio_pci_assign_resources(struct vio_pci_root *r);

/* ---- BARs ---- */

enum vio_pci_bar_kind {
    VIO_PCI_BAR_NONE, /* not implemented (reads back 0) */
    VIO_PCI_BAR_MEM32,
    VIO_PCI_BAR_MEM64, /* takes this BAR and the next */
    VIO_PCI_BAR_IO,    /* recognised, never used by virtio-pci here */
    VIO_PCI_BAR_UPPER, /* the high half of the 64-bit BAR before it */
    VIO_PCI_BAR_BAD,   /* does not size to a power of two, or a reserved type */
};

struct vio_pci_bar {
    enum vio_pci_bar_kind kind;
    bool prefetchable;
    vio_paddr_t addr; /* as programmed now */
    uint64_t size;
};

/*
 * Sizes BAR @idx (0..5) of a type 0 function, or 0..1 of a bridge: memory
 * and I/O decode are off while all ones are written, the BAR and the command
 * register are restored afterwards. Returns 0, or InvalidParam for an index
 * out of range or the high half of a 64-bit BAR.
 */
int vio_pci_bar_probe(struct vio_pci_root *r, uint16_t bdf, unsigned idx, struct vio_pci_bar *bar);

/*
 * Sizes every BAR of the function, places each memory BAR in a root window
 * aligned to its size (64-bit BARs on the root bus in mem64 when there is
 * one, everything else in mem32; I/O BARs are left alone), programs it, then
 * enables memory space and bus mastering. Running out of window space is
 * DmaError (why BAR_EXHAUSTED): like a failed dma_alloc, the platform has no
 * room, the caller did nothing wrong. A BAR that does not size (why
 * BAR_UNSIZED) or a header type without BARs (why BAD_HEADER) is Unsupported.
 */
int vio_pci_assign_bars(struct vio_pci_root *r, uint16_t bdf);

/* ---- the capability list ---- */

struct vio_pci_cap_iter {
    uint8_t next;  /* offset of the next capability, 0 at the end */
    uint8_t count; /* capabilities returned so far */
};

/* Starts a walk; 0, or Unsupported when the status register has no CAP_LIST (why NO_CAP_LIST). */
int vio_pci_cap_first(struct vio_pci_root *r, uint16_t bdf, struct vio_pci_cap_iter *it);
/*
 * The next capability: returns 1 with its offset (4-byte aligned, 0x40..0xfc)
 * and id, 0 at the end, or Unsupported for a bad pointer (why CAP_PTR) or a
 * list longer than VIO_PCI_CAP_MAX (why CAP_LOOP).
 */
int vio_pci_cap_next(struct vio_pci_root *r, uint16_t bdf, struct vio_pci_cap_iter *it,
                     uint8_t *off, uint8_t *id);

/* ---- the modern virtio-pci transport ---- */

/* Queues whose notify address the transport remembers. */
#ifndef VIO_PCI_MAX_QUEUES
#define VIO_PCI_MAX_QUEUES 16u
#endif

/* One mapped virtio structure (Virtio Structure PCI Capabilities). */
struct vio_pci_region {
    uintptr_t va;
    uint32_t len; /* the capability's length, capped at VIO_PCI_REGION_CAP */
};
/* Structures are used up to 4 KiB (the spec lets the driver limit the mapped size). */
#define VIO_PCI_REGION_CAP 4096u

struct vio_pci_transport {
    struct vio_transport t; /* first: a struct vio_transport * points here */
    uint16_t bdf;
    uint16_t pci_device_id;
    uint8_t revision;
    struct vio_pci_region common;
    struct vio_pci_region notify;
    struct vio_pci_region isr;
    struct vio_pci_region device; /* len 0: no device configuration */
    uint32_t notify_multiplier;
    uint16_t num_queues;
    uint32_t queue_notify[VIO_PCI_MAX_QUEUES]; /* byte offset in notify, UINT32_MAX: unset */
    enum vio_pci_why why;
};

/* The virtio device type of a PCI device id (modern or transitional), 0 when none. */
uint32_t vio_pci_virtio_type(uint16_t pci_device_id);

/*
 * vio_pci_probe - checks the ids (vendor 0x1af4, a modern 0x1040 + type or a
 * transitional id of the spec's table), the header type, then walks the
 * capability list for the common, notify, ISR and device configuration
 * structures (the first usable one of each), checks each against its BAR
 * (sized here, memory only, inside a root window) and enables memory space
 * and bus mastering. Touches nothing in the device's own registers.
 *
 * Returns 0 with p->t ready for vio_transport_begin_init; NotReady for an
 * empty slot; InvalidParam for a bus outside the root; Unsupported for
 * anything else the device gets wrong. p->why says which. A missing device
 * configuration is not an error here (config reads return ConfigSpaceMissing),
 * but a malformed one is refused like the others.
 */
int vio_pci_probe(struct vio_pci_transport *p, struct vio_pci_root *r, uint16_t bdf);

#endif
