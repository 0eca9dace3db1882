/*
 * The virtio-mmio transport (Virtio Over MMIO): the Version 2 register file
 * and the Version 1 one of its Legacy interface section.
 */
#include "vio/err.h"
#include "vio/mmio.h"
#include "vio/spec.h"

#include "vio_internal.h"

/* MMIO Device Register Layout; GuestPageSize, QueueAlign and QueuePFN are Version 1 only. */
enum {
    MMIO_MagicValue = 0x000,
    MMIO_Version = 0x004,
    MMIO_DeviceID = 0x008,
    MMIO_VendorID = 0x00c,
    MMIO_DeviceFeatures = 0x010,
    MMIO_DeviceFeaturesSel = 0x014,
    MMIO_DriverFeatures = 0x020,
    MMIO_DriverFeaturesSel = 0x024,
    MMIO_GuestPageSize = 0x028,
    MMIO_QueueSel = 0x030,
    MMIO_QueueNumMax = 0x034,
    MMIO_QueueNum = 0x038,
    MMIO_QueueAlign = 0x03c,
    MMIO_QueuePFN = 0x040,
    MMIO_QueueReady = 0x044,
    MMIO_QueueNotify = 0x050,
    MMIO_InterruptStatus = 0x060,
    MMIO_InterruptACK = 0x064,
    MMIO_Status = 0x070,
    MMIO_QueueDescLow = 0x080,
    MMIO_QueueDescHigh = 0x084,
    MMIO_QueueDriverLow = 0x090,
    MMIO_QueueDriverHigh = 0x094,
    MMIO_QueueDeviceLow = 0x0a0,
    MMIO_QueueDeviceHigh = 0x0a4,
    MMIO_ConfigGeneration = 0x0fc,
    MMIO_Config = 0x100,
};

#define MMIO_MAGIC 0x74726976u /* "virt" */
/* InterruptStatus: Used Buffer Notification and Configuration Change Notification */
#define MMIO_INT_DEFINED_BITS 0x3u
/* The legacy page size the driver announces, also the QueueAlign of the used ring. */
#define MMIO_LEGACY_PAGE 4096u

static struct vio_mmio *to_mmio(struct vio_transport *t)
{
    return (struct vio_mmio *)t;
}

/* MMIO Device Register Layout: control registers take 32-bit aligned accesses only. */
static uint32_t rd(const struct vio_mmio *m, uint32_t reg)
{
    return m->t.hal->read32(m->t.hal->ctx, m->base + reg);
}

static void wr(const struct vio_mmio *m, uint32_t reg, uint32_t val)
{
    m->t.hal->write32(m->t.hal->ctx, m->base + reg, val);
}

/* Waits, bounded by the HAL's spin limit, until @reg reads 0. */
static bool wait_reg_zero(const struct vio_mmio *m, uint32_t reg)
{
    const struct vio_hal *hal = m->t.hal;
    uint32_t limit = vio_hal_spin_limit(hal);
    for (uint32_t n = 0;; n++) {
        if (rd(m, reg) == 0)
            return true;
        if (n == limit)
            return false;
        hal->relax(hal->ctx);
    }
}

static uint8_t mmio_get_status(struct vio_transport *t)
{
    return (uint8_t)rd(to_mmio(t), MMIO_Status);
}

static void mmio_set_status(struct vio_transport *t, uint8_t status)
{
    wr(to_mmio(t), MMIO_Status, status);
}

static int mmio_reset(struct vio_transport *t)
{
    struct vio_mmio *m = to_mmio(t);
    /* writing 0 to Status resets; Device Reset: done once it reads back 0 */
    wr(m, MMIO_Status, 0);
    if (!wait_reg_zero(m, MMIO_Status)) {
        t->broken = true;
        return VIO_ERR_NOT_READY;
    }
    return 0;
}

static uint64_t mmio_device_features(struct vio_transport *t)
{
    struct vio_mmio *m = to_mmio(t);
    /* Version 1 (HostFeaturesSel) selects words the same way */
    wr(m, MMIO_DeviceFeaturesSel, 0);
    uint64_t lo = rd(m, MMIO_DeviceFeatures);
    wr(m, MMIO_DeviceFeaturesSel, 1);
    uint64_t hi = rd(m, MMIO_DeviceFeatures);
    return hi << 32 | lo;
}

static void mmio_set_driver_features(struct vio_transport *t, uint64_t features)
{
    struct vio_mmio *m = to_mmio(t);
    wr(m, MMIO_DriverFeaturesSel, 0);
    wr(m, MMIO_DriverFeatures, (uint32_t)features);
    /* Legacy Interface: only the low 32 feature bits exist (VERSION_1 is never negotiated). */
    if (t->legacy)
        return;
    wr(m, MMIO_DriverFeaturesSel, 1);
    wr(m, MMIO_DriverFeatures, (uint32_t)(features >> 32));
}

static uint32_t mmio_queue_max(struct vio_transport *t, uint16_t idx)
{
    struct vio_mmio *m = to_mmio(t);
    wr(m, MMIO_QueueSel, idx);
    return rd(m, MMIO_QueueNumMax);
}

static bool mmio_queue_in_use(struct vio_transport *t, uint16_t idx)
{
    struct vio_mmio *m = to_mmio(t);
    wr(m, MMIO_QueueSel, idx);
    /* Virtqueue Configuration: QueueReady, or QueuePFN in the Legacy interface */
    return rd(m, t->legacy ? MMIO_QueuePFN : MMIO_QueueReady) != 0;
}

static int mmio_queue_setup_legacy(struct vio_mmio *m, uint16_t idx, uint16_t size,
                                   vio_paddr_t desc, vio_paddr_t avail, vio_paddr_t used)
{
    /*
     * Legacy Interfaces: A Note on Virtqueue Layout: one contiguous area
     * whose first page number is all the device gets.
     */
    size_t avail_end = 16u * size + 6u + 2u * size;
    if (avail != desc + 16u * size || used != desc + vio__align_up(avail_end, MMIO_LEGACY_PAGE))
        return VIO_ERR_INVALID_PARAM;
    uint64_t pfn = desc / MMIO_LEGACY_PAGE;
    if (desc % MMIO_LEGACY_PAGE != 0 || pfn == 0 || pfn > UINT32_MAX)
        return VIO_ERR_DMA_ERROR;

    wr(m, MMIO_GuestPageSize, MMIO_LEGACY_PAGE);
    wr(m, MMIO_QueueSel, idx);
    wr(m, MMIO_QueueNum, size);
    wr(m, MMIO_QueueAlign, MMIO_LEGACY_PAGE);
    wr(m, MMIO_QueuePFN, (uint32_t)pfn);
    return 0;
}

static int mmio_queue_setup(struct vio_transport *t, uint16_t idx, uint16_t size, vio_paddr_t desc,
                            vio_paddr_t avail, vio_paddr_t used)
{
    struct vio_mmio *m = to_mmio(t);
    if (t->legacy)
        return mmio_queue_setup_legacy(m, idx, size, desc, avail, used);

    /* MMIO-specific Initialization And Device Operation: Virtqueue Configuration */
    wr(m, MMIO_QueueSel, idx);
    wr(m, MMIO_QueueNum, size);
    wr(m, MMIO_QueueDescLow, (uint32_t)desc);
    wr(m, MMIO_QueueDescHigh, (uint32_t)(desc >> 32));
    wr(m, MMIO_QueueDriverLow, (uint32_t)avail);
    wr(m, MMIO_QueueDriverHigh, (uint32_t)(avail >> 32));
    wr(m, MMIO_QueueDeviceLow, (uint32_t)used);
    wr(m, MMIO_QueueDeviceHigh, (uint32_t)(used >> 32));
    wr(m, MMIO_QueueReady, 1);
    return 0;
}

static void mmio_queue_teardown(struct vio_transport *t, uint16_t idx)
{
    struct vio_mmio *m = to_mmio(t);
    wr(m, MMIO_QueueSel, idx);
    if (t->legacy) {
        wr(m, MMIO_QueuePFN, 0);
        return;
    }
    /* MMIO Device Register Layout: write 0 to QueueReady and read it back */
    wr(m, MMIO_QueueReady, 0);
    if (!wait_reg_zero(m, MMIO_QueueReady))
        t->broken = true;
}

static void mmio_notify(struct vio_transport *t, uint16_t idx)
{
    wr(to_mmio(t), MMIO_QueueNotify, idx);
}

static uint32_t mmio_ack_interrupt(struct vio_transport *t)
{
    struct vio_mmio *m = to_mmio(t);
    /* ignore undefined InterruptStatus bits and never acknowledge them */
    uint32_t status = rd(m, MMIO_InterruptStatus) & MMIO_INT_DEFINED_BITS;
    if (status != 0)
        wr(m, MMIO_InterruptACK, status);
    return status;
}

static uint32_t mmio_config_generation(struct vio_transport *t)
{
    /* Version 1 has no ConfigGeneration register, and the driver must not touch it */
    if (t->legacy)
        return 0;
    return rd(to_mmio(t), MMIO_ConfigGeneration);
}

static uint32_t mmio_config_size(struct vio_transport *t)
{
    struct vio_mmio *m = to_mmio(t);
    size_t size = m->size - MMIO_Config;
    return size > UINT32_MAX ? UINT32_MAX : (uint32_t)size;
}

/* The address of @width bytes at @off of the device config, or 0 when they are outside it. */
static uintptr_t config_addr(struct vio_transport *t, uint32_t off, unsigned width, int *err)
{
    *err = 0;
    if ((width != 1 && width != 2 && width != 4) || off % width != 0) {
        *err = VIO_ERR_INVALID_PARAM;
        return 0;
    }
    uint32_t size = mmio_config_size(t);
    if (off > size || width > size - off) {
        *err = VIO_ERR_CONFIG_SPACE_TOO_SMALL;
        return 0;
    }
    return to_mmio(t)->base + MMIO_Config + off;
}

static int mmio_config_read(struct vio_transport *t, uint32_t off, unsigned width, uint32_t *val)
{
    const struct vio_hal *hal = t->hal;
    int err;
    uintptr_t addr = config_addr(t, off, width, &err);
    if (err < 0)
        return err;
    if (t->legacy) {
        /* the Version 1 config is a byte array (Config: accessed with byte alignment) */
        uint32_t v = 0;
        for (unsigned k = 0; k < width; k++)
            v |= (uint32_t)hal->read8(hal->ctx, addr + k) << (8 * k);
        *val = v;
        return 0;
    }
    /* MMIO Device Register Layout: config accesses as wide as the field */
    if (width == 1)
        *val = hal->read8(hal->ctx, addr);
    else if (width == 2)
        *val = hal->read16(hal->ctx, addr);
    else
        *val = hal->read32(hal->ctx, addr);
    return 0;
}

static int mmio_config_write(struct vio_transport *t, uint32_t off, unsigned width, uint32_t val)
{
    const struct vio_hal *hal = t->hal;
    int err;
    uintptr_t addr = config_addr(t, off, width, &err);
    if (err < 0)
        return err;
    if (t->legacy) {
        for (unsigned k = 0; k < width; k++)
            hal->write8(hal->ctx, addr + k, (uint8_t)(val >> (8 * k)));
        return 0;
    }
    if (width == 1)
        hal->write8(hal->ctx, addr, (uint8_t)val);
    else if (width == 2)
        hal->write16(hal->ctx, addr, (uint16_t)val);
    else
        hal->write32(hal->ctx, addr, val);
    return 0;
}

static const struct vio_transport_ops vio_mmio_ops = {
    .get_status = mmio_get_status,
    .set_status = mmio_set_status,
    .reset = mmio_reset,
    .device_features = mmio_device_features,
    .set_driver_features = mmio_set_driver_features,
    .queue_max = mmio_queue_max,
    .queue_in_use = mmio_queue_in_use,
    .queue_setup = mmio_queue_setup,
    .queue_teardown = mmio_queue_teardown,
    .notify = mmio_notify,
    .ack_interrupt = mmio_ack_interrupt,
    .config_generation = mmio_config_generation,
    .config_read = mmio_config_read,
    .config_write = mmio_config_write,
    .config_size = mmio_config_size,
};

static int probe_refuse(struct vio_mmio *m, enum vio_mmio_why why, int err)
{
    m->why = why;
    return err;
}

int vio_mmio_probe(struct vio_mmio *m, const struct vio_hal *hal, vio_paddr_t paddr, size_t size)
{
    vio__zero(m, sizeof *m);
    m->t.ops = &vio_mmio_ops;
    m->t.hal = hal;
    m->size = size;
    /* the control registers fill the first 0x100 bytes, the device config follows */
    if (size < MMIO_Config)
        return probe_refuse(m, VIO_MMIO_TOO_SMALL, VIO_ERR_INVALID_PARAM);
    m->base = hal->phys_to_virt(hal->ctx, paddr, size);

    /* MMIO-specific Initialization: MagicValue, then Version, then DeviceID */
    if (rd(m, MMIO_MagicValue) != MMIO_MAGIC)
        return probe_refuse(m, VIO_MMIO_BAD_MAGIC, VIO_ERR_UNSUPPORTED);
    m->version = rd(m, MMIO_Version);
    if (m->version != 1 && m->version != 2)
        return probe_refuse(m, VIO_MMIO_BAD_VERSION, VIO_ERR_UNSUPPORTED);
    /* DeviceID 0 is a placeholder: abort without touching any other register */
    m->t.device_id = rd(m, MMIO_DeviceID);
    if (m->t.device_id == VIO_ID_INVALID)
        return probe_refuse(m, VIO_MMIO_NO_DEVICE, VIO_ERR_NOT_READY);
    m->vendor_id = rd(m, MMIO_VendorID);
    m->t.legacy = m->version == 1;
    return 0;
}

const char *vio_mmio_why_str(enum vio_mmio_why why)
{
    switch (why) {
    case VIO_MMIO_OK:
        return "ok";
    case VIO_MMIO_TOO_SMALL:
        return "window too small for the register file";
    case VIO_MMIO_BAD_MAGIC:
        return "MagicValue is not \"virt\"";
    case VIO_MMIO_BAD_VERSION:
        return "Version is neither 1 nor 2";
    case VIO_MMIO_NO_DEVICE:
        return "DeviceID 0: empty slot";
    }
    return "unknown";
}
