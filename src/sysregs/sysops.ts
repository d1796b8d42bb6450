// System instructions (SYS, op0 = 1) as NO_RAW rows of the cpreg table: cache maintenance
// (IC, DC), address translation (AT) and TLB maintenance (TLBI). Encodings: Arm ARM C5.3,
// "A64 system instructions for cache maintenance / address translation / TLB maintenance".
// Only the Armv8.0 operations: the models advertise none of the later ones
// (ID_AA64ISAR0_EL1.TLB = 0: no outer-shareable or range TLBI; ID_AA64ISAR1_EL1.DPB = 0: no
// DC CVAP; no MTE: no DC GVA/GZVA), except FEAT_PAN2's AT S1E1RP/WP on models with FEAT_PAN.
//
// a64emu models no caches, so the cache operations complete as NOPs; the TLB is the decoded
// block cache, so every TLBI drops it; AT reports the flat mapping of stage 1 being off.
// `access.write` is the lowest EL that may execute the operation (below it: UNDEFINED);
// `access.read` is 4 because SYSL with these encodings is UNDEFINED. Names are the Arm
// ARM's with `_` for the space (QEMU's cpreg names), so `a64emu regs` keeps one word per column.

import type { Cpu } from '../cpu/cpu.js';
import { FSC } from '../cpu/exception.js';
import { Slot } from '../cpu/state.js';
import { Flag, Hcr, type Access, type RowSpec } from './row.js';

const SYS_EL0: Access = { read: 4, write: 0 };
const SYS_EL1: Access = { read: 4, write: 1 };
const SYS_EL2: Access = { read: 4, write: 2 };
const SYS_EL3: Access = { read: 4, write: 3 };

/** SCTLR_EL1.UCI (bit 26): EL0 may execute cache maintenance by VA (else EC 0x18 to EL1). */
const uci = (cpu: Cpu): boolean => ((cpu.r[Slot.SCTLR_EL1 * 2] >>> 26) & 1) !== 0;
/** SCTLR_EL1.DZE (bit 14): EL0 may execute DC ZVA (else EC 0x18 to EL1). */
const dze = (cpu: Cpu): boolean => ((cpu.r[Slot.SCTLR_EL1 * 2] >>> 14) & 1) !== 0;

/**
 * DC ZVA: zeroes the naturally aligned block of DCZID_EL0.BS = 4 (64 bytes). On Device
 * memory (everything, with stage 1 off) it is an Alignment fault (Arm ARM C5.3, DC ZVA).
 */
function dcZva(cpu: Cpu, lo: number, hi: number): void {
  cpu.mem.zeroBlock(lo, hi, 64);
}

/** TLB maintenance: the decoded blocks are the only cached translations. */
const tlbi = (cpu: Cpu): void => void (cpu.flushBlocks = true);

/**
 * AT with stage 1 off (the only translation a64emu has yet): AArch64.TranslateAddressS1Off.
 * The top address bit is 55 when TCR_EL1.TBI0/TBI1 (bits 37/38, chosen by VA bit 55) is set
 * (AddrTop), else 63; any bit from PAMax up to it set is an Address size fault at level 0,
 * reported as PAR_EL1.F = 1, FST = 0b000000. Otherwise PA = VA with Device-nGnRnE
 * attributes: PAR_EL1.ATTR = 0x00, SH = 0b10 (Device is Outer Shareable,
 * PAREncodeShareability), NS = 1 for a Non-secure regime, 0 for a Secure one (the EL3 regime,
 * and EL1&0 with SCR_EL3.NS = 0: a Secure PA), F = 0. Bit 11 is RES1 in both forms.
 * QEMU 7.2 (do_ats_write) gives the same values, except SH (0b00).
 */
function atS1Off(tbiFromTcr: boolean, regime: 1 | 2 | 3) {
  return (cpu: Cpu, lo: number, hi: number): void => {
    const r = cpu.r;
    const p = Slot.PAR_EL1 * 2;
    let top = hi;
    if (tbiFromTcr) {
      const tcrHi = r[Slot.TCR_EL1 * 2 + 1];
      const tbi = (tcrHi >>> ((hi >>> 23) & 1 ? 6 : 5)) & 1; // TBI1 : TBI0
      if (tbi) top &= 0x00ffffff;
    }
    if ((top >>> 0) >= 2 ** (cpu.model.paBits - 32)) {
      r[p] = 0x801;
      r[p + 1] = 0;
      return;
    }
    const secure = regime === 3 || (regime === 1 && cpu.model.features.EL3 && (r[Slot.SCR_EL3 * 2] & 1) === 0);
    r[p] = ((lo & ~0xfff) | (secure ? 0x900 : 0xb00)) >>> 0;
    r[p + 1] = top & 0xfffff;
  };
}

/** HCR_EL2 traps of system instructions (SYS: `write`). */
const TPU = { write: Hcr.TPU } as const;
const TPC = { write: Hcr.TPC } as const;
const TSW = { write: Hcr.TSW } as const;
const TTLB = { write: Hcr.TTLB } as const;

const sys = (name: string, op1: number, crn: number, crm: number, op2: number, access: Access, extra: Partial<RowSpec> = {}): RowSpec => ({
  name, op0: 1, op1, crn, crm, op2, access, flags: Flag.NO_RAW, ...extra,
});

const at = (name: string, op1: number, op2: number, access: Access, feature?: 'EL2' | 'EL3' | 'PAN', crm = 8): RowSpec =>
  sys(name, op1, 7, crm, op2, access, { op: atS1Off(op1 === 0, op1 === 6 ? 3 : op1 === 4 && op2 < 4 ? 2 : 1), ...(feature ? { feature } : {}) });

/** TLBI; HCR_EL2.TTLB traps the EL1 ones to EL2. */
const tl = (name: string, op1: number, crm: number, op2: number, access: Access, feature?: 'EL2' | 'EL3'): RowSpec =>
  sys(name, op1, 8, crm, op2, access, { op: tlbi, ...(feature ? { feature } : { hcrTrap: TTLB }) });

/**
 * The EL2 operations on the EL1&0 regime that EL3 executes on a model without EL2 (as stage 1
 * only, or as no-ops: Arm ARM, their pseudocode at EL3 with !EL2Enabled()); QEMU 7.2 runs
 * them there too (v8_cp_reginfo, EL2 access). The other EL2 rows do not exist without EL2.
 */
export const EL3_WITHOUT_EL2 = new Set([
  'AT_S12E1R', 'AT_S12E1W', 'AT_S12E0R', 'AT_S12E0W', 'TLBI_IPAS2E1IS', 'TLBI_IPAS2LE1IS', 'TLBI_ALLE1IS',
  'TLBI_VMALLS12E1IS', 'TLBI_IPAS2E1', 'TLBI_IPAS2LE1', 'TLBI_ALLE1', 'TLBI_VMALLS12E1',
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
  at('AT_S1E1R', 0, 0, SYS_EL1),
  at('AT_S1E1W', 0, 1, SYS_EL1),
  at('AT_S1E0R', 0, 2, SYS_EL1),
  at('AT_S1E0W', 0, 3, SYS_EL1),
  // FEAT_PAN2: AT S1E1R/W that also check PSTATE.PAN. With stage 1 off there are no
  // permissions to check, so they report what AT S1E1R/W do. The MMU issue adds the PAN check.
  at('AT_S1E1RP', 0, 0, SYS_EL1, 'PAN', 9),
  at('AT_S1E1WP', 0, 1, SYS_EL1, 'PAN', 9),
  // The EL2 and EL3 forms (their regimes' TCR_EL2/EL3 do not exist yet: no TBI).
  at('AT_S1E2R', 4, 0, SYS_EL2, 'EL2'),
  at('AT_S1E2W', 4, 1, SYS_EL2, 'EL2'),
  at('AT_S12E1R', 4, 4, SYS_EL2, 'EL2'),
  at('AT_S12E1W', 4, 5, SYS_EL2, 'EL2'),
  at('AT_S12E0R', 4, 6, SYS_EL2, 'EL2'),
  at('AT_S12E0W', 4, 7, SYS_EL2, 'EL2'),
  at('AT_S1E3R', 6, 0, SYS_EL3, 'EL3'),
  at('AT_S1E3W', 6, 1, SYS_EL3, 'EL3'),

  // ---- TLB maintenance (C5.3, "A64 TLB maintenance instructions"), Inner Shareable then local ----
  tl('TLBI_VMALLE1IS', 0, 3, 0, SYS_EL1),
  tl('TLBI_VAE1IS', 0, 3, 1, SYS_EL1),
  tl('TLBI_ASIDE1IS', 0, 3, 2, SYS_EL1),
  tl('TLBI_VAAE1IS', 0, 3, 3, SYS_EL1),
  tl('TLBI_VALE1IS', 0, 3, 5, SYS_EL1),
  tl('TLBI_VAALE1IS', 0, 3, 7, SYS_EL1),
  tl('TLBI_VMALLE1', 0, 7, 0, SYS_EL1),
  tl('TLBI_VAE1', 0, 7, 1, SYS_EL1),
  tl('TLBI_ASIDE1', 0, 7, 2, SYS_EL1),
  tl('TLBI_VAAE1', 0, 7, 3, SYS_EL1),
  tl('TLBI_VALE1', 0, 7, 5, SYS_EL1),
  tl('TLBI_VAALE1', 0, 7, 7, SYS_EL1),
  tl('TLBI_IPAS2E1IS', 4, 0, 1, SYS_EL2, 'EL2'),
  tl('TLBI_IPAS2LE1IS', 4, 0, 5, SYS_EL2, 'EL2'),
  tl('TLBI_ALLE2IS', 4, 3, 0, SYS_EL2, 'EL2'),
  tl('TLBI_VAE2IS', 4, 3, 1, SYS_EL2, 'EL2'),
  tl('TLBI_ALLE1IS', 4, 3, 4, SYS_EL2, 'EL2'),
  tl('TLBI_VALE2IS', 4, 3, 5, SYS_EL2, 'EL2'),
  tl('TLBI_VMALLS12E1IS', 4, 3, 6, SYS_EL2, 'EL2'),
  tl('TLBI_IPAS2E1', 4, 4, 1, SYS_EL2, 'EL2'),
  tl('TLBI_IPAS2LE1', 4, 4, 5, SYS_EL2, 'EL2'),
  tl('TLBI_ALLE2', 4, 7, 0, SYS_EL2, 'EL2'),
  tl('TLBI_VAE2', 4, 7, 1, SYS_EL2, 'EL2'),
  tl('TLBI_ALLE1', 4, 7, 4, SYS_EL2, 'EL2'),
  tl('TLBI_VALE2', 4, 7, 5, SYS_EL2, 'EL2'),
  tl('TLBI_VMALLS12E1', 4, 7, 6, SYS_EL2, 'EL2'),
  tl('TLBI_ALLE3IS', 6, 3, 0, SYS_EL3, 'EL3'),
  tl('TLBI_VAE3IS', 6, 3, 1, SYS_EL3, 'EL3'),
  tl('TLBI_VALE3IS', 6, 3, 5, SYS_EL3, 'EL3'),
  tl('TLBI_ALLE3', 6, 7, 0, SYS_EL3, 'EL3'),
  tl('TLBI_VAE3', 6, 7, 1, SYS_EL3, 'EL3'),
  tl('TLBI_VALE3', 6, 7, 5, SYS_EL3, 'EL3'),
];
