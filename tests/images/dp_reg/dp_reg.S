// dp_reg: A64 data processing (register).
//   add/sub shifted register and extended register (all 8 extend options, shifts 0-4,
//   SP forms), ADC/ADCS/SBC/SBCS (+NGC/NGCS), logical shifted register
//   (AND/BIC/ORR/ORN/EOR/EON/ANDS/BICS, LSL/LSR/ASR/ROR), CCMP/CCMN (register and
//   immediate, condition true and false), CSEL/CSINC/CSINV/CSNEG (all 16 conditions) and
//   their aliases, RBIT/REV16/REV32/REV/CLZ/CLS, UDIV/SDIV (divide by zero, INT_MIN/-1),
//   LSLV/LSRV/ASRV/RORV, CRC32{B,H,W,X} and CRC32C{B,H,W,X}, MADD/MSUB/SMADDL/SMSUBL/
//   UMADDL/UMSUBL/SMULH/UMULH and the MUL/MNEG/SMULL/UMULL/SMNEGL/UMNEGL aliases.
//
// Output: "# <insn>" header per sweep, then "<x1> <x2> [<x3>] [<NZCV in>] : <x0> <NZCV>"
// (see lib/a64test.inc).  x0 starts as 0xdeadbeefcafef00d.
//
// Expected output: tests/images/dp_reg/dp_reg.expected.json, recorded from QEMU with
//   node scripts/images.mjs record dp_reg
// i.e. qemu-system-aarch64 -M virt -cpu cortex-a57 -m 512 -display none -serial stdio
//      -monitor none -semihosting -no-reboot -kernel tests/images/dp_reg/dp_reg.elf
#include "a64test.inc"

        // second operands for shifted/extended forms (the shift/extend is what varies)
        VTABLE  t_v4, 1, 0xffffffffffffffff, 0x8000000000000000, 0x0123456789abcdef
        // divisors
        VTABLE  t_div, 0, 1, 0xffffffffffffffff, 2, 7, 0xfffffffffffffff9, 0x8000000000000000, 0x00000000ffffffff
        // multiply-accumulate addends
        VTABLE  t_acc, 0, 0x0123456789abcdef
        // count-leading / bit-reverse inputs in addition to t_v16
        VTABLE  t_bits, 0x80, 0x0000000100000000, 0x00000000c0000000, 0x3fffffffffffffff, 0xc000000000000000, 0x0000000040000000, 0x00000000bfffffff, 0x0000000000010000
        // fixed operands for the condition sweeps
        VTABLE  t_c1, 0x0123456789abcdef
        VTABLE  t_c2, 0xfedcba9876543210
        VTABLE  t_one, 1
        VTABLE  t_two, 2

        .text
        .global main
main:
        stp     x29, x30, [sp, #-16]!
        PUTSLN  "dp_reg: data processing (register)"

// ---- add/sub (shifted register) -----------------------------------------------------
        .irp    op, add, adds, sub, subs
        SWEEP2  t_v8, t_v8, "\op x0, x1, x2"
        SWEEP2  t_v8, t_v8, "\op w0, w1, w2"
        .irp    sh, "lsl #1", "lsl #63", "lsr #1", "lsr #63", "asr #1", "asr #63"
        SWEEP2  t_v8, t_v4, "\op x0, x1, x2, \sh"
        .endr
        .irp    sh, "lsl #31", "lsr #4", "asr #31"
        SWEEP2  t_v8, t_v4, "\op w0, w1, w2, \sh"
        .endr
        .endr
        SWEEP2  t_v8, t_v8, "add x0, x1, x2", 0xf
        SWEEP2  t_v8, t_v4, "cmp x1, x2"
        SWEEP2  t_v8, t_v4, "cmn w1, w2, lsl #3"
        SWEEP1  t_v16, "neg x0, x1"
        SWEEP1  t_v16, "negs x0, x1"
        SWEEP1  t_v16, "negs w0, w1"
        SWEEP1  t_v16, "neg w0, w1, asr #3"

// ---- add/sub (extended register) ----------------------------------------------------
        .irp    op, add, sub
        SWEEP2  t_v8, t_v4, "\op x0, x1, w2, uxtb"
        SWEEP2  t_v8, t_v4, "\op x0, x1, w2, uxth #1"
        SWEEP2  t_v8, t_v4, "\op x0, x1, w2, uxtw #2"
        SWEEP2  t_v8, t_v4, "\op x0, x1, x2, uxtx #3"
        SWEEP2  t_v8, t_v4, "\op x0, x1, w2, sxtb #4"
        SWEEP2  t_v8, t_v4, "\op x0, x1, w2, sxth"
        SWEEP2  t_v8, t_v4, "\op x0, x1, w2, sxtw #1"
        SWEEP2  t_v8, t_v4, "\op x0, x1, x2, sxtx #2"
        SWEEP2  t_v8, t_v4, "\op w0, w1, w2, uxtb #1"
        SWEEP2  t_v8, t_v4, "\op w0, w1, w2, sxth #4"
        SWEEP2  t_v8, t_v4, "\op w0, w1, w2, uxtw"
        SWEEP2  t_v8, t_v4, "\op w0, w1, w2, sxtw #3"
        .endr
        .irp    op, adds, subs
        SWEEP2  t_v8, t_v4, "\op x0, x1, w2, uxtb"
        SWEEP2  t_v8, t_v4, "\op x0, x1, w2, sxth #2"
        SWEEP2  t_v8, t_v4, "\op x0, x1, w2, sxtw"
        SWEEP2  t_v8, t_v4, "\op x0, x1, x2, uxtx #4"
        SWEEP2  t_v8, t_v4, "\op w0, w1, w2, sxtb #1"
        SWEEP2  t_v8, t_v4, "\op w0, w1, w2, uxth"
        .endr
        // SP forms: x1 is used as the SP value (no memory access through SP here)
        SWEEP2  t_v8, t_v4, "mov x5, sp; mov sp, x1; add x0, sp, x2; mov sp, x5"
        SWEEP2  t_v8, t_v4, "mov x5, sp; mov sp, x1; add x0, sp, x2, lsl #2; mov sp, x5"
        SWEEP2  t_v8, t_v4, "mov x5, sp; mov sp, x1; sub x0, sp, w2, sxtw #1; mov sp, x5"
        SWEEP2  t_v8, t_v4, "mov x5, sp; add sp, x1, w2, uxth; mov x0, sp; mov sp, x5"
        SWEEP2  t_v8, t_v4, "mov x5, sp; sub sp, x1, x2, sxtx #4; mov x0, sp; mov sp, x5"
        SWEEP2  t_v8, t_v4, "mov x5, sp; mov sp, x1; adds x0, sp, w2, uxtw; mov sp, x5"
        SWEEP2  t_v8, t_v4, "mov x5, sp; mov sp, x1; cmp sp, x2; mov sp, x5"
        SWEEP2  t_v8, t_v4, "mov x5, sp; mov sp, x1; cmn wsp, w2, uxtb; mov sp, x5"
        SWEEP2  t_v8, t_v4, "mov x5, sp; add wsp, w1, w2, lsl #1; mov x0, sp; mov sp, x5"
        SWEEP2  t_v8, t_v4, "mov x5, sp; mov sp, x1; add w0, wsp, w2; mov sp, x5"

// ---- add/sub with carry ---------------------------------------------------------------
        .irp    c, 0x0, 0x2
        .irp    op, adc, adcs, sbc, sbcs
        SWEEP2  t_v8, t_v8, "\op x0, x1, x2", \c
        SWEEP2  t_v8, t_v8, "\op w0, w1, w2", \c
        .endr
        SWEEP1  t_v8, "ngc x0, x1", \c
        SWEEP1  t_v8, "ngcs w0, w1", \c
        .endr
        SWEEP2  t_v4, t_v4, "adcs x0, x1, x2", 0xd
        SWEEP2  t_v4, t_v4, "sbc w0, w1, w2", 0xd

// ---- logical (shifted register) -----------------------------------------------------
        .irp    op, and, bic, orr, orn, eor, eon, ands, bics
        SWEEP2  t_v8, t_v8, "\op x0, x1, x2"
        .irp    sh, "lsl #4", "lsr #63", "asr #7", "ror #13"
        SWEEP2  t_v8, t_v4, "\op x0, x1, x2, \sh"
        .endr
        SWEEP2  t_v8, t_v4, "\op w0, w1, w2"
        SWEEP2  t_v8, t_v4, "\op w0, w1, w2, ror #5"
        SWEEP2  t_v8, t_v4, "\op w0, w1, w2, asr #31"
        .endr
        SWEEP2  t_v8, t_v4, "ands x0, x1, x2", 0xf
        SWEEP2  t_v8, t_v4, "orr x0, x1, x2", 0xf
        SWEEP2  t_v8, t_v4, "tst x1, x2"
        SWEEP2  t_v8, t_v4, "tst w1, w2, lsl #31"
        SWEEP1  t_v16, "mov x0, x1"
        SWEEP1  t_v16, "mov w0, w1"
        SWEEP1  t_v16, "mvn x0, x1"
        SWEEP1  t_v16, "mvn w0, w1, ror #8"

// ---- conditional compare --------------------------------------------------------------
        // condition true (Z set for EQ): the comparison decides the flags
        SWEEP2  t_v8, t_v8, "ccmp x1, x2, #0xa, eq", 0x4
        SWEEP2  t_v8, t_v8, "ccmp w1, w2, #0xa, eq", 0x4
        SWEEP2  t_v8, t_v8, "ccmn x1, x2, #0xa, eq", 0x4
        SWEEP2  t_v8, t_v8, "ccmn w1, w2, #0xa, eq", 0x4
        SWEEP1  t_v16, "ccmp x1, #31, #0xa, ne"
        SWEEP1  t_v16, "ccmp w1, #1, #0xa, ne"
        SWEEP1  t_v16, "ccmn x1, #1, #0xa, ne"
        SWEEP1  t_v16, "ccmn w1, #0, #0xa, ne"
        // condition false: flags = the immediate nzcv
        .irp    nzcv, 0, 5, 0xa, 0xf
        SWEEP2  t_v4, t_v4, "ccmp x1, x2, #\nzcv, ne", 0x4
        SWEEP1  t_v4, "ccmn w1, #7, #\nzcv, eq"
        .endr
        // every condition, true and false (x1 = 1, x2 = 2 so the comparison gives Nzcv... )
        .irp    cc, eq, ne, cs, cc, mi, pl, vs, vc, hi, ls, ge, lt, gt, le, al, nv
        SWEEP   "ccmp x1, x2, #6, \cc", t_one, t_two, tf=t_f6
        SWEEP   "ccmn w1, #2, #9, \cc", t_one, tf=t_f6
        .endr

// ---- conditional select -------------------------------------------------------------
        .irp    cc, eq, ne, cs, cc, mi, pl, vs, vc, hi, ls, ge, lt, gt, le, al, nv
        SWEEP   "csel x0, x1, x2, \cc", t_c1, t_c2, tf=t_f16
        .endr
        .irp    cc, eq, ne, cs, cc, mi, pl, vs, vc, hi, ls, ge, lt, gt, le, al, nv
        SWEEP   "csel w0, w1, w2, \cc", t_c1, t_c2, tf=t_f6
        SWEEP   "csinc x0, x1, x2, \cc", t_c1, t_c2, tf=t_f6
        SWEEP   "csinc w0, w1, w2, \cc", t_c1, t_c2, tf=t_f6
        SWEEP   "csinv x0, x1, x2, \cc", t_c1, t_c2, tf=t_f6
        SWEEP   "csinv w0, w1, w2, \cc", t_c1, t_c2, tf=t_f6
        SWEEP   "csneg x0, x1, x2, \cc", t_c1, t_c2, tf=t_f6
        SWEEP   "csneg w0, w1, w2, \cc", t_c1, t_c2, tf=t_f6
        .endr
        // edge values through the selected path
        SWEEP2  t_v8, t_v8, "csinc x0, x1, x2, ne", 0x4
        SWEEP2  t_v8, t_v8, "csneg w0, w1, w2, ne", 0x4
        SWEEP2  t_v8, t_v8, "csneg x0, x1, x2, ne", 0x4
        // aliases
        .irp    cc, eq, lt, hi
        SWEEP   "cset x0, \cc", tf=t_f6
        SWEEP   "csetm w0, \cc", tf=t_f6
        SWEEP   "cinc x0, x1, \cc", t_v4, tf=t_f6
        SWEEP   "cinv w0, w1, \cc", t_v4, tf=t_f6
        SWEEP   "cneg x0, x1, \cc", t_v4, tf=t_f6
        .endr

// ---- data processing (1 source) -------------------------------------------------------
        .irp    op, rbit, rev16, rev, clz, cls
        SWEEP1  t_v16, "\op x0, x1"
        SWEEP1  t_bits, "\op x0, x1"
        SWEEP1  t_v16, "\op w0, w1"
        SWEEP1  t_bits, "\op w0, w1"
        .endr
        SWEEP1  t_v16, "rev32 x0, x1"
        SWEEP1  t_bits, "rev32 x0, x1"
        SWEEP1  t_v8, "clz x0, x1", 0xf

// ---- data processing (2 source) -------------------------------------------------------
        SWEEP2  t_v8, t_div, "udiv x0, x1, x2"
        SWEEP2  t_v8, t_div, "udiv w0, w1, w2"
        SWEEP2  t_v8, t_div, "sdiv x0, x1, x2"
        SWEEP2  t_v8, t_div, "sdiv w0, w1, w2"
        SWEEP2  t_div, t_v8, "sdiv x0, x1, x2"
        SWEEP2  t_div, t_v8, "udiv w0, w1, w2", 0xf
        .irp    op, lslv, lsrv, asrv, rorv
        SWEEP2  t_v8, t_shift, "\op x0, x1, x2"
        SWEEP2  t_v8, t_shift, "\op w0, w1, w2"
        .endr
        SWEEP2  t_v8, t_shift, "lsl x0, x1, x2"
        SWEEP2  t_v8, t_shift, "ror w0, w1, w2"
        // CRC32 (polynomial 0x04C11DB7) and CRC32C (0x1EDC6F41), reflected
        .irp    op, crc32b, crc32h, crc32w, crc32cb, crc32ch, crc32cw
        SWEEP2  t_v8, t_v8, "\op w0, w1, w2"
        .endr
        SWEEP2  t_v8, t_v8, "crc32x w0, w1, x2"
        SWEEP2  t_v8, t_v8, "crc32cx w0, w1, x2"

// ---- data processing (3 source) -------------------------------------------------------
        .irp    op, madd, msub
        SWEEP3  t_v8, t_v8, t_acc, "\op x0, x1, x2, x3"
        SWEEP3  t_v8, t_v8, t_acc, "\op w0, w1, w2, w3"
        .endr
        .irp    op, smaddl, smsubl, umaddl, umsubl
        SWEEP3  t_v8, t_v8, t_acc, "\op x0, w1, w2, x3"
        .endr
        SWEEP2  t_v8, t_v8, "smulh x0, x1, x2"
        SWEEP2  t_v8, t_v8, "umulh x0, x1, x2"
        SWEEP2  t_v8, t_v8, "mul x0, x1, x2"
        SWEEP2  t_v8, t_v8, "mul w0, w1, w2"
        SWEEP2  t_v8, t_v4, "mneg x0, x1, x2"
        SWEEP2  t_v8, t_v4, "mneg w0, w1, w2"
        SWEEP2  t_v8, t_v8, "smull x0, w1, w2"
        SWEEP2  t_v8, t_v8, "umull x0, w1, w2"
        SWEEP2  t_v8, t_v4, "smnegl x0, w1, w2"
        SWEEP2  t_v8, t_v4, "umnegl x0, w1, w2"
        SWEEP2  t_v8, t_v4, "madd x0, x1, x2, x0", 0xf
        // zero-register operands: XZR reads as 0 in the data-processing forms
        SWEEP2  t_v8, t_v4, "madd x0, x1, x2, xzr"
        SWEEP2  t_v8, t_v4, "add x0, xzr, x2"
        SWEEP2  t_v8, t_v4, "orr x0, x1, xzr, ror #3"

        PUTSLN  "dp_reg: done"
        ldp     x29, x30, [sp], #16
        mov     w0, #0
        ret
        .ltorg
