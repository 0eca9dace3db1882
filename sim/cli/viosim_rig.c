/* Builds a viosim rig and finds its devices through the bridge, as an OS's bus code would. */
#include <stdio.h>
#include <string.h>

#include "axdriver_virtio.h"
#include "vio/err.h"
#include "vsim/mmio.h"
#include "vsim/pci.h"
#include "viosim_pci.h"
#include "viosim_rig.h"

/* MMIO slots fill from the top down, as on QEMU; PCI devices from 1 up (00:00.0 is the host). */
static unsigned place_slot(enum viosim_place p)
{
    return 7u - (unsigned)p;
}
static unsigned place_dev(enum viosim_place p)
{
    return 1u + (unsigned)p;
}

const char *viosim_transport_name(enum viosim_transport kind)
{
    static const char *const names[] = {"MMIO v1 (legacy)", "MMIO v2 (modern)", "PCI (modern)"};
    return kind < VIOSIM_TRANSPORTS ? names[kind] : "?";
}

static bool attach(struct viosim_rig *rig, enum viosim_place p, struct vsim_device *d)
{
    if (!d)
        return false;
    if (rig->kind == VIOSIM_PCI)
        return vsim_pci_attach(rig->m, place_dev(p), 0, d, NULL) == 0;
    return vsim_mmio_attach(rig->m, place_slot(p), rig->kind == VIOSIM_MMIO_V1 ? 1 : 2, d) == 0;
}

static struct vsim_device *new_net(struct viosim_rig *rig, unsigned i)
{
    rig->net[i] = vsim_net_new(rig->m, &(struct vsim_net_opts){0});
    return rig->net[i] ? vsim_net_device(rig->net[i]) : NULL;
}

bool viosim_rig_build(struct viosim_rig *rig, enum viosim_transport kind,
                      const struct viosim_opts *o, struct viosim_report *r)
{
    memset(rig, 0, sizeof *rig);
    rig->kind = kind;
    rig->m = viosim_machine(o, r);
    if (!rig->m)
        return false;
    struct vsim_blk_opts bo = {.capacity = 8192, .image = o->image, .serial = "viosim-blk"};
    struct vsim_gpu_opts go = {.width = 640, .height = 480};
    bool ok = kind != VIOSIM_PCI || vsim_pci_host_init(rig->m) == 0;
    ok = ok && (rig->blk = vsim_blk_new(rig->m, &bo)) &&
         attach(rig, PLACE_BLK, vsim_blk_device(rig->blk));
    ok = ok && (rig->gpu = vsim_gpu_new(rig->m, &go)) &&
         attach(rig, PLACE_GPU, vsim_gpu_device(rig->gpu));
    ok = ok && attach(rig, PLACE_NET_LOOP, new_net(rig, 0));
    ok = ok && attach(rig, PLACE_NET_A, new_net(rig, 1)) &&
         attach(rig, PLACE_NET_B, new_net(rig, 2));
    if (ok) {
        vsim_net_set_loopback(rig->net[0], true);
        ok = vsim_net_link(rig->net[1], rig->net[2]) == 0;
    }
    if (!viosim_check(r, ok, "attach blk, gpu and three nets (loopback, a linked pair) on %s",
                      viosim_transport_name(kind))) {
        printf("        %s\n", vsim_machine_last_error(rig->m));
        vsim_machine_free(rig->m);
        rig->m = NULL;
    }
    return ok;
}

static void found(struct viosim_rig *rig, unsigned place, enum ax_device_type type,
                  struct vio_transport *t, const char *where)
{
    struct viosim_found *f = &rig->found[place];
    f->present = true;
    f->type = type;
    f->t = t;
    snprintf(f->where, sizeof f->where, "%s", where);
    rig->nfound++;
}

static void probe_mmio(struct viosim_rig *rig)
{
    for (unsigned slot = 0; slot < VSIM_MMIO_SLOTS; slot++) {
        unsigned place = 7u - slot;
        struct vio_mmio mmio;
        enum ax_device_type type;
        if (place >= PLACES ||
            !ax_virtio_probe_mmio(&mmio, vsim_machine_hal(rig->m), VSIM_MMIO_SLOT_BASE(slot),
                                  VSIM_MMIO_STRIDE, &type))
            continue;
        rig->found[place].u.mmio = mmio;
        char where[16];
        snprintf(where, sizeof where, "mmio%u", slot);
        found(rig, place, type, &rig->found[place].u.mmio.t, where);
    }
}

static int visit_pci(void *arg, const struct vio_pci_func_info *info)
{
    struct viosim_rig *rig = arg;
    unsigned dev = (info->bdf >> 3) & 31u;
    if (dev < 1 || dev > PLACES)
        return 0;
    struct viosim_found *f = &rig->found[dev - 1];
    enum ax_device_type type;
    if (!ax_virtio_probe_pci(&f->u.pci, &rig->root, info->bdf, info, &type))
        return 0;
    char where[16];
    snprintf(where, sizeof where, "pci %02x:%02x.%x", info->bdf >> 8, dev, info->bdf & 7u);
    found(rig, dev - 1, type, &f->u.pci.t, where);
    return 0;
}

static int probe_pci(struct viosim_rig *rig)
{
    int rc = viosim_pci_root_up(&rig->root, rig->m);
    if (rc == 0)
        rc = vio_pci_enumerate(&rig->root, visit_pci, rig);
    return rc;
}

void viosim_rig_probe(struct viosim_rig *rig, struct viosim_report *r)
{
    int rc = 0;
    if (rig->kind == VIOSIM_PCI)
        rc = probe_pci(rig);
    else
        probe_mmio(rig);
    viosim_check(r, rc == 0 && rig->nfound == PLACES, "bridge found %u of %u devices%s%s",
                 rig->nfound, (unsigned)PLACES, rc ? ": " : "", rc ? vio_err_name(rc) : "");
    for (unsigned i = 0; i < PLACES; i++) {
        if (rig->found[i].present)
            printf("        %-12s %s\n", rig->found[i].where,
                   ax_device_type_name(rig->found[i].type));
    }
}

struct viosim_found *viosim_rig_at(struct viosim_rig *rig, enum viosim_place place,
                                   enum ax_device_type type)
{
    struct viosim_found *f = &rig->found[place];
    return f->present && f->type == type ? f : NULL;
}

void viosim_rig_done(struct viosim_rig *rig, struct viosim_report *r)
{
    if (rig->m)
        viosim_machine_done(rig->m, r, "the drivers");
    rig->m = NULL;
}
