// A bare CPU on a RAM-only bus for unit tests: code at 0x40000000, data after it.
import { Cpu, type Platform } from '../../src/cpu/cpu.js';
import { MODELS } from '../../src/cpu/models.js';
import { Runner } from '../../src/cpu/run.js';
import type { PhysBus } from '../../src/mmu/memory.js';

export const RAM_BASE = 0x40000000;

export interface TestCpu {
  cpu: Cpu;
  runner: Runner;
  ram: Uint8Array;
  /** Writes instruction words at `addr` (default: RAM base) and points the PC there. */
  load(words: number[], addr?: number): void;
  /** Runs until `n` instructions have executed or the PC leaves the loaded code. */
  run(n?: number): number;
}

export function makeCpu(opts: { model?: string; ramSize?: number; platform?: Platform } = {}): TestCpu {
  const ram = new Uint8Array(opts.ramSize ?? 1 << 20);
  const bus: PhysBus = {
    ram,
    ramBase: RAM_BASE,
    mmioRead: () => undefined,
    mmioWrite: () => false,
  };
  const cpu = new Cpu(bus, MODELS[opts.model ?? 'max'], opts.platform ?? {});
  cpu.resetTo(1, BigInt(RAM_BASE));
  const runner = new Runner(cpu);
  let end = RAM_BASE;
  return {
    cpu,
    runner,
    ram,
    load(words, addr = RAM_BASE) {
      const dv = new DataView(ram.buffer);
      words.forEach((w, i) => dv.setUint32(addr - RAM_BASE + 4 * i, w >>> 0, true));
      cpu.flushBlocks = true;
      cpu.pc = BigInt(addr);
      end = addr + 4 * words.length;
    },
    run(n = 1000) {
      let done = 0;
      while (done < n && cpu.stop === null) {
        const pc = Number(cpu.pc);
        if (pc >= end || pc < RAM_BASE) break;
        done += runner.run(1);
      }
      return done;
    },
  };
}
