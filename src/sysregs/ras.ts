// FEAT_RAS (Arm ARM D17.2, the RAS registers; "Error synchronization barrier"), as QEMU 7.2
// gives its max CPU: no error records (ERRIDR_EL1.NUM = 0, so ERRSELR_EL1 and the ERX*
// registers, which the Arm ARM allows to be UNDEFINED then, are absent as in QEMU), DISR_EL1
// (redirected to VDISR_EL2 at EL1 when HCR_EL2.AMO is 1, RAZ/WI below EL3 when SCR_EL3.EA is 1),
// VDISR_EL2 and VSESR_EL2. ESB (insns/system.ts) defers pending masked SErrors into
// DISR_EL1/VDISR_EL2: esbOperation below.

import type { Cpu } from '../cpu/cpu.js';
import { Line, hcrEffective, physicalTarget } from '../cpu/interrupts.js';
import { HcrEl2, HcrEl2Bit, ScrEl3 } from './bits.js';
import { el2Enabled, hcrBit } from './access.js';
import { Slot, lo } from '../cpu/state.js';
import { EL1_RO, EL1_RW, Flag, type Access, type RowSpec } from './row.js';

const EL2_RW: Access = { read: 2, write: 2 };
const SCR = lo(Slot.SCR_EL3);

/**
 * The trap of an error-record register access (ERRIDR_EL1, ...): HCR_EL2.TERR traps EL0/EL1
 * to EL2 (with EL2 enabled), SCR_EL3.TERR traps EL0-EL2 to EL3 (Arm ARM, ERRIDR_EL1
 * accessibility pseudocode; QEMU 7.2's access_terr).
 */
function terrTrap(cpu: Cpu): number {
  if (cpu.el < 2 && el2Enabled(cpu) && hcrBit(cpu, HcrEl2Bit.TERR) !== 0) return 2;
  if (cpu.el < 3 && cpu.model.features.EL3 && (cpu.r[SCR] & ScrEl3.TERR) !== 0) return 3;
  return 0;
}

/** DISR_EL1 as an access at the current EL sees it: VDISR_EL2 (AMO), nothing (SCR_EL3.EA), or itself. */
function disrSlot(cpu: Cpu): number {
  if (cpu.el < 2 && (hcrEffective(cpu) & HcrEl2.AMO) !== 0) return Slot.VDISR_EL2;
  if (cpu.el < 3 && cpu.model.features.EL3 && (cpu.r[SCR] & ScrEl3.EA) !== 0) return -1;
  return Slot.DISR_EL1;
}

export const RAS_ROWS: readonly RowSpec[] = [
  {
    name: 'ERRIDR_EL1', op0: 3, op1: 0, crn: 5, crm: 3, op2: 0, access: EL1_RO, feature: 'RAS',
    flags: Flag.CONST, value: () => 0n, accessTrap: terrTrap,
  },
  {
    name: 'DISR_EL1', op0: 3, op1: 0, crn: 12, crm: 1, op2: 1, access: EL1_RW, feature: 'RAS',
    get: (cpu) => {
      const s = disrSlot(cpu);
      return s < 0 ? 0n : cpu.x[s];
    },
    set: (cpu, v) => {
      const s = disrSlot(cpu);
      if (s >= 0) cpu.x[s] = v;
    },
    raw: { get: (cpu) => cpu.x[Slot.DISR_EL1], set: (cpu, v) => void (cpu.x[Slot.DISR_EL1] = v) },
  },
  {
    name: 'VDISR_EL2', op0: 3, op1: 4, crn: 12, crm: 1, op2: 1, access: EL2_RW, feature: 'RAS', features: ['EL2'],
    slot: Slot.VDISR_EL2,
  },
  {
    name: 'VSESR_EL2', op0: 3, op1: 4, crn: 5, crm: 2, op2: 3, access: EL2_RW, feature: 'RAS', features: ['EL2'],
    slot: Slot.VSESR_EL2,
  },
];

/** AArch64.ReportDeferredSError: A [31], IDS [24] and ISS [23:0] from the syndrome. */
const deferred = (iss: number): bigint => BigInt(((iss & 0x1ffffff) | 0x80000000) >>> 0);

/**
 * ESB (Arm ARM C6.2 ESB, AArch64.ESBOperation and AArch64.vESBOperation): a pending physical
 * SError that is masked (or routed below the current EL) is deferred into DISR_EL1 and
 * cleared; at EL0/EL1 with EL2 enabled, a pending virtual SError (HCR_EL2.VSE, AMO = 1,
 * TGE = 0) masked by PSTATE.A is deferred into VDISR_EL2 with VSESR_EL2's syndrome, and VSE
 * cleared. An unmasked one is taken at the next block boundary, right after the ESB.
 */
export function esbOperation(cpu: Cpu): void {
  if ((cpu.irqLines & Line.SERROR) !== 0 && physicalTarget(cpu, ScrEl3.EA, HcrEl2.AMO, 4) === 0) {
    cpu.x[Slot.DISR_EL1] = deferred(cpu.serrorIss);
    cpu.setSError(false);
  }
  if (cpu.el > 1 || (cpu.irqLines & Line.VSERROR) === 0) return;
  const h = hcrEffective(cpu);
  if ((h & HcrEl2.TGE) !== 0 || (h & HcrEl2.AMO) === 0 || (cpu.daif & 4) === 0) return;
  cpu.x[Slot.VDISR_EL2] = deferred(cpu.r[lo(Slot.VSESR_EL2)]);
  cpu.r[lo(Slot.HCR_EL2)] &= ~HcrEl2.VSE;
  cpu.hcrChanged();
}
