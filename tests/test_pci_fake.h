/*
 * A scripted PCI configuration-space fake for the driver's PCI unit tests:
 * functions on a root bus and behind bridges (routed by their bus numbers),
 * registers with write masks so BARs size like hardware, BARs that decode
 * into plain memory once memory space is on, and counters for every access
 * the driver must never make.
 */
#ifndef TEST_PCI_FAKE_H
#define TEST_PCI_FAKE_H

#include <stdbool.h>
#include <stdint.h>

#include "vio/hal.h"
#include "vio/pci.h"

#define FAKE_ECAM_BASE UINT64_C(0x30000000)
#define FAKE_CAM_BASE UINT64_C(0x20000000)
#define FAKE_MEM32_BASE UINT64_C(0x40000000)
#define FAKE_MEM64_BASE UINT64_C(0x400000000)
#define FAKE_FNS 16u
#define FAKE_BAR_MEM 0x4000u /* bytes of backing store per BAR */

/* BAR flags for fake_set_bar */
#define FAKE_BAR_IO 1u
#define FAKE_BAR_64 2u
#define FAKE_BAR_PREF 4u

struct fake_pci;
struct fake_fn;

/* A test's hook on BAR accesses: return true when it handled the access. */
typedef bool (*fake_bar_hook)(struct fake_pci *f, struct fake_fn *fn, unsigned bar, uint32_t off,
                              unsigned width, bool write, uint32_t *val);

struct fake_fn {
    bool used;
    unsigned node; /* 0: root bus; n: the bus behind fns[n - 1], a bridge */
    uint8_t dev, fn;
    uint8_t cfg[4096];
    uint8_t wmask[4096];
    uint8_t bar_mem[6][FAKE_BAR_MEM];
    uint64_t bar_size[6];
};

struct fake_pci {
    struct vio_hal hal;
    enum vio_pci_cfg_mech mech;
    struct fake_fn fns[FAKE_FNS];
    fake_bar_hook hook;
    void *hook_arg;
    /* what the driver must never do */
    unsigned stray;          /* an access that decodes to nothing */
    unsigned cap_writes;     /* a write into the capability area (0x40..) of a type 0 function */
    unsigned sized_decoding; /* all ones written to a BAR while its decode is on */
    unsigned cfg_reads;
    unsigned relax;
    /* the last BAR write the driver made */
    unsigned last_bar;
    uint32_t last_off, last_val;
    unsigned bar_writes;
};

void fake_pci_init(struct fake_pci *f, enum vio_pci_cfg_mech mech);
/* The root config for the fake's windows: mem32 of @mem32_size, mem64 of @mem64_size. */
struct vio_pci_root_config fake_root_config(const struct fake_pci *f, uint64_t mem32_size,
                                            uint64_t mem64_size);

/* A function on bus @node (0: root, else behind bridge fake_node_of()). */
struct fake_fn *fake_add_fn(struct fake_pci *f, unsigned node, unsigned dev, unsigned fn,
                            uint16_t vendor, uint16_t device, uint8_t header_type);
/* A PCI-to-PCI bridge; returns its node number for fake_add_fn. */
unsigned fake_add_bridge(struct fake_pci *f, unsigned node, unsigned dev, struct fake_fn **out);
void fake_set_bar(struct fake_fn *fn, unsigned idx, uint64_t size, unsigned flags);
/* Programs a BAR's address directly, as firmware would have. */
void fake_place_bar(struct fake_fn *fn, unsigned idx, uint64_t addr);
/* Writes a raw capability header (id, next) at @at and sets CAP_LIST. */
void fake_cap(struct fake_fn *fn, uint8_t at, uint8_t id, uint8_t next, uint8_t len);
/* A virtio capability: struct virtio_pci_cap (+ multiplier for notify, cfg_type 2). */
void fake_vcap(struct fake_fn *fn, uint8_t at, uint8_t next, uint8_t type, uint8_t bar,
               uint32_t off, uint32_t len, uint32_t mult);
void fake_set_cap_ptr(struct fake_fn *fn, uint8_t ptr);

/*
 * A modern virtio function the way QEMU lays it out: I/O BAR0, mem32 BAR1,
 * mem64 prefetchable BAR4 (16 KiB) holding common @0, ISR @0x1000, device
 * config @0x2000 (0x40 bytes), notify @0x3000 (multiplier 4); an MSI-X-like
 * capability first, then the virtio ones at 0x40, 0x50, 0x60, 0x70.
 * num_queues 2 and device status 0 in the common config.
 */
struct fake_fn *fake_add_virtio(struct fake_pci *f, unsigned node, unsigned dev, unsigned fn,
                                uint16_t device_id);
/* Places BAR1 and BAR4 of a fake_add_virtio function inside the default windows. */
void fake_place_virtio(struct fake_fn *fn, unsigned slot);

uint8_t fake_cfg8(const struct fake_fn *fn, unsigned reg);
uint16_t fake_cfg16(const struct fake_fn *fn, unsigned reg);
uint32_t fake_cfg32(const struct fake_fn *fn, unsigned reg);
void fake_put8(struct fake_fn *fn, unsigned reg, uint8_t v);
void fake_put16(struct fake_fn *fn, unsigned reg, uint16_t v);
void fake_put32(struct fake_fn *fn, unsigned reg, uint32_t v);

#endif
