// What a load/store row does to memory and registers, from its fields: the fuzzer's own
// model of the ldst and atomic rows (Arm ARM C4.1.88, C6.2), used to keep every generated
// access inside the case's scratch buffer, naturally aligned (with the MMU off all memory
// is Device memory, where a64emu faults on unaligned accesses as the Arm ARM says and QEMU
// 7.2 does not), and to avoid the CONSTRAINED UNPREDICTABLE register overlaps.

import type { Fields } from '../../cpu/decoder.js';

export interface ImmField {
  readonly name: string;
  readonly bits: number;
  readonly signed: boolean;
  readonly scale: number;
}

export interface MemEffect {
  /** PRFM: no access, no register written. */
  readonly prefetch: boolean;
  /** The address is a literal (PC-relative): resolved from the item's reloc. */
  readonly literal: boolean;
  /** Bytes per element; elements (1, or 2 for pairs). */
  readonly size: number;
  readonly count: number;
  /** Alignment the first address needs (the element size, or the pair for exclusive pairs and CASP). */
  readonly align: number;
  /** The immediate offset field, if any. */
  readonly imm?: ImmField;
  /** Register offset: Rm extended by `option` and shifted left by `shift`. */
  readonly index?: { readonly option: number; readonly shift: number };
  readonly mode: 'off' | 'pre' | 'post';
  /** Register fields this instruction writes (loads' Rt, CAS's Rs, status Rs, ...). */
  readonly writes: readonly string[];
  /** Register fields the instruction only reads as data (stores' Rt, ...). */
  readonly reads: readonly string[];
  /** Register fields that must be 11111 (should-be-one: other values are CONSTRAINED UNPREDICTABLE). */
  readonly sbo: readonly string[];
  /** Register-pair fields (CASP): the field and field + 1. */
  readonly pairs: readonly string[];
  readonly exclusive?: 'load' | 'store';
}

const base = {
  prefetch: false,
  literal: false,
  count: 1,
  mode: 'off' as const,
  reads: [] as string[],
  writes: [] as string[],
  sbo: [] as string[],
  pairs: [] as string[],
};

/** Size:opc of the load/store register groups: the access, or null when unallocated. */
function single(size: number, opc: number): { load: boolean; prefetch: boolean } | null {
  if (opc === 0) return { load: false, prefetch: false };
  if (opc === 1) return { load: true, prefetch: false };
  if (opc === 2) return size === 3 ? { load: false, prefetch: true } : { load: true, prefetch: false };
  return size < 2 ? { load: true, prefetch: false } : null;
}

/** The model of row `name` with fields `f`, or null for an encoding it does not cover. */
export function memEffect(name: string, f: Fields): MemEffect | null {
  switch (name) {
    case 'LDR_lit': {
      if (f.opc === 3) return { ...base, prefetch: true, literal: true, size: 4, align: 4 };
      const size = f.opc === 1 ? 8 : 4;
      return { ...base, literal: true, size, align: size, writes: ['rt'] };
    }
    case 'LDST_uoff':
    case 'LDST_imm9':
    case 'LDST_reg': {
      const k = single(f.size, f.opc);
      if (!k) return null;
      const size = 1 << f.size;
      const imm: ImmField | undefined =
        name === 'LDST_uoff'
          ? { name: 'imm12', bits: 12, signed: false, scale: size }
          : name === 'LDST_imm9'
            ? { name: 'imm9', bits: 9, signed: true, scale: 1 }
            : undefined;
      const mode = name === 'LDST_imm9' ? (f.idx === 1 ? 'post' : f.idx === 3 ? 'pre' : 'off') : 'off';
      const index = name === 'LDST_reg' ? { option: f.option, shift: f.S ? f.size : 0 } : undefined;
      if (k.prefetch) return { ...base, prefetch: true, size, align: 1, imm, index, mode };
      return { ...base, size, align: size, imm, index, mode, writes: k.load ? ['rt'] : [], reads: k.load ? [] : ['rt'] };
    }
    case 'LDST_pair': {
      const size = f.opc === 2 ? 8 : 4;
      const mode = f.idx === 1 ? 'post' : f.idx === 3 ? 'pre' : 'off';
      const regs = ['rt', 'rt2'];
      return {
        ...base, size, count: 2, align: size, mode,
        imm: { name: 'imm7', bits: 7, signed: true, scale: size },
        writes: f.L ? regs : [], reads: f.L ? [] : regs,
      };
    }
    case 'LDR_lit_fp': {
      if (f.opc === 3) return null;
      const size = 4 << f.opc;
      return { ...base, literal: true, size, align: Math.min(size, 8), writes: ['rt'] };
    }
    case 'LDST_uoff_fp':
    case 'LDST_imm9_fp':
    case 'LDST_reg_fp': {
      // SIMD&FP registers (Rt is a V register): B/H/S/D, or Q (size 0, opc 1x). A Q access is
      // two 8-byte accesses (ldst_fp.ts), aligned to 8.
      if (f.opc >= 2 && f.size !== 0) return null;
      const size = f.opc >= 2 ? 16 : 1 << f.size;
      const load = (f.opc & 1) === 1;
      const imm: ImmField | undefined =
        name === 'LDST_uoff_fp'
          ? { name: 'imm12', bits: 12, signed: false, scale: size }
          : name === 'LDST_imm9_fp'
            ? { name: 'imm9', bits: 9, signed: true, scale: 1 }
            : undefined;
      if (name === 'LDST_imm9_fp' && f.idx === 2) return null;
      const mode = name === 'LDST_imm9_fp' ? (f.idx === 1 ? 'post' : f.idx === 3 ? 'pre' : 'off') : 'off';
      const index = name === 'LDST_reg_fp' ? { option: f.option, shift: f.S ? Math.log2(size) : 0 } : undefined;
      return { ...base, size, align: Math.min(size, 8), imm, index, mode, writes: load ? ['rt'] : [], reads: load ? [] : ['rt'] };
    }
    case 'LDST_pair_fp': {
      if (f.opc === 3) return null;
      const size = 4 << f.opc;
      const mode = f.idx === 1 ? 'post' : f.idx === 3 ? 'pre' : 'off';
      const regs = ['rt', 'rt2'];
      return {
        ...base, size, count: 2, align: Math.min(size, 8), mode,
        imm: { name: 'imm7', bits: 7, signed: true, scale: size },
        writes: f.L ? regs : [], reads: f.L ? [] : regs,
      };
    }
    case 'STXR':
      return { ...base, size: 1 << f.size, align: 1 << f.size, exclusive: 'store', writes: ['rs'], reads: ['rt'], sbo: ['rt2'] };
    case 'LDXR':
      return { ...base, size: 1 << f.size, align: 1 << f.size, exclusive: 'load', writes: ['rt'], sbo: ['rs', 'rt2'] };
    case 'STXP': {
      const size = f.sz ? 8 : 4;
      return { ...base, size, count: 2, align: 2 * size, exclusive: 'store', writes: ['rs'], reads: ['rt', 'rt2'] };
    }
    case 'LDXP': {
      const size = f.sz ? 8 : 4;
      return { ...base, size, count: 2, align: 2 * size, exclusive: 'load', writes: ['rt', 'rt2'], sbo: ['rs'] };
    }
    case 'LDAR_STLR': {
      const size = 1 << f.size;
      return { ...base, size, align: size, writes: f.L ? ['rt'] : [], reads: f.L ? [] : ['rt'], sbo: ['rs', 'rt2'] };
    }
    case 'LDAPR':
      return { ...base, size: 1 << f.size, align: 1 << f.size, writes: ['rt'] };
    case 'ATOMIC':
      return { ...base, size: 1 << f.size, align: 1 << f.size, writes: ['rt'], reads: ['rs'] };
    case 'CAS':
      return { ...base, size: 1 << f.size, align: 1 << f.size, writes: ['rs'], reads: ['rt'] };
    case 'CASP': {
      const size = f.sz ? 8 : 4;
      return { ...base, size, count: 2, align: 2 * size, writes: ['rs'], reads: ['rt'], pairs: ['rs', 'rt'] };
    }
    default:
      return null;
  }
}

/** The signed value of an immediate field. */
export function immValue(imm: ImmField, f: Fields): number {
  const v = f[imm.name];
  const s = imm.signed && v >= 2 ** (imm.bits - 1) ? v - 2 ** imm.bits : v;
  return s * imm.scale;
}

/** ExtendReg for a register offset (option 010 UXTW, 011 LSL, 110 SXTW, 111 SXTX), then << shift. */
export function extendIndex(v: bigint, option: number, shift: number): bigint {
  const x = option === 2 ? BigInt.asUintN(32, v) : option === 6 ? BigInt.asIntN(32, v) : BigInt.asIntN(64, v);
  return x << BigInt(shift);
}
