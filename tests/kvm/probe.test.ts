// `probe()` beyond the fixture comparisons (those are in fixtures.test.ts, one per fixture):
// what the real fixtures themselves show, and the probe's refusals.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { probe } from '../../src/kvmcompat/probe.js';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

describe('kvm probe and the real KVM traces', () => {
  it('the real fixtures differ where allowed: two cortex-a57 runs only in the counter', () => {
    const a = readFileSync(here('./fixtures/guest-cortex-a57.txt'), 'utf8').split('\n');
    const b = readFileSync(here('./fixtures/guest-cortex-a57-run2.txt'), 'utf8').split('\n');
    const differ = a.filter((l, i) => l !== b[i]);
    expect(differ.map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual([
      'reset 0x603000000013df1a', 'final 0x603000000013df1a',
    ]);
  });

  it('rejects an unknown model and an image larger than the slot', () => {
    expect(() => probe(new Uint8Array(4), { cpu: 'cortex-a99' })).toThrow(/unknown CPU model/);
    expect(() => probe(new Uint8Array(0x20_0001))).toThrow(/larger than the 2 MiB slot/);
  });
});
