// The translation table walker (Arm ARM D8, pseudocode AArch64.FullTranslate,
// AArch64.S1Translate, AArch64.S1Walk): stage 1 for every regime (stage2.ts does stage 2 of
// EL1&0), the permission checks (AArch64.S1HasPermissionsFault), the hardware Access flag
// and dirty state updates (FEAT_HAFDBS). 4, 16 and 64 KiB granules, 52-bit VA (FEAT_LVA)
// and PA (FEAT_LPA) with 64 KiB, and with 4/16 KiB when TCR.DS = 1 (FEAT_LPA2: level -1);
// no FEAT_E0PD, no big-endian tables (descriptor.ts). The contiguous bit is only a hint:
// ignored.
//
// Walks run on TLB misses only: they may allocate (the returned entry). `permits` runs on
// every TLB fill and allocates nothing.

import type { Cpu } from '../cpu/cpu.js';
import { lo, Slot } from '../cpu/state.js';
import { el2Enabled } from '../sysregs/access.js';
import { HcrEl2 } from '../sysregs/bits.js';
import { AccessType, FaultType, Perm, Regime, type MmuFault, type TlbEntry, type WalkRequest } from './types.js';
import {
  bitsAll, blockAllowed, combineAttrs, desc, dsEffective, granuleShift, isDevice, lowBits, outputAddress, outputBits, P2, readDesc,
  TG0_SHIFT, TG1_SHIFT, TWO32, writeDescLo,
} from './descriptor.js';
import { s2r, s2Translate } from './stage2.js';

/**
 * An extra `perm1` bit: stage 1 was disabled, so PSTATE.PAN has nothing to act on (PAN is a
 * stage 1 permission rule; perm1 is otherwise all ones then).
 */
export const PERM_S1_OFF = 64;
const ALL = Perm.R0 | Perm.W0 | Perm.X0 | Perm.R1 | Perm.W1 | Perm.X1;
const W_ANY = Perm.W0 | Perm.W1;
const EL0_DATA = Perm.R0 | Perm.W0;

/** HCR_EL2 bits the walk reads: VM [0], PTW [2], DC [12]; E2H is bit 34 (bit 2 of the high word). */
const HCR_VM = 1 << 0;
const HCR_PTW = 1 << 2;
const HCR_DC = 1 << 12;
const HCR_HI_E2H = 1 << 2;

function e2h(cpu: Cpu): boolean {
  return cpu.model.features.VHE && (cpu.u[lo(Slot.HCR_EL2) + 1] & HCR_HI_E2H) !== 0;
}

/** The translation regime of an access made at `el` (EL0 accesses belong to EL1&0 or EL2&0). */
export function regimeOf(cpu: Cpu, el: number): Regime {
  if (el === 3) return Regime.EL3;
  if (el === 2) return e2h(cpu) ? Regime.EL20 : Regime.EL2;
  if (el === 0 && e2h(cpu) && (cpu.u[lo(Slot.HCR_EL2)] & HcrEl2.TGE) !== 0 && el2Enabled(cpu)) return Regime.EL20;
  return Regime.EL10;
}

/**
 * Stage 2 applies to EL1&0: EL2 enabled and HCR_EL2.VM or DC (DC makes VM behave as 1);
 * with {E2H, TGE} = {1, 1} both behave as 0.
 */
function stage2Applies(cpu: Cpu): boolean {
  if (!el2Enabled(cpu)) return false;
  const h = cpu.u[lo(Slot.HCR_EL2)];
  if ((h & (HCR_VM | HCR_DC)) === 0) return false;
  return !((h & HcrEl2.TGE) !== 0 && e2h(cpu));
}

/**
 * The ASID and VMID that tag this regime's TLB entries right now: the ASID of TTBR0 or
 * TTBR1 as TCR.A1 says, 8 or 16 bits per TCR.AS, in the regimes with two ranges; the VMID
 * of VTTBR_EL2 (8 or 16 bits per VTCR_EL2.VS) for EL1&0 whenever EL2 is enabled (D8.16:
 * EL1&0 entries are tagged with the current VMID even when stage 2 is off).
 */
export function contextTags(cpu: Cpu, regime: Regime, out: { asid: number; vmid: number }): void {
  out.asid = 0;
  out.vmid = 0;
  if (regime === Regime.EL10 || regime === Regime.EL20) {
    const el1 = regime === Regime.EL10;
    const tcr = el1 ? Slot.TCR_EL1 : Slot.TCR_EL2;
    const a1 = (cpu.u[lo(tcr)] >>> 22) & 1;
    const as16 = (cpu.u[lo(tcr) + 1] >>> 4) & 1;
    const ttbr = a1 ? (el1 ? Slot.TTBR1_EL1 : Slot.TTBR1_EL2) : el1 ? Slot.TTBR0_EL1 : Slot.TTBR0_EL2;
    const hi = cpu.u[lo(ttbr) + 1];
    out.asid = as16 ? hi >>> 16 : (hi >>> 16) & 0xff;
  }
  if (regime === Regime.EL10 && el2Enabled(cpu)) {
    const vs = cpu.model.features.VMID16 ? (cpu.u[lo(Slot.VTCR_EL2)] >>> 19) & 1 : 0;
    const hi = cpu.u[lo(Slot.VTTBR_EL2) + 1];
    out.vmid = vs ? hi >>> 16 : (hi >>> 16) & 0xff;
  }
}

const tags = { asid: 0, vmid: 0 };

/** The Perm bit an access needs. */
function needed(req: WalkRequest): number {
  if (req.acc === AccessType.FETCH) return req.priv ? Perm.X1 : Perm.X0;
  if (req.acc === AccessType.WRITE) return req.priv ? Perm.W1 : Perm.W0;
  return req.priv ? Perm.R1 : Perm.R0;
}

/**
 * Stage 1 permissions allow `req`: the needed bit, and PSTATE.PAN (a privileged data access
 * to a page EL0 can read or write faults; not for cache maintenance, D8.4.2).
 */
function s1Allows(perm: number, req: WalkRequest): boolean {
  if ((perm & needed(req)) === 0) return false;
  return !(req.pan && req.priv && req.acc !== AccessType.FETCH && !req.cm && (perm & EL0_DATA) !== 0 && (perm & PERM_S1_OFF) === 0);
}

/**
 * Whether a cached entry permits `req` (PAN, unprivileged access, both stages). When it
 * does not, fills `fault` with the permission fault the access takes and returns false.
 * A write denied because the page is still clean (DBM) needs a new walk to set the dirty
 * state: callers re-walk on any denial before raising the fault (memory.ts does).
 */
export function permits(e: TlbEntry, req: WalkRequest, fault: MmuFault): boolean {
  if (!s1Allows(e.perm1, req)) {
    fault.set(FaultType.PERMISSION, e.level1);
    return false;
  }
  if ((e.perm2 & needed(req)) === 0) {
    fault.set(FaultType.PERMISSION, e.level2, true, false, e.ipa);
    return false;
  }
  return true;
}

/** The registers of a regime's stage 1. */
function tcrSlot(r: Regime): number {
  return r === Regime.EL10 ? Slot.TCR_EL1 : r === Regime.EL3 ? Slot.TCR_EL3 : Slot.TCR_EL2;
}
function sctlrSlot(r: Regime): number {
  return r === Regime.EL10 ? Slot.SCTLR_EL1 : r === Regime.EL3 ? Slot.SCTLR_EL1 + 2 : Slot.SCTLR_EL1 + 1;
}
function mairSlot(r: Regime): number {
  return r === Regime.EL10 ? Slot.MAIR_EL1 : r === Regime.EL3 ? Slot.MAIR_EL3 : Slot.MAIR_EL2;
}
function ttbrSlot(r: Regime, sel: number): number {
  if (r === Regime.EL10) return sel ? Slot.TTBR1_EL1 : Slot.TTBR0_EL1;
  if (r === Regime.EL20) return sel ? Slot.TTBR1_EL2 : Slot.TTBR0_EL2;
  return r === Regime.EL3 ? Slot.TTBR0_EL3 : Slot.TTBR0_EL2;
}

const SCTLR_M = 1 << 0;
const SCTLR_C = 1 << 2;
const SCTLR_I = 1 << 12;
const SCTLR_WXN = 1 << 19;

/**
 * Translates (vaLo, vaHi) for `req`. On success returns the TLB entry for the 4 KiB page;
 * its `attr` is for the kind of access requested (fetches see Normal memory where data
 * sees Device, AArch64.S1DisabledOutput) but `device` always describes data accesses, so
 * an entry filled by a fetch still makes unaligned data accesses fault.
 * on a fault fills `fault` and returns null. Checks the permissions for `req` (so a
 * returned entry permits the access) and performs the hardware AF/dirty updates. For an
 * AT (`req.at`), a write to a clean DBM page succeeds without setting the dirty state
 * (AArch64.SetDirtyState), so the entry then lacks W.
 */
export function walk(cpu: Cpu, vaLo: number, vaHi: number, req: WalkRequest, fault: MmuFault): TlbEntry | null {
  const regime = req.regime;
  const f = cpu.model.features;
  const fetch = req.acc === AccessType.FETCH;
  const two = regime === Regime.EL10 || regime === Regime.EL20;
  const tcr = tcrSlot(regime);
  const tlo = cpu.u[lo(tcr)];
  const thi = cpu.u[lo(tcr) + 1];
  const sctlr = cpu.u[lo(sctlrSlot(regime))];
  // Stage 2 translates the stage 1 table addresses whenever it applies, AT S1E1* included;
  // the output IPA only without s1Only.
  const s2walk = regime === Regime.EL10 && stage2Applies(cpu);
  const s2 = s2walk && !req.s1Only;
  contextTags(cpu, regime, tags);
  const vmid = req.s1Only ? 0 : tags.vmid;

  // AArch64.AddrTop: bit 55 selects the range; TBI (TBID: for data accesses only) makes
  // the top byte a tag.
  const sel = two ? (vaHi >>> 23) & 1 : 0;
  const tbi = two ? (thi >>> (5 + sel)) & 1 : (tlo >>> 20) & 1;
  const tbid = two ? (thi >>> (19 + sel)) & 1 : (tlo >>> 29) & 1;
  const top = tbi && !(tbid && fetch) ? 55 : 63;
  const pageLo = vaLo & ~0xfff;

  let ipa: number;
  // Attributes for data accesses and for instruction fetches (they differ: below).
  let attr: number;
  let fetchAttr: number;
  let perm1: number;
  let level1 = 0;
  let sizeLog2 = 12;
  let global = true;

  const el10 = regime === Regime.EL10;
  const hcr = el10 && el2Enabled(cpu) ? cpu.u[lo(Slot.HCR_EL2)] : 0;
  const s1on = (sctlr & SCTLR_M) !== 0 && (hcr & (HcrEl2.TGE | HCR_DC)) === 0;
  if (!s1on) {
    // AArch64.S1DisabledOutput: VA[top:PAMax] must be zero (else an Address size fault at
    // level 0); data is Device-nGnRnE, fetches Normal (Write-Through with SCTLR.I, else
    // Non-cacheable), everything Normal Write-Back with HCR_EL2.DC.
    const pamax = cpu.model.paBits;
    if (!bitsAll(vaLo, vaHi, pamax, top, 0)) {
      fault.set(FaultType.ADDR_SIZE, 0);
      return null;
    }
    ipa = lowBits(pageLo, vaHi, pamax);
    attr = (hcr & HCR_DC) !== 0 ? 0xff : 0x00;
    fetchAttr = (hcr & HCR_DC) !== 0 ? 0xff : (sctlr & SCTLR_I) !== 0 ? 0xaa : 0x44;
    perm1 = ALL | PERM_S1_OFF;
  } else {
    // ---- AArch64.S1Walk -------------------------------------------------------------------
    let tsz: number;
    let granule: number;
    let epd: number;
    let hpd: number;
    let ps: number;
    let ha: number;
    let hd: number;
    let dsBit: number;
    if (two) {
      tsz = sel ? (tlo >>> 16) & 63 : tlo & 63;
      granule = granuleShift(cpu, sel ? TG1_SHIFT[tlo >>> 30] : TG0_SHIFT[(tlo >>> 14) & 3], false);
      epd = sel ? (tlo >>> 23) & 1 : (tlo >>> 7) & 1;
      hpd = (thi >>> (9 + sel)) & 1;
      ps = thi & 7;
      ha = (thi >>> 7) & 1;
      hd = (thi >>> 8) & 1;
      dsBit = (thi >>> 27) & 1; // DS [59]
    } else {
      // TCR_EL2 (E2H = 0) and TCR_EL3: one range, PS [18:16], HA [21], HD [22], HPD [24].
      tsz = tlo & 63;
      granule = granuleShift(cpu, TG0_SHIFT[(tlo >>> 14) & 3], false);
      epd = 0;
      hpd = (tlo >>> 24) & 1;
      ps = (tlo >>> 16) & 7;
      ha = (tlo >>> 21) & 1;
      hd = (tlo >>> 22) & 1;
      dsBit = thi & 1; // DS [32]
    }
    if (!f.HPDS) hpd = 0;
    if (!f.HAFDBS) ha = 0;
    hd &= ha; // dirty state management needs AF management (AArch64.S1TTWParams*)
    const ds = dsEffective(cpu, dsBit, granule, false);
    const stride = granule - 3;
    const outBits = outputBits(cpu, ps, granule, ds);

    // AArch64.S1TxSZFaults: below the minimum is a fault with FEAT_LVA and IMPLEMENTATION
    // DEFINED otherwise, as above the maximum; QEMU 7.2 always faults, so do we.
    const minTsz = (granule === 16 && f.LVA) || ds ? 12 : 16;
    const maxTsz = f.TTST ? (granule === 16 ? 47 : 48) : 39;
    const inBits = 64 - tsz;
    // AArch64.VAIsOutOfRange: VA[top:inBits] must equal VA[55] (two ranges) or be zero;
    // EPDn = 1 makes a TLB miss in that range fault. All Translation faults at level 0.
    if (tsz < minTsz || tsz > maxTsz || !bitsAll(vaLo, vaHi, inBits, top, sel) || epd) {
      fault.set(FaultType.TRANSLATION, 0);
      return null;
    }

    // The table base: TTBR.BADDR (bits [47:1], [51:48] in bits [5:2] with a 52-bit output
    // size, 64 KiB or DS); beyond the output size it is a level 0 Address size fault; the bits below the
    // starting table's alignment are taken as zero (CONSTRAINED UNPREDICTABLE; QEMU 7.2 too).
    const tb = ttbrSlot(regime, sel);
    const blo = cpu.u[lo(tb)];
    const bhi = cpu.u[lo(tb) + 1];
    let table = (bhi & 0xffff) * TWO32 + ((blo & ~1) >>> 0);
    if (outBits === 52) table = (bhi & 0xffff) * TWO32 + ((blo & ~0x3f) >>> 0) + ((blo >>> 2) & 0xf) * P2[48];
    else if (table >= P2[outBits]) {
      fault.set(FaultType.ADDR_SIZE, 0);
      return null;
    }
    const start = 4 - Math.ceil((inBits - granule) / stride);
    const startBits = inBits - (granule + stride * (3 - start));
    const align = Math.max(startBits + 3, outBits === 52 ? 6 : 0);
    table -= table % P2[align];

    // Hierarchical attributes gathered from table descriptors (unless TCR.HPD, FEAT_HPDS):
    // APTable [62:61], UXNTable/XNTable [60], PXNTable [59].
    let apTable = 0;
    let xnTable = 0;
    let pxnTable = 0;
    let level = start;
    let addr = 0;
    let dlo = 0;
    let dhi = 0;
    for (;;) {
      const shift = granule + stride * (3 - level);
      const bits = level === start ? startBits : stride;
      addr = table + Math.floor(lowBits(vaLo, vaHi, shift + bits) / P2[shift]) * 8;
      let pa = addr;
      if (s2walk) {
        if (!s1ptwTranslate(cpu, addr, AccessType.READ, req.at, fault)) return null;
        pa = s2r.pa + (addr % 4096);
      }
      if (!readDesc(cpu, pa)) {
        fault.set(FaultType.SYNC_EXT_WALK, level);
        return null;
      }
      dlo = desc.lo;
      dhi = desc.hi;
      if ((dlo & 1) === 0) {
        fault.set(FaultType.TRANSLATION, level);
        return null;
      }
      if (level < 3 && (dlo & 2) !== 0) {
        const next = outputAddress(cpu, dlo, dhi, granule, ds);
        if (next >= P2[outBits]) {
          fault.set(FaultType.ADDR_SIZE, level);
          return null;
        }
        if (!hpd) {
          apTable |= (dhi >>> 29) & 3;
          xnTable |= (dhi >>> 28) & 1;
          pxnTable |= (dhi >>> 27) & 1;
        }
        table = next;
        level++;
        continue;
      }
      // Block descriptors only where the granule allows them; at level 3 bit 1 = 0 is reserved.
      if (level < 3 ? !blockAllowed(cpu, granule, level, ds) : (dlo & 2) === 0) {
        fault.set(FaultType.TRANSLATION, level);
        return null;
      }
      break;
    }

    const blockShift = granule + stride * (3 - level);
    let oa = outputAddress(cpu, dlo, dhi, granule, ds);
    oa -= oa % P2[blockShift];
    if (oa >= P2[outBits]) {
      fault.set(FaultType.ADDR_SIZE, level);
      return null;
    }
    const af = (dlo >>> 10) & 1;
    // The Access flag fault comes before permissions (AArch64.S1Walk); we also raise it for
    // cache maintenance (IMPLEMENTATION DEFINED "Generate access flag fault on IC/DC").
    if (af === 0 && ha === 0) {
      fault.set(FaultType.ACCESS_FLAG, level);
      return null;
    }

    // Permissions (AArch64.S1HasPermissionsFault). AP[2:1] = bits [7:6]; with TCR.HD a
    // DBM (bit 51) page with AP[2] = 1 is writable-clean: permissions as if AP[2] = 0, and
    // a write clears AP[2] in the descriptor.
    let ap = (dlo >>> 6) & 3;
    const clean = hd === 1 && ((dhi >>> 19) & 1) === 1 && (ap & 2) !== 0;
    if (clean) ap &= 1;
    const wxn = (sctlr & SCTLR_WXN) !== 0;
    let perm: number;
    if (two) {
      let r0 = ap & 1;
      let w0 = ap === 1 ? 1 : 0;
      let w1 = ap & 2 ? 0 : 1;
      if (apTable & 1) r0 = w0 = 0; // APTable[0]: no EL0 access below
      if (apTable & 2) w0 = w1 = 0; // APTable[1]: no write below
      // UXN [54], PXN [53]; memory writable at EL0 is never executable at EL1.
      let x0 = ((dhi >>> 22) & 1) | xnTable ? 0 : 1;
      let x1 = ((dhi >>> 21) & 1) | pxnTable | w0 ? 0 : 1;
      if (wxn) {
        if (w0) x0 = 0;
        if (w1) x1 = 0;
      }
      perm = (r0 ? Perm.R0 : 0) | (w0 ? Perm.W0 : 0) | (x0 ? Perm.X0 : 0) | Perm.R1 | (w1 ? Perm.W1 : 0) | (x1 ? Perm.X1 : 0);
    } else {
      // One privilege level (EL2, EL3): AP[1], APTable[0] and PXN/PXNTable are ignored.
      const w1 = ap & 2 || apTable & 2 ? 0 : 1;
      let x1 = ((dhi >>> 22) & 1) | xnTable ? 0 : 1;
      if (wxn && w1) x1 = 0;
      perm = Perm.R1 | (w1 ? Perm.W1 : 0) | (x1 ? Perm.X1 : 0);
    }
    if (!s1Allows(perm, req)) {
      fault.set(FaultType.PERMISSION, level);
      return null;
    }

    // Hardware updates, only for an access that does not fault at stage 1 (AArch64.S1Translate).
    let nlo = dlo;
    if (af === 0) nlo |= 1 << 10; // AT and DC too (AArch64.S1Translate; QEMU 7.2 as well)
    if (clean) {
      if (req.acc === AccessType.WRITE && !req.at) nlo &= ~(1 << 7);
      else perm &= ~W_ANY;
    }
    if (nlo !== dlo) {
      let pa = addr;
      if (s2walk) {
        // The update is a write of the table at stage 2, a table walk access even for an AT
        // (CreateAccDescTTEUpdate): it may set the stage 2 dirty state.
        if (!s1ptwTranslate(cpu, addr, AccessType.WRITE, false, fault)) return null;
        pa = s2r.pa + (addr % 4096);
      }
      writeDescLo(cpu, pa, nlo);
    }

    level1 = level;
    sizeLog2 = blockShift;
    perm1 = perm;
    global = !two || ((dlo >>> 11) & 1) === 0; // nG [11]
    const off = lowBits(pageLo, vaHi, blockShift);
    ipa = oa + off;
    const mair = mairSlot(regime);
    const idx = (dlo >>> 2) & 7; // AttrIndx [4:2]
    attr = (cpu.u[lo(mair) + (idx >>> 2)] >>> ((idx & 3) * 8)) & 0xff;
    // AArch64.S1Translate: fetches from Device memory or with SCTLR.I = 0, and Normal data
    // with SCTLR.C = 0, are Normal Non-cacheable.
    fetchAttr = isDevice(attr) || (sctlr & SCTLR_I) === 0 ? 0x44 : attr;
    if ((sctlr & SCTLR_C) === 0 && !isDevice(attr)) attr = 0x44;
  }

  let pa = ipa;
  let perm2 = ALL;
  let level2 = 0;
  if (s2) {
    if (!s2Translate(cpu, ipa, req.acc, req.priv, false, req.at, fault)) return null;
    pa = s2r.pa;
    perm2 = s2r.perm;
    level2 = s2r.level;
    // AArch64.S2Translate: for fetches, Device or HCR_EL2.ID make stage 2 Normal
    // Non-cacheable; for data, Normal with HCR_EL2.CD (CD [32], ID [33]).
    const hhi = cpu.u[lo(Slot.HCR_EL2) + 1];
    const s2a = s2r.attr;
    attr = combineAttrs(attr, (hhi & 1) !== 0 && !isDevice(s2a) ? 0x44 : s2a);
    fetchAttr = combineAttrs(fetchAttr, (hhi & 2) !== 0 || isDevice(s2a) ? 0x44 : s2a);
    // TLBI by VA must drop the whole stage 1 mapping; over-invalidation is harmless.
    sizeLog2 = Math.max(sizeLog2, s2r.sizeLog2);
  }
  return {
    regime, vmid, asid: tags.asid, global, vaLo: pageLo, vaHi, sizeLog2, pa, ipa: s2 ? ipa : -1,
    perm1, perm2, level1, level2, attr: fetch ? fetchAttr : attr, device: isDevice(attr),
  };
}

/**
 * Stage 2 of a stage 1 table access (AArch64.S2Translate with S1PTW): faults are stage 2
 * faults with S1PTW = 1; with HCR_EL2.PTW a table in Device memory is a stage 2 Permission
 * fault (D8.2.x "Stage 2 fault on a stage 1 translation table walk").
 */
function s1ptwTranslate(cpu: Cpu, ipa: number, acc: AccessType, at: boolean, fault: MmuFault): boolean {
  if (!s2Translate(cpu, ipa, acc, 1, true, at, fault)) return false;
  if ((cpu.u[lo(Slot.HCR_EL2)] & HCR_PTW) !== 0 && isDevice(s2r.attr)) {
    fault.set(FaultType.PERMISSION, s2r.level, true, true, ipa - (ipa % 4096));
    return false;
  }
  return true;
}
