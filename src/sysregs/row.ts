// The row format of the cpreg table: one declarative row per system register (see
// ../../../shared/DESIGN.md, "Sources of truth are tables"). Rows are data; the table
// (table.ts) binds them to a CPU model, looks them up by encoding and gives the raw accessors.

import type { Cpu } from '../cpu/cpu.js';
import type { CpuModel, Features } from '../cpu/models.js';

/**
 * Flags, with QEMU's meanings (target/arm/cpregs.h), because the KVM sync logic depends on them.
 */
export const Flag = {
  /** Another row (or the core registers) owns this state for migration and sync. */
  ALIAS: 1,
  /** No raw state at all (maintenance ops, values computed on read); never migrated or synced. */
  NO_RAW: 2,
  /** Read-only constant (ID registers): writes are UNDEFINED, or ignored where the access allows them. */
  CONST: 4,
  /** The access has side effects on devices (timers, counters). */
  IO: 8,
} as const;

export const FLAG_NAMES: readonly [number, string][] = [
  [Flag.ALIAS, 'ALIAS'],
  [Flag.NO_RAW, 'NO_RAW'],
  [Flag.CONST, 'CONST'],
  [Flag.IO, 'IO'],
];

/** Who may touch a register: the lowest EL for reads and writes (4 = never: UNDEFINED). */
export interface Access {
  readonly read: number;
  readonly write: number;
}

export const EL0_RW: Access = { read: 0, write: 0 };
export const EL0_RO: Access = { read: 0, write: 4 };
export const EL1_RW: Access = { read: 1, write: 1 };
export const EL1_RO: Access = { read: 1, write: 4 };

/** All 64 bits, for write masks (res0 = MASK64: nothing is kept). */
export const MASK64 = (1n << 64n) - 1n;
/** Bit `n` (0-63) as a 64-bit mask. */
export const bit64 = (n: number): bigint => 1n << BigInt(n);

/** HCR_EL2 trap controls of system register accesses (Arm ARM D17.2.48), for `hcrTrap`. */
export const Hcr = {
  TID1: 1n << 16n,
  TID2: 1n << 17n,
  TID3: 1n << 18n,
  TACR: 1n << 21n,
  TSW: 1n << 22n,
  TPC: 1n << 23n,
  TPU: 1n << 24n,
  TTLB: 1n << 25n,
  TVM: 1n << 26n,
  TDZ: 1n << 28n,
  TRVM: 1n << 30n,
} as const;

/**
 * Rows that share the trap conditions to EL2 and EL3 of their Accessibility pseudocode; the
 * conditions of each group are data in traps.ts.
 */
export type TrapGroup =
  | 'pmu' // MDCR_EL2.TPM, MDCR_EL3.TPM
  | 'pmcr' // as pmu, and MDCR_EL2.TPMCR
  | 'debug' // MDCR_EL2.TDA (TDE, HCR_EL2.TGE), MDCR_EL3.TDA
  | 'debugOs' // MDCR_EL2.TDOSA (TDE, TGE), MDCR_EL3.TDOSA
  | 'debugRom' // MDCR_EL2.TDRA (TDE, TGE), MDCR_EL3.TDA
  | 'counterPhys' // CNTHCTL_EL2.EL1PCTEN = 0
  | 'timerPhys' // CNTHCTL_EL2.EL1PCEN = 0
  | 'cpacr' // CPTR_EL2.TCPAC, CPTR_EL3.TCPAC
  | 'fp'; // CPACR_EL1.FPEN, CPTR_EL2.TFP, CPTR_EL3.TFP (EC 0x07: cpu/fptrap.ts)

/** The EL1 virtual memory controls: TRVM traps reads, TVM writes. */
export const VM_TRAP = { read: Hcr.TRVM, write: Hcr.TVM } as const;

export interface RowSpec {
  /** The Arm ARM name (AArch64), or S<op0>_<op1>_C<n>_C<m>_<op2> for a reserved encoding. */
  readonly name: string;
  readonly op0: number;
  readonly op1: number;
  readonly crn: number;
  readonly crm: number;
  readonly op2: number;
  readonly access: Access;
  /** Flag bits (Flag.*); 0 for a plain stored register. */
  readonly flags?: number;
  /** The feature the register belongs to: the row is absent when the model lacks it. */
  readonly feature?: keyof Features;
  /** Further features the row needs, all of them (VDISR_EL2: RAS and EL2). */
  readonly features?: readonly (keyof Features)[];
  /** The row exists only when this is the highest implemented EL (RVBAR_ELx). */
  readonly onlyAtHighestEl?: 1 | 2 | 3;

  // ---- storage: exactly one of slot, value, or the computed accessors ----
  /** A register-file slot (plain 64-bit register). */
  readonly slot?: number;
  /** Value at reset (default 0; cpu.resetTo applies it): of the slot, or through raw.set for rows with hooks. */
  readonly reset?: (m: CpuModel) => bigint;
  /** CONST rows: the model's value. */
  readonly value?: (m: CpuModel) => bigint;
  /** Bits forced to zero on writes (RES0 that the register does not keep). */
  readonly res0?: bigint;
  /** Further RES0 bits that depend on the model's features (bound into res0 per model). */
  readonly res0For?: (m: CpuModel) => bigint;
  /** Bits forced to one on writes. */
  readonly res1?: bigint;

  // ---- computed registers (PSTATE views, counters, registers that depend on others) ----
  readonly get?: (cpu: Cpu, index: number) => bigint;
  /** `index`: the instruction's position in its block, for exact counter reads (as get). */
  readonly set?: (cpu: Cpu, v: bigint, index: number) => void;
  /** Computed registers whose upper 32 bits are zero (PSTATE views): no BigInt. */
  readonly get32?: (cpu: Cpu) => number;
  readonly set32?: (cpu: Cpu, lo: number) => void;
  /**
   * Raw accessors of computed rows that have state (no side effects, no access checks);
   * NO_RAW rows have none.
   */
  readonly raw?: { readonly get: (cpu: Cpu) => bigint; readonly set: (cpu: Cpu, v: bigint) => void };

  /**
   * EL0 access that the architecture traps to EL1 (EC 0x18) rather than making UNDEFINED,
   * with the condition under which it is allowed (`read`: an MRS rather than an MSR).
   */
  readonly el0Trap?: (cpu: Cpu, read: boolean) => boolean;
  /**
   * The HCR_EL2 bits that trap an EL1 (or EL0) read / write (SYS rows: `write`) of the row to
   * EL2 with EC 0x18, checked after the UNDEFINED and EL0 checks when EL2Enabled() (Arm ARM
   * D17.2.48 and the registers' Accessibility pseudocode). Bits [31:0] only.
   */
  readonly hcrTrap?: { readonly read?: bigint; readonly write?: bigint };
  /**
   * Further trap and UNDEFINED conditions of the register's Accessibility pseudocode (traps
   * to EL2/EL3 by HCR_EL2/SCR_EL3 bits of later features, Secure-state rules), checked after
   * the UNDEFINED, EL0 and hcrTrap checks: returns ACCESS_OK, the EL to trap to with EC 0x18
   * (1-3; 1 from EL0 is routed to EL2 by HCR_EL2.TGE as any EL1-targeted exception), or
   * ACCESS_UNDEF. Runs only on the rows that have it.
   */
  readonly accessTrap?: (cpu: Cpu, read: boolean) => number;
  /**
   * The row's further trap conditions to EL2 and EL3 (traps.ts), checked after hcrTrap in
   * the architectural order: EL2 (when EL2Enabled()) first, then EL3.
   */
  readonly group?: TrapGroup;
  /** The write changes what the memory system or decoded code depend on. */
  readonly context?: boolean;
  /**
   * FEAT_VHE (vhe.ts): with HCR_EL2.E2H = 1, an access at EL2 (and, with `el0`, at EL0 when
   * HCR_EL2.{E2H,TGE} = {1,1}) reaches the row named `to` instead, after this row's checks.
   */
  readonly vheRedirect?: { readonly to: string; readonly el0?: boolean };

  // ---- system instructions (SYS, op0 = 1: AT, DC, IC, TLBI) ----
  /**
   * The operation, given Xt as 32-bit halves; runs after the access checks. A SYS row
   * without one completes as a NOP (maintenance of caches a64emu does not model).
   */
  readonly op?: (cpu: Cpu, lo: number, hi: number) => void;
}

/** The outcomes of a row's accessTrap besides a trap to EL 1-3. */
export const ACCESS_OK = 0;
export const ACCESS_UNDEF = 4;

/** A row bound to a CPU model: CONST rows carry their value. */
export interface SysregRow extends RowSpec {
  readonly flags: number;
  /** CONST rows: the value (and its 32-bit halves, for the MRS executor). */
  readonly constValue?: bigint;
}

/** The generic name of an encoding (Arm ARM C5.3, "S<op0>_<op1>_<Cn>_<Cm>_<op2>"). */
export const genericName = (op0: number, op1: number, crn: number, crm: number, op2: number): string =>
  `S${op0}_${op1}_C${crn}_C${crm}_${op2}`;
