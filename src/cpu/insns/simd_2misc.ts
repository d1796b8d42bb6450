// Advanced SIMD two-register miscellaneous and scalar two-register miscellaneous, integer
// (Arm ARM C4.1.95): REV16/REV32/REV64, SADDLP/UADDLP/SADALP/UADALP, SUQADD/USQADD, CLS/CLZ,
// CNT, NOT, RBIT, SQABS/SQNEG, CMGT/CMGE/CMEQ/CMLE/CMLT #0, ABS/NEG, XTN/SQXTN/UQXTN/SQXTUN
// (and their "2" forms), SHLL. The FP forms are the vector FP group's. Saturation sets
// FPSR.QC (SatQ); semantics from the C7.2 pseudocode.
import type { Cpu } from '../cpu.js';
import type { Op, Row } from '../decoder.js';
import { FPSR, QC, fpOp, vregs } from './simd_lanes.js';
import { flushQc, sat, ssat, usat, view, narrow64to32 } from './simd_elem.js';
import { build2 as fpBuild2 } from './simd_fp.js';

const tmp = new Uint8Array(16);
const ftmp = new Float64Array(16);

/** REV16/32/64: reverse the esize elements within each container of `cbytes` bytes. */
function rev(cpu: Cpu, q: number, size: number, cbytes: number, rd: number, rn: number): Op {
  const b = vregs(cpu).b;
  const bytes = q ? 16 : 8;
  const eb = 1 << size;
  const n = rn * 16;
  const d = rd * 16;
  return fpOp(cpu, () => {
    for (let c = 0; c < bytes; c += cbytes) {
      for (let e = 0; e < cbytes; e += eb) {
        const to = c + cbytes - eb - e;
        for (let k = 0; k < eb; k++) tmp[to + k] = b[n + c + e + k];
      }
    }
    for (let i = 0; i < bytes; i++) b[d + i] = tmp[i];
    for (let i = bytes; i < 16; i++) b[d + i] = 0;
  });
}

/** An element function for esize <= 32: a is Vn[e] (signed or unsigned), d is Vd[e]. */
type Fn1 = (a: number, d: number) => number;

function clz(x: number, esize: number): number {
  return Math.clz32(x) - (32 - esize);
}

function lanes1(cpu: Cpu, size: number, signed: boolean, dsigned: boolean, bytes: number, rd: number, rn: number, fn: Fn1): Op {
  const V = vregs(cpu);
  const src = view(V, size, signed);
  const dst = view(V, size, dsigned);
  const per = 16 >> size;
  const n = rn * per;
  const d = rd * per;
  const count = bytes >> size;
  const b = V.b;
  const r = cpu.r;
  const from = rd * 16 + bytes;
  const to = rd * 16 + 16;
  return fpOp(cpu, () => {
    for (let e = 0; e < count; e++) dst[d + e] = fn(src[n + e], dst[d + e]);
    for (let k = from; k < to; k++) b[k] = 0;
    flushQc(r);
  });
}

// ---- 64-bit elements, on halves ----
const res = { lo: 0, hi: 0 };
type Fn64 = (lo: number, hi: number, dlo: number, dhi: number) => void;

function neg64(lo: number, hi: number): void {
  res.lo = -lo | 0;
  res.hi = (~hi + (lo === 0 ? 1 : 0)) | 0;
}
const MIN_HI = -0x80000000;

function fn64(u: number, opcode: number): Fn64 | null {
  switch ((u << 5) | opcode) {
    case 0b001000: // CMGT #0
      return (lo, hi) => (res.lo = res.hi = hi > 0 || (hi === 0 && lo !== 0) ? -1 : 0);
    case 0b101000: // CMGE #0
      return (lo, hi) => (res.lo = res.hi = hi >= 0 ? -1 : 0);
    case 0b001001: // CMEQ #0
      return (lo, hi) => (res.lo = res.hi = lo === 0 && hi === 0 ? -1 : 0);
    case 0b101001: // CMLE #0
      return (lo, hi) => (res.lo = res.hi = hi < 0 || (lo === 0 && hi === 0) ? -1 : 0);
    case 0b001010: // CMLT #0
      return (lo, hi) => (res.lo = res.hi = hi < 0 ? -1 : 0);
    case 0b001011: // ABS
      return (lo, hi) => {
        if (hi < 0) neg64(lo, hi);
        else {
          res.lo = lo;
          res.hi = hi;
        }
      };
    case 0b101011: // NEG
      return neg64;
    case 0b000111: // SQABS
    case 0b100111: // SQNEG
      {
        const negate = u === 1;
        return (lo, hi) => {
          if (hi === MIN_HI && lo === 0) {
            sat.q = 1;
            res.lo = -1;
            res.hi = 0x7fffffff;
          } else if (negate || hi < 0) neg64(lo, hi);
          else {
            res.lo = lo;
            res.hi = hi;
          }
        };
      }
    case 0b000011: // SUQADD: signed(d) + unsigned(n), signed saturation
      return (lo, hi, dlo, dhi) => {
        // the sum of a signed and an unsigned 64-bit value exceeds 2^63 - 1 when the 64-bit sum
        // carries out with d >= 0 or n >= 2^63 ... on halves: sum = d + n modulo 2^64, carry c
        const l = (dlo >>> 0) + (lo >>> 0);
        const h = (dhi >>> 0) + (hi >>> 0) + (l > 0xffffffff ? 1 : 0);
        res.lo = l | 0;
        res.hi = h | 0;
        // exact sum = signed(d) + unsigned(n) = (h * 2^32 + l) - (d < 0 ? 2^64 : 0)
        // too large iff >= 2^63: d >= 0: h >= 2^31; d < 0: h >= 2^32 + 2^31
        if (h >= (dhi < 0 ? 0x180000000 : 0x80000000)) {
          sat.q = 1;
          res.lo = -1;
          res.hi = 0x7fffffff;
        }
      };
    case 0b100011: // USQADD: unsigned(d) + signed(n), unsigned saturation
      return (lo, hi, dlo, dhi) => {
        const l = (dlo >>> 0) + (lo >>> 0);
        const h = (dhi >>> 0) + (hi >>> 0) + (l > 0xffffffff ? 1 : 0);
        res.lo = l | 0;
        res.hi = h | 0;
        // exact sum = (h * 2^32 + l) - (n < 0 ? 2^64 : 0): n >= 0 overflows iff h >= 2^32;
        // n < 0 is negative iff h < 2^32
        if (hi < 0 ? h < 0x100000000 : h >= 0x100000000) {
          sat.q = 1;
          res.lo = res.hi = hi < 0 ? 0 : -1;
        }
      };
    default:
      return null;
  }
}

function lanes64(cpu: Cpu, elements: number, rd: number, rn: number, f: Fn64): Op {
  const w = vregs(cpu).i;
  const r = cpu.r;
  const n = rn * 4;
  const d = rd * 4;
  return fpOp(cpu, () => {
    for (let e = 0; e < elements; e++) {
      f(w[n + 2 * e], w[n + 2 * e + 1], w[d + 2 * e], w[d + 2 * e + 1]);
      w[d + 2 * e] = res.lo;
      w[d + 2 * e + 1] = res.hi;
    }
    if (elements === 1) w[d + 2] = w[d + 3] = 0;
    if (sat.q !== 0) {
      sat.q = 0;
      r[FPSR] |= QC;
    }
  });
}

/** The element function of (u, opcode) for esize <= 32, and whether it reads signed. */
function fn32(u: number, opcode: number, esize: number): [Fn1, boolean] | null {
  switch ((u << 5) | opcode) {
    case 0b000011:
      return [(a, d) => ssat(d + a, esize), false]; // SUQADD: n unsigned, d signed
    case 0b100011:
      return [(a, d) => usat(d + a, esize), true]; // USQADD: n signed, d unsigned
    case 0b000100:
      return [(a) => clz((a ^ (a >> 1)) & (2 ** (esize - 1) - 1), esize) - 1, true]; // CLS: CLZ of x<N-1:1> EOR x<N-2:0>
    case 0b100100:
      return [(a) => clz(a, esize), false]; // CLZ
    case 0b000101: {
      return [
        (a) => {
          let x = a - ((a >> 1) & 0x55);
          x = (x & 0x33) + ((x >> 2) & 0x33);
          return (x + (x >> 4)) & 0x0f;
        },
        false,
      ]; // CNT
    }
    case 0b000111:
      return [(a) => ssat(Math.abs(a), esize), true]; // SQABS
    case 0b100111:
      return [(a) => ssat(-a, esize), true]; // SQNEG
    case 0b001000:
      return [(a) => (a > 0 ? -1 : 0), true];
    case 0b101000:
      return [(a) => (a >= 0 ? -1 : 0), true];
    case 0b001001:
      return [(a) => (a === 0 ? -1 : 0), true];
    case 0b101001:
      return [(a) => (a <= 0 ? -1 : 0), true];
    case 0b001010:
      return [(a) => (a < 0 ? -1 : 0), true];
    case 0b001011:
      return [(a) => Math.abs(a), true];
    case 0b101011:
      return [(a) => -a, true];
    default:
      return null;
  }
}

/** XTN/SQXTN/UQXTN/SQXTUN (kind 0..3): narrow Vn's 2*esize elements into part q of Vd (vector) or a scalar. */
function narrow(cpu: Cpu, scalar: boolean, q: number, size: number, kind: number, rd: number, rn: number): Op {
  const V = vregs(cpu);
  const esize = 8 << size;
  const count = scalar ? 1 : 64 / esize;
  const srcSigned = kind === 1 || kind === 3;
  const dst = view(V, size, false);
  const r = cpu.r;
  const w = V.i;
  const b = V.b;
  const rnw = rn * 4;
  const src = size < 2 ? view(V, size + 1, srcSigned) : null;
  const sper = 16 >> (size + 1);
  const base = rd * (16 >> size) + (scalar ? 0 : q * count);
  return fpOp(cpu, () => {
    for (let e = 0; e < count; e++) {
      let x: number;
      if (src !== null) {
        const a = src[rn * sper + e];
        x = kind === 0 ? a : kind === 1 ? ssat(a, esize) : usat(a, esize);
      } else {
        x = narrow64to32(kind, w[rnw + 2 * e], w[rnw + 2 * e + 1]);
      }
      ftmp[e] = x;
    }
    for (let e = 0; e < count; e++) dst[base + e] = ftmp[e];
    if (scalar) for (let k = rd * 16 + (1 << size); k < rd * 16 + 16; k++) b[k] = 0;
    else if (q === 0) w[rd * 4 + 2] = w[rd * 4 + 3] = 0;
    flushQc(r);
  });
}

/** SADDLP/UADDLP (acc false), SADALP/UADALP (acc true): pairs of Vn's esize elements summed into 2*esize. */
function addlp(cpu: Cpu, q: number, size: number, signed: boolean, acc: boolean, rd: number, rn: number): Op {
  const V = vregs(cpu);
  const bytes = q ? 16 : 8;
  const esize = 8 << size;
  const count = bytes / (2 * (esize / 8));
  const src = view(V, size, signed);
  const n = rn * (16 >> size);
  const w = V.i;
  if (size === 2) {
    // 64-bit results on halves
    const d = rd * 4;
    return fpOp(cpu, () => {
      for (let e = 0; e < count; e++) {
        let s = src[n + 2 * e] + src[n + 2 * e + 1]; // exact, |s| < 2^33
        let lo = s % 4294967296;
        if (lo < 0) lo += 4294967296;
        let hi = Math.floor(s / 4294967296);
        if (acc) {
          const l = lo + (w[d + 2 * e] >>> 0);
          hi = hi + w[d + 2 * e + 1] + (l > 0xffffffff ? 1 : 0);
          lo = l;
        }
        ftmp[2 * e] = lo;
        ftmp[2 * e + 1] = hi;
        s = 0;
      }
      for (let e = 0; e < 2 * count; e++) w[d + e] = ftmp[e];
      if (!q) w[d + 2] = w[d + 3] = 0;
    });
  }
  const dst = view(V, size + 1, signed);
  const d = rd * (16 >> (size + 1));
  return fpOp(cpu, () => {
    for (let e = 0; e < count; e++) ftmp[e] = src[n + 2 * e] + src[n + 2 * e + 1] + (acc ? dst[d + e] : 0);
    for (let e = 0; e < count; e++) dst[d + e] = ftmp[e];
    if (!q) w[rd * 4 + 2] = w[rd * 4 + 3] = 0;
  });
}

/** SHLL/SHLL2: Vd (2*esize) = Vn's part q elements << esize. */
function shll(cpu: Cpu, q: number, size: number, rd: number, rn: number): Op {
  const V = vregs(cpu);
  const esize = 8 << size;
  const count = 64 / esize;
  const src = view(V, size, false);
  const n = rn * (16 >> size) + q * count;
  const w = V.i;
  if (size === 2) {
    const d = rd * 4;
    return fpOp(cpu, () => {
      for (let e = 0; e < count; e++) ftmp[e] = src[n + e];
      for (let e = 0; e < count; e++) {
        w[d + 2 * e] = 0;
        w[d + 2 * e + 1] = ftmp[e];
      }
    });
  }
  const dst = view(V, size + 1, false);
  const d = rd * (16 >> (size + 1));
  return fpOp(cpu, () => {
    for (let e = 0; e < count; e++) ftmp[e] = src[n + e] * 2 ** esize;
    for (let e = 0; e < count; e++) dst[d + e] = ftmp[e];
  });
}

function build(cpu: Cpu, scalar: boolean, q: number, u: number, size: number, opcode: number, rd: number, rn: number): Op | null {
  const key = (u << 5) | opcode;
  if (scalar) {
    switch (key) {
      case 0b010100: // SQXTN
        return size === 3 ? null : narrow(cpu, true, 0, size, 1, rd, rn);
      case 0b110010: // SQXTUN
        return size === 3 ? null : narrow(cpu, true, 0, size, 3, rd, rn);
      case 0b110100: // UQXTN
        return size === 3 ? null : narrow(cpu, true, 0, size, 2, rd, rn);
      case 0b000011:
      case 0b100011:
      case 0b000111:
      case 0b100111:
        break;
      case 0b001000:
      case 0b101000:
      case 0b001001:
      case 0b101001:
      case 0b001010:
      case 0b001011:
      case 0b101011:
        if (size !== 3) return null;
        break;
      default:
        return null;
    }
  } else {
    switch (key) {
      case 0b000000: // REV64
        return size === 3 ? null : rev(cpu, q, size, 8, rd, rn);
      case 0b100000: // REV32
        return size > 1 ? null : rev(cpu, q, size, 4, rd, rn);
      case 0b000001: // REV16
        return size !== 0 ? null : rev(cpu, q, size, 2, rd, rn);
      case 0b000010:
      case 0b100010:
      case 0b000110:
      case 0b100110:
        return size === 3 ? null : addlp(cpu, q, size, u === 0, (opcode & 4) !== 0, rd, rn);
      case 0b000100:
      case 0b100100:
        if (size === 3) return null;
        break;
      case 0b000101: // CNT
        if (size !== 0) return null;
        break;
      case 0b100101: { // NOT (size 00), RBIT (size 01)
        if (size > 1) return null;
        const b = vregs(cpu).b;
        const bytes = q ? 16 : 8;
        const n = rn * 16;
        const d = rd * 16;
        const rbit = size === 1;
        return fpOp(cpu, () => {
          for (let i = 0; i < bytes; i++) {
            let x = b[n + i];
            if (rbit) {
              x = ((x & 0xf0) >> 4) | ((x & 0x0f) << 4);
              x = ((x & 0xcc) >> 2) | ((x & 0x33) << 2);
              x = ((x & 0xaa) >> 1) | ((x & 0x55) << 1);
            } else x = ~x;
            b[d + i] = x;
          }
          for (let i = bytes; i < 16; i++) b[d + i] = 0;
        });
      }
      case 0b010010: // XTN
        return size === 3 ? null : narrow(cpu, false, q, size, 0, rd, rn);
      case 0b010100: // SQXTN
        return size === 3 ? null : narrow(cpu, false, q, size, 1, rd, rn);
      case 0b110010: // SQXTUN
        return size === 3 ? null : narrow(cpu, false, q, size, 3, rd, rn);
      case 0b110100: // UQXTN
        return size === 3 ? null : narrow(cpu, false, q, size, 2, rd, rn);
      case 0b110011: // SHLL
        return size === 3 ? null : shll(cpu, q, size, rd, rn);
      case 0b000011:
      case 0b100011:
      case 0b000111:
      case 0b100111:
      case 0b001000:
      case 0b101000:
      case 0b001001:
      case 0b101001:
      case 0b001010:
      case 0b001011:
      case 0b101011:
        if (size === 3 && q === 0) return null;
        break;
      default:
        return null;
    }
  }
  if (size === 3) {
    const f = fn64(u, opcode);
    return f === null ? null : lanes64(cpu, scalar ? 1 : 2, rd, rn, f);
  }
  const esize = 8 << size;
  const g = fn32(u, opcode, esize);
  if (g === null) return null;
  const [fn, signed] = g;
  // SUQADD reads Vd signed, USQADD unsigned; the others write through a view of their own signedness
  const dsigned = key === 0b000011 ? true : key === 0b100011 ? false : signed;
  return lanes1(cpu, size, signed, dsigned, scalar ? 1 << size : q ? 16 : 8, rd, rn, fn);
}

export const SIMD_2MISC_ROWS: Row[] = [
  {
    name: 'TWO_MISC',
    pattern: '0 q:1 u:1 01110 size:2 10000 opcode:5 10 rn:5 rd:5',
    build: (f, c) => build(c.cpu, false, f.q, f.u, f.size, f.opcode, f.rd, f.rn) ?? fpBuild2(c.cpu, false, f.q, f.u, f.size, f.opcode, f.rd, f.rn),
  },
  {
    name: 'TWO_MISC_scalar',
    pattern: '01 u:1 11110 size:2 10000 opcode:5 10 rn:5 rd:5',
    build: (f, c) => build(c.cpu, true, 1, f.u, f.size, f.opcode, f.rd, f.rn) ?? fpBuild2(c.cpu, true, 1, f.u, f.size, f.opcode, f.rd, f.rn),
  },
];
