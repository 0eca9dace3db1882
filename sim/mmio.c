/*
 * The virtio-mmio register file (Virtio Over MMIO), legacy and modern, with
 * the side effects of every register. Accesses the MMIO Device Register
 * Layout forbids are recorded and then ignored (reads give 0).
 */
#include <stdlib.h>

#include "internal.h"
#include "vio/err.h"
#include "vsim/mmio.h"
#include "vsim/spec.h"

#define SLOT_SIZE 0x1000u
#define QUEUE_ALIGN_DEFAULT 4096u

struct reg {
    const char *name;
    uint8_t dir;
    uint8_t versions;
};

static const struct reg regs[VSIM_MMIO_CONFIG / 4] = {
#define VSIM__MMIO_REG(e, off, name, dir, ver)                                                     \
    [(off) / 4] = {name, VSIM_MMIO_##dir, VSIM_MMIO_##ver},
    VSIM_MMIO_REGS(VSIM__MMIO_REG)
#undef VSIM__MMIO_REG
};

/* The driver's per-queue programming, before it reaches the device core. */
struct mmio_queue {
    uint32_t num;
    uint32_t align; /* v1 */
    uint32_t pfn;   /* v1 */
    uint32_t ready; /* v2: last value written */
    uint64_t desc, driver, device;
};

struct mmio_slot {
    struct vsim_machine *m;
    struct vsim_device *d; /* NULL: an empty slot */
    unsigned version;
    char where[8];
    uint32_t dev_sel, drv_sel;
    bool dev_sel_written, drv_sel_written;
    uint32_t queue_sel;
    uint32_t page_size; /* v1 GuestPageSize, 0 until written */
    bool ignored;       /* the driver saw a value that says "leave this device alone" */
    struct mmio_queue *q;
    uint8_t probe_seen;    /* MMIO-16: PROBE_* registers read so far */
    bool probe_reported;   /* MMIO-16 recorded once */
    int32_t ready_unread;  /* MMIO-13: the queue whose QueueReady 0 awaits its read, or -1 */
    uint32_t isr_reported; /* MMIO-14: InterruptStatus bits read and not acknowledged */
};

#define PROBE_MAGIC 1u
#define PROBE_VERSION 2u
#define PROBE_DEVICE_ID 4u
#define PROBE_ALL 7u

const char *vsim_mmio_reg_name(uint32_t off, unsigned version)
{
    if (off >= VSIM_MMIO_CONFIG || off % 4 || version < 1 || version > 2)
        return NULL;
    const struct reg *r = &regs[off / 4];
    return r->name && (r->versions & version) ? r->name : NULL;
}

/* @fmt takes the register's name, the offset and the width in bits. */
static void violation(struct mmio_slot *s, enum vsim_rule rule, const char *fmt, const char *name,
                      uint32_t off, unsigned width)
{
    vsim__violation(s->m, rule, s->d ? vsim_device_label(s->d) : s->where, fmt, name ? name : "?",
                    off, width * 8);
}

static struct mmio_queue *selected(struct mmio_slot *s)
{
    return s->d && s->queue_sel < vsim_device_num_queues(s->d) ? &s->q[s->queue_sel] : NULL;
}

static bool queue_live(const struct mmio_slot *s, const struct mmio_queue *q)
{
    return s->version == 1 ? q->pfn != 0 : q->ready != 0;
}

static void reset_transport(struct mmio_slot *s)
{
    s->dev_sel = s->drv_sel = 0;
    s->dev_sel_written = s->drv_sel_written = false;
    s->queue_sel = 0;
    s->ready_unread = -1;
    s->isr_reported = 0;
    for (uint16_t i = 0; s->d && i < vsim_device_num_queues(s->d); i++)
        s->q[i] = (struct mmio_queue){.align = QUEUE_ALIGN_DEFAULT};
}

static uint32_t read_reg(struct mmio_slot *s, uint32_t off)
{
    struct vsim_device *d = s->d;
    struct mmio_queue *q = selected(s);
    uint64_t v;
    switch (off) {
    case VSIM_MMIO_MAGIC_VALUE:
        /* A fault may read the right value back: only a wrong one tells the driver to leave. */
        v = VSIM_MMIO_MAGIC - 1;
        if (!d || !vsim_device_fault(d, VSIM_FAULT_BAD_MAGIC, &v))
            v = VSIM_MMIO_MAGIC;
        s->ignored = (uint32_t)v != VSIM_MMIO_MAGIC;
        return (uint32_t)v;
    case VSIM_MMIO_VERSION:
        v = 3;
        if (d && vsim_device_fault(d, VSIM_FAULT_BAD_VERSION, &v)) {
            if ((uint32_t)v != 1 && (uint32_t)v != 2) /* MMIO Device Register Layout */
                s->ignored = true;
            return (uint32_t)v;
        }
        return s->version;
    case VSIM_MMIO_DEVICE_ID:
        if (!d || vsim_device_fault(d, VSIM_FAULT_DEVICE_ID_ZERO, NULL)) {
            if (d)
                s->ignored = true;
            return 0;
        }
        return vsim_device_id(d);
    case VSIM_MMIO_VENDOR_ID:
        return VSIM_MMIO_VENDOR;
    case VSIM_MMIO_DEVICE_FEATURES:
        if (!s->dev_sel_written)
            vsim_device_violation(d, VSIM_RULE_MMIO_FEATURES_SEL,
                                  "DeviceFeatures read before DeviceFeaturesSel was written");
        return vsim_device_features_word(d, s->dev_sel);
    case VSIM_MMIO_QUEUE_NUM_MAX:
        if (q && s->version == 1 && q->pfn)
            vsim_device_violation(d, VSIM_RULE_MMIO_QUEUE_LIVE,
                                  "QueueNumMax read while QueuePFN of queue %u is set",
                                  s->queue_sel);
        return vsim_device_queue_max(
            d, (uint16_t)(s->queue_sel > UINT16_MAX ? UINT16_MAX : s->queue_sel));
    case VSIM_MMIO_QUEUE_PFN:
        if (q && vsim_device_fault(d, VSIM_FAULT_QUEUE_IN_USE, NULL))
            return q->pfn ? q->pfn : 1;
        return q ? q->pfn : 0;
    case VSIM_MMIO_QUEUE_READY:
        if (q && vsim_device_fault(d, VSIM_FAULT_QUEUE_IN_USE, NULL))
            return 1;
        return q ? q->ready : 0;
    case VSIM_MMIO_INTERRUPT_STATUS:
        s->isr_reported |= vsim_device_isr(d);
        return vsim_device_isr(d);
    case VSIM_MMIO_STATUS:
        return vsim_device_read_status(d);
    case VSIM_MMIO_SHM_LEN_LOW:
    case VSIM_MMIO_SHM_LEN_HIGH:
    case VSIM_MMIO_SHM_BASE_LOW:
    case VSIM_MMIO_SHM_BASE_HIGH:
        /* MMIO-specific Initialization: a driver expecting no shared memory leaves these alone */
        vsim_device_violation(d, VSIM_RULE_MMIO_SHM, "%s read",
                              vsim_mmio_reg_name(off, s->version));
        return UINT32_MAX; /* no shared memory regions */
    case VSIM_MMIO_QUEUE_RESET:
        vsim_device_violation(d, VSIM_RULE_MMIO_UNDEFINED,
                              "QueueReset read without VIRTIO_F_RING_RESET");
        return 0;
    case VSIM_MMIO_CONFIG_GENERATION:
        return vsim_device_generation(d);
    default:
        return 0;
    }
}

static void enable_queue(struct mmio_slot *s, struct mmio_queue *q, uint64_t desc, uint64_t avail,
                         uint64_t used)
{
    uint32_t max = vsim_device_queue_limit(s->d, (uint16_t)s->queue_sel);
    struct vsim_vq *vq = vsim_device_vq(s->d, (uint16_t)s->queue_sel);
    if (q->num == 0 || q->num > max) {
        vsim_device_violation(s->d, VSIM_RULE_MMIO_QUEUE_NUM,
                              "queue %u enabled with QueueNum %u, QueueNumMax %u", s->queue_sel,
                              q->num, max);
        vsim_device_needs_reset(s->d);
        return;
    }
    if (!vsim_vq_enable(vq, (uint16_t)q->num, desc, avail, used))
        vsim_device_needs_reset(s->d);
}

/* Legacy Interfaces: A Note on Virtqueue Layout: desc, avail, then used at the next QueueAlign. */
static void legacy_pfn(struct mmio_slot *s, struct mmio_queue *q, uint32_t pfn)
{
    struct vsim_vq *vq = vsim_device_vq(s->d, (uint16_t)s->queue_sel);
    if (pfn == 0) {
        q->pfn = 0;
        vsim_vq_disable(vq);
        return;
    }
    if (q->pfn) {
        vsim_device_violation(s->d, VSIM_RULE_MMIO_QUEUE_LIVE,
                              "QueuePFN of live queue %u rewritten", s->queue_sel);
        return;
    }
    q->pfn = pfn;
    if (!s->page_size) {
        vsim_device_violation(s->d, VSIM_RULE_MMIO_LEGACY_QUEUE,
                              "QueuePFN written before GuestPageSize");
        vsim_device_needs_reset(s->d);
        return;
    }
    uint64_t desc = (uint64_t)pfn * s->page_size;
    uint64_t avail = desc + 16u * (uint64_t)q->num;
    uint64_t used = (avail + 6u + 2u * (uint64_t)q->num + q->align - 1) & ~((uint64_t)q->align - 1);
    enable_queue(s, q, desc, avail, used);
}

static void set_half(uint64_t *v, bool high, uint32_t val)
{
    *v = high ? (*v & UINT32_MAX) | ((uint64_t)val << 32) : (*v & ~(uint64_t)UINT32_MAX) | val;
}

static void write_queue_addr(struct mmio_queue *q, uint32_t off, uint32_t val)
{
    uint32_t base = off & ~7u;
    bool high = off & 4u;
    if (base == VSIM_MMIO_QUEUE_DESC_LOW)
        set_half(&q->desc, high, val);
    else if (base == VSIM_MMIO_QUEUE_DRIVER_LOW)
        set_half(&q->driver, high, val);
    else
        set_half(&q->device, high, val);
}

static bool pow2(uint32_t v)
{
    return v && !(v & (v - 1));
}

static void write_reg(struct mmio_slot *s, uint32_t off, uint32_t val)
{
    struct vsim_device *d = s->d;
    struct mmio_queue *q = selected(s);
    switch (off) {
    case VSIM_MMIO_DEVICE_FEATURES_SEL:
        s->dev_sel = val;
        s->dev_sel_written = true;
        return;
    case VSIM_MMIO_DRIVER_FEATURES:
        if (!s->drv_sel_written)
            vsim_device_violation(d, VSIM_RULE_MMIO_FEATURES_SEL,
                                  "DriverFeatures written before DriverFeaturesSel");
        vsim_device_set_driver_word(d, s->drv_sel, val);
        return;
    case VSIM_MMIO_DRIVER_FEATURES_SEL:
        s->drv_sel = val;
        s->drv_sel_written = true;
        return;
    case VSIM_MMIO_GUEST_PAGE_SIZE:
        if (!pow2(val))
            vsim_device_violation(d, VSIM_RULE_MMIO_LEGACY_QUEUE, "GuestPageSize %u", val);
        s->page_size = pow2(val) ? val : 0;
        return;
    case VSIM_MMIO_QUEUE_SEL:
        s->queue_sel = val;
        return;
    case VSIM_MMIO_QUEUE_NOTIFY:
        if (val > UINT16_MAX)
            vsim_device_violation(d, VSIM_RULE_MMIO_NOTIFY, "QueueNotify 0x%x", val);
        else
            vsim_device_notify(d, (uint16_t)val);
        return;
    case VSIM_MMIO_INTERRUPT_ACK:
        if (val & ~(VSIM_ISR_QUEUE | VSIM_ISR_CONFIG))
            vsim_device_violation(d, VSIM_RULE_MMIO_ACK_BITS, "InterruptACK 0x%x", val);
        else if (val & ~s->isr_reported)
            vsim_device_violation(d, VSIM_RULE_MMIO_ACK_REPORTED,
                                  "InterruptACK 0x%x, InterruptStatus reported 0x%x", val,
                                  s->isr_reported);
        s->isr_reported &= ~val;
        vsim_device_isr_ack(d, val);
        return;
    case VSIM_MMIO_STATUS:
        vsim_device_write_status(d, (uint8_t)val);
        if ((uint8_t)val == 0)
            reset_transport(s);
        return;
    case VSIM_MMIO_SHM_SEL:
        vsim_device_violation(d, VSIM_RULE_MMIO_SHM, "SHMSel = %u written", val);
        return;
    case VSIM_MMIO_QUEUE_RESET:
        vsim_device_violation(d, VSIM_RULE_MMIO_UNDEFINED,
                              "QueueReset written without VIRTIO_F_RING_RESET");
        return;
    default:
        break;
    }
    /* The rest program the selected queue. */
    if (!q) {
        vsim_device_violation(d, VSIM_RULE_MMIO_QUEUE_NUM, "%s written for unavailable queue %u",
                              vsim_mmio_reg_name(off, s->version), s->queue_sel);
        return;
    }
    if (off == VSIM_MMIO_QUEUE_PFN) {
        legacy_pfn(s, q, val);
        return;
    }
    if (off == VSIM_MMIO_QUEUE_READY) {
        if (val == 0) {
            q->ready = 0;
            s->ready_unread = (int32_t)s->queue_sel;
            vsim_vq_disable(vsim_device_vq(d, (uint16_t)s->queue_sel));
        } else if (!q->ready) {
            q->ready = val;
            enable_queue(s, q, q->desc, q->driver, q->device);
        }
        return;
    }
    if (queue_live(s, q)) {
        vsim_device_violation(d, VSIM_RULE_MMIO_QUEUE_LIVE, "%s = 0x%x while queue %u is live",
                              vsim_mmio_reg_name(off, s->version), val, s->queue_sel);
        return;
    }
    if (off == VSIM_MMIO_QUEUE_NUM) {
        if (val > vsim_device_queue_limit(d, (uint16_t)s->queue_sel))
            vsim_device_violation(d, VSIM_RULE_MMIO_QUEUE_NUM, "QueueNum %u above QueueNumMax",
                                  val);
        q->num = val;
    } else if (off == VSIM_MMIO_QUEUE_ALIGN) {
        if (!pow2(val))
            vsim_device_violation(d, VSIM_RULE_MMIO_LEGACY_QUEUE, "QueueAlign %u", val);
        else
            q->align = val;
    } else {
        write_queue_addr(q, off, val);
    }
}

static bool allowed_when_ignored(uint32_t off)
{
    return off == VSIM_MMIO_MAGIC_VALUE || off == VSIM_MMIO_VERSION || off == VSIM_MMIO_DEVICE_ID;
}

/* Common checks; returns the register, or NULL when the access must be dropped. */
static const struct reg *check(struct mmio_slot *s, uint32_t off, unsigned width, bool write)
{
    const struct reg *r = off < VSIM_MMIO_CONFIG && off % 4 == 0 ? &regs[off / 4] : NULL;
    const char *name = vsim_mmio_reg_name(off & ~3u, s->version);
    if (!name) {
        violation(s, VSIM_RULE_MMIO_UNDEFINED, "%s: offset 0x%03x (width %u) is no register", NULL,
                  off, width);
        return NULL;
    }
    if (!r || width != 4) {
        violation(s, VSIM_RULE_MMIO_WIDTH, "%s at 0x%03x accessed with width %u", name, off, width);
        return NULL;
    }
    if (!(r->dir & (write ? VSIM_MMIO_W : VSIM_MMIO_R))) {
        violation(s, write ? VSIM_RULE_MMIO_WRITE_RO : VSIM_RULE_MMIO_READ_WO,
                  write ? "%s at 0x%03x written (width %u)" : "%s at 0x%03x read (width %u)", name,
                  off, width);
        return NULL;
    }
    if ((!s->d || s->ignored) && !allowed_when_ignored(off)) {
        violation(s, VSIM_RULE_MMIO_IGNORED_DEVICE,
                  s->d
                      ? "%s at 0x%03x accessed after the probe said to ignore the device (width %u)"
                      : "%s at 0x%03x accessed on an empty slot (width %u)",
                  name, off, width);
        if (!s->d)
            return NULL;
    }
    return r;
}

/*
 * The order the driver must keep: a probe first (MMIO-specific
 * Initialization), and a QueueReady of 0 read back before anything else
 * (MMIO Device Register Layout). Only for a device the driver may use.
 */
static void check_sequence(struct mmio_slot *s, uint32_t off, bool write)
{
    if (!s->d || s->ignored)
        return;
    if (s->probe_seen != PROBE_ALL) {
        unsigned bit = write                          ? 0
                       : off == VSIM_MMIO_MAGIC_VALUE ? PROBE_MAGIC
                       : off == VSIM_MMIO_VERSION     ? PROBE_VERSION
                       : off == VSIM_MMIO_DEVICE_ID   ? PROBE_DEVICE_ID
                                                      : 0;
        s->probe_seen |= (uint8_t)bit;
        if (!bit && !s->probe_reported) {
            s->probe_reported = true;
            vsim_device_violation(s->d, VSIM_RULE_MMIO_PROBE_FIRST,
                                  "%s of 0x%03x before MagicValue, Version and DeviceID were read",
                                  write ? "write" : "read", off);
        }
    }
    if (s->ready_unread >= 0) {
        bool read_back =
            !write && off == VSIM_MMIO_QUEUE_READY && s->queue_sel == (uint32_t)s->ready_unread;
        if (!read_back)
            vsim_device_violation(s->d, VSIM_RULE_MMIO_READY_READ,
                                  "%s of 0x%03x before QueueReady of queue %d was read back",
                                  write ? "write" : "read", off, s->ready_unread);
        s->ready_unread = -1;
    }
}

static bool check_config(struct mmio_slot *s, uint32_t off, unsigned width)
{
    if (!s->d || s->ignored) {
        violation(s, VSIM_RULE_MMIO_IGNORED_DEVICE, "%sconfig at 0x%03x, width %u",
                  s->d ? "ignored device: " : "empty slot: ", off, width);
        if (!s->d)
            return false;
    }
    if (off % width)
        violation(s, VSIM_RULE_MMIO_CONFIG_WIDTH, "%sconfig at 0x%03x, unaligned width %u", "", off,
                  width);
    return true;
}

static const char *reg_label(const struct mmio_slot *s, uint32_t off)
{
    const char *name = vsim_mmio_reg_name(off & ~3u, s->version);
    return off >= VSIM_MMIO_CONFIG ? "Config" : name ? name : "?";
}

static uint32_t slot_read(void *ctx, uint64_t off64, unsigned width)
{
    struct mmio_slot *s = ctx;
    uint32_t off = (uint32_t)off64, v = 0;
    check_sequence(s, off, false);
    if (off >= VSIM_MMIO_CONFIG) {
        if (check_config(s, off, width))
            v = vsim_device_config_read(s->d, off - VSIM_MMIO_CONFIG, width);
    } else if (check(s, off, width, false)) {
        v = read_reg(s, off);
    }
    if (s->m->trace)
        vsim__trace(s->m, "%s %s R%u %s(0x%03x) -> 0x%x", s->where,
                    s->d ? vsim_device_name(s->d) : "-", width * 8, reg_label(s, off), off, v);
    return v;
}

static void slot_write(void *ctx, uint64_t off64, unsigned width, uint32_t val)
{
    struct mmio_slot *s = ctx;
    uint32_t off = (uint32_t)off64;
    if (s->m->trace)
        vsim__trace(s->m, "%s %s W%u %s(0x%03x) <- 0x%x", s->where,
                    s->d ? vsim_device_name(s->d) : "-", width * 8, reg_label(s, off), off, val);
    check_sequence(s, off, true);
    if (off >= VSIM_MMIO_CONFIG) {
        if (check_config(s, off, width))
            vsim_device_config_write(s->d, off - VSIM_MMIO_CONFIG, width, val);
    } else if (check(s, off, width, true)) {
        write_reg(s, off, val);
    }
}

static void slot_destroy(void *ctx)
{
    struct mmio_slot *s = ctx;
    free(s->q);
    free(s);
}

static const struct vsim_region_ops slot_ops = {
    .read = slot_read,
    .write = slot_write,
    .destroy = slot_destroy,
};

int vsim__mmio_create_slots(struct vsim_machine *m)
{
    for (unsigned i = 0; i < VSIM_MMIO_SLOTS; i++) {
        struct mmio_slot *s = calloc(1, sizeof(*s));
        if (!s)
            return VIO_ERR_DMA_ERROR;
        s->m = m;
        s->version = m->empty_version;
        s->ready_unread = -1;
        snprintf(s->where, sizeof(s->where), "mmio%u", i);
        if (vsim_machine_map(m, VSIM_MMIO_SLOT_BASE(i), SLOT_SIZE, &slot_ops, s, s->where)) {
            free(s);
            return VIO_ERR_INVALID_PARAM;
        }
    }
    return VIO_OK;
}

int vsim_mmio_attach(struct vsim_machine *m, unsigned slot, unsigned version, struct vsim_device *d)
{
    if (slot >= VSIM_MMIO_SLOTS || (version != 1 && version != 2) || !d) {
        vsim__set_error(m, "mmio attach: bad slot %u or version %u", slot, version);
        return VIO_ERR_INVALID_PARAM;
    }
    struct mmio_slot *s = NULL;
    for (unsigned i = 0; i < m->nregions; i++) {
        if (m->regions[i].base == VSIM_MMIO_SLOT_BASE(slot) && m->regions[i].ops == &slot_ops)
            s = m->regions[i].ctx;
    }
    if (!s || s->d) {
        vsim__set_error(m, "mmio attach: slot %u is taken", slot);
        return VIO_ERR_INVALID_PARAM;
    }
    struct mmio_queue *q =
        calloc(vsim_device_num_queues(d) ? vsim_device_num_queues(d) : 1, sizeof(*q));
    if (!q || !vsim_device_bind(d, version == 1, s->where)) {
        free(q);
        vsim__set_error(m, "mmio attach: device %s already attached", vsim_device_label(d));
        return VIO_ERR_INVALID_PARAM;
    }
    s->q = q;
    s->d = d;
    s->version = version;
    s->probe_seen = 0;
    reset_transport(s);
    return VIO_OK;
}
