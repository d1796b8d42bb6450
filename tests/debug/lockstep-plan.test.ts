// How lockstep moves QEMU between checkpoints (no QEMU needed): a breakpoint at the PC a64emu
// had after the target step, continued once per occurrence of that PC, or single steps when
// a breakpoint would be hit too often.
import { describe, expect, it } from 'vitest';
import { planHop, planLongHop } from '../../src/debug/lockstep.js';

const pcs = (list: readonly number[]): Float64Array => Float64Array.from(list);
/** Straight-line code: PC 0x40080000 + 4k after k steps. */
const straight = (n: number): Float64Array => pcs(Array.from({ length: n + 1 }, (_, k) => 0x40080000 + 4 * k));

describe('planHop', () => {
  it('crosses straight-line code with one breakpoint to the end of the window', () => {
    expect(planHop(straight(1000), 0, 1000)).toEqual({ kind: 'break', from: 0, to: 1000, pc: 0x40080000 + 4000, hits: 1 });
    expect(planHop(straight(1000), 400, 1000)).toEqual({ kind: 'break', from: 400, to: 1000, pc: 0x40080000 + 4000, hits: 1 });
  });

  it('single-steps a two-instruction loop (a breakpoint would be hit every other step)', () => {
    const loop = pcs(Array.from({ length: 101 }, (_, k) => (k % 2 === 0 ? 0x1000 : 0x1004)));
    expect(planHop(loop, 0, 100)).toEqual({ kind: 'steps', from: 0, to: 100 });
  });

  it('counts every occurrence of the breakpoint PC after the start', () => {
    // An eight-instruction loop run 10 times, then code seen once: the last PC is new.
    const list = [0x2000];
    for (let i = 0; i < 10; i++) for (let k = 0; k < 8; k++) list.push(0x1000 + 4 * k);
    list.push(0x3000, 0x3004);
    const h = planHop(pcs(list), 0, list.length - 1);
    expect(h).toEqual({ kind: 'break', from: 0, to: list.length - 1, pc: 0x3004, hits: 1 });
    // Within the loop: the PC after step 80 (0x101c) occurred 10 times in (0, 80].
    const inLoop = planHop(pcs(list), 0, 80);
    expect(inLoop.kind).toBe('break');
    if (inLoop.kind === 'break') {
      const seen = list.slice(1, inLoop.to + 1).filter((p) => p === inLoop.pc).length;
      expect(inLoop.hits).toBe(seen);
    }
  });
});

describe('planLongHop', () => {
  it('goes straight to a PC seen once in a long history', () => {
    const list: number[] = [0x2000];
    for (let i = 0; i < 50_000; i++) for (let k = 0; k < 4; k++) list.push(0x1000 + 4 * k);
    list.push(0x3000);
    const to = list.length - 1;
    expect(planLongHop(pcs(list), 0, to)).toEqual({ kind: 'break', from: 0, to, pc: 0x3000, hits: 1 });
  });
});
