/*
 * The error-mapping matrix: one row per enum vio_err, each a fault or a misuse
 * on the bench that makes the driver report that error to an OS calling the
 * generic axdriver interfaces, where it arrives as the ax_dev_err of the
 * bridge's table (ax_virtio_as_dev_err). Each row runs on its own machine and
 * then checks the device: torn down with nothing leaked, usable again once the
 * fault is cleared and the device probed again, and not one conformance
 * violation on the way.
 *
 * The rows assert nothing themselves: viosim prints them as a table and the
 * ax_matrix Check suite asserts on what they saw.
 */
#ifndef VIOSIM_MATRIX_H
#define VIOSIM_MATRIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "axdriver/base.h"

struct viosim_matrix_row {
    int vio_err;            /* the virtio error the row provokes */
    const char *fault;      /* the fault plan rule, or the misuse, that provokes it */
    enum ax_dev_err ax_err; /* what the OS must see */
};

/* What running a row saw. */
struct viosim_matrix_seen {
    bool reached;  /* the machine was built and the failing call was made */
    int ax_err;    /* that call's result, as the OS got it */
    int vio_err;   /* the virtio error the wrapper kept behind it */
    bool after_ok; /* nothing leaked, usable again after clearing and re-probing, no violation */
    char why[192]; /* the first thing that went wrong, or "" */
};

/* How many rows there are: one per virtio error. */
size_t viosim_matrix_rows(void);
/* Row @i (< viosim_matrix_rows()). */
const struct viosim_matrix_row *viosim_matrix_row(size_t i);
/* Runs row @i on a new machine, tracing to @trace (NULL: no trace), and fills @seen. */
void viosim_matrix_run(size_t i, FILE *trace, struct viosim_matrix_seen *seen);
/* True when @seen is what row @i must see, its after-checks included. */
bool viosim_matrix_ok(size_t i, const struct viosim_matrix_seen *seen);

struct viosim_opts;
struct viosim_report;
/* viosim only (viosim_matrix_report.c): every row as a line of a table, each one check. */
void viosim_matrix_report(const struct viosim_opts *o, struct viosim_report *r);

#endif
