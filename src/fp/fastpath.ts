// The single- and double-precision fast path: JS doubles give the round-to-nearest-even result; error-free
// transformations (TwoSum, Veltkamp/Dekker TwoProduct) tell whether it is exact, which is
// all FPSR needs (IXC) when inputs and result are normal (or zero) and finite. Every other
// case (NaN, infinity, denormal, tiny or huge operands, FPCR.RMode != 0) returns 0 and the
// caller takes the soft-float path (softfloat.ts). FZ and DN change nothing when no denormal
// or NaN is involved.
//
// No allocation: operands and the result are indexes into the register file's f64 view, and
// temporaries stay in locals or in a Float64Array. (Doubles passed to a call V8 does not
// inline, or stored in module-level variables, are boxed: one heap number each.)
//
// Each function reads its operands from f and writes its result to o[d] only when it applies
// (the *At scalar forms: to f[d], zeroing f[d + 1], the upper half of the V register), and
// returns 0: not applicable; 1: exact; 2: inexact. `ix`: whether the caller
// needs to know (FPSR.IXC is cumulative: once set, exactness need not be computed); without
// it the answer is 1.

const MIN_NORMAL = 2.2250738585072014e-308;
/** Operands below this magnitude make TwoProduct's error term inexact (2^-969). */
const TINY = 2.0041683600089728e-292;
/** Operands above this magnitude overflow the Veltkamp split (2^995). */
const HUGE = 6.696928794914171e299;
const SPLIT = 134217729; // 2^27 + 1

/** A normal finite double or zero (not NaN, infinite or denormal). */
export const ok = (x: number): boolean => x === 0 || (Math.abs(x) >= MIN_NORMAL && Math.abs(x) < Infinity);
/** Zero, or TINY <= |x| < HUGE: TwoProduct is exact for such operands and products. */
const inRange = (x: number): boolean => x === 0 || (Math.abs(x) >= TINY && Math.abs(x) < HUGE);

/** Scratch for the odd rounding of fma (bit access to a double). */
const F64 = new Float64Array(1);
const U32 = new Int32Array(F64.buffer);

/** The error of a * b = p (Dekker's TwoProduct with Veltkamp's split), given inRange operands and product. */
function productError(a: number, b: number, p: number): number {
  let c = SPLIT * a;
  const ah = c - (c - a);
  const al = a - ah;
  c = SPLIT * b;
  const bh = c - (c - b);
  const bl = b - bh;
  return ah * bh - p + ah * bl + al * bh + al * bl;
}

/** o[d] = f[a] + (negB ? -f[b] : f[b]). */
export function add64(f: Float64Array, ia: number, ib: number, negB: boolean, o: Float64Array, d: number, ix: boolean): number {
  const a = f[ia];
  const b = negB ? -f[ib] : f[ib];
  if (!ok(a) || !ok(b)) return 0;
  const s = a + b;
  if (!ok(s)) return 0;
  o[d] = s;
  if (!ix) return 1;
  const bb = s - a;
  return a - (s - bb) + (b - bb) !== 0 ? 2 : 1;
}

/** o[d] = f[a] * f[b]. */
export function mul64(f: Float64Array, ia: number, ib: number, o: Float64Array, d: number, ix: boolean): number {
  const a = f[ia];
  const b = f[ib];
  if (!inRange(a) || !inRange(b)) return 0;
  const p = a * b;
  if (p === 0) {
    if (a !== 0 && b !== 0) return 0; // underflow
  } else if (!(Math.abs(p) >= TINY && Math.abs(p) < HUGE)) {
    return 0;
  }
  const inexact = ix && p !== 0 && productError(a, b, p) !== 0;
  o[d] = p;
  return inexact ? 2 : 1;
}

/** o[d] = f[a] / f[b]; exact when q * b == a exactly. */
export function div64(f: Float64Array, ia: number, ib: number, o: Float64Array, d: number, ix: boolean): number {
  const a = f[ia];
  const b = f[ib];
  if (b === 0 || !inRange(a) || !inRange(b)) return 0;
  const q = a / b;
  let inexact = false;
  if (q === 0) {
    if (a !== 0) return 0;
  } else {
    if (!(Math.abs(q) >= TINY && Math.abs(q) < HUGE)) return 0;
    if (ix) {
      const p = q * b;
      inexact = p !== a || productError(q, b, p) !== 0;
    }
  }
  o[d] = q;
  return inexact ? 2 : 1;
}

/** o[d] = sqrt(f[a]); exact when s * s == a exactly. */
export function sqrt64(f: Float64Array, ia: number, o: Float64Array, d: number, ix: boolean): number {
  const a = f[ia];
  if (a < 0 || !inRange(a)) return 0;
  const s = Math.sqrt(a); // sqrt(-0) = -0
  let inexact = false;
  if (s !== 0 && ix) {
    const p = s * s;
    inexact = p !== a || productError(s, s, p) !== 0;
  }
  o[d] = s;
  return inexact ? 2 : 1;
}

/**
 * FMADD family: o[d] = (negC ? -c : c) + (negA ? -a : a) * b with one rounding (Boldo and
 * Melquiond, "Emulation of FMA and correctly rounded sums: proved algorithms using rounding
 * to odd", IEEE TC 2008, Algorithm 5.4): the exact product uh + ul, th + tl = c + uh exactly,
 * v = RO(tl + ul), result RN(th + v).
 */
export function fma64(
  f: Float64Array, ic: number, ia: number, ib: number, negC: boolean, negA: boolean, o: Float64Array, d: number, ix: boolean,
): number {
  const c = negC ? -f[ic] : f[ic];
  const a = negA ? -f[ia] : f[ia];
  const b = f[ib];
  if (!inRange(a) || !inRange(b) || !ok(c) || Math.abs(c) >= HUGE) return 0;
  const uh = a * b;
  if (uh === 0) {
    if (a !== 0 && b !== 0) return 0; // underflow
    // An exact zero product (with IEEE's sign): c + uh is exact, and ±0 + ±0 follows
    // FPMulAdd's zero rules in round to nearest.
    o[d] = c + uh;
    return 1;
  }
  if (!(Math.abs(uh) >= TINY && Math.abs(uh) < HUGE)) return 0;
  const ul = productError(a, b, uh);
  const th = c + uh;
  let bb = th - c;
  const tl = c - (th - bb) + (uh - bb);
  // v = RO(tl + ul): round to nearest, then to odd when inexact and even.
  let v = tl + ul;
  bb = v - tl;
  const ve = tl - (v - bb) + (ul - bb);
  if (ve !== 0) {
    F64[0] = v;
    if ((U32[0] & 1) === 0) {
      // One ulp towards the exact value (ve's direction); v is not 0 here.
      if (ve > 0 === v > 0) {
        U32[0] = (U32[0] + 1) | 0;
        if (U32[0] === 0) U32[1] = (U32[1] + 1) | 0;
      } else {
        if (U32[0] === 0) U32[1] = (U32[1] - 1) | 0;
        U32[0] = (U32[0] - 1) | 0;
      }
      v = F64[0];
    }
  }
  const r = th + v;
  if (!(Math.abs(r) >= TINY && Math.abs(r) < HUGE)) return 0;
  o[d] = r;
  if (!ix) return 1;
  if (ve !== 0) return 2;
  bb = r - th;
  return th - (r - bb) + (v - bb) !== 0 ? 2 : 1;
}

// The scalar forms (fp_dp.ts): result in f[d], bits [127:64] of the V register cleared.

export function addAt(f: Float64Array, ia: number, ib: number, negB: boolean, d: number, ix: boolean): number {
  const k = add64(f, ia, ib, negB, f, d, ix);
  if (k !== 0) f[d + 1] = 0;
  return k;
}

export function mulAt(f: Float64Array, ia: number, ib: number, d: number, ix: boolean): number {
  const k = mul64(f, ia, ib, f, d, ix);
  if (k !== 0) f[d + 1] = 0;
  return k;
}

export function divAt(f: Float64Array, ia: number, ib: number, d: number, ix: boolean): number {
  const k = div64(f, ia, ib, f, d, ix);
  if (k !== 0) f[d + 1] = 0;
  return k;
}

export function sqrtAt(f: Float64Array, ia: number, d: number, ix: boolean): number {
  const k = sqrt64(f, ia, f, d, ix);
  if (k !== 0) f[d + 1] = 0;
  return k;
}

export function fmaAt(
  f: Float64Array, ic: number, ia: number, ib: number, negC: boolean, negA: boolean, d: number, ix: boolean,
): number {
  const k = fma64(f, ic, ia, ib, negC, negA, f, d, ix);
  if (k !== 0) f[d + 1] = 0;
  return k;
}

/**
 * FPMax/FPMin (and FPMaxNum/FPMinNum, the same without NaNs) of normal or zero operands: exact,
 * no flags; Math.max/min order the zeros as FPMax/FPMin do (+0 > -0).
 */
export function max64(f: Float64Array, ia: number, ib: number, max: boolean, o: Float64Array, d: number): number {
  const a = f[ia];
  const b = f[ib];
  if (!ok(a) || !ok(b)) return 0;
  o[d] = max ? Math.max(a, b) : Math.min(a, b);
  return 1;
}

// Single precision: operands are floats read as doubles; a double result rounded by
// Math.fround is the correctly rounded float for +, -, *, /, sqrt (double rounding is innocuous
// when the wider format has at least 2q + 2 bits: Figueroa, "When is double rounding
// innocuous?", SIGNUM 1995). A product of two floats (48 bits) is exact in double; so are the
// checks q * b == a and s * s == a of a float quotient and root.
// The result must be normal (|r| > 2^-126 after rounding, so the exact value is not tiny
// either: FPRound detects tininess before rounding) and finite, or an exact zero.

const MIN_NORMAL32 = 1.1754943508222875e-38; // 2^-126

/** A normal finite float or zero. */
export const ok32 = (x: number): boolean => x === 0 || (Math.abs(x) >= MIN_NORMAL32 && Math.abs(x) < Infinity);
/** A rounded nonzero result in the normal range (strictly above 2^-126: the unrounded value is not tiny). */
const normal32 = (r: number): boolean => Math.abs(r) > MIN_NORMAL32 && Math.abs(r) < Infinity;

/** o[d] = f[a] + (negB ? -f[b] : f[b]). */
export function add32(f: Float32Array, ia: number, ib: number, negB: boolean, o: Float32Array, d: number, ix: boolean): number {
  const a = f[ia];
  const b = negB ? -f[ib] : f[ib];
  if (!ok32(a) || !ok32(b)) return 0;
  const s = a + b;
  const r = Math.fround(s);
  // A zero double sum of two floats is an exact zero (+0 in round to nearest, as FPAdd).
  if (r !== 0 && !normal32(r)) return 0;
  o[d] = r;
  if (!ix) return 1;
  if (r !== s) return 2;
  const bb = s - a;
  return a - (s - bb) + (b - bb) !== 0 ? 2 : 1;
}

/** o[d] = f[a] * f[b]. */
export function mul32(f: Float32Array, ia: number, ib: number, o: Float32Array, d: number, ix: boolean): number {
  const a = f[ia];
  const b = f[ib];
  if (!ok32(a) || !ok32(b)) return 0;
  const p = a * b; // exact
  const r = Math.fround(p);
  if (r === 0 ? p !== 0 : !normal32(r)) return 0;
  o[d] = r;
  return ix && r !== p ? 2 : 1;
}

/** o[d] = f[a] / f[b]; exact when r * b == a (r * b is exact in double). */
export function div32(f: Float32Array, ia: number, ib: number, o: Float32Array, d: number, ix: boolean): number {
  const a = f[ia];
  const b = f[ib];
  if (b === 0 || !ok32(a) || !ok32(b)) return 0;
  const r = Math.fround(a / b);
  if (r === 0 ? a !== 0 : !normal32(r)) return 0;
  o[d] = r;
  return ix && r * b !== a ? 2 : 1;
}

/** o[d] = sqrt(f[a]); exact when r * r == a. */
export function sqrt32(f: Float32Array, ia: number, o: Float32Array, d: number, ix: boolean): number {
  const a = f[ia];
  if (a < 0 || !ok32(a)) return 0;
  const r = Math.fround(Math.sqrt(a)); // sqrt(-0) = -0
  o[d] = r;
  return ix && r * r !== a ? 2 : 1;
}

/**
 * o[d] = f[c] + (negA ? -f[a] : f[a]) * f[b] with one rounding (FPMulAdd): the product is exact
 * in double; the sum s + err (TwoSum) is rounded to odd in double (s moved one ulp towards
 * err when err != 0 and s is even), which Math.fround then rounds correctly (rounding to odd
 * with 2 extra bits: Boldo and Melquiond, IEEE TC 2008).
 */
export function fma32(
  f: Float32Array, ic: number, ia: number, ib: number, negA: boolean, o: Float32Array, d: number, ix: boolean,
): number {
  return fmaS(f, ic, ia, ib, false, negA, o, d, ix);
}

/** fma32 with the addend negated too (`negC`: FNMADD, FNMSUB). */
function fmaS(
  f: Float32Array, ic: number, ia: number, ib: number, negC: boolean, negA: boolean, o: Float32Array, d: number, ix: boolean,
): number {
  const c = negC ? -f[ic] : f[ic];
  const a = negA ? -f[ia] : f[ia];
  const b = f[ib];
  if (!ok32(a) || !ok32(b) || !ok32(c)) return 0;
  const p = a * b;
  let s = c + p;
  const bb = s - c;
  const err = c - (s - bb) + (p - bb);
  if (err !== 0) {
    F64[0] = s;
    if ((U32[0] & 1) === 0) {
      if (err > 0 === s > 0) {
        U32[0] = (U32[0] + 1) | 0;
        if (U32[0] === 0) U32[1] = (U32[1] + 1) | 0;
      } else {
        if (U32[0] === 0) U32[1] = (U32[1] - 1) | 0;
        U32[0] = (U32[0] - 1) | 0;
      }
      s = F64[0];
    }
  }
  const r = Math.fround(s);
  // A zero is exact only when s and err are: then c + p follows FPMulAdd's zero rules.
  if (r === 0 ? s !== 0 || err !== 0 : !normal32(r)) return 0;
  o[d] = r;
  return ix && (err !== 0 || r !== s) ? 2 : 1;
}

/** FPMax/FPMin of normal or zero floats, as max64. */
export function max32(f: Float32Array, ia: number, ib: number, max: boolean, o: Float32Array, d: number): number {
  const a = f[ia];
  const b = f[ib];
  if (!ok32(a) || !ok32(b)) return 0;
  o[d] = max ? Math.max(a, b) : Math.min(a, b);
  return 1;
}

// The scalar single-precision forms (fp_dp.ts): f is the f32 view, the result goes to f[d] and
// bits [127:32] of the V register (f[d + 1..3]) are cleared.

export function add32At(f: Float32Array, ia: number, ib: number, negB: boolean, d: number, ix: boolean): number {
  const k = add32(f, ia, ib, negB, f, d, ix);
  if (k !== 0) f[d + 1] = f[d + 2] = f[d + 3] = 0;
  return k;
}

export function mul32At(f: Float32Array, ia: number, ib: number, d: number, ix: boolean): number {
  const k = mul32(f, ia, ib, f, d, ix);
  if (k !== 0) f[d + 1] = f[d + 2] = f[d + 3] = 0;
  return k;
}

export function div32At(f: Float32Array, ia: number, ib: number, d: number, ix: boolean): number {
  const k = div32(f, ia, ib, f, d, ix);
  if (k !== 0) f[d + 1] = f[d + 2] = f[d + 3] = 0;
  return k;
}

export function sqrt32At(f: Float32Array, ia: number, d: number, ix: boolean): number {
  const k = sqrt32(f, ia, f, d, ix);
  if (k !== 0) f[d + 1] = f[d + 2] = f[d + 3] = 0;
  return k;
}

export function fma32At(
  f: Float32Array, ic: number, ia: number, ib: number, negC: boolean, negA: boolean, d: number, ix: boolean,
): number {
  const k = fmaS(f, ic, ia, ib, negC, negA, f, d, ix);
  if (k !== 0) f[d + 1] = f[d + 2] = f[d + 3] = 0;
  return k;
}

export function max32At(f: Float32Array, ia: number, ib: number, max: boolean, d: number): number {
  const k = max32(f, ia, ib, max, f, d);
  if (k !== 0) f[d + 1] = f[d + 2] = f[d + 3] = 0;
  return k;
}

export function max64At(f: Float64Array, ia: number, ib: number, max: boolean, d: number): number {
  const k = max64(f, ia, ib, max, f, d);
  if (k !== 0) f[d + 1] = 0;
  return k;
}
