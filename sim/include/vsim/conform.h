/*
 * Conformance recording: the driver obligations the bench checks, each with a
 * stable id and the VIRTIO spec section that states it. A violation never
 * stops the bench; it is recorded, and a test can demand zero.
 */
#ifndef VSIM_CONFORM_H
#define VSIM_CONFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* X(ENUM, "ID", "spec section", "what the driver must do") */
#define VSIM_CONFORM_RULES(X)                                                                      \
    X(MMIO_WIDTH, "MMIO-1", "MMIO Device Register Layout",                                         \
      "control registers are accessed with 32-bit wide, aligned reads and writes only")            \
    X(MMIO_WRITE_RO, "MMIO-2", "MMIO Device Register Layout",                                      \
      "read-only registers are not written")                                                       \
    X(MMIO_READ_WO, "MMIO-3", "MMIO Device Register Layout", "write-only registers are not read")  \
    X(MMIO_UNDEFINED, "MMIO-4", "MMIO Device Register Layout",                                     \
      "only locations described in the register table of this version are accessed")               \
    X(MMIO_FEATURES_SEL, "MMIO-5", "MMIO Device Register Layout",                                  \
      "DeviceFeaturesSel/DriverFeaturesSel are written before DeviceFeatures/DriverFeatures")      \
    X(MMIO_QUEUE_NUM, "MMIO-6", "MMIO Device Register Layout",                                     \
      "QueueNum is at most QueueNumMax of an available queue")                                     \
    X(MMIO_QUEUE_LIVE, "MMIO-7", "MMIO Device Register Layout",                                    \
      "queue size and addresses are not touched while the queue is live")                          \
    X(MMIO_ACK_BITS, "MMIO-8", "MMIO Device Register Layout",                                      \
      "InterruptACK carries no undefined bits")                                                    \
    X(MMIO_CONFIG_WIDTH, "MMIO-9", "MMIO Device Register Layout",                                  \
      "device configuration space is accessed with aligned 8/16/32-bit accesses")                  \
    X(MMIO_IGNORED_DEVICE, "MMIO-10", "MMIO-specific Initialization And Device Operation",         \
      "a device with a bad MagicValue or Version, or DeviceID 0, is left alone")                   \
    X(MMIO_LEGACY_QUEUE, "MMIO-11", "Virtio Over MMIO / Legacy interface",                         \
      "GuestPageSize and QueueAlign are powers of 2, GuestPageSize is set before QueuePFN")        \
    X(MMIO_NOTIFY, "MMIO-12", "Available Buffer Notifications",                                    \
      "QueueNotify names an existing, enabled queue")                                              \
    X(PCI_WIDTH, "PCI-1", "PCI Device Layout",                                                     \
      "virtio structure fields are accessed with their own width, aligned, inside the structure")  \
    X(PCI_CAP_WRITE, "PCI-2", "Virtio Structure PCI Capabilities",                                 \
      "capability structures are not written, except VIRTIO_PCI_CAP_PCI_CFG")                      \
    X(PCI_WRITE_RO, "PCI-3", "Common configuration structure layout",                              \
      "device_feature, num_queues, config_generation and queue_notify_off are not written")        \
    X(PCI_QUEUE_SIZE, "PCI-4", "Common configuration structure layout",                            \
      "queue_size is a power of 2, at most the maximum, of an available queue")                    \
    X(PCI_QUEUE_LIVE, "PCI-5", "Common configuration structure layout",                            \
      "virtqueue fields are set before queue_enable and not changed while it is enabled")          \
    X(PCI_QUEUE_DISABLE, "PCI-6", "Common configuration structure layout",                         \
      "0 is never written to queue_enable")                                                        \
    X(PCI_RESET_READ, "PCI-7", "Common configuration structure layout",                            \
      "after writing 0 to device_status the driver reads 0 back before initializing again")        \
    X(PCI_NOTIFY, "PCI-8", "Available Buffer Notifications",                                       \
      "a notification writes an enabled queue's 16-bit index at that queue's notify address")      \
    X(PCI_IGNORED_DEVICE, "PCI-9", "Virtio Device Configuration Layout Detection",                 \
      "a function with missing or malformed virtio capabilities is left alone")                    \
    X(PCI_BAR, "PCI-10", "Virtio Over PCI Bus (PCI Base Address Registers)",                       \
      "config accesses aligned, decode off while sizing, BARs inside the window, no overlap, "     \
      "bus mastering on before queues are enabled")                                                \
    X(STATUS_CLEAR, "STATUS-1", "Device Status Field",                                             \
      "the driver never clears a status bit except by writing 0 (reset)")                          \
    X(STATUS_ORDER, "STATUS-2", "Device Initialization",                                           \
      "status bits are set in the order ACKNOWLEDGE, DRIVER, FEATURES_OK, DRIVER_OK")              \
    X(STATUS_FAILED, "STATUS-3", "Device Status Field",                                            \
      "after setting FAILED the driver resets the device before initializing it again")            \
    X(FEAT_NOT_OFFERED, "FEAT-1", "Feature Bits", "the driver accepts only offered features")      \
    X(FEAT_AFTER_OK, "FEAT-2", "Device Initialization",                                            \
      "no feature bits are written after FEATURES_OK")                                             \
    X(FEAT_VERSION_1, "FEAT-3", "Reserved Feature Bits",                                           \
      "VIRTIO_F_VERSION_1 is accepted when it is offered")                                         \
    X(INIT_NOTIFY, "INIT-1", "Device Initialization",                                              \
      "no available buffer notification is sent before DRIVER_OK")                                 \
    X(INIT_QUEUE, "INIT-2", "Device Initialization",                                               \
      "virtqueues are enabled after FEATURES_OK (modern devices)")                                 \
    X(CFG_RANGE, "CFG-1", "Device Configuration Space",                                            \
      "configuration accesses stay inside the device's configuration layout")                      \
    X(CFG_READONLY, "CFG-2", "Device Configuration Space",                                         \
      "read-only configuration fields are not written")                                            \
    X(CFG_FEATURE, "CFG-3", "Device Configuration Space",                                          \
      "optional configuration fields are read only when their feature is offered")                 \
    X(VQ_SIZE, "VQ-1", "Split Virtqueues", "the queue size is a non-zero power of 2")              \
    X(VQ_ALIGN, "VQ-2", "Virtqueues",                                                              \
      "descriptor table 16-, available ring 2-, used ring 4-byte aligned")                         \
    X(VQ_MEMORY, "VQ-3", "Virtqueues", "every virtqueue part lies in guest memory")                \
    X(VQ_USED_FLAGS, "VQ-4", "Available Buffer Notification Suppression",                          \
      "the used ring flags are 0 when the queue is enabled")                                       \
    X(DESC_LOOP, "DESC-1", "The Virtqueue Descriptor Table",                                       \
      "a descriptor chain is not longer than the queue size (no loops)")                           \
    X(DESC_ORDER, "DESC-2", "Message Framing",                                                     \
      "device-writable descriptors come after all device-readable ones")                           \
    X(DESC_INDIRECT_FEAT, "DESC-3", "Indirect Descriptors",                                        \
      "VIRTQ_DESC_F_INDIRECT is used only when VIRTIO_F_INDIRECT_DESC was negotiated")             \
    X(DESC_INDIRECT_NEST, "DESC-4", "Indirect Descriptors",                                        \
      "an indirect table holds no VIRTQ_DESC_F_INDIRECT descriptor")                               \
    X(DESC_INDIRECT_NEXT, "DESC-5", "Indirect Descriptors",                                        \
      "VIRTQ_DESC_F_INDIRECT and VIRTQ_DESC_F_NEXT are not set together")                          \
    X(DESC_INDIRECT_LEN, "DESC-6", "Indirect Descriptors",                                         \
      "an indirect table length is a non-zero multiple of 16")                                     \
    X(DESC_ADDR, "DESC-7", "The Virtqueue Descriptor Table",                                       \
      "every descriptor buffer lies in guest memory")                                              \
    X(DESC_NEXT, "DESC-8", "The Virtqueue Descriptor Table", "next stays inside its table")        \
    X(DESC_TOTAL, "DESC-9", "The Virtqueue Descriptor Table",                                      \
      "a descriptor chain is at most 2^32 bytes in total")                                         \
    X(AVAIL_IDX, "AVAIL-1", "The Virtqueue Available Ring",                                        \
      "avail idx never decreases nor runs more than the queue size ahead")                         \
    X(AVAIL_HEAD, "AVAIL-2", "The Virtqueue Available Ring",                                       \
      "available ring entries are descriptor indexes below the queue size")                        \
    X(AVAIL_FLAGS, "AVAIL-3", "Used Buffer Notification Suppression",                              \
      "avail flags are 0 or 1, and 0 with VIRTIO_F_EVENT_IDX")                                     \
    X(BLK_RANGE, "BLK-1", "Block Device / Device Operation",                                       \
      "no request reads or writes beyond capacity")                                                \
    X(BLK_LEN, "BLK-2", "Block Device / Device Operation",                                         \
      "T_IN and T_OUT data lengths are multiples of 512")                                          \
    X(BLK_GET_ID, "BLK-3", "Block Device / Device Operation", "T_GET_ID data is 20 bytes")         \
    X(BLK_FLUSH_SECTOR, "BLK-4", "Block Device / Device Operation", "T_FLUSH has sector 0")        \
    X(BLK_FRAMING, "BLK-5", "Block Device / Device Operation",                                     \
      "a request is a readable 16-byte header, data, and a writable status byte")                  \
    X(NET_TX_HDR, "NET-1", "Network Device / Device Operation / Packet Transmission",               \
      "a transmitted header has flags 0, gso_type NONE and num_buffers 0 (no offloads negotiated)") \
    X(NET_TX_CHAIN, "NET-2", "Network Device / Device Operation / Packet Transmission",             \
      "a transmit buffer is device-readable only and holds the whole header")                       \
    X(NET_RX_BUF, "NET-3", "Network Device / Device Operation / Setting Up Receive Buffers",        \
      "a receive buffer is device-writable only and, with MRG_RXBUF, holds at least the header")    \
    X(NET_LEGACY_FRAMING, "NET-4", "Network Device / Legacy Interface: Framing Requirements",       \
      "without VIRTIO_F_ANY_LAYOUT the header is alone in the first descriptor")                    \
    X(HAL_DMA_FREE, "HAL-1", "vio HAL contract", "dma_free releases exactly what dma_alloc gave")  \
    X(HAL_UNSHARE, "HAL-2", "vio HAL contract",                                                    \
      "unshare matches an earlier share: address, buffer, length and direction")                   \
    X(HAL_UNMAPPED, "HAL-3", "vio HAL contract", "register accesses hit a mapped device window")   \
    X(HAL_PHYS, "HAL-4", "vio HAL contract",                                                       \
      "phys_to_virt is asked only for guest memory or a device window")                            \
    X(HAL_SHARE, "HAL-5", "vio HAL contract", "share is given a non-empty buffer")

enum vsim_rule {
#define VSIM__RULE_ENUM(e, id, sec, text) VSIM_RULE_##e,
    VSIM_CONFORM_RULES(VSIM__RULE_ENUM)
#undef VSIM__RULE_ENUM
        VSIM_RULE_COUNT
};

struct vsim_rule_info {
    const char *id;      /* stable: "MMIO-1" */
    const char *section; /* VIRTIO spec section name */
    const char *text;    /* the obligation, one line */
};

struct vsim_violation {
    enum vsim_rule rule;
    char where[32];   /* device label, "hal", ... */
    char detail[160]; /* what exactly happened */
};

struct vsim_conform;

const struct vsim_rule_info *vsim_rule_info(enum vsim_rule rule);
/* The rule with id @id ("MMIO-1"), or VSIM_RULE_COUNT. */
enum vsim_rule vsim_rule_by_id(const char *id);

struct vsim_conform *vsim_conform_new(void);
void vsim_conform_free(struct vsim_conform *c);

void vsim_conform_record(struct vsim_conform *c, enum vsim_rule rule, const char *where,
                         const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Total violations recorded (including any past the stored list). */
size_t vsim_conform_count(const struct vsim_conform *c);
size_t vsim_conform_count_rule(const struct vsim_conform *c, enum vsim_rule rule);
/* The @i-th stored violation (the first VSIM_CONFORM_KEEP are stored), or NULL. */
const struct vsim_violation *vsim_conform_get(const struct vsim_conform *c, size_t i);
#define VSIM_CONFORM_KEEP 1024u
void vsim_conform_clear(struct vsim_conform *c);
/* One line per stored violation: "MMIO-1 [blk@mmio0] detail (section)". */
void vsim_conform_print(const struct vsim_conform *c, FILE *out);

/*
 * Strict mode: every violation is printed to stderr as it happens and latches
 * the tripped flag (and calls the hook, if any); lenient mode only records.
 */
void vsim_conform_set_strict(struct vsim_conform *c, bool strict);
bool vsim_conform_tripped(const struct vsim_conform *c);
void vsim_conform_set_hook(struct vsim_conform *c,
                           void (*hook)(void *ctx, const struct vsim_violation *v), void *ctx);

#endif
