// The cpreg-list sync (src/kvmcompat/cpreglist.ts, coreregs.ts, kvmcpu.ts) against the
// virtual vCPU (src/kvmcompat/vcpu.ts), whose register list and reset values are checked
// here against the real kernel's (tests/kvm/fixtures, recorded from Linux 6.1's KVM). Expected behaviour: QEMU 7.2 target/arm (kvm.c, kvm64.c, helper.c) as
// cited per test; expected values: the fixtures, the Arm ARM, or the values the test wrote.

import { describe, expect, test } from 'vitest';
import { Slot } from '../../src/cpu/state.js';
import { getV, setV } from '../../src/cpu/vreg.js';
import { KVM_REG_ARM_TIMER_CNT, KVM_REG_ARM_TIMER_CVAL, fwId, hexId, regSizeBytes, KVM_REG_ARM64, KVM_REG_SIZE_U128, KVM_REG_SIZE_U2048, KVM_REG_ARM64_SVE, KVM_REG_ARM_COPROC_MASK, KVM_REG_ARM_CORE, sysregId, type RegId } from '../../src/kvmcompat/regid.js';
import { CpregList, KVM_PUT_FULL_STATE, KVM_PUT_RESET_STATE, KVM_PUT_RUNTIME_STATE, regSyncsViaCpregList } from '../../src/kvmcompat/cpreglist.js';
import { getCoreRegs, newCoreExtra, putCoreRegs } from '../../src/kvmcompat/coreregs.js';
import { ID_ELR_EL1, ID_FPCR, ID_FPSR, ID_PC, ID_PSTATE, ID_SP, ID_SP_EL1, ID_SPSR, ID_V, ID_X } from '../../src/kvmcompat/regid.js';
import { KvmError } from '../../src/kvmcompat/errno.js';
import { Flag } from '../../src/sysregs/row.js';
import { KVM_EXIT_MMIO, KVM_EXIT_SYSTEM_EVENT, type KvmRun, type KvmVcpuApi } from '../../src/kvmcompat/api.js';
import { KvmCpu } from '../../src/kvmcompat/kvmcpu.js';
import { FIXTURE_OF, RAM_BASE, fixtureFinals, fixtureResets, makeRig } from './helpers/syncrig.js';

const MIDR = sysregId(3, 0, 0, 0, 0);
const SCTLR_EL1 = sysregId(3, 0, 1, 0, 0);
const TPIDR_EL1 = sysregId(3, 0, 13, 0, 4);
const ID_AA64PFR0 = sysregId(3, 0, 0, 4, 0);
const KVM_UNKNOWN = 0x1de7ec7edbadc0den; // the kernel's reset pattern for UNKNOWN registers (fixture)

const isCore = (id: RegId): boolean => (id & KVM_REG_ARM_COPROC_MASK) === KVM_REG_ARM_CORE;
const resets = (model: string) => fixtureResets(FIXTURE_OF[model]);

describe.each(['cortex-a57', 'max'])('cpreg list on %s', (model) => {
  test('initFromVcpu: E2BIG size query, then every non-core ID sorted, values as the kernel reset them', () => {
    const r = makeRig(model);
    expect(r.kvm.initVcpu()).toBe(0);
    // kvm_arm_init_cpreg_list: KVM_GET_REG_LIST with n = 0 answers E2BIG, then the full size.
    const lists = r.calls.filter((c) => c.op === 'getRegList');
    const n = resets(model).length;
    expect(lists).toEqual([{ op: 'getRegList', n: 0, result: 'E2BIG' }, { op: 'getRegList', n, result: 'ok' }]);
    // kvm_arm_reg_syncs_via_cpreg_list: core registers are synced by hand; the rest, sorted.
    const expected = resets(model).filter((x) => !isCore(x.id)).sort((a, b) => (a.id < b.id ? -1 : 1));
    expect(r.kvm.list.indexes.map(hexId)).toEqual(expected.map((x) => hexId(x.id)));
    expect(r.kvm.list.length).toBe(n - 75); // 75 core IDs: 31 X, SP, PC, PSTATE, SP_EL1, ELR_EL1, 5 SPSR, 32 V, FPSR, FPCR
    for (let i = 0; i < expected.length; i++) {
      // The fixture's value (reset lines are the real kernel's KVM_GET_ONE_REG after init).
      const v = expected[i].id === KVM_REG_ARM_TIMER_CNT ? r.kvm.list.values[i] : expected[i].value;
      expect(r.kvm.list.values[i], hexId(expected[i].id)).toBe(v);
    }
  });

  test('listToCpustate: raw writes with read-back; registers cpustate lacks or cannot hold fail, NO_RAW skipped', () => {
    const r = makeRig(model);
    r.kvm.initVcpu();
    expect(r.cpu.x[Slot.SCTLR_EL1]).toBe(0x00c50838n); // our (TCG) reset: QEMU 7.2's for both models
    expect(r.kvm.list.listToCpustate()).toBe(false);
    // The kernel's SCTLR_EL1 reset value (fixture) is now cpustate's.
    expect(r.cpu.x[Slot.SCTLR_EL1]).toBe(0x00c50078n);
    expect(r.cpu.x[Slot.TPIDR_EL1]).toBe(KVM_UNKNOWN);
    const failed = new Set(r.kvm.list.failed);
    // Not in cpustate: firmware registers, DEMUX CCSIDR (no sysreg row in QEMU either).
    for (const id of [fwId(0), 0x6020000000110000n, 0x6030000000160000n]) expect(failed.has(id), hexId(id)).toBe(true);
    // The timer IDs carry each other's encodings (api.rst; regid.ts), and QEMU resolves an ID by
    // its encoding: KVM_REG_ARM_TIMER_CVAL lands on CNTVCT_EL0, NO_RAW, so it is skipped (not a
    // failure); KVM_REG_ARM_TIMER_CNT lands on CNTV_CVAL_EL0, whose cpustate copy then holds the count.
    const cval = r.kvm.list.target(r.kvm.list.indexOf(KVM_REG_ARM_TIMER_CVAL));
    expect(cval?.kind === 'row' && cval.row.name).toBe('CNTVCT_EL0');
    expect(cval!.flags & Flag.NO_RAW).toBe(Flag.NO_RAW);
    expect(failed.has(KVM_REG_ARM_TIMER_CVAL)).toBe(false);
    const cnt = r.kvm.list.target(r.kvm.list.indexOf(KVM_REG_ARM_TIMER_CNT));
    expect(cnt?.kind === 'row' && cnt.row.name).toBe('CNTV_CVAL_EL0');
    expect(r.cpu.x[Slot.CNTV_CVAL_EL0]).toBe(r.kvm.list.value(KVM_REG_ARM_TIMER_CNT));
    // Stored registers take the kernel's value.
    expect(failed.has(SCTLR_EL1)).toBe(false);
    expect(failed.has(TPIDR_EL1)).toBe(false);
    // Every failure is either not in cpustate or a register whose read-back differs.
    for (const id of failed) {
      const i = r.kvm.list.indexOf(id);
      const t = r.kvm.list.target(i);
      // CONST rows (ID registers, AFSR0/1_EL1 RAZ) keep our model's value: the read-back differs.
      if (t !== undefined) expect(t.kind === 'row' && t.row.constValue !== undefined, hexId(id)).toBe(true);
    }
  });
});

describe('cpustate -> list', () => {
  test('kvmSync: a changed register goes back; one whose kernel value cpustate cannot hold does not', () => {
    const r = makeRig();
    r.kvm.initVcpu();
    r.kvm.list.listToCpustate();
    // The kernel's ID_AA64PFR0_EL1 (fixture: 0x1000000001000222, the host's EL2/EL3 fields
    // hidden) differs from our model's constant: the raw write does not stick.
    const kvmPfr0 = r.kvm.list.value(ID_AA64PFR0)!;
    expect(kvmPfr0).toBe(0x1000000001000222n);
    const i = r.kvm.list.indexOf(ID_AA64PFR0);
    const t = r.kvm.list.target(i)!;
    expect(t.kind === 'row' && t.row.constValue).not.toBe(kvmPfr0);
    r.cpu.x[Slot.TPIDR_EL1] = 0x1234n;
    r.kvm.list.cpustateToList(true);
    expect(r.kvm.list.value(TPIDR_EL1)).toBe(0x1234n);
    expect(r.kvm.list.value(ID_AA64PFR0)).toBe(kvmPfr0);
    // Not in cpustate (a firmware register): reported, and the list keeps the kernel's value.
    expect(r.kvm.list.failed).toContain(fwId(0));
    expect(r.kvm.list.value(fwId(0))).toBe(resets('cortex-a57').find((x) => x.id === fwId(0))!.value);
    // Without kvmSync (outbound migration, write_cpustate_to_list(cpu, false)) cpustate wins.
    r.kvm.list.cpustateToList(false);
    expect(r.kvm.list.value(ID_AA64PFR0)).toBe(t.kind === 'row' ? t.row.constValue : undefined);
  });

  test('kvmSync leaves cpustate as it found it', () => {
    const r = makeRig();
    r.kvm.initVcpu();
    r.kvm.list.listToCpustate();
    r.cpu.x[Slot.VBAR_EL1] = 0x40000800n;
    r.kvm.list.cpustateToList(true);
    expect(r.cpu.x[Slot.VBAR_EL1]).toBe(0x40000800n);
    expect(r.kvm.list.value(sysregId(3, 0, 12, 0, 0))).toBe(0x40000800n);
  });
});

describe('list -> kernel', () => {
  test('put levels: the virtual counter is written only at KVM_PUT_FULL_STATE (kvm_arm_cpreg_level)', () => {
    const r = makeRig();
    r.kvm.initVcpu();
    const written = (level: 1 | 2 | 3) => {
      r.calls.length = 0;
      expect(r.kvm.list.listToKvmstate(level)).toBe(true);
      return r.calls.filter((c) => c.op === 'set').map((c) => (c as { id: RegId }).id);
    };
    const all = r.kvm.list.indexes;
    expect(written(KVM_PUT_RUNTIME_STATE)).toEqual(all.filter((id) => id !== KVM_REG_ARM_TIMER_CNT));
    expect(written(KVM_PUT_RESET_STATE)).toEqual(all.filter((id) => id !== KVM_REG_ARM_TIMER_CNT));
    expect(written(KVM_PUT_FULL_STATE)).toEqual(all);
  });

  test('incoming migration (postLoad): the loaded list reaches the kernel at full state, counter included', () => {
    const r = makeRig();
    r.kvm.initVcpu();
    r.kvm.list.values[r.kvm.list.indexOf(KVM_REG_ARM_TIMER_CNT)] = 0x123456789n;
    r.kvm.list.values[r.kvm.list.indexOf(TPIDR_EL1)] = 0xabcn;
    expect(r.kvm.postLoad()).toBe(true);
    expect(r.vcpu.getOneReg(KVM_REG_ARM_TIMER_CNT)).toBe(0x123456789n);
    expect(r.vcpu.getOneReg(TPIDR_EL1)).toBe(0xabcn);
    expect(r.cpu.x[Slot.TPIDR_EL1]).toBe(0xabcn);
    // A value the kernel refuses (another MIDR_EL1) fails the load.
    r.kvm.list.values[r.kvm.list.indexOf(MIDR)] = 0x411fd060n;
    expect(r.kvm.postLoad()).toBe(false);
  });

  test('a refused register makes the result false, and the loop goes on', () => {
    const r = makeRig();
    r.kvm.initVcpu();
    // MIDR_EL1 is invariant: another value is EINVAL (fixture: set ... 0x411fd060 -> EINVAL).
    r.kvm.list.values[r.kvm.list.indexOf(MIDR)] = 0x411fd060n;
    r.kvm.list.values[r.kvm.list.indexOf(TPIDR_EL1)] = 0x5555n;
    expect(r.kvm.list.listToKvmstate(KVM_PUT_RUNTIME_STATE)).toBe(false);
    expect(r.kvm.list.failed).toEqual([MIDR]);
    expect(r.vcpu.getOneReg(TPIDR_EL1)).toBe(0x5555n); // after MIDR in the list, still written
    expect(r.vcpu.getOneReg(MIDR)).toBe(0x411fd070n);
  });
});

describe('init refusals', () => {
  /** The rig's vCPU with extra IDs appended to its register list. */
  const withExtra = (vcpu: KvmVcpuApi, extra: RegId[]): KvmVcpuApi => ({
    ...vcpu,
    get run() { return vcpu.run; },
    init: (i) => vcpu.init(i),
    getRegList(n, s) {
      const size = { n: 0 };
      let ids: RegId[] = [];
      try { ids = vcpu.getRegList(1 << 20, size); } catch (e) { if (!(e instanceof KvmError)) throw e; }
      if (s) s.n = ids.length + extra.length;
      if (n < ids.length + extra.length) throw new KvmError('E2BIG');
      return [...ids, ...extra];
    },
    getOneReg: (id) => vcpu.getOneReg(id),
    setOneReg: (id, v) => vcpu.setOneReg(id, v),
  });

  test('an ID of a size the list cannot hold fails the whole init with EINVAL', () => {
    const r = makeRig();
    r.vcpu.init(r.kvm.vcpuInit);
    const odd = (fwId(0) & ~0x00f0_0000_0000_0000n) | KVM_REG_SIZE_U128; // U128 firmware ID
    expect(regSizeBytes(odd)).toBe(16);
    const list = new CpregList(withExtra(r.vcpu, [odd]), r.cpu);
    expect(list.initFromVcpu()).toBe(-22);
    expect(list.failed).toEqual([odd]);
  });

  test('SVE and core IDs are not the list\'s business, whatever their size', () => {
    const sve = KVM_REG_ARM64 | KVM_REG_SIZE_U2048 | KVM_REG_ARM64_SVE; // Z0 (api.rst "arm64 SVE registers")
    expect(regSyncsViaCpregList(sve)).toBe(false);
    expect(regSyncsViaCpregList(ID_V(0))).toBe(false);
    expect(regSyncsViaCpregList(MIDR)).toBe(true);
    const r = makeRig();
    r.vcpu.init(r.kvm.vcpuInit);
    // KVM_GET_ONE_REG of the SVE ID would fail (no SVE): it must not even be read.
    const list = new CpregList(withExtra(r.vcpu, [sve]), r.cpu);
    expect(list.initFromVcpu()).toBe(0);
    expect(list.indexOf(sve)).toBe(-1);
  });

  test('a kernel that fails a listed read fails the init with EINVAL', () => {
    const r = makeRig();
    r.vcpu.init(r.kvm.vcpuInit);
    const ghost = sysregId(3, 0, 15, 15, 7); // listed but unknown to the kernel: ENOENT on read
    const list = new CpregList(withExtra(r.vcpu, [ghost]), r.cpu);
    expect(list.initFromVcpu()).toBe(-22);
    expect(list.failed).toEqual([ghost]);
  });
});

describe('core registers', () => {
  test('get: SP_EL0 and SP_EL1 banks follow PSTATE.SP; spsr[0] is SPSR_EL1; spsr[1..4] kept aside', () => {
    const r = makeRig();
    r.kvm.initVcpu();
    const v = r.vcpu;
    for (let i = 0; i < 31; i++) v.setOneReg(ID_X(i), BigInt(i) * 0x1111n);
    v.setOneReg(ID_SP, 0xaaa0n);
    v.setOneReg(ID_SP_EL1, 0xbbb0n);
    v.setOneReg(ID_PSTATE, 0x800003c5n); // N, DAIF, EL1h
    v.setOneReg(ID_PC, 0x40000100n);
    v.setOneReg(ID_ELR_EL1, 0x40000200n);
    for (let i = 0; i < 5; i++) v.setOneReg(ID_SPSR(i), 0x3c0n + BigInt(i));
    v.setOneReg(ID_V(7), 0x0123456789abcdef_fedcba9876543210n);
    v.setOneReg(ID_FPSR, 0x08000010n); // QC, IXC
    v.setOneReg(ID_FPCR, 0x03c00000n); // DN, FZ, RMode = 0b11 (Arm ARM FPCR)
    const extra = newCoreExtra();
    expect(getCoreRegs(v, r.cpu, extra)).toEqual({ ok: true });
    const c = r.cpu;
    expect(c.x[5]).toBe(0x5555n);
    expect([c.el, c.spsel, c.daif, c.n]).toEqual([1, 1, 0xf, 1]);
    expect(c.x[Slot.SP]).toBe(0xbbb0n); // EL1h: the live SP is SP_EL1
    expect(c.getSpEl(0)).toBe(0xaaa0n);
    expect(c.pc).toBe(0x40000100n);
    expect(c.x[Slot.ELR_EL1]).toBe(0x40000200n);
    expect(c.x[Slot.SPSR_EL1]).toBe(0x3c0n);
    expect(extra.spsr32).toEqual([0x3c1n, 0x3c2n, 0x3c3n, 0x3c4n]);
    expect(getV(c, 7)).toBe(0x0123456789abcdef_fedcba9876543210n);
    expect(c.x[Slot.FPSR]).toBe(0x08000010n);
    expect(c.x[Slot.FPCR]).toBe(0x03c00000n);
    // EL1t: the live SP is SP_EL0.
    v.setOneReg(ID_PSTATE, 0x3c4n);
    getCoreRegs(v, c, extra);
    expect([c.el, c.spsel]).toEqual([1, 0]);
    expect(c.x[Slot.SP]).toBe(0xaaa0n);
    expect(c.getSpEl(1)).toBe(0xbbb0n);
  });

  test('put: QEMU\'s order, the live SP into its bank, and what get read comes back unchanged', () => {
    const r = makeRig();
    r.kvm.initVcpu();
    const extra = newCoreExtra();
    getCoreRegs(r.vcpu, r.cpu, extra);
    const before = new Map(r.calls.filter((c) => c.op === 'get').map((c) => [(c as { id: RegId }).id, 0n]));
    for (const id of before.keys()) before.set(id, r.vcpu.getOneReg(id));
    r.calls.length = 0;
    expect(putCoreRegs(r.vcpu, r.cpu, extra)).toEqual({ ok: true });
    const order = r.calls.map((c) => (c as { id: RegId }).id);
    // kvm_arch_put_registers (kvm64.c): x0..x30, sp, sp_el1, pstate, pc, elr_el1, spsr[0..4], vregs, fpsr, fpcr.
    const expected = [
      ...Array.from({ length: 31 }, (_, i) => ID_X(i)), ID_SP, ID_SP_EL1, ID_PSTATE, ID_PC, ID_ELR_EL1,
      ...Array.from({ length: 5 }, (_, i) => ID_SPSR(i)), ...Array.from({ length: 32 }, (_, i) => ID_V(i)), ID_FPSR, ID_FPCR,
    ];
    expect(order.map(hexId)).toEqual(expected.map(hexId));
    for (const [id, v] of before) expect(r.vcpu.getOneReg(id), hexId(id)).toBe(v);
    // A change in cpustate: the live SP (EL1h: SP_EL1) and a V register.
    r.cpu.x[Slot.SP] = 0x40100000n;
    setV(r.cpu, 31, 5n);
    putCoreRegs(r.vcpu, r.cpu, extra);
    expect(r.vcpu.getOneReg(ID_SP_EL1)).toBe(0x40100000n);
    expect(r.vcpu.getOneReg(ID_SP)).toBe(before.get(ID_SP));
    expect(r.vcpu.getOneReg(ID_V(31))).toBe(5n);
  });

  test('put stops at the first refusal and names it (an invalid PSTATE mode: EINVAL, as the fixture)', () => {
    const r = makeRig();
    r.kvm.initVcpu();
    const extra = newCoreExtra();
    getCoreRegs(r.vcpu, r.cpu, extra);
    r.cpu.selectSp(2, 1); // EL2h: 0x3c9, refused by the kernel (fixture: set ... 0x3c9 -> EINVAL)
    r.calls.length = 0;
    expect(putCoreRegs(r.vcpu, r.cpu, extra)).toEqual({ ok: false, id: ID_PSTATE, errno: 'EINVAL' });
    expect(r.calls.at(-1)).toMatchObject({ op: 'set', id: ID_PSTATE, result: 'EINVAL' });
  });
});

describe('KvmCpu', () => {
  test('system reset: re-init, kernel -> list -> cpustate, then a RESET-level put with the board\'s entry', () => {
    const r = makeRig();
    expect(r.kvm.initVcpu()).toBe(0);
    expect(r.kvm.postInit()).toEqual({ ok: true });
    r.vcpu.setOneReg(TPIDR_EL1, 0x77n); // the guest ran and changed state
    r.calls.length = 0;
    expect(r.kvm.systemReset(BigInt(RAM_BASE + 0x100))).toEqual({ ok: true });
    const ops = r.calls.map((c) => c.op);
    // kvm_arm_reset_vcpu: KVM_ARM_VCPU_INIT, then a read of every list entry; then the put.
    expect(ops[0]).toBe('init');
    const gets = r.kvm.list.length;
    expect(ops.slice(1, 1 + gets).every((o) => o === 'get')).toBe(true);
    expect(ops.slice(1 + gets).every((o) => o === 'set')).toBe(true);
    const sets = r.calls.filter((c) => c.op === 'set').map((c) => (c as { id: RegId }).id);
    expect(sets).not.toContain(KVM_REG_ARM_TIMER_CNT); // KVM_PUT_RESET_STATE
    expect(r.vcpu.getOneReg(ID_PC)).toBe(BigInt(RAM_BASE + 0x100));
    // The kernel's reset values stand (fixture), not cpustate's or the guest's.
    expect(r.vcpu.getOneReg(TPIDR_EL1)).toBe(KVM_UNKNOWN);
    expect(r.vcpu.getOneReg(SCTLR_EL1)).toBe(0x00c50078n);
    expect(r.vcpu.getOneReg(ID_PSTATE)).toBe(0x400003c5n); // cpustate's reset PSTATE: EL1h, DAIF, Z (QEMU's reset)
  });

  test('a debug exit at one of QEMU\'s own breakpoints stops in QEMU and injects nothing', () => {
    const r = makeRig();
    r.kvm.initVcpu();
    r.kvm.postInit();
    r.cpu.pc = BigInt(RAM_BASE);
    r.kvm.getRegisters();
    r.kvm.swBreakpoints.add(r.cpu.pc);
    const esrBefore = r.cpu.x[Slot.ESR_EL1];
    expect(r.kvm.handleDebug(0xf2000000, 0n)).toBe(true); // BRK #0 (EC 0x3c, IL)
    expect(r.cpu.pc).toBe(BigInt(RAM_BASE));
    expect(r.cpu.x[Slot.ESR_EL1]).toBe(esrBefore);
  });

  test('a software-step exit: QEMU\'s own when it asked for single steps, else dropped without injection', () => {
    const r = makeRig();
    r.kvm.initVcpu();
    r.kvm.postInit();
    r.kvm.getRegisters();
    const pc = r.cpu.pc;
    const esrBefore = r.cpu.x[Slot.ESR_EL1];
    const ss = 0xca000022; // EC 0x32 (Software Step, lower EL), IL, IFSC 0x22 (Arm ARM D17.2.37)
    r.kvm.singlestep = true;
    expect(r.kvm.handleDebug(ss, 0n)).toBe(true);
    // kvm_arm_handle_debug: "guest single-step while debugging unsupported": returns false, no injection.
    r.kvm.singlestep = false;
    expect(r.kvm.handleDebug(ss, 0n)).toBe(false);
    expect(r.cpu.pc).toBe(pc);
    expect(r.cpu.x[Slot.ESR_EL1]).toBe(esrBefore);
  });
});

describe('KvmCpu.exec', () => {
  /** A vCPU that plays back exits (no guest): enough for the run loop's bookkeeping. */
  function scripted(exits: ((run: KvmRun) => void)[]): { vcpu: KvmVcpuApi; seen: Uint8Array[] } {
    const r = makeRig();
    const seen: Uint8Array[] = [];
    const run: KvmRun = { ...r.vcpu.run, mmio: { physAddr: 0n, data: new Uint8Array(8), len: 0, isWrite: false } };
    const vcpu: KvmVcpuApi = {
      ...r.vcpu,
      run,
      runOnce() {
        // The kernel completes a pending MMIO read from run.mmio.data on re-entry: record it.
        seen.push(run.mmio.data.slice());
        exits.shift()!(run);
      },
    };
    return { vcpu, seen };
  }

  test('MMIO exits go to the handler in little-endian order and the loop goes on; a system event stops it', () => {
    const writes: [bigint, number, bigint][] = [];
    const { vcpu, seen } = scripted([
      (run) => {
        run.exitReason = KVM_EXIT_MMIO;
        run.mmio = { physAddr: 0x9000000n, len: 4, isWrite: true, data: new Uint8Array([0x78, 0x56, 0x34, 0x12, 0, 0, 0, 0]) };
      },
      (run) => {
        run.exitReason = KVM_EXIT_MMIO;
        run.mmio = { physAddr: 0x9000008n, len: 8, isWrite: false, data: new Uint8Array(8) };
      },
      (run) => {
        run.exitReason = KVM_EXIT_SYSTEM_EVENT;
        run.systemEvent = { type: 1, flags: [] };
      },
    ]);
    const r = makeRig();
    const kvm = new KvmCpu(vcpu, r.cpu, r.kvm.vcpuInit);
    const stop = kvm.exec({
      read: () => 0x1122334455667788n, // what ../shared/kvm/kvm-probe.c answers
      write: (a, len, d) => void writes.push([a, len, d]),
    });
    expect(stop).toEqual({ kind: 'system-event', type: 1 });
    expect(writes).toEqual([[0x9000000n, 4, 0x12345678n]]);
    // Before the third KVM_RUN the read's data is in run.mmio.data, least significant byte first.
    expect([...seen[2]]).toEqual([0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11]);
  });
});

describe('KvmCpu.exec on the vCPU', () => {
  test('guest.S\'s MMIO read and write reach the handler and the guest sees the answer', () => {
    // As ../shared/kvm/guest.S: read the MMIO page at 0x09000008, add 1, report it at
    // 0x09000000, then PSCI SYSTEM_OFF (aarch64-linux-gnu-as).
    const guest = [
      0xd2a12014, // mov x20, #0x9000000
      0xf9400688, // ldr x8, [x20, #8]
      0x91000508, // add x8, x8, #1
      0xf9000288, // str x8, [x20]
      0xd2b08000, // mov x0, #0x84000000
      0xf2800100, // movk x0, #0x8
      0xd4000002, // hvc #0
    ];
    const r = makeRig();
    expect(r.kvm.initVcpu()).toBe(0);
    r.load(guest);
    expect(r.kvm.systemReset(BigInt(RAM_BASE))).toEqual({ ok: true });
    const reads: [bigint, number][] = [];
    const writes: [bigint, number, bigint][] = [];
    const stop = r.kvm.exec({
      read: (a, len) => (reads.push([a, len]), 0x1122334455667788n), // what kvm-probe.c answers
      write: (a, len, d) => void writes.push([a, len, d]),
    });
    // KVM_SYSTEM_EVENT_SHUTDOWN (1); the fixture's exits: "mmio-read 0x9000008 8 ->
    // 0x1122334455667788", then "mmio-write 0x9000000 8 0x1122334455667789".
    expect(stop).toEqual({ kind: 'system-event', type: 1 });
    expect(reads).toEqual([[0x9000008n, 8]]);
    expect(writes).toEqual([[0x9000000n, 8, 0x1122334455667789n]]);
    expect(r.calls.filter((c) => c.op === 'run').length).toBe(3);
    // The kernel's state comes back to cpustate: x8 as the fixture's final line for x8; the PC
    // after the HVC (ELR_EL2 is past it: Arm ARM D1.10.1, "preferred return address").
    r.kvm.synchronizeState();
    expect(r.cpu.x[8]).toBe(finalOf(ID_X(8)));
    expect(r.cpu.pc).toBe(BigInt(RAM_BASE + 0x1c));
  });
});

const finalOf = (id: RegId): bigint => fixtureFinals(FIXTURE_OF['cortex-a57']).find((f) => f.id === id)!.value;
