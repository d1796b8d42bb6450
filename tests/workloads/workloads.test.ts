// The reference workloads in ../shared/workloads print a checksum whose expected value is
// given in that folder's README (obtained by running them on QEMU). a64emu must print the
// same line and exit 0. fpmix needs FP/SIMD and mmu.elf needs the MMU: they join this list
// when those issues land.
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { runCli } from '../helpers/cli.js';

const WORKLOADS = resolve(__dirname, '../../../shared/workloads');
const CASES = [{ image: 'intmix.elf', line: 'intmix checksum 0xd0e036fbc4217b61' }];

describe.skipIf(!existsSync(WORKLOADS) && process.env.CI !== 'true')('shared workloads', () => {
  for (const c of CASES) {
    it(`${c.image} prints its reference checksum`, async () => {
      const path = resolve(WORKLOADS, c.image);
      expect(existsSync(path), `${path} is missing: CI must have ../shared beside the clone`).toBe(true);
      const res = await runCli(['run', path]);
      expect(res.stdout.split('\n')).toContain(c.line);
      expect(res.code).toBe(0);
    });
  }
});
