/*
 * The device side of a split virtqueue (Split Virtqueues). Everything read
 * from the rings is driver input: indexes, addresses, lengths and flags are
 * checked before use, and a bad one stops the queue instead of the bench.
 */
#include <stdatomic.h>
#include <stdlib.h>

#include "internal.h"
#include "vsim/spec.h"

/* Ring layout: avail = flags, idx, ring[num], used_event; used = flags, idx, ring[num],
 * avail_event. */
#define AVAIL_IDX 2u
#define AVAIL_RING 4u
#define USED_IDX 2u
#define USED_RING 4u
#define USED_ELEM 8u

static uint64_t avail_bytes(uint16_t num)
{
    return 6u + 2u * (uint64_t)num;
}
static uint64_t used_bytes(uint16_t num)
{
    return 6u + 8u * (uint64_t)num;
}

void vsim__vq_reset(struct vsim_vq *vq)
{
    vsim__exposed_stop(vq); /* Device Cleanup: what the device held must be as it was */
    if (vq->pending)        /* deferred work of the old queue is dropped */
        vq->dev->m->pending--;
    vq->num = 0;
    vq->ready = false;
    vq->broken = false;
    vq->pending = false;
    vq->avail_flags_reported = false;
    vq->desc = vq->avail = vq->used = NULL;
    vq->desc_pa = vq->avail_pa = vq->used_pa = 0;
    vq->last_avail = 0;
    vq->used_idx = 0;
    vq->signalled = 0;
    vq->avail_event = 0;
    vq->event_avail = 0;
    vq->notify_avail = 0;
    vq->starved = false;
    vq->missed_reported = false;
}

void vsim__vq_free(struct vsim_vq *vq)
{
    vsim__exposed_free(vq);
    free(vq->segs);
    vq->segs = NULL;
    vq->segs_cap = 0;
}

static bool is_pow2(uint32_t v)
{
    return v && !(v & (v - 1));
}

static uint8_t *part(struct vsim_vq *vq, const char *name, uint64_t pa, uint64_t len,
                     uint64_t align)
{
    uint8_t *p = vsim__mem_host(&vq->dev->m->mem, pa, len);
    if (pa % align)
        vsim_device_violation(vq->dev, VSIM_RULE_VQ_ALIGN, "q%u %s at 0x%llx, not %llu-aligned",
                              vq->index, name, (unsigned long long)pa, (unsigned long long)align);
    if (!p)
        vsim_device_violation(vq->dev, VSIM_RULE_VQ_MEMORY,
                              "q%u %s [0x%llx, +%llu) outside guest memory", vq->index, name,
                              (unsigned long long)pa, (unsigned long long)len);
    return p;
}

bool vsim_vq_enable(struct vsim_vq *vq, uint16_t num, uint64_t desc, uint64_t avail, uint64_t used)
{
    struct vsim_device *d = vq->dev;
    vsim__vq_reset(vq);
    if (!is_pow2(num)) {
        vsim_device_violation(d, VSIM_RULE_VQ_SIZE, "q%u size %u", vq->index, num);
        return false;
    }
    /* Device Initialization: queues are device-specific setup, after a successful step 6 */
    if (d->features_refused)
        vsim_device_violation(d, VSIM_RULE_INIT_REFUSED,
                              "q%u enabled after FEATURES_OK was refused", vq->index);
    else if (!d->legacy && !(d->status & VSIM_STATUS_FEATURES_OK))
        vsim_device_violation(d, VSIM_RULE_INIT_QUEUE, "q%u enabled with status 0x%02x", vq->index,
                              d->status);
    else if (d->features_ok_unread)
        vsim_device_violation(d, VSIM_RULE_INIT_FEATURES_OK_READ,
                              "q%u enabled before FEATURES_OK was read back", vq->index);
    uint8_t *dp = part(vq, "descriptor table", desc, (uint64_t)num * VSIM_VRING_DESC_SIZE, 16);
    uint8_t *ap = part(vq, "available ring", avail, avail_bytes(num), 2);
    uint8_t *up = part(vq, "used ring", used, used_bytes(num), 4);
    if (!dp || !ap || !up)
        return false;
    if (vq->segs_cap < num) {
        struct vsim_seg *s = realloc(vq->segs, num * sizeof(*s));
        if (!s)
            return false;
        vq->segs = s;
        vq->segs_cap = num;
    }
    if (!vsim__exposed_reserve(vq, num))
        return false;
    if (vsim__ld16(up) != 0)
        vsim_device_violation(d, VSIM_RULE_VQ_USED_FLAGS, "q%u used flags 0x%x", vq->index,
                              vsim__ld16(up));
    vq->num = num;
    vq->desc_pa = desc;
    vq->avail_pa = avail;
    vq->used_pa = used;
    vq->desc = dp;
    vq->avail = ap;
    vq->used = up;
    vq->ready = true;
    vsim__trace(d->m, "%s q%u enabled size=%u desc=0x%llx avail=0x%llx used=0x%llx", d->label,
                vq->index, num, (unsigned long long)desc, (unsigned long long)avail,
                (unsigned long long)used);
    return true;
}

void vsim_vq_disable(struct vsim_vq *vq)
{
    vsim__vq_reset(vq);
}

static void stop(struct vsim_vq *vq)
{
    vq->broken = true;
    vsim__trace(vq->dev->m, "%s q%u stopped: malformed ring", vq->dev->label, vq->index);
    vsim_device_needs_reset(vq->dev);
}

/* Reads descriptor @i of a table; fields little-endian. */
struct desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};
static struct desc read_desc(const uint8_t *table, uint32_t i)
{
    const uint8_t *p = table + (uint64_t)i * VSIM_VRING_DESC_SIZE;
    return (struct desc){vsim__ld64(p), vsim__ld32(p + 8), vsim__ld16(p + 12), vsim__ld16(p + 14)};
}

#define BAD(rule, ...)                                                                             \
    do {                                                                                           \
        vsim_device_violation(vq->dev, rule, __VA_ARGS__);                                         \
        return false;                                                                              \
    } while (0)

static bool walk(struct vsim_vq *vq, uint16_t head, struct vsim_chain *c)
{
    const struct vsim__mem *g = &vq->dev->m->mem;
    const uint8_t *table = vq->desc;
    uint32_t table_n = vq->num, i = head, steps = 0;
    bool indirect = false, seen_write = false;
    uint64_t total = 0;

    for (;;) {
        /* The Virtqueue Descriptor Table: a chain never exceeds its table, so a longer one loops.
         */
        if (++steps > table_n || c->nseg >= vq->num)
            BAD(VSIM_RULE_DESC_LOOP, "q%u chain at head %u: more than %u descriptors (loop?)",
                vq->index, head, indirect ? table_n : vq->num);
        struct desc d = read_desc(table, i);
        if (d.flags & VSIM_VRING_DESC_F_INDIRECT) {
            if (!vsim__device_has(vq->dev, VSIM_F_INDIRECT_DESC))
                BAD(VSIM_RULE_DESC_INDIRECT_FEAT, "q%u desc %u INDIRECT not negotiated", vq->index,
                    i);
            if (indirect)
                BAD(VSIM_RULE_DESC_INDIRECT_NEST, "q%u nested indirect table", vq->index);
            if (d.flags & VSIM_VRING_DESC_F_NEXT)
                BAD(VSIM_RULE_DESC_INDIRECT_NEXT, "q%u desc %u INDIRECT|NEXT", vq->index, i);
            if (d.len == 0 || d.len % VSIM_VRING_DESC_SIZE)
                BAD(VSIM_RULE_DESC_INDIRECT_LEN, "q%u indirect table len %u", vq->index, d.len);
            table = vsim__mem_host(g, d.addr, d.len);
            if (!table)
                BAD(VSIM_RULE_DESC_ADDR, "q%u indirect table 0x%llx+%u outside guest memory",
                    vq->index, (unsigned long long)d.addr, d.len);
            table_n = d.len / VSIM_VRING_DESC_SIZE;
            indirect = true;
            i = 0;
            steps = 0;
            continue;
        }
        uint8_t *p = vsim__mem_host(g, d.addr, d.len);
        if (!p)
            BAD(VSIM_RULE_DESC_ADDR, "q%u desc %u buffer 0x%llx+%u outside guest memory", vq->index,
                i, (unsigned long long)d.addr, d.len);
        bool w = d.flags & VSIM_VRING_DESC_F_WRITE;
        if (seen_write && !w)
            BAD(VSIM_RULE_DESC_ORDER, "q%u desc %u readable after a writable one", vq->index, i);
        seen_write |= w;
        total += d.len;
        if (total > UINT32_MAX)
            BAD(VSIM_RULE_DESC_TOTAL, "q%u chain at head %u longer than 4 GiB", vq->index, head);
        if (!indirect && c->nseg == 1)
            c->second = i;
        c->seg[c->nseg++] = (struct vsim_seg){p, d.addr, d.len, w};
        if (w)
            c->write_len += d.len;
        else {
            c->read_len += d.len;
            c->nread++;
        }
        if (!(d.flags & VSIM_VRING_DESC_F_NEXT))
            return true;
        if (d.next >= table_n)
            BAD(VSIM_RULE_DESC_NEXT, "q%u desc %u next %u beyond table of %u", vq->index, i, d.next,
                table_n);
        i = d.next;
    }
}

uint16_t vsim_vq_avail_pending(const struct vsim_vq *vq)
{
    if (!vq->ready || vq->broken)
        return 0;
    return (uint16_t)(vsim__ld16(vq->avail + AVAIL_IDX) - vq->last_avail);
}

static void check_avail_flags(struct vsim_vq *vq)
{
    uint16_t flags = vsim__ld16(vq->avail);
    bool event_idx = vsim__device_has(vq->dev, VSIM_F_EVENT_IDX);
    if (vq->avail_flags_reported || flags == 0 || (!event_idx && flags == 1))
        return;
    vq->avail_flags_reported = true;
    vsim_device_violation(vq->dev, VSIM_RULE_AVAIL_FLAGS, "q%u avail flags 0x%x%s", vq->index,
                          flags, event_idx ? " with EVENT_IDX" : "");
}

bool vsim_vq_pop(struct vsim_vq *vq, struct vsim_chain *c)
{
    if (!vq->ready || vq->broken)
        return false;
    vq->starved = false;
    uint16_t avail_idx = vsim__ld16(vq->avail + AVAIL_IDX);
    uint16_t ahead = (uint16_t)(avail_idx - vq->last_avail);
    if (ahead == 0)
        return false;
    /* Pairs with the driver's barrier before its idx update. */
    atomic_thread_fence(memory_order_acquire);
    check_avail_flags(vq);
    if (ahead > vq->num) {
        vsim_device_violation(vq->dev, VSIM_RULE_AVAIL_IDX,
                              "q%u avail idx %u is %u ahead of %u, queue size %u", vq->index,
                              avail_idx, ahead, vq->last_avail, vq->num);
        stop(vq);
        return false;
    }
    /* num is a power of two (vsim_vq_enable): a mask, not a division per request */
    uint16_t head = vsim__ld16(vq->avail + AVAIL_RING + 2u * (vq->last_avail & (vq->num - 1u)));
    vq->last_avail++;
    *c = (struct vsim_chain){.head = head, .second = UINT32_MAX, .seg = vq->segs};
    if (head >= vq->num) {
        vsim_device_violation(vq->dev, VSIM_RULE_AVAIL_HEAD, "q%u avail entry %u, queue size %u",
                              vq->index, head, vq->num);
        stop(vq);
        return false;
    }
    if (!walk(vq, head, c)) {
        stop(vq);
        return false;
    }
    vsim__exposed_pop(vq, head);
    vsim__trace(vq->dev->m, "%s q%u avail head=%u segs=%u read=%llu write=%llu", vq->dev->label,
                vq->index, head, c->nseg, (unsigned long long)c->read_len,
                (unsigned long long)c->write_len);
    return true;
}

void vsim_vq_unpop(struct vsim_vq *vq, uint16_t n)
{
    if (!vq->ready || vq->broken || n == 0)
        return;
    vq->last_avail = (uint16_t)(vq->last_avail - n);
    vq->starved = true;
    vsim__trace(vq->dev->m, "%s q%u %u chains given back, waiting for more", vq->dev->label,
                vq->index, n);
}

/*
 * The id the used_id_not_head fault reports for chain @c: one the driver can
 * tell is wrong whenever it reads it. That is the chain's second descriptor:
 * it stays the driver's, inside a chain the driver never sees completed, so it
 * cannot head another chain. A one-descriptor chain has no such index, and any
 * other index in range may head a chain the driver posts before it reads this
 * entry, which would then read as that chain completing while the device still
 * has it; so the id is vq->num, out of range.
 */
static uint32_t not_head_id(const struct vsim_vq *vq, const struct vsim_chain *c)
{
    return c->second != UINT32_MAX ? c->second : vq->num;
}

void vsim_vq_push(struct vsim_vq *vq, const struct vsim_chain *c, uint32_t len)
{
    struct vsim_device *d = vq->dev;
    uint32_t id = c->head;
    uint64_t v = vq->num;
    if (!vq->ready)
        return;
    if (vsim__device_fault(d, VSIM_FAULT_NO_COMPLETE, NULL)) {
        vsim__trace(d->m, "%s q%u head=%u never completed", d->label, vq->index, c->head);
        return;
    }
    vsim__exposed_used(vq, c->head);
    /* Every used-ring point counts every completion, whichever fires. */
    bool bad_range = vsim__device_fault(d, VSIM_FAULT_USED_ID_RANGE, &v);
    bool not_head = vsim__device_fault(d, VSIM_FAULT_USED_ID_NOT_HEAD, NULL);
    if (bad_range)
        id = v <= UINT32_MAX ? (uint32_t)v : vq->num;
    else if (not_head)
        id = not_head_id(vq, c);
    v = c->write_len + 1;
    if (vsim__device_fault(d, VSIM_FAULT_USED_LEN, &v))
        len = v <= UINT32_MAX ? (uint32_t)v : UINT32_MAX;
    uint8_t *e = vq->used + USED_RING + USED_ELEM * (vq->used_idx & (vq->num - 1u));
    vsim__st32(e, id);
    vsim__st32(e + 4, len);
    vq->used_idx++;
    /* The Virtqueue Used Ring: the element is visible before the index moves. */
    atomic_thread_fence(memory_order_release);
    vsim__st16(vq->used + USED_IDX, vq->used_idx);
    vsim__trace(d->m, "%s q%u used id=%u len=%u idx=%u", d->label, vq->index, id, len,
                vq->used_idx);
}

/*
 * Available Buffer Notification Suppression: was this notification one the
 * device asked for? A deferred queue without event-idx sets NO_NOTIFY until
 * it is served.
 */
void vsim__vq_notified(struct vsim_vq *vq, bool defer)
{
    uint16_t idx = vsim__ld16(vq->avail + AVAIL_IDX);
    bool wanted;
    if (vsim__device_has(vq->dev, VSIM_F_EVENT_IDX)) {
        wanted = vsim_need_event(vq->avail_event, idx, vq->notify_avail);
    } else {
        wanted = !(vsim__ld16(vq->used) & VSIM_VRING_USED_F_NO_NOTIFY);
        if (defer)
            vsim__st16(vq->used, VSIM_VRING_USED_F_NO_NOTIFY);
    }
    if (!wanted) {
        vq->unneeded++;
        vsim__trace(vq->dev->m, "%s q%u notification was suppressed by the device", vq->dev->label,
                    vq->index);
    }
    vq->notify_avail = idx;
    vq->missed_reported = false;
}

/* Is @at within (@start, @idx], counting modulo 2^16 from @start? */
static bool in_window(uint16_t at, uint16_t start, uint16_t idx)
{
    return (uint16_t)(at - start) <= (uint16_t)(idx - start);
}

/*
 * Available Buffer Notification Suppression: an entry made available while
 * the device asks to hear of it (used flags 0, or avail_event among the new
 * entries) must be notified. Checked when the driver waits: the entries the
 * device has neither been notified of nor consumed, against what it asks.
 * With event-idx only entries published since avail_event last changed are
 * judged: the driver decided on the earlier ones by the value then in force,
 * which a later move cannot make wrong.
 */
void vsim__vq_check_waiting(struct vsim_vq *vq)
{
    struct vsim_device *d = vq->dev;
    if (!vq->ready || vq->broken || vq->missed_reported || !(d->status & VSIM_STATUS_DRIVER_OK))
        return;
    uint16_t idx = vsim__ld16(vq->avail + AVAIL_IDX);
    uint16_t start = vq->notify_avail;
    bool event_idx = vsim__device_has(d, VSIM_F_EVENT_IDX);
    if (in_window(vq->last_avail, start, idx))
        start = vq->last_avail; /* the device took some without being told */
    if (event_idx && in_window(vq->event_avail, start, idx))
        start = vq->event_avail;
    if (start == idx)
        return;
    bool wanted = event_idx ? vsim_need_event(vq->avail_event, idx, start)
                            : !(vsim__ld16(vq->used) & VSIM_VRING_USED_F_NO_NOTIFY);
    if (!wanted)
        return;
    vq->missed_reported = true;
    vsim_device_violation(d, VSIM_RULE_NOTIFY_MISSED,
                          "q%u: driver waits with avail idx %u, device last notified at %u, "
                          "used flags 0x%x, avail_event %u",
                          vq->index, idx, vq->notify_avail, vsim__ld16(vq->used), vq->avail_event);
}

void vsim_vq_flush(struct vsim_vq *vq)
{
    if (!vq->ready)
        return;
    bool event_idx = vsim__device_has(vq->dev, VSIM_F_EVENT_IDX);
    if (event_idx) {
        /*
         * Ask for a notification as soon as the next chain is made available;
         * a starved device wants one only for chains beyond those it gave back.
         */
        uint16_t avail_idx = vsim__ld16(vq->avail + AVAIL_IDX);
        uint16_t event = vq->starved ? avail_idx : vq->last_avail;
        if (event != vq->avail_event)
            vq->event_avail = avail_idx; /* NOTIFY-1 judges later entries by the new value */
        vq->avail_event = event;
        vsim__st16(vq->used + USED_RING + USED_ELEM * vq->num, event);
    } else {
        vsim__st16(vq->used, 0);
    }
    if (vq->used_idx == vq->signalled)
        return;
    uint16_t old = vq->signalled;
    vq->signalled = vq->used_idx;
    atomic_thread_fence(memory_order_seq_cst);
    bool notify;
    if (event_idx) {
        uint16_t used_event = vsim__ld16(vq->avail + AVAIL_RING + 2u * vq->num);
        notify = vsim_need_event(used_event, vq->used_idx, old);
    } else {
        notify = !(vsim__ld16(vq->avail) & VSIM_VRING_AVAIL_F_NO_INTERRUPT);
    }
    if (notify) {
        vsim__device_interrupt(vq->dev, VSIM_ISR_QUEUE);
    } else {
        vq->suppressed++;
        vsim__trace(vq->dev->m, "%s q%u notification suppressed", vq->dev->label, vq->index);
    }
}

uint16_t vsim_vq_index(const struct vsim_vq *vq)
{
    return vq->index;
}
uint16_t vsim_vq_size(const struct vsim_vq *vq)
{
    return vq->num;
}
bool vsim_vq_ready(const struct vsim_vq *vq)
{
    return vq->ready;
}
bool vsim_vq_broken(const struct vsim_vq *vq)
{
    return vq->broken;
}
struct vsim_device *vsim_vq_device(const struct vsim_vq *vq)
{
    return vq->dev;
}
uint64_t vsim_vq_suppressed(const struct vsim_vq *vq)
{
    return vq->suppressed;
}
uint64_t vsim_vq_unneeded_notifies(const struct vsim_vq *vq)
{
    return vq->unneeded;
}
