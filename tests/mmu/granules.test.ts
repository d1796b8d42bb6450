// Every granule at every starting level TnSZ allows, blocks where the granule allows them,
// 52-bit VA (FEAT_LVA) and PA (FEAT_LPA) with 64 KiB on max. Expected values:
// - starting levels from the Arm ARM's tables of TnSZ per granule and starting level
//   (D8.2.6 and D8.2.7: 4 KiB: T0SZ 16-24 level 0, 25-33 level 1, 34-42 level 2, 43-48 level 3
//   with FEAT_TTST; 16 KiB: 16 level 0, 17-27 level 1, 28-38 level 2, 39-48 level 3; 64 KiB:
//   12-21 level 1 (12-15 with FEAT_LVA), 22-34 level 2, 35-47 level 3);
// - block sizes and the levels where blocks exist (D8.3.1: 4 KiB 1 GiB at level 1, 2 MiB at
//   level 2; 16 KiB 32 MiB at level 2; 64 KiB 512 MiB at level 2 and 4 TiB at level 1 with
//   FEAT_LPA; elsewhere a block descriptor is invalid: Translation fault);
// - TG0 and TG1 encode the granules differently (D17.2.131);
// - an unimplemented or reserved granule behaves as an implemented one (IMPLEMENTATION
//   DEFINED which: QEMU 7.2's sanitize_gran_size picks the smallest, 4 KiB).
import { describe, expect, it } from 'vitest';
import { Slot } from '../../src/cpu/state.js';
import { FaultType, Regime } from '../../src/mmu/types.js';
import { AF, faultOf, mmuCpu, req, Tables, tcr, tr, TG0 } from './tables.js';

const RD = req(Regime.EL10);

interface Case {
  g: number;
  t0sz: number;
  start: number;
  model?: string;
}
const CASES: Case[] = [
  { g: 12, t0sz: 16, start: 0 }, { g: 12, t0sz: 24, start: 0 }, { g: 12, t0sz: 25, start: 1 }, { g: 12, t0sz: 33, start: 1 },
  { g: 12, t0sz: 34, start: 2 }, { g: 12, t0sz: 42, start: 2 }, { g: 12, t0sz: 43, start: 3 }, { g: 12, t0sz: 48, start: 3 },
  { g: 14, t0sz: 16, start: 0 }, { g: 14, t0sz: 17, start: 1 }, { g: 14, t0sz: 27, start: 1 }, { g: 14, t0sz: 28, start: 2 },
  { g: 14, t0sz: 38, start: 2 }, { g: 14, t0sz: 39, start: 3 }, { g: 14, t0sz: 48, start: 3 },
  { g: 16, t0sz: 12, start: 1 }, { g: 16, t0sz: 16, start: 1 }, { g: 16, t0sz: 21, start: 1 }, { g: 16, t0sz: 22, start: 2 },
  { g: 16, t0sz: 34, start: 2 }, { g: 16, t0sz: 35, start: 3 }, { g: 16, t0sz: 47, start: 3 },
  { g: 12, t0sz: 25, start: 1, model: 'cortex-a57' }, { g: 16, t0sz: 16, start: 1, model: 'cortex-a57' },
  { g: 16, t0sz: 34, start: 2, model: 'cortex-a57' },
];
/** Block sizes (log2) per granule and level. */
const BLOCKS: Record<number, Record<number, number>> = { 12: { 1: 30, 2: 21 }, 14: { 2: 25 }, 16: { 1: 42, 2: 29 } };

function setup(c: Case, ips = 5) {
  const cpu = mmuCpu({ model: c.model ?? 'max' });
  const t = new Tables(cpu, c.g, 64 - c.t0sz, c.start);
  cpu.x[Slot.TCR_EL1] = tcr({ t0sz: c.t0sz, g0: c.g, ips });
  cpu.x[Slot.TTBR0_EL1] = BigInt(t.root);
  cpu.x[Slot.SCTLR_EL1] |= 1n;
  return { cpu, t };
}

const mask = (bits: number): bigint => (1n << BigInt(bits)) - 1n;

describe('stage 1 granules and starting levels', () => {
  for (const c of CASES) {
    const name = `${c.model ?? 'max'} ${1 << (c.g - 10)} KiB T0SZ=${c.t0sz}`;
    const inBits = 64 - c.t0sz;
    const va = 0x5a5a_5a5a_5a5a_5a5an & mask(inBits);

    it(`${name}: starts at level ${c.start}; a level 3 page maps the 4 KiB page of the VA inside it`, () => {
      const { cpu, t } = setup(c);
      expect(faultOf(tr(cpu, va, RD))).toEqual([FaultType.TRANSLATION, c.start, false, false]);
      t.map(va, 0x4080_0000n, 3, AF);
      const { e } = tr(cpu, va, RD);
      expect(e!.pa).toBe(0x4080_0000 + Number(va & mask(c.g) & ~0xfffn));
      expect(e!.sizeLog2).toBe(c.g);
      expect(e!.level1).toBe(3);
    });

    for (let level = c.start; level < 3; level++) {
      const size = BLOCKS[c.g][level];
      const lpa = c.model === undefined; // 64 KiB level 1 blocks need FEAT_LPA (max)
      if (size !== undefined && (level !== 1 || c.g !== 16 || lpa)) {
        it(`${name}: a level ${level} block maps 2^${size} bytes`, () => {
          const { cpu, t } = setup(c);
          const oa = 1n << BigInt(size);
          t.map(va, oa, level, AF);
          const { e } = tr(cpu, va, RD);
          expect(e!.pa).toBe(Number(oa + (va & mask(size) & ~0xfffn)));
          expect(e!.sizeLog2).toBe(size);
          expect(e!.level1).toBe(level);
        });
      } else {
        it(`${name}: a level ${level} block is invalid: Translation fault at level ${level}`, () => {
          const { cpu, t } = setup(c);
          t.map(va, 0n, level, AF);
          expect(faultOf(tr(cpu, va, RD))).toEqual([FaultType.TRANSLATION, level, false, false]);
        });
      }
    }
  }

  it('TTBR1 with each TG1 encoding (16 KiB = 0b01, 4 KiB = 0b10, 64 KiB = 0b11)', () => {
    for (const g of [12, 14, 16]) {
      const cpu = mmuCpu();
      const t1 = new Tables(cpu, g, 48);
      cpu.x[Slot.TCR_EL1] = tcr({ t0sz: 16, t1sz: 16, g1: g, g0: 12 });
      cpu.x[Slot.TTBR1_EL1] = BigInt(t1.root);
      cpu.x[Slot.SCTLR_EL1] |= 1n;
      t1.map(0xffff_8765_4321_0000n, 0x4090_0000n, 3, AF);
      expect(tr(cpu, 0xffff_8765_4321_0000n, RD).e!.pa, `${g}`).toBe(0x4090_0000);
    }
  });

  it('cortex-a57 has no 16 KiB granule, and TG0 = 0b11 is reserved: both walk as 4 KiB (QEMU 7.2 choice)', () => {
    const cpu = mmuCpu({ model: 'cortex-a57' });
    const t = new Tables(cpu, 12, 48);
    cpu.x[Slot.TTBR0_EL1] = BigInt(t.root);
    cpu.x[Slot.SCTLR_EL1] |= 1n;
    t.map(0x1234_5678_9000n, 0x4090_0000n, 3, AF);
    cpu.x[Slot.TCR_EL1] = tcr({ t0sz: 16, g0: 14 });
    expect(tr(cpu, 0x1234_5678_9000n, RD).e!.pa).toBe(0x4090_0000);
    const max = mmuCpu();
    const tm = new Tables(max, 12, 48);
    max.x[Slot.TTBR0_EL1] = BigInt(tm.root);
    max.x[Slot.SCTLR_EL1] |= 1n;
    tm.map(0x1234_5678_9000n, 0x4090_0000n, 3, AF);
    max.x[Slot.TCR_EL1] = tcr({ t0sz: 16 }) | (3n << 14n);
    expect(tr(max, 0x1234_5678_9000n, RD).e!.pa).toBe(0x4090_0000);
    expect(TG0[14]).toBe(2n);
  });
});

describe('52-bit addresses with the 64 KiB granule (max: FEAT_LVA, FEAT_LPA)', () => {
  it('T0SZ = 12 (FEAT_LVA): 52-bit VAs, the level 1 table has 1024 entries', () => {
    const c = { g: 16, t0sz: 12, start: 1 };
    const { cpu, t } = setup(c, 6);
    const va = 0xf_edcb_a987_0000n;
    t.map(va, 0x4010_0000n, 3, AF);
    expect(tr(cpu, va, RD).e!.pa).toBe(0x4010_0000);
    // VA[55] = 1 walks from TTBR1_EL1 = 0, where there is no RAM.
    expect(faultOf(tr(cpu, va | 0xfff0_0000_0000_0000n, RD))).toEqual([FaultType.SYNC_EXT_WALK, 0, false, false]);
    // cortex-a57 has no FEAT_LVA: T0SZ = 12 is out of range, a level 0 Translation fault.
    const a57 = setup({ g: 16, t0sz: 12, start: 1, model: 'cortex-a57' });
    expect(faultOf(tr(a57.cpu, 0x1000n, RD))).toEqual([FaultType.TRANSLATION, 0, false, false]);
  });

  it('OA[51:48] is in descriptor bits [15:12] (FEAT_LPA); with IPS < 52 bits such an OA takes an Address size fault', () => {
    const c = { g: 16, t0sz: 16, start: 1 };
    const { cpu, t } = setup(c, 6);
    t.map(0x1_0000n, 0x0000_dead_beef_0000n | (0xan << 12n), 3, AF); // OA = 0xa_dead_beef_0000
    expect(tr(cpu, 0x1_5000n, RD).e!.pa).toBe(0xa_dead_beef_5000);
    cpu.x[Slot.TCR_EL1] = tcr({ t0sz: 16, g0: 16, ips: 5 });
    expect(faultOf(tr(cpu, 0x1_5000n, RD))).toEqual([FaultType.ADDR_SIZE, 3, false, false]);
  });
});

// FEAT_LPA2 (max: ID_AA64MMFR0_EL1.TGran4 = 1, TGran16 = 2 in QEMU 7.2's recording):
// TCR.DS = 1 gives the 4 and 16 KiB granules 52-bit VAs (TnSZ down to 12) and OAs, OA[51:50]
// in descriptor bits [9:8] and OA[49:48] in bits [49:48] (D8.3.1); the 4 KiB walk of a
// 52-bit VA starts at level -1 (16 entries); blocks at 4 KiB level 0 (512 GiB) and 16 KiB
// level 1 (64 GiB) (AArch64.BlockDescSupported).
describe('52-bit addresses with TCR.DS (FEAT_LPA2, max)', () => {
  const DS = 1n << 59n;
  const oa52 = (pa: bigint): bigint => (pa & 0x3_ffff_ffff_f000n) | (((pa >> 50n) & 3n) << 8n);

  function setupDs(g: number, t0sz: number, start: number, ds = true) {
    const cpu = mmuCpu();
    const t = new Tables(cpu, g, 64 - t0sz, start);
    cpu.x[Slot.TCR_EL1] = tcr({ t0sz, g0: g, ips: 6 }) | (ds ? DS : 0n);
    cpu.x[Slot.TTBR0_EL1] = BigInt(t.root);
    cpu.x[Slot.SCTLR_EL1] |= 1n;
    return { cpu, t };
  }

  it('4 KiB, T0SZ = 12: level -1 start (faults there are level -1), a page with a 52-bit OA, a level 0 block', () => {
    const { cpu, t } = setupDs(12, 12, -1);
    const va = 0xf_8765_4321_0000n;
    expect(faultOf(tr(cpu, va, RD))).toEqual([FaultType.TRANSLATION, -1, false, false]);
    t.map(va, oa52(0xf_abcd_1234_5000n), 3, AF);
    expect(tr(cpu, va, RD).e!.pa).toBe(0xf_abcd_1234_5000);
    t.map(0x8_0000_0000_0000n, oa52(0xc_0000_0000_0000n), 0, AF); // 512 GiB block
    const e = tr(cpu, 0x8_0012_3456_7000n, RD).e!;
    expect([e.pa, e.sizeLog2, e.level1]).toEqual([0xc_0012_3456_7000, 39, 0]);
  });

  it('16 KiB, T0SZ = 12: level 0 start, a level 1 block of 64 GiB', () => {
    const { cpu, t } = setupDs(14, 12, 0);
    t.map(0x4_0000_0000n, oa52(0x8_0010_0000_0000n), 1, AF);
    const e = tr(cpu, 0x4_0000_5000n, RD).e!;
    expect([e.pa, e.sizeLog2]).toEqual([0x8_0014_0000_5000, 36]); // VA[35:12] = 0x4_0000_5
  });

  it('without DS (and on cortex-a57, no FEAT_LPA2) T0SZ = 12 with 4 KiB is out of range, and bits [9:8] are not OA', () => {
    const { cpu } = setupDs(12, 12, -1, false);
    expect(faultOf(tr(cpu, 0x1000n, RD))).toEqual([FaultType.TRANSLATION, 0, false, false]);
    const n = setupDs(12, 16, 0, false);
    n.t.map(0x1000n, 0x4000_0000n | (3n << 8n), 3, AF); // SH = 11, not an address
    expect(tr(n.cpu, 0x1000n, RD).e!.pa).toBe(0x4000_0000);
  });
});
