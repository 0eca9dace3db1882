/* The fake PCI bus: configuration space, BAR decode, and the virtio-pci common configuration. */
#include <string.h>

#include "fz_pci.h"

#define CFG_COMMAND 0x04u
#define CFG_BAR0 0x10u
#define CFG_HEADER_TYPE 0x0eu
#define CFG_CAP_AREA 0x40u
#define COMMAND_MEMORY 0x2u

/* Common configuration structure layout: offset, width */
enum {
    C_DEVICE_FEATURE_SELECT = 0x00,
    C_DEVICE_FEATURE = 0x04,
    C_DRIVER_FEATURE_SELECT = 0x08,
    C_DRIVER_FEATURE = 0x0c,
    C_MSIX_CONFIG = 0x10,
    C_NUM_QUEUES = 0x12,
    C_DEVICE_STATUS = 0x14,
    C_CONFIG_GENERATION = 0x15,
    C_QUEUE_SELECT = 0x16,
    C_QUEUE_SIZE = 0x18,
    C_QUEUE_MSIX_VECTOR = 0x1a,
    C_QUEUE_ENABLE = 0x1c,
    C_QUEUE_NOTIFY_OFF = 0x1e,
    C_QUEUE_DESC = 0x20,
    C_QUEUE_DRIVER = 0x28,
    C_QUEUE_DEVICE = 0x30,
    C_END = 0x38,
};

static unsigned common_width(uint32_t off)
{
    if (off < C_MSIX_CONFIG || off >= C_QUEUE_DESC)
        return 4;
    return off == C_DEVICE_STATUS || off == C_CONFIG_GENERATION ? 1 : 2;
}

static uint32_t get_le(const uint8_t *p, unsigned width)
{
    uint32_t v = 0;
    for (unsigned k = 0; k < width; k++)
        v |= (uint32_t)p[k] << (8 * k);
    return v;
}

static struct fz_pci_func *find_func(struct fz_pci *pci, uint16_t bdf)
{
    for (unsigned i = 0; i < pci->nfuncs; i++) {
        if (pci->f[i].bdf == bdf)
            return &pci->f[i];
    }
    return NULL;
}

static uint64_t cfg_window(const struct fz_pci *pci)
{
    uint64_t buses = (uint64_t)(pci->bus_last - pci->bus_first) + 1;
    return buses << (pci->cam ? 16 : 20);
}

/* Configuration space: a function's bytes, all ones where none answers. */
static bool cfg_decode(struct fz_pci *pci, uintptr_t addr, unsigned width, struct fz_pci_func **f,
                       uint32_t *reg)
{
    if (addr < FZ_PCI_CFG_BASE || addr - FZ_PCI_CFG_BASE >= cfg_window(pci))
        return false;
    uint64_t off = addr - FZ_PCI_CFG_BASE;
    unsigned shift = pci->cam ? 8 : 12;
    uint16_t bdf = (uint16_t)((off >> shift) + ((unsigned)pci->bus_first << 8));
    *reg = (uint32_t)(off & ((1u << shift) - 1u));
    if (*reg % width != 0)
        fz_fail("PCI configuration access of %u bytes at unaligned register %#x", width, *reg);
    *f = find_func(pci, bdf);
    return true;
}

static bool is_bar(const struct fz_pci_func *f, uint32_t reg)
{
    unsigned bars = (f->cfg[CFG_HEADER_TYPE] & 0x7f) == 1 ? 2 : 6;
    return reg >= CFG_BAR0 && reg < CFG_BAR0 + 4 * bars;
}

static void cfg_write(struct fz_pci_func *f, uint32_t reg, unsigned width, uint32_t val)
{
    if (reg >= CFG_CAP_AREA)
        fz_fail("PCI configuration write at %#x, inside the capabilities", reg);
    uint32_t at = reg & ~3u;
    uint32_t old = get_le(&f->cfg[at], 4);
    uint32_t shift = 8 * (reg - at);
    uint32_t mask = width == 4 ? UINT32_MAX : ((1u << (8 * width)) - 1u) << shift;
    uint32_t v = (old & ~mask) | ((val << shift) & mask);
    /* PCI Base Address Registers: only the address bits of the BAR's size stick */
    if (is_bar(f, at)) {
        uint32_t keep = f->bar_mask[(at - CFG_BAR0) / 4];
        v = (v & keep) | (old & ~keep);
    }
    for (unsigned k = 0; k < 4; k++)
        f->cfg[at + k] = (uint8_t)(v >> (8 * k));
}

/* Whether [@va, @va+@len) lies inside a memory BAR @f decodes now. */
static bool in_enabled_bar(const struct fz_pci_func *f, uint64_t va, uint64_t len)
{
    if (!(get_le(&f->cfg[CFG_COMMAND], 2) & COMMAND_MEMORY))
        return false;
    unsigned bars = (f->cfg[CFG_HEADER_TYPE] & 0x7f) == 1 ? 2 : 6;
    for (unsigned i = 0; i < bars; i++) {
        uint32_t v = get_le(&f->cfg[CFG_BAR0 + 4 * i], 4);
        if (v & 1u)
            continue;
        uint64_t addr = v & ~0xfu;
        uint64_t sticky = f->bar_mask[i] & ~0xfu;
        if ((v & 6u) == 4u && i + 1 < bars) {
            addr |= (uint64_t)get_le(&f->cfg[CFG_BAR0 + 4 * (i + 1)], 4) << 32;
            sticky |= (uint64_t)f->bar_mask[i + 1] << 32;
            i++;
        } else if (sticky != 0) {
            sticky |= ~(uint64_t)UINT32_MAX;
        }
        /* a BAR none of whose address bits stick is not implemented */
        uint64_t size = ~sticky + 1;
        if (sticky != 0 && va >= addr && va - addr < size && len <= size - (va - addr))
            return true;
    }
    return false;
}

/* PCI Device Layout: each common configuration field is accessed with its own width. */
static bool common_fits(uint32_t off, unsigned width)
{
    uint32_t field = off >= C_QUEUE_DESC ? off & ~3u : off;
    return off < C_END && common_width(field) == width && off % width == 0;
}

enum structure { S_COMMON, S_NOTIFY, S_ISR, S_DEVICE, S_COUNT };

/* Whether an access (a write of @val when @write) is one the driver makes to structure @s. */
static bool fits(enum structure s, uint32_t off, unsigned width, bool write, uint32_t val)
{
    switch (s) {
    case S_COMMON: /* never a read-only field, never 0 to queue_enable */
        return common_fits(off, width) &&
               !(write &&
                 (off == C_DEVICE_FEATURE || off == C_NUM_QUEUES || off == C_CONFIG_GENERATION ||
                  off == C_QUEUE_NOTIFY_OFF || (off == C_QUEUE_ENABLE && val != 1)));
    case S_NOTIFY: /* Available Buffer Notifications: 16 bits, anywhere a queue's address may be */
        return write && width == 2;
    case S_ISR: /* ISR status: one byte, read */
        return !write && width == 1 && off == 0;
    default:
        return true;
    }
}

/*
 * The structure an access at @addr is for: of the driver's mapped structures
 * that contain it (a hostile device may make them overlap), the first whose
 * layout allows it. Aborts when none does, or when the structure lies
 * outside the function's enabled BARs. An access inside overlapping
 * structures may mean something else to the device than to the driver (a
 * notify taken as queue_enable): from then on the device is not
 * well-behaved, so what it sees is no evidence against the driver.
 */
static enum structure structure(struct fz_pci *pci, uintptr_t addr, unsigned width, bool write,
                                uint32_t val, uint32_t *off)
{
    const struct vio_pci_transport *tp = pci->tp;
    const struct vio_pci_region *regs[S_COUNT] = {&tp->common, &tp->notify, &tp->isr, &tp->device};
    bool inside = false;
    unsigned containing = 0;
    for (unsigned s = 0; s < S_COUNT; s++) {
        const struct vio_pci_region *r = regs[s];
        containing += r->len != 0 && addr >= r->va && addr - r->va < r->len;
    }
    if (containing > 1)
        pci->d->lied = true;
    for (unsigned s = 0; s < S_COUNT; s++) {
        const struct vio_pci_region *r = regs[s];
        if (r->len == 0 || addr < r->va || addr - r->va >= r->len ||
            width > r->len - (addr - r->va))
            continue;
        struct fz_pci_func *f = find_func(pci, tp->bdf);
        if (f == NULL || !in_enabled_bar(f, r->va, r->len))
            fz_fail("access at %#lx: a virtio structure outside the function's enabled BARs",
                    (unsigned long)addr);
        inside = true;
        *off = (uint32_t)(addr - r->va);
        if (fits((enum structure)s, *off, width, write, val))
            return (enum structure)s;
    }
    fz_fail("%u-byte %s at %#lx: %s", width, write ? "write" : "read", (unsigned long)addr,
            inside ? "not a field of the virtio structures there (PCI Device Layout)"
                   : "outside every virtio structure the driver mapped");
}

static struct fz_pci_queue *sel_queue(struct fz_pci *pci)
{
    return pci->queue_sel < FZ_QUEUES && pci->queue_sel < pci->num_queues ? &pci->q[pci->queue_sel]
                                                                          : NULL;
}

static uint32_t common_read(struct fz_pci *pci, uint32_t off)
{
    struct fz_dev *d = pci->d;
    struct fz_pci_queue *q = sel_queue(pci);
    struct fz_vq *vq = fz_dev_vq(d, pci->queue_sel);
    switch (off) {
    case C_DEVICE_FEATURE_SELECT:
        return pci->dev_sel;
    case C_DEVICE_FEATURE:
        return fz_dev_features_word(d, pci->dev_sel);
    case C_DRIVER_FEATURE_SELECT:
        return pci->drv_sel;
    case C_DRIVER_FEATURE:
        return (uint32_t)(d->accepted >> (pci->drv_sel == 1 ? 32 : 0));
    case C_NUM_QUEUES:
        return pci->num_queues;
    case C_DEVICE_STATUS:
        return d->status;
    case C_CONFIG_GENERATION:
        return d->generation;
    case C_QUEUE_SELECT:
        return pci->queue_sel;
    case C_QUEUE_SIZE:
        return q != NULL ? q->size : 0;
    case C_QUEUE_ENABLE:
        return vq != NULL && vq->ready;
    case C_QUEUE_NOTIFY_OFF:
        return q != NULL ? pci->notify_off : 0;
    default: /* MSI-X vectors and the queue addresses read back 0 here */
        return 0;
    }
}

static void set_half(uint64_t *v, bool high, uint32_t val)
{
    *v = high ? (*v & UINT32_MAX) | (uint64_t)val << 32 : (*v & ~(uint64_t)UINT32_MAX) | val;
}

static void reset_queues(struct fz_pci *pci)
{
    for (unsigned i = 0; i < FZ_QUEUES; i++)
        pci->q[i] = (struct fz_pci_queue){.size = fz_dev_queue_max(pci->d, (uint16_t)i)};
}

static void common_write(struct fz_pci *pci, uint32_t off, uint32_t val)
{
    struct fz_dev *d = pci->d;
    struct fz_pci_queue *q = sel_queue(pci);
    switch (off) {
    case C_DEVICE_FEATURE_SELECT:
        pci->dev_sel = val;
        return;
    case C_DRIVER_FEATURE_SELECT:
        pci->drv_sel = val;
        return;
    case C_DRIVER_FEATURE:
        fz_dev_set_driver_word(d, pci->drv_sel, val);
        return;
    case C_DEVICE_STATUS:
        fz_dev_write_status(d, (uint8_t)val);
        if (val == 0)
            reset_queues(pci);
        return;
    case C_QUEUE_SELECT:
        pci->queue_sel = (uint16_t)val;
        return;
    default:
        break;
    }
    if (q == NULL)
        return;
    if (off == C_QUEUE_SIZE)
        q->size = (uint16_t)val;
    else if (off == C_QUEUE_ENABLE)
        fz_dev_queue_enable(d, pci->queue_sel, q->size, q->desc, q->driver, q->device);
    else if (off >= C_QUEUE_DESC && off < C_QUEUE_DRIVER)
        set_half(&q->desc, off & 4u, val);
    else if (off >= C_QUEUE_DRIVER && off < C_QUEUE_DEVICE)
        set_half(&q->driver, off & 4u, val);
    else if (off >= C_QUEUE_DEVICE)
        set_half(&q->device, off & 4u, val);
}

static uint32_t pci_read(void *ctx, uintptr_t addr, unsigned width)
{
    struct fz_pci *pci = ctx;
    struct fz_pci_func *f;
    uint32_t reg, off;
    if (cfg_decode(pci, addr, width, &f, &reg))
        return f == NULL ? UINT32_MAX >> (32 - 8 * width)
                         : (reg < 256 ? get_le(&f->cfg[reg], width) : 0);
    uint32_t v;
    enum structure s = structure(pci, addr, width, false, 0, &off);
    switch (s) {
    case S_COMMON:
        v = common_read(pci, off >= C_QUEUE_DESC ? off & ~3u : off);
        break;
    case S_ISR:
        v = fz_dev_isr_take(pci->d);
        break;
    default: /* S_DEVICE */
        v = fz_dev_config_read(pci->d, off, width);
        break;
    }
    v = fz_dev_reg(pci->d, v);
    v = width == 4 ? v : v & ((1u << (8 * width)) - 1u);
    if (s == S_COMMON && off == C_QUEUE_NOTIFY_OFF && pci->queue_sel < VIO_PCI_MAX_QUEUES)
        pci->seen_notify_off[pci->queue_sel] = (uint16_t)v;
    return v;
}

static void pci_write(void *ctx, uintptr_t addr, unsigned width, uint32_t val)
{
    struct fz_pci *pci = ctx;
    struct fz_pci_func *f;
    uint32_t reg, off;
    if (cfg_decode(pci, addr, width, &f, &reg)) {
        if (f != NULL && reg < 256)
            cfg_write(f, reg, width, val);
        return;
    }
    switch (structure(pci, addr, width, true, val, &off)) {
    case S_COMMON:
        common_write(pci, off, val);
        break;
    case S_NOTIFY:
        /* the index of a queue whose notify address (as the driver read it) this is */
        if (val >= VIO_PCI_MAX_QUEUES ||
            off != (uint32_t)pci->seen_notify_off[val] * pci->tp->notify_multiplier)
            fz_fail("notification of queue %u at offset %#x of the structure", val, off);
        fz_dev_notify(pci->d, (uint16_t)val);
        break;
    default: /* S_DEVICE */
        fz_dev_config_write(pci->d, off, width, val);
        break;
    }
}

static void pci_relax(void *ctx)
{
    struct fz_pci *pci = ctx;
    fz_dev_step(pci->d);
}

const struct fz_bus_ops fz_pci_bus = {pci_read, pci_write, pci_relax};

void fz_pci_init(struct fz_pci *pci, struct fz_dev *d, bool cam, uint8_t bus_last)
{
    memset(pci, 0, sizeof *pci);
    pci->d = d;
    pci->cam = cam;
    pci->bus_last = bus_last;
}

void fz_pci_attach(struct fz_pci *pci, const struct vio_pci_transport *tp, uint16_t num_queues,
                   uint16_t notify_off)
{
    pci->tp = tp;
    /* the device has as many queues as it reports (up to what the fake device models) */
    if (num_queues != 0)
        pci->d->num_queues = num_queues < FZ_QUEUES ? num_queues : FZ_QUEUES;
    pci->num_queues = num_queues != 0 ? num_queues : pci->d->num_queues;
    pci->notify_off = notify_off;
    pci->dev_sel = pci->drv_sel = 0;
    pci->queue_sel = 0;
    reset_queues(pci);
}

uint32_t fz_pci_device_type(uint16_t pci_device_id)
{
    /* PCI Device Discovery: 0x1040 + type; transitional ids of blk and net */
    if (pci_device_id >= 0x1040 && pci_device_id <= 0x107f)
        return pci_device_id - 0x1040u;
    if (pci_device_id == 0x1000)
        return FZ_ID_NET;
    return pci_device_id == 0x1001 ? FZ_ID_BLOCK : 0;
}
