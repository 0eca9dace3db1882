/* The fake device's virtio-mmio register file (MMIO Device Register Layout). */
#include <string.h>

#include "fz_mmio.h"

#define MAGIC 0x74726976u /* "virt" */
#define VENDOR 0x5a46u
#define CONFIG 0x100u

/* Registers and the versions whose table lists them (bit 0: v1, bit 1: v2). */
enum {
    R_MAGIC = 0x000,
    R_VERSION = 0x004,
    R_DEVICE_ID = 0x008,
    R_VENDOR_ID = 0x00c,
    R_DEVICE_FEATURES = 0x010,
    R_DEVICE_FEATURES_SEL = 0x014,
    R_DRIVER_FEATURES = 0x020,
    R_DRIVER_FEATURES_SEL = 0x024,
    R_GUEST_PAGE_SIZE = 0x028,
    R_QUEUE_SEL = 0x030,
    R_QUEUE_NUM_MAX = 0x034,
    R_QUEUE_NUM = 0x038,
    R_QUEUE_ALIGN = 0x03c,
    R_QUEUE_PFN = 0x040,
    R_QUEUE_READY = 0x044,
    R_QUEUE_NOTIFY = 0x050,
    R_INTERRUPT_STATUS = 0x060,
    R_INTERRUPT_ACK = 0x064,
    R_STATUS = 0x070,
    R_QUEUE_DESC_LOW = 0x080,
    R_QUEUE_DESC_HIGH = 0x084,
    R_QUEUE_DRIVER_LOW = 0x090,
    R_QUEUE_DRIVER_HIGH = 0x094,
    R_QUEUE_DEVICE_LOW = 0x0a0,
    R_QUEUE_DEVICE_HIGH = 0x0a4,
    R_CONFIG_GENERATION = 0x0fc,
};

#define V1 1u
#define V2 2u
#define RD 4u
#define WR 8u

/* Indexed by offset / 4: a table, since every register access of every exec looks here. */
static const uint8_t reg_kinds[CONFIG / 4] = {
    [R_MAGIC / 4] = V1 | V2 | RD,
    [R_VERSION / 4] = V1 | V2 | RD,
    [R_DEVICE_ID / 4] = V1 | V2 | RD,
    [R_VENDOR_ID / 4] = V1 | V2 | RD,
    [R_DEVICE_FEATURES / 4] = V1 | V2 | RD,
    [R_QUEUE_NUM_MAX / 4] = V1 | V2 | RD,
    [R_INTERRUPT_STATUS / 4] = V1 | V2 | RD,
    [R_DEVICE_FEATURES_SEL / 4] = V1 | V2 | WR,
    [R_DRIVER_FEATURES / 4] = V1 | V2 | WR,
    [R_DRIVER_FEATURES_SEL / 4] = V1 | V2 | WR,
    [R_QUEUE_SEL / 4] = V1 | V2 | WR,
    [R_QUEUE_NUM / 4] = V1 | V2 | WR,
    [R_QUEUE_NOTIFY / 4] = V1 | V2 | WR,
    [R_INTERRUPT_ACK / 4] = V1 | V2 | WR,
    [R_STATUS / 4] = V1 | V2 | RD | WR,
    [R_GUEST_PAGE_SIZE / 4] = V1 | WR,
    [R_QUEUE_ALIGN / 4] = V1 | WR,
    [R_QUEUE_PFN / 4] = V1 | RD | WR,
    [R_QUEUE_READY / 4] = V2 | RD | WR,
    [R_QUEUE_DESC_LOW / 4] = V2 | WR,
    [R_QUEUE_DESC_HIGH / 4] = V2 | WR,
    [R_QUEUE_DRIVER_LOW / 4] = V2 | WR,
    [R_QUEUE_DRIVER_HIGH / 4] = V2 | WR,
    [R_QUEUE_DEVICE_LOW / 4] = V2 | WR,
    [R_QUEUE_DEVICE_HIGH / 4] = V2 | WR,
    [R_CONFIG_GENERATION / 4] = V2 | RD,
};

/* The window offset of an access, after the layout's rules; aborts on a driver bug. */
static uint32_t offset_of(const struct fz_mmio *m, uintptr_t addr, unsigned width, bool write)
{
    if (addr < m->base || addr - m->base >= m->size || width > m->size - (addr - m->base))
        fz_fail("MMIO %s%u at %#lx, outside the %zu-byte window", write ? "write" : "read",
                width * 8, (unsigned long)addr, m->size);
    uint32_t off = (uint32_t)(addr - m->base);
    if (off % width != 0)
        fz_fail("MMIO access of %u bytes at unaligned offset %#x", width, off);
    if (off >= CONFIG)
        return off;
    if (width != 4)
        fz_fail("MMIO register %#x accessed with %u bytes, not 32 bits", off, width);
    unsigned kind = reg_kinds[off / 4];
    if (!(kind & (m->version == 1 ? V1 : V2)) || !(kind & (write ? WR : RD)))
        fz_fail("MMIO %s of register %#x, which Version %u does not have for that",
                write ? "write" : "read", off, m->version);
    return off;
}

static struct fz_mmio_queue *selected(struct fz_mmio *m)
{
    return m->queue_sel < FZ_QUEUES ? &m->q[m->queue_sel] : NULL;
}

static uint32_t model_read(struct fz_mmio *m, uint32_t off, unsigned width)
{
    struct fz_dev *d = m->d;
    struct fz_mmio_queue *q = selected(m);
    if (off >= CONFIG)
        return fz_dev_config_read(d, off - CONFIG, width);
    switch (off) {
    case R_MAGIC:
        return MAGIC;
    case R_VERSION:
        return m->version;
    case R_DEVICE_ID:
        return d->device_id;
    case R_VENDOR_ID:
        return VENDOR;
    case R_DEVICE_FEATURES:
        return fz_dev_features_word(d, m->dev_sel);
    case R_QUEUE_NUM_MAX:
        return fz_dev_queue_max(d, (uint16_t)m->queue_sel);
    case R_QUEUE_PFN:
        return q != NULL ? q->pfn : 0;
    case R_QUEUE_READY:
        return q != NULL ? q->ready : 0;
    case R_INTERRUPT_STATUS:
        return d->isr;
    case R_STATUS:
        return d->status;
    default: /* R_CONFIG_GENERATION */
        return d->generation;
    }
}

static uint32_t mmio_read(void *ctx, uintptr_t addr, unsigned width)
{
    struct fz_mmio *m = ctx;
    uint32_t off = offset_of(m, addr, width, false);
    uint32_t v = fz_dev_reg(m->d, model_read(m, off, width));
    /* a device is what it says it is: the driver follows the Version and DeviceID it read */
    if (off == R_VERSION && (v == 1 || v == 2)) {
        m->version = v;
        m->d->legacy = v == 1;
    } else if (off == R_DEVICE_ID) {
        m->d->device_id = v;
    }
    return width == 4 ? v : v & ((1u << (8 * width)) - 1u);
}

static void reset_queues(struct fz_mmio *m)
{
    memset(m->q, 0, sizeof m->q);
}

/* Legacy interface: QueuePFN gives the page of one contiguous ring area. */
static void enable_legacy(struct fz_mmio *m, struct fz_mmio_queue *q)
{
    uint64_t align = q->align;
    if (!fz_dev_check(m->d, m->page_size != 0 && (m->page_size & (m->page_size - 1)) == 0,
                      "QueuePFN before a power-of-two GuestPageSize") ||
        !fz_dev_check(m->d, align != 0 && (align & (align - 1)) == 0,
                      "QueueAlign not a power of 2"))
        return;
    uint64_t desc = (uint64_t)q->pfn * m->page_size;
    uint64_t avail = desc + 16u * q->num;
    uint64_t used = (avail + 6u + 2u * q->num + align - 1) & ~(align - 1);
    fz_dev_queue_enable(m->d, (uint16_t)m->queue_sel, (uint16_t)q->num, desc, avail, used);
}

static void queue_stop(struct fz_mmio *m)
{
    struct fz_vq *vq = fz_dev_vq(m->d, (uint16_t)m->queue_sel);
    if (vq != NULL)
        vq->ready = false;
}

static void set_half(uint64_t *v, bool high, uint32_t val)
{
    *v = high ? (*v & UINT32_MAX) | (uint64_t)val << 32 : (*v & ~(uint64_t)UINT32_MAX) | val;
}

static void mmio_write(void *ctx, uintptr_t addr, unsigned width, uint32_t val)
{
    struct fz_mmio *m = ctx;
    struct fz_dev *d = m->d;
    uint32_t off = offset_of(m, addr, width, true);
    struct fz_mmio_queue *q = selected(m);
    if (off >= CONFIG) {
        fz_dev_config_write(d, off - CONFIG, width, val);
        return;
    }
    switch (off) {
    case R_DEVICE_FEATURES_SEL:
        m->dev_sel = val;
        break;
    case R_DRIVER_FEATURES:
        fz_dev_set_driver_word(d, m->drv_sel, val);
        break;
    case R_DRIVER_FEATURES_SEL:
        m->drv_sel = val;
        break;
    case R_GUEST_PAGE_SIZE:
        m->page_size = val;
        break;
    case R_QUEUE_SEL:
        m->queue_sel = val;
        break;
    case R_QUEUE_NOTIFY:
        fz_dev_notify(d, (uint16_t)val);
        break;
    case R_INTERRUPT_ACK:
        fz_dev_check(d, (val & ~3u) == 0, "InterruptACK with undefined bits");
        d->isr &= ~val;
        break;
    case R_STATUS:
        fz_dev_write_status(d, (uint8_t)val);
        if (val == 0)
            reset_queues(m);
        break;
    default:
        if (q == NULL)
            break;
        if (off == R_QUEUE_NUM)
            q->num = val;
        else if (off == R_QUEUE_ALIGN)
            q->align = val;
        else if (off == R_QUEUE_PFN && (q->pfn = val) != 0)
            enable_legacy(m, q);
        else if (off == R_QUEUE_PFN)
            queue_stop(m);
        else if (off == R_QUEUE_READY && (q->ready = val) != 0)
            fz_dev_queue_enable(d, (uint16_t)m->queue_sel, (uint16_t)q->num, q->desc, q->driver,
                                q->device);
        else if (off == R_QUEUE_READY)
            queue_stop(m);
        else if (off == R_QUEUE_DESC_LOW || off == R_QUEUE_DESC_HIGH)
            set_half(&q->desc, off == R_QUEUE_DESC_HIGH, val);
        else if (off == R_QUEUE_DRIVER_LOW || off == R_QUEUE_DRIVER_HIGH)
            set_half(&q->driver, off == R_QUEUE_DRIVER_HIGH, val);
        else
            set_half(&q->device, off == R_QUEUE_DEVICE_HIGH, val);
        break;
    }
}

static void mmio_relax(void *ctx)
{
    struct fz_mmio *m = ctx;
    fz_dev_step(m->d);
}

const struct fz_bus_ops fz_mmio_bus = {mmio_read, mmio_write, mmio_relax};

void fz_mmio_init(struct fz_mmio *m, struct fz_dev *d, uint32_t version, size_t size)
{
    memset(m, 0, sizeof *m);
    m->d = d;
    m->base = FZ_MMIO_BASE;
    m->size = size;
    m->version = version;
    d->legacy = version == 1;
}
