/* GPU flushes of a full frame (TRANSFER_TO_HOST_2D + RESOURCE_FLUSH) through the real driver. */
#include "bench.h"
#include "vio/err.h"
#include "vio/gpu.h"
#include "vsim/gpu.h"

int bench_gpu(const struct bench_opts *o, enum bench_transport tr, uint32_t width, uint32_t height,
              uint64_t *ops, uint64_t *ns)
{
    static struct vio_gpu g;
    static struct bench_transport_storage ts;
    struct vsim_machine *m = vsim_machine_new(&(struct vsim_machine_opts){0});
    if (!m)
        return VIO_ERR_DMA_ERROR;
    struct vsim_gpu *dev =
        vsim_gpu_new(m, &(struct vsim_gpu_opts){.width = width, .height = height});
    struct vio_transport *t;
    int rc = dev ? bench_attach(m, tr, vsim_gpu_device(dev)) : VIO_ERR_DMA_ERROR;
    if (rc == 0)
        rc = bench_probe(m, tr, &ts, &t);
    if (rc == 0)
        rc = vio_gpu_init(&g, t, 0);
    if (rc == 0) {
        rc = vio_gpu_setup_framebuffer(&g, 0, width, height, 0);
        uint64_t n = 0, start = bench_now_ns(), now = start;
        uint64_t deadline = start + (uint64_t)(o->seconds * 1e9);
        while (rc == 0 && now < deadline) {
            rc = vio_gpu_flush(&g);
            n++;
            now = bench_now_ns();
        }
        *ops = n;
        *ns = now - start;
        vio_gpu_deinit(&g);
    }
    vsim_machine_free(m);
    return rc;
}
