// System instructions (SYS, op0 = 1) as NO_RAW rows of the cpreg table: cache maintenance
// (IC, DC), address translation (AT) and TLB maintenance (TLBI). Encodings: Arm ARM C5.3-C5.5,
// "A64 system instructions for cache maintenance / address translation / TLB maintenance".
// The Armv8.0 operations, FEAT_PAN2's AT S1E1RP/WP on models with FEAT_PAN, and on max the
// TLBI forms of FEAT_TLBIOS and FEAT_TLBIRANGE (ID_AA64ISAR0_EL1.TLB = 2, as QEMU 7.2). No
// DC CVAP (ID_AA64ISAR1_EL1.DPB = 0), no MTE (no DC GVA/GZVA).
//
// a64emu models no caches, so the cache operations complete as NOPs; TLBI removes its scope
// from the TLB (tlbi.ts) and drops the decoded blocks; AT translates and writes PAR_EL1 (at.ts). `access.write` is the lowest EL that may execute the operation (below it:
// UNDEFINED); `access.read` is 4 because SYSL with these encodings is UNDEFINED. Names are the
// Arm ARM's with `_` for the space (QEMU's cpreg names), so `a64emu regs` keeps one word per column.

import type { Cpu } from '../cpu/cpu.js';
import { FSC } from '../cpu/exception.js';
import { Flag, Hcr, type Access, type RowSpec } from './row.js';
import { atOp, type AtKind } from './at.js';
import { el0Sctlr } from './vhe.js';
import { tlbiOp, type TlbiBy, type TlbiTarget } from './tlbi.js';

const SYS_EL0: Access = { read: 4, write: 0 };
const SYS_EL1: Access = { read: 4, write: 1 };
const SYS_EL2: Access = { read: 4, write: 2 };
const SYS_EL3: Access = { read: 4, write: 3 };

/**
 * SCTLR_EL1.UCI (bit 26): EL0 may execute cache maintenance by VA (else EC 0x18 to EL1);
 * SCTLR_EL2's at EL0 in host (FEAT_VHE), trapping to EL2.
 */
const uci = (cpu: Cpu): boolean => ((cpu.r[el0Sctlr(cpu)] >>> 26) & 1) !== 0;
/** SCTLR_EL1.DZE (bit 14): EL0 may execute DC ZVA (else EC 0x18 to EL1); SCTLR_EL2's in host. */
const dze = (cpu: Cpu): boolean => ((cpu.r[el0Sctlr(cpu)] >>> 14) & 1) !== 0;

/**
 * DC ZVA: zeroes the naturally aligned block of DCZID_EL0.BS = 4 (64 bytes). On Device
 * memory (everything, with stage 1 off) it is an Alignment fault (Arm ARM C5.3, DC ZVA).
 */
function dcZva(cpu: Cpu, lo: number, hi: number): void {
  cpu.mem.zeroBlock(lo, hi, 64);
}

/** HCR_EL2 traps of system instructions (SYS: `write`). */
const TPU = { write: Hcr.TPU } as const;
const TPC = { write: Hcr.TPC } as const;
const TSW = { write: Hcr.TSW } as const;
const TTLB = { write: Hcr.TTLB } as const;

const sys = (name: string, op1: number, crn: number, crm: number, op2: number, access: Access, extra: Partial<RowSpec> = {}): RowSpec => ({
  name, op0: 1, op1, crn, crm, op2, access, flags: Flag.NO_RAW, ...extra,
});

const at = (name: string, op1: number, op2: number, access: Access, kind: AtKind, feature?: 'EL2' | 'EL3' | 'PAN', crm = 8): RowSpec =>
  sys(name, op1, 7, crm, op2, access, { op: atOp(kind, (op2 & 1) === 1), ...(feature ? { feature } : {}) });

type TlbiFeature = 'TLBIOS' | 'TLBIRANGE';
/** The EL that may execute a TLBI by its op1 (0: EL1, 4: EL2, 6: EL3) and the feature it needs. */
const TLBI_LEVEL: Record<number, [Access, 'EL2' | 'EL3' | undefined]> = { 0: [SYS_EL1, undefined], 4: [SYS_EL2, 'EL2'], 6: [SYS_EL3, 'EL3'] };

/**
 * A TLBI row (CRn = 8); HCR_EL2.TTLB traps the EL1 ones to EL2, the OS and range forms too
 * (D17.2.48; HCR_EL2.TTLBIS/TTLBOS are FEAT_EVT, which QEMU 7.2's max lacks: ID_AA64MMFR2_EL1.EVT = 0).
 */
function tl(name: string, op1: number, crm: number, op2: number, target: TlbiTarget, by: TlbiBy, feat?: TlbiFeature): RowSpec {
  const [access, el] = TLBI_LEVEL[op1];
  // The EL2/EL3 forms need that EL, the OS and range forms their feature too.
  const needs: Partial<RowSpec> =
    el === undefined ? (feat === undefined ? {} : { feature: feat }) : { feature: el, ...(feat === undefined ? {} : { features: [feat] }) };
  return sys(name, op1, 8, crm, op2, access, { op: tlbiOp(target, by), ...needs, ...(el === undefined ? { hcrTrap: TTLB } : {}) });
}
/** An operation's IS (CRm 3), local (CRm 7) and, with FEAT_TLBIOS, OS (CRm 1) forms. */
const forms = (name: string, op1: number, op2: number, target: TlbiTarget, by: TlbiBy): RowSpec[] => [
  tl(`TLBI_${name}IS`, op1, 3, op2, target, by),
  tl(`TLBI_${name}`, op1, 7, op2, target, by),
  tl(`TLBI_${name}OS`, op1, 1, op2, target, by, 'TLBIOS'),
];
/** A range operation's IS (CRm 2), OS (CRm 5) and local (CRm 6) forms (FEAT_TLBIRANGE). */
const range = (name: string, op1: number, op2: number, target: TlbiTarget, by: TlbiBy): RowSpec[] => [
  tl(`TLBI_${name}IS`, op1, 2, op2, target, by, 'TLBIRANGE'),
  tl(`TLBI_${name}OS`, op1, 5, op2, target, by, 'TLBIRANGE'),
  tl(`TLBI_${name}`, op1, 6, op2, target, by, 'TLBIRANGE'),
];
const e1 = (name: string, by: TlbiBy, op2: number) => forms(name, 0, op2, 'E1', by);
const e1Range = (name: string, by: TlbiBy, op2: number) => range(name, 0, op2, 'E1', by);
const el2 = (name: string, op2: number, target: TlbiTarget, by: TlbiBy) => forms(name, 4, op2, target, by);
const el3 = (name: string, op2: number, by: TlbiBy) => forms(name, 6, op2, 'E3', by);

/**
 * The EL2 operations on the EL1&0 regime that EL3 executes on a model without EL2 (as stage 1
 * only, or as no-ops: Arm ARM, their pseudocode at EL3 with !EL2Enabled()); QEMU 7.2 runs
 * them there too (v8_cp_reginfo, EL2 access). The other EL2 rows do not exist without EL2.
 */
export const EL3_WITHOUT_EL2 = new Set([
  'AT_S12E1R', 'AT_S12E1W', 'AT_S12E0R', 'AT_S12E0W',
  ...['IPAS2E1', 'IPAS2LE1', 'ALLE1', 'VMALLS12E1', 'RIPAS2E1', 'RIPAS2LE1'].flatMap((op) => ['', 'IS', 'OS'].map((f) => `TLBI_${op}${f}`)),
]);

export const SYSOP_ROWS: readonly RowSpec[] = [
  // ---- cache maintenance (C5.3, "A64 Cache maintenance instructions") ----
  // HCR_EL2 traps them to EL2 (after the EL0 checks): TPU the PoU operations, TPC
  // (TPCP) the PoC ones, TSW set/way (Arm ARM D17.2.48).
  sys('IC_IALLUIS', 0, 7, 1, 0, SYS_EL1, { hcrTrap: TPU }),
  sys('IC_IALLU', 0, 7, 5, 0, SYS_EL1, { hcrTrap: TPU }),
  sys('IC_IVAU', 3, 7, 5, 1, SYS_EL0, { el0Trap: uci, hcrTrap: TPU }),
  // DC IVAC can discard data, so EL0 never has it.
  sys('DC_IVAC', 0, 7, 6, 1, SYS_EL1, { hcrTrap: TPC }),
  sys('DC_ISW', 0, 7, 6, 2, SYS_EL1, { hcrTrap: TSW }),
  sys('DC_CSW', 0, 7, 10, 2, SYS_EL1, { hcrTrap: TSW }),
  sys('DC_CISW', 0, 7, 14, 2, SYS_EL1, { hcrTrap: TSW }),
  // HCR_EL2.TDZ traps DC ZVA from EL0 (after DZE) and EL1 to EL2.
  sys('DC_ZVA', 3, 7, 4, 1, SYS_EL0, { el0Trap: dze, op: dcZva, hcrTrap: { write: Hcr.TDZ } }),
  sys('DC_CVAC', 3, 7, 10, 1, SYS_EL0, { el0Trap: uci, hcrTrap: TPC }),
  sys('DC_CVAU', 3, 7, 11, 1, SYS_EL0, { el0Trap: uci, hcrTrap: TPU }),
  sys('DC_CIVAC', 3, 7, 14, 1, SYS_EL0, { el0Trap: uci, hcrTrap: TPC }),

  // ---- address translation (C5.3, "A64 Address translation instructions") ----
  at('AT_S1E1R', 0, 0, SYS_EL1, 'S1E1'),
  at('AT_S1E1W', 0, 1, SYS_EL1, 'S1E1'),
  at('AT_S1E0R', 0, 2, SYS_EL1, 'S1E0'),
  at('AT_S1E0W', 0, 3, SYS_EL1, 'S1E0'),
  // FEAT_PAN2: AT S1E1R/W that also check PSTATE.PAN.
  at('AT_S1E1RP', 0, 0, SYS_EL1, 'S1E1P', 'PAN', 9),
  at('AT_S1E1WP', 0, 1, SYS_EL1, 'S1E1P', 'PAN', 9),
  at('AT_S1E2R', 4, 0, SYS_EL2, 'S1E2', 'EL2'),
  at('AT_S1E2W', 4, 1, SYS_EL2, 'S1E2', 'EL2'),
  at('AT_S12E1R', 4, 4, SYS_EL2, 'S12E1', 'EL2'),
  at('AT_S12E1W', 4, 5, SYS_EL2, 'S12E1', 'EL2'),
  at('AT_S12E0R', 4, 6, SYS_EL2, 'S12E0', 'EL2'),
  at('AT_S12E0W', 4, 7, SYS_EL2, 'S12E0', 'EL2'),
  at('AT_S1E3R', 6, 0, SYS_EL3, 'S1E3', 'EL3'),
  at('AT_S1E3W', 6, 1, SYS_EL3, 'S1E3', 'EL3'),

  // ---- TLB maintenance (C5.5, "A64 System instructions for TLB maintenance"; scopes: tlbi.ts) ----
  // Armv8.0: Inner Shareable then local.
  ...e1('VMALLE1', 'all', 0), ...e1('VAE1', 'va', 1), ...e1('ASIDE1', 'asid', 2), ...e1('VAAE1', 'vaa', 3),
  ...e1('VALE1', 'va', 5), ...e1('VAALE1', 'vaa', 7),
  ...e1Range('RVAE1', 'rva', 1), ...e1Range('RVAAE1', 'rvaa', 3), ...e1Range('RVALE1', 'rva', 5), ...e1Range('RVAALE1', 'rvaa', 7),
  // EL2 operations (op1 = 4). The IPA forms: IS CRm 0, local CRm 4 (OS op2 0/4, range op2 2/6, range OS 3/7).
  tl('TLBI_IPAS2E1IS', 4, 0, 1, 'S12', 'ipa'),
  tl('TLBI_IPAS2LE1IS', 4, 0, 5, 'S12', 'ipa'),
  tl('TLBI_RIPAS2E1IS', 4, 0, 2, 'S12', 'ripa', 'TLBIRANGE'),
  tl('TLBI_RIPAS2LE1IS', 4, 0, 6, 'S12', 'ripa', 'TLBIRANGE'),
  tl('TLBI_IPAS2E1', 4, 4, 1, 'S12', 'ipa'),
  tl('TLBI_IPAS2LE1', 4, 4, 5, 'S12', 'ipa'),
  tl('TLBI_RIPAS2E1', 4, 4, 2, 'S12', 'ripa', 'TLBIRANGE'),
  tl('TLBI_RIPAS2LE1', 4, 4, 6, 'S12', 'ripa', 'TLBIRANGE'),
  tl('TLBI_IPAS2E1OS', 4, 4, 0, 'S12', 'ipa', 'TLBIOS'),
  tl('TLBI_IPAS2LE1OS', 4, 4, 4, 'S12', 'ipa', 'TLBIOS'),
  tl('TLBI_RIPAS2E1OS', 4, 4, 3, 'S12', 'ripa', 'TLBIRANGE'),
  tl('TLBI_RIPAS2LE1OS', 4, 4, 7, 'S12', 'ripa', 'TLBIRANGE'),
  ...el2('ALLE2', 0, 'E2', 'all'), ...el2('VAE2', 1, 'E2', 'va'), ...el2('ALLE1', 4, 'ALL1', 'all'),
  ...el2('VALE2', 5, 'E2', 'va'), ...el2('VMALLS12E1', 6, 'S12', 'all'),
  ...range('RVAE2', 4, 1, 'E2', 'rva'), ...range('RVALE2', 4, 5, 'E2', 'rva'),
  // EL3 operations (op1 = 6).
  ...el3('ALLE3', 0, 'all'), ...el3('VAE3', 1, 'va'), ...el3('VALE3', 5, 'va'),
  ...range('RVAE3', 6, 1, 'E3', 'rva'), ...range('RVALE3', 6, 5, 'E3', 'rva'),
];
