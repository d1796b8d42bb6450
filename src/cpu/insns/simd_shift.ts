// Advanced SIMD shift by immediate and scalar shift by immediate, integer (Arm ARM C4.1.95):
// SSHR/USHR, SSRA/USRA, SRSHR/URSHR, SRSRA/URSRA, SRI, SHL, SLI, SQSHLU, SQSHL/UQSHL (imm),
// SHRN/RSHRN, SQSHRN/SQRSHRN/UQSHRN/UQRSHRN, SQSHRUN/SQRSHRUN (and "2" forms), SSHLL/USHLL.
// The element size is 8 << HighestSetBit(immh); right shifts are 2 * esize - immh:immb, left
// shifts immh:immb - esize. The fixed-point conversions (opcodes 11100, 11111) are the FP
// group's. Elements of up to 32 bits are exact in doubles; 64-bit elements use 32-bit halves.
// Saturation sets FPSR.QC.
import type { Cpu } from '../cpu.js';
import type { Op, Row } from '../decoder.js';
import { fpOp, vregs } from './simd_lanes.js';
import { flushQc, sat, ssat, usat, view, narrow64to32 } from './simd_elem.js';
import { buildFixed } from './simd_fp.js';

const ftmp = new Float64Array(16);
const res = { lo: 0, hi: 0 };

/** (lo, hi) >> s, 1 <= s <= 64, arithmetic or logical, plus the rounding bit s-1 when `round`. */
function shr64(lo: number, hi: number, s: number, signed: boolean, round: boolean): void {
  let rl: number;
  let rh: number;
  if (s >= 64) {
    rl = rh = signed ? hi >> 31 : 0;
  } else if (s >= 32) {
    rl = s === 32 ? hi : signed ? hi >> (s - 32) : hi >>> (s - 32);
    rh = signed ? hi >> 31 : 0;
  } else {
    rl = (lo >>> s) | (hi << (32 - s));
    rh = signed ? hi >> s : hi >>> s;
  }
  if (round) {
    const bit = s - 1 >= 32 ? (hi >>> (s - 33)) & 1 : (lo >>> (s - 1)) & 1;
    const l = (rl >>> 0) + bit;
    rl = l | 0;
    if (l > 0xffffffff) rh = (rh + 1) | 0;
  }
  res.lo = rl;
  res.hi = rh;
}

/** Per-element operation kinds. */
const enum K {
  SHR, // SSHR/USHR, SRSHR/URSHR (round)
  SRA, // accumulate
  SRI,
  SHL,
  SLI,
  QSHL, // SQSHL/UQSHL/SQSHLU
}

/** Vector or scalar same-width shifts. */
function sameWidth(cpu: Cpu, bytes: number, size: number, kind: K, signed: boolean, round: boolean, qkind: number, shift: number, rd: number, rn: number): Op {
  const V = vregs(cpu);
  const esize = 8 << size;
  const r = cpu.r;
  const b = V.b;
  const clearFrom = rd * 16 + bytes;
  const clearTo = rd * 16 + 16;
  if (size === 3) {
    const w = V.i;
    const n = rn * 4;
    const d = rd * 4;
    const count = bytes >> 3;
    const maskLoR = shift >= 64 ? 0 : shift >= 32 ? -1 >>> (shift - 32) : -1;
    const maskHiR = shift >= 32 ? 0 : -1 >>> shift; // SRI: bits written
    const maskLoL = shift >= 32 ? 0 : -1 << shift; // SLI
    const maskHiL = shift >= 32 ? -1 << (shift - 32) : -1;
    return fpOp(cpu, () => {
      for (let e = 0; e < count; e++) {
        const lo = w[n + 2 * e];
        const hi = w[n + 2 * e + 1];
        const dl = w[d + 2 * e];
        const dh = w[d + 2 * e + 1];
        switch (kind) {
          case K.SHR:
            shr64(lo, hi, shift, signed, round);
            break;
          case K.SRA: {
            shr64(lo, hi, shift, signed, round);
            const l = (res.lo >>> 0) + (dl >>> 0);
            res.hi = (res.hi + dh + (l > 0xffffffff ? 1 : 0)) | 0;
            res.lo = l | 0;
            break;
          }
          case K.SRI:
            shr64(lo, hi, shift, false, false);
            res.lo = (dl & ~maskLoR) | (res.lo & maskLoR);
            res.hi = (dh & ~maskHiR) | (res.hi & maskHiR);
            break;
          case K.SHL:
          case K.SLI: {
            let sl: number;
            let sh: number;
            if (shift === 0) {
              sl = lo;
              sh = hi;
            } else if (shift >= 32) {
              sl = 0;
              sh = lo << (shift - 32);
            } else {
              sl = lo << shift;
              sh = (hi << shift) | (lo >>> (32 - shift));
            }
            if (kind === K.SHL) {
              res.lo = sl;
              res.hi = sh;
            } else {
              res.lo = (dl & ~maskLoL) | (sl & maskLoL);
              res.hi = (dh & ~maskHiL) | (sh & maskHiL);
            }
            break;
          }
          default: {
            // qkind 0 SQSHL, 1 UQSHL, 2 SQSHLU (signed in, unsigned out: a negative a gives 0).
            // a << shift saturates when shifting it back (arithmetic for SQSHL) does not give a.
            if (qkind === 2 && hi < 0) {
              sat.q = 1;
              res.lo = res.hi = 0;
              break;
            }
            let sl: number, sh: number, bl: number, bh: number;
            if (shift === 0) {
              sl = bl = lo;
              sh = bh = hi;
            } else if (shift >= 32) {
              sl = 0;
              sh = lo << (shift - 32);
              bl = qkind === 0 ? sh >> (shift - 32) : (sh >>> (shift - 32)) | 0;
              bh = qkind === 0 ? sh >> 31 : 0;
            } else {
              sl = lo << shift;
              sh = (hi << shift) | (lo >>> (32 - shift));
              bl = (sl >>> shift) | (sh << (32 - shift));
              bh = qkind === 0 ? sh >> shift : sh >>> shift;
            }
            if (bl !== lo || bh !== hi) {
              sat.q = 1;
              res.lo = qkind === 0 && hi < 0 ? 0 : -1;
              res.hi = qkind !== 0 ? -1 : hi < 0 ? -0x80000000 : 0x7fffffff;
            } else {
              res.lo = sl;
              res.hi = sh;
            }
          }
        }
        w[d + 2 * e] = res.lo;
        w[d + 2 * e + 1] = res.hi;
      }
      for (let k = clearFrom; k < clearTo; k++) b[k] = 0;
      flushQc(r);
    });
  }
  const src = view(V, size, signed);
  const dst = view(V, size, false);
  const per = 16 >> size;
  const n = rn * per;
  const d = rd * per;
  const count = bytes >> size;
  const p = 2 ** shift;
  const half = round ? 2 ** (shift - 1) : 0;
  const ones = 2 ** esize - 1;
  const sriMask = Math.floor(ones / p); // bits SRI writes
  const sliMask = (ones * p) % 2 ** esize; // bits SLI writes
  return fpOp(cpu, () => {
    for (let e = 0; e < count; e++) {
      const a = src[n + e];
      const dv = dst[d + e];
      let x: number;
      switch (kind) {
        case K.SHR:
          x = Math.floor((a + half) / p);
          break;
        case K.SRA:
          x = dv + Math.floor((a + half) / p);
          break;
        case K.SRI:
          x = (dv - (dv & sriMask) + Math.floor(a / p)) % 2 ** esize; // a unsigned here
          break;
        case K.SHL:
          x = (a * p) % 2 ** esize;
          break;
        case K.SLI:
          x = ((dv & ~sliMask & ones) >>> 0) + ((a * p) % 2 ** esize);
          break;
        default:
          x = qkind === 0 ? ssat(a * p, esize) : usat(a * p, esize);
      }
      ftmp[e] = x;
    }
    for (let e = 0; e < count; e++) dst[d + e] = ftmp[e];
    for (let k = clearFrom; k < clearTo; k++) b[k] = 0;
    flushQc(r);
  });
}

/**
 * Narrowing right shifts: Vn's 2*esize elements >> shift (rounded), truncated (kind 0) or
 * saturated signed (1), unsigned from unsigned (2), unsigned from signed (3), into part q of
 * Vd (vector) or a scalar.
 */
function narrowShift(cpu: Cpu, scalar: boolean, q: number, size: number, kind: number, round: boolean, shift: number, rd: number, rn: number): Op {
  const V = vregs(cpu);
  const esize = 8 << size;
  const count = scalar ? 1 : 64 / esize;
  const srcSigned = kind === 1 || kind === 3;
  const dst = view(V, size, false);
  const r = cpu.r;
  const w = V.i;
  const b = V.b;
  const src = size < 2 ? view(V, size + 1, srcSigned) : null;
  const sper = 16 >> (size + 1);
  const base = rd * (16 >> size) + (scalar ? 0 : q * count);
  const p = 2 ** shift;
  const half = round ? 2 ** (shift - 1) : 0;
  return fpOp(cpu, () => {
    for (let e = 0; e < count; e++) {
      let x: number;
      if (src !== null) {
        const a = Math.floor((src[rn * sper + e] + half) / p);
        x = kind === 0 ? a % 4294967296 : kind === 1 ? ssat(a, esize) : usat(a, esize);
      } else {
        shr64(w[rn * 4 + 2 * e], w[rn * 4 + 2 * e + 1], shift, srcSigned, round);
        x = narrow64to32(kind, res.lo, res.hi);
      }
      ftmp[e] = x;
    }
    for (let e = 0; e < count; e++) dst[base + e] = ftmp[e];
    if (scalar) for (let k = rd * 16 + (1 << size); k < rd * 16 + 16; k++) b[k] = 0;
    else if (q === 0) w[rd * 4 + 2] = w[rd * 4 + 3] = 0;
    flushQc(r);
  });
}

/** SSHLL/USHLL(2): widen part q of Vn to 2*esize, << shift. */
function shll(cpu: Cpu, q: number, size: number, signed: boolean, shift: number, rd: number, rn: number): Op {
  const V = vregs(cpu);
  const esize = 8 << size;
  const count = 64 / esize;
  const src = view(V, size, signed);
  const n = rn * (16 >> size) + q * count;
  const w = V.i;
  const p = 2 ** shift;
  if (size === 2) {
    const d = rd * 4;
    return fpOp(cpu, () => {
      for (let e = 0; e < count; e++) ftmp[e] = src[n + e];
      for (let e = 0; e < count; e++) {
        const a = ftmp[e];
        const lo = a | 0;
        const hi = signed ? a < 0 ? -1 : 0 : 0;
        if (shift === 0) {
          w[d + 2 * e] = lo;
          w[d + 2 * e + 1] = hi;
        } else {
          w[d + 2 * e] = lo << shift;
          w[d + 2 * e + 1] = (hi << shift) | (lo >>> (32 - shift));
        }
      }
    });
  }
  const dst = view(V, size + 1, false);
  const d = rd * (16 >> (size + 1));
  return fpOp(cpu, () => {
    for (let e = 0; e < count; e++) ftmp[e] = src[n + e] * p;
    for (let e = 0; e < count; e++) dst[d + e] = ftmp[e];
  });
}

/** HighestSetBit(immh) */
const hsb = (immh: number): number => 31 - Math.clz32(immh);

function build(cpu: Cpu, scalar: boolean, q: number, u: number, immh: number, immb: number, opcode: number, rd: number, rn: number): Op | null {
  if (immh === 0) return null;
  const size = hsb(immh);
  const esize = 8 << size;
  const immhb = (immh << 3) | immb;
  const rshift = 2 * esize - immhb;
  const lshift = immhb - esize;
  const signed = u === 0;
  const bytes = scalar ? 1 << size : q ? 16 : 8;
  if (opcode >= 0b10000 && opcode <= 0b10100) {
    if (immh >= 8) return null;
    if (opcode === 0b10100) return scalar ? null : shll(cpu, q, size, signed, lshift, rd, rn);
    const round = (opcode & 1) === 1;
    // U=0: 10000 SHRN, 10001 RSHRN, 10010 SQSHRN, 10011 SQRSHRN;
    // U=1: 10000 SQSHRUN, 10001 SQRSHRUN, 10010 UQSHRN, 10011 UQRSHRN
    const kind = u === 0 ? (opcode & 2 ? 1 : 0) : opcode & 2 ? 2 : 3;
    if (scalar && kind === 0) return null;
    return narrowShift(cpu, scalar, q, size, kind, round, rshift, rd, rn);
  }
  if (!scalar && size === 3 && q === 0) return null;
  const only64 = scalar && size !== 3;
  switch ((u << 5) | opcode) {
    case 0b000000:
    case 0b100000:
      return only64 ? null : sameWidth(cpu, bytes, size, K.SHR, signed, false, 0, rshift, rd, rn);
    case 0b000010:
    case 0b100010:
      return only64 ? null : sameWidth(cpu, bytes, size, K.SRA, signed, false, 0, rshift, rd, rn);
    case 0b000100:
    case 0b100100:
      return only64 ? null : sameWidth(cpu, bytes, size, K.SHR, signed, true, 0, rshift, rd, rn);
    case 0b000110:
    case 0b100110:
      return only64 ? null : sameWidth(cpu, bytes, size, K.SRA, signed, true, 0, rshift, rd, rn);
    case 0b101000:
      return only64 ? null : sameWidth(cpu, bytes, size, K.SRI, false, false, 0, rshift, rd, rn);
    case 0b001010:
      return only64 ? null : sameWidth(cpu, bytes, size, K.SHL, false, false, 0, lshift, rd, rn);
    case 0b101010:
      return only64 ? null : sameWidth(cpu, bytes, size, K.SLI, false, false, 0, lshift, rd, rn);
    case 0b101100:
      return sameWidth(cpu, bytes, size, K.QSHL, true, false, 2, lshift, rd, rn); // SQSHLU
    case 0b001110:
      return sameWidth(cpu, bytes, size, K.QSHL, true, false, 0, lshift, rd, rn); // SQSHL
    case 0b101110:
      return sameWidth(cpu, bytes, size, K.QSHL, false, false, 1, lshift, rd, rn); // UQSHL
    default:
      return null;
  }
}

export const SIMD_SHIFT_ROWS: Row[] = [
  {
    name: 'SHIFT_IMM',
    pattern: '0 q:1 u:1 011110 immh:4 immb:3 opcode:5 1 rn:5 rd:5',
    build: (f, c) => build(c.cpu, false, f.q, f.u, f.immh, f.immb, f.opcode, f.rd, f.rn) ?? buildFixed(c.cpu, false, f.q, f.u, f.immh, f.immb, f.opcode, f.rd, f.rn),
  },
  {
    name: 'SHIFT_IMM_scalar',
    pattern: '01 u:1 111110 immh:4 immb:3 opcode:5 1 rn:5 rd:5',
    build: (f, c) => build(c.cpu, true, 1, f.u, f.immh, f.immb, f.opcode, f.rd, f.rn) ?? buildFixed(c.cpu, true, 1, f.u, f.immh, f.immb, f.opcode, f.rd, f.rn),
  },
];
