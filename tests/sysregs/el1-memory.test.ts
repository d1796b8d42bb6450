// EL1 memory-system registers (src/sysregs/mmu.ts): what MSR keeps, as QEMU 7.2 does (checked
// by `a64emu fuzz --class system`, which compares every MRS/MSR of the table with QEMU).
import { describe, expect, it } from 'vitest';
import { Slot } from '../../src/cpu/state.js';
import { makeCpu, RAM_BASE } from '../cpu/harness.js';

type Enc = readonly [op0: number, op1: number, crn: number, crm: number, op2: number];
const sysInsn = (l: number, [op0, op1, crn, crm, op2]: Enc, rt: number): number =>
  (0xd5100000 | (l << 21) | ((op0 - 2) << 19) | (op1 << 16) | (crn << 12) | (crm << 8) | (op2 << 5) | rt) >>> 0;

/** MSR <reg>, x1 then MRS x0, <reg> at EL1: x0, or the exception class. */
function writeRead(e: Enc, v: bigint): bigint | { ec: number } {
  const t = makeCpu();
  t.cpu.x[0] = 0x5a5a5a5an;
  t.cpu.x[1] = v;
  t.load([sysInsn(0, e, 1), sysInsn(1, e, 0)]);
  t.run(2);
  if (t.cpu.pc !== BigInt(RAM_BASE + 8)) return { ec: Number(t.cpu.x[Slot.ESR_EL1] >> 26n) };
  return t.cpu.x[0];
}

const ALL = 0xfedcba9876543210n;

describe('EL1 memory-system registers', () => {
  // QEMU 7.2 keeps every bit of these for AArch64 (RES0 bits included, which the Arm ARM allows).
  for (const [name, e] of [
    ['TTBR0_EL1', [3, 0, 2, 0, 0]], ['TTBR1_EL1', [3, 0, 2, 0, 1]], ['TCR_EL1', [3, 0, 2, 0, 2]],
    ['MAIR_EL1', [3, 0, 10, 2, 0]], ['CONTEXTIDR_EL1', [3, 0, 13, 0, 1]], ['PAR_EL1', [3, 0, 7, 4, 0]],
  ] as const) {
    it(`${name} keeps every bit written`, () => expect(writeRead(e, ALL)).toBe(ALL));
  }
  // IMPLEMENTATION DEFINED contents, none implemented: RAZ/WI (QEMU 7.2's ARM_CP_CONST rows).
  for (const [name, e] of [
    ['ACTLR_EL1', [3, 0, 1, 0, 1]], ['AFSR0_EL1', [3, 0, 5, 1, 0]], ['AFSR1_EL1', [3, 0, 5, 1, 1]],
    ['AMAIR_EL1', [3, 0, 10, 3, 0]],
  ] as const) {
    it(`${name} reads as zero and ignores writes`, () => expect(writeRead(e, ALL)).toBe(0n));
  }
  it('RVBAR_EL1 and ISR_EL1 are read-only (MSR UNDEFINED) and read 0', () => {
    expect(writeRead([3, 0, 12, 0, 1], ALL)).toEqual({ ec: 0 });
    expect(writeRead([3, 0, 12, 1, 0], ALL)).toEqual({ ec: 0 });
    for (const e of [[3, 0, 12, 0, 1], [3, 0, 12, 1, 0]] as const) {
      const t = makeCpu();
      t.cpu.x[0] = 0x5a5an;
      t.load([sysInsn(1, e, 0)]);
      t.run(1);
      expect(t.cpu.x[0]).toBe(0n);
    }
  });
});
