// Advanced SIMD vector x indexed element and scalar x indexed element, integer (Arm ARM
// C4.1.95): MLA/MLS/MUL, (S|U)MLAL/MLSL/MULL(2), SQDMLAL/SQDMLSL/SQDMULL(2), SQDMULH,
// SQRDMULH, SQRDMLAH/SQRDMLSH (FEAT_RDM), SDOT/UDOT (FEAT_DotProd). The element of Vm is
// index H:L:M with Rm in V0-V15 for 16-bit elements, index H:L with Rm = M:Rm for 32-bit.
// The FP forms (FMLA, FMUL, FMULX, FCMLA) are the vector FP group's; FMLAL/FMLSL are in simd_fhm.ts.
import type { Cpu } from '../cpu.js';
import type { Op, Row } from '../decoder.js';
import { fpOp, vregs } from './simd_lanes.js';
import { flushQc, sqdmulh, view } from './simd_elem.js';
import { wideOp, wideOp32 } from './simd_3diff.js';
import { rdmDot } from './simd_rdm.js';
import { buildElem } from './simd_fp.js';

const ftmp = new Float64Array(16);
const wtmp = new Int32Array(4);

/** MUL/MLA/MLS/SQDMULH/SQRDMULH by element (kind 0..4), same width. */
function same(cpu: Cpu, bytes: number, size: number, kind: number, rd: number, rn: number, rm: number, index: number): Op {
  const V = vregs(cpu);
  const v = view(V, size, true);
  const per = 16 >> size;
  const count = bytes >> size;
  const esize = 8 << size;
  const b8 = V.b;
  const r = cpu.r;
  const from = rd * 16 + bytes;
  const to = rd * 16 + 16;
  const mi = rm * per + index;
  const n = rn * per;
  const d = rd * per;
  return fpOp(cpu, () => {
    const b = v[mi];
    for (let e = 0; e < count; e++) {
      const a = v[n + e];
      let x: number;
      switch (kind) {
        case 0:
          x = Math.imul(a, b);
          break;
        case 1:
          x = v[d + e] + Math.imul(a, b);
          break;
        case 2:
          x = v[d + e] - Math.imul(a, b);
          break;
        default:
          x = sqdmulh(a, b, esize, kind === 4);
      }
      ftmp[e] = x;
    }
    for (let e = 0; e < count; e++) v[d + e] = ftmp[e];
    for (let k = from; k < to; k++) b8[k] = 0;
    flushQc(r);
  });
}

/** The widening forms by element: opcode as in three different (1000 MLAL, 1010 MLSL, 1100 MULL, 1001/1011/1101 SQD*). */
function widening(cpu: Cpu, scalar: boolean, q: number, signed: boolean, size: number, opcode: number, rd: number, rn: number, rm: number, index: number): Op {
  const V = vregs(cpu);
  const esize = 8 << size;
  const count = scalar ? 1 : 64 / esize;
  const part = scalar ? 0 : q * count;
  const r = cpu.r;
  const b8 = V.b;
  const nv = view(V, size, signed);
  const per = 16 >> size;
  const mi = rm * per + index;
  if (size === 2) {
    const w = V.i;
    const d = rd * 4;
    return fpOp(cpu, () => {
      const b = nv[mi];
      for (let e = 0; e < count; e++) {
        const a = nv[rn * 4 + part + e];
        wideOp32(opcode, a | 0, a < 0 ? -1 : 0, b, w[d + 2 * e], w[d + 2 * e + 1], wtmp, 2 * e);
      }
      for (let k = 0; k < 2 * count; k++) w[d + k] = wtmp[k];
      if (scalar) w[d + 2] = w[d + 3] = 0;
      flushQc(r);
    });
  }
  const dv = view(V, size + 1, signed);
  const dBase = rd * (16 >> (size + 1));
  const nBase = rn * per + part;
  const resBytes = count * (2 << size);
  return fpOp(cpu, () => {
    const b = nv[mi];
    for (let e = 0; e < count; e++) ftmp[e] = wideOp(opcode, nv[nBase + e], b, dv[dBase + e], esize);
    for (let e = 0; e < count; e++) dv[dBase + e] = ftmp[e];
    for (let k = resBytes; k < 16; k++) b8[rd * 16 + k] = 0;
    flushQc(r);
  });
}

function build(cpu: Cpu, scalar: boolean, q: number, u: number, size: number, L: number, M: number, rm4: number, opcode: number, H: number, rd: number, rn: number): Op | null {
  if (size !== 1 && size !== 2) return null;
  const index = size === 1 ? (H << 2) | (L << 1) | M : (H << 1) | L;
  const rm = size === 1 ? rm4 : (M << 4) | rm4;
  const bytes = scalar ? 1 << size : q ? 16 : 8;
  const feat = cpu.model.features;
  const key = (u << 4) | opcode;
  if (scalar) {
    switch (key) {
      case 0b00011:
        return widening(cpu, true, 0, true, size, 0b1001, rd, rn, rm, index);
      case 0b00111:
        return widening(cpu, true, 0, true, size, 0b1011, rd, rn, rm, index);
      case 0b01011:
        return widening(cpu, true, 0, true, size, 0b1101, rd, rn, rm, index);
      case 0b01100:
        return same(cpu, bytes, size, 3, rd, rn, rm, index);
      case 0b01101:
        return same(cpu, bytes, size, 4, rd, rn, rm, index);
      case 0b11101:
      case 0b11111:
        return feat.RDM ? rdmDot(cpu, bytes, size, opcode === 0b1101 ? 0 : 1, rd, rn, rm, index) : null;
      default:
        return null;
    }
  }
  switch (key) {
    case 0b01000:
      return same(cpu, bytes, size, 0, rd, rn, rm, index); // MUL
    case 0b10000:
      return same(cpu, bytes, size, 1, rd, rn, rm, index); // MLA
    case 0b10100:
      return same(cpu, bytes, size, 2, rd, rn, rm, index); // MLS
    case 0b01100:
      return same(cpu, bytes, size, 3, rd, rn, rm, index); // SQDMULH
    case 0b01101:
      return same(cpu, bytes, size, 4, rd, rn, rm, index); // SQRDMULH
    case 0b00010:
    case 0b10010:
      return widening(cpu, false, q, u === 0, size, 0b1000, rd, rn, rm, index); // (S|U)MLAL
    case 0b00110:
    case 0b10110:
      return widening(cpu, false, q, u === 0, size, 0b1010, rd, rn, rm, index); // (S|U)MLSL
    case 0b01010:
    case 0b11010:
      return widening(cpu, false, q, u === 0, size, 0b1100, rd, rn, rm, index); // (S|U)MULL
    case 0b00011:
      return widening(cpu, false, q, true, size, 0b1001, rd, rn, rm, index);
    case 0b00111:
      return widening(cpu, false, q, true, size, 0b1011, rd, rn, rm, index);
    case 0b01011:
      return widening(cpu, false, q, true, size, 0b1101, rd, rn, rm, index);
    case 0b11101:
    case 0b11111:
      return feat.RDM ? rdmDot(cpu, bytes, size, opcode === 0b1101 ? 0 : 1, rd, rn, rm, index) : null;
    case 0b01110:
    case 0b11110:
      return feat.DOTPROD && size === 2 ? rdmDot(cpu, bytes, 2, 2 + u, rd, rn, rm, index) : null;
    default:
      return null;
  }
}

export const SIMD_BYELEM_ROWS: Row[] = [
  {
    name: 'BY_ELEM',
    pattern: '0 q:1 u:1 01111 size:2 L:1 M:1 rm:4 opcode:4 H:1 0 rn:5 rd:5',
    build: (f, c) =>
      build(c.cpu, false, f.q, f.u, f.size, f.L, f.M, f.rm, f.opcode, f.H, f.rd, f.rn) ??
      buildElem(c.cpu, false, f.q, f.u, f.size, f.L, f.M, f.rm, f.opcode, f.H, f.rd, f.rn),
  },
  {
    name: 'BY_ELEM_scalar',
    pattern: '01 u:1 11111 size:2 L:1 M:1 rm:4 opcode:4 H:1 0 rn:5 rd:5',
    build: (f, c) =>
      build(c.cpu, true, 1, f.u, f.size, f.L, f.M, f.rm, f.opcode, f.H, f.rd, f.rn) ??
      buildElem(c.cpu, true, 1, f.u, f.size, f.L, f.M, f.rm, f.opcode, f.H, f.rd, f.rn),
  },
];
