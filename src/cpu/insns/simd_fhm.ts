// FEAT_FHM (Arm ARM C7.2 FMLAL, FMLAL2, FMLSL, FMLSL2, vector and by element): each single
// precision lane of Vd += (or -=) the product of two half-precision elements taken from the
// lower (FMLAL/FMLSL) or upper (FMLAL2/FMLSL2) half of the source's datasize (Vpart), with
// one rounding: FPMulAddH. Its half inputs are unpacked with FPCR.FZ16 (flushed without IDC),
// the single addend and the result with FPCR.FZ; FPProcessNaNs3H takes NaNs in the order
// addend, op1, op2 and widens a half NaN as FPConvertNaN does. That is fpMulAdd on single
// precision once each half is widened bit for bit (`widen`): the widening is exact, a half
// denormal becomes a single normal (nothing left for FZ to flush), and a half NaN keeps its
// quiet bit and payload as FPConvertNaN's does, so quieting after widening gives the same NaN
// and IOC. QEMU 7.2 computes it the same way (float16_to_float32_by_bits, then float32_muladd).
// FMLSL negates op1 before the product (FPNeg, so a NaN's sign flips too).
// Fast path (no BigInt): with FPCR.RMode = 0 and no NaN or infinity, the product of two
// halves is exact in a double (22-bit significands) and so is the sum when TwoSum's error is
// 0; then Math.fround rounds it once, as FPRound does, provided the result is above the
// smallest normal (no underflow, so FZ changes nothing) and finite, and the only flag is IXC.
// A single denormal addend under FZ (IDC) and anything else take the soft-float path.
import type { Cpu } from '../cpu.js';
import type { Op, Row } from '../decoder.js';
import { FPSR, fpOp, vregs } from './simd_lanes.js';
import { Slot } from '../state.js';
import { fpFlags, fpMulAdd } from '../../fp/softfloat.js';
import { Fpcr, Fpsr } from '../../sysregs/fp.js';

const FPCR = Slot.FPCR * 2;

/** A half-precision bit pattern widened exactly to single precision; FZ16 flushes a denormal to a signed zero. */
export function widen(h: number, fz16: boolean): number {
  const sign = (h & 0x8000) << 16;
  const exp = (h >>> 10) & 0x1f;
  let frac = h & 0x3ff;
  if (exp === 0x1f) return (sign | (0xff << 23) | (frac << 13)) >>> 0; // infinity, NaN (payload kept)
  if (exp !== 0) return (sign | ((exp + 112) << 23) | (frac << 13)) >>> 0;
  if (frac === 0 || fz16) return sign >>> 0;
  // denormal: frac * 2^-24, normalised (the leading one at bit 10)
  let e = 113;
  while ((frac & 0x400) === 0) {
    frac <<= 1;
    e--;
  }
  return (sign | (e << 23) | ((frac & 0x3ff) << 13)) >>> 0;
}

const nTmp = new Uint16Array(4);
const mTmp = new Uint16Array(4);
const dTmp = new Uint32Array(4);
const dTmpF = new Float32Array(dTmp.buffer);

/** 2^(exp - 25) for a half's biased exponent 1..30 (value = (1024 + frac) * that); [0]: 2^-24 (denormals). */
const SCALE = new Float64Array(31).map((_, e) => 2 ** (e === 0 ? -24 : e - 25));
const MIN_NORMAL32 = 2 ** -126;

/** The value of a finite half (exponent not 31); FZ16 flushes a denormal to a signed zero. */
function halfValue(h: number, fz16: boolean): number {
  const exp = (h >>> 10) & 0x1f;
  const frac = h & 0x3ff;
  const m = exp === 0 ? (fz16 ? 0 : frac) : frac | 0x400;
  const v = m * SCALE[exp];
  return h & 0x8000 ? -v : v;
}

/**
 * FMLAL/FMLSL (part 0) and FMLAL2/FMLSL2 (part 1); `index` >= 0: by element (Vm element
 * `index` for every lane), else vector (Vm's elements of the same part).
 */
function fmlal(cpu: Cpu, q: number, part: number, sub: boolean, rd: number, rn: number, rm: number, index: number): Op | null {
  if (!cpu.model.features.FHM) return null;
  const V = vregs(cpu);
  const h = V.h;
  const s = V.s;
  const i32 = V.i;
  const u = cpu.u;
  const count = q ? 4 : 2; // single-precision lanes of Vd
  // Vpart[n, part] of datasize / 2 bits: its first half element
  const nBase = rn * 8 + part * count;
  const mBase = index >= 0 ? rm * 8 + index : rm * 8 + part * count;
  const mStep = index >= 0 ? 0 : 1;
  const negBit = sub ? 0x8000 : 0;
  const f32 = V.f32;
  return fpOp(cpu, () => {
    fpFlags.v = 0;
    const fpcr = u[FPCR];
    const fz16 = (fpcr & Fpcr.FZ16) !== 0;
    const fast = (fpcr & (3 << Fpcr.RMODE_SHIFT)) === 0;
    const fz = (fpcr & Fpcr.FZ) !== 0;
    let flags = 0;
    // Every source element is read before Vd is written (Vd may be Vn or Vm).
    for (let e = 0; e < count; e++) {
      nTmp[e] = h[nBase + e] ^ negBit;
      mTmp[e] = h[mBase + e * mStep];
    }
    for (let e = 0; e < count; e++) {
      const hn = nTmp[e];
      const hm = mTmp[e];
      const dBits = s[rd * 4 + e];
      const dExp = (dBits >>> 23) & 0xff;
      if (fast && (hn & 0x7c00) !== 0x7c00 && (hm & 0x7c00) !== 0x7c00 && dExp !== 0xff && (dExp !== 0 || !fz || (dBits & 0x7fffff) === 0)) {
        const dv = f32[rd * 4 + e];
        const p = halfValue(hn, fz16) * halfValue(hm, fz16);
        const sum = dv + p;
        // TwoSum: sum is exact when err is 0
        const bv = sum - dv;
        const err = (dv - (sum - bv)) + (p - bv);
        if (err === 0) {
          if (sum === 0) {
            dTmpF[e] = sum; // an exact zero: the signs as FPMulAddH gives them in round to nearest
            continue;
          }
          const r = Math.fround(sum);
          if (Math.abs(sum) > MIN_NORMAL32 && Math.abs(r) !== Infinity) {
            if (r !== sum) flags |= Fpsr.IXC;
            dTmpF[e] = r;
            continue;
          }
        }
      }
      const a = widen(hn, fz16);
      const b = widen(hm, fz16);
      dTmp[e] = Number(fpMulAdd(32, BigInt(dBits), BigInt(a), BigInt(b), fpcr));
    }
    for (let e = 0; e < count; e++) s[rd * 4 + e] = dTmp[e];
    if (!q) i32[rd * 4 + 2] = i32[rd * 4 + 3] = 0;
    u[FPSR] |= fpFlags.v | flags;
  });
}

// More fixed bits than the three same FP row (FP_THREE_SAME) and the by element row
// (BY_ELEM), which leave these encodings unallocated: the decoder tries these first.
export const SIMD_FHM_ROWS: Row[] = [
  // Advanced SIMD three same: U = 0, size = s:0, opcode 11101 (FMLAL/FMLSL)
  { name: 'FMLAL_vec', pattern: '0 q:1 0 01110 s:1 0 1 rm:5 11101 1 rn:5 rd:5',
    build: (f, c) => fmlal(c.cpu, f.q, 0, f.s === 1, f.rd, f.rn, f.rm, -1) },
  // U = 1, size = s:0, opcode 11001 (FMLAL2/FMLSL2)
  { name: 'FMLAL2_vec', pattern: '0 q:1 1 01110 s:1 0 1 rm:5 11001 1 rn:5 rd:5',
    build: (f, c) => fmlal(c.cpu, f.q, 1, f.s === 1, f.rd, f.rn, f.rm, -1) },
  // Advanced SIMD vector x indexed element: size = 10, U = 0 opcode 0s00 (FMLAL/FMLSL),
  // U = 1 opcode 1s00 (FMLAL2/FMLSL2); index H:L:M, Rm in V0-V15
  { name: 'FMLAL_elem', pattern: '0 q:1 0 01111 10 L:1 M:1 rm:4 0 s:1 00 H:1 0 rn:5 rd:5',
    build: (f, c) => fmlal(c.cpu, f.q, 0, f.s === 1, f.rd, f.rn, f.rm, (f.H << 2) | (f.L << 1) | f.M) },
  { name: 'FMLAL2_elem', pattern: '0 q:1 1 01111 10 L:1 M:1 rm:4 1 s:1 00 H:1 0 rn:5 rd:5',
    build: (f, c) => fmlal(c.cpu, f.q, 1, f.s === 1, f.rd, f.rn, f.rm, (f.H << 2) | (f.L << 1) | f.M) },
];
