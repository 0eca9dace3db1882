/* The block device driver (Device Types / Block Device). */
#ifndef VIO_BLK_H
#define VIO_BLK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vio/queue.h"
#include "vio/spec.h"
#include "vio/transport.h"

#define VIO_BLK_SECTOR_SIZE 512u
#define VIO_BLK_ID_BYTES 20u
/* The largest data buffer of one read or write request. */
#define VIO_BLK_MAX_TRANSFER (1u << 20)

#define VIO_BLK_F_SIZE_MAX (1ull << 1)
#define VIO_BLK_F_SEG_MAX (1ull << 2)
#define VIO_BLK_F_GEOMETRY (1ull << 4)
#define VIO_BLK_F_RO (1ull << 5)
#define VIO_BLK_F_BLK_SIZE (1ull << 6)
#define VIO_BLK_F_FLUSH (1ull << 9)
#define VIO_BLK_F_TOPOLOGY (1ull << 10)
#define VIO_BLK_F_CONFIG_WCE (1ull << 11)
#define VIO_BLK_F_MQ (1ull << 12)
#define VIO_BLK_F_DISCARD (1ull << 13)
#define VIO_BLK_F_WRITE_ZEROES (1ull << 14)

#define VIO_BLK_T_IN 0u
#define VIO_BLK_T_OUT 1u
#define VIO_BLK_T_FLUSH 4u
#define VIO_BLK_T_GET_ID 8u

#define VIO_BLK_S_OK 0u
#define VIO_BLK_S_IOERR 1u
#define VIO_BLK_S_UNSUPP 2u

/* Feature bits this driver implements; only these are ever negotiated. */
#define VIO_BLK_SUPPORTED_FEATURES                                                           \
    (VIO_BLK_F_RO | VIO_BLK_F_BLK_SIZE | VIO_BLK_F_FLUSH | VIO_F_VERSION_1 | VIO_F_EVENT_IDX | \
     VIO_F_INDIRECT_DESC)

/* One request in flight: caller-owned storage, kept alive until it completes. */
struct vio_blk_req {
    struct {
        uint32_t type;
        uint32_t reserved;
        uint64_t sector;
    } hdr;
    uint8_t status;
    uint32_t type; /* hdr.type, kept where the device cannot write it */
    void *buf;
    uint32_t len;
    int token;
    int result; /* set on completion: 0 or a negative vio_err */
};

struct vio_blk {
    struct vio_transport *t;
    struct vio_queue q;
    uint64_t capacity; /* in 512-byte sectors */
    uint32_t blk_size; /* logical block size: 512, or BLK_SIZE when negotiated */
    bool readonly;
    bool has_flush;
};

/*
 * vio_blk_init - completes Device Initialization of a probed block device
 * with a queue of @queue_size (0: as large as allowed). Returns 0 or a
 * negative vio_err; on failure the device is left FAILED and nothing leaks.
 * InvalidParam when @t is not a block device; IoError when BLK_SIZE was
 * negotiated but blk_size is not a power of two in [512, 64 KiB] (the
 * device is refused rather than guessed at).
 */
int vio_blk_init(struct vio_blk *b, struct vio_transport *t, uint16_t queue_size);
/* Resets the device and frees the queue. */
void vio_blk_deinit(struct vio_blk *b);

/*
 * Blocking I/O. @sector is in 512-byte units and aligned to blk_size; @len
 * must be a non-zero multiple of blk_size, at most VIO_BLK_MAX_TRANSFER, and
 * the range must lie within the capacity (InvalidParam). Writes to a
 * read-only device are Unsupported. AlreadyUsed while non-blocking requests
 * are in flight (their completions would block the ring). Device status
 * IOERR (or an undefined one) is IoError, UNSUPP is Unsupported; a modern
 * device's used len must cover the status byte, and for reads and GET_ID the
 * whole data too (IoError otherwise). If the wait fails (timeout or a ring
 * violation) the device is reset and the request taken back before return.
 */
int vio_blk_read(struct vio_blk *b, uint64_t sector, void *buf, size_t len);
int vio_blk_write(struct vio_blk *b, uint64_t sector, const void *buf, size_t len);
/* Sends VIRTIO_BLK_T_FLUSH when FLUSH was negotiated; otherwise there is no cache to flush. */
int vio_blk_flush(struct vio_blk *b);
/* The device's serial: up to 20 bytes, NUL-padded; @id gets a terminating NUL (21 bytes). */
int vio_blk_get_id(struct vio_blk *b, char id[VIO_BLK_ID_BYTES + 1]);

/*
 * Non-blocking I/O: submit queues @req (type VIO_BLK_T_*) without notifying;
 * vio_blk_kick notifies once for everything submitted. Returns the token or
 * a negative vio_err (the same checks as the blocking calls; FLUSH without
 * the FLUSH feature and unknown types are Unsupported). vio_blk_poll returns
 * 1 with the completed request in *done (its ->result set), 0 when none is
 * ready, or a negative vio_err. After an error the queue is broken: requests
 * still in flight stay shared until vio_blk_deinit, so their storage must
 * live until then.
 */
int vio_blk_submit(struct vio_blk *b, struct vio_blk_req *req, uint32_t type, uint64_t sector,
                   void *buf, size_t len);
void vio_blk_kick(struct vio_blk *b);
int vio_blk_poll(struct vio_blk *b, struct vio_blk_req **done);

#endif
