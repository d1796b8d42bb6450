// The EL1 memory-system registers (Arm ARM D17.2): translation table bases and control,
// memory attributes, the address translation result, and the IMPLEMENTATION DEFINED
// auxiliary registers; RVBAR_EL1 and ISR_EL1. Stage 1 translation is not implemented yet:
// the registers are plain storage, and the writes that change translation (TTBR0/1, TCR,
// MAIR) set `context` as SCTLR_EL1 does, so the MMU issue can hook in there.
//
// Write masks: like QEMU 7.2 (vmsa_ttbr_write, vmsa_tcr_el12_write, contextidr_write keep
// the whole value for AArch64), every bit written is kept, RES0 bits included (the
// architecture allows RES0 bits to be stored).

import { isrValue } from '../cpu/interrupts.js';
import { Slot } from '../cpu/state.js';
import { EL1_RO, EL1_RW, Flag, Hcr, VM_TRAP, type RowSpec } from './row.js';

export const MMU_ROWS: readonly RowSpec[] = [
  { name: 'TTBR0_EL1', op0: 3, op1: 0, crn: 2, crm: 0, op2: 0, access: EL1_RW, slot: Slot.TTBR0_EL1, context: true, hcrTrap: VM_TRAP },
  { name: 'TTBR1_EL1', op0: 3, op1: 0, crn: 2, crm: 0, op2: 1, access: EL1_RW, slot: Slot.TTBR1_EL1, context: true, hcrTrap: VM_TRAP },
  { name: 'TCR_EL1', op0: 3, op1: 0, crn: 2, crm: 0, op2: 2, access: EL1_RW, slot: Slot.TCR_EL1, context: true, hcrTrap: VM_TRAP },
  { name: 'MAIR_EL1', op0: 3, op1: 0, crn: 10, crm: 2, op2: 0, access: EL1_RW, slot: Slot.MAIR_EL1, context: true, hcrTrap: VM_TRAP },
  { name: 'CONTEXTIDR_EL1', op0: 3, op1: 0, crn: 13, crm: 0, op2: 1, access: EL1_RW, slot: Slot.CONTEXTIDR_EL1, hcrTrap: VM_TRAP },
  // Written by AT (sysops.ts) and by MSR.
  { name: 'PAR_EL1', op0: 3, op1: 0, crn: 7, crm: 4, op2: 0, access: EL1_RW, slot: Slot.PAR_EL1 },
  // IMPLEMENTATION DEFINED contents: a64emu, like QEMU 7.2's models, implements none, so
  // they read as zero and ignore writes (QEMU's ARM_CP_CONST with PL1_RW access).
  { name: 'ACTLR_EL1', op0: 3, op1: 0, crn: 1, crm: 0, op2: 1, access: EL1_RW, flags: Flag.CONST, value: () => 0n, hcrTrap: { read: Hcr.TACR, write: Hcr.TACR } },
  { name: 'AFSR0_EL1', op0: 3, op1: 0, crn: 5, crm: 1, op2: 0, access: EL1_RW, flags: Flag.CONST, value: () => 0n, hcrTrap: VM_TRAP },
  { name: 'AFSR1_EL1', op0: 3, op1: 0, crn: 5, crm: 1, op2: 1, access: EL1_RW, flags: Flag.CONST, value: () => 0n, hcrTrap: VM_TRAP },
  { name: 'AMAIR_EL1', op0: 3, op1: 0, crn: 10, crm: 3, op2: 0, access: EL1_RW, flags: Flag.CONST, value: () => 0n, hcrTrap: VM_TRAP },
  // The reset vector address: QEMU's virt board leaves the CPU's rvbar property at 0. Only
  // the highest EL has its RVBAR_ELx (Arm ARM D17.2, RVBAR_EL1/EL2/EL3).
  { name: 'RVBAR_EL1', op0: 3, op1: 0, crn: 12, crm: 0, op2: 1, access: EL1_RO, flags: Flag.CONST, value: () => 0n, onlyAtHighestEl: 1 },
  {
    name: 'RVBAR_EL2', op0: 3, op1: 4, crn: 12, crm: 0, op2: 1, access: { read: 2, write: 4 }, flags: Flag.CONST,
    value: () => 0n, onlyAtHighestEl: 2,
  },
  {
    name: 'RVBAR_EL3', op0: 3, op1: 6, crn: 12, crm: 0, op2: 1, access: { read: 3, write: 4 }, flags: Flag.CONST,
    value: () => 0n, onlyAtHighestEl: 3,
  },
  {
    // Pending IRQ/FIQ/SError (Arm ARM D17.2, ISR_EL1; cpu/interrupts.ts). Computed, so
    // NO_RAW (as QEMU's isr_read).
    name: 'ISR_EL1', op0: 3, op1: 0, crn: 12, crm: 1, op2: 0, access: EL1_RO, flags: Flag.NO_RAW,
    get32: isrValue,
  },
];
