import { describe, expect, it } from 'vitest';
import { Bus, BusError, MiB, type MmioDevice } from '../../src/machine/bus.js';

function recorder(name: string): MmioDevice & { log: string[] } {
  const log: string[] = [];
  return {
    name,
    log,
    read: (offset, size) => {
      log.push(`r ${offset.toString(16)} ${size}`);
      return 0x1234_5678;
    },
    write: (offset, size, value) => {
      log.push(`w ${offset.toString(16)} ${size} ${value.toString(16)}`);
    },
  };
}

describe('Bus', () => {
  it('defaults to 512 MiB of RAM at 0x40000000 (the virt memory map)', () => {
    const bus = new Bus();
    expect(bus.ramBase).toBe(0x4000_0000);
    expect(bus.ram.length).toBe(512 * MiB);
    expect(bus.ram.byteOffset % 8).toBe(0);
  });

  it('takes a RAM size and rejects sizes that are not whole pages', () => {
    expect(new Bus({ ramSize: 1 * MiB }).ramSize).toBe(MiB);
    expect(() => new Bus({ ramSize: 1000 })).toThrow(BusError);
    expect(() => new Bus({ ramSize: 0 })).toThrow(/positive multiple of 4 KiB/);
  });

  it('dispatches MMIO by region, with offsets relative to the base', () => {
    const bus = new Bus({ ramSize: MiB });
    const a = recorder('a');
    const b = recorder('b');
    bus.map(0x0900_0000, 0x1000, a);
    bus.map(0x0a00_0000, 0x200, b);
    expect(bus.mmioRead(0x0900_0018, 4)).toBe(0x1234_5678);
    expect(bus.mmioWrite(0x0a00_0010, 1, 0x41)).toBe(true);
    expect(a.log).toEqual(['r 18 4']);
    expect(b.log).toEqual(['w 10 1 41']);
  });

  it('answers nothing (an external abort for the CPU) where no device is', () => {
    const bus = new Bus({ ramSize: MiB });
    bus.map(0x0900_0000, 0x1000, recorder('uart'));
    expect(bus.mmioRead(0x0800_0000, 4)).toBeUndefined();
    expect(bus.mmioWrite(0x0900_1000, 4, 0)).toBe(false);
    // An access straddling the end of a region is not the device's.
    expect(bus.mmioRead(0x0900_0ffe, 4)).toBeUndefined();
  });

  it('rejects regions overlapping RAM or each other', () => {
    const bus = new Bus({ ramSize: MiB });
    bus.map(0x0900_0000, 0x1000, recorder('uart'));
    expect(() => bus.map(0x0900_0800, 0x1000, recorder('x'))).toThrow(/x at 0x9000800-0x90017ff overlaps uart/);
    expect(() => bus.map(0x3fff_f000, 0x2000, recorder('y'))).toThrow(/overlaps RAM/);
    expect(() => bus.map(0x0900_1000, 0x1000, recorder('z'))).not.toThrow();
  });

  it('translates physical ranges to RAM offsets', () => {
    const bus = new Bus({ ramSize: MiB });
    expect(bus.ramOffset(0x4000_0010, 4)).toBe(0x10);
    expect(bus.ramOffset(0x4000_0000 + MiB - 4, 4)).toBe(MiB - 4);
    expect(bus.ramOffset(0x4000_0000 + MiB - 4, 8)).toBeUndefined();
    expect(bus.ramOffset(0x3fff_ffff, 1)).toBeUndefined();
  });
});
