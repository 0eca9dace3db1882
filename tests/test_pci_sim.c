/*
 * The driver's PCI bus code and virtio-pci transport against the bench's
 * simulated host bridge: enumeration, BAR placement and decoding, a blk
 * workload, every malformed-device fault refused with its reason (and the
 * device then left alone), and the bench's PCI conformance rules.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "bench_machine.h"
#include "vio/blk.h"
#include "vio/err.h"
#include "vio/pci.h"
#include "vsim/blk.h"
#include "vsim/pci.h"
#if VIO_GPU
#include "vio/gpu.h"
#include "vsim/gpu.h"
#endif
#if VIO_NET
#include "vio/net.h"
#include "vsim/net.h"
#endif

#define SPIN_LIMIT 256u
static const uint16_t BLK_BDF = VIO_PCI_BDF(0, 1, 0);

static struct vsim_machine *m;
static const struct vio_hal *hal;
static struct vio_pci_root root;
static struct vio_pci_transport pt;

static void setup(void)
{
    m = bench_machine_new(
        &(struct vsim_machine_opts){.mem_size = 4u << 20, .spin_limit = SPIN_LIMIT});
    hal = vsim_machine_hal(m);
    ck_assert_int_eq(vsim_pci_host_init(m), 0);
}

/* Nothing leaked, and every obligation kept unless a test cleared what it provoked. */
static void teardown(void)
{
    bench_assert_conformant(m);
    ck_assert_uint_eq(vsim_machine_dma_pages_in_use(m), 0);
    ck_assert_uint_eq(vsim_machine_shares_in_use(m), 0);
    vsim_machine_free(m);
}

static struct vsim_blk *add_blk(unsigned dev, unsigned fn, const struct vsim_pci_attach_opts *o)
{
    struct vsim_blk *b = vsim_blk_new(m, &(struct vsim_blk_opts){.capacity = 128});
    ck_assert_ptr_nonnull(b);
    ck_assert_int_eq(vsim_pci_attach(m, dev, fn, vsim_blk_device(b), o), 0);
    return b;
}

static void root_up(uint64_t mem32_size)
{
    struct vio_pci_root_config c = {
        .cfg_base = VSIM_PCI_ECAM_BASE,
        .mech = VIO_PCI_ECAM,
        .bus_first = 0,
        .bus_last = 0,
        .mem32_base = VSIM_PCI_MEM32_BASE,
        .mem32_size = mem32_size,
    };
    ck_assert_int_eq(vio_pci_root_init(&root, hal, &c), 0);
}

static size_t rule_count(const char *id)
{
    return vsim_conform_count_rule(vsim_machine_conform(m), vsim_rule_by_id(id));
}

#define SEEN_MAX 8
struct seen {
    unsigned n;
    struct vio_pci_func_info info[SEEN_MAX];
};

static int record(void *arg, const struct vio_pci_func_info *info)
{
    struct seen *s = arg;
    ck_assert_uint_lt(s->n, SEEN_MAX);
    s->info[s->n++] = *info;
    return 0;
}

START_TEST(enumeration_finds_the_host_bridge_and_a_multifunction_device)
{
    add_blk(1, 0, NULL);
    add_blk(4, 0, NULL);
    add_blk(4, 3, &(struct vsim_pci_attach_opts){.transitional = true});
    root_up(VSIM_PCI_MEM32_SIZE);
    ck_assert_int_eq(vio_pci_assign_resources(&root), 0);
    ck_assert_uint_eq(root.bus_max, 0);

    struct seen s = {0};
    ck_assert_int_eq(vio_pci_enumerate(&root, record, &s), 0);
    ck_assert_uint_eq(s.n, 4);
    ck_assert_uint_eq(s.info[0].bdf, VIO_PCI_BDF(0, 0, 0));
    ck_assert_uint_eq(s.info[0].vendor_id, VSIM_PCI_HOST_VENDOR);
    ck_assert_uint_eq(s.info[0].class_code, VSIM_PCI_CLASS_HOST_BRIDGE);
    ck_assert_uint_eq(s.info[1].bdf, BLK_BDF);
    ck_assert_uint_eq(s.info[1].device_id, 0x1042);
    ck_assert_uint_eq(s.info[1].revision, 1);
    ck_assert_uint_eq(s.info[1].class_code, VSIM_PCI_CLASS_STORAGE_SCSI);
    ck_assert(!s.info[1].multifunction);
    ck_assert_uint_eq(s.info[2].bdf, VIO_PCI_BDF(0, 4, 0));
    ck_assert(s.info[2].multifunction);
    ck_assert_uint_eq(s.info[3].bdf, VIO_PCI_BDF(0, 4, 3));
    ck_assert_uint_eq(s.info[3].device_id, 0x1001);
    ck_assert_uint_eq(s.info[3].revision, 0);
    /* transitional subsystem id: the virtio device type */
    ck_assert_uint_eq(vio_pci_cfg_read16(&root, VIO_PCI_BDF(0, 4, 3), VIO_PCI_SUBSYS_ID), 2);

    /* all three functions probe as block devices */
    for (unsigned i = 1; i < 4; i++) {
        ck_assert_int_eq(vio_pci_probe(&pt, &root, s.info[i].bdf), 0);
        ck_assert_uint_eq(pt.t.device_id, 2);
    }
}
END_TEST

START_TEST(bars_size_place_and_decode_only_with_memory_space_on)
{
    add_blk(1, 0, NULL);
    root_up(VSIM_PCI_MEM32_SIZE);
    struct vio_pci_bar bar;
    ck_assert_int_eq(vio_pci_bar_probe(&root, BLK_BDF, VSIM_PCI_VIRTIO_BAR, &bar), 0);
    ck_assert_int_eq(bar.kind, VIO_PCI_BAR_MEM64);
    ck_assert(bar.prefetchable);
    ck_assert_uint_eq(bar.size, VSIM_PCI_VIRTIO_BAR_SIZE);
    ck_assert_int_eq(vio_pci_bar_probe(&root, BLK_BDF, VSIM_PCI_AUX_BAR, &bar), 0);
    ck_assert_int_eq(bar.kind, VIO_PCI_BAR_MEM32);
    ck_assert_uint_eq(bar.size, VSIM_PCI_AUX_BAR_SIZE);
    ck_assert_int_eq(vio_pci_bar_probe(&root, BLK_BDF, 0, &bar), 0);
    ck_assert_int_eq(bar.kind, VIO_PCI_BAR_NONE);

    ck_assert_int_eq(vio_pci_assign_bars(&root, BLK_BDF), 0);
    ck_assert_int_eq(vio_pci_bar_probe(&root, BLK_BDF, VSIM_PCI_VIRTIO_BAR, &bar), 0);
    ck_assert_uint_eq(bar.addr % VSIM_PCI_VIRTIO_BAR_SIZE, 0);
    ck_assert_uint_ge(bar.addr, VSIM_PCI_MEM32_BASE);
    /* decoding: num_queues of the common configuration */
    ck_assert_uint_eq(hal->read16(hal->ctx, (uintptr_t)bar.addr + 0x12), 1);

    /* memory space off: the BAR no longer decodes */
    vio_pci_cfg_write16(&root, BLK_BDF, VIO_PCI_COMMAND, 0);
    ck_assert_uint_eq(hal->read16(hal->ctx, (uintptr_t)bar.addr + 0x12), 0xffff);
    ck_assert_uint_eq(rule_count("HAL-3"), 1);
    vsim_conform_clear(vsim_machine_conform(m));
}
END_TEST

START_TEST(bar_space_runs_out_with_dma_error)
{
    add_blk(1, 0, NULL);
    add_blk(2, 0, NULL);
    /* one function takes BAR1 (4 KiB) and BAR4 (16 KiB, aligned): 32 KiB holds one */
    root_up(0x8000);
    ck_assert_int_eq(vio_pci_assign_resources(&root), VIO_ERR_DMA_ERROR);
    ck_assert_int_eq(root.why, VIO_PCI_WHY_BAR_EXHAUSTED);
    ck_assert_int_eq(vio_pci_probe(&pt, &root, BLK_BDF), 0);
    ck_assert_int_eq(vio_pci_probe(&pt, &root, VIO_PCI_BDF(0, 2, 0)), VIO_ERR_UNSUPPORTED);
    ck_assert_int_eq(pt.why, VIO_PCI_WHY_BAR_UNASSIGNED);
}
END_TEST

static void blk_probe_init(struct vio_blk *b)
{
    root_up(VSIM_PCI_MEM32_SIZE);
    ck_assert_int_eq(vio_pci_assign_resources(&root), 0);
    ck_assert_int_eq(vio_pci_probe(&pt, &root, BLK_BDF), 0);
    ck_assert_int_eq(vio_blk_init(b, &pt.t, 0), 0);
}

START_TEST(blk_workload_over_pci)
{
    struct vsim_blk *dev = add_blk(1, 0, NULL);
    struct vio_blk b;
    blk_probe_init(&b);
    ck_assert_uint_eq(b.capacity, 128);

    uint8_t *buf = vsim_machine_mem_alloc(m, 8192);
    ck_assert_ptr_nonnull(buf);
    for (unsigned round = 0; round < 8; round++) {
        for (unsigned i = 0; i < 8192; i++)
            buf[i] = (uint8_t)(i * 7 + round);
        ck_assert_int_eq(vio_blk_write(&b, round * 16, buf, 8192), 0);
        ck_assert_int_eq(memcmp(vsim_blk_ram(dev) + round * 16 * 512, buf, 8192), 0);
        memset(buf, 0, 8192);
        ck_assert_int_eq(vio_blk_read(&b, round * 16, buf, 8192), 0);
        ck_assert_uint_eq(buf[8191], (uint8_t)(8191 * 7 + round));
    }
    ck_assert_int_eq(vio_blk_flush(&b), 0);
    char id[VIO_BLK_ID_BYTES + 1];
    ck_assert_int_eq(vio_blk_get_id(&b, id), 0);
    ck_assert_str_eq(id, "vsim-blk");
    ck_assert_uint_eq(vsim_blk_stats(dev)->writes, 8);
    ck_assert_uint_eq(vsim_blk_stats(dev)->flushes, 1);

    /* ISR status: the completions raised the queue bit; the read cleared it */
    ck_assert_uint_eq(pt.t.ops->ack_interrupt(&pt.t), 1);
    ck_assert_uint_eq(pt.t.ops->ack_interrupt(&pt.t), 0);

    /* a configuration change moves config_generation and the driver sees the new capacity */
    uint32_t gen = pt.t.ops->config_generation(&pt.t);
    ck_assert_int_eq(vsim_blk_set_capacity(dev, 256), 0);
    ck_assert_uint_ne(pt.t.ops->config_generation(&pt.t), gen);
    uint64_t cap;
    ck_assert_int_eq(vio_config_read_u64(&pt.t, 0, &cap), 0);
    ck_assert_uint_eq(cap, 256);
    ck_assert_uint_eq(pt.t.ops->ack_interrupt(&pt.t), 2);

    vsim_machine_mem_free(m, buf);
    ck_assert_uint_eq(b.q.num_free, b.q.size); /* every descriptor came back */
    vio_blk_deinit(&b);
}
END_TEST

START_TEST(blk_workload_deferred_and_transitional)
{
    struct vsim_blk *dev = add_blk(1, 0, &(struct vsim_pci_attach_opts){.transitional = true});
    vsim_machine_set_deferred(m, true);
    struct vio_blk b;
    blk_probe_init(&b);
    ck_assert_uint_eq(pt.pci_device_id, 0x1001);
    uint8_t *buf = vsim_machine_mem_alloc(m, 4096);
    memset(buf, 0x5a, 4096);
    ck_assert_int_eq(vio_blk_write(&b, 8, buf, 4096), 0);
    ck_assert_uint_eq(vsim_blk_ram(dev)[8 * 512 + 4095], 0x5a);
    vsim_machine_mem_free(m, buf);
    vio_blk_deinit(&b);
}
END_TEST

#if VIO_GPU
START_TEST(gpu_next_to_blk_on_one_bus)
{
    struct vsim_blk *disk = add_blk(1, 0, NULL);
    struct vsim_gpu *gpu = vsim_gpu_new(m, &(struct vsim_gpu_opts){.width = 64, .height = 48});
    ck_assert_ptr_nonnull(gpu);
    ck_assert_int_eq(vsim_pci_attach(m, 2, 0, vsim_gpu_device(gpu), NULL), 0);
    struct vio_blk b;
    blk_probe_init(&b);
    ck_assert_uint_eq(vio_pci_cfg_read32(&root, VIO_PCI_BDF(0, 2, 0), VIO_PCI_REVISION) >> 8,
                      VSIM_PCI_CLASS_DISPLAY_OTHER);

    struct vio_pci_transport gt;
    ck_assert_int_eq(vio_pci_probe(&gt, &root, VIO_PCI_BDF(0, 2, 0)), 0);
    ck_assert_uint_eq(gt.t.device_id, 16);
    ck_assert_uint_eq(gt.num_queues, 2);
    static struct vio_gpu g;
    ck_assert_int_eq(vio_gpu_init(&g, &gt.t, 0), 0);
    ck_assert_int_eq(vio_gpu_setup_framebuffer(&g, 0, 0, 0, 0), 0);
    ck_assert_uint_eq(g.fb.width, 64);
    ((uint32_t *)g.fb.vaddr)[64 * 10 + 3] = 0x00ff8040;
    ck_assert_int_eq(vio_gpu_flush(&g), 0);
    struct vsim_gpu_resource res;
    ck_assert(vsim_gpu_resource(gpu, g.fb.resource_id, &res));
    uint32_t px;
    memcpy(&px, res.pixels + 10 * res.stride + 3 * 4, 4);
    ck_assert_uint_eq(px, 0x00ff8040);

    /* both devices stay usable side by side */
    uint8_t *buf = vsim_machine_mem_alloc(m, 512);
    memset(buf, 0xa5, 512);
    ck_assert_int_eq(vio_blk_write(&b, 3, buf, 512), 0);
    ck_assert_uint_eq(vsim_blk_ram(disk)[3 * 512], 0xa5);
    vsim_machine_mem_free(m, buf);

    ck_assert_int_eq(vio_gpu_release_framebuffer(&g), 0);
    vio_gpu_deinit(&g);
    vio_blk_deinit(&b);
}
END_TEST
#endif

#if VIO_NET
START_TEST(net_pair_as_two_functions_of_one_device)
{
    struct vsim_net *na = vsim_net_new(m, NULL), *nb = vsim_net_new(m, NULL);
    ck_assert(na != NULL && nb != NULL);
    ck_assert_int_eq(vsim_pci_attach(m, 3, 0, vsim_net_device(na), NULL), 0);
    ck_assert_int_eq(vsim_pci_attach(m, 3, 1, vsim_net_device(nb), NULL), 0);
    ck_assert_int_eq(vsim_net_link(na, nb), 0);
    root_up(VSIM_PCI_MEM32_SIZE);
    ck_assert_int_eq(vio_pci_assign_resources(&root), 0);
    struct seen seen = {0};
    ck_assert_int_eq(vio_pci_enumerate(&root, record, &seen), 0);
    ck_assert_uint_eq(seen.n, 3);
    ck_assert(seen.info[1].multifunction);
    ck_assert_uint_eq(seen.info[2].device_id, 0x1041);
    ck_assert_uint_eq(seen.info[2].class_code, VSIM_PCI_CLASS_NETWORK);

    static struct vio_pci_transport ta, tb;
    static struct vio_net a, b;
    ck_assert_int_eq(vio_pci_probe(&ta, &root, VIO_PCI_BDF(0, 3, 0)), 0);
    ck_assert_int_eq(vio_pci_probe(&tb, &root, VIO_PCI_BDF(0, 3, 1)), 0);
    ck_assert_uint_eq(tb.t.device_id, 1);
    ck_assert_int_eq(vio_net_init(&a, &ta.t, NULL), 0);
    ck_assert_int_eq(vio_net_init(&b, &tb.t, NULL), 0);
    uint8_t mac[6];
    vsim_net_mac(nb, mac);
    ck_assert(b.has_mac);
    ck_assert_int_eq(memcmp(b.mac, mac, 6), 0);

    uint8_t *rx = vsim_machine_mem_alloc(m, 4 * 2048), *tx = vsim_machine_mem_alloc(m, 2048);
    for (unsigned i = 0; i < 4; i++)
        ck_assert_int_ge(vio_net_rx_post(&b, rx + i * 2048, 2048, rx + i * 2048), 0);
    vio_net_rx_kick(&b);

    /* one frame from a to b: destination, source, an experimental ethertype, a pattern */
    uint32_t hdr = vio_net_hdr_len(&a), len = 60;
    uint8_t *frame = tx + hdr;
    memcpy(frame, b.mac, 6);
    memcpy(frame + 6, a.mac, 6);
    frame[12] = 0x88;
    frame[13] = 0xb5;
    for (uint32_t i = 14; i < len; i++)
        frame[i] = (uint8_t)(i * 3);
    ck_assert_int_ge(vio_net_tx(&a, tx, hdr + len, tx), 0);
    vio_net_tx_kick(&a);
    void *done[4];
    ck_assert_int_eq(vio_net_tx_complete(&a, done, 4), 1);
    ck_assert_ptr_eq(done[0], tx);
    struct vio_net_rx_pkt pkts[4];
    ck_assert_int_eq(vio_net_rx_recv(&b, pkts, 4), 1);
    ck_assert_uint_eq(pkts[0].len, len);
    uint8_t got[64];
    ck_assert_uint_eq(vio_net_rx_copy(&pkts[0], got, sizeof got), len);
    ck_assert_int_eq(memcmp(got, frame, len), 0);

    /* link status through the device configuration, announced by a config interrupt */
    bool up = false;
    ck_assert_int_eq(vio_net_link_up(&b, &up), 0);
    ck_assert(up);
    vio_net_ack_interrupt(&b);
    vsim_net_set_link(nb, false);
    ck_assert_uint_eq(vio_net_ack_interrupt(&b) & 2, 2);
    ck_assert_int_eq(vio_net_link_up(&b, &up), 0);
    ck_assert(!up);

    vio_net_deinit(&a);
    vio_net_deinit(&b);
    struct vio_net_buf back;
    unsigned reclaimed = 0;
    while (vio_net_rx_reclaim(&b, &back) == 1)
        reclaimed++;
    ck_assert_uint_eq(reclaimed, 3);
    vsim_machine_mem_free(m, rx);
    vsim_machine_mem_free(m, tx);
}
END_TEST
#endif

/* ---- malformed devices ---- */

struct malform_case {
    enum vsim_pci_malform malform;
    int err;
    enum vio_pci_why why;
};

/* The layout malformations: the probe refuses, and the function is never driven. */
static const struct malform_case layout_cases[] = {
    {VSIM_PCI_MALFORM_CAP_LOOP, VIO_ERR_UNSUPPORTED, VIO_PCI_WHY_CAP_LOOP},
    {VSIM_PCI_MALFORM_CAP_MISALIGNED, VIO_ERR_UNSUPPORTED, VIO_PCI_WHY_CAP_PTR},
    {VSIM_PCI_MALFORM_CAP_OUTSIDE_BAR, VIO_ERR_UNSUPPORTED, VIO_PCI_WHY_CAP_OUTSIDE_BAR},
    {VSIM_PCI_MALFORM_NO_COMMON, VIO_ERR_UNSUPPORTED, VIO_PCI_WHY_NO_COMMON_CFG},
    {VSIM_PCI_MALFORM_NO_NOTIFY, VIO_ERR_UNSUPPORTED, VIO_PCI_WHY_NO_NOTIFY_CFG},
    {VSIM_PCI_MALFORM_NO_ISR, VIO_ERR_UNSUPPORTED, VIO_PCI_WHY_NO_ISR_CFG},
    {VSIM_PCI_MALFORM_NOTIFY_MULT_ODD, VIO_ERR_UNSUPPORTED, VIO_PCI_WHY_NOTIFY_MULTIPLIER},
    {VSIM_PCI_MALFORM_STRUCT_MISALIGNED, VIO_ERR_UNSUPPORTED, VIO_PCI_WHY_CAP_MISALIGNED},
    {VSIM_PCI_MALFORM_IO_BAR, VIO_ERR_UNSUPPORTED, VIO_PCI_WHY_BAR_IO},
    {VSIM_PCI_MALFORM_BAR_UNSIZED, VIO_ERR_UNSUPPORTED, VIO_PCI_WHY_BAR_UNSIZED},
};

START_TEST(layout_malformations_are_refused_and_left_alone)
{
    const struct malform_case *c = &layout_cases[_i];
    add_blk(1, 0, &(struct vsim_pci_attach_opts){.malform = c->malform});
    root_up(VSIM_PCI_MEM32_SIZE);
    int rc = vio_pci_assign_resources(&root);
    if (c->malform == VSIM_PCI_MALFORM_BAR_UNSIZED) {
        ck_assert_int_eq(rc, VIO_ERR_UNSUPPORTED);
        ck_assert_int_eq(root.why, VIO_PCI_WHY_BAR_UNSIZED);
    } else {
        ck_assert_int_eq(rc, 0);
    }
    rc = vio_pci_probe(&pt, &root, BLK_BDF);
    ck_assert_msg(rc == c->err && pt.why == c->why, "%s: rc %d why \"%s\"",
                  vsim_pci_malform_name(c->malform), rc, vio_pci_why_str(pt.why));
    /* PCI-9 (never touched), PCI-2 (capabilities unwritten), HAL-3: checked by the teardown */
}
END_TEST

/* Faults found only when the device is driven: each error, bounded, nothing leaked. */
struct runtime_case {
    enum vsim_pci_malform malform;
    const char *fault; /* a fault plan rule instead, or NULL */
    int err;
    enum vio_pci_why why;
    const char *rule; /* the violation the refusal leaves in the log, or NULL */
};

static const struct runtime_case runtime_cases[] = {
    {VSIM_PCI_MALFORM_DEVICE_CFG_SHORT, NULL, VIO_ERR_CONFIG_SPACE_TOO_SMALL, VIO_PCI_WHY_OK, NULL},
    {VSIM_PCI_MALFORM_NO_DEVICE_CFG, NULL, VIO_ERR_CONFIG_SPACE_MISSING, VIO_PCI_WHY_OK, NULL},
    {VSIM_PCI_MALFORM_NOTIFY_OFF_OUTSIDE, NULL, VIO_ERR_UNSUPPORTED, VIO_PCI_WHY_NOTIFY_OUTSIDE,
     NULL},
    {VSIM_PCI_MALFORM_QUEUE_ENABLE_STUCK, NULL, VIO_ERR_NOT_READY, VIO_PCI_WHY_QUEUE_ENABLE, NULL},
    {VSIM_PCI_MALFORM_RESET_STUCK, NULL, VIO_ERR_NOT_READY, VIO_PCI_WHY_OK, NULL},
    {VSIM_PCI_MALFORM_NONE, "blk:queue_max_zero", VIO_ERR_NOT_READY, VIO_PCI_WHY_OK, NULL},
    {VSIM_PCI_MALFORM_NONE, "blk:features_ok_refuse", VIO_ERR_UNSUPPORTED, VIO_PCI_WHY_OK, NULL},
};

START_TEST(runtime_faults_fail_init_with_their_error)
{
    const struct runtime_case *c = &runtime_cases[_i];
    add_blk(1, 0, &(struct vsim_pci_attach_opts){.malform = c->malform});
    if (c->fault) {
        char err[VSIM_FAULT_ERR_MAX];
        ck_assert_int_eq(vsim_fault_parse(vsim_machine_faults(m), c->fault, err), 0);
    }
    root_up(VSIM_PCI_MEM32_SIZE);
    ck_assert_int_eq(vio_pci_assign_resources(&root), 0);
    ck_assert_int_eq(vio_pci_probe(&pt, &root, BLK_BDF), 0);
    struct vio_blk b;
    uint64_t relax = vsim_machine_relax_count(m);
    int rc = vio_blk_init(&b, &pt.t, 0);
    ck_assert_msg(rc == c->err, "%s %s: rc %s", vsim_pci_malform_name(c->malform),
                  c->fault ? c->fault : "", vio_err_name(rc));
    ck_assert_int_eq(pt.why, c->why);
    /* every wait gave up within the spin limit */
    ck_assert_uint_le(vsim_machine_relax_count(m) - relax, SPIN_LIMIT + 1);
    /* the bench saw the refusal as it happened, not as a rule the driver broke */
    ck_assert_uint_eq(rule_count("PCI-5") + rule_count("PCI-6") + rule_count("PCI-8"), 0);
    vsim_conform_clear(vsim_machine_conform(m));
}
END_TEST

/* A malform changed at run time: the next probe sees the rebuilt capability list. */
START_TEST(a_malform_set_after_attach_takes_effect_at_the_next_probe)
{
    add_blk(1, 0, &(struct vsim_pci_attach_opts){.malform = VSIM_PCI_MALFORM_CAP_LOOP});
    root_up(VSIM_PCI_MEM32_SIZE);
    ck_assert_int_eq(vio_pci_assign_resources(&root), 0);
    ck_assert_int_eq(vio_pci_probe(&pt, &root, BLK_BDF), VIO_ERR_UNSUPPORTED);
    ck_assert_int_eq(pt.why, VIO_PCI_WHY_CAP_LOOP);

    /* cleared: the loop's back link is gone with the old list */
    ck_assert_int_eq(vsim_pci_set_malform(m, 1, 0, VSIM_PCI_MALFORM_NONE, NULL), 0);
    ck_assert_int_eq(vio_pci_probe(&pt, &root, BLK_BDF), 0);
    ck_assert_uint_eq(pt.device.len, VSIM_BLK_CFG_SIZE);

    /* VALUE kept: up to blk_size is enough for the driver, the default 4 bytes is not */
    const uint32_t upto_blk_size = VSIM_BLK_CFG_BLK_SIZE + 4;
    ck_assert_int_eq(
        vsim_pci_set_malform(m, 1, 0, VSIM_PCI_MALFORM_DEVICE_CFG_SHORT, &upto_blk_size), 0);
    ck_assert_int_eq(vio_pci_probe(&pt, &root, BLK_BDF), 0);
    ck_assert_uint_eq(pt.device.len, upto_blk_size);
    struct vio_blk b;
    ck_assert_int_eq(vio_blk_init(&b, &pt.t, 0), 0);
    ck_assert_uint_eq(b.capacity, 128);
    vio_blk_deinit(&b);

    ck_assert_int_eq(vsim_pci_set_malform(m, 1, 0, VSIM_PCI_MALFORM_NO_DEVICE_CFG, NULL), 0);
    ck_assert_int_eq(vio_pci_probe(&pt, &root, BLK_BDF), 0);
    ck_assert_uint_eq(pt.device.len, 0);
    ck_assert_int_eq(vio_blk_init(&b, &pt.t, 0), VIO_ERR_CONFIG_SPACE_MISSING);

    /* only an attached virtio function and a known malform */
    ck_assert_int_eq(vsim_pci_set_malform(m, 0, 0, VSIM_PCI_MALFORM_NONE, NULL),
                     VIO_ERR_INVALID_PARAM);
    ck_assert_int_eq(vsim_pci_set_malform(m, 2, 0, VSIM_PCI_MALFORM_NONE, NULL),
                     VIO_ERR_INVALID_PARAM);
    ck_assert_int_eq(vsim_pci_set_malform(m, 1, 0, VSIM_PCI_MALFORM_COUNT, NULL),
                     VIO_ERR_INVALID_PARAM);
    ck_assert_int_eq(vsim_pci_set_malform(m, 32, 0, VSIM_PCI_MALFORM_NONE, NULL),
                     VIO_ERR_INVALID_PARAM);
}
END_TEST

Suite *vio_test_suite(void)
{
    Suite *s = suite_create("pci_sim");
    TCase *tc = tcase_create("host");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, enumeration_finds_the_host_bridge_and_a_multifunction_device);
    tcase_add_test(tc, bars_size_place_and_decode_only_with_memory_space_on);
    tcase_add_test(tc, bar_space_runs_out_with_dma_error);
    tcase_add_test(tc, blk_workload_over_pci);
    tcase_add_test(tc, blk_workload_deferred_and_transitional);
#if VIO_GPU
    tcase_add_test(tc, gpu_next_to_blk_on_one_bus);
#endif
#if VIO_NET
    tcase_add_test(tc, net_pair_as_two_functions_of_one_device);
#endif
    tcase_add_loop_test(tc, layout_malformations_are_refused_and_left_alone, 0,
                        (int)(sizeof layout_cases / sizeof layout_cases[0]));
    tcase_add_loop_test(tc, runtime_faults_fail_init_with_their_error, 0,
                        (int)(sizeof runtime_cases / sizeof runtime_cases[0]));
    tcase_add_test(tc, a_malform_set_after_attach_takes_effect_at_the_next_probe);
    suite_add_tcase(s, tc);
    return s;
}
