// a64emu guest test runtime (shared by every image in tests/images/).
//
// Board: QEMU `virt` compatible: RAM at 0x40000000 (image linked at 0x40080000),
// PL011 UART data register at 0x09000000, semihosting through HLT #0xF000.
// The image is entered at EL1 with the MMU off.
//
// _start: sets SP_EL1 to __stack_top, remembers the reset value of VBAR_EL1
// (rt_reset_vbar), installs rt_vectors (report any unexpected exception and exit 3),
// clears .bss, calls main and exits through semihosting SYS_EXIT with main's w0.
//
// Every rt_* print routine preserves ALL general-purpose registers (except x30,
// which the caller's BL clobbers) and NZCV, so the macros in a64test.inc can be
// dropped between any two instructions of a test.  They are also callable from C
// (AAPCS64: argument in x0).

        .equ    UART_DR, 0x09000000
        .equ    SEMI_SYS_EXIT, 0x18
        .equ    ADP_Stopped_ApplicationExit, 0x20026

        .section .text.start, "ax"
        .global _start
_start:
        ldr     x0, =__stack_top
        mov     sp, x0
        mrs     x0, vbar_el1
        adr     x1, rt_reset_vbar
        str     x0, [x1]
        adr     x0, rt_vectors
        msr     vbar_el1, x0
        isb
        ldr     x1, =__bss_start
        ldr     x2, =__bss_end
1:      cmp     x1, x2
        b.hs    2f
        str     xzr, [x1], #8
        b       1b
2:      mov     x0, xzr
        bl      main
        b       rt_exit
        .ltorg

        .text
// rt_putc(w0 = character)
        .global rt_putc
        .type   rt_putc, %function
rt_putc:
        stp     x1, x2, [sp, #-16]!
        mov     x1, #UART_DR
        str     w0, [x1]
        ldp     x1, x2, [sp], #16
        ret
        .size   rt_putc, . - rt_putc

// rt_puts(x0 = NUL-terminated string)
        .global rt_puts
        .type   rt_puts, %function
rt_puts:
        stp     x0, x1, [sp, #-32]!
        stp     x2, x30, [sp, #16]
        mrs     x2, nzcv
        mov     x1, x0
1:      ldrb    w0, [x1], #1
        cbz     w0, 2f
        bl      rt_putc
        b       1b
2:      msr     nzcv, x2
        ldp     x2, x30, [sp, #16]
        ldp     x0, x1, [sp], #32
        ret
        .size   rt_puts, . - rt_puts

// rt_hex64(x0): 16 lower-case hex digits, no prefix
        .global rt_hex64
        .type   rt_hex64, %function
rt_hex64:
        stp     x0, x1, [sp, #-48]!
        stp     x2, x3, [sp, #16]
        stp     x4, x30, [sp, #32]
        mrs     x4, nzcv
        mov     x1, x0
        mov     x2, #60
1:      lsr     x3, x1, x2
        and     x3, x3, #0xf
        cmp     x3, #10
        add     x0, x3, #'0'
        add     x3, x3, #('a' - 10)
        csel    x0, x0, x3, lo
        bl      rt_putc
        subs    x2, x2, #4
        b.pl    1b
        msr     nzcv, x4
        ldp     x4, x30, [sp, #32]
        ldp     x2, x3, [sp, #16]
        ldp     x0, x1, [sp], #48
        ret
        .size   rt_hex64, . - rt_hex64

// rt_hex32(x0): 8 hex digits of w0
        .global rt_hex32
        .type   rt_hex32, %function
rt_hex32:
        stp     x0, x1, [sp, #-48]!
        stp     x2, x3, [sp, #16]
        stp     x4, x30, [sp, #32]
        mrs     x4, nzcv
        mov     w1, w0
        mov     x2, #28
1:      lsr     x3, x1, x2
        and     x3, x3, #0xf
        cmp     x3, #10
        add     x0, x3, #'0'
        add     x3, x3, #('a' - 10)
        csel    x0, x0, x3, lo
        bl      rt_putc
        subs    x2, x2, #4
        b.pl    1b
        msr     nzcv, x4
        ldp     x4, x30, [sp, #32]
        ldp     x2, x3, [sp, #16]
        ldp     x0, x1, [sp], #48
        ret
        .size   rt_hex32, . - rt_hex32

// rt_dec(x0): unsigned decimal
        .global rt_dec
        .type   rt_dec, %function
rt_dec:
        stp     x0, x1, [sp, #-80]!
        stp     x2, x3, [sp, #16]
        stp     x4, x30, [sp, #32]      // [sp, #48..79]: digit buffer
        mrs     x4, nzcv
        add     x2, sp, #80             // fill the buffer backwards from its end
        mov     x1, x0
        mov     x3, #10
1:      udiv    x0, x1, x3
        msub    x0, x0, x3, x1          // x0 = x1 % 10
        add     x0, x0, #'0'
        strb    w0, [x2, #-1]!
        udiv    x1, x1, x3
        cbnz    x1, 1b
        add     x3, sp, #80
2:      ldrb    w0, [x2], #1
        bl      rt_putc
        cmp     x2, x3
        b.lo    2b
        msr     nzcv, x4
        ldp     x4, x30, [sp, #32]
        ldp     x2, x3, [sp, #16]
        ldp     x0, x1, [sp], #80
        ret
        .size   rt_dec, . - rt_dec

// rt_nzcv: prints the current flags as four letters, upper case = set ("nZCv")
        .global rt_nzcv
        .type   rt_nzcv, %function
rt_nzcv:
        stp     x0, x1, [sp, #-32]!
        stp     x2, x30, [sp, #16]
        mrs     x2, nzcv
        mov     x0, #'n'
        tst     x2, #(1 << 31)
        b.eq    1f
        mov     x0, #'N'
1:      bl      rt_putc
        mov     x0, #'z'
        tst     x2, #(1 << 30)
        b.eq    1f
        mov     x0, #'Z'
1:      bl      rt_putc
        mov     x0, #'c'
        tst     x2, #(1 << 29)
        b.eq    1f
        mov     x0, #'C'
1:      bl      rt_putc
        mov     x0, #'v'
        tst     x2, #(1 << 28)
        b.eq    1f
        mov     x0, #'V'
1:      bl      rt_putc
        msr     nzcv, x2
        ldp     x2, x30, [sp, #16]
        ldp     x0, x1, [sp], #32
        ret
        .size   rt_nzcv, . - rt_nzcv

// rt_exit(w0 = status): semihosting SYS_EXIT, AArch64 form: x1 -> {reason, status}
        .global rt_exit
        .type   rt_exit, %function
rt_exit:
        sub     sp, sp, #16
        mov     w2, w0
        ldr     x1, =ADP_Stopped_ApplicationExit
        stp     x1, x2, [sp]
        mov     x1, sp
        mov     x0, #SEMI_SYS_EXIT
        hlt     #0xf000
1:      wfi
        b       1b
        .size   rt_exit, . - rt_exit
        .ltorg

// Default exception vectors: print the vector offset and the syndrome, exit(3).
        .macro  RT_VEC off
        .balign 0x80
        stp     x0, x1, [sp, #-16]!
        mov     x0, #\off
        b       rt_unexpected
        .endm

        .balign 2048
        .global rt_vectors
rt_vectors:
        .irp    off, 0x000, 0x080, 0x100, 0x180, 0x200, 0x280, 0x300, 0x380, 0x400, 0x480, 0x500, 0x580, 0x600, 0x680, 0x700, 0x780
        RT_VEC  \off
        .endr

rt_unexpected:
        mov     x1, x0
        adr     x0, rt_msg_unexp
        bl      rt_puts
        mov     x0, x1
        bl      rt_hex64
        adr     x0, rt_msg_esr
        bl      rt_puts
        mrs     x0, esr_el1
        bl      rt_hex64
        adr     x0, rt_msg_elr
        bl      rt_puts
        mrs     x0, elr_el1
        bl      rt_hex64
        adr     x0, rt_msg_far
        bl      rt_puts
        mrs     x0, far_el1
        bl      rt_hex64
        mov     x0, #10
        bl      rt_putc
        mov     w0, #3
        b       rt_exit

        .section .rodata.rt, "a"
rt_msg_unexp:   .asciz  "\n*** unexpected exception, vector offset "
rt_msg_esr:     .asciz  " ESR_EL1 "
rt_msg_elr:     .asciz  " ELR_EL1 "
rt_msg_far:     .asciz  " FAR_EL1 "

        .data
        .balign 8
        .global rt_reset_vbar
rt_reset_vbar:  .quad   0

// The empty-input table used by SWEEP for absent inputs: one entry, 0.
        .section .rodata.vtable, "a"
        .balign 8
        .global t_none
t_none: .quad   1, 0
