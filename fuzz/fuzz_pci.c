/*
 * Fuzz target: PCI. Configuration spaces (header, BARs, capability list)
 * and the contents of the virtio structures come from the input
 * (fz_format.h, FZ_PCI_HEADER). The driver maps the root, optionally
 * numbers the bridges and places the BARs itself, enumerates, probes every
 * function it finds (through the axdriver bridge or the core probe), then
 * initializes, drives and deinitializes each virtio device found. Nothing
 * may crash, leak, hang or touch memory outside the enabled BARs.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "axdriver_virtio.h"
#include "fz_dev.h"
#include "fz_drive.h"
#include "fz_format.h"
#include "fz_hal.h"
#include "fz_pci.h"
#include "vio/pci.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Functions the enumeration may report, and how many of them are probed. */
#define FOUND_MAX 16u
#define PROBED_MAX 4u

static struct fz_hal hal;
static struct fz_dev dev;
static struct fz_pci pci;
static struct vio_pci_transport tp;

struct found {
    struct vio_pci_func_info info[FOUND_MAX];
    unsigned n;
};

static int visit(void *arg, const struct vio_pci_func_info *info)
{
    struct found *f = arg;
    if (f->n == FOUND_MAX)
        return 1;
    f->info[f->n++] = *info;
    return 0;
}

static void read_funcs(struct fz_in *in, unsigned nfuncs)
{
    for (unsigned i = 0; i < nfuncs; i++) {
        struct fz_pci_func_hdr fh;
        fz_read_pci_func_hdr(&fh, in);
        struct fz_pci_func *f = &pci.f[pci.nfuncs++];
        f->bdf = fh.bdf;
        const uint32_t masks[6] = {fh.mask0, fh.mask1, fh.mask2, fh.mask3, fh.mask4, fh.mask5};
        memcpy(f->bar_mask, masks, sizeof masks);
        memset(f->cfg, 0, sizeof f->cfg);
        fz_bytes(in, f->cfg, fh.cfg_len);
    }
}

/* Probes function @info as the OS would, and drives the virtio device found there. */
static void probe_and_drive(struct vio_pci_root *root, const struct vio_pci_func_info *info,
                            const struct fz_pci_hdr *h, struct fz_in *ops, struct fz_in *regs)
{
    fz_dev_init(&dev, &hal, fz_pci_device_type(info->device_id), h->features,
                h->queue_max < FZ_TARGET_QUEUE_MAX ? h->queue_max : FZ_TARGET_QUEUE_MAX);
    dev.regs = regs;
    fz_pci_attach(&pci, &tp, h->num_queues, h->notify_off);
    bool ok;
    if (h->flags & FZ_PCI_CORE_PROBE) {
        ok = vio_pci_probe(&tp, root, info->bdf) == 0;
        if (ok && tp.t.device_id == 0)
            fz_fail("vio_pci_probe accepted a function without a virtio type");
    } else {
        enum ax_device_type type;
        ok = ax_virtio_probe_pci(&tp, root, info->bdf, info, &type);
    }
    if (ok)
        fz_drive(&hal, &dev, &tp.t, ops, h->queue_size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > FZ_MAX_INPUT)
        return -1;
    struct fz_in in = fz_in_make(data, size);
    struct fz_pci_hdr h;
    fz_read_pci_hdr(&h, &in);

    fz_hal_init(&hal, &fz_pci_bus, &pci);
    hal.dma_fail_mask = h.dma_fail;
    hal.share_fail_mask = h.share_fail;
    fz_pci_init(&pci, &dev, h.flags & FZ_PCI_CAM, h.bus_last % 4u);
    read_funcs(&in, h.nfuncs % (FZ_PCI_FUNCS + 1u));
    struct fz_in ops = fz_sub(&in, h.ops_len);
    struct fz_in regs = in;
    memset(&tp, 0, sizeof tp);
    pci.tp = &tp;

    struct vio_pci_root root;
    struct vio_pci_root_config rc = {
        .cfg_base = FZ_PCI_CFG_BASE,
        .mech = (h.flags & FZ_PCI_CAM) ? VIO_PCI_CAM : VIO_PCI_ECAM,
        .bus_first = 0,
        .bus_last = pci.bus_last,
        .mem32_base = FZ_PCI_MEM32_BASE,
        .mem32_size = FZ_PCI_MEM32_SIZE,
        .mem64_base = (h.flags & FZ_PCI_MEM64) ? FZ_PCI_MEM64_BASE : 0,
        .mem64_size = (h.flags & FZ_PCI_MEM64) ? FZ_PCI_MEM64_SIZE : 0,
    };
    if (vio_pci_root_init(&root, &hal.hal, &rc) != 0)
        fz_fail("a valid root refused: %s", vio_pci_why_str(root.why));
    if (h.flags & FZ_PCI_ASSIGN)
        vio_pci_assign_resources(&root);
    struct found found = {.n = 0};
    vio_pci_enumerate(&root, visit, &found);
    for (unsigned i = 0; i < found.n && i < PROBED_MAX; i++)
        probe_and_drive(&root, &found.info[i], &h, &ops, &regs);
    fz_hal_check_leaks(&hal, "after the bus walk");
    return 0;
}
