// FEAT_CSV2_2's software context numbers SCXTNUM_EL0..EL3 (Arm ARM D17.2): 64-bit registers
// with no effect on execution here (they tag branch-prediction contexts), reset 0 as QEMU 7.2.
//
// Access (the registers' Accessibility pseudocode; QEMU 7.2's access_scxtnum):
//  - at EL0, SCTLR_EL1.TSCXT (bit 20) traps SCXTNUM_EL0 to EL1 (to EL2 with HCR_EL2.TGE,
//    which the exception routing does);
//  - below EL2, with EL2Enabled(), HCR_EL2.EnSCXT (bit 53) = 0 traps to EL2;
//  - below EL3, with EL3, SCR_EL3.EnSCXT (bit 25) = 0 traps to EL3.
// SCTLR_EL2.TSCXT acts only with HCR_EL2.{E2H,TGE} = {1,1} (FEAT_VHE), at EL0 in place of
// SCTLR_EL1.TSCXT; QEMU 7.2 checks it at EL1 too, whatever E2H and TGE say.

import type { Cpu } from '../cpu/cpu.js';
import { Slot } from '../cpu/state.js';
import { el2Enabled, hcrBit, scrBit } from './access.js';
import { HcrEl2Bit, ScrEl3Bit } from './bits.js';
import { e2hTge, el0Sctlr } from './vhe.js';
import { ACCESS_OK, EL0_RW, EL1_RW, type Access, type RowSpec } from './row.js';

const TSCXT = 20; // SCTLR_EL1.TSCXT

function scxtTrap(cpu: Cpu): number {
  const el = cpu.el;
  // With HCR_EL2.{E2H,TGE} = {1,1} (FEAT_VHE) SCTLR_EL2.TSCXT traps EL0 to EL2 instead, and
  // HCR_EL2.EnSCXT does not apply.
  const host = el === 0 && e2hTge(cpu);
  if (el === 0 && ((cpu.r[el0Sctlr(cpu)] >>> TSCXT) & 1) !== 0) return host ? 2 : 1;
  if (el < 2 && !host && hcrBit(cpu, HcrEl2Bit.EnSCXT) === 0 && el2Enabled(cpu)) return 2;
  if (el < 3 && cpu.model.features.EL3 && scrBit(cpu, ScrEl3Bit.EnSCXT) === 0) return 3;
  return ACCESS_OK;
}

const scxt = (n: number, op1: number, access: Access, feature: 'SCXTNUM' | 'EL2' | 'EL3'): RowSpec => ({
  name: `SCXTNUM_EL${n}`, op0: 3, op1, crn: 13, crm: 0, op2: 7, access, feature, features: ['SCXTNUM'],
  slot: Slot.SCXTNUM_EL0 + n, accessTrap: scxtTrap,
});

export const SCXT_ROWS: readonly RowSpec[] = [
  scxt(0, 3, EL0_RW, 'SCXTNUM'),
  scxt(1, 0, EL1_RW, 'SCXTNUM'),
  scxt(2, 4, { read: 2, write: 2 }, 'EL2'),
  scxt(3, 6, { read: 3, write: 3 }, 'EL3'),
];
