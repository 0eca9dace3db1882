/*
 * The bare-metal struct vio_hal: physical addresses are virtual addresses
 * (no MMU), DMA is cache-coherent, so sharing a buffer is just handing out
 * its address and unsharing copies nothing. Register access is the arch's
 * fenced volatile access. The counters let the guest prove nothing leaked.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch.h"
#include "platform.h"
#include "port.h"
#include "vio/err.h"
#include "vio/hal.h"

static long shares_outstanding;
static unsigned misuse;

static uint8_t hal_read8(void *ctx, uintptr_t addr)
{
    (void)ctx;
    return arch_read8(addr);
}

static uint16_t hal_read16(void *ctx, uintptr_t addr)
{
    (void)ctx;
    return arch_read16(addr);
}

static uint32_t hal_read32(void *ctx, uintptr_t addr)
{
    (void)ctx;
    return arch_read32(addr);
}

static void hal_write8(void *ctx, uintptr_t addr, uint8_t val)
{
    (void)ctx;
    arch_write8(addr, val);
}

static void hal_write16(void *ctx, uintptr_t addr, uint16_t val)
{
    (void)ctx;
    arch_write16(addr, val);
}

static void hal_write32(void *ctx, uintptr_t addr, uint32_t val)
{
    (void)ctx;
    arch_write32(addr, val);
}

static uintptr_t hal_phys_to_virt(void *ctx, vio_paddr_t paddr, size_t size)
{
    (void)ctx;
    (void)size;
    return (uintptr_t)paddr;
}

static int hal_dma_alloc(void *ctx, size_t pages, enum vio_dma_dir dir, vio_paddr_t *paddr,
                         void **vaddr)
{
    (void)ctx;
    (void)dir;
    void *va = page_alloc(pages);
    if (va == NULL)
        return VIO_ERR_DMA_ERROR;
    *vaddr = va;
    *paddr = (vio_paddr_t)(uintptr_t)va;
    return 0;
}

static void hal_dma_free(void *ctx, vio_paddr_t paddr, void *vaddr, size_t pages)
{
    (void)ctx;
    if (paddr != (vio_paddr_t)(uintptr_t)vaddr || !page_free(vaddr, pages))
        misuse++;
}

/* Only RAM can be shared: a buffer anywhere else is a driver or caller bug. */
static int hal_share(void *ctx, void *buf, size_t len, enum vio_dma_dir dir, vio_paddr_t *paddr)
{
    (void)ctx;
    (void)dir;
    uintptr_t a = (uintptr_t)buf;
    if (len == 0 || len > PLAT_RAM_SIZE || a < PLAT_RAM_BASE ||
        a - PLAT_RAM_BASE > PLAT_RAM_SIZE - len) {
        misuse++;
        return VIO_ERR_DMA_ERROR;
    }
    shares_outstanding++;
    *paddr = (vio_paddr_t)a;
    return 0;
}

static void hal_unshare(void *ctx, vio_paddr_t paddr, void *buf, size_t len, enum vio_dma_dir dir)
{
    (void)ctx;
    (void)len;
    (void)dir;
    if (paddr != (vio_paddr_t)(uintptr_t)buf)
        misuse++;
    shares_outstanding--;
}

static void hal_relax(void *ctx)
{
    (void)ctx;
    arch_relax();
}

static const struct vio_hal hal = {
    .read8 = hal_read8,
    .read16 = hal_read16,
    .read32 = hal_read32,
    .write8 = hal_write8,
    .write16 = hal_write16,
    .write32 = hal_write32,
    .phys_to_virt = hal_phys_to_virt,
    .dma_alloc = hal_dma_alloc,
    .dma_free = hal_dma_free,
    .share = hal_share,
    .unshare = hal_unshare,
    .relax = hal_relax,
    .ctx = NULL,
    .spin_limit = 0,
};

const struct vio_hal *port_hal(void)
{
    return &hal;
}
long port_hal_shares_outstanding(void)
{
    return shares_outstanding;
}
unsigned port_hal_misuse(void)
{
    return misuse;
}

uint64_t port_time_now(void)
{
    return arch_time_now();
}

uint64_t port_ticks_to_ns(uint64_t ticks)
{
    return ticks / ARCH_TIME_HZ * 1000000000ull +
           ticks % ARCH_TIME_HZ * 1000000000ull / ARCH_TIME_HZ;
}

uint64_t port_ticks_from_ms(uint32_t ms)
{
    return ARCH_TIME_HZ / 1000u * ms;
}
