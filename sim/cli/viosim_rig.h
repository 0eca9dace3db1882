/* A viosim rig: one machine with every simulated device on one transport, found as an OS would. */
#ifndef VIOSIM_RIG_H
#define VIOSIM_RIG_H

#include "axdriver/base.h"
#include "vio/mmio.h"
#include "vio/pci.h"
#include "vsim/blk.h"
#include "vsim/gpu.h"
#include "vsim/net.h"
#include "viosim.h"

enum viosim_transport { VIOSIM_MMIO_V1, VIOSIM_MMIO_V2, VIOSIM_PCI, VIOSIM_TRANSPORTS };

/* Slots (MMIO) or device numbers (PCI) of the rig's devices. */
enum viosim_place { PLACE_BLK, PLACE_GPU, PLACE_NET_LOOP, PLACE_NET_A, PLACE_NET_B, PLACES };

struct viosim_found {
    bool present;
    enum ax_device_type type;
    struct vio_transport *t;
    char where[16]; /* "mmio7", "pci 00:01.0" */
    union {
        struct vio_mmio mmio;
        struct vio_pci_transport pci;
    } u;
};

struct viosim_rig {
    enum viosim_transport kind;
    struct vsim_machine *m;
    struct vsim_blk *blk;
    struct vsim_gpu *gpu;
    struct vsim_net *net[3]; /* loopback, pair A, pair B */
    struct vio_pci_root root;
    struct viosim_found found[PLACES]; /* by place */
    unsigned nfound;
};

const char *viosim_transport_name(enum viosim_transport kind);
/* Builds the machine and attaches the devices; false (reported) on failure. */
bool viosim_rig_build(struct viosim_rig *rig, enum viosim_transport kind,
                      const struct viosim_opts *o, struct viosim_report *r);
/* Finds the devices through the axdriver_virtio bridge: MMIO slots, or PCI enumeration. */
void viosim_rig_probe(struct viosim_rig *rig, struct viosim_report *r);
/* The device the bridge found at @place, when it has type @type; otherwise NULL. */
struct viosim_found *viosim_rig_at(struct viosim_rig *rig, enum viosim_place place,
                                   enum ax_device_type type);
/* Leak checks, then frees the machine. */
void viosim_rig_done(struct viosim_rig *rig, struct viosim_report *r);

/* Scenarios on a probed rig; @png / @pcap name output files, or NULL for none. */
void viosim_blk_run(struct viosim_rig *rig, struct viosim_report *r);
void viosim_gpu_run(struct viosim_rig *rig, const char *png, struct viosim_report *r);
void viosim_net_run(struct viosim_rig *rig, const char *pcap, struct viosim_report *r);

#endif
