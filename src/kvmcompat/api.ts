// The virtual vCPU's interface: the arm64 KVM vCPU ioctls as methods, with the kernel's
// semantics (Linux Documentation/virt/kvm/api.rst). Failures throw KvmError with the errno
// the ioctl would return. Register values are bigints holding the register's bytes as one
// little-endian number (U32, U64 or U128 per the ID's size field), as the probe prints them.

import type { RegId } from './regid.js';

/** KVM_ARM_VCPU_* feature bits of struct kvm_vcpu_init.features[0]. */
export const KVM_ARM_VCPU_POWER_OFF = 0;
export const KVM_ARM_VCPU_EL1_32BIT = 1;
export const KVM_ARM_VCPU_PSCI_0_2 = 2;
export const KVM_ARM_VCPU_PMU_V3 = 3;
export const KVM_ARM_VCPU_SVE = 4;
export const KVM_ARM_VCPU_PTRAUTH_ADDRESS = 5;
export const KVM_ARM_VCPU_PTRAUTH_GENERIC = 6;

/** KVM_ARM_TARGET_* (arch/arm64/include/uapi/asm/kvm.h). */
export const KVM_ARM_TARGET_AEM_V8 = 0;
export const KVM_ARM_TARGET_FOUNDATION_V8 = 1;
export const KVM_ARM_TARGET_CORTEX_A57 = 2;
export const KVM_ARM_TARGET_XGENE_POTENZA = 3;
export const KVM_ARM_TARGET_CORTEX_A53 = 4;
/** KVM_ARM_TARGET_GENERIC_V8: what the kernel prefers for CPUs it has no target for. */
export const KVM_ARM_TARGET_GENERIC_V8 = 5;

export interface KvmVcpuInit {
  target: number;
  /** features[0..6]; only features[0] has bits today. */
  features: number[];
}

/** KVM_EXIT_* reasons the virtual vCPU produces (include/uapi/linux/kvm.h). */
export const KVM_EXIT_UNKNOWN = 0;
export const KVM_EXIT_EXCEPTION = 1;
export const KVM_EXIT_HYPERCALL = 3;
export const KVM_EXIT_DEBUG = 4;
export const KVM_EXIT_MMIO = 6;
export const KVM_EXIT_FAIL_ENTRY = 9;
export const KVM_EXIT_INTR = 10;
export const KVM_EXIT_INTERNAL_ERROR = 17;
export const KVM_EXIT_SYSTEM_EVENT = 24;

/** KVM_SYSTEM_EVENT_* types. */
export const KVM_SYSTEM_EVENT_SHUTDOWN = 1;
export const KVM_SYSTEM_EVENT_RESET = 2;
export const KVM_SYSTEM_EVENT_CRASH = 3;

/** KVM_GUESTDBG_* control bits (arm64). */
export const KVM_GUESTDBG_ENABLE = 0x1;
export const KVM_GUESTDBG_SINGLESTEP = 0x2;
export const KVM_GUESTDBG_USE_SW_BP = 0x1_0000;
export const KVM_GUESTDBG_USE_HW = 0x2_0000;

/**
 * The shared `struct kvm_run` page: run() fills the exit fields; for an MMIO read the
 * caller puts the loaded bytes in `mmio.data` before the next run(), which completes the
 * load (as the kernel does on re-entry).
 */
export interface KvmRun {
  exitReason: number;
  /** KVM_EXIT_MMIO */
  mmio: { physAddr: bigint; data: Uint8Array; len: number; isWrite: boolean };
  /** KVM_EXIT_SYSTEM_EVENT */
  systemEvent: { type: number; flags: bigint[] };
  /** KVM_EXIT_DEBUG: struct kvm_debug_exit_arch */
  debug: { hsr: number; far: bigint };
  /** KVM_EXIT_HYPERCALL (not produced on arm64 unless userspace asks for SMCCC filtering). */
  hypercall: { nr: bigint; args: bigint[]; ret: bigint };
  /** Set by the caller before run(): exit at once with KVM_EXIT_INTR (immediate_exit). */
  immediateExit: boolean;
}

/** struct kvm_vcpu_events (arm64): what userspace may read and inject. */
export interface KvmVcpuEvents {
  exception: {
    serrorPending: boolean;
    serrorHasEsr: boolean;
    extDabtPending: boolean;
    serrorEsr: bigint;
  };
}

export interface KvmVcpuApi {
  /** KVM_ARM_VCPU_INIT: (re)initialises the vCPU to its reset state. */
  init(init: KvmVcpuInit): void;
  /**
   * KVM_GET_REG_LIST: with `n` smaller than the list, throws KvmError('E2BIG') after
   * telling the count through `sizeOut` (the kernel writes n back); else returns the IDs.
   */
  getRegList(n: number, sizeOut?: { n: number }): RegId[];
  /** KVM_GET_ONE_REG */
  getOneReg(id: RegId): bigint;
  /** KVM_SET_ONE_REG */
  setOneReg(id: RegId, value: bigint): void;
  /** KVM_RUN: runs the guest until an exit; the exit is described in `run`. */
  runOnce(): void;
  readonly run: KvmRun;
  /** KVM_SET_GUEST_DEBUG (control bits KVM_GUESTDBG_*). */
  setGuestDebug(control: number): void;
  /** KVM_GET_VCPU_EVENTS / KVM_SET_VCPU_EVENTS */
  getVcpuEvents(): KvmVcpuEvents;
  setVcpuEvents(events: KvmVcpuEvents): void;
}
