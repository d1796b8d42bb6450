// dp_imm: A64 data processing (immediate).
//   ADD/SUB/ADDS/SUBS (imm, LSL #12, SP forms, CMP/CMN/MOV-to/from-SP aliases),
//   logical immediate (AND/ORR/EOR/ANDS/TST, many bitmask immediates, 32 and 64 bit,
//   SP destination), MOVZ/MOVN/MOVK, SBFM/BFM/UBFM and their aliases (LSL/LSR/ASR imm,
//   UBFX/SBFX/UBFIZ/SBFIZ, BFI/BFXIL, SXTB/H/W, UXTB/H), EXTR/ROR imm, ADR/ADRP.
//
// Output: "# <insn>" header per sweep, then "<x1> [<x2>] : <x0> <NZCV>" per input
// (see lib/a64test.inc).  x0 starts as 0xdeadbeefcafef00d, NZCV as given (default nzcv),
// so flag-preserving instructions show the input flags unchanged.
//
// Expected output: tests/images/dp_imm/dp_imm.expected.json, recorded from QEMU with
//   node scripts/images.mjs record dp_imm
// i.e. qemu-system-aarch64 -M virt -cpu cortex-a57 -m 512 -display none -serial stdio
//      -monitor none -semihosting -no-reboot -kernel tests/images/dp_imm/dp_imm.elf
#include "a64test.inc"

        .text
        .global main
main:
        stp     x29, x30, [sp, #-16]!
        PUTSLN  "dp_imm: data processing (immediate)"

// ---- ADD/SUB (immediate) ------------------------------------------------------------
        .irp    op, add, adds, sub, subs
        .irp    imm, "#0", "#1", "#4095", "#1, lsl #12", "#4095, lsl #12"
        SWEEP1  t_v16, "\op x0, x1, \imm"
        SWEEP1  t_v16, "\op w0, w1, \imm"
        .endr
        .endr
        // flags preserved by ADD/SUB (input NZCV = NZCV)
        SWEEP1  t_v8, "add x0, x1, #7", 0xf
        SWEEP1  t_v8, "sub w0, w1, #7", 0xf
        // CMP / CMN aliases (Rd = ZR: x0 stays JUNK)
        SWEEP1  t_v16, "cmp x1, #1"
        SWEEP1  t_v16, "cmp w1, #0"
        SWEEP1  t_v16, "cmn x1, #1"
        SWEEP1  t_v16, "cmn w1, #1, lsl #12"
        // SP forms: x1 is used as the SP value (no memory access through it)
        SWEEP1  t_v16, "mov x5, sp; mov sp, x1; add sp, sp, #16; mov x0, sp; mov sp, x5"
        SWEEP1  t_v16, "mov x5, sp; mov sp, x1; sub sp, sp, #4095, lsl #12; mov x0, sp; mov sp, x5"
        SWEEP1  t_v16, "mov x5, sp; mov sp, x1; adds x0, sp, #1; mov sp, x5"
        SWEEP1  t_v16, "mov x5, sp; mov sp, x1; subs x0, sp, #1; mov sp, x5"
        SWEEP1  t_v16, "mov x5, sp; mov sp, x1; cmp sp, #1; mov sp, x5"
        SWEEP1  t_v16, "mov x5, sp; add sp, x1, #1; mov x0, sp; mov sp, x5"
        SWEEP1  t_v16, "mov x5, sp; add wsp, w1, #1; mov x0, sp; mov sp, x5"
        SWEEP1  t_v16, "mov x5, sp; mov sp, x1; add w0, wsp, #3; mov sp, x5"
        SWEEP1  t_v16, "mov x5, sp; mov sp, x1; mov w0, wsp; mov sp, x5"
        SWEEP1  t_v16, "mov x5, sp; mov wsp, w1; mov x0, sp; mov sp, x5"

// ---- logical (immediate) ------------------------------------------------------------
        .irp    op, and, orr, eor, ands
        .irp    imm, 0x1, 0xff, 0x5555555555555555, 0x3333333333333333, 0x0f0f0f0f0f0f0f0f, 0x00ff00ff00ff00ff, 0x0000ffff0000ffff, 0x00000000ffffffff, 0x8000000000000000, 0x7fffffffffffffff, 0xfffffffffffffffe, 0x6666666666666666, 0xc000000000000003, 0x00000ff000000ff0, 0xfffff0000000ffff
        SWEEP1  t_v8, "\op x0, x1, #\imm"
        .endr
        .irp    imm, 0x1, 0xff00ff00, 0x55555555, 0x7fffffff, 0x80000000, 0xfffffffe, 0x0f0f0f0f, 0xc0000003, 0x0001fffe
        SWEEP1  t_v8, "\op w0, w1, #\imm"
        .endr
        .endr
        SWEEP1  t_v16, "tst x1, #0x8000000000000000"
        SWEEP1  t_v16, "tst w1, #0x80000000"
        SWEEP1  t_v16, "tst x1, #0xffffffff"
        SWEEP1  t_v16, "and x0, x1, #1", 0xf
        // logical immediate with SP as destination (not ANDS)
        SWEEP1  t_v8, "mov x5, sp; and sp, x1, #0xfffffffffffffff0; mov x0, sp; mov sp, x5"
        SWEEP1  t_v8, "mov x5, sp; orr wsp, w1, #0xf; mov x0, sp; mov sp, x5"
        SWEEP1  t_v8, "mov x5, sp; eor sp, x1, #0xff00; mov x0, sp; mov sp, x5"
        // MOV (bitmask immediate) = ORR Xd, XZR, #imm
        SWEEP   "mov x0, #0x5555555555555555"
        SWEEP   "mov w0, #0xaaaaaaaa"
        SWEEP   "orr x0, xzr, #0xffff0000ffff0000"

// ---- move wide ------------------------------------------------------------------------
        .irp    sh, 0, 16, 32, 48
        SWEEP   "movz x0, #0xbeef, lsl #\sh"
        SWEEP   "movn x0, #0xbeef, lsl #\sh"
        SWEEP   "movk x0, #0x1234, lsl #\sh"
        SWEEP   "movz x0, #0, lsl #\sh"
        SWEEP   "movn x0, #0xffff, lsl #\sh"
        SWEEP1  t_v8, "mov x0, x1; movk x0, #0xa5a5, lsl #\sh"
        .endr
        .irp    sh, 0, 16
        SWEEP   "movz w0, #0x8001, lsl #\sh"
        SWEEP   "movn w0, #0x8001, lsl #\sh"
        SWEEP   "movk w0, #0x4321, lsl #\sh"
        SWEEP   "movn w0, #0, lsl #\sh"
        SWEEP1  t_v8, "mov x0, x1; movk w0, #0xffff, lsl #\sh"
        .endr
        SWEEP   "mov x0, #-1"
        SWEEP   "mov w0, #-1"
        SWEEP   "mov x0, #0x7fff000000000000"
        SWEEP   "mov x0, #-0x10000"
        SWEEP   "movz x0, #1; movk x0, #2, lsl #16; movk x0, #3, lsl #32; movk x0, #4, lsl #48"

// ---- bitfield --------------------------------------------------------------------------
        // raw encodings: immr <= imms (extract) and immr > imms (insert) cases
        .irp    op, sbfm, ubfm, bfm
        .irp    ri, "#0, #0", "#0, #63", "#1, #62", "#8, #15", "#60, #3", "#63, #63", "#32, #31", "#4, #2", "#63, #0"
        SWEEP1  t_v16, "\op x0, x1, \ri"
        .endr
        .irp    ri, "#0, #0", "#0, #31", "#1, #30", "#8, #15", "#28, #3", "#31, #31", "#16, #15", "#31, #0"
        SWEEP1  t_v16, "\op w0, w1, \ri"
        .endr
        .endr
        // shift aliases
        .irp    sh, 0, 1, 4, 31, 32, 63
        SWEEP1  t_v16, "lsl x0, x1, #\sh"
        SWEEP1  t_v16, "lsr x0, x1, #\sh"
        SWEEP1  t_v16, "asr x0, x1, #\sh"
        .endr
        .irp    sh, 0, 1, 4, 16, 31
        SWEEP1  t_v16, "lsl w0, w1, #\sh"
        SWEEP1  t_v16, "lsr w0, w1, #\sh"
        SWEEP1  t_v16, "asr w0, w1, #\sh"
        .endr
        // extract / insert aliases
        SWEEP1  t_v16, "ubfx x0, x1, #4, #8"
        SWEEP1  t_v16, "ubfx x0, x1, #63, #1"
        SWEEP1  t_v16, "ubfx w0, w1, #31, #1"
        SWEEP1  t_v16, "ubfx w0, w1, #3, #17"
        SWEEP1  t_v16, "sbfx x0, x1, #4, #8"
        SWEEP1  t_v16, "sbfx x0, x1, #31, #2"
        SWEEP1  t_v16, "sbfx x0, x1, #0, #64"
        SWEEP1  t_v16, "sbfx w0, w1, #7, #1"
        SWEEP1  t_v16, "sbfx w0, w1, #16, #16"
        SWEEP1  t_v16, "ubfiz x0, x1, #4, #8"
        SWEEP1  t_v16, "ubfiz x0, x1, #63, #1"
        SWEEP1  t_v16, "ubfiz w0, w1, #24, #8"
        SWEEP1  t_v16, "sbfiz x0, x1, #8, #8"
        SWEEP1  t_v16, "sbfiz x0, x1, #32, #32"
        SWEEP1  t_v16, "sbfiz w0, w1, #1, #30"
        SWEEP1  t_v16, "bfi x0, x1, #4, #8"
        SWEEP1  t_v16, "bfi x0, x1, #0, #64"
        SWEEP1  t_v16, "bfi x0, x1, #60, #4"
        SWEEP1  t_v16, "bfi w0, w1, #16, #16"
        SWEEP1  t_v16, "bfi w0, w1, #31, #1"
        SWEEP1  t_v16, "bfi x0, xzr, #8, #16"
        SWEEP1  t_v16, "bfxil x0, x1, #4, #8"
        SWEEP1  t_v16, "bfxil x0, x1, #32, #32"
        SWEEP1  t_v16, "bfxil w0, w1, #0, #16"
        SWEEP1  t_v16, "bfxil w0, w1, #24, #8"
        SWEEP2  t_v8, t_v8, "mov x0, x2; bfi x0, x1, #17, #23"
        SWEEP2  t_v8, t_v8, "mov x0, x2; bfxil w0, w1, #5, #20"
        // extends
        .irp    ext, sxtb, sxth, uxtb, uxth
        SWEEP1  t_v16, "\ext x0, w1"
        SWEEP1  t_v16, "\ext w0, w1"
        .endr
        SWEEP1  t_v16, "sxtw x0, w1"
        // flags are never changed by bitfield ops
        SWEEP1  t_v8, "sbfx x0, x1, #1, #7", 0xf

// ---- EXTR / ROR (immediate) ---------------------------------------------------------
        .irp    lsb, 0, 1, 8, 32, 63
        SWEEP2  t_v8, t_v8, "extr x0, x1, x2, #\lsb"
        .endr
        .irp    lsb, 0, 1, 16, 31
        SWEEP2  t_v8, t_v8, "extr w0, w1, w2, #\lsb"
        .endr
        .irp    sh, 0, 1, 13, 32, 63
        SWEEP1  t_v16, "ror x0, x1, #\sh"
        .endr
        .irp    sh, 0, 1, 13, 31
        SWEEP1  t_v16, "ror w0, w1, #\sh"
        .endr

// ---- ADR / ADRP ---------------------------------------------------------------------
        // absolute results: the image is linked at 0x40080000, so these are fixed
        PUTSLN  "# adr/adrp (x0 = target, x1 = x0 - address of the instruction)"
        .irp    off, 0, 4, -4, 0xfff, -0x1001, 0xfffff, -0x100000
        adr     x2, 1f
1:      adr     x0, . + \off
        sub     x1, x0, x2
        PUTS    "adr . + \off :"
        PUTC    ' '
        PUTX    x0
        PUTC    ' '
        PUTX    x1
        NL
        .endr
        .irp    off, 0, 0x1000, -0x1000, 0x12345678, -0x3ffff000
        adr     x2, 1f
1:      adrp    x0, . + \off
        sub     x1, x0, x2
        PUTS    "adrp . + \off :"
        PUTC    ' '
        PUTX    x0
        PUTC    ' '
        PUTX    x1
        NL
        .endr
        // extreme ADRP immediates: +(2^20 - 1) pages and -2^20 pages (wraps below 0)
        adr     x2, 1f
1:      .inst   0xf07fffe0              // adrp x0, . + 0xfffff000 (page-relative)
        sub     x1, x0, x2
        PUTS    "adrp imm=0xfffff :"
        PUTC    ' '
        PUTX    x0
        PUTC    ' '
        PUTX    x1
        NL
        adr     x2, 1f
1:      .inst   0x90800000              // adrp x0, . - 0x100000000 (page-relative)
        sub     x1, x0, x2
        PUTS    "adrp imm=-0x100000 :"
        PUTC    ' '
        PUTX    x0
        PUTC    ' '
        PUTX    x1
        NL
        adr     x2, 1f
1:      .inst   0x707fffe0              // adr x0, . + 0xfffff
        sub     x1, x0, x2
        PUTS    "adr imm=0xfffff :"
        PUTC    ' '
        PUTX    x0
        PUTC    ' '
        PUTX    x1
        NL

        PUTSLN  "dp_imm: done"
        ldp     x29, x30, [sp], #16
        mov     w0, #0
        ret
        .ltorg
