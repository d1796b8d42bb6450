// vecfp: a vector floating-point benchmark (single and double lanes): FMLA/FMLS (vector and
// by element), FMUL (vector and by element), FADD, FSUB, FDIV, FSQRT, FMAX, FMIN, 2^20
// iterations of a 16-instruction loop (~16.8 M instructions). The operands stay normal and
// finite (the common case of real code); the results are inexact, so FPSR.IXC is set.
// Prints V16-V29 (low and high 64 bits) and FPSR, then exits 0.
//
// Expected output: vecfp.expected.json, recorded from QEMU 7.2 with
//   node scripts/images.mjs record bench/vecfp
// Speed: npm run bench -- tests/images/bench/vecfp/vecfp.elf
#include "a64test.inc"

        .macro  PUTV n
        PUTS    "v\n "
        fmov    x0, d\n
        PUTX    x0
        PUTC    32
        mov     x0, v\n\().d[1]
        PUTX    x0
        NL
        .endm

        .text
        .global main
main:
        stp     x29, x30, [sp, #-16]!
        mov     x1, #(3 << 20)          // CPACR_EL1.FPEN = 0b11: no FP/SIMD traps at EL1/EL0
        msr     cpacr_el1, x1
        isb
        msr     fpsr, xzr
        fmov    v0.4s, #1.0625
        fmov    v1.4s, #0.9375
        fmov    v2.2d, #1.125
        fmov    v3.2d, #0.875
        fmov    v4.4s, #0.5
        fmov    v5.2d, #1.25
        mov     w1, #0x3f000000         // v1.s[1] = 0.5, v1.s[2] = 0.25, v3.d[1] = 0.75
        mov     v1.s[1], w1
        mov     w1, #0x3e800000
        mov     v1.s[2], w1
        mov     x1, #0x3fe8000000000000
        mov     v3.d[1], x1
        .irp    r, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29
        movi    v\r\().2d, #0
        .endr
        fmov    v27.2d, #16.0
        mov     x19, #(1 << 20)
1:      fmla    v16.4s, v0.4s, v1.4s
        fmla    v17.2d, v2.2d, v3.2d
        fmul    v18.4s, v16.4s, v4.4s
        fadd    v19.4s, v19.4s, v18.4s
        fsub    v20.2d, v17.2d, v2.2d
        fmul    v21.2d, v20.2d, v5.2d
        fmla    v22.4s, v0.4s, v1.s[2]
        fmls    v23.2d, v2.2d, v3.d[1]
        fdiv    v24.4s, v16.4s, v1.4s
        fsqrt   v25.2d, v17.2d
        fmax    v26.4s, v26.4s, v24.4s
        fmin    v27.2d, v27.2d, v25.2d
        fmul    v28.4s, v0.4s, v1.s[1]
        fadd    v29.2d, v29.2d, v21.2d
        subs    x19, x19, #1
        b.ne    1b
        PUTV    16
        PUTV    17
        PUTV    18
        PUTV    19
        PUTV    20
        PUTV    21
        PUTV    22
        PUTV    23
        PUTV    24
        PUTV    25
        PUTV    26
        PUTV    27
        PUTV    28
        PUTV    29
        mrs     x1, fpsr
        PUTS    "fpsr "
        PUTW    x1
        NL
        mov     w0, #0
        ldp     x29, x30, [sp], #16
        ret
