// diffTraces / formatDiff (src/kvmcompat/diff.ts) and `a64emu kvm diff`. The reference
// traces are the fixtures recorded on the real Linux KVM (tests/kvm/fixtures/README.md):
// two runs of the same guest on cortex-a57 differ only in the timer counter (the
// README of ../shared/kvm says it advances), cortex-a57 against max differs in the lines
// a plain line-by-line comparison of the two files finds.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import type { AllowEntry } from '../../src/kvmcompat/allow.js';
import { cpuOfTrace, diffJson, diffTraces, formatDiff } from '../../src/kvmcompat/diff.js';
import { KVM_REG_ARM_TIMER_CNT, sysregId } from '../../src/kvmcompat/regid.js';
import { parseTrace, type KvmTrace } from '../../src/kvmcompat/trace.js';
import { ROOT } from '../helpers/a64emu.js';

const FIXTURES = join(ROOT, 'tests/kvm/fixtures');
const text = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');
const trace = (name: string): KvmTrace => parseTrace(text(name), name);
const A57 = 'guest-cortex-a57.txt';
const RUN2 = 'guest-cortex-a57-run2.txt';
const MAX = 'guest-max.txt';
const MIDR = sysregId(3, 0, 0, 0, 0);
const CNT = '0x603000000013df1a';

/** A copy of a parsed trace to change. */
const copy = (t: KvmTrace): KvmTrace => structuredClone(t);

describe('diffTraces on the real KVM fixtures', () => {
  it('two runs on cortex-a57 differ only in the timer counter, which the allow-list accepts', () => {
    const d = diffTraces(trace(A57), trace(RUN2));
    expect(d.counted).toBe(0);
    expect(d.differences.map((x) => [x.kind, x.id])).toEqual([
      ['reset', KVM_REG_ARM_TIMER_CNT],
      ['final', KVM_REG_ARM_TIMER_CNT],
    ]);
    for (const x of d.differences) expect(x.allowed).toMatch(/counter advances/);
  });

  it('cortex-a57 against max: every differing line is a counted difference, named', () => {
    // The oracle: both files list the same IDs in the same order, so a line-by-line
    // comparison of the two files finds each difference once (the counter lines aside).
    const la = text(A57).split('\n');
    const lb = text(MAX).split('\n');
    expect(la.length).toBe(lb.length);
    const differing = la.filter((l, i) => l !== lb[i] && !l.includes(CNT));
    const d = diffTraces(trace(A57), trace(MAX));
    expect(d.counted).toBe(differing.length);
    expect(d.counted).toBeGreaterThan(40);
    // a few of them, as the files show them
    const find = (kind: string, what: string, id?: bigint) => d.differences.find((x) => x.kind === kind && x.what === what && x.id === id);
    expect(find('header', 'target')).toMatchObject({ a: '2', b: '5' });
    expect(find('cap', 'ARM_SVE')).toMatchObject({ a: '0', b: '1' });
    expect(find('cap', 'ARM_VM_IPA_SIZE')).toMatchObject({ a: '44', b: '48' });
    expect(find('reset', '', MIDR)).toMatchObject({ a: '0x00000000411fd070', b: '0x00000000000f0510' });
    expect(find('final', '', MIDR)).toMatchObject({ a: '0x00000000411fd070', b: '0x00000000000f0510' });
    expect(find('set', '#4', MIDR)).toMatchObject({ a: '0x00000000411fd070 -> ok', b: '0x00000000000f0510 -> ok' });
    expect(find('set', '#5', MIDR)).toMatchObject({ a: '0x00000000411fd060 -> EINVAL', b: '0x00000000000f0500 -> EINVAL' });
    expect(find('exit', '#1')).toMatchObject({ a: 'mmio-write 0x9000000 8 0x00000000411fd070', b: 'mmio-write 0x9000000 8 0x00000000000f0510' });
    // the counter is still allowed, and the CPU model was told by A's MIDR_EL1
    expect(d.differences.filter((x) => x.allowed !== undefined).length).toBe(2);
    expect(d.cpu).toBe('cortex-a57');
    expect(cpuOfTrace(trace(MAX))).toBe('max');
  });

  it('a trace against itself: no difference', () => {
    for (const name of ['kvm_mmu-max.txt', 'kvm_el0-cortex-a57.txt']) {
      expect(diffTraces(trace(name), trace(name)).differences).toEqual([]);
    }
  });
});

describe('diffTraces: each kind of difference', () => {
  const base = trace(A57);

  it('an ID missing from B and one extra in B (reglist), and their values are not compared', () => {
    const b = copy(base);
    const gone = b.reset.splice(5, 1)[0]!;
    b.final.splice(5, 1);
    b.reset.push({ id: 0x603000000013c6a0n, value: 0n });
    b.final.push({ id: 0x603000000013c6a0n, value: 0n });
    const d = diffTraces(base, b);
    expect(d.differences).toEqual([
      { kind: 'reglist', what: '', id: gone.id, name: expect.any(String), a: 'listed', b: '(none)' },
      { kind: 'reglist', what: '', id: 0x603000000013c6a0n, name: expect.any(String), a: '(none)', b: 'listed' },
    ]);
    expect(d.counted).toBe(2);
  });

  it('the same IDs in another order: one reglist difference at the first position that differs', () => {
    const b = copy(base);
    [b.reset[3], b.reset[4]] = [b.reset[4]!, b.reset[3]!];
    const d = diffTraces(base, b, { allow: [] });
    expect(d.differences).toEqual([
      expect.objectContaining({ kind: 'reglist', what: 'order (the common IDs differ first at position 4)' }),
    ]);
  });

  it('a reset value read as an error on one side', () => {
    const b = copy(base);
    b.reset[0] = { id: b.reset[0]!.id, error: 'ENOENT' };
    const d = diffTraces(base, b, { allow: [] });
    expect(d.differences).toContainEqual(expect.objectContaining({ kind: 'reset', id: 0x6030000000100000n, a: '0x0000000000000000', b: 'error ENOENT' }));
  });

  it('a 128-bit value is shown with 32 digits', () => {
    const b = copy(base);
    const v0 = b.final.find((r) => r.id === 0x6040000000100054n)!;
    v0.value = 1n << 100n;
    const d = diffTraces(base, b, { allow: [] });
    expect(d.differences).toContainEqual(expect.objectContaining({ kind: 'final', id: 0x6040000000100054n, b: '0x00000010000000000000000000000000' }));
  });

  it('a set result, a set of another ID, a missing set', () => {
    const b = copy(base);
    b.sets[2] = { ...b.sets[2]!, result: 'EINVAL' };
    b.sets[3] = { ...b.sets[3]!, id: 0x603000000013c001n };
    b.sets.pop();
    const d = diffTraces(base, b, { allow: [] });
    const sets = d.differences.filter((x) => x.kind === 'set');
    expect(sets).toEqual([
      { kind: 'set', what: '#3', id: 0x603000000013ffffn, name: expect.any(String), a: '0x0000000000000001 -> ENOENT', b: '0x0000000000000001 -> EINVAL' },
      { kind: 'set', what: '#4', a: '0x603000000013c000 0x00000000411fd070 -> ok', b: '0x603000000013c001 0x00000000411fd070 -> ok' },
      { kind: 'set', what: '#9', a: '0x6030000000100042 0x00000000000003c5 -> ok', b: '(none)' },
    ]);
  });

  it('a shorter exit sequence: the missing exits one by one and the counts', () => {
    const b = copy(base);
    b.exits.splice(33, 2);
    b.errors.push({ what: 'run', errno: 'EINTR' });
    const d = diffTraces(base, b, { allow: [] });
    expect(d.differences.filter((x) => x.kind === 'exit' || x.kind === 'error')).toEqual([
      { kind: 'exit', what: '#34', a: 'mmio-write 0x9000000 8 0xffffffffffffffff', b: '(none)' },
      { kind: 'exit', what: '#35', a: 'system-event 1', b: '(none)' },
      { kind: 'exit', what: 'count', a: '35', b: '33' },
      { kind: 'error', what: 'errors', a: '(none)', b: 'error run EINTR' },
    ]);
  });

  it('an MMIO exit of another length or address', () => {
    const b = copy(base);
    b.exits[15] = { kind: 'mmio-read', addr: 0x9000008n, len: 4, data: 0x1122334455667788n };
    const d = diffTraces(base, b, { allow: [] });
    expect(d.differences).toEqual([
      { kind: 'exit', what: '#16', a: 'mmio-read 0x9000008 8 -> 0x1122334455667788', b: 'mmio-read 0x9000008 4 -> 0x1122334455667788' },
    ]);
  });

  it('an incomplete trace is a difference', () => {
    const b = parseTrace(text(A57).split('\n').slice(0, 290).join('\n') + '\n');
    const d = diffTraces(base, b);
    expect(d.differences).toContainEqual({ kind: 'incomplete', what: 'completeness', a: 'complete', b: "incomplete (no '# end')" });
    expect(d.counted).toBeGreaterThan(0);
  });
});

describe('the allow-list', () => {
  const base = trace(A57);
  const withMidr = (v: bigint): KvmTrace => {
    const b = copy(base);
    b.reset.find((r) => r.id === MIDR)!.value = v;
    return b;
  };

  it('an entry for one CPU model applies only to that model', () => {
    const allow: AllowEntry[] = [{ kind: 'reset', id: MIDR, cpu: 'max', reason: 'only on max' }];
    const b = withMidr(0x411fd071n);
    expect(diffTraces(base, b, { allow }).counted).toBe(1);
    expect(diffTraces(base, b, { allow, cpu: 'max' }).counted).toBe(0);
  });

  it('a mask allows only its bits to differ', () => {
    const allow: AllowEntry[] = [{ kind: 'reset', id: MIDR, mask: 0xfn, reason: 'revision' }];
    expect(diffTraces(base, withMidr(0x411fd07fn), { allow }).counted).toBe(0);
    expect(diffTraces(base, withMidr(0x411fd170n), { allow }).counted).toBe(1);
  });

  it('an entry for a header field, a cap, a missing ID', () => {
    const b = copy(base);
    b.target = 5;
    b.caps[3] = { name: 'ARM_SVE', value: 1 };
    b.reset.splice(0, 1);
    b.final.splice(0, 1);
    const allow: AllowEntry[] = [
      { kind: 'header', field: 'target', reason: 'r1' },
      { kind: 'cap', cap: 'ARM_SVE', reason: 'r2' },
      { kind: 'reglist', id: 0x6030000000100000n, reason: 'r3' },
    ];
    const d = diffTraces(base, b, { allow });
    expect(d.counted).toBe(0);
    expect(d.differences.map((x) => x.allowed)).toEqual(['r1', 'r2', 'r3']);
  });
});

describe('formatDiff and diffJson', () => {
  it('one line per difference with the ID and both values; allowed ones with their reason', () => {
    const b = copy(trace(RUN2));
    b.reset.find((r) => r.id === MIDR)!.value = 0x411fd071n;
    const out = formatDiff(diffTraces(trace(A57), b));
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    // the values as the two files show them (the counter: line 103 of each)
    expect(lines).toContainEqual(expect.stringMatching(/^reset 0x603000000013c000\b.*: A 0x00000000411fd070, B 0x00000000411fd071$/));
    expect(lines).toContainEqual(
      expect.stringMatching(/^allowed reset 0x603000000013df1a\b.*: A 0x000000000012507d, B 0x00000000000d16fb \(the virtual counter advances/),
    );
    expect(lines[3]).toBe('1 difference (and 2 allowed)');
  });

  it('agreeing traces say so', () => {
    expect(formatDiff(diffTraces(trace(A57), trace(RUN2))).trimEnd().split('\n').pop()).toBe('traces agree (2 allowed differences)');
  });

  it('JSON: hex IDs, names, counts', () => {
    const j = diffJson(diffTraces(trace(A57), trace(RUN2))) as { counted: number; allowed: number; differences: Array<Record<string, string>> };
    expect(j.counted).toBe(0);
    expect(j.allowed).toBe(2);
    expect(j.differences[0]).toMatchObject({ kind: 'reset', id: CNT, a: '0x000000000012507d', b: '0x00000000000d16fb' });
    expect(typeof j.differences[0]!.name).toBe('string');
  });
});

describe('a64emu kvm diff', () => {
  const files: Record<string, Uint8Array> = {
    'a.txt': new TextEncoder().encode(text(A57)),
    'b.txt': new TextEncoder().encode(text(RUN2)),
    'max.txt': new TextEncoder().encode(text(MAX)),
    'bad.txt': new TextEncoder().encode(text(A57).replace('api 12', 'api twelve')),
  };
  const cli = (argv: string[]) => runCli(argv, files);

  it('exit 0 when only allowed differences remain', async () => {
    const r = await cli(['kvm', 'diff', 'a.txt', 'b.txt']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^A: a\.txt\nB: b\.txt\ncpu: cortex-a57\n/);
    expect(r.stdout).toMatch(/traces agree \(2 allowed differences\)\n$/);
  });

  it('exit 1 with the differences listed', async () => {
    const r = await cli(['kvm', 'diff', 'a.txt', 'max.txt']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^header target: A 2, B 5$/m);
    expect(r.stdout).toMatch(/^\d+ differences \(and 2 allowed\)$/m);
  });

  it('--json', async () => {
    const r = await cli(['kvm', 'diff', '--json', 'a.txt', 'max.txt']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as { a: string; b: string; counted: number };
    expect(j.a).toBe('a.txt');
    expect(j.counted).toBeGreaterThan(40);
  });

  it('exit 2 for a malformed trace, naming the file and line', async () => {
    const r = await cli(['kvm', 'diff', 'a.txt', 'bad.txt']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.txt:2: bad API version 'twelve'/);
  });

  it('exit 2 for a missing file, a wrong argument count, an unknown CPU', async () => {
    expect((await cli(['kvm', 'diff', 'a.txt', 'nope.txt'])).code).toBe(2);
    expect((await cli(['kvm', 'diff', 'a.txt'])).code).toBe(2);
    expect((await cli(['kvm', 'diff', '--cpu', 'z80', 'a.txt', 'b.txt'])).code).toBe(2);
  });
});
