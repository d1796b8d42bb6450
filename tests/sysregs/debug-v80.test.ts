// The Armv8.0 debug registers QEMU 7.2 lacks (src/sysregs/debug.ts): every expected value
// comes from the register's page in the Arm ARM (DDI 0487 K.a, section D24.3, cited per test),
// since QEMU 7.2 makes these encodings UNDEFINED (tests/sysregs/sweep/*.txt record that).
import { describe, expect, it } from 'vitest';
import { Cpu } from '../../src/cpu/cpu.js';
import { MODELS, modelForEl } from '../../src/cpu/models.js';
import { Runner } from '../../src/cpu/run.js';
import { Slot } from '../../src/cpu/state.js';
import type { PhysBus } from '../../src/mmu/memory.js';
import { Flag } from '../../src/sysregs/row.js';
import { kvmId, readRaw, sysregByName, writeRaw } from '../../src/sysregs/table.js';
import { RAM_BASE } from '../cpu/harness.js';

type Enc = readonly [op0: number, op1: number, crn: number, crm: number, op2: number];
const sysInsn = (l: number, [op0, op1, crn, crm, op2]: Enc, rt: number): number =>
  (0xd5100000 | (l << 21) | ((op0 - 2) << 19) | (op1 << 16) | (crn << 12) | (crm << 8) | (op2 << 5) | rt) >>> 0;
const msr = (e: Enc, rt: number): number => sysInsn(0, e, rt);
const mrs = (e: Enc, rt: number): number => sysInsn(1, e, rt);

const OSDTRRX: Enc = [2, 0, 0, 0, 2];
const OSDTRTX: Enc = [2, 0, 0, 3, 2];
const OSECCR: Enc = [2, 0, 0, 6, 2];
const OSLAR: Enc = [2, 0, 1, 0, 4];
const MDSCR: Enc = [2, 0, 0, 2, 2];
const DBGPRCR: Enc = [2, 0, 1, 4, 4];
const CLAIMSET: Enc = [2, 0, 7, 8, 6];
const CLAIMCLR: Enc = [2, 0, 7, 9, 6];
const AUTHSTATUS: Enc = [2, 0, 7, 14, 6];
const MDCCSR: Enc = [2, 3, 0, 1, 0];
const DBGDTR: Enc = [2, 3, 0, 4, 0];
const DBGDTRRXTX: Enc = [2, 3, 0, 5, 0];

const TXFULL = 1n << 29n;
const RXFULL = 1n << 30n;
const ONES = (1n << 64n) - 1n;

interface Opts {
  model?: string;
  /** Start mode: 1 (EL1 only), 3 (EL3 and EL2, Non-secure below: SCR_EL3.NS and RW). */
  mode?: 1 | 3;
  /** The EL the words run at (after the setup). */
  el?: number;
  setup?: (cpu: Cpu) => void;
  x?: readonly bigint[];
}
interface Result {
  cpu: Cpu;
  /** Undefined when every word completed; else the EL the exception went to and its EC. */
  trap?: { el: number; ec: number };
}

/** Runs `words` from reset with x1.. = `x`, at `el`. */
function run(words: number[], o: Opts = {}): Result {
  const ram = new Uint8Array(1 << 16);
  const bus: PhysBus = { ram, ramBase: RAM_BASE, mmioRead: () => undefined, mmioWrite: () => false };
  const base = MODELS[o.model ?? 'cortex-a57'];
  const mode = o.mode ?? 1;
  const cpu = new Cpu(bus, mode === 3 ? modelForEl(base, 3, { el2: true }) : base, {});
  cpu.resetTo(mode, BigInt(RAM_BASE));
  if (mode === 3) {
    cpu.x[Slot.SCR_EL3] = 0x401n; // NS, RW
    cpu.x[Slot.HCR_EL2] = 1n << 31n; // RW
  }
  o.setup?.(cpu);
  (o.x ?? []).forEach((v, i) => (cpu.x[i + 1] = v));
  cpu.selectSp(o.el ?? mode, o.el === 0 ? 0 : 1);
  words.forEach((w, i) => new DataView(ram.buffer).setUint32(4 * i, w, true));
  new Runner(cpu).run(words.length);
  if (cpu.pc === BigInt(RAM_BASE + 4 * words.length)) return { cpu };
  return { cpu, trap: { el: cpu.el, ec: Number(cpu.x[Slot.ESR_EL1 + cpu.el - 1] >> 26n) } };
}

describe('DBGAUTHSTATUS_EL1 (D24.3.1)', () => {
  it('reads 0xff with EL3 (SNID, SID, NSNID, NSID all 0b11: implemented and enabled) and 0x0f without (no Secure state: 0b00)', () => {
    expect(run([mrs(AUTHSTATUS, 0)], { mode: 3 }).cpu.x[0]).toBe(0xffn);
    expect(run([mrs(AUTHSTATUS, 0)], { mode: 3, el: 1 }).cpu.x[0]).toBe(0xffn);
    expect(run([mrs(AUTHSTATUS, 0)]).cpu.x[0]).toBe(0x0fn);
    expect(run([mrs(AUTHSTATUS, 0)], { model: 'max' }).cpu.x[0]).toBe(0x0fn);
  });
  it('is read-only (MSR UNDEFINED) and UNDEFINED at EL0', () => {
    expect(run([msr(AUTHSTATUS, 1)]).trap).toEqual({ el: 1, ec: 0 });
    expect(run([mrs(AUTHSTATUS, 0)], { el: 0 }).trap).toEqual({ el: 1, ec: 0 });
  });
});

describe('DBGCLAIMSET_EL1, DBGCLAIMCLR_EL1 (D24.3.4, D24.3.5)', () => {
  it('CLAIMSET reads 0xff (RAO); the tags reset to 0; SET writes set the 1 bits of [7:0], CLR writes clear them (W1C); [63:8] ignored', () => {
    const r = run([
      mrs(CLAIMSET, 10), mrs(CLAIMCLR, 11), msr(CLAIMSET, 1), mrs(CLAIMCLR, 12), msr(CLAIMSET, 2), mrs(CLAIMCLR, 13),
      msr(CLAIMCLR, 3), mrs(CLAIMCLR, 14), mrs(CLAIMSET, 15),
    ], { x: [0x1_0000_ff21n, 0x84n, ONES - 0x7bn] });
    expect([r.cpu.x[10], r.cpu.x[11], r.cpu.x[12], r.cpu.x[13], r.cpu.x[14], r.cpu.x[15]]).toEqual([0xffn, 0n, 0x21n, 0xa5n, 0x21n, 0xffn]);
  });
  it('UNDEFINED at EL0; MDCR_EL2.TDA traps EL1 to EL2, MDCR_EL3.TDA traps EL2 to EL3 (EC 0x18)', () => {
    expect(run([msr(CLAIMSET, 1)], { el: 0 }).trap).toEqual({ el: 1, ec: 0 });
    const tda = 1n << 9n;
    expect(run([mrs(CLAIMCLR, 0)], { mode: 3, el: 1, setup: (c) => void (c.x[Slot.MDCR_EL2] = tda) }).trap).toEqual({ el: 2, ec: 0x18 });
    expect(run([mrs(CLAIMCLR, 0)], { mode: 3, el: 2, setup: (c) => void (c.x[Slot.MDCR_EL2] = tda) }).trap).toBeUndefined();
    expect(run([msr(CLAIMSET, 0)], { mode: 3, el: 2, setup: (c) => void (c.x[Slot.MDCR_EL3] = tda) }).trap).toEqual({ el: 3, ec: 0x18 });
    // MDCR_EL2.TDE makes TDA behave as 1.
    expect(run([msr(CLAIMSET, 0)], { mode: 3, el: 1, setup: (c) => void (c.x[Slot.MDCR_EL2] = 1n << 8n) }).trap).toEqual({ el: 2, ec: 0x18 });
  });
  it('DBGCLAIMCLR_EL1 owns the tags (raw round-trip); DBGCLAIMSET_EL1 is an ALIAS view without raw state', () => {
    const cpu = run([]).cpu;
    const clr = sysregByName(cpu.model, 'DBGCLAIMCLR_EL1')!;
    expect(writeRaw(cpu, clr, 0x5an)).toBe(true);
    expect(readRaw(cpu, clr)).toBe(0x5an);
    expect(sysregByName(cpu.model, 'DBGCLAIMSET_EL1')!.flags).toBe(Flag.ALIAS | Flag.NO_RAW);
  });
});

describe('DBGPRCR_EL1 (D24.3.9)', () => {
  it('resets to 0 (EDPRCR.COREPURQ: no external power-up request) and keeps CORENPDRQ (bit 0) only', () => {
    const r = run([mrs(DBGPRCR, 10), msr(DBGPRCR, 1), mrs(DBGPRCR, 11)], { x: [ONES] });
    expect([r.cpu.x[10], r.cpu.x[11]]).toEqual([0n, 1n]);
  });
  it('is trapped by TDOSA, not TDA: MDCR_EL2.TDOSA (bit 10) to EL2 from EL1, MDCR_EL3.TDOSA to EL3 from EL2; UNDEFINED at EL0', () => {
    const tdosa = 1n << 10n;
    expect(run([mrs(DBGPRCR, 0)], { mode: 3, el: 1, setup: (c) => void (c.x[Slot.MDCR_EL2] = tdosa) }).trap).toEqual({ el: 2, ec: 0x18 });
    expect(run([mrs(DBGPRCR, 0)], { mode: 3, el: 1, setup: (c) => void (c.x[Slot.MDCR_EL2] = 1n << 9n) }).trap).toBeUndefined();
    expect(run([msr(DBGPRCR, 0)], { mode: 3, el: 2, setup: (c) => void (c.x[Slot.MDCR_EL3] = tdosa) }).trap).toEqual({ el: 3, ec: 0x18 });
    expect(run([mrs(DBGPRCR, 0)], { el: 0 }).trap).toEqual({ el: 1, ec: 0 });
  });
});

describe('the Debug Communications Channel with no external debugger (D24.3.6-8, D24.3.16, D24.3.24-25)', () => {
  it('MSR DBGDTRTX_EL0 writes DTRTX (Xt[31:0]) and sets TXfull, which nothing clears; OSDTRTX_EL1 reads DTRTX without side effect', () => {
    const r = run([mrs(MDCCSR, 10), msr(DBGDTRRXTX, 1), mrs(MDCCSR, 11), mrs(OSDTRTX, 12), mrs(MDCCSR, 13)], { x: [0xaaaa_bbbb_1234_5678n] });
    expect([r.cpu.x[10], r.cpu.x[11], r.cpu.x[12], r.cpu.x[13]]).toEqual([0n, TXFULL, 0x1234_5678n, TXFULL]);
  });
  it('MRS DBGDTRRX_EL0 returns DTRRX and clears RXfull; OSDTRRX_EL1 writes DTRRX without setting RXfull', () => {
    const r = run([msr(OSDTRRX, 1), mrs(MDCCSR, 10), mrs(DBGDTRRXTX, 11), mrs(MDCCSR, 12), mrs(OSDTRRX, 13)], {
      x: [0xffff_ffff_cafe_f00dn],
      setup: (c) => void (c.x[Slot.MDCCSR_EL0] = RXFULL), // as if a debugger had written DTRRX
    });
    expect([r.cpu.x[10], r.cpu.x[11], r.cpu.x[12], r.cpu.x[13]]).toEqual([RXFULL, 0xcafe_f00dn, 0n, 0xcafe_f00dn]);
  });
  it('DBGDTR_EL0: a write sets DTRRX = Xt[63:32], DTRTX = Xt[31:0] and TXfull; a read returns DTRTX:DTRRX and clears RXfull', () => {
    const r = run([msr(DBGDTR, 1), mrs(OSDTRRX, 10), mrs(OSDTRTX, 11), mrs(MDCCSR, 12), mrs(DBGDTR, 13), mrs(MDCCSR, 14)], {
      x: [0x1111_2222_3333_4444n], setup: (c) => void (c.x[Slot.MDCCSR_EL0] = RXFULL),
    });
    expect([r.cpu.x[10], r.cpu.x[11], r.cpu.x[12], r.cpu.x[13], r.cpu.x[14]])
      .toEqual([0x1111_2222n, 0x3333_4444n, RXFULL | TXFULL, 0x3333_4444_1111_2222n, TXFULL]);
  });
  it('at EL0 the DCC registers trap to EL1 (EC 0x18) when MDSCR_EL1.TDCC (bit 12) is 1, and are accessible when it is 0', () => {
    for (const w of [mrs(DBGDTR, 0), msr(DBGDTR, 0), mrs(DBGDTRRXTX, 0), msr(DBGDTRRXTX, 0), mrs(MDCCSR, 0)]) {
      expect(run([w], { el: 0, setup: (c) => void (c.x[Slot.MDSCR_EL1] = 1n << 12n) }).trap).toEqual({ el: 1, ec: 0x18 });
      expect(run([w], { el: 0 }).trap).toBeUndefined();
    }
    // OSDTRRX/OSDTRTX_EL1 are UNDEFINED at EL0.
    expect(run([mrs(OSDTRRX, 0)], { el: 0 }).trap).toEqual({ el: 1, ec: 0 });
    expect(run([msr(OSDTRTX, 0)], { el: 0 }).trap).toEqual({ el: 1, ec: 0 });
  });
  it('MDCR_EL2.TDA traps them from EL0 and EL1 to EL2, HCR_EL2.TGE from EL0; MDCR_EL3.TDA from EL2 to EL3', () => {
    const tda = (c: Cpu): void => void (c.x[Slot.MDCR_EL2] = 1n << 9n);
    for (const w of [mrs(DBGDTR, 0), msr(DBGDTRRXTX, 0), mrs(OSDTRRX, 0), msr(OSDTRTX, 0)]) {
      expect(run([w], { mode: 3, el: 1, setup: tda }).trap).toEqual({ el: 2, ec: 0x18 });
      expect(run([w], { mode: 3, el: 2, setup: (c) => void (c.x[Slot.MDCR_EL3] = 1n << 9n) }).trap).toEqual({ el: 3, ec: 0x18 });
    }
    expect(run([msr(DBGDTR, 0)], { mode: 3, el: 0, setup: tda }).trap).toEqual({ el: 2, ec: 0x18 });
    expect(run([msr(DBGDTR, 0)], { mode: 3, el: 0, setup: (c) => void (c.x[Slot.HCR_EL2] |= 1n << 27n) }).trap).toEqual({ el: 2, ec: 0x18 });
  });
  it('DBGDTR_EL0 and DBGDTRRX_EL0 are views (ALIAS, no raw state); OSDTRRX/OSDTRTX_EL1 and MDCCSR_EL0 hold the raw state', () => {
    const m = MODELS['cortex-a57'];
    for (const n of ['DBGDTR_EL0', 'DBGDTRRX_EL0']) expect(sysregByName(m, n)!.flags, n).toBe(Flag.ALIAS | Flag.NO_RAW);
    expect(sysregByName(m, 'OSDTRRX_EL1')!.slot).toBe(Slot.DBG_DTRRX);
    expect(sysregByName(m, 'OSDTRTX_EL1')!.slot).toBe(Slot.DBG_DTRTX);
    expect(sysregByName(m, 'MDCCSR_EL0')!.slot).toBe(Slot.MDCCSR_EL0);
  });
});

describe('OSECCR_EL1 (D24.3.26)', () => {
  it('with the OS Lock locked (its reset state) it holds EDECCR [31:0], reset 0; unlocked, writes are ignored', () => {
    const r = run([mrs(OSECCR, 10), msr(OSECCR, 1), mrs(OSECCR, 11), msr(OSLAR, 2), msr(OSECCR, 3), mrs(OSECCR, 12)], {
      x: [ONES, 0n, 0x55n],
    });
    expect([r.cpu.x[10], r.cpu.x[11], r.cpu.x[12]]).toEqual([0n, 0xffff_ffffn, 0xffff_ffffn]);
  });
  it('UNDEFINED at EL0; MDCR_EL2.TDA traps it to EL2', () => {
    expect(run([mrs(OSECCR, 0)], { el: 0 }).trap).toEqual({ el: 1, ec: 0 });
    expect(run([mrs(OSECCR, 0)], { mode: 3, el: 1, setup: (c) => void (c.x[Slot.MDCR_EL2] = 1n << 9n) }).trap).toEqual({ el: 2, ec: 0x18 });
  });
});

describe('KVM IDs and Debug state registers', () => {
  it('KVM IDs come from the encodings (Linux api.rst, ARM64 system registers)', () => {
    const m = MODELS['cortex-a57'];
    expect(kvmId(sysregByName(m, 'DBGAUTHSTATUS_EL1')!)).toBe(0x60300000001383f6n);
    expect(kvmId(sysregByName(m, 'DBGCLAIMCLR_EL1')!)).toBe(0x60300000001383cen);
    expect(kvmId(sysregByName(m, 'DBGPRCR_EL1')!)).toBe(0x60300000001380a4n);
    expect(kvmId(sysregByName(m, 'OSECCR_EL1')!)).toBe(0x6030000000138032n);
  });
  it('DSPSR_EL0 and DLR_EL0 are UNDEFINED in Non-debug state (D24.3.13, D24.3.14)', () => {
    expect(run([mrs([3, 3, 4, 5, 0], 0)]).trap).toEqual({ el: 1, ec: 0 });
    expect(run([msr([3, 3, 4, 5, 1], 0)]).trap).toEqual({ el: 1, ec: 0 });
  });
});
