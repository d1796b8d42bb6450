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

/** A system register or SYS encoding. */
export interface Enc { op0: number; op1: number; crn: number; crm: number; op2: number }
export const R = (op0: number, op1: number, crn: number, crm: number, op2: number): Enc => ({ op0, op1, crn, crm, op2 });

// MRS/MSR (op0 2-3) and SYS (op0 1): 1101010100 L 1 op0[0] op1 CRn CRm op2 Rt (SYS: L 0 01).
export const word = (e: Enc, read: boolean, rt: number): number =>
  (0xd5000000 | ((read ? 1 : 0) << 21) | (e.op0 << 19) | (e.op1 << 16) | (e.crn << 12) | (e.crm << 8) | (e.op2 << 5) | rt) >>> 0;
/** The ISS of a trapped MSR/MRS/SYS (Arm ARM D17.2.37, EC 0x18). */
export const iss = (e: Enc, read: boolean, rt: number): bigint =>
  BigInt((e.op0 << 20) | (e.op2 << 17) | (e.op1 << 14) | (e.crn << 10) | (rt << 5) | (e.crm << 1) | (read ? 1 : 0));
/** ESR of an EC 0x18 trap: IL = 1 (32-bit instruction). */
export const sysEsr = (e: Enc, read: boolean, rt: number): bigint => (0x18n << 26n) | (1n << 25n) | iss(e, read, rt);
