// The AES round steps of the Arm ARM's AESE/AESD/AESMC/AESIMC pseudocode (AESSubBytes,
// AESShiftRows, AESMixColumns and their inverses) on a 16-byte state, byte i = row i % 4 of
// column i / 4 (FIPS-197 order: byte 0 is bits [7:0] of the register). The S-boxes are
// computed once from their definition (the multiplicative inverse in GF(2^8) modulo
// x^8 + x^4 + x^3 + x + 1, then the affine map with constant 0x63).

/** Multiplication in GF(2^8) modulo 0x11b. */
export function gmul(a: number, b: number): number {
  let r = 0;
  while (b !== 0) {
    if (b & 1) r ^= a;
    a = (a << 1) ^ (a & 0x80 ? 0x11b : 0);
    b >>= 1;
  }
  return r & 0xff;
}

export const SBOX = new Uint8Array(256);
export const INV_SBOX = new Uint8Array(256);
for (let x = 0; x < 256; x++) {
  let inv = 0;
  if (x !== 0) for (inv = 1; gmul(x, inv) !== 1; inv++);
  const rotl = (v: number, s: number): number => ((v << s) | (v >> (8 - s))) & 0xff;
  const s = inv ^ rotl(inv, 1) ^ rotl(inv, 2) ^ rotl(inv, 3) ^ rotl(inv, 4) ^ 0x63;
  SBOX[x] = s;
  INV_SBOX[s] = x;
}

const MUL = (k: number): Uint8Array => Uint8Array.from({ length: 256 }, (_, i) => gmul(i, k));
const M2 = MUL(2);
const M3 = MUL(3);
const M9 = MUL(9);
const M11 = MUL(11);
const M13 = MUL(13);
const M14 = MUL(14);

const t = new Uint8Array(16);

/** AESE core: s = SubBytes(ShiftRows(s)) in place (s already Vd XOR Vn). */
export function aesEncRound(s: Uint8Array, o: number): void {
  for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) t[r + 4 * c] = SBOX[s[o + r + 4 * ((c + r) & 3)]];
  for (let i = 0; i < 16; i++) s[o + i] = t[i];
}

/** AESD core: s = InvSubBytes(InvShiftRows(s)) in place. */
export function aesDecRound(s: Uint8Array, o: number): void {
  for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) t[r + 4 * ((c + r) & 3)] = INV_SBOX[s[o + r + 4 * c]];
  for (let i = 0; i < 16; i++) s[o + i] = t[i];
}

/** MixColumns (inverse: InvMixColumns) of the state at src[so..] into dst[do_..]. */
export function aesMix(src: Uint8Array, so: number, dst: Uint8Array, d: number, inverse: boolean): void {
  for (let c = 0; c < 4; c++) {
    const a0 = src[so + 4 * c];
    const a1 = src[so + 4 * c + 1];
    const a2 = src[so + 4 * c + 2];
    const a3 = src[so + 4 * c + 3];
    if (inverse) {
      t[4 * c] = M14[a0] ^ M11[a1] ^ M13[a2] ^ M9[a3];
      t[4 * c + 1] = M9[a0] ^ M14[a1] ^ M11[a2] ^ M13[a3];
      t[4 * c + 2] = M13[a0] ^ M9[a1] ^ M14[a2] ^ M11[a3];
      t[4 * c + 3] = M11[a0] ^ M13[a1] ^ M9[a2] ^ M14[a3];
    } else {
      t[4 * c] = M2[a0] ^ M3[a1] ^ a2 ^ a3;
      t[4 * c + 1] = a0 ^ M2[a1] ^ M3[a2] ^ a3;
      t[4 * c + 2] = a0 ^ a1 ^ M2[a2] ^ M3[a3];
      t[4 * c + 3] = M3[a0] ^ a1 ^ a2 ^ M2[a3];
    }
  }
  for (let i = 0; i < 16; i++) dst[d + i] = t[i];
}
