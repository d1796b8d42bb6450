// The text report of a fuzz run: what ran, every mismatch (shrunk, with its instructions,
// the initial values of the registers they name and both results), per-form counts and gaps.

import { Decoder } from '../../cpu/decoder.js';
import { decoder } from '../../cpu/run.js';
import type { Disassembler } from '../disasm.js';
import { GPR_NAMES, hex64, hexDigits, wordHex } from '../fmt.js';
import { SLOT } from './case.js';
import { END_SVC_IMM, relocate } from './image.js';
import type { FuzzFailure, FuzzResult, Mismatch, RunCase } from './session.js';

const REG_FIELDS = ['rd', 'rn', 'rm', 'ra', 'rt', 'rt2', 'rs'];
/** ESR of the SVC that ends a case at EL0: EC 0x15, IL, the immediate. */
const END_SVC_ESR = 0x56000000 | END_SVC_IMM;
const VECTOR = ['current EL with SP0', 'current EL with SPx', 'lower EL AArch64', 'lower EL AArch32'];
const KIND = ['synchronous', 'IRQ', 'FIQ', 'SError'];

export interface ReportContext {
  readonly cls: string;
  readonly cpu: string;
  readonly defect?: string;
  readonly qemuVersion?: string;
  readonly disasm?: Disassembler;
}

/** The case's instruction words with addresses, row, variant and disassembly. */
function listing(r: RunCase, ctx: ReportContext): string[] {
  const out: string[] = [];
  r.case.items.forEach((it, k) => {
    it.words.forEach((w, j) => {
      const pc = r.itemAddr[k] + 4 * j;
      const word = wordAt(r, k, j);
      const text = ctx.disasm ? ctx.disasm(word, BigInt(pc)) : '';
      const what = j === it.main ? it.variant : '(set-up)';
      out.push(`    ${k.toString().padStart(2)}  ${wordHex(word)}  ${text.padEnd(34)} ${what}`);
    });
  });
  const end = r.itemAddr[r.itemAddr.length - 1];
  out.push(`        (end of the sequence at 0x${end.toString(16)})`);
  return out;
}

/** The word as laid out in the image. */
function wordAt(r: RunCase, k: number, j: number): number {
  const w = r.case.items[k].words[j];
  return w.reloc ? relocate(w.word, w.reloc, r.itemAddr[k] + 4 * j, r.itemAddr, r.scratchAddr) : w.word;
}

/** The registers the case's instructions name, with their initial values. */
function initialValues(r: RunCase, ctx: ReportContext): string[] {
  const regs = new Set<number>();
  for (const it of r.case.items) {
    const word = it.words[it.main].word;
    const c = decoder().lookup(word);
    if (!c) continue;
    const f = Decoder.fields(c, word);
    for (const n of REG_FIELDS) if (n in f) regs.add(f[n]);
    if (it.main > 0) regs.add(it.words[0].word & 31);
  }
  // Register 31 is SP or XZR depending on the field; with a disassembler, SP only when it says so.
  if (ctx.disasm && regs.has(31)) {
    const usesSp = r.case.items.some((it, k) => /\bw?sp\b/.test(ctx.disasm!(wordAt(r, k, it.main), BigInt(r.itemAddr[k] + 4 * it.main))));
    if (!usesSp) regs.delete(31);
  }
  const out: string[] = [];
  for (const n of [...regs].sort((a, b) => a - b)) {
    const init = r.case.regs[n];
    const v = init.scratchRelative ? BigInt(r.scratchAddr) + init.value : init.value;
    const note = init.scratchRelative ? `  (scratch ${init.value >= 0n ? '+' : '-'} 0x${(init.value < 0n ? -init.value : init.value).toString(16)})` : '';
    out.push(`    ${GPR_NAMES[n].padEnd(4)} = ${hex64(v)}${note}`);
  }
  out.push(`    nzcv = ${nzcv(BigInt(r.case.nzcv >>> 0))}`);
  const fp = r.case.fp;
  if (fp) {
    // The same register numbers as V registers (the instructions may name either kind).
    for (const n of [...regs].sort((a, b) => a - b)) out.push(`    ${`v${n}`.padEnd(4)} = 0x${fp.v[n].toString(16).padStart(32, '0')}`);
    out.push(`    fpcr = 0x${fp.fpcr.toString(16).padStart(8, '0')}  fpsr = 0x${fp.fpsr.toString(16).padStart(8, '0')}`);
  }
  return out;
}

const nzcv = (v: bigint): string => ['N', 'Z', 'C', 'V'].map((f, i) => ((v >> BigInt(31 - i)) & 1n ? f : f.toLowerCase())).join('');

function status(r: RunCase, which: 'qemu' | 'a64emu'): string {
  const res = r[which];
  if (!res) return `did not finish: ${r.a64emuError ?? '?'}`;
  const s = res.slots;
  const st = Number(s[SLOT.STATUS]);
  if (st === 0) return 'completed';
  const v = st - 1;
  const elr = Number(s[SLOT.ELR]);
  const end = r.itemAddr[r.itemAddr.length - 1];
  if (s[SLOT.ESR] === BigInt(END_SVC_ESR) && elr === end + 8) return 'completed at EL0';
  const k = r.itemAddr.findIndex((a, i) => elr >= a && (i + 1 >= r.itemAddr.length || elr < r.itemAddr[i + 1]));
  const at = k >= 0 && k < r.case.items.length ? `item ${k}` : `0x${elr.toString(16)}`;
  return `exception (${KIND[v & 3]}, ${VECTOR[v >> 2]}) at ${at}, ESR 0x${hexDigits(s[SLOT.ESR], 8)}, FAR ${hex64(s[SLOT.FAR])}`;
}

function mismatch(m: Mismatch, n: number, ctx: ReportContext): string[] {
  const r = m.shrunk;
  const out = [
    `mismatch ${n + 1}: case ${m.index}` +
      (!r.a64emu
        ? `, ${r.case.items.length} instructions (not shrunk: a64emu did not finish it)`
        : m.shrinkRounds > 0
          ? `, shrunk from ${m.original.case.items.length} to ${r.case.items.length} instructions`
          : `, ${r.case.items.length} instructions (no shorter failing sequence found)`),
    '  instructions:',
    ...listing(r, ctx),
    '  initial values of the registers they name:',
    ...initialValues(r, ctx),
    `  QEMU:   ${status(r, 'qemu')}`,
    `  a64emu: ${status(r, 'a64emu')}`,
  ];
  if (r.diffs.length > 0) out.push(`  differences:${' '.repeat(8)}${'QEMU'.padEnd(20)}a64emu`);
  for (const d of r.diffs) {
    const fmt = d.what === 'nzcv' ? (v: bigint) => nzcv(v) : (v: bigint) => hex64(v);
    out.push(`    ${d.what.padEnd(16)} ${fmt(d.qemu).padEnd(20)}${fmt(d.a64emu)}`);
  }
  return out;
}

/** What a failed image means for the run. */
export function failureText(f: FuzzFailure): string {
  const who = f.side === 'qemu' ? 'QEMU failed' : 'a64emu failed where QEMU did not (a bug)';
  const then =
    f.during === 'shrink'
      ? 'while shrinking; the mismatches keep their shortest form so far'
      : f.during === 'rest'
        ? 'on the cases left after taking out the ones a64emu could not finish; those cases were not compared'
        : f.side === 'qemu'
          ? 'on a batch of new cases; the run stopped there'
          : 'on a batch of new cases, but on no case alone; that batch was not compared';
  return `${who} ${then}: ${f.message}`;
}

export function formatReport(res: FuzzResult, ctx: ReportContext): string {
  const gen = res.generator;
  const lines: string[] = [];
  const s = (ms: number): string => (ms / 1000).toFixed(2) + ' s';
  lines.push(
    `a64emu fuzz: class ${ctx.cls}, cpu ${ctx.cpu}, seed ${res.seed} (0x${res.seed.toString(16)})` + (ctx.defect ? `, planted defect ${ctx.defect}` : ''),
    `  reference: ${ctx.qemuVersion ?? 'QEMU'}`,
    `  ${res.cases} cases, ${res.instructions} instructions, ${res.images} images (QEMU launches)`,
    `  wall time ${s(res.ms.total)}: generating ${s(res.ms.generate)}, running both ${s(res.ms.run)}, of which shrinking ${s(res.ms.shrink)}`,
    `  mismatches: ${res.mismatchCount}` + (res.mismatchCount > res.mismatches.length ? ` (the first ${res.mismatches.length} shrunk below)` : ''),
  );
  for (const f of res.failures) lines.push(`  ${failureText(f)}`);
  lines.push('');
  res.mismatches.forEach((m, i) => lines.push(...mismatch(m, i, ctx), ''));
  lines.push('forms (decoder rows): instances generated, variants seen / possible');
  const gaps: string[] = [];
  const variantGaps: string[] = [];
  for (const f of gen.forms) {
    const name = f.row.row.name;
    const n = res.rowCounts.get(name) ?? 0;
    const names = f.variants.map((k) => gen.variantName(f, k));
    const seen = names.filter((v) => (res.variantCounts.get(v) ?? 0) > 0).length;
    lines.push(`  ${name.padEnd(16)} ${n.toString().padStart(8)}   ${seen}/${f.variants.length}`);
    if (n === 0) gaps.push(name);
    else variantGaps.push(...names.filter((v) => !res.variantCounts.get(v)));
  }
  lines.push(`gaps (rows never generated): ${gaps.length ? gaps.join(', ') : 'none'}`);
  if (variantGaps.length) {
    lines.push(`variants never generated (${variantGaps.length}): ${variantGaps.slice(0, 20).join('; ')}${variantGaps.length > 20 ? '; ...' : ''}`);
  }
  for (const [row, why] of Object.entries(gen.def.excluded)) lines.push(`excluded: ${row}: ${why}`);
  for (const why of gen.def.skipped ?? []) lines.push(`excluded: ${why}`);
  if (gen.unavailable.length) lines.push(`not in CPU model ${ctx.cpu}: ${gen.unavailable.join(', ')}`);
  return lines.join('\n') + '\n';
}
