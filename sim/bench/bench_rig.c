/* One device on one transport, probed by the real driver: the set-up every benchmark shares. */
#include "bench.h"
#include "vio/err.h"
#include "vsim/mmio.h"
#include "viosim_pci.h"
#include "vsim/pci.h"

#define BENCH_SLOT 0u
#define BENCH_PCI_DEV 1u

const char *bench_transport_name(enum bench_transport tr)
{
    return tr == BENCH_MMIO_V1 ? "MMIO v1" : tr == BENCH_MMIO_V2 ? "MMIO v2" : "PCI";
}

int bench_attach(struct vsim_machine *m, enum bench_transport tr, struct vsim_device *d)
{
    if (!d)
        return VIO_ERR_INVALID_PARAM;
    if (tr != BENCH_PCI)
        return vsim_mmio_attach(m, BENCH_SLOT, tr == BENCH_MMIO_V1 ? 1 : 2, d);
    int rc = vsim_pci_host_init(m);
    return rc ? rc : vsim_pci_attach(m, BENCH_PCI_DEV, 0, d, NULL);
}

int bench_probe(struct vsim_machine *m, enum bench_transport tr, struct bench_transport_storage *s,
                struct vio_transport **t)
{
    const struct vio_hal *hal = vsim_machine_hal(m);
    if (tr != BENCH_PCI) {
        *t = &s->mmio.t;
        return vio_mmio_probe(&s->mmio, hal, VSIM_MMIO_SLOT_BASE(BENCH_SLOT), VSIM_MMIO_STRIDE);
    }
    *t = &s->pci.t;
    int rc = viosim_pci_root_up(&s->root, m);
    return rc ? rc : vio_pci_probe(&s->pci, &s->root, VIO_PCI_BDF(0, BENCH_PCI_DEV, 0));
}
