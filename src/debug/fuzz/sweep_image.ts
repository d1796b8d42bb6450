// The sweep image: every MRS and every MSR encoding (op0 = 2 and 3, all op1/CRn/CRm/op2:
// 32768 each) executed at each EL of a start mode, for `a64emu sweep` (sweep.ts); or, by
// SweepMode.space, every SYSL/SYS (op0 = 1) or every op0 = 0 encoding (sysBlock, pstateBlock).
//
// One block of sweep code serves every phase (a phase: one EL, and for EL1/EL0 below EL3
// one Security state). Per encoding it runs
//     MOV X22, #0; MOV X1, #0; MRS X1, <enc>; STP X22, X1, [X20], #16
//     MOV X22, #0; MSR <enc>, X1; STR X22, [X20], #8
// so the MSR writes back the value the MRS just read (0 when the MRS did not complete:
// write-only registers get 0), and each encoding leaves 24 bytes: the MRS status, the value
// read, the MSR status. A status is 0 when the instruction completed, else the ESR of the
// exception | target EL << 56 | vector kind << 52 (0 sync, 1 IRQ, 2 FIQ, 3 SError): each
// EL's vectors record it in X22 and return past the instruction. The block ends with
// UDF #0 (its address in X24): the vector that takes it climbs back to the driver at the
// top EL (X25 = 1, then HVC or SMC from below), which enters the next phase by ERET.
// The sweep code and the vectors use X1, X20, X21 and X22-X25 (the driver also X0-X6, X26, X27;
// X19 holds the phase's SPSR; the sys space uses X2, X3, the pstate space X7);
// the stack pointer is never used. At the end the
// result area goes to the host with semihosting SYS_WRITE on ":tt", then SYS_EXIT.

import { A, Asm } from './asm.js';
import { makeElf } from '../../machine/elf.js';
import { IMAGE_BASE, REPORT_DATA_SIZE, emitReport, reportData } from './image.js';

/** Encodings per instruction: op0 (2) x op1 (8) x CRn (16) x CRm (16) x op2 (8). */
export const ENCODINGS = 32768;

/**
 * The encoding space a sweep executes:
 * - sysreg: MRS and MSR, op0 2 and 3 (32768 encodings); record [MRS status, value, MSR status].
 * - sys: SYSL and SYS, op0 1 (op1/CRn/CRm/op2: 16384); record [SYSL status, PAR_EL1 after
 *   the SYS (cleared before it), SYS status]. Xt of SYS: 0 (level 1, set 0, way 0) for the
 *   DC set/way operations, else the scratch block (SCRATCH), which nothing else uses.
 * - pstate: op0 0 with Rt = 31 (MSR (immediate), hints, barriers: 16384); record [status,
 *   PSTATE after it (the SPSR of an SVC that follows), the SVC's status]. The SVC's vector
 *   puts the phase's PSTATE back (SPSR_ELx = X19), so each case starts from the same PSTATE.
 *   WFE, WFI, WFET and WFIT (they may wait for ever) run as NOP instead.
 */
export type SweepSpace = 'sysreg' | 'sys' | 'pstate';
export const SPACES: readonly SweepSpace[] = ['sysreg', 'sys', 'pstate'];
/** Encodings a space has. */
export const encodingsIn = (space: SweepSpace): number => (space === 'sysreg' ? ENCODINGS : 16384);
/** op1/CRn/CRm/op2 of index i of the sys and pstate spaces (op1, CRn, CRm, op2 ascending). */
export function sysEncodingOf(i: number): { op1: number; crn: number; crm: number; op2: number } {
  return { op1: (i >> 11) & 7, crn: (i >> 7) & 15, crm: (i >> 3) & 15, op2: i & 7 };
}
/** WFE, WFI (HINT #2, #3), WFET, WFIT (op1 3, CRn 1, CRm 0, op2 0/1): not executed. */
const skippedInPstate = (i: number): boolean => i === 0x1902 || i === 0x1903 || i === 0x1880 || i === 0x1881;
/** DC ISW/CSW/CISW and the MTE IGSW/IGDSW/CGSW/CGDSW/CIGSW/CIGDSW: Xt is a set/way. */
function isSetWay(i: number): boolean {
  const e = sysEncodingOf(i);
  return e.op1 === 0 && e.crn === 7 && (e.crm === 6 || e.crm === 10 || e.crm === 14) && (e.op2 & 1) === 0 && e.op2 !== 0;
}
/** The scratch block of the sys space: 64 KiB of RAM after the results, aligned to 64 KiB. */
const scratchAfter = (end: number): number => Math.ceil(end / 0x10000) * 0x10000;
/** Result bytes per encoding: MRS status, value, MSR status. */
export const RECORD = 24;
const COND_EQ = 0;
/** Words of sweep code per encoding. */
const WORDS = 7;

/** The encoding with index i (op0 2 first; then op1, CRn, CRm, op2 ascending). */
export function encodingOf(i: number): { op0: number; op1: number; crn: number; crm: number; op2: number } {
  return { op0: 2 + ((i >> 14) & 1), op1: (i >> 11) & 7, crn: (i >> 7) & 15, crm: (i >> 3) & 15, op2: i & 7 };
}
/** Bits [19:5] of MRS/MSR for encoding index i (o0 = op0 - 2 is bit 19). */
const encBits = (i: number): number => i << 5;

export interface Phase {
  readonly el: 0 | 1 | 2 | 3;
  /** Secure state (only below EL3 with EL3: SCR_EL3.NS = 0). */
  readonly secure: boolean;
}

/** e.g. EL1, EL0, EL1-S (Secure EL1 with EL3). */
export const phaseName = (p: Phase): string => `EL${p.el}${p.secure ? '-S' : ''}`;

export interface SweepMode {
  /** Start mode as VirtMachine/QEMU: 1, 2 (virtualization=on), 3 (secure=on). */
  readonly el: 1 | 2 | 3;
  /** With el 3: EL2 as well (secure=on,virtualization=on). */
  readonly el2: boolean;
  /**
   * Control registers the driver writes at the top EL before the first phase (trap controls:
   * `a64emu sweep --set`), as MSR encodings (bits [19:5]). HCR_EL2 keeps RW set and SCR_EL3
   * is ORed into each phase's value (NS stays the phase's).
   */
  readonly set?: readonly { readonly enc: number; readonly value: bigint }[];
  /** The encodings swept (default sysreg: MRS/MSR). */
  readonly space?: SweepSpace;
}

export const modeName = (m: SweepMode): string => (m.el === 3 && m.el2 ? 'el3+el2' : `el${m.el}`);
export const spaceOf = (m: SweepMode): SweepSpace => m.space ?? 'sysreg';

/**
 * The phases of a mode, top EL first: every EL it has, and with EL3 the Non-secure EL1/EL0
 * (as an OS runs) and the Secure EL1/EL0.
 */
export function phasesOf(m: SweepMode): Phase[] {
  const ns = (el: 0 | 1 | 2 | 3): Phase => ({ el, secure: false });
  if (m.el === 1) return [ns(1), ns(0)];
  if (m.el === 2) return [ns(2), ns(1), ns(0)];
  const out = [ns(3)];
  if (m.el2) out.push(ns(2));
  out.push(ns(1), ns(0), { el: 1, secure: true }, { el: 0, secure: true });
  return out;
}

/** MRS/MSR of the per-EL exception registers (op1 = 0/4/6 for EL1/2/3: Arm ARM C5.3). */
const ELR = (el: number): number => sysenc(3, [0, 0, 4, 6][el], 4, 0, 1);
const ESR = (el: number): number => sysenc(3, [0, 0, 4, 6][el], 5, 2, 0);
const SPSR = (el: number): number => sysenc(3, [0, 0, 4, 6][el], 4, 0, 0);
const VBAR = (el: number): number => sysenc(3, [0, 0, 4, 6][el], 12, 0, 0);
export const HCR_EL2 = sysenc(3, 4, 1, 1, 0);
export const SCR_EL3 = sysenc(3, 6, 1, 1, 0);
function sysenc(op0: number, op1: number, crn: number, crm: number, op2: number): number {
  return ((op0 & 1) << 19) | (op1 << 16) | (crn << 12) | (crm << 8) | (op2 << 5);
}
const mrs = (t: number, enc: number): number => (0xd5300000 | enc | t) >>> 0;
const msr = (enc: number, t: number): number => (0xd5100000 | enc | t) >>> 0;
/** ORR Xd, Xn, #(ones 1s at bit lsb) (a 64-bit bitmask immediate: N = 1). */
const orrOnes = (d: number, n: number, lsb: number, ones: number): number =>
  (0xb2400000 | (((64 - lsb) % 64) << 16) | ((ones - 1) << 10) | (n << 5) | d) >>> 0;
/** ORR Xd, Xn, #value for a value that is one run of ones. */
function orrImm(d: number, n: number, value: bigint): number {
  let lsb = 0;
  while (((value >> BigInt(lsb)) & 1n) === 0n) lsb++;
  let ones = 0;
  while (((value >> BigInt(lsb + ones)) & 1n) === 1n) ones++;
  if (value !== ((1n << BigInt(ones)) - 1n) << BigInt(lsb)) throw new Error(`not one run of ones: ${value}`);
  return orrOnes(d, n, lsb, ones);
}
/** AND Xd, Xn, #(ones 1s at bit lsb). */
const andOnes = (d: number, n: number, lsb: number, ones: number): number =>
  (0x92400000 | (((64 - lsb) % 64) << 16) | ((ones - 1) << 10) | (n << 5) | d) >>> 0;
/** ORR Xd, Xn, Xm. */
const orrReg = (d: number, n: number, m: number): number => (0xaa000000 | (m << 16) | (n << 5) | d) >>> 0;
/** CMP Xn, X24 (SUBS XZR, Xn, X24). */
const cmpX24 = (n: number): number => (0xeb18001f | (n << 5)) >>> 0;
const cbnz = (t: number, off: number): number => (0xb5000000 | (((off >> 2) & 0x7ffff) << 5) | t) >>> 0;
/** STR Xt, [Xn], #imm (post-index). */
const strPost = (t: number, n: number, imm: number): number => (0xf8000400 | ((imm & 0x1ff) << 12) | (n << 5) | t) >>> 0;
const HVC0 = 0xd4000002;
const SMC0 = 0xd4000003;
const UDF0 = 0x00000000;
const MOV_X25_1 = A.movz(25, 1);
/** SPSR.M for ELxh (EL0t for EL0), DAIF masked: no interrupt is ever taken. */
export const spsrFor = (el: number): number => 0x3c0 | (el === 0 ? 0 : (el << 2) | 1);
const SCR_NS = 1n;
const SCR_RW = 1n << 10n;
const HCR_RW = 1n << 31n;

export interface SweepImage {
  readonly elf: Uint8Array;
  readonly phases: readonly Phase[];
  /** Result bytes: phases x encodingsIn(space) x RECORD. */
  readonly resultBytes: number;
}

/** The image for `mode`. */
export function buildSweepImage(mode: SweepMode): SweepImage {
  const space = spaceOf(mode);
  const n = encodingsIn(space);
  const words = space === 'sysreg' ? WORDS : space === 'sys' ? SYS_WORDS : PSTATE_WORDS;
  const top = mode.el;
  const hasEl2 = mode.el === 2 || mode.el2;
  const phases = phasesOf(mode);
  const a = new Asm(IMAGE_BASE);
  a.label('start');
  // Every EL's vectors; lower ELs AArch64 (HCR_EL2.RW, SCR_EL3.RW: QEMU resets them to 0).
  for (let el = 1; el <= top; el++) {
    if (el === 2 && !hasEl2) continue;
    a.ref(`vectors${el}`, (o) => A.adr(0, o));
    a.emit(msr(VBAR(el), 0));
  }
  if (hasEl2) a.emit(mrs(0, HCR_EL2), orrImm(0, 0, HCR_RW), msr(HCR_EL2, 0));
  // X27: SCR_EL3 as reset, with RW set and NS clear; each phase ORs in its NS.
  if (top === 3) a.emit(mrs(27, SCR_EL3), andOnes(27, 27, 1, 63), orrImm(27, 27, SCR_RW));
  for (const { enc, value } of mode.set ?? []) {
    for (let hw = 0; hw < 4; hw++) a.emit((hw === 0 ? A.movz : A.movk)(0, Number((value >> BigInt(16 * hw)) & 0xffffn), hw));
    if (enc === SCR_EL3) a.emit(orrReg(27, 27, 0), andOnes(27, 27, 1, 63));
    else a.emit(...(enc === HCR_EL2 ? [orrImm(0, 0, HCR_RW)] : []), msr(enc, 0));
  }
  a.ref('phases', (o) => A.adr(26, o));
  a.emit(A.ldr(24, 26, 0), A.addImm(26, 26, 8));
  // The next phase: [SPSR, results, SCR_EL3.NS, code] (SPSR 0: done).
  a.label('next');
  a.emit(A.ldpPost(3, 4, 26, 16));
  a.ref('done', (o) => A.cbz(3, o));
  a.emit(A.ldpPost(5, 6, 26, 16));
  if (top === 3) a.emit(orrReg(5, 5, 27), msr(SCR_EL3, 5));
  // X19: the phase's PSTATE, which the pstate space's vectors restore.
  a.emit(msr(SPSR(top), 3), msr(ELR(top), 6), A.addImm(20, 4, 0), A.movz(25, 0), A.movz(1, 0), A.addImm(19, 3, 0), A.eret);

  a.label('done');
  emitReport(a);

  for (let el = 1; el <= top; el++) {
    if (el === 2 && !hasEl2) continue;
    a.alignTo(0x800);
    a.label(`vectors${el}`);
    for (let v = 0; v < 16; v++) {
      const kind = v & 3;
      if (el === top) a.ref('next', (o) => cbnz(25, o)); // a lower EL's phase has ended
      // EL1's vectors use X23, EL2's and EL3's X21: an access of a vector trapped to a higher
      // EL (ESR_EL1 with HCR_EL2.TRVM) must not clobber the lower vector's return address.
      const x = el === 1 ? 23 : 21;
      a.emit(mrs(x, ELR(el)), cmpX24(x));
      a.ref(`end${el}`, (o) => A.bcond(COND_EQ, o));
      a.emit(mrs(22, ESR(el)), orrImm(22, 22, BigInt(el) << 56n));
      if (kind !== 0) a.emit(orrImm(22, 22, BigInt(kind) << 52n));
      // An interrupt's ELR is already the next instruction.
      if (kind === 0) a.emit(A.addImm(x, x, 4), msr(ELR(el), x));
      // pstate: X7 = PSTATE before the exception; return with the phase's (SVC; NOP: the +4 skips the NOP).
      if (kind === 0 && space === 'pstate') a.emit(mrs(7, SPSR(el)), msr(SPSR(el), 19));
      a.emit(A.eret);
      a.alignTo(0x80);
    }
    a.label(`end${el}`);
    if (el === top) a.ref('next', (o) => A.b(o));
    // Climb: from EL1 to EL2 by HVC when EL2 is the top, else by SMC to EL3 (SCR_EL3.SMD and
    // HCR_EL2.TSC are 0); the top EL's vector sees X25 = 1.
    else a.emit(MOV_X25_1, el === 1 && top === 2 ? HVC0 : SMC0);
  }

  const dataStart = Math.ceil(a.pc / 16) * 16;
  const report = reportData(a, dataStart);
  const table = dataStart + REPORT_DATA_SIZE;
  const code = Math.ceil((table + 8 + 32 * (phases.length + 1)) / 0x1000) * 0x1000;
  const endMark = code + 4 * words * n;
  const results = Math.ceil((endMark + 4) / 0x1000) * 0x1000;
  const resultBytes = phases.length * n * RECORD;
  const scratch = scratchAfter(results + resultBytes);
  a.define('phases', table);
  const driver = a.finish();
  if (IMAGE_BASE + 4 * driver.length > dataStart) throw new Error('sweep driver overlaps its data');

  const mem = new Uint8Array(results - IMAGE_BASE);
  const dv = new DataView(mem.buffer);
  const put32 = (addr: number, v: number): void => dv.setUint32(addr - IMAGE_BASE, v >>> 0, true);
  const put64 = (addr: number, v: bigint): void => dv.setBigUint64(addr - IMAGE_BASE, v, true);
  driver.forEach((w, i) => put32(IMAGE_BASE + 4 * i, w));
  report(mem, results, resultBytes);
  put64(table, BigInt(endMark));
  phases.forEach((p, k) => {
    const t = table + 8 + 32 * k;
    put64(t, BigInt(spsrFor(p.el)));
    put64(t + 8, BigInt(results + k * n * RECORD));
    // Lower ELs in AArch64; Non-secure unless the phase is Secure.
    put64(t + 16, p.secure ? 0n : SCR_NS);
    put64(t + 24, BigInt(code));
  });
  for (let i = 0; i < n; i++) {
    const pc = code + 4 * words * i;
    const e = encBits(i);
    const block =
      space === 'sysreg'
        ? [A.movz(22, 0), A.movz(1, 0), mrs(1, e), A.stpPost(22, 1, 20, 16), A.movz(22, 0), msr(e, 1), strPost(22, 20, 8)]
        : space === 'sys'
          ? sysBlock(i, isSetWay(i) ? 0 : scratch)
          : pstateBlock(i);
    if (block.length !== words) throw new Error('sweep: block size');
    block.forEach((w, j) => put32(pc + 4 * j, w));
  }
  put32(endMark, UDF0);
  const elf = makeElf({
    dataOffset: 0x1000,
    segments: [{ paddr: IMAGE_BASE, data: mem, memsz: (space === 'sys' ? scratch + 0x10000 : results + resultBytes) - IMAGE_BASE, flags: 7, align: 0x1000 }],
  });
  return { elf, phases, resultBytes };
}

const PAR_EL1 = sysenc(3, 0, 7, 4, 0);
/** Words per encoding of the sys space (sysBlock). */
const SYS_WORDS = 12;
/**
 * SYSL X1, <enc>; then PAR_EL1 = 0, SYS <enc>, X2 (X2 = xt), PAR_EL1 read into X3. The MSR
 * and MRS of PAR_EL1 are UNDEFINED at EL0 (X3 stays 0), so the SYS status is kept in X1.
 */
function sysBlock(i: number, xt: number): number[] {
  const e = (i << 5) >>> 0;
  return [
    A.movz(22, 0), A.movz(1, 0), (0xd5280000 | e | 1) >>> 0 /* SYSL X1 */, strPost(22, 20, 8),
    A.movz(2, xt >>> 16, 1), msr(PAR_EL1, 31), A.movz(22, 0), (0xd5080000 | e | 2) >>> 0 /* SYS X2 */,
    orrReg(1, 31, 22), A.movz(3, 0), mrs(3, PAR_EL1), A.stpPost(3, 1, 20, 16),
  ];
}
/** Words per encoding of the pstate space (pstateBlock). */
const PSTATE_WORDS = 7;
const SVC0 = 0xd4000001;
/** The op0 = 0 instruction with Rt = 31 (NOP if skippedInPstate), then SVC #0; NOP. */
function pstateBlock(i: number): number[] {
  const insn = skippedInPstate(i) ? A.nop : (0xd500001f | (i << 5)) >>> 0;
  return [A.movz(22, 0), insn, strPost(22, 20, 8), A.movz(7, 0), SVC0, A.nop, A.stpPost(7, 22, 20, 16)];
}
