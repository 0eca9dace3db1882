/*
 * The fake device's side of a split virtqueue: takes the chains the driver
 * made available, checks them, and writes the used ring - faithfully, or as
 * the device stream says with FZ_USED.
 */
#include <stddef.h>
#include <string.h>

#include "fz_dev.h"

#define DESC_F_NEXT 1u
#define DESC_F_WRITE 2u
#define DESC_F_INDIRECT 4u
#define DESC_SIZE 16u

struct desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};

static uint16_t le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    for (unsigned k = 0; k < 4; k++)
        p[k] = (uint8_t)(v >> (8 * k));
}

static struct desc read_desc(const uint8_t *table, unsigned i)
{
    struct desc d;
    const uint8_t *p = table + (size_t)i * DESC_SIZE;
    memcpy(&d.addr, p, 8);
    memcpy(&d.len, p + 8, 4);
    memcpy(&d.flags, p + 12, 2);
    memcpy(&d.next, p + 14, 2);
    return d;
}

static bool event_idx(const struct fz_dev *d)
{
    return (d->accepted & FZ_F_EVENT_IDX) != 0;
}

void fz_ring_take(struct fz_dev *d, struct fz_vq *vq)
{
    uint8_t *avail = fz_dev_mem(d, vq->avail, 6u + 2u * vq->num, false, "available ring");
    if (avail == NULL)
        return;
    uint16_t idx = le16(avail + 2);
    uint16_t pending = (uint16_t)(idx - vq->last_avail);
    if (!fz_dev_check(d, pending <= vq->num, "available idx ahead by more than the queue size"))
        return;
    while (vq->last_avail != idx) {
        uint16_t head = le16(avail + 4 + 2u * (vq->last_avail % vq->num));
        vq->last_avail++;
        if (!fz_dev_check(d, head < vq->num, "available ring entry beyond the queue"))
            continue;
        bool dup = false;
        for (unsigned i = 0; i < vq->nheld; i++)
            dup |= vq->held[i] == head;
        if (!fz_dev_check(d, !dup && vq->nheld < vq->num, "a chain head made available twice"))
            continue;
        vq->held[vq->nheld++] = head;
    }
    /* Available Buffer Notification Suppression: ask to hear about the next entry */
    if (event_idx(d)) {
        uint8_t *used = fz_dev_mem(d, vq->used, 6u + 8u * vq->num, true, "used ring");
        if (used != NULL)
            put16(used + 4 + 8u * vq->num, vq->last_avail);
    }
}

/* Adds one buffer to @c; false when the device may drop the chain (after a lie). */
static bool add_seg(struct fz_dev *d, struct fz_chain *c, const struct desc *ds)
{
    bool write = (ds->flags & DESC_F_WRITE) != 0;
    if (!fz_dev_check(d, c->nseg < FZ_CHAIN_MAX, "a chain longer than 16 buffers") ||
        !fz_dev_check(d, ds->len != 0, "an empty buffer") ||
        !fz_dev_check(d, write || c->nseg == c->nread, "a readable buffer after a writable one"))
        return false;
    uint8_t *p = fz_dev_mem(d, ds->addr, ds->len, write, "a chain's buffer");
    if (p == NULL)
        return false;
    c->seg[c->nseg++] = (struct fz_seg){p, ds->len, write};
    if (write) {
        c->write_len += ds->len;
    } else {
        c->nread++;
        c->read_len += ds->len;
    }
    return true;
}

/* Indirect Descriptors: the table behind the chain's only descriptor. */
static bool walk_indirect(struct fz_dev *d, struct fz_chain *c, const struct desc *head)
{
    unsigned count = head->len / DESC_SIZE;
    if (!fz_dev_check(d, (head->flags & DESC_F_NEXT) == 0, "INDIRECT together with NEXT") ||
        !fz_dev_check(d, head->len % DESC_SIZE == 0 && count >= 1 && count <= FZ_CHAIN_MAX,
                      "an indirect table of a bad length"))
        return false;
    const uint8_t *table = fz_dev_mem(d, head->addr, head->len, false, "an indirect table");
    if (table == NULL)
        return false;
    unsigned i = 0;
    for (unsigned steps = 0;; steps++) {
        struct desc ds = read_desc(table, i);
        if (!fz_dev_check(d, (ds.flags & DESC_F_INDIRECT) == 0, "INDIRECT inside a table") ||
            !add_seg(d, c, &ds))
            return false;
        if (!(ds.flags & DESC_F_NEXT))
            return true;
        if (!fz_dev_check(d, ds.next < count && steps + 1 < count, "an indirect chain loops"))
            return false;
        i = ds.next;
    }
}

bool fz_ring_chain(struct fz_dev *d, const struct fz_vq *vq, uint16_t head, struct fz_chain *c)
{
    memset(c, 0, offsetof(struct fz_chain, seg));
    c->head = head;
    const uint8_t *table = fz_dev_mem(d, vq->desc, DESC_SIZE * vq->num, false, "descriptor table");
    if (table == NULL)
        return false;
    unsigned i = head;
    for (unsigned steps = 0;; steps++) {
        struct desc ds = read_desc(table, i);
        if (ds.flags & DESC_F_INDIRECT) {
            if (!fz_dev_check(d, steps == 0, "INDIRECT after the head"))
                return false;
            return walk_indirect(d, c, &ds);
        }
        if (!add_seg(d, c, &ds))
            return false;
        if (!(ds.flags & DESC_F_NEXT))
            return true;
        if (!fz_dev_check(d, ds.next < vq->num && steps + 1 < vq->num, "a chain loops"))
            return false;
        i = ds.next;
    }
}

static uint16_t unhold(struct fz_vq *vq, unsigned k)
{
    uint16_t head = vq->held[k];
    memmove(&vq->held[k], &vq->held[k + 1], (vq->nheld - k - 1) * sizeof vq->held[0]);
    vq->nheld--;
    return head;
}

bool fz_ring_take_next(struct fz_dev *d, struct fz_vq *vq, struct fz_chain *c)
{
    while (vq->nheld > 0) {
        if (fz_ring_chain(d, vq, unhold(vq, 0), c))
            return true;
    }
    return false;
}

static void publish_used_idx(struct fz_dev *d, struct fz_vq *vq)
{
    uint8_t *used = fz_dev_mem(d, vq->used, 6u + 8u * vq->num, true, "used ring");
    if (used == NULL)
        return;
    put16(used + 2, vq->used_idx);
    d->isr |= 1u;
}

void fz_ring_push(struct fz_dev *d, struct fz_vq *vq, uint32_t id, uint32_t len)
{
    uint8_t *used = fz_dev_mem(d, vq->used, 6u + 8u * vq->num, true, "used ring");
    if (used == NULL)
        return;
    uint8_t *e = used + 4 + 8u * (vq->used_idx % vq->num);
    put32(e, id);
    put32(e + 4, len);
    vq->used_idx++;
    publish_used_idx(d, vq);
}

/* Serves held chain @k; with @lie_id the used element names another id. */
static void complete(struct fz_dev *d, struct fz_vq *vq, unsigned k, const uint32_t *lie_id,
                     const uint32_t *lie_len, bool twice)
{
    struct fz_chain c;
    uint16_t head = unhold(vq, k);
    if (!fz_ring_chain(d, vq, head, &c))
        return;
    d->nafter = 0;
    uint32_t len = fz_model_serve(d, vq, &c);
    if (lie_len != NULL)
        len = *lie_len;
    fz_ring_push(d, vq, lie_id != NULL ? *lie_id : head, len);
    for (unsigned i = 0; i < d->nafter; i++)
        fz_ring_push(d, vq, d->after_id[i], d->after_len[i]);
    d->nafter = 0;
    if (twice)
        fz_ring_push(d, vq, head, len);
}

void fz_ring_serve(struct fz_dev *d, struct fz_vq *vq)
{
    while (vq->ready && vq->nheld > 0) {
        unsigned action = (d->mode & FZ_USED) ? fz_u8(d->dev) % 10 : 0;
        uint32_t v;
        switch (action) {
        case 1: /* out of order */
            complete(d, vq, fz_u8(d->dev) % vq->nheld, NULL, NULL, false);
            break;
        case 2: /* a used id of another chain, or none */
            v = fz_u16(d->dev);
            d->lied = true;
            complete(d, vq, 0, &v, NULL, false);
            break;
        case 3: /* a used len of the device's choosing */
            v = fz_u32(d->dev);
            complete(d, vq, 0, NULL, &v, false);
            break;
        case 4: { /* an element that completes nothing */
            uint32_t id = fz_u16(d->dev);
            d->lied = true;
            fz_ring_push(d, vq, id, fz_u32(d->dev));
            break;
        }
        case 5: /* used idx runs ahead of the elements written */
            d->lied = true;
            vq->used_idx = (uint16_t)(vq->used_idx + fz_u8(d->dev));
            publish_used_idx(d, vq);
            break;
        case 6: /* later: the next relax or notification */
            return;
        case 7: /* the same chain twice */
            d->lied = true;
            complete(d, vq, 0, NULL, NULL, true);
            break;
        case 8: { /* flags and avail_event of the device's choosing */
            uint8_t *used = fz_dev_mem(d, vq->used, 6u + 8u * vq->num, true, "used ring");
            uint16_t flags = fz_u16(d->dev), event = fz_u16(d->dev);
            if (used != NULL) {
                put16(used, flags);
                put16(used + 4 + 8u * vq->num, event);
            }
            break;
        }
        case 9: /* used idx goes back */
            d->lied = true;
            vq->used_idx = (uint16_t)(vq->used_idx - fz_u8(d->dev) - 1u);
            publish_used_idx(d, vq);
            break;
        default:
            complete(d, vq, 0, NULL, NULL, false);
            break;
        }
    }
}

static size_t chain_copy(const struct fz_chain *c, bool write, uint64_t off, uint8_t *buf,
                         const uint8_t *src, int fill, size_t len)
{
    size_t done = 0;
    uint64_t pos = 0;
    unsigned first = write ? c->nread : 0, end = write ? c->nseg : c->nread;
    for (unsigned i = first; i < end && done < len; i++) {
        const struct fz_seg *s = &c->seg[i];
        if (off + done >= pos + s->len) {
            pos += s->len;
            continue;
        }
        size_t at = (size_t)(off + done - pos);
        size_t take = s->len - at < len - done ? s->len - at : len - done;
        if (buf != NULL)
            memcpy(buf + done, s->p + at, take);
        else if (src != NULL)
            memcpy(s->p + at, src + done, take);
        else
            memset(s->p + at, fill, take);
        done += take;
        pos += s->len;
    }
    return done;
}

size_t fz_chain_read(const struct fz_chain *c, uint64_t off, void *dst, size_t len)
{
    return chain_copy(c, false, off, dst, NULL, 0, len);
}

size_t fz_chain_write(const struct fz_chain *c, uint64_t off, const void *src, size_t len)
{
    return chain_copy(c, true, off, NULL, src, 0, len);
}

size_t fz_chain_fill(const struct fz_chain *c, uint64_t off, uint8_t byte, size_t len)
{
    return chain_copy(c, true, off, NULL, NULL, byte, len);
}
