/*
 * Conformance recording: the driver obligations the bench checks, each with a
 * stable id and the VIRTIO spec section that states it (the catalogue is in
 * vsim/conform_rules.h). A violation never stops the bench: it is recorded
 * with the machine's event number, so it can be found in the trace, and a
 * test can demand zero.
 */
#ifndef VSIM_CONFORM_H
#define VSIM_CONFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vsim/conform_rules.h"

enum vsim_section {
#define VSIM__SECTION_ENUM(e, name, dn) VSIM_SEC_##e,
    VSIM_CONFORM_SECTIONS(VSIM__SECTION_ENUM)
#undef VSIM__SECTION_ENUM
        VSIM_SEC_COUNT
};

enum vsim_rule {
#define VSIM__RULE_ENUM(e, id, sec, text, check, test) VSIM_RULE_##e,
#define VSIM__RULE_ENUM_U(e, id, sec, text, why) VSIM_RULE_##e,
    VSIM_CONFORM_RULES(VSIM__RULE_ENUM, VSIM__RULE_ENUM_U)
#undef VSIM__RULE_ENUM
#undef VSIM__RULE_ENUM_U
        VSIM_RULE_COUNT
};

struct vsim_section_info {
    const char *name;     /* the spec's section path */
    bool drivernormative; /* a \drivernormative block in the bench's scope */
};

struct vsim_rule_info {
    const char *id;            /* stable: "MMIO-1" */
    enum vsim_section sec;     /* the VIRTIO spec section that states it */
    const char *text;          /* the obligation, one line */
    const char *check;         /* where the bench checks it; NULL when unobservable */
    const char *negative_test; /* the test proving the check; NULL when unobservable */
    const char *unobservable;  /* why no device can see it; NULL when checked */
};

struct vsim_violation {
    enum vsim_rule rule;
    uint64_t seq;     /* the machine's event number (trace lines start with it) */
    char where[32];   /* device label, "hal", ... */
    char detail[160]; /* what exactly happened */
};

struct vsim_conform;

const struct vsim_rule_info *vsim_rule_info(enum vsim_rule rule);
/* The rule with id @id ("MMIO-1"), or VSIM_RULE_COUNT. */
enum vsim_rule vsim_rule_by_id(const char *id);
const struct vsim_section_info *vsim_section_info(enum vsim_section sec);

struct vsim_conform *vsim_conform_new(void);
void vsim_conform_free(struct vsim_conform *c);

/*
 * The event counter violations are stamped with (a machine sets its own);
 * without one a violation carries its own ordinal.
 */
void vsim_conform_set_clock(struct vsim_conform *c, const uint64_t *clock);

/* Records a violation; returns its event number. */
uint64_t vsim_conform_record(struct vsim_conform *c, enum vsim_rule rule, const char *where,
                             const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Total violations recorded (including any past the stored list). */
size_t vsim_conform_count(const struct vsim_conform *c);
size_t vsim_conform_count_rule(const struct vsim_conform *c, enum vsim_rule rule);
/* The @i-th stored violation (the first VSIM_CONFORM_KEEP are stored), or NULL. */
const struct vsim_violation *vsim_conform_get(const struct vsim_conform *c, size_t i);
#define VSIM_CONFORM_KEEP 1024u
/*
 * How many violations are stored, at most VSIM_CONFORM_KEEP (the default).
 * Past that they are counted and their text is not formatted: a harness that
 * only reads the counts keeps few (formatting took a fifth of a fuzz run).
 */
void vsim_conform_set_keep(struct vsim_conform *c, size_t keep);
void vsim_conform_clear(struct vsim_conform *c);
/* One line per stored violation: "MMIO-1 @123 [blk@mmio0] detail (section: obligation)". */
void vsim_conform_print(const struct vsim_conform *c, FILE *out);

/*
 * Strict mode: every violation is printed to stderr as it happens and latches
 * the tripped flag (and calls the hook, if any); lenient mode only records.
 * A test in strict mode fails on the tripped flag; nothing aborts.
 */
void vsim_conform_set_strict(struct vsim_conform *c, bool strict);
bool vsim_conform_strict(const struct vsim_conform *c);
bool vsim_conform_tripped(const struct vsim_conform *c);
void vsim_conform_set_hook(struct vsim_conform *c,
                           void (*hook)(void *ctx, const struct vsim_violation *v), void *ctx);

#endif
