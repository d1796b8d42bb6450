// The soft-float core: the Arm ARM's floating-point pseudocode (A1.4, "Floating-point
// support"; J1 shared/functions/float: FPUnpack, FPProcessNaN(s)(3), FPRound, FPAdd, FPMul,
// FPMulAdd, FPDiv, FPSqrt, ...) on exact values, for half (16), single (32) and double (64)
// precision given as bit patterns in BigInts. This is the slow path: executors try a fast
// path on JS doubles first (fastpath.ts) and come here for NaNs, denormals, infinities,
// FPCR.RMode other than round to nearest, and results that underflow or overflow.
//
// Exact values are m * 2^e with m a non-negative BigInt. Cumulative exception flags go to
// `fpFlags.v` (FPSR bit positions), which the executor ORs into FPSR.

import { Fpcr, Fpsr } from '../sysregs/fp.js';

export const fpFlags = { v: 0 };

/** Rounding modes (FPCR.RMode order), plus the instructions' own. */
export const enum RM {
  TIEEVEN = 0,
  POSINF = 1,
  NEGINF = 2,
  ZERO = 3,
  TIEAWAY = 4,
  ODD = 5,
}

export const enum T {
  ZERO = 0,
  DENORMAL = 1,
  NORMAL = 2,
  INF = 3,
  QNAN = 4,
  SNAN = 5,
}

/** Format parameters by width: exponent bits, fraction bits. */
const EB = (n: number): number => (n === 16 ? 5 : n === 32 ? 8 : 11);
const FB = (n: number): number => (n === 16 ? 10 : n === 32 ? 23 : 52);

/** The result of unpack: type, sign, and value m * 2^e (m = 0 for zero, inf, NaN). */
export interface Unpacked {
  t: T;
  s: number;
  m: bigint;
  e: number;
}

/** FPUnpack: FZ flushes single/double denormals to zero with IDC; FZ16 flushes half ones (no IDC). */
export function unpack(n: number, bits: bigint, fpcr: number): Unpacked {
  const eb = EB(n);
  const fb = FB(n);
  const s = Number((bits >> BigInt(n - 1)) & 1n);
  const exp = Number((bits >> BigInt(fb)) & BigInt((1 << eb) - 1));
  const frac = bits & ((1n << BigInt(fb)) - 1n);
  const bias = (1 << (eb - 1)) - 1;
  if (exp === 0) {
    if (frac === 0n) return { t: T.ZERO, s, m: 0n, e: 0 };
    if (n === 16 ? (fpcr & Fpcr.FZ16) !== 0 : (fpcr & Fpcr.FZ) !== 0) {
      if (n !== 16) fpFlags.v |= Fpsr.IDC;
      return { t: T.ZERO, s, m: 0n, e: 0 };
    }
    return { t: T.DENORMAL, s, m: frac, e: 1 - bias - fb };
  }
  if (exp === (1 << eb) - 1 && !(n === 16 && (fpcr & Fpcr.AHP) !== 0 && false)) {
    if (frac === 0n) return { t: T.INF, s, m: 0n, e: 0 };
    return { t: (frac >> BigInt(fb - 1)) & 1n ? T.QNAN : T.SNAN, s, m: 0n, e: 0 };
  }
  return { t: T.NORMAL, s, m: frac | (1n << BigInt(fb)), e: exp - bias - fb };
}

export const isNaN_ = (t: T): boolean => t >= T.QNAN;

export function defaultNaN(n: number): bigint {
  return n === 64 ? 0x7ff8000000000000n : n === 32 ? 0x7fc00000n : 0x7e00n;
}
export function inf(n: number, s: number): bigint {
  const fb = FB(n);
  return (BigInt(s) << BigInt(n - 1)) | (BigInt((1 << EB(n)) - 1) << BigInt(fb));
}
export function zero(n: number, s: number): bigint {
  return BigInt(s) << BigInt(n - 1);
}
export function maxNormal(n: number, s: number): bigint {
  const fb = FB(n);
  return (BigInt(s) << BigInt(n - 1)) | (BigInt((1 << EB(n)) - 2) << BigInt(fb)) | ((1n << BigInt(fb)) - 1n);
}

/** FPProcessNaN: a signalling NaN raises IOC and is quieted; FPCR.DN gives the default NaN. */
export function processNaN(n: number, t: T, bits: bigint, fpcr: number): bigint {
  let r = bits;
  if (t === T.SNAN) {
    r |= 1n << BigInt(FB(n) - 1);
    fpFlags.v |= Fpsr.IOC;
  }
  return (fpcr & Fpcr.DN) !== 0 ? defaultNaN(n) : r;
}

/** FPProcessNaNs: the first signalling NaN, else the first quiet NaN; null when neither is a NaN. */
export function processNaNs(n: number, a: Unpacked, ab: bigint, b: Unpacked, bb: bigint, fpcr: number): bigint | null {
  if (a.t === T.SNAN) return processNaN(n, a.t, ab, fpcr);
  if (b.t === T.SNAN) return processNaN(n, b.t, bb, fpcr);
  if (a.t === T.QNAN) return processNaN(n, a.t, ab, fpcr);
  if (b.t === T.QNAN) return processNaN(n, b.t, bb, fpcr);
  return null;
}

/** FPProcessNaNs3 (operand order a, b, c). */
export function processNaNs3(
  n: number, a: Unpacked, ab: bigint, b: Unpacked, bb: bigint, c: Unpacked, cb: bigint, fpcr: number,
): bigint | null {
  if (a.t === T.SNAN) return processNaN(n, a.t, ab, fpcr);
  if (b.t === T.SNAN) return processNaN(n, b.t, bb, fpcr);
  if (c.t === T.SNAN) return processNaN(n, c.t, cb, fpcr);
  if (a.t === T.QNAN) return processNaN(n, a.t, ab, fpcr);
  if (b.t === T.QNAN) return processNaN(n, b.t, bb, fpcr);
  if (c.t === T.QNAN) return processNaN(n, c.t, cb, fpcr);
  return null;
}

export const bitLen = (m: bigint): number => (m === 0n ? 0 : m.toString(2).length);

/** The FPCR rounding mode. */
export const rmodeOf = (fpcr: number): RM => ((fpcr >>> Fpcr.RMODE_SHIFT) & 3) as RM;

/**
 * FPRound (Arm ARM J1, FPRoundBase): rounds the non-zero exact value (-1)^s * m * 2^e to
 * width n in mode `rm`, raising UFC (tininess before rounding, when inexact), OFC, IXC;
 * flush-to-zero of tiny results (FZ, or FZ16 for half) gives a zero and UFC. `fz`: whether
 * flushing applies (false for conversions that ignore FZ). `ahp`: FCVT to half with
 * FPCR.AHP (no infinities or NaNs: the exponent range extends by one, overflow saturates
 * with IOC instead of OFC).
 */
export function round(n: number, s: number, m: bigint, e: number, fpcr: number, rm: RM, fz = true, ahp = false): bigint {
  const eb = EB(n);
  const fb = FB(n);
  const bias = (1 << (eb - 1)) - 1;
  const minExp = 1 - bias;
  // exponent: value = 1.x * 2^exponent
  const exponent = bitLen(m) - 1 + e;
  if (fz && (n === 16 ? (fpcr & Fpcr.FZ16) !== 0 : (fpcr & Fpcr.FZ) !== 0) && exponent < minExp) {
    fpFlags.v |= Fpsr.UFC;
    return zero(n, s);
  }
  let biased = Math.max(exponent - minExp + 1, 0);
  // The unit of the last place: 2^(max(exponent, minExp) - fb)
  const unit = Math.max(exponent, minExp) - fb;
  const sh = unit - e;
  let im: bigint;
  // error relative to half an ulp: -1 below, 0 exactly half, 1 above; err0 true when exact
  let exact: boolean;
  let cmpHalf: number;
  if (sh <= 0) {
    im = m << BigInt(-sh);
    exact = true;
    cmpHalf = -1;
  } else {
    const S = BigInt(sh);
    im = m >> S;
    const rem = m & ((1n << S) - 1n);
    exact = rem === 0n;
    const half = 1n << (S - 1n);
    cmpHalf = rem < half ? -1 : rem === half ? 0 : 1;
  }
  if (biased === 0 && !exact) fpFlags.v |= Fpsr.UFC;
  let up = false;
  if (!exact) {
    switch (rm) {
      case RM.TIEEVEN:
        up = cmpHalf > 0 || (cmpHalf === 0 && (im & 1n) === 1n);
        break;
      case RM.POSINF:
        up = s === 0;
        break;
      case RM.NEGINF:
        up = s === 1;
        break;
      case RM.ZERO:
        break;
      case RM.TIEAWAY:
        up = cmpHalf >= 0;
        break;
      case RM.ODD:
        im |= 1n;
        break;
    }
  }
  if (up) {
    im += 1n;
    if (im === 1n << BigInt(fb)) biased = 1; // a denormal rounded up to the smallest normal
    if (im === 1n << BigInt(fb + 1)) {
      biased += 1;
      im >>= 1n;
    }
  }
  let result: bigint;
  if (!ahp) {
    if (biased >= (1 << eb) - 1) {
      const toInf = rm === RM.TIEEVEN || rm === RM.TIEAWAY || (rm === RM.POSINF && s === 0) || (rm === RM.NEGINF && s === 1);
      result = toInf ? inf(n, s) : maxNormal(n, s);
      fpFlags.v |= Fpsr.OFC | Fpsr.IXC;
      return result;
    }
  } else if (biased >= 1 << eb) {
    // Alternative half precision: saturate to the largest value, Invalid Operation.
    fpFlags.v |= Fpsr.IOC;
    return (BigInt(s) << 15n) | 0x7fffn;
  }
  result = (BigInt(s) << BigInt(n - 1)) | (BigInt(biased) << BigInt(fb)) | (im & ((1n << BigInt(fb)) - 1n));
  if (!exact) fpFlags.v |= Fpsr.IXC;
  return result;
}

/** Sum of two exact values with signs: returns [sign, m, e] of a + b (m may be 0). */
function addExact(sa: number, ma: bigint, ea: number, sb: number, mb: bigint, eb: number): [number, bigint, number] {
  const e = Math.min(ea, eb);
  const A = ma << BigInt(ea - e);
  const B = mb << BigInt(eb - e);
  const v = (sa ? -A : A) + (sb ? -B : B);
  return v < 0n ? [1, -v, e] : [0, v, e];
}

/** FPAdd (FPSub with `negB`: the sign of op2 flips after NaN processing). */
export function fpAdd(n: number, ab: bigint, bb: bigint, fpcr: number, negB = false): bigint {
  const a = unpack(n, ab, fpcr);
  const b = unpack(n, bb, fpcr);
  const nan = processNaNs(n, a, ab, b, bb, fpcr);
  if (nan !== null) return nan;
  const sb = negB ? 1 - b.s : b.s;
  const rm = rmodeOf(fpcr);
  if (a.t === T.INF && b.t === T.INF && a.s !== sb) {
    fpFlags.v |= Fpsr.IOC;
    return defaultNaN(n);
  }
  if (a.t === T.INF) return inf(n, a.s);
  if (b.t === T.INF) return inf(n, sb);
  if (a.t === T.ZERO && b.t === T.ZERO && a.s === sb) return zero(n, a.s);
  const [s, m, e] = addExact(a.s, a.m, a.e, sb, b.m, b.e);
  if (m === 0n) return zero(n, rm === RM.NEGINF ? 1 : 0);
  return round(n, s, m, e, fpcr, rm);
}

/** FPMul; `mulx`: FPMulX (infinity times zero gives ±2.0). */
export function fpMul(n: number, ab: bigint, bb: bigint, fpcr: number, mulx = false): bigint {
  const a = unpack(n, ab, fpcr);
  const b = unpack(n, bb, fpcr);
  const nan = processNaNs(n, a, ab, b, bb, fpcr);
  if (nan !== null) return nan;
  const s = a.s ^ b.s;
  if ((a.t === T.INF && b.t === T.ZERO) || (a.t === T.ZERO && b.t === T.INF)) {
    if (mulx) return (BigInt(s) << BigInt(n - 1)) | (BigInt((1 << (EB(n) - 1))) << BigInt(FB(n))); // 2.0
    fpFlags.v |= Fpsr.IOC;
    return defaultNaN(n);
  }
  if (a.t === T.INF || b.t === T.INF) return inf(n, s);
  if (a.t === T.ZERO || b.t === T.ZERO) return zero(n, s);
  return round(n, s, a.m * b.m, a.e + b.e, fpcr, rmodeOf(fpcr));
}

/** FPMulAdd: addend + op1 * op2 with one rounding. */
export function fpMulAdd(n: number, cb: bigint, ab: bigint, bb: bigint, fpcr: number): bigint {
  const c = unpack(n, cb, fpcr);
  const a = unpack(n, ab, fpcr);
  const b = unpack(n, bb, fpcr);
  const infzero = (a.t === T.INF && b.t === T.ZERO) || (a.t === T.ZERO && b.t === T.INF);
  const nan = processNaNs3(n, c, cb, a, ab, b, bb, fpcr);
  if (c.t === T.QNAN && infzero) {
    fpFlags.v |= Fpsr.IOC;
    return defaultNaN(n);
  }
  if (nan !== null) return nan;
  const sp = a.s ^ b.s;
  const infP = a.t === T.INF || b.t === T.INF;
  const zeroP = a.t === T.ZERO || b.t === T.ZERO;
  if (infzero || (c.t === T.INF && infP && c.s !== sp)) {
    fpFlags.v |= Fpsr.IOC;
    return defaultNaN(n);
  }
  if ((c.t === T.INF && c.s === 0) || (infP && sp === 0)) return inf(n, 0);
  if ((c.t === T.INF && c.s === 1) || (infP && sp === 1)) return inf(n, 1);
  if (c.t === T.ZERO && zeroP && c.s === sp) return zero(n, c.s);
  const rm = rmodeOf(fpcr);
  const [s, m, e] = zeroP ? [c.s, c.m, c.e] as [number, bigint, number] : addExact(c.s, c.m, c.e, sp, a.m * b.m, a.e + b.e);
  if (m === 0n) return zero(n, rm === RM.NEGINF ? 1 : 0);
  return round(n, s, m, e, fpcr, rm);
}

/** FPDiv. */
export function fpDiv(n: number, ab: bigint, bb: bigint, fpcr: number): bigint {
  const a = unpack(n, ab, fpcr);
  const b = unpack(n, bb, fpcr);
  const nan = processNaNs(n, a, ab, b, bb, fpcr);
  if (nan !== null) return nan;
  const s = a.s ^ b.s;
  if ((a.t === T.INF && b.t === T.INF) || (a.t === T.ZERO && b.t === T.ZERO)) {
    fpFlags.v |= Fpsr.IOC;
    return defaultNaN(n);
  }
  if (a.t === T.INF || b.t === T.ZERO) {
    if (a.t !== T.INF) fpFlags.v |= Fpsr.DZC;
    return inf(n, s);
  }
  if (a.t === T.ZERO || b.t === T.INF) return zero(n, s);
  // Quotient with at least fb + 3 bits, then a sticky bit for the remainder.
  const sh = Math.max(0, FB(n) + 4 + bitLen(b.m) - bitLen(a.m));
  const num = a.m << BigInt(sh);
  const q = num / b.m;
  const sticky = num % b.m !== 0n ? 1n : 0n;
  return round(n, s, (q << 1n) | sticky, a.e - b.e - sh - 1, fpcr, rmodeOf(fpcr));
}

/** Integer square root (floor). */
export function isqrt(v: bigint): bigint {
  if (v < 2n) return v;
  let x = 1n << BigInt((bitLen(v) >> 1) + 1);
  for (;;) {
    const y = (x + v / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** FPSqrt. */
export function fpSqrt(n: number, ab: bigint, fpcr: number): bigint {
  const a = unpack(n, ab, fpcr);
  if (isNaN_(a.t)) return processNaN(n, a.t, ab, fpcr);
  if (a.t === T.ZERO) return zero(n, a.s);
  if (a.t === T.INF && a.s === 0) return inf(n, 0);
  if (a.s === 1) {
    fpFlags.v |= Fpsr.IOC;
    return defaultNaN(n);
  }
  let m = a.m;
  let e = a.e;
  // At least 2 * (fb + 4) bits, with an even exponent.
  let k = Math.max(0, 2 * (FB(n) + 4) - bitLen(m));
  if ((e - k) & 1) k++;
  m <<= BigInt(k);
  e -= k;
  const r = isqrt(m);
  const sticky = r * r !== m ? 1n : 0n;
  return round(n, 0, (r << 1n) | sticky, e / 2 - 1, fpcr, rmodeOf(fpcr));
}

/** FPCompare: NZCV (bits 31:28): 0011 unordered, 0110 equal, 1000 less, 0010 greater. */
export function fpCompare(n: number, ab: bigint, bb: bigint, signalAll: boolean, fpcr: number): number {
  const a = unpack(n, ab, fpcr);
  const b = unpack(n, bb, fpcr);
  if (isNaN_(a.t) || isNaN_(b.t)) {
    if (signalAll || a.t === T.SNAN || b.t === T.SNAN) fpFlags.v |= Fpsr.IOC;
    return 0x3;
  }
  const c = cmpValues(a, b);
  return c === 0 ? 0x6 : c < 0 ? 0x8 : 0x2;
}

/** Compares two non-NaN unpacked values: -1, 0, 1. */
export function cmpValues(a: Unpacked, b: Unpacked): number {
  const va = a.t === T.INF ? Infinity : 0;
  const vb = b.t === T.INF ? Infinity : 0;
  if (va || vb) {
    const x = a.t === T.INF ? (a.s ? -Infinity : Infinity) : 0;
    const y = b.t === T.INF ? (b.s ? -Infinity : Infinity) : 0;
    if (a.t === T.INF && b.t === T.INF) return x === y ? 0 : x < y ? -1 : 1;
    if (a.t === T.INF) return a.s ? -1 : 1;
    return b.s ? 1 : -1;
  }
  const am = a.t === T.ZERO ? 0n : a.m;
  const bm = b.t === T.ZERO ? 0n : b.m;
  const [s, m] = addExact(a.s, am, a.e, 1 - b.s, bm, b.e);
  if (m === 0n) return 0;
  return s ? -1 : 1;
}

/**
 * Whether an inexact value rounds up from int = RoundDown(value) (FPToFixed, FPRoundInt):
 * `cmp` is the error value - int against one half (-1 below, 0 equal, 1 above).
 */
export function roundsUp(rm: number, cmp: number, int: bigint): boolean {
  switch (rm) {
    case RM.TIEEVEN:
      return cmp > 0 || (cmp === 0 && (int & 1n) !== 0n);
    case RM.POSINF:
      return true;
    case RM.ZERO:
      return int < 0n;
    case RM.TIEAWAY:
      return cmp > 0 || (cmp === 0 && int >= 0n);
    default:
      return false; // RM.NEGINF: RoundDown
  }
}

/**
 * FPRoundInt (`intsize` 0) and FPRoundIntN (FRINT32*, FRINT64*: `intsize` 32/64): rounds to an
 * integral value in mode `rm`; `exact` raises IXC when the value changes (FRINTX, and
 * FPRoundIntN always). FPRoundIntN gives -2^(intsize-1) with IOC for NaNs, infinities and
 * values out of range.
 */
export function fpRoundInt(n: number, ab: bigint, fpcr: number, rm: RM, exact: boolean, intsize = 0): bigint {
  const a = unpack(n, ab, fpcr);
  const fb = FB(n);
  const bias = (1 << (EB(n) - 1)) - 1;
  const most = (): bigint => {
    fpFlags.v |= Fpsr.IOC;
    return (1n << BigInt(n - 1)) | (BigInt(bias + intsize - 1) << BigInt(fb));
  };
  if (isNaN_(a.t)) return intsize ? most() : processNaN(n, a.t, ab, fpcr);
  if (a.t === T.INF) return intsize ? most() : inf(n, a.s);
  if (a.t === T.ZERO) return zero(n, a.s);
  let mag: bigint;
  let cmp = -1;
  let inexact = false;
  if (a.e >= 0) {
    mag = a.m << BigInt(a.e);
  } else {
    const S = BigInt(-a.e);
    mag = a.m >> S;
    const rem = a.m & ((1n << S) - 1n);
    inexact = rem !== 0n;
    const half = 1n << (S - 1n);
    // error = value - RoundDown(value), in [0, 1): for negative values 1 - rem.
    if (a.s === 0) cmp = rem < half ? -1 : rem === half ? 0 : 1;
    else if (inexact) cmp = rem > half ? -1 : rem === half ? 0 : 1;
  }
  let int = a.s ? (inexact ? -mag - 1n : -mag) : mag;
  if (inexact && roundsUp(rm, cmp, int)) int += 1n;
  if (intsize && (int > (1n << BigInt(intsize - 1)) - 1n || int < -(1n << BigInt(intsize - 1)))) return most();
  if (inexact && (exact || intsize !== 0)) fpFlags.v |= Fpsr.IXC;
  if (int === 0n) return zero(n, a.s);
  const s = int < 0n ? 1 : 0;
  return round(n, s, s ? -int : int, 0, fpcr, RM.ZERO);
}
