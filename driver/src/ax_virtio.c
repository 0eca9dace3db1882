/* The axdriver_virtio bridge: type and error mapping, MMIO and PCI probing. */
#include "axdriver_virtio.h"
#include "vio/err.h"
#include "vio/spec.h"

bool ax_virtio_as_dev_type(uint32_t virtio_id, enum ax_device_type *type)
{
    switch (virtio_id) {
    case VIO_ID_BLOCK:
        *type = AX_DEVICE_BLOCK;
        return true;
    case VIO_ID_NET:
        *type = AX_DEVICE_NET;
        return true;
    case VIO_ID_GPU:
        *type = AX_DEVICE_DISPLAY;
        return true;
    default:
        return false;
    }
}

enum ax_dev_err ax_virtio_as_dev_err(int vio_err)
{
    switch (vio_err) {
    case VIO_ERR_QUEUE_FULL:
        return AX_ERR_BAD_STATE;
    case VIO_ERR_NOT_READY:
        return AX_ERR_AGAIN;
    case VIO_ERR_WRONG_TOKEN:
        return AX_ERR_BAD_STATE;
    case VIO_ERR_ALREADY_USED:
        return AX_ERR_ALREADY_EXISTS;
    case VIO_ERR_INVALID_PARAM:
        return AX_ERR_INVALID_PARAM;
    case VIO_ERR_DMA_ERROR:
        return AX_ERR_NO_MEMORY;
    case VIO_ERR_IO_ERROR:
        return AX_ERR_IO;
    case VIO_ERR_UNSUPPORTED:
        return AX_ERR_UNSUPPORTED;
    case VIO_ERR_CONFIG_SPACE_TOO_SMALL:
        return AX_ERR_BAD_STATE;
    case VIO_ERR_CONFIG_SPACE_MISSING:
        return AX_ERR_BAD_STATE;
    default:
        return vio_err >= 0 ? AX_OK : AX_ERR_BAD_STATE;
    }
}

bool ax_virtio_probe_mmio(struct vio_mmio *m, const struct vio_hal *hal, vio_paddr_t base,
                          size_t size, enum ax_device_type *type)
{
    /* a refused window (bad magic, version, empty slot) is left untouched */
    if (vio_mmio_probe(m, hal, base, size) < 0)
        return false;
    if (ax_virtio_as_dev_type(m->t.device_id, type))
        return true;
    /* a device no wrapper drives is reset so that it stays quiet */
    m->t.ops->reset(&m->t);
    return false;
}

bool ax_virtio_probe_pci(struct vio_pci_transport *p, struct vio_pci_root *root, uint16_t bdf,
                         const struct vio_pci_func_info *info, enum ax_device_type *type)
{
    /* PCI Device Discovery: judge by the enumerated ids before touching the function */
    if (info->bdf != bdf || info->vendor_id != VIO_PCI_VENDOR_VIRTIO ||
        vio_pci_virtio_type(info->device_id) == VIO_ID_INVALID)
        return false;
    if (vio_pci_probe(p, root, bdf) < 0)
        return false;
    /* the transport read the ids again: its type is the one the device has now */
    if (ax_virtio_as_dev_type(p->t.device_id, type))
        return true;
    p->t.ops->reset(&p->t);
    return false;
}
