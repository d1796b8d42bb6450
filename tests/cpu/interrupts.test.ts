// Asynchronous exceptions: routing and masking of physical and virtual IRQ/FIQ/SError, their
// entry (vector, ELR, SPSR, ESR), ISR_EL1, WFI wake-up, and FEAT_RAS (ESB, DISR_EL1, TERR).
//
// Expected values from the Arm ARM (DDI 0487J.a):
// - D1.3.6, table R_SXLWJ "Physical interrupt routing and masking" (AArch64 at every EL):
//   legend T = taken to the target EL whatever PSTATE.{A,I,F}, M = taken unless masked by
//   PSTATE, P = not taken (stays pending). With SCR_EL3.NS = 1: SCR_EL3.<IRQ|FIQ|EA> = 1:
//   EL0-EL2 T (to EL3), EL3 M. SCR bit 0, TGE 0, xMO 0: EL0/EL1 M (to EL1), EL2 P, EL3 P.
//   SCR bit 0, TGE 0, xMO 1 (or TGE 1): EL0/EL1 T (to EL2), EL2 M, EL3 P. With SCR_EL3.NS
//   = 0 (no Secure EL2): SCR bit 0: EL0/EL1 M (to EL1), EL3 P; SCR bit 1: EL0/EL1 T, EL3 M.
// - HCR_EL2.IMO/FMO/AMO (D17.2.48): virtual interrupts are enabled when xMO = 1 and TGE = 0
//   with EL2 enabled; they are taken to EL1 from EL0/EL1 only, masked by PSTATE; with TGE = 1
//   (E2H = 0) xMO behaves as 1 for routing.
// - D1.3.1 vector offsets: IRQ 0x080, FIQ 0x100, SError 0x180; +0x200 current EL with SP_ELx,
//   +0x400 lower EL (AArch64). ELR = the next instruction to execute (preferred return
//   address of an asynchronous exception); SPSR = PSTATE before; DAIF all set after.
// - ESR_ELx (D17.2.37) for an SError: EC 0x2F, IL 1, ISS = the syndrome; a virtual SError
//   takes IDS/ISS from VSESR_EL2 with FEAT_RAS and clears HCR_EL2.VSE
//   (AArch64.TakeVirtualSErrorException).
// - ISR_EL1 (D17.2): A [8], I [7], F [6]; at EL1 with xMO = 1 the virtual state.
// - ESB (C6.2, AArch64.ESBOperation/vESBOperation, AArch64.ReportDeferredSError): a masked
//   pending SError is deferred into DISR_EL1 (virtual: VDISR_EL2 with VSESR_EL2's syndrome)
//   as A [31] | IDS [24] | ISS [23:0], and cleared.
import { describe, expect, it } from 'vitest';
import { Cpu } from '../../src/cpu/cpu.js';
import { MODELS, modelForEl, type StartEl } from '../../src/cpu/models.js';
import { Runner } from '../../src/cpu/run.js';
import { Slot } from '../../src/cpu/state.js';
import { takeInterrupt } from '../../src/cpu/interrupts.js';
import type { PhysBus } from '../../src/mmu/memory.js';

const BASE = 0x40000000;
const VBAR = (el: number): bigint => 0x40008000n + BigInt(el) * 0x1000n;
const NOP = 0xd503201f;

type Mode = StartEl | 'el3el2';
type Kind = 'irq' | 'fiq' | 'serror' | 'virq' | 'vfiq' | 'vserror';

/** HCR_EL2 and SCR_EL3 bits. */
const HCR = { FMO: 1n << 3n, IMO: 1n << 4n, AMO: 1n << 5n, VF: 1n << 6n, VI: 1n << 7n, VSE: 1n << 8n, TGE: 1n << 27n, RW: 1n << 31n, TERR: 1n << 36n };
const SCR = { NS: 1n, IRQ: 2n, FIQ: 4n, EA: 8n, TERR: 1n << 15n };

/** A CPU in start mode `mode` (model `model`), at `el` with DAIF `daif`, running NOPs at BASE. */
function cpuAt(mode: Mode, el: number, daif: number, model = 'max'): { cpu: Cpu; runner: Runner; ram: Uint8Array } {
  const ram = new Uint8Array(1 << 16);
  const bus: PhysBus = { ram, ramBase: BASE, mmioRead: () => undefined, mmioWrite: () => false };
  const m = mode === 'el3el2' ? modelForEl(MODELS[model], 3, { el2: true }) : modelForEl(MODELS[model], mode);
  const cpu = new Cpu(bus, m, {});
  cpu.resetTo(el === 0 ? 1 : el, BigInt(BASE));
  if (el === 0) cpu.selectSp(0, 0);
  cpu.daif = daif;
  for (let e = 1; e <= 3; e++) cpu.x[Slot.VBAR_EL1 + e - 1] = VBAR(e);
  const dv = new DataView(ram.buffer);
  // NOPs everywhere, vectors included: a step that takes an interrupt runs the vector's NOP.
  for (let i = 0; i < ram.length / 4; i++) dv.setUint32(4 * i, NOP, true);
  return { cpu, runner: new Runner(cpu), ram };
}

const PSTATE_BIT: Record<Kind, number> = { irq: 2, fiq: 1, serror: 4, virq: 2, vfiq: 1, vserror: 4 };
const VIRTUAL_HCR: Record<string, bigint> = { virq: HCR.VI, vfiq: HCR.VF, vserror: HCR.VSE };

function raise(cpu: Cpu, kind: Kind): void {
  if (kind === 'irq') cpu.setIrq(true);
  else if (kind === 'fiq') cpu.setFiq(true);
  else if (kind === 'serror') cpu.setSError(true, 0x123);
  else {
    cpu.x[Slot.HCR_EL2] |= VIRTUAL_HCR[kind];
    cpu.contextChanged();
  }
}

/**
 * The EL `kind` is taken to from `el` with `hcr`/`scr` and PSTATE mask bit `masked`, or 0
 * when it is not taken: one step of the run loop, which checks the lines before the block.
 */
function outcome(mode: Mode, el: number, kind: Kind, o: { hcr?: bigint; scr?: bigint; masked?: boolean }): number {
  const { cpu, runner } = cpuAt(mode, el, o.masked ? PSTATE_BIT[kind] : 0);
  if (o.hcr !== undefined) cpu.x[Slot.HCR_EL2] = o.hcr | HCR.RW;
  if (o.scr !== undefined) cpu.x[Slot.SCR_EL3] = o.scr | 0x430n;
  raise(cpu, kind);
  runner.run(1);
  // Not taken: the NOP at BASE ran, the PC is at BASE + 4 at the same EL.
  if (cpu.pc === BigInt(BASE + 4) && cpu.el === el) return 0;
  return cpu.el;
}

describe('physical interrupt routing and masking (Arm ARM D1.3.6, R_SXLWJ)', () => {
  // [mode, from EL, SCR routing bit, HCR bits, expected when unmasked, expected when masked]
  type Row = [Mode, number, boolean, bigint, number, number];
  const NS_EL3EL2: Row[] = [
    // SCR_EL3.<bit> = 1: EL0-EL2 T to EL3; EL3 M
    ['el3el2', 0, true, 0n, 3, 3], ['el3el2', 1, true, 0n, 3, 3], ['el3el2', 2, true, 0n, 3, 3], ['el3el2', 3, true, 0n, 3, 0],
    // SCR 0, TGE 0, xMO 0: EL0/EL1 M to EL1; EL2 P; EL3 P
    ['el3el2', 0, false, 0n, 1, 0], ['el3el2', 1, false, 0n, 1, 0], ['el3el2', 2, false, 0n, 0, 0], ['el3el2', 3, false, 0n, 0, 0],
    // SCR 0, TGE 0, xMO 1: EL0/EL1 T to EL2; EL2 M; EL3 P
    ['el3el2', 0, false, -1n, 2, 2], ['el3el2', 1, false, -1n, 2, 2], ['el3el2', 2, false, -1n, 2, 0], ['el3el2', 3, false, -1n, 0, 0],
    // SCR 0, TGE 1 (xMO 0, behaving as 1): EL0/EL1 T to EL2; EL2 M
    ['el3el2', 0, false, HCR.TGE, 2, 2], ['el3el2', 1, false, HCR.TGE, 2, 2], ['el3el2', 2, false, HCR.TGE, 2, 0],
    // EL2 without EL3 (SCR_EL3 behaves as NS = 1, routing bits 0)
    [2, 0, false, 0n, 1, 0], [2, 1, false, 0n, 1, 0], [2, 2, false, 0n, 0, 0],
    [2, 0, false, -1n, 2, 2], [2, 1, false, -1n, 2, 2], [2, 2, false, -1n, 2, 0],
    [2, 0, false, HCR.TGE, 2, 2], [2, 2, false, HCR.TGE, 2, 0],
    // EL3 without EL2 (Secure or not, no EL2): SCR 1: EL0/EL1 T, EL3 M; SCR 0: EL0/EL1 M, EL3 P
    [3, 0, true, 0n, 3, 3], [3, 1, true, 0n, 3, 3], [3, 3, true, 0n, 3, 0],
    [3, 0, false, 0n, 1, 0], [3, 1, false, 0n, 1, 0], [3, 3, false, 0n, 0, 0],
    // EL1 only: M to EL1
    [1, 0, false, 0n, 1, 0], [1, 1, false, 0n, 1, 0],
  ];
  const bits: Record<string, { scr: bigint; hcr: bigint }> = {
    irq: { scr: SCR.IRQ, hcr: HCR.IMO },
    fiq: { scr: SCR.FIQ, hcr: HCR.FMO },
    serror: { scr: SCR.EA, hcr: HCR.AMO },
  };
  for (const kind of ['irq', 'fiq', 'serror'] as const) {
    it(`${kind}: every row of the table, masked and unmasked`, () => {
      const wrong: string[] = [];
      for (const [mode, el, scrBit, hcrSel, unmasked, masked] of NS_EL3EL2) {
        const hcr = hcrSel === -1n ? bits[kind].hcr : hcrSel;
        const scr = (mode === 'el3el2' || mode === 3 ? SCR.NS : 0n) | (scrBit ? bits[kind].scr : 0n);
        for (const [m, want] of [[false, unmasked], [true, masked]] as const) {
          const got = outcome(mode, el, kind, { hcr: mode === 1 || mode === 3 ? undefined : hcr, scr: mode === 3 || mode === 'el3el2' ? scr : undefined, masked: m });
          if (got !== want) wrong.push(`${mode} EL${el} scr=${scrBit} hcr=0x${hcr.toString(16)} masked=${m}: got ${got}, want ${want}`);
        }
      }
      expect(wrong).toEqual([]);
    });
  }

  it('Secure state (SCR_EL3.NS = 0): EL2 is not enabled, so HCR_EL2.IMO/TGE route nothing', () => {
    // NS = 0, IRQ = 0: EL1 M to EL1 (not EL2), EL3 P.
    expect(outcome('el3el2', 1, 'irq', { hcr: HCR.IMO | HCR.TGE, scr: 0n })).toBe(1);
    expect(outcome('el3el2', 1, 'irq', { hcr: HCR.IMO, scr: 0n, masked: true })).toBe(0);
    // NS = 0, IRQ = 1: T to EL3.
    expect(outcome('el3el2', 1, 'irq', { hcr: 0n, scr: SCR.IRQ, masked: true })).toBe(3);
  });
});

describe('virtual interrupts (HCR_EL2.VI/VF/VSE with IMO/FMO/AMO, TGE = 0)', () => {
  const cases: [Kind, bigint][] = [['virq', HCR.IMO], ['vfiq', HCR.FMO], ['vserror', HCR.AMO]];
  for (const [kind, xmo] of cases) {
    it(`${kind}: taken to EL1 from EL0/EL1 when enabled and unmasked, never from EL2/EL3`, () => {
      expect(outcome(2, 1, kind, { hcr: xmo })).toBe(1);
      expect(outcome(2, 0, kind, { hcr: xmo })).toBe(1);
      // masked by PSTATE at EL1 and (target EL1) at EL0
      expect(outcome(2, 1, kind, { hcr: xmo, masked: true })).toBe(0);
      expect(outcome(2, 0, kind, { hcr: xmo, masked: true })).toBe(0);
      // xMO = 0: virtual interrupts disabled; TGE = 1: not taken either
      expect(outcome(2, 1, kind, { hcr: 0n })).toBe(0);
      expect(outcome(2, 0, kind, { hcr: xmo | HCR.TGE })).toBe(0);
      // only at EL0/EL1
      expect(outcome(2, 2, kind, { hcr: xmo })).toBe(0);
      expect(outcome('el3el2', 3, kind, { hcr: xmo, scr: SCR.NS })).toBe(0);
      // EL2 not enabled (Secure state): not taken
      expect(outcome('el3el2', 1, kind, { hcr: xmo, scr: 0n })).toBe(0);
      expect(outcome('el3el2', 1, kind, { hcr: xmo, scr: SCR.NS })).toBe(1);
    });
  }
});

describe('interrupt entry', () => {
  it('IRQ from EL1 to EL1 (SP_EL1): VBAR_EL1 + 0x280, ELR the next instruction, SPSR, DAIF set', () => {
    const { cpu, runner } = cpuAt(1, 1, 0);
    cpu.nzcv = 0x60000000;
    runner.run(3); // three NOPs (one block, up to the budget)
    cpu.setIrq(true);
    runner.run(1);
    expect(cpu.el).toBe(1);
    expect(cpu.x[Slot.ELR_EL1]).toBe(BigInt(BASE + 12));
    expect(cpu.x[Slot.SPSR_EL1]).toBe(0x60000005n); // EL1h, DAIF clear, Z C set
    expect(cpu.daif).toBe(0xf);
    // The step took the IRQ and ran the vector's NOP.
    expect(cpu.pc).toBe(VBAR(1) + 0x280n + 4n);
  });

  it('FIQ from EL0 to EL1: VBAR_EL1 + 0x500; SError from EL1 to EL2 (AMO): VBAR_EL2 + 0x580 with ESR', () => {
    let { cpu, runner } = cpuAt(1, 0, 0);
    cpu.setFiq(true);
    runner.run(1);
    expect([cpu.el, cpu.pc, cpu.x[Slot.ELR_EL1], cpu.x[Slot.SPSR_EL1]]).toEqual([1, VBAR(1) + 0x500n + 4n, BigInt(BASE), 0x40000000n]); // EL0t; Z set (reset)
    ({ cpu, runner } = cpuAt(2, 1, 0xf));
    cpu.x[Slot.HCR_EL2] = HCR.RW | HCR.AMO;
    cpu.setSError(true, 0x1abcdef);
    runner.run(1);
    expect(cpu.el).toBe(2);
    expect(cpu.pc).toBe(VBAR(2) + 0x580n + 4n);
    expect(cpu.x[Slot.ESR_EL1 + 1]).toBe(0xbe000000n | 0x1abcdefn); // EC 0x2F, IL, ISS
    expect(cpu.x[Slot.SPSR_EL1 + 1]).toBe(0x400003c5n); // EL1h, DAIF, Z (reset)
  });

  it('a virtual SError takes ESR_EL1.ISS from VSESR_EL2 (FEAT_RAS) and clears HCR_EL2.VSE', () => {
    const { cpu, runner } = cpuAt(2, 1, 0);
    cpu.x[Slot.HCR_EL2] = HCR.RW | HCR.AMO | HCR.VSE;
    cpu.x[Slot.VSESR_EL2] = 0xffffffffn;
    cpu.contextChanged();
    runner.run(1);
    expect(cpu.el).toBe(1);
    expect(cpu.pc).toBe(VBAR(1) + 0x380n + 4n);
    expect(cpu.x[Slot.ESR_EL1]).toBe(0xbe000000n | 0x1ffffffn);
    expect(cpu.x[Slot.HCR_EL2] & HCR.VSE).toBe(0n);
    expect(cpu.irqLines).toBe(0);
  });

  it('without FEAT_RAS (cortex-a57) the virtual SError ISS is 0', () => {
    const { cpu, runner } = cpuAt(2, 1, 0, 'cortex-a57');
    cpu.x[Slot.HCR_EL2] = HCR.RW | HCR.AMO | HCR.VSE;
    cpu.contextChanged();
    runner.run(1);
    expect(cpu.x[Slot.ESR_EL1]).toBe(0xbe000000n);
  });

  it('a compiled block: the interrupt is taken at its end, ELR the next instruction', () => {
    const { cpu, runner, ram } = cpuAt(1, 1, 0);
    // loop: 3 NOPs, then b loop (0x17fffffd)
    new DataView(ram.buffer).setUint32(12, 0x17fffffd, true);
    runner.run(4 * 20); // 20 runs of the block: compiled after 8
    expect(cpu.pc).toBe(BigInt(BASE));
    cpu.setIrq(true);
    runner.run(1);
    expect(cpu.x[Slot.ELR_EL1]).toBe(BigInt(BASE));
    expect(cpu.el).toBe(1);
    expect(cpu.pc).toBe(VBAR(1) + 0x280n + 4n);
  });

  it('onException is told of interrupt entry', () => {
    const { cpu, runner } = cpuAt(1, 0, 0);
    const seen: unknown[] = [];
    cpu.onException = (kind, from, target, hasFar) => void seen.push([kind, from, target, hasFar]);
    cpu.setIrq(true);
    runner.run(1);
    expect(seen).toEqual([[1, 0, 1, false]]);
  });

  it('level-sensitive: a line cleared before the check is not taken', () => {
    const { cpu, runner } = cpuAt(1, 1, 0);
    cpu.setIrq(true);
    cpu.setIrq(false);
    expect(takeInterrupt(cpu)).toBe(false);
    runner.run(1);
    expect(cpu.pc).toBe(BigInt(BASE + 4));
  });
});

/** Runs one instruction `word` at BASE on `cpu`. */
function exec1(c: { cpu: Cpu; runner: Runner; ram: Uint8Array }, word: number): void {
  new DataView(c.ram.buffer).setUint32(0, word, true);
  c.cpu.flushBlocks = true;
  c.cpu.pc = BigInt(BASE);
  c.runner.run(1);
}
const MRS_ISR_X0 = 0xd538c100; // mrs x0, isr_el1
const MRS_DISR_X0 = 0xd538c120; // mrs x0, disr_el1
const MSR_DISR_X0 = 0xd518c120; // msr disr_el1, x0
const MRS_ERRIDR_X0 = 0xd5385300; // mrs x0, erridr_el1
const WFI = 0xd503207f;
const ESB = 0xd503221f;

describe('ISR_EL1', () => {
  it('shows pending physical IRQ/FIQ/SError, masked or not, at EL1', () => {
    const c = cpuAt(1, 1, 0xf);
    c.cpu.setIrq(true);
    c.cpu.setFiq(true);
    c.cpu.setSError(true);
    exec1(c, MRS_ISR_X0);
    expect(c.cpu.x[0]).toBe(0x1c0n);
  });

  it('at EL1 with IMO/FMO/AMO set, the virtual state instead of the physical', () => {
    const c = cpuAt(2, 1, 0xf);
    c.cpu.x[Slot.HCR_EL2] = HCR.RW | HCR.IMO | HCR.VF | HCR.VSE;
    c.cpu.contextChanged();
    c.cpu.setFiq(true); // physical FIQ: shown, FMO is 0
    exec1(c, MRS_ISR_X0);
    expect(c.cpu.x[0]).toBe(0x040n); // F (physical); I: VI clear; A: AMO clear, no physical SError
    c.cpu.x[Slot.HCR_EL2] = HCR.RW | HCR.IMO | HCR.AMO | HCR.VI | HCR.VSE;
    c.cpu.contextChanged();
    c.cpu.setFiq(false);
    exec1(c, MRS_ISR_X0);
    expect(c.cpu.x[0]).toBe(0x180n);
  });
});

describe('WFI', () => {
  it('at EL0 with SCTLR_EL1.nTWI = 0 traps when nothing is pending, completes when an interrupt is pending (masked)', () => {
    let c = cpuAt(1, 0, 0xf);
    c.cpu.x[Slot.SCTLR_EL1] &= ~(1n << 16n);
    exec1(c, WFI);
    expect([c.cpu.el, c.cpu.x[Slot.ESR_EL1]]).toEqual([1, 0x07e00000n]); // EC 0x01, IL, CV, COND 0xE
    c = cpuAt(1, 0, 0xf);
    c.cpu.x[Slot.SCTLR_EL1] &= ~(1n << 16n);
    c.cpu.setIrq(true);
    exec1(c, WFI);
    expect([c.cpu.el, c.cpu.pc]).toEqual([0, BigInt(BASE + 4)]);
  });
});

describe('FEAT_RAS', () => {
  it('ESB defers a pending virtual SError masked by PSTATE.A into VDISR_EL2 and clears HCR_EL2.VSE', () => {
    const c = cpuAt(2, 1, 0x4);
    c.cpu.x[Slot.HCR_EL2] = HCR.RW | HCR.AMO | HCR.VSE;
    c.cpu.x[Slot.VSESR_EL2] = 0x1000042n; // IDS | ISS 0x42
    c.cpu.contextChanged();
    exec1(c, ESB);
    expect(c.cpu.x[Slot.VDISR_EL2]).toBe(0x81000042n);
    expect(c.cpu.x[Slot.HCR_EL2] & HCR.VSE).toBe(0n);
    expect(c.cpu.irqLines).toBe(0);
    // DISR_EL1 at EL1 with AMO = 1 reads VDISR_EL2
    exec1(c, MRS_DISR_X0);
    expect(c.cpu.x[0]).toBe(0x81000042n);
  });

  it('ESB leaves an unmasked virtual SError to be taken, and is a NOP without FEAT_RAS', () => {
    let c = cpuAt(2, 1, 0);
    c.cpu.x[Slot.HCR_EL2] = HCR.RW | HCR.AMO | HCR.VSE;
    c.cpu.contextChanged();
    exec1(c, ESB); // taken before the ESB: the line was up and unmasked at the block boundary
    expect(c.cpu.el).toBe(1);
    expect(c.cpu.x[Slot.VDISR_EL2]).toBe(0n);
    c = cpuAt(2, 1, 0x4, 'cortex-a57');
    c.cpu.x[Slot.HCR_EL2] = HCR.RW | HCR.AMO | HCR.VSE;
    c.cpu.contextChanged();
    exec1(c, ESB);
    expect(c.cpu.x[Slot.HCR_EL2] & HCR.VSE).toBe(HCR.VSE);
  });

  it('ESB defers a masked physical SError into DISR_EL1 and clears it', () => {
    const c = cpuAt(1, 1, 0x4);
    c.cpu.setSError(true, 0x11);
    exec1(c, ESB);
    expect(c.cpu.x[Slot.DISR_EL1]).toBe(0x80000011n);
    expect(c.cpu.irqLines).toBe(0);
  });

  it('DISR_EL1 writes at EL1 go to VDISR_EL2 when HCR_EL2.AMO = 1; RAZ/WI below EL3 when SCR_EL3.EA = 1', () => {
    let c = cpuAt(2, 1, 0xf);
    c.cpu.x[Slot.HCR_EL2] = HCR.RW | HCR.AMO;
    c.cpu.x[0] = 0x80000001n;
    exec1(c, MSR_DISR_X0);
    expect([c.cpu.x[Slot.VDISR_EL2], c.cpu.x[Slot.DISR_EL1]]).toEqual([0x80000001n, 0n]);
    c = cpuAt(3, 1, 0xf);
    c.cpu.x[Slot.SCR_EL3] = 0x431n | SCR.EA;
    c.cpu.x[Slot.DISR_EL1] = 5n;
    exec1(c, MRS_DISR_X0);
    expect(c.cpu.x[0]).toBe(0n);
  });

  it('ERRIDR_EL1 reads 0 (no error records); HCR_EL2.TERR traps EL1 to EL2, SCR_EL3.TERR to EL3 (EC 0x18)', () => {
    let c = cpuAt(2, 1, 0xf);
    c.cpu.x[0] = 7n;
    exec1(c, MRS_ERRIDR_X0);
    expect(c.cpu.x[0]).toBe(0n);
    c = cpuAt(2, 1, 0xf);
    c.cpu.x[Slot.HCR_EL2] = HCR.RW | HCR.TERR;
    exec1(c, MRS_ERRIDR_X0);
    // ISS: Op0 3, Op2 0, Op1 0, CRn 5, Rt 0, CRm 3, read
    expect([c.cpu.el, c.cpu.x[Slot.ESR_EL1 + 1]]).toEqual([2, 0x62301407n]);
    c = cpuAt('el3el2', 2, 0xf);
    c.cpu.x[Slot.SCR_EL3] = 0x431n | SCR.TERR;
    exec1(c, MRS_ERRIDR_X0);
    expect([c.cpu.el, c.cpu.x[Slot.ESR_EL1 + 2]]).toEqual([3, 0x62301407n]);
  });

  it('HCR_EL2.TERR/TEA are writable with FEAT_RAS and RES0 without (Arm ARM D17.2.48; QEMU 7.2 observed: max keeps 0x3080000000, cortex-a57 reads 0x80000000)', () => {
    const MSR_HCR_X0 = 0xd51c1100; // msr hcr_el2, x0
    for (const [model, want] of [['max', 0x3080000000n], ['cortex-a57', 0x80000000n]] as const) {
      const c = cpuAt(2, 2, 0xf, model);
      c.cpu.x[0] = 0x3080000000n;
      exec1(c, MSR_HCR_X0);
      expect(c.cpu.x[Slot.HCR_EL2], model).toBe(want);
    }
  });
});
