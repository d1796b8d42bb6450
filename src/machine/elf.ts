// Writing ELF64 executables (the reverse of loader.ts): the fuzz images
// (debug/fuzz/image.ts) and the tests' hand-assembled programs. Every field can be set, so
// that tests can also build the files the loader must reject.

export interface ElfSegment {
  /** p_type; default 1 (PT_LOAD). */
  type?: number;
  /** p_paddr and p_vaddr. */
  paddr: number;
  data: Uint8Array;
  /** p_memsz; default data.length (the rest is zeroed by the loader). */
  memsz?: number;
  /** p_flags; default 5 (R+X). */
  flags?: number;
  /** p_align; default 8. */
  align?: number;
}

export interface ElfOptions {
  /** EI_CLASS; default 2 (ELFCLASS64). */
  cls?: number;
  /** EI_DATA; default 1 (little-endian). */
  data?: number;
  /** EI_VERSION; default 1. */
  version?: number;
  /** e_type; default 2 (ET_EXEC). */
  type?: number;
  /** e_machine; default 183 (EM_AARCH64). */
  machine?: number;
  /** e_entry; default the first segment's address. */
  entry?: number;
  /** e_phentsize; default 56. */
  phentsize?: number;
  /** The file offset of the first segment's bytes; default right after the program headers. */
  dataOffset?: number;
  segments: ElfSegment[];
}

/** An ELF64 file: header, program headers, then each segment's bytes. */
export function makeElf(o: ElfOptions): Uint8Array {
  const phentsize = o.phentsize ?? 56;
  const phoff = 64;
  let dataOff = o.dataOffset ?? phoff + o.segments.length * phentsize;
  const offsets = o.segments.map((s) => {
    const off = dataOff;
    dataOff += s.data.length;
    return off;
  });
  const out = new Uint8Array(dataOff);
  const dv = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, o.cls ?? 2, o.data ?? 1, o.version ?? 1], 0);
  dv.setUint16(16, o.type ?? 2, true);
  dv.setUint16(18, o.machine ?? 183, true);
  dv.setUint32(20, 1, true); // e_version
  dv.setBigUint64(24, BigInt(o.entry ?? o.segments[0]?.paddr ?? 0), true);
  dv.setBigUint64(32, BigInt(phoff), true);
  dv.setUint16(52, 64, true); // e_ehsize
  dv.setUint16(54, phentsize, true);
  dv.setUint16(56, o.segments.length, true);
  dv.setUint16(58, 64, true); // e_shentsize (no section headers)
  o.segments.forEach((s, i) => {
    const p = phoff + i * phentsize;
    dv.setUint32(p, s.type ?? 1, true);
    dv.setUint32(p + 4, s.flags ?? 5, true);
    dv.setBigUint64(p + 8, BigInt(offsets[i]), true);
    dv.setBigUint64(p + 16, BigInt(s.paddr), true);
    dv.setBigUint64(p + 24, BigInt(s.paddr), true);
    dv.setBigUint64(p + 32, BigInt(s.data.length), true);
    dv.setBigUint64(p + 40, BigInt(s.memsz ?? s.data.length), true);
    dv.setBigUint64(p + 48, BigInt(s.align ?? 8), true);
    out.set(s.data, offsets[i]);
  });
  return out;
}
