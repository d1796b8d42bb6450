// PSTATE.PAN, UAO, DIT and SSBS (FEAT_PAN, FEAT_UAO, FEAT_DIT, FEAT_SSBS2; `max` only).
// Expected values from the Arm ARM: C5.2 (the PAN/UAO/DIT/SSBS registers: the field in its
// SPSR bit, PAN and UAO accessible from EL1, DIT and SSBS from EL0), C6.2 MSR (immediate)
// (op1 0 fields UNDEFINED at EL0, the value is CRm<0>), C5.2.18 SPSR_ELx (PAN 22, UAO 23,
// DIT 24, SSBS 12), the pseudocode AArch64.TakeException (PAN set on entry to EL1 when
// SCTLR_EL1.SPAN is 0, UAO cleared, SSBS from SCTLR_ELx.DSSBS, DIT unchanged) and
// SetPSTATEFromPSR (PAN restored even by an illegal return; UAO/DIT/SSBS only by a legal one).
// The same behaviour at EL1/EL0 is compared with QEMU 7.2 in tests/machine/pstate.test.ts.
import { describe, expect, it } from 'vitest';
import { Cpu } from '../../src/cpu/cpu.js';
import { MODELS, modelForEl, type StartEl } from '../../src/cpu/models.js';
import { Runner } from '../../src/cpu/run.js';
import { Slot } from '../../src/cpu/state.js';
import type { PhysBus } from '../../src/mmu/memory.js';

const BASE = 0x40000000;
const VBAR = 0x40008000n;

const PAN = 1n << 22n, UAO = 1n << 23n, DIT = 1n << 24n, SSBS = 1n << 12n;
const SPAN = 1n << 23n, DSSBS = 1n << 44n;

// aarch64-linux-gnu-as -march=armv8.5-a+ssbs
const MSR_PAN_1 = 0xd500419f, MSR_UAO_1 = 0xd500417f, MSR_SSBS_1 = 0xd503413f, MSR_DIT_1 = 0xd503415f;
const MSR_PAN_0 = 0xd500409f;
const MRS_PAN = 0xd5384260, MRS_UAO = 0xd5384280, MRS_DIT = 0xd53b42a0, MRS_SSBS = 0xd53b42c0; // mrs x0, ...
const MSR_PAN_X1 = 0xd5184261, MSR_UAO_X1 = 0xd5184281, MSR_DIT_X1 = 0xd51b42a1, MSR_SSBS_X1 = 0xd51b42c1;
const SVC0 = 0xd4000001, HVC0 = 0xd4000002, SMC0 = 0xd4000003, ERET = 0xd69f03e0;

/** `words` at BASE on `model` in start mode `mode`, from EL `at` (EL0: SP_EL0), one step each. */
function run(model: string, mode: StartEl, at: number, words: number[], setup: (cpu: Cpu) => void = () => {}): Cpu {
  const ram = new Uint8Array(1 << 16);
  const bus: PhysBus = { ram, ramBase: BASE, mmioRead: () => undefined, mmioWrite: () => false };
  const cpu = new Cpu(bus, modelForEl(MODELS[model], mode), {});
  cpu.resetTo(at === 0 ? 1 : at, BigInt(BASE));
  if (at === 0) cpu.selectSp(0, 0);
  for (let el = 1; el <= 3; el++) cpu.x[Slot.VBAR_EL1 + el - 1] = VBAR + BigInt(el) * 0x1000n;
  const dv = new DataView(ram.buffer);
  words.forEach((w, i) => dv.setUint32(4 * i, w >>> 0, true));
  setup(cpu);
  new Runner(cpu).run(words.length);
  return cpu;
}
const ec = (cpu: Cpu, el = 1): number => Number(cpu.x[Slot.ESR_EL1 + el - 1] >> 26n);
const pstate = (cpu: Cpu) => ({ pan: cpu.pan, uao: cpu.uao, dit: cpu.dit, ssbs: cpu.ssbs });

describe('MSR (immediate) and the MRS/MSR views', () => {
  it('MSR PAN/UAO/DIT/SSBS, #1 set the fields; MRS reads each in its SPSR bit', () => {
    const cpu = run('max', 1, 1, [MSR_PAN_1, MSR_UAO_1, MSR_DIT_1, MSR_SSBS_1]);
    expect(pstate(cpu)).toEqual({ pan: 1, uao: 1, dit: 1, ssbs: 1 });
    for (const [mrs, bit] of [[MRS_PAN, PAN], [MRS_UAO, UAO], [MRS_DIT, DIT], [MRS_SSBS, SSBS]] as const) {
      const c = run('max', 1, 1, [MSR_PAN_1, MSR_UAO_1, MSR_DIT_1, MSR_SSBS_1, mrs]);
      expect(c.x[0]).toBe(bit);
    }
  });

  it('MSR <field>, Xt takes only the field\'s own bit (the rest is RES0)', () => {
    for (const [msr, mrs, bit] of [[MSR_PAN_X1, MRS_PAN, PAN], [MSR_UAO_X1, MRS_UAO, UAO], [MSR_DIT_X1, MRS_DIT, DIT], [MSR_SSBS_X1, MRS_SSBS, SSBS]] as const) {
      const on = run('max', 1, 1, [msr, mrs], (c) => void (c.x[1] = (1n << 64n) - 1n));
      expect(on.x[0]).toBe(bit);
      const off = run('max', 1, 1, [msr, mrs], (c) => void (c.x[1] = ~bit & ((1n << 64n) - 1n)));
      expect(off.x[0]).toBe(0n);
    }
  });

  it('at EL0: MSR PAN/UAO (immediate and register) and MRS PAN/UAO are UNDEFINED; DIT and SSBS are allowed', () => {
    for (const w of [MSR_PAN_1, MSR_UAO_1, MRS_PAN, MRS_UAO, MSR_PAN_X1, MSR_UAO_X1]) {
      const cpu = run('max', 1, 0, [w]);
      expect([cpu.el, ec(cpu), cpu.x[Slot.ELR_EL1]], w.toString(16)).toEqual([1, 0, BigInt(BASE)]);
    }
    const cpu = run('max', 1, 0, [MSR_DIT_1, MSR_SSBS_1, MRS_DIT]);
    expect([cpu.el, cpu.x[0], cpu.ssbs]).toEqual([0, DIT, 1]);
  });

  it('cortex-a57 (Armv8.0) has none of them: every form is UNDEFINED', () => {
    for (const w of [MSR_PAN_1, MSR_UAO_1, MSR_DIT_1, MSR_SSBS_1, MRS_PAN, MRS_UAO, MRS_DIT, MRS_SSBS, MSR_PAN_X1, MSR_SSBS_X1]) {
      const cpu = run('cortex-a57', 1, 1, [w]);
      expect([ec(cpu), cpu.pc], w.toString(16)).toEqual([0, VBAR + 0x1000n + 0x200n]);
    }
  });
});

describe('exception entry (AArch64.TakeException)', () => {
  it('saves PAN/UAO/DIT/SSBS in SPSR_EL1; at EL1 with SPAN = 1 PAN is kept, UAO cleared, SSBS = DSSBS (0), DIT kept', () => {
    const cpu = run('max', 1, 1, [MSR_PAN_1, MSR_UAO_1, MSR_DIT_1, MSR_SSBS_1, SVC0]);
    // Reset SCTLR_EL1 (0xc50838) has SPAN (bit 23) set and DSSBS (bit 44) clear.
    expect(cpu.x[Slot.SPSR_EL1]).toBe(PAN | UAO | DIT | SSBS | (1n << 30n) | 0x3c5n);
    expect(pstate(cpu)).toEqual({ pan: 1, uao: 0, dit: 1, ssbs: 0 });
  });

  it('SCTLR_EL1.SPAN = 0 sets PAN on entry to EL1 (from EL0 and from EL1); DSSBS = 1 sets SSBS', () => {
    for (const at of [0, 1]) {
      const cpu = run('max', 1, at, [SVC0], (c) => {
        c.x[Slot.SCTLR_EL1] = (c.x[Slot.SCTLR_EL1] & ~SPAN) | DSSBS;
      });
      expect([cpu.el, cpu.pc]).toEqual([1, VBAR + 0x1000n + (at === 0 ? 0x400n : 0x200n)]);
      expect(pstate(cpu)).toEqual({ pan: 1, uao: 0, dit: 0, ssbs: 1 });
      expect(cpu.x[Slot.SPSR_EL1] & (PAN | SSBS)).toBe(0n);
    }
  });

  it('to EL2 (HVC): PAN is unchanged whatever SCTLR_EL2.SPAN says (no FEAT_VHE), SSBS = SCTLR_EL2.DSSBS', () => {
    for (const pan of [0, 1]) {
      const cpu = run('max', 2, 1, [HVC0], (c) => {
        c.pan = pan;
        c.uao = 1;
        c.x[Slot.SCTLR_EL1 + 1] = DSSBS; // SCTLR_EL2: SPAN (bit 23) 0, DSSBS 1
      });
      expect([cpu.el, ec(cpu, 2)]).toEqual([2, 0x16]);
      expect(pstate(cpu)).toEqual({ pan, uao: 0, dit: 0, ssbs: 1 });
      expect(cpu.x[Slot.SPSR_EL1 + 1] & (PAN | UAO)).toBe((pan ? PAN : 0n) | UAO);
    }
  });

  it('to EL3 (SMC): SSBS = SCTLR_EL3.DSSBS, PAN unchanged, DIT unchanged', () => {
    const cpu = run('max', 3, 1, [SMC0], (c) => {
      c.pan = 1;
      c.dit = 1;
      c.ssbs = 1;
      c.x[Slot.SCR_EL3] |= 1n; // NS
    });
    expect([cpu.el, ec(cpu, 3)]).toEqual([3, 0x17]);
    // SCTLR_EL3 resets to 0xc50838: DSSBS 0.
    expect(pstate(cpu)).toEqual({ pan: 1, uao: 0, dit: 1, ssbs: 0 });
    expect(cpu.x[Slot.SPSR_EL1 + 2] & (PAN | DIT | SSBS)).toBe(PAN | DIT | SSBS);
  });
});

describe('exception return (SetPSTATEFromPSR)', () => {
  const eret = (model: string, spsr: bigint, setup: (c: Cpu) => void = () => {}) =>
    run(model, 1, 1, [ERET], (c) => {
      c.x[Slot.SPSR_EL1] = spsr;
      c.x[Slot.ELR_EL1] = BigInt(BASE + 0x100);
      setup(c);
    });

  it('a legal return restores all four from SPSR_EL1', () => {
    expect(pstate(eret('max', PAN | UAO | DIT | SSBS | 0x5n))).toEqual({ pan: 1, uao: 1, dit: 1, ssbs: 1 });
    const cpu = eret('max', 0x0n, (c) => Object.assign(c, { pan: 1, uao: 1, dit: 1, ssbs: 1 }));
    expect([cpu.el, pstate(cpu)]).toEqual([0, { pan: 0, uao: 0, dit: 0, ssbs: 0 }]);
  });

  it('an illegal return (to EL2 without EL2) sets IL, restores PAN, and leaves UAO/DIT/SSBS (UNKNOWN: unchanged)', () => {
    const cpu = eret('max', PAN | UAO | DIT | SSBS | 0x9n);
    expect([cpu.el, cpu.il]).toEqual([1, 1]);
    expect(pstate(cpu)).toEqual({ pan: 1, uao: 0, dit: 0, ssbs: 0 });
  });

  it('cortex-a57: the SPSR bits of features it lacks are RES0 and restore nothing', () => {
    expect(pstate(eret('cortex-a57', PAN | UAO | DIT | SSBS | 0x5n))).toEqual({ pan: 0, uao: 0, dit: 0, ssbs: 0 });
  });
});

describe('ID registers say so (values QEMU 7.2 max reports: tests/sysregs/qemu/max-el1.json)', () => {
  it('MMFR1.PAN 2 (PAN2), MMFR2.UAO 1, PFR0.DIT 1, PFR1.SSBS 2 on max; 0 on cortex-a57', async () => {
    const { idValue } = await import('../../src/sysregs/id.js');
    const f = (m: string, reg: string, lsb: number) => Number((idValue(MODELS[m], reg) >> BigInt(lsb)) & 0xfn);
    expect([f('max', 'ID_AA64MMFR1_EL1', 20), f('max', 'ID_AA64MMFR2_EL1', 4), f('max', 'ID_AA64PFR0_EL1', 48), f('max', 'ID_AA64PFR1_EL1', 4)]).toEqual([2, 1, 1, 2]);
    expect([f('cortex-a57', 'ID_AA64MMFR1_EL1', 20), f('cortex-a57', 'ID_AA64MMFR2_EL1', 4), f('cortex-a57', 'ID_AA64PFR0_EL1', 48), f('cortex-a57', 'ID_AA64PFR1_EL1', 4)]).toEqual([0, 0, 0, 0]);
  });
});
