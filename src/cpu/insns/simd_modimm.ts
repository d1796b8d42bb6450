// Advanced SIMD modified immediate (Arm ARM C4.1.95): MOVI, MVNI, ORR (vector, immediate),
// BIC (vector, immediate), FMOV (vector, immediate) single and double precision. The 64-bit
// immediate is AdvSIMDExpandImm(op, cmode, imm8) (Arm ARM shared pseudocode), computed at
// decode time as two 32-bit halves. FMOV (vector, immediate) half precision (o2 = 1) needs
// FEAT_FP16.
import type { Row } from '../decoder.js';
import { fpOp, vregs } from './simd_lanes.js';

/** AdvSIMDExpandImm(op, cmode, imm8) as [low word, high word]. */
export function advSimdExpandImm(op: number, cmode: number, imm8: number): [number, number] {
  let w: number;
  switch (cmode >> 1) {
    case 0:
      w = imm8;
      break;
    case 1:
      w = imm8 << 8;
      break;
    case 2:
      w = imm8 << 16;
      break;
    case 3:
      w = imm8 << 24;
      break;
    case 4:
      w = imm8 * 0x10001;
      break;
    case 5:
      w = (imm8 << 8) * 0x10001;
      break;
    case 6:
      w = cmode & 1 ? (imm8 << 16) | 0xffff : (imm8 << 8) | 0xff;
      break;
    default:
      if ((cmode & 1) === 0) {
        if (op === 0) {
          w = imm8 * 0x01010101;
          break;
        }
        let lo = 0;
        let hi = 0;
        for (let i = 0; i < 4; i++) if ((imm8 >> i) & 1) lo |= 0xff << (8 * i);
        for (let i = 0; i < 4; i++) if ((imm8 >> (i + 4)) & 1) hi |= 0xff << (8 * i);
        return [lo | 0, hi | 0];
      }
      {
        const a = (imm8 >> 7) & 1;
        const b = (imm8 >> 6) & 1;
        if (op === 0) {
          // imm8<7>:NOT(imm8<6>):Replicate(imm8<6>,5):imm8<5:0>:Zeros(19)
          w = (a << 31) | ((b ^ 1) << 30) | ((b ? 0x1f : 0) << 25) | ((imm8 & 0x3f) << 19);
          break;
        }
        // imm8<7>:NOT(imm8<6>):Replicate(imm8<6>,8):imm8<5:0>:Zeros(48)
        const hi = (a << 31) | ((b ^ 1) << 30) | ((b ? 0xff : 0) << 22) | ((imm8 & 0x3f) << 16);
        return [0, hi | 0];
      }
  }
  return [w | 0, w | 0];
}

export const SIMD_MODIMM_ROWS: Row[] = [
  {
    name: 'MOD_IMM',
    pattern: '0 q:1 op:1 0111100000 immh:3 cmode:4 o2:1 1 imml:5 rd:5',
    build: (f, c) => {
      const { q, op, cmode } = f;
      if (f.o2 !== 0) {
        // FMOV (vector, immediate), half precision (FEAT_FP16): op = 0, cmode = 1111
        if (op !== 0 || cmode !== 15 || !c.cpu.model.features.FP16) return null;
        const imm8 = (f.immh << 5) | f.imml;
        const b6 = (imm8 >> 6) & 1;
        // imm8<7>:NOT(imm8<6>):Replicate(imm8<6>,2):imm8<5:0>:Zeros(6)
        const h = ((imm8 >> 7) << 15) | ((b6 ^ 1) << 14) | ((b6 ? 3 : 0) << 12) | ((imm8 & 0x3f) << 6);
        const x = h | (h << 16);
        const w = vregs(c.cpu).i;
        const d = f.rd * 4;
        return fpOp(c.cpu, () => {
          w[d] = x;
          w[d + 1] = x;
          w[d + 2] = q ? x : 0;
          w[d + 3] = q ? x : 0;
        });
      }
      if (cmode === 15 && op === 1 && q === 0) return null;
      const [lo, hi] = advSimdExpandImm(op, cmode, (f.immh << 5) | f.imml);
      const w = vregs(c.cpu).i;
      const d = f.rd * 4;
      // ORR/BIC: cmode 0xx1 and 10x1; MOVI/MVNI/FMOV otherwise. MVNI/BIC: op = 1 with cmode < 1110.
      const logical = cmode < 12 && (cmode & 1) === 1;
      const invert = op === 1 && cmode < 14;
      const a = invert ? ~lo : lo;
      const b = invert ? ~hi : hi;
      if (!logical) {
        return fpOp(c.cpu, () => {
          w[d] = a;
          w[d + 1] = b;
          w[d + 2] = q ? a : 0;
          w[d + 3] = q ? b : 0;
        });
      }
      if (op === 0) {
        return fpOp(c.cpu, () => {
          w[d] |= a;
          w[d + 1] |= b;
          if (q) {
            w[d + 2] |= a;
            w[d + 3] |= b;
          } else w[d + 2] = w[d + 3] = 0;
        });
      }
      return fpOp(c.cpu, () => {
        w[d] &= a;
        w[d + 1] &= b;
        if (q) {
          w[d + 2] &= a;
          w[d + 3] &= b;
        } else w[d + 2] = w[d + 3] = 0;
      });
    },
  },
];
