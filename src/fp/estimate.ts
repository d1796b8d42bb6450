// The reciprocal and reciprocal square root estimates of the Arm ARM shared pseudocode
// (RecipEstimate, RecipSqrtEstimate, FPRecipEstimate, FPRSqrtEstimate, UnsignedRecipEstimate,
// UnsignedRSqrtEstimate) for FRECPE, FRSQRTE, URECPE, URSQRTE: 8-bit estimates computed by the
// pseudocode's integer arithmetic, half, single and double precision.
import { fpFlags, inf, maxNormal, processNaN, rmodeOf, RM, T, unpack, zero, defaultNaN } from './softfloat.js';
import { Fpsr } from '../sysregs/fp.js';

/** RecipEstimate: a in 256..511 (0.5 <= a/512 < 1) -> 256..511. */
export function recipEstimate(a: number): number {
  a = a * 2 + 1;
  const b = Math.floor(2 ** 19 / a);
  return (b + 1) >> 1;
}

/** RecipSqrtEstimate: a in 128..511 -> 256..511. */
export function recipSqrtEstimate(a: number): number {
  if (a < 256) a = a * 2 + 1;
  else {
    a = (a >> 1) << 1;
    a = (a + 1) * 2;
  }
  let b = 512;
  while (a * (b + 1) * (b + 1) < 2 ** 28) b++;
  return (b + 1) >> 1;
}

const FB = (n: number): number => (n === 16 ? 10 : n === 32 ? 23 : 52);
const EB = (n: number): number => (n === 16 ? 5 : n === 32 ? 8 : 11);
/** The biased exponents of the pseudocode's result_exp constants by width. */
const REXP = (n: number): number => (n === 16 ? 29 : n === 32 ? 253 : 2045);
const RSEXP = (n: number): number => (n === 16 ? 44 : n === 32 ? 380 : 3068);

/** The operand's fraction as 52 bits and its biased exponent (FPRecipEstimate's scaling). */
function fracExp(n: number, op: bigint): [bigint, number] {
  const fb = FB(n);
  const frac = (op & ((1n << BigInt(fb)) - 1n)) << BigInt(52 - fb);
  const exp = Number((op >> BigInt(fb)) & ((1n << BigInt(EB(n))) - 1n));
  return [frac, exp];
}

/** FPRecipEstimate (FRECPE), n = 16, 32 or 64. */
export function fpRecipEstimate(n: number, op: bigint, fpcr: number): bigint {
  const a = unpack(n, op, fpcr);
  if (a.t === T.QNAN || a.t === T.SNAN) return processNaN(n, a.t, op, fpcr);
  if (a.t === T.INF) return zero(n, a.s);
  if (a.t === T.ZERO) {
    fpFlags.v |= Fpsr.DZC;
    return inf(n, a.s);
  }
  const [f0, exp0] = fracExp(n, op);
  // |value| < 2^-128 (single) / 2^-1024 (double): only denormals with fraction<51:50> = 00
  if (exp0 === 0 && (f0 >> 50n) === 0n) {
    const rm = rmodeOf(fpcr);
    const toInf = rm === RM.TIEEVEN || (rm === RM.POSINF && a.s === 0) || (rm === RM.NEGINF && a.s === 1);
    fpFlags.v |= Fpsr.OFC | Fpsr.IXC;
    return toInf ? inf(n, a.s) : maxNormal(n, a.s);
  }
  // FZ (FZ16 for half precision): |value| >= 2^126 / 2^1022 / 2^14 flushes the result to zero
  const fz = (fpcr & (n === 16 ? 1 << 19 : 1 << 24)) !== 0;
  if (fz && exp0 >= REXP(n)) {
    fpFlags.v |= Fpsr.UFC;
    return zero(n, a.s);
  }
  let frac = f0;
  let exp = exp0;
  if (exp === 0) {
    if (((frac >> 51n) & 1n) === 0n) {
      exp = -1;
      frac = (frac << 2n) & ((1n << 52n) - 1n);
    } else {
      frac = (frac << 1n) & ((1n << 52n) - 1n);
    }
  }
  const scaled = 256 + Number(frac >> 44n);
  let rexp = REXP(n) - exp;
  const est = recipEstimate(scaled);
  let fr = BigInt(est & 0xff) << 44n;
  if (rexp === 0) fr = (1n << 51n) | (fr >> 1n);
  else if (rexp === -1) {
    fr = (1n << 50n) | (fr >> 2n);
    rexp = 0;
  }
  const fb = FB(n);
  return (BigInt(a.s) << BigInt(n - 1)) | (BigInt(rexp) << BigInt(fb)) | (fr >> BigInt(52 - fb));
}

/** FPRSqrtEstimate (FRSQRTE), n = 16, 32 or 64. */
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
  if (a.t === T.INF) return zero(n, 0);
  let [frac, exp] = fracExp(n, op);
  const M52 = (1n << 52n) - 1n;
  if (exp === 0) {
    while (((frac >> 51n) & 1n) === 0n) {
      frac = (frac << 1n) & M52;
      exp--;
    }
    frac = (frac << 1n) & M52;
  }
  const scaled = (exp & 1) === 0 ? 256 + Number(frac >> 44n) : 128 + Number(frac >> 45n);
  const rexp = Math.floor((RSEXP(n) - exp) / 2);
  const est = recipSqrtEstimate(scaled);
  const fb = FB(n);
  return (BigInt(rexp) << BigInt(fb)) | (BigInt(est & 0xff) << BigInt(fb - 8));
}

/** UnsignedRecipEstimate (URECPE) of a 32-bit element. */
export function unsignedRecipEstimate(x: number): number {
  if ((x >>> 31) === 0) return 0xffffffff;
  return (recipEstimate(x >>> 23) & 0x1ff) * 2 ** 23;
}

/** UnsignedRSqrtEstimate (URSQRTE) of a 32-bit element. */
export function unsignedRSqrtEstimate(x: number): number {
  if ((x >>> 30) === 0) return 0xffffffff;
  return (recipSqrtEstimate(x >>> 23) & 0x1ff) * 2 ** 23;
}
