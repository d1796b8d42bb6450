import { describe, expect, it } from 'vitest';
import { makeCpu } from './harness.js';

// Encodings assembled by aarch64-linux-gnu-as: mov x0,#0x234; add x1,x0,#1; subs x2,x1,#0x235;
// b.eq .+8; mov x0,#1; mov x3,#2.
describe('smoke', () => {
  it('runs a few data-processing instructions', () => {
    const t = makeCpu();
    t.load([0xd2804680, 0x91000401, 0xf108d422, 0x54000040, 0xd2800020, 0xd2800043]);
    t.run();
    expect(t.cpu.x[0]).toBe(0x234n);
    expect(t.cpu.x[1]).toBe(0x235n);
    expect(t.cpu.x[2]).toBe(0n);
    expect(t.cpu.z).toBe(1);
    expect(t.cpu.x[3]).toBe(2n); // b.eq skipped movz x0,#1
  });
});
