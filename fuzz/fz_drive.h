/*
 * Operation scripts: the driver of a probed transport's device type (blk,
 * net or GPU) is initialized, then runs the calls an op stream picks, then
 * is deinitialized; afterwards every DMA page, share and caller buffer must
 * be back. Results are not judged (the device may be hostile); what the
 * driver hands back is: a completed request or buffer must be one the
 * caller gave it and that was still outstanding.
 */
#ifndef FZ_DRIVE_H
#define FZ_DRIVE_H

#include <stdint.h>

#include "fz_dev.h"
#include "fz_format.h"
#include "fz_hal.h"
#include "fz_input.h"
#include "vio/transport.h"

/*
 * Drives the device behind @t (type t->device_id; others are only reset)
 * with queues of @queue_size, over the op stream @ops; @d is the fake
 * device (stepped by the STEP ops). Aborts on a leak or a bad hand-back.
 */
void fz_drive(struct fz_hal *h, struct fz_dev *d, struct vio_transport *t, struct fz_in *ops,
              uint16_t queue_size);

/* Per device type (fz_drive_*.c); each returns after deinit. */
void fz_drive_blk(struct fz_dev *d, struct vio_transport *t, struct fz_in *ops, uint16_t qsize);
void fz_drive_net(struct fz_dev *d, struct vio_transport *t, struct fz_in *ops, uint16_t qsize);
void fz_drive_gpu(struct fz_dev *d, struct vio_transport *t, struct fz_in *ops, uint16_t qsize);

#endif
