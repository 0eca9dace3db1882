/*
 * riscv64 start-up, entered in M-mode at the start of RAM (-bios none) with
 * a0 = hart id. Hart 0 sets a trap vector and its stack, zeroes .bss, runs
 * guest_main() and exits with its result; any other hart parks.
 */
    .section .text.start, "ax"
    .globl _start
_start:
    bnez    a0, park
    la      t0, trap_entry
    csrw    mtvec, t0
    la      sp, __stack_top
    la      t0, __bss_start
    la      t1, __bss_end
zero_bss:
    bgeu    t0, t1, bss_done
    sd      zero, 0(t0)
    addi    t0, t0, 8
    j       zero_bss
bss_done:
    call    guest_main
    call    plat_exit
park:
    wfi
    j       park

/* Direct mode needs a 4-byte aligned vector; report the trap and exit with a failure. */
    .balign 4
trap_entry:
    csrr    a0, mcause
    csrr    a1, mepc
    csrr    a2, mtval
    call    plat_trap
    j       park
