// Identification registers (Arm ARM D17.2, "General system control registers": MIDR_EL1,
// the ID_* and ID_AA64* feature registers, cache identification) and the Cortex-A57/A72
// IMPLEMENTATION DEFINED registers QEMU gives its models.
//
// Values: QEMU 7.2's for the model (CpuModel.qemuId), except that every feature field says
// exactly what a64emu implements: ID_FIELDS below, one row per field we decide ourselves,
// with the reason. Fields not listed keep QEMU's value (identification, cache geometry, and
// the MMU fields PARange/ASIDBits/TGran*, which the MMU issue implements as QEMU reports them).

import type { Cpu } from '../cpu/cpu.js';
import type { CpuModel, Features } from '../cpu/models.js';
import { Slot } from '../cpu/state.js';
import { EL0_RO, EL1_RO, EL1_RW, Flag, genericName, Hcr, type RowSpec } from './row.js';
import { el2Enabled } from './access.js';
import { HcrEl2 } from './bits.js';
import { e2hTge, el0Sctlr } from './vhe.js';

/** One ID register field whose value a64emu decides rather than QEMU. */
export interface IdField {
  readonly reg: string;
  /** The Arm ARM field name, or '*' for the whole register. */
  readonly field: string;
  readonly lsb: number;
  readonly width: number;
  /** Our value (0 when `when` names a feature the model lacks)... */
  readonly value?: number;
  readonly when?: keyof Features;
  /** ...or QEMU's value, capped at this (a function: per the model's features). */
  readonly cap?: number | ((f: Features) => number);
  readonly why: string;
}

const NO_AARCH32 =
  'no AArch32: the AArch32 ID registers are UNKNOWN (Arm ARM); they read as zero, as Linux KVM makes them for vCPUs without AArch32';
const NO_FP = 'no FP/AdvSIMD yet (issue 8)';
const NO_PAUTH = 'no pointer authentication';
const AARCH32_ID = [
  'ID_PFR0_EL1', 'ID_PFR1_EL1', 'ID_PFR2_EL1', 'ID_DFR0_EL1', 'ID_DFR1_EL1', 'ID_AFR0_EL1',
  'ID_MMFR0_EL1', 'ID_MMFR1_EL1', 'ID_MMFR2_EL1', 'ID_MMFR3_EL1', 'ID_MMFR4_EL1', 'ID_MMFR5_EL1',
  'ID_ISAR0_EL1', 'ID_ISAR1_EL1', 'ID_ISAR2_EL1', 'ID_ISAR3_EL1', 'ID_ISAR4_EL1', 'ID_ISAR5_EL1', 'ID_ISAR6_EL1',
  'MVFR0_EL1', 'MVFR1_EL1', 'MVFR2_EL1',
];

/** The fields a64emu decides (field positions: Arm ARM D17.2, the register pages). */
export const ID_FIELDS: readonly IdField[] = [
  ...AARCH32_ID.map((reg): IdField => ({ reg, field: '*', lsb: 0, width: 64, value: 0, why: NO_AARCH32 })),

  { reg: 'ID_AA64PFR0_EL1', field: 'EL0', lsb: 0, width: 4, value: 1, why: 'EL0 is AArch64 only (no AArch32)' },
  { reg: 'ID_AA64PFR0_EL1', field: 'EL1', lsb: 4, width: 4, value: 1, why: 'EL1 is AArch64 only (no AArch32)' },
  { reg: 'ID_AA64PFR0_EL1', field: 'EL2', lsb: 8, width: 4, value: 1, when: 'EL2', why: 'EL2 only when the model has it; AArch64 only' },
  { reg: 'ID_AA64PFR0_EL1', field: 'EL3', lsb: 12, width: 4, value: 1, when: 'EL3', why: 'EL3 only when the model has it; AArch64 only' },
  { reg: 'ID_AA64PFR0_EL1', field: 'FP', lsb: 16, width: 4, value: 1, when: 'FP16', why: 'FP: 1 with FEAT_FP16 (max), 0 without (Cortex-A57/A72), as QEMU 7.2' },
  {
    reg: 'ID_AA64PFR0_EL1', field: 'AdvSIMD', lsb: 20, width: 4, value: 1, when: 'FP16',
    why: 'AdvSIMD: the same value as FP, as the Arm ARM requires (the SIMD rows implement half-precision vectors with FEAT_FP16)',
  },
  {
    reg: 'ID_AA64PFR0_EL1', field: 'RAS', lsb: 28, width: 4, cap: 1, when: 'RAS',
    why: 'FEAT_RAS (sysregs/ras.ts) on max only; QEMU 7.2 reports 2 (FEAT_RASv1p1, with EL3 FEAT_DoubleFault), whose SCR_EL3.EASE/NMEA are not implemented',
  },
  { reg: 'ID_AA64PFR0_EL1', field: 'SVE', lsb: 32, width: 4, value: 0, why: 'no SVE' },
  { reg: 'ID_AA64PFR0_EL1', field: 'SEL2', lsb: 36, width: 4, value: 0, why: 'no Secure EL2' },
  { reg: 'ID_AA64PFR0_EL1', field: 'DIT', lsb: 48, width: 4, value: 1, when: 'DIT', why: 'FEAT_DIT (PSTATE.DIT)' },
  { reg: 'ID_AA64PFR0_EL1', field: 'CSV2', lsb: 56, width: 4, value: 2, when: 'SCXTNUM', why: 'FEAT_CSV2_2: the SCXTNUM_ELx registers' },
  { reg: 'ID_AA64PFR1_EL1', field: 'BT', lsb: 0, width: 4, value: 0, why: 'no BTI' },
  { reg: 'ID_AA64PFR1_EL1', field: 'SSBS', lsb: 4, width: 4, value: 2, when: 'SSBS', why: 'FEAT_SSBS2: PSTATE.SSBS, MSR (immediate) and MRS/MSR SSBS' },
  { reg: 'ID_AA64PFR1_EL1', field: 'SME', lsb: 24, width: 4, value: 0, why: 'no SME' },
  { reg: 'ID_AA64ZFR0_EL1', field: '*', lsb: 0, width: 64, value: 0, why: 'no SVE' },
  { reg: 'ID_AA64SMFR0_EL1', field: '*', lsb: 0, width: 64, value: 0, why: 'no SME' },

  { reg: 'ID_AA64ISAR0_EL1', field: 'AES', lsb: 4, width: 4, cap: (f) => (f.PMULL ? 2 : f.AES ? 1 : 0), why: 'FEAT_AES, FEAT_PMULL (insns/simd_crypto.ts, simd_3diff.ts)' },
  { reg: 'ID_AA64ISAR0_EL1', field: 'SHA1', lsb: 8, width: 4, cap: (f) => (f.SHA1 ? 1 : 0), why: 'FEAT_SHA1 (insns/simd_crypto.ts)' },
  { reg: 'ID_AA64ISAR0_EL1', field: 'SHA2', lsb: 12, width: 4, cap: (f) => (f.SHA512 ? 2 : f.SHA256 ? 1 : 0), why: 'FEAT_SHA256, FEAT_SHA512 (insns/simd_crypto.ts)' },
  { reg: 'ID_AA64ISAR0_EL1', field: 'CRC32', lsb: 16, width: 4, value: 1, when: 'CRC32', why: 'FEAT_CRC32' },
  { reg: 'ID_AA64ISAR0_EL1', field: 'Atomic', lsb: 20, width: 4, value: 2, when: 'LSE', why: 'FEAT_LSE' },
  { reg: 'ID_AA64ISAR0_EL1', field: 'RDM', lsb: 28, width: 4, value: 1, when: 'RDM', why: 'FEAT_RDM (SQRDMLAH/SQRDMLSH)' },
  { reg: 'ID_AA64ISAR0_EL1', field: 'SHA3', lsb: 32, width: 4, value: 1, when: 'SHA3', why: 'FEAT_SHA3 (EOR3, RAX1, XAR, BCAX)' },
  { reg: 'ID_AA64ISAR0_EL1', field: 'SM3', lsb: 36, width: 4, value: 0, why: 'no SM3 instructions (not part of issue 8)' },
  { reg: 'ID_AA64ISAR0_EL1', field: 'SM4', lsb: 40, width: 4, value: 0, why: 'no SM4 instructions (not part of issue 8)' },
  { reg: 'ID_AA64ISAR0_EL1', field: 'DP', lsb: 44, width: 4, value: 1, when: 'DOTPROD', why: 'FEAT_DotProd (SDOT/UDOT)' },
  { reg: 'ID_AA64ISAR0_EL1', field: 'FHM', lsb: 48, width: 4, value: 1, when: 'FHM', why: 'FEAT_FHM (FMLAL/FMLSL(2), insns/simd_fhm.ts)' },
  { reg: 'ID_AA64ISAR0_EL1', field: 'TS', lsb: 52, width: 4, value: 0, why: 'no CFINV/RMIF/SETF (flag manipulation)' },
  {
    reg: 'ID_AA64ISAR0_EL1', field: 'TLB', lsb: 56, width: 4, cap: (f) => (f.TLBIRANGE ? 2 : f.TLBIOS ? 1 : 0),
    why: 'FEAT_TLBIOS and FEAT_TLBIRANGE (the OS and range TLBI forms, sysregs/tlbi.ts) on max',
  },
  { reg: 'ID_AA64ISAR0_EL1', field: 'RNDR', lsb: 60, width: 4, value: 0, why: 'no RNDR/RNDRRS' },
  { reg: 'ID_AA64ISAR1_EL1', field: 'DPB', lsb: 0, width: 4, value: 0, why: 'no DC CVAP/CVADP' },
  { reg: 'ID_AA64ISAR1_EL1', field: 'APA', lsb: 4, width: 4, value: 0, why: NO_PAUTH },
  { reg: 'ID_AA64ISAR1_EL1', field: 'API', lsb: 8, width: 4, value: 0, why: NO_PAUTH },
  { reg: 'ID_AA64ISAR1_EL1', field: 'JSCVT', lsb: 12, width: 4, value: 1, when: 'JSCVT', why: 'FEAT_JSCVT (FJCVTZS)' },
  { reg: 'ID_AA64ISAR1_EL1', field: 'FCMA', lsb: 16, width: 4, value: 1, when: 'FCMA', why: 'FEAT_FCMA (FCMLA, FCADD vector)' },
  { reg: 'ID_AA64ISAR1_EL1', field: 'LRCPC', lsb: 20, width: 4, value: 1, when: 'LRCPC', why: 'FEAT_LRCPC (LDAPR) only: no LDAPUR/STLUR (FEAT_LRCPC2)' },
  { reg: 'ID_AA64ISAR1_EL1', field: 'GPA', lsb: 24, width: 4, value: 0, why: NO_PAUTH },
  { reg: 'ID_AA64ISAR1_EL1', field: 'GPI', lsb: 28, width: 4, value: 0, why: NO_PAUTH },
  { reg: 'ID_AA64ISAR1_EL1', field: 'FRINTTS', lsb: 32, width: 4, value: 1, when: 'FRINTTS', why: 'FEAT_FRINTTS (FRINT32/64Z/X)' },
  { reg: 'ID_AA64ISAR1_EL1', field: 'SB', lsb: 36, width: 4, value: 0, why: 'no SB instruction' },
  { reg: 'ID_AA64ISAR1_EL1', field: 'SPECRES', lsb: 40, width: 4, value: 0, why: 'no CFP/DVP/CPP RCTX' },
  { reg: 'ID_AA64ISAR1_EL1', field: 'BF16', lsb: 44, width: 4, value: 0, why: NO_FP },
  // DGH (bits [51:48]) stays as QEMU says: the DGH hint executes as a NOP, which FEAT_DGH allows.
  { reg: 'ID_AA64ISAR1_EL1', field: 'I8MM', lsb: 52, width: 4, value: 0, why: NO_FP },

  // ID_AA64MMFR0_EL1: PARange (52 bits on max, FEAT_LPA: CpuModel.paBits), ASIDBits (16) and
  // SNSMem stay as QEMU reports them; the TGran* fields too, but for the 52-bit forms of
  // FEAT_LPA2 (TGran4 = 1, TGran16 = 2, TGran4_2/TGran16_2 = 3 on QEMU's max).
  { reg: 'ID_AA64MMFR0_EL1', field: 'BigEnd', lsb: 8, width: 4, value: 0, why: 'no big-endian data accesses (SCTLR_ELx.EE/E0E)' },
  ...(
    [['TGran16', 20, 2, 1], ['TGran4', 28, 1, 0], ['TGran16_2', 32, 3, 2], ['TGran4_2', 40, 3, 2]] as const
  ).map(([field, lsb, lpa2, v8]): IdField => ({
    reg: 'ID_AA64MMFR0_EL1', field, lsb, width: 4, cap: (f) => (f.LPA2 ? lpa2 : v8),
    why: 'the granule is walked (mmu/walk.ts), with 52-bit addresses only with FEAT_LPA2',
  })),
  {
    reg: 'ID_AA64MMFR1_EL1', field: 'HAFDBS', lsb: 0, width: 4, cap: (f) => (f.HAFDBS ? 2 : 0),
    why: 'hardware Access flag and dirty state updates (FEAT_HAFDBS) when the walker does them',
  },
  { reg: 'ID_AA64MMFR1_EL1', field: 'VMIDBits', lsb: 4, width: 4, cap: (f) => (f.VMID16 ? 2 : 0), why: '16-bit VMIDs (VTCR_EL2.VS) where the walker has them' },
  { reg: 'ID_AA64MMFR1_EL1', field: 'VH', lsb: 8, width: 4, value: 1, when: 'VHE', why: 'FEAT_VHE (HCR_EL2.E2H, sysregs/vhe.ts)' },
  { reg: 'ID_AA64MMFR1_EL1', field: 'HPDS', lsb: 12, width: 4, cap: (f) => (f.HPDS ? 1 : 0), why: 'hierarchical permission disables (FEAT_HPDS) when the walker does them; no FEAT_HPDS2' },
  { reg: 'ID_AA64MMFR1_EL1', field: 'LO', lsb: 16, width: 4, value: 1, when: 'LOR', why: 'FEAT_LOR (no LORegions: LORID_EL1 is 0)' },
  { reg: 'ID_AA64MMFR1_EL1', field: 'PAN', lsb: 20, width: 4, value: 2, when: 'PAN', why: 'FEAT_PAN2: PSTATE.PAN and AT S1E1RP/S1E1WP' },
  { reg: 'ID_AA64MMFR1_EL1', field: 'XNX', lsb: 28, width: 4, cap: (f) => (f.XNX ? 1 : 0), why: 'FEAT_XNX: stage 2 XN[1:0] distinguishes EL0 and EL1 (mmu/stage2.ts)' },
  { reg: 'ID_AA64MMFR1_EL1', field: 'ETS', lsb: 36, width: 4, value: 0, why: 'no FEAT_ETS' },
  { reg: 'ID_AA64MMFR1_EL1', field: 'HCX', lsb: 40, width: 4, value: 1, when: 'HCX', why: 'FEAT_HCX (HCRX_EL2)' },
  { reg: 'ID_AA64MMFR2_EL1', field: 'CnP', lsb: 0, width: 4, value: 0, why: 'no FEAT_TTCNP' },
  { reg: 'ID_AA64MMFR2_EL1', field: 'UAO', lsb: 4, width: 4, value: 1, when: 'UAO', why: 'FEAT_UAO (PSTATE.UAO)' },
  { reg: 'ID_AA64MMFR2_EL1', field: 'IESB', lsb: 12, width: 4, value: 0, why: 'no FEAT_IESB' },
  { reg: 'ID_AA64MMFR2_EL1', field: 'VARange', lsb: 16, width: 4, value: 1, when: 'LVA', why: '52-bit virtual addresses with 64 KiB pages (FEAT_LVA) when the walker has them' },
  { reg: 'ID_AA64MMFR2_EL1', field: 'ST', lsb: 28, width: 4, cap: (f) => (f.TTST ? 1 : 0), why: 'FEAT_TTST: small translation tables where the walker has them' },
  { reg: 'ID_AA64MMFR2_EL1', field: 'IDS', lsb: 36, width: 4, value: 1, when: 'IDST', why: 'FEAT_IDST' },
  { reg: 'ID_AA64MMFR2_EL1', field: 'FWB', lsb: 40, width: 4, value: 0, why: 'no stage 2 yet (FEAT_S2FWB)' },
  { reg: 'ID_AA64MMFR2_EL1', field: 'TTL', lsb: 48, width: 4, value: 1, when: 'TTL', why: 'FEAT_TTL: TLBI takes the level hint and ignores it, which the Arm ARM allows (sysregs/tlbi.ts)' },
  { reg: 'ID_AA64MMFR2_EL1', field: 'BBM', lsb: 52, width: 4, value: 0, why: 'no FEAT_BBM' },
  { reg: 'ID_AA64MMFR2_EL1', field: 'E0PD', lsb: 60, width: 4, value: 0, why: 'no FEAT_E0PD' },

  // ID_AA64DFR0_EL1: BRPs, WRPs and CTX_CMPs stay as QEMU's (debug.ts has that many breakpoints and watchpoints).
  { reg: 'ID_AA64DFR0_EL1', field: 'DebugVer', lsb: 0, width: 4, cap: 6, why: 'Armv8.0 debug, the least the architecture allows: no v8.2/v8.4 debug features' },
  // QEMU 7.2 says 1 on cortex-a57/a72 and 6 (PMUv3p5) on max, as a64emu: PMUv3
  // (sysregs/pmu.ts) and, on max, PMUv3p1 (MDCR_EL2.HPMD; 16-bit event numbers; the PMCEID
  // upper halves, events 0x4000+, all 0), PMUv3p4 (PMMIR_EL1) and PMUv3p5 (64-bit event
  // counters, PMCR_EL0.LP, MDCR_EL2.HLP/HCCD, MDCR_EL3.SCCD).
  {
    reg: 'ID_AA64DFR0_EL1', field: 'PMUVer', lsb: 8, width: 4, cap: (f) => (f.PMUV3P5 ? 6 : 1),
    why: 'PMUv3p5 on max, PMUv3 on the Cortex models',
  },
];

/** ID registers whose value differs from QEMU's on purpose on some model (ID_FIELDS). */
export const ID_REGS_OURS: ReadonlySet<string> = new Set(ID_FIELDS.map((f) => f.reg));

const mask = (width: number): bigint => (width >= 64 ? (1n << 64n) - 1n : (1n << BigInt(width)) - 1n);

/** The value of ID register `reg` on `model`: QEMU's, with ID_FIELDS applied. */
export function idValue(model: CpuModel, reg: string): bigint {
  const exact = model.idExact?.[reg];
  if (exact !== undefined) return exact;
  const qemu = model.qemuId[reg];
  if (qemu === undefined) throw new Error(`no QEMU value of ${reg} for ${model.name}`);
  let v = qemu;
  for (const f of ID_FIELDS) {
    if (f.reg !== reg) continue;
    const m = mask(f.width) << BigInt(f.lsb);
    const was = (qemu & m) >> BigInt(f.lsb);
    let ours: bigint;
    if (f.when !== undefined && !model.features[f.when]) ours = 0n;
    else if (f.cap !== undefined) {
      const cap = BigInt(typeof f.cap === 'number' ? f.cap : f.cap(model.features));
      ours = was < cap ? was : cap;
    }
    else ours = BigInt(f.value ?? 0);
    v = (v & ~m) | (ours << BigInt(f.lsb));
  }
  return v;
}

/** Where a model's ID value differs from QEMU's, field by field, with the reason. */
export interface IdDeviation {
  readonly reg: string;
  readonly field: string;
  readonly qemu: bigint;
  readonly ours: bigint;
  readonly why: string;
}

export function idDeviations(model: CpuModel): IdDeviation[] {
  const out: IdDeviation[] = [];
  for (const f of ID_FIELDS) {
    const m = mask(f.width) << BigInt(f.lsb);
    const qemu = (model.qemuId[f.reg] & m) >> BigInt(f.lsb);
    const ours = (idValue(model, f.reg) & m) >> BigInt(f.lsb);
    if (qemu !== ours) out.push({ reg: f.reg, field: f.field, qemu, ours, why: f.why });
  }
  return out;
}

/** HCR_EL2.TID3 traps EL1 reads of the ID group 3 registers (op0 3, op1 0, CRn 0, CRm 1-7). */
const TID3 = { read: Hcr.TID3 } as const;

/** An ID register: a CONST row readable from EL1, with the model's value (TID3: CRm 1-7). */
const id = (name: string, crm: number, op2: number): RowSpec => ({
  name, op0: 3, op1: 0, crn: 0, crm, op2, access: EL1_RO, flags: Flag.CONST, value: (m) => idValue(m, name),
  ...(crm > 0 ? { hcrTrap: TID3 } : {}),
});


/**
 * Reserved encodings of the ID space (op0 3, op1 0, CRn 0, CRm 1-7): RAZ (Arm ARM D17.2,
 * "Reserved encodings in the ID register space"; QEMU's *_RESERVED and RES_0_* rows).
 */
const reserved = (crm: number, op2: number): RowSpec => ({
  name: genericName(3, 0, 0, crm, op2), op0: 3, op1: 0, crn: 0, crm, op2, access: EL1_RO, flags: Flag.CONST, value: () => 0n,
  hcrTrap: TID3,
});

/**
 * MIDR_EL1 and MPIDR_EL1 read at EL1 with EL2 enabled give VPIDR_EL2 and VMPIDR_EL2 (Arm ARM,
 * their accessibility pseudocode: `if EL2Enabled() then X[t] = VPIDR_EL2`; QEMU 7.2's
 * midr_read/mpidr_read). The rows stay CONST (raw value, KVM); the MRS executor uses `get`
 * for CONST rows that have one.
 */
function virtualized(slot: number, name: string): (cpu: Cpu) => bigint {
  let model: CpuModel | undefined;
  let value = 0n;
  return (cpu) => {
    if (cpu.el === 1 && el2Enabled(cpu)) return cpu.x[slot];
    if (cpu.model !== model) [model, value] = [cpu.model, idValue(cpu.model, name)];
    return value;
  };
}

export const ID_ROWS: readonly RowSpec[] = [
  // CPU 0; MPIDR_EL1 bit 31 is RES1 (Arm ARM D17.2.101).
  { ...id('MIDR_EL1', 0, 0), get: virtualized(Slot.VPIDR_EL2, 'MIDR_EL1') },
  { ...id('MPIDR_EL1', 0, 5), get: virtualized(Slot.VMPIDR_EL2, 'MPIDR_EL1') },
  { ...id('REVIDR_EL1', 0, 6), hcrTrap: { read: Hcr.TID1 } },
  id('ID_PFR0_EL1', 1, 0), id('ID_PFR1_EL1', 1, 1), id('ID_DFR0_EL1', 1, 2), id('ID_AFR0_EL1', 1, 3),
  id('ID_MMFR0_EL1', 1, 4), id('ID_MMFR1_EL1', 1, 5), id('ID_MMFR2_EL1', 1, 6), id('ID_MMFR3_EL1', 1, 7),
  id('ID_ISAR0_EL1', 2, 0), id('ID_ISAR1_EL1', 2, 1), id('ID_ISAR2_EL1', 2, 2), id('ID_ISAR3_EL1', 2, 3),
  id('ID_ISAR4_EL1', 2, 4), id('ID_ISAR5_EL1', 2, 5), id('ID_MMFR4_EL1', 2, 6), id('ID_ISAR6_EL1', 2, 7),
  id('MVFR0_EL1', 3, 0), id('MVFR1_EL1', 3, 1), id('MVFR2_EL1', 3, 2), reserved(3, 3),
  id('ID_PFR2_EL1', 3, 4), id('ID_DFR1_EL1', 3, 5), id('ID_MMFR5_EL1', 3, 6), reserved(3, 7),
  id('ID_AA64PFR0_EL1', 4, 0), id('ID_AA64PFR1_EL1', 4, 1), reserved(4, 2), reserved(4, 3),
  id('ID_AA64ZFR0_EL1', 4, 4), id('ID_AA64SMFR0_EL1', 4, 5), reserved(4, 6), reserved(4, 7),
  id('ID_AA64DFR0_EL1', 5, 0), id('ID_AA64DFR1_EL1', 5, 1), reserved(5, 2), reserved(5, 3),
  id('ID_AA64AFR0_EL1', 5, 4), id('ID_AA64AFR1_EL1', 5, 5), reserved(5, 6), reserved(5, 7),
  id('ID_AA64ISAR0_EL1', 6, 0), id('ID_AA64ISAR1_EL1', 6, 1), id('ID_AA64ISAR2_EL1', 6, 2),
  ...[3, 4, 5, 6, 7].map((op2) => reserved(6, op2)),
  id('ID_AA64MMFR0_EL1', 7, 0), id('ID_AA64MMFR1_EL1', 7, 1), id('ID_AA64MMFR2_EL1', 7, 2),
  ...[3, 4, 5, 6, 7].map((op2) => reserved(7, op2)),

  {
    // EL0 reads trap to EL1 unless SCTLR_EL1.UCT (bit 15) is 1 (Arm ARM D17.2.34).
    name: 'CTR_EL0', op0: 3, op1: 3, crn: 0, crm: 0, op2: 1, access: EL0_RO, flags: Flag.CONST,
    value: (m) => idValue(m, 'CTR_EL0'),
    el0Trap: (cpu) => ((cpu.r[el0Sctlr(cpu)] >>> 15) & 1) !== 0,
    // Then HCR_EL2.TID2 traps EL0 and EL1 reads to EL2.
    hcrTrap: { read: Hcr.TID2 },
  },
  {
    // DC ZVA blocks of 2^4 words (64 bytes) on every model, as QEMU; DZP (bit 4) reads 1
    // where DC ZVA is prohibited: at EL0 while SCTLR_EL1.DZE (bit 14) is 0, and at EL0/EL1
    // while HCR_EL2.TDZ (bit 28) traps it with EL2 enabled (D17.2.35). NO_RAW: computed.
    name: 'DCZID_EL0', op0: 3, op1: 3, crn: 0, crm: 0, op2: 7, access: EL0_RO, flags: Flag.NO_RAW,
    get32: (cpu) => {
      const el = cpu.el;
      if (el === 0 && ((cpu.r[el0Sctlr(cpu)] >>> 14) & 1) === 0) return 0x14;
      return el < 2 && (cpu.r[Slot.HCR_EL2 * 2] & HcrEl2.TDZ) !== 0 && el2Enabled(cpu) && !(el === 0 && e2hTge(cpu)) ? 0x14 : 0x4;
    },
  },
  { name: 'CLIDR_EL1', op0: 3, op1: 1, crn: 0, crm: 0, op2: 1, access: EL1_RO, flags: Flag.CONST, value: (m) => idValue(m, 'CLIDR_EL1'),
    hcrTrap: { read: Hcr.TID2 } },
  { name: 'AIDR_EL1', op0: 3, op1: 1, crn: 0, crm: 0, op2: 7, access: EL1_RO, flags: Flag.CONST, value: (m) => idValue(m, 'AIDR_EL1'),
    hcrTrap: { read: Hcr.TID1 } },
  // CSSELR_EL1: Level [3:1] and InD [0]; TnD [4] needs FEAT_MTE2, the rest is RES0 (Arm ARM D17.2.36).
  { name: 'CSSELR_EL1', op0: 3, op1: 2, crn: 0, crm: 0, op2: 0, access: EL1_RW, slot: Slot.CSSELR_EL1, res0: ~0xfn & mask(64),
    hcrTrap: { read: Hcr.TID2, write: Hcr.TID2 } },
  {
    // The cache CSSELR_EL1 selects; 0 for a cache CLIDR_EL1 does not describe (UNKNOWN in
    // the Arm ARM; 0 as QEMU). NO_RAW: computed from CSSELR_EL1 (as QEMU).
    name: 'CCSIDR_EL1', op0: 3, op1: 1, crn: 0, crm: 0, op2: 0, access: EL1_RO, flags: Flag.NO_RAW,
    get: (cpu) => cpu.model.ccsidr[cpu.r[Slot.CSSELR_EL1 * 2] & 0xf] ?? 0n,
    hcrTrap: { read: Hcr.TID2 },
  },
];

/**
 * The Cortex-A57/A72 IMPLEMENTATION DEFINED registers (Cortex-A57 TRM, "AArch64 register
 * summary"), as QEMU 7.2 models them: CBAR_EL1 read-only, the others RAZ with writes ignored;
 * L2CTLR_EL1.NumCPUs [25:24] = CPUs - 1 = 0 with one CPU. They are in the IMPLEMENTATION
 * DEFINED space (op0 3, CRn 11 or 15), whose EL1 accesses HCR_EL2.TIDCP traps to EL2 by
 * encoding (cpu/insns/system.ts, withTidcp).
 */
const impdef = (name: string, crn: number, crm: number, op2: number): RowSpec => ({
  name, op0: 3, op1: 1, crn, crm, op2, access: EL1_RW, flags: Flag.CONST, feature: 'IMPDEF_A57', value: () => 0n,
});

export const IMPDEF_ROWS: readonly RowSpec[] = [
  {
    name: 'CBAR_EL1', op0: 3, op1: 1, crn: 15, crm: 3, op2: 0, access: EL1_RO, flags: Flag.CONST, feature: 'IMPDEF_A57',
    value: (m) => m.qemuId.CBAR_EL1 ?? 0n,
  },
  impdef('L2CTLR_EL1', 11, 0, 2),
  impdef('L2ECTLR_EL1', 11, 0, 3),
  impdef('L2ACTLR_EL1', 15, 0, 0),
  impdef('CPUACTLR_EL1', 15, 2, 0),
  impdef('CPUECTLR_EL1', 15, 2, 1),
  impdef('CPUMERRSR_EL1', 15, 2, 2),
  impdef('L2MERRSR_EL1', 15, 2, 3),
];
