/* viosim-bench: how fast the bench runs the real driver, beside memcpy as the physical reference. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "vio/err.h"

static void blk_section(const struct bench_opts *o, unsigned version)
{
    static const uint32_t sizes[] = {512, 4096};
    static const unsigned depths[] = {1, 32};
    printf("\nblk reads, MMIO v%u, RAM disk, zero-copy buffers in guest memory\n", version);
    for (size_t s = 0; s < 2; s++) {
        uint64_t ref_ops, ref_ns;
        bench_memcpy(o, sizes[s], &ref_ops, &ref_ns);
        char label[64];
        snprintf(label, sizeof label, "memcpy %u B (reference)", sizes[s]);
        bench_row(label, ref_ops, ref_ns, sizes[s]);
        double ref_rate = ref_ns ? (double)ref_ops / (double)ref_ns : 0;
        for (size_t d = 0; d < 2; d++) {
            uint64_t ops = 0, ns = 0;
            int rc = bench_blk(o, version, sizes[s], depths[d], &ops, &ns);
            snprintf(label, sizeof label, "blk read %u B, queue depth %u", sizes[s], depths[d]);
            if (rc) {
                printf("  %-40s failed: %s\n", label, vio_err_name(rc));
                continue;
            }
            bench_row(label, ops, ns, sizes[s]);
            double rate = ns ? (double)ops / (double)ns : 0;
            printf("  %-40s %11.1f %% of memcpy\n", "", ref_rate > 0 ? 100.0 * rate / ref_rate : 0);
        }
    }
}

int main(int argc, char **argv)
{
    struct bench_opts o = {.seconds = 0.5};
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--seconds") && i + 1 < argc) {
            o.seconds = atof(argv[++i]);
        } else {
            printf("usage: viosim-bench [--seconds S]   (S per figure, default 0.5)\n");
            return strcmp(argv[i], "--help") && strcmp(argv[i], "-h") ? 2 : 0;
        }
    }
    if (o.seconds <= 0 || o.seconds > 60) {
        fprintf(stderr, "viosim-bench: --seconds must be in (0, 60]\n");
        return 2;
    }
    printf("viosim-bench: %.2f s per figure, one thread\n", o.seconds);
    blk_section(&o, 2);
    return 0;
}
