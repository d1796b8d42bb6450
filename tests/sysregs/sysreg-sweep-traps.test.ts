// The MRS/MSR sweep with trap controls set (`a64emu sweep --set`): every MRS and MSR encoding
// at EL3, EL2, EL1, EL0 and Secure EL1/EL0 of max (--el 3 --virtualization) after the driver
// has written HCR_EL2, MDCR_EL2/EL3, CPTR_EL2/EL3, SCR_EL3, PMUSERENR_EL0, CNTKCTL_EL1 and
// SCTLR_EL1 trap bits. Every expected outcome (value, or ESR and target EL) is QEMU 7.2's,
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

interface TrapSweep {
  readonly file: string;
  readonly set: string;
  /** Outcomes the settings must produce (so that a --set that did nothing fails): phase, access, name, status. */
  readonly shows: readonly [phase: string, name: string, status: bigint][];
}

/** An MRS trapped with EC 0x18 to `el`: ESR (IL 1) | el << 56; ISS from the encoding (Arm ARM D17.2.37). */
const trapped = (el: number, op0: number, op1: number, crn: number, crm: number, op2: number): bigint =>
  (BigInt(el) << 56n) | (0x18n << 26n) | (1n << 25n) |
  BigInt((op0 << 20) | (op2 << 17) | (op1 << 14) | (crn << 10) | (1 << 5) /* Rt = 1 */ | (crm << 1) | 1);

const SWEEPS: readonly TrapSweep[] = [
  {
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
];

const MODE: SweepMode = { el: 3, el2: true };

describe('MRS/MSR sweep with trap controls set: a64emu against QEMU 7.2 recordings', () => {
  for (const s of SWEEPS) {
    it(`max --el 3 --virtualization --set ${s.set}: every outcome is QEMU's, or a listed reason`, async () => {
      const text = readFileSync(new URL(`sweep-traps/${s.file}`, import.meta.url), 'utf8');
      // The recording was made with these settings.
      expect(text.split('\n')[0]).toContain(`--set ${s.set}`);
      const phases = phasesOf(MODE);
      const q = parseRecording(text, phases);
      const e = await sweepA64emu('max', { ...MODE, set: parseSet(s.set, 'max', 3, true) });
      const c = compareSweep('max', MODE, e.phases, q, e.data);
      expect(c.mismatches.map((m) => `${m.phase} ${m.access} ${m.name}: QEMU ${m.qemu}, a64emu ${m.a64emu}`)).toEqual([]);
      for (const [phase, name, status] of s.shows) {
        const k = phases.findIndex((p) => phaseName(p) === phase);
        const i = Array.from({ length: ENCODINGS }, (_, j) => j).find((j) => encodingName(j) === name);
        expect(i, name).toBeDefined();
        expect(outcomeAt(e.data, k, i!).mrs.toString(16), `${phase} MRS ${name}`).toBe(status.toString(16));
      }
    }, 120_000);
  }
});
