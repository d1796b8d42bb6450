// ELF facts: the ELF-64 Object File Format (e_ident layout, ELFCLASS64 = 2, ELFDATA2LSB = 1,
// PT_LOAD = 1, ET_EXEC = 2, ET_REL = 1) and the AArch64 ELF ABI (EM_AARCH64 = 183). Raw
// image placement: QEMU hw/arm/boot.c, KERNEL64_LOAD_ADDR = 0x80000 from the RAM base
// (checked with qemu-system-aarch64 7.2 -M virt: a raw image runs at 0x40080000).
import { describe, expect, it } from 'vitest';
import {
  LoadError,
  copyImage,
  largestGap,
  parseElf,
  parseImage,
  parseRaw,
  type RamWindow,
} from '../../src/machine/loader.js';
import { bytesOf, elfOf, EXIT42, makeElf } from './images.js';

const RAM: RamWindow = { base: 0x4000_0000, size: 16 * 1024 * 1024 };
const code = bytesOf(EXIT42);

function loadError(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(LoadError);
    return (e as Error).message;
  }
  throw new Error('expected a LoadError');
}

describe('ELF loader', () => {
  it('loads PT_LOAD segments at p_paddr, zeroes the bss part, and returns e_entry', () => {
    const elf = makeElf({
      entry: 0x4008_0004,
      segments: [
        { paddr: 0x4008_0000, data: code },
        { paddr: 0x4009_0000, data: Uint8Array.of(1, 2, 3), memsz: 0x100 },
        { type: 4 /* PT_NOTE */, paddr: 0, data: Uint8Array.of(9) },
      ],
    });
    const image = parseElf(elf, RAM);
    expect(image.format).toBe('elf');
    expect(image.entry).toBe(0x4008_0004n);
    expect(image.segments.map((s) => [s.pa, s.data.length, s.memSize])).toEqual([
      [0x4008_0000, code.length, code.length],
      [0x4009_0000, 3, 0x100],
    ]);
    const ram = new Uint8Array(RAM.size).fill(0xee);
    copyImage(image, ram, RAM.base);
    expect(ram.subarray(0x8_0000, 0x8_0000 + code.length)).toEqual(code);
    expect([...ram.subarray(0x9_0000, 0x9_0005)]).toEqual([1, 2, 3, 0, 0]);
    expect(ram[0x9_00ff]).toBe(0);
    expect(ram[0x9_0100]).toBe(0xee);
  });

  it('rejects files that are not ELF', () => {
    expect(loadError(() => parseElf(Uint8Array.of(1, 2, 3, 4, 5), RAM))).toMatch(/not an ELF file/);
  });

  it('rejects a truncated header', () => {
    expect(loadError(() => parseElf(elfOf(EXIT42).subarray(0, 40), RAM))).toMatch(/truncated ELF file: 40 bytes/);
  });

  it('rejects 32-bit and big-endian files, and other machines, naming them', () => {
    const seg = [{ paddr: 0x4008_0000, data: code }];
    expect(loadError(() => parseElf(makeElf({ cls: 1, segments: seg }), RAM))).toMatch(/32-bit ELF file \(ELFCLASS32\)/);
    expect(loadError(() => parseElf(makeElf({ data: 2, segments: seg }), RAM))).toMatch(/big-endian ELF file/);
    expect(loadError(() => parseElf(makeElf({ machine: 62, segments: seg }), RAM))).toBe(
      'ELF file is for machine 62 (x86-64), not AArch64 (183)',
    );
    expect(loadError(() => parseElf(makeElf({ machine: 40, segments: seg }), RAM))).toMatch(/ARM \(AArch32\)/);
  });

  it('rejects relocatable objects and files without loadable segments', () => {
    const seg = [{ paddr: 0x4008_0000, data: code }];
    expect(loadError(() => parseElf(makeElf({ type: 1, segments: seg }), RAM))).toMatch(/relocatable object \(ET_REL\)/);
    expect(loadError(() => parseElf(makeElf({ segments: [] }), RAM))).toMatch(/no program headers/);
    expect(loadError(() => parseElf(makeElf({ segments: [{ type: 4, paddr: 0, data: code }] }), RAM))).toMatch(
      /no loadable \(PT_LOAD\) segments/,
    );
  });

  it('rejects program headers or segment data past the end of the file', () => {
    const elf = elfOf(EXIT42);
    expect(loadError(() => parseElf(elf.subarray(0, 100), RAM))).toMatch(
      /truncated ELF file: program headers end at byte 120, the file has 100/,
    );
    expect(loadError(() => parseElf(elf.subarray(0, elf.length - 4), RAM))).toMatch(
      /truncated ELF file: segment 0 needs bytes 120-151, the file has 148/,
    );
  });

  it('rejects segments outside RAM, saying where RAM is', () => {
    const low = makeElf({ segments: [{ paddr: 0x1000, data: code }] });
    expect(loadError(() => parseElf(low, RAM))).toBe(
      'ELF segment 0 at 0x1000-0x101f lies outside RAM; RAM is 0x40000000-0x40ffffff (16 MiB)',
    );
    const bss = makeElf({ segments: [{ paddr: 0x40ff_f000, data: code, memsz: 0x2000 }] });
    expect(loadError(() => parseElf(bss, RAM))).toMatch(/ELF segment 0 at 0x40fff000-0x41000fff lies outside RAM/);
  });

  it('rejects a segment whose file size exceeds its memory size', () => {
    const elf = makeElf({ segments: [{ paddr: 0x4008_0000, data: code, memsz: 4 }] });
    expect(loadError(() => parseElf(elf, RAM))).toMatch(/file size 32 exceeds memory size 4/);
  });
});

describe('raw loader', () => {
  it('puts a raw image at RAM base + 0x80000 and enters it there (QEMU virt)', () => {
    const image = parseRaw(code, RAM);
    expect(image.format).toBe('raw');
    expect(image.entry).toBe(0x4008_0000n);
    expect(image.segments[0].pa).toBe(0x4008_0000);
  });

  it('honours a load address, which must be aligned and leave the image in RAM', () => {
    expect(parseRaw(code, RAM, 0x4000_1000).entry).toBe(0x4000_1000n);
    expect(loadError(() => parseRaw(code, RAM, 0x4000_1002))).toMatch(/not 4-byte aligned/);
    expect(loadError(() => parseRaw(code, RAM, 0x40ff_fff0))).toBe(
      'image (32 bytes) loaded at 0x40fffff0-0x4100000f lies outside RAM; RAM is 0x40000000-0x40ffffff (16 MiB)',
    );
    expect(loadError(() => parseRaw(new Uint8Array(0), RAM))).toBe('empty image file');
  });
});

describe('parseImage', () => {
  it('chooses ELF by its magic and raw otherwise', () => {
    expect(parseImage(elfOf(EXIT42), RAM).format).toBe('elf');
    expect(parseImage(code, RAM).format).toBe('raw');
  });

  it('refuses a load address for an ELF file', () => {
    expect(loadError(() => parseImage(elfOf(EXIT42), RAM, { loadAddr: 0x4000_0000 }))).toMatch(
      /--load-addr applies to raw binaries only/,
    );
  });

  it('finds the largest free RAM range around the loaded segments (SYS_HEAPINFO)', () => {
    const image = parseRaw(code, RAM);
    expect(largestGap(image, RAM)).toEqual({ base: 0x4008_0020, limit: 0x4100_0000 });
    expect(largestGap(undefined, RAM)).toEqual({ base: 0x4000_0000, limit: 0x4100_0000 });
  });
});
