/* The seed writer of gen_corpus.c and the seed sets of each family of targets. */
#ifndef FZ_SEEDS_H
#define FZ_SEEDS_H

#include <stddef.h>
#include <stdint.h>

#include "fz_format.h"

struct fz_seed {
    uint8_t b[FZ_MAX_INPUT];
    size_t n;
};

void fz_seed_u8(struct fz_seed *s, uint8_t v);
void fz_seed_u16(struct fz_seed *s, uint16_t v);
void fz_seed_u32(struct fz_seed *s, uint32_t v);
void fz_seed_u64(struct fz_seed *s, uint64_t v);
void fz_seed_bytes(struct fz_seed *s, const void *p, size_t n);
void fz_seed_probe_hdr(struct fz_seed *s, const struct fz_probe_hdr *h);
void fz_seed_ring_hdr(struct fz_seed *s, const struct fz_ring_hdr *h);
void fz_seed_pci_hdr(struct fz_seed *s, const struct fz_pci_hdr *h);
void fz_seed_pci_func_hdr(struct fz_seed *s, const struct fz_pci_func_hdr *h);
void fz_seed_ops_hdr(struct fz_seed *s, const struct fz_ops_hdr *h);
void fz_seed_ops_rule(struct fz_seed *s, const struct fz_ops_rule *h);
void fz_seed_bench_hdr(struct fz_seed *s, const struct fz_bench_hdr *h);
/* Writes @s as DIR/@target/@name. */
void fz_seed_save(const char *target, const char *name, const struct fz_seed *s);

/* Op scripts (fz_format.h) that reach every operation of a device type's driver. */
void fz_script_blk(struct fz_seed *s);
void fz_script_net(struct fz_seed *s);
void fz_script_gpu(struct fz_seed *s);

/* Seed sets: MMIO probe, used ring and responses; PCI; the bench and op sequences. */
void fz_seeds_mmio(void);
void fz_seeds_pci(void);
void fz_seeds_sim(void);

#endif
