/*
 * The bare-metal port: what an architecture directory (arch/<name>/) provides
 * and the services the portable part builds on it.
 *
 * arch/<name>/ holds start.S (entry, stack, .bss, calls guest_main and then
 * plat_exit with its result), link.ld (defines __dma_start/__dma_end),
 * arch.h (arch_read8..32/arch_write8..32 with I/O fences, arch_relax,
 * arch_time_now, ARCH_TIME_HZ), platform.h (the machine's address map) and
 * platform.c (the functions below).
 */
#ifndef VIO_QEMU_PORT_H
#define VIO_QEMU_PORT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vio/hal.h"

/* Exit status when the CPU trapped; guest failures use 1..PORT_EXIT_TRAP-1. */
#define PORT_EXIT_TRAP 255

/* mem.c: the C library functions a freestanding compiler may call on its own. */
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

/* platform.c */
void plat_putc(char c);
/* 0: pass; 1..255: fail (the host sees this as QEMU's exit status). */
_Noreturn void plat_exit(int code);
/* The next byte the console received, or -1 when none is waiting (never blocks). */
int plat_getc(void);
/* Called from the trap vector: reports the trap and exits with PORT_EXIT_TRAP. */
_Noreturn void plat_trap(uint64_t cause, uint64_t epc, uint64_t tval);

/* console.c: printf subset: %s %c %d %u %x %p %%, flags 0 and width, length l ll z. */
void con_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void con_vprintf(const char *fmt, va_list ap);
/* The same into @buf (@cap bytes, always terminated when @cap > 0); returns the full length. */
size_t con_snprintf(char *buf, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* page_alloc.c: zeroed, page-aligned, physically contiguous pages from the DMA pool. */
void *page_alloc(size_t pages);
/* Returns false (and frees nothing) when the range was not allocated as given. */
bool page_free(void *va, size_t pages);
size_t page_in_use(void);
size_t page_capacity(void);

/* hal.c: the platform HAL (identity-mapped, coherent DMA). */
const struct vio_hal *port_hal(void);
/* share() calls without their unshare(), and HAL misuse seen (bad free, bad share). */
long port_hal_shares_outstanding(void);
unsigned port_hal_misuse(void);

/* Clock, in ticks of ARCH_TIME_HZ. */
uint64_t port_time_now(void);
uint64_t port_ticks_to_ns(uint64_t ticks);
uint64_t port_ticks_from_ms(uint32_t ms);

#endif
