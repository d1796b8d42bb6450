// Unit tests of max's FEAT_HCX, FEAT_CSV2_2 and FEAT_LOR access rules where no QEMU start
// mode reaches (tests/machine/max-traps.test.ts compares the others with QEMU 7.2 live):
// EL3 with EL2 below it (QEMU's secure=on,virtualization=on), HCR_EL2.TGE routing. Expected
// values from the Arm ARM: the Accessibility pseudocode of HCRX_EL2 (SCR_EL3.HXEn, bit 38,
// traps EL2 accesses to EL3), SCXTNUM_EL0 (SCTLR_EL1.TSCXT, bit 20, traps EL0 accesses to
// EL1, or to EL2 when HCR_EL2.TGE is 1), LORC_EL1 (HCR_EL2.TLOR, bit 35, is checked before
// SCR_EL3.TLOR, bit 14); ESR_ELx EC 0x18 with the MRS/MSR ISS (D17.2.37).
import { describe, expect, it } from 'vitest';
import { Cpu } from '../../src/cpu/cpu.js';
import { MODELS, modelForEl } from '../../src/cpu/models.js';
import { Runner } from '../../src/cpu/run.js';
import { Slot } from '../../src/cpu/state.js';
import type { PhysBus } from '../../src/mmu/memory.js';
import { findSysreg } from '../../src/sysregs/table.js';

const BASE = 0x40000000;
const MRS_HCRX = 0xd53c1240; // mrs x0, hcrx_el2
const MRS_SCXTNUM_EL0 = 0xd53bd0e0;
const MRS_LORC = 0xd538a460;

/** `word` once on max with EL3 and EL2 (the table's el3el2 form), at EL `at` (EL0: SP_EL0). */
function exec(at: number, word: number, setup: (cpu: Cpu) => void): Cpu {
  const ram = new Uint8Array(1 << 16);
  const bus: PhysBus = { ram, ramBase: BASE, mmioRead: () => undefined, mmioWrite: () => false };
  const cpu = new Cpu(bus, modelForEl(MODELS.max, 3, { el2: true }), {});
  cpu.resetTo(at === 0 ? 1 : at, BigInt(BASE));
  if (at === 0) cpu.selectSp(0, 0);
  new DataView(ram.buffer).setUint32(0, word, true);
  cpu.x[0] = 0x5an;
  setup(cpu);
  new Runner(cpu).run(1);
  return cpu;
}
const esrAt = (cpu: Cpu, el: number) => cpu.x[Slot.ESR_EL1 + el - 1];
/** ESR of EC 0x18 for MRS X0 (IL 1; ISS Op0 [21:20], Op2 [19:17], Op1 [16:14], CRn [13:10], Rt 0, CRm [4:1], read). */
const esr = (op0: number, op1: number, crn: number, crm: number, op2: number): bigint =>
  BigInt(((0x18 << 26) | (1 << 25) | (op0 << 20) | (op2 << 17) | (op1 << 14) | (crn << 10) | (crm << 1) | 1) >>> 0);
const NS = 1n, TLOR_SCR = 1n << 14n, HXEN = 1n << 38n, ENSCXT_SCR = 1n << 25n;
const TGE = 1n << 27n, TLOR_HCR = 1n << 35n, ENSCXT_HCR = 1n << 53n;

describe('HCRX_EL2 (FEAT_HCX) with EL3', () => {
  it('an EL2 access traps to EL3 while SCR_EL3.HXEn is 0, and reads 0 once it is 1', () => {
    const trapped = exec(2, MRS_HCRX, (c) => void (c.x[Slot.SCR_EL3] |= NS));
    expect([trapped.el, esrAt(trapped, 3)]).toEqual([3, esr(3, 4, 1, 2, 2)]);
    const ok = exec(2, MRS_HCRX, (c) => void (c.x[Slot.SCR_EL3] |= NS | HXEN));
    expect([ok.el, ok.x[0]]).toEqual([2, 0n]);
  });
  it('is absent (UNDEFINED) on cortex-a57, even with EL2', () => {
    expect(findSysreg(3, 4, 1, 2, 2, modelForEl(MODELS['cortex-a57'], 2))).toBeUndefined();
    expect(findSysreg(3, 4, 1, 2, 2, modelForEl(MODELS.max, 2))?.name).toBe('HCRX_EL2');
  });
});

describe('SCXTNUM_EL0 at EL0 (FEAT_CSV2_2)', () => {
  const open = NS | ENSCXT_SCR;
  it('SCTLR_EL1.TSCXT traps to EL1; with HCR_EL2.TGE to EL2', () => {
    const el1 = exec(0, MRS_SCXTNUM_EL0, (c) => {
      c.x[Slot.SCR_EL3] |= open;
      c.x[Slot.HCR_EL2] |= ENSCXT_HCR;
      c.x[Slot.SCTLR_EL1] |= 1n << 20n;
    });
    expect([el1.el, esrAt(el1, 1)]).toEqual([1, esr(3, 3, 13, 0, 7)]);
    const el2 = exec(0, MRS_SCXTNUM_EL0, (c) => {
      c.x[Slot.SCR_EL3] |= open;
      c.x[Slot.HCR_EL2] |= ENSCXT_HCR | TGE;
      c.x[Slot.SCTLR_EL1] |= 1n << 20n;
    });
    expect([el2.el, esrAt(el2, 2)]).toEqual([2, esr(3, 3, 13, 0, 7)]);
  });
  it('without TSCXT: HCR_EL2.EnSCXT = 0 traps to EL2, then SCR_EL3.EnSCXT = 0 to EL3; with both set it reads', () => {
    const toEl2 = exec(0, MRS_SCXTNUM_EL0, (c) => void (c.x[Slot.SCR_EL3] |= NS));
    expect([toEl2.el, esrAt(toEl2, 2)]).toEqual([2, esr(3, 3, 13, 0, 7)]);
    const toEl3 = exec(0, MRS_SCXTNUM_EL0, (c) => {
      c.x[Slot.SCR_EL3] |= NS;
      c.x[Slot.HCR_EL2] |= ENSCXT_HCR;
    });
    expect([toEl3.el, esrAt(toEl3, 3)]).toEqual([3, esr(3, 3, 13, 0, 7)]);
    const ok = exec(0, MRS_SCXTNUM_EL0, (c) => {
      c.x[Slot.SCR_EL3] |= open;
      c.x[Slot.HCR_EL2] |= ENSCXT_HCR;
      c.x[Slot.SCXTNUM_EL0] = 0x1234n;
    });
    expect([ok.el, ok.x[0]]).toEqual([0, 0x1234n]);
  });
});

describe('LORC_EL1 (FEAT_LOR)', () => {
  it('HCR_EL2.TLOR (to EL2) takes precedence over SCR_EL3.TLOR (to EL3) at Non-secure EL1', () => {
    const both = exec(1, MRS_LORC, (c) => {
      c.x[Slot.SCR_EL3] |= NS | TLOR_SCR;
      c.x[Slot.HCR_EL2] |= TLOR_HCR;
    });
    expect([both.el, esrAt(both, 2)]).toEqual([2, esr(3, 0, 10, 4, 3)]);
    const el3 = exec(1, MRS_LORC, (c) => void (c.x[Slot.SCR_EL3] |= NS | TLOR_SCR));
    expect([el3.el, esrAt(el3, 3)]).toEqual([3, esr(3, 0, 10, 4, 3)]);
    const el2 = exec(2, MRS_LORC, (c) => void (c.x[Slot.SCR_EL3] |= NS | TLOR_SCR));
    expect([el2.el, esrAt(el2, 3)]).toEqual([3, esr(3, 0, 10, 4, 3)]);
  });
});
