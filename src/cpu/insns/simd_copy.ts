// Advanced SIMD copy and scalar copy (Arm ARM C4.1.95, "Advanced SIMD copy", "Advanced SIMD
// scalar copy"): DUP (element, general, scalar), INS (element, general), UMOV, SMOV.
// The element size is the lowest set bit of imm5; imm5<3:0> = 0000 is unallocated.
import type { Row } from '../decoder.js';
import { rz, wz } from '../alu.js';
import { fpOp, vregs } from './simd_lanes.js';

/** LowestSetBit(imm5<3:0>), or -1. */
const sizeOf = (imm5: number): number => ((imm5 & 1) ? 0 : (imm5 & 2) ? 1 : (imm5 & 4) ? 2 : (imm5 & 8) ? 3 : -1);

export const SIMD_COPY_ROWS: Row[] = [
  {
    // DUP (element): Vd.T = Vn.Ts[index] replicated
    name: 'DUP_elem',
    pattern: '0 q:1 0 01110000 imm5:5 0 0000 1 rn:5 rd:5',
    build: (f, c) => {
      const size = sizeOf(f.imm5);
      if (size < 0 || (size === 3 && f.q === 0)) return null;
      const v = vregs(c.cpu).b;
      const eb = 1 << size;
      const src = f.rn * 16 + (f.imm5 >> (size + 1)) * eb;
      const d = f.rd * 16;
      const n = f.q ? 16 : 8;
      return fpOp(c.cpu, () => {
        let lo = 0;
        let hi = 0;
        for (let k = 0; k < eb && k < 4; k++) lo |= v[src + k] << (8 * k);
        for (let k = 4; k < eb; k++) hi |= v[src + k] << (8 * (k - 4));
        for (let i = 0; i < n; i += eb) {
          for (let k = 0; k < eb; k++) v[d + i + k] = k < 4 ? lo >>> (8 * k) : hi >>> (8 * (k - 4));
        }
        for (let i = n; i < 16; i++) v[d + i] = 0;
      });
    },
  },
  {
    // DUP (general): Vd.T = R<n> replicated
    name: 'DUP_gen',
    pattern: '0 q:1 0 01110000 imm5:5 0 0001 1 rn:5 rd:5',
    build: (f, c) => {
      const size = sizeOf(f.imm5);
      if (size < 0 || (size === 3 && f.q === 0)) return null;
      const w = vregs(c.cpu).i;
      const r = c.cpu.r;
      const n = rz(f.rn);
      const d = f.rd * 4;
      const q = f.q;
      return fpOp(c.cpu, () => {
        let lo = r[n];
        let hi: number;
        if (size === 3) hi = r[n + 1];
        else {
          if (size === 0) lo = (lo & 0xff) * 0x01010101;
          else if (size === 1) lo = (lo & 0xffff) * 0x10001;
          hi = lo;
        }
        w[d] = lo;
        w[d + 1] = hi;
        w[d + 2] = q ? lo : 0;
        w[d + 3] = q ? hi : 0;
      });
    },
  },
  {
    // SMOV (0101) and UMOV (0111): Rd = sign-/zero-extended Vn.Ts[index]
    name: 'SMOV_UMOV',
    pattern: '0 q:1 0 01110000 imm5:5 0 01 u:1 1 1 rn:5 rd:5',
    build: (f, c) => {
      const size = sizeOf(f.imm5);
      if (size < 0) return null;
      if (f.u === 1 ? (f.q === 1 ? size !== 3 : size === 3) : f.q === 1 ? size > 2 : size > 1) return null;
      const V = vregs(c.cpu);
      const r = c.cpu.r;
      const d = wz(f.rd);
      const index = f.imm5 >> (size + 1);
      const x = f.q === 1;
      if (f.u === 1) {
        const w = V.i;
        if (size === 3) {
          const s = f.rn * 4 + 2 * index;
          return fpOp(c.cpu, () => {
            r[d] = w[s];
            r[d + 1] = w[s + 1];
          });
        }
        const view = size === 0 ? V.b : size === 1 ? V.h : V.i;
        const s = f.rn * (16 >> size) + index;
        return fpOp(c.cpu, () => {
          r[d] = view[s];
          r[d + 1] = 0;
        });
      }
      const view = size === 0 ? V.sb : size === 1 ? V.sh : V.i;
      const s = f.rn * (16 >> size) + index;
      return fpOp(c.cpu, () => {
        const e = view[s];
        r[d] = e;
        r[d + 1] = x ? e >> 31 : 0;
      });
    },
  },
  {
    // INS (general): Vd.Ts[index] = R<n>
    name: 'INS_gen',
    pattern: '0 1 0 01110000 imm5:5 0 0011 1 rn:5 rd:5',
    build: (f, c) => {
      const size = sizeOf(f.imm5);
      if (size < 0) return null;
      const V = vregs(c.cpu);
      const r = c.cpu.r;
      const n = rz(f.rn);
      const index = f.imm5 >> (size + 1);
      if (size === 3) {
        const w = V.i;
        const d = f.rd * 4 + 2 * index;
        return fpOp(c.cpu, () => {
          w[d] = r[n];
          w[d + 1] = r[n + 1];
        });
      }
      const view = size === 0 ? V.b : size === 1 ? V.h : V.i;
      const d = f.rd * (16 >> size) + index;
      return fpOp(c.cpu, () => {
        view[d] = r[n];
      });
    },
  },
  {
    // INS (element): Vd.Ts[index1] = Vn.Ts[index2]
    name: 'INS_elem',
    pattern: '0 1 1 01110000 imm5:5 0 imm4:4 1 rn:5 rd:5',
    build: (f, c) => {
      const size = sizeOf(f.imm5);
      if (size < 0) return null;
      const w = vregs(c.cpu).b;
      const eb = 1 << size;
      const d = f.rd * 16 + (f.imm5 >> (size + 1)) * eb;
      const s = f.rn * 16 + (f.imm4 >> size) * eb;
      return fpOp(c.cpu, () => {
        for (let k = 0; k < eb; k++) w[d + k] = w[s + k];
      });
    },
  },
  {
    // DUP (element), scalar: Vd (one element, the rest cleared) = Vn.Ts[index]
    name: 'DUP_scalar',
    pattern: '01 0 11110000 imm5:5 0 0000 1 rn:5 rd:5',
    build: (f, c) => {
      const size = sizeOf(f.imm5);
      if (size < 0) return null;
      const w = vregs(c.cpu).b;
      const eb = 1 << size;
      const d = f.rd * 16;
      const s = f.rn * 16 + (f.imm5 >> (size + 1)) * eb;
      return fpOp(c.cpu, () => {
        for (let k = 0; k < eb; k++) w[d + k] = w[s + k];
        for (let k = eb; k < 16; k++) w[d + k] = 0;
      });
    },
  },
];
