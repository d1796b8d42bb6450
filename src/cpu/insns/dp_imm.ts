// Data processing -- immediate (Arm ARM C4.1.86): PC-relative addressing, add/subtract,
// logical, move wide, bitfield, extract.

import { pcOf, pcPlus, type Row } from '../decoder.js';
import { addWithCarry32, addWithCarry64, decodeBitMasks, halves, rsp, rz, shift64, ShiftType, TMP0, wsp, wz } from '../alu.js';

/** SignExtend(v<bits-1:0>) as a BigInt. */
const sext = (v: number, bits: number): bigint => BigInt.asIntN(bits, BigInt(v));

export const DP_IMM_ROWS: Row[] = [
  {
    name: 'ADR',
    pattern: '0 immlo:2 10000 immhi:19 rd:5',
    build: (f, c) => {
      const [l, h] = pcPlus(c, sext((f.immhi << 2) | f.immlo, 21));
      const r = c.cpu.r;
      const d = wz(f.rd);
      return () => {
        r[d] = l;
        r[d + 1] = h;
      };
    },
  },
  {
    name: 'ADRP',
    pattern: '1 immlo:2 10000 immhi:19 rd:5',
    build: (f, c) => {
      const [l, h] = halves(BigInt.asUintN(64, (pcOf(c) & ~0xfffn) + (sext((f.immhi << 2) | f.immlo, 21) << 12n)));
      const r = c.cpu.r;
      const d = wz(f.rd);
      return () => {
        r[d] = l;
        r[d + 1] = h;
      };
    },
  },
  {
    // ADD, ADDS, SUB, SUBS (immediate); CMP/CMN/MOV (to/from SP) are aliases.
    name: 'ADDSUB_imm',
    pattern: 'sf:1 op:1 S:1 100010 sh:1 imm12:12 rn:5 rd:5',
    build: (f, c) => {
      const cpu = c.cpu;
      const r = cpu.r;
      const imm = f.sh ? f.imm12 << 12 : f.imm12;
      const n = rsp(f.rn);
      const d = f.S ? wz(f.rd) : wsp(f.rd);
      const flags = f.S === 1;
      if (f.sf) {
        if (f.op === 0 && !flags) {
          if (cpu.defect === 'add-imm' && f.rd !== 31 && f.rn !== 31) {
            return () => {
              const s = (r[n] >>> 0) + imm;
              const h = r[n + 1];
              r[d] = s ^ 1;
              r[d + 1] = s > 0xffffffff ? h + 1 : h;
            };
          }
          return () => {
            const s = (r[n] >>> 0) + imm;
            const h = r[n + 1];
            r[d] = s;
            r[d + 1] = s > 0xffffffff ? h + 1 : h;
          };
        }
        if (f.op === 0) return () => addWithCarry64(cpu, d, r[n], r[n + 1], imm, 0, 0, true);
        const nimm = ~imm;
        return () => addWithCarry64(cpu, d, r[n], r[n + 1], nimm, -1, 1, flags);
      }
      if (f.op === 0) return () => addWithCarry32(cpu, d, r[n], imm, 0, flags);
      const nimm = ~imm;
      return () => addWithCarry32(cpu, d, r[n], nimm, 1, flags);
    },
  },
  {
    // AND, ORR, EOR, ANDS (immediate); MOV (bitmask immediate) and TST are aliases.
    name: 'LOGICAL_imm',
    pattern: 'sf:1 opc:2 100100 N:1 immr:6 imms:6 rn:5 rd:5',
    build: (f, c) => {
      if (!f.sf && f.N) return null;
      const datasize = f.sf ? 64 : 32;
      const m = decodeBitMasks(f.N, f.imms, f.immr, true, datasize);
      if (!m) return null;
      const [ml, mh] = halves(m.wmask);
      // A W-register result has a zero high word; keep = 0 clears the high half of Rn.
      const keep = f.sf ? -1 : 0;
      const cpu = c.cpu;
      const r = cpu.r;
      const n = rz(f.rn);
      const d = f.opc === 3 ? wz(f.rd) : wsp(f.rd);
      switch (f.opc) {
        case 0:
          return () => {
            r[d] = r[n] & ml;
            r[d + 1] = r[n + 1] & mh;
          };
        case 1:
          return () => {
            r[d] = r[n] | ml;
            r[d + 1] = (r[n + 1] & keep) | mh;
          };
        case 2:
          return () => {
            r[d] = r[n] ^ ml;
            r[d + 1] = (r[n + 1] & keep) ^ mh;
          };
        default:
          return () => {
            const l = r[n] & ml;
            const h = r[n + 1] & mh;
            r[d] = l;
            r[d + 1] = h;
            cpu.n = (f.sf ? h : l) >>> 31;
            cpu.z = (l | h) === 0 ? 1 : 0;
            cpu.c = 0;
            cpu.v = 0;
          };
      }
    },
  },
  {
    // MOVN, MOVZ, MOVK; MOV (wide immediate) is an alias.
    name: 'MOVE_WIDE',
    pattern: 'sf:1 opc:2 100101 hw:2 imm16:16 rd:5',
    build: (f, c) => {
      if (f.opc === 1 || (!f.sf && f.hw >= 2)) return null;
      const r = c.cpu.r;
      const d = wz(f.rd);
      const pos = f.hw * 16;
      if (f.opc === 3) {
        // MOVK: replace one 16-bit field
        const i = d + (pos >>> 5);
        const sh = pos & 31;
        const keep = ~(0xffff << sh);
        const ins = f.imm16 << sh;
        if (f.sf) return () => void (r[i] = (r[i] & keep) | ins);
        return () => {
          r[d] = (r[d] & keep) | ins;
          r[d + 1] = 0;
        };
      }
      let v = BigInt(f.imm16) << BigInt(pos);
      if (f.opc === 0) v = ~v;
      if (!f.sf) v &= 0xffffffffn;
      const [l, h] = halves(BigInt.asUintN(64, v));
      return () => {
        r[d] = l;
        r[d + 1] = h;
      };
    },
  },
  {
    // SBFM, BFM, UBFM and their aliases (ASR, LSL, LSR, SBFX, UBFX, BFI, BFXIL, SXT*, UXT*).
    name: 'BITFIELD',
    pattern: 'sf:1 opc:2 100110 N:1 immr:6 imms:6 rn:5 rd:5',
    build: (f, c) => {
      if (f.opc === 3) return null;
      if (f.sf !== f.N) return null;
      if (!f.sf && (f.immr >= 32 || f.imms >= 32)) return null;
      const datasize = f.sf ? 64 : 32;
      const m = decodeBitMasks(f.N, f.imms, f.immr, false, datasize);
      if (!m) return null;
      const r = c.cpu.r;
      const n = rz(f.rn);
      const d = wz(f.rd);
      const R = f.immr;
      const S = f.imms;
      const top = datasize - 1;
      const signed = f.opc === 0;
      const inzero = f.opc !== 1;
      // Shifts, the hottest aliases, go straight to the shifter.
      if (f.opc !== 1 && S === top) {
        const type = signed ? ShiftType.ASR : ShiftType.LSR;
        if (f.sf) return () => shift64(r, d, n, type, R);
        if (signed) return () => void ((r[d] = r[n] >> R), (r[d + 1] = 0));
        return () => void ((r[d] = r[n] >>> R), (r[d + 1] = 0));
      }
      if (f.opc === 2 && S + 1 === R) {
        const sh = top - S;
        if (f.sf) return () => shift64(r, d, n, ShiftType.LSL, sh);
        return () => void ((r[d] = r[n] << sh), (r[d + 1] = 0));
      }
      const [wl, wh] = halves(m.wmask);
      const [tl, th] = halves(m.tmask);
      if (f.sf) {
        const sWord = S >>> 5;
        const sBit = S & 31;
        return () => {
          const dl = inzero ? 0 : r[d];
          const dh = inzero ? 0 : r[d + 1];
          const sign = signed ? -((r[n + sWord] >>> sBit) & 1) : 0;
          shift64(r, TMP0, n, ShiftType.ROR, R);
          const bl = (dl & ~wl) | (r[TMP0] & wl);
          const bh = (dh & ~wh) | (r[TMP0 + 1] & wh);
          const topL = signed ? sign : dl;
          const topH = signed ? sign : dh;
          r[d] = (topL & ~tl) | (bl & tl);
          r[d + 1] = (topH & ~th) | (bh & th);
        };
      }
      return () => {
        const dv = inzero ? 0 : r[d];
        const src = r[n];
        const rot = R === 0 ? src : (src >>> R) | (src << (32 - R));
        const bot = (dv & ~wl) | (rot & wl);
        const t = signed ? -((src >>> S) & 1) : dv;
        r[d] = (t & ~tl) | (bot & tl);
        r[d + 1] = 0;
      };
    },
  },
  {
    // EXTR; ROR (immediate) is the alias with Rn == Rm.
    name: 'EXTR',
    pattern: 'sf:1 00 100111 N:1 0 rm:5 imms:6 rn:5 rd:5',
    build: (f, c) => {
      if (f.sf !== f.N) return null;
      if (!f.sf && f.imms >= 32) return null;
      const r = c.cpu.r;
      const n = rz(f.rn);
      const m = rz(f.rm);
      const d = wz(f.rd);
      const lsb = f.imms;
      if (!f.sf) {
        if (lsb === 0) return () => void ((r[d] = r[m]), (r[d + 1] = 0));
        return () => void ((r[d] = (r[m] >>> lsb) | (r[n] << (32 - lsb))), (r[d + 1] = 0));
      }
      if (lsb === 0) return () => void ((r[d] = r[m]), (r[d + 1] = r[m + 1]));
      if (lsb < 32) {
        return () => {
          const l = (r[m] >>> lsb) | (r[m + 1] << (32 - lsb));
          r[d + 1] = (r[m + 1] >>> lsb) | (r[n] << (32 - lsb));
          r[d] = l;
        };
      }
      if (lsb === 32) {
        return () => {
          const l = r[m + 1];
          r[d + 1] = r[n];
          r[d] = l;
        };
      }
      const a = lsb - 32;
      return () => {
        const l = (r[m + 1] >>> a) | (r[n] << (32 - a));
        r[d + 1] = (r[n] >>> a) | (r[n + 1] << (32 - a));
        r[d] = l;
      };
    },
  },
];
