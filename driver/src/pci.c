/*
 * The modern virtio-pci transport (Virtio Over PCI Bus): device discovery,
 * Virtio Structure PCI Capabilities, and the common configuration, notify,
 * ISR and device configuration structures behind them.
 */
#include "vio/err.h"
#include "vio/pci.h"
#include "vio/spec.h"

#include "vio_internal.h"

/* Common configuration structure layout */
enum {
    COMMON_device_feature_select = 0x00,
    COMMON_device_feature = 0x04,
    COMMON_driver_feature_select = 0x08,
    COMMON_driver_feature = 0x0c,
    COMMON_num_queues = 0x12,
    COMMON_device_status = 0x14,
    COMMON_config_generation = 0x15,
    COMMON_queue_select = 0x16,
    COMMON_queue_size = 0x18,
    COMMON_queue_enable = 0x1c,
    COMMON_queue_notify_off = 0x1e,
    COMMON_queue_desc = 0x20,
    COMMON_queue_driver = 0x28,
    COMMON_queue_device = 0x30,
    COMMON_LEN = 0x38, /* everything up to queue_device, all this driver uses */
};

/* struct virtio_pci_cap and struct virtio_pci_notify_cap */
enum {
    CAP_cap_len = 2,
    CAP_cfg_type = 3,
    CAP_bar = 4,
    CAP_offset = 8,
    CAP_length = 12,
    CAP_notify_off_multiplier = 16,
    CAP_LEN = 16,
    NOTIFY_CAP_LEN = 20,
};

/* cfg_type values this driver uses; others are ignored as the spec asks */
enum {
    CFG_COMMON = 1,
    CFG_NOTIFY = 2,
    CFG_ISR = 3,
    CFG_DEVICE = 4,
};

#define PCI_ID_MODERN_BASE 0x1040u
#define PCI_ID_MODERN_LAST 0x107fu
#define PCI_ID_TRANSITIONAL_BASE 0x1000u
#define PCI_ID_TRANSITIONAL_LAST 0x103fu
#define BAR_SLOTS 6u
#define ISR_DEFINED_BITS 0x3u
#define NOTIFY_UNSET UINT32_MAX

static struct vio_pci_transport *to_pci(struct vio_transport *t)
{
    return (struct vio_pci_transport *)t;
}

static uint8_t c8(struct vio_pci_transport *p, uint32_t off)
{
    return p->t.hal->read8(p->t.hal->ctx, p->common.va + off);
}

static uint16_t c16(struct vio_pci_transport *p, uint32_t off)
{
    return p->t.hal->read16(p->t.hal->ctx, p->common.va + off);
}

static uint32_t c32(struct vio_pci_transport *p, uint32_t off)
{
    return p->t.hal->read32(p->t.hal->ctx, p->common.va + off);
}

static void w8(struct vio_pci_transport *p, uint32_t off, uint8_t v)
{
    p->t.hal->write8(p->t.hal->ctx, p->common.va + off, v);
}

static void w16(struct vio_pci_transport *p, uint32_t off, uint16_t v)
{
    p->t.hal->write16(p->t.hal->ctx, p->common.va + off, v);
}

static void w32(struct vio_pci_transport *p, uint32_t off, uint32_t v)
{
    p->t.hal->write32(p->t.hal->ctx, p->common.va + off, v);
}

/* PCI Device Layout: 64-bit fields are two 32-bit ones, low part first. */
static void w64(struct vio_pci_transport *p, uint32_t off, uint64_t v)
{
    w32(p, off, (uint32_t)v);
    w32(p, off + 4, (uint32_t)(v >> 32));
}

/* Waits, bounded by the HAL's spin limit, until the 16-bit common field @off reads @want. */
static bool wait_common(struct vio_pci_transport *p, uint32_t off, unsigned width, uint16_t want)
{
    const struct vio_hal *hal = p->t.hal;
    uint32_t limit = vio_hal_spin_limit(hal);
    for (uint32_t n = 0;; n++) {
        uint16_t v = width == 1 ? c8(p, off) : c16(p, off);
        if (v == want)
            return true;
        if (n == limit)
            return false;
        hal->relax(hal->ctx);
    }
}

static uint8_t pci_get_status(struct vio_transport *t)
{
    return c8(to_pci(t), COMMON_device_status);
}

static void pci_set_status(struct vio_transport *t, uint8_t status)
{
    w8(to_pci(t), COMMON_device_status, status);
}

static int pci_reset(struct vio_transport *t)
{
    struct vio_pci_transport *p = to_pci(t);
    /* Common configuration structure layout: wait for device_status to read 0 */
    w8(p, COMMON_device_status, 0);
    if (!wait_common(p, COMMON_device_status, 1, 0)) {
        t->broken = true;
        return VIO_ERR_NOT_READY;
    }
    for (unsigned i = 0; i < VIO_PCI_MAX_QUEUES; i++)
        p->queue_notify[i] = NOTIFY_UNSET;
    return 0;
}

static uint64_t pci_device_features(struct vio_transport *t)
{
    struct vio_pci_transport *p = to_pci(t);
    w32(p, COMMON_device_feature_select, 0);
    uint64_t lo = c32(p, COMMON_device_feature);
    w32(p, COMMON_device_feature_select, 1);
    uint64_t hi = c32(p, COMMON_device_feature);
    return hi << 32 | lo;
}

static void pci_set_driver_features(struct vio_transport *t, uint64_t features)
{
    struct vio_pci_transport *p = to_pci(t);
    w32(p, COMMON_driver_feature_select, 0);
    w32(p, COMMON_driver_feature, (uint32_t)features);
    w32(p, COMMON_driver_feature_select, 1);
    w32(p, COMMON_driver_feature, (uint32_t)(features >> 32));
}

static uint32_t pci_queue_max(struct vio_transport *t, uint16_t idx)
{
    struct vio_pci_transport *p = to_pci(t);
    /* queue_select beyond num_queues names nothing */
    if (idx >= p->num_queues)
        return 0;
    w16(p, COMMON_queue_select, idx);
    return c16(p, COMMON_queue_size);
}

static bool pci_queue_in_use(struct vio_transport *t, uint16_t idx)
{
    struct vio_pci_transport *p = to_pci(t);
    if (idx >= p->num_queues)
        return false;
    w16(p, COMMON_queue_select, idx);
    return c16(p, COMMON_queue_enable) != 0;
}

static int queue_refuse(struct vio_pci_transport *p, enum vio_pci_why why, int err)
{
    p->why = why;
    if (err != VIO_ERR_INVALID_PARAM)
        p->t.broken = true;
    return err;
}

static int pci_queue_setup(struct vio_transport *t, uint16_t idx, uint16_t size, vio_paddr_t desc,
                           vio_paddr_t avail, vio_paddr_t used)
{
    struct vio_pci_transport *p = to_pci(t);
    if (idx >= p->num_queues || idx >= VIO_PCI_MAX_QUEUES)
        return queue_refuse(p, VIO_PCI_WHY_QUEUE_RANGE, VIO_ERR_INVALID_PARAM);

    /* Virtqueue Configuration: select, size, the three areas, then enable */
    w16(p, COMMON_queue_select, idx);
    w16(p, COMMON_queue_size, size);
    w64(p, COMMON_queue_desc, desc);
    w64(p, COMMON_queue_driver, avail);
    w64(p, COMMON_queue_device, used);

    /* Notification capability: cap.offset + queue_notify_off * notify_off_multiplier */
    uint64_t off = (uint64_t)c16(p, COMMON_queue_notify_off) * p->notify_multiplier;
    if (off > p->notify.len - 2u)
        return queue_refuse(p, VIO_PCI_WHY_NOTIFY_OUTSIDE, VIO_ERR_UNSUPPORTED);

    /* the driver configures everything else before queue_enable, and never writes it 0 */
    w16(p, COMMON_queue_enable, 1);
    if (!wait_common(p, COMMON_queue_enable, 2, 1))
        return queue_refuse(p, VIO_PCI_WHY_QUEUE_ENABLE, VIO_ERR_NOT_READY);
    p->queue_notify[idx] = (uint32_t)off;
    return 0;
}

static void pci_queue_teardown(struct vio_transport *t, uint16_t idx)
{
    /*
     * Common configuration structure layout: the driver MUST NOT write 0 to
     * queue_enable, so a queue stops only with the device reset that follows.
     */
    struct vio_pci_transport *p = to_pci(t);
    if (idx < VIO_PCI_MAX_QUEUES)
        p->queue_notify[idx] = NOTIFY_UNSET;
}

static void pci_notify(struct vio_transport *t, uint16_t idx)
{
    struct vio_pci_transport *p = to_pci(t);
    if (idx >= VIO_PCI_MAX_QUEUES || p->queue_notify[idx] == NOTIFY_UNSET)
        return;
    /* Available Buffer Notifications: the 16-bit queue index at its notify address */
    t->hal->write16(t->hal->ctx, p->notify.va + p->queue_notify[idx], idx);
}

static uint32_t pci_ack_interrupt(struct vio_transport *t)
{
    /* ISR status capability: the read itself clears it */
    struct vio_pci_transport *p = to_pci(t);
    return t->hal->read8(t->hal->ctx, p->isr.va) & ISR_DEFINED_BITS;
}

static uint32_t pci_config_generation(struct vio_transport *t)
{
    return c8(to_pci(t), COMMON_config_generation);
}

static uint32_t pci_config_size(struct vio_transport *t)
{
    return to_pci(t)->device.len;
}

/* The address of @width bytes at @off of the device configuration, or 0 with *err set. */
static uintptr_t config_addr(struct vio_pci_transport *p, uint32_t off, unsigned width, int *err)
{
    *err = 0;
    /* PCI Device Layout: accesses as wide as the field and aligned */
    if ((width != 1 && width != 2 && width != 4) || off % width != 0) {
        *err = VIO_ERR_INVALID_PARAM;
        return 0;
    }
    if (p->device.len == 0) {
        *err = VIO_ERR_CONFIG_SPACE_MISSING;
        return 0;
    }
    if (off > p->device.len || width > p->device.len - off) {
        *err = VIO_ERR_CONFIG_SPACE_TOO_SMALL;
        return 0;
    }
    return p->device.va + off;
}

static int pci_config_read(struct vio_transport *t, uint32_t off, unsigned width, uint32_t *val)
{
    const struct vio_hal *hal = t->hal;
    int err;
    uintptr_t a = config_addr(to_pci(t), off, width, &err);
    if (err < 0)
        return err;
    if (width == 1)
        *val = hal->read8(hal->ctx, a);
    else if (width == 2)
        *val = hal->read16(hal->ctx, a);
    else
        *val = hal->read32(hal->ctx, a);
    return 0;
}

static int pci_config_write(struct vio_transport *t, uint32_t off, unsigned width, uint32_t val)
{
    const struct vio_hal *hal = t->hal;
    int err;
    uintptr_t a = config_addr(to_pci(t), off, width, &err);
    if (err < 0)
        return err;
    if (width == 1)
        hal->write8(hal->ctx, a, (uint8_t)val);
    else if (width == 2)
        hal->write16(hal->ctx, a, (uint16_t)val);
    else
        hal->write32(hal->ctx, a, val);
    return 0;
}

static const struct vio_transport_ops vio_pci_ops = {
    .get_status = pci_get_status,
    .set_status = pci_set_status,
    .reset = pci_reset,
    .device_features = pci_device_features,
    .set_driver_features = pci_set_driver_features,
    .queue_max = pci_queue_max,
    .queue_in_use = pci_queue_in_use,
    .queue_setup = pci_queue_setup,
    .queue_teardown = pci_queue_teardown,
    .notify = pci_notify,
    .ack_interrupt = pci_ack_interrupt,
    .config_generation = pci_config_generation,
    .config_read = pci_config_read,
    .config_write = pci_config_write,
    .config_size = pci_config_size,
};

uint32_t vio_pci_virtio_type(uint16_t pci_device_id)
{
    /* PCI Device Discovery: 0x1040 + type, or the transitional table */
    if (pci_device_id >= PCI_ID_MODERN_BASE && pci_device_id <= PCI_ID_MODERN_LAST)
        return pci_device_id - PCI_ID_MODERN_BASE;
    switch (pci_device_id) {
    case 0x1000:
        return VIO_ID_NET;
    case 0x1001:
        return VIO_ID_BLOCK;
    case 0x1002:
        return VIO_ID_BALLOON;
    case 0x1003:
        return VIO_ID_CONSOLE;
    case 0x1004:
        return VIO_ID_SCSI;
    case 0x1005:
        return VIO_ID_ENTROPY;
    case 0x1009:
        return VIO_ID_9P;
    default:
        return VIO_ID_INVALID;
    }
}

/* What probing found: the BARs sized so far, and per cfg_type the first refusal. */
struct probe_state {
    struct vio_pci_root *r;
    struct vio_pci_bar bars[BAR_SLOTS];
    uint8_t sized; /* bit i: bars[i] is valid */
    bool found[CFG_DEVICE + 1];
    enum vio_pci_why rejected[CFG_DEVICE + 1];
    uint8_t bar[CFG_DEVICE + 1]; /* where each found structure lives */
    uint32_t offset[CFG_DEVICE + 1];
};

/* Checks that BAR @idx is a sized memory BAR inside one of the root's windows. */
static enum vio_pci_why check_bar(struct probe_state *s, uint16_t bdf, unsigned idx)
{
    struct vio_pci_bar *bar = &s->bars[idx];
    if ((s->sized & (1u << idx)) == 0) {
        if (vio_pci_bar_probe(s->r, bdf, idx, bar) < 0)
            bar->kind = VIO_PCI_BAR_UPPER;
        s->sized |= (uint8_t)(1u << idx);
    }
    if (bar->kind == VIO_PCI_BAR_IO)
        return VIO_PCI_WHY_BAR_IO;
    if (bar->kind != VIO_PCI_BAR_MEM32 && bar->kind != VIO_PCI_BAR_MEM64)
        return VIO_PCI_WHY_BAR_UNSIZED;
    const struct vio_pci_window *w[2] = {&s->r->mem32, &s->r->mem64};
    for (unsigned i = 0; i < 2; i++) {
        if (w[i]->size != 0 && bar->addr >= w[i]->base && bar->addr - w[i]->base < w[i]->size &&
            bar->size <= w[i]->size - (bar->addr - w[i]->base))
            return VIO_PCI_WHY_OK;
    }
    return VIO_PCI_WHY_BAR_UNASSIGNED;
}

/* Structure offsets: common and device config 4-byte, notify 2-byte aligned, ISR anything. */
static uint32_t cfg_align(uint8_t type)
{
    if (type == CFG_NOTIFY)
        return 2;
    return type == CFG_ISR ? 1 : 4;
}

/*
 * Validates one virtio capability at @off and maps its structure into @p;
 * *ignored when its bar value is reserved (the spec says to skip it).
 */
static enum vio_pci_why take_cap(struct vio_pci_transport *p, struct probe_state *s, uint8_t off,
                                 uint8_t type, bool *ignored)
{
    struct vio_pci_root *r = s->r;
    uint16_t bdf = p->bdf;
    unsigned need = type == CFG_NOTIFY ? NOTIFY_CAP_LEN : CAP_LEN;
    /* the structure must fit both its cap_len and the 256-byte capability area */
    if (off + need > 256u || vio_pci_cfg_read8(r, bdf, (uint16_t)(off + CAP_cap_len)) < need)
        return VIO_PCI_WHY_CAP_LEN;
    uint8_t bar = vio_pci_cfg_read8(r, bdf, (uint16_t)(off + CAP_bar));
    *ignored = bar >= BAR_SLOTS;
    if (*ignored)
        return VIO_PCI_WHY_OK;
    uint32_t offset = vio_pci_cfg_read32(r, bdf, (uint16_t)(off + CAP_offset));
    uint32_t length = vio_pci_cfg_read32(r, bdf, (uint16_t)(off + CAP_length));

    enum vio_pci_why why = check_bar(s, bdf, bar);
    if (why != VIO_PCI_WHY_OK)
        return why;
    if ((uint64_t)offset + length > s->bars[bar].size)
        return VIO_PCI_WHY_CAP_OUTSIDE_BAR;
    if (offset % cfg_align(type) != 0)
        return VIO_PCI_WHY_CAP_MISALIGNED;

    struct vio_pci_region *reg = &p->device;
    if (type == CFG_COMMON) {
        if (length < COMMON_LEN)
            return VIO_PCI_WHY_COMMON_TOO_SHORT;
        reg = &p->common;
    } else if (type == CFG_NOTIFY) {
        /* Notification capability: an even power of two, or 0 (one address for all) */
        uint32_t mult = vio_pci_cfg_read32(r, bdf, (uint16_t)(off + CAP_notify_off_multiplier));
        if (mult != 0 && (mult == 1 || !vio__is_pow2(mult)))
            return VIO_PCI_WHY_NOTIFY_MULTIPLIER;
        if (length < 2)
            return VIO_PCI_WHY_CAP_LEN;
        p->notify_multiplier = mult;
        reg = &p->notify;
    } else if (type == CFG_ISR) {
        if (length < 1)
            return VIO_PCI_WHY_CAP_LEN;
        reg = &p->isr;
    } else {
        /* the driver may map less than a long structure: 4 KiB covers every device type */
        length = length > VIO_PCI_REGION_CAP ? VIO_PCI_REGION_CAP : length;
    }
    reg->len = length;
    s->bar[type] = bar;
    s->offset[type] = offset;
    return VIO_PCI_WHY_OK;
}

/* Maps the structures found, once the function decodes its BARs. */
static void map_structures(struct vio_pci_transport *p, const struct probe_state *s)
{
    const struct vio_hal *hal = p->t.hal;
    struct vio_pci_region *reg[CFG_DEVICE + 1] = {
        [CFG_COMMON] = &p->common,
        [CFG_NOTIFY] = &p->notify,
        [CFG_ISR] = &p->isr,
        [CFG_DEVICE] = &p->device,
    };
    for (unsigned type = CFG_COMMON; type <= CFG_DEVICE; type++) {
        if (reg[type]->len != 0)
            reg[type]->va = hal->phys_to_virt(
                hal->ctx, s->bars[s->bar[type]].addr + s->offset[type], reg[type]->len);
    }
}

static int probe_refuse(struct vio_pci_transport *p, struct vio_pci_root *r, enum vio_pci_why why,
                        int err)
{
    p->why = why;
    r->why = why;
    return err;
}

/* Virtio Device Configuration Layout Detection: the first usable capability of each type. */
static int walk_caps(struct vio_pci_transport *p, struct probe_state *s)
{
    struct vio_pci_root *r = s->r;
    struct vio_pci_cap_iter it;
    /* Non-transitional drivers fail gracefully on a device without the capabilities */
    int rc = vio_pci_cap_first(r, p->bdf, &it);
    uint8_t off, id;
    while (rc == 0 && (rc = vio_pci_cap_next(r, p->bdf, &it, &off, &id)) == 1) {
        rc = 0;
        if (id != VIO_PCI_CAP_ID_VNDR)
            continue;
        uint8_t type = vio_pci_cfg_read8(r, p->bdf, (uint16_t)(off + CAP_cfg_type));
        /* reserved cfg_type values are ignored; so are types this driver does not use */
        if (type < CFG_COMMON || type > CFG_DEVICE || s->found[type])
            continue;
        bool ignored = false;
        enum vio_pci_why why = take_cap(p, s, off, type, &ignored);
        if (ignored)
            continue;
        if (why == VIO_PCI_WHY_OK)
            s->found[type] = true;
        else if (s->rejected[type] == VIO_PCI_WHY_OK)
            s->rejected[type] = why;
    }
    if (rc < 0)
        return probe_refuse(p, r, r->why, rc);

    static const enum vio_pci_why missing[] = {
        [CFG_COMMON] = VIO_PCI_WHY_NO_COMMON_CFG,
        [CFG_NOTIFY] = VIO_PCI_WHY_NO_NOTIFY_CFG,
        [CFG_ISR] = VIO_PCI_WHY_NO_ISR_CFG,
    };
    for (uint8_t type = CFG_COMMON; type <= CFG_DEVICE; type++) {
        if (s->found[type])
            continue;
        /* a rejected instance says more than "none": why it could not be used */
        enum vio_pci_why why = s->rejected[type];
        if (why != VIO_PCI_WHY_OK)
            return probe_refuse(p, r, why, VIO_ERR_UNSUPPORTED);
        /* the device configuration is optional (Device-specific configuration) */
        if (type != CFG_DEVICE)
            return probe_refuse(p, r, missing[type], VIO_ERR_UNSUPPORTED);
    }
    return 0;
}

int vio_pci_probe(struct vio_pci_transport *p, struct vio_pci_root *r, uint16_t bdf)
{
    vio__zero(p, sizeof *p);
    p->t.ops = &vio_pci_ops;
    p->t.hal = r->hal;
    p->bdf = bdf;
    for (unsigned i = 0; i < VIO_PCI_MAX_QUEUES; i++)
        p->queue_notify[i] = NOTIFY_UNSET;

    uint8_t bus = VIO_PCI_BDF_BUS(bdf);
    if (bus < r->bus_first || bus > r->bus_last)
        return probe_refuse(p, r, VIO_PCI_WHY_BAD_BDF, VIO_ERR_INVALID_PARAM);
    uint16_t vendor = vio_pci_cfg_read16(r, bdf, VIO_PCI_VENDOR_ID);
    if (vendor == UINT16_MAX || vendor == 0)
        return probe_refuse(p, r, VIO_PCI_WHY_NO_DEVICE, VIO_ERR_NOT_READY);
    /* PCI Device Discovery: vendor 0x1af4, a modern id or a transitional one of the table */
    p->pci_device_id = vio_pci_cfg_read16(r, bdf, VIO_PCI_DEVICE_ID);
    p->t.device_id = vio_pci_virtio_type(p->pci_device_id);
    if (vendor != VIO_PCI_VENDOR_VIRTIO || p->t.device_id == VIO_ID_INVALID)
        return probe_refuse(p, r, VIO_PCI_WHY_NOT_VIRTIO, VIO_ERR_UNSUPPORTED);
    uint8_t ht = vio_pci_cfg_read8(r, bdf, VIO_PCI_HEADER_TYPE);
    if ((ht & ~VIO_PCI_HEADER_MULTIFUNCTION) != VIO_PCI_HEADER_NORMAL)
        return probe_refuse(p, r, VIO_PCI_WHY_BAD_HEADER, VIO_ERR_UNSUPPORTED);
    /* Drivers MUST match any PCI Revision ID value: recorded, never checked */
    p->revision = vio_pci_cfg_read8(r, bdf, VIO_PCI_REVISION);

    struct probe_state s = {.r = r};
    int rc = walk_caps(p, &s);
    if (rc < 0)
        return rc;

    uint16_t cmd = vio_pci_cfg_read16(r, bdf, VIO_PCI_COMMAND);
    vio_pci_cfg_write16(r, bdf, VIO_PCI_COMMAND,
                        cmd | VIO_PCI_COMMAND_MEMORY | VIO_PCI_COMMAND_MASTER);
    map_structures(p, &s);
    p->num_queues = c16(p, COMMON_num_queues);
    p->why = VIO_PCI_WHY_OK;
    r->why = VIO_PCI_WHY_OK;
    return 0;
}
