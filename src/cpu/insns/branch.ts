// Branches (Arm ARM C4.1.87): conditional branch, unconditional branch (immediate and
// register), compare and branch, test and branch, ERET. Every row ends a block and sets
// the PC itself.

import { pcPlus, type DecodeCtx, type Row } from '../decoder.js';
import { conditionHolds, rz } from '../alu.js';
import { Slot } from '../state.js';

const PC = Slot.PC * 2;
const LR = 30 * 2;

/** The target pc + SignExtend(imm:'00') as int32 halves, and the next instruction's address. */
function targets(c: DecodeCtx, imm: number, bits: number): { tl: number; th: number; nl: number; nh: number } {
  const [tl, th] = pcPlus(c, BigInt.asIntN(bits + 2, BigInt(imm) << 2n));
  const [nl, nh] = pcPlus(c, 4n);
  return { tl, th, nl, nh };
}

export const BRANCH_ROWS: Row[] = [
  {
    name: 'B_cond',
    pattern: '0101010 0 imm19:19 0 cond:4',
    end: true,
    build: (f, c) => {
      const cpu = c.cpu;
      const r = cpu.r;
      const { tl, th, nl, nh } = targets(c, f.imm19, 19);
      const cond = f.cond;
      return () => {
        if (conditionHolds(cpu, cond)) {
          r[PC] = tl;
          r[PC + 1] = th;
        } else {
          r[PC] = nl;
          r[PC + 1] = nh;
        }
      };
    },
  },
  {
    name: 'B',
    pattern: '0 00101 imm26:26',
    end: true,
    build: (f, c) => {
      const r = c.cpu.r;
      const { tl, th } = targets(c, f.imm26, 26);
      return () => {
        r[PC] = tl;
        r[PC + 1] = th;
      };
    },
  },
  {
    name: 'BL',
    pattern: '1 00101 imm26:26',
    end: true,
    build: (f, c) => {
      const r = c.cpu.r;
      const { tl, th, nl, nh } = targets(c, f.imm26, 26);
      return () => {
        r[LR] = nl;
        r[LR + 1] = nh;
        r[PC] = tl;
        r[PC + 1] = th;
      };
    },
  },
  {
    // CBZ, CBNZ
    name: 'CB',
    pattern: 'sf:1 011010 op:1 imm19:19 rt:5',
    end: true,
    build: (f, c) => {
      const r = c.cpu.r;
      const { tl, th, nl, nh } = targets(c, f.imm19, 19);
      const t = rz(f.rt);
      const nz = f.op === 1;
      const sf = f.sf === 1;
      return () => {
        const zero = sf ? (r[t] | r[t + 1]) === 0 : r[t] === 0;
        if (zero !== nz) {
          r[PC] = tl;
          r[PC + 1] = th;
        } else {
          r[PC] = nl;
          r[PC + 1] = nh;
        }
      };
    },
  },
  {
    // TBZ, TBNZ
    name: 'TB',
    pattern: 'b5:1 011011 op:1 b40:5 imm14:14 rt:5',
    end: true,
    build: (f, c) => {
      const r = c.cpu.r;
      const { tl, th, nl, nh } = targets(c, f.imm14, 14);
      const bit = (f.b5 << 5) | f.b40;
      const i = rz(f.rt) + (bit >>> 5);
      const sh = bit & 31;
      const want = f.op;
      return () => {
        if (((r[i] >>> sh) & 1) === want) {
          r[PC] = tl;
          r[PC + 1] = th;
        } else {
          r[PC] = nl;
          r[PC + 1] = nh;
        }
      };
    },
  },
  {
    // BR, BLR, RET (opc 00, 01, 10); the pointer-authenticating forms are not in Armv8.0.
    name: 'B_reg',
    pattern: '1101011 0 0 opc:2 11111 000000 rn:5 00000',
    end: true,
    build: (f, c) => {
      if (f.opc === 3) return null;
      const r = c.cpu.r;
      const n = rz(f.rn);
      if (f.opc === 1) {
        const [nl, nh] = pcPlus(c, 4n);
        return () => {
          const tl = r[n];
          const th = r[n + 1];
          r[LR] = nl;
          r[LR + 1] = nh;
          r[PC] = tl;
          r[PC + 1] = th;
        };
      }
      return () => {
        r[PC] = r[n];
        r[PC + 1] = r[n + 1];
      };
    },
  },
  {
    name: 'ERET',
    pattern: '1101011 0 100 11111 000000 11111 00000',
    end: true,
    build: (_f, c) => {
      const cpu = c.cpu;
      const index = c.index;
      return () => {
        if (cpu.el === 0) cpu.undef();
        cpu.eret(cpu.icount + index + 1);
      };
    },
  },
];
