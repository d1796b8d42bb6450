// AT (src/sysregs/at.ts) with stage 1 on: the WalkRequest each AT gives the walker and how
// its answer becomes PAR_EL1. The walker is replaced by a stand-in that records the request
// and returns a chosen translation or fault, so these check the AT side only (the walks
// themselves are the walker's tests). Expected values: the Arm ARM's PAR_EL1 layout (D17.2,
// PAR_EL1: F [0]; success: SH [8:7], NS [9], bit 11 RES1, PA [51:12], ATTR [63:56]; fault:
// FST [6:1], PTW [8], S [9]), the AT pages of C5.4 (regime, EL0 or privileged permissions,
// PAN for S1E1RP/WP, stage 1 only for S1E*), and for the stage 2 fault on the walk of AT
// S1E1R at EL1 the AT S1E1R page ("taken to EL2 as a Data Abort") with ESR ISS per D17.2.37
// (S1PTW [7], CM [8], WnR [6]) and HPFAR_EL2.FIPA [43:4] = IPA[51:12] (D17.2.63).
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { Cpu } from '../../src/cpu/cpu.js';
import { MODELS, modelForEl, type StartEl } from '../../src/cpu/models.js';
import { Runner } from '../../src/cpu/run.js';
import { Slot } from '../../src/cpu/state.js';
import type { PhysBus } from '../../src/mmu/memory.js';
import { AccessType, FaultType, Perm, Regime, type MmuFault, type TlbEntry, type WalkRequest } from '../../src/mmu/types.js';

const stand = vi.hoisted(() => ({
  requests: [] as unknown[],
  answer: null as null | object,
  fault: { type: 0, level: 0, stage2: false, s1ptw: false, ipa: 0 },
}));
vi.mock('../../src/mmu/walk.js', async (orig) => {
  const real = await orig<typeof import('../../src/mmu/walk.js')>();
  return {
  ...real,
  walk: (cpu: Cpu, lo: number, hi: number, req: WalkRequest, fault: MmuFault) => {
    // The instruction fetches of the test code go through the MMU too: flat, as the real walker gives them.
    if (!req.at) return { ...page(((hi >>> 0) * 2 ** 32) + ((lo & ~0xfff) >>> 0), 0xff), regime: req.regime, vaLo: lo & ~0xfff, vaHi: hi };
    void cpu;
    stand.requests.push({ ...req, lo, hi });
    if (stand.answer !== null) return stand.answer;
    fault.set(stand.fault.type, stand.fault.level, stand.fault.stage2, stand.fault.s1ptw, stand.fault.ipa);
    return null;
  },
  };
});

const BASE = 0x40000000;
const ALL = Perm.R0 | Perm.W0 | Perm.X0 | Perm.R1 | Perm.W1 | Perm.X1;
const page = (pa: number, attr: number, device = false): TlbEntry => ({
  regime: Regime.EL10, vmid: 0, asid: 0, global: true, vaLo: 0, vaHi: 0, sizeLog2: 12, pa, ipa: -1,
  perm1: ALL, perm2: ALL, level1: 3, level2: 0, attr, device, sh: 3,
});

/** SYS #op1, C7, Cm, #op2, X1. */
const atWord = (op1: number, crm: number, op2: number): number => (0xd5087001 | (op1 << 16) | (crm << 8) | (op2 << 5)) >>> 0;

interface Run { cpu: Cpu; par: bigint; req: Record<string, unknown> }
/** Runs one AT at `el` with X1 = va and stage 1 on in every regime (SCTLR_ELx.M = 1). */
function run(op: [number, number, number], va: bigint, el: number, mode: StartEl = 2, setup: (cpu: Cpu) => void = () => {}): Run {
  stand.requests.length = 0;
  const ram = new Uint8Array(1 << 16);
  const bus: PhysBus = { ram, ramBase: BASE, mmioRead: () => undefined, mmioWrite: () => false };
  const cpu = new Cpu(bus, modelForEl(MODELS.max, mode), {});
  cpu.resetTo(el, BigInt(BASE));
  for (let i = 0; i < 3; i++) cpu.x[Slot.SCTLR_EL1 + i] |= 1n;
  for (let i = 0; i < 3; i++) cpu.x[Slot.VBAR_EL1 + i] = BigInt(BASE + 0x1000 * (i + 1));
  cpu.x[1] = va;
  setup(cpu);
  new DataView(ram.buffer).setUint32(0, atWord(...op), true);
  new Runner(cpu).run(1);
  return { cpu, par: cpu.x[Slot.PAR_EL1], req: stand.requests[0] as Record<string, unknown> };
}

const S1E1R: [number, number, number] = [0, 8, 0];
const S1E0W: [number, number, number] = [0, 8, 3];
const S1E1RP: [number, number, number] = [0, 9, 0];
const S1E2W: [number, number, number] = [4, 8, 1];
const S12E1R: [number, number, number] = [4, 8, 4];
const S12E0W: [number, number, number] = [4, 8, 7];
const S1E3R: [number, number, number] = [6, 8, 0];

const E2H = 1n << 34n;
const TGE = 1n << 27n;
const RW = 1n << 31n;
const VM = 1n;

beforeEach(() => {
  stand.answer = null;
  stand.fault = { type: 0, level: 0, stage2: false, s1ptw: false, ipa: 0 };
});

describe('AT: the request given to the walker (Arm ARM C5.4)', () => {
  it('S1E1R: EL1&0, privileged, read, no PAN, stage 1 only, at', () => {
    stand.answer = page(0x80000000, 0xff);
    const { req } = run(S1E1R, 0x1234n, 1);
    expect(req).toMatchObject({ regime: Regime.EL10, priv: 1, acc: AccessType.READ, pan: false, s1Only: true, at: true, cm: false, lo: 0x1234, hi: 0 });
  });
  it('S1E0W: unprivileged write; S1E1RP: PAN applies when PSTATE.PAN is 1', () => {
    stand.answer = page(0x80000000, 0xff);
    expect(run(S1E0W, 0n, 1).req).toMatchObject({ regime: Regime.EL10, priv: 0, acc: AccessType.WRITE, pan: false, s1Only: true });
    expect(run(S1E1RP, 0n, 1, 2, (c) => void (c.pan = 1)).req).toMatchObject({ priv: 1, pan: true });
    expect(run(S1E1RP, 0n, 1).req).toMatchObject({ pan: false });
  });
  it('S12E1R / S12E0W at EL2: both stages; S1E2W: the EL2 regime, EL2&0 with E2H = 1', () => {
    stand.answer = page(0x80000000, 0xff);
    expect(run(S12E1R, 0n, 2, 2, (c) => void (c.x[Slot.HCR_EL2] = RW | VM)).req).toMatchObject({ regime: Regime.EL10, priv: 1, s1Only: false });
    expect(run(S12E0W, 0n, 2).req).toMatchObject({ regime: Regime.EL10, priv: 0, acc: AccessType.WRITE, s1Only: false });
    expect(run(S1E2W, 0n, 2).req).toMatchObject({ regime: Regime.EL2, priv: 1, acc: AccessType.WRITE, s1Only: true });
    expect(run(S1E2W, 0n, 2, 2, (c) => void (c.x[Slot.HCR_EL2] = RW | E2H)).req).toMatchObject({ regime: Regime.EL20 });
  });
  it('S1E1R at EL2 with HCR_EL2.{E2H,TGE} = {1,1}: the EL2&0 regime', () => {
    stand.answer = page(0x80000000, 0xff);
    expect(run(S1E1R, 0n, 2, 2, (c) => void (c.x[Slot.HCR_EL2] = RW | E2H | TGE)).req).toMatchObject({ regime: Regime.EL20 });
    expect(run(S1E1R, 0n, 2, 2, (c) => void (c.x[Slot.HCR_EL2] = RW | E2H)).req).toMatchObject({ regime: Regime.EL10 });
  });
  it('S1E3R: the EL3 regime; with stage 1 off no walk (AArch64.TranslateAddressS1Off)', () => {
    stand.answer = page(0x80000000, 0xff);
    expect(run(S1E3R, 0n, 3, 3).req).toMatchObject({ regime: Regime.EL3, priv: 1 });
    const off = run(S1E3R, 0x5000n, 3, 3, (c) => void (c.x[Slot.SCTLR_EL1 + 2] &= ~1n));
    expect(off.req).toBeUndefined();
    expect(off.par).toBe(0x5000n | 0x800n | (2n << 7n)); // NS = 0 (EL3 is Secure), SH = 0b10
  });
});

describe('AT: PAR_EL1 formats (Arm ARM D17.2, PAR_EL1)', () => {
  it('success: PA[51:12], ATTR = the MAIR byte, NS = 1 (Non-secure regime), SH, F = 0, bit 11', () => {
    stand.answer = page(0x000f_1234_5678_9000, 0xff);
    // Normal Write-back: SH 0b11 (a64emu reports Inner Shareable: TlbEntry has no SH field).
    expect(run(S1E1R, 0x9abcn, 1).par).toBe(0xff0f_1234_5678_9000n | 0x800n | 0x200n | (3n << 7n));
    // Device-nGnRE (0x04): SH 0b10, whatever the descriptor said (PAREncodeShareability).
    stand.answer = page(0x0900_0000, 0x04, true);
    expect(run(S1E1R, 0n, 1).par).toBe(0x0400_0000_0900_0000n | 0x800n | 0x200n | (2n << 7n));
    // Normal Non-cacheable (0x44): SH 0b10.
    stand.answer = page(0x4000_0000, 0x44);
    expect(run(S1E1R, 0n, 1).par).toBe(0x4400_0000_4000_0000n | 0x800n | 0x200n | (2n << 7n));
  });
  it('fault: F = 1, FST = the fault status code, S and PTW for stage 2 (at EL2, reported, not taken)', () => {
    stand.fault = { type: FaultType.TRANSLATION, level: 2, stage2: false, s1ptw: false, ipa: 0 };
    expect(run(S1E1R, 0n, 1).par).toBe(0x801n | (0x06n << 1n));
    stand.fault = { type: FaultType.PERMISSION, level: 3, stage2: true, s1ptw: false, ipa: 0x8000_0000 };
    expect(run(S12E1R, 0n, 2).par).toBe(0x801n | (0x0fn << 1n) | 0x200n);
    stand.fault = { type: FaultType.TRANSLATION, level: 1, stage2: true, s1ptw: true, ipa: 0x8000_0000 };
    expect(run(S12E0W, 0n, 2).par).toBe(0x801n | (0x05n << 1n) | 0x200n | 0x100n);
    // AT S1E1R at EL2 reports a stage 2 fault on its walk too (only EL1 takes it).
    expect(run(S1E1R, 0n, 2).par).toBe(0x801n | (0x05n << 1n) | 0x200n | 0x100n);
    stand.fault = { type: FaultType.ACCESS_FLAG, level: 3, stage2: false, s1ptw: false, ipa: 0 };
    expect(run(S1E1R, 0n, 1).par).toBe(0x801n | (0x0bn << 1n));
  });
  it('a stage 2 fault on the stage 1 walk of AT S1E1R at EL1 is a Data Abort to EL2; PAR_EL1 unchanged', () => {
    stand.fault = { type: FaultType.TRANSLATION, level: 1, stage2: true, s1ptw: true, ipa: 0x1_2345_6000 };
    const { cpu, par } = run(S1E1R, 0xdead_b000n, 1, 2, (c) => {
      c.x[Slot.HCR_EL2] = RW | VM;
      c.x[Slot.PAR_EL1] = 0x1234n;
    });
    expect(par).toBe(0x1234n);
    expect(cpu.el).toBe(2);
    // EC 0x24 (from a lower EL), IL, CM, S1PTW, WnR, DFSC 0x05 (translation, level 1).
    expect(cpu.x[Slot.ESR_EL1 + 1]).toBe((0x24n << 26n) | (1n << 25n) | (1n << 8n) | (1n << 7n) | (1n << 6n) | 0x05n);
    expect(cpu.x[Slot.FAR_EL1 + 1]).toBe(0xdead_b000n);
    expect(cpu.x[Slot.HPFAR_EL2]).toBe(0x1_2345_6n << 4n);
    expect(cpu.x[Slot.ELR_EL1 + 1]).toBe(BigInt(BASE));
  });
});
