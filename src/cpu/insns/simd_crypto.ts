// The cryptographic extension (Arm ARM C4.1.95: "Cryptographic AES", "Cryptographic three-
// register SHA", "Cryptographic two-register SHA", "Cryptographic three-register SHA512",
// "Cryptographic two-register SHA512", "Cryptographic four-register", XAR):
// AESE/AESD/AESMC/AESIMC (FEAT_AES), SHA1C/P/M/H/SU0/SU1 (FEAT_SHA1), SHA256H/H2/SU0/SU1
// (FEAT_SHA256), SHA512H/H2/SU0/SU1 (FEAT_SHA512), EOR3/BCAX/RAX1/XAR (FEAT_SHA3). Each
// follows its C7.2 pseudocode; the SHA-512 forms work on 32-bit halves.
import type { Cpu } from '../cpu.js';
import type { Op, Row } from '../decoder.js';
import { fpOp, vregs } from './simd_lanes.js';
import { aesDecRound, aesEncRound, aesMix } from '../../crypto/aes.js';

const ror = (x: number, s: number): number => (x >>> s) | (x << (32 - s));
const rol = (x: number, s: number): number => (x << s) | (x >>> (32 - s));
const choose = (x: number, y: number, z: number): number => ((y ^ z) & x) ^ z;
const parity = (x: number, y: number, z: number): number => x ^ y ^ z;
const majority = (x: number, y: number, z: number): number => (x & y) | ((x | y) & z);
const X = new Int32Array(4);
const Y = new Int32Array(4);
const W = new Int32Array(4);

function aes(cpu: Cpu, opcode: number, rd: number, rn: number): Op | null {
  const b = vregs(cpu).b;
  const d = rd * 16;
  const n = rn * 16;
  switch (opcode) {
    case 0b00100:
    case 0b00101: {
      const dec = opcode === 0b00101;
      return fpOp(cpu, () => {
        for (let i = 0; i < 16; i++) b[d + i] ^= b[n + i];
        if (dec) aesDecRound(b, d);
        else aesEncRound(b, d);
      });
    }
    case 0b00110:
    case 0b00111: {
      const inv = opcode === 0b00111;
      return fpOp(cpu, () => aesMix(b, n, b, d, inv));
    }
    default:
      return null;
  }
}

/** SHA1C/P/M (op 0..2) and SHA256H/H2 (op 4, 5): the hash updates. */
function shaHash(cpu: Cpu, op: number, rd: number, rn: number, rm: number): Op {
  const w = vregs(cpu).i;
  const d = rd * 4;
  const n = rn * 4;
  const m = rm * 4;
  if (op <= 2) {
    const f = op === 0 ? choose : op === 1 ? parity : majority;
    return fpOp(cpu, () => {
      for (let k = 0; k < 4; k++) {
        X[k] = w[d + k];
        W[k] = w[m + k];
      }
      let y = w[n];
      for (let e = 0; e < 4; e++) {
        const t = f(X[1], X[2], X[3]);
        y = (y + rol(X[0], 5) + t + W[e]) | 0;
        X[1] = rol(X[1], 30);
        // <Y, X> = ROL(Y:X, 32)
        const top = X[3];
        X[3] = X[2];
        X[2] = X[1];
        X[1] = X[0];
        X[0] = y;
        y = top;
      }
      for (let k = 0; k < 4; k++) w[d + k] = X[k];
    });
  }
  const part1 = op === 4;
  return fpOp(cpu, () => {
    // SHA256H: hash(X = Vd, Y = Vn); SHA256H2: hash(X = Vn, Y = Vd)
    for (let k = 0; k < 4; k++) {
      X[k] = part1 ? w[d + k] : w[n + k];
      Y[k] = part1 ? w[n + k] : w[d + k];
      W[k] = w[m + k];
    }
    for (let e = 0; e < 4; e++) {
      const chs = choose(Y[0], Y[1], Y[2]);
      const maj = majority(X[0], X[1], X[2]);
      const t = (Y[3] + (ror(Y[0], 6) ^ ror(Y[0], 11) ^ ror(Y[0], 25)) + chs + W[e]) | 0;
      X[3] = (t + X[3]) | 0;
      Y[3] = (t + (ror(X[0], 2) ^ ror(X[0], 13) ^ ror(X[0], 22)) + maj) | 0;
      // <Y, X> = ROL(Y:X, 32)
      const y3 = Y[3];
      const x3 = X[3];
      X[3] = X[2];
      X[2] = X[1];
      X[1] = X[0];
      X[0] = y3;
      Y[3] = Y[2];
      Y[2] = Y[1];
      Y[1] = Y[0];
      Y[0] = x3;
    }
    for (let k = 0; k < 4; k++) w[d + k] = part1 ? X[k] : Y[k];
  });
}

function sha1su0(cpu: Cpu, rd: number, rn: number, rm: number): Op {
  const w = vregs(cpu).i;
  const d = rd * 4;
  const n = rn * 4;
  const m = rm * 4;
  return fpOp(cpu, () => {
    // (Vn<63:0> : Vd<127:64>) EOR Vd EOR Vm
    X[0] = w[d + 2] ^ w[d] ^ w[m];
    X[1] = w[d + 3] ^ w[d + 1] ^ w[m + 1];
    X[2] = w[n] ^ w[d + 2] ^ w[m + 2];
    X[3] = w[n + 1] ^ w[d + 3] ^ w[m + 3];
    for (let k = 0; k < 4; k++) w[d + k] = X[k];
  });
}

function sha256su1(cpu: Cpu, rd: number, rn: number, rm: number): Op {
  const w = vregs(cpu).i;
  const d = rd * 4;
  const n = rn * 4;
  const m = rm * 4;
  const s1 = (x: number): number => ror(x, 17) ^ ror(x, 19) ^ (x >>> 10);
  return fpOp(cpu, () => {
    // T0 = Vm<31:0> : Vn<127:32>, T1 = Vm<127:64>
    const t0 = [w[n + 1], w[n + 2], w[n + 3], w[m]];
    X[0] = (s1(w[m + 2]) + w[d] + t0[0]) | 0;
    X[1] = (s1(w[m + 3]) + w[d + 1] + t0[1]) | 0;
    X[2] = (s1(X[0]) + w[d + 2] + t0[2]) | 0;
    X[3] = (s1(X[1]) + w[d + 3] + t0[3]) | 0;
    for (let k = 0; k < 4; k++) w[d + k] = X[k];
  });
}

function sha2reg(cpu: Cpu, opcode: number, rd: number, rn: number): Op | null {
  const w = vregs(cpu).i;
  const d = rd * 4;
  const n = rn * 4;
  const f = cpu.model.features;
  switch (opcode) {
    case 0b00000: // SHA1H
      if (!f.SHA1) return null;
      return fpOp(cpu, () => {
        const v = rol(w[n], 30);
        w[d] = v;
        w[d + 1] = w[d + 2] = w[d + 3] = 0;
      });
    case 0b00001: // SHA1SU1
      if (!f.SHA1) return null;
      return fpOp(cpu, () => {
        // T = Vd EOR LSR(Vn, 32)
        const t0 = w[d] ^ w[n + 1];
        const t1 = w[d + 1] ^ w[n + 2];
        const t2 = w[d + 2] ^ w[n + 3];
        const t3 = w[d + 3];
        w[d] = rol(t0, 1);
        w[d + 1] = rol(t1, 1);
        w[d + 2] = rol(t2, 1);
        w[d + 3] = rol(t3, 1) ^ rol(t0, 2);
      });
    case 0b00010: // SHA256SU0
      if (!f.SHA256) return null;
      return fpOp(cpu, () => {
        // T = Vn<31:0> : Vd<127:32>
        X[0] = w[d + 1];
        X[1] = w[d + 2];
        X[2] = w[d + 3];
        X[3] = w[n];
        for (let e = 0; e < 4; e++) {
          const x = X[e];
          w[d + e] = ((ror(x, 7) ^ ror(x, 18) ^ (x >>> 3)) + w[d + e]) | 0;
        }
      });
    default:
      return null;
  }
}

// ---- SHA-512 and SHA-3 (64-bit lanes), on 32-bit halves (lo, hi) ----

/** Results of the helpers below: T[0] low word, T[1] high word. */
const T = new Int32Array(2);

/** The low (high) word of ROR(x, s), 0 < s < 64, s != 32. */
const rorLo = (lo: number, hi: number, s: number): number => (s < 32 ? (lo >>> s) | (hi << (32 - s)) : (hi >>> (s - 32)) | (lo << (64 - s)));
const rorHi = (lo: number, hi: number, s: number): number => (s < 32 ? (hi >>> s) | (lo << (32 - s)) : (lo >>> (s - 32)) | (hi << (64 - s)));

/** T = ROR(x, a) ^ ROR(x, b) ^ (shr ? x >> c (c < 32) : ROR(x, c)): the SHA-512 Σ and σ functions. */
function sig(lo: number, hi: number, a: number, b: number, c: number, shr: boolean): void {
  T[0] = rorLo(lo, hi, a) ^ rorLo(lo, hi, b) ^ (shr ? (lo >>> c) | (hi << (32 - c)) : rorLo(lo, hi, c));
  T[1] = rorHi(lo, hi, a) ^ rorHi(lo, hi, b) ^ (shr ? hi >>> c : rorHi(lo, hi, c));
}

/** T = a + b + c modulo 2^64. */
function add3(al: number, ah: number, bl: number, bh: number, cl: number, ch: number): void {
  const l = (al >>> 0) + (bl >>> 0) + (cl >>> 0);
  T[0] = l | 0;
  T[1] = (ah + bh + ch + Math.floor(l / 0x100000000)) | 0;
}

function sha512(cpu: Cpu, op: number, rd: number, rn: number, rm: number): Op {
  const w = vregs(cpu).i;
  const d = rd * 4;
  const n = rn * 4;
  const m = rm * 4;
  return fpOp(cpu, () => {
    const x0l = w[n], x0h = w[n + 1], x1l = w[n + 2], x1h = w[n + 3];
    const y0l = w[m], y0h = w[m + 1], y1l = w[m + 2], y1h = w[m + 3];
    const w0l = w[d], w0h = w[d + 1], w1l = w[d + 2], w1h = w[d + 3];
    let r0l: number, r0h: number, r1l: number, r1h: number;
    switch (op) {
      case 0: {
        // SHA512H: r1 = Ch(y1, x0, x1) + Σ1(y1) + w1; tmp = r1 + y0; r0 = Ch(tmp, y1, x0) + Σ1(tmp) + w0
        sig(y1l, y1h, 14, 18, 41, false);
        add3((y1l & x0l) ^ (~y1l & x1l), (y1h & x0h) ^ (~y1h & x1h), T[0], T[1], w1l, w1h);
        r1l = T[0];
        r1h = T[1];
        add3(r1l, r1h, y0l, y0h, 0, 0);
        const tl = T[0];
        const th = T[1];
        sig(tl, th, 14, 18, 41, false);
        add3((tl & y1l) ^ (~tl & x0l), (th & y1h) ^ (~th & x0h), T[0], T[1], w0l, w0h);
        r0l = T[0];
        r0h = T[1];
        break;
      }
      case 1: {
        // SHA512H2: r1 = Maj(x0, y1, y0) + Σ0(y0) + w1; r0 = Maj(r1, y0, y1) + Σ0(r1) + w0
        sig(y0l, y0h, 28, 34, 39, false);
        add3((x0l & y1l) ^ (x0l & y0l) ^ (y1l & y0l), (x0h & y1h) ^ (x0h & y0h) ^ (y1h & y0h), T[0], T[1], w1l, w1h);
        r1l = T[0];
        r1h = T[1];
        sig(r1l, r1h, 28, 34, 39, false);
        add3((r1l & y0l) ^ (r1l & y1l) ^ (y1l & y0l), (r1h & y0h) ^ (r1h & y1h) ^ (y1h & y0h), T[0], T[1], w0l, w0h);
        r0l = T[0];
        r0h = T[1];
        break;
      }
      case 2: {
        // SHA512SU1: r = w + σ1(x) + y per lane
        sig(x1l, x1h, 19, 61, 6, true);
        add3(w1l, w1h, T[0], T[1], y1l, y1h);
        r1l = T[0];
        r1h = T[1];
        sig(x0l, x0h, 19, 61, 6, true);
        add3(w0l, w0h, T[0], T[1], y0l, y0h);
        r0l = T[0];
        r0h = T[1];
        break;
      }
      case 3: {
        // RAX1: Vn EOR ROL(Vm, 1)
        r0l = x0l ^ rorLo(y0l, y0h, 63);
        r0h = x0h ^ rorHi(y0l, y0h, 63);
        r1l = x1l ^ rorLo(y1l, y1h, 63);
        r1h = x1h ^ rorHi(y1l, y1h, 63);
        break;
      }
      default: {
        // SHA512SU0: r0 = w0 + σ0(w1), r1 = w1 + σ0(x0)
        sig(w1l, w1h, 1, 8, 7, true);
        add3(w0l, w0h, T[0], T[1], 0, 0);
        r0l = T[0];
        r0h = T[1];
        sig(x0l, x0h, 1, 8, 7, true);
        add3(w1l, w1h, T[0], T[1], 0, 0);
        r1l = T[0];
        r1h = T[1];
      }
    }
    w[d] = r0l;
    w[d + 1] = r0h;
    w[d + 2] = r1l;
    w[d + 3] = r1h;
  });
}

export const SIMD_CRYPTO_ROWS: Row[] = [
  {
    name: 'CRYPTO_AES',
    pattern: '01001110 00 10100 opcode:5 10 rn:5 rd:5',
    build: (f, c) => (c.cpu.model.features.AES ? aes(c.cpu, f.opcode, f.rd, f.rn) : null),
  },
  {
    // 000 SHA1C, 001 SHA1P, 010 SHA1M, 011 SHA1SU0, 100 SHA256H, 101 SHA256H2, 110 SHA256SU1
    name: 'CRYPTO_SHA3REG',
    pattern: '01011110 00 0 rm:5 0 opcode:3 00 rn:5 rd:5',
    build: (f, c) => {
      const feat = c.cpu.model.features;
      if (f.opcode <= 3 && !feat.SHA1) return null;
      if (f.opcode >= 4 && !feat.SHA256) return null;
      if (f.opcode === 3) return sha1su0(c.cpu, f.rd, f.rn, f.rm);
      if (f.opcode === 6) return sha256su1(c.cpu, f.rd, f.rn, f.rm);
      if (f.opcode === 7) return null;
      return shaHash(c.cpu, f.opcode, f.rd, f.rn, f.rm);
    },
  },
  {
    name: 'CRYPTO_SHA2REG',
    pattern: '01011110 00 10100 opcode:5 10 rn:5 rd:5',
    build: (f, c) => sha2reg(c.cpu, f.opcode, f.rd, f.rn),
  },
  {
    // O = 0: 00 SHA512H, 01 SHA512H2, 10 SHA512SU1 (FEAT_SHA512), 11 RAX1 (FEAT_SHA3)
    name: 'CRYPTO_SHA512_3REG',
    pattern: '11001110011 rm:5 1 0 00 opcode:2 rn:5 rd:5',
    build: (f, c) => {
      const feat = c.cpu.model.features;
      if (f.opcode === 3 ? !feat.SHA3 : !feat.SHA512) return null;
      return sha512(c.cpu, f.opcode, f.rd, f.rn, f.rm);
    },
  },
  {
    name: 'SHA512SU0',
    pattern: '11001110110000001000 00 rn:5 rd:5',
    build: (f, c) => (c.cpu.model.features.SHA512 ? sha512(c.cpu, 4, f.rd, f.rn, 0) : null),
  },
  {
    // Op0 00 EOR3, 01 BCAX (FEAT_SHA3)
    name: 'CRYPTO_4REG',
    pattern: '110011100 op0:2 rm:5 0 ra:5 rn:5 rd:5',
    build: (f, c) => {
      if (!c.cpu.model.features.SHA3 || f.op0 > 1) return null;
      const w = vregs(c.cpu).i;
      const d = f.rd * 4;
      const n = f.rn * 4;
      const m = f.rm * 4;
      const a = f.ra * 4;
      if (f.op0 === 0) {
        return fpOp(c.cpu, () => {
          for (let k = 0; k < 4; k++) w[d + k] = w[n + k] ^ w[m + k] ^ w[a + k];
        });
      }
      return fpOp(c.cpu, () => {
        for (let k = 0; k < 4; k++) w[d + k] = w[n + k] ^ (w[m + k] & ~w[a + k]);
      });
    },
  },
  {
    // XAR Vd.2D, Vn.2D, Vm.2D, #imm6: ROR(Vn EOR Vm, imm6) per doubleword (FEAT_SHA3)
    name: 'XAR',
    pattern: '11001110100 rm:5 imm6:6 rn:5 rd:5',
    build: (f, c) => {
      if (!c.cpu.model.features.SHA3) return null;
      const w = vregs(c.cpu).i;
      const d = f.rd * 4;
      const n = f.rn * 4;
      const m = f.rm * 4;
      const s = f.imm6;
      return fpOp(c.cpu, () => {
        for (let k = 0; k < 4; k += 2) {
          const lo = w[n + k] ^ w[m + k];
          const hi = w[n + k + 1] ^ w[m + k + 1];
          let rl: number;
          let rh: number;
          if (s === 0) {
            rl = lo;
            rh = hi;
          } else if (s < 32) {
            rl = (lo >>> s) | (hi << (32 - s));
            rh = (hi >>> s) | (lo << (32 - s));
          } else if (s === 32) {
            rl = hi;
            rh = lo;
          } else {
            rl = (hi >>> (s - 32)) | (lo << (64 - s));
            rh = (lo >>> (s - 32)) | (hi << (64 - s));
          }
          w[d + k] = rl;
          w[d + k + 1] = rh;
        }
      });
    },
  },
];
