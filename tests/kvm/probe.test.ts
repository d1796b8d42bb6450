// `probe()` against the real Linux 6.1 KVM traces (tests/kvm/fixtures, recorded with
// ../shared/kvm/record.sh): every line equal, except those the allow-list explains
// (src/kvmcompat/allow.ts: the advancing timer counter, the capabilities of features
// a64emu lacks).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ALLOW_LIST } from '../../src/kvmcompat/allow.js';
import { probe } from '../../src/kvmcompat/probe.js';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const GUESTS = {
  guest: here('./guests/guest.bin'), // a copy of ../shared/kvm/guest.bin
  abi: here('./guests/abi.bin'),
  mmu: here('./guests/mmu.bin'),
};

/** The allow-list entry that covers a differing line, if any. */
function allowed(line: string, cpu: string): string | undefined {
  const [kind, what] = line.split(' ');
  const entry = ALLOW_LIST.find((e) => {
    if (e.kind !== kind || (e.cpu !== undefined && e.cpu !== cpu)) return false;
    if (kind === 'cap') return e.cap === what;
    return e.id !== undefined && BigInt(what) === e.id;
  });
  return entry?.reason;
}

const guestBin = (name: keyof typeof GUESTS): Uint8Array | undefined => {
  try {
    return readFileSync(GUESTS[name]);
  } catch {
    return undefined;
  }
};

describe('kvm probe against the real KVM traces', () => {
  const cases = [
    ['guest', 'cortex-a57', false], ['guest', 'max', false], ['guest', 'cortex-a72', false],
    ['abi', 'cortex-a57', false], ['abi', 'max', false],
    ['mmu', 'cortex-a57', false], ['mmu', 'max', false],
    // Recorded with the recorder's PMU_V3 variant (fixtures/kvm-probe-pmu.patch).
    ['guest', 'cortex-a57', true], ['guest', 'max', true],
  ] as const;
  for (const [guest, cpu, pmu] of cases) {
    const image = guestBin(guest);
    const fixture = `${guest}${pmu ? '-pmu' : ''}-${cpu}.txt`;
    it.skipIf(image === undefined)(`${guest}.bin on ${cpu}${pmu ? ' with PMU_V3' : ''} (${fixture}): equal but for allow-listed lines`, () => {
      const real = readFileSync(here(`./fixtures/${fixture}`), 'utf8').split('\n');
      const ours = probe(image!, { cpu, pmu }).split('\n');
      expect(ours.length).toBe(real.length);
      const unexplained: string[] = [];
      let explained = 0;
      for (let i = 0; i < real.length; i++) {
        if (ours[i] === real[i]) continue;
        // Same record (kind and register/capability), other value: allowed only with a reason.
        const sameKey = ours[i].split(' ').slice(0, 2).join(' ') === real[i].split(' ').slice(0, 2).join(' ');
        if (sameKey && allowed(real[i], cpu) !== undefined) explained++;
        else unexplained.push(`line ${i + 1}: ours '${ours[i]}' real '${real[i]}'`);
      }
      expect(unexplained).toEqual([]);
      // The counter twice (reset, final) and the capabilities a64emu answers 0 (ARM_EL1_32BIT;
      // on max also SVE and both PTRAUTH): nothing else may differ.
      expect(explained).toBe(cpu === 'max' ? 6 : 3);
    });
  }

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
