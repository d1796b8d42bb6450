// The EL2, EL2&0 and EL3 regimes. Expected values from the Arm ARM:
// - D8.1.2: EL2 (E2H = 0) and EL3 have one VA range (TTBR0_ELx) and one privilege level;
//   EL2&0 (FEAT_VHE, E2H = 1) has two ranges (TTBR0/1_EL2) and EL0, with TCR_EL2 in the
//   TCR_EL1 layout (D17.2.132); its ASIDs come from TTBR0/1_EL2;
// - D8.4.1 / AArch64.S1HasPermissionsFault: with one privilege level only AP[2] matters
//   (AP[1] is ignored), XN is bit 54, PXN (bit 53) and APTable[0] / PXNTable are ignored;
//   SCTLR_ELx.WXN makes writable memory execute-never;
// - stage 2 applies only to EL1&0.
import { describe, expect, it } from 'vitest';
import { Slot } from '../../src/cpu/state.js';
import { AccessType, FaultType, Perm, Regime } from '../../src/mmu/types.js';
import { contextTags } from '../../src/mmu/walk.js';
import { AF, ap, apTable, faultOf, mmuCpu, NG, PXN, PXN_TABLE, req, Tables, tcr, tcr2, tr, XN } from './tables.js';

const SCTLR_EL2 = Slot.SCTLR_EL1 + 1;
const SCTLR_EL3 = Slot.SCTLR_EL1 + 2;

describe('EL2 (HCR_EL2.E2H = 0)', () => {
  function setup(t = tcr2({ t0sz: 25 })) {
    const cpu = mmuCpu({ el: 2 });
    const tb = new Tables(cpu, 12, 64 - Number(t & 63n));
    cpu.x[Slot.TCR_EL2] = t;
    cpu.x[Slot.TTBR0_EL2] = BigInt(tb.root);
    cpu.x[Slot.MAIR_EL2] = 0xff00n;
    cpu.x[SCTLR_EL2] |= 1n | (1n << 2n) | (1n << 12n); // M, C, I
    return { cpu, tb };
  }
  const R2 = req(Regime.EL2);

  it('walks TTBR0_EL2 with TCR_EL2.T0SZ/TG0 and MAIR_EL2; entries are global, ASID 0', () => {
    const { cpu, tb } = setup();
    tb.map(0x12_3456_7000n, 0x4050_0000n, 3, AF | NG | (1n << 2n));
    const e = tr(cpu, 0x12_3456_7000n, R2).e!;
    expect([e.pa, e.attr, e.global, e.asid, e.vmid]).toEqual([0x4050_0000, 0xff, true, 0, 0]);
  });

  it('one range: VA[63:39] must be zero, even with VA[55] = 1', () => {
    const { cpu } = setup();
    expect(faultOf(tr(cpu, 0xffff_ff80_0000_0000n, R2))).toEqual([FaultType.TRANSLATION, 0, false, false]);
  });

  it('TCR_EL2.TBI (bit 20) and TBID (bit 29)', () => {
    const { cpu, tb } = setup(tcr2({ t0sz: 25, tbi: true, tbid: true }));
    tb.map(0x1000n, 0x4050_0000n, 3, AF);
    expect(tr(cpu, 0xab00_0000_0000_1000n, R2).e!.pa).toBe(0x4050_0000);
    expect(faultOf(tr(cpu, 0xab00_0000_0000_1000n, req(Regime.EL2, { acc: AccessType.FETCH })))).toEqual([FaultType.TRANSLATION, 0, false, false]);
  });

  it('one privilege level: AP[2] decides writes, AP[1] and PXN are ignored, XN is bit 54, WXN', () => {
    const { cpu, tb } = setup();
    const all = Perm.R1 | Perm.W1 | Perm.X1;
    const cases: [bigint, bigint, number][] = [
      [ap(0), 0n, all], [ap(1), 0n, all], [ap(2), 0n, Perm.R1 | Perm.X1], [ap(3), 0n, Perm.R1 | Perm.X1],
      [ap(0) | PXN, 0n, all], [ap(0) | XN, 0n, Perm.R1 | Perm.W1],
      [ap(0), apTable(1) | PXN_TABLE, all], [ap(0), apTable(2), Perm.R1 | Perm.X1],
    ];
    cases.forEach(([leaf, ta], i) => tb.map(BigInt(i + 1) << 30n, 0x4000_0000n, 2, AF | leaf, ta));
    cases.forEach(([, , want], i) => expect(tr(cpu, BigInt(i + 1) << 30n, R2).e!.perm1 & 63, `case ${i}`).toBe(want));
    cpu.x[SCTLR_EL2] |= 1n << 19n; // WXN
    expect(tr(cpu, 1n << 30n, R2).e!.perm1 & 63).toBe(Perm.R1 | Perm.W1);
    expect(faultOf(tr(cpu, 3n << 30n, req(Regime.EL2, { acc: AccessType.WRITE })))).toEqual([FaultType.PERMISSION, 2, false, false]);
  });

  it('TCR_EL2.HA (bit 21) sets the Access flag; HPD (bit 24) disables the table controls', () => {
    const { cpu, tb } = setup(tcr2({ t0sz: 25, ha: true, hpd: true }));
    tb.map(0x1000n, 0x4050_0000n, 3, ap(0), apTable(2));
    expect(tr(cpu, 0x1000n, R2).e!.perm1 & 63).toBe(Perm.R1 | Perm.W1 | Perm.X1);
  });

  it('no stage 2, even with HCR_EL2.VM = 1', () => {
    const { cpu, tb } = setup();
    cpu.x[Slot.HCR_EL2] = 1n;
    tb.map(0x1000n, 0x4050_0000n, 3, AF);
    expect(tr(cpu, 0x1000n, R2).e!.ipa).toBe(-1);
  });
});

describe('EL2&0 (FEAT_VHE, HCR_EL2.E2H = 1)', () => {
  function setup() {
    const cpu = mmuCpu({ el: 2 });
    cpu.x[Slot.HCR_EL2] = (1n << 34n) | (1n << 27n) | 1n; // E2H, TGE, and VM (which then has no effect)
    const t0 = new Tables(cpu, 12, 48);
    const t1 = new Tables(cpu, 16, 42);
    cpu.x[Slot.TCR_EL2] = tcr({ t0sz: 16, t1sz: 22, g1: 16, a1: true, as16: true });
    cpu.x[Slot.TTBR0_EL2] = BigInt(t0.root) | (0x1111n << 48n);
    cpu.x[Slot.TTBR1_EL2] = BigInt(t1.root) | (0x2222n << 48n);
    cpu.x[SCTLR_EL2] |= 1n;
    return { cpu, t0, t1 };
  }

  it('two ranges through TTBR0_EL2 and TTBR1_EL2 with TCR_EL2 in the EL1 layout; ASID per TCR_EL2.A1/AS', () => {
    const { cpu, t0, t1 } = setup();
    t0.map(0x1000n, 0x4050_0000n, 3, AF | NG | ap(1));
    t1.map(0xffff_ffc0_0001_0000n, 0x4060_0000n, 3, AF | NG);
    const e0 = tr(cpu, 0x1000n, req(Regime.EL20, { priv: 0, acc: AccessType.WRITE })).e!;
    expect([e0.pa, e0.asid, e0.global, e0.vmid, e0.ipa]).toEqual([0x4050_0000, 0x2222, false, 0, -1]);
    const e1 = tr(cpu, 0xffff_ffc0_0001_2000n, req(Regime.EL20)).e!;
    expect(e1.pa).toBe(0x4060_2000); // offset 0x2000 in the 64 KiB page
    const out = { asid: 0, vmid: 0 };
    contextTags(cpu, Regime.EL20, out);
    expect(out).toEqual({ asid: 0x2222, vmid: 0 });
  });

  it('EL0 permissions apply: an EL0 access to an AP = 00 page faults', () => {
    const { cpu, t0 } = setup();
    t0.map(0x1000n, 0x4050_0000n, 3, AF);
    expect(faultOf(tr(cpu, 0x1000n, req(Regime.EL20, { priv: 0 })))).toEqual([FaultType.PERMISSION, 3, false, false]);
  });
});

describe('EL3', () => {
  it('walks TTBR0_EL3 with TCR_EL3 and MAIR_EL3, SCTLR_EL3.M', () => {
    const cpu = mmuCpu({ el: 3 });
    const tb = new Tables(cpu, 16, 42);
    cpu.x[Slot.TCR_EL3] = tcr2({ t0sz: 22, g0: 16 });
    cpu.x[Slot.TTBR0_EL3] = BigInt(tb.root);
    cpu.x[Slot.MAIR_EL3] = 0x44n << 8n;
    tb.map(0x3_0001_0000n, 0x4070_0000n, 3, AF | (1n << 2n) | ap(2));
    expect(tr(cpu, 0x3_0001_0000n, req(Regime.EL3)).e!.pa).toBe(0x3_0001_0000); // SCTLR_EL3.M = 0: flat
    cpu.x[SCTLR_EL3] |= 1n;
    const e = tr(cpu, 0x3_0001_4000n, req(Regime.EL3)).e!;
    expect([e.pa, e.attr, e.perm1 & 63]).toEqual([0x4070_4000, 0x44, Perm.R1 | Perm.X1]);
  });
});
