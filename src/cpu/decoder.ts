// The decoder is built from tables of encoding rows, in the spirit of QEMU's decodetree:
// each row names an instruction form, gives its 32 bits as fixed bits and named fields, and
// a builder that turns the fields into an executor closure (or null: UNDEFINED).
//
// Pattern syntax, most significant bit first, tokens separated by spaces:
//   `0`, `1`   a fixed bit (several may be written together: `100010`)
//   `-`        a bit the encoding ignores
//   `name:N`   an N-bit field, passed to the builder as fields.name (unsigned)
// The widths must add up to 32. When several rows match, the one with the most fixed bits
// wins (so an alias or a reserved sub-encoding is a more specific row); on a tie, the one
// listed first.

import type { Cpu } from './cpu.js';

export type Fields = Record<string, number>;
/** An executor: the instruction, specialised for its fields and its address. */
export type Op = () => void;

export interface DecodeCtx {
  readonly cpu: Cpu;
  /** The instruction's address, as two int32 halves. */
  readonly pcLo: number;
  readonly pcHi: number;
  readonly insn: number;
  /** The instruction's position in its block (0 for the first). */
  readonly index: number;
}

export type Build = (f: Fields, c: DecodeCtx) => Op | null;

/** The instruction's address plus `offset`, modulo 2^64, as int32 halves (decode time). */
export function pcPlus(c: DecodeCtx, offset: bigint): [number, number] {
  const v = BigInt.asUintN(64, ((BigInt(c.pcHi >>> 0) << 32n) | BigInt(c.pcLo >>> 0)) + offset);
  return [Number(v & 0xffffffffn) | 0, Number(v >> 32n) | 0];
}

/** The instruction's address as an unsigned BigInt (decode time). */
export const pcOf = (c: DecodeCtx): bigint => (BigInt(c.pcHi >>> 0) << 32n) | BigInt(c.pcLo >>> 0);

export interface Row {
  /** The Arm ARM name of the form, e.g. `ADD_imm`, `LDR_post`. */
  readonly name: string;
  readonly pattern: string;
  readonly build: Build;
  /** The instruction may change the PC or the translation/interrupt context: it ends a block. */
  readonly end?: boolean;
}

interface Field {
  readonly name: string;
  readonly shift: number;
  readonly mask: number;
}

export interface CompiledRow {
  readonly row: Row;
  readonly mask: number;
  readonly value: number;
  readonly fields: readonly Field[];
  readonly fixedBits: number;
}

export function compilePattern(row: Row): CompiledRow {
  let mask = 0;
  let value = 0;
  let pos = 32;
  const fields: Field[] = [];
  for (const tok of row.pattern.trim().split(/\s+/)) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*):(\d+)$/.exec(tok);
    if (m) {
      const width = Number(m[2]);
      pos -= width;
      fields.push({ name: m[1], shift: pos, mask: width === 32 ? 0xffffffff : (1 << width) - 1 });
      continue;
    }
    if (!/^[01-]+$/.test(tok)) throw new Error(`${row.name}: bad pattern token '${tok}'`);
    for (const ch of tok) {
      pos--;
      if (ch !== '-') {
        mask |= 1 << pos;
        if (ch === '1') value |= 1 << pos;
      }
    }
  }
  if (pos !== 0) throw new Error(`${row.name}: pattern is ${32 - pos} bits, not 32`);
  let fixedBits = 0;
  for (let b = mask >>> 0; b; b &= b - 1) fixedBits++;
  return { row, mask: mask >>> 0, value: value >>> 0, fields, fixedBits };
}

/** Rows are bucketed on the top 11 bits of the instruction; each bucket is checked in order. */
const BUCKET_SHIFT = 21;

export class Decoder {
  private readonly buckets: CompiledRow[][] = [];

  constructor(rows: readonly Row[]) {
    const compiled = rows.map(compilePattern);
    const names = new Set<string>();
    for (const c of compiled) {
      if (names.has(c.row.name)) throw new Error(`duplicate decoder row ${c.row.name}`);
      names.add(c.row.name);
    }
    const nb = 1 << (32 - BUCKET_SHIFT);
    const topMask = ~((1 << BUCKET_SHIFT) - 1) >>> 0;
    for (let k = 0; k < nb; k++) {
      const key = (k << BUCKET_SHIFT) >>> 0;
      const list = compiled.filter((c) => ((key ^ c.value) & c.mask & topMask) === 0);
      list.sort((a, b) => b.fixedBits - a.fixedBits); // stable: table order breaks ties
      this.buckets.push(list);
    }
  }

  /** The row that decodes `insn`, or undefined when the encoding is unallocated. */
  lookup(insn: number): CompiledRow | undefined {
    const list = this.buckets[insn >>> BUCKET_SHIFT];
    for (let i = 0; i < list.length; i++) {
      const c = list[i];
      if (((insn & c.mask) >>> 0) === c.value) return c;
    }
    return undefined;
  }

  static fields(c: CompiledRow, insn: number): Fields {
    const f: Fields = {};
    for (const fd of c.fields) f[fd.name] = ((insn >>> fd.shift) & fd.mask) >>> 0;
    return f;
  }
}
