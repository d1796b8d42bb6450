// A small stand-in for the virtual vCPU (src/kvmcompat/vcpu.ts, written in parallel), for
// the sync tests until that one is merged: it follows the kernel's rules for the calls the
// sync uses and no more. The kernel-side state is an a64emu Cpu with EL2 (the hypervisor's
// place: BRK with guest debugging and HVC trap there, as under KVM); reset values and the
// register list are the real kernel's, read from a recorded trace (tests/kvm/fixtures).
// Rules, from Linux 6.1 arch/arm64/kvm:
// - KVM_GET_REG_LIST: E2BIG with the count when n is short (arm.c kvm_arch_vcpu_ioctl).
// - core registers (guest.c get/set_core_reg, core_reg_size_from_offset): an offset that is
//   not the start of a field, or a size that is not the field's, is EINVAL; a PSTATE
//   mode other than EL0t/EL1t/EL1h is EINVAL (AArch32 modes need a 32-bit vCPU).
// - sysregs (sys_regs.c kvm_arm_sys_reg_get/set_reg): an ID not in the list, or with a size
//   field other than U64, is ENOENT; the invariant registers (MIDR, REVIDR, CLIDR, AIDR,
//   CTR_EL0: get/set_invariant_sys_reg) and the ID registers (op0 3, op1 0, CRn 0, CRm 1-7:
//   set_id_reg) refuse a different value with EINVAL; DEMUX CCSIDR likewise
//   (demux_c15_set).
// - KVM_SET_GUEST_DEBUG with ENABLE sets MDCR_EL2.TDE (debug.c kvm_arm_setup_debug), so a
//   guest BRK exits with KVM_EXIT_DEBUG, hsr = ESR_EL2 (handle_exit.c kvm_handle_guest_debug).
// - HVC: PSCI SYSTEM_OFF / SYSTEM_RESET exit with KVM_EXIT_SYSTEM_EVENT; any other function
//   returns SMCCC_RET_NOT_SUPPORTED (-1) in x0 without an exit (hypercalls.c).
// Not modelled: MMIO exits (the bus has RAM only), single step, PMU, SVE.

import { readFileSync } from 'node:fs';
import { Cpu } from '../../../src/cpu/cpu.js';
import { exceptionReturn } from '../../../src/cpu/exception.js';
import { MODELS, modelForEl } from '../../../src/cpu/models.js';
import { Runner } from '../../../src/cpu/run.js';
import { Slot } from '../../../src/cpu/state.js';
import { getV, setV } from '../../../src/cpu/vreg.js';
import type { PhysBus } from '../../../src/mmu/memory.js';
import { Flag, hasRaw, readRaw, sysregTable, writeRaw, type SysregRow } from '../../../src/sysregs/table.js';
import {
  KVM_ARM_VCPU_POWER_OFF, KVM_ARM_VCPU_PSCI_0_2, KVM_EXIT_DEBUG, KVM_EXIT_INTR, KVM_EXIT_SYSTEM_EVENT,
  KVM_GUESTDBG_ENABLE, KVM_GUESTDBG_SINGLESTEP, KVM_SYSTEM_EVENT_RESET, KVM_SYSTEM_EVENT_SHUTDOWN,
  type KvmRun, type KvmVcpuApi, type KvmVcpuEvents, type KvmVcpuInit,
} from '../../../src/kvmcompat/api.js';
import { KvmError } from '../../../src/kvmcompat/errno.js';
import { readPstate, writePstate } from '../../../src/kvmcompat/coreregs.js';
import {
  CORE_ELR_EL1, CORE_FPCR, CORE_FPSR, CORE_PC, CORE_PSTATE, CORE_SP, CORE_SP_EL1, CORE_SPSR0, CORE_V0, CORE_WORDS,
  KVM_REG_ARCH_MASK, KVM_REG_ARM64, KVM_REG_ARM64_SYSREG, KVM_REG_ARM_COPROC_MASK, KVM_REG_ARM_CORE, KVM_REG_ARM_DEMUX,
  KVM_REG_SIZE_MASK, KVM_REG_SIZE_U128, KVM_REG_SIZE_U32, KVM_REG_SIZE_U64, type RegId,
} from '../../../src/kvmcompat/regid.js';

export const FIXTURES = new URL('../fixtures/', import.meta.url);

/** The `reset ID VALUE` lines of a recorded trace, in the kernel's order. */
export function fixtureResets(file: string): { id: RegId; value: bigint }[] {
  const text = readFileSync(new URL(file, FIXTURES), 'utf8');
  const out: { id: RegId; value: bigint }[] = [];
  for (const line of text.split('\n')) {
    const m = /^reset (0x[0-9a-f]+) (0x[0-9a-f]+)$/.exec(line);
    if (m) out.push({ id: BigInt(m[1]), value: BigInt(m[2]) });
  }
  return out;
}

const PSCI_SYSTEM_OFF = 0x84000008n;
const PSCI_SYSTEM_RESET = 0x84000009n;
const EC_HVC64 = 0x16;
const EC_BRK64 = 0x3c;
const MDCR_TDE = 1n << 8n;
const HCR_RW = 1n << 31n;

const ID = (op0: number, op1: number, crn: number, crm: number, op2: number): number =>
  (op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2;
const INVARIANT = new Set([ID(3, 0, 0, 0, 0), ID(3, 0, 0, 0, 6), ID(3, 1, 0, 0, 1), ID(3, 1, 0, 0, 7), ID(3, 3, 0, 0, 1)]);
const isIdReg = (enc: number): boolean => enc >> 7 === ID(3, 0, 0, 0, 0) >> 7 && ((enc >> 3) & 15) >= 1 && ((enc >> 3) & 15) <= 7;

/** The size of the struct kvm_regs field at word offset `off` (core_reg_size_from_offset), or undefined. */
function coreSize(off: number): bigint | undefined {
  if (off < CORE_V0) return off % 2 === 0 && off <= CORE_SPSR0 + 8 ? KVM_REG_SIZE_U64 : undefined;
  if (off < CORE_FPSR) return (off - CORE_V0) % 4 === 0 ? KVM_REG_SIZE_U128 : undefined;
  if (off === CORE_FPSR || off === CORE_FPCR) return KVM_REG_SIZE_U32;
  return undefined;
}

export interface FakeVcpuOptions {
  /** CPU model name (the kernel-side Cpu gets EL2 on top). */
  model: string;
  /** The guest's memory (shared with the userspace side, as KVM memory slots are). */
  bus: PhysBus;
  /** The recorded trace whose register list and reset values the kernel has. */
  fixture: string;
}

export class FakeVcpu implements KvmVcpuApi {
  readonly kcpu: Cpu;
  private readonly runner: Runner;
  private readonly resets: { id: RegId; value: bigint }[];
  private readonly listed: Set<RegId>;
  /** IDs kept outside the kernel-side Cpu (CONST/absent rows, firmware, DEMUX, timer). */
  private readonly overlay = new Map<RegId, bigint>();
  private readonly spsr32 = [0n, 0n, 0n, 0n];
  private inited = false;
  private guestDebug = 0;
  /** Every KVM_SET_ONE_REG that succeeded, in order (for tests). */
  readonly setLog: { id: RegId; value: bigint }[] = [];
  private trapped = false;
  readonly run: KvmRun = {
    exitReason: 0,
    mmio: { physAddr: 0n, data: new Uint8Array(8), len: 0, isWrite: false },
    systemEvent: { type: 0, flags: [] },
    debug: { hsr: 0, far: 0n },
    hypercall: { nr: 0n, args: [], ret: 0n },
    immediateExit: false,
  };

  constructor(opts: FakeVcpuOptions) {
    this.kcpu = new Cpu(opts.bus, modelForEl(MODELS[opts.model], 2));
    this.kcpu.onException = (_kind, _from, target) => {
      if (target === 2) {
        this.trapped = true;
        this.kcpu.stop = { kind: 'limit' };
      }
    };
    this.runner = new Runner(this.kcpu);
    this.resets = fixtureResets(opts.fixture);
    this.listed = new Set(this.resets.map((r) => r.id));
  }

  /** The kernel-side row of a listed sysreg ID that the Cpu stores (else the overlay holds it). */
  private row(id: RegId): SysregRow | undefined {
    const enc = Number(id & 0xffffn);
    if (INVARIANT.has(enc) || isIdReg(enc)) return undefined;
    const row = sysregTable(this.kcpu.model).byKey.get(enc);
    if (row === undefined || row.constValue !== undefined || !hasRaw(row) || (row.flags & Flag.ALIAS) !== 0) return undefined;
    // The timer IDs carry each other's encodings: keep them as plain values.
    if (row.name.startsWith('CNTV')) return undefined;
    return row;
  }

  private invariant(id: RegId): boolean {
    if ((id & KVM_REG_ARM_COPROC_MASK) === KVM_REG_ARM_DEMUX) return true;
    const enc = Number(id & 0xffffn);
    return (id & KVM_REG_ARM_COPROC_MASK) === KVM_REG_ARM64_SYSREG && (INVARIANT.has(enc) || isIdReg(enc));
  }

  private checkInit(): void {
    if (!this.inited) throw new KvmError('ENOEXEC', 'vCPU not initialised');
  }

  init(init: KvmVcpuInit): void {
    const allowed = (1 << KVM_ARM_VCPU_PSCI_0_2) | (1 << KVM_ARM_VCPU_POWER_OFF);
    if ((init.features[0] ?? 0) & ~allowed) throw new KvmError('EINVAL', 'feature not modelled by the fake vCPU');
    const c = this.kcpu;
    c.resetTo(1, 0n);
    c.x[Slot.HCR_EL2] = HCR_RW;
    c.x[Slot.MDCR_EL2] = this.guestDebug & KVM_GUESTDBG_ENABLE ? MDCR_TDE : 0n;
    this.overlay.clear();
    for (const { id, value } of this.resets) this.store(id, value);
    c.contextChanged();
    this.inited = true;
  }

  getRegList(n: number, sizeOut?: { n: number }): RegId[] {
    this.checkInit();
    if (sizeOut) sizeOut.n = this.resets.length;
    if (n < this.resets.length) throw new KvmError('E2BIG');
    return this.resets.map((r) => r.id);
  }

  /** Validates an ID as the kernel does; returns the core word offset for core IDs. */
  private check(id: RegId): number | undefined {
    if ((id & KVM_REG_ARCH_MASK) !== KVM_REG_ARM64) throw new KvmError('EINVAL');
    if ((id & KVM_REG_ARM_COPROC_MASK) === KVM_REG_ARM_CORE) {
      const off = Number(id & 0xffffn);
      if (off >= CORE_WORDS || coreSize(off) !== (id & KVM_REG_SIZE_MASK)) throw new KvmError('EINVAL');
      return off;
    }
    if (!this.listed.has(id)) throw new KvmError('ENOENT');
    return undefined;
  }

  getOneReg(id: RegId): bigint {
    this.checkInit();
    const off = this.check(id);
    const c = this.kcpu;
    if (off !== undefined) {
      if (off < CORE_SP) return c.x[off / 2];
      if (off === CORE_SP) return c.getSpEl(0);
      if (off === CORE_PC) return c.pc;
      if (off === CORE_PSTATE) return readPstate(c);
      if (off === CORE_SP_EL1) return c.getSpEl(1);
      if (off === CORE_ELR_EL1) return c.x[Slot.ELR_EL1];
      if (off === CORE_SPSR0) return c.x[Slot.SPSR_EL1];
      if (off < CORE_V0) return this.spsr32[(off - CORE_SPSR0) / 2 - 1];
      if (off < CORE_FPSR) return getV(c, (off - CORE_V0) / 4);
      return c.x[off === CORE_FPSR ? Slot.FPSR : Slot.FPCR] & 0xffffffffn;
    }
    const row = this.row(id);
    return row !== undefined ? readRaw(c, row)! : this.overlay.get(id)!;
  }

  setOneReg(id: RegId, value: bigint): void {
    this.checkInit();
    const off = this.check(id);
    if (off === CORE_PSTATE && ![0, 4, 5].includes(Number(value & 0x1fn))) throw new KvmError('EINVAL');
    if (off === undefined && this.invariant(id) && value !== this.getOneReg(id)) throw new KvmError('EINVAL');
    this.store(id, value);
    this.setLog.push({ id, value });
  }

  private store(id: RegId, value: bigint): void {
    const c = this.kcpu;
    if ((id & KVM_REG_ARM_COPROC_MASK) === KVM_REG_ARM_CORE) {
      const off = Number(id & 0xffffn);
      if (off < CORE_SP) c.x[off / 2] = value;
      else if (off === CORE_SP) c.setSpEl(0, value);
      else if (off === CORE_PC) c.pc = value;
      else if (off === CORE_PSTATE) writePstate(c, value);
      else if (off === CORE_SP_EL1) c.setSpEl(1, value);
      else if (off === CORE_ELR_EL1) c.x[Slot.ELR_EL1] = value;
      else if (off === CORE_SPSR0) c.x[Slot.SPSR_EL1] = value;
      else if (off < CORE_V0) this.spsr32[(off - CORE_SPSR0) / 2 - 1] = value;
      else if (off < CORE_FPSR) setV(c, (off - CORE_V0) / 4, value);
      else c.x[off === CORE_FPSR ? Slot.FPSR : Slot.FPCR] = value & 0xffffffffn;
      return;
    }
    const row = this.row(id);
    if (row !== undefined) writeRaw(c, row, value);
    else this.overlay.set(id, (id & KVM_REG_SIZE_MASK) === KVM_REG_SIZE_U32 ? value & 0xffffffffn : value);
  }

  setGuestDebug(control: number): void {
    if (control & KVM_GUESTDBG_SINGLESTEP) throw new KvmError('EINVAL', 'single step is not modelled by the fake vCPU');
    this.guestDebug = control;
    this.kcpu.x[Slot.MDCR_EL2] = control & KVM_GUESTDBG_ENABLE ? MDCR_TDE : 0n;
  }

  runOnce(): void {
    this.checkInit();
    const run = this.run;
    if (run.immediateExit) {
      run.exitReason = KVM_EXIT_INTR;
      return;
    }
    const c = this.kcpu;
    for (let budget = 1_000_000; budget > 0; ) {
      this.trapped = false;
      c.stop = null;
      budget -= this.runner.run(Math.min(budget, 10_000));
      if (!this.trapped) continue;
      const esr = Number(c.x[Slot.ESR_EL1 + 1] & 0xffffffffn);
      const ec = esr >>> 26;
      const far = c.x[Slot.FAR_EL1 + 1];
      // Back to the guest as the hypervisor's ERET would (ELR_EL2/SPSR_EL2).
      c.eret();
      if (ec === EC_BRK64) {
        run.exitReason = KVM_EXIT_DEBUG;
        run.debug = { hsr: esr, far };
        return;
      }
      if (ec === EC_HVC64) {
        const fn = c.x[0];
        if (fn === PSCI_SYSTEM_OFF || fn === PSCI_SYSTEM_RESET) {
          run.exitReason = KVM_EXIT_SYSTEM_EVENT;
          run.systemEvent = { type: fn === PSCI_SYSTEM_OFF ? KVM_SYSTEM_EVENT_SHUTDOWN : KVM_SYSTEM_EVENT_RESET, flags: [] };
          return;
        }
        c.x[0] = 0xffffffffffffffffn; // SMCCC_RET_NOT_SUPPORTED
        continue;
      }
      throw new Error(`fake vCPU: unexpected trap to EL2, ESR_EL2 ${esr.toString(16)}`);
    }
    throw new Error('fake vCPU: the guest ran 1M instructions without an exit');
  }

  getVcpuEvents(): KvmVcpuEvents {
    return { exception: { serrorPending: false, serrorHasEsr: false, extDabtPending: false, serrorEsr: 0n } };
  }

  setVcpuEvents(_events: KvmVcpuEvents): void {}
}
