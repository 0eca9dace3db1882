/*
 * The conformance catalogue: every driver obligation of the VIRTIO spec the
 * bench knows of, one entry per obligation, each tied to the spec section
 * that states it. Kept apart from conform.h because it is long and read as a
 * table.
 *
 * VSIM_CONFORM_SECTIONS(S): S(ENUM, "section name", drivernormative)
 *   the spec sections the rules cite. drivernormative: the section is a
 *   \drivernormative block in scope; every such block must be cited by at
 *   least one rule, so nothing in scope is skipped silently.
 *
 * VSIM_CONFORM_RULES(X, U):
 *   X(ENUM, "ID", SECTION, "obligation", "check", negative_test)
 *     an obligation a device can observe: where the bench checks it, and the
 *     test in tests/test_conform_*.c whose deliberately wrong driver
 *     sequence records exactly this rule.
 *   U(ENUM, "ID", SECTION, "obligation", "why a device cannot observe it")
 *     listed so that the table shows it was considered; never recorded.
 * Ids are stable: a retired rule keeps its id unused.
 */
#ifndef VSIM_CONFORM_RULES_H
#define VSIM_CONFORM_RULES_H

#define VSIM__SEC_VQS "Basic Facilities of a Virtio Device / Virtqueues"
#define VSIM__SEC_SUPPLY VSIM__SEC_VQS " / Supplying Buffers to The Device"
#define VSIM__SEC_MMIO "Virtio Transport Options / Virtio Over MMIO"
#define VSIM__SEC_MMIO_OP VSIM__SEC_MMIO " / MMIO-specific Initialization And Device Operation"
#define VSIM__SEC_PCI "Virtio Transport Options / Virtio Over PCI Bus"
#define VSIM__SEC_PCI_LAYOUT VSIM__SEC_PCI " / PCI Device Layout"
#define VSIM__SEC_PCI_OP VSIM__SEC_PCI " / PCI-specific Initialization And Device Operation"
#define VSIM__SEC_NET_OP "Device Types / Network Device / Device Operation"
#define VSIM__SEC_GPU_OP "Device Types / GPU Device / Device Operation"

#define VSIM_CONFORM_SECTIONS(S)                                                                   \
    S(STATUS, "Basic Facilities of a Virtio Device / Device Status Field", 1)                      \
    S(FEATURES, "Basic Facilities of a Virtio Device / Feature Bits", 1)                           \
    S(RESET, "Basic Facilities of a Virtio Device / Device Reset", 1)                              \
    S(CONFIG, "Basic Facilities of a Virtio Device / Device Configuration Space", 1)               \
    S(INIT, "General Initialization And Device Operation / Device Initialization", 1)              \
    S(CLEANUP, "General Initialization And Device Operation / Device Cleanup", 1)                  \
    S(RESERVED, "Reserved Feature Bits", 1)                                                        \
    S(VQ, VSIM__SEC_VQS, 1)                                                                        \
    S(FRAMING, "Basic Facilities of a Virtio Device / Message Framing", 1)                         \
    S(DESC, VSIM__SEC_VQS " / The Virtqueue Descriptor Table", 1)                                  \
    S(INDIRECT, VSIM__SEC_VQS " / The Virtqueue Descriptor Table / Indirect Descriptors", 1)       \
    S(AVAIL, VSIM__SEC_VQS " / The Virtqueue Available Ring", 1)                                   \
    S(USED_SUPP, VSIM__SEC_VQS " / Used Buffer Notification Suppression", 1)                       \
    S(USED, VSIM__SEC_VQS " / The Virtqueue Used Ring", 1)                                         \
    S(AVAIL_SUPP, VSIM__SEC_VQS " / Available Buffer Notification Suppression", 1)                 \
    S(UPDATE_IDX, VSIM__SEC_SUPPLY " / Updating idx", 1)                                           \
    S(NOTIFYING, VSIM__SEC_SUPPLY " / Notifying The Device", 1)                                    \
    S(MMIO_LAYOUT, VSIM__SEC_MMIO " / MMIO Device Register Layout", 1)                             \
    S(MMIO_INIT, VSIM__SEC_MMIO_OP " / Device Initialization", 1)                                  \
    S(MMIO_NOTIFY, VSIM__SEC_MMIO_OP " / Notifications From The Device", 1)                        \
    S(MMIO_LEGACY, VSIM__SEC_MMIO " / Legacy interface", 0)                                        \
    S(PCI_DISCOVERY, VSIM__SEC_PCI " / PCI Device Discovery", 1)                                   \
    S(PCI_LAYOUT, VSIM__SEC_PCI_LAYOUT, 1)                                                         \
    S(PCI_CAPS, VSIM__SEC_PCI " / Virtio Structure PCI Capabilities", 1)                           \
    S(PCI_COMMON, VSIM__SEC_PCI_LAYOUT " / Common configuration structure layout", 1)              \
    S(PCI_ISR, VSIM__SEC_PCI_LAYOUT " / ISR status capability", 1)                                 \
    S(PCI_VENDOR, VSIM__SEC_PCI_LAYOUT " / Vendor data capability", 1)                             \
    S(PCI_CFG_CAP, VSIM__SEC_PCI_LAYOUT " / PCI configuration access capability", 1)               \
    S(PCI_NOTIFY, VSIM__SEC_PCI_OP " / Available Buffer Notifications", 1)                         \
    S(PCI_CONFIG_CHANGE, VSIM__SEC_PCI_OP " / Notification of Device Configuration Changes", 1)    \
    S(PCI_DETECTION,                                                                               \
      VSIM__SEC_PCI_OP " / Device Initialization / Virtio Device Configuration Layout Detection",  \
      0)                                                                                           \
    S(PCI_BUS, VSIM__SEC_PCI " (PCI configuration space and BARs)", 0)                             \
    S(BLK_INIT, "Device Types / Block Device / Device Initialization", 1)                          \
    S(BLK_OP, "Device Types / Block Device / Device Operation", 1)                                 \
    S(NET_CFG, "Device Types / Network Device / Device configuration layout", 1)                   \
    S(NET_TX, VSIM__SEC_NET_OP " / Packet Transmission", 1)                                        \
    S(NET_RX, VSIM__SEC_NET_OP " / Setting Up Receive Buffers", 1)                                 \
    S(NET_LEGACY, "Device Types / Network Device / Legacy Interface: Framing Requirements", 0)     \
    S(GPU_CONTROLQ, VSIM__SEC_GPU_OP " / Device Operation: controlq", 1)                           \
    S(GPU_CFG, "Device Types / GPU Device / Device configuration layout", 0)                       \
    S(GPU_REQ, VSIM__SEC_GPU_OP " / Device Operation: Request header", 0)                          \
    S(HAL, "vio HAL contract (DESIGN.md: The HAL)", 0)

#define VSIM_CONFORM_RULES(X, U)                                                                   \
    /* ---- Device Status Field, Device Initialization, Device Reset ---- */                       \
    X(STATUS_CLEAR, "STATUS-1", STATUS, "no status bit is cleared except by a reset (writing 0)",  \
      "device.c: status write", neg_status1_driver_bit_cleared)                                    \
    X(STATUS_ORDER, "STATUS-2", INIT,                                                              \
      "status bits are set in order: ACKNOWLEDGE, DRIVER, FEATURES_OK, DRIVER_OK",                 \
      "device.c: status write", neg_status2_driver_before_acknowledge)                             \
    X(STATUS_FAILED, "STATUS-3", STATUS,                                                           \
      "after FAILED the device is reset before it is initialized again", "device.c: status write", \
      neg_status3_reinit_after_failed)                                                             \
    U(STATUS_NEEDS_RESET, "STATUS-4", STATUS,                                                      \
      "completions are not relied on while DEVICE_NEEDS_RESET is set (SHOULD)",                    \
      "what a driver relies on stays inside it; driver suites cover it with needs-reset faults")   \
    X(RESET_READ, "RESET-1", RESET,                                                                \
      "after writing 0 to status, 0 is read back before initializing again (SHOULD; PCI-7: MUST)", \
      "device.c: status read and write", neg_reset1_reinit_without_reading_zero)                   \
    X(INIT_NOTIFY, "INIT-1", INIT, "no available buffer notification is sent before DRIVER_OK",    \
      "device.c: notify", neg_init1_notify_before_driver_ok)                                       \
    X(INIT_QUEUE, "INIT-2", INIT,                                                                  \
      "virtqueues are enabled only after FEATURES_OK (modern devices)", "vq.c: queue enable",      \
      neg_init2_queue_enabled_before_features_ok)                                                  \
    X(INIT_RESET_FIRST, "INIT-3", INIT,                                                            \
      "initialization starts with a reset: ACKNOWLEDGE follows a write of 0 to status",            \
      "device.c: status write", neg_init3_acknowledge_without_reset)                               \
    X(INIT_FEATURES_READ, "INIT-4", INIT,                                                          \
      "the device features are read, with DRIVER set, before the driver writes its subset",        \
      "device.c: driver features write", neg_init4_features_written_unread)                        \
    X(INIT_FEATURES_OK_READ, "INIT-5", INIT,                                                       \
      "status is read back after FEATURES_OK before queue setup, config writes or DRIVER_OK",      \
      "device.c, vq.c", neg_init5_features_ok_not_read_back)                                       \
    X(INIT_REFUSED, "INIT-6", INIT,                                                                \
      "once FEATURES_OK was refused no queue is enabled and DRIVER_OK is not set before a reset",  \
      "device.c, vq.c", neg_init6_driver_ok_after_refusal)                                         \
    X(INIT_CONFIG_WRITE, "INIT-7", INIT,                                                           \
      "device configuration is not written while features are negotiated (before FEATURES_OK; "    \
      "legacy: before the features are written)",                                                  \
      "device.c: config write", neg_init7_config_written_before_features_ok)                       \
    U(INIT_GIVE_UP, "INIT-8", INIT,                                                                \
      "after an irrecoverable failure the driver sets FAILED (SHOULD) and stops initializing",     \
      "which failures are irrecoverable is the driver's judgement; the refusal case is INIT-6")    \
    /* ---- Feature Bits, Reserved Feature Bits ---- */                                            \
    X(FEAT_NOT_OFFERED, "FEAT-1", FEATURES, "only offered features are accepted",                  \
      "device.c: FEATURES_OK (legacy: DRIVER_OK)", neg_feat1_unoffered_feature_accepted)           \
    X(FEAT_AFTER_OK, "FEAT-2", INIT, "no feature bits are written after FEATURES_OK",              \
      "device.c: driver features write", neg_feat2_features_written_after_features_ok)             \
    X(FEAT_VERSION_1, "FEAT-3", RESERVED, "VIRTIO_F_VERSION_1 is accepted when it is offered",     \
      "device.c: FEATURES_OK", neg_feat3_version_1_not_accepted)                                   \
    X(FEAT_UNDEFINED, "FEAT-4", FEATURES,                                                          \
      "no bit the spec leaves undefined, reserved, or not for this device type or transport is "   \
      "accepted",                                                                                  \
      "feature_bits.c", neg_feat4_reserved_bit_accepted)                                           \
    X(FEAT_DEPENDS, "FEAT-5", FEATURES, "no feature is accepted without the features it requires", \
      "feature_bits.c", neg_feat5_guest_tso4_without_guest_csum)                                   \
    X(FEAT_SR_IOV, "FEAT-6", RESERVED,                                                             \
      "VIRTIO_F_SR_IOV is not negotiated without a PCI SR-IOV capability (the bench has none)",    \
      "feature_bits.c", neg_feat6_sr_iov_accepted)                                                 \
    U(FEAT_VALIDATE, "FEAT-7", FEATURES,                                                           \
      "offered bits are validated; a missing needed feature means legacy mode or FAILED; an "      \
      "unknown offered feature alone never fails the driver",                                      \
      "a device sees which bits are accepted and whether FAILED is set, not the reasons")          \
    U(FEAT_SHOULD_ACCEPT, "FEAT-8", RESERVED,                                                      \
      "ACCESS_PLATFORM, RING_PACKED, ORDER_PLATFORM, NOTIF_CONFIG_DATA accepted when offered "     \
      "(SHOULD); hardware barriers with ORDER_PLATFORM",                                           \
      "SHOULD-level; the bench offers none of them, and barriers are invisible in one process")    \
    /* ---- Device Configuration Space ---- */                                                     \
    X(CFG_RANGE, "CFG-1", MMIO_LAYOUT,                                                             \
      "configuration accesses stay inside the layout the device type describes",                   \
      "device.c: config access", neg_cfg1_config_read_past_the_end)                                \
    X(CFG_READONLY, "CFG-2", GPU_CFG,                                                              \
      "read-only configuration fields are not written (GPU events_read, num_scanouts; blk, "       \
      "writeback aside with CONFIG_WCE)",                                                          \
      "device.c + model config_write", neg_cfg2_gpu_events_read_written)                           \
    X(CFG_FEATURE, "CFG-3", CONFIG,                                                                \
      "optional configuration fields are read only when their feature is offered",                 \
      "blk.c, net.c: config_read", neg_cfg3_blk_size_read_without_the_feature)                     \
    U(CFG_ATOMIC, "CFG-4", CONFIG,                                                                 \
      "multi-field and 64-bit reads are not assumed atomic (SHOULD loop on config_generation)",    \
      "an assumption is no access; driver suites check the retry with the config_gen_bump fault")  \
    U(CFG_SIZE, "CFG-5", CONFIG,                                                                   \
      "structure and configuration sizes are not limited, only checked to be large enough",        \
      "a size limit is a decision inside the driver; a device cannot see it being made")           \
    /* ---- Device Cleanup ---- */                                                                 \
    X(CLEAN_ALTER, "CLEAN-1", CLEANUP,                                                             \
      "descriptors and indirect tables of exposed buffers are not altered while the queue is "     \
      "live",                                                                                      \
      "exposed.c: at completion and at reset", neg_clean1_exposed_descriptor_rewritten)            \
    X(CLEAN_REMOVE, "CLEAN-2", CLEANUP,                                                            \
      "exposed buffers are not unshared or freed before they are used or the queue is stopped",    \
      "exposed.c: HAL unshare and dma_free", neg_clean2_exposed_buffer_unshared)                   \
    /* ---- Virtqueues ---- */                                                                     \
    X(VQ_SIZE, "VQ-1", VQ, "the queue size is a non-zero power of 2", "vq.c: queue enable",        \
      neg_vq1_queue_size_not_a_power_of_two)                                                       \
    X(VQ_ALIGN, "VQ-2", VQ, "descriptor table 16-, available ring 2-, used ring 4-byte aligned",   \
      "vq.c: queue enable", neg_vq2_used_ring_misaligned)                                          \
    X(VQ_MEMORY, "VQ-3", RESERVED,                                                                 \
      "every virtqueue part lies in guest memory (without ACCESS_PLATFORM: physical addresses)",   \
      "vq.c: queue enable", neg_vq3_ring_outside_guest_memory)                                     \
    X(VQ_USED_FLAGS, "VQ-4", AVAIL_SUPP, "the used ring flags are 0 when the queue is enabled",    \
      "vq.c: queue enable", neg_vq4_used_flags_not_zeroed)                                         \
    X(DESC_LOOP, "DESC-1", INDIRECT,                                                               \
      "no descriptor chain is longer than the queue size (so none loops)", "vq.c: chain walk",     \
      neg_desc1_descriptor_loop)                                                                   \
    X(DESC_ORDER, "DESC-2", FRAMING, "device-writable descriptors come after all readable ones",   \
      "vq.c: chain walk", neg_desc2_readable_after_writable)                                       \
    X(DESC_INDIRECT_FEAT, "DESC-3", INDIRECT,                                                      \
      "VIRTQ_DESC_F_INDIRECT only when VIRTIO_F_INDIRECT_DESC was negotiated", "vq.c: chain walk", \
      neg_desc3_indirect_not_negotiated)                                                           \
    X(DESC_INDIRECT_NEST, "DESC-4", INDIRECT, "an indirect table holds no INDIRECT descriptor",    \
      "vq.c: chain walk", neg_desc4_nested_indirect_table)                                         \
    X(DESC_INDIRECT_NEXT, "DESC-5", INDIRECT,                                                      \
      "VIRTQ_DESC_F_INDIRECT and VIRTQ_DESC_F_NEXT are not set together", "vq.c: chain walk",      \
      neg_desc5_indirect_with_next)                                                                \
    X(DESC_INDIRECT_LEN, "DESC-6", INDIRECT,                                                       \
      "an indirect table's length is a non-zero multiple of 16", "vq.c: chain walk",               \
      neg_desc6_indirect_length_not_a_multiple_of_16)                                              \
    X(DESC_ADDR, "DESC-7", RESERVED,                                                               \
      "every descriptor buffer lies in guest memory (without ACCESS_PLATFORM: physical "           \
      "addresses)",                                                                                \
      "vq.c: chain walk", neg_desc7_buffer_outside_guest_memory)                                   \
    X(DESC_NEXT, "DESC-8", DESC, "next stays inside its descriptor table", "vq.c: chain walk",     \
      neg_desc8_next_beyond_the_table)                                                             \
    X(DESC_TOTAL, "DESC-9", DESC, "a descriptor chain holds at most 2^32 bytes",                   \
      "vq.c: chain walk", neg_desc9_chain_over_4_gib)                                              \
    U(DESC_EXCESSIVE, "DESC-10", FRAMING,                                                          \
      "no excessive number of descriptors for one buffer (SHOULD)",                                \
      "SHOULD with no bound to check against; DESC-1 bounds every chain at the queue size")        \
    U(DESC_IN_ORDER, "DESC-11", DESC,                                                              \
      "with VIRTIO_F_IN_ORDER, next and indirect entries are sequential",                          \
      "the bench never offers VIRTIO_F_IN_ORDER")                                                  \
    X(AVAIL_IDX, "AVAIL-1", AVAIL,                                                                 \
      "avail idx never decreases, nor runs more than the queue size ahead of the device",          \
      "vq.c: pop", neg_avail1_idx_runs_past_the_queue_size)                                        \
    X(AVAIL_HEAD, "AVAIL-2", AVAIL, "available ring entries are descriptor indexes in the queue",  \
      "vq.c: pop", neg_avail2_entry_beyond_the_queue)                                              \
    X(AVAIL_FLAGS, "AVAIL-3", USED_SUPP, "avail flags are 0 or 1, and 0 with VIRTIO_F_EVENT_IDX",  \
      "vq.c: pop", neg_avail3_flags_set_with_event_idx)                                            \
    U(AVAIL_SPURIOUS, "AVAIL-4", USED_SUPP, "spurious used buffer notifications are handled",      \
      "handling is inside the driver; the bench raises no spurious interrupts")                    \
    U(USED_LEN, "USED-1", USED,                                                                    \
      "nothing is assumed about device-writable bytes past the used len",                          \
      "an assumption is no access; driver suites check used lens with the used_len fault")         \
    X(NOTIFY_MISSED, "NOTIFY-1", AVAIL_SUPP,                                                       \
      "buffers made available while the device asks for notifications are notified before the "    \
      "driver waits",                                                                              \
      "machine.c: relax", neg_notify1_buffers_not_notified)                                        \
    U(NOTIFY_IGNORE, "NOTIFY-2", AVAIL_SUPP,                                                       \
      "avail_event ignored without EVENT_IDX, the flags bit with it; no notification when flags "  \
      "is 1 (SHOULD)",                                                                             \
      "the bench publishes nothing to ignore; the SHOULD is counted (vsim_vq_unneeded_notifies)")  \
    U(NOTIFY_IDX_BARRIER, "NOTIFY-3", UPDATE_IDX, "a memory barrier before the avail idx update",  \
      "memory ordering is invisible with driver and device on one thread")                         \
    U(NOTIFY_FLAGS_BARRIER, "NOTIFY-4", NOTIFYING,                                                 \
      "a memory barrier before reading used flags or avail_event",                                 \
      "memory ordering is invisible with driver and device on one thread")                         \
    /* ---- Virtio Over MMIO ---- */                                                               \
    X(MMIO_WIDTH, "MMIO-1", MMIO_LAYOUT,                                                           \
      "control registers are accessed with 32-bit wide, aligned reads and writes only",            \
      "mmio.c: register access", neg_mmio1_16bit_register_read)                                    \
    X(MMIO_WRITE_RO, "MMIO-2", MMIO_LAYOUT, "read-only registers are not written",                 \
      "mmio.c: register access", neg_mmio2_device_id_written)                                      \
    X(MMIO_READ_WO, "MMIO-3", MMIO_LAYOUT, "write-only registers are not read",                    \
      "mmio.c: register access", neg_mmio3_queue_notify_read)                                      \
    X(MMIO_UNDEFINED, "MMIO-4", MMIO_LAYOUT,                                                       \
      "only locations in the register table of this version are accessed",                         \
      "mmio.c: register access", neg_mmio4_hole_read)                                              \
    X(MMIO_FEATURES_SEL, "MMIO-5", MMIO_LAYOUT,                                                    \
      "DeviceFeaturesSel/DriverFeaturesSel are written before DeviceFeatures/DriverFeatures",      \
      "mmio.c: features", neg_mmio5_device_features_read_unselected)                               \
    X(MMIO_QUEUE_NUM, "MMIO-6", MMIO_LAYOUT,                                                       \
      "QueueNum is at most QueueNumMax of an available queue", "mmio.c: queue programming",        \
      neg_mmio6_queue_num_above_max)                                                               \
    X(MMIO_QUEUE_LIVE, "MMIO-7", MMIO_LAYOUT,                                                      \
      "queue size and addresses are not accessed while the queue is ready",                        \
      "mmio.c: queue programming", neg_mmio7_queue_num_written_while_ready)                        \
    X(MMIO_ACK_BITS, "MMIO-8", MMIO_LAYOUT, "InterruptACK carries no undefined bits",              \
      "mmio.c: InterruptACK", neg_mmio8_ack_with_an_undefined_bit)                                 \
    X(MMIO_CONFIG_WIDTH, "MMIO-9", MMIO_LAYOUT,                                                    \
      "device configuration space is accessed with aligned 8/16/32-bit accesses",                  \
      "mmio.c: config access", neg_mmio9_unaligned_config_read)                                    \
    X(MMIO_IGNORED_DEVICE, "MMIO-10", MMIO_LAYOUT,                                                 \
      "a device with a bad MagicValue or Version, or DeviceID 0, is left alone",                   \
      "mmio.c: register access", neg_mmio10_empty_slot_status_read)                                \
    X(MMIO_LEGACY_QUEUE, "MMIO-11", MMIO_LEGACY,                                                   \
      "GuestPageSize and QueueAlign are powers of 2, GuestPageSize is set before QueuePFN",        \
      "mmio.c: legacy queue", neg_mmio11_queue_pfn_before_guest_page_size)                         \
    X(MMIO_NOTIFY, "MMIO-12", MMIO_LAYOUT, "QueueNotify names an existing, enabled queue",         \
      "device.c: notify", neg_mmio12_notify_of_a_disabled_queue)                                   \
    X(MMIO_READY_READ, "MMIO-13", MMIO_LAYOUT,                                                     \
      "a QueueReady of 0 is read back before the device is used further",                          \
      "mmio.c: register access", neg_mmio13_queue_ready_zero_not_read_back)                        \
    X(MMIO_ACK_REPORTED, "MMIO-14", MMIO_NOTIFY,                                                   \
      "InterruptACK acknowledges only events InterruptStatus reported", "mmio.c: InterruptACK",    \
      neg_mmio14_ack_without_reading_status)                                                       \
    X(MMIO_SHM, "MMIO-15", MMIO_INIT,                                                              \
      "the shared memory registers are not used (no bench device has shared memory)",              \
      "mmio.c: register access", neg_mmio15_shm_length_read)                                       \
    X(MMIO_PROBE_FIRST, "MMIO-16", MMIO_INIT,                                                      \
      "MagicValue, Version and DeviceID are read before any other register",                       \
      "mmio.c: register access", neg_mmio16_status_before_probe)                                   \
    U(MMIO_ISR_UNDEFINED, "MMIO-17", MMIO_LAYOUT, "undefined InterruptStatus bits are ignored",    \
      "ignoring is inside the driver; the bench never sets an undefined bit")                      \
    /* ---- Virtio Over PCI Bus ---- */                                                            \
    X(PCI_WIDTH, "PCI-1", PCI_LAYOUT,                                                              \
      "virtio structure fields are accessed with their own width, aligned, inside a structure",    \
      "pci_virtio.c: BAR4 access", neg_pci1_common_field_wrong_width)                              \
    X(PCI_CAP_WRITE, "PCI-2", PCI_CAPS,                                                            \
      "capability structures are not written, except VIRTIO_PCI_CAP_PCI_CFG's window",             \
      "pci_host.c: config write", neg_pci2_capability_written)                                     \
    X(PCI_WRITE_RO, "PCI-3", PCI_COMMON,                                                           \
      "device_feature, num_queues, config_generation and queue_notify_off are not written",        \
      "pci_virtio.c: common config", neg_pci3_num_queues_written)                                  \
    X(PCI_QUEUE_SIZE, "PCI-4", PCI_COMMON,                                                         \
      "queue_size is a power of 2, at most the maximum, of an available queue",                    \
      "pci_virtio.c: common config", neg_pci4_queue_size_not_a_power_of_two)                       \
    X(PCI_QUEUE_LIVE, "PCI-5", PCI_COMMON,                                                         \
      "the queue addresses are set before queue_enable and not changed while it is enabled",       \
      "pci_virtio.c: common config", neg_pci5_queue_enabled_unconfigured)                          \
    X(PCI_QUEUE_DISABLE, "PCI-6", PCI_COMMON, "0 is never written to queue_enable",                \
      "pci_virtio.c: common config", neg_pci6_queue_enable_zero)                                   \
    X(PCI_RESET_READ, "PCI-7", PCI_COMMON,                                                         \
      "after writing 0 to device_status the driver reads 0 back before initializing again",        \
      "pci_virtio.c: device_status", neg_pci7_reinit_before_reading_zero)                          \
    X(PCI_NOTIFY, "PCI-8", PCI_NOTIFY,                                                             \
      "a notification is a 16-bit write of an enabled queue's index at its notify address",        \
      "pci_virtio.c: notify area", neg_pci8_notify_32bit)                                          \
    X(PCI_IGNORED_DEVICE, "PCI-9", PCI_DETECTION,                                                  \
      "a function with missing or malformed virtio capabilities is left alone",                    \
      "pci_virtio.c, pci_host.c: BAR access", neg_pci9_malformed_function_touched)                 \
    X(PCI_BAR, "PCI-10", PCI_BUS,                                                                  \
      "BARs are sized with decoding off, then placed inside the host window without overlap",      \
      "pci_host.c: BAR write", neg_pci10_bar_sized_while_decoding)                                 \
    X(PCI_CFG_ALIGN, "PCI-11", PCI_BUS, "configuration space accesses are naturally aligned",      \
      "pci_host.c: ECAM access", neg_pci11_unaligned_config_read)                                  \
    X(PCI_MASTER, "PCI-12", PCI_BUS, "bus mastering is on before a queue is enabled",              \
      "pci_virtio.c: queue_enable", neg_pci12_queue_enabled_without_bus_master)                    \
    X(PCI_CFG_WINDOW, "PCI-13", PCI_CFG_CAP,                                                       \
      "pci_cfg_data is used only with an aligned cap.offset whose cap.length bytes lie in BAR4",   \
      "pci_host.c: pci_cfg_data", neg_pci13_pci_cfg_window_unaligned)                              \
    U(PCI_MATCH, "PCI-14", PCI_DISCOVERY,                                                          \
      "devices are matched by vendor 0x1AF4 and device id, whatever the revision",                 \
      "matching is the driver's choice of functions; a function left alone cannot tell why")       \
    U(PCI_CAP_IGNORE, "PCI-15", PCI_CAPS,                                                          \
      "reserved cfg_type or bar ignored, larger cap_len and length accepted, first instance used", \
      "the bench presents no such capability; test_pci_transport covers it with a scripted fake")  \
    U(PCI_QUEUE_RESET, "PCI-16", PCI_COMMON,                                                       \
      "queue_reset read back as 0 (RING_RESET); admin queues in their range (ADMIN_VQ)",           \
      "the bench never offers VIRTIO_F_RING_RESET or VIRTIO_F_ADMIN_VQ")                           \
    U(PCI_NOTIFY_DATA, "PCI-17", PCI_NOTIFY,                                                       \
      "32-bit notifications with NOTIFICATION_DATA, config data with NOTIF_CONFIG_DATA",           \
      "the bench never offers VIRTIO_F_NOTIFICATION_DATA or VIRTIO_F_NOTIF_CONFIG_DATA")           \
    U(PCI_ISR_MSIX, "PCI-18", PCI_ISR, "ISR status is not read on a queue interrupt with MSI-X",   \
      "the bench has no MSI-X (SHOULD-level)")                                                     \
    U(PCI_VENDOR_CAP, "PCI-19", PCI_VENDOR, "vendor data is qualified by vendor_id before use",    \
      "the bench presents no vendor data capability")                                              \
    U(PCI_SHARED_IRQ, "PCI-20", PCI_CONFIG_CHANGE,                                                 \
      "one interrupt may signal a configuration change and used buffers at once",                  \
      "handling is inside the driver")                                                             \
    /* ---- Block Device ---- */                                                                   \
    X(BLK_RANGE, "BLK-1", BLK_OP, "no request reads or writes beyond capacity",                    \
      "devices/blk.c: request", neg_blk1_read_beyond_capacity)                                     \
    X(BLK_LEN, "BLK-2", BLK_OP, "T_IN and T_OUT data lengths are multiples of 512",                \
      "devices/blk.c: request", neg_blk2_write_of_100_bytes)                                       \
    X(BLK_GET_ID, "BLK-3", BLK_OP, "T_GET_ID data is 20 bytes", "devices/blk.c: request",          \
      neg_blk3_get_id_of_16_bytes)                                                                 \
    X(BLK_FLUSH_SECTOR, "BLK-4", BLK_OP, "T_FLUSH has sector 0", "devices/blk.c: request",         \
      neg_blk4_flush_with_a_sector)                                                                \
    X(BLK_FRAMING, "BLK-5", BLK_OP,                                                                \
      "a request is a readable 16-byte header, data, and a writable status byte",                  \
      "devices/blk.c: request", neg_blk5_status_byte_readable)                                     \
    X(BLK_WRITEBACK, "BLK-6", BLK_INIT, "writeback is not read before FEATURES_OK",                \
      "devices/blk.c: config_read", neg_blk6_writeback_read_before_features_ok)                    \
    U(BLK_NEGOTIATE, "BLK-7", BLK_INIT,                                                            \
      "ZONED only with zoned support; FLUSH only when flushes are sent (SHOULD)",                  \
      "the bench never offers ZONED; which commands a driver can send is its own")                 \
    U(BLK_OTHER_CMDS, "BLK-8", BLK_OP,                                                             \
      "DISCARD, WRITE_ZEROES, SECURE_ERASE and zoned request rules",                               \
      "the bench offers none of these commands")                                                   \
    U(BLK_SHOULD, "BLK-9", BLK_OP,                                                                 \
      "RO accepted, capacity re-read on a config change, no data in T_FLUSH (SHOULD); "            \
      "no assumptions after writeback 0 or a failed multi-segment request",                        \
      "SHOULD-level, or assumptions inside the driver")                                            \
    /* ---- Network Device ---- */                                                                 \
    X(NET_TX_HDR, "NET-1", NET_TX, "without VIRTIO_NET_F_CSUM a transmitted header has flags 0",   \
      "devices/net.c: transmit", neg_net1_tx_flags_set)                                            \
    X(NET_TX_CHAIN, "NET-2", NET_TX,                                                               \
      "a transmit buffer is device-readable only and holds the whole (receive-sized) header",      \
      "devices/net.c: transmit", neg_net2_tx_shorter_than_the_header)                              \
    X(NET_RX_BUF, "NET-3", NET_RX,                                                                 \
      "a receive buffer is device-writable only and, with MRG_RXBUF, holds at least the header",   \
      "devices/net_rx.c: receive", neg_net3_rx_buffer_readable)                                    \
    X(NET_LEGACY_FRAMING, "NET-4", NET_LEGACY,                                                     \
      "without VIRTIO_F_ANY_LAYOUT (legacy) the header is alone in the first descriptor",          \
      "devices/net.c, net_rx.c", neg_net4_legacy_header_with_the_frame)                            \
    X(NET_CFG_WRITE, "NET-5", NET_CFG, "no configuration field is written (legacy: mac aside)",    \
      "device.c + net.c: config_write", neg_net5_status_written)                                   \
    X(NET_TX_GSO, "NET-6", NET_TX,                                                                 \
      "gso_type is NONE unless its HOST_TSO4/TSO6/UFO/USO feature was negotiated",                 \
      "devices/net.c: transmit", neg_net6_tx_gso_tcpv4)                                            \
    X(NET_TX_NUM_BUFFERS, "NET-7", NET_TX, "a transmitted header has num_buffers 0",               \
      "devices/net.c: transmit", neg_net7_tx_num_buffers_set)                                      \
    U(NET_MAC, "NET-8", NET_CFG,                                                                   \
      "with VIRTIO_NET_F_MAC the NIC uses mac; link state read from status (SHOULD)",              \
      "a device sees frames, not the address or link state the OS configured")                     \
    U(NET_MTU_MQ, "NET-9", NET_CFG,                                                                \
      "with VIRTIO_NET_F_MTU room for an mtu packet and no larger transmits; MQ queue use",        \
      "the bench never offers VIRTIO_NET_F_MTU or VIRTIO_NET_F_MQ")                                \
    U(NET_RX_SIZE, "NET-10", NET_RX,                                                               \
      "without MRG_RXBUF receive buffers of at least 1526 bytes (SHOULD)", "SHOULD-level")         \
    /* ---- GPU Device ---- */                                                                     \
    U(GPU_BLOB_ALIGN, "GPU-1", GPU_CONTROLQ,                                                       \
      "with BLOB_ALIGNMENT, CREATE_BLOB sizes are multiples of blob_alignment",                    \
      "the bench GPU offers neither RESOURCE_BLOB nor BLOB_ALIGNMENT; a blob command is GPU-2")    \
    X(GPU_CMD_FEATURE, "GPU-2", GPU_CONTROLQ,                                                      \
      "controlq commands belong to negotiated features (GET_EDID needs EDID; 3D, blob, UUID "      \
      "commands theirs)",                                                                          \
      "devices/gpu.c: dispatch", neg_gpu2_get_edid_without_edid)                                   \
    X(GPU_CMD_QUEUE, "GPU-3", GPU_CONTROLQ,                                                        \
      "cursor commands go to the cursorq, every other command to the controlq",                    \
      "devices/gpu.c: dispatch", neg_gpu3_cursor_command_on_the_controlq)                          \
    X(GPU_FRAMING, "GPU-4", GPU_REQ,                                                               \
      "a request is a readable ctrl_hdr (24 bytes) or more, then a writable response as large",    \
      "devices/gpu.c: serve", neg_gpu4_request_without_a_response_buffer)                          \
    /* ---- the vio HAL ---- */                                                                    \
    X(HAL_DMA_FREE, "HAL-1", HAL, "dma_free releases exactly what dma_alloc gave",                 \
      "machine.c: dma_free", neg_hal1_dma_free_of_the_wrong_length)                                \
    X(HAL_UNSHARE, "HAL-2", HAL,                                                                   \
      "unshare matches an earlier share: address, buffer, length and direction",                   \
      "guestmem.c: unshare", neg_hal2_unshare_of_nothing_shared)                                   \
    X(HAL_UNMAPPED, "HAL-3", HAL, "register accesses hit a mapped device window",                  \
      "machine.c: address decoder", neg_hal3_read_of_an_unmapped_address)                          \
    X(HAL_PHYS, "HAL-4", HAL, "phys_to_virt is asked only for guest memory or a device window",    \
      "machine.c: phys_to_virt", neg_hal4_phys_to_virt_of_nothing)                                 \
    X(HAL_SHARE, "HAL-5", HAL, "share is given a non-empty buffer and a direction",                \
      "machine.c: share", neg_hal5_share_of_zero_bytes)

#endif
