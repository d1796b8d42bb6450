// `a64emu lockstep [options] IMAGE`: runs IMAGE on a64emu and on QEMU side by side and
// reports the first step after which their registers differ (src/debug/lockstep.ts).
// Exit status: 0 no divergence, 1 a divergence (also a64emu at full speed differing from
// a64emu single-stepped: an a64emu inconsistency), 2 bad input (QEMU missing or not
// starting, its registers not laid out as expected, image unreadable), 3 an internal error
// (also QEMU's gdb stub failing during the run). Guest output is discarded on both sides.

import type { LockstepArgs } from './args.js';
import { EXIT, buildMachine, type CliIo } from './main.js';
import { probeQemu, qemuBinary } from '../debug/qemu.js';
import { LockstepInputError, lockstep, type LockstepResult } from '../debug/lockstep.js';
import { GdbError } from '../debug/gdbremote.js';
import { QemuStartError } from '../debug/lockstep_qemu.js';
import { divergenceReport, inconsistencyReport, statsText } from '../debug/lockstep_report.js';
import { traceSteps, type TraceRecord } from '../debug/trace.js';
import type { VirtMachine } from '../machine/virt.js';

export const DIVERGED = 1;
/** Trace lines shown before (and including) the diverging step. */
const TRACE_STEPS = 20;

export async function lockstepCommand(args: LockstepArgs, io: CliIo, err: (text: string) => void): Promise<number> {
  const binary = qemuBinary(args.qemu, io.env);
  const probe = probeQemu(binary);
  if (!probe.ok) {
    err(probe.message);
    return EXIT.USAGE;
  }
  // QEMU runs with -no-reboot, so a guest reset ends the run on both sides.
  const board = { ...args, reboot: false };
  const fresh = (): VirtMachine | number => buildMachine(board, io, err, () => {});
  const machine = fresh();
  if (typeof machine === 'number') return machine;
  // The same board at full speed, against the single-stepped one (compiled blocks).
  const fullSpeed = fresh();
  if (typeof fullSpeed === 'number') return fullSpeed;

  const t0 = io.now();
  let result: LockstepResult;
  try {
    result = await lockstep({
      machine,
      qemu: { binary, cpu: args.cpu, el: args.el, el2: args.el2, memory: args.memory, kernel: args.image },
      maxInsns: args.maxInsns,
      from: args.from,
      every: args.every,
      fp: true, // V0-V31 are compared too
      qemuEntry: machine.loaded?.format === 'raw' ? machine.loaded.entry : undefined,
      fullSpeed,
    });
  } catch (e) {
    if (e instanceof QemuStartError) {
      err(`cannot start QEMU (${binary}): ${e.message}`);
      return EXIT.USAGE;
    }
    if (e instanceof LockstepInputError) {
      err(e.message);
      return EXIT.USAGE;
    }
    if (e instanceof GdbError) {
      err(`QEMU's gdb stub failed: ${e.message}`);
      if (io.env.A64EMU_DEBUG) io.write('stderr', `${e.stack}\n`);
      return EXIT.INTERNAL;
    }
    throw e;
  }
  const seconds = (io.now() - t0) / 1000;

  switch (result.kind) {
    case 'agree': {
      const why =
        result.why === 'limit'
          ? `--max-insns reached`
          : `the image ended on both sides at the same step (${result.ended})`;
      const span = args.from ? `from step ${args.from} to step ${result.steps}` : `in ${result.steps} steps`;
      io.write('stdout', `lockstep: no divergence ${span}: ${why}\nlockstep: ${statsText(result.stats, seconds)}\n`);
      return EXIT.OK;
    }
    case 'emu-inconsistent':
      io.write('stdout', inconsistencyReport(result, seconds));
      return DIVERGED;
    case 'emu-error':
      err(`a64emu failed at step ${result.step}: ${result.message} (no divergence before it; this is a bug in a64emu)`);
      return EXIT.INTERNAL;
    case 'diverged': {
      let trace: TraceRecord[] | null = null;
      if (result.step >= 0) {
        const m = fresh();
        if (typeof m !== 'number') {
          const from = Math.max(0, result.step + 1 - TRACE_STEPS);
          trace = await traceSteps(m, from, result.step + 1 - from);
        }
      }
      io.write('stdout', divergenceReport(result, trace, seconds));
      return DIVERGED;
    }
  }
}
