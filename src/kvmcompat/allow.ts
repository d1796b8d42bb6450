// Differences between a64emu's probe trace and a real KVM trace that `kvm diff` accepts,
// each with its reason. Data only: the diff (diff.ts) matches entries; the vCPU work adds
// an entry only for a difference it explains and cannot remove.

import { KVM_REG_ARM_TIMER_CNT, type RegId } from './regid.js';

/** Which kind of trace line an entry covers ('reglist': an ID missing from or extra in B). */
export type AllowKind = 'reset' | 'final' | 'set' | 'cap' | 'exit' | 'header' | 'reglist';

export interface AllowEntry {
  readonly kind: AllowKind;
  /** The register (reset/final/set), when the entry is about one register. */
  readonly id?: RegId;
  /** The capability name (cap). */
  readonly cap?: string;
  /** Only for this CPU model; all models when absent. */
  readonly cpu?: string;
  /** The header field (api, guest, target, features, reglist-size-query, reglist) or `#n` (the n-th set or exit line). */
  readonly field?: string;
  /** reset/final: only these bits may differ (the others must agree); any bits when absent. */
  readonly mask?: bigint;
  readonly reason: string;
}

export const ALLOW_LIST: readonly AllowEntry[] = [
  {
    kind: 'reset',
    id: KVM_REG_ARM_TIMER_CNT,
    reason: 'the virtual counter advances: its value depends on when it is read (README of ../shared/kvm)',
  },
  {
    kind: 'final',
    id: KVM_REG_ARM_TIMER_CNT,
    reason: 'the virtual counter advances: its value depends on when it is read (README of ../shared/kvm)',
  },
  {
    kind: 'cap',
    cap: 'ARM_EL1_32BIT',
    reason: 'a64emu implements no AArch32: the vCPU refuses KVM_ARM_VCPU_EL1_32BIT (EINVAL), so it answers 0 where the host supports it',
  },
  {
    kind: 'cap',
    cap: 'ARM_SVE',
    cpu: 'max',
    reason: 'a64emu does not implement SVE: the vCPU refuses KVM_ARM_VCPU_SVE (EINVAL), so it answers 0 where the host (QEMU max) has SVE',
  },
  {
    kind: 'cap',
    cap: 'ARM_PTRAUTH_ADDRESS',
    cpu: 'max',
    reason: 'a64emu does not implement pointer authentication: the vCPU refuses KVM_ARM_VCPU_PTRAUTH_ADDRESS (EINVAL)',
  },
  {
    kind: 'cap',
    cap: 'ARM_PTRAUTH_GENERIC',
    cpu: 'max',
    reason: 'a64emu does not implement pointer authentication: the vCPU refuses KVM_ARM_VCPU_PTRAUTH_GENERIC (EINVAL)',
  },
];
