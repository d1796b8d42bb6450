// `a64emu fuzz` against QEMU, through the CLI in-process: fixed seeds of int and ldst give
// no mismatch and no gap; the planted defect eor-reg is found and shrunk to an EOR; a
// missing QEMU or an unsupported class is exit status 2 with a clear message.
import { chmodSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, type CliIo } from '../../src/cli/main.js';
import { requireTool, TOOLS } from '../helpers/tools.js';
import { CLASSES, UNSUPPORTED } from '../../src/debug/fuzz/classes.js';
import { FUZZ_CLASSES } from '../../src/cli/args.js';

async function fuzz(argv: string[]) {
  const out = { stdout: '', stderr: '' };
  const io: Partial<CliIo> = {
    write: (stream, data) => {
      out[stream] += typeof data === 'string' ? data : new TextDecoder().decode(data);
    },
    stdin: null,
    env: process.env,
  };
  const code = await main(['fuzz', ...argv], io);
  return { code, ...out };
}

describe('a64emu fuzz against QEMU', () => {
  for (const [cls, seed] of [['int', 1001], ['ldst', 2002], ['system', 3003], ['fp', 4004]] as const) {
    it(`${cls}: 3000 cases of seed ${seed} agree with QEMU and leave no gap`, async (ctx) => {
      requireTool(ctx, TOOLS.qemu);
      const r = await fuzz(['--class', cls, '--count', '3000', '--seed', String(seed)]);
      expect(r.stdout).toContain(`seed ${seed}`);
      expect(r.stdout).toContain('mismatches: 0');
      expect(r.stdout).toContain('gaps (rows never generated): none');
      expect(r.stdout).not.toContain('variants never generated');
      expect(r.code).toBe(0);
    });
  }

  it('keeps the images with --save', async (ctx) => {
    requireTool(ctx, TOOLS.qemu);
    const dir = mkdtempSync(join(tmpdir(), 'fuzz-save-'));
    try {
      const r = await fuzz(['--class', 'int', '--count', '300', '--seed', '5', '--save', dir]);
      expect(r.code).toBe(0);
      expect(readdirSync(dir)).toEqual(['fuzz-int-5-0.elf']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('finds the planted defect eor-reg and shrinks it to one EOR', async (ctx) => {
    requireTool(ctx, TOOLS.qemu);
    const r = await fuzz(['--class', 'int', '--count', '2000', '--seed', '1', '--plant-defect', 'eor-reg']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/mismatches: [1-9]/);
    const first = r.stdout.slice(r.stdout.indexOf('mismatch 1:'));
    expect(first).toMatch(/shrunk from 16 to 1 instructions/);
    // The one instruction left: EOR (shifted register), 64-bit, named by Capstone and by its row.
    expect(first).toMatch(/^\s+0 {2}[0-9a-f]{8} {2}eor x\d+, .*LOGICAL_shifted sf=1 opc=2 /m);
    expect(first).toMatch(/differences:[\s\S]*\n {4}x\d+ +0x[0-9a-f]{16} +0x[0-9a-f]{16}/);
  });
});

/** A QEMU that works for its first `good` runs (and --version), then fails as a crash does. */
function flakyQemu(dir: string, good: number): string {
  const path = join(dir, 'qemu');
  writeFileSync(path, [
    '#!/bin/sh',
    `if [ "$1" = --version ]; then exec ${TOOLS.qemu.command} --version; fi`,
    `n=$(cat ${dir}/n 2>/dev/null || echo 0); echo $((n + 1)) > ${dir}/n`,
    `if [ "$n" -lt ${good} ]; then exec ${TOOLS.qemu.command} "$@"; fi`,
    'echo "simulated crash" >&2; exit 1',
  ].join('\n') + '\n');
  chmodSync(path, 0o755);
  return path;
}

describe('a64emu fuzz when QEMU fails', () => {
  it('keeps the mismatches found when QEMU fails while shrinking (exit 1)', async (ctx) => {
    requireTool(ctx, TOOLS.qemu);
    const dir = mkdtempSync(join(tmpdir(), 'fuzz-flaky-'));
    try {
      const r = await fuzz(['--class', 'int', '--count', '500', '--seed', '1', '--plant-defect', 'eor-reg', '--qemu', flakyQemu(dir, 1)]);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/mismatches: [1-9]/);
      expect(r.stdout).toContain('mismatch 1:');
      expect(r.stderr).toMatch(/QEMU failed while shrinking; the mismatches keep their shortest form so far: QEMU exited with 1 after writing 0 of \d+ result bytes: simulated crash/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits 3 when QEMU fails and no mismatch was found', async (ctx) => {
    requireTool(ctx, TOOLS.qemu);
    const dir = mkdtempSync(join(tmpdir(), 'fuzz-flaky-'));
    try {
      const r = await fuzz(['--class', 'int', '--count', '50', '--seed', '1', '--qemu', flakyQemu(dir, 0)]);
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/QEMU failed on a batch of new cases; the run stopped there: QEMU exited with 1 .*simulated crash/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a64emu fuzz without QEMU', () => {
  it('exits 2 with the install hint when QEMU is missing', async () => {
    const r = await fuzz(['--class', 'int', '--count', '10', '--qemu', '/nonexistent/qemu-system-aarch64']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/QEMU is needed but \/nonexistent\/qemu-system-aarch64 not found; install it with: apt-get install qemu-system-arm/);
  });

  it('refuses no class: every class of --class has decoder rows (issue 8 added fp and simd)', () => {
    expect(Object.keys(UNSUPPORTED)).toEqual([]);
    for (const cls of FUZZ_CLASSES) expect(CLASSES[cls]?.rows.length ?? 0, cls).toBeGreaterThan(0);
  });

  it('exits 2 for an unknown defect', async () => {
    const r = await fuzz(['--plant-defect', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown defect 'nope'");
  });
});
