/* Register pokes and hand-built rings for the bench's suites. */
#include <check.h>
#include <string.h>

#include "test_sim_helpers.h"

uint32_t simt_r32(struct vsim_machine *m, unsigned slot, uint32_t off)
{
    const struct vio_hal *h = vsim_machine_hal(m);
    return h->read32(h->ctx, (uintptr_t)(VSIM_MMIO_SLOT_BASE(slot) + off));
}

void simt_w32(struct vsim_machine *m, unsigned slot, uint32_t off, uint32_t val)
{
    const struct vio_hal *h = vsim_machine_hal(m);
    h->write32(h->ctx, (uintptr_t)(VSIM_MMIO_SLOT_BASE(slot) + off), val);
}

size_t simt_count(struct vsim_machine *m, const char *rule_id)
{
    enum vsim_rule r = vsim_rule_by_id(rule_id);
    ck_assert_msg(r != VSIM_RULE_COUNT, "no rule %s", rule_id);
    return vsim_conform_count_rule(vsim_machine_conform(m), r);
}

static void st16(uint8_t *p, uint16_t v)
{
    memcpy(p, &v, 2);
}
static void st32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}
static void st64(uint8_t *p, uint64_t v)
{
    memcpy(p, &v, 8);
}
static uint16_t ld16(const uint8_t *p)
{
    uint16_t v;
    memcpy(&v, p, 2);
    return v;
}
static uint32_t ld32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

uint8_t *simt_dma(struct vsim_machine *m, size_t pages, uint64_t *pa)
{
    const struct vio_hal *h = vsim_machine_hal(m);
    void *va = NULL;
    ck_assert_int_eq(h->dma_alloc(h->ctx, pages, VIO_DMA_BOTH, pa, &va), 0);
    return va;
}

void simt_dma_free(struct vsim_machine *m, uint8_t *va, uint64_t pa, size_t pages)
{
    const struct vio_hal *h = vsim_machine_hal(m);
    h->dma_free(h->ctx, pa, va, pages);
}

void simt_ring_alloc(struct vsim_machine *m, struct simt_ring *r, uint16_t num, bool legacy)
{
    size_t desc = 16u * num, avail = 6u + 2u * num, used = 6u + 8u * num;
    size_t used_off =
        legacy ? (desc + avail + 4095) & ~(size_t)4095 : (desc + avail + 3) & ~(size_t)3;
    memset(r, 0, sizeof(*r));
    r->num = num;
    r->pages = (used_off + used + 4095) / 4096;
    r->va = simt_dma(m, r->pages, &r->pa);
    r->desc_pa = r->pa;
    r->avail_pa = r->pa + desc;
    r->used_pa = r->pa + used_off;
    r->desc = r->va;
    r->avail = r->va + desc;
    r->used = r->va + used_off;
}

void simt_ring_free(struct vsim_machine *m, struct simt_ring *r)
{
    simt_dma_free(m, r->va, r->pa, r->pages);
}

void simt_desc_at(uint8_t *table, uint16_t i, uint64_t addr, uint32_t len, uint16_t flags,
                  uint16_t next)
{
    uint8_t *d = table + 16u * i;
    st64(d, addr);
    st32(d + 8, len);
    st16(d + 12, flags);
    st16(d + 14, next);
}

void simt_desc(struct simt_ring *r, uint16_t i, uint64_t addr, uint32_t len, uint16_t flags,
               uint16_t next)
{
    simt_desc_at(r->desc, i, addr, len, flags, next);
}

void simt_avail(struct simt_ring *r, uint16_t head)
{
    st16(r->avail + 4 + 2u * (r->avail_idx % r->num), head);
    r->avail_idx++;
    st16(r->avail + 2, r->avail_idx);
}

bool simt_used(struct simt_ring *r, uint32_t *id, uint32_t *len)
{
    if (ld16(r->used + 2) == r->used_seen)
        return false;
    const uint8_t *e = r->used + 4 + 8u * (r->used_seen % r->num);
    *id = ld32(e);
    *len = ld32(e + 4);
    r->used_seen++;
    return true;
}

void simt_set_used_event(struct simt_ring *r, uint16_t v)
{
    st16(r->avail + 4 + 2u * r->num, v);
}

uint16_t simt_avail_event(const struct simt_ring *r)
{
    return ld16(r->used + 4 + 8u * r->num);
}

static void features(struct vsim_machine *m, unsigned slot, uint64_t accept)
{
    simt_w32(m, slot, VSIM_MMIO_DEVICE_FEATURES_SEL, 0);
    (void)simt_r32(m, slot, VSIM_MMIO_DEVICE_FEATURES);
    for (uint32_t sel = 0; sel < 2; sel++) {
        simt_w32(m, slot, VSIM_MMIO_DRIVER_FEATURES_SEL, sel);
        simt_w32(m, slot, VSIM_MMIO_DRIVER_FEATURES, (uint32_t)(accept >> (32 * sel)));
    }
}

void simt_probe(struct vsim_machine *m, unsigned slot, uint32_t version)
{
    ck_assert_uint_eq(simt_r32(m, slot, VSIM_MMIO_MAGIC_VALUE), VSIM_MMIO_MAGIC);
    ck_assert_uint_eq(simt_r32(m, slot, VSIM_MMIO_VERSION), version);
    ck_assert_uint_ne(simt_r32(m, slot, VSIM_MMIO_DEVICE_ID), 0);
}

void simt_reset(struct vsim_machine *m, unsigned slot)
{
    simt_w32(m, slot, VSIM_MMIO_STATUS, 0);
    ck_assert_uint_eq(simt_r32(m, slot, VSIM_MMIO_STATUS), 0);
}

void simt_init_v2(struct vsim_machine *m, unsigned slot, uint64_t accept, struct simt_ring *r)
{
    simt_probe(m, slot, 2);
    simt_reset(m, slot);
    simt_w32(m, slot, VSIM_MMIO_STATUS, VSIM_STATUS_ACKNOWLEDGE);
    simt_w32(m, slot, VSIM_MMIO_STATUS, VSIM_STATUS_ACKNOWLEDGE | VSIM_STATUS_DRIVER);
    features(m, slot, accept);
    uint32_t st = VSIM_STATUS_ACKNOWLEDGE | VSIM_STATUS_DRIVER | VSIM_STATUS_FEATURES_OK;
    simt_w32(m, slot, VSIM_MMIO_STATUS, st);
    ck_assert_uint_eq(simt_r32(m, slot, VSIM_MMIO_STATUS), st);
    simt_w32(m, slot, VSIM_MMIO_QUEUE_SEL, 0);
    ck_assert_uint_eq(simt_r32(m, slot, VSIM_MMIO_QUEUE_READY), 0);
    ck_assert_uint_ge(simt_r32(m, slot, VSIM_MMIO_QUEUE_NUM_MAX), r->num);
    simt_w32(m, slot, VSIM_MMIO_QUEUE_NUM, r->num);
    simt_w32(m, slot, VSIM_MMIO_QUEUE_DESC_LOW, (uint32_t)r->desc_pa);
    simt_w32(m, slot, VSIM_MMIO_QUEUE_DESC_HIGH, (uint32_t)(r->desc_pa >> 32));
    simt_w32(m, slot, VSIM_MMIO_QUEUE_DRIVER_LOW, (uint32_t)r->avail_pa);
    simt_w32(m, slot, VSIM_MMIO_QUEUE_DRIVER_HIGH, (uint32_t)(r->avail_pa >> 32));
    simt_w32(m, slot, VSIM_MMIO_QUEUE_DEVICE_LOW, (uint32_t)r->used_pa);
    simt_w32(m, slot, VSIM_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)(r->used_pa >> 32));
    simt_w32(m, slot, VSIM_MMIO_QUEUE_READY, 1);
    simt_w32(m, slot, VSIM_MMIO_STATUS, st | VSIM_STATUS_DRIVER_OK);
}

void simt_init_v1(struct vsim_machine *m, unsigned slot, uint32_t accept, struct simt_ring *r)
{
    simt_probe(m, slot, 1);
    simt_reset(m, slot);
    simt_w32(m, slot, VSIM_MMIO_STATUS, VSIM_STATUS_ACKNOWLEDGE);
    simt_w32(m, slot, VSIM_MMIO_STATUS, VSIM_STATUS_ACKNOWLEDGE | VSIM_STATUS_DRIVER);
    features(m, slot, accept);
    simt_w32(m, slot, VSIM_MMIO_GUEST_PAGE_SIZE, 4096);
    simt_w32(m, slot, VSIM_MMIO_QUEUE_SEL, 0);
    ck_assert_uint_eq(simt_r32(m, slot, VSIM_MMIO_QUEUE_PFN), 0);
    ck_assert_uint_ge(simt_r32(m, slot, VSIM_MMIO_QUEUE_NUM_MAX), r->num);
    simt_w32(m, slot, VSIM_MMIO_QUEUE_NUM, r->num);
    simt_w32(m, slot, VSIM_MMIO_QUEUE_ALIGN, 4096);
    simt_w32(m, slot, VSIM_MMIO_QUEUE_PFN, (uint32_t)(r->pa / 4096));
    simt_w32(m, slot, VSIM_MMIO_STATUS,
             VSIM_STATUS_ACKNOWLEDGE | VSIM_STATUS_DRIVER | VSIM_STATUS_DRIVER_OK);
}

void simt_notify(struct vsim_machine *m, unsigned slot, uint16_t q)
{
    simt_w32(m, slot, VSIM_MMIO_QUEUE_NOTIFY, q);
}

void simt_assert_no_leaks(struct vsim_machine *m)
{
    ck_assert_uint_eq(vsim_machine_dma_pages_in_use(m), 0);
    ck_assert_uint_eq(vsim_machine_shares_in_use(m), 0);
}
