// The bundled command as a child process: what only a real process shows (output flushed
// through a pipe before exit, the exit status, stdin not keeping the process alive).
// The bundle is built into a temporary directory with the options of scripts/build.mjs.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesOf, CHATTY, ECHO, elfOf, EXIT42 } from '../machine/images.js';

let dir = '';
let bundle = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'a64emu-cli-'));
  bundle = join(dir, 'a64emu.mjs');
  await build({
    entryPoints: ['src/cli/main.ts'],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: bundle,
    banner: { js: '#!/usr/bin/env node' },
    logLevel: 'silent',
    external: ['capstone-wasm'],
  });
  // The bundle alone (above) has no node_modules: `run` must not need Capstone. As
  // installed (pkg/), capstone-wasm is a dependency beside it, for disasm and --trace.
  mkdirSync(join(dir, 'pkg'));
  copyFileSync(bundle, join(dir, 'pkg', 'a64emu.mjs'));
  symlinkSync(resolve('node_modules'), join(dir, 'pkg', 'node_modules'), 'dir');
  writeFileSync(join(dir, 'exit42.elf'), elfOf(EXIT42));
  writeFileSync(join(dir, 'chatty.bin'), bytesOf(CHATTY));
  writeFileSync(join(dir, 'echo.bin'), bytesOf(ECHO));
}, 60_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the bundle; `input` is written to its stdin, which stays open unless `end`. */
function runBundle(args: string[], input = '', end = true, script = bundle): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { cwd: dir, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`timed out; stderr: ${stderr}`));
    }, 20_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.write(input);
    if (end) child.stdin.end();
  });
}

describe('dist bundle', () => {
  it('prints help and exits 0', async () => {
    const r = await runBundle(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: a64emu run/);
  });

  it('exits 2 with one line for a missing image', async () => {
    const r = await runBundle(['run', 'missing.elf']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("a64emu: cannot read 'missing.elf': no such file\n");
  });

  it('exits with the guest status even while stdin stays open', async () => {
    const r = await runBundle(['run', 'exit42.elf'], '', false);
    expect(r.code).toBe(42);
  });

  it('delivers all UART output through a pipe before exiting', async () => {
    const r = await runBundle(['run', 'chatty.bin']);
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBe(196609);
    expect(r.stdout.endsWith('x\n')).toBe(true);
  });

  it('feeds stdin to the UART receiver', async () => {
    const r = await runBundle(['run', '--max-insns', '50M', 'echo.bin'], 'abc\n');
    expect(r.stdout).toBe('abc\n');
    expect(r.code).toBe(5);
  });

  it('disassembles with Capstone (loaded from the installed dependency)', async () => {
    const r = await runBundle(['disasm', '--count', '4', 'exit42.elf'], '', true, join(dir, 'pkg', 'a64emu.mjs'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')).toEqual([
      '    40080000:\t10000081 \tadr x1, #0x40080010',
      '    40080004:\t52800300 \tmov w0, #0x18',
      '    40080008:\td45e0000 \thlt #0xf000',
      '    4008000c:\t14000000 \tb #0x4008000c',
      '',
    ]);
  });

  it('traces a run to stderr', async () => {
    const r = await runBundle(['run', '--trace', '-', 'exit42.elf'], '', true, join(dir, 'pkg', 'a64emu.mjs'));
    expect(r.code).toBe(42);
    expect(r.stderr).toBe(
      '       0 EL1 0000000040080000 10000081  adr x1, #0x40080010              x1=0x40080010\n' +
        '       1 EL1 0000000040080004 52800300  mov w0, #0x18                    x0=0x18\n' +
        '       2 EL1 0000000040080008 d45e0000  hlt #0xf000\n',
    );
  });
});
