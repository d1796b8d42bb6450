// How lockstep moves QEMU between checkpoints (no QEMU needed): a breakpoint at the PC a64emu
// had after the target step, continued once per occurrence of that PC, or single steps when
// a breakpoint would be hit too often.
import { describe, expect, it } from 'vitest';
import { checkFullSpeed, FastEmu, History, planFarHop, planHop, planLongHop, type Hop } from '../../src/debug/lockstep.js';
import { VirtMachine } from '../../src/machine/virt.js';
import { elfOf, EXIT42, LOOP } from '../machine/images.js';

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

/** Where QEMU, following `seq`, is after a blind break hop (as Qemu.hop drives it). */
function landing(seq: readonly number[], hop: Extract<Hop, { kind: 'break' }>): number {
  let pos = 0;
  let onBp = seq[0] === hop.pc;
  expect(onBp).toBe(hop.blind?.startOn);
  for (let left = hop.hits; left > 0; ) {
    if (onBp) {
      pos++; // step off
      onBp = seq[pos] === hop.pc;
      if (onBp) left--;
    } else {
      do pos++;
      while (seq[pos] !== hop.pc); // continue to the breakpoint
      onBp = true;
      left--;
    }
  }
  return pos;
}

/** A History of PCs only (as before --from), keeping `keep` before the newest. */
function history(seq: readonly number[], keep: number): History {
  const h = new History(false, keep);
  h.base = Number.MAX_SAFE_INTEGER;
  for (const pc of seq) h.pushPc(pc);
  return h;
}

describe('History and planFarHop: PCs before the window only counted', () => {
  // 0x2000, a four-instruction loop 50,000 times, 0x3000, the loop 1,000 times, `tail`, the loop 500 times.
  const seq = (tail: number[]): number[] => {
    const list = [0x2000];
    const loop = (n: number) => {
      for (let i = 0; i < n; i++) for (let k = 0; k < 4; k++) list.push(0x1000 + 4 * k);
    };
    loop(50_000);
    list.push(0x3000);
    loop(1000);
    list.push(...tail);
    loop(500);
    return list;
  };

  it('keeps a bounded window and lands a blind hop where the full history says', () => {
    const list = seq([0x5000]);
    const h = history(list, 1000);
    expect(h.start).toBeGreaterThan(0);
    expect(h.win.length).toBeLessThanOrEqual(1 << 16);
    const to = list.length - 1;
    const hop = planFarHop(h, to);
    // The PC seen once, within the window: one continue.
    expect(hop).toEqual({ kind: 'break', from: 0, to: list.indexOf(0x5000), pc: 0x5000, hits: 1, blind: { startOn: false } });
  });

  it('never picks a PC that follows itself (a blind hop could not tell the hits apart)', () => {
    const list = seq([0x5000, 0x5000, 0x5000]);
    const h = history(list, 1000);
    const to = list.length - 1;
    const hop = planFarHop(h, to);
    expect(hop.kind).toBe('break');
    if (hop.kind !== 'break') return;
    expect(hop.pc).not.toBe(0x5000);
    expect(hop.hits).toBe(list.slice(1, hop.to + 1).filter((p) => p === hop.pc).length);
    expect(landing(list, hop)).toBe(hop.to);
  });

  it('counts the folded PCs: a hop at a loop PC lands at its last occurrence', () => {
    const list = seq([]);
    const h = history(list, 1000);
    const hop = planFarHop(h, list.length - 1, 100); // only the loop's PCs in reach
    if (hop.kind !== 'break') throw new Error('expected a breakpoint hop');
    expect(hop.hits).toBeGreaterThan(50_000);
    expect(hop.hits).toBe(list.slice(1, hop.to + 1).filter((p) => p === hop.pc).length);
    expect(landing(list, hop)).toBe(hop.to);
  });

  it('holds at most about keep + 64K PCs over a million steps', () => {
    const h = history(Array.from({ length: 1_000_000 }, (_, k) => 0x40000000 + 4 * (k % 1000)), 10_000);
    expect(h.n).toBe(1_000_000);
    expect(h.win.length).toBeLessThanOrEqual(1 << 17);
    expect(h.counts.get(0x40000000)).toBe(Math.floor((h.start - 1) / 1000));
  });
});

describe('checkFullSpeed: a64emu at full speed against single steps', () => {
  const board = (words: readonly number[]): VirtMachine => {
    const m = new VirtMachine({ memory: 16 << 20, output: () => {}, reboot: false });
    m.load(elfOf(words));
    return m;
  };
  /** The state after `n` single steps (and how the run ended, if it did). */
  const stepped = async (words: readonly number[], n: number) => {
    const m = board(words);
    const r = await m.run({ maxInsns: n, observer: { from: 0, count: Infinity, beforeStep: () => {}, afterStep: () => {} } });
    return { state: new FastEmu(m, false).state(), stop: r.stop, steps: r.steps };
  };

  it('agrees with the single-stepped run at a checkpoint, and names a register that differs', async () => {
    const s = await stepped(LOOP, 1001);
    expect(await checkFullSpeed(new FastEmu(board(LOOP), false), 1001, { state: s.state, ended: null })).toBeNull();
    s.state.lanes[0] ^= 1; // x0, as if a compiled block had computed it differently
    const d = await checkFullSpeed(new FastEmu(board(LOOP), false), 1001, { state: s.state, ended: null });
    expect(d?.differing).toEqual(['x0']);
  });

  it('compares how the run ended', async () => {
    const s = await stepped(EXIT42, 100);
    expect(s.stop).toEqual({ kind: 'exit', code: 42 });
    const view = { state: s.state, ended: 'semihosting exit, status 42' };
    expect(await checkFullSpeed(new FastEmu(board(EXIT42), false), s.steps, view, s.stop)).toBeNull();
    const d = await checkFullSpeed(new FastEmu(board(EXIT42), false), s.steps, view, { kind: 'exit', code: 41 });
    expect(d).toMatchObject({ differing: [], fast: { ended: 'semihosting exit, status 42' } });
  });
});
