/* The device side of a split ring for unit tests; see fake_vring.h. */
#include "fake_vring.h"

#include <check.h>

#include "vio/spec.h"

void fake_vring_attach(struct fake_vring *vr, struct fake_hal *fh, const struct fake_transport *ft)
{
    vr->fh = fh;
    vr->ft = ft;
    vr->last_avail = 0;
}

static void *ring(const struct fake_vring *vr, vio_paddr_t pa, size_t len)
{
    void *p = fake_hal_dev_ptr(vr->fh, pa, len);
    ck_assert_ptr_nonnull(p);
    return p;
}

volatile struct vio__vring_desc *fake_vring_desc(const struct fake_vring *vr)
{
    return ring(vr, vr->ft->setup_desc, 16u * vr->ft->setup_size);
}

volatile uint16_t *fake_vring_avail(const struct fake_vring *vr)
{
    return ring(vr, vr->ft->setup_avail, 6u + 2u * vr->ft->setup_size);
}

volatile uint16_t *fake_vring_used(const struct fake_vring *vr)
{
    return ring(vr, vr->ft->setup_used, 6u + 8u * vr->ft->setup_size);
}

uint16_t fake_vring_avail_idx(const struct fake_vring *vr)
{
    return fake_vring_avail(vr)[1];
}

uint16_t fake_vring_avail_entry(const struct fake_vring *vr, uint16_t i)
{
    return fake_vring_avail(vr)[2 + i % vr->ft->setup_size];
}

uint16_t fake_vring_used_event(const struct fake_vring *vr)
{
    return fake_vring_avail(vr)[2 + vr->ft->setup_size];
}

void fake_vring_set_avail_event(const struct fake_vring *vr, uint16_t v)
{
    fake_vring_used(vr)[2 + 4 * vr->ft->setup_size] = v;
}

void fake_vring_write_used(const struct fake_vring *vr, uint16_t slot, uint32_t id, uint32_t len)
{
    volatile uint32_t *elem =
        (volatile uint32_t *)(fake_vring_used(vr) + 2) + 2 * (slot % vr->ft->setup_size);
    elem[0] = id;
    elem[1] = len;
}

void fake_vring_complete(const struct fake_vring *vr, uint32_t id, uint32_t len)
{
    volatile uint16_t *used = fake_vring_used(vr);
    fake_vring_write_used(vr, used[1], id, len);
    used[1] = (uint16_t)(used[1] + 1);
}

bool fake_vring_next_avail(struct fake_vring *vr, uint16_t *head)
{
    if (vr->last_avail == fake_vring_avail_idx(vr))
        return false;
    *head = fake_vring_avail_entry(vr, vr->last_avail++);
    return true;
}

unsigned fake_vring_walk(const struct fake_vring *vr, uint16_t head, struct fake_vring_buf *out,
                         unsigned max, bool *indirect)
{
    volatile struct vio__vring_desc *table = fake_vring_desc(vr);
    unsigned table_len = vr->ft->setup_size;
    uint16_t i = head;
    ck_assert_uint_lt(head, table_len);
    *indirect = false;
    if (table[head].flags & VIO_DESC_F_INDIRECT) {
        /* Indirect Descriptors: INDIRECT alone, a whole number of entries */
        ck_assert_uint_eq(table[head].flags, VIO_DESC_F_INDIRECT);
        ck_assert_uint_eq(table[head].len % 16, 0);
        table_len = table[head].len / 16;
        table = ring(vr, table[head].addr, table[head].len);
        i = 0;
        *indirect = true;
    }
    bool seen_writable = false;
    for (unsigned n = 0;; n++) {
        ck_assert_uint_lt(n, max);
        ck_assert_uint_lt(i, table_len);
        ck_assert_uint_eq(table[i].flags & VIO_DESC_F_INDIRECT, 0);
        out[n].ptr = ring(vr, table[i].addr, table[i].len);
        out[n].len = table[i].len;
        out[n].writable = (table[i].flags & VIO_DESC_F_WRITE) != 0;
        /* Message Framing: writable buffers only after the readable ones */
        ck_assert(out[n].writable || !seen_writable);
        seen_writable = out[n].writable;
        if ((table[i].flags & VIO_DESC_F_NEXT) == 0)
            return n + 1;
        i = table[i].next;
    }
}
