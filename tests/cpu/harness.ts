// A bare CPU on a RAM-only bus for unit tests: code at 0x40000000, data after it.
import { Cpu, type Platform } from '../../src/cpu/cpu.js';
import { MODELS } from '../../src/cpu/models.js';
import { Runner } from '../../src/cpu/run.js';
import type { PhysBus } from '../../src/mmu/memory.js';
import { Slot } from '../../src/cpu/state.js';

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

/**
 * Turns EL1&0 stage 1 translation on with an identity map, so data accesses see Normal
 * memory (RAM) and Device memory (below 1 GiB), as an OS would set it up: 4 KiB granule,
 * T0SZ = 25 (39-bit VA, starting at level 1), MAIR_EL1 Attr0 = 0xff (Normal, Write-Back),
 * Attr1 = 0x00 (Device-nGnRnE), one level 1 table in the last 4 KiB of RAM with a 1 GiB
 * block per entry (Arm ARM D8.3, block descriptor: AF = 1, SH = Inner Shareable, AP = 00).
 */
export function normalMemory(cpu: Cpu): void {
  const ram = cpu.mem.ram8;
  const tableOff = ram.length - 4096;
  const dv = new DataView(ram.buffer, ram.byteOffset);
  for (let i = 0; i < 4; i++) {
    const attrIndx = i === 0 ? 1 : 0;
    const desc = BigInt(i) * (1n << 30n) | (1n << 10n) | (3n << 8n) | (BigInt(attrIndx) << 2n) | 1n;
    dv.setBigUint64(tableOff + 8 * i, desc, true);
  }
  cpu.x[Slot.TTBR0_EL1] = BigInt(RAM_BASE + tableOff);
  // T0SZ 25, IRGN0/ORGN0 = WB, SH0 = Inner, TG0 = 4 KiB, EPD1 = 1 (no TTBR1 walks), IPS = 40 bits.
  cpu.x[Slot.TCR_EL1] = 25n | (1n << 8n) | (1n << 10n) | (3n << 12n) | (1n << 23n) | (2n << 32n);
  cpu.x[Slot.MAIR_EL1] = 0x00ffn;
  cpu.x[Slot.SCTLR_EL1] |= 1n;
  cpu.contextChanged();
}
