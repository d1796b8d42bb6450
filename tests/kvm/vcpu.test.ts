// The virtual vCPU's ioctls against the kernel's rules (Linux 6.1 arch/arm64/kvm, cited per
// case) and the real traces (tests/kvm/fixtures, recorded with ../shared/kvm/record.sh).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe as vdescribe, expect, it } from 'vitest';
import {
  KVM_ARM_VCPU_EL1_32BIT, KVM_ARM_VCPU_PMU_V3, KVM_ARM_VCPU_POWER_OFF, KVM_ARM_VCPU_PSCI_0_2, KVM_ARM_VCPU_PTRAUTH_ADDRESS,
  KVM_ARM_VCPU_SVE, KVM_EXIT_DEBUG, KVM_EXIT_INTR, KVM_EXIT_MMIO, KVM_EXIT_SYSTEM_EVENT, KVM_GUESTDBG_ENABLE,
  KVM_GUESTDBG_SINGLESTEP, KVM_GUESTDBG_USE_SW_BP, KVM_SYSTEM_EVENT_SHUTDOWN,
} from '../../src/kvmcompat/api.js';
import { KvmError } from '../../src/kvmcompat/errno.js';
import {
  CORE_FPSR, CORE_PC, CORE_PSTATE, CORE_V0, KVM_REG_ARM64, KVM_REG_ARM64_SVE, KVM_REG_ARM_TIMER_CNT, KVM_REG_ARM_TIMER_CTL,
  KVM_REG_ARM_TIMER_CVAL, KVM_REG_SIZE_U128, KVM_REG_SIZE_U32, KVM_REG_SIZE_U64, ccsidrId, coreId, fwBmapId, fwId, sysregId,
  type RegId,
} from '../../src/kvmcompat/regid.js';
import { KvmVcpu } from '../../src/kvmcompat/vcpu.js';
import { imageGuest, NO_SHARED_GUEST, SHARED_GUEST } from './helpers/guests.js';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
// Without ../shared/kvm/guest.bin every describe below is skipped (helpers/guests.ts).
const GUEST = SHARED_GUEST ?? new Uint8Array(0);
const ABI = imageGuest('kvm_mmio_hvc');
const describe = SHARED_GUEST ? vdescribe : vdescribe.skip;
const PSCI_0_2 = 1 << KVM_ARM_VCPU_PSCI_0_2;

/** The `final`/`reset` values of a fixture, by ID. */
function fixtureValues(file: string, tag: 'reset' | 'final'): Map<bigint, bigint> {
  const m = new Map<bigint, bigint>();
  for (const l of readFileSync(here(`./fixtures/${file}`), 'utf8').split('\n')) {
    const [t, id, v] = l.split(' ');
    if (t === tag) m.set(BigInt(id), BigInt(v));
  }
  return m;
}

function vcpuOf(cpu = 'cortex-a57', image: Uint8Array = GUEST, features = PSCI_0_2): KvmVcpu {
  const v = new KvmVcpu({ cpu, memory: [{ ipa: 0x4000_0000, size: 0x20_0000, bytes: image }] });
  v.init({ target: cpu === 'cortex-a57' ? 2 : 5, features: [features] });
  return v;
}

/** The errno a call fails with ('ok' when it does not). */
function errnoOf(f: () => unknown): string {
  try {
    f();
    return 'ok';
  } catch (e) {
    if (e instanceof KvmError) return e.errno;
    throw e;
  }
}

/** Runs to the next exit that is not an MMIO read, answering reads with `answer`. */
function runToExit(v: KvmVcpu, answer = 0x1122334455667788n): void {
  for (;;) {
    v.runOnce();
    if (v.run.exitReason !== KVM_EXIT_MMIO || v.run.mmio.isWrite) return;
    for (let i = 0; i < v.run.mmio.len; i++) v.run.mmio.data[i] = Number((answer >> BigInt(8 * i)) & 0xffn);
  }
}

const X = (n: number): RegId => coreId(2 * n);
const PC = coreId(CORE_PC);

describe('KVM_ARM_VCPU_INIT (arm.c kvm_vcpu_set_target, reset.c kvm_reset_vcpu)', () => {
  const fresh = (): KvmVcpu => new KvmVcpu({ cpu: 'cortex-a57' });
  it('needs the preferred target: 2 (CORTEX_A57) for cortex-a57, 5 (GENERIC_V8) for max and cortex-a72 (kvm_target_cpu)', () => {
    expect(errnoOf(() => fresh().init({ target: 5, features: [0] }))).toBe('EINVAL');
    expect(errnoOf(() => fresh().init({ target: 2, features: [0] }))).toBe('ok');
    expect(errnoOf(() => new KvmVcpu({ cpu: 'max' }).init({ target: 5, features: [0] }))).toBe('ok');
    // cortex-a72's part number (0xd08) has no target of its own in 6.1 (guest-cortex-a72.txt: target 5).
    expect(errnoOf(() => new KvmVcpu({ cpu: 'cortex-a72' }).init({ target: 5, features: [0] }))).toBe('ok');
  });
  it('a feature bit beyond KVM_VCPU_MAX_FEATURES (7) is ENOENT', () => {
    expect(errnoOf(() => fresh().init({ target: 2, features: [1 << 7] }))).toBe('ENOENT');
  });
  it('refuses what a64emu does not implement: EL1_32BIT, SVE, PTRAUTH (EINVAL)', () => {
    for (const bit of [KVM_ARM_VCPU_EL1_32BIT, KVM_ARM_VCPU_SVE, KVM_ARM_VCPU_PTRAUTH_ADDRESS]) {
      expect(errnoOf(() => fresh().init({ target: 2, features: [1 << bit] }))).toBe('EINVAL');
    }
  });
  it('a second init with other features is EINVAL; with the same ones it resets the vCPU', () => {
    const v = vcpuOf();
    expect(errnoOf(() => v.init({ target: 2, features: [0] }))).toBe('EINVAL');
    v.setOneReg(X(5), 0x1234n);
    v.init({ target: 2, features: [PSCI_0_2] });
    expect(v.getOneReg(X(5))).toBe(0n);
  });
  it('the ioctls other than init are ENOEXEC before it (kvm_vcpu_initialized)', () => {
    const v = fresh();
    expect(errnoOf(() => v.getOneReg(PC))).toBe('ENOEXEC');
    expect(errnoOf(() => v.getRegList(1000))).toBe('ENOEXEC');
    expect(errnoOf(() => v.runOnce())).toBe('ENOEXEC');
  });
  it('POWER_OFF: the vCPU starts stopped; KVM_RUN ends at once as a signal would (KVM_EXIT_INTR)', () => {
    const v = vcpuOf('cortex-a57', GUEST, PSCI_0_2 | (1 << KVM_ARM_VCPU_POWER_OFF));
    v.runOnce();
    expect(v.run.exitReason).toBe(KVM_EXIT_INTR);
    expect(v.getOneReg(PC)).toBe(0n);
  });
  it('PMU_V3 adds the PMU registers to the list (guest-pmu-cortex-a57.txt: 316); KVM_RUN is EINVAL without PMU_V3_CTRL', () => {
    const v = vcpuOf('cortex-a57', GUEST, PSCI_0_2 | (1 << KVM_ARM_VCPU_PMU_V3));
    const real = [...fixtureValues('guest-pmu-cortex-a57.txt', 'reset').keys()];
    expect(v.getRegList(1000)).toEqual(real);
    expect(real.length).toBe(316);
    expect(real).toContain(sysregId(3, 3, 9, 12, 0)); // PMCR_EL0
    expect(errnoOf(() => v.runOnce())).toBe('EINVAL'); // the fixture's "error run EINVAL"
  });
});

describe('KVM_GET_REG_LIST', () => {
  it('is E2BIG with the count when the buffer is short (the fixtures: n=242), else the kernel\'s list', () => {
    const v = vcpuOf();
    const out = { n: 0 };
    expect(errnoOf(() => v.getRegList(0, out))).toBe('E2BIG');
    expect(out.n).toBe(242);
    expect(errnoOf(() => v.getRegList(241))).toBe('E2BIG');
    const real = [...fixtureValues('guest-cortex-a57.txt', 'reset').keys()];
    expect(v.getRegList(242)).toEqual(real);
  });
});

describe('KVM_SET_ONE_REG / KVM_GET_ONE_REG errno cases', () => {
  it('the trace\'s set cases (fixture lines "set ... -> ...")', () => {
    const v = vcpuOf();
    const lines = readFileSync(here('./fixtures/guest-cortex-a57.txt'), 'utf8').split('\n').filter((l) => l.startsWith('set '));
    expect(lines.length).toBe(9);
    for (const l of lines) {
      const [, id, value, , want] = l.split(' ');
      expect(errnoOf(() => v.setOneReg(BigInt(id), BigInt(value))), l).toBe(want);
    }
  });
  it('an ID whose upper 32 bits are not arm64\'s is EINVAL (guest.c kvm_arm_get_reg)', () => {
    const v = vcpuOf();
    expect(errnoOf(() => v.getOneReg(0x40200000000f0800n))).toBe('EINVAL');
  });
  it('core registers: size mismatch and padding EINVAL, beyond struct kvm_regs ENOENT (guest.c)', () => {
    const v = vcpuOf();
    expect(errnoOf(() => v.getOneReg(coreId(0, KVM_REG_SIZE_U32)))).toBe('EINVAL'); // x0 as U32
    expect(errnoOf(() => v.getOneReg(coreId(CORE_FPSR, KVM_REG_SIZE_U64)))).toBe('EINVAL'); // fpsr as U64
    expect(errnoOf(() => v.getOneReg(coreId(82)))).toBe('EINVAL'); // padding after spsr[4]
    expect(errnoOf(() => v.getOneReg(coreId(CORE_V0 + 1, KVM_REG_SIZE_U128)))).toBe('EINVAL'); // misaligned vreg
    expect(errnoOf(() => v.getOneReg(coreId(216)))).toBe('ENOENT'); // past kvm_regs
    expect(errnoOf(() => v.getOneReg(coreId(214, KVM_REG_SIZE_U64)))).toBe('ENOENT'); // off + size reaches the end
  });
  it('core registers round-trip: X, PC, V as U128, FPSR, the AArch32 SPSRs', () => {
    const v = vcpuOf();
    const v3 = coreId(CORE_V0 + 12, KVM_REG_SIZE_U128);
    const big = 0x0123456789abcdef_fedcba9876543210n;
    v.setOneReg(v3, big);
    expect(v.getOneReg(v3)).toBe(big);
    v.setOneReg(X(30), 0xfeedn);
    expect(v.getOneReg(X(30))).toBe(0xfeedn);
    v.setOneReg(coreId(CORE_FPSR, KVM_REG_SIZE_U32), 0x8000001fn);
    expect(v.getOneReg(coreId(CORE_FPSR, KVM_REG_SIZE_U32))).toBe(0x8000001fn);
    v.setOneReg(coreId(74), 0x1d3n); // spsr[KVM_SPSR_ABT]
    expect(v.getOneReg(coreId(74))).toBe(0x1d3n);
  });
  it('PSTATE modes: EL0t, EL1t, EL1h are accepted; EL2h, EL3h and the AArch32 modes are EINVAL (set_core_reg)', () => {
    const v = vcpuOf();
    const P = coreId(CORE_PSTATE);
    for (const [value, want] of [[0x3c4n, 'ok'], [0x3c0n, 'ok'], [0x3c5n, 'ok'], [0x3c9n, 'EINVAL'], [0x3cdn, 'EINVAL'], [0x10n, 'EINVAL'], [0x13n, 'EINVAL']] as const) {
      expect(errnoOf(() => v.setOneReg(P, value)), value.toString(16)).toBe(want);
    }
    v.setOneReg(P, 0x600003c5n);
    expect(v.getOneReg(P)).toBe(0x600003c5n);
  });
  it('firmware registers: PSCI version, workaround levels, bitmaps (hypercalls.c kvm_arm_set_fw_reg)', () => {
    const v = vcpuOf();
    expect(v.getOneReg(fwId(0))).toBe(0x10001n); // the fixture's reset value
    expect(errnoOf(() => v.setOneReg(fwId(0), 0n))).toBe('EINVAL'); // 0.1 needs no PSCI_0_2
    expect(errnoOf(() => v.setOneReg(fwId(0), 3n))).toBe('EINVAL');
    expect(errnoOf(() => v.setOneReg(fwId(0), 2n))).toBe('ok');
    expect(v.getOneReg(fwId(0))).toBe(2n);
    expect(errnoOf(() => v.getOneReg((fwId(0) & ~(0xfn << 52n)) | KVM_REG_SIZE_U32))).toBe('ENOENT');
    expect(errnoOf(() => v.getOneReg(fwId(4)))).toBe('ENOENT');
    // kvm_arm_get_fw_reg/kvm_arm_set_fw_reg switch on the whole ID (Linux 6.1 hypercalls.c):
    // bits 31:28, outside KVM_REG_ARM_COPROC_MASK, make an ID none of their cases names.
    for (const id of [fwId(0) | (1n << 28n), fwBmapId(0) | (1n << 28n)]) {
      expect(errnoOf(() => v.getOneReg(id)), id.toString(16)).toBe('ENOENT');
      expect(errnoOf(() => v.setOneReg(id, v.getOneReg(id & ~(1n << 28n)))), id.toString(16)).toBe('ENOENT');
    }
    // WORKAROUND_1: cortex-a57's host level is NOT_AVAIL (0): only 0 may be set.
    expect(errnoOf(() => v.setOneReg(fwId(1), 0n))).toBe('ok');
    expect(errnoOf(() => v.setOneReg(fwId(1), 1n))).toBe('EINVAL');
    // WORKAROUND_2: ENABLED without AVAIL, AVAIL above NOT_AVAIL: EINVAL; UNKNOWN maps to NOT_AVAIL.
    expect(errnoOf(() => v.setOneReg(fwId(2), 0x10n))).toBe('EINVAL');
    expect(errnoOf(() => v.setOneReg(fwId(2), 2n))).toBe('EINVAL');
    expect(errnoOf(() => v.setOneReg(fwId(2), 1n))).toBe('ok');
    // Bitmaps: unsupported bits EINVAL; a change after the first KVM_RUN EBUSY.
    expect(errnoOf(() => v.setOneReg(fwBmapId(0), 2n))).toBe('EINVAL');
    expect(errnoOf(() => v.setOneReg(fwBmapId(0), 0n))).toBe('ok');
    v.setOneReg(PC, 0x4000_0000n);
    v.runOnce();
    expect(errnoOf(() => v.setOneReg(fwBmapId(0), 1n))).toBe('EBUSY');
    expect(errnoOf(() => v.setOneReg(fwBmapId(0), 0n))).toBe('ok');
    // max: WORKAROUND_1 is NOT_REQUIRED (2): 2 accepted, 3 not (the fixture's reset value 2).
    const m = vcpuOf('max');
    expect(m.getOneReg(fwId(1))).toBe(2n);
    expect(errnoOf(() => m.setOneReg(fwId(1), 2n))).toBe('ok');
    expect(errnoOf(() => m.setOneReg(fwId(1), 3n))).toBe('EINVAL');
  });
  it('DEMUX CCSIDR: only caches CLIDR_EL1 describes; invariant (sys_regs.c demux_c15_get/set)', () => {
    const v = vcpuOf();
    expect(v.getOneReg(ccsidrId(1))).toBe(0x201fe012n); // the fixture
    expect(errnoOf(() => v.getOneReg(ccsidrId(3)))).toBe('ENOENT'); // L2 is unified: no instruction cache
    expect(errnoOf(() => v.getOneReg(ccsidrId(0) | (1n << 8n)))).toBe('ENOENT'); // not the CCSIDR demux
    expect(errnoOf(() => v.getOneReg((ccsidrId(0) & ~(0xfn << 52n)) | KVM_REG_SIZE_U64))).toBe('ENOENT');
    expect(errnoOf(() => v.setOneReg(ccsidrId(0), 0x701fe00an))).toBe('ok');
    expect(errnoOf(() => v.setOneReg(ccsidrId(0), 0x701fe00bn))).toBe('EINVAL');
  });
  it('system registers: unknown or odd-sized ENOENT, ID registers only their value, OSLSR only OSLK (sys_regs.c)', () => {
    const v = vcpuOf();
    const PFR0 = sysregId(3, 0, 0, 4, 0);
    expect(errnoOf(() => v.setOneReg(PFR0, 0x1000000001000222n))).toBe('ok');
    expect(errnoOf(() => v.setOneReg(PFR0, 0x1000000001000221n))).toBe('EINVAL');
    expect(errnoOf(() => v.getOneReg(sysregId(3, 0, 9, 12, 0)))).toBe('ENOENT'); // PMCR_EL0 without PMU_V3
    const OSLSR = sysregId(2, 0, 1, 1, 4);
    expect(errnoOf(() => v.setOneReg(OSLSR, 0xan))).toBe('ok');
    expect(errnoOf(() => v.setOneReg(OSLSR, 0x9n))).toBe('EINVAL');
    expect(errnoOf(() => v.getOneReg(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM64_SVE))).toBe('ENOENT');
    // MPIDR_EL1 is stored per vCPU (the guest reads it through VMPIDR_EL2).
    v.setOneReg(sysregId(3, 0, 0, 0, 5), 0x80000001n);
    expect(v.getOneReg(sysregId(3, 0, 0, 0, 5))).toBe(0x80000001n);
  });
  it('the timer: CNT writes set the offset, CTL reports ISTATUS when CVAL <= the count (arch_timer.c)', () => {
    const v = vcpuOf();
    v.setOneReg(KVM_REG_ARM_TIMER_CNT, 0x1_0000_0000n);
    expect(v.getOneReg(KVM_REG_ARM_TIMER_CNT)).toBe(0x1_0000_0000n); // no instruction ran since
    v.setOneReg(KVM_REG_ARM_TIMER_CTL, 1n);
    expect(v.getOneReg(KVM_REG_ARM_TIMER_CTL)).toBe(5n); // CVAL 0 <= count
    v.setOneReg(KVM_REG_ARM_TIMER_CVAL, 0x2_0000_0000n);
    expect(v.getOneReg(KVM_REG_ARM_TIMER_CTL)).toBe(1n);
    expect(v.getOneReg(KVM_REG_ARM_TIMER_CVAL)).toBe(0x2_0000_0000n);
  });
});

describe('KVM_GET/SET_VCPU_EVENTS (guest.c __kvm_arm_vcpu_get/set_events)', () => {
  /** msr daifclr, #4; b . at 0x40000000; at the SError vector (VBAR 0x40000800 + 0x380): mrs x1, esr_el1; str x1, [x20]. */
  function serrorGuest(): Uint8Array {
    const img = new Uint8Array(0x1000);
    const dv = new DataView(img.buffer);
    dv.setUint32(0, 0xd50344ff, true);
    dv.setUint32(4, 0x14000000, true);
    dv.setUint32(0xb80, 0xd5385201, true);
    dv.setUint32(0xb84, 0xf9000281, true);
    return img;
  }
  function start(cpu: string): KvmVcpu {
    const v = vcpuOf(cpu, serrorGuest());
    v.setOneReg(PC, 0x4000_0000n);
    v.setOneReg(X(20), 0x0900_0000n);
    v.setOneReg(sysregId(3, 0, 12, 0, 0), 0x4000_0800n); // VBAR_EL1
    return v;
  }
  it('nothing pending after reset; serror_has_esr is the host\'s RAS (max yes, cortex-a57 no)', () => {
    expect(vcpuOf('max').getVcpuEvents().exception).toEqual({ serrorPending: false, serrorHasEsr: true, extDabtPending: false, serrorEsr: 0n });
    expect(vcpuOf().getVcpuEvents().exception.serrorHasEsr).toBe(false);
  });
  it('a syndrome without RAS, or beyond the ISS, is EINVAL', () => {
    const ev = (esr: bigint) => ({ exception: { serrorPending: true, serrorHasEsr: true, extDabtPending: false, serrorEsr: esr } });
    expect(errnoOf(() => vcpuOf().setVcpuEvents(ev(1n)))).toBe('EINVAL');
    expect(errnoOf(() => vcpuOf('max').setVcpuEvents(ev(1n << 25n)))).toBe('EINVAL');
  });
  it('a pending SError with a syndrome is taken when the guest unmasks it: ESR_EL1 EC 0x2F with that ISS (Arm ARM, VSESR_EL2)', () => {
    const v = start('max');
    v.setVcpuEvents({ exception: { serrorPending: true, serrorHasEsr: true, extDabtPending: false, serrorEsr: 0x123n } });
    expect(v.getVcpuEvents().exception).toMatchObject({ serrorPending: true, serrorEsr: 0x123n });
    v.runOnce();
    expect(v.run.exitReason).toBe(KVM_EXIT_MMIO);
    expect(v.getOneReg(X(1))).toBe(0xbe000123n);
    expect(v.getVcpuEvents().exception.serrorPending).toBe(false);
  });
  it('an external Data Abort is injected at once (kvm_inject_dabt: EC 0x25, FSC 0x10)', () => {
    const v = start('cortex-a57');
    v.setVcpuEvents({ exception: { serrorPending: false, serrorHasEsr: false, extDabtPending: true, serrorEsr: 0n } });
    expect(v.getOneReg(sysregId(3, 0, 5, 2, 0))).toBe(0xffffffff96000010n); // ESR_EL1, bits 63:32 as 6.1 sign-extends them (kvm_mmu-*.txt)
    expect(v.getOneReg(PC)).toBe(0x4000_0a00n); // VBAR_EL1 + 0x200: current EL with SPx, synchronous
  });
});

describe('KVM_RUN', () => {
  it('the real reset and final values of guest.bin (all registers but the counter)', () => {
    const v = vcpuOf();
    const reset = fixtureValues('guest-cortex-a57.txt', 'reset');
    for (const [id, value] of reset) if (id !== KVM_REG_ARM_TIMER_CNT) expect(v.getOneReg(id), id.toString(16)).toBe(value);
  });
  it('MMIO read: exit at the load; the next KVM_RUN completes it as 6.1 does and moves past it (mmio.c)', () => {
    const v = vcpuOf('cortex-a57', ABI);
    v.setOneReg(PC, 0x4000_0000n);
    v.runOnce();
    expect(v.run.exitReason).toBe(KVM_EXIT_MMIO);
    expect(v.run.mmio).toMatchObject({ physAddr: 0x9000010n, len: 1, isWrite: false });
    expect(v.getOneReg(PC)).toBe(0x4000_0004n); // LDRB w1, [x20, #16] not yet complete
    v.run.mmio.data.set([0x88, 0x77, 0x66]);
    v.runOnce(); // completes the LDRB, then stops at STR x1 (an MMIO write)
    expect(v.getOneReg(X(1))).toBe(0x88n);
    expect(v.run.mmio).toMatchObject({ physAddr: 0x9000000n, len: 8, isWrite: true });
    expect(v.getOneReg(PC)).toBe(0x4000_0008n);
  });
  it('LDRSB/LDRSH/LDRSW and W forms from MMIO: 6.1 truncates the sign extension to the access size (fixture kvm_mmio_hvc-*.txt)', () => {
    // The sign extension kvm_handle_mmio_return makes is undone by vcpu_data_host_to_guest's
    // masking: the real kernel loads 0x88 for LDRSB x1 and LDRSB w1 of 0x88.
    const v = vcpuOf('cortex-a57', ABI);
    v.setOneReg(PC, 0x4000_0000n);
    const written: bigint[] = [];
    for (let i = 0; i < 24; i++) {
      runToExit(v, 0x8182838485868788n);
      if (v.run.mmio.isWrite && v.run.mmio.len === 8) written.push(v.getOneReg(X(1)));
    }
    expect(written.slice(0, 9)).toEqual([0x88n, 0x8788n, 0x85868788n, 0x8182838485868788n, 0x88n, 0x88n, 0x8788n, 0x8788n, 0x85868788n]);
  });
  it('max: the guest reads the CPU\'s CTR_EL0 (no HCR_EL2.TID2 trap), KVM_GET_ONE_REG the sanitised one with IDC (kvm_traps-max.txt)', () => {
    // MOVZ x20, #0x900, LSL #16; MRS x1, CTR_EL0; STR x1, [x20] (aarch64-linux-gnu-as)
    const code = new Uint8Array(new Uint32Array([0xd2a12014, 0xd53b0021, 0xf9000281]).buffer);
    const v = vcpuOf('max', code);
    v.setOneReg(PC, 0x4000_0000n);
    runToExit(v);
    // kvm_traps-max.txt: the guest's report 0x8444c004; "reset 0x603000000013d801 0x9444c004"
    expect(v.getOneReg(X(1))).toBe(0x8444c004n);
    expect(v.getOneReg(sysregId(3, 3, 0, 0, 1))).toBe(0x9444c004n);
  });
  it('MMIO write data for every size, XZR as 0 (fixture kvm_mmio_hvc-*.txt)', () => {
    const v = vcpuOf('cortex-a57', ABI);
    v.setOneReg(PC, 0x4000_0000n);
    const writes: string[] = [];
    for (let i = 0; i < 40 && writes.length < 28; i++) {
      runToExit(v);
      const m = v.run.mmio;
      let d = 0n;
      for (let k = m.len - 1; k >= 0; k--) d = (d << 8n) | BigInt(m.data[k]);
      writes.push(`${m.physAddr.toString(16)} ${m.len} ${d.toString(16)}`);
    }
    expect(writes.slice(10, 16)).toEqual([
      '9000001 1 10', '9000002 2 3210', '9000004 4 76543210', '9000008 8 fedcba9876543210', '9000000 8 0', '9000000 8 fedcba9876543210',
    ]);
  });
  it('an MMIO access without a valid syndrome (LDP) fails KVM_RUN with ENOSYS, the PC on it (mmio.c io_mem_abort)', () => {
    const v = vcpuOf('cortex-a57', ABI);
    v.setOneReg(PC, 0x4000_0000n);
    v.setOneReg(sysregId(3, 0, 13, 0, 4), 0xdeadbeefn); // as the probe's set sequence (TPIDR_EL1)
    const final = fixtureValues('kvm_mmio_hvc-cortex-a57.txt', 'final');
    let err = 'ok';
    for (let i = 0; i < 300 && err === 'ok'; i++) err = errnoOf(() => runToExit(v));
    expect(err).toBe('ENOSYS');
    expect(v.getOneReg(PC)).toBe(final.get(PC));
    for (const [id, value] of final) if (id !== KVM_REG_ARM_TIMER_CNT) expect(v.getOneReg(id), id.toString(16)).toBe(value);
  });
  it('PSCI SYSTEM_OFF exits with a SHUTDOWN system event, x0 preloaded with INTERNAL_FAILURE (psci.c; fixture)', () => {
    const v = vcpuOf();
    v.setOneReg(PC, 0x4000_0000n);
    for (let i = 0; i < 100 && v.run.exitReason !== KVM_EXIT_SYSTEM_EVENT; i++) runToExit(v);
    expect(v.run.exitReason).toBe(KVM_EXIT_SYSTEM_EVENT);
    expect(v.run.systemEvent.type).toBe(KVM_SYSTEM_EVENT_SHUTDOWN);
    expect(v.getOneReg(X(0))).toBe(0xfffffffffffffffan);
    expect(v.getOneReg(PC)).toBe(0x4000_0110n);
  });
  it('guest debug with USE_SW_BP: BRK exits with KVM_EXIT_DEBUG, hsr = ESR_EL2 (EC 0x3c, IL, imm16), PC on the BRK', () => {
    const v = vcpuOf();
    v.setOneReg(PC, 0x4000_0000n);
    v.setGuestDebug(KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_SW_BP);
    for (let i = 0; i < 100 && v.run.exitReason !== KVM_EXIT_DEBUG; i++) runToExit(v);
    expect(v.run.exitReason).toBe(KVM_EXIT_DEBUG);
    expect(v.run.debug.hsr).toBe(0xf2000007); // brk #0x7 (Arm ARM D17.2.37: EC 0x3C, ISS = imm16)
    expect(v.getOneReg(PC)).toBe(0x4000_00e8n);
  });
  it('guest debug with SINGLESTEP: one instruction, then KVM_EXIT_DEBUG with a software step syndrome (EC 0x32)', () => {
    const v = vcpuOf();
    v.setOneReg(PC, 0x4000_0000n);
    v.setGuestDebug(KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP);
    v.runOnce();
    expect(v.run.exitReason).toBe(KVM_EXIT_DEBUG);
    expect(v.run.debug.hsr >>> 26).toBe(0x32);
    expect(v.getOneReg(PC)).toBe(0x4000_0004n);
    expect(v.getOneReg(X(20))).toBe(0x0900_0000n);
  });
  it('a fetch outside memory: KVM injects a Prefetch Abort (EC 0x21, FSC 0x10 external); a guest that never exits ends in KVM_EXIT_INTR', () => {
    const v = new KvmVcpu({ cpu: 'cortex-a57', memory: [{ ipa: 0x4000_0000, size: 0x20_0000, bytes: GUEST }], maxSteps: 1000 });
    v.init({ target: 2, features: [PSCI_0_2] });
    v.setOneReg(PC, 0x1000n); // no memory there; VBAR_EL1 0: the vector is outside memory too
    v.runOnce();
    expect(v.run.exitReason).toBe(KVM_EXIT_INTR);
    expect(v.getOneReg(sysregId(3, 0, 5, 2, 0))).toBe(0xffffffff86000010n); // ESR_EL1 (inject_abt64; bits 63:32 as in kvm_traps-*.txt)
    expect(v.getOneReg(sysregId(3, 0, 6, 0, 0))).toBe(0x200n); // FAR_EL1: the vector it last tried
  });
  it('a one-page slot runs its code (the stage 2 tables after it: the two level 1 tables 8 KiB aligned, AArch64.S2Walk)', () => {
    // str x1, [x2] (0xf9000041): an MMIO write exit, as guest.bin's reports
    const v = new KvmVcpu({ cpu: 'cortex-a57', memory: [{ ipa: 0x4000_0000, size: 0x1000, bytes: new Uint8Array(new Uint32Array([0xf9000041]).buffer) }], maxSteps: 1000 });
    v.init({ target: 2, features: [PSCI_0_2] });
    v.setOneReg(PC, 0x4000_0000n);
    v.setOneReg(X(1), 0x55n);
    v.setOneReg(X(2), 0x0900_0000n);
    v.runOnce();
    expect(v.run.exitReason).toBe(KVM_EXIT_MMIO);
    expect(v.run.mmio).toMatchObject({ physAddr: 0x900_0000n, len: 8, isWrite: true });
  });
  it('PSCI CPU_OFF stops the vCPU in that KVM_RUN: no instruction after the HVC runs (psci.c kvm_arm_vcpu_power_off: KVM_REQ_SLEEP)', () => {
    // hvc #0; str x1, [x2] (A64 encodings 0xd4000002, 0xf9000041): the store would be an MMIO exit
    const code = new Uint8Array(new Uint32Array([0xd4000002, 0xf9000041]).buffer);
    const v = new KvmVcpu({ cpu: 'cortex-a57', memory: [{ ipa: 0x4000_0000, size: 0x2000, bytes: code }], maxSteps: 1000 });
    v.init({ target: 2, features: [PSCI_0_2] });
    v.setOneReg(PC, 0x4000_0000n);
    v.setOneReg(X(0), 0x8400_0002n); // PSCI_0_2_FN_CPU_OFF
    v.setOneReg(X(2), 0x0900_0000n);
    v.runOnce();
    // the stopped vCPU sleeps in KVM_RUN until a signal: KVM_EXIT_INTR, as with POWER_OFF above
    expect(v.run.exitReason).toBe(KVM_EXIT_INTR);
    expect(v.getOneReg(PC)).toBe(0x4000_0004n); // past the HVC (ELR_EL2), the store not run
    expect(v.getOneReg(X(0))).toBe(0n); // PSCI_RET_SUCCESS
    v.runOnce();
    expect(v.run.exitReason).toBe(KVM_EXIT_INTR);
    expect(v.getOneReg(PC)).toBe(0x4000_0004n);
  });
  it('PSCI 0.1 (no KVM_ARM_VCPU_PSCI_0_2): KVM\'s own IDs, CPU_ON of the running vCPU INVALID_PARAMS, CPU_OFF stops it (psci.c kvm_psci_0_1_call)', () => {
    // hvc #0; mov x5, x0; mov x0, x6; hvc #0; str x1, [x2] (aarch64-linux-gnu-as)
    const code = new Uint8Array(new Uint32Array([0xd4000002, 0xaa0003e5, 0xaa0603e0, 0xd4000002, 0xf9000041]).buffer);
    const v = new KvmVcpu({ cpu: 'cortex-a57', memory: [{ ipa: 0x4000_0000, size: 0x2000, bytes: code }], maxSteps: 1000 });
    v.init({ target: 2, features: [0] });
    expect(v.getOneReg(fwId(0))).toBe(0n); // KVM_ARM_PSCI_0_1
    v.setOneReg(PC, 0x4000_0000n);
    v.setOneReg(X(0), 0x95c1ba60n); // KVM_PSCI_FN_CPU_ON (KVM_PSCI_FN_BASE 0x95c1ba5e + 2, uapi asm/kvm.h)
    v.setOneReg(X(1), 0n); // this vCPU's MPIDR affinity
    v.setOneReg(X(6), 0x95c1ba5fn); // KVM_PSCI_FN_CPU_OFF
    v.setOneReg(X(2), 0x0900_0000n);
    v.runOnce();
    // kvm_psci_vcpu_on: a running target is ALREADY_ON from 0.2 on, INVALID_PARAMS under 0.1
    expect(v.getOneReg(X(5))).toBe(0xfffffffffffffffen);
    expect(v.run.exitReason).toBe(KVM_EXIT_INTR);
    expect(v.getOneReg(X(0))).toBe(0n); // CPU_OFF: PSCI_RET_SUCCESS
    expect(v.getOneReg(PC)).toBe(0x4000_0010n);
  });
  it('immediate_exit: KVM_EXIT_INTR before any instruction runs', () => {
    const v = vcpuOf();
    v.setOneReg(PC, 0x4000_0000n);
    v.run.immediateExit = true;
    v.runOnce();
    expect(v.run.exitReason).toBe(KVM_EXIT_INTR);
    expect(v.getOneReg(PC)).toBe(0x4000_0000n);
  });
  it('the guest reads the KVM view: MIDR/MPIDR, the sanitised ID registers, SCTLR_EL1 0x00c50078, EL1 (fixture exits)', () => {
    const v = vcpuOf('max');
    v.setOneReg(PC, 0x4000_0000n);
    const seen: bigint[] = [];
    for (let i = 0; i < 7; i++) {
      runToExit(v);
      seen.push(v.getOneReg(X(0)));
    }
    expect(seen).toEqual([0xf0510n, 0x80000000n, 0x1101001021110222n, 0x1221111110212120n, 0x32310201126n, 0xc50078n, 4n]);
  });
});

if (SHARED_GUEST === undefined) vdescribe('without the shared guest', () => it.skip(NO_SHARED_GUEST, () => {}));
