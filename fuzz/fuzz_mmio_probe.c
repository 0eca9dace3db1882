/*
 * Fuzz target: MMIO probe and device initialization. The register values
 * and the device configuration come from the input (fz_format.h,
 * FZ_PROBE_HEADER); the driver probes the window through the axdriver
 * bridge, initializes the driver of whatever type it found, runs a short
 * op script and deinitializes. Nothing may crash, leak or break the MMIO
 * register rules.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "axdriver_virtio.h"
#include "fz_dev.h"
#include "fz_drive.h"
#include "fz_format.h"
#include "fz_hal.h"
#include "fz_mmio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct fz_hal hal;
static struct fz_dev dev;
static struct fz_mmio mmio;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > FZ_MAX_INPUT)
        return -1;
    struct fz_in in = fz_in_make(data, size);
    struct fz_probe_hdr h;
    fz_read_probe_hdr(&h, &in);

    fz_hal_init(&hal, &fz_mmio_bus, &mmio);
    hal.dma_fail_mask = h.dma_fail;
    hal.share_fail_mask = h.share_fail;
    fz_dev_init(&dev, &hal, h.device_id, h.features,
                h.queue_max < FZ_TARGET_QUEUE_MAX ? h.queue_max : FZ_TARGET_QUEUE_MAX);
    struct fz_in cfg = fz_sub(&in, h.config_len);
    if (cfg.n > 0) {
        memcpy(dev.config, cfg.p, cfg.n);
        dev.config_len = (uint32_t)cfg.n;
    }
    struct fz_in ops = fz_sub(&in, fz_u8(&in) % (FZ_PROBE_OPS_MAX + 1u));
    struct fz_in regs = in;
    dev.regs = &regs;
    fz_mmio_init(&mmio, &dev, h.version, h.window != 0 ? h.window : 0x1000u);

    struct vio_mmio m;
    enum ax_device_type type;
    if (ax_virtio_probe_mmio(&m, &hal.hal, FZ_MMIO_BASE, mmio.size, &type)) {
        if (m.t.device_id == 0 || m.why != VIO_MMIO_OK)
            fz_fail("probe accepted device id %u (why %d)", m.t.device_id, (int)m.why);
        fz_drive(&hal, &dev, &m.t, &ops, h.queue_size);
    }
    fz_hal_check_leaks(&hal, "after probe");
    return 0;
}
