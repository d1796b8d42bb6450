// System register moves found wrong by `a64emu fuzz --class system`: what a write keeps, as
// QEMU 7.2 reads it back (the expected values are QEMU's results for the same MSR/MRS).
import { describe, expect, it } from 'vitest';
import { makeCpu } from './harness.js';

/** MSR <reg>, X1 then MRS X2, <reg> at EL1: what the register kept of `value`. */
function roundTrip(msr: number, mrs: number, value: bigint, model = 'max'): bigint {
  const t = makeCpu({ model });
  t.cpu.x[1] = value;
  t.load([msr, mrs]);
  expect(t.run(2)).toBe(2);
  return t.cpu.x[2];
}

describe('system register writes', () => {
  it('CPACR_EL1 keeps every bit written (QEMU: cpacr_write masks only on Armv7)', () => {
    // msr cpacr_el1, x1; mrs x2, cpacr_el1
    expect(roundTrip(0xd5181041, 0xd5381042, 0xan)).toBe(0xan);
    expect(roundTrip(0xd5181041, 0xd5381042, 0xffn, 'cortex-a57')).toBe(0xffn);
  });

  it('CNTFRQ_EL0 keeps its RES0 upper half as written, as QEMU 7.2', () => {
    // msr cntfrq_el0, x1; mrs x2, cntfrq_el0 (at EL1, the highest EL of the model)
    expect(roundTrip(0xd51be001, 0xd53be002, 0x3e906029c6b745e4n)).toBe(0x3e906029c6b745e4n);
    expect(roundTrip(0xd51be001, 0xd53be002, 0x07728b1deb674d44n)).toBe(0x07728b1deb674d44n);
  });

  it('CNTKCTL_EL1 keeps its RES0 bits as written, as QEMU 7.2', () => {
    // msr cntkctl_el1, x1; mrs x2, cntkctl_el1
    expect(roundTrip(0xd518e101, 0xd538e102, 0x8000n)).toBe(0x8000n);
  });
});
