// Advanced SIMD integer groups: three same, two-register misc, shift by immediate, vector
// and scalar, across lanes, three different (simd_3same.ts, simd_2misc.ts, simd_shift.ts,
// simd_across.ts, simd_3diff.ts). Unit tests: expected values
// worked out from the Arm ARM pseudocode (C7.2; SatQ sets FPSR.QC, bit 27); the differential
// test runs random encodings on qemu-system-aarch64 7.2, live (tests/simd/diff.ts), with the
// FP opcodes of the groups steered away (they are the vector FP work's).
import { describe, expect, it } from 'vitest';
import { SIMD_3SAME_ROWS } from '../../src/cpu/insns/simd_3same.js';
import { SIMD_2MISC_ROWS } from '../../src/cpu/insns/simd_2misc.js';
import { SIMD_SHIFT_ROWS } from '../../src/cpu/insns/simd_shift.js';
import { SIMD_ACROSS_ROWS } from '../../src/cpu/insns/simd_across.js';
import { SIMD_3DIFF_ROWS } from '../../src/cpu/insns/simd_3diff.js';
import { liveDiffTests, type Gen } from './diff.js';
import { simdCpu } from './helpers.js';

const QC = 1 << 27;

function run(word: number, init: Record<number, bigint>) {
  const t = simdCpu();
  for (const [r, v] of Object.entries(init)) t.setV(Number(r), v);
  t.exec(word);
  return t;
}

describe('integer SIMD (Arm ARM pseudocode)', () => {
  it('SQADD v0.8h saturates one lane and sets QC', () => {
    const t = run(0x4e620c20, { 1: 0x7fff0001n, 2: 0x00010002n });
    expect(t.getV(0)).toBe(0x7fff0003n);
    expect(t.fpsr() & QC).toBe(QC);
  });
  it('SQADD without saturation leaves QC clear', () => {
    const t = run(0x4e620c20, { 1: 0x7ffe0001n, 2: 0x00010002n });
    expect(t.getV(0)).toBe(0x7fff0003n);
    expect(t.fpsr() & QC).toBe(0);
  });
  it('UQSUB b0, b1, b2 clamps at 0 and clears the rest of V0', () => {
    const t = run(0x7e222c20, { 0: -1n, 1: 0x05n, 2: 0x07n });
    expect(t.getV(0)).toBe(0n);
    expect(t.fpsr() & QC).toBe(QC);
  });
  it('SQRDMULH v0.4s: (2ab + 2^31) >> 32, saturating only for -2^31 * -2^31', () => {
    // lane 0: a = 0x40000000, b = 0x40000000: 2ab = 2^61, + 2^31, >> 32 = 0x20000000
    // lane 1: -2^31 * -2^31: 2^63 saturates to 0x7fffffff
    // lane 2: a = 3, b = 0x7fffffff: 2ab = 6 * (2^31 - 1) = 0x2fffffffa, + 2^31 -> 0x37ffffffa >> 32 = 3
    const t = run(0x6ea2b420, { 1: 0x00000003_80000000_40000000n, 2: 0x7fffffff_80000000_40000000n });
    expect(t.getV(0)).toBe(0x00000003_7fffffff_20000000n);
    expect(t.fpsr() & QC).toBe(QC);
  });
  it('SRSHL d0, d1, d2 by -1 rounds: (-3 + 1) >> 1 = -1', () => {
    const t = run(0x5ee25420, { 1: -3n & ((1n << 64n) - 1n), 2: 0xffn });
    expect(t.getV(0)).toBe((1n << 64n) - 1n);
  });
  it('SQXTN2 v0.16b, v1.8h narrows into the upper half and keeps the lower', () => {
    const t = run(0x4e214820, { 0: 0x1122334455667788n, 1: 0x0001_ff80_0080_ff7f_8000_7fff_0000_ffffn });
    // halfwords (lane 0 first): ffff -> -1 = ff, 0000 -> 00, 7fff -> 7f (sat), 8000 -> 80 (sat),
    // ff7f -> 80 (sat: -129), 0080 -> 7f (sat: 128), ff80 -> 80, 0001 -> 01
    expect(t.getV(0)).toBe(0x01807f80807f00ffn << 64n | 0x1122334455667788n);
    expect(t.fpsr() & QC).toBe(QC);
  });
  it('SQSHRUN s0, d1, #5: a negative source saturates to 0', () => {
    const t = run(0x7f3b8420, { 1: ((1n << 64n) - 64n) | (5n << 64n) });
    expect(t.getV(0)).toBe(0n);
    expect(t.fpsr() & QC).toBe(QC);
  });
  it('SRI v0.2d, v1.2d, #64 leaves the destination unchanged', () => {
    const t = run(0x6f404420, { 0: 0x1234n | (0x5678n << 64n), 1: -1n });
    expect(t.getV(0)).toBe(0x1234n | (0x5678n << 64n));
  });
  it('CLS v0.4s counts the sign bits after the top one', () => {
    const t = run(0x4ea04820, { 1: 0x00000000_ffffffff_00010000_c0000000n });
    expect(t.getV(0)).toBe(0x0000001f_0000001f_0000000e_00000001n);
  });
  it('UADALP v0.2d, v1.4s adds the unsigned word pairs to the doublewords', () => {
    const t = run(0x6ea06820, { 0: 1n | (2n << 64n), 1: 0xffffffff_ffffffff_00000001_ffffffffn });
    expect(t.getV(0)).toBe((0x1_0000_0001n) | ((0x1fffffffen + 2n) << 64n));
  });
  it('SUQADD v0.16b adds unsigned Vn to signed Vd, saturating signed', () => {
    const t = run(0x4e203820, { 0: 0x7f_80n, 1: 0x01_ffn });
    expect(t.getV(0)).toBe(0x7f_7fn); // 0x7f + 1 saturates; -128 + 255 = 127
    expect(t.fpsr() & QC).toBe(QC);
  });
  it('PMULL v0.1q (FEAT_PMULL): carry-less (x^63 + 1)(x + 1) = x^64 + x^63 + x + 1; PMULL2 uses the upper halves', () => {
    expect(run(0x0ee2e020, { 1: 0x8000000000000001n, 2: 3n }).getV(0)).toBe(0x1_8000000000000003n);
    expect(run(0x4ee2e020, { 1: 0x8000000000000001n << 64n, 2: 3n << 64n }).getV(0)).toBe(0x1_8000000000000003n);
  });
  it('cortex-a57 has PMULL .1Q (QEMU 7.2: ID_AA64ISAR0_EL1.AES = 2)', () => {
    const t = simdCpu('cortex-a57');
    t.setV(1, 0x8000000000000001n);
    t.setV(2, 3n);
    t.exec(0x0ee2e020);
    expect(t.getV(0)).toBe(0x1_8000000000000003n);
  });
  it('SMULL2 v0.2d, v1.4s, v2.4s multiplies the upper signed words; UADDLV d0, v1.4s sums unsigned', () => {
    expect(run(0x4ea2c020, { 1: 0x80000000_7fffffffn << 64n, 2: 0x80000000_80000000n << 64n }).getV(0)).toBe(
      (0x40000000_00000000n << 64n) | 0xc0000000_80000000n,
    );
    expect(run(0x6eb03820, { 0: -1n, 1: -1n }).getV(0)).toBe(0x3_fffffffcn);
  });
  it('ADDP v0.2d and BSL v0.16b', () => {
    expect(run(0x4ee2bc20, { 1: 1n | (2n << 64n), 2: 3n | (4n << 64n) }).getV(0)).toBe(3n | (7n << 64n));
    // BSL: Vd selects Vn (1) or Vm (0)
    expect(run(0x6e621c20, { 0: 0xff00n, 1: 0x1234n, 2: 0xabcdn }).getV(0)).toBe(0x12cdn);
  });
});

/** Steers encodings away from the groups' FP opcodes. */
const gens: Gen[] = [
  ...SIMD_3SAME_ROWS.map((row) => ({ row, tweak: (w: number) => (((w >>> 14) & 3) === 3 ? w & ~(1 << 14) : w) })),
  ...SIMD_2MISC_ROWS.map((row) => ({
    row,
    tweak: (w: number) => {
      let op = (w >>> 12) & 0x1f;
      if (op >= 0b10110) op &= 0b01111;
      if ((op & 0b11100) === 0b01100) w &= ~(1 << 23);
      return (w & ~(0x1f << 12)) | (op << 12);
    },
  })),
  ...SIMD_SHIFT_ROWS.map((row) => ({ row, tweak: (w: number) => (((w >>> 13) & 7) === 7 ? w & ~(1 << 15) : w) })),
  // across lanes: FMAXNMV/FMAXV/FMINNMV/FMINV are opcodes 01100 and 01111
  ...SIMD_ACROSS_ROWS.map((row) => ({ row, tweak: (w: number) => (((w >>> 13) & 0xf) === 0b0110 || ((w >>> 12) & 0x1f) === 0b01111 ? w & ~(1 << 14) : w) })),
  ...SIMD_3DIFF_ROWS.map((row) => ({ row })),
];

/** Two 64-bit lanes (lane 0 low) as a 128-bit value; two 32-bit lanes in the low half. */
const d2 = (l0: bigint, l1: bigint): bigint => l0 | (l1 << 64n);
const s2 = (l0: number, l1: number): bigint => BigInt(l0 >>> 0) | (BigInt(l1 >>> 0) << 32n);
const M64 = (1n << 64n) - 1n;

describe('32 -> 64-bit widening lanes on 32-bit halves (three different, by element)', () => {
  // Expected values: the pseudocode's integer arithmetic (C7.2 SQDMULL, UMULL, SMULL, SQDMLAL,
  // UABAL, SSUBW, SMLSL (by element)) worked out with unbounded integers, truncated to 64 bits.
  it('SQDMULL v0.2d, v1.2s, v2.2s: 2 * (-2^31)^2 saturates to 2^63 - 1 (QC); 2 * (2^31 - 1) * -2^31', () => {
    const t = run(0x0ea2d020, { 1: s2(0x80000000, 0x7fffffff), 2: s2(0x80000000, 0x80000000) });
    expect(t.getV(0)).toBe(d2(0x7fffffffffffffffn, 0x8000000100000000n));
    expect(t.fpsr()).toBe(QC);
  });
  it('UMULL v0.2d: 0xffffffff^2 = 0xfffffffe00000001; 0x12345678 * 0x9abcdef0', () => {
    const t = run(0x2ea2c020, { 1: s2(0xffffffff, 0x12345678), 2: s2(0xffffffff, 0x9abcdef0) });
    expect(t.getV(0)).toBe(d2(0xfffffffe00000001n, 0x0b00ea4e242d2080n));
  });
  it('SMULL v0.2d: -1 * (2^31 - 1); -2^31 * (2^31 - 1)', () => {
    const t = run(0x0ea2c020, { 1: s2(-1, 0x80000000), 2: s2(0x7fffffff, 0x7fffffff) });
    expect(t.getV(0)).toBe(d2(0xffffffff80000001n, 0xc000000080000000n));
  });
  it('SQDMLAL v0.2d: (2^63 - 1) + 2 and -2^63 + (-2) saturate (QC)', () => {
    const t = run(0x0ea29020, { 0: d2(0x7fffffffffffffffn, 0x8000000000000000n), 1: s2(1, 1), 2: s2(1, -1) });
    expect(t.getV(0)).toBe(d2(0x7fffffffffffffffn, 0x8000000000000000n));
    expect(t.fpsr()).toBe(QC);
  });
  it('SQDMLAL v0.2d without saturation: -1 + 2 * 3 * -5 and 2^32 + 2 * 0x7fffffff * 0x7fffffff', () => {
    const t = run(0x0ea29020, { 0: d2(0xffffffffffffffffn, 0x100000000n), 1: s2(3, 0x7fffffff), 2: s2(-5, 0x7fffffff) });
    // 2 * 0x7fffffff^2 = 0x7ffffffe00000002; + 2^32 = 0x7fffffff00000002
    expect(t.getV(0)).toBe(d2(0xffffffffffffffe1n, 0x7fffffff00000002n));
    expect(t.fpsr()).toBe(0);
  });
  it('UABAL v0.2d: the 64-bit accumulation wraps; carries into the high word', () => {
    const t = run(0x2ea25020, { 0: d2(0xffffffffffffffffn, 5n), 1: s2(0, 0xffffffff), 2: s2(0xffffffff, 0) });
    expect(t.getV(0)).toBe(d2(0xfffffffen, 0x100000004n));
  });
  it('SSUBW v0.2d, v1.2d, v2.2s: 0 - (-1) = 1; -2^63 - 1 wraps to 2^63 - 1', () => {
    const t = run(0x0ea23020, { 1: d2(0n, 0x8000000000000000n), 2: s2(-1, 1) });
    expect(t.getV(0)).toBe(d2(1n, 0x7fffffffffffffffn));
  });
  it('ADDHN v0.2s, v1.2d, v2.2d: (2^64 - 1) + 1 wraps to 0; 0x180000000 + 0x80000000 = 0x200000000 -> 2', () => {
    const t = run(0x0ea24020, { 1: d2(M64, 0x180000000n), 2: d2(1n, 0x80000000n) });
    expect(t.getV(0)).toBe(s2(0, 2));
  });
  it('RSUBHN v0.2s: 0 - 1 + 2^31 -> 0; 2^32 - 2^31 + 2^31 -> 1', () => {
    const t = run(0x2ea26020, { 1: d2(0n, 1n << 32n), 2: d2(1n, 0x80000000n) });
    expect(t.getV(0)).toBe(s2(0, 1));
  });
  it('RADDHN2 v0.4s: 0x7fffffff80000000 + 0 + 2^31 -> 0x80000000 into the upper half, the lower kept', () => {
    const t = run(0x6ea24020, { 0: 0x1111111122222222n, 1: d2(0x7fffffff80000000n, 0n), 2: d2(0n, 0n) });
    expect(t.getV(0)).toBe(0x1111111122222222n | (s2(0x80000000, 0) << 64n));
  });
  it('SMLSL v0.2d, v1.2s, v2.s[1]: 10 - 3 * -2 = 16; 0 - (-2^31 * -2) = -2^32', () => {
    const t = run(0x0fa26020, { 0: d2(10n, 0n), 1: s2(3, 0x80000000), 2: s2(0, -2) });
    expect(t.getV(0)).toBe(d2(16n, 0xffffffff00000000n));
  });
});

describe('64-bit saturating and shift-by-register lanes, 32-bit SQRDMLAH, on 32-bit halves', () => {
  // Expected values: the C7.2 pseudocode with unbounded integers (SatQ sets QC).
  const M = (1n << 64n) - 1n;
  it('SQADD v0.2d: (2^63 - 1) + 1 saturates (QC); -1 + -1 = -2', () => {
    const t = run(0x4ee20c20, { 1: d2(0x7fffffffffffffffn, M), 2: d2(1n, M) });
    expect(t.getV(0)).toBe(d2(0x7fffffffffffffffn, M - 1n));
    expect(t.fpsr()).toBe(QC);
  });
  it('UQSUB v0.2d: 1 - 2 saturates to 0 (QC); 2^32 - 1 = 0xffffffff (borrow across the halves)', () => {
    const t = run(0x6ee22c20, { 1: d2(1n, 1n << 32n), 2: d2(2n, 1n) });
    expect(t.getV(0)).toBe(d2(0n, 0xffffffffn));
    expect(t.fpsr()).toBe(QC);
  });
  it('URSHL v0.2d: (2^63 + 2^63) >> 64 = 1; (2^64 - 1 + 1) >> 1 = 2^63 (the rounding constant carries past 64 bits)', () => {
    const t = run(0x6ee25420, { 1: d2(1n << 63n, M), 2: d2(0xc0n, 0xffn) }); // shifts -64, -1
    expect(t.getV(0)).toBe(d2(1n, 1n << 63n));
  });
  it('SRSHL v0.2d: (-9 + 4) >> 3 = -1; -2^63 by -128 rounds to 0', () => {
    const t = run(0x4ee25420, { 1: d2(M - 8n, 1n << 63n), 2: d2(0xfdn, 0x80n) });
    expect(t.getV(0)).toBe(d2(M, 0n));
  });
  it('SQSHL v0.2d: 2^62 << 1 saturates (QC); -2^62 << 1 = -2^63 exactly', () => {
    const t = run(0x4ee24c20, { 1: d2(1n << 62n, 0xc000000000000000n), 2: d2(1n, 1n) });
    expect(t.getV(0)).toBe(d2(0x7fffffffffffffffn, 1n << 63n));
    expect(t.fpsr()).toBe(QC);
  });
  it('UQRSHL v0.2d: (2^64 - 1) << 1 saturates (QC); 3 << 62 = 0xc000000000000000 without', () => {
    const t = run(0x6ee25c20, { 1: d2(M, 3n), 2: d2(1n, 62n) });
    expect(t.getV(0)).toBe(d2(M, 0xc000000000000000n));
    expect(t.fpsr()).toBe(QC);
  });
  it('UQSHL v0.2d by 32: 0x80000000 << 32 = 2^63 (no QC); 2^32 << 32 saturates (QC)', () => {
    const t = run(0x6ee24c20, { 1: d2(0x80000000n, 1n << 32n), 2: d2(32n, 32n) });
    expect(t.getV(0)).toBe(d2(1n << 63n, M));
    expect(t.fpsr()).toBe(QC);
    const u = run(0x6ee24c20, { 1: d2(0x80000000n, 0xffffffffn), 2: d2(32n, 32n) });
    expect(u.getV(0)).toBe(d2(1n << 63n, 0xffffffff00000000n));
    expect(u.fpsr()).toBe(0);
  });
  it('SQSHLU d0, d1, #32 (by immediate): 0xffffffff << 32 fits 64 unsigned bits (no QC); a negative input gives 0 (QC)', () => {
    const t = run(0x7f606420, { 1: 0xffb9f2fbn });
    expect(t.getV(0)).toBe(0xffb9f2fb00000000n);
    expect(t.fpsr()).toBe(0);
    const u = run(0x7f606420, { 1: M });
    expect(u.getV(0)).toBe(0n);
    expect(u.fpsr()).toBe(QC);
  });
  it('SUQADD d0, d1 and USQADD d0, d1: signed + unsigned saturation at the 64-bit limits', () => {
    // SUQADD: signed(d) -1 + unsigned(n) 2^64 - 1 = 2^64 - 2 -> 2^63 - 1 (QC)
    const t = run(0x5ee03820, { 0: M, 1: M });
    expect(t.getV(0)).toBe(0x7fffffffffffffffn);
    expect(t.fpsr()).toBe(QC);
    // SUQADD: -2^63 + (2^64 - 1) = 2^63 - 1 exactly
    const t2 = run(0x5ee03820, { 0: 1n << 63n, 1: M });
    expect(t2.getV(0)).toBe(0x7fffffffffffffffn);
    expect(t2.fpsr()).toBe(0);
    // USQADD: unsigned(d) 1 + signed(n) -2 = -1 -> 0 (QC); 2^64 - 2 + 1 = 2^64 - 1
    const u = run(0x7ee03820, { 0: 1n, 1: M - 1n });
    expect(u.getV(0)).toBe(0n);
    expect(u.fpsr()).toBe(QC);
    const u2 = run(0x7ee03820, { 0: M - 1n, 1: 1n });
    expect(u2.getV(0)).toBe(M);
    expect(u2.fpsr()).toBe(0);
  });
  it('SQRDMLAH v0.4s: (-2^31)^2 saturates (QC); 5 + (2 * 2^30 * 3 + 2^31) >> 32 = 7', () => {
    const t = run(0x6e828420, { 0: s2(0, 5), 1: s2(0x80000000, 0x40000000), 2: s2(0x80000000, 3) });
    expect(t.getV(0)).toBe(s2(0x7fffffff, 7));
    expect(t.fpsr()).toBe(QC);
  });
  it('SQRDMLSH v0.4s: (-1 << 32) - 2^63 + 2^31 >> 32 saturates to -2^31 (QC); 5 - (2 * 2^30 * 3 - 2^31) >> 32 = 4', () => {
    const t = run(0x6e828c20, { 0: s2(-1, 5), 1: s2(0x80000000, 0x40000000), 2: s2(0x80000000, 3) });
    // lane 1: (5 << 32) - 3 * 2^31 + 2^31 = (5 << 32) - 2^32 -> 4
    expect(t.getV(0)).toBe(s2(0x80000000, 4));
    expect(t.fpsr()).toBe(QC);
  });
});

describe('integer SIMD against QEMU 7.2 (live)', () => {
  liveDiffTests(gens, [['max', 8000, 21], ['cortex-a57', 3000, 22]]);
});
