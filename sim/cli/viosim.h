/* viosim: the bench's self-check. Scenarios share this small reporting and setup layer. */
#ifndef VIOSIM_H
#define VIOSIM_H

#include <stdbool.h>
#include <stdio.h>

#include "vsim/machine.h"

#define VIOSIM_FAULTS_MAX 16

struct viosim_opts {
    FILE *trace;       /* --trace: register and queue events, or NULL */
    const char *image; /* --image: raw image file for the block device, or NULL */
    const char *faults[VIOSIM_FAULTS_MAX];
    unsigned nfaults; /* --fault rules applied to every scenario's machine */
    const char *out_dir;
};

struct viosim_report {
    unsigned checks;
    unsigned failed;
};

/* Records one check and prints it as "  ok    what" or "  FAIL  what". */
bool viosim_check(struct viosim_report *r, bool ok, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Records a check that a driver call returned 0, naming the vio_err otherwise. */
bool viosim_check_rc(struct viosim_report *r, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void viosim_section(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A machine with the user's trace and fault rules applied; NULL (reported) on failure. */
struct vsim_machine *viosim_machine(const struct viosim_opts *o, struct viosim_report *r);
/* Checks that the driver gave back every DMA page and share, then frees the machine. */
void viosim_machine_done(struct vsim_machine *m, struct viosim_report *r, const char *who);

/* viosim conform (viosim_conform.c): the catalogue, its proofs, the library in strict mode. */
int viosim_conform_main(int argc, char **argv);

/* The fault sweep: each blk/HAL fault point alone must surface as its vio_err. */
void viosim_fault_sweep(const struct viosim_opts *o, struct viosim_report *r);

#endif
