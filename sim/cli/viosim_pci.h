/* The OS's PCI boot step on a bench machine, shared by viosim, its matrix and viosim-bench. */
#ifndef VIOSIM_PCI_H
#define VIOSIM_PCI_H

#include "vio/pci.h"
#include "vsim/machine.h"

/*
 * Describes the machine's host bridge (ECAM, bus 0, the 32-bit window) to
 * @root, then sizes and places every BAR. Returns 0 or a negative vio_err
 * (root->why says why).
 */
int viosim_pci_root_up(struct vio_pci_root *root, struct vsim_machine *m);

#endif
