/* The shared body of fuzz_used_ring and fuzz_responses. */
#ifndef FZ_RUN_RING_H
#define FZ_RUN_RING_H

#include <stddef.h>
#include <stdint.h>

/*
 * One exec: a well-behaved MMIO register file in front of a device of the
 * header's type (FZ_RING_HEADER), whose @mode behaviour (FZ_USED or
 * FZ_RESP) follows the device stream while the op script drives the driver.
 */
int fz_run_ring(const uint8_t *data, size_t size, unsigned mode);

#endif
