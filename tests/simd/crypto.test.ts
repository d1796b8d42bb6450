// The cryptographic extension (simd_crypto.ts, src/crypto/aes.ts). AES: the first round of
// FIPS-197 Appendix B (the AESE/AESMC pseudocode is that round's AddRoundKey, SubBytes,
// ShiftRows, MixColumns); the differential test runs random encodings of every crypto row on
// qemu-system-aarch64 7.2, live, on max (all of them) and cortex-a57 (AES, PMULL, SHA1,
// SHA256; the SHA512 and SHA3 rows must be UNDEFINED there as in QEMU).
import { describe, expect, it } from 'vitest';
import { SIMD_CRYPTO_ROWS } from '../../src/cpu/insns/simd_crypto.js';
import { liveDiffTests } from './diff.js';
import { simdCpu } from './helpers.js';

/** A 128-bit value from bytes listed in memory order (byte 0 first). */
const le = (hex: string): bigint => BigInt('0x' + (hex.replace(/ /g, '').match(/../g) ?? []).reverse().join(''));

describe('SHA-512 (FEAT_SHA512) on 32-bit halves', () => {
  // Expected values: the C7.2 pseudocode (SHA512SU0: sig0 = ROR 1 ^ ROR 8 ^ LSR 7; SHA512H2:
  // Maj and Sigma0 = ROR 28 ^ ROR 34 ^ ROR 39) evaluated with Python integers modulo 2^64.
  const q = (lo: bigint, hi: bigint): bigint => lo | (hi << 64n);
  it('SHA512SU0 v0.2d, v1.2d', () => {
    const t = simdCpu();
    t.setV(0, q(0x0123456789abcdefn, 0xfedcba9876543210n));
    t.setV(1, q(0x8000000000000001n, 0n));
    t.exec(0xcec08020);
    expect(t.getV(0)).toBe(q(0x6f907deb1d5cb34dn, 0xbf5cba9876543210n));
  });
  it('SHA512H2 q0, q1, v2.2d (carries across the 32-bit halves)', () => {
    const t = simdCpu();
    t.setV(0, q(0xa54ff53a5f1d36f1n, 0x510e527fade682d1n));
    t.setV(1, q(0x6a09e667f3bcc908n, 0n));
    t.setV(2, q(0xbb67ae8584caa73bn, 0x3c6ef372fe94f82bn));
    t.exec(0xce628420);
    expect(t.getV(0)).toBe(q(0x14ed15af81156e51n, 0xb20f8822d45938a0n));
  });
});

describe('AES (FIPS-197 Appendix B, round 1)', () => {
  const input = le('32 43 f6 a8 88 5a 30 8d 31 31 98 a2 e0 37 07 34');
  const key = le('2b 7e 15 16 28 ae d2 a6 ab f7 15 88 09 cf 4f 3c');
  const afterShiftRows = le('d4 bf 5d 30 e0 b4 52 ae b8 41 11 f1 1e 27 98 e5');
  const afterMix = le('04 66 81 e5 e0 cb 19 9a 48 f8 d3 7a 28 06 26 4c');

  it('AESE = ShiftRows(SubBytes(state EOR key)); AESMC = MixColumns', () => {
    const t = simdCpu('cortex-a57');
    t.setV(0, input);
    t.setV(1, key);
    t.exec(0x4e284820); // aese v0.16b, v1.16b
    expect(t.getV(0)).toBe(afterShiftRows);
    t.exec(0x4e286802); // aesmc v2.16b, v0.16b
    expect(t.getV(2)).toBe(afterMix);
  });

  it('AESIMC and AESD undo them: AESD(AESE(x, k), 0) = x EOR k', () => {
    const t = simdCpu();
    t.setV(0, afterMix);
    t.exec(0x4e287802); // aesimc v2.16b, v0.16b
    expect(t.getV(2)).toBe(afterShiftRows);
    t.setV(0, afterShiftRows);
    t.setV(1, 0n);
    t.exec(0x4e285820); // aesd v0.16b, v1.16b
    expect(t.getV(0)).toBe(input ^ key);
  });
});

describe('crypto against QEMU 7.2 (live)', () => {
  // CRYPTO_4REG's Op0 = 10 is SM3SS1 (FEAT_SM3, not implemented): Op0 is kept 00/01.
  const gens = SIMD_CRYPTO_ROWS.map((row) => ({ row, tweak: row.name === 'CRYPTO_4REG' ? (w: number) => w & ~(1 << 22) : undefined }));
  liveDiffTests(gens, [['max', 3000, 31], ['cortex-a57', 2000, 32]]);
});
