/* The scripted unit-test transport; see fake_transport.h. */
#include "fake_transport.h"

#include <check.h>
#include <string.h>

#include "vio/err.h"
#include "vio/spec.h"

static struct fake_transport *ft_of(struct vio_transport *t)
{
    return (struct fake_transport *)t;
}

static uint8_t get_status(struct vio_transport *t)
{
    struct fake_transport *ft = ft_of(t);
    if (ft->refuse_features_ok)
        return ft->status & (uint8_t)~VIO_STATUS_FEATURES_OK;
    return ft->status;
}

static void set_status(struct vio_transport *t, uint8_t status)
{
    struct fake_transport *ft = ft_of(t);
    ck_assert_uint_lt(ft->n_status, FAKE_TRANSPORT_LOG);
    ft->status_log[ft->n_status++] = status;
    ft->status = status;
}

static int reset(struct vio_transport *t)
{
    set_status(t, 0);
    return ft_of(t)->reset_rc;
}

static uint64_t device_features(struct vio_transport *t)
{
    return ft_of(t)->offered;
}

static void set_driver_features(struct vio_transport *t, uint64_t features)
{
    ft_of(t)->driver_features = features;
    ft_of(t)->feature_writes++;
}

static uint32_t queue_max(struct vio_transport *t, uint16_t idx)
{
    (void)idx;
    return ft_of(t)->queue_max;
}

static bool queue_in_use(struct vio_transport *t, uint16_t idx)
{
    (void)idx;
    return ft_of(t)->queue_live;
}

static int queue_setup(struct vio_transport *t, uint16_t idx, uint16_t size, vio_paddr_t desc,
                       vio_paddr_t avail, vio_paddr_t used)
{
    struct fake_transport *ft = ft_of(t);
    ft->setup_calls++;
    ft->setup_idx = idx;
    ft->setup_size = size;
    ft->setup_desc = desc;
    ft->setup_avail = avail;
    ft->setup_used = used;
    return ft->setup_rc;
}

static void queue_teardown(struct vio_transport *t, uint16_t idx)
{
    (void)idx;
    ft_of(t)->teardown_calls++;
}

static void notify(struct vio_transport *t, uint16_t idx)
{
    struct fake_transport *ft = ft_of(t);
    ft->notifies++;
    ft->last_notify = idx;
    if (ft->on_notify != NULL)
        ft->on_notify(ft);
}

static uint32_t ack_interrupt(struct vio_transport *t)
{
    (void)t;
    return 0;
}

static uint32_t config_generation(struct vio_transport *t)
{
    ft_of(t)->generation_reads++;
    return ft_of(t)->generation;
}

static int config_read(struct vio_transport *t, uint32_t off, unsigned width, uint32_t *val)
{
    struct fake_transport *ft = ft_of(t);
    ck_assert(width == 1 || width == 2 || width == 4);
    /* config_size may claim more than the array: the array is what this transport knows */
    uint32_t size =
        ft->config_size < FAKE_TRANSPORT_CONFIG ? ft->config_size : FAKE_TRANSPORT_CONFIG;
    if (off > size || width > size - off)
        return VIO_ERR_CONFIG_SPACE_TOO_SMALL;
    ft->config_reads++;
    ft->widths[width]++;
    uint32_t v = 0;
    for (unsigned k = 0; k < width; k++)
        v |= (uint32_t)ft->config[off + k] << (8 * k);
    if (ft->config_flips_left > 0) {
        ft->config_flips_left--;
        if (ft->config_flips_left % 2 == 0)
            v = ~v;
    }
    if (ft->gen_bumps_left > 0) {
        ft->gen_bumps_left--;
        ft->generation++;
    }
    *val = width == 4 ? v : v & ((1u << (8 * width)) - 1);
    return 0;
}

static int config_write(struct vio_transport *t, uint32_t off, unsigned width, uint32_t val)
{
    struct fake_transport *ft = ft_of(t);
    if (off > FAKE_TRANSPORT_CONFIG || width > FAKE_TRANSPORT_CONFIG - off)
        return VIO_ERR_CONFIG_SPACE_TOO_SMALL;
    for (unsigned k = 0; k < width; k++)
        ft->config[off + k] = (uint8_t)(val >> (8 * k));
    return 0;
}

static uint32_t config_size(struct vio_transport *t)
{
    return ft_of(t)->config_size;
}

static const struct vio_transport_ops fake_ops = {
    .get_status = get_status,
    .set_status = set_status,
    .reset = reset,
    .device_features = device_features,
    .set_driver_features = set_driver_features,
    .queue_max = queue_max,
    .queue_in_use = queue_in_use,
    .queue_setup = queue_setup,
    .queue_teardown = queue_teardown,
    .notify = notify,
    .ack_interrupt = ack_interrupt,
    .config_generation = config_generation,
    .config_read = config_read,
    .config_write = config_write,
    .config_size = config_size,
};

void fake_transport_init(struct fake_transport *ft, struct fake_hal *fh)
{
    memset(ft, 0, sizeof *ft);
    ft->t.ops = &fake_ops;
    ft->t.hal = &fh->hal;
    ft->t.device_id = VIO_ID_BLOCK;
    ft->offered = VIO_F_VERSION_1;
    ft->queue_max = 8;
    ft->config_size = FAKE_TRANSPORT_CONFIG;
}
