// Exception entry and return. Expected values follow the Arm ARM: ESR_ELx layout and EC
// values (D17.2.37), vector offsets (D1.10.2), SPSR layout (C5.2.18), and the illegal
// exception return rules (D1.11.5). Encodings from aarch64-linux-gnu-as.
import { describe, expect, it } from 'vitest';
import { makeCpu, RAM_BASE } from './harness.js';
import { Slot } from '../../src/cpu/state.js';

const VBAR = BigInt(RAM_BASE + 0x800);
const SVC_1234 = 0xd4024681;
const BRK_5 = 0xd42000a0;
const HVC_0 = 0xd4000002;
const SMC_0 = 0xd4000003;
const ERET = 0xd69f03e0;
const UDF_0 = 0x00000000;
const MRS_X0_CURRENTEL = 0xd5384240;

function setup(words: number[], model = 'cortex-a57') {
  const t = makeCpu({ model });
  t.cpu.x[Slot.VBAR_EL1] = VBAR;
  t.load(words);
  return t;
}

describe('exception entry', () => {
  it('takes UNDEFINED to the current EL, SP_ELx vector, with EC 0 and IL 1', () => {
    const t = setup([UDF_0]);
    t.cpu.nzcv = 0x60000000;
    t.runner.run(1);
    const { cpu } = t;
    expect(cpu.pc).toBe(VBAR + 0x200n);
    expect(cpu.x[Slot.ESR_EL1]).toBe(0x02000000n);
    expect(cpu.x[Slot.ELR_EL1]).toBe(BigInt(RAM_BASE));
    // EL1h (M = 0b0101), DAIF all set at reset (0x3c0), Z and C from NZCV.
    expect(cpu.x[Slot.SPSR_EL1]).toBe(0x600003c5n);
    expect(cpu.daif).toBe(0xf);
    expect(cpu.icount).toBe(0);
  });

  it('reports SVC with its immediate and returns after it', () => {
    const t = setup([SVC_1234]);
    t.runner.run(1);
    expect(t.cpu.x[Slot.ESR_EL1]).toBe(0x56001234n); // EC 0x15, IL 1, imm16
    expect(t.cpu.x[Slot.ELR_EL1]).toBe(BigInt(RAM_BASE + 4));
    expect(t.cpu.icount).toBe(1);
  });

  it('reports BRK with its immediate and returns to it', () => {
    const t = setup([BRK_5]);
    t.runner.run(1);
    expect(t.cpu.x[Slot.ESR_EL1]).toBe(0xf2000005n); // EC 0x3c
    expect(t.cpu.x[Slot.ELR_EL1]).toBe(BigInt(RAM_BASE));
  });

  it('makes HVC and SMC UNDEFINED without EL2 and EL3', () => {
    for (const w of [HVC_0, SMC_0]) {
      const t = setup([w]);
      t.runner.run(1);
      expect(t.cpu.x[Slot.ESR_EL1]).toBe(0x02000000n);
      expect(t.cpu.x[Slot.ELR_EL1]).toBe(BigInt(RAM_BASE));
    }
  });

  it('uses the lower-EL vector and SP_EL1 for an SVC from EL0', () => {
    const t = setup([ERET]);
    const { cpu } = t;
    cpu.x[Slot.SPSR_EL1] = 0n; // EL0t, nothing masked
    cpu.x[Slot.ELR_EL1] = BigInt(RAM_BASE + 0x100);
    cpu.x[Slot.SP] = 0x1000n; // SP_EL1
    t.runner.run(1);
    expect(cpu.el).toBe(0);
    expect(cpu.pc).toBe(BigInt(RAM_BASE + 0x100));
    expect(cpu.daif).toBe(0);
    cpu.x[Slot.SP] = 0x2000n; // SP_EL0
    t.load([SVC_1234], RAM_BASE + 0x100);
    t.runner.run(1);
    expect(cpu.el).toBe(1);
    expect(cpu.pc).toBe(VBAR + 0x400n);
    expect(cpu.x[Slot.SPSR_EL1]).toBe(0n);
    expect(cpu.x[Slot.SP]).toBe(0x1000n);
    expect(cpu.getSpEl(0)).toBe(0x2000n);
  });
});

describe('exception return', () => {
  it('treats a return to an unimplemented EL as illegal: PSTATE.IL set, EL unchanged', () => {
    const t = setup([ERET]);
    const { cpu } = t;
    cpu.x[Slot.SPSR_EL1] = 0x9n; // EL2h, but this model has no EL2
    cpu.x[Slot.ELR_EL1] = BigInt(RAM_BASE + 0x40);
    t.runner.run(1);
    expect(cpu.el).toBe(1);
    expect(cpu.il).toBe(1);
    expect(cpu.pc).toBe(BigInt(RAM_BASE + 0x40));
  });

  it('makes ERET and MRS CurrentEL UNDEFINED at EL0', () => {
    for (const w of [ERET, MRS_X0_CURRENTEL]) {
      const t = setup([w]);
      t.cpu.selectSp(0, 0);
      t.runner.run(1);
      expect(t.cpu.el).toBe(1);
      expect(t.cpu.x[Slot.ESR_EL1]).toBe(0x02000000n);
      expect(t.cpu.x[Slot.SPSR_EL1] & 0xfn).toBe(0n);
    }
  });
});
