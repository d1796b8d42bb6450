// Advanced SIMD across lanes and scalar pairwise, integer (Arm ARM C4.1.95): SADDLV/UADDLV,
// SMAXV/UMAXV, SMINV/UMINV, ADDV, and ADDP (scalar). The FP reductions (FMAXNMV, FADDP
// scalar, ...) are the vector FP group's. The result is a scalar: the rest of Vd is cleared.
import type { Cpu } from '../cpu.js';
import type { Op, Row } from '../decoder.js';
import { fpOp, vregs } from './simd_lanes.js';
import { view } from './simd_elem.js';
import { buildAcross } from './simd_fp.js';

function across(cpu: Cpu, q: number, u: number, size: number, opcode: number, rd: number, rn: number): Op | null {
  if (size === 3 || (size === 2 && q === 0)) return null;
  const key = (u << 5) | opcode;
  const kind = opcode === 0b00011 ? 0 : opcode === 0b01010 ? 1 : opcode === 0b11010 ? 2 : key === 0b011011 ? 3 : -1;
  if (kind < 0) return null;
  const V = vregs(cpu);
  const src = view(V, size, u === 0);
  const count = (q ? 16 : 8) >> size;
  const n = rn * (16 >> size);
  const w = V.i;
  const d = rd * 4;
  const esize = 8 << size;
  const long = kind === 0;
  return fpOp(cpu, () => {
    let acc = src[n];
    for (let e = 1; e < count; e++) {
      const x = src[n + e];
      if (kind === 1) acc = x > acc ? x : acc;
      else if (kind === 2) acc = x < acc ? x : acc;
      else acc += x;
    }
    // acc is exact: at most 16 * 2^32
    let lo: number;
    let hi = 0;
    if (long && size === 2) {
      lo = acc | 0;
      hi = Math.floor(acc / 4294967296) | 0;
    } else {
      const bits = long ? 2 * esize : esize;
      lo = bits === 32 ? acc | 0 : acc & (2 ** bits - 1);
    }
    w[d] = lo;
    w[d + 1] = hi;
    w[d + 2] = 0;
    w[d + 3] = 0;
  });
}

export const SIMD_ACROSS_ROWS: Row[] = [
  {
    name: 'ACROSS',
    pattern: '0 q:1 u:1 01110 size:2 11000 opcode:5 10 rn:5 rd:5',
    build: (f, c) => across(c.cpu, f.q, f.u, f.size, f.opcode, f.rd, f.rn) ?? buildAcross(c.cpu, f.q, f.u, f.size, f.opcode, f.rd, f.rn),
  },
  {
    // ADDP (scalar): Dd = Vn.D[0] + Vn.D[1]
    name: 'ADDP_scalar',
    pattern: '01 0 11110 11 11000 11011 10 rn:5 rd:5',
    build: (f, c) => {
      const w = vregs(c.cpu).i;
      const n = f.rn * 4;
      const d = f.rd * 4;
      return fpOp(c.cpu, () => {
        const l = (w[n] >>> 0) + (w[n + 2] >>> 0);
        const h = (w[n + 1] + w[n + 3] + (l > 0xffffffff ? 1 : 0)) | 0;
        w[d] = l | 0;
        w[d + 1] = h;
        w[d + 2] = 0;
        w[d + 3] = 0;
      });
    },
  },
];
