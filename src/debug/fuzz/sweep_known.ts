// What the sweep (sweep.ts) does not count as a mismatch: MASKS, bits of a value read that
// legitimately differ between two runs, and ALLOWED, known differences between a64emu and
// QEMU 7.2, each with its reason. Registers a64emu has no row for are named by encoding
// (S<op0>_<op1>_C<n>_C<m>_<op2>), with the Arm ARM name in the reason.
// tests/fuzz/sysreg-sweep.test.ts fails when an entry of either table matches nothing.

import { DEBUG_NOT_IN_QEMU } from '../../sysregs/debug.js';
import { ID_REGS_OURS } from '../../sysregs/id.js';

/** Bits of an MRS value (sys space: PAR_EL1 after the operation) not compared, per name. */
export interface Mask {
  /** The space (default sysreg). */
  readonly space?: 'sysreg' | 'sys' | 'pstate';
  /** A name of the sweep's space (MASKS apply by name: the spaces' names do not overlap). */
  readonly reg: string;
  readonly bits: bigint;
  readonly reason: string;
  /**
   * A register a64emu does not implement (an ALLOWED difference): the mask serves only the
   * live test's check that QEMU's outcomes are still the recorded ones.
   */
  readonly qemuOnly?: boolean;
  /** Needed only by a sweep with trap controls set (`--set`, tests/sysregs/sweep-traps/). */
  readonly setOnly?: boolean;
}

const ALL = (1n << 64n) - 1n;
const COUNTER = "the count: QEMU's follows the host clock, a64emu's the instruction count (one tick per 16)";
/** A TVAL write sets CVAL = count + TVAL, so writing back the TVAL just read moves CVAL by the ticks between the two. */
const CVAL_AFTER_TVAL = 'CVAL after the sweep wrote back the TVAL just read: the count moved by a different number of ticks on each side';

export const MASKS: readonly Mask[] = [
  { reg: 'CNTPCT_EL0', bits: ALL, reason: COUNTER },
  { reg: 'CNTVCT_EL0', bits: ALL, reason: COUNTER },
  { reg: 'CNTP_TVAL_EL0', bits: ALL, reason: `CVAL - ${COUNTER}` },
  { reg: 'CNTV_TVAL_EL0', bits: ALL, reason: `CVAL - ${COUNTER}` },
  { reg: 'CNTPS_TVAL_EL1', bits: ALL, reason: `CVAL - ${COUNTER}` },
  { reg: 'CNTP_CVAL_EL0', bits: ALL, reason: CVAL_AFTER_TVAL },
  { reg: 'CNTV_CVAL_EL0', bits: ALL, reason: CVAL_AFTER_TVAL },
  { reg: 'CNTPS_CVAL_EL1', bits: ALL, reason: CVAL_AFTER_TVAL },
  { reg: 'CNTHP_TVAL_EL2', bits: ALL, reason: `CVAL - ${COUNTER}` },
  { reg: 'CNTHP_CVAL_EL2', bits: ALL, reason: CVAL_AFTER_TVAL },
  { reg: 'CNTHV_TVAL_EL2', bits: ALL, reason: `CVAL - ${COUNTER}` },
  // FEAT_VHE's views of the EL0 timers (sweep-traps/max-vhe.txt: HCR_EL2.E2H set).
  { reg: 'CNTP_TVAL_EL02', bits: ALL, setOnly: true, reason: `CVAL - ${COUNTER}` },
  { reg: 'CNTV_TVAL_EL02', bits: ALL, setOnly: true, reason: `CVAL - ${COUNTER}` },
  { reg: 'CNTP_CVAL_EL02', bits: ALL, setOnly: true, reason: CVAL_AFTER_TVAL },
  { reg: 'CNTV_CVAL_EL02', bits: ALL, setOnly: true, reason: CVAL_AFTER_TVAL },
  { reg: 'CNTHV_CVAL_EL2', bits: ALL, reason: CVAL_AFTER_TVAL },
  // QEMU only (ALLOWED below): the values QEMU reads differ from run to run.
  { reg: 'S3_3_C2_C4_0', bits: ALL, qemuOnly: true, reason: 'RNDR: a random number' },
  { reg: 'S3_3_C2_C4_1', bits: ALL, qemuOnly: true, reason: 'RNDRRS: a random number' },
  // SYS sweep: PAR_EL1 after each AT (stage 1 off).
  ...[
    'AT_S1E1R', 'AT_S1E1W', 'AT_S1E0R', 'AT_S1E0W', 'AT_S1E1RP', 'AT_S1E1WP', 'AT_S1E2R', 'AT_S1E2W',
    'AT_S12E1R', 'AT_S12E1W', 'AT_S12E0R', 'AT_S12E0W', 'AT_S1E3R', 'AT_S1E3W',
  ].map((reg): Mask => ({
    space: 'sys', reg, bits: 0x180n,
    reason: 'PAR_EL1.SH: a64emu 0b10 for Device memory (MMU off: Arm ARM PAREncodeShareability), QEMU 7.2 0b00',
  })),
];

/** A known difference: MRS or MSR (default both) of `reg` in the given cpus/modes/phases (default all). */
export interface Allowed {
  readonly reg: string | RegExp;
  /** The space (default sysreg: MRS/MSR). */
  readonly space?: 'sysreg' | 'sys' | 'pstate';
  /** MRS, MSR; SYSL, SYS, PAR_EL1; EXEC, PSTATE, SVC (sweep.ts ACCESSES). */
  readonly access?: string;
  readonly cpus?: readonly string[];
  /** Sweep modes: el1, el2, el3, el3+el2. */
  readonly modes?: readonly string[];
  /** Phases: EL0, EL1, EL2, EL3, EL1-S, EL0-S. */
  readonly phases?: readonly string[];
  readonly reason: string;
  /** A short name for reports (default: reg). */
  readonly label?: string;
}

const MAX = ['max'];
const names = (s: Iterable<string>): RegExp => new RegExp(`^(${[...s].join('|')})$`);

export const ALLOWED: readonly Allowed[] = [
  // Deliberate (docs/ARCHITECTURE.md, src/sysregs/id.ts).
  {
    reg: /^(ID_(PFR[0-2]|DFR[01]|AFR0|MMFR[0-5]|ISAR[0-6])_EL1|MVFR[0-2]_EL1)$/, label: 'AArch32 ID registers', access: 'MRS',
    reason: 'AArch32 ID registers read as zero: no AArch32 (as Linux KVM shows them to vCPUs without it)',
  },
  { reg: names(ID_REGS_OURS), label: 'ID_FIELDS registers', access: 'MRS', reason: 'feature fields say what a64emu implements (src/sysregs/id.ts ID_FIELDS)' },
  { reg: 'PMCEID0_EL0', access: 'MRS', reason: 'a64emu lists the events it counts (SW_INCR, INST_RETIRED, CPU_CYCLES); QEMU offers INST_RETIRED only under -icount' },
  { reg: 'PMCEID1_EL0', access: 'MRS', cpus: MAX, reason: "QEMU's max lists events 0x23, 0x24 and 0x3C, which a64emu does not count" },
  {
    reg: /^(S3_4_C3_C0_0|S3_4_C5_C0_1|S3_4_C5_C3_0|S3_4_C4_C3_[0-3]|S2_4_C0_C7_0|S3_6_C1_C1_1)$/,
    reason: 'DACR32_EL2, IFSR32_EL2, FPEXC32_EL2, SPSR_irq/abt/und/fiq, DBGVCR32_EL2, SDER32_EL3: AArch32 state (no AArch32)',
  },
  {
    reg: names(DEBUG_NOT_IN_QEMU),
    label: 'Armv8.0 debug registers',
    reason: 'QEMU 7.2 lacks it; Arm ARM: mandatory in Armv8.0 (D24.3; the Cortex-A57/A72 TRMs list them): OSDTRRX/OSDTRTX/OSECCR_EL1, DBGPRCR_EL1, DBGCLAIMSET/CLR_EL1, DBGAUTHSTATUS_EL1, DBGDTR_EL0, DBGDTRRX/TX_EL0 (src/sysregs/debug.ts)',
  },
  {
    reg: 'MDCCSR_EL0', access: 'MRS',
    reason: "TXfull (bit 29) set by the sweep's own DBGDTR_EL0/DBGDTRTX_EL0 writes of an earlier phase (QEMU 7.2 lacks them); with no external debugger nothing drains DTRTX (Arm ARM D24.3.16)",
  },
  // max: features no issue has asked for yet (their ID fields say they are absent).
  { reg: /^S3_0_C2_C(1_[0-3]|2_[0-3]|3_[01])$/, cpus: MAX, reason: 'AP*KEY*_EL1: no pointer authentication' },
  { reg: /^(S3_[0456]_C1_C2_0)$/, cpus: MAX, reason: 'ZCR_EL1/EL2/EL12/EL3: no SVE' },
  {
    reg: /^(S3_0_C1_C2_[46]|S3_1_C0_C0_6|S3_3_C4_C2_2|S3_3_C13_C0_5|S3_4_C1_C2_[56]|S3_5_C1_C2_6|S3_6_C1_C2_6)$/, cpus: MAX,
    reason: 'SMPRI_EL1, SMCR_EL1/EL2/EL12/EL3, SMIDR_EL1, SVCR, TPIDR2_EL0, SMPRIMAP_EL2: no SME',
  },
  { reg: /^S3_3_C2_C4_[01]$/, cpus: MAX, access: 'MRS', reason: 'RNDR/RNDRRS: no FEAT_RNG' },
  {
    reg: /^[A-Z0-9_]+_EL(12|02)$/, cpus: MAX, modes: ['el2', 'el3+el2'], phases: ['EL2', 'EL3'], label: '*_EL12, *_EL02 with E2H = 0',
    reason: 'FEAT_VHE: UNDEFINED unless HCR_EL2.E2H is 1 (Arm ARM, SCTLR_EL12 etc. accessibility); QEMU 7.2 (el2_e2h_e12_access) ignores E2H and runs them, or traps them as the EL1/EL0 register would be',
  },
  { reg: /^S3_4_C2_C6_[02]$/, cpus: MAX, reason: 'VSTTBR_EL2, VSTCR_EL2: no FEAT_SEL2' },

  // ---- The SYS sweep (space sys: SYSL/SYS of op0 = 1, PAR_EL1 after) ----
  // QEMU 7.2 deviations from the Arm ARM (docs/ARCHITECTURE.md).
  {
    space: 'sys', reg: 'DC_ZVA', access: 'SYS',
    reason: 'with the MMU off (Device memory) DC ZVA is an Alignment fault (Arm ARM C5.3, DC ZVA); QEMU 7.2 zeroes the block',
  },
  {
    space: 'sys', reg: /^AT_S12E[01][RW]$/, access: 'PAR_EL1', modes: ['el3'], phases: ['EL3'],
    reason: 'EL3 without EL2: AT S12E* is AT S1E* (Arm ARM, AT S12E1R: EL2 not implemented); QEMU 7.2 completes it without writing PAR_EL1',
  },
  // max: features a64emu does not implement (its ID registers say so).
  {
    space: 'sys', reg: /^S1_3_C7_C1[23]_1$/, access: 'SYS', cpus: MAX, label: 'DC CVAP, DC CVADP',
    reason: 'no FEAT_DPB, FEAT_DPB2 (ID_AA64ISAR1_EL1.DPB = 0)',
  },
  {
    space: 'sys', reg: /^S1_3_C7_C3_[457]$/, access: 'SYS', cpus: MAX, label: 'CFP, DVP, CPP RCTX',
    reason: 'no FEAT_SPECRES (ID_AA64ISAR1_EL1.SPECRES = 0)',
  },

  // ---- The op0 = 0 sweep (space pstate: MSR (immediate), hints, barriers; PSTATE after) ----
  {
    space: 'pstate', reg: /^S0_3_C4_C([0-9]|1[0-5])_[67]$/, access: 'EXEC', phases: ['EL0', 'EL0-S'], label: 'MSR DAIFSet/DAIFClr at EL0',
    reason: 'trapped by SCTLR_EL1.UMA = 0 (EC 0x18): QEMU 7.2 reports Op1 and Op2 swapped in the ISS (Op1 6/7, Op2 3); a64emu the encoding (Op1 3, Op2 6/7: Arm ARM D17.2.37)',
  },
  {
    space: 'pstate', reg: /^S0_0_C4_C0_[012]$/, cpus: MAX, label: 'CFINV, XAFLAG, AXFLAG',
    reason: 'no FEAT_FlagM, FEAT_FlagM2 (ID_AA64ISAR0_EL1.TS = 0)',
  },
  { space: 'pstate', reg: 'S0_3_C3_C0_7', access: 'EXEC', cpus: MAX, label: 'SB', reason: 'no FEAT_SB (ID_AA64ISAR1_EL1.SB = 0)' },
  {
    space: 'pstate', reg: /^S0_3_C4_C[2-7]_3$/, access: 'EXEC', cpus: MAX, label: 'MSR SVCRSM/SVCRZA/SVCRSMZA (SMSTART, SMSTOP)',
    reason: 'no SME: UNDEFINED; QEMU 7.2 traps them (EC 0x1D) or runs them',
  },
];
