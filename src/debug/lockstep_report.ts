// The text lockstep prints: a divergence (the instruction, both states side by side with the
// differing registers marked, the list, the last trace lines) or the agreement summary.

import type { LockstepResult, LockstepStats, SideView } from './lockstep.js';
import { hex32, hex64, hexDigits, wordHex } from './fmt.js';
import { CORE_NAMES, EXC_NAMES, NZCV_MASK, u64At } from './lockstep_state.js';
import { formatRecord, nzcvText, type InsnRecord, type TraceRecord } from './trace.js';

type Diverged = Extract<LockstepResult, { kind: 'diverged' }>;
type Inconsistent = Extract<LockstepResult, { kind: 'emu-inconsistent' }>;


export function statsText(s: LockstepStats, seconds: number): string {
  const n = (k: number, what: string, plural = `${what}s`): string => `${k} ${k === 1 ? what : plural}`;
  return `${n(s.checkpoints, 'checkpoint')}; QEMU: ${n(s.qemuSteps, 'single step')}, ${n(s.qemuConts, 'continue')}, ${n(s.qemuLaunches, 'launch', 'launches')}; ${seconds.toFixed(1)} s`;
}

function column(side: SideView, row: string): string {
  const st = side.state;
  if (st === null) return '-';
  if (row === 'nzcv') return nzcvText(st.cpsr & NZCV_MASK);
  if (row === 'cpsr') return hex32(st.cpsr);
  const x = EXC_NAMES.indexOf(row.toUpperCase());
  if (x >= 0) return st.exc ? hex64(u64At(st.exc, x)) : '-';
  if (row.startsWith('v')) {
    if (st.v === null) return '-';
    const n = Number(row.slice(1));
    return `0x${[3, 2, 1, 0].map((k) => hexDigits(st.v![4 * n + k], 8)).join('')}`;
  }
  return hex64(u64At(st.lanes, CORE_NAMES.indexOf(row)));
}

/** The report of a divergence; `trace`: the records of the steps up to and including it. */
export function divergenceReport(d: Diverged, trace: readonly TraceRecord[] | null, seconds: number): string {
  const out: string[] = [];
  if (d.step < 0) out.push('lockstep: DIVERGENCE before the first instruction (the initial states differ)');
  else out.push(`lockstep: DIVERGENCE at step ${d.step} (0-based; the states differ after ${d.step + 1} instructions)`);
  const insn = trace?.find((r): r is InsnRecord => r.type === 'insn' && r.step === d.step);
  if (insn) {
    out.push(`instruction: EL${insn.el} pc ${hex64(insn.pc)}  ${wordHex(insn.word)}  ${insn.asm}`);
  }
  if (d.note) out.push(`note: ${d.note}`);
  out.push('');
  out.push(d.step < 0 ? 'states before the first instruction:' : 'states after it:');
  const rows = [...CORE_NAMES, 'nzcv', 'cpsr'];
  if (d.emu.state?.v && d.qemu.state?.v) rows.push(...Array.from({ length: 32 }, (_, i) => `v${i}`));
  // The exception registers that are set on either side (those QEMU does not expose read 0).
  const ex = [d.emu.state?.exc, d.qemu.state?.exc];
  if (ex[0] && ex[1]) {
    rows.push(...EXC_NAMES.map((n) => n.toLowerCase()).filter((_, i) => ex.some((e) => e![2 * i] !== 0 || e![2 * i + 1] !== 0)));
  }
  const w = 34;
  out.push(`  ${''.padEnd(5)} ${'a64emu'.padEnd(w)} ${'QEMU'}`);
  if (d.emu.ended !== null || d.qemu.ended !== null) {
    out.push(`  ${'end'.padEnd(5)} ${(d.emu.ended ?? 'running').padEnd(w)} ${d.qemu.ended ?? 'running'}`);
  }
  const marked = new Set(d.differing);
  for (const r of rows) {
    const a = column(d.emu, r);
    const b = column(d.qemu, r);
    out.push(`  ${r.padEnd(5)} ${a.padEnd(w)} ${b.padEnd(w)}${marked.has(r) ? ' <<' : ''}`.trimEnd());
  }
  out.push('  (cpsr: a64emu shows PSTATE in the SPSR layout, QEMU its gdb cpsr; only NZCV is compared)');
  out.push('');
  if (d.differing.length > 0) out.push(`differing registers: ${d.differing.join(' ')}`);
  else if (d.emu.ended !== null && d.qemu.ended !== null) out.push('differing: how the run ended');
  else if (d.qemu.ended?.startsWith('QEMU stopped answering') || d.qemu.ended?.startsWith('QEMU did not')) out.push('differing: QEMU did not finish');
  else if (d.emu.ended !== null || d.qemu.ended !== null) out.push(`differing: ${d.emu.ended !== null ? 'a64emu' : 'QEMU'} ended, the other did not`);
  else out.push('differing: (none in the compared registers)');
  if (trace && trace.length > 0) {
    const lines = trace.map((r) => formatRecord(r, 'text')).slice(-20);
    out.push('');
    out.push(`last ${lines.length} trace lines (a64emu, up to the diverging step):`);
    for (const l of lines) out.push(`  ${l}`);
  }
  out.push('');
  out.push(`lockstep: ${statsText(d.stats, seconds)}`);
  return out.join('\n') + '\n';
}

/** The report of a64emu at full speed differing from a64emu single-stepped. */
export function inconsistencyReport(d: Inconsistent, seconds: number): string {
  const out = [
    `lockstep: A64EMU INCONSISTENCY between step ${d.from} and step ${d.to - 1} (0-based): run at full speed, a64emu's state after ${d.to} steps differs from its single-stepped run`,
    `note: the two runs agreed after ${d.from} steps; the single-stepped run is the one compared with QEMU, so the block compiler or multi-instruction blocks behave differently from single steps in this range`,
    '',
    `  ${''.padEnd(5)} ${'single-stepped'.padEnd(34)} full speed`,
  ];
  if (d.stepped.ended !== null || d.fast.ended !== null) {
    out.push(`  ${'end'.padEnd(5)} ${(d.stepped.ended ?? 'running').padEnd(34)} ${d.fast.ended ?? 'running'}`);
  }
  for (const r of d.differing) out.push(`  ${r.padEnd(5)} ${column(d.stepped, r).padEnd(34)} ${column(d.fast, r)}`);
  out.push('');
  out.push(d.differing.length > 0 ? `differing registers: ${d.differing.join(' ')}` : 'differing: how the run ended');
  out.push('');
  out.push(`lockstep: ${statsText(d.stats, seconds)}`);
  return out.join('\n') + '\n';
}
