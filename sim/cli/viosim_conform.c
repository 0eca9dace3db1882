/*
 * viosim conform: the conformance catalogue as a table. Each driver
 * obligation with the spec section it comes from, the negative test that
 * proves the bench catches it (checked against the tests that exist), and
 * the violations the real driver library showed while it ran its whole
 * workload in strict mode on every transport.
 */
#include <stdio.h>
#include <string.h>

#include "viosim.h"
#include "viosim_rig.h"
#include "vsim/conform.h"

struct viosim_negative_test {
    const char *name;
    const char *rule;
    const char *file;
};
#include "conform_negative_tests.h"

/* What the library did: violations per rule, and the first of each. */
struct seen {
    size_t count[VSIM_RULE_COUNT];
    struct vsim_violation first[VSIM_RULE_COUNT];
    enum viosim_transport on[VSIM_RULE_COUNT];
};

static void collect(struct seen *s, struct vsim_machine *m, enum viosim_transport kind)
{
    const struct vsim_conform *c = vsim_machine_conform(m);
    for (size_t i = 0; i < vsim_conform_count(c); i++) {
        const struct vsim_violation *v = vsim_conform_get(c, i);
        if (v && s->count[v->rule]++ == 0) {
            s->first[v->rule] = *v;
            s->on[v->rule] = kind;
        }
    }
}

/* The library's full workload (blk, GPU, net as built) on every transport, strict. */
static void run_workload(const struct viosim_opts *o, struct seen *s, struct viosim_report *r)
{
    for (int kind = 0; kind < VIOSIM_TRANSPORTS; kind++) {
        struct viosim_rig rig;
        viosim_section("workload over %s, strict", viosim_transport_name(kind));
        if (!viosim_rig_build(&rig, kind, o, r))
            continue;
        vsim_conform_set_strict(vsim_machine_conform(rig.m), true);
        viosim_rig_probe(&rig, r);
#ifdef VIO_BLOCK
        viosim_blk_run(&rig, r);
#endif
#ifdef VIO_GPU
        viosim_gpu_run(&rig, NULL, r);
#endif
#ifdef VIO_NET
        viosim_net_run(&rig, NULL, r);
#endif
        collect(s, rig.m, kind);
        viosim_rig_done(&rig, r);
    }
}

static const struct viosim_negative_test *find_test(const char *name)
{
    for (unsigned i = 0; name && i < VIOSIM_NEGATIVE_TESTS; i++) {
        if (strcmp(viosim_negative_tests[i].name, name) == 0)
            return &viosim_negative_tests[i];
    }
    return NULL;
}

/*
 * Every observable rule names a negative test that exists and proves that
 * rule, and every negative test proves a rule that names it. Returns the
 * number of problems, each printed.
 */
static unsigned check_proofs(void)
{
    unsigned bad = 0;
    for (unsigned i = 0; i < VSIM_RULE_COUNT; i++) {
        const struct vsim_rule_info *ri = vsim_rule_info((enum vsim_rule)i);
        if (ri->unobservable)
            continue;
        const struct viosim_negative_test *t = find_test(ri->negative_test);
        if (!t) {
            printf("  FAIL  %s names %s, which no tests/test_conform_*.c defines\n", ri->id,
                   ri->negative_test ? ri->negative_test : "no negative test");
            bad++;
        } else if (strcmp(t->rule, ri->id) != 0) {
            printf("  FAIL  %s names %s, which proves %s\n", ri->id, t->name, t->rule);
            bad++;
        }
    }
    for (unsigned i = 0; i < VIOSIM_NEGATIVE_TESTS; i++) {
        const struct viosim_negative_test *t = &viosim_negative_tests[i];
        enum vsim_rule rule = vsim_rule_by_id(t->rule);
        const char *proof = rule < VSIM_RULE_COUNT ? vsim_rule_info(rule)->negative_test : NULL;
        if (!proof || strcmp(proof, t->name) != 0) {
            printf("  FAIL  %s (%s) proves %s, whose catalogue entry names %s\n", t->name, t->file,
                   t->rule, proof ? proof : "no such test");
            bad++;
        }
    }
    return bad;
}

/* Every in-scope \drivernormative section is cited by a rule; returns the sections that are not. */
static unsigned check_sections(unsigned *cited)
{
    unsigned missing = 0;
    *cited = 0;
    for (unsigned s = 0; s < VSIM_SEC_COUNT; s++) {
        const struct vsim_section_info *si = vsim_section_info((enum vsim_section)s);
        unsigned rules = 0;
        for (unsigned i = 0; i < VSIM_RULE_COUNT; i++)
            rules += vsim_rule_info((enum vsim_rule)i)->sec == s;
        if (si->drivernormative && rules == 0) {
            printf("  FAIL  no rule cites %s\n", si->name);
            missing++;
        } else if (si->drivernormative) {
            (*cited)++;
        }
    }
    return missing;
}

/* A section as the table shows it: its last component, after the transport or device type. */
static const char *short_section(enum vsim_section sec, char *buf, size_t size)
{
    static const struct {
        const char *prefix, *label;
    } owners[] = {
        {"Virtio Transport Options / Virtio Over MMIO", "MMIO"},
        {"Virtio Transport Options / Virtio Over PCI Bus", "PCI"},
        {"Device Types / Block Device", "blk"},
        {"Device Types / Network Device", "net"},
        {"Device Types / GPU Device", "gpu"},
    };
    const char *name = vsim_section_info(sec)->name;
    const char *slash = strrchr(name, '/');
    const char *last = slash ? slash + 2 : name;
    for (size_t i = 0; i < sizeof owners / sizeof owners[0]; i++) {
        if (strncmp(name, owners[i].prefix, strlen(owners[i].prefix)) == 0) {
            snprintf(buf, size, "%s: %s", owners[i].label, last);
            return buf;
        }
    }
    return last;
}

static void print_table(const struct seen *s, bool verbose)
{
    printf("\n%-9s %-42s %-50s %s\n", "rule", "spec section", "negative test", "library");
    for (unsigned i = 0; i < VSIM_RULE_COUNT; i++) {
        const struct vsim_rule_info *ri = vsim_rule_info((enum vsim_rule)i);
        char seen[16], sec[96];
        snprintf(seen, sizeof seen, "%zu", s->count[i]);
        printf("%-9s %-42.42s %-50s %s\n", ri->id, short_section(ri->sec, sec, sizeof sec),
               ri->unobservable ? "(unobservable)" : ri->negative_test,
               ri->unobservable ? "-" : seen);
        if (verbose || ri->unobservable)
            printf("          %s\n", ri->text);
        if (ri->unobservable)
            printf("          why unobservable: %s\n", ri->unobservable);
        else if (verbose)
            printf("          checked in %s\n", ri->check);
        if (s->count[i])
            printf("          first seen over %s at event %llu [%s]: %s\n",
                   viosim_transport_name(s->on[i]), (unsigned long long)s->first[i].seq,
                   s->first[i].where, s->first[i].detail);
    }
}

static void usage(FILE *out)
{
    fprintf(out, "usage: viosim conform [-v] [--trace[=FILE]]\n"
                 "\n"
                 "Runs the driver library's workload on every transport and device in strict\n"
                 "mode, then prints the conformance catalogue: each rule, its VIRTIO spec\n"
                 "section, the negative test proving the bench catches it, and the violations\n"
                 "the library showed. Exits 1 when a rule lacks a real negative test, an\n"
                 "in-scope section has no rule, or the library broke a rule; 2 on a usage error.\n"
                 "\n"
                 "  -v, --verbose    the obligation and where it is checked, for every rule\n"
                 "  --trace[=FILE]   log the workload's register accesses and queue events\n");
}

int viosim_conform_main(int argc, char **argv)
{
    struct viosim_opts o = {0};
    bool verbose = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose")) {
            verbose = true;
        } else if (!strcmp(argv[i], "--trace")) {
            o.trace = stderr;
        } else if (!strncmp(argv[i], "--trace=", 8) && !o.trace) {
            o.trace = fopen(argv[i] + 8, "w");
            if (!o.trace) {
                perror(argv[i] + 8);
                return 2;
            }
        } else {
            usage(!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help") ? stdout : stderr);
            return !strcmp(argv[i], "-h") || !strcmp(argv[i], "--help") ? 0 : 2;
        }
    }

    struct viosim_report r = {0};
    static struct seen seen;
    printf("viosim conform: the VIRTIO driver obligations the bench checks\n");
    run_workload(&o, &seen, &r);
    print_table(&seen, verbose);

    viosim_section("proofs and coverage");
    unsigned cited, bad_proofs = check_proofs(), missing = check_sections(&cited);
    unsigned observable = 0, unobservable = 0;
    size_t violations = 0;
    for (unsigned i = 0; i < VSIM_RULE_COUNT; i++) {
        if (vsim_rule_info((enum vsim_rule)i)->unobservable)
            unobservable++;
        else
            observable++;
        violations += seen.count[i];
    }
    printf("  sections: %u \\drivernormative sections in scope cited, %u without a rule\n", cited,
           missing);
    printf("  rules:    %u; %u observable, each with a negative test (%u listed, %u problems);"
           " %u unobservable\n",
           VSIM_RULE_COUNT, observable, VIOSIM_NEGATIVE_TESTS, bad_proofs, unobservable);
    printf("  library:  %zu violations over %d transports; workload %u checks, %u failed\n",
           violations, VIOSIM_TRANSPORTS, r.checks, r.failed);
    if (o.trace && o.trace != stderr)
        fclose(o.trace);
    bool ok = bad_proofs == 0 && missing == 0 && violations == 0 && r.failed == 0;
    printf("\nviosim conform: %s\n", ok ? "ok" : "FAILED");
    return ok ? 0 : 1;
}
