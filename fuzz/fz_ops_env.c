/* fuzz_ops' bench: machine, devices, transports, fault plan, wrappers, and the final checks. */
#include <stdio.h>
#include <string.h>

#include "fz_hal.h"
#include "fz_ops_env.h"
#include "vsim/fault.h"
#include "vsim/mmio.h"
#include "vsim/pci.h"

#define MEM_BYTES ((size_t)1 << 20)
#define SPIN_LIMIT 256u
#define QUEUE_MAX 16u

static unsigned pci_dev(enum fz_kind kind)
{
    return 1u + (unsigned)kind;
}

static struct vsim_device *make(struct fz_env *e, enum fz_kind kind)
{
    bool legacy = e->transport[kind] == FZ_OPS_MMIO1;
    switch (kind) {
    case FZ_KIND_BLK: {
        struct vsim_blk_opts o = {.capacity = FZ_ENV_SECTORS, .queue_max = QUEUE_MAX};
        if (e->devices & FZ_OPS_BLK_4K)
            o.blk_size = 4096;
        e->sblk = vsim_blk_new(e->m, &o);
        return e->sblk != NULL ? vsim_blk_device(e->sblk) : NULL;
    }
    case FZ_KIND_NET: {
        struct vsim_net_opts o = {.any_layout = legacy, .queue_max = QUEUE_MAX};
        e->snet = vsim_net_new(e->m, &o);
        if (e->snet != NULL && (e->devices & FZ_OPS_LOOPBACK))
            vsim_net_set_loopback(e->snet, true);
        return e->snet != NULL ? vsim_net_device(e->snet) : NULL;
    }
    default: {
        struct vsim_gpu_opts o = {.width = FZ_ENV_WIDTH,
                                  .height = FZ_ENV_HEIGHT,
                                  .edid = (e->devices & FZ_OPS_EDID) != 0,
                                  .queue_max = QUEUE_MAX,
                                  .max_resources = 8,
                                  .max_host_bytes = 1u << 20};
        e->sgpu = vsim_gpu_new(e->m, &o);
        return e->sgpu != NULL ? vsim_gpu_device(e->sgpu) : NULL;
    }
    }
}

static int record(void *arg, const struct vio_pci_func_info *info)
{
    struct fz_env *e = arg;
    for (unsigned k = 0; k < FZ_KINDS; k++) {
        if (info->bdf == VIO_PCI_BDF(0, pci_dev((enum fz_kind)k), 0)) {
            e->info[k] = *info;
            e->found[k] = true;
        }
    }
    return 0;
}

/* The firmware-less OS: map the host bridge, place every BAR, enumerate. */
static void pci_boot(struct fz_env *e)
{
    struct vio_pci_root_config c = {
        .cfg_base = VSIM_PCI_ECAM_BASE,
        .mech = VIO_PCI_ECAM,
        .mem32_base = VSIM_PCI_MEM32_BASE,
        .mem32_size = VSIM_PCI_MEM32_SIZE,
    };
    if (vio_pci_root_init(&e->root, e->hal, &c) != 0)
        fz_fail("the bench's PCI root refused: %s", vio_pci_why_str(e->root.why));
    /* faults may make BAR placement fail; the functions are then simply not probed */
    if (vio_pci_assign_resources(&e->root) == 0)
        vio_pci_enumerate(&e->root, record, e);
}

/*
 * Guest memory, the same buffer for every run: allocating a fresh megabyte
 * (mapped, faulted in, unmapped by the sanitizer's allocator) cost a quarter
 * of an exec. It is zeroed at every start, so a run sees nothing of the last.
 */
static _Alignas(4096) uint8_t guest_mem[MEM_BYTES];

bool fz_env_start(struct fz_env *e, const struct fz_ops_hdr *h)
{
    memset(e, 0, sizeof *e);
    memset(guest_mem, 0, sizeof guest_mem);
    struct vsim_machine_opts mo = {
        .mem_size = MEM_BYTES,
        .mem = guest_mem,
        .deferred = (h->devices & FZ_OPS_DEFERRED) != 0,
        .bounce_all = (h->devices & FZ_OPS_BOUNCE) != 0,
        .spin_limit = SPIN_LIMIT,
    };
    e->m = vsim_machine_new(&mo);
    if (e->m == NULL)
        return false;
    e->hal = vsim_machine_hal(e->m);
    e->devices = h->devices;
    bool pci = false;
    for (unsigned k = 0; k < FZ_KINDS; k++) {
        e->transport[k] = (h->transports >> (2 * k)) & 3u;
        if (!(h->devices & (FZ_OPS_BLK << k)))
            continue;
        struct vsim_device *d = make(e, (enum fz_kind)k);
        if (d == NULL)
            fz_fail("the bench refused a device: %s", vsim_machine_last_error(e->m));
        int rc;
        if (e->transport[k] >= FZ_OPS_PCI) {
            struct vsim_pci_attach_opts o = {.transitional = e->transport[k] == FZ_OPS_PCI_OLD &&
                                                             k != FZ_KIND_GPU};
            rc = vsim_pci_host_init(e->m);
            if (rc == 0)
                rc = vsim_pci_attach(e->m, pci_dev((enum fz_kind)k), 0, d, &o);
            pci = true;
        } else {
            rc = vsim_mmio_attach(e->m, k, e->transport[k] == FZ_OPS_MMIO1 ? 1 : 2, d);
        }
        if (rc != 0)
            fz_fail("the bench refused an attach: %s", vsim_machine_last_error(e->m));
    }
    if (pci)
        pci_boot(e);
    return true;
}

void fz_env_add_rule(struct fz_env *e, const struct fz_ops_rule *r)
{
    static const char *const devices[] = {"hal", "blk", "net", "gpu", "*"};
    struct vsim_fault_rule rule = {
        .point = (enum vsim_fault_point)(r->point % VSIM_FAULT_POINT_COUNT),
        .has_value = (r->trigger & 0x80u) != 0,
        .value = r->value,
    };
    snprintf(rule.device, sizeof rule.device, "%s", devices[r->device % 5u]);
    switch (r->trigger % 4u) {
    case 1:
        rule.trigger = VSIM_TRIGGER_NTH;
        rule.nth = r->nth + 1u;
        break;
    case 2:
        rule.trigger = VSIM_TRIGGER_PROB;
        rule.probability = (r->nth + 1u) / 256.0;
        rule.seed = r->value;
        break;
    default:
        rule.trigger = VSIM_TRIGGER_EVERY;
        break;
    }
    if (vsim_fault_add(vsim_machine_faults(e->m), &rule) == 0 && r->device % 5u != 1u &&
        r->device % 5u != 3u)
        e->net_rules = true;
}

uint64_t fz_env_fired(const struct fz_env *e)
{
    const struct vsim_fault_plan *p = vsim_machine_faults(e->m);
    uint64_t n = 0;
    for (size_t i = 0; i < vsim_fault_rule_count(p); i++)
        n += vsim_fault_fired(p, i);
    return n;
}

/* The transport the OS finds the device of @kind on, or NULL. */
static struct vio_transport *probe(struct fz_env *e, enum fz_kind kind)
{
    static const enum ax_device_type want[] = {AX_DEVICE_BLOCK, AX_DEVICE_NET, AX_DEVICE_DISPLAY};
    enum ax_device_type type;
    bool ok;
    struct vio_transport *t;
    if (e->transport[kind] >= FZ_OPS_PCI) {
        if (!e->found[kind])
            return NULL;
        ok = ax_virtio_probe_pci(&e->pt[kind], &e->root, e->info[kind].bdf, &e->info[kind], &type);
        t = &e->pt[kind].t;
    } else {
        ok = ax_virtio_probe_mmio(&e->mm[kind], e->hal, VSIM_MMIO_SLOT_BASE(kind), VSIM_MMIO_STRIDE,
                                  &type);
        t = &e->mm[kind].t;
    }
    if (ok && type != want[kind])
        fz_fail("probe found a device of type %d where the bench put %d", (int)type,
                (int)want[kind]);
    return ok ? t : NULL;
}

void fz_env_up(struct fz_env *e, enum fz_kind kind)
{
    if (!(e->devices & (FZ_OPS_BLK << kind)) || e->live[kind])
        return;
    struct vio_transport *t = probe(e, kind);
    if (t == NULL)
        return;
    int rc;
    if (kind == FZ_KIND_BLK)
        rc = ax_virtio_blk_init(&e->blk, t);
    else if (kind == FZ_KIND_NET)
        rc = ax_virtio_net_init(&e->net, t, 0);
    else
        rc = ax_virtio_gpu_init(&e->gpu, t);
    e->live[kind] = rc == 0;
}

void fz_env_down(struct fz_env *e, enum fz_kind kind)
{
    if (!e->live[kind])
        return;
    e->live[kind] = false;
    if (kind == FZ_KIND_BLK) {
        ax_virtio_blk_deinit(&e->blk);
    } else if (kind == FZ_KIND_GPU) {
        ax_virtio_gpu_deinit(&e->gpu);
    } else {
        /* the OS holds no buffer here: every received one went straight back */
        int rc = ax_virtio_net_deinit(&e->net);
        if (rc != 0)
            fz_fail("ax_virtio_net_deinit: %s with no buffer out", ax_dev_err_name(rc));
    }
}

void fz_env_finish(struct fz_env *e)
{
    for (unsigned k = 0; k < FZ_KINDS; k++)
        fz_env_down(e, (enum fz_kind)k);
    size_t pages = vsim_machine_dma_pages_in_use(e->m);
    size_t shares = vsim_machine_shares_in_use(e->m);
    if (pages != 0 || shares != 0)
        fz_fail("after deinit: %zu DMA pages and %zu shares still held", pages, shares);
    struct vsim_conform *c = vsim_machine_conform(e->m);
    if (vsim_conform_count(c) != 0) {
        vsim_conform_print(c, stderr);
        fz_fail("%zu conformance violations", vsim_conform_count(c));
    }
    vsim_machine_free(e->m);
    e->m = NULL;
}
