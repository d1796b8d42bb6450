// Loads and stores of SIMD&FP registers (Arm ARM C4.1.88, the V = 1 forms), Armv8.0-A:
// LDR (literal) S/D/Q; LDR/STR B/H/S/D/Q with an unsigned offset, unscaled (LDUR/STUR),
// post-index, pre-index and register offset; LDP/STP/LDNP/STNP of S/D/Q. The structure
// loads/stores (LD1..LD4, ST1..ST4) are in the SIMD rows.
//
// Every executor checks FP/SIMD access first (fptrap.ts), then the SP alignment, as the
// pseudocode does (CheckFPAdvSIMDEnabled64 before the address). A load writes Vt only after
// its accesses succeeded and zeroes Vt's bits above the access size. A Q access is two
// 8-byte accesses, each aligned to 8 on Device memory (QEMU 7.2's do_fp_ld/do_fp_st make the
// same two accesses). LDP with Rt == Rt2 (CONSTRAINED UNPREDICTABLE) leaves Rt2's data, as
// QEMU 7.2, which loads Rt then Rt2. Writeback happens after every access succeeded.

import { pcPlus, type Op, type Row } from '../decoder.js';
import type { Cpu } from '../cpu.js';
import type { Memory } from '../../mmu/memory.js';
import { rsp, rz } from '../alu.js';
import { checkSp, storePair } from './ldst.js';
import { checkFpAccess } from '../fptrap.js';
import { vw } from '../vreg.js';

const sext = (v: number, bits: number): number => (v << (32 - bits)) >> (32 - bits);

/** Loads `size` bytes (1, 2, 4, 8, 16) at (lo, hi) into the register at word index w. */
function load(mem: Memory, r: Int32Array, size: number, w: number, lo: number, hi: number): void {
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  switch (size) {
    case 1:
      a = mem.ld8(lo, hi);
      break;
    case 2:
      a = mem.ld16(lo, hi);
      break;
    case 4:
      a = mem.ld32(lo, hi);
      break;
    case 8:
      a = mem.ld64(lo, hi);
      b = mem.hi;
      break;
    default: {
      a = mem.ld64(lo, hi);
      b = mem.hi;
      const l2 = (lo >>> 0) + 8;
      c = mem.ld64(l2 | 0, l2 > 0xffffffff ? (hi + 1) | 0 : hi);
      d = mem.hi;
    }
  }
  r[w] = a;
  r[w + 1] = b;
  r[w + 2] = c;
  r[w + 3] = d;
}

/** Stores the low `size` bytes of the register at word index w to (lo, hi). */
function store(mem: Memory, r: Int32Array, size: number, w: number, lo: number, hi: number): void {
  switch (size) {
    case 1:
      mem.st8(lo, hi, r[w]);
      return;
    case 2:
      mem.st16(lo, hi, r[w]);
      return;
    case 4:
      mem.st32(lo, hi, r[w]);
      return;
    case 8:
      mem.st64(lo, hi, r[w], r[w + 1]);
      return;
    default: {
      const l2 = (lo >>> 0) + 8;
      storePair(mem, 8, lo, hi, l2 | 0, l2 > 0xffffffff ? (hi + 1) | 0 : hi, r[w], r[w + 1], r[w + 2], r[w + 3]);
    }
  }
}

/** (lo, hi) + off for a signed off (|off| < 2^31), as [lo, hi] in `out`. */
function addOff(lo: number, hi: number, off: number, out: Int32Array): void {
  const l = (lo >>> 0) + off;
  out[0] = l | 0;
  out[1] = l > 0xffffffff ? (hi + 1) | 0 : l < 0 ? (hi - 1) | 0 : hi;
}

/**
 * A single-register access with an immediate offset: mode 0 offset, 1 pre-index, 2
 * post-index. `ea` is a per-executor scratch pair (allocated at decode time).
 */
function buildImm(cpu: Cpu, isLoad: boolean, size: number, rt: number, rn: number, off: number, mode: number): Op {
  const mem = cpu.mem;
  const r = cpu.r;
  const w = vw(rt);
  const n = rsp(rn);
  const sp = rn === 31;
  const ea = new Int32Array(2);
  if (mode === 0 && !sp) {
    if (isLoad) {
      return () => {
        if (!cpu.fpEnabled) checkFpAccess(cpu);
        const l = (r[n] >>> 0) + off;
        load(mem, r, size, w, l | 0, l > 0xffffffff ? (r[n + 1] + 1) | 0 : l < 0 ? (r[n + 1] - 1) | 0 : r[n + 1]);
      };
    }
    return () => {
      if (!cpu.fpEnabled) checkFpAccess(cpu);
      const l = (r[n] >>> 0) + off;
      store(mem, r, size, w, l | 0, l > 0xffffffff ? (r[n + 1] + 1) | 0 : l < 0 ? (r[n + 1] - 1) | 0 : r[n + 1]);
    };
  }
  return () => {
    if (!cpu.fpEnabled) checkFpAccess(cpu);
    if (sp) checkSp(cpu);
    const bl = r[n];
    const bh = r[n + 1];
    addOff(bl, bh, off, ea);
    const al = mode === 2 ? bl : ea[0];
    const ah = mode === 2 ? bh : ea[1];
    if (isLoad) load(mem, r, size, w, al, ah);
    else store(mem, r, size, w, al, ah);
    if (mode !== 0) {
      r[n] = ea[0];
      r[n + 1] = ea[1];
    }
  };
}

/** size:opc of the load/store register groups with V = 1: [bytes, load] or null (unallocated). */
function sizeOf(size: number, opc: number): [number, boolean] | null {
  if (opc >= 2) return size === 0 ? [16, opc === 3] : null;
  return [1 << size, opc === 1];
}

export const LDST_FP_ROWS: Row[] = [
  {
    // LDR (literal, SIMD&FP): opc 00 S, 01 D, 10 Q
    name: 'LDR_lit_fp',
    pattern: 'opc:2 011 1 00 imm19:19 rt:5',
    build: (f, c) => {
      if (f.opc === 3) return null;
      const size = 4 << f.opc;
      const [al, ah] = pcPlus(c, BigInt(sext(f.imm19, 19) * 4));
      const cpu = c.cpu;
      const mem = cpu.mem;
      const r = cpu.r;
      const w = vw(f.rt);
      return () => {
        if (!cpu.fpEnabled) checkFpAccess(cpu);
        load(mem, r, size, w, al, ah);
      };
    },
  },
  {
    // LDR/STR (immediate, SIMD&FP), unsigned offset
    name: 'LDST_uoff_fp',
    pattern: 'size:2 111 1 01 opc:2 imm12:12 rn:5 rt:5',
    build: (f, c) => {
      const k = sizeOf(f.size, f.opc);
      if (!k) return null;
      return buildImm(c.cpu, k[1], k[0], f.rt, f.rn, f.imm12 * k[0], 0);
    },
  },
  {
    // idx 00: LDUR/STUR; 01: post-index; 11: pre-index (10 is unallocated: no LDTR for V)
    name: 'LDST_imm9_fp',
    pattern: 'size:2 111 1 00 opc:2 0 imm9:9 idx:2 rn:5 rt:5',
    build: (f, c) => {
      const k = sizeOf(f.size, f.opc);
      if (!k || f.idx === 2) return null;
      return buildImm(c.cpu, k[1], k[0], f.rt, f.rn, sext(f.imm9, 9), f.idx === 1 ? 2 : f.idx === 3 ? 1 : 0);
    },
  },
  {
    // LDR/STR (register, SIMD&FP): option 010 UXTW, 011 LSL, 110 SXTW, 111 SXTX
    name: 'LDST_reg_fp',
    pattern: 'size:2 111 1 00 opc:2 1 rm:5 option:3 S:1 10 rn:5 rt:5',
    build: (f, c) => {
      const k = sizeOf(f.size, f.opc);
      if (!k || (f.option & 2) === 0) return null;
      const [size, isLoad] = k;
      const cpu = c.cpu;
      const mem = cpu.mem;
      const r = cpu.r;
      const w = vw(f.rt);
      const n = rsp(f.rn);
      const m = rz(f.rm);
      const option = f.option;
      const sh = f.S ? 31 - Math.clz32(size) : 0;
      const sp = f.rn === 31;
      return () => {
        if (!cpu.fpEnabled) checkFpAccess(cpu);
        if (sp) checkSp(cpu);
        let ml = r[m];
        let mh = option === 2 ? 0 : option === 6 ? ml >> 31 : r[m + 1];
        if (sh !== 0) {
          mh = (mh << sh) | (ml >>> (32 - sh));
          ml <<= sh;
        }
        const l = (r[n] >>> 0) + (ml >>> 0);
        const lo = l | 0;
        const hi = (r[n + 1] + mh + (l > 0xffffffff ? 1 : 0)) | 0;
        if (isLoad) load(mem, r, size, w, lo, hi);
        else store(mem, r, size, w, lo, hi);
      };
    },
  },
  {
    // STNP/LDNP (idx 00), STP/LDP post-index (01), signed offset (10), pre-index (11); opc S/D/Q
    name: 'LDST_pair_fp',
    pattern: 'opc:2 101 1 0 idx:2 L:1 imm7:7 rt2:5 rn:5 rt:5',
    build: (f, c) => {
      if (f.opc === 3) return null;
      const size = 4 << f.opc;
      const off = sext(f.imm7, 7) * size;
      const mode = f.idx === 1 ? 2 : f.idx === 3 ? 1 : 0;
      const cpu = c.cpu;
      const mem = cpu.mem;
      const r = cpu.r;
      const w = vw(f.rt);
      const w2 = vw(f.rt2);
      const n = rsp(f.rn);
      const sp = f.rn === 31;
      const isLoad = f.L === 1;
      const ea = new Int32Array(2);
      const ea2 = new Int32Array(2);
      if (isLoad && size === 8) {
        // LDP Dt, Dt2: the common form, without the generic path's temporaries.
        return () => {
          if (!cpu.fpEnabled) checkFpAccess(cpu);
          if (sp) checkSp(cpu);
          const bl = r[n];
          const bh = r[n + 1];
          const l = (bl >>> 0) + off;
          const nl = l | 0;
          const nh = l > 0xffffffff ? (bh + 1) | 0 : l < 0 ? (bh - 1) | 0 : bh;
          const al = mode === 2 ? bl : nl;
          const ah = mode === 2 ? bh : nh;
          const a0 = mem.ld64(al, ah);
          const a1 = mem.hi;
          const l2 = (al >>> 0) + 8;
          const b0 = mem.ld64(l2 | 0, l2 > 0xffffffff ? (ah + 1) | 0 : ah);
          const b1 = mem.hi;
          r[w] = a0;
          r[w + 1] = a1;
          r[w + 2] = 0;
          r[w + 3] = 0;
          r[w2] = b0;
          r[w2 + 1] = b1;
          r[w2 + 2] = 0;
          r[w2 + 3] = 0;
          if (mode !== 0) {
            r[n] = nl;
            r[n + 1] = nh;
          }
        };
      }
      // Both loads land here first, so nothing is written unless both succeed.
      const tmp = new Int32Array(8);
      return () => {
        if (!cpu.fpEnabled) checkFpAccess(cpu);
        if (sp) checkSp(cpu);
        const bl = r[n];
        const bh = r[n + 1];
        addOff(bl, bh, off, ea);
        const al = mode === 2 ? bl : ea[0];
        const ah = mode === 2 ? bh : ea[1];
        addOff(al, ah, size, ea2);
        if (isLoad) {
          load(mem, tmp, size, 0, al, ah);
          load(mem, tmp, size, 4, ea2[0], ea2[1]);
          r[w] = tmp[0];
          r[w + 1] = tmp[1];
          r[w + 2] = tmp[2];
          r[w + 3] = tmp[3];
          r[w2] = tmp[4];
          r[w2 + 1] = tmp[5];
          r[w2 + 2] = tmp[6];
          r[w2 + 3] = tmp[7];
        } else if (size === 16) {
          // Probe the second register's bytes first, so a fault there writes nothing.
          mem.probe(ea2[0], ea2[1], 8, true);
          store(mem, r, 16, w, al, ah);
          store(mem, r, 16, w2, ea2[0], ea2[1]);
        } else if (size === 8) {
          storePair(mem, 8, al, ah, ea2[0], ea2[1], r[w], r[w + 1], r[w2], r[w2 + 1]);
        } else {
          storePair(mem, 4, al, ah, ea2[0], ea2[1], r[w], 0, r[w2], 0);
        }
        if (mode !== 0) {
          r[n] = ea[0];
          r[n + 1] = ea[1];
        }
      };
    },
  },
];
