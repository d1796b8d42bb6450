// The translation table walker (Arm ARM D8, pseudocode AArch64.TranslateAddress): stage 1
// for every regime, stage 2 for EL1&0, permission checks, hardware AF/dirty updates.
//
// STUB: translation is flat (PA = VA) until the walker lands; the interface is final.

import type { Cpu } from '../cpu/cpu.js';
import { FaultType, Perm, Regime, type MmuFault, type TlbEntry, type WalkRequest } from './types.js';

/** The translation regime of an access made at `el` (EL0 accesses belong to EL1&0 or EL2&0). */
export function regimeOf(cpu: Cpu, el: number): Regime {
  if (el === 3) return Regime.EL3;
  if (el === 2) return Regime.EL2;
  return Regime.EL10;
}

/** The ASID and VMID that tag this regime's TLB entries right now. */
export function contextTags(cpu: Cpu, regime: Regime, out: { asid: number; vmid: number }): void {
  void cpu;
  void regime;
  out.asid = 0;
  out.vmid = 0;
}

/**
 * Translates (vaLo, vaHi) for `req`. On success returns the TLB entry for the 4 KiB page;
 * on a fault fills `fault` and returns null. Checks the permissions for `req` (so a
 * returned entry permits the access) and performs the hardware AF/dirty updates.
 */
export function walk(cpu: Cpu, vaLo: number, vaHi: number, req: WalkRequest, fault: MmuFault): TlbEntry | null {
  const limit = 2 ** (cpu.model.paBits - 32);
  if (vaHi >>> 0 >= limit) {
    fault.set(FaultType.ADDR_SIZE, 0);
    return null;
  }
  const sctlr = cpu.u[2 * (54 + (req.regime === Regime.EL10 ? 0 : req.regime === Regime.EL3 ? 2 : 1))];
  const m = (sctlr & 1) === 1;
  const all = Perm.R0 | Perm.W0 | Perm.X0 | Perm.R1 | Perm.W1 | Perm.X1;
  return {
    regime: req.regime, vmid: 0, asid: 0, global: true, vaLo: vaLo & ~0xfff, vaHi, sizeLog2: 12,
    pa: (vaHi >>> 0) * 4294967296 + ((vaLo & ~0xfff) >>> 0), ipa: -1,
    perm1: all, perm2: all, level1: 0, level2: 0, attr: m ? 0xff : 0, device: !m,
  };
}

/**
 * Whether a cached entry permits `req` (PAN, unprivileged access, both stages). When it
 * does not, fills `fault` with the permission fault the access takes and returns false.
 */
export function permits(e: TlbEntry, req: WalkRequest, fault: MmuFault): boolean {
  void e;
  void req;
  void fault;
  return true;
}
