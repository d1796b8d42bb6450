// Instruction classes for `a64emu fuzz`: which decoder rows each class draws from, and the
// rows left out on purpose (with the reason, printed in the report instead of a gap).

import { DP_IMM_ROWS } from '../../cpu/insns/dp_imm.js';
import { DP_REG_ROWS } from '../../cpu/insns/dp_reg.js';
import { BRANCH_ROWS } from '../../cpu/insns/branch.js';
import { LDST_ROWS } from '../../cpu/insns/ldst.js';
import { ATOMIC_ROWS } from '../../cpu/insns/atomic.js';
import { LDST_FP_ROWS } from '../../cpu/insns/ldst_fp.js';
import { FP_DP_ROWS } from '../../cpu/insns/fp_dp.js';
import { FP_CONV_ROWS } from '../../cpu/insns/fp_conv.js';
import { SYSTEM_ROWS } from '../../cpu/insns/system.js';
import { SIMD_COPY_ROWS } from '../../cpu/insns/simd_copy.js';
import { SIMD_PERMUTE_ROWS } from '../../cpu/insns/simd_permute.js';
import { SIMD_MODIMM_ROWS } from '../../cpu/insns/simd_modimm.js';
import { SIMD_3SAME_ROWS } from '../../cpu/insns/simd_3same.js';
import { SIMD_2MISC_ROWS } from '../../cpu/insns/simd_2misc.js';
import { SIMD_SHIFT_ROWS } from '../../cpu/insns/simd_shift.js';
import { SIMD_ACROSS_ROWS } from '../../cpu/insns/simd_across.js';
import { SIMD_3DIFF_ROWS } from '../../cpu/insns/simd_3diff.js';
import { SIMD_3EXTRA_ROWS } from '../../cpu/insns/simd_rdm.js';
import { SIMD_BYELEM_ROWS } from '../../cpu/insns/simd_byelem.js';
import { SIMD_CRYPTO_ROWS } from '../../cpu/insns/simd_crypto.js';
import { SIMD_FP_ROWS } from '../../cpu/insns/simd_fp.js';
import { SIMD_FHM_ROWS } from '../../cpu/insns/simd_fhm.js';
import type { Fields, Row } from '../../cpu/decoder.js';
import { findSysreg } from '../../sysregs/table.js';
import { ID_REGS_OURS } from '../../sysregs/id.js';
import { DEBUG_NOT_IN_QEMU } from '../../sysregs/debug.js';
import type { CpuModel } from '../../cpu/models.js';
import type { FuzzClass } from '../../cli/args.js';

export interface ClassDef {
  readonly rows: readonly Row[];
  /** Rows of the class's groups the generator never produces, and why. */
  readonly excluded: Readonly<Record<string, string>>;
  /** Bytes of scratch memory per case. */
  readonly scratch: number;
  /** Cases start from random FP state (fpvalues.ts), and V0..V31, FPCR and FPSR are compared. */
  readonly fp?: boolean;
  /** Variants (a row's non-operand fields) never produced... */
  readonly skip?: (row: string, key: Fields) => boolean;
  /** ...and why, for the report. */
  readonly skipped?: readonly string[];
  /** Variants never produced in a case at EL0 (reasons in `skipped`). */
  readonly skipAtEl0?: (row: string, key: Fields, model: CpuModel) => boolean;
  /** A readable variant name (default: the key fields). */
  readonly label?: (row: string, key: Fields) => string | undefined;
}

/** The system register a MRS/MSR variant names (op0 = 2 + o0). */
const sysreg = (k: Fields): string | undefined => findSysreg(2 + k.o0, k.op1, k.crn, k.crm, k.op2)?.name;

/** System registers the system class must not write: the driver depends on them. */
const DRIVER_REGS = ['VBAR_EL1', 'SCTLR_EL1', 'TPIDRRO_EL0'];

/** Counter views: their values depend on the counter, which differs between the two sides. */
const CLOCKED = ['CNTVCT_EL0', 'CNTPCT_EL0', 'CNTP_TVAL_EL0', 'CNTV_TVAL_EL0'];

/** Timer controls: their ISTATUS bit compares CVAL with the counter. */
const ISTATUS = ['CNTP_CTL_EL0', 'CNTV_CTL_EL0'];

/**
 * PMU counters: QEMU's cycle counter (and INST_RETIRED, without -icount not even offered)
 * follows its clock, a64emu's the instruction count (src/sysregs/pmu.ts).
 */
const PMU_COUNTERS = ['PMCCNTR_EL0', 'PMXEVCNTR_EL0', ...Array.from({ length: 31 }, (_, n) => `PMEVCNTR${n}_EL0`)];

/** PMU event lists: QEMU's are for its events, a64emu's for the events it counts. */
const PMU_EVENTS = ['PMCEID0_EL0', 'PMCEID1_EL0'];

/** Classes a64emu has no instructions for yet: the reason `fuzz` refuses them. */
export const UNSUPPORTED: Partial<Record<FuzzClass, string>> = {
};

/** The PSTATE fields of MSR (immediate) by op1.op2 (Arm ARM C6.2, MSR (immediate)). */
const MSR_IMM_FIELDS: Record<string, string> = {
  '0.3': 'UAO', '0.4': 'PAN', '0.5': 'SPSel', '3.1': 'SSBS', '3.2': 'DIT', '3.6': 'DAIFSet', '3.7': 'DAIFClr',
};

export const CLASSES: Partial<Record<FuzzClass, ClassDef>> = {
  int: {
    rows: [...DP_IMM_ROWS, ...DP_REG_ROWS, ...BRANCH_ROWS],
    excluded: {
      ERET: 'needs ELR_EL1/SPSR_EL1 set up by system instructions; every case is entered by an ERET',
    },
    scratch: 16,
  },
  fp: {
    rows: [...FP_DP_ROWS, ...FP_CONV_ROWS],
    excluded: {},
    scratch: 16,
    fp: true,
  },
  ldst: {
    rows: [...LDST_ROWS, ...ATOMIC_ROWS, ...LDST_FP_ROWS],
    excluded: {},
    scratch: 512,
    fp: true,
  },
  simd: {
    rows: [...SIMD_COPY_ROWS, ...SIMD_PERMUTE_ROWS, ...SIMD_MODIMM_ROWS, ...SIMD_3SAME_ROWS, ...SIMD_2MISC_ROWS, ...SIMD_SHIFT_ROWS, ...SIMD_ACROSS_ROWS, ...SIMD_3DIFF_ROWS, ...SIMD_3EXTRA_ROWS, ...SIMD_BYELEM_ROWS, ...SIMD_CRYPTO_ROWS, ...SIMD_FP_ROWS, ...SIMD_FHM_ROWS],
    excluded: {
      LDST_multi: 'structure loads/stores: not in the fuzz memory model (ldstmodel.ts); tests/simd/ldst_simd.test.ts runs them against QEMU live',
      LDST_multi_post: 'as LDST_multi',
      LDST_single: 'as LDST_multi',
      LDST_single_post: 'as LDST_multi',
    },
    skip: (row, k) => row === 'SHIFT_IMM_scalar' && k.u === 0 && k.opcode === 0b11111,
    skipped: [
      'FCVTZS (scalar, fixed-point) Hd, Hn: QEMU 7.2 writes a negative result sign-extended to 32 bits; the Arm ARM writes 16 bits and zeroes the rest of Vd, which a64emu does (tests/simd/fp.test.ts; the S and D forms are the same variant: left out with it)',
    ],
    scratch: 16,
    fp: true,
  },
  system: {
    rows: SYSTEM_ROWS,
    excluded: {
      EXC_call: 'exception generation (SVC/HVC/SMC) leaves the sequence',
      BRK: 'exception generation leaves the sequence',
      HLT: 'HLT #0xF000 is the semihosting call the driver itself uses; other HLTs are UNDEFINED here',
    },
    skip: (row, k) =>
      (row === 'WFx' && k.wfi === 1) ||
      (row === 'HINT' && k.crm === 0 && k.op2 === 7) ||
      (row === 'SYS' && k.op1 === 3 && k.crn === 7 && k.crm === 4 && k.op2 === 1) ||
      (row === 'MRS_MSR' && k.L === 0 && DRIVER_REGS.includes(sysreg(k) ?? '')) ||
      (row === 'MRS_MSR' && CLOCKED.includes(sysreg(k) ?? '')) ||
      (row === 'MRS_MSR' && k.L === 1 && ISTATUS.includes(sysreg(k) ?? '')) ||
      (row === 'MRS_MSR' && k.L === 0 && sysreg(k) === 'MDSCR_EL1') ||
      (row === 'MRS_MSR' && k.L === 1 && sysreg(k) === 'MDCCINT_EL1') ||
      (row === 'MRS_MSR' && DEBUG_NOT_IN_QEMU.includes(sysreg(k) ?? '')) ||
      (row === 'MRS_MSR' && k.L === 1 && sysreg(k) === 'PAR_EL1') ||
      (row === 'MRS_MSR' && k.L === 1 && PMU_COUNTERS.includes(sysreg(k) ?? '')) ||
      (row === 'MRS_MSR' && k.L === 1 && PMU_EVENTS.includes(sysreg(k) ?? '')) ||
      (row === 'MRS_MSR' && k.L === 1 && ID_REGS_OURS.has(sysreg(k) ?? '')) ||
      (row === 'MRS_MSR' && k.L === 1 && k.o0 === 1 && k.op1 === 1 && k.crn === 0 && k.crm === 0 && k.op2 === 6),
    skipAtEl0: (row, k) => row === 'MSR_imm' && k.op1 === 3 && (k.op2 === 6 || k.op2 === 7),
    skipped: [
      'WFI: QEMU waits for an interrupt, and there is none',
      'XPACLRI (HINT #7): QEMU max has FEAT_PAuth and strips the PAC field of X30 even with pointer authentication disabled; a64emu has no FEAT_PAuth (a NOP)',
      'DC ZVA: on Device memory (MMU off) an Alignment fault here, zeroing in QEMU 7.2 (a documented deviation)',
      `MSR ${DRIVER_REGS.join(', ')}: the driver's vector table, memory model and X0 stash`,
      `MRS/MSR ${CLOCKED.join(', ')}: QEMU's counter follows the host clock, a64emu's the instruction count (a TVAL write sets CVAL from the counter)`,
      `MRS ${ISTATUS.join(', ')}: ISTATUS compares CVAL with the counter, which differs between the two sides`,
      "MSR MDSCR_EL1: QEMU implements debug events (software step, MDE/KDE breakpoints and watchpoints), a64emu does not yet; with MDSCR_EL1 left at 0 the breakpoint/watchpoint and OS lock writes are harmless on both sides",
      'MRS MDCCINT_EL1: QEMU 7.2 makes it a NOP whose MRS leaves Xt unchanged; a64emu keeps TX/RX as the Arm ARM says',
      `MRS/MSR ${DEBUG_NOT_IN_QEMU.join(', ')}: mandatory in Armv8.0, absent from QEMU 7.2 (UNDEFINED there; src/sysregs/debug.ts)`,
      'MRS PAR_EL1: after an AT with the MMU off (Device-nGnRnE), PAR_EL1.SH is 0b10 here as the Arm ARM says (PAR_EL1.SH: 0b10 for any Device memory), 0b00 in QEMU 7.2; the value survives into later cases',
      `MRS ${PMU_COUNTERS.slice(0, 3).join(', ')}..: QEMU's PMU counters follow its clock (the host's, as it runs here without -icount), a64emu's the instruction count; their MSR, and the controls, are compared`,
      `MRS ${PMU_EVENTS.join(', ')}: QEMU offers INST_RETIRED (0x08) only under -icount and max lists events 0x23, 0x24 and 0x3C it does not count; a64emu lists the events it counts (SW_INCR, INST_RETIRED, CPU_CYCLES)`,
      'MRS of the ID registers whose feature fields say what a64emu implements, not what QEMU does (src/sysregs/id.ts, ID_FIELDS)',
      "MRS SMIDR_EL1 (S3_1_C0_C0_6): QEMU's max has SME (it reads 0), a64emu has no SME (FEAT_IDST: EC 0x18)",
      'at EL0, MSR DAIFSet/DAIFClr: QEMU 7.2 swaps op1 and op2 in the ISS of the trap (a documented deviation)',
    ],
    label: (row, k) => {
      // Encodings without a register (FEAT_IDST traps them) are named by their encoding.
      if (row === 'MRS_MSR') return `${k.L ? 'MRS' : 'MSR'} ${sysreg(k) ?? `S${2 + k.o0}_${k.op1}_C${k.crn}_C${k.crm}_${k.op2}`}`;
      if (row === 'MSR_imm') {
        const f = MSR_IMM_FIELDS[`${k.op1}.${k.op2}`] ?? '?';
        return `${f} #${k.crm}`;
      }
      return undefined;
    },
    scratch: 16,
  },
};
