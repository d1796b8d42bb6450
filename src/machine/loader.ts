// Image loaders: ELF64 executables (by their program headers) and raw binaries, as QEMU's
// `-kernel` handles them on the virt board (hw/arm/boot.c): an ELF is loaded by its PT_LOAD
// segments at their physical addresses (p_paddr) and entered at e_entry; any other file is
// taken as a raw AArch64 kernel image, copied to RAM base + 0x80000 (KERNEL64_LOAD_ADDR)
// and entered there. Format facts: the ELF-64 Object File Format, and the AArch64 ELF ABI
// (e_machine EM_AARCH64 = 183).
//
// Parsing is separate from copying so that a machine reset can copy the same image again.

export class LoadError extends Error {
  override name = 'LoadError';
}

export interface Segment {
  /** Physical address of the first byte. */
  readonly pa: number;
  /** Bytes copied from the file (may be shorter than memSize: the rest is zeroed). */
  readonly data: Uint8Array;
  readonly memSize: number;
}

export interface Image {
  readonly format: 'elf' | 'raw';
  readonly entry: bigint;
  readonly segments: readonly Segment[];
}

export interface RamWindow {
  readonly base: number;
  readonly size: number;
}

/** QEMU's KERNEL64_LOAD_ADDR: raw images go this far into RAM. */
export const RAW_LOAD_OFFSET = 0x80000;

const EM_AARCH64 = 183;
const PT_LOAD = 1;

const MACHINES: Record<number, string> = {
  2: 'SPARC',
  3: 'x86',
  8: 'MIPS',
  20: 'PowerPC',
  21: 'PowerPC64',
  22: 'S/390',
  40: 'ARM (AArch32)',
  43: 'SPARC V9',
  50: 'IA-64',
  62: 'x86-64',
  183: 'AArch64',
  243: 'RISC-V',
  258: 'LoongArch',
};

const hex = (n: number | bigint): string => '0x' + n.toString(16);

function fmtSize(n: number): string {
  if (n >= 1024 ** 3 && n % 1024 ** 3 === 0) return `${n / 1024 ** 3} GiB`;
  if (n >= 1024 ** 2 && n % 1024 ** 2 === 0) return `${n / 1024 ** 2} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}

function ramText(ram: RamWindow): string {
  return `RAM is ${hex(ram.base)}-${hex(ram.base + ram.size - 1)} (${fmtSize(ram.size)})`;
}

export function isElf(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
}

/** Throws unless [pa, pa + size) lies in RAM. */
function checkInRam(what: string, pa: bigint, size: bigint, ram: RamWindow): void {
  const lo = BigInt(ram.base);
  const hi = lo + BigInt(ram.size);
  if (pa < lo || pa + size > hi) {
    const last = size > 0n ? pa + size - 1n : pa;
    throw new LoadError(`${what} at ${hex(pa)}-${hex(last)} lies outside RAM; ${ramText(ram)}`);
  }
}

/** Parses an ELF64 little-endian AArch64 executable. */
export function parseElf(bytes: Uint8Array, ram: RamWindow): Image {
  if (!isElf(bytes)) throw new LoadError('not an ELF file (no \\x7fELF magic)');
  if (bytes.length < 64) throw new LoadError(`truncated ELF file: ${bytes.length} bytes, the ELF64 header alone is 64`);
  const cls = bytes[4];
  if (cls === 1) throw new LoadError('32-bit ELF file (ELFCLASS32): a64emu runs 64-bit AArch64 images');
  if (cls !== 2) throw new LoadError(`bad ELF class ${cls} (expected 2, ELFCLASS64)`);
  const data = bytes[5];
  if (data === 2) throw new LoadError('big-endian ELF file (ELFDATA2MSB): a64emu runs little-endian AArch64 images');
  if (data !== 1) throw new LoadError(`bad ELF data encoding ${data} (expected 1, little-endian)`);
  if (bytes[6] !== 1) throw new LoadError(`unknown ELF version ${bytes[6]}`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = dv.getUint16(16, true);
  const machine = dv.getUint16(18, true);
  if (machine !== EM_AARCH64) {
    const name = MACHINES[machine] ?? 'unknown';
    throw new LoadError(`ELF file is for machine ${machine} (${name}), not AArch64 (${EM_AARCH64})`);
  }
  if (type !== 2 && type !== 3) {
    const what = type === 1 ? 'a relocatable object (ET_REL)' : type === 4 ? 'a core dump (ET_CORE)' : `of type ${type}`;
    throw new LoadError(`ELF file is ${what}, not an executable`);
  }
  const entry = dv.getBigUint64(24, true);
  const phoff = dv.getBigUint64(32, true);
  const phentsize = dv.getUint16(54, true);
  const phnum = dv.getUint16(56, true);
  if (phnum === 0) throw new LoadError('ELF file has no program headers (nothing to load)');
  if (phentsize < 56) throw new LoadError(`bad ELF program header size ${phentsize} (expected 56)`);
  const phEnd = phoff + BigInt(phnum) * BigInt(phentsize);
  if (phEnd > BigInt(bytes.length)) {
    throw new LoadError(
      `truncated ELF file: program headers end at byte ${phEnd}, the file has ${bytes.length}`,
    );
  }
  const segments: Segment[] = [];
  for (let i = 0; i < phnum; i++) {
    const o = Number(phoff) + i * phentsize;
    if (dv.getUint32(o, true) !== PT_LOAD) continue;
    const offset = dv.getBigUint64(o + 8, true);
    const paddr = dv.getBigUint64(o + 24, true);
    const filesz = dv.getBigUint64(o + 32, true);
    const memsz = dv.getBigUint64(o + 40, true);
    if (filesz > memsz) throw new LoadError(`ELF segment ${i}: file size ${filesz} exceeds memory size ${memsz}`);
    if (offset + filesz > BigInt(bytes.length)) {
      throw new LoadError(
        `truncated ELF file: segment ${i} needs bytes ${offset}-${offset + filesz - 1n}, the file has ${bytes.length}`,
      );
    }
    if (memsz === 0n) continue;
    checkInRam(`ELF segment ${i}`, paddr, memsz, ram);
    segments.push({
      pa: Number(paddr),
      data: bytes.subarray(Number(offset), Number(offset + filesz)),
      memSize: Number(memsz),
    });
  }
  if (segments.length === 0) throw new LoadError('ELF file has no loadable (PT_LOAD) segments');
  return { format: 'elf', entry, segments };
}

/** A raw binary copied to `loadAddr` (default RAM base + 0x80000) and entered there. */
export function parseRaw(bytes: Uint8Array, ram: RamWindow, loadAddr?: number): Image {
  if (bytes.length === 0) throw new LoadError('empty image file');
  const addr = loadAddr ?? ram.base + RAW_LOAD_OFFSET;
  if (addr % 4 !== 0) throw new LoadError(`load address ${hex(addr)} is not 4-byte aligned`);
  checkInRam(`image (${bytes.length} bytes) loaded`, BigInt(addr), BigInt(bytes.length), ram);
  return { format: 'raw', entry: BigInt(addr), segments: [{ pa: addr, data: bytes, memSize: bytes.length }] };
}

/** ELF when the file starts with the ELF magic, raw otherwise. */
export function parseImage(bytes: Uint8Array, ram: RamWindow, opts: { loadAddr?: number } = {}): Image {
  if (isElf(bytes)) {
    if (opts.loadAddr !== undefined) throw new LoadError('--load-addr applies to raw binaries only; this is an ELF file');
    return parseElf(bytes, ram);
  }
  return parseRaw(bytes, ram, opts.loadAddr);
}

/** Copies an image into RAM (`ram` is the RAM bytes, starting at physical `ramBase`). */
export function copyImage(image: Image, ram: Uint8Array, ramBase: number): void {
  for (const s of image.segments) {
    const off = s.pa - ramBase;
    if (off < 0 || off + s.memSize > ram.length) throw new LoadError(`segment at ${hex(s.pa)} lies outside RAM`);
    ram.set(s.data, off);
    ram.fill(0, off + s.data.length, off + s.memSize);
  }
}

/** The largest RAM range no segment occupies (semihosting SYS_HEAPINFO, as QEMU's). */
export function largestGap(image: Image | undefined, ram: RamWindow): { base: number; limit: number } {
  const used = (image?.segments ?? []).map((s) => [s.pa, s.pa + s.memSize] as const).sort((a, b) => a[0] - b[0]);
  let best = { base: ram.base, limit: ram.base };
  let cur = ram.base;
  for (const [lo, hi] of [...used, [ram.base + ram.size, ram.base + ram.size] as const]) {
    if (lo > cur && lo - cur > best.limit - best.base) best = { base: cur, limit: lo };
    if (hi > cur) cur = hi;
  }
  return best;
}
