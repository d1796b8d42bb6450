// Running guest images as child processes: the a64emu CLI bundle (dist/a64emu.mjs) and QEMU.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = join(ROOT, 'dist/a64emu.mjs');

function newestMtime(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const e of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, e)));
  return newest;
}

/** Why dist/a64emu.mjs needs (re)building, or null when it is up to date. */
export function cliStaleReason(): string | null {
  if (!existsSync(CLI)) return 'dist/a64emu.mjs is missing';
  const built = statSync(CLI).mtimeMs;
  const inputs = [join(ROOT, 'src'), join(ROOT, 'scripts/build.mjs')].filter((p) => existsSync(p));
  const newest = Math.max(0, ...inputs.map(newestMtime));
  return newest > built ? 'dist/a64emu.mjs is older than src/' : null;
}

export type CliState = { ok: true; path: string } | { ok: false; error: string };

/**
 * Builds the CLI bundle with `node scripts/build.mjs` when it is missing or older than
 * src/.  Never throws: a failed build is reported to the tests that need the CLI.
 */
export function ensureCli(): CliState {
  const stale = cliStaleReason();
  if (!stale) return { ok: true, path: CLI };
  const r = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
  if (r.error || r.status !== 0) {
    const out = `${r.stderr ?? ''}${r.stdout ?? ''}`.trim();
    return { ok: false, error: `${stale}, and \`node scripts/build.mjs\` failed (${r.error?.message ?? `exit ${r.status}`})${out ? `:\n${out}` : ''}` };
  }
  if (!existsSync(CLI)) return { ok: false, error: '`node scripts/build.mjs` did not produce dist/a64emu.mjs' };
  return { ok: true, path: CLI };
}

export interface RunResult {
  /** process exit status (null when killed) */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  ms: number;
}

/** Runs a command with a time limit, collecting stdout/stderr.  stdin is /dev/null. */
export function runProcess(command: string, args: string[], timeoutMs: number): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const t0 = Date.now();
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({
        exitCode: code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        timedOut,
        ms: Date.now() - t0,
      });
    });
  });
}

/**
 * `node dist/a64emu.mjs run --cpu <cpu> [modeArgs] <elf>`: stdout is the UART, the exit code the
 * semihosting status. modeArgs: the start mode (`--el 2`, `--el 3 --virtualization`, ...).
 */
export function runOnA64emu(elf: string, cpu: string, timeoutMs: number, modeArgs: string[] = []): Promise<RunResult> {
  return runProcess(process.execPath, [CLI, 'run', '--cpu', cpu, ...modeArgs, elf], timeoutMs);
}

/**
 * Compares a run with a recording.  Returns null when exit code and UART text are identical,
 * otherwise a message that points at the first differing line (with the nearest "# ..."
 * header above it, which names the instruction being tested).
 */
export function describeMismatch(
  expected: { exitCode: number; uart: string },
  actual: RunResult,
  who: string,
): string | null {
  const problems: string[] = [];
  if (actual.timedOut) problems.push(`${who} did not finish within the time limit (${actual.ms} ms)`);
  if (actual.exitCode !== expected.exitCode) {
    problems.push(`exit code: expected ${expected.exitCode}, got ${actual.exitCode ?? `signal ${actual.signal}`}`);
  }
  if (actual.stdout !== expected.uart) {
    const e = expected.uart.split('\n');
    const a = actual.stdout.split('\n');
    let i = 0;
    while (i < e.length && i < a.length && e[i] === a[i]) i++;
    let header = '';
    for (let k = Math.min(i, e.length - 1); k >= 0; k--) {
      if (e[k].startsWith('# ')) {
        header = e[k];
        break;
      }
    }
    const show = (lines: string[], from: number) =>
      lines.slice(from, from + 3).map((l, j) => `    ${from + j + 1}: ${JSON.stringify(l)}`).join('\n') || '    (end of output)';
    problems.push(
      `UART output differs at line ${i + 1} of ${e.length} expected / ${a.length} actual` +
        (header ? ` (under "${header}")` : '') +
        `\n  expected:\n${show(e, i)}\n  actual:\n${show(a, i)}`,
    );
  }
  if (problems.length === 0) return null;
  const stderr = actual.stderr.trim();
  if (stderr) problems.push(`stderr:\n${stderr.split('\n').slice(0, 20).join('\n')}`);
  return problems.join('\n');
}
