/*
 * PCI as an OS without firmware does it: the guest numbers the buses and
 * places the BARs itself (nothing did with -bios none), lists every
 * function and its BARs, then hands each virtio function to the
 * axdriver_virtio bridge and runs the workload of what it finds. The lines
 * say where each virtio structure lives, so the host can check that a
 * transitional device is driven through its modern capabilities.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "axdriver_virtio.h"
#include "guest.h"
#include "platform.h"
#include "port.h"
#include "vio/err.h"
#include "vio/pci.h"

#define PCI_MAX_FUNCS 32u
#define PCI_BARS 6u

static struct vio_pci_root root;
static struct vio_pci_func_info funcs[PCI_MAX_FUNCS];
static struct vio_pci_bar bars[PCI_BARS];
static struct vio_pci_transport transport;

struct collect {
    unsigned n;
    bool overflow;
};

static int collect_func(void *arg, const struct vio_pci_func_info *info)
{
    struct collect *c = arg;
    if (c->n == PCI_MAX_FUNCS) {
        c->overflow = true;
        return 1;
    }
    funcs[c->n++] = *info;
    return 0;
}

static const char *bar_kind_name(enum vio_pci_bar_kind kind)
{
    switch (kind) {
    case VIO_PCI_BAR_MEM32:
        return "mem32";
    case VIO_PCI_BAR_MEM64:
        return "mem64";
    case VIO_PCI_BAR_IO:
        return "io";
    default:
        return "bad";
    }
}

/* Sizes and lists the BARs of a type 0 function; bars[] keeps them for locate(). */
static void list_bars(const char *at, uint16_t bdf)
{
    for (unsigned i = 0; i < PCI_BARS; i++) {
        bars[i].kind = VIO_PCI_BAR_NONE;
        if (i > 0 && bars[i - 1].kind == VIO_PCI_BAR_MEM64) {
            bars[i].kind = VIO_PCI_BAR_UPPER;
            continue;
        }
        int r = vio_pci_bar_probe(&root, bdf, i, &bars[i]);
        if (r != 0) {
            guest_fail(at, "bar%u: %s", i, vio_err_name(r));
            continue;
        }
        if (bars[i].kind == VIO_PCI_BAR_NONE || bars[i].kind == VIO_PCI_BAR_UPPER)
            continue;
        con_printf("%s: bar%u %s%s addr=0x%llx size=0x%llx\n", at, i, bar_kind_name(bars[i].kind),
                   bars[i].prefetchable ? " prefetchable" : "", (unsigned long long)bars[i].addr,
                   (unsigned long long)bars[i].size);
    }
}

/* The memory BAR that holds a mapped structure (identity-mapped), or -1. */
static int locate(const struct vio_pci_region *reg)
{
    if (reg->len == 0)
        return -1;
    for (unsigned i = 0; i < PCI_BARS; i++) {
        const struct vio_pci_bar *b = &bars[i];
        bool mem = b->kind == VIO_PCI_BAR_MEM32 || b->kind == VIO_PCI_BAR_MEM64;
        if (mem && reg->va >= b->addr && reg->va - b->addr + reg->len <= b->size)
            return (int)i;
    }
    return -1;
}

static void probe_func(const struct vio_pci_func_info *f)
{
    char at[16];
    con_snprintf(at, sizeof at, "pci%02x:%02x.%x", VIO_PCI_BDF_BUS(f->bdf), VIO_PCI_BDF_DEV(f->bdf),
                 VIO_PCI_BDF_FN(f->bdf));
    con_printf("%s: id=%04x:%04x rev=%u class=0x%06x header=%u\n", at, f->vendor_id, f->device_id,
               f->revision, f->class_code, f->header_type);
    if (f->header_type != VIO_PCI_HEADER_NORMAL)
        return;
    list_bars(at, f->bdf);
    bool virtio = f->vendor_id == VIO_PCI_VENDOR_VIRTIO && vio_pci_virtio_type(f->device_id) != 0;
    if (!virtio)
        return;

    enum ax_device_type type;
    if (!ax_virtio_probe_pci(&transport, &root, f->bdf, f, &type)) {
        if (transport.why == VIO_PCI_WHY_OK)
            con_printf("%s: virtio device type %u has no axdriver kind: reset\n", at,
                       transport.t.device_id);
        else
            guest_fail(at, "virtio-pci probe: %s", vio_pci_why_str(transport.why));
        return;
    }
    con_printf("%s: virtio-pci device=%u type=%s common=bar%d notify=bar%d isr=bar%d "
               "device_cfg=bar%d notify_multiplier=%u num_queues=%u\n",
               at, transport.t.device_id, ax_device_type_name(type), locate(&transport.common),
               locate(&transport.notify), locate(&transport.isr), locate(&transport.device),
               transport.notify_multiplier, transport.num_queues);
    guest_run_device(type, &transport.t, at);
}

void guest_pci_run(void)
{
    const struct vio_pci_root_config cfg = {
        .cfg_base = PLAT_PCI_ECAM_BASE,
        .mech = VIO_PCI_ECAM,
        .bus_first = 0,
        .bus_last = (uint8_t)((PLAT_PCI_ECAM_SIZE >> 20) - 1), /* 1 MiB of ECAM per bus */
        .mem32_base = PLAT_PCI_MEM32_BASE,
        .mem32_size = PLAT_PCI_MEM32_SIZE,
        .mem64_base = PLAT_PCI_MEM64_BASE,
        .mem64_size = PLAT_PCI_MEM64_SIZE,
    };
    int r = vio_pci_root_init(&root, port_hal(), &cfg);
    if (!guest_step(r == 0, "pci", "root at 0x%lx: %s", PLAT_PCI_ECAM_BASE, vio_err_name(r)))
        return;
    /* -bios none: no firmware numbered the buses or placed the BARs */
    r = vio_pci_assign_resources(&root);
    if (!guest_step(r == 0, "pci", "assign buses and BARs: %s%s%s", vio_err_name(r),
                    r == 0 ? "" : ": ", r == 0 ? "" : vio_pci_why_str(root.why)))
        return;
    struct collect c = {0, false};
    r = vio_pci_enumerate(&root, collect_func, &c);
    guest_step(!c.overflow && r == 0, "pci",
               "enumerate buses %u..%u: %u functions, mem32 used 0x%llx, mem64 used 0x%llx",
               root.bus_first, root.bus_max, c.n, (unsigned long long)root.mem32.used,
               (unsigned long long)root.mem64.used);
    for (unsigned i = 0; i < c.n; i++)
        probe_func(&funcs[i]);
}
