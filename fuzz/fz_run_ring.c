/* The shared body of fuzz_used_ring and fuzz_responses. */
#include "fz_run_ring.h"

#include "fz_dev.h"
#include "fz_drive.h"
#include "fz_format.h"
#include "fz_hal.h"
#include "fz_mmio.h"
#include "vio/mmio.h"

static struct fz_hal hal;
static struct fz_dev dev;
static struct fz_mmio mmio;

int fz_run_ring(const uint8_t *data, size_t size, unsigned mode)
{
    static const uint32_t ids[] = {FZ_ID_BLOCK, FZ_ID_NET, FZ_ID_GPU};
    if (size > FZ_MAX_INPUT)
        return -1;
    struct fz_in in = fz_in_make(data, size);
    struct fz_ring_hdr h;
    fz_read_ring_hdr(&h, &in);
    struct fz_in ops = fz_sub(&in, h.ops_len);
    struct fz_in stream = in;

    fz_hal_init(&hal, &fz_mmio_bus, &mmio);
    hal.dma_fail_mask = h.dma_fail;
    hal.share_fail_mask = h.share_fail;
    fz_dev_init(&dev, &hal, ids[h.device % 3], h.features,
                h.queue_max < FZ_TARGET_QUEUE_MAX ? h.queue_max : FZ_TARGET_QUEUE_MAX);
    dev.mode = mode;
    dev.dev = &stream;
    fz_mmio_init(&mmio, &dev, h.version == 1 ? 1 : 2, 0x1000);

    struct vio_mmio m;
    if (vio_mmio_probe(&m, &hal.hal, FZ_MMIO_BASE, mmio.size) != 0)
        fz_fail("a well-behaved MMIO device refused: %s", vio_mmio_why_str(m.why));
    fz_drive(&hal, &dev, &m.t, &ops, h.queue_size);
    return 0;
}
