// Scalar floating-point data processing (Arm ARM C4.1.96, "Floating-point data-processing"):
// 1, 2 and 3 source, compare, conditional compare, conditional select, immediate, in half
// (FEAT_FP16), single and double precision. The operations follow the Arm ARM pseudocode in
// src/fp/softfloat.ts; single and double precision try the fast path (src/fp/fastpath.ts) first when
// FPCR.RMode is round to nearest. Every executor checks FP access first (fptrap.ts).

import type { Op, Row } from '../decoder.js';
import type { Cpu } from '../cpu.js';
import { Slot } from '../state.js';
import { checkFpAccess } from '../fptrap.js';
import { vd, vs, vw } from '../vreg.js';
import { conditionHolds } from '../alu.js';
import * as F from '../../fp/fastpath.js';
import {
  fpAdd, fpCompare, fpDiv, fpFlags, fpMul, fpMulAdd, fpRoundInt, fpSqrt, processNaNs, RM, round, rmodeOf, unpack, cmpValues, inf, zero,
  T, type Unpacked,
} from '../../fp/softfloat.js';

const FPCR = Slot.FPCR * 2;
const FPSR = Slot.FPSR * 2;
/** FPCR.RMode (bits 23:22): the fast path needs round to nearest. */
const RMODE = 3 << 22;

/** The width of ftype (00 single, 01 double, 11 half with FEAT_FP16), or 0: unallocated. */
export function widthOf(cpu: Cpu, ftype: number): number {
  if (ftype === 0) return 32;
  if (ftype === 1) return 64;
  if (ftype === 3 && cpu.model.features.FP16) return 16;
  return 0;
}

/** Reads the low `n` bits of Vn as a BigInt (slow path). */
export function getF(cpu: Cpu, n: number, reg: number): bigint {
  const w = vw(reg);
  if (n === 64) return cpu.x[vd(reg)];
  if (n === 32) return BigInt(cpu.u[w]);
  return BigInt(cpu.u[w] & 0xffff);
}

/** Writes an n-bit scalar to Vd, zeroing the rest (slow path). */
export function setF(cpu: Cpu, n: number, reg: number, v: bigint): void {
  const w = vw(reg);
  const u = cpu.u;
  if (n === 64) {
    cpu.x[vd(reg)] = v;
  } else {
    u[w] = Number(v);
    u[w + 1] = 0;
  }
  u[w + 2] = 0;
  u[w + 3] = 0;
}

export type Bin = (n: number, a: bigint, b: bigint, fpcr: number) => bigint;

/** FPMax/FPMin (`max`), and FPMaxNum/FPMinNum (`num`: a single quiet NaN is treated as ∓infinity). */
export function minMax(max: boolean, num: boolean): Bin {
  return (n, ab, bb, fpcr) => {
    let a = unpack(n, ab, fpcr);
    let b = unpack(n, bb, fpcr);
    if (num) {
      const ninf: Unpacked = { t: T.INF, s: max ? 1 : 0, m: 0n, e: 0 };
      if (a.t === T.QNAN && b.t !== T.QNAN) {
        a = ninf;
        ab = inf(n, ninf.s);
      } else if (a.t !== T.QNAN && b.t === T.QNAN) {
        b = ninf;
        bb = inf(n, ninf.s);
      }
    }
    const nan = processNaNs(n, a, ab, b, bb, fpcr);
    if (nan !== null) return nan;
    const c = cmpValues(a, b);
    const x = max ? (c > 0 ? a : b) : c < 0 ? a : b;
    if (x.t === T.INF) return inf(n, x.s);
    if (x.t === T.ZERO) return zero(n, max ? a.s & b.s : a.s | b.s);
    return round(n, x.s, x.m, x.e, fpcr, rmodeOf(fpcr));
  };
}

const neg = (n: number, v: bigint): bigint => v ^ (1n << BigInt(n - 1));

/** The 2-source operations by opcode; FNMUL (8) negates the product, NaN included. */
const BIN: (Bin | undefined)[] = [
  (n, a, b, c) => fpMul(n, a, b, c),
  fpDiv,
  (n, a, b, c) => fpAdd(n, a, b, c),
  (n, a, b, c) => fpAdd(n, a, b, c, true),
  minMax(true, false),
  minMax(false, false),
  minMax(true, true),
  minMax(false, true),
  (n, a, b, c) => neg(n, fpMul(n, a, b, c)),
];

function build2(cpu: Cpu, n: number, opcode: number, rd: number, rn: number, rm: number): Op | null {
  const fn = BIN[opcode];
  if (!fn) return null;
  const u = cpu.u;
  const f64 = cpu.f64;
  const slow = (): void => {
    fpFlags.v = 0;
    const r = fn(n, getF(cpu, n, rn), getF(cpu, n, rm), u[FPCR]);
    setF(cpu, n, rd, r);
    u[FPSR] |= fpFlags.v;
  };
  // Single and double precision have a fast path (half takes the soft path).
  if (n === 16) {
    return () => {
      if (!cpu.fpEnabled) checkFpAccess(cpu);
      slow();
    };
  }
  return n === 64 ? fast2d(cpu, opcode, rd, rn, rm, slow) : fast2s(cpu, opcode, rd, rn, rm, slow);
}

// One closure literal per operation and width, so that each call site sees one fast-path function.

function fast2d(cpu: Cpu, opcode: number, rd: number, rn: number, rm: number, slow: () => void): Op {
  const u = cpu.u;
  const f64 = cpu.f64;
  const a = vd(rn);
  const b = vd(rm);
  const d = vd(rd);
  switch (opcode) {
    case 0:
    case 8: {
      const negP = opcode === 8; // FNMUL: the exact sign flip of the rounded product
      return () => {
        if (!cpu.fpEnabled) checkFpAccess(cpu);
        const k = (u[FPCR] & RMODE) === 0 ? F.mulAt(f64, a, b, d, (u[FPSR] & 16) === 0) : 0;
        if (k === 0) return slow();
        if (negP) f64[d] = -f64[d];
        if (k === 2) u[FPSR] |= 16;
      };
    }
    case 1:
      return () => {
        if (!cpu.fpEnabled) checkFpAccess(cpu);
        const k = (u[FPCR] & RMODE) === 0 ? F.divAt(f64, a, b, d, (u[FPSR] & 16) === 0) : 0;
        if (k === 0) slow();
        else if (k === 2) u[FPSR] |= 16;
      };
    case 2:
    case 3: {
      const negB = opcode === 3;
      return () => {
        if (!cpu.fpEnabled) checkFpAccess(cpu);
        const k = (u[FPCR] & RMODE) === 0 ? F.addAt(f64, a, b, negB, d, (u[FPSR] & 16) === 0) : 0;
        if (k === 0) slow();
        else if (k === 2) u[FPSR] |= 16;
      };
    }
    default: {
      // FMAX, FMIN, FMAXNM, FMINNM: exact on normal or zero operands in any rounding mode, no flags.
      const max = (opcode & 1) === 0;
      return () => {
        if (!cpu.fpEnabled) checkFpAccess(cpu);
        if (F.max64At(f64, a, b, max, d) === 0) slow();
      };
    }
  }
}

function fast2s(cpu: Cpu, opcode: number, rd: number, rn: number, rm: number, slow: () => void): Op {
  const u = cpu.u;
  const f32 = cpu.f32;
  const a = vs(rn);
  const b = vs(rm);
  const d = vs(rd);
  switch (opcode) {
    case 0:
    case 8: {
      const negP = opcode === 8;
      return () => {
        if (!cpu.fpEnabled) checkFpAccess(cpu);
        const k = (u[FPCR] & RMODE) === 0 ? F.mul32At(f32, a, b, d, (u[FPSR] & 16) === 0) : 0;
        if (k === 0) return slow();
        if (negP) f32[d] = -f32[d];
        if (k === 2) u[FPSR] |= 16;
      };
    }
    case 1:
      return () => {
        if (!cpu.fpEnabled) checkFpAccess(cpu);
        const k = (u[FPCR] & RMODE) === 0 ? F.div32At(f32, a, b, d, (u[FPSR] & 16) === 0) : 0;
        if (k === 0) slow();
        else if (k === 2) u[FPSR] |= 16;
      };
    case 2:
    case 3: {
      const negB = opcode === 3;
      return () => {
        if (!cpu.fpEnabled) checkFpAccess(cpu);
        const k = (u[FPCR] & RMODE) === 0 ? F.add32At(f32, a, b, negB, d, (u[FPSR] & 16) === 0) : 0;
        if (k === 0) slow();
        else if (k === 2) u[FPSR] |= 16;
      };
    }
    default: {
      const max = (opcode & 1) === 0;
      return () => {
        if (!cpu.fpEnabled) checkFpAccess(cpu);
        if (F.max32At(f32, a, b, max, d) === 0) slow();
      };
    }
  }
}

function build3(cpu: Cpu, n: number, o1: number, o0: number, rd: number, rn: number, rm: number, ra: number): Op {
  const u = cpu.u;
  const f64 = cpu.f64;
  const negA = o1 === 1; // FNMADD, FNMSUB
  const neg1 = o1 !== o0; // FMSUB, FNMADD
  const slow = (): void => {
    fpFlags.v = 0;
    let c = getF(cpu, n, ra);
    let a = getF(cpu, n, rn);
    if (negA) c = neg(n, c);
    if (neg1) a = neg(n, a);
    const r = fpMulAdd(n, c, a, getF(cpu, n, rm), u[FPCR]);
    setF(cpu, n, rd, r);
    u[FPSR] |= fpFlags.v;
  };
  if (n === 16) {
    return () => {
      if (!cpu.fpEnabled) checkFpAccess(cpu);
      slow();
    };
  }
  if (n === 32) {
    const f32 = cpu.f32;
    const sa = vs(ra);
    const s1 = vs(rn);
    const s2 = vs(rm);
    const sd = vs(rd);
    return () => {
      if (!cpu.fpEnabled) checkFpAccess(cpu);
      const k = (u[FPCR] & RMODE) === 0 ? F.fma32At(f32, sa, s1, s2, negA, neg1, sd, (u[FPSR] & 16) === 0) : 0;
      if (k === 0) slow();
      else if (k === 2) u[FPSR] |= 16;
    };
  }
  const ia = vd(ra);
  const i1 = vd(rn);
  const i2 = vd(rm);
  const d = vd(rd);
  return () => {
    if (!cpu.fpEnabled) checkFpAccess(cpu);
    const k = (u[FPCR] & RMODE) === 0 ? F.fmaAt(f64, ia, i1, i2, negA, neg1, d, (u[FPSR] & 16) === 0) : 0;
    if (k === 0) slow();
    else if (k === 2) u[FPSR] |= 16;
  };
}

/** VFPExpandImm (Arm ARM J1): the 8-bit immediate of FMOV (immediate) as an n-bit value. */
export function vfpExpandImm(n: number, imm8: number): bigint {
  const e = n === 16 ? 5 : n === 32 ? 8 : 11;
  const f = n - e - 1;
  const sign = BigInt((imm8 >> 7) & 1);
  const b6 = (imm8 >> 6) & 1;
  // exp = NOT(imm8<6>) : Replicate(imm8<6>, E-3) : imm8<5:4>
  let exp = (b6 ^ 1) << (e - 1);
  if (b6) exp |= ((1 << (e - 3)) - 1) << 2;
  exp |= (imm8 >> 4) & 3;
  const frac = BigInt(imm8 & 15) << BigInt(f - 4);
  return (sign << BigInt(n - 1)) | (BigInt(exp) << BigInt(f)) | frac;
}

/** FRINT*: `rm` the instruction's rounding, or -1 for FPCR.RMode. */
function frint(cpu: Cpu, n: number, rd: number, rn: number, rm: number, exact: boolean, intsize: number): Op {
  const u = cpu.u;
  return () => {
    if (!cpu.fpEnabled) checkFpAccess(cpu);
    fpFlags.v = 0;
    const fpcr = u[FPCR];
    setF(cpu, n, rd, fpRoundInt(n, getF(cpu, n, rn), fpcr, rm < 0 ? rmodeOf(fpcr) : (rm as RM), exact, intsize));
    u[FPSR] |= fpFlags.v;
  };
}

export const FP_DP_ROWS: Row[] = [
  {
    name: 'FP_2src',
    pattern: '000 11110 ftype:2 1 rm:5 opcode:4 10 rn:5 rd:5',
    build: (f, c) => {
      const n = widthOf(c.cpu, f.ftype);
      if (!n || f.opcode > 8) return null;
      return build2(c.cpu, n, f.opcode, f.rd, f.rn, f.rm);
    },
  },
  {
    name: 'FP_3src',
    pattern: '000 11111 ftype:2 o1:1 rm:5 o0:1 ra:5 rn:5 rd:5',
    build: (f, c) => {
      const n = widthOf(c.cpu, f.ftype);
      if (!n) return null;
      return build3(c.cpu, n, f.o1, f.o0, f.rd, f.rn, f.rm, f.ra);
    },
  },
  {
    // FMOV, FABS, FNEG (no exceptions, NaNs included), FSQRT
    name: 'FP_1src_basic',
    pattern: '000 11110 ftype:2 1 0000 opc:2 10000 rn:5 rd:5',
    build: (f, c) => {
      const cpu = c.cpu;
      const n = widthOf(cpu, f.ftype);
      if (!n) return null;
      const u = cpu.u;
      const f64 = cpu.f64;
      const s = vw(f.rn);
      const d = vw(f.rd);
      const signWord = n === 64 ? 1 : 0;
      const signBit = n === 16 ? 0x8000 : 0x80000000 | 0;
      const keep = n === 16 ? 0xffff : -1;
      if (f.opc === 3) {
        const a = vd(f.rn);
        const dd = vd(f.rd);
        const f32 = cpu.f32;
        const sa = vs(f.rn);
        const sd = vs(f.rd);
        const rn = f.rn;
        const rd = f.rd;
        return () => {
          if (!cpu.fpEnabled) checkFpAccess(cpu);
          const k = (u[FPCR] & RMODE) !== 0 || n === 16 ? 0
            : n === 64 ? F.sqrtAt(f64, a, dd, (u[FPSR] & 16) === 0)
              : F.sqrt32At(f32, sa, sd, (u[FPSR] & 16) === 0);
          if (k !== 0) {
            if (k === 2) u[FPSR] |= 16;
            return;
          }
          fpFlags.v = 0;
          setF(cpu, n, rd, fpSqrt(n, getF(cpu, n, rn), u[FPCR]));
          u[FPSR] |= fpFlags.v;
        };
      }
      const opc = f.opc;
      return () => {
        if (!cpu.fpEnabled) checkFpAccess(cpu);
        const lo = u[s] & keep;
        const hi = n === 64 ? u[s + 1] : 0;
        u[d] = lo;
        u[d + 1] = hi;
        u[d + 2] = 0;
        u[d + 3] = 0;
        if (opc === 1) u[d + signWord] &= ~signBit;
        else if (opc === 2) u[d + signWord] ^= signBit;
      };
    },
  },
  {
    // FRINTN (000), P (001), M (010), Z (011), A (100), X (110: FPCR, exact), I (111: FPCR)
    name: 'FRINT',
    pattern: '000 11110 ftype:2 1 001 rmode:3 10000 rn:5 rd:5',
    build: (f, c) => {
      const cpu = c.cpu;
      const n = widthOf(cpu, f.ftype);
      if (!n || f.rmode === 5) return null;
      const fixed = f.rmode < 5 ? ([RM.TIEEVEN, RM.POSINF, RM.NEGINF, RM.ZERO, RM.TIEAWAY] as const)[f.rmode] : -1;
      const exact = f.rmode === 6;
      return frint(cpu, n, f.rd, f.rn, fixed, exact, 0);
    },
  },
  {
    // FRINT32Z (00), FRINT32X (01), FRINT64Z (10), FRINT64X (11): FEAT_FRINTTS, S and D only
    name: 'FRINTTS',
    pattern: '000 11110 ftype:2 1 0100 op:2 10000 rn:5 rd:5',
    build: (f, c) => {
      const cpu = c.cpu;
      if (!cpu.model.features.FRINTTS || f.ftype > 1) return null;
      const n = f.ftype === 0 ? 32 : 64;
      return frint(cpu, n, f.rd, f.rn, (f.op & 1) === 0 ? RM.ZERO : -1, true, f.op & 2 ? 64 : 32);
    },
  },
  {
    name: 'FMOV_imm',
    pattern: '000 11110 ftype:2 1 imm8:8 100 00000 rd:5',
    build: (f, c) => {
      const cpu = c.cpu;
      const n = widthOf(cpu, f.ftype);
      if (!n) return null;
      const v = vfpExpandImm(n, f.imm8);
      const lo = Number(v & 0xffffffffn) | 0;
      const hi = Number(v >> 32n) | 0;
      const u = cpu.u;
      const d = vw(f.rd);
      return () => {
        if (!cpu.fpEnabled) checkFpAccess(cpu);
        u[d] = lo;
        u[d + 1] = hi;
        u[d + 2] = 0;
        u[d + 3] = 0;
      };
    },
  },
  {
    // FCMP, FCMPE (opc<1>: E), with zero (opc<0>); Rm is ignored in the zero forms
    name: 'FCMP',
    pattern: '000 11110 ftype:2 1 rm:5 00 1000 rn:5 opc:2 000',
    build: (f, c) => {
      const cpu = c.cpu;
      const n = widthOf(cpu, f.ftype);
      if (!n) return null;
      const u = cpu.u;
      const withZero = (f.opc & 1) === 1;
      const e = (f.opc & 2) !== 0;
      const f64 = cpu.f64;
      const a = vd(f.rn);
      const b = vd(f.rm);
      const rn = f.rn;
      const rm = f.rm;
      return () => {
        if (!cpu.fpEnabled) checkFpAccess(cpu);
        if (n === 64) {
          const x = f64[a];
          const y = withZero ? 0 : f64[b];
          if (F.ok(x) && F.ok(y)) {
            cpu.nzcv = x === y ? 0x60000000 : x < y ? 0x80000000 : 0x20000000;
            return;
          }
        }
        fpFlags.v = 0;
        const flags = fpCompare(n, getF(cpu, n, rn), withZero ? 0n : getF(cpu, n, rm), e, u[FPCR]);
        cpu.nzcv = flags << 28;
        u[FPSR] |= fpFlags.v;
      };
    },
  },
  {
    // FCCMP, FCCMPE (op: E)
    name: 'FCCMP',
    pattern: '000 11110 ftype:2 1 rm:5 cond:4 01 rn:5 op:1 nzcv:4',
    build: (f, c) => {
      const cpu = c.cpu;
      const n = widthOf(cpu, f.ftype);
      if (!n) return null;
      const u = cpu.u;
      const { cond, rn, rm, nzcv } = f;
      const e = f.op === 1;
      return () => {
        if (!cpu.fpEnabled) checkFpAccess(cpu);
        if (!conditionHolds(cpu, cond)) {
          cpu.nzcv = nzcv << 28;
          return;
        }
        fpFlags.v = 0;
        cpu.nzcv = fpCompare(n, getF(cpu, n, rn), getF(cpu, n, rm), e, u[FPCR]) << 28;
        u[FPSR] |= fpFlags.v;
      };
    },
  },
  {
    name: 'FCSEL',
    pattern: '000 11110 ftype:2 1 rm:5 cond:4 11 rn:5 rd:5',
    build: (f, c) => {
      const cpu = c.cpu;
      const n = widthOf(cpu, f.ftype);
      if (!n) return null;
      const u = cpu.u;
      const s1 = vw(f.rn);
      const s2 = vw(f.rm);
      const d = vw(f.rd);
      const cond = f.cond;
      const keep = n === 16 ? 0xffff : -1;
      return () => {
        if (!cpu.fpEnabled) checkFpAccess(cpu);
        const s = conditionHolds(cpu, cond) ? s1 : s2;
        const lo = u[s] & keep;
        const hi = n === 64 ? u[s + 1] : 0;
        u[d] = lo;
        u[d + 1] = hi;
        u[d + 2] = 0;
        u[d + 3] = 0;
      };
    },
  },
];
