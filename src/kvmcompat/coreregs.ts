// The core registers between a vCPU and a userspace Cpu, the part of QEMU's
// kvm_arch_get_registers / kvm_arch_put_registers (target/arm/kvm64.c, QEMU 7.2) that does
// not go through the cpreg list: struct kvm_regs, one KVM_GET/SET_ONE_REG per field, in
// QEMU's order. The banking rules:
// - KVM keeps SP_EL0 in regs.sp and SP_EL1 in sp_el1; the Cpu keeps the current SP live in
//   slot 31 and the others banked (CpuState.getSpEl/setSpEl resolve which one is live).
//   QEMU's aarch64_save_sp/aarch64_restore_sp(env, 1) do the same by hand.
// - spsr[0] (KVM_SPSR_EL1) is SPSR_EL1 (QEMU bank aarch64_banked_spsr_index(1) = 1);
//   spsr[1..4] are the AArch32 abt/und/irq/fiq banks (QEMU banked_spsr[2..5], "KVM 0-4
//   map to QEMU banks 1-5"). a64emu has no AArch32 state, so the caller keeps those four
//   (CoreExtra) to hand them back unchanged, as QEMU's banks do.

import type { Cpu } from '../cpu/cpu.js';
import { Slot } from '../cpu/state.js';
import { getV, setV } from '../cpu/vreg.js';
import { sysregByName } from '../sysregs/table.js';
import type { KvmVcpuApi } from './api.js';
import { KvmError, type ErrnoName } from './errno.js';
import {
  ID_ELR_EL1, ID_FPCR, ID_FPSR, ID_PC, ID_PSTATE, ID_SP, ID_SP_EL1, ID_SPSR, ID_V, ID_X, type RegId,
} from './regid.js';

/** The outcome of a sync step: ok, or the first ID the kernel refused and its errno (QEMU returns there). */
export type SyncResult = { ok: true } | { ok: false; id: RegId; errno: ErrnoName };

export const SYNC_OK: SyncResult = { ok: true };

/** The AArch32 SPSR banks (spsr[1..4]: abt, und, irq, fiq) that the Cpu has no place for. */
export interface CoreExtra {
  spsr32: bigint[];
}

export const newCoreExtra = (): CoreExtra => ({ spsr32: [0n, 0n, 0n, 0n] });

/** KVM_NR_SPSR */
const NR_SPSR = 5;

/** PSTATE as KVM's regs.pstate carries it (QEMU pstate_read): the SPSR layout of the Cpu's PSTATE. */
export const readPstate = (cpu: Cpu): bigint => BigInt(cpu.spsrBits);

/**
 * Sets PSTATE from a regs.pstate value (QEMU pstate_write): NZCV, DAIF, IL, SS, the optional
 * fields the model has, then EL and SPSel (which re-banks the live SP). An AArch32 value
 * (M[4] = 1) cannot be represented: its EL/SP bits are applied as they stand.
 */
export function writePstate(cpu: Cpu, v: bigint): void {
  cpu.setSpsrBits(Number(v & 0xffffffffn) >>> 0);
  cpu.contextChanged();
}

/** FPSR/FPCR keep only the bits the model has (QEMU vfp_set_fpsr/vfp_set_fpcr): the rows' RES0. */
function fpMask(cpu: Cpu, name: 'FPSR' | 'FPCR', v: bigint): bigint {
  const row = sysregByName(cpu.model, name);
  return row?.res0 === undefined ? v : v & ~row.res0;
}

/** Runs one ioctl; a KvmError becomes the failed result, anything else is a defect and propagates. */
function tryReg<T>(id: RegId, f: () => T): { ok: true; v: T } | { ok: false; id: RegId; errno: ErrnoName } {
  try {
    return { ok: true, v: f() };
  } catch (e) {
    if (e instanceof KvmError) return { ok: false, id, errno: e.errno };
    throw e;
  }
}

/**
 * kvm_arch_get_registers, core part: reads struct kvm_regs from the vCPU into the Cpu. Stops
 * at the first refusal (QEMU returns the error there).
 */
export function getCoreRegs(vcpu: KvmVcpuApi, cpu: Cpu, extra: CoreExtra): SyncResult {
  const get = (id: RegId) => tryReg(id, () => vcpu.getOneReg(id));
  for (let i = 0; i < 31; i++) {
    const r = get(ID_X(i));
    if (!r.ok) return r;
    cpu.x[Slot.X0 + i] = r.v;
  }
  const sp0 = get(ID_SP);
  if (!sp0.ok) return sp0;
  const sp1 = get(ID_SP_EL1);
  if (!sp1.ok) return sp1;
  const pstate = get(ID_PSTATE);
  if (!pstate.ok) return pstate;
  writePstate(cpu, pstate.v);
  // aarch64_restore_sp: with PSTATE in place, the bank of the selected SP is the live one.
  cpu.setSpEl(0, sp0.v);
  cpu.setSpEl(1, sp1.v);
  const pc = get(ID_PC);
  if (!pc.ok) return pc;
  cpu.pc = pc.v;
  const elr = get(ID_ELR_EL1);
  if (!elr.ok) return elr;
  cpu.x[Slot.ELR_EL1] = elr.v;
  for (let i = 0; i < NR_SPSR; i++) {
    const r = get(ID_SPSR(i));
    if (!r.ok) return r;
    if (i === 0) cpu.x[Slot.SPSR_EL1] = r.v;
    else extra.spsr32[i - 1] = r.v;
  }
  for (let n = 0; n < 32; n++) {
    const r = get(ID_V(n));
    if (!r.ok) return r;
    setV(cpu, n, r.v);
  }
  const fpsr = get(ID_FPSR);
  if (!fpsr.ok) return fpsr;
  cpu.x[Slot.FPSR] = fpMask(cpu, 'FPSR', fpsr.v);
  const fpcr = get(ID_FPCR);
  if (!fpcr.ok) return fpcr;
  cpu.x[Slot.FPCR] = fpMask(cpu, 'FPCR', fpcr.v);
  cpu.contextChanged();
  return SYNC_OK;
}

/** kvm_arch_put_registers, core part: writes the Cpu's struct kvm_regs into the vCPU, in QEMU's order. */
export function putCoreRegs(vcpu: KvmVcpuApi, cpu: Cpu, extra: CoreExtra): SyncResult {
  const puts: [RegId, bigint][] = [];
  for (let i = 0; i < 31; i++) puts.push([ID_X(i), cpu.x[Slot.X0 + i]]);
  puts.push([ID_SP, cpu.getSpEl(0)], [ID_SP_EL1, cpu.getSpEl(1)]);
  puts.push([ID_PSTATE, readPstate(cpu)], [ID_PC, cpu.pc], [ID_ELR_EL1, cpu.x[Slot.ELR_EL1]]);
  for (let i = 0; i < NR_SPSR; i++) puts.push([ID_SPSR(i), i === 0 ? cpu.x[Slot.SPSR_EL1] : extra.spsr32[i - 1]]);
  for (let n = 0; n < 32; n++) puts.push([ID_V(n), getV(cpu, n)]);
  puts.push([ID_FPSR, cpu.x[Slot.FPSR] & 0xffffffffn], [ID_FPCR, cpu.x[Slot.FPCR] & 0xffffffffn]);
  for (const [id, v] of puts) {
    const r = tryReg(id, () => vcpu.setOneReg(id, v));
    if (!r.ok) return r;
  }
  return SYNC_OK;
}
