// `a64emu kvm probe`: drives the virtual vCPU through the sequence of
// ../shared/kvm/kvm-probe.c and returns the same trace text (its printf formats: %llx for
// MMIO addresses, %016llx for IDs and 64-bit values, register values as their bytes).

import { MODELS } from '../cpu/models.js';
import { KVM_ARM_VCPU_PMU_V3, KVM_ARM_VCPU_PSCI_0_2, KVM_EXIT_INTR, KVM_EXIT_MMIO, KVM_EXIT_SYSTEM_EVENT } from './api.js';
import { KvmError } from './errno.js';
import { kvmCaps, kvmTarget } from './profile.js';
import { coreId, CORE_PC, CORE_PSTATE, hexId, KVM_REG_SIZE_MASK, KVM_REG_SIZE_U32, regSizeBytes, sysregId, type RegId } from './regid.js';
import { KvmVcpu } from './vcpu.js';

/** kvm-probe.c's memory slot. */
export const PROBE_GUEST_BASE = 0x4000_0000;
export const PROBE_GUEST_SIZE = 0x20_0000;
/** What the probe answers every MMIO read with. */
const MMIO_READ_ANSWER = 0x1122334455667788n;
/** KVM_GET_API_VERSION. */
const KVM_API_VERSION = 12;

export interface ProbeOptions {
  /** CPU model name (default cortex-a57). */
  cpu?: string;
  /**
   * Also ask for KVM_ARM_VCPU_PMU_V3, as the recorder's variant does with the kernel
   * command-line word `pmu` (tests/kvm/fixtures/kvm-probe-pmu.patch).
   */
  pmu?: boolean;
}

const hex16 = (v: bigint): string => `0x${BigInt.asUintN(64, v).toString(16).padStart(16, '0')}`;

/** The trace kvm-probe.c would print for `guest` (a raw image loaded at IPA 0x40000000). */
export function probe(guest: Uint8Array, opts: ProbeOptions = {}): string {
  const name = opts.cpu ?? 'cortex-a57';
  const model = MODELS[name];
  if (model === undefined) throw new Error(`unknown CPU model '${name}' (known: ${Object.keys(MODELS).join(', ')})`);
  if (guest.length > PROBE_GUEST_SIZE) throw new Error(`the guest image (${guest.length} bytes) is larger than the 2 MiB slot`);
  const out: string[] = [];
  const p = (line: string): void => void out.push(line);
  p('# kvm-probe 1');
  p(`api ${KVM_API_VERSION}`);
  for (const c of kvmCaps(model)) p(`cap ${c.name} ${c.value}`);
  const vcpu = new KvmVcpu({ cpu: name, memory: [{ ipa: PROBE_GUEST_BASE, size: PROBE_GUEST_SIZE, bytes: guest }] });
  p(`guest ${guest.length} bytes`);
  const target = kvmTarget(model);
  p(`target ${target}`);
  const features = (1 << KVM_ARM_VCPU_PSCI_0_2) | (opts.pmu === true ? 1 << KVM_ARM_VCPU_PMU_V3 : 0);
  p(`features 0x${features.toString(16)}`);
  try {
    vcpu.init({ target, features: [features] });
  } catch (e) {
    if (!(e instanceof KvmError)) throw e;
    p(`error vcpu-init ${e.errno}`);
    return out.join('\n') + '\n';
  }
  const size = { n: 0 };
  let rc = 'ok';
  try {
    vcpu.getRegList(0, size);
  } catch (e) {
    if (!(e instanceof KvmError)) throw e;
    rc = e.errno;
  }
  p(`reglist-size-query -> ${rc} n=${size.n}`);
  const list = vcpu.getRegList(size.n);
  p(`reglist ${list.length}`);
  dump(vcpu, 'reset', list, p);

  // KVM_SET_ONE_REG behaviour, good and bad (the same calls, in order).
  let midr = 0n;
  try {
    midr = vcpu.getOneReg(sysregId(3, 0, 0, 0, 0));
  } catch {
    midr = 0n;
  }
  const set = (id: RegId, value: bigint): void => {
    let r = 'ok';
    try {
      vcpu.setOneReg(id, value);
    } catch (e) {
      if (!(e instanceof KvmError)) throw e;
      r = e.errno;
    }
    p(`set ${hex16(id)} ${hex16(value)} -> ${r}`);
  };
  set(coreId(CORE_PC), BigInt(PROBE_GUEST_BASE));
  set(sysregId(3, 0, 13, 0, 4), 0xdeadbeefn); // TPIDR_EL1
  set(sysregId(3, 7, 15, 15, 7), 1n); // unknown system register
  set(sysregId(3, 0, 0, 0, 0), midr); // MIDR_EL1, same value
  set(sysregId(3, 0, 0, 0, 0), midr ^ 0x10n); // MIDR_EL1, other value
  set((sysregId(3, 0, 13, 0, 4) & ~KVM_REG_SIZE_MASK) | KVM_REG_SIZE_U32, 1n); // wrong size
  set(coreId(1), 0n); // misaligned core offset
  set(coreId(CORE_PSTATE), 0x3c9n); // EL2h: not allowed
  set(coreId(CORE_PSTATE), 0x3c5n); // EL1h, DAIF masked

  const run = vcpu.run;
  for (let steps = 0; steps < 200; steps++) {
    try {
      vcpu.runOnce();
    } catch (e) {
      if (!(e instanceof KvmError)) throw e;
      p(`error run ${e.errno}`);
      break;
    }
    if (run.exitReason === KVM_EXIT_INTR) {
      // The real KVM_RUN fails with EINTR when it ends this way (a signal, immediate_exit).
      p('error run EINTR');
      break;
    }
    if (run.exitReason === KVM_EXIT_MMIO) {
      const m = run.mmio;
      if (m.isWrite) {
        let data = 0n;
        for (let i = m.len - 1; i >= 0; i--) data = (data << 8n) | BigInt(m.data[i]);
        p(`exit mmio-write 0x${m.physAddr.toString(16)} ${m.len} ${hex16(data)}`);
      } else {
        for (let i = 0; i < m.len; i++) m.data[i] = Number((MMIO_READ_ANSWER >> BigInt(8 * i)) & 0xffn);
        p(`exit mmio-read 0x${m.physAddr.toString(16)} ${m.len} -> ${hex16(MMIO_READ_ANSWER)}`);
      }
    } else if (run.exitReason === KVM_EXIT_SYSTEM_EVENT) {
      p(`exit system-event ${run.systemEvent.type}`);
      break;
    } else {
      p(`exit reason ${run.exitReason}`);
      break;
    }
  }
  dump(vcpu, 'final', list, p);
  p('# end');
  return out.join('\n') + '\n';
}

/** dump_regs: every listed ID, its value as its bytes, or `error ERRNO`. */
function dump(vcpu: KvmVcpu, tag: string, list: readonly RegId[], p: (line: string) => void): void {
  for (const id of list) {
    let v: bigint;
    try {
      v = vcpu.getOneReg(id);
    } catch (e) {
      if (!(e instanceof KvmError)) throw e;
      p(`${tag} ${hexId(id)} error ${e.errno}`);
      continue;
    }
    const digits = Math.min(regSizeBytes(id), 256) * 2;
    p(`${tag} ${hexId(id)} 0x${v.toString(16).padStart(digits, '0')}`);
  }
}
