// KVM guest: stage 1 translation at EL1 with the MMU on (4 KiB granule, 39-bit VA, walks
// from level 1; tables built in the slot by kvm.inc). Reports what loads through
// aliases, AT S1E1R/W (PAR_EL1) and every abort give (ESR, ELR, SPSR, FAR from the
// handler): translation faults at levels 1 and 3 and outside the VA range, an access flag
// fault, permission faults (store to read-only, execute-never), alignment with SCTLR.A,
// and stage 1 tables outside every memory slot, which KVM reports back into the guest as
// an external abort (Linux arch/arm64/kvm/mmu.c kvm_handle_guest_abort: kvm_inject_dabt).
#include "kvm.inc"

        .equ    PG_DATA, PG_NORMAL | PXN | UXN
        .equ    D0, DATA                        // ordinary data page
        .equ    P_INVALID, DATA + 0x1000        // L3 entry invalid
        .equ    P_NOAF, DATA + 0x2000           // AF = 0
        .equ    P_RO, DATA + 0x3000             // read-only at EL1
        .equ    P_CHANGE, DATA + 0x4000         // made invalid, then valid again
        .equ    ALIAS, 0x40200000               // 2 MiB block: VA 0x40200000 -> PA 0x40000000
        .equ    DEV_ALIAS, 0x3fe00000           // 2 MiB Device block -> PA 0x09000000
        .equ    NO_L1, 0x80000000               // L1 entry 2 invalid
        .equ    BAD_TABLE, 0xc0000000           // L1 entry 3 -> a "table" at IPA 0x0a000000
        .equ    OUT_OF_RANGE, 0x0000800000000000 // above 2^39: outside TTBR0's range

        .text
        .global _start
_start:
        guest_start
        build_tables PG_NORMAL, PG_DATA
        set_page P_INVALID, 0
        set_page P_NOAF, PG_DATA & ~AF
        set_page P_RO, PG_DATA | AP_EL1_RO
        adr     x3, xn_page
        set_page_at x3, PG_NORMAL | PXN
        movq    x0, L2_RAM + 8
        movq    x1, SLOT | 0x705 | PXN | UXN    // block, attr1, AF, inner shareable
        str     x1, [x0]
        movq    x0, L2_LOW + (DEV_ALIAS >> 21) * 8
        movq    x1, DEV_BLOCK
        str     x1, [x0]
        movq    x0, L1_TABLE + 3 * 8
        movq    x1, 0x0a000000 | 3
        str     x1, [x0]
        // data written with the MMU off
        movq    x9, D0
        movq    x0, 0x0011223344556677
        str     x0, [x9]
        movq    x0, 0x8899aabbccddeeff
        str     x0, [x9, #8]

        mmu_on
        mrs     x0, sctlr_el1
        report  x0
        mrs     x0, tcr_el1
        report  x0
        mrs     x0, ttbr0_el1
        report  x0

        // loads through the identity map and the 2 MiB block alias, a store through the alias
        ldr     x0, [x9]
        report  x0
        movq    x10, ALIAS + (D0 - SLOT)
        ldr     x0, [x10, #8]
        report  x0
        movq    x0, 0x0badcafe
        str     x0, [x10, #16]
        ldr     x1, [x9, #16]
        report  x1
        // unaligned loads from Normal memory (SCTLR_EL1.A = 0): no fault
        ldr     x0, [x9, #3]
        report  x0
        ldr     w0, [x9, #7]
        report  x0
        // the report page through another VA: the exits show the IPA
        movq    x10, DEV_ALIAS
        mov     x0, #0x77
        str     x0, [x10]
        ldr     w0, [x10, #0x10]
        report  x0

        // AT S1E1R / S1E1W: PAR_EL1
        movq    x10, D0 + 0x123
        at      s1e1r, x10
        isb
        mrs     x0, par_el1
        report  x0
        movq    x10, ALIAS + 0x5000
        at      s1e1w, x10
        isb
        mrs     x0, par_el1
        report  x0
        movq    x10, P_RO
        at      s1e1w, x10                      // F = 1: permission fault, level 3
        isb
        mrs     x0, par_el1
        report  x0
        at      s1e1r, x10                      // readable
        isb
        mrs     x0, par_el1
        report  x0
        movq    x10, P_INVALID
        at      s1e1r, x10                      // translation fault, level 3
        isb
        mrs     x0, par_el1
        report  x0
        movq    x10, NO_L1
        at      s1e1r, x10                      // translation fault, level 1
        isb
        mrs     x0, par_el1
        report  x0

        // aborts
        movq    x10, P_INVALID + 8
        ldr     x0, [x10]                       // translation fault, level 3 (DFSC 0x07)
        movq    x10, NO_L1 + 0x10
        str     x0, [x10]                       // translation fault, level 1, WnR (0x05)
        movq    x10, OUT_OF_RANGE
        ldr     x0, [x10]                       // outside the TTBR0 range: level 0 (0x04)
        movq    x10, P_NOAF + 0x20
        ldr     x0, [x10]                       // access flag fault, level 3 (0x0b)
        movq    x10, P_RO + 0x30
        ldr     x0, [x10]                       // read-only page: the load is allowed
        report  x0
        str     x0, [x10]                       // permission fault, level 3, WnR (0x0f)
        // PXN: Instruction Abort, permission (0x0f). BL, not BLR: with FEAT_BTI (max) an
        // indirect branch would set PSTATE.BTYPE, which the SPSR shows
        bl      xn_page
        // SCTLR_EL1.A = 1: unaligned Normal accesses fault (DFSC 0x21)
        mrs     x0, sctlr_el1
        orr     x0, x0, #2
        msr     sctlr_el1, x0
        isb
        ldr     x0, [x9, #4]
        ldr     x0, [x9, #8]                    // aligned: no fault
        report  x0
        mrs     x0, sctlr_el1
        bic     x0, x0, #2
        msr     sctlr_el1, x0
        isb

        // a descriptor made invalid (TLBI), then valid again (TLBI)
        movq    x10, P_CHANGE
        mov     x0, #0x5a
        str     x0, [x10]
        set_page P_CHANGE, 0
        tlb_flush
        movq    x10, P_CHANGE
        ldr     x0, [x10]                       // translation fault, level 3
        set_page P_CHANGE, PG_DATA
        tlb_flush
        movq    x10, P_CHANGE
        ldr     x0, [x10]
        report  x0                              // 0x5a

        // a stage 1 table at an IPA with no memory: KVM injects a synchronous external
        // abort (ESR 0x96000010, FAR the VA)
        movq    x10, BAD_TABLE + 0x40
        ldr     x0, [x10]

        // the MMU off again: identity, the alias is gone
        mrs     x0, sctlr_el1
        bic     x0, x0, #1
        msr     sctlr_el1, x0
        isb
        ldr     x0, [x9, #16]
        report  x0
        power_off
el0_done:
        b       .
        handler_code

        .balign 4096
xn_page:                                        // mapped with PXN: never runs
        ret
