/*
 * Guest entry: finds the virtio devices as an OS would, through the
 * axdriver_virtio bridge (every virtio-mmio slot, then the PCI bus), runs
 * the workload of each device it knows, checks that nothing leaked and
 * prints the verdict.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "axdriver_virtio.h"
#include "guest.h"
#include "platform.h"
#include "port.h"
#include "vio/err.h"
#include "vio/mmio.h"

static unsigned failures;

static bool step_line(bool ok, const char *who, const char *fmt, va_list ap)
{
    con_printf("%s: ", who);
    con_vprintf(fmt, ap);
    con_printf(ok ? " ok\n" : " FAIL\n");
    if (!ok)
        failures++;
    return ok;
}

bool guest_step(bool ok, const char *who, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    step_line(ok, who, fmt, ap);
    va_end(ap);
    return ok;
}

bool guest_fail(const char *who, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    step_line(false, who, fmt, ap);
    va_end(ap);
    return false;
}

unsigned guest_failures(void)
{
    return failures;
}

bool guest_wait_host(const char *who, const char *what, uint32_t ms)
{
    while (plat_getc() >= 0)
        ; /* nothing the host sent before this request counts as its answer */
    con_printf("%s: waiting for the host: %s\n", who, what);
    uint64_t deadline = port_time_now() + port_ticks_from_ms(ms);
    int c = -1;
    while (c < 0 && port_time_now() < deadline)
        c = plat_getc();
    if (c < 0)
        return guest_fail(who, "host did not answer within %u ms", ms);
    return guest_step(c == 'D', who, "host: %s: answer '%c'", what, c);
}

struct guest_driver {
    enum ax_device_type type;
    void (*run)(struct vio_transport *t, const char *at);
};

/* Device types with a workload, per driver feature built; other devices are listed only. */
static const struct guest_driver drivers[] = {
#if VIO_BLOCK
    {AX_DEVICE_BLOCK, guest_blk_run},
#endif
#if VIO_GPU
    {AX_DEVICE_DISPLAY, guest_gpu_run},
#endif
#if VIO_NET
    {AX_DEVICE_NET, guest_net_run},
#endif
    {AX_DEVICE_BLOCK, NULL}, /* the end (and no empty array when no driver is built) */
};

bool guest_run_device(enum ax_device_type type, struct vio_transport *t, const char *at)
{
    for (size_t k = 0; drivers[k].run != NULL; k++) {
        if (drivers[k].type == type) {
            drivers[k].run(t, at);
            return true;
        }
    }
    con_printf("%s: no workload for %s devices in this build\n", at, ax_device_type_name(type));
    return false;
}

static struct vio_mmio slots[PLAT_VIRTIO_MMIO_COUNT];

static void probe_slot(unsigned i)
{
    char at[8];
    con_snprintf(at, sizeof at, "mmio%u", i);
    struct vio_mmio *m = &slots[i];
    vio_paddr_t base = PLAT_VIRTIO_MMIO_BASE + i * PLAT_VIRTIO_MMIO_STRIDE;
    enum ax_device_type type;
    if (!ax_virtio_probe_mmio(m, port_hal(), base, PLAT_VIRTIO_MMIO_SIZE, &type)) {
        if (m->why == VIO_MMIO_NO_DEVICE)
            con_printf("%s: empty\n", at);
        else if (m->why == VIO_MMIO_OK)
            con_printf("%s: virtio device type %u has no axdriver kind: reset\n", at,
                       m->t.device_id);
        else
            guest_fail(at, "probe at 0x%llx: %s", (unsigned long long)base,
                       vio_mmio_why_str(m->why));
        return;
    }
    con_printf("%s: virtio-mmio version=%u device=%u vendor=0x%x type=%s\n", at, m->version,
               m->t.device_id, m->vendor_id, ax_device_type_name(type));
    guest_run_device(type, &m->t, at);
}

int guest_main(void)
{
    con_printf("vio guest on %s: %u virtio-mmio slots, PCIe ECAM at 0x%lx, %zu DMA pages\n",
               PLAT_NAME, PLAT_VIRTIO_MMIO_COUNT, PLAT_PCI_ECAM_BASE, page_capacity());
    for (unsigned i = 0; i < PLAT_VIRTIO_MMIO_COUNT; i++)
        probe_slot(i);
    guest_pci_run();

    guest_step(page_in_use() == 0, "guest", "DMA pages in use at the end: %zu", page_in_use());
    guest_step(port_hal_shares_outstanding() == 0, "guest", "shares outstanding at the end: %ld",
               port_hal_shares_outstanding());
    guest_step(port_hal_misuse() == 0, "guest", "HAL misuse (bad free or share): %u",
               port_hal_misuse());

    if (failures == 0) {
        con_printf("PASS\n");
        return 0;
    }
    con_printf("FAIL: %u step(s) failed\n", failures);
    return failures < PORT_EXIT_TRAP ? (int)failures : PORT_EXIT_TRAP - 1;
}
