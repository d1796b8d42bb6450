// KVM guest: exclusives (Arm ARM B2.9) on Normal memory with the MMU on. Each result is
// one report (a 64-bit store to 0x09000000): loaded values, STXR status (0 = stored,
// 1 = not), memory afterwards, and ESR/ELR/SPSR/FAR of the faults.
#include "kvm.inc"

        .equ    EX, DATA                        // exclusive data, 16-byte aligned
        .equ    PAIR, DATA + 0x10
        .equ    COUNTER, DATA + 0x40
        .equ    RO_PAGE, DATA + 0x1000          // read-only at EL1

        .text
        .global _start
_start:
        guest_start
        build_tables PG_NORMAL, PG_NORMAL | PXN | UXN
        set_page RO_PAGE, PG_NORMAL | AP_EL1_RO | PXN | UXN
        mmu_on
        movq    x9, EX
        movq    x0, 0x1111222233334444
        str     x0, [x9]

        // Nothing between a load-exclusive and its store-exclusive reports: a report is an
        // exit to the host, and the exception return back into the guest clears the local
        // monitor (Arm ARM D1.11); the last case below shows that.

        // LDXR/STXR: the store succeeds (status 0)
        ldxr    x1, [x9]
        add     x3, x1, #1
        stxr    w2, x3, [x9]
        ldr     x4, [x9]
        report  x1                              // 0x1111222233334444
        report  x2                              // 0
        report  x4                              // 0x1111222233334445

        // CLREX between them: STXR fails and memory is unchanged
        ldxr    x1, [x9]
        clrex
        mov     x1, #0x5555
        stxr    w2, x1, [x9]
        ldr     x3, [x9]
        report  x2                              // 1
        report  x3                              // unchanged
        // no LDXR at all (the monitor is open): fails
        stxr    w2, x1, [x9]
        report  x2                              // 1

        // LDAXR/STLXR
        ldaxr   x1, [x9]
        eor     x3, x1, #0xff
        stlxr   w2, x3, [x9]
        ldr     x4, [x9]
        report  x1
        report  x2                              // 0
        report  x4

        // byte, halfword and word forms
        ldxrb   w1, [x9]
        add     w3, w1, #0x10
        stxrb   w2, w3, [x9]
        report  x1
        report  x2
        add     x10, x9, #2
        ldxrh   w1, [x10]
        add     w3, w1, #0x100
        stxrh   w2, w3, [x10]
        report  x1
        report  x2
        add     x10, x9, #4
        ldaxr   w1, [x10]
        mvn     w3, w1
        stlxr   w2, w3, [x10]
        report  x1
        report  x2
        ldr     x3, [x9]
        report  x3

        // exclusive pairs: LDXP/STXP (swap the halves), LDAXP/STLXP (W)
        movq    x10, PAIR
        movq    x4, 0xaaaabbbbccccdddd
        movq    x5, 0x0123456789abcdef
        stp     x4, x5, [x10]
        ldxp    x1, x3, [x10]
        stxp    w2, x3, x1, [x10]
        ldp     x4, x5, [x10]
        report  x1
        report  x3
        report  x2                              // 0
        report  x4
        report  x5
        ldaxp   w1, w3, [x10]
        stlxp   w2, w3, w1, [x10]
        ldr     x4, [x10]
        report  x1
        report  x3
        report  x2                              // 0
        report  x4
        // STXP after CLREX fails
        ldxp    x1, x3, [x10]
        clrex
        stxp    w2, x1, x1, [x10]
        ldp     x4, x5, [x10]
        report  x2                              // 1
        report  x4
        report  x5

        // A report between LDXR and STXR: the exit to the host and back clears the monitor,
        // so the store fails (status 1) and memory keeps its value
        ldxr    x1, [x9]
        report  x1
        stxr    w2, x9, [x9]
        ldr     x3, [x9]
        report  x2                              // 1
        report  x3

        // an atomic increment loop, ten times
        movq    x7, COUNTER
        str     xzr, [x7]
        mov     x6, #0
1:      ldxr    x1, [x7]
        add     x1, x1, #1
        stxr    w2, x1, [x7]
        cbnz    w2, 1b
        add     x6, x6, #1
        cmp     x6, #10
        b.ne    1b
        ldr     x1, [x7]
        report  x1                              // 10

        // Alignment faults (exclusives must be aligned to their size, Normal memory too):
        // DFSC 0x21, FAR the address
        add     x10, x9, #4
        ldxr    x1, [x10]
        add     x10, x9, #1
        ldaxrh  w1, [x10]
        add     x10, x9, #8
        ldxp    x1, x3, [x10]                   // a 16-byte pair at an 8-byte boundary
        // (Left out: an unaligned STXR with the monitor open. The Arm ARM's
        // AArch64.ExclusiveMonitorsPass checks alignment first (Alignment fault); QEMU 7.2
        // compares the monitor's address first and fails the store without a fault.)
        // STXR to a read-only page after a successful LDXR: a permission fault (WnR = 1)
        movq    x10, RO_PAGE
        ldxr    x1, [x10]
        stxr    w2, x1, [x10]
        clrex

        power_off
el0_done:
        b       .
        handler_code
