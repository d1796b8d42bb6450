// Hand-built translation tables in a bare CPU's RAM, for the walker's unit tests: a CPU on
// a RAM-only bus, a builder that writes table/block/page descriptors (Arm ARM D8.3), and a
// `tr` helper that calls walk() with a request and returns the entry or the fault.
import { expect } from 'vitest';
import { Cpu } from '../../src/cpu/cpu.js';
import { MODELS, modelForEl, type StartEl } from '../../src/cpu/models.js';
import type { PhysBus } from '../../src/mmu/memory.js';
import { walk } from '../../src/mmu/walk.js';
import { AccessType, FaultType, MmuFault, Regime, type TlbEntry, type WalkRequest } from '../../src/mmu/types.js';

export const RAM = 0x40000000;

export function mmuCpu(opts: { model?: string; el?: StartEl; ramSize?: number } = {}): Cpu {
  const ram = new Uint8Array(opts.ramSize ?? 4 << 20);
  const bus: PhysBus = { ram, ramBase: RAM, mmioRead: () => undefined, mmioWrite: () => false };
  const el = opts.el ?? 1;
  const model = modelForEl(MODELS[opts.model ?? 'max'], el, { el2: el === 3 });
  const cpu = new Cpu(bus, model, { warn: () => {} });
  cpu.resetTo(el, BigInt(RAM));
  return cpu;
}

// Descriptor bits (D8.3.1, D8.3.2).
export const VALID = 1n;
export const TABLE = 3n;
export const PAGE = 3n;
export const BLOCK = 1n;
export const AF = 1n << 10n;
export const NG = 1n << 11n;
export const DBM = 1n << 51n;
export const PXN = 1n << 53n;
export const UXN = 1n << 54n;
export const XN = 1n << 54n;
export const ap = (v: number): bigint => BigInt(v) << 6n; // AP[2:1] (stage 2: S2AP[1:0])
export const attrIndx = (i: number): bigint => BigInt(i) << 2n;
export const memAttr = (m: number): bigint => BigInt(m) << 2n; // stage 2 MemAttr[3:0]
export const PXN_TABLE = 1n << 59n;
export const XN_TABLE = 1n << 60n;
export const apTable = (v: number): bigint => BigInt(v) << 61n;

export function rd64(cpu: Cpu, pa: number): bigint {
  const ram = cpu.mem.bus.ram;
  return new DataView(ram.buffer, ram.byteOffset).getBigUint64(pa - RAM, true);
}
export function wr64(cpu: Cpu, pa: number, v: bigint): void {
  const ram = cpu.mem.bus.ram;
  new DataView(ram.buffer, ram.byteOffset).setBigUint64(pa - RAM, v, true);
}

/**
 * One set of tables for a granule of 2^g bytes and an input size of `inBits` bits. The
 * starting level is 4 - ceil((inBits - g) / (g - 3)) (stage 1, D8.2.6) unless given (stage
 * 2's SL0); the starting table may then be a concatenation of several.
 */
export class Tables {
  readonly stride: number;
  readonly start: number;
  readonly startBits: number;
  readonly root: number;
  private static next = new WeakMap<Cpu, number>();

  constructor(
    readonly cpu: Cpu,
    readonly g: number,
    readonly inBits: number,
    start?: number,
  ) {
    this.stride = g - 3;
    this.start = start ?? 4 - Math.ceil((inBits - g) / this.stride);
    this.startBits = inBits - (g + this.stride * (3 - this.start));
    this.root = this.alloc(Math.max(8 << this.startBits, 1 << g));
  }

  /** Tables of `cpu` are allocated from `pa` on (default: the top half of RAM). */
  static allocFrom(cpu: Cpu, pa: number): void {
    Tables.next.set(cpu, pa);
  }

  /** Allocates zeroed table memory from the top half of RAM, aligned to its size or the granule. */
  alloc(size: number): number {
    let at = Tables.next.get(this.cpu) ?? RAM + (this.cpu.mem.bus.ram.byteLength >>> 1);
    const align = Math.max(size, 1 << this.g);
    at = Math.ceil(at / align) * align;
    Tables.next.set(this.cpu, at + size);
    return at;
  }

  /** The address of the descriptor for `va` at `level` in the table at `table`. */
  slot(table: number, va: bigint, level: number): number {
    const shift = BigInt(this.g + this.stride * (3 - level));
    const bits = BigInt(level === this.start ? this.startBits : this.stride);
    return table + Number((va >> shift) & ((1n << bits) - 1n)) * 8;
  }

  /**
   * Maps `va` to `oa` with a leaf at `level` (a page at level 3, else a block), `attrs` in
   * the leaf (AF is not implied), `tableAttrs` in every table descriptor created on the
   * way. Returns the leaf descriptor's address.
   */
  map(va: bigint, oa: bigint, level: number, attrs: bigint, tableAttrs = 0n): number {
    let table = this.root;
    for (let l = this.start; l < level; l++) {
      const a = this.slot(table, va, l);
      const d = rd64(this.cpu, a);
      if ((d & 3n) === 3n) table = Number(d & 0xfffffffff000n) - (Number(d & 0xfffffffff000n) % (1 << this.g));
      else {
        table = this.alloc(1 << this.g);
        wr64(this.cpu, a, BigInt(table) | TABLE | tableAttrs);
      }
    }
    const a = this.slot(table, va, level);
    wr64(this.cpu, a, oa | attrs | (level === 3 ? PAGE : BLOCK));
    return a;
  }

  /** The address of the descriptor that maps `va` at `level` (after map). */
  leafAddr(va: bigint, level: number): number {
    let table = this.root;
    for (let l = this.start; l < level; l++) {
      const d = rd64(this.cpu, this.slot(table, va, l));
      table = Number(d & 0xfffffffff000n) - (Number(d & 0xfffffffff000n) % (1 << this.g));
    }
    return this.slot(table, va, level);
  }
}

export function req(regime: Regime, o: Partial<WalkRequest> = {}): WalkRequest {
  return { regime, priv: 1, acc: AccessType.READ, pan: false, s1Only: false, at: false, cm: false, ...o };
}

export interface Outcome {
  e: TlbEntry | null;
  f: MmuFault;
}

export function tr(cpu: Cpu, va: bigint, r: WalkRequest): Outcome {
  const f = new MmuFault();
  const e = walk(cpu, Number(va & 0xffffffffn) | 0, Number((va >> 32n) & 0xffffffffn) | 0, r, f);
  if (e === null && f.type === FaultType.NONE) throw new Error('walk returned null without a fault');
  if (e !== null && f.type !== FaultType.NONE) throw new Error('walk returned an entry and a fault');
  return { e, f };
}

/** The fault as [type, level, stage2, s1ptw] (and ipa when asked) for compact expectations. */
export function faultOf(o: Outcome): [FaultType, number, boolean, boolean] {
  expect(o.e).toBeNull();
  return [o.f.type, o.f.level, o.f.stage2, o.f.s1ptw];
}

/** TCR_EL1 / TCR_EL2 (E2H = 1) fields by name (D17.2.131). */
export const TG0 = { 12: 0n, 16: 1n, 14: 2n } as Record<number, bigint>;
export const TG1 = { 14: 1n, 12: 2n, 16: 3n } as Record<number, bigint>;
export function tcr(o: {
  t0sz?: number; t1sz?: number; g0?: number; g1?: number; ips?: number; epd0?: boolean; epd1?: boolean; a1?: boolean; as16?: boolean;
  tbi0?: boolean; tbi1?: boolean; tbid0?: boolean; tbid1?: boolean; ha?: boolean; hd?: boolean; hpd0?: boolean; hpd1?: boolean;
}): bigint {
  const b = (x: boolean | undefined, n: bigint): bigint => (x ? 1n << n : 0n);
  return BigInt(o.t0sz ?? 16) | (TG0[o.g0 ?? 12] << 14n) | (BigInt(o.t1sz ?? 16) << 16n) | (TG1[o.g1 ?? 12] << 30n) |
    (BigInt(o.ips ?? 5) << 32n) | b(o.epd0, 7n) | b(o.epd1, 23n) | b(o.a1, 22n) | b(o.as16, 36n) | b(o.tbi0, 37n) |
    b(o.tbi1, 38n) | b(o.ha, 39n) | b(o.hd, 40n) | b(o.hpd0, 41n) | b(o.hpd1, 42n) | b(o.tbid0, 51n) | b(o.tbid1, 52n);
}

/** TCR_EL2 (E2H = 0) and TCR_EL3 (D17.2.132/133): one range. */
export function tcr2(o: { t0sz?: number; g0?: number; ps?: number; tbi?: boolean; tbid?: boolean; ha?: boolean; hd?: boolean; hpd?: boolean }): bigint {
  const b = (x: boolean | undefined, n: bigint): bigint => (x ? 1n << n : 0n);
  return BigInt(o.t0sz ?? 16) | (TG0[o.g0 ?? 12] << 14n) | (BigInt(o.ps ?? 5) << 16n) | b(o.tbi, 20n) | b(o.ha, 21n) |
    b(o.hd, 22n) | b(o.hpd, 24n) | b(o.tbid, 29n) | (1n << 31n) | (1n << 23n);
}

/** VTCR_EL2 (D17.2.176). */
export function vtcr(o: { t0sz: number; sl0: number; g0?: number; ps?: number; vs?: boolean; ha?: boolean; hd?: boolean }): bigint {
  const b = (x: boolean | undefined, n: bigint): bigint => (x ? 1n << n : 0n);
  return BigInt(o.t0sz) | (BigInt(o.sl0) << 6n) | (TG0[o.g0 ?? 12] << 14n) | (BigInt(o.ps ?? 5) << 16n) | b(o.vs, 19n) |
    b(o.ha, 21n) | b(o.hd, 22n) | (1n << 31n);
}
