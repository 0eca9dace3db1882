/*
 * fuzz_ops' world: a bench machine with a blk, a net and a GPU device, each
 * on the MMIO or PCI transport the input picks, a fault plan, and the
 * axdriver wrappers an OS would hold for them. fz_env_finish brings
 * everything down and demands no leak and no conformance violation.
 */
#ifndef FZ_OPS_ENV_H
#define FZ_OPS_ENV_H

#include <stdbool.h>
#include <stdint.h>

#include "axdriver_virtio.h"
#include "fz_format.h"
#include "vsim/blk.h"
#include "vsim/gpu.h"
#include "vsim/machine.h"
#include "vsim/net.h"

enum fz_kind { FZ_KIND_BLK, FZ_KIND_NET, FZ_KIND_GPU, FZ_KINDS };

/* The bench's devices. */
#define FZ_ENV_SECTORS 64u
#define FZ_ENV_WIDTH 64u
#define FZ_ENV_HEIGHT 32u

struct fz_env {
    struct vsim_machine *m;
    const struct vio_hal *hal;
    unsigned devices;
    unsigned transport[FZ_KINDS];
    struct vsim_blk *sblk;
    struct vsim_net *snet;
    struct vsim_gpu *sgpu;
    struct vio_pci_root root;
    struct vio_pci_func_info info[FZ_KINDS];
    bool found[FZ_KINDS];
    struct vio_mmio mm[FZ_KINDS];
    struct vio_pci_transport pt[FZ_KINDS];
    bool live[FZ_KINDS];
    struct ax_virtio_blk_dev blk;
    struct ax_virtio_net_dev net;
    struct ax_virtio_gpu_dev gpu;
    /* a rule that may change frames (net, "*" or HAL) was added at some point */
    bool net_rules;
};

/* Builds the machine and its devices; false when the machine cannot be built. */
bool fz_env_start(struct fz_env *e, const struct fz_ops_hdr *h);
/* Adds a fault rule; a rule the plan refuses is dropped. */
void fz_env_add_rule(struct fz_env *e, const struct fz_ops_rule *r);
/* Times any rule fired so far (for "did a fault touch this call"). */
uint64_t fz_env_fired(const struct fz_env *e);
/* Probes the device of @kind on its transport and brings its wrapper up. */
void fz_env_up(struct fz_env *e, enum fz_kind kind);
/* Takes the wrapper down (a net device must give every buffer back). */
void fz_env_down(struct fz_env *e, enum fz_kind kind);
/* Everything down, then: no DMA page, share or conformance violation left; frees the machine. */
void fz_env_finish(struct fz_env *e);

#endif
