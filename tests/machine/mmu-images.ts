// The MMU guest images (tests/images/mmu/) as the manifest lists them, and what a64emu's MMU is
// known not to match yet: the switches of their comparison with a64emu
// (tests/machine/mmu-guests.test.ts, fast) and of their lockstep runs against QEMU
// (tests/debug/lockstep-mmu.test.ts, slow).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/a64emu.js';

/** Stage 1/2 translation is in (issue 7); false skips every a64emu comparison and lockstep run. */
export const MMU_READY = true;

/**
 * Images a64emu does not match yet, with the first line that differs and why. Their comparison is
 * expected to fail (it.fails: it reports when a64emu starts to match, so the entry is removed then)
 * and their lockstep run is skipped.
 */
export const MMU_PENDING: Readonly<Record<string, string>> = {
  mmu_el1:
    'line 73, "at s1e1r walk external abort": an AT whose walk meets a synchronous External abort takes a Data Abort ' +
    '(QEMU 7.2: ESR_EL1 0x96000157, CM = 1, WnR = 1, as the Arm ARM AArch64.AT); a64emu writes the fault to PAR_EL1 (0x82f)',
  mmu_el1_max: 'line 73: as mmu_el1',
  mmu_el2:
    'line 48, "at s1e1r VA 0x80a00000 (S1PTW)": AT S1E1R at EL2 with stage 2 on must translate the stage 1 walk through stage 2 ' +
    '(QEMU 7.2: PAR_EL1 0xb0f, stage 2 level 3 Translation fault, S = 1, PTW = 1); a64emu walks the table IPA as a PA (0x82f)',
  mmu_el2_max: 'line 48: as mmu_el2',
  mmu_el3el2: 'line 70: as mmu_el2',
};

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
