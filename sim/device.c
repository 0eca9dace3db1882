/*
 * The transport-independent device core: status and its side effects,
 * feature negotiation, configuration access with a generation counter,
 * interrupt status and queue notifications.
 */
#include <stdarg.h>
#include <stdlib.h>

#include "feature_bits.h"
#include "internal.h"
#include "vsim/spec.h"

struct vsim_device *vsim_device_create(struct vsim_machine *m,
                                       const struct vsim_device_model *model)
{
    if (!model || !model->ops || !model->ops->queue_notify || !model->ops->config_read ||
        model->queue_max > VSIM_QUEUE_SIZE_MAX) {
        vsim__set_error(m, "device model incomplete or queue_max above %u", VSIM_QUEUE_SIZE_MAX);
        return NULL;
    }
    struct vsim_device *d = calloc(1, sizeof(*d));
    if (!d)
        return NULL;
    d->m = m;
    d->model = *model;
    snprintf(d->label, sizeof(d->label), "%s", model->name ? model->name : "dev");
    d->vqs = calloc(model->num_queues ? model->num_queues : 1, sizeof(*d->vqs));
    if (!d->vqs || !vsim__device_register(m, d)) {
        free(d->vqs);
        free(d);
        vsim__set_error(m, "out of memory");
        return NULL;
    }
    for (uint16_t i = 0; i < model->num_queues; i++) {
        d->vqs[i].dev = d;
        d->vqs[i].index = i;
    }
    return d;
}

void vsim__device_destroy(struct vsim_device *d)
{
    for (uint16_t i = 0; i < d->model.num_queues; i++)
        vsim__vq_free(&d->vqs[i]);
    if (d->model.ops->destroy)
        d->model.ops->destroy(d->model.priv);
    free(d->vqs);
    free(d);
}

bool vsim_device_bind(struct vsim_device *d, bool legacy, const char *where)
{
    if (d->bound)
        return false;
    d->bound = true;
    d->legacy = legacy;
    snprintf(d->label, sizeof(d->label), "%s@%s", d->model.name ? d->model.name : "dev", where);
    return true;
}

struct vsim_machine *vsim_device_machine(const struct vsim_device *d)
{
    return d->m;
}
const char *vsim_device_name(const struct vsim_device *d)
{
    return d->model.name ? d->model.name : "dev";
}
const char *vsim_device_label(const struct vsim_device *d)
{
    return d->label;
}
bool vsim_device_legacy(const struct vsim_device *d)
{
    return d->legacy;
}
uint32_t vsim_device_id(const struct vsim_device *d)
{
    return d->model.device_id;
}
uint32_t vsim_device_vendor(const struct vsim_device *d)
{
    return d->model.vendor_id;
}
uint64_t vsim_device_offered(const struct vsim_device *d)
{
    /* Legacy interfaces have 32 feature bits and no VIRTIO_F_VERSION_1. */
    return d->legacy ? d->model.features & UINT32_MAX : d->model.features;
}
uint64_t vsim_device_accepted(const struct vsim_device *d)
{
    return d->accepted;
}
bool vsim_device_has(const struct vsim_device *d, unsigned bit)
{
    return bit < 64 && (d->accepted & VSIM_BIT(bit));
}
uint8_t vsim_device_status(const struct vsim_device *d)
{
    return d->status;
}

uint8_t vsim_device_read_status(struct vsim_device *d)
{
    /* Device Reset: a reset is complete once status reads 0; Device Initialization step 6 */
    if (d->status == 0)
        d->reset_unread = false;
    d->features_ok_unread = false;
    return d->status;
}
uint32_t vsim_device_generation(const struct vsim_device *d)
{
    return d->generation;
}
uint32_t vsim_device_isr(const struct vsim_device *d)
{
    return d->isr;
}
uint64_t vsim_device_interrupts(const struct vsim_device *d)
{
    return d->interrupts;
}
uint16_t vsim_device_num_queues(const struct vsim_device *d)
{
    return d->model.num_queues;
}
uint32_t vsim_device_config_size(const struct vsim_device *d)
{
    return d->model.config_size;
}

struct vsim_vq *vsim_device_vq(struct vsim_device *d, uint16_t idx)
{
    return idx < d->model.num_queues ? &d->vqs[idx] : NULL;
}

void vsim_device_violation(struct vsim_device *d, enum vsim_rule rule, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsim__violationv(d->m, rule, d->label, fmt, ap);
    va_end(ap);
}

bool vsim_device_fault(struct vsim_device *d, enum vsim_fault_point point, uint64_t *value)
{
    if (!vsim_fault_hit(d->m->faults, vsim_device_name(d), point, value))
        return false;
    vsim__trace(d->m, "%s fault %s fires", d->label, vsim_fault_point_info(point)->name);
    return true;
}

bool vsim_device_tracing(const struct vsim_device *d)
{
    return d->m->trace != NULL;
}

void vsim_device_trace(struct vsim_device *d, const char *fmt, ...)
{
    char line[256];
    va_list ap;
    if (!d->m->trace)
        return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    vsim__trace(d->m, "%s %s", d->label, line);
}

void vsim__device_interrupt(struct vsim_device *d, uint32_t bits)
{
    d->isr |= bits;
    d->interrupts++;
    vsim__trace(d->m, "%s interrupt isr=0x%x", d->label, d->isr);
}

void vsim_device_isr_ack(struct vsim_device *d, uint32_t bits)
{
    d->isr &= ~bits;
}

void vsim_device_config_changed(struct vsim_device *d)
{
    d->generation++;
    vsim__device_interrupt(d, VSIM_ISR_CONFIG);
}

void vsim_device_needs_reset(struct vsim_device *d)
{
    if (d->legacy || (d->status & VSIM_STATUS_DEVICE_NEEDS_RESET))
        return;
    d->status |= VSIM_STATUS_DEVICE_NEEDS_RESET;
    vsim__device_interrupt(d, VSIM_ISR_CONFIG);
}

/* ---- features ---- */

uint32_t vsim_device_features_word(struct vsim_device *d, uint32_t sel)
{
    d->features_read = true;
    return sel < 2 ? (uint32_t)(vsim_device_offered(d) >> (32 * sel)) : 0;
}

void vsim_device_set_driver_word(struct vsim_device *d, uint32_t sel, uint32_t val)
{
    if (d->status & VSIM_STATUS_FEATURES_OK) {
        vsim_device_violation(d, VSIM_RULE_FEAT_AFTER_OK,
                              "DriverFeatures word %u = 0x%08x written after FEATURES_OK", sel,
                              val);
        return;
    }
    /* Device Initialization step 4: read the offered bits (after DRIVER), then write a subset */
    if (!(d->status & VSIM_STATUS_DRIVER) || !d->features_read)
        vsim_device_violation(d, VSIM_RULE_INIT_FEATURES_READ,
                              "DriverFeatures word %u written with status 0x%02x, %s", sel,
                              d->status,
                              d->features_read ? "features read" : "no device features read");
    d->features_written = true;
    if (sel >= 2) {
        if (val)
            vsim_device_violation(d, VSIM_RULE_FEAT_NOT_OFFERED,
                                  "DriverFeatures word %u = 0x%08x: no such features", sel, val);
        return;
    }
    d->accepted &= ~((uint64_t)UINT32_MAX << (32 * sel));
    d->accepted |= (uint64_t)val << (32 * sel);
}

/* Feature Bits: of the offered bits, only defined ones, each with what it requires. */
static bool check_offered_features(struct vsim_device *d, uint64_t accepted)
{
    bool pci = d->on_pci;
    uint64_t needs = 0;
    int bit = vsim__feature_undefined(d->model.device_id, pci, accepted);
    bool ok = true;
    if (bit >= 0) {
        vsim_device_violation(d, VSIM_RULE_FEAT_UNDEFINED,
                              "accepted bit %d: undefined or reserved for device type %u on %s",
                              bit, d->model.device_id, pci ? "PCI" : "MMIO");
        ok = false;
    }
    if (vsim__feature_sr_iov(accepted)) {
        vsim_device_violation(d, VSIM_RULE_FEAT_SR_IOV,
                              "VIRTIO_F_SR_IOV accepted without an SR-IOV capability");
        ok = false;
    }
    bit = vsim__feature_missing_dep(d->model.device_id, accepted, &needs);
    if (bit >= 0) {
        vsim_device_violation(d, VSIM_RULE_FEAT_DEPENDS,
                              "accepted bit %d without the bits it requires (0x%llx)", bit,
                              (unsigned long long)needs);
        ok = false;
    }
    return ok;
}

static bool check_features(struct vsim_device *d)
{
    uint64_t extra = d->accepted & ~vsim_device_offered(d);
    bool ok = check_offered_features(d, d->accepted & vsim_device_offered(d));
    if (extra) {
        vsim_device_violation(d, VSIM_RULE_FEAT_NOT_OFFERED, "accepted 0x%llx, not offered: 0x%llx",
                              (unsigned long long)d->accepted, (unsigned long long)extra);
        ok = false;
    }
    if ((vsim_device_offered(d) & VSIM_BIT(VSIM_F_VERSION_1)) &&
        !(d->accepted & VSIM_BIT(VSIM_F_VERSION_1))) {
        vsim_device_violation(d, VSIM_RULE_FEAT_VERSION_1, "VIRTIO_F_VERSION_1 not accepted");
        ok = false;
    }
    return ok;
}

/* ---- status ---- */

void vsim_device_reset(struct vsim_device *d)
{
    for (uint16_t i = 0; i < d->model.num_queues; i++) {
        vsim__vq_reset(&d->vqs[i]);
    }
    d->status = 0;
    d->accepted = 0;
    d->isr = 0;
    d->features_read = d->features_written = false;
    d->features_ok_unread = d->features_refused = false;
    if (d->model.ops->reset)
        d->model.ops->reset(d->model.priv);
    vsim__trace(d->m, "%s reset", d->label);
}

/* Device Initialization: each step needs the one before it. */
static void check_order(struct vsim_device *d, uint8_t old, uint8_t now)
{
    static const struct {
        uint8_t bit, needs;
        const char *what;
    } steps[] = {
        {VSIM_STATUS_DRIVER, VSIM_STATUS_ACKNOWLEDGE, "DRIVER before ACKNOWLEDGE"},
        {VSIM_STATUS_FEATURES_OK, VSIM_STATUS_DRIVER, "FEATURES_OK before DRIVER"},
        {VSIM_STATUS_DRIVER_OK, VSIM_STATUS_DRIVER, "DRIVER_OK before DRIVER"},
    };
    uint8_t added = now & ~old;
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        if ((added & steps[i].bit) && !(now & steps[i].needs))
            vsim_device_violation(d, VSIM_RULE_STATUS_ORDER, "%s", steps[i].what);
    }
    if (!d->legacy && (added & VSIM_STATUS_DRIVER_OK) && !(now & VSIM_STATUS_FEATURES_OK))
        vsim_device_violation(d, VSIM_RULE_STATUS_ORDER, "DRIVER_OK before FEATURES_OK");
}

/* The Device Reset and Device Initialization rules a status write can break. */
static void check_progress(struct vsim_device *d, uint8_t old, uint8_t val)
{
    const uint8_t steps = VSIM_STATUS_ACKNOWLEDGE | VSIM_STATUS_DRIVER | VSIM_STATUS_FEATURES_OK |
                          VSIM_STATUS_DRIVER_OK;
    if (d->reset_unread && !d->on_pci && (val & steps)) {
        vsim_device_violation(d, VSIM_RULE_RESET_READ,
                              "status 0x%02x written before 0 was read back after the reset", val);
        d->reset_unread = false;
    }
    if (old == 0 && (val & steps)) {
        if (!d->reset_written)
            vsim_device_violation(d, VSIM_RULE_INIT_RESET_FIRST,
                                  "status 0x%02x: initialization without a reset first", val);
        d->reset_written = false; /* each initialization needs its own reset */
    }
    if ((val & ~old) & VSIM_STATUS_DRIVER_OK) {
        if (d->features_refused)
            vsim_device_violation(d, VSIM_RULE_INIT_REFUSED,
                                  "DRIVER_OK set after FEATURES_OK was refused");
        else if (d->features_ok_unread)
            vsim_device_violation(d, VSIM_RULE_INIT_FEATURES_OK_READ,
                                  "DRIVER_OK set without reading FEATURES_OK back");
    }
}

void vsim_device_write_status(struct vsim_device *d, uint8_t val)
{
    uint8_t old = d->status;
    if (val == 0) {
        vsim_device_reset(d);
        d->reset_written = true;
        d->reset_unread = true;
        return;
    }
    check_progress(d, old, val);
    uint8_t device_bits = VSIM_STATUS_DEVICE_NEEDS_RESET;
    if ((old & ~device_bits) & ~val)
        vsim_device_violation(d, VSIM_RULE_STATUS_CLEAR, "status 0x%02x -> 0x%02x clears bits", old,
                              val);
    if ((old & VSIM_STATUS_FAILED) && (val & ~old & ~device_bits))
        vsim_device_violation(d, VSIM_RULE_STATUS_FAILED,
                              "status 0x%02x written after FAILED without a reset", val);
    check_order(d, old, val);
    uint8_t now = (uint8_t)((val & ~device_bits) | (old & device_bits));
    uint8_t added = now & ~old;

    if ((added & VSIM_STATUS_FEATURES_OK) && !d->legacy) {
        bool ok = check_features(d);
        if (ok && d->model.ops->features_ok &&
            !d->model.ops->features_ok(d->model.priv, d->accepted))
            ok = false;
        if (ok && vsim_device_fault(d, VSIM_FAULT_FEATURES_OK_REFUSE, NULL))
            ok = false;
        if (!ok) {
            now &= (uint8_t)~VSIM_STATUS_FEATURES_OK;
            d->features_refused = true;
            vsim__trace(d->m, "%s FEATURES_OK refused", d->label);
        }
        d->features_ok_unread = true;
    }
    if (d->legacy && (added & VSIM_STATUS_DRIVER_OK))
        check_features(d);
    d->status = now;
    if ((added & VSIM_STATUS_DRIVER_OK) && d->model.ops->driver_ok)
        d->model.ops->driver_ok(d->model.priv);
}

/* ---- configuration space ---- */

static bool config_range(struct vsim_device *d, uint32_t off, unsigned width, const char *what)
{
    if (off < d->model.config_size && width <= d->model.config_size - off)
        return true;
    vsim_device_violation(d, VSIM_RULE_CFG_RANGE, "config %s%u at 0x%x, config size %u", what,
                          width * 8, off, d->model.config_size);
    return false;
}

uint32_t vsim_device_config_read(struct vsim_device *d, uint32_t off, unsigned width)
{
    uint8_t b[4] = {0};
    if (!config_range(d, off, width, "read"))
        return 0;
    if (vsim_device_fault(d, VSIM_FAULT_CONFIG_GEN_BUMP, NULL))
        d->generation++;
    d->model.ops->config_read(d->model.priv, off, b, width);
    return vsim__ld32(b) & (width == 4 ? UINT32_MAX : (UINT32_C(1) << (8 * width)) - 1);
}

/* Device Initialization: config writes belong to device-specific setup, after step 6. */
static bool config_write_allowed(struct vsim_device *d, uint32_t off, unsigned width)
{
    bool early = d->legacy ? !d->features_written : !(d->status & VSIM_STATUS_FEATURES_OK);
    if (early) {
        vsim_device_violation(d, VSIM_RULE_INIT_CONFIG_WRITE,
                              "config write%u at 0x%x with status 0x%02x%s", width * 8, off,
                              d->status, d->legacy ? ", features not written" : "");
        return false;
    }
    if (d->features_ok_unread) {
        vsim_device_violation(d, VSIM_RULE_INIT_FEATURES_OK_READ,
                              "config write%u at 0x%x before FEATURES_OK was read back", width * 8,
                              off);
        return false;
    }
    return true;
}

void vsim_device_config_write(struct vsim_device *d, uint32_t off, unsigned width, uint32_t val)
{
    uint8_t b[4];
    if (!config_range(d, off, width, "write") || !config_write_allowed(d, off, width))
        return;
    vsim__st32(b, val);
    if (!d->model.ops->config_write || !d->model.ops->config_write(d->model.priv, off, b, width))
        vsim_device_violation(
            d, d->model.device_id == VSIM_ID_NET ? VSIM_RULE_NET_CFG_WRITE : VSIM_RULE_CFG_READONLY,
            "config write%u of 0x%x at 0x%x", width * 8, val, off);
}

/* ---- queues ---- */

static uint16_t model_queue_max(struct vsim_device *d, uint16_t idx)
{
    if (d->model.ops->queue_max) {
        uint16_t max = d->model.ops->queue_max(d->model.priv, idx);
        return max > VSIM_QUEUE_SIZE_MAX ? VSIM_QUEUE_SIZE_MAX : max;
    }
    return d->model.queue_max;
}

uint16_t vsim_device_queue_max(struct vsim_device *d, uint16_t idx)
{
    if (idx >= d->model.num_queues)
        return 0;
    struct vsim_vq *vq = &d->vqs[idx];
    vq->max_presented =
        vsim_device_fault(d, VSIM_FAULT_QUEUE_MAX_ZERO, NULL) ? 0 : model_queue_max(d, idx);
    vq->max_known = true;
    return vq->max_presented;
}

uint16_t vsim_device_queue_limit(struct vsim_device *d, uint16_t idx)
{
    if (idx >= d->model.num_queues)
        return 0;
    const struct vsim_vq *vq = &d->vqs[idx];
    return vq->max_known ? vq->max_presented : model_queue_max(d, idx);
}

void vsim__device_run(struct vsim_device *d, struct vsim_vq *vq)
{
    if (!vq->ready || vq->broken)
        return;
    d->model.ops->queue_notify(d->model.priv, vq);
    vsim_vq_flush(vq);
}

void vsim_device_notify(struct vsim_device *d, uint16_t idx)
{
    struct vsim_vq *vq = vsim_device_vq(d, idx);
    vsim__trace(d->m, "%s notify q%u", d->label, idx);
    if (!vq || !vq->ready) {
        vsim_device_violation(d, VSIM_RULE_MMIO_NOTIFY, "notify of queue %u, which is %s", idx,
                              vq ? "not enabled" : "not there");
        return;
    }
    if (!(d->status & VSIM_STATUS_DRIVER_OK))
        vsim_device_violation(d, VSIM_RULE_INIT_NOTIFY, "notify of queue %u with status 0x%02x",
                              idx, d->status);
    vsim__vq_notified(vq, d->m->deferred);
    if (d->m->deferred) {
        if (!vq->pending) {
            vq->pending = true;
            d->m->pending++;
        }
        return;
    }
    vsim__device_run(d, vq);
}
