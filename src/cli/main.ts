// The `a64emu` command. `main(argv, io)` does everything and returns the exit status, so
// tests can run it in-process with fake I/O; when this module is the program being run
// (the bundle dist/a64emu.mjs), it runs main on process.argv and sets process.exitCode
// (never process.exit: stdout may be a pipe with writes still queued).

import { readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pkg from '../../package.json';
import { COMMAND_HELP, HELP, UsageError, parseArgs, type MachineArgs, type RunArgs } from './args.js';
import { attachStdin, type StdinLike } from './stdin.js';
import { ConfigError, VirtMachine, type MachineStop, type RunResult, type SavePoints, type VirtOptions } from '../machine/virt.js';
import { StateError, readState, type MachineState } from '../machine/snapshot.js';
import { LoadError } from '../machine/loader.js';
import type { Stream } from '../machine/output.js';
import { hex64 } from '../debug/fmt.js';
import type { TraceSession, TraceSink } from '../debug/trace.js';

export const EXIT = { OK: 0, USAGE: 2, INTERNAL: 3, LIMIT: 124 } as const;

export interface CliIo {
  write(stream: Stream, data: Uint8Array | string): void;
  readFile(path: string): Uint8Array;
  /** Host input for the UART; null for none. */
  stdin: StdinLike | null;
  /** Milliseconds, for --stats. */
  now(): number;
  /** Awaited between run slices (the default waits for a full stdout/stderr to drain). */
  betweenSlices(): void | Promise<void>;
  env: Readonly<Record<string, string | undefined>>;
  /** False once the stream has closed (EPIPE); a trace to stderr then stops. Default true. */
  writable?(stream: Stream): boolean;
  /** Writes a whole file (state files: written beside it, then renamed over it). */
  writeFile?(path: string, data: Uint8Array): void;
  /** Calls `handler` on a host signal (SIGUSR1) until the returned function is called. */
  onSignal?(signal: 'SIGUSR1', handler: () => void): () => void;
}

function processIo(): CliIo {
  const streams = { stdout: process.stdout, stderr: process.stderr };
  return {
    write: (stream, data) => {
      streams[stream].write(data);
    },
    readFile: (path) => new Uint8Array(readFileSync(path)),
    stdin: process.stdin,
    now: () => performance.now(),
    betweenSlices: async () => {
      for (const s of [process.stdout, process.stderr]) {
        if (s.writableNeedDrain) await new Promise<void>((resolve) => s.once('drain', () => resolve()));
      }
    },
    env: process.env,
    writable: (stream) => !streams[stream].destroyed,
    writeFile: (path, data) => {
      const tmp = `${path}.tmp-${process.pid}`;
      try {
        writeFileSync(tmp, data);
        renameSync(tmp, path);
      } catch (e) {
        rmSync(tmp, { force: true }); // a failed save leaves FILE as it was and nothing beside it
        throw e;
      }
    },
    onSignal: (signal, handler) => {
      process.on(signal, handler);
      return () => void process.off(signal, handler);
    },
  };
}


export function fileError(path: string, e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  const why =
    code === 'ENOENT'
      ? 'no such file'
      : code === 'EISDIR'
        ? 'is a directory'
        : code === 'EACCES'
          ? 'permission denied'
          : e instanceof Error
            ? e.message
            : String(e);
  return `cannot read '${path}': ${why}`;
}

/** Runs the a64emu command line; resolves to the exit status. */
export async function main(argv: readonly string[], ioOverrides: Partial<CliIo> = {}): Promise<number> {
  const io: CliIo = { ...processIo(), ...ioOverrides };
  const err = (text: string): void => io.write('stderr', `a64emu: ${text}\n`);
  let args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err(`${e.message}`);
    if (argv.length > 0 && argv[0] !== 'run' && !argv[0].startsWith('-')) {
      try {
        io.readFile(argv[0]);
        err(`to run an image: a64emu run ${argv[0]}`);
      } catch {
        /* not a file: no hint */
      }
    }
    io.write('stderr', "Try 'a64emu --help'.\n");
    return EXIT.USAGE;
  }
  if (args.command === 'help') {
    io.write('stdout', args.topic === undefined ? HELP : COMMAND_HELP[args.topic as keyof typeof COMMAND_HELP]);
    return EXIT.OK;
  }
  if (args.command === 'version') {
    io.write('stdout', `a64emu ${pkg.version}\n`);
    return EXIT.OK;
  }
  switch (args.command) {
    case 'run':
      return runCommand(args, io, err);
    // The other commands load their own code (and Capstone) only when asked for.
    case 'disasm':
      return (await import('./disasm.js')).disasmCommand(args, io, err);
    case 'lockstep':
      return (await import('./lockstep.js')).lockstepCommand(args, io, err);
    case 'fuzz':
      return (await import('./fuzz.js')).fuzzCommand(args, io, err);
    case 'regs':
      return (await import('./regs.js')).regsCommand(args, io);
    case 'sweep':
      return (await import('./sweep.js')).sweepCommand(args, io, err);
    case 'kvm':
      return (await import('./kvm.js')).kvmCommand(args, io, err);
  }
}

/** The bytes of the image at `path`; if it cannot be read, reports why and returns EXIT.USAGE. */
export function readImage(path: string, io: CliIo, err: (text: string) => void): Uint8Array | number {
  try {
    return io.readFile(path);
  } catch (e) {
    err(fileError(path, e));
    return EXIT.USAGE;
  }
}

/**
 * Builds the board for `args` and loads its image; on bad input reports it with `err` and
 * returns EXIT.USAGE instead.
 */
export function buildMachine(
  args: MachineArgs,
  io: CliIo,
  err: (text: string) => void,
  output: VirtOptions['output'] = (stream, data) => io.write(stream, data),
  extra: Partial<VirtOptions> = {},
): VirtMachine | number {
  const bytes = readImage(args.image, io, err);
  if (typeof bytes === 'number') return bytes;
  try {
    const machine = new VirtMachine({
      cpu: args.cpu,
      el: args.el,
      el2: args.el2,
      memory: args.memory,
      reboot: args.reboot,
      output,
      betweenSlices: () => io.betweenSlices(),
      ...extra,
    });
    if (args.plantDefect !== undefined) machine.cpu.defect = args.plantDefect;
    machine.load(bytes, { loadAddr: args.loadAddr, name: args.image });
    return machine;
  } catch (e) {
    if (e instanceof LoadError) err(`${args.image}: ${e.message}`);
    else if (e instanceof ConfigError) err(e.message);
    else throw e;
    return EXIT.USAGE;
  }
}

/**
 * Builds the board a state file describes and loads the state (--load-state). Options given
 * on the command line must agree with the file's; on any problem reports it and returns
 * EXIT.USAGE.
 */
function loadMachine(args: RunArgs, io: CliIo, err: (text: string) => void, output: VirtOptions['output']): VirtMachine | number {
  const path = args.loadState!;
  let state: MachineState;
  try {
    state = readState(io.readFile(path));
  } catch (e) {
    if (e instanceof StateError) err(`${path}: ${e.message}`);
    else err(fileError(path, e));
    return EXIT.USAGE;
  }
  const b = state.header.board;
  const conflicts: string[] = [];
  if (args.cpu !== undefined && args.cpu !== b.cpu) conflicts.push(`--cpu ${args.cpu} (the state's CPU is ${b.cpu})`);
  if ((args.el !== undefined && args.el !== b.el) || (args.el2 === true && !b.el2)) {
    conflicts.push(`--el ${args.el ?? 1}${args.el2 ? ' --virtualization' : ''} (the state's start mode is --el ${b.el}${b.el2 && b.el === 3 ? ' --virtualization' : ''})`);
  }
  if (args.memory !== undefined && args.memory !== b.memory) conflicts.push(`--memory ${args.memory} (the state has ${b.memory} bytes of RAM)`);
  if (args.icountShift !== undefined && args.icountShift !== b.icountShift) {
    conflicts.push(`--icount shift=${args.icountShift} (the state was saved with shift=${b.icountShift})`);
  }
  if (args.loadAddr !== undefined && args.loadAddr !== state.header.image.loadAddr) conflicts.push('--load-addr (the image in the state is already placed)');
  if (conflicts.length > 0) {
    err(`--load-state ${path}: ${conflicts.join('; ')}: give no such option, or the state's value`);
    return EXIT.USAGE;
  }
  try {
    const machine = new VirtMachine({
      cpu: b.cpu, el: b.el, el2: b.el2, memory: b.memory, icountShift: b.icountShift, psciConduit: b.psciConduit ?? undefined,
      reboot: args.reboot, output, betweenSlices: () => io.betweenSlices(),
    });
    if (args.plantDefect !== undefined) machine.cpu.defect = args.plantDefect;
    machine.loadState(state);
    return machine;
  } catch (e) {
    if (e instanceof StateError || e instanceof ConfigError) err(`${path}: ${e.message}`);
    else throw e;
    return EXIT.USAGE;
  }
}

/**
 * --save-state: writes each state the run produces to the file, and says so on stderr.
 * `failed` is set when a write failed (the run then ends with EXIT.USAGE).
 */
function savePoints(args: RunArgs, io: CliIo, err: (text: string) => void, status: { failed: boolean }): SavePoints | undefined {
  const path = args.saveState;
  if (path === undefined) return undefined;
  const write = io.writeFile ?? ((p: string, d: Uint8Array) => writeFileSync(p, d));
  return {
    at: args.saveAt,
    write: (state, reason, n) => {
      try {
        write(path, state);
      } catch (e) {
        err(`cannot write state file '${path}': ${writeError(e)}`);
        status.failed = true;
        return reason === 'request';
      }
      err(`state saved to '${path}' at instruction ${n}${reason === 'at' ? '; stopping' : ''}`);
      return reason === 'request';
    },
  };
}

async function runCommand(args: RunArgs, io: CliIo, err: (text: string) => void): Promise<number> {
  // With the trace on stderr, guest output and trace lines go out in the order they
  // happened: the console is flushed before each traced step, and the trace before it.
  let traceOnStderr: TraceSession | undefined;
  const output: VirtOptions['output'] = (stream, data) => {
    traceOnStderr?.writer.flush();
    io.write(stream, data);
  };
  const built =
    args.loadState !== undefined
      ? loadMachine(args, io, err, output)
      : buildMachine(args, io, err, output, { icountShift: args.icountShift });
  if (typeof built === 'number') return built;
  const machine = built;
  if (args.saveAt !== undefined && args.saveAt < machine.instructions) {
    err(`--save-at ${args.saveAt}: the loaded state is already at instruction ${machine.instructions}`);
    return EXIT.USAGE;
  }
  const saveStatus = { failed: false };
  const save = savePoints(args, io, err, saveStatus);
  // Always ours: Node's default SIGUSR1 action opens its inspector on 127.0.0.1:9229.
  const onUsr1 = save !== undefined ? () => machine.requestSave() : () => err('SIGUSR1 ignored: no --save-state FILE to save to');
  const detachSignal = io.onSignal ? io.onSignal('SIGUSR1', onUsr1) : () => {};

  const trace = args.trace === undefined ? undefined : await openTrace(args, machine, io, err);
  if (typeof trace === 'number') return trace;
  if (args.trace === '-') traceOnStderr = trace;
  // No SIGINT handler: Ctrl-C keeps its default effect (the process ends at once), which
  // works even if the run loop were stuck; the console is flushed every slice anyway.
  const detachStdin = io.stdin
    ? attachStdin(io.stdin, (b) => machine.pushInput(b), () => machine.requestStop())
    : () => {};
  const t0 = io.now();
  let result: RunResult;
  try {
    result = await machine.run({ maxInsns: args.maxInsns, observer: trace?.tracer, save });
  } finally {
    detachStdin();
    detachSignal();
    const failed = trace?.finish();
    if (failed !== undefined) err(`the trace stopped early: cannot write '${args.trace}': ${writeError(failed)}`);
  }
  const seconds = (io.now() - t0) / 1000;
  if (args.stats) {
    const mips = seconds > 0 ? result.instructions / seconds / 1e6 : 0;
    err(`stats: ${result.instructions} instructions in ${seconds.toFixed(3)} s, ${mips.toFixed(2)} MIPS`);
  }
  if (args.saveAt !== undefined && machine.instructions < args.saveAt && result.stop.kind !== 'saved') {
    err(`the run ended at instruction ${machine.instructions}, before --save-at ${args.saveAt}: no state was saved`);
  }
  if (saveStatus.failed && result.stop.kind === 'saved') return EXIT.USAGE;
  return exitStatus(result.stop, result.instructions, io, err);
}

/**
 * Opens --trace's destination ('-': stderr) and starts the trace. The trace code and
 * Capstone are loaded only here, so a run without --trace never loads them.
 */
async function openTrace(args: RunArgs, machine: VirtMachine, io: CliIo, err: (text: string) => void): Promise<TraceSession | number> {
  const { fileSink, startTrace } = await import('../debug/trace.js');
  let sink: TraceSink;
  let close = (): void => {};
  if (args.trace === '-') {
    sink = (chunk) => {
      io.write('stderr', chunk);
      return io.writable?.('stderr') ?? true;
    };
  } else {
    try {
      ({ sink, close } = fileSink(args.trace!));
    } catch (e) {
      err(`cannot write trace file '${args.trace}': ${writeError(e)}`);
      return EXIT.USAGE;
    }
  }
  let session: TraceSession;
  try {
    session = await startTrace(machine.cpu, sink, {
      format: args.traceFormat,
      from: args.traceFrom,
      count: args.traceCount,
      beforeStep: args.trace === '-' ? () => machine.console.flush() : undefined,
    });
  } catch (e) {
    close(); // e.g. Capstone failed to load: the trace file must not stay open
    throw e;
  }
  return {
    ...session,
    finish: () => {
      const error = session.finish();
      close();
      return error;
    },
  };
}

function writeError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return 'no such directory';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return e instanceof Error ? e.message : String(e);
}

function exitStatus(
  stop: MachineStop,
  instructions: number,
  io: CliIo,
  err: (text: string) => void,
): number {
  switch (stop.kind) {
    case 'exit':
      return stop.code & 0xff; // as the host's exit(): the low 8 bits
    case 'poweroff':
      return EXIT.OK;
    case 'reset':
      return EXIT.OK; // --no-reboot: QEMU exits 0 when a reset becomes a shutdown
    case 'cpu-off':
      err('the guest turned off its only CPU (PSCI CPU_OFF); stopping (QEMU would idle for ever)');
      return EXIT.OK;
    case 'limit':
      err(`instruction limit reached: ${instructions} instructions executed and the guest has not stopped`);
      return EXIT.LIMIT;
    case 'interrupted':
      err('terminated (Ctrl-A x)'); // QEMU's "QEMU: Terminated", also status 0
      return EXIT.OK;
    case 'saved':
      return EXIT.OK; // --save-at: the state is in the file (reported when written)
    case 'internal': {
      const insn = stop.insn === undefined ? '' : ` (instruction 0x${(stop.insn >>> 0).toString(16).padStart(8, '0')})`;
      err(`internal error at guest PC ${hex64(stop.pc)}${insn}: ${stop.message}`);
      if (io.env.A64EMU_DEBUG) {
        const e = stop.error;
        const cause = e instanceof Error ? e.cause : undefined;
        io.write('stderr', `${e instanceof Error ? e.stack : String(e)}\n`);
        if (cause instanceof Error) io.write('stderr', `caused by: ${cause.stack}\n`);
      } else {
        err('this is a bug in a64emu; run with A64EMU_DEBUG=1 for the host stack trace');
      }
      return EXIT.INTERNAL;
    }
  }
}

function isEntryPoint(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  process.stdout.on('error', () => {}); // EPIPE (e.g. `| head`): stop writing, keep going
  process.stderr.on('error', () => {}); // the same for stderr (a trace to `-` then stops)
  // Node's default SIGUSR1 action opens its inspector on 127.0.0.1:9229; until `run` installs
  // its own handler (save the state), a SIGUSR1 does nothing.
  process.on('SIGUSR1', () => {});
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`a64emu: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = EXIT.INTERNAL;
    },
  );
}
