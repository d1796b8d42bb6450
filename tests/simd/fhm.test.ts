// FEAT_FHM: FMLAL, FMLAL2, FMLSL, FMLSL2 (vector and by element), src/cpu/insns/simd_fhm.ts.
// Unit tests: expected values worked out from the Arm ARM pseudocode (C7.2 FMLAL/FMLSL:
// Vpart[n, part], FPNeg of element1; FPMulAddH: the exact addend + op1 * op2 rounded once,
// FPProcessNaNs3H's order addend, op1, op2 with FPConvertNaN widening a half NaN, the
// default NaN for infinity x zero with a quiet NaN addend; FPUnpack: FZ16 flushes half inputs
// without IDC, FZ single ones with IDC). Encodings from aarch64-linux-gnu-as
// (-march=armv8.2-a+fp16fml). The differential tests run random encodings of the rows on
// qemu-system-aarch64 7.2, live (the `fuzz --class simd` tool adds random FPCR and FPSR).
import { describe, expect, it } from 'vitest';
import { SIMD_FHM_ROWS, widen } from '../../src/cpu/insns/simd_fhm.js';
import { Slot } from '../../src/cpu/state.js';
import { requireTool, TOOLS } from '../helpers/tools.js';
import { simdDiff } from './diff.js';
import { simdCpu } from './helpers.js';

/** A 128-bit value from its 16-bit elements, element 0 first. */
const halves = (...h: number[]): bigint => h.reduce((v, x, i) => v | (BigInt(x) << BigInt(16 * i)), 0n);
/** A 128-bit value from its 32-bit elements, element 0 first. */
const singles = (...s: number[]): bigint => s.reduce((v, x, i) => v | (BigInt(x >>> 0) << BigInt(32 * i)), 0n);

const FPCR_FZ = 1 << 24;
const FPCR_DN = 1 << 25;
const FPCR_FZ16 = 1 << 19;
const RMODE_RM = 2 << 22;
const IOC = 0x01;
const IXC = 0x10;
const IDC = 0x80;

function run(word: number, init: Record<number, bigint>, fpcr = 0, model = 'max') {
  const t = simdCpu(model);
  for (const [r, v] of Object.entries(init)) t.setV(Number(r), v);
  t.cpu.r[Slot.FPCR * 2] = fpcr;
  t.cpu.x[Slot.ESR_EL1] = 0xdeadn;
  t.exec(word);
  return t;
}

const SNAN_H = 0x7c01; // a half signalling NaN: any element read by mistake would show as a NaN

describe('FMLAL/FMLSL (Arm ARM pseudocode)', () => {
  it('FMLAL v0.4s, v1.4h, v2.4h: the lower four halves, one rounding (65504^2 + 1 is inexact)', () => {
    // n = 1.0, 2.0, -1.5, 65504; m = 3.0, 0.5, 2.0, 65504; d = 0.25, 1.0, 0, 1.0
    const t = run(0x4e22ec20, {
      0: singles(0x3e800000, 0x3f800000, 0, 0x3f800000),
      1: halves(0x3c00, 0x4000, 0xbe00, 0x7bff, SNAN_H, SNAN_H, SNAN_H, SNAN_H),
      2: halves(0x4200, 0x3800, 0x4000, 0x7bff, SNAN_H, SNAN_H, SNAN_H, SNAN_H),
    });
    // 3.25, 2.0, -3.0, and 4290774017 rounded to 24 bits: 4290774016 = 0x4f7fc004, IXC
    expect(t.getV(0)).toBe(singles(0x40500000, 0x40000000, 0xc0400000, 0x4f7fc004));
    expect(t.fpsr()).toBe(IXC);
  });

  it('FMLSL2 v0.2s, v1.2h, v2.2h: Vpart 1 of a 64-bit datasize is halves 2 and 3; Q = 0 clears Vd[127:64]', () => {
    const t = run(0x2ea2cc20, {
      0: singles(0x41200000, 0xc0000000, -1, -1), // 10.0, -2.0
      1: halves(SNAN_H, SNAN_H, 0x4400, 0xba00, SNAN_H, SNAN_H, SNAN_H, SNAN_H), // 4.0, -0.75
      2: halves(SNAN_H, SNAN_H, 0x3800, 0x4800, SNAN_H, SNAN_H, SNAN_H, SNAN_H), // 0.5, 8.0
    });
    // 10 - 4 * 0.5 = 8; -2 - (-0.75 * 8) = 4
    expect(t.getV(0)).toBe(singles(0x41000000, 0x40800000, 0, 0));
    expect(t.fpsr()).toBe(0);
  });

  it('FMLAL2 v0.4s: Vpart 1 of a 128-bit datasize is halves 4..7 of both sources', () => {
    // fmlal2 v0.4s, v1.4h, v2.4h
    const t = run(0x6e22cc20, {
      0: 0n,
      1: halves(SNAN_H, SNAN_H, SNAN_H, SNAN_H, 0x3c00, 0x4000, 0x4200, 0x4400), // 1, 2, 3, 4
      2: halves(SNAN_H, SNAN_H, SNAN_H, SNAN_H, 0x4000, 0x4000, 0x4000, 0xc000), // 2, 2, 2, -2
    });
    expect(t.getV(0)).toBe(singles(0x40000000, 0x40800000, 0x40c00000, 0xc1000000)); // 2, 4, 6, -8
    expect(t.fpsr()).toBe(0);
  });

  it('FMLAL v0.4s, v1.4h, v2.h[7] (by element): index H:L:M = 7; a half denormal is exact in single', () => {
    const t = run(0x4fb20820, {
      0: 0n,
      1: halves(0x3c00, 0xbc00, 0x3800, 0x0001, SNAN_H, SNAN_H, SNAN_H, SNAN_H), // 1, -1, 0.5, 2^-24
      2: halves(SNAN_H, SNAN_H, SNAN_H, SNAN_H, SNAN_H, SNAN_H, SNAN_H, 0x4000), // element 7 = 2.0
    });
    expect(t.getV(0)).toBe(singles(0x40000000, 0xc0000000, 0x3f800000, 0x34000000)); // 2, -2, 1, 2^-23
    expect(t.fpsr()).toBe(0);
  });

  it('FMLSL v0.2s, v1.2h, v15.h[1] (by element): Rm is V0-V15; FPNeg flips a NaN operand\'s sign too', () => {
    const t = run(0x0f9f4020, {
      0: singles(0x3f800000, 0x3f000000, -1, -1), // 1.0, 0.5
      1: halves(0x7e00, 0x3c00, SNAN_H, SNAN_H, SNAN_H, SNAN_H, SNAN_H, SNAN_H), // qNaN, 1.0
      15: halves(SNAN_H, 0x3c00, SNAN_H, SNAN_H, SNAN_H, SNAN_H, SNAN_H, SNAN_H), // element 1 = 1.0
    });
    // lane 0: -qNaN (0xfe00) widened by FPConvertNaN = 0xffc00000; lane 1: 0.5 - 1 = -0.5
    expect(t.getV(0)).toBe(singles(0xffc00000, 0xbf000000, 0, 0));
    expect(t.fpsr()).toBe(0);
  });

  it('NaNs: FPProcessNaNs3H takes signalling NaNs first (addend, op1, op2), then quiet ones; inf x 0 with a quiet NaN addend gives the default NaN', () => {
    const init = {
      // lane 0: qNaN addend, sNaN op1; lane 1: sNaN addend, sNaN op1; lane 2: qNaN addend, inf x 0;
      // lane 3: 1.0 + 1.0 x (-qNaN, payload 0x3f)
      0: singles(0x7fc00001, 0x7f800001, 0x7fc12345, 0x3f800000),
      1: halves(0x7d01, 0x7d01, 0x7c00, 0x3c00),
      2: halves(0x3c00, 0x3c00, 0x0000, 0xfe3f),
    };
    const t = run(0x4e22ec20, init);
    // lane 0: op1 quieted and widened (payload 0x101 << 13); lane 1: the addend quieted;
    // lane 2: default NaN; lane 3: op2 widened (sign, payload 0x3f << 13)
    expect(t.getV(0)).toBe(singles(0x7fe02000, 0x7fc00001, 0x7fc00000, 0xffc7e000));
    expect(t.fpsr()).toBe(IOC);
    // FPCR.DN: every NaN result is the default NaN
    const d = run(0x4e22ec20, init, FPCR_DN);
    expect(d.getV(0)).toBe(singles(0x7fc00000, 0x7fc00000, 0x7fc00000, 0x7fc00000));
    expect(d.fpsr()).toBe(IOC);
  });

  describe('FZ applies to the single addend (IDC), FZ16 to the half inputs (no IDC); exact zeros follow RMode', () => {
    // lane 0: 0 + 2^-24 x 1; lane 1: 2^-149 + 1 x 1; lane 2: +0 + 0 x 0; lane 3: -1 + 1 x 1
    const init = {
      0: singles(0, 0x00000001, 0, 0xbf800000),
      1: halves(0x0001, 0x3c00, 0x0000, 0x3c00),
      2: halves(0x3c00, 0x3c00, 0x0000, 0x3c00),
    };
    it('FPCR = 0: 2^-24, 1.0 with IXC, +0, +0', () => {
      const t = run(0x4e22ec20, init);
      expect(t.getV(0)).toBe(singles(0x33800000, 0x3f800000, 0, 0));
      expect(t.fpsr()).toBe(IXC);
    });
    it('FZ: the half denormal is not flushed; the single denormal addend is, with IDC (the sum is then exact)', () => {
      const t = run(0x4e22ec20, init, FPCR_FZ);
      expect(t.getV(0)).toBe(singles(0x33800000, 0x3f800000, 0, 0));
      expect(t.fpsr()).toBe(IDC);
    });
    it('FZ16: the half denormal flushes to +0 without IDC; the single addend is kept (IXC)', () => {
      const t = run(0x4e22ec20, init, FPCR_FZ16);
      expect(t.getV(0)).toBe(singles(0, 0x3f800000, 0, 0));
      expect(t.fpsr()).toBe(IXC);
    });
    it('RMode = RM: an exact zero sum is -0', () => {
      const t = run(0x4e22ec20, init, RMODE_RM);
      expect(t.getV(0)).toBe(singles(0x33800000, 0x3f800000, 0, 0x80000000));
      expect(t.fpsr()).toBe(IXC);
    });
  });

  it('FMLAL v1.4s, v1.4h, v1.4h: every source element is read before Vd is written', () => {
    // halves 0..3 = 2.0, 3.0, 0, 0 (single lane 0 = 0x42004000 = 32.0625, lane 1 = 0); lanes 2, 3 = 1.0, 2.0
    const t = run(0x4e21ec21, { 1: singles(0x42004000, 0, 0x3f800000, 0x40000000) });
    // 32.0625 + 4 = 36.0625, 0 + 9, 1 + 0, 2 + 0
    expect(t.getV(1)).toBe(singles(0x42104000, 0x41100000, 0x3f800000, 0x40000000));
  });

  it('widen: half to single bit for bit (denormals normalised, NaN payloads kept, FZ16 flushes to a signed zero)', () => {
    expect(widen(0x3c00, false)).toBe(0x3f800000);
    expect(widen(0x0001, false)).toBe(0x33800000); // 2^-24
    expect(widen(0x83ff, false)).toBe(0xb87fc000); // -(1023 * 2^-24)
    expect(widen(0x83ff, true)).toBe(0x80000000);
    expect(widen(0xfc00, false)).toBe(0xff800000);
    expect(widen(0x7d01, false)).toBe(0x7fa02000); // still signalling
  });

  it('UNDEFINED on cortex-a57 (no FEAT_FHM: ID_AA64ISAR0_EL1.FHM = 0), vector and by element', () => {
    for (const word of [0x4e22ec20, 0x6e22cc20, 0x4fb20820, 0x6f82c020]) {
      const t = run(word, { 0: 0x1234n }, 0, 'cortex-a57');
      expect(Number(t.cpu.x[Slot.ESR_EL1]), word.toString(16)).toBe(0x02000000); // EC 0, IL 1
      expect(t.getV(0)).toBe(0x1234n);
    }
  });

  it('UNDEFINED on max where the Arm ARM fixes sz = 0 (vector) or size = 10 (by element)', () => {
    // fmlal with sz = 1 (0x4e62ec20), by element with size = 11 and opcode 0000 (0x4ff20820)
    for (const word of [0x4e62ec20, 0x6e62cc20, 0x4ff20820]) {
      const t = run(word, { 0: 0x1234n });
      expect(Number(t.cpu.x[Slot.ESR_EL1]), word.toString(16)).toBe(0x02000000);
    }
  });

  it('CPACR_EL1.FPEN = 0 traps to EL1 with EC 0x07 and leaves Vd', () => {
    const t = simdCpu();
    t.cpu.r[Slot.CPACR_EL1 * 2] = 0;
    t.cpu.contextChanged();
    t.setV(0, 0x1234n);
    t.exec(0x4e22ec20);
    expect(Number(t.cpu.x[Slot.ESR_EL1] >> 26n)).toBe(0x07);
    expect(t.getV(0)).toBe(0x1234n);
  });
});

describe('FMLAL/FMLSL against QEMU 7.2 (live)', () => {
  const gens = SIMD_FHM_ROWS.map((row) => ({ row }));
  for (const [cpu, count, seed] of [['max', 3000, 61], ['cortex-a57', 400, 62]] as const) {
    it(`${count} random cases on ${cpu}, seed ${seed}`, async (ctx) => {
      requireTool(ctx, TOOLS.qemu);
      const r = await simdDiff(gens, count, seed, cpu);
      expect(r.error).toBeUndefined();
      expect(r.cases.length).toBe(count);
      expect(r.mismatches.slice(0, 5)).toEqual([]);
      // every encoding of these rows is allocated on max and UNDEFINED on cortex-a57, on both sides
      expect(r.excepted).toBe(cpu === 'max' ? 0 : count);
    }, 120_000);
  }
});
