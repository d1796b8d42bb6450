// The trap conditions to EL2 and EL3 beyond HCR_EL2's register traps (hcr-traps.test.ts):
// MDCR_EL2 (TPM, TPMCR, TDA, TDOSA, TDRA, TDE, HPMN), MDCR_EL3 (TPM, TDA, TDOSA), CPTR_EL2 and
// CPTR_EL3 (TCPAC, TFP), CNTHCTL_EL2 (EL1PCTEN, EL1PCEN), HCR_EL2.TIDCP/TDZ/TWI/TWE,
// SCR_EL3.TWI/TWE and the FP/SIMD access check (CPACR_EL1.FPEN).
//
// Expected values from the Arm ARM (DDI 0487): the registers' Accessibility pseudocode in
// D17 (UNDEFINED, then the EL0 trap to EL1, then traps to EL2 when EL2Enabled(), then traps
// to EL3), D17.3.16 MDCR_EL2 (TDE and HCR_EL2.TGE make TDA/TDOSA/TDRA behave as 1; PMCR_EL0.N
// reads as HPMN at EL0/EL1), D17.3.17 MDCR_EL3, D17.2.31/32 CPTR_EL2/EL3, D17.11.2
// CNTHCTL_EL2, D17.2.48 HCR_EL2, D17.2.117 SCR_EL3; the pseudocode of WFE/WFI
// (AArch64.CheckForWFxTrap) and of AArch64.CheckFPAdvSIMDEnabled / AdvSIMDFPAccessTrap;
// D17.2.37 ESR_ELx: EC 0x18 ISS Op0 [21:20], Op2 [19:17], Op1 [16:14], CRn [13:10], Rt [9:5],
// CRm [4:1], Direction [0] (1: read); EC 0x01 ISS CV [24] = 1, COND [23:20] = 0b1110, TI [0]
// (1: WFE); EC 0x07 ISS CV = 1, COND = 0b1110 from AArch64. ELR is the trapped instruction.
import { describe, expect, it } from 'vitest';
import type { Cpu } from '../../src/cpu/cpu.js';
import { checkFpAccess } from '../../src/cpu/fptrap.js';
import { sync } from '../../src/sysregs/pmu.js';
import { Slot } from '../../src/cpu/state.js';
import type { StartEl } from '../../src/cpu/models.js';
import { BASE, R, VBAR, exec, sysEsr, word, type Enc } from './modes.js';

type Mode = StartEl | 'el3el2';

const PMCR_EL0 = R(3, 3, 9, 12, 0);
const PMCNTENSET_EL0 = R(3, 3, 9, 12, 1);
const PMSWINC_EL0 = R(3, 3, 9, 12, 4);
const PMUSERENR_EL0 = R(3, 3, 9, 14, 0);
const PMINTENSET_EL1 = R(3, 0, 9, 14, 1);
const PMCCNTR_EL0 = R(3, 3, 9, 13, 0);
const MDSCR_EL1 = R(2, 0, 0, 2, 2);
const DBGBVR0_EL1 = R(2, 0, 0, 0, 4);
const DBGWCR3_EL1 = R(2, 0, 0, 3, 7);
const MDCCINT_EL1 = R(2, 0, 0, 2, 0);
const MDCCSR_EL0 = R(2, 3, 0, 1, 0);
const OSLAR_EL1 = R(2, 0, 1, 0, 4);
const OSLSR_EL1 = R(2, 0, 1, 1, 4);
const OSDLR_EL1 = R(2, 0, 1, 3, 4);
const MDRAR_EL1 = R(2, 0, 1, 0, 0);
const CPACR_EL1 = R(3, 0, 1, 0, 2);
const CPTR_EL2 = R(3, 4, 1, 1, 2);
const CNTPCT_EL0 = R(3, 3, 14, 0, 1);
const CNTVCT_EL0 = R(3, 3, 14, 0, 2);
const CNTP_TVAL_EL0 = R(3, 3, 14, 2, 0);
const CNTP_CTL_EL0 = R(3, 3, 14, 2, 1);
const CNTP_CVAL_EL0 = R(3, 3, 14, 2, 2);
const CNTV_CTL_EL0 = R(3, 3, 14, 3, 1);
const L2CTLR_EL1 = R(3, 1, 11, 0, 2);
const CPUACTLR_EL1 = R(3, 1, 15, 2, 0);
const CBAR_EL1 = R(3, 1, 15, 3, 0);
const DC_ZVA = R(1, 3, 7, 4, 1);
const DCZID_EL0 = R(3, 3, 0, 0, 7);
const WFI = 0xd503207f;
const WFE = 0xd503205f;
const NOP = 0xd503201f;

// Control bits (Arm ARM D17).
const TPMCR = 1n << 5n, TPM = 1n << 6n, TDE = 1n << 8n, TDA = 1n << 9n, TDOSA = 1n << 10n, TDRA = 1n << 11n;
const TCPAC = 1n << 31n, TFP = 1n << 10n;
const EL1PCTEN = 1n, EL1PCEN = 2n;
const HCR_TWI = 1n << 13n, HCR_TWE = 1n << 14n, HCR_TIDCP = 1n << 20n, HCR_TGE = 1n << 27n, HCR_TDZ = 1n << 28n;
const SCR_NS = 1n, SCR_TWI = 1n << 12n, SCR_TWE = 1n << 13n;
const SCTLR_DZE = 1n << 14n, SCTLR_NTWI = 1n << 16n;
const MDSCR_TDCC = 1n << 12n;
const FPEN = (v: bigint): bigint => v << 20n;

/** Setup: ORs each [slot, bits] into the register file (and runs `extra`). */
const set = (pairs: [Slot, bigint][], extra: (c: Cpu) => void = () => {}) => (c: Cpu) => {
  for (const [s, v] of pairs) c.x[s] |= v;
  extra(c);
};
/** EL3 with EL2, Non-secure below EL3 (SCR_EL3.NS = 1): EL2Enabled(). */
const ns = (pairs: [Slot, bigint][], extra?: (c: Cpu) => void) => set([[Slot.SCR_EL3, SCR_NS], ...pairs], extra);

const esr = (cpu: Cpu, el: number) => cpu.x[Slot.ESR_EL1 + el - 1];
const elr = (cpu: Cpu, el: number) => cpu.x[Slot.ELR_EL1 + el - 1];
/** The synchronous vector at `el` for an exception from `from`. */
const vector = (el: number, from: number) => VBAR + BigInt(el) * 0x1000n + (el > from ? 0x400n : 0x200n);

/** Runs `w` at `at` and expects an exception to `to` with `esrValue` and ELR = the instruction. */
function expectException(mode: Mode, at: number, w: number, setup: (c: Cpu) => void, to: number, esrValue: bigint): Cpu {
  const cpu = exec(mode, at, w, setup);
  expect([cpu.el, esr(cpu, to), elr(cpu, to), cpu.pc]).toEqual([to, esrValue, BigInt(BASE), vector(to, at)]);
  return cpu;
}
/** An MRS (read) or MSR of `e` trapped to `to` with EC 0x18. */
const expectTrap = (mode: Mode, at: number, e: Enc, read: boolean, setup: (c: Cpu) => void, to: number): Cpu =>
  expectException(mode, at, word(e, read, read ? 3 : 5), setup, to, sysEsr(e, read, read ? 3 : 5));
/** Runs `w` at `at` and expects it to complete. */
function expectRunsWord(mode: Mode, at: number, w: number, setup: (c: Cpu) => void): Cpu {
  const cpu = exec(mode, at, w, setup);
  expect([cpu.el, cpu.pc]).toEqual([at, BigInt(BASE + 4)]);
  return cpu;
}
const expectRuns = (mode: Mode, at: number, e: Enc, read: boolean, setup: (c: Cpu) => void): Cpu =>
  expectRunsWord(mode, at, word(e, read, read ? 3 : 5), setup);
const none = () => {};

describe('MDCR_EL2.TPM and TPMCR: PMU registers from EL0/EL1 to EL2', () => {
  const tpm = set([[Slot.MDCR_EL2, TPM]]);
  it('TPM traps EL1 reads and writes of every PMU register', () => {
    for (const e of [PMCR_EL0, PMCNTENSET_EL0, PMUSERENR_EL0, PMINTENSET_EL1, PMCCNTR_EL0]) {
      expectRuns(2, 1, e, true, none);
      expectTrap(2, 1, e, true, tpm, 2);
      expectTrap(2, 1, e, false, tpm, 2);
    }
    expectTrap(2, 1, PMSWINC_EL0, false, tpm, 2);
  });
  it('not at EL2, not without EL2, not at Secure EL1', () => {
    expectRuns(2, 2, PMCNTENSET_EL0, true, tpm);
    expectRuns(1, 1, PMCNTENSET_EL0, true, tpm);
    expectRuns('el3el2', 1, PMCNTENSET_EL0, true, tpm);
    expectTrap('el3el2', 1, PMCNTENSET_EL0, true, ns([[Slot.MDCR_EL2, TPM]]), 2);
  });
  it('at EL0, PMUSERENR_EL0.EN = 0 traps to EL1 first; with EN = 1, TPM traps to EL2', () => {
    expectTrap(2, 0, PMCNTENSET_EL0, true, tpm, 1);
    expectTrap(2, 0, PMCNTENSET_EL0, true, set([[Slot.MDCR_EL2, TPM], [Slot.PMUSERENR_EL0, 1n]]), 2);
  });
  it('TPMCR traps PMCR_EL0 only', () => {
    const tpmcr = set([[Slot.MDCR_EL2, TPMCR]]);
    expectTrap(2, 1, PMCR_EL0, true, tpmcr, 2);
    expectTrap(2, 1, PMCR_EL0, false, tpmcr, 2);
    expectRuns(2, 1, PMCNTENSET_EL0, true, tpmcr);
    expectRuns(2, 2, PMCR_EL0, true, tpmcr);
  });
  it('HPMN: PMCR_EL0.N reads as MDCR_EL2.HPMN at EL0/EL1 with EL2 enabled, not at EL2', () => {
    // MDCR_EL2 resets to HPMN = 6 (QEMU 7.2); clear it and set 2.
    const hpmn2 = (c: Cpu) => void (c.x[Slot.MDCR_EL2] = 2n);
    const n = (c: Cpu) => (c.x[3] >> 11n) & 31n;
    expect(n(expectRuns(2, 1, PMCR_EL0, true, hpmn2))).toBe(2n);
    expect(n(expectRuns(2, 0, PMCR_EL0, true, (c) => (hpmn2(c), (c.x[Slot.PMUSERENR_EL0] = 1n))))).toBe(2n);
    expect(n(expectRuns(2, 2, PMCR_EL0, true, hpmn2))).toBe(6n);
    expect(n(expectRuns('el3el2', 1, PMCR_EL0, true, hpmn2))).toBe(6n);
    expect(n(expectRuns(1, 1, PMCR_EL0, true, none))).toBe(6n);
  });
});

describe('MDCR_EL2.HPMN and HPME: which event counters PMCR_EL0.E enables', () => {
  // Arm ARM D11 (PMCR_EL0.E, MDCR_EL2.HPME): with EL2, event counters n >= HPMN are enabled by
  // MDCR_EL2.HPME, the others by PMCR_EL0.E (QEMU 7.2 live: HPMN = 2, E = 1, HPME = 0 leaves
  // counter 3 at 0 while counter 1 counts). Counters 1 and 3 count INST_RETIRED (0x08).
  const counts = (mode: Mode, pmcrE: bigint, mdcr: bigint): bigint[] => {
    const cpu = exec(mode, 1, NOP, (c) => {
      c.x[Slot.PMCR_EL0] |= pmcrE;
      c.x[Slot.MDCR_EL2] = mdcr;
      c.x[Slot.PMCNTEN] = 0b1010n;
      c.x[Slot.PMEVTYPER0_EL0 + 1] = 0x08n;
      c.x[Slot.PMEVTYPER0_EL0 + 3] = 0x08n;
    });
    sync(cpu, Number(cpu.x[Slot.PMU_ANCHOR]) + 100); // 100 instructions on
    return [cpu.x[Slot.PMEVCNTR0_EL0 + 1], cpu.x[Slot.PMEVCNTR0_EL0 + 3]];
  };
  it('counters below HPMN follow PMCR_EL0.E, the others MDCR_EL2.HPME', () => {
    expect(counts(2, 1n, 2n)).toEqual([100n, 0n]);
    expect(counts(2, 1n, 2n | (1n << 7n))).toEqual([100n, 100n]);
    expect(counts(2, 0n, 2n | (1n << 7n))).toEqual([0n, 100n]);
    expect(counts(2, 1n, 6n)).toEqual([100n, 100n]);
  });
  it('without EL2, PMCR_EL0.E enables every counter', () => {
    expect(counts(1, 1n, 2n)).toEqual([100n, 100n]);
  });
});

describe('MDCR_EL2.TDA, TDOSA, TDRA, TDE and HCR_EL2.TGE: debug registers to EL2', () => {
  const md = (bits: bigint) => set([[Slot.MDCR_EL2, bits]]);
  it('TDA traps the debug registers, not the OS lock registers or MDRAR_EL1', () => {
    for (const e of [MDSCR_EL1, DBGBVR0_EL1, DBGWCR3_EL1, MDCCINT_EL1]) {
      expectTrap(2, 1, e, true, md(TDA), 2);
      expectTrap(2, 1, e, false, md(TDA), 2);
    }
    expectRuns(2, 1, OSLSR_EL1, true, md(TDA));
    expectRuns(2, 1, MDRAR_EL1, true, md(TDA));
    expectRuns(2, 2, MDSCR_EL1, true, md(TDA));
  });
  it('TDOSA traps OSLAR_EL1, OSLSR_EL1, OSDLR_EL1 only', () => {
    expectTrap(2, 1, OSLAR_EL1, false, md(TDOSA), 2);
    expectTrap(2, 1, OSLSR_EL1, true, md(TDOSA), 2);
    expectTrap(2, 1, OSDLR_EL1, false, md(TDOSA), 2);
    expectRuns(2, 1, MDSCR_EL1, true, md(TDOSA));
    expectRuns(2, 1, MDRAR_EL1, true, md(TDOSA));
  });
  it('TDRA traps MDRAR_EL1 only', () => {
    expectTrap(2, 1, MDRAR_EL1, true, md(TDRA), 2);
    expectRuns(2, 1, MDSCR_EL1, true, md(TDRA));
    expectRuns(2, 1, OSLSR_EL1, true, md(TDRA));
  });
  it('TDE, and HCR_EL2.TGE, make TDA, TDOSA and TDRA behave as 1', () => {
    for (const setup of [md(TDE), set([[Slot.HCR_EL2, HCR_TGE]])]) {
      expectTrap(2, 1, MDSCR_EL1, false, setup, 2);
      expectTrap(2, 1, OSLSR_EL1, true, setup, 2);
      expectTrap(2, 1, MDRAR_EL1, true, setup, 2);
    }
    expectRuns(1, 1, MDSCR_EL1, true, md(TDE));
  });
  it('MDCCSR_EL0 at EL0: MDSCR_EL1.TDCC traps to EL1 first, then TDA to EL2', () => {
    expectTrap(2, 0, MDCCSR_EL0, true, md(TDA), 2);
    expectTrap(2, 0, MDCCSR_EL0, true, set([[Slot.MDCR_EL2, TDA], [Slot.MDSCR_EL1, MDSCR_TDCC]]), 1);
  });
});

describe('MDCR_EL3.TPM, TDA, TDOSA: to EL3 from EL0-EL2', () => {
  const m3 = (bits: bigint) => set([[Slot.MDCR_EL3, bits]]);
  it('TPM traps PMU registers from EL1 (--el 3) and EL2, not at EL3', () => {
    expectTrap(3, 1, PMCNTENSET_EL0, true, m3(TPM), 3);
    expectTrap(3, 1, PMCR_EL0, false, m3(TPM), 3);
    expectTrap('el3el2', 2, PMCNTENSET_EL0, true, m3(TPM), 3);
    expectRuns(3, 3, PMCNTENSET_EL0, true, m3(TPM));
  });
  it('TPM at EL0: after PMUSERENR_EL0.EN', () => {
    expectTrap(3, 0, PMCNTENSET_EL0, true, m3(TPM), 1);
    expectTrap(3, 0, PMCNTENSET_EL0, true, set([[Slot.MDCR_EL3, TPM], [Slot.PMUSERENR_EL0, 1n]]), 3);
  });
  it('the EL2 trap comes first', () => {
    expectTrap('el3el2', 1, PMCNTENSET_EL0, true, ns([[Slot.MDCR_EL2, TPM], [Slot.MDCR_EL3, TPM]]), 2);
    expectTrap('el3el2', 1, MDSCR_EL1, true, ns([[Slot.MDCR_EL2, TDA], [Slot.MDCR_EL3, TDA]]), 2);
  });
  it('TDA traps the debug registers and MDRAR_EL1; TDOSA the OS lock registers', () => {
    expectTrap(3, 1, MDSCR_EL1, true, m3(TDA), 3);
    expectTrap(3, 1, DBGBVR0_EL1, false, m3(TDA), 3);
    expectTrap(3, 1, MDRAR_EL1, true, m3(TDA), 3);
    expectRuns(3, 1, OSLSR_EL1, true, m3(TDA));
    expectTrap('el3el2', 2, MDSCR_EL1, true, m3(TDA), 3);
    expectTrap(3, 1, OSLSR_EL1, true, m3(TDOSA), 3);
    expectTrap(3, 1, OSLAR_EL1, false, m3(TDOSA), 3);
    expectRuns(3, 1, MDSCR_EL1, true, m3(TDOSA));
    expectRuns(3, 3, MDSCR_EL1, true, m3(TDA | TDOSA));
  });
});

describe('CPTR_EL2.TCPAC and CPTR_EL3.TCPAC', () => {
  it('CPTR_EL2.TCPAC traps EL1 accesses to CPACR_EL1 to EL2', () => {
    expectRuns(2, 1, CPACR_EL1, true, none);
    expectTrap(2, 1, CPACR_EL1, true, set([[Slot.CPTR_EL2, TCPAC]]), 2);
    expectTrap(2, 1, CPACR_EL1, false, set([[Slot.CPTR_EL2, TCPAC]]), 2);
    expectRuns(2, 2, CPACR_EL1, true, set([[Slot.CPTR_EL2, TCPAC]]));
  });
  it('CPTR_EL3.TCPAC traps CPACR_EL1 from EL1 and CPTR_EL2 from EL2 to EL3, after the EL2 trap', () => {
    const t3 = set([[Slot.CPTR_EL3, TCPAC]]);
    expectTrap(3, 1, CPACR_EL1, false, t3, 3);
    expectTrap('el3el2', 2, CPTR_EL2, true, t3, 3);
    expectTrap('el3el2', 2, CPACR_EL1, true, t3, 3);
    expectRuns('el3el2', 3, CPTR_EL2, true, t3);
    expectTrap('el3el2', 1, CPACR_EL1, true, ns([[Slot.CPTR_EL2, TCPAC], [Slot.CPTR_EL3, TCPAC]]), 2);
  });
});

describe('CNTHCTL_EL2.EL1PCTEN and EL1PCEN: the physical counter and timer to EL2', () => {
  // CNTHCTL_EL2 resets to EL1PCEN | EL1PCTEN (QEMU 7.2): clear the bit under test.
  const cnthctl = (v: bigint) => (c: Cpu) => void (c.x[Slot.CNTHCTL_EL2] = v);
  it('EL1PCTEN = 0 traps CNTPCT_EL0 reads from EL1 and EL0 (after CNTKCTL_EL1.EL0PCTEN)', () => {
    expectRuns(2, 1, CNTPCT_EL0, true, none);
    expectTrap(2, 1, CNTPCT_EL0, true, cnthctl(EL1PCEN), 2);
    expectRuns(2, 1, CNTVCT_EL0, true, cnthctl(EL1PCEN));
    expectRuns(2, 1, CNTP_CTL_EL0, true, cnthctl(EL1PCEN));
    expectTrap(2, 0, CNTPCT_EL0, true, (c) => (cnthctl(EL1PCEN)(c), (c.x[Slot.CNTKCTL_EL1] = 1n)), 2);
    expectTrap(2, 0, CNTPCT_EL0, true, cnthctl(EL1PCEN), 1);
    expectRuns(2, 2, CNTPCT_EL0, true, cnthctl(0n));
  });
  it('EL1PCEN = 0 traps the EL1 physical timer registers from EL1 and EL0 (after EL0PTEN)', () => {
    for (const e of [CNTP_CTL_EL0, CNTP_CVAL_EL0, CNTP_TVAL_EL0]) {
      expectTrap(2, 1, e, true, cnthctl(EL1PCTEN), 2);
      expectTrap(2, 1, e, false, cnthctl(EL1PCTEN), 2);
    }
    expectRuns(2, 1, CNTV_CTL_EL0, true, cnthctl(EL1PCTEN));
    expectRuns(2, 1, CNTPCT_EL0, true, cnthctl(EL1PCTEN));
    expectTrap(2, 0, CNTP_CTL_EL0, true, (c) => (cnthctl(EL1PCTEN)(c), (c.x[Slot.CNTKCTL_EL1] = 1n << 9n)), 2);
    expectTrap(2, 0, CNTP_CTL_EL0, true, cnthctl(EL1PCTEN), 1);
  });
  it('nothing without EL2 or at Secure EL1', () => {
    expectRuns(1, 1, CNTPCT_EL0, true, cnthctl(0n));
    expectRuns('el3el2', 1, CNTP_CTL_EL0, true, cnthctl(0n));
  });
});

describe('HCR_EL2.TIDCP and TDZ', () => {
  const hcr = (bits: bigint, more: [Slot, bigint][] = []) => set([[Slot.HCR_EL2, bits], ...more]);
  it('TIDCP traps EL1 accesses to the IMPLEMENTATION DEFINED registers (op0 3, CRn 11/15)', () => {
    expectRuns(2, 1, L2CTLR_EL1, true, none);
    expectTrap(2, 1, L2CTLR_EL1, true, hcr(HCR_TIDCP), 2);
    expectTrap(2, 1, CPUACTLR_EL1, false, hcr(HCR_TIDCP), 2);
    expectTrap(2, 1, CBAR_EL1, true, hcr(HCR_TIDCP), 2);
    expectRuns(2, 2, L2CTLR_EL1, true, hcr(HCR_TIDCP));
  });
  it('TIDCP takes precedence over UNDEFINED at EL1: encodings without a row, SYS, a write to a read-only row', () => {
    const UNIMPL = R(3, 0, 15, 0, 0); // no row on cortex-a57
    const SYS_IMPDEF = R(1, 0, 11, 0, 0);
    const undef = (at: number, e: Enc, read: boolean, setup: (c: Cpu) => void) =>
      expectException(2, at, word(e, read, 3), setup, 1, 0x02000000n);
    undef(1, UNIMPL, true, none);
    expectTrap(2, 1, UNIMPL, true, hcr(HCR_TIDCP), 2);
    undef(1, SYS_IMPDEF, false, none);
    expectTrap(2, 1, SYS_IMPDEF, false, hcr(HCR_TIDCP), 2);
    undef(1, CBAR_EL1, false, none);
    expectTrap(2, 1, CBAR_EL1, false, hcr(HCR_TIDCP), 2);
    // EL0: UNDEFINED (no FEAT_TIDCP1); debug space (op0 2) is not IMPLEMENTATION DEFINED.
    undef(0, L2CTLR_EL1, true, hcr(HCR_TIDCP));
    undef(1, R(2, 0, 15, 0, 0), true, hcr(HCR_TIDCP));
  });
  it('TDZ traps DC ZVA from EL1, and from EL0 after SCTLR_EL1.DZE', () => {
    expectTrap(2, 1, DC_ZVA, false, hcr(HCR_TDZ), 2);
    expectTrap(2, 0, DC_ZVA, false, hcr(HCR_TDZ, [[Slot.SCTLR_EL1, SCTLR_DZE]]), 2);
    expectTrap(2, 0, DC_ZVA, false, hcr(HCR_TDZ), 1);
  });
  it('DCZID_EL0.DZP reads 1 at EL0/EL1 while TDZ traps DC ZVA; BS = 4 (64 bytes)', () => {
    expect(expectRuns(2, 1, DCZID_EL0, true, hcr(HCR_TDZ)).x[3]).toBe(0x14n);
    expect(expectRuns(2, 0, DCZID_EL0, true, hcr(HCR_TDZ, [[Slot.SCTLR_EL1, SCTLR_DZE]])).x[3]).toBe(0x14n);
    expect(expectRuns(2, 1, DCZID_EL0, true, none).x[3]).toBe(0x4n);
    expect(expectRuns(2, 2, DCZID_EL0, true, hcr(HCR_TDZ)).x[3]).toBe(0x4n);
    expect(expectRuns('el3el2', 1, DCZID_EL0, true, hcr(HCR_TDZ)).x[3]).toBe(0x4n);
  });
});

describe('WFI/WFE traps: HCR_EL2.TWI/TWE to EL2, SCR_EL3.TWI/TWE to EL3', () => {
  const WFI_ESR = 0x07e00000n; // EC 0x01, IL, CV, COND 0b1110, TI 0
  const WFE_ESR = 0x07e00001n; // TI 1
  const noEvent = (pairs: [Slot, bigint][]) => set(pairs, (c) => void (c.event = 0));
  it('HCR_EL2.TWI traps WFI from EL1, and from EL0 after SCTLR_EL1.nTWI', () => {
    expectException(2, 1, WFI, set([[Slot.HCR_EL2, HCR_TWI]]), 2, WFI_ESR);
    expectException(2, 0, WFI, set([[Slot.HCR_EL2, HCR_TWI]]), 2, WFI_ESR); // the model's SCTLR_EL1 has nTWI = 1
    expectException(2, 0, WFI, set([[Slot.HCR_EL2, HCR_TWI]], (c) => (c.x[Slot.SCTLR_EL1] &= ~SCTLR_NTWI)), 1, WFI_ESR);
    expectRunsWord(2, 1, WFI, set([[Slot.HCR_EL2, HCR_TWE]]));
    expectRunsWord(2, 2, WFI, set([[Slot.HCR_EL2, HCR_TWI]]));
  });
  it('HCR_EL2.TWE traps a WFE that would wait; one that finds the Event Register set clears it', () => {
    expectException(2, 1, WFE, noEvent([[Slot.HCR_EL2, HCR_TWE]]), 2, WFE_ESR);
    const cpu = expectRunsWord(2, 1, WFE, set([[Slot.HCR_EL2, HCR_TWE]], (c) => void (c.event = 1)));
    expect(cpu.event).toBe(0);
  });
  it('SCR_EL3.TWI/TWE trap from EL1 and EL2 to EL3, not at EL3; HCR_EL2 first', () => {
    expectException(3, 1, WFI, set([[Slot.SCR_EL3, SCR_TWI]]), 3, WFI_ESR);
    expectException(3, 1, WFE, noEvent([[Slot.SCR_EL3, SCR_TWE]]), 3, WFE_ESR);
    expectException('el3el2', 2, WFI, set([[Slot.SCR_EL3, SCR_TWI]]), 3, WFI_ESR);
    expectRunsWord(3, 3, WFI, set([[Slot.SCR_EL3, SCR_TWI]]));
    expectException('el3el2', 1, WFE, noEvent([[Slot.SCR_EL3, SCR_NS | SCR_TWE], [Slot.HCR_EL2, HCR_TWE]]), 2, WFE_ESR);
    // Secure EL1: no EL2 trap, the EL3 one.
    expectException('el3el2', 1, WFI, set([[Slot.SCR_EL3, SCR_TWI], [Slot.HCR_EL2, HCR_TWI]]), 3, WFI_ESR);
  });
});

describe('checkFpAccess: CPACR_EL1.FPEN, CPTR_EL2.TFP, CPTR_EL3.TFP (EC 0x07)', () => {
  const FP_ESR = 0x1fe00000n; // EC 0x07, IL, CV, COND 0b1110 (QEMU 7.2 live: the same)
  /** Runs a NOP at `at`, then the check as the next instruction would, taking what it raises. */
  function fpAccess(mode: Mode, at: number, setup: (c: Cpu) => void): Cpu {
    const cpu = exec(mode, at, NOP, setup);
    try {
      checkFpAccess(cpu);
    } catch (e) {
      if (e !== cpu.exc) throw e;
      cpu.takeSync(BASE + 4, 0, 0);
    }
    return cpu;
  }
  const expectFp = (mode: Mode, at: number, setup: (c: Cpu) => void, to: number, esrValue = FP_ESR) => {
    const cpu = fpAccess(mode, at, setup);
    expect([cpu.el, esr(cpu, to), elr(cpu, to), cpu.pc]).toEqual([to, esrValue, BigInt(BASE + 4), vector(to, at)]);
  };
  const expectFpOk = (mode: Mode, at: number, setup: (c: Cpu) => void) => {
    const cpu = fpAccess(mode, at, setup);
    expect([cpu.el, cpu.pc]).toEqual([at, BigInt(BASE + 4)]);
  };
  it('CPACR_EL1.FPEN: 0b00 and 0b10 trap EL0 and EL1, 0b01 EL0 only, 0b11 nothing', () => {
    expectFp(1, 1, none, 1);
    expectFp(1, 0, none, 1);
    expectFp(1, 1, set([[Slot.CPACR_EL1, FPEN(2n)]]), 1);
    expectFpOk(1, 1, set([[Slot.CPACR_EL1, FPEN(1n)]]));
    expectFp(1, 0, set([[Slot.CPACR_EL1, FPEN(1n)]]), 1);
    expectFpOk(1, 0, set([[Slot.CPACR_EL1, FPEN(3n)]]));
    expectFpOk(2, 2, none);
  });
  it('from EL0 with HCR_EL2.TGE, the trap to EL1 goes to EL2 as EC 0x00', () => {
    expectFp(2, 0, set([[Slot.HCR_EL2, HCR_TGE]]), 2, 0x02000000n);
  });
  it('CPTR_EL2.TFP traps EL0-EL2 to EL2, after CPACR_EL1', () => {
    const on = (more: [Slot, bigint][]) => set([[Slot.CPACR_EL1, FPEN(3n)], ...more]);
    expectFp(2, 1, on([[Slot.CPTR_EL2, TFP]]), 2);
    expectFp(2, 0, on([[Slot.CPTR_EL2, TFP]]), 2);
    expectFp(2, 2, on([[Slot.CPTR_EL2, TFP]]), 2);
    expectFp(2, 1, set([[Slot.CPTR_EL2, TFP]]), 1);
    expectFpOk('el3el2', 1, on([[Slot.CPTR_EL2, TFP]]));
  });
  it('CPTR_EL3.TFP traps every EL to EL3, after CPTR_EL2', () => {
    const on = (more: [Slot, bigint][]) => set([[Slot.CPACR_EL1, FPEN(3n)], ...more]);
    expectFp(3, 1, on([[Slot.CPTR_EL3, TFP]]), 3);
    expectFp(3, 3, on([[Slot.CPTR_EL3, TFP]]), 3);
    expectFp('el3el2', 2, on([[Slot.CPTR_EL3, TFP]]), 3);
    expectFp('el3el2', 1, on([[Slot.SCR_EL3, SCR_NS], [Slot.CPTR_EL2, TFP], [Slot.CPTR_EL3, TFP]]), 2);
  });
});
