// HVC, SMC, ERET and the EL2/EL3 register access rules with EL2 and/or EL3 implemented
// (start modes --el 2 / --el 3). Expected behaviour from the Arm ARM: C6.2 HVC and SMC
// (AArch64.CheckForHVCUndef..., AArch64.CheckForSMCUndefOrTrap), D1.11.5 "Illegal return
// events", D17.2.48 HCR_EL2 and D17.2.117 SCR_EL3 (RW is RAO/WI without AArch32 below).
import { describe, expect, it } from 'vitest';
import type { Cpu } from '../../src/cpu/cpu.js';
import { Slot } from '../../src/cpu/state.js';
import type { StartEl } from '../../src/cpu/models.js';
import { BASE, VBAR, exec } from './modes.js';

const HVC1 = 0xd4000022; // hvc #1
const SMC2 = 0xd4000043; // smc #2
const ERET = 0xd69f03e0;
const MRS_HCR = 0xd53c1100; // mrs x0, hcr_el2
const MSR_HCR = 0xd51c1101; // msr hcr_el2, x1
const MRS_SCR = 0xd53e1100; // mrs x0, scr_el3
const MSR_SCR = 0xd51e1101; // msr scr_el3, x1
const MRS_SP_EL2 = 0xd53e4100; // mrs x0, sp_el2
const MRS_VBAR_EL2 = 0xd53cc000; // mrs x0, vbar_el2

const esr = (cpu: Cpu, el: number) => cpu.x[Slot.ESR_EL1 + el - 1];
const ec = (cpu: Cpu, el: number) => Number(esr(cpu, el) >> 26n);
/** The vector of a synchronous exception from a lower EL (AArch64) at `el`. */
const lowerSync = (el: number) => VBAR + BigInt(el) * 0x1000n + 0x400n;
const currentSync = (el: number) => VBAR + BigInt(el) * 0x1000n + 0x200n;

describe('HVC', () => {
  it('at EL1 with EL2 is taken to EL2: EC 0x16, ISS imm16, ELR the next instruction', () => {
    const cpu = exec(2, 1, HVC1);
    expect([cpu.el, ec(cpu, 2), Number(esr(cpu, 2) & 0xffffn), cpu.x[Slot.ELR_EL1 + 1]]).toEqual([2, 0x16, 1, BigInt(BASE + 4)]);
    expect(cpu.pc).toBe(lowerSync(2));
  });
  it('at EL2 is taken to EL2 (current EL vector)', () => {
    const cpu = exec(2, 2, HVC1);
    expect([cpu.el, ec(cpu, 2)]).toEqual([2, 0x16]);
    expect(cpu.pc).toBe(currentSync(2));
  });
  it('is UNDEFINED at EL0, without EL2, with HCR_EL2.HCD = 1, and with SCR_EL3.HCE = 0', () => {
    const el0 = exec(2, 1, HVC1, (c) => c.selectSp(0, 0));
    expect([el0.el, ec(el0, 1)]).toEqual([1, 0]);
    const noEl2 = exec(3, 1, HVC1, (c) => (c.x[Slot.SCR_EL3] |= 0x101n)); // NS, HCE
    expect([noEl2.el, ec(noEl2, 1)]).toEqual([1, 0]);
    const hcd = exec(2, 1, HVC1, (c) => (c.x[Slot.HCR_EL2] |= 1n << 29n));
    expect([hcd.el, ec(hcd, 1)]).toEqual([1, 0]);
    const hce0 = exec('el3el2', 1, HVC1, (c) => (c.x[Slot.SCR_EL3] |= 1n)); // NS, HCE = 0
    expect([hce0.el, ec(hce0, 1)]).toEqual([1, 0]);
    const hce1 = exec('el3el2', 1, HVC1, (c) => (c.x[Slot.SCR_EL3] |= 0x101n));
    expect([hce1.el, ec(hce1, 2)]).toEqual([2, 0x16]);
  });
  it('is UNDEFINED at Secure EL1 (SCR_EL3.NS = 0: no Secure EL2), even with SCR_EL3.HCE = 1', () => {
    const cpu = exec('el3el2', 1, HVC1, (c) => (c.x[Slot.SCR_EL3] |= 0x100n));
    expect([cpu.el, ec(cpu, 1)]).toEqual([1, 0]);
  });
  it('at EL3 is taken to EL3', () => {
    const cpu = exec('el3el2', 3, HVC1, (c) => (c.x[Slot.SCR_EL3] |= 0x100n));
    expect([cpu.el, ec(cpu, 3)]).toEqual([3, 0x16]);
    expect(cpu.pc).toBe(currentSync(3));
  });
});

describe('SMC', () => {
  it('at EL1 with EL3 is taken to EL3: EC 0x17, ISS imm16, ELR the next instruction', () => {
    const cpu = exec(3, 1, SMC2);
    expect([cpu.el, ec(cpu, 3), Number(esr(cpu, 3) & 0xffffn), cpu.x[Slot.ELR_EL1 + 2]]).toEqual([3, 0x17, 2, BigInt(BASE + 4)]);
    expect(cpu.pc).toBe(lowerSync(3));
  });
  it('is UNDEFINED at EL0, without EL3 (and no PSCI SMC conduit), and with SCR_EL3.SMD = 1', () => {
    const el0 = exec(3, 1, SMC2, (c) => c.selectSp(0, 0));
    expect([el0.el, ec(el0, 1)]).toEqual([1, 0]);
    const noEl3 = exec(2, 1, SMC2);
    expect([noEl3.el, ec(noEl3, 1)]).toEqual([1, 0]);
    const smd = exec(3, 1, SMC2, (c) => (c.x[Slot.SCR_EL3] |= 0x80n));
    expect([smd.el, ec(smd, 1)]).toEqual([1, 0]);
  });
  it('at Non-secure EL1 with HCR_EL2.TSC traps to EL2 (EC 0x17), returning to the SMC itself, even with SMD', () => {
    const cpu = exec('el3el2', 1, SMC2, (c) => {
      c.x[Slot.SCR_EL3] |= 0x81n; // NS, SMD
      c.x[Slot.HCR_EL2] |= 1n << 19n;
    });
    expect([cpu.el, ec(cpu, 2), cpu.x[Slot.ELR_EL1 + 1]]).toEqual([2, 0x17, BigInt(BASE)]);
  });
  it('without EL3, HCR_EL2.TSC still traps it from EL1 to EL2 (AArch64.CheckForSMCUndefOrTrap)', () => {
    const cpu = exec(2, 1, SMC2, (c) => (c.x[Slot.HCR_EL2] |= 1n << 19n));
    expect([cpu.el, ec(cpu, 2), cpu.x[Slot.ELR_EL1 + 1]]).toEqual([2, 0x17, BigInt(BASE)]);
  });
  it('HCR_EL2.TSC does not apply in Secure state (SCR_EL3.NS = 0)', () => {
    const cpu = exec('el3el2', 1, SMC2, (c) => (c.x[Slot.HCR_EL2] |= 1n << 19n));
    expect([cpu.el, ec(cpu, 3)]).toEqual([3, 0x17]);
  });
});

describe('ERET from EL2/EL3', () => {
  const eretTo = (mode: StartEl | 'el3el2', from: number, spsr: number, scr = 0n) =>
    exec(mode, from, ERET, (c) => {
      c.x[Slot.SPSR_EL1 + from - 1] = BigInt(spsr);
      c.x[Slot.ELR_EL1 + from - 1] = 0x40001000n;
      c.x[Slot.SCR_EL3] |= scr;
    });
  it('returns from EL2 to EL1h and from EL3 to EL1h', () => {
    const a = eretTo(2, 2, 0x3c5);
    expect([a.el, a.spsel, a.il, a.pc]).toEqual([1, 1, 0, 0x40001000n]);
    const b = eretTo(3, 3, 0x3c5);
    expect([b.el, b.il]).toEqual([1, 0]);
  });
  it('to EL2 from EL3: legal in Non-secure state with EL2, illegal without EL2 or with SCR_EL3.NS = 0', () => {
    expect(eretTo('el3el2', 3, 0x3c9, 1n).el).toBe(2);
    const secure = eretTo('el3el2', 3, 0x3c9);
    expect([secure.el, secure.il]).toEqual([3, 1]);
    const noEl2 = eretTo(3, 3, 0x3c9, 1n);
    expect([noEl2.el, noEl2.il]).toEqual([3, 1]);
  });
  it('to AArch32 is illegal (AArch32 is not implemented)', () => {
    const cpu = eretTo(2, 2, 0x1d3); // SVC mode, AArch32
    expect([cpu.el, cpu.il]).toEqual([2, 1]);
  });
});

describe('EL2/EL3 registers', () => {
  it('EL2 registers are UNDEFINED at EL1; EL3 registers at EL2', () => {
    expect(ec(exec(2, 1, MRS_HCR), 1)).toBe(0);
    expect(exec(2, 1, MRS_HCR).pc).toBe(VBAR + 0x1000n + 0x200n);
    const el2 = exec('el3el2', 2, MRS_SCR);
    expect([el2.el, ec(el2, 2)]).toEqual([2, 0]);
    expect(exec(2, 2, MRS_VBAR_EL2).x[0]).toBe(VBAR + 0x2000n);
  });
  it('EL2 registers are absent without EL2 and EL3 registers without EL3 (UNDEFINED even at the highest EL)', () => {
    const cpu = exec(2, 2, MRS_SCR);
    expect([cpu.el, ec(cpu, 2)]).toEqual([2, 0]);
  });
  it('HCR_EL2.RW and SCR_EL3.RW are RAO/WI; HCR_EL2 keeps the Armv8.0 bits [33:0] only', () => {
    const hcr = exec(2, 2, MSR_HCR, (c) => (c.x[1] = 0xffff_fffc_0000_0001n));
    expect(hcr.x[Slot.HCR_EL2]).toBe(0x8000_0001n);
    const scr = exec(3, 3, MSR_SCR, (c) => (c.x[1] = 0n));
    expect(scr.x[Slot.SCR_EL3]).toBe(0x430n);
  });
  it('SP_EL2 is readable at EL3', () => {
    expect(exec(3, 3, MRS_SP_EL2, (c) => (c.x[Slot.SP_EL0 + 2] = 0x1230n)).x[0]).toBe(0x1230n);
  });
});

describe('write masks that depend on the other ELs (Arm ARM D17.2.117 SCR_EL3.HCE, D17.2.48 HCR_EL2.HCD)', () => {
  it('SCR_EL3.HCE is RES0 without EL2, kept with it', () => {
    const write = (mode: 3 | 'el3el2') => exec(mode, 3, MSR_SCR, (c) => (c.x[1] = 0x131n)).x[Slot.SCR_EL3];
    expect(write(3) & 0x100n).toBe(0n);
    expect(write('el3el2') & 0x100n).toBe(0x100n);
  });
  it('HCR_EL2.HCD is RES0 with EL3, kept without it', () => {
    const write = (mode: 2 | 'el3el2') => exec(mode, mode === 2 ? 2 : 3, MSR_HCR, (c) => (c.x[1] = 1n << 29n)).x[Slot.HCR_EL2];
    expect(write(2) & (1n << 29n)).toBe(1n << 29n);
    expect(write('el3el2') & (1n << 29n)).toBe(0n);
  });
});

describe('CNTVOFF_EL2 (Arm ARM D11.1.2: the virtual count is the physical count minus CNTVOFF_EL2)', () => {
  const MRS_CNTVCT = 0xd53be040; // mrs x0, cntvct_el0
  const MRS_CNTPCT = 0xd53be020; // mrs x0, cntpct_el0
  const MRS_CNTV_TVAL = 0xd53be300; // mrs x0, cntv_tval_el0
  // No platform counter here: the physical count reads 0.
  const read = (word: number) => exec(2, 2, word, (c) => (c.x[Slot.CNTVOFF_EL2] = 100n)).x[0];
  it('CNTVCT_EL0 and the virtual timer see the offset; CNTPCT_EL0 does not', () => {
    expect(read(MRS_CNTVCT)).toBe((1n << 64n) - 100n);
    expect(read(MRS_CNTPCT)).toBe(0n);
    expect(read(MRS_CNTV_TVAL)).toBe(100n); // CVAL 0 - (0 - 100), bits [31:0]
  });
});
