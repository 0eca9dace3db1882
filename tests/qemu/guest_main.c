/*
 * Guest entry: probes every virtio-mmio slot, runs the workload of each
 * device it knows, checks that nothing leaked and prints the verdict.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "guest.h"
#include "platform.h"
#include "port.h"
#include "vio/err.h"
#include "vio/mmio.h"
#include "vio/spec.h"

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

struct guest_driver {
    uint32_t device_id;
    void (*run)(struct vio_transport *t, unsigned slot);
};

/* Device types with a workload, per driver feature built; other devices are listed only. */
static const struct guest_driver drivers[] = {
#if VIO_BLOCK
    {VIO_ID_BLOCK, guest_blk_run},
#endif
    {VIO_ID_INVALID, NULL},
};

static struct vio_mmio slots[PLAT_VIRTIO_MMIO_COUNT];

static void probe_slot(unsigned i)
{
    char who[8] = "mmio0";
    who[4] = (char)('0' + i);
    struct vio_mmio *m = &slots[i];
    vio_paddr_t base = PLAT_VIRTIO_MMIO_BASE + i * PLAT_VIRTIO_MMIO_STRIDE;
    int r = vio_mmio_probe(m, port_hal(), base, PLAT_VIRTIO_MMIO_SIZE);
    if (r == VIO_ERR_NOT_READY && m->why == VIO_MMIO_NO_DEVICE) {
        con_printf("%s: empty\n", who);
        return;
    }
    if (r != 0) {
        guest_fail(who, "probe at 0x%llx: %s (%s)", (unsigned long long)base, vio_err_name(r),
                   vio_mmio_why_str(m->why));
        return;
    }
    con_printf("%s: virtio-mmio version=%u device=%u vendor=0x%x\n", who, m->version,
               m->t.device_id, m->vendor_id);
    for (size_t k = 0; drivers[k].run != NULL; k++) {
        if (drivers[k].device_id == m->t.device_id) {
            drivers[k].run(&m->t, i);
            return;
        }
    }
    con_printf("%s: no workload for device type %u\n", who, m->t.device_id);
}

int guest_main(void)
{
    con_printf("vio guest on %s: %u virtio-mmio slots, %zu DMA pages\n", PLAT_NAME,
               PLAT_VIRTIO_MMIO_COUNT, page_capacity());
    for (unsigned i = 0; i < PLAT_VIRTIO_MMIO_COUNT; i++)
        probe_slot(i);

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
