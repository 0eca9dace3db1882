/*
 * Device Cleanup: a driver must not alter the virtqueue entries of buffers
 * it exposed to the device (made available, not yet used) while the queue is
 * live, nor take the buffers away before the device is done with them.
 *
 * The device keeps what it read of each chain it popped: the descriptors in
 * the queue's table, and the indirect table if there is one (a copy of a
 * short one, a hash of a longer one). When
 * the chain is used, or the queue stops (reset, disable), they must still be
 * as read (CLEAN-1). An unshare or dma_free while chains are held or
 * notifications wait (deferred mode) is checked against the buffers of the
 * chains held and of those available but not taken yet (CLEAN-2).
 */
#include <stdlib.h>

#include "internal.h"
#include "vsim/spec.h"

#define DESC VSIM_VRING_DESC_SIZE
/* Indirect tables up to this size are kept whole: a copy and a memcmp per request cost less than
 * hashing the table twice. */
#define IND_KEEP (4u * DESC)

bool vsim__exposed_reserve(struct vsim_vq *vq, uint16_t num)
{
    if (vq->exposed_cap >= num)
        return true;
    uint8_t *shadow = realloc(vq->shadow, (size_t)num * DESC);
    if (shadow)
        vq->shadow = shadow;
    uint64_t *hash = realloc(vq->ind_hash, (size_t)num * sizeof(*hash));
    if (hash)
        vq->ind_hash = hash;
    uint8_t *exposed = realloc(vq->exposed, num);
    if (exposed)
        vq->exposed = exposed;
    uint8_t *ind_copy = realloc(vq->ind_copy, (size_t)num * IND_KEEP);
    if (ind_copy)
        vq->ind_copy = ind_copy;
    if (!shadow || !hash || !exposed || !ind_copy)
        return false;
    memset(vq->exposed, 0, num); /* nothing is held while a queue is being enabled */
    vq->exposed_cap = num;
    return true;
}

void vsim__exposed_free(struct vsim_vq *vq)
{
    free(vq->shadow);
    free(vq->ind_hash);
    free(vq->exposed);
    free(vq->ind_copy);
    vq->shadow = vq->exposed = vq->ind_copy = NULL;
    vq->ind_hash = NULL;
    vq->exposed_cap = 0;
}

static uint16_t flags_of(const uint8_t *desc)
{
    return vsim__ld16(desc + 12);
}

/*
 * A hash of an indirect table, or 0 when it left guest memory. It runs twice
 * for every indirect request, so its words are mixed independently (no chain
 * of multiplies to wait for) and summed. Each word's mix is a bijection given
 * its offset, so any one changed word changes the sum.
 */
static uint64_t table_hash(struct vsim_vq *vq, const uint8_t *desc)
{
    uint32_t len = vsim__ld32(desc + 8), i = 0;
    const uint8_t *p = vsim__mem_host(&vq->dev->m->mem, vsim__ld64(desc), len);
    uint64_t h = len;
    if (!p)
        return 0;
    for (; i + 8 <= len; i += 8) { /* a table's length is a multiple of 16 */
        uint64_t w;
        memcpy(&w, p + i, 8);
        w = (w ^ (i * UINT64_C(0x9E3779B97F4A7C15))) * UINT64_C(0xBF58476D1CE4E5B9);
        h += w ^ (w >> 31);
    }
    for (; i < len; i++)
        h += (p[i] + 1u) * (i * UINT64_C(0x9E3779B97F4A7C15) | 1u);
    return h;
}

/* Remembers the indirect table that @desc, the descriptor of chain @head, names. */
static void keep_table(struct vsim_vq *vq, uint16_t head, const uint8_t *desc)
{
    uint32_t len = vsim__ld32(desc + 8);
    const uint8_t *p = vsim__mem_host(&vq->dev->m->mem, vsim__ld64(desc), len);
    if (p && len <= IND_KEEP)
        memcpy(vq->ind_copy + (size_t)head * IND_KEEP, p, len);
    else
        vq->ind_hash[head] = table_hash(vq, desc);
}

/* Is the indirect table @desc names (as keep_table saw it) no longer as it was? */
static bool table_changed(struct vsim_vq *vq, uint16_t head, const uint8_t *desc)
{
    uint32_t len = vsim__ld32(desc + 8);
    const uint8_t *p = vsim__mem_host(&vq->dev->m->mem, vsim__ld64(desc), len);
    if (p && len <= IND_KEEP)
        return memcmp(vq->ind_copy + (size_t)head * IND_KEEP, p, len) != 0;
    return table_hash(vq, desc) != vq->ind_hash[head];
}

/*
 * Calls @fn for each descriptor of held chain @head in the queue's table, as
 * the device read it (shadow) and as it is now (table); stops on true.
 */
static bool each_desc(struct vsim_vq *vq, uint16_t head,
                      bool (*fn)(struct vsim_vq *vq, uint16_t head, uint16_t i, void *ctx),
                      void *ctx)
{
    uint16_t i = head;
    for (uint16_t n = 0; n < vq->num; n++) {
        if (fn(vq, head, i, ctx))
            return true;
        const uint8_t *s = vq->shadow + (size_t)i * DESC;
        uint16_t next = vsim__ld16(s + 14);
        if (!(flags_of(s) & VSIM_VRING_DESC_F_NEXT) || next >= vq->num)
            break;
        i = next;
    }
    return false;
}

void vsim__exposed_pop(struct vsim_vq *vq, uint16_t head)
{
    /* the chain was just walked and found sound: follow it in the live table */
    uint16_t i = head;
    for (uint16_t n = 0; n < vq->num; n++) {
        const uint8_t *d = vq->desc + (size_t)i * DESC;
        memcpy(vq->shadow + (size_t)i * DESC, d, DESC);
        if (flags_of(d) & VSIM_VRING_DESC_F_INDIRECT)
            keep_table(vq, head, d);
        if (!(flags_of(d) & VSIM_VRING_DESC_F_NEXT) || vsim__ld16(d + 14) >= vq->num)
            break;
        i = vsim__ld16(d + 14);
    }
    if (!vq->exposed[head]) {
        vq->exposed[head] = 1;
        vq->nexposed++;
        vq->dev->m->exposed++;
    }
}

static bool altered(struct vsim_vq *vq, uint16_t head, uint16_t i, void *ctx)
{
    const uint8_t *s = vq->shadow + (size_t)i * DESC;
    const char *why = NULL;
    (void)ctx;
    if (memcmp(s, vq->desc + (size_t)i * DESC, DESC) != 0)
        why = "descriptor";
    else if ((flags_of(s) & VSIM_VRING_DESC_F_INDIRECT) && table_changed(vq, head, s))
        why = "indirect table";
    if (why)
        vsim_device_violation(vq->dev, VSIM_RULE_CLEAN_ALTER,
                              "q%u chain at head %u: %s %u changed while the device held it",
                              vq->index, head, why, i);
    return why != NULL;
}

static void release(struct vsim_vq *vq, uint16_t head)
{
    vq->exposed[head] = 0;
    vq->nexposed--;
    vq->dev->m->exposed--;
}

void vsim__exposed_used(struct vsim_vq *vq, uint16_t head)
{
    if (head >= vq->num || !vq->exposed[head])
        return;
    each_desc(vq, head, altered, NULL);
    release(vq, head);
}

void vsim__exposed_stop(struct vsim_vq *vq)
{
    for (uint16_t h = 0; vq->nexposed && h < vq->num; h++) {
        if (!vq->exposed[h])
            continue;
        each_desc(vq, h, altered, NULL);
        release(vq, h);
    }
}

/* ---- CLEAN-2 ---- */

struct taken {
    uint64_t pa, len;
    const char *what;
};

static bool overlaps(const struct taken *t, uint64_t addr, uint64_t len)
{
    return len && addr < t->pa + t->len && t->pa < addr + len;
}

/* Descriptor @desc's buffer, or its indirect table or a buffer listed there, is taken. */
static bool desc_taken(struct vsim_vq *vq, const struct taken *t, const uint8_t *desc)
{
    uint64_t addr = vsim__ld64(desc);
    uint32_t len = vsim__ld32(desc + 8);
    if (overlaps(t, addr, len))
        return true;
    if (!(flags_of(desc) & VSIM_VRING_DESC_F_INDIRECT))
        return false;
    const uint8_t *table = vsim__mem_host(&vq->dev->m->mem, addr, len);
    for (uint32_t k = 0; table && k < len / DESC; k++) {
        if (overlaps(t, vsim__ld64(table + k * DESC), vsim__ld32(table + k * DESC + 8)))
            return true;
    }
    return false;
}

static void report(struct vsim_vq *vq, const struct taken *t, uint16_t head, const char *state)
{
    vsim_device_violation(
        vq->dev, VSIM_RULE_CLEAN_REMOVE, "%s of [0x%llx, +%llu) while chain %u is %s q%u", t->what,
        (unsigned long long)t->pa, (unsigned long long)t->len, head, state, vq->index);
}

/* A chain the device holds, as it read it. */
static bool held_taken(struct vsim_vq *vq, uint16_t head, uint16_t i, void *ctx)
{
    const struct taken *t = ctx;
    bool hit = desc_taken(vq, t, vq->shadow + (size_t)i * DESC);
    if (hit)
        report(vq, t, head, "held by");
    return hit;
}

/* The chains made available that the device has not taken yet, as they are now. */
static bool pending_taken(struct vsim_vq *vq, const struct taken *t)
{
    uint16_t pending = (uint16_t)(vsim__ld16(vq->avail + 2) - vq->last_avail);
    for (uint16_t k = 0; k < pending && k < vq->num; k++) {
        uint16_t head = vsim__ld16(vq->avail + 4 + 2u * ((vq->last_avail + k) & (vq->num - 1u)));
        for (uint16_t i = head, n = 0; i < vq->num && n < vq->num; n++) {
            const uint8_t *d = vq->desc + (size_t)i * DESC;
            if (desc_taken(vq, t, d)) {
                report(vq, t, head, "available to");
                return true;
            }
            if (!(flags_of(d) & VSIM_VRING_DESC_F_NEXT))
                break;
            i = vsim__ld16(d + 14);
        }
    }
    return false;
}

void vsim__exposed_taken(struct vsim_machine *m, uint64_t pa, uint64_t len, const char *what)
{
    struct taken t = {pa, len, what};
    for (unsigned i = 0; i < m->ndevices; i++) {
        struct vsim_device *d = m->devices[i];
        for (uint16_t q = 0; q < d->model.num_queues; q++) {
            struct vsim_vq *vq = &d->vqs[q];
            if (!vq->ready || vq->broken)
                continue;
            for (uint16_t h = 0; vq->nexposed && h < vq->num; h++) {
                if (vq->exposed[h] && each_desc(vq, h, held_taken, &t))
                    return;
            }
            if (pending_taken(vq, &t))
                return;
        }
    }
}
