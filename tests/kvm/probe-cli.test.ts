// `a64emu kvm probe` and `a64emu kvm reglist` in-process, with fake files and streams.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { imageGuest } from './helpers/guests.js';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const GUEST = imageGuest('kvm_excl');

const run = (argv: string[], files: Record<string, Uint8Array> = {}) => runCli(argv, files);

describe('a64emu kvm probe', () => {
  it('prints the trace: the real one\'s lines but the counter and the allow-listed capability', async () => {
    const r = await run(['kvm', 'probe', '--cpu', 'cortex-a57', 'g.bin'], { 'g.bin': GUEST });
    expect(r.code).toBe(0);
    const real = readFileSync(here('./fixtures/kvm_excl-cortex-a57.txt'), 'utf8').split('\n');
    const ours = r.stdout.split('\n');
    const differ = ours.filter((l, i) => l !== real[i]).map((l) => l.split(' ').slice(0, 2).join(' '));
    expect(differ).toEqual(['cap ARM_EL1_32BIT', 'reset 0x603000000013df1a', 'final 0x603000000013df1a']);
  });
  it('bad input exits 2 with a message: missing file, image beyond the 2 MiB slot, unknown CPU, no image', async () => {
    const missing = await run(['kvm', 'probe', 'nope.bin']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.bin/);
    const big = await run(['kvm', 'probe', 'big.bin'], { 'big.bin': new Uint8Array(0x20_0001) });
    expect(big.code).toBe(2);
    expect(big.stderr).toMatch(/more than the 2 MiB slot/);
    const cpu = await run(['kvm', 'probe', '--cpu', 'cortex-a99', 'g.bin'], { 'g.bin': GUEST });
    expect(cpu.code).toBe(2);
    expect(cpu.stderr).toMatch(/unknown CPU model 'cortex-a99'/);
    expect((await run(['kvm', 'probe'])).code).toBe(2);
  });
});

describe('a64emu kvm reglist', () => {
  it('lists the kernel\'s IDs in order with names and the real reset values', async () => {
    const r = await run(['kvm', 'reglist', '--json']);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as Array<{ id: string; name: string; value: string }>;
    const real = readFileSync(here('./fixtures/guest-cortex-a57.txt'), 'utf8').split('\n').filter((l) => l.startsWith('reset '));
    expect(rows.map((x) => x.id)).toEqual(real.map((l) => l.split(' ')[1]));
    for (const [i, l] of real.entries()) if (!l.includes('0x603000000013df1a')) expect(rows[i].value, rows[i].name).toBe(l.split(' ')[2]);
    const byName = new Map(rows.map((x) => [x.name, x]));
    expect(byName.get('SCTLR_EL1')?.id).toBe('0x603000000013c080');
    expect(byName.get('PSTATE')?.value).toBe('0x00000000000003c5');
    expect(byName.get('KVM_REG_ARM_TIMER_CNT')?.id).toBe('0x603000000013df1a');
    expect(byName.get('CCSIDR:2')?.value).toBe('0x70ffe07a');
    expect(byName.get('V31')?.id).toBe('0x60400000001000d0');
  });
  it('text output, one line per register; an unknown CPU exits 2', async () => {
    const r = await run(['kvm', 'reglist', '--cpu', 'max']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(242);
    expect(r.stdout).toMatch(/^0x603000000013c000 MIDR_EL1 +0x00000000000f0510$/m);
    expect((await run(['kvm', 'reglist', '--cpu', 'nope'])).code).toBe(2);
  });
  it('every name it prints is one `kvm id` takes back to the same ID (issue 9: names round-trip)', async () => {
    // max lists the unallocated ID encodings (KVM's ID_UNALLOCATED rows) and the timer IDs
    const rows = JSON.parse((await run(['kvm', 'reglist', '--cpu', 'max', '--json'])).stdout) as Array<{ id: string; name: string }>;
    const r = await run(['kvm', 'id', ...rows.map((x) => x.name)]);
    expect(r.stderr).toBe('');
    const ids = [...r.stdout.matchAll(/^\S+ (0x[0-9a-f]{16})$/gm)].map((m) => m[1]);
    expect(ids).toEqual(rows.map((x) => x.id));
  });
});
