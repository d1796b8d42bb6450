// The Performance Monitors (src/sysregs/pmu.ts): reset values (QEMU 7.2's recordings,
// tests/sysregs/qemu/<model>-el1.json), enable/count/overflow semantics and the EL0 access
// rules (the Arm ARM's PMUv3 register pages, D17.5, and the PMUSERENR_EL0 accessibility
// pseudocode, which QEMU 7.2's pmreg_access* follow), PMSELR_EL0 indirection (write masks and
// RAZ/WI selections as QEMU 7.2, which the system fuzz class compares), and a64emu's definition
// of a cycle: one instruction, as QEMU's 1 GHz cycle counter under -icount shift=0.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MODELS } from '../../src/cpu/models.js';
import { Slot } from '../../src/cpu/state.js';
import { PMCEID0, PMU_COUNTERS, pmcrReset } from '../../src/sysregs/pmu.js';
import { readRaw, sysregByName, sysregTable } from '../../src/sysregs/table.js';
import { makeCpu, RAM_BASE, type TestCpu } from '../cpu/harness.js';
import { Cpu } from '../../src/cpu/cpu.js';
import { modelForEl } from '../../src/cpu/models.js';
import { Runner } from '../../src/cpu/run.js';
import type { PhysBus } from '../../src/mmu/memory.js';

type Enc = readonly [op0: number, op1: number, crn: number, crm: number, op2: number];
const sysInsn = (l: number, [op0, op1, crn, crm, op2]: Enc, rt: number): number =>
  (0xd5100000 | (l << 21) | ((op0 - 2) << 19) | (op1 << 16) | (crn << 12) | (crm << 8) | (op2 << 5) | rt) >>> 0;
const msr = (e: Enc, rt: number): number => sysInsn(0, e, rt);
const mrs = (e: Enc, rt: number): number => sysInsn(1, e, rt);

// Encodings: Arm ARM D17.5 register pages.
const PMCR: Enc = [3, 3, 9, 12, 0];
const PMCNTENSET: Enc = [3, 3, 9, 12, 1];
const PMCNTENCLR: Enc = [3, 3, 9, 12, 2];
const PMOVSCLR: Enc = [3, 3, 9, 12, 3];
const PMSWINC: Enc = [3, 3, 9, 12, 4];
const PMSELR: Enc = [3, 3, 9, 12, 5];
const PMCEID0_ENC: Enc = [3, 3, 9, 12, 6];
const PMCCNTR: Enc = [3, 3, 9, 13, 0];
const PMXEVTYPER: Enc = [3, 3, 9, 13, 1];
const PMXEVCNTR: Enc = [3, 3, 9, 13, 2];
const PMUSERENR: Enc = [3, 3, 9, 14, 0];
const PMINTENSET: Enc = [3, 0, 9, 14, 1];
const PMINTENCLR: Enc = [3, 0, 9, 14, 2];
const PMOVSSET: Enc = [3, 3, 9, 14, 3];
const PMCCFILTR: Enc = [3, 3, 14, 15, 7];
const PMEVCNTR = (n: number): Enc => [3, 3, 14, 8 + (n >> 3), n & 7];
const PMEVTYPER = (n: number): Enc => [3, 3, 14, 12 + (n >> 3), n & 7];

const NOP = 0xd503201f;
/** MOVZ Xd, #imm16. */
const movz = (d: number, imm: number): number => (0xd2800000 | (imm << 5) | d) >>> 0;
/** A loop of 2 * k instructions: SUBS X9, X9, #1; B.NE back (after MOVZ X9, #k). */
const loop = (k: number): number[] => [movz(9, k), 0xf1000529, 0x54ffffe1];

const E = 1n;
const C_BIT = 1n << 31n;

interface Result { x: bigint[]; ec?: number; iss?: number; t: TestCpu }

/** Runs `words` at EL1 (or EL0 after `setup` at EL1) from reset with x1.. = `regs`. */
function run(words: number[], regs: bigint[] = [], opts: { model?: string; el0?: number[]; steps?: number } = {}): Result {
  const t = makeCpu({ model: opts.model });
  regs.forEach((v, i) => (t.cpu.x[i + 1] = v));
  t.load(words);
  t.run(opts.steps ?? 100_000);
  let end = RAM_BASE + 4 * words.length;
  if (opts.el0 && t.cpu.pc === BigInt(end)) {
    t.cpu.selectSp(0, 0);
    t.load(opts.el0, RAM_BASE + 0x1000);
    t.run(opts.el0.length);
    end = RAM_BASE + 0x1000 + 4 * opts.el0.length;
  }
  const x = [...Array(16).keys()].map((i) => t.cpu.x[i]);
  if (t.cpu.pc !== BigInt(end)) {
    const esr = t.cpu.x[Slot.ESR_EL1];
    return { x, ec: Number(esr >> 26n), iss: Number(esr & 0x1ffffffn), t };
  }
  return { x, t };
}

interface Recording { registers: Record<string, string> }
const recording = (model: string): Recording =>
  JSON.parse(readFileSync(new URL(`qemu/${model}-el1.json`, import.meta.url), 'utf8')) as Recording;

describe('reset values: QEMU 7.2 (the recordings)', () => {
  for (const model of ['cortex-a57', 'cortex-a72', 'max']) {
    it(`${model}: every PMU register the gdb stub lists`, () => {
      const { cpu } = makeCpu({ model });
      const rec = recording(model).registers;
      const names = Object.keys(rec).filter((n) => n.startsWith('PM') && n !== 'PMMIR_EL1');
      expect(names.length).toBe(12 + 2 * PMU_COUNTERS);
      for (const name of names) {
        const row = sysregByName(cpu.model, name);
        expect(row, name).toBeDefined();
        const ours = readRaw(cpu, row!);
        // PMCEID0_EL0: QEMU lists INST_RETIRED (bit 8) only under -icount; the recordings were made without.
        if (name === 'PMCEID0_EL0') expect(ours, name).toBe(BigInt(rec[name]) | 0x100n);
        else if (name === 'PMCEID1_EL0' && model === 'max') expect(ours, `${name}: QEMU max lists 0x23, 0x24, 0x3C`).toBe(0n);
        else expect(ours, name).toBe(BigInt(rec[name]));
      }
    });
  }

  it('PMCR_EL0.N [15:11] is 6 on every model, the event counters the table has', () => {
    for (const m of Object.values(MODELS)) {
      expect(Number((pmcrReset(m) >> 11n) & 31n), m.name).toBe(PMU_COUNTERS);
      const names = sysregTable(m).rows.map((r) => r.name);
      expect(names.filter((n) => /^PMEVCNTR\d+_EL0$/.test(n)).length).toBe(PMU_COUNTERS);
      expect(names.filter((n) => /^PMEVTYPER\d+_EL0$/.test(n)).length).toBe(PMU_COUNTERS);
    }
    expect(pmcrReset(MODELS['cortex-a72'])).toBe(0x41023000n); // IDCODE 2
    // PMEVCNTR6_EL0 does not exist with N = 6: UNDEFINED.
    expect(run([mrs(PMEVCNTR(6), 0)]).ec).toBe(0);
  });

  it('PMCEID0_EL0 lists SW_INCR (0x00), INST_RETIRED (0x08), CPU_CYCLES (0x11); PMUVer is 1 (PMUv3) on the Cortex models, 6 (PMUv3p5) on max as QEMU 7.2', () => {
    expect(PMCEID0).toBe(0x20101n);
    expect(run([mrs(PMCEID0_ENC, 0)]).x[0]).toBe(0x20101n);
    for (const m of Object.values(MODELS)) {
      const dfr0 = readRaw(makeCpu({ model: m.name }).cpu, sysregByName(m, 'ID_AA64DFR0_EL1')!)!;
      expect((dfr0 >> 8n) & 0xfn, m.name).toBe(m.name === 'max' ? 6n : 1n);
    }
    // PMMIR_EL1 (FEAT_PMUv3p4): max only; EL1 read-only, 0 as QEMU 7.2 (max-el1.json).
    expect(sysregByName(MODELS['cortex-a57'], 'PMMIR_EL1')).toBeUndefined();
    const PMMIR: Enc = [3, 0, 9, 14, 6];
    expect(run([mrs(PMMIR, 0)], [], { model: 'max' }).x[0]).toBe(0n);
    expect(run([msr(PMMIR, 0)], [], { model: 'max' }).ec).toBe(0);
    expect(run([mrs(PMMIR, 0)], [], { model: 'cortex-a57' }).ec).toBe(0);
  });
});

describe('the cycle counter: one cycle per instruction (QEMU: 1 GHz under -icount shift=0)', () => {
  it('counts the instructions from the enabling MSR up to the reading MRS (which is not counted)', () => {
    const r = run([msr(PMCNTENSET, 1), msr(PMCR, 2), NOP, NOP, NOP, mrs(PMCCNTR, 3), NOP, mrs(PMCCNTR, 4)], [C_BIT, E]);
    expect(r.x[3]).toBe(4n); // MSR PMCR_EL0 and three NOPs
    expect(r.x[4] - r.x[3]).toBe(2n); // the first MRS and one NOP
  });

  it('across blocks and loops: 2k + 1 instructions of a loop of k iterations', () => {
    const r = run([msr(PMCNTENSET, 1), msr(PMCR, 2), mrs(PMCCNTR, 3), ...loop(100), mrs(PMCCNTR, 4)], [C_BIT, E]);
    expect(r.x[4] - r.x[3]).toBe(1n + 1n + 200n); // the MRS, the MOVZ, 100 x (SUBS, B.NE)
  });

  it('counts only while PMCR_EL0.E and PMCNTENSET_EL0.C are both 1', () => {
    expect(run([msr(PMCR, 2), NOP, mrs(PMCCNTR, 3)], [C_BIT, E]).x[3]).toBe(0n);
    expect(run([msr(PMCNTENSET, 1), NOP, mrs(PMCCNTR, 3)], [C_BIT, E]).x[3]).toBe(0n);
    const r = run([msr(PMCNTENSET, 1), msr(PMCR, 2), NOP, msr(PMCNTENCLR, 1), NOP, NOP, mrs(PMCCNTR, 3), mrs(PMCNTENSET, 4)], [C_BIT, E]);
    expect(r.x[3]).toBe(2n); // MSR PMCR_EL0 and the NOP; stopped by PMCNTENCLR_EL0
    expect(r.x[4]).toBe(0n);
  });

  it('PMCR_EL0.D: one count every 64 cycles', () => {
    // MSR PMCR_EL0 + MOVZ + 2 * 640 = 1282 cycles: 20 counts.
    const r = run([msr(PMCNTENSET, 1), msr(PMCR, 2), ...loop(640), mrs(PMCCNTR, 3)], [C_BIT, E | 8n]);
    expect(r.x[3]).toBe(20n);
  });

  it('PMCR_EL0.C resets PMCCNTR_EL0 and reads as 0; P resets the event counters only', () => {
    const r = run([msr(PMCCNTR, 1), msr(PMEVCNTR(0), 1), msr(PMCR, 2), mrs(PMCCNTR, 3), mrs(PMEVCNTR(0), 4), mrs(PMCR, 5),
      msr(PMCCNTR, 1), msr(PMCR, 6), mrs(PMCCNTR, 7), mrs(PMEVCNTR(0), 8)], [0x1234n, 4n, 0n, 0n, 0n, 2n]);
    expect([r.x[3], r.x[4], r.x[5]]).toEqual([0n, 0x1234n, 0x41013000n]);
    expect([r.x[7], r.x[8]]).toEqual([0x1234n, 0n]);
  });

  it('overflow: PMCCNTR_EL0 wrapping bit 31 sets PMOVSSET_EL0.C (LC = 0) and keeps counting 64 bits; with LC only at bit 63', () => {
    const words = [msr(PMCCNTR, 1), msr(PMCNTENSET, 2), msr(PMCR, 3), NOP, NOP, NOP, mrs(PMCCNTR, 4), mrs(PMOVSSET, 5)];
    const r = run(words, [0xfffffffen, C_BIT, E]);
    expect(r.x[4]).toBe(0x100000002n); // 0xfffffffe + MSR PMCR_EL0 and three NOPs
    expect(r.x[5]).toBe(C_BIT);
    const lc = run(words, [0xfffffffen, C_BIT, E | 64n]);
    expect(lc.x[4]).toBe(0x100000002n);
    expect(lc.x[5]).toBe(0n);
    const top = run(words, [0xfffffffffffffffen, C_BIT, E | 64n]);
    expect(top.x[4]).toBe(2n);
    expect(top.x[5]).toBe(C_BIT);
  });
});

describe('event counters', () => {
  it('INST_RETIRED (0x08) and CPU_CYCLES (0x11) count instructions; unimplemented events do not count', () => {
    const r = run([
      msr(PMEVTYPER(0), 1), msr(PMEVTYPER(1), 2), msr(PMEVTYPER(2), 3), msr(PMCNTENSET, 4), msr(PMCR, 5),
      NOP, NOP, mrs(PMEVCNTR(0), 6), mrs(PMEVCNTR(1), 7), mrs(PMEVCNTR(2), 8),
    ], [0x08n, 0x11n, 0x23n, 7n, E]);
    expect([r.x[6], r.x[7], r.x[8]]).toEqual([3n, 4n, 0n]);
  });

  it('SW_INCR (0x00): PMSWINC_EL0 increments the enabled SW_INCR counters named by its bits', () => {
    const r = run([
      msr(PMEVTYPER(1), 0), msr(PMCNTENSET, 1), msr(PMCR, 2), msr(PMSWINC, 3), msr(PMSWINC, 3),
      mrs(PMEVCNTR(0), 4), mrs(PMEVCNTR(1), 5), mrs(PMEVCNTR(2), 6),
    ], [3n, E, 0x7fffffffn]);
    // Counters 0 and 1 are enabled and count SW_INCR (type 0); 2 is not enabled.
    expect([r.x[4], r.x[5], r.x[6]]).toEqual([2n, 2n, 0n]);
    expect(run([msr(PMSWINC, 1), mrs(PMSWINC, 0)], [1n]).ec, 'PMSWINC_EL0 is write-only').toBe(0);
  });

  it('an event counter overflowing bits [31:0] sets its PMOVSSET_EL0 bit (32-bit on cortex-a57, 64-bit on max: PMUv3p5); PMOVSCLR_EL0 clears it', () => {
    for (const [model, value] of [['cortex-a57', 2n], ['max', 0x1_0000_0002n]] as const) {
      const r = run([
        msr(PMEVCNTR(3), 1), msr(PMEVTYPER(3), 2), msr(PMCNTENSET, 3), msr(PMCR, 4),
        NOP, NOP, NOP, mrs(PMEVCNTR(3), 5), mrs(PMOVSSET, 6), msr(PMOVSCLR, 3), mrs(PMOVSCLR, 7),
      ], [0xfffffffen, 0x08n, 8n, E], { model });
      expect(r.x[5], model).toBe(value); // 0xfffffffe + 4
      expect(r.x[6]).toBe(8n);
      expect(r.x[7]).toBe(0n);
    }
  });

  it('max (PMUv3p5): PMCR_EL0.LP moves the overflow to bits [63:0]; with EL2, counters >= MDCR_EL2.HPMN follow MDCR_EL2.HLP instead', () => {
    const LP = 1n << 7n;
    const r = run([
      msr(PMEVCNTR(3), 1), msr(PMEVTYPER(3), 2), msr(PMCNTENSET, 3), msr(PMCR, 4),
      NOP, NOP, NOP, mrs(PMEVCNTR(3), 5), mrs(PMOVSSET, 6),
    ], [0xfffffffen, 0x08n, 8n, E | LP]);
    expect([r.x[5], r.x[6]]).toEqual([0x1_0000_0002n, 0n]);
    const w = run([
      msr(PMEVCNTR(3), 1), msr(PMEVTYPER(3), 2), msr(PMCNTENSET, 3), msr(PMCR, 4),
      NOP, NOP, NOP, mrs(PMEVCNTR(3), 5), mrs(PMOVSSET, 6),
    ], [(1n << 64n) - 2n, 0x08n, 8n, E | LP]);
    expect([w.x[5], w.x[6]]).toEqual([2n, 8n]);
    // --el 2: MDCR_EL2.HPMN = 2, HLP (bit 26) = 1, PMCR_EL0.LP = 0: counter 3 is long, counter 1 is not.
    const ram = new Uint8Array(1 << 16);
    const bus: PhysBus = { ram, ramBase: RAM_BASE, mmioRead: () => undefined, mmioWrite: () => false };
    const cpu = new Cpu(bus, modelForEl(MODELS.max, 2), {});
    cpu.resetTo(2, BigInt(RAM_BASE));
    cpu.x[Slot.MDCR_EL2] = 2n | (1n << 26n);
    [0xfffffffen, (1n << 27n) | 0x08n, 0xan, E].forEach((v, i) => (cpu.x[i + 1] = v));
    const words = [msr(PMEVCNTR(3), 1), msr(PMEVCNTR(1), 1), msr(PMEVTYPER(3), 2), msr(PMEVTYPER(1), 2), msr(PMCNTENSET, 3),
      msr(PMCR, 4), NOP, NOP, NOP, mrs(PMOVSSET, 10)];
    words.forEach((wd, i) => new DataView(ram.buffer).setUint32(4 * i, wd, true));
    new Runner(cpu).run(words.length);
    expect(cpu.x[10]).toBe(2n); // only counter 1 overflowed bits [31:0]
  });

  it('a filter excluding both EL1 (P, bit 31) and EL0 (U, bit 30) stops the counter', () => {
    const r = run([msr(PMEVTYPER(0), 1), msr(PMCCFILTR, 2), msr(PMCNTENSET, 3), msr(PMCR, 4), NOP,
      mrs(PMEVCNTR(0), 5), mrs(PMCCNTR, 6)], [0xc0000011n, 0xc0000000n, C_BIT | 1n, E]);
    expect([r.x[5], r.x[6]]).toEqual([0n, 0n]);
  });
});

describe('filtering by EL (the Arm ARM\'s PMU counting pseudocode: P/U/NSK/NSU/NSH/M against PSTATE.EL)', () => {
  const SPSR_EL1: Enc = [3, 0, 4, 0, 0];
  const ELR_EL1: Enc = [3, 0, 4, 0, 1];
  const VBAR_EL1: Enc = [3, 0, 12, 0, 0];
  const ERET = 0xd69f03e0;
  const SVC0 = 0xd4000001;
  const P = 1n << 31n, U = 1n << 30n, NSH = 1n << 27n;

  /**
   * At EL1: filters (x1 for PMEVTYPER0_EL0 counting INST_RETIRED, x2 for PMCCFILTR_EL0),
   * enable, a NOP, ERET to EL0 (3 instructions counted at EL1); at EL0: 5 NOPs and SVC (6);
   * the EL1 handler then reads PMEVCNTR0_EL0 into x10 and PMCCNTR_EL0 into x11 (which
   * counts the first MRS, at EL1).
   */
  function el1el0(evtyper: bigint, ccfiltr: bigint): [bigint, bigint] {
    const t = makeCpu();
    const el0 = RAM_BASE + 0x1000;
    const vbar = RAM_BASE + 0x2000;
    [evtyper | 0x08n, ccfiltr, C_BIT | 1n, E, 0n, BigInt(el0), BigInt(vbar)].forEach((v, i) => (t.cpu.x[i + 1] = v));
    t.load([mrs(PMEVCNTR(0), 10), mrs(PMCCNTR, 11)], vbar + 0x400);
    t.load([NOP, NOP, NOP, NOP, NOP, SVC0], el0);
    t.load([msr(PMEVTYPER(0), 1), msr(PMCCFILTR, 2), msr(PMCNTENSET, 3), msr(SPSR_EL1, 5), msr(ELR_EL1, 6),
      msr(VBAR_EL1, 7), msr(PMCR, 4), NOP, ERET]);
    expect(t.runner.run(9 + 6 + 2)).toBe(17);
    expect([t.cpu.el, t.cpu.pc]).toEqual([1, BigInt(vbar + 0x408)]);
    return [t.cpu.x[10], t.cpu.x[11]];
  }

  it('no filter: both count at EL1 and EL0 (the ERET at EL1, the SVC at EL0)', () => {
    expect(el1el0(0n, 0n)).toEqual([3n + 6n, 3n + 6n + 1n]);
  });
  it('U (bit 30) excludes EL0 only; P (bit 31) excludes EL1 only', () => {
    expect(el1el0(U, P)).toEqual([3n, 6n]);
    expect(el1el0(P, U)).toEqual([6n, 3n + 1n]);
  });
  // The same, leaving EL0 by a physical IRQ (vector 0x480) after the 5 NOPs instead of an SVC:
  // an interrupt changes PSTATE.EL like any exception entry (AArch64.TakeException), so the
  // NOPs count at EL0 and nothing after them until the reading MRS at EL1.
  function el1el0Irq(evtyper: bigint): bigint {
    const t = makeCpu();
    const el0 = RAM_BASE + 0x1000;
    const vbar = RAM_BASE + 0x2000;
    [evtyper | 0x08n, 0n, 1n, E, 0n, BigInt(el0), BigInt(vbar)].forEach((v, i) => (t.cpu.x[i + 1] = v));
    t.load([mrs(PMEVCNTR(0), 10)], vbar + 0x480);
    t.load([NOP, NOP, NOP, NOP, NOP, NOP], el0);
    t.load([msr(PMEVTYPER(0), 1), msr(PMCCFILTR, 2), msr(PMCNTENSET, 3), msr(SPSR_EL1, 5), msr(ELR_EL1, 6),
      msr(VBAR_EL1, 7), msr(PMCR, 4), NOP, ERET]);
    expect(t.runner.run(9 + 5)).toBe(14);
    t.cpu.setIrq(true);
    expect(t.runner.run(1)).toBe(1);
    expect([t.cpu.el, t.cpu.pc]).toEqual([1, BigInt(vbar + 0x484)]);
    return t.cpu.x[10];
  }
  it('an IRQ from EL0 ends the EL0 interval: U counts the 3 at EL1 only, P the 5 NOPs at EL0 only', () => {
    expect(el1el0Irq(U)).toBe(3n);
    expect(el1el0Irq(P)).toBe(5n);
  });
  it('without EL3, NSK and NSU are RES0 for filtering: U with NSU still excludes EL0 (IsSecure() is false, NSU reads 0)', () => {
    expect(el1el0(U | (1n << 28n), P | (1n << 29n))).toEqual([3n, 6n]);
  });

  /** At EL2 (start mode --el 2): enable with PMEVTYPER0_EL0 = INST_RETIRED | `nsh`, 3 NOPs, read. */
  function atEl2(filter: bigint): bigint {
    const ram = new Uint8Array(1 << 16);
    const bus: PhysBus = { ram, ramBase: RAM_BASE, mmioRead: () => undefined, mmioWrite: () => false };
    const cpu = new Cpu(bus, modelForEl(MODELS.max, 2), {});
    cpu.resetTo(2, BigInt(RAM_BASE));
    [filter | 0x08n, 1n, E].forEach((v, i) => (cpu.x[i + 1] = v));
    const words = [msr(PMEVTYPER(0), 1), msr(PMCNTENSET, 2), msr(PMCR, 3), NOP, NOP, NOP, mrs(PMEVCNTR(0), 10)];
    words.forEach((w, i) => new DataView(ram.buffer).setUint32(4 * i, w, true));
    new Runner(cpu).run(words.length);
    return cpu.x[10];
  }

  /** At EL3 (start mode --el 3, Secure): MDCR_EL3 = `mdcr`, PMCR_EL0 = E | `pmcr`; 3 NOPs; x10/x11 = event/cycle counts. */
  function atEl3(mdcr: bigint, pmcr: bigint, filter = 0n): [bigint, bigint] {
    const ram = new Uint8Array(1 << 16);
    const bus: PhysBus = { ram, ramBase: RAM_BASE, mmioRead: () => undefined, mmioWrite: () => false };
    const cpu = new Cpu(bus, modelForEl(MODELS.max, 3), {});
    cpu.resetTo(3, BigInt(RAM_BASE));
    cpu.x[Slot.MDCR_EL3] = mdcr;
    [filter | 0x08n, C_BIT | 1n, E | pmcr].forEach((v, i) => (cpu.x[i + 1] = v));
    const words = [msr(PMEVTYPER(0), 1), msr(PMCNTENSET, 2), msr(PMCR, 3), NOP, NOP, NOP, mrs(PMEVCNTR(0), 10), mrs(PMCCNTR, 11)];
    words.forEach((w, i) => new DataView(ram.buffer).setUint32(4 * i, w, true));
    new Runner(cpu).run(words.length);
    return [cpu.x[10], cpu.x[11]];
  }

  it('in Secure state (EL3) event counting is prohibited unless MDCR_EL3.SPME; the cycle counter only with PMCR_EL0.DP', () => {
    const SPME = 1n << 17n, DP = 1n << 5n;
    expect(atEl3(0n, 0n)).toEqual([0n, 5n]); // cycles: the enabling MSR, 3 NOPs, the first MRS
    expect(atEl3(0n, DP)).toEqual([0n, 0n]);
    expect(atEl3(SPME, DP)).toEqual([4n, 5n]);
    // At EL3 the filter is M (bit 26) against P: M != P filters.
    expect(atEl3(SPME, 0n, 1n << 26n)).toEqual([0n, 5n]);
    expect(atEl3(SPME, 0n, P | (1n << 26n))).toEqual([4n, 5n]);
    // PMUv3p5: MDCR_EL3.SCCD (bit 23) stops the cycle counter in Secure state.
    expect(atEl3(SPME | (1n << 23n), 0n)).toEqual([4n, 0n]);
  });

  it('a write of MDCR_EL3 applies from the writing instruction on: counting before it keeps the old SPME', () => {
    // Arm ARM D11, "Prohibiting event counting": in Secure state events count only while
    // MDCR_EL3.SPME is 1. Counted, with SPME = 1: the enabling MSR PMCR_EL0 and two NOPs (the
    // model's convention, as for the enabling MSR); then SPME = 0 from the MSR MDCR_EL3 on.
    const ram = new Uint8Array(1 << 16);
    const bus: PhysBus = { ram, ramBase: RAM_BASE, mmioRead: () => undefined, mmioWrite: () => false };
    const cpu = new Cpu(bus, modelForEl(MODELS.max, 3), {});
    cpu.resetTo(3, BigInt(RAM_BASE));
    cpu.x[Slot.MDCR_EL3] = 1n << 17n;
    [0x08n, 1n, E, 0n].forEach((v, i) => (cpu.x[i + 1] = v));
    const MDCR_EL3: Enc = [3, 6, 1, 3, 1];
    const words = [msr(PMEVTYPER(0), 1), msr(PMCNTENSET, 2), msr(PMCR, 3), NOP, NOP, msr(MDCR_EL3, 4), NOP, NOP, NOP, mrs(PMEVCNTR(0), 10)];
    words.forEach((w, i) => new DataView(ram.buffer).setUint32(4 * i, w, true));
    new Runner(cpu).run(words.length);
    expect(cpu.x[10]).toBe(3n);
  });

  it('PMUv3p1 (max): MDCR_EL2.HPMD (bit 17) prohibits event counting at EL2; the cycle counter only with PMCR_EL0.DP', () => {
    const HPMD = 1n << 17n;
    const atEl2Hpmd = (pmcr: bigint, mdcr = HPMD): [bigint, bigint] => {
      const ram = new Uint8Array(1 << 16);
      const bus: PhysBus = { ram, ramBase: RAM_BASE, mmioRead: () => undefined, mmioWrite: () => false };
      const cpu = new Cpu(bus, modelForEl(MODELS.max, 2), {});
      cpu.resetTo(2, BigInt(RAM_BASE));
      cpu.x[Slot.MDCR_EL2] |= mdcr;
      [NSH | 0x08n, NSH, C_BIT | 1n, E | pmcr].forEach((v, i) => (cpu.x[i + 1] = v));
      const words = [msr(PMEVTYPER(0), 1), msr(PMCCFILTR, 2), msr(PMCNTENSET, 3), msr(PMCR, 4), NOP, NOP, mrs(PMEVCNTR(0), 10), mrs(PMCCNTR, 11)];
      words.forEach((w, i) => new DataView(ram.buffer).setUint32(4 * i, w, true));
      new Runner(cpu).run(words.length);
      return [cpu.x[10], cpu.x[11]];
    };
    expect(atEl2Hpmd(0n)).toEqual([0n, 4n]); // cycles: MSR PMCR_EL0, 2 NOPs, the first MRS
    expect(atEl2Hpmd(1n << 5n)).toEqual([0n, 0n]);
    // PMUv3p5: MDCR_EL2.HCCD (bit 23) stops the cycle counter at EL2 whatever HPMD and DP say.
    expect(atEl2Hpmd(0n, 1n << 23n)).toEqual([3n, 0n]); // events: MSR PMCR_EL0 and 2 NOPs
  });

  describe('the EL2 partition: MDCR_EL2.HPMN (Arm ARM D11, counter enables; PMCR_EL0.N; as QEMU 7.2)', () => {
    const HPME = 1n << 7n, HPMD = 1n << 17n;
    /** At EL2 (--el 2, max), MDCR_EL2 = HPMN 2 | `mdcr`: counters 1 and 3 count INST_RETIRED at EL2 over 3 NOPs. */
    function partition(mdcr: bigint, pmcr: bigint): [bigint, bigint] {
      const ram = new Uint8Array(1 << 16);
      const bus: PhysBus = { ram, ramBase: RAM_BASE, mmioRead: () => undefined, mmioWrite: () => false };
      const cpu = new Cpu(bus, modelForEl(MODELS.max, 2), {});
      cpu.resetTo(2, BigInt(RAM_BASE));
      cpu.x[Slot.MDCR_EL2] = 2n | mdcr;
      [NSH | 0x08n, 0xan, pmcr].forEach((v, i) => (cpu.x[i + 1] = v));
      const words = [msr(PMEVTYPER(1), 1), msr(PMEVTYPER(3), 1), msr(PMCNTENSET, 2), msr(PMCR, 3), NOP, NOP, NOP,
        mrs(PMEVCNTR(1), 10), mrs(PMEVCNTR(3), 11)];
      words.forEach((w, i) => new DataView(ram.buffer).setUint32(4 * i, w, true));
      new Runner(cpu).run(words.length);
      return [cpu.x[10], cpu.x[11]];
    }
    it('counters below HPMN follow PMCR_EL0.E, those from HPMN on MDCR_EL2.HPME', () => {
      expect(partition(0n, E)).toEqual([4n, 0n]); // the enabling MSR and 3 NOPs
      expect(partition(HPME, 0n)[0]).toBe(0n);
      // counter 3 is enabled by HPME already: it counts from the enabling PMCNTENSET write on
      expect(partition(HPME, 0n)[1]).toBe(6n); // MSR PMCNTENSET_EL0, MSR PMCR_EL0, 3 NOPs, the first MRS
    });
    it('MDCR_EL2.HPMD prohibits counting at EL2 by the counters below HPMN only', () => {
      expect(partition(HPME | HPMD, E)).toEqual([0n, 6n]);
    });
    it('PMCR_EL0.N reads HPMN from EL1 (EL2 enabled), the real N (6) from EL2', () => {
      const ram = new Uint8Array(1 << 16);
      const bus: PhysBus = { ram, ramBase: RAM_BASE, mmioRead: () => undefined, mmioWrite: () => false };
      const cpu = new Cpu(bus, modelForEl(MODELS.max, 2), {});
      cpu.resetTo(2, BigInt(RAM_BASE));
      cpu.x[Slot.MDCR_EL2] = 2n;
      new DataView(ram.buffer).setUint32(0, mrs(PMCR, 10), true);
      new DataView(ram.buffer).setUint32(4, mrs(PMCR, 11), true);
      const runner = new Runner(cpu);
      runner.run(1);
      cpu.selectSp(1, 1);
      runner.run(1);
      expect([(cpu.x[10] >> 11n) & 31n, (cpu.x[11] >> 11n) & 31n]).toEqual([6n, 2n]);
    });
  });

  it('at EL2 a counter counts only with NSH (bit 27) set', () => {
    expect(atEl2(0n)).toBe(0n);
    expect(atEl2(NSH)).toBe(4n); // the enabling MSR and three NOPs
    expect(atEl2(NSH | P | U)).toBe(4n); // P and U are about EL1 and EL0
  });
});

describe('write masks and PMSELR_EL0 indirection (QEMU 7.2)', () => {
  it('SET/CLR registers keep the bits of implemented counters only: C (31) and P0-P5', () => {
    const all = 0xffffffffffffffffn;
    for (const [set, clr] of [[PMCNTENSET, PMCNTENCLR], [PMOVSSET, PMOVSCLR], [PMINTENSET, PMINTENCLR]] as const) {
      const r = run([msr(set, 1), mrs(set, 2), mrs(clr, 3), msr(clr, 4), mrs(set, 5)], [all, 0n, 0n, 0x80000001n]);
      expect([r.x[2], r.x[3], r.x[5]]).toEqual([0x8000003fn, 0x8000003fn, 0x3en]);
    }
  });

  it('PMCR_EL0 keeps E, D, X, DP, LC (and LP, as QEMU); IMP, IDCODE, N are read-only', () => {
    expect(run([msr(PMCR, 1), mrs(PMCR, 0)], [0xffffffffn]).x[0]).toBe(0x410130f9n);
  });

  it('PMSELR_EL0.SEL [4:0]; PMXEVTYPER/PMXEVCNTR_EL0 reach the selected counter; SEL 31 is PMCCFILTR_EL0', () => {
    const r = run([
      msr(PMSELR, 1), mrs(PMSELR, 2), msr(PMXEVTYPER, 3), msr(PMXEVCNTR, 4), mrs(PMEVTYPER(2), 5), mrs(PMEVCNTR(2), 6),
      mrs(PMXEVTYPER, 7), mrs(PMXEVCNTR, 8),
    ], [0xffffffe2n, 0n, 0xffffffffn, 0x1_2345_6789n]);
    expect(r.x[2]).toBe(2n);
    expect(r.x[5]).toBe(0xfe00ffffn); // P, U, NSK, NSU, NSH, M, MT and evtCount [15:0]
    expect(r.x[6]).toBe(0x1_2345_6789n); // 64-bit counters on max (PMUv3p5)
    expect([r.x[7], r.x[8]]).toEqual([0xfe00ffffn, 0x1_2345_6789n]);
    const a57 = run([msr(PMSELR, 1), msr(PMXEVCNTR, 4), mrs(PMEVCNTR(2), 6)], [0xffffffe2n, 0n, 0n, 0x1_2345_6789n], { model: 'cortex-a57' });
    expect(a57.x[6]).toBe(0x23456789n); // 32-bit counters (PMUv3)
    const c = run([msr(PMSELR, 1), msr(PMXEVTYPER, 2), mrs(PMCCFILTR, 3), mrs(PMXEVCNTR, 4)], [31n, 0xffffffffn]);
    expect(c.x[3]).toBe(0xfc000000n); // PMCCFILTR_EL0: P, U, NSK, NSU, NSH, M
    expect(c.x[4], 'PMXEVCNTR_EL0 with SEL 31: RAZ/WI (QEMU)').toBe(0n);
    const none = run([msr(PMSELR, 1), msr(PMXEVTYPER, 2), mrs(PMXEVTYPER, 3)], [7n, 0x11n]);
    expect(none.x[3], 'SEL >= N: RAZ/WI (QEMU)').toBe(0n);
  });

  it('PMUSERENR_EL0 keeps EN, SW, CR, ER [3:0]', () => {
    expect(run([msr(PMUSERENR, 1), mrs(PMUSERENR, 0)], [0xffn]).x[0]).toBe(0xfn);
  });
});

describe('EL0 access: PMUSERENR_EL0 (EN 0, SW 1, CR 2, ER 3), otherwise trapped to EL1 with EC 0x18', () => {
  const iss = ([op0, op1, crn, crm, op2]: Enc, rt: number, read: boolean): number =>
    (op0 << 20) | (op2 << 17) | (op1 << 14) | (crn << 10) | (rt << 5) | (crm << 1) | (read ? 1 : 0);
  /** One access at EL0 with PMUSERENR_EL0 = `enr`: {} when allowed, or the exception. */
  const at0 = (insn: number, enr: number): { ec?: number; iss?: number } => {
    const r = run([msr(PMUSERENR, 1)], [BigInt(enr)], { el0: [insn] });
    return r.ec === undefined ? {} : { ec: r.ec, iss: r.iss };
  };

  it('EN allows every EL0 register; without it they trap with the MRS/MSR ISS', () => {
    for (const e of [PMCR, PMCNTENSET, PMCNTENCLR, PMOVSSET, PMOVSCLR, PMSELR, PMCEID0_ENC, PMCCNTR, PMXEVTYPER, PMXEVCNTR,
      PMCCFILTR, PMEVCNTR(0), PMEVTYPER(5)]) {
      expect(at0(mrs(e, 7), 1)).toEqual({});
      expect(at0(msr(e, 7), 1)).toEqual(e === PMCEID0_ENC ? { ec: 0, iss: 0 } : {});
      expect(at0(mrs(e, 7), 0)).toEqual({ ec: 0x18, iss: iss(e, 7, true) });
      if (e !== PMCEID0_ENC) expect(at0(msr(e, 7), 0)).toEqual({ ec: 0x18, iss: iss(e, 7, false) });
    }
  });

  it('SW allows PMSWINC_EL0; CR allows reading PMCCNTR_EL0; ER reading the event counters and PMSELR_EL0', () => {
    expect(at0(msr(PMSWINC, 3), 2)).toEqual({});
    expect(at0(msr(PMSWINC, 3), 0xc)).toEqual({ ec: 0x18, iss: iss(PMSWINC, 3, false) });
    expect(at0(mrs(PMCCNTR, 3), 4)).toEqual({});
    expect(at0(msr(PMCCNTR, 3), 4), 'writes need EN').toEqual({ ec: 0x18, iss: iss(PMCCNTR, 3, false) });
    expect(at0(mrs(PMEVCNTR(1), 3), 8)).toEqual({});
    expect(at0(mrs(PMXEVCNTR, 3), 8)).toEqual({});
    expect(at0(msr(PMEVCNTR(1), 4), 8), 'writes need EN').toEqual({ ec: 0x18, iss: iss(PMEVCNTR(1), 4, false) });
    expect(at0(msr(PMXEVCNTR, 4), 8)).toEqual({ ec: 0x18, iss: iss(PMXEVCNTR, 4, false) });
    expect(at0(msr(PMSELR, 3), 8)).toEqual({});
    expect(at0(mrs(PMSELR, 3), 8)).toEqual({});
    expect(at0(mrs(PMCR, 3), 0xe)).toEqual({ ec: 0x18, iss: iss(PMCR, 3, true) });
  });

  it('PMUSERENR_EL0 is readable at EL0 and written from EL1 only; PMINTENSET/CLR_EL1 are EL1 registers', () => {
    expect(at0(mrs(PMUSERENR, 3), 0)).toEqual({});
    expect(at0(msr(PMUSERENR, 3), 0xf).ec).toBe(0);
    expect(at0(mrs(PMINTENSET, 3), 0xf).ec).toBe(0);
    expect(at0(msr(PMINTENCLR, 3), 0xf).ec).toBe(0);
  });
});
