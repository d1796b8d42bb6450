// Command-line parsing for `a64emu`: pure functions, no I/O, so that every rule is testable.

import { MODELS } from '../cpu/models.js';

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface RunArgs {
  readonly command: 'run';
  readonly image: string;
  readonly cpu?: string;
  readonly memory?: number;
  readonly maxInsns?: number;
  readonly loadAddr?: number;
  readonly stats: boolean;
  readonly reboot: boolean;
}

export type Args = RunArgs | { readonly command: 'help' } | { readonly command: 'version' };

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

const VALUE_OPTIONS = new Set(['--cpu', '--memory', '-m', '--max-insns', '--load-addr']);
const FLAG_OPTIONS = new Set(['--stats', '--no-reboot', '--help', '-h', '--version']);

/** Parses argv (without the node and script paths). Throws UsageError. */
export function parseArgs(argv: readonly string[]): Args {
  const dd = argv.indexOf('--');
  const opts = dd >= 0 ? argv.slice(0, dd) : argv;
  if (opts.includes('--help') || opts.includes('-h')) return { command: 'help' };
  if (argv.length === 0) throw new UsageError('no command given');
  if (argv[0] === '--version' || argv[0] === '-V' || argv[0] === 'version') return { command: 'version' };
  if (argv[0] === 'help') return { command: 'help' };
  const [command, ...rest] = argv;
  if (command !== 'run') {
    if (command.startsWith('-')) throw new UsageError(`options go after the command: a64emu run ${argv.join(' ')}`);
    throw new UsageError(`unknown command '${command}' (the command is 'run')`);
  }
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
      const name = eq >= 0 ? a.slice(0, eq) : a;
      if (VALUE_OPTIONS.has(name)) {
        let value: string | undefined;
        if (eq >= 0) value = a.slice(eq + 1);
        else if (i + 1 < rest.length) value = rest[++i];
        if (value === undefined || value === '') throw new UsageError(`option ${name} needs a value`);
        values.set(name === '-m' ? '--memory' : name, value);
        continue;
      }
      if (FLAG_OPTIONS.has(name)) {
        if (eq >= 0) throw new UsageError(`option ${name} takes no value`);
        flags.add(name);
        continue;
      }
      throw new UsageError(`unknown option '${name}'`);
    }
    positional.push(a);
  }
  if (flags.has('--version')) return { command: 'version' };
  if (positional.length === 0) throw new UsageError('no IMAGE given: a64emu run [options] IMAGE');
  if (positional.length > 1) throw new UsageError(`one IMAGE expected, got ${positional.length}: ${positional.join(' ')}`);
  const cpu = values.get('--cpu');
  if (cpu !== undefined && MODELS[cpu] === undefined) {
    throw new UsageError(`unknown CPU model '${cpu}' (known: ${Object.keys(MODELS).join(', ')})`);
  }
  const mem = values.get('--memory');
  const maxInsns = values.get('--max-insns');
  const loadAddr = values.get('--load-addr');
  return {
    command: 'run',
    image: positional[0],
    cpu,
    memory: mem === undefined ? undefined : parseSize(mem),
    maxInsns: maxInsns === undefined ? undefined : parseCount(maxInsns),
    loadAddr: loadAddr === undefined ? undefined : parseAddress(loadAddr),
    stats: flags.has('--stats'),
    reboot: !flags.has('--no-reboot'),
  };
}

export const HELP = `Usage: a64emu run [options] IMAGE
       a64emu --help | --version

Runs a bare-metal AArch64 IMAGE (an ELF executable, or a raw binary) on a board
compatible with QEMU's 'virt': RAM at 0x40000000, a PL011 UART at 0x09000000 on
stdin/stdout, Arm semihosting, PSCI through HVC, one CPU.

Options (before or after IMAGE):
  --cpu NAME          CPU model: ${Object.keys(MODELS).join(', ')} (default cortex-a57)
  -m, --memory SIZE   RAM size in bytes, or with K, M, G (KiB, MiB, GiB); default 512M
  --max-insns N       stop after N instructions (1000000, 1e9, 500M); exit status 124
  --load-addr ADDR    where a raw binary goes and starts (default 0x40080000, as QEMU)
  --no-reboot         a guest reset request stops the run (QEMU's -no-reboot)
  --stats             print instructions executed, wall time and MIPS on stderr
  -h, --help          show this help
  --version           show the version

Exit status: the guest's semihosting exit status; 0 after PSCI SYSTEM_OFF;
124 when --max-insns is reached; 2 for bad input or options; 3 for an internal
emulator error.

On a terminal the UART gets raw keystrokes: Ctrl-A x quits, Ctrl-A Ctrl-A sends
Ctrl-A. Semihosting console output (SYS_WRITEC, SYS_WRITE0) goes to stderr, as
with QEMU's -semihosting.
`;
