// The MMU guest images (tests/images/mmu/mmu.S, one build per start mode and CPU: mmu_el1,
// mmu_el1_max, mmu_el2, mmu_el2_max, mmu_el3, mmu_el3el2) run in-process on a64emu and must print
// exactly what QEMU 7.2 printed and exit with the same status.
//
// Where the expected values come from: tests/images/mmu/<name>.expected.json, recorded from
// qemu-system-aarch64 7.2 by `node scripts/images.mjs record <name>` (the command line and QEMU
// version are inside each file: -M virt[,virtualization=on|,secure=on] -cpu cortex-a57|max).
// tests/guest/images.test.ts (slow project) re-runs QEMU live on the same images and checks it
// still prints the recording; tests/debug/lockstep-mmu.test.ts runs them under `a64emu lockstep`.
//
// MMU_PENDING lists the images a64emu does not match yet: their comparison is expected to fail
// (and fails once a64emu matches, so that the entry is removed). The checks that the images and
// recordings are in place always run.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VirtMachine } from '../../src/machine/virt.js';
import { ROOT } from '../helpers/a64emu.js';
import { MMU_IMAGES, MMU_PENDING } from './mmu-images.js';

interface Recording {
  cpu: string;
  el?: 2 | 3;
  el2?: boolean;
  elfSha256: string;
  exitCode: number;
  uart: string;
}

/** The lines where `got` and `want` differ (the first few, and how many), for a readable failure. */
function differences(got: string, want: string, show = 5): string {
  const g = got.split('\n');
  const w = want.split('\n');
  const out: string[] = [];
  let n = 0;
  for (let i = 0; i < Math.max(g.length, w.length); i++) {
    if (g[i] === w[i]) continue;
    if (++n <= show) out.push(`line ${i + 1}:\n  a64emu: ${JSON.stringify(g[i] ?? '<end of output>')}\n  QEMU:   ${JSON.stringify(w[i] ?? '<end of output>')}`);
  }
  return `${n} of ${w.length} lines differ${n > show ? ` (the first ${show})` : ''}:\n${out.join('\n')}`;
}

describe('MMU guest images: images and recordings', () => {
  it('the start-mode/CPU builds are in the manifest', () => {
    expect(MMU_IMAGES.map(([n]) => n)).toEqual(['mmu_el1', 'mmu_el1_max', 'mmu_el2', 'mmu_el2_max', 'mmu_el3', 'mmu_el3el2']);
  });
  for (const [name, e] of MMU_IMAGES) {
    it(`${name}: QEMU recording of the current ELF, exit 0, ends with "mmu: done"`, () => {
      expect(existsSync(join(ROOT, e.expected)), `${e.expected}: record with node scripts/images.mjs record ${name}`).toBe(true);
      const rec = JSON.parse(readFileSync(join(ROOT, e.expected), 'utf8')) as Recording;
      expect(rec.elfSha256).toBe(e.elfSha256);
      expect([rec.cpu, rec.el, rec.el2]).toEqual([e.cpu, e.el, e.el2]);
      expect(rec.exitCode).toBe(0);
      expect(rec.uart.endsWith('mmu: done\n')).toBe(true);
    });
  }
});

describe('MMU guest images on a64emu match QEMU 7.2', () => {
  it('every pending entry names an MMU image', () => {
    expect(Object.keys(MMU_PENDING).filter((n) => !MMU_IMAGES.some(([m]) => m === n))).toEqual([]);
  });
  for (const [name, e] of MMU_IMAGES) {
    const pending = MMU_PENDING[name];
    (pending ? it.fails : it)(pending ? `${name} (pending, expected to differ: ${pending})` : name, async () => {
      const rec = JSON.parse(readFileSync(join(ROOT, e.expected), 'utf8')) as Recording;
      const out: number[] = [];
      const m = new VirtMachine({ cpu: e.cpu, el: e.el, el2: e.el2, reboot: false, output: (s, bytes) => s === 'stdout' && out.push(...bytes) });
      m.load(join(ROOT, e.elf));
      const r = await m.run({ maxInsns: 5_000_000 });
      const uart = Buffer.from(out).toString('utf8');
      if (uart !== rec.uart) expect.fail(`${name}: UART differs from QEMU 7.2's: ${differences(uart, rec.uart)}`);
      expect(r.stop).toEqual({ kind: 'exit', code: rec.exitCode });
    }, 60_000);
  }
});
