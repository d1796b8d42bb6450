// What a fuzz test case is: a short sequence of instructions (items) and the state it starts
// from. Values and branch targets that depend on where the case lands in an image are kept
// symbolic (relative to the case's scratch buffer, or item indexes) and resolved at layout.

import { GPR_NAMES } from '../fmt.js';

/** A word whose field is filled at layout time. */
export type Reloc =
  /** A PC-relative branch field (bits [lsb, lsb+bits), in words) to item `target` (items.length: the end). */
  | { kind: 'branch'; lsb: number; bits: number; target: number }
  /** ADR Xd to item `target`. */
  | { kind: 'adr'; target: number }
  /** A literal load's imm19 to byte `offset` of the scratch buffer. */
  | { kind: 'literal'; offset: number };

export interface Word {
  word: number;
  reloc?: Reloc;
}

/** One generated instruction, with the set-up words it needs (e.g. ADR before BR). */
export interface Item {
  /** The decoder row of the instruction under test. */
  readonly row: string;
  /** The row and its non-operand fields, e.g. `LDST_uoff size=3 opc=1`. */
  readonly variant: string;
  readonly words: readonly Word[];
  /** Index in `words` of the instruction under test. */
  readonly main: number;
}

/** A register's initial value: absolute, or an offset from the case's scratch buffer. */
export interface RegInit {
  value: bigint;
  scratchRelative: boolean;
}

export interface Case {
  items: Item[];
  /** X0..X30, then SP. */
  regs: RegInit[];
  /** NZCV in bits 31:28. */
  nzcv: number;
  /** The scratch buffer's initial contents (its size is the image's scratch size). */
  scratch: Uint8Array;
  /** Registers the generator relies on (ldst: base and index registers). */
  fixed: number[];
  /** The stack pointer the case does not use: SP_EL0 at EL1 (the system class can select it), SP_EL1 at EL0. */
  spEl0?: bigint;
  /** Runs of the case in a row (default 1); the last run's results are compared. */
  repeats?: number;
  /** The exception level the case runs at (default 1). */
  el?: 0 | 1;
  /** FP/SIMD state (classes fp and simd): V0..V31 (128 bits each), FPCR, FPSR. */
  fp?: FpInit;
}

export interface FpInit {
  v: bigint[];
  fpcr: number;
  fpsr: number;
}

/** The result record the guest writes per case: 8-byte slots, then the scratch buffer. */
export const SLOT = {
  X0: 0,
  SP: 31,
  NZCV: 32,
  /** 0: the sequence completed; k + 1: an exception through vector k (of 16). */
  STATUS: 33,
  ESR: 34,
  /** ELR as written by the exception; the host turns it into an offset in the case. */
  ELR: 35,
  FAR: 36,
  TPIDR_EL0: 37,
  TPIDR_EL1: 38,
  DAIF: 39,
  SPSEL: 40,
  SP_EL0: 41,
  SPSR: 42,
  CPACR_EL1: 43,
  CNTKCTL_EL1: 44,
  CNTFRQ_EL0: 45,
} as const;
export const RESULT_SLOTS = 46;
/** Images with FP state (Layout.fp) record FPSR, FPCR and V0..V31 (low, high halves) after those. */
export const FP_SLOT = { FPSR: 46, FPCR: 47, V0: 48 } as const;
export const FP_RESULT_SLOTS = 112;

/** The init block the driver loads before entering the case: slots 0-30 X, then these. */
export const INIT = { SP: 31, SPSR: 32, TPIDR_EL0: 33, TPIDR_EL1: 34, SP_EL0: 35 } as const;
export const INIT_SLOTS = 36;
/** With FP state: FPCR, FPSR, then V0..V31. */
export const FP_INIT = { FPCR: 36, FPSR: 37, V0: 38 } as const;
export const FP_INIT_SLOTS = 102;

export const regName = (slot: number): string => {
  if (slot < 31) return GPR_NAMES[slot];
  if (slot === FP_SLOT.FPSR) return 'fpsr';
  if (slot === FP_SLOT.FPCR) return 'fpcr';
  if (slot >= FP_SLOT.V0) return `v${(slot - FP_SLOT.V0) >> 1}.${(slot - FP_SLOT.V0) & 1 ? 'hi' : 'lo'}`;
  return Object.entries(SLOT).find(([, v]) => v === slot)?.[0].toLowerCase() ?? `slot${slot}`;
};

/** A copy of `c` without the items at the given indexes; branch targets move to the next survivor. */
export function deleteItems(c: Case, drop: ReadonlySet<number>): Case {
  const newIndex: number[] = [];
  let n = 0;
  for (let i = 0; i <= c.items.length; i++) {
    newIndex.push(n);
    if (i < c.items.length && !drop.has(i)) n++;
  }
  const items: Item[] = [];
  c.items.forEach((it, i) => {
    if (drop.has(i)) return;
    const words = it.words.map((w): Word => {
      const r = w.reloc;
      if (r && (r.kind === 'branch' || r.kind === 'adr')) return { word: w.word, reloc: { ...r, target: newIndex[r.target] } };
      return w;
    });
    items.push({ ...it, words });
  });
  return { ...c, items };
}
