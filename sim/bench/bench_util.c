/* Timing and printing helpers of viosim-bench. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

uint64_t bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void bench_clobber(void *p)
{
    __asm__ volatile("" : : "r"(p) : "memory");
}

void bench_row(const char *label, uint64_t ops, uint64_t ns, uint64_t bytes_per_op)
{
    double secs = (double)ns / 1e9;
    double rate = secs > 0 ? (double)ops / secs : 0;
    printf("  %-40s %12.0f /s %9.1f ns/op %9.2f GB/s\n", label, rate,
           ops ? (double)ns / (double)ops : 0.0, rate * (double)bytes_per_op / 1e9);
}

#define FOOTPRINT (1u << 20) /* the same 1 MiB the blk benchmark's RAM disk reads cycle over */
#define DSTS 32u

void bench_memcpy(const struct bench_opts *o, uint32_t size, uint64_t *ops, uint64_t *ns)
{
    uint8_t *src = malloc(FOOTPRINT), *dst = malloc((size_t)DSTS * size);
    if (!src || !dst) {
        free(src), free(dst);
        *ops = *ns = 0;
        return;
    }
    memset(src, 0x5a, FOOTPRINT);
    memset(dst, 0, (size_t)DSTS * size);
    uint64_t n = 0, start = bench_now_ns(), deadline = start + (uint64_t)(o->seconds * 1e9), now;
    uint32_t off = 0;
    do {
        for (unsigned i = 0; i < 1024; i++, n++) {
            memcpy(dst + (n % DSTS) * size, src + off, size);
            bench_clobber(dst);
            off = (off + size) % FOOTPRINT;
        }
        now = bench_now_ns();
    } while (now < deadline);
    *ops = n;
    *ns = now - start;
    free(src), free(dst);
}
