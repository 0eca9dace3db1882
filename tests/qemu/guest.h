/*
 * The guest program that runs the driver against QEMU's devices. Every step
 * prints one line "<device>: <what> ok" or "<device>: <what> FAIL: <why>";
 * the host runner (qemu_run.py) parses these lines, so keep their shape.
 */
#ifndef VIO_QEMU_GUEST_H
#define VIO_QEMU_GUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "axdriver/base.h"
#include "vio/transport.h"

/* One line per step; a failed step counts towards the exit status. Returns @ok. */
bool guest_step(bool ok, const char *who, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A failed step inside a loop whose passes are summarised by one guest_step. Returns false. */
bool guest_fail(const char *who, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
unsigned guest_failures(void);

/*
 * The image pattern the host writes (qemu_devices.py has the same function):
 * byte i of 512-byte sector s under seed g is byte i of the little-endian
 * u64 (s | g << 56) for i < 8, else (s * 7 + g * 101 + i) mod 256. The host
 * fills the image with seed 0; the guest writes seed 1.
 */
uint8_t guest_pattern_byte(uint64_t sector, unsigned seed, unsigned i);
void guest_pattern_fill(void *buf, uint64_t first_sector, size_t sectors, unsigned seed);
/* Returns true when it matches; otherwise sets *bad to the first wrong sector. */
bool guest_pattern_check(const void *buf, uint64_t first_sector, size_t sectors, unsigned seed,
                         uint64_t *bad);

/*
 * Device workloads: each brings the device behind @t (from an axdriver_virtio
 * probe) up through its wrapper, exercises it and tears it down. @at names
 * where it was found ("mmio7", "pci00:01.0"), as the info lines report it.
 */
void guest_blk_run(struct vio_transport *t, const char *at);
void guest_gpu_run(struct vio_transport *t, const char *at);
void guest_net_run(struct vio_transport *t, const char *at);

/* Runs the workload of an axdriver device type; false when there is none in this build. */
bool guest_run_device(enum ax_device_type type, struct vio_transport *t, const char *at);

/* PCI: assigns buses and BARs, lists every function, probes and runs the virtio ones. */
void guest_pci_run(void);
/*
 * One step of the host's: waits up to @ms for a byte on the console. A line
 * "<who>: waiting for the host: <what>" tells the host runner what to do;
 * it answers 'D' once done, anything else when it failed. Returns the step.
 */
bool guest_wait_host(const char *who, const char *what, uint32_t ms);

struct vio_blk;
/* 4 KiB reads per second and ns per request at queue depth 1 and 32. */
void guest_bench_blk(struct vio_blk *b, const char *who);

#endif
