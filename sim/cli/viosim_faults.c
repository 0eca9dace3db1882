/* viosim's fault sweep: each fault point, injected alone, must surface as its vio_err. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "vio/blk.h"
#include "vio/err.h"
#include "vio/mmio.h"
#include "vsim/blk.h"
#include "viosim.h"

enum stage { PROBE, INIT, IO };
static const char *const stage_name[] = {"probe", "init", "write+read"};

struct sweep_case {
    const char *rule;
    enum stage stage; /* where the error must appear */
    int expect;       /* the vio_err there, or 0 for a fault the driver absorbs */
};

static const struct sweep_case cases[] = {
    {"blk:bad_magic", PROBE, VIO_ERR_UNSUPPORTED},
    {"blk:bad_version", PROBE, VIO_ERR_UNSUPPORTED},
    {"blk:device_id_zero", PROBE, VIO_ERR_NOT_READY},
    {"blk:features_ok_refuse", INIT, VIO_ERR_UNSUPPORTED},
    {"blk:queue_max_zero", INIT, VIO_ERR_NOT_READY},
    {"blk:queue_in_use", INIT, VIO_ERR_ALREADY_USED},
    {"blk:config_gen_bump@1", INIT, 0},
    {"blk:config_gen_bump", INIT, VIO_ERR_NOT_READY},
    {"hal:dma_alloc@1", INIT, VIO_ERR_DMA_ERROR},
    {"hal:share@2", IO, VIO_ERR_DMA_ERROR},
    {"blk:status=ioerr@1", IO, VIO_ERR_IO_ERROR},
    {"blk:status=unsupp@2", IO, VIO_ERR_UNSUPPORTED},
    {"blk:used_id_range@1", IO, VIO_ERR_WRONG_TOKEN},
    {"blk:used_id_not_head@1", IO, VIO_ERR_WRONG_TOKEN},
    {"blk:used_len@1", IO, VIO_ERR_IO_ERROR},
    {"blk:no_complete@1", IO, VIO_ERR_NOT_READY},
};

/* Runs probe, init and one write + read; returns the first error and the stage it came from. */
static int bring_up_and_io(struct vsim_machine *m, unsigned slot, enum stage *where)
{
    static struct vio_blk b;
    static uint8_t buf[2 * VIO_BLK_SECTOR_SIZE];
    struct vio_mmio mmio;
    *where = PROBE;
    int rc =
        vio_mmio_probe(&mmio, vsim_machine_hal(m), VSIM_MMIO_SLOT_BASE(slot), VSIM_MMIO_STRIDE);
    if (rc)
        return rc;
    *where = INIT;
    rc = vio_blk_init(&b, &mmio.t, 0);
    if (rc)
        return rc;
    *where = IO;
    memset(buf, 0xa5, sizeof buf);
    rc = vio_blk_write(&b, 4, buf, sizeof buf);
    if (rc == 0)
        rc = vio_blk_read(&b, 4, buf, sizeof buf);
    vio_blk_deinit(&b);
    return rc;
}

void viosim_fault_sweep(const struct viosim_opts *o, struct viosim_report *r)
{
    viosim_section("fault sweep: blk over MMIO v2, one fault per run");
    printf("  %-5s %-24s %-26s %s\n", "", "fault", "expected", "seen");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct sweep_case *c = &cases[i];
        /* A short spin bound: the never-completing device must not stall the sweep. */
        struct vsim_machine_opts mo = {.trace = o->trace, .spin_limit = 1u << 16};
        struct vsim_machine *m = vsim_machine_new(&mo);
        char err[VSIM_FAULT_ERR_MAX];
        const unsigned slot = 7;
        struct vsim_blk_opts bo = {0};
        if (!m || !vsim_blk_attach(m, slot, 2, &bo) ||
            vsim_fault_parse(vsim_machine_faults(m), c->rule, err) != 0) {
            viosim_check(r, false, "%-24s set-up failed: %s", c->rule,
                         m ? vsim_machine_last_error(m) : "no memory");
            if (m)
                vsim_machine_free(m);
            continue;
        }
        enum stage where;
        int rc = bring_up_and_io(m, slot, &where);
        bool fired = vsim_fault_fired(vsim_machine_faults(m), 0) > 0;
        bool ok = fired && rc == c->expect && (rc == 0 || where == c->stage);
        char expected[48], seen[64];
        snprintf(expected, sizeof expected, "%s at %s", vio_err_name(c->expect),
                 c->expect ? stage_name[c->stage] : "every stage");
        snprintf(seen, sizeof seen, "%s at %s%s", vio_err_name(rc),
                 rc ? stage_name[where] : "every stage", fired ? "" : " (the fault never fired)");
        viosim_check(r, ok, "%-24s %-26s %s", c->rule, expected, seen);
        size_t pages = vsim_machine_dma_pages_in_use(m), shares = vsim_machine_shares_in_use(m);
        if (pages || shares)
            viosim_check(r, false, "%-24s leaked %zu DMA pages, %zu shares", c->rule, pages,
                         shares);
        /* However the device misbehaved, the driver's own steps must stay within the spec. */
        struct vsim_conform *conf = vsim_machine_conform(m);
        if (vsim_conform_count(conf)) {
            viosim_check(r, false, "%-24s the driver broke %zu conformance rule(s)", c->rule,
                         vsim_conform_count(conf));
            vsim_conform_print(conf, stdout);
        }
        vsim_machine_free(m);
    }
}
