// Register states compared by lockstep: X0..X30, the current SP and the PC as 32-bit lane
// pairs (the layout of slots 0..31 and the PC in CpuState, so a64emu's are copied without
// BigInt), CPSR (only NZCV is compared), when FP is on V0..V31, and the exception
// registers ELR/SPSR/ESR/FAR_EL1..3 that QEMU's stub exposes: an exception taken on one side
// only leaves them changed after its handler has returned (a difference that heals itself in
// the general registers, missed by a breakpoint hop, which does not count steps).

import type { Cpu } from '../cpu/cpu.js';
import { GPR_NAMES } from './fmt.js';
import { GdbError } from './gdbremote.js';
import { Slot, lo } from '../cpu/state.js';

/** x0..x30, sp, pc: 33 64-bit registers, 66 lanes. */
export const CORE_NAMES: readonly string[] = [...GPR_NAMES, 'pc'];
export const LANES = 66;
const PC_LANE = 64;
/** V0..V31, 128 bits each: 128 lanes. */
export const V_LANES = 128;
export const NZCV_MASK = 0xf000_0000;

export interface RegState {
  /** x0..x30, sp, pc as (low, high) 32-bit pairs. */
  readonly lanes: Int32Array;
  /** PSTATE in the SPSR/CPSR layout (a64emu) or gdb's cpsr (QEMU). */
  readonly cpsr: number;
  /** V0..V31 (four lanes each, least significant first), or null when FP is not compared. */
  readonly v: Int32Array | null;
  /** ELR, SPSR, ESR, FAR for EL1..3 (EXC_NAMES order, (low, high) lanes); those not compared are 0. */
  readonly exc?: Int32Array | null;
}

/** The exception registers, in the order of their slots (Slot.ELR_EL1 on, CpuState). */
export const EXC_NAMES: readonly string[] = ['ELR', 'SPSR', 'ESR', 'FAR'].flatMap((r) => [1, 2, 3].map((n) => `${r}_EL${n}`));
export const EXC_LANES = 2 * EXC_NAMES.length;

/** Copies a64emu's exception registers into `dst` at `at`, keeping only the lanes in `mask`. */
export function copyCpuExc(cpu: Cpu, mask: Int32Array, dst: Int32Array, at: number): void {
  const r = cpu.r;
  const b = lo(Slot.ELR_EL1);
  for (let i = 0; i < EXC_LANES; i++) dst[at + i] = r[b + i] & mask[i];
}

/**
 * The gdb register numbers of EXC_NAMES in QEMU's system register feature
 * (org.qemu.gdb.arm.sys.regs, which gives each its regnum), -1 where absent.
 */
export function excRegnums(xml: string): number[] {
  const num = new Map<string, number>();
  for (const m of xml.matchAll(/<reg\s+name="([^"]+)"[^>]*\sregnum="(\d+)"/g)) num.set(m[1], Number(m[2]));
  return EXC_NAMES.map((n) => num.get(n) ?? -1);
}

/** The lane mask of the exception registers QEMU exposes (`regnums` from excRegnums). */
export function excMask(regnums: readonly number[]): Int32Array {
  const m = new Int32Array(EXC_LANES);
  regnums.forEach((n, i) => {
    if (n >= 0) m[2 * i] = m[2 * i + 1] = -1;
  });
  return m;
}

/** The PC of a lane array as a Number (exact below 2^53). */
export function pcOf(lanes: Int32Array, at = 0): number {
  return (lanes[at + PC_LANE + 1] >>> 0) * 0x1_0000_0000 + (lanes[at + PC_LANE] >>> 0);
}

/** Copies a64emu's registers into `dst` at `at` (LANES lanes). */
export function copyCpuLanes(cpu: Cpu, dst: Int32Array, at: number): void {
  const r = cpu.r;
  dst.set(r.subarray(0, lo(Slot.SP) + 2), at);
  dst[at + PC_LANE] = r[lo(Slot.PC)];
  dst[at + PC_LANE + 1] = r[lo(Slot.PC) + 1];
}

export function cpuState(cpu: Cpu, fp: boolean): RegState {
  const lanes = new Int32Array(LANES);
  copyCpuLanes(cpu, lanes, 0);
  return { lanes, cpsr: cpu.spsrBits, v: fp ? cpu.r.slice(lo(Slot.V0), lo(Slot.V0) + V_LANES) : null };
}

export const u64At = (lanes: Int32Array, i: number): bigint =>
  (BigInt(lanes[2 * i + 1] >>> 0) << 32n) | BigInt(lanes[2 * i] >>> 0);

/** The names of the registers that differ (x0..x30, sp, pc, nzcv, then v0..v31). */
export function differing(a: RegState, b: RegState): string[] {
  const out: string[] = [];
  for (let i = 0; i < CORE_NAMES.length; i++) {
    if (a.lanes[2 * i] !== b.lanes[2 * i] || a.lanes[2 * i + 1] !== b.lanes[2 * i + 1]) out.push(CORE_NAMES[i]);
  }
  if (((a.cpsr ^ b.cpsr) & NZCV_MASK) !== 0) out.push('nzcv');
  if (a.v !== null && b.v !== null) {
    for (let n = 0; n < 32; n++) {
      for (let k = 0; k < 4; k++) {
        if (a.v[4 * n + k] !== b.v[4 * n + k]) {
          out.push(`v${n}`);
          break;
        }
      }
    }
  }
  if (a.exc && b.exc) {
    for (let i = 0; i < EXC_NAMES.length; i++) {
      if (a.exc[2 * i] !== b.exc[2 * i] || a.exc[2 * i + 1] !== b.exc[2 * i + 1]) out.push(EXC_NAMES[i].toLowerCase());
    }
  }
  return out;
}

/** Does the state at `at` in `lanes` (+ cpsr) equal `b`'s general registers and NZCV? */
export function sameGprs(lanes: Int32Array, at: number, cpsr: number, b: RegState): boolean {
  for (let i = 0; i < LANES; i++) if (lanes[at + i] !== b.lanes[i]) return false;
  return ((cpsr ^ b.cpsr) & NZCV_MASK) === 0;
}

/**
 * QEMU's 'g' reply for AArch64 (its target.xml, feature org.gnu.gdb.aarch64.core): x0..x30,
 * sp, pc as 64-bit little-endian, then cpsr as 32-bit: 268 bytes.
 */
export const G_CORE_BYTES = 33 * 8 + 4;

export function stateFromG(g: Uint8Array, v: Int32Array | null): RegState {
  if (g.length < G_CORE_BYTES) throw new GdbError(`'g' reply of ${g.length} bytes; expected at least ${G_CORE_BYTES}`);
  const dv = new DataView(g.buffer, g.byteOffset, g.byteLength);
  const lanes = new Int32Array(LANES);
  for (let i = 0; i < LANES; i++) lanes[i] = dv.getInt32(4 * i, true);
  return { lanes, cpsr: dv.getUint32(33 * 8, true), v };
}

/** The core registers QEMU must describe, in 'g' order, with their sizes. */
export const EXPECTED_CORE: readonly [string, number][] = [...CORE_NAMES.map((n): [string, number] => [n, 64]), ['cpsr', 32]];

/** Checks a core feature XML against EXPECTED_CORE; returns a complaint or null. */
export function checkCoreXml(xml: string): string | null {
  const regs = [...xml.matchAll(/<reg\s+name="([^"]+)"\s+bitsize="(\d+)"/g)].map((m): [string, number] => [m[1], Number(m[2])]);
  const want = EXPECTED_CORE;
  for (let i = 0; i < want.length; i++) {
    if (regs[i]?.[0] !== want[i][0] || regs[i]?.[1] !== want[i][1]) {
      return `QEMU's core registers are not laid out as expected: register ${i} is ${regs[i] ? `${regs[i][0]}/${regs[i][1]}` : 'missing'}, expected ${want[i][0]}/${want[i][1]}`;
    }
  }
  return null;
}
