// Faults taken at EL2 and EL3 where QEMU 7.2 departs from the Arm ARM, so the guest images
// (tests/images/exc) leave them out and this file holds a64emu's behaviour:
// - a Data Abort taken to EL2 for an access made at EL2 (not a stage 2 abort): the Arm ARM's
//   ESR_ELx ISS encoding for EC 0x24/0x25 says ISV is 0 for every fault reported in ESR_EL2
//   except some stage 2 aborts, so ESR_EL2 = 0x96000010 (EC 0x25, IL, DFSC 0x10 synchronous
//   External abort) as in ESR_EL1/ESR_EL3. QEMU 7.2 reports 0x97c08010 (ISV = 1, SAS = 3,
//   SF = 1) for `ldr x0, [x1]` at EL2 (tests/images/exc/exc.S, recorded live: exc_el2 run
//   with the case in, 2026-11-28), the same ESR_EL1 value 0x96000010 at EL1 and EL3.
// - SP alignment (Arm ARM D1.8.2 CheckSPAlignment) uses SCTLR_EL2.SA at EL2 and SCTLR_EL3.SA
//   at EL3: EC 0x26, ESR 0x9a000000, taken to the current EL. QEMU 7.2 never checks it (the
//   same case reached the BRK after it at EL1, EL2 and EL3).
import { describe, expect, it } from 'vitest';
import type { Cpu } from '../../src/cpu/cpu.js';
import { Slot } from '../../src/cpu/state.js';
import { BASE, VBAR, exec } from './modes.js';

const LDR_X0_X1 = 0xf9400020; // ldr x0, [x1]
const STR_W0_X1 = 0xb9000020; // str w0, [x1]
const LDR_X0_SP = 0xf94003e0; // ldr x0, [sp]
const NOWHERE = 0x70000000n; // nothing answers there (the bus in modes.ts has no MMIO)

const esr = (cpu: Cpu, el: number) => cpu.x[Slot.ESR_EL1 + el - 1];
const far = (cpu: Cpu, el: number) => cpu.x[Slot.FAR_EL1 + el - 1];
const currentSync = (el: number) => VBAR + BigInt(el) * 0x1000n + 0x200n;

describe('synchronous External abort on a data access at EL2 and EL3 (MMU off)', () => {
  for (const [mode, el] of [[2, 2], ['el3el2', 2], [3, 3]] as const) {
    it(`${mode === 'el3el2' ? 'EL3+EL2' : `--el ${mode}`}: at EL${el}, ESR_EL${el}.ISV = 0 (load 0x96000010, store 0x96000050), FAR = the address`, () => {
      const ld = exec(mode, el, LDR_X0_X1, (c) => (c.x[1] = NOWHERE));
      expect([ld.el, esr(ld, el), far(ld, el), ld.pc]).toEqual([el, 0x96000010n, NOWHERE, currentSync(el)]);
      const st = exec(mode, el, STR_W0_X1, (c) => (c.x[1] = NOWHERE + 4n));
      expect([st.el, esr(st, el), far(st, el)]).toEqual([el, 0x96000050n, NOWHERE + 4n]);
    });
  }
});

describe('SP alignment at EL2 and EL3 (SCTLR_EL2.SA, SCTLR_EL3.SA)', () => {
  for (const [mode, el] of [[2, 2], [3, 3]] as const) {
    it(`EL${el}: LDR [SP] with SP = 8 mod 16 takes EC 0x26 to EL${el} when SA = 1, and loads when SA = 0`, () => {
      const sp = BigInt(BASE + 0x1008);
      const sctlr = Slot.SCTLR_EL1 + el - 1;
      const on = exec(mode, el, LDR_X0_SP, (c) => {
        c.x[Slot.SP] = sp;
        c.x[sctlr] |= 8n;
      });
      expect([on.el, esr(on, el), on.x[Slot.ELR_EL1 + el - 1], on.pc]).toEqual([el, 0x9a000000n, BigInt(BASE), currentSync(el)]);
      const off = exec(mode, el, LDR_X0_SP, (c) => {
        c.x[Slot.SP] = sp;
        c.x[sctlr] &= ~8n;
      });
      expect(off.pc).toBe(BigInt(BASE + 4));
    });
  }
});
