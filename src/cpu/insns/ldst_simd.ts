// Advanced SIMD load/store structures (Arm ARM C4.1.88, "Advanced SIMD load/store multiple
// structures", "... single structure", and their post-indexed forms): LD1-LD4/ST1-ST4
// (multiple and single structure), LD1R-LD4R, with post-index by the transfer size
// (Rm = 31) or by Xm.
//
// Semantics follow the pseudocode of C7.2 (LD1..ST4, "Shared decode"): elements are
// accessed one at a time in the pseudocode's order, each an access of the element's size
// (so each element is checked for alignment on its own). As QEMU 7.2 (translate-a64.c
// disas_ldst_multiple_struct/disas_ldst_single_struct), each loaded element goes straight
// into its register, and a multiple-structure load with Q = 0 clears bits [127:64] of its
// registers after all elements were loaded; the base is written back only after every
// access succeeded.
import type { Op, Row } from '../decoder.js';
import type { Cpu } from '../cpu.js';
import type { Memory } from '../../mmu/memory.js';
import { rsp } from '../alu.js';
import { checkSp } from './ldst.js';
import { fpOp, vregs, type VRegs } from './simd_lanes.js';

/** Loads element e (2^size bytes) of Vt from (lo, hi). */
function ldElem(mem: Memory, v: VRegs, size: number, t: number, e: number, lo: number, hi: number): void {
  switch (size) {
    case 0:
      v.b[t * 16 + e] = mem.ld8(lo, hi);
      return;
    case 1:
      v.h[t * 8 + e] = mem.ld16(lo, hi);
      return;
    case 2:
      v.i[t * 4 + e] = mem.ld32(lo, hi);
      return;
    default: {
      const l = mem.ld64(lo, hi);
      v.i[t * 4 + 2 * e] = l;
      v.i[t * 4 + 2 * e + 1] = mem.hi;
    }
  }
}

/** Stores element e (2^size bytes) of Vt at (lo, hi). */
function stElem(mem: Memory, v: VRegs, size: number, t: number, e: number, lo: number, hi: number): void {
  switch (size) {
    case 0:
      mem.st8(lo, hi, v.b[t * 16 + e]);
      return;
    case 1:
      mem.st16(lo, hi, v.h[t * 8 + e]);
      return;
    case 2:
      mem.st32(lo, hi, v.i[t * 4 + e]);
      return;
    default:
      mem.st64(lo, hi, v.i[t * 4 + 2 * e], v.i[t * 4 + 2 * e + 1]);
  }
}

/** Replicates element 0 (2^size bytes) of Vt over its low 64 or all 128 bits (q), clearing the rest. */
function replicate(v: VRegs, size: number, t: number, q: number): void {
  const w = v.i;
  const base = t * 4;
  let x = w[base];
  if (size === 0) x = (x & 0xff) * 0x01010101;
  else if (size === 1) x = (x & 0xffff) | (x << 16);
  const y = size === 3 ? w[base + 1] : x;
  w[base + 1] = y;
  w[base] = x;
  w[base + 2] = q ? x : 0;
  w[base + 3] = q ? y : 0;
}

/**
 * The writeback of a post-indexed form: Xn += imm (m < 0) or Xn += Xm (m the index of Xm's
 * low word). n is the index of the base's low word (SP when Rn = 31).
 */
function writeback(r: Int32Array, n: number, m: number, imm: number): void {
  const al = m < 0 ? imm : r[m];
  const ah = m < 0 ? 0 : r[m + 1];
  const l = (r[n] >>> 0) + (al >>> 0);
  r[n + 1] = (r[n + 1] + ah + (l > 0xffffffff ? 1 : 0)) | 0;
  r[n] = l | 0;
}

/** (rpt, selem) of the multiple-structure opcodes; undefined: unallocated. */
const MULTI: Record<number, [number, number]> = {
  0b0000: [1, 4],
  0b0010: [4, 1],
  0b0100: [1, 3],
  0b0110: [3, 1],
  0b0111: [1, 1],
  0b1000: [1, 2],
  0b1010: [2, 1],
};

function buildMulti(cpu: Cpu, q: number, load: boolean, opcode: number, size: number, rn: number, rt: number, post: boolean, rm: number): Op | null {
  const rs = MULTI[opcode];
  if (rs === undefined) return null;
  const [rpt, selem] = rs;
  if (size === 3 && q === 0 && selem !== 1) return null;
  const mem = cpu.mem;
  const r = cpu.r;
  const v = vregs(cpu);
  const ebytes = 1 << size;
  const elements = (q ? 16 : 8) >> size;
  const n = rsp(rn);
  const m = rm === 31 ? -1 : rm * 2;
  const total = (q ? 16 : 8) * rpt * selem;
  const sp = rn === 31;
  return fpOp(cpu, () => {
    if (sp) checkSp(cpu);
    let lo = r[n];
    let hi = r[n + 1];
    for (let rr = 0; rr < rpt; rr++) {
      for (let e = 0; e < elements; e++) {
        for (let s = 0; s < selem; s++) {
          const tt = (rt + rr + s) & 31;
          if (load) ldElem(mem, v, size, tt, e, lo, hi);
          else stElem(mem, v, size, tt, e, lo, hi);
          const l = (lo >>> 0) + ebytes;
          if (l > 0xffffffff) hi = (hi + 1) | 0;
          lo = l | 0;
        }
      }
    }
    if (load && q === 0) {
      for (let k = 0; k < rpt * selem; k++) {
        const tt = (rt + k) & 31;
        v.i[tt * 4 + 2] = 0;
        v.i[tt * 4 + 3] = 0;
      }
    }
    if (post) writeback(r, n, m, total);
  });
}

function buildSingle(cpu: Cpu, q: number, load: boolean, R: number, opcode: number, S: number, size: number, rn: number, rt: number, post: boolean, rm: number): Op | null {
  const selem = ((opcode & 1) << 1 | R) + 1;
  let scale = opcode >> 1;
  let index = 0;
  const rep = scale === 3;
  switch (scale) {
    case 3:
      if (!load || S !== 0) return null;
      scale = size;
      break;
    case 0:
      index = (q << 3) | (S << 2) | size;
      break;
    case 1:
      if (size & 1) return null;
      index = (q << 2) | (S << 1) | (size >> 1);
      break;
    default:
      if (size & 2) return null;
      if ((size & 1) === 0) {
        index = (q << 1) | S;
      } else {
        if (S !== 0) return null;
        index = q;
        scale = 3;
      }
  }
  const mem = cpu.mem;
  const r = cpu.r;
  const v = vregs(cpu);
  const ebytes = 1 << scale;
  const n = rsp(rn);
  const m = rm === 31 ? -1 : rm * 2;
  const total = selem * ebytes;
  const sp = rn === 31;
  return fpOp(cpu, () => {
    if (sp) checkSp(cpu);
    let lo = r[n];
    let hi = r[n + 1];
    let tt = rt;
    for (let s = 0; s < selem; s++) {
      if (rep) {
        ldElem(mem, v, scale, tt, 0, lo, hi);
        replicate(v, scale, tt, q);
      } else if (load) {
        ldElem(mem, v, scale, tt, index, lo, hi);
      } else {
        stElem(mem, v, scale, tt, index, lo, hi);
      }
      const l = (lo >>> 0) + ebytes;
      if (l > 0xffffffff) hi = (hi + 1) | 0;
      lo = l | 0;
      tt = (tt + 1) & 31;
    }
    if (post) writeback(r, n, m, total);
  });
}

export const LDST_SIMD_ROWS: Row[] = [
  {
    // LD1-LD4/ST1-ST4 (multiple structures), no offset
    name: 'LDST_multi',
    pattern: '0 q:1 0011000 L:1 000000 opcode:4 size:2 rn:5 rt:5',
    build: (f, c) => buildMulti(c.cpu, f.q, f.L === 1, f.opcode, f.size, f.rn, f.rt, false, 31),
  },
  {
    // ... post-indexed: by the transfer size (Rm = 31) or by Xm
    name: 'LDST_multi_post',
    pattern: '0 q:1 0011001 L:1 0 rm:5 opcode:4 size:2 rn:5 rt:5',
    build: (f, c) => buildMulti(c.cpu, f.q, f.L === 1, f.opcode, f.size, f.rn, f.rt, true, f.rm),
  },
  {
    // LD1-LD4/ST1-ST4 (single structure), LD1R-LD4R, no offset
    name: 'LDST_single',
    pattern: '0 q:1 0011010 L:1 R:1 00000 opcode:3 S:1 size:2 rn:5 rt:5',
    build: (f, c) => buildSingle(c.cpu, f.q, f.L === 1, f.R, f.opcode, f.S, f.size, f.rn, f.rt, false, 31),
  },
  {
    name: 'LDST_single_post',
    pattern: '0 q:1 0011011 L:1 R:1 rm:5 opcode:3 S:1 size:2 rn:5 rt:5',
    build: (f, c) => buildSingle(c.cpu, f.q, f.L === 1, f.R, f.opcode, f.S, f.size, f.rn, f.rt, true, f.rm),
  },
];
