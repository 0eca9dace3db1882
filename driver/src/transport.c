/*
 * The transport-independent part of device setup: the Device Initialization
 * sequence, the Device Status Field, and generation-checked reads of the
 * Device Configuration Space.
 */
#include "vio/err.h"
#include "vio/spec.h"
#include "vio/transport.h"

/* Status bits the driver itself sets; FAILED is added on top, never device-owned bits. */
#define VIO__DRIVER_STATUS_BITS                                                                    \
    (VIO_STATUS_ACKNOWLEDGE | VIO_STATUS_DRIVER | VIO_STATUS_FEATURES_OK | VIO_STATUS_DRIVER_OK)

/* How often a config read is retried while the device keeps changing it. */
#define VIO__CONFIG_ATTEMPTS 8u

int vio_transport_begin_init(struct vio_transport *t, uint64_t supported)
{
    t->features = 0;

    /* Device Initialization: 1. reset */
    int rc = t->ops->reset(t);
    if (rc < 0) {
        vio_transport_fail(t);
        return rc;
    }
    /* 2. ACKNOWLEDGE, 3. DRIVER; Device Status Field: never clear a bit already set */
    uint8_t status = VIO_STATUS_ACKNOWLEDGE;
    t->ops->set_status(t, status);
    status |= VIO_STATUS_DRIVER;
    t->ops->set_status(t, status);

    /* 4. read the offered features, write the subset the driver understands */
    uint64_t offered = t->ops->device_features(t);
    uint64_t features = offered & supported;
    if (t->legacy) {
        /* Legacy Interface: A Note on Feature Bits: a legacy driver never acknowledges it */
        features &= ~VIO_F_VERSION_1;
    } else {
        /* without VERSION_1 the device only speaks the legacy interface */
        if ((offered & VIO_F_VERSION_1) == 0) {
            vio_transport_fail(t);
            return VIO_ERR_UNSUPPORTED;
        }
        features |= VIO_F_VERSION_1;
    }
    t->ops->set_driver_features(t, features);

    /*
     * 5. FEATURES_OK, 6. re-read it: the device may refuse the subset.
     * Legacy Interface: Device Initialization omits both steps.
     */
    if (!t->legacy) {
        status |= VIO_STATUS_FEATURES_OK;
        t->ops->set_status(t, status);
        if ((t->ops->get_status(t) & VIO_STATUS_FEATURES_OK) == 0) {
            vio_transport_fail(t);
            return VIO_ERR_UNSUPPORTED;
        }
    }
    t->features = features;
    return 0;
}

void vio_transport_finish_init(struct vio_transport *t)
{
    uint8_t status = VIO_STATUS_ACKNOWLEDGE | VIO_STATUS_DRIVER | VIO_STATUS_DRIVER_OK;
    if (!t->legacy)
        status |= VIO_STATUS_FEATURES_OK;
    /* Device Initialization: 8. DRIVER_OK, the device is live */
    t->ops->set_status(t, status);
}

void vio_transport_fail(struct vio_transport *t)
{
    /* keep the driver's progress bits (no bit may be cleared) but no device-owned ones */
    uint8_t status = t->ops->get_status(t) & VIO__DRIVER_STATUS_BITS;
    t->ops->set_status(t, status | VIO_STATUS_FAILED);
}

int vio_transport_shutdown(struct vio_transport *t)
{
    return t->ops->reset(t);
}

/*
 * One pass over @len bytes at @off in @width-byte accesses, stored
 * little-endian in @out. With @changed, also reports whether any byte
 * differs from what @out held before.
 */
static int config_pass(struct vio_transport *t, uint32_t off, unsigned width, uint8_t *out,
                       size_t len, bool *changed)
{
    for (size_t i = 0; i < len; i += width) {
        uint32_t v = 0;
        int rc = t->ops->config_read(t, off + (uint32_t)i, width, &v);
        if (rc < 0)
            return rc;
        for (unsigned k = 0; k < width; k++) {
            uint8_t byte = (uint8_t)(v >> (8 * k));
            if (changed != NULL && out[i + k] != byte)
                *changed = true;
            out[i + k] = byte;
        }
    }
    return 0;
}

/*
 * Reads @len bytes (a multiple of @width) at @off so that they all come from
 * one version of the configuration: Device Configuration Space asks for the
 * generation to be equal before and after. Legacy devices have no generation
 * (Legacy Interface: Device Configuration Space), so there two passes must
 * agree instead.
 */
static int config_read_units(struct vio_transport *t, uint32_t off, unsigned width, uint8_t *out,
                             size_t len)
{
    uint32_t size = t->ops->config_size(t);
    if (size == 0)
        return VIO_ERR_CONFIG_SPACE_MISSING;
    if (off > size || len > size - off)
        return VIO_ERR_CONFIG_SPACE_TOO_SMALL;
    if (off % width != 0)
        return VIO_ERR_INVALID_PARAM;

    for (unsigned attempt = 0; attempt < VIO__CONFIG_ATTEMPTS; attempt++) {
        bool changed = false;
        uint32_t before = t->ops->config_generation(t);
        int rc = config_pass(t, off, width, out, len, NULL);
        if (rc == 0 && t->legacy)
            rc = config_pass(t, off, width, out, len, &changed);
        if (rc < 0)
            return rc;
        uint32_t after = t->ops->config_generation(t);
        if (before == after && !changed)
            return 0;
    }
    return VIO_ERR_NOT_READY;
}

int vio_config_read(struct vio_transport *t, uint32_t off, void *buf, size_t len)
{
    /* byte arrays (u8 fields) take 8-bit accesses */
    return config_read_units(t, off, 1, buf, len);
}

int vio_config_read_u16(struct vio_transport *t, uint32_t off, uint16_t *val)
{
    uint8_t b[2];
    int rc = config_read_units(t, off, 2, b, sizeof b);
    if (rc == 0)
        *val = (uint16_t)(b[0] | (b[1] << 8));
    return rc;
}

int vio_config_read_u32(struct vio_transport *t, uint32_t off, uint32_t *val)
{
    uint8_t b[4];
    int rc = config_read_units(t, off, 4, b, sizeof b);
    if (rc == 0)
        *val = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
    return rc;
}

int vio_config_read_u64(struct vio_transport *t, uint32_t off, uint64_t *val)
{
    /* 64-bit fields are two 32-bit accesses (MMIO Device Register Layout), in one generation */
    uint8_t b[8];
    int rc = config_read_units(t, off, 4, b, sizeof b);
    if (rc == 0) {
        uint64_t v = 0;
        for (unsigned k = 0; k < 8; k++)
            v |= (uint64_t)b[k] << (8 * k);
        *val = v;
    }
    return rc;
}
