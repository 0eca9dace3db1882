/*
 * Machines for the suites that drive the real driver library against the
 * bench: the positive half of the conformance proof. Strict mode prints the
 * first rule the driver breaks where it happens (with its event number, to
 * find in a trace), and every teardown fails the test on any violation.
 */
#ifndef TESTS_BENCH_MACHINE_H
#define TESTS_BENCH_MACHINE_H

#include <check.h>
#include <stdio.h>

#include "vsim/conform.h"
#include "vsim/machine.h"

/* vsim_machine_new with strict conformance, whatever @opts says. */
static inline struct vsim_machine *bench_machine_new(const struct vsim_machine_opts *opts)
{
    struct vsim_machine_opts o = opts ? *opts : (struct vsim_machine_opts){0};
    o.strict = true;
    struct vsim_machine *m = vsim_machine_new(&o);
    ck_assert_ptr_nonnull(m);
    return m;
}

/* Fails the test when the driver broke any rule, listing every violation. */
static inline void bench_assert_conformant(struct vsim_machine *m)
{
    struct vsim_conform *c = vsim_machine_conform(m);
    if (vsim_conform_count(c) != 0)
        vsim_conform_print(c, stderr);
    ck_assert_msg(vsim_conform_count(c) == 0 && !vsim_conform_tripped(c),
                  "the driver broke %zu conformance rule(s), listed above",
                  vsim_conform_count(c));
}

#endif
