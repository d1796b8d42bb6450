// AArch32 views of the AArch64 System registers: one row per AArch32 register that the Arm
// ARM architecturally maps to (part of) an AArch64 register. a64emu executes no AArch32 code;
// the views exist so that 32-bit KVM register IDs (cp15 32-bit and 64-bit forms, and the VFP
// control registers) resolve to state. Every view is ALIAS: the AArch64 row owns the state.
//
// Facts: the Arm ARM (DDI 0487, chapter G8 "AArch32 System Register Descriptions", and the
// "architecturally mapped" statements of each register), the Cortex-A57 TRM for the
// IMPLEMENTATION DEFINED registers, Linux arch/arm/include/uapi/asm/kvm.h for the KVM IDs.
// Not here: cp14 debug registers (DBG*), registers with no AArch64 mapping (FCSEIDR,
// NSACR, TCMTR, TLBTR, FPSID, MVBAR, PMMIR), the AArch32 EL3 registers that the Arm ARM says
// "can be mapped, but this is not architecturally mandated" (SCR, SDCR, ICC_MCTLR, ICC_MSRE,
// ICC_MGRPEN1), FPSCR (FPCR and FPSR together), CBAR (a different layout from CBAR_EL1),
// CCSIDR2 (FEAT_CCIDX), ERXMISC4-7 (FEAT_RASv1p1), and the cache and TLB maintenance
// operations (instructions, not registers).

import type { Cpu } from '../cpu/cpu.js';
import type { CpuModel } from '../cpu/models.js';
import { Flag, readRaw, sysregByName, writeRaw, type SysregRow } from './table.js';

export interface Aarch32View {
  /** The Arm ARM AArch32 name. */
  readonly name: string;
  /** Another name of the same encoding (PRRR for MAIR0, NMRR for MAIR1). */
  readonly alt?: string;
  /**
   * 15 for cp15 (MRC/MCR, MRRC/MCRR); 10 for the VMRS/VMSR registers, which are
   * MRC/MCR p10 with opc1 7, CRn the VMRS register number, CRm 0, opc2 0.
   */
  readonly coproc: 10 | 15;
  readonly opc1: number;
  /** 0 for 64-bit (MRRC/MCRR) views. */
  readonly crn: number;
  readonly crm: number;
  /** 0 for 64-bit views. */
  readonly opc2: number;
  readonly is64: boolean;
  /** The AArch64 register that owns the state. */
  readonly aarch64: string;
  /** The view is aarch64[lsb + width - 1 : lsb] (width 64 for is64, else 32). */
  readonly lsb: 0 | 32;
  readonly flags: number;
}

const r32 = (name: string, opc1: number, crn: number, crm: number, opc2: number, aarch64: string, lsb: 0 | 32 = 0): Aarch32View => ({
  name, coproc: 15, opc1, crn, crm, opc2, is64: false, aarch64, lsb, flags: Flag.ALIAS,
});
const r64 = (name: string, opc1: number, crm: number, aarch64: string): Aarch32View => ({
  name, coproc: 15, opc1, crn: 0, crm, opc2: 0, is64: true, aarch64, lsb: 0, flags: Flag.ALIAS,
});
/** VMRS/VMSR register `reg` (MRC p10, 7, <Rt>, c<reg>, c0, 0). */
const vmrs = (name: string, reg: number, aarch64: string): Aarch32View => ({
  name, coproc: 10, opc1: 7, crn: reg, crm: 0, opc2: 0, is64: false, aarch64, lsb: 0, flags: Flag.ALIAS,
});
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

export const AARCH32_VIEWS: readonly Aarch32View[] = [
  // ---- identification (CRn 0) ----
  r32('MIDR', 0, 0, 0, 0, 'MIDR_EL1'),
  r32('CTR', 0, 0, 0, 1, 'CTR_EL0'),
  r32('MPIDR', 0, 0, 0, 5, 'MPIDR_EL1'),
  r32('REVIDR', 0, 0, 0, 6, 'REVIDR_EL1'),
  r32('ID_PFR0', 0, 0, 1, 0, 'ID_PFR0_EL1'),
  r32('ID_PFR1', 0, 0, 1, 1, 'ID_PFR1_EL1'),
  r32('ID_DFR0', 0, 0, 1, 2, 'ID_DFR0_EL1'),
  r32('ID_AFR0', 0, 0, 1, 3, 'ID_AFR0_EL1'),
  r32('ID_MMFR0', 0, 0, 1, 4, 'ID_MMFR0_EL1'),
  r32('ID_MMFR1', 0, 0, 1, 5, 'ID_MMFR1_EL1'),
  r32('ID_MMFR2', 0, 0, 1, 6, 'ID_MMFR2_EL1'),
  r32('ID_MMFR3', 0, 0, 1, 7, 'ID_MMFR3_EL1'),
  r32('ID_ISAR0', 0, 0, 2, 0, 'ID_ISAR0_EL1'),
  r32('ID_ISAR1', 0, 0, 2, 1, 'ID_ISAR1_EL1'),
  r32('ID_ISAR2', 0, 0, 2, 2, 'ID_ISAR2_EL1'),
  r32('ID_ISAR3', 0, 0, 2, 3, 'ID_ISAR3_EL1'),
  r32('ID_ISAR4', 0, 0, 2, 4, 'ID_ISAR4_EL1'),
  r32('ID_ISAR5', 0, 0, 2, 5, 'ID_ISAR5_EL1'),
  r32('ID_MMFR4', 0, 0, 2, 6, 'ID_MMFR4_EL1'),
  r32('ID_ISAR6', 0, 0, 2, 7, 'ID_ISAR6_EL1'),
  r32('ID_PFR2', 0, 0, 3, 4, 'ID_PFR2_EL1'),
  r32('ID_DFR1', 0, 0, 3, 5, 'ID_DFR1_EL1'),
  r32('ID_MMFR5', 0, 0, 3, 6, 'ID_MMFR5_EL1'),
  // KVM (arm) carried CCSIDR as a DEMUX register per CSSELR value, not in the cp15 form.
  r32('CCSIDR', 1, 0, 0, 0, 'CCSIDR_EL1'),
  r32('CLIDR', 1, 0, 0, 1, 'CLIDR_EL1'),
  r32('AIDR', 1, 0, 0, 7, 'AIDR_EL1'),
  r32('CSSELR', 2, 0, 0, 0, 'CSSELR_EL1'),
  r32('VPIDR', 4, 0, 0, 0, 'VPIDR_EL2'),
  r32('VMPIDR', 4, 0, 0, 5, 'VMPIDR_EL2'),

  // ---- system control (CRn 1) ----
  r32('SCTLR', 0, 1, 0, 0, 'SCTLR_EL1'),
  r32('ACTLR', 0, 1, 0, 1, 'ACTLR_EL1'),
  r32('CPACR', 0, 1, 0, 2, 'CPACR_EL1'),
  r32('ACTLR2', 0, 1, 0, 3, 'ACTLR_EL1', 32),
  r32('SDER', 0, 1, 1, 1, 'SDER32_EL3'),
  r32('HSCTLR', 4, 1, 0, 0, 'SCTLR_EL2'),
  r32('HACTLR', 4, 1, 0, 1, 'ACTLR_EL2'),
  r32('HACTLR2', 4, 1, 0, 3, 'ACTLR_EL2', 32),
  r32('HCR', 4, 1, 1, 0, 'HCR_EL2'),
  r32('HDCR', 4, 1, 1, 1, 'MDCR_EL2'),
  r32('HCPTR', 4, 1, 1, 2, 'CPTR_EL2'),
  r32('HSTR', 4, 1, 1, 3, 'HSTR_EL2'),
  r32('HCR2', 4, 1, 1, 4, 'HCR_EL2', 32),
  r32('HACR', 4, 1, 1, 7, 'HACR_EL2'),

  // ---- translation tables (CRn 2, 3) ----
  r32('TTBR0', 0, 2, 0, 0, 'TTBR0_EL1'),
  r32('TTBR1', 0, 2, 0, 1, 'TTBR1_EL1'),
  r32('TTBCR', 0, 2, 0, 2, 'TCR_EL1'),
  r32('TTBCR2', 0, 2, 0, 3, 'TCR_EL1', 32),
  r32('HTCR', 4, 2, 0, 2, 'TCR_EL2'),
  r32('VTCR', 4, 2, 1, 2, 'VTCR_EL2'),
  r32('DACR', 0, 3, 0, 0, 'DACR32_EL2'),
  r64('TTBR0', 0, 2, 'TTBR0_EL1'),
  r64('TTBR1', 1, 2, 'TTBR1_EL1'),
  r64('HTTBR', 4, 2, 'TTBR0_EL2'),
  r64('VTTBR', 6, 2, 'VTTBR_EL2'),

  // ---- faults (CRn 5, 6), RAS error records ----
  r32('DFSR', 0, 5, 0, 0, 'ESR_EL1'),
  r32('IFSR', 0, 5, 0, 1, 'IFSR32_EL2'),
  r32('ADFSR', 0, 5, 1, 0, 'AFSR0_EL1'),
  r32('AIFSR', 0, 5, 1, 1, 'AFSR1_EL1'),
  r32('HADFSR', 4, 5, 1, 0, 'AFSR0_EL2'),
  r32('HAIFSR', 4, 5, 1, 1, 'AFSR1_EL2'),
  r32('HSR', 4, 5, 2, 0, 'ESR_EL2'),
  r32('VDFSR', 4, 5, 2, 3, 'VSESR_EL2'),
  r32('ERRIDR', 0, 5, 3, 0, 'ERRIDR_EL1'),
  r32('ERRSELR', 0, 5, 3, 1, 'ERRSELR_EL1'),
  r32('ERXFR', 0, 5, 4, 0, 'ERXFR_EL1'),
  r32('ERXCTLR', 0, 5, 4, 1, 'ERXCTLR_EL1'),
  r32('ERXSTATUS', 0, 5, 4, 2, 'ERXSTATUS_EL1'),
  r32('ERXADDR', 0, 5, 4, 3, 'ERXADDR_EL1'),
  r32('ERXFR2', 0, 5, 4, 4, 'ERXFR_EL1', 32),
  r32('ERXCTLR2', 0, 5, 4, 5, 'ERXCTLR_EL1', 32),
  r32('ERXADDR2', 0, 5, 4, 7, 'ERXADDR_EL1', 32),
  r32('ERXMISC0', 0, 5, 5, 0, 'ERXMISC0_EL1'),
  r32('ERXMISC1', 0, 5, 5, 1, 'ERXMISC0_EL1', 32),
  r32('ERXMISC2', 0, 5, 5, 4, 'ERXMISC1_EL1'),
  r32('ERXMISC3', 0, 5, 5, 5, 'ERXMISC1_EL1', 32),
  r32('DFAR', 0, 6, 0, 0, 'FAR_EL1'),
  r32('IFAR', 0, 6, 0, 2, 'FAR_EL1', 32),
  r32('HDFAR', 4, 6, 0, 0, 'FAR_EL2'),
  r32('HIFAR', 4, 6, 0, 2, 'FAR_EL2', 32),
  r32('HPFAR', 4, 6, 0, 4, 'HPFAR_EL2'),

  // ---- address translation result (CRn 7) ----
  r32('PAR', 0, 7, 4, 0, 'PAR_EL1'),
  r64('PAR', 0, 7, 'PAR_EL1'),

  // ---- performance monitors (CRn 9, and CRn 14 for the event counters) ----
  r32('PMCR', 0, 9, 12, 0, 'PMCR_EL0'),
  r32('PMCNTENSET', 0, 9, 12, 1, 'PMCNTENSET_EL0'),
  r32('PMCNTENCLR', 0, 9, 12, 2, 'PMCNTENCLR_EL0'),
  r32('PMOVSR', 0, 9, 12, 3, 'PMOVSCLR_EL0'),
  r32('PMSWINC', 0, 9, 12, 4, 'PMSWINC_EL0'),
  r32('PMSELR', 0, 9, 12, 5, 'PMSELR_EL0'),
  r32('PMCEID0', 0, 9, 12, 6, 'PMCEID0_EL0'),
  r32('PMCEID1', 0, 9, 12, 7, 'PMCEID1_EL0'),
  r32('PMCCNTR', 0, 9, 13, 0, 'PMCCNTR_EL0'),
  r32('PMXEVTYPER', 0, 9, 13, 1, 'PMXEVTYPER_EL0'),
  r32('PMXEVCNTR', 0, 9, 13, 2, 'PMXEVCNTR_EL0'),
  r32('PMUSERENR', 0, 9, 14, 0, 'PMUSERENR_EL0'),
  r32('PMINTENSET', 0, 9, 14, 1, 'PMINTENSET_EL1'),
  r32('PMINTENCLR', 0, 9, 14, 2, 'PMINTENCLR_EL1'),
  r32('PMOVSSET', 0, 9, 14, 3, 'PMOVSSET_EL0'),
  r32('PMCEID2', 0, 9, 14, 4, 'PMCEID0_EL0', 32),
  r32('PMCEID3', 0, 9, 14, 5, 'PMCEID1_EL0', 32),
  r64('PMCCNTR', 0, 9, 'PMCCNTR_EL0'),
  // PMEVCNTR<n>: CRm 0b10:n[4:3], opc2 n[2:0]; PMEVTYPER<n>: CRm 0b11:n[4:3] (n = 0..30).
  ...range(31).map((n) => r32(`PMEVCNTR${n}`, 0, 14, 8 | (n >> 3), n & 7, `PMEVCNTR${n}_EL0`)),
  ...range(31).map((n) => r32(`PMEVTYPER${n}`, 0, 14, 12 | (n >> 3), n & 7, `PMEVTYPER${n}_EL0`)),
  r32('PMCCFILTR', 0, 14, 15, 7, 'PMCCFILTR_EL0'),

  // ---- memory attributes (CRn 10): MAIR0/1 are PRRR/NMRR with the Short-descriptor format ----
  { ...r32('MAIR0', 0, 10, 2, 0, 'MAIR_EL1'), alt: 'PRRR' },
  { ...r32('MAIR1', 0, 10, 2, 1, 'MAIR_EL1', 32), alt: 'NMRR' },
  r32('AMAIR0', 0, 10, 3, 0, 'AMAIR_EL1'),
  r32('AMAIR1', 0, 10, 3, 1, 'AMAIR_EL1', 32),
  r32('HMAIR0', 4, 10, 2, 0, 'MAIR_EL2'),
  r32('HMAIR1', 4, 10, 2, 1, 'MAIR_EL2', 32),
  r32('HAMAIR0', 4, 10, 3, 0, 'AMAIR_EL2'),
  r32('HAMAIR1', 4, 10, 3, 1, 'AMAIR_EL2', 32),

  // ---- vectors, interrupt status, GICv3 CPU interface (CRn 12; CRm 12 for the SGI registers) ----
  r32('VBAR', 0, 12, 0, 0, 'VBAR_EL1'),
  r32('ISR', 0, 12, 1, 0, 'ISR_EL1'),
  r32('DISR', 0, 12, 1, 1, 'DISR_EL1'),
  r32('HVBAR', 4, 12, 0, 0, 'VBAR_EL2'),
  r32('VDISR', 4, 12, 1, 1, 'VDISR_EL2'),
  r32('ICC_PMR', 0, 4, 6, 0, 'ICC_PMR_EL1'),
  r32('ICC_IAR0', 0, 12, 8, 0, 'ICC_IAR0_EL1'),
  r32('ICC_EOIR0', 0, 12, 8, 1, 'ICC_EOIR0_EL1'),
  r32('ICC_HPPIR0', 0, 12, 8, 2, 'ICC_HPPIR0_EL1'),
  r32('ICC_BPR0', 0, 12, 8, 3, 'ICC_BPR0_EL1'),
  ...range(4).map((n) => r32(`ICC_AP0R${n}`, 0, 12, 8, 4 + n, `ICC_AP0R${n}_EL1`)),
  ...range(4).map((n) => r32(`ICC_AP1R${n}`, 0, 12, 9, n, `ICC_AP1R${n}_EL1`)),
  r32('ICC_DIR', 0, 12, 11, 1, 'ICC_DIR_EL1'),
  r32('ICC_RPR', 0, 12, 11, 3, 'ICC_RPR_EL1'),
  r32('ICC_IAR1', 0, 12, 12, 0, 'ICC_IAR1_EL1'),
  r32('ICC_EOIR1', 0, 12, 12, 1, 'ICC_EOIR1_EL1'),
  r32('ICC_HPPIR1', 0, 12, 12, 2, 'ICC_HPPIR1_EL1'),
  r32('ICC_BPR1', 0, 12, 12, 3, 'ICC_BPR1_EL1'),
  r32('ICC_CTLR', 0, 12, 12, 4, 'ICC_CTLR_EL1'),
  r32('ICC_SRE', 0, 12, 12, 5, 'ICC_SRE_EL1'),
  r32('ICC_IGRPEN0', 0, 12, 12, 6, 'ICC_IGRPEN0_EL1'),
  r32('ICC_IGRPEN1', 0, 12, 12, 7, 'ICC_IGRPEN1_EL1'),
  r32('ICC_HSRE', 4, 12, 9, 5, 'ICC_SRE_EL2'),
  r64('ICC_SGI1R', 0, 12, 'ICC_SGI1R_EL1'),
  r64('ICC_ASGI1R', 1, 12, 'ICC_ASGI1R_EL1'),
  r64('ICC_SGI0R', 2, 12, 'ICC_SGI0R_EL1'),
  ...range(4).map((n) => r32(`ICH_AP0R${n}`, 4, 12, 8, n, `ICH_AP0R${n}_EL2`)),
  ...range(4).map((n) => r32(`ICH_AP1R${n}`, 4, 12, 9, n, `ICH_AP1R${n}_EL2`)),
  r32('ICH_HCR', 4, 12, 11, 0, 'ICH_HCR_EL2'),
  r32('ICH_VTR', 4, 12, 11, 1, 'ICH_VTR_EL2'),
  r32('ICH_MISR', 4, 12, 11, 2, 'ICH_MISR_EL2'),
  r32('ICH_EISR', 4, 12, 11, 3, 'ICH_EISR_EL2'),
  r32('ICH_ELRSR', 4, 12, 11, 5, 'ICH_ELRSR_EL2'),
  r32('ICH_VMCR', 4, 12, 11, 7, 'ICH_VMCR_EL2'),
  // ICH_LR<n> is ICH_LR<n>_EL2[31:0] (CRm 12 + n[3], opc2 n[2:0]); ICH_LRC<n> its [63:32] (CRm 14 + n[3]).
  ...range(16).map((n) => r32(`ICH_LR${n}`, 4, 12, 12 | (n >> 3), n & 7, `ICH_LR${n}_EL2`)),
  ...range(16).map((n) => r32(`ICH_LRC${n}`, 4, 12, 14 | (n >> 3), n & 7, `ICH_LR${n}_EL2`, 32)),

  // ---- context and thread ID (CRn 13) ----
  r32('CONTEXTIDR', 0, 13, 0, 1, 'CONTEXTIDR_EL1'),
  r32('TPIDRURW', 0, 13, 0, 2, 'TPIDR_EL0'),
  r32('TPIDRURO', 0, 13, 0, 3, 'TPIDRRO_EL0'),
  r32('TPIDRPRW', 0, 13, 0, 4, 'TPIDR_EL1'),
  r32('HTPIDR', 4, 13, 0, 2, 'TPIDR_EL2'),

  // ---- generic timer (CRn 14) ----
  r32('CNTFRQ', 0, 14, 0, 0, 'CNTFRQ_EL0'),
  r32('CNTKCTL', 0, 14, 1, 0, 'CNTKCTL_EL1'),
  r32('CNTP_TVAL', 0, 14, 2, 0, 'CNTP_TVAL_EL0'),
  r32('CNTP_CTL', 0, 14, 2, 1, 'CNTP_CTL_EL0'),
  r32('CNTV_TVAL', 0, 14, 3, 0, 'CNTV_TVAL_EL0'),
  r32('CNTV_CTL', 0, 14, 3, 1, 'CNTV_CTL_EL0'),
  r32('CNTHCTL', 4, 14, 1, 0, 'CNTHCTL_EL2'),
  r32('CNTHP_TVAL', 4, 14, 2, 0, 'CNTHP_TVAL_EL2'),
  r32('CNTHP_CTL', 4, 14, 2, 1, 'CNTHP_CTL_EL2'),
  r64('CNTPCT', 0, 14, 'CNTPCT_EL0'),
  r64('CNTVCT', 1, 14, 'CNTVCT_EL0'),
  r64('CNTP_CVAL', 2, 14, 'CNTP_CVAL_EL0'),
  r64('CNTV_CVAL', 3, 14, 'CNTV_CVAL_EL0'),
  r64('CNTVOFF', 4, 14, 'CNTVOFF_EL2'),
  r64('CNTHP_CVAL', 6, 14, 'CNTHP_CVAL_EL2'),

  // ---- Cortex-A57/A72 IMPLEMENTATION DEFINED (Cortex-A57 TRM, "AArch32 register summary") ----
  r32('L2CTLR', 1, 9, 0, 2, 'L2CTLR_EL1'),
  r32('L2ECTLR', 1, 9, 0, 3, 'L2ECTLR_EL1'),
  r32('L2ACTLR', 1, 15, 0, 0, 'L2ACTLR_EL1'),
  r64('CPUACTLR', 0, 15, 'CPUACTLR_EL1'),
  r64('CPUECTLR', 1, 15, 'CPUECTLR_EL1'),
  r64('CPUMERRSR', 2, 15, 'CPUMERRSR_EL1'),
  r64('L2MERRSR', 3, 15, 'L2MERRSR_EL1'),

  // ---- VFP system registers (VMRS/VMSR, not cp15) ----
  vmrs('MVFR2', 5, 'MVFR2_EL1'),
  vmrs('MVFR1', 6, 'MVFR1_EL1'),
  vmrs('MVFR0', 7, 'MVFR0_EL1'),
  vmrs('FPEXC', 8, 'FPEXC32_EL2'),
];

const coordKey = (coproc: number, opc1: number, crn: number, crm: number, opc2: number, is64: boolean): string =>
  `${coproc}:${opc1}:${crn}:${crm}:${opc2}:${is64 ? 64 : 32}`;

const BY_COORD = new Map<string, Aarch32View>();
const BY_NAME = new Map<string, Aarch32View[]>();
for (const v of AARCH32_VIEWS) {
  const key = coordKey(v.coproc, v.opc1, v.crn, v.crm, v.opc2, v.is64);
  if (BY_COORD.has(key)) throw new Error(`aarch32 views: ${v.name} has the coordinates of ${BY_COORD.get(key)!.name}`);
  BY_COORD.set(key, v);
  for (const n of v.alt === undefined ? [v.name] : [v.name, v.alt]) BY_NAME.set(n, [...(BY_NAME.get(n) ?? []), v]);
}

/**
 * The view at MRC/MCR <coproc>, <opc1>, <CRn>, <CRm>, <opc2> (is64 false) or MRRC/MCRR
 * <coproc>, <opc1>, <CRm> (is64 true; pass CRn and opc2 as 0).
 */
export const findCp15 = (coproc: number, opc1: number, crn: number, crm: number, opc2: number, is64: boolean): Aarch32View | undefined =>
  BY_COORD.get(coordKey(coproc, opc1, crn, crm, opc2, is64));

/**
 * The view named `name` (Arm ARM AArch32 name, or PRRR/NMRR). TTBR0, TTBR1, PAR and PMCCNTR
 * have a 32-bit and a 64-bit form: `width` picks one (default: the 32-bit form).
 */
export function aarch32View(name: string, width: 32 | 64 = 32): Aarch32View | undefined {
  const views = BY_NAME.get(name);
  if (views === undefined) return undefined;
  return views.find((v) => v.is64 === (width === 64)) ?? (views.length === 1 ? views[0] : undefined);
}

// The ARM (32-bit) KVM register ID layout (Linux arch/arm/include/uapi/asm/kvm.h, and
// Documentation/virt/kvm/api.rst "ARM registers").
const KVM_REG_ARM = 0x4000000000000000n;
const KVM_REG_SIZE_U32 = 0x0020000000000000n;
const KVM_REG_SIZE_U64 = 0x0030000000000000n;
const KVM_REG_ARM_COPROC_SHIFT = 16n;
const KVM_REG_ARM_32_CRN_SHIFT = 11n;
const KVM_REG_ARM_CRM_SHIFT = 7n;
const KVM_REG_ARM_OPC1_SHIFT = 3n;
const KVM_REG_ARM_32_OPC2_SHIFT = 0n;
/** KVM_REG_ARM_VFP: the VFP control registers, 0x1000 + the VMRS register number. */
const KVM_REG_ARM_VFP = 0x12n;
const KVM_REG_ARM_VFP_CONTROL = 0x1000n;

/**
 * The KVM (arm) register ID of a view: cp15 32-bit registers 0x4020_0000_000F_<CRn:4 CRm:4
 * Opc1:4 Opc2:3>, 64-bit registers 0x4030_0000_000F_<CRm:4 Opc1:4 000>, VFP control
 * registers 0x4020_0000_0012_1<reg> (KVM_REG_ARM_VFP_MVFR0 = 0x1007; the header names no
 * MVFR2, whose ID follows the same rule).
 */
export function aarch32KvmId(v: Aarch32View): bigint {
  if (v.coproc === 10) return KVM_REG_ARM | KVM_REG_SIZE_U32 | (KVM_REG_ARM_VFP << KVM_REG_ARM_COPROC_SHIFT) | KVM_REG_ARM_VFP_CONTROL | BigInt(v.crn);
  const common = KVM_REG_ARM | (BigInt(v.coproc) << KVM_REG_ARM_COPROC_SHIFT) | (BigInt(v.crm) << KVM_REG_ARM_CRM_SHIFT) | (BigInt(v.opc1) << KVM_REG_ARM_OPC1_SHIFT);
  if (v.is64) return common | KVM_REG_SIZE_U64;
  return common | KVM_REG_SIZE_U32 | (BigInt(v.crn) << KVM_REG_ARM_32_CRN_SHIFT) | (BigInt(v.opc2) << KVM_REG_ARM_32_OPC2_SHIFT);
}

const BY_KVM_ID = new Map<bigint, Aarch32View>(AARCH32_VIEWS.map((v) => [aarch32KvmId(v), v]));

/** The view whose KVM (arm) register ID is `id`. */
export const aarch32ViewByKvmId = (id: bigint): Aarch32View | undefined => BY_KVM_ID.get(id);

/** The AArch64 row that owns a view's state on `model`; undefined while the table lacks it. */
export const viewRow = (model: CpuModel, v: Aarch32View): SysregRow | undefined => sysregByName(model, v.aarch64);

const viewMask = (v: Aarch32View): bigint => (v.is64 ? 0xffffffffffffffffn : 0xffffffffn);

/**
 * A view's raw value: its bits of the AArch64 register's raw value (readRaw: no side
 * effects, no access checks). undefined when the view is not backed: the table has no row
 * for the AArch64 register yet (or not on this model), or the row has no raw state (NO_RAW).
 */
export function readView(cpu: Cpu, v: Aarch32View): bigint | undefined {
  const row = viewRow(cpu.model, v);
  if (row === undefined) return undefined;
  const raw = readRaw(cpu, row);
  return raw === undefined ? undefined : (raw >> BigInt(v.lsb)) & viewMask(v);
}

/**
 * Writes a view's raw value into its bits of the AArch64 register (the other bits keep
 * their value). False when the view is not backed or the row refuses the value (writeRaw).
 */
export function writeView(cpu: Cpu, v: Aarch32View, value: bigint): boolean {
  const row = viewRow(cpu.model, v);
  if (row === undefined) return false;
  const raw = readRaw(cpu, row);
  if (raw === undefined) return false;
  const m = viewMask(v) << BigInt(v.lsb);
  return writeRaw(cpu, row, (raw & ~m) | ((value & viewMask(v)) << BigInt(v.lsb)));
}
