// Detection of outside tools (QEMU, the cross toolchain, gdb-multiarch) for tests, with one
// rule for all of them:
//   - tool found: the test runs;
//   - tool missing on a developer machine: the test is SKIPPED, with the reason and the
//     install command as the skip note;
//   - tool missing while process.env.CI === 'true': the test FAILS (CI must have it).
import { spawnSync } from 'node:child_process';

export interface ToolSpec {
  /** short name used in messages */
  name: string;
  /** executable to run (looked up on PATH) */
  command: string;
  /** arguments that print a version and exit 0 */
  versionArgs: string[];
  /** how to install it on Debian */
  install: string;
}

export const TOOLS = {
  qemu: {
    name: 'QEMU',
    command: process.env.QEMU ?? 'qemu-system-aarch64',
    versionArgs: ['--version'],
    install: 'apt-get install qemu-system-arm',
  },
  crossGcc: {
    name: 'AArch64 cross compiler',
    command: `${process.env.CROSS ?? 'aarch64-linux-gnu-'}gcc`,
    versionArgs: ['--version'],
    install: 'apt-get install gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu',
  },
  objdump: {
    name: 'AArch64 objdump',
    command: `${process.env.CROSS ?? 'aarch64-linux-gnu-'}objdump`,
    versionArgs: ['--version'],
    install: 'apt-get install binutils-aarch64-linux-gnu',
  },
  gdbMultiarch: {
    name: 'gdb-multiarch',
    command: 'gdb-multiarch',
    versionArgs: ['--version'],
    install: 'apt-get install gdb-multiarch',
  },
} satisfies Record<string, ToolSpec>;

export interface ToolStatus {
  spec: ToolSpec;
  found: boolean;
  /** first line of the version output when found */
  version?: string;
  /** why it is considered missing */
  error?: string;
}

const cache = new Map<string, ToolStatus>();

/** Runs `command versionArgs` once (cached) to see whether the tool is usable. */
export function detectTool(spec: ToolSpec): ToolStatus {
  const key = `${spec.command}\0${spec.versionArgs.join('\0')}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const r = spawnSync(spec.command, spec.versionArgs, { encoding: 'utf8', timeout: 20_000 });
  let status: ToolStatus;
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    status = { spec, found: false, error: code === 'ENOENT' ? 'not found on PATH' : r.error.message };
  } else if (r.status !== 0) {
    status = { spec, found: false, error: `\`${spec.command} ${spec.versionArgs.join(' ')}\` exited with ${r.status ?? r.signal}` };
  } else {
    status = { spec, found: true, version: (r.stdout || r.stderr).split('\n')[0].trim() };
  }
  cache.set(key, status);
  return status;
}

export function isCI(): boolean {
  return process.env.CI === 'true';
}

export type ToolGate =
  | { run: true; status: ToolStatus }
  | { run: false; mode: 'skip' | 'fail'; reason: string };

/** Decides what a test that needs `spec` should do. */
export function toolGate(spec: ToolSpec): ToolGate {
  const status = detectTool(spec);
  if (status.found) return { run: true, status };
  const reason = `${spec.name} (${spec.command}) is missing: ${status.error}; install it with: ${spec.install}`;
  if (isCI()) return { run: false, mode: 'fail', reason: `${reason} (required when CI=true)` };
  return { run: false, mode: 'skip', reason };
}

/** The part of vitest's test context that requireTool needs. */
export interface SkippableContext {
  skip: (note?: string) => never;
}

/**
 * Call at the start of a test: returns the tool's status when it is available; otherwise
 * skips the test (with the reason as the note) or, under CI=true, fails it.
 */
export function requireTool(ctx: SkippableContext, spec: ToolSpec): ToolStatus {
  const gate = toolGate(spec);
  if (gate.run) return gate.status;
  if (gate.mode === 'fail') throw new Error(gate.reason);
  return ctx.skip(gate.reason);
}
