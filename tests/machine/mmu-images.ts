// The MMU guest images (tests/images/mmu/) as the manifest lists them, and the switch that turns
// on their comparison with a64emu (tests/machine/mmu-guests.test.ts, fast) and their lockstep
// runs against QEMU (tests/debug/lockstep-mmu.test.ts, slow).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/a64emu.js';

/** Stage 1/2 translation is in (issue 7): false skips the a64emu comparisons and lockstep runs. */
export const MMU_READY = false;

export interface MmuImage {
  cpu: string;
  el?: 2 | 3;
  el2?: boolean;
  elf: string;
  expected: string;
  elfSha256: string;
}

const manifest = JSON.parse(readFileSync(join(ROOT, 'tests/images/manifest.json'), 'utf8')) as { images: Record<string, MmuImage> };

/** [name, manifest entry] of each MMU image, in the manifest's order. */
export const MMU_IMAGES: [string, MmuImage][] = Object.entries(manifest.images).filter(([, e]) => e.elf.startsWith('tests/images/mmu/'));
