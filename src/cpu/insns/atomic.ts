// FEAT_LSE (Armv8.1) atomics (Arm ARM C4.1.88, "Atomic memory operations" and
// "Compare and swap"): LDADD, LDCLR, LDEOR, LDSET, LDSMAX, LDSMIN, LDUMAX, LDUMIN, SWP in
// sizes B/H/W/X with the ordering variants (none, A, L, AL; the ST* forms are the same
// encodings with Rt = XZR), CAS/CASA/CASL/CASAL (B/H/W/X) and CASP/CASPA/CASPL/CASPAL (W/X).
// Every row is UNDEFINED unless the CPU model has FEAT_LSE (checked at decode time).
//
// One PE executing in program order: the acquire/release variants are the plain ones.
// Each instruction reads first, then writes: an alignment fault (required for every size,
// whatever the memory type) or any fault a read would take is reported with WnR = 0, as
// the Arm ARM asks for atomics ("WnR is 0 if a read of the address would have generated
// the fault"); only a fault of the write itself reports WnR = 1. A CAS whose comparison
// fails performs no write. Registers are written only after memory was updated, so a
// fault leaves them unchanged.

import type { Row } from '../decoder.js';
import type { Memory } from '../../mmu/memory.js';
import { rsp, rz, wz } from '../alu.js';
import { loadAcquire, withSp } from './ldst.js';

/** o3:opc of the atomic memory operations. */
const enum A {
  ADD = 0,
  CLR = 1,
  EOR = 2,
  SET = 3,
  SMAX = 4,
  SMIN = 5,
  UMAX = 6,
  UMIN = 7,
  SWP = 8,
}

/** The operation on 32-bit (or narrower, zero-extended) values; `bits` is 8, 16 or 32. */
function op32(op: A, bits: number, m: number, s: number): number {
  switch (op) {
    case A.ADD:
      return m + s;
    case A.CLR:
      return m & ~s;
    case A.EOR:
      return m ^ s;
    case A.SET:
      return m | s;
    case A.SWP:
      return s;
    default: {
      const sh = 32 - bits;
      if (op === A.SMAX || op === A.SMIN) {
        const a = (m << sh) >> sh;
        const b = (s << sh) >> sh;
        return op === A.SMAX ? (a > b ? m : s) : a < b ? m : s;
      }
      const a = (m << sh) >>> sh;
      const b = (s << sh) >>> sh;
      return op === A.UMAX ? (a > b ? m : s) : a < b ? m : s;
    }
  }
}

/** Atomic op on 1, 2 or 4 bytes at (lo, hi): Rt <- old value, memory <- op(old, Rs). */
function atomicNarrow(mem: Memory, r: Int32Array, op: A, size: number, s: number, t: number, lo: number, hi: number): void {
  const sv = r[s];
  mem.checkAligned(lo, hi, size, false);
  let old: number;
  if (size === 4) {
    old = mem.ld32(lo, hi);
    mem.st32(lo, hi, op32(op, 32, old, sv));
  } else if (size === 2) {
    old = mem.ld16(lo, hi);
    mem.st16(lo, hi, op32(op, 16, old, sv));
  } else {
    old = mem.ld8(lo, hi);
    mem.st8(lo, hi, op32(op, 8, old, sv));
  }
  r[t] = old;
  r[t + 1] = 0;
}

/** Atomic op on 8 bytes at (lo, hi). */
function atomic64(mem: Memory, r: Int32Array, op: A, s: number, t: number, lo: number, hi: number): void {
  const sl = r[s];
  const sh = r[s + 1];
  mem.checkAligned(lo, hi, 8, false);
  const ml = mem.ld64(lo, hi);
  const mh = mem.hi;
  let nl: number;
  let nh: number;
  switch (op) {
    case A.ADD: {
      const l = (ml >>> 0) + (sl >>> 0);
      nl = l | 0;
      nh = (mh + sh + (l > 0xffffffff ? 1 : 0)) | 0;
      break;
    }
    case A.CLR:
      nl = ml & ~sl;
      nh = mh & ~sh;
      break;
    case A.EOR:
      nl = ml ^ sl;
      nh = mh ^ sh;
      break;
    case A.SET:
      nl = ml | sl;
      nh = mh | sh;
      break;
    case A.SWP:
      nl = sl;
      nh = sh;
      break;
    default: {
      // compare (mh:ml) with (sh:sl), signed or unsigned in the high word
      const signed = op === A.SMAX || op === A.SMIN;
      const ah = signed ? mh : mh >>> 0;
      const bh = signed ? sh : sh >>> 0;
      const cmp = ah !== bh ? (ah > bh ? 1 : -1) : ml >>> 0 !== sl >>> 0 ? (ml >>> 0 > sl >>> 0 ? 1 : -1) : 0;
      const takeMem = op === A.SMAX || op === A.UMAX ? cmp > 0 : cmp < 0;
      nl = takeMem ? ml : sl;
      nh = takeMem ? mh : sh;
    }
  }
  mem.st64(lo, hi, nl, nh);
  r[t] = ml;
  r[t + 1] = mh;
}

/** CAS of 1, 2 or 4 bytes: Rs <- old value; memory <- Rt when old == Rs (low `size` bytes). */
function casNarrow(mem: Memory, r: Int32Array, size: number, s: number, ws: number, t: number, lo: number, hi: number): void {
  const mask = size === 4 ? -1 : size === 2 ? 0xffff : 0xff;
  const cmp = r[s] & mask;
  const nv = r[t];
  mem.checkAligned(lo, hi, size, false);
  const old = size === 4 ? mem.ld32(lo, hi) : size === 2 ? mem.ld16(lo, hi) : mem.ld8(lo, hi);
  if (old === cmp) {
    if (size === 4) mem.st32(lo, hi, nv);
    else if (size === 2) mem.st16(lo, hi, nv);
    else mem.st8(lo, hi, nv);
  }
  r[ws] = old;
  r[ws + 1] = 0;
}

/** CAS of 8 bytes. */
function cas64(mem: Memory, r: Int32Array, s: number, ws: number, t: number, lo: number, hi: number): void {
  const cl = r[s];
  const ch = r[s + 1];
  const vl = r[t];
  const vh = r[t + 1];
  mem.checkAligned(lo, hi, 8, false);
  const ml = mem.ld64(lo, hi);
  const mh = mem.hi;
  if (ml === cl && mh === ch) mem.st64(lo, hi, vl, vh);
  r[ws] = ml;
  r[ws + 1] = mh;
}

/**
 * CASP of two W registers (one 8-byte access aligned to 8) or two X registers (16 bytes
 * aligned to 16): (Rs, Rs+1) <- old values; memory <- (Rt, Rt+1) when both words match.
 * s/s1 and t/t1 read the registers, ws/ws1 write them (Rs = 30 makes Rs+1 XZR).
 */
function casp(mem: Memory, r: Int32Array, x: boolean, s: number, s1: number, ws: number, ws1: number, t: number, t1: number, lo: number, hi: number): void {
  if (!x) {
    const c0 = r[s];
    const c1 = r[s1];
    const v0 = r[t];
    const v1 = r[t1];
    mem.checkAligned(lo, hi, 8, false);
    const m0 = mem.ld64(lo, hi);
    const m1 = mem.hi;
    if (m0 === c0 && m1 === c1) mem.st64(lo, hi, v0, v1);
    r[ws] = m0;
    r[ws + 1] = 0;
    r[ws1] = m1;
    r[ws1 + 1] = 0;
    return;
  }
  const c0 = r[s];
  const c0h = r[s + 1];
  const c1 = r[s1];
  const c1h = r[s1 + 1];
  const v0 = r[t];
  const v0h = r[t + 1];
  const v1 = r[t1];
  const v1h = r[t1 + 1];
  mem.checkAligned(lo, hi, 16, false);
  const lo2 = (lo + 8) | 0; // 16-aligned: no carry
  const m0 = mem.ld64(lo, hi);
  const m0h = mem.hi;
  const m1 = mem.ld64(lo2, hi);
  const m1h = mem.hi;
  if (m0 === c0 && m0h === c0h && m1 === c1 && m1h === c1h) {
    // Both reads succeeded, so neither write can fault in RAM (on a device, a refused
    // second write leaves the first done, as in QEMU).
    mem.st64(lo, hi, v0, v0h);
    mem.st64(lo2, hi, v1, v1h);
  }
  r[ws] = m0;
  r[ws + 1] = m0h;
  r[ws1] = m1;
  r[ws1 + 1] = m1h;
}

export const ATOMIC_ROWS: Row[] = [
  {
    // LDAPR (FEAT_LRCPC): on one PE in program order, the same access as LDAR, including
    // its alignment requirement (Arm ARM: AccType_ORDERED).
    name: 'LDAPR',
    pattern: 'size:2 111 0 00 1 0 1 11111 1 100 00 rn:5 rt:5',
    build: (f, c) => {
      const cpu = c.cpu;
      if (!cpu.model.features.LRCPC) return null;
      const mem = cpu.mem;
      const r = cpu.r;
      const size = 1 << f.size;
      const t = wz(f.rt);
      const n = rsp(f.rn);
      return withSp(cpu, f.rn, () => loadAcquire(mem, r, size, t, r[n], r[n + 1]));
    },
  },
  {
    // LDADD/LDCLR/LDEOR/LDSET/LDSMAX/LDSMIN/LDUMAX/LDUMIN (o3 = 0) and SWP (o3:opc = 1000),
    // each with A (acquire) and R (release) bits. o3:opc = 1100 with A = 1, R = 0 is LDAPR
    // (the row below); every other o3:opc is UNDEFINED.
    name: 'ATOMIC',
    pattern: 'size:2 111 0 00 A:1 R:1 1 rs:5 o3:1 opc:3 00 rn:5 rt:5',
    build: (f, c) => {
      const cpu = c.cpu;
      if (!cpu.model.features.LSE) return null;
      const op = ((f.o3 << 3) | f.opc) as A;
      if (op > A.SWP) return null;
      const mem = cpu.mem;
      const r = cpu.r;
      const s = rz(f.rs);
      const t = wz(f.rt);
      const n = rsp(f.rn);
      if (f.size === 3) return withSp(cpu, f.rn, () => atomic64(mem, r, op, s, t, r[n], r[n + 1]));
      const size = 1 << f.size;
      return withSp(cpu, f.rn, () => atomicNarrow(mem, r, op, size, s, t, r[n], r[n + 1]));
    },
  },
  {
    // CAS, CASA (L = 1), CASL (o0 = 1), CASAL; B/H/W/X.
    name: 'CAS',
    pattern: 'size:2 001000 1 L:1 1 rs:5 o0:1 11111 rn:5 rt:5',
    build: (f, c) => {
      const cpu = c.cpu;
      if (!cpu.model.features.LSE) return null;
      const mem = cpu.mem;
      const r = cpu.r;
      const s = rz(f.rs);
      const ws = wz(f.rs);
      const t = rz(f.rt);
      const n = rsp(f.rn);
      if (f.size === 3) return withSp(cpu, f.rn, () => cas64(mem, r, s, ws, t, r[n], r[n + 1]));
      const size = 1 << f.size;
      return withSp(cpu, f.rn, () => casNarrow(mem, r, size, s, ws, t, r[n], r[n + 1]));
    },
  },
  {
    // CASP, CASPA (L = 1), CASPL (o0 = 1), CASPAL; sz 0 = W pairs, 1 = X pairs.
    // Rs and Rt must be even (UNDEFINED otherwise).
    name: 'CASP',
    pattern: '0 sz:1 001000 0 L:1 1 rs:5 o0:1 11111 rn:5 rt:5',
    build: (f, c) => {
      const cpu = c.cpu;
      if (!cpu.model.features.LSE) return null;
      if ((f.rs & 1) !== 0 || (f.rt & 1) !== 0) return null;
      const mem = cpu.mem;
      const r = cpu.r;
      const x = f.sz === 1;
      const s = rz(f.rs);
      const s1 = rz(f.rs + 1);
      const ws = wz(f.rs);
      const ws1 = wz(f.rs + 1);
      const t = rz(f.rt);
      const t1 = rz(f.rt + 1);
      const n = rsp(f.rn);
      return withSp(cpu, f.rn, () => casp(mem, r, x, s, s1, ws, ws1, t, t1, r[n], r[n + 1]));
    },
  },
];
