// The stage 1 walk of the EL1&0 regime with the 4 KiB granule against hand-built tables.
// Every expected value comes from the Arm ARM (DDI 0487): the descriptor formats of D8.3,
// the VA ranges and TTBR selection of D8.2, the fault kinds and levels of the pseudocode
// (AArch64.S1Translate, AArch64.S1Walk, AArch64.S1DisabledOutput), cited per test.
import { describe, expect, it } from 'vitest';
import { Slot } from '../../src/cpu/state.js';
import { AccessType, FaultType, Regime } from '../../src/mmu/types.js';
import { contextTags, regimeOf } from '../../src/mmu/walk.js';
import { AF, attrIndx, faultOf, mmuCpu, NG, rd64, req, Tables, tcr, tr, wr64 } from './tables.js';

const RD = req(Regime.EL10);
const MAIR = 0x44_ff_04_00n;
const SCTLR_MCI = 1n | (1n << 2n) | (1n << 12n); // M, C, I // Attr0 Device-nGnRnE, Attr1 Device-nGnRE, Attr2 Normal WB, Attr3 Normal NC

function setup(model = 'max', t = tcr({ t0sz: 16, t1sz: 16 })) {
  const cpu = mmuCpu({ model });
  const t0 = new Tables(cpu, 12, 64 - Number(t & 63n));
  const t1 = new Tables(cpu, 12, 64 - Number((t >> 16n) & 63n));
  cpu.x[Slot.TCR_EL1] = t;
  cpu.x[Slot.TTBR0_EL1] = BigInt(t0.root);
  cpu.x[Slot.TTBR1_EL1] = BigInt(t1.root);
  cpu.x[Slot.MAIR_EL1] = MAIR;
  cpu.x[Slot.SCTLR_EL1] |= SCTLR_MCI;
  return { cpu, t0, t1 };
}

describe('stage 1, EL1&0, 4 KiB granule, 48-bit VA (starting level 0, D8.2.6)', () => {
  it('translates through a level 3 page: PA, size, level, attributes, ASID, nG', () => {
    const { cpu, t0 } = setup();
    cpu.x[Slot.TTBR0_EL1] |= 0x12n << 48n; // ASID 0x12 (TCR.A1 = 0: TTBR0's, D17.2.131)
    t0.map(0x0000_1234_5678_9000n, 0x4008_0000n, 3, AF | attrIndx(2) | NG);
    const { e } = tr(cpu, 0x0000_1234_5678_9abcn, RD);
    expect(e).not.toBeNull();
    expect(e!.pa).toBe(0x4008_0000);
    expect(e!.vaLo >>> 0).toBe(0x5678_9000);
    expect(e!.vaHi).toBe(0x1234);
    expect(e!.sizeLog2).toBe(12);
    expect(e!.level1).toBe(3);
    expect(e!.attr).toBe(0xff); // MAIR_EL1.Attr2
    expect(e!.device).toBe(false);
    expect(e!.global).toBe(false); // nG = 1
    expect(e!.asid).toBe(0x12);
    expect(e!.ipa).toBe(-1); // no stage 2
  });

  it('blocks at levels 1 (1 GiB) and 2 (2 MiB) give the page of the VA inside them (D8.3.1)', () => {
    const { cpu, t0 } = setup();
    t0.map(0x80_0000_0000n, 0x8000_0000n, 1, AF | attrIndx(1));
    t0.map(0x80_4000_0000n, 0x4020_0000n, 2, AF | attrIndx(3));
    let { e } = tr(cpu, 0x80_1234_5678n, RD);
    expect(e!.pa).toBe(0x9234_5000);
    expect(e!.sizeLog2).toBe(30);
    expect(e!.level1).toBe(1);
    expect(e!.attr).toBe(0x04);
    expect(e!.device).toBe(true); // Device-nGnRE
    ({ e } = tr(cpu, 0x80_401f_f008n, RD));
    expect(e!.pa).toBe(0x403f_f000);
    expect(e!.sizeLog2).toBe(21);
    expect(e!.attr).toBe(0x44);
    expect(e!.global).toBe(true);
  });

  it('a block at level 0 and a level 3 entry with bit 1 = 0 are invalid: Translation fault at that level', () => {
    const { cpu, t0 } = setup();
    wr64(cpu, t0.slot(t0.root, 0n, 0), 0x4000_0000n | AF | 1n); // level 0 block: not allowed with 4 KiB (no FEAT_LPA2)
    expect(faultOf(tr(cpu, 0x1000n, RD))).toEqual([FaultType.TRANSLATION, 0, false, false]);
    const a = t0.map(0x80_0000_0000n, 0x4000_0000n, 3, AF);
    wr64(cpu, a, rd64(cpu, a) & ~2n); // the reserved level 3 encoding
    expect(faultOf(tr(cpu, 0x80_0000_0000n, RD))).toEqual([FaultType.TRANSLATION, 3, false, false]);
  });

  it('an invalid descriptor at each level faults at that level', () => {
    const { cpu, t0 } = setup();
    expect(faultOf(tr(cpu, 0x10_0000_0000n, RD))).toEqual([FaultType.TRANSLATION, 0, false, false]);
    t0.map(0x10_0000_0000n, 0x4000_0000n, 3, AF);
    expect(faultOf(tr(cpu, 0x10_4000_0000n, RD))).toEqual([FaultType.TRANSLATION, 1, false, false]);
    expect(faultOf(tr(cpu, 0x10_0020_0000n, RD))).toEqual([FaultType.TRANSLATION, 2, false, false]);
    expect(faultOf(tr(cpu, 0x10_0000_1000n, RD))).toEqual([FaultType.TRANSLATION, 3, false, false]);
  });

  it('VA[55] selects TTBR1; the ASID comes from TTBR1 when TCR.A1 = 1, 8 bits unless TCR.AS (D8.2.1, D17.2.131)', () => {
    const { cpu, t1 } = setup('max', tcr({ t0sz: 16, t1sz: 16, a1: true }));
    cpu.x[Slot.TTBR1_EL1] |= 0xab_cdn << 48n;
    t1.map(0xffff_8000_0000_0000n, 0x4010_0000n, 3, AF | NG);
    const { e } = tr(cpu, 0xffff_8000_0000_0123n, RD);
    expect(e!.pa).toBe(0x4010_0000);
    expect(e!.asid).toBe(0xcd);
    cpu.x[Slot.TCR_EL1] |= 1n << 36n; // AS: 16-bit ASIDs
    expect(tr(cpu, 0xffff_8000_0000_0123n, RD).e!.asid).toBe(0xabcd);
    const out = { asid: -1, vmid: -1 };
    contextTags(cpu, Regime.EL10, out);
    expect(out).toEqual({ asid: 0xabcd, vmid: 0 });
  });

  it('a VA outside both ranges is a level 0 Translation fault (AArch64.VAIsOutOfRange)', () => {
    const { cpu } = setup('max', tcr({ t0sz: 25, t1sz: 25 }));
    expect(faultOf(tr(cpu, 0x0000_0080_0000_0000n, RD))).toEqual([FaultType.TRANSLATION, 0, false, false]);
    expect(faultOf(tr(cpu, 0xffff_ff7f_ffff_f000n, RD))).toEqual([FaultType.TRANSLATION, 0, false, false]);
    expect(faultOf(tr(cpu, 0x0100_0000_0000_0000n, RD))).toEqual([FaultType.TRANSLATION, 0, false, false]);
  });

  it('TBI0 ignores the top byte (also for TTBR selection: bit 55 decides); TBID0 keeps it for fetches (AArch64.AddrTop)', () => {
    const { cpu, t0 } = setup('max', tcr({ t0sz: 16, t1sz: 16, tbi0: true }));
    t0.map(0x1000n, 0x4000_3000n, 3, AF);
    expect(tr(cpu, 0x5a00_0000_0000_1000n, RD).e!.pa).toBe(0x4000_3000);
    expect(tr(cpu, 0x5a00_0000_0000_1000n, req(Regime.EL10, { acc: AccessType.FETCH })).e!.pa).toBe(0x4000_3000);
    cpu.x[Slot.TCR_EL1] |= 1n << 51n; // TBID0
    expect(tr(cpu, 0x5a00_0000_0000_1000n, RD).e!.pa).toBe(0x4000_3000);
    expect(faultOf(tr(cpu, 0x5a00_0000_0000_1000n, req(Regime.EL10, { acc: AccessType.FETCH })))).toEqual([FaultType.TRANSLATION, 0, false, false]);
    cpu.x[Slot.TCR_EL1] = tcr({ t0sz: 16, t1sz: 16 }); // TBI0 = 0: the tag makes the VA out of range
    expect(faultOf(tr(cpu, 0x5a00_0000_0000_1000n, RD))).toEqual([FaultType.TRANSLATION, 0, false, false]);
  });

  it('TCR.EPD0/EPD1 make a walk in that range a level 0 Translation fault', () => {
    const { cpu, t0, t1 } = setup('max', tcr({ t0sz: 16, t1sz: 16, epd1: true }));
    t0.map(0x1000n, 0x4000_3000n, 3, AF);
    t1.map(0xffff_0000_0000_1000n, 0x4000_3000n, 3, AF);
    expect(tr(cpu, 0x1000n, RD).e!.pa).toBe(0x4000_3000);
    expect(faultOf(tr(cpu, 0xffff_0000_0000_1000n, RD))).toEqual([FaultType.TRANSLATION, 0, false, false]);
    cpu.x[Slot.TCR_EL1] = tcr({ t0sz: 16, t1sz: 16, epd0: true });
    expect(faultOf(tr(cpu, 0x1000n, RD))).toEqual([FaultType.TRANSLATION, 0, false, false]);
    expect(tr(cpu, 0xffff_0000_0000_1000n, RD).e!.pa).toBe(0x4000_3000);
  });

  it('a table walk access where no RAM is: synchronous External abort on the walk, at its level', () => {
    const { cpu, t0 } = setup();
    cpu.x[Slot.TTBR0_EL1] = 0x1000_0000n; // below RAM
    expect(faultOf(tr(cpu, 0x1000n, RD))).toEqual([FaultType.SYNC_EXT_WALK, 0, false, false]);
    cpu.x[Slot.TTBR0_EL1] = BigInt(t0.root);
    wr64(cpu, t0.slot(t0.root, 0x1000n, 0), 0x2000_0000n | 3n);
    expect(faultOf(tr(cpu, 0x1000n, RD))).toEqual([FaultType.SYNC_EXT_WALK, 1, false, false]);
  });
});

describe('address size faults (AArch64.S1Walk, AArch64.OAOutOfRange)', () => {
  it('a TTBR base beyond TCR.IPS: level 0; a table address beyond it: the table descriptor level; an OA beyond it: the leaf level', () => {
    const { cpu, t0 } = setup('max', tcr({ t0sz: 16, t1sz: 16, ips: 0 })); // 32-bit PA
    t0.map(0x1000n, 0x1_0000_0000n, 3, AF);
    expect(faultOf(tr(cpu, 0x1000n, RD))).toEqual([FaultType.ADDR_SIZE, 3, false, false]);
    t0.map(0x4000_0000n, 0x1_0000_0000n, 2, AF);
    expect(faultOf(tr(cpu, 0x4000_0000n, RD))).toEqual([FaultType.ADDR_SIZE, 2, false, false]);
    const l1 = t0.leafAddr(0x1000n, 1);
    wr64(cpu, l1, (rd64(cpu, l1) & 0xfffn) | 0x1_4000_0000n);
    expect(faultOf(tr(cpu, 0x1000n, RD))).toEqual([FaultType.ADDR_SIZE, 1, false, false]);
    cpu.x[Slot.TTBR0_EL1] = 0x1_4000_0000n;
    expect(faultOf(tr(cpu, 0x1000n, RD))).toEqual([FaultType.ADDR_SIZE, 0, false, false]);
  });

  it('IPS above the implemented PA size means the PA size (44 bits on cortex-a57)', () => {
    const { cpu, t0 } = setup('cortex-a57', tcr({ t0sz: 16, t1sz: 16, ips: 6 }));
    t0.map(0x1000n, 0xfff_ffff_f000n, 3, AF);
    t0.map(0x2000n, 0x1000_0000_0000n, 3, AF);
    expect(tr(cpu, 0x1000n, RD).e!.pa).toBe(0xfff_ffff_f000);
    expect(faultOf(tr(cpu, 0x2000n, RD))).toEqual([FaultType.ADDR_SIZE, 3, false, false]);
  });

  it('TnSZ out of range is a level 0 Translation fault (AArch64.S1TxSZFaults; QEMU 7.2 chooses to fault too)', () => {
    // max has FEAT_TTST (T0SZ up to 48), cortex-a57 does not (up to 39); the minimum is 16 for 4 KiB.
    for (const [model, tsz, ok] of [['max', 15, false], ['max', 48, true], ['max', 49, false], ['cortex-a57', 39, true], ['cortex-a57', 40, false]] as const) {
      const { cpu, t0 } = setup(model, tcr({ t0sz: tsz, t1sz: 16 }));
      t0.map(0x1000n, 0x4000_3000n, 3, AF);
      const o = tr(cpu, 0x1000n, RD);
      if (ok) expect(o.e!.pa, `${model} T0SZ=${tsz}`).toBe(0x4000_3000);
      else expect(faultOf(o), `${model} T0SZ=${tsz}`).toEqual([FaultType.TRANSLATION, 0, false, false]);
    }
  });
});

describe('stage 1 disabled (AArch64.S1DisabledOutput)', () => {
  it('flat: data Device-nGnRnE, fetches Normal (Write-Through with SCTLR.I, else Non-cacheable), all permissions', () => {
    const cpu = mmuCpu();
    cpu.x[Slot.SCTLR_EL1] &= ~((1n << 12n) | 1n);
    let { e } = tr(cpu, 0x4012_3456n, RD);
    expect(e!.pa).toBe(0x4012_3000);
    expect(e!.attr).toBe(0x00);
    expect(e!.device).toBe(true);
    expect(e!.perm1 & 63).toBe(63);
    ({ e } = tr(cpu, 0x4012_3456n, req(Regime.EL10, { acc: AccessType.FETCH })));
    expect(e!.attr).toBe(0x44);
    cpu.x[Slot.SCTLR_EL1] |= 1n << 12n;
    ({ e } = tr(cpu, 0x4012_3456n, req(Regime.EL10, { acc: AccessType.FETCH })));
    expect(e!.attr).toBe(0xaa);
    // `device` describes data accesses whatever access filled the entry (walk.ts).
    expect(e!.device).toBe(true);
  });

  it('VA bits from the PA size up to the top (55 with TBI) must be zero: else a level 0 Address size fault', () => {
    const cpu = mmuCpu({ model: 'cortex-a57' }); // 44-bit PA
    cpu.x[Slot.SCTLR_EL1] &= ~1n;
    expect(tr(cpu, 0xfff_0000_0000n, RD).e!.pa).toBe(0xfff_0000_0000);
    expect(faultOf(tr(cpu, 0x1000_0000_0000n, RD))).toEqual([FaultType.ADDR_SIZE, 0, false, false]);
    expect(faultOf(tr(cpu, 0x0100_0000_4000_0000n, RD))).toEqual([FaultType.ADDR_SIZE, 0, false, false]);
    cpu.x[Slot.TCR_EL1] = tcr({ tbi0: true });
    expect(tr(cpu, 0x0100_0000_4000_0000n, RD).e!.pa).toBe(0x4000_0000);
  });

  it('PAN has nothing to act on with stage 1 off', () => {
    const cpu = mmuCpu();
    cpu.x[Slot.SCTLR_EL1] &= ~1n;
    expect(tr(cpu, 0x4000_0000n, req(Regime.EL10, { pan: true })).e).not.toBeNull();
  });
});

describe('SCTLR_EL1.C and I (AArch64.S1Translate)', () => {
  it('Normal data with C = 0 and fetches with I = 0 or from Device memory are Normal Non-cacheable', () => {
    const { cpu, t0 } = setup();
    t0.map(0x1000n, 0x4000_3000n, 3, AF | attrIndx(2)); // Normal WB
    t0.map(0x2000n, 0x4000_4000n, 3, AF | attrIndx(1)); // Device-nGnRE
    const F = req(Regime.EL10, { acc: AccessType.FETCH });
    expect([tr(cpu, 0x1000n, RD).e!.attr, tr(cpu, 0x1000n, F).e!.attr]).toEqual([0xff, 0xff]);
    const dev = tr(cpu, 0x2000n, F).e!;
    expect([dev.attr, dev.device]).toEqual([0x44, true]);
    cpu.x[Slot.SCTLR_EL1] &= ~(1n << 2n);
    expect([tr(cpu, 0x1000n, RD).e!.attr, tr(cpu, 0x1000n, F).e!.attr, tr(cpu, 0x2000n, RD).e!.attr]).toEqual([0x44, 0xff, 0x04]);
    cpu.x[Slot.SCTLR_EL1] &= ~(1n << 12n);
    expect(tr(cpu, 0x1000n, F).e!.attr).toBe(0x44);
  });
});

describe('regimeOf (D8.1.2)', () => {
  it('EL1&0 for EL0/EL1, EL2 or EL2&0 by HCR_EL2.E2H, EL3; EL0 in EL2&0 when {E2H, TGE} = {1, 1}', () => {
    const cpu = mmuCpu({ el: 2 });
    expect([0, 1, 2].map((el) => regimeOf(cpu, el))).toEqual([Regime.EL10, Regime.EL10, Regime.EL2]);
    cpu.x[Slot.HCR_EL2] = 1n << 34n; // E2H
    expect([0, 1, 2].map((el) => regimeOf(cpu, el))).toEqual([Regime.EL10, Regime.EL10, Regime.EL20]);
    cpu.x[Slot.HCR_EL2] |= 1n << 27n; // TGE
    expect([0, 1, 2].map((el) => regimeOf(cpu, el))).toEqual([Regime.EL20, Regime.EL10, Regime.EL20]);
    const a57 = mmuCpu({ model: 'cortex-a57', el: 2 }); // no FEAT_VHE: E2H is RES0
    a57.x[Slot.HCR_EL2] = (1n << 34n) | (1n << 27n);
    expect([0, 2].map((el) => regimeOf(a57, el))).toEqual([Regime.EL10, Regime.EL2]);
    expect(regimeOf(mmuCpu({ el: 3 }), 3)).toBe(Regime.EL3);
  });
});

