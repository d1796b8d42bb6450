// The few A64 encodings the fuzzer's driver code needs, written as functions of their
// operands (Arm ARM C6.2), and a tiny assembler with forward labels. The fuzzer emits its
// own machine words: no cross toolchain is needed to build an image.

import { MODELS } from '../../cpu/models.js';
import { sysregByName } from '../../sysregs/table.js';

/** The system registers the driver moves (their encodings come from the cpreg table). */
export type Sysreg =
  | 'NZCV' | 'DAIF' | 'SPSR_EL1' | 'ELR_EL1' | 'ESR_EL1' | 'FAR_EL1' | 'VBAR_EL1' | 'TPIDR_EL0' | 'TPIDRRO_EL0'
  | 'TPIDR_EL1' | 'SPSel' | 'CPACR_EL1' | 'CNTKCTL_EL1' | 'CNTFRQ_EL0' | 'SP_EL0' | 'FPCR' | 'FPSR';

const u = (v: number): number => v >>> 0;
/** The o0:op1:CRn:CRm:op2 bits [19:5] of MRS/MSR for `r` (every model has these rows). */
const encodings = new Map<Sysreg, number>();
const sysEnc = (r: Sysreg): number => {
  let e = encodings.get(r);
  if (e === undefined) {
    const row = sysregByName(MODELS.max, r);
    if (row === undefined) throw new Error(`fuzz driver: no system register ${r}`);
    e = ((row.op0 & 1) << 19) | (row.op1 << 16) | (row.crn << 12) | (row.crm << 8) | (row.op2 << 5);
    encodings.set(r, e);
  }
  return e;
};

export const A = {
  /** MSR <sysreg>, Xt */
  msr: (r: Sysreg, t: number): number => u(0xd5100000 | sysEnc(r) | t),
  /** MRS Xt, <sysreg> */
  mrs: (t: number, r: Sysreg): number => u(0xd5300000 | sysEnc(r) | t),
  /** ADD Xd|SP, Xn|SP, #imm12 */
  addImm: (d: number, n: number, imm: number): number => u(0x91000000 | (imm << 10) | (n << 5) | d),
  /** SUBS Xd, Xn|SP, #imm12 */
  subsImm: (d: number, n: number, imm: number): number => u(0xf1000000 | (imm << 10) | (n << 5) | d),
  /** MOVZ Xd, #imm16, LSL #(16 * hw) */
  movz: (d: number, imm: number, hw = 0): number => u(0xd2800000 | (hw << 21) | ((imm & 0xffff) << 5) | d),
  /** MOVK Xd, #imm16, LSL #(16 * hw) */
  movk: (d: number, imm: number, hw = 0): number => u(0xf2800000 | (hw << 21) | ((imm & 0xffff) << 5) | d),
  /** LDR Xt, [Xn|SP, #off] (unsigned offset, a multiple of 8) */
  ldr: (t: number, n: number, off: number): number => u(0xf9400000 | ((off >> 3) << 10) | (n << 5) | t),
  /** STR Xt, [Xn|SP, #off] */
  str: (t: number, n: number, off: number): number => u(0xf9000000 | ((off >> 3) << 10) | (n << 5) | t),
  /** LDP Xt, Xt2, [Xn|SP, #off] (signed offset) */
  ldp: (t: number, t2: number, n: number, off: number): number => u(0xa9400000 | (((off >> 3) & 0x7f) << 15) | (t2 << 10) | (n << 5) | t),
  /** STP Xt, Xt2, [Xn|SP, #off] */
  stp: (t: number, t2: number, n: number, off: number): number => u(0xa9000000 | (((off >> 3) & 0x7f) << 15) | (t2 << 10) | (n << 5) | t),
  /** LDP Xt, Xt2, [Xn|SP], #off (post-index) */
  ldpPost: (t: number, t2: number, n: number, off: number): number => u(0xa8c00000 | (((off >> 3) & 0x7f) << 15) | (t2 << 10) | (n << 5) | t),
  /** STP Xt, Xt2, [Xn|SP], #off (post-index) */
  stpPost: (t: number, t2: number, n: number, off: number): number => u(0xa8800000 | (((off >> 3) & 0x7f) << 15) | (t2 << 10) | (n << 5) | t),
  /** LDP Qt, Qt2, [Xn|SP, #off] (signed offset, a multiple of 16) */
  ldpQ: (t: number, t2: number, n: number, off: number): number => u(0xad400000 | (((off >> 4) & 0x7f) << 15) | (t2 << 10) | (n << 5) | t),
  /** STP Qt, Qt2, [Xn|SP, #off] */
  stpQ: (t: number, t2: number, n: number, off: number): number => u(0xad000000 | (((off >> 4) & 0x7f) << 15) | (t2 << 10) | (n << 5) | t),
  /** ADR Xd, pc + off */
  adr: (d: number, off: number): number => u(0x10000000 | ((off & 3) << 29) | (((off >> 2) & 0x7ffff) << 5) | d),
  /** B pc + off */
  b: (off: number): number => u(0x14000000 | ((off >> 2) & 0x3ffffff)),
  /** B.cond pc + off */
  bcond: (cond: number, off: number): number => u(0x54000000 | (((off >> 2) & 0x7ffff) << 5) | cond),
  /** CBZ Xt, pc + off */
  cbz: (t: number, off: number): number => u(0xb4000000 | (((off >> 2) & 0x7ffff) << 5) | t),
  eret: 0xd69f03e0,
  /** MSR SPSel, #1 */
  spsel1: 0xd50041bf,
  clrex: 0xd503305f,
  nop: 0xd503201f,
  /** HLT #0xF000: the A64 semihosting call */
  semihost: 0xd45e0000,
} as const;

export const COND_NE = 1;

/** A flat list of words with labels; `fix` patches a word once every label is known. */
export class Asm {
  readonly words: number[] = [];
  private readonly labels = new Map<string, number>();
  private readonly fixups: { at: number; label: string; make: (offset: number) => number }[] = [];

  constructor(readonly base: number) {}

  get pc(): number {
    return this.base + 4 * this.words.length;
  }

  emit(...ws: number[]): void {
    for (const w of ws) this.words.push(w >>> 0);
  }

  label(name: string): void {
    if (this.labels.has(name)) throw new Error(`label ${name} defined twice`);
    this.labels.set(name, this.pc);
  }

  /** Marks an address outside this code (data placed elsewhere by the caller). */
  define(name: string, address: number): void {
    this.labels.set(name, address);
  }

  /** Emits an instruction whose encoding depends on (label address - this pc). */
  ref(label: string, make: (offset: number) => number): void {
    this.fixups.push({ at: this.words.length, label, make });
    this.words.push(0);
  }

  /** Pads with NOPs up to an address that is a multiple of `align`. */
  alignTo(align: number): void {
    while (this.pc % align !== 0) this.emit(A.nop);
  }

  address(label: string): number {
    const a = this.labels.get(label);
    if (a === undefined) throw new Error(`undefined label ${label}`);
    return a;
  }

  /** Resolves the references; returns the words. */
  finish(): Uint32Array {
    for (const f of this.fixups) this.words[f.at] = f.make(this.address(f.label) - (this.base + 4 * f.at)) >>> 0;
    return Uint32Array.from(this.words);
  }
}
