/* The platform boundary: everything the library needs from its host. */
#ifndef VIO_HAL_H
#define VIO_HAL_H

#include <stddef.h>
#include <stdint.h>

typedef uint64_t vio_paddr_t;

#define VIO_PAGE_SIZE 4096u

/* Who may write a DMA buffer (as in the Rust virtio-drivers crate's BufferDirection). */
enum vio_dma_dir {
    VIO_DMA_TO_DEVICE = 1,   /* driver writes, device reads */
    VIO_DMA_FROM_DEVICE = 2, /* device writes, driver reads */
    VIO_DMA_BOTH = 3,
};

/* Default bound on relax() calls in any busy-wait when the HAL leaves spin_limit 0. */
#define VIO_SPIN_LIMIT_DEFAULT (1u << 24)

/*
 * struct vio_hal - platform hooks, passed in at probe time and never copied.
 *
 * Register access: addresses come from phys_to_virt() of an MMIO window, a PCI
 * BAR or a PCI configuration window (ECAM/CAM); bare metal does volatile
 * accesses with I/O barriers, the bench decodes the address.
 *
 * dma_alloc: @pages zeroed, page-aligned pages; returns 0 or a negative vio_err.
 * share: makes @len bytes at @buf visible to the device, returns its device
 *        address in @paddr; unshare must be called before the driver reads a
 *        FROM_DEVICE buffer (it may copy a bounce buffer back).
 * relax: called in every busy-wait iteration; a wait gives up after
 *        spin_limit calls (VIO_SPIN_LIMIT_DEFAULT when 0).
 */
struct vio_hal {
    uint8_t (*read8)(void *ctx, uintptr_t addr);
    uint16_t (*read16)(void *ctx, uintptr_t addr);
    uint32_t (*read32)(void *ctx, uintptr_t addr);
    void (*write8)(void *ctx, uintptr_t addr, uint8_t val);
    void (*write16)(void *ctx, uintptr_t addr, uint16_t val);
    void (*write32)(void *ctx, uintptr_t addr, uint32_t val);

    uintptr_t (*phys_to_virt)(void *ctx, vio_paddr_t paddr, size_t size);

    int (*dma_alloc)(void *ctx, size_t pages, enum vio_dma_dir dir, vio_paddr_t *paddr,
                     void **vaddr);
    void (*dma_free)(void *ctx, vio_paddr_t paddr, void *vaddr, size_t pages);
    int (*share)(void *ctx, void *buf, size_t len, enum vio_dma_dir dir, vio_paddr_t *paddr);
    void (*unshare)(void *ctx, vio_paddr_t paddr, void *buf, size_t len, enum vio_dma_dir dir);

    void (*relax)(void *ctx);

    void *ctx;
    uint32_t spin_limit;
};

static inline uint32_t vio_hal_spin_limit(const struct vio_hal *hal)
{
    return hal->spin_limit ? hal->spin_limit : VIO_SPIN_LIMIT_DEFAULT;
}

#endif
