// Data processing -- register (Arm ARM C4.1.90), Armv8.0-A plus FEAT_CRC32: logical and
// add/subtract (shifted register), add/subtract (extended register), add/subtract with
// carry, conditional compare, conditional select, data-processing (1, 2 and 3 source).
//
// Everything that is not an Armv8.0 (+CRC32) encoding of this group is UNDEFINED: either no
// row matches (the fixed bits exclude it) or the builder returns null. In particular the
// later-architecture encodings in this space (PAC* and XPAC* in 1-source, FEAT_CSSC, the
// MTE forms IRG/GMI/SUBP(S), PACGA, RMIF, SETF8/16) decode to UNDEFINED.
//
// Executors are specialised at decode time (register indexes, sf, shift type and amount,
// condition) and read every source operand before writing the destination, because Rd may
// be Rn, Rm or Ra. Nothing on the hot path allocates; BigInt appears only in the slow path
// of 64-bit division with a divisor >= 2^32 and a dividend >= 2^52.

import type { Op, Row } from '../decoder.js';
import {
  addWithCarry32,
  addWithCarry64,
  bswap32,
  conditionHolds,
  extend64,
  rbit32,
  rsp,
  rz,
  shift32,
  shift64,
  ShiftType,
  TMP0,
  umulh32,
  wsp,
  wz,
} from '../alu.js';
import type { CpuState } from '../state.js';

/** The index XZR writes go to (used as the destination of flag-only operations). */
const JUNK = wz(31);

const TWO16 = 65536;
const INV16 = 1 / 65536; // exact, so x * INV16 === x / 65536
const TWO32 = 4294967296;
const INV32 = 1 / 4294967296;

/**
 * UMULH: the high 64 bits of the unsigned 128-bit product (ah:al) * (bh:bl), written to
 * r[d], r[d+1]. The multiplier is cut into 16-bit digits and the multiplicand into 32-bit
 * halves, so every partial product is below 2^48; columns are summed 16 bits at a time
 * with every intermediate below 2^51 (exact as doubles).
 */
function umulh64(r: Int32Array, d: number, al: number, ah: number, bl: number, bh: number): void {
  const a0 = al & 0xffff;
  const a1 = al >>> 16;
  const a2 = ah & 0xffff;
  const a3 = ah >>> 16;
  const b0 = bl >>> 0;
  const b1 = bh >>> 0;
  // t_k = floor(t_{k-1} / 2^16) + (partial products whose weight is 2^(16k))
  let t = a0 * b0;
  t = Math.floor(t * INV16) + a1 * b0;
  t = Math.floor(t * INV16) + a2 * b0 + a0 * b1;
  t = Math.floor(t * INV16) + a3 * b0 + a1 * b1;
  t = Math.floor(t * INV16) + a2 * b1; // column 4: bit 64 of the product
  const q4 = Math.floor(t * INV16);
  const d4 = t - q4 * TWO16;
  t = q4 + a3 * b1;
  const q5 = Math.floor(t * INV16);
  const d5 = t - q5 * TWO16;
  r[d] = d4 + d5 * TWO16;
  r[d + 1] = q5;
}

/** SMULH: UMULH corrected for the signs: hi -= (a < 0 ? b : 0) + (b < 0 ? a : 0). */
function smulh64(r: Int32Array, d: number, al: number, ah: number, bl: number, bh: number): void {
  umulh64(r, d, al, ah, bl, bh);
  let l = r[d];
  let h = r[d + 1];
  if (ah < 0) {
    const s = (l >>> 0) - (bl >>> 0);
    l = s | 0;
    h = (h - bh - (s < 0 ? 1 : 0)) | 0;
  }
  if (bh < 0) {
    const s = (l >>> 0) - (al >>> 0);
    l = s | 0;
    h = (h - ah - (s < 0 ? 1 : 0)) | 0;
  }
  r[d] = l;
  r[d + 1] = h;
}

/**
 * Unsigned 64-bit division (ah:al) / (bh:bl) for a non-zero divisor, written to r[d], r[d+1].
 * Doubles are exact while the operands are small enough: for integers a, b the rounded
 * double a / b never reaches the next integer above the true quotient when a + b < 2^54, so
 * Math.floor of it is the exact quotient. A 32-bit divisor divides 16-bit digits at a time;
 * only a divisor >= 2^32 with a dividend >= 2^52 falls back to BigInt (measured: ~60 ns
 * against 5-15 ns for the other paths).
 */
function udiv64(r: Int32Array, d: number, al: number, ah: number, bl: number, bh: number): void {
  const ahu = ah >>> 0;
  const bhu = bh >>> 0;
  if (bhu === 0) {
    const b = bl >>> 0;
    if (ahu === 0) {
      r[d] = Math.floor((al >>> 0) / b);
      r[d + 1] = 0;
      return;
    }
    if (ahu < 0x100000) {
      // a < 2^52, b < 2^32: a + b < 2^53
      const q = Math.floor((ahu * TWO32 + (al >>> 0)) / b);
      r[d] = q;
      r[d + 1] = Math.floor(q * INV32);
      return;
    }
    // Schoolbook with 16-bit digits: every partial dividend is below b * 2^16 < 2^48.
    const qh = Math.floor(ahu / b);
    let rem = ahu - qh * b;
    let cur = rem * TWO16 + (al >>> 16);
    const q1 = Math.floor(cur / b);
    rem = cur - q1 * b;
    cur = rem * TWO16 + (al & 0xffff);
    const q0 = Math.floor(cur / b);
    r[d] = q1 * TWO16 + q0;
    r[d + 1] = qh;
    return;
  }
  if (ahu < 0x100000) {
    // a < 2^52. If b <= a then a + b < 2^53; if b > a the double quotient stays below 1.
    const q = Math.floor((ahu * TWO32 + (al >>> 0)) / (bhu * TWO32 + (bl >>> 0)));
    r[d] = q;
    r[d + 1] = 0;
    return;
  }
  const a = (BigInt(ahu) << 32n) | BigInt(al >>> 0);
  const b = (BigInt(bhu) << 32n) | BigInt(bl >>> 0);
  const q = a / b; // b >= 2^32, so q < 2^32
  r[d] = Number(q);
  r[d + 1] = 0;
}

/** Signed 64-bit division, rounding towards zero; INT64_MIN / -1 wraps to INT64_MIN. */
function sdiv64(r: Int32Array, d: number, al: number, ah: number, bl: number, bh: number): void {
  const neg = (ah ^ bh) < 0;
  if (ah < 0) {
    al = -al | 0;
    ah = (~ah + (al === 0 ? 1 : 0)) | 0;
  }
  if (bh < 0) {
    bl = -bl | 0;
    bh = (~bh + (bl === 0 ? 1 : 0)) | 0;
  }
  udiv64(r, d, al, ah, bl, bh);
  if (neg) {
    const l = -r[d] | 0;
    r[d + 1] = (~r[d + 1] + (l === 0 ? 1 : 0)) | 0;
    r[d] = l;
  }
}

/** Byte-at-a-time tables of the reflected CRC-32 (0x04C11DB7) and CRC-32C (0x1EDC6F41). */
function crcTable(reversedPoly: number): Int32Array {
  const t = new Int32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ reversedPoly : c >>> 1;
    t[i] = c;
  }
  return t;
}
const CRC32_TABLE = crcTable(0xedb88320);
const CRC32C_TABLE = crcTable(0x82f63b78);

/** Feeds the low `bytes` bytes of w into the reflected CRC `crc` (no pre/post inversion). */
function crcUpdate(t: Int32Array, crc: number, w: number, bytes: number): number {
  crc ^= bytes === 1 ? w & 0xff : bytes === 2 ? w & 0xffff : w;
  for (let i = 0; i < bytes; i++) crc = t[crc & 0xff] ^ (crc >>> 8);
  return crc;
}

function setLogicFlags64(cpu: CpuState, l: number, h: number): void {
  cpu.n = h >>> 31;
  cpu.z = (l | h) === 0 ? 1 : 0;
  cpu.c = 0;
  cpu.v = 0;
}

function setLogicFlags32(cpu: CpuState, l: number): void {
  cpu.n = l >>> 31;
  cpu.z = l === 0 ? 1 : 0;
  cpu.c = 0;
  cpu.v = 0;
}

// The flag-setting forms use these carry-in-free specialisations of alu.ts's
// addWithCarry64/32: measured in 7-instruction compiled blocks, CMP went from 5.6 to 4.9 ns.

/** ADDS/CMN on 64 bits: r[d] = a + b with NZCV (AddWithCarry with carry-in 0). */
function adds64(cpu: CpuState, r: Int32Array, d: number, al: number, ah: number, bl: number, bh: number): void {
  const sl = (al >>> 0) + (bl >>> 0);
  const sh = (ah >>> 0) + (bh >>> 0) + (sl > 0xffffffff ? 1 : 0);
  const rh = sh | 0;
  r[d] = sl;
  r[d + 1] = rh;
  cpu.n = rh >>> 31;
  cpu.z = ((sl | 0) | rh) === 0 ? 1 : 0;
  cpu.c = sh > 0xffffffff ? 1 : 0;
  cpu.v = (~(ah ^ bh) & (ah ^ rh)) >>> 31;
}

/** SUBS/CMP on 64 bits: r[d] = a - b with NZCV (AddWithCarry(a, NOT b, 1)); C is NOT borrow. */
function subs64(cpu: CpuState, r: Int32Array, d: number, al: number, ah: number, bl: number, bh: number): void {
  const sl = (al >>> 0) - (bl >>> 0);
  const sh = (ah >>> 0) - (bh >>> 0) - (sl < 0 ? 1 : 0);
  const rh = sh | 0;
  r[d] = sl;
  r[d + 1] = rh;
  cpu.n = rh >>> 31;
  cpu.z = ((sl | 0) | rh) === 0 ? 1 : 0;
  cpu.c = sh >= 0 ? 1 : 0;
  cpu.v = ((ah ^ bh) & (ah ^ rh)) >>> 31;
}

/** ADDS/CMN on 32 bits (Wd zero-extended). */
function adds32(cpu: CpuState, r: Int32Array, d: number, a: number, b: number): void {
  const s = (a >>> 0) + (b >>> 0);
  const res = s | 0;
  r[d] = res;
  r[d + 1] = 0;
  cpu.n = res >>> 31;
  cpu.z = res === 0 ? 1 : 0;
  cpu.c = s > 0xffffffff ? 1 : 0;
  cpu.v = (~(a ^ b) & (a ^ res)) >>> 31;
}

/** SUBS/CMP on 32 bits (Wd zero-extended). */
function subs32(cpu: CpuState, r: Int32Array, d: number, a: number, b: number): void {
  const s = (a >>> 0) - (b >>> 0);
  const res = s | 0;
  r[d] = res;
  r[d + 1] = 0;
  cpu.n = res >>> 31;
  cpu.z = res === 0 ? 1 : 0;
  cpu.c = s >= 0 ? 1 : 0;
  cpu.v = ((a ^ b) & (a ^ res)) >>> 31;
}

/**
 * AND, ORR, EOR (inv = 0) and BIC, ORN, EON (inv = -1) with a 64-bit operand shifted by a
 * constant, inlined for the shifts compilers emit: LSL, LSR, ASR, ROR by 1..31 and LSL,
 * LSR, ASR by 32..63. Returns null for ANDS/BICS and ROR by 32..63 (generic path).
 * A call to a helper costs more than the whole operation, so each case is its own closure.
 */
function logicalShifted64(r: Int32Array, op: number, d: number, n: number, m: number, type: number, amt: number, inv: number): Op | null {
  if (op === 3) return null;
  if (amt < 32) {
    const a = amt;
    const ra = 32 - amt;
    if (type === ShiftType.LSL) {
      switch (op) {
        case 0:
          return () => {
            const ml = r[m];
            const bh = ((r[m + 1] << a) | (ml >>> ra)) ^ inv;
            const l = r[n] & ((ml << a) ^ inv);
            r[d + 1] = r[n + 1] & bh;
            r[d] = l;
          };
        case 1:
          return () => {
            const ml = r[m];
            const bh = ((r[m + 1] << a) | (ml >>> ra)) ^ inv;
            const l = r[n] | ((ml << a) ^ inv);
            r[d + 1] = r[n + 1] | bh;
            r[d] = l;
          };
        default:
          return () => {
            const ml = r[m];
            const bh = ((r[m + 1] << a) | (ml >>> ra)) ^ inv;
            const l = r[n] ^ (ml << a) ^ inv;
            r[d + 1] = r[n + 1] ^ bh;
            r[d] = l;
          };
      }
    }
    // LSR, ASR, ROR: the low word is the same; the high word is h >>> a, h >> a, or
    // (h >>> a) | (l << (32 - a)), selected by two masks.
    const hm = type === ShiftType.ASR ? -1 : (0xffffffff >>> a) | 0;
    const rm = type === ShiftType.ROR ? -1 : 0;
    switch (op) {
      case 0:
        return () => {
          const ml = r[m];
          const mh = r[m + 1];
          const bh = (((mh >> a) & hm) | ((ml << ra) & rm)) ^ inv;
          const l = r[n] & (((ml >>> a) | (mh << ra)) ^ inv);
          r[d + 1] = r[n + 1] & bh;
          r[d] = l;
        };
      case 1:
        return () => {
          const ml = r[m];
          const mh = r[m + 1];
          const bh = (((mh >> a) & hm) | ((ml << ra) & rm)) ^ inv;
          const l = r[n] | (((ml >>> a) | (mh << ra)) ^ inv);
          r[d + 1] = r[n + 1] | bh;
          r[d] = l;
        };
      default:
        return () => {
          const ml = r[m];
          const mh = r[m + 1];
          const bh = (((mh >> a) & hm) | ((ml << ra) & rm)) ^ inv;
          const l = r[n] ^ (ml >>> a) ^ (mh << ra) ^ inv;
          r[d + 1] = r[n + 1] ^ bh;
          r[d] = l;
        };
    }
  }
  const a = amt - 32;
  if (type === ShiftType.LSL) {
    // the low word of the operand is 0, the high word l << (amt - 32)
    const il = inv;
    switch (op) {
      case 0:
        return () => {
          const bh = (r[m] << a) ^ inv;
          r[d] = r[n] & il;
          r[d + 1] = r[n + 1] & bh;
        };
      case 1:
        return () => {
          const bh = (r[m] << a) ^ inv;
          r[d] = r[n] | il;
          r[d + 1] = r[n + 1] | bh;
        };
      default:
        return () => {
          const bh = (r[m] << a) ^ inv;
          r[d] = r[n] ^ il;
          r[d + 1] = r[n + 1] ^ bh;
        };
    }
  }
  if (type === ShiftType.ROR) return null;
  // LSR, ASR by 32..63: the low word is h >>> a or h >> a, the high word 0 or h >> 31.
  const hm = type === ShiftType.ASR ? -1 : (0xffffffff >>> a) | 0;
  const sm = type === ShiftType.ASR ? -1 : 0;
  switch (op) {
    case 0:
      return () => {
        const mh = r[m + 1];
        const l = r[n] & (((mh >> a) & hm) ^ inv);
        r[d + 1] = r[n + 1] & (((mh >> 31) & sm) ^ inv);
        r[d] = l;
      };
    case 1:
      return () => {
        const mh = r[m + 1];
        const l = r[n] | (((mh >> a) & hm) ^ inv);
        r[d + 1] = r[n + 1] | (((mh >> 31) & sm) ^ inv);
        r[d] = l;
      };
    default:
      return () => {
        const mh = r[m + 1];
        const l = r[n] ^ ((mh >> a) & hm) ^ inv;
        r[d + 1] = r[n + 1] ^ ((mh >> 31) & sm) ^ inv;
        r[d] = l;
      };
  }
}

/** CountLeadingSignBits on 32 bits: CLZ(x<31:1> EOR x<30:0>). */
const cls32 = (v: number): number => Math.clz32((v ^ (v << 1)) | 1);

export const DP_REG_ROWS: Row[] = [
  {
    // AND, BIC, ORR, ORN, EOR, EON, ANDS, BICS (shifted register); MOV, MVN, TST are aliases.
    name: 'LOGICAL_shifted',
    pattern: 'sf:1 opc:2 01010 shift:2 N:1 rm:5 imm6:6 rn:5 rd:5',
    build: (f, c) => {
      if (!f.sf && f.imm6 >= 32) return null;
      const cpu = c.cpu;
      const r = cpu.r;
      const n = rz(f.rn);
      const m = rz(f.rm);
      const d = wz(f.rd);
      const type = f.shift;
      const amt = f.imm6;
      const inv = f.N ? -1 : 0;
      const op = f.opc;
      if (f.sf) {
        if (amt === 0) {
          const key = (op << 1) | f.N;
          if (op === 1 && f.rn === 31) {
            // MOV (register), MVN
            if (f.N) return () => void ((r[d] = ~r[m]), (r[d + 1] = ~r[m + 1]));
            return () => void ((r[d] = r[m]), (r[d + 1] = r[m + 1]));
          }
          switch (key) {
            case 0: // AND
              return () => {
                const l = r[n] & r[m];
                r[d + 1] = r[n + 1] & r[m + 1];
                r[d] = l;
              };
            case 1: // BIC
              return () => {
                const l = r[n] & ~r[m];
                r[d + 1] = r[n + 1] & ~r[m + 1];
                r[d] = l;
              };
            case 2: // ORR
              return () => {
                const l = r[n] | r[m];
                r[d + 1] = r[n + 1] | r[m + 1];
                r[d] = l;
              };
            case 3: // ORN
              return () => {
                const l = r[n] | ~r[m];
                r[d + 1] = r[n + 1] | ~r[m + 1];
                r[d] = l;
              };
            case 4: // EOR
              if (cpu.defect === 'eor-reg') {
                return () => {
                  const l = r[n] ^ r[m] ^ 1;
                  r[d + 1] = r[n + 1] ^ r[m + 1];
                  r[d] = l;
                };
              }
              return () => {
                const l = r[n] ^ r[m];
                r[d + 1] = r[n + 1] ^ r[m + 1];
                r[d] = l;
              };
            case 5: // EON
              return () => {
                const l = r[n] ^ ~r[m];
                r[d + 1] = r[n + 1] ^ ~r[m + 1];
                r[d] = l;
              };
            default: // ANDS, BICS (TST)
              return () => {
                const l = r[n] & (r[m] ^ inv);
                const h = r[n + 1] & (r[m + 1] ^ inv);
                r[d] = l;
                r[d + 1] = h;
                setLogicFlags64(cpu, l, h);
              };
          }
        }
        const fast = logicalShifted64(r, op, d, n, m, type, amt, inv);
        if (fast) return fast;
        // Otherwise the second operand goes through the barrel shifter into TMP0 first.
        switch (op) {
          case 0:
            return () => {
              shift64(r, TMP0, m, type, amt);
              const l = r[n] & (r[TMP0] ^ inv);
              r[d + 1] = r[n + 1] & (r[TMP0 + 1] ^ inv);
              r[d] = l;
            };
          case 1:
            return () => {
              shift64(r, TMP0, m, type, amt);
              const l = r[n] | (r[TMP0] ^ inv);
              r[d + 1] = r[n + 1] | (r[TMP0 + 1] ^ inv);
              r[d] = l;
            };
          case 2:
            return () => {
              shift64(r, TMP0, m, type, amt);
              const l = r[n] ^ r[TMP0] ^ inv;
              r[d + 1] = r[n + 1] ^ r[TMP0 + 1] ^ inv;
              r[d] = l;
            };
          default:
            return () => {
              shift64(r, TMP0, m, type, amt);
              const l = r[n] & (r[TMP0] ^ inv);
              const h = r[n + 1] & (r[TMP0 + 1] ^ inv);
              r[d] = l;
              r[d + 1] = h;
              setLogicFlags64(cpu, l, h);
            };
        }
      }
      // 32-bit forms: the high word of Wd is zeroed.
      if (amt === 0) {
        if (op === 1 && f.rn === 31) {
          if (f.N) return () => void ((r[d] = ~r[m]), (r[d + 1] = 0));
          return () => void ((r[d] = r[m]), (r[d + 1] = 0));
        }
        switch (op) {
          case 0:
            return () => void ((r[d] = r[n] & (r[m] ^ inv)), (r[d + 1] = 0));
          case 1:
            return () => void ((r[d] = r[n] | (r[m] ^ inv)), (r[d + 1] = 0));
          case 2:
            return () => void ((r[d] = r[n] ^ r[m] ^ inv), (r[d + 1] = 0));
          default:
            return () => {
              const l = r[n] & (r[m] ^ inv);
              r[d] = l;
              r[d + 1] = 0;
              setLogicFlags32(cpu, l);
            };
        }
      }
      switch (op) {
        case 0:
          return () => void ((r[d] = r[n] & (shift32(r[m], type, amt) ^ inv)), (r[d + 1] = 0));
        case 1:
          return () => void ((r[d] = r[n] | (shift32(r[m], type, amt) ^ inv)), (r[d + 1] = 0));
        case 2:
          return () => void ((r[d] = r[n] ^ shift32(r[m], type, amt) ^ inv), (r[d + 1] = 0));
        default:
          return () => {
            const l = r[n] & (shift32(r[m], type, amt) ^ inv);
            r[d] = l;
            r[d + 1] = 0;
            setLogicFlags32(cpu, l);
          };
      }
    },
  },
  {
    // ADD, ADDS, SUB, SUBS (shifted register); CMP, CMN, NEG, NEGS are aliases.
    name: 'ADDSUB_shifted',
    pattern: 'sf:1 op:1 S:1 01011 shift:2 0 rm:5 imm6:6 rn:5 rd:5',
    build: (f, c) => {
      if (f.shift === ShiftType.ROR) return null;
      if (!f.sf && f.imm6 >= 32) return null;
      const cpu = c.cpu;
      const r = cpu.r;
      const n = rz(f.rn);
      const m = rz(f.rm);
      const d = wz(f.rd);
      const type = f.shift;
      const amt = f.imm6;
      const sub = f.op === 1;
      const flags = f.S === 1;
      if (f.sf) {
        if (amt === 0) {
          if (!flags) {
            if (sub) {
              return () => {
                const s = (r[n] >>> 0) - (r[m] >>> 0);
                r[d + 1] = r[n + 1] - r[m + 1] - (s < 0 ? 1 : 0);
                r[d] = s;
              };
            }
            return () => {
              const s = (r[n] >>> 0) + (r[m] >>> 0);
              r[d + 1] = r[n + 1] + r[m + 1] + (s > 0xffffffff ? 1 : 0);
              r[d] = s;
            };
          }
          // ADDS, SUBS, CMP, CMN
          if (sub) return () => subs64(cpu, r, d, r[n], r[n + 1], r[m], r[m + 1]);
          return () => adds64(cpu, r, d, r[n], r[n + 1], r[m], r[m + 1]);
        }
        if (!flags && type === ShiftType.LSL && amt < 32) {
          // index scaling: ADD/SUB Xd, Xn, Xm, LSL #1..31
          const ra = 32 - amt;
          if (sub) {
            return () => {
              const ml = r[m];
              const bl = ml << amt;
              const bh = (r[m + 1] << amt) | (ml >>> ra);
              const s = (r[n] >>> 0) - (bl >>> 0);
              r[d + 1] = r[n + 1] - bh - (s < 0 ? 1 : 0);
              r[d] = s;
            };
          }
          return () => {
            const ml = r[m];
            const bl = ml << amt;
            const bh = (r[m + 1] << amt) | (ml >>> ra);
            const s = (r[n] >>> 0) + (bl >>> 0);
            r[d + 1] = r[n + 1] + bh + (s > 0xffffffff ? 1 : 0);
            r[d] = s;
          };
        }
        if (!flags && type !== ShiftType.LSL && amt >= 32) {
          // ADD Xd, Xn, Xm, LSR #63 and friends (signed division by powers of two)
          const a = amt - 32;
          const hm = type === ShiftType.ASR ? -1 : (0xffffffff >>> a) | 0;
          const sm = type === ShiftType.ASR ? -1 : 0;
          if (sub) {
            return () => {
              const mh = r[m + 1];
              const s = (r[n] >>> 0) - (((mh >> a) & hm) >>> 0);
              r[d + 1] = r[n + 1] - ((mh >> 31) & sm) - (s < 0 ? 1 : 0);
              r[d] = s;
            };
          }
          return () => {
            const mh = r[m + 1];
            const s = (r[n] >>> 0) + (((mh >> a) & hm) >>> 0);
            r[d + 1] = r[n + 1] + ((mh >> 31) & sm) + (s > 0xffffffff ? 1 : 0);
            r[d] = s;
          };
        }
        if (!flags) {
          if (sub) {
            return () => {
              shift64(r, TMP0, m, type, amt);
              const s = (r[n] >>> 0) - (r[TMP0] >>> 0);
              r[d + 1] = r[n + 1] - r[TMP0 + 1] - (s < 0 ? 1 : 0);
              r[d] = s;
            };
          }
          return () => {
            shift64(r, TMP0, m, type, amt);
            const s = (r[n] >>> 0) + (r[TMP0] >>> 0);
            r[d + 1] = r[n + 1] + r[TMP0 + 1] + (s > 0xffffffff ? 1 : 0);
            r[d] = s;
          };
        }
        if (sub) {
          return () => {
            shift64(r, TMP0, m, type, amt);
            subs64(cpu, r, d, r[n], r[n + 1], r[TMP0], r[TMP0 + 1]);
          };
        }
        return () => {
          shift64(r, TMP0, m, type, amt);
          adds64(cpu, r, d, r[n], r[n + 1], r[TMP0], r[TMP0 + 1]);
        };
      }
      if (amt === 0) {
        if (!flags) {
          if (sub) return () => void ((r[d] = r[n] - r[m]), (r[d + 1] = 0));
          return () => void ((r[d] = r[n] + r[m]), (r[d + 1] = 0));
        }
        if (sub) return () => subs32(cpu, r, d, r[n], r[m]);
        return () => adds32(cpu, r, d, r[n], r[m]);
      }
      if (!flags) {
        if (sub) return () => void ((r[d] = r[n] - shift32(r[m], type, amt)), (r[d + 1] = 0));
        return () => void ((r[d] = r[n] + shift32(r[m], type, amt)), (r[d + 1] = 0));
      }
      if (sub) return () => subs32(cpu, r, d, r[n], shift32(r[m], type, amt));
      return () => adds32(cpu, r, d, r[n], shift32(r[m], type, amt));
    },
  },
  {
    // ADD, ADDS, SUB, SUBS (extended register); CMP, CMN (extended) are aliases. Rn is
    // SP-capable; so is Rd unless S = 1. The opt field (bits 23:22) must be 00.
    name: 'ADDSUB_ext',
    pattern: 'sf:1 op:1 S:1 01011 00 1 rm:5 option:3 imm3:3 rn:5 rd:5',
    build: (f, c) => {
      if (f.imm3 > 4) return null;
      const cpu = c.cpu;
      const r = cpu.r;
      const n = rsp(f.rn);
      const m = rz(f.rm);
      const d = f.S ? wz(f.rd) : wsp(f.rd);
      const option = f.option;
      const sh = f.imm3;
      const sub = f.op === 1;
      const flags = f.S === 1;
      if (f.sf) {
        if (!flags && (option & 3) >= 2) {
          // UXTW, SXTW (array indexing with a 32-bit index), UXTX, SXTX (LSL with SP):
          // operand = (hi:lo) << sh, where hi is Xm's high word or the extension of Wm.
          const rs = 31 - sh; // (x >>> 1) >>> rs is x >>> (32 - sh), and 0 when sh = 0
          if ((option & 3) === 3) {
            if (sub) {
              return () => {
                const ml = r[m];
                const bh = (r[m + 1] << sh) | ((ml >>> 1) >>> rs);
                const s = (r[n] >>> 0) - ((ml << sh) >>> 0);
                r[d + 1] = r[n + 1] - bh - (s < 0 ? 1 : 0);
                r[d] = s;
              };
            }
            return () => {
              const ml = r[m];
              const bh = (r[m + 1] << sh) | ((ml >>> 1) >>> rs);
              const s = (r[n] >>> 0) + ((ml << sh) >>> 0);
              r[d + 1] = r[n + 1] + bh + (s > 0xffffffff ? 1 : 0);
              r[d] = s;
            };
          }
          const sm = option === 6 ? -1 : 0; // SXTW: the high word is Wm's sign
          if (sub) {
            return () => {
              const ml = r[m];
              const bh = (((ml >> 31) & sm) << sh) | ((ml >>> 1) >>> rs);
              const s = (r[n] >>> 0) - ((ml << sh) >>> 0);
              r[d + 1] = r[n + 1] - bh - (s < 0 ? 1 : 0);
              r[d] = s;
            };
          }
          return () => {
            const ml = r[m];
            const bh = (((ml >> 31) & sm) << sh) | ((ml >>> 1) >>> rs);
            const s = (r[n] >>> 0) + ((ml << sh) >>> 0);
            r[d + 1] = r[n + 1] + bh + (s > 0xffffffff ? 1 : 0);
            r[d] = s;
          };
        }
        if (!flags) {
          if (sub) {
            return () => {
              extend64(r, TMP0, m, option, sh);
              const s = (r[n] >>> 0) - (r[TMP0] >>> 0);
              r[d + 1] = r[n + 1] - r[TMP0 + 1] - (s < 0 ? 1 : 0);
              r[d] = s;
            };
          }
          return () => {
            extend64(r, TMP0, m, option, sh);
            const s = (r[n] >>> 0) + (r[TMP0] >>> 0);
            r[d + 1] = r[n + 1] + r[TMP0 + 1] + (s > 0xffffffff ? 1 : 0);
            r[d] = s;
          };
        }
        if (sub) {
          return () => {
            extend64(r, TMP0, m, option, sh);
            subs64(cpu, r, d, r[n], r[n + 1], r[TMP0], r[TMP0 + 1]);
          };
        }
        return () => {
          extend64(r, TMP0, m, option, sh);
          adds64(cpu, r, d, r[n], r[n + 1], r[TMP0], r[TMP0 + 1]);
        };
      }
      // 32 bits: extending to 64 then truncating is the same as working on Wm; the byte and
      // halfword extends are a shift pair (lsh 24 or 16), the word/doubleword ones nothing.
      const lsh = (option & 3) === 0 ? 24 : (option & 3) === 1 ? 16 : 0;
      const signed = (option & 4) !== 0;
      if (signed) {
        if (!flags) {
          if (sub) return () => void ((r[d] = r[n] - (((r[m] << lsh) >> lsh) << sh)), (r[d + 1] = 0));
          return () => void ((r[d] = r[n] + (((r[m] << lsh) >> lsh) << sh)), (r[d + 1] = 0));
        }
        if (sub) return () => subs32(cpu, r, d, r[n], ((r[m] << lsh) >> lsh) << sh);
        return () => adds32(cpu, r, d, r[n], ((r[m] << lsh) >> lsh) << sh);
      }
      if (!flags) {
        if (sub) return () => void ((r[d] = r[n] - (((r[m] << lsh) >>> lsh) << sh)), (r[d + 1] = 0));
        return () => void ((r[d] = r[n] + (((r[m] << lsh) >>> lsh) << sh)), (r[d + 1] = 0));
      }
      if (sub) return () => subs32(cpu, r, d, r[n], ((r[m] << lsh) >>> lsh) << sh);
      return () => adds32(cpu, r, d, r[n], ((r[m] << lsh) >>> lsh) << sh);
    },
  },
  {
    // ADC, ADCS, SBC, SBCS; NGC, NGCS are aliases. (Bits 15:10 other than 000000 hold the
    // Armv8.4 RMIF/SETF forms: no row, UNDEFINED.)
    name: 'ADC_SBC',
    pattern: 'sf:1 op:1 S:1 11010000 rm:5 000000 rn:5 rd:5',
    build: (f, c) => {
      const cpu = c.cpu;
      const r = cpu.r;
      const n = rz(f.rn);
      const m = rz(f.rm);
      const d = wz(f.rd);
      const flags = f.S === 1;
      if (f.sf) {
        if (f.op) return () => addWithCarry64(cpu, d, r[n], r[n + 1], ~r[m], ~r[m + 1], cpu.c, flags);
        return () => addWithCarry64(cpu, d, r[n], r[n + 1], r[m], r[m + 1], cpu.c, flags);
      }
      if (f.op) return () => addWithCarry32(cpu, d, r[n], ~r[m], cpu.c, flags);
      return () => addWithCarry32(cpu, d, r[n], r[m], cpu.c, flags);
    },
  },
  {
    // CCMN, CCMP (register): S = 1, o2 = 0, o3 = 0; anything else has no row.
    name: 'CCMP_reg',
    pattern: 'sf:1 op:1 1 11010010 rm:5 cond:4 0 0 rn:5 0 nzcv:4',
    build: (f, c) => {
      const cpu = c.cpu;
      const r = cpu.r;
      const n = rz(f.rn);
      const m = rz(f.rm);
      const cond = f.cond;
      const fn = (f.nzcv >>> 3) & 1;
      const fz = (f.nzcv >>> 2) & 1;
      const fc = (f.nzcv >>> 1) & 1;
      const fv = f.nzcv & 1;
      const sub = f.op === 1;
      const otherwise = (): void => {
        cpu.n = fn;
        cpu.z = fz;
        cpu.c = fc;
        cpu.v = fv;
      };
      if (f.sf) {
        if (sub) {
          return () => {
            if (conditionHolds(cpu, cond)) subs64(cpu, r, JUNK, r[n], r[n + 1], r[m], r[m + 1]);
            else otherwise();
          };
        }
        return () => {
          if (conditionHolds(cpu, cond)) adds64(cpu, r, JUNK, r[n], r[n + 1], r[m], r[m + 1]);
          else otherwise();
        };
      }
      if (sub) {
        return () => {
          if (conditionHolds(cpu, cond)) subs32(cpu, r, JUNK, r[n], r[m]);
          else otherwise();
        };
      }
      return () => {
        if (conditionHolds(cpu, cond)) adds32(cpu, r, JUNK, r[n], r[m]);
        else otherwise();
      };
    },
  },
  {
    // CCMN, CCMP (immediate)
    name: 'CCMP_imm',
    pattern: 'sf:1 op:1 1 11010010 imm5:5 cond:4 1 0 rn:5 0 nzcv:4',
    build: (f, c) => {
      const cpu = c.cpu;
      const r = cpu.r;
      const n = rz(f.rn);
      const cond = f.cond;
      const fn = (f.nzcv >>> 3) & 1;
      const fz = (f.nzcv >>> 2) & 1;
      const fc = (f.nzcv >>> 1) & 1;
      const fv = f.nzcv & 1;
      const imm = f.imm5;
      const otherwise = (): void => {
        cpu.n = fn;
        cpu.z = fz;
        cpu.c = fc;
        cpu.v = fv;
      };
      if (f.sf) {
        if (f.op) {
          return () => {
            if (conditionHolds(cpu, cond)) subs64(cpu, r, JUNK, r[n], r[n + 1], imm, 0);
            else otherwise();
          };
        }
        return () => {
          if (conditionHolds(cpu, cond)) adds64(cpu, r, JUNK, r[n], r[n + 1], imm, 0);
          else otherwise();
        };
      }
      if (f.op) {
        return () => {
          if (conditionHolds(cpu, cond)) subs32(cpu, r, JUNK, r[n], imm);
          else otherwise();
        };
      }
      return () => {
        if (conditionHolds(cpu, cond)) adds32(cpu, r, JUNK, r[n], imm);
        else otherwise();
      };
    },
  },
  {
    // CSEL, CSINC, CSINV, CSNEG (S = 0, op2<1> = 0); CSET, CSETM, CINC, CINV, CNEG are aliases.
    name: 'CSEL',
    pattern: 'sf:1 op:1 0 11010100 rm:5 cond:4 0 o2:1 rn:5 rd:5',
    build: (f, c) => {
      const cpu = c.cpu;
      const r = cpu.r;
      const n = rz(f.rn);
      const m = rz(f.rm);
      const d = wz(f.rd);
      const cond = f.cond;
      const kind = (f.op << 1) | f.o2; // 0 CSEL, 1 CSINC, 2 CSINV, 3 CSNEG
      if (f.sf) {
        switch (kind) {
          case 0:
            return () => {
              const s = conditionHolds(cpu, cond) ? n : m;
              r[d] = r[s];
              r[d + 1] = r[s + 1];
            };
          case 1:
            return () => {
              if (conditionHolds(cpu, cond)) {
                r[d] = r[n];
                r[d + 1] = r[n + 1];
              } else {
                const l = (r[m] + 1) | 0;
                r[d + 1] = l === 0 ? r[m + 1] + 1 : r[m + 1];
                r[d] = l;
              }
            };
          case 2:
            return () => {
              if (conditionHolds(cpu, cond)) {
                r[d] = r[n];
                r[d + 1] = r[n + 1];
              } else {
                r[d] = ~r[m];
                r[d + 1] = ~r[m + 1];
              }
            };
          default:
            return () => {
              if (conditionHolds(cpu, cond)) {
                r[d] = r[n];
                r[d + 1] = r[n + 1];
              } else {
                const l = -r[m] | 0;
                r[d + 1] = ~r[m + 1] + (l === 0 ? 1 : 0);
                r[d] = l;
              }
            };
        }
      }
      switch (kind) {
        case 0:
          return () => void ((r[d] = conditionHolds(cpu, cond) ? r[n] : r[m]), (r[d + 1] = 0));
        case 1:
          return () => void ((r[d] = conditionHolds(cpu, cond) ? r[n] : r[m] + 1), (r[d + 1] = 0));
        case 2:
          return () => void ((r[d] = conditionHolds(cpu, cond) ? r[n] : ~r[m]), (r[d + 1] = 0));
        default:
          return () => void ((r[d] = conditionHolds(cpu, cond) ? r[n] : -r[m]), (r[d + 1] = 0));
      }
    },
  },
  {
    // RBIT, REV16, REV32, REV, CLZ, CLS. (opcode2 = 00001 is the Armv8.3 PAC space, and
    // opcodes 0001xx the Armv8.9 CSSC ones: UNDEFINED.)
    name: 'DP_1src',
    pattern: 'sf:1 1 0 11010110 00000 opcode:6 rn:5 rd:5',
    build: (f, c) => {
      const r = c.cpu.r;
      const n = rz(f.rn);
      const d = wz(f.rd);
      if (f.sf) {
        switch (f.opcode) {
          case 0: // RBIT
            return () => {
              const l = r[n];
              r[d] = rbit32(r[n + 1]);
              r[d + 1] = rbit32(l);
            };
          case 1: // REV16
            return () => {
              const l = r[n];
              const h = r[n + 1];
              r[d] = ((l >>> 8) & 0x00ff00ff) | ((l & 0x00ff00ff) << 8);
              r[d + 1] = ((h >>> 8) & 0x00ff00ff) | ((h & 0x00ff00ff) << 8);
            };
          case 2: // REV32
            return () => {
              const l = r[n];
              r[d + 1] = bswap32(r[n + 1]);
              r[d] = bswap32(l);
            };
          case 3: // REV
            return () => {
              const l = r[n];
              r[d] = bswap32(r[n + 1]);
              r[d + 1] = bswap32(l);
            };
          case 4: // CLZ
            return () => {
              const h = r[n + 1];
              r[d] = h !== 0 ? Math.clz32(h) : 32 + Math.clz32(r[n]);
              r[d + 1] = 0;
            };
          case 5: // CLS: CLZ of x<63:1> EOR x<62:0>
            return () => {
              const l = r[n];
              const h = r[n + 1];
              const th = h ^ ((h << 1) | (l >>> 31));
              r[d] = th !== 0 ? Math.clz32(th) : 32 + Math.clz32((l ^ (l << 1)) | 1);
              r[d + 1] = 0;
            };
          default:
            return null;
        }
      }
      switch (f.opcode) {
        case 0:
          return () => void ((r[d] = rbit32(r[n])), (r[d + 1] = 0));
        case 1:
          return () => {
            const v = r[n];
            r[d] = ((v >>> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8);
            r[d + 1] = 0;
          };
        case 2: // REV (32-bit)
          return () => void ((r[d] = bswap32(r[n])), (r[d + 1] = 0));
        case 4:
          return () => void ((r[d] = Math.clz32(r[n])), (r[d + 1] = 0));
        case 5:
          return () => void ((r[d] = cls32(r[n])), (r[d + 1] = 0));
        default: // opcode 3 (REV with sf = 0) is unallocated
          return null;
      }
    },
  },
  {
    // UDIV, SDIV, LSLV, LSRV, ASRV, RORV, CRC32{B,H,W,X}, CRC32C{B,H,W,X} (S = 0). The
    // Armv8.5 MTE forms (SUBP, IRG, GMI) and Armv8.3 PACGA in this space are UNDEFINED.
    name: 'DP_2src',
    pattern: 'sf:1 0 0 11010110 rm:5 opcode:6 rn:5 rd:5',
    build: (f, c) => {
      const cpu = c.cpu;
      const r = cpu.r;
      const n = rz(f.rn);
      const m = rz(f.rm);
      const d = wz(f.rd);
      const op = f.opcode;
      if (op === 2 || op === 3) {
        const signed = op === 3;
        if (f.sf) {
          if (signed) {
            return () => {
              const bl = r[m];
              const bh = r[m + 1];
              if ((bl | bh) === 0) {
                r[d] = 0;
                r[d + 1] = 0;
              } else {
                sdiv64(r, d, r[n], r[n + 1], bl, bh);
              }
            };
          }
          return () => {
            const bl = r[m];
            const bh = r[m + 1];
            if ((bl | bh) === 0) {
              r[d] = 0;
              r[d + 1] = 0;
            } else {
              udiv64(r, d, r[n], r[n + 1], bl, bh);
            }
          };
        }
        // 32 bits: the double quotient of two 32-bit integers truncates exactly; for
        // INT32_MIN / -1 the quotient 2^31 wraps to INT32_MIN when stored.
        if (signed) {
          return () => {
            const b = r[m];
            r[d] = b === 0 ? 0 : r[n] / b;
            r[d + 1] = 0;
          };
        }
        return () => {
          const b = r[m] >>> 0;
          r[d] = b === 0 ? 0 : (r[n] >>> 0) / b;
          r[d + 1] = 0;
        };
      }
      if (op >= 8 && op <= 11) {
        // LSLV, LSRV, ASRV, RORV: the shift amount is Rm modulo the register size.
        const type = op & 3;
        if (f.sf) return () => shift64(r, d, n, type, r[m] & 63);
        switch (type) {
          case ShiftType.LSL:
            return () => void ((r[d] = r[n] << r[m]), (r[d + 1] = 0)); // JS masks the count to 5 bits
          case ShiftType.LSR:
            return () => void ((r[d] = r[n] >>> r[m]), (r[d + 1] = 0));
          case ShiftType.ASR:
            return () => void ((r[d] = r[n] >> r[m]), (r[d + 1] = 0));
          default:
            return () => {
              const v = r[n];
              const s = r[m];
              r[d] = (v >>> s) | (v << (32 - s)); // both counts taken modulo 32
              r[d + 1] = 0;
            };
        }
      }
      if (op >= 16 && op <= 23) {
        if (!cpu.model.features.CRC32) return null;
        const size = op & 3; // 0 B, 1 H, 2 W, 3 X
        if ((size === 3) !== (f.sf === 1)) return null;
        const table = op & 4 ? CRC32C_TABLE : CRC32_TABLE;
        if (size === 3) {
          return () => {
            const hi = r[m + 1];
            const acc = crcUpdate(table, r[n], r[m], 4);
            r[d] = crcUpdate(table, acc, hi, 4);
            r[d + 1] = 0;
          };
        }
        const bytes = 1 << size;
        return () => {
          r[d] = crcUpdate(table, r[n], r[m], bytes);
          r[d + 1] = 0;
        };
      }
      return null;
    },
  },
  {
    // MADD, MSUB, SMADDL, SMSUBL, SMULH, UMADDL, UMSUBL, UMULH (op54 = 00); MUL, MNEG,
    // SMULL, SMNEGL, UMULL, UMNEGL are the aliases with Ra = XZR. Ra is ignored by
    // SMULH/UMULH (it should be 11111).
    name: 'DP_3src',
    pattern: 'sf:1 00 11011 op31:3 rm:5 o0:1 ra:5 rn:5 rd:5',
    build: (f, c) => {
      const r = c.cpu.r;
      const n = rz(f.rn);
      const m = rz(f.rm);
      const a = rz(f.ra);
      const d = wz(f.rd);
      const sub = f.o0 === 1;
      const noAcc = f.ra === 31;
      if (f.op31 === 0) {
        if (!f.sf) {
          if (noAcc) {
            if (sub) return () => void ((r[d] = -Math.imul(r[n], r[m])), (r[d + 1] = 0));
            return () => void ((r[d] = Math.imul(r[n], r[m])), (r[d + 1] = 0));
          }
          if (sub) return () => void ((r[d] = r[a] - Math.imul(r[n], r[m])), (r[d + 1] = 0));
          return () => void ((r[d] = r[a] + Math.imul(r[n], r[m])), (r[d + 1] = 0));
        }
        if (noAcc && !sub) {
          // MUL
          return () => {
            const nl = r[n];
            const nh = r[n + 1];
            const ml = r[m];
            const mh = r[m + 1];
            r[d] = Math.imul(nl, ml);
            r[d + 1] = umulh32(nl, ml) + Math.imul(nl, mh) + Math.imul(nh, ml);
          };
        }
        if (sub) {
          return () => {
            const nl = r[n];
            const nh = r[n + 1];
            const ml = r[m];
            const mh = r[m + 1];
            const al = r[a];
            const ah = r[a + 1];
            const pl = Math.imul(nl, ml);
            const ph = umulh32(nl, ml) + Math.imul(nl, mh) + Math.imul(nh, ml);
            const s = (al >>> 0) - (pl >>> 0);
            r[d] = s;
            r[d + 1] = ah - ph - (s < 0 ? 1 : 0);
          };
        }
        return () => {
          const nl = r[n];
          const nh = r[n + 1];
          const ml = r[m];
          const mh = r[m + 1];
          const al = r[a];
          const ah = r[a + 1];
          const pl = Math.imul(nl, ml);
          const ph = umulh32(nl, ml) + Math.imul(nl, mh) + Math.imul(nh, ml);
          const s = (al >>> 0) + (pl >>> 0);
          r[d] = s;
          r[d + 1] = ah + ph + (s > 0xffffffff ? 1 : 0);
        };
      }
      if (!f.sf) return null;
      switch (f.op31) {
        case 1: // SMADDL, SMSUBL
        case 5: {
          // UMADDL, UMSUBL
          const signed = f.op31 === 1;
          return () => {
            const x = r[n];
            const y = r[m];
            const al = r[a];
            const ah = r[a + 1];
            const pl = Math.imul(x, y);
            let ph = umulh32(x, y);
            if (signed) ph -= (x < 0 ? y : 0) + (y < 0 ? x : 0);
            if (sub) {
              const s = (al >>> 0) - (pl >>> 0);
              r[d] = s;
              r[d + 1] = ah - ph - (s < 0 ? 1 : 0);
            } else {
              const s = (al >>> 0) + (pl >>> 0);
              r[d] = s;
              r[d + 1] = ah + ph + (s > 0xffffffff ? 1 : 0);
            }
          };
        }
        case 2: // SMULH
          if (sub) return null;
          return () => smulh64(r, d, r[n], r[n + 1], r[m], r[m + 1]);
        case 6: // UMULH
          if (sub) return null;
          return () => umulh64(r, d, r[n], r[n + 1], r[m], r[m + 1]);
        default:
          return null;
      }
    },
  },
];
