// The reference workloads in ../shared/workloads print a checksum whose expected value is
// given in that folder's README (obtained by running them on QEMU). a64emu must print the
// same line and exit 0. fpmix needs FP/SIMD and mmu.elf needs the MMU: they join this list
// when those issues land.
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ensureCli, ROOT, runOnA64emu } from '../helpers/a64emu.js';

const WORKLOADS = resolve(ROOT, '../shared/workloads');
const CASES = [{ image: 'intmix.elf', line: 'intmix checksum 0xd0e036fbc4217b61' }];

describe('shared workloads', () => {
  for (const c of CASES) {
    it(`${c.image} prints its reference checksum`, async (ctx) => {
      const path = resolve(WORKLOADS, c.image);
      if (!existsSync(path)) {
        // Outside CI a clone may stand alone; under CI ../shared must be beside it.
        if (process.env.CI === 'true') expect.fail(`${path} is missing: CI must have ../shared beside the clone`);
        ctx.skip(`${path} is missing (the project's ../shared folder is not beside this clone)`);
      }
      const cli = ensureCli();
      expect(cli.ok, cli.ok ? '' : cli.error).toBe(true);
      const res = await runOnA64emu(path, 'cortex-a57', 600_000);
      expect(res.stdout.split('\n')).toContain(c.line);
      expect(res.exitCode).toBe(0);
    });
  }
});
