// The generic timer's EL0/EL1 registers (Arm ARM D11, "The Generic Timer in AArch64 state"):
// the physical counter and the EL1 physical, virtual and secure physical timers. The
// system counter is cpu.counterValue (virtual time, docs/ARCHITECTURE.md "Timekeeping").
// The virtual count is the physical count minus CNTVOFF_EL2 (Arm ARM D11.1.2; 0 without EL2,
// whose slot nothing writes then). With FEAT_VHE, CNTVCT_EL0 read in the EL2&0 regime has no offset.
//
// No timer interrupts yet: there is no GIC to take them to the CPU's interrupt inputs
// (Cpu.setIrq), so a timer whose condition is met only shows it in CTL.ISTATUS.
//
// Per timer (Arm ARM D11.2.4, "Timers"):
// - CTL keeps ENABLE (bit 0) and IMASK (bit 1); ISTATUS (bit 2, read-only) is 1 when the
//   timer is enabled and its condition is met, CVAL <= count as an unsigned 64-bit compare.
//   When ENABLE is 0, ISTATUS reads 0, as in QEMU 7.2 (gt_recalc_timer clears it).
// - CVAL is a plain 64-bit comparator.
// - TVAL is a view of CVAL: reads give (CVAL - count)[31:0], zero-extended (bits [63:32]
//   are RES0); writes set CVAL = count + SignExtend(TVAL[31:0]).
// EL0 access is gated by CNTKCTL_EL1 (EL0PCTEN bit 0, EL0VCTEN bit 1, EL0VTEN bit 8, EL0PTEN
// bit 9), trapping to EL1 (EC 0x18) when clear. Then, with EL2, CNTHCTL_EL2.EL1PCTEN and
// EL1PCEN trap EL0/EL1 accesses to the physical counter and timer to EL2 (traps.ts).
//
// Reads and writes see the count at the instruction's own position in its block (`index`).

import type { Cpu } from '../cpu/cpu.js';
import { Slot } from '../cpu/state.js';
import { ScrEl3 } from './bits.js';
import { e2hOn, e2hTge } from './vhe.js';
import { ACCESS_OK, ACCESS_UNDEF, type Access, EL0_RO, EL0_RW, EL1_RW, Flag, type RowSpec, type TrapGroup } from './row.js';

/**
 * CNTKCTL_EL1 bit `bit` is set (an EL0 access is allowed); with HCR_EL2.{E2H,TGE} = {1,1}
 * CNTHCTL_EL2's bit of the same name and position decides instead (FEAT_VHE).
 */
export const cntkctl = (bit: number) => (cpu: Cpu): boolean =>
  ((cpu.r[(e2hTge(cpu) ? Slot.CNTHCTL_EL2 : Slot.CNTKCTL_EL1) * 2] >>> bit) & 1) !== 0;

type Count = (cpu: Cpu, index: number) => bigint;
const physicalCount: Count = (cpu, index) => cpu.counterValue(index);
/** CNTVCT: the physical count minus CNTVOFF_EL2. */
export const virtualCount: Count = (cpu, index) => BigInt.asUintN(64, cpu.counterValue(index) - cpu.x[Slot.CNTVOFF_EL2]);
/**
 * CNTVCT_EL0 as read now: with FEAT_VHE the offset is 0 at EL2 with E2H = 1 and at EL0 with
 * {E2H,TGE} = {1,1} (the EL2&0 regime; QEMU 7.2's gt_virt_cnt_offset).
 */
export const virtualCountRead: Count = (cpu, index) =>
  (cpu.el === 2 && e2hOn(cpu)) || (cpu.el === 0 && e2hTge(cpu)) ? cpu.counterValue(index) : virtualCount(cpu, index);

/** CTL with ISTATUS computed at `count`. */
function ctlValue(cpu: Cpu, ctlSlot: number, cvalSlot: number, count: bigint): bigint {
  const ctl = cpu.r[ctlSlot * 2] & 3;
  const met = (ctl & 1) !== 0 && cpu.x[cvalSlot] <= count;
  return BigInt(met ? ctl | 4 : ctl);
}

/** The CTL, CVAL and TVAL rows of one timer (CRm and op1 from the Arm ARM encodings). */
function timer(
  prefix: string, suffix: string, op1: number, crm: number, access: Access,
  ctlSlot: number, cvalSlot: number, count: Count, el0Trap?: (cpu: Cpu) => boolean, group?: TrapGroup,
): RowSpec[] {
  const enc = { op0: 3, op1, crn: 14, crm, group };
  return [
    {
      name: `${prefix}_TVAL_${suffix}`, ...enc, op2: 0, access, flags: Flag.NO_RAW | Flag.IO, el0Trap,
      get: (cpu, index) => BigInt.asUintN(32, cpu.x[cvalSlot] - count(cpu, index)),
      set: (cpu, v, index) => void (cpu.x[cvalSlot] = BigInt.asUintN(64, count(cpu, index) + BigInt.asIntN(32, v))),
    },
    {
      // Only ENABLE and IMASK are stored (QEMU 7.2's gt_ctl_write deposits bits [1:0]).
      name: `${prefix}_CTL_${suffix}`, ...enc, op2: 1, access, flags: Flag.IO, el0Trap,
      get: (cpu, index) => ctlValue(cpu, ctlSlot, cvalSlot, count(cpu, index)),
      set: (cpu, v) => void (cpu.x[ctlSlot] = v & 3n),
      // Raw state is the stored value, as QEMU's raw accessors of the field (ISTATUS is
      // derived from the counter on every MRS, not kept).
      raw: { get: (cpu) => cpu.x[ctlSlot], set: (cpu, v) => void (cpu.x[ctlSlot] = v) },
    },
    { name: `${prefix}_CVAL_${suffix}`, ...enc, op2: 2, access, flags: Flag.IO, el0Trap, slot: cvalSlot },
  ];
}

export const TIMER_ROWS: readonly RowSpec[] = [
  {
    // The physical count (CNTVCT_EL0, the virtual count, is in base.ts).
    name: 'CNTPCT_EL0', op0: 3, op1: 3, crn: 14, crm: 0, op2: 1, access: EL0_RO,
    flags: Flag.NO_RAW | Flag.IO,
    el0Trap: cntkctl(0), // EL0PCTEN
    group: 'counterPhys',
    get: physicalCount,
  },
  ...timer('CNTP', 'EL0', 3, 2, EL0_RW, Slot.CNTP_CTL_EL0, Slot.CNTP_CVAL_EL0, physicalCount, cntkctl(9), 'timerPhys'), // EL0PTEN
  ...timer('CNTV', 'EL0', 3, 3, EL0_RW, Slot.CNTV_CTL_EL0, Slot.CNTV_CVAL_EL0, virtualCount, cntkctl(8)), // EL0VTEN
  // The secure physical timer (Arm ARM D17.11, CNTPS_CTL_EL1): accessible at EL3; at Secure
  // EL1 when SCR_EL3.ST is 1, else trapped to EL3 (EC 0x18); UNDEFINED at EL0, EL2 and
  // Non-secure EL1 (every EL1 without EL3: a64emu's PEs without EL3 are Non-secure). The
  // state exists without EL3 too, as in QEMU 7.2, for the raw accessors.
  ...timer('CNTPS', 'EL1', 7, 2, EL1_RW, Slot.CNTPS_CTL_EL1, Slot.CNTPS_CVAL_EL1, physicalCount)
    .map((row) => ({ ...row, accessTrap: securePhysicalTrap })),
  // The EL2 physical timer (Arm ARM D17.11, CNTHP_CTL_EL2), of the physical count; without EL2
  // but with EL3, RES0 from EL3 (table.ts). Its interrupt waits for the GIC, like the others.
  ...timer('CNTHP', 'EL2', 4, 2, { read: 2, write: 2 }, Slot.CNTHP_CTL_EL2, Slot.CNTHP_CVAL_EL2, physicalCount)
    .map((row): RowSpec => ({ ...row, feature: 'EL2' })),
  // FEAT_VHE: the EL2 virtual timer, of the count with no offset (the EL2&0 virtual count, as
  // QEMU 7.2's GTIMER_HYPVIRT).
  ...timer('CNTHV', 'EL2', 4, 3, { read: 2, write: 2 }, Slot.CNTHV_CTL_EL2, Slot.CNTHV_CVAL_EL2, physicalCount)
    .map((row): RowSpec => ({ ...row, feature: 'EL2', features: ['VHE'] })),
];

/** CNTPS_*_EL1 at EL1/EL2: UNDEFINED unless Secure EL1, trapped to EL3 there unless SCR_EL3.ST. */
function securePhysicalTrap(cpu: Cpu): number {
  if (cpu.el === 3) return ACCESS_OK;
  if (cpu.el === 2 || !cpu.model.features.EL3) return ACCESS_UNDEF;
  const scr = cpu.r[Slot.SCR_EL3 * 2];
  if ((scr & ScrEl3.NS) !== 0) return ACCESS_UNDEF;
  return (scr & ScrEl3.ST) === 0 ? 3 : ACCESS_OK;
}
