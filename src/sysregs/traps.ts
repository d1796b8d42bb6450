// The trap conditions to EL2 and EL3 of the system registers, by trap group (row.ts
// TrapGroup), as data: each condition names a control register bit, the ELs whose accesses
// it traps and the EL it traps them to (EC 0x18, returning to the instruction). They come
// from the registers' Accessibility pseudocode (Arm ARM D17) and are listed in its order:
// traps to EL2 (only when EL2Enabled()) before traps to EL3. The EL0 traps to EL1 (a row's
// el0Trap) and the HCR_EL2 traps (hcrTrap) come before them (system.ts). A group's check is
// built once, so rows without a group pay nothing.
//
// Without EL2 or EL3 their registers' slots stay 0 (no row writes them), so an EL3 condition
// on a set bit never fires without EL3; EL2 conditions also check EL2Enabled(), which covers
// the conditions on a clear bit (CNTHCTL_EL2).

import type { Cpu } from '../cpu/cpu.js';
import { EC } from '../cpu/exception.js';
import { Slot } from '../cpu/state.js';
import type { TrapGroup } from './row.js';
import { el2Enabled } from './access.js';
import { Cnthctl, Cptr, HcrEl2, Mdcr } from './bits.js';
import { e2hOn, e2hTge } from './vhe.js';


const EL0 = 1, EL1 = 2, EL2 = 4;

export interface TrapCond {
  /** The EL the access is trapped to. */
  readonly to: 2 | 3;
  /** The ELs whose accesses it traps (bit n: ELn). */
  readonly from: number;
  /** The control register and its bits (low word); `clear`: it traps when the bit is 0. */
  readonly slot: number;
  readonly bits: number;
  readonly clear?: boolean;
  /**
   * Only with this value of HCR_EL2.E2H (FEAT_VHE changes CNTHCTL_EL2's layout); a condition
   * for E2H = 1 does not apply at EL0 with TGE = 1 (EL0 is then in the EL2&0 regime).
   */
  readonly e2h?: 0 | 1;
}

const c = (to: 2 | 3, from: number, slot: number, bits: number, clear = false, e2h?: 0 | 1): TrapCond => ({ to, from, slot, bits, clear, e2h });

/** MDCR_EL2.TDE and HCR_EL2.TGE make TDA, TDOSA and TDRA behave as 1 (D17.3.16). */
const debugEl2 = (bit: number): TrapCond[] => [
  c(2, EL0 | EL1, Slot.MDCR_EL2, bit | Mdcr.TDE),
  c(2, EL0 | EL1, Slot.HCR_EL2, HcrEl2.TGE),
];

const TRAP_GROUPS: Readonly<Record<Exclude<TrapGroup, 'fp'>, readonly TrapCond[]>> = {
  // PMU registers (D17.5): MDCR_EL2.TPM from EL0/EL1, MDCR_EL3.TPM from EL0-EL2.
  pmu: [c(2, EL0 | EL1, Slot.MDCR_EL2, Mdcr.TPM), c(3, EL0 | EL1 | EL2, Slot.MDCR_EL3, Mdcr.TPM)],
  // PMCR_EL0: TPMCR too (D17.5.8).
  pmcr: [c(2, EL0 | EL1, Slot.MDCR_EL2, Mdcr.TPM | Mdcr.TPMCR), c(3, EL0 | EL1 | EL2, Slot.MDCR_EL3, Mdcr.TPM)],
  // Debug registers (MDSCR_EL1, DBGB*/DBGW*, the DCC, OSDTR*/OSECCR_EL1, CLAIM tags, DBGAUTHSTATUS_EL1): TDA.
  debug: [...debugEl2(Mdcr.TDA), c(3, EL0 | EL1 | EL2, Slot.MDCR_EL3, Mdcr.TDA)],
  // The OS lock and power-down registers (OSLAR, OSLSR, OSDLR, DBGPRCR_EL1): TDOSA.
  debugOs: [...debugEl2(Mdcr.TDOSA), c(3, EL0 | EL1 | EL2, Slot.MDCR_EL3, Mdcr.TDOSA)],
  // MDRAR_EL1: MDCR_EL2.TDRA; MDCR_EL3 has no TDRA, its TDA covers MDRAR_EL1 (D17.3.17).
  debugRom: [...debugEl2(Mdcr.TDRA), c(3, EL0 | EL1 | EL2, Slot.MDCR_EL3, Mdcr.TDA)],
  // CNTPCT_EL0 from EL0/EL1 (after CNTKCTL_EL1.EL0PCTEN at EL0) when EL1PCTEN is 0 (bit 0;
  // bit 10 with E2H = 1).
  counterPhys: [
    c(2, EL0 | EL1, Slot.CNTHCTL_EL2, Cnthctl.EL1PCTEN, true, 0),
    c(2, EL0 | EL1, Slot.CNTHCTL_EL2, Cnthctl.E2H_EL1PCTEN, true, 1),
  ],
  // CNTP_CTL/CVAL/TVAL_EL0 from EL0/EL1 (after CNTKCTL_EL1.EL0PTEN at EL0) when EL1PCEN is 0
  // (bit 1; EL1PTEN, bit 11, with E2H = 1).
  timerPhys: [
    c(2, EL0 | EL1, Slot.CNTHCTL_EL2, Cnthctl.EL1PCEN, true, 0),
    c(2, EL0 | EL1, Slot.CNTHCTL_EL2, Cnthctl.E2H_EL1PTEN, true, 1),
  ],
  // CPACR_EL1 from EL1: CPTR_EL2.TCPAC; CPACR_EL1 and CPTR_EL2 from EL1/EL2: CPTR_EL3.TCPAC.
  cpacr: [c(2, EL1, Slot.CPTR_EL2, Cptr.TCPAC), c(3, EL1 | EL2, Slot.CPTR_EL3, Cptr.TCPAC)],
};

/** Raises the trap of an access (ISS `iss`) when one of the conditions holds. */
export type TrapCheck = (cpu: Cpu, iss: number) => void;

const CHECKS = new Map<TrapGroup, TrapCheck>();

/** The check of a group's conditions (built once per group). */
export function trapCheck(group: Exclude<TrapGroup, 'fp'>): TrapCheck {
  let check = CHECKS.get(group);
  if (check !== undefined) return check;
  const conds = TRAP_GROUPS[group];
  const n = conds.length;
  const to = Int32Array.from(conds, (t) => t.to);
  const from = Int32Array.from(conds, (t) => t.from);
  const word = Int32Array.from(conds, (t) => t.slot * 2);
  const bits = Int32Array.from(conds, (t) => t.bits);
  const clear = Uint8Array.from(conds, (t) => (t.clear ? 1 : 0));
  // -1: any E2H.
  const e2h = Int8Array.from(conds, (t) => (t.e2h === undefined ? -1 : t.e2h));
  check = (cpu, iss) => {
    const r = cpu.r;
    const el = 1 << cpu.el;
    for (let i = 0; i < n; i++) {
      if ((from[i] & el) === 0) continue;
      if (e2h[i] >= 0) {
        const on = e2hOn(cpu);
        if (on !== (e2h[i] === 1) || (on && el === EL0 && e2hTge(cpu))) continue;
      }
      const set = (r[word[i]] & bits[i]) !== 0;
      if (set === (clear[i] === 1)) continue;
      if (to[i] === 2 && !el2Enabled(cpu)) continue;
      cpu.raise(EC.SYSREG, iss, 0, to[i]);
    }
  };
  CHECKS.set(group, check);
  return check;
}
