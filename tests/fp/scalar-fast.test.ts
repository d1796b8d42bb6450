// The scalar single-precision fast path of src/cpu/insns/fp_dp.ts (FADD .. FMINNM on S
// registers, through fastpath.ts's *32At forms). Expected values:
//  - the hand-worked cases follow from IEEE 754-2019 round to nearest even (§4.3.1) and the
//    Arm ARM's FPMulAdd (one rounding) and FNMADD/FNMSUB (C7.2: -(Sa) -/+ Sn*Sm);
//  - the random cases are compared with the soft-float core (src/fp/softfloat.ts, the Arm ARM
//    pseudocode, itself checked against QEMU 7.2 by `a64emu fuzz --class fp`), results, the
//    cleared bits [127:32] of Vd and FPSR, with FPSR.IXC clear and already set.
// Encodings from aarch64-linux-gnu-as 2.40.
import { describe, expect, it } from 'vitest';
import { makeCpu } from '../cpu/harness.js';
import { Slot } from '../../src/cpu/state.js';
import { vw } from '../../src/cpu/vreg.js';
import { fpAdd, fpDiv, fpFlags, fpMul, fpMulAdd, fpSqrt } from '../../src/fp/softfloat.js';
import { minMax } from '../../src/cpu/insns/fp_dp.js';

const IXC = 16;
const FPSR = Slot.FPSR * 2;
const FPCR = Slot.FPCR * 2;
const NEG = 0x80000000n;
const neg = (v: bigint): bigint => v ^ NEG;

/** [name, encoding with Sd = s3, Sn = s1, Sm = s2, Sa = s4, reference (n, m, a)]. */
const OPS: [string, number, (n: bigint, m: bigint, a: bigint) => bigint][] = [
  ['fadd', 0x1e222823, (n, m) => fpAdd(32, n, m, 0)],
  ['fsub', 0x1e223823, (n, m) => fpAdd(32, n, m, 0, true)],
  ['fmul', 0x1e220823, (n, m) => fpMul(32, n, m, 0)],
  ['fnmul', 0x1e228823, (n, m) => neg(fpMul(32, n, m, 0))],
  ['fdiv', 0x1e221823, (n, m) => fpDiv(32, n, m, 0)],
  ['fsqrt', 0x1e21c023, (n) => fpSqrt(32, n, 0)],
  ['fmadd', 0x1f021023, (n, m, a) => fpMulAdd(32, a, n, m, 0)],
  ['fmsub', 0x1f029023, (n, m, a) => fpMulAdd(32, a, neg(n), m, 0)],
  ['fnmadd', 0x1f221023, (n, m, a) => fpMulAdd(32, neg(a), neg(n), m, 0)],
  ['fnmsub', 0x1f229023, (n, m, a) => fpMulAdd(32, neg(a), n, m, 0)],
  ['fmax', 0x1e224823, (n, m) => minMax(true, false)(32, n, m, 0)],
  ['fmin', 0x1e225823, (n, m) => minMax(false, false)(32, n, m, 0)],
  ['fmaxnm', 0x1e226823, (n, m) => minMax(true, true)(32, n, m, 0)],
  ['fminnm', 0x1e227823, (n, m) => minMax(false, true)(32, n, m, 0)],
];
const ENC = Object.fromEntries(OPS.map(([k, e]) => [k, e]));

function setup() {
  const t = makeCpu({ model: 'max' });
  t.cpu.x[Slot.CPACR_EL1] = 3n << 20n;
  t.cpu.contextChanged();
  const u = t.cpu.u;
  /** Runs `insn` on Sn = n, Sm = m, Sa = a (bit patterns), Vd's upper bits junk; returns [Sd, FPSR]. */
  const run = (insn: number, n: number, m: number, a: number, fpsr = 0): [number, number] => {
    u[vw(1)] = n;
    u[vw(2)] = m;
    u[vw(4)] = a;
    const d = vw(3);
    u[d] = 0x12345678;
    u[d + 1] = u[d + 2] = u[d + 3] = 0xdeadbeef;
    u[FPSR] = fpsr;
    u[FPCR] = 0;
    t.load([insn]);
    t.run(1);
    expect([u[d + 1], u[d + 2], u[d + 3]], 'bits [127:32] of Vd cleared').toEqual([0, 0, 0]);
    return [u[d] >>> 0, u[FPSR]];
  };
  return run;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const bitsOf = (x: number): number => ((f32[0] = x), u32[0]);

describe('scalar single-precision FP fast path', () => {
  const run = setup();
  it('hand-worked values', () => {
    // 1 + 2^-24 lies halfway between 1 and 1 + 2^-23: ties to even give 1.0, inexact.
    expect(run(ENC.fadd, 0x3f800000, 0x33800000, 0)).toEqual([0x3f800000, IXC]);
    // 1 / 3 = 0x3eaaaaab (0.333333343...) rounded to nearest, inexact.
    expect(run(ENC.fdiv, 0x3f800000, 0x40400000, 0)).toEqual([0x3eaaaaab, IXC]);
    // sqrt(2.25) = 1.5 exactly: no flags.
    expect(run(ENC.fsqrt, 0x40100000, 0, 0)).toEqual([0x3fc00000, 0]);
    // FNMADD: -(1) - 1.5 * 2 = -4 exactly.
    expect(run(ENC.fnmadd, 0x3fc00000, 0x40000000, 0x3f800000)).toEqual([0xc0800000, 0]);
    // FNMUL: -(1.5 * 2) = -3; FMSUB: 1 - 1.5 * 2 = -2.
    expect(run(ENC.fnmul, 0x3fc00000, 0x40000000, 0)).toEqual([0xc0400000, 0]);
    expect(run(ENC.fmsub, 0x3fc00000, 0x40000000, 0x3f800000)).toEqual([0xc0000000, 0]);
    // FMAX(+0, -0) = +0, FMIN(+0, -0) = -0 (FPMax/FPMin zero rules).
    expect(run(ENC.fmax, 0, 0x80000000, 0)).toEqual([0, 0]);
    expect(run(ENC.fmin, 0, 0x80000000, 0)).toEqual([0x80000000, 0]);
    // (1 + 2^-23) * (1 - 2^-24) = 1 + 2^-24 - 2^-47, rounded once by FMADD with a = -1:
    // 2^-24 - 2^-47 exactly (0x337fffff... needs 24 bits: 2^-24 * (1 - 2^-23)), no IXC.
    expect(run(ENC.fmadd, 0x3f800001, 0x3f7fffff, 0xbf800000)).toEqual([bitsOf(2 ** -24 - 2 ** -47), 0]);
  });
  it('random normal operands agree with the soft-float core, IXC clear and set', () => {
    let seed = 12345;
    const rnd = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const val = (): number => {
      const m = Math.floor(rnd() * 2 ** Math.floor(rnd() * 25)) + 1;
      return bitsOf((rnd() < 0.5 ? -1 : 1) * m * 2 ** Math.floor(rnd() * 80 - 40));
    };
    for (let i = 0; i < 400; i++) {
      const [n, m, a] = [val(), val(), rnd() < 0.1 ? 0 : val()];
      for (const [name, enc, ref] of OPS) {
        const n1 = name === 'fsqrt' ? n & 0x7fffffff : n;
        fpFlags.v = 0;
        const want = Number(ref(BigInt(n1), BigInt(m), BigInt(a)));
        const flags = fpFlags.v;
        expect(run(enc, n1, m, a), `${name} ${n1.toString(16)} ${m.toString(16)} ${a.toString(16)}`).toEqual([want, flags]);
        expect(run(enc, n1, m, a, IXC)).toEqual([want, flags | IXC]);
      }
    }
  });
});
