// The virtual vCPU: one Cpu of a KVM model (the chosen model with EL2 and the KVM profile's
// ID values, profile.ts) run at EL1 under a hypervisor written here in TypeScript, with the
// kernel's semantics (Linux 6.1 arch/arm64/kvm: guest.c, reset.c, sys_regs.c, psci.c,
// hypercalls.c, mmio.c, handle_exit.c). As KVM does, the hypervisor learns about the guest
// only from exceptions taken to EL2: a stage 2 identity map of the memory slot (tables in RAM
// beyond the slot, which stage 2 does not map) turns every access outside the slot into a
// Data Abort with ESR_EL2 (ISV, SAS, SSE, SRT, SF, WnR) and HPFAR_EL2; HVC, and SMC through
// HCR_EL2.TSC, trap to EL2; BRK with MDCR_EL2.TDE while guest debug asks for it. Each one
// stops the run loop (Cpu.onException), is handled here, and the guest resumes by ERET.

import { Cpu, type Platform, type StopReason } from '../cpu/cpu.js';
import { MODELS, type CpuModel, type IdValues } from '../cpu/models.js';
import { Runner } from '../cpu/run.js';
import { ExcKind, ExceptionRecord, esrOf, takeException } from '../cpu/exception.js';
import { Slot } from '../cpu/state.js';
import { vd } from '../cpu/vreg.js';
import { Bus } from '../machine/bus.js';
import { COUNTER_FREQUENCY } from '../machine/virt.js';
import { Cnthctl, HcrEl2, Mdcr } from '../sysregs/bits.js';
import { encodingKey, readRaw, sysregTable, writeRaw, type SysregRow } from '../sysregs/table.js';
import {
  KVM_ARM_VCPU_EL1_32BIT, KVM_ARM_VCPU_PMU_V3, KVM_ARM_VCPU_POWER_OFF, KVM_ARM_VCPU_PSCI_0_2,
  KVM_ARM_VCPU_PTRAUTH_ADDRESS, KVM_ARM_VCPU_PTRAUTH_GENERIC, KVM_ARM_VCPU_SVE,
  KVM_EXIT_DEBUG, KVM_EXIT_INTR, KVM_EXIT_MMIO, KVM_EXIT_SYSTEM_EVENT, KVM_EXIT_UNKNOWN,
  KVM_GUESTDBG_ENABLE, KVM_GUESTDBG_SINGLESTEP, KVM_GUESTDBG_USE_HW, KVM_GUESTDBG_USE_SW_BP,
  type KvmRun, type KvmVcpuApi, type KvmVcpuEvents, type KvmVcpuInit,
} from './api.js';
import { KvmError } from './errno.js';
import { writePstate } from './coreregs.js';
import { hypercall } from './hypercalls.js';
import {
  KVM_ARM_PSCI_0_1, KVM_ARM_PSCI_0_2, KVM_ARM_PSCI_1_0, KVM_ARM_PSCI_1_1, KVM_FW_BMAP_RESET, KVM_INVARIANT,
  KVM_UNKNOWN, kvmIdValues, kvmSysregList, kvmTarget, kvmWorkaroundLevels, type KvmSysregDesc,
} from './profile.js';
import {
  CORE_ELR_EL1, CORE_FPSR, CORE_PC, CORE_PSTATE, CORE_SP, CORE_SP_EL1, CORE_SPSR0, CORE_V0, CORE_WORDS,
  KVM_REG_ARM64, KVM_REG_ARM64_SVE, KVM_REG_ARM64_SYSREG, KVM_REG_ARM_COPROC_MASK, KVM_REG_ARM_CORE, KVM_REG_ARM_DEMUX,
  KVM_REG_ARM_FW, KVM_REG_ARM_FW_FEAT_BMAP, KVM_REG_ARM_TIMER_CNT, KVM_REG_ARM_TIMER_CTL, KVM_REG_ARM_TIMER_CVAL,
  KVM_REG_SIZE_MASK, KVM_REG_SIZE_U128, KVM_REG_SIZE_U32, KVM_REG_SIZE_U64, ccsidrId, coreId, fwBmapId, fwId,
  coreMemberBytes, regSizeBytes, sysregId, type RegId,
} from './regid.js';

const M64 = (1n << 64n) - 1n;
/** HCR_EL2.VM (bit 0, stage 2 on) and SWIO (bit 1), which sysregs/bits.ts does not name. */
const HCR_VM = 1 << 0;
const HCR_SWIO = 1 << 1;
const GiB = 0x4000_0000;

/** One memory slot (KVM_SET_USER_MEMORY_REGION): `bytes` is copied in at IPA `ipa`. */
export interface KvmMemorySlot {
  ipa: number;
  /** The slot's size (a multiple of 4 KiB; default: bytes.length rounded up). */
  size?: number;
  bytes?: Uint8Array;
}

export interface KvmVcpuOptions {
  /** CPU model name (default cortex-a57). */
  cpu?: string;
  /** One slot (default: 2 MiB at IPA 0x40000000, as kvm-probe.c). */
  memory?: KvmMemorySlot[];
  /**
   * Steps one runOnce() may take before it returns KVM_EXIT_INTR, as a signal would end a
   * KVM_RUN that never exits (default 100 M).
   */
  maxSteps?: number;
}

/** The stop reason the EL2 hook sets (compared by identity: an exception the hypervisor handles). */
const TRAP: StopReason = { kind: 'limit' };

/**
 * KVM models: the model with EL2 (KVM's guest runs under EL2) and the sanitised ID values,
 * which depend on KVM_ARM_VCPU_PMU_V3 (one model, so one cpreg table, per pair).
 */
const KVM_MODELS = new Map<string, CpuModel>();
export function kvmModel(name: string, pmu = false): CpuModel {
  const key = `${name}${pmu ? '+pmu' : ''}`;
  let m = KVM_MODELS.get(key);
  if (m === undefined) {
    const base = MODELS[name];
    if (base === undefined) throw new Error(`unknown CPU model '${name}' (known: ${Object.keys(MODELS).join(', ')})`);
    m = { ...base, features: { ...base.features, EL2: true, EL3: false }, idExact: kvmIdValues(base, pmu) };
    KVM_MODELS.set(key, m);
  }
  return m;
}

/** The ID values userspace sees where they differ from the guest's (profile.ts `userspace` rules). */
const KVM_USER_IDS = new Map<string, IdValues>();
function kvmUserIds(name: string, pmu: boolean): IdValues {
  const key = `${name}${pmu ? '+pmu' : ''}`;
  let ids = KVM_USER_IDS.get(key);
  if (ids === undefined) {
    const base = MODELS[name]!;
    const guest = kvmIdValues(base, pmu);
    ids = Object.fromEntries(Object.entries(kvmIdValues(base, pmu, true)).filter(([k, v]) => guest[k] !== v));
    KVM_USER_IDS.set(key, ids);
  }
  return ids;
}

/** ESR_ELx.EC values the hypervisor handles (Arm ARM D17.2.37). */
const EC_UNKNOWN = 0x00;
const EC_HVC64 = 0x16;
const EC_SMC64 = 0x17;
const EC_SYSREG = 0x18;
const EC_IABT_LOW = 0x20;
const EC_DABT_LOW = 0x24;
const EC_SOFTSTP_LOW = 0x32;
const EC_BRK64 = 0x3c;

interface PendingMmio {
  isWrite: boolean;
  len: number;
  rt: number;
  sse: boolean;
  sf: boolean;
}

export class KvmVcpu implements KvmVcpuApi {
  /** The KVM model (kvmModel): set by the first KVM_ARM_VCPU_INIT's PMU_V3 feature. */
  model: CpuModel;
  cpu: Cpu;
  /** The guest's memory slot, as userspace maps it (reads and writes go straight to guest RAM). */
  readonly memory: Uint8Array;
  readonly slotIpa: number;
  readonly run: KvmRun = {
    exitReason: KVM_EXIT_UNKNOWN,
    mmio: { physAddr: 0n, data: new Uint8Array(8), len: 0, isWrite: false },
    systemEvent: { type: 0, flags: [] },
    debug: { hsr: 0, far: 0n },
    hypercall: { nr: 0n, args: [], ret: 0n },
    immediateExit: false,
  };

  private runner: Runner;
  private readonly maxSteps: number;
  private readonly cpuName: string;
  /** kvm_vcpu_init: -1 until KVM_ARM_VCPU_INIT succeeds. */
  private target = -1;
  private features = 0;
  /** The VM's PSCI version register (kvm->arch.psci_version). */
  private psciVersion = KVM_ARM_PSCI_1_1;
  private readonly bitmaps = [...KVM_FW_BMAP_RESET];
  private hasRun = false;
  private poweredOff = false;
  private guestDebug = 0;
  private mmio: PendingMmio | null = null;
  /**
   * Values KVM keeps that no a64emu row holds (the debug registers beyond the model's six
   * breakpoints and four watchpoints, the AArch32 EL1 state, DISR_EL1 without FEAT_RAS, the
   * AArch32 SPSRs), and values written to a CONST row (ACTLR_EL1, AFSR0/1_EL1, AMAIR_EL1)
   * until a KVM_RUN loads them into the CPU, which keeps none (as the host's would).
   */
  private readonly shadow = new Map<RegId, bigint>();
  /** Instructions run before the last reset, so that the counter never goes back. */
  private timeBase = 0;
  private sysregs: readonly KvmSysregDesc[];
  private readonly rows = new Map<RegId, SysregRow>();

  constructor(opts: KvmVcpuOptions = {}) {
    this.model = kvmModel(opts.cpu ?? 'cortex-a57');
    this.cpuName = opts.cpu ?? 'cortex-a57';
    const slot = opts.memory?.[0] ?? { ipa: 0x4000_0000, size: 0x20_0000 };
    if ((opts.memory?.length ?? 1) !== 1) throw new Error('kvm vcpu: exactly one memory slot is supported');
    const size = slot.size ?? Math.ceil((slot.bytes?.length ?? 0) / 4096) * 4096;
    if (size <= 0 || size % 4096 !== 0 || slot.ipa % 4096 !== 0 || slot.ipa + size > 2 ** 40) {
      throw new Error('kvm vcpu: the slot must be 4 KiB aligned, non-empty and below 2^40');
    }
    if (slot.bytes !== undefined && slot.bytes.length > size) throw new Error(`kvm vcpu: ${slot.bytes.length} bytes do not fit the ${size}-byte slot`);
    this.slotIpa = slot.ipa;
    const tablePages = 2 + Math.ceil(size / GiB) + Math.ceil(size / 0x20_0000) + 2;
    const bus = new Bus({ ramBase: slot.ipa, ramSize: size + tablePages * 4096 });
    this.memory = bus.ram.subarray(0, size);
    if (slot.bytes !== undefined) this.memory.set(slot.bytes);
    this.buildStage2(bus, size);
    const platform: Platform = {
      counter: (_cpu, icount) => BigInt(Math.floor((this.timeBase + icount) / 16)),
      counterFrequency: COUNTER_FREQUENCY,
    };
    this.bus = bus;
    this.platform = platform;
    this.maxSteps = opts.maxSteps ?? 100_000_000;
    this.sysregs = kvmSysregList(false);
    [this.cpu, this.runner] = this.build(this.model);
  }

  private readonly bus: Bus;
  private readonly platform: Platform;

  /** The CPU of a KVM model, with the EL2 hook; its table's rows by KVM ID. */
  private build(model: CpuModel): [Cpu, Runner] {
    const cpu = new Cpu(this.bus, model, this.platform);
    cpu.onException = (_kind, _from, target) => {
      if (target === 2) cpu.stop = TRAP;
    };
    this.rows.clear();
    for (const row of sysregTable(model).rows) this.rows.set(sysregId(row.op0, row.op1, row.crn, row.crm, row.op2), row);
    return [cpu, new Runner(cpu)];
  }

  // ---- stage 2 ----------------------------------------------------------------------------

  private vttbr = 0n;

  /**
   * An identity stage 2 map of the slot with 4 KiB pages, read/write/execute, Normal
   * write-back memory: a 40-bit IPA space (VTCR_EL2.T0SZ = 24) starting at level 1 with two
   * concatenated tables, as KVM's default IPA size. The tables sit after the slot in RAM.
   */
  private buildStage2(bus: Bus, size: number): void {
    const ram = new DataView(bus.ram.buffer, bus.ram.byteOffset, bus.ram.byteLength);
    // The two concatenated level 1 tables must be 8 KiB aligned (AArch64.S2Walk aligns
    // VTTBR_EL2.BADDR down to their size): after a slot of an odd number of pages, a pad page.
    let next = size + (size & 0x1000);
    const alloc = (pages: number): number => {
      const off = next;
      next += pages * 4096;
      return off;
    };
    const put = (off: number, v: bigint): void => ram.setBigUint64(off, v, true);
    const get = (off: number): bigint => ram.getBigUint64(off, true);
    const l1 = alloc(2);
    const pa = (off: number): bigint => BigInt(bus.ramBase + off);
    for (let a = 0; a < size; a += 4096) {
      const ipa = this.slotIpa + a;
      const i1 = Math.floor(ipa / GiB);
      let d1 = get(l1 + 8 * i1);
      if (d1 === 0n) {
        d1 = pa(alloc(1)) | 3n;
        put(l1 + 8 * i1, d1);
      }
      const l2 = Number((d1 & 0xffff_ffff_f000n) - BigInt(bus.ramBase));
      const i2 = Math.floor(ipa / 0x20_0000) & 511;
      let d2 = get(l2 + 8 * i2);
      if (d2 === 0n) {
        d2 = pa(alloc(1)) | 3n;
        put(l2 + 8 * i2, d2);
      }
      const l3 = Number((d2 & 0xffff_ffff_f000n) - BigInt(bus.ramBase));
      const i3 = Math.floor(ipa / 4096) & 511;
      // Page: AF (bit 10), SH inner (3 << 8), S2AP read/write (3 << 6), MemAttr Normal WB (0xf << 2).
      put(l3 + 8 * i3, BigInt(ipa) | (1n << 10n) | (3n << 8n) | (3n << 6n) | (0xfn << 2n) | 3n);
    }
    this.vttbr = (1n << 48n) | pa(l1); // VMID 1
  }

  /** The EL2 state of the hypervisor (HCR_EL2 as KVM's HCR_GUEST_FLAGS where a64emu models them). */
  private setHypervisorState(): void {
    const x = this.cpu.x;
    // VM: stage 2; SWIO; FMO/IMO/AMO: physical interrupts to EL2; TSC: SMC traps; RW: EL1 is AArch64.
    // Not TIDCP, which KVM sets: the recorded host (QEMU 7.2) ignores it, so the real traces
    // show the guest reading CBAR_EL1 (tests/kvm/fixtures/mmu-*.txt); on silicon KVM would
    // inject UNDEF for the IMPLEMENTATION DEFINED registers.
    const hcr = HCR_VM | HCR_SWIO | HcrEl2.FMO | HcrEl2.IMO | HcrEl2.AMO | HcrEl2.TSC;
    // A virtual SError stays pending (HCR_EL2.VSE) until the guest takes it.
    x[Slot.HCR_EL2] = BigInt(hcr >>> 0) | (1n << 31n) | (x[Slot.HCR_EL2] & BigInt(HcrEl2.VSE));
    // T0SZ 24 (40-bit IPA), SL0 1 (level 1), IRGN0/ORGN0 write-back, SH0 inner, TG0 4 KiB, PS 40 bits, RES1 bit 31.
    x[Slot.VTCR_EL2] = 24n | (1n << 6n) | (1n << 8n) | (1n << 10n) | (3n << 12n) | (2n << 16n) | (1n << 31n);
    x[Slot.VTTBR_EL2] = this.vttbr;
    x[Slot.CNTHCTL_EL2] = BigInt(Cnthctl.EL1PCTEN | Cnthctl.EL1PCEN);
    // TDE for guest debug; without a vCPU PMU, TPM/TPMCR trap the PMU registers (KVM injects UNDEF).
    const pmuTraps = this.hasFeature(KVM_ARM_VCPU_PMU_V3) ? 0 : Mdcr.TPM | Mdcr.TPMCR;
    x[Slot.MDCR_EL2] = BigInt(((this.guestDebug & KVM_GUESTDBG_ENABLE ? Mdcr.TDE : 0) | pmuTraps) >>> 0);
    this.cpu.contextChanged();
  }

  // ---- KVM_ARM_VCPU_INIT ---------------------------------------------------------------------

  init(init: KvmVcpuInit): void {
    if (init.target !== kvmTarget(this.model)) throw new KvmError('EINVAL', `target ${init.target} is not the host's`);
    const f = init.features[0] ?? 0;
    // kvm_vcpu_set_target: a bit beyond KVM_VCPU_MAX_FEATURES (7) is ENOENT.
    if ((f >>> 7) !== 0 || init.features.slice(1).some((w) => w !== 0)) throw new KvmError('ENOENT', 'unknown feature bit');
    // A second KVM_ARM_VCPU_INIT must give the same features (kvm_vcpu_set_target).
    if (this.target !== -1 && f !== this.features) throw new KvmError('EINVAL', 'features differ from the first KVM_ARM_VCPU_INIT');
    // kvm_reset_vcpu's checks, with a64emu's answers: no AArch32, SVE or pointer authentication.
    const has = (bit: number): boolean => (f & (1 << bit)) !== 0;
    if (has(KVM_ARM_VCPU_EL1_32BIT)) throw new KvmError('EINVAL', 'AArch32 EL1 is not implemented');
    if (has(KVM_ARM_VCPU_SVE)) throw new KvmError('EINVAL', 'SVE is not implemented');
    if (has(KVM_ARM_VCPU_PTRAUTH_ADDRESS) || has(KVM_ARM_VCPU_PTRAUTH_GENERIC)) {
      throw new KvmError('EINVAL', 'pointer authentication is not implemented');
    }
    if (this.target === -1 && has(KVM_ARM_VCPU_PMU_V3)) {
      // The PMU changes the ID registers the guest reads: the CPU of the PMU model.
      this.model = kvmModel(this.cpuName, true);
      [this.cpu, this.runner] = this.build(this.model);
    }
    this.target = init.target;
    this.features = f;
    this.sysregs = kvmSysregList(has(KVM_ARM_VCPU_PMU_V3));
    this.reset();
    this.poweredOff = has(KVM_ARM_VCPU_POWER_OFF);
  }

  private hasFeature(bit: number): boolean {
    return (this.features & (1 << bit)) !== 0;
  }

  /** kvm_reset_vcpu: core registers, the sys_reg_descs resets, the timer. */
  private reset(): void {
    const cpu = this.cpu;
    this.timeBase += cpu.icount;
    const cntvoff = cpu.x[Slot.CNTVOFF_EL2];
    cpu.resetTo(1, 0n);
    // PSTATE = PSR_MODE_EL1h | DAIF masked (reset.c, default_regs_reset): 0x3c5, NZCV 0.
    cpu.nzcv = 0;
    cpu.x[Slot.CNTVOFF_EL2] = cntvoff;
    this.shadow.clear();
    this.mmio = null;
    const mpidr = this.model.qemuId.MPIDR_EL1 ?? 0x8000_0000n;
    cpu.x[Slot.VPIDR_EL2] = this.model.qemuId.MIDR_EL1 ?? 0n;
    cpu.x[Slot.VMPIDR_EL2] = mpidr;
    for (const r of this.sysregs) {
      if (r.reset === 'id' || r.reset === 'mpidr') continue;
      const v = r.reset === 'unknown' ? KVM_UNKNOWN : r.reset;
      this.storeSysreg(sysregId(r.op0, r.op1, r.crn, r.crm, r.op2), v);
    }
    cpu.x[Slot.CNTV_CTL_EL0] = 0n;
    cpu.x[Slot.CNTV_CVAL_EL0] = 0n;
    this.setHypervisorState();
  }

  private requireInit(): void {
    // kvm_vcpu_initialized: the vCPU ioctls other than INIT are ENOEXEC before it.
    if (this.target === -1) throw new KvmError('ENOEXEC', 'KVM_ARM_VCPU_INIT first');
  }

  // ---- KVM_GET_REG_LIST ------------------------------------------------------------------------

  /** kvm_arm_copy_reg_indices: core, firmware, bitmaps, timer, invariant, the walk, DEMUX CCSIDR. */
  regList(): RegId[] {
    this.requireInit();
    const ids: RegId[] = [];
    for (let off = 0; off < CORE_WORDS; ) {
      const size = coreMemberBytes(off);
      if (size === 0) {
        off++;
        continue;
      }
      ids.push(coreId(off, size === 16 ? KVM_REG_SIZE_U128 : size === 4 ? KVM_REG_SIZE_U32 : KVM_REG_SIZE_U64));
      off += size / 4;
    }
    for (let n = 0; n < 4; n++) ids.push(fwId(n));
    for (let n = 0; n < 3; n++) ids.push(fwBmapId(n));
    ids.push(KVM_REG_ARM_TIMER_CTL, KVM_REG_ARM_TIMER_CNT, KVM_REG_ARM_TIMER_CVAL);
    for (const r of KVM_INVARIANT) ids.push(sysregId(r.op0, r.op1, r.crn, r.crm, r.op2));
    for (const r of this.sysregs) ids.push(sysregId(r.op0, r.op1, r.crn, r.crm, r.op2));
    for (let csselr = 0; csselr < 14; csselr++) if (this.validCache(csselr)) ids.push(ccsidrId(csselr));
    return ids;
  }

  getRegList(n: number, sizeOut?: { n: number }): RegId[] {
    const ids = this.regList();
    if (sizeOut !== undefined) sizeOut.n = ids.length;
    if (n < ids.length) throw new KvmError('E2BIG', `the list has ${ids.length} registers`);
    return ids;
  }

  // ---- KVM_GET_ONE_REG / KVM_SET_ONE_REG ------------------------------------------------------

  getOneReg(id: RegId): bigint {
    this.requireInit();
    const kind = this.dispatch(id);
    switch (kind) {
      case 'core': return this.getCore(id);
      case 'fw': return this.getFw(id);
      case 'sve': throw new KvmError('ENOENT', 'no SVE');
      case 'timer': return this.getTimer(id);
      case 'demux': return this.getDemux(id);
      default: return this.getSysreg(id);
    }
  }

  setOneReg(id: RegId, value: bigint): void {
    this.requireInit();
    const v = BigInt.asUintN(regSizeBytes(id) * 8, value);
    switch (this.dispatch(id)) {
      case 'core': return this.setCore(id, v);
      case 'fw': return this.setFw(id, v);
      case 'sve': throw new KvmError('ENOENT', 'no SVE');
      case 'timer': return this.setTimer(id, v);
      case 'demux': return this.setDemux(id, v);
      default: return this.setSysreg(id, v);
    }
  }

  /** kvm_arm_get_reg/kvm_arm_set_reg: which handler an ID goes to. */
  private dispatch(id: RegId): 'core' | 'fw' | 'sve' | 'timer' | 'demux' | 'sysreg' {
    // "We currently use nothing arch-specific in upper 32 bits" (guest.c).
    if ((id & ~KVM_REG_SIZE_MASK) >> 32n !== KVM_REG_ARM64 >> 32n) throw new KvmError('EINVAL', 'not an arm64 register ID');
    switch (id & KVM_REG_ARM_COPROC_MASK) {
      case KVM_REG_ARM_CORE: return 'core';
      case KVM_REG_ARM_FW:
      case KVM_REG_ARM_FW_FEAT_BMAP: return 'fw';
      case KVM_REG_ARM64_SVE: return 'sve';
      case KVM_REG_ARM_DEMUX: return 'demux';
    }
    if (id === KVM_REG_ARM_TIMER_CTL || id === KVM_REG_ARM_TIMER_CNT || id === KVM_REG_ARM_TIMER_CVAL) return 'timer';
    return 'sysreg';
  }

  // core registers (guest.c: get_core_reg, set_core_reg, core_reg_size_from_offset)

  private coreOffset(id: RegId): number {
    const off = Number(id & 0xffffn) | 0;
    const raw = id & ~(KVM_REG_ARM64 | KVM_REG_SIZE_MASK | KVM_REG_ARM_CORE);
    const size = regSizeBytes(id);
    if (raw >= BigInt(CORE_WORDS) || off + size / 4 >= CORE_WORDS) throw new KvmError('ENOENT', 'beyond struct kvm_regs');
    const want = coreMemberBytes(off);
    if (want === 0 || off % (want / 4) !== 0) throw new KvmError('EINVAL', `no core register at offset ${off}`);
    if (size !== want) throw new KvmError('EINVAL', `core register at offset ${off} has ${want} bytes`);
    return off;
  }

  private getCore(id: RegId): bigint {
    const off = this.coreOffset(id);
    const cpu = this.cpu;
    if (off < CORE_SP) return cpu.x[off / 2];
    if (off === CORE_SP) return cpu.getSpEl(0);
    if (off === CORE_PC) return cpu.x[Slot.PC];
    if (off === CORE_PSTATE) return BigInt(cpu.spsrBits);
    if (off === CORE_SP_EL1) return cpu.getSpEl(1);
    if (off === CORE_ELR_EL1) return cpu.x[Slot.ELR_EL1];
    if (off === CORE_SPSR0) return cpu.x[Slot.SPSR_EL1];
    if (off < CORE_V0) return this.shadow.get(id) ?? 0n;
    if (off < CORE_FPSR) {
      const s = vd((off - CORE_V0) / 4);
      return cpu.x[s] | (cpu.x[s + 1] << 64n);
    }
    return cpu.x[off === CORE_FPSR ? Slot.FPSR : Slot.FPCR];
  }

  private setCore(id: RegId, v: bigint): void {
    const off = this.coreOffset(id);
    const cpu = this.cpu;
    if (off === CORE_PSTATE) {
      // set_core_reg: the mode must be an AArch64 EL0t/EL1t/EL1h (the AArch32 modes need
      // AArch32, which a64emu does not implement: EINVAL, as for a host without it).
      const mode = Number(v & 0x1fn);
      if (mode !== 0 && mode !== 4 && mode !== 5) throw new KvmError('EINVAL', `PSTATE mode 0x${mode.toString(16)}`);
      writePstate(cpu, v);
      return;
    }
    if (off < CORE_SP) cpu.x[off / 2] = v;
    else if (off === CORE_SP) cpu.setSpEl(0, v);
    else if (off === CORE_PC) {
      // A pending MMIO load still completes at the next KVM_RUN and moves on from this PC
      // (kvm_handle_mmio_return only looks at mmio_needed), as in the kernel.
      cpu.x[Slot.PC] = v;
    } else if (off === CORE_SP_EL1) cpu.setSpEl(1, v);
    else if (off === CORE_ELR_EL1) cpu.x[Slot.ELR_EL1] = v;
    else if (off === CORE_SPSR0) cpu.x[Slot.SPSR_EL1] = v;
    else if (off < CORE_V0) this.shadow.set(id, v);
    else if (off < CORE_FPSR) {
      const s = vd((off - CORE_V0) / 4);
      cpu.x[s] = v & M64;
      cpu.x[s + 1] = v >> 64n;
    } else cpu.x[off === CORE_FPSR ? Slot.FPSR : Slot.FPCR] = v;
  }

  // firmware pseudo-registers (hypercalls.c: kvm_arm_get_fw_reg, kvm_arm_set_fw_reg)

  private psciVersionReg(): bigint {
    return this.hasFeature(KVM_ARM_VCPU_PSCI_0_2) ? this.psciVersion : KVM_ARM_PSCI_0_1;
  }

  /** kvm_arm_get_fw_reg/kvm_arm_set_fw_reg switch on the whole ID: any other is ENOENT. */
  private fwIndex(id: RegId): { bmap: boolean; n: number } {
    const n = Number(id & 0xffffn);
    const bmap = (id & KVM_REG_ARM_COPROC_MASK) === KVM_REG_ARM_FW_FEAT_BMAP;
    if (n >= (bmap ? 3 : 4) || id !== (bmap ? fwBmapId(n) : fwId(n))) throw new KvmError('ENOENT', 'no such firmware register');
    return { bmap, n };
  }

  private getFw(id: RegId): bigint {
    const { bmap, n } = this.fwIndex(id);
    if (bmap) return this.bitmaps[n];
    if (n === 0) return this.psciVersionReg();
    return kvmWorkaroundLevels(this.model)[n - 1];
  }

  private setFw(id: RegId, v: bigint): void {
    const { bmap, n } = this.fwIndex(id);
    if (bmap) {
      // kvm_arm_set_fw_reg_bmap: only supported bits; no change once the VM has run.
      if ((v & ~KVM_FW_BMAP_RESET[n]) !== 0n) throw new KvmError('EINVAL', 'unsupported firmware feature');
      if (this.hasRun && v !== this.bitmaps[n]) throw new KvmError('EBUSY', 'the VM has run');
      this.bitmaps[n] = v;
      return;
    }
    const host = kvmWorkaroundLevels(this.model);
    if (n === 0) {
      // PSCI 0.1 without KVM_ARM_VCPU_PSCI_0_2; 0.2, 1.0 or 1.1 with it.
      const wants02 = this.hasFeature(KVM_ARM_VCPU_PSCI_0_2);
      if (v === KVM_ARM_PSCI_0_1 && !wants02) return;
      if ((v === KVM_ARM_PSCI_0_2 || v === KVM_ARM_PSCI_1_0 || v === KVM_ARM_PSCI_1_1) && wants02) {
        this.psciVersion = v;
        return;
      }
      throw new KvmError('EINVAL', 'PSCI version');
    }
    if (n === 1 || n === 3) {
      // WORKAROUND_1/_3: a level no higher than the host's (nothing is stored).
      if ((v & ~0xfn) !== 0n || host[n - 1] < v) throw new KvmError('EINVAL', 'workaround level');
      return;
    }
    // WORKAROUND_2: level (NOT_AVAIL 0, UNKNOWN 1, AVAIL 2, NOT_REQUIRED 3) and ENABLED (bit 4, with AVAIL only).
    if ((v & ~0x1fn) !== 0n) throw new KvmError('EINVAL', 'workaround 2 bits');
    const level = v & 0xfn;
    if ((v & 0x10n) !== 0n && level !== 2n) throw new KvmError('EINVAL', 'workaround 2 enabled without AVAIL');
    if (level > 3n) throw new KvmError('EINVAL', 'workaround 2 level');
    const wa = level <= 1n ? 0n : 3n;
    if (host[1] < wa) throw new KvmError('EINVAL', 'workaround 2 level above the host\'s');
  }

  // timer (arch_timer.c: kvm_arm_timer_get_reg/set_reg; the virtual timer)

  /** The virtual count now: the board's counter minus CNTVOFF_EL2. */
  private virtualCount(): bigint {
    return BigInt.asUintN(64, this.cpu.counterValue(0) - this.cpu.x[Slot.CNTVOFF_EL2]);
  }

  private getTimer(id: RegId): bigint {
    const x = this.cpu.x;
    if (id === KVM_REG_ARM_TIMER_CNT) return this.virtualCount();
    if (id === KVM_REG_ARM_TIMER_CVAL) return x[Slot.CNTV_CVAL_EL0];
    // read_timer_ctl: ISTATUS whenever CVAL <= the count, enabled or not.
    const ctl = x[Slot.CNTV_CTL_EL0] & ~4n;
    return x[Slot.CNTV_CVAL_EL0] <= this.virtualCount() ? ctl | 4n : ctl;
  }

  private setTimer(id: RegId, v: bigint): void {
    const x = this.cpu.x;
    if (id === KVM_REG_ARM_TIMER_CNT) x[Slot.CNTVOFF_EL2] = BigInt.asUintN(64, this.cpu.counterValue(0) - v);
    else if (id === KVM_REG_ARM_TIMER_CVAL) x[Slot.CNTV_CVAL_EL0] = v;
    else x[Slot.CNTV_CTL_EL0] = v & ~4n; // ISTATUS is read-only
  }

  // DEMUX CCSIDR (sys_regs.c: demux_c15_get/set, is_valid_cache)

  private validCache(csselr: number): boolean {
    if (csselr >= 14) return false;
    const clidr = this.model.idExact?.CLIDR_EL1 ?? this.model.qemuId.CLIDR_EL1 ?? 0n;
    const ctype = Number((clidr >> BigInt(3 * (csselr >> 1))) & 7n);
    switch (ctype) {
      case 1: return (csselr & 1) === 1; // instruction only
      case 2: return (csselr & 1) === 0; // data only
      case 3: return true; // separate
      case 4: return (csselr & 1) === 0; // unified
      default: return false;
    }
  }

  private demuxCsselr(id: RegId): number {
    if ((id & ~(KVM_REG_ARM64 | KVM_REG_SIZE_MASK | KVM_REG_ARM_COPROC_MASK | 0xffffn)) !== 0n) throw new KvmError('ENOENT', 'unknown bits');
    if ((id & 0xff00n) !== 0n) throw new KvmError('ENOENT', 'not CCSIDR');
    if ((id & KVM_REG_SIZE_MASK) !== KVM_REG_SIZE_U32) throw new KvmError('ENOENT', 'CCSIDR is U32');
    const csselr = Number(id & 0xffn);
    if (!this.validCache(csselr)) throw new KvmError('ENOENT', `no cache for CSSELR ${csselr}`);
    return csselr;
  }

  private getDemux(id: RegId): bigint {
    return this.model.ccsidr[this.demuxCsselr(id)] ?? 0n;
  }

  private setDemux(id: RegId, v: bigint): void {
    // "This is also invariant: you can't change it."
    if (v !== (this.model.ccsidr[this.demuxCsselr(id)] ?? 0n)) throw new KvmError('EINVAL', 'CCSIDR is invariant');
  }

  // system registers (sys_regs.c: kvm_arm_sys_reg_get_reg/set_reg)

  private findSysreg(id: RegId): { inv: boolean; desc?: KvmSysregDesc } {
    // index_to_params: U64 only, no bits beyond op0..op2; only KVM_REG_ARM64_SYSREG.
    if ((id & KVM_REG_SIZE_MASK) !== KVM_REG_SIZE_U64 || (id & KVM_REG_ARM_COPROC_MASK) !== KVM_REG_ARM64_SYSREG ||
      (id & 0xffff_0000_0000n) !== 0n) {
      throw new KvmError('ENOENT', 'not a system register ID');
    }
    const key = Number(id & 0xffffn);
    if (KVM_INVARIANT.some((r) => encodingKey(r.op0, r.op1, r.crn, r.crm, r.op2) === key)) return { inv: true };
    const desc = this.sysregs.find((r) => encodingKey(r.op0, r.op1, r.crn, r.crm, r.op2) === key);
    if (desc === undefined) throw new KvmError('ENOENT', 'no such system register');
    return { inv: false, desc };
  }

  private getSysreg(id: RegId): bigint {
    const { inv, desc } = this.findSysreg(id);
    if (desc?.reset === 'mpidr') return this.cpu.x[Slot.VMPIDR_EL2];
    if (inv || desc?.reset === 'id') return this.idValue(id);
    return this.loadSysreg(id);
  }

  private idValue(id: RegId): bigint {
    const row = this.rows.get(id);
    if (row === undefined) return 0n;
    return kvmUserIds(this.model.name, this.hasFeature(KVM_ARM_VCPU_PMU_V3))[row.name] ?? readRaw(this.cpu, row) ?? 0n;
  }

  private setSysreg(id: RegId, v: bigint): void {
    const { inv, desc } = this.findSysreg(id);
    if (desc?.reset === 'mpidr') {
      this.cpu.x[Slot.VMPIDR_EL2] = v;
      return;
    }
    // Invariant and ID registers: "you can't change it" (set_invariant_sys_reg, set_id_reg).
    if (inv || desc?.reset === 'id') {
      if (v !== this.idValue(id)) throw new KvmError('EINVAL', 'an invariant/ID register takes only its value');
      return;
    }
    // set_oslsr_el1: only OSLK (bit 1) may differ from the reset value.
    if (desc?.name === 'OSLSR_EL1' && ((v ^ 0x8n) & ~2n) !== 0n) throw new KvmError('EINVAL', 'OSLSR_EL1: only OSLK');
    this.storeSysreg(id, v);
  }

  private loadSysreg(id: RegId): bigint {
    const s = this.shadow.get(id);
    if (s !== undefined) return s;
    const row = this.rows.get(id);
    return row === undefined ? 0n : (readRaw(this.cpu, row) ?? 0n);
  }

  /** Stores a register's value: in its row when the row takes it, else in the shadow. */
  private storeSysreg(id: RegId, v: bigint): void {
    const row = this.rows.get(id);
    if (row !== undefined && writeRaw(this.cpu, row, v)) this.shadow.delete(id);
    else this.shadow.set(id, v);
  }

  /**
   * What KVM_RUN's world switch does to the registers it loads into the CPU and saves back
   * (switched): the CPU keeps what its write masks keep (CSSELR_EL1's RES0 bits; nothing of
   * a RAZ/WI register), so a value only the shadow held is replaced by the row's.
   */
  private loadIntoCpu(): void {
    for (const r of this.sysregs) {
      if (!r.switched) continue;
      const id = sysregId(r.op0, r.op1, r.crn, r.crm, r.op2);
      const row = this.rows.get(id);
      if (row === undefined) continue;
      this.shadow.delete(id);
      if (row.slot !== undefined && (row.res0 !== undefined || row.res1 !== undefined)) {
        const x = this.cpu.x;
        x[row.slot] = (x[row.slot] & ~(row.res0 ?? 0n)) | (row.res1 ?? 0n);
      }
    }
  }

  // ---- KVM_RUN ----------------------------------------------------------------------------------

  runOnce(): void {
    this.requireInit();
    const run = this.run;
    // kvm_handle_mmio_return: complete the access the last exit left, then move past it.
    if (this.mmio !== null) this.completeMmio();
    run.exitReason = KVM_EXIT_UNKNOWN;
    if (run.immediateExit || this.poweredOff) {
      // immediate_exit: KVM_RUN returns EINTR with KVM_EXIT_INTR. A powered-off vCPU (POWER_OFF,
      // CPU_OFF) sleeps in KVM_RUN until a signal: the same exit, at once.
      run.exitReason = KVM_EXIT_INTR;
      return;
    }
    // kvm_arm_pmu_v3_enable: a vCPU PMU must have been set up through KVM_ARM_VCPU_PMU_V3_CTRL
    // (KVM_SET_DEVICE_ATTR), which this vCPU does not offer: KVM_RUN is EINVAL, as the real
    // kernel answers the probe with PMU_V3 and no such set-up.
    if (this.hasFeature(KVM_ARM_VCPU_PMU_V3)) throw new KvmError('EINVAL', 'the vCPU PMU is not initialised (KVM_ARM_VCPU_PMU_V3_CTRL)');
    this.hasRun = true;
    this.loadIntoCpu();
    this.setHypervisorState();
    const cpu = this.cpu;
    let left = this.maxSteps;
    // Exits handled in the kernel also end the call after a while (a guest looping on an
    // injected abort takes one step per exit).
    let traps = 0;
    const step = (this.guestDebug & (KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP)) === (KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP);
    for (;;) {
      cpu.stop = null;
      const taken = this.runner.run(step ? 1 : Math.min(left, 1_000_000));
      left -= taken;
      if (cpu.stop === TRAP) {
        cpu.stop = null;
        if (this.handleTrap()) return;
        if (this.poweredOff) {
          // PSCI CPU_OFF: kvm_arm_vcpu_power_off's KVM_REQ_SLEEP stops the vCPU before it
          // enters the guest again; it sleeps until a signal ends KVM_RUN (EINTR).
          run.exitReason = KVM_EXIT_INTR;
          return;
        }
        if (++traps >= 1_000_000 || left <= 0) {
          run.exitReason = KVM_EXIT_INTR;
          return;
        }
        if (!step) continue;
      } else cpu.stop = null;
      if (step) {
        // Software step: the step completed (ESR_EL2 EC 0x32, IL, ISV = 1, IFSC 0x22).
        run.exitReason = KVM_EXIT_DEBUG;
        run.debug.hsr = esrOf(EC_SOFTSTP_LOW, 1, (1 << 24) | 0x22);
        run.debug.far = 0n;
        return;
      }
      if (left <= 0) {
        run.exitReason = KVM_EXIT_INTR;
        return;
      }
    }
  }

  /** Returns to the guest at EL1: ERET from EL2, skipping the trapped instruction when asked. */
  private resume(skip: boolean): void {
    const x = this.cpu.x;
    if (skip) x[Slot.ELR_EL1 + 1] = BigInt.asUintN(64, x[Slot.ELR_EL1 + 1] + 4n);
    this.cpu.eret();
  }

  /** Handles the exception taken to EL2; true when KVM_RUN returns to userspace. */
  private handleTrap(): boolean {
    const x = this.cpu.x;
    const esr = Number(x[Slot.ESR_EL1 + 1] & 0xffff_ffffn);
    const ec = esr >>> 26;
    switch (ec) {
      case EC_HVC64: {
        // handle_hvc: ELR_EL2 is already past the HVC.
        const exit = hypercall({
          x: this.cpu.x, psciVersion: this.psciVersionReg(), bitmaps: this.bitmaps,
          workarounds: kvmWorkaroundLevels(this.model), mpidr: this.cpu.x[Slot.VMPIDR_EL2],
          poweredOff: this.poweredOff, powerOff: () => void (this.poweredOff = true),
          physicalCount: () => this.cpu.counterValue(0), virtualCount: () => this.virtualCount(),
          systemEvent: (type, flags) => this.systemEvent(type, flags),
        });
        this.resume(false);
        return exit;
      }
      case EC_SMC64:
        // handle_smc: "We don't support SMC": x0 = ~0, skip the (trapped) SMC.
        x[0] = M64;
        this.resume(true);
        return false;
      case EC_DABT_LOW:
        return this.dataAbort(esr);
      case EC_IABT_LOW:
        // An instruction fetch outside memory: KVM injects an external Prefetch Abort (EC_IABT_CUR from EL1).
        this.resume(false);
        this.injectAbort(true, x[Slot.FAR_EL1 + 1]);
        return false;
      case EC_BRK64:
        // kvm_handle_guest_debug: the PC stays on the BRK.
        this.resume(false);
        this.run.exitReason = KVM_EXIT_DEBUG;
        this.run.debug.hsr = esr;
        this.run.debug.far = 0n;
        return true;
      case EC_SYSREG:
      default:
        // kvm_handle_unknown_ec and unhandled traps: an UNDEFINED exception for the guest.
        this.resume(false);
        this.injectUndef();
        return false;
    }
  }

  /** io_mem_abort: an access outside the slot is MMIO when its syndrome is valid. */
  private dataAbort(esr: number): boolean {
    const x = this.cpu.x;
    const far = x[Slot.FAR_EL1 + 1];
    const ipa = ((x[Slot.HPFAR_EL2] >> 4n) << 12n) | (far & 0xfffn);
    const iss = esr & 0x1ffffff;
    if ((iss & (1 << 7)) !== 0) {
      // S1PTW: the guest's page tables are outside memory: KVM injects a Data Abort.
      this.resume(false);
      this.injectAbort(false, far);
      return false;
    }
    if ((iss & (1 << 8)) !== 0) {
      // Cache maintenance on MMIO: "This is a cache maintenance operation; just skip it."
      this.resume(true);
      return false;
    }
    if ((iss & (1 << 24)) === 0) {
      // No valid syndrome (LDP, writeback...): KVM_RUN fails with ENOSYS (io_mem_abort).
      this.resume(false);
      throw new KvmError('ENOSYS', 'Data abort outside memslots with no valid syndrome info');
    }
    const len = 1 << ((iss >>> 22) & 3);
    const isWrite = (iss & (1 << 6)) !== 0;
    const rt = (iss >>> 16) & 31;
    const run = this.run;
    run.exitReason = KVM_EXIT_MMIO;
    run.mmio.physAddr = ipa;
    run.mmio.len = len;
    run.mmio.isWrite = isWrite;
    run.mmio.data.fill(0);
    if (isWrite) {
      const v = rt === 31 ? 0n : x[rt];
      for (let i = 0; i < len; i++) run.mmio.data[i] = Number((v >> BigInt(8 * i)) & 0xffn);
    }
    this.mmio = { isWrite, len, rt, sse: (iss & (1 << 21)) !== 0, sf: (iss & (1 << 15)) !== 0 };
    this.resume(false);
    return true;
  }

  private completeMmio(): void {
    const m = this.mmio!;
    this.mmio = null;
    const cpu = this.cpu;
    if (!m.isWrite) {
      let v = 0n;
      for (let i = m.len - 1; i >= 0; i--) v = (v << 8n) | BigInt(this.run.mmio.data[i]);
      if (m.sse && m.len < 8) v = BigInt.asUintN(64, BigInt.asIntN(m.len * 8, v));
      if (!m.sf) v &= 0xffff_ffffn;
      // vcpu_data_host_to_guest then keeps only `len` bytes: Linux 6.1 loses the sign
      // extension it just made (LDRSB of 0x88 from MMIO gives 0x88: tests/kvm/fixtures/abi-*.txt).
      v = BigInt.asUintN(m.len * 8, v);
      if (m.rt !== 31) cpu.x[m.rt] = v;
    }
    // kvm_incr_pc: past the instruction; PSTATE.SS cleared (the step is complete).
    cpu.x[Slot.PC] = BigInt.asUintN(64, cpu.x[Slot.PC] + 4n);
    cpu.ss = 0;
  }

  /** inject_abt64: an external abort (FSC 0x10) taken to the guest's EL1, FAR_EL1 = addr. */
  private injectAbort(instruction: boolean, addr: bigint): void {
    const cpu = this.cpu;
    const ec = (instruction ? EC_IABT_LOW : EC_DABT_LOW) + (cpu.el === 1 ? 1 : 0);
    const far = new ExceptionRecord();
    far.hasFar = true;
    far.farLo = Number(addr & 0xffff_ffffn) | 0;
    far.farHi = Number(addr >> 32n) | 0;
    this.injectSync(esrOf(ec, 1, 0x10), far);
    // Linux 6.1 inject_abt64 builds the syndrome in a u64 from asm/esr.h's int EC constants:
    // `ESR_ELx_EC_DABT_LOW << ESR_ELx_EC_SHIFT` (any EC >= 0x20) is a negative int, sign-extended,
    // so ESR_EL1 bits 63:32 read as ones (0xffffffff96000010 in tests/kvm/fixtures/kvm_mmu-*.txt).
    cpu.x[Slot.ESR_EL1] |= 0xffff_ffff_0000_0000n;
  }

  /** inject_undef64: EC 0 (IL set) to the guest's EL1, at the instruction. */
  private injectUndef(): void {
    this.injectSync(esrOf(EC_UNKNOWN, 1, 0));
  }

  private injectSync(esr: number, far?: ExceptionRecord): void {
    const cpu = this.cpu;
    const pc = cpu.x[Slot.PC];
    takeException(cpu, ExcKind.SYNC, 1, esr, Number(pc & 0xffff_ffffn) | 0, Number(pc >> 32n) | 0, far);
    cpu.contextChanged();
  }

  private systemEvent(type: number, flags: bigint): void {
    this.run.exitReason = KVM_EXIT_SYSTEM_EVENT;
    this.run.systemEvent.type = type;
    this.run.systemEvent.flags = [flags];
  }

  // ---- KVM_SET_GUEST_DEBUG, vCPU events --------------------------------------------------------

  setGuestDebug(control: number): void {
    this.requireInit();
    // Hardware breakpoints and watchpoints are not implemented (a64emu raises no debug events).
    if (control & KVM_GUESTDBG_ENABLE && control & KVM_GUESTDBG_USE_HW) throw new KvmError('EINVAL', 'hardware breakpoints are not implemented');
    if (control & ~(KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP | KVM_GUESTDBG_USE_SW_BP | KVM_GUESTDBG_USE_HW)) {
      throw new KvmError('EINVAL', 'unknown guest debug bits');
    }
    this.guestDebug = control & KVM_GUESTDBG_ENABLE ? control : 0;
    this.setHypervisorState();
  }

  /** The host has FEAT_RAS (ARM64_HAS_RAS_EXTN): an SError's syndrome can be chosen. */
  private get hostRas(): boolean {
    return this.model.features.RAS;
  }

  /** KVM_GET_VCPU_EVENTS (guest.c __kvm_arm_vcpu_get_events): a pending virtual SError. */
  getVcpuEvents(): KvmVcpuEvents {
    this.requireInit();
    const x = this.cpu.x;
    const pending = (x[Slot.HCR_EL2] & BigInt(HcrEl2.VSE)) !== 0n;
    return {
      exception: {
        serrorPending: pending,
        serrorHasEsr: this.hostRas,
        // An external abort is delivered when set, so it is never pending here.
        extDabtPending: false,
        serrorEsr: pending && this.hostRas ? x[Slot.VSESR_EL2] : 0n,
      },
    };
  }

  /**
   * KVM_SET_VCPU_EVENTS (__kvm_arm_vcpu_set_events): a virtual SError (HCR_EL2.VSE, with
   * VSESR_EL2 = the given ISS only on a RAS host, else ISV as kvm_inject_vabt), and an
   * external Data Abort injected at once (kvm_inject_dabt, FAR = the last exit's FAR_EL2).
   */
  setVcpuEvents(events: KvmVcpuEvents): void {
    this.requireInit();
    const e = events.exception;
    const x = this.cpu.x;
    if (e.serrorPending && e.serrorHasEsr) {
      if (!this.hostRas) throw new KvmError('EINVAL', 'no RAS: the SError syndrome cannot be set');
      if ((e.serrorEsr & ~0x1ffffffn) !== 0n) throw new KvmError('EINVAL', 'the SError syndrome is an ISS');
      this.pendSError(e.serrorEsr);
    } else if (e.serrorPending) {
      this.pendSError(1n << 24n); // ESR_ELx_ISV
    }
    if (e.extDabtPending) this.injectAbort(false, x[Slot.FAR_EL1 + 1]);
  }

  private pendSError(iss: bigint): void {
    const x = this.cpu.x;
    x[Slot.VSESR_EL2] = iss & 0x1ffffffn;
    x[Slot.HCR_EL2] |= BigInt(HcrEl2.VSE);
    this.cpu.contextChanged();
  }
}
