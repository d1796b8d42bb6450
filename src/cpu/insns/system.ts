// Exception generation and system instructions (Arm ARM C4.1.87 "Branches, Exception
// Generating and System instructions"): SVC/HVC/SMC/BRK/HLT, hints, barriers, CLREX,
// MSR (immediate), SYS (cache and TLB maintenance), MRS/MSR (register).

import { pcPlus, type DecodeCtx, type Op, type Row } from '../decoder.js';
import type { Cpu } from '../cpu.js';
import { EC, ISS_CV_COND_AL, debugToEl2 } from '../exception.js';
import { Slot } from '../state.js';
import { big, halves, rz, setBig, wz } from '../alu.js';
import { findSysreg, Flag, sysregByName, type SysregRow } from '../../sysregs/table.js';
import { e2hOn, e2hTge, el0Sctlr, HCR_IGNORED_IN_HOST } from '../../sysregs/vhe.js';
import { esbOperation } from '../../sysregs/ras.js';
import { wfiWakeup } from '../interrupts.js';
import { trapCheck, type TrapCheck } from '../../sysregs/traps.js';
import { el2Enabled } from '../../sysregs/access.js';
import { checkFpAccess } from '../fptrap.js';
import { ACCESS_OK, ACCESS_UNDEF } from '../../sysregs/row.js';
import { HcrEl2, ScrEl3 } from '../../sysregs/bits.js';

const PC = Slot.PC * 2;
// Low words of HCR_EL2 and SCR_EL3 (their bits: sysregs/bits.ts).
const HCR_EL2 = Slot.HCR_EL2 * 2;
const SCR_EL3 = Slot.SCR_EL3 * 2;

/** Bit `bit` (< 32) of the SCTLR holding the EL0 trap controls (SCTLR_EL1; SCTLR_EL2 at EL0 in host, vhe.ts). */
export const sctlrEl1Bit = (cpu: Cpu, bit: number): number => (cpu.r[el0Sctlr(cpu)] >>> bit) & 1;

/** ISS of a trapped MSR/MRS/System instruction, EC 0x18 (Arm ARM D17.2.37). */
function sysregTrapIss(op0: number, op1: number, crn: number, crm: number, op2: number, rt: number, read: boolean): number {
  return (op0 << 20) | (op2 << 17) | (op1 << 14) | (crn << 10) | (rt << 5) | (crm << 1) | (read ? 1 : 0);
}

/**
 * Checks an MRS/MSR against the row's access level (UNDEFINED below it) and, at EL0, the
 * row's trap condition (trapped to EL1 with EC 0x18). `idTrap`: FEAT_IDST, a read of the
 * ID space that would be UNDEFINED takes EC 0x18 instead (Arm ARM D17.2, FEAT_IDST).
 */
function checkAccess(cpu: Cpu, row: SysregRow, minEl: number, iss: number, idTrap: boolean): void {
  if (cpu.el < minEl) {
    if (idTrap) cpu.raise(EC.SYSREG, iss, 0, 1);
    cpu.undef();
  }
  // ISS bit 0 is the direction: 1 for a read (MRS).
  if (cpu.el === 0 && row.el0Trap && !row.el0Trap(cpu, (iss & 1) === 1)) cpu.raise(EC.SYSREG, iss, 0, 1);
}

/** A row's hcrTrap bits as a mask of HCR_EL2's low word (0: no trap, decided at decode time). */
function hcrMask(bits: bigint | undefined): number {
  if (bits === undefined) return 0;
  if (bits >> 32n !== 0n) throw new Error('hcrTrap: only HCR_EL2 bits [31:0] are supported');
  return Number(bits) | 0;
}

/**
 * The HCR_EL2 trap of an EL0/EL1 access (after checkAccess): EC 0x18 to EL2, returning to
 * the instruction, when one of `mask`'s bits is set and EL2Enabled() (Arm ARM D17.2.48).
 */
function checkHcr(cpu: Cpu, mask: number, iss: number): void {
  const bits = cpu.r[HCR_EL2] & mask;
  if (cpu.el < 2 && bits !== 0 && el2Enabled(cpu)) {
    // FEAT_VHE: at EL0 in host these traps behave as 0.
    if (cpu.el === 0 && (bits & ~HCR_IGNORED_IN_HOST) === 0 && e2hTge(cpu)) return;
    cpu.raise(EC.SYSREG, iss, 0, 2);
  }
}

/** A row's accessTrap outcome (row.ts): trap to EL 1-3 with EC 0x18, or UNDEFINED. */
function checkTrap(cpu: Cpu, accessTrap: (cpu: Cpu, read: boolean) => number, iss: number, read: boolean): void {
  const t = accessTrap(cpu, read);
  if (t === ACCESS_OK) return;
  if (t === ACCESS_UNDEF) cpu.undef();
  cpu.raise(EC.SYSREG, iss, 0, t);
}

/**
 * A row's trap group as a check (null: none, decided at decode time), run after checkHcr.
 * The FP group's trap is EC 0x07 with its own ISS (fptrap.ts).
 */
function groupCheck(row: SysregRow): TrapCheck | null {
  if (row.group === undefined) return null;
  return row.group === 'fp' ? checkFpAccess : trapCheck(row.group);
}

/**
 * HCR_EL2.TIDCP (Arm ARM D17.2.48): EL1 accesses to the IMPLEMENTATION DEFINED encodings (SYS
 * and MRS/MSR S3_<op1>_C11/C15_<Cm>_<op2>) trap to EL2 when EL2Enabled(), before anything
 * else, whether or not the encoding has a row (as QEMU from 8.0; 7.2 has no TIDCP). EL0
 * accesses stay UNDEFINED, which the Arm ARM allows without FEAT_TIDCP1. Wraps the
 * executor (null: UNDEFINED) of an encoding in that space when the model has EL2.
 */
function withTidcp(cpu: Cpu, crn: number, iss: number, op: Op | null): Op | null {
  if ((crn !== 11 && crn !== 15) || !cpu.model.features.EL2) return op;
  const r = cpu.r;
  const inner = op ?? (() => cpu.undef());
  return () => {
    if (cpu.el === 1 && (r[HCR_EL2] & HcrEl2.TIDCP) !== 0 && el2Enabled(cpu)) cpu.raise(EC.SYSREG, iss, 0, 2);
    inner();
  };
}

/** The ID register space of FEAT_IDST: op0 3, op1 0/1/3, CRn 0, CRm 0-7. */
const inIdSpace = (op0: number, op1: number, crn: number, crm: number): boolean =>
  op0 === 3 && (op1 === 0 || op1 === 1 || op1 === 3) && crn === 0 && crm < 8;

/**
 * The row's access checks in the architectural order (row.ts): the UNDEFINED and EL0 checks,
 * HCR_EL2, the trap group, then accessTrap; each present only if the row has it.
 */
function accessChecks(cpu: Cpu, row: SysregRow, minEl: number, iss: number, read: boolean, idTrap: boolean): () => void {
  const hcr = hcrMask(read ? row.hcrTrap?.read : row.hcrTrap?.write);
  const group = groupCheck(row);
  const trap = row.accessTrap ?? null;
  return () => {
    checkAccess(cpu, row, minEl, iss, idTrap);
    if (hcr !== 0) checkHcr(cpu, hcr, iss);
    if (group !== null) group(cpu, iss);
    if (trap !== null) checkTrap(cpu, trap, iss, read);
  };
}

/** How an MRS reads `row` into Xt (slot t), chosen at decode time. */
function loadOf(c: DecodeCtx, row: SysregRow, t: number): () => void {
  const { cpu, index } = c;
  const r = cpu.r;
  // CONST rows with a `get` (MIDR_EL1, MPIDR_EL1: virtualized at EL1) read through it.
  if (row.constValue !== undefined && row.get === undefined) {
    const [vl, vh] = halves(row.constValue);
    return () => {
      r[t] = vl;
      r[t + 1] = vh;
    };
  }
  if (row.slot !== undefined) {
    const s = row.slot * 2;
    return () => {
      r[t] = r[s];
      r[t + 1] = r[s + 1];
    };
  }
  if (row.get32) {
    const get32 = row.get32;
    return () => {
      r[t] = get32(cpu);
      r[t + 1] = 0;
    };
  }
  if (row.get) {
    const get = row.get;
    return () => setBig(r, t, get(cpu, index));
  }
  return () => {};
}

/** How an MSR writes Xt (slot t) to `row`, chosen at decode time. */
function storeOf(c: DecodeCtx, row: SysregRow, t: number): () => void {
  const { cpu, index } = c;
  const r = cpu.r;
  // CONST rows that allow writes ignore them (QEMU's ARM_CP_CONST).
  if (row.slot !== undefined && (row.flags & Flag.CONST) === 0) {
    const s = row.slot * 2;
    const [keepLo, keepHi] = halves(row.res0 === undefined ? -1n : ~row.res0);
    const [oneLo, oneHi] = halves(row.res1 ?? 0n);
    return () => {
      r[s] = (r[t] & keepLo) | oneLo;
      r[s + 1] = (r[t + 1] & keepHi) | oneHi;
    };
  }
  if (row.set32) {
    const set32 = row.set32;
    return () => set32(cpu, r[t]);
  }
  if (row.set) {
    const set = row.set;
    return () => set(cpu, big(r, t), index);
  }
  return () => {};
}

/**
 * FEAT_VHE (sysregs/vhe.ts): the row an access reaches at EL2 with HCR_EL2.E2H = 1 (and at
 * EL0 with {E2H,TGE} = {1,1} for the timers), and the condition, or null (decided here).
 */
function vheTarget(cpu: Cpu, row: SysregRow): [SysregRow, () => boolean] | null {
  const v = row.vheRedirect;
  if (v === undefined || !cpu.model.features.VHE) return null;
  const to = sysregByName(cpu.model, v.to);
  if (to === undefined) return null;
  const when = v.el0 ? () => (cpu.el === 2 && e2hOn(cpu)) || (cpu.el === 0 && e2hTge(cpu)) : () => cpu.el === 2 && e2hOn(cpu);
  return [to, when];
}

function mrs(c: DecodeCtx, row: SysregRow, t: number, iss: number, idTrap: boolean): Op {
  const r = c.cpu.r;
  const [nl, nh] = pcPlus(c, 4n);
  const check = accessChecks(c.cpu, row, row.access.read, iss, true, idTrap);
  let load = loadOf(c, row, t);
  const vhe = vheTarget(c.cpu, row);
  if (vhe !== null) {
    const [own, other, when] = [load, loadOf(c, vhe[0], t), vhe[1]];
    load = () => (when() ? other() : own());
  }
  return () => {
    check();
    load();
    r[PC] = nl;
    r[PC + 1] = nh;
  };
}

function msr(c: DecodeCtx, row: SysregRow, t: number, iss: number): Op {
  const cpu = c.cpu;
  const r = cpu.r;
  const [nl, nh] = pcPlus(c, 4n);
  // A register without write access (read-only): every MSR to it is UNDEFINED, first.
  if (row.access.write > 3) return () => cpu.undef();
  const check = accessChecks(cpu, row, row.access.write, iss, false, false);
  let store = storeOf(c, row, t);
  let context = row.context === true;
  const vhe = vheTarget(cpu, row);
  if (vhe !== null) {
    const [own, other, when] = [store, storeOf(c, vhe[0], t), vhe[1]];
    store = () => (when() ? other() : own());
    context ||= vhe[0].context === true;
  }
  return () => {
    check();
    store();
    if (context) cpu.contextChanged();
    r[PC] = nl;
    r[PC + 1] = nh;
  };
}

export const SYSTEM_ROWS: Row[] = [
  {
    // SVC, HVC, SMC (LL = 01, 10, 11)
    name: 'EXC_call',
    pattern: '11010100 000 imm16:16 000 LL:2',
    end: true,
    build: (f, c) => {
      const cpu = c.cpu;
      const imm = f.imm16;
      const r = cpu.r;
      const [nl, nh] = pcPlus(c, 4n);
      if (f.LL === 0) return null;
      if (f.LL === 1) return () => cpu.raise(EC.SVC64, imm, 4);
      const conduit = f.LL === 2 ? 'hvc' : 'smc';
      const feat = cpu.model.features;
      if (conduit === 'hvc') {
        // Arm ARM C6.2 HVC: UNDEFINED at EL0, without EL2, at Secure EL1, and when
        // SCR_EL3.HCE = 0 (with EL3) or HCR_EL2.HCD = 1 (without). QEMU 7.2 answers PSCI on
        // its conduit before any check but EL0's. Taken to EL2, or to EL3 when run there.
        return () => {
          if (cpu.el === 0) cpu.undef();
          if (cpu.platform.firmwareCall?.(cpu, conduit, imm)) {
            r[PC] = nl;
            r[PC + 1] = nh;
            return;
          }
          if (!feat.EL2 || (cpu.el === 1 && !el2Enabled(cpu))) cpu.undef();
          if (feat.EL3 ? (r[SCR_EL3] & ScrEl3.HCE) === 0 : (r[HCR_EL2] & HcrEl2.HCD) !== 0) cpu.undef();
          cpu.raise(EC.HVC64, imm, 4, cpu.el === 3 ? 3 : 2);
        };
      }
      // Arm ARM C6.2 SMC, AArch64.CheckForSMCUndefOrTrap: UNDEFINED at EL0; at EL1 with EL2
      // enabled, HCR_EL2.TSC traps it to EL2 (EC 0x17, returning to the SMC itself) before
      // anything else; UNDEFINED without EL3 or with SCR_EL3.SMD = 1; else taken to EL3. A PSCI
      // SMC conduit (QEMU's "ersatz EL3") is answered after the TSC trap, as QEMU 7.2 does.
      return () => {
        if (cpu.el === 0) cpu.undef();
        if (cpu.el === 1 && (r[HCR_EL2] & HcrEl2.TSC) !== 0 && el2Enabled(cpu)) cpu.raise(EC.SMC64, imm, 0, 2);
        if (cpu.platform.firmwareCall?.(cpu, conduit, imm)) {
          r[PC] = nl;
          r[PC + 1] = nh;
          return;
        }
        if (!feat.EL3 || (r[SCR_EL3] & ScrEl3.SMD) !== 0) cpu.undef();
        cpu.raise(EC.SMC64, imm, 4, 3);
      };
    },
  },
  {
    name: 'BRK',
    pattern: '11010100 001 imm16:16 000 00',
    end: true,
    build: (f, c) => {
      const cpu = c.cpu;
      const r = cpu.r;
      const imm = f.imm16;
      // AArch64.SoftwareBreakpoint: from EL0/EL1 to EL2 when EL2Enabled() and HCR_EL2.TGE or
      // MDCR_EL2.TDE is 1, else to EL1 (the current EL above EL1). QEMU 7.2 agrees (exc images).
      return () =>
        cpu.raise(
          EC.BRK64, imm, 0,
          cpu.el < 2 && debugToEl2(r) && el2Enabled(cpu) ? 2 : 0,
        );
    },
  },
  {
    // HLT: UNDEFINED unless it is the semihosting call (HLT #0xF000) and the board has it.
    name: 'HLT',
    pattern: '11010100 010 imm16:16 000 00',
    end: true,
    build: (f, c) => {
      const cpu = c.cpu;
      const r = cpu.r;
      const [nl, nh] = pcPlus(c, 4n);
      const index = c.index;
      if (f.imm16 !== 0xf000) return null;
      return () => {
        const semihost = cpu.platform.semihost;
        if (cpu.el === 0 || !semihost) return cpu.undef();
        // icount exact during the call (SYS_CLOCK/SYS_ELAPSED read it), whatever the block's start.
        cpu.icount += index;
        try {
          semihost.call(cpu.platform, cpu);
        } finally {
          cpu.icount -= index; // the run loop counts the block's instructions itself
        }
        r[PC] = nl;
        r[PC + 1] = nh;
      };
    },
  },
  {
    // WFE (op2 = 010), WFI (op2 = 011). One that would wait (WFI: no WFI wake-up event, i.e.
    // no interrupt pending, masked or not; WFE: Event Register clear) is checked for traps in
    // the order of the Arm ARM's WFE/WFI pseudocode (AArch64.CheckForWFxTrap): from EL0 to EL1
    // unless SCTLR_EL1.nTWI (bit 16) / nTWE (bit 18) is set; from EL0/EL1 to EL2 when
    // HCR_EL2.TWI/TWE is set and EL2Enabled(); from EL0-EL2 to EL3 when SCR_EL3.TWI/TWE is set.
    // EC 0x01, ISS CV = 1, COND = 0b1110, TI = 1 for WFE (Arm ARM D17.2.37), returning to the
    // instruction. A WFE that finds the Event Register set clears it and never traps.
    // Otherwise they complete at once (a WFI may complete for any reason; nothing else could
    // wake the PE). They end the block, so a pending interrupt is taken next.
    name: 'WFx',
    pattern: '1101010100 0 00 011 0010 0000 01 wfi:1 11111',
    end: true,
    build: (f, c) => {
      const cpu = c.cpu;
      const r = cpu.r;
      const [nl, nh] = pcPlus(c, 4n);
      const wfi = f.wfi === 1;
      const bit = wfi ? 16 : 18;
      const hcrBit = wfi ? HcrEl2.TWI : HcrEl2.TWE;
      const scrBit = wfi ? ScrEl3.TWI : ScrEl3.TWE;
      const iss = ISS_CV_COND_AL | (wfi ? 0 : 1);
      return () => {
        if (!wfi && cpu.event !== 0) {
          cpu.event = 0;
        } else if (!(wfi && wfiWakeup(cpu))) {
          const el = cpu.el;
          if (el === 0 && sctlrEl1Bit(cpu, bit) === 0) cpu.raise(EC.WFX, iss, 0, 1);
          if (el < 2 && (r[HCR_EL2] & hcrBit) !== 0 && el2Enabled(cpu) && !(el === 0 && e2hTge(cpu))) cpu.raise(EC.WFX, iss, 0, 2);
          if (el < 3 && (r[SCR_EL3] & scrBit) !== 0) cpu.raise(EC.WFX, iss, 0, 3);
        }
        r[PC] = nl;
        r[PC + 1] = nh;
      };
    },
  },
  {
    // SEV, SEVL: with one PE, both set the local Event Register.
    name: 'SEV',
    pattern: '1101010100 0 00 011 0010 0000 10 - 11111',
    build: (_f, c) => {
      const cpu = c.cpu;
      return () => void (cpu.event = 1);
    },
  },
  {
    // ESB (FEAT_RAS): defers pending masked SErrors (sysregs/ras.ts). Without FEAT_RAS a NOP.
    // It ends the block, so an unmasked SError is taken right after it.
    name: 'ESB',
    pattern: '1101010100 0 00 011 0010 0010 000 11111',
    end: true,
    build: (_f, c) => {
      const cpu = c.cpu;
      const r = cpu.r;
      const [nl, nh] = pcPlus(c, 4n);
      const ras = cpu.model.features.RAS;
      return () => {
        if (ras) esbOperation(cpu);
        r[PC] = nl;
        r[PC + 1] = nh;
      };
    },
  },
  {
    // Every other hint: NOP, YIELD, SEV, SEVL, and the PAC/BTI/CSDB hints execute as NOPs.
    name: 'HINT',
    pattern: '1101010100 0 00 011 0010 crm:4 op2:3 11111',
    build: (f, c) => {
      const cpu = c.cpu;
      // Planted defect (src/cpu/defects.ts): NOP takes an Undefined Instruction exception.
      if (cpu.defect === 'nop-undef' && f.crm === 0 && f.op2 === 0) return () => cpu.undef();
      return () => {};
    },
  },
  {
    name: 'CLREX',
    pattern: '1101010100 0 00 011 0011 crm:4 010 11111',
    build: (_f, c) => {
      const cpu = c.cpu;
      return () => void (cpu.exclValid = false);
    },
  },
  {
    // DSB, DMB, ISB: one PE and in-order execution, so nothing to wait for.
    name: 'BARRIER',
    pattern: '1101010100 0 00 011 0011 crm:4 1 op2:2 11111',
    build: (f) => (f.op2 === 3 ? null : () => {}),
  },
  {
    // MSR (immediate): SPSel, DAIFSet, DAIFClr, and PAN, UAO, SSBS, DIT with their features.
    name: 'MSR_imm',
    pattern: '1101010100 0 00 op1:3 0100 crm:4 op2:3 11111',
    end: true,
    build: (f, c) => {
      const cpu = c.cpu;
      const r = cpu.r;
      const [nl, nh] = pcPlus(c, 4n);
      const imm = f.crm;
      const iss = sysregTrapIss(0, f.op1, 4, f.crm, f.op2, 31, false);
      let op: () => void;
      if (f.op1 === 0 && f.op2 === 5) {
        op = () => {
          if (cpu.el === 0) cpu.undef();
          cpu.selectSp(cpu.el, imm & 1);
        };
      } else if (f.op1 === 3 && (f.op2 === 6 || f.op2 === 7)) {
        const set = f.op2 === 6;
        op = () => {
          // EL0 access depends on SCTLR_EL1.UMA, otherwise trapped to EL1 (Arm ARM C5.2.x).
          if (cpu.el === 0 && sctlrEl1Bit(cpu, 9) === 0) cpu.raise(EC.SYSREG, iss, 0, 1);
          cpu.daif = set ? cpu.daif | imm : cpu.daif & ~imm;
        };
      } else if (f.op1 === 0 && (f.op2 === 3 || f.op2 === 4)) {
        // UAO (op2 3), PAN (op2 4) ← CRm<0>: op1 0 fields, UNDEFINED at EL0 (Arm ARM C6.2,
        // MSR (immediate)). Both change how the MMU checks accesses: contextChanged.
        const feat = cpu.model.features;
        if (!(f.op2 === 3 ? feat.UAO : feat.PAN)) return null;
        const bit = imm & 1;
        op =
          f.op2 === 3
            ? () => {
                if (cpu.el === 0) cpu.undef();
                cpu.uao = bit;
                cpu.contextChanged();
              }
            : () => {
                if (cpu.el === 0) cpu.undef();
                cpu.pan = bit;
                cpu.contextChanged();
              };
      } else if (f.op1 === 3 && (f.op2 === 1 || f.op2 === 2)) {
        // SSBS (op2 1), DIT (op2 2) ← CRm<0>: op1 3 fields, allowed at EL0.
        const feat = cpu.model.features;
        if (!(f.op2 === 1 ? feat.SSBS : feat.DIT)) return null;
        const bit = imm & 1;
        op = f.op2 === 1 ? () => void (cpu.ssbs = bit) : () => void (cpu.dit = bit);
      } else {
        return null;
      }
      return () => {
        op();
        r[PC] = nl;
        r[PC + 1] = nh;
      };
    },
  },
  {
    // SYS (op0 = 1): the AT, DC, IC and TLBI operations, rows of the cpreg table
    // (sysregs/sysops.ts) looked up at decode time like MRS/MSR. An encoding without a row
    // is UNDEFINED; below the row's EL too; at EL0 the row's condition (SCTLR_EL1.UCI/DZE)
    // decides between executing and trapping to EL1 (EC 0x18).
    name: 'SYS',
    pattern: '1101010100 0 01 op1:3 crn:4 crm:4 op2:3 rt:5',
    end: true,
    build: (f, c) => {
      const cpu = c.cpu;
      const r = cpu.r;
      const [nl, nh] = pcPlus(c, 4n);
      const iss = sysregTrapIss(1, f.op1, f.crn, f.crm, f.op2, f.rt, false);
      const row = findSysreg(1, f.op1, f.crn, f.crm, f.op2, cpu.model);
      if (!row) return withTidcp(cpu, f.crn, iss, null);
      const op = row.op;
      const t = rz(f.rt);
      const check = accessChecks(cpu, row, row.access.write, iss, false, false);
      return withTidcp(cpu, f.crn, iss, () => {
        check();
        if (op) op(cpu, r[t], r[t + 1]);
        r[PC] = nl;
        r[PC + 1] = nh;
      });
    },
  },
  {
    // MRS and MSR (register), op0 = 2 or 3.
    name: 'MRS_MSR',
    pattern: '1101010100 L:1 1 o0:1 op1:3 crn:4 crm:4 op2:3 rt:5',
    end: true,
    build: (f, c) => {
      const op0 = 2 + f.o0;
      const cpu = c.cpu;
      const read = f.L === 1;
      const iss = sysregTrapIss(op0, f.op1, f.crn, f.crm, f.op2, f.rt, read);
      const idTrap = read && cpu.model.features.IDST && inIdSpace(op0, f.op1, f.crn, f.crm);
      // An encoding the model does not implement has no row: UNDEFINED, except that with
      // FEAT_IDST a read in the ID space that would be UNDEFINED takes EC 0x18 instead, at
      // any EL (as QEMU 7.2's gen_sysreg_undef).
      const row = findSysreg(op0, f.op1, f.crn, f.crm, f.op2, cpu.model);
      let op: Op | null;
      if (!row) op = idTrap ? () => cpu.raise(EC.SYSREG, iss, 0, 1) : null;
      else op = read ? mrs(c, row, wz(f.rt), iss, idTrap) : msr(c, row, rz(f.rt), iss);
      return op0 === 3 ? withTidcp(cpu, f.crn, iss, op) : op;
    },
  },
];
