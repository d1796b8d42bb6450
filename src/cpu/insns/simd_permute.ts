// Advanced SIMD permute, extract and table lookup (Arm ARM C4.1.95): UZP1/UZP2, TRN1/TRN2,
// ZIP1/ZIP2, EXT, TBL/TBX. All move whole elements, so they work on bytes: a source
// permutation of byte offsets into (Vn:Vm) or the table is fixed at decode time, the result
// is built in a scratch buffer (so Vd may be a source) and copied out; a 64-bit result
// clears bits [127:64].
import type { Row } from '../decoder.js';
import { fpOp, vregs } from './simd_lanes.js';

const tmp = new Uint8Array(16);

export const SIMD_PERMUTE_ROWS: Row[] = [
  {
    // opcode 001 UZP1, 010 TRN1, 011 ZIP1, 101 UZP2, 110 TRN2, 111 ZIP2
    name: 'PERMUTE',
    pattern: '0 q:1 001110 size:2 0 rm:5 0 opcode:3 10 rn:5 rd:5',
    build: (f, c) => {
      const op = f.opcode & 3;
      if (op === 0 || (f.size === 3 && f.q === 0)) return null;
      const part = f.opcode >> 2;
      const eb = 1 << f.size;
      const bytes = f.q ? 16 : 8;
      const elements = bytes / eb;
      const pairs = elements / 2;
      // src[i]: the byte of the result, as an offset into Vn (0..15) or Vm (16..31)
      const src = new Uint8Array(bytes);
      for (let e = 0; e < elements; e++) {
        let from: number; // element index into Vn (0..) or Vm (elements..) as operand Vn:Vm
        if (op === 1) from = 2 * e + part; // UZP: concatenation Vm:Vn, element 2e + part
        else if (op === 2) from = (e & 1 ? elements : 0) + (e & ~1) + part; // TRN
        else from = (e & 1 ? elements : 0) + part * pairs + (e >> 1); // ZIP
        const reg = from >= elements ? 16 : 0;
        const idx = from % elements;
        for (let k = 0; k < eb; k++) src[e * eb + k] = reg + idx * eb + k;
      }
      const v = vregs(c.cpu).b;
      const n = f.rn * 16;
      const m = f.rm * 16;
      const d = f.rd * 16;
      return fpOp(c.cpu, () => {
        for (let i = 0; i < bytes; i++) {
          const s = src[i];
          tmp[i] = s < 16 ? v[n + s] : v[m + s - 16];
        }
        for (let i = 0; i < bytes; i++) v[d + i] = tmp[i];
        for (let i = bytes; i < 16; i++) v[d + i] = 0;
      });
    },
  },
  {
    // EXT: Vd = (Vm:Vn) >> (8 * imm4), datasize bytes
    name: 'EXT',
    pattern: '0 q:1 101110 00 0 rm:5 0 imm4:4 0 rn:5 rd:5',
    build: (f, c) => {
      if (f.q === 0 && f.imm4 >= 8) return null;
      const bytes = f.q ? 16 : 8;
      const pos = f.imm4;
      const v = vregs(c.cpu).b;
      const n = f.rn * 16;
      const m = f.rm * 16;
      const d = f.rd * 16;
      return fpOp(c.cpu, () => {
        for (let i = 0; i < bytes; i++) {
          const s = pos + i;
          tmp[i] = s < bytes ? v[n + s] : v[m + s - bytes];
        }
        for (let i = 0; i < bytes; i++) v[d + i] = tmp[i];
        for (let i = bytes; i < 16; i++) v[d + i] = 0;
      });
    },
  },
  {
    // TBL (op 0) / TBX (op 1) with len + 1 table registers Vn, Vn+1, ... (mod 32)
    name: 'TBL_TBX',
    pattern: '0 q:1 001110 00 0 rm:5 0 len:2 op:1 00 rn:5 rd:5',
    build: (f, c) => {
      const bytes = f.q ? 16 : 8;
      const regs = f.len + 1;
      const limit = 16 * regs;
      const tbx = f.op === 1;
      const v = vregs(c.cpu).b;
      const rn = f.rn;
      const m = f.rm * 16;
      const d = f.rd * 16;
      return fpOp(c.cpu, () => {
        for (let i = 0; i < bytes; i++) {
          const idx = v[m + i];
          tmp[i] = idx < limit ? v[((rn + (idx >> 4)) & 31) * 16 + (idx & 15)] : tbx ? v[d + i] : 0;
        }
        for (let i = 0; i < bytes; i++) v[d + i] = tmp[i];
        for (let i = bytes; i < 16; i++) v[d + i] = 0;
      });
    },
  },
];
