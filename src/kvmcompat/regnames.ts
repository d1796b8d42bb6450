// The names of KVM register IDs, as data: the members of struct kvm_regs (arm64, and 32-bit
// ARM as of Linux 5.6, the last kernel with 32-bit KVM host support), the firmware
// pseudo-registers, the 32-bit ARM VFP registers, and the AArch64 system register names
// (every model's cpreg table, plus Arm ARM names of encodings those tables have no row for).
// regid.ts decodes, names and parses IDs with them.

import { MODELS, modelForEl } from '../cpu/models.js';
import { encodingKey, sysregTable } from '../sysregs/table.js';

/** A member of a struct kvm_regs, as KVM_REG_ARM_CORE IDs address it (offsets in 32-bit words). */
export interface CoreMember {
  /** The register's name (api.rst's table for arm64; the uapi macro names for arm). */
  readonly name: string;
  /** The C member, e.g. regs.pstate, fp_regs.vregs[3]. */
  readonly member: string;
  readonly offset: number;
  readonly words: number;
  /** Names accepted on input besides `name`. */
  readonly aliases?: readonly string[];
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/**
 * arm64 struct kvm_regs (arch/arm64/include/uapi/asm/kvm.h; names from api.rst's table):
 * user_pt_regs {regs[31], sp (= SP_EL0), pc, pstate}, sp_el1, elr_el1, spsr[KVM_NR_SPSR],
 * padding to 16 bytes (words 82-83), user_fpsimd_state {vregs[32], fpsr, fpcr, __reserved[2]}.
 */
export const ARM64_CORE: readonly CoreMember[] = [
  ...range(31).map((n) => ({ name: `X${n}`, member: `regs.regs[${n}]`, offset: 2 * n, words: 2 })),
  { name: 'SP', member: 'regs.sp', offset: 62, words: 2, aliases: ['SP_EL0'] },
  { name: 'PC', member: 'regs.pc', offset: 64, words: 2 },
  { name: 'PSTATE', member: 'regs.pstate', offset: 66, words: 2 },
  { name: 'SP_EL1', member: 'sp_el1', offset: 68, words: 2 },
  { name: 'ELR_EL1', member: 'elr_el1', offset: 70, words: 2 },
  // KVM_SPSR_EL1 = KVM_SPSR_SVC = 0, ABT 1, UND 2, IRQ 3, FIQ 4.
  { name: 'SPSR_EL1', member: 'spsr[KVM_SPSR_EL1]', offset: 72, words: 2, aliases: ['SPSR_SVC'] },
  { name: 'SPSR_ABT', member: 'spsr[KVM_SPSR_ABT]', offset: 74, words: 2 },
  { name: 'SPSR_UND', member: 'spsr[KVM_SPSR_UND]', offset: 76, words: 2 },
  { name: 'SPSR_IRQ', member: 'spsr[KVM_SPSR_IRQ]', offset: 78, words: 2 },
  { name: 'SPSR_FIQ', member: 'spsr[KVM_SPSR_FIQ]', offset: 80, words: 2 },
  ...range(32).map((n) => ({ name: `V${n}`, member: `fp_regs.vregs[${n}]`, offset: 84 + 4 * n, words: 4 })),
  { name: 'FPSR', member: 'fp_regs.fpsr', offset: 212, words: 1 },
  { name: 'FPCR', member: 'fp_regs.fpcr', offset: 213, words: 1 },
];

const ARM_USR = ['ARM_r0', 'ARM_r1', 'ARM_r2', 'ARM_r3', 'ARM_r4', 'ARM_r5', 'ARM_r6', 'ARM_r7', 'ARM_r8', 'ARM_r9',
  'ARM_r10', 'ARM_fp', 'ARM_ip', 'ARM_sp', 'ARM_lr', 'ARM_pc', 'ARM_cpsr', 'ARM_ORIG_r0'];
const ARM_BANKED = ['SVC', 'ABT', 'UND', 'IRQ'];
const ARM_FIQ = ['r8', 'r9', 'r10', 'fp', 'ip', 'sp', 'lr', 'spsr'];

/**
 * 32-bit ARM struct kvm_regs (arch/arm/include/uapi/asm/kvm.h, every member an unsigned
 * long): usr_regs (struct pt_regs: uregs[18], named by arch/arm/include/uapi/asm/ptrace.h's
 * ARM_* macros), svc/abt/und/irq_regs[3] (sp, lr, spsr) and fiq_regs[8], named by the
 * header's KVM_ARM_<mode>_<reg> macros.
 */
export const ARM_CORE: readonly CoreMember[] = [
  ...ARM_USR.map((name, i) => ({
    name, member: `usr_regs.uregs[${i}]`, offset: i, words: 1,
    ...(i === 11 ? { aliases: ['ARM_r11'] } : i === 12 ? { aliases: ['ARM_r12'] } : {}),
  })),
  ...ARM_BANKED.flatMap((mode, m) => ['sp', 'lr', 'spsr'].map((r, i) => ({
    name: `KVM_ARM_${mode}_${r}`, member: `${mode.toLowerCase()}_regs[${i}]`, offset: 18 + 3 * m + i, words: 1,
  }))),
  ...ARM_FIQ.map((r, i) => ({ name: `KVM_ARM_FIQ_${r}`, member: `fiq_regs[${i}]`, offset: 30 + i, words: 1 })),
];
export const ARM_CORE_WORDS = 38;

/** KVM_REG_ARM_FW registers (arm64 kvm.h; the 32-bit ARM header has the first three). */
export const FW_NAMES: readonly string[] = [
  'KVM_REG_ARM_PSCI_VERSION',
  'KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1',
  'KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2',
  'KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3',
];
export const ARM_FW_COUNT = 3;

/** KVM_REG_ARM_FW_FEAT_BMAP registers (arm64 kvm.h, Linux 6.0 on). */
export const FW_BMAP_NAMES: readonly string[] = [
  'KVM_REG_ARM_STD_BMAP',
  'KVM_REG_ARM_STD_HYP_BMAP',
  'KVM_REG_ARM_VENDOR_HYP_BMAP',
];

/**
 * The 32-bit ARM VFP control registers (KVM_REG_ARM_VFP_* in arm kvm.h, 0x1000 + the VMRS
 * register number). MVFR2 (0x1005) is not in the header; aarch32.ts names it.
 */
export const VFP_CONTROL_NAMES: ReadonlyMap<number, string> = new Map([
  [0x1000, 'FPSID'], [0x1001, 'FPSCR'], [0x1006, 'MVFR1'], [0x1007, 'MVFR0'],
  [0x1008, 'FPEXC'], [0x1009, 'FPINST'], [0x100a, 'FPINST2'],
]);

type Enc = readonly [name: string, op0: number, op1: number, crn: number, crm: number, op2: number];

/**
 * Arm ARM names of encodings that the cpreg tables have no row for (or only a generic name):
 * KVM lists all 16 breakpoint and watchpoint register pairs whatever ID_AA64DFR0_EL1 says,
 * and the AArch32 state registers of the AArch64 encoding space (Arm ARM D24/E2); the ID
 * registers that later architecture versions allocated (Linux arch/arm64/tools/sysreg);
 * the PMU event counters beyond the models' six.
 */
const SUPPLEMENT: readonly Enc[] = [
  ...range(16).flatMap((n): Enc[] => [
    [`DBGBVR${n}_EL1`, 2, 0, 0, n, 4], [`DBGBCR${n}_EL1`, 2, 0, 0, n, 5],
    [`DBGWVR${n}_EL1`, 2, 0, 0, n, 6], [`DBGWCR${n}_EL1`, 2, 0, 0, n, 7],
  ]),
  ['DBGVCR32_EL2', 2, 4, 0, 7, 0],
  ['DACR32_EL2', 3, 4, 3, 0, 0],
  ['IFSR32_EL2', 3, 4, 5, 0, 1],
  ['FPEXC32_EL2', 3, 4, 5, 3, 0],
  ['SDER32_EL3', 3, 6, 1, 1, 1],
  ['ID_AA64PFR2_EL1', 3, 0, 0, 4, 2],
  ['ID_AA64FPFR0_EL1', 3, 0, 0, 4, 7],
  ['ID_AA64DFR2_EL1', 3, 0, 0, 5, 2],
  ['ID_AA64ISAR2_EL1', 3, 0, 0, 6, 2],
  ['ID_AA64ISAR3_EL1', 3, 0, 0, 6, 3],
  ['ID_AA64MMFR3_EL1', 3, 0, 0, 7, 3],
  ['ID_AA64MMFR4_EL1', 3, 0, 0, 7, 4],
  ...range(31).flatMap((n): Enc[] => [
    [`PMEVCNTR${n}_EL0`, 3, 3, 14, 8 | (n >> 3), n & 7], [`PMEVTYPER${n}_EL0`, 3, 3, 14, 12 | (n >> 3), n & 7],
  ]),
];

const GENERIC = /^S[0-3]_[0-7]_C\d+_C\d+_[0-7]$/;

export interface SysregNames {
  /** encodingKey → name. */
  readonly byKey: ReadonlyMap<number, string>;
  /** lower-case name → encodingKey. */
  readonly byName: ReadonlyMap<string, number>;
}

let cache: SysregNames | undefined;

/**
 * The AArch64 system register names: the union of every model's cpreg table in each start
 * mode (EL1, EL2, EL3, EL3 with EL2: RVBAR_ELx exists only at the highest EL), then SUPPLEMENT where a table has no row or
 * only a generic S<op0>_<op1>_C<n>_C<m>_<op2> name. Built on first use.
 */
export function sysregNames(): SysregNames {
  if (cache !== undefined) return cache;
  const byKey = new Map<number, string>();
  for (const base of Object.values(MODELS)) {
    for (const model of [base, modelForEl(base, 2), modelForEl(base, 3), modelForEl(base, 3, { el2: true })]) {
      for (const r of sysregTable(model).rows) {
        const key = encodingKey(r.op0, r.op1, r.crn, r.crm, r.op2);
        if (!byKey.has(key)) byKey.set(key, r.name);
      }
    }
  }
  for (const [name, op0, op1, crn, crm, op2] of SUPPLEMENT) {
    const key = encodingKey(op0, op1, crn, crm, op2);
    const known = byKey.get(key);
    if (known === undefined || GENERIC.test(known)) byKey.set(key, name);
  }
  const byName = new Map<string, number>();
  for (const [key, name] of byKey) {
    if (GENERIC.test(name)) continue;
    const lower = name.toLowerCase();
    if (byName.has(lower)) throw new Error(`regnames: ${name} names two encodings`);
    byName.set(lower, key);
  }
  cache = { byKey, byName };
  return cache;
}

/** Whether a name is the generic S<op0>_<op1>_C<n>_C<m>_<op2> form. */
export const isGenericSysregName = (name: string): boolean => GENERIC.test(name);
