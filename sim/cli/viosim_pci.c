/* The bench machine's PCI host bridge as a platform would describe it to the driver. */
#include "viosim_pci.h"
#include "vsim/pci.h"

int viosim_pci_root_up(struct vio_pci_root *root, struct vsim_machine *m)
{
    const struct vio_pci_root_config cfg = {
        .cfg_base = VSIM_PCI_ECAM_BASE,
        .mech = VIO_PCI_ECAM,
        .bus_first = 0,
        .bus_last = VSIM_PCI_BUSES - 1,
        .mem32_base = VSIM_PCI_MEM32_BASE,
        .mem32_size = VSIM_PCI_MEM32_SIZE,
    };
    int rc = vio_pci_root_init(root, vsim_machine_hal(m), &cfg);
    return rc ? rc : vio_pci_assign_resources(root);
}
