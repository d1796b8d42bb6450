// Hex formatting and general-register names shared by the debugging tools (trace, lockstep,
// fuzz, disasm), so they all print values the same way.

/** v as `digits` hex digits at least, no prefix (a bigint taken modulo 2^64, a number as unsigned 32-bit when it fits). */
export function hexDigits(v: bigint | number, digits: number): string {
  const u = typeof v === 'bigint' ? BigInt.asUintN(64, v) : v < 0 && v >= -0x8000_0000 ? v >>> 0 : v;
  return u.toString(16).padStart(digits, '0');
}

/** A 64-bit value: 0x and 16 hex digits. */
export const hex64 = (v: bigint | number): string => `0x${hexDigits(v, 16)}`;

/** A 32-bit value: 0x and 8 hex digits. */
export const hex32 = (v: number): string => `0x${hexDigits(v, 8)}`;

/** An instruction word: 8 hex digits, no prefix (as objdump prints it); ???????? when unknown. */
export const wordHex = (w: number | null): string => (w === null ? '????????' : hexDigits(w, 8));

/** The names of general-register slots 0..31: x0..x30, then sp. */
export const GPR_NAMES: readonly string[] = [...Array.from({ length: 31 }, (_, i) => `x${i}`), 'sp'];
