// The MMU guest images (tests/images/mmu/) as the manifest lists them, and what a64emu's MMU is
// known not to match yet: the switches of their comparison with a64emu
// (tests/machine/mmu-guests.test.ts, fast) and of their lockstep runs against QEMU
// (tests/debug/lockstep-mmu.test.ts, slow).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/a64emu.js';

/**
 * Images a64emu does not match yet, with the first line that differs and why. Their comparison is
 * expected to fail (it.fails: it reports when a64emu starts to match, so the entry is removed then)
 * and their lockstep run is skipped.
 */
export const MMU_PENDING: Readonly<Record<string, string>> = {};

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
