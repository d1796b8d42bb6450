// The registers of the Armv8.0 core that the integer core uses: PSTATE views, the EL1
// exception registers, thread IDs, the generic timer's EL0/EL1 controls. Encodings and reset
// values are from the Arm ARM (chapter D17) and QEMU's models. RES0 bits are stored as
// written (which the architecture allows) except where QEMU masks them, so reads match QEMU.

import { Slot } from '../cpu/state.js';
import { cntkctl, virtualCountRead } from './timer.js';
import { el0Sctlr } from './vhe.js';
import { EL0_RW, EL1_RO, EL1_RW, Flag, VM_TRAP, type RowSpec } from './row.js';

/** CNTKCTL_EL1.EL0PCTEN / EL0VCTEN (CNTHCTL_EL2's with HCR_EL2.{E2H,TGE} = {1,1}). */
const EL0PCTEN = cntkctl(0);
const EL0VCTEN = cntkctl(1);

export const BASE_ROWS: readonly RowSpec[] = [
  {
    // PSTATE views are NO_RAW (as QEMU): KVM carries PSTATE in the core registers.
    name: 'NZCV', op0: 3, op1: 3, crn: 4, crm: 2, op2: 0, access: EL0_RW, flags: Flag.NO_RAW,
    get32: (cpu) => cpu.nzcv | 0,
    set32: (cpu, v) => void (cpu.nzcv = v & 0xf0000000),
  },
  {
    // EL0 access is allowed when SCTLR_EL1.UMA is 1, otherwise trapped to EL1.
    name: 'DAIF', op0: 3, op1: 3, crn: 4, crm: 2, op2: 1, access: EL0_RW, flags: Flag.NO_RAW,
    el0Trap: (cpu) => ((cpu.r[el0Sctlr(cpu)] >>> 9) & 1) !== 0, // SCTLR_EL1.UMA (SCTLR_EL2's in host)
    get32: (cpu) => cpu.daif << 6,
    set32: (cpu, v) => void (cpu.daif = (v >>> 6) & 0xf),
    context: true,
  },
  {
    name: 'CurrentEL', op0: 3, op1: 0, crn: 4, crm: 2, op2: 2, access: EL1_RO, flags: Flag.NO_RAW,
    get: (cpu) => BigInt(cpu.el << 2),
  },
  {
    name: 'SPSel', op0: 3, op1: 0, crn: 4, crm: 2, op2: 0, access: EL1_RW, flags: Flag.NO_RAW,
    get: (cpu) => BigInt(cpu.spsel),
    set: (cpu, v) => cpu.selectSp(cpu.el, Number(v & 1n)),
  },
  {
    // SP_EL0 is UNDEFINED while it is the stack pointer in use (Arm ARM D17.2.133). ALIAS:
    // KVM carries it in the core registers (QEMU flags it the same way).
    name: 'SP_EL0', op0: 3, op1: 0, crn: 4, crm: 1, op2: 0, access: EL1_RW, flags: Flag.ALIAS,
    get: (cpu) => (cpu.spsel === 0 ? cpu.undef() : cpu.getSpEl(0)),
    set: (cpu, v) => (cpu.spsel === 0 ? cpu.undef() : cpu.setSpEl(0, v)),
    raw: { get: (cpu) => cpu.getSpEl(0), set: (cpu, v) => cpu.setSpEl(0, v) },
  },
  {
    // SP_EL1 is accessible from EL2 and EL3 only (UNDEFINED below); ALIAS: a KVM core register.
    name: 'SP_EL1', op0: 3, op1: 4, crn: 4, crm: 1, op2: 0, access: { read: 2, write: 2 }, flags: Flag.ALIAS,
    get: (cpu) => cpu.getSpEl(1),
    set: (cpu, v) => cpu.setSpEl(1, v),
    raw: { get: (cpu) => cpu.getSpEl(1), set: (cpu, v) => cpu.setSpEl(1, v) },
  },
  // SPSR_EL1 and ELR_EL1 are core registers for KVM (struct kvm_regs): ALIAS, as in QEMU.
  { name: 'SPSR_EL1', op0: 3, op1: 0, crn: 4, crm: 0, op2: 0, access: EL1_RW, flags: Flag.ALIAS, slot: Slot.SPSR_EL1 },
  { name: 'ELR_EL1', op0: 3, op1: 0, crn: 4, crm: 0, op2: 1, access: EL1_RW, flags: Flag.ALIAS, slot: Slot.ELR_EL1 },
  { name: 'ESR_EL1', op0: 3, op1: 0, crn: 5, crm: 2, op2: 0, access: EL1_RW, slot: Slot.ESR_EL1, hcrTrap: VM_TRAP },
  { name: 'FAR_EL1', op0: 3, op1: 0, crn: 6, crm: 0, op2: 0, access: EL1_RW, slot: Slot.FAR_EL1, hcrTrap: VM_TRAP },
  // Bits [10:0] are RES0; like QEMU, only [4:0] are forced to zero on writes.
  { name: 'VBAR_EL1', op0: 3, op1: 0, crn: 12, crm: 0, op2: 0, access: EL1_RW, slot: Slot.VBAR_EL1, res0: 0x1fn },
  {
    name: 'SCTLR_EL1', op0: 3, op1: 0, crn: 1, crm: 0, op2: 0, access: EL1_RW, slot: Slot.SCTLR_EL1,
    reset: (m) => m.resetSctlr, context: true, hcrTrap: VM_TRAP,
  },
  // CPACR_EL1 keeps every bit written, as in QEMU 7.2 (its cpacr_write masks only on Armv7).
  // CPTR_EL2.TCPAC / CPTR_EL3.TCPAC trap EL1 accesses (traps.ts, 'cpacr'). context: FPEN
  // decides Cpu.fpEnabled.
  { name: 'CPACR_EL1', op0: 3, op1: 0, crn: 1, crm: 0, op2: 2, access: EL1_RW, slot: Slot.CPACR_EL1, group: 'cpacr', context: true },
  { name: 'TPIDR_EL0', op0: 3, op1: 3, crn: 13, crm: 0, op2: 2, access: EL0_RW, slot: Slot.TPIDR_EL0 },
  { name: 'TPIDRRO_EL0', op0: 3, op1: 3, crn: 13, crm: 0, op2: 3, access: { read: 0, write: 1 }, slot: Slot.TPIDRRO_EL0 },
  { name: 'TPIDR_EL1', op0: 3, op1: 0, crn: 13, crm: 0, op2: 4, access: EL1_RW, slot: Slot.TPIDR_EL1 },
  // CNTKCTL_EL1: only the EL0 access enables are modelled (EL0PCTEN bit 0, EL0VCTEN bit 1);
  // like QEMU 7.2 (a plain 64-bit field), the register keeps every bit written.
  { name: 'CNTKCTL_EL1', op0: 3, op1: 0, crn: 14, crm: 1, op2: 0, access: EL1_RW, slot: Slot.CNTKCTL_EL1 },
  {
    // EL0 reads need CNTKCTL_EL1.EL0PCTEN or EL0VCTEN, else they trap to EL1.
    // Writable only at the highest implemented EL (Arm ARM D17.11.1). The reset value is
    // the board's counter frequency (cpu.resetTo).
    name: 'CNTFRQ_EL0', op0: 3, op1: 3, crn: 14, crm: 0, op2: 0, access: { read: 0, write: 1 },
    el0Trap: (cpu) => EL0PCTEN(cpu) || EL0VCTEN(cpu),
    get: (cpu) => cpu.cntfrq,
    // Bits [63:32] are RES0; like QEMU 7.2 (a plain 64-bit field), they keep what was written.
    set: (cpu, v) => void (cpu.highestEl === cpu.el ? (cpu.cntfrq = v) : cpu.undef()),
    raw: { get: (cpu) => cpu.cntfrq, set: (cpu, v) => void (cpu.cntfrq = BigInt.asUintN(64, v)) },
  },
  {
    name: 'CNTVCT_EL0', op0: 3, op1: 3, crn: 14, crm: 0, op2: 2, access: { read: 0, write: 4 },
    flags: Flag.NO_RAW | Flag.IO,
    el0Trap: EL0VCTEN,
    get: virtualCountRead,
  },
];
