// Lane views of V0..V31 for the Advanced SIMD executors, and their FP/SIMD access check.
// The views cover only the V registers (the layout of cpu/vreg.ts: 16 bytes per register,
// element 0 in the lowest bytes), so that Vt element e of `esize` bits is
// view[t * (128 / esize) + e] in every view, signed and unsigned alike. Views are built once
// per CPU at decode time; executors index them with decode-time base offsets.
import type { Cpu } from '../cpu.js';
import type { Op } from '../decoder.js';
import { checkFpAccess } from '../fptrap.js';
import { Slot } from '../state.js';
import { vb } from '../vreg.js';

export interface VRegs {
  readonly b: Uint8Array;
  readonly sb: Int8Array;
  readonly h: Uint16Array;
  readonly sh: Int16Array;
  readonly s: Uint32Array;
  readonly i: Int32Array;
  readonly d: BigUint64Array;
  readonly f32: Float32Array;
  readonly f64: Float64Array;
}

const cache = new WeakMap<Cpu, VRegs>();

/** The lane views of `cpu`'s V registers: Vt element e of `esize` bits is view[t * (128 / esize) + e]. */
export function vregs(cpu: Cpu): VRegs {
  let v = cache.get(cpu);
  if (v === undefined) {
    const buf = cpu.r.buffer;
    const off = vb(0);
    v = {
      b: new Uint8Array(buf, off, 512),
      sb: new Int8Array(buf, off, 512),
      h: new Uint16Array(buf, off, 256),
      sh: new Int16Array(buf, off, 256),
      s: new Uint32Array(buf, off, 128),
      i: new Int32Array(buf, off, 128),
      d: new BigUint64Array(buf, off, 64),
      f32: new Float32Array(buf, off, 128),
      f64: new Float64Array(buf, off, 64),
    };
    cache.set(cpu, v);
  }
  return v;
}

/**
 * `op` preceded by the FP/SIMD access check (AArch64.CheckFPAdvSIMDEnabled) every SIMD
 * instruction makes, with fptrap.ts's convention (Cpu.fpEnabled caches that nothing traps).
 */
export function fpOp(cpu: Cpu, op: Op): Op {
  return () => {
    if (!cpu.fpEnabled) checkFpAccess(cpu);
    op();
  };
}

/** The int32 index of FPSR's low word in cpu.r; FPSR.QC is bit 27. */
export const FPSR = Slot.FPSR * 2;
export const QC = 1 << 27;
