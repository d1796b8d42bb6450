// HCR_EL2 traps of EL1 (and EL0) system register accesses and system instructions to EL2
// (the rows' hcrTrap). Expected values from the Arm ARM: D17.2.48 HCR_EL2 (TVM, TRVM, TACR,
// TID1/2/3, TSW, TPC, TPU, TTLB), the registers' Accessibility pseudocode (UNDEFINED and EL0
// traps to EL1 first, then the HCR_EL2 trap when EL2Enabled()), D17.2.37 ESR_ELx (EC 0x18,
// ISS Op0 [21:20], Op2 [19:17], Op1 [16:14], CRn [13:10], Rt [9:5], CRm [4:1], Direction [0]:
// 1 for a read) and D1.10 (ELR = the trapped instruction).
import { describe, expect, it } from 'vitest';
import type { Cpu } from '../../src/cpu/cpu.js';
import { Slot } from '../../src/cpu/state.js';
import type { StartEl } from '../../src/cpu/models.js';
import { BASE, R, VBAR, exec, sysEsr, word, type Enc } from './modes.js';

const SCTLR_EL1 = R(3, 0, 1, 0, 0);
const TTBR0_EL1 = R(3, 0, 2, 0, 0);
const ACTLR_EL1 = R(3, 0, 1, 0, 1);
const ID_AA64PFR0_EL1 = R(3, 0, 0, 4, 0);
const ID_RESERVED = R(3, 0, 0, 3, 3);
const MIDR_EL1 = R(3, 0, 0, 0, 0);
const AIDR_EL1 = R(3, 1, 0, 0, 7);
const REVIDR_EL1 = R(3, 0, 0, 0, 6);
const CTR_EL0 = R(3, 3, 0, 0, 1);
const CSSELR_EL1 = R(3, 2, 0, 0, 0);
const CCSIDR_EL1 = R(3, 1, 0, 0, 0);
const DC_ISW = R(1, 0, 7, 6, 2);
const DC_CIVAC = R(1, 3, 7, 14, 1);
const IC_IALLU = R(1, 0, 7, 5, 0);
const DC_CVAU = R(1, 3, 7, 11, 1);
const TLBI_VMALLE1 = R(1, 0, 8, 7, 0);

const TID1 = 1n << 16n, TID2 = 1n << 17n, TID3 = 1n << 18n, TACR = 1n << 21n, TSW = 1n << 22n;
const TPC = 1n << 23n, TPU = 1n << 24n, TTLB = 1n << 25n, TVM = 1n << 26n, TRVM = 1n << 30n;
const UCT = 1n << 15n, UCI = 1n << 26n;

const hcr = (bits: bigint, extra: (c: Cpu) => void = () => {}) => (c: Cpu) => {
  c.x[Slot.HCR_EL2] |= bits;
  extra(c);
};
const esr = (cpu: Cpu, el: number) => cpu.x[Slot.ESR_EL1 + el - 1];
const elr = (cpu: Cpu, el: number) => cpu.x[Slot.ELR_EL1 + el - 1];
/** The vector of a synchronous exception from a lower EL (AArch64) at `el`. */
const lowerSync = (el: number) => VBAR + BigInt(el) * 0x1000n + 0x400n;

/** Runs the access at `at` and expects a trap to EL2 with the Arm ARM's ESR and ELR. */
function expectTrap(mode: StartEl | 'el3el2', at: number, e: Enc, read: boolean, setup: (c: Cpu) => void): void {
  const rt = read ? 3 : 5;
  const cpu = exec(mode, at, word(e, read, rt), setup);
  expect([cpu.el, esr(cpu, 2), elr(cpu, 2), cpu.pc]).toEqual([2, sysEsr(e, read, rt), BigInt(BASE), lowerSync(2)]);
}

/** Runs the access at `at` and expects it to complete (PC at the next instruction). */
function expectRuns(mode: StartEl | 'el3el2', at: number, e: Enc, read: boolean, setup: (c: Cpu) => void): Cpu {
  const cpu = exec(mode, at, word(e, read, read ? 3 : 5), setup);
  expect([cpu.el, cpu.pc]).toEqual([at, BigInt(BASE + 4)]);
  return cpu;
}

describe('HCR_EL2.TVM / TRVM (EL1 virtual memory controls)', () => {
  it('with the bits clear, EL1 reads and writes work', () => {
    const cpu = expectRuns(2, 1, TTBR0_EL1, false, (c) => (c.x[5] = 0x1234000n));
    expect(cpu.x[Slot.TTBR0_EL1]).toBe(0x1234000n);
    expectRuns(2, 1, SCTLR_EL1, true, () => {});
  });
  it('TVM traps EL1 writes (not reads); TRVM traps EL1 reads (not writes)', () => {
    expectTrap(2, 1, SCTLR_EL1, false, hcr(TVM));
    expectTrap(2, 1, TTBR0_EL1, false, hcr(TVM));
    expectRuns(2, 1, SCTLR_EL1, true, hcr(TVM));
    expectTrap(2, 1, SCTLR_EL1, true, hcr(TRVM));
    expectTrap(2, 1, TTBR0_EL1, true, hcr(TRVM));
    const cpu = expectRuns(2, 1, TTBR0_EL1, false, hcr(TRVM, (c) => (c.x[5] = 0x5000n)));
    expect(cpu.x[Slot.TTBR0_EL1]).toBe(0x5000n);
  });
  it('a trapped write leaves the register unchanged', () => {
    const cpu = exec(2, 1, word(TTBR0_EL1, false, 5), hcr(TVM, (c) => (c.x[5] = 0x5000n)));
    expect([cpu.el, cpu.x[Slot.TTBR0_EL1]]).toEqual([2, 0n]);
  });
  it('does not trap at EL2 itself', () => {
    expectRuns(2, 2, SCTLR_EL1, true, hcr(TVM | TRVM));
    expectRuns(2, 2, SCTLR_EL1, false, hcr(TVM | TRVM, (c) => (c.x[5] = c.x[Slot.SCTLR_EL1])));
  });
  it('does nothing without EL2 (--el 1) or at Secure EL1 (SCR_EL3.NS = 0)', () => {
    expectRuns(1, 1, SCTLR_EL1, true, hcr(TRVM));
    expectRuns('el3el2', 1, SCTLR_EL1, true, hcr(TRVM));
    expectTrap('el3el2', 1, SCTLR_EL1, true, hcr(TRVM, (c) => (c.x[Slot.SCR_EL3] |= 1n)));
  });
  it('EL0 accesses stay UNDEFINED (to EL1, EC 0)', () => {
    const cpu = exec(2, 0, word(SCTLR_EL1, true, 3), hcr(TRVM));
    expect([cpu.el, esr(cpu, 1) >> 26n]).toEqual([1, 0n]);
  });
});

describe('HCR_EL2.TACR, TID1, TID2, TID3', () => {
  it('TACR traps EL1 reads and writes of ACTLR_EL1', () => {
    expectRuns(2, 1, ACTLR_EL1, true, () => {});
    expectTrap(2, 1, ACTLR_EL1, true, hcr(TACR));
    expectTrap(2, 1, ACTLR_EL1, false, hcr(TACR));
    expectRuns(2, 2, ACTLR_EL1, true, hcr(TACR));
  });
  it('TID3 traps EL1 reads of the ID group 3 registers, reserved encodings included; not MIDR_EL1', () => {
    expectRuns(2, 1, ID_AA64PFR0_EL1, true, () => {});
    expectTrap(2, 1, ID_AA64PFR0_EL1, true, hcr(TID3));
    expectTrap(2, 1, ID_RESERVED, true, hcr(TID3));
    expectRuns(2, 1, MIDR_EL1, true, hcr(TID3 | TID1 | TID2));
    expectRuns(2, 2, ID_AA64PFR0_EL1, true, hcr(TID3));
    expectRuns(1, 1, ID_AA64PFR0_EL1, true, hcr(TID3));
  });
  it('TID1 traps EL1 reads of AIDR_EL1 and REVIDR_EL1', () => {
    expectTrap(2, 1, AIDR_EL1, true, hcr(TID1));
    expectTrap(2, 1, REVIDR_EL1, true, hcr(TID1));
    expectRuns(2, 1, AIDR_EL1, true, hcr(TID3 | TID2));
  });
  it('TID2 traps CTR_EL0, CCSIDR_EL1 reads and CSSELR_EL1 reads and writes', () => {
    expectTrap(2, 1, CTR_EL0, true, hcr(TID2));
    expectTrap(2, 1, CCSIDR_EL1, true, hcr(TID2));
    expectTrap(2, 1, CSSELR_EL1, true, hcr(TID2));
    expectTrap(2, 1, CSSELR_EL1, false, hcr(TID2));
    expectRuns(2, 1, CSSELR_EL1, false, hcr(TID1 | TID3));
  });
  it('TID2 traps EL0 reads of CTR_EL0 when SCTLR_EL1.UCT allows them; UCT = 0 traps to EL1 first', () => {
    expectTrap(2, 0, CTR_EL0, true, hcr(TID2, (c) => (c.x[Slot.SCTLR_EL1] |= UCT)));
    const cpu = exec(2, 0, word(CTR_EL0, true, 3), hcr(TID2, (c) => (c.x[Slot.SCTLR_EL1] &= ~UCT)));
    expect([cpu.el, esr(cpu, 1)]).toEqual([1, sysEsr(CTR_EL0, true, 3)]);
  });
});

describe('HCR_EL2.TSW, TPC, TPU, TTLB (system instructions)', () => {
  it('each traps its EL1 operations to EL2 with EC 0x18 (Direction 0), and only those', () => {
    expectRuns(2, 1, DC_ISW, false, hcr(TPC | TPU | TTLB));
    expectTrap(2, 1, DC_ISW, false, hcr(TSW));
    expectRuns(2, 1, DC_CIVAC, false, hcr(TSW | TPU | TTLB));
    expectTrap(2, 1, DC_CIVAC, false, hcr(TPC));
    expectRuns(2, 1, IC_IALLU, false, hcr(TSW | TPC | TTLB));
    expectTrap(2, 1, IC_IALLU, false, hcr(TPU));
    expectTrap(2, 1, DC_CVAU, false, hcr(TPU));
    expectRuns(2, 1, TLBI_VMALLE1, false, hcr(TSW | TPC | TPU));
    expectTrap(2, 1, TLBI_VMALLE1, false, hcr(TTLB));
  });
  it('TPC and TPU trap EL0 operations after SCTLR_EL1.UCI allows them', () => {
    expectTrap(2, 0, DC_CIVAC, false, hcr(TPC, (c) => (c.x[Slot.SCTLR_EL1] |= UCI)));
    expectTrap(2, 0, DC_CVAU, false, hcr(TPU, (c) => (c.x[Slot.SCTLR_EL1] |= UCI)));
    const cpu = exec(2, 0, word(DC_CIVAC, false, 5), hcr(TPC, (c) => (c.x[Slot.SCTLR_EL1] &= ~UCI)));
    expect([cpu.el, esr(cpu, 1)]).toEqual([1, sysEsr(DC_CIVAC, false, 5)]);
  });
  it('no trap at EL2 or without EL2', () => {
    expectRuns(2, 2, TLBI_VMALLE1, false, hcr(TTLB));
    expectRuns(2, 2, DC_ISW, false, hcr(TSW));
    expectRuns(1, 1, TLBI_VMALLE1, false, hcr(TTLB));
  });
});
