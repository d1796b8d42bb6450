// The CPU's view of memory: virtual address (as two 32-bit halves) through the MMU to RAM or
// MMIO, with the checks the Arm ARM requires (alignment, permissions, aborts).
//
// A direct-mapped soft TLB of 4 KiB pages sits in front of everything: one set of arrays per
// access kind (read, write, fetch) holds the page's VA tag and the RAM offset it maps to,
// for the current translation context only. A hit costs three array reads and compares;
// a miss goes to the tagged TLB (tlb.ts) and then to the walker (walk.ts), whose entry
// is checked for the access (walk.permits) before a kind is filled. The arrays hold only
// RAM pages, so MMIO always takes the slow path. Every change of context (EL, regime,
// ASID/VMID, PAN, SCTLR/TCR/TTBR/MAIR/HCR writes) and every TLBI empties the arrays.
//
// Hot path rules: addresses arrive as (lo, hi) int32 halves, RAM is read through typed
// array views, a 64-bit load returns its low word and leaves the high word in `hi`, and
// faults are thrown as the CPU's single preallocated ExceptionRecord.

import { ExceptionRecord, EC, FSC } from '../cpu/exception.js';
import type { Cpu } from '../cpu/cpu.js';
import { Slot, lo as loOf } from '../cpu/state.js';
import { ScrEl3 } from '../sysregs/bits.js';
import { el2Enabled } from '../sysregs/access.js';
import { Tlb } from './tlb.js';
import { AccessType, MmuFault, Regime, fscOf, type TlbEntry, type WalkRequest } from './types.js';
import { contextTags, permits, regimeOf, walk } from './walk.js';

/** What the CPU needs from the physical address space (implemented by the machine). */
export interface PhysBus {
  readonly ram: Uint8Array;
  readonly ramBase: number;
  /** An MMIO read: the value (size 1, 2 or 4), or undefined when nothing answers there. */
  mmioRead(pa: number, size: number): number | undefined;
  /** An MMIO write: false when nothing answers there. */
  mmioWrite(pa: number, size: number, value: number): boolean;
}

/** log2 of the number of fast TLB entries per access kind (16 MiB of VA at once). */
const FAST_BITS = 12;
const FAST_MASK = (1 << FAST_BITS) - 1;
/** A tag no page-aligned address has: an empty fast TLB entry. */
const EMPTY = 1;

/**
 * The registers whose values a fast TLB was filled under (with the regime, PSTATE.PAN/UAO
 * and whether EL2 is enabled): every SCTLR, TCR, TTBR and MAIR, HCR_EL2, the stage 2
 * registers and SCR_EL3. A set filled under other values is emptied before use.
 */
const SIG_SLOTS = [
  Slot.SCTLR_EL1, Slot.SCTLR_EL1 + 1, Slot.SCTLR_EL1 + 2, Slot.TCR_EL1, Slot.TCR_EL2, Slot.TCR_EL3,
  Slot.TTBR0_EL1, Slot.TTBR1_EL1, Slot.TTBR0_EL2, Slot.TTBR1_EL2, Slot.TTBR0_EL3,
  Slot.MAIR_EL1, Slot.MAIR_EL2, Slot.MAIR_EL3, Slot.HCR_EL2, Slot.VTCR_EL2, Slot.VTTBR_EL2, Slot.SCR_EL3,
];

/** The fast TLB of one EL: per access kind, VA tags and RAM offsets of 4 KiB pages. */
class FastSet {
  readonly rTag = new Int32Array(1 << FAST_BITS).fill(EMPTY);
  readonly rHi = new Int32Array(1 << FAST_BITS);
  readonly rOff = new Int32Array(1 << FAST_BITS);
  readonly wTag = new Int32Array(1 << FAST_BITS).fill(EMPTY);
  readonly wHi = new Int32Array(1 << FAST_BITS);
  readonly wOff = new Int32Array(1 << FAST_BITS);
  readonly xTag = new Int32Array(1 << FAST_BITS).fill(EMPTY);
  readonly xHi = new Int32Array(1 << FAST_BITS);
  readonly xOff = new Int32Array(1 << FAST_BITS);
  /** The translation state it was filled under (Memory.sig). */
  readonly sig = new Int32Array(SIG_SLOTS.length * 2 + 3);
  /** False after a TLBI: empty it before use. */
  valid = false;
  /** Its generation for decoded blocks (Memory.fetchGen). */
  gen = 0;
}

function request(acc: AccessType): WalkRequest {
  return { regime: Regime.EL10, priv: 1, acc, pan: false, s1Only: false, at: false, cm: false };
}

export class Memory {
  readonly ram8: Uint8Array;
  readonly ram16: Uint16Array;
  readonly ram32: Int32Array;
  readonly base: number;
  readonly size: number;
  /**
   * One byte per 256-byte chunk of RAM: nonzero where decoded code came from, so that a
   * store there drops the decoded blocks (self-modifying code, image loading).
   */
  readonly codeMap: Uint8Array;
  /** Set by the CPU: called when a store hits a chunk marked in codeMap. */
  onCodeWrite: () => void = () => {};
  /** The tagged TLB (TLBI operations call tlb.invalidate). */
  readonly tlb = new Tlb();
  /** The high word of the last 64-bit load. */
  hi = 0;
  /** SCTLR_ELx.A of the current regime: every unaligned data access faults. */
  alignCheck = false;
  /**
   * Bumped whenever the fast TLB is emptied: decoded blocks remember the generation they
   * were last validated in, and re-check their page's translation when it differs.
   */
  fetchGen = 0;
  /** The last fault a walk or a permission check found. */
  readonly fault = new MmuFault();

  // The fast TLB in use: VA tag (low word & ~0xfff, high word) and RAM offset of the page,
  // per access kind; the arrays of the current EL's FastSet.
  private rTag: Int32Array;
  private rHi: Int32Array;
  private rOff: Int32Array;
  private wTag: Int32Array;
  private wHi: Int32Array;
  private wOff: Int32Array;
  private xTag: Int32Array;
  private xHi: Int32Array;
  private xOff: Int32Array;
  /** One fast TLB per EL, kept across exceptions while the translation state is unchanged. */
  private readonly sets = [new FastSet(), new FastSet(), new FastSet(), new FastSet()];
  private active: FastSet;
  /** The translation state now (contextChanged), compared with each set's `sig`. */
  private readonly sig = new Int32Array(SIG_SLOTS.length * 2 + 3);
  private nextGen = 1;

  // The current translation context (contextChanged).
  private cpu: Cpu | null = null;
  private readonly reqR = request(AccessType.READ);
  private readonly reqW = request(AccessType.WRITE);
  private readonly reqX = request(AccessType.FETCH);
  /** Unprivileged (LDTR/STTR) requests, used when `unprivEl0` says they differ. */
  private readonly reqUR = request(AccessType.READ);
  private readonly reqUW = request(AccessType.WRITE);
  private readonly reqs = [this.reqR, this.reqW, this.reqX, this.reqUR, this.reqUW];
  private readonly tags = { asid: 0, vmid: 0 };
  /** LDTR/STTR check EL0 permissions in this context (EL1, or EL2 in EL2&0, without UAO). */
  private unprivEl0 = false;

  constructor(
    readonly bus: PhysBus,
    readonly exc: ExceptionRecord,
  ) {
    const ram = bus.ram;
    if (ram.byteOffset % 8 !== 0 || ram.byteLength % 8 !== 0) throw new Error('RAM must be 8-byte aligned');
    if (bus.ramBase % 4096 !== 0) throw new Error('RAM must start on a 4 KiB boundary');
    this.ram8 = ram;
    this.ram16 = new Uint16Array(ram.buffer, ram.byteOffset, ram.byteLength >>> 1);
    this.ram32 = new Int32Array(ram.buffer, ram.byteOffset, ram.byteLength >>> 2);
    this.base = bus.ramBase;
    this.size = ram.byteLength;
    this.codeMap = new Uint8Array(Math.ceil(this.size / 256));
    this.active = this.sets[1];
    this.rTag = this.rHi = this.rOff = this.wTag = this.wHi = this.wOff = this.xTag = this.xHi = this.xOff = this.active.rTag;
    this.activate(this.active);
    this.tlb.onInvalidate = () => this.flushFast();
  }

  /** Connects the CPU whose registers select the translation (Cpu's constructor). */
  attach(cpu: Cpu): void {
    this.cpu = cpu;
  }

  /**
   * Re-derives the translation context from the CPU (EL, regime, ASID/VMID, PAN/UAO,
   * SCTLR_ELx.A) and empties the fast TLB. Cpu.contextChanged calls it.
   */
  contextChanged(): void {
    const cpu = this.cpu!;
    const el = cpu.el;
    const regime = regimeOf(cpu, el);
    contextTags(cpu, regime, this.tags);
    const priv = el === 0 ? 0 : 1;
    // PSTATE.PAN restricts privileged data accesses in the EL1&0 and EL2&0 regimes.
    const pan = priv === 1 && cpu.pan !== 0 && (regime === Regime.EL10 || regime === Regime.EL20);
    for (const q of this.reqs) {
      q.regime = regime;
      q.priv = priv;
      q.pan = pan;
    }
    this.reqX.pan = false;
    // LDTR/STTR (Arm ARM C6.2, "unprivileged"): EL0 permissions at EL1, and at EL2 in the
    // EL2&0 regime, unless PSTATE.UAO is 1; elsewhere an ordinary access.
    this.unprivEl0 = priv === 1 && cpu.uao === 0 && (regime === Regime.EL10 || regime === Regime.EL20) && el !== 3;
    this.reqUR.priv = this.reqUW.priv = this.unprivEl0 ? 0 : priv;
    this.reqUR.pan = this.reqUW.pan = this.unprivEl0 ? false : pan;
    const sctlrSlot = regime === Regime.EL10 ? Slot.SCTLR_EL1 : regime === Regime.EL3 ? Slot.SCTLR_EL1 + 2 : Slot.SCTLR_EL1 + 1;
    this.alignCheck = ((cpu.u[loOf(sctlrSlot)] >>> 1) & 1) === 1;
    // Reuse this EL's fast TLB if it was filled under the same translation state (an
    // exception to EL1 and the ERET back to EL0 change nothing else); else empty it.
    const sig = this.sig;
    const u = cpu.u;
    let k = 0;
    for (const slot of SIG_SLOTS) {
      sig[k++] = u[2 * slot];
      sig[k++] = u[2 * slot + 1];
    }
    sig[k++] = regime;
    sig[k++] = cpu.pan | (cpu.uao << 1);
    sig[k++] = el2Enabled(cpu) ? 1 : 0;
    const set = this.sets[el];
    let same = set.valid;
    for (let i = 0; same && i < sig.length; i++) same = set.sig[i] === sig[i];
    if (!same) {
      set.sig.set(sig);
      this.empty(set);
    }
    this.activate(set);
  }

  private activate(set: FastSet): void {
    this.active = set;
    this.rTag = set.rTag;
    this.rHi = set.rHi;
    this.rOff = set.rOff;
    this.wTag = set.wTag;
    this.wHi = set.wHi;
    this.wOff = set.wOff;
    this.xTag = set.xTag;
    this.xHi = set.xHi;
    this.xOff = set.xOff;
    // Decoded blocks were validated under some set's generation: under another, they
    // re-check their page's translation (run.ts).
    this.fetchGen = set.gen;
  }

  private empty(set: FastSet): void {
    set.rTag.fill(EMPTY);
    set.wTag.fill(EMPTY);
    set.xTag.fill(EMPTY);
    set.valid = true;
    set.gen = this.nextGen++;
  }

  /** Empties the fast TLB of every EL (after a TLBI; the tagged TLB keeps its other entries). */
  flushFast(): void {
    for (const set of this.sets) set.valid = false;
    this.empty(this.active);
    this.fetchGen = this.active.gen;
  }

  // ---- loads ------------------------------------------------------------------------

  ld8(lo: number, hi: number): number {
    const i = (lo >>> 12) & FAST_MASK;
    if (this.rTag[i] === (lo & -4096) && this.rHi[i] === hi) return this.ram8[this.rOff[i] + (lo & 0xfff)];
    return this.slowLoad(lo, hi, 1, this.reqR);
  }

  ld16(lo: number, hi: number): number {
    const i = (lo >>> 12) & FAST_MASK;
    if (this.rTag[i] === (lo & -4096) && this.rHi[i] === hi && (lo & 1) === 0) return this.ram16[(this.rOff[i] + (lo & 0xfff)) >>> 1];
    return this.slowLoad(lo, hi, 2, this.reqR);
  }

  /** A 32-bit load; the result is a signed int32 (use >>> 0 for the unsigned value). */
  ld32(lo: number, hi: number): number {
    const i = (lo >>> 12) & FAST_MASK;
    if (this.rTag[i] === (lo & -4096) && this.rHi[i] === hi && (lo & 3) === 0) return this.ram32[(this.rOff[i] + (lo & 0xfff)) >>> 2];
    return this.slowLoad(lo, hi, 4, this.reqR);
  }

  /** A 64-bit load: returns the low word, leaves the high word in `this.hi`. */
  ld64(lo: number, hi: number): number {
    const i = (lo >>> 12) & FAST_MASK;
    if (this.rTag[i] === (lo & -4096) && this.rHi[i] === hi && (lo & 7) === 0) {
      const k = (this.rOff[i] + (lo & 0xfff)) >>> 2;
      this.hi = this.ram32[k + 1];
      return this.ram32[k];
    }
    return this.slowLoad(lo, hi, 8, this.reqR);
  }

  // ---- stores -----------------------------------------------------------------------

  st8(lo: number, hi: number, v: number): void {
    const i = (lo >>> 12) & FAST_MASK;
    if (this.wTag[i] === (lo & -4096) && this.wHi[i] === hi) {
      const off = this.wOff[i] + (lo & 0xfff);
      this.ram8[off] = v;
      if (this.codeMap[off >>> 8] !== 0) this.codeWritten();
      return;
    }
    this.slowStore(lo, hi, 1, v, 0, this.reqW);
  }

  st16(lo: number, hi: number, v: number): void {
    const i = (lo >>> 12) & FAST_MASK;
    if (this.wTag[i] === (lo & -4096) && this.wHi[i] === hi && (lo & 1) === 0) {
      const off = this.wOff[i] + (lo & 0xfff);
      this.ram16[off >>> 1] = v;
      if (this.codeMap[off >>> 8] !== 0) this.codeWritten();
      return;
    }
    this.slowStore(lo, hi, 2, v, 0, this.reqW);
  }

  st32(lo: number, hi: number, v: number): void {
    const i = (lo >>> 12) & FAST_MASK;
    if (this.wTag[i] === (lo & -4096) && this.wHi[i] === hi && (lo & 3) === 0) {
      const off = this.wOff[i] + (lo & 0xfff);
      this.ram32[off >>> 2] = v;
      if (this.codeMap[off >>> 8] !== 0) this.codeWritten();
      return;
    }
    this.slowStore(lo, hi, 4, v, 0, this.reqW);
  }

  st64(lo: number, hi: number, vlo: number, vhi: number): void {
    const i = (lo >>> 12) & FAST_MASK;
    if (this.wTag[i] === (lo & -4096) && this.wHi[i] === hi && (lo & 7) === 0) {
      const off = this.wOff[i] + (lo & 0xfff);
      const k = off >>> 2;
      this.ram32[k] = vlo;
      this.ram32[k + 1] = vhi;
      if (this.codeMap[off >>> 8] !== 0) this.codeWritten();
      return;
    }
    this.slowStore(lo, hi, 8, vlo, vhi, this.reqW);
  }

  // ---- unprivileged loads and stores (LDTR/STTR and their sized forms) ----------------

  /** LDTR*: a load of `size` bytes checked with EL0 permissions where the Arm ARM says so. */
  ldUnpriv(lo: number, hi: number, size: number): number {
    if (!this.unprivEl0) {
      return size === 1 ? this.ld8(lo, hi) : size === 2 ? this.ld16(lo, hi) : size === 4 ? this.ld32(lo, hi) : this.ld64(lo, hi);
    }
    return this.slowLoad(lo, hi, size, this.reqUR);
  }

  /** STTR*: a store of `size` bytes checked with EL0 permissions where the Arm ARM says so. */
  stUnpriv(lo: number, hi: number, size: number, v: number, vhi: number): void {
    if (!this.unprivEl0) {
      if (size === 1) this.st8(lo, hi, v);
      else if (size === 2) this.st16(lo, hi, v);
      else if (size === 4) this.st32(lo, hi, v);
      else this.st64(lo, hi, v, vhi);
      return;
    }
    this.slowStore(lo, hi, size, v, vhi, this.reqUW);
  }

  /**
   * Checks that an access of `size` bytes at (lo, hi) may go ahead, without doing it:
   * used by instructions that must not write anything unless all their accesses succeed
   * (pairs, CASP). Throws the abort a real access would take. Returns true when the
   * access goes to RAM, false when to MMIO.
   */
  probe(lo: number, hi: number, size: number, write: boolean): boolean {
    const req = write ? this.reqW : this.reqR;
    if ((lo & 0xfff) + size > 4096) {
      const nLo = ((lo & -4096) + 4096) | 0;
      const nHi = nLo === 0 ? (hi + 1) | 0 : hi;
      const a = this.pageOf(lo, hi, req, size);
      this.pageOf(nLo, nHi, req, size, lo, hi);
      return a >= 0;
    }
    return this.pageOf(lo, hi, req, size) >= 0;
  }

  /** True when (lo, hi) is in a page the fast TLB maps writable to RAM (no translation done). */
  isRamPage(lo: number, hi: number): boolean {
    const i = (lo >>> 12) & FAST_MASK;
    return this.wTag[i] === (lo & -4096) && this.wHi[i] === hi;
  }

  /** Checks alignment to `size` regardless of memory type (exclusives, atomics, acquire/release). */
  checkAligned(lo: number, hi: number, size: number, write: boolean): void {
    if ((lo & (size - 1)) !== 0) this.abort(lo, hi, FSC.ALIGNMENT, write);
  }

  /**
   * DC ZVA: zeroes the naturally aligned `size`-byte block holding (lo, hi). A write for
   * permissions; on Device memory an Alignment fault (Arm ARM C5.3, DC ZVA).
   */
  zeroBlock(lo: number, hi: number, size: number): void {
    const base = lo & -size;
    const e = this.translate(base, hi, this.reqW);
    if (e === null) this.raise(lo, hi, this.reqW, true);
    if (e.device) this.abort(lo, hi, FSC.ALIGNMENT, true);
    for (let i = 0; i < size; i += 8) this.st64(base + i, hi, 0, 0);
  }

  // ---- instruction fetch -------------------------------------------------------------

  /** The RAM offset of the instruction at (lo, hi); throws the Instruction Abort if it can't be fetched. */
  fetchOffset(lo: number, hi: number): number {
    const i = (lo >>> 12) & FAST_MASK;
    if (this.xTag[i] === (lo & -4096) && this.xHi[i] === hi) return this.xOff[i] + (lo & 0xfff);
    const e = this.translate(lo, hi, this.reqX);
    if (e === null) this.raise(lo, hi, this.reqX, false);
    const off = e.pa - this.base + (lo & 0xfff);
    if (off < 0 || off >= this.size) this.iabort(lo, hi, FSC.SYNC_EXTERNAL);
    return off;
  }

  /** Fetches one instruction word; throws an Instruction Abort if it can't be fetched. */
  fetch(lo: number, hi: number): number {
    return this.ram32[this.fetchOffset(lo, hi) >>> 2];
  }

  /** True when the word at (lo, hi) can be fetched without an abort (for tools). */
  canFetch(lo: number, hi: number): boolean {
    const e = this.translate(lo, hi, this.reqX);
    if (e === null) return false;
    const off = e.pa - this.base + (lo & 0xfff);
    return off >= 0 && off < this.size;
  }

  /**
   * The RAM offset of the `len` bytes at virtual address (lo, hi), translated as reads at
   * the current EL, or -1 when any of them is not RAM, does not translate, or the range is
   * not contiguous in RAM. For host-side services (semihosting), which must not touch
   * devices; never raises an exception.
   */
  ramRange(lo: number, hi: number, len: number): number {
    if (len < 0) return -1;
    let first = -1;
    let pLo = lo;
    let pHi = hi;
    let done = 0;
    do {
      const e = this.translate(pLo, pHi, this.reqR);
      if (e === null) return -1;
      const off = e.pa - this.base + (pLo & 0xfff);
      if (off < 0 || off >= this.size) return -1;
      if (first < 0) first = off;
      else if (off !== first + done) return -1;
      const chunk = 4096 - (pLo & 0xfff);
      done += chunk;
      const nLo = ((pLo & -4096) + 4096) | 0;
      if (nLo === 0) pHi = (pHi + 1) | 0;
      pLo = nLo;
    } while (done < len);
    return first + len <= this.size ? first : -1;
  }

  // ---- translation -------------------------------------------------------------------

  /**
   * The TLB entry for (lo, hi) that permits `req`: from the tagged TLB, else walked (and
   * cached). Null on a fault, described in `this.fault`. Never throws.
   */
  private translate(lo: number, hi: number, req: WalkRequest): TlbEntry | null {
    const t = this.tags;
    let e = this.tlb.lookup(req.regime, t.vmid, t.asid, lo, hi);
    if (e !== undefined) {
      if (permits(e, req, this.fault)) return e;
      // A cached entry may be out of date (a page since made writable or dirty): re-walk.
      this.tlb.remove(e);
    }
    e = walk(this.cpu!, lo, hi, req, this.fault) ?? undefined;
    if (e === undefined) return null;
    this.tlb.insert(e);
    return e;
  }

  /**
   * Translates the page of (lo, hi) for `req`, checks alignment for a `size`-byte access
   * and fills the fast TLB. Returns the RAM offset of (lo, hi), or -1 for MMIO (with the
   * physical address in `lastPa`). Throws the abort (with FAR = (farLo, farHi)).
   */
  private pageOf(lo: number, hi: number, req: WalkRequest, size: number, farLo = lo, farHi = hi): number {
    const write = req.acc === AccessType.WRITE;
    // SCTLR_ELx.A: the alignment check comes before translation (Arm ARM B2.5.2).
    if (this.alignCheck && (farLo & (size - 1)) !== 0) this.abort(farLo, farHi, FSC.ALIGNMENT, write);
    const e = this.translate(lo, hi, req);
    if (e === null) this.raise(farLo, farHi, req, write);
    // Device memory: every unaligned access takes an Alignment fault (Arm ARM B2.5.2).
    if (e.device && (farLo & (size - 1)) !== 0) this.abort(farLo, farHi, FSC.ALIGNMENT, write);
    const pageOff = e.pa - this.base;
    this.lastPa = e.pa + (lo & 0xfff);
    if (pageOff >= 0 && pageOff + 4096 <= this.size) {
      this.fill(lo, hi, e, pageOff, req);
      return pageOff + (lo & 0xfff);
    }
    return -1;
  }

  private lastPa = 0;

  /** Fills the fast TLB entry of (lo, hi) for the kinds `e` permits in this context. */
  private fill(lo: number, hi: number, e: TlbEntry, pageOff: number, req: WalkRequest): void {
    const i = (lo >>> 12) & FAST_MASK;
    const tag = lo & -4096;
    // Unprivileged accesses at EL1 have their own permissions: they never fill.
    if (req === this.reqUR || req === this.reqUW) {
      if (this.unprivEl0) return;
    }
    const f = this.scratch;
    if (permits(e, this.reqR, f)) {
      this.rTag[i] = tag;
      this.rHi[i] = hi;
      this.rOff[i] = pageOff;
    }
    if (permits(e, this.reqW, f)) {
      this.wTag[i] = tag;
      this.wHi[i] = hi;
      this.wOff[i] = pageOff;
    }
    if (permits(e, this.reqX, f)) {
      this.xTag[i] = tag;
      this.xHi[i] = hi;
      this.xOff[i] = pageOff;
    }
  }

  private readonly scratch = new MmuFault();

  // ---- slow paths --------------------------------------------------------------------

  private slowLoad(lo: number, hi: number, size: number, req: WalkRequest): number {
    if ((lo & 0xfff) + size > 4096) return this.crossLoad(lo, hi, size, req);
    const off = this.pageOf(lo, hi, req, size);
    const m = this.ram8;
    if (off >= 0) {
      // Possibly unaligned (Normal memory): assemble little-endian bytes.
      if (size === 8) this.hi = m[off + 4] | (m[off + 5] << 8) | (m[off + 6] << 16) | (m[off + 7] << 24);
      if (size === 1) return m[off];
      if (size === 2) return m[off] | (m[off + 1] << 8);
      return m[off] | (m[off + 1] << 8) | (m[off + 2] << 16) | (m[off + 3] << 24);
    }
    return this.mmioLoad(this.lastPa, lo, hi, size);
  }

  /**
   * A load whose bytes straddle two pages (Normal memory, unaligned). A fault on the second
   * page reports FAR = the access address aligned down to its size, plus the size, as QEMU
   * 7.2's load_helper does (the Arm ARM leaves the address within the access open).
   */
  private crossLoad(lo: number, hi: number, size: number, req: WalkRequest): number {
    const nLo = ((lo & -4096) + 4096) | 0;
    const nHi = nLo === 0 ? (hi + 1) | 0 : hi;
    const off1 = this.pageOf(lo, hi, req, size);
    const pa1 = this.lastPa;
    const fLo = ((lo & -size) + size) | 0;
    const off2 = this.pageOf(nLo, nHi, req, size, fLo, fLo === 0 ? (hi + 1) | 0 : hi);
    const pa2 = this.lastPa;
    const split = 4096 - (lo & 0xfff);
    let vLo = 0;
    let vHi = 0;
    for (let k = 0; k < size; k++) {
      let b: number;
      if (k < split) b = off1 >= 0 ? this.ram8[off1 + k] : this.mmioLoad(pa1 + k, lo, hi, 1);
      else b = off2 >= 0 ? this.ram8[off2 + k - split] : this.mmioLoad(pa2 + k - split, lo, hi, 1);
      if (k < 4) vLo |= b << (8 * k);
      else vHi |= b << (8 * (k - 4));
    }
    this.hi = vHi;
    return size === 4 || size === 8 ? vLo | 0 : vLo;
  }

  private mmioLoad(pa: number, lo: number, hi: number, size: number): number {
    const off = pa - this.base;
    if (off >= 0 && off < this.size) this.abort(lo, hi, FSC.SYNC_EXTERNAL, false);
    if (size === 8) {
      const l = this.bus.mmioRead(pa, 4);
      const h = this.bus.mmioRead(pa + 4, 4);
      if (l === undefined || h === undefined) this.abort(lo, hi, FSC.SYNC_EXTERNAL, false);
      this.hi = h | 0;
      return l | 0;
    }
    const v = this.bus.mmioRead(pa, size);
    if (v === undefined) this.abort(lo, hi, FSC.SYNC_EXTERNAL, false);
    return size === 4 ? v | 0 : v;
  }

  private slowStore(lo: number, hi: number, size: number, v: number, vhi: number, req: WalkRequest): void {
    if ((lo & 0xfff) + size > 4096) {
      this.crossStore(lo, hi, size, v, vhi, req);
      return;
    }
    const off = this.pageOf(lo, hi, req, size);
    if (off >= 0) {
      const m = this.ram8;
      for (let i = 0; i < size; i++) m[off + i] = i < 4 ? v >>> (8 * i) : vhi >>> (8 * (i - 4));
      if (this.codeMap[off >>> 8] !== 0 || this.codeMap[(off + size - 1) >>> 8] !== 0) this.codeWritten();
      return;
    }
    this.mmioStore(this.lastPa, lo, hi, size, v, vhi);
  }

  /**
   * A store whose bytes straddle two pages: both are translated before either is written. A
   * fault on the second page reports FAR = that page's first byte (QEMU 7.2's store_helper).
   */
  private crossStore(lo: number, hi: number, size: number, v: number, vhi: number, req: WalkRequest): void {
    const nLo = ((lo & -4096) + 4096) | 0;
    const nHi = nLo === 0 ? (hi + 1) | 0 : hi;
    const off1 = this.pageOf(lo, hi, req, size);
    const pa1 = this.lastPa;
    const off2 = this.pageOf(nLo, nHi, req, size, nLo, nHi);
    const pa2 = this.lastPa;
    const split = 4096 - (lo & 0xfff);
    for (let k = 0; k < size; k++) {
      const b = k < 4 ? (v >>> (8 * k)) & 0xff : (vhi >>> (8 * (k - 4))) & 0xff;
      const off = k < split ? (off1 >= 0 ? off1 + k : -1) : off2 >= 0 ? off2 + k - split : -1;
      if (off >= 0) this.ram8[off] = b;
      else this.mmioStore(k < split ? pa1 + k : pa2 + k - split, lo, hi, 1, b, 0);
    }
    if ((off1 >= 0 && this.codeMap[off1 >>> 8] !== 0) || (off2 >= 0 && this.codeMap[off2 >>> 8] !== 0)) this.codeWritten();
  }

  private mmioStore(pa: number, lo: number, hi: number, size: number, v: number, vhi: number): void {
    const off = pa - this.base;
    if (off >= 0 && off < this.size) this.abort(lo, hi, FSC.SYNC_EXTERNAL, true);
    let ok: boolean;
    if (size === 8) ok = this.bus.mmioWrite(pa, 4, v >>> 0) && this.bus.mmioWrite(pa + 4, 4, vhi >>> 0);
    else ok = this.bus.mmioWrite(pa, size, size === 4 ? v >>> 0 : v & (size === 1 ? 0xff : 0xffff));
    if (!ok) this.abort(lo, hi, FSC.SYNC_EXTERNAL, true);
  }

  private codeWritten(): void {
    this.codeMap.fill(0);
    this.onCodeWrite();
  }

  // ---- aborts ------------------------------------------------------------------------

  /**
   * Synchronous External aborts go to EL3 when SCR_EL3.EA is 1, before any other routing
   * (AArch64.TakeDataAbort / TakeInstructionAbort: route_to_el3). QEMU 7.2 ignores EA here.
   */
  private routeExternal(fsc: number): void {
    const cpu = this.cpu!;
    const external = fsc === 0x10 || (fsc >= 0x13 && fsc <= 0x17);
    if (external && cpu.model.features.EL3 && (cpu.u[loOf(Slot.SCR_EL3)] & ScrEl3.EA) !== 0) this.exc.targetEl = 3;
  }

  /** Raises the abort `this.fault` describes for an access to (lo, hi). */
  private raise(lo: number, hi: number, req: WalkRequest, write: boolean): never {
    const f = this.fault;
    const fsc = fscOf(f.type, f.level);
    const e =
      req.acc === AccessType.FETCH ? this.exc.set(EC.IABORT_SAME, fsc) : this.exc.set(EC.DABORT_SAME, fsc);
    e.isDataAbort = req.acc !== AccessType.FETCH;
    e.write = write;
    e.hasFar = true;
    e.farLo = lo;
    e.farHi = hi;
    e.cm = req.cm;
    if (f.stage2) {
      e.targetEl = 2;
      e.stage2 = true;
      e.s1ptw = f.s1ptw;
      e.ipa = f.ipa;
    }
    this.routeExternal(fsc);
    throw e;
  }

  /** Raises a Data Abort; the run loop completes the syndrome from the instruction. */
  abort(lo: number, hi: number, fsc: number, write: boolean): never {
    const e = this.exc.set(EC.DABORT_SAME, fsc);
    e.isDataAbort = true;
    e.write = write;
    e.hasFar = true;
    e.farLo = lo;
    e.farHi = hi;
    this.routeExternal(fsc);
    throw e;
  }

  private iabort(lo: number, hi: number, fsc: number): never {
    const e = this.exc.set(EC.IABORT_SAME, fsc);
    e.hasFar = true;
    e.farLo = lo;
    e.farHi = hi;
    this.routeExternal(fsc);
    throw e;
  }
}

