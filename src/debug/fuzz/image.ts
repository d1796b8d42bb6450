// Builds a fuzz image: a bare-metal ELF for the virt board holding many cases and a driver
// that runs them one after another. For each case the driver loads the case's registers,
// SP and PSTATE (NZCV, through SPSR_EL1) and enters its code with an ERET; the code ends
// with a branch to `save`, which stores X0-X30, SP, NZCV, DAIF, SPSel, SP_EL0, TPIDR_EL0/EL1,
// ESR/ELR/FAR/SPSR_EL1, CPACR_EL1, CNTKCTL_EL1, CNTFRQ_EL0 and the case's scratch buffer
// into the case's result record. An exception taken during a case goes through a vector
// table at VBAR_EL1 that records the vector, ESR, ELR and FAR in the result and moves on
// to the next case, so a fault is a result, not a hang. At the end the whole result area
// goes to the host with semihosting SYS_WRITE on ":tt" (stdout), then SYS_EXIT.
//
// A case at EL0 (some of every class) is entered with SPSR_EL1.M = EL0t and ends with
// NOP; SVC #END_SVC_IMM instead of the branch: its state is saved by the vector for
// synchronous exceptions from a lower EL, SP_EL0 being its stack pointer.
//
// A case may run several times from the same state (its scratch buffer restored from a
// pristine copy), so that what is compared comes from a64emu's compiled blocks.
//
// The driver keeps its state in memory (`cur`, the current case descriptor), reached by
// ADR, so every general register belongs to the case; TPIDRRO_EL0 holds X0 while the
// result pointer is fetched.

import { A, Asm, COND_NE } from './asm.js';
import { makeElf } from '../../machine/elf.js';
import { ADP_Stopped_ApplicationExit } from '../../machine/semihosting.js';
import { COUNTER_FREQUENCY } from '../../machine/virt.js';
import { FP_INIT, FP_INIT_SLOTS, FP_RESULT_SLOTS, FP_SLOT, INIT, INIT_SLOTS, RESULT_SLOTS, SLOT, type Case, type Reloc } from './case.js';

export const IMAGE_BASE = 0x4020_0000;
/** RAM for both sides, in bytes (128 MiB). */
export const IMAGE_RAM = 128 * 1024 * 1024;

const SYS_OPEN = 0x01;
const SYS_WRITE = 0x05;
const SYS_EXIT = 0x18;
/**
 * Runs of a case that should go through compiled code: a64emu compiles a block on its 8th
 * run and uses the compiled function from the 9th (src/cpu/run.ts). Compiling costs far more
 * than interpreting a block once, so only some cases (Case.repeats) are run this often.
 */
export const COMPILED_REPEATS = 9;
/** A case descriptor: the addresses the driver needs, and the runs still to do. */
const DESC = { CODE: 0, INIT: 8, RESULT: 16, SCRATCH: 24, PRISTINE: 32, REPEATS: 40 } as const;
const DESC_SIZE = 48;
/** SPSR for entering a case: DAIF masked, EL1h (or EL0t), plus the case's NZCV. */
const SPSR_EL1H_MASKED = 0x3c5;
const SPSR_EL0T_MASKED = 0x3c0;
/**
 * A case at EL0 ends with this SVC (its immediate tells it from a generated one): the
 * exception takes it back to EL1, where the vector saves its state like any exception's.
 */
export const END_SVC_IMM = 0xf022;
const svc = (imm: number): number => (0xd4000001 | (imm << 5)) >>> 0;

export interface Layout {
  /** Each case's first instruction. */
  readonly code: number[];
  /** Each case's item start addresses (the last entry: the final branch to `save`). */
  readonly itemAddr: number[][];
  readonly scratch: number[];
  /** The result area: N records of recordSize bytes. */
  readonly results: number;
  readonly recordSize: number;
  /** 8-byte slots at the start of each record (RESULT_SLOTS, or FP_RESULT_SLOTS with FP state). */
  readonly slots: number;
  /** The image loads and records FP state (FPCR, FPSR, V0..V31). */
  readonly fp: boolean;
  readonly entry: number;
  readonly end: number;
}

export interface Image {
  readonly elf: Uint8Array;
  readonly layout: Layout;
}

const align = (v: number, a: number): number => Math.ceil(v / a) * a;
/** The granule of a64emu's self-modifying-code detection (src/mmu/memory.ts). */
const CODE_CHUNK = 256;

/**
 * The report tail (label 'done' goes here): SYS_OPEN ":tt", SYS_WRITE of the results to the
 * handle, SYS_EXIT, through the parameter blocks at labels openblk/writeblk/exitblk
 * (reportData). Shared by the fuzz and sweep images.
 */
export function emitReport(a: Asm): void {
  a.ref('openblk', (o) => A.adr(1, o));
  a.emit(A.movz(0, SYS_OPEN), A.semihost);
  a.ref('writeblk', (o) => A.adr(1, o));
  a.emit(A.str(0, 1, 0), A.movz(0, SYS_WRITE), A.semihost);
  a.ref('exitblk', (o) => A.adr(1, o));
  a.emit(A.movz(0, SYS_EXIT), A.semihost);
  a.label('hang');
  a.ref('hang', (o) => A.b(o));
}

/** The bytes of emitReport's data: openblk (3 words), writeblk (3), exitblk (2), ":tt\0". */
export const REPORT_DATA_SIZE = 24 + 24 + 16 + 8;

/**
 * Defines emitReport's labels for data at `at` and writes the data (`results`, `bytes`: what
 * SYS_WRITE sends) with `put64` into `mem` (which starts at IMAGE_BASE).
 */
export function reportData(a: Asm, at: number): (mem: Uint8Array, results: number, bytes: number) => void {
  const openblk = at;
  const writeblk = openblk + 24;
  const exitblk = writeblk + 24;
  const tt = exitblk + 16;
  a.define('openblk', openblk);
  a.define('writeblk', writeblk);
  a.define('exitblk', exitblk);
  return (mem, results, bytes) => {
    const dv = new DataView(mem.buffer, mem.byteOffset, mem.byteLength);
    const put64 = (addr: number, v: bigint): void => dv.setBigUint64(addr - IMAGE_BASE, v, true);
    put64(openblk, BigInt(tt));
    put64(openblk + 8, 4n); // mode "w": stdout
    put64(openblk + 16, 3n);
    put64(writeblk + 8, BigInt(results));
    put64(writeblk + 16, BigInt(bytes));
    put64(exitblk, BigInt(ADP_Stopped_ApplicationExit));
    put64(exitblk + 8, 0n);
    mem.set([0x3a, 0x74, 0x74, 0], tt - IMAGE_BASE);
  };
}

function driver(scratchSize: number, fp: boolean): Asm {
  const slots = fp ? FP_RESULT_SLOTS : RESULT_SLOTS;
  const a = new Asm(IMAGE_BASE);
  const S = (s: number): number => s * 8;
  a.label('start');
  a.ref('vectors', (o) => A.adr(0, o));
  a.emit(A.msr('VBAR_EL1', 0));
  a.label('loop');
  a.emit(A.spsel1); // a case may have left SP_EL0 selected
  a.ref('cur', (o) => A.adr(0, o));
  a.emit(A.ldr(1, 0, 0), A.ldr(2, 1, DESC.CODE));
  a.ref('done', (o) => A.cbz(2, o));
  // The scratch buffer from its pristine copy (each run of a case starts from the same memory).
  a.emit(A.ldr(4, 1, DESC.PRISTINE), A.ldr(5, 1, DESC.SCRATCH), A.movz(6, scratchSize / 16));
  a.label('restore');
  a.emit(A.ldpPost(7, 8, 4, 16), A.stpPost(7, 8, 5, 16), A.subsImm(6, 6, 1));
  a.ref('restore', (o) => A.bcond(COND_NE, o));
  a.emit(A.msr('ELR_EL1', 2), A.ldr(2, 1, DESC.INIT));
  a.emit(A.ldr(3, 2, S(INIT.SPSR)), A.msr('SPSR_EL1', 3));
  a.emit(A.ldr(3, 2, S(INIT.SP)), A.addImm(31, 3, 0));
  a.emit(A.ldr(3, 2, S(INIT.TPIDR_EL0)), A.msr('TPIDR_EL0', 3));
  a.emit(A.ldr(3, 2, S(INIT.TPIDR_EL1)), A.msr('TPIDR_EL1', 3));
  a.emit(A.ldr(3, 2, S(INIT.SP_EL0)), A.msr('SP_EL0', 3));
  // System registers a (system class) case may write: the same values before every case.
  a.emit(A.msr('ESR_EL1', 31), A.msr('FAR_EL1', 31), A.msr('TPIDRRO_EL0', 31), A.msr('CNTKCTL_EL1', 31));
  a.emit(A.movz(3, 0x30, 1), A.msr('CPACR_EL1', 3)); // FPEN = 11
  a.emit(A.movz(3, COUNTER_FREQUENCY & 0xffff), A.movk(3, COUNTER_FREQUENCY >>> 16, 1), A.msr('CNTFRQ_EL0', 3));
  if (fp) {
    // FPCR, FPSR and V0..V31 from the init block (CPACR_EL1.FPEN is 11 by now).
    a.emit(A.ldr(3, 2, S(FP_INIT.FPCR)), A.msr('FPCR', 3), A.ldr(3, 2, S(FP_INIT.FPSR)), A.msr('FPSR', 3));
    a.emit(A.addImm(3, 2, S(FP_INIT.V0)));
    for (let v = 0; v < 32; v += 2) a.emit(A.ldpQ(v, v + 1, 3, 16 * v));
  }
  a.emit(A.clrex, A.addImm(30, 2, 0));
  for (let r = 0; r < 30; r += 2) a.emit(A.ldp(r, r + 1, 30, 8 * r));
  a.emit(A.ldr(30, 30, 240), A.eret);

  // The end of every case.
  a.label('save');
  a.emit(A.msr('TPIDRRO_EL0', 0));
  a.ref('cur', (o) => A.adr(0, o));
  a.emit(A.ldr(0, 0, 0), A.ldr(0, 0, DESC.RESULT), A.stp(1, 2, 0, 8), A.str(31, 0, S(SLOT.STATUS)));
  a.emit(A.mrs(1, 'ESR_EL1'), A.str(1, 0, S(SLOT.ESR)));
  a.emit(A.mrs(1, 'ELR_EL1'), A.str(1, 0, S(SLOT.ELR)));
  a.emit(A.mrs(1, 'FAR_EL1'), A.str(1, 0, S(SLOT.FAR)));
  // NZCV only here: after an exception QEMU 7.2 has cleared PSTATE.NZCV (its
  // arm_cpu_do_interrupt_aarch64 writes PSTATE = DAIF | mode), which AArch64.TakeException
  // does not do; SPSR_EL1 holds the flags at the exception on both sides.
  a.emit(A.mrs(1, 'NZCV'), A.str(1, 0, S(SLOT.NZCV)));
  a.ref('common', (o) => A.b(o));

  a.label('common');
  for (let r = 3; r < 31; r += 2) a.emit(A.stp(r, r + 1, 0, 8 * r));
  a.emit(A.mrs(1, 'TPIDRRO_EL0'), A.str(1, 0, 0));
  a.emit(A.addImm(1, 31, 0), A.str(1, 0, S(SLOT.SP)));
  a.emit(A.mrs(1, 'TPIDR_EL0'), A.str(1, 0, S(SLOT.TPIDR_EL0)));
  a.emit(A.mrs(1, 'TPIDR_EL1'), A.str(1, 0, S(SLOT.TPIDR_EL1)));
  a.emit(A.mrs(1, 'DAIF'), A.str(1, 0, S(SLOT.DAIF)));
  a.emit(A.mrs(1, 'SPSel'), A.str(1, 0, S(SLOT.SPSEL)), A.spsel1);
  a.emit(A.mrs(1, 'SP_EL0'), A.str(1, 0, S(SLOT.SP_EL0)));
  a.emit(A.mrs(1, 'SPSR_EL1'), A.str(1, 0, S(SLOT.SPSR)));
  a.emit(A.mrs(1, 'CPACR_EL1'), A.str(1, 0, S(SLOT.CPACR_EL1)));
  a.emit(A.mrs(1, 'CNTKCTL_EL1'), A.str(1, 0, S(SLOT.CNTKCTL_EL1)));
  a.emit(A.mrs(1, 'CNTFRQ_EL0'), A.str(1, 0, S(SLOT.CNTFRQ_EL0)));
  if (fp) {
    a.emit(A.mrs(1, 'FPSR'), A.str(1, 0, S(FP_SLOT.FPSR)), A.mrs(1, 'FPCR'), A.str(1, 0, S(FP_SLOT.FPCR)));
    a.emit(A.addImm(1, 0, S(FP_SLOT.V0)));
    for (let v = 0; v < 32; v += 2) a.emit(A.stpQ(v, v + 1, 1, 16 * v));
  }
  a.ref('cur', (o) => A.adr(2, o));
  a.emit(A.ldr(3, 2, 0), A.ldr(4, 3, DESC.SCRATCH), A.addImm(5, 0, 8 * slots), A.movz(6, scratchSize / 16));
  a.label('copy');
  a.emit(A.ldpPost(7, 8, 4, 16), A.stpPost(7, 8, 5, 16), A.subsImm(6, 6, 1));
  a.ref('copy', (o) => A.bcond(COND_NE, o));
  // Run the case again until its repeat count is used up (the last run's results stay).
  a.emit(A.ldr(9, 3, DESC.REPEATS), A.subsImm(9, 9, 1), A.str(9, 3, DESC.REPEATS));
  a.ref('loop', (o) => A.bcond(COND_NE, o));
  a.emit(A.addImm(3, 3, DESC_SIZE), A.str(3, 2, 0));
  a.ref('loop', (o) => A.b(o));

  a.label('done');
  emitReport(a);

  a.alignTo(0x800);
  a.label('vectors');
  for (let v = 0; v < 16; v++) {
    a.emit(A.msr('TPIDRRO_EL0', 0));
    a.ref('cur', (o) => A.adr(0, o));
    a.emit(A.ldr(0, 0, 0), A.ldr(0, 0, DESC.RESULT), A.stp(1, 2, 0, 8));
    a.emit(A.movz(1, v + 1), A.str(1, 0, S(SLOT.STATUS)));
    a.emit(A.mrs(1, 'ESR_EL1'), A.str(1, 0, S(SLOT.ESR)));
    a.emit(A.mrs(1, 'ELR_EL1'), A.str(1, 0, S(SLOT.ELR)));
    a.emit(A.mrs(1, 'FAR_EL1'), A.str(1, 0, S(SLOT.FAR)));
    a.ref('common', (o) => A.b(o));
    a.alignTo(0x80);
  }
  return a;
}

/** The word at `pc` with its reloc filled in (items: the case's item addresses; scratch: its buffer). */
export function relocate(word: number, reloc: Reloc, pc: number, items: readonly number[], scratch: number): number {
  switch (reloc.kind) {
    case 'branch': {
      const off = (items[reloc.target] - pc) >> 2;
      const mask = (2 ** reloc.bits - 1) * 2 ** reloc.lsb;
      return ((word & ~mask) | ((off << reloc.lsb) & mask)) >>> 0;
    }
    case 'adr':
      return (A.adr(0, items[reloc.target] - pc) | (word & 31)) >>> 0;
    case 'literal': {
      const off = (scratch + reloc.offset - pc) >> 2;
      return ((word & ~(0x7ffff << 5)) | ((off & 0x7ffff) << 5)) >>> 0;
    }
  }
}

/** Lays out `cases` (sharing one scratch size) with the driver; returns the ELF and where everything is. */
export function buildImage(cases: readonly Case[], scratchSize: number, fp = false): Image {
  const d = driver(scratchSize, fp);
  const slots = fp ? FP_RESULT_SLOTS : RESULT_SLOTS;
  const initSlots = fp ? FP_INIT_SLOTS : INIT_SLOTS;
  const dataStart = align(d.pc, 16);
  // data: cur, then the report's (reportData)
  const cur = dataStart;
  const report = reportData(d, cur + 8);
  const table = align(cur + 8 + REPORT_DATA_SIZE, 64);
  // Code and data never share a 256-byte chunk: a store to a chunk that decoded code came
  // from makes a64emu drop its decoded blocks (Memory.codeMap), which would keep every case
  // from reaching its compiled blocks (and would make the run slow).
  let p = align(table + DESC_SIZE * (cases.length + 1), CODE_CHUNK);
  const code: number[] = [];
  const itemAddr: number[][] = [];
  const scratch: number[] = [];
  const init: number[] = [];
  for (const c of cases) {
    code.push(p);
    const addrs: number[] = [];
    for (const it of c.items) {
      addrs.push(p);
      p += 4 * it.words.length;
    }
    addrs.push(p); // the final B save (at EL0: NOP; SVC)
    itemAddr.push(addrs);
    p = align(p + 8, CODE_CHUNK);
    scratch.push(p);
    p += 2 * scratchSize; // the buffer, then its pristine copy
    init.push(p);
    p = align(p + 8 * initSlots, CODE_CHUNK);
  }
  const recordSize = 8 * slots + scratchSize;
  const results = p;
  const end = results + recordSize * cases.length;
  d.define('cur', cur);
  const words = d.finish();

  const fileSize = results - IMAGE_BASE;
  const mem = new Uint8Array(fileSize);
  const dv = new DataView(mem.buffer);
  const put32 = (addr: number, v: number): void => dv.setUint32(addr - IMAGE_BASE, v >>> 0, true);
  const put64 = (addr: number, v: bigint): void => dv.setBigUint64(addr - IMAGE_BASE, BigInt.asUintN(64, v), true);
  words.forEach((w, i) => put32(IMAGE_BASE + 4 * i, w));
  put64(cur, BigInt(table));
  report(mem, results, recordSize * cases.length);
  const save = d.address('save');
  cases.forEach((c, i) => {
    const t = table + DESC_SIZE * i;
    put64(t + DESC.CODE, BigInt(code[i]));
    put64(t + DESC.INIT, BigInt(init[i]));
    put64(t + DESC.RESULT, BigInt(results + recordSize * i));
    put64(t + DESC.SCRATCH, BigInt(scratch[i]));
    put64(t + DESC.PRISTINE, BigInt(scratch[i] + scratchSize));
    put64(t + DESC.REPEATS, BigInt(c.repeats ?? 1));
    const addrs = itemAddr[i];
    c.items.forEach((it, k) => {
      it.words.forEach((w, j) => {
        const pc = addrs[k] + 4 * j;
        put32(pc, w.reloc ? relocate(w.word, w.reloc, pc, addrs, scratch[i]) : w.word);
      });
    });
    const last = addrs[addrs.length - 1];
    if (c.el === 0) {
      // The NOP first: QEMU's max has FEAT_BTI, so a BR/BLR landing on the SVC would leave
      // PSTATE.BTYPE in SPSR_EL1; a64emu has no FEAT_BTI. After the NOP, BTYPE is 0.
      put32(last, A.nop);
      put32(last + 4, svc(END_SVC_IMM));
    } else {
      put32(last, A.b(save - last));
    }
    mem.set(c.scratch.subarray(0, scratchSize), scratch[i] + scratchSize - IMAGE_BASE);
    const value = (r: Case['regs'][number]): bigint => (r.scratchRelative ? BigInt(scratch[i]) + r.value : r.value);
    c.regs.forEach((r, n) => put64(init[i] + 8 * n, value(r)));
    // The case's SP (regs[31]) is SP_EL1 at EL1 and SP_EL0 at EL0; spEl0 is the other one.
    const other = c.spEl0 ?? 0n;
    put64(init[i] + 8 * INIT.SP, c.el === 0 ? other : value(c.regs[31]));
    put64(init[i] + 8 * INIT.SP_EL0, c.el === 0 ? value(c.regs[31]) : other);
    put64(init[i] + 8 * INIT.SPSR, BigInt((c.nzcv >>> 0) | (c.el === 0 ? SPSR_EL0T_MASKED : SPSR_EL1H_MASKED)));
    put64(init[i] + 8 * INIT.TPIDR_EL0, 0n);
    put64(init[i] + 8 * INIT.TPIDR_EL1, 0n);
    if (fp) {
      put64(init[i] + 8 * FP_INIT.FPCR, BigInt(c.fp?.fpcr ?? 0));
      put64(init[i] + 8 * FP_INIT.FPSR, BigInt(c.fp?.fpsr ?? 0));
      for (let v = 0; v < 32; v++) {
        const q = c.fp?.v[v] ?? 0n;
        put64(init[i] + 8 * (FP_INIT.V0 + 2 * v), q);
        put64(init[i] + 8 * (FP_INIT.V0 + 2 * v + 1), q >> 64n);
      }
    }
  });
  const layout: Layout = { code, itemAddr, scratch, results, recordSize, slots, fp, entry: IMAGE_BASE, end };
  // One loadable RWX segment, its bytes page-aligned in the file, then zeros to `end`.
  const elf = makeElf({ dataOffset: 0x1000, segments: [{ paddr: IMAGE_BASE, data: mem, memsz: end - IMAGE_BASE, flags: 7, align: 0x1000 }] });
  return { elf, layout };
}
