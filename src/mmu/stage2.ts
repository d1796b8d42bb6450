// Stage 2 translation of the EL1&0 regime (Arm ARM D8.2, pseudocode AArch64.S2Translate and
// AArch64.S2Walk): IPA to PA through VTTBR_EL2/VTCR_EL2, with concatenated starting-level
// tables, S2AP and XN permissions, MemAttr, and the hardware Access flag / dirty state of
// VTCR_EL2.HA/HD. Used for the final IPA of an access and for every stage 1 table address
// (S1PTW); 52-bit IPAs with 64 KiB (FEAT_LPA) or VTCR_EL2.DS (FEAT_LPA2, with SL2 for a
// level -1 start). No FEAT_S2FWB (HCR_EL2.FWB is treated as 0).

import type { Cpu } from '../cpu/cpu.js';
import { lo, Slot } from '../cpu/state.js';
import { AccessType, FaultType, Perm, type MmuFault } from './types.js';
import {
  blockAllowed, desc, dsEffective, granuleShift, outputAddress, outputBits, P2, readDesc, s2AttrByte, TG0_SHIFT, TWO32, writeDescLo,
} from './descriptor.js';

/** The result of the last successful s2Translate. */
export const s2r = {
  /** PA of the 4 KiB page holding the IPA. */
  pa: 0,
  /** Perm bits the stage 2 descriptor allows (W only once writable, i.e. dirty). */
  perm: 0,
  level: 0,
  /** MemAttr as a MAIR byte. */
  attr: 0,
  /** SH[1:0] of the descriptor (VTCR_EL2.SH0 with VTCR_EL2.DS = 1). */
  sh: 0,
  /** log2 of the stage 2 mapping's size. */
  sizeLog2: 0,
};

const R = Perm.R0 | Perm.R1;
const W = Perm.W0 | Perm.W1;

/**
 * Translates the IPA `ipa` (a double, any alignment) for an access `acc` at privilege
 * `priv`. On success fills `s2r` and returns true; on a fault fills `fault` (stage2 = true,
 * S1PTW as given, ipa) and returns false. `at`: an address translation instruction, which
 * never sets the dirty state (AArch64.SetDirtyState).
 */
export function s2Translate(
  cpu: Cpu, ipa: number, acc: AccessType, priv: number, s1ptw: boolean, at: boolean, fault: MmuFault,
): boolean {
  const f = cpu.model.features;
  const vtcr = cpu.u[lo(Slot.VTCR_EL2)];
  const granule = granuleShift(cpu, TG0_SHIFT[(vtcr >>> 14) & 3], true);
  const vhi = cpu.u[lo(Slot.VTCR_EL2) + 1];
  const ds = dsEffective(cpu, vhi & 1, granule, true); // VTCR_EL2.DS [32]
  const stride = granule - 3;
  const outBits = outputBits(cpu, (vtcr >>> 16) & 7, granule, ds);
  const pamax = cpu.model.paBits;
  const tsz = vtcr & 63;
  const inBits = 64 - tsz;
  const ipaPage = ipa - (ipa % 4096);
  const fail = (type: FaultType, level: number): boolean => {
    fault.set(type, level, true, s1ptw, ipaPage);
    return false;
  };

  // AArch64.S2TxSZFaults: the minimum is the implemented PA size (48 bits unless 64 KiB or
  // DS); out of range either way is a level 0 Translation fault (IMPLEMENTATION DEFINED
  // above the maximum: QEMU 7.2 faults too).
  const minTsz = 64 - (granule === 16 || ds ? pamax : Math.min(pamax, 48));
  const maxTsz = f.TTST ? (granule === 16 ? 47 : 48) : 39;
  if (tsz < minTsz || tsz > maxTsz) return fail(FaultType.TRANSLATION, 0);

  // The starting level from SL2:SL0 (AArch64.S2StartLevel), then AArch64.S2InvalidSL and
  // AArch64.S2InconsistentSL: a level 0 Translation fault.
  const sl0 = (vtcr >>> 6) & 3;
  const sl2 = ds && granule === 12 ? (vhi >>> 1) & 1 : 0; // VTCR_EL2.SL2 [33]
  let start: number;
  let valid = true;
  if (granule === 12) {
    if (sl2) {
      start = -1;
      valid = sl0 === 0 && pamax >= 52;
    } else {
      start = sl0 === 3 ? 3 : 2 - sl0;
      valid = sl0 === 3 ? f.TTST : sl0 !== 2 || pamax >= 44;
    }
  } else if (granule === 14) {
    start = 3 - sl0;
    valid = sl0 === 3 ? ds : sl0 !== 2 || pamax >= 42;
  } else {
    start = 3 - sl0;
    valid = sl0 !== 3 && (sl0 !== 2 || pamax >= 44);
  }
  if (!valid) return fail(FaultType.TRANSLATION, 0);
  const slMin = (3 - start) * stride + granule + 1;
  if (inBits < slMin || inBits > slMin + stride - 1 + 4) return fail(FaultType.TRANSLATION, 0);
  // AArch64.IPAIsOutOfRange
  if (ipa >= P2[inBits]) return fail(FaultType.TRANSLATION, 0);

  // VTTBR_EL2.BADDR; with a 52-bit output size BADDR[51:48] is in bits [5:2].
  const blo = cpu.u[lo(Slot.VTTBR_EL2)];
  const bhi = cpu.u[lo(Slot.VTTBR_EL2) + 1];
  let table = (bhi & 0xffff) * TWO32 + ((blo & ~1) >>> 0);
  if (outBits === 52) table = (bhi & 0xffff) * TWO32 + ((blo & ~0x3f) >>> 0) + ((blo >>> 2) & 0xf) * P2[48];
  else if (table >= P2[outBits]) return fail(FaultType.ADDR_SIZE, 0);
  // Up to 16 concatenated tables at the starting level: its index has up to stride + 4 bits.
  const startBits = inBits - (granule + stride * (3 - start));
  const align = Math.max(startBits + 3, outBits === 52 ? 6 : 0);
  table -= table % P2[align];

  let level = start;
  for (;;) {
    const shift = granule + stride * (3 - level);
    const bits = level === start ? startBits : stride;
    const index = Math.floor((ipa % P2[shift + bits]) / P2[shift]);
    const addr = table + index * 8;
    if (!readDesc(cpu, addr)) return fail(FaultType.SYNC_EXT_WALK, level);
    const dlo = desc.lo;
    const dhi = desc.hi;
    if ((dlo & 1) === 0) return fail(FaultType.TRANSLATION, level);
    if (level < 3 && (dlo & 2) !== 0) {
      // Stage 2 table descriptors have no hierarchical attributes (D8.3.1).
      const next = outputAddress(cpu, dlo, dhi, granule, ds);
      if (next >= P2[outBits]) return fail(FaultType.ADDR_SIZE, level);
      table = next;
      level++;
      continue;
    }
    if (level < 3 ? !blockAllowed(cpu, granule, level, ds) : (dlo & 2) === 0) return fail(FaultType.TRANSLATION, level);

    const blockShift = granule + stride * (3 - level);
    let oa = outputAddress(cpu, dlo, dhi, granule, ds);
    oa -= oa % P2[blockShift];
    if (oa >= P2[outBits]) return fail(FaultType.ADDR_SIZE, level);
    const ha = f.HAFDBS ? (vtcr >>> 21) & 1 : 0;
    const hd = ha & (vtcr >>> 22) & 1;
    const af = (dlo >>> 10) & 1;
    if (af === 0 && ha === 0) return fail(FaultType.ACCESS_FLAG, level);

    // S2AP[1:0] = bits [7:6]: bit 6 read, bit 7 write; DBM (bit 51) with HD makes a
    // write-clean page writable, the write setting S2AP[1] (D8.4.6).
    const s2ap = (dlo >>> 6) & 3;
    const clean = hd === 1 && ((dhi >>> 19) & 1) === 1 && (s2ap & 2) === 0;
    let perm = (s2ap & 1 ? R : 0) | (s2ap & 2 || clean ? W : 0);
    // XN[1:0] = bits [54:53] with FEAT_XNX: 00 both execute, 01 EL1 never, 10 neither,
    // 11 EL0 never; without it bit 53 is RES0 and bit 54 is XN for both.
    const xn1 = (dhi >>> 22) & 1;
    const xn0 = f.XNX ? (dhi >>> 21) & 1 : 0;
    if (xn1 === xn0) perm |= Perm.X1;
    if (xn1 === 0) perm |= Perm.X0;

    const need =
      acc === AccessType.FETCH ? (priv ? Perm.X1 : Perm.X0) : acc === AccessType.WRITE ? (priv ? Perm.W1 : Perm.W0) : priv ? Perm.R1 : Perm.R0;
    if ((perm & need) === 0) return fail(FaultType.PERMISSION, level);

    let nlo = dlo;
    if (af === 0) nlo |= 1 << 10; // AT and DC too (AArch64.S2Translate; QEMU 7.2 as well)
    if (clean) {
      if (acc === AccessType.WRITE && !at) nlo |= 1 << 7;
      else perm &= ~W;
    }
    if (nlo !== dlo) writeDescLo(cpu, addr, nlo);

    const off = ipa % P2[blockShift];
    s2r.pa = oa + (off - (off % 4096));
    s2r.perm = perm;
    s2r.level = level;
    s2r.attr = s2AttrByte((dlo >>> 2) & 0xf);
    // SH [9:8]; with DS = 1 those bits are OA and VTCR_EL2.SH0 [13:12] applies (D8.3.1).
    s2r.sh = ds ? (cpu.u[lo(Slot.VTCR_EL2)] >>> 12) & 3 : (dlo >>> 8) & 3;
    s2r.sizeLog2 = blockShift;
    return true;
  }
}
