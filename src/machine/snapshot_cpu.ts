// The CPU's part of a state file (docs/snapshot.md): the cpreg list, the core registers and
// the CPU's non-architectural bookkeeping. The cpreg list is QEMU's TCG one
// (target/arm/helper.c add_cpreg_to_list): every row with raw state that is neither ALIAS nor
// NO_RAW, keyed by its KVM ID; CONST rows are in it, so a different constant fails the load's
// read-back check, as QEMU's write_list_to_cpustate. The core registers use the KVM core IDs
// (struct kvm_regs offsets), plus two IDs KVM never lists for SP_EL2/SP_EL3.

import type { Cpu } from '../cpu/cpu.js';
import { PHYSICAL_LINES } from '../cpu/interrupts.js';
import { Slot } from '../cpu/state.js';
import { sysregNames } from '../kvmcompat/regnames.js';
import type { TlbEntry } from '../mmu/types.js';
import { Flag, hasRaw, kvmId, readRaw, sysregTable, writeRaw, type SysregRow } from '../sysregs/table.js';
import {
  CORE_WORDS, ID_ELR_EL1, ID_FPCR, ID_FPSR, ID_PC, ID_PSTATE, ID_SP, ID_SP_EL1, ID_SPSR, ID_V, ID_X, coreId, hexId,
  regSizeBytes, type RegId,
} from '../kvmcompat/regid.js';

export class StateError extends Error {
  override name = 'StateError';
}

/**
 * SP_EL2 and SP_EL3 have no KVM ID (a KVM vCPU has no EL2/EL3): a64emu gives them core IDs at
 * word offsets past the end of struct kvm_regs (216 words), which KVM refuses with ENOENT, so
 * they can never be confused with a real KVM register.
 */
export const CORE_SP_EL2 = CORE_WORDS;
export const CORE_SP_EL3 = CORE_WORDS + 2;

/** One register of a list: its ID and its value (U128 values as a 128-bit bigint). */
export interface RegValue {
  readonly id: RegId;
  readonly value: bigint;
}

/** The rows of `cpu`'s table that make up its cpreg list, by KVM ID. */
export function cpregRows(cpu: Cpu): Map<RegId, SysregRow> {
  const m = new Map<RegId, SysregRow>();
  for (const row of sysregTable(cpu.model).rows) {
    if (!hasRaw(row) || (row.flags & Flag.ALIAS) !== 0 || row.op0 < 2) continue;
    m.set(kvmId(row), row);
  }
  return m;
}

/** The cpreg list: sorted IDs and raw values (QEMU's write_cpustate_to_list). */
export function readCpregs(cpu: Cpu): RegValue[] {
  const out: RegValue[] = [];
  for (const [id, row] of cpregRows(cpu)) out.push({ id, value: readRaw(cpu, row)! });
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** A register's name for messages, by its encoding (not the KVM view: no timer swap): regnames.ts, else S<op0>_<op1>_C<n>_C<m>_<op2>. */
export function cpregName(id: RegId): string {
  const k = Number(id & 0xffffn);
  return sysregNames().byKey.get(k) ?? `S${(k >> 14) & 3}_${(k >> 11) & 7}_C${(k >> 7) & 15}_C${(k >> 3) & 15}_${k & 7}`;
}

/**
 * Writes an incoming cpreg list into `cpu` (QEMU's cpu_post_load rule, target/arm/machine.c):
 * an incoming register the destination lacks fails the load, naming it; one the destination
 * has that the list lacks keeps its value; each write is read back and must give the value
 * written (write_list_to_cpustate), else the load fails naming the register.
 */
export function writeCpregs(cpu: Cpu, list: readonly RegValue[]): void {
  const rows = cpregRows(cpu);
  for (const { id } of list) {
    if (!rows.has(id)) {
      throw new StateError(`the state has register ${cpregName(id)} (${hexId(id)}), which this CPU (${cpu.model.name}) does not have`);
    }
  }
  for (const { id, value } of list) {
    const row = rows.get(id)!;
    const ok = writeRaw(cpu, row, value);
    const back = readRaw(cpu, row);
    if (!ok || back !== value) {
      throw new StateError(
        `register ${row.name} (${hexId(id)}) does not take the saved value 0x${value.toString(16)}` +
          ` (reads back 0x${(back ?? 0n).toString(16)})`,
      );
    }
  }
}

const ID_SP_EL2 = coreId(CORE_SP_EL2);
const ID_SP_EL3 = coreId(CORE_SP_EL3);

/**
 * The core registers, sorted by ID: X0-X30, SP (= SP_EL0, as KVM's regs.sp), PC, PSTATE (the
 * SPSR layout: NZCV, DAIF, EL and SPSel in M[3:0], IL, SS, PAN, UAO, DIT, SSBS), SP_EL1,
 * ELR_EL1, SPSR_EL1, V0-V31, FPSR, FPCR, and SP_EL2/SP_EL3 when the model has the EL.
 * KVM's AArch32 banked SPSRs (spsr[1..4]) are absent: there is no AArch32.
 */
export function readCore(cpu: Cpu): RegValue[] {
  const out: RegValue[] = [];
  for (let n = 0; n < 31; n++) out.push({ id: ID_X(n), value: cpu.x[n] });
  out.push({ id: ID_SP, value: cpu.getSpEl(0) });
  out.push({ id: ID_PC, value: cpu.pc });
  out.push({ id: ID_PSTATE, value: BigInt(cpu.spsrBits) });
  out.push({ id: ID_SP_EL1, value: cpu.getSpEl(1) });
  out.push({ id: ID_ELR_EL1, value: cpu.x[Slot.ELR_EL1] });
  out.push({ id: ID_SPSR(0), value: cpu.x[Slot.SPSR_EL1] });
  for (let n = 0; n < 32; n++) {
    const s = Slot.V0 + 2 * n;
    out.push({ id: ID_V(n), value: (cpu.x[s + 1] << 64n) | cpu.x[s] });
  }
  out.push({ id: ID_FPSR, value: cpu.x[Slot.FPSR] & 0xffffffffn });
  out.push({ id: ID_FPCR, value: cpu.x[Slot.FPCR] & 0xffffffffn });
  if (cpu.model.features.EL2) out.push({ id: ID_SP_EL2, value: cpu.getSpEl(2) });
  if (cpu.model.features.EL3) out.push({ id: ID_SP_EL3, value: cpu.getSpEl(3) });
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Restores the core registers; every one of readCore's IDs must be there, and no other. */
export function writeCore(cpu: Cpu, list: readonly RegValue[]): void {
  const byId = new Map(list.map((r) => [r.id, r.value]));
  const expected = readCore(cpu).map((r) => r.id);
  for (const id of byId.keys()) {
    if (!expected.includes(id)) throw new StateError(`the state has core register ${hexId(id)}, which this CPU does not have`);
  }
  for (const id of expected) if (!byId.has(id)) throw new StateError(`core register ${hexId(id)} is missing from the state`);
  const get = (id: RegId): bigint => byId.get(id)!;
  // PSTATE first: it selects which bank the live SP (slot 31) stands for.
  const ps = Number(get(ID_PSTATE) & 0xffffffffn);
  const m = ps & 0x1f;
  const el = m >> 2;
  if ((m & 0x12) !== 0 || el > cpu.highestEl || (el === 2 && !cpu.model.features.EL2)) {
    throw new StateError(`PSTATE 0x${ps.toString(16)} has an invalid mode M[4:0] = 0x${m.toString(16)} for ${cpu.model.name}`);
  }
  cpu.setSpsrBits(ps);
  for (let n = 0; n < 31; n++) cpu.x[n] = get(ID_X(n));
  cpu.setSpEl(0, get(ID_SP));
  cpu.setSpEl(1, get(ID_SP_EL1));
  if (cpu.model.features.EL2) cpu.setSpEl(2, get(ID_SP_EL2));
  if (cpu.model.features.EL3) cpu.setSpEl(3, get(ID_SP_EL3));
  cpu.pc = get(ID_PC);
  cpu.x[Slot.ELR_EL1] = get(ID_ELR_EL1);
  cpu.x[Slot.SPSR_EL1] = get(ID_SPSR(0));
  for (let n = 0; n < 32; n++) {
    const v = get(ID_V(n));
    cpu.x[Slot.V0 + 2 * n] = BigInt.asUintN(64, v);
    cpu.x[Slot.V0 + 2 * n + 1] = v >> 64n;
  }
  cpu.x[Slot.FPSR] = get(ID_FPSR);
  cpu.x[Slot.FPCR] = get(ID_FPCR);
}

/**
 * What else survives between instructions, none of it architectural register state: the
 * instruction count since the CPU's last reset (the counter and the PMU derive from it), the
 * local exclusive monitor, the Event Register, the physical interrupt inputs and the SError
 * syndrome, the PMU's bookkeeping slots and the TLB. Re-derived on load instead: the virtual
 * interrupt lines (HCR_EL2), fpEnabled, the translation context, the fast TLB arrays (refilled
 * from the TLB) and decoded blocks.
 */
export interface CpuExtra {
  icount: number;
  exclValid: boolean;
  exclLo: number;
  exclHi: number;
  exclSize: number;
  exclVal: [number, number, number, number];
  event: number;
  irqLines: number;
  serrorIss: number;
  /** Slot.PMU_ANCHOR and Slot.PMU_PRESCALE, as decimal strings. */
  pmuAnchor: string;
  pmuPrescale: string;
  /**
   * The TLB's entries (TLB_FIELDS of each, in lookup order) and its entry count. QEMU does not
   * migrate its TLB; a64emu does, so that a guest that reads through a stale entry (a mapping
   * changed without TLBI, which the Arm ARM allows a TLB to keep or drop) sees the same after
   * a load as in the unsplit run.
   */
  tlb: { count: number; entries: number[][] };
}

/** The fields of a TlbEntry, in the order a state file lists them (booleans as 0/1). */
export const TLB_FIELDS = [
  'regime', 'vmid', 'asid', 'global', 'vaLo', 'vaHi', 'sizeLog2', 'pa', 'ipa', 'perm1', 'perm2', 'level1', 'level2', 'attr',
  'sh', 'device',
] as const satisfies readonly (keyof TlbEntry)[];

function tlbEntry(v: unknown): TlbEntry {
  if (!Array.isArray(v) || v.length !== TLB_FIELDS.length || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw new StateError('CPU state: a TLB entry is malformed');
  }
  const n = v as number[];
  const e: TlbEntry = {
    regime: n[0], vmid: n[1], asid: n[2], global: n[3] !== 0, vaLo: n[4], vaHi: n[5], sizeLog2: n[6], pa: n[7], ipa: n[8],
    perm1: n[9], perm2: n[10], level1: n[11], level2: n[12], attr: n[13], sh: n[14], device: n[15] !== 0,
  };
  return e;
}

export function readExtra(cpu: Cpu): CpuExtra {
  return {
    icount: cpu.icount,
    exclValid: cpu.exclValid,
    exclLo: cpu.exclLo,
    exclHi: cpu.exclHi,
    exclSize: cpu.exclSize,
    exclVal: [cpu.exclVal0, cpu.exclVal1, cpu.exclVal2, cpu.exclVal3],
    event: cpu.event,
    irqLines: cpu.irqLines & PHYSICAL_LINES,
    serrorIss: cpu.serrorIss,
    pmuAnchor: cpu.x[Slot.PMU_ANCHOR].toString(),
    pmuPrescale: cpu.x[Slot.PMU_PRESCALE].toString(),
    tlb: (() => {
      const t = cpu.mem.tlb.save();
      return { count: t.count, entries: t.entries.map((e) => TLB_FIELDS.map((f) => Number(e[f]))) };
    })(),
  };
}

const int = (v: unknown, what: string): number => {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new StateError(`CPU state: ${what} is not an integer`);
  return v;
};
const big = (v: unknown, what: string): bigint => {
  if (typeof v !== 'string' || !/^\d+$/.test(v)) throw new StateError(`CPU state: ${what} is not a decimal string`);
  return BigInt.asUintN(64, BigInt(v));
};

/**
 * Restores `readExtra`'s fields. Call before writeCpregs with `phase: 'before'` (the PMU's raw
 * writes then see no time passing) and after it with 'after' (the saved PMU bookkeeping).
 */
export function writeExtra(cpu: Cpu, e: CpuExtra, phase: 'before' | 'after'): void {
  if (phase === 'before') {
    cpu.icount = int(e.icount, 'icount');
    cpu.x[Slot.PMU_ANCHOR] = BigInt(cpu.icount);
    return;
  }
  cpu.exclValid = e.exclValid === true;
  cpu.exclLo = int(e.exclLo, 'exclLo') | 0;
  cpu.exclHi = int(e.exclHi, 'exclHi') | 0;
  cpu.exclSize = int(e.exclSize, 'exclSize');
  if (!Array.isArray(e.exclVal) || e.exclVal.length !== 4) throw new StateError('CPU state: exclVal is not 4 numbers');
  [cpu.exclVal0, cpu.exclVal1, cpu.exclVal2, cpu.exclVal3] = e.exclVal.map((v, i) => int(v, `exclVal[${i}]`) | 0);
  cpu.event = int(e.event, 'event');
  cpu.irqLines = (cpu.irqLines & ~PHYSICAL_LINES) | (int(e.irqLines, 'irqLines') & PHYSICAL_LINES);
  cpu.serrorIss = int(e.serrorIss, 'serrorIss');
  cpu.x[Slot.PMU_ANCHOR] = big(e.pmuAnchor, 'pmuAnchor');
  cpu.x[Slot.PMU_PRESCALE] = big(e.pmuPrescale, 'pmuPrescale');
  if (typeof e.tlb !== 'object' || e.tlb === null || !Array.isArray(e.tlb.entries)) throw new StateError('CPU state: no TLB');
  cpu.mem.tlb.restore(e.tlb.entries.map(tlbEntry), int(e.tlb.count, 'tlb.count'));
}

// ---- binary encoding of register lists: per entry a u64 ID, then regSizeBytes(ID) bytes ----

export function encodeRegs(list: readonly RegValue[]): Uint8Array {
  let n = 0;
  for (const r of list) n += 8 + regSizeBytes(r.id);
  const out = new Uint8Array(n);
  const dv = new DataView(out.buffer);
  let o = 0;
  for (const { id, value } of list) {
    dv.setBigUint64(o, id, true);
    o += 8;
    const size = regSizeBytes(id);
    for (let k = 0; k < size; k += 8) {
      if (size - k >= 8) dv.setBigUint64(o + k, BigInt.asUintN(64, value >> BigInt(8 * k)), true);
      else dv.setUint32(o + k, Number(value & 0xffffffffn), true);
    }
    o += size;
  }
  return out;
}

export function decodeRegs(data: Uint8Array, what: string): RegValue[] {
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const out: RegValue[] = [];
  let o = 0;
  while (o < data.length) {
    if (o + 8 > data.length) throw new StateError(`${what}: truncated register entry at byte ${o}`);
    const id = dv.getBigUint64(o, true);
    const size = regSizeBytes(id);
    if (size !== 4 && size !== 8 && size !== 16) throw new StateError(`${what}: register ${hexId(id)} has an unsupported size (${size} bytes)`);
    if (o + 8 + size > data.length) throw new StateError(`${what}: register ${hexId(id)} is truncated`);
    let value = 0n;
    if (size === 4) value = BigInt(dv.getUint32(o + 8, true));
    else for (let k = size - 8; k >= 0; k -= 8) value = (value << 64n) | dv.getBigUint64(o + 8 + k, true);
    if (out.length > 0 && out[out.length - 1].id >= id) throw new StateError(`${what}: IDs are not sorted at ${hexId(id)}`);
    out.push({ id, value });
    o += 8 + size;
  }
  return out;
}
