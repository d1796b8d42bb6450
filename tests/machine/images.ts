// Test guest programs, hand-assembled (GNU as 2.40 for aarch64, linked at 0x40080000, then
// disassembled with objdump; the words are committed so tests need no toolchain), and a
// minimal ELF64 writer for loader tests.

/** The words of a program as little-endian bytes. */
export function bytesOf(words: readonly number[]): Uint8Array {
  const out = new Uint8Array(words.length * 4);
  const dv = new DataView(out.buffer);
  words.forEach((w, i) => dv.setUint32(i * 4, w >>> 0, true));
  return out;
}

/** Exits through semihosting SYS_EXIT with status 42. */
export const EXIT42 = [
  0x10000081, // 40080000: adr  x1, 40080010 <blk>
  0x52800300, // 40080004: mov  w0, #0x18            (SYS_EXIT)
  0xd45e0000, // 40080008: hlt  #0xf000
  0x14000000, // 4008000c: b    .
  0x00020026, 0x00000000, // blk: .quad 0x20026      (ADP_Stopped_ApplicationExit)
  0x0000002a, 0x00000000, //      .quad 42
];

/** Writes "hello, virt\n" to the PL011 data register, then exits with status 7. */
export const HELLO = [
  0xd2a12003, // 40080000: mov  x3, #0x9000000       (UARTDR)
  0x10000124, // 40080004: adr  x4, 40080028 <msg>
  0x38401482, // 40080008: ldrb w2, [x4], #1
  0x34000062, // 4008000c: cbz  w2, 40080018
  0xb9000062, // 40080010: str  w2, [x3]
  0x17fffffd, // 40080014: b    40080008
  0x10000101, // 40080018: adr  x1, 40080038 <blk>
  0x52800300, // 4008001c: mov  w0, #0x18
  0xd45e0000, // 40080020: hlt  #0xf000
  0x14000000, // 40080024: b    .
  0x6c6c6568, 0x76202c6f, 0x0a747269, 0x00000000, // msg: .asciz "hello, virt\n"
  0x00020026, 0x00000000, 0x00000007, 0x00000000, // blk: .quad 0x20026, 7
];

/** PSCI SYSTEM_OFF through HVC. */
export const POWEROFF = [
  0x52800100, // 40080000: mov  w0, #0x8
  0x72b08000, // 40080004: movk w0, #0x8400, lsl #16  (0x84000008 SYSTEM_OFF)
  0xd4000002, // 40080008: hvc  #0x0
  0x14000000, // 4008000c: b    .
];

/**
 * Counts boots in the doubleword at 0x40100000 (outside the image, so a reset keeps it):
 * PSCI SYSTEM_RESET on boots 1 and 2, exits with status 3 on boot 3.
 * (qemu-system-aarch64 7.2 -M virt: exit status 3.)
 */
export const RESET3 = [
  0xd2a80206, // 40080000: mov  x6, #0x40100000
  0xf94000c5, // 40080004: ldr  x5, [x6]
  0x910004a5, // 40080008: add  x5, x5, #0x1
  0xf90000c5, // 4008000c: str  x5, [x6]
  0xf1000cbf, // 40080010: cmp  x5, #0x3
  0x540000a0, // 40080014: b.eq 40080028
  0x52800120, // 40080018: mov  w0, #0x9
  0x72b08000, // 4008001c: movk w0, #0x8400, lsl #16  (0x84000009 SYSTEM_RESET)
  0xd4000002, // 40080020: hvc  #0x0
  0x14000000, // 40080024: b    .
  0x100000c1, // 40080028: adr  x1, 40080040 <blk>
  0xf9000425, // 4008002c: str  x5, [x1, #8]
  0x52800300, // 40080030: mov  w0, #0x18
  0xd45e0000, // 40080034: hlt  #0xf000
  0x14000000, // 40080038: b    .
  0xd503201f, // 4008003c: nop
  0x00020026, 0x00000000, 0x00000000, 0x00000000, // blk: .quad 0x20026, 0
];

/** Never stops: two instructions per iteration. */
export const LOOP = [
  0x91000400, // 40080000: add  x0, x0, #0x1
  0x17ffffff, // 40080004: b    40080000
];

// The ELF writer lives in src/machine/elf.ts (the fuzz images use it too).
import { makeElf } from '../../src/machine/elf.js';
export { makeElf, type ElfOptions, type ElfSegment } from '../../src/machine/elf.js';

/** An AArch64 ELF executable holding `words` at 0x40080000. */
export function elfOf(words: readonly number[]): Uint8Array {
  return makeElf({ entry: 0x40080000, segments: [{ paddr: 0x40080000, data: bytesOf(words) }] });
}

/** Writes 196608 'x' and a newline to the UART, then exits 0 (QEMU 7.2: 196609 bytes, status 0). */
export const CHATTY = [
  0xd2a12003, // 40080000: mov  x3, #0x9000000
  0xd2a00065, // 40080004: mov  x5, #0x30000
  0x52800f02, // 40080008: mov  w2, #0x78
  0xb9000062, // 4008000c: str  w2, [x3]
  0xf10004a5, // 40080010: subs x5, x5, #0x1
  0x54ffffc1, // 40080014: b.ne 4008000c
  0x52800142, // 40080018: mov  w2, #0xa
  0xb9000062, // 4008001c: str  w2, [x3]
  0x10000081, // 40080020: adr  x1, 40080030 <blk>
  0x52800300, // 40080024: mov  w0, #0x18
  0xd45e0000, // 40080028: hlt  #0xf000
  0x14000000, // 4008002c: b    .
  0x00020026, 0x00000000, 0x00000000, 0x00000000, // blk: .quad 0x20026, 0
];

/**
 * Echoes UART input until a newline, then exits 5 (QEMU 7.2 with "abc\n" on stdin:
 * prints "abc\n", status 5).
 */
export const ECHO = [
  0xd2a12003, // 40080000: mov  x3, #0x9000000
  0xb9401862, // 40080004: ldr  w2, [x3, #24]        (UARTFR)
  0x3727ffe2, // 40080008: tbnz w2, #4, 40080004     (RXFE)
  0xb9400062, // 4008000c: ldr  w2, [x3]             (UARTDR)
  0xb9000062, // 40080010: str  w2, [x3]
  0x7100285f, // 40080014: cmp  w2, #0xa
  0x54ffff61, // 40080018: b.ne 40080004
  0x100000a1, // 4008001c: adr  x1, 40080030 <blk>
  0x52800300, // 40080020: mov  w0, #0x18
  0xd45e0000, // 40080024: hlt  #0xf000
  0x14000000, // 40080028: b    .
  0xd503201f, // 4008002c: nop
  0x00020026, 0x00000000, 0x00000005, 0x00000000, // blk: .quad 0x20026, 5
];
