// Advanced SIMD three different and scalar three different (Arm ARM C4.1.95): the widening
// (S|U)ADDL/ADDW/SUBL/SUBW/ABAL/ABDL/MLAL/MLSL/MULL, SQDMLAL/SQDMLSL/SQDMULL, the narrowing
// ADDHN/RADDHN/SUBHN/RSUBHN, and PMULL (8 -> 16 bits; 64 -> 128 bits with FEAT_PMULL), with
// their "2" forms (Q = 1: the upper halves of the narrow sources, or of Vd for *HN2).
// Elements of 8 and 16 bits are exact in doubles; 32-bit sources (64-bit results) are computed
// on 32-bit halves (wideOp32).
import type { Cpu } from '../cpu.js';
import type { Op, Row } from '../decoder.js';
import { fpOp, vregs } from './simd_lanes.js';
import { flushQc, sat, view } from './simd_elem.js';
import { umulh32 } from '../alu.js';

const ftmp = new Float64Array(16);
const wtmp = new Int32Array(4);

function sqsat(x: number, bits: number): number {
  const max = 2 ** (bits - 1) - 1;
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
/**
 * wideOp for 32-bit sources: the 64-bit result of opcode into o[i] (low word), o[i + 1] (high),
 * on 32-bit halves (no BigInt). a is alo:ahi (a 32-bit source already extended, or Vn's wide
 * element), b a 32-bit source from the signed or unsigned view, d Vd's element dlo:dhi.
 */
export function wideOp32(opcode: number, alo: number, ahi: number, b: number, dlo: number, dhi: number, o: Int32Array, i: number): void {
  let lo: number;
  let hi: number;
  switch (opcode) {
    case 0b0000:
    case 0b0001: // add: b extended by its own sign (0 for the unsigned view)
      lo = (alo + b) | 0;
      hi = (ahi + (b < 0 ? -1 : 0) + ((alo >>> 0) + (b >>> 0) > 0xffffffff ? 1 : 0)) | 0;
      break;
    case 0b0010:
    case 0b0011:
      lo = (alo - b) | 0;
      hi = (ahi - (b < 0 ? -1 : 0) - ((alo >>> 0) < (b >>> 0) ? 1 : 0)) | 0;
      break;
    case 0b0101:
    case 0b0111: {
      // |a - b| < 2^32 for two 32-bit sources of the same signedness: exact in doubles
      const a = ahi < 0 ? alo : ahi === 0 && alo < 0 ? alo >>> 0 : alo;
      const x = Math.abs(a - b);
      if (opcode === 0b0111) {
        lo = x | 0;
        hi = 0;
      } else {
        lo = (dlo + x) | 0;
        hi = (dhi + ((dlo >>> 0) + x > 0xffffffff ? 1 : 0)) | 0;
      }
      break;
    }
    default: {
      // the 64-bit product: signed high word from the unsigned one (Hacker's Delight 8-3)
      const a = alo;
      let plo = Math.imul(a, b);
      let phi = (umulh32(a, b) - (ahi < 0 ? b : 0) - (b < 0 ? a : 0)) | 0;
      if (opcode === 0b1100) {
        lo = plo;
        hi = phi;
        break;
      }
      const sub = opcode === 0b1010 || opcode === 0b1011;
      if (opcode === 0b1001 || opcode === 0b1011 || opcode === 0b1101) {
        // SQDMULL: 2 * a * b saturates only for (-2^31)^2
        if (a === -0x80000000 && b === -0x80000000) {
          sat.q = 1;
          plo = -1;
          phi = 0x7fffffff;
        } else {
          phi = (phi << 1) | (plo >>> 31);
          plo <<= 1;
        }
        if (opcode === 0b1101) {
          lo = plo;
          hi = phi;
          break;
        }
        // SQDMLAL/SQDMLSL: d +/- p, saturated (overflow: the operands' signs agree after the
        // subtraction's negation and the result's differs)
        if (sub) {
          lo = (dlo - plo) | 0;
          hi = (dhi - phi - ((dlo >>> 0) < (plo >>> 0) ? 1 : 0)) | 0;
        } else {
          lo = (dlo + plo) | 0;
          hi = (dhi + phi + ((dlo >>> 0) + (plo >>> 0) > 0xffffffff ? 1 : 0)) | 0;
        }
        if ((dhi < 0) === (sub ? phi >= 0 : phi < 0) && (hi < 0) !== (dhi < 0)) {
          sat.q = 1;
          lo = dhi < 0 ? 0 : -1;
          hi = dhi < 0 ? -0x80000000 : 0x7fffffff;
        }
        break;
      }
      // MLAL, MLSL
      if (sub) {
        lo = (dlo - plo) | 0;
        hi = (dhi - phi - ((dlo >>> 0) < (plo >>> 0) ? 1 : 0)) | 0;
      } else {
        lo = (dlo + plo) | 0;
        hi = (dhi + phi + ((dlo >>> 0) + (plo >>> 0) > 0xffffffff ? 1 : 0)) | 0;
      }
    }
  }
  o[i] = lo;
  o[i + 1] = hi;
}

/** PolynomialMult of two bytes: 16 bits. */
function pmul8x8(a: number, b: number): number {
  let r = 0;
  for (let i = 0; i < 8; i++) if ((b >> i) & 1) r ^= a << i;
  return r;
}

/** The element result of opcode (esize <= 16 sources, 2*esize result); d is Vd's wide element. */
export function wideOp(opcode: number, a: number, b: number, d: number, esize: number): number {
  switch (opcode) {
    case 0b0000:
    case 0b0001:
      return a + b;
    case 0b0010:
    case 0b0011:
      return a - b;
    case 0b0101:
      return d + Math.abs(a - b);
    case 0b0111:
      return Math.abs(a - b);
    case 0b1000:
      return d + a * b;
    case 0b1010:
      return d - a * b;
    case 0b1100:
      return a * b;
    case 0b1001:
      return sqsat(d + sqsat(2 * a * b, 2 * esize), 2 * esize);
    case 0b1011:
      return sqsat(d - sqsat(2 * a * b, 2 * esize), 2 * esize);
    case 0b1101:
      return sqsat(2 * a * b, 2 * esize);
    default:
      return pmul8x8(a, b);
  }
}

/** Widening and wide forms (opcodes 0000-0011, 0101, 0111-1101, PMULL 8-bit). */
function widening(cpu: Cpu, scalar: boolean, q: number, u: number, size: number, opcode: number, rd: number, rn: number, rm: number): Op {
  const V = vregs(cpu);
  const signed = u === 0 && opcode !== 0b1110;
  const esize = 8 << size;
  const count = scalar ? 1 : 64 / esize;
  const part = scalar ? 0 : q * count;
  const wideN = opcode === 0b0001 || opcode === 0b0011;
  const r = cpu.r;
  const b8 = V.b;
  const rdByte = rd * 16;
  if (size === 2) {
    const nv = view(V, 2, signed);
    const w = V.i;
    const d = rd * 4;
    return fpOp(cpu, () => {
      for (let e = 0; e < count; e++) {
        let alo: number, ahi: number;
        if (wideN) {
          alo = w[rn * 4 + 2 * e];
          ahi = w[rn * 4 + 2 * e + 1];
        } else {
          const a = nv[rn * 4 + part + e];
          alo = a | 0;
          ahi = a < 0 ? -1 : 0;
        }
        wideOp32(opcode, alo, ahi, nv[rm * 4 + part + e], w[d + 2 * e], w[d + 2 * e + 1], wtmp, 2 * e);
      }
      for (let k = 0; k < 2 * count; k++) w[d + k] = wtmp[k];
      if (scalar) w[d + 2] = w[d + 3] = 0;
      flushQc(r);
    });
  }
  const nv = view(V, wideN ? size + 1 : size, signed);
  const mv = view(V, size, signed);
  const dv = view(V, size + 1, signed);
  const nBase = wideN ? rn * (16 >> (size + 1)) : rn * (16 >> size) + part;
  const mBase = rm * (16 >> size) + part;
  const dBase = rd * (16 >> (size + 1));
  const resBytes = count * (2 << size);
  return fpOp(cpu, () => {
    for (let e = 0; e < count; e++) ftmp[e] = wideOp(opcode, nv[nBase + e], mv[mBase + e], dv[dBase + e], esize);
    for (let e = 0; e < count; e++) dv[dBase + e] = ftmp[e];
    for (let k = resBytes; k < 16; k++) b8[rdByte + k] = 0;
    flushQc(r);
  });
}

/** ADDHN/RADDHN/SUBHN/RSUBHN(2): the high halves of Vn +/- Vm (2*esize), rounded, into part q of Vd. */
function narrowHigh(cpu: Cpu, q: number, round: boolean, sub: boolean, size: number, rd: number, rn: number, rm: number): Op {
  const V = vregs(cpu);
  const esize = 8 << size;
  const count = 64 / esize;
  const dst = view(V, size, false);
  const base = rd * (16 >> size) + q * count;
  const w = V.i;
  if (size === 2) {
    return fpOp(cpu, () => {
      for (let e = 0; e < count; e++) {
        // the high word of a +/- b + (round ? 2^31 : 0) modulo 2^64, on halves
        const al = w[rn * 4 + 2 * e] >>> 0;
        const bl = w[rm * 4 + 2 * e] >>> 0;
        const l = (sub ? al - bl : al + bl) + (round ? 0x80000000 : 0);
        const hi = sub ? w[rn * 4 + 2 * e + 1] - w[rm * 4 + 2 * e + 1] : w[rn * 4 + 2 * e + 1] + w[rm * 4 + 2 * e + 1];
        ftmp[e] = (hi + Math.floor(l / 0x100000000)) >>> 0;
      }
      for (let e = 0; e < count; e++) dst[base + e] = ftmp[e];
      if (!q) w[rd * 4 + 2] = w[rd * 4 + 3] = 0;
    });
  }
  const src = view(V, size + 1, false);
  const per = 16 >> (size + 1);
  const p = 2 ** esize;
  const rc = round ? 2 ** (esize - 1) : 0;
  return fpOp(cpu, () => {
    for (let e = 0; e < count; e++) {
      const x = (sub ? src[rn * per + e] - src[rm * per + e] : src[rn * per + e] + src[rm * per + e]) + rc;
      ftmp[e] = Math.floor(x / p);
    }
    for (let e = 0; e < count; e++) dst[base + e] = ftmp[e];
    if (!q) w[rd * 4 + 2] = w[rd * 4 + 3] = 0;
  });
}

/** PMULL(2) .1Q: 64 x 64 -> 128 carry-less multiply of part q of Vn and Vm (FEAT_PMULL). */
function pmull64(cpu: Cpu, q: number, rd: number, rn: number, rm: number): Op {
  const w = vregs(cpu).i;
  const n = rn * 4 + 2 * q;
  const m = rm * 4 + 2 * q;
  const d = rd * 4;
  return fpOp(cpu, () => {
    const a0 = w[n];
    const a1 = w[n + 1];
    const b0 = w[m];
    const b1 = w[m + 1];
    let r0 = 0;
    let r1 = 0;
    let r2 = 0;
    let r3 = 0;
    for (let i = 0; i < 64; i++) {
      const bit = i < 32 ? (b0 >>> i) & 1 : (b1 >>> (i - 32)) & 1;
      if (bit === 0) continue;
      // (a1:a0) << i into r3:r2:r1:r0
      const s = i & 31;
      const lo = s === 0 ? a0 : a0 << s;
      const mid = s === 0 ? a1 : (a1 << s) | (a0 >>> (32 - s));
      const hi = s === 0 ? 0 : a1 >>> (32 - s);
      if (i < 32) {
        r0 ^= lo;
        r1 ^= mid;
        r2 ^= hi;
      } else {
        r1 ^= lo;
        r2 ^= mid;
        r3 ^= hi;
      }
    }
    w[d] = r0;
    w[d + 1] = r1;
    w[d + 2] = r2;
    w[d + 3] = r3;
  });
}

function build(cpu: Cpu, scalar: boolean, q: number, u: number, size: number, opcode: number, rd: number, rn: number, rm: number): Op | null {
  const sq = opcode === 0b1001 || opcode === 0b1011 || opcode === 0b1101;
  if (scalar) {
    if (!sq || u !== 0 || size === 0 || size === 3) return null;
    return widening(cpu, true, 0, 0, size, opcode, rd, rn, rm);
  }
  if (opcode === 0b1111) return null;
  if (opcode === 0b1110) {
    if (u !== 0) return null;
    if (size === 0) return widening(cpu, false, q, 0, 0, opcode, rd, rn, rm);
    if (size === 3 && cpu.model.features.PMULL) return pmull64(cpu, q, rd, rn, rm);
    return null;
  }
  if (size === 3) return null;
  if (sq && (u !== 0 || size === 0)) return null;
  if (opcode === 0b0100 || opcode === 0b0110) return narrowHigh(cpu, q, u === 1, opcode === 0b0110, size, rd, rn, rm);
  return widening(cpu, false, q, u, size, opcode, rd, rn, rm);
}

export const SIMD_3DIFF_ROWS: Row[] = [
  {
    name: 'THREE_DIFF',
    pattern: '0 q:1 u:1 01110 size:2 1 rm:5 opcode:4 00 rn:5 rd:5',
    build: (f, c) => build(c.cpu, false, f.q, f.u, f.size, f.opcode, f.rd, f.rn, f.rm),
  },
  {
    name: 'THREE_DIFF_scalar',
    pattern: '01 u:1 11110 size:2 1 rm:5 opcode:4 00 rn:5 rd:5',
    build: (f, c) => build(c.cpu, true, 1, f.u, f.size, f.opcode, f.rd, f.rn, f.rm),
  },
];
