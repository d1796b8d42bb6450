// The soft TLB's backing store: every translation walked since the last invalidation that
// covers it, tagged by regime, VMID, ASID and the global bit (Arm ARM D8.16, "Translation
// Lookaside Buffers"). Memory's direct-mapped fast arrays are refilled from here, so a TLBI
// removes exactly the entries its scope names and nothing else (a stale entry outside the
// scope stays visible, as on hardware and in QEMU).
//
// Entries are keyed by VA[55:12] (bits 63:56 are a tag or must equal bit 55; TLBI by VA
// compares VA[55:12]); a key holds a short chain of entries for different contexts.

import { Regime, type TlbEntry } from './types.js';

/** What a TLBI removes. Every field narrows the scope; -1 / null mean "any". */
export interface TlbiScope {
  /** Regimes affected (bitmask of 1 << Regime). */
  regimes: number;
  /** Only entries of this VMID (EL1&0 regime); -1: every VMID. */
  vmid: number;
  /** Only entries of this ASID, plus global ones when an address is given; -1: every ASID. */
  asid: number;
  /** By ASID without an address (TLBI ASIDE1): global entries are kept. */
  keepGlobal: boolean;
  /** By VA: the first and last 4 KiB page numbers (VA[55:12]) of the range, or -1. */
  vpnFirst: number;
  vpnLast: number;
  /** By IPA (TLBI IPAS2*): the first and last IPA page numbers, or -1. */
  ipnFirst: number;
  ipnLast: number;
}

export const ALL_REGIMES = (1 << Regime.EL10) | (1 << Regime.EL20) | (1 << Regime.EL2) | (1 << Regime.EL3);

/** A scope that matches everything; callers narrow a copy. */
export function tlbiScope(regimes: number): TlbiScope {
  return { regimes, vmid: -1, asid: -1, keepGlobal: false, vpnFirst: -1, vpnLast: -1, ipnFirst: -1, ipnLast: -1 };
}

const TWO20 = 1048576;

/** VA[55:12] as a page number (exact in a double). */
export function vpnOf(lo: number, hi: number): number {
  return (hi & 0xffffff) * TWO20 + (lo >>> 12);
}

/** Beyond this many entries the TLB empties itself (a TLB may drop any entry at any time). */
const MAX_ENTRIES = 1 << 16;

export class Tlb {
  private readonly map = new Map<number, TlbEntry[]>();
  private count = 0;
  /** Called after any invalidation (Memory drops its fast arrays and decoded blocks). */
  onInvalidate: () => void = () => {};

  /** The cached entry for this context and VA, if any. */
  lookup(regime: Regime, vmid: number, asid: number, lo: number, hi: number): TlbEntry | undefined {
    const chain = this.map.get(vpnOf(lo, hi));
    if (chain === undefined) return undefined;
    const pageLo = lo & ~0xfff;
    for (const e of chain) {
      if (e.regime === regime && e.vaLo === pageLo && e.vaHi === hi && e.vmid === vmid && (e.global || e.asid === asid)) return e;
    }
    return undefined;
  }

  insert(e: TlbEntry): void {
    if (this.count >= MAX_ENTRIES) this.clear();
    const key = vpnOf(e.vaLo, e.vaHi);
    const chain = this.map.get(key);
    if (chain === undefined) this.map.set(key, [e]);
    else {
      // Replace an entry for the same context (a re-walk after a permission miss).
      const i = chain.findIndex((o) => o.regime === e.regime && o.vaHi === e.vaHi && o.vmid === e.vmid && o.global === e.global && o.asid === e.asid);
      if (i >= 0) chain[i] = e;
      else chain.push(e);
    }
    this.count++;
  }

  /** Removes one entry (re-walked because it no longer permits an access). */
  remove(e: TlbEntry): void {
    const key = vpnOf(e.vaLo, e.vaHi);
    const chain = this.map.get(key);
    if (chain === undefined) return;
    const i = chain.indexOf(e);
    if (i < 0) return;
    chain.splice(i, 1);
    if (chain.length === 0) this.map.delete(key);
    this.count--;
  }

  clear(): void {
    this.map.clear();
    this.count = 0;
    this.onInvalidate();
  }

  get size(): number {
    return this.count;
  }

  /** Every entry in lookup order, and the count that decides when the TLB empties itself (state files). */
  save(): { entries: TlbEntry[]; count: number } {
    return { entries: [...this.map.values()].flat(), count: this.count };
  }

  /** Replaces the contents with save()'s; the fast arrays are dropped (onInvalidate). */
  restore(entries: readonly TlbEntry[], count: number): void {
    this.clear();
    for (const e of entries) {
      const key = vpnOf(e.vaLo, e.vaHi);
      const chain = this.map.get(key);
      if (chain === undefined) this.map.set(key, [e]);
      else chain.push(e);
    }
    this.count = count;
  }

  /** TLBI: removes every entry inside `s`. */
  invalidate(s: TlbiScope): void {
    if (s.regimes === ALL_REGIMES && s.vmid < 0 && s.asid < 0 && s.vpnFirst < 0 && s.ipnFirst < 0) {
      this.clear();
      return;
    }
    const before = this.count;
    for (const [key, chain] of this.map) {
      const kept = chain.filter((e) => !matches(e, s));
      this.count -= chain.length - kept.length;
      if (kept.length === 0) this.map.delete(key);
      else if (kept.length !== chain.length) this.map.set(key, kept);
    }
    // The fast arrays copy entries of this TLB only: untouched, they are still right.
    if (this.count !== before) this.onInvalidate();
  }
}

function matches(e: TlbEntry, s: TlbiScope): boolean {
  if ((s.regimes & (1 << e.regime)) === 0) return false;
  if (s.vmid >= 0 && e.vmid !== s.vmid) return false;
  if (s.asid >= 0) {
    if (e.global) {
      if (s.keepGlobal) return false;
    } else if (e.asid !== s.asid) return false;
  }
  if (s.vpnFirst >= 0) {
    // The entry's whole mapping (a block may be bigger than the cached page) must overlap.
    const pages = 2 ** (e.sizeLog2 - 12);
    const first = Math.floor(vpnOf(e.vaLo, e.vaHi) / pages) * pages;
    if (first + pages - 1 < s.vpnFirst || first > s.vpnLast) return false;
  }
  if (s.ipnFirst >= 0) {
    if (e.ipa < 0) return false;
    const ipn = Math.floor(e.ipa / 4096);
    if (ipn < s.ipnFirst || ipn > s.ipnLast) return false;
  }
  return true;
}
