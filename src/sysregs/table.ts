// The cpreg table: every row of base.ts and id.ts bound to a CPU model (rows of features the
// model lacks are absent; CONST rows get the model's value), looked up by encoding at decode
// time. readRaw/writeRaw are the only way tools (regs, and later kvmcompat and migration)
// reach the state: no side effects, no access checks.

import type { Cpu } from '../cpu/cpu.js';
import { MODELS, type CpuModel } from '../cpu/models.js';
import { BASE_ROWS } from './base.js';
import { DEBUG_ROWS } from './debug.js';
import { ID_ROWS, IMPDEF_ROWS } from './id.js';
import { MMU_ROWS } from './mmu.js';
import { TIMER_ROWS } from './timer.js';
import { PMU_ROWS } from './pmu.js';
import { EL3_WITHOUT_EL2, SYSOP_ROWS } from './sysops.js';
import { EL2_ROWS } from './el2.js';
import { EL3_ROWS } from './el3.js';
import { RAS_ROWS } from './ras.js';
import { PSTATE_ROWS } from './pstate.js';
import { LOR_ROWS } from './lor.js';
import { HCX_ROWS } from './hcx.js';
import { SCXT_ROWS } from './scxt.js';
import { withVhe } from './vhe.js';
import { FP_ROWS } from './fp.js';
import { FLAG_NAMES, Flag, type RowSpec, type SysregRow } from './row.js';

export { Flag, type SysregRow } from './row.js';

export const ROW_SPECS: readonly RowSpec[] = withVhe([
  ...BASE_ROWS, ...MMU_ROWS, ...TIMER_ROWS, ...DEBUG_ROWS, ...PMU_ROWS, ...ID_ROWS, ...IMPDEF_ROWS, ...SYSOP_ROWS,
  ...EL2_ROWS, ...EL3_ROWS, ...RAS_ROWS, ...PSTATE_ROWS, ...LOR_ROWS, ...HCX_ROWS, ...SCXT_ROWS, ...FP_ROWS,
]);

export const encodingKey = (op0: number, op1: number, crn: number, crm: number, op2: number): number =>
  (op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2;

export interface SysregTable {
  readonly model: CpuModel;
  /** Rows in table order. */
  readonly rows: readonly SysregRow[];
  readonly byKey: ReadonlyMap<number, SysregRow>;
}

/**
 * EL2 registers that keep a value at EL3 without EL2: VPIDR_EL2 and VMPIDR_EL2 read as
 * MIDR_EL1 and MPIDR_EL1 there, as QEMU 7.2 (its ARM_CP_EL3_NO_EL2_KEEP), i.e. their reset.
 */
const EL3_NO_EL2_KEEP = new Set(['VPIDR_EL2', 'VMPIDR_EL2']);

/**
 * The row of an EL2 register on a model with EL3 but no EL2: "RES0 from EL3" (Arm ARM, each
 * EL2 register's Configurations), i.e. RAZ/WI at EL3 and UNDEFINED below, as QEMU 7.2.
 */
function el3NoEl2(spec: RowSpec, model: CpuModel): SysregRow {
  const value = EL3_NO_EL2_KEEP.has(spec.name) ? (spec.reset?.(model) ?? 0n) : 0n;
  const { name, op0, op1, crn, crm, op2, feature } = spec;
  // NO_RAW rows (CNTHP_TVAL_EL2) stay without raw state, as QEMU lists them.
  const flags = Flag.CONST | ((spec.flags ?? 0) & Flag.NO_RAW);
  return { name, op0, op1, crn, crm, op2, feature, access: { read: 3, write: 3 }, flags, constValue: value };
}

/**
 * FEAT_VHE's EL2 registers exist only with EL2 (QEMU 7.2 defines vhe_reginfo only then), except
 * CONTEXTIDR_EL2, which QEMU's max also has for FEAT_Debugv8p2: RES0 from EL3 without EL2.
 */
const VHE_WITHOUT_EL2 = new Set(['CONTEXTIDR_EL2']);

function bind(spec: RowSpec, model: CpuModel): SysregRow | undefined {
  const needs = spec.features === undefined ? [spec.feature] : [spec.feature, ...spec.features];
  if (needs.includes('EL2') && needs.includes('VHE') && !model.features.EL2 && !VHE_WITHOUT_EL2.has(spec.name)) return undefined;
  if (needs.includes('EL2') && !model.features.EL2 && model.features.EL3 && spec.op0 >= 2 && spec.onlyAtHighestEl === undefined) {
    // An EL2 register of a feature the model has (VSESR_EL2 with FEAT_RAS): RES0 from EL3.
    const present = needs.every((f) => f === undefined || f === 'EL2' || model.features[f]);
    return present ? el3NoEl2(spec, model) : undefined;
  }
  // The EL2 operations EL3 executes without EL2 (sysops.ts).
  if (spec.op0 === 1 && !model.features.EL2 && model.features.EL3 && EL3_WITHOUT_EL2.has(spec.name) &&
    (spec.features ?? []).every((f) => model.features[f])) {
    return { ...spec, flags: spec.flags ?? 0, access: { read: 4, write: 3 } };
  }
  if (spec.feature !== undefined && !model.features[spec.feature]) return undefined;
  if (spec.features !== undefined && !spec.features.every((f) => model.features[f])) return undefined;
  const highest = model.features.EL3 ? 3 : model.features.EL2 ? 2 : 1;
  if (spec.onlyAtHighestEl !== undefined && spec.onlyAtHighestEl !== highest) return undefined;
  const flags = spec.flags ?? 0;
  if (flags & Flag.CONST) return { ...spec, flags, constValue: spec.value!(model) };
  if (spec.res0For !== undefined) return { ...spec, flags, res0: (spec.res0 ?? 0n) | spec.res0For(model) };
  return { ...spec, flags };
}

const TABLES = new WeakMap<CpuModel, SysregTable>();

/** The table of `model` (built once per model). */
export function sysregTable(model: CpuModel): SysregTable {
  let t = TABLES.get(model);
  if (t === undefined) {
    const rows: SysregRow[] = [];
    const byKey = new Map<number, SysregRow>();
    for (const spec of ROW_SPECS) {
      const row = bind(spec, model);
      if (row === undefined) continue;
      const key = encodingKey(row.op0, row.op1, row.crn, row.crm, row.op2);
      if (byKey.has(key)) throw new Error(`sysreg table: ${row.name} has the encoding of ${byKey.get(key)!.name}`);
      byKey.set(key, row);
      rows.push(row);
    }
    t = { model, rows, byKey };
    TABLES.set(model, t);
  }
  return t;
}

/** The row of an encoding on `model` (default `max`, for tools that want names only). */
export function findSysreg(
  op0: number, op1: number, crn: number, crm: number, op2: number, model: CpuModel = MODELS.max,
): SysregRow | undefined {
  return sysregTable(model).byKey.get(encodingKey(op0, op1, crn, crm, op2));
}

/** The row named `name` on `model`. */
export function sysregByName(model: CpuModel, name: string): SysregRow | undefined {
  return sysregTable(model).rows.find((r) => r.name === name);
}

/** Whether a row has raw state (everything but NO_RAW). */
export const hasRaw = (row: SysregRow): boolean => (row.flags & Flag.NO_RAW) === 0;

/** The raw value of a row (no side effects, no access checks); undefined for NO_RAW rows. */
export function readRaw(cpu: Cpu, row: SysregRow): bigint | undefined {
  if (!hasRaw(row)) return undefined;
  if (row.constValue !== undefined) return row.constValue;
  if (row.slot !== undefined) return cpu.x[row.slot];
  if (row.raw !== undefined) return row.raw.get(cpu);
  throw new Error(`sysreg table: ${row.name} has state but no raw accessor`);
}

/**
 * Writes a row's raw value (no side effects, no access checks, no write masks). False when
 * the row takes no such value: NO_RAW rows, and CONST rows given another value than theirs
 * (as KVM refuses to change an invariant register).
 */
export function writeRaw(cpu: Cpu, row: SysregRow, v: bigint): boolean {
  if (!hasRaw(row)) return false;
  const value = BigInt.asUintN(64, v);
  if (row.constValue !== undefined) return value === row.constValue;
  if (row.slot !== undefined) cpu.x[row.slot] = value;
  else if (row.raw !== undefined) row.raw.set(cpu, value);
  else throw new Error(`sysreg table: ${row.name} has state but no raw accessor`);
  // A tool's write of SCTLR/TCR/TTBR/HCR... changes translation as an MSR would.
  if (row.context) cpu.contextChanged();
  return true;
}

/** Sets every stored register of the table to its reset value (cpu.resetTo). */
export function resetSysregs(cpu: Cpu): void {
  for (const row of sysregTable(cpu.model).rows) {
    if (row.slot !== undefined) cpu.x[row.slot] = row.reset ? row.reset(cpu.model) : 0n;
    // Rows with hooks keep their state elsewhere: a reset value goes in through raw.set.
    else if (row.reset !== undefined && row.raw !== undefined) row.raw.set(cpu, row.reset(cpu.model));
  }
}

/** The flags of a row as names, e.g. "ALIAS|NO_RAW" ("" for none). */
export const flagNames = (flags: number): string[] => FLAG_NAMES.filter(([bit]) => flags & bit).map(([, name]) => name);

/**
 * The KVM register ID of an AArch64 system register (Linux Documentation/virt/kvm/api.rst,
 * "ARM64 system registers"): KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM64_SYSREG (0x13 << 16)
 * | op0 << 14 | op1 << 11 | CRn << 7 | CRm << 3 | op2.
 */
export const kvmId = (row: { op0: number; op1: number; crn: number; crm: number; op2: number }): bigint =>
  0x6030000000130000n | BigInt(encodingKey(row.op0, row.op1, row.crn, row.crm, row.op2));
