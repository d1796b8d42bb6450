// Unit-test helpers for the SIMD groups: a bare CPU with FP/SIMD enabled (CPACR_EL1.FPEN = 3)
// and V-register accessors as BigInts (element 0 lowest).
import { makeCpu, RAM_BASE } from '../cpu/harness.js';
import { Slot } from '../../src/cpu/state.js';

export { RAM_BASE };
export const DATA = RAM_BASE + 0x1000;

export function simdCpu(model = 'max') {
  const t = makeCpu({ model });
  t.cpu.r[Slot.CPACR_EL1 * 2] = 3 << 20;
  t.cpu.contextChanged();
  const x = t.cpu.x;
  return {
    ...t,
    /** Vn as a 128-bit value */
    getV: (n: number): bigint => (x[Slot.V0 + 2 * n + 1] << 64n) | x[Slot.V0 + 2 * n],
    setV: (n: number, v: bigint): void => {
      x[Slot.V0 + 2 * n] = BigInt.asUintN(64, v);
      x[Slot.V0 + 2 * n + 1] = BigInt.asUintN(64, v >> 64n);
    },
    setX: (n: number, v: bigint): void => {
      x[n] = BigInt.asUintN(64, v);
    },
    getX: (n: number): bigint => x[n],
    /** Runs one instruction word. */
    exec(word: number): void {
      t.load([word]);
      t.run(1);
    },
    fpsr: (): number => t.cpu.r[Slot.FPSR * 2] >>> 0,
  };
}
