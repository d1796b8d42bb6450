// `a64emu sweep`: every MRS/MSR encoding at every EL of a start mode against QEMU
// (src/debug/fuzz/sweep.ts). Exit status: 0 no mismatch, 1 mismatches, 2 bad input or QEMU
// missing, 3 a side did not finish the image.

import { writeFileSync } from 'node:fs';
import type { SweepArgs } from './args.js';
import { EXIT, type CliIo } from './main.js';
import { DEFAULT_MODEL } from '../cpu/models.js';
import { probeQemu, qemuBinary } from '../debug/qemu.js';
import { MODELS, modelForEl } from '../cpu/models.js';
import { sysregByName } from '../sysregs/table.js';
import { compareSweep, runSweep, type SweepComparison } from '../debug/fuzz/sweep.js';
import { formatRecording } from '../debug/fuzz/sweep_record.js';
import type { SweepMode, SweepSpace } from '../debug/fuzz/sweep_image.js';
import { ALLOWED, MASKS } from '../debug/fuzz/sweep_known.js';

export const MISMATCH = 1;

const SPACE_TEXT: Record<SweepSpace, string> = {
  sysreg: 'accesses (MRS and MSR of 32768 encodings per phase)',
  sys: 'outcomes (SYSL, PAR_EL1 after SYS, SYS of 16384 op0 1 encodings per phase)',
  pstate: 'outcomes (status, PSTATE after, SVC after of 16384 op0 0 encodings per phase)',
};

/** The report: counts, the known differences seen, then every mismatch. */
function formatSweep(c: SweepComparison, qemuVersion: string): string {
  const n = c.counts;
  const total = Object.values(n).reduce((a, b) => a + b, 0);
  const lines = [
    `a64emu sweep: ${c.cpu}, mode ${c.mode}, against ${qemuVersion}`,
    `phases: ${c.phases.join(' ')}; ${total} ${SPACE_TEXT[c.space]}`,
    `  UNDEFINED on both sides:     ${n.undefinedBoth}`,
    `  the same exception:          ${n.sameException}`,
    `  the same value / completed:  ${n.same}`,
    `  equal under a mask:          ${n.masked}`,
    `  known differences (allowed): ${n.allowed}`,
    `mismatches: ${n.mismatches}`,
  ];
  if (c.allowedHits.size > 0) {
    lines.push('known differences seen:');
    for (const a of ALLOWED) {
      const hits = c.allowedHits.get(a);
      if (hits) lines.push(`  ${a.label ?? String(a.reg)}${a.access ? ` (${a.access})` : ''}: ${hits}; ${a.reason}`);
    }
  }
  if (n.masked > 0) {
    const masks = MASKS.filter((m) => (m.space ?? 'sysreg') === c.space);
    lines.push(`masked: ${masks.map((m) => m.reg).join(', ')} (src/debug/fuzz/sweep_known.ts)`);
  }
  for (const m of c.mismatches) lines.push(`  ${m.phase} ${m.access} ${m.name}: QEMU ${m.qemu}, a64emu ${m.a64emu}`);
  return `${lines.join('\n')}\n`;
}

export async function sweepCommand(args: SweepArgs, io: CliIo, err: (text: string) => void): Promise<number> {
  const binary = qemuBinary(args.qemu, io.env);
  const probe = probeQemu(binary);
  if (!probe.ok) {
    err(probe.message);
    return EXIT.USAGE;
  }
  const cpu = args.cpu ?? DEFAULT_MODEL;
  let set;
  try {
    set = args.set === undefined ? undefined : parseSet(args.set, cpu, args.el ?? 1, args.el2);
  } catch (e) {
    err((e as Error).message);
    return EXIT.USAGE;
  }
  const space = args.space ?? 'sysreg';
  const mode: SweepMode = { el: args.el ?? 1, el2: args.el2, set, space };
  let run;
  try {
    run = await runSweep(cpu, mode, binary, args.save);
  } catch (e) {
    err((e as Error).message);
    return EXIT.INTERNAL;
  }
  if (args.record) {
    const header = [
      `QEMU's outcomes of \`a64emu sweep --cpu ${cpu} ${modeArgs(mode)}${args.set === undefined ? '' : ` --set ${args.set}`}${space === 'sysreg' ? '' : ` --space ${space}`}\` (src/debug/fuzz/sweep_record.ts)`,
      `recorded with ${probe.version}`,
    ];
    writeFileSync(args.record, formatRecording(run.phases, run.qemu, header, space));
  }
  const c = compareSweep(cpu, mode, run.phases, run.qemu, run.a64emu);
  io.write('stdout', formatSweep(c, probe.version));
  return c.counts.mismatches > 0 ? MISMATCH : EXIT.OK;
}

/** The command-line options of a mode. */
export const modeArgs = (m: SweepMode): string => (m.el === 3 && m.el2 ? '--el 3 --virtualization' : `--el ${m.el}`);

/** `--set NAME=VALUE,...` as MSR encodings and values (the model's rows give the encodings). */
export function parseSet(text: string, cpu: string, el: 1 | 2 | 3, el2: boolean): { enc: number; value: bigint }[] {
  const model = MODELS[cpu];
  if (model === undefined) throw new Error(`unknown CPU model: ${cpu}`);
  const m = modelForEl(model, el, { el2 });
  return text.split(',').map((item) => {
    const [name, v] = item.split('=');
    const row = name === undefined ? undefined : sysregByName(m, name);
    if (row === undefined || v === undefined || row.op0 < 2) throw new Error(`--set: not NAME=VALUE of a system register: ${item}`);
    const enc = ((row.op0 & 1) << 19) | (row.op1 << 16) | (row.crn << 12) | (row.crm << 8) | (row.op2 << 5);
    return { enc, value: BigInt.asUintN(64, BigInt(v)) };
  });
}
