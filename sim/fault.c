/* The fault plan: rules, their text syntax, and the per-occurrence decision. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "vio/err.h"
#include "vsim/fault.h"

_Static_assert(VSIM_FAULT_POINT_COUNT <= 64, "one bit per point in vsim_fault_plan.armed");

static const struct vsim_fault_point_info points[VSIM_FAULT_POINT_COUNT] = {
#define VSIM__FAULT_INFO(e, name, scope, arg, text)                                                \
    [VSIM_FAULT_##e] = {name, VSIM_FAULT_SCOPE_##scope, VSIM_FAULT_ARG_##arg, text},
    VSIM_FAULT_POINTS(VSIM__FAULT_INFO)
#undef VSIM__FAULT_INFO
};

const struct vsim_fault_point_info *vsim_fault_point_info(enum vsim_fault_point point)
{
    return (unsigned)point < VSIM_FAULT_POINT_COUNT ? &points[point] : NULL;
}

struct vsim_fault_plan *vsim_fault_plan_new(void)
{
    return calloc(1, sizeof(struct vsim_fault_plan));
}

void vsim_fault_plan_free(struct vsim_fault_plan *p)
{
    free(p);
}

static uint64_t splitmix(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static const char *scope_device(enum vsim_fault_scope scope)
{
    switch (scope) {
    case VSIM_FAULT_SCOPE_HAL:
        return "hal";
    case VSIM_FAULT_SCOPE_BLK:
        return "blk";
    case VSIM_FAULT_SCOPE_GPU:
        return "gpu";
    case VSIM_FAULT_SCOPE_NET:
        return "net";
    default:
        return NULL;
    }
}

/* Checks a rule's fields; returns NULL or what is wrong. */
static const char *rule_problem(const struct vsim_fault_rule *r)
{
    if ((unsigned)r->point >= VSIM_FAULT_POINT_COUNT)
        return "unknown point";
    const struct vsim_fault_point_info *pi = &points[r->point];
    const char *need = scope_device(pi->scope);
    if (r->device[0] == '\0' || memchr(r->device, '\0', sizeof(r->device)) == NULL)
        return "the device name is empty or longer than 15 characters";
    if (need && strcmp(r->device, need) != 0)
        return pi->scope == VSIM_FAULT_SCOPE_HAL   ? "this point belongs to device 'hal'"
               : pi->scope == VSIM_FAULT_SCOPE_BLK ? "this point belongs to device 'blk'"
               : pi->scope == VSIM_FAULT_SCOPE_NET ? "this point belongs to device 'net'"
                                                   : "this point belongs to device 'gpu'";
    if (!need && strcmp(r->device, "hal") == 0)
        return "device 'hal' has only the points dma_alloc and share";
    if (r->has_value && pi->arg == VSIM_FAULT_ARG_NONE)
        return "this point takes no value";
    if (!r->has_value && pi->arg == VSIM_FAULT_ARG_STATUS)
        return "this point needs a value: ioerr, unsupp or a number";
    if (r->trigger == VSIM_TRIGGER_NTH && r->nth == 0)
        return "the occurrence number starts at 1";
    if (r->trigger == VSIM_TRIGGER_PROB && !(r->probability > 0.0 && r->probability <= 1.0))
        return "the probability must be in (0, 1]";
    if ((unsigned)r->trigger > VSIM_TRIGGER_PROB)
        return "unknown trigger";
    return NULL;
}

int vsim_fault_add(struct vsim_fault_plan *p, const struct vsim_fault_rule *rule)
{
    if (!rule || rule_problem(rule))
        return VIO_ERR_INVALID_PARAM;
    if (p->n == VSIM_FAULT_RULES_MAX)
        return VIO_ERR_QUEUE_FULL;
    struct vsim__fault_rule *pr = &p->rules[p->n++];
    *pr = (struct vsim__fault_rule){
        .r = *rule, .any_device = strcmp(rule->device, "*") == 0, .rng = rule->seed};
    p->armed |= UINT64_C(1) << rule->point;
    return VIO_OK;
}

static int fail(char *err, const char *text, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(char *err, const char *text, const char *fmt, ...)
{
    char why[96];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    if (err)
        snprintf(err, VSIM_FAULT_ERR_MAX, "fault '%.40s': %s", text, why);
    return VIO_ERR_INVALID_PARAM;
}

static bool parse_u64(const char *s, size_t len, uint64_t *out)
{
    char buf[32];
    char *end;
    if (len == 0 || len >= sizeof(buf) || s[0] == '-' || s[0] == '+')
        return false;
    memcpy(buf, s, len);
    buf[len] = '\0';
    errno = 0;
    *out = strtoull(buf, &end, 0);
    return errno == 0 && *end == '\0';
}

static int parse_trigger(const char *text, const char *t, struct vsim_fault_rule *r, char *err)
{
    if (strcmp(t, "*") == 0) {
        r->trigger = VSIM_TRIGGER_EVERY;
        return VIO_OK;
    }
    if (t[0] == 'p') {
        const char *colon = strchr(t, ':');
        char buf[32], *end;
        size_t n = colon ? (size_t)(colon - t - 1) : 0;
        if (!colon || n == 0 || n >= sizeof(buf))
            return fail(err, text, "a probability trigger is pP:SEED, e.g. p0.25:7");
        memcpy(buf, t + 1, n);
        buf[n] = '\0';
        errno = 0;
        r->probability = strtod(buf, &end);
        if (errno || *end != '\0' || !(r->probability > 0.0 && r->probability <= 1.0))
            return fail(err, text, "probability '%s' is not a number in (0, 1]", buf);
        if (!parse_u64(colon + 1, strlen(colon + 1), &r->seed))
            return fail(err, text, "seed '%s' is not a number", colon + 1);
        r->trigger = VSIM_TRIGGER_PROB;
        return VIO_OK;
    }
    if (!parse_u64(t, strlen(t), &r->nth))
        return fail(err, text, "trigger '%s' is not N, * or pP:SEED", t);
    if (r->nth == 0)
        return fail(err, text, "the occurrence number starts at 1");
    r->trigger = VSIM_TRIGGER_NTH;
    return VIO_OK;
}

int vsim_fault_parse_rule(const char *text, struct vsim_fault_rule *r, char err[VSIM_FAULT_ERR_MAX])
{
    memset(r, 0, sizeof(*r));
    if (!text)
        return fail(err, "", "no text");
    const char *colon = strchr(text, ':');
    if (!colon)
        return fail(err, text, "expected DEVICE:POINT[=VALUE][@TRIGGER]");
    size_t dlen = (size_t)(colon - text);
    if (dlen == 0 || dlen >= sizeof(r->device))
        return fail(err, text, "the device name must have 1 to 15 characters");
    for (size_t i = 0; i < dlen; i++) {
        char ch = text[i];
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' ||
                  (ch == '*' && dlen == 1);
        if (!ok)
            return fail(err, text, "bad character '%c' in the device name", ch);
    }
    memcpy(r->device, text, dlen);

    const char *pt = colon + 1;
    size_t plen = strspn(pt, "abcdefghijklmnopqrstuvwxyz0123456789_");
    int found = -1;
    for (unsigned i = 0; i < VSIM_FAULT_POINT_COUNT; i++) {
        if (strlen(points[i].name) == plen && strncmp(points[i].name, pt, plen) == 0)
            found = (int)i;
    }
    if (found < 0)
        return fail(err, text, "unknown point '%.*s' (vsim_fault_describe lists them)",
                    (int)(plen > 32 ? 32 : plen), pt);
    r->point = (enum vsim_fault_point)found;

    const char *rest = pt + plen;
    if (*rest == '=') {
        const char *v = rest + 1;
        size_t vlen = strcspn(v, "@");
        if (points[found].arg == VSIM_FAULT_ARG_NONE)
            return fail(err, text, "point '%s' takes no value", points[found].name);
        if (points[found].arg == VSIM_FAULT_ARG_STATUS && vlen == 5 && !strncmp(v, "ioerr", 5))
            r->value = VSIM_FAULT_STATUS_IOERR;
        else if (points[found].arg == VSIM_FAULT_ARG_STATUS && vlen == 6 &&
                 !strncmp(v, "unsupp", 6))
            r->value = VSIM_FAULT_STATUS_UNSUPP;
        else if (!parse_u64(v, vlen, &r->value))
            return fail(err, text, "value '%.*s' is not %s", (int)(vlen > 32 ? 32 : vlen), v,
                        points[found].arg == VSIM_FAULT_ARG_STATUS ? "ioerr, unsupp or a number"
                                                                   : "a number");
        r->has_value = true;
        rest = v + vlen;
    }
    r->trigger = VSIM_TRIGGER_EVERY;
    if (*rest == '@') {
        int rc = parse_trigger(text, rest + 1, r, err);
        if (rc)
            return rc;
    } else if (*rest != '\0') {
        return fail(err, text, "unexpected '%s' after the point", rest);
    }
    const char *why = rule_problem(r);
    return why ? fail(err, text, "%s", why) : VIO_OK;
}

int vsim_fault_parse(struct vsim_fault_plan *p, const char *text, char err[VSIM_FAULT_ERR_MAX])
{
    struct vsim_fault_rule r;
    int rc = vsim_fault_parse_rule(text, &r, err);
    if (rc)
        return rc;
    rc = vsim_fault_add(p, &r);
    if (rc)
        return fail(err, text, "the plan is full (%u rules)", VSIM_FAULT_RULES_MAX);
    return VIO_OK;
}

size_t vsim_fault_rule_count(const struct vsim_fault_plan *p)
{
    return p->n;
}

uint64_t vsim_fault_fired(const struct vsim_fault_plan *p, size_t i)
{
    return i < p->n ? p->rules[i].fired : 0;
}

void vsim_fault_clear(struct vsim_fault_plan *p)
{
    p->n = 0;
    p->armed = 0;
}

bool vsim_fault_hit(struct vsim_fault_plan *p, const char *device, enum vsim_fault_point point,
                    uint64_t *value)
{
    struct vsim__fault_rule *hit = NULL;
    if (!vsim__fault_armed(p, point))
        return false;
    for (size_t i = 0; i < p->n; i++) {
        struct vsim__fault_rule *pr = &p->rules[i];
        if (pr->r.point != point || (!pr->any_device && strcmp(pr->r.device, device)))
            continue;
        pr->seen++;
        bool fire = false;
        if (pr->r.trigger == VSIM_TRIGGER_EVERY)
            fire = true;
        else if (pr->r.trigger == VSIM_TRIGGER_NTH)
            fire = pr->seen == pr->r.nth;
        else
            fire = (double)(splitmix(&pr->rng) >> 11) * 0x1.0p-53 < pr->r.probability;
        if (fire && !hit)
            hit = pr;
    }
    if (!hit)
        return false;
    hit->fired++;
    if (value && hit->r.has_value)
        *value = hit->r.value;
    return true;
}

void vsim_fault_describe(FILE *out)
{
    fputs("fault rules: DEVICE:POINT[=VALUE][@TRIGGER]\n"
          "  DEVICE   a device name (blk, gpu, net), hal, or * for any device\n"
          "  TRIGGER  N (the N-th occurrence), * (every, the default), pP:SEED (probability P)\n"
          "points:\n",
          out);
    for (unsigned i = 0; i < VSIM_FAULT_POINT_COUNT; i++) {
        const char *dev = scope_device(points[i].scope);
        fprintf(out, "  %-5s %-19s %s\n", dev ? dev : "*", points[i].name, points[i].text);
    }
}
