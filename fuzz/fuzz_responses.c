/*
 * Fuzz target: the device's responses (blk status bytes, net rx headers,
 * lengths and num_buffers, GPU response headers and bodies) come from the
 * input while blk, net and GPU operations run (fz_format.h, FZ_RING_HEADER).
 * Nothing may crash, leak, hang or hand back a buffer the driver does not
 * hold.
 */
#include <stddef.h>
#include <stdint.h>

#include "fz_dev.h"
#include "fz_run_ring.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fz_run_ring(data, size, FZ_RESP);
}
