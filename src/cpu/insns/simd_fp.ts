// Advanced SIMD floating point, single and double precision (Arm ARM C4.1.95): the FP forms of
// three same (FADD, FSUB, FMUL, FDIV, FMULX, FABD, FMLA, FMLS, FMAX/FMIN(NM), FCMEQ/GE/GT,
// FACGE/GT, FRECPS, FRSQRTS, the pairwise FADDP/FMAXP/FMINP/FMAXNMP/FMINNMP), two-register
// misc (FABS, FNEG, FSQRT, FRINT*, FCVT{N,M,A,P,Z}{S,U}, SCVTF/UCVTF, FCM* #0, FCVTN/FCVTL),
// their scalar forms, FMLA/FMLS/FMUL/FMULX by element, FMAXV/FMINV/FMAXNMV/FMINNMV, scalar
// pairwise, and the fixed-point SCVTF/UCVTF/FCVTZS/FCVTZU by immediate. Every lane goes
// through the soft-float core (fp/softfloat.ts) with FPCR, its flags ORed into FPSR.
// Not here yet: half precision (FEAT_FP16 vector forms), FRECPE/FRSQRTE/FRECPX/URECPE/URSQRTE,
// FCVTXN, FCMLA/FCADD (FEAT_FCMA), FMLAL/FMLSL (FEAT_FHM).
import type { Cpu } from '../cpu.js';
import type { Op, Row } from '../decoder.js';
import { FPSR, fpOp, vregs } from './simd_lanes.js';
import { Slot } from '../state.js';
import {
  fpAdd, fpCompare, fpDiv, fpFlags, fpMul, fpMulAdd, fpRoundInt, fpSqrt, inf, processNaNs, RM, rmodeOf, round, T, unpack, zero,
} from '../../fp/softfloat.js';
import { fixedToFp, fpConvert, fpToFixed } from './fp_conv.js';
import { minMax, type Bin } from './fp_dp.js';

const FPCR = Slot.FPCR * 2;
/** d: Vd's lane (accumulating forms). */
type Fn3 = (n: number, a: bigint, b: bigint, d: bigint, fpcr: number) => bigint;
const out: bigint[] = new Array<bigint>(4).fill(0n);

const neg = (n: number, v: bigint): bigint => v ^ (1n << BigInt(n - 1));
const abs = (n: number, v: bigint): bigint => v & ((1n << BigInt(n - 1)) - 1n);
const ones = (n: number): bigint => (1n << BigInt(n)) - 1n;

/** FPRecipStepFused (recip) / FPRSqrtStepFused: (2 - ab) or (3 - ab) / 2, one rounding. */
function stepFused(recip: boolean): Bin {
  return (n, ab, bb, fpcr) => {
    const na = neg(n, ab);
    const a = unpack(n, na, fpcr);
    const b = unpack(n, bb, fpcr);
    const nan = processNaNs(n, a, na, b, bb, fpcr);
    if (nan !== null) return nan;
    const inf1 = a.t === T.INF;
    const inf2 = b.t === T.INF;
    const z1 = a.t === T.ZERO;
    const z2 = b.t === T.ZERO;
    if ((inf1 && z2) || (z1 && inf2)) {
      // FPTwo / FPOnePointFive
      const fb = n === 32 ? 23n : 52n;
      const bias = n === 32 ? 127n : 1023n;
      return recip ? (bias + 1n) << fb : (bias << fb) | (1n << (fb - 1n));
    }
    if (inf1 || inf2) return inf(n, a.s ^ b.s);
    // exact (c + a*b) with c = 2 or 3, as m * 2^e
    const pm = z1 || z2 ? 0n : a.m * b.m;
    const pe = a.e + b.e;
    const c = recip ? 2n : 3n;
    let m: bigint;
    let e: number;
    const ps = a.s ^ b.s;
    if (pm === 0n) {
      m = c;
      e = 0;
    } else if (pe >= 0) {
      m = c + (ps ? -pm : pm) * (1n << BigInt(pe));
      e = 0;
    } else {
      m = (c << BigInt(-pe)) + (ps ? -pm : pm);
      e = pe;
    }
    if (!recip) e -= 1;
    const fpcrRm = rmodeOf(fpcr);
    if (m === 0n) return zero(n, fpcrRm === RM.NEGINF ? 1 : 0);
    return m < 0n ? round(n, 1, -m, e, fpcr, fpcrRm) : round(n, 0, m, e, fpcr, fpcrRm);
  };
}

/** The three-same FP operation of (U, a, opcode<2:0>) (opcode 11xxx), or null. */
function op3(u: number, a: number, op: number): { fn: Fn3; pair?: boolean; acc?: boolean } | null {
  const k = (u << 4) | (a << 3) | op;
  const b2 = (f: Bin): Fn3 => (n, x, y, _d, c) => f(n, x, y, c);
  const cmp = (signal: boolean, absolute: boolean, test: (r: number) => boolean): Fn3 => (n, x, y, _d, c) =>
    test(fpCompare(n, absolute ? abs(n, x) : x, absolute ? abs(n, y) : y, signal, c)) ? ones(n) : 0n;
  switch (k) {
    case 0b00000: return { fn: b2(minMax(true, true)) }; // FMAXNM
    case 0b00001: return { fn: (n, x, y, d, c) => fpMulAdd(n, d, x, y, c), acc: true }; // FMLA
    case 0b00010: return { fn: b2((n, x, y, c) => fpAdd(n, x, y, c)) }; // FADD
    case 0b00011: return { fn: b2((n, x, y, c) => fpMul(n, x, y, c, true)) }; // FMULX
    case 0b00100: return { fn: cmp(false, false, (r) => r === 0x6) }; // FCMEQ
    case 0b00110: return { fn: b2(minMax(true, false)) }; // FMAX
    case 0b00111: return { fn: b2(stepFused(true)) }; // FRECPS
    case 0b01000: return { fn: b2(minMax(false, true)) }; // FMINNM
    case 0b01001: return { fn: (n, x, y, d, c) => fpMulAdd(n, d, neg(n, x), y, c), acc: true }; // FMLS
    case 0b01010: return { fn: b2((n, x, y, c) => fpAdd(n, x, y, c, true)) }; // FSUB
    case 0b01110: return { fn: b2(minMax(false, false)) }; // FMIN
    case 0b01111: return { fn: b2(stepFused(false)) }; // FRSQRTS
    case 0b10000: return { fn: b2(minMax(true, true)), pair: true }; // FMAXNMP
    case 0b10010: return { fn: b2((n, x, y, c) => fpAdd(n, x, y, c)), pair: true }; // FADDP
    case 0b10011: return { fn: b2((n, x, y, c) => fpMul(n, x, y, c)) }; // FMUL
    case 0b10100: return { fn: cmp(true, false, (r) => r === 0x6 || r === 0x2) }; // FCMGE
    case 0b10101: return { fn: cmp(true, true, (r) => r === 0x6 || r === 0x2) }; // FACGE
    case 0b10110: return { fn: b2(minMax(true, false)), pair: true }; // FMAXP
    case 0b10111: return { fn: b2(fpDiv) }; // FDIV
    case 0b11000: return { fn: b2(minMax(false, true)), pair: true }; // FMINNMP
    case 0b11010: return { fn: b2((n, x, y, c) => abs(n, fpAdd(n, x, y, c, true))) }; // FABD
    case 0b11100: return { fn: cmp(true, false, (r) => r === 0x2) }; // FCMGT
    case 0b11101: return { fn: cmp(true, true, (r) => r === 0x2) }; // FACGT
    case 0b11110: return { fn: b2(minMax(false, false)), pair: true }; // FMINP
    default: return null;
  }
}

/** Lane accessors for n-bit lanes. */
function lanes(cpu: Cpu, n: number) {
  const V = vregs(cpu);
  const get = n === 32 ? (t: number, e: number): bigint => BigInt(V.s[t * 4 + e]) : (t: number, e: number): bigint => V.d[t * 2 + e];
  const set = n === 32 ? (t: number, e: number, v: bigint): void => { V.s[t * 4 + e] = Number(v); } : (t: number, e: number, v: bigint): void => { V.d[t * 2 + e] = v; };
  return { get, set, w: V.i };
}

/** Applies fn to `count` lanes (or pairs of Vm:Vn), writing `bytes` of Vd and clearing the rest. */
function apply3(cpu: Cpu, n: number, bytes: number, pair: boolean, rd: number, rn: number, rm: number, fn: Fn3, idx = -1): Op {
  const { get, set, w } = lanes(cpu, n);
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
    for (let k = bytes >> 2; k < 4; k++) w[rd * 4 + k] = 0;
    u[FPSR] |= fpFlags.v;
  });
}

/** A one-source lane function. */
type Fn1 = (n: number, a: bigint, fpcr: number) => bigint;

function apply1(cpu: Cpu, n: number, bytes: number, rd: number, rn: number, fn: Fn1): Op {
  const { get, set, w } = lanes(cpu, n);
  const u = cpu.u;
  const count = (bytes * 8) / n;
  return fpOp(cpu, () => {
    fpFlags.v = 0;
    const fpcr = u[FPCR];
    for (let e = 0; e < count; e++) out[e] = fn(n, get(rn, e), fpcr);
    for (let e = 0; e < count; e++) set(rd, e, out[e]);
    for (let k = bytes >> 2; k < 4; k++) w[rd * 4 + k] = 0;
    u[FPSR] |= fpFlags.v;
  });
}


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
    default:
      break;
  }
  if (scalar) return null;
  switch (k) {
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
    return apply3(cpu, n, n / 8, false, rd, rn, rm, o.fn);
  }
  return apply3(cpu, n, q ? 16 : 8, o.pair === true, rd, rn, rm, o.fn);
}

export function build2(cpu: Cpu, scalar: boolean, q: number, u: number, size: number, opcode: number, rd: number, rn: number): Op | null {
  const a = size >> 1;
  const sz = size & 1;
  if (!scalar && a === 0 && u === 0 && (opcode === 0b10110 || opcode === 0b10111)) {
    // FCVTN (sz 0: single -> half, 1: double -> single), FCVTL
    return cvtNL(cpu, q, sz ? 64 : 32, opcode === 0b10110, rd, rn);
  }
  if (opcode < 0b01100) return null;
  if (!scalar && sz === 1 && q === 0) return null;
  const fn = op1(u, a, opcode, scalar);
  if (fn === null) return null;
  const n = sz ? 64 : 32;
  return apply1(cpu, n, scalar ? n / 8 : q ? 16 : 8, rd, rn, fn);
}

/** FMLA/FMLS/FMUL/FMULX by element (opcode 0001, 0101, 1001 with U = 0; 1001 with U = 1). */
export function buildElem(cpu: Cpu, scalar: boolean, q: number, u: number, size: number, L: number, M: number, rm4: number, opcode: number, H: number, rd: number, rn: number): Op | null {
  if (size < 2) return null; // half precision (size 00) is FEAT_FP16
  const k = (u << 4) | opcode;
  let fn: Fn3;
  switch (k) {
    case 0b00001: fn = (n, x, y, d, c) => fpMulAdd(n, d, x, y, c); break;
    case 0b00101: fn = (n, x, y, d, c) => fpMulAdd(n, d, neg(n, x), y, c); break;
    case 0b01001: fn = (n, x, y, _d, c) => fpMul(n, x, y, c); break;
    case 0b11001: fn = (n, x, y, _d, c) => fpMul(n, x, y, c, true); break;
    default: return null;
  }
  const sz = size & 1;
  if (sz === 1 && L === 1) return null;
  if (!scalar && sz === 1 && q === 0) return null;
  const index = sz ? H : (H << 1) | L;
  const rm = (M << 4) | rm4;
  const n = sz ? 64 : 32;
  return apply3(cpu, n, scalar ? n / 8 : q ? 16 : 8, false, rd, rn, rm, fn, index);
}

/** FMAXNMV/FMAXV/FMINNMV/FMINV (single precision, Q = 1): a pairwise tree reduction. */
export function buildAcross(cpu: Cpu, q: number, u: number, size: number, opcode: number, rd: number, rn: number): Op | null {
  if (u !== 1 || q !== 1 || (size & 1) !== 0) return null;
  const min = size >> 1 === 1;
  let f: Bin;
  if (opcode === 0b01100) f = minMax(!min, true);
  else if (opcode === 0b01111) f = minMax(!min, false);
  else return null;
  const { get, w } = lanes(cpu, 32);
  const uu = cpu.u;
  return fpOp(cpu, () => {
    fpFlags.v = 0;
    const c = uu[FPCR];
    // Reduce(op, x, 32): halves first: (e0 op e1) op (e2 op e3)
    const lo = f(32, get(rn, 0), get(rn, 1), c);
    const hi = f(32, get(rn, 2), get(rn, 3), c);
    const r = f(32, lo, hi, c);
    w[rd * 4] = Number(BigInt.asIntN(32, r));
    w[rd * 4 + 1] = w[rd * 4 + 2] = w[rd * 4 + 3] = 0;
    uu[FPSR] |= fpFlags.v;
  });
}

/** Scalar pairwise FP (FADDP, FMAXP, FMINP, FMAXNMP, FMINNMP; U = 1 single/double). */
function buildScalarPair(cpu: Cpu, u: number, size: number, opcode: number, rd: number, rn: number): Op | null {
  if (u !== 1) return null; // U = 0: half precision (FEAT_FP16), or ADDP (integer row)
  const min = size >> 1 === 1;
  let f: Bin;
  switch (opcode) {
    case 0b01100: f = minMax(!min, true); break;
    case 0b01101: if (min) return null; f = (n, x, y, c) => fpAdd(n, x, y, c); break;
    case 0b01111: f = minMax(!min, false); break;
    default: return null;
  }
  const n = size & 1 ? 64 : 32;
  return apply3(cpu, n, n / 8, false, rd, rn, rn, (nn, _x, _y, _d, c) => f(nn, lanes0(cpu, nn, rn, 0), lanes0(cpu, nn, rn, 1), c));
}
function lanes0(cpu: Cpu, n: number, t: number, e: number): bigint {
  const V = vregs(cpu);
  return n === 32 ? BigInt(V.s[t * 4 + e]) : V.d[t * 2 + e];
}

/** SCVTF/UCVTF (opcode 11100) and FCVTZS/FCVTZU (11111) with fbits = 2 * esize - immh:immb. */
export function buildFixed(cpu: Cpu, scalar: boolean, q: number, u: number, immh: number, immb: number, opcode: number, rd: number, rn: number): Op | null {
  if (immh < 4) return null; // half precision (immh 001x: FEAT_FP16), or reserved
  const n = immh >= 8 ? 64 : 32;
  if (!scalar && n === 64 && q === 0) return null;
  const fbits = 2 * n - ((immh << 3) | immb);
  const unsigned = u === 1;
  let fn: Fn1;
  if (opcode === 0b11100) fn = (nn, x, c) => fixedToFp(nn, unsigned ? x : BigInt.asIntN(nn, x), fbits, c, rmodeOf(c));
  else if (opcode === 0b11111) fn = (nn, x, c) => fpToFixed(nn, x, fbits, unsigned, c, RM.ZERO, nn) & ones(nn);
  else return null;
  return apply1(cpu, n, scalar ? n / 8 : q ? 16 : 8, rd, rn, fn);
}

// The two-register misc, by element, across lanes and shift by immediate FP forms share their
// groups' rows (simd_2misc.ts, simd_byelem.ts, simd_across.ts, simd_shift.ts), which call the
// builders above for the encodings their integer decode leaves unallocated.
export const SIMD_FP_ROWS: Row[] = [
  { name: 'FP_THREE_SAME', pattern: '0 q:1 u:1 01110 a:1 sz:1 1 rm:5 11 op:3 1 rn:5 rd:5',
    build: (f, c) => build3(c.cpu, false, f.q, f.u, f.a, f.sz, 0b11000 | f.op, f.rd, f.rn, f.rm) },
  { name: 'FP_THREE_SAME_scalar', pattern: '01 u:1 11110 a:1 sz:1 1 rm:5 11 op:3 1 rn:5 rd:5',
    build: (f, c) => build3(c.cpu, true, 1, f.u, f.a, f.sz, 0b11000 | f.op, f.rd, f.rn, f.rm) },
  { name: 'FP_PAIR_scalar', pattern: '01 u:1 11110 size:2 11000 opcode:5 10 rn:5 rd:5',
    build: (f, c) => buildScalarPair(c.cpu, f.u, f.size, f.opcode, f.rd, f.rn) },
];
