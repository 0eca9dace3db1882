/*
 * The fault plan: rules that make a device (or the sim HAL) misbehave on a
 * chosen occurrence of a chosen event, so every error path of a driver can be
 * reached on purpose.
 *
 * Text form, one rule per string:  DEVICE:POINT[=VALUE][@TRIGGER]
 *   DEVICE   a device model name ("blk"), "hal" for HAL points, or "*" for any device
 *   VALUE    a number (decimal or 0x...) or a keyword the point defines
 *   TRIGGER  N        only the N-th occurrence (N >= 1)
 *            *        every occurrence (the default when @TRIGGER is left out)
 *            pP:SEED  each occurrence with probability P (0 < P <= 1), seeded
 * Example: "blk:status=ioerr@1" fails the first block request with IOERR.
 */
#ifndef VSIM_FAULT_H
#define VSIM_FAULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Which devices a point applies to. */
enum vsim_fault_scope {
    VSIM_FAULT_SCOPE_HAL,    /* DEVICE must be "hal" */
    VSIM_FAULT_SCOPE_DEVICE, /* any device ("*" or a name) */
    VSIM_FAULT_SCOPE_BLK,    /* DEVICE must be "blk" */
    VSIM_FAULT_SCOPE_GPU,    /* DEVICE must be "gpu" */
    VSIM_FAULT_SCOPE_NET,    /* DEVICE must be "net" */
};

/* Whether a point takes a VALUE. */
enum vsim_fault_arg {
    VSIM_FAULT_ARG_NONE,     /* no value allowed */
    VSIM_FAULT_ARG_OPTIONAL, /* a number, with a default */
    VSIM_FAULT_ARG_STATUS,   /* required: ioerr | unsupp | a number */
};

/* X(ENUM, "name", scope, arg, "what happens") */
#define VSIM_FAULT_POINTS(X)                                                                       \
    X(STATUS, "status", BLK, STATUS, "complete a block request with this status (ioerr, unsupp)")  \
    X(USED_ID_RANGE, "used_id_range", DEVICE, OPTIONAL,                                            \
      "write a used id >= queue size (VALUE: the id, default the queue size)")                     \
    X(USED_ID_NOT_HEAD, "used_id_not_head", DEVICE, NONE,                                          \
      "write a used id that is not the head of the completed chain")                               \
    X(USED_LEN, "used_len", DEVICE, OPTIONAL,                                                      \
      "write a used len larger than the writable buffers (VALUE: the len)")                        \
    X(NO_COMPLETE, "no_complete", DEVICE, NONE, "take a request and never complete it")            \
    X(FEATURES_OK_REFUSE, "features_ok_refuse", DEVICE, NONE,                                      \
      "refuse FEATURES_OK: the bit does not stick")                                                \
    X(QUEUE_MAX_ZERO, "queue_max_zero", DEVICE, NONE, "report a maximum queue size of 0")          \
    X(QUEUE_IN_USE, "queue_in_use", DEVICE, NONE,                                                  \
      "report the queue as already in use (QueueReady reads 1, QueuePFN nonzero)")                 \
    X(CONFIG_GEN_BUMP, "config_gen_bump", DEVICE, NONE,                                            \
      "bump the configuration generation during a configuration read")                             \
    X(BAD_MAGIC, "bad_magic", DEVICE, OPTIONAL, "MagicValue reads VALUE (default 0x74726975)")     \
    X(BAD_VERSION, "bad_version", DEVICE, OPTIONAL, "Version reads VALUE (default 3)")             \
    X(DEVICE_ID_ZERO, "device_id_zero", DEVICE, NONE, "DeviceID reads 0, an empty slot")           \
    X(DMA_ALLOC, "dma_alloc", HAL, NONE, "dma_alloc fails with DmaError")                          \
    X(SHARE, "share", HAL, NONE, "share fails with DmaError")                                      \
    X(GPU_RESP_ERROR, "resp_error", GPU, OPTIONAL,                                                 \
      "answer a GPU command with response type VALUE, not serving it (default 0x1200 ERR_UNSPEC)") \
    X(GPU_RESP_WRONG_TYPE, "resp_wrong_type", GPU, NONE,                                           \
      "serve a GPU command but answer with an OK type it cannot get")                              \
    X(GPU_RESP_SHORT, "resp_short", GPU, OPTIONAL,                                                 \
      "report a GPU response as VALUE bytes, shorter than it is (default 16)")                     \
    X(GPU_FENCE_DROP, "fence_drop", GPU, NONE, "answer a fenced GPU command without its fence")    \
    X(GPU_DISPLAY_DISABLED, "display_disabled", GPU, NONE,                                         \
      "GET_DISPLAY_INFO reports every scanout disabled")                                           \
    X(GPU_EDID_SIZE, "edid_size", GPU, OPTIONAL, "GET_EDID reports VALUE bytes (default 1025)") \
    X(NET_DROP, "drop", NET, NONE, "lose a frame on its way to a receive queue")                   \
    X(NET_CORRUPT, "corrupt", NET, OPTIONAL,                                                       \
      "flip every bit of received frame byte VALUE (modulo the length, default 0)")              \
    X(NET_TRUNCATE, "truncate", NET, OPTIONAL,                                                     \
      "cut a received frame to its first VALUE bytes (default 14)")                                \
    X(NET_LINK_DOWN, "link_down", NET, NONE,                                                       \
      "take the link down at a transmitted frame, which is lost (status and config change)")       \
    X(NET_RX_LEN_LONG, "rx_len_long", NET, OPTIONAL,                                               \
      "report a received packet's first buffer VALUE bytes longer than the buffer (default 1)")    \
    X(NET_RX_LEN_SHORT, "rx_len_short", NET, OPTIONAL,                                             \
      "report a received packet's first buffer as VALUE bytes (default: one less than the header)") \
    X(NET_NUM_BUFFERS, "num_buffers", NET, OPTIONAL,                                               \
      "write num_buffers VALUE into a received packet's header (default 0)")                       \
    X(NET_TX_HANG, "tx_hang", NET, NONE, "send a frame but never complete its transmit buffer")

enum vsim_fault_point {
#define VSIM__FAULT_ENUM(e, name, scope, arg, text) VSIM_FAULT_##e,
    VSIM_FAULT_POINTS(VSIM__FAULT_ENUM)
#undef VSIM__FAULT_ENUM
        VSIM_FAULT_POINT_COUNT
};

enum vsim_fault_trigger {
    VSIM_TRIGGER_EVERY,
    VSIM_TRIGGER_NTH,
    VSIM_TRIGGER_PROB,
};

struct vsim_fault_rule {
    char device[16]; /* model name, "hal" or "*" */
    enum vsim_fault_point point;
    bool has_value;
    uint64_t value;
    enum vsim_fault_trigger trigger;
    uint64_t nth;       /* VSIM_TRIGGER_NTH: 1-based occurrence */
    double probability; /* VSIM_TRIGGER_PROB */
    uint64_t seed;      /* VSIM_TRIGGER_PROB */
};

struct vsim_fault_point_info {
    const char *name;
    enum vsim_fault_scope scope;
    enum vsim_fault_arg arg;
    const char *text;
};

/* Block status keywords for "status=": the device's own values. */
#define VSIM_FAULT_STATUS_IOERR 1u
#define VSIM_FAULT_STATUS_UNSUPP 2u

#define VSIM_FAULT_RULES_MAX 32u
#define VSIM_FAULT_ERR_MAX 160u

struct vsim_fault_plan;

struct vsim_fault_plan *vsim_fault_plan_new(void);
void vsim_fault_plan_free(struct vsim_fault_plan *p);

/* Adds a rule; returns 0, or VIO_ERR_INVALID_PARAM (bad rule) / VIO_ERR_QUEUE_FULL (plan full). */
int vsim_fault_add(struct vsim_fault_plan *p, const struct vsim_fault_rule *rule);
/*
 * Parses one text rule (syntax above) into @rule without adding it.
 * Returns 0, or VIO_ERR_INVALID_PARAM with a message in @err.
 */
int vsim_fault_parse_rule(const char *text, struct vsim_fault_rule *rule,
                          char err[VSIM_FAULT_ERR_MAX]);
/* Parses and adds one text rule; returns 0 or a negative vio_err with a message in @err. */
int vsim_fault_parse(struct vsim_fault_plan *p, const char *text, char err[VSIM_FAULT_ERR_MAX]);

size_t vsim_fault_rule_count(const struct vsim_fault_plan *p);
/* How many times rule @i fired so far. */
uint64_t vsim_fault_fired(const struct vsim_fault_plan *p, size_t i);
void vsim_fault_clear(struct vsim_fault_plan *p);

/*
 * Counts one occurrence of @point on @device and returns true when a rule
 * fires. @value (may be NULL) holds the caller's default on entry and
 * receives the rule's value when the rule has one.
 */
bool vsim_fault_hit(struct vsim_fault_plan *p, const char *device, enum vsim_fault_point point,
                    uint64_t *value);

const struct vsim_fault_point_info *vsim_fault_point_info(enum vsim_fault_point point);
/* Prints the syntax and the list of points, for a CLI's help. */
void vsim_fault_describe(FILE *out);

#endif
