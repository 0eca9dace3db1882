/*
 * riscv64: device register access, the busy-wait hint and the clock.
 *
 * Fences (RISC-V unprivileged ISA, "Memory Ordering Instructions"): device
 * registers are I/O space (the i/o sets), rings and buffers are main memory
 * (the r/w sets).
 * - before a register store, "fence iorw,o": every earlier ring or buffer
 *   write and every earlier register access is performed before the store,
 *   so QueueNotify or a Status write never overtakes the data it announces.
 * - after a register load, "fence i,ir": no later memory or register read is
 *   satisfied before this load, so a buffer or used-ring read that follows a
 *   status or interrupt read sees what the device had written by then.
 * The "memory" clobbers stop the compiler from moving accesses across them.
 */
#ifndef VIO_QEMU_ARCH_H
#define VIO_QEMU_ARCH_H

#include <stdint.h>

#define ARCH_NAME "riscv64"

/* The `time` CSR counts at the device tree's timebase-frequency. */
#define ARCH_TIME_HZ 10000000ull

#define ARCH__FENCE_BEFORE_STORE() __asm__ volatile("fence iorw, o" ::: "memory")
#define ARCH__FENCE_AFTER_LOAD() __asm__ volatile("fence i, ir" ::: "memory")

static inline uint8_t arch_read8(uintptr_t addr)
{
    uint8_t v = *(volatile uint8_t *)addr;
    ARCH__FENCE_AFTER_LOAD();
    return v;
}

static inline uint16_t arch_read16(uintptr_t addr)
{
    uint16_t v = *(volatile uint16_t *)addr;
    ARCH__FENCE_AFTER_LOAD();
    return v;
}

static inline uint32_t arch_read32(uintptr_t addr)
{
    uint32_t v = *(volatile uint32_t *)addr;
    ARCH__FENCE_AFTER_LOAD();
    return v;
}

static inline void arch_write8(uintptr_t addr, uint8_t val)
{
    ARCH__FENCE_BEFORE_STORE();
    *(volatile uint8_t *)addr = val;
}

static inline void arch_write16(uintptr_t addr, uint16_t val)
{
    ARCH__FENCE_BEFORE_STORE();
    *(volatile uint16_t *)addr = val;
}

static inline void arch_write32(uintptr_t addr, uint32_t val)
{
    ARCH__FENCE_BEFORE_STORE();
    *(volatile uint32_t *)addr = val;
}

/*
 * Zihintpause PAUSE, emitted by its encoding (FENCE with pred=w, succ=0) so
 * the assembler needs no extension; cores without Zihintpause run it as a
 * harmless fence.
 */
static inline void arch_relax(void)
{
    __asm__ volatile(".4byte 0x0100000f" ::: "memory");
}

static inline uint64_t arch_time_now(void)
{
    uint64_t t;
    __asm__ volatile("rdtime %0" : "=r"(t));
    return t;
}

#endif
