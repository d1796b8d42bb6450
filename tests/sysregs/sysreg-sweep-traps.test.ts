// The MRS/MSR sweep with trap controls set (`a64emu sweep --set`): every MRS and MSR encoding
// at EL3, EL2, EL1, EL0 and Secure EL1/EL0 of max (--el 3 --virtualization) after the driver
// has written HCR_EL2, MDCR_EL2/EL3, CPTR_EL2/EL3, SCR_EL3, PMUSERENR_EL0, CNTKCTL_EL1 and
// SCTLR_EL1 trap bits, and (for cortex-a57 too) with EL2/EL3 registers written all ones, to
// check their write masks. Every expected outcome (value, or ESR and target EL) is QEMU 7.2's,
// recorded in tests/sysregs/sweep-traps/ by `a64emu sweep --record` (the header of each file
// names the command); MASKS and ALLOWED of src/debug/fuzz/sweep_known.ts apply as in the
// reset-value sweep (sysreg-sweep-recorded.test.ts). The settings avoid the controls where
// a64emu follows the Arm ARM and QEMU 7.2 does not (docs/ARCHITECTURE.md): HCR_EL2.TIDCP,
// MDCR_EL2.TPMCR alone, MDSCR_EL1.TDCC, CNTHCTL_EL2.EL1PCTEN != EL1PCEN.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compareSweep, outcomeAt, sweepA64emu, encodingName } from '../../src/debug/fuzz/sweep.js';
import { parseRecording } from '../../src/debug/fuzz/sweep_record.js';
import { ENCODINGS, phaseName, phasesOf, type SweepMode } from '../../src/debug/fuzz/sweep_image.js';
import { parseSet } from '../../src/cli/sweep.js';
import { idValue } from '../../src/sysregs/id.js';
import { MODELS } from '../../src/cpu/models.js';
import { MASKS } from '../../src/debug/fuzz/sweep_known.js';

interface TrapSweep {
  readonly cpu: string;
  readonly file: string;
  readonly set: string;
  /** Outcomes the settings must produce (so that a --set that did nothing fails): phase, access, name, status. */
  readonly shows: readonly [phase: string, name: string, status: bigint][];
  /** MRS values the settings must produce: phase, name, value. */
  readonly values?: readonly [phase: string, name: string, value: bigint][];
}

/** An MRS trapped with EC 0x18 to `el`: ESR (IL 1) | el << 56; ISS from the encoding (Arm ARM D17.2.37). */
const trapped = (el: number, op0: number, op1: number, crn: number, crm: number, op2: number): bigint =>
  (BigInt(el) << 56n) | (0x18n << 26n) | (1n << 25n) |
  BigInt((op0 << 20) | (op2 << 17) | (op1 << 14) | (crn << 10) | (1 << 5) /* Rt = 1 */ | (crm << 1) | 1);

const ALL_ONES = (1n << 64n) - 1n;

const SWEEPS: readonly TrapSweep[] = [
  {
    cpu: 'max',
    file: 'max-mdcr-cptr-scr.txt',
    // MDCR_EL2: HPMN 3, TPMCR, TPM, TDA, TDOSA, TDRA; MDCR_EL3: TPM, TDA, TDOSA; CPTR_EL2/EL3:
    // TCPAC, TTA; SCR_EL3: ST, TLOR, TERR, HXEn.
    set: 'MDCR_EL2=0xe63,MDCR_EL3=0x640,CPTR_EL2=0x80100000,CPTR_EL3=0x80100000,SCR_EL3=0x400000c800',
    shows: [
      // PMCR_EL0 at EL1: MDCR_EL2.TPM traps it to EL2 (Arm ARM D17.5, PMCR_EL0 accessibility).
      ['EL1', 'PMCR_EL0', trapped(2, 3, 3, 9, 12, 0)],
      // PMCR_EL0 at EL2: MDCR_EL3.TPM traps it to EL3.
      ['EL2', 'PMCR_EL0', trapped(3, 3, 3, 9, 12, 0)],
      // CPACR_EL1 at EL1: CPTR_EL2.TCPAC traps it to EL2 (CPACR_EL1 accessibility).
      ['EL1', 'CPACR_EL1', trapped(2, 3, 0, 1, 0, 2)],
      // CPTR_EL2 at EL2: CPTR_EL3.TCPAC traps it to EL3 (CPTR_EL2 accessibility).
      ['EL2', 'CPTR_EL2', trapped(3, 3, 4, 1, 1, 2)],
      // MDSCR_EL1 at EL1: MDCR_EL2.TDA to EL2; at EL2: MDCR_EL3.TDA to EL3.
      ['EL1', 'MDSCR_EL1', trapped(2, 2, 0, 0, 2, 2)],
      ['EL2', 'MDSCR_EL1', trapped(3, 2, 0, 0, 2, 2)],
      // CNTPS_CTL_EL1 at Secure EL1 with SCR_EL3.ST = 1: accessible (D17.11, CNTPS_CTL_EL1).
      ['EL1-S', 'CNTPS_CTL_EL1', 0n],
    ],
  },
  {
    cpu: 'max',
    file: 'max-hcr-el0.txt',
    // HCR_EL2: TID0-3, TACR, TSW, TPC, TPU, TTLB, TVM, TDZ, TLOR, TERR; MDCR_EL2.HPMN 3;
    // PMUSERENR_EL0: EN, CR, ER; CNTKCTL_EL1: EL0PCTEN, EL0VCTEN, EL0VTEN, EL0PTEN;
    // SCTLR_EL1 (QEMU's reset value) with UMA, DZE, UCT, UCI.
    set: 'HCR_EL2=0x1817e78000,MDCR_EL2=0x3,PMUSERENR_EL0=0xd,CNTKCTL_EL1=0x303,SCTLR_EL1=0x4c5ca38',
    shows: [
      // ID_AA64PFR0_EL1 at EL1: HCR_EL2.TID3 traps it to EL2 (ID_AA64PFR0_EL1 accessibility).
      ['EL1', 'ID_AA64PFR0_EL1', trapped(2, 3, 0, 0, 4, 0)],
      // CTR_EL0 at EL0 with SCTLR_EL1.UCT = 1: HCR_EL2.TID2 traps it to EL2.
      ['EL0', 'CTR_EL0', trapped(2, 3, 3, 0, 0, 1)],
      // PMCR_EL0 at EL0 with PMUSERENR_EL0.EN = 1: accessible (PMCR_EL0 accessibility).
      ['EL0', 'PMCR_EL0', 0n],
      // DAIF at EL0 with SCTLR_EL1.UMA = 1: accessible.
      ['EL0', 'DAIF', 0n],
    ],
  },
  {
    cpu: 'max',
    file: 'max-dbg-pmu.txt',
    // Write masks of the breakpoint/watchpoint and PMU registers (counting stays off: PMCR_EL0.E
    // is 0, and PMINTENSET_EL1 is 0, so no overflow interrupt).
    set:
      'DBGBCR0_EL1=-1,DBGBVR0_EL1=-1,DBGWCR0_EL1=-1,DBGWVR0_EL1=-1,PMSELR_EL0=-1,PMCCFILTR_EL0=-1,' +
      'PMEVTYPER0_EL0=-1,PMOVSSET_EL0=-1,PMCNTENSET_EL0=-1,PMEVCNTR0_EL0=-1,PMCCNTR_EL0=-1',
    shows: [],
    values: [
      // DBGWVR<n>_EL1 bits [1:0] are RES0 (Arm ARM D17.3, DBGWVR<n>_EL1), forced to 0 as QEMU 7.2.
      ['EL2', 'DBGWVR0_EL1', ALL_ONES - 3n],
      // PMSELR_EL0: SEL [4:0], the rest RES0 (D17.5, PMSELR_EL0), as QEMU 7.2.
      ['EL2', 'PMSELR_EL0', 0x1fn],
      // PMCNTENSET_EL0: C (bit 31) and P<n> for the 6 implemented counters (D17.5, RAZ/WI above N).
      // At EL3, the first phase: its write-back of PMCNTENCLR_EL0 then clears them.
      ['EL3', 'PMCNTENSET_EL0', 0x8000003fn],
    ],
  },
  {
    cpu: 'max',
    file: 'max-vhe.txt',
    // FEAT_VHE: HCR_EL2.E2H (with RW); CNTHCTL_EL2 in its E2H = 1 layout with EL0PCTEN,
    // EL0VCTEN, EL0VTEN, EL0PTEN, EL1PCTEN and EL1PTEN set.
    set: 'HCR_EL2=0x480000000,CNTHCTL_EL2=0xf03',
    shows: [
      // SCTLR_EL12 at EL2 with E2H = 1: accessible (Arm ARM, SCTLR_EL12 accessibility).
      ['EL2', 'SCTLR_EL12', 0n],
      ['EL3', 'CNTV_CTL_EL02', 0n],
      // CNTP_CTL_EL0 at EL1: CNTHCTL_EL2.EL1PTEN (bit 11) = 1 lets it through.
      ['EL1', 'CNTP_CTL_EL0', 0n],
    ],
    values: [
      // CNTKCTL_EL1's encoding at EL2 with E2H = 1 reads CNTHCTL_EL2 (D5.6, the redirection).
      ['EL2', 'CNTKCTL_EL1', 0xf03n],
    ],
  },
  ...['max', 'cortex-a57'].map((cpu): TrapSweep => ({
    cpu,
    file: `${cpu}-masks.txt`,
    // Write masks: these registers written with all ones, read back at EL2/EL3 (QEMU 7.2 keeps
    // every bit of each, which the Arm ARM allows for RES0 bits); VPIDR_EL2 and VMPIDR_EL2 are
    // what MIDR_EL1 and MPIDR_EL1 read at EL1 when EL2 is enabled (Arm ARM D17.2, MIDR_EL1 and
    // MPIDR_EL1 accessibility: `if EL2Enabled() then X[t] = VPIDR_EL2`), not in Secure state.
    set:
      'VPIDR_EL2=-1,VMPIDR_EL2=-1,VTCR_EL2=-1,TCR_EL2=-1,TCR_EL3=-1,HSTR_EL2=-1,VTTBR_EL2=-1,TTBR0_EL2=-1,' +
      'TTBR0_EL3=-1,CPTR_EL2=-1,CPTR_EL3=-1,CNTHCTL_EL2=-1,CNTVOFF_EL2=-1,HPFAR_EL2=-1,MAIR_EL2=-1,MAIR_EL3=-1,' +
      'TPIDR_EL2=-1,TPIDR_EL3=-1,MDCR_EL3=-1,CNTKCTL_EL1=-1',
    shows: [],
    values: [
      ['EL1', 'MIDR_EL1', ALL_ONES],
      ['EL1', 'MPIDR_EL1', ALL_ONES],
      ['EL1-S', 'MIDR_EL1', idValue(MODELS[cpu]!, 'MIDR_EL1')],
      ['EL2', 'MIDR_EL1', idValue(MODELS[cpu]!, 'MIDR_EL1')],
      ['EL2', 'VTCR_EL2', ALL_ONES],
      ['EL3', 'MDCR_EL3', ALL_ONES],
    ],
  })),
];

const MODE: SweepMode = { el: 3, el2: true };

/** The outcome of the encoding named `name` at `phase`. */
function outcome(data: Uint8Array, phase: string, name: string): ReturnType<typeof outcomeAt> {
  const k = phasesOf(MODE).findIndex((p) => phaseName(p) === phase);
  const i = Array.from({ length: ENCODINGS }, (_, j) => j).find((j) => encodingName(j) === name);
  if (k < 0 || i === undefined) throw new Error(`no ${name} at ${phase}`);
  return outcomeAt(data, k, i);
}

describe('MRS/MSR sweep with trap controls set: a64emu against QEMU 7.2 recordings', () => {
  const maskHits = new Set<string>();
  for (const s of SWEEPS) {
    it(`${s.cpu} --el 3 --virtualization --set ${s.set}: every outcome is QEMU's, or a listed reason`, async () => {
      const text = readFileSync(new URL(`sweep-traps/${s.file}`, import.meta.url), 'utf8');
      // The recording was made with these settings.
      expect(text.split('\n')[0]).toContain(`--set ${s.set}`);
      const phases = phasesOf(MODE);
      const q = parseRecording(text, phases);
      const e = await sweepA64emu(s.cpu, { ...MODE, set: parseSet(s.set, s.cpu, 3, true) });
      const c = compareSweep(s.cpu, MODE, e.phases, q, e.data);
      for (const m of c.maskHits.keys()) maskHits.add(m);
      expect(c.mismatches.map((m) => `${m.phase} ${m.access} ${m.name}: QEMU ${m.qemu}, a64emu ${m.a64emu}`)).toEqual([]);
      for (const [phase, name, status] of s.shows) {
        expect(outcome(e.data, phase, name).mrs.toString(16), `${phase} MRS ${name}`).toBe(status.toString(16));
      }
      for (const [phase, name, value] of s.values ?? []) {
        const o = outcome(e.data, phase, name);
        expect(o.mrs, `${phase} MRS ${name}`).toBe(0n);
        expect(o.value.toString(16), `${phase} MRS ${name}`).toBe(value.toString(16));
      }
    }, 120_000);
  }
  it('every setOnly MASK is needed by one of these sweeps (a stale entry fails)', () => {
    expect(MASKS.filter((m) => m.setOnly && !maskHits.has(m.reg)).map((m) => m.reg)).toEqual([]);
  });
});

// QEMU 7.2 lets EL0 accesses that PMUSERENR_EL0.SW/CR/ER allow through without checking
// MDCR_EL2.TPM and MDCR_EL3.TPM (its pmreg_access_swinc/ccntr/xevcntr/selr return early);
// the Arm ARM checks PMUSERENR_EL0 first, then MDCR_EL2.TPM (EL2Enabled()), then
// MDCR_EL3.TPM (D17.5, the accessibility pseudocode of PMEVCNTR<n>_EL0, PMCCNTR_EL0,
// PMSELR_EL0, PMSWINC_EL0). a64emu follows the Arm ARM (docs/ARCHITECTURE.md).
describe('EL0 PMU accesses allowed by PMUSERENR_EL0.SW/CR/ER still trap by MDCR_ELx.TPM (Arm ARM)', () => {
  const msrTrap = (el: number, op0: number, op1: number, crn: number, crm: number, op2: number): bigint =>
    trapped(el, op0, op1, crn, crm, op2) - 1n; // Direction 0: MSR
  for (const [mdcr, to] of [['MDCR_EL2=0x46', 2], ['MDCR_EL3=0x40', 3]] as const) {
    it(`${mdcr} (TPM): to EL${to}`, async () => {
      // PMUSERENR_EL0: SW, CR, ER set, EN clear. MDCR_EL2 keeps HPMN = 6.
      const e = await sweepA64emu('max', { ...MODE, set: parseSet(`PMUSERENR_EL0=0xe,${mdcr}`, 'max', 3, true) });
      for (const phase of ['EL0', 'EL0-S']) {
        if (phase === 'EL0-S' && to === 2) continue; // EL2 is not enabled in Secure state
        expect(outcome(e.data, phase, 'PMEVCNTR0_EL0').mrs.toString(16)).toBe(trapped(to, 3, 3, 14, 8, 0).toString(16));
        expect(outcome(e.data, phase, 'PMXEVCNTR_EL0').mrs.toString(16)).toBe(trapped(to, 3, 3, 9, 13, 2).toString(16));
        expect(outcome(e.data, phase, 'PMCCNTR_EL0').mrs.toString(16)).toBe(trapped(to, 3, 3, 9, 13, 0).toString(16));
        expect(outcome(e.data, phase, 'PMSELR_EL0').mrs.toString(16)).toBe(trapped(to, 3, 3, 9, 12, 5).toString(16));
        expect(outcome(e.data, phase, 'PMSWINC_EL0').msr.toString(16)).toBe(msrTrap(to, 3, 3, 9, 12, 4).toString(16));
        // PMCR_EL0 needs EN: PMUSERENR_EL0 traps it to EL1 first.
        expect(outcome(e.data, phase, 'PMCR_EL0').mrs.toString(16)).toBe(trapped(1, 3, 3, 9, 12, 0).toString(16));
      }
    }, 60_000);
  }
});
