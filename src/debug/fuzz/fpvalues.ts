// Operands for the fp and simd classes: V register contents and FPCR/FPSR biased towards
// the cases that break floating point: ±0, ±infinity, quiet and signalling NaNs with
// payloads, denormals, the smallest and largest normals, values a few ulps around rounding
// boundaries (ties, integers, the integer limits of conversions) and random FPCR controls.

import type { Rng } from './rng.js';
import type { FpInit } from './case.js';

/** IEEE formats by total width: exponent and fraction bits. */
const FORMATS: Record<16 | 32 | 64, { e: number; m: number }> = { 16: { e: 5, m: 10 }, 32: { e: 8, m: 23 }, 64: { e: 11, m: 52 } };

const randBits = (rng: Rng, n: number): bigint => (n <= 0 ? 0n : rng.u64() & ((1n << BigInt(n)) - 1n));

/** A value of `width` bits (16, 32, 64), biased towards the hard cases of the format. */
export function hardFloat(rng: Rng, width: 16 | 32 | 64): bigint {
  const { e, m } = FORMATS[width];
  const bias = (1 << (e - 1)) - 1;
  const maxExp = (1 << e) - 1;
  const M = BigInt(m);
  const sign = rng.chance(0.5) ? 1n : 0n;
  let exp = 0;
  let frac = 0n;
  const few = (): bigint => (rng.chance(0.5) ? 0n : randBits(rng, rng.below(4)) << (M - 3n)); // few top bits (ties)
  const nearUlp = (f: bigint): bigint => BigInt.asUintN(m, f + BigInt(rng.range(-2, 2)));
  switch (rng.below(16)) {
    case 0:
      break; // zero
    case 1:
      exp = maxExp; // infinity
      break;
    case 2: // quiet NaN with a payload
      exp = maxExp;
      frac = (1n << (M - 1n)) | (rng.chance(0.3) ? 0n : randBits(rng, m - 1));
      break;
    case 3: // signalling NaN with a payload (non-zero)
      exp = maxExp;
      frac = randBits(rng, m - 1) || 1n;
      break;
    case 4: // denormal
      frac = rng.chance(0.3) ? rng.pick([1n, (1n << M) - 1n, 1n << (M - 1n)]) : randBits(rng, m) || 1n;
      break;
    case 5: // around the smallest normal
      exp = rng.pick([1, 1, 2]);
      frac = rng.chance(0.5) ? nearUlp(0n) : randBits(rng, m);
      if (rng.chance(0.3)) { exp = 0; frac = (1n << M) - 1n - randBits(rng, 2); }
      break;
    case 6: // around the largest normal
      exp = maxExp - 1 - rng.below(2);
      frac = rng.chance(0.5) ? (1n << M) - 1n - randBits(rng, 2) : randBits(rng, m);
      break;
    case 7:
    case 8: { // integers and the integer limits of conversions (2^k, a few ulps either side)
      const k = rng.pick([0, 1, 2, 7, 8, 15, 16, 31, 32, 52, 53, 63, 64, rng.below(Math.min(66, bias + 1))]);
      exp = Math.min(bias + k, maxExp - 1);
      frac = rng.chance(0.5) ? nearUlp(0n) : few();
      if (rng.chance(0.3)) { exp = Math.max(exp - 1, 0); frac = (1n << M) - 1n - randBits(rng, 2); }
      break;
    }
    case 9:
    case 10: // ties and half-integers near 1 (rounding of FRINT, FCVT to integer)
      exp = bias + rng.range(-2, Math.min(12, m));
      frac = rng.chance(0.5) ? few() : nearUlp(few());
      break;
    case 11:
    case 12: // ordinary values with exponents close to 1 (add/sub of nearby magnitudes)
      exp = bias + rng.range(-4, 4);
      frac = randBits(rng, m);
      break;
    case 13: // small exponents: results that underflow
      exp = rng.range(1, Math.min(m + 2, bias));
      frac = randBits(rng, m);
      break;
    case 14: // large exponents: results that overflow
      exp = maxExp - 1 - rng.below(Math.min(m + 2, bias));
      frac = randBits(rng, m);
      break;
    default:
      return randBits(rng, width);
  }
  return (sign << BigInt(width - 1)) | (BigInt(exp) << M) | frac;
}

/** A V register's 128 bits: a hard double, single or half in the low bits, the rest random or hard. */
export function hardVreg(rng: Rng): bigint {
  const width = rng.pick([16, 32, 64, 64, 32] as const);
  let v = 0n;
  // Each lane of the chosen width (vectors use them all; scalars the lowest).
  for (let lane = 0; lane < 128 / width; lane++) {
    const x = rng.chance(0.8) ? hardFloat(rng, width) : randBits(rng, width);
    v |= x << BigInt(lane * width);
  }
  return v;
}

/** FPCR: RMode, FZ, DN, AHP and (with FEAT_FP16) FZ16 at random, the default often. */
export function randomFpcr(rng: Rng, fp16: boolean): number {
  if (rng.chance(0.25)) return 0;
  // Sometimes every bit at random: the write mask (RAZ/WI trap enables, RES0 bits) is compared too.
  if (rng.chance(0.05)) return rng.u32();
  let v = rng.chance(0.6) ? rng.below(4) << 22 : 0;
  if (rng.chance(0.3)) v |= 1 << 24; // FZ
  if (rng.chance(0.3)) v |= 1 << 25; // DN
  if (rng.chance(0.3)) v |= 1 << 26; // AHP
  if (fp16 && rng.chance(0.3)) v |= 1 << 19; // FZ16
  return v;
}

/** The FP state a case starts from; some registers copy another, or are one ulp from it. */
export function randomFpInit(rng: Rng, fp16: boolean): FpInit {
  const v: bigint[] = [];
  for (let i = 0; i < 32; i++) {
    let x = hardVreg(rng);
    if (i > 0 && rng.chance(0.15)) {
      const other = v[rng.below(i)];
      x = BigInt.asUintN(128, other + BigInt(rng.pick([0, 0, 1, -1])));
    }
    v.push(x);
  }
  // FPSR mostly clear, so that each flag an instruction raises shows.
  const fpsr = rng.chance(0.85) ? 0 : rng.chance(0.5) ? rng.u32() : rng.u32() & 0xf800009f;
  return { v, fpcr: randomFpcr(rng, fp16), fpsr };
}
