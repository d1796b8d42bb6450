// The harness of the guest-program tests (el-modes, interrupts, traps-qemu, pstate, max-traps,
// pmu-counters): a guest starts in a mode of the virt board, prints 64-bit values on the UART
// (8 little-endian bytes each) and exits 0 through semihosting; each case runs on a64emu, and
// all cases run on qemu-system-aarch64 7.2 live (one board for both: qemuBoardArgs).
//
// The printing tails are generated here at the address where each program has them; the words
// are those GNU as 2.40 assembled for the programs' listings (aarch64-linux-gnu-as, linked at
// 0x40080000), so the images are byte for byte those QEMU 7.2's recordings were made from.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { qemuBoardArgs } from '../../src/debug/qemu.js';
import { MiB } from '../../src/machine/bus.js';
import { VirtMachine } from '../../src/machine/virt.js';
import { TOOLS, requireTool } from '../helpers/tools.js';
import { elfOf } from './images.js';

export const BASE = 0x40080000;

/** A guest program and what it prints. */
export interface GuestCase {
  /** The a64emu test's name (and the label of its QEMU comparison). */
  name: string;
  /** Start mode, as a64emu's --el / --virtualization and QEMU's -M (qemuBoardArgs). */
  el: 1 | 2 | 3;
  el2?: boolean;
  /** CPU model (default cortex-a57, as both a64emu and qemuBoardArgs). */
  cpu?: string;
  elf: Uint8Array;
  /** The values a64emu prints (QEMU 7.2's, or the Arm ARM's where QEMU differs). */
  expected: bigint[];
  /** QEMU 7.2's values where they differ from `expected` (null: not compared). */
  qemu?: (bigint | null)[];
  /** Run on QEMU only (a64emu lacks an instruction the guest needs). */
  qemuOnly?: boolean;
}

/** An ELF at BASE: each part's words at its byte offset, zeros between, `size` bytes at least. */
export function imageOf(parts: readonly (readonly [offset: number, words: readonly number[]])[], size = 0): Uint8Array {
  const words: number[] = new Array<number>(size / 4).fill(0);
  for (const [off, ws] of parts) {
    while (words.length < off / 4) words.push(0);
    ws.forEach((w, i) => (words[off / 4 + i] = w));
  }
  return elfOf(words);
}

/** The words of `.quad v, ...`. */
export const quad = (...vals: bigint[]): number[] => vals.flatMap((v) => [Number(v & 0xffffffffn), Number(v >> 32n)]);

/** The bytes as 64-bit little-endian values (a partial last value is dropped). */
const values = (bytes: Uint8Array | readonly number[]): bigint[] =>
  Array.from({ length: Math.floor(bytes.length / 8) }, (_, k) =>
    Array.from({ length: 8 }, (_, i) => BigInt(bytes[8 * k + i]) << BigInt(8 * i)).reduce((a, b) => a | b, 0n));

/** The printed bytes are exactly `want` as 8-byte values, except where `want` is null. */
function expectPrinted(out: Uint8Array | readonly number[], want: readonly (bigint | null)[], label: string): void {
  const got = values(out).map((v, k) => (want[k] === null ? null : v));
  expect({ bytes: out.length, values: got }, label).toEqual({ bytes: 8 * want.length, values: want });
}

// A64 encodings (Arm ARM C6.2) of the PC-relative instructions in the printing tails.
const adr = (rd: number, from: number, to: number): number =>
  (0x10000000 | (((to - from) & 3) << 29) | ((((to - from) >> 2) & 0x7ffff) << 5) | rd) >>> 0;
const movz = (rd: number, imm: number): number => (0xd2800000 | (imm << 5) | rd) >>> 0;
/** B from `from` to `to` (imm26 = offset / 4). */
export const b = (from: number, to: number): number => (0x14000000 | (((to - from) >> 2) & 0x3ffffff)) >>> 0;

/** An MSR/MRS of an EL2 register, or at `h` 3 of its EL3 counterpart (op1 0b100 -> 0b110: bit 17). */
export const elReg = (h: 2 | 3, el2Word: number): number => (h === 3 ? el2Word | 0x20000 : el2Word) >>> 0;

/** Semihosting SYS_EXIT from `at` with the parameter block at `blk`. */
const exitAt = (at: number, blk: number): number[] => [
  adr(1, at, blk), // adr  x1, blk
  0x52800300, //      mov  w0, #0x18             (SYS_EXIT)
  0xd45e0000, //      hlt  #0xf000
  0x14000000, //      b    .
];
/** The parameter block: .quad 0x20026, 0 (ADP_Stopped_ApplicationExit, status 0). */
export const EXIT_BLOCK = [0x00020026, 0, 0, 0];

/** The 8 bytes of x2 to the UART at x3, `x5` times from [x6] (report) or to x19 from [x20] (printRecords). */
const BYTES = [
  0x39000062, // strb w2, [x3]
  0xd348fc42, // lsr  x2, x2, #8
  0xf1000484, // subs x4, x4, #0x1
  0x54ffffa1, // b.ne (the strb)
];

/**
 * `report` at `at`: prints x19.. x(18 + n) (n <= 9), then SYS_EXIT 0; the save area follows
 * the parameter block (8-byte aligned, after a NOP if needed).
 *   mov x3, #0x9000000; mov x5, #n; adr x6, save; stp x19, x20, [x6] ...; str x27, [x6, #64]
 *   1: mov x4, #8; ldr x2, [x6], #8; 2: strb w2, [x3]; lsr x2, x2, #8; subs x4, x4, #1; b.ne 2b
 *   subs x5, x5, #1; b.ne 1b; adr x1, blk; mov w0, #0x18; hlt #0xf000; b .
 */
export function report(n: number, at: number): number[] {
  const stores: number[] = [];
  for (let r = 0; r < n; r += 2) {
    stores.push(r + 1 < n
      ? (0xa9000000 | (r << 15) | ((20 + r) << 10) | (6 << 5) | (19 + r)) >>> 0 // stp x(19+r), x(20+r), [x6, #8r]
      : (0xf9000000 | (r << 10) | (6 << 5) | (19 + r)) >>> 0); //                             str x(19+r), [x6, #8r]
  }
  const body = [0xd2a12003 /* mov x3, #0x9000000 */, movz(5, n), 0 /* adr x6, save */, ...stores,
    0xd2800104 /* mov x4, #0x8 */, 0xf84084c2 /* ldr x2, [x6], #8 */, ...BYTES,
    0xf10004a5 /* subs x5, x5, #0x1 */, 0x54ffff21 /* b.ne (the mov x4) */];
  const exit = at + 4 * body.length;
  const pad = (exit + 16) % 8 ? [0xd503201f /* nop */] : [];
  const blk = exit + 16 + 4 * pad.length;
  body[2] = adr(6, at + 8, blk + 16);
  return [...body, ...exitAt(exit, blk), ...pad, ...EXIT_BLOCK];
}

/**
 * `printRecords` at `at`: prints the doublewords from `buf` up to x20, then SYS_EXIT 0 with
 * the parameter block at `blk`.
 *   mov x19, x20; adr x20, buf; mov x3, #0x9000000
 *   1: ldr x2, [x20], #8; mov x4, #8; 2: strb w2, [x3]; lsr x2, x2, #8; subs x4, x4, #1; b.ne 2b
 *   cmp x20, x19; b.ne 1b; adr x1, blk; mov w0, #0x18; hlt #0xf000; b .
 */
export const printRecords = (at: number, buf: number, blk: number): number[] => [
  0xaa1403f3, // mov  x19, x20
  adr(20, at + 4, buf),
  0xd2a12003, // mov  x3, #0x9000000
  0xf8408682, // ldr  x2, [x20], #8
  0xd2800104, // mov  x4, #0x8
  ...BYTES,
  0xeb13029f, // cmp  x20, x19
  0x54ffff21, // b.ne (the ldr)
  ...exitAt(at + 44, blk),
];

/** Runs `c` on a64emu from its start mode: how it stopped and the UART bytes. */
async function runOnA64emu(c: GuestCase): Promise<{ stop: unknown; out: number[] }> {
  const out: number[] = [];
  const m = new VirtMachine({ cpu: c.cpu, el: c.el, el2: c.el2, memory: 16 * MiB, output: (s, bytes) => s === 'stdout' && out.push(...bytes) });
  m.load(c.elf);
  expect(m.cpu.el, 'an ELF starts at the highest EL').toBe(c.el);
  const r = await m.run({ maxInsns: 10_000 });
  return { stop: r.stop, out };
}

/**
 * The tests of a set of guests, inside a describe: one per case on a64emu (exit 0, the
 * expected values printed), and `live`: every case on QEMU 7.2 (skipped without it).
 */
export function guestTests(cases: readonly GuestCase[], live = 'QEMU 7.2 run live prints the same bytes', timeout = 60_000): void {
  for (const c of cases.filter((k) => !k.qemuOnly)) {
    it(c.name, async () => {
      const { stop, out } = await runOnA64emu(c);
      expect(stop).toEqual({ kind: 'exit', code: 0 });
      expectPrinted(out, c.expected, c.name);
    });
  }

  it(live, (ctx) => {
    const qemu = requireTool(ctx, TOOLS.qemu);
    const dir = mkdtempSync(join(tmpdir(), 'a64emu-guest-'));
    try {
      cases.forEach((c, i) => {
        const kernel = join(dir, `case${i}.elf`);
        writeFileSync(kernel, c.elf);
        const args = [...qemuBoardArgs({ cpu: c.cpu, el: c.el, el2: c.el2, kernel, memory: 16 * MiB }), '-serial', 'stdio'];
        const r = spawnSync(qemu.spec.command, args, { timeout: 20_000 });
        expect(r.status, `${qemu.spec.command} ${args.join(' ')}: ${String(r.stderr)}`).toBe(0);
        expectPrinted(r.stdout, c.qemu ?? c.expected, c.name);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, timeout);
}
