// Host-side access to guest memory for firmware services (semihosting): through the CPU's
// own memory system, so that addresses are the guest's (virtual, once translation is on),
// with a fault reported as `undefined` instead of an exception. Byte accesses only, so the
// alignment rules for Device memory never fire; these services move little data.

import type { Cpu } from '../cpu/cpu.js';

const M32 = 0xffffffffn;

/** Longest string a service reads (a missing NUL must not walk all of RAM). */
export const MAX_STRING = 1 << 20;

export class GuestMemory {
  constructor(private readonly cpu: Cpu) {}

  /** One byte, or -1 when the access faults. */
  read8(addr: bigint): number {
    const a = BigInt.asUintN(64, addr);
    const lo = Number(a & M32) | 0;
    const hi = Number(a >> 32n) | 0;
    try {
      return this.cpu.mem.ld8(lo, hi) & 0xff;
    } catch (e) {
      if (e === this.cpu.exc) return -1;
      throw e;
    }
  }

  /** Writes one byte; false when the access faults. */
  write8(addr: bigint, value: number): boolean {
    const a = BigInt.asUintN(64, addr);
    const lo = Number(a & M32) | 0;
    const hi = Number(a >> 32n) | 0;
    try {
      this.cpu.mem.st8(lo, hi, value & 0xff);
      return true;
    } catch (e) {
      if (e === this.cpu.exc) return false;
      throw e;
    }
  }

  read(addr: bigint, len: number): Uint8Array | undefined {
    const out = new Uint8Array(len);
    for (let i = 0; i < len; i++) {
      const b = this.read8(addr + BigInt(i));
      if (b < 0) return undefined;
      out[i] = b;
    }
    return out;
  }

  write(addr: bigint, bytes: Uint8Array): boolean {
    for (let i = 0; i < bytes.length; i++) {
      if (!this.write8(addr + BigInt(i), bytes[i])) return false;
    }
    return true;
  }

  /** A little-endian 64-bit value. */
  readU64(addr: bigint): bigint | undefined {
    const b = this.read(addr, 8);
    if (b === undefined) return undefined;
    return new DataView(b.buffer).getBigUint64(0, true);
  }

  writeU64(addr: bigint, value: bigint): boolean {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, value), true);
    return this.write(addr, b);
  }

  /** The bytes of a NUL-terminated string (without the NUL), or undefined on a fault. */
  readCString(addr: bigint, max = MAX_STRING): Uint8Array | undefined {
    const bytes: number[] = [];
    for (let i = 0; i < max; i++) {
      const b = this.read8(addr + BigInt(i));
      if (b < 0) return undefined;
      if (b === 0) return Uint8Array.from(bytes);
      bytes.push(b);
    }
    return undefined;
  }
}
