/*
 * Writes the seed corpora of every fuzz target into DIR/<target>/, from the
 * formats in fz_format.h: a well-behaved device for each device type,
 * transport version and feature set, running scripts that reach every
 * operation, plus a few classic deviations. Run at build time, so seeds
 * always match the formats. Usage: gen_corpus DIR
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fz_format.h"
#include "fz_seeds.h"

static const char *root;

static void put(struct fz_seed *s, uint64_t v, unsigned bytes)
{
    for (unsigned k = 0; k < bytes && s->n < sizeof s->b; k++)
        s->b[s->n++] = (uint8_t)(v >> (8 * k));
}

void fz_seed_u8(struct fz_seed *s, uint8_t v)
{
    put(s, v, 1);
}

void fz_seed_u16(struct fz_seed *s, uint16_t v)
{
    put(s, v, 2);
}

void fz_seed_u32(struct fz_seed *s, uint32_t v)
{
    put(s, v, 4);
}

void fz_seed_u64(struct fz_seed *s, uint64_t v)
{
    put(s, v, 8);
}

void fz_seed_bytes(struct fz_seed *s, const void *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        put(s, ((const uint8_t *)p)[i], 1);
}

#define FZ_WRITE(bits, name) put(s, h->name, (bits) / 8);

void fz_seed_probe_hdr(struct fz_seed *s, const struct fz_probe_hdr *h)
{
    FZ_PROBE_HEADER(FZ_WRITE)
}

void fz_seed_ring_hdr(struct fz_seed *s, const struct fz_ring_hdr *h)
{
    FZ_RING_HEADER(FZ_WRITE)
}

void fz_seed_pci_hdr(struct fz_seed *s, const struct fz_pci_hdr *h)
{
    FZ_PCI_HEADER(FZ_WRITE)
}

void fz_seed_pci_func_hdr(struct fz_seed *s, const struct fz_pci_func_hdr *h)
{
    FZ_PCI_FUNC_HEADER(FZ_WRITE)
}

void fz_seed_ops_hdr(struct fz_seed *s, const struct fz_ops_hdr *h)
{
    FZ_OPS_HEADER(FZ_WRITE)
}

void fz_seed_ops_rule(struct fz_seed *s, const struct fz_ops_rule *h)
{
    FZ_OPS_RULE(FZ_WRITE)
}

void fz_seed_bench_hdr(struct fz_seed *s, const struct fz_bench_hdr *h)
{
    FZ_BENCH_HEADER(FZ_WRITE)
}

void fz_seed_save(const char *target, const char *name, const struct fz_seed *s)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", root, target);
    if (mkdir(path, 0755) != 0 && errno != EEXIST) {
        perror(path);
        exit(1);
    }
    snprintf(path, sizeof path, "%s/%s/%s", root, target, name);
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(s->b, 1, s->n, f) != s->n || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    root = argv[1];
    if (mkdir(root, 0755) != 0 && errno != EEXIST) {
        perror(root);
        return 1;
    }
    fz_seeds_mmio();
    fz_seeds_pci();
    fz_seeds_sim();
    return 0;
}
