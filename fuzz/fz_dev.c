/* The fake device's transport-independent state: status, features, configuration, queues. */
#include <string.h>

#include "fz_dev.h"

#define STATUS_FEATURES_OK 8u
#define ISR_QUEUE 1u

void fz_dev_init(struct fz_dev *d, struct fz_hal *hal, uint32_t device_id, uint64_t offered,
                 uint16_t queue_max)
{
    d->hal = hal;
    d->regs = NULL;
    d->dev = NULL;
    d->mode = 0;
    d->caller_req = NULL;
    d->legacy = false;
    d->device_id = device_id;
    d->offered = offered;
    d->queue_max = queue_max;
    d->num_queues = device_id == FZ_ID_BLOCK ? 1 : 2;
    d->generation = 0;
    fz_model_config(d);
    fz_dev_reset(d);
}

void fz_dev_reset(struct fz_dev *d)
{
    d->status = 0;
    d->accepted = 0;
    d->isr = 0;
    d->lied = false;
    d->nafter = 0;
    for (unsigned i = 0; i < FZ_QUEUES; i++) {
        struct fz_vq *vq = &d->vq[i];
        vq->num = 0;
        vq->ready = false;
        vq->desc = vq->avail = vq->used = 0;
        vq->last_avail = 0;
        vq->used_idx = 0;
        vq->nheld = 0;
    }
}

uint8_t *fz_dev_mem(struct fz_dev *d, uint64_t pa, uint64_t len, bool write, const char *what)
{
    uint8_t *p = fz_hal_dev_ptr(d->hal, pa, len, write);
    if (p == NULL && !d->lied)
        fz_fail("%s: the device must %s %llu bytes at %#llx, memory the driver did not %s", what,
                write ? "write" : "read", (unsigned long long)len, (unsigned long long)pa,
                write ? "give it FROM_DEVICE" : "give it TO_DEVICE");
    return p;
}

bool fz_dev_check(struct fz_dev *d, bool ok, const char *what)
{
    if (!ok && !d->lied)
        fz_fail("the driver broke a rule: %s", what);
    return ok;
}

uint32_t fz_dev_reg(struct fz_dev *d, uint32_t model)
{
    if (d->regs == NULL || d->regs->n == 0)
        return model;
    switch (fz_u8(d->regs) % 8) {
    case 1:
        return fz_u32(d->regs);
    case 2:
        return model ^ (1u << (fz_u8(d->regs) % 32));
    case 3:
        return 0;
    case 4:
        return UINT32_MAX;
    default:
        return model;
    }
}

void fz_dev_write_status(struct fz_dev *d, uint8_t status)
{
    if (status == 0) {
        fz_dev_reset(d);
        return;
    }
    /* Feature Negotiation: the device refuses FEATURES_OK for bits it never offered */
    if ((status & STATUS_FEATURES_OK) && !(d->status & STATUS_FEATURES_OK) &&
        (d->accepted & ~d->offered) != 0)
        status &= (uint8_t)~STATUS_FEATURES_OK;
    d->status = status;
}

uint32_t fz_dev_features_word(const struct fz_dev *d, uint32_t sel)
{
    if (sel == 0)
        return (uint32_t)d->offered;
    /* a legacy device has 32 feature bits only */
    return sel == 1 && !d->legacy ? (uint32_t)(d->offered >> 32) : 0;
}

void fz_dev_set_driver_word(struct fz_dev *d, uint32_t sel, uint32_t val)
{
    if (sel == 0)
        d->accepted = (d->accepted & ~UINT64_C(0xffffffff)) | val;
    else if (sel == 1)
        d->accepted = (d->accepted & UINT64_C(0xffffffff)) | (uint64_t)val << 32;
}

uint16_t fz_dev_queue_max(const struct fz_dev *d, uint16_t idx)
{
    return idx < d->num_queues && idx < FZ_QUEUES ? d->queue_max : 0;
}

uint32_t fz_dev_config_read(struct fz_dev *d, uint32_t off, unsigned width)
{
    uint32_t v = 0;
    for (unsigned k = 0; k < width; k++) {
        uint32_t at = off + k;
        if (at < d->config_len && at < FZ_CONFIG_MAX)
            v |= (uint32_t)d->config[at] << (8 * k);
    }
    return v;
}

void fz_dev_config_write(struct fz_dev *d, uint32_t off, unsigned width, uint32_t val)
{
    /* GPU Device configuration: events_clear clears events_read bits; nothing else is writable */
    if (d->device_id == FZ_ID_GPU && off == 4 && width == 4) {
        uint32_t events = fz_dev_config_read(d, 0, 4) & ~val;
        for (unsigned k = 0; k < 4; k++)
            d->config[k] = (uint8_t)(events >> (8 * k));
        return;
    }
    fz_dev_check(d, false, "write to a read-only device configuration field");
}

uint32_t fz_dev_isr_take(struct fz_dev *d)
{
    uint32_t isr = d->isr;
    d->isr = 0;
    return isr;
}

struct fz_vq *fz_dev_vq(struct fz_dev *d, uint16_t idx)
{
    return idx < d->num_queues && idx < FZ_QUEUES ? &d->vq[idx] : NULL;
}

void fz_dev_queue_enable(struct fz_dev *d, uint16_t idx, uint16_t num, uint64_t desc,
                         uint64_t avail, uint64_t used)
{
    struct fz_vq *vq = fz_dev_vq(d, idx);
    if (vq == NULL)
        return;
    /* Split Virtqueues: a power of two; the driver never builds more than FZ_QUEUE_MAX */
    if (!fz_dev_check(d, num != 0 && (num & (num - 1)) == 0 && num <= FZ_QUEUE_MAX,
                      "queue size not a power of two up to 256"))
        return;
    /* Virtqueues: descriptor table 16-, available ring 2-, used ring 4-byte aligned */
    fz_dev_check(d, desc % 16 == 0 && avail % 2 == 0 && used % 4 == 0, "ring alignment");
    fz_dev_mem(d, desc, 16u * num, false, "descriptor table");
    fz_dev_mem(d, avail, 6u + 2u * num, false, "available ring");
    fz_dev_mem(d, used, 6u + 8u * num, true, "used ring");
    vq->num = num;
    vq->desc = desc;
    vq->avail = avail;
    vq->used = used;
    vq->last_avail = 0;
    vq->used_idx = 0;
    vq->nheld = 0;
    vq->ready = true;
}

void fz_dev_notify(struct fz_dev *d, uint16_t idx)
{
    struct fz_vq *vq = fz_dev_vq(d, idx);
    /* Device Initialization: no notification before DRIVER_OK */
    fz_dev_check(d, (d->status & 4u) != 0, "notification before DRIVER_OK");
    if (vq == NULL || !vq->ready)
        return;
    fz_ring_take(d, vq);
    fz_ring_serve(d, vq);
}

void fz_dev_step(struct fz_dev *d)
{
    for (uint16_t i = 0; i < d->num_queues && i < FZ_QUEUES; i++) {
        struct fz_vq *vq = &d->vq[i];
        if (!vq->ready)
            continue;
        fz_ring_take(d, vq);
        fz_ring_serve(d, vq);
    }
}
