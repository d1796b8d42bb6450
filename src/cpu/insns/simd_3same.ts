// Advanced SIMD three same and scalar three same, integer (Arm ARM C4.1.95): halving and
// saturating add/sub, compares, shifts by register (plain, rounding, saturating), max/min,
// absolute difference (and accumulate), ADD/SUB, CMTST/CMEQ, MLA/MLS/MUL/PMUL, pairwise
// max/min/add, SQDMULH/SQRDMULH, and the bitwise AND/BIC/ORR/ORN/EOR/BSL/BIT/BIF.
// The FP forms (opcode 11xxx) are the vector FP group's. Semantics: the C7.2 pseudocode of
// each instruction; saturation sets FPSR.QC (SatQ).
import type { Cpu } from '../cpu.js';
import type { Op, Row } from '../decoder.js';
import { FPSR, QC, fpOp, vregs } from './simd_lanes.js';
import { lanes3, pairwise, sqdmulh, ssat, usat, type ElemFn } from './simd_elem.js';

/** The shift by register of (S|U)(R|Q)SHL on one element of esize <= 32 (shift from b<7:0>). */
function shl(esize: number, unsigned: boolean, rounding: boolean, saturating: boolean): ElemFn {
  return (a, b) => {
    let s = (b << 24) >> 24;
    if (s > 40) s = 40;
    else if (s < -40) s = -40;
    let x: number;
    if (s >= 0) x = a * 2 ** s;
    else x = Math.floor((a + (rounding ? 2 ** (-s - 1) : 0)) / 2 ** -s);
    if (saturating) return unsigned ? usat(x, esize) : ssat(x, esize);
    return x % 4294967296; // the view keeps the low esize bits (exact for |x| < 2^53)
  };
}

/** PolynomialMult of two bytes, low 8 bits. */
function pmul8(a: number, b: number): number {
  let r = 0;
  for (let i = 0; i < 8; i++) if ((b >> i) & 1) r ^= a << i;
  return r & 0xff;
}

/** The element function of a three-same integer opcode (esize <= 32), or null; signed reads. */
function elemFn(u: number, opcode: number, esize: number): ElemFn | null {
  const uns = u === 1;
  switch (opcode) {
    case 0b00000:
      return (a, b) => Math.floor((a + b) / 2); // SHADD/UHADD
    case 0b00001:
      return uns ? (a, b) => usat(a + b, esize) : (a, b) => ssat(a + b, esize);
    case 0b00010:
      return (a, b) => Math.floor((a + b + 1) / 2); // SRHADD/URHADD
    case 0b00100:
      return (a, b) => Math.floor((a - b) / 2);
    case 0b00101:
      return uns ? (a, b) => usat(a - b, esize) : (a, b) => ssat(a - b, esize);
    case 0b00110:
      return (a, b) => (a > b ? -1 : 0); // CMGT/CMHI (view decides signedness)
    case 0b00111:
      return (a, b) => (a >= b ? -1 : 0); // CMGE/CMHS
    case 0b01000:
      return shl(esize, uns, false, false);
    case 0b01001:
      return shl(esize, uns, false, true);
    case 0b01010:
      return shl(esize, uns, true, false);
    case 0b01011:
      return shl(esize, uns, true, true);
    case 0b01100:
      return (a, b) => (a > b ? a : b);
    case 0b01101:
      return (a, b) => (a < b ? a : b);
    case 0b01110:
      return (a, b) => Math.abs(a - b);
    case 0b01111:
      return (a, b, d) => d + Math.abs(a - b);
    case 0b10000:
      return uns ? (a, b) => a - b : (a, b) => a + b;
    case 0b10001:
      return uns ? (a, b) => (a === b ? -1 : 0) : (a, b) => ((a & b) !== 0 ? -1 : 0);
    case 0b10010:
      return uns ? (a, b, d) => d - Math.imul(a, b) : (a, b, d) => d + Math.imul(a, b);
    case 0b10011:
      return uns ? pmul8 : (a, b) => Math.imul(a, b);
    case 0b10100:
      return (a, b) => (a > b ? a : b);
    case 0b10101:
      return (a, b) => (a < b ? a : b);
    case 0b10110:
      return (a, b) => sqdmulh(a, b, esize, uns);
    case 0b10111:
      return (a, b) => a + b;
    default:
      return null;
  }
}

/** Whether the opcode reads its elements unsigned. */
const unsignedRead = (u: number, opcode: number): boolean =>
  u === 1 && opcode !== 0b10110 && opcode !== 0b10000 && opcode !== 0b10010 && opcode !== 0b10001;

// ---- 64-bit elements, on 32-bit halves ----

/** The 64-bit element operation of (u, opcode) on halves, writing (lo, hi) to res; or null. */
type Fn64 = (al: number, ah: number, bl: number, bh: number) => void;
const res = { lo: 0, hi: 0 };

function add64(al: number, ah: number, bl: number, bh: number): void {
  const l = (al >>> 0) + (bl >>> 0);
  res.lo = l | 0;
  res.hi = (ah + bh + (l > 0xffffffff ? 1 : 0)) | 0;
}
function sub64(al: number, ah: number, bl: number, bh: number): void {
  const l = (al >>> 0) - (bl >>> 0);
  res.lo = l | 0;
  res.hi = (ah - bh - (l < 0 ? 1 : 0)) | 0;
}
/** Compare 64-bit: -1, 0, 1. */
function cmp64(al: number, ah: number, bl: number, bh: number, signed: boolean): number {
  const x = signed ? ah : ah >>> 0;
  const y = signed ? bh : bh >>> 0;
  if (x !== y) return x < y ? -1 : 1;
  const p = al >>> 0;
  const q = bl >>> 0;
  return p === q ? 0 : p < q ? -1 : 1;
}
const setMask = (c: boolean): void => {
  res.lo = res.hi = c ? -1 : 0;
};

let sat64 = 0;

/** Sets res to the saturation limit: the signed (neg: minimum, else maximum) or unsigned (neg: 0, else all ones). */
function limit64(unsigned: boolean, neg: boolean): void {
  sat64 = 1;
  if (unsigned) res.lo = res.hi = neg ? 0 : -1;
  else {
    res.lo = neg ? 0 : -1;
    res.hi = neg ? -0x80000000 : 0x7fffffff;
  }
}

/** SQADD/UQADD/SQSUB/UQSUB: a +/- b saturated (SatQ), on halves. */
function qaddsub64(al: number, ah: number, bl: number, bh: number, sub: boolean, unsigned: boolean): void {
  if (sub) sub64(al, ah, bl, bh);
  else add64(al, ah, bl, bh);
  if (unsigned) {
    // carry out of an addition: the sum is below an operand; borrow: a < b
    if (sub ? cmp64(al, ah, bl, bh, false) < 0 : cmp64(res.lo, res.hi, al, ah, false) < 0) limit64(true, sub);
  } else if ((ah < 0) === (sub ? bh >= 0 : bh < 0) && (res.hi < 0) !== (ah < 0)) {
    limit64(false, ah < 0);
  }
}

/** res = a >> k (0 <= k), arithmetic (signed) or logical; k >= 64 gives the sign (or 0). */
function shr64(al: number, ah: number, k: number, signed: boolean): void {
  if (k === 0) {
    res.lo = al;
    res.hi = ah;
  } else if (k < 32) {
    res.lo = (al >>> k) | (ah << (32 - k));
    res.hi = signed ? ah >> k : ah >>> k;
  } else if (k < 64) {
    res.lo = signed ? ah >> (k - 32) : (ah >>> (k - 32)) | 0;
    res.hi = signed ? ah >> 31 : 0;
  } else {
    res.lo = res.hi = signed ? ah >> 31 : 0;
  }
}

/** res = a << k (0 <= k < 64), modulo 2^64. */
function shl64(al: number, ah: number, k: number): void {
  if (k === 0) {
    res.lo = al;
    res.hi = ah;
  } else if (k < 32) {
    res.hi = (ah << k) | (al >>> (32 - k));
    res.lo = al << k;
  } else {
    res.hi = al << (k - 32);
    res.lo = 0;
  }
}

/**
 * SSHL/USHL/SRSHL/URSHL/SQSHL/UQSHL/SQRSHL/UQRSHL of a 64-bit element: shift by the signed low
 * byte of b (C7.2: left for s >= 0, right for s < 0; rounding adds 2^(-s-1) first, which is the
 * last bit shifted out added to the shifted value; the saturating left shift saturates when
 * shifting back does not give a).
 */
export function shiftReg64(al: number, ah: number, bl: number, rounding: boolean, saturating: boolean, unsigned: boolean): void {
  const s = (bl << 24) >> 24;
  if (s < 0) {
    const k = -s;
    if (rounding) {
      shr64(al, ah, k - 1, !unsigned);
      const r = res.lo & 1;
      shr64(al, ah, k, !unsigned);
      if (r !== 0) add64(res.lo, res.hi, 1, 0);
    } else {
      shr64(al, ah, k, !unsigned);
    }
    return;
  }
  if (s >= 64) {
    if (saturating && (al !== 0 || ah !== 0)) limit64(unsigned, ah < 0 && !unsigned);
    else res.lo = res.hi = 0;
    return;
  }
  shl64(al, ah, s);
  if (!saturating) return;
  const lo = res.lo;
  const hi = res.hi;
  shr64(lo, hi, s, !unsigned);
  if (res.lo !== al || res.hi !== ah) limit64(unsigned, ah < 0 && !unsigned);
  else {
    res.lo = lo;
    res.hi = hi;
  }
}

function fn64(u: number, opcode: number): Fn64 | null {
  const uns = u === 1;
  switch (opcode) {
    case 0b00001:
    case 0b00101: {
      const sub = opcode === 0b00101;
      return (al, ah, bl, bh) => qaddsub64(al, ah, bl, bh, sub, uns);
    }
    case 0b00110:
      return (al, ah, bl, bh) => setMask(cmp64(al, ah, bl, bh, !uns) > 0);
    case 0b00111:
      return (al, ah, bl, bh) => setMask(cmp64(al, ah, bl, bh, !uns) >= 0);
    case 0b01000:
    case 0b01001:
    case 0b01010:
    case 0b01011: {
      const rounding = (opcode & 2) !== 0;
      const saturating = (opcode & 1) !== 0;
      return (al, ah, bl) => shiftReg64(al, ah, bl, rounding, saturating, uns);
    }
    case 0b10000:
      return uns ? sub64 : add64;
    case 0b10001:
      return uns ? (al, ah, bl, bh) => setMask(al === bl && ah === bh) : (al, ah, bl, bh) => setMask((al & bl) !== 0 || (ah & bh) !== 0);
    case 0b10111:
      return add64;
    default:
      return null;
  }
}

function lanes64(cpu: Cpu, elements: number, rd: number, rn: number, rm: number, f: Fn64, pairwiseOp: boolean): Op {
  const w = vregs(cpu).i;
  const r = cpu.r;
  const n = rn * 4;
  const m = rm * 4;
  const d = rd * 4;
  if (pairwiseOp) {
    // ADDP .2D: Vd[0] = Vn[0] + Vn[1], Vd[1] = Vm[0] + Vm[1]
    return fpOp(cpu, () => {
      f(w[n], w[n + 1], w[n + 2], w[n + 3]);
      const l0 = res.lo;
      const h0 = res.hi;
      f(w[m], w[m + 1], w[m + 2], w[m + 3]);
      w[d + 2] = res.lo;
      w[d + 3] = res.hi;
      w[d] = l0;
      w[d + 1] = h0;
    });
  }
  return fpOp(cpu, () => {
    for (let e = 0; e < elements; e++) {
      f(w[n + 2 * e], w[n + 2 * e + 1], w[m + 2 * e], w[m + 2 * e + 1]);
      w[d + 2 * e] = res.lo;
      w[d + 2 * e + 1] = res.hi;
    }
    if (elements === 1) w[d + 2] = w[d + 3] = 0;
    if (sat64 !== 0) {
      sat64 = 0;
      r[FPSR] |= QC;
    }
  });
}

/** The bitwise group (opcode 00011): AND/BIC/ORR/ORN (U = 0), EOR/BSL/BIT/BIF (U = 1) by size. */
function logical(cpu: Cpu, q: number, u: number, opc2: number, rd: number, rn: number, rm: number): Op {
  const w = vregs(cpu).i;
  const n = rn * 4;
  const m = rm * 4;
  const d = rd * 4;
  const words = q ? 4 : 2;
  const op = (u << 2) | opc2;
  return fpOp(cpu, () => {
    for (let k = 0; k < words; k++) {
      const a = w[n + k];
      const b = w[m + k];
      const c = w[d + k];
      let x: number;
      switch (op) {
        case 0:
          x = a & b;
          break;
        case 1:
          x = a & ~b;
          break;
        case 2:
          x = a | b;
          break;
        case 3:
          x = a | ~b;
          break;
        case 4:
          x = a ^ b;
          break;
        case 5:
          x = b ^ ((b ^ a) & c); // BSL
          break;
        case 6:
          x = c ^ ((c ^ a) & b); // BIT
          break;
        default:
          x = c ^ ((c ^ a) & ~b); // BIF
      }
      w[d + k] = x;
    }
    if (!q) w[d + 2] = w[d + 3] = 0;
  });
}

/** Which sizes (bit per size) an opcode allows in vector form. */
function vectorSizes(u: number, opcode: number): number {
  switch (opcode) {
    case 0b10011:
      return u ? 0b0001 : 0b0111; // PMUL: bytes only; MUL: not 64
    case 0b10110:
      return 0b0110; // SQDMULH/SQRDMULH: 16, 32
    case 0b10111:
      return u ? 0 : 0b1111; // ADDP
    case 0b00001:
    case 0b00101:
    case 0b00110:
    case 0b00111:
    case 0b01000:
    case 0b01001:
    case 0b01010:
    case 0b01011:
    case 0b10000:
    case 0b10001:
      return 0b1111;
    default:
      return opcode <= 0b10101 ? 0b0111 : 0;
  }
}

/** Which sizes the scalar form allows. */
function scalarSizes(opcode: number): number {
  switch (opcode) {
    case 0b00001:
    case 0b00101:
    case 0b01001:
    case 0b01011:
      return 0b1111; // SQADD/UQADD/SQSUB/UQSUB, (S|U)Q(R)SHL
    case 0b10110:
      return 0b0110; // SQDMULH/SQRDMULH
    case 0b00110:
    case 0b00111:
    case 0b01000:
    case 0b01010:
    case 0b10000:
    case 0b10001:
      return 0b1000; // CMxx, (S|U)(R)SHL, ADD/SUB, CMTST/CMEQ: 64-bit only
    default:
      return 0;
  }
}

function build(cpu: Cpu, scalar: boolean, q: number, u: number, size: number, opcode: number, rd: number, rn: number, rm: number): Op | null {
  if (opcode >= 0b11000) return null; // FP
  if (opcode === 0b00011) return scalar ? null : logical(cpu, q, u, size, rd, rn, rm);
  const allowed = scalar ? scalarSizes(opcode) : vectorSizes(u, opcode);
  if (((allowed >> size) & 1) === 0) return null;
  if (!scalar && size === 3 && q === 0) return null;
  const pairwiseOp = !scalar && opcode >= 0b10100 && opcode !== 0b10110;
  if (size === 3) {
    const f = fn64(u, opcode);
    if (f === null) return null;
    return lanes64(cpu, scalar ? 1 : 2, rd, rn, rm, f, pairwiseOp);
  }
  const esize = 8 << size;
  const f = elemFn(u, opcode, esize);
  if (f === null) return null;
  const signed = !unsignedRead(u, opcode);
  const bytes = scalar ? 1 << size : q ? 16 : 8;
  return pairwiseOp ? pairwise(cpu, size, signed, bytes, rd, rn, rm, f) : lanes3(cpu, size, signed, bytes, rd, rn, rm, f);
}

export const SIMD_3SAME_ROWS: Row[] = [
  {
    name: 'THREE_SAME',
    pattern: '0 q:1 u:1 01110 size:2 1 rm:5 opcode:5 1 rn:5 rd:5',
    build: (f, c) => build(c.cpu, false, f.q, f.u, f.size, f.opcode, f.rd, f.rn, f.rm),
  },
  {
    name: 'THREE_SAME_scalar',
    pattern: '01 u:1 11110 size:2 1 rm:5 opcode:5 1 rn:5 rd:5',
    build: (f, c) => build(c.cpu, true, 1, f.u, f.size, f.opcode, f.rd, f.rn, f.rm),
  },
];
