/* viosim-bench: throughput figures of the bench, printed, never asserted. */
#ifndef VIOSIM_BENCH_H
#define VIOSIM_BENCH_H

#include <stdint.h>

struct bench_opts {
    double seconds; /* per measurement */
};

/* Monotonic nanoseconds. */
uint64_t bench_now_ns(void);
/* Keeps the compiler from dropping a copy whose result is never read. */
void bench_clobber(void *p);
/* Prints one figure row: label, operations per second and nanoseconds per operation. */
void bench_row(const char *label, uint64_t ops, uint64_t ns, uint64_t bytes_per_op);

/* memcpy of @size bytes over the same footprint as a blk workload, as the physical reference. */
void bench_memcpy(const struct bench_opts *o, uint32_t size, uint64_t *ops, uint64_t *ns);
/* blk reads of @size bytes at queue depth @depth over MMIO @version (sim, zero-copy buffers). */
int bench_blk(const struct bench_opts *o, unsigned version, uint32_t size, unsigned depth,
              uint64_t *ops, uint64_t *ns);

#endif
