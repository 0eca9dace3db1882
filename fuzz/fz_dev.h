/*
 * The fuzz targets' fake virtio device: the transport-independent state
 * (status, features, configuration, queues) behind the MMIO and PCI register
 * front ends, a device-side split ring, and tiny blk, net and GPU models.
 *
 * The device's truth is its model; the input only changes what the driver
 * sees. Register reads can deviate (fz_dev_reg), and with FZ_USED or FZ_RESP
 * the completions (used ids, lens, indices, timing) or the response bytes
 * come from the device stream. Once a stream runs dry the device behaves, so
 * every wait of the driver ends.
 *
 * The device also checks the driver: rings, chains and buffers must lie in
 * memory the driver allocated or shared for the right direction, and chains
 * must be well formed. A violation aborts (fz_fail): it is a driver bug.
 */
#ifndef FZ_DEV_H
#define FZ_DEV_H

#include <stdbool.h>
#include <stdint.h>

#include "fz_hal.h"
#include "fz_input.h"

#define FZ_QUEUES 4u
#define FZ_QUEUE_MAX 256u /* the driver never builds larger rings (VIO_QUEUE_MAX_SIZE) */
#define FZ_CHAIN_MAX 16u  /* the driver never builds longer chains (VIO_QUEUE_MAX_SG) */
#define FZ_CONFIG_MAX 256u

/* Which device behaviour the device stream drives. */
#define FZ_USED 1u /* used ring: ids, lens, indices, order, timing */
#define FZ_RESP 2u /* response bytes: blk status, net headers and lengths, GPU responses */

/* Device ids (Device Types) and feature bits (Reserved Feature Bits), the harness's own copy. */
#define FZ_ID_NET 1u
#define FZ_ID_BLOCK 2u
#define FZ_ID_GPU 16u
#define FZ_F_INDIRECT_DESC (1ull << 28)
#define FZ_F_EVENT_IDX (1ull << 29)
#define FZ_F_VERSION_1 (1ull << 32)

struct fz_seg {
    uint8_t *p;
    uint32_t len;
    bool write;
};

struct fz_chain {
    uint16_t head;
    unsigned nseg;
    unsigned nread; /* readable segments come first */
    uint64_t read_len;
    uint64_t write_len;
    struct fz_seg seg[FZ_CHAIN_MAX];
};

struct fz_vq {
    uint16_t num; /* size the driver set */
    bool ready;
    uint64_t desc, avail, used;
    uint16_t last_avail; /* next available entry to take */
    uint16_t used_idx;   /* the device's used idx */
    uint16_t held[FZ_QUEUE_MAX];
    unsigned nheld; /* chains taken, not completed yet */
};

struct fz_dev {
    struct fz_hal *hal;
    struct fz_in *regs; /* register read deviations, or NULL */
    struct fz_in *dev;  /* device behaviour (with FZ_USED / FZ_RESP) */
    unsigned mode;
    bool legacy;
    uint32_t device_id;
    uint64_t offered;
    uint64_t accepted;
    uint8_t status;
    uint8_t generation;
    uint32_t isr;
    uint16_t num_queues;
    uint16_t queue_max;
    uint32_t config_len;
    uint8_t config[FZ_CONFIG_MAX];
    struct fz_vq vq[FZ_QUEUES];
    /*
     * The device lied about a completion (a wrong id, a duplicate), or took
     * an access to overlapping PCI structures: the driver may have taken
     * back buffers the device still holds, so from now until reset a chain
     * whose memory is gone is dropped, not a bug.
     */
    bool lied;
    /*
     * Where the script's own request bytes live (vio_gpu_request): a chain
     * reading them carries the caller's body, not the driver's, so the model
     * does not judge that body.
     */
    const uint8_t *caller_req;
    /* completions a model asks for after the chain it serves (merged rx buffers) */
    uint32_t after_id[FZ_QUEUE_MAX];
    uint32_t after_len[FZ_QUEUE_MAX];
    unsigned nafter;
};

/*
 * Sets the device up as a well-behaved device of @device_id with the
 * configuration of its model (blk 64 sectors, net MAC and link up, GPU one
 * 64x48 scanout), offering @offered, queues of @queue_max.
 */
void fz_dev_init(struct fz_dev *d, struct fz_hal *hal, uint32_t device_id, uint64_t offered,
                 uint16_t queue_max);
void fz_dev_reset(struct fz_dev *d);

/*
 * Memory the driver pointed the device at: NULL after a lie when it is gone,
 * otherwise a driver bug that aborts (@what says which structure).
 */
uint8_t *fz_dev_mem(struct fz_dev *d, uint64_t pa, uint64_t len, bool write, const char *what);
/* Aborts unless the device lied: the driver broke a rule only it controls. */
bool fz_dev_check(struct fz_dev *d, bool ok, const char *what);

/* What a register read returns: @model, or a value from the register stream. */
uint32_t fz_dev_reg(struct fz_dev *d, uint32_t model);

void fz_dev_write_status(struct fz_dev *d, uint8_t status);
uint32_t fz_dev_features_word(const struct fz_dev *d, uint32_t sel);
void fz_dev_set_driver_word(struct fz_dev *d, uint32_t sel, uint32_t val);
uint16_t fz_dev_queue_max(const struct fz_dev *d, uint16_t idx);
/* Config bytes little-endian; outside the configuration they read 0. */
uint32_t fz_dev_config_read(struct fz_dev *d, uint32_t off, unsigned width);
void fz_dev_config_write(struct fz_dev *d, uint32_t off, unsigned width, uint32_t val);
/* Reads and clears the interrupt status bits. */
uint32_t fz_dev_isr_take(struct fz_dev *d);

/* Queue @idx goes live with the driver's size and areas; idx beyond the queues is ignored. */
void fz_dev_queue_enable(struct fz_dev *d, uint16_t idx, uint16_t num, uint64_t desc,
                         uint64_t avail, uint64_t used);
struct fz_vq *fz_dev_vq(struct fz_dev *d, uint16_t idx);

/* Available buffer notification: serve queue @idx now (as far as the stream allows). */
void fz_dev_notify(struct fz_dev *d, uint16_t idx);
/* The device makes progress on every queue: the HAL's relax, or a device step. */
void fz_dev_step(struct fz_dev *d);

/* ---- the device-side ring (fz_ring.c) ---- */

/* Takes every newly available chain onto the held list. */
void fz_ring_take(struct fz_dev *d, struct fz_vq *vq);
/*
 * Walks the chain at @head into @c, checking it: false when the device lied
 * earlier and the chain's memory is gone; a malformed chain aborts otherwise.
 */
bool fz_ring_chain(struct fz_dev *d, const struct fz_vq *vq, uint16_t head, struct fz_chain *c);
/* Takes the oldest held chain and walks it (for models that fill several); false when none. */
bool fz_ring_take_next(struct fz_dev *d, struct fz_vq *vq, struct fz_chain *c);
/* Writes a used element and publishes it. */
void fz_ring_push(struct fz_dev *d, struct fz_vq *vq, uint32_t id, uint32_t len);
/* Serves the held chains: in order when well-behaved, as the stream says with FZ_USED. */
void fz_ring_serve(struct fz_dev *d, struct fz_vq *vq);

size_t fz_chain_read(const struct fz_chain *c, uint64_t off, void *dst, size_t len);
size_t fz_chain_write(const struct fz_chain *c, uint64_t off, const void *src, size_t len);
size_t fz_chain_fill(const struct fz_chain *c, uint64_t off, uint8_t byte, size_t len);

/* ---- device models (fz_models.c) ---- */

/* Serves one chain as the device type does; returns the used len a correct device reports. */
uint32_t fz_model_serve(struct fz_dev *d, struct fz_vq *vq, const struct fz_chain *c);
/* The default configuration space of a device type. */
void fz_model_config(struct fz_dev *d);

#endif
