// LD1-LD4/ST1-ST4, LD1R-LD4R (src/cpu/insns/ldst_simd.ts). The unit tests' expected values
// follow the Arm ARM pseudocode (C7.2 LD1..ST4, "Shared decode for all encodings" of the
// structure loads/stores); the differential test compares random encodings of the four rows
// with qemu-system-aarch64 7.2, observed live (tests/simd/diff.ts).
import { describe, expect, it } from 'vitest';
import { LDST_SIMD_ROWS } from '../../src/cpu/insns/ldst_simd.js';
import { liveDiffTests, type Gen } from './diff.js';
import { DATA, simdCpu } from './helpers.js';
import { Slot } from '../../src/cpu/state.js';

/** The bytes 0x00, 0x01, ... 0x3f at DATA. */
function setup() {
  const t = simdCpu();
  for (let i = 0; i < 64; i++) t.ram[DATA - 0x40000000 + i] = i;
  t.setX(1, BigInt(DATA));
  return t;
}
const bytes = (...b: number[]): bigint => b.reduceRight((acc, x) => (acc << 8n) | BigInt(x), 0n);

describe('structure loads and stores (Arm ARM pseudocode)', () => {
  it('LD3 {v0.8b-v2.8b}, [x1] de-interleaves into three registers and clears their upper halves', () => {
    const t = setup();
    t.setV(0, -1n);
    t.exec(0x0c404020);
    // element e of register s is memory byte 3e + s
    expect(t.getV(0)).toBe(bytes(0, 3, 6, 9, 12, 15, 18, 21));
    expect(t.getV(1)).toBe(bytes(1, 4, 7, 10, 13, 16, 19, 22));
    expect(t.getV(2)).toBe(bytes(2, 5, 8, 11, 14, 17, 20, 23));
    expect(t.getX(1)).toBe(BigInt(DATA)); // no writeback
  });

  it('LD1 {v31.8b, v0.8b} wraps from V31 to V0', () => {
    const t = setup();
    t.exec(0x0c40a03f);
    expect(t.getV(31)).toBe(bytes(0, 1, 2, 3, 4, 5, 6, 7));
    expect(t.getV(0)).toBe(bytes(8, 9, 10, 11, 12, 13, 14, 15));
  });

  it('LD1R {v4.8h}, [x1], #2 replicates one halfword and posts the element size', () => {
    const t = setup();
    t.exec(0x4ddfc424);
    expect(t.getV(4)).toBe(0x0100010001000100010001000100n * 0x10000n + 0x0100n);
    expect(t.getX(1)).toBe(BigInt(DATA + 2));
  });

  it('ST4 {v8.s-v11.s}[3], [x2], x3 stores lane 3 of four registers and adds X3', () => {
    const t = setup();
    for (let r = 0; r < 4; r++) t.setV(8 + r, BigInt(0x11111111 * (r + 1)) << 96n);
    t.setX(2, BigInt(DATA + 0x100));
    t.setX(3, 0x123n);
    t.exec(0x4da3b048);
    const dv = new DataView(t.ram.buffer);
    for (let r = 0; r < 4; r++) expect(dv.getUint32(DATA + 0x100 - 0x40000000 + 4 * r, true)).toBe(0x11111111 * (r + 1));
    expect(t.getX(2)).toBe(BigInt(DATA + 0x100 + 0x123));
  });

  it('LD2 {v30.4s, v31.4s}, [sp] from SP', () => {
    const t = setup();
    t.setX(31, BigInt(DATA)); // slot 31 is the current SP
    t.exec(0x4c408bfe);
    expect(t.getV(30)).toBe(bytes(0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27));
    expect(t.getV(31)).toBe(bytes(4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31));
  });

  it('with CPACR_EL1.FPEN = 0 the load traps to EL1 with EC 0x07 and changes nothing', () => {
    const t = setup();
    t.cpu.r[Slot.CPACR_EL1 * 2] = 0;
    t.cpu.contextChanged();
    t.exec(0x4cdf7c25); // ld1 {v5.2d}, [x1], #16
    // AArch64.CheckFPAdvSIMDEnabled: FPEN = 00 traps EL1; ISS CV = 1, COND = 0b1110
    expect(Number(t.cpu.x[Slot.ESR_EL1] >> 26n)).toBe(0x07);
    expect(Number(t.cpu.x[Slot.ESR_EL1] & 0x1ffffffn)).toBe(0x1e00000);
    expect(t.getX(1)).toBe(BigInt(DATA));
    expect(t.getV(5)).toBe(0n);
  });
});

// Random encodings of the rows with the opcode field biased towards allocated values.
const MULTI_OPS = [0, 2, 4, 6, 7, 8, 10];
const gens: Gen[] = LDST_SIMD_ROWS.map((row) => ({
  row,
  mem: true,
  tweak: row.name.startsWith('LDST_multi')
    ? (w, rng) => (rng.below(10) === 0 ? w : (w & ~(0xf << 12)) | (MULTI_OPS[rng.below(MULTI_OPS.length)] << 12))
    : (w, rng) => (rng.below(3) === 0 ? w | (31 << 16) : w), // post-index by the immediate
}));

describe('structure loads and stores against QEMU 7.2 (live)', () => {
  liveDiffTests(gens, [['max', 3000, 1], ['cortex-a57', 1000, 2]]);
});
