// PSCI firmware for a one-CPU board, answered by the emulator itself as QEMU's TCG does
// (target/arm/psci.c). References: Arm DEN 0022 "Power State Coordination Interface"
// (function IDs, return codes), Arm DEN 0028 "SMC Calling Convention" section 5.2 (an
// unknown function ID through the conduit returns NOT_SUPPORTED). QEMU 7.2 facts relied on,
// each checked against qemu-system-aarch64 7.2 -M virt -cpu cortex-a57:
//   - only the configured conduit is PSCI (virt without EL2/EL3: HVC); the other
//     instruction keeps its architectural behaviour; the board picks the conduit per start
//     mode and entry EL (virt.ts, psciConduitFor);
//   - through the conduit, every function ID is answered (SMCCC 1.3 section 5.2); the ID is
//     the whole of X0; the result is a 32-bit signed value, sign-extended into X0;
//   - PSCI_VERSION = 1.1 (0x10001); MIGRATE_INFO_TYPE = 2 (no trusted OS);
//     AFFINITY_INFO(0, level 0) = 0 (ON), any other MPIDR = INVALID_PARAMETERS, any level
//     above 0 = 0; CPU_ON(own MPIDR) = ALREADY_ON, other MPIDR = INVALID_PARAMETERS;
//     CPU_SUSPEND = 0 after a WFI (INVALID_PARAMETERS if power_state has bits 17+ set);
//     MIGRATE and SMCCC_VERSION = NOT_SUPPORTED; PSCI_FEATURES = 0 for the functions above
//     (except MIGRATE), NOT_SUPPORTED otherwise;
//   - SYSTEM_OFF powers off, SYSTEM_RESET resets (QEMU reboots unless -no-reboot), CPU_OFF
//     turns the only CPU off (QEMU then idles for ever).

import type { Cpu } from '../cpu/cpu.js';

export type Conduit = 'hvc' | 'smc';

/** Function IDs (DEN 0022 table 5-1; 0x8400_xxxx SMC32, 0xC400_xxxx SMC64). */
export const PSCI_FN = {
  VERSION: 0x8400_0000,
  CPU_SUSPEND: 0x8400_0001,
  CPU_SUSPEND64: 0xc400_0001,
  CPU_OFF: 0x8400_0002,
  CPU_ON: 0x8400_0003,
  CPU_ON64: 0xc400_0003,
  AFFINITY_INFO: 0x8400_0004,
  AFFINITY_INFO64: 0xc400_0004,
  MIGRATE: 0x8400_0005,
  MIGRATE64: 0xc400_0005,
  MIGRATE_INFO_TYPE: 0x8400_0006,
  SYSTEM_OFF: 0x8400_0008,
  SYSTEM_RESET: 0x8400_0009,
  FEATURES: 0x8400_000a,
  /** PSCI 0.1 IDs as QEMU (and KVM) number them: base 0x95c1ba5e. */
  V0_1_CPU_SUSPEND: 0x95c1_ba5e,
  V0_1_CPU_OFF: 0x95c1_ba5f,
  V0_1_CPU_ON: 0x95c1_ba60,
  V0_1_MIGRATE: 0x95c1_ba61,
} as const;

/** Return codes (DEN 0022 table 5-2). */
export const PSCI_RET = {
  SUCCESS: 0,
  NOT_SUPPORTED: -1,
  INVALID_PARAMETERS: -2,
  DENIED: -3,
  ALREADY_ON: -4,
  ON_PENDING: -5,
  INTERNAL_FAILURE: -6,
  NOT_PRESENT: -7,
  DISABLED: -8,
} as const;

/** PSCI 1.1: major in bits [30:16], minor in [15:0]. */
export const PSCI_VERSION_1_1 = 0x0001_0001;
/** MIGRATE_INFO_TYPE: 2 = no Trusted OS, or one that needs no migration. */
export const TOS_MIGRATION_NOT_REQUIRED = 2;

/** What a PSCI call did to the machine besides its result. */
export type PsciEffect = 'none' | 'poweroff' | 'reset' | 'cpu-off';

const FEATURE_OK = new Set<number>([
  PSCI_FN.VERSION,
  PSCI_FN.MIGRATE_INFO_TYPE,
  PSCI_FN.AFFINITY_INFO,
  PSCI_FN.AFFINITY_INFO64,
  PSCI_FN.SYSTEM_RESET,
  PSCI_FN.SYSTEM_OFF,
  PSCI_FN.V0_1_CPU_ON,
  PSCI_FN.CPU_ON,
  PSCI_FN.CPU_ON64,
  PSCI_FN.V0_1_CPU_OFF,
  PSCI_FN.CPU_OFF,
  PSCI_FN.V0_1_CPU_SUSPEND,
  PSCI_FN.CPU_SUSPEND,
  PSCI_FN.CPU_SUSPEND64,
  PSCI_FN.FEATURES,
]);

/** The MPIDR affinity of the only CPU (QEMU virt: CPU 0 has affinity 0). */
const OWN_AFFINITY = 0n;

/** PSCI's state in a state file: the conduit (the effect is always 'none' between slices). */
export interface PsciState {
  conduit: Conduit | null;
}

export class Psci {
  /** The last call's effect on the machine (read by the board when the CPU stops). */
  effect: PsciEffect = 'none';

  /** The instruction that is a PSCI call, or null when PSCI is off (firmware's job). */
  constructor(public conduit: Conduit | null = 'hvc') {}

  saveState(): PsciState {
    return { conduit: this.conduit };
  }

  loadState(s: PsciState): void {
    if (s.conduit !== null && s.conduit !== 'hvc' && s.conduit !== 'smc') throw new Error('PSCI state: bad conduit');
    this.conduit = s.conduit;
    this.effect = 'none';
  }

  /** The Platform.firmwareCall hook: true when the call was PSCI and has been answered. */
  call(cpu: Cpu, conduit: Conduit, _imm: number): boolean {
    if (conduit !== this.conduit) return false;
    const fn = cpu.x[0];
    const ret = this.dispatch(cpu, fn > 0xffffffffn ? -1 : Number(fn));
    if (ret !== undefined) cpu.x[0] = BigInt.asUintN(64, BigInt(ret));
    return true;
  }

  /** The result for function `fn` (undefined: X0 is left alone because the CPU stopped). */
  private dispatch(cpu: Cpu, fn: number): number | undefined {
    const x1 = cpu.x[1];
    switch (fn) {
      case PSCI_FN.VERSION:
        return PSCI_VERSION_1_1;
      case PSCI_FN.MIGRATE_INFO_TYPE:
        return TOS_MIGRATION_NOT_REQUIRED;
      case PSCI_FN.AFFINITY_INFO:
      case PSCI_FN.AFFINITY_INFO64:
        if (cpu.x[2] !== 0n) return 0; // levels above 0 are always on
        return x1 === OWN_AFFINITY ? 0 /* ON */ : PSCI_RET.INVALID_PARAMETERS;
      case PSCI_FN.SYSTEM_OFF:
        return this.stop(cpu, 'poweroff');
      case PSCI_FN.SYSTEM_RESET:
        return this.stop(cpu, 'reset');
      case PSCI_FN.V0_1_CPU_OFF:
      case PSCI_FN.CPU_OFF:
        return this.stop(cpu, 'cpu-off');
      case PSCI_FN.V0_1_CPU_ON:
      case PSCI_FN.CPU_ON:
      case PSCI_FN.CPU_ON64:
        return x1 === OWN_AFFINITY ? PSCI_RET.ALREADY_ON : PSCI_RET.INVALID_PARAMETERS;
      case PSCI_FN.V0_1_CPU_SUSPEND:
      case PSCI_FN.CPU_SUSPEND:
      case PSCI_FN.CPU_SUSPEND64:
        if ((x1 & 0xfffe0000n) !== 0n) return PSCI_RET.INVALID_PARAMETERS;
        // Powerdown states are not modelled: a standby (WFI) that wakes at once.
        return PSCI_RET.SUCCESS;
      case PSCI_FN.FEATURES:
        return x1 <= 0xffffffffn && FEATURE_OK.has(Number(x1)) ? PSCI_RET.SUCCESS : PSCI_RET.NOT_SUPPORTED;
      default:
        // MIGRATE, SMCCC_VERSION and any unknown ID (SMCCC section 5.2).
        return PSCI_RET.NOT_SUPPORTED;
    }
  }

  private stop(cpu: Cpu, effect: Exclude<PsciEffect, 'none'>): undefined {
    this.effect = effect;
    cpu.stop = effect === 'reset' ? { kind: 'reset' } : { kind: 'poweroff' };
    return undefined;
  }
}
