/*
 * pci.c against the scripted configuration-space fake: device discovery,
 * every malformed-capability refusal with its reason, and the transport
 * ops on a plain-memory BAR (with hooks where a register must misbehave).
 */
#include <check.h>
#include <stdlib.h>

#include "test_pci_fake.h"
#include "vio/err.h"
#include "vio/pci.h"
#include "vio/spec.h"

static struct fake_pci *f;
static struct vio_pci_root root;
static struct vio_pci_transport pt;
static const uint16_t BDF = VIO_PCI_BDF(0, 1, 0);

static void setup(void)
{
    f = malloc(sizeof *f);
    ck_assert_ptr_nonnull(f);
    fake_pci_init(f, VIO_PCI_ECAM);
}

/* Nothing stray, no capability written, no BAR sized while it decoded. */
static void teardown(void)
{
    ck_assert_uint_eq(f->stray, 0);
    ck_assert_uint_eq(f->cap_writes, 0);
    ck_assert_uint_eq(f->sized_decoding, 0);
    free(f);
}

static struct fake_fn *virtio_dev(uint16_t device_id)
{
    struct fake_fn *fn = fake_add_virtio(f, 0, 1, 0, device_id);
    fake_place_virtio(fn, 0);
    return fn;
}

static int probe(void)
{
    struct vio_pci_root_config c = fake_root_config(f, 0x100000, 0);
    ck_assert_int_eq(vio_pci_root_init(&root, &f->hal, &c), 0);
    return vio_pci_probe(&pt, &root, BDF);
}

START_TEST(probe_finds_the_structures_and_enables_the_function)
{
    struct fake_fn *fn = virtio_dev(0x1042);
    ck_assert_int_eq(probe(), 0);
    ck_assert_int_eq(pt.why, VIO_PCI_WHY_OK);
    ck_assert_uint_eq(pt.t.device_id, VIO_ID_BLOCK);
    ck_assert(!pt.t.legacy);
    ck_assert_uint_eq(pt.revision, 1);
    ck_assert_uint_eq(pt.num_queues, 2);
    uint64_t bar4 = FAKE_MEM32_BASE + FAKE_BAR_MEM;
    ck_assert_uint_eq(pt.common.va, bar4);
    ck_assert_uint_eq(pt.isr.va, bar4 + 0x1000);
    ck_assert_uint_eq(pt.device.va, bar4 + 0x2000);
    ck_assert_uint_eq(pt.device.len, 0x40);
    ck_assert_uint_eq(pt.notify.va, bar4 + 0x3000);
    ck_assert_uint_eq(pt.notify_multiplier, 4);
    ck_assert_uint_eq(fake_cfg16(fn, VIO_PCI_COMMAND),
                      VIO_PCI_COMMAND_MEMORY | VIO_PCI_COMMAND_MASTER);
    /* probing reads the device's registers but never writes them */
    ck_assert_uint_eq(f->bar_writes, 0);
}
END_TEST

START_TEST(probe_maps_device_ids_modern_and_transitional)
{
    ck_assert_uint_eq(vio_pci_virtio_type(0x1041), VIO_ID_NET);
    ck_assert_uint_eq(vio_pci_virtio_type(0x1050), VIO_ID_GPU);
    ck_assert_uint_eq(vio_pci_virtio_type(0x107f), 0x3f);
    ck_assert_uint_eq(vio_pci_virtio_type(0x1040), VIO_ID_INVALID);
    ck_assert_uint_eq(vio_pci_virtio_type(0x1000), VIO_ID_NET);
    ck_assert_uint_eq(vio_pci_virtio_type(0x1001), VIO_ID_BLOCK);
    ck_assert_uint_eq(vio_pci_virtio_type(0x1002), VIO_ID_BALLOON);
    ck_assert_uint_eq(vio_pci_virtio_type(0x1003), VIO_ID_CONSOLE);
    ck_assert_uint_eq(vio_pci_virtio_type(0x1004), VIO_ID_SCSI);
    ck_assert_uint_eq(vio_pci_virtio_type(0x1005), VIO_ID_ENTROPY);
    ck_assert_uint_eq(vio_pci_virtio_type(0x1009), VIO_ID_9P);
    ck_assert_uint_eq(vio_pci_virtio_type(0x1006), VIO_ID_INVALID);
    ck_assert_uint_eq(vio_pci_virtio_type(0x1080), VIO_ID_INVALID);

    /* a transitional device (revision 0) with the modern capabilities is driven */
    struct fake_fn *fn = virtio_dev(0x1001);
    fake_put8(fn, VIO_PCI_REVISION, 0);
    ck_assert_int_eq(probe(), 0);
    ck_assert_uint_eq(pt.t.device_id, VIO_ID_BLOCK);
    ck_assert_uint_eq(pt.pci_device_id, 0x1001);
}
END_TEST

/* One malformation applied to a good device, and the refusal it must produce. */
struct bad_case {
    const char *name;
    void (*mangle)(struct fake_fn *fn);
    int err;
    enum vio_pci_why why;
};

static void m_vendor(struct fake_fn *fn)
{
    fake_put16(fn, VIO_PCI_VENDOR_ID, 0x8086);
}
static void m_id_reserved(struct fake_fn *fn)
{
    fake_put16(fn, VIO_PCI_DEVICE_ID, 0x1040);
}
static void m_id_unknown(struct fake_fn *fn)
{
    fake_put16(fn, VIO_PCI_DEVICE_ID, 0x1006);
}
static void m_header(struct fake_fn *fn)
{
    fake_put8(fn, VIO_PCI_HEADER_TYPE, 1);
}
static void m_no_cap_list(struct fake_fn *fn)
{
    fake_put16(fn, VIO_PCI_STATUS, 0);
}
static void m_cap_loop(struct fake_fn *fn)
{
    fn->cfg[0x71] = 0x40;
}
static void m_cap_self(struct fake_fn *fn)
{
    fn->cfg[0x85] = 0x84;
}
static void m_cap_misaligned(struct fake_fn *fn)
{
    fn->cfg[0x51] = 0x62;
}
static void m_cap_low(struct fake_fn *fn)
{
    fake_put8(fn, VIO_PCI_CAP_PTR, 0x30);
}
static void m_no_common(struct fake_fn *fn)
{
    fn->cfg[0x43] = 9;
}
static void m_no_notify(struct fake_fn *fn)
{
    fn->cfg[0x73] = 7;
}
static void m_no_isr(struct fake_fn *fn)
{
    fn->cfg[0x50] = 0x05;
}
static void m_common_io(struct fake_fn *fn)
{
    fn->cfg[0x44] = 0;
}
static void m_common_past_bar(struct fake_fn *fn)
{
    fake_put32(fn, 0x48, FAKE_BAR_MEM - 0x20);
}
static void m_isr_past_bar(struct fake_fn *fn)
{
    fake_put32(fn, 0x58, FAKE_BAR_MEM);
}
static void m_notify_len_wraps(struct fake_fn *fn)
{
    fake_put32(fn, 0x7c, UINT32_MAX);
}
static void m_device_past_bar(struct fake_fn *fn)
{
    fake_put32(fn, 0x6c, FAKE_BAR_MEM);
}
static void m_common_misaligned(struct fake_fn *fn)
{
    fake_put32(fn, 0x48, 0x2);
}
static void m_notify_misaligned(struct fake_fn *fn)
{
    fake_put32(fn, 0x78, 0x3001);
    fake_put32(fn, 0x7c, 0x800);
}
static void m_common_short(struct fake_fn *fn)
{
    fake_put32(fn, 0x4c, 0x30);
}
static void m_mult_odd(struct fake_fn *fn)
{
    fake_put32(fn, 0x80, 3);
}
static void m_mult_one(struct fake_fn *fn)
{
    fake_put32(fn, 0x80, 1);
}
static void m_mult_not_pow2(struct fake_fn *fn)
{
    fake_put32(fn, 0x80, 12);
}
static void m_notify_short(struct fake_fn *fn)
{
    fake_put32(fn, 0x7c, 1);
}
static void m_isr_empty(struct fake_fn *fn)
{
    fake_put32(fn, 0x5c, 0);
}
static void m_cap_len(struct fake_fn *fn)
{
    fn->cfg[0x42] = 12;
}
static void m_notify_cap_len(struct fake_fn *fn)
{
    fn->cfg[0x72] = 16;
}
static void m_bar_unassigned(struct fake_fn *fn)
{
    fake_place_bar(fn, 4, 0);
}
static void m_bar_outside(struct fake_fn *fn)
{
    fake_place_bar(fn, 4, FAKE_MEM32_BASE + 0x100000);
}
static void m_bar_unsized(struct fake_fn *fn)
{
    for (unsigned r = 0x20; r < 0x28; r++)
        fn->wmask[r] = 0;
}
static void m_bar_upper(struct fake_fn *fn)
{
    fn->cfg[0x44] = 5;
}
static void m_bar_none(struct fake_fn *fn)
{
    fn->cfg[0x44] = 2;
}
static void m_bar_reserved(struct fake_fn *fn)
{
    fn->cfg[0x44] = 6;
}
/* a capability at 0xf4 would need bytes up to 0x104 */
static void m_cap_at_end(struct fake_fn *fn)
{
    fn->cfg[0x71] = 0xf4;
    fake_cap(fn, 0xf4, VIO_PCI_CAP_ID_VNDR, 0, 16);
    fn->cfg[0xf7] = 1;
    fn->cfg[0x43] = 9;
}

static const struct bad_case bad_cases[] = {
    {"vendor", m_vendor, VIO_ERR_UNSUPPORTED, VIO_PCI_WHY_NOT_VIRTIO},
    {"id 0x1040", m_id_reserved, VIO_ERR_UNSUPPORTED, VIO_PCI_WHY_NOT_VIRTIO},
    {"id 0x1006", m_id_unknown, VIO_ERR_UNSUPPORTED, VIO_PCI_WHY_NOT_VIRTIO},
    {"bridge header", m_header, VIO_ERR_UNSUPPORTED, VIO_PCI_WHY_BAD_HEADER},
    {"legacy only", m_no_cap_list, VIO_ERR_UNSUPPORTED, VIO_PCI_WHY_NO_CAP_LIST},
    {"cap loop", m_cap_loop, VIO_ERR_UNSUPPORTED, VIO_PCI_WHY_CAP_LOOP},
    {"cap self loop", m_cap_self, VIO_ERR_UNSUPPORTED, VIO_PCI_WHY_CAP_LOOP},
    {"cap misaligned", m_cap_misaligned, VIO_ERR_UNSUPPORTED, VIO_PCI_WHY_CAP_PTR},
    {"cap below 0x40", m_cap_low, VIO_ERR_UNSUPPORTED, VIO_PCI_WHY_CAP_PTR},
    {"no common", m_no_common, VIO_ERR_UNSUPPORTED, VIO_PCI_WHY_NO_COMMON_CFG},
    {"no notify", m_no_notify, VIO_ERR_UNSUPPORTED, VIO_PCI_WHY_NO_NOTIFY_CFG},
    {"no isr", m_no_isr, VIO_ERR_UNSUPPORTED, VIO_PCI_WHY_NO_ISR_CFG},
    {"common in I/O BAR", m_common_io, VIO_ERR_UNSUPPORTED, VIO_PCI_WHY_BAR_IO},
    {"common past BAR", m_common_past_bar, VIO_ERR_UNSUPPORTED, VIO_PCI_WHY_CAP_OUTSIDE_BAR},
    {"isr past BAR", m_isr_past_bar, VIO_ERR_UNSUPPORTED, VIO_PCI_WHY_CAP_OUTSIDE_BAR},
    {"notify length wraps", m_notify_len_wraps, VIO_ERR_UNSUPPORTED, VIO_PCI_WHY_CAP_OUTSIDE_BAR},
    {"device config past BAR", m_device_past_bar, VIO_ERR_UNSUPPORTED, VIO_PCI_WHY_CAP_OUTSIDE_BAR},
    {"common misaligned", m_common_misaligned, VIO_ERR_UNSUPPORTED, VIO_PCI_WHY_CAP_MISALIGNED},
    {"notify misaligned", m_notify_misaligned, VIO_ERR_UNSUPPORTED, VIO_PCI_WHY_CAP_MISALIGNED},
    {"common short", m_common_short, VIO_ERR_UNSUPPORTED, VIO_PCI_WHY_COMMON_TOO_SHORT},
    {"multiplier 3", m_mult_odd, VIO_ERR_UNSUPPORTED, VIO_PCI_WHY_NOTIFY_MULTIPLIER},
    {"multiplier 1", m_mult_one, VIO_ERR_UNSUPPORTED, VIO_PCI_WHY_NOTIFY_MULTIPLIER},
    {"multiplier 12", m_mult_not_pow2, VIO_ERR_UNSUPPORTED, VIO_PCI_WHY_NOTIFY_MULTIPLIER},
    {"notify length 1", m_notify_short, VIO_ERR_UNSUPPORTED, VIO_PCI_WHY_CAP_LEN},
    {"isr length 0", m_isr_empty, VIO_ERR_UNSUPPORTED, VIO_PCI_WHY_CAP_LEN},
    {"cap_len 12", m_cap_len, VIO_ERR_UNSUPPORTED, VIO_PCI_WHY_CAP_LEN},
    {"notify cap_len 16", m_notify_cap_len, VIO_ERR_UNSUPPORTED, VIO_PCI_WHY_CAP_LEN},
    {"cap at 0xf4", m_cap_at_end, VIO_ERR_UNSUPPORTED, VIO_PCI_WHY_CAP_LEN},
    {"BAR unassigned", m_bar_unassigned, VIO_ERR_UNSUPPORTED, VIO_PCI_WHY_BAR_UNASSIGNED},
    {"BAR past window", m_bar_outside, VIO_ERR_UNSUPPORTED, VIO_PCI_WHY_BAR_UNASSIGNED},
    {"BAR does not size", m_bar_unsized, VIO_ERR_UNSUPPORTED, VIO_PCI_WHY_BAR_UNSIZED},
    {"upper half BAR", m_bar_upper, VIO_ERR_UNSUPPORTED, VIO_PCI_WHY_BAR_UNSIZED},
    {"unimplemented BAR", m_bar_none, VIO_ERR_UNSUPPORTED, VIO_PCI_WHY_BAR_UNSIZED},
    {"reserved bar value", m_bar_reserved, VIO_ERR_UNSUPPORTED, VIO_PCI_WHY_NO_COMMON_CFG},
};

START_TEST(probe_refuses_each_malformation_with_its_reason)
{
    const struct bad_case *c = &bad_cases[_i];
    struct fake_fn *fn = virtio_dev(0x1042);
    c->mangle(fn);
    int rc = probe();
    ck_assert_msg(rc == c->err, "%s: rc %d, want %d", c->name, rc, c->err);
    ck_assert_msg(pt.why == c->why, "%s: why \"%s\", want \"%s\"", c->name, vio_pci_why_str(pt.why),
                  vio_pci_why_str(c->why));
    ck_assert_int_eq(root.why, c->why);
    /* a refused function is not switched on */
    ck_assert_uint_eq(fake_cfg16(fn, VIO_PCI_COMMAND) & VIO_PCI_COMMAND_MASTER, 0);
    ck_assert_uint_eq(f->bar_writes, 0);
}
END_TEST

START_TEST(probe_refuses_empty_slots_and_foreign_buses)
{
    ck_assert_int_eq(probe(), VIO_ERR_NOT_READY);
    ck_assert_int_eq(pt.why, VIO_PCI_WHY_NO_DEVICE);
    struct vio_pci_root_config c = fake_root_config(f, 0x100000, 0);
    c.bus_first = 1;
    ck_assert_int_eq(vio_pci_root_init(&root, &f->hal, &c), 0);
    ck_assert_int_eq(vio_pci_probe(&pt, &root, BDF), VIO_ERR_INVALID_PARAM);
    ck_assert_int_eq(pt.why, VIO_PCI_WHY_BAD_BDF);
}
END_TEST

START_TEST(probe_uses_the_first_usable_instance_of_a_type)
{
    struct fake_fn *fn = virtio_dev(0x1042);
    /* a common capability in the I/O BAR first, the memory one after it */
    fake_vcap(fn, 0xa0, 0x40, 1, 0, 0, 0x38, 0);
    fn->cfg[0x85] = 0xa0;
    /* a second notify capability later in the list is ignored */
    fake_vcap(fn, 0xb0, 0, 2, 4, 0x3000, 0x1000, 8);
    fn->cfg[0x71] = 0xb0;
    ck_assert_int_eq(probe(), 0);
    ck_assert_uint_eq(pt.common.va, FAKE_MEM32_BASE + FAKE_BAR_MEM);
    ck_assert_uint_eq(pt.notify_multiplier, 4);
}
END_TEST

START_TEST(probe_accepts_a_missing_device_config_and_reads_then_fail)
{
    struct fake_fn *fn = virtio_dev(0x1042);
    fn->cfg[0x63] = 9; /* the device config capability becomes vendor data */
    ck_assert_int_eq(probe(), 0);
    ck_assert_uint_eq(pt.t.ops->config_size(&pt.t), 0);
    uint32_t v;
    ck_assert_int_eq(pt.t.ops->config_read(&pt.t, 0, 4, &v), VIO_ERR_CONFIG_SPACE_MISSING);
    ck_assert_int_eq(vio_config_read_u32(&pt.t, 0, &v), VIO_ERR_CONFIG_SPACE_MISSING);
}
END_TEST

START_TEST(config_reads_are_bounded_by_the_capability_length)
{
    struct fake_fn *fn = virtio_dev(0x1042);
    fake_put32(fn, 0x6c, 6); /* device config 6 bytes long */
    for (unsigned i = 0; i < 8; i++)
        fn->bar_mem[4][0x2000 + i] = (uint8_t)(0x10 + i);
    ck_assert_int_eq(probe(), 0);
    ck_assert_uint_eq(pt.t.ops->config_size(&pt.t), 6);
    uint32_t v;
    ck_assert_int_eq(vio_config_read_u32(&pt.t, 0, &v), 0);
    ck_assert_uint_eq(v, 0x13121110);
    uint16_t h;
    ck_assert_int_eq(vio_config_read_u16(&pt.t, 4, &h), 0);
    ck_assert_uint_eq(h, 0x1514);
    uint64_t q;
    ck_assert_int_eq(vio_config_read_u64(&pt.t, 0, &q), VIO_ERR_CONFIG_SPACE_TOO_SMALL);
    ck_assert_int_eq(pt.t.ops->config_read(&pt.t, 4, 4, &v), VIO_ERR_CONFIG_SPACE_TOO_SMALL);
    ck_assert_int_eq(pt.t.ops->config_read(&pt.t, 1, 2, &v), VIO_ERR_INVALID_PARAM);
    ck_assert_int_eq(pt.t.ops->config_read(&pt.t, 0, 3, &v), VIO_ERR_INVALID_PARAM);
    ck_assert_int_eq(pt.t.ops->config_write(&pt.t, 6, 1, 0), VIO_ERR_CONFIG_SPACE_TOO_SMALL);
    ck_assert_int_eq(pt.t.ops->config_write(&pt.t, 5, 1, 0xaa), 0);
    ck_assert_uint_eq(fn->bar_mem[4][0x2005], 0xaa);
}
END_TEST

START_TEST(device_config_longer_than_4k_is_capped)
{
    struct fake_fn *fn = virtio_dev(0x1042);
    fake_put32(fn, 0x68, 0);
    fake_put32(fn, 0x6c, FAKE_BAR_MEM);
    ck_assert_int_eq(probe(), 0);
    ck_assert_uint_eq(pt.t.ops->config_size(&pt.t), VIO_PCI_REGION_CAP);
}
END_TEST

/* ---- the ops on a plain-memory common configuration ---- */

struct regs {
    uint32_t dfsel, gfsel;
    uint32_t driver_features[2];
    uint16_t notify_off;
    bool status_stuck;
    bool enable_stuck;
};

static uint16_t common16(struct fake_fn *fn, unsigned off)
{
    return (uint16_t)(fn->bar_mem[4][off] | fn->bar_mem[4][off + 1] << 8);
}

/* Feature words by select, driver feature words stored by select, and two stuck registers. */
static bool hook(struct fake_pci *fp, struct fake_fn *fn, unsigned bar, uint32_t off,
                 unsigned width, bool write, uint32_t *val)
{
    struct regs *r = fp->hook_arg;
    (void)fn;
    if (bar != 4)
        return false;
    if (off == 0x00 && write)
        r->dfsel = *val;
    if (off == 0x04 && !write) {
        *val = r->dfsel == 0 ? 0x30006e54 : r->dfsel == 1 ? 0x101 : 0;
        return true;
    }
    if (off == 0x08 && write)
        r->gfsel = *val;
    if (off == 0x0c && write && r->gfsel < 2)
        r->driver_features[r->gfsel] = *val;
    if (off == 0x14 && !write && r->status_stuck) {
        *val = 0x80;
        return true;
    }
    if (off == 0x1c && write && r->enable_stuck)
        return true;
    if (off == 0x1e && !write) {
        *val = r->notify_off;
        return true;
    }
    (void)width;
    return false;
}

static struct regs regs;

static struct fake_fn *live_dev(void)
{
    struct fake_fn *fn = virtio_dev(0x1042);
    regs = (struct regs){0};
    f->hook = hook;
    f->hook_arg = &regs;
    ck_assert_int_eq(probe(), 0);
    return fn;
}

START_TEST(features_use_select_pairs)
{
    live_dev();
    ck_assert_uint_eq(pt.t.ops->device_features(&pt.t), UINT64_C(0x10130006e54));
    pt.t.ops->set_driver_features(&pt.t, UINT64_C(0x100000044));
    ck_assert_uint_eq(regs.driver_features[0], 0x44);
    ck_assert_uint_eq(regs.driver_features[1], 1);
}
END_TEST

START_TEST(reset_waits_for_zero_and_gives_up_bounded)
{
    struct fake_fn *fn = live_dev();
    fn->bar_mem[4][0x14] = 0x0f;
    ck_assert_int_eq(pt.t.ops->reset(&pt.t), 0);
    ck_assert_uint_eq(fn->bar_mem[4][0x14], 0);
    regs.status_stuck = true;
    ck_assert_int_eq(pt.t.ops->reset(&pt.t), VIO_ERR_NOT_READY);
    ck_assert(pt.t.broken);
    ck_assert_uint_eq(f->relax, f->hal.spin_limit);
}
END_TEST

START_TEST(queue_setup_programs_the_queue_and_notify_hits_its_address)
{
    struct fake_fn *fn = live_dev();
    fn->bar_mem[4][0x18] = 0; /* queue_size maximum 256 */
    fn->bar_mem[4][0x19] = 1;
    ck_assert_uint_eq(pt.t.ops->queue_max(&pt.t, 1), 256);
    ck_assert_uint_eq(pt.t.ops->queue_max(&pt.t, 2), 0);
    ck_assert(!pt.t.ops->queue_in_use(&pt.t, 1));
    regs.notify_off = 3;
    ck_assert_int_eq(pt.t.ops->queue_setup(&pt.t, 1, 128, UINT64_C(0x80001000),
                                           UINT64_C(0x80002000), UINT64_C(0x180003000)),
                     0);
    ck_assert_uint_eq(common16(fn, 0x16), 1);
    ck_assert_uint_eq(common16(fn, 0x18), 128);
    ck_assert_uint_eq(common16(fn, 0x1c), 1);
    ck_assert_uint_eq(fn->bar_mem[4][0x21], 0x10);
    ck_assert_uint_eq(fn->bar_mem[4][0x29], 0x20);
    ck_assert_uint_eq(fn->bar_mem[4][0x31], 0x30);
    ck_assert_uint_eq(fn->bar_mem[4][0x34], 0x01);
    ck_assert(pt.t.ops->queue_in_use(&pt.t, 1));

    /* notify: the 16-bit index at cap.offset + queue_notify_off * multiplier */
    pt.t.ops->notify(&pt.t, 1);
    ck_assert_uint_eq(f->last_bar, 4);
    ck_assert_uint_eq(f->last_off, 0x3000 + 3 * 4);
    ck_assert_uint_eq(f->last_val, 1);

    /* teardown writes nothing: queue_enable must never be written 0 */
    unsigned writes = f->bar_writes;
    pt.t.ops->queue_teardown(&pt.t, 1);
    ck_assert_uint_eq(f->bar_writes, writes);
    ck_assert_uint_eq(common16(fn, 0x1c), 1);
}
END_TEST

START_TEST(queue_setup_refuses_bad_indexes_and_notify_offsets)
{
    live_dev();
    ck_assert_int_eq(pt.t.ops->queue_setup(&pt.t, 2, 8, 0x80000000, 0x80001000, 0x80002000),
                     VIO_ERR_INVALID_PARAM);
    ck_assert_int_eq(pt.why, VIO_PCI_WHY_QUEUE_RANGE);
    ck_assert(!pt.t.broken);
    /* 0x3ff * 4 + 2 = 0x1000 still fits a 0x1000-byte notify structure; 0x400 does not */
    regs.notify_off = 0x3ff;
    ck_assert_int_eq(pt.t.ops->queue_setup(&pt.t, 0, 8, 0x80000000, 0x80001000, 0x80002000), 0);
    regs.notify_off = 0x400;
    unsigned writes = f->bar_writes;
    ck_assert_int_eq(pt.t.ops->queue_setup(&pt.t, 1, 8, 0x80000000, 0x80001000, 0x80002000),
                     VIO_ERR_UNSUPPORTED);
    ck_assert_int_eq(pt.why, VIO_PCI_WHY_NOTIFY_OUTSIDE);
    ck_assert(pt.t.broken);
    /* refused before queue_enable: select, size, six address words, no enable */
    ck_assert_uint_eq(f->bar_writes - writes, 8);
}
END_TEST

START_TEST(queue_enable_that_never_sticks_is_not_ready)
{
    live_dev();
    regs.enable_stuck = true;
    ck_assert_int_eq(pt.t.ops->queue_setup(&pt.t, 0, 8, 0x80000000, 0x80001000, 0x80002000),
                     VIO_ERR_NOT_READY);
    ck_assert_int_eq(pt.why, VIO_PCI_WHY_QUEUE_ENABLE);
    ck_assert_uint_eq(f->relax, f->hal.spin_limit);
}
END_TEST

START_TEST(zero_multiplier_shares_one_notify_address)
{
    struct fake_fn *fn = virtio_dev(0x1042);
    fake_put32(fn, 0x80, 0);
    regs = (struct regs){.notify_off = 0x7777};
    f->hook = hook;
    f->hook_arg = &regs;
    ck_assert_int_eq(probe(), 0);
    ck_assert_int_eq(pt.t.ops->queue_setup(&pt.t, 1, 8, 0x80000000, 0x80001000, 0x80002000), 0);
    pt.t.ops->notify(&pt.t, 1);
    ck_assert_uint_eq(f->last_off, 0x3000);
}
END_TEST

START_TEST(isr_read_acknowledges_and_masks_reserved_bits)
{
    struct fake_fn *fn = live_dev();
    fn->bar_mem[4][0x1000] = 0xff;
    ck_assert_uint_eq(pt.t.ops->ack_interrupt(&pt.t), 3);
    fn->bar_mem[4][0x15] = 7;
    ck_assert_uint_eq(pt.t.ops->config_generation(&pt.t), 7);
    pt.t.ops->set_status(&pt.t, VIO_STATUS_ACKNOWLEDGE);
    ck_assert_uint_eq(pt.t.ops->get_status(&pt.t), VIO_STATUS_ACKNOWLEDGE);
}
END_TEST

Suite *vio_test_suite(void)
{
    Suite *s = suite_create("pci_transport");
    TCase *tc = tcase_create("probe");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, probe_finds_the_structures_and_enables_the_function);
    tcase_add_test(tc, probe_maps_device_ids_modern_and_transitional);
    tcase_add_loop_test(tc, probe_refuses_each_malformation_with_its_reason, 0,
                        (int)(sizeof bad_cases / sizeof bad_cases[0]));
    tcase_add_test(tc, probe_refuses_empty_slots_and_foreign_buses);
    tcase_add_test(tc, probe_uses_the_first_usable_instance_of_a_type);
    tcase_add_test(tc, probe_accepts_a_missing_device_config_and_reads_then_fail);
    tcase_add_test(tc, config_reads_are_bounded_by_the_capability_length);
    tcase_add_test(tc, device_config_longer_than_4k_is_capped);
    suite_add_tcase(s, tc);

    TCase *ops = tcase_create("ops");
    tcase_add_checked_fixture(ops, setup, teardown);
    tcase_add_test(ops, features_use_select_pairs);
    tcase_add_test(ops, reset_waits_for_zero_and_gives_up_bounded);
    tcase_add_test(ops, queue_setup_programs_the_queue_and_notify_hits_its_address);
    tcase_add_test(ops, queue_setup_refuses_bad_indexes_and_notify_offsets);
    tcase_add_test(ops, queue_enable_that_never_sticks_is_not_ready);
    tcase_add_test(ops, zero_multiplier_shares_one_notify_address);
    tcase_add_test(ops, isr_read_acknowledges_and_masks_reserved_bits);
    suite_add_tcase(s, ops);
    return s;
}
