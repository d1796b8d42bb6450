// `a64emu kvm diff A B [--cpu NAME] [--json]` (see COMMAND_HELP.kvm in args.ts): compares two
// kvm-probe traces; exit 0 when every difference is on the allow-list, 1 otherwise, 2 on
// bad input (an unreadable or malformed trace: the message names the line).

import { parseArgs } from 'node:util';
import { MODELS } from '../cpu/models.js';
import { diffJson, diffTraces, formatDiff } from '../kvmcompat/diff.js';
import { TraceError, parseTrace, type KvmTrace } from '../kvmcompat/trace.js';
import { EXIT, readImage, type CliIo } from './main.js';

export function run(argv: readonly string[], io: CliIo, err: (text: string) => void): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { cpu: { type: 'string' }, json: { type: 'boolean' } },
    });
  } catch (e) {
    err(`kvm diff: ${(e as Error).message}`);
    return EXIT.USAGE;
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 2) {
    err('kvm diff needs two trace files: a64emu kvm diff A.txt B.txt [--cpu NAME] [--json]');
    return EXIT.USAGE;
  }
  if (values.cpu !== undefined && MODELS[values.cpu] === undefined) {
    err(`kvm diff: unknown CPU model '${values.cpu}' (known: ${Object.keys(MODELS).join(', ')})`);
    return EXIT.USAGE;
  }
  const traces: KvmTrace[] = [];
  for (const path of positionals) {
    const bytes = readImage(path, io, err);
    if (typeof bytes === 'number') return bytes;
    try {
      traces.push(parseTrace(new TextDecoder().decode(bytes), path));
    } catch (e) {
      if (!(e instanceof TraceError)) throw e;
      err(`kvm diff: ${e.message}`);
      return EXIT.USAGE;
    }
  }
  const d = diffTraces(traces[0]!, traces[1]!, { cpu: values.cpu });
  if (values.json) {
    io.write('stdout', JSON.stringify({ a: positionals[0], b: positionals[1], ...diffJson(d) }, null, 2) + '\n');
  } else {
    io.write('stdout', `A: ${positionals[0]}\nB: ${positionals[1]}\n${d.cpu ? `cpu: ${d.cpu}\n` : ''}${formatDiff(d)}`);
  }
  return d.counted === 0 ? EXIT.OK : 1;
}
