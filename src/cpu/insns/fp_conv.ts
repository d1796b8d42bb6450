// Scalar floating-point conversions (Arm ARM C4.1.96): between floating-point and integer
// (FMOV (general), SCVTF/UCVTF, FCVT{N,P,M,Z,A}{S,U}), between floating-point and fixed-point
// (SCVTF/UCVTF, FCVTZS/FCVTZU with #fbits), and between precisions (FCVT), following the
// pseudocode FPToFixed, FixedToFP and FPConvert (src/fp/softfloat.ts does the rounding).

import type { Op, Row } from '../decoder.js';
import type { Cpu } from '../cpu.js';
import { Slot } from '../state.js';
import { checkFpAccess } from '../fptrap.js';
import { vd, vw } from '../vreg.js';
import { rz, wz } from '../alu.js';
import { getF, setF, widthOf } from './fp_dp.js';
import { fpFlags, round, rmodeOf, unpack, T, RM, defaultNaN, bitLen, roundsUp } from '../../fp/softfloat.js';
import { Fpcr, Fpsr } from '../../sysregs/fp.js';

const FPCR = Slot.FPCR * 2;
const FPSR = Slot.FPSR * 2;

/** FPToFixed: op (n bits) * 2^fbits rounded in `rm` to an m-bit (un)signed integer, saturated. */
export function fpToFixed(n: number, op: bigint, fbits: number, unsigned: boolean, fpcr: number, rm: RM, m: number): bigint {
  const a = unpack(n, op, fpcr);
  const max = unsigned ? (1n << BigInt(m)) - 1n : (1n << BigInt(m - 1)) - 1n;
  const min = unsigned ? 0n : -(1n << BigInt(m - 1));
  if (a.t === T.QNAN || a.t === T.SNAN) {
    fpFlags.v |= Fpsr.IOC;
    return 0n;
  }
  if (a.t === T.INF) {
    fpFlags.v |= Fpsr.IOC;
    return BigInt.asUintN(m, a.s ? min : max);
  }
  if (a.t === T.ZERO) return 0n;
  // value = (-1)^s * m * 2^(e + fbits); int = RoundDown(value), frac = value - int
  const e = a.e + fbits;
  let mag: bigint; // floor of the magnitude
  let rem = 0n;
  let half = 0n;
  if (e >= 0) {
    mag = a.m << BigInt(e);
  } else {
    const S = BigInt(-e);
    mag = a.m >> S;
    rem = a.m & ((1n << S) - 1n);
    half = 1n << (S - 1n);
  }
  // Signed: int_result = RoundDown(value); error in [0, 1).
  let int: bigint;
  let cmp: number; // error vs 0.5: -1, 0, 1; exact when rem == 0
  const exact = rem === 0n;
  if (a.s === 0 || exact) {
    int = a.s ? -mag : mag;
    cmp = exact ? -1 : rem < half ? -1 : rem === half ? 0 : 1;
  } else {
    int = -mag - 1n; // error = 1 - rem/2^S
    cmp = rem > half ? -1 : rem === half ? 0 : 1;
  }
  if (!exact && roundsUp(rm, cmp, int)) int += 1n;
  if (int > max || int < min) {
    fpFlags.v |= Fpsr.IOC;
    return BigInt.asUintN(m, int > max ? max : min);
  }
  if (!exact) fpFlags.v |= Fpsr.IXC;
  return BigInt.asUintN(m, int);
}

/** FixedToFP: the integer v (already signed or unsigned as a BigInt) / 2^fbits rounded to n bits. */
export function fixedToFp(n: number, v: bigint, fbits: number, fpcr: number, rm: RM): bigint {
  if (v === 0n) return 0n;
  const s = v < 0n ? 1 : 0;
  return round(n, s, s ? -v : v, -fbits, fpcr, rm);
}

const FB = (n: number): number => (n === 16 ? 10 : n === 32 ? 23 : 52);

/** FPConvert from n to m bits (FPUnpackCV/FPRoundCV: FZ16 does not apply; AHP for half). */
export function fpConvert(n: number, op: bigint, m: number, fpcr: number): bigint {
  const ahpIn = n === 16 && (fpcr & Fpcr.AHP) !== 0;
  const altHp = m === 16 && (fpcr & Fpcr.AHP) !== 0;
  const cv = fpcr & ~Fpcr.FZ16;
  let a;
  if (ahpIn && ((op >> 10n) & 31n) === 31n) {
    // Alternative half precision: the largest exponent is a normal number.
    a = { t: T.NORMAL, s: Number((op >> 15n) & 1n), m: (op & 0x3ffn) | 0x400n, e: 16 - 10 };
  } else {
    a = unpack(n, op, cv);
  }
  const sm = BigInt(a.s) << BigInt(m - 1);
  if (a.t === T.QNAN || a.t === T.SNAN) {
    let r: bigint;
    if (altHp) r = sm;
    else if ((fpcr & Fpcr.DN) !== 0) r = defaultNaN(m);
    else {
      // FPConvertNaN: the quiet bit set, the payload's top bits kept.
      const fn = FB(n);
      const fm = FB(m);
      let frac = op & ((1n << BigInt(fn)) - 1n);
      frac = fm >= fn ? frac << BigInt(fm - fn) : frac >> BigInt(fn - fm);
      r = sm | (BigInt((1 << (m - fm - 1)) - 1) << BigInt(fm)) | (1n << BigInt(fm - 1)) | frac;
    }
    if (a.t === T.SNAN || altHp) fpFlags.v |= Fpsr.IOC;
    return r;
  }
  if (a.t === T.INF) {
    if (altHp) {
      fpFlags.v |= Fpsr.IOC;
      return sm | ((1n << BigInt(m - 1)) - 1n);
    }
    return sm | (BigInt((1 << (m - FB(m) - 1)) - 1) << BigInt(FB(m)));
  }
  if (a.t === T.ZERO) return sm;
  return round(m, a.s, a.m, a.e, cv, rmodeOf(fpcr), true, altHp);
}

/** Reads general register n (31: XZR) as a BigInt of `bits` bits, signed or not. */
function readGpr(cpu: Cpu, n: number, bits: number, signed: boolean): bigint {
  const i = rz(n);
  if (bits === 32) return signed ? BigInt(cpu.r[i]) : BigInt(cpu.u[i]);
  const v = cpu.x[i >> 1];
  return signed ? BigInt.asIntN(64, v) : v;
}

function writeGpr(cpu: Cpu, d: number, bits: number, v: bigint): void {
  const i = wz(d);
  cpu.u[i] = Number(v & 0xffffffffn);
  cpu.u[i + 1] = bits === 64 ? Number((v >> 32n) & 0xffffffffn) : 0;
}

/** The FCVT* rounding of rmode (N, P, M, Z) and of FCVTA* (opcode 10x). */
const RM_OF = [RM.TIEEVEN, RM.POSINF, RM.NEGINF, RM.ZERO];

function toInt(cpu: Cpu, n: number, bits: number, unsigned: boolean, rm: RM, fbits: number, rd: number, rn: number): Op {
  const u = cpu.u;
  return () => {
    if (!cpu.fpEnabled) checkFpAccess(cpu);
    fpFlags.v = 0;
    writeGpr(cpu, rd, bits, fpToFixed(n, getF(cpu, n, rn), fbits, unsigned, u[FPCR], rm, bits));
    u[FPSR] |= fpFlags.v;
  };
}

function fromInt(cpu: Cpu, n: number, bits: number, unsigned: boolean, fbits: number, rd: number, rn: number): Op {
  const u = cpu.u;
  const f64 = cpu.f64;
  const d = vd(rd);
  const src = rz(rn);
  const r = cpu.r;
  if (n === 64 && bits === 32 && fbits === 0) {
    // Exact in a double: no rounding, no flags.
    return () => {
      if (!cpu.fpEnabled) checkFpAccess(cpu);
      f64[d] = unsigned ? u[src] : r[src];
      f64[d + 1] = 0;
    };
  }
  return () => {
    if (!cpu.fpEnabled) checkFpAccess(cpu);
    fpFlags.v = 0;
    const fpcr = u[FPCR];
    setF(cpu, n, rd, fixedToFp(n, readGpr(cpu, rn, bits, !unsigned), fbits, fpcr, rmodeOf(fpcr)));
    u[FPSR] |= fpFlags.v;
  };
}

/** FJCVTZS (FEAT_JSCVT): double to int32 as JavaScript's ToInt32, Z = exact (Arm ARM FPToFixedJS). */
function fjcvtzs(cpu: Cpu, rd: number, rn: number): Op {
  const u = cpu.u;
  return () => {
    if (!cpu.fpEnabled) checkFpAccess(cpu);
    fpFlags.v = 0;
    const fpcr = u[FPCR];
    const a = unpack(64, getF(cpu, 64, rn), fpcr);
    let res = 0n;
    let z = 0;
    if (a.t === T.QNAN || a.t === T.SNAN || a.t === T.INF) {
      fpFlags.v |= Fpsr.IOC;
    } else if (a.t === T.ZERO) {
      // -0 gives Z = 0 (FPToFixedJS: sign 1 and value 0); a denormal flushed by FZ is a zero
      // here (QEMU 7.2 agrees: Z = 1 for a positive one).
      z = a.s === 0 ? 1 : 0;
    } else {
      let mag: bigint;
      let exact: boolean;
      if (a.e >= 0) {
        mag = a.m << BigInt(a.e);
        exact = true;
      } else {
        mag = a.m >> BigInt(-a.e);
        exact = (a.m & ((1n << BigInt(-a.e)) - 1n)) === 0n;
      }
      const int = a.s ? -mag : mag;
      res = BigInt.asUintN(32, int);
      const overflow = int < -(1n << 31n) || int > (1n << 31n) - 1n;
      if (overflow) fpFlags.v |= Fpsr.IOC;
      else if (!exact) fpFlags.v |= Fpsr.IXC;
      z = exact && !overflow ? 1 : 0;
    }
    writeGpr(cpu, rd, 32, res);
    cpu.nzcv = z << 30;
    u[FPSR] |= fpFlags.v;
  };
}

export const FP_CONV_ROWS: Row[] = [
  {
    // Conversion between floating-point and integer (sf, ftype, rmode, opcode)
    name: 'FP_int',
    pattern: 'sf:1 00 11110 ftype:2 1 rmode:2 opcode:3 000000 rn:5 rd:5',
    build: (f, c) => {
      const cpu = c.cpu;
      const bits = f.sf ? 64 : 32;
      const { rmode, opcode, rd, rn } = f;
      if (opcode >= 6) {
        // FMOV (general): opcode 110 to a general register, 111 from one.
        const toGpr = opcode === 6;
        let lane = -1; // the element: 16/32/64-bit scalar, or D[1]
        if (f.ftype === 2) {
          if (!f.sf || rmode !== 1) return null;
          lane = 1;
        } else {
          if (f.ftype === 1 && !f.sf && rmode === 3 && opcode === 6) {
            return cpu.model.features.JSCVT ? fjcvtzs(cpu, rd, rn) : null;
          }
          if (rmode !== 0) return null;
          const n = widthOf(cpu, f.ftype);
          if (!n || (n === 32 && f.sf) || (n === 64 && !f.sf)) return null;
          lane = n === 16 ? 16 : 0;
        }
        const u = cpu.u;
        const isH = lane === 16;
        const isTop = lane === 1;
        const vi = vw(toGpr ? rn : rd) + (isTop ? 2 : 0);
        const gi = toGpr ? wz(rd) : rz(rn);
        const is64 = bits === 64;
        if (toGpr) {
          return () => {
            if (!cpu.fpEnabled) checkFpAccess(cpu);
            u[gi] = isH ? u[vi] & 0xffff : u[vi];
            u[gi + 1] = is64 && !isH ? u[vi + 1] : 0;
          };
        }
        return () => {
          if (!cpu.fpEnabled) checkFpAccess(cpu);
          const lo = isH ? u[gi] & 0xffff : u[gi];
          const hi = is64 && !isH ? u[gi + 1] : 0;
          u[vi] = lo;
          u[vi + 1] = hi;
          if (!isTop) {
            u[vi + 2] = 0;
            u[vi + 3] = 0;
          }
        };
      }
      const n = widthOf(cpu, f.ftype);
      if (!n) return null;
      if (opcode <= 1) return toInt(cpu, n, bits, opcode === 1, RM_OF[rmode], 0, rd, rn);
      if (rmode !== 0) return null;
      if (opcode <= 3) return fromInt(cpu, n, bits, opcode === 3, 0, rd, rn);
      return toInt(cpu, n, bits, opcode === 5, RM.TIEAWAY, 0, rd, rn); // FCVTAS, FCVTAU
    },
  },
  {
    // Conversion between floating-point and fixed-point: FCVTZS/FCVTZU (rmode 11, opcode
    // 00x), SCVTF/UCVTF (rmode 00, opcode 01x); fbits = 64 - scale (32-bit: scale >= 32)
    name: 'FP_fixed',
    pattern: 'sf:1 00 11110 ftype:2 0 rmode:2 opcode:3 scale:6 rn:5 rd:5',
    build: (f, c) => {
      const cpu = c.cpu;
      const n = widthOf(cpu, f.ftype);
      if (!n || (!f.sf && f.scale < 32)) return null;
      const bits = f.sf ? 64 : 32;
      const fbits = 64 - f.scale;
      if (f.rmode === 3 && f.opcode <= 1) return toInt(cpu, n, bits, f.opcode === 1, RM.ZERO, fbits, f.rd, f.rn);
      if (f.rmode === 0 && (f.opcode === 2 || f.opcode === 3)) return fromInt(cpu, n, bits, f.opcode === 3, fbits, f.rd, f.rn);
      return null;
    },
  },
  {
    // FCVT between precisions: opc is the destination type (00 S, 01 D, 11 H)
    name: 'FCVT',
    pattern: '000 11110 ftype:2 1 0001 opc:2 10000 rn:5 rd:5',
    build: (f, c) => {
      const cpu = c.cpu;
      if (f.ftype === f.opc || f.ftype === 2 || f.opc === 2) return null;
      // Half precision conversions are Armv8.0 (not FEAT_FP16).
      const n = f.ftype === 0 ? 32 : f.ftype === 1 ? 64 : 16;
      const m = f.opc === 0 ? 32 : f.opc === 1 ? 64 : 16;
      const u = cpu.u;
      const { rd, rn } = f;
      return () => {
        if (!cpu.fpEnabled) checkFpAccess(cpu);
        fpFlags.v = 0;
        setF(cpu, m, rd, fpConvert(n, getF(cpu, n, rn), m, u[FPCR]));
        u[FPSR] |= fpFlags.v;
      };
    },
  },
];
void bitLen;
