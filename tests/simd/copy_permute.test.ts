// Advanced SIMD copy, permute, extract, table lookup and modified immediate
// (simd_copy.ts, simd_permute.ts, simd_modimm.ts). Unit tests: expected values worked out
// from the Arm ARM pseudocode of each instruction (C7.2); the differential test runs random
// encodings of every row on qemu-system-aarch64 7.2, live (tests/simd/diff.ts).
import { describe, expect, it } from 'vitest';
import { SIMD_COPY_ROWS } from '../../src/cpu/insns/simd_copy.js';
import { SIMD_PERMUTE_ROWS } from '../../src/cpu/insns/simd_permute.js';
import { SIMD_MODIMM_ROWS } from '../../src/cpu/insns/simd_modimm.js';
import { liveDiffTests } from './diff.js';
import { simdCpu } from './helpers.js';

const N = 0x0f0e0d0c0b0a09080706050403020100n; // bytes 00..0f
const M = 0x1f1e1d1c1b1a19181716151413121110n; // bytes 10..1f

function run(word: number, init: Record<number, bigint> = {}, x: Record<number, bigint> = {}) {
  const t = simdCpu();
  for (const [r, v] of Object.entries(init)) t.setV(Number(r), v);
  for (const [r, v] of Object.entries(x)) t.setX(Number(r), v);
  t.exec(word);
  return t;
}

describe('copy, permute, extract, table, immediate (Arm ARM pseudocode)', () => {
  it('ZIP1 v1.8h, v2.8h, v3.8h interleaves the low halves', () => {
    // result[2p] = Vn[p], result[2p+1] = Vm[p], halfwords
    expect(run(0x4e433841, { 2: N, 3: M }).getV(1)).toBe(0x17160706151405041312030211100100n);
  });
  it('UZP2 v1.4s, v2.4s, v3.4s takes the odd words of Vm:Vn', () => {
    expect(run(0x4e835841, { 2: N, 3: M }).getV(1)).toBe(0x1f1e1d1c171615140f0e0d0c07060504n);
  });
  it('TRN1 v1.8b, v2.8b, v3.8b clears the upper half', () => {
    expect(run(0x0e032841, { 1: -1n, 2: N, 3: M }).getV(1)).toBe(0x1606140412021000n);
  });
  it('EXT v1.16b, v2.16b, v3.16b, #3', () => {
    expect(run(0x6e031841, { 2: N, 3: M }).getV(1)).toBe(0x1211100f0e0d0c0b0a09080706050403n);
  });
  it('TBX v1.8b with a three-register table wrapping V31 -> V0 keeps out-of-range bytes', () => {
    // indexes 0x00 (V30 byte 0), 0x1f (V31 byte 15), 0x20 (V0 byte 0), 0x30 (out of range)
    const t = run(0x0e0453c1, { 1: 0xaaaaaaaaaaaaaaaan | (0x55n << 64n), 30: N, 31: M, 0: 0x77n, 4: 0x30201f00n | (0xffn << 32n) });
    // bytes 00, 1f, 77, aa (kept), aa (0xff: kept), then index 0 three times; upper half cleared
    expect(t.getV(1)).toBe(0x000000aaaa771f00n);
  });
  it('MOVI v1.2d, #0xff00ff0000ff00ff', () => {
    expect(run(0x6f05e4a1).getV(1)).toBe(0xff00ff0000ff00ffff00ff0000ff00ffn);
  });
  it('MVNI v2.4s, #0x12, MSL #16: NOT(0x0012ffff)', () => {
    expect(run(0x6f00d642).getV(2)).toBe(0xffed0000ffed0000ffed0000ffed0000n);
  });
  it('BIC v3.8h, #0x80, LSL #8', () => {
    expect(run(0x6f04b403, { 3: -1n }).getV(3)).toBe(0x7fff7fff7fff7fff7fff7fff7fff7fffn);
  });
  it('FMOV v4.2d, #-1.25', () => {
    expect(run(0x6f07f684).getV(4)).toBe(0xbff4000000000000bff4000000000000n);
  });
  it('UMOV x5, v6.d[1]; SMOV w5, v6.h[7]', () => {
    expect(run(0x4e183cc5, { 6: M }).getX(5)).toBe(0x1f1e1d1c1b1a1918n);
    expect(run(0x0e1e2cc5, { 6: 0x8123n << 112n }, { 5: -1n }).getX(5)).toBe(0xffff8123n);
  });
  it('INS v7.s[2], w8; DUP v9.16b, v10.b[15]; DUP b11, v12.b[3]; INS v7.h[1], v8.h[6]; DUP v1.2d, x2', () => {
    expect(run(0x4e141d07, { 7: N }, { 8: 0x1234567890n }).getV(7)).toBe(0x0f0e0d0c345678900706050403020100n);
    expect(run(0x4e1f0549, { 10: N }).getV(9)).toBe(0x0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0fn);
    expect(run(0x5e07058b, { 11: -1n, 12: N }).getV(11)).toBe(3n);
    expect(run(0x6e066507, { 7: N, 8: M }).getV(7)).toBe(0x0f0e0d0c0b0a0908070605041d1c0100n);
    expect(run(0x4e080c41, {}, { 2: 0x8000000000000001n }).getV(1)).toBe(0x80000000000000018000000000000001n);
  });
});

describe('copy, permute, extract, table, immediate against QEMU 7.2 (live)', () => {
  // FMOV (vector, immediate) half precision (o2 = 1) waits for FEAT_FP16 (the FP branch): o2 is kept 0.
  const gens = [...SIMD_COPY_ROWS, ...SIMD_PERMUTE_ROWS, ...SIMD_MODIMM_ROWS].map((row) => ({
    row,
    tweak: row.name === 'MOD_IMM' ? (w: number) => w & ~(1 << 11) : undefined,
  }));
  liveDiffTests(gens, [['max', 4000, 3], ['cortex-a57', 1500, 4]]);
});
