// The EL3 registers (Arm ARM D17.2, "Security registers" and the EL3 views of the exception
// and memory-system registers), present when the model has EL3 (start mode `--el 3`, QEMU's
// secure=on). Accessible from EL3 only, UNDEFINED below (Access {3, 3}). Reset values are
// QEMU 7.2's (tests/sysregs/qemu/<model>-el3.json), except SCR_EL3.RW (see below).
//
// Write masks: like QEMU 7.2, registers keep every bit written, except VBAR_EL3 (bits
// [4:0] forced to zero) and SCR_EL3 (Armv8.0 fields and those of the model's features; RES1
// and RAO bits forced to one).

import { sync } from './pmu.js';
import { Slot } from '../cpu/state.js';
import { ScrEl3Bit } from './bits.js';
import { Flag, type Access, type RowSpec, MASK64, bit64 } from './row.js';

const EL3_RW: Access = { read: 3, write: 3 };

/** The SCR_EL3 bits its write mask treats specially (Arm ARM D17.2.117). */
const SCR = {
  HCE: 1n << 8n,
  /** RW: RAO/WI when no lower EL can use AArch32, as here. */
  RW: 1n << 10n,
  /** TERR: traps the error record registers (FEAT_RAS). */
  TERR: bit64(ScrEl3Bit.TERR),
} as const;
/** Bits [5:4] are RES1 (QEMU 7.2 resets SCR_EL3 to 0x30). */
const SCR_RES1 = 0x30n;
/** The Armv8.0 fields: NS IRQ FIQ EA [3:0], RES1 [5:4], SMD, HCE, SIF, RW, ST, TWI, TWE [13:7]. */
const SCR_V80 = 0x3fbfn;

const el3 = (name: string, crn: number, crm: number, op2: number, rest: Partial<RowSpec>): RowSpec => ({
  name, op0: 3, op1: 6, crn, crm, op2, access: EL3_RW, feature: 'EL3', ...rest,
});
/** IMPLEMENTATION DEFINED registers with no contents: RAZ/WI (QEMU's ARM_CP_CONST, value 0). */
const razWi = (name: string, crn: number, crm: number, op2: number): RowSpec =>
  el3(name, crn, crm, op2, { flags: Flag.CONST, value: () => 0n });

export const EL3_ROWS: readonly RowSpec[] = [
  // QEMU's reset value for the model (the same as SCTLR_EL1's): MMU and caches off, SA = 1.
  el3('SCTLR_EL3', 1, 0, 0, { slot: Slot.SCTLR_EL1 + 2, reset: (m) => m.resetSctlr, context: true }),
  razWi('ACTLR_EL3', 1, 0, 1),
  el3('SCR_EL3', 1, 1, 0, {
    slot: Slot.SCR_EL3, reset: () => SCR_RES1 | SCR.RW, res1: SCR_RES1 | SCR.RW, context: true,
    // HCE is RES0 without EL2 (Arm ARM D17.2.117; QEMU 7.2's scr_write masks it too). Beyond
    // Armv8.0: TERR (15) with FEAT_RAS, TLOR (14) with FEAT_LOR, EnSCXT (25) with FEAT_CSV2_2,
    // HXEn (38) with FEAT_HCX.
    res0For: (m) =>
      (m.features.EL2 ? 0n : SCR.HCE) |
      (MASK64 & ~SCR_V80 & ~(m.features.RAS ? SCR.TERR : 0n) & ~(m.features.LOR ? bit64(ScrEl3Bit.TLOR) : 0n) &
        ~(m.features.HCX ? bit64(ScrEl3Bit.HXEn) : 0n) & ~(m.features.SCXTNUM ? bit64(ScrEl3Bit.EnSCXT) : 0n)),
  }),
  el3('CPTR_EL3', 1, 1, 2, { slot: Slot.CPTR_EL3, context: true }), // TFP: Cpu.fpEnabled
  // SPME and SCCD decide whether the PMU counts in Secure state (pmu.ts), so a write first
  // brings the counters up to it, as MDCR_EL2's.
  el3('MDCR_EL3', 1, 3, 1, {
    reset: () => 0n,
    get: (cpu) => cpu.x[Slot.MDCR_EL3],
    set: (cpu, v, index) => (sync(cpu, cpu.icount + index), void (cpu.x[Slot.MDCR_EL3] = v)),
    raw: { get: (cpu) => cpu.x[Slot.MDCR_EL3], set: (cpu, v) => (sync(cpu, cpu.icount), void (cpu.x[Slot.MDCR_EL3] = v)) },
  }),
  el3('TTBR0_EL3', 2, 0, 0, { slot: Slot.TTBR0_EL3, context: true }),
  el3('TCR_EL3', 2, 0, 2, { slot: Slot.TCR_EL3, context: true }),
  el3('SPSR_EL3', 4, 0, 0, { slot: Slot.SPSR_EL1 + 2 }),
  el3('ELR_EL3', 4, 0, 1, { slot: Slot.ELR_EL1 + 2 }),
  {
    // ALIAS, as SP_EL1: the banked stack pointer is core state.
    ...el3('SP_EL2', 4, 1, 0, { flags: Flag.ALIAS }),
    get: (cpu) => cpu.getSpEl(2),
    set: (cpu, v) => cpu.setSpEl(2, v),
    raw: { get: (cpu) => cpu.getSpEl(2), set: (cpu, v) => cpu.setSpEl(2, v) },
  },
  razWi('AFSR0_EL3', 5, 1, 0),
  razWi('AFSR1_EL3', 5, 1, 1),
  el3('ESR_EL3', 5, 2, 0, { slot: Slot.ESR_EL1 + 2 }),
  el3('FAR_EL3', 6, 0, 0, { slot: Slot.FAR_EL1 + 2 }),
  el3('MAIR_EL3', 10, 2, 0, { slot: Slot.MAIR_EL3, context: true }),
  razWi('AMAIR_EL3', 10, 3, 0),
  el3('VBAR_EL3', 12, 0, 0, { slot: Slot.VBAR_EL1 + 2, res0: 0x1fn }),
  el3('TPIDR_EL3', 13, 0, 2, { slot: Slot.TPIDR_EL3 }),
];
