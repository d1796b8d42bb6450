// TLBI scopes (src/sysregs/tlbi.ts): a TLB filled with entries of several regimes, VMIDs,
// ASIDs and global bits, then one TLBI executed; the entries that survive are the Arm ARM's
// (C5.5, "A64 System instructions for TLB maintenance", each operation's page: which regime,
// VMID, ASID and VA an entry must match to be invalidated; global entries match any ASID for
// the by-VA forms and are kept by TLBI ASIDE1). Range forms: the Xt layout of TLBI RVAE1
// (TG [47:46], SCALE [45:44], NUM [43:39], BaseADDR [36:0]; (NUM+1) * 2^(5*SCALE+1) granules).
// Which encodings exist and trap is checked against QEMU 7.2 by the SYS sweep recordings.
import { describe, expect, it } from 'vitest';
import { Cpu } from '../../src/cpu/cpu.js';
import { MODELS, modelForEl, type StartEl } from '../../src/cpu/models.js';
import { Runner } from '../../src/cpu/run.js';
import { Slot } from '../../src/cpu/state.js';
import type { PhysBus } from '../../src/mmu/memory.js';
import { Perm, Regime, type TlbEntry } from '../../src/mmu/types.js';

const BASE = 0x40000000;
const ALL = Perm.R0 | Perm.W0 | Perm.X0 | Perm.R1 | Perm.W1 | Perm.X1;

interface E { name: string; regime: Regime; vmid?: number; asid?: number; global?: boolean; va: bigint; sizeLog2?: number; ipa?: number }
const ENTRIES: E[] = [
  { name: 'A', regime: Regime.EL10, asid: 1, va: 0x1000n, ipa: 0x80001000 },
  { name: 'B', regime: Regime.EL10, asid: 2, va: 0x1000n },
  { name: 'C', regime: Regime.EL10, global: true, va: 0x1000n },
  { name: 'D', regime: Regime.EL10, vmid: 5, asid: 1, va: 0x1000n, ipa: 0x80001000 },
  { name: 'E', regime: Regime.EL10, asid: 1, va: 0x2000n },
  { name: 'F', regime: Regime.EL2, global: true, va: 0x1000n },
  { name: 'G', regime: Regime.EL20, asid: 1, va: 0x1000n },
  { name: 'H', regime: Regime.EL20, global: true, va: 0x1000n },
  { name: 'I', regime: Regime.EL3, global: true, va: 0x1000n },
  // TTBR1 half of EL1&0.
  { name: 'J', regime: Regime.EL10, asid: 1, va: 0xffff000000001000n },
  // The last 4 KiB page of a global 2 MiB block at 0x200000.
  { name: 'K', regime: Regime.EL10, global: true, va: 0x3ff000n, sizeLog2: 21 },
];
const NAMES = ENTRIES.map((e) => e.name);

function entry(e: E): TlbEntry {
  return {
    regime: e.regime, vmid: e.vmid ?? 0, asid: e.asid ?? 0, global: e.global ?? false,
    vaLo: Number(e.va & 0xfffff000n) | 0, vaHi: Number(e.va >> 32n) | 0, sizeLog2: e.sizeLog2 ?? 12,
    pa: 0x40000000, ipa: e.ipa ?? -1, perm1: ALL, perm2: ALL, level1: 3, level2: 3, attr: 0xff, device: false, sh: 3,
  };
}

/** SYS #op1, C8, Cm, #op2, X1. */
const tlbi = (op1: number, crm: number, op2: number): number => (0xd5088001 | (op1 << 16) | (crm << 8) | (op2 << 5)) >>> 0;

/**
 * Runs one TLBI (op1, CRm, op2) with X1 = xt at `el` on max in start mode `mode` (HCR_EL2 =
 * `hcr` with EL2), and returns the names of the entries left.
 */
function survivors(op: [number, number, number], xt: bigint, el: number, mode: StartEl = 2, hcr = 1n << 31n): string[] {
  const ram = new Uint8Array(1 << 16);
  const bus: PhysBus = { ram, ramBase: BASE, mmioRead: () => undefined, mmioWrite: () => false };
  const cpu = new Cpu(bus, modelForEl(MODELS.max, mode), {});
  cpu.resetTo(el, BigInt(BASE));
  if (mode >= 2) cpu.x[Slot.HCR_EL2] = hcr;
  cpu.x[1] = xt;
  new DataView(ram.buffer).setUint32(0, tlbi(...op), true);
  const byEntry = new Map<TlbEntry, string>();
  for (const e of ENTRIES) {
    const t = entry(e);
    byEntry.set(t, e.name);
    cpu.mem.tlb.insert(t);
  }
  new Runner(cpu).run(1);
  expect(cpu.pc, 'the TLBI completed').toBe(BigInt(BASE + 4));
  const left: string[] = [];
  for (const [t, name] of byEntry) {
    if (cpu.mem.tlb.lookup(t.regime, t.vmid, t.asid, t.vaLo, t.vaHi) === t) left.push(name);
  }
  return left.sort();
}
const without = (...gone: string[]): string[] => NAMES.filter((n) => !gone.includes(n)).sort();

const asid = (a: number): bigint => BigInt(a) << 48n;
/** A range operand: TG, SCALE, NUM, BaseADDR (granules). */
const rangeXt = (tg: number, scale: number, num: number, base: bigint, a = 0): bigint =>
  asid(a) | (BigInt(tg) << 46n) | (BigInt(scale) << 44n) | (BigInt(num) << 39n) | base;

// Encodings (Arm ARM C5.5): [op1, CRm, op2].
const VMALLE1: [number, number, number] = [0, 7, 0];
const VAE1: [number, number, number] = [0, 7, 1];
const ASIDE1: [number, number, number] = [0, 7, 2];
const VAAE1: [number, number, number] = [0, 7, 3];
const VALE1: [number, number, number] = [0, 7, 5];
const VAALE1OS: [number, number, number] = [0, 1, 7];
const RVAE1: [number, number, number] = [0, 6, 1];
const RVAAE1IS: [number, number, number] = [0, 2, 3];
const IPAS2E1IS: [number, number, number] = [4, 0, 1];
const RIPAS2E1: [number, number, number] = [4, 4, 2];
const ALLE2: [number, number, number] = [4, 7, 0];
const VAE2: [number, number, number] = [4, 7, 1];
const ALLE1: [number, number, number] = [4, 7, 4];
const VMALLS12E1OS: [number, number, number] = [4, 1, 6];
const ALLE3: [number, number, number] = [6, 7, 0];
const VALE3IS: [number, number, number] = [6, 3, 5];
const RVAE2: [number, number, number] = [4, 6, 1];

const E2H = 1n << 34n;
const TGE = 1n << 27n;
const RW = 1n << 31n;

describe('TLBI scopes (Arm ARM C5.5) on a TLB of mixed regimes, VMIDs, ASIDs and global entries', () => {
  it('VMALLE1 at EL1: every EL1&0 entry of the current VMID (0), whatever its ASID or global bit', () => {
    expect(survivors(VMALLE1, 0n, 1)).toEqual(['D', 'F', 'G', 'H', 'I']);
  });
  it('VAE1/VALE1: the VA with the ASID, global entries included; other ASIDs, VAs and VMIDs stay', () => {
    expect(survivors(VAE1, asid(1) | 1n, 1)).toEqual(without('A', 'C'));
    expect(survivors(VALE1, asid(2) | 1n, 1)).toEqual(without('B', 'C'));
  });
  it('VAE1 by an address inside a 2 MiB block removes the block (its whole mapping covers the VA)', () => {
    expect(survivors(VAE1, 0x200n, 1)).toEqual(without('K'));
  });
  it('VAAE1 and VAALE1OS: the VA for every ASID (OS acts like the local form on one PE)', () => {
    expect(survivors(VAAE1, asid(7) | 1n, 1)).toEqual(without('A', 'B', 'C'));
    expect(survivors(VAALE1OS, 1n, 1)).toEqual(without('A', 'B', 'C'));
  });
  it('ASIDE1: the non-global entries of the ASID; global entries stay', () => {
    expect(survivors(ASIDE1, asid(1), 1)).toEqual(without('A', 'E', 'J'));
  });
  it('VMALLE1 at EL2 with HCR_EL2.{E2H,TGE} = {1,1} acts on EL2&0, not on EL1&0', () => {
    expect(survivors(VMALLE1, 0n, 2, 2, RW | E2H | TGE)).toEqual(without('G', 'H'));
    // TGE = 0: EL1&0 as usual.
    expect(survivors(VMALLE1, 0n, 2, 2, RW | E2H)).toEqual(['D', 'F', 'G', 'H', 'I']);
  });
  it('ALLE1: every EL1&0 entry of every VMID; VMALLS12E1OS: the current VMID only', () => {
    expect(survivors(ALLE1, 0n, 2)).toEqual(['F', 'G', 'H', 'I']);
    expect(survivors(VMALLS12E1OS, 0n, 2)).toEqual(['D', 'F', 'G', 'H', 'I']);
  });
  it('IPAS2E1IS: entries of the current VMID whose IPA is IPA[51:12] = Xt[39:0]', () => {
    expect(survivors(IPAS2E1IS, 0x80001n, 2)).toEqual(without('A'));
    expect(survivors(IPAS2E1IS, 0x80002n, 2)).toEqual(NAMES.slice().sort());
  });
  it('ALLE2 and VAE2: the EL2 regime with E2H = 0, the EL2&0 regime (with ASIDs) with E2H = 1', () => {
    expect(survivors(ALLE2, 0n, 2)).toEqual(without('F'));
    expect(survivors(ALLE2, 0n, 2, 2, RW | E2H)).toEqual(without('G', 'H'));
    expect(survivors(VAE2, 1n, 2)).toEqual(without('F'));
    expect(survivors(VAE2, asid(1) | 1n, 2, 2, RW | E2H)).toEqual(without('G', 'H'));
    expect(survivors(VAE2, asid(2) | 1n, 2, 2, RW | E2H)).toEqual(without('H'));
  });
  it('ALLE3 and VALE3IS: the EL3 regime only', () => {
    expect(survivors(ALLE3, 0n, 3, 3)).toEqual(without('I'));
    expect(survivors(VALE3IS, 1n, 3, 3)).toEqual(without('I'));
    expect(survivors(VALE3IS, 2n, 3, 3)).toEqual(NAMES.slice().sort());
  });
  it('RVAE1: (NUM + 1) * 2^(5 * SCALE + 1) granules from BaseADDR, with the ASID', () => {
    // 4 KiB granules, SCALE 0, NUM 0: 2 pages from 0x1000 (0x1000, 0x2000).
    expect(survivors(RVAE1, rangeXt(1, 0, 0, 1n, 1), 1)).toEqual(without('A', 'C', 'E'));
    // From 0x2000: only E.
    expect(survivors(RVAE1, rangeXt(1, 0, 0, 2n, 1), 1)).toEqual(without('E'));
    // 64 KiB granules (TG 0b11), BaseADDR 0: 2 * 64 KiB from 0, which holds A, C, E.
    expect(survivors(RVAE1, rangeXt(3, 0, 0, 0n, 1), 1)).toEqual(without('A', 'C', 'E'));
    // SCALE 1, NUM 1: 2 * 2^6 = 128 pages of 4 KiB from 0x380000: the end of block K.
    expect(survivors(RVAE1, rangeXt(1, 1, 1, 0x380n), 1)).toEqual(without('K'));
    // TG 0b00: no invalidation.
    expect(survivors(RVAE1, rangeXt(0, 0, 31, 0n, 1), 1)).toEqual(NAMES.slice().sort());
  });
  it('RVAE1: BaseADDR<36> selects the TTBR1 half (VA[55] set)', () => {
    // VA 0xffff000000001000 in 4 KiB granules: BaseADDR = VA[48:12] = 1 << 36 | 1.
    expect(survivors(RVAE1, rangeXt(1, 0, 0, (1n << 36n) | 1n, 1), 1)).toEqual(without('J'));
  });
  it('RVAAE1IS: the range for every ASID', () => {
    expect(survivors(RVAAE1IS, rangeXt(1, 0, 0, 1n, 9), 1)).toEqual(without('A', 'B', 'C', 'E'));
  });
  it('RIPAS2E1: an IPA range of the current VMID', () => {
    expect(survivors(RIPAS2E1, rangeXt(1, 0, 0, 0x80000n), 2)).toEqual(without('A'));
    expect(survivors(RIPAS2E1, rangeXt(1, 0, 0, 0x80002n), 2)).toEqual(NAMES.slice().sort());
  });
  it('RVAE2 with E2H = 1: EL2&0 range with the ASID', () => {
    expect(survivors(RVAE2, rangeXt(1, 0, 0, 1n, 2), 2, 2, RW | E2H)).toEqual(without('H'));
    expect(survivors(RVAE2, rangeXt(1, 0, 0, 1n), 2)).toEqual(without('F'));
  });
});
