// The double-precision fast path: JS doubles give the round-to-nearest-even result; error-free
// transformations (TwoSum, Veltkamp/Dekker TwoProduct) tell whether it is exact, which is
// all FPSR needs (IXC) when inputs and result are normal (or zero) and finite. Every other
// case (NaN, infinity, denormal, tiny or huge operands, FPCR.RMode != 0) returns
// undefined-by-flag and the caller takes the soft-float path (softfloat.ts). FZ and DN change
// nothing when no denormal or NaN is involved. No allocation: results go to `fast`.

/** The fast path's outputs: the result, whether it is inexact, whether the path applied. */
export const fast = { r: 0, inexact: false };

const MIN_NORMAL = 2.2250738585072014e-308;
/** Operands below this magnitude make TwoProduct's error term inexact (2^-969). */
const TINY = 2.0041683600089728e-292;
/** Operands above this magnitude overflow the Veltkamp split (2^995). */
const HUGE = 6.696928794914171e299;
const SPLIT = 134217729; // 2^27 + 1

/** A normal finite double or zero (not NaN, infinite or denormal). */
export const ok = (x: number): boolean => x === 0 || (Math.abs(x) >= MIN_NORMAL && Math.abs(x) < Infinity);
/** A finite result that is normal (an exact zero too). */
const okResult = (x: number): boolean => x === 0 || (Math.abs(x) >= MIN_NORMAL && Math.abs(x) < Infinity);

/** a + b; false when the fast path does not apply. */
export function add(a: number, b: number): boolean {
  if (!ok(a) || !ok(b)) return false;
  const s = a + b;
  if (!okResult(s)) return false;
  const bb = s - a;
  const err = a - (s - bb) + (b - bb);
  fast.r = s;
  fast.inexact = err !== 0;
  return true;
}

let pHi = 0;
let pLo = 0;
/** TwoProduct: pHi + pLo = a * b exactly (given the range conditions). */
function twoProduct(a: number, b: number): void {
  const p = a * b;
  let c = SPLIT * a;
  const ah = c - (c - a);
  const al = a - ah;
  c = SPLIT * b;
  const bh = c - (c - b);
  const bl = b - bh;
  pHi = p;
  pLo = ah * bh - p + ah * bl + al * bh + al * bl;
}

/** Operands whose product's error term is exact: zero, or TINY <= |x| < HUGE. */
const inRange = (x: number): boolean => x === 0 || (Math.abs(x) >= TINY && Math.abs(x) < HUGE);

export function mul(a: number, b: number): boolean {
  if (!inRange(a) || !inRange(b)) return false;
  const p = a * b;
  if (p !== 0 && !(Math.abs(p) >= TINY && Math.abs(p) < HUGE)) return false;
  if (p === 0) {
    if (a !== 0 && b !== 0) return false; // underflow
    fast.r = p;
    fast.inexact = false;
    return true;
  }
  twoProduct(a, b);
  fast.r = p;
  fast.inexact = pLo !== 0;
  return true;
}

export function div(a: number, b: number): boolean {
  if (b === 0 || !inRange(a) || !inRange(b)) return false;
  const q = a / b;
  if (q === 0) {
    if (a !== 0) return false;
    fast.r = q;
    fast.inexact = false;
    return true;
  }
  if (!(Math.abs(q) >= TINY && Math.abs(q) < HUGE)) return false;
  twoProduct(q, b);
  fast.r = q;
  fast.inexact = pHi !== a || pLo !== 0;
  return true;
}

export function sqrt(a: number): boolean {
  if (a < 0 || !inRange(a)) return false;
  const s = Math.sqrt(a);
  if (s === 0) {
    fast.r = s; // ±0: sqrt(-0) = -0
    fast.inexact = false;
    return true;
  }
  twoProduct(s, s);
  fast.r = s;
  fast.inexact = pHi !== a || pLo !== 0;
  return true;
}

/**
 * c + a * b with one rounding (Boldo and Melquiond, "Emulation of FMA and correctly rounded
 * sums: proved algorithms using rounding to odd", IEEE TC 2008, Algorithm 5.4): the exact
 * product uh + ul, th + tl = c + uh exactly, v = RO(tl + ul), result RN(th + v).
 */
export function fma(c: number, a: number, b: number): boolean {
  if (!inRange(a) || !inRange(b) || !ok(c) || Math.abs(c) >= HUGE) return false;
  const p = a * b;
  if (p === 0) {
    if (a !== 0 && b !== 0) return false; // underflow
    // An exact zero product (its sign IEEE's): c + p, exact; ±0 + ±0 as FPMulAdd's zero rules.
    fast.r = c + p;
    fast.inexact = false;
    return true;
  }
  if (!(Math.abs(p) >= TINY && Math.abs(p) < HUGE)) return false;
  twoProduct(a, b);
  const uh = pHi;
  const ul = pLo;
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
      // Move one ulp towards the exact value (ve's direction); v is not 0 here.
      const up = ve > 0 === v > 0;
      if (U32[0] === 0 && !up) {
        U32[1] = (U32[1] - 1) | 0;
        U32[0] = -1;
      } else if (up) {
        U32[0] = (U32[0] + 1) | 0;
        if (U32[0] === 0) U32[1] = (U32[1] + 1) | 0;
      } else {
        U32[0] = (U32[0] - 1) | 0;
      }
      v = F64[0];
    }
  }
  const r = th + v;
  if (!(r !== 0 && Math.abs(r) >= TINY && Math.abs(r) < HUGE)) return false;
  bb = r - th;
  const re = th - (r - bb) + (v - bb);
  fast.r = r;
  fast.inexact = re !== 0 || ve !== 0;
  return true;
}

const F64 = new Float64Array(1);
const U32 = new Int32Array(F64.buffer);
