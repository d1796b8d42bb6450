// Expected values: PSCI function IDs and return codes from Arm DEN 0022 (tables 5-1, 5-2);
// NOT_SUPPORTED for unknown IDs from Arm DEN 0028 (SMCCC) section 5.2; the single-CPU
// answers from QEMU 7.2 target/arm/psci.c, each checked by running a guest on
// qemu-system-aarch64 7.2 -M virt -cpu cortex-a57 that issued the call through HVC and
// exited with the result:
//   VERSION -> 0x10001, MIGRATE_INFO_TYPE -> 2, AFFINITY_INFO(0,0) -> 0,
//   AFFINITY_INFO(1,0) -> -2, AFFINITY_INFO(0x80000000,0) -> -2, AFFINITY_INFO64(0,0) -> 0,
//   CPU_ON64(0) -> -4, CPU_ON64(1) -> -2, CPU_SUSPEND(0x20000) -> -2, MIGRATE -> -1,
//   SMCCC_VERSION (0x80000000) -> -1, 0x12345 -> -1 (all 64 bits set),
//   FEATURES(VERSION) -> 0, FEATURES(CPU_ON64) -> 0, FEATURES(MIGRATE_INFO_TYPE) -> 0,
//   FEATURES(MIGRATE) -> -1, FEATURES(0x8400000c) -> -1,
//   SYSTEM_OFF -> QEMU exits 0, SYSTEM_RESET -> QEMU reboots.
import { describe, expect, it } from 'vitest';
import { Cpu } from '../../src/cpu/cpu.js';
import { MODELS } from '../../src/cpu/models.js';
import { Bus, MiB } from '../../src/machine/bus.js';
import { PSCI_FN, PSCI_RET, Psci } from '../../src/machine/psci.js';

function setup(conduit: 'hvc' | 'smc' = 'hvc') {
  const psci = new Psci(conduit);
  const cpu = new Cpu(new Bus({ ramSize: MiB }), MODELS['cortex-a57'], {});
  const call = (fn: number | bigint, x1: bigint = 0n, x2: bigint = 0n, via: 'hvc' | 'smc' = 'hvc') => {
    cpu.x[0] = BigInt(fn);
    cpu.x[1] = x1;
    cpu.x[2] = x2;
    const handled = psci.call(cpu, via, 0);
    return { handled, x0: cpu.x[0], ret: Number(BigInt.asIntN(32, cpu.x[0])) };
  };
  return { psci, cpu, call };
}

describe('PSCI', () => {
  it('reports version 1.1, as QEMU 7.2', () => {
    expect(setup().call(PSCI_FN.VERSION).x0).toBe(0x10001n);
  });

  it('answers the informational calls for one CPU', () => {
    const { call } = setup();
    expect(call(PSCI_FN.MIGRATE_INFO_TYPE).ret).toBe(2);
    expect(call(PSCI_FN.AFFINITY_INFO, 0n, 0n).ret).toBe(0); // ON
    expect(call(PSCI_FN.AFFINITY_INFO64, 0n, 0n).ret).toBe(0);
    expect(call(PSCI_FN.AFFINITY_INFO, 1n, 0n).ret).toBe(PSCI_RET.INVALID_PARAMETERS);
    expect(call(PSCI_FN.AFFINITY_INFO, 0x8000_0000n, 0n).ret).toBe(PSCI_RET.INVALID_PARAMETERS);
    expect(call(PSCI_FN.AFFINITY_INFO, 5n, 1n).ret).toBe(0); // levels above 0 are on
  });

  it('refuses to start CPUs that are on or absent', () => {
    const { call } = setup();
    expect(call(PSCI_FN.CPU_ON64, 0n).ret).toBe(PSCI_RET.ALREADY_ON);
    expect(call(PSCI_FN.CPU_ON, 0n).ret).toBe(PSCI_RET.ALREADY_ON);
    expect(call(PSCI_FN.CPU_ON64, 1n).ret).toBe(PSCI_RET.INVALID_PARAMETERS);
  });

  it('treats CPU_SUSPEND as a standby that returns success', () => {
    const { call } = setup();
    expect(call(PSCI_FN.CPU_SUSPEND, 0n).ret).toBe(0);
    expect(call(PSCI_FN.CPU_SUSPEND64, 0x1_0000n).ret).toBe(0);
    expect(call(PSCI_FN.CPU_SUSPEND, 0x2_0000n).ret).toBe(PSCI_RET.INVALID_PARAMETERS);
  });

  it('answers PSCI_FEATURES for what it implements', () => {
    const { call } = setup();
    for (const fn of [PSCI_FN.VERSION, PSCI_FN.CPU_ON64, PSCI_FN.MIGRATE_INFO_TYPE, PSCI_FN.SYSTEM_OFF, PSCI_FN.FEATURES]) {
      expect(call(PSCI_FN.FEATURES, BigInt(fn)).ret).toBe(0);
    }
    expect(call(PSCI_FN.FEATURES, BigInt(PSCI_FN.MIGRATE)).ret).toBe(PSCI_RET.NOT_SUPPORTED);
    expect(call(PSCI_FN.FEATURES, 0x8400_000cn).ret).toBe(PSCI_RET.NOT_SUPPORTED);
  });

  it('returns NOT_SUPPORTED, sign-extended to 64 bits, for MIGRATE and unknown IDs', () => {
    const { call } = setup();
    expect(call(PSCI_FN.MIGRATE).ret).toBe(PSCI_RET.NOT_SUPPORTED);
    expect(call(0x8000_0000).x0).toBe(0xffff_ffff_ffff_ffffn); // SMCCC_VERSION
    const r = call(0x12345);
    expect(r.handled).toBe(true);
    expect(r.x0).toBe(0xffff_ffff_ffff_ffffn);
    expect(call(0xffff_ffff_8400_0000n).ret).toBe(PSCI_RET.NOT_SUPPORTED); // X0 is compared whole
  });

  it('stops the CPU for SYSTEM_OFF, SYSTEM_RESET and CPU_OFF, leaving X0 alone', () => {
    const off = setup();
    expect(off.call(PSCI_FN.SYSTEM_OFF).x0).toBe(0x8400_0008n);
    expect(off.cpu.stop).toEqual({ kind: 'poweroff' });
    expect(off.psci.effect).toBe('poweroff');
    const reset = setup();
    reset.call(PSCI_FN.SYSTEM_RESET);
    expect(reset.cpu.stop).toEqual({ kind: 'reset' });
    const cpuOff = setup();
    cpuOff.call(PSCI_FN.CPU_OFF);
    expect(cpuOff.cpu.stop).toEqual({ kind: 'poweroff' });
    expect(cpuOff.psci.effect).toBe('cpu-off');
  });

  it('only takes calls through its conduit; the other instruction stays architectural', () => {
    const hvc = setup('hvc');
    const viaSmc = hvc.call(PSCI_FN.VERSION, 0n, 0n, 'smc');
    expect(viaSmc.handled).toBe(false);
    expect(viaSmc.x0).toBe(0x8400_0000n);
    const smc = setup('smc');
    expect(smc.call(PSCI_FN.VERSION, 0n, 0n, 'smc').x0).toBe(0x10001n);
    expect(smc.call(PSCI_FN.VERSION, 0n, 0n, 'hvc').handled).toBe(false);
  });
});
