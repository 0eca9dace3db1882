/*
 * The error-mapping matrix rows (viosim_matrix.h). Every row drives a block
 * device except two: QueueFull needs the net transmit ring, because a
 * blocking block request never fills its ring, and InvalidParam asks the net
 * wrapper for queues larger than the device has (the block wrapper always
 * takes the device's size). The configuration-space rows are on PCI, where
 * the device configuration is a capability a function can lack or cut short.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "axdriver/block.h"
#include "axdriver/net.h"
#include "axdriver_virtio.h"
#include "vio/err.h"
#include "vsim/blk.h"
#include "vsim/conform.h"
#include "vsim/fault.h"
#include "vsim/machine.h"
#include "vsim/mmio.h"
#include "vsim/net.h"
#include "vsim/pci.h"
#include "vsim/spec.h"
#include "viosim_matrix.h"
#include "viosim_pci.h"

#define SLOT 0u
#define PCI_DEV 1u
#define SECTOR 512u
/* Bounds the never-completing row's wait. */
#define SPIN_LIMIT 2000u
/* The net device's queue size: QueueFull fills it, InvalidParam asks for twice as much. */
#define NET_QS 8u

enum bench {
    BLK_MMIO, /* blk on an MMIO v2 slot */
    NET_MMIO, /* a loopback NIC on a legacy MMIO slot, served only when stepped */
    BLK_PCI,  /* blk as PCI function 00:01.0 */
};

struct ctx;

struct entry {
    struct viosim_matrix_row row;
    enum bench bench;
    /* Brings the device up as far as the row needs and makes the failing call, result in *ax. */
    bool (*provoke)(struct ctx *c, int *ax);
    enum vsim_pci_malform malform; /* BLK_PCI: the function's fault */
};

struct ctx {
    const struct entry *e;
    struct viosim_matrix_seen *seen;
    const char *stage; /* prefixes failures: "" while provoking, then the after-check */
    struct vsim_machine *m;
    struct vsim_blk *blk;
    struct vio_mmio mmio;
    struct vio_pci_root root;
    struct vio_pci_transport pci;
    struct ax_virtio_blk_dev disk;
    struct ax_virtio_net_dev nic;
    uint8_t buf[2 * SECTOR];
};

/* Records the first failure; returns false for the caller to return. */
static bool fail(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool fail(struct ctx *c, const char *fmt, ...)
{
    if (c->seen->why[0] != '\0')
        return false;
    int n = snprintf(c->seen->why, sizeof c->seen->why, "%s", c->stage);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->seen->why + n, sizeof c->seen->why - (size_t)n, fmt, ap);
    va_end(ap);
    return false;
}

/* Sets the row's fault: its text is a fault plan rule. */
static bool arm(struct ctx *c)
{
    char err[VSIM_FAULT_ERR_MAX];
    if (vsim_fault_parse(vsim_machine_faults(c->m), c->e->row.fault, err) != 0)
        return fail(c, "fault rule '%s': %s", c->e->row.fault, err);
    return true;
}

/* ---- the bench and the OS's boot steps ---- */

static bool pci_root_up(struct ctx *c)
{
    int rc_init = viosim_pci_root_up(&c->root, c->m);
    if (rc_init != 0)
        return fail(c, "PCI root: %s (%s)", vio_err_name(rc_init), vio_pci_why_str(c->root.why));
    return true;
}

static bool build(struct ctx *c, FILE *trace)
{
    bool net = c->e->bench == NET_MMIO;
    struct vsim_machine_opts mo = {.trace = trace, .spin_limit = SPIN_LIMIT, .deferred = net};
    c->m = vsim_machine_new(&mo);
    if (!c->m)
        return fail(c, "no memory for a machine");
    switch (c->e->bench) {
    case NET_MMIO: {
        /* without indirect tables a frame takes two descriptors: NET_QS / 2 fill the ring */
        struct vsim_net_opts no = {.queue_max = NET_QS,
                                   .features_off = VSIM_BIT(VSIM_F_INDIRECT_DESC)};
        struct vsim_net *n = vsim_net_attach(c->m, SLOT, 1, &no);
        if (!n)
            break;
        vsim_net_set_loopback(n, true);
        return true;
    }
    case BLK_MMIO:
        c->blk = vsim_blk_attach(c->m, SLOT, 2, NULL);
        if (c->blk)
            return true;
        break;
    case BLK_PCI: {
        struct vsim_pci_attach_opts po = {.malform = c->e->malform};
        c->blk = vsim_blk_new(c->m, NULL);
        if (c->blk && vsim_pci_attach(c->m, PCI_DEV, 0, vsim_blk_device(c->blk), &po) == 0)
            return pci_root_up(c);
        break;
    }
    }
    return fail(c, "attach: %s", vsim_machine_last_error(c->m));
}

struct pci_find {
    struct ctx *c;
    bool seen, probed;
    enum ax_device_type type;
};

static int visit(void *arg, const struct vio_pci_func_info *info)
{
    struct pci_find *f = arg;
    if (info->bdf != VIO_PCI_BDF(0, PCI_DEV, 0))
        return 0;
    f->seen = true;
    f->probed = ax_virtio_probe_pci(&f->c->pci, &f->c->root, info->bdf, info, &f->type);
    return 0;
}

/* What an OS does at boot: find the device on its bus through the bridge. */
static bool probe(struct ctx *c, enum ax_device_type want, struct vio_transport **t)
{
    enum ax_device_type type;
    if (c->e->bench == BLK_PCI) {
        struct pci_find f = {.c = c};
        int rc = vio_pci_enumerate(&c->root, visit, &f);
        if (rc != 0 || !f.seen)
            return fail(c, "PCI enumeration: %s, function %sfound", vio_err_name(rc),
                        f.seen ? "" : "not ");
        if (!f.probed)
            return fail(c, "PCI probe refused the function: %s", vio_pci_why_str(c->pci.why));
        type = f.type;
        *t = &c->pci.t;
    } else {
        if (!ax_virtio_probe_mmio(&c->mmio, vsim_machine_hal(c->m), VSIM_MMIO_SLOT_BASE(SLOT),
                                  VSIM_MMIO_STRIDE, &type))
            return fail(c, "MMIO probe refused the slot: %s", vio_mmio_why_str(c->mmio.why));
        *t = &c->mmio.t;
    }
    if (type != want)
        return fail(c, "the probe found a %s device", ax_device_type_name(type));
    return true;
}

static bool blk_up(struct ctx *c, struct ax_block_dev **d)
{
    struct vio_transport *t;
    if (!probe(c, AX_DEVICE_BLOCK, &t))
        return false;
    int rc = ax_virtio_blk_init(&c->disk, t);
    if (rc != 0)
        return fail(c, "blk init: %s", ax_dev_err_name(rc));
    *d = &c->disk.dev;
    return true;
}

static bool net_up(struct ctx *c, struct ax_net_dev **n)
{
    struct vio_transport *t;
    if (!probe(c, AX_DEVICE_NET, &t))
        return false;
    int rc = ax_virtio_net_init(&c->nic, t, 0);
    if (rc != 0)
        return fail(c, "net init: %s", ax_dev_err_name(rc));
    *n = &c->nic.dev;
    return true;
}

/* A 60-byte broadcast frame filled with @seq; the result of transmitting it. */
static int send_frame(struct ctx *c, struct ax_net_dev *n, uint8_t seq)
{
    struct ax_net_buf_ptr tx;
    int rc = ax_net_alloc_tx_buffer(n, 60, &tx);
    if (rc != 0) {
        fail(c, "alloc_tx_buffer: %s", ax_dev_err_name(rc));
        return rc;
    }
    memset(tx.packet, 0xff, 6);
    memset(tx.packet + 6, seq, tx.len - 6);
    return ax_net_transmit(n, tx);
}

/* ---- the rows: each makes its failing call as an OS would ---- */

/* An OS that transmits although can_transmit says no. */
static bool transmit_into_full_ring(struct ctx *c, int *ax)
{
    struct ax_net_dev *n;
    if (!net_up(c, &n))
        return false;
    for (uint8_t i = 0; i < NET_QS / 2; i++) {
        int rc = send_frame(c, n, i);
        if (rc != 0)
            return fail(c, "frame %u of %u: %s", i + 1u, NET_QS / 2, ax_dev_err_name(rc));
    }
    if (ax_net_can_transmit(n))
        return fail(c, "can_transmit still says yes with %u frames in flight", NET_QS / 2);
    *ax = send_frame(c, n, 0xee);
    return true;
}

/* The OS asks for more than the device's QueueNumMax. */
static bool net_init_oversized(struct ctx *c, int *ax)
{
    struct vio_transport *t;
    if (!probe(c, AX_DEVICE_NET, &t))
        return false;
    *ax = ax_virtio_net_init(&c->nic, t, 2 * NET_QS);
    return true;
}

static bool read_after_fault(struct ctx *c, int *ax)
{
    struct ax_block_dev *d;
    if (!blk_up(c, &d) || !arm(c))
        return false;
    *ax = ax_block_read_block(d, 0, c->buf, sizeof c->buf);
    return true;
}

static bool write_after_fault(struct ctx *c, int *ax)
{
    struct ax_block_dev *d;
    if (!blk_up(c, &d) || !arm(c))
        return false;
    memset(c->buf, 0x3c, SECTOR);
    *ax = ax_block_write_block(d, 1, c->buf, SECTOR);
    return true;
}

/* The fault (a rule, or the PCI function's malform) is there before the probe. */
static bool init_with_fault(struct ctx *c, int *ax)
{
    struct vio_transport *t;
    if ((c->e->bench != BLK_PCI && !arm(c)) || !probe(c, AX_DEVICE_BLOCK, &t))
        return false;
    *ax = ax_virtio_blk_init(&c->disk, t);
    return true;
}

static const struct entry entries[] = {
    {.row = {VIO_ERR_QUEUE_FULL, "net transmit with a full ring", AX_ERR_BAD_STATE},
     .bench = NET_MMIO,
     .provoke = transmit_into_full_ring},
    {.row = {VIO_ERR_NOT_READY, "blk:no_complete@1", AX_ERR_AGAIN},
     .bench = BLK_MMIO,
     .provoke = read_after_fault},
    {.row = {VIO_ERR_WRONG_TOKEN, "blk:used_id_range@1", AX_ERR_BAD_STATE},
     .bench = BLK_MMIO,
     .provoke = read_after_fault},
    {.row = {VIO_ERR_ALREADY_USED, "blk:queue_in_use@1", AX_ERR_ALREADY_EXISTS},
     .bench = BLK_MMIO,
     .provoke = init_with_fault},
    {.row = {VIO_ERR_INVALID_PARAM, "net queues of 16, device max 8", AX_ERR_INVALID_PARAM},
     .bench = NET_MMIO,
     .provoke = net_init_oversized},
    {.row = {VIO_ERR_DMA_ERROR, "hal:dma_alloc@1", AX_ERR_NO_MEMORY},
     .bench = BLK_MMIO,
     .provoke = init_with_fault},
    {.row = {VIO_ERR_IO_ERROR, "blk:status=ioerr@1", AX_ERR_IO},
     .bench = BLK_MMIO,
     .provoke = read_after_fault},
    {.row = {VIO_ERR_UNSUPPORTED, "blk:status=unsupp@1", AX_ERR_UNSUPPORTED},
     .bench = BLK_MMIO,
     .provoke = write_after_fault},
    {.row = {VIO_ERR_CONFIG_SPACE_TOO_SMALL, "PCI device config of 4 bytes", AX_ERR_BAD_STATE},
     .bench = BLK_PCI,
     .provoke = init_with_fault,
     .malform = VSIM_PCI_MALFORM_DEVICE_CFG_SHORT},
    {.row = {VIO_ERR_CONFIG_SPACE_MISSING, "PCI without device config", AX_ERR_BAD_STATE},
     .bench = BLK_PCI,
     .provoke = init_with_fault,
     .malform = VSIM_PCI_MALFORM_NO_DEVICE_CFG},
};

#define NENTRIES (sizeof entries / sizeof entries[0])

/* ---- after the fault ---- */

static bool nothing_leaked(struct ctx *c)
{
    size_t pages = vsim_machine_dma_pages_in_use(c->m), shares = vsim_machine_shares_in_use(c->m);
    if (pages || shares)
        return fail(c, "%zu DMA pages and %zu shares still held", pages, shares);
    return true;
}

/* A fresh probe, then a frame round the loopback and back. */
static bool net_usable(struct ctx *c)
{
    struct ax_net_dev *n;
    if (!net_up(c, &n))
        return false;
    int rc = send_frame(c, n, 0x42);
    while (rc == 0 && vsim_machine_step(c->m) > 0)
        ;
    if (rc == 0)
        rc = ax_net_recycle_tx_buffers(n);
    struct ax_net_buf_ptr rx = {0};
    if (rc == 0)
        rc = ax_net_receive(n, &rx);
    bool same = rc == 0 && rx.len == 60 && rx.packet[59] == 0x42;
    if (rc == 0)
        rc = ax_net_recycle_rx_buffer(n, rx);
    int down = ax_virtio_net_deinit(&c->nic);
    if (rc != 0 || down != 0)
        return fail(c, "loopback %s, deinit %s", ax_dev_err_name(rc), ax_dev_err_name(down));
    return same || fail(c, "the frame came back as %zu bytes", rx.len);
}

/* A fresh probe, then a write, a read back and a flush. */
static bool blk_usable(struct ctx *c)
{
    struct ax_block_dev *d;
    if (!blk_up(c, &d))
        return false;
    uint8_t out[SECTOR], in[SECTOR];
    for (size_t i = 0; i < sizeof out; i++)
        out[i] = (uint8_t)(i ^ 0x5a);
    int rc = ax_block_write_block(d, 2, out, sizeof out);
    if (rc == 0)
        rc = ax_block_read_block(d, 2, in, sizeof in);
    if (rc == 0)
        rc = ax_block_flush(d);
    ax_virtio_blk_deinit(&c->disk);
    if (rc != 0)
        return fail(c, "write, read back, flush: %s", ax_dev_err_name(rc));
    if (memcmp(in, out, sizeof in) != 0 || memcmp(vsim_blk_ram(c->blk) + 2 * SECTOR, out, SECTOR))
        return fail(c, "block 2 does not hold what was written");
    return true;
}

static bool no_violation(struct ctx *c)
{
    struct vsim_conform *cf = vsim_machine_conform(c->m);
    size_t n = vsim_conform_count(cf);
    if (n == 0)
        return true;
    const struct vsim_violation *v = vsim_conform_get(cf, 0);
    return fail(c, "%zu conformance violations, first %s [%s] %s", n, vsim_rule_info(v->rule)->id,
                v->where, v->detail);
}

/* Tears the failed device down, clears the fault and checks the device works again. */
static bool after(struct ctx *c)
{
    bool net = c->e->bench == NET_MMIO;
    c->stage = "after the fault: ";
    if (net && ax_virtio_net_deinit(&c->nic) != 0)
        return fail(c, "net deinit kept buffers");
    if (!net)
        ax_virtio_blk_deinit(&c->disk);
    if (!nothing_leaked(c))
        return false;
    vsim_fault_clear(vsim_machine_faults(c->m));
    if (c->e->bench == BLK_PCI &&
        vsim_pci_set_malform(c->m, PCI_DEV, 0, VSIM_PCI_MALFORM_NONE, NULL) != 0)
        return fail(c, "clearing the malform: %s", vsim_machine_last_error(c->m));
    c->stage = "after clearing it and probing again: ";
    if (!(net ? net_usable(c) : blk_usable(c)) || !nothing_leaked(c))
        return false;
    c->stage = "";
    return no_violation(c);
}

/* ---- the interface ---- */

size_t viosim_matrix_rows(void)
{
    return NENTRIES;
}

const struct viosim_matrix_row *viosim_matrix_row(size_t i)
{
    return i < NENTRIES ? &entries[i].row : NULL;
}

void viosim_matrix_run(size_t i, FILE *trace, struct viosim_matrix_seen *seen)
{
    memset(seen, 0, sizeof *seen);
    struct ctx *c = calloc(1, sizeof *c);
    if (!c || i >= NENTRIES) {
        snprintf(seen->why, sizeof seen->why, "%s", c ? "no such row" : "no memory");
        free(c);
        return;
    }
    c->e = &entries[i];
    c->seen = seen;
    c->stage = "";
    if (build(c, trace)) {
        seen->reached = c->e->provoke(c, &seen->ax_err);
        seen->vio_err = c->e->bench == NET_MMIO ? c->nic.vio_err : c->disk.vio_err;
        seen->after_ok = seen->reached && after(c);
    }
    if (c->m)
        vsim_machine_free(c->m);
    free(c);
}

bool viosim_matrix_ok(size_t i, const struct viosim_matrix_seen *seen)
{
    const struct viosim_matrix_row *r = viosim_matrix_row(i);
    return r && seen->reached && seen->ax_err == (int)r->ax_err && seen->vio_err == r->vio_err &&
           seen->after_ok;
}
