// A guest program for the trace tests, assembled with GNU as 2.40 (text at 0x40080000, the
// handler at VBAR_EL1 + 0x000 and + 0x200) and listed with objdump; the words are committed
// so the tests need no toolchain. On qemu-system-aarch64 7.2 -M virt -cpu cortex-a57
// -semihosting -d int it takes, in order:
//   SVC         ESR 0x56000000  ELR 0x40080020             to PC 0x40080a00
//   Data Abort  ESR 0x96000010  ELR 0x4008002c  FAR 0x9001000  to PC 0x40080a00
//   SVC         ESR 0x56000001  ELR 0x40080038             to PC 0x40080800
// and then exits through semihosting SYS_EXIT with status 0 (28 instructions in all).
import { bytesOf, makeElf } from '../machine/images.js';

export const TRACED_TEXT = [
  0xd2a8020a, //  0 40080000: mov  x10, #0x40100000
  0x9100015f, //  1 40080004: mov  sp, x10
  0xd2800020, //  2 40080008: mov  x0, #0x1
  0xb1000401, //  3 4008000c: adds x1, x0, #0x1
  0xf1000402, //  4 40080010: subs x2, x0, #0x1
  0x10003f63, //  5 40080014: adr  x3, 40080800 <vectors>
  0xd518c003, //  6 40080018: msr  vbar_el1, x3
  0xd4000001, //  7 4008001c: svc  #0x0
  0xd503201f, //    40080020: nop                  (skipped: the handler returns to ELR + 4)
  0xd2a12007, // 12 40080024: mov  x7, #0x9000000
  0xf2820007, // 13 40080028: movk x7, #0x1000
  0xf94000e6, // 14 4008002c: ldr  x6, [x7]         (nothing at 0x9001000 on virt)
  0xd50040bf, // 19 40080030: msr  spsel, #0x0
  0xd4000021, // 20 40080034: svc  #0x1
  0xd503201f, //    40080038: nop
  0x100000a1, // 25 4008003c: adr  x1, 40080050 <blk>
  0x52800300, // 26 40080040: mov  w0, #0x18          (SYS_EXIT)
  0xd45e0000, // 27 40080044: hlt  #0xf000
  0x14000000, //    40080048: b    40080048
  0xd503201f, //    4008004c: nop
  0x00020026, 0x00000000, 0x00000000, 0x00000000, // blk: .quad 0x20026, 0
];

/** The handler (at 0x40080800 and 0x40080a00): skips the instruction at ELR_EL1. */
export const TRACED_HANDLER = [
  0xd5384029, // mrs  x9, elr_el1
  0x91001129, // add  x9, x9, #0x4
  0xd5184029, // msr  elr_el1, x9
  0xd69f03e0, // eret
];

export function tracedElf(): Uint8Array {
  return makeElf({
    entry: 0x40080000,
    segments: [
      { paddr: 0x40080000, data: bytesOf(TRACED_TEXT) },
      { paddr: 0x40080800, data: bytesOf(TRACED_HANDLER) },
      { paddr: 0x40080a00, data: bytesOf(TRACED_HANDLER) },
    ],
  });
}
