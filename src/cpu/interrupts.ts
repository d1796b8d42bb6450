// Asynchronous exceptions: the interrupt inputs of the PE (physical IRQ, FIQ, SError from
// the board; virtual IRQ, FIQ, SError from HCR_EL2.VI/VF/VSE), their routing and masking
// (Arm ARM D1.3.6 "Asynchronous exception routing" and "Asynchronous exception masking",
// table R_SXLWJ; HCR_EL2.IMO/FMO/AMO, TGE; SCR_EL3.IRQ/FIQ/EA), and taking them.
// The run loop tests `cpu.irqLines` once per block; only when a line is up does it call
// takeInterrupt.

import { el2Enabled } from '../sysregs/access.js';
import { ExcKind, esrOf, EC, takeException } from './exception.js';
import type { Cpu } from './cpu.js';
import { Slot, lo } from './state.js';
import { pmuElChange } from '../sysregs/pmu.js';
import { HcrEl2, ScrEl3 } from '../sysregs/bits.js';

/** The bits of Cpu.irqLines. Physical lines are levels set by the board; virtual ones mirror HCR_EL2. */
export const Line = {
  IRQ: 1,
  FIQ: 2,
  SERROR: 4,
  VIRQ: 8,
  VFIQ: 16,
  VSERROR: 32,
} as const;
export const PHYSICAL_LINES = Line.IRQ | Line.FIQ | Line.SERROR;
export const VIRTUAL_LINES = Line.VIRQ | Line.VFIQ | Line.VSERROR;

/** PSTATE.DAIF as the CPU holds it (D=8, A=4, I=2, F=1). */
const PSTATE_A = 4;
const PSTATE_I = 2;
const PSTATE_F = 1;

const HCR = lo(Slot.HCR_EL2);
const SCR = lo(Slot.SCR_EL3);

/**
 * HCR_EL2's low word as it behaves (not as read): 0 when EL2 is not enabled, and with TGE = 1
 * (E2H is 0: no FEAT_VHE) IMO/FMO/AMO behave as 1 (Arm ARM D17.2.48, HCR_EL2.IMO).
 */
export function hcrEffective(cpu: Cpu): number {
  if (!el2Enabled(cpu)) return 0;
  const h = cpu.r[HCR];
  return (h & HcrEl2.TGE) !== 0 ? h | HcrEl2.IMO | HcrEl2.FMO | HcrEl2.AMO : h;
}

/** The virtual lines that HCR_EL2.VI/VF/VSE raise (they are pending whatever the routing). */
export function virtualLinesOf(hcrLo: number): number {
  return (
    ((hcrLo & HcrEl2.VI) !== 0 ? Line.VIRQ : 0) |
    ((hcrLo & HcrEl2.VF) !== 0 ? Line.VFIQ : 0) |
    ((hcrLo & HcrEl2.VSE) !== 0 ? Line.VSERROR : 0)
  );
}

/**
 * The EL a physical interrupt would be taken to, or 0 when it is not taken now (masked, or
 * routed to an EL below the current one: it stays pending). Arm ARM D1.3.6, R_SXLWJ: routed
 * to EL3 by SCR_EL3.<scrBit>, else to EL2 when EL2 is enabled and the HCR_EL2 xMO bit (or
 * TGE) is set, else to EL1. One routed to a lower EL is not taken; one routed to a higher EL
 * other than EL1 is taken whatever PSTATE says; otherwise PSTATE.<pstateBit> masks it.
 */
export function physicalTarget(cpu: Cpu, scrBit: number, hcrBit: number, pstateBit: number): number {
  let target = 1;
  if (cpu.model.features.EL3 && (cpu.r[SCR] & scrBit) !== 0) target = 3;
  else if ((hcrEffective(cpu) & hcrBit) !== 0) target = 2;
  const el = cpu.el;
  if (target < el) return 0;
  if (target > el && target > 1) return target;
  return (cpu.daif & pstateBit) !== 0 ? 0 : target;
}

/**
 * Whether a virtual interrupt is taken now (to EL1): only at EL0/EL1 with EL2 enabled, the
 * HCR_EL2 xMO bit set and TGE = 0, and not masked by PSTATE (Arm ARM D1.3.6, "Virtual
 * interrupts"; HCR_EL2.IMO "Virtual IRQ interrupts are enabled").
 */
function virtualTaken(cpu: Cpu, hcrBit: number, pstateBit: number): boolean {
  if (cpu.el > 1) return false;
  const h = hcrEffective(cpu);
  return (h & hcrBit) !== 0 && (h & HcrEl2.TGE) === 0 && (cpu.daif & pstateBit) === 0;
}

/**
 * Takes the highest-priority pending interrupt that is not masked, if any (true when one was
 * taken). The order among them is IMPLEMENTATION DEFINED; this is QEMU 7.2's
 * (arm_cpu_exec_interrupt: FIQ, IRQ, virtual IRQ, virtual FIQ, virtual SError), with the
 * physical SError, which QEMU 7.2 does not model, first.
 */
export function takeInterrupt(cpu: Cpu): boolean {
  const lines = cpu.irqLines;
  let target = 0;
  if ((lines & Line.SERROR) !== 0 && (target = physicalTarget(cpu, ScrEl3.EA, HcrEl2.AMO, PSTATE_A)) !== 0) {
    enter(cpu, ExcKind.SERROR, target, esrOf(EC.SERROR, 1, cpu.serrorIss));
  } else if ((lines & Line.FIQ) !== 0 && (target = physicalTarget(cpu, ScrEl3.FIQ, HcrEl2.FMO, PSTATE_F)) !== 0) {
    enter(cpu, ExcKind.FIQ, target, 0);
  } else if ((lines & Line.IRQ) !== 0 && (target = physicalTarget(cpu, ScrEl3.IRQ, HcrEl2.IMO, PSTATE_I)) !== 0) {
    enter(cpu, ExcKind.IRQ, target, 0);
  } else if ((lines & Line.VIRQ) !== 0 && virtualTaken(cpu, HcrEl2.IMO, PSTATE_I)) {
    enter(cpu, ExcKind.IRQ, 1, 0);
  } else if ((lines & Line.VFIQ) !== 0 && virtualTaken(cpu, HcrEl2.FMO, PSTATE_F)) {
    enter(cpu, ExcKind.FIQ, 1, 0);
  } else if ((lines & Line.VSERROR) !== 0 && virtualTaken(cpu, HcrEl2.AMO, PSTATE_A)) {
    // The syndrome: IDS and ISS from VSESR_EL2 with FEAT_RAS (its slot reads 0 without), and
    // taking it clears HCR_EL2.VSE (Arm ARM AArch64.TakeVirtualSErrorException).
    const iss = cpu.model.features.RAS ? cpu.r[lo(Slot.VSESR_EL2)] & 0x1ffffff : 0;
    cpu.r[HCR] &= ~HcrEl2.VSE;
    cpu.irqLines &= ~Line.VSERROR;
    enter(cpu, ExcKind.SERROR, 1, esrOf(EC.SERROR, 1, iss));
  } else {
    return false;
  }
  return true;
}

/** Interrupt entry: the preferred return address is the next instruction to execute (the PC). */
function enter(cpu: Cpu, kind: ExcKind, target: number, esr: number): void {
  const from = cpu.el;
  cpu.exclValid = false;
  // The PMU counts by EL: bring it up to here before the EL changes, as takeSync does.
  pmuElChange(cpu, cpu.icount);
  takeException(cpu, kind, target, esr, cpu.r[lo(Slot.PC)], cpu.r[lo(Slot.PC) + 1]);
  cpu.contextChanged();
  if (cpu.onException !== null) cpu.onException(kind, from, target, false);
}

/**
 * InterruptPending() of the Arm ARM's WFI pseudocode (C6.2 WFI: a WFI with an interrupt
 * pending neither waits nor traps): any physical interrupt, masked or not, and a virtual one
 * at EL0/EL1 with EL2 enabled, TGE = 0 and its xMO bit set, masked or not.
 */
export function wfiWakeup(cpu: Cpu): boolean {
  const lines = cpu.irqLines;
  if ((lines & PHYSICAL_LINES) !== 0) return true;
  if ((lines & VIRTUAL_LINES) === 0 || cpu.el > 1) return false;
  const h = hcrEffective(cpu);
  if ((h & HcrEl2.TGE) !== 0) return false;
  return (
    ((lines & Line.VIRQ) !== 0 && (h & HcrEl2.IMO) !== 0) ||
    ((lines & Line.VFIQ) !== 0 && (h & HcrEl2.FMO) !== 0) ||
    ((lines & Line.VSERROR) !== 0 && (h & HcrEl2.AMO) !== 0)
  );
}

/**
 * ISR_EL1 (Arm ARM D17.2, ISR_EL1): A [8], I [7], F [6] pending. At EL1 with the xMO bit in
 * effect, the virtual interrupt's state; otherwise the physical one's.
 */
export function isrValue(cpu: Cpu): number {
  const lines = cpu.irqLines;
  const h = cpu.el === 1 ? hcrEffective(cpu) : 0;
  const a = (h & HcrEl2.AMO) !== 0 ? lines & Line.VSERROR : lines & Line.SERROR;
  const i = (h & HcrEl2.IMO) !== 0 ? lines & Line.VIRQ : lines & Line.IRQ;
  const f = (h & HcrEl2.FMO) !== 0 ? lines & Line.VFIQ : lines & Line.FIQ;
  return (a !== 0 ? 1 << 8 : 0) | (i !== 0 ? 1 << 7 : 0) | (f !== 0 ? 1 << 6 : 0);
}
