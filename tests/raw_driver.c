/* The raw driver of the conformance suites: register pokes and hand-built rings. */
#include "raw_driver.h"

#include <stdio.h>
#include <string.h>

#define PAGE 4096u
#define LEGACY_ALIGN 4096u
#define PCI_COMMAND 0x04u
#define PCI_BAR4 0x20u
#define PCI_CMD_MEMORY 0x2u
#define PCI_CMD_MASTER 0x4u

static struct vsim_machine *current; /* the running NEGATIVE_TEST's machine */

/* ---- the negative test frame ---- */

static void expect_only(const char *name, enum vsim_rule rule, struct vsim_machine *m)
{
    struct vsim_conform *c = vsim_machine_conform(m);
    size_t hits = vsim_conform_count_rule(c, rule), total = vsim_conform_count(c);
    if (hits == 0 || total != hits)
        vsim_conform_print(c, stderr);
    ck_assert_msg(hits > 0, "%s: %s was not recorded", name, vsim_rule_info(rule)->id);
    ck_assert_msg(total == hits, "%s: %zu violations of rules other than %s", name, total - hits,
                  vsim_rule_info(rule)->id);
}

void raw_negative(const char *name, const char *rule_id, void (*body)(struct raw *r))
{
    enum vsim_rule rule = vsim_rule_by_id(rule_id);
    ck_assert_msg(rule != VSIM_RULE_COUNT, "%s: no rule %s", name, rule_id);
    const char *proof = vsim_rule_info(rule)->negative_test;
    ck_assert_msg(proof && strcmp(proof, name) == 0, "%s: the catalogue proves %s with %s", name,
                  rule_id, proof ? proof : "nothing");
    struct raw r = {.m = vsim_machine_new(&(struct vsim_machine_opts){.spin_limit = 64})};
    ck_assert_ptr_nonnull(r.m);
    current = r.m;
    r.hal = vsim_machine_hal(r.m);
    body(&r);
    expect_only(name, rule, r.m);
    /* the raw driver's rings and buffers are test memory; HAL pages and shares must be back */
    ck_assert_uint_eq(vsim_machine_dma_pages_in_use(r.m), 0);
    ck_assert_uint_eq(vsim_machine_shares_in_use(r.m), 0);
    vsim_machine_free(r.m);
    current = NULL;
}

void raw_teardown(void)
{
    vsim_machine_free(current);
    current = NULL;
}

void raw_clean(struct raw *r)
{
    struct vsim_conform *c = vsim_machine_conform(r->m);
    if (vsim_conform_count(c))
        vsim_conform_print(c, stderr);
    ck_assert_uint_eq(vsim_conform_count(c), 0);
}

void raw_fault(struct raw *r, const char *rule)
{
    char err[VSIM_FAULT_ERR_MAX];
    ck_assert_msg(vsim_fault_parse(vsim_machine_faults(r->m), rule, err) == 0, "%s", err);
}

/* ---- registers ---- */

uint32_t raw_rd(struct raw *r, uint32_t off, unsigned width)
{
    const struct vio_hal *h = r->hal;
    uintptr_t a = r->base + off;
    return width == 1   ? h->read8(h->ctx, a)
           : width == 2 ? h->read16(h->ctx, a)
                        : h->read32(h->ctx, a);
}

void raw_wr(struct raw *r, uint32_t off, unsigned width, uint32_t val)
{
    const struct vio_hal *h = r->hal;
    uintptr_t a = r->base + off;
    if (width == 1)
        h->write8(h->ctx, a, (uint8_t)val);
    else if (width == 2)
        h->write16(h->ctx, a, (uint16_t)val);
    else
        h->write32(h->ctx, a, val);
}

static uintptr_t ecam(uint32_t off)
{
    return (uintptr_t)(VSIM_PCI_ECAM_BASE + VSIM_PCI_ECAM_OFF(RAW_PCI_DEV, 0) + off);
}

uint32_t raw_cfg_rd(struct raw *r, uint32_t off, unsigned width)
{
    const struct vio_hal *h = r->hal;
    return width == 1   ? h->read8(h->ctx, ecam(off))
           : width == 2 ? h->read16(h->ctx, ecam(off))
                        : h->read32(h->ctx, ecam(off));
}

void raw_cfg_wr(struct raw *r, uint32_t off, unsigned width, uint32_t val)
{
    const struct vio_hal *h = r->hal;
    if (width == 1)
        h->write8(h->ctx, ecam(off), (uint8_t)val);
    else if (width == 2)
        h->write16(h->ctx, ecam(off), (uint16_t)val);
    else
        h->write32(h->ctx, ecam(off), val);
}

/* ---- devices ---- */

void raw_attach(struct raw *r, enum raw_bus bus, struct vsim_device *d)
{
    ck_assert_ptr_nonnull(d);
    r->dev = d;
    r->bus = bus;
    if (bus != RAW_PCI) {
        ck_assert_int_eq(vsim_mmio_attach(r->m, RAW_SLOT, bus == RAW_MMIO1 ? 1 : 2, d), 0);
        r->base = (uintptr_t)VSIM_MMIO_SLOT_BASE(RAW_SLOT);
        return;
    }
    ck_assert_int_eq(vsim_pci_attach(r->m, RAW_PCI_DEV, 0, d, &(struct vsim_pci_attach_opts){0}),
                     0);
    /* BAR4 at the start of the window, then memory decoding and bus mastering on */
    raw_cfg_wr(r, PCI_BAR4, 4, (uint32_t)VSIM_PCI_MEM32_BASE);
    raw_cfg_wr(r, PCI_BAR4 + 4, 4, 0);
    raw_cfg_wr(r, PCI_COMMAND, 2, PCI_CMD_MEMORY | PCI_CMD_MASTER);
    r->base = (uintptr_t)VSIM_PCI_MEM32_BASE;
}

struct vsim_blk *raw_blk(struct raw *r, enum raw_bus bus, const struct vsim_blk_opts *o)
{
    struct vsim_blk *b = vsim_blk_new(r->m, o);
    ck_assert_ptr_nonnull(b);
    raw_attach(r, bus, vsim_blk_device(b));
    return b;
}

struct vsim_net *raw_net(struct raw *r, enum raw_bus bus, const struct vsim_net_opts *o)
{
    struct vsim_net *n = vsim_net_new(r->m, o);
    ck_assert_ptr_nonnull(n);
    raw_attach(r, bus, vsim_net_device(n));
    return n;
}

struct vsim_gpu *raw_gpu(struct raw *r, enum raw_bus bus, const struct vsim_gpu_opts *o)
{
    struct vsim_gpu *g = vsim_gpu_new(r->m, o);
    ck_assert_ptr_nonnull(g);
    raw_attach(r, bus, vsim_gpu_device(g));
    return g;
}

static void custom_config_read(void *priv, uint32_t off, void *buf, uint32_t len)
{
    (void)priv, (void)off;
    memset(buf, 0, len);
}

static bool custom_config_write(void *priv, uint32_t off, const void *buf, uint32_t len)
{
    (void)priv, (void)off, (void)buf, (void)len;
    return true;
}

/* Every chain is used at once, with nothing written. */
static void custom_queue_notify(void *priv, struct vsim_vq *vq)
{
    struct vsim_chain c;
    (void)priv;
    while (vsim_vq_pop(vq, &c))
        vsim_vq_push(vq, &c, 0);
}

static const struct vsim_device_ops custom_ops = {
    .config_read = custom_config_read,
    .config_write = custom_config_write,
    .queue_notify = custom_queue_notify,
};

void raw_custom(struct raw *r, enum raw_bus bus, uint32_t device_id, uint64_t features)
{
    struct vsim_device_model model = {.name = "custom",
                                      .device_id = device_id,
                                      .vendor_id = VSIM_MMIO_VENDOR,
                                      .features = features,
                                      .num_queues = 2,
                                      .queue_max = 128,
                                      .config_size = 16,
                                      .ops = &custom_ops};
    raw_attach(r, bus, vsim_device_create(r->m, &model));
}

/* ---- Device Initialization ---- */

static bool legacy(const struct raw *r)
{
    return r->bus == RAW_MMIO1;
}

void raw_probe(struct raw *r)
{
    if (r->bus == RAW_PCI) {
        ck_assert_uint_eq(raw_cfg_rd(r, 0, 2), VSIM_PCI_VENDOR_VIRTIO);
        return;
    }
    ck_assert_uint_eq(raw_rd(r, VSIM_MMIO_MAGIC_VALUE, 4), VSIM_MMIO_MAGIC);
    ck_assert_uint_eq(raw_rd(r, VSIM_MMIO_VERSION, 4), legacy(r) ? 1 : 2);
    ck_assert_uint_ne(raw_rd(r, VSIM_MMIO_DEVICE_ID, 4), 0);
}

uint8_t raw_status(struct raw *r)
{
    if (r->bus == RAW_PCI)
        return (uint8_t)raw_rd(r, RAW_C_DEVICE_STATUS, 1);
    return (uint8_t)raw_rd(r, VSIM_MMIO_STATUS, 4);
}

void raw_set_status(struct raw *r, uint8_t status)
{
    if (r->bus == RAW_PCI)
        raw_wr(r, RAW_C_DEVICE_STATUS, 1, status);
    else
        raw_wr(r, VSIM_MMIO_STATUS, 4, status);
}

void raw_reset(struct raw *r)
{
    raw_set_status(r, 0);
    ck_assert_uint_eq(raw_status(r), 0);
}

uint64_t raw_features(struct raw *r)
{
    uint64_t f = 0;
    for (uint32_t sel = 0; sel < 2; sel++) {
        uint32_t word;
        if (r->bus == RAW_PCI) {
            raw_wr(r, RAW_C_DEVICE_FEATURE_SELECT, 4, sel);
            word = raw_rd(r, RAW_C_DEVICE_FEATURE, 4);
        } else {
            raw_wr(r, VSIM_MMIO_DEVICE_FEATURES_SEL, 4, sel);
            word = raw_rd(r, VSIM_MMIO_DEVICE_FEATURES, 4);
        }
        f |= (uint64_t)word << (32 * sel);
    }
    return f;
}

void raw_accept(struct raw *r, uint64_t features)
{
    for (uint32_t sel = 0; sel < (legacy(r) ? 1u : 2u); sel++) {
        uint32_t word = (uint32_t)(features >> (32 * sel));
        if (r->bus == RAW_PCI) {
            raw_wr(r, RAW_C_DRIVER_FEATURE_SELECT, 4, sel);
            raw_wr(r, RAW_C_DRIVER_FEATURE, 4, word);
        } else {
            raw_wr(r, VSIM_MMIO_DRIVER_FEATURES_SEL, 4, sel);
            raw_wr(r, VSIM_MMIO_DRIVER_FEATURES, 4, word);
        }
    }
}

void raw_start(struct raw *r, uint64_t accept)
{
    raw_probe(r);
    raw_reset(r);
    raw_set_status(r, VSIM_STATUS_ACKNOWLEDGE);
    raw_set_status(r, VSIM_STATUS_ACKNOWLEDGE | VSIM_STATUS_DRIVER);
    (void)raw_features(r);
    raw_accept(r, accept);
}

uint8_t raw_steps(struct raw *r)
{
    uint8_t s = VSIM_STATUS_ACKNOWLEDGE | VSIM_STATUS_DRIVER;
    return legacy(r) ? s : (uint8_t)(s | VSIM_STATUS_FEATURES_OK);
}

bool raw_negotiate(struct raw *r, uint64_t accept)
{
    raw_start(r, accept);
    if (legacy(r))
        return true;
    raw_set_status(r, raw_steps(r));
    return raw_status(r) & VSIM_STATUS_FEATURES_OK;
}

void raw_ring(struct raw *r, uint16_t q, uint16_t num)
{
    struct raw_ring *g = &r->q[q];
    size_t desc = 16u * num, avail = 6u + 2u * num, used = 6u + 8u * num;
    size_t used_off = legacy(r) ? (desc + avail + LEGACY_ALIGN - 1) & ~(size_t)(LEGACY_ALIGN - 1)
                                : (desc + avail + 3) & ~(size_t)3;
    *g = (struct raw_ring){.num = num};
    g->desc = raw_buf(r, used_off + used, &g->pa);
    g->avail = g->desc + desc;
    g->used = g->desc + used_off;
    g->desc_pa = g->pa;
    g->avail_pa = g->pa + desc;
    g->used_pa = g->pa + used_off;
}

static void program_mmio(struct raw *r, uint16_t q)
{
    const struct raw_ring *g = &r->q[q];
    raw_wr(r, VSIM_MMIO_QUEUE_SEL, 4, q);
    ck_assert_uint_ge(raw_rd(r, VSIM_MMIO_QUEUE_NUM_MAX, 4), g->num);
    if (legacy(r)) {
        raw_wr(r, VSIM_MMIO_GUEST_PAGE_SIZE, 4, PAGE);
        raw_wr(r, VSIM_MMIO_QUEUE_NUM, 4, g->num);
        raw_wr(r, VSIM_MMIO_QUEUE_ALIGN, 4, LEGACY_ALIGN);
        raw_wr(r, VSIM_MMIO_QUEUE_PFN, 4, (uint32_t)(g->pa / PAGE));
        return;
    }
    raw_wr(r, VSIM_MMIO_QUEUE_NUM, 4, g->num);
    raw_wr(r, VSIM_MMIO_QUEUE_DESC_LOW, 4, (uint32_t)g->desc_pa);
    raw_wr(r, VSIM_MMIO_QUEUE_DESC_HIGH, 4, (uint32_t)(g->desc_pa >> 32));
    raw_wr(r, VSIM_MMIO_QUEUE_DRIVER_LOW, 4, (uint32_t)g->avail_pa);
    raw_wr(r, VSIM_MMIO_QUEUE_DRIVER_HIGH, 4, (uint32_t)(g->avail_pa >> 32));
    raw_wr(r, VSIM_MMIO_QUEUE_DEVICE_LOW, 4, (uint32_t)g->used_pa);
    raw_wr(r, VSIM_MMIO_QUEUE_DEVICE_HIGH, 4, (uint32_t)(g->used_pa >> 32));
    raw_wr(r, VSIM_MMIO_QUEUE_READY, 4, 1);
}

static void program_pci(struct raw *r, uint16_t q)
{
    const struct raw_ring *g = &r->q[q];
    raw_wr(r, RAW_C_QUEUE_SELECT, 2, q);
    ck_assert_uint_ge(raw_rd(r, RAW_C_QUEUE_SIZE, 2), g->num);
    raw_wr(r, RAW_C_QUEUE_SIZE, 2, g->num);
    const uint64_t pa[3] = {g->desc_pa, g->avail_pa, g->used_pa};
    const uint32_t off[3] = {RAW_C_QUEUE_DESC, RAW_C_QUEUE_DRIVER, RAW_C_QUEUE_DEVICE};
    for (unsigned i = 0; i < 3; i++) {
        raw_wr(r, off[i], 4, (uint32_t)pa[i]);
        raw_wr(r, off[i] + 4, 4, (uint32_t)(pa[i] >> 32));
    }
    raw_wr(r, RAW_C_QUEUE_ENABLE, 2, 1);
}

void raw_queue(struct raw *r, uint16_t q, uint16_t num)
{
    ck_assert_uint_lt(q, RAW_QUEUES);
    raw_ring(r, q, num);
    if (r->bus == RAW_PCI)
        program_pci(r, q);
    else
        program_mmio(r, q);
}

void raw_live(struct raw *r, uint64_t accept, uint16_t nq)
{
    ck_assert(raw_negotiate(r, accept));
    for (uint16_t q = 0; q < nq; q++)
        raw_queue(r, q, 8);
    raw_set_status(r, (uint8_t)(raw_steps(r) | VSIM_STATUS_DRIVER_OK));
}

void raw_notify(struct raw *r, uint16_t q)
{
    if (r->bus != RAW_PCI) {
        raw_wr(r, VSIM_MMIO_QUEUE_NOTIFY, 4, q);
        return;
    }
    /* Notification capability: the queue's own address, from its queue_notify_off */
    raw_wr(r, RAW_C_QUEUE_SELECT, 2, q);
    uint32_t off = raw_rd(r, RAW_C_QUEUE_NOTIFY_OFF, 2);
    raw_wr(r, VSIM_PCI_NOTIFY_OFF + off * VSIM_PCI_NOTIFY_MULTIPLIER, 2, q);
}

uint32_t raw_config_rd(struct raw *r, uint32_t off, unsigned width)
{
    return raw_rd(r, (r->bus == RAW_PCI ? VSIM_PCI_DEVICE_OFF : VSIM_MMIO_CONFIG) + off, width);
}

void raw_config_wr(struct raw *r, uint32_t off, unsigned width, uint32_t val)
{
    raw_wr(r, (r->bus == RAW_PCI ? VSIM_PCI_DEVICE_OFF : VSIM_MMIO_CONFIG) + off, width, val);
}

/* ---- rings and buffers ---- */

static void st16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void st32(uint8_t *p, uint32_t v)
{
    st16(p, (uint16_t)v);
    st16(p + 2, (uint16_t)(v >> 16));
}

void raw_desc_at(uint8_t *table, uint16_t i, uint64_t addr, uint32_t len, uint16_t flags,
                 uint16_t next)
{
    uint8_t *d = table + 16u * i;
    st32(d, (uint32_t)addr);
    st32(d + 4, (uint32_t)(addr >> 32));
    st32(d + 8, len);
    st16(d + 12, flags);
    st16(d + 14, next);
}

void raw_desc(struct raw *r, uint16_t q, uint16_t i, uint64_t addr, uint32_t len, uint16_t flags,
              uint16_t next)
{
    raw_desc_at(r->q[q].desc, i, addr, len, flags, next);
}

void raw_set_avail_idx(struct raw *r, uint16_t q, uint16_t idx)
{
    r->q[q].avail_idx = idx;
    st16(r->q[q].avail + 2, idx);
}

void raw_avail(struct raw *r, uint16_t q, uint16_t head)
{
    struct raw_ring *g = &r->q[q];
    st16(g->avail + 4 + 2u * (g->avail_idx % g->num), head);
    raw_set_avail_idx(r, q, (uint16_t)(g->avail_idx + 1));
}

uint16_t raw_used_idx(struct raw *r, uint16_t q)
{
    const uint8_t *p = r->q[q].used + 2;
    return (uint16_t)(p[0] | p[1] << 8);
}

uint8_t *raw_buf(struct raw *r, size_t bytes, uint64_t *pa)
{
    uint8_t *p = vsim_machine_mem_alloc(r->m, bytes);
    ck_assert_ptr_nonnull(p);
    *pa = vsim_machine_paddr(r->m, p);
    return p;
}

void raw_blk_request(struct raw *r, uint32_t type, uint64_t sector, uint32_t len)
{
    uint64_t pa;
    uint8_t *mem = raw_buf(r, PAGE + len, &pa);
    bool in = type == VSIM_BLK_T_IN || type == VSIM_BLK_T_GET_ID;
    st32(mem, type);
    st32(mem + 8, (uint32_t)sector);
    st32(mem + 12, (uint32_t)(sector >> 32));
    mem[16] = 0xff; /* the status the device must overwrite */
    raw_desc(r, 0, 0, pa, VSIM_BLK_REQ_HEADER, VSIM_VRING_DESC_F_NEXT, len ? 1 : 2);
    if (len)
        raw_desc(r, 0, 1, pa + PAGE, len,
                 (uint16_t)(VSIM_VRING_DESC_F_NEXT | (in ? VSIM_VRING_DESC_F_WRITE : 0)), 2);
    raw_desc(r, 0, 2, pa + 16, 1, VSIM_VRING_DESC_F_WRITE, 0);
    raw_avail(r, 0, 0);
}
