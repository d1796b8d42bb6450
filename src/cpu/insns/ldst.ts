// Loads and stores of general-purpose registers (Arm ARM C4.1.88), Armv8.0-A:
//   - load register (literal): LDR W/X, LDRSW, PRFM (a no-op);
//   - load/store register: unsigned offset, unscaled (LDUR/STUR, PRFUM), post-index,
//     pre-index, register offset, unprivileged (LDTR/STTR);
//   - load/store pair: LDP/STP W and X, LDPSW, LDNP/STNP (offset, pre-index, post-index);
//   - load/store exclusive: LDXR/LDAXR/STXR/STLXR (B/H/W/X), LDXP/LDAXP/STXP/STLXP (W/X);
//   - load-acquire/store-release: LDAR/STLR (B/H/W/X).
// Not here: LDLAR/STLLR (FEAT_LOR) are UNDEFINED; LDAPR (FEAT_LRCPC) and the FEAT_LSE
// atomics and CAS/CASP are in atomic.ts; FP/SIMD loads and stores belong to the SIMD group.
//
// Conventions (see alu.ts): register operands are indexes into cpu.r; addresses are two
// int32 halves; a base register is read before Rt is written; writeback happens after
// every access of the instruction succeeded, so a fault leaves the base unchanged.
// With one PE executing in program order, the acquire/release and non-temporal variants
// need nothing beyond their plain forms (plus the alignment the ordered forms require).
//
// CONSTRAINED UNPREDICTABLE cases follow QEMU 7.2 (target/arm/translate-a64.c):
//   - load with writeback and Rt == Rn (n != 31): the access happens, then the writeback,
//     so Rn ends up holding the written-back address;
//   - store with writeback and Rt == Rn: the value stored is Rn before the writeback;
//   - LDP/LDXP with Rt == Rt2: QEMU's LDP writes Rt2 then Rt, so Rt gets the first word;
//     its LDXP writes Rt then Rt2, so the register gets the second word;
//   - STXR/STXP with Rs == Rt/Rt2/Rn: everything is read before the status is written.

import { pcPlus, type Op, type Row } from '../decoder.js';
import type { Cpu } from '../cpu.js';
import type { Memory } from '../../mmu/memory.js';
import { EC } from '../exception.js';
import { Slot } from '../state.js';
import { rsp, rz, wz } from '../alu.js';

const SP = Slot.SP * 2;
const SCTLR_EL1 = Slot.SCTLR_EL1 * 2;
const NOP: Op = () => {};

/**
 * CheckSPAlignment (Arm ARM D1.8.2): with SCTLR_ELx.SA (SCTLR_EL1.SA0 at EL0) set, a load
 * or store whose base register is a stack pointer not aligned to 16 takes an SP alignment
 * fault (EC 0x26, ISS 0, FAR not written). Called only by executors built for Rn == 31.
 */
export function checkSp(cpu: Cpu): void {
  const r = cpu.r;
  if ((r[SP] & 15) === 0) return;
  const el = cpu.el;
  const enabled = el === 0 ? (r[SCTLR_EL1] >>> 4) & 1 : (r[SCTLR_EL1 + 2 * (el - 1)] >>> 3) & 1;
  if (enabled !== 0) cpu.raise(EC.SP_ALIGN, 0, 0);
}

/** `op`, preceded by the SP alignment check when the base register is SP (rn == 31). */
export function withSp(cpu: Cpu, rn: number, op: Op): Op {
  if (rn !== 31) return op;
  return () => {
    checkSp(cpu);
    op();
  };
}

// ---- single-register accesses ------------------------------------------------------

/** What a single-register load/store does, from its size and opc fields. */
const enum K {
  STRB = 0,
  STRH = 1,
  STRW = 2,
  STRX = 3,
  LDRB = 4,
  LDRH = 5,
  LDRW = 6,
  LDRX = 7,
  LDRSBX = 8,
  LDRSHX = 9,
  LDRSW = 10,
  LDRSBW = 11,
  LDRSHW = 12,
  PRFM = 13,
  UNALLOCATED = 14,
}

/** The access kind of size:opc in the load/store register groups (Arm ARM C4.1.88). */
function kindOf(size: number, opc: number): K {
  switch (opc) {
    case 0:
      return size as K; // STRB, STRH, STR W, STR X
    case 1:
      return (K.LDRB + size) as K;
    case 2:
      return size === 0 ? K.LDRSBX : size === 1 ? K.LDRSHX : size === 2 ? K.LDRSW : K.PRFM;
    default:
      return size === 0 ? K.LDRSBW : size === 1 ? K.LDRSHW : K.UNALLOCATED;
  }
}

/** The register index of Rt for a kind: stores read XZR, loads discard writes to it. */
const rtIndex = (kind: K, rt: number): number => (kind <= K.STRX ? rz(rt) : wz(rt));

/** Performs one single-register access at (lo, hi). */
function access(mem: Memory, r: Int32Array, kind: K, t: number, lo: number, hi: number): void {
  switch (kind) {
    case K.STRB:
      mem.st8(lo, hi, r[t]);
      return;
    case K.STRH:
      mem.st16(lo, hi, r[t]);
      return;
    case K.STRW:
      mem.st32(lo, hi, r[t]);
      return;
    case K.STRX:
      mem.st64(lo, hi, r[t], r[t + 1]);
      return;
    case K.LDRB: {
      const v = mem.ld8(lo, hi);
      r[t] = v;
      r[t + 1] = 0;
      return;
    }
    case K.LDRH: {
      const v = mem.ld16(lo, hi);
      r[t] = v;
      r[t + 1] = 0;
      return;
    }
    case K.LDRW: {
      const v = mem.ld32(lo, hi);
      r[t] = v;
      r[t + 1] = 0;
      return;
    }
    case K.LDRX: {
      const v = mem.ld64(lo, hi);
      r[t] = v;
      r[t + 1] = mem.hi;
      return;
    }
    case K.LDRSBX: {
      const v = (mem.ld8(lo, hi) << 24) >> 24;
      r[t] = v;
      r[t + 1] = v >> 31;
      return;
    }
    case K.LDRSHX: {
      const v = (mem.ld16(lo, hi) << 16) >> 16;
      r[t] = v;
      r[t + 1] = v >> 31;
      return;
    }
    case K.LDRSW: {
      const v = mem.ld32(lo, hi);
      r[t] = v;
      r[t + 1] = v >> 31;
      return;
    }
    case K.LDRSBW: {
      const v = (mem.ld8(lo, hi) << 24) >> 24;
      r[t] = v;
      r[t + 1] = 0;
      return;
    }
    case K.LDRSHW: {
      const v = (mem.ld16(lo, hi) << 16) >> 16;
      r[t] = v;
      r[t + 1] = 0;
      return;
    }
    default:
      return;
  }
}

/** Access size in bytes and load extension of each kind (for the unprivileged forms). */
const KIND_SIZE = [1, 2, 4, 8, 1, 2, 4, 8, 1, 2, 4, 1, 2];
/** Loads: 0 zero-extend, 1 sign-extend to 64 bits, 2 sign-extend to 32 bits. */
const KIND_EXT = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 2, 2];

/**
 * LDTR/STTR and their sized forms, [base + off]: the access is checked with EL0 permissions
 * where the Arm ARM says so (Memory.ldUnpriv: at EL1, and at EL2 in EL2&0, unless PSTATE.UAO).
 */
function ldstUnpriv(mem: Memory, r: Int32Array, kind: K, t: number, n: number, off: number): void {
  const l = (r[n] >>> 0) + off;
  const bh = r[n + 1];
  const hi = l > 0xffffffff ? (bh + 1) | 0 : l < 0 ? (bh - 1) | 0 : bh;
  const size = KIND_SIZE[kind];
  if (kind <= K.STRX) {
    mem.stUnpriv(l | 0, hi, size, r[t], r[t + 1]);
    return;
  }
  let v = mem.ldUnpriv(l | 0, hi, size);
  let vh = size === 8 ? mem.hi : 0;
  const ext = KIND_EXT[kind];
  if (ext !== 0) {
    if (size === 1) v = (v << 24) >> 24;
    else if (size === 2) v = (v << 16) >> 16;
    vh = ext === 1 ? v >> 31 : 0;
  }
  r[t] = v;
  r[t + 1] = vh;
}

/** [base + off] for a signed offset off (|off| < 2^31); no writeback. */
function ldstOff(mem: Memory, r: Int32Array, kind: K, t: number, n: number, off: number): void {
  const l = (r[n] >>> 0) + off;
  const bh = r[n + 1];
  const hi = l > 0xffffffff ? (bh + 1) | 0 : l < 0 ? (bh - 1) | 0 : bh;
  access(mem, r, kind, t, l | 0, hi);
}

/** [base + off]! : pre-index. */
function ldstPre(mem: Memory, r: Int32Array, kind: K, t: number, n: number, off: number): void {
  const l = (r[n] >>> 0) + off;
  const bh = r[n + 1];
  const lo = l | 0;
  const hi = l > 0xffffffff ? (bh + 1) | 0 : l < 0 ? (bh - 1) | 0 : bh;
  access(mem, r, kind, t, lo, hi);
  r[n] = lo;
  r[n + 1] = hi;
}

/** [base], off : post-index. */
function ldstPost(mem: Memory, r: Int32Array, kind: K, t: number, n: number, off: number): void {
  const bl = r[n];
  const bh = r[n + 1];
  const l = (bl >>> 0) + off;
  const nh = l > 0xffffffff ? (bh + 1) | 0 : l < 0 ? (bh - 1) | 0 : bh;
  access(mem, r, kind, t, bl, bh);
  r[n] = l | 0;
  r[n + 1] = nh;
}

/**
 * [base, Rm{, extend {#amount}}]: option 010 UXTW, 011 LSL/UXTX, 110 SXTW, 111 SXTX;
 * the offset is shifted left by `sh` (the access size when S = 1).
 */
function ldstReg(mem: Memory, r: Int32Array, kind: K, t: number, n: number, m: number, option: number, sh: number): void {
  let ml = r[m];
  let mh = option === 2 ? 0 : option === 6 ? ml >> 31 : r[m + 1];
  if (sh !== 0) {
    mh = (mh << sh) | (ml >>> (32 - sh));
    ml <<= sh;
  }
  const l = (r[n] >>> 0) + (ml >>> 0);
  const hi = (r[n + 1] + mh + (l > 0xffffffff ? 1 : 0)) | 0;
  access(mem, r, kind, t, l | 0, hi);
}

/** Sign-extends the low `bits` bits of v (a decode-time helper). */
const sext = (v: number, bits: number): number => (v << (32 - bits)) >> (32 - bits);

/** Builds an executor for a load/store with an immediate offset and optional writeback. */
function buildImm(cpu: Cpu, kind: K, rt: number, rn: number, off: number, mode: 'off' | 'pre' | 'post' | 'unpriv'): Op {
  const mem = cpu.mem;
  const r = cpu.r;
  const t = rtIndex(kind, rt);
  const n = rsp(rn);
  const fn = mode === 'off' ? ldstOff : mode === 'pre' ? ldstPre : mode === 'post' ? ldstPost : ldstUnpriv;
  if (rn === 31) {
    return () => {
      checkSp(cpu);
      fn(mem, r, kind, t, n, off);
    };
  }
  return () => fn(mem, r, kind, t, n, off);
}

/**
 * The common unsigned-offset LDR/STR of W and X with a base other than SP: one closure
 * each, with nothing to decide at run time.
 */
function buildFastUoff(cpu: Cpu, kind: K, rt: number, rn: number, off: number): Op | null {
  const mem = cpu.mem;
  const r = cpu.r;
  const n = rn * 2;
  const t = rtIndex(kind, rt);
  switch (kind) {
    case K.LDRX:
      return () => {
        const l = (r[n] >>> 0) + off;
        const v = mem.ld64(l | 0, l > 0xffffffff ? (r[n + 1] + 1) | 0 : r[n + 1]);
        r[t] = v;
        r[t + 1] = mem.hi;
      };
    case K.LDRW:
      return () => {
        const l = (r[n] >>> 0) + off;
        const v = mem.ld32(l | 0, l > 0xffffffff ? (r[n + 1] + 1) | 0 : r[n + 1]);
        r[t] = v;
        r[t + 1] = 0;
      };
    case K.STRX:
      return () => {
        const l = (r[n] >>> 0) + off;
        mem.st64(l | 0, l > 0xffffffff ? (r[n + 1] + 1) | 0 : r[n + 1], r[t], r[t + 1]);
      };
    case K.STRW:
      return () => {
        const l = (r[n] >>> 0) + off;
        mem.st32(l | 0, l > 0xffffffff ? (r[n + 1] + 1) | 0 : r[n + 1], r[t]);
      };
    default:
      return null;
  }
}

// ---- pairs ---------------------------------------------------------------------------

const enum P {
  STPW = 0,
  STPX = 1,
  LDPW = 2,
  LDPX = 3,
  LDPSW = 4,
}

/**
 * Stores two registers of `size` bytes at (lo, hi) and the next address without a partial
 * update: unless the pair is aligned within one page (one translation, which the first
 * store checks), both accesses are probed first, and an access to MMIO is made before
 * one to RAM, so that a fault there leaves memory untouched.
 */
export function storePair(
  mem: Memory,
  size: number,
  lo: number,
  hi: number,
  lo2: number,
  hi2: number,
  a0: number,
  a1: number,
  b0: number,
  b1: number,
): void {
  if ((lo & (size - 1)) === 0 && (lo & 0xfff) + 2 * size <= 4096 && mem.isRamPage(lo, hi)) {
    if (size === 8) {
      mem.st64(lo, hi, a0, a1);
      mem.st64(lo2, hi2, b0, b1);
    } else {
      mem.st32(lo, hi, a0);
      mem.st32(lo2, hi2, b0);
    }
    return;
  }
  mem.probe(lo, hi, size, true);
  const secondFirst = !mem.probe(lo2, hi2, size, true);
  if (size === 8) {
    if (secondFirst) {
      mem.st64(lo2, hi2, b0, b1);
      mem.st64(lo, hi, a0, a1);
    } else {
      mem.st64(lo, hi, a0, a1);
      mem.st64(lo2, hi2, b0, b1);
    }
  } else if (secondFirst) {
    mem.st32(lo2, hi2, b0);
    mem.st32(lo, hi, a0);
  } else {
    mem.st32(lo, hi, a0);
    mem.st32(lo2, hi2, b0);
  }
}

/** The two accesses of a W pair (STP W, LDP W, LDPSW) at (lo, hi); t, t2 are register indexes. */
function pairAccess(mem: Memory, r: Int32Array, pk: P, t: number, t2: number, lo: number, hi: number): void {
  const l2 = (lo >>> 0) + 4;
  const lo2 = l2 | 0;
  const hi2 = l2 > 0xffffffff ? (hi + 1) | 0 : hi;
  if (pk === P.STPW) {
    storePair(mem, 4, lo, hi, lo2, hi2, r[t], 0, r[t2], 0);
    return;
  }
  // Nothing is written until both loads succeeded; Rt2 before Rt, as QEMU does.
  const a = mem.ld32(lo, hi);
  const b = mem.ld32(lo2, hi2);
  const signed = pk === P.LDPSW;
  r[t2] = b;
  r[t2 + 1] = signed ? b >> 31 : 0;
  r[t] = a;
  r[t + 1] = signed ? a >> 31 : 0;
}

/** A W pair with a signed offset and optional writeback (mode: 0 offset, 1 pre-index, 2 post-index). */
function pairExec(mem: Memory, r: Int32Array, pk: P, t: number, t2: number, n: number, off: number, mode: number): void {
  const bl = r[n];
  const bh = r[n + 1];
  const l = (bl >>> 0) + off;
  const nl = l | 0;
  const nh = l > 0xffffffff ? (bh + 1) | 0 : l < 0 ? (bh - 1) | 0 : bh;
  if (mode === 2) pairAccess(mem, r, pk, t, t2, bl, bh);
  else pairAccess(mem, r, pk, t, t2, nl, nh);
  if (mode !== 0) {
    r[n] = nl;
    r[n + 1] = nh;
  }
}

/**
 * LDP/STP of X registers, the function prologue/epilogue forms: one closure per direction
 * and base kind, with the addressing mode (0 offset, 1 pre-index, 2 post-index) constant.
 */
function buildPairX(cpu: Cpu, load: boolean, t: number, t2: number, rn: number, off: number, mode: number): Op {
  const mem = cpu.mem;
  const r = cpu.r;
  const n = rn * 2;
  const post = mode === 2;
  const wb = mode !== 0;
  if (load) {
    const ldp = (): void => {
      const bl = r[n];
      const bh = r[n + 1];
      const l = (bl >>> 0) + off;
      const nl = l | 0;
      const nh = l > 0xffffffff ? (bh + 1) | 0 : l < 0 ? (bh - 1) | 0 : bh;
      const al = post ? bl : nl;
      const ah = post ? bh : nh;
      const a = mem.ld64(al, ah);
      const a1 = mem.hi;
      const l2 = (al >>> 0) + 8;
      const b = mem.ld64(l2 | 0, l2 > 0xffffffff ? (ah + 1) | 0 : ah);
      r[t2] = b;
      r[t2 + 1] = mem.hi;
      r[t] = a;
      r[t + 1] = a1;
      if (wb) {
        r[n] = nl;
        r[n + 1] = nh;
      }
    };
    if (rn !== 31) return ldp;
    return () => {
      checkSp(cpu);
      ldp();
    };
  }
  const stp = (): void => {
    const bl = r[n];
    const bh = r[n + 1];
    const l = (bl >>> 0) + off;
    const nl = l | 0;
    const nh = l > 0xffffffff ? (bh + 1) | 0 : l < 0 ? (bh - 1) | 0 : bh;
    const al = post ? bl : nl;
    const ah = post ? bh : nh;
    const l2 = (al >>> 0) + 8;
    storePair(mem, 8, al, ah, l2 | 0, l2 > 0xffffffff ? (ah + 1) | 0 : ah, r[t], r[t + 1], r[t2], r[t2 + 1]);
    if (wb) {
      r[n] = nl;
      r[n + 1] = nh;
    }
  };
  if (rn !== 31) return stp;
  return () => {
    checkSp(cpu);
    stp();
  };
}

// ---- exclusives ----------------------------------------------------------------------

/**
 * Load-exclusive of one register of `size` bytes: alignment is required whatever the
 * memory type; marks (address, size) in the local monitor and records the value read.
 */
function loadExcl(cpu: Cpu, size: number, t: number, lo: number, hi: number): void {
  const mem = cpu.mem;
  const r = cpu.r;
  mem.checkAligned(lo, hi, size, false);
  let v: number;
  let vh = 0;
  if (size === 1) v = mem.ld8(lo, hi);
  else if (size === 2) v = mem.ld16(lo, hi);
  else if (size === 4) v = mem.ld32(lo, hi);
  else {
    v = mem.ld64(lo, hi);
    vh = mem.hi;
  }
  cpu.exclValid = true;
  cpu.exclLo = lo;
  cpu.exclHi = hi;
  cpu.exclSize = size;
  cpu.exclVal0 = v;
  cpu.exclVal1 = vh;
  r[t] = v;
  r[t + 1] = vh;
}

/**
 * AArch64.ExclusiveMonitorsPass for a store-exclusive of `size` bytes at (lo, hi): the
 * alignment check comes first (an Alignment fault, as a write, whether or not the monitor
 * is set); then the monitor must hold this address and size. The monitor is cleared.
 */
function monitorPass(cpu: Cpu, size: number, lo: number, hi: number): boolean {
  cpu.mem.checkAligned(lo, hi, size, true);
  const pass = cpu.exclValid && cpu.exclLo === lo && cpu.exclHi === hi && cpu.exclSize === size;
  cpu.exclValid = false;
  return pass;
}

/** Store-exclusive of one register: the status (0 stored, 1 not) is returned. */
function storeExcl(cpu: Cpu, size: number, vl: number, vh: number, lo: number, hi: number): number {
  if (!monitorPass(cpu, size, lo, hi)) return 1;
  const mem = cpu.mem;
  // Like QEMU, the store also requires memory to still hold what the load-exclusive read.
  switch (size) {
    case 1:
      if (mem.ld8(lo, hi) !== cpu.exclVal0) return 1;
      mem.st8(lo, hi, vl);
      return 0;
    case 2:
      if (mem.ld16(lo, hi) !== cpu.exclVal0) return 1;
      mem.st16(lo, hi, vl);
      return 0;
    case 4:
      if (mem.ld32(lo, hi) !== cpu.exclVal0) return 1;
      mem.st32(lo, hi, vl);
      return 0;
    default:
      if (mem.ld64(lo, hi) !== cpu.exclVal0 || mem.hi !== cpu.exclVal1) return 1;
      mem.st64(lo, hi, vl, vh);
      return 0;
  }
}

/** LDXP/LDAXP: W pairs are one 8-byte access, X pairs two 8-byte accesses aligned to 16. */
function loadExclPair(cpu: Cpu, x: boolean, t: number, t2: number, lo: number, hi: number): void {
  const mem = cpu.mem;
  const r = cpu.r;
  if (!x) {
    mem.checkAligned(lo, hi, 8, false);
    const a = mem.ld64(lo, hi);
    const b = mem.hi;
    cpu.exclValid = true;
    cpu.exclLo = lo;
    cpu.exclHi = hi;
    cpu.exclSize = 8;
    cpu.exclVal0 = a;
    cpu.exclVal1 = b;
    r[t] = a;
    r[t + 1] = 0;
    r[t2] = b;
    r[t2 + 1] = 0;
    return;
  }
  mem.checkAligned(lo, hi, 16, false);
  const a = mem.ld64(lo, hi);
  const ah = mem.hi;
  const b = mem.ld64((lo + 8) | 0, hi); // 16-aligned: lo + 8 does not carry
  const bh = mem.hi;
  cpu.exclValid = true;
  cpu.exclLo = lo;
  cpu.exclHi = hi;
  cpu.exclSize = 16;
  cpu.exclVal0 = a;
  cpu.exclVal1 = ah;
  cpu.exclVal2 = b;
  cpu.exclVal3 = bh;
  r[t] = a;
  r[t + 1] = ah;
  r[t2] = b;
  r[t2 + 1] = bh;
}

/** STXP/STLXP: returns the status. */
function storeExclPair(cpu: Cpu, x: boolean, t: number, t2: number, lo: number, hi: number): number {
  const mem = cpu.mem;
  const r = cpu.r;
  const size = x ? 16 : 8;
  if (!monitorPass(cpu, size, lo, hi)) return 1;
  if (!x) {
    if (mem.ld64(lo, hi) !== cpu.exclVal0 || mem.hi !== cpu.exclVal1) return 1;
    mem.st64(lo, hi, r[t], r[t2]);
    return 0;
  }
  const lo2 = (lo + 8) | 0;
  if (mem.ld64(lo, hi) !== cpu.exclVal0 || mem.hi !== cpu.exclVal1) return 1;
  if (mem.ld64(lo2, hi) !== cpu.exclVal2 || mem.hi !== cpu.exclVal3) return 1;
  mem.st64(lo, hi, r[t], r[t + 1]);
  mem.st64(lo2, hi, r[t2], r[t2 + 1]);
  return 0;
}

// ---- load-acquire / store-release ------------------------------------------------------

export function loadAcquire(mem: Memory, r: Int32Array, size: number, t: number, lo: number, hi: number): void {
  mem.checkAligned(lo, hi, size, false);
  if (size === 8) {
    const v = mem.ld64(lo, hi);
    r[t] = v;
    r[t + 1] = mem.hi;
    return;
  }
  const v = size === 1 ? mem.ld8(lo, hi) : size === 2 ? mem.ld16(lo, hi) : mem.ld32(lo, hi);
  r[t] = v;
  r[t + 1] = 0;
}

function storeRelease(mem: Memory, r: Int32Array, size: number, t: number, lo: number, hi: number): void {
  mem.checkAligned(lo, hi, size, true);
  if (size === 8) mem.st64(lo, hi, r[t], r[t + 1]);
  else if (size === 4) mem.st32(lo, hi, r[t]);
  else if (size === 2) mem.st16(lo, hi, r[t]);
  else mem.st8(lo, hi, r[t]);
}

// ---- the instruction syndrome ----------------------------------------------------------

/**
 * LSInstructionSyndrome (Arm ARM, ISS encoding for an exception from a Data Abort, bits
 * [24:14]: ISV, SAS, SSE, SRT, SF, AR) of a load/store instruction, or 0 when it has none.
 * Valid only for loads and stores of a single general-purpose register (literal, unsigned
 * offset, unscaled, unprivileged, register offset, and the ordered LDAR/STLR, LDLAR/
 * STLLR, LDAPR), never for writeback forms, pairs, exclusives or atomics.
 *
 * The architecture reports it only for stage 2 aborts taken to EL2 (pseudocode
 * AArch64.FaultSyndrome: `if IsSecondStage(fault) && !fault.s2fs1walk then iss<24:14> =
 * LSInstructionSyndrome()`), and QEMU likewise only for aborts routed to EL2 (7.2
 * merge_syn_data_abort; since 8.0 only for stage 2 ones). With no stage 2 yet, nothing
 * calls this except its tests; the stage 2 abort path will OR it into the ISS.
 */
export function lsInstructionSyndrome(insn: number): number {
  const rt = insn & 31;
  const size = insn >>> 30;
  const opc = (insn >>> 22) & 3;
  let sas = size;
  let signed = false;
  let sf: number;
  let ar = 0;
  const top = (insn >>> 24) & 0x3f; // bits 29:24
  if (top === 0b011000) {
    // Load register (literal): opc 00 LDR W, 01 LDR X, 10 LDRSW, 11 PRFM
    const lopc = size;
    if (lopc === 3) return 0;
    sas = lopc === 1 ? 3 : 2;
    signed = lopc === 2;
    sf = lopc === 0 ? 0 : 1;
  } else if (top === 0b001000) {
    // Exclusives (o2 = 0), ordered (o2 = 1, o1 = 0), CAS (o2 = 1, o1 = 1)
    if (((insn >>> 23) & 1) === 0 || ((insn >>> 21) & 1) === 1) return 0;
    ar = (insn >>> 15) & 1;
    sf = size === 3 ? 1 : 0;
  } else if (top === 0b111001 || top === 0b111000) {
    if (top === 0b111000) {
      const b21 = (insn >>> 21) & 1;
      const idx = (insn >>> 10) & 3;
      if (b21 === 0) {
        if (idx === 1 || idx === 3) return 0; // writeback
      } else if (idx === 0) {
        // Atomic memory operations: only LDAPR (o3:opc = 1100) is a single-register load.
        if (((insn >>> 12) & 0xf) !== 0b1100) return 0;
        ar = 1;
        return (1 << 24) | (size << 22) | (rt << 16) | ((size === 3 ? 1 : 0) << 15) | (ar << 14);
      } else if (idx !== 2) {
        return 0;
      }
    }
    if (opc >= 2) {
      if (size === 3 || (opc === 3 && size === 2)) return 0; // PRFM, unallocated
      signed = true;
      sf = opc === 2 ? 1 : 0;
    } else {
      sf = size === 3 ? 1 : 0;
    }
  } else {
    return 0;
  }
  return (1 << 24) | (sas << 22) | ((signed ? 1 : 0) << 21) | (rt << 16) | (sf << 15) | (ar << 14);
}

// ---- the rows ------------------------------------------------------------------------

export const LDST_ROWS: Row[] = [
  {
    // LDR (literal) W/X, LDRSW (literal), PRFM (literal)
    name: 'LDR_lit',
    pattern: 'opc:2 011 0 00 imm19:19 rt:5',
    build: (f, c) => {
      if (f.opc === 3) return NOP;
      const kind = f.opc === 0 ? K.LDRW : f.opc === 1 ? K.LDRX : K.LDRSW;
      const [al, ah] = pcPlus(c, BigInt(sext(f.imm19, 19) * 4));
      const mem = c.cpu.mem;
      const r = c.cpu.r;
      const t = wz(f.rt);
      return () => access(mem, r, kind, t, al, ah);
    },
  },
  {
    // STR/LDR/LDRS* (immediate, unsigned offset), PRFM (immediate)
    name: 'LDST_uoff',
    pattern: 'size:2 111 0 01 opc:2 imm12:12 rn:5 rt:5',
    build: (f, c) => {
      const kind = kindOf(f.size, f.opc);
      if (kind === K.UNALLOCATED) return null;
      if (kind === K.PRFM) return NOP;
      const off = f.imm12 << f.size;
      if (f.rn !== 31) {
        const fast = buildFastUoff(c.cpu, kind, f.rt, f.rn, off);
        if (fast) return fast;
      }
      return buildImm(c.cpu, kind, f.rt, f.rn, off, 'off');
    },
  },
  {
    // idx 00: STUR/LDUR/LDURS*, PRFUM; 01: post-index; 10: STTR/LDTR/LDTRS*; 11: pre-index.
    name: 'LDST_imm9',
    pattern: 'size:2 111 0 00 opc:2 0 imm9:9 idx:2 rn:5 rt:5',
    build: (f, c) => {
      const kind = kindOf(f.size, f.opc);
      if (kind === K.UNALLOCATED) return null;
      if (kind === K.PRFM) return f.idx === 0 ? NOP : null;
      const off = sext(f.imm9, 9);
      // Unprivileged (idx 10): at EL1 the access is checked as if made from EL0; at EL0
      // (and at EL2/EL3) it is a normal access (Memory.ldUnpriv decides, per context).
      const mode = f.idx === 1 ? 'post' : f.idx === 3 ? 'pre' : f.idx === 2 ? 'unpriv' : 'off';
      return buildImm(c.cpu, kind, f.rt, f.rn, off, mode);
    },
  },
  {
    // STR/LDR/LDRS*/PRFM (register): option 010 UXTW, 011 LSL, 110 SXTW, 111 SXTX.
    name: 'LDST_reg',
    pattern: 'size:2 111 0 00 opc:2 1 rm:5 option:3 S:1 10 rn:5 rt:5',
    build: (f, c) => {
      if ((f.option & 2) === 0) return null;
      const kind = kindOf(f.size, f.opc);
      if (kind === K.UNALLOCATED) return null;
      if (kind === K.PRFM) return NOP;
      const cpu = c.cpu;
      const mem = cpu.mem;
      const r = cpu.r;
      const t = rtIndex(kind, f.rt);
      const n = rsp(f.rn);
      const m = rz(f.rm);
      const option = f.option;
      const sh = f.S ? f.size : 0;
      if (f.rn === 31) {
        return () => {
          checkSp(cpu);
          ldstReg(mem, r, kind, t, n, m, option, sh);
        };
      }
      if (option === 3 && (kind === K.LDRX || kind === K.STRX)) {
        // [Xn, Xm{, LSL #3}], the common array access
        const load = kind === K.LDRX;
        return () => {
          let ml = r[m];
          let mh = r[m + 1];
          if (sh !== 0) {
            mh = (mh << 3) | (ml >>> 29);
            ml <<= 3;
          }
          const l = (r[n] >>> 0) + (ml >>> 0);
          const lo = l | 0;
          const hi = (r[n + 1] + mh + (l > 0xffffffff ? 1 : 0)) | 0;
          if (load) {
            const v = mem.ld64(lo, hi);
            r[t] = v;
            r[t + 1] = mem.hi;
          } else {
            mem.st64(lo, hi, r[t], r[t + 1]);
          }
        };
      }
      return () => ldstReg(mem, r, kind, t, n, m, option, sh);
    },
  },
  {
    // STNP/LDNP (idx 00), STP/LDP/LDPSW post-index (01), signed offset (10), pre-index (11)
    name: 'LDST_pair',
    pattern: 'opc:2 101 0 0 idx:2 L:1 imm7:7 rt2:5 rn:5 rt:5',
    build: (f, c) => {
      if (f.opc === 3) return null;
      if (f.opc === 1 && (f.L === 0 || f.idx === 0)) return null; // STGP (FEAT_MTE); no LDNPSW
      const pk = f.L === 0 ? (f.opc === 2 ? P.STPX : P.STPW) : f.opc === 2 ? P.LDPX : f.opc === 1 ? P.LDPSW : P.LDPW;
      const off = sext(f.imm7, 7) * (f.opc === 2 ? 8 : 4);
      // mode: 0 offset (no writeback), 1 pre-index, 2 post-index
      const mode = f.idx === 1 ? 2 : f.idx === 3 ? 1 : 0;
      const cpu = c.cpu;
      const mem = cpu.mem;
      const r = cpu.r;
      const load = f.L === 1;
      const t = load ? wz(f.rt) : rz(f.rt);
      const t2 = load ? wz(f.rt2) : rz(f.rt2);
      if (pk === P.LDPX || pk === P.STPX) return buildPairX(cpu, load, t, t2, f.rn, off, mode);
      const n = rsp(f.rn);
      if (f.rn === 31) {
        return () => {
          checkSp(cpu);
          pairExec(mem, r, pk, t, t2, n, off, mode);
        };
      }
      return () => pairExec(mem, r, pk, t, t2, n, off, mode);
    },
  },
  {
    // STXR, STLXR (B/H/W/X). Rt2 is should-be-one; like QEMU, it is not checked.
    name: 'STXR',
    pattern: 'size:2 001000 0 0 0 rs:5 o0:1 rt2:5 rn:5 rt:5',
    build: (f, c) => {
      const cpu = c.cpu;
      const r = cpu.r;
      const size = 1 << f.size;
      const s = wz(f.rs);
      const t = rz(f.rt);
      const n = rsp(f.rn);
      return withSp(cpu, f.rn, () => {
        const status = storeExcl(cpu, size, r[t], r[t + 1], r[n], r[n + 1]);
        r[s] = status;
        r[s + 1] = 0;
      });
    },
  },
  {
    // LDXR, LDAXR (B/H/W/X). Rs and Rt2 are should-be-one; not checked.
    name: 'LDXR',
    pattern: 'size:2 001000 0 1 0 rs:5 o0:1 rt2:5 rn:5 rt:5',
    build: (f, c) => {
      const cpu = c.cpu;
      const r = cpu.r;
      const size = 1 << f.size;
      const t = wz(f.rt);
      const n = rsp(f.rn);
      return withSp(cpu, f.rn, () => {
        loadExcl(cpu, size, t, r[n], r[n + 1]);
      });
    },
  },
  {
    // STXP, STLXP (W/X; size 0x is CASP, in atomic.ts)
    name: 'STXP',
    pattern: '1 sz:1 001000 0 0 1 rs:5 o0:1 rt2:5 rn:5 rt:5',
    build: (f, c) => {
      const cpu = c.cpu;
      const r = cpu.r;
      const x = f.sz === 1;
      const s = wz(f.rs);
      const t = rz(f.rt);
      const t2 = rz(f.rt2);
      const n = rsp(f.rn);
      return withSp(cpu, f.rn, () => {
        const status = storeExclPair(cpu, x, t, t2, r[n], r[n + 1]);
        r[s] = status;
        r[s + 1] = 0;
      });
    },
  },
  {
    // LDXP, LDAXP (W/X; size 0x is CASPA/CASPAL, in atomic.ts)
    name: 'LDXP',
    pattern: '1 sz:1 001000 0 1 1 rs:5 o0:1 rt2:5 rn:5 rt:5',
    build: (f, c) => {
      const cpu = c.cpu;
      const r = cpu.r;
      const x = f.sz === 1;
      const t = wz(f.rt);
      const t2 = wz(f.rt2);
      const n = rsp(f.rn);
      return withSp(cpu, f.rn, () => {
        loadExclPair(cpu, x, t, t2, r[n], r[n + 1]);
      });
    },
  },
  {
    // STLR (L = 0) and LDAR (L = 1), with o0 = 1; STLLR/LDLAR (o0 = 0) are FEAT_LOR: UNDEFINED.
    name: 'LDAR_STLR',
    pattern: 'size:2 001000 1 L:1 0 rs:5 o0:1 rt2:5 rn:5 rt:5',
    build: (f, c) => {
      if (f.o0 === 0) return null;
      const cpu = c.cpu;
      const mem = cpu.mem;
      const r = cpu.r;
      const size = 1 << f.size;
      const n = rsp(f.rn);
      if (f.L === 1) {
        const t = wz(f.rt);
        return withSp(cpu, f.rn, () => loadAcquire(mem, r, size, t, r[n], r[n + 1]));
      }
      const t = rz(f.rt);
      return withSp(cpu, f.rn, () => storeRelease(mem, r, size, t, r[n], r[n + 1]));
    },
  },
];
