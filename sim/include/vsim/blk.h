/*
 * The simulated block device (Block Device): a RAM disk or a raw image file
 * (pread/pwrite, FLUSH = fsync) behind the device model interface.
 */
#ifndef VSIM_BLK_H
#define VSIM_BLK_H

#include <stdbool.h>
#include <stdint.h>

#include "vsim/device.h"
#include "vsim/machine.h"

#define VSIM_BLK_SECTOR 512u
#define VSIM_BLK_ID_BYTES 20u

/* Feature bits */
#define VSIM_BLK_F_SIZE_MAX 1
#define VSIM_BLK_F_SEG_MAX 2
#define VSIM_BLK_F_GEOMETRY 4
#define VSIM_BLK_F_RO 5
#define VSIM_BLK_F_BLK_SIZE 6
#define VSIM_BLK_F_FLUSH 9
#define VSIM_BLK_F_TOPOLOGY 10
#define VSIM_BLK_F_CONFIG_WCE 11
#define VSIM_BLK_F_MQ 12

/* Request types and status values */
#define VSIM_BLK_T_IN 0u
#define VSIM_BLK_T_OUT 1u
#define VSIM_BLK_T_FLUSH 4u
#define VSIM_BLK_T_FLUSH_OUT 5u /* legacy synonym of T_FLUSH */
#define VSIM_BLK_T_GET_ID 8u
#define VSIM_BLK_S_OK 0u
#define VSIM_BLK_S_IOERR 1u
#define VSIM_BLK_S_UNSUPP 2u
#define VSIM_BLK_REQ_HEADER 16u /* le32 type, le32 reserved, le64 sector */

/* Device configuration layout (offsets in struct virtio_blk_config) */
#define VSIM_BLK_CFG_CAPACITY 0u
#define VSIM_BLK_CFG_SIZE_MAX 8u
#define VSIM_BLK_CFG_SEG_MAX 12u
#define VSIM_BLK_CFG_GEOMETRY 16u
#define VSIM_BLK_CFG_BLK_SIZE 20u
#define VSIM_BLK_CFG_TOPOLOGY 24u
#define VSIM_BLK_CFG_WRITEBACK 32u
#define VSIM_BLK_CFG_NUM_QUEUES 34u
#define VSIM_BLK_CFG_SIZE 36u /* the fields up to num_queues, as QEMU without discard */

struct vsim_blk_opts {
    uint64_t capacity;     /* RAM disk size in sectors; 0: 2048 (ignored with @image) */
    uint8_t *ram;          /* the RAM disk's bytes (@capacity sectors, required) are the caller's:
                              served as they are, never freed; NULL: allocated, zeroed */
    const char *image;     /* raw image file: its size sets the capacity */
    bool read_only;        /* offer VIRTIO_BLK_F_RO; writes fail with IOERR */
    bool config_wce;       /* offer VIRTIO_BLK_F_CONFIG_WCE: writeback reads 1, takes 0 or 1 */
    const char *serial;    /* the GET_ID string (up to 20 bytes); NULL: "vsim-blk" */
    uint16_t queue_max;    /* QueueNumMax; 0: 256 */
    uint32_t blk_size;     /* blk_size field; 0: 512 */
    uint64_t features_off; /* offered bits to withhold, e.g. VSIM_BIT(VSIM_F_EVENT_IDX) */
};

struct vsim_blk_stats {
    uint64_t reads, writes, flushes, get_ids, unsupported, errors;
    uint64_t fsyncs; /* successful fsync() calls of the image backend */
    uint64_t bytes_read, bytes_written;
};

struct vsim_blk;

/* A block device not yet attached to a transport; NULL on error (vsim_machine_last_error). */
struct vsim_blk *vsim_blk_new(struct vsim_machine *m, const struct vsim_blk_opts *opts);
/* vsim_blk_new + vsim_mmio_attach to @slot with register layout @mmio_version (1 or 2). */
struct vsim_blk *vsim_blk_attach(struct vsim_machine *m, unsigned slot, unsigned mmio_version,
                                 const struct vsim_blk_opts *opts);
struct vsim_device *vsim_blk_device(struct vsim_blk *b);

uint64_t vsim_blk_capacity(const struct vsim_blk *b);
/* The RAM disk's bytes (capacity * 512), NULL with an image backend. */
uint8_t *vsim_blk_ram(struct vsim_blk *b);
const struct vsim_blk_stats *vsim_blk_stats(const struct vsim_blk *b);
/*
 * RAM disk only: resize (new sectors read 0) and send a configuration change.
 * The disk moves to memory of its own; a caller's buffer keeps the old bytes.
 */
int vsim_blk_set_capacity(struct vsim_blk *b, uint64_t sectors);

#endif
