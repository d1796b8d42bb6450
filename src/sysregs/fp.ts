// FPCR and FPSR (Arm ARM D17.2.45, D17.2.46), as QEMU 7.2 keeps them (target/arm/vfp_helper.c,
// vfp_set_fpscr): FPCR keeps AHP, DN, FZ, RMode, Stride, Len and, with FEAT_FP16, FZ16; the
// trap enables IOE..IDE are RAZ/WI (no trapped floating-point exceptions, as the modelled
// cores). FPSR keeps N Z C V (AArch32 compare flags), QC and the cumulative flags IOC, DZC,
// OFC, UFC, IXC, IDC. Both reset to 0. Every access checks CPACR_EL1.FPEN, CPTR_EL2.TFP and
// CPTR_EL3.TFP first (group 'fp': cpu/fptrap.ts, EC 0x07). ALIAS: KVM carries them in the
// core registers (struct user_fpsimd_state), not as system registers.

import { Slot } from '../cpu/state.js';
import { EL0_RW, Flag, MASK64, type RowSpec } from './row.js';

/** FPCR bits (Arm ARM D17.2.45). */
export const Fpcr = {
  FZ16: 1 << 19,
  RMODE_SHIFT: 22,
  FZ: 1 << 24,
  DN: 1 << 25,
  AHP: 1 << 26,
} as const;

/** FPSR bits (Arm ARM D17.2.46): the cumulative exception flags and QC. */
export const Fpsr = {
  IOC: 1,
  DZC: 2,
  OFC: 4,
  UFC: 8,
  IXC: 16,
  IDC: 128,
  QC: 1 << 27,
} as const;

/** The FPCR bits QEMU 7.2 keeps: Len [18:16], Stride [21:20], RMode, FZ, DN, AHP; FZ16 with FEAT_FP16. */
const FPCR_KEEP = 0x07f70000n;
const FPSR_KEEP = 0xf800009fn;

export const FP_ROWS: readonly RowSpec[] = [
  {
    name: 'FPCR', op0: 3, op1: 3, crn: 4, crm: 4, op2: 0, access: EL0_RW, flags: Flag.ALIAS, slot: Slot.FPCR,
    group: 'fp', res0: MASK64 & ~(FPCR_KEEP | BigInt(Fpcr.FZ16)), res0For: (m) => (m.features.FP16 ? 0n : BigInt(Fpcr.FZ16)),
  },
  {
    name: 'FPSR', op0: 3, op1: 3, crn: 4, crm: 4, op2: 1, access: EL0_RW, flags: Flag.ALIAS, slot: Slot.FPSR,
    group: 'fp', res0: MASK64 & ~FPSR_KEEP,
  },
];
