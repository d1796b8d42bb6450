// Element arithmetic shared by the Advanced SIMD integer groups: saturation (the pseudocode's
// SatQ, which sets FPSR.QC), exact 32x32 -> 64 products, and the lane loops that apply an
// element function over a vector. Elements of up to 32 bits are JS numbers read through the
// signed or unsigned typed view the instruction needs (chosen at decode time); results are
// written through a view, whose store keeps the low esize bits. 64-bit elements are handled by
// the groups themselves.
import type { Cpu } from '../cpu.js';
import type { Op } from '../decoder.js';
import { FPSR, QC, fpOp, vregs, type VRegs } from './simd_lanes.js';

/** Set by the saturating element functions when a result saturated; read once per instruction. */
export const sat = { q: 0 };

/** SignedSatQ(x, esize) */
export function ssat(x: number, esize: number): number {
  const max = 2 ** (esize - 1) - 1;
  if (x > max) {
    sat.q = 1;
    return max;
  }
  if (x < -max - 1) {
    sat.q = 1;
    return -max - 1;
  }
  return x;
}

/** UnsignedSatQ(x, esize) */
export function usat(x: number, esize: number): number {
  const max = 2 ** esize - 1;
  if (x > max) {
    sat.q = 1;
    return max;
  }
  if (x < 0) {
    sat.q = 1;
    return 0;
  }
  return x;
}

/** The high 32 bits of the signed 64-bit product a * b (a, b signed 32-bit); the low word in `mulLo`. */
export const mulLo = { v: 0 };
export function smul64(a: number, b: number): number {
  const lo = Math.imul(a, b);
  // a * b = hi * 2^32 + (lo >>> 0); the double product is within 2^62, exact enough to get hi
  // once the low word is known: (p - lo_u) / 2^32 is an integer computed exactly when split.
  const al = a & 0xffff;
  const ah = a >> 16;
  const bl = b & 0xffff;
  const bh = b >> 16;
  const mid = ah * bl + al * bh; // |mid| < 2^32
  const low = al * bl; // < 2^32
  // a*b = ah*bh*2^32 + mid*2^16 + low
  const t = mid * 65536 + low; // |t| < 2^49: exact
  const hi = ah * bh + Math.floor(t / 4294967296);
  mulLo.v = lo;
  return hi | 0;
}

/** Signed saturating doubling multiply returning high half (SQDMULH/SQRDMULH) for esize 16/32. */
export function sqdmulh(a: number, b: number, esize: number, round: boolean): number {
  if (esize === 16) {
    const p = 2 * a * b + (round ? 0x8000 : 0);
    return ssat(Math.floor(p / 65536), 16);
  }
  // 2ab + round (2^31) >> 32 = floor((ab + 2^30 * round) / 2^31)
  let hi = smul64(a, b);
  let lo = mulLo.v >>> 0;
  if (round) {
    lo += 0x40000000;
    if (lo > 0xffffffff) {
      lo -= 4294967296;
      hi++;
    }
  }
  // bits [62:31] of the product, then saturate (only -2^31 * -2^31 overflows)
  const r = hi * 2 + (lo >>> 31);
  return ssat(r, 32);
}

/**
 * A 64-bit lane (lo, hi) narrowed to 32 bits: kind 0 truncates, 1 saturates signed to
 * signed, 2 unsigned to unsigned, 3 signed to unsigned (SQXTUN, SQSHRUN); a saturation sets
 * sat.q (FPSR.QC, flushQc).
 */
export function narrow64to32(kind: number, lo: number, hi: number): number {
  if (kind === 0) return lo;
  if (kind === 1) return hi === lo >> 31 ? lo : ((sat.q = 1), hi < 0 ? -0x80000000 : 0x7fffffff);
  if (kind === 2) return hi === 0 ? lo : ((sat.q = 1), -1);
  return hi < 0 ? ((sat.q = 1), 0) : hi !== 0 ? ((sat.q = 1), -1) : lo;
}

/** Ends a saturating instruction: FPSR.QC |= saturated. */
export function flushQc(r: Int32Array): void {
  if (sat.q !== 0) {
    r[FPSR] |= QC;
    sat.q = 0;
  }
}

export type ElemFn = (a: number, b: number, d: number) => number;

/** The view of esize-bit elements, signed or unsigned. */
export function view(v: VRegs, size: number, signed: boolean): Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array {
  switch (size) {
    case 0:
      return signed ? v.sb : v.b;
    case 1:
      return signed ? v.sh : v.h;
    default:
      return signed ? v.i : v.s;
  }
}

/**
 * Vd[e] = fn(Vn[e], Vm[e], Vd[e]) for the `elements` elements of 2^size bytes (size < 3),
 * clearing Vd's bits above `bytes`; saturating functions set FPSR.QC.
 */
export function lanes3(cpu: Cpu, size: number, signed: boolean, bytes: number, rd: number, rn: number, rm: number, fn: ElemFn): Op {
  const V = vregs(cpu);
  const src = view(V, size, signed);
  const dst = view(V, size, signed);
  const per = 16 >> size;
  const n = rn * per;
  const m = rm * per;
  const d = rd * per;
  const count = bytes >> size;
  const b = V.b;
  const r = cpu.r;
  const from = rd * 16 + bytes;
  const to = rd * 16 + 16;
  return fpOp(cpu, () => {
    for (let e = 0; e < count; e++) dst[d + e] = fn(src[n + e], src[m + e], src[d + e]);
    for (let k = from; k < to; k++) b[k] = 0;
    flushQc(r);
  });
}

/** Pairwise: Vd[e] = fn(concat[2e], concat[2e+1]) with concat = Vm:Vn. */
const ptmp = new Float64Array(16);
export function pairwise(cpu: Cpu, size: number, signed: boolean, bytes: number, rd: number, rn: number, rm: number, fn: ElemFn): Op {
  const V = vregs(cpu);
  const src = view(V, size, signed);
  const per = 16 >> size;
  const n = rn * per;
  const m = rm * per;
  const d = rd * per;
  const count = bytes >> size;
  const half = count >> 1;
  const w = V.i;
  return fpOp(cpu, () => {
    for (let e = 0; e < half; e++) ptmp[e] = fn(src[n + 2 * e], src[n + 2 * e + 1], 0);
    for (let e = 0; e < half; e++) ptmp[half + e] = fn(src[m + 2 * e], src[m + 2 * e + 1], 0);
    for (let e = 0; e < count; e++) src[d + e] = ptmp[e];
    if (bytes === 8) w[rd * 4 + 2] = w[rd * 4 + 3] = 0;
  });
}
