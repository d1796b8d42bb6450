// Exception entry and return: the one place every exception goes through, the equivalent
// of QEMU's arm_cpu_do_interrupt (Arm ARM D1.10 "Exception entry", pseudocode
// AArch64.TakeException and AArch64.ExceptionReturn).

import { CpuState, PSTATE_DIT, PSTATE_PAN, PSTATE_SSBS, PSTATE_UAO, Slot, SpsrBit, lo } from './state.js';
import { HcrEl2, HcrEl2Bit, Mdcr, ScrEl3 } from '../sysregs/bits.js';

/** Exception classes, ESR_ELx.EC (Arm ARM D17.2.37). */
export enum EC {
  UNKNOWN = 0x00,
  WFX = 0x01,
  FP_ACCESS = 0x07,
  ILLEGAL_STATE = 0x0e,
  SVC64 = 0x15,
  HVC64 = 0x16,
  SMC64 = 0x17,
  SYSREG = 0x18,
  IABORT_LOWER = 0x20,
  IABORT_SAME = 0x21,
  PC_ALIGN = 0x22,
  DABORT_LOWER = 0x24,
  DABORT_SAME = 0x25,
  SP_ALIGN = 0x26,
  SERROR = 0x2f,
  BRK64 = 0x3c,
}

/** Fault status codes, the DFSC/IFSC field of ESR_ELx (Arm ARM D17.2.37). */
export enum FSC {
  ADDR_SIZE_L0 = 0x00,
  TRANSLATION_L0 = 0x04,
  SYNC_EXTERNAL = 0x10,
  ALIGNMENT = 0x21,
}

export enum ExcKind {
  SYNC = 0,
  IRQ = 1,
  FIQ = 2,
  SERROR = 3,
}

/**
 * Observes exception entry (traces): called after an exception has been taken, with
 * ELR/SPSR/ESR/FAR of `targetEl` written and the PC at the vector. `hasFar`: FAR_ELx was
 * written. Only exceptions call it, so it costs nothing per instruction.
 */
export type ExceptionHook = (kind: ExcKind, fromEl: number, targetEl: number, hasFar: boolean) => void;

/**
 * A pending synchronous exception, filled in by whoever raises it and thrown to the run
 * loop, which knows the faulting instruction's address and calls {@link takeException}.
 * One instance per CPU is reused: raising allocates nothing.
 */
export class ExceptionRecord {
  ec = 0;
  /** ISS, the low 25 bits of ESR_ELx. */
  iss = 0;
  /** The instruction length bit: 1 for every A64 instruction. */
  il = 1;
  hasFar = false;
  farLo = 0;
  farHi = 0;
  /** Target exception level; 0 means "the default": EL1, or the current EL if higher. */
  targetEl = 0;
  /** Preferred return address relative to the instruction: 0 (retry) or 4 (next). */
  retOffset = 0;
  /** For aborts raised by the memory system: the access was a write (ESR ISS.WnR). */
  write = false;
  /** The abort came from the memory system; the run loop adds the instruction syndrome. */
  isDataAbort = false;
  /** A cache maintenance or AT instruction's abort (ESR ISS.CM). */
  cm = false;
  /** A stage 2 fault: HPFAR_EL2 gets `ipa`, data aborts carry the instruction syndrome. */
  stage2 = false;
  /** A stage 2 fault on a stage 1 translation table access (ESR ISS.S1PTW). */
  s1ptw = false;
  /** The faulting IPA of a stage 2 fault. */
  ipa = 0;

  set(ec: number, iss: number, retOffset = 0, targetEl = 0): this {
    this.ec = ec;
    this.iss = iss;
    this.il = 1;
    this.retOffset = retOffset;
    this.targetEl = targetEl;
    this.hasFar = false;
    this.isDataAbort = false;
    this.write = false;
    this.cm = false;
    this.stage2 = false;
    this.s1ptw = false;
    return this;
  }
}

/**
 * HCR_EL2.{E2H,TGE} = {1,1} (ELIsInHost(EL0), FEAT_VHE; E2H is RES0 without it), for an
 * exception taken to EL2 (so EL2 is enabled).
 */
const inHost = (cpu: CpuState): boolean =>
  (cpu.r[lo(Slot.HCR_EL2) + 1] & (1 << (HcrEl2Bit.E2H - 32))) !== 0 && (cpu.r[lo(Slot.HCR_EL2)] & HcrEl2.TGE) !== 0;

/** The vector offset of each exception kind within a group (Arm ARM D1.10.2). */
const KIND_OFFSET = [0x000, 0x080, 0x100, 0x180];

/**
 * Takes an exception to `targetEl`: saves PSTATE and the return address, writes the
 * syndrome and fault address, masks DAIF, selects SP_ELx and jumps to the vector.
 * `esr` is ignored for IRQ/FIQ. `retLo/retHi` is the preferred return address; FAR_ELx
 * is written when `far` has a fault address.
 */
export function takeException(
  cpu: CpuState,
  kind: ExcKind,
  targetEl: number,
  esr: number,
  retLo: number,
  retHi: number,
  far?: ExceptionRecord,
): void {
  const r = cpu.r;
  const fromEl = cpu.el;
  const spsr = cpu.spsrBits;
  const t = targetEl - 1;
  let vector = KIND_OFFSET[kind];
  if (targetEl > fromEl) vector += 0x400; // lower EL using AArch64
  else if (cpu.spsel) vector += 0x200; // current EL with SP_ELx

  cpu.selectSp(targetEl, 1);
  cpu.daif = 0xf;
  cpu.ss = 0;
  cpu.il = 0;
  // AArch64.TakeException: PAN is set on entry to EL1, and to EL2 with HCR_EL2.{E2H,TGE} =
  // {1,1} (FEAT_VHE: ELIsInHost(EL0)), when SCTLR_ELx.SPAN (bit 23) is 0 (kept otherwise); UAO
  // is cleared; SSBS takes SCTLR_ELx.DSSBS (bit 44); DIT is unchanged.
  const impl = cpu.pstateImpl;
  if (impl !== 0) {
    const sctlr = lo(Slot.SCTLR_EL1 + t);
    if ((impl & PSTATE_PAN) !== 0 && (targetEl === 1 || (targetEl === 2 && inHost(cpu))) && (r[sctlr] & (1 << 23)) === 0) cpu.pan = 1;
    cpu.uao = 0;
    if ((impl & PSTATE_SSBS) !== 0) cpu.ssbs = (r[sctlr + 1] >>> 12) & 1;
  }

  r[lo(Slot.SPSR_EL1 + t)] = spsr;
  r[lo(Slot.SPSR_EL1 + t) + 1] = 0;
  r[lo(Slot.ELR_EL1 + t)] = retLo;
  r[lo(Slot.ELR_EL1 + t) + 1] = retHi;
  if (kind === ExcKind.SYNC || kind === ExcKind.SERROR) {
    r[lo(Slot.ESR_EL1 + t)] = esr;
    r[lo(Slot.ESR_EL1 + t) + 1] = 0;
  }
  if (far?.hasFar) {
    r[lo(Slot.FAR_EL1 + t)] = far.farLo;
    r[lo(Slot.FAR_EL1 + t) + 1] = far.farHi;
  }
  const vb = lo(Slot.VBAR_EL1 + t);
  // VBAR_ELx bits [10:0] are RES0, so adding the offset never carries into the high word.
  r[lo(Slot.PC)] = (r[vb] & ~0x7ff) + vector;
  r[lo(Slot.PC) + 1] = r[vb + 1];
}

/**
 * ISS CV = 1, COND = 0b1110: ConditionSyndrome() for an AArch64 instruction, in the ISS of
 * the exceptions that report a condition (EC 0x01 WFx, EC 0x07 FP/SIMD access; Arm ARM D17.2.37).
 */
export const ISS_CV_COND_AL = (1 << 24) | (0xe << 20);

/**
 * HCR_EL2.TGE or MDCR_EL2.TDE is 1: with EL2Enabled(), debug exceptions from EL0/EL1 (BRK
 * included) are taken to EL2 (Arm ARM DebugTarget, AArch64.SoftwareBreakpoint).
 */
export const debugToEl2 = (r: Int32Array): boolean =>
  ((r[lo(Slot.HCR_EL2)] & HcrEl2.TGE) | (r[lo(Slot.MDCR_EL2)] & Mdcr.TDE)) !== 0;

/** ESR_ELx value from its fields. */
export const esrOf = (ec: number, il: number, iss: number): number =>
  ((ec << 26) | (il << 25) | (iss & 0x1ffffff)) >>> 0;

/**
 * ERET (Arm ARM pseudocode AArch64.ExceptionReturn): restores PSTATE from SPSR_ELx and
 * branches to ELR_ELx. An illegal return (to a higher or unimplemented EL, to AArch32, or
 * to EL0 with SP_ELx, or to EL1 while EL2 is enabled with HCR_EL2.TGE = 1) keeps the EL and
 * sets PSTATE.IL (D1.11.5 "Illegal return events"; QEMU 7.2 agrees: tests/images/exc).
 * `el2`: EL2 is implemented (it may be absent below EL3). With EL3, a return to EL2 in
 * Secure state (SCR_EL3.NS = 0) is illegal: there is no Secure EL2. SCR_EL3.RW and
 * HCR_EL2.RW are RAO/WI (no AArch32 at any lower EL), so they never select AArch32.
 */
export function exceptionReturn(cpu: CpuState, highestEl: number, el2 = highestEl >= 2): void {
  const r = cpu.r;
  const t = cpu.el - 1;
  const spsr = r[lo(Slot.SPSR_EL1 + t)] >>> 0;
  const elrLo = r[lo(Slot.ELR_EL1 + t)];
  const elrHi = r[lo(Slot.ELR_EL1 + t) + 1];
  const m = spsr & 0x1f;
  const newEl = (m >>> 2) & 3;
  const newSp = m & 1;
  const illegal =
    (m & 0x10) !== 0 || // AArch32 is not implemented
    (m & 2) !== 0 || // M[1] is reserved in AArch64
    newEl > cpu.el ||
    newEl > highestEl ||
    (newEl === 0 && newSp === 1) ||
    (newEl === 2 && (!el2 || (highestEl === 3 && (r[lo(Slot.SCR_EL3)] & ScrEl3.NS) === 0))) ||
    (newEl === 3 && highestEl < 3) ||
    // To EL1 while EL2 is enabled and HCR_EL2.TGE is 1 (IllegalExceptionReturn()).
    (newEl === 1 && el2 && (r[lo(Slot.HCR_EL2)] & HcrEl2.TGE) !== 0 &&
      (highestEl < 3 || (r[lo(Slot.SCR_EL3)] & ScrEl3.NS) !== 0));
  // SetPSTATEFromPSR: SS per DebugExceptionReturnSS; NZCV, DAIF and PAN are restored even by
  // an illegal return; UAO, DIT and SSBS only by a legal one (an illegal one makes them UNKNOWN: unchanged here, as
  // QEMU 7.2). QEMU 7.2 keeps PAN too on an illegal return; a64emu follows the Arm ARM.
  const impl = cpu.pstateImpl;
  cpu.ss = returnSs(cpu, spsr, illegal ? cpu.el : newEl, highestEl, el2);
  cpu.nzcv = spsr & 0xf0000000;
  cpu.daif = (spsr >>> 6) & 0xf;
  if ((impl & PSTATE_PAN) !== 0) cpu.pan = (spsr >>> SpsrBit.PAN) & 1;
  if (illegal) {
    cpu.il = 1;
  } else {
    cpu.il = (spsr >>> SpsrBit.IL) & 1;
    if ((impl & PSTATE_UAO) !== 0) cpu.uao = (spsr >>> SpsrBit.UAO) & 1;
    if ((impl & PSTATE_DIT) !== 0) cpu.dit = (spsr >>> SpsrBit.DIT) & 1;
    if ((impl & PSTATE_SSBS) !== 0) cpu.ssbs = (spsr >>> SpsrBit.SSBS) & 1;
    cpu.selectSp(newEl, newSp);
  }
  r[lo(Slot.PC)] = elrLo;
  r[lo(Slot.PC) + 1] = elrHi;
}

/**
 * PSTATE.SS after an exception return to `destEl` (Arm ARM J1, DebugExceptionReturnSS):
 * SPSR.SS only when MDSCR_EL1.SS is 1 and debug exceptions are disabled at the source (the
 * current PSTATE) and enabled at the destination (with SPSR.D); 0 otherwise. QEMU 7.2 agrees
 * (helper_exception_return). Called before PSTATE is changed.
 */
function returnSs(cpu: CpuState, spsr: number, destEl: number, highestEl: number, el2: boolean): number {
  if (((spsr >>> SpsrBit.SS) & 1) === 0 || (cpu.r[lo(Slot.MDSCR_EL1)] & 1) === 0) return 0;
  const atSource = debugExceptionsFrom(cpu, cpu.el, (cpu.daif >>> 3) & 1, highestEl, el2);
  const atDest = debugExceptionsFrom(cpu, destEl, (spsr >>> 9) & 1, highestEl, el2);
  return !atSource && atDest ? 1 : 0;
}

/**
 * AArch64.GenerateDebugExceptionsFrom (Arm ARM J1): debug exceptions are generated at `fromEl`
 * (with PSTATE.D = `mask`). Not with the OS Lock set or the OS Double Lock in effect
 * (DoubleLockStatus: OSDLR_EL1.DLK = 1 and DBGPRCR_EL1.CORENPDRQ = 0); the debug target is EL2 when EL2 is enabled
 * and HCR_EL2.TGE or MDCR_EL2.TDE is 1, else EL1; Secure state needs MDCR_EL3.SDD = 0.
 */
function debugExceptionsFrom(cpu: CpuState, fromEl: number, mask: number, highestEl: number, el2: boolean): boolean {
  const r = cpu.r;
  const doubleLock = (r[lo(Slot.OSDLR_EL1)] & 1) !== 0 && (r[lo(Slot.DBGPRCR_EL1)] & 1) === 0;
  if ((r[lo(Slot.OSLSR_EL1)] & 2) !== 0 || doubleLock) return false;
  const secure = highestEl === 3 && (fromEl === 3 || (r[lo(Slot.SCR_EL3)] & ScrEl3.NS) === 0);
  if (secure && (r[lo(Slot.MDCR_EL3)] & Mdcr.SDD) !== 0) return false;
  const toEl2 = el2 && !secure && debugToEl2(r);
  const target = toEl2 ? 2 : 1;
  if (fromEl === target) return (r[lo(Slot.MDSCR_EL1)] & (1 << 13)) !== 0 && mask === 0;
  return target > fromEl;
}
