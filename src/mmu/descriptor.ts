// What the stage 1 and stage 2 walks share (Arm ARM D8.3, D8.5): descriptors read from and
// written to RAM, the output address a descriptor holds, the granules and output sizes a
// model implements, and memory attributes as MAIR_ELx bytes.
//
// Descriptors are little-endian: SCTLR_ELx.EE = 1 (big-endian tables) is not supported.
// JavaScript is single-threaded and vCPUs interleave only at block boundaries, so a walk's
// read-modify-write of a descriptor (hardware AF/dirty update) is atomic with respect to
// every other vCPU, as the Arm ARM requires of those updates (D8.4.6).

import type { Cpu } from '../cpu/cpu.js';
import type { CpuModel } from '../cpu/models.js';

export const TWO32 = 4294967296;

/** 2 ** n for n < 64, without Math.pow on the walk path. */
export const P2: readonly number[] = Array.from({ length: 64 }, (_, i) => 2 ** i);

/** The low `n` bits (n <= 53) of the 64-bit value (lo, hi), as a double. */
export function lowBits(lo: number, hi: number, n: number): number {
  if (n >= 32) return ((hi >>> 0) % P2[n - 32]) * TWO32 + (lo >>> 0);
  return (lo >>> 0) % P2[n];
}

/** Bits a..b (0 <= a <= b <= 31) of a 32-bit word as an unsigned mask. */
function mask32(a: number, b: number): number {
  return (P2[b + 1] - P2[a]) >>> 0;
}

/** Whether bits [from, to] of (lo, hi) all equal `v` (0 or 1); true when from > to. */
export function bitsAll(lo: number, hi: number, from: number, to: number, v: number): boolean {
  if (from > to) return true;
  if (to >= 32) {
    const m = mask32(Math.max(from, 32) - 32, to - 32);
    if (((hi & m) >>> 0) !== (v ? m : 0)) return false;
  }
  if (from < 32) {
    const m = mask32(from, Math.min(to, 31));
    if (((lo & m) >>> 0) !== (v ? m : 0)) return false;
  }
  return true;
}

// ---- descriptors in RAM ------------------------------------------------------------------

/** The last descriptor read by readDesc. */
export const desc = { lo: 0, hi: 0 };

let viewRam: Uint8Array | null = null;
let view32: Uint32Array = new Uint32Array(0);

function ram32(ram: Uint8Array): Uint32Array {
  if (ram !== viewRam) {
    viewRam = ram;
    view32 = new Uint32Array(ram.buffer, ram.byteOffset, ram.byteLength >>> 2);
  }
  return view32;
}

/**
 * Reads the 8-byte descriptor at physical address `pa` (8-aligned) into `desc`. False when
 * no RAM is there: the walk then takes a synchronous External abort on the walk.
 */
export function readDesc(cpu: Cpu, pa: number): boolean {
  const bus = cpu.mem.bus;
  const off = pa - bus.ramBase;
  if (off < 0 || off + 8 > bus.ram.byteLength) return false;
  const r = ram32(bus.ram);
  const i = off / 4;
  desc.lo = r[i];
  desc.hi = r[i + 1];
  return true;
}

/**
 * Writes the low word of the descriptor at `pa` (the AF and AP[2]/S2AP[1] bits live there).
 * Only called right after readDesc of the same address, in the same walk: atomic (above).
 */
export function writeDescLo(cpu: Cpu, pa: number, lo: number): void {
  const bus = cpu.mem.bus;
  ram32(bus.ram)[(pa - bus.ramBase) / 4] = lo;
}

/**
 * The output address in a block, page or table descriptor (D8.3.1): bits [47:g] for a
 * granule of 2^g bytes; with the 64 KiB granule and FEAT_LPA, bits [15:12] are OA[51:48]
 * whatever the configured PS (a larger OA then takes an Address size fault; QEMU 7.2 reads
 * those bits only when the effective PS is 52 bits); with TCR.DS = 1 (FEAT_LPA2, 4 and
 * 16 KiB), bits [49:g] and OA[51:50] in bits [9:8].
 */
export function outputAddress(cpu: Cpu, lo: number, hi: number, granule: number, ds: boolean): number {
  const low = (lo >>> 0) - ((lo >>> 0) % P2[granule]);
  if (ds) return (hi & 0x3ffff) * TWO32 + low + ((lo >>> 8) & 3) * P2[50];
  let oa = (hi & 0xffff) * TWO32 + low;
  if (granule === 16 && cpu.model.features.LPA) oa += ((lo >>> 12) & 0xf) * P2[48];
  return oa;
}

// ---- sizes ---------------------------------------------------------------------------------

/** TCR.IPS/PS, VTCR_EL2.PS and ID_AA64MMFR0_EL1.PARange encodings, in bits. */
const PS_BITS = [32, 36, 40, 42, 44, 48, 52];

/**
 * The output address size (AArch64.PhysicalAddressSize): PS capped at the implemented PA
 * size (a reserved or larger PS means that size), and at 48 bits except with the 64 KiB
 * granule (FEAT_LPA) or TCR.DS = 1 (FEAT_LPA2).
 */
export function outputBits(cpu: Cpu, ps: number, granule: number, ds: boolean): number {
  const pamax = cpu.model.paBits;
  const bits = ps < PS_BITS.length ? Math.min(PS_BITS[ps], pamax) : pamax;
  return granule === 16 || ds ? bits : Math.min(bits, 48);
}

/** TCR.TG0 / VTCR_EL2.TG0 encodings to granule shifts (0: reserved). */
export const TG0_SHIFT = [12, 16, 14, 0];
/** TCR.TG1 encodings (different!). */
export const TG1_SHIFT = [0, 14, 12, 16];

interface Granules {
  s1: number;
  s2: number;
  /** The granules with 52-bit addresses (FEAT_LPA2), as 1 << shift bits. */
  s1lpa2: number;
  s2lpa2: number;
}
const GRANULES = new WeakMap<CpuModel, Granules>();

function granulesOf(model: CpuModel): Granules {
  let g = GRANULES.get(model);
  if (g === undefined) {
    // ID_AA64MMFR0_EL1 as QEMU reports it (src/sysregs/id.ts keeps the TGran fields).
    const v = model.qemuId.ID_AA64MMFR0_EL1 ?? 0n;
    const field = (lsb: number): number => Number((v >> BigInt(lsb)) & 0xfn);
    const s1 = (field(28) !== 0xf ? 1 << 12 : 0) | (field(20) !== 0 ? 1 << 14 : 0) | (field(24) !== 0xf ? 1 << 16 : 0);
    // TGran*_2: 0 = as stage 1, 1 = not supported, 2+ = supported.
    const s2f = (lsb: number, bit: number): number => {
      const x = field(lsb);
      return x === 0 ? s1 & bit : x >= 2 ? bit : 0;
    };
    const s1lpa2 = (field(28) === 1 ? 1 << 12 : 0) | (field(20) === 2 ? 1 << 14 : 0);
    const s2l = (lsb: number, bit: number): number => (field(lsb) === 0 ? s1lpa2 & bit : field(lsb) === 3 ? bit : 0);
    g = { s1, s2: s2f(40, 1 << 12) | s2f(32, 1 << 14) | s2f(36, 1 << 16), s1lpa2, s2lpa2: s2l(40, 1 << 12) | s2l(32, 1 << 14) };
    GRANULES.set(model, g);
  }
  return g;
}

/**
 * The granule a walk uses for a TG encoding's shift: a reserved encoding or a granule the
 * model does not implement behaves as an implemented one, an IMPLEMENTATION DEFINED choice
 * (D8.2.4); QEMU 7.2 (sanitize_gran_size) picks the smallest, which we follow.
 */
export function granuleShift(cpu: Cpu, shift: number, stage2: boolean): number {
  const g = granulesOf(cpu.model);
  const set = stage2 ? g.s2 : g.s1;
  if (shift !== 0 && (set & (1 << shift)) !== 0) return shift;
  return (set & (1 << 12)) !== 0 ? 12 : (set & (1 << 14)) !== 0 ? 14 : 16;
}

/**
 * Whether a block descriptor is allowed at `level` (AArch64.BlockDescSupported): 4 KiB at
 * levels 1 and 2 (and 0 with TCR.DS), 16 KiB at level 2 (and 1 with TCR.DS), 64 KiB at
 * level 2 and, with a 52-bit PA (FEAT_LPA), level 1.
 */
export function blockAllowed(cpu: Cpu, granule: number, level: number, ds: boolean): boolean {
  if (granule === 12) return level === 1 || level === 2 || (level === 0 && ds);
  if (granule === 14) return level === 2 || (level === 1 && ds);
  return level === 2 || (level === 1 && cpu.model.features.LPA);
}

/**
 * TCR.DS / VTCR_EL2.DS in effect: FEAT_LPA2 and a 4 or 16 KiB granule that supports 52-bit
 * addresses (ID_AA64MMFR0_EL1.TGran4 = 1, TGran16 = 2; TGran4_2/TGran16_2 = 3).
 */
export function dsEffective(cpu: Cpu, ds: number, granule: number, stage2: boolean): boolean {
  if (ds === 0 || granule === 16 || !cpu.model.features.LPA2) return false;
  const g = granulesOf(cpu.model);
  return ((stage2 ? g.s2lpa2 : g.s1lpa2) & (1 << granule)) !== 0;
}

// ---- memory attributes ------------------------------------------------------------------

/** A MAIR_ELx attribute byte describes Device memory (0b0000dd00). */
export function isDevice(attr: number): boolean {
  return (attr & 0xf0) === 0;
}

/** Normal memory cacheability of one MAIR nibble: 0 Non-cacheable, 1 Write-Through, 2 Write-Back. */
function cacheClass(n: number): number {
  if (n === 4) return 0;
  if ((n & 0xc) === 0 || (n & 0xc) === 8) return 1;
  return 2;
}

/** One MAIR nibble for a stage 2 MemAttr half (01 NC, 10 WT, 11 WB; 00 reserved: NC). */
const S2_NIBBLE = [0x4, 0x4, 0xa, 0xf];

/** A stage 2 MemAttr[3:0] (HCR_EL2.FWB = 0, D8.5.5) as a MAIR byte. */
export function s2AttrByte(memattr: number): number {
  if ((memattr & 0xc) === 0) return (memattr & 3) << 2;
  return (S2_NIBBLE[memattr >>> 2] << 4) | S2_NIBBLE[memattr & 3];
}

function combineNibble(s1: number, s2: number): number {
  const c1 = cacheClass(s1);
  const c2 = cacheClass(s2);
  if (c2 >= c1) return s1;
  return c2 === 0 ? 0x4 : 0x8 | (s1 & 3);
}

/**
 * Combines stage 1 and stage 2 attributes (S2CombineS1MemAttrs, D8.5.6): Device wins, with
 * the more restrictive Device type; Normal takes the weaker cacheability of each half.
 */
export function combineAttrs(s1: number, s2: number): number {
  const d1 = isDevice(s1);
  const d2 = isDevice(s2);
  if (d1 || d2) {
    const t1 = d1 ? (s1 >>> 2) & 3 : 3;
    const t2 = d2 ? (s2 >>> 2) & 3 : 3;
    return Math.min(t1, t2) << 2;
  }
  return (combineNibble(s1 >>> 4, s2 >>> 4) << 4) | combineNibble(s1 & 0xf, s2 & 0xf);
}
