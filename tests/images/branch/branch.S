// branch: A64 branches.
//   B, BL, BR, BLR (incl. BLR X30), RET (X30 and other registers), CBZ/CBNZ (W and X),
//   TBZ/TBNZ (every bit 0..63 of X, 0..31 of W), B.cond for all 16 conditions with the
//   flags set directly (all 16 NZCV values) and by CMP/CMN/ADDS/TST, forward and
//   backward targets, loops.
//
// Output: one character per test, 'T' = branch taken, '.' = not taken; link register
// values are printed relative to a label (see the comments at each block).
//
// Expected output: tests/images/branch/branch.expected.json, recorded from QEMU with
//   node scripts/images.mjs record branch
// i.e. qemu-system-aarch64 -M virt -cpu cortex-a57 -m 512 -display none -serial stdio
//      -monitor none -semihosting -no-reboot -kernel tests/images/branch/branch.elf
#include "a64test.inc"

        // print 'T' if `br` (a branch to local label 1) is taken, '.' otherwise
        .macro  TAKEN br
        \br     1f
        PUTC    '.'
        b       2f
1:      PUTC    'T'
2:
        .endm

        // loop x19 over table `tbl`, x1 = value; body prints one line
        .macro  FOREACH tbl, label
        adr     x19, \tbl
        ldr     x20, [x19], #8
\label:
        ldr     x1, [x19]
        .endm
        .macro  NEXT label
        add     x19, x19, #8
        subs    x20, x20, #1
        b.ne    \label
        .endm

        .macro  ALLCOND
        .irp    cc, eq, ne, cs, cc, mi, pl, vs, vc, hi, ls, ge, lt, gt, le, al, nv
        TAKEN   "b.\cc"
        .endr
        .endm

        VTABLE  t_cbz, 0, 1, 0xffffffffffffffff, 0x8000000000000000, 0x0000000100000000, 0xffffffff00000000, 0x0000000080000000
        VTABLE  t_tb, 0, 0xffffffffffffffff, 0x8000000000000001, 0x0123456789abcdef, 0x5555555555555555, 0x00000000ffffffff

        .text
        .global main
main:
        stp     x29, x30, [sp, #-16]!
        PUTSLN  "branch: branches"

// ---- B / BL / BR / BLR / RET ------------------------------------------------------------
        PUTSLN  "# b forward, b backward"
        mov     x0, #0
        b       10f
11:     add     x0, x0, #2              // reached second (backward branch)
        b       12f
10:     add     x0, x0, #1              // reached first
        b       11b
        add     x0, x0, #100            // skipped
12:     PUTX    x0
        NL

        PUTSLN  "# bl: x30 - (address of the bl) ; x0 = 1 if the target ran"
        mov     x0, #0
        adr     x5, 20f
20:     bl      21f
        b       22f
21:     mov     x0, #1
        sub     x6, x30, x5
        ret
22:     PUTX    x0
        PUTC    ' '
        PUTX    x6
        NL

        PUTSLN  "# blr x7: x30 - (address of the blr), x0"
        mov     x0, #0
        adr     x7, 31f
        adr     x5, 30f
30:     blr     x7
        b       32f
31:     mov     x0, #2
        sub     x6, x30, x5
        ret
32:     PUTX    x0
        PUTC    ' '
        PUTX    x6
        NL

        PUTSLN  "# br x8 (x30 unchanged = 0x1234), x0"
        mov     x0, #0
        mov     x30, #0x1234
        adr     x8, 40f
        br      x8
        mov     x0, #0xbad
40:     PUTX    x0
        PUTC    ' '
        PUTX    x30
        NL

        PUTSLN  "# ret x9 (x30 unchanged = 0x5678), x0"
        mov     x0, #0
        mov     x30, #0x5678
        adr     x9, 50f
        ret     x9
        mov     x0, #0xbad
50:     PUTX    x0
        PUTC    ' '
        PUTX    x30
        NL

        PUTSLN  "# blr x30: target = old x30, x30 := return address; x0, x30 - (address of the blr)"
        mov     x0, #0
        adr     x30, 61f
        adr     x5, 60f
60:     blr     x30
        b       62f
61:     mov     x0, #3
        sub     x6, x30, x5
        ret
62:     PUTX    x0
        PUTC    ' '
        PUTX    x6
        NL

        PUTSLN  "# nested bl (x30 saved on the stack), result x0"
        mov     x0, #0
        bl      leaf_outer
        PUTX    x0
        NL

        PUTSLN  "# indirect call through a table of function pointers"
        adr     x10, fn_table
        mov     x0, #0
        mov     x11, #0
70:     ldr     x12, [x10, x11, lsl #3]
        blr     x12
        add     x11, x11, #1
        cmp     x11, #4
        b.lo    70b
        PUTX    x0
        NL

// ---- CBZ / CBNZ ---------------------------------------------------------------------------
        PUTSLN  "# x1 : cbz x1, cbnz x1, cbz w1, cbnz w1"
        FOREACH t_cbz, .Lfe1
        PUTX    x1
        PUTS    " : "
        TAKEN   "cbz x1,"
        TAKEN   "cbnz x1,"
        TAKEN   "cbz w1,"
        TAKEN   "cbnz w1,"
        NL
        NEXT    .Lfe1

        PUTSLN  "# cbnz backward loop: sum 1..100"
        mov     x0, #0
        mov     x1, #100
80:     add     x0, x0, x1
        sub     x1, x1, #1
        cbnz    x1, 80b
        PUTX    x0
        NL

// ---- TBZ / TBNZ ---------------------------------------------------------------------------
        PUTSLN  "# tbz x1, #63..#0 (leftmost = bit 63)"
        FOREACH t_tb, .Lfe2
        PUTX    x1
        PUTS    " : "
        .irp    b, 63,62,61,60,59,58,57,56,55,54,53,52,51,50,49,48,47,46,45,44,43,42,41,40,39,38,37,36,35,34,33,32,31,30,29,28,27,26,25,24,23,22,21,20,19,18,17,16,15,14,13,12,11,10,9,8,7,6,5,4,3,2,1,0
        TAKEN   "tbz x1, #\b,"
        .endr
        NL
        NEXT    .Lfe2

        PUTSLN  "# tbnz x1, #63..#0"
        FOREACH t_tb, .Lfe3
        PUTX    x1
        PUTS    " : "
        .irp    b, 63,62,61,60,59,58,57,56,55,54,53,52,51,50,49,48,47,46,45,44,43,42,41,40,39,38,37,36,35,34,33,32,31,30,29,28,27,26,25,24,23,22,21,20,19,18,17,16,15,14,13,12,11,10,9,8,7,6,5,4,3,2,1,0
        TAKEN   "tbnz x1, #\b,"
        .endr
        NL
        NEXT    .Lfe3

        PUTSLN  "# tbz w1, #31..#0 / tbnz w1, #31..#0"
        FOREACH t_tb, .Lfe4
        PUTX    x1
        PUTS    " : "
        .irp    b, 31,30,29,28,27,26,25,24,23,22,21,20,19,18,17,16,15,14,13,12,11,10,9,8,7,6,5,4,3,2,1,0
        TAKEN   "tbz w1, #\b,"
        .endr
        PUTC    ' '
        .irp    b, 31,30,29,28,27,26,25,24,23,22,21,20,19,18,17,16,15,14,13,12,11,10,9,8,7,6,5,4,3,2,1,0
        TAKEN   "tbnz w1, #\b,"
        .endr
        NL
        NEXT    .Lfe4

        PUTSLN  "# tbz backward loop: shift right until bit 0 is set"
        mov     x0, #0
        mov     x1, #0x4000
90:     lsr     x1, x1, #1
        add     x0, x0, #1
        tbz     x1, #0, 90b
        PUTX    x0
        NL

// ---- B.cond -------------------------------------------------------------------------------
        PUTSLN  "# NZCV : b.eq ne cs cc mi pl vs vc hi ls ge lt gt le al nv"
        FOREACH t_f16, .Lfe5
        lsl     x2, x1, #28
        msr     nzcv, x2
        PUTNZCV
        PUTS    " : "
        ALLCOND
        NL
        NEXT    .Lfe5

        PUTSLN  "# cmp x1, x2 : b.eq ne cs cc mi pl vs vc hi ls ge lt gt le al nv"
        adr     x21, t_v8
        ldr     x22, [x21], #8
100:    adr     x23, t_v8
        ldr     x24, [x23], #8
101:    ldr     x1, [x21]
        ldr     x2, [x23]
        PUTX    x1
        PUTC    ' '
        PUTX    x2
        PUTS    " : "
        cmp     x1, x2
        ALLCOND
        PUTS    " / cmp w1, w2 : "
        cmp     w1, w2
        ALLCOND
        NL
        add     x23, x23, #8
        subs    x24, x24, #1
        b.ne    101b
        add     x21, x21, #8
        subs    x22, x22, #1
        b.ne    100b

        PUTSLN  "# cmn x1, #1 / adds w0, w1, w1 / tst x1, #0x8000000000000001 : conditions"
        FOREACH t_v16, .Lfe6
        PUTX    x1
        PUTS    " : "
        cmn     x1, #1
        ALLCOND
        PUTC    ' '
        adds    w0, w1, w1
        ALLCOND
        PUTC    ' '
        tst     x1, #0x8000000000000001
        ALLCOND
        NL
        NEXT    .Lfe6

        PUTSLN  "# b.cond backward loop (b.lt), b.cond to the next instruction"
        mov     x0, #0
        mov     x1, #-5
110:    add     x0, x0, #3
        adds    x1, x1, #1
        b.lt    110b
        cmp     x0, x0
        b.eq    111f
111:    PUTX    x0
        NL

        PUTSLN  "branch: done"
        ldp     x29, x30, [sp], #16
        mov     w0, #0
        ret

// ---- helpers -----------------------------------------------------------------------------
leaf_outer:
        stp     x29, x30, [sp, #-16]!
        add     x0, x0, #0x10
        bl      leaf_inner
        add     x0, x0, #0x1000
        ldp     x29, x30, [sp], #16
        ret
leaf_inner:
        add     x0, x0, #0x100
        ret

fn_add1:
        add     x0, x0, #1
        ret
fn_shl4:
        lsl     x0, x0, #4
        ret
fn_not:
        mvn     x0, x0
        ret
fn_ror8:
        ror     x0, x0, #8
        ret
        .ltorg

        .section .rodata
        .balign 8
fn_table:
        .quad   fn_add1, fn_shl4, fn_not, fn_ror8
