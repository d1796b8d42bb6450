// The physical address space of a board: one block of RAM plus memory-mapped devices.
// Implements the CPU's PhysBus: the CPU reads and writes RAM through typed arrays itself
// and comes here only for addresses outside RAM (MMIO), where a device answers or nothing
// does (the CPU then takes a synchronous external abort).

import type { PhysBus } from '../mmu/memory.js';

export type AccessSize = 1 | 2 | 4;

/** A memory-mapped device. Offsets are relative to the base the device is mapped at. */
export interface MmioDevice {
  readonly name: string;
  /** The value read (zero-extended, at most 32 bits). */
  read(offset: number, size: AccessSize): number;
  write(offset: number, size: AccessSize, value: number): void;
  /** Back to the power-on state (machine reset). */
  reset?(): void;
}

interface Region {
  readonly base: number;
  readonly end: number; // exclusive
  readonly device: MmioDevice;
}

/** A board configuration error (overlapping regions, bad RAM size): a bug or bad options. */
export class BusError extends Error {
  override name = 'BusError';
}

export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;

export interface BusOptions {
  /** Physical address of the first byte of RAM (QEMU virt: 0x4000_0000). */
  ramBase?: number;
  /** RAM size in bytes (QEMU virt default: 128 MiB; ours: 512 MiB). */
  ramSize?: number;
}

const hex = (n: number): string => '0x' + n.toString(16);

export class Bus implements PhysBus {
  readonly ram: Uint8Array;
  readonly ramBase: number;
  private regions: Region[] = [];
  /** The region that answered last (most guests hammer one device). */
  private last: Region | undefined;

  constructor(opts: BusOptions = {}) {
    const base = opts.ramBase ?? 0x4000_0000;
    const size = opts.ramSize ?? 512 * MiB;
    if (!Number.isSafeInteger(size) || size <= 0 || size % 4096 !== 0) {
      throw new BusError(`RAM size must be a positive multiple of 4 KiB (got ${size})`);
    }
    if (!Number.isSafeInteger(base) || base < 0 || base % 4096 !== 0) {
      throw new BusError(`RAM base must be 4 KiB aligned (got ${hex(base)})`);
    }
    this.ramBase = base;
    this.ram = new Uint8Array(size);
  }

  get ramSize(): number {
    return this.ram.length;
  }

  get ramEnd(): number {
    return this.ramBase + this.ram.length;
  }

  /** Maps `device` at [base, base + size). Throws BusError if that overlaps RAM or another device. */
  map(base: number, size: number, device: MmioDevice): void {
    if (!Number.isSafeInteger(base) || !Number.isSafeInteger(size) || base < 0 || size <= 0) {
      throw new BusError(`bad MMIO region for ${device.name}: base ${base}, size ${size}`);
    }
    const end = base + size;
    if (base < this.ramEnd && end > this.ramBase) {
      throw new BusError(`${device.name} at ${hex(base)}-${hex(end - 1)} overlaps RAM`);
    }
    for (const r of this.regions) {
      if (base < r.end && end > r.base) {
        throw new BusError(
          `${device.name} at ${hex(base)}-${hex(end - 1)} overlaps ${r.device.name} at ${hex(r.base)}-${hex(r.end - 1)}`,
        );
      }
    }
    this.regions.push({ base, end, device });
    this.regions.sort((a, b) => a.base - b.base);
  }

  /** The devices, in address order (for reset and for tools). */
  devices(): { base: number; size: number; device: MmioDevice }[] {
    return this.regions.map((r) => ({ base: r.base, size: r.end - r.base, device: r.device }));
  }

  private find(pa: number, size: number): Region | undefined {
    const l = this.last;
    if (l !== undefined && pa >= l.base && pa + size <= l.end) return l;
    for (const r of this.regions) {
      if (pa >= r.base && pa + size <= r.end) {
        this.last = r;
        return r;
      }
    }
    return undefined;
  }

  mmioRead(pa: number, size: number): number | undefined {
    const r = this.find(pa, size);
    if (r === undefined) return undefined;
    return r.device.read(pa - r.base, size as AccessSize) >>> 0;
  }

  mmioWrite(pa: number, size: number, value: number): boolean {
    const r = this.find(pa, size);
    if (r === undefined) return false;
    r.device.write(pa - r.base, size as AccessSize, value >>> 0);
    return true;
  }

  /** The RAM offset of [pa, pa + len), or undefined when any of it lies outside RAM. */
  ramOffset(pa: number, len: number): number | undefined {
    const off = pa - this.ramBase;
    if (off < 0 || len < 0 || off + len > this.ram.length) return undefined;
    return off;
  }

  /** Resets every device (RAM is left alone, as on a real warm reset). */
  resetDevices(): void {
    for (const r of this.regions) r.device.reset?.();
  }
}
