// KVM guest (fixtures tests/kvm/fixtures/kvm_s1_sysreg-*.txt): the MMU on (stage 1 over KVM's stage
// 2), MMIO through a stage 1 alias, a stage 1 translation fault, EL0 (SVC, trapped and
// UNDEFINED accesses, exclusives), EL1 exclusives, and the system registers KVM traps
// (IMPLEMENTATION DEFINED, PMU without a vCPU PMU, debug). Built by npm run images; every report
// is a 64-bit store to 0x09000000 (VA = IPA there).
        .macro  movq reg, val
        movz    \reg, #((\val) & 0xffff)
        movk    \reg, #(((\val) >> 16) & 0xffff), lsl #16
        movk    \reg, #(((\val) >> 32) & 0xffff), lsl #32
        movk    \reg, #(((\val) >> 48) & 0xffff), lsl #48
        .endm
        .equ    L1, 0x40100000
        .equ    L2A, 0x40101000                 // VA 0-1 GiB
        .equ    L2B, 0x40102000                 // VA 1-2 GiB
        .equ    L2C, 0x40103000                 // VA 2-3 GiB
        .equ    EL0VA, 0x00200000               // EL0's alias of the slot
        .text
        .global _start
_start:
        movz    x20, #0x0900, lsl #16
        adr     x0, vectors
        msr     vbar_el1, x0
        // Tables: 2 MiB blocks. Device (AttrIndx 0, XN) at VA 0x09000000 and 0x80000000 -> IPA
        // 0x09000000; Normal (AttrIndx 1) VA 0x40000000 -> 0x40000000 for EL1; EL0's alias
        // VA 0x00200000 -> 0x40000000 (AP = EL0/EL1 RW, PXN).
        movq    x1, L1
        movq    x2, (L2A | 3);  str x2, [x1, #0]
        movq    x2, (L2B | 3);  str x2, [x1, #8]
        movq    x2, (L2C | 3);  str x2, [x1, #16]
        movq    x1, L2A
        movq    x2, 0x0060000009000401; str x2, [x1, #(0x48 * 8)]
        movq    x2, 0x0020000040000745; str x2, [x1, #8]
        movq    x1, L2B
        movq    x2, 0x0040000040000705; str x2, [x1]
        movq    x1, L2C
        movq    x2, 0x0060000009000401; str x2, [x1]
        movq    x0, 0xff00                      // MAIR: attr0 Device-nGnRnE, attr1 Normal WB
        msr     mair_el1, x0
        // TCR: T0SZ 25, IRGN0/ORGN0 WB, SH0 inner, TG0 4 KiB, EPD1, IPS 32 bits
        movq    x0, (25 | (1 << 8) | (1 << 10) | (3 << 12) | (1 << 23))
        msr     tcr_el1, x0
        movq    x0, L1
        msr     ttbr0_el1, x0
        isb
        mrs     x0, sctlr_el1
        orr     x0, x0, #1                      // M
        orr     x0, x0, #(1 << 2)               // C
        orr     x0, x0, #(1 << 12)              // I
        msr     sctlr_el1, x0
        isb
        mrs     x0, sctlr_el1;      str x0, [x20]
        // MMIO through the alias: exits name the IPA
        movz    x22, #0x8000, lsl #16
        movz    x0, #0xabcd
        str     x0, [x22, #8]
        ldr     w1, [x22, #0x10];   str x1, [x20]
        // A stage 1 translation fault (VA 0xc0000000: no level 1 entry)
        movz    x23, #0xc000, lsl #16
        ldr     x1, [x23]
        // Exclusives at EL1 on RAM
        adr     x21, data
        ldxr    x2, [x21]
        add     x2, x2, #1
        stxr    w3, x2, [x21];      str x3, [x20]
        stxr    w3, x2, [x21];      str x3, [x20]
        ldr     x2, [x21];          str x2, [x20]
        // System registers KVM traps: IMPLEMENTATION DEFINED (CBAR_EL1), PMU without a vCPU
        // PMU (PMCR_EL0), a seventh breakpoint (DBGBVR6_EL1), ACTLR_EL1, MDCCSR_EL0
        mov     x0, #0x5a
        mrs     x0, s3_1_c15_c3_0;  str x0, [x20]
        mov     x0, #0x5b
        mrs     x0, pmcr_el0;       str x0, [x20]
        mov     x0, #0x5c
        mrs     x0, dbgbvr6_el1;    str x0, [x20]
        mrs     x0, actlr_el1;      str x0, [x20]
        mrs     x0, mdccsr_el0;     str x0, [x20]
        mrs     x0, dbgbvr0_el1;    str x0, [x20]
        // EL0: its alias of this code and data, its stack
        movz    x9, #0x4000, lsl #16
        sub     x9, x9, #(EL0VA >> 12), lsl #12 // slot VA - EL0 VA
        adr     x0, el0_code
        sub     x0, x0, x9
        msr     elr_el1, x0
        sub     x21, x21, x9
        movq    x0, (EL0VA + 0x1f0000)
        msr     sp_el0, x0
        msr     spsr_el1, xzr                   // EL0t, interrupts unmasked
        eret
el1_after:
        str     x3, [x20]
        str     x4, [x20]
        str     x2, [x20]
        movz    x0, #0x8400, lsl #16            // PSCI SYSTEM_OFF
        movk    x0, #0x0008
        hvc     #0
1:      b       1b

el0_code:
        mov     x1, #0x77
        svc     #1
        mrs     x0, ctr_el0                     // SCTLR_EL1.UCT = 0: trapped (EC 0x18)
        mrs     x0, sctlr_el1                   // UNDEFINED at EL0
        mrs     x0, cntvct_el0                  // CNTKCTL_EL1.EL0VCTEN = 0: trapped
        ldxr    x2, [x21]
        add     x2, x2, #1
        stxr    w3, x2, [x21]
        stxr    w4, x2, [x21]
        ldr     x5, [x21, #8]
        str     x5, [sp, #-16]!
        svc     #2                              // back to EL1 (el1_after)

// Handler for EL1 and EL0: reports ESR, ELR, SPSR (FAR for aborts); skips the instruction
// unless it was an SVC; SVC #2 returns to el1_after at EL1h.
handler:
        mrs     x11, esr_el1;       str x11, [x20]
        mrs     x12, elr_el1;       str x12, [x20]
        mrs     x13, spsr_el1;      str x13, [x20]
        lsr     x14, x11, #26
        cmp     x14, #0x25
        b.eq    1f
        cmp     x14, #0x24
        b.ne    2f
1:      mrs     x15, far_el1;       str x15, [x20]
2:      cmp     x14, #0x15
        b.ne    3f
        and     x15, x11, #0xffff
        cmp     x15, #2
        b.ne    4f
        adr     x12, el1_after
        msr     elr_el1, x12
        mov     x13, #0x3c5
        msr     spsr_el1, x13
        eret
3:      add     x12, x12, #4
        msr     elr_el1, x12
4:      eret

        .balign 16
data:   .quad   0x100, 0x200

        .balign 0x800
vectors:
        .rept   4
        b       .
        .balign 0x80
        .endr
        b       handler                         // current EL with SPx, synchronous
        .balign 0x80
        .rept   3
        b       .
        .balign 0x80
        .endr
        b       handler                         // lower EL, AArch64, synchronous
        .balign 0x80
        .rept   3
        b       .
        .balign 0x80
        .endr
