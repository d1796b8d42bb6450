// A million random 32-bit words executed as instructions must never raise a host
// exception: every guest misbehaviour becomes an architectural exception (DESIGN.md,
// "Host boundary"). Each word runs from a fixed code page; a vector table at VBAR_EL1
// skips the faulting instruction (ELR_EL1 += 4; ERET), so exception entry and return
// are exercised a few hundred thousand times too.
import { describe, expect, it } from 'vitest';
import { makeCpu, RAM_BASE } from '../cpu/harness.js';
import { Slot } from '../../src/cpu/state.js';
import { Runner } from '../../src/cpu/run.js';
import { VirtMachine } from '../../src/machine/virt.js';
import type { Cpu } from '../../src/cpu/cpu.js';

const WORDS = 1_000_000;
const SEED = Number(process.env.A64EMU_FUZZ_SEED ?? 0x2545f491);

// The handler, assembled with aarch64-linux-gnu-as:
//   mrs x18, elr_el1; add x18, x18, #4; msr elr_el1, x18; eret
const HANDLER = [0xd5384032, 0x91001252, 0xd5184032, 0xd69f03e0];

/** xorshift32: a reproducible stream of 32-bit words. */
function rng(seed: number): () => number {
  let s = seed | 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
}

const VBAR = RAM_BASE + 0x1000;

/** Writes the skipping handler into all 16 vectors at VBAR. */
function installVectors(ram: Uint8Array): void {
  const dv = new DataView(ram.buffer, ram.byteOffset);
  for (let v = 0; v < 16; v++) {
    HANDLER.forEach((w, i) => dv.setUint32(VBAR - RAM_BASE + v * 0x80 + 4 * i, w, true));
  }
}

/**
 * A light reset before each step: EL1 with SP_EL1, our vectors, reset SCTLR, and random
 * registers that point into RAM often enough for loads and stores to reach it.
 */
function resetForStep(cpu: Cpu, next: () => number, pc: number): void {
  const r = cpu.r;
  cpu.selectSp(1, 1);
  cpu.daif = 0xf;
  cpu.il = 0;
  cpu.x[Slot.VBAR_EL1] = BigInt(VBAR);
  cpu.x[Slot.SCTLR_EL1] = cpu.model.resetSctlr;
  cpu.contextChanged();
  for (let n = 0; n < 31; n++) {
    const w = next();
    r[2 * n] = w & 1 ? RAM_BASE + 0x200000 + (w & 0xffff8) : w;
    r[2 * n + 1] = w & 1 ? 0 : next();
  }
  r[2 * Slot.SP] = RAM_BASE + 0x300000;
  r[2 * Slot.SP + 1] = 0;
  r[2 * Slot.PC] = pc;
  r[2 * Slot.PC + 1] = 0;
}

describe('random instruction words', () => {
  it(`executes ${WORDS} random words without a host exception (seed 0x${SEED.toString(16)})`, () => {
    const t = makeCpu({ ramSize: 4 << 20 });
    const { cpu, runner } = t;
    const next = rng(SEED);
    const CODE = RAM_BASE + 0x10000;
    const PAGE_WORDS = 1024;
    const dv = new DataView(t.ram.buffer);
    installVectors(t.ram);
    const r = cpu.r;
    let exceptions = 0;
    let retired = 0;
    for (let base = 0; base < WORDS; base += PAGE_WORDS) {
      for (let i = 0; i < PAGE_WORDS; i++) dv.setUint32(CODE - RAM_BASE + 4 * i, next(), true);
      cpu.flushBlocks = true;
      for (let i = 0; i < PAGE_WORDS; i++) {
        resetForStep(cpu, next, CODE + 4 * i);
        const before = cpu.icount;
        runner.run(1);
        retired += cpu.icount - before;
        if (cpu.icount === before || (r[2 * Slot.PC] >>> 0) - VBAR < 0x800) {
          exceptions++;
          runner.run(HANDLER.length);
        }
        cpu.stop = null;
      }
    }
    // Both paths must have been taken many times for the run to mean anything.
    console.log(`random words: ${retired} completed, ${exceptions} took an exception`);
    expect(exceptions).toBeGreaterThan(WORDS / 10);
    expect(retired).toBeGreaterThan(WORDS / 10);
  });

  it('runs random blocks repeatedly on the virt board (compiled blocks, semihosting, PSCI) without a host exception', () => {
    // Each start position runs up to 16 steps, ten times over, so blocks get compiled and
    // faults happen inside compiled code; HLT #0xF000 and HVC reach the board's services.
    const m = new VirtMachine({ memory: 16 << 20, output: () => {}, warn: () => {} });
    const next = rng(SEED ^ 0x5bd1e995);
    const PAGES = 16;
    const words = new Uint32Array(PAGES * 1024);
    for (let i = 0; i < words.length; i++) words[i] = next();
    m.load(new Uint8Array(words.buffer), { loadAddr: RAM_BASE + 0x100000 });
    const { cpu } = m;
    const runner = new Runner(cpu);
    installVectors(m.bus.ram);
    let steps = 0;
    for (let i = 0; i < words.length; i += 4) {
      for (let rep = 0; rep < 10; rep++) {
        resetForStep(cpu, next, RAM_BASE + 0x100000 + 4 * i);
        steps += runner.run(16);
        cpu.stop = null;
      }
    }
    console.log(`random blocks: ${steps} steps, ${cpu.icount} instructions retired`);
    expect(steps).toBeGreaterThan(words.length);
  });
});
