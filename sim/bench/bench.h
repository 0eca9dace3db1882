/* viosim-bench: throughput figures of the bench, printed, never asserted. */
#ifndef VIOSIM_BENCH_H
#define VIOSIM_BENCH_H

#include <stdint.h>

#include "vio/mmio.h"
#include "vio/pci.h"
#include "vsim/device.h"
#include "vsim/machine.h"

struct bench_opts {
    double seconds; /* per measurement */
};

/* Monotonic nanoseconds. */
uint64_t bench_now_ns(void);
/* Keeps the compiler from dropping a copy whose result is never read. */
void bench_clobber(void *p);
/* Prints one figure row: label, operations per second and nanoseconds per operation. */
void bench_row(const char *label, uint64_t ops, uint64_t ns, uint64_t bytes_per_op);

enum bench_transport { BENCH_MMIO_V1, BENCH_MMIO_V2, BENCH_PCI };

struct bench_transport_storage {
    struct vio_mmio mmio;
    struct vio_pci_root root;
    struct vio_pci_transport pci;
};

const char *bench_transport_name(enum bench_transport tr);
/* Attaches @d (a model from vsim_*_new) to the benchmark's slot or PCI function. */
int bench_attach(struct vsim_machine *m, enum bench_transport tr, struct vsim_device *d);
/* Probes it with the real driver: *t is then ready for a device driver's init. */
int bench_probe(struct vsim_machine *m, enum bench_transport tr, struct bench_transport_storage *s,
                struct vio_transport **t);

/* memcpy of @size bytes over the same footprint as a blk workload, as the physical reference. */
void bench_memcpy(const struct bench_opts *o, uint32_t size, uint64_t *ops, uint64_t *ns);
/* blk reads of @size bytes at queue depth @depth over @tr (sim, zero-copy buffers). */
int bench_blk(const struct bench_opts *o, enum bench_transport tr, uint32_t size, unsigned depth,
              uint64_t *ops, uint64_t *ns);

/* Full-frame GPU flushes of a @width x @height B8G8R8A8 framebuffer over @tr. */
int bench_gpu(const struct bench_opts *o, enum bench_transport tr, uint32_t width, uint32_t height,
              uint64_t *ops, uint64_t *ns);

enum bench_net_mode {
    BENCH_NET_TX,       /* transmit only: the device has no peer and drops each frame */
    BENCH_NET_RX,       /* receive only: frames injected on the wire side */
    BENCH_NET_LOOPBACK, /* each frame transmitted and received back */
};

/* Packets of @frame bytes per second in @mode over MMIO v2, queues of 256, batches of 64. */
int bench_net(const struct bench_opts *o, enum bench_net_mode mode, uint32_t frame, uint64_t *ops,
              uint64_t *ns);

#endif
