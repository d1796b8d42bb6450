// atomic: FEAT_LSE atomics (run with -cpu max: cortex-a57 has no LSE).
//   LDADD/LDCLR/LDEOR/LDSET/LDSMAX/LDSMIN/LDUMAX/LDUMIN/SWP in B/H/W/X sizes with the
//   plain, A, L and AL orderings; the STADD/STCLR/... aliases (Rt = ZR); CAS/CASA/CASL/
//   CASAL in B/H/W/X (compare match and mismatch); CASP/CASPA/CASPL/CASPAL (W and X pairs);
//   and LDAPR/LDAPRH/LDAPRB (FEAT_LRCPC, also in QEMU's max).
//
// Memory: `cell` is 16 bytes; its low doubleword is set from the first table, its high
// doubleword to 5555555555555555.  x1 = &cell, x2 (Rs) from the second table, x3 from the
// third (CAS new value / CASP second compare word), x4:x5 = CASP new pair, x0 = JUNK.
// Each line: "<initial mem> <x2> [<x3>] : <outs> <mem lo after> <mem hi after>".
//
// Expected output: tests/images/atomic/atomic.expected.json, recorded from QEMU with
//   node scripts/images.mjs record atomic
// i.e. qemu-system-aarch64 -M virt -cpu max -m 512 -display none -serial stdio
//      -monitor none -semihosting -no-reboot -kernel tests/images/atomic/atomic.elf
#include "a64test.inc"

        .equ    CELL_HI, 0x5555555555555555
        .equ    CASP_NEW_LO, 0xfedcba9876543210
        .equ    CASP_NEW_HI, 0x0f1e2d3c4b5a6978

        // operands for the arithmetic atomics: sign boundaries at every access size
        VTABLE  t_am, 0x0000000000000001, 0xffffffffffffffff, 0x8080808080808080, 0x7f7f7f7f7f7f7f7f, 0x0123456789abcdef
        VTABLE  t_one_val, 0xc3c3c3c3c3c3c3c3
        VTABLE  t_one_op, 0x0000000000000081
        // CAS: memory, compare values (match at X / W / H / B only, or never), new value
        VTABLE  t_cmem, 0x0123456789abcdef
        VTABLE  t_ccmp, 0x0123456789abcdef, 0x1111111189abcdef, 0x222222222222cdef, 0x33333333333333ef, 0x0000000000000000, 0xffffffffffffffff
        VTABLE  t_cnew, 0xfedcba9876543210
        // CASP: memory pair = (0x0123456789abcdef, CELL_HI); compare words
        VTABLE  t_cplo, 0x0123456789abcdef, 0x0123456789abcdee, 0x1111111189abcdef
        VTABLE  t_cphi, 0x5555555555555555, 0x5555555555555554, 0x1111111155555555

        // ATOM insn, tmem, treg, t3, outs
        .macro  ATOM insn:req, tmem=t_am, treg=t_am, t3=t_none, outs=x0
        HDR     "\insn"
        adr     x19, \tmem
        ldr     x20, [x19], #8
.Lam\@:
        adr     x21, \treg
        ldr     x22, [x21], #8
.Lar\@:
        adr     x23, \t3
        ldr     x24, [x23], #8
.Lat\@:
        ldr     x9, [x19]
        ldr     x2, [x21]
        ldr     x3, [x23]
        adr     x1, cell
        ldr     x10, =CELL_HI
        stp     x9, x10, [x1]
        PUTX    x9
        PUTC    ' '
        PUTX    x2
        .ifnc   \t3,t_none
        PUTC    ' '
        PUTX    x3
        .endif
        PUTS    " :"
        ldr     x0, =JUNK
        ldr     x4, =CASP_NEW_LO
        ldr     x5, =CASP_NEW_HI
        \insn
        .irp    r, \outs
        PUTC    ' '
        PUTX    \r
        .endr
        adr     x1, cell
        ldp     x9, x10, [x1]
        PUTC    ' '
        PUTX    x9
        PUTC    ' '
        PUTX    x10
        NL
        add     x23, x23, #8
        subs    x24, x24, #1
        b.ne    .Lat\@
        add     x21, x21, #8
        subs    x22, x22, #1
        b.ne    .Lar\@
        add     x19, x19, #8
        subs    x20, x20, #1
        b.ne    .Lam\@
        .endm

        .text
        .global main
main:
        stp     x29, x30, [sp, #-16]!
        PUTSLN  "atomic: FEAT_LSE"

// ---- LD<op> / SWP: every value pair for the plain form of each size ----------------------
        .irp    op, ldadd, ldclr, ldeor, ldset, ldsmax, ldsmin, ldumax, ldumin, swp
        ATOM    "\op x2, x0, [x1]"
        ATOM    "\op w2, w0, [x1]"
        ATOM    "\op\()h w2, w0, [x1]"
        ATOM    "\op\()b w2, w0, [x1]"
        .endr

// ---- A / L / AL orderings: one value pair each -----------------------------------------------
        .irp    op, ldadd, ldclr, ldeor, ldset, ldsmax, ldsmin, ldumax, ldumin, swp
        .irp    ord, a, l, al
        ATOM    "\op\ord x2, x0, [x1]", t_one_val, t_one_op
        ATOM    "\op\ord w2, w0, [x1]", t_one_val, t_one_op
        .endr
        .irp    sfx, ah, lh, alh, ab, lb, alb
        ATOM    "\op\sfx w2, w0, [x1]", t_one_val, t_one_op
        .endr
        .endr

// ---- ST<op> aliases (LD<op> with Rt = ZR; x0 keeps JUNK) -----------------------------------
        .irp    op, stadd, stclr, steor, stset, stsmax, stsmin, stumax, stumin
        ATOM    "\op x2, [x1]", t_one_val, t_one_op
        ATOM    "\op\()l w2, [x1]", t_one_val, t_one_op
        ATOM    "\op\()h w2, [x1]", t_one_val, t_one_op
        ATOM    "\op\()lb w2, [x1]", t_one_val, t_one_op
        .endr
        // a load atomic with Rt = ZR and an ordering is still a load: same memory result
        ATOM    "ldaddal x2, xzr, [x1]", t_one_val, t_one_op
        ATOM    "swp x2, xzr, [x1]", t_one_val, t_one_op

// ---- CAS ----------------------------------------------------------------------------------------
        // x2 = compare value, receives the old memory value; x3 = new value
        .irp    ord, , a, l, al
        ATOM    "cas\ord x2, x3, [x1]", t_cmem, t_ccmp, t_cnew, x2
        ATOM    "cas\ord w2, w3, [x1]", t_cmem, t_ccmp, t_cnew, x2
        ATOM    "cas\ord\()h w2, w3, [x1]", t_cmem, t_ccmp, t_cnew, x2
        ATOM    "cas\ord\()b w2, w3, [x1]", t_cmem, t_ccmp, t_cnew, x2
        .endr

// ---- CASP -------------------------------------------------------------------------------------
        // compare pair x2:x3 (w2:w3), new pair x4:x5 (w4:w5); both registers of the compare
        // pair receive the old memory values
        .irp    ord, , a, l, al
        ATOM    "casp\ord x2, x3, x4, x5, [x1]", t_cmem, t_cplo, t_cphi, "x2 x3"
        ATOM    "casp\ord w2, w3, w4, w5, [x1]", t_cmem, t_cplo, t_cphi, "x2 x3"
        .endr
        // W pair built from one doubleword x2: w2 is compared with the low word in memory,
        // w3 with the high word (first line: halves swapped, second: in order)
        ATOM    "mov w3, w2; lsr x2, x2, #32; casp w2, w3, w4, w5, [x1]", t_cmem, t_ccmp, outs="x2 x3"
        ATOM    "lsr x3, x2, #32; casp w2, w3, w4, w5, [x1]", t_cmem, t_ccmp, outs="x2 x3"

// ---- LDAPR (FEAT_LRCPC): loads zero-extended from each size -----------------------------------
        .arch_extension rcpc
        ATOM    "ldapr x0, [x1]", t_am, t_one_op
        ATOM    "ldapr w0, [x1]", t_am, t_one_op
        ATOM    "ldaprh w0, [x1]", t_am, t_one_op
        ATOM    "ldaprb w0, [x1]", t_am, t_one_op

        PUTSLN  "atomic: done"
        ldp     x29, x30, [sp], #16
        mov     w0, #0
        ret
        .ltorg

        .data
        .balign 16
cell:   .quad   0, 0
