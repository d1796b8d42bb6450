// Self-hosted debug registers (src/sysregs/debug.ts). Write masks are QEMU 7.2's (the system
// fuzz class compares MSR/MRS of these rows with QEMU) or the Arm ARM's where QEMU has none
// (MDCCINT_EL1, MDCCSR_EL0's EL0 trap), as each test says.
import { describe, expect, it } from 'vitest';
import { MODELS } from '../../src/cpu/models.js';
import { Slot } from '../../src/cpu/state.js';
import { BRPS, WRPS } from '../../src/sysregs/debug.js';
import { sysregByName, sysregTable } from '../../src/sysregs/table.js';
import { makeCpu, RAM_BASE } from '../cpu/harness.js';

type Enc = readonly [op0: number, op1: number, crn: number, crm: number, op2: number];
const sysInsn = (l: number, [op0, op1, crn, crm, op2]: Enc, rt: number): number =>
  (0xd5100000 | (l << 21) | ((op0 - 2) << 19) | (op1 << 16) | (crn << 12) | (crm << 8) | (op2 << 5) | rt) >>> 0;
const msr = (e: Enc, rt: number): number => sysInsn(0, e, rt);
const mrs = (e: Enc, rt: number): number => sysInsn(1, e, rt);

const MDSCR: Enc = [2, 0, 0, 2, 2];
const OSLAR: Enc = [2, 0, 1, 0, 4];
const OSLSR: Enc = [2, 0, 1, 1, 4];
const OSDLR: Enc = [2, 0, 1, 3, 4];
const MDRAR: Enc = [2, 0, 1, 0, 0];
const MDCCSR: Enc = [2, 3, 0, 1, 0];
const MDCCINT: Enc = [2, 0, 0, 2, 0];
const bvr = (n: number): Enc => [2, 0, 0, n, 4];
const bcr = (n: number): Enc => [2, 0, 0, n, 5];
const wvr = (n: number): Enc => [2, 0, 0, n, 6];
const wcr = (n: number): Enc => [2, 0, 0, n, 7];

/** Runs `words` at EL1 from reset with x1 = `x1`: x0, or the exception class. */
function run(words: number[], x1 = 0n): bigint | { ec: number } {
  const t = makeCpu();
  t.cpu.x[0] = 0x5a5a5a5an;
  t.cpu.x[1] = x1;
  t.load(words);
  t.run(words.length);
  if (t.cpu.pc !== BigInt(RAM_BASE + 4 * words.length)) return { ec: Number(t.cpu.x[Slot.ESR_EL1] >> 26n) };
  return t.cpu.x[0];
}
const writeRead = (e: Enc, v: bigint): bigint | { ec: number } => run([msr(e, 1), mrs(e, 0)], v);

const ALL = 0xfedcba9876543210n;
const ONES = (1n << 64n) - 1n;

describe('breakpoint and watchpoint registers', () => {
  it("there are as many as each model's ID_AA64DFR0_EL1 says (BRPs [15:12] + 1, WRPs [23:20] + 1)", () => {
    for (const model of ['cortex-a57', 'cortex-a72', 'max']) {
      const dfr0 = sysregByName(MODELS[model], 'ID_AA64DFR0_EL1')!.constValue!;
      expect(Number((dfr0 >> 12n) & 0xfn) + 1).toBe(BRPS);
      expect(Number((dfr0 >> 20n) & 0xfn) + 1).toBe(WRPS);
      const names = sysregTable(MODELS[model]).rows.map((r) => r.name);
      for (const [reg, count] of [['DBGBVR', BRPS], ['DBGBCR', BRPS], ['DBGWVR', WRPS], ['DBGWCR', WRPS]] as const) {
        expect(names.filter((n) => n.startsWith(reg)).sort()).toEqual(
          Array.from({ length: count }, (_, n) => `${reg}${n}_EL1`).sort());
      }
    }
  });
  it('DBGBVR<n>_EL1 and DBGWCR<n>_EL1 keep every bit (QEMU 7.2)', () => {
    for (let n = 0; n < BRPS; n++) expect(writeRead(bvr(n), ALL)).toBe(ALL);
    for (let n = 0; n < WRPS; n++) expect(writeRead(wcr(n), ALL)).toBe(ALL);
  });
  it('DBGWVR<n>_EL1: bits [1:0] are RES0, forced to 0 (QEMU 7.2 dbgwvr_write)', () => {
    for (let n = 0; n < WRPS; n++) expect(writeRead(wvr(n), ONES)).toBe(ONES - 3n);
  });
  it('DBGBCR<n>_EL1: BAS[1] reads as BAS[0] and BAS[3] as BAS[2] (A64 instructions are 4 bytes; QEMU 7.2 dbgbcr_write)', () => {
    for (let n = 0; n < BRPS; n++) {
      expect(writeRead(bcr(n), 0x1e1n)).toBe(0x1e1n); // BAS 0b1111, E
      expect(writeRead(bcr(n), 0xa0n)).toBe(0x1e0n); // BAS 0b0101 -> 0b1111
      expect(writeRead(bcr(n), 0x140n)).toBe(0n); // BAS 0b1010 -> 0b0000
      expect(writeRead(bcr(n), 0x20n)).toBe(0x60n); // BAS 0b0001 -> 0b0011
      expect(writeRead(bcr(n), ONES)).toBe(ONES);
    }
  });
  it('breakpoints at CRm >= BRPs and watchpoints at CRm >= WRPs are UNDEFINED', () => {
    expect(writeRead(bvr(BRPS), 1n)).toEqual({ ec: 0 });
    expect(writeRead(wcr(WRPS), 1n)).toEqual({ ec: 0 });
  });
});

describe('OS lock and control registers', () => {
  it('OSLSR_EL1 resets to 0xa (OSLM 0b10, OSLK 1: locked; QEMU 7.2) and is read-only', () => {
    expect(run([mrs(OSLSR, 0)])).toBe(0xan);
    expect(run([msr(OSLSR, 1)])).toEqual({ ec: 0 });
  });
  it('OSLAR_EL1.OSLK (bit 0) sets OSLSR_EL1.OSLK (bit 1); OSLAR_EL1 is write-only', () => {
    expect(run([msr(OSLAR, 1), mrs(OSLSR, 0)], 0n)).toBe(0x8n);
    expect(run([msr(OSLAR, 1), mrs(OSLSR, 0)], 0xfffen)).toBe(0x8n);
    expect(run([msr(OSLAR, 1), mrs(OSLSR, 0)], 1n)).toBe(0xan);
    expect(run([mrs(OSLAR, 0)])).toEqual({ ec: 0 });
  });
  it('OSDLR_EL1 keeps DLK (bit 0) only: FEAT_DoubleLock (ID_AA64DFR0_EL1.DoubleLock = 0)', () => {
    expect(writeRead(OSDLR, ONES)).toBe(1n);
  });
  it('MDSCR_EL1 keeps every bit written (QEMU 7.2); MDRAR_EL1 reads 0 and is read-only', () => {
    expect(writeRead(MDSCR, ALL)).toBe(ALL);
    expect(run([mrs(MDRAR, 0)])).toBe(0n);
    expect(run([msr(MDRAR, 1)])).toEqual({ ec: 0 });
  });
  it('MDCCINT_EL1 keeps TX (bit 29) and RX (bit 30) only (Arm ARM; QEMU 7.2 makes it a NOP)', () => {
    expect(writeRead(MDCCINT, ONES)).toBe(0x60000000n);
  });
  it('MDCCSR_EL0 reads 0 and is read-only; at EL0 it traps to EL1 when MDSCR_EL1.TDCC (bit 12) is 1 (Arm ARM; QEMU 7.2 does not check TDCC)', () => {
    expect(run([mrs(MDCCSR, 0)])).toBe(0n);
    expect(run([msr(MDCCSR, 1)])).toEqual({ ec: 0 });
    for (const tdcc of [0n, 1n]) {
      const t = makeCpu();
      t.cpu.x[0] = 0x5a5an;
      t.cpu.x[1] = tdcc << 12n;
      t.load([msr(MDSCR, 1)]);
      t.run(1);
      t.cpu.selectSp(0, 0);
      t.load([mrs(MDCCSR, 0)]);
      t.run(1);
      if (tdcc) {
        expect(t.cpu.el).toBe(1);
        expect(Number(t.cpu.x[Slot.ESR_EL1] >> 26n)).toBe(0x18);
      } else {
        expect([t.cpu.el, t.cpu.x[0]]).toEqual([0, 0n]);
      }
    }
  });
});
