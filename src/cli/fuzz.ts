// `a64emu fuzz`: random instruction testing against QEMU (src/debug/fuzz/). Exit status:
// 0 no mismatch, 1 mismatches (each reported; also when a64emu fails to finish an image
// QEMU finished), 2 bad input, an unsupported class or QEMU missing, 3 QEMU failed on an
// image (a timeout or crash: reported, and the run stopped there or went on without it)
// and no mismatch was found (with mismatches found, 1).

import type { FuzzArgs } from './args.js';
import { EXIT, type CliIo } from './main.js';
import { describeDefects, isDefect, type Defect } from '../cpu/defects.js';
import { MODELS } from '../cpu/models.js';
import { probeQemu, qemuBinary } from '../debug/qemu.js';
import { UNSUPPORTED } from '../debug/fuzz/classes.js';
import { BATCH, runFuzz } from '../debug/fuzz/session.js';
import { failureText, formatReport } from '../debug/fuzz/report.js';
import type { Disassembler } from '../debug/disasm.js';

export const MISMATCH = 1;
export const DEFAULT_FUZZ_CPU = 'max';
const MAX_LENGTH = 256;

export async function fuzzCommand(args: FuzzArgs, io: CliIo, err: (text: string) => void): Promise<number> {
  const unsupported = UNSUPPORTED[args.class];
  if (unsupported) {
    err(`cannot fuzz class ${args.class}: ${unsupported}`);
    return EXIT.USAGE;
  }
  if (args.plantDefect !== undefined && !isDefect(args.plantDefect)) {
    err(`unknown defect '${args.plantDefect}' (known: ${describeDefects()})`);
    return EXIT.USAGE;
  }
  const length = args.length ?? 16;
  if (length > MAX_LENGTH) {
    err(`--length ${length} is too long: at most ${MAX_LENGTH} instructions per case`);
    return EXIT.USAGE;
  }
  const cpu = args.cpu ?? DEFAULT_FUZZ_CPU;
  const f = MODELS[cpu].features;
  if (f.EL2 || f.EL3) {
    // The driver runs at EL1 (VBAR_EL1, ELR_EL1, ...), where an ELF starts without EL2/EL3.
    err(`cannot fuzz on ${cpu}: the fuzz images run at EL1, and this model starts at EL${f.EL3 ? 3 : 2}`);
    return EXIT.USAGE;
  }
  const binary = qemuBinary(args.qemu, io.env);
  const probe = probeQemu(binary);
  if (!probe.ok) {
    err(probe.message);
    return EXIT.USAGE;
  }
  const seed = args.seed ?? (Math.floor(io.now() * 1000) ^ Date.now()) >>> 0;
  io.write('stderr', `a64emu fuzz: seed ${seed}\n`);
  const result = await runFuzz({
    cls: args.class,
    seed,
    count: args.count,
    length,
    cpu,
    qemu: binary,
    defect: args.plantDefect as Defect | undefined,
    saveDir: args.save,
    // One line per image on long runs.
    progress: args.count > BATCH ? (line) => io.write('stderr', `a64emu fuzz: ${line}\n`) : undefined,
  });
  for (const f of result.failures) err(failureText(f));
  let disasm: Disassembler | undefined;
  if (result.mismatches.length > 0) {
    try {
      disasm = await (await import('../debug/disasm.js')).loadDisassembler();
    } catch {
      disasm = undefined; // the report still has the words and row names
    }
  }
  io.write('stdout', formatReport(result, { cls: args.class, cpu, defect: args.plantDefect, qemuVersion: probe.version, disasm }));
  if (result.mismatchCount > 0 || result.failures.some((f) => f.side === 'a64emu')) return MISMATCH;
  return result.failures.length > 0 ? EXIT.INTERNAL : EXIT.OK;
}
