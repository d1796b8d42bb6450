// Stage 2 of the EL1&0 regime (HCR_EL2.VM) and the stage 2 walks of stage 1 table
// addresses. Expected values from the Arm ARM:
// - D8.2.7 / AArch64.S2StartLevel, S2InvalidSL, S2InconsistentSL: VTCR_EL2.SL0 gives the
//   starting level (4 KiB: 0 level 2, 1 level 1, 2 level 0, 3 level 3 with FEAT_TTST), the
//   starting table may be up to 16 concatenated tables; an inconsistent or reserved SL0 and
//   an IPA beyond T0SZ are stage 2 Translation faults at level 0;
// - D8.3.2 (stage 2 descriptors): S2AP[1:0] bits [7:6] (01 read, 10 write), XN[1:0] bits
//   [54:53] with FEAT_XNX (00 both execute, 01 not EL1, 10 neither, 11 not EL0), MemAttr
//   bits [5:2];
// - D8.5.6 (combining stage 1 and stage 2 attributes): Device wins, with the more
//   restrictive Device type; Normal takes the less cacheable;
// - D8.2.x / AArch64.S2Translate with s1ptw: a stage 2 fault on a stage 1 table access is a
//   stage 2 fault with S1PTW = 1 and the table's IPA; HCR_EL2.PTW makes a table in Device
//   memory a stage 2 Permission fault; a hardware update of a stage 1 descriptor is a write
//   at stage 2;
// - HCR_EL2.DC (D17.2.48): stage 1 of EL1&0 off with Normal Write-Back memory, and stage 2
//   on as if HCR_EL2.VM were 1; HCR_EL2.TGE: stage 1 of EL1&0 off.
import { describe, expect, it } from 'vitest';
import { Slot } from '../../src/cpu/state.js';
import { AccessType, FaultType, MmuFault, Perm, Regime } from '../../src/mmu/types.js';
import { contextTags, permits } from '../../src/mmu/walk.js';
import { AF, ap, DBM, faultOf, memAttr, mmuCpu, rd64, req, Tables, tcr, tr, vtcr, wr64 } from './tables.js';

const RD = req(Regime.EL10);
const S2_RAM = AF | ap(3) | memAttr(0xf); // stage 2 RW, Normal Write-Back

function setup(o: { model?: string; v?: bigint; start?: number; inBits?: number; pages?: boolean } = {}) {
  const cpu = mmuCpu({ model: o.model ?? 'max', el: 2 });
  cpu.x[Slot.HCR_EL2] = 1n; // VM
  cpu.x[Slot.VTCR_EL2] = o.v ?? vtcr({ t0sz: 24, sl0: 1 });
  const s2 = new Tables(cpu, 12, o.inBits ?? 40, o.start ?? 1);
  cpu.x[Slot.VTTBR_EL2] = BigInt(s2.root) | (0x5an << 48n);
  // RAM at IPA = PA (a 1 GiB block; or, with `pages`, its top half, where the tables are,
  // as 4 KiB pages that a test may change one by one), so stage 1 table IPAs are their PAs.
  if (o.pages) for (let p = 0x4020_0000n; p < 0x4040_0000n; p += 0x1000n) s2.map(p, p, 3, S2_RAM);
  else s2.map(0x4000_0000n, 0x4000_0000n, 1, S2_RAM);
  const s1 = new Tables(cpu, 12, 48);
  cpu.x[Slot.TCR_EL1] = tcr({ t0sz: 16 });
  cpu.x[Slot.TTBR0_EL1] = BigInt(s1.root);
  cpu.x[Slot.MAIR_EL1] = 0x44_ff_04_00n;
  cpu.x[Slot.SCTLR_EL1] |= 1n | (1n << 2n) | (1n << 12n); // M, C, I
  return { cpu, s1, s2 };
}

describe('two stages', () => {
  it('VA -> IPA -> PA: the entry has both levels, the IPA and the VMID', () => {
    const { cpu, s1, s2 } = setup();
    s1.map(0x7000n, 0x1_2345_6000n, 3, AF | (2n << 2n));
    s2.map(0x1_2345_6000n, 0x4070_0000n, 3, S2_RAM);
    const { e } = tr(cpu, 0x7abcn, RD);
    expect(e!.pa).toBe(0x4070_0000);
    expect(e!.ipa).toBe(0x1_2345_6000);
    expect([e!.level1, e!.level2]).toEqual([3, 3]);
    expect(e!.vmid).toBe(0x5a);
    expect(e!.attr).toBe(0xff);
    expect(e!.perm2 & 63).toBe(63);
  });

  it('concatenated starting tables: T0SZ = 24 at level 1 is 2 tables, T0SZ = 21 is 16 (index from IPA[39:30] / [42:30])', () => {
    const { cpu, s1, s2 } = setup();
    s1.map(0x7000n, 0x80_4000_5000n, 3, AF);
    wr64(cpu, s2.root + 0x1008, 0x8000_0000n | S2_RAM | 1n); // IPA[39:30] = 0x201: second table, entry 1
    expect(tr(cpu, 0x7000n, RD).e!.pa).toBe(0x8000_5000);

    const c16 = setup({ v: vtcr({ t0sz: 21, sl0: 1 }), inBits: 43 });
    c16.s1.map(0x7000n, 0x7c0_0000_3000n, 3, AF);
    wr64(c16.cpu, c16.s2.root + 0xf800, 0x8000_0000n | S2_RAM | 1n); // IPA[42:30] = 0x1f00
    expect(tr(c16.cpu, 0x7000n, RD).e!.pa).toBe(0x8000_3000);
    // T0SZ = 20 would need 32 tables at level 1: inconsistent, a level 0 Translation fault.
    const c32 = setup({ v: vtcr({ t0sz: 20, sl0: 1 }), inBits: 43 });
    expect(faultOf(tr(c32.cpu, 0x7000n, RD))).toEqual([FaultType.TRANSLATION, 0, true, true]);
  });

  it('an SL0 inconsistent with T0SZ, a reserved SL0, an IPA beyond T0SZ: stage 2 Translation fault, level 0', () => {
    const tooBig = setup({ v: vtcr({ t0sz: 24, sl0: 0 }) }); // level 2 resolves at most 34 bits
    tooBig.s1.map(0x7000n, 0x4000_0000n, 3, AF);
    // The stage 1 table access is the first thing translated at stage 2.
    expect(faultOf(tr(tooBig.cpu, 0x7000n, RD))).toEqual([FaultType.TRANSLATION, 0, true, true]);
    const a57 = setup({ model: 'cortex-a57', v: vtcr({ t0sz: 40, sl0: 3 }) }); // SL0 = 3: FEAT_TTST only
    expect(faultOf(tr(a57.cpu, 0x7000n, RD))).toEqual([FaultType.TRANSLATION, 0, true, true]);
    const { cpu, s1 } = setup();
    s1.map(0x7000n, 0x100_0000_0000n, 3, AF); // IPA 2^40 with a 40-bit IPA space
    const o = tr(cpu, 0x7000n, RD);
    expect(faultOf(o)).toEqual([FaultType.TRANSLATION, 0, true, false]);
    expect(o.f.ipa).toBe(0x100_0000_0000);
  });

  it('SL0 = 3 starts at level 3 with FEAT_TTST (max)', () => {
    const cpu = mmuCpu({ el: 2 });
    cpu.x[Slot.HCR_EL2] = 1n;
    cpu.x[Slot.VTCR_EL2] = vtcr({ t0sz: 40, sl0: 3 }); // 24-bit IPA: 2^12 entries (4 tables) at level 3
    const s2 = new Tables(cpu, 12, 24, 3);
    cpu.x[Slot.VTTBR_EL2] = BigInt(s2.root);
    wr64(cpu, s2.root + 0x3ff * 8, 0x4012_3000n | S2_RAM | 3n);
    cpu.x[Slot.SCTLR_EL1] &= ~1n; // stage 1 off: IPA = VA
    expect(tr(cpu, 0x3f_f000n, RD).e!.pa).toBe(0x4012_3000);
  });

  it('stage 1 output fault comes first; the final IPA faults carry ipa and the stage 2 level', () => {
    const { cpu, s1 } = setup();
    s1.map(0x7000n, 0x2_0000_0000n, 3, AF);
    const o = tr(cpu, 0x7000n, RD);
    expect(faultOf(o)).toEqual([FaultType.TRANSLATION, 1, true, false]);
    expect(o.f.ipa).toBe(0x2_0000_0000);
  });
});

describe('stage 2 permissions and attributes', () => {
  function page(s2attrs: bigint, s1attrs = AF, model = 'max') {
    const { cpu, s1, s2 } = setup({ model });
    s1.map(0x7000n, 0x1_0000_0000n, 3, s1attrs);
    const a = s2.map(0x1_0000_0000n, 0x4070_0000n, 3, s2attrs);
    return { cpu, a };
  }

  it('S2AP: 01 read-only, 10 write-only, 00 nothing; the fault is at stage 2 with the IPA', () => {
    for (const [s2ap, r, w] of [[1, true, false], [2, false, true], [0, false, false]] as const) {
      const { cpu } = page(AF | ap(s2ap) | memAttr(0xf));
      for (const [acc, ok] of [[AccessType.READ, r], [AccessType.WRITE, w]] as const) {
        const o = tr(cpu, 0x7000n, req(Regime.EL10, { acc }));
        if (ok) expect(o.e!.perm2 & (Perm.R1 | Perm.W1), `S2AP=${s2ap}`).toBe((r ? Perm.R1 : 0) | (w ? Perm.W1 : 0));
        else {
          expect(faultOf(o), `S2AP=${s2ap} ${acc}`).toEqual([FaultType.PERMISSION, 3, true, false]);
          expect(o.f.ipa).toBe(0x1_0000_0000);
        }
      }
    }
  });

  it('XN[1:0] with FEAT_XNX (max); without it (cortex-a57) bit 53 is RES0', () => {
    const want: [number, number][] = [[0, Perm.X0 | Perm.X1], [1, Perm.X0], [2, 0], [3, Perm.X1]];
    for (const [xn, x] of want) {
      const { cpu } = page(S2_RAM | (BigInt(xn) << 53n));
      expect(tr(cpu, 0x7000n, RD).e!.perm2 & (Perm.X0 | Perm.X1), `XN=${xn}`).toBe(x);
    }
    const { cpu } = page(S2_RAM | (1n << 53n), AF, 'cortex-a57');
    expect(tr(cpu, 0x7000n, RD).e!.perm2 & (Perm.X0 | Perm.X1)).toBe(Perm.X0 | Perm.X1);
    const f = new MmuFault();
    const e = page(S2_RAM | (2n << 53n)).cpu;
    const ent = tr(e, 0x7000n, RD).e!;
    expect(permits(ent, req(Regime.EL10, { acc: AccessType.FETCH }), f)).toBe(false);
    expect([f.type, f.level, f.stage2, f.ipa]).toEqual([FaultType.PERMISSION, 3, true, 0x1_0000_0000]);
  });

  it('attributes combine: Device wins (more restrictive type), Normal takes the less cacheable', () => {
    const cases: [number, number, number][] = [
      [2, 0x1, 0x04], // S1 Normal WB, S2 Device-nGnRE
      [0, 0xf, 0x00], // S1 Device-nGnRnE, S2 Normal WB
      [1, 0x3, 0x04], // S1 Device-nGnRE, S2 Device-GRE
      [2, 0x5, 0x44], // S1 WB, S2 Normal NC
      [3, 0xf, 0x44], // S1 NC, S2 WB
    ];
    for (const [idx, m, want] of cases) {
      const { cpu } = page(AF | ap(3) | memAttr(m), AF | (BigInt(idx) << 2n));
      const e = tr(cpu, 0x7000n, RD).e!;
      expect(e.attr, `AttrIndx ${idx} MemAttr ${m}`).toBe(want);
      expect(e.device).toBe((want & 0xf0) === 0);
    }
  });

  it('HCR_EL2.CD makes Normal data Non-cacheable at stage 2, HCR_EL2.ID Normal fetches (AArch64.S2Translate)', () => {
    const { cpu } = page(S2_RAM, AF | (2n << 2n));
    const F = req(Regime.EL10, { acc: AccessType.FETCH });
    expect([tr(cpu, 0x7000n, RD).e!.attr, tr(cpu, 0x7000n, F).e!.attr]).toEqual([0xff, 0xff]);
    cpu.x[Slot.HCR_EL2] |= 1n << 32n; // CD
    expect([tr(cpu, 0x7000n, RD).e!.attr, tr(cpu, 0x7000n, F).e!.attr]).toEqual([0x44, 0xff]);
    cpu.x[Slot.HCR_EL2] ^= 3n << 32n; // ID, not CD
    expect([tr(cpu, 0x7000n, RD).e!.attr, tr(cpu, 0x7000n, F).e!.attr]).toEqual([0xff, 0x44]);
  });

  it('stage 2 Access flag: a fault, or set by hardware with VTCR_EL2.HA; DBM with VTCR_EL2.HD sets S2AP[1] on a write', () => {
    const { cpu } = page(ap(3) | memAttr(0xf));
    expect(faultOf(tr(cpu, 0x7000n, RD))).toEqual([FaultType.ACCESS_FLAG, 3, true, false]);
    const h = page(ap(1) | DBM | memAttr(0xf));
    h.cpu.x[Slot.VTCR_EL2] = vtcr({ t0sz: 24, sl0: 1, ha: true, hd: true });
    const e = tr(h.cpu, 0x7000n, RD).e!;
    expect(e.perm2 & Perm.W1).toBe(0);
    expect(rd64(h.cpu, h.a)).toBe(0x4070_0000n | AF | ap(1) | DBM | memAttr(0xf) | 3n);
    expect(tr(h.cpu, 0x7000n, req(Regime.EL10, { acc: AccessType.WRITE })).e!.perm2 & Perm.W1).toBe(Perm.W1);
    expect(rd64(h.cpu, h.a)).toBe(0x4070_0000n | AF | ap(3) | DBM | memAttr(0xf) | 3n);
  });

  it('an output address beyond VTCR_EL2.PS: stage 2 Address size fault at the leaf level', () => {
    const q = setup({ v: vtcr({ t0sz: 24, sl0: 1, ps: 0 }) });
    q.s1.map(0x7000n, 0x1_0000_0000n, 3, AF);
    q.s2.map(0x1_0000_0000n, 0x1_4070_0000n, 3, S2_RAM);
    expect(faultOf(tr(q.cpu, 0x7000n, RD))).toEqual([FaultType.ADDR_SIZE, 3, true, false]);
  });
});

describe('stage 2 of the stage 1 walk (S1PTW)', () => {
  it('a stage 1 table at an IPA stage 2 does not map: stage 2 fault with S1PTW and the table IPA', () => {
    const { cpu } = setup();
    cpu.x[Slot.TTBR0_EL1] = 0x2_0000_0000n;
    const o = tr(cpu, 0x7000n, RD);
    expect(faultOf(o)).toEqual([FaultType.TRANSLATION, 1, true, true]);
    expect(o.f.ipa).toBe(0x2_0000_0000);
  });

  it('a stage 1 table stage 2 does not let be read: stage 2 Permission fault with S1PTW', () => {
    const { cpu, s1, s2 } = setup({ pages: true });
    s1.map(0x7000n, 0x4020_0000n, 3, AF);
    s2.map(BigInt(s1.root), BigInt(s1.root), 3, AF | ap(2) | memAttr(0xf)); // write-only
    const o = tr(cpu, 0x7000n, RD);
    expect(faultOf(o)).toEqual([FaultType.PERMISSION, 3, true, true]);
    expect(o.f.ipa).toBe(s1.root);
  });

  it('HCR_EL2.PTW: a stage 1 table in stage 2 Device memory is a stage 2 Permission fault with S1PTW', () => {
    const { cpu, s1, s2 } = setup({ pages: true });
    s1.map(0x7000n, 0x4020_0000n, 3, AF);
    s2.map(BigInt(s1.root), BigInt(s1.root), 3, AF | ap(3) | memAttr(0x0));
    expect(tr(cpu, 0x7000n, RD).e).not.toBeNull();
    cpu.x[Slot.HCR_EL2] |= 1n << 2n;
    expect(faultOf(tr(cpu, 0x7000n, RD))).toEqual([FaultType.PERMISSION, 3, true, true]);
  });

  it('an AT that sets a stage 1 AF makes the table page dirty at stage 2 (the update is a walk access, not the AT)', () => {
    const { cpu, s1, s2 } = setup({ pages: true });
    cpu.x[Slot.TCR_EL1] = tcr({ t0sz: 16, ha: true });
    cpu.x[Slot.VTCR_EL2] = vtcr({ t0sz: 24, sl0: 1, ha: true, hd: true });
    const leaf = s1.map(0x7000n, 0x4020_0000n, 3, 0n);
    const page = BigInt(leaf) & ~0xfffn;
    const s2leaf = s2.map(page, page, 3, AF | ap(1) | DBM | memAttr(0xf)); // writable-clean
    expect(tr(cpu, 0x7000n, req(Regime.EL10, { at: true })).e).not.toBeNull();
    expect(rd64(cpu, leaf) & AF).toBe(AF);
    expect(rd64(cpu, s2leaf) & ap(3)).toBe(ap(3)); // S2AP[1] set: dirty
  });

  it('a hardware AF update of a stage 1 descriptor is a stage 2 write: read-only at stage 2 faults with S1PTW', () => {
    const { cpu, s1, s2 } = setup({ pages: true });
    cpu.x[Slot.TCR_EL1] = tcr({ t0sz: 16, ha: true });
    const leaf = s1.map(0x7000n, 0x4020_0000n, 3, 0n);
    const page = BigInt(leaf) & ~0xfffn;
    s2.map(page, page, 3, AF | ap(1) | memAttr(0xf));
    expect(faultOf(tr(cpu, 0x7000n, RD))).toEqual([FaultType.PERMISSION, 3, true, true]);
    expect(rd64(cpu, leaf) & AF).toBe(0n);
  });
});

describe('HCR_EL2.DC and TGE, s1Only, tags', () => {
  it('DC: stage 1 off with Normal Write-Back, stage 2 on even with VM = 0', () => {
    const { cpu, s2 } = setup();
    cpu.x[Slot.HCR_EL2] = 1n << 12n;
    s2.map(0x7000n, 0x4070_0000n, 3, S2_RAM);
    const e = tr(cpu, 0x7000n, RD).e!;
    expect(e.pa).toBe(0x4070_0000);
    expect(e.attr).toBe(0xff);
  });

  it('TGE (E2H = 0): stage 1 of EL1&0 off', () => {
    const { cpu, s2 } = setup();
    cpu.x[Slot.HCR_EL2] = 1n | (1n << 27n);
    s2.map(0x7000n, 0x4070_0000n, 3, S2_RAM);
    expect(tr(cpu, 0x7000n, RD).e!.pa).toBe(0x4070_0000);
  });

  it('s1Only (AT S1E1*): stops at the IPA', () => {
    const { cpu, s1 } = setup();
    s1.map(0x7000n, 0x1_2345_6000n, 3, AF);
    const e = tr(cpu, 0x7000n, req(Regime.EL10, { s1Only: true, at: true })).e!;
    expect([e.pa, e.ipa, e.perm2 & 63, e.vmid]).toEqual([0x1_2345_6000, -1, 63, 0]);
    // Stage 2 still translates the stage 1 tables (AArch64.S1Walk; QEMU 7.2 reports it too).
    cpu.x[Slot.TTBR0_EL1] = 0x2_0000_0000n;
    expect(faultOf(tr(cpu, 0x7000n, req(Regime.EL10, { s1Only: true, at: true })))).toEqual([FaultType.TRANSLATION, 1, true, true]);
  });

  it('VMID from VTTBR_EL2: 8 bits, 16 with VTCR_EL2.VS (max); entries of EL1&0 are tagged with it', () => {
    const { cpu } = setup();
    cpu.x[Slot.VTTBR_EL2] = (cpu.x[Slot.VTTBR_EL2] & 0xffff_ffff_ffffn) | (0x1234n << 48n);
    const out = { asid: 0, vmid: 0 };
    contextTags(cpu, Regime.EL10, out);
    expect(out.vmid).toBe(0x34);
    cpu.x[Slot.VTCR_EL2] |= 1n << 19n;
    contextTags(cpu, Regime.EL10, out);
    expect(out.vmid).toBe(0x1234);
    contextTags(cpu, Regime.EL2, out);
    expect(out).toEqual({ asid: 0, vmid: 0 });
  });
});

describe('stage 2 with VTCR_EL2.DS (FEAT_LPA2, max)', () => {
  it('SL2:SL0 = 100 starts a 4 KiB walk at level -1 for a 52-bit IPA (AArch64.S2StartLevel)', () => {
    const cpu = mmuCpu({ el: 2 });
    cpu.x[Slot.HCR_EL2] = 1n;
    cpu.x[Slot.VTCR_EL2] = vtcr({ t0sz: 12, sl0: 0, ps: 6 }) | (3n << 32n); // DS, SL2
    const s2 = new Tables(cpu, 12, 52, -1);
    cpu.x[Slot.VTTBR_EL2] = BigInt(s2.root);
    cpu.x[Slot.SCTLR_EL1] &= ~1n; // stage 1 off: IPA = VA (the PA size is 52 bits)
    s2.map(0xf_0000_4000_0000n, 0x4000_0000n, 1, S2_RAM);
    expect(tr(cpu, 0xf_0000_4000_1000n, RD).e!.pa).toBe(0x4000_1000);
    expect(faultOf(tr(cpu, 0x1000n, RD))).toEqual([FaultType.TRANSLATION, -1, true, false]);
    cpu.x[Slot.VTCR_EL2] &= ~(1n << 32n); // DS = 0: SL2 is RES0, T0SZ = 12 below the 48-bit minimum
    expect(faultOf(tr(cpu, 0x1000n, RD))).toEqual([FaultType.TRANSLATION, 0, true, false]);
  });
});
