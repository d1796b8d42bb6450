// One AArch64 PE: its state, its view of memory, its feature set, and the hooks through
// which the board answers what the architecture leaves to the platform (semihosting,
// PSCI calls, the system counter). Nothing here knows about a particular device.

import { CpuState, Slot, lo } from './state.js';
import { EC, ExceptionRecord, ExcKind, esrOf, exceptionReturn, takeException } from './exception.js';
import { Memory, type PhysBus } from '../mmu/memory.js';
import type { CpuModel } from './models.js';

/** What the board provides to the CPU. Every hook is optional in spirit: defaults refuse. */
export interface Platform {
  /** HLT #0xF000 (Arm semihosting, AArch64): perform the call in w0/x1, answer in x0. */
  semihost?(cpu: Cpu): void;
  /** HVC/SMC #imm that the platform firmware handles itself (PSCI): true when handled. */
  firmwareCall?(cpu: Cpu, conduit: 'hvc' | 'smc', imm: number): boolean;
  /**
   * The system counter's value (CNTPCT/CNTVCT before offsets); `icount` is the exact
   * number of instructions retired before the reading instruction.
   */
  counter?(cpu: Cpu, icount: number): bigint;
  /** The counter frequency reported in CNTFRQ_EL0 at reset. */
  readonly counterFrequency?: number;
}

/** Why `run` returned. */
export type StopReason =
  | { kind: 'exit'; code: number }
  | { kind: 'poweroff' }
  | { kind: 'reset' }
  | { kind: 'limit' }
  | { kind: 'breakpoint' };

export class Cpu extends CpuState {
  readonly exc = new ExceptionRecord();
  readonly mem: Memory;
  /** Instructions retired since reset (exact at block boundaries; see run.ts). */
  icount = 0;
  /** Set by an executor or a platform hook to make the run loop return after this block. */
  stop: StopReason | null = null;

  // The local exclusive monitor (Arm ARM B2.9.4): the marked address and size, if any.
  exclValid = false;
  exclLo = 0;
  exclHi = 0;
  exclSize = 0;
  /** Values read by the last load-exclusive, compared again by the store (QEMU's model). */
  exclVal0 = 0;
  exclVal1 = 0;
  exclVal2 = 0;
  exclVal3 = 0;

  /** CNTFRQ_EL0: the platform's counter frequency at reset. */
  cntfrq = 0n;
  /** Set whenever decoded blocks may be stale (code written, translation changed). */
  flushBlocks = false;
  private readonly warned = new Set<string>();

  constructor(
    bus: PhysBus,
    readonly model: CpuModel,
    readonly platform: Platform = {},
  ) {
    super();
    this.mem = new Memory(bus, this.exc, model.paBits);
    this.mem.onCodeWrite = () => {
      this.flushBlocks = true;
    };
  }

  /** The highest implemented exception level. */
  get highestEl(): number {
    return this.model.features.EL3 ? 3 : this.model.features.EL2 ? 2 : 1;
  }

  /** Resets into `el` with SP_ELx selected, everything masked, as QEMU's virt board does. */
  resetTo(el: number, entry: bigint): void {
    this.reset();
    this.el = el;
    this.spsel = 1;
    this.x[Slot.PC] = entry;
    this.icount = 0;
    this.stop = null;
    this.exclValid = false;
    this.cntfrq = BigInt(this.platform.counterFrequency ?? 0);
    // SCTLR_ELx reset values: MMU and caches off (Arm ARM D17.2.118); EL1's is the model's.
    this.x[Slot.SCTLR_EL1] = this.model.resetSctlr;
    this.x[Slot.SCTLR_EL1 + 1] = 0x30c50830n;
    this.x[Slot.SCTLR_EL1 + 2] = 0x30c50830n;
    this.flushBlocks = true;
    this.contextChanged();
  }

  /** Re-derives what the memory system needs after SCTLR or the EL changed. */
  contextChanged(): void {
    const el = this.el === 0 ? 1 : this.el;
    const sctlr = this.u[lo(Slot.SCTLR_EL1 + el - 1)];
    const m = sctlr & 1;
    const a = (sctlr >>> 1) & 1;
    this.mem.alignCheck = m === 0 || a === 1;
    if (m) this.warnOnce('mmu', 'the guest enabled stage 1 translation (SCTLR_ELx.M), which is not implemented yet: addresses stay physical');
  }

  warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    process.stderr.write(`a64emu: warning: ${message}\n`);
  }

  // ---- raising exceptions from executors ----------------------------------------------

  /** UNDEFINED: an exception with EC 0 to EL1 (or the current EL if higher). */
  undef(): never {
    throw this.exc.set(EC.UNKNOWN, 0);
  }

  /** A synchronous exception with the given class and ISS, returning to pc + retOffset. */
  raise(ec: number, iss: number, retOffset: number, targetEl = 0): never {
    throw this.exc.set(ec, iss, retOffset, targetEl);
  }

  /**
   * Takes the exception described by `exc` for the instruction at (pcLo, pcHi):
   * completes its syndrome and enters the vector (run loop only).
   */
  takeSync(pcLo: number, pcHi: number, insn: number): void {
    const e = this.exc;
    let target = e.targetEl || (this.el === 0 ? 1 : this.el);
    if (target < this.el) target = this.el;
    let ec = e.ec;
    let iss = e.iss;
    if (e.isDataAbort) iss |= dataAbortIss(insn, e.write);
    if (target > this.el) {
      if (ec === EC.DABORT_SAME) ec = EC.DABORT_LOWER;
      else if (ec === EC.IABORT_SAME) ec = EC.IABORT_LOWER;
    }
    let retLo = pcLo;
    let retHi = pcHi;
    if (e.retOffset) {
      retLo = (pcLo + e.retOffset) | 0;
      if (retLo >>> 0 < pcLo >>> 0) retHi = (retHi + 1) | 0;
    }
    this.exclValid = false;
    takeException(
      this,
      ExcKind.SYNC,
      target,
      esrOf(ec, e.il, iss),
      retLo,
      retHi,
      e.hasFar ? { lo: e.farLo, hi: e.farHi } : undefined,
    );
    this.contextChanged();
  }

  /** ERET: returns from an exception and clears the local monitor (Arm ARM D1.11). */
  eret(): void {
    this.exclValid = false;
    exceptionReturn(this, this.highestEl);
    this.contextChanged();
  }

  /** The system counter, read by the instruction at position `index` of the running block. */
  counterValue(index: number): bigint {
    return this.platform.counter ? this.platform.counter(this, this.icount + index) : 0n;
  }
}

/**
 * The instruction-specific part of a Data Abort's ISS (Arm ARM D17.2.37, ISS encoding for
 * an exception from a Data Abort): WnR, plus the instruction syndrome (ISV, SAS, SSE, SRT,
 * SF, AR) for single-register loads and stores without writeback, as QEMU reports it.
 */
export function dataAbortIss(insn: number, write: boolean): number {
  let iss = write ? 1 << 6 : 0;
  const op0 = (insn >>> 25) & 0xf;
  if ((op0 & 0b0101) !== 0b0100) return iss; // not a load/store
  const rt = insn & 31;
  const size = insn >>> 30;
  // LDR/STR (immediate unsigned offset, unscaled, register offset) of general registers.
  const isGprSingle =
    ((insn >>> 24) & 0x3f) === 0b111001 || // unsigned offset
    (((insn >>> 24) & 0x3f) === 0b111000 && ((insn >>> 10) & 3) === 0 && ((insn >>> 21) & 1) === 0) || // unscaled
    (((insn >>> 24) & 0x3f) === 0b111000 && ((insn >>> 10) & 3) === 2 && ((insn >>> 21) & 1) === 1) || // register
    (((insn >>> 24) & 0x3f) === 0b111000 && ((insn >>> 10) & 3) === 2 && ((insn >>> 21) & 1) === 0); // unprivileged
  const isAcqRel = ((insn >>> 24) & 0x3f) === 0b001000 && ((insn >>> 21) & 1) === 0 && ((insn >>> 23) & 1) === 1;
  if (isGprSingle || isAcqRel) {
    const opc = (insn >>> 22) & 3;
    let sse = 0;
    let sf = size === 3 ? 1 : 0;
    if (isGprSingle && opc >= 2) {
      if (size === 3) return iss; // PRFM, or unallocated
      sse = 1;
      sf = opc === 2 ? 1 : 0;
    }
    if (isGprSingle && opc === 0 && !write) iss |= 0; // store
    const ar = isAcqRel ? 1 : 0;
    iss |= (1 << 24) | (size << 22) | (sse << 21) | (rt << 16) | (sf << 15) | (ar << 14);
  }
  return iss;
}
