// `a64emu kvm id NAME|ID...` (see COMMAND_HELP.kvm in args.ts): for each argument, the
// register's name, its canonical ID and the decoded fields (src/kvmcompat/regid.ts).

import { decodeRegId, hexId, parseRegIdInput, RegIdError, type DecodedRegId } from '../kvmcompat/regid.js';
import { EXIT, type CliIo } from './main.js';

/** The block printed for one ID: a name and ID line, then one indented line per field and note. */
export function formatRegId(d: DecodedRegId): string {
  const width = Math.max(...d.fields.map(([k]) => k.length), 4);
  const lines = [`${d.name} ${hexId(d.id)}`];
  for (const [k, v] of d.fields) lines.push(`  ${k.padEnd(width)}  ${v}`);
  for (const n of d.notes) lines.push(`  ${'note'.padEnd(width)}  ${n}`);
  return `${lines.join('\n')}\n`;
}

export function run(argv: readonly string[], io: CliIo, err: (text: string) => void): number {
  if (argv.length === 0) {
    err("kvm id needs at least one register name or ID (e.g. SCTLR_EL1, 0x603000000013c080; 'a64emu help kvm')");
    return EXIT.USAGE;
  }
  let status: number = EXIT.OK;
  const blocks: string[] = [];
  for (const arg of argv) {
    try {
      const p = parseRegIdInput(arg);
      blocks.push(formatRegId(decodeRegId(p.draft ?? p.id)));
    } catch (e) {
      if (!(e instanceof RegIdError)) throw e;
      err(`kvm id: ${e.message}`);
      status = EXIT.USAGE;
    }
  }
  if (blocks.length > 0) io.write('stdout', blocks.join('\n'));
  return status;
}
