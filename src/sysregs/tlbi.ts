// TLB maintenance (TLBI, Arm ARM C5.5 "A64 System instructions for TLB maintenance"): what
// each operation removes from the tagged TLB (mmu/tlb.ts), as a TlbiScope. a64emu has one
// PE, so the Inner Shareable (IS) and Outer Shareable (OS, FEAT_TLBIOS) forms act like the
// local ones, and HCR_EL2.FB (which upgrades EL1 operations to IS) changes nothing. The TLB
// caches only complete translations (no walk caches), so the last-level (L) forms remove what
// the others do: every cached entry is a leaf. The TTL hint (FEAT_TTL, Xt[47:44]; range forms
// Xt[38:37]) only allows an implementation to keep entries of other levels: it is ignored.

import type { Cpu } from '../cpu/cpu.js';
import { tlbiScope, type TlbiScope } from '../mmu/tlb.js';
import { Regime } from '../mmu/types.js';
import { contextTags } from '../mmu/walk.js';
import { e2hOn, e2hTge } from './vhe.js';

/** Which translation regime an operation names (its suffix). */
export type TlbiTarget =
  /** *E1: EL1&0 with the current VMID; EL2&0 when run at EL2 with HCR_EL2.{E2H,TGE} = {1,1}. */
  | 'E1'
  /** VMALLS12E1, IPAS2*E1: EL1&0 with the current VMID (stage 1 and 2 / stage 2). */
  | 'S12'
  /** ALLE1: EL1&0, every VMID. */
  | 'ALL1'
  /** *E2: EL2, or EL2&0 when HCR_EL2.E2H = 1. */
  | 'E2'
  /** *E3: EL3. */
  | 'E3';

/**
 * What the operation selects within the regime (Xt's layout):
 * all: everything; asid: Xt[63:48], global entries kept; va: ASID Xt[63:48] (where the regime
 * has ASIDs) and VA[55:12] = Xt[43:0], global entries included; vaa: VA, every ASID; rva/rvaa:
 * the range forms (FEAT_TLBIRANGE); ipa: IPA[51:12] = Xt[39:0]; ripa: an IPA range.
 */
export type TlbiBy = 'all' | 'asid' | 'va' | 'vaa' | 'rva' | 'rvaa' | 'ipa' | 'ripa';

const TWO32 = 4294967296;
/** VA[55:12] has 44 bits. */
const VPN_LIMIT = 2 ** 44;

const tags = { asid: 0, vmid: 0 };

/**
 * The range of a range form (Arm ARM C5.5, TLBI RVAE1 etc.): TG Xt[47:46] (0b01 4 KiB, 0b10
 * 16 KiB, 0b11 64 KiB; 0b00: no invalidation), SCALE Xt[45:44], NUM Xt[43:39], BaseADDR
 * Xt[36:0] in granules; (NUM + 1) * 2^(5 * SCALE + 1) granules from BaseADDR. In a regime
 * with two VA ranges BaseADDR is sign-extended from its top bit (VA[55] selects the range),
 * as QEMU 7.2's tlbi_aa64_get_range. Sets vpnFirst/vpnLast (or ipn*) of `s` in 4 KiB pages;
 * false when TG is 0b00.
 */
function range(s: TlbiScope, lo: number, hi: number, signed: boolean, ipa: boolean): boolean {
  const tg = (hi >>> 14) & 3;
  if (tg === 0) return false;
  const k = 2 ** ((tg - 1) * 2); // 4 KiB pages per granule
  const scale = (hi >>> 12) & 3;
  const num = (hi >>> 7) & 31;
  const base = (hi & 0x1f) * TWO32 + (lo >>> 0);
  let first = base * k;
  // Sign-extend from BaseADDR<36> to VA<55>.
  if (signed && (hi & 0x10) !== 0) first += VPN_LIMIT - 2 ** 37 * k;
  const last = Math.min(first + (num + 1) * 2 ** (5 * scale + 1) * k - 1, VPN_LIMIT - 1);
  if (ipa) {
    s.ipnFirst = first;
    s.ipnLast = last;
  } else {
    s.vpnFirst = first;
    s.vpnLast = last;
  }
  return true;
}

/** The scope of a TLBI with Xt = (lo, hi) run now; null when it invalidates nothing. */
export function tlbiScopeOf(cpu: Cpu, target: TlbiTarget, by: TlbiBy, lo: number, hi: number): TlbiScope | null {
  let regime: Regime;
  let vmid = -1;
  switch (target) {
    case 'E1':
      regime = cpu.el === 2 && e2hTge(cpu) ? Regime.EL20 : Regime.EL10;
      break;
    case 'E2':
      regime = e2hOn(cpu) ? Regime.EL20 : Regime.EL2;
      break;
    case 'E3':
      regime = Regime.EL3;
      break;
    default:
      regime = Regime.EL10;
  }
  if (regime === Regime.EL10 && target !== 'ALL1') {
    contextTags(cpu, Regime.EL10, tags);
    vmid = tags.vmid;
  }
  const s = tlbiScope(1 << regime);
  s.vmid = vmid;
  // Only EL1&0 and EL2&0 have ASIDs (Arm ARM D8.16.1).
  const hasAsid = regime === Regime.EL10 || regime === Regime.EL20;
  const asid = hi >>> 16;
  switch (by) {
    case 'all':
      break;
    case 'asid':
      s.asid = asid;
      s.keepGlobal = true;
      break;
    case 'va':
    case 'vaa':
      if (by === 'va' && hasAsid) s.asid = asid;
      s.vpnFirst = s.vpnLast = (hi & 0xfff) * TWO32 + (lo >>> 0);
      break;
    case 'rva':
    case 'rvaa':
      if (by === 'rva' && hasAsid) s.asid = asid;
      if (!range(s, lo, hi, hasAsid, false)) return null;
      break;
    case 'ipa':
      s.ipnFirst = s.ipnLast = (hi & 0xff) * TWO32 + (lo >>> 0);
      break;
    case 'ripa':
      if (!range(s, lo, hi, false, true)) return null;
      break;
  }
  return s;
}

/**
 * The `op` of a TLBI row: removes the scope's entries. Decoded blocks follow by themselves:
 * invalidating empties the fast TLB, so each block re-translates its page before it runs
 * again (Memory.fetchGen, run.ts).
 */
export function tlbiOp(target: TlbiTarget, by: TlbiBy) {
  return (cpu: Cpu, lo: number, hi: number): void => {
    const s = tlbiScopeOf(cpu, target, by, lo, hi);
    if (s !== null) cpu.mem.tlb.invalidate(s);
  };
}
