/* Check reporting and machine setup shared by the viosim scenarios. */
#include <stdarg.h>
#include <stdio.h>

#include "vio/err.h"
#include "viosim.h"

static void vcheck(struct viosim_report *r, bool ok, const char *err, const char *fmt, va_list ap)
{
    r->checks++;
    if (!ok)
        r->failed++;
    printf("  %-5s ", ok ? "ok" : "FAIL");
    vprintf(fmt, ap);
    if (err)
        printf(": %s", err);
    putchar('\n');
}

bool viosim_check(struct viosim_report *r, bool ok, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vcheck(r, ok, NULL, fmt, ap);
    va_end(ap);
    return ok;
}

bool viosim_check_rc(struct viosim_report *r, int rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vcheck(r, rc == 0, rc == 0 ? NULL : vio_err_name(rc), fmt, ap);
    va_end(ap);
    return rc == 0;
}

void viosim_section(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    putchar('\n');
    vprintf(fmt, ap);
    putchar('\n');
    va_end(ap);
}

struct vsim_machine *viosim_machine(const struct viosim_opts *o, struct viosim_report *r)
{
    struct vsim_machine_opts mo = {.trace = o->trace};
    struct vsim_machine *m = vsim_machine_new(&mo);
    if (!viosim_check(r, m != NULL, "machine with %zu MiB of guest memory",
                      (size_t)(VSIM_MEM_SIZE_DEFAULT >> 20)))
        return NULL;
    for (unsigned i = 0; i < o->nfaults; i++) {
        char err[VSIM_FAULT_ERR_MAX];
        if (vsim_fault_parse(vsim_machine_faults(m), o->faults[i], err) != 0) {
            viosim_check(r, false, "fault rule '%s': %s", o->faults[i], err);
            vsim_machine_free(m);
            return NULL;
        }
    }
    return m;
}

void viosim_machine_done(struct vsim_machine *m, struct viosim_report *r, const char *who)
{
    size_t pages = vsim_machine_dma_pages_in_use(m);
    size_t shares = vsim_machine_shares_in_use(m);
    viosim_check(r, pages == 0 && shares == 0,
                 "%s released everything (%zu DMA pages, %zu shares left)", who, pages, shares);
    vsim_machine_free(m);
}
