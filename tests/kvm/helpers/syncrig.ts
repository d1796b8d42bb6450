// The pieces the sync tests share: the real virtual vCPU (src/kvmcompat/vcpu.ts), a
// userspace Cpu of the same model on the vCPU's memory slot (QEMU's cpustate: QEMU maps the
// same host memory it registered with KVM_SET_USER_MEMORY_REGION), and a recorder of the
// ioctls the sync makes.

import { readFileSync } from 'node:fs';
import { Cpu } from '../../../src/cpu/cpu.js';
import { MODELS } from '../../../src/cpu/models.js';
import type { PhysBus } from '../../../src/mmu/memory.js';
import { KVM_ARM_VCPU_PSCI_0_2, type KvmVcpuApi } from '../../../src/kvmcompat/api.js';
import { KvmCpu } from '../../../src/kvmcompat/kvmcpu.js';
import type { CpregList } from '../../../src/kvmcompat/cpreglist.js';
import { KvmError } from '../../../src/kvmcompat/errno.js';
import type { RegId } from '../../../src/kvmcompat/regid.js';
import { KvmVcpu } from '../../../src/kvmcompat/vcpu.js';
import { kvmTarget } from '../../../src/kvmcompat/profile.js';

export const RAM_BASE = 0x40000000;
/** The probe's memory slot: 2 MiB at IPA 0x40000000 (../shared/kvm/README.md). */
export const RAM_SIZE = 2 * 1024 * 1024;

const FIXTURES = new URL('../fixtures/', import.meta.url);

export const FIXTURE_OF: Record<string, string> = { 'cortex-a57': 'guest-cortex-a57.txt', max: 'guest-max.txt' };

/** The vCPU under test for `model`: the probe's slot (2 MiB at IPA 0x40000000). */
export function makeVcpu(model: string): KvmVcpu {
  return new KvmVcpu({ cpu: model, memory: [{ ipa: RAM_BASE, size: RAM_SIZE }] });
}

/** The `KIND ID VALUE` lines of a recorded trace (tests/kvm/fixtures), in the kernel's order. */
function fixtureValues(file: string, kind: 'reset' | 'final'): { id: RegId; value: bigint }[] {
  const text = readFileSync(new URL(file, FIXTURES), 'utf8');
  const out: { id: RegId; value: bigint }[] = [];
  const re = new RegExp(`^${kind} (0x[0-9a-f]+) (0x[0-9a-f]+)$`);
  for (const line of text.split('\n')) {
    const m = re.exec(line);
    if (m) out.push({ id: BigInt(m[1]), value: BigInt(m[2]) });
  }
  return out;
}

/** The register values right after KVM_ARM_VCPU_INIT (the trace's `reset` lines). */
export const fixtureResets = (file: string): { id: RegId; value: bigint }[] => fixtureValues(file, 'reset');
/** The register values after the guest powered off (the trace's `final` lines). */
export const fixtureFinals = (file: string): { id: RegId; value: bigint }[] => fixtureValues(file, 'final');

export type Call =
  | { op: 'init' }
  | { op: 'getRegList'; n: number; result: string }
  | { op: 'get'; id: RegId; result: string }
  | { op: 'set'; id: RegId; value: bigint; result: string }
  | { op: 'run' }
  | { op: 'guestDebug'; control: number };

/** Wraps a vCPU, recording every call and its result ('ok' or the errno). */
export function recording(inner: KvmVcpuApi): { vcpu: KvmVcpuApi; calls: Call[] } {
  const calls: Call[] = [];
  const res = <T>(f: () => T, log: (r: string) => void): T => {
    try {
      const v = f();
      log('ok');
      return v;
    } catch (e) {
      log(e instanceof KvmError ? e.errno : 'throw');
      throw e;
    }
  };
  const vcpu: KvmVcpuApi = {
    get run() {
      return inner.run;
    },
    init: (i) => (calls.push({ op: 'init' }), inner.init(i)),
    getRegList: (n, s) => res(() => inner.getRegList(n, s), (result) => calls.push({ op: 'getRegList', n, result })),
    getOneReg: (id) => res(() => inner.getOneReg(id), (result) => calls.push({ op: 'get', id, result })),
    setOneReg: (id, value) => res(() => inner.setOneReg(id, value), (result) => calls.push({ op: 'set', id, value, result })),
    runOnce: () => (calls.push({ op: 'run' }), inner.runOnce()),
    setGuestDebug: (control) => (calls.push({ op: 'guestDebug', control }), inner.setGuestDebug(control)),
    getVcpuEvents: () => inner.getVcpuEvents(),
    setVcpuEvents: (e) => inner.setVcpuEvents(e),
  };
  return { vcpu, calls };
}

export interface Rig {
  ram: Uint8Array;
  bus: PhysBus;
  /** The vCPU as the sync sees it (recorded). */
  vcpu: KvmVcpuApi;
  calls: Call[];
  /** QEMU's cpustate. */
  cpu: Cpu;
  kvm: KvmCpu;
  /** Writes little-endian words into guest RAM at `addr`. */
  load(words: number[], addr?: number): void;
  readU64(addr: number): bigint;
}

/**
 * A vCPU and its QEMU side, as QEMU sets them up: KVM_ARM_VCPU_INIT with the preferred target
 * and PSCI 0.2 (as the probe), the cpreg list, and no put yet. `list` builds another
 * CpregList (a broken variant).
 */
export function makeRig(model = 'cortex-a57', list?: (vcpu: KvmVcpuApi, cpu: Cpu) => CpregList, KvmCpuClass = KvmCpu): Rig {
  const kernel = makeVcpu(model);
  // The slot's bytes as userspace maps them: cpustate's RAM is the guest's memory.
  const ram = kernel.memory;
  const bus: PhysBus = { ram, ramBase: RAM_BASE, mmioRead: () => undefined, mmioWrite: () => false };
  const { vcpu, calls } = recording(kernel);
  const cpu = new Cpu(bus, MODELS[model], {});
  cpu.resetTo(1, BigInt(RAM_BASE));
  // QEMU asks KVM_ARM_PREFERRED_TARGET (kvm_arm_create_scratch_host_vcpu) for the target.
  const init = { target: kvmTarget(kernel.model), features: [1 << KVM_ARM_VCPU_PSCI_0_2] };
  const kvm = new KvmCpuClass(vcpu, cpu, init, list?.(vcpu, cpu));
  const dv = new DataView(ram.buffer, ram.byteOffset, ram.byteLength);
  return {
    ram, bus, vcpu, calls, cpu, kvm,
    load(words, addr = RAM_BASE) {
      words.forEach((w, i) => dv.setUint32(addr - RAM_BASE + 4 * i, w >>> 0, true));
    },
    readU64: (addr) => dv.getBigUint64(addr - RAM_BASE, true),
  };
}
