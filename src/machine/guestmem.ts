// Host-side access to guest memory for firmware services (semihosting). Only RAM is
// reachable: a service argument that points at a device or outside RAM is an error
// (`undefined`/false), so a guest can never make a service poke device registers. The
// range is checked through the CPU's memory system (Memory.ramRange), which owns the
// mapping from guest addresses to RAM.

import type { Cpu } from '../cpu/cpu.js';

/** Longest string a service reads (a missing NUL must not walk all of RAM). */
export const MAX_STRING = 1 << 20;

export class GuestMemory {
  constructor(private readonly cpu: Cpu) {}

  /** The RAM offset of [addr, addr + len), or -1. */
  private offset(addr: bigint, len: number): number {
    const a = BigInt.asUintN(64, addr);
    return this.cpu.mem.ramRange(Number(a & 0xffffffffn) | 0, Number(a >> 32n) | 0, len);
  }

  /** One byte, or -1 when it is not in RAM. */
  read8(addr: bigint): number {
    const off = this.offset(addr, 1);
    return off < 0 ? -1 : this.cpu.mem.ram8[off];
  }

  /**
   * `len` bytes as a view of guest RAM (not a copy: use it before the guest runs again),
   * or undefined when the range is not all RAM.
   */
  read(addr: bigint, len: number): Uint8Array | undefined {
    const off = this.offset(addr, len);
    return off < 0 ? undefined : this.cpu.mem.ram8.subarray(off, off + len);
  }

  /** Writes bytes into guest RAM; false (nothing written) when the range is not all RAM. */
  write(addr: bigint, bytes: Uint8Array): boolean {
    const off = this.offset(addr, bytes.length);
    if (off < 0) return false;
    this.cpu.mem.ram8.set(bytes, off);
    this.cpu.flushBlocks = true; // the bytes may land on decoded code
    return true;
  }

  /** A little-endian 64-bit value. */
  readU64(addr: bigint): bigint | undefined {
    const b = this.read(addr, 8);
    if (b === undefined) return undefined;
    return new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true);
  }

  writeU64(addr: bigint, value: bigint): boolean {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, value), true);
    return this.write(addr, b);
  }

  /** The bytes of a NUL-terminated string (without the NUL), or undefined if not in RAM. */
  readCString(addr: bigint, max = MAX_STRING): Uint8Array | undefined {
    const start = this.offset(addr, 1);
    if (start < 0) return undefined;
    const ram = this.cpu.mem.ram8;
    const end = Math.min(ram.length, start + max);
    const nul = ram.subarray(start, end).indexOf(0);
    return nul < 0 ? undefined : ram.slice(start, start + nul);
  }
}
