// The system registers the integer core needs before the full cpreg table exists: one row
// per register, keyed by its encoding (op0, op1, CRn, CRm, op2). Encodings and reset values
// are from the Arm ARM (chapter D17) and QEMU's models. RES0 bits are stored as written
// (which the architecture allows) except where QEMU masks them, so reads match QEMU. The complete table, with QEMU's
// ALIAS/NO_RAW/CONST/IO flags and KVM IDs, replaces this file.

import type { Cpu } from '../cpu/cpu.js';
import { Slot } from '../cpu/state.js';

/** Who may touch a register: the lowest EL for reads and writes (4 = never). */
export interface Access {
  readonly read: number;
  readonly write: number;
}

export interface SysregRow {
  readonly name: string;
  readonly op0: number;
  readonly op1: number;
  readonly crn: number;
  readonly crm: number;
  readonly op2: number;
  readonly access: Access;
  /** Backing storage in the register file, for plain registers. */
  readonly slot?: number;
  /** Bits forced to zero on writes. */
  readonly res0?: bigint;
  /** Computed registers. */
  readonly get?: (cpu: Cpu, index: number) => bigint;
  readonly set?: (cpu: Cpu, v: bigint) => void;
  /** Computed registers whose upper 32 bits are zero (PSTATE views): no BigInt. */
  readonly get32?: (cpu: Cpu) => number;
  readonly set32?: (cpu: Cpu, lo: number) => void;
  /**
   * EL0 access that the architecture traps to EL1 (EC 0x18) rather than making
   * UNDEFINED, with the condition under which it is allowed.
   */
  readonly el0Trap?: (cpu: Cpu) => boolean;
  /** The write changes what the memory system or decoded code depend on. */
  readonly context?: boolean;
}

const EL0_RW: Access = { read: 0, write: 0 };
const EL1_RW: Access = { read: 1, write: 1 };
const EL1_RO: Access = { read: 1, write: 4 };

export const STOPGAP_SYSREGS: readonly SysregRow[] = [
  {
    name: 'NZCV', op0: 3, op1: 3, crn: 4, crm: 2, op2: 0, access: EL0_RW,
    get32: (cpu) => cpu.nzcv | 0,
    set32: (cpu, v) => void (cpu.nzcv = v & 0xf0000000),
  },
  {
    // EL0 access is allowed when SCTLR_EL1.UMA is 1, otherwise trapped to EL1.
    name: 'DAIF', op0: 3, op1: 3, crn: 4, crm: 2, op2: 1, access: EL0_RW,
    el0Trap: (cpu) => ((cpu.r[Slot.SCTLR_EL1 * 2] >>> 9) & 1) !== 0, // SCTLR_EL1.UMA
    get32: (cpu) => cpu.daif << 6,
    set32: (cpu, v) => void (cpu.daif = (v >>> 6) & 0xf),
    context: true,
  },
  { name: 'CurrentEL', op0: 3, op1: 0, crn: 4, crm: 2, op2: 2, access: EL1_RO, get: (cpu) => BigInt(cpu.el << 2) },
  {
    name: 'SPSel', op0: 3, op1: 0, crn: 4, crm: 2, op2: 0, access: EL1_RW,
    get: (cpu) => BigInt(cpu.spsel),
    set: (cpu, v) => cpu.selectSp(cpu.el, Number(v & 1n)),
  },
  {
    // SP_EL0 is UNDEFINED while it is the stack pointer in use (Arm ARM D17.2.133).
    name: 'SP_EL0', op0: 3, op1: 0, crn: 4, crm: 1, op2: 0, access: EL1_RW,
    get: (cpu) => (cpu.spsel === 0 ? cpu.undef() : cpu.getSpEl(0)),
    set: (cpu, v) => (cpu.spsel === 0 ? cpu.undef() : cpu.setSpEl(0, v)),
  },
  { name: 'SPSR_EL1', op0: 3, op1: 0, crn: 4, crm: 0, op2: 0, access: EL1_RW, slot: Slot.SPSR_EL1 },
  { name: 'ELR_EL1', op0: 3, op1: 0, crn: 4, crm: 0, op2: 1, access: EL1_RW, slot: Slot.ELR_EL1 },
  { name: 'ESR_EL1', op0: 3, op1: 0, crn: 5, crm: 2, op2: 0, access: EL1_RW, slot: Slot.ESR_EL1 },
  { name: 'FAR_EL1', op0: 3, op1: 0, crn: 6, crm: 0, op2: 0, access: EL1_RW, slot: Slot.FAR_EL1 },
  // Bits [10:0] are RES0; like QEMU, only [4:0] are forced to zero on writes.
  { name: 'VBAR_EL1', op0: 3, op1: 0, crn: 12, crm: 0, op2: 0, access: EL1_RW, slot: Slot.VBAR_EL1, res0: 0x1fn },
  { name: 'SCTLR_EL1', op0: 3, op1: 0, crn: 1, crm: 0, op2: 0, access: EL1_RW, slot: Slot.SCTLR_EL1, context: true },
  // CPACR_EL1 keeps every bit written, as in QEMU 7.2 (its cpacr_write masks only on Armv7).
  { name: 'CPACR_EL1', op0: 3, op1: 0, crn: 1, crm: 0, op2: 2, access: EL1_RW, slot: Slot.CPACR_EL1 },
  { name: 'TPIDR_EL0', op0: 3, op1: 3, crn: 13, crm: 0, op2: 2, access: EL0_RW, slot: Slot.TPIDR_EL0 },
  { name: 'TPIDRRO_EL0', op0: 3, op1: 3, crn: 13, crm: 0, op2: 3, access: { read: 0, write: 1 }, slot: Slot.TPIDRRO_EL0 },
  { name: 'TPIDR_EL1', op0: 3, op1: 0, crn: 13, crm: 0, op2: 4, access: EL1_RW, slot: Slot.TPIDR_EL1 },
  // CNTKCTL_EL1: only the EL0 access enables are modelled (EL0PCTEN bit 0, EL0VCTEN bit 1);
  // like QEMU 7.2 (a plain 64-bit field), the register keeps every bit written.
  { name: 'CNTKCTL_EL1', op0: 3, op1: 0, crn: 14, crm: 1, op2: 0, access: EL1_RW, slot: Slot.CNTKCTL_EL1 },
  {
    // EL0 reads need CNTKCTL_EL1.EL0PCTEN or EL0VCTEN, else they trap to EL1.
    // Writable only at the highest implemented EL (Arm ARM D17.11.1).
    name: 'CNTFRQ_EL0', op0: 3, op1: 3, crn: 14, crm: 0, op2: 0, access: { read: 0, write: 1 },
    el0Trap: (cpu) => (cpu.r[Slot.CNTKCTL_EL1 * 2] & 3) !== 0,
    get: (cpu) => cpu.cntfrq,
    // Bits [63:32] are RES0; like QEMU 7.2 (a plain 64-bit field), they keep what was written.
    set: (cpu, v) => void (cpu.highestEl === cpu.el ? (cpu.cntfrq = v) : cpu.undef()),
  },
  {
    name: 'CNTVCT_EL0', op0: 3, op1: 3, crn: 14, crm: 0, op2: 2, access: { read: 0, write: 4 },
    el0Trap: (cpu) => (cpu.r[Slot.CNTKCTL_EL1 * 2] & 2) !== 0,
    get: (cpu, index) => cpu.counterValue(index),
  },
  { name: 'MIDR_EL1', op0: 3, op1: 0, crn: 0, crm: 0, op2: 0, access: EL1_RO, get: (cpu) => cpu.model.midr },
  // REVIDR_EL1: QEMU's cortex-a57, cortex-a72 and max report 0.
  { name: 'REVIDR_EL1', op0: 3, op1: 0, crn: 0, crm: 0, op2: 6, access: EL1_RO, get: () => 0n },
  // MPIDR_EL1 of CPU 0: bit 31 is RES1 (Arm ARM D17.2.101), Aff0 = 0.
  { name: 'MPIDR_EL1', op0: 3, op1: 0, crn: 0, crm: 0, op2: 5, access: EL1_RO, get: () => 0x80000000n },
  // DCZID_EL0: DC ZVA blocks of 2^4 words (64 bytes), as on Cortex-A57 and QEMU; DZP (bit 4)
  // reads 1 where DC ZVA is prohibited: at EL0 while SCTLR_EL1.DZE (bit 14) is 0.
  {
    name: 'DCZID_EL0', op0: 3, op1: 3, crn: 0, crm: 0, op2: 7, access: { read: 0, write: 4 },
    get32: (cpu) => (cpu.el === 0 && ((cpu.r[Slot.SCTLR_EL1 * 2] >>> 14) & 1) === 0 ? 0x14 : 0x4),
  },
];

export const encodingKey = (op0: number, op1: number, crn: number, crm: number, op2: number): number =>
  (op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2;

const BY_KEY = new Map(STOPGAP_SYSREGS.map((r) => [encodingKey(r.op0, r.op1, r.crn, r.crm, r.op2), r]));

export function findSysreg(op0: number, op1: number, crn: number, crm: number, op2: number): SysregRow | undefined {
  return BY_KEY.get(encodingKey(op0, op1, crn, crm, op2));
}
