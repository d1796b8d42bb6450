// ldst: A64 loads and stores, every addressing form.
//   LDR literal (W, X, LDRSW, PRFM), unsigned offset, unscaled (LDUR*), pre/post-index,
//   register offset with every extend/shift, all sizes and sign-extensions (LDRB/LDRSB to
//   W and X, LDRH/LDRSH, LDR W/X, LDRSW, STRB/STRH/STR), LDP/STP/LDPSW (offset, pre, post;
//   W and X), LDNP/STNP, LDTR/STTR family, exclusives LDXR/STXR/LDXP/STXP/LDAXR/STLXR/
//   LDAXP/STLXP (success and failure: status register, CLREX), LDAR/STLR (B/H/W/X),
//   PRFM/PRFUM (no architectural effect), SP as base with writeback, XZR as source/target.
//   All accesses are naturally aligned (alignment behaviour is tested by `system`).
//
// Memory: `buf` (512 bytes) is reset before each case from `pattern`, where byte i is
// ((i * 0x35) ^ 0xa5) & 0xff (all 256 values, so a loaded value identifies its offset).
// Loads print "<insn> ; base=<x1 - buf> idx=<x2> : <outs...> x1=buf+<x1 - buf after>".
// Stores store x0 = 0123456789abcdef (and x3 = fedcba9876543210 for pairs) and print
// the four doublewords at buf + base - 16 .. base + 16 after the store.
//
// Expected output: tests/images/ldst/ldst.expected.json, recorded from QEMU with
//   node scripts/images.mjs record ldst
// i.e. qemu-system-aarch64 -M virt -cpu cortex-a57 -m 512 -display none -serial stdio
//      -monitor none -semihosting -no-reboot -kernel tests/images/ldst/ldst.elf
#include "a64test.inc"

        .equ    STVAL, 0x0123456789abcdef
        .equ    STVAL2, 0xfedcba9876543210

        // x1 = buf + base, x2 = idx, x0 = x3 = x4 = JUNK; run insn; print outs and x1
        .macro  LDT insn, base=0x100, idx=0, outs=x0
        bl      reset_buf
        adr     x1, buf
        ldr     x9, =\base
        add     x1, x1, x9
        ldr     x2, =\idx
        ldr     x0, =JUNK
        mov     x3, x0
        mov     x4, x0
        \insn
        PUTS    "\insn ; base=\base idx=\idx :"
        .irp    r, \outs
        PUTC    ' '
        PUTX    \r
        .endr
        adr     x9, buf
        sub     x9, x1, x9
        PUTS    " x1=buf+"
        PUTX    x9
        NL
        .endm

        // x1 = buf + base, x2 = idx, x0 = STVAL, x3 = STVAL2; run insn; print x1 and memory
        .macro  STT insn, base=0x100, idx=0, at
        bl      reset_buf
        adr     x1, buf
        ldr     x9, =\base
        add     x1, x1, x9
        ldr     x2, =\idx
        ldr     x0, =STVAL
        ldr     x3, =STVAL2
        \insn
        PUTS    "\insn ; base=\base idx=\idx :"
        adr     x9, buf
        sub     x10, x1, x9
        PUTS    " x1=buf+"
        PUTX    x10
        .ifb    \at
        PUTS    " mem@\base-16:"
        ldr     x10, =\base
        .else
        PUTS    " mem@\at-16:"
        ldr     x10, =\at
        .endif
        add     x9, x9, x10
        sub     x9, x9, #16
        .irp    o, 0, 8, 16, 24
        ldr     x10, [x9, #\o]
        PUTC    ' '
        PUTX    x10
        .endr
        NL
        .endm

        .text
        .global main
main:
        stp     x29, x30, [sp, #-16]!
        PUTSLN  "ldst: loads and stores"

// ---- LDR (literal) ---------------------------------------------------------------------
        PUTSLN  "# ldr literal: x, w, ldrsw (positive, negative), prfm literal, backward literal"
        ldr     x0, lit_x
        PUTX    x0
        ldr     w0, lit_x
        PUTC    ' '
        PUTX    x0
        ldrsw   x0, lit_wneg
        PUTC    ' '
        PUTX    x0
        ldrsw   x0, lit_wpos
        PUTC    ' '
        PUTX    x0
        prfm    pldl1keep, lit_x
        ldr     x0, lit_back
        PUTC    ' '
        PUTX    x0
        NL
        b       1f
        .balign 8
lit_x:  .quad   0x8899aabbccddeeff
lit_wneg: .word 0x80000001
lit_wpos: .word 0x7ffffffe
1:

// ---- unsigned offset ----------------------------------------------------------------------
        LDT     "ldr x0, [x1]"
        LDT     "ldr x0, [x1, #8]"
        LDT     "ldr x0, [x1, #32760]", -0x7e00
        LDT     "ldr w0, [x1, #4]"
        LDT     "ldr w0, [x1, #16380]", -0x3e00
        LDT     "ldrh w0, [x1, #2]"
        LDT     "ldrh w0, [x1, #8190]", -0x1e00
        LDT     "ldrsh w0, [x1]"
        LDT     "ldrsh w0, [x1, #2]"
        LDT     "ldrsh x0, [x1]"
        LDT     "ldrsh x0, [x1, #2]"
        LDT     "ldrb w0, [x1, #1]"
        LDT     "ldrb w0, [x1, #4095]", -0xf00
        LDT     "ldrsb w0, [x1]"
        LDT     "ldrsb w0, [x1, #3]"
        LDT     "ldrsb x0, [x1]"
        LDT     "ldrsb x0, [x1, #3]"
        LDT     "ldrsw x0, [x1]"
        LDT     "ldrsw x0, [x1, #4]"
        LDT     "ldr xzr, [x1]; mov x0, xzr"
        LDT     "ldr wzr, [x1]; mov w0, wzr"

// ---- unscaled offset ---------------------------------------------------------------------
        LDT     "ldur x0, [x1, #-256]"
        LDT     "ldur x0, [x1, #248]"
        LDT     "ldur x0, [x1, #-8]"
        LDT     "ldur w0, [x1, #-4]"
        LDT     "ldurh w0, [x1, #-2]"
        LDT     "ldursh w0, [x1, #-2]"
        LDT     "ldursh x0, [x1, #-2]"
        LDT     "ldurb w0, [x1, #255]"
        LDT     "ldursb w0, [x1, #-1]"
        LDT     "ldursb x0, [x1, #-1]"
        LDT     "ldursw x0, [x1, #-4]"
        LDT     "ldursw x0, [x1, #-8]"

// ---- pre-index / post-index ---------------------------------------------------------------
        LDT     "ldr x0, [x1, #8]!"
        LDT     "ldr x0, [x1, #-256]!"
        LDT     "ldr x0, [x1, #248]!"
        LDT     "ldr x0, [x1], #8"
        LDT     "ldr x0, [x1], #-256"
        LDT     "ldr w0, [x1, #-4]!"
        LDT     "ldr w0, [x1], #255"
        LDT     "ldrh w0, [x1, #2]!"
        LDT     "ldrsh x0, [x1], #-2"
        LDT     "ldrsh w0, [x1, #-2]!"
        LDT     "ldrb w0, [x1, #-1]!"
        LDT     "ldrsb x0, [x1], #1"
        LDT     "ldrsb w0, [x1, #5]!"
        LDT     "ldrsw x0, [x1, #4]!"
        LDT     "ldrsw x0, [x1], #-4"

// ---- register offset ---------------------------------------------------------------------
        LDT     "ldr x0, [x1, x2]", 0x100, 8
        LDT     "ldr x0, [x1, x2]", 0x100, -8
        LDT     "ldr x0, [x1, x2, lsl #3]", 0x100, 3
        LDT     "ldr x0, [x1, x2, lsl #3]", 0x100, -2
        LDT     "ldr x0, [x1, w2, uxtw]", 0x100, 0xffffffff00000010
        LDT     "ldr x0, [x1, w2, uxtw #3]", 0x100, 0xffffffff00000003
        LDT     "ldr x0, [x1, w2, sxtw]", 0x100, 0x12345678fffffff0
        LDT     "ldr x0, [x1, w2, sxtw #3]", 0x100, 0x12345678fffffffe
        LDT     "ldr x0, [x1, x2, sxtx]", 0x100, -24
        LDT     "ldr x0, [x1, x2, sxtx #3]", 0x100, 5
        LDT     "ldr w0, [x1, x2, lsl #2]", 0x100, -3
        LDT     "ldr w0, [x1, w2, sxtw #2]", 0x100, 0x00000000ffffffff
        LDT     "ldr w0, [x1, w2, uxtw]", 0x100, 0x8000000000000004
        LDT     "ldrh w0, [x1, x2, lsl #1]", 0x100, 7
        LDT     "ldrh w0, [x1, w2, sxtw]", 0x100, 0xfffffffffffffffe
        LDT     "ldrsh x0, [x1, x2, lsl #1]", 0x100, 0
        LDT     "ldrsh w0, [x1, w2, uxtw #1]", 0x100, 0xabcdef0000000001
        LDT     "ldrb w0, [x1, x2]", 0x100, 0x13
        LDT     "ldrb w0, [x1, x2, lsl #0]", 0x100, -1
        LDT     "ldrb w0, [x1, w2, sxtw]", 0x100, 0x00000000fffffff1
        LDT     "ldrsb x0, [x1, w2, uxtw]", 0x100, 0x7777777700000001
        LDT     "ldrsb w0, [x1, x2, sxtx]", 0x100, 2
        LDT     "ldrsw x0, [x1, x2, lsl #2]", 0x100, 1
        LDT     "ldrsw x0, [x1, w2, sxtw #2]", 0x100, 0x00000000ffffffff

// ---- pairs ------------------------------------------------------------------------------------
        LDT     "ldp x0, x3, [x1]", outs="x0 x3"
        LDT     "ldp x0, x3, [x1, #-512]", 0x200, outs="x0 x3"
        LDT     "ldp x0, x3, [x1, #504]", -0x100, outs="x0 x3"
        LDT     "ldp x0, x3, [x1, #16]!", outs="x0 x3"
        LDT     "ldp x0, x3, [x1], #-16", outs="x0 x3"
        LDT     "ldp w0, w3, [x1, #-8]", outs="x0 x3"
        LDT     "ldp w0, w3, [x1, #252]", -0x80, outs="x0 x3"
        LDT     "ldp w0, w3, [x1, #-256]!", outs="x0 x3"
        LDT     "ldp w0, w3, [x1], #8", outs="x0 x3"
        LDT     "ldpsw x0, x3, [x1]", outs="x0 x3"
        LDT     "ldpsw x0, x3, [x1, #4]", outs="x0 x3"
        LDT     "ldpsw x0, x3, [x1, #-8]!", outs="x0 x3"
        LDT     "ldpsw x0, x3, [x1], #8", outs="x0 x3"
        LDT     "ldnp x0, x3, [x1, #-16]", outs="x0 x3"
        LDT     "ldnp w0, w3, [x1, #8]", outs="x0 x3"
        LDT     "ldp xzr, x3, [x1]", outs="x3"

// ---- unprivileged (at EL1 with the MMU off these behave like normal accesses) -------------
        LDT     "ldtr x0, [x1, #8]"
        LDT     "ldtr w0, [x1, #-4]"
        LDT     "ldtrh w0, [x1, #2]"
        LDT     "ldtrsh w0, [x1]"
        LDT     "ldtrsh x0, [x1]"
        LDT     "ldtrb w0, [x1, #255]"
        LDT     "ldtrsb w0, [x1]"
        LDT     "ldtrsb x0, [x1]"
        LDT     "ldtrsw x0, [x1, #4]"

// ---- acquire / release (non-exclusive) ---------------------------------------------------
        LDT     "ldar x0, [x1]"
        LDT     "ldar w0, [x1]"
        LDT     "ldarh w0, [x1]"
        LDT     "ldarb w0, [x1]"

// ---- prefetch (no architectural effect: x0 keeps JUNK, x1 unchanged) ---------------------
        LDT     "prfm pldl1keep, [x1]"
        LDT     "prfm pstl2strm, [x1, #8]"
        LDT     "prfm plil3keep, [x1, x2, lsl #3]", 0x100, 2
        LDT     "prfm pldl1strm, [x1, w2, sxtw]", 0x100, 0xfffffff0
        LDT     "prfum pldl2keep, [x1, #-1]"
        LDT     "prfm #0x1f, [x1]"

// ---- stores -----------------------------------------------------------------------------------
        STT     "str x0, [x1]"
        STT     "str x0, [x1, #8]"
        STT     "str x0, [x1, #32760]", -0x7ef8, at=0x100
        STT     "str w0, [x1, #4]"
        STT     "strh w0, [x1, #6]"
        STT     "strb w0, [x1, #7]"
        STT     "strb w0, [x1, #4095]", -0xef8, at=0x100
        STT     "stur x0, [x1, #-8]"
        STT     "stur w0, [x1, #-12]"
        STT     "sturh w0, [x1, #-2]"
        STT     "sturb w0, [x1, #-1]"
        STT     "stur x0, [x1, #248]", -0xe8, at=0x18
        STT     "str x0, [x1, #8]!"
        STT     "str x0, [x1], #-8"
        STT     "str w0, [x1, #-4]!"
        STT     "str w0, [x1], #4"
        STT     "strh w0, [x1, #-2]!"
        STT     "strh w0, [x1], #2"
        STT     "strb w0, [x1, #1]!"
        STT     "strb w0, [x1], #-1"
        STT     "str x0, [x1, x2, lsl #3]", 0x100, -1
        STT     "str x0, [x1, w2, sxtw]", 0x100, 0x00000000fffffff8
        STT     "str w0, [x1, w2, uxtw #2]", 0x100, 0xffffffff00000003
        STT     "strh w0, [x1, x2, lsl #1]", 0x100, 5
        STT     "strb w0, [x1, x2, sxtx]", 0x100, -3
        STT     "str xzr, [x1]"
        STT     "str wzr, [x1, #4]"
        STT     "strb wzr, [x1, #8]"
        STT     "stp x0, x3, [x1]"
        STT     "stp x0, x3, [x1, #-16]!"
        STT     "stp x0, x3, [x1], #16"
        STT     "stp w0, w3, [x1, #4]"
        STT     "stp w0, w3, [x1, #-8]!"
        STT     "stp w0, w3, [x1], #-4"
        STT     "stp xzr, x0, [x1, #-8]"
        STT     "stnp x0, x3, [x1, #-8]"
        STT     "stnp w0, w3, [x1, #8]"
        STT     "sttr x0, [x1, #-8]"
        STT     "sttr w0, [x1, #4]"
        STT     "sttrh w0, [x1, #2]"
        STT     "sttrb w0, [x1, #-1]"
        STT     "stlr x0, [x1]"
        STT     "stlr w0, [x1]"
        STT     "stlrh w0, [x1]"
        STT     "stlrb w0, [x1]"

// ---- little-endian byte order: store a doubleword, load back every byte --------------------
        PUTSLN  "# str x0 then ldrb [x1, #0..#7]"
        bl      reset_buf
        adr     x1, buf
        ldr     x0, =STVAL
        str     x0, [x1]
        .irp    o, 0, 1, 2, 3, 4, 5, 6, 7
        ldrb    w2, [x1, #\o]
        PUTW    x2
        PUTC    ' '
        .endr
        ldrh    w2, [x1, #2]
        PUTX    x2
        ldr     w2, [x1, #4]
        PUTC    ' '
        PUTX    x2
        NL

// ---- SP as base, with writeback ------------------------------------------------------------
        PUTSLN  "# sp base: (sp after - sp before) and values"
        mov     x20, sp
        ldr     x0, =STVAL
        ldr     x3, =STVAL2
        str     x0, [sp, #-16]!
        mov     x9, sp
        sub     x9, x9, x20
        PUTKV   "str-pre", x9
        ldr     x4, [sp], #16
        mov     x9, sp
        sub     x9, x9, x20
        PUTKV   "ldr-post", x9
        PUTKV   "val", x4
        stp     x0, x3, [sp, #-32]!
        mov     x9, sp
        sub     x9, x9, x20
        PUTKV   "stp-pre", x9
        ldr     x5, [sp, #8]
        ldur    w6, [sp, #12]
        ldp     x7, x8, [sp], #32
        mov     x9, sp
        sub     x9, x9, x20
        PUTKV   "ldp-post", x9
        PUTKV   "x5", x5
        PUTKV   "x6", x6
        PUTKV   "x7", x7
        PUTKV   "x8", x8
        NL
        sub     sp, sp, #64
        stp     x0, x3, [sp, #16]
        ldr     x4, [sp, #24]
        add     x9, sp, #16
        ldr     x5, [x9], #16
        mov     x10, #3
        ldr     x6, [sp, x10, lsl #3]
        add     sp, sp, #64
        mov     x9, sp
        sub     x9, x9, x20
        PUTKV   "x4", x4
        PUTKV   "x5", x5
        PUTKV   "x6", x6
        PUTKV   "sp-delta", x9
        NL

// ---- exclusives ------------------------------------------------------------------------------
        PUTSLN  "# exclusives: loaded value, status (0 = stored), memory after"
        .macro  EXCL name, seq, outs=x0
        bl      reset_buf
        adr     x1, buf + 0x100
        ldr     x0, =JUNK
        mov     x5, x0
        ldr     x3, =STVAL
        ldr     x4, =STVAL2
        mov     w2, #0x77
        \seq
        PUTS    "\name :"
        .irp    r, \outs
        PUTC    ' '
        PUTX    \r
        .endr
        PUTS    " status="
        PUTX    x2
        ldp     x9, x10, [x1]
        PUTS    " mem:"
        PUTC    ' '
        PUTX    x9
        PUTC    ' '
        PUTX    x10
        NL
        .endm
        EXCL    "ldxr x; stxr (success)", "ldxr x0, [x1]; stxr w2, x3, [x1]"
        EXCL    "ldxr x; stxr; stxr again (fails)", "ldxr x0, [x1]; stxr w2, x3, [x1]; stxr w2, x4, [x1]"
        EXCL    "stxr without ldxr (fails)", "clrex; stxr w2, x3, [x1]"
        EXCL    "ldxr; clrex; stxr (fails)", "ldxr x0, [x1]; clrex; stxr w2, x3, [x1]"
        EXCL    "ldxr w; stxr w", "add x6, x1, #4; ldxr w0, [x6]; stxr w2, w3, [x6]"
        EXCL    "ldxrh; stxrh", "ldxrh w0, [x1]; stxrh w2, w3, [x1]"
        EXCL    "ldxrb; stxrb", "add x6, x1, #3; ldxrb w0, [x6]; stxrb w2, w3, [x6]"
        EXCL    "ldaxr; stlxr", "add x6, x1, #8; ldaxr x0, [x6]; stlxr w2, x3, [x6]"
        EXCL    "ldaxr w; stlxr w", "ldaxr w0, [x1]; stlxr w2, w4, [x1]"
        EXCL    "ldaxrh; stlxrh", "add x6, x1, #6; ldaxrh w0, [x6]; stlxrh w2, w4, [x6]"
        EXCL    "ldaxrb; stlxrb", "add x6, x1, #9; ldaxrb w0, [x6]; stlxrb w2, w4, [x6]"
        EXCL    "ldxp x; stxp x", "ldxp x0, x5, [x1]; stxp w2, x3, x4, [x1]", "x0 x5"
        EXCL    "ldxp w; stxp w", "ldxp w0, w5, [x1]; stxp w2, w4, w3, [x1]", "x0 x5"
        EXCL    "ldaxp x; stlxp x", "ldaxp x0, x5, [x1]; stlxp w2, x4, x3, [x1]", "x0 x5"
        EXCL    "ldaxp w; stlxp w", "add x6, x1, #8; ldaxp w0, w5, [x6]; stlxp w2, w3, w4, [x6]", "x0 x5"
        EXCL    "stxp without ldxp (fails)", "clrex; stxp w2, x3, x4, [x1]"
        EXCL    "ldxp; clrex; stlxp (fails)", "ldxp x0, x5, [x1]; clrex; stlxp w2, x3, x4, [x1]", "x0 x5"
        EXCL    "exclusive loop: atomic increment", "0: ldxr x0, [x1]; add x0, x0, #1; stxr w2, x0, [x1]; cbnz w2, 0b"

        PUTSLN  "ldst: done"
        ldp     x29, x30, [sp], #16
        mov     w0, #0
        ret
        .ltorg

lit_back: .quad 0x1122334455667788

// reset_buf: buf := pattern (512 bytes); clobbers x9-x12
reset_buf:
        adr     x9, pattern
        adr     x10, buf
        mov     x11, #64
1:      ldr     x12, [x9], #8
        str     x12, [x10], #8
        subs    x11, x11, #1
        b.ne    1b
        ret

        .section .rodata
        .balign 16
pattern:
        .set    i, 0
        .rept   512
        .byte   ((i * 0x35) ^ 0xa5) & 0xff
        .set    i, i + 1
        .endr

        .data
        .balign 16
buf:    .skip   512
