// KVM guest: EL0. EL1 builds stage 1 tables (the image read-only and executable at EL0 and
// EL1, data pages EL0 RW, one page EL1-only, one EL0-execute-never), enables the MMU with
// SCTLR_EL1.{nTWI, DZE, UCT, UCI} = 0, CPACR_EL1.FPEN = 0b01 (EL0 FP traps) and
// CNTKCTL_EL1 = 0, and enters EL0 by ERET. EL0 reports from registers and raises one
// exception after another; the handler (kvm.inc) reports ESR, ELR, SPSR (and FAR) and
// returns. SVC #0xff ends the EL0 part.
#include "kvm.inc"

        .equ    PG_CODE, PG_NORMAL | AP_RO                  // RO at EL0 and EL1, executable
        .equ    PG_DATA, PG_NORMAL | AP_RW | PXN | UXN      // RW at EL0 and EL1
        .equ    D0, DATA
        .equ    P_EL1, DATA + 0x1000                        // EL1 only
        .equ    P_RO, DATA + 0x2000                         // RO at EL0 and EL1

        .text
        .global _start
_start:
        guest_start
        build_tables PG_CODE, PG_DATA
        set_page P_EL1, PG_NORMAL | AP_EL1_RW | PXN | UXN
        set_page P_RO, PG_NORMAL | AP_RO | PXN | UXN
        adr     x3, el0_uxn
        set_page_at x3, PG_CODE | UXN
        movq    x9, D0
        movq    x0, 0x0123456789abcdef
        str     x0, [x9]
        movq    x10, P_EL1
        movq    x0, 0xe1e1e1e1
        str     x0, [x10]
        mov     x0, #(1 << 20)                  // FPEN = 0b01: EL0 FP/SIMD traps, EL1 does not
        msr     cpacr_el1, x0
        msr     cntkctl_el1, xzr                // EL0 counter and timer accesses trap
        mmu_on

        // to EL0 (EL0t, DAIF masked) with SP_EL0 at the top of the data page
        movq    x0, D0 + 0x1000
        msr     sp_el0, x0
        adr     x0, el0_code
        msr     elr_el1, x0
        mov     x0, #0x3c0
        msr     spsr_el1, x0
        isb
        eret

el0_done:                                       // from the handler: SVC #0xff at EL0
        mrs     x0, currentel
        report  x0                              // 0x4: EL1
        mrs     x0, spsel
        report  x0                              // 1: the handler runs on SP_EL1
        power_off

        handler_code

        .balign 4096
el0_code:
        mov     x0, sp
        report  x0                              // SP_EL0
        ldr     x0, [x9]
        report  x0                              // EL0 reads its data page
        add     x0, x0, #1
        str     x0, [x9, #8]
        ldr     x0, [x9, #8]
        report  x0
        mrs     x0, nzcv
        report  x0
        mrs     x0, tpidr_el0
        report  x0
        mrs     x0, dczid_el0                   // readable at EL0 (DZP shows SCTLR_EL1.DZE = 0)
        report  x0

        svc     #0x12                           // EC 0x15
        movq    x10, P_EL1
        ldr     x0, [x10]                       // EL1-only page: permission fault (EC 0x24)
        movq    x10, P_RO
        ldr     x0, [x10]                       // readable
        report  x0
        str     x0, [x10, #8]                   // read-only: permission fault, WnR
        mrs     x0, sctlr_el1                   // EL1 register: UNDEFINED (EC 0x00)
        msr     vbar_el1, x0                    // UNDEFINED
        wfi                                     // SCTLR_EL1.nTWI = 0: trapped (EC 0x01)
        dc      zva, x9                         // SCTLR_EL1.DZE = 0: trapped (EC 0x18)
        mrs     x0, ctr_el0                     // SCTLR_EL1.UCT = 0: trapped (EC 0x18)
        dc      cvau, x9                        // SCTLR_EL1.UCI = 0: trapped (EC 0x18)
        ic      ivau, x9                        // trapped (EC 0x18)
        mrs     x0, cntvct_el0                  // CNTKCTL_EL1.EL0VCTEN = 0: trapped (EC 0x18)
        mrs     x0, cntfrq_el0                  // EL0PCTEN = EL0VCTEN = 0: trapped (EC 0x18)
        fmov    d0, x9                          // CPACR_EL1.FPEN = 0b01: trapped (EC 0x07)
        hvc     #1                              // UNDEFINED at EL0
        smc     #1                              // UNDEFINED at EL0
        eret                                    // UNDEFINED at EL0
        brk     #0x21                           // EC 0x3c
        add     x10, x9, #4
        ldaxr   x0, [x10]                       // alignment fault (EC 0x24, DFSC 0x21)
        movq    x10, 0x80000000
        ldr     x0, [x10]                       // translation fault, level 1 (EC 0x24)
        bl      el0_uxn                         // UXN: Instruction Abort from EL0 (EC 0x20)
        mov     x0, #0x3c0
        mrs     x0, daif                        // SCTLR_EL1.UMA = 0: trapped (EC 0x18)
        report  x0                              // x0 unchanged
        // (Left out: MSR DAIFSet/DAIFClr at EL0, trapped as well; QEMU 7.2 swaps op1 and
        // op2 in that ISS.)
        svc     #0xff

        .balign 4096
el0_uxn:                                        // mapped with UXN: never runs at EL0
        ret
