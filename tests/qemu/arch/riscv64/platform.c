/* riscv64 virt: console on the ns16550 UART (both ways), exit through the SiFive test device, trap
 * report. */
#include <stdint.h>

#include "arch.h"
#include "platform.h"
#include "port.h"

#define UART_THR 0u /* written */
#define UART_RBR 0u /* read */
#define UART_LSR 5u
#define UART_LSR_DR 0x01u
#define UART_LSR_THRE 0x20u

#define TEST_PASS 0x5555u
#define TEST_FAIL 0x3333u

void plat_putc(char c)
{
    /* Bounded: a console that never drains must not hang the test forever. */
    for (uint32_t i = 0; i < 1000000u; i++) {
        if (arch_read8(PLAT_UART_BASE + UART_LSR) & UART_LSR_THRE)
            break;
        arch_relax();
    }
    arch_write8(PLAT_UART_BASE + UART_THR, (uint8_t)c);
}

int plat_getc(void)
{
    if ((arch_read8(PLAT_UART_BASE + UART_LSR) & UART_LSR_DR) == 0)
        return -1;
    return arch_read8(PLAT_UART_BASE + UART_RBR);
}

/* QEMU keeps 8 bits of the exit status, so failures are clamped to 1..255. */
void plat_exit(int code)
{
    uint32_t val = TEST_PASS;
    if (code != 0) {
        uint32_t c = code < 0 || code > 255 ? 255u : (uint32_t)code;
        val = (c << 16) | TEST_FAIL;
    }
    arch_write32(PLAT_TEST_BASE, val);
    for (;;)
        __asm__ volatile("wfi");
}

void plat_trap(uint64_t cause, uint64_t epc, uint64_t tval)
{
    con_printf("FAIL trap: mcause=0x%llx mepc=0x%llx mtval=0x%llx\n", (unsigned long long)cause,
               (unsigned long long)epc, (unsigned long long)tval);
    plat_exit(PORT_EXIT_TRAP);
}
