// `a64emu lockstep` against QEMU 7.2 on the MMU guest images (tests/images/mmu/: mmu_el1,
// mmu_el1_max, mmu_el2, mmu_el2_max, mmu_el3, mmu_el3el2, each in its start mode and CPU): a64emu and QEMU must agree on
// every checkpoint from the first instruction to the semihosting exit. The expected outcome is
// QEMU 7.2's own run (lockstep compares with it live). Needs QEMU (skipped without it, failing
// under CI). In the slow project. Skipped without the MMU and for images a64emu does not match yet
// (MMU_PENDING: tests/machine/mmu-images.ts).
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main, type CliIo } from '../../src/cli/main.js';
import { liveQemuCount } from '../../src/debug/lockstep_qemu.js';
import { ROOT } from '../helpers/a64emu.js';
import { requireTool, TOOLS } from '../helpers/tools.js';
import { MMU_IMAGES, MMU_PENDING } from '../machine/mmu-images.js';

async function lockstep(argv: string[]) {
  const out = { stdout: '', stderr: '' };
  const io: Partial<CliIo> = {
    write: (stream, data) => {
      out[stream] += typeof data === 'string' ? data : new TextDecoder().decode(data);
    },
    stdin: null,
  };
  const code = await main(['lockstep', ...argv], io);
  return { code, ...out };
}

afterEach(() => {
  expect(liveQemuCount()).toBe(0);
});

describe('lockstep on the MMU guest images', () => {
  for (const [name, e] of MMU_IMAGES) {
    // (an image a64emu does not match yet, MMU_PENDING, is skipped). Retried: on a loaded machine
    // QEMU can miss lockstep's 1000 ms limit for one step (seen once in a full parallel run); a
    // real divergence is deterministic and fails every attempt.
    it.skipIf(name in MMU_PENDING)(`${name}: no divergence up to the exit`, { retry: 2 }, async (ctx) => {
      requireTool(ctx, TOOLS.qemu);
      const mode = e.el ? ['--el', String(e.el), ...(e.el2 ? ['--virtualization'] : [])] : [];
      const r = await lockstep(['--cpu', e.cpu, ...mode, '--max-insns', '5000000', join(ROOT, e.elf)]);
      expect(r.stdout).toMatch(/^lockstep: no divergence in \d+ steps: the image ended on both sides at the same step \(semihosting exit, status 0\)\n/);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    });
  }
});
