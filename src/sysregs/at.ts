// Address translation instructions (AT, Arm ARM C5.4 "A64 System instructions for address
// translation"): translate Xt as the named regime and access would, without accessing memory,
// and report the result in PAR_EL1 (D17.2, PAR_EL1: the success and the fault formats).
//
// With the regime's stage 1 off and no stage 2 to apply, the result is
// AArch64.TranslateAddressS1Off's flat mapping (atS1Off); otherwise the walker (mmu/walk.ts)
// translates with `at: true`. A stage 2 fault on the stage 1 walk of an AT S1E0* / S1E1*
// executed at EL1 is not reported in PAR_EL1 but taken to EL2 as a Data Abort (S1PTW = 1, CM
// = 1, WnR = 1; FAR_EL2 = Xt, HPFAR_EL2 = the IPA), or to EL3 when it is a synchronous
// External abort and SCR_EL3.EA = 1 (Arm ARM, AT S1E1R "stage 2 fault"; QEMU 7.2's do_ats_write
// does the same).

import type { Cpu } from '../cpu/cpu.js';
import { EC } from '../cpu/exception.js';
import { Slot } from '../cpu/state.js';
import { AccessType, FaultType, MmuFault, Regime, fscOf, type TlbEntry, type WalkRequest } from '../mmu/types.js';
import { walk } from '../mmu/walk.js';
import { el2Enabled } from './access.js';
import { ScrEl3 } from './bits.js';
import { e2hOn, e2hTge } from './vhe.js';

/** Which AT: S1E0/S1E1 (EL1&0 stage 1, or EL2&0 at EL2 with E2H/TGE), S1E2, S12 (S12E0/S12E1), S1E3. */
export type AtKind = 'S1E0' | 'S1E1' | 'S1E1P' | 'S1E2' | 'S12E0' | 'S12E1' | 'S1E3';

const PAR = Slot.PAR_EL1 * 2;
const TWO32 = 4294967296;
/** PAR_EL1 bit 11 is RES1 in both formats. */
const PAR_RES1 = 0x800;
/** HCR_EL2.VM (stage 2 on) and DC (stage 1 off but Normal memory: the walker's case). */
const HCR_VM = 1 << 0;
const HCR_DC = 1 << 12;

const fault = new MmuFault();
const req: WalkRequest = { regime: Regime.EL10, priv: 1, acc: AccessType.READ, pan: false, s1Only: true, at: true, cm: false };

/** The SCTLR_ELx of a regime: M (bit 0) says whether its stage 1 is on. */
const sctlrOf = (regime: Regime): number => Slot.SCTLR_EL1 + (regime === Regime.EL10 ? 0 : regime === Regime.EL3 ? 2 : 1);

/**
 * The top address bit of (lo, hi) in `regime` with stage 1 off (AddrTop): 55 when TBI
 * applies, else 63. TBI: TCR_EL1.TBI0/TBI1 (bits 37/38, chosen by VA bit 55) for EL1&0,
 * TCR_EL2's for EL2&0 (the same layout with E2H = 1), TCR_ELx.TBI (bit 20) for EL2 and EL3.
 */
function tbi(cpu: Cpu, regime: Regime, hi: number): boolean {
  const r = cpu.r;
  if (regime === Regime.EL10 || regime === Regime.EL20) {
    const tcrHi = r[(regime === Regime.EL10 ? Slot.TCR_EL1 : Slot.TCR_EL2) * 2 + 1];
    return ((tcrHi >>> ((hi >>> 23) & 1 ? 6 : 5)) & 1) !== 0;
  }
  return ((r[(regime === Regime.EL2 ? Slot.TCR_EL2 : Slot.TCR_EL3) * 2] >>> 20) & 1) !== 0;
}

/** Whether the regime's physical addresses are Secure: EL3, and EL1&0 with SCR_EL3.NS = 0. */
const secureRegime = (cpu: Cpu, regime: Regime): boolean =>
  regime === Regime.EL3 || (regime === Regime.EL10 && cpu.model.features.EL3 && (cpu.r[Slot.SCR_EL3 * 2] & ScrEl3.NS) === 0);

/**
 * AArch64.TranslateAddressS1Off: any bit from PAMax up to AddrTop set is an Address size
 * fault at level 0 (PAR_EL1.F = 1, FST = 0b000000); otherwise PA = VA with Device-nGnRnE
 * attributes: ATTR = 0x00, SH = 0b10 (Device is Outer Shareable, PAREncodeShareability), NS
 * by the regime's security. QEMU 7.2 gives the same values, except SH (0b00).
 */
function atS1Off(cpu: Cpu, regime: Regime, lo: number, hi: number): void {
  const r = cpu.r;
  let top = hi;
  if (tbi(cpu, regime, hi)) top &= 0x00ffffff;
  if (top >>> 0 >= 2 ** (cpu.model.paBits - 32)) {
    r[PAR] = PAR_RES1 | 1;
    r[PAR + 1] = 0;
    return;
  }
  r[PAR] = ((lo & ~0xfff) | PAR_RES1 | (secureRegime(cpu, regime) ? 0 : 0x200) | (2 << 7)) >>> 0;
  r[PAR + 1] = top & 0xfffff;
}

/**
 * PAR_EL1.SH of a translation (PAREncodeShareability): 0b10 for Device memory and for Normal
 * Inner and Outer Non-cacheable memory (MAIR byte 0x44). TlbEntry does not carry the
 * descriptor's SH field, so Normal cacheable memory reports Inner Shareable (0b11).
 */
const shOf = (e: TlbEntry): number => (e.device || (e.attr & 0xf0) === 0 || e.attr === 0x44 ? 2 : 3);

/** PAR_EL1 for a successful translation: PA[51:12], ATTR [63:56], SH [8:7], NS [9], F = 0. */
export function parSuccess(cpu: Cpu, e: TlbEntry, secure: boolean): void {
  const r = cpu.r;
  r[PAR] = (((e.pa % TWO32) & ~0xfff) | PAR_RES1 | (secure ? 0 : 0x200) | (shOf(e) << 7)) >>> 0;
  r[PAR + 1] = (Math.floor(e.pa / TWO32) & 0xfffff) | (e.attr << 24);
}

/** PAR_EL1 for a fault: F [0] = 1, FST [6:1], PTW [8] (stage 2 fault on the stage 1 walk), S [9] (stage 2). */
export function parFault(cpu: Cpu, f: MmuFault): void {
  cpu.r[PAR] = 1 | (fscOf(f.type, f.level) << 1) | (f.s1ptw ? 0x100 : 0) | (f.stage2 ? 0x200 : 0) | PAR_RES1;
  cpu.r[PAR + 1] = 0;
}

/** Fills `req` for an AT of `kind` run now; returns false when stage 1 is off and nothing else applies (atS1Off). */
function request(cpu: Cpu, kind: AtKind, write: boolean): boolean {
  const hcr = cpu.r[Slot.HCR_EL2 * 2];
  let regime: Regime;
  let s1Only = true;
  switch (kind) {
    case 'S1E0':
    case 'S1E1':
    case 'S1E1P':
      regime = cpu.el === 2 && e2hTge(cpu) ? Regime.EL20 : Regime.EL10;
      break;
    case 'S1E2':
      regime = e2hOn(cpu) ? Regime.EL20 : Regime.EL2;
      break;
    case 'S12E0':
    case 'S12E1':
      regime = Regime.EL10;
      // Without EL2 enabled (EL3 without EL2, Secure state) they are the stage 1 forms.
      s1Only = !el2Enabled(cpu);
      break;
    default:
      regime = Regime.EL3;
  }
  req.regime = regime;
  req.priv = kind === 'S1E0' || kind === 'S12E0' ? 0 : 1;
  req.acc = write ? AccessType.WRITE : AccessType.READ;
  // Only AT S1E1RP/WP check PSTATE.PAN (FEAT_PAN2).
  req.pan = kind === 'S1E1P' && cpu.pan === 1;
  req.s1Only = s1Only;
  const s1Off = (cpu.r[sctlrOf(regime) * 2] & 1) === 0 && !(regime === Regime.EL10 && (hcr & HCR_DC) !== 0 && el2Enabled(cpu));
  const s2On = regime === Regime.EL10 && !s1Only && (hcr & HCR_VM) !== 0;
  return !(s1Off && !s2On);
}

/** The `op` of an AT row. */
export function atOp(kind: AtKind, write: boolean) {
  const stage1Of2 = kind === 'S1E0' || kind === 'S1E1' || kind === 'S1E1P';
  return (cpu: Cpu, lo: number, hi: number): void => {
    if (!request(cpu, kind, write)) return atS1Off(cpu, req.regime, lo, hi);
    const e = walk(cpu, lo, hi, req, fault);
    if (e !== null) return parSuccess(cpu, e, secureRegime(cpu, req.regime));
    if (fault.stage2 && fault.s1ptw && stage1Of2 && cpu.el === 1) walkAbort(cpu, lo, hi, fault);
    // A synchronous External abort on the walk is taken as a Data Abort, not reported in
    // PAR_EL1 (QEMU 7.2's do_ats_write; Arm ARM C5.4).
    if (fault.type === FaultType.SYNC_EXT_WALK) walkAbort(cpu, lo, hi, fault);
    parFault(cpu, fault);
  };
}

/**
 * The Data Abort an AT takes instead of reporting in PAR_EL1: a stage 2 fault on the stage 1
 * walk of an AT S1E0/S1E1 form at EL1 (to EL2, HPFAR_EL2, ESR.S1PTW), or a synchronous
 * External abort on a walk (SCR_EL3.EA routes it to EL3). The run loop adds CM and WnR.
 */
function walkAbort(cpu: Cpu, lo: number, hi: number, f: MmuFault): never {
  const x = cpu.exc.set(EC.DABORT_SAME, fscOf(f.type, f.level), 0, f.stage2 ? 2 : 0);
  x.isDataAbort = true;
  x.hasFar = true;
  x.farLo = lo;
  x.farHi = hi;
  x.stage2 = f.stage2;
  x.s1ptw = f.s1ptw;
  x.ipa = f.ipa;
  if (f.type === FaultType.SYNC_EXT_WALK && cpu.model.features.EL3 && (cpu.r[Slot.SCR_EL3 * 2] & ScrEl3.EA) !== 0) x.targetEl = 3;
  throw x;
}
