// exc: every synchronous exception class a64emu raises today, at every EL that can take or
// raise it, in one start mode (built once per mode, scripts/images.mjs):
//   exc_el1     START_EL=1             -M virt                               (EL0, EL1)
//   exc_el2     START_EL=2, HAS_EL2=1  -M virt,virtualization=on             (EL0-EL2)
//   exc_el3     START_EL=3             -M virt,secure=on                     (EL0, EL1, EL3)
//   exc_el3el2  START_EL=3, HAS_EL2=1  -M virt,secure=on,virtualization=on   (EL0-EL3)
//
// The image is a table of cases (CASE): a name, a source EL, a setup run at the start EL
// (TOP) and a body.  For each case the driver, at TOP, resets the control registers to a
// baseline (SCTLR_ELx, HCR_EL2, SCR_EL3 with NS = 1, CNTKCTL_EL1, PMUSERENR_EL0, the
// stacks, VBAR_ELx), runs the setup, then enters the body at the source EL (ERET with
// DAIF masked and NZCV clear, or a branch when the source is TOP).  The body ends in the
// exception under test.  One vector table serves VBAR_EL1/EL2/EL3; the handler prints
//   <name>: EL<source> -> EL<CurrentEL> vec=<offset> ESR=<ESR_ELx> ELR=<ELR_ELx>
//       SPSR=<SPSR_ELx> [FAR=<FAR_ELx>, only for EC 0x20/0x21/0x22/0x24/0x25]
// and goes back to the driver: directly when it runs at TOP, else through a gate (HVC or SMC
// #GATE to TOP, not printed).  The last case of a table may leave the gates unusable
// (SCR_EL3.SMD, HCR_EL2.HCD): the handler ends the run after the last case at whatever EL.
// A body that takes no exception reaches BRK #0xfff, which is printed as a second line.
//
// Left out, because QEMU 7.2 does not follow the Arm ARM there (docs/ARCHITECTURE.md):
// SP alignment (EC 0x26: QEMU 7.2 never checks SCTLR_ELx.SA/SA0), WFE traps (QEMU 7.2
// never traps WFE), MSR DAIFSet/DAIFClr traps (QEMU 7.2 swaps op1/op2 in the ISS), HVC at
// Secure EL1, HVC at EL3 (QEMU 7.2 takes it to EL2), data aborts taken to EL2 (QEMU 7.2
// sets ESR_EL2.ISV for them); these are tested on a64emu in tests/cpu/.  ERET to AArch32
// EL0 is left out too: QEMU's cortex-a57 has AArch32 at EL0, a64emu's has none
// (ID_AA64PFR0_EL1.EL0 = 1); ERET to AArch32 EL1 is illegal on both (EL1 is AArch64 by
// HCR_EL2.RW / SCR_EL3.RW, or the return from EL1 would change EL1's register width).
// HVC at EL1 under -M virt and SMC under virtualization=on are QEMU's PSCI
// conduit (calls, not exceptions), so those modes have no such cases.
//
// Expected output: tests/images/exc/exc_<mode>.expected.json, recorded from QEMU 7.2 with
//   node scripts/images.mjs record exc_el1 exc_el2 exc_el3 exc_el3el2
#include "a64test.inc"

#define CAT(a, b) a##b
#define XCAT(a, b) CAT(a, b)
#define SPSR_TOP XCAT(spsr_el, START_EL)
#define ELR_TOP XCAT(elr_el, START_EL)
#define HAS_EL3 (START_EL == 3)

        .equ    TOP, START_EL
        .equ    GATE, 0xe5c             // immediate of the gate HVC/SMC
        .equ    NOWHERE, 0x70000000     // above the 512 MiB of RAM: nothing answers

        // SCTLR_EL1 baseline: QEMU's reset value 0x00c50838 (SA, SA0, nTWI, nTWE ...)
        // plus UCT, DZE, UCI and UMA, so that every EL0 access works until a case clears one.
        .equ    SCTLR_EL1_BASE, 0x00c50838 | (1 << 15) | (1 << 14) | (1 << 26) | (1 << 9)
        .equ    SCTLR_EL23_BASE, 0x30c50838     // RES1 bits, SA; MMU and caches off
        .equ    HCR_RW, 1 << 31
#if HAS_EL2
        .equ    SCR_BASE, 0x531         // NS, RES1 [5:4], HCE, RW
#else
        .equ    SCR_BASE, 0x431         // NS, RES1 [5:4], RW
#endif

        // print the NUL-terminated string at reg / the character in reg
        .macro  PUTSTR reg
        stp     x0, x30, [sp, #-16]!
        mov     x0, \reg
        bl      rt_puts
        ldp     x0, x30, [sp], #16
        .endm
        .macro  PUTCR reg
        stp     x0, x30, [sp, #-16]!
        mov     x0, \reg
        bl      rt_putc
        ldp     x0, x30, [sp], #16
        .endm

        // CASE name, source EL, body[, setup]: body and setup are instructions separated
        // by ';'; the setup runs at TOP just before the body is entered.
        .macro  CASE name:req, src:req, body:req, setup=
        .pushsection .rodata.cases, "a"
        .quad   .Lcname\@, \src, .Lcsetup\@, .Lcbody\@
        .popsection
        .pushsection .rodata.str, "a"
.Lcname\@:
        .asciz  "\name"
        .popsection
        .pushsection .text.cases, "ax"
.Lcsetup\@:
        \setup
        ret
.Lcbody\@:
        \body
        brk     #0xfff                  // only reached if the body took no exception
        .popsection
        .endm

        // the same case at several source ELs (only those the mode has)
        .macro  CASE_AT els:req, name:req, body:req, setup=
        .irp    el, \els
        .if     (\el <= TOP) && (\el != 2 || HAS_EL2)
        CASE    "\name", \el, "\body", "\setup"
        .endif
        .endr
        .endm

        .pushsection .rodata.cases, "a"
        .balign 8
cases:
        .popsection

// ---- EC 0x00: UNDEFINED ---------------------------------------------------------------------
        CASE_AT "0,1,2,3", "udf #1", "udf #1"
        CASE_AT "0,1,2,3", "mrs x0, s3_0_c4_c0_7 (unallocated)", "mrs x0, s3_0_c4_c0_7"
        CASE_AT "0,1,2,3", "msr s3_0_c4_c0_7, x0 (unallocated)", "msr s3_0_c4_c0_7, x0"
        CASE    "mrs x0, sctlr_el1 at EL0", 0, "mrs x0, sctlr_el1"
        CASE    "msr sctlr_el1, x0 at EL0", 0, "msr sctlr_el1, x0"
        CASE    "mrs x0, hcr_el2 at EL1", 1, "mrs x0, hcr_el2"
        CASE_AT "1,2", "mrs x0, scr_el3 below EL3", "mrs x0, scr_el3"
        CASE    "hvc #0x10 at EL0", 0, "hvc #0x10"
        CASE    "eret at EL0", 0, "eret"
        CASE    "msr spsel, #1 at EL0", 0, "msr spsel, #1"
#if START_EL == 1
        // no EL3: SMC is UNDEFINED (HVC is QEMU's PSCI conduit here)
        CASE    "smc #0x11 without EL3", 1, "smc #0x11"
#endif
#if START_EL == 2
        // no EL3 (SMC is QEMU's PSCI conduit here): HCR_EL2.HCD makes HVC UNDEFINED
        CASE    "hvc #0x12 with HCR_EL2.HCD=1", 2, "hvc #0x12", "ldr x0, =(HCR_RW | (1 << 29)); msr hcr_el2, x0"
#endif
#if HAS_EL3 && !HAS_EL2
        CASE_AT "1,3", "hvc #0x13 without EL2", "hvc #0x13"
#endif
#if HAS_EL3 && HAS_EL2
        CASE_AT "1,2,3", "hvc #0x14 with SCR_EL3.HCE=0", "hvc #0x14", "ldr x0, =(SCR_BASE & ~0x100); msr scr_el3, x0"
#endif
#if HAS_EL3
        CASE    "smc #0x15 with SCR_EL3.SMD=1", 3, "smc #0x15", "ldr x0, =(SCR_BASE | 0x80); msr scr_el3, x0"
#endif

// ---- EC 0x01: WFI trapped by SCTLR_EL1.nTWI = 0, HCR_EL2.TWI, SCR_EL3.TWI ----------------------
        CASE    "wfi with SCTLR_EL1.nTWI=0", 0, "wfi", "ldr x0, =(SCTLR_EL1_BASE & ~(1 << 16)); msr sctlr_el1, x0"
#if HAS_EL2
        CASE_AT "0,1", "wfi with HCR_EL2.TWI=1", "wfi", "ldr x0, =(HCR_RW | (1 << 13)); msr hcr_el2, x0"
#endif
#if HAS_EL3 && HAS_EL2
        CASE_AT "0,1,2", "wfi with SCR_EL3.TWI=1", "wfi", "ldr x0, =(SCR_BASE | (1 << 12)); msr scr_el3, x0"
#elif HAS_EL3
        CASE_AT "0,1", "wfi with SCR_EL3.TWI=1", "wfi", "ldr x0, =(SCR_BASE | (1 << 12)); msr scr_el3, x0"
#endif

// ---- EC 0x0E: illegal exception return -------------------------------------------------------
        .macro  ILLEGAL_ERET el, name, spsr, setup=
        CASE_AT "\el", "\name", "adr x1, 1f; msr elr_el\el, x1; ldr x1, =\spsr; msr spsr_el\el, x1; eret; 1: nop", "\setup"
        .endm
        ILLEGAL_ERET 1, "eret to EL2h from EL1", 0x3c9
        ILLEGAL_ERET 2, "eret to EL3h from EL2", 0x3cd
        .irp    el, 1, 2, 3
        ILLEGAL_ERET \el, "eret to AArch32 EL1 (M=0x13)", 0x3d3
        ILLEGAL_ERET \el, "eret to M=0x6 (M[1] set)", 0x3c6
        ILLEGAL_ERET \el, "eret to EL0 with SP_EL1 (M=0x1)", 0x3c1
        .endr
        // After an illegal return, a PC alignment fault or an Instruction Abort on the next
        // instruction comes before the Illegal Execution state exception (Arm ARM D1,
        // "Synchronous exception prioritization"; QEMU 7.2 observed, its translator's order)
        .irp    el, 1, 2, 3
        CASE_AT "\el", "eret to M=0x6 with ELR 2 mod 4", "adr x1, 1f; add x1, x1, #2; msr elr_el\el, x1; ldr x1, =0x3c6; msr spsr_el\el, x1; eret; 1: nop; nop"
        CASE_AT "\el", "eret to M=0x6 with ELR 0x70000000", "mov x1, #NOWHERE; msr elr_el\el, x1; ldr x1, =0x3c6; msr spsr_el\el, x1; eret"
        .endr
        // A legal return with SPSR.IL = 1: SetPSTATEFromPSR copies IL, so the next instruction
        // takes the Illegal Execution state exception at the target EL
        .irp    el, 1, 2, 3
        CASE_AT "\el", "eret to ELxh with SPSR.IL=1", "adr x1, 1f; msr elr_el\el, x1; ldr x1, =(0x3c1 | (\el << 2) | (1 << 20)); msr spsr_el\el, x1; eret; 1: nop"
        .endr
        CASE    "eret to EL0 with SPSR.IL=1", 1, "adr x1, 1f; msr elr_el1, x1; ldr x1, =(0x3c0 | (1 << 20)); msr spsr_el1, x1; eret; 1: nop"
#if HAS_EL2
        // IllegalExceptionReturn(): a return to EL1 while EL2 is enabled and HCR_EL2.TGE is 1
        ILLEGAL_ERET 2, "eret to EL1h with HCR_EL2.TGE=1", 0x3c5, "ldr x0, =(HCR_RW | (1 << 27)); msr hcr_el2, x0"
#endif
#if HAS_EL3 && !HAS_EL2
        ILLEGAL_ERET 3, "eret to EL2h, EL2 absent", 0x3c9
#endif
#if HAS_EL3 && HAS_EL2
        ILLEGAL_ERET 3, "eret to EL2h with SCR_EL3.NS=0", 0x3c9, "ldr x0, =(SCR_BASE & ~1); msr scr_el3, x0"
#endif

// ---- EC 0x15/0x16/0x17: SVC, HVC, SMC --------------------------------------------------------
        CASE_AT "0,1,2,3", "svc #0x21", "svc #0x21"
        // SPSR_ELx saves NZCV and DAIF as they were (AArch64.TakeException, GetPSRFromPSTATE)
        CASE_AT "0,1,2,3", "msr daifclr, #0xf; msr nzcv (NZCV=1111); svc #0x2a", "msr daifclr, #0xf; mov x1, #0xf0000000; msr nzcv, x1; svc #0x2a"
        // ERET restores NZCV and DAIF from SPSR_ELx, legal or illegal (SetPSTATEFromPSR)
        .irp    el, 1, 2, 3
        CASE_AT "\el", "eret with SPSR NZCV=1001 DAIF=0101, svc #0x2b", "adr x1, 1f; msr elr_el\el, x1; ldr x1, =(0x90000141 | (\el << 2)); msr spsr_el\el, x1; eret; 1: svc #0x2b"
        CASE_AT "\el", "eret to M=0x6 with NZCV=0110 DAIF=1010", "adr x1, 1f; msr elr_el\el, x1; ldr x1, =0x60000286; msr spsr_el\el, x1; eret; 1: nop"
        .endr
        // from ELxt (SP_EL0): the current-EL SP_EL0 vector (offset 0x000), SPSR.M = ELxt
        CASE_AT "1,2,3", "msr spsel, #0; svc #0x29", "msr spsel, #0; svc #0x29"
#if HAS_EL2
        CASE    "svc #0x22 with HCR_EL2.TGE=1", 0, "svc #0x22", "ldr x0, =(HCR_RW | (1 << 27)); msr hcr_el2, x0"
        // (not at EL3: QEMU 7.2 takes it to EL2; AArch64.CallHypervisor takes it to EL3)
        CASE_AT "1,2", "hvc #0x23", "hvc #0x23"
        CASE    "smc #0x24 with HCR_EL2.TSC=1", 1, "smc #0x24", "ldr x0, =(HCR_RW | (1 << 19)); msr hcr_el2, x0"
#endif
#if HAS_EL3
        CASE_AT "1,2,3", "smc #0x25", "smc #0x25"
#endif

// ---- EC 0x18: MSR/MRS/SYS traps --------------------------------------------------------------
        .macro  SCTLR_EL0_TRAP name, bit, body
        CASE    "\name", 0, "\body", "ldr x0, =(SCTLR_EL1_BASE & ~(1 << \bit)); msr sctlr_el1, x0"
        .endm
        SCTLR_EL0_TRAP "mrs x0, ctr_el0 with SCTLR_EL1.UCT=0", 15, "mrs x0, ctr_el0"
        SCTLR_EL0_TRAP "mrs x1, daif with SCTLR_EL1.UMA=0", 9, "mrs x1, daif"
        SCTLR_EL0_TRAP "msr daif, x1 with SCTLR_EL1.UMA=0", 9, "mov x1, xzr; msr daif, x1"
        SCTLR_EL0_TRAP "dc zva, x2 with SCTLR_EL1.DZE=0", 14, "adr x2, scratch; dc zva, x2"
        SCTLR_EL0_TRAP "dc cvau, x3 with SCTLR_EL1.UCI=0", 26, "adr x3, scratch; dc cvau, x3"
        SCTLR_EL0_TRAP "ic ivau, x4 with SCTLR_EL1.UCI=0", 26, "adr x4, scratch; ic ivau, x4"
        CASE    "mrs x5, cntvct_el0 with CNTKCTL_EL1=0", 0, "mrs x5, cntvct_el0", "msr cntkctl_el1, xzr"
        CASE    "mrs x6, cntfrq_el0 with CNTKCTL_EL1=0", 0, "mrs x6, cntfrq_el0", "msr cntkctl_el1, xzr"
        CASE    "mrs x7, pmccntr_el0 with PMUSERENR_EL0=0", 0, "mrs x7, pmccntr_el0", "msr pmuserenr_el0, xzr"
#if HAS_EL2
        .macro  HCR_TRAP name, bits, body
        CASE    "\name", 1, "\body", "ldr x0, =(HCR_RW | (\bits)); msr hcr_el2, x0"
        .endm
        CASE    "mrs x0, ctr_el0 with SCTLR_EL1.UCT=0, HCR_EL2.TGE=1", 0, "mrs x0, ctr_el0", "ldr x0, =(SCTLR_EL1_BASE & ~(1 << 15)); msr sctlr_el1, x0; ldr x0, =(HCR_RW | (1 << 27)); msr hcr_el2, x0"
        CASE    "mrs x5, cntvct_el0 with CNTKCTL_EL1=0, HCR_EL2.TGE=1", 0, "mrs x5, cntvct_el0", "msr cntkctl_el1, xzr; ldr x0, =(HCR_RW | (1 << 27)); msr hcr_el2, x0"
        HCR_TRAP "msr sctlr_el1, x8 with HCR_EL2.TVM=1", 1 << 26, "mrs x8, sctlr_el1; msr sctlr_el1, x8"
        HCR_TRAP "mrs x9, ttbr0_el1 with HCR_EL2.TRVM=1", 1 << 30, "mrs x9, ttbr0_el1"
        CASE    "mrs x16, ctr_el0 with SCTLR_EL1.UCT=1, HCR_EL2.TID2=1", 0, "mrs x16, ctr_el0", "ldr x0, =(HCR_RW | (1 << 17)); msr hcr_el2, x0"
        HCR_TRAP "mrs x15, revidr_el1 with HCR_EL2.TID1=1", 1 << 16, "mrs x15, revidr_el1"
        HCR_TRAP "mrs x16, ctr_el0 with HCR_EL2.TID2=1", 1 << 17, "mrs x16, ctr_el0"
        HCR_TRAP "mrs x17, clidr_el1 with HCR_EL2.TID2=1", 1 << 17, "mrs x17, clidr_el1"
        HCR_TRAP "mrs x10, id_aa64mmfr0_el1 with HCR_EL2.TID3=1", 1 << 18, "mrs x10, id_aa64mmfr0_el1"
        HCR_TRAP "mrs x11, actlr_el1 with HCR_EL2.TACR=1", 1 << 21, "mrs x11, actlr_el1"
        HCR_TRAP "dc isw, x12 with HCR_EL2.TSW=1", 1 << 22, "mov x12, xzr; dc isw, x12"
        HCR_TRAP "dc civac, x13 with HCR_EL2.TPC=1", 1 << 23, "adr x13, scratch; dc civac, x13"
        HCR_TRAP "ic ivau, x14 with HCR_EL2.TPU=1", 1 << 24, "adr x14, scratch; ic ivau, x14"
        HCR_TRAP "tlbi vmalle1 with HCR_EL2.TTLB=1", 1 << 25, "tlbi vmalle1"
#endif

// ---- EC 0x22: PC alignment -------------------------------------------------------------------
        CASE_AT "0,1,2,3", "br to a 2 mod 4 address", "adr x1, 1f; add x1, x1, #2; br x1; 1: nop; nop"
        CASE_AT "0,1,2,3", "ret to a 1 mod 4 address", "adr x30, 1f; add x30, x30, #1; ret; 1: nop; nop"

// ---- EC 0x3C: BRK ----------------------------------------------------------------------------
        CASE_AT "0,1,2,3", "brk #0x3c", "brk #0x3c"

// ---- EC 0x20/0x21/0x24/0x25: synchronous external aborts, MMU off ------------------------------
        // (data aborts not at EL2: QEMU 7.2 sets ESR_EL2.ISV and the access syndrome for any data
        // abort taken to EL2; the Arm ARM has ISV = 0 in ESR_EL2 except for some stage 2 aborts)
        CASE_AT "0,1,3", "ldr x0, [0x70000000]", "mov x1, #NOWHERE; ldr x0, [x1]"
        CASE_AT "0,1,3", "str w0, [0x70000004]", "mov x1, #NOWHERE; str w0, [x1, #4]"
        CASE_AT "0,1,2,3", "br to 0x70000000", "mov x1, #NOWHERE; br x1"

// ---- debug: BRK routed by MDCR_EL2.TDE, PSTATE.SS after ERET ------------------------------------
#if HAS_EL2
        // AArch64.SoftwareBreakpoint: from EL0/EL1 to EL2 when EL2 is enabled and HCR_EL2.TGE or
        // MDCR_EL2.TDE (bit 8) is 1
        CASE_AT "0,1,2", "brk #0x3e with MDCR_EL2.TDE=1", "brk #0x3e", "mrs x0, mdcr_el2; orr x0, x0, #(1 << 8); msr mdcr_el2, x0"
#endif
        // DebugExceptionReturnSS: PSTATE.SS takes SPSR.SS only when MDSCR_EL1.SS is 1 (here 0),
        // so the SVC after the ERET saves SS = 0 in SPSR_ELx
        .irp    el, 1, 2, 3
        CASE_AT "\el", "eret with SPSR.SS=1 and MDSCR_EL1.SS=0, svc #0x27", "adr x1, 1f; msr elr_el\el, x1; ldr x1, =(0x3c1 | (\el << 2) | (1 << 21)); msr spsr_el\el, x1; eret; 1: svc #0x27"
        .endr
        CASE    "eret to EL0 with SPSR.SS=1 and MDSCR_EL1.SS=0, svc #0x28", 1, "adr x1, 1f; msr elr_el1, x1; ldr x1, =(0x3c0 | (1 << 21)); msr spsr_el1, x1; eret; 1: svc #0x28"

#if HAS_EL2
// ---- HCR_EL2.TGE: synchronous exceptions from EL0 go to EL2 -----------------------------------
        .macro  TGE_CASE name, body
        CASE    "\name with HCR_EL2.TGE=1", 0, "\body", "ldr x0, =(HCR_RW | (1 << 27)); msr hcr_el2, x0"
        .endm
        TGE_CASE "udf #2", "udf #2"
        TGE_CASE "hvc #0x26", "hvc #0x26"
        TGE_CASE "brk #0x3d", "brk #0x3d"
        TGE_CASE "br to a 2 mod 4 address", "adr x1, 1f; add x1, x1, #2; br x1; 1: nop; nop"
        TGE_CASE "br to 0x70000000", "mov x1, #NOWHERE; br x1"
#endif

// ---- last: a case after which a gate may not work ---------------------------------------------
#if START_EL == 2
        CASE    "hvc #0x12 with HCR_EL2.HCD=1", 1, "hvc #0x12", "ldr x0, =(HCR_RW | (1 << 29)); msr hcr_el2, x0"
#endif
#if HAS_EL3 && !HAS_EL2
        CASE    "smc #0x15 with SCR_EL3.SMD=1", 1, "smc #0x15", "ldr x0, =(SCR_BASE | 0x80); msr scr_el3, x0"
#endif
#if HAS_EL3 && HAS_EL2
        CASE    "smc #0x15 with SCR_EL3.SMD=1", 2, "smc #0x15", "ldr x0, =(SCR_BASE | 0x80); msr scr_el3, x0"
#endif

        .pushsection .rodata.cases, "a"
cases_end:
        .popsection
        .pushsection .text.cases, "ax"
        .ltorg
        .popsection

// ---- the driver, at TOP --------------------------------------------------------------------
        .text
        .global main
main:
        PUTS    "exc: starts at EL"
        mrs     x0, currentel
        lsr     x0, x0, #2
        add     x0, x0, #'0'
        bl      rt_putc
#if HAS_EL2
        PUTS    ", EL2 implemented"
#else
        PUTS    ", no EL2"
#endif
        PUTSLN  "; each line: source EL -> CurrentEL in the handler"
        adr     x0, case_idx
        str     xzr, [x0]
driver_next:
        adr     x0, stack_tops
        ldr     x0, [x0, #(TOP * 8)]
        mov     sp, x0
        adr     x0, case_idx
        ldr     x1, [x0]
        adr     x20, cases
        add     x20, x20, x1, lsl #5    // 32 bytes per case
        adr     x0, cases_end
        cmp     x20, x0
        b.hs    finish
        bl      baseline
        ldr     x0, [x20, #16]
        blr     x0                      // setup
        isb
        ldr     x1, [x20, #8]           // source EL
        ldr     x2, [x20, #24]          // body
        cmp     x1, #TOP
        b.ne    1f
        msr     nzcv, xzr
        br      x2
1:      lsl     x3, x1, #2
        cmp     x1, #0
        cinc    x3, x3, ne              // ELxh for x > 0, EL0t
        orr     x3, x3, #0x3c0          // DAIF masked
        msr     SPSR_TOP, x3
        msr     ELR_TOP, x2
        eret

// The control registers every case starts from.
baseline:
        adr     x0, stack_tops
        ldr     x1, [x0]
        msr     sp_el0, x1
#if START_EL > 1
        ldr     x1, [x0, #8]
        msr     sp_el1, x1
#endif
#if START_EL > 2 && HAS_EL2
        ldr     x1, [x0, #16]
        msr     sp_el2, x1
#endif
        adr     x0, exc_vectors
        msr     vbar_el1, x0
        ldr     x1, =SCTLR_EL1_BASE
        msr     sctlr_el1, x1
        mov     x1, #3                  // EL0PCTEN, EL0VCTEN
        msr     cntkctl_el1, x1
        msr     pmuserenr_el0, xzr
#if HAS_EL2
        msr     vbar_el2, x0
        ldr     x1, =SCTLR_EL23_BASE
        msr     sctlr_el2, x1
        ldr     x1, =HCR_RW
        msr     hcr_el2, x1
        mrs     x1, mdcr_el2
        bic     x1, x1, #(1 << 8)       // TDE
        msr     mdcr_el2, x1
#endif
#if HAS_EL3
        msr     vbar_el3, x0
        ldr     x1, =SCTLR_EL23_BASE
        msr     sctlr_el3, x1
        ldr     x1, =SCR_BASE
        msr     scr_el3, x1
#endif
        isb
        ret

finish:
        PUTSLN  "exc: done"
        mov     w0, #0
        b       rt_exit
        .ltorg

// ---- vectors and the handler ------------------------------------------------------------------
        .macro  VEC off
        .balign 0x80
        mov     x0, #\off
        b       handler
        .endm

        .balign 2048
exc_vectors:
        .irp    off, 0x000, 0x080, 0x100, 0x180, 0x200, 0x280, 0x300, 0x380, 0x400, 0x480, 0x500, 0x580, 0x600, 0x680, 0x700, 0x780
        VEC     \off
        .endr

// x0 = vector offset.  Never returns to the exception's source.
handler:
        mrs     x19, currentel
        lsr     x19, x19, #2            // x19 = this EL
        adr     x1, stack_tops
        ldr     x1, [x1, x19, lsl #3]
        mov     sp, x1
        cmp     x19, #1
        b.ne    1f
        mrs     x2, esr_el1
        mrs     x3, elr_el1
        mrs     x4, spsr_el1
        mrs     x5, far_el1
        b       4f
1:
#if HAS_EL2
        cmp     x19, #2
        b.ne    2f
        mrs     x2, esr_el2
        mrs     x3, elr_el2
        mrs     x4, spsr_el2
        mrs     x5, far_el2
        b       4f
2:
#endif
#if HAS_EL3
        mrs     x2, esr_el3
        mrs     x3, elr_el3
        mrs     x4, spsr_el3
        mrs     x5, far_el3
#endif
4:      lsr     x6, x2, #26             // EC
        cmp     x6, #0x16
        ccmp    x6, #0x17, #4, ne       // Z: HVC or SMC
        b.ne    5f
        and     x7, x2, #0xffff
        cmp     x7, #GATE
        b.eq    next                    // a gate on its way to TOP: not a case
5:      adr     x7, case_idx
        ldr     x7, [x7]
        adr     x8, cases
        add     x8, x8, x7, lsl #5
        ldr     x7, [x8]
        PUTSTR   x7
        PUTS    ": EL"
        ldr     x7, [x8, #8]
        add     x7, x7, #'0'
        PUTCR   x7
        PUTS    " -> EL"
        add     x7, x19, #'0'
        PUTCR   x7
        PUTS    " vec="
        PUTW    x0
        PUTS    " ESR="
        PUTW    x2
        PUTS    " ELR="
        PUTX    x3
        PUTS    " SPSR="
        PUTW    x4
        // FAR_ELx is defined for instruction/data aborts and PC alignment faults
        cmp     x6, #0x22
        b.eq    6f
        bic     x7, x6, #1
        bic     x7, x7, #4
        cmp     x7, #0x20               // 0x20, 0x21, 0x24, 0x25
        b.ne    7f
6:      PUTS    " FAR="
        PUTX    x5
7:      NL
next:
        adr     x7, case_idx
        ldr     x8, [x7]
        add     x8, x8, #1
        adr     x9, cases
        add     x9, x9, x8, lsl #5
        adr     x10, cases_end
        cmp     x9, x10
        b.hs    finish                  // the last case: end here, at any EL
        cmp     x19, #TOP
        b.ne    gate
        str     x8, [x7]
        b       driver_next
gate:
#if START_EL == 3
        smc     #GATE
#elif START_EL == 2
        hvc     #GATE
#endif
        b       .

        .data
        .balign 8
case_idx:
        .quad   0
stack_tops:
        .quad   stack0 + 4096, stack1 + 4096, stack2 + 4096, stack3 + 4096
        .balign 64
scratch:
        .skip   64

        .bss
        .balign 16
stack0: .skip   4096
stack1: .skip   4096
stack2: .skip   4096
stack3: .skip   4096
