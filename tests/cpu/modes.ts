// One instruction on a CPU in a start mode (--el 1/2/3, or EL3 with EL2), for the EL2/EL3
// tests: RAM at BASE with the word at BASE, VBAR_ELn = VBAR + n * 0x1000.
import { Cpu } from '../../src/cpu/cpu.js';
import { MODELS, modelForEl, type StartEl } from '../../src/cpu/models.js';
import { Runner } from '../../src/cpu/run.js';
import { Slot } from '../../src/cpu/state.js';
import type { PhysBus } from '../../src/mmu/memory.js';

export const BASE = 0x40000000;
export const VBAR = 0x40008000n;

/** A CPU in start mode `mode` at `at` (EL0: SP_EL0), running `word` once. */
export function exec(mode: StartEl | 'el3el2', at: number, word: number, setup: (cpu: Cpu) => void = () => {}): Cpu {
  const ram = new Uint8Array(1 << 16);
  const bus: PhysBus = { ram, ramBase: BASE, mmioRead: () => undefined, mmioWrite: () => false };
  const model = mode === 'el3el2' ? modelForEl(MODELS['cortex-a57'], 3, { el2: true }) : modelForEl(MODELS['cortex-a57'], mode);
  const cpu = new Cpu(bus, model, {});
  cpu.resetTo(at === 0 ? 1 : at, BigInt(BASE));
  if (at === 0) cpu.selectSp(0, 0);
  for (let el = 1; el <= 3; el++) cpu.x[Slot.VBAR_EL1 + el - 1] = VBAR + BigInt(el) * 0x1000n;
  new DataView(ram.buffer).setUint32(0, word, true);
  setup(cpu);
  new Runner(cpu).run(1);
  return cpu;
}
