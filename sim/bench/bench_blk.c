/* Block read throughput through the real driver against the simulated disk. */
#include <stdio.h>

#include "bench.h"
#include "vio/blk.h"
#include "vio/err.h"
#include "vsim/blk.h"
#include "vsim/machine.h"

#define DISK_SECTORS 2048u /* 1 MiB, the footprint bench_memcpy uses too */
#define MAX_DEPTH 64u

struct blk_run {
    struct vio_blk b;
    struct vio_blk_req *reqs; /* in guest memory, so shares are zero-copy as on real DMA */
    uint8_t *bufs;
    uint32_t size;
    uint32_t next_sector;
};

static int submit(struct blk_run *run, struct vio_blk_req *req)
{
    uint32_t sectors = run->size / VIO_BLK_SECTOR_SIZE;
    uint32_t sector = run->next_sector;
    run->next_sector = (sector + sectors) % DISK_SECTORS;
    int rc = vio_blk_submit(&run->b, req, VIO_BLK_T_IN, sector,
                            run->bufs + (size_t)(req - run->reqs) * run->size, run->size);
    return rc < 0 ? rc : 0;
}

/* Keeps @depth reads in flight: every completion is resubmitted, one kick per batch. */
static int pump(const struct bench_opts *o, struct blk_run *run, unsigned depth, uint64_t *ops,
                uint64_t *ns)
{
    for (unsigned i = 0; i < depth; i++) {
        int rc = submit(run, &run->reqs[i]);
        if (rc)
            return rc;
    }
    vio_blk_kick(&run->b);
    uint64_t n = 0, start = bench_now_ns(), deadline = start + (uint64_t)(o->seconds * 1e9), now;
    do {
        for (unsigned batch = 0; batch < 256; batch++) {
            struct vio_blk_req *done;
            int rc;
            while ((rc = vio_blk_poll(&run->b, &done)) == 1) {
                if (done->result)
                    return done->result;
                n++;
                if ((rc = submit(run, done)) != 0)
                    return rc;
            }
            if (rc < 0)
                return rc;
            vio_blk_kick(&run->b);
        }
        now = bench_now_ns();
    } while (now < deadline);
    *ops = n;
    *ns = now - start;
    /* Drain what is still in flight so the queue is idle at deinit. */
    for (unsigned left = depth, spins = 0; left && spins < 1000000u; spins++) {
        struct vio_blk_req *done;
        int rc = vio_blk_poll(&run->b, &done);
        if (rc < 0)
            return rc;
        left -= (unsigned)rc;
    }
    return 0;
}

int bench_blk(const struct bench_opts *o, enum bench_transport tr, uint32_t size, unsigned depth,
              uint64_t *ops, uint64_t *ns)
{
    static struct blk_run run;
    static struct bench_transport_storage ts;
    struct vsim_machine *m = vsim_machine_new(&(struct vsim_machine_opts){0});
    if (!m)
        return VIO_ERR_DMA_ERROR;
    int rc = VIO_ERR_INVALID_PARAM;
    struct vsim_blk_opts bo = {.capacity = DISK_SECTORS};
    run.size = size;
    run.next_sector = 0;
    run.reqs = vsim_machine_mem_alloc(m, MAX_DEPTH * sizeof *run.reqs);
    run.bufs = vsim_machine_mem_alloc(m, (size_t)MAX_DEPTH * size);
    struct vio_transport *t;
    if (depth == 0 || depth > MAX_DEPTH || !run.reqs || !run.bufs)
        goto out;
    struct vsim_blk *dev = vsim_blk_new(m, &bo);
    rc = dev ? bench_attach(m, tr, vsim_blk_device(dev)) : VIO_ERR_DMA_ERROR;
    if (rc == 0)
        rc = bench_probe(m, tr, &ts, &t);
    if (rc == 0)
        rc = vio_blk_init(&run.b, t, 0);
    if (rc == 0) {
        rc = pump(o, &run, depth, ops, ns);
        vio_blk_deinit(&run.b);
    }
out:
    vsim_machine_free(m);
    return rc;
}
