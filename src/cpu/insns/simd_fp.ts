// Advanced SIMD floating point, half (FEAT_FP16), single and double precision (Arm ARM
// C4.1.95): the FP forms of three same (FADD, FSUB, FMUL, FDIV, FMULX, FABD, FMLA, FMLS,
// FMAX/FMIN(NM), FCMEQ/GE/GT, FACGE/GT, FRECPS, FRSQRTS, the pairwise FADDP/FMAXP/FMINP/
// FMAXNMP/FMINNMP), two-register misc (FABS, FNEG, FSQRT, FRINT*, FRINT32/64*,
// FCVT{N,M,A,P,Z}{S,U}, SCVTF/UCVTF, FCM* #0, FCVTN/FCVTL/FCVTXN, FRECPE, FRSQRTE, URECPE,
// URSQRTE, FRECPX), their scalar forms, FMLA/FMLS/FMUL/FMULX by element, FMAXV/FMINV/FMAXNMV/
// FMINNMV, scalar pairwise, the fixed-point SCVTF/UCVTF/FCVTZS/FCVTZU by immediate, and
// FCMLA/FCADD. Every lane goes through the soft-float core (fp/softfloat.ts) with FPCR, its
// flags ORed into FPSR, except where fast3 tries the number fast path (fp/fastpath.ts) first.
// FRECPE/FRSQRTE/URECPE/URSQRTE, FRECPX, FRECPS/FRSQRTS and FABD are fp/estimate.ts; half precision needs FEAT_FP16, FCMLA/FCADD
// FEAT_FCMA. FMLAL/FMLSL (FEAT_FHM) are in simd_fhm.ts.
import type { Cpu } from '../cpu.js';
import type { Op, Row } from '../decoder.js';
import { FPSR, fpOp, vregs } from './simd_lanes.js';
import { Slot } from '../state.js';
import {
  fpAdd, fpCompare, fpDiv, fpFlags, fpMul, fpMulAdd, fpRoundInt, fpSqrt, RM, rmodeOf, round, T, unpack,
} from '../../fp/softfloat.js';
import { fixedToFp, fpConvert, fpToFixed } from './fp_conv.js';
import * as F from '../../fp/fastpath.js';
import { minMax, type Bin } from './fp_dp.js';
import {
  fpAbd, fpRecipEstimate, fpRecpX, fpRSqrtEstimate, fpStepFused, unsignedRecipEstimate, unsignedRSqrtEstimate,
} from '../../fp/estimate.js';

const FPCR = Slot.FPCR * 2;
/** d: Vd's lane (accumulating forms). */
type Fn3 = (n: number, a: bigint, b: bigint, d: bigint, fpcr: number) => bigint;
const out: bigint[] = new Array<bigint>(8).fill(0n);
/** FPCR.RMode (bits 23:22): the number fast path needs round to nearest. */
const RMODE = 3 << 22;
/** FPSR.IXC. */
const IXC = 16;

/** The result lanes of the fast path, before they are copied to Vd (which may be a source). */
const SCRATCH = new ArrayBuffer(16);
const S64 = new Float64Array(SCRATCH);
const S32 = new Float32Array(SCRATCH);
const SW = new Int32Array(SCRATCH);
const SD = new BigUint64Array(SCRATCH);
const SU = new Uint32Array(SCRATCH);

/** The operations with a number fast path (fp/fastpath.ts). */
const FADD = 1, FSUB = 2, FMUL = 3, FDIV = 4, FMLA = 5, FMLS = 6, FMAX = 7, FMIN = 8, FSQRT = 9;

const neg = (n: number, v: bigint): bigint => v ^ (1n << BigInt(n - 1));
const abs = (n: number, v: bigint): bigint => v & ((1n << BigInt(n - 1)) - 1n);
const ones = (n: number): bigint => (1n << BigInt(n)) - 1n;

/** The three-same FP operation of (U, a, opcode<2:0>) (opcode 11xxx), or null; fast: its number fast path. */
function op3(u: number, a: number, op: number): { fn: Fn3; pair?: boolean; acc?: boolean; fast?: number } | null {
  const k = (u << 4) | (a << 3) | op;
  const b2 = (f: Bin): Fn3 => (n, x, y, _d, c) => f(n, x, y, c);
  const cmp = (signal: boolean, absolute: boolean, test: (r: number) => boolean): Fn3 => (n, x, y, _d, c) =>
    test(fpCompare(n, absolute ? abs(n, x) : x, absolute ? abs(n, y) : y, signal, c)) ? ones(n) : 0n;
  switch (k) {
    case 0b00000: return { fn: b2(minMax(true, true)), fast: FMAX }; // FMAXNM
    case 0b00001: return { fn: (n, x, y, d, c) => fpMulAdd(n, d, x, y, c), acc: true, fast: FMLA }; // FMLA
    case 0b00010: return { fn: b2((n, x, y, c) => fpAdd(n, x, y, c)), fast: FADD }; // FADD
    case 0b00011: return { fn: b2((n, x, y, c) => fpMul(n, x, y, c, true)), fast: FMUL }; // FMULX (FMUL but for 0 * inf)
    case 0b00100: return { fn: cmp(false, false, (r) => r === 0x6) }; // FCMEQ
    case 0b00110: return { fn: b2(minMax(true, false)), fast: FMAX }; // FMAX
    case 0b00111: return { fn: b2((n, x, y, c) => fpStepFused(n, x, y, c, false)) }; // FRECPS
    case 0b01000: return { fn: b2(minMax(false, true)), fast: FMIN }; // FMINNM
    case 0b01001: return { fn: (n, x, y, d, c) => fpMulAdd(n, d, neg(n, x), y, c), acc: true, fast: FMLS }; // FMLS
    case 0b01010: return { fn: b2((n, x, y, c) => fpAdd(n, x, y, c, true)), fast: FSUB }; // FSUB
    case 0b01110: return { fn: b2(minMax(false, false)), fast: FMIN }; // FMIN
    case 0b01111: return { fn: b2((n, x, y, c) => fpStepFused(n, x, y, c, true)) }; // FRSQRTS
    case 0b10000: return { fn: b2(minMax(true, true)), pair: true }; // FMAXNMP
    case 0b10010: return { fn: b2((n, x, y, c) => fpAdd(n, x, y, c)), pair: true }; // FADDP
    case 0b10011: return { fn: b2((n, x, y, c) => fpMul(n, x, y, c)), fast: FMUL }; // FMUL
    case 0b10100: return { fn: cmp(true, false, (r) => r === 0x6 || r === 0x2) }; // FCMGE
    case 0b10101: return { fn: cmp(true, true, (r) => r === 0x6 || r === 0x2) }; // FACGE
    case 0b10110: return { fn: b2(minMax(true, false)), pair: true }; // FMAXP
    case 0b10111: return { fn: b2(fpDiv), fast: FDIV }; // FDIV
    case 0b11000: return { fn: b2(minMax(false, true)), pair: true }; // FMINNMP
    case 0b11010: return { fn: b2(fpAbd) }; // FABD
    case 0b11100: return { fn: cmp(true, false, (r) => r === 0x2) }; // FCMGT
    case 0b11101: return { fn: cmp(true, true, (r) => r === 0x2) }; // FACGT
    case 0b11110: return { fn: b2(minMax(false, false)), pair: true }; // FMINP
    default: return null;
  }
}

/** Lane accessors for n-bit lanes. */
function lanes(cpu: Cpu, n: number) {
  const V = vregs(cpu);
  const get =
    n === 16 ? (t: number, e: number): bigint => BigInt(V.h[t * 8 + e])
    : n === 32 ? (t: number, e: number): bigint => BigInt(V.s[t * 4 + e])
    : (t: number, e: number): bigint => V.d[t * 2 + e];
  const set =
    n === 16 ? (t: number, e: number, v: bigint): void => { V.h[t * 8 + e] = Number(v); }
    : n === 32 ? (t: number, e: number, v: bigint): void => { V.s[t * 4 + e] = Number(v); }
    : (t: number, e: number, v: bigint): void => { V.d[t * 2 + e] = v; };
  return { get, set, w: V.i, b: V.b };
}

/** Applies fn to `count` lanes (or pairs of Vm:Vn), writing `bytes` of Vd and clearing the rest. */
function apply3(cpu: Cpu, n: number, bytes: number, pair: boolean, rd: number, rn: number, rm: number, fn: Fn3, idx = -1): Op {
  const { get, set, b } = lanes(cpu, n);
  const u = cpu.u;
  const count = (bytes * 8) / n;
  const half = count >> 1;
  return fpOp(cpu, () => {
    fpFlags.v = 0;
    const fpcr = u[FPCR];
    for (let e = 0; e < count; e++) {
      if (pair) {
        const src = e < half ? rn : rm;
        const k = e < half ? 2 * e : 2 * (e - half);
        out[e] = fn(n, get(src, k), get(src, k + 1), 0n, fpcr);
      } else {
        out[e] = fn(n, get(rn, e), get(rm, idx < 0 ? e : idx), get(rd, e), fpcr);
      }
    }
    for (let e = 0; e < count; e++) set(rd, e, out[e]);
    for (let k = bytes; k < 16; k++) b[rd * 16 + k] = 0;
    u[FPSR] |= fpFlags.v;
  });
}

/**
 * apply3 (and apply1 for FSQRT) for single/double lanes with the number fast path: with
 * FPCR.RMode round to nearest, each lane first tries fp/fastpath.ts (normal or zero operands
 * and a normal result, where FZ and DN change nothing and IXC is the only flag), else takes
 * fn, the soft-float lane. Results go through SCRATCH, so Vd may be any source.
 */
function fast3(cpu: Cpu, kind: number, n: number, bytes: number, rd: number, rn: number, rm: number, fn: Fn3, idx = -1): Op {
  const V = vregs(cpu);
  const u = cpu.u;
  const count = (bytes * 8) / n;
  const words = bytes >> 2;
  const w = V.i;
  const wd = rd * 4;
  const mIdx = idx < 0 ? -1 : idx;
  if (n === 64) {
    const f = V.f64;
    const d = V.d;
    const max = kind === FMAX;
    const negB = kind === FSUB;
    const negA = kind === FMLS;
    return fpOp(cpu, () => {
      const fast = (u[FPCR] & RMODE) === 0;
      for (let e = 0; e < count; e++) {
        const ia = rn * 2 + e;
        const ib = rm * 2 + (mIdx < 0 ? e : mIdx);
        const ic = rd * 2 + e;
        let k = 0;
        if (fast) {
          const ix = (u[FPSR] & IXC) === 0;
          switch (kind) {
            case FADD: case FSUB: k = F.add64(f, ia, ib, negB, S64, e, ix); break;
            case FMUL: k = F.mul64(f, ia, ib, S64, e, ix); break;
            case FDIV: k = F.div64(f, ia, ib, S64, e, ix); break;
            case FMLA: case FMLS: k = F.fma64(f, ic, ia, ib, false, negA, S64, e, ix); break;
            case FSQRT: k = F.sqrt64(f, ia, S64, e, ix); break;
            default: k = F.max64(f, ia, ib, max, S64, e);
          }
        }
        if (k === 0) {
          fpFlags.v = 0;
          SD[e] = fn(64, d[ia], d[ib], d[ic], u[FPCR]);
          u[FPSR] |= fpFlags.v;
        } else if (k === 2) {
          u[FPSR] |= IXC;
        }
      }
      for (let k = 0; k < words; k++) w[wd + k] = SW[k];
      for (let k = words; k < 4; k++) w[wd + k] = 0;
    });
  }
  const f = V.f32;
  const s = V.s;
  const max = kind === FMAX;
  const negB = kind === FSUB;
  const negA = kind === FMLS;
  return fpOp(cpu, () => {
    const fast = (u[FPCR] & RMODE) === 0;
    for (let e = 0; e < count; e++) {
      const ia = rn * 4 + e;
      const ib = rm * 4 + (mIdx < 0 ? e : mIdx);
      const ic = rd * 4 + e;
      let k = 0;
      if (fast) {
        const ix = (u[FPSR] & IXC) === 0;
        switch (kind) {
          case FADD: case FSUB: k = F.add32(f, ia, ib, negB, S32, e, ix); break;
          case FMUL: k = F.mul32(f, ia, ib, S32, e, ix); break;
          case FDIV: k = F.div32(f, ia, ib, S32, e, ix); break;
          case FMLA: case FMLS: k = F.fma32(f, ic, ia, ib, negA, S32, e, ix); break;
          case FSQRT: k = F.sqrt32(f, ia, S32, e, ix); break;
          default: k = F.max32(f, ia, ib, max, S32, e);
        }
      }
      if (k === 0) {
        fpFlags.v = 0;
        SU[e] = Number(fn(32, BigInt(s[ia]), BigInt(s[ib]), BigInt(s[ic]), u[FPCR]));
        u[FPSR] |= fpFlags.v;
      } else if (k === 2) {
        u[FPSR] |= IXC;
      }
    }
    for (let k = 0; k < words; k++) w[wd + k] = SW[k];
    for (let k = words; k < 4; k++) w[wd + k] = 0;
  });
}

/** A one-source lane function. */
type Fn1 = (n: number, a: bigint, fpcr: number) => bigint;

function apply1(cpu: Cpu, n: number, bytes: number, rd: number, rn: number, fn: Fn1, outBits = n): Op {
  const { get, set, b } = lanes(cpu, n);
  const setOut = outBits === n ? set : lanes(cpu, outBits).set;
  const u = cpu.u;
  const count = (bytes * 8) / n;
  const outBytes = (bytes * outBits) / n;
  return fpOp(cpu, () => {
    fpFlags.v = 0;
    const fpcr = u[FPCR];
    for (let e = 0; e < count; e++) out[e] = fn(n, get(rn, e), fpcr);
    for (let e = 0; e < count; e++) setOut(rd, e, out[e]);
    for (let k = outBytes; k < 16; k++) b[rd * 16 + k] = 0;
    u[FPSR] |= fpFlags.v;
  });
}


/** FRINT32Z/X, FRINT64Z/X (FPRoundIntN; rm -1: FPCR's mode). */
const frintts = (rm: number, intsize: number): Fn1 => (n, x, c) => fpRoundInt(n, x, c, (rm < 0 ? rmodeOf(c) : rm) as RM, true, intsize);

/** The two-register misc FP lane function of (U, a, opcode), or null (vector and scalar). */
function op1(u: number, a: number, opcode: number, scalar: boolean): Fn1 | null {
  const k = (u << 6) | (a << 5) | opcode;
  const cmp0 = (signal: boolean, test: (r: number) => boolean): Fn1 => (n, x, c) => (test(fpCompare(n, x, 0n, signal, c)) ? ones(n) : 0n);
  const toInt = (unsigned: boolean, rm: RM): Fn1 => (n, x, c) => fpToFixed(n, x, 0, unsigned, c, rm, n) & ones(n);
  const rint = (rm: number, exact: boolean): Fn1 => (n, x, c) => fpRoundInt(n, x, c, (rm < 0 ? rmodeOf(c) : rm) as RM, exact);
  switch (k) {
    case 0b0011010: return toInt(false, RM.TIEEVEN); // FCVTNS
    case 0b0011011: return toInt(false, RM.NEGINF); // FCVTMS
    case 0b0011100: return toInt(false, RM.TIEAWAY); // FCVTAS
    case 0b0011101: return (n, x, c) => fixedToFp(n, BigInt.asIntN(n, x), 0, c, rmodeOf(c)); // SCVTF
    case 0b0101100: return cmp0(true, (r) => r === 0x2); // FCMGT #0
    case 0b0101101: return cmp0(false, (r) => r === 0x6); // FCMEQ #0
    case 0b0101110: return cmp0(true, (r) => r === 0x8); // FCMLT #0
    case 0b0111010: return toInt(false, RM.POSINF); // FCVTPS
    case 0b0111011: return toInt(false, RM.ZERO); // FCVTZS
    case 0b1011010: return toInt(true, RM.TIEEVEN); // FCVTNU
    case 0b1011011: return toInt(true, RM.NEGINF); // FCVTMU
    case 0b1011100: return toInt(true, RM.TIEAWAY); // FCVTAU
    case 0b1011101: return (n, x, c) => fixedToFp(n, x, 0, c, rmodeOf(c)); // UCVTF
    case 0b1101100: return cmp0(true, (r) => r === 0x6 || r === 0x2); // FCMGE #0
    case 0b1101101: return cmp0(true, (r) => r === 0x6 || r === 0x8); // FCMLE #0
    case 0b1111010: return toInt(true, RM.POSINF); // FCVTPU
    case 0b1111011: return toInt(true, RM.ZERO); // FCVTZU
    case 0b0111101: return fpRecipEstimate; // FRECPE
    case 0b1111101: return fpRSqrtEstimate; // FRSQRTE
    default:
      break;
  }
  if (scalar) {
    if (k === 0b0111111) return fpRecpX; // FRECPX
    return null;
  }
  switch (k) {
    case 0b0111100: return (n, x) => (n === 32 ? BigInt(unsignedRecipEstimate(Number(x))) : -1n); // URECPE
    case 0b1111100: return (n, x) => (n === 32 ? BigInt(unsignedRSqrtEstimate(Number(x))) : -1n); // URSQRTE
    case 0b0011110: return frintts(RM.ZERO, 32); // FRINT32Z (FEAT_FRINTTS)
    case 0b0011111: return frintts(RM.ZERO, 64); // FRINT64Z
    case 0b1011110: return frintts(-1, 32); // FRINT32X
    case 0b1011111: return frintts(-1, 64); // FRINT64X
    case 0b0011000: return rint(RM.TIEEVEN, false); // FRINTN
    case 0b0011001: return rint(RM.NEGINF, false); // FRINTM
    case 0b0101111: return (n, x) => abs(n, x); // FABS
    case 0b0111000: return rint(RM.POSINF, false); // FRINTP
    case 0b0111001: return rint(RM.ZERO, false); // FRINTZ
    case 0b1011000: return rint(RM.TIEAWAY, false); // FRINTA
    case 0b1011001: return rint(-1, true); // FRINTX
    case 0b1101111: return (n, x) => neg(n, x); // FNEG
    case 0b1111001: return rint(-1, false); // FRINTI
    case 0b1111111: return (n, x, c) => fpSqrt(n, x, c); // FSQRT
    default:
      return null;
  }
}

/** FCVTN(2) (narrow: n -> n/2 into part q) and FCVTL(2) (widen part q: n/2 -> n); n is the wide size. */
function cvtNL(cpu: Cpu, q: number, n: number, narrow: boolean, rd: number, rn: number): Op {
  const V = vregs(cpu);
  const u = cpu.u;
  const w = V.i;
  const m = n / 2;
  const count = 64 / m;
  const getN = m === 16 ? (t: number, e: number): bigint => BigInt(V.h[t * 8 + e]) : (t: number, e: number): bigint => BigInt(V.s[t * 4 + e]);
  const setN = m === 16 ? (t: number, e: number, v: bigint): void => { V.h[t * 8 + e] = Number(v); } : (t: number, e: number, v: bigint): void => { V.s[t * 4 + e] = Number(v); };
  const { get, set } = lanes(cpu, n);
  const wideCount = 128 / n;
  return fpOp(cpu, () => {
    fpFlags.v = 0;
    const fpcr = u[FPCR];
    if (narrow) {
      for (let e = 0; e < wideCount; e++) out[e] = fpConvert(n, get(rn, e), m, fpcr);
      for (let e = 0; e < wideCount; e++) setN(rd, q * wideCount + e, out[e]);
      if (!q) w[rd * 4 + 2] = w[rd * 4 + 3] = 0;
    } else {
      for (let e = 0; e < count; e++) out[e] = fpConvert(m, getN(rn, q * count + e), n, fpcr);
      for (let e = 0; e < count; e++) set(rd, e, out[e]);
    }
    u[FPSR] |= fpFlags.v;
  });
}

/** FPConvert(double -> single) with rounding to odd (FCVTXN), as fp_conv.ts's fpConvert. */
const fcvtxn: Fn1 = (_n, x, c) => {
  const a = unpack(64, x, c);
  const sm = BigInt(a.s) << 31n;
  if (a.t === T.QNAN || a.t === T.SNAN) return fpConvert(64, x, 32, c);
  if (a.t === T.INF) return sm | (0xffn << 23n);
  if (a.t === T.ZERO) return sm;
  return round(32, a.s, a.m, a.e, c, RM.ODD);
};

function cvtXN(cpu: Cpu, q: number, rd: number, rn: number): Op {
  const V = vregs(cpu);
  const u = cpu.u;
  const w = V.i;
  return fpOp(cpu, () => {
    fpFlags.v = 0;
    const c = u[FPCR];
    const r0 = fcvtxn(64, V.d[rn * 2], c);
    const r1 = fcvtxn(64, V.d[rn * 2 + 1], c);
    V.s[rd * 4 + 2 * q] = Number(r0);
    V.s[rd * 4 + 2 * q + 1] = Number(r1);
    if (!q) w[rd * 4 + 2] = w[rd * 4 + 3] = 0;
    u[FPSR] |= fpFlags.v;
  });
}

function build3(cpu: Cpu, scalar: boolean, q: number, u: number, a: number, sz: number, opcode: number, rd: number, rn: number, rm: number): Op | null {
  if ((opcode & 0b11000) !== 0b11000) return null;
  if (!scalar && sz === 1 && q === 0) return null;
  const o = op3(u, a, opcode & 7);
  if (o === null) return null;
  const n = sz ? 64 : 32;
  if (scalar) {
    // FMULX, FCMEQ, FRECPS, FRSQRTS, FCMGE, FACGE, FABD, FCMGT, FACGT
    const k = (u << 4) | (a << 3) | (opcode & 7);
    if (![0b00011, 0b00100, 0b00111, 0b01111, 0b10100, 0b10101, 0b11010, 0b11100, 0b11101].includes(k)) return null;
    if (o.fast !== undefined) return fast3(cpu, o.fast, n, n / 8, rd, rn, rm, o.fn);
    return apply3(cpu, n, n / 8, false, rd, rn, rm, o.fn);
  }
  if (o.fast !== undefined && o.pair !== true) return fast3(cpu, o.fast, n, q ? 16 : 8, rd, rn, rm, o.fn);
  return apply3(cpu, n, q ? 16 : 8, o.pair === true, rd, rn, rm, o.fn);
}

export function build2(cpu: Cpu, scalar: boolean, q: number, u: number, size: number, opcode: number, rd: number, rn: number): Op | null {
  const a = size >> 1;
  const sz = size & 1;
  if (!scalar && a === 0 && u === 0 && (opcode === 0b10110 || opcode === 0b10111)) {
    // FCVTN (sz 0: single -> half, 1: double -> single), FCVTL
    return cvtNL(cpu, q, sz ? 64 : 32, opcode === 0b10110, rd, rn);
  }
  if (u === 1 && a === 0 && opcode === 0b10110) {
    // FCVTXN(2): double -> single rounding to odd (sz = 1 only)
    if (sz === 0) return null;
    return scalar ? apply1(cpu, 64, 8, rd, rn, fcvtxn, 32) : cvtXN(cpu, q, rd, rn);
  }
  if (opcode < 0b01100) return null;
  if (!scalar && sz === 1 && q === 0) return null;
  if (!scalar && (opcode === 0b11110 || opcode === 0b11111) && a === 0 && !cpu.model.features.FRINTTS) return null;
  if (!scalar && opcode === 0b11100 && a === 1 && sz === 1) return null; // URECPE/URSQRTE: 32-bit only
  const fn = op1(u, a, opcode, scalar);
  if (fn === null) return null;
  const n = sz ? 64 : 32;
  if (!scalar && u === 1 && a === 1 && opcode === 0b11111) return fast3(cpu, FSQRT, n, q ? 16 : 8, rd, rn, rn, (nn, x, _y, _d, c) => fn(nn, x, c));
  return apply1(cpu, n, scalar ? n / 8 : q ? 16 : 8, rd, rn, fn);
}

/** FMLA/FMLS/FMUL/FMULX by element (opcode 0001, 0101, 1001 with U = 0; 1001 with U = 1). */
export function buildElem(cpu: Cpu, scalar: boolean, q: number, u: number, size: number, L: number, M: number, rm4: number, opcode: number, H: number, rd: number, rn: number): Op | null {
  if (u === 1 && (opcode & 0b1001) === 0b0001 && !scalar) {
    // FCMLA (by element), FEAT_FCMA: rot = opcode<2:1>; half: index H:L; single: index H (L = 0, Q = 1)
    if (size === 1) return H === 1 && q === 0 ? null : buildComplex(cpu, q, 1, 0b1000 | (opcode >> 1), rd, rn, (M << 4) | rm4, (H << 1) | L);
    if (size === 2 && L === 0 && q === 1) return buildComplex(cpu, q, 2, 0b1000 | (opcode >> 1), rd, rn, (M << 4) | rm4, H);
    return null;
  }
  if (size === 1) return null;
  if (size === 0 && !cpu.model.features.FP16) return null;
  const k = (u << 4) | opcode;
  let fn: Fn3;
  let kind: number;
  switch (k) {
    case 0b00001: fn = (n, x, y, d, c) => fpMulAdd(n, d, x, y, c); kind = FMLA; break;
    case 0b00101: fn = (n, x, y, d, c) => fpMulAdd(n, d, neg(n, x), y, c); kind = FMLS; break;
    case 0b01001: fn = (n, x, y, _d, c) => fpMul(n, x, y, c); kind = FMUL; break;
    case 0b11001: fn = (n, x, y, _d, c) => fpMul(n, x, y, c, true); kind = FMUL; break; // FMULX
    default: return null;
  }
  if (size === 0) {
    // half precision: index H:L:M, Rm in V0-V15
    return apply3(cpu, 16, scalar ? 2 : q ? 16 : 8, false, rd, rn, rm4, fn, (H << 2) | (L << 1) | M);
  }
  const sz = size & 1;
  if (sz === 1 && L === 1) return null;
  if (!scalar && sz === 1 && q === 0) return null;
  const index = sz ? H : (H << 1) | L;
  const rm = (M << 4) | rm4;
  const n = sz ? 64 : 32;
  return fast3(cpu, kind, n, scalar ? n / 8 : q ? 16 : 8, rd, rn, rm, fn, index);
}

/** FMAXNMV/FMAXV/FMINNMV/FMINV: single precision (U = 1, Q = 1) or half (U = 0, FEAT_FP16), Reduce()'s pairwise tree. */
export function buildAcross(cpu: Cpu, q: number, u: number, size: number, opcode: number, rd: number, rn: number): Op | null {
  // Half precision (U = 0) is size 0x in the C4.1 decode table: size<0> is ignored, as QEMU 7.2.
  if (u === 1 && (size & 1) !== 0) return null;
  if (u === 1 ? q !== 1 : !cpu.model.features.FP16) return null;
  const n = u === 1 ? 32 : 16;
  const min = size >> 1 === 1;
  let f: Bin;
  if (opcode === 0b01100) f = minMax(!min, true);
  else if (opcode === 0b01111) f = minMax(!min, false);
  else return null;
  const { get, b } = lanes(cpu, n);
  const setOut = lanes(cpu, n).set;
  const count = (q ? 128 : 64) / n;
  const uu = cpu.u;
  return fpOp(cpu, () => {
    fpFlags.v = 0;
    const c = uu[FPCR];
    for (let e = 0; e < count; e++) out[e] = get(rn, e);
    for (let k = count; k > 1; k >>= 1) for (let e = 0; e < k / 2; e++) out[e] = f(n, out[2 * e], out[2 * e + 1], c);
    const r = out[0];
    for (let k = 0; k < 16; k++) b[rd * 16 + k] = 0;
    setOut(rd, 0, r);
    uu[FPSR] |= fpFlags.v;
  });
}

/** Scalar pairwise FP (FADDP, FMAXP, FMINP, FMAXNMP, FMINNMP; U = 1 single/double). */
function buildScalarPair(cpu: Cpu, u: number, size: number, opcode: number, rd: number, rn: number): Op | null {
  // U = 0: half precision (FEAT_FP16), size 0x in the C4.1 decode table (size<0> ignored, as QEMU 7.2)
  if (u === 0 && !cpu.model.features.FP16) return null;
  const min = size >> 1 === 1;
  let f: Bin;
  switch (opcode) {
    case 0b01100: f = minMax(!min, true); break;
    case 0b01101: if (min) return null; f = (n, x, y, c) => fpAdd(n, x, y, c); break;
    case 0b01111: f = minMax(!min, false); break;
    default: return null;
  }
  const n = u === 0 ? 16 : size & 1 ? 64 : 32;
  const { get } = lanes(cpu, n);
  return apply3(cpu, n, n / 8, false, rd, rn, rn, (nn, _x, _y, _d, c) => f(nn, get(rn, 0), get(rn, 1), c));
}

/** SCVTF/UCVTF (opcode 11100) and FCVTZS/FCVTZU (11111) with fbits = 2 * esize - immh:immb. */
export function buildFixed(cpu: Cpu, scalar: boolean, q: number, u: number, immh: number, immb: number, opcode: number, rd: number, rn: number): Op | null {
  if (immh < 2 || (immh < 4 && !cpu.model.features.FP16)) return null; // immh 001x: half precision (FEAT_FP16)
  const n = immh >= 8 ? 64 : immh >= 4 ? 32 : 16;
  if (!scalar && n === 64 && q === 0) return null;
  const fbits = 2 * n - ((immh << 3) | immb);
  const unsigned = u === 1;
  let fn: Fn1;
  if (opcode === 0b11100) fn = (nn, x, c) => fixedToFp(nn, unsigned ? x : BigInt.asIntN(nn, x), fbits, c, rmodeOf(c));
  else if (opcode === 0b11111) fn = (nn, x, c) => fpToFixed(nn, x, fbits, unsigned, c, RM.ZERO, nn) & ones(nn);
  else return null;
  return apply1(cpu, n, scalar ? n / 8 : q ? 16 : 8, rd, rn, fn);
}

/** The FEAT_FP16 three same (and scalar) group: as build3 on 16-bit lanes. */
function build3h(cpu: Cpu, scalar: boolean, q: number, u: number, a: number, op: number, rd: number, rn: number, rm: number): Op | null {
  if (!cpu.model.features.FP16) return null;
  const o = op3(u, a, op);
  if (o === null) return null;
  if (scalar) {
    const k = (u << 4) | (a << 3) | op;
    if (![0b00011, 0b00100, 0b00111, 0b01111, 0b10100, 0b10101, 0b11010, 0b11100, 0b11101].includes(k)) return null;
    return apply3(cpu, 16, 2, false, rd, rn, rm, o.fn);
  }
  return apply3(cpu, 16, q ? 16 : 8, o.pair === true, rd, rn, rm, o.fn);
}

/** The FEAT_FP16 two-register misc (and scalar) group: as build2 on 16-bit lanes. */
function build2h(cpu: Cpu, scalar: boolean, q: number, u: number, a: number, opcode: number, rd: number, rn: number): Op | null {
  if (!cpu.model.features.FP16 || opcode < 0b01100) return null;
  if ((opcode === 0b11110 || opcode === 0b11111) && a === 0) return null; // FRINT32/64: no half precision form
  if (opcode === 0b11100 && a === 1) return null; // URECPE/URSQRTE: 32-bit only
  const fn = op1(u, a, opcode, scalar);
  if (fn === null) return null;
  return apply1(cpu, 16, scalar ? 2 : q ? 16 : 8, rd, rn, fn);
}

// The two-register misc, by element, across lanes and shift by immediate FP forms share their
// groups' rows (simd_2misc.ts, simd_byelem.ts, simd_across.ts, simd_shift.ts), which call the
// builders above for the encodings their integer decode leaves unallocated.
export const SIMD_FP_ROWS: Row[] = [
  { name: 'FP16_THREE_SAME', pattern: '0 q:1 u:1 01110 a:1 10 rm:5 00 op:3 1 rn:5 rd:5',
    build: (f, c) => build3h(c.cpu, false, f.q, f.u, f.a, f.op, f.rd, f.rn, f.rm) },
  { name: 'FP16_THREE_SAME_scalar', pattern: '01 u:1 11110 a:1 10 rm:5 00 op:3 1 rn:5 rd:5',
    build: (f, c) => build3h(c.cpu, true, 1, f.u, f.a, f.op, f.rd, f.rn, f.rm) },
  { name: 'FP16_TWO_MISC', pattern: '0 q:1 u:1 01110 a:1 1111 00 opcode:5 10 rn:5 rd:5',
    build: (f, c) => build2h(c.cpu, false, f.q, f.u, f.a, f.opcode, f.rd, f.rn) },
  { name: 'FP16_TWO_MISC_scalar', pattern: '01 u:1 11110 a:1 1111 00 opcode:5 10 rn:5 rd:5',
    build: (f, c) => build2h(c.cpu, true, 1, f.u, f.a, f.opcode, f.rd, f.rn) },
  { name: 'FP_THREE_SAME', pattern: '0 q:1 u:1 01110 a:1 sz:1 1 rm:5 11 op:3 1 rn:5 rd:5',
    build: (f, c) => build3(c.cpu, false, f.q, f.u, f.a, f.sz, 0b11000 | f.op, f.rd, f.rn, f.rm) },
  { name: 'FP_THREE_SAME_scalar', pattern: '01 u:1 11110 a:1 sz:1 1 rm:5 11 op:3 1 rn:5 rd:5',
    build: (f, c) => build3(c.cpu, true, 1, f.u, f.a, f.sz, 0b11000 | f.op, f.rd, f.rn, f.rm) },
  { name: 'FP_PAIR_scalar', pattern: '01 u:1 11110 size:2 11000 opcode:5 10 rn:5 rd:5',
    build: (f, c) => buildScalarPair(c.cpu, f.u, f.size, f.opcode, f.rd, f.rn) },
];

/**
 * FCADD (opcode 11r0: rot 90 or 270) and FCMLA (10rr: rot 0, 90, 180, 270), FEAT_FCMA, vector
 * (the "three same (extra)" group), on pairs (real, imaginary) of half/single/double lanes.
 */
export function buildComplex(cpu: Cpu, q: number, size: number, opcode: number, rd: number, rn: number, rm: number, index = -1): Op | null {
  if (!cpu.model.features.FCMA || size === 0 || (size === 1 && !cpu.model.features.FP16) || (size === 3 && q === 0)) return null;
  const n = 8 << size;
  // FCADD: opcode 11r0 (rot 90, 270); FCMLA: 10rr (rot 0, 90, 180, 270)
  const fcadd = (opcode & 0b1101) === 0b1100;
  if (!fcadd && (opcode & 0b1100) !== 0b1000) return null;
  const rot = fcadd ? (opcode >> 1) & 1 : opcode & 3;
  const { get, set, b } = lanes(cpu, n);
  const u = cpu.u;
  const bytes = q ? 16 : 8;
  const count = (bytes * 8) / n;
  const perSeg = 128 / n;
  return fpOp(cpu, () => {
    fpFlags.v = 0;
    const c = u[FPCR];
    for (let e = 0; e < count; e += 2) {
      // by element: the pair at `index` of Vm's 128-bit segment holding element e (as QEMU 7.2)
      const me = index < 0 ? e : e - (e % perSeg) + 2 * index;
      const mr = get(rm, me);
      const mi = get(rm, me + 1);
      if (fcadd) {
        // rot 0 (90): (re - im(m), im + re(m)); rot 1 (270): (re + im(m), im - re(m))
        const e1 = rot === 0 ? neg(n, mi) : mi;
        const e3 = rot === 0 ? mr : neg(n, mr);
        out[e] = fpAdd(n, get(rn, e), e1, c);
        out[e + 1] = fpAdd(n, get(rn, e + 1), e3, c);
      } else {
        const nr = get(rn, e);
        const ni = get(rn, e + 1);
        let e1: bigint, e2: bigint, e3: bigint, e4: bigint;
        switch (rot) {
          case 0: e1 = mr; e2 = nr; e3 = mi; e4 = nr; break;
          case 1: e1 = neg(n, mi); e2 = ni; e3 = mr; e4 = ni; break;
          case 2: e1 = neg(n, mr); e2 = nr; e3 = neg(n, mi); e4 = nr; break;
          default: e1 = mi; e2 = ni; e3 = neg(n, mr); e4 = ni;
        }
        out[e] = fpMulAdd(n, get(rd, e), e2, e1, c);
        out[e + 1] = fpMulAdd(n, get(rd, e + 1), e4, e3, c);
      }
    }
    for (let e = 0; e < count; e++) set(rd, e, out[e]);
    for (let k = bytes; k < 16; k++) b[rd * 16 + k] = 0;
    u[FPSR] |= fpFlags.v;
  });
}
