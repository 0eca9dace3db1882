/*
 * The PCI host bridge: the ECAM window of bus 0, the type 0 configuration
 * header of each function, BARs that size and decode once placed, and the
 * virtio capability list (Virtio Structure PCI Capabilities), with the
 * malformed variants a driver must refuse.
 */
#include <stdarg.h>
#include <stdlib.h>

#include "pci_internal.h"
#include "vio/err.h"
#include "vsim/spec.h"

#define CFG_SPACE 4096u
#define CAP_START 0x40u
#define CAP_VNDR 0x09u
#define CAP_LEN 16u
#define NOTIFY_CAP_LEN 20u
#define PCI_CFG_CAP_LEN 20u
#define STATUS_CAP_LIST 0x10u
#define STATUS_INTERRUPT 0x08u
#define COMMAND_WRITABLE 0x0407u /* I/O, memory, bus master, INTx disable */
#define BAR_IO_SIZE 0x40u
#define BAR_UNSIZED_MASK 0xfff0f000u /* a hole in the size bits */
#define NOTIFY_LEN 0x1000u

struct pci_host {
    struct vsim_machine *m;
    struct vsim__pci_fn *fns[VSIM__PCI_DEVS][VSIM__PCI_FNS];
};

static const char *const malform_names[] = {
#define VSIM__PCI_MALFORM_NAME(e, name, text) name,
    VSIM_PCI_MALFORMS(VSIM__PCI_MALFORM_NAME)
#undef VSIM__PCI_MALFORM_NAME
};

const char *vsim_pci_malform_name(enum vsim_pci_malform f)
{
    return (unsigned)f < VSIM_PCI_MALFORM_COUNT ? malform_names[f] : "?";
}

enum vsim_pci_malform vsim_pci_malform_by_name(const char *name)
{
    for (unsigned i = 0; i < VSIM_PCI_MALFORM_COUNT; i++) {
        if (strcmp(malform_names[i], name) == 0)
            return (enum vsim_pci_malform)i;
    }
    return VSIM_PCI_MALFORM_COUNT;
}

bool vsim__pci_layout_malformed(const struct vsim__pci_fn *f)
{
    return f->opts.malform >= VSIM_PCI_MALFORM_CAP_LOOP &&
           f->opts.malform <= VSIM_PCI_MALFORM_BAR_UNSIZED;
}

void vsim__pci_violation(struct vsim__pci_fn *f, enum vsim_rule rule, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsim__violationv(f->m, rule, f->d ? vsim_device_label(f->d) : f->where, fmt, ap);
    va_end(ap);
}

static uint32_t malform_value(const struct vsim__pci_fn *f, uint32_t dflt)
{
    return f->opts.has_value ? f->opts.value : dflt;
}

/* ---- BARs ---- */

/* Size of BAR @idx, 0 when it is not implemented. */
static uint32_t bar_size(const struct vsim__pci_fn *f, unsigned idx)
{
    if (!f->d)
        return 0;
    if (idx == 0)
        return f->opts.malform == VSIM_PCI_MALFORM_IO_BAR ? BAR_IO_SIZE : 0;
    if (idx == VSIM_PCI_AUX_BAR)
        return VSIM_PCI_AUX_BAR_SIZE;
    return idx == VSIM_PCI_VIRTIO_BAR ? VSIM_PCI_VIRTIO_BAR_SIZE : 0;
}

static uint32_t bar_read(const struct vsim__pci_fn *f, unsigned idx)
{
    if (idx == 0 && bar_size(f, 0))
        return f->bar[0] | 0x1u; /* I/O space */
    if (idx == VSIM_PCI_VIRTIO_BAR && f->d)
        return f->bar[idx] | 0xcu; /* 64-bit, prefetchable */
    return f->bar[idx];
}

static void bar_write(struct vsim__pci_fn *f, unsigned idx, uint32_t val)
{
    bool decoding = f->command & (VSIM__PCI_CMD_MEM | VSIM__PCI_CMD_IO);
    if (val == UINT32_MAX && decoding && (bar_size(f, idx) || (idx == 5 && f->d)))
        vsim__pci_violation(f, VSIM_RULE_PCI_BAR, "BAR%u sized while decoding is on", idx);
    uint32_t size = bar_size(f, idx);
    if (idx == VSIM_PCI_VIRTIO_BAR && f->opts.malform == VSIM_PCI_MALFORM_BAR_UNSIZED)
        f->bar[idx] = val & BAR_UNSIZED_MASK;
    else if (size)
        f->bar[idx] = val & ~(size - 1) & (idx == 0 ? ~0x3u : ~0xfu);
    else if (idx == VSIM_PCI_VIRTIO_BAR + 1 && f->d)
        f->bar[idx] = val; /* the upper half of BAR4 */
}

static uint64_t bar_base(const struct vsim__pci_fn *f, unsigned idx)
{
    uint64_t base = f->bar[idx];
    if (idx == VSIM_PCI_VIRTIO_BAR)
        base |= (uint64_t)f->bar[idx + 1] << 32;
    return base;
}

/* Makes a memory BAR decode exactly when it is placed and memory space is on. */
static void remap_bar(struct vsim__pci_fn *f, unsigned idx, const struct vsim_region_ops *ops)
{
    struct vsim__pci_bar *b = &f->bars[idx];
    uint64_t base = bar_base(f, idx), size = bar_size(f, idx);
    bool want = (f->command & VSIM__PCI_CMD_MEM) && base != 0;
    if (b->mapped && (!want || b->mapped != base)) {
        vsim_machine_unmap(f->m, b->mapped);
        b->mapped = 0;
    }
    if (!want || b->mapped)
        return;
    if (base < VSIM_PCI_MEM32_BASE || base - VSIM_PCI_MEM32_BASE > VSIM_PCI_MEM32_SIZE - size) {
        vsim__pci_violation(f, VSIM_RULE_PCI_BAR, "BAR%u at 0x%llx is outside the window", idx,
                            (unsigned long long)base);
        return;
    }
    char name[24];
    snprintf(name, sizeof(name), "%s BAR%u", f->where, idx);
    if (vsim_machine_map(f->m, base, size, ops, b, name) != VIO_OK) {
        vsim__pci_violation(f, VSIM_RULE_PCI_BAR, "BAR%u at 0x%llx overlaps another window", idx,
                            (unsigned long long)base);
        return;
    }
    b->mapped = base;
    vsim__trace(f->m, "%s BAR%u decodes at 0x%llx", f->where, idx, (unsigned long long)base);
}

static uint32_t virtio_bar_read(void *ctx, uint64_t off, unsigned width)
{
    struct vsim__pci_bar *b = ctx;
    return vsim__pci_virtio_read(b->fn, (uint32_t)off, width);
}

static void virtio_bar_write(void *ctx, uint64_t off, unsigned width, uint32_t val)
{
    struct vsim__pci_bar *b = ctx;
    vsim__pci_virtio_write(b->fn, (uint32_t)off, width, val);
}

static const struct vsim_region_ops virtio_bar_ops = {
    .read = virtio_bar_read,
    .write = virtio_bar_write,
};

/* BAR1 decodes and holds nothing: a function left alone must not be touched there either. */
static uint32_t aux_bar_read(void *ctx, uint64_t off, unsigned width)
{
    struct vsim__pci_bar *b = ctx;
    if (vsim__pci_layout_malformed(b->fn))
        vsim__pci_violation(b->fn, VSIM_RULE_PCI_IGNORED_DEVICE, "BAR1 read%u at 0x%llx", width * 8,
                            (unsigned long long)off);
    return 0;
}

static void aux_bar_write(void *ctx, uint64_t off, unsigned width, uint32_t val)
{
    struct vsim__pci_bar *b = ctx;
    (void)val;
    if (vsim__pci_layout_malformed(b->fn))
        vsim__pci_violation(b->fn, VSIM_RULE_PCI_IGNORED_DEVICE, "BAR1 write%u at 0x%llx",
                            width * 8, (unsigned long long)off);
}

static const struct vsim_region_ops aux_bar_ops = {
    .read = aux_bar_read,
    .write = aux_bar_write,
};

static void remap(struct vsim__pci_fn *f)
{
    if (!f->d)
        return;
    remap_bar(f, VSIM_PCI_AUX_BAR, &aux_bar_ops);
    remap_bar(f, VSIM_PCI_VIRTIO_BAR, &virtio_bar_ops);
}

/* ---- configuration space ---- */

static uint8_t header_type(struct pci_host *h, const struct vsim__pci_fn *f)
{
    if (f->fn != 0)
        return 0;
    for (unsigned fn = 1; fn < VSIM__PCI_FNS; fn++) {
        if (h->fns[f->dev][fn])
            return 0x80; /* multi-function */
    }
    return 0;
}

/* VIRTIO_PCI_CAP_PCI_CFG: pci_cfg_data is a window into the BAR the capability names. */
static bool pci_cfg_window(struct vsim__pci_fn *f, uint32_t *off, unsigned *len)
{
    const uint8_t *c = &f->cfg[f->pci_cfg_cap];
    *off = vsim__ld32(c + 8);
    *len = vsim__ld32(c + 12);
    if (c[4] == VSIM_PCI_VIRTIO_BAR && (*len == 1 || *len == 2 || *len == 4) && *off % *len == 0 &&
        *off < VSIM_PCI_VIRTIO_BAR_SIZE)
        return true;
    vsim__pci_violation(f, VSIM_RULE_PCI_CFG_WINDOW,
                        "pci_cfg_data with bar %u, offset 0x%x, length %u", c[4], *off, *len);
    return false;
}

static uint32_t cfg_dword(struct pci_host *h, struct vsim__pci_fn *f, unsigned reg)
{
    switch (reg) {
    case 0x00:
        return f->vendor | (uint32_t)f->device_id << 16;
    case 0x04: {
        uint32_t status = f->d ? STATUS_CAP_LIST : 0;
        if (f->d && vsim_device_isr(f->d))
            status |= STATUS_INTERRUPT;
        return f->command | status << 16;
    }
    case 0x08:
        return f->revision | f->class_code << 8;
    case 0x0c:
        return (uint32_t)header_type(h, f) << 16;
    case 0x10:
    case 0x14:
    case 0x18:
    case 0x1c:
    case 0x20:
    case 0x24:
        return bar_read(f, (reg - 0x10) / 4);
    case 0x2c:
        return f->subsys_vendor | (uint32_t)f->subsys_id << 16;
    case 0x34:
        return f->cap_ptr;
    case 0x3c:
        return f->int_line | (uint32_t)f->int_pin << 8;
    default:
        break;
    }
    if (reg < CAP_START || reg >= sizeof(f->cfg))
        return 0;
    if (f->pci_cfg_cap && reg == f->pci_cfg_cap + 16u) {
        uint32_t off;
        unsigned len;
        if (pci_cfg_window(f, &off, &len))
            vsim__st32(&f->cfg[reg], vsim__pci_virtio_read(f, off, len));
    }
    return vsim__ld32(&f->cfg[reg]);
}

/* A capability byte the driver may write: the bar, offset, length and data of PCI_CFG. */
static bool cap_writable(const struct vsim__pci_fn *f, unsigned reg)
{
    unsigned c = f->pci_cfg_cap;
    return c && (reg == c + 4u || (reg >= c + 8u && reg < c + PCI_CFG_CAP_LEN));
}

static void cfg_write_dword(struct vsim__pci_fn *f, unsigned reg, uint32_t val, uint32_t mask)
{
    switch (reg) {
    case 0x04:
        if (mask & 0xffffu) {
            f->command = (uint16_t)(val & COMMAND_WRITABLE);
            remap(f);
        }
        return; /* status: no write-1-to-clear bits are ever set */
    case 0x10:
    case 0x14:
    case 0x18:
    case 0x1c:
    case 0x20:
    case 0x24:
        bar_write(f, (reg - 0x10) / 4, val);
        remap(f);
        return;
    case 0x3c:
        f->int_line = (uint8_t)val;
        return;
    default:
        break;
    }
    if (reg < CAP_START || reg >= sizeof(f->cfg))
        return; /* read-only header fields */
    for (unsigned k = 0; k < 4; k++) {
        if (!(mask & (0xffu << (8 * k))))
            continue;
        if (!cap_writable(f, reg + k)) {
            vsim__pci_violation(f, VSIM_RULE_PCI_CAP_WRITE, "capability byte 0x%02x written",
                                reg + k);
            return;
        }
        f->cfg[reg + k] = (uint8_t)(val >> (8 * k));
    }
    if (f->pci_cfg_cap && reg == f->pci_cfg_cap + 16u) {
        uint32_t off;
        unsigned len;
        if (pci_cfg_window(f, &off, &len))
            vsim__pci_virtio_write(f, off, len, vsim__ld32(&f->cfg[reg]));
    }
}

static struct vsim__pci_fn *ecam_fn(struct pci_host *h, uint64_t off)
{
    unsigned bus = (unsigned)(off >> 20), dev = (off >> 15) & 31, fn = (off >> 12) & 7;
    return bus < VSIM_PCI_BUSES ? h->fns[dev][fn] : NULL;
}

static uint32_t ecam_read(void *ctx, uint64_t off, unsigned width)
{
    struct pci_host *h = ctx;
    struct vsim__pci_fn *f = ecam_fn(h, off);
    unsigned reg = off & (CFG_SPACE - 1);
    uint32_t v = UINT32_MAX >> (32 - 8 * width);
    if (reg % width) {
        vsim__violation(h->m, VSIM_RULE_PCI_CFG_ALIGN, "pci",
                        "config read%u at ECAM offset 0x%llx is unaligned", width * 8,
                        (unsigned long long)off);
    } else if (f) {
        unsigned shift = 8 * (reg & 3);
        v = (uint32_t)((cfg_dword(h, f, reg & ~3u) >> shift) & v);
    }
    if (h->m->trace && f)
        vsim__trace(h->m, "%s cfg R%u 0x%03x -> 0x%x", f->where, width * 8, reg, v);
    return v;
}

static void ecam_write(void *ctx, uint64_t off, unsigned width, uint32_t val)
{
    struct pci_host *h = ctx;
    struct vsim__pci_fn *f = ecam_fn(h, off);
    unsigned reg = off & (CFG_SPACE - 1);
    if (reg % width) {
        vsim__violation(h->m, VSIM_RULE_PCI_CFG_ALIGN, "pci",
                        "config write%u at ECAM offset 0x%llx is unaligned", width * 8,
                        (unsigned long long)off);
        return;
    }
    if (!f)
        return;
    if (h->m->trace)
        vsim__trace(h->m, "%s cfg W%u 0x%03x <- 0x%x", f->where, width * 8, reg, val);
    unsigned shift = 8 * (reg & 3);
    uint32_t mask = (UINT32_MAX >> (32 - 8 * width)) << shift;
    unsigned base = reg & ~3u;
    uint32_t merged = (cfg_dword(h, f, base) & ~mask) | ((val << shift) & mask);
    cfg_write_dword(f, base, merged, mask);
}

static void host_destroy(void *ctx)
{
    struct pci_host *h = ctx;
    for (unsigned d = 0; d < VSIM__PCI_DEVS; d++) {
        for (unsigned fn = 0; fn < VSIM__PCI_FNS; fn++) {
            if (h->fns[d][fn]) {
                free(h->fns[d][fn]->q);
                free(h->fns[d][fn]);
            }
        }
    }
    free(h);
}

static const struct vsim_region_ops ecam_ops = {
    .read = ecam_read,
    .write = ecam_write,
    .destroy = host_destroy,
};

/* ---- the host and its functions ---- */

static struct pci_host *find_host(struct vsim_machine *m)
{
    for (unsigned i = 0; i < m->nregions; i++) {
        if (m->regions[i].ops == &ecam_ops)
            return m->regions[i].ctx;
    }
    return NULL;
}

static struct vsim__pci_fn *new_fn(struct pci_host *h, unsigned dev, unsigned fn)
{
    struct vsim__pci_fn *f = calloc(1, sizeof(*f));
    if (!f)
        return NULL;
    f->m = h->m;
    f->dev = (uint8_t)dev;
    f->fn = (uint8_t)fn;
    snprintf(f->where, sizeof(f->where), "pci00:%02x.%u", dev, fn);
    for (unsigned i = 0; i < VSIM__PCI_BARS; i++)
        f->bars[i] = (struct vsim__pci_bar){.fn = f, .idx = i};
    h->fns[dev][fn] = f;
    return f;
}

int vsim_pci_host_init(struct vsim_machine *m)
{
    if (find_host(m))
        return VIO_OK;
    struct pci_host *h = calloc(1, sizeof(*h));
    if (!h)
        return VIO_ERR_DMA_ERROR;
    h->m = m;
    if (vsim_machine_map(m, VSIM_PCI_ECAM_BASE, VSIM_PCI_ECAM_SIZE, &ecam_ops, h, "pci-ecam")) {
        free(h);
        vsim__set_error(m, "pci: the ECAM window cannot be mapped");
        return VIO_ERR_INVALID_PARAM;
    }
    /* 00:00.0, the host bridge the way QEMU's generic ECAM host shows it */
    struct vsim__pci_fn *f = new_fn(h, 0, 0);
    if (!f)
        return VIO_ERR_DMA_ERROR;
    f->vendor = VSIM_PCI_HOST_VENDOR;
    f->device_id = VSIM_PCI_HOST_DEVICE;
    f->class_code = VSIM_PCI_CLASS_HOST_BRIDGE;
    return VIO_OK;
}

/* The spec's transitional ids (PCI Device Discovery), 0 when a type has none. */
static uint16_t transitional_id(uint32_t type)
{
    static const uint16_t ids[][2] = {{1, 0x1000}, {2, 0x1001}, {5, 0x1002}, {3, 0x1003},
                                      {8, 0x1004}, {4, 0x1005}, {9, 0x1009}};
    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
        if (ids[i][0] == type)
            return ids[i][1];
    }
    return 0;
}

static uint32_t class_of(uint32_t type)
{
    switch (type) {
    case VSIM_ID_NET:
        return VSIM_PCI_CLASS_NETWORK;
    case VSIM_ID_BLOCK:
        return VSIM_PCI_CLASS_STORAGE_SCSI;
    case VSIM_ID_GPU:
        return VSIM_PCI_CLASS_DISPLAY_OTHER;
    default:
        return VSIM_PCI_CLASS_OTHER;
    }
}

/* Writes one struct virtio_pci_cap at @at. */
static void put_cap(struct vsim__pci_fn *f, unsigned at, unsigned len, unsigned type, unsigned bar,
                    uint32_t off, uint32_t length)
{
    uint8_t *c = &f->cfg[at];
    c[0] = CAP_VNDR;
    c[2] = (uint8_t)len;
    c[3] = (uint8_t)type;
    c[4] = (uint8_t)bar;
    vsim__st32(c + 8, off);
    vsim__st32(c + 12, length);
}

/* The capability list, QEMU's order, then the chosen malformation applied to it. */
static void build_caps(struct vsim__pci_fn *f)
{
    /* a rebuild must not keep the links or the PCI_CFG window of an earlier list */
    memset(&f->cfg[CAP_START], 0, sizeof(f->cfg) - CAP_START);
    enum vsim_pci_malform mf = f->opts.malform;
    uint32_t cfg_size = vsim_device_config_size(f->d);
    f->device_cfg_len = mf == VSIM_PCI_MALFORM_DEVICE_CFG_SHORT ? malform_value(f, 4) : cfg_size;
    uint8_t at[5], n = 0;

    put_cap(f, 0x40, CAP_LEN, VSIM_PCI_CAP_COMMON_CFG,
            mf == VSIM_PCI_MALFORM_IO_BAR ? 0 : VSIM_PCI_VIRTIO_BAR,
            mf == VSIM_PCI_MALFORM_CAP_OUTSIDE_BAR     ? VSIM_PCI_VIRTIO_BAR_SIZE - 0x10
            : mf == VSIM_PCI_MALFORM_STRUCT_MISALIGNED ? VSIM_PCI_COMMON_OFF + 2
                                                       : VSIM_PCI_COMMON_OFF,
            VSIM_PCI_COMMON_LEN);
    put_cap(f, 0x50, CAP_LEN, VSIM_PCI_CAP_ISR_CFG, VSIM_PCI_VIRTIO_BAR, VSIM_PCI_ISR_OFF, 1);
    put_cap(f, 0x60, CAP_LEN, VSIM_PCI_CAP_DEVICE_CFG, VSIM_PCI_VIRTIO_BAR, VSIM_PCI_DEVICE_OFF,
            f->device_cfg_len);
    put_cap(f, 0x70, NOTIFY_CAP_LEN, VSIM_PCI_CAP_NOTIFY_CFG, VSIM_PCI_VIRTIO_BAR,
            VSIM_PCI_NOTIFY_OFF, NOTIFY_LEN);
    vsim__st32(&f->cfg[0x80], mf == VSIM_PCI_MALFORM_NOTIFY_MULT_ODD ? malform_value(f, 3)
                                                                     : VSIM_PCI_NOTIFY_MULTIPLIER);
    put_cap(f, 0x84, PCI_CFG_CAP_LEN, VSIM_PCI_CAP_PCI_CFG, 0, 0, 0);
    f->pci_cfg_cap = 0x84;

    if (mf != VSIM_PCI_MALFORM_NO_COMMON)
        at[n++] = 0x40;
    if (mf != VSIM_PCI_MALFORM_NO_ISR)
        at[n++] = 0x50;
    if (cfg_size != 0 && mf != VSIM_PCI_MALFORM_NO_DEVICE_CFG)
        at[n++] = 0x60;
    if (mf != VSIM_PCI_MALFORM_NO_NOTIFY)
        at[n++] = 0x70;
    at[n++] = 0x84;
    f->cap_ptr = at[0];
    for (unsigned i = 0; i + 1 < n; i++)
        f->cfg[at[i] + 1] = at[i + 1];
    if (mf == VSIM_PCI_MALFORM_CAP_LOOP)
        f->cfg[at[n - 1] + 1] = at[0];
    if (mf == VSIM_PCI_MALFORM_CAP_MISALIGNED)
        f->cfg[at[0] + 1] = (uint8_t)(at[1] + 2);
}

int vsim_pci_attach(struct vsim_machine *m, unsigned dev, unsigned fn, struct vsim_device *d,
                    const struct vsim_pci_attach_opts *opts)
{
    static const struct vsim_pci_attach_opts defaults;
    if (!opts)
        opts = &defaults;
    int rc = vsim_pci_host_init(m);
    if (rc != VIO_OK)
        return rc;
    struct pci_host *h = find_host(m);
    uint16_t tid = transitional_id(d ? vsim_device_id(d) : 0);
    if (!d || dev == 0 || dev >= VSIM__PCI_DEVS || fn >= VSIM__PCI_FNS || h->fns[dev][fn] ||
        (unsigned)opts->malform >= VSIM_PCI_MALFORM_COUNT || (opts->transitional && !tid)) {
        vsim__set_error(m, "pci attach: 00:%02x.%u is taken or invalid", dev, fn);
        return VIO_ERR_INVALID_PARAM;
    }
    struct vsim__pci_fn *f = new_fn(h, dev, fn);
    if (!f)
        return VIO_ERR_DMA_ERROR;
    uint16_t nq = vsim_device_num_queues(d);
    f->q = calloc(nq ? nq : 1, sizeof(*f->q));
    if (!f->q || !vsim_device_bind(d, false, f->where)) {
        h->fns[dev][fn] = NULL;
        free(f->q);
        free(f);
        vsim__set_error(m, "pci attach: device %s already attached", vsim_device_label(d));
        return VIO_ERR_INVALID_PARAM;
    }
    f->d = d;
    f->opts = *opts;
    d->on_pci = true;
    uint32_t type = vsim_device_id(d);
    /* PCI Device Discovery: modern 0x1040 + type, revision 1; transitional revision 0 */
    f->vendor = VSIM_PCI_VENDOR_VIRTIO;
    f->device_id = opts->transitional ? tid : (uint16_t)(VSIM_PCI_DEVICE_MODERN_BASE + type);
    f->revision = opts->transitional ? 0 : 1;
    f->subsys_vendor = VSIM_PCI_VENDOR_VIRTIO;
    f->subsys_id = opts->transitional ? (uint16_t)type : VSIM_PCI_SUBSYS_QEMU;
    f->class_code = class_of(type);
    f->int_pin = 1; /* INTA# */
    build_caps(f);
    vsim__pci_virtio_reset(f);
    return VIO_OK;
}

int vsim_pci_set_malform(struct vsim_machine *m, unsigned dev, unsigned fn,
                         enum vsim_pci_malform malform, const uint32_t *value)
{
    struct pci_host *h = find_host(m);
    struct vsim__pci_fn *f =
        h && dev < VSIM__PCI_DEVS && fn < VSIM__PCI_FNS ? h->fns[dev][fn] : NULL;
    if (!f || !f->d || (unsigned)malform >= VSIM_PCI_MALFORM_COUNT) {
        vsim__set_error(m, "pci set malform: no virtio function at 00:%02x.%u, or malform %u", dev,
                        fn, (unsigned)malform);
        return VIO_ERR_INVALID_PARAM;
    }
    f->opts.malform = malform;
    f->opts.has_value = value != NULL;
    f->opts.value = value ? *value : 0;
    build_caps(f);
    return VIO_OK;
}
