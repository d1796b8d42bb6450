// mmu: translation, TLB maintenance and MMU faults, in one start mode (built once per mode and
// CPU, scripts/images.mjs):
//   mmu_el1      START_EL=1                 -M virt            -cpu cortex-a57
//   mmu_el1_max  START_EL=1, MAX=1          -M virt            -cpu max   (+ 16 KiB, 52-bit VA/PA,
//                                           PAN, UAO, HPDS, HAFDBS)
//   mmu_el2      START_EL=2, HAS_EL2=1      -M virt,virtualization=on   (EL2 regime, stage 2)
//   mmu_el2_max  START_EL=2, HAS_EL2=1, MAX=1  ... -cpu max   (+ the EL2&0 regime, FEAT_VHE)
//   mmu_el3      START_EL=3                 -M virt,secure=on           (EL3 regime)
//   mmu_el3el2   START_EL=3, HAS_EL2=1      -M virt,secure=on,virtualization=on (EL3 regime,
//                                           then the mmu_el2 tests run at EL2, entered from EL3)
//
// Each case prints one line: its name, then what the body printed (" x0=..." after loads, PAR_EL1
// after AT) and, inline, every exception it took:
//   [EL<from>>EL<to> ESR=<ESR_ELx> FAR=<FAR_ELx> (HPFAR=<HPFAR_EL2>, at EL2 for EC 0x20/0x24 with
//   HCR_EL2.VM = 1: stage 2 aborts)]
// The handler (one vector table for every EL) then resumes: after an Instruction Abort at the
// X30 of the faulting context (cases call code with BLR), otherwise at ELR + 4.  Loads start from
// x0 = MARK so a faulting load shows MARK.  Code at a lower EL returns to its caller with
// SVC/HVC/SMC #0xe0 (a gate, not printed), passing back x0-x3.
//
// Stage 1 map (4 KiB granule, T0SZ = T1SZ = 25: 39-bit VAs, start level 1), built at run time:
//   VA 0x00000000-0x3fffffff   level 1 block, Device-nGnRnE (the UART)
//   VA 0x40000000-0x7fffffff   identity, Normal WB: 2 MiB blocks, EL1 RW, the first one as 4 KiB
//                              pages, EL1 read-only below page_a (code and read-only data)
//   VA 0x80000000 (WIN)        level 1 table -> level 2: [0] table -> level 3 pages W(n) (below),
//                              [1] 2 MiB block -> PA 0x40000000, [2] invalid, [3] table at PA
//                              0x70000000 (nothing there), [4] table at a PA above 40 bits,
//                              [5] table at W(3) (an IPA stage 2 does not map), [6]-[9] the W(n)
//                              table again under APTable = 10, APTable = 01, PXNTable, XNTable
//   VA 0xffffff8040000000      TTBR1: level 1 block -> PA 0x40000000, EL1 read-only
// Other configurations (T0SZ = 16, 64 KiB, 16 KiB, 52-bit) are switched to from code running at
// the TTBR1 alias (switch0), since TTBR0 translations are inconsistent between the writes.
//
// Left out because QEMU 7.2 departs from the Arm ARM there (a64emu follows the Arm ARM):
// - unaligned plain loads from Device memory: QEMU 7.2 does not fault (Alignment fault required);
// - DC CIVAC and DC IVAC by VA on an unmapped or read-only page: QEMU 7.2 treats them as NOPs, so
//   no fault and no CM = 1 (DC ZVA, and AT meeting an external abort on its walk, stand in);
//   DC CVAP (max) on an unmapped page faults as a load would (ESR 0x96000007: CM = 0, WnR = 0;
//   the Arm ARM has CM = 1, WnR = 1 for cache maintenance);
// - data aborts taken to EL2 from EL2, or from EL0 with HCR_EL2.TGE: QEMU 7.2 sets ESR_EL2.ISV
//   (the Arm ARM sets it in ESR_EL2 only for stage 2 aborts);
// - PAR_EL1.SH after an AT that finds Device memory (stage 1 Device, or EL1 stage 1 off without
//   stage 2): QEMU 7.2 reports 0b00, the Arm ARM 0b10 (docs/ARCHITECTURE.md);
// - a 64 KiB descriptor with OA[51:48] (bits 15:12) nonzero while TCR_EL1.IPS < 52 bits:
//   QEMU 7.2 ignores those bits.
// Not shown either, because the architecture leaves them open (a TLB may or may not hold an
// entry): stale entries across an ASID or VMID change, or after a TLBI that need not remove them
// (QEMU 7.2 flushes on any TTBR ASID change and more widely than asked on TLBIs).  The stale
// reads printed (a descriptor changed with no TLBI and nothing else in between) are what QEMU
// 7.2 does and what a TLB may do.
//
// Expected output: tests/images/mmu/mmu_<mode>.expected.json, recorded from QEMU 7.2 with
//   node scripts/images.mjs record mmu_el1 mmu_el1_max mmu_el2 mmu_el2_max mmu_el3 mmu_el3el2
#include "a64test.inc"

#define CAT(a, b) a##b
#define XCAT(a, b) CAT(a, b)
#define SYSREG(name) XCAT(name, START_EL)
#ifndef MAX
#define MAX 0
#endif
#ifndef HAS_EL2
#define HAS_EL2 0
#endif

        .equ    MARK, 0x4d4d
        .equ    WIN, 0x80000000
        .equ    NOWHERE, 0x70000000     // above the 512 MiB of RAM: nothing answers
        .equ    HIGH_PA, 0x0000800000000000     // above every PA size used here (IPS/PS = 40 bits)
        .equ    TTBR1_VA, 0xffffff8040000000    // TTBR1 alias of PA 0x40000000

        // descriptor bits (Arm ARM D8.3)
        .equ    PAGE, 3
        .equ    TABLE, 3
        .equ    BLOCK, 1
        .equ    NORMAL, 0x704           // AF, inner shareable, AttrIndx 1 (MAIR: Normal WB)
        .equ    NORMAL_NOAF, 0x304
        .equ    DEVICE, 0x400           // AF, AttrIndx 0 (MAIR: Device-nGnRnE)
        .equ    AP_RW, 0x40             // AP = 01: EL1 and EL0 read/write
        .equ    AP_EL1RO, 0x80          // AP = 10: EL1 read-only, EL0 none
        .equ    AP_RO, 0xc0             // AP = 11: read-only at EL1 and EL0
        .equ    NG, 0x800
        .equ    PXN, 1 << 53
        .equ    UXN, 1 << 54
        .equ    MAIR_VAL, 0x44ff00      // attr0 Device-nGnRnE, attr1 Normal WB, attr2 Normal NC

        // TCR_EL1: T0SZ = T1SZ = 25, WB WA walks, inner shareable, TG0 4 KiB, TG1 4 KiB, IPS 40 bits
        .equ    TCR_4K, 25 | (1 << 8) | (1 << 10) | (3 << 12) | (25 << 16) | (1 << 24) | (1 << 26) | (3 << 28) | (2 << 30) | (2 << 32)
        .equ    TCR_TBI0, 1 << 37
        .equ    SCTLR_MMU, 0x1005       // M, C, I

        // the address of the level 3 page W(n) in the window; H(t, n): W(n) through l2_win[t]
        #define W(n) (WIN + (n) * 0x1000)
        #define H(t, n) (WIN + (t) * 0x200000 + (n) * 0x1000)
        // W(n): what each level 3 descriptor maps (build_tables)
        //  0 page_a EL1 RW          1 page_a EL1 RO          2 page_a EL0 RW         3 page_a RO (EL0 too)
        //  4 el0_page RO (EL0 code) 5 el0_page RO, UXN       6 page_a, AF = 0        7 page_a, Device
        //  8 PA 0x70000000          9 PA above 40 bits      10 xpage, PXN           11 xpage
        // 12 page_a, nG            13 page_b                14 invalid              15 page_a EL1 RW, DBM

        // call \reg with RET rather than BLR, so that PSTATE.BTYPE stays 0: QEMU 7.2's max has
        // FEAT_BTI (BLR sets BTYPE, and an Instruction Abort on the target saves it in SPSR_ELx),
        // a64emu has not (ID_AA64PFR1_EL1.BT = 0)
        .macro  CALLR reg
        adr     x30, .Lcallr\@
        ret     \reg
.Lcallr\@:
        .endm

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

        // a case: name; body ends with END.  NZCV is cleared first: QEMU 7.2 clears NZCV on
        // exception entry (AArch64.TakeException leaves it), so exceptions are taken with NZCV = 0
        // for `a64emu lockstep` to agree on every step
        .macro  T name
        msr     nzcv, xzr
        PUTS    "\name:"
        .endm
        .macro  END
        NL
        .endm
        // x0 = MARK; ldr x0, [addr]; print x0
        .macro  LOAD addr, insn=ldr
        ldr     x1, =\addr
        mov     x0, #MARK
        \insn   x0, [x1]
        PUTKV   x0, x0
        .endm
        .macro  STORE addr, insn=str
        ldr     x1, =\addr
        ldr     x2, =0x5700570057005700
        \insn   x2, [x1]
        .endm
        // at <op>, addr; print PAR_EL1
        .macro  ATP op, addr
        ldr     x1, =\addr
        at      \op, x1
        isb
        mrs     x0, par_el1
        PUTKV   par, x0
        .endm
        .macro  SETPTE table, idx, value
        ldr     x9, =\table
        ldr     x10, =\value
        str     x10, [x9, #((\idx) * 8)]
        dsb     sy
        .endm
        .macro  TLBI_ALL el
        .if     \el == 1
        tlbi    vmalle1
        .else
        tlbi    alle\el
        .endif
        dsb     sy
        isb
        .endm
        // TCR_EL1 and TTBR0_EL1 changed together by switch0, run from the TTBR1 alias: between
        // the two writes, TTBR0 translations (of this code too) are inconsistent
        .macro  SWITCH0 tcr, ttbr
        ldr     x0, =\tcr
        ldr     x1, =\ttbr
        ldr     x2, =(TTBR1_VA + (switch0 - 0x40000000))
        CALLR   x2
        .endm
        // run EL0 code \snip (in el0_page, seen at W(4)) with x0-x3 as they are; returns its x0-x3
        .macro  RUN_EL0 snip
        ldr     x4, =(W(4) + (\snip - el0_page))
        mov     x5, #0x3c0              // EL0t, DAIF masked
        ldr     x6, =(W(4) + (el0_gate - el0_page))
        bl      call_lower
        .endm

// ---- code run at EL0 (mapped at W(4) read-only, at W(5) UXN) -------------------------------------
        .section .text.el0, "ax"
        .balign 4096
el0_page:
el0_gate:
        svc     #0xe0
el0_ldr:
        ldr     x0, [x1]
        svc     #0xe0
el0_str:
        str     x2, [x1]
        svc     #0xe0
el0_blr:
        CALLR   x1
        svc     #0xe0
el0_ret:
        mov     x0, #0x55
        ret
        .balign 4096

// ---- a page of code for execute permission tests: W(10) PXN, W(11) ------------------------------
        .section .text.xpage, "ax"
        .balign 4096
xpage:
        mov     x0, #0x1234
        ret
        .balign 4096

        .text
        .global main
main:
        stp     x29, x30, [sp, #-16]!
        PUTS    "mmu: starts at EL"
        mrs     x0, currentel
        lsr     x0, x0, #2
        add     x0, x0, #'0'
        bl      rt_putc
        NL
        ldr     x0, =vectors
        msr     SYSREG(vbar_el), x0
#if START_EL == 2
        msr     vbar_el1, x0
        ldr     x0, =(1 << 31)          // HCR_EL2.RW
        msr     hcr_el2, x0
#endif
#if START_EL == 3
        msr     vbar_el1, x0
#if HAS_EL2
        msr     vbar_el2, x0
        ldr     x0, =(1 << 31)          // HCR_EL2.RW
        msr     hcr_el2, x0
        ldr     x0, =0x531              // SCR_EL3: NS, RES1 [5:4], HCE, RW
#else
        ldr     x0, =0x431              // SCR_EL3: NS, RES1 [5:4], RW
#endif
        msr     scr_el3, x0
#endif
        ldr     x0, =el0_stack_top
        msr     sp_el0, x0
#if START_EL > 1
        ldr     x0, =el1_stack_top
        msr     sp_el1, x0
#endif
#if START_EL == 3 && HAS_EL2
        ldr     x0, =el2_stack_top
        msr     sp_el2, x0
#endif
        isb
        bl      build_tables
#if START_EL == 1
        bl      el1_tests
#elif START_EL == 2
        bl      el2_tests
#else
        bl      el3_tests
#if HAS_EL2
        // then the EL2 tests, at EL2 (Non-secure, EL2h), back here with SMC #0xe0
        ldr     x4, =el2_entry
        mov     x5, #0x3c9
        ldr     x6, =g_gate_smc
        bl      call_lower
#endif
#endif
        PUTSLN  "mmu: done"
        ldp     x29, x30, [sp], #16
        mov     w0, #0
        ret

// ---- the stage 1 tables (4 KiB granule), identical for every regime -------------------------
build_tables:
        // (the tables are in .bss, which _start cleared)
        ldr     x9, =page_64k           // quads 0x6464646400000000 + i at 0..0x20, one at 0xfff8
        ldr     x10, =0x6464646400000000
        mov     x11, #5
1:      str     x10, [x9], #8
        add     x10, x10, #1
        subs    x11, x11, #1
        b.ne    1b
        ldr     x9, =(page_64k + 0xfff8)
        ldr     x10, =0x64646464ffffffff
        str     x10, [x9]
        SETPTE  l1_main, 0, (0 + DEVICE + BLOCK)
        SETPTE  l1_main, 1, (l2_id + TABLE)
        // identity map of RAM: 2 MiB blocks, the first one through 4 KiB pages, read-only (AP = 10)
        // below page_a (code and read-only data: so that SCTLR_EL1.WXN leaves the code executable)
        ldr     x9, =l2_id
        ldr     x10, =(0x40000000 + NORMAL + BLOCK)
        mov     x11, #512
1:      str     x10, [x9], #8
        add     x10, x10, #0x200000
        subs    x11, x11, #1
        b.ne    1b
        SETPTE  l2_id, 0, (l3_id + TABLE)
        ldr     x9, =l3_id
        ldr     x10, =(0x40000000 + NORMAL + PAGE)
        ldr     x12, =page_a
2:      cmp     x10, x12
        mov     x13, #AP_EL1RO
        csel    x13, x13, xzr, lo
        orr     x13, x10, x13
        str     x13, [x9], #8
        add     x10, x10, #0x1000
        ldr     x14, =0x40200000
        cmp     x10, x14
        b.lo    2b
        SETPTE  l1_main, 2, (l2_win + TABLE)
        SETPTE  l2_win, 0, (l3_win + TABLE)
        SETPTE  l2_win, 1, (0x40000000 + NORMAL + BLOCK)
        SETPTE  l2_win, 3, (NOWHERE + TABLE)
        SETPTE  l2_win, 4, (HIGH_PA + TABLE)
        SETPTE  l2_win, 5, (W(3) + TABLE)       // with stage 2 (mmu_el2): IPA W(3) has no stage 2 mapping
        // the level 3 table again, through table descriptors with hierarchical attributes
        SETPTE  l2_win, 6, (l3_win + TABLE + (2 << 61))  // APTable = 10: no writes
        SETPTE  l2_win, 7, (l3_win + TABLE + (1 << 61))  // APTable = 01: no EL0 access
        SETPTE  l2_win, 8, (l3_win + TABLE + (1 << 59))  // PXNTable
        SETPTE  l2_win, 9, (l3_win + TABLE + (1 << 60))  // XNTable (UXNTable for EL1&0)
        SETPTE  l3_win, 0, (page_a + NORMAL + PAGE)
        SETPTE  l3_win, 1, (page_a + NORMAL + AP_EL1RO + PAGE)
        SETPTE  l3_win, 2, (page_a + NORMAL + AP_RW + PAGE)
        SETPTE  l3_win, 3, (page_a + NORMAL + AP_RO + PAGE)
        SETPTE  l3_win, 4, (el0_page + NORMAL + AP_RO + PAGE)
        SETPTE  l3_win, 5, (el0_page + NORMAL + AP_RO + UXN + PAGE)
        SETPTE  l3_win, 6, (page_a + NORMAL_NOAF + PAGE)
        SETPTE  l3_win, 7, (page_a + DEVICE + PAGE)
        SETPTE  l3_win, 8, (NOWHERE + NORMAL + PAGE)
        SETPTE  l3_win, 9, (HIGH_PA + NORMAL + PAGE)
        SETPTE  l3_win, 10, (xpage + NORMAL + PXN + PAGE)
        SETPTE  l3_win, 11, (xpage + NORMAL + PAGE)
        SETPTE  l3_win, 12, (page_a + NORMAL + NG + PAGE)
        SETPTE  l3_win, 13, (page_b + NORMAL + PAGE)
        SETPTE  l3_win, 15, (page_a + NORMAL + AP_EL1RO + (1 << 51) + PAGE)
        SETPTE  l1_hi, 1, (0x40000000 + NORMAL + AP_EL1RO + BLOCK)
        // level 0 table for the 48-bit configuration: [0] -> l1_main
        SETPTE  l0_48, 0, (l1_main + TABLE)
        ret

// ---- call_lower: x4 = entry, x5 = SPSR, x6 = the lower EL's X30; x0-x3 passed through ---------
// Returns when the lower EL's code executes the gate (SVC/HVC/SMC #0xe0) with its x0-x3.
call_lower:
        mrs     x9, currentel
        lsr     x9, x9, #2
        ldr     x10, =gate_slots
        add     x10, x10, x9, lsl #7
        mov     x11, sp
        stp     x11, x19, [x10]
        stp     x20, x21, [x10, #16]
        stp     x22, x23, [x10, #32]
        stp     x24, x25, [x10, #48]
        stp     x26, x27, [x10, #64]
        stp     x28, x29, [x10, #80]
        str     x30, [x10, #96]
        mov     x30, x6
        cmp     x9, #1
        b.ne    1f
        msr     elr_el1, x4
        msr     spsr_el1, x5
        eret
1:
#if START_EL >= 2
        cmp     x9, #2
        b.ne    2f
#if HAS_EL2
        msr     elr_el2, x4
        msr     spsr_el2, x5
        eret
#endif
2:
#endif
#if START_EL == 3
        msr     elr_el3, x4
        msr     spsr_el3, x5
        eret
#endif
        b       .

// ---- vectors and the handler ----------------------------------------------------------------
        .macro  VEC off
        .balign 0x80
        sub     sp, sp, #256
        stp     x0, x1, [sp]
        mov     x0, #\off
        b       handler
        .endm

        .balign 2048
vectors:
        .irp    off, 0x000, 0x080, 0x100, 0x180, 0x200, 0x280, 0x300, 0x380, 0x400, 0x480, 0x500, 0x580, 0x600, 0x680, 0x700, 0x780
        VEC     \off
        .endr

handler:
        stp     x2, x3, [sp, #16]
        stp     x4, x5, [sp, #32]
        stp     x6, x7, [sp, #48]
        stp     x8, x9, [sp, #64]
        stp     x10, x11, [sp, #80]
        stp     x12, x13, [sp, #96]
        stp     x14, x15, [sp, #112]
        stp     x16, x17, [sp, #128]
        stp     x18, x19, [sp, #144]
        stp     x20, x21, [sp, #160]
        stp     x22, x23, [sp, #176]
        stp     x24, x25, [sp, #192]
        stp     x26, x27, [sp, #208]
        stp     x28, x29, [sp, #224]
        str     x30, [sp, #240]
        mrs     x19, currentel
        lsr     x19, x19, #2
        mov     x6, xzr
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
        mrs     x6, hpfar_el2
        b       4f
2:
#endif
#if START_EL == 3
        mrs     x2, esr_el3
        mrs     x3, elr_el3
        mrs     x4, spsr_el3
        mrs     x5, far_el3
#endif
4:      lsr     x7, x2, #26             // EC
        sub     x8, x7, #0x15
        cmp     x8, #2                  // SVC, HVC, SMC
        b.hi    5f
        and     x8, x2, #0xffff
        cmp     x8, #0xe0
        b.eq    gate_back
5:      PUTS    " [EL"
        ubfx    x8, x4, #2, #2
        add     x8, x8, #'0'
        PUTCR   x8
        PUTS    ">EL"
        add     x8, x19, #'0'
        PUTCR   x8
        PUTS    " ESR="
        PUTW    x2
        // FAR_ELx is valid for instruction/data aborts, PC and watchpoint faults: EC 0x20-0x25
        sub     x8, x7, #0x20
        cmp     x8, #5
        b.hi    7f
        PUTS    " FAR="
        PUTX    x5
        cmp     x19, #2
        b.ne    7f
        and     x8, x7, #~4
        cmp     x8, #0x20               // 0x20, 0x24
        b.ne    7f
        mrs     x8, hcr_el2             // HPFAR_EL2 is valid for stage 2 aborts: only with VM = 1
        tbz     x8, #0, 7f
        PUTS    " HPFAR="
        PUTX    x6
7:      PUTS    "]"
        // resume: after an Instruction Abort at X30, else at the next instruction
        add     x3, x3, #4
        and     x8, x7, #~1
        cmp     x8, #0x20               // 0x20, 0x21
        b.ne    8f
        ldr     x3, [sp, #240]
8:      cmp     x19, #1
        b.ne    9f
        msr     elr_el1, x3
        b       10f
9:
#if HAS_EL2
        cmp     x19, #2
        b.ne    11f
        msr     elr_el2, x3
        b       10f
11:
#endif
#if START_EL == 3
        msr     elr_el3, x3
#endif
10:     ldp     x0, x1, [sp]
        ldp     x2, x3, [sp, #16]
        ldp     x4, x5, [sp, #32]
        ldp     x6, x7, [sp, #48]
        ldp     x8, x9, [sp, #64]
        ldp     x10, x11, [sp, #80]
        ldp     x12, x13, [sp, #96]
        ldp     x14, x15, [sp, #112]
        ldp     x16, x17, [sp, #128]
        ldp     x18, x19, [sp, #144]
        ldp     x20, x21, [sp, #160]
        ldp     x22, x23, [sp, #176]
        ldp     x24, x25, [sp, #192]
        ldp     x26, x27, [sp, #208]
        ldp     x28, x29, [sp, #224]
        ldr     x30, [sp, #240]
        add     sp, sp, #256
        eret

// the lower EL's code is done: back to call_lower's caller with its x0-x3
gate_back:
        ldp     x0, x1, [sp]
        ldp     x2, x3, [sp, #16]
        ldr     x10, =gate_slots
        add     x10, x10, x19, lsl #7
        ldp     x11, x19, [x10]
        mov     sp, x11
        ldp     x20, x21, [x10, #16]
        ldp     x22, x23, [x10, #32]
        ldp     x24, x25, [x10, #48]
        ldp     x26, x27, [x10, #64]
        ldp     x28, x29, [x10, #80]
        ldr     x30, [x10, #96]
        ret
        .ltorg

#if START_EL == 1
// ---- EL1&0 stage 1 ------------------------------------------------------------------------------
mmu_on_4k:
        ldr     x0, =MAIR_VAL
        msr     mair_el1, x0
        ldr     x0, =TCR_4K
        msr     tcr_el1, x0
        ldr     x0, =l1_main
        msr     ttbr0_el1, x0
        ldr     x0, =l1_hi
        msr     ttbr1_el1, x0
        isb
        tlbi    vmalle1
        dsb     sy
        isb
        mrs     x0, sctlr_el1
        ldr     x1, =SCTLR_MMU
        orr     x0, x0, x1
        msr     sctlr_el1, x0
        isb
        ret

el1_tests:
        stp     x29, x30, [sp, #-16]!
        bl      mmu_on_4k
        T       "mmu on: SCTLR_EL1.M"
        mrs     x0, sctlr_el1
        and     x0, x0, #1
        PUTKV   m, x0
        END

        // -- translation: blocks and pages --
        T       "identity map (level 3 page), page_a"
        LOAD    page_a
        END
        T       "level 2 block, VA 0x80280000 -> PA 0x40080000 (_start)"
        LOAD    (WIN + 0x200000 + 0x80000)
        END
        T       "level 3 page W(0) -> page_a"
        LOAD    W(0)
        END
        T       "level 3 page W(13) -> page_b, at offset 0x18"
        LOAD    (W(13) + 0x18)
        END
        T       "TTBR1 level 1 block, VA 0xffffff8040080000"
        LOAD    (TTBR1_VA + 0x80000)
        END
        T       "store through W(0), load through identity"
        STORE   W(0) + 8
        LOAD    page_a + 8
        END

        // -- translation faults at each level --
        T       "translation fault, level 1 (VA 0x100000000)"
        LOAD    0x100000000
        END
        T       "translation fault, level 2 (VA 0x80400000)"
        LOAD    (WIN + 0x400000)
        END
        T       "translation fault, level 3 (W(14))"
        LOAD    W(14)
        END
        T       "store, translation fault, level 3 (W(14) + 8)"
        STORE   W(14) + 8
        END
        T       "VA outside both ranges (bit 47), TBI0 = 0"
        LOAD    0x0000800000000000
        END
        T       "VA outside TTBR1 range (0xffff000000000000)"
        LOAD    0xffff000000000000
        END
        T       "access flag fault (W(6), AF = 0)"
        LOAD    W(6)
        END
        T       "store, access flag fault (W(6))"
        STORE   W(6)
        END
        T       "address size fault, page output address above IPS"
        LOAD    W(9)
        END
        T       "address size fault, table address above IPS"
        LOAD    (WIN + 0x800000)
        END
        T       "external abort on the access (W(8) -> PA 0x70000000)"
        LOAD    W(8)
        END
        T       "store, external abort on the access"
        STORE   W(8) + 16
        END
        T       "external abort on the walk (level 3 table at PA 0x70000000)"
        LOAD    (WIN + 0x600000)
        END

        // -- permissions at EL1 --
        T       "store to EL1 read-only W(1)"
        STORE   W(1)
        END
        T       "load from EL1 read-only W(1)"
        LOAD    W(1)
        END
        T       "store through TTBR1 (read-only block)"
        STORE   (TTBR1_VA + 0x100000)
        END
        T       "ldtr from EL1-only W(0) at EL1"
        LOAD    W(0), ldtr
        END
        T       "ldtr from EL0-readable W(2) at EL1"
        LOAD    W(2), ldtr
        END
        T       "sttr to read-only W(3) at EL1"
        STORE   W(3), sttr
        END
        T       "sttr to EL0-writable W(2) at EL1"
        STORE   W(2) + 16, sttr
        LOAD    page_a + 16
        END
        T       "execute xpage through W(11)"
        mov     x0, #MARK
        ldr     x1, =W(11)
        CALLR   x1
        PUTKV   x0, x0
        END
        T       "execute W(10) (PXN)"
        mov     x0, #MARK
        ldr     x1, =W(10)
        CALLR   x1
        PUTKV   x0, x0
        END
        T       "execute W(14) (invalid)"
        mov     x0, #MARK
        ldr     x1, =W(14)
        CALLR   x1
        PUTKV   x0, x0
        END
        T       "execute W(8) (PA 0x70000000)"
        ldr     x1, =W(8)
        CALLR   x1
        END
        T       "execute W(2) (EL0-writable: PXN implied)"
        ldr     x1, =W(2)
        CALLR   x1
        END

        // -- EL0 --
        T       "EL0: ldr from W(2) (EL0 RW)"
        mov     x0, #MARK
        ldr     x1, =W(2)
        RUN_EL0 el0_ldr
        PUTKV   x0, x0
        END
        T       "EL0: ldr from W(0) (EL1 only)"
        mov     x0, #MARK
        ldr     x1, =W(0)
        RUN_EL0 el0_ldr
        PUTKV   x0, x0
        END
        T       "EL0: str to W(3) (read-only)"
        ldr     x1, =W(3)
        mov     x2, #0x77
        RUN_EL0 el0_str
        END
        T       "EL0: str to W(2), ldr back"
        ldr     x1, =(W(2) + 24)
        mov     x2, #0x77
        RUN_EL0 el0_str
        LOAD    page_a + 24
        END
        T       "EL0: execute W(5) (UXN)"
        mov     x0, #MARK
        ldr     x4, =(W(5) + (el0_ldr - el0_page))
        mov     x5, #0x3c0
        ldr     x6, =(W(4) + (el0_gate - el0_page))
        bl      call_lower
        END
        T       "EL0: blr to W(11) (EL1 RW: UXN not set, EL0 no access)"
        mov     x0, #MARK
        ldr     x1, =W(11)
        RUN_EL0 el0_blr
        PUTKV   x0, x0
        END
        T       "EL0: ldr from W(14) (invalid)"
        ldr     x1, =W(14)
        RUN_EL0 el0_ldr
        END

        // -- hierarchical attributes (table descriptors) --
        T       "APTable = 10: ldr W(0)"
        LOAD    H(6, 0)
        END
        T       "APTable = 10: str W(0)"
        STORE   H(6, 0)
        END
        T       "APTable = 01: EL1 ldr W(2)"
        LOAD    H(7, 2)
        END
        T       "APTable = 01: EL0 ldr W(2)"
        mov     x0, #MARK
        ldr     x1, =H(7, 2)
        RUN_EL0 el0_ldr
        PUTKV   x0, x0
        END
        T       "PXNTable: EL1 execute W(11)"
        mov     x0, #MARK
        ldr     x1, =H(8, 11)
        CALLR   x1
        PUTKV   x0, x0
        END
        T       "PXNTable: EL0 execute W(4) code"
        mov     x0, #MARK
        ldr     x1, =W(2)
        ldr     x4, =(H(8, 4) + (el0_ldr - el0_page))
        mov     x5, #0x3c0
        ldr     x6, =(W(4) + (el0_gate - el0_page))
        bl      call_lower
        PUTKV   x0, x0
        END
        T       "XNTable: EL1 execute W(11)"
        mov     x0, #MARK
        ldr     x1, =H(9, 11)
        CALLR   x1
        PUTKV   x0, x0
        END
        T       "XNTable: EL0 execute W(4) code"
        mov     x0, #MARK
        ldr     x1, =W(2)
        ldr     x4, =(H(9, 4) + (el0_ldr - el0_page))
        mov     x5, #0x3c0
        ldr     x6, =(W(4) + (el0_gate - el0_page))
        bl      call_lower
        PUTKV   x0, x0
        END
        T       "at s1e1w through APTable = 10"
        ATP     s1e1w, H(6, 0)
        END
        T       "at s1e0r through APTable = 01"
        ATP     s1e0r, H(7, 2)
        END

        // -- alignment: Device vs Normal --
        T       "ldr x0, [W(7)] (Device, aligned)"
        LOAD    W(7) + 8
        END
        T       "ldr x0, [W(0) + 1] (Normal, unaligned)"
        LOAD    W(0) + 9
        END
        T       "ldar x0, [W(0) + 1] (Normal, unaligned)"
        LOAD    W(0) + 9, ldar
        END

        // -- WXN (the code is mapped read-only, so it stays executable) --
        T       "SCTLR_EL1.WXN = 1: execute from writable W(11)"
        bl      wxn_body
        END
        T       "SCTLR_EL1.WXN = 1: execute from read-only W(4) code"
        bl      wxn_body_ro
        END

        // -- cache maintenance --
        T       "dc zva on read-only W(1)"
        ldr     x1, =W(1)
        dc      zva, x1
        END
        T       "dc zva on W(14) (invalid)"
        ldr     x1, =W(14)
        dc      zva, x1
        END

        // -- TBI --
        T       "tagged VA 0x5a..W(0), TBI0 = 0"
        LOAD    (0x5a00000000000000 + W(0))
        END
        T       "tagged VA 0x5a..W(0), TBI0 = 1"
        ldr     x0, =(TCR_4K | TCR_TBI0)
        msr     tcr_el1, x0
        isb
        tlbi    vmalle1                 // TCR_EL1 fields may be cached in the TLB
        dsb     sy
        isb
        LOAD    (0x5a00000000000000 + W(0))
        END
        T       "tagged VA 0x5a..W(14) (invalid), TBI0 = 1"
        LOAD    (0x5a00000000000000 + W(14))
        END
        ldr     x0, =TCR_4K
        msr     tcr_el1, x0
        isb
        tlbi    vmalle1
        dsb     sy
        isb

        // -- AT --
        T       "at s1e1r W(0)"
        ATP     s1e1r, W(0)
        END
        T       "at s1e1w W(1) (read-only)"
        ATP     s1e1w, W(1)
        END
        T       "at s1e1r W(1)"
        ATP     s1e1r, W(1) + 0x123
        END
        T       "at s1e0r W(0) (EL1 only)"
        ATP     s1e0r, W(0)
        END
        T       "at s1e0r W(3)"
        ATP     s1e0r, W(3)
        END
        T       "at s1e0w W(3) (read-only)"
        ATP     s1e0w, W(3)
        END
        T       "at s1e0w W(2)"
        ATP     s1e0w, W(2)
        END
        T       "at s1e1r W(14) (invalid)"
        ATP     s1e1r, W(14)
        END
        T       "at s1e1r VA 0x100000000 (level 1 invalid)"
        ATP     s1e1r, 0x100000000
        END
        T       "at s1e1r W(6) (AF = 0)"
        ATP     s1e1r, W(6)
        END
        T       "at s1e1r level 2 block"
        ATP     s1e1r, WIN + 0x200000 + 0x80000
        END
        T       "at s1e1r TTBR1 block"
        ATP     s1e1r, TTBR1_VA + 0x1000
        END
        // an external abort on an AT's walk is taken as a Data Abort with CM = 1, WnR = 1, leaving
        // PAR_EL1 UNKNOWN (AArch64.AT pseudocode: IsExternalAbort), so PAR_EL1 is not printed
        T       "at s1e1r walk external abort"
        ldr     x1, =(WIN + 0x600000)
        at      s1e1r, x1
        isb
        END

        // -- TLB maintenance (W(12): nG, ASID 0) --
        T       "W(12) -> page_a"
        LOAD    W(12)
        END
        T       "W(12) -> page_b without TLBI (stale entry kept, as QEMU)"
        SETPTE  l3_win, 12, (page_b + NORMAL + NG + PAGE)
        LOAD    W(12)
        END
        T       "after tlbi vae1 (ASID 0)"
        ldr     x0, =(W(12) >> 12)
        tlbi    vae1, x0
        dsb     sy
        isb
        LOAD    W(12)
        END
        T       "W(12) -> page_a, tlbi aside1 (ASID 0)"
        SETPTE  l3_win, 12, (page_a + NORMAL + NG + PAGE)
        tlbi    aside1, xzr
        dsb     sy
        isb
        LOAD    W(12)
        END
        T       "W(12) -> page_b, tlbi vmalle1"
        SETPTE  l3_win, 12, (page_b + NORMAL + NG + PAGE)
        tlbi    vmalle1
        dsb     sy
        isb
        LOAD    W(12)
        END
        T       "W(12) -> page_a, tlbi vale1"
        SETPTE  l3_win, 12, (page_a + NORMAL + NG + PAGE)
        ldr     x0, =(W(12) >> 12)
        tlbi    vale1, x0
        dsb     sy
        isb
        LOAD    W(12)
        END
        T       "W(12) -> page_b, tlbi vaae1"
        SETPTE  l3_win, 12, (page_b + NORMAL + NG + PAGE)
        ldr     x0, =(W(12) >> 12)
        tlbi    vaae1, x0
        dsb     sy
        isb
        LOAD    W(12)
        END
        T       "global W(13) -> page_a, tlbi vae1 with ASID 7 (global entries match any ASID)"
        LOAD    W(13)
        SETPTE  l3_win, 13, (page_a + NORMAL + PAGE)
        ldr     x0, =((W(13) >> 12) + (7 << 48))
        tlbi    vae1, x0
        dsb     sy
        isb
        LOAD    W(13)
        SETPTE  l3_win, 13, (page_b + NORMAL + PAGE)
        tlbi    vmalle1
        dsb     sy
        isb
        END
        T       "ASID 1: W(12)"
        ldr     x0, =(l1_main + (1 << 48))
        msr     ttbr0_el1, x0
        isb
        LOAD    W(12)
        END
        T       "W(12) -> page_a, switch to ASID 2 (nG: no ASID 1 entry used)"
        SETPTE  l3_win, 12, (page_a + NORMAL + NG + PAGE)
        ldr     x0, =(l1_main + (2 << 48))
        msr     ttbr0_el1, x0
        isb
        LOAD    W(12)
        END
        T       "W(12) -> page_b, tlbi aside1 ASID 2"
        SETPTE  l3_win, 12, (page_b + NORMAL + NG + PAGE)
        ldr     x0, =(2 << 48)
        tlbi    aside1, x0
        dsb     sy
        isb
        LOAD    W(12)
        END
        T       "back to ASID 1, tlbi vae1 ASID 1"
        ldr     x0, =(l1_main + (1 << 48))
        msr     ttbr0_el1, x0
        isb
        ldr     x0, =((W(12) >> 12) + (1 << 48))
        tlbi    vae1, x0
        dsb     sy
        isb
        LOAD    W(12)
        END
        // 16-bit ASIDs (TCR_EL1.AS = 1; ID_AA64MMFR0_EL1.ASIDBits = 16 bits on both CPUs)
        T       "TCR_EL1.AS = 1, ASID 0x1234: W(12)"
        ldr     x0, =(TCR_4K | (1 << 36))
        msr     tcr_el1, x0
        ldr     x0, =(l1_main + (0x1234 << 48))
        msr     ttbr0_el1, x0
        isb
        tlbi    vmalle1
        dsb     sy
        isb
        LOAD    W(12)
        END
        T       "W(12) -> page_a, ASID 0x0034 (no entry: ASIDs differ in bits 15:8)"
        SETPTE  l3_win, 12, (page_a + NORMAL + NG + PAGE)
        ldr     x0, =(l1_main + (0x0034 << 48))
        msr     ttbr0_el1, x0
        isb
        LOAD    W(12)
        END
        ldr     x0, =TCR_4K
        msr     tcr_el1, x0
        ldr     x0, =l1_main
        msr     ttbr0_el1, x0
        isb
        tlbi    vmalle1
        dsb     sy
        isb
        // TCR_EL1.EPD1: no walks for TTBR1
        T       "TCR_EL1.EPD1 = 1: ldr through TTBR1"
        ldr     x0, =(TCR_4K | (1 << 23))
        msr     tcr_el1, x0
        isb
        tlbi    vmalle1
        dsb     sy
        isb
        LOAD    (TTBR1_VA + 0x80000)
        END
        T       "TCR_EL1.EPD1 = 1: at s1e1r through TTBR1"
        ATP     s1e1r, TTBR1_VA + 0x80000
        END
        ldr     x0, =TCR_4K
        msr     tcr_el1, x0
        isb
        tlbi    vmalle1
        dsb     sy
        isb
        tlbi    vmalle1
        dsb     sy
        isb

        // -- other configurations --
        bl      config_48bit
        bl      config_64k
#if MAX
        bl      config_16k
        bl      config_52bit
        bl      max_tests
#endif
        ldp     x29, x30, [sp], #16
        ret

switch0:
        msr     tcr_el1, x0
        msr     ttbr0_el1, x1
        isb
        tlbi    vmalle1
        dsb     sy
        isb
        ret

// blr to \x1 with SCTLR_EL1.WXN = 1
wxn_body_ro:
        ldr     x1, =(W(4) + (el0_ret - el0_page))
        b       1f
wxn_body:
        ldr     x1, =W(11)
1:
        stp     x29, x30, [sp, #-16]!
        mrs     x2, sctlr_el1
        orr     x3, x2, #(1 << 19)
        msr     sctlr_el1, x3
        isb
        tlbi    vmalle1                 // SCTLR_EL1.WXN may be cached in the TLB
        dsb     sy
        isb
        mov     x0, #MARK
        CALLR   x1
        PUTKV   x0, x0
        msr     sctlr_el1, x2
        isb
        tlbi    vmalle1
        dsb     sy
        isb
        ldp     x29, x30, [sp], #16
        ret
        .ltorg

// T0SZ = 16: 48-bit VAs, start level 0
config_48bit:
        stp     x29, x30, [sp, #-16]!
        SWITCH0 (TCR_4K - 25 + 16), l0_48
        T       "T0SZ = 16 (start level 0): W(0)"
        LOAD    W(0)
        END
        T       "T0SZ = 16: translation fault, level 0 (VA 0x800000000000)"
        LOAD    0x0000800000000000
        END
        T       "T0SZ = 16: VA 0x1000000000000 (out of range)"
        LOAD    0x0001000000000000
        END
        T       "T0SZ = 16: at s1e1r W(3)"
        ATP     s1e1r, W(3)
        END
        SWITCH0 TCR_4K, l1_main
        ldp     x29, x30, [sp], #16
        ret

// TG0 = 64 KiB, T0SZ = 25: start level 2 (1024 entries), 512 MiB blocks
config_64k:
        stp     x29, x30, [sp, #-16]!
        SETPTE  l2_64k, 0, (0 + DEVICE + BLOCK)
        SETPTE  l2_64k, 2, (0x40000000 + NORMAL + BLOCK)
        SETPTE  l2_64k, 4, (l3_64k + TABLE)
        SETPTE  l3_64k, 0, (page_64k + NORMAL + PAGE)
        SETPTE  l3_64k, 2, (page_64k + NORMAL + AP_EL1RO + PAGE)
        SWITCH0 ((TCR_4K & ~(3 << 14)) | (1 << 14)), l2_64k
        T       "64 KiB: level 3 page VA 0x80000000 + 0x20"
        LOAD    WIN + 0x20
        END
        T       "64 KiB: level 3 page, offset 0xfff8"
        LOAD    WIN + 0xfff8
        END
        T       "64 KiB: translation fault, level 3 (VA 0x80010000)"
        LOAD    WIN + 0x10000
        END
        T       "64 KiB: translation fault, level 2 (VA 0xa0000000)"
        LOAD    0xa0000000
        END
        T       "64 KiB: store to read-only page"
        STORE   WIN + 0x20000
        END
        T       "64 KiB: level 2 block 0x40000000, at s1e1r"
        ATP     s1e1r, 0x40080000
        END
        T       "64 KiB: at s1e1w VA 0x80020000"
        ATP     s1e1w, WIN + 0x20000
        END
        SWITCH0 TCR_4K, l1_main
        ldp     x29, x30, [sp], #16
        ret

#if MAX
// TG0 = 16 KiB, T0SZ = 25: start level 1 (8 entries), 32 MiB level 2 blocks
config_16k:
        stp     x29, x30, [sp, #-16]!
        SETPTE  l1_16k, 0, (l2_16k + TABLE)
        SETPTE  l2_16k, 4, (0x08000000 + DEVICE + BLOCK)   // the UART
        SETPTE  l2_16k, 32, (0x40000000 + NORMAL + BLOCK)
        SETPTE  l2_16k, 64, (l3_16k + TABLE)
        SETPTE  l3_16k, 0, (page_64k + NORMAL + PAGE)
        SWITCH0 ((TCR_4K & ~(3 << 14)) | (2 << 14)), l1_16k
        T       "16 KiB: level 3 page VA 0x80000000 + 0x20"
        LOAD    WIN + 0x20
        END
        T       "16 KiB: translation fault, level 3 (VA 0x80004000)"
        LOAD    WIN + 0x4000
        END
        T       "16 KiB: translation fault, level 2 (VA 0x82000000)"
        LOAD    WIN + 0x2000000
        END
        T       "16 KiB: translation fault, level 1 (VA 0x1000000000)"
        LOAD    0x1000000000
        END
        T       "16 KiB: at s1e1r level 2 block"
        ATP     s1e1r, 0x40080000
        END
        SWITCH0 TCR_4K, l1_main
        ldp     x29, x30, [sp], #16
        ret

// FEAT_LVA and FEAT_LPA: 64 KiB granule, T0SZ = 12 (52-bit VAs, start level 1), IPS = 52 bits
// (l2_64k and l3_64k as config_64k left them, reached from l1_52[0] and l1_52[960])
        .equ    TCR_52, (TCR_4K & ~((3 << 14) | 0x3f | (7 << 32))) | (1 << 14) | 12 | (6 << 32)
config_52bit:
        stp     x29, x30, [sp, #-16]!
        SETPTE  l1_52, 0, (l2_64k + TABLE)
        SETPTE  l1_52, 960, (l2_64k + TABLE)
        SETPTE  l3_64k, 3, (0x40000000 + (1 << 12) + NORMAL + PAGE)   // PA[51:48] = 1 (bits 15:12)
        SWITCH0 TCR_52, l1_52
        T       "52-bit VA: ldr VA 0xf000080000020"
        LOAD    0x000f000080000020
        END
        T       "52-bit VA: translation fault, level 1 (VA 0xe000000000000)"
        LOAD    0x000e000000000000
        END
        T       "52-bit VA: VA 0x10000000000000 (out of range)"
        LOAD    0x0010000000000000
        END
        T       "52-bit VA: at s1e1r VA 0xf000080000000"
        ATP     s1e1r, 0x000f000080000000
        END
        T       "52-bit PA: ldr VA 0x80030000 -> PA 0x1000040000000"
        LOAD    WIN + 0x30000
        END
        T       "52-bit PA: at s1e1r VA 0x80030000"
        ATP     s1e1r, WIN + 0x30000
        END
        // (not with IPS = 48 bits: QEMU 7.2 then ignores descriptor bits [15:12]; the Arm ARM's
        // walk gives an Address size fault for them being nonzero with a 64 KiB granule)
        SWITCH0 TCR_4K, l1_main
        ldp     x29, x30, [sp], #16
        ret

// FEAT_PAN, FEAT_UAO, FEAT_HAFDBS
max_tests:
        stp     x29, x30, [sp, #-16]!
        T       "PAN = 1: ldr from EL0-accessible W(2)"
        msr     pan, #1
        LOAD    W(2)
        END
        T       "PAN = 1: str to EL0-accessible W(2)"
        STORE   W(2) + 32
        END
        T       "PAN = 1: ldr from EL0-read-only W(3)"
        LOAD    W(3)
        END
        T       "PAN = 1: ldtr from W(2)"
        LOAD    W(2), ldtr
        END
        T       "PAN = 1: ldr from EL1-only W(0)"
        LOAD    W(0)
        END
        T       "PAN = 1: at s1e1r W(2)"
        ATP     s1e1r, W(2)
        END
        T       "PAN = 1: at s1e1rp W(2)"
        ATP     s1e1rp, W(2)
        END
        T       "PAN = 0: ldr from W(2)"
        msr     pan, #0
        LOAD    W(2)
        END
        T       "PAN = 0: at s1e1rp W(2)"
        ATP     s1e1rp, W(2)
        END
        T       "UAO = 1: ldtr from EL1-only W(0)"
        msr     uao, #1
        LOAD    W(0), ldtr
        END
        T       "UAO = 1: sttr to EL1 read-only W(1)"
        STORE   W(1), sttr
        END
        T       "UAO = 1, PAN = 1: ldtr from W(2)"
        msr     pan, #1
        LOAD    W(2), ldtr
        END
        msr     pan, #0
        T       "UAO = 0: ldtr from EL1-only W(0)"
        msr     uao, #0
        LOAD    W(0), ldtr
        END
        // FEAT_HPDS: TCR_EL1.HPD0 disables the hierarchical permissions of TTBR0 walks
        T       "TCR_EL1.HPD0 = 1: str W(0) through APTable = 10"
        ldr     x0, =(TCR_4K | (1 << 41))
        msr     tcr_el1, x0
        isb
        tlbi    vmalle1
        dsb     sy
        isb
        STORE   H(6, 0) + 48
        LOAD    page_a + 48
        END
        T       "TCR_EL1.HPD0 = 1: EL1 execute W(11) through PXNTable"
        mov     x0, #MARK
        ldr     x1, =H(8, 11)
        CALLR   x1
        PUTKV   x0, x0
        END
        T       "TCR_EL1.HPD0 = 1: EL0 ldr W(2) through APTable = 01"
        mov     x0, #MARK
        ldr     x1, =H(7, 2)
        RUN_EL0 el0_ldr
        PUTKV   x0, x0
        END
        ldr     x0, =TCR_4K
        msr     tcr_el1, x0
        isb
        tlbi    vmalle1
        dsb     sy
        isb
        // hardware access flag and dirty state
        T       "TCR_EL1.HA = 1: ldr from W(6) (AF = 0), then its descriptor"
        ldr     x0, =(TCR_4K | (1 << 39))
        msr     tcr_el1, x0
        isb
        tlbi    vmalle1
        dsb     sy
        isb
        LOAD    W(6)
        ldr     x9, =l3_win
        ldr     x0, [x9, #(6 * 8)]
        PUTKV   pte, x0
        END
        T       "TCR_EL1.HD = 1: str to W(15) (read-only, DBM), then its descriptor"
        ldr     x0, =(TCR_4K | (3 << 39))
        msr     tcr_el1, x0
        isb
        tlbi    vmalle1
        dsb     sy
        isb
        STORE   W(15) + 40
        LOAD    page_a + 40
        ldr     x9, =l3_win
        ldr     x0, [x9, #(15 * 8)]
        PUTKV   pte, x0
        END
        T       "TCR_EL1.HD = 1: str to W(1) (read-only, no DBM)"
        STORE   W(1) + 40
        END
        ldr     x0, =TCR_4K
        msr     tcr_el1, x0
        isb
        tlbi    vmalle1
        dsb     sy
        isb
        ldp     x29, x30, [sp], #16
        ret
#endif
        .ltorg
#endif // START_EL == 1


#if START_EL >= 2
// ---- code run at EL1 under EL2 or EL3: each returns with the gate to the start EL -----------
// Each returns (RET) to the X30 that call_lower gives it: a gate to the EL that called it.
#if HAS_EL2
g_gate_hvc: hvc #0xe0
#endif
#if START_EL == 3
g_gate_smc: smc #0xe0
#endif
g_ldr:  ldr     x0, [x1]
        ret
g_str:  str     x2, [x1]
        ret
g_ldrsh: ldrsh  x5, [x1]
        ret
g_strw: str     w7, [x1]
        ret
g_ldar: ldar    w9, [x1]
        ret
g_stlrh: stlrh  w10, [x1]
        ret
g_ldp:  ldp     x2, x3, [x1]
        ret
g_ldrb_post: ldrb w4, [x1], #1
        ret
g_blr:  mov     x8, x30
        CALLR   x1
        ret     x8
g_dczva: dc     zva, x1
        ret
#if START_EL == 2
#define G_GATE g_gate_hvc
#endif

        // run EL1 code \snip with x0-x3 as they are; returns its x0-x3
        // (\gate: g_gate_hvc when called from EL2, g_gate_smc from EL3)
        .macro  RUN_EL1 snip, gate
        ldr     x4, =\snip
        mov     x5, #0x3c5              // EL1h, DAIF masked
        ldr     x6, =\gate
        bl      call_lower
        .endm
        // x0 = MARK, run \snip at EL1 on \addr, print x0
        .macro  GLOAD addr, gate, snip=g_ldr
        ldr     x1, =\addr
        mov     x0, #MARK
        RUN_EL1 \snip, \gate
        PUTKV   x0, x0
        .endm
        .macro  GRUN addr, snip, gate
        ldr     x1, =\addr
        ldr     x2, =0x5700570057005700
        RUN_EL1 \snip, \gate
        .endm

        // the EL2/EL3 regime: TCR_ELx T0SZ = 25, WB walks, inner shareable, 4 KiB, PS 40 bits, RES1
        .equ    TCR_EL23, 25 | (1 << 8) | (1 << 10) | (3 << 12) | (2 << 16) | (1 << 23) | (1 << 31)

// the tests of the EL2 or EL3 regime (identity and window maps as for EL1): no data aborts taken
// to EL2 (QEMU 7.2 sets ESR_EL2.ISV for those, the Arm ARM does not: docs/ARCHITECTURE.md)
        .macro  TOP_REGIME el
top_regime_el\el:
        stp     x29, x30, [sp, #-16]!
        ldr     x0, =MAIR_VAL
        msr     mair_el\el, x0
        ldr     x0, =TCR_EL23
        msr     tcr_el\el, x0
        ldr     x0, =l1_main
        msr     ttbr0_el\el, x0
        isb
        TLBI_ALL \el
        mrs     x0, sctlr_el\el
        ldr     x1, =SCTLR_MMU
        orr     x0, x0, x1
        msr     sctlr_el\el, x0
        isb
        T       "EL\el regime: level 3 page W(0)"
        LOAD    W(0)
        END
        T       "EL\el regime: level 2 block"
        LOAD    (WIN + 0x200000 + 0x80000)
        END
        T       "EL\el regime: load from AP = 01 W(2) (AP[1] ignored)"
        LOAD    W(2)
        END
        T       "EL\el regime: execute W(11)"
        mov     x0, #MARK
        ldr     x1, =W(11)
        CALLR   x1
        PUTKV   x0, x0
        END
        T       "EL\el regime: execute W(10) (bit 53 PXN is RES0 here)"
        mov     x0, #MARK
        ldr     x1, =W(10)
        CALLR   x1
        PUTKV   x0, x0
        END
        T       "EL\el regime: execute W(5) (bit 54 XN)"
        ldr     x1, =(W(5) + 4)
        CALLR   x1
        END
        T       "EL\el regime: execute W(14) (invalid)"
        ldr     x1, =W(14)
        CALLR   x1
        END
        T       "EL\el regime: execute W(8) (PA 0x70000000)"
        ldr     x1, =W(8)
        CALLR   x1
        END
        T       "at s1e\el\()r W(0)"
        ATP     s1e\el\()r, W(0)
        END
        T       "at s1e\el\()w W(1) (read-only)"
        ATP     s1e\el\()w, W(1)
        END
        T       "at s1e\el\()r W(14) (invalid)"
        ATP     s1e\el\()r, W(14)
        END
        T       "at s1e\el\()r W(6) (AF = 0)"
        ATP     s1e\el\()r, W(6)
        END
        T       "at s1e\el\()w W(2) (AP = 01)"
        ATP     s1e\el\()w, W(2)
        END
        T       "W(12) -> page_a"
        LOAD    W(12)
        END
        T       "W(12) -> page_b, TLBI by VA at this EL"
        SETPTE  l3_win, 12, (page_b + NORMAL + NG + PAGE)
        ldr     x0, =(W(12) >> 12)
        tlbi    vae\el, x0
        dsb     sy
        isb
        LOAD    W(12)
        END
        T       "W(12) -> page_a, TLBI ALL at this EL"
        SETPTE  l3_win, 12, (page_a + NORMAL + NG + PAGE)
        TLBI_ALL \el
        LOAD    W(12)
        END
        ldp     x29, x30, [sp], #16
        ret
        .ltorg
        .endm
#if HAS_EL2
        TOP_REGIME 2
#endif
#if START_EL == 3
        TOP_REGIME 3
#endif

// EL1 with its own stage 1 (the same 4 KiB tables), set up from the start EL
el1_stage1_on:
        ldr     x0, =MAIR_VAL
        msr     mair_el1, x0
        ldr     x0, =TCR_4K
        msr     tcr_el1, x0
        ldr     x0, =l1_main
        msr     ttbr0_el1, x0
        ldr     x0, =l1_hi
        msr     ttbr1_el1, x0
        ldr     x0, =(0x30d00800 | SCTLR_MMU)   // SCTLR_EL1 RES1 bits, M, C, I
        msr     sctlr_el1, x0
        isb
        tlbi    vmalle1
        dsb     sy
        isb
        ret
el1_stage1_off:
        ldr     x0, =0x30d00800
        msr     sctlr_el1, x0
        isb
        tlbi    vmalle1
        dsb     sy
        isb
        ret
        .ltorg
#endif

#if START_EL == 3
el3_tests:
        stp     x29, x30, [sp, #-16]!
        bl      top_regime_el3
        bl      el1_stage1_on
        T       "Non-secure EL1 stage 1: ldr W(0)"
        GLOAD   W(0), g_gate_smc
        END
        T       "Non-secure EL1 stage 1: ldr W(14) (invalid)"
        GLOAD   W(14), g_gate_smc
        END
        T       "Non-secure EL1 stage 1: str to W(1) (read-only)"
        GRUN    W(1), g_str, g_gate_smc
        END
        T       "Non-secure EL1 stage 1: ldrsh from W(8) (PA 0x70000000)"
        GRUN    W(8), g_ldrsh, g_gate_smc
        END
        T       "EL3: at s1e1r W(0)"
        ATP     s1e1r, W(0)
        END
        T       "EL3: at s1e0r W(0) (EL1 only)"
        ATP     s1e0r, W(0)
        END
        bl      el1_stage1_off
        ldp     x29, x30, [sp], #16
        ret
#endif

#if HAS_EL2
// ---- stage 2 for EL1 (VTTBR_EL2, VTCR_EL2, HCR_EL2.VM) ----------------------------------------
        // stage 2 descriptors: AF, inner shareable, S2AP (bits 7:6), MemAttr (5:2) 0b1111 / 0b0000
        .equ    S2_NORMAL, 0x7fc        // Normal WB, S2AP = 11 (read/write)
        .equ    S2_RO, 0x77c            // S2AP = 01
        .equ    S2_NOAF, 0x3fc
        .equ    S2_DEVICE, 0x4c0
        .equ    S2_XN, 1 << 54
        // VTCR_EL2: T0SZ = 25, SL0 = 1 (start level 1), WB walks, inner shareable, 4 KiB, PS 40 bits
        .equ    VTCR_VAL, 25 | (1 << 6) | (1 << 8) | (1 << 10) | (3 << 12) | (2 << 16) | (1 << 31)
        .equ    HCR_VM, (1 << 31) | 1   // RW, VM
        // IPA pages: W(0) page_a, W(1) page_a read-only, W(2) page_a XN, W(3) invalid, W(4) xpage,
        // W(5) page_a AF = 0, W(6) PA 0x70000000, W(7) page_a (TLBI IPAS2E1)

#if START_EL == 3
// entered from EL3 by call_lower: the EL2 tests, then back to EL3
el2_entry:
        bl      el2_tests
        msr     nzcv, xzr
        smc     #0xe0
#endif

el2_tests:
        stp     x29, x30, [sp, #-16]!
        bl      top_regime_el2
        SETPTE  s2_l1, 0, (0 + S2_DEVICE + BLOCK)
        SETPTE  s2_l1, 1, (0x40000000 + S2_NORMAL + BLOCK)
        SETPTE  s2_l1, 2, (s2_l2 + TABLE)
        SETPTE  s2_l2, 0, (s2_l3 + TABLE)
        SETPTE  s2_l3, 0, (page_a + S2_NORMAL + PAGE)
        SETPTE  s2_l3, 1, (page_a + S2_RO + PAGE)
        SETPTE  s2_l3, 2, (xpage + S2_NORMAL + S2_XN + PAGE)
        SETPTE  s2_l3, 4, (xpage + S2_NORMAL + PAGE)
        SETPTE  s2_l3, 5, (page_a + S2_NOAF + PAGE)
        SETPTE  s2_l3, 6, (NOWHERE + S2_NORMAL + PAGE)
        SETPTE  s2_l3, 7, (page_a + S2_NORMAL + PAGE)
        ldr     x0, =VTCR_VAL
        msr     vtcr_el2, x0
        ldr     x0, =(s2_l1 + (1 << 48))        // VMID 1
        msr     vttbr_el2, x0
        ldr     x0, =HCR_VM
        msr     hcr_el2, x0
        isb
        tlbi    vmalls12e1
        dsb     sy
        isb
        T       "stage 2: EL1 ldr IPA W(0)"
        GLOAD   W(0), g_gate_hvc
        END
        T       "stage 2: EL1 str to read-only IPA W(1)"
        GRUN    W(1), g_str, g_gate_hvc
        END
        T       "stage 2: EL1 ldr from read-only IPA W(1)"
        GLOAD   W(1), g_gate_hvc
        END
        T       "stage 2: EL1 ldrsh x5 from invalid IPA W(3) + 2"
        GRUN    W(3) + 2, g_ldrsh, g_gate_hvc
        END
        T       "stage 2: EL1 str w7 to invalid IPA W(3) + 4"
        GRUN    W(3) + 4, g_strw, g_gate_hvc
        END
        T       "stage 2: EL1 ldar w9 from invalid IPA W(3)"
        GRUN    W(3), g_ldar, g_gate_hvc
        END
        T       "stage 2: EL1 stlrh w10 to invalid IPA W(3) + 6"
        GRUN    W(3) + 6, g_stlrh, g_gate_hvc
        END
        T       "stage 2: EL1 ldp from invalid IPA W(3) (no ISV)"
        GRUN    W(3), g_ldp, g_gate_hvc
        END
        T       "stage 2: EL1 ldrb post-index from invalid IPA W(3) (no ISV)"
        GRUN    W(3), g_ldrb_post, g_gate_hvc
        END
        T       "stage 2: EL1 dc zva on invalid IPA W(3)"
        GRUN    W(3), g_dczva, g_gate_hvc
        END
        T       "stage 2: EL1 ldr IPA W(5) (stage 2 AF = 0)"
        GLOAD   W(5), g_gate_hvc
        END
        T       "stage 2: EL1 ldr IPA W(6) (PA 0x70000000)"
        GLOAD   W(6), g_gate_hvc
        END
        T       "stage 2: EL1 ldr IPA 0x100000000 (stage 2 level 1 invalid)"
        GLOAD   0x100000000, g_gate_hvc
        END
        T       "stage 2: EL1 execute IPA W(4)"
        mov     x0, #MARK
        GRUN    W(4), g_blr, g_gate_hvc
        PUTKV   x0, x0
        END
        T       "stage 2: EL1 execute IPA W(2) (stage 2 XN)"
        GRUN    W(2), g_blr, g_gate_hvc
        END
        T       "stage 2: EL1 execute invalid IPA W(3)"
        GRUN    W(3), g_blr, g_gate_hvc
        END
        T       "at s12e1r W(0) (EL1 stage 1 off)"
        ATP     s12e1r, W(0)
        END
        T       "at s12e1w W(1) (stage 2 read-only)"
        ATP     s12e1w, W(1)
        END
        T       "at s12e1r W(3) (stage 2 invalid)"
        ATP     s12e1r, W(3)
        END
        // TLBI IPAS2E1 (stage 1 off)
        T       "IPA W(7) -> page_a"
        GLOAD   W(7), g_gate_hvc
        END
        T       "IPA W(7) -> page_b without TLBI (stale, as QEMU)"
        SETPTE  s2_l3, 7, (page_b + S2_NORMAL + PAGE)
        GLOAD   W(7), g_gate_hvc
        END
        T       "after tlbi ipas2e1 + tlbi vmalle1"
        ldr     x0, =(W(7) >> 12)
        tlbi    ipas2e1, x0
        dsb     sy
        tlbi    vmalle1
        dsb     sy
        isb
        GLOAD   W(7), g_gate_hvc
        END
        T       "IPA W(7) -> page_a, tlbi vmalls12e1"
        SETPTE  s2_l3, 7, (page_a + S2_NORMAL + PAGE)
        tlbi    vmalls12e1
        dsb     sy
        isb
        GLOAD   W(7), g_gate_hvc
        END

        // EL1 stage 1 on, over stage 2
        bl      el1_stage1_on
        T       "stage 1+2: EL1 ldr VA W(0) -> IPA page_a"
        GLOAD   W(0), g_gate_hvc
        END
        T       "stage 1+2: EL1 ldr VA W(14) (stage 1 invalid)"
        GLOAD   W(14), g_gate_hvc
        END
        T       "stage 1+2: EL1 ldr VA W(8) -> IPA 0x70000000"
        GLOAD   W(8), g_gate_hvc
        END
        T       "stage 1+2: EL1 ldr VA 0x80a00000 (level 3 table at IPA W(3): S1PTW)"
        GLOAD   WIN + 0xa00000, g_gate_hvc
        END
        T       "stage 1+2: EL1 str to VA W(1) (stage 1 read-only)"
        GRUN    W(1), g_str, g_gate_hvc
        END
        T       "at s12e1r VA W(0)"
        ATP     s12e1r, W(0)
        END
        T       "at s12e1r VA 0x80a00000 (S1PTW)"
        ATP     s12e1r, WIN + 0xa00000
        END
        T       "at s1e1r VA 0x80a00000 (S1PTW)"
        ATP     s1e1r, WIN + 0xa00000
        END
        T       "at s12e0r VA W(3)"
        ATP     s12e0r, W(3)
        END
        T       "at s1e1w VA W(1) (stage 1 read-only)"
        ATP     s1e1w, W(1)
        END
        bl      el1_stage1_off
        ldr     x0, =(1 << 31)
        msr     hcr_el2, x0
        isb
#if MAX
        bl      vhe_tests
#endif
        ldp     x29, x30, [sp], #16
        ret
        .ltorg

#if MAX
// ---- FEAT_VHE: the EL2&0 regime (HCR_EL2.E2H = TGE = 1), TCR_EL2 in the TCR_EL1 layout ------------
// No data aborts here either: taken to EL2, QEMU 7.2 gives them ISV = 1.
vhe_tests:
        stp     x29, x30, [sp, #-16]!
        mrs     x0, sctlr_el2                   // MMU off while the regime changes
        bic     x0, x0, #1
        msr     sctlr_el2, x0
        isb
        ldr     x0, =((1 << 31) | (1 << 34) | (1 << 27))        // RW, E2H, TGE
        msr     hcr_el2, x0
        ldr     x0, =TCR_4K
        msr     tcr_el2, x0
        ldr     x0, =l1_main
        msr     ttbr0_el2, x0
        ldr     x0, =l1_hi
        msr     ttbr1_el2, x0
        isb
        tlbi    alle2
        dsb     sy
        isb
        mrs     x0, sctlr_el2
        orr     x0, x0, #1
        msr     sctlr_el2, x0
        isb
        T       "VHE: ldr W(0)"
        LOAD    W(0)
        END
        T       "VHE: ldr through TTBR1_EL2"
        LOAD    (TTBR1_VA + 0x80000)
        END
        T       "VHE: execute W(10) (PXN applies to EL2)"
        mov     x0, #MARK
        ldr     x1, =W(10)
        CALLR   x1
        PUTKV   x0, x0
        END
        T       "VHE: execute W(5) (UXN only)"
        mov     x0, #MARK
        ldr     x1, =(W(5) + (el0_ret - el0_page))
        CALLR   x1
        PUTKV   x0, x0
        END
        T       "VHE: EL0 ldr W(2)"
        mov     x0, #MARK
        ldr     x1, =W(2)
        RUN_EL0 el0_ldr
        PUTKV   x0, x0
        END
        T       "VHE: EL0 execute W(5) (UXN)"
        mov     x0, #MARK
        ldr     x1, =W(2)
        ldr     x4, =(W(5) + (el0_ldr - el0_page))
        mov     x5, #0x3c0
        ldr     x6, =(W(4) + (el0_gate - el0_page))
        bl      call_lower
        PUTKV   x0, x0
        END
        T       "VHE: at s1e2r W(0)"
        ATP     s1e2r, W(0)
        END
        T       "VHE: at s1e2w W(1) (read-only)"
        ATP     s1e2w, W(1)
        END
        T       "VHE: at s1e2r TTBR1_EL2 block"
        ATP     s1e2r, TTBR1_VA + 0x1000
        END
        T       "VHE: at s1e0r W(0) (EL0 no access)"
        ATP     s1e0r, W(0)
        END
        T       "VHE: at s1e0r W(3)"
        ATP     s1e0r, W(3)
        END
        T       "VHE: W(12) (nG) -> page_b, tlbi vae2 ASID 0"
        LOAD    W(12)
        SETPTE  l3_win, 12, (page_b + NORMAL + NG + PAGE)
        ldr     x0, =(W(12) >> 12)
        tlbi    vae2, x0
        dsb     sy
        isb
        LOAD    W(12)
        END
        T       "VHE: W(12) -> page_a, ASID 5 in TTBR0_EL2 (no entry for ASID 5)"
        SETPTE  l3_win, 12, (page_a + NORMAL + NG + PAGE)
        ldr     x0, =(l1_main + (5 << 48))
        msr     ttbr0_el2, x0
        isb
        LOAD    W(12)
        END
        T       "VHE: W(12) -> page_b, tlbi vae2 ASID 5"
        SETPTE  l3_win, 12, (page_b + NORMAL + NG + PAGE)
        ldr     x0, =((W(12) >> 12) + (5 << 48))
        tlbi    vae2, x0
        dsb     sy
        isb
        LOAD    W(12)
        END
        mrs     x0, sctlr_el2
        bic     x0, x0, #1
        msr     sctlr_el2, x0
        isb
        ldr     x0, =(1 << 31)
        msr     hcr_el2, x0
        isb
        tlbi    alle2
        dsb     sy
        isb
        ldp     x29, x30, [sp], #16
        ret
        .ltorg
#endif
#endif

        .data
        .balign 4096
page_a:
        .irp    i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
        .quad   0xa0a0a0a000000000 + \i
        .endr
        .balign 4096
page_b:
        .irp    i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
        .quad   0xb0b0b0b000000000 + \i
        .endr
        .balign 8
gate_slots:
        .skip   128 * 4

        .bss
        .balign 65536
page_64k: .skip 65536                   // 64 KiB page (also the 16 KiB one), filled by build_tables
tables_start:
l1_main: .skip  4096
l2_id:  .skip   4096
l3_id:  .skip   4096
l2_win: .skip   4096
l3_win: .skip   4096
l1_hi:  .skip   4096
l0_48:  .skip   4096
        .balign 16384
l1_16k: .skip   16384
l2_16k: .skip   16384
l3_16k: .skip   16384
        .balign 65536
l2_64k: .skip   65536
l3_64k: .skip   65536
#if MAX
l1_52:  .skip   65536
#endif
#if HAS_EL2
s2_l1:  .skip   4096
s2_l2:  .skip   4096
s2_l3:  .skip   4096
#endif
tables_end:
        .balign 16
el0_stack: .skip 4096
el0_stack_top:
el1_stack: .skip 4096
el1_stack_top:
el2_stack: .skip 4096
el2_stack_top:
