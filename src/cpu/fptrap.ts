// The FP/SIMD access check every FP/SIMD instruction and FPCR/FPSR access makes first
// (Arm ARM pseudocode AArch64.CheckFPAdvSIMDEnabled, AArch64.CheckFPAdvSIMDTrap and
// AArch64.AdvSIMDFPAccessTrap):
//   1. at EL0/EL1, CPACR_EL1.FPEN (bits [21:20]): 0b01 traps EL0 only, 0b00/0b10 both, to EL1;
//   2. at EL0-EL2 with EL2Enabled(), CPTR_EL2.TFP (bit 10) traps to EL2; with HCR_EL2.E2H = 1
//      (FEAT_VHE) CPTR_EL2.FPEN (bits [21:20]) instead: 0b01 traps EL0 with TGE = 1 only,
//      0b00/0b10 every EL below EL3, and step 1 is skipped at EL0 with {E2H,TGE} = {1,1};
//   3. with EL3, CPTR_EL3.TFP (bit 10) traps from any EL to EL3.
// The exception has EC 0x07 with ISS CV = 1, COND = 0b1110 (ConditionSyndrome() from AArch64)
// and returns to the instruction. A trap to EL1 from EL0 with HCR_EL2.TGE = 1 (EL2 enabled)
// is taken to EL2 as EC 0x00 instead (AdvSIMDFPAccessTrap; QEMU 7.2's raise_exception too).
// Three loads and compares when nothing traps.
//
// The convention of every FP/SIMD executor: `if (!cpu.fpEnabled) checkFpAccess(cpu);` first.
// Cpu.fpEnabled is fpAccessAllowed() recomputed by Cpu.contextChanged, which runs after
// exception entry, ERET, and writes of CPACR_EL1, CPTR_EL2, CPTR_EL3, HCR_EL2 and SCR_EL3
// (their rows are `context`), so the check costs one load when access is enabled.

import type { Cpu } from './cpu.js';
import { EC, ISS_CV_COND_AL } from './exception.js';
import { Slot } from './state.js';
import { el2Enabled } from '../sysregs/access.js';
import { Cptr, HcrEl2 } from '../sysregs/bits.js';
import { e2hOn, e2hTge } from '../sysregs/vhe.js';

const CPACR = Slot.CPACR_EL1 * 2;
const CPTR_EL2 = Slot.CPTR_EL2 * 2;
const CPTR_EL3 = Slot.CPTR_EL3 * 2;
const HCR_EL2 = Slot.HCR_EL2 * 2;
/** ISS of EC 0x07 from AArch64: CV [24] = 1, COND [23:20] = 0b1110. */
export const FP_TRAP_ISS = ISS_CV_COND_AL;

/** Raises the FP/SIMD access trap when CPACR_EL1, CPTR_EL2 or CPTR_EL3 disables FP/SIMD. */
export function checkFpAccess(cpu: Cpu): void {
  const r = cpu.r;
  const el = cpu.el;
  // With HCR_EL2.{E2H,TGE} = {1,1} EL0 is in the EL2&0 regime: CPACR_EL1 does not apply.
  if (el < 2 && !(el === 0 && e2hTge(cpu))) {
    const fpen = (r[CPACR] >>> 20) & 3;
    if (fpen !== 3 && (fpen !== 1 || el === 0)) {
      if (el === 0 && (r[HCR_EL2] & HcrEl2.TGE) !== 0 && el2Enabled(cpu)) cpu.raise(EC.UNKNOWN, 0, 0, 2);
      cpu.raise(EC.FP_ACCESS, FP_TRAP_ISS, 0, 1);
    }
  }
  if (el < 3 && el2Enabled(cpu)) {
    if (e2hOn(cpu)) {
      // FEAT_VHE: CPTR_EL2 in CPACR_EL1's layout; FPEN 0b01 traps only EL0 with TGE = 1.
      const fpen = (r[CPTR_EL2] >>> Cptr.FPEN_SHIFT) & 3;
      if (fpen !== 3 && (fpen !== 1 || (el === 0 && (r[HCR_EL2] & HcrEl2.TGE) !== 0))) cpu.raise(EC.FP_ACCESS, FP_TRAP_ISS, 0, 2);
    } else if ((r[CPTR_EL2] & Cptr.TFP) !== 0) cpu.raise(EC.FP_ACCESS, FP_TRAP_ISS, 0, 2);
  }
  if ((r[CPTR_EL3] & Cptr.TFP) !== 0) cpu.raise(EC.FP_ACCESS, FP_TRAP_ISS, 0, 3);
}

/** True when no FP/SIMD access trap applies at the current EL (what Cpu.fpEnabled caches). */
export function fpAccessAllowed(cpu: Cpu): boolean {
  const r = cpu.r;
  const el = cpu.el;
  if (el < 2) {
    const fpen = (r[CPACR] >>> 20) & 3;
    if (fpen !== 3 && (fpen !== 1 || el === 0)) return false;
  }
  if (el < 3 && (r[CPTR_EL2] & Cptr.TFP) !== 0 && el2Enabled(cpu)) return false;
  return (r[CPTR_EL3] & Cptr.TFP) === 0;
}
