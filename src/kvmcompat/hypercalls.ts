// The hypercalls KVM handles in the kernel (Linux 6.1 arch/arm64/kvm/hypercalls.c
// kvm_hvc_call_handler, psci.c kvm_psci_call, trng.c): SMCCC 1.1 and its ARCH_FEATURES, TRNG
// 1.0, paravirtualised time (not set up), the KVM vendor calls and PSCI 0.1/0.2/1.0/1.1. The
// vCPU (vcpu.ts) calls `hypercall` on an HVC with the guest's registers; results go to x0..x3.
// Checked against the real traces tests/kvm/fixtures/kvm_mmio_hvc-*.txt (every call of tests/images/kvm/kvm_mmio_hvc).

import { PSCI_FN, PSCI_RET, TOS_MIGRATION_NOT_REQUIRED } from '../machine/psci.js';
import { KVM_SYSTEM_EVENT_RESET, KVM_SYSTEM_EVENT_SHUTDOWN } from './api.js';
import { KVM_ARM_PSCI_0_1, KVM_ARM_PSCI_1_0, KVM_ARM_PSCI_1_1 } from './profile.js';

/** What a hypercall needs from the vCPU. */
export interface HypercallHost {
  /** The guest's registers (cpu.x): x0..x3 are the arguments and results. */
  readonly x: BigUint64Array;
  /** KVM_REG_ARM_PSCI_VERSION as the vCPU sees it (0.1 without KVM_ARM_VCPU_PSCI_0_2). */
  readonly psciVersion: bigint;
  /** The firmware feature bitmaps (STD, STD_HYP, VENDOR_HYP). */
  readonly bitmaps: readonly bigint[];
  /** The host's SMCCC workaround levels (WORKAROUND_1, _2, _3 registers). */
  readonly workarounds: readonly [bigint, bigint, bigint];
  /** The vCPU's MPIDR_EL1. */
  readonly mpidr: bigint;
  readonly poweredOff: boolean;
  powerOff(): void;
  physicalCount(): bigint;
  virtualCount(): bigint;
  /** Fills the KVM_EXIT_SYSTEM_EVENT exit. */
  systemEvent(type: number, flags: bigint): void;
}

const M64 = (1n << 64n) - 1n;

// SMCCC function IDs (include/linux/arm-smccc.h, uapi/linux/psci.h).
const SMCCC_VERSION = 0x8000_0000;
const SMCCC_ARCH_FEATURES = 0x8000_0001;
const SMCCC_ARCH_WORKAROUND_1 = 0x8000_8000;
const SMCCC_ARCH_WORKAROUND_2 = 0x8000_7fff;
const SMCCC_ARCH_WORKAROUND_3 = 0x8000_3fff;
const SMCCC_TRNG_VERSION = 0x8400_0050;
const SMCCC_TRNG_FEATURES = 0x8400_0051;
const SMCCC_TRNG_GET_UUID = 0x8400_0052;
const SMCCC_TRNG_RND32 = 0x8400_0053;
const SMCCC_TRNG_RND64 = 0xc400_0053;
const SMCCC_HV_PV_TIME_FEATURES = 0xc500_0020;
const SMCCC_HV_PV_TIME_ST = 0xc500_0021;
const SMCCC_VENDOR_HYP_KVM_FEATURES = 0x8600_0000;
const SMCCC_VENDOR_HYP_KVM_PTP = 0x8600_0001;
const SMCCC_VENDOR_HYP_CALL_UID = 0x8600_ff01;
const SMCCC_RET_NOT_SUPPORTED = M64; // -1
const SMCCC_RET_INVALID_PARAMETER = M64 - 1n; // -2
/** ARM_SMCCC_VENDOR_HYP_UID_KVM_REG_0..3 (the KVM hypervisor's UID). */
const KVM_UID = [0xb66fb428n, 0xe911c52en, 0x564bcaa9n, 0x743a004dn];
/** ARM_SMCCC_TRNG_GET_UUID's four result words (Linux 6.1 on both models: tests/kvm/fixtures/abi-*.txt). */
const TRNG_UUID = [0x00e0210dn, 0xeb118443n, 0x44527080n, 0x4c5a4e55n];

const PSCI_VERSION = PSCI_FN.VERSION;
const PSCI_CPU_SUSPEND = 0x01;
const PSCI_CPU_OFF = 0x02;
const PSCI_CPU_ON = 0x03;
const PSCI_AFFINITY_INFO = 0x04;
const PSCI_MIGRATE = 0x05;
const PSCI_MIGRATE_INFO_TYPE = 0x06;
const PSCI_MIGRATE_INFO_UP_CPU = 0x07;
const PSCI_SYSTEM_OFF = 0x08;
const PSCI_SYSTEM_RESET = 0x09;
const PSCI_FEATURES = 0x0a;
const PSCI_SYSTEM_SUSPEND = 0x0e;
const PSCI_SYSTEM_RESET2 = 0x12;
/** The board's PSCI return codes (machine/psci.ts) as the 64-bit x0 values. */
const x0Of = (code: number): bigint => BigInt.asUintN(64, BigInt(code));
const PSCI_RET_SUCCESS = x0Of(PSCI_RET.SUCCESS);
const PSCI_RET_NOT_SUPPORTED = x0Of(PSCI_RET.NOT_SUPPORTED);
const PSCI_RET_INVALID_PARAMS = x0Of(PSCI_RET.INVALID_PARAMETERS);
const PSCI_RET_ALREADY_ON = x0Of(PSCI_RET.ALREADY_ON);
const PSCI_RET_INTERNAL_FAILURE = x0Of(PSCI_RET.INTERNAL_FAILURE);
/** KVM_PSCI_FN_BASE (uapi/asm/kvm.h): PSCI 0.1's CPU_SUSPEND, CPU_OFF, CPU_ON, MIGRATE are base + 0..3. */
const KVM_PSCI_FN_BASE = PSCI_FN.V0_1_CPU_SUSPEND;
/** KVM_SYSTEM_EVENT_RESET_FLAG_PSCI_RESET2 (uapi/asm/kvm.h). */
const RESET_FLAG_PSCI_RESET2 = 1n << 0n;
/** MPIDR_HWID_BITMASK: Aff3 and Aff2..Aff0. */
const MPIDR_HWID = 0xff00ffffffn;

/** Performs the SMCCC call in x0..x3 (handle_hvc); true when it exits to userspace. */
export function hypercall(h: HypercallHost): boolean {
  const x = h.x;
  const fn = Number(x[0] & 0xffff_ffffn);
  const a1 = x[1];
  const val: bigint[] = [SMCCC_RET_NOT_SUPPORTED, 0n, 0n, 0n];
  let exit = false;
  const owner = (fn >>> 24) & 0x3f;
  const num = fn & 0xffff;
  if (callAllowed(h, fn)) {
    switch (fn) {
      case SMCCC_ARCH_WORKAROUND_1:
      case SMCCC_ARCH_WORKAROUND_2:
      case SMCCC_ARCH_WORKAROUND_3:
        // hyp-entry.S el1_hvc_guest's fast path: x0 = 0 at any workaround level, before
        // the handler (tests/kvm/fixtures/kvm_smccc_ids-*.txt: 0 on cortex-a57 too).
        val[0] = 0n;
        break;
      case SMCCC_VERSION:
        val[0] = 0x10001n; // SMCCC 1.1
        break;
      case SMCCC_ARCH_FEATURES: {
        const f = Number(a1 & 0xffff_ffffn);
        const [wa1, wa2, wa3] = h.workarounds;
        // NOT_AVAIL levels answer NOT_SUPPORTED; NOT_REQUIRED: 1 (unaffected); AVAIL: 0.
        const answer = (level: bigint, notRequired: bigint, avail: bigint): bigint =>
          level === notRequired ? 1n : level === avail ? 0n : SMCCC_RET_NOT_SUPPORTED;
        if (f === SMCCC_ARCH_WORKAROUND_1) val[0] = answer(wa1, 2n, 1n);
        else if (f === SMCCC_ARCH_WORKAROUND_2) val[0] = answer(wa2, 3n, 2n);
        else if (f === SMCCC_ARCH_WORKAROUND_3) val[0] = answer(wa3, 2n, 1n);
        else if (f === SMCCC_HV_PV_TIME_FEATURES && h.bitmaps[1] & 1n) val[0] = 0n;
        break;
      }
      case SMCCC_HV_PV_TIME_FEATURES:
      case SMCCC_HV_PV_TIME_ST:
        // Stolen time is not set up (no KVM_ARM_VCPU_PVTIME_IPA): NOT_SUPPORTED / INVALID_GPA.
        val[0] = M64;
        break;
      case SMCCC_VENDOR_HYP_CALL_UID:
        KVM_UID.forEach((w, i) => (val[i] = w));
        break;
      case SMCCC_VENDOR_HYP_KVM_FEATURES:
        val[0] = h.bitmaps[2];
        break;
      case SMCCC_VENDOR_HYP_KVM_PTP: {
        // kvm_ptp_get_time: wall clock ns and the virtual (arg 0) or physical (1) counter.
        const ns = BigInt(Date.now()) * 1_000_000n;
        const cnt = a1 === 1n ? h.physicalCount() : h.virtualCount();
        val[0] = ns >> 32n;
        val[1] = ns & 0xffff_ffffn;
        val[2] = cnt >> 32n;
        val[3] = cnt & 0xffff_ffffn;
        break;
      }
      case SMCCC_TRNG_VERSION:
        val[0] = 0x10000n; // TRNG 1.0
        break;
      case SMCCC_TRNG_FEATURES: {
        const f = Number(a1 & 0xffff_ffffn);
        val[0] = [SMCCC_TRNG_VERSION, SMCCC_TRNG_FEATURES, SMCCC_TRNG_GET_UUID, SMCCC_TRNG_RND32, SMCCC_TRNG_RND64].includes(f)
          ? 0n : SMCCC_RET_NOT_SUPPORTED;
        break;
      }
      case SMCCC_TRNG_GET_UUID:
        TRNG_UUID.forEach((w, i) => (val[i] = w));
        break;
      case SMCCC_TRNG_RND32:
      case SMCCC_TRNG_RND64: {
        const max = fn === SMCCC_TRNG_RND64 ? 192n : 96n;
        const bits = a1;
        // kvm_trng_do_rnd: more bits than three registers hold is INVALID_PARAMETER; 0 is fine.
        if (bits > max) {
          val[0] = SMCCC_RET_INVALID_PARAMETER;
          break;
        }
        const w = fn === SMCCC_TRNG_RND64 ? 64n : 32n;
        let r = 0n;
        for (let i = 0n; i < bits; i += 32n) r = (r << 32n) | BigInt((Math.random() * 2 ** 32) >>> 0);
        r = bits === 0n ? 0n : BigInt.asUintN(Number(bits), r);
        val[0] = 0n;
        val[3] = BigInt.asUintN(Number(w), r);
        val[2] = BigInt.asUintN(Number(w), r >> w);
        val[1] = BigInt.asUintN(Number(w), r >> (2n * w));
        break;
      }
      default:
        if (owner === 4 && num <= 0x1f) exit = psci(h, fn, val);
        else psci01(h, fn, val);
    }
  }
  for (let i = 0; i < 4; i++) x[i] = val[i];
  return exit;
}

/** kvm_hvc_call_allowed: the firmware bitmaps gate TRNG, PV time and the vendor calls. */
export function callAllowed(h: HypercallHost, fn: number): boolean {
  switch (fn) {
    case SMCCC_TRNG_VERSION: case SMCCC_TRNG_FEATURES: case SMCCC_TRNG_GET_UUID: case SMCCC_TRNG_RND32: case SMCCC_TRNG_RND64:
      return (h.bitmaps[0] & 1n) !== 0n;
    case SMCCC_HV_PV_TIME_FEATURES: case SMCCC_HV_PV_TIME_ST:
      return (h.bitmaps[1] & 1n) !== 0n;
    case SMCCC_VENDOR_HYP_KVM_FEATURES: case SMCCC_VENDOR_HYP_CALL_UID:
      return (h.bitmaps[2] & 1n) !== 0n;
    case SMCCC_VENDOR_HYP_KVM_PTP:
      return (h.bitmaps[2] & 2n) !== 0n;
    case SMCCC_VERSION: case SMCCC_ARCH_FEATURES:
    case SMCCC_ARCH_WORKAROUND_1: case SMCCC_ARCH_WORKAROUND_2: case SMCCC_ARCH_WORKAROUND_3:
      return true;
    default:
      // PSCI 0.2 and later: the standard service, function numbers 0..0x1f; KVM's PSCI 0.1 IDs.
      return (((fn >>> 24) & 0x3f) === 4 && (fn & 0xffff) <= 0x1f) || (fn >= KVM_PSCI_FN_BASE && fn <= KVM_PSCI_FN_BASE + 3);
  }
}

/**
 * kvm_psci_0_1_call: PSCI 0.1 (no KVM_ARM_VCPU_PSCI_0_2) through KVM's own function IDs,
 * CPU_OFF and CPU_ON only; from 0.2 on these IDs are NOT_SUPPORTED.
 */
function psci01(h: HypercallHost, fn: number, val: bigint[]): void {
  if (h.psciVersion !== KVM_ARM_PSCI_0_1) return;
  if (fn === KVM_PSCI_FN_BASE + 1) {
    h.powerOff();
    val[0] = PSCI_RET_SUCCESS;
  } else if (fn === KVM_PSCI_FN_BASE + 2) {
    // kvm_psci_vcpu_on: no stopped vCPU to start (the only one is running): under 0.1 INVALID_PARAMS.
    val[0] = PSCI_RET_INVALID_PARAMS;
  }
}

/** kvm_psci_call for PSCI 0.2/1.x (the vCPU's KVM_REG_ARM_PSCI_VERSION); true when it exits. */
function psci(h: HypercallHost, fn: number, val: bigint[]): boolean {
  const x = h.x;
  const version = h.psciVersion;
  if (version === KVM_ARM_PSCI_0_1) return false; // 0.1 uses KVM's own function IDs (psci01): not these
  // kvm_psci_0_2_call/kvm_psci_1_x_call switch on the whole function ID: SMC32 (0x840000nn)
  // or SMC64 (0xc40000nn); any other bit set (a yielding call, the reserved bits 23:16) is
  // no PSCI call (tests/kvm/fixtures/kvm_smccc_ids-*.txt).
  if (!isPsciId(fn)) return false;
  const smc64 = (fn & 0x4000_0000) !== 0;
  const num = fn & 0x1f;
  // kvm_psci_narrow_to_32bit: the SMC32 calls see 32-bit arguments.
  const arg = (i: number): bigint => (smc64 ? x[i] : x[i] & 0xffff_ffffn);
  const v1 = version >= KVM_ARM_PSCI_1_0;
  const v11 = version >= KVM_ARM_PSCI_1_1;
  val[0] = PSCI_RET_NOT_SUPPORTED;
  if (fn === PSCI_VERSION) {
    val[0] = version;
    return false;
  }
  const mpidr = h.mpidr & MPIDR_HWID;
  switch (num) {
    case PSCI_CPU_SUSPEND:
      // kvm_psci_vcpu_suspend: a WFI, which returns at once (no interrupt sources).
      val[0] = PSCI_RET_SUCCESS;
      return false;
    case PSCI_CPU_OFF:
      if (smc64) return false;
      h.powerOff();
      val[0] = PSCI_RET_SUCCESS;
      return false;
    case PSCI_CPU_ON:
      // kvm_psci_vcpu_on: the only vCPU is this one, which is on; kvm_psci_valid_affinity:
      // a bit outside MPIDR_HWID_BITMASK is INVALID_PARAMS (kvm_smccc_ids-*.txt).
      val[0] = arg(1) === mpidr ? PSCI_RET_ALREADY_ON : PSCI_RET_INVALID_PARAMS;
      return false;
    case PSCI_AFFINITY_INFO: {
      const level = arg(2);
      if (level > 3n || (arg(1) & ~MPIDR_HWID) !== 0n) {
        val[0] = PSCI_RET_INVALID_PARAMS;
        return false;
      }
      const shift = level === 3n ? 32n : level * 8n;
      const m = MPIDR_HWID & ~((1n << shift) - 1n);
      // AFFINITY_LEVEL_ON (0) when a matching vCPU runs, OFF (1) when none runs, and
      // INVALID_PARAMS when no vCPU matches.
      if ((mpidr & m) !== (arg(1) & m)) val[0] = PSCI_RET_INVALID_PARAMS;
      else val[0] = h.poweredOff ? 1n : 0n;
      return false;
    }
    case PSCI_MIGRATE_INFO_TYPE:
      if (smc64) return false;
      val[0] = BigInt(TOS_MIGRATION_NOT_REQUIRED); // PSCI_0_2_TOS_MP: no Trusted OS migration
      return false;
    case PSCI_MIGRATE:
    case PSCI_MIGRATE_INFO_UP_CPU:
      return false;
    case PSCI_SYSTEM_OFF:
    case PSCI_SYSTEM_RESET:
      if (smc64) return false;
      // kvm_prepare_system_event; x0 preloaded with INTERNAL_FAILURE in case userspace resumes.
      h.systemEvent(num === PSCI_SYSTEM_OFF ? KVM_SYSTEM_EVENT_SHUTDOWN : KVM_SYSTEM_EVENT_RESET, 0n);
      val[0] = PSCI_RET_INTERNAL_FAILURE;
      return true;
    case PSCI_FEATURES: {
      if (!v1 || smc64) return false;
      const f = Number(arg(1) & 0xffff_ffffn);
      const n = f & 0x1f;
      const std = isPsciId(f);
      const f64 = (f & 0x4000_0000) !== 0;
      const both = [PSCI_CPU_SUSPEND, PSCI_CPU_ON, PSCI_AFFINITY_INFO];
      const only32 = [PSCI_CPU_OFF, PSCI_MIGRATE_INFO_TYPE, PSCI_SYSTEM_OFF, PSCI_SYSTEM_RESET, PSCI_FEATURES];
      if (f === SMCCC_VERSION || f === PSCI_VERSION) val[0] = 0n;
      else if (std && (both.includes(n) || (!f64 && only32.includes(n)))) val[0] = 0n;
      else if (std && v11 && n === PSCI_SYSTEM_RESET2) val[0] = 0n;
      else if (std && n === PSCI_SYSTEM_SUSPEND) val[0] = PSCI_RET_NOT_SUPPORTED; // needs KVM_CAP_ARM_SYSTEM_SUSPEND
      return false;
    }
    case PSCI_SYSTEM_RESET2: {
      if (!v11) return false;
      const type = Number(arg(1) & 0xffff_ffffn);
      // PSCI_1_1_RESET_TYPE_WARM (0) or a vendor type (bit 31).
      if (type === 0 || type >= 0x8000_0000) {
        h.systemEvent(KVM_SYSTEM_EVENT_RESET, RESET_FLAG_PSCI_RESET2);
        val[0] = PSCI_RET_INTERNAL_FAILURE;
        return true;
      }
      val[0] = PSCI_RET_INVALID_PARAMS;
      return false;
    }
    default:
      return false;
  }
}

/** A PSCI function ID: SMC32 0x840000nn or SMC64 0xc40000nn, nn <= 0x1f (uapi/linux/psci.h). */
function isPsciId(fn: number): boolean {
  return ((fn & ~0x4000_001f) >>> 0) === 0x8400_0000;
}
