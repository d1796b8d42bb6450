// The QEMU side of one KVM vCPU: a userspace Cpu ("cpustate", QEMU's ARMCPU env) kept in
// sync with a KvmVcpuApi the way QEMU 7.2 does it (accel/kvm/kvm-all.c, target/arm/kvm.c,
// kvm64.c): the vcpu_dirty flag, kvm_arch_get/put_registers (core registers, then the
// cpreg list), kvm_arm_reset_vcpu and its ordering, the run loop's exits, and
// kvm_arm_handle_debug, which injects a guest's own debug exception through cpustate.

import type { Cpu } from '../cpu/cpu.js';
import { ExcKind, takeException } from '../cpu/exception.js';
import { GuestMemory } from '../machine/guestmem.js';
import {
  KVM_EXIT_DEBUG, KVM_EXIT_MMIO, KVM_EXIT_SYSTEM_EVENT, KVM_GUESTDBG_ENABLE, KVM_GUESTDBG_USE_SW_BP,
  type KvmVcpuApi, type KvmVcpuInit,
} from './api.js';
import { CpregList, KVM_PUT_FULL_STATE, KVM_PUT_RESET_STATE, KVM_PUT_RUNTIME_STATE, type PutLevel } from './cpreglist.js';
import { getCoreRegs, newCoreExtra, putCoreRegs, SYNC_OK, type CoreExtra, type SyncResult } from './coreregs.js';
import { ERRNO, KvmError } from './errno.js';

/**
 * The ESR_ELx.EC values kvm_arm_handle_debug tells apart (Arm ARM D17.2.37): the kernel
 * reports the guest's debug exceptions as taken from a lower EL, and QEMU matches only those.
 */
const EC_BREAKPOINT = 0x30;
const EC_SOFTWARESTEP = 0x32;
const EC_WATCHPOINT = 0x34;
const EC_BRK64 = 0x3c;

/** Why exec() returned (QEMU: kvm_cpu_exec's non-zero results). */
export type ExecStop =
  | { kind: 'debug' } // EXCP_DEBUG: one of QEMU's own breakpoints or single steps
  | { kind: 'system-event'; type: number }
  | { kind: 'exit'; reason: number }; // an exit QEMU's ARM code does not handle

export interface MmioHandler {
  read(addr: bigint, len: number): bigint;
  write(addr: bigint, len: number, data: bigint): void;
}

export class KvmCpu {
  readonly list: CpregList;
  readonly extra: CoreExtra = newCoreExtra();
  /** cpu->vcpu_dirty: cpustate holds changes the kernel has not seen yet. */
  vcpuDirty = false;
  /** QEMU's own software breakpoints (gdbstub): a BRK at one of these stops in QEMU. */
  readonly swBreakpoints = new Set<bigint>();
  /** cs->singlestep_enabled */
  singlestep = false;

  constructor(
    readonly vcpu: KvmVcpuApi,
    readonly cpu: Cpu,
    readonly vcpuInit: KvmVcpuInit,
    list?: CpregList,
  ) {
    this.list = list ?? new CpregList(vcpu, cpu);
  }

  /** kvm_arch_init_vcpu: KVM_ARM_VCPU_INIT, then the cpreg list from the kernel. 0 or -errno. */
  initVcpu(): number {
    try {
      this.vcpu.init(this.vcpuInit);
    } catch (e) {
      if (!(e instanceof KvmError)) throw e;
      return -ERRNO[e.errno];
    }
    return this.list.initFromVcpu();
  }

  /**
   * kvm_arch_get_registers: core registers, then kernel -> list -> cpustate. A failed
   * list -> cpustate is ignored: registers cpustate cannot take stay as they are.
   */
  getRegisters(): SyncResult {
    const core = getCoreRegs(this.vcpu, this.cpu, this.extra);
    if (!core.ok) return core;
    if (!this.list.kvmstateToList()) return { ok: false, id: this.list.failed[0], errno: 'EINVAL' };
    this.list.listToCpustate();
    return SYNC_OK;
  }

  /**
   * kvm_arch_put_registers: core registers, then cpustate -> list with the kvmSync rule,
   * then list -> kernel for the entries of `level` (QEMU returns EINVAL if any is refused,
   * after trying them all).
   */
  putRegisters(level: PutLevel): SyncResult {
    const core = putCoreRegs(this.vcpu, this.cpu, this.extra);
    if (!core.ok) return core;
    this.list.cpustateToList(true);
    if (!this.list.listToKvmstate(level)) return { ok: false, id: this.list.failed[0], errno: 'EINVAL' };
    return SYNC_OK;
  }

  /** kvm_cpu_synchronize_state: fetch the kernel's state once before QEMU code touches cpustate. */
  synchronizeState(): void {
    if (!this.vcpuDirty) {
      const r = this.getRegisters();
      if (!r.ok) throw new Error(`kvm: failed to get registers (${r.errno})`);
      this.vcpuDirty = true;
    }
  }

  /** cpu_synchronize_all_post_init: the whole state (the virtual counter included) into the kernel. */
  postInit(): SyncResult {
    const r = this.putRegisters(KVM_PUT_FULL_STATE);
    this.vcpuDirty = false;
    return r;
  }

  /**
   * kvm_arm_cpu_post_load (incoming migration): the list as loaded goes to the kernel at
   * KVM_PUT_FULL_STATE (the virtual counter included), then to cpustate, where registers
   * QEMU does not know are fine to miss ("KVM is authoritative"). False when the kernel
   * refused a register (QEMU fails the load).
   */
  postLoad(): boolean {
    if (!this.list.listToKvmstate(KVM_PUT_FULL_STATE)) return false;
    this.list.listToCpustate();
    return true;
  }

  /**
   * kvm_arm_reset_vcpu: KVM_ARM_VCPU_INIT again (the kernel's reset values), kernel -> list,
   * and list -> cpustate, because the next step is a put that first copies cpustate back into
   * the list (cpustateToList): without it, cpustate's own reset values would overwrite the
   * kernel's (QEMU commit 823e1b3818f9, reverted as 942f99c825fc for breaking EDK2; fixed
   * in b698e4eef5 by this call).
   */
  resetVcpu(): void {
    try {
      this.vcpu.init(this.vcpuInit);
    } catch (e) {
      if (e instanceof KvmError) throw new Error(`kvm_arm_vcpu_init failed: ${e.errno}`);
      throw e;
    }
    if (!this.list.kvmstateToList()) throw new Error('write_kvmstate_to_list failed');
    // Failures are fine here, as in getRegisters.
    this.list.listToCpustate();
  }

  /**
   * A system reset as QEMU orders it: the CPU's own reset (arm_cpu_reset: cpustate's reset
   * values, which kvm_arm_reset_vcpu ends with), the board's entry point in the PC, then
   * cpu_synchronize_all_post_reset: a put at KVM_PUT_RESET_STATE (not the virtual counter).
   */
  systemReset(entry: bigint): SyncResult {
    this.cpu.resetTo(1, entry);
    this.resetVcpu();
    this.cpu.pc = entry;
    const r = this.putRegisters(KVM_PUT_RESET_STATE);
    this.vcpuDirty = false;
    return r;
  }

  /** kvm_arch_update_guest_debug: KVM_SET_GUEST_DEBUG with what QEMU's debugger needs. */
  updateGuestDebug(): void {
    let control = 0;
    if (this.swBreakpoints.size > 0) control |= KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_SW_BP;
    this.vcpu.setGuestDebug(control);
  }

  /**
   * kvm_arm_handle_debug: true when the exit is QEMU's own (a breakpoint it set, a single
   * step it asked for); otherwise the exception belongs to the guest, and QEMU takes it in
   * cpustate (arm_cpu_do_interrupt with the kernel's syndrome, to EL1) and returns false so
   * the guest runs on. The injection only reaches the guest because the next put copies
   * cpustate back (cpustateToList in putRegisters): ESR_EL1 is a cpreg, not a core register.
   */
  handleDebug(hsr: number, far: bigint): boolean {
    this.synchronizeState();
    const ec = hsr >>> 26;
    const pc = this.cpu.pc;
    switch (ec) {
      case EC_SOFTWARESTEP:
        // Otherwise "guest single-step while debugging unsupported": QEMU returns false
        // without injecting anything.
        return this.singlestep;
      case EC_BRK64:
        if (this.swBreakpoints.has(pc)) return true;
        break;
      case EC_BREAKPOINT:
      case EC_WATCHPOINT:
        // QEMU's hardware breakpoints and watchpoints are not modelled: none is ours.
        break;
      default:
        // "unhandled debug exit": QEMU reports it and injects it all the same.
        break;
    }
    void far; // EXCP_BKPT writes no FAR (arm_cpu_do_interrupt_aarch64)
    const lo = Number(pc & 0xffffffffn) | 0;
    const hi = Number(pc >> 32n) | 0;
    takeException(this.cpu, ExcKind.SYNC, 1, hsr >>> 0, lo, hi);
    this.cpu.contextChanged();
    return false;
  }

  /**
   * kvm_cpu_exec: put the registers if cpustate is dirty (KVM_PUT_RUNTIME_STATE), KVM_RUN,
   * handle the exit; loop while the exit is handled (MMIO, a guest's own debug exception).
   * `maxRuns` bounds the KVM_RUN calls (a test guard).
   */
  exec(mmio?: MmioHandler, maxRuns = 10_000): ExecStop {
    for (let n = 0; n < maxRuns; n++) {
      if (this.vcpuDirty) {
        // QEMU 7.2 ignores this put's result.
        this.putRegisters(KVM_PUT_RUNTIME_STATE);
        this.vcpuDirty = false;
      }
      this.vcpu.runOnce();
      const run = this.vcpu.run;
      switch (run.exitReason) {
        case KVM_EXIT_MMIO: {
          const m = run.mmio;
          if (m.isWrite) {
            let d = 0n;
            for (let i = m.len - 1; i >= 0; i--) d = (d << 8n) | BigInt(m.data[i]);
            mmio?.write(m.physAddr, m.len, d);
          } else {
            const d = mmio?.read(m.physAddr, m.len) ?? 0n;
            for (let i = 0; i < m.len; i++) m.data[i] = Number((d >> BigInt(8 * i)) & 0xffn);
          }
          continue;
        }
        case KVM_EXIT_SYSTEM_EVENT:
          return { kind: 'system-event', type: run.systemEvent.type };
        case KVM_EXIT_DEBUG:
          if (this.handleDebug(run.debug.hsr, run.debug.far)) return { kind: 'debug' };
          continue;
        default:
          return { kind: 'exit', reason: run.exitReason };
      }
    }
    throw new Error(`kvm: no stop after ${maxRuns} KVM_RUN calls`);
  }

  /**
   * A debugger's read of guest virtual memory (gdbstub -> cpu_memory_rw_debug): translated
   * through cpustate's view of the MMU (SCTLR_EL1, TCR_EL1, TTBRn_EL1 as last synced), so it
   * is only right when the sync brought those registers over. undefined when a byte is not RAM
   * or does not translate.
   */
  readVirtual(va: bigint, len: number): Uint8Array | undefined {
    this.synchronizeState();
    return readVirtualDebug(this.cpu, va, len);
  }
}

/**
 * cpu_memory_rw_debug for reads: `len` bytes at virtual address `va`, translated with the
 * translation registers `cpu` holds (at its current EL), a copy; undefined when a byte is not
 * RAM or does not translate. Never raises a guest exception.
 */
export function readVirtualDebug(cpu: Cpu, va: bigint, len: number): Uint8Array | undefined {
  const b = new GuestMemory(cpu).read(va, len);
  return b === undefined ? undefined : b.slice();
}
