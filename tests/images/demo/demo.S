// demo: the `npm start` image.  Prints a banner and a small table computed by the guest
// (n, n^2, Fibonacci(n), n!, popcount of n! for n = 1..20), then exits 0 through semihosting.
//
// Expected output: tests/images/demo/demo.expected.json, recorded from QEMU with
//   node scripts/images.mjs record demo
// i.e. qemu-system-aarch64 -M virt -cpu cortex-a57 -m 512 -display none -serial stdio
//      -monitor none -semihosting -no-reboot -kernel tests/images/demo/demo.elf
#include "a64test.inc"

        // print x0 as a right-aligned decimal column of width `w`
        .macro  COL reg, w
        mov     x0, \reg
        mov     x1, #\w
        bl      put_col
        .endm

        .text
        .global main
main:
        stp     x29, x30, [sp, #-16]!
        PUTSLN  "Hello from a64emu: AArch64 guest at EL1"
        mrs     x0, currentel
        lsr     x0, x0, #2
        PUTS    "CurrentEL = "
        PUTD    x0
        mrs     x0, midr_el1
        PUTS    ", MIDR_EL1 = 0x"
        PUTW    x0
        NL
        PUTSLN  " n  n^2  fib(n)                   n!  popcount(n!)"
        mov     x19, #1                 // n
        mov     x20, #0                 // fib(n-1)
        mov     x21, #1                 // fib(n)
        mov     x22, #1                 // n!
1:      mul     x22, x22, x19
        COL     x19, 2
        mul     x2, x19, x19
        COL     x2, 5
        COL     x21, 8
        COL     x22, 21
        // popcount without FP/SIMD: clear the lowest set bit until zero
        mov     x3, x22
        mov     x4, #0
2:      cbz     x3, 3f
        sub     x5, x3, #1
        and     x3, x3, x5
        add     x4, x4, #1
        b       2b
3:      COL     x4, 14
        NL
        add     x2, x20, x21            // advance Fibonacci
        mov     x20, x21
        mov     x21, x2
        add     x19, x19, #1
        cmp     x19, #20
        b.ls    1b
        PUTSLN  "Goodbye (semihosting SYS_EXIT, status 0)"
        ldp     x29, x30, [sp], #16
        mov     w0, #0
        ret

// put_col(x0 = value, x1 = width): leading spaces to fill the width, then the value
put_col:
        stp     x29, x30, [sp, #-16]!
        mov     x2, #1                  // digits
        mov     x3, #10
        mov     x4, x0
4:      udiv    x4, x4, x3
        cbz     x4, 5f
        add     x2, x2, #1
        b       4b
5:      cmp     x2, x1
        b.hs    6f
        PUTC    ' '
        add     x2, x2, #1
        b       5b
6:      bl      rt_dec
        ldp     x29, x30, [sp], #16
        ret
