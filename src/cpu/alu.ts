// 64-bit arithmetic on 32-bit halves, writing straight into the register file.
// Conventions shared by every executor:
//   - a register operand is the index of its low word in cpu.r (slot * 2); the high word
//     is the next index. rz()/rsp() give the index to read register n as XZR or SP,
//     wz()/wsp() the index to write it (a write to XZR lands in a junk slot);
//   - 32-bit (W) results are written with a zero high word;
//   - flags live in cpu.n/z/c/v as 0 or 1.
// Names follow the Arm ARM pseudocode (AddWithCarry, ShiftReg, ...).

import type { CpuState } from './state.js';
import { Slot } from './state.js';

/** Index to read register n, where 31 is XZR. */
export const rz = (n: number): number => (n === 31 ? Slot.ZR : n) * 2;
/** Index to read or write register n, where 31 is the current SP. */
export const rsp = (n: number): number => n * 2;
/** Index to write register n, where 31 is XZR (the write is discarded). */
export const wz = (n: number): number => (n === 31 ? Slot.JUNK : n) * 2;
export const wsp = rsp;
/** A scratch slot for an operand computed before use. */
export const TMP0 = Slot.TMP0 * 2;

/**
 * AddWithCarry (Arm ARM J1.1.3, shared/functions/integer/AddWithCarry) on 64 bits:
 * r[d] = a + b + cin, flags set when `flags`.
 */
export function addWithCarry64(
  cpu: CpuState,
  d: number,
  al: number,
  ah: number,
  bl: number,
  bh: number,
  cin: number,
  flags: boolean,
): void {
  const sl = (al >>> 0) + (bl >>> 0) + cin;
  const cl = sl > 0xffffffff ? 1 : 0;
  const sh = (ah >>> 0) + (bh >>> 0) + cl;
  const rh = sh | 0;
  const r = cpu.r;
  r[d] = sl;
  r[d + 1] = rh;
  if (flags) {
    cpu.n = rh >>> 31;
    cpu.z = ((sl | 0) | rh) === 0 ? 1 : 0;
    cpu.c = sh > 0xffffffff ? 1 : 0;
    cpu.v = (~(ah ^ bh) & (ah ^ rh)) >>> 31;
  }
}

/** AddWithCarry on 32 bits: r[d] = zero-extended (a + b + cin). */
export function addWithCarry32(cpu: CpuState, d: number, a: number, b: number, cin: number, flags: boolean): void {
  const s = (a >>> 0) + (b >>> 0) + cin;
  const res = s | 0;
  const r = cpu.r;
  r[d] = res;
  r[d + 1] = 0;
  if (flags) {
    cpu.n = res >>> 31;
    cpu.z = res === 0 ? 1 : 0;
    cpu.c = s > 0xffffffff ? 1 : 0;
    cpu.v = (~(a ^ b) & (a ^ res)) >>> 31;
  }
}

/** Shift types of the shifted-register forms (Arm ARM DecodeShift). */
export enum ShiftType {
  LSL = 0,
  LSR = 1,
  ASR = 2,
  ROR = 3,
}

/** ShiftReg on 64 bits by a constant 0..63: writes the result to r[d], r[d+1]. */
export function shift64(r: Int32Array, d: number, s: number, type: number, amount: number): void {
  const l = r[s];
  const h = r[s + 1];
  let rl: number;
  let rh: number;
  if (amount === 0) {
    rl = l;
    rh = h;
  } else if (type === ShiftType.LSL) {
    if (amount < 32) {
      rh = (h << amount) | (l >>> (32 - amount));
      rl = l << amount;
    } else {
      rh = l << (amount - 32);
      rl = 0;
    }
  } else if (type === ShiftType.LSR) {
    if (amount < 32) {
      rl = (l >>> amount) | (h << (32 - amount));
      rh = h >>> amount;
    } else {
      rl = h >>> (amount - 32);
      rh = 0;
    }
  } else if (type === ShiftType.ASR) {
    if (amount < 32) {
      rl = (l >>> amount) | (h << (32 - amount));
      rh = h >> amount;
    } else {
      rl = h >> (amount - 32);
      rh = h >> 31;
    }
  } else {
    // ROR
    if (amount < 32) {
      rl = (l >>> amount) | (h << (32 - amount));
      rh = (h >>> amount) | (l << (32 - amount));
    } else if (amount === 32) {
      rl = h;
      rh = l;
    } else {
      const a = amount - 32;
      rl = (h >>> a) | (l << (32 - a));
      rh = (l >>> a) | (h << (32 - a));
    }
  }
  r[d] = rl;
  r[d + 1] = rh;
}

/** ShiftReg on 32 bits by a constant 0..31. */
export function shift32(v: number, type: number, amount: number): number {
  if (amount === 0) return v | 0;
  switch (type) {
    case ShiftType.LSL:
      return v << amount;
    case ShiftType.LSR:
      return v >>> amount;
    case ShiftType.ASR:
      return v >> amount;
    default:
      return (v >>> amount) | (v << (32 - amount));
  }
}

/**
 * ExtendReg (Arm ARM): extends the low bits of r[s] by `option` (UXTB..SXTX) and shifts
 * left by 0..4, writing 64 bits to r[d].
 */
export function extend64(r: Int32Array, d: number, s: number, option: number, shift: number): void {
  const l = r[s];
  let el: number;
  let eh: number;
  switch (option) {
    case 0: el = l & 0xff; eh = 0; break; // UXTB
    case 1: el = l & 0xffff; eh = 0; break; // UXTH
    case 2: el = l; eh = 0; break; // UXTW
    case 3: el = l; eh = r[s + 1]; break; // UXTX
    case 4: el = (l << 24) >> 24; eh = el >> 31; break; // SXTB
    case 5: el = (l << 16) >> 16; eh = el >> 31; break; // SXTH
    case 6: el = l; eh = l >> 31; break; // SXTW
    default: el = l; eh = r[s + 1]; break; // SXTX
  }
  if (shift === 0) {
    r[d] = el;
    r[d + 1] = eh;
  } else {
    r[d] = el << shift;
    r[d + 1] = (eh << shift) | (el >>> (32 - shift));
  }
}

/** The high 32 bits of the unsigned 64-bit product of two 32-bit values. */
export function umulh32(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const p11 = a1 * b1;
  // middle sums stay below 2^53, so plain doubles are exact
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  return (p11 + (p01 >>> 16) + (p10 >>> 16) + Math.floor(mid / 65536)) >>> 0;
}

/** The low 64 bits of a 64 x 64 product, written to r[d], r[d+1]. */
export function mul64(r: Int32Array, d: number, al: number, ah: number, bl: number, bh: number): void {
  const lo = Math.imul(al, bl);
  const hi = (umulh32(al, bl) + Math.imul(al, bh) + Math.imul(ah, bl)) | 0;
  r[d] = lo;
  r[d + 1] = hi;
}

/** Reads register index i as an unsigned 64-bit BigInt (slow paths only). */
export function big(r: Int32Array, i: number): bigint {
  return (BigInt(r[i + 1] >>> 0) << 32n) | BigInt(r[i] >>> 0);
}

/** Writes a BigInt (taken modulo 2^64) to register index i (slow paths only). */
export function setBig(r: Int32Array, i: number, v: bigint): void {
  r[i] = Number(v & 0xffffffffn) | 0;
  r[i + 1] = Number((v >> 32n) & 0xffffffffn) | 0;
}

/** Condition codes (Arm ARM C1.2.4, ConditionHolds). */
export function conditionHolds(cpu: CpuState, cond: number): boolean {
  let result: boolean;
  switch (cond >>> 1) {
    case 0: result = cpu.z === 1; break; // EQ/NE
    case 1: result = cpu.c === 1; break; // CS/CC
    case 2: result = cpu.n === 1; break; // MI/PL
    case 3: result = cpu.v === 1; break; // VS/VC
    case 4: result = cpu.c === 1 && cpu.z === 0; break; // HI/LS
    case 5: result = cpu.n === cpu.v; break; // GE/LT
    case 6: result = cpu.n === cpu.v && cpu.z === 0; break; // GT/LE
    default: result = true; // AL/NV
  }
  if ((cond & 1) === 1 && cond !== 0xf) result = !result;
  return result;
}

/**
 * DecodeBitMasks (Arm ARM J1, shared/functions/bitmasks/DecodeBitMasks): the (wmask,
 * tmask) pair of a logical immediate (`immediate`) or a bitfield move, or null when the
 * encoding is reserved. Decode time only.
 */
export function decodeBitMasks(
  n: number,
  imms: number,
  immr: number,
  immediate: boolean,
  datasize: number,
): { wmask: bigint; tmask: bigint } | null {
  const combined = (n << 6) | (~imms & 0x3f);
  if (combined === 0) return null;
  const len = 31 - Math.clz32(combined);
  if (len < 1) return null;
  const levels = (1 << len) - 1;
  if (immediate && (imms & levels) === levels) return null; // all ones is reserved
  const s = imms & levels;
  const rr = immr & levels;
  const d = (s - rr) & levels;
  const esize = 1 << len;
  if (esize > datasize) return null;
  const emask = (1n << BigInt(esize)) - 1n;
  let welem = (1n << BigInt(s + 1)) - 1n;
  if (rr) welem = ((welem >> BigInt(rr)) | (welem << BigInt(esize - rr))) & emask;
  const telem = (1n << BigInt(d + 1)) - 1n;
  let wmask = 0n;
  let tmask = 0n;
  for (let i = 0; i < datasize; i += esize) {
    wmask |= welem << BigInt(i);
    tmask |= telem << BigInt(i);
  }
  return { wmask, tmask };
}

/** The two int32 halves of a 64-bit constant (decode time). */
export function halves(v: bigint): [number, number] {
  return [Number(v & 0xffffffffn) | 0, Number((v >> 32n) & 0xffffffffn) | 0];
}

/** The 32 bits of v in reverse order (Arm ARM BitReverse on 32 bits; RBIT). */
export function rbit32(v: number): number {
  v = ((v >>> 1) & 0x55555555) | ((v & 0x55555555) << 1);
  v = ((v >>> 2) & 0x33333333) | ((v & 0x33333333) << 2);
  v = ((v >>> 4) & 0x0f0f0f0f) | ((v & 0x0f0f0f0f) << 4);
  v = ((v >>> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8);
  return (v >>> 16) | (v << 16);
}

/** The 4 bytes of v in reverse order (REV on 32 bits; big-endian accesses). */
export function bswap32(v: number): number {
  return (v >>> 24) | ((v >>> 8) & 0xff00) | ((v & 0xff00) << 8) | (v << 24);
}
