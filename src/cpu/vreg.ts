// The FP/SIMD registers V0..V31 in the register file (slots Slot.V0 + 2n, 2n + 1: 128 bits,
// little-endian, lane 0 at the lowest address), and the indexes of their lanes in the
// CpuState views (u/r: 32-bit, f64, f32, u16, u8). Executors compute indexes at decode time.
//
// NaN payloads: values move between registers and memory through the integer views only.
// A Float32Array read widens to a double, which may quiet a signalling NaN on some hosts.
//
// Scalar writes (Arm ARM V[d, width] = ...: "the upper bits of the register are zeroed")
// clear bits [127:width] of Vd.

import type { CpuState } from './state.js';
import { Slot } from './state.js';

/** Index in the 32-bit views (u, r) of word 0 (bits [31:0]) of Vn. */
export const vw = (n: number): number => (Slot.V0 + 2 * n) * 2;
/** Index in f64 of the low 64 bits of Vn. */
export const vd = (n: number): number => Slot.V0 + 2 * n;
/** Index in f32 of bits [31:0] of Vn. */
export const vs = (n: number): number => (Slot.V0 + 2 * n) * 2;
/** Index in u16 of bits [15:0] of Vn. */
export const vh = (n: number): number => (Slot.V0 + 2 * n) * 4;
/** Index in u8 of bits [7:0] of Vn. */
export const vb = (n: number): number => (Slot.V0 + 2 * n) * 8;

/** Writes a 64-bit scalar (two words) to Vn and zeroes bits [127:64]. */
export function setD(s: CpuState, n: number, lo: number, hi: number): void {
  const w = vw(n);
  const u = s.r;
  u[w] = lo;
  u[w + 1] = hi;
  u[w + 2] = 0;
  u[w + 3] = 0;
}

/** Writes a 32-bit scalar to Vn and zeroes bits [127:32]. */
export function setS(s: CpuState, n: number, v: number): void {
  const w = vw(n);
  const u = s.r;
  u[w] = v;
  u[w + 1] = 0;
  u[w + 2] = 0;
  u[w + 3] = 0;
}

/** Writes a 16-bit scalar to Vn and zeroes bits [127:16]. */
export function setH(s: CpuState, n: number, v: number): void {
  const w = vw(n);
  const u = s.r;
  u[w] = v & 0xffff;
  u[w + 1] = 0;
  u[w + 2] = 0;
  u[w + 3] = 0;
}

/** Writes an 8-bit scalar to Vn and zeroes bits [127:8]. */
export function setB(s: CpuState, n: number, v: number): void {
  const w = vw(n);
  const u = s.r;
  u[w] = v & 0xff;
  u[w + 1] = 0;
  u[w + 2] = 0;
  u[w + 3] = 0;
}

/** The whole of Vn as a 128-bit value (tools and tests). */
export function getV(s: CpuState, n: number): bigint {
  return s.x[vd(n)] | (s.x[vd(n) + 1] << 64n);
}

/** Sets the whole of Vn (tools and tests). */
export function setV(s: CpuState, n: number, v: bigint): void {
  s.x[vd(n)] = BigInt.asUintN(64, v);
  s.x[vd(n) + 1] = BigInt.asUintN(64, v >> 64n);
}
