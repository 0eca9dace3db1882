/*
 * A scripted transport for unit tests of the queue and the common init code:
 * every op records what the driver asked and answers what the test set.
 */
#ifndef FAKE_TRANSPORT_H
#define FAKE_TRANSPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "fake_hal.h"
#include "vio/transport.h"

#define FAKE_TRANSPORT_LOG 32
#define FAKE_TRANSPORT_CONFIG 64

struct fake_transport {
    struct vio_transport t; /* first, as in the real transports */

    /* Device Status Field: every value written, in order (0 for a reset) */
    uint8_t status;
    uint8_t status_log[FAKE_TRANSPORT_LOG];
    unsigned n_status;
    int reset_rc;            /* what reset() returns */
    bool refuse_features_ok; /* FEATURES_OK never reads back */

    uint64_t offered;
    uint64_t driver_features;
    unsigned feature_writes;

    uint32_t queue_max;
    bool queue_live;
    int setup_rc;
    unsigned setup_calls, teardown_calls;
    uint16_t setup_idx, setup_size;
    vio_paddr_t setup_desc, setup_avail, setup_used;

    unsigned notifies;
    uint16_t last_notify;
    void (*on_notify)(struct fake_transport *ft); /* a device that serves on notify */

    uint8_t config[FAKE_TRANSPORT_CONFIG];
    uint32_t config_size;
    uint32_t generation;
    unsigned generation_reads;
    unsigned config_reads;
    unsigned gen_bumps_left;    /* each config read bumps the generation while > 0 */
    unsigned config_flips_left; /* counts down per config read: inverted bits when it hits even */
    unsigned widths[5];         /* config reads per access width */
};

void fake_transport_init(struct fake_transport *ft, struct fake_hal *fh);

#endif
