// KVM guest: what KVM itself handles for an EL1 guest, with the MMU off. MMIO exits of
// every size (reads answered with 0x1122334455667788 by the probe: zero and sign
// extension); PSCI and SMCCC calls through HVC and an SMC (Linux arch/arm64/kvm/
// hypercalls.c, psci.c, handle_exit.c); system registers KVM traps and emulates, hides
// (PMU without the PMU_V3 feature, IMPLEMENTATION DEFINED registers: UNDEFINED) or shows
// sanitised; set/way cache maintenance; an FP trap at EL1; an instruction fetch from an
// IPA with no memory (KVM injects a Prefetch Abort).
#include "kvm.inc"

        .macro  psci fn, a1=0, a2=0, a3=0
        movq    x0, \fn
        movq    x1, \a1
        movq    x2, \a2
        movq    x3, \a3
        hvc     #0
        report  x0
        .endm

        .text
        .global _start
_start:
        guest_start

        // MMIO writes of each size: each exit shows the IPA, length and the bytes written
        movq    x1, 0x8877665544332211
        strb    w1, [x20, #1]
        strh    w1, [x20, #2]
        str     w1, [x20, #4]
        str     x1, [x20, #8]
        str     xzr, [x20, #0x18]
        mov     x2, #0x20
        str     x1, [x20, x2]                   // register offset
        // MMIO reads: zero and sign extension of the probe's answer
        ldrb    w0, [x20, #0x10]
        report  x0                              // 0x88
        // (Left out: LDRSB, whose byte 0x88 is negative. QEMU 7.2 leaves ISS.SSE 0 in the
        // stage 2 syndrome, so KVM (mmio.c: sign-extends only with SSE) returns 0x88; the Arm
        // ARM has SSE 1 for sign-extending loads, giving 0xffffffffffffff88.)
        ldrh    w0, [x20, #0x14]
        report  x0                              // 0x7788
        ldrsh   x0, [x20, #0x16]
        report  x0                              // 0x7788 (positive)
        ldr     w0, [x20, #0x18]
        report  x0                              // 0x55667788
        ldrsw   x0, [x20, #0x1c]
        report  x0                              // 0x55667788 (positive)
        ldr     x0, [x20, x2]
        report  x0                              // 0x1122334455667788

        // PSCI (0.2 and later, HVC conduit)
        psci    0x84000000                      // PSCI_VERSION
        psci    0x8400000a, 0x84000008          // PSCI_FEATURES(SYSTEM_OFF)
        psci    0x8400000a, 0xc4000003          // PSCI_FEATURES(CPU_ON, 64-bit)
        psci    0x8400000a, 0x84000099          // PSCI_FEATURES(unknown): NOT_SUPPORTED
        psci    0x84000006                      // MIGRATE_INFO_TYPE
        psci    0xc4000004, 0, 0                // AFFINITY_INFO(MPIDR 0, level 0): ON
        psci    0xc4000004, 1, 0                // AFFINITY_INFO(no such CPU)
        psci    0xc4000003, 0, 0x40000000, 0    // CPU_ON(this CPU): ALREADY_ON
        psci    0xc4000003, 1, 0x40000000, 0    // CPU_ON(no such CPU)
        psci    0x84000099                      // unknown PSCI function
        psci    0x80000000                      // SMCCC_VERSION
        psci    0x80000001, 0x80008000          // SMCCC_ARCH_FEATURES(ARCH_WORKAROUND_1)
        psci    0x80000001, 0x80007fff          // SMCCC_ARCH_FEATURES(ARCH_WORKAROUND_2)
        psci    0x80000001, 0x80003fff          // SMCCC_ARCH_FEATURES(ARCH_WORKAROUND_3)
        psci    0x80000001, 0x80000099          // SMCCC_ARCH_FEATURES(unknown)
        psci    0x84000050                      // TRNG_VERSION
        psci    0xc6000000                      // an OEM service call: NOT_SUPPORTED
        // the results registers: x1-x3 after a call
        movq    x0, 0x84000000
        mov     x1, #0x111
        mov     x2, #0x222
        mov     x3, #0x333
        hvc     #0
        report  x1
        report  x2
        report  x3
        // HVC with a non-zero immediate, and SMC (not KVM's PSCI conduit: x0 = -1)
        movq    x0, 0x84000000
        hvc     #0x55
        report  x0
        movq    x0, 0x84000000
        smc     #0
        report  x0

        // ID registers as KVM shows them (trapped by HCR_EL2.TID3, sanitised)
        .irp    reg, midr_el1, mpidr_el1, revidr_el1, id_aa64pfr0_el1, id_aa64pfr1_el1, id_aa64dfr0_el1, id_aa64isar0_el1, id_aa64isar1_el1, id_aa64mmfr0_el1, id_aa64mmfr1_el1, id_aa64mmfr2_el1, ctr_el0, clidr_el1, dczid_el0
        mrs     x0, \reg
        report  x0
        .endr
        mrs     x0, s3_0_c0_c4_4                // ID_AA64ZFR0_EL1
        report  x0
        // cache geometry: CCSIDR_EL1 for L1 data, L1 instruction, L2
        .irp    sel, 0, 1, 2
        mov     x0, #\sel
        msr     csselr_el1, x0
        isb
        mrs     x0, ccsidr_el1
        report  x0
        .endr
        // debug registers (KVM traps them, MDCR_EL2.TDA/TDOSA); the OS lock (OSLAR_EL1 -> OSLSR_EL1)
        mrs     x0, oslsr_el1
        report  x0
        mov     x0, #1
        msr     oslar_el1, x0
        isb
        mrs     x0, oslsr_el1
        report  x0
        msr     oslar_el1, xzr
        isb
        mrs     x0, oslsr_el1
        report  x0
        mrs     x0, mdscr_el1
        report  x0
        mrs     x0, dbgbvr0_el1
        report  x0
        // (Left out: writes of debug registers. KVM then switches the debug state on every
        // entry and exit and saves MDCCINT_EL1 from the CPU, but QEMU 7.2's MRS MDCCINT_EL1
        // leaves the register unchanged: the final MDCCINT_EL1 would be a host pointer.)
        mrs     x0, actlr_el1
        report  x0
        // set/way cache maintenance: KVM traps it (HCR_EL2.TSW) and completes it
        mov     x0, #0
        dc      cisw, x0
        dc      csw, x0
        dc      isw, x0
        mov     x0, #0x5e7
        report  x0

        // no PMU feature at KVM_ARM_VCPU_INIT: PMU registers are UNDEFINED (EC 0x00)
        mrs     x0, pmcr_el0
        mrs     x0, pmccntr_el0
        msr     pmselr_el0, xzr
        // (Left out: IMPLEMENTATION DEFINED registers. KVM sets HCR_EL2.TIDCP to make them
        // UNDEFINED for the guest; QEMU 7.2 does not implement TIDCP, so they are accessible.)
        // FP at EL1 with CPACR_EL1.FPEN = 0 (KVM's reset value): EC 0x07
        mrs     x0, cpacr_el1
        report  x0
        fmov    d0, x1
        // an instruction fetch from IPA 0x0a000000 (no memory slot): KVM injects a Prefetch
        // Abort (arch/arm64/kvm/mmu.c: kvm_inject_pabt); the handler returns to x30.
        // (RET, not BR: an indirect branch other than RET sets PSTATE.BTYPE with FEAT_BTI.)
        adr     x30, 1f
        movz    x17, #0x0a00, lsl #16
        ret     x17
1:      mov     x0, #0xd0e
        report  x0
        power_off
el0_done:
        b       .
        handler_code
