/*
 * The virtio structures behind BAR4 of a virtio-pci function (Virtio Over
 * PCI Bus / PCI Device Layout): the common configuration with the side
 * effects of every field, the notification area, the ISR status (cleared by
 * its read) and the device configuration. What the driver-normative sections
 * forbid is recorded, and the access is then dropped.
 */
#include "pci_internal.h"
#include "vsim/spec.h"

#define NO_VECTOR 0xffffu
/* vsim__pci_queue.written: one bit each for queue_desc, queue_driver, queue_device */
#define QUEUE_ADDRESSES 0x7u

/* Common configuration structure layout */
enum {
    C_device_feature_select = 0x00,
    C_device_feature = 0x04,
    C_driver_feature_select = 0x08,
    C_driver_feature = 0x0c,
    C_config_msix_vector = 0x10,
    C_num_queues = 0x12,
    C_device_status = 0x14,
    C_config_generation = 0x15,
    C_queue_select = 0x16,
    C_queue_size = 0x18,
    C_queue_msix_vector = 0x1a,
    C_queue_enable = 0x1c,
    C_queue_notify_off = 0x1e,
    C_queue_desc = 0x20,
    C_queue_driver = 0x28,
    C_queue_device = 0x30,
};

struct field {
    uint8_t off;
    uint8_t width;
    bool read_only;
    const char *name;
};

/* 64-bit fields are two 32-bit halves (PCI Device Layout). */
static const struct field fields[] = {
    {C_device_feature_select, 4, false, "device_feature_select"},
    {C_device_feature, 4, true, "device_feature"},
    {C_driver_feature_select, 4, false, "driver_feature_select"},
    {C_driver_feature, 4, false, "driver_feature"},
    {C_config_msix_vector, 2, false, "config_msix_vector"},
    {C_num_queues, 2, true, "num_queues"},
    {C_device_status, 1, false, "device_status"},
    {C_config_generation, 1, true, "config_generation"},
    {C_queue_select, 2, false, "queue_select"},
    {C_queue_size, 2, false, "queue_size"},
    {C_queue_msix_vector, 2, false, "queue_msix_vector"},
    {C_queue_enable, 2, false, "queue_enable"},
    {C_queue_notify_off, 2, true, "queue_notify_off"},
    {C_queue_desc, 4, false, "queue_desc.lo"},
    {C_queue_desc + 4, 4, false, "queue_desc.hi"},
    {C_queue_driver, 4, false, "queue_driver.lo"},
    {C_queue_driver + 4, 4, false, "queue_driver.hi"},
    {C_queue_device, 4, false, "queue_device.lo"},
    {C_queue_device + 4, 4, false, "queue_device.hi"},
};

static const struct field *field_at(uint32_t off, unsigned width)
{
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        if (fields[i].off == off && fields[i].width == width)
            return &fields[i];
    }
    return NULL;
}

static struct vsim__pci_queue *selected(struct vsim__pci_fn *f)
{
    return f->queue_select < vsim_device_num_queues(f->d) ? &f->q[f->queue_select] : NULL;
}

void vsim__pci_virtio_reset(struct vsim__pci_fn *f)
{
    f->device_feature_select = f->driver_feature_select = 0;
    f->queue_select = 0;
    f->config_msix = NO_VECTOR;
    for (uint16_t i = 0; i < vsim_device_num_queues(f->d); i++)
        f->q[i] = (struct vsim__pci_queue){.msix = NO_VECTOR};
}

/* queue_size as the driver reads it: what it wrote, else the maximum (a fault may zero it). */
static uint16_t queue_size(struct vsim__pci_fn *f, const struct vsim__pci_queue *q)
{
    return q->size ? q->size : vsim_device_queue_max(f->d, f->queue_select);
}

static uint32_t half(uint64_t v, uint32_t off)
{
    return (uint32_t)(v >> (off & 4u ? 32 : 0));
}

static void set_half(uint64_t *v, uint32_t off, uint32_t val)
{
    if (off & 4u)
        *v = (*v & UINT32_MAX) | (uint64_t)val << 32;
    else
        *v = (*v & ~(uint64_t)UINT32_MAX) | val;
}

static uint32_t common_read(struct vsim__pci_fn *f, uint32_t off)
{
    struct vsim_device *d = f->d;
    struct vsim__pci_queue *q = selected(f);
    switch (off) {
    case C_device_feature_select:
        return f->device_feature_select;
    case C_device_feature:
        return vsim_device_features_word(d, f->device_feature_select);
    case C_driver_feature_select:
        return f->driver_feature_select;
    case C_driver_feature:
        return f->driver_feature_select < 2
                   ? half(vsim_device_accepted(d), f->driver_feature_select * 4)
                   : 0;
    case C_config_msix_vector:
        return f->config_msix;
    case C_num_queues:
        return vsim_device_num_queues(d);
    case C_device_status:
        if (f->reset_unread && f->opts.malform == VSIM_PCI_MALFORM_RESET_STUCK)
            return VSIM_STATUS_DEVICE_NEEDS_RESET;
        if (vsim_device_status(d) == 0)
            f->reset_unread = false;
        return vsim_device_read_status(d);
    case C_config_generation:
        return vsim_device_generation(d) & 0xffu;
    case C_queue_select:
        return f->queue_select;
    case C_queue_size:
        return q ? queue_size(f, q) : 0;
    case C_queue_msix_vector:
        return q ? q->msix : NO_VECTOR;
    case C_queue_enable:
        if (q && vsim_device_fault(d, VSIM_FAULT_QUEUE_IN_USE, NULL))
            return 1;
        return q ? q->enabled : 0;
    case C_queue_notify_off:
        if (f->opts.malform == VSIM_PCI_MALFORM_NOTIFY_OFF_OUTSIDE)
            return f->opts.has_value ? f->opts.value : 0x7fffu;
        return f->queue_select;
    default:
        break;
    }
    if (!q)
        return 0;
    if (off < C_queue_driver)
        return half(q->desc, off);
    return half(off < C_queue_device ? q->driver : q->device, off);
}

static void enable_queue(struct vsim__pci_fn *f, struct vsim__pci_queue *q)
{
    struct vsim_device *d = f->d;
    if (!(f->command & VSIM__PCI_CMD_MASTER))
        vsim__pci_violation(f, VSIM_RULE_PCI_MASTER, "queue %u enabled with bus mastering off",
                            f->queue_select);
    if ((q->written & QUEUE_ADDRESSES) != QUEUE_ADDRESSES) {
        vsim__pci_violation(f, VSIM_RULE_PCI_QUEUE_LIVE,
                            "queue %u enabled before queue_desc, queue_driver and queue_device "
                            "were all written",
                            f->queue_select);
        return;
    }
    if (f->opts.malform == VSIM_PCI_MALFORM_QUEUE_ENABLE_STUCK)
        return;
    q->enabled = true;
    struct vsim_vq *vq = vsim_device_vq(d, f->queue_select);
    uint16_t size = q->size ? q->size : vsim_device_queue_limit(d, f->queue_select);
    if (!vsim_vq_enable(vq, size, q->desc, q->driver, q->device))
        vsim_device_needs_reset(d);
}

static void queue_write(struct vsim__pci_fn *f, const struct field *fd, uint32_t off, uint32_t val)
{
    struct vsim__pci_queue *q = selected(f);
    if (!q) {
        vsim__pci_violation(f, VSIM_RULE_PCI_QUEUE_SIZE, "%s = 0x%x for unavailable queue %u",
                            fd->name, val, f->queue_select);
        return;
    }
    if (off == C_queue_enable) {
        if (val == 0)
            vsim__pci_violation(f, VSIM_RULE_PCI_QUEUE_DISABLE, "queue_enable of queue %u = 0",
                                f->queue_select);
        else if (!q->enabled)
            enable_queue(f, q);
        return;
    }
    if (off == C_queue_msix_vector) {
        q->msix = (uint16_t)val;
        return;
    }
    if (q->enabled) {
        vsim__pci_violation(f, VSIM_RULE_PCI_QUEUE_LIVE, "%s = 0x%x while queue %u is enabled",
                            fd->name, val, f->queue_select);
        return;
    }
    if (off != C_queue_size)
        q->written |= (uint8_t)(1u << ((off - C_queue_desc) / 8));
    if (off == C_queue_size) {
        uint16_t max = vsim_device_queue_limit(f->d, f->queue_select);
        if (val == 0 || (val & (val - 1)) || val > max) {
            vsim__pci_violation(f, VSIM_RULE_PCI_QUEUE_SIZE, "queue_size %u, maximum %u", val, max);
            return;
        }
        q->size = (uint16_t)val;
    } else if (off < C_queue_driver) {
        set_half(&q->desc, off, val);
    } else {
        set_half(off < C_queue_device ? &q->driver : &q->device, off, val);
    }
}

static void common_write(struct vsim__pci_fn *f, const struct field *fd, uint32_t off, uint32_t val)
{
    struct vsim_device *d = f->d;
    if (fd->read_only) {
        vsim__pci_violation(f, VSIM_RULE_PCI_WRITE_RO, "%s written with 0x%x", fd->name, val);
        return;
    }
    switch (off) {
    case C_device_feature_select:
        f->device_feature_select = val;
        return;
    case C_driver_feature_select:
        f->driver_feature_select = val;
        return;
    case C_driver_feature:
        vsim_device_set_driver_word(d, f->driver_feature_select, val);
        return;
    case C_config_msix_vector:
        f->config_msix = (uint16_t)val;
        return;
    case C_device_status:
        /* FAILED alone is not initializing again; any other bit is */
        if ((val & ~VSIM_STATUS_FAILED) != 0 && f->reset_unread) {
            vsim__pci_violation(f, VSIM_RULE_PCI_RESET_READ,
                                "device_status 0x%02x written before 0 was read back", val);
            f->reset_unread = false;
        }
        vsim_device_write_status(d, (uint8_t)val);
        if (val == 0) {
            vsim__pci_virtio_reset(f);
            f->reset_unread = true;
        }
        return;
    case C_queue_select:
        f->queue_select = (uint16_t)val;
        return;
    default:
        queue_write(f, fd, off, val);
        return;
    }
}

/* Available Buffer Notifications: the queue's 16-bit index at its own notify address. */
static void notify_write(struct vsim__pci_fn *f, uint32_t off, unsigned width, uint32_t val)
{
    uint32_t idx = off / VSIM_PCI_NOTIFY_MULTIPLIER;
    struct vsim_vq *vq = idx <= UINT16_MAX ? vsim_device_vq(f->d, (uint16_t)idx) : NULL;
    if (width != 2 || off % VSIM_PCI_NOTIFY_MULTIPLIER || val != idx || !vq || !f->q[idx].enabled) {
        vsim__pci_violation(f, VSIM_RULE_PCI_NOTIFY,
                            "notify write%u of 0x%x at offset 0x%x (queue %u's address)", width * 8,
                            val, off, idx);
        return;
    }
    vsim_device_notify(f->d, (uint16_t)idx);
}

/* The structure an access falls in: 'c'ommon, 'i'sr, 'd'evice, 'n'otify, or 0 for a gap. */
static char region_of(const struct vsim__pci_fn *f, uint32_t off, unsigned width, uint32_t *rel)
{
    struct {
        char kind;
        uint32_t base, len;
    } map[] = {
        {'c', VSIM_PCI_COMMON_OFF, VSIM_PCI_COMMON_LEN},
        {'i', VSIM_PCI_ISR_OFF, 1},
        {'d', VSIM_PCI_DEVICE_OFF, f->device_cfg_len},
        {'n', VSIM_PCI_NOTIFY_OFF, 0x1000},
    };
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        if (off >= map[i].base && off - map[i].base < map[i].len &&
            width <= map[i].len - (off - map[i].base)) {
            *rel = off - map[i].base;
            return map[i].kind;
        }
    }
    return 0;
}

static bool aligned(uint32_t rel, unsigned width)
{
    return rel % width == 0;
}

static const char *label(const struct field *fd, char kind)
{
    if (fd)
        return fd->name;
    switch (kind) {
    case 'c':
        return "common";
    case 'i':
        return "isr";
    case 'd':
        return "device";
    case 'n':
        return "notify";
    default:
        return "gap";
    }
}

uint32_t vsim__pci_virtio_read(struct vsim__pci_fn *f, uint32_t off, unsigned width)
{
    uint32_t rel = 0, v = 0;
    char kind = region_of(f, off, width, &rel);
    const struct field *fd = kind == 'c' ? field_at(rel, width) : NULL;
    if (vsim__pci_layout_malformed(f))
        vsim__pci_violation(f, VSIM_RULE_PCI_IGNORED_DEVICE,
                            "BAR4 read%u at 0x%x of a function with a malformed layout", width * 8,
                            off);
    if (kind == 'c' && fd) {
        v = common_read(f, rel);
    } else if (kind == 'i' && width == 1) {
        /* ISR status capability: reading clears it */
        v = vsim_device_isr(f->d);
        vsim_device_isr_ack(f->d, v);
    } else if (kind == 'd' && aligned(rel, width)) {
        v = vsim_device_config_read(f->d, rel, width);
    } else {
        vsim__pci_violation(f, kind == 'n' ? VSIM_RULE_PCI_NOTIFY : VSIM_RULE_PCI_WIDTH,
                            "read%u at BAR4 offset 0x%x", width * 8, off);
    }
    if (f->m->trace)
        vsim__trace(f->m, "%s %s R%u %s(0x%04x) -> 0x%x", f->where, vsim_device_name(f->d),
                    width * 8, label(fd, kind), off, v);
    return v;
}

void vsim__pci_virtio_write(struct vsim__pci_fn *f, uint32_t off, unsigned width, uint32_t val)
{
    uint32_t rel = 0;
    char kind = region_of(f, off, width, &rel);
    const struct field *fd = kind == 'c' ? field_at(rel, width) : NULL;
    if (f->m->trace)
        vsim__trace(f->m, "%s %s W%u %s(0x%04x) <- 0x%x", f->where, vsim_device_name(f->d),
                    width * 8, label(fd, kind), off, val);
    if (vsim__pci_layout_malformed(f))
        vsim__pci_violation(f, VSIM_RULE_PCI_IGNORED_DEVICE,
                            "BAR4 write%u at 0x%x of a function with a malformed layout", width * 8,
                            off);
    if (kind == 'c' && fd)
        common_write(f, fd, rel, val);
    else if (kind == 'n')
        notify_write(f, rel, width, val);
    else if (kind == 'd' && aligned(rel, width))
        vsim_device_config_write(f->d, rel, width, val);
    else
        vsim__pci_violation(f, VSIM_RULE_PCI_WIDTH, "write%u of 0x%x at BAR4 offset 0x%x",
                            width * 8, val, off);
}
