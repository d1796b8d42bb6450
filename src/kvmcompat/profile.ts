// The KVM profile of a CPU model, as data: what Linux 6.1's KVM (arch/arm64/kvm/) shows a
// vCPU that a64emu's cpreg table does not already say. The vCPU (vcpu.ts) applies it to the
// one cpreg table: the ID-register sanitiser gives the model's ID values (CpuModel.idExact),
// the reset profile the values kvm_reset_vcpu and the sys_reg_descs reset functions write.
// Reference: the real traces tests/kvm/fixtures/guest-*.txt (recorded with
// ../shared/kvm/record.sh: the host is QEMU 7.2's model of the same name with EL2).

import type { CpuModel, IdValues } from '../cpu/models.js';
import {
  KVM_ARM_TARGET_CORTEX_A53, KVM_ARM_TARGET_CORTEX_A57, KVM_ARM_TARGET_GENERIC_V8,
} from './api.js';

/** reset_unknown()'s pattern (sys_regs.c: the "1de7ec7edbadc0de" that marks an UNKNOWN reset). */
export const KVM_UNKNOWN = 0x1de7ec7edbadc0den;

// ---- the ID-register sanitiser --------------------------------------------------------

/** One field the kernel shows differently from the host CPU (QEMU's model at EL1). */
export interface KvmIdRule {
  readonly reg: string;
  readonly field: string;
  readonly lsb: number;
  readonly width: number;
  readonly value: number;
  /** Only for these models (all when absent). */
  readonly models?: readonly string[];
  /** Only with (true) or without (false) KVM_ARM_VCPU_PMU_V3. */
  readonly pmu?: boolean;
  /** With `cap`: the host's value, capped at `value`. */
  readonly cap?: boolean;
  /** Only in KVM_GET_ONE_REG's value: the guest's MRS is not trapped and reads the host register. */
  readonly userspace?: boolean;
  readonly why: string;
}

const HOST_EL2 = 'the host runs KVM at EL2 (QEMU virtualization=on), so the host value KVM passes on has EL2 (read_id_reg keeps it)';
const GICV3 = 'the host has the GICv3 system register interface (virt,gic-version=3); read_id_reg reports it (trace)';
const NO_PMU = 'no KVM_ARM_VCPU_PMU_V3: read_id_reg clears the PMU version (sys_regs.c, kvm_vcpu_has_pmu)';
const PMU_LIMIT = 'with KVM_ARM_VCPU_PMU_V3 the host\'s PMU version, at most PMUv3p4 (5: kvm_arm_pmu_get_pmuver_limit; trace recorded with PMU_V3)';
const FTR_HIDDEN = 'not described in 6.1\'s arm64 cpufeature tables, so the sanitised host value has it 0 (trace)';

/**
 * Applied in order to QEMU 7.2's ID values of the model (CpuModel.qemuId, recorded at EL1
 * without EL2) to give what the kernel reports; checked field by field against both traces.
 */
export const KVM_ID_RULES: readonly KvmIdRule[] = [
  { reg: 'ID_AA64PFR0_EL1', field: 'EL2', lsb: 8, width: 4, value: 2, why: HOST_EL2 },
  { reg: 'ID_AA64PFR0_EL1', field: 'GIC', lsb: 24, width: 4, value: 1, why: GICV3 },
  { reg: 'ID_AA64PFR0_EL1', field: 'SVE', lsb: 32, width: 4, value: 0, why: 'no KVM_ARM_VCPU_SVE: read_id_reg hides SVE (vcpu_has_sve)' },
  {
    reg: 'ID_AA64PFR0_EL1', field: 'CSV2', lsb: 56, width: 4, value: 1, models: ['max'],
    why: 'read_id_reg sets CSV2 to kvm->arch.pfr0_csv2: 1 when the host is not affected by Spectre-v2',
  },
  {
    reg: 'ID_AA64PFR0_EL1', field: 'CSV3', lsb: 60, width: 4, value: 1,
    why: 'read_id_reg sets CSV3 to kvm->arch.pfr0_csv3: 1 when the host is not affected by Meltdown',
  },
  { reg: 'ID_AA64PFR1_EL1', field: 'SME', lsb: 24, width: 4, value: 0, why: 'read_id_reg hides SME from guests' },
  { reg: 'ID_AA64ZFR0_EL1', field: '*', lsb: 0, width: 64, value: 0, why: 'no KVM_ARM_VCPU_SVE: ID_AA64ZFR0_EL1 is RAZ (sve_id_visibility)' },
  { reg: 'ID_AA64SMFR0_EL1', field: '*', lsb: 0, width: 64, value: 0, why: 'read_id_reg hides SME from guests' },
  { reg: 'ID_AA64DFR0_EL1', field: 'DebugVer', lsb: 0, width: 4, value: 6, why: 'read_id_reg limits the debug architecture to Armv8.0 (DebugVer 6)' },
  { reg: 'ID_AA64DFR0_EL1', field: 'PMUVer', lsb: 8, width: 4, value: 0, pmu: false, why: NO_PMU },
  { reg: 'ID_DFR0_EL1', field: 'PerfMon', lsb: 24, width: 4, value: 0, pmu: false, why: NO_PMU },
  { reg: 'ID_AA64DFR0_EL1', field: 'PMUVer', lsb: 8, width: 4, value: 5, cap: true, pmu: true, why: PMU_LIMIT },
  { reg: 'ID_DFR0_EL1', field: 'PerfMon', lsb: 24, width: 4, value: 5, cap: true, pmu: true, why: PMU_LIMIT },
  { reg: 'ID_AA64ISAR1_EL1', field: 'APA', lsb: 4, width: 4, value: 0, why: 'no KVM_ARM_VCPU_PTRAUTH_*: read_id_reg hides address authentication' },
  { reg: 'ID_AA64ISAR1_EL1', field: 'GPA', lsb: 24, width: 4, value: 0, why: 'no KVM_ARM_VCPU_PTRAUTH_*: read_id_reg hides generic authentication' },
  { reg: 'ID_PFR1_EL1', field: 'Virtualization', lsb: 12, width: 4, value: 1, why: HOST_EL2 },
  { reg: 'ID_PFR1_EL1', field: 'GIC', lsb: 28, width: 4, value: 1, why: GICV3 },
  { reg: 'ID_PFR0_EL1', field: 'RAS', lsb: 28, width: 4, value: 0, why: FTR_HIDDEN },
  { reg: 'ID_ISAR5_EL1', field: 'VCMA', lsb: 28, width: 4, value: 0, why: FTR_HIDDEN },
  { reg: 'ID_AA64MMFR1_EL1', field: 'HCX', lsb: 40, width: 4, value: 0, why: FTR_HIDDEN },
  {
    reg: 'CTR_EL0', field: 'IDC', lsb: 28, width: 1, value: 1, models: ['max'], userspace: true,
    why: 'the kernel reports IDC when CLIDR_EL1.LoUU and LoUIS are 0 (read_cpuid_effective_cachetype), as on max; '
      + 'get_ctr_el0 gives userspace that sanitised value, but 6.1 sets HCR_EL2.TID2 only with '
      + 'ARM64_MISMATCHED_CACHE_TYPE (vcpu_reset_hcr), so the guest reads the CPU\'s CTR_EL0 (kvm_traps-max.txt)',
  },
];

const mask = (width: number): bigint => (width >= 64 ? (1n << 64n) - 1n : (1n << BigInt(width)) - 1n);

/**
 * The ID values a KVM vCPU of `model` reads: the guest's MRS, or with `userspace` what
 * KVM_GET_ONE_REG reports (the same but for the rules marked `userspace`).
 */
export function kvmIdValues(model: CpuModel, pmu = false, userspace = false): IdValues {
  const out: Record<string, bigint> = { ...model.qemuId };
  for (const r of KVM_ID_RULES) {
    if (r.models !== undefined && !r.models.includes(model.name)) continue;
    if (r.userspace === true && !userspace) continue;
    if (r.pmu !== undefined && r.pmu !== pmu) continue;
    const v = out[r.reg];
    if (v === undefined) continue;
    const m = mask(r.width) << BigInt(r.lsb);
    const host = (v & m) >> BigInt(r.lsb);
    const f = r.cap === true && host < BigInt(r.value) ? host : BigInt(r.value);
    out[r.reg] = (v & ~m) | (f << BigInt(r.lsb));
  }
  return out;
}

// ---- the kernel's register list --------------------------------------------------------

/** How a register of the sys_reg_descs walk resets (its reset function in sys_regs.c). */
export type KvmReset =
  | bigint // reset_val: this value
  | 'unknown' // reset_unknown: KVM_UNKNOWN
  | 'id' // read_id_reg: the sanitised ID value
  | 'mpidr'; // reset_mpidr: Aff0 = vCPU id (0), bit 31 RES1

export interface KvmSysregDesc {
  readonly name: string;
  readonly op0: number;
  readonly op1: number;
  readonly crn: number;
  readonly crm: number;
  readonly op2: number;
  readonly reset: KvmReset;
  /**
   * Loaded into the CPU on KVM_RUN and saved back (hyp/sysreg-sr.h, __sysreg_save_el1_state,
   * common and user state): after a run its value is what the CPU kept of it.
   */
  readonly switched?: boolean;
  /** Only with KVM_ARM_VCPU_PMU_V3 (pmu_visibility). */
  readonly pmu?: boolean;
}

const d = (name: string, op0: number, op1: number, crn: number, crm: number, op2: number, reset: KvmReset, switched = false): KvmSysregDesc =>
  ({ name, op0, op1, crn, crm, op2, reset, switched });

const ID_SPACE: string[][] = [
  ['ID_PFR0_EL1', 'ID_PFR1_EL1', 'ID_DFR0_EL1', 'ID_AFR0_EL1', 'ID_MMFR0_EL1', 'ID_MMFR1_EL1', 'ID_MMFR2_EL1', 'ID_MMFR3_EL1'],
  ['ID_ISAR0_EL1', 'ID_ISAR1_EL1', 'ID_ISAR2_EL1', 'ID_ISAR3_EL1', 'ID_ISAR4_EL1', 'ID_ISAR5_EL1', 'ID_MMFR4_EL1', 'ID_ISAR6_EL1'],
  ['MVFR0_EL1', 'MVFR1_EL1', 'MVFR2_EL1', '', 'ID_PFR2_EL1', 'ID_DFR1_EL1', 'ID_MMFR5_EL1', ''],
  ['ID_AA64PFR0_EL1', 'ID_AA64PFR1_EL1', '', '', 'ID_AA64ZFR0_EL1', 'ID_AA64SMFR0_EL1', '', ''],
  ['ID_AA64DFR0_EL1', 'ID_AA64DFR1_EL1', '', '', 'ID_AA64AFR0_EL1', 'ID_AA64AFR1_EL1', '', ''],
  ['ID_AA64ISAR0_EL1', 'ID_AA64ISAR1_EL1', 'ID_AA64ISAR2_EL1', '', '', '', '', ''],
  ['ID_AA64MMFR0_EL1', 'ID_AA64MMFR1_EL1', 'ID_AA64MMFR2_EL1', '', '', '', '', ''],
];

/**
 * sys_reg_descs entries with storage (walk_one_sys_reg lists those with .reg or .get_user
 * that are not hidden), for a vCPU without SVE, pointer authentication or MTE. The kernel's
 * table is sorted by encoding; kvmSysregList sorts these the same way.
 */
const SYSREG_DESCS: readonly KvmSysregDesc[] = [
  // The debug registers: all 16 of each (reset_bvr/bcr/wvr/wcr: 0), whatever the CPU has.
  ...Array.from({ length: 16 }, (_, n) => [
    d(`DBGBVR${n}_EL1`, 2, 0, 0, n, 4, 0n), d(`DBGBCR${n}_EL1`, 2, 0, 0, n, 5, 0n),
    d(`DBGWVR${n}_EL1`, 2, 0, 0, n, 6, 0n), d(`DBGWCR${n}_EL1`, 2, 0, 0, n, 7, 0n),
  ]).flat(),
  d('MDCCINT_EL1', 2, 0, 0, 2, 0, 0n),
  d('MDSCR_EL1', 2, 0, 0, 2, 2, 0n, true),
  // OSLSR_EL1.OSLM = 0b10 (OS Lock implemented), unlocked (OSLSR_EL1_OSLM_IMPLEMENTED).
  d('OSLSR_EL1', 2, 0, 1, 1, 4, 0x8n),
  d('DBGVCR32_EL2', 2, 4, 0, 7, 0, 0n),
  d('MPIDR_EL1', 3, 0, 0, 0, 5, 'mpidr'),
  ...ID_SPACE.flatMap((row, i) => row.map((name, op2) => d(name || `ID_RES_${i + 1}_${op2}`, 3, 0, 0, i + 1, op2, 'id'))),
  // reset_val(SCTLR_EL1, 0x00C50078): MMU, caches and alignment checks off, RES1 bits set.
  d('SCTLR_EL1', 3, 0, 1, 0, 0, 0x00c50078n, true),
  // reset_actlr: the host's ACTLR_EL1 (0: QEMU's models keep none).
  d('ACTLR_EL1', 3, 0, 1, 0, 1, 0n, true),
  d('CPACR_EL1', 3, 0, 1, 0, 2, 0n, true),
  d('TTBR0_EL1', 3, 0, 2, 0, 0, 'unknown', true),
  d('TTBR1_EL1', 3, 0, 2, 0, 1, 'unknown', true),
  d('TCR_EL1', 3, 0, 2, 0, 2, 0n, true),
  d('AFSR0_EL1', 3, 0, 5, 1, 0, 'unknown', true),
  d('AFSR1_EL1', 3, 0, 5, 1, 1, 'unknown', true),
  d('ESR_EL1', 3, 0, 5, 2, 0, 'unknown', true),
  d('FAR_EL1', 3, 0, 6, 0, 0, 'unknown', true),
  d('PAR_EL1', 3, 0, 7, 4, 0, 'unknown', true),
  d('MAIR_EL1', 3, 0, 10, 2, 0, 'unknown', true),
  // reset_amair_el1: the host's AMAIR_EL1 (0).
  d('AMAIR_EL1', 3, 0, 10, 3, 0, 0n, true),
  d('VBAR_EL1', 3, 0, 12, 0, 0, 0n, true),
  d('DISR_EL1', 3, 0, 12, 1, 1, 0n),
  d('CONTEXTIDR_EL1', 3, 0, 13, 0, 1, 0n, true),
  d('TPIDR_EL1', 3, 0, 13, 0, 4, 'unknown', true),
  d('CNTKCTL_EL1', 3, 0, 14, 1, 0, 0n, true),
  d('CSSELR_EL1', 3, 2, 0, 0, 0, 'unknown', true),
  d('TPIDR_EL0', 3, 3, 13, 0, 2, 'unknown', true),
  d('TPIDRRO_EL0', 3, 3, 13, 0, 3, 'unknown', true),
  // The AArch32 EL1 state KVM keeps for 32-bit guests (switched only for them).
  d('DACR32_EL2', 3, 4, 3, 0, 0, 'unknown'),
  d('IFSR32_EL2', 3, 4, 5, 0, 1, 'unknown'),
  // reset_val(FPEXC32_EL2, 0x700): FPEXC's RES1 bits (EN clear).
  d('FPEXC32_EL2', 3, 4, 5, 3, 0, 0x700n),
];

/**
 * The PMU registers KVM lists with KVM_ARM_VCPU_PMU_V3 (the PMU_SYS_REG entries of sys_regs.c
 * with storage), and their resets, from a trace recorded with that feature (kvm-probe.c
 * variant asking for PMU_V3, cortex-a57 and max alike): reset_pmu_reg's UNKNOWN pattern
 * masked to the six counters and the cycle counter (0x8000001e), PMSELR_EL0 to its 5 bits,
 * the event counters to 32 bits, the event types to their fields; reset_pmcr's PMCR_EL0.
 */
const PMU_MASKED = 0x8000001en;
const PMU_DESCS: readonly KvmSysregDesc[] = [
  d('PMINTENSET_EL1', 3, 0, 9, 14, 1, PMU_MASKED), d('PMINTENCLR_EL1', 3, 0, 9, 14, 2, PMU_MASKED),
  d('PMCR_EL0', 3, 3, 9, 12, 0, 0x410130acn), d('PMCNTENSET_EL0', 3, 3, 9, 12, 1, PMU_MASKED),
  d('PMCNTENCLR_EL0', 3, 3, 9, 12, 2, PMU_MASKED), d('PMOVSCLR_EL0', 3, 3, 9, 12, 3, PMU_MASKED),
  d('PMSWINC_EL0', 3, 3, 9, 12, 4, 0n), d('PMSELR_EL0', 3, 3, 9, 12, 5, 0x1en),
  d('PMCCNTR_EL0', 3, 3, 9, 13, 0, 'unknown'), d('PMUSERENR_EL0', 3, 3, 9, 14, 0, 0n),
  d('PMOVSSET_EL0', 3, 3, 9, 14, 3, PMU_MASKED),
  ...Array.from({ length: 31 }, (_, n) => d(`PMEVCNTR${n}_EL0`, 3, 3, 14, 8 + (n >> 3), n & 7, 0xdbadc0den)),
  ...Array.from({ length: 31 }, (_, n) => d(`PMEVTYPER${n}_EL0`, 3, 3, 14, 12 + (n >> 3), n & 7, 0xc800c0den)),
  d('PMCCFILTR_EL0', 3, 3, 14, 15, 7, 0n),
].map((r) => ({ ...r, pmu: true }));

const keyOf = (r: KvmSysregDesc): number => (r.op0 << 14) | (r.op1 << 11) | (r.crn << 7) | (r.crm << 3) | r.op2;

/** The sys_reg_descs walk of a vCPU, in the kernel's order (by encoding). */
export function kvmSysregList(pmu: boolean): readonly KvmSysregDesc[] {
  return [...SYSREG_DESCS, ...(pmu ? PMU_DESCS : [])].sort((a, b) => keyOf(a) - keyOf(b));
}

/** invariant_sys_regs (sys_regs.c): the host's values, listed before the walk; writes must not change them. */
export const KVM_INVARIANT: readonly { name: string; op0: number; op1: number; crn: number; crm: number; op2: number }[] = [
  { name: 'MIDR_EL1', op0: 3, op1: 0, crn: 0, crm: 0, op2: 0 },
  { name: 'REVIDR_EL1', op0: 3, op1: 0, crn: 0, crm: 0, op2: 6 },
  { name: 'CLIDR_EL1', op0: 3, op1: 1, crn: 0, crm: 0, op2: 1 },
  { name: 'AIDR_EL1', op0: 3, op1: 1, crn: 0, crm: 0, op2: 7 },
  { name: 'CTR_EL0', op0: 3, op1: 3, crn: 0, crm: 0, op2: 1 },
];

// ---- firmware pseudo-registers (hypercalls.c) --------------------------------------------

/** KVM_REG_ARM_PSCI_VERSION values (include/kvm/arm_psci.h). */
export const KVM_ARM_PSCI_0_1 = 0n;
export const KVM_ARM_PSCI_0_2 = 2n;
export const KVM_ARM_PSCI_1_0 = 0x10000n;
export const KVM_ARM_PSCI_1_1 = 0x10001n;

/**
 * The SMCCC workaround levels the host offers (get_kernel_wa_level; the traces): Spectre-v2
 * (WORKAROUND_1) NOT_AVAIL (0) on the Cortex models (no firmware mitigation under QEMU's
 * virt), NOT_REQUIRED (2) on max (CSV2); WORKAROUND_2 (SSBD) and _3 (Spectre-BHB) NOT_AVAIL.
 */
export function kvmWorkaroundLevels(model: CpuModel): readonly [bigint, bigint, bigint] {
  return model.name === 'max' ? [2n, 0n, 0n] : [0n, 0n, 0n];
}

/** The firmware feature bitmaps' reset (all the kernel supports): STD TRNG, STD_HYP PV_TIME, VENDOR_HYP FUNC_FEAT|PTP. */
export const KVM_FW_BMAP_RESET: readonly bigint[] = [1n, 1n, 3n];

// ---- capabilities, target --------------------------------------------------------------

/**
 * KVM_CHECK_EXTENSION answers in the probe's order (kvm-probe.c), as the real kernel gave
 * them for the model, except where a64emu lacks the feature (SVE, pointer authentication,
 * AArch32 EL1): 0, each with an allow-list entry (allow.ts).
 */
export function kvmCaps(model: CpuModel): Array<{ name: string; value: number }> {
  const ipa = model.name === 'max' ? 48 : 44;
  return [
    { name: 'ONE_REG', value: 1 }, { name: 'ARM_PSCI_0_2', value: 1 }, { name: 'ARM_PMU_V3', value: 1 },
    { name: 'ARM_SVE', value: 0 }, { name: 'ARM_PTRAUTH_ADDRESS', value: 0 }, { name: 'ARM_PTRAUTH_GENERIC', value: 0 },
    // The IPA size the host supports (kvm_ipa_limit: the host's PARange, capped at 48 bits).
    { name: 'ARM_VM_IPA_SIZE', value: ipa },
    // The counts ID_AA64DFR0_EL1.BRPs/WRPs give (6 and 4 on every model).
    { name: 'GUEST_DEBUG_HW_BPS', value: 6 }, { name: 'GUEST_DEBUG_HW_WPS', value: 4 },
    { name: 'SET_GUEST_DEBUG', value: 1 }, { name: 'ARM_EL1_32BIT', value: 0 }, { name: 'ARM_MTE', value: 0 },
  ];
}

/**
 * KVM_ARM_PREFERRED_TARGET (kvm_target_cpu in arm.c): the target of the host's MIDR part
 * number (Cortex-A53, Cortex-A57; AEM and Foundation models), GENERIC_V8 for any other.
 */
export function kvmTarget(model: CpuModel): number {
  const midr = model.qemuId.MIDR_EL1 ?? 0n;
  const implementer = Number((midr >> 24n) & 0xffn);
  const part = Number((midr >> 4n) & 0xfffn);
  if (implementer === 0x41) {
    if (part === 0xd07) return KVM_ARM_TARGET_CORTEX_A57;
    if (part === 0xd03) return KVM_ARM_TARGET_CORTEX_A53;
  }
  return KVM_ARM_TARGET_GENERIC_V8;
}
