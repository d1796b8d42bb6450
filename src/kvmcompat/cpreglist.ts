// The cpreg list: QEMU's copy of a vCPU's system registers as two parallel arrays, KVM
// register IDs (ascending) and values, and the operations that move values between the
// kernel, the list and the userspace CPU state ("cpustate": an a64emu Cpu of the same
// model). QEMU 7.2: target/arm/kvm.c (kvm_arm_init_cpreg_list, write_kvmstate_to_list,
// write_list_to_kvmstate), kvm64.c (kvm_arm_reg_syncs_via_cpreg_list, kvm_arm_cpreg_level),
// helper.c (write_list_to_cpustate, write_cpustate_to_list). The algorithms are described
// here in our words; the rules that matter:
// - The list holds what the kernel lists minus what QEMU syncs by hand (core registers,
//   SVE); every ID must be U32 or U64 or the whole init fails.
// - A listed ID QEMU has no register for is "not in cpustate": it moves kernel <-> list only.
// - In the cpustate directions only NO_RAW registers are skipped; ALIAS registers are synced,
//   because the kernel may expose the state under the alias (an AArch32 view on a 32-bit
//   host). TCG's own list (init_cpreg_list) leaves out ALIAS and NO_RAW both.
// - list -> cpustate is a raw write checked by reading back; cpustate -> list with kvmSync
//   copies a value back only where that raw write would succeed (see cpustateToList).
// Kernel refusals are results (false / the failing IDs in `failed`), never exceptions.

import type { Cpu } from '../cpu/cpu.js';
import { aarch32ViewByKvmId, readView, viewRow, writeView, type Aarch32View } from '../sysregs/aarch32.js';
import { Flag, readRaw, sysregTable, writeRaw, type SysregRow } from '../sysregs/table.js';
import type { KvmVcpuApi } from './api.js';
import { ERRNO, KvmError } from './errno.js';
import {
  KVM_REG_ARCH_MASK, KVM_REG_ARM, KVM_REG_ARM64, KVM_REG_ARM64_SVE, KVM_REG_ARM64_SYSREG, KVM_REG_ARM_COPROC_MASK,
  KVM_REG_ARM_CORE, KVM_REG_ARM_TIMER_CNT, KVM_REG_ARM_VFP, KVM_REG_SIZE_MASK, KVM_REG_SIZE_U32, KVM_REG_SIZE_U64,
  type RegId,
} from './regid.js';

/** kvm_put_registers levels (QEMU include/sysemu/kvm.h). */
export const KVM_PUT_RUNTIME_STATE = 1;
export const KVM_PUT_RESET_STATE = 2;
export const KVM_PUT_FULL_STATE = 3;
export type PutLevel = typeof KVM_PUT_RUNTIME_STATE | typeof KVM_PUT_RESET_STATE | typeof KVM_PUT_FULL_STATE;

/** Where a list entry lives in cpustate: a table row, or an AArch32 view of one. */
export type CpregTarget =
  | { readonly kind: 'row'; readonly row: SysregRow; readonly flags: number }
  | { readonly kind: 'view'; readonly view: Aarch32View; readonly flags: number };

/**
 * kvm_arm_reg_syncs_via_cpreg_list: false for what kvm_arch_get/put_registers sync by hand.
 * arm64 (kvm64.c): core registers and SVE; arm (kvm32.c, the 32-bit host): core and VFP.
 */
export function regSyncsViaCpregList(id: RegId): boolean {
  const coproc = id & KVM_REG_ARM_COPROC_MASK;
  if (coproc === KVM_REG_ARM_CORE) return false;
  if ((id & KVM_REG_ARCH_MASK) === KVM_REG_ARM64) return coproc !== KVM_REG_ARM64_SVE;
  return coproc !== KVM_REG_ARM_VFP;
}

/**
 * kvm_arm_cpreg_level: the put level from which an ID is written back. Everything is runtime
 * state except the virtual counter (KVM_REG_ARM_TIMER_CNT), written only at full state
 * (init, incoming migration) so a reset or a runtime sync does not move guest time.
 * QEMU 7.2 lists only the virtual counter (later QEMU adds KVM_REG_ARM_PTIMER_CNT).
 */
export const cpregLevel = (id: RegId): PutLevel => (id === KVM_REG_ARM_TIMER_CNT ? KVM_PUT_FULL_STATE : KVM_PUT_RUNTIME_STATE);

/**
 * The cpustate register of a KVM ID (QEMU: get_arm_cp_reginfo(kvm_to_cpreg_id(id))): an arm64
 * sysreg ID is the row of its encoding (so the timer IDs, whose encodings are swapped, land
 * on CNTV_CVAL_EL0 and CNTVCT_EL0 as they do in QEMU); an arm (32-bit) cp15 or VFP ID is its
 * AArch32 view, flagged ALIAS (plus NO_RAW when its AArch64 row is). Anything else (firmware
 * registers, DEMUX CCSIDR, IDs the table lacks) has none.
 */
export function cpregTarget(cpu: Cpu, id: RegId): CpregTarget | undefined {
  const arch = id & KVM_REG_ARCH_MASK;
  if (arch === KVM_REG_ARM64) {
    if ((id & KVM_REG_ARM_COPROC_MASK) !== KVM_REG_ARM64_SYSREG || (id & KVM_REG_SIZE_MASK) !== KVM_REG_SIZE_U64) return undefined;
    const row = sysregTable(cpu.model).byKey.get(Number(id & 0xffffn));
    return row === undefined ? undefined : { kind: 'row', row, flags: row.flags };
  }
  if (arch === KVM_REG_ARM) {
    const view = aarch32ViewByKvmId(id);
    const row = view === undefined ? undefined : viewRow(cpu.model, view);
    if (view === undefined || row === undefined) return undefined;
    return { kind: 'view', view, flags: view.flags | (row.flags & Flag.NO_RAW) };
  }
  return undefined;
}

const readTarget = (cpu: Cpu, t: CpregTarget): bigint | undefined =>
  t.kind === 'row' ? readRaw(cpu, t.row) : readView(cpu, t.view);

/** write_raw_cp_reg: the raw write; its success is judged by reading back (CONST rows ignore it). */
const writeTarget = (cpu: Cpu, t: CpregTarget, v: bigint): void => {
  if (t.kind === 'row') writeRaw(cpu, t.row, v);
  else writeView(cpu, t.view, v);
};

const compareIds = (a: RegId, b: RegId): number => (a < b ? -1 : a > b ? 1 : 0);

export class CpregList {
  /** cpreg_indexes: the IDs, strictly ascending. */
  indexes: RegId[] = [];
  /** cpreg_values: U32 registers hold their 32-bit value. */
  values: bigint[] = [];
  /** The cpustate register of each entry (undefined: not in cpustate). */
  private targets: (CpregTarget | undefined)[] = [];
  /** The IDs the last operation could not move (kernel refusals, or no/failed cpustate register). */
  failed: RegId[] = [];

  constructor(
    readonly vcpu: KvmVcpuApi,
    readonly cpu: Cpu,
  ) {}

  get length(): number {
    return this.indexes.length;
  }

  /** The entry of `id` (binary search, as kvm_arm_get_cpreg_ptr), or -1. */
  indexOf(id: RegId): number {
    let lo = 0;
    let hi = this.indexes.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const c = compareIds(this.indexes[mid], id);
      if (c === 0) return mid;
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** The list's value of `id` (undefined when not listed). */
  value(id: RegId): bigint | undefined {
    const i = this.indexOf(id);
    return i < 0 ? undefined : this.values[i];
  }

  /** The cpustate register of entry `i`. */
  target(i: number): CpregTarget | undefined {
    return this.targets[i];
  }

  /**
   * Whether the cpustate directions leave a register alone: NO_RAW only (QEMU since the
   * split of ARM_CP_NO_MIGRATE into ALIAS and NO_RAW; see tests/kvm/sync-bugs.test.ts).
   */
  protected skipsCpustate(flags: number): boolean {
    return (flags & Flag.NO_RAW) !== 0;
  }

  /**
   * kvm_arm_init_cpreg_list: KVM_GET_REG_LIST with n = 0 (the kernel answers E2BIG and the
   * count), again with that size; sort; keep what syncs via the list; refuse the whole list
   * if any kept ID is neither U32 nor U64; then read every value (write_kvmstate_to_list).
   * Returns 0 or a negative errno, as QEMU.
   */
  initFromVcpu(): number {
    this.failed = [];
    const size = { n: 0 };
    try {
      this.vcpu.getRegList(0, size);
      // No E2BIG: QEMU returns this (successful) result as it stands and builds no list.
      return 0;
    } catch (e) {
      if (!(e instanceof KvmError)) throw e;
      if (e.errno !== 'E2BIG') return -ERRNO[e.errno];
    }
    let ids: RegId[];
    try {
      ids = this.vcpu.getRegList(size.n, size);
    } catch (e) {
      if (!(e instanceof KvmError)) throw e;
      return -ERRNO[e.errno];
    }
    const kept = [...ids].sort(compareIds).filter(regSyncsViaCpregList);
    for (const id of kept) {
      const s = id & KVM_REG_SIZE_MASK;
      if (s !== KVM_REG_SIZE_U32 && s !== KVM_REG_SIZE_U64) {
        // "Can't handle size of register in kernel list"
        this.failed = [id];
        return -ERRNO.EINVAL;
      }
    }
    this.indexes = kept;
    this.values = kept.map(() => 0n);
    this.targets = kept.map((id) => cpregTarget(this.cpu, id));
    // "Initial read of kernel register state failed": the kernel is inconsistent.
    return this.kvmstateToList() ? 0 : -ERRNO.EINVAL;
  }

  /** write_kvmstate_to_list: KVM_GET_ONE_REG of every entry; a refused one keeps its old value. */
  kvmstateToList(): boolean {
    this.failed = [];
    for (let i = 0; i < this.indexes.length; i++) {
      const id = this.indexes[i];
      try {
        const v = this.vcpu.getOneReg(id);
        this.values[i] = (id & KVM_REG_SIZE_MASK) === KVM_REG_SIZE_U32 ? v & 0xffffffffn : v;
      } catch (e) {
        if (!(e instanceof KvmError)) throw e;
        this.failed.push(id);
      }
    }
    return this.failed.length === 0;
  }

  /**
   * write_list_to_kvmstate: KVM_SET_ONE_REG of every entry whose level is at most `level`.
   * Refusals ("unknown register", or a constant register given another value) make the
   * result false but do not stop the loop.
   */
  listToKvmstate(level: PutLevel): boolean {
    this.failed = [];
    for (let i = 0; i < this.indexes.length; i++) {
      const id = this.indexes[i];
      if (cpregLevel(id) > level) continue;
      try {
        this.vcpu.setOneReg(id, this.values[i]);
      } catch (e) {
        if (!(e instanceof KvmError)) throw e;
        this.failed.push(id);
      }
    }
    return this.failed.length === 0;
  }

  /**
   * write_list_to_cpustate: a raw write of each value into its cpustate register, checked by
   * reading it back (a CONST register holding another value, or bits the register does not
   * keep, fail the check). Entries not in cpustate fail; NO_RAW ones are skipped. Callers
   * under KVM ignore the result: the kernel is authoritative.
   */
  listToCpustate(): boolean {
    this.failed = [];
    for (let i = 0; i < this.indexes.length; i++) {
      const t = this.targets[i];
      if (t === undefined) {
        this.failed.push(this.indexes[i]);
        continue;
      }
      if (this.skipsCpustate(t.flags)) continue;
      const v = this.values[i];
      writeTarget(this.cpu, t, v);
      if (readTarget(this.cpu, t) !== v) this.failed.push(this.indexes[i]);
    }
    return this.failed.length === 0;
  }

  /**
   * write_cpustate_to_list: each cpustate register's raw value into the list. With `kvmSync`
   * (before writing the list back to the kernel) a value is copied only when it changed and
   * the earlier list -> cpustate write of the list's value would have succeeded; QEMU does
   * not remember that, it re-checks: raw-write the list value, read back, and only when it
   * round-trips raw-write the cpustate value again and take it. So a register cpustate
   * could not take the kernel's value of (an ID register the userspace model disagrees on)
   * never pushes its own value into the kernel.
   */
  cpustateToList(kvmSync: boolean): boolean {
    this.failed = [];
    for (let i = 0; i < this.indexes.length; i++) {
      const t = this.targets[i];
      if (t === undefined) {
        this.failed.push(this.indexes[i]);
        continue;
      }
      if (this.skipsCpustate(t.flags)) continue;
      const newval = readTarget(this.cpu, t);
      if (newval === undefined) continue;
      if (kvmSync) {
        const oldval = this.values[i];
        if (oldval === newval) continue;
        writeTarget(this.cpu, t, oldval);
        if (readTarget(this.cpu, t) !== oldval) continue;
        writeTarget(this.cpu, t, newval);
      }
      this.values[i] = newval;
    }
    return this.failed.length === 0;
  }
}
