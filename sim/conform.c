/* Conformance recording: the rule table and the violation log. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "vsim/conform.h"

/* The stored list grows on demand: most machines record nothing, and none more than KEEP. */
#define LIST_FIRST 16u

struct vsim_conform {
    struct vsim_violation *list; /* the first violations, up to keep */
    size_t cap;
    size_t keep;
    const uint64_t *clock;
    size_t stored;
    size_t total;
    size_t per_rule[VSIM_RULE_COUNT];
    bool strict;
    bool tripped;
    void (*hook)(void *ctx, const struct vsim_violation *v);
    void *hook_ctx;
};

static const struct vsim_section_info sections[VSIM_SEC_COUNT] = {
#define VSIM__SECTION_INFO(e, name, dn) [VSIM_SEC_##e] = {name, dn},
    VSIM_CONFORM_SECTIONS(VSIM__SECTION_INFO)
#undef VSIM__SECTION_INFO
};

static const struct vsim_rule_info rules[VSIM_RULE_COUNT] = {
#define VSIM__RULE_INFO(e, id, sec, text, check, test)                                             \
    [VSIM_RULE_##e] = {id, VSIM_SEC_##sec, text, check, #test, NULL},
#define VSIM__RULE_INFO_U(e, id, sec, text, why)                                                   \
    [VSIM_RULE_##e] = {id, VSIM_SEC_##sec, text, NULL, NULL, why},
    VSIM_CONFORM_RULES(VSIM__RULE_INFO, VSIM__RULE_INFO_U)
#undef VSIM__RULE_INFO
#undef VSIM__RULE_INFO_U
};

const struct vsim_rule_info *vsim_rule_info(enum vsim_rule rule)
{
    if ((unsigned)rule >= VSIM_RULE_COUNT)
        return NULL;
    return &rules[rule];
}

const struct vsim_section_info *vsim_section_info(enum vsim_section sec)
{
    return (unsigned)sec < VSIM_SEC_COUNT ? &sections[sec] : NULL;
}

enum vsim_rule vsim_rule_by_id(const char *id)
{
    for (unsigned i = 0; i < VSIM_RULE_COUNT; i++) {
        if (strcmp(rules[i].id, id) == 0)
            return (enum vsim_rule)i;
    }
    return VSIM_RULE_COUNT;
}

struct vsim_conform *vsim_conform_new(void)
{
    struct vsim_conform *c = calloc(1, sizeof(*c));
    if (c)
        c->keep = VSIM_CONFORM_KEEP;
    return c;
}

void vsim_conform_set_keep(struct vsim_conform *c, size_t keep)
{
    c->keep = keep < VSIM_CONFORM_KEEP ? keep : VSIM_CONFORM_KEEP;
}

void vsim_conform_free(struct vsim_conform *c)
{
    if (!c)
        return;
    free(c->list);
    free(c);
}

void vsim_conform_set_clock(struct vsim_conform *c, const uint64_t *clock)
{
    c->clock = clock;
}

static void print_one(const struct vsim_violation *v, FILE *out)
{
    const struct vsim_rule_info *r = &rules[v->rule];
    fprintf(out, "%s @%llu [%s] %s (%s: %s)\n", r->id, (unsigned long long)v->seq, v->where,
            v->detail, sections[r->sec].name, r->text);
}

bool vsim__conform_wants_detail(const struct vsim_conform *c)
{
    return c->stored < c->keep || c->strict || c->hook;
}

uint64_t vsim__conform_tally(struct vsim_conform *c, enum vsim_rule rule)
{
    c->total++;
    c->per_rule[(unsigned)rule < VSIM_RULE_COUNT ? rule : VSIM_RULE_COUNT - 1]++;
    return c->clock ? *c->clock : c->total;
}

/* The stored list's next entry, or NULL when it is full (or cannot grow). */
static struct vsim_violation *next_slot(struct vsim_conform *c)
{
    if (c->stored >= c->keep)
        return NULL;
    if (c->stored == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : LIST_FIRST;
        struct vsim_violation *list = realloc(c->list, cap * sizeof(*list));
        if (!list)
            return NULL;
        c->list = list;
        c->cap = cap;
    }
    return &c->list[c->stored];
}

const struct vsim_violation *vsim__conform_recordv(struct vsim_conform *c, enum vsim_rule rule,
                                                   const char *where, struct vsim_violation *tmp,
                                                   const char *fmt, va_list ap)
{
    struct vsim_violation *v = next_slot(c);
    if (!v)
        v = tmp;
    v->rule = (unsigned)rule < VSIM_RULE_COUNT ? rule : VSIM_RULE_COUNT - 1;
    v->seq = c->clock ? *c->clock : c->total + 1;
    snprintf(v->where, sizeof(v->where), "%s", where ? where : "?");
    vsnprintf(v->detail, sizeof(v->detail), fmt, ap);
    if (v != tmp)
        c->stored++;
    c->total++;
    c->per_rule[v->rule]++;
    if (c->strict) {
        c->tripped = true;
        fputs("vsim conformance violation: ", stderr);
        print_one(v, stderr);
    }
    if (c->hook)
        c->hook(c->hook_ctx, v);
    return v;
}

uint64_t vsim_conform_record(struct vsim_conform *c, enum vsim_rule rule, const char *where,
                             const char *fmt, ...)
{
    if (!vsim__conform_wants_detail(c))
        return vsim__conform_tally(c, rule);
    struct vsim_violation tmp;
    va_list ap;
    va_start(ap, fmt);
    uint64_t seq = vsim__conform_recordv(c, rule, where, &tmp, fmt, ap)->seq;
    va_end(ap);
    return seq;
}

size_t vsim_conform_count(const struct vsim_conform *c)
{
    return c->total;
}

size_t vsim_conform_count_rule(const struct vsim_conform *c, enum vsim_rule rule)
{
    return (unsigned)rule < VSIM_RULE_COUNT ? c->per_rule[rule] : 0;
}

const struct vsim_violation *vsim_conform_get(const struct vsim_conform *c, size_t i)
{
    return i < c->stored ? &c->list[i] : NULL;
}

void vsim_conform_clear(struct vsim_conform *c)
{
    c->stored = 0;
    c->total = 0;
    c->tripped = false;
    memset(c->per_rule, 0, sizeof(c->per_rule));
}

void vsim_conform_print(const struct vsim_conform *c, FILE *out)
{
    for (size_t i = 0; i < c->stored; i++)
        print_one(&c->list[i], out);
    if (c->total > c->stored)
        fprintf(out, "... and %zu more\n", c->total - c->stored);
}

void vsim_conform_set_strict(struct vsim_conform *c, bool strict)
{
    c->strict = strict;
}

bool vsim_conform_strict(const struct vsim_conform *c)
{
    return c->strict;
}

bool vsim_conform_tripped(const struct vsim_conform *c)
{
    return c->tripped;
}

void vsim_conform_set_hook(struct vsim_conform *c,
                           void (*hook)(void *ctx, const struct vsim_violation *v), void *ctx)
{
    c->hook = hook;
    c->hook_ctx = ctx;
}
