// The reciprocal and reciprocal square root estimates and steps of the Arm ARM pseudocode
// (J1, shared/functions/float: RecipEstimate, FPRecipEstimate, RecipSqrtEstimate,
// FPRSqrtEstimate, FPRecpX, FPRecipStepFused, FPRSqrtStepFused), and FABD's FPAbs(FPSub),
// for the instructions FRECPE, FRSQRTE, FRECPX, FRECPS, FRSQRTS, FABD (scalar and vector:
// their rows are the Advanced SIMD group's), and UnsignedRecipEstimate/UnsignedRSqrtEstimate
// for URECPE/URSQRTE. Operands are n-bit patterns in BigInts; flags go
// to fpFlags.v as in softfloat.ts.

import { Fpcr, Fpsr } from '../sysregs/fp.js';
import {
  defaultNaN, fpAdd, fpFlags, inf, maxNormal, processNaN, processNaNs, RM, rmodeOf, round, T, unpack, zero,
} from './softfloat.js';

const EB = (n: number): number => (n === 16 ? 5 : n === 32 ? 8 : 11);
const FB = (n: number): number => (n === 16 ? 10 : n === 32 ? 23 : 52);

/** RecipEstimate: a in [256, 512) (0.5 <= a/512 < 1) to r in [256, 512) (1 <= r/256 < 2). */
export function recipEstimate(a: number): number {
  const a2 = a * 2 + 1;
  const b = Math.floor(2 ** 19 / a2);
  return (b + 1) >> 1;
}

/** RecipSqrtEstimate: a in [128, 512) to r in [256, 512). */
export function recipSqrtEstimate(a: number): number {
  let x: number;
  if (a < 256) x = a * 2 + 1;
  else x = ((a >> 1) << 1) * 2 + 2; // ((a >> 1) << 1 + 1) * 2
  let b = 512;
  while (x * (b + 1) * (b + 1) < 2 ** 28) b++;
  return (b + 1) >> 1;
}

/** The fraction of an n-bit value widened to 52 bits, and its biased exponent. */
function frac52(n: number, op: bigint): [bigint, number] {
  const fb = FB(n);
  const frac = (op & ((1n << BigInt(fb)) - 1n)) << BigInt(52 - fb);
  const exp = Number((op >> BigInt(fb)) & BigInt((1 << EB(n)) - 1));
  return [frac, exp];
}

/** FPRecipEstimate (FRECPE). */
export function fpRecipEstimate(n: number, op: bigint, fpcr: number): bigint {
  const a = unpack(n, op, fpcr);
  if (a.t === T.QNAN || a.t === T.SNAN) return processNaN(n, a.t, op, fpcr);
  if (a.t === T.INF) return zero(n, a.s);
  if (a.t === T.ZERO) {
    fpFlags.v |= Fpsr.DZC;
    return inf(n, a.s);
  }
  // |value| = m * 2^e; its exponent (value = 1.x * 2^ex)
  const ex = a.m.toString(2).length - 1 + a.e;
  const tiny = n === 16 ? -16 : n === 32 ? -128 : -1024;
  if (ex < tiny) {
    const rm = rmodeOf(fpcr);
    const toInf = rm === RM.TIEEVEN || (rm === RM.POSINF && a.s === 0) || (rm === RM.NEGINF && a.s === 1);
    fpFlags.v |= Fpsr.OFC | Fpsr.IXC;
    return toInf ? inf(n, a.s) : maxNormal(n, a.s);
  }
  const fz = n === 16 ? (fpcr & Fpcr.FZ16) !== 0 : (fpcr & Fpcr.FZ) !== 0;
  const big = n === 16 ? 14 : n === 32 ? 126 : 1022;
  if (fz && ex >= big) {
    fpFlags.v |= Fpsr.UFC;
    return zero(n, a.s);
  }
  let [fraction, exp] = frac52(n, op);
  if (exp === 0) {
    if (((fraction >> 51n) & 1n) === 0n) {
      exp = -1;
      fraction = (fraction & ((1n << 50n) - 1n)) << 2n;
    } else {
      fraction = (fraction & ((1n << 51n) - 1n)) << 1n;
    }
  }
  const scaled = 256 | Number((fraction >> 44n) & 0xffn);
  let resultExp = (n === 16 ? 29 : n === 32 ? 253 : 2045) - exp;
  const estimate = recipEstimate(scaled);
  let f = BigInt(estimate & 0xff) << 44n;
  if (resultExp === 0) {
    f = (1n << 51n) | (f >> 1n);
  } else if (resultExp === -1) {
    f = (1n << 50n) | (f >> 2n);
    resultExp = 0;
  }
  const fb = FB(n);
  return (BigInt(a.s) << BigInt(n - 1)) | (BigInt(resultExp) << BigInt(fb)) | (f >> BigInt(52 - fb));
}

/** FPRSqrtEstimate (FRSQRTE). */
export function fpRSqrtEstimate(n: number, op: bigint, fpcr: number): bigint {
  const a = unpack(n, op, fpcr);
  if (a.t === T.QNAN || a.t === T.SNAN) return processNaN(n, a.t, op, fpcr);
  if (a.t === T.ZERO) {
    fpFlags.v |= Fpsr.DZC;
    return inf(n, a.s);
  }
  if (a.s === 1) {
    fpFlags.v |= Fpsr.IOC;
    return defaultNaN(n);
  }
  if (a.t === T.INF) return 0n;
  let [fraction, exp] = frac52(n, op);
  if (exp === 0) {
    while (((fraction >> 51n) & 1n) === 0n) {
      fraction = (fraction << 1n) & ((1n << 52n) - 1n);
      exp--;
    }
    fraction = (fraction << 1n) & ((1n << 52n) - 1n);
  }
  const scaled = (exp & 1) === 0 ? 256 | Number((fraction >> 44n) & 0xffn) : 128 | Number((fraction >> 45n) & 0x7fn);
  const resultExp = Math.floor(((n === 16 ? 44 : n === 32 ? 380 : 3068) - exp) / 2);
  const estimate = recipSqrtEstimate(scaled);
  const fb = FB(n);
  return (BigInt(resultExp) << BigInt(fb)) | (BigInt(estimate & 0xff) << BigInt(fb - 8));
}

/** FPRecpX (FRECPX): sign, NOT(exponent) (the largest finite exponent for zero/denormals), fraction 0. */
export function fpRecpX(n: number, op: bigint, fpcr: number): bigint {
  const a = unpack(n, op, fpcr);
  if (a.t === T.QNAN || a.t === T.SNAN) return processNaN(n, a.t, op, fpcr);
  const eb = EB(n);
  const fb = FB(n);
  const exp = Number((op >> BigInt(fb)) & BigInt((1 << eb) - 1));
  const e = exp === 0 ? (1 << eb) - 2 : ~exp & ((1 << eb) - 1);
  return (BigInt(a.s) << BigInt(n - 1)) | (BigInt(e) << BigInt(fb));
}

/** A constant n-bit value: 2.0 (k = 0) or 1.5 (k = 1), positive. */
function two(n: number, k: number): bigint {
  const fb = FB(n);
  const bias = (1 << (EB(n) - 1)) - 1;
  return k === 0 ? BigInt(bias + 1) << BigInt(fb) : (BigInt(bias) << BigInt(fb)) | (1n << BigInt(fb - 1));
}

/**
 * FPRecipStepFused (FRECPS: 2 - op1 * op2) and FPRSqrtStepFused (FRSQRTS: (3 - op1 * op2) / 2),
 * one rounding; op1 is negated first (NaN included).
 */
export function fpStepFused(n: number, op1: bigint, op2: bigint, fpcr: number, rsqrt: boolean): bigint {
  const o1 = op1 ^ (1n << BigInt(n - 1));
  const a = unpack(n, o1, fpcr);
  const b = unpack(n, op2, fpcr);
  const nan = processNaNs(n, a, o1, b, op2, fpcr);
  if (nan !== null) return nan;
  if ((a.t === T.INF && b.t === T.ZERO) || (a.t === T.ZERO && b.t === T.INF)) return two(n, rsqrt ? 1 : 0);
  if (a.t === T.INF || b.t === T.INF) return inf(n, a.s ^ b.s);
  // c + p exactly, c = 2 or 3, p = (-1)^s * m * 2^e (or 0)
  const s = a.s ^ b.s;
  const pm = a.t === T.ZERO || b.t === T.ZERO ? 0n : a.m * b.m;
  const pe = a.e + b.e;
  const c = rsqrt ? 3n : 2n;
  const e0 = Math.min(pe, 0);
  const v = (c << BigInt(-e0)) + (s ? -pm : pm) * (1n << BigInt(pe - e0));
  const rm = rmodeOf(fpcr);
  if (v === 0n) return zero(n, rm === RM.NEGINF ? 1 : 0);
  const neg = v < 0n;
  return round(n, neg ? 1 : 0, neg ? -v : v, e0 - (rsqrt ? 1 : 0), fpcr, rm);
}

/** FABD: FPAbs(FPSub(op1, op2)) (the sign of a NaN result is cleared too). */
export function fpAbd(n: number, op1: bigint, op2: bigint, fpcr: number): bigint {
  return fpAdd(n, op1, op2, fpcr, true) & ((1n << BigInt(n - 1)) - 1n);
}

/** UnsignedRecipEstimate (URECPE) of a 32-bit element. */
export function unsignedRecipEstimate(x: number): number {
  if (x >>> 31 === 0) return 0xffffffff;
  return (recipEstimate(x >>> 23) & 0x1ff) * 2 ** 23;
}

/** UnsignedRSqrtEstimate (URSQRTE) of a 32-bit element. */
export function unsignedRSqrtEstimate(x: number): number {
  if (x >>> 30 === 0) return 0xffffffff;
  return (recipSqrtEstimate(x >>> 23) & 0x1ff) * 2 ** 23;
}
