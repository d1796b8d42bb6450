// Guest image tests (tests/images/**).
//
// (a) manifest: every image's inputs (sources, shared lib files, linker script, build
//     flags) must hash to the value in tests/images/manifest.json, and the ELF beside the
//     sources must be the one that build produced ("rebuild with npm run images").
// (b) a64emu: each image that has an <name>.expected.json runs on a64emu
//     (`node dist/a64emu.mjs run --cpu <cpu> [--el N [--virtualization]] <elf>`, the start
//     mode from the manifest); exit code and UART output must equal the recording exactly.
// (c) QEMU live: the same image runs on qemu-system-aarch64 and must still match the
//     recording.  Missing QEMU: skipped with the install command (apt-get install
//     qemu-system-arm); under CI=true a missing QEMU is a failure.
//
// How the expected values were obtained: `node scripts/images.mjs record [name...]` runs
//   qemu-system-aarch64 -M virt -cpu <cpu> -m 512 -display none -serial stdio -monitor none
//                       -semihosting -no-reboot -kernel tests/images/<name>/<name>.elf
// (cpu = cortex-a57, or max for `atomic`; images with a start mode use -M virt,virtualization=on
// (el 2), virt,secure=on (el 3) or virt,secure=on,virtualization=on (el 3 + el2)) and stores {cpu, qemuCommand, qemuVersion,
// exitCode, uart} in tests/images/<name>/<name>.expected.json.  The exact command and
// QEMU version are inside each .expected.json.
//
// Environment: A64EMU_IMAGES=name,name,... limits (b) and (c) to those images.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, describeMismatch, ensureCli, runOnA64emu, runProcess, type CliState } from '../helpers/a64emu';
import { TOOLS, requireTool } from '../helpers/tools';

/** Start mode: absent = EL1 (-M virt); see scripts/images.mjs. */
interface Mode {
  el?: 2 | 3;
  el2?: boolean;
}
interface ManifestEntry extends Mode {
  kind: string;
  cpu: string;
  elf: string;
  expected: string;
  timeoutMs: number;
  emuTimeoutMs: number;
  sha256: string;
  elfSha256: string;
}
interface Manifest { images: Record<string, ManifestEntry> }
interface Expected extends Mode {
  image: string;
  elfSha256: string;
  cpu: string;
  qemuCommand: string;
  qemuArgv: string[];
  qemuVersion: string;
  exitCode: number;
  uart: string;
}
interface CheckResult { ok: boolean; images: Record<string, { ok: boolean; problems: string[] }> }

const MANIFEST = join(ROOT, 'tests/images/manifest.json');
const manifest: Manifest = existsSync(MANIFEST) ? JSON.parse(readFileSync(MANIFEST, 'utf8')) : { images: {} };

/** `node scripts/images.mjs check --json`: the one implementation of the input hashing. */
function runCheck(): CheckResult | string {
  const r = spawnSync(process.execPath, ['scripts/images.mjs', 'check', '--json'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  try {
    return JSON.parse(r.stdout) as CheckResult;
  } catch {
    return `node scripts/images.mjs check --json failed (exit ${r.status}): ${r.stderr || r.stdout}`;
  }
}

describe('guest image manifest (tests/images/manifest.json)', () => {
  const check = runCheck();
  if (typeof check === 'string') {
    it('scripts/images.mjs check runs', () => {
      throw new Error(check);
    });
    return;
  }
  it('manifest.json exists', () => {
    expect(existsSync(MANIFEST), 'tests/images/manifest.json is missing: rebuild with npm run images').toBe(true);
  });
  for (const [name, r] of Object.entries(check.images)) {
    it(`${name}: sources and ELF match the manifest`, () => {
      if (!r.ok) throw new Error(`${name}: ${r.problems.join('; ')} -- rebuild with npm run images`);
    });
  }
  for (const [name, entry] of Object.entries(manifest.images)) {
    if (entry.kind === 'kvm') continue; // KVM guests: no board recording (tests/kvm/fixtures.test.ts)
    const path = join(ROOT, entry.expected);
    if (!existsSync(path)) continue;
    it(`${name}: the QEMU recording was made from the current ELF`, () => {
      const expected = JSON.parse(readFileSync(path, 'utf8')) as Expected;
      if (expected.elfSha256 !== entry.elfSha256) {
        throw new Error(`${entry.expected} was recorded from another build of ${entry.elf}: re-record with node scripts/images.mjs record ${name}`);
      }
      expect(expected.cpu).toBe(entry.cpu);
      expect([expected.el, expected.el2]).toEqual([entry.el, entry.el2]);
    });
  }
});

/** a64emu's options for the start mode QEMU was recorded in. */
function modeArgs(m: Mode): string[] {
  if (!m.el) return [];
  return ['--el', String(m.el), ...(m.el2 ? ['--virtualization'] : [])];
}

const only = process.env.A64EMU_IMAGES?.split(',').map((s) => s.trim()).filter(Boolean);
const runnable = Object.entries(manifest.images).filter(
  ([name, e]) => e.kind !== 'kvm' && existsSync(join(ROOT, e.expected)) && (!only || only.includes(name)),
);

describe('guest images on a64emu and QEMU', () => {
  let cli: CliState = { ok: false, error: 'not checked yet' };
  beforeAll(() => {
    cli = ensureCli();
  }, 320_000);

  for (const [name, entry] of runnable) {
    const expected = JSON.parse(readFileSync(join(ROOT, entry.expected), 'utf8')) as Expected;

    // (the MMU images are also compared in-process, with every differing line, by
    // tests/machine/mmu-guests.test.ts; here through the CLI, as every image)
    it(`${name}: a64emu matches the QEMU recording (exit code and UART)`, async () => {
      if (!cli.ok) throw new Error(`a64emu CLI not available: ${cli.error}`);
      const mode = modeArgs(entry);
      const run = await runOnA64emu(entry.elf, expected.cpu, entry.emuTimeoutMs, mode);
      const msg = describeMismatch(expected, run, 'a64emu');
      if (msg) throw new Error(`${name} on a64emu (node dist/a64emu.mjs run --cpu ${[expected.cpu, ...mode, entry.elf].join(' ')}):\n${msg}`);
    }, entry.emuTimeoutMs + 30_000);

    it(`${name}: QEMU live run matches the recording`, async (ctx) => {
      const qemu = requireTool(ctx, TOOLS.qemu);
      const argv = expected.qemuArgv.slice(1);
      const run = await runProcess(qemu.spec.command, argv, entry.timeoutMs);
      const msg = describeMismatch(expected, run, 'QEMU');
      if (msg) {
        throw new Error(
          `${name} on ${qemu.version} (recorded with ${expected.qemuVersion}):\n${msg}\n` +
            `if QEMU changed on purpose, re-record with node scripts/images.mjs record ${name}`,
        );
      }
    }, entry.timeoutMs + 30_000);
  }
});
