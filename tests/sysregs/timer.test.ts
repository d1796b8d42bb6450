// The generic timer registers (src/sysregs/timer.ts) against the Arm ARM's rules (D11.2.4,
// "Timers", and the CNTKCTL_EL1, CNTP_CTL_EL0, CNTP_TVAL_EL0 register pages). The counter is
// a stand-in that reads 1000 + the number of instructions executed before, so instruction k
// (from 0) of a sequence sees the count 1000 + k.
import { describe, expect, it } from 'vitest';
import { Slot } from '../../src/cpu/state.js';
import { makeCpu, RAM_BASE, type TestCpu } from '../cpu/harness.js';
import { BASE as MODES_BASE, exec } from '../cpu/modes.js';

type Enc = readonly [op0: number, op1: number, crn: number, crm: number, op2: number];
const CNTPCT: Enc = [3, 3, 14, 0, 1];
const CNTVCT: Enc = [3, 3, 14, 0, 2];
const CNTKCTL: Enc = [3, 0, 14, 1, 0];
const P = { TVAL: [3, 3, 14, 2, 0], CTL: [3, 3, 14, 2, 1], CVAL: [3, 3, 14, 2, 2] } as const satisfies Record<string, Enc>;
const V = { TVAL: [3, 3, 14, 3, 0], CTL: [3, 3, 14, 3, 1], CVAL: [3, 3, 14, 3, 2] } as const satisfies Record<string, Enc>;
const PS = { TVAL: [3, 7, 14, 2, 0], CTL: [3, 7, 14, 2, 1], CVAL: [3, 7, 14, 2, 2] } as const satisfies Record<string, Enc>;

/** MSR <reg>, Xt (L = 0) / MRS Xt, <reg> (L = 1): 1101010100 L 1 o0 op1 CRn CRm op2 Rt. */
const sysInsn = (l: number, [op0, op1, crn, crm, op2]: Enc, rt: number): number =>
  (0xd5100000 | (l << 21) | ((op0 - 2) << 19) | (op1 << 16) | (crn << 12) | (crm << 8) | (op2 << 5) | rt) >>> 0;
const msr = (e: Enc, rt: number): number => sysInsn(0, e, rt);
const mrs = (e: Enc, rt: number): number => sysInsn(1, e, rt);

const BASE = 1000n;
const M64 = (1n << 64n) - 1n;

function cpu(): TestCpu {
  return makeCpu({ platform: { counter: (_cpu, icount) => BASE + BigInt(icount) } });
}

/** Runs `words` from reset with x1..x7 set; returns x0..x7 (or the EC if it raised). */
function run(words: number[], regs: bigint[] = []): { x: bigint[]; ec?: number } {
  const t = cpu();
  regs.forEach((v, i) => (t.cpu.x[i + 1] = v));
  t.load(words);
  t.run(words.length);
  const x = [...Array(8).keys()].map((i) => t.cpu.x[i]);
  if (t.cpu.pc !== BigInt(RAM_BASE + 4 * words.length)) return { x, ec: Number(t.cpu.x[Slot.ESR_EL1] >> 26n) };
  return { x };
}

describe('CNTx_CTL_EL0.ISTATUS: enabled and CVAL <= count, unsigned 64-bit (Arm ARM D11.2.4)', () => {
  // Instruction 0 writes CVAL, 1 writes CTL, 2 reads CTL into x0 at count 1002.
  const ctlAfter = (t: typeof P | typeof V, cval: bigint, ctl: bigint): bigint =>
    run([msr(t.CVAL, 1), msr(t.CTL, 2), mrs(t.CTL, 0)], [cval & M64, ctl]).x[0];

  for (const [name, t] of [['CNTP', P], ['CNTV', V]] as const) {
    it(`${name}: met when CVAL is the count or below, not when above`, () => {
      expect(ctlAfter(t, 1002n, 1n)).toBe(5n); // CVAL == count: met
      expect(ctlAfter(t, 0n, 1n)).toBe(5n);
      expect(ctlAfter(t, 1003n, 1n)).toBe(1n); // one tick early
    });
    it(`${name}: the compare is unsigned: CVAL = 2^64 - 1 is never met (a signed count - CVAL would be)`, () => {
      expect(ctlAfter(t, -1n, 1n)).toBe(1n);
      expect(ctlAfter(t, 1n << 63n, 1n)).toBe(1n);
    });
    it(`${name}: IMASK does not change ISTATUS; disabled timers read ISTATUS 0 (QEMU 7.2 clears it)`, () => {
      expect(ctlAfter(t, 0n, 3n)).toBe(7n);
      expect(ctlAfter(t, 0n, 2n)).toBe(2n);
      expect(ctlAfter(t, 0n, 0n)).toBe(0n);
    });
    it(`${name}: CTL keeps ENABLE and IMASK only; ISTATUS (bit 2) is read-only`, () => {
      expect(ctlAfter(t, -1n, M64)).toBe(3n);
      expect(ctlAfter(t, -1n, 4n)).toBe(0n);
    });
  }
});

describe('CNTx_TVAL_EL0: (CVAL - count)[31:0] on reads, CVAL = count + SignExtend(TVAL[31:0]) on writes (Arm ARM D11.2.4)', () => {
  for (const [name, t] of [['CNTP', P], ['CNTV', V]] as const) {
    it(`${name}: reads`, () => {
      // CVAL written at count 1000, TVAL read at count 1001.
      const tval = (cval: bigint): bigint => run([msr(t.CVAL, 1), mrs(t.TVAL, 0)], [cval & M64]).x[0];
      expect(tval(1101n)).toBe(100n);
      expect(tval(1001n)).toBe(0n);
      expect(tval(996n)).toBe(0xfffffffbn); // -5, zero-extended: bits [63:32] are RES0
      expect(tval(1001n + (1n << 32n) + 7n)).toBe(7n);
    });
    it(`${name}: writes set CVAL from the count at the write`, () => {
      // TVAL written at count 1000, CVAL read next.
      const cval = (tv: bigint): bigint => run([msr(t.TVAL, 1), mrs(t.CVAL, 0)], [tv & M64]).x[0];
      expect(cval(50n)).toBe(1050n);
      expect(cval(0xffffffffn)).toBe(999n); // -1
      expect(cval(0x80000000n)).toBe((1000n - (1n << 31n)) & M64);
      expect(cval(0x1234567800000010n)).toBe(1016n); // bits [63:32] ignored
    });
    it(`${name}: a TVAL write later in a block sees the count at its own position`, () => {
      // Three MOVZ (counts 1000..1002) share the MSR's block; the write happens at count 1003.
      // Runner.run with a budget runs the block whole (run() above steps one at a time).
      const MOVZ_X5 = 0xd2800005; // movz x5, #0 (aarch64-linux-gnu-as)
      const c = cpu();
      c.cpu.x[1] = 10n;
      c.load([MOVZ_X5, MOVZ_X5, MOVZ_X5, msr(t.TVAL, 1), mrs(t.CVAL, 0)]);
      expect(c.runner.run(5)).toBe(5);
      expect(c.cpu.x[0]).toBe(1013n);
    });
    it(`${name}: a TVAL written then read counts down with the counter`, () => {
      // Write at count 1000, read at 1001 and 1002.
      const { x } = run([msr(t.TVAL, 1), mrs(t.TVAL, 0), mrs(t.TVAL, 2)], [10n]);
      expect([x[0], x[2]]).toEqual([9n, 8n]);
    });
  }
});

describe('CNTPCT_EL0 and CNTVCT_EL0', () => {
  it('both read the count (CNTVOFF is 0 without EL2); CNTPCT_EL0 is read-only', () => {
    expect(run([mrs(CNTPCT, 0), mrs(CNTVCT, 2)]).x.slice(0, 3)).toEqual([1000n, 0n, 1001n]);
    expect(run([msr(CNTPCT, 1)]).ec).toBe(0);
  });
});

describe('CNTPS_*_EL1 with EL3 (Arm ARM D17.11, CNTPS_CTL_EL1 accessibility; QEMU 7.2 agrees: the sweep)', () => {
  // In the el3 start mode the PE starts at EL3; exec() puts it at EL1 with SCR_EL3 as set.
  const at = (el: number, scr: bigint, word: number) =>
    exec(3, el, word, (c) => {
      c.x[Slot.SCR_EL3] = scr;
      c.x[1] = 0x1234n;
    });
  const esrEl3 = (c: ReturnType<typeof exec>) => Number(c.x[Slot.ESR_EL1 + 2] >> 26n);
  for (const [reg, e] of Object.entries(PS)) {
    it(`${reg}: Secure EL1 with SCR_EL3.ST = 0 traps to EL3 (EC 0x18); with ST = 1 it is accessible`, () => {
      const trapped = at(1, 0x30n, mrs(e, 0));
      expect([trapped.el, esrEl3(trapped)]).toEqual([3, 0x18]);
      expect(at(1, 0x830n, mrs(e, 0)).el).toBe(1);
    });
    it(`${reg}: Non-secure EL1 (SCR_EL3.NS = 1) is UNDEFINED even with ST = 1; EL3 is accessible`, () => {
      const ns = at(1, 0x831n, msr(e, 1));
      expect([ns.el, Number(ns.x[Slot.ESR_EL1] >> 26n)]).toEqual([1, 0]);
      expect(at(3, 0x30n, msr(e, 1)).x[Slot.PC]).toBe(BigInt(MODES_BASE + 4));
    });
  }
  it('CNTPS_CVAL_EL1 at EL3 keeps the value written', () => {
    expect(at(3, 0x30n, msr(PS.CVAL, 1)).x[Slot.CNTPS_CVAL_EL1]).toBe(0x1234n);
  });
});

describe('CNTHP_*_EL2, the EL2 physical timer (Arm ARM D17.11, CNTHP_CTL_EL2): an EL2 timer of the physical count', () => {
  const HP = { TVAL: [3, 4, 14, 2, 0], CTL: [3, 4, 14, 2, 1], CVAL: [3, 4, 14, 2, 2] } as const satisfies Record<string, Enc>;
  it('EL2: CVAL is stored, CTL keeps ENABLE/IMASK; EL1: UNDEFINED', () => {
    expect(exec(2, 2, msr(HP.CVAL, 1), (c) => void (c.x[1] = 77n)).x[Slot.CNTHP_CVAL_EL2]).toBe(77n);
    expect(exec(2, 2, msr(HP.CTL, 1), (c) => void (c.x[1] = 0xffn)).x[Slot.CNTHP_CTL_EL2]).toBe(3n);
    const el1 = exec(2, 1, mrs(HP.CTL, 0));
    expect(Number(el1.x[Slot.ESR_EL1] >> 26n)).toBe(0);
  });
  it('EL3 without EL2: RES0 from EL3 (reads 0, writes ignored)', () => {
    const c = exec(3, 3, mrs(HP.CVAL, 0), (c) => void (c.x[0] = 5n));
    expect([c.el, c.x[0]]).toEqual([3, 0n]);
  });
});

describe('CNTPS_*_EL1: UNDEFINED at Non-secure EL1 (Arm ARM D17.11; a PE without EL3 is Non-secure, as QEMU 7.2)', () => {
  for (const [reg, e] of Object.entries(PS)) {
    it(reg, () => {
      expect(run([mrs(e, 0)]).ec).toBe(0);
      expect(run([msr(e, 1)]).ec).toBe(0);
    });
  }
});

describe('EL0 access gated by CNTKCTL_EL1, trapped to EL1 with EC 0x18 (Arm ARM D17.11, CNTKCTL_EL1)', () => {
  // EL0PCTEN (bit 0): CNTPCT (and CNTFRQ); EL0VCTEN (1): CNTVCT (and CNTFRQ); EL0VTEN (8):
  // CNTV_*; EL0PTEN (9): CNTP_*.
  const cases: [string, Enc, number][] = [
    ['CNTPCT_EL0', CNTPCT, 0], ['CNTVCT_EL0', CNTVCT, 1],
    ['CNTP_CTL_EL0', P.CTL, 9], ['CNTP_CVAL_EL0', P.CVAL, 9], ['CNTP_TVAL_EL0', P.TVAL, 9],
    ['CNTV_CTL_EL0', V.CTL, 8], ['CNTV_CVAL_EL0', V.CVAL, 8], ['CNTV_TVAL_EL0', V.TVAL, 8],
  ];
  /** MRS at EL0 with CNTKCTL_EL1 = `cntkctl`: the exception class taken, or undefined. */
  function atEl0(e: Enc, cntkctl: number, write: boolean): { ec?: number; iss?: number } {
    const t = cpu();
    t.cpu.x[1] = BigInt(cntkctl);
    t.load([msr(CNTKCTL, 1)]);
    t.run(1);
    t.cpu.selectSp(0, 0);
    t.load([write ? msr(e, 2) : mrs(e, 2)]);
    t.run(1);
    if (t.cpu.el === 0) return {};
    const esr = t.cpu.x[Slot.ESR_EL1];
    return { ec: Number(esr >> 26n), iss: Number(esr & 0x1ffffffn) };
  }
  for (const [name, e, bit] of cases) {
    it(`${name}: allowed by bit ${bit} only`, () => {
      for (const other of [0, 1, 8, 9]) {
        const r = atEl0(e, 1 << other, false);
        if (other === bit) expect(r, `CNTKCTL_EL1 bit ${other}`).toEqual({});
        else expect(r.ec, `CNTKCTL_EL1 bit ${other}`).toBe(0x18);
      }
      // ISS (Arm ARM D17.2.37): Op0 [21:20], Op2 [19:17], Op1 [16:14], CRn [13:10], Rt [9:5], CRm [4:1], Direction 1 = read.
      const [op0, op1, crn, crm, op2] = e;
      expect(atEl0(e, 0, false).iss).toBe((op0 << 20) | (op2 << 17) | (op1 << 14) | (crn << 10) | (2 << 5) | (crm << 1) | 1);
    });
  }
  it('timer writes at EL0 are gated the same way', () => {
    expect(atEl0(P.CVAL, 0, true).ec).toBe(0x18);
    expect(atEl0(P.CVAL, 1 << 9, true)).toEqual({});
    expect(atEl0(V.CTL, 1 << 9, true).ec).toBe(0x18);
    expect(atEl0(V.CTL, 1 << 8, true)).toEqual({});
  });
});
