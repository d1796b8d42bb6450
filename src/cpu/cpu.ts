// One AArch64 PE: its state, its view of memory, its feature set, and the hooks through
// which the board answers what the architecture leaves to the platform (semihosting,
// PSCI calls, the system counter). Nothing here knows about a particular device.

import type { Defect } from './defects.js';
import { CpuState, PSTATE_DIT, PSTATE_PAN, PSTATE_SSBS, PSTATE_UAO, Slot, lo } from './state.js';
import { EC, ExceptionRecord, ExcKind, esrOf, exceptionReturn, takeException, type ExceptionHook } from './exception.js';
import { Memory, type PhysBus } from '../mmu/memory.js';
import type { CpuModel } from './models.js';
import { resetSysregs } from '../sysregs/table.js';
import { el2Enabled } from '../sysregs/access.js';
import { HcrEl2 } from '../sysregs/bits.js';
import { Line, PHYSICAL_LINES, VIRTUAL_LINES, virtualLinesOf } from './interrupts.js';
import { pmuElChange } from '../sysregs/pmu.js';
import { lsInstructionSyndrome } from './insns/ldst.js';
import { fpAccessAllowed } from './fptrap.js';

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
  /** Virtual time per instruction, 2^icountShift ns (-icount shift): the PMU's 1 GHz cycles. */
  readonly icountShift?: number;
  /** Where the CPU's warnings go (default: stderr), so the board can keep them in order. */
  warn?(message: string): void;
}

/** Why `run` returned. */
export type StopReason =
  | { kind: 'exit'; code: number }
  | { kind: 'poweroff' }
  | { kind: 'reset' }
  | { kind: 'limit' };

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

  /**
   * The Event Register (Arm ARM D1.6.1): set by SEV/SEVL and by an exception return; a WFE
   * finding it set clears it and completes without waiting.
   */
  event = 0;
  /** CNTFRQ_EL0: the platform's counter frequency at reset. */
  cntfrq = 0n;
  /** Set whenever decoded blocks may be stale (code written, translation changed). */
  flushBlocks = false;
  /** Test-only: an instruction broken on purpose (see defects.ts); null in every real run. */
  defect: Defect | null = null;
  /**
   * Called after every exception entry (src/debug/trace.ts); null unless tracing. Whoever
   * adds another way into takeException (interrupts) calls it too.
   */
  onException: ExceptionHook | null = null;
  /**
   * The interrupt inputs (interrupts.ts, Line): physical IRQ/FIQ/SError levels set by the
   * board, and the virtual ones HCR_EL2.VI/VF/VSE raise. The run loop tests it once per
   * block; nonzero means something is pending, masked or not.
   */
  irqLines = 0;
  /** The ISS (ESR_ELx[24:0]) reported with the physical SError line. */
  serrorIss = 0;
  /**
   * No FP/SIMD access trap applies at the current EL (fptrap.ts, fpAccessAllowed), kept by
   * contextChanged; FP/SIMD executors call checkFpAccess only when it is false.
   */
  fpEnabled = false;
  private readonly warned = new Set<string>();

  constructor(
    bus: PhysBus,
    readonly model: CpuModel,
    readonly platform: Platform = {},
  ) {
    super();
    const f = model.features;
    this.pstateImpl =
      (f.PAN ? PSTATE_PAN : 0) | (f.UAO ? PSTATE_UAO : 0) | (f.DIT ? PSTATE_DIT : 0) | (f.SSBS ? PSTATE_SSBS : 0);
    this.mem = new Memory(bus, this.exc);
    this.mem.attach(this);
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
    this.event = 0;
    // NZCV is UNKNOWN at reset; QEMU's reset state has Z set, and QEMU is the reference.
    this.z = 1;
    this.cntfrq = BigInt(this.platform.counterFrequency ?? 0);
    // The cpreg table's stored registers (SCTLR_EL1: the model's value, CSSELR_EL1, ...).
    resetSysregs(this);
    this.flushBlocks = true;
    this.contextChanged();
  }

  // ---- interrupt inputs (level-sensitive; for the GIC and the timers) -------------------

  /** Sets or clears the physical IRQ input. */
  setIrq(level: boolean): void {
    this.irqLines = level ? this.irqLines | Line.IRQ : this.irqLines & ~Line.IRQ;
  }

  /** Sets or clears the physical FIQ input. */
  setFiq(level: boolean): void {
    this.irqLines = level ? this.irqLines | Line.FIQ : this.irqLines & ~Line.FIQ;
  }

  /** Sets or clears the physical SError input; `iss` is the syndrome it reports (ESR_ELx[24:0]). */
  setSError(level: boolean, iss = 0): void {
    this.irqLines = level ? this.irqLines | Line.SERROR : this.irqLines & ~Line.SERROR;
    this.serrorIss = iss & 0x1ffffff;
  }

  /** Re-derives the virtual interrupt lines from HCR_EL2.VI/VF/VSE (after a write to it). */
  hcrChanged(): void {
    const v = this.model.features.EL2 ? virtualLinesOf(this.r[lo(Slot.HCR_EL2)]) : 0;
    this.irqLines = (this.irqLines & PHYSICAL_LINES) | (v & VIRTUAL_LINES);
  }

  /**
   * Re-derives what the memory system, the interrupt lines and the FP/SIMD access check need
   * after SCTLR, HCR_EL2, SCR_EL3, CPACR_EL1, CPTR_EL2/EL3, the EL or PSTATE.PAN/UAO changed
   * (exception entry, ERET, MSR; also after raw writes of such registers, TTBR/TCR/MAIR and
   * the stage 2 registers): the memory system re-derives its translation context and
   * empties its fast TLB.
   */
  contextChanged(): void {
    this.hcrChanged();
    this.fpEnabled = fpAccessAllowed(this);
    this.mem.contextChanged();
  }

  warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    if (this.platform.warn) this.platform.warn(message);
    else process.stderr.write(`a64emu: warning: ${message}\n`);
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
    else if (target === 1 && this.el === 0 && this.tgeRoutes()) target = 2;
    let ec = e.ec;
    let iss = e.iss;
    if (e.isDataAbort) {
      iss |= dataAbortIss(insn, e.write);
      if (e.cm) iss |= (1 << 8) | (1 << 6);
      // ISV and the instruction syndrome: stage 2 faults only, not on the stage 1 walk
      // (AArch64.FaultSyndrome). QEMU 7.2 gives it to every abort taken to EL2; 8.0 and
      // the Arm ARM only to stage 2 ones.
      if (e.stage2 && !e.s1ptw) iss |= lsInstructionSyndrome(insn);
    }
    if (e.s1ptw) iss |= 1 << 7;
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
    const from = this.el;
    pmuElChange(this, this.icount);
    takeException(this, ExcKind.SYNC, target, esrOf(ec, e.il, iss), retLo, retHi, e);
    // HPFAR_EL2.FIPA (bits [43:4]) = IPA[51:12] of a stage 2 fault (Arm ARM D17.2, HPFAR_EL2).
    if (e.stage2 && target === 2) this.x[Slot.HPFAR_EL2] = BigInt(Math.floor(e.ipa / 4096)) << 4n;
    this.contextChanged();
    if (this.onException !== null) this.onException(ExcKind.SYNC, from, target, e.hasFar);
  }

  /**
   * HCR_EL2.TGE with EL2 enabled: synchronous exceptions from EL0 that would be taken to EL1
   * are taken to EL2 (Arm ARM D1.10.4, "Routing when HCR_EL2.TGE is 1"; interrupts.ts routes
   * the asynchronous ones).
   */
  private tgeRoutes(): boolean {
    return (this.u[lo(Slot.HCR_EL2)] & HcrEl2.TGE) !== 0 && el2Enabled(this);
  }

  /**
   * ERET: returns from an exception and clears the local monitor (Arm ARM D1.11).
   * `retired`: the instructions retired by the end of the ERET, which counts at the old EL
   * (PMU); the ERET executor passes icount + its index in the block + 1.
   */
  eret(retired = this.icount): void {
    this.exclValid = false;
    this.event = 1;
    pmuElChange(this, retired);
    exceptionReturn(this, this.highestEl, this.model.features.EL2);
    this.contextChanged();
  }

  /** The system counter, read by the instruction at position `index` of the running block. */
  counterValue(index: number): bigint {
    return this.platform.counter ? this.platform.counter(this, this.icount + index) : 0n;
  }
}

/**
 * The instruction-specific part of a Data Abort's ISS (Arm ARM D17.2.37, "ISS encoding for
 * an exception from a Data Abort"), for the aborts this emulator raises: stage 1 (or
 * untranslated) aborts taken to EL1..EL3.
 *
 * - ISV (and SAS, SSE, SRT, SF, AR) is 0: the pseudocode AArch64.FaultSyndrome fills
 *   ISS[24:14] from LSInstructionSyndrome() only for stage 2 faults (not on a stage 1
 *   walk), and QEMU 7.2 likewise sets it only for aborts routed to EL2
 *   (merge_syn_data_abort). When stage 2 arrives, its abort path ORs in
 *   lsInstructionSyndrome(insn) (insns/ldst.ts), which knows which instructions have one.
 * - WnR (bit 6) is 1 when the faulting access was a write. Instructions that both read and
 *   write (the FEAT_LSE atomics, SWP, CAS, CASP) report 0 if a read of the address would
 *   have faulted: their executors read first, so `write` already says which access failed.
 * - CM (bit 8) with WnR = 1 for cache maintenance by VA and address translation (SYS with
 *   CRn = 7, except DC ZVA, which is an ordinary write).
 */
export function dataAbortIss(insn: number, write: boolean): number {
  // SYS #op1, C7, Cm, #op2: 1101010100 0 01 op1:3 0111 CRm:4 op2:3 Rt:5
  if ((insn & 0xfff8f000) >>> 0 === 0xd5087000 && (insn & 0x0007ffe0) >>> 0 !== 0x00037420) {
    return (1 << 8) | (1 << 6);
  }
  return write ? 1 << 6 : 0;
}
