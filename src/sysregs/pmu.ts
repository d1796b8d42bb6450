// The Performance Monitors Extension, PMUv3 (Arm ARM D11 "The Performance Monitors
// Extension", registers D17.5), as QEMU 7.2 gives it to cortex-a57, cortex-a72 and max:
// PMCR_EL0.N = 6 event counters and the cycle counter. On max, PMUv3p5 as QEMU 7.2 (feature
// PMUV3P5): MDCR_EL2.HPMD, PMMIR_EL1, 64-bit event counters, MDCR_EL2.HCCD/MDCR_EL3.SCCD.
//
// Counting model. A cycle is 1 ns of virtual time: QEMU's cycle counter runs at 1 GHz of its
// virtual clock (ARM_CPU_FREQ), which with -icount shift=N advances 2^N ns per instruction,
// and a64emu's clock is that one (docs/ARCHITECTURE.md, "Timekeeping"; Platform.icountShift).
// The counters are derived from cpu.icount, never stepped: PMU_ANCHOR holds the instruction
// count they were last brought up to, and every access to a PMU register first brings them up
// to its own position (`sync`): a counter that counts gains the instructions retired since
// the anchor (their cycles for the cycle counter and CPU_CYCLES).
// So the enabling MSR is counted and a reading MRS is not. Nothing runs per instruction.
//
// Events (PMCEID0_EL0): SW_INCR (0x00, PMSWINC_EL0), INST_RETIRED (0x08) and CPU_CYCLES
// (0x11), 2^shift per instruction (QEMU 7.2 observed: -icount shift=2 counts 4 cycles, 1
// instruction each; tests/machine/snapshot.test.ts). Other event numbers are not implemented:
// such a counter does not count. PMCCNTR_EL0 counts CPU_CYCLES, every 64th with PMCR_EL0.D.
// Filtering (PMEVTYPER<n>_EL0/PMCCFILTR_EL0 P [31], U [30], NSK [29], NSU [28], NSH [27],
// M [26]) follows the pseudocode of the Arm ARM's PMU counting (the `filtered` case on
// PSTATE.EL; QEMU 7.2's pmu_counter_enabled is the same): a counter counts the instructions
// retired at the ELs its filter allows. The counters are brought up to date at every change
// of EL (`pmuElChange`, called on exception entry and ERET only), so each interval the lazy
// update covers was spent at one EL. In Secure state counting may be prohibited (`prohibited`).
// Overflow (an event counter's unsigned overflow of bits [31:0], or with PMUv3p5's PMCR_EL0.LP
// / MDCR_EL2.HLP of [63:0]; PMCCNTR_EL0 wrapping bit 31 or, with PMCR_EL0.LC, bit 63) sets
// the PMOVSSET_EL0 bit. Event counters are 32 bits wide, 64 with PMUv3p5. No overflow
// interrupt: there is no GIC yet (PMINTENSET_EL1 is state only).
//
// EL0 access (PMUSERENR_EL0: EN bit 0, SW bit 1, CR bit 2, ER bit 3) traps to EL1 with EC
// 0x18 unless allowed, as the Arm ARM's accessibility pseudocode and QEMU 7.2's pmreg_access*.
// Then every PMU register is in trap group 'pmu' (MDCR_EL2.TPM, MDCR_EL3.TPM; traps.ts),
// PMCR_EL0 in 'pmcr' (TPMCR too).

import type { Cpu } from '../cpu/cpu.js';
import type { CpuModel } from '../cpu/models.js';
import { Slot } from '../cpu/state.js';
import { type Access, EL0_RO, EL0_RW, EL1_RO, EL1_RW, Flag, type RowSpec, MASK64 } from './row.js';
import { el2Enabled, isSecure } from './access.js';

/**
 * PMCR_EL0 at reset, QEMU 7.2's per model (tests/sysregs/qemu/<model>-el1.json): IMP 0x41
 * [31:24], IDCODE [23:16] (1 on cortex-a57 and max, 2 on cortex-a72), N = 6 [15:11].
 */
const PMCR_RESET: Readonly<Record<string, bigint>> = {
  'cortex-a57': 0x41013000n, 'cortex-a72': 0x41023000n, max: 0x41013000n,
};
export const pmcrReset = (m: CpuModel): bigint => PMCR_RESET[m.name] ?? 0x41013000n;

// PMCR_EL0 bits (Arm ARM D17.5.8); E (bit 0) is read from the 32-bit view (counterEnable).
const P = 2n;
const C = 4n;
const D = 8n;
const LC = 64n;
/**
 * E, D, X, DP, LC and LP: the bits writes keep (C and P are write-only actions). LP (bit 7)
 * is RES0 without PMUv3p5; QEMU 7.2 keeps it on every model (PMCR_WRITABLE_MASK), and so do
 * we, with no effect on the Cortex models (the fuzz compares PMCR_EL0 with QEMU).
 */
const PMCR_WRITABLE = 0xf9n;

/** Events a64emu counts (PMCEID0_EL0 bits: event number = bit). */
export const SW_INCR = 0x00;
export const INST_RETIRED = 0x08;
export const CPU_CYCLES = 0x11;
export const PMCEID0 = (1n << BigInt(SW_INCR)) | (1n << BigInt(INST_RETIRED)) | (1n << BigInt(CPU_CYCLES));

/** PMEVTYPER<n>_EL0 keeps P, U, NSK, NSU, NSH, M, MT and a 16-bit evtCount, as QEMU 7.2 (PMXEVTYPER_MASK). */
const EVTYPER_MASK = 0xfe00ffffn;
/** PMCCFILTR_EL0 keeps P, U, NSK, NSU, NSH and M, as QEMU 7.2. */
const CCFILTR_MASK = 0xfc000000n;

const M32 = (1n << 32n) - 1n;

const x = (cpu: Cpu, slot: number): bigint => cpu.x[slot];
const N = (cpu: Cpu): number => Number((cpu.x[Slot.PMCR_EL0] >> 11n) & 31n);
/** The implemented counters' bits of the SET/CLR registers: C (bit 31) and P<n> for n < N. */
const counterMask = (cpu: Cpu): bigint => (1n << 31n) | ((1n << BigInt(N(cpu))) - 1n);

/**
 * Whether a filter (PMEVTYPER<n>_EL0/PMCCFILTR_EL0's low word) excludes the current EL. NSK,
 * NSU and M are read as 0 without EL3, NSH without EL2. IsSecure() at EL0/EL1: SCR_EL3.NS = 0.
 */
function filtered(cpu: Cpu, filter: number): boolean {
  const f = cpu.model.features;
  const p = (filter >>> 31) & 1;
  const u = (filter >>> 30) & 1;
  const nsk = f.EL3 ? (filter >>> 29) & 1 : 0;
  const nsu = f.EL3 ? (filter >>> 28) & 1 : 0;
  const nsh = f.EL2 ? (filter >>> 27) & 1 : 0;
  const m = f.EL3 ? (filter >>> 26) & 1 : 0;
  const secure = isSecure(cpu);
  switch (cpu.el) {
    case 0:
      return secure ? u === 1 : u !== nsu;
    case 1:
      return secure ? p === 1 : p !== nsk;
    case 2:
      return nsh === 0;
    default:
      return m !== p;
  }
}

/**
 * Whether counting is prohibited (Arm ARM D11, "Prohibiting event counting"): in Secure state
 * (EL3, or SCR_EL3.NS = 0) unless MDCR_EL3.SPME (bit 17) is 1 — there is no external debug
 * authentication interface (ExternalSecureNoninvasiveDebugEnabled() is false), as in QEMU
 * 7.2 — and at EL2 with MDCR_EL2.HPMD (PMUv3p1); for the cycle counter only when
 * PMCR_EL0.DP (bit 5) is 1 as well. A write of MDCR_EL2/EL3 brings the counters up to date
 * first (el2.ts, el3.ts): a change of HPMD or SPME applies from the writing instruction on.
 */
function prohibited(cpu: Cpu, n: number): boolean {
  const f = cpu.model.features;
  const secure = isSecure(cpu);
  const mdcr2 = cpu.r[Slot.MDCR_EL2 * 2];
  const mdcr3 = cpu.r[Slot.MDCR_EL3 * 2];
  const prohibit =
    (secure && ((mdcr3 >>> 17) & 1) === 0) ||
    // FEAT_PMUv3p1: MDCR_EL2.HPMD (bit 17) prohibits counting at EL2 by the cycle counter
    // and the event counters below HPMN (those of EL1).
    (cpu.el === 2 && f.PMUV3P5 && ((mdcr2 >>> 17) & 1) !== 0 && (n === 31 || n < hpmn(cpu)));
  if (n !== 31) return prohibit;
  if (prohibit && (cpu.r[Slot.PMCR_EL0 * 2] & 0x20) !== 0) return true;
  // FEAT_PMUv3p5: MDCR_EL3.SCCD (bit 23) in Secure state, MDCR_EL2.HCCD (bit 23) at EL2.
  return f.PMUV3P5 && ((secure && ((mdcr3 >>> 23) & 1) !== 0) || (cpu.el === 2 && ((mdcr2 >>> 23) & 1) !== 0));
}

/**
 * MDCR_EL2.HPMN [4:0] with EL2: event counters n >= HPMN are reserved for EL2 (Arm ARM D11,
 * "Counter enables" and PMUv3's EL2 partition); without EL2 every counter is below it.
 */
const hpmn = (cpu: Cpu): number => (cpu.model.features.EL2 ? cpu.r[Slot.MDCR_EL2 * 2] & 31 : 32);

/**
 * The enable of counter `n`: PMCR_EL0.E, except that an event counter n >= HPMN is enabled by
 * MDCR_EL2.HPME (bit 7) instead, as QEMU 7.2's pmu_counter_enabled. A write of MDCR_EL2
 * brings the counters up to date first (el2.ts).
 */
function counterEnable(cpu: Cpu, n: number): boolean {
  if (n === 31 || n < hpmn(cpu)) return (cpu.r[Slot.PMCR_EL0 * 2] & 1) !== 0;
  return (cpu.r[Slot.MDCR_EL2 * 2] & 0x80) !== 0;
}

/** Whether any counter can count: PMCR_EL0.E, or MDCR_EL2.HPME with EL2. */
const anyEnable = (cpu: Cpu): boolean =>
  (cpu.r[Slot.PMCR_EL0 * 2] & 1) !== 0 || (cpu.model.features.EL2 && (cpu.r[Slot.MDCR_EL2 * 2] & 0x80) !== 0);

/** Whether counter `n` (31: the cycle counter) is enabled and counts at the current EL. */
function enabled(cpu: Cpu, n: number): boolean {
  if (!counterEnable(cpu, n) || ((x(cpu, Slot.PMCNTEN) >> BigInt(n)) & 1n) === 0n) return false;
  const filter = cpu.r[(n === 31 ? Slot.PMCCFILTR_EL0 : Slot.PMEVTYPER0_EL0 + n) * 2];
  return !filtered(cpu, filter) && !prohibited(cpu, n);
}

/** The event number event counter `n` counts (PMEVTYPER<n>_EL0.evtCount). */
const eventOf = (cpu: Cpu, n: number): number => Number(x(cpu, Slot.PMEVTYPER0_EL0 + n) & 0xffffn);

/** The event counters' width: 64 bits with FEAT_PMUv3p5, else 32. */
const evMask = (cpu: Cpu): bigint => (cpu.model.features.PMUV3P5 ? MASK64 : M32);

/**
 * Whether event counter `n` records overflow at bit 63 rather than 31 (FEAT_PMUv3p5):
 * PMCR_EL0.LP (bit 7), or with EL2 for counters n >= MDCR_EL2.HPMN, MDCR_EL2.HLP (bit 26).
 */
function longCounter(cpu: Cpu, n: number): boolean {
  if (!cpu.model.features.PMUV3P5) return false;
  const mdcr2 = cpu.r[Slot.MDCR_EL2 * 2];
  if (cpu.model.features.EL2 && n >= (mdcr2 & 31)) return ((mdcr2 >>> 26) & 1) !== 0;
  return (cpu.r[Slot.PMCR_EL0 * 2] & 0x80) !== 0;
}

/**
 * Adds `d` to event counter `n`, setting its overflow bit on an unsigned overflow of bits
 * [31:0] (or [63:0] for a long counter); the counter wraps at its width.
 */
function addEvent(cpu: Cpu, n: number, d: bigint): void {
  const old = x(cpu, Slot.PMEVCNTR0_EL0 + n);
  const v = old + d;
  const overflow = longCounter(cpu, n) ? v > MASK64 : (old & M32) + d > M32;
  if (overflow) cpu.x[Slot.PMOVS] |= 1n << BigInt(n);
  cpu.x[Slot.PMEVCNTR0_EL0 + n] = v & evMask(cpu);
}

/** Brings every counter up to instruction count `now` (see the header). */
export function sync(cpu: Cpu, now: number): void {
  const anchor = Number(cpu.x[Slot.PMU_ANCHOR]);
  if (now <= anchor) return;
  cpu.x[Slot.PMU_ANCHOR] = BigInt(now);
  if (!anyEnable(cpu)) return;
  const delta = BigInt(now - anchor);
  const cycles = delta << BigInt(cpu.platform.icountShift ?? 0);
  if (enabled(cpu, 31)) {
    let d = cycles;
    if ((cpu.x[Slot.PMCR_EL0] & D) !== 0n) {
      const t = cpu.x[Slot.PMU_PRESCALE] + d;
      d = t / 64n;
      cpu.x[Slot.PMU_PRESCALE] = t % 64n;
    }
    const old = cpu.x[Slot.PMCCNTR_EL0];
    const v = old + d;
    const overflow = (cpu.x[Slot.PMCR_EL0] & LC) !== 0n ? v > MASK64 : v >> 32n !== old >> 32n;
    if (overflow) cpu.x[Slot.PMOVS] |= 1n << 31n;
    cpu.x[Slot.PMCCNTR_EL0] = v & MASK64;
  }
  for (let n = 0; n < N(cpu); n++) {
    if (!enabled(cpu, n)) continue;
    const evt = eventOf(cpu, n);
    if (evt === INST_RETIRED) addEvent(cpu, n, delta);
    else if (evt === CPU_CYCLES) addEvent(cpu, n, cycles);
  }
}

/**
 * Before PSTATE.EL changes (exception entry, ERET): brings the counters up to `now`, the
 * instructions retired at the old EL included, so that what follows counts at the new EL.
 * Nothing to do while no counter is enabled: the PMCR_EL0 write that sets E syncs first.
 */
export function pmuElChange(cpu: Cpu, now: number): void {
  if (anyEnable(cpu)) sync(cpu, now);
}

/** The counters brought up to the accessing instruction (`index` in its block). */
const at = (cpu: Cpu, index: number): void => sync(cpu, cpu.icount + index);

// ---- EL0 access (PMUSERENR_EL0) -------------------------------------------------------
const userenr = (bits: number) => (cpu: Cpu): boolean => (cpu.r[Slot.PMUSERENR_EL0 * 2] & bits) !== 0;
const EN = userenr(1);
const EN_SW = userenr(1 | 2);
const EN_CR = userenr(1 | 4);
const EN_ER = userenr(1 | 8);

/**
 * EL0 writes of PMCCNTR_EL0 and the event counters need EN even where CR or ER allow reads
 * (Arm ARM, their accessibility pseudocode; QEMU 7.2's pmreg_access_ccntr/xevcntr).
 */
const EN_CR_READ = (cpu: Cpu, read: boolean): boolean => (read ? EN_CR(cpu) : EN(cpu));
const EN_ER_READ = (cpu: Cpu, read: boolean): boolean => (read ? EN_ER(cpu) : EN(cpu));

/** A PMU register at op0 3, op1 3 (or 0 for the EL1 ones), CRn 9 or 14. */
const enc = (op1: number, crn: number, crm: number, op2: number) => ({ op0: 3, op1, crn, crm, op2 });

/** A register of stored state whose writes change what the counters count: sync first. */
function synced(
  name: string, e: ReturnType<typeof enc>, access: Access, slot: number, write: (cpu: Cpu, v: bigint) => bigint,
  el0Trap: ((cpu: Cpu) => boolean) | undefined, flags: number = Flag.IO, reset?: (m: CpuModel) => bigint,
): RowSpec {
  return {
    name, ...e, access, flags, el0Trap, reset,
    get: (cpu, index) => (at(cpu, index), cpu.x[slot]),
    set: (cpu, v, index) => {
      at(cpu, index);
      cpu.x[slot] = write(cpu, v);
    },
    raw: { get: (cpu) => (sync(cpu, cpu.icount), cpu.x[slot]), set: (cpu, v) => (sync(cpu, cpu.icount), void (cpu.x[slot] = v)) },
  };
}

/** A SET/CLR pair over one state slot (bits of unimplemented counters are RAZ/WI). */
function setClr(prefix: string, suffix: string, op1: number, crmSet: number, op2Set: number, crmClr: number, op2Clr: number,
  access: Access, slot: number, el0Trap: ((cpu: Cpu) => boolean) | undefined, clrFlags: number): RowSpec[] {
  return [
    synced(`${prefix}SET_${suffix}`, enc(op1, 9, crmSet, op2Set), access, slot, (cpu, v) => cpu.x[slot] | (v & counterMask(cpu)), el0Trap),
    synced(`${prefix}CLR_${suffix}`, enc(op1, 9, crmClr, op2Clr), access, slot, (cpu, v) => cpu.x[slot] & ~(v & counterMask(cpu)), el0Trap, clrFlags),
  ];
}

/** Event counter `n`'s value (0 for n >= N: RAZ/WI, as QEMU 7.2 for PMXEVCNTR_EL0). */
const evcntr = (cpu: Cpu, n: number): bigint => (n < N(cpu) ? cpu.x[Slot.PMEVCNTR0_EL0 + n] & evMask(cpu) : 0n);
const setEvcntr = (cpu: Cpu, n: number, v: bigint): void => {
  if (n < N(cpu)) cpu.x[Slot.PMEVCNTR0_EL0 + n] = v & evMask(cpu);
};
/** Event type `n`; n = 31 is PMCCFILTR_EL0 (PMXEVTYPER_EL0 with PMSELR_EL0.SEL = 31). */
const evtyper = (cpu: Cpu, n: number): bigint =>
  n === 31 ? cpu.x[Slot.PMCCFILTR_EL0] : n < N(cpu) ? cpu.x[Slot.PMEVTYPER0_EL0 + n] : 0n;
const setEvtyper = (cpu: Cpu, n: number, v: bigint): void => {
  if (n === 31) cpu.x[Slot.PMCCFILTR_EL0] = v & CCFILTR_MASK;
  else if (n < N(cpu)) cpu.x[Slot.PMEVTYPER0_EL0 + n] = v & EVTYPER_MASK;
};
const sel = (cpu: Cpu): number => cpu.r[Slot.PMSELR_EL0 * 2] & 31;

/** PMEVCNTR<n>_EL0 and PMEVTYPER<n>_EL0: op0 3, op1 3, CRn 14, CRm 8 + n[4:3] (+ 4 for the types), op2 n[2:0]. */
function eventCounter(n: number): RowSpec[] {
  const crm = 8 + (n >> 3);
  const op2 = n & 7;
  return [
    {
      name: `PMEVCNTR${n}_EL0`, ...enc(3, 14, crm, op2), access: EL0_RW, flags: Flag.IO, el0Trap: EN_ER_READ,
      get: (cpu, index) => (at(cpu, index), evcntr(cpu, n)),
      set: (cpu, v, index) => (at(cpu, index), setEvcntr(cpu, n, v)),
      raw: {
        get: (cpu) => (sync(cpu, cpu.icount), cpu.x[Slot.PMEVCNTR0_EL0 + n]),
        set: (cpu, v) => (sync(cpu, cpu.icount), void (cpu.x[Slot.PMEVCNTR0_EL0 + n] = v)),
      },
    },
    {
      name: `PMEVTYPER${n}_EL0`, ...enc(3, 14, crm + 4, op2), access: EL0_RW, flags: Flag.IO, el0Trap: EN,
      get: (cpu, index) => (at(cpu, index), evtyper(cpu, n)),
      set: (cpu, v, index) => (at(cpu, index), setEvtyper(cpu, n, v)),
      raw: { get: (cpu) => cpu.x[Slot.PMEVTYPER0_EL0 + n], set: (cpu, v) => (sync(cpu, cpu.icount), void (cpu.x[Slot.PMEVTYPER0_EL0 + n] = v)) },
    },
  ];
}

/**
 * PMCR_EL0.N of every model (QEMU 7.2 gives cortex-a57, cortex-a72 and max six event
 * counters; tests/sysregs/pmu.test.ts checks it against pmcrReset): rows for n >= 6 are
 * absent, so their MRS/MSR are UNDEFINED.
 */
export const PMU_COUNTERS = 6;

/** PMSWINC_EL0: increments the SW_INCR event counters named by the set bits (Arm ARM D11.8). */
function swinc(cpu: Cpu, v: bigint, index: number): void {
  at(cpu, index);
  for (let n = 0; n < N(cpu); n++) {
    if (((v >> BigInt(n)) & 1n) !== 0n && enabled(cpu, n) && (x(cpu, Slot.PMEVTYPER0_EL0 + n) & 0xffffn) === BigInt(SW_INCR)) addEvent(cpu, n, 1n);
  }
}

function pmcrWrite(cpu: Cpu, v: bigint): bigint {
  if ((v & C) !== 0n) cpu.x[Slot.PMCCNTR_EL0] = 0n;
  if ((v & P) !== 0n) for (let n = 0; n < N(cpu); n++) cpu.x[Slot.PMEVCNTR0_EL0 + n] = 0n;
  return (cpu.x[Slot.PMCR_EL0] & ~PMCR_WRITABLE) | (v & PMCR_WRITABLE);
}

const PMU_REGS: readonly RowSpec[] = [
  // PMCR_EL0: IMP, IDCODE and N are read-only; C and P are write-only actions (read 0).
  // Reset: pmcrReset, through the row's raw accessor (resetSysregs).
  {
    ...synced('PMCR_EL0', enc(3, 9, 12, 0), EL0_RW, Slot.PMCR_EL0, pmcrWrite, EN, Flag.IO, pmcrReset),
    // From EL0/EL1 with EL2 enabled, PMCR_EL0.N reads as MDCR_EL2.HPMN (Arm ARM D17.5, PMCR_EL0.N;
    // QEMU 7.2's pmcr_read).
    get: (cpu, index) => {
      at(cpu, index);
      const v = cpu.x[Slot.PMCR_EL0];
      return cpu.el < 2 && el2Enabled(cpu) ? (v & ~(31n << 11n)) | (BigInt(hpmn(cpu)) << 11n) : v;
    },
  },
  ...setClr('PMCNTEN', 'EL0', 3, 12, 1, 12, 2, EL0_RW, Slot.PMCNTEN, EN, Flag.IO | Flag.ALIAS),
  // PMOVSCLR_EL0 is CRm 12 op2 3, PMOVSSET_EL0 CRm 14 op2 3.
  ...setClr('PMOVS', 'EL0', 3, 14, 3, 12, 3, EL0_RW, Slot.PMOVS, EN, Flag.IO | Flag.ALIAS),
  // Interrupt enables: state only (no GIC). QEMU 7.2 has no raw state for the CLR view.
  ...setClr('PMINTEN', 'EL1', 0, 14, 1, 14, 2, EL1_RW, Slot.PMINTEN, undefined, Flag.IO | Flag.ALIAS | Flag.NO_RAW),
  { name: 'PMSWINC_EL0', ...enc(3, 9, 12, 4), access: { read: 4, write: 0 }, flags: Flag.IO | Flag.NO_RAW, el0Trap: EN_SW, set: swinc },
  // PMSELR_EL0.SEL [4:0]; the rest is RES0. EL0 access with EN or ER.
  { name: 'PMSELR_EL0', ...enc(3, 9, 12, 5), access: EL0_RW, slot: Slot.PMSELR_EL0, res0: ~31n & MASK64, el0Trap: EN_ER },
  // The events a64emu counts (read-only; stored so that the raw accessors take any value, as
  // for migration). QEMU 7.2 reports INST_RETIRED only under -icount (0x20101; 0x20001 in
  // the recordings, made without it). No common event 0x20-0x3F is counted: PMCEID1_EL0 is 0.
  { name: 'PMCEID0_EL0', ...enc(3, 9, 12, 6), access: EL0_RO, el0Trap: EN, slot: Slot.PMCEID0_EL0, reset: () => PMCEID0 },
  { name: 'PMCEID1_EL0', ...enc(3, 9, 12, 7), access: EL0_RO, el0Trap: EN, slot: Slot.PMCEID1_EL0 },
  {
    // EL0 reads with EN or CR, writes with EN.
    name: 'PMCCNTR_EL0', ...enc(3, 9, 13, 0), access: EL0_RW, flags: Flag.IO, el0Trap: EN_CR_READ,
    get: (cpu, index) => (at(cpu, index), cpu.x[Slot.PMCCNTR_EL0]),
    set: (cpu, v, index) => (at(cpu, index), void (cpu.x[Slot.PMCCNTR_EL0] = v)),
    raw: { get: (cpu) => (sync(cpu, cpu.icount), cpu.x[Slot.PMCCNTR_EL0]), set: (cpu, v) => (sync(cpu, cpu.icount), void (cpu.x[Slot.PMCCNTR_EL0] = v)) },
  },
  {
    name: 'PMXEVTYPER_EL0', ...enc(3, 9, 13, 1), access: EL0_RW, flags: Flag.IO | Flag.ALIAS | Flag.NO_RAW, el0Trap: EN,
    get: (cpu, index) => (at(cpu, index), evtyper(cpu, sel(cpu))),
    set: (cpu, v, index) => (at(cpu, index), setEvtyper(cpu, sel(cpu), v)),
  },
  {
    name: 'PMXEVCNTR_EL0', ...enc(3, 9, 13, 2), access: EL0_RW, flags: Flag.IO | Flag.ALIAS | Flag.NO_RAW, el0Trap: EN_ER_READ,
    get: (cpu, index) => (at(cpu, index), evcntr(cpu, sel(cpu))),
    set: (cpu, v, index) => (at(cpu, index), setEvcntr(cpu, sel(cpu), v)),
  },
  // EN, SW, CR, ER [3:0] (QEMU 7.2 keeps those). Readable at EL0 without a trap; writes from EL1.
  { name: 'PMUSERENR_EL0', ...enc(3, 9, 14, 0), access: { read: 0, write: 1 }, slot: Slot.PMUSERENR_EL0, res0: ~15n & MASK64 },
  synced('PMCCFILTR_EL0', enc(3, 14, 15, 7), EL0_RW, Slot.PMCCFILTR_EL0, (_cpu, v) => v & CCFILTR_MASK, EN),
  // FEAT_PMUv3p4: PMMIR_EL1.SLOTS = 0 (no STALL_SLOT event), as QEMU 7.2 (a CONST 0 row).
  { name: 'PMMIR_EL1', ...enc(0, 9, 14, 6), access: EL1_RO, flags: Flag.CONST, feature: 'PMUV3P5', value: () => 0n },
  ...Array.from({ length: PMU_COUNTERS }, (_, n) => eventCounter(n)).flat(),
];

export const PMU_ROWS: readonly RowSpec[] = PMU_REGS.map((r) => ({ ...r, group: r.name === 'PMCR_EL0' ? 'pmcr' : 'pmu' }));
