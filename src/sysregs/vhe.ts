// FEAT_VHE's register views (Arm ARM D5.6 "Virtualization Host Extensions"; the *_EL12 and
// *_EL02 register pages). With HCR_EL2.E2H = 1:
// - at EL2, the encodings of the EL1 registers below reach their EL2 counterparts, and the
//   EL0 timer encodings (CNTP_*, CNTV_*) reach the EL2 physical and virtual timers; at EL0
//   with HCR_EL2.TGE = 1 too, the timer encodings do the same;
// - the *_EL12 / *_EL02 encodings (op1 = 5) reach the EL1 / EL0 registers from EL2 and EL3;
//   they are UNDEFINED unless EL2 is enabled with E2H = 1 (and at EL0/EL1: no FEAT_NV), as
//   QEMU 7.2's el2_e2h_e12_access.
// The list is QEMU 7.2's (define_arm_vh_e2h_redirects_aliases) for the features a64emu has.

import type { Cpu } from '../cpu/cpu.js';
import { Slot } from '../cpu/state.js';
import { el2Enabled } from './access.js';
import { HcrEl2 } from './bits.js';
import { ACCESS_OK, ACCESS_UNDEF, Flag, type RowSpec } from './row.js';

const E2H_HI = 1 << (34 - 32);

/** HCR_EL2.E2H with EL2 enabled (the effective value). */
export const e2hOn = (cpu: Cpu): boolean => (cpu.r[Slot.HCR_EL2 * 2 + 1] & E2H_HI) !== 0 && el2Enabled(cpu);

/** HCR_EL2.{E2H, TGE} = {1, 1} with EL2 enabled: EL0 runs in the EL2&0 regime (ELIsInHost(EL0)). */
export const e2hTge = (cpu: Cpu): boolean => (cpu.r[Slot.HCR_EL2 * 2] & HcrEl2.TGE) !== 0 && e2hOn(cpu);

/**
 * The index in `cpu.r` of the SCTLR holding the EL0 controls (UCI, DZE, UMA, UCT, nTWI,
 * nTWE): SCTLR_EL1, or SCTLR_EL2 at EL0 in host ({E2H,TGE} = {1,1}: the EL2&0 regime).
 */
export const el0Sctlr = (cpu: Cpu): number => (e2hTge(cpu) ? Slot.SCTLR_EL1 + 1 : Slot.SCTLR_EL1) * 2;

/**
 * HCR_EL2 trap bits (low word) that behave as 0 for EL0 in host ({E2H,TGE} = {1,1}): TWI,
 * TWE, TID2, TPC (TPCP), TPU, TDZ (Arm ARM D17.2.48, each field: "behaves as if 0 ... when
 * HCR_EL2.{E2H,TGE} is {1,1}"; QEMU 7.2's arm_hcr_el2_eff). EnSCXT likewise (scxt.ts).
 */
export const HCR_IGNORED_IN_HOST = HcrEl2.TWI | HcrEl2.TWE | (1 << 17) | (1 << 23) | (1 << 24) | HcrEl2.TDZ;

/** [EL1/EL0 register, the EL2 register it reaches at EL2 with E2H = 1]. */
export const VHE_REDIRECTS: readonly (readonly [string, string])[] = [
  ['SCTLR_EL1', 'SCTLR_EL2'], ['CPACR_EL1', 'CPTR_EL2'], ['TTBR0_EL1', 'TTBR0_EL2'], ['TTBR1_EL1', 'TTBR1_EL2'],
  ['TCR_EL1', 'TCR_EL2'], ['SPSR_EL1', 'SPSR_EL2'], ['ELR_EL1', 'ELR_EL2'], ['AFSR0_EL1', 'AFSR0_EL2'],
  ['AFSR1_EL1', 'AFSR1_EL2'], ['ESR_EL1', 'ESR_EL2'], ['FAR_EL1', 'FAR_EL2'], ['MAIR_EL1', 'MAIR_EL2'],
  ['AMAIR_EL1', 'AMAIR_EL2'], ['VBAR_EL1', 'VBAR_EL2'], ['CONTEXTIDR_EL1', 'CONTEXTIDR_EL2'],
  ['CNTKCTL_EL1', 'CNTHCTL_EL2'], ['SCXTNUM_EL1', 'SCXTNUM_EL2'],
  ...['TVAL', 'CTL', 'CVAL'].flatMap((r): [string, string][] => [[`CNTP_${r}_EL0`, `CNTHP_${r}_EL2`], [`CNTV_${r}_EL0`, `CNTHV_${r}_EL2`]]),
];

/** The *_EL12 / *_EL02 name of an EL1 / EL0 register. */
const viewName = (name: string): string => name.replace(/_EL([01])$/, '_EL$12');

/** *_EL12/*_EL02: accessible at EL2 and EL3 only when EL2 is enabled with E2H = 1. */
function viewTrap(inner: RowSpec['accessTrap']) {
  return (cpu: Cpu, read: boolean): number => {
    if (!e2hOn(cpu)) return ACCESS_UNDEF;
    return inner === undefined ? ACCESS_OK : inner(cpu, read);
  };
}

/**
 * `specs` with FEAT_VHE applied: the redirected rows carry `vheRedirect`, and each gets its
 * *_EL12/*_EL02 view (op1 = 5, same CRn/CRm/op2 and state: ALIAS), of the same features plus VHE.
 */
export function withVhe(specs: readonly RowSpec[]): RowSpec[] {
  const to = new Map(VHE_REDIRECTS);
  const out: RowSpec[] = [];
  for (const spec of specs) {
    const el2 = to.get(spec.name);
    if (el2 === undefined) {
      out.push(spec);
      continue;
    }
    const el0 = spec.name.endsWith('_EL0');
    out.push({ ...spec, vheRedirect: { to: el2, el0 } });
    const features = [...(spec.features ?? []), 'VHE' as const];
    out.push({
      ...spec, name: viewName(spec.name), op1: 5, access: { read: 2, write: 2 }, flags: (spec.flags ?? 0) | Flag.ALIAS,
      features, el0Trap: undefined, hcrTrap: undefined, accessTrap: viewTrap(spec.accessTrap),
    });
  }
  return out;
}
