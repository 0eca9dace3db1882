/* viosim's error-mapping matrix: every row of viosim_matrix.c as a line of a table. */
#include <stdio.h>

#include "vio/err.h"
#include "viosim.h"
#include "viosim_matrix.h"

void viosim_matrix_report(const struct viosim_opts *o, struct viosim_report *r)
{
    viosim_section("error-mapping matrix: each virtio error through the generic interfaces, "
                   "then the fault cleared, the device probed again and used");
    printf("  %-5s %-20s %-31s %-15s %s\n", "", "virtio error", "fault used", "ax expected",
           "ax seen");
    for (size_t i = 0; i < viosim_matrix_rows(); i++) {
        const struct viosim_matrix_row *row = viosim_matrix_row(i);
        struct viosim_matrix_seen seen;
        viosim_matrix_run(i, o->trace, &seen);
        char got[64];
        if (!seen.reached)
            snprintf(got, sizeof got, "-");
        else if (seen.vio_err != row->vio_err)
            snprintf(got, sizeof got, "%s (from %s)", ax_dev_err_name(seen.ax_err),
                     vio_err_name(seen.vio_err));
        else
            snprintf(got, sizeof got, "%s", ax_dev_err_name(seen.ax_err));
        viosim_check(r, viosim_matrix_ok(i, &seen), "%-20s %-31s %-15s %s",
                     vio_err_name(row->vio_err), row->fault, ax_dev_err_name(row->ax_err), got);
        if (seen.why[0] != '\0')
            printf("        %s\n", seen.why);
    }
}
