// SQRDMLAH/SQRDMLSH (FEAT_RDM) and SDOT/UDOT (FEAT_DotProd) element arithmetic, shared by the
// "three same (extra)" rows here (whose FCMLA/FCADD, FEAT_FCMA, are simd_fp.ts's buildComplex) and the by-element group (simd_byelem.ts). Semantics: Arm ARM
// C7.2 SQRDMLAH/SQRDMLSH (accumulate (d << esize) +/- 2ab + 2^(esize-1), >> esize, SignedSatQ)
// and SDOT/UDOT (each 32-bit element += the four byte products of its lanes).
import type { Cpu } from '../cpu.js';
import type { Op, Row } from '../decoder.js';
import { fpOp, vregs } from './simd_lanes.js';
import { flushQc, ssat, view, sat } from './simd_elem.js';
import { buildComplex } from './simd_fp.js';
import { umulh32 } from '../alu.js';

/** SQRDMLAH (sub false) / SQRDMLSH (sub true) of one element; a, b, d signed. */
export function sqrdmlah(a: number, b: number, d: number, esize: number, sub: boolean): number {
  if (esize === 16) {
    const p = 2 * a * b;
    return ssat(Math.floor((d * 65536 + (sub ? -p : p) + 0x8000) / 65536), 16);
  }
  // x = d + floor((+/-ab + 2^30) / 2^31) (the pseudocode's ((d << 32) +/- 2ab + 2^31) >> 32),
  // with ab on 32-bit halves: its signed high word from the unsigned one (Hacker's Delight 8-3)
  let lo = Math.imul(a, b);
  let hi = (umulh32(a, b) - (a < 0 ? b : 0) - (b < 0 ? a : 0)) | 0;
  if (sub) {
    hi = lo === 0 ? -hi | 0 : ~hi;
    lo = -lo | 0;
  }
  const l = (lo >>> 0) + 0x40000000;
  if (l > 0xffffffff) hi = (hi + 1) | 0;
  const x = d + hi * 2 + (l >>> 31 & 1);
  if (x > 0x7fffffff) {
    sat.q = 1;
    return 0x7fffffff;
  }
  if (x < -0x80000000) {
    sat.q = 1;
    return -0x80000000;
  }
  return x;
}

/**
 * Vd[e] op= Vn[e], Vm[e or index] for SQRDMLAH/SQRDMLSH (kind 0/1), or the dot products
 * (kind 2 SDOT, 3 UDOT; index selects a 32-bit group of Vm's bytes). `index` < 0: vector form.
 */
export function rdmDot(cpu: Cpu, bytes: number, size: number, kind: number, rd: number, rn: number, rm: number, index: number): Op {
  const V = vregs(cpu);
  const r = cpu.r;
  const b8 = V.b;
  const from = rd * 16 + bytes;
  const to = rd * 16 + 16;
  if (kind >= 2) {
    const src = kind === 2 ? V.sb : V.b;
    const acc = V.i;
    const n = rn * 16;
    const m = rm * 16;
    const d = rd * 4;
    const count = bytes >> 2;
    const tmp = new Int32Array(4);
    return fpOp(cpu, () => {
      for (let e = 0; e < count; e++) {
        const mb = m + 4 * (index < 0 ? e : index);
        let s = acc[d + e];
        for (let k = 0; k < 4; k++) s += src[n + 4 * e + k] * src[mb + k];
        tmp[e] = s;
      }
      for (let e = 0; e < count; e++) acc[d + e] = tmp[e];
      for (let k = from; k < to; k++) b8[k] = 0;
    });
  }
  const esize = 8 << size;
  const v = view(V, size, true);
  const per = 16 >> size;
  const count = bytes >> size;
  const sub = kind === 1;
  return fpOp(cpu, () => {
    const el = index < 0 ? 0 : v[rm * per + index];
    for (let e = 0; e < count; e++) {
      v[rd * per + e] = sqrdmlah(v[rn * per + e], index < 0 ? v[rm * per + e] : el, v[rd * per + e], esize, sub);
    }
    for (let k = from; k < to; k++) b8[k] = 0;
    flushQc(r);
  });
}

export const SIMD_3EXTRA_ROWS: Row[] = [
  {
    // opcode 0000 SQRDMLAH, 0001 SQRDMLSH (U = 1); 0010 SDOT (U = 0) / UDOT (U = 1)
    name: 'THREE_SAME_extra',
    pattern: '0 q:1 u:1 01110 size:2 0 rm:5 1 opcode:4 1 rn:5 rd:5',
    build: (f, c) => {
      const feat = c.cpu.model.features;
      const bytes = f.q ? 16 : 8;
      if (f.opcode <= 1) {
        if (!feat.RDM || f.u !== 1 || f.size === 0 || f.size === 3) return null;
        return rdmDot(c.cpu, bytes, f.size, f.opcode, f.rd, f.rn, f.rm, -1);
      }
      if (f.opcode === 2) {
        if (!feat.DOTPROD || f.size !== 2) return null;
        return rdmDot(c.cpu, bytes, 2, 2 + f.u, f.rd, f.rn, f.rm, -1);
      }
      // FCMLA (10rr), FCADD (111r): FEAT_FCMA, U = 1
      if (f.opcode >= 8 && f.u === 1) return buildComplex(c.cpu, f.q, f.size, f.opcode, f.rd, f.rn, f.rm);
      return null;
    },
  },
  {
    name: 'THREE_SAME_extra_scalar',
    pattern: '01 1 11110 size:2 0 rm:5 1 000 s:1 1 rn:5 rd:5',
    build: (f, c) => {
      if (!c.cpu.model.features.RDM || f.size === 0 || f.size === 3) return null;
      return rdmDot(c.cpu, 1 << f.size, f.size, f.s, f.rd, f.rn, f.rm, -1);
    },
  },
];
