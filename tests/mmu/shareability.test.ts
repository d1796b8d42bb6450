// Shareability of a translation (TlbEntry.sh, reported by AT in PAR_EL1.SH). Expected values
// from the Arm ARM: D8.3.1 (stage 1 and stage 2 block/page descriptors: SH[1:0] in bits
// [9:8]; 0b00 Non-shareable, 0b10 Outer, 0b11 Inner Shareable), AArch64.S1DisabledOutput
// (stage 1 off: Outer Shareable, Non-shareable with HCR_EL2.DC), S2CombineS1Shareability
// (two stages: the more shareable of the two, Outer over Inner over Non-shareable).
import { describe, expect, it } from 'vitest';
import { Slot } from '../../src/cpu/state.js';
import { Regime } from '../../src/mmu/types.js';
import { AF, ap, memAttr, mmuCpu, req, Tables, tcr, tr } from './tables.js';

const sh = (v: number): bigint => BigInt(v) << 8n;

describe('shareability', () => {
  it('stage 1: the descriptor SH; stage 1 off: Outer Shareable', () => {
    const cpu = mmuCpu({ model: 'cortex-a57' });
    expect(tr(cpu, 0x4000_1000n, req(Regime.EL10)).e!.sh).toBe(2);
    const s1 = new Tables(cpu, 12, 48);
    s1.map(0x1000n, 0x4000_1000n, 3, AF | sh(0));
    s1.map(0x2000n, 0x4000_2000n, 3, AF | sh(2));
    s1.map(0x3000n, 0x4000_3000n, 3, AF | sh(3));
    cpu.x[Slot.TCR_EL1] = tcr({ t0sz: 16 });
    cpu.x[Slot.TTBR0_EL1] = BigInt(s1.root);
    cpu.x[Slot.MAIR_EL1] = 0xffn;
    cpu.x[Slot.SCTLR_EL1] |= 1n | 4n;
    expect([0x1000n, 0x2000n, 0x3000n].map((va) => tr(cpu, va, req(Regime.EL10)).e!.sh)).toEqual([0, 2, 3]);
  });

  it('two stages: the more shareable of the two', () => {
    const cpu = mmuCpu({ el: 2 });
    cpu.x[Slot.HCR_EL2] = 1n; // VM
    cpu.x[Slot.VTCR_EL2] = 24n | (1n << 6n) | (5n << 16n) | (1n << 31n); // T0SZ 24, SL0 1 (level 1), 4 KiB
    const s2 = new Tables(cpu, 12, 40, 1);
    cpu.x[Slot.VTTBR_EL2] = BigInt(s2.root);
    s2.map(0x4000_0000n, 0x4000_0000n, 1, AF | ap(3) | memAttr(0xf) | sh(0)); // RAM (and the tables)
    s2.map(0x8000_0000n, 0x4000_0000n, 2, AF | ap(3) | memAttr(0xf) | sh(3));
    s2.map(0x8020_0000n, 0x4000_0000n, 2, AF | ap(3) | memAttr(0xf) | sh(2));
    const s1 = new Tables(cpu, 12, 48);
    cpu.x[Slot.TCR_EL1] = tcr({ t0sz: 16 });
    cpu.x[Slot.TTBR0_EL1] = BigInt(s1.root);
    cpu.x[Slot.MAIR_EL1] = 0xffn;
    cpu.x[Slot.SCTLR_EL1] |= 1n | 4n;
    const cases: [bigint, number, number][] = [
      // VA's IPA, stage 1 SH, expected
      [0x4000_5000n, 0, 0],
      [0x4000_6000n, 3, 3],
      [0x8000_5000n, 0, 3],
      [0x8020_5000n, 3, 2],
      [0x8000_6000n, 2, 2],
    ];
    cases.forEach(([ipa, s1sh], i) => s1.map(BigInt(0x10000 + 0x1000 * i), ipa, 3, AF | sh(s1sh)));
    const got = cases.map((_, i) => tr(cpu, BigInt(0x10000 + 0x1000 * i), req(Regime.EL10)).e!.sh);
    expect(got).toEqual(cases.map(([, , want]) => want));
  });
});
