/*
 * The MMIO transport against a small scripted register file (not the bench):
 * probe order, the exact init register sequences of Version 1 and 2, feature
 * refusal, resets that never finish, config widths and generation retries.
 * The register file also counts accesses the spec forbids (narrow or
 * unaligned control accesses, reads of write-only registers, registers of the
 * other version), and every test ends by asserting there were none.
 */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "fake_hal.h"
#include "vio/err.h"
#include "vio/mmio.h"
#include "vio/queue.h"
#include "vio/spec.h"

#define BASE 0x10001000u
#define ANY 0xdeadbeefu

enum {
    MagicValue = 0x000,
    Version = 0x004,
    DeviceID = 0x008,
    VendorID = 0x00c,
    DeviceFeatures = 0x010,
    DeviceFeaturesSel = 0x014,
    DriverFeatures = 0x020,
    DriverFeaturesSel = 0x024,
    GuestPageSize = 0x028,
    QueueSel = 0x030,
    QueueNumMax = 0x034,
    QueueNum = 0x038,
    QueueAlign = 0x03c,
    QueuePFN = 0x040,
    QueueReady = 0x044,
    QueueNotify = 0x050,
    InterruptStatus = 0x060,
    InterruptACK = 0x064,
    Status = 0x070,
    QueueDescLow = 0x080,
    QueueDescHigh = 0x084,
    QueueDriverLow = 0x090,
    QueueDriverHigh = 0x094,
    QueueDeviceLow = 0x0a0,
    QueueDeviceHigh = 0x0a4,
    ConfigGeneration = 0x0fc,
    Config = 0x100,
};

struct access {
    char op; /* 'R' or 'W' */
    uint32_t off;
    unsigned width;
    uint32_t val;
};

static struct regfile {
    uint32_t magic, version, device_id;
    uint64_t features;
    uint32_t dev_sel, drv_sel;
    uint64_t driver_features;
    uint32_t status;
    bool refuse_features_ok, reset_stuck, ready_stuck;
    uint32_t queue_sel, num_max, num, ready, pfn, align, page_size;
    uint64_t desc, driver, device;
    uint32_t int_status, int_ack, notified;
    uint8_t config[32];
    uint32_t generation;
    unsigned gen_bumps_left, cfg_bumps_left;
    struct access log[128];
    unsigned n_log;
    unsigned bad;
} rf;

static struct fake_hal fh;
static struct vio_mmio m;
static struct vio_queue q;

static void log_access(char op, uint32_t off, unsigned width, uint32_t val)
{
    ck_assert_uint_lt(rf.n_log, sizeof rf.log / sizeof rf.log[0]);
    rf.log[rf.n_log++] = (struct access){op, off, width, val};
}

/* Registers only one version has; touching them on the other is a driver bug. */
static bool wrong_version(uint32_t off)
{
    bool v1_only = off == GuestPageSize || off == QueueAlign || off == QueuePFN;
    bool v2_only = off == QueueReady || off == ConfigGeneration ||
                   (off >= QueueDescLow && off <= QueueDeviceHigh);
    return rf.version == 1 ? v2_only : v1_only;
}

static uint32_t config_read(uint32_t off, unsigned width)
{
    if (off + width > sizeof rf.config || (rf.version == 2 && off % width != 0)) {
        rf.bad++;
        return 0;
    }
    uint32_t v = 0;
    for (unsigned k = 0; k < width; k++)
        v |= (uint32_t)rf.config[off + k] << (8 * k);
    if (rf.gen_bumps_left > 0) {
        rf.gen_bumps_left--;
        rf.generation++;
    }
    if (rf.cfg_bumps_left > 0) {
        rf.cfg_bumps_left--;
        rf.config[0]++;
    }
    return v;
}

static uint32_t rf_read(void *arg, uintptr_t addr, unsigned width)
{
    (void)arg;
    uint32_t off = (uint32_t)(addr - BASE);
    if (off >= Config) {
        uint32_t v = config_read(off - Config, width);
        log_access('R', off, width, v);
        return v;
    }
    if (width != 4 || off % 4 != 0 || wrong_version(off))
        rf.bad++;
    uint32_t v = 0;
    switch (off) {
    case MagicValue:
        v = rf.magic;
        break;
    case Version:
        v = rf.version;
        break;
    case DeviceID:
        v = rf.device_id;
        break;
    case VendorID:
        v = 0x554d4551;
        break;
    case DeviceFeatures:
        v = rf.dev_sel < 2 ? (uint32_t)(rf.features >> (32 * rf.dev_sel)) : 0;
        break;
    case QueueNumMax:
        v = rf.queue_sel == 0 ? rf.num_max : 0;
        break;
    case QueueReady:
        v = rf.ready_stuck ? 1 : rf.ready;
        break;
    case QueuePFN:
        v = rf.pfn;
        break;
    case InterruptStatus:
        v = rf.int_status;
        break;
    case Status:
        v = rf.status;
        break;
    case ConfigGeneration:
        v = rf.generation;
        break;
    default:
        rf.bad++; /* a write-only or undefined register */
    }
    log_access('R', off, width, v);
    return v;
}

static void rf_reset(void)
{
    if (rf.reset_stuck)
        return;
    rf.status = 0;
    rf.ready = 0;
    rf.pfn = 0;
    rf.int_status = 0;
}

static void rf_write(void *arg, uintptr_t addr, unsigned width, uint32_t val)
{
    (void)arg;
    uint32_t off = (uint32_t)(addr - BASE);
    log_access('W', off, width, val);
    if (off >= Config) {
        rf.bad++; /* these tests never write the config */
        return;
    }
    if (width != 4 || off % 4 != 0 || wrong_version(off))
        rf.bad++;
    switch (off) {
    case DeviceFeaturesSel:
        rf.dev_sel = val;
        break;
    case DriverFeaturesSel:
        rf.drv_sel = val;
        break;
    case DriverFeatures:
        if (rf.drv_sel < 2) {
            rf.driver_features &= ~(0xffffffffull << (32 * rf.drv_sel));
            rf.driver_features |= (uint64_t)val << (32 * rf.drv_sel);
        }
        break;
    case GuestPageSize:
        rf.page_size = val;
        break;
    case QueueSel:
        rf.queue_sel = val;
        break;
    case QueueNum:
        rf.num = val;
        break;
    case QueueAlign:
        rf.align = val;
        break;
    case QueuePFN:
        rf.pfn = val;
        break;
    case QueueReady:
        rf.ready = val;
        break;
    case QueueNotify:
        rf.notified = val;
        break;
    case InterruptACK:
        rf.int_ack = val;
        break;
    case QueueDescLow:
        rf.desc = (rf.desc & ~0xffffffffull) | val;
        break;
    case QueueDescHigh:
        rf.desc = (rf.desc & 0xffffffffull) | (uint64_t)val << 32;
        break;
    case QueueDriverLow:
        rf.driver = (rf.driver & ~0xffffffffull) | val;
        break;
    case QueueDriverHigh:
        rf.driver = (rf.driver & 0xffffffffull) | (uint64_t)val << 32;
        break;
    case QueueDeviceLow:
        rf.device = (rf.device & ~0xffffffffull) | val;
        break;
    case QueueDeviceHigh:
        rf.device = (rf.device & 0xffffffffull) | (uint64_t)val << 32;
        break;
    case Status:
        if (val == 0)
            rf_reset();
        else if (rf.refuse_features_ok)
            rf.status = val & ~VIO_STATUS_FEATURES_OK;
        else
            rf.status = val;
        break;
    default:
        rf.bad++; /* a read-only or undefined register */
    }
}

static void setup(void)
{
    memset(&rf, 0, sizeof rf);
    rf.magic = 0x74726976;
    rf.version = 2;
    rf.device_id = VIO_ID_BLOCK;
    rf.num_max = 16;
    rf.features = VIO_F_VERSION_1 | VIO_F_EVENT_IDX | 1;
    fake_hal_init(&fh);
    fh.hal.spin_limit = 20;
    fh.reg_read = rf_read;
    fh.reg_write = rf_write;
    memset(&m, 0, sizeof m);
    memset(&q, 0, sizeof q);
}

static void teardown(void)
{
    vio_queue_deinit(&q);
    fake_hal_assert_clean(&fh);
    ck_assert_uint_eq(rf.bad, 0);
}

static void probe_ok(void)
{
    ck_assert_int_eq(vio_mmio_probe(&m, &fh.hal, BASE, 0x200), 0);
    rf.n_log = 0;
}

/* Compares the access log with @exp; ANY matches any written value. */
static void expect_log(const struct access *exp, unsigned n)
{
    for (unsigned i = 0; i < n && i < rf.n_log; i++) {
        ck_assert_msg(rf.log[i].op == exp[i].op && rf.log[i].off == exp[i].off,
                      "access %u: got %c 0x%x, expected %c 0x%x", i, rf.log[i].op, rf.log[i].off,
                      exp[i].op, exp[i].off);
        if (exp[i].op == 'W' && exp[i].val != ANY)
            ck_assert_msg(rf.log[i].val == exp[i].val, "access %u (W 0x%x): 0x%x, expected 0x%x", i,
                          exp[i].off, rf.log[i].val, exp[i].val);
    }
    ck_assert_uint_eq(rf.n_log, n);
}

#define R(off)                                                                                     \
    {                                                                                              \
        'R', off, 4, 0                                                                             \
    }
#define W(off, val)                                                                                \
    {                                                                                              \
        'W', off, 4, val                                                                           \
    }
#define EXPECT(...)                                                                                \
    do {                                                                                           \
        const struct access exp_[] = {__VA_ARGS__};                                                \
        expect_log(exp_, sizeof exp_ / sizeof exp_[0]);                                            \
    } while (0)

/* ---- probe ---- */

START_TEST(probe_window_too_small_touches_nothing)
{
    ck_assert_int_eq(vio_mmio_probe(&m, &fh.hal, BASE, 0xff), VIO_ERR_INVALID_PARAM);
    ck_assert_int_eq(m.why, VIO_MMIO_TOO_SMALL);
    ck_assert_uint_eq(rf.n_log, 0);
}
END_TEST

START_TEST(probe_bad_magic_reads_only_magic)
{
    rf.magic = 0x12345678;
    ck_assert_int_eq(vio_mmio_probe(&m, &fh.hal, BASE, 0x200), VIO_ERR_UNSUPPORTED);
    ck_assert_int_eq(m.why, VIO_MMIO_BAD_MAGIC);
    EXPECT(R(MagicValue));
}
END_TEST

START_TEST(probe_bad_version_stops_before_device_id)
{
    const uint32_t versions[] = {0, 3, 0xffffffff};
    for (unsigned i = 0; i < 3; i++) {
        rf.version = versions[i];
        rf.n_log = 0;
        ck_assert_int_eq(vio_mmio_probe(&m, &fh.hal, BASE, 0x200), VIO_ERR_UNSUPPORTED);
        ck_assert_int_eq(m.why, VIO_MMIO_BAD_VERSION);
        EXPECT(R(MagicValue), R(Version));
    }
}
END_TEST

START_TEST(probe_device_id_zero_accesses_nothing_more)
{
    rf.device_id = 0;
    ck_assert_int_eq(vio_mmio_probe(&m, &fh.hal, BASE, 0x200), VIO_ERR_NOT_READY);
    ck_assert_int_eq(m.why, VIO_MMIO_NO_DEVICE);
    EXPECT(R(MagicValue), R(Version), R(DeviceID));
}
END_TEST

START_TEST(probe_reads_identity_of_both_versions)
{
    ck_assert_int_eq(vio_mmio_probe(&m, &fh.hal, BASE, 0x200), 0);
    ck_assert_int_eq(m.why, VIO_MMIO_OK);
    ck_assert_uint_eq(m.t.device_id, VIO_ID_BLOCK);
    ck_assert_uint_eq(m.vendor_id, 0x554d4551);
    ck_assert_uint_eq(m.version, 2);
    ck_assert(!m.t.legacy);
    ck_assert_ptr_eq(m.t.hal, &fh.hal);
    rf.version = 1;
    ck_assert_int_eq(vio_mmio_probe(&m, &fh.hal, BASE, 0x200), 0);
    ck_assert(m.t.legacy);
    ck_assert_str_eq(vio_mmio_why_str(VIO_MMIO_NO_DEVICE), "DeviceID 0: empty slot");
}
END_TEST

/* ---- initialization sequences ---- */

START_TEST(v2_init_sequence_is_exact)
{
    probe_ok();
    ck_assert_int_eq(vio_transport_begin_init(&m.t, VIO_F_VERSION_1 | VIO_F_EVENT_IDX), 0);
    ck_assert_int_eq(vio_queue_init(&q, &m.t, 0, 0), 0);
    vio_transport_finish_init(&m.t);
    EXPECT(W(Status, 0), R(Status), W(Status, 1), W(Status, 3),
           /* features: select before every access */
           W(DeviceFeaturesSel, 0), R(DeviceFeatures), W(DeviceFeaturesSel, 1), R(DeviceFeatures),
           W(DriverFeaturesSel, 0), W(DriverFeatures, 1u << 29), W(DriverFeaturesSel, 1),
           W(DriverFeatures, 1), W(Status, 0xb), R(Status),
           /* Virtqueue Configuration */
           W(QueueSel, 0), R(QueueReady), W(QueueSel, 0), R(QueueNumMax), W(QueueSel, 0),
           W(QueueNum, 16), W(QueueDescLow, ANY), W(QueueDescHigh, ANY), W(QueueDriverLow, ANY),
           W(QueueDriverHigh, ANY), W(QueueDeviceLow, ANY), W(QueueDeviceHigh, ANY),
           W(QueueReady, 1), W(Status, 0xf));
    ck_assert_uint_eq(m.t.features, VIO_F_VERSION_1 | VIO_F_EVENT_IDX);
    ck_assert_uint_eq(rf.desc, q.ring_pa[0]);
    ck_assert_uint_eq(rf.driver, q.ring_pa[0] + 16 * 16);
    ck_assert_uint_eq(rf.device, q.ring_pa[1]);
}
END_TEST

START_TEST(v1_init_sequence_is_exact)
{
    rf.version = 1;
    /* a legacy device offering VERSION_1 must still not get it */
    rf.features = VIO_F_VERSION_1 | VIO_F_INDIRECT_DESC | VIO_F_EVENT_IDX;
    probe_ok();
    ck_assert_int_eq(vio_transport_begin_init(&m.t, VIO_F_VERSION_1 | VIO_F_INDIRECT_DESC), 0);
    ck_assert_int_eq(vio_queue_init(&q, &m.t, 0, 8), 0);
    vio_transport_finish_init(&m.t);
    EXPECT(W(Status, 0), R(Status), W(Status, 1), W(Status, 3), W(DeviceFeaturesSel, 0),
           R(DeviceFeatures), W(DeviceFeaturesSel, 1), R(DeviceFeatures), W(DriverFeaturesSel, 0),
           W(DriverFeatures, 1u << 28),
           /* only 32 feature bits and no FEATURES_OK in the legacy interface */
           W(QueueSel, 0), R(QueuePFN), W(QueueSel, 0), R(QueueNumMax), W(GuestPageSize, 4096),
           W(QueueSel, 0), W(QueueNum, 8), W(QueueAlign, 4096), W(QueuePFN, ANY), W(Status, 7));
    ck_assert_uint_eq(m.t.features, VIO_F_INDIRECT_DESC);
    ck_assert_uint_eq((uint64_t)rf.pfn << 12, q.ring_pa[0]);
    /* one contiguous ring area plus the indirect tables (their shadow is in q) */
    ck_assert_int_eq(fh.dma_live, 2);
}
END_TEST

START_TEST(v1_queue_beyond_32_bit_pfn_is_dma_error)
{
    rf.version = 1;
    fh.dma_base = 1ull << 45;
    probe_ok();
    ck_assert_int_eq(vio_transport_begin_init(&m.t, 0), 0);
    rf.n_log = 0;
    ck_assert_int_eq(vio_queue_init(&q, &m.t, 0, 8), VIO_ERR_DMA_ERROR);
    EXPECT(W(QueueSel, 0), R(QueuePFN), W(QueueSel, 0), R(QueueNumMax));
    ck_assert_uint_eq(rf.pfn, 0);
}
END_TEST

START_TEST(features_ok_refused_sets_failed)
{
    rf.refuse_features_ok = true;
    probe_ok();
    ck_assert_int_eq(vio_transport_begin_init(&m.t, VIO_F_VERSION_1), VIO_ERR_UNSUPPORTED);
    ck_assert_uint_eq(m.t.features, 0);
    /* the last two accesses: read the status, then add FAILED to the driver's bits */
    ck_assert_uint_ge(rf.n_log, 2);
    const struct access *last = &rf.log[rf.n_log - 1];
    ck_assert(last->op == 'W' && last->off == Status);
    ck_assert_uint_eq(last->val, VIO_STATUS_FAILED | VIO_STATUS_ACKNOWLEDGE | VIO_STATUS_DRIVER);
}
END_TEST

START_TEST(modern_device_without_version_1_is_refused)
{
    rf.features = 1;
    probe_ok();
    ck_assert_int_eq(vio_transport_begin_init(&m.t, VIO_F_VERSION_1 | 1), VIO_ERR_UNSUPPORTED);
    EXPECT(W(Status, 0), R(Status), W(Status, 1), W(Status, 3), W(DeviceFeaturesSel, 0),
           R(DeviceFeatures), W(DeviceFeaturesSel, 1), R(DeviceFeatures), R(Status),
           W(Status, 0x83));
}
END_TEST

START_TEST(reset_that_never_completes_is_not_ready)
{
    probe_ok();
    rf.status = VIO_STATUS_ACKNOWLEDGE;
    rf.reset_stuck = true;
    ck_assert_int_eq(vio_transport_begin_init(&m.t, VIO_F_VERSION_1), VIO_ERR_NOT_READY);
    ck_assert_uint_eq(fh.relax_calls, 20);
    ck_assert(m.t.broken);
    ck_assert_uint_eq(rf.log[rf.n_log - 1].val, VIO_STATUS_FAILED | VIO_STATUS_ACKNOWLEDGE);
}
END_TEST

START_TEST(queue_already_live_is_already_used)
{
    probe_ok();
    rf.ready = 1;
    ck_assert_int_eq(vio_queue_init(&q, &m.t, 0, 0), VIO_ERR_ALREADY_USED);
    EXPECT(W(QueueSel, 0), R(QueueReady));
}
END_TEST

/* ---- operation ---- */

START_TEST(v2_teardown_reads_ready_back)
{
    probe_ok();
    m.t.ops->queue_teardown(&m.t, 0);
    EXPECT(W(QueueSel, 0), W(QueueReady, 0), R(QueueReady));
    ck_assert(!m.t.broken);
    rf.ready_stuck = true;
    m.t.ops->queue_teardown(&m.t, 0);
    ck_assert(m.t.broken);
    ck_assert_uint_eq(fh.relax_calls, 20);
}
END_TEST

START_TEST(v1_teardown_clears_pfn)
{
    rf.version = 1;
    rf.pfn = 0x1234;
    probe_ok();
    m.t.ops->queue_teardown(&m.t, 0);
    EXPECT(W(QueueSel, 0), W(QueuePFN, 0));
    ck_assert_uint_eq(rf.pfn, 0);
}
END_TEST

START_TEST(interrupt_ack_masks_undefined_bits)
{
    probe_ok();
    rf.int_status = 0xff;
    ck_assert_uint_eq(m.t.ops->ack_interrupt(&m.t), 3);
    ck_assert_uint_eq(rf.int_ack, 3);
    rf.int_status = 0;
    rf.n_log = 0;
    ck_assert_uint_eq(m.t.ops->ack_interrupt(&m.t), 0);
    EXPECT(R(InterruptStatus));
}
END_TEST

START_TEST(notify_writes_queue_index)
{
    probe_ok();
    m.t.ops->notify(&m.t, 3);
    EXPECT(W(QueueNotify, 3));
}
END_TEST

/* ---- device configuration ---- */

START_TEST(v2_config_reads_use_field_widths)
{
    probe_ok();
    for (unsigned i = 0; i < sizeof rf.config; i++)
        rf.config[i] = (uint8_t)(0x10 + i);
    uint16_t v16;
    uint32_t v32;
    uint64_t v64;
    uint8_t bytes[3];
    ck_assert_int_eq(vio_config_read_u16(&m.t, 2, &v16), 0);
    ck_assert_uint_eq(v16, 0x1312);
    ck_assert_int_eq(vio_config_read_u32(&m.t, 4, &v32), 0);
    ck_assert_uint_eq(v32, 0x17161514);
    ck_assert_int_eq(vio_config_read_u64(&m.t, 8, &v64), 0);
    ck_assert_uint_eq(v64, 0x1f1e1d1c1b1a1918ull);
    ck_assert_int_eq(vio_config_read(&m.t, 17, bytes, 3), 0);
    ck_assert_uint_eq(bytes[2], 0x23);
    const struct access exp[] = {
        R(ConfigGeneration),      {'R', Config + 2, 2, 0},  R(ConfigGeneration),
        R(ConfigGeneration),      {'R', Config + 4, 4, 0},  R(ConfigGeneration),
        R(ConfigGeneration),      {'R', Config + 8, 4, 0},  {'R', Config + 12, 4, 0},
        R(ConfigGeneration),      R(ConfigGeneration),      {'R', Config + 17, 1, 0},
        {'R', Config + 18, 1, 0}, {'R', Config + 19, 1, 0}, R(ConfigGeneration),
    };
    expect_log(exp, sizeof exp / sizeof exp[0]);
    for (unsigned i = 0; i < rf.n_log; i++)
        ck_assert_uint_eq(rf.log[i].width, exp[i].width);
}
END_TEST

START_TEST(v2_config_read_retries_on_generation_change)
{
    probe_ok();
    rf.config[0] = 0x2a;
    rf.gen_bumps_left = 1;
    uint32_t v;
    ck_assert_int_eq(vio_config_read_u32(&m.t, 0, &v), 0);
    ck_assert_uint_eq(v, 0x2a);
    EXPECT(R(ConfigGeneration), R(Config), R(ConfigGeneration), R(ConfigGeneration), R(Config),
           R(ConfigGeneration));
}
END_TEST

START_TEST(v2_config_that_never_settles_is_not_ready)
{
    probe_ok();
    rf.gen_bumps_left = 1000;
    uint64_t v;
    ck_assert_int_eq(vio_config_read_u64(&m.t, 0, &v), VIO_ERR_NOT_READY);
    /* bounded: a handful of attempts of two 32-bit reads each */
    ck_assert_uint_le(rf.n_log, 4 * 16);
    ck_assert_uint_eq(rf.gen_bumps_left, 1000 - (rf.n_log / 4) * 2);
}
END_TEST

START_TEST(v1_config_is_byte_accessed_without_generation)
{
    rf.version = 1;
    probe_ok();
    rf.config[4] = 0x78;
    rf.config[5] = 0x56;
    uint16_t v;
    ck_assert_int_eq(vio_config_read_u16(&m.t, 4, &v), 0);
    ck_assert_uint_eq(v, 0x5678);
    /* Legacy Interface: Device Configuration Space: read twice and compare */
    const struct access exp[] = {{'R', Config + 4, 1, 0},
                                 {'R', Config + 5, 1, 0},
                                 {'R', Config + 4, 1, 0},
                                 {'R', Config + 5, 1, 0}};
    expect_log(exp, 4);
    for (unsigned i = 0; i < 4; i++)
        ck_assert_uint_eq(rf.log[i].width, 1);
}
END_TEST

START_TEST(v1_config_changing_between_reads_is_reread)
{
    rf.version = 1;
    probe_ok();
    rf.config[0] = 5;
    rf.cfg_bumps_left = 1;
    uint8_t v;
    ck_assert_int_eq(vio_config_read(&m.t, 0, &v, 1), 0);
    ck_assert_uint_eq(v, 6);
    ck_assert_uint_eq(rf.n_log, 4);
}
END_TEST

START_TEST(config_beyond_window_is_too_small)
{
    ck_assert_int_eq(vio_mmio_probe(&m, &fh.hal, BASE, Config + 8), 0);
    rf.n_log = 0;
    uint32_t v;
    uint64_t v64;
    ck_assert_int_eq(m.t.ops->config_size(&m.t), 8);
    ck_assert_int_eq(vio_config_read_u32(&m.t, 8, &v), VIO_ERR_CONFIG_SPACE_TOO_SMALL);
    ck_assert_int_eq(vio_config_read_u64(&m.t, 4, &v64), VIO_ERR_CONFIG_SPACE_TOO_SMALL);
    ck_assert_int_eq(m.t.ops->config_read(&m.t, 6, 4, &v), VIO_ERR_INVALID_PARAM);
    ck_assert_int_eq(m.t.ops->config_read(&m.t, 8, 1, &v), VIO_ERR_CONFIG_SPACE_TOO_SMALL);
    ck_assert_uint_eq(rf.n_log, 0);
    ck_assert_int_eq(vio_config_read_u32(&m.t, 4, &v), 0);
}
END_TEST

Suite *vio_test_suite(void)
{
    Suite *s = suite_create("mmio_probe");
    struct {
        const char *name;
        const TTest *tests[12];
    } groups[] = {
        {"probe",
         {probe_window_too_small_touches_nothing, probe_bad_magic_reads_only_magic,
          probe_bad_version_stops_before_device_id, probe_device_id_zero_accesses_nothing_more,
          probe_reads_identity_of_both_versions}},
        {"init",
         {v2_init_sequence_is_exact, v1_init_sequence_is_exact,
          v1_queue_beyond_32_bit_pfn_is_dma_error, features_ok_refused_sets_failed,
          modern_device_without_version_1_is_refused, reset_that_never_completes_is_not_ready,
          queue_already_live_is_already_used}},
        {"operation",
         {v2_teardown_reads_ready_back, v1_teardown_clears_pfn, interrupt_ack_masks_undefined_bits,
          notify_writes_queue_index}},
        {"config",
         {v2_config_reads_use_field_widths, v2_config_read_retries_on_generation_change,
          v2_config_that_never_settles_is_not_ready, v1_config_is_byte_accessed_without_generation,
          v1_config_changing_between_reads_is_reread, config_beyond_window_is_too_small}},
    };
    for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
        TCase *tc = tcase_create(groups[g].name);
        tcase_add_checked_fixture(tc, setup, teardown);
        for (size_t i = 0; i < 12 && groups[g].tests[i] != NULL; i++)
            tcase_add_test(tc, groups[g].tests[i]);
        suite_add_tcase(s, tc);
    }
    return s;
}
