// Command-line parsing for `a64emu`: pure functions, no I/O, so that every rule is testable.

import { MODELS, type StartEl } from '../cpu/models.js';
import { DEFECTS, describeDefects, isDefect, type Defect } from '../cpu/defects.js';

export class UsageError extends Error {
  override name = 'UsageError';
}

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
};

/**
 * A memory size: bytes, or a number with a binary suffix K/M/G (also KB/KiB, MB/MiB,
 * GB/GiB; as QEMU's -m, "M" means MiB). Fractions are allowed with a suffix: 1.5G.
 */
export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const unit = m ? UNITS[m[2].toLowerCase()] : undefined;
  if (!m || unit === undefined) {
    throw new UsageError(`bad size '${text}': expected bytes or a number with K, M or G (e.g. 512M, 1G, 256MiB)`);
  }
  const n = Number(m[1]) * unit;
  if (!Number.isSafeInteger(n)) throw new UsageError(`bad size '${text}': not a whole number of bytes`);
  return n;
}

/** An instruction count: digits (with optional _ separators), 1e9, or a k/M/G suffix (powers of 1000). */
export function parseCount(text: string): number {
  const t = text.trim().replace(/_/g, '');
  let n: number;
  const suffix = /^(\d+(?:\.\d+)?)([kmg])$/i.exec(t);
  if (suffix) n = Number(suffix[1]) * { k: 1e3, m: 1e6, g: 1e9 }[suffix[2].toLowerCase() as 'k' | 'm' | 'g'];
  else if (/^\d+(?:\.\d+)?(?:e\d+)?$/i.test(t)) n = Number(t);
  else throw new UsageError(`bad instruction count '${text}': expected a number such as 1000000, 1e9 or 500M`);
  if (!Number.isSafeInteger(n) || n <= 0) throw new UsageError(`bad instruction count '${text}': must be a positive whole number`);
  return n;
}

/** An address: 0x-prefixed hex or decimal. */
export function parseAddress(text: string): number {
  const t = text.trim().replace(/_/g, '');
  let n: number;
  if (/^0x[0-9a-f]+$/i.test(t)) n = parseInt(t.slice(2), 16);
  else if (/^\d+$/.test(t)) n = Number(t);
  else throw new UsageError(`bad address '${text}': expected hex (0x40080000) or decimal`);
  if (!Number.isSafeInteger(n)) throw new UsageError(`bad address '${text}': too large`);
  return n;
}

/** Options every command that builds a machine takes (run, lockstep). */
const MACHINE_VALUES = ['--cpu', '--el', '--memory', '--max-insns', '--load-addr', '--plant-defect'];
const MACHINE_FLAGS = ['--no-reboot', '--virtualization'];

interface CommandSpec {
  values: readonly string[];
  flags: readonly string[];
}

const SPECS: Record<'run' | 'disasm' | 'lockstep' | 'fuzz' | 'regs' | 'sweep' | 'kvm', CommandSpec> = {
  run: {
    values: [...MACHINE_VALUES, '--trace', '--trace-format', '--trace-from', '--trace-count', '--icount', '--save-state', '--save-at', '--load-state'],
    flags: [...MACHINE_FLAGS, '--stats'],
  },
  disasm: { values: ['--start', '--count', '--load-addr'], flags: [] },
  // No --load-addr (QEMU loads raw images at 0x40080000 only) and no --no-reboot (QEMU runs
  // with -no-reboot, so a guest reset always ends the run).
  lockstep: {
    values: ['--cpu', '--el', '--memory', '--max-insns', '--plant-defect', '--from', '--every', '--qemu'],
    flags: ['--virtualization'],
  },
  fuzz: {
    values: ['--seed', '--count', '--class', '--length', '--cpu', '--plant-defect', '--qemu', '--save'],
    flags: [],
  },
  regs: { values: ['--cpu', '--el'], flags: ['--json', '--virtualization'] },
  sweep: { values: ['--cpu', '--el', '--qemu', '--save', '--record', '--set', '--space'], flags: ['--virtualization'] },
  // kvm has subcommands, each parsing its own options (src/cli/kvm.ts).
  kvm: { values: [], flags: [] },
};
const ALIASES: Record<string, string> = { '-m': '--memory' };
const COMMANDS = Object.keys(SPECS) as (keyof typeof SPECS)[];

/** The options of a machine: what `run` and `lockstep` share. */
export interface MachineArgs {
  readonly image: string;
  readonly cpu?: string;
  /** Start mode: 2 = EL2 (QEMU's virtualization=on), 3 = EL3 (secure=on); default 1. */
  readonly el?: StartEl;
  /** --virtualization: with --el 3, EL2 as well (QEMU's secure=on,virtualization=on). */
  readonly el2?: boolean;
  readonly memory?: number;
  readonly maxInsns?: number;
  readonly loadAddr?: number;
  readonly reboot: boolean;
  /** Test-only: break one instruction on purpose (see src/cpu/defects.ts). */
  readonly plantDefect?: Defect;
}

export type TraceFormat = 'text' | 'jsonl';

export interface RunArgs extends MachineArgs {
  readonly command: 'run';
  readonly stats: boolean;
  /** Trace destination: a path, or '-' for stderr. */
  readonly trace?: string;
  readonly traceFormat: TraceFormat;
  /** First step to trace (0-based step count; default 0). */
  readonly traceFrom?: number;
  /** Steps to trace (default: all). */
  readonly traceCount?: number;
  /** --icount [shift=]N: 2^N ns per instruction (undefined: the default, 0). */
  readonly icountShift?: number;
  /** --save-state FILE: where --save-at and SIGUSR1 save the state. */
  readonly saveState?: string;
  /** --save-at N: save when the machine's instruction count reaches N, then stop. */
  readonly saveAt?: number;
  /** --load-state FILE: continue a saved run; `image` is then '' (the image is in the file). */
  readonly loadState?: string;
}

export interface DisasmArgs {
  readonly command: 'disasm';
  readonly image: string;
  /** First address (default: the image's entry point). */
  readonly start?: number;
  /** Instructions to print (default 32). */
  readonly count?: number;
  readonly loadAddr?: number;
}

export interface LockstepArgs extends MachineArgs {
  readonly command: 'lockstep';
  /** Run both sides to this step count before comparing. */
  readonly from?: number;
  /** Compare every this many steps (then bisect back). */
  readonly every?: number;
  /** The QEMU binary (default $QEMU or qemu-system-aarch64). */
  readonly qemu?: string;
}

export const FUZZ_CLASSES = ['int', 'ldst', 'fp', 'simd', 'system'] as const;
export type FuzzClass = (typeof FUZZ_CLASSES)[number];

export interface FuzzArgs {
  readonly command: 'fuzz';
  /** Seed (default: chosen from the clock and printed, so a run can be repeated). */
  readonly seed?: number;
  /** Test cases (default 1000). */
  readonly count: number;
  readonly class: FuzzClass;
  /** Instructions per case (default 16). */
  readonly length?: number;
  readonly cpu?: string;
  readonly plantDefect?: Defect;
  readonly qemu?: string;
  /** Keep the generated images in this directory. */
  readonly save?: string;
}

export interface RegsArgs {
  readonly command: 'regs';
  readonly cpu?: string;
  /** The start mode (as run's --el): which EL2/EL3 registers exist and their reset values. */
  readonly el?: StartEl;
  /** --virtualization: with --el 3, EL2 as well. */
  readonly el2?: boolean;
  /** A JSON array instead of a table. */
  readonly json: boolean;
}

export interface SweepArgs {
  readonly command: 'sweep';
  readonly cpu?: string;
  /** Start mode (default 1). */
  readonly el?: StartEl;
  /** --virtualization: with --el 3, EL2 as well (QEMU's secure=on,virtualization=on). */
  readonly el2: boolean;
  readonly qemu?: string;
  /** Keep the image in this directory. */
  readonly save?: string;
  /** Write QEMU's outcomes to this file (the committed recordings, tests/sysregs/sweep/). */
  readonly record?: string;
  /** --set NAME=VALUE,...: control registers written at the top EL before the first phase. */
  readonly set?: string;
  /** --space: the encodings swept (default sysreg: MRS/MSR; sys: SYS/SYSL; pstate: op0 0). */
  readonly space?: 'sysreg' | 'sys' | 'pstate';
}

/** `a64emu kvm SUBCOMMAND ...`: the rest of argv, parsed by src/cli/kvm.ts. */
export interface KvmArgs {
  readonly command: 'kvm';
  readonly argv: readonly string[];
}

export type Args =
  | RunArgs
  | KvmArgs
  | SweepArgs
  | DisasmArgs
  | LockstepArgs
  | FuzzArgs
  | RegsArgs
  | { readonly command: 'help'; readonly topic?: string }
  | { readonly command: 'version' };

interface Parsed {
  values: Map<string, string>;
  flags: Set<string>;
  positional: string[];
}

/** Splits argv into options (values and flags, per spec) and positional arguments. */
function parseOptions(rest: readonly string[], spec: CommandSpec): Parsed {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--') {
      positional.push(...rest.slice(i + 1));
      break;
    }
    if (a.startsWith('-') && a !== '-') {
      const eq = a.indexOf('=');
      const given = eq >= 0 ? a.slice(0, eq) : a;
      const name = ALIASES[given] ?? given;
      if (spec.values.includes(name)) {
        let value: string | undefined;
        if (eq >= 0) value = a.slice(eq + 1);
        else if (i + 1 < rest.length) value = rest[++i];
        if (value === undefined || value === '') throw new UsageError(`option ${given} needs a value`);
        values.set(name, value);
        continue;
      }
      if (spec.flags.includes(name)) {
        if (eq >= 0) throw new UsageError(`option ${given} takes no value`);
        flags.add(name);
        continue;
      }
      throw new UsageError(`unknown option '${given}'`);
    }
    positional.push(a);
  }
  return { values, flags, positional };
}

function oneImage(command: string, positional: readonly string[]): string {
  if (positional.length === 0) throw new UsageError(`no IMAGE given: a64emu ${command} [options] IMAGE`);
  if (positional.length > 1) throw new UsageError(`one IMAGE expected, got ${positional.length}: ${positional.join(' ')}`);
  return positional[0];
}

function cpuOption(p: Parsed): string | undefined {
  const cpu = p.values.get('--cpu');
  if (cpu !== undefined && MODELS[cpu] === undefined) {
    throw new UsageError(`unknown CPU model '${cpu}' (known: ${Object.keys(MODELS).join(', ')})`);
  }
  return cpu;
}

function elOption(p: Parsed): StartEl | undefined {
  const el = p.values.get('--el');
  if (el === undefined) return undefined;
  const t = el.trim();
  if (t !== '1' && t !== '2' && t !== '3') throw new UsageError(`bad --el '${el}': expected 1, 2 or 3`);
  return Number(t) as StartEl;
}

/** --virtualization: EL2 besides EL3; only meaningful with --el 3 (implied by --el 2). */
function el2Option(p: Parsed): true | undefined {
  if (!p.flags.has('--virtualization')) return undefined;
  const el = p.values.get('--el')?.trim();
  if (el !== '2' && el !== '3') {
    throw new UsageError('--virtualization needs --el 3 (EL3 with EL2); --el 2 alone gives EL2 (QEMU virtualization=on)');
  }
  return true;
}

function defectOption(p: Parsed): Defect | undefined {
  const d = p.values.get('--plant-defect');
  if (d !== undefined && !isDefect(d)) throw new UsageError(`unknown defect '${d}' (known: ${describeDefects()})`);
  return d;
}

function opt<T>(p: Parsed, name: string, parse: (text: string) => T): T | undefined {
  const v = p.values.get(name);
  return v === undefined ? undefined : parse(v);
}

function machineArgs(command: string, p: Parsed): MachineArgs {
  return {
    image: oneImage(command, p.positional),
    cpu: cpuOption(p),
    el: elOption(p),
    el2: el2Option(p),
    memory: opt(p, '--memory', parseSize),
    maxInsns: opt(p, '--max-insns', parseCount),
    loadAddr: opt(p, '--load-addr', parseAddress),
    reboot: !p.flags.has('--no-reboot'),
    plantDefect: defectOption(p),
  };
}

/**
 * --icount as QEMU spells it: `N` or `shift=N` (0..10: 2^N ns per instruction), optionally
 * with `sleep=off` (a64emu never sleeps: virtual time is never tied to the host's clock).
 */
export function parseIcount(text: string): number {
  let shift: number | undefined;
  for (const part of text.split(',')) {
    const t = part.trim();
    const m = /^(?:shift=)?(\d+)$/.exec(t);
    if (m && shift === undefined) shift = Number(m[1]);
    else if (t === 'sleep=off') continue;
    else if (/^shift=auto$/.test(t)) throw new UsageError('--icount shift=auto is not supported: time always derives from the instruction count (give shift=N)');
    else throw new UsageError(`bad --icount '${text}': expected [shift=]N with N from 0 to 10 (optionally ,sleep=off)`);
  }
  if (shift === undefined || shift > 10) throw new UsageError(`bad --icount '${text}': expected [shift=]N with N from 0 to 10`);
  return shift;
}

/** A step number: like parseCount, but 0 is allowed. */
function parseStep(text: string): number {
  return text.trim() === '0' ? 0 : parseCount(text);
}

/** A seed: decimal or 0x hex, up to 32 bits. */
export function parseSeed(text: string): number {
  const t = text.trim();
  const n = /^0x[0-9a-f]+$/i.test(t) ? parseInt(t.slice(2), 16) : /^\d+$/.test(t) ? Number(t) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 0xffff_ffff) throw new UsageError(`bad seed '${text}': expected a 32-bit number (decimal or 0x hex)`);
  return n;
}

function parseCommand(command: keyof typeof SPECS, rest: readonly string[]): Args {
  if (command === 'kvm') return { command: 'kvm', argv: rest };
  const p = parseOptions(rest, SPECS[command]);
  switch (command) {
    case 'run': {
      const fmt = p.values.get('--trace-format') ?? 'text';
      if (fmt !== 'text' && fmt !== 'jsonl') throw new UsageError(`bad trace format '${fmt}': expected text or jsonl`);
      const trace = p.values.get('--trace');
      for (const o of ['--trace-format', '--trace-from', '--trace-count']) {
        if (trace === undefined && p.values.has(o)) throw new UsageError(`option ${o} needs --trace FILE (or --trace - for stderr)`);
      }
      const loadState = p.values.get('--load-state');
      const saveState = p.values.get('--save-state');
      if (p.values.has('--save-at') && saveState === undefined) throw new UsageError('option --save-at needs --save-state FILE');
      if (loadState !== undefined && p.positional.length > 0) {
        throw new UsageError(`--load-state takes no IMAGE: the image is in the state file (got ${p.positional.join(' ')})`);
      }
      return {
        command: 'run',
        ...machineArgs('run', loadState !== undefined ? { ...p, positional: ['-'] } : p),
        ...(loadState !== undefined ? { image: '' } : {}),
        icountShift: opt(p, '--icount', parseIcount),
        saveState,
        saveAt: opt(p, '--save-at', parseStep),
        loadState,
        stats: p.flags.has('--stats'),
        trace,
        traceFormat: fmt,
        traceFrom: opt(p, '--trace-from', parseStep),
        traceCount: opt(p, '--trace-count', parseCount),
      };
    }
    case 'disasm':
      return {
        command: 'disasm',
        image: oneImage('disasm', p.positional),
        start: opt(p, '--start', parseAddress),
        count: opt(p, '--count', parseCount),
        loadAddr: opt(p, '--load-addr', parseAddress),
      };
    case 'lockstep':
      return {
        command: 'lockstep',
        ...machineArgs('lockstep', p),
        from: opt(p, '--from', parseStep),
        every: opt(p, '--every', parseCount),
        qemu: p.values.get('--qemu'),
      };
    case 'fuzz': {
      if (p.positional.length > 0) throw new UsageError(`fuzz takes no IMAGE (it generates its own): ${p.positional.join(' ')}`);
      const cls = p.values.get('--class') ?? 'int';
      if (!(FUZZ_CLASSES as readonly string[]).includes(cls)) {
        throw new UsageError(`unknown instruction class '${cls}' (known: ${FUZZ_CLASSES.join(', ')})`);
      }
      return {
        command: 'fuzz',
        seed: opt(p, '--seed', parseSeed),
        count: opt(p, '--count', parseCount) ?? 1000,
        class: cls as FuzzClass,
        length: opt(p, '--length', parseCount),
        cpu: cpuOption(p),
        plantDefect: defectOption(p),
        qemu: p.values.get('--qemu'),
        save: p.values.get('--save'),
      };
    }
    case 'sweep': {
      if (p.positional.length > 0) throw new UsageError(`sweep takes no IMAGE (it builds its own): ${p.positional.join(' ')}`);
      const el = elOption(p);
      const el2 = el2Option(p) === true;
      if (el2 && el !== 3) throw new UsageError('--virtualization needs --el 3 (EL3 with EL2); --el 2 alone gives EL2');
      const space = p.values.get('--space');
      if (space !== undefined && space !== 'sysreg' && space !== 'sys' && space !== 'pstate') {
        throw new UsageError(`--space: sysreg, sys or pstate, not ${space}`);
      }
      return {
        command: 'sweep', cpu: cpuOption(p), el, el2, qemu: p.values.get('--qemu'), save: p.values.get('--save'),
        record: p.values.get('--record'), set: p.values.get('--set'), space,
      };
    }
    case 'regs':
      if (p.positional.length > 0) throw new UsageError(`regs takes no IMAGE: ${p.positional.join(' ')}`);
      return { command: 'regs', cpu: cpuOption(p), el: elOption(p), el2: el2Option(p), json: p.flags.has('--json') };
  }
}

/** Parses argv (without the node and script paths). Throws UsageError. */
export function parseArgs(argv: readonly string[]): Args {
  const dd = argv.indexOf('--');
  const opts = dd >= 0 ? argv.slice(0, dd) : argv;
  const known = (c: string | undefined): c is keyof typeof SPECS => (COMMANDS as readonly (string | undefined)[]).includes(c);
  if (opts.includes('--help') || opts.includes('-h')) return { command: 'help', topic: known(argv[0]) ? argv[0] : undefined };
  if (argv.length === 0) throw new UsageError('no command given');
  if (argv[0] === '--version' || argv[0] === '-V' || argv[0] === 'version') return { command: 'version' };
  if (argv[0] === 'help') return { command: 'help', topic: known(argv[1]) ? argv[1] : undefined };
  const [command, ...rest] = argv;
  if (!known(command)) {
    if (command.startsWith('-')) throw new UsageError(`options go after the command: a64emu run ${argv.join(' ')}`);
    throw new UsageError(`unknown command '${command}' (commands: ${COMMANDS.join(', ')})`);
  }
  if (rest.includes('--version') && (dd < 0 || rest.indexOf('--version') < dd - 1)) return { command: 'version' };
  return parseCommand(command, rest);
}

const MACHINE_HELP = `  --cpu NAME          CPU model: ${Object.keys(MODELS).join(', ')} (default cortex-a57)
  --el N              start mode, as QEMU's virt: 1 (default), 2 (EL2,
                      virtualization=on; PSCI on SMC), 3 (EL3, secure=on; no EL2)
  --virtualization    with --el 3: EL2 as well (secure=on,virtualization=on)
  -m, --memory SIZE   RAM size in bytes, or with K, M, G (KiB, MiB, GiB); default 512M
  --max-insns N       stop after N instructions (1000000, 1e9, 500M); exit status 124
  --load-addr ADDR    where a raw binary goes and starts (default 0x40080000, as QEMU)
  --no-reboot         a guest reset request stops the run (QEMU's -no-reboot)
  --plant-defect NAME testing only: break one instruction on purpose, to show
                      that lockstep and fuzz find it (${Object.keys(DEFECTS).join(', ')})`;

export const HELP = `Usage: a64emu run [options] IMAGE
       a64emu disasm [--start ADDR] [--count N] [--load-addr ADDR] IMAGE
       a64emu lockstep [options] IMAGE
       a64emu fuzz [--class CLASS] [--seed S] [--count N]
       a64emu regs [--cpu NAME] [--el N] [--json]
       a64emu sweep [--cpu NAME] [--el N [--virtualization]]
       a64emu kvm id|reglist|probe|diff ...
       a64emu help COMMAND | --help | --version

Runs a bare-metal AArch64 IMAGE (an ELF executable, or a raw binary) on a board
compatible with QEMU's 'virt': RAM at 0x40000000, a PL011 UART at 0x09000000 on
stdin/stdout, Arm semihosting, PSCI through HVC, one CPU.

Options of run (before or after IMAGE):
${MACHINE_HELP}
  --icount [shift=]N  2^N ns of virtual time per instruction (QEMU's -icount;
                      default 0): the counter (62.5 MHz), timers and semihosting
                      clocks derive from the instruction count, so runs repeat
  --save-state FILE   save the machine's state to FILE on SIGUSR1 (at the next
                      slice boundary; the run goes on) or with --save-at
  --save-at N         save the state after exactly N instructions (counted from
                      power-on, across guest resets) and stop (exit status 0)
  --load-state FILE   continue the run saved in FILE (no IMAGE: the image and the
                      board options are in the file; --cpu, --el, --memory,
                      --icount... may be given only with the file's values)
  --stats             print instructions executed, wall time and MIPS on stderr
  --trace FILE        write one line per instruction to FILE ('-': stderr): step
                      count, EL, PC, opcode, disassembly, registers changed;
                      exceptions taken get their own lines
  --trace-format F    text (default) or jsonl (one JSON object per line)
  --trace-from N      start tracing at step N (0-based)
  --trace-count N     trace N steps
  -h, --help          show this help
  --version           show the version

Other commands ('a64emu help COMMAND' for their options):
  disasm     disassemble an image (default: 32 instructions from the entry point)
  lockstep   run IMAGE on a64emu and on qemu-system-aarch64 side by side and stop
             at the first instruction after which their registers differ
  fuzz       random instruction testing against QEMU (classes int, ldst, system)
  regs       print every system register of a CPU model at reset
  sweep      every MRS/MSR encoding at every EL of a start mode, against QEMU
  kvm        the KVM register ABI: register IDs, the virtual vCPU's register list,
             the kvm-probe sequence, and comparing probe traces

Exit status: the guest's semihosting exit status; 0 after PSCI SYSTEM_OFF;
124 when --max-insns is reached; 2 for bad input or options; 3 for an internal
emulator error.

On a terminal the UART gets raw keystrokes: Ctrl-A x quits, Ctrl-A Ctrl-A sends
Ctrl-A. Semihosting console output (SYS_WRITEC, SYS_WRITE0) goes to stderr, as
with QEMU's -semihosting.
`;

export const COMMAND_HELP: Record<keyof typeof SPECS, string> = {
  run: HELP,
  disasm: `Usage: a64emu disasm [options] IMAGE

Disassembles IMAGE (ELF or raw binary) with Capstone.

Options:
  --start ADDR        first address (default: the entry point)
  --count N           instructions to print (default 32)
  --load-addr ADDR    where a raw binary is placed (default 0x40080000)
`,
  lockstep: `Usage: a64emu lockstep [options] IMAGE

Runs IMAGE on a64emu and on qemu-system-aarch64 (through its gdb stub, same CPU
model, memory size and board) and stops at the first instruction after which any
general register, SP, PC or NZCV differs. Reports the step count, both states,
the registers that differ and the last 20 trace lines. QEMU runs with
-icount shift=0,sleep=off so that both counters follow the instruction count;
guest output is discarded on both sides and a guest reset ends the run.

Options (before or after IMAGE):
  --cpu NAME          CPU model: ${Object.keys(MODELS).join(', ')} (default cortex-a57)
  --el N              start mode, as QEMU's virt: 1 (default), 2 (EL2,
                      virtualization=on; PSCI on SMC), 3 (EL3, secure=on; no EL2)
  --virtualization    with --el 3: EL2 as well (secure=on,virtualization=on)
  -m, --memory SIZE   RAM size (default 512M), the same on both sides
  --max-insns N       compare at most N steps (exit status 0 when reached)
  --plant-defect NAME testing only: break one instruction on purpose (${Object.keys(DEFECTS).join(', ')})
  --from N            run both sides to step N before comparing
  --every K           compare every K steps (default 1000); on a difference, go
                      back to the last match and step to the first differing
                      step. A difference gone again by the next comparison (a
                      flag overwritten, a value only stored) is missed or found
                      later: --every 1 compares after every step
  --qemu PATH         the QEMU binary (default: $QEMU or qemu-system-aarch64)

Raw images are loaded at 0x40080000 on both sides (QEMU's only address).

Exit status: 0 no divergence (the image ended or --max-insns was reached);
1 a divergence was found, or a64emu's full-speed run disagrees with its own
single-stepped run; 2 bad input, QEMU missing or not starting; 3 an internal
error or QEMU's gdb stub failing during the run.
`,
  fuzz: `Usage: a64emu fuzz [options]

Random instruction testing against QEMU: generates bare-metal images that set
registers and memory to random values, run random sequences of valid
instructions of one class and dump the resulting state, runs them on a64emu and
qemu-system-aarch64, and reports each mismatch shrunk to the shortest failing
sequence found.

Options:
  --class CLASS       int, ldst, fp, simd or system (default int)
                      until a64emu has FP/SIMD
  --seed S            random seed (default: from the clock; always printed)
  --count N           test cases (default 1000)
  --length N          instructions per case (default 16)
  --cpu NAME          CPU model (default max)
  --save DIR          keep the generated images in DIR
  --plant-defect NAME testing only: break one instruction on purpose (${Object.keys(DEFECTS).join(', ')})
  --qemu PATH         the QEMU binary (default: $QEMU or qemu-system-aarch64)

Exit status: 0 no mismatch; 1 mismatches (each reported); 2 bad input or QEMU
missing.
`,
  regs: `Usage: a64emu regs [--cpu NAME] [--el N [--virtualization]] [--json]

Prints every system register of the CPU model (the cpreg table) at reset, as the
CPU starts on the board (at EL1, or EL2/EL3 with --el): name (Arm ARM), op0 op1 CRn CRm op2, flags (ALIAS,
NO_RAW, CONST, IO with QEMU's meanings), the KVM register ID and the value.
Registers with no raw state (NO_RAW) have no value.

Options:
  --cpu NAME          CPU model: ${Object.keys(MODELS).join(', ')} (default cortex-a57)
  --el N              start mode as for run: 1 (default), 2 (QEMU's
                      virtualization=on) or 3 (QEMU's secure=on)
  --virtualization    with --el 3: EL2 as well (secure=on,virtualization=on)
  --json              a JSON array of {"name","op0","op1","crn","crm","op2","flags",
                      "kvmId","value"}: kvmId and value as 0x-prefixed hex strings,
                      value null for NO_RAW registers, flags an array of names
`,
  sweep: `Usage: a64emu sweep [--cpu NAME] [--el N [--virtualization]] [options]

Executes every MRS and every MSR encoding (op0 2 and 3, every op1/CRn/CRm/op2:
32768 each) at every EL of the start mode, on a64emu and on qemu-system-aarch64
(the same board and CPU model), and compares each outcome: for MRS the value read
or the exception (EC, ISS, target EL), for MSR completion or the exception. Each
MSR writes back the value its MRS just read (0 if the MRS did not complete).
Phases: EL1, EL0 (--el 1); EL2, EL1, EL0 (--el 2); EL3, [EL2,] EL1, EL0 and
Secure EL1, EL0 (--el 3). Values that differ between runs (counters, timers) are
masked and known differences allowed, each with its reason
(src/debug/fuzz/sweep_known.ts); the report counts both and lists the rest.

Options:
  --cpu NAME          CPU model: ${Object.keys(MODELS).join(', ')} (default cortex-a57)
  --el N              start mode, as QEMU's virt: 1 (default), 2 (virtualization=on)
                      or 3 (secure=on)
  --virtualization    with --el 3: EL2 as well (secure=on,virtualization=on)
  --save DIR          keep the image in DIR
  --record FILE       write QEMU's outcomes to FILE (the recordings in
                      tests/sysregs/sweep/ that the fast tests compare a64emu with)
  --set R=V[,R=V...]  write these control registers (Arm ARM names, e.g.
                      HCR_EL2=0x40000,MDCR_EL2=0x60) at the top EL before the
                      first phase, to sweep with trap controls set
  --space S           the encodings: sysreg (default, MRS/MSR as above); sys: SYSL
                      and SYS (op0 1: AT, DC, IC, TLBI; Xt a scratch block, or
                      set/way 0 for DC *SW), comparing the statuses and PAR_EL1
                      after each SYS; pstate: op0 0 with Rt 31 (MSR (immediate),
                      hints, barriers; WFE/WFI/WFET/WFIT not run), comparing the
                      status and PSTATE afterwards (the SPSR of an SVC)
  --qemu PATH         the QEMU binary (default: $QEMU or qemu-system-aarch64)

Exit status: 0 no mismatch; 1 mismatches (each listed); 2 bad input or QEMU
missing; 3 a side failed to finish the image.
`,
  kvm: `Usage: a64emu kvm id NAME|ID...
       a64emu kvm reglist [--cpu NAME] [--json]
       a64emu kvm probe [--cpu NAME] GUEST.bin
       a64emu kvm diff [--cpu NAME] [--json] A.txt B.txt

The KVM register ABI (Linux Documentation/virt/kvm/api.rst) over a64emu's CPU.

  id        names and decodes register IDs: an Arm ARM or KVM name (SCTLR_EL1,
            X0, PC, PSTATE, V3, FPSR, KVM_REG_ARM_TIMER_CNT, the KVM_REG_ARM_FW
            names, CCSIDR:2, Z0:0, S3_0_C15_C0_0, ...; any case) or a 64-bit ID
            in hex (0x603000000013c080). Prints the name, the canonical ID and
            its fields. 32-bit ARM IDs are accepted too (SCTLR, TTBR0:64,
            ARM_pc, D0, FPSCR; arm32:NAME where arm64 has the name, e.g.
            arm32:CCSIDR:0), also in the draft notation of the original KVM/ARM
            patches (0x40020000000F0800, size field in bits 51..48), which is
            printed with the canonical ID it stands for
  reglist   the virtual vCPU's KVM_GET_REG_LIST after KVM_ARM_VCPU_INIT, in
            the kernel's order, with names and reset values
            --cpu NAME    CPU model: ${Object.keys(MODELS).join(', ')} (default cortex-a57)
            --json        a JSON array of {"id","name","value"} (hex strings)
  probe     drives the virtual vCPU through the sequence of ../shared/kvm/
            kvm-probe.c (capabilities, init, register list, reset values, the
            SET_ONE_REG cases, the run loop answering MMIO reads with
            0x1122334455667788, final values) and prints the same trace format
            GUEST.bin is a raw image loaded at IPA 0x40000000 (2 MiB slot)
            --cpu NAME    CPU model (default cortex-a57)
  diff      compares two probe traces (recorded on real KVM or by probe):
            missing and extra IDs, values, set results and exits, with register
            names, one line per difference; differences on the documented
            allow-list (src/kvmcompat/allow.ts) are shown with their reason and
            do not count. A trace without '# end' is reported as incomplete.
            --cpu NAME    apply the allow-list entries of this CPU model
                          (default: the model whose MIDR_EL1 trace A shows)
            --json        the differences as JSON

Exit status: 0 success (diff: no difference outside the allow-list); 1 diff
found differences; 2 bad input (unknown name, malformed ID or trace file).
`,
};
