// The CPU's view of memory: virtual address (as two 32-bit halves) to RAM or MMIO, with the
// checks the Arm ARM requires when stage 1 translation is off (D8.2.10 "The effects of
// disabling address translation"): PA = VA, data accesses are Device-nGnRnE (so every
// unaligned data access takes an Alignment fault), and VA bits above the implemented PA
// size give an Address size fault. Translation tables arrive with the MMU issue; they plug
// in behind the same load/store functions.
//
// Hot path rules: addresses arrive as (lo, hi) int32 halves, RAM is read through typed
// array views, a 64-bit load returns its low word and leaves the high word in `hi`, and
// faults are thrown as the CPU's single preallocated ExceptionRecord.

import { ExceptionRecord, EC, FSC } from '../cpu/exception.js';
import { Tlb } from './tlb.js';

/** What the CPU needs from the physical address space (implemented by the machine). */
export interface PhysBus {
  readonly ram: Uint8Array;
  readonly ramBase: number;
  /** An MMIO read: the value (size 1, 2 or 4), or undefined when nothing answers there. */
  mmioRead(pa: number, size: number): number | undefined;
  /** An MMIO write: false when nothing answers there. */
  mmioWrite(pa: number, size: number, value: number): boolean;
}

const TWO32 = 4294967296;

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
  /** Data accesses must be aligned (stage 1 off makes memory Device, or SCTLR.A is set). */
  alignCheck = true;
  /** Stage 1 is off, so every data access is to Device-nGnRnE memory. */
  deviceOnly = true;
  // PSTATE.PAN (an EL1 access to an EL0-accessible page faults) and PSTATE.UAO (LDTR/STTR
  // at EL1 check EL1 permissions) act on stage 1 permissions only: nothing to do while
  // translation is off. The MMU issue reads them in Cpu.contextChanged, which runs on every
  // change of either (exception entry, ERET, MSR PAN/UAO).

  /** VA high words at or above this are outside the PA range (Address size fault). */
  paHiLimit: number;

  constructor(
    readonly bus: PhysBus,
    readonly exc: ExceptionRecord,
    paBits: number,
  ) {
    const ram = bus.ram;
    if (ram.byteOffset % 8 !== 0 || ram.byteLength % 8 !== 0) throw new Error('RAM must be 8-byte aligned');
    this.ram8 = ram;
    this.ram16 = new Uint16Array(ram.buffer, ram.byteOffset, ram.byteLength >>> 1);
    this.ram32 = new Int32Array(ram.buffer, ram.byteOffset, ram.byteLength >>> 2);
    this.base = bus.ramBase;
    this.size = ram.byteLength;
    this.codeMap = new Uint8Array(Math.ceil(this.size / 256));
    this.paHiLimit = 2 ** (paBits - 32);
  }

  // ---- loads ------------------------------------------------------------------------

  ld8(lo: number, hi: number): number {
    const off = (lo >>> 0) - this.base;
    if (hi === 0 && off >= 0 && off < this.size) return this.ram8[off];
    return this.slowLoad(lo, hi, 1);
  }

  ld16(lo: number, hi: number): number {
    const off = (lo >>> 0) - this.base;
    if (hi === 0 && off >= 0 && off < this.size && (lo & 1) === 0) return this.ram16[off >>> 1];
    return this.slowLoad(lo, hi, 2);
  }

  /** A 32-bit load; the result is a signed int32 (use >>> 0 for the unsigned value). */
  ld32(lo: number, hi: number): number {
    const off = (lo >>> 0) - this.base;
    if (hi === 0 && off >= 0 && off < this.size && (lo & 3) === 0) return this.ram32[off >>> 2];
    return this.slowLoad(lo, hi, 4);
  }

  /** A 64-bit load: returns the low word, leaves the high word in `this.hi`. */
  ld64(lo: number, hi: number): number {
    const off = (lo >>> 0) - this.base;
    if (hi === 0 && off >= 0 && off < this.size && (lo & 7) === 0) {
      const i = off >>> 2;
      this.hi = this.ram32[i + 1];
      return this.ram32[i];
    }
    const l = this.slowLoad(lo, hi, 8);
    return l;
  }

  // ---- stores -----------------------------------------------------------------------

  st8(lo: number, hi: number, v: number): void {
    const off = (lo >>> 0) - this.base;
    if (hi === 0 && off >= 0 && off < this.size) {
      this.ram8[off] = v;
      if (this.codeMap[off >>> 8] !== 0) this.codeWritten(off);
      return;
    }
    this.slowStore(lo, hi, 1, v, 0);
  }

  st16(lo: number, hi: number, v: number): void {
    const off = (lo >>> 0) - this.base;
    if (hi === 0 && off >= 0 && off < this.size && (lo & 1) === 0) {
      this.ram16[off >>> 1] = v;
      if (this.codeMap[off >>> 8] !== 0) this.codeWritten(off);
      return;
    }
    this.slowStore(lo, hi, 2, v, 0);
  }

  st32(lo: number, hi: number, v: number): void {
    const off = (lo >>> 0) - this.base;
    if (hi === 0 && off >= 0 && off < this.size && (lo & 3) === 0) {
      this.ram32[off >>> 2] = v;
      if (this.codeMap[off >>> 8] !== 0) this.codeWritten(off);
      return;
    }
    this.slowStore(lo, hi, 4, v, 0);
  }

  st64(lo: number, hi: number, vlo: number, vhi: number): void {
    const off = (lo >>> 0) - this.base;
    if (hi === 0 && off >= 0 && off < this.size && (lo & 7) === 0) {
      const i = off >>> 2;
      this.ram32[i] = vlo;
      this.ram32[i + 1] = vhi;
      if (this.codeMap[off >>> 8] !== 0) this.codeWritten(off);
      return;
    }
    this.slowStore(lo, hi, 8, vlo, vhi);
  }

  /**
   * Checks that an access of `size` bytes at (lo, hi) may go ahead, without doing it:
   * used by instructions that must not write anything unless all their accesses succeed
   * (pairs, CASP). Throws the abort a real access would take.
   */
  probe(lo: number, hi: number, size: number, write: boolean): void {
    if ((lo & (size - 1)) !== 0 && this.alignCheck) this.abort(lo, hi, FSC.ALIGNMENT, write);
    this.physOf(lo, hi, write);
    const pa = hi * TWO32 + (lo >>> 0);
    const off = pa - this.base;
    if (off >= 0 && off + size <= this.size) return;
    if (off >= 0 && off < this.size) this.abort(lo, hi, FSC.SYNC_EXTERNAL, write);
    // MMIO: accepted if a device claims the first byte; devices decide the rest.
  }

  /** Checks alignment to `size` regardless of memory type (exclusives, atomics, acquire/release). */
  checkAligned(lo: number, hi: number, size: number, write: boolean): void {
    if ((lo & (size - 1)) !== 0) this.abort(lo, hi, FSC.ALIGNMENT, write);
  }

  // ---- instruction fetch -------------------------------------------------------------

  /** Fetches one instruction word; throws an Instruction Abort if nothing is there. */
  fetch(lo: number, hi: number): number {
    const off = (lo >>> 0) - this.base;
    if (hi === 0 && off >= 0 && off < this.size) return this.ram32[off >>> 2];
    if (hi >>> 0 >= this.paHiLimit) this.iabort(lo, hi, FSC.ADDR_SIZE_L0);
    this.iabort(lo, hi, FSC.SYNC_EXTERNAL);
  }

  /** True when the word at (lo, hi) can be fetched without an abort. */
  canFetch(lo: number, hi: number): boolean {
    const off = (lo >>> 0) - this.base;
    return hi === 0 && off >= 0 && off < this.size;
  }

  /**
   * The RAM offset of the `len` bytes at virtual address (lo, hi), or -1 when any of them is
   * not RAM. For host-side services (semihosting), which must not touch devices; with
   * translation off the range is simply PA = VA.
   */
  ramRange(lo: number, hi: number, len: number): number {
    const off = (lo >>> 0) - this.base;
    return hi === 0 && off >= 0 && len >= 0 && off + len <= this.size ? off : -1;
  }

  /** The RAM offset of a fetchable address (see canFetch), for marking code chunks. */
  ramOffset(lo: number): number {
    return (lo >>> 0) - this.base;
  }

  // ---- slow paths --------------------------------------------------------------------

  private physOf(lo: number, hi: number, write: boolean): number {
    if (hi >>> 0 >= this.paHiLimit) this.abort(lo, hi, FSC.ADDR_SIZE_L0, write);
    return hi * TWO32 + (lo >>> 0);
  }

  private slowLoad(lo: number, hi: number, size: number): number {
    if ((lo & (size - 1)) !== 0 && this.alignCheck) this.abort(lo, hi, FSC.ALIGNMENT, false);
    const pa = this.physOf(lo, hi, false);
    const off = pa - this.base;
    if (off >= 0 && off + size <= this.size) {
      // Unaligned RAM access, allowed for Normal memory: assemble little-endian bytes.
      const m = this.ram8;
      if (size === 8) {
        this.hi = m[off + 4] | (m[off + 5] << 8) | (m[off + 6] << 16) | (m[off + 7] << 24);
      }
      if (size === 1) return m[off];
      if (size === 2) return m[off] | (m[off + 1] << 8);
      return m[off] | (m[off + 1] << 8) | (m[off + 2] << 16) | (m[off + 3] << 24);
    }
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

  private slowStore(lo: number, hi: number, size: number, v: number, vhi: number): void {
    if ((lo & (size - 1)) !== 0 && this.alignCheck) this.abort(lo, hi, FSC.ALIGNMENT, true);
    const pa = this.physOf(lo, hi, true);
    const off = pa - this.base;
    if (off >= 0 && off + size <= this.size) {
      const m = this.ram8;
      for (let i = 0; i < size; i++) {
        m[off + i] = i < 4 ? v >>> (8 * i) : vhi >>> (8 * (i - 4));
      }
      if (this.codeMap[off >>> 8] !== 0 || this.codeMap[(off + size - 1) >>> 8] !== 0) this.codeWritten(off);
      return;
    }
    if (off >= 0 && off < this.size) this.abort(lo, hi, FSC.SYNC_EXTERNAL, true);
    let ok: boolean;
    if (size === 8) ok = this.bus.mmioWrite(pa, 4, v >>> 0) && this.bus.mmioWrite(pa + 4, 4, vhi >>> 0);
    else ok = this.bus.mmioWrite(pa, size, size === 4 ? v >>> 0 : v & (size === 1 ? 0xff : 0xffff));
    if (!ok) this.abort(lo, hi, FSC.SYNC_EXTERNAL, true);
  }

  private codeWritten(_off: number): void {
    this.codeMap.fill(0);
    this.onCodeWrite();
  }

  /** Raises a Data Abort; the run loop completes the syndrome from the instruction. */
  abort(lo: number, hi: number, fsc: number, write: boolean): never {
    const e = this.exc.set(EC.DABORT_SAME, fsc);
    e.isDataAbort = true;
    e.write = write;
    e.hasFar = true;
    e.farLo = lo;
    e.farHi = hi;
    throw e;
  }

  private iabort(lo: number, hi: number, fsc: number): never {
    const e = this.exc.set(EC.IABORT_SAME, fsc);
    e.hasFar = true;
    e.farLo = lo;
    e.farHi = hi;
    throw e;
  }
}
