/*
 * The simulated machine: guest memory at a fake physical base, an address
 * decoder with device windows (MMIO slots now, a PCI ECAM window and BARs
 * later), and the struct vio_hal a driver is probed with.
 *
 * Single-threaded: the driver and every device run on the caller's thread.
 */
#ifndef VSIM_MACHINE_H
#define VSIM_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vio/hal.h"
#include "vsim/conform.h"
#include "vsim/fault.h"

/* The physical map, after QEMU's riscv64 virt board. */
#define VSIM_MEM_BASE UINT64_C(0x80000000)
#define VSIM_MEM_SIZE_DEFAULT ((size_t)64 << 20)
#define VSIM_MMIO_BASE UINT64_C(0x10001000)
#define VSIM_MMIO_STRIDE UINT64_C(0x1000)
#define VSIM_MMIO_SLOTS 8u
#define VSIM_MMIO_SLOT_BASE(i) (VSIM_MMIO_BASE + (uint64_t)(i)*VSIM_MMIO_STRIDE)
/* Reserved for the PCI host bridge: ECAM and the 32-bit BAR window. */
#define VSIM_PCI_ECAM_BASE UINT64_C(0x30000000)
#define VSIM_PCI_ECAM_SIZE UINT64_C(0x10000000)
#define VSIM_PCI_MMIO_BASE UINT64_C(0x40000000)
#define VSIM_PCI_MMIO_SIZE UINT64_C(0x40000000)

struct vsim_machine_opts {
    size_t mem_size;        /* guest memory bytes, page multiple; 0: VSIM_MEM_SIZE_DEFAULT */
    void *mem;              /* guest memory's backing (mem_size bytes, page aligned), see below */
    bool deferred;          /* serve notified queues on relax()/step, not inside the notify */
    bool bounce_all;        /* share() bounces even buffers that lie in guest memory */
    bool strict;            /* conformance violations print and trip at once */
    FILE *trace;            /* one line per register access / queue event, or NULL */
    uint32_t spin_limit;    /* copied into the HAL; 0: the driver's default */
    uint32_t empty_version; /* Version an empty MMIO slot reports; 0: 2 */
};

struct vsim_machine;

/*
 * NULL when guest memory cannot be allocated. With opts->mem the machine uses
 * the caller's buffer as guest memory instead of allocating one (a harness
 * that builds a machine per run keeps one buffer): the machine neither frees
 * it nor zeroes it as a whole - pages are zeroed as they are allocated, and
 * whatever else it holds is what a device reads there.
 */
struct vsim_machine *vsim_machine_new(const struct vsim_machine_opts *opts);
/* Frees the machine and every device attached to it. */
void vsim_machine_free(struct vsim_machine *m);

const struct vio_hal *vsim_machine_hal(struct vsim_machine *m);
struct vsim_conform *vsim_machine_conform(struct vsim_machine *m);
struct vsim_fault_plan *vsim_machine_faults(struct vsim_machine *m);
void vsim_machine_set_trace(struct vsim_machine *m, FILE *trace);
void vsim_machine_set_deferred(struct vsim_machine *m, bool deferred);
/* The reason the last attach or setup call failed. */
const char *vsim_machine_last_error(const struct vsim_machine *m);

/* Serves deferred queue work (relax() does the same); returns the queues served. */
unsigned vsim_machine_step(struct vsim_machine *m);
/* Queues notified but not served yet (deferred mode). */
unsigned vsim_machine_pending(const struct vsim_machine *m);
uint64_t vsim_machine_relax_count(const struct vsim_machine *m);

/* Leak counters: both are 0 again once a driver has released everything. */
size_t vsim_machine_dma_pages_in_use(const struct vsim_machine *m);
size_t vsim_machine_shares_in_use(const struct vsim_machine *m);
/* Shares served by copying through a bounce buffer, since the machine started. */
uint64_t vsim_machine_bounces(const struct vsim_machine *m);

/* Guest memory: host pointer of [@paddr, @paddr+@len), or NULL outside it. */
void *vsim_machine_gpa(struct vsim_machine *m, uint64_t paddr, uint64_t len);
/* Guest physical address of a host pointer into guest memory, or 0. */
uint64_t vsim_machine_paddr(const struct vsim_machine *m, const void *p);
uint64_t vsim_machine_mem_base(const struct vsim_machine *m);
size_t vsim_machine_mem_size(const struct vsim_machine *m);

/*
 * Guest memory for a test or benchmark's own buffers (zeroed, page aligned),
 * not counted as DMA pages; shares of it are zero-copy. NULL when full.
 */
void *vsim_machine_mem_alloc(struct vsim_machine *m, size_t bytes);
void vsim_machine_mem_free(struct vsim_machine *m, void *p);

/*
 * struct vsim_region_ops - a device window in the physical map.
 * @read/@write get the offset inside the window and the width in bytes
 * (1, 2, 4); @destroy (optional) runs at machine free.
 */
struct vsim_region_ops {
    uint32_t (*read)(void *ctx, uint64_t off, unsigned width);
    void (*write)(void *ctx, uint64_t off, unsigned width, uint32_t val);
    void (*destroy)(void *ctx);
};

#define VSIM_REGIONS_MAX 64u

/* Maps a window; returns 0, or VIO_ERR_INVALID_PARAM when it overlaps one or the map is full. */
int vsim_machine_map(struct vsim_machine *m, uint64_t base, uint64_t size,
                     const struct vsim_region_ops *ops, void *ctx, const char *name);
/* Unmaps the window starting at @base (a PCI BAR being moved); returns 0 or InvalidParam. */
int vsim_machine_unmap(struct vsim_machine *m, uint64_t base);

#endif
