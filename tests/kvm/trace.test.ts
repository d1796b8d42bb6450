// parseTrace / formatTrace (src/kvmcompat/trace.ts): the kvm-probe trace format of
// ../shared/kvm/README.md, whose printf formats in kvm-probe.c are the reference. The
// expected values below are read off the fixture files, recorded on the real Linux KVM
// (tests/kvm/fixtures/README.md); the malformed inputs are those files with one line broken.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatTrace, parseTrace, TraceError } from '../../src/kvmcompat/trace.js';
import { ROOT } from '../helpers/a64emu.js';

const FIXTURES = join(ROOT, 'tests/kvm/fixtures');
const fixtureNames = readdirSync(FIXTURES).filter((f) => f.endsWith('.txt')).sort();
const read = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');
const A57 = read('guest-cortex-a57.txt');
const lines = A57.split('\n');

/** The fixture with line `n` (1-based) replaced by `text` (or removed when null). */
function withLine(n: number, text: string | null, base = A57): string {
  const l = base.split('\n');
  if (text === null) l.splice(n - 1, 1);
  else l[n - 1] = text;
  return l.join('\n');
}
const lineOf = (prefix: string): number => lines.findIndex((l) => l.startsWith(prefix)) + 1;

function parseError(text: string): TraceError {
  try {
    parseTrace(text, 'bad.txt');
  } catch (e) {
    if (e instanceof TraceError) return e;
    throw e;
  }
  throw new Error('parsed without an error');
}

describe('parseTrace on the real KVM fixtures', () => {
  it('finds fixtures to read', () => {
    expect(fixtureNames).toContain('guest-cortex-a57.txt');
    expect(fixtureNames.length).toBeGreaterThanOrEqual(11);
  });

  for (const name of fixtureNames) {
    it(`${name}: formatTrace(parseTrace(text)) is the text, byte for byte`, () => {
      const text = read(name);
      expect(formatTrace(parseTrace(text, name))).toBe(text);
    });
  }

  it('reads every record of guest-cortex-a57.txt', () => {
    const t = parseTrace(A57, 'guest-cortex-a57.txt');
    // the file's header lines
    expect(t.version).toBe(1);
    expect(t.api).toBe(12);
    expect(t.caps.length).toBe(12);
    expect(t.caps[0]).toEqual({ name: 'ONE_REG', value: 1 });
    expect(t.caps.find((c) => c.name === 'ARM_VM_IPA_SIZE')?.value).toBe(44);
    expect(t.guestBytes).toBe(3072);
    expect(t.target).toBe(2);
    expect(t.features).toBe(0x4);
    expect(t.reglistQuery).toEqual({ result: 'E2BIG', n: 242 });
    expect(t.reglist).toBe(242);
    // reset lines: X0 first, PSTATE 0x3c5, V0 as a 128-bit value, the timer counter
    expect(t.reset.length).toBe(242);
    expect(t.reset[0]).toEqual({ id: 0x6030000000100000n, value: 0n });
    expect(t.reset.find((r) => r.id === 0x6030000000100042n)?.value).toBe(0x3c5n);
    expect(t.reset.find((r) => r.id === 0x6040000000100054n)?.value).toBe(0n);
    expect(t.reset.find((r) => r.id === 0x603000000013df1an)?.value).toBe(0x12507dn);
    // set lines, in the probe's order
    expect(t.sets.length).toBe(9);
    expect(t.sets[0]).toEqual({ id: 0x6030000000100040n, value: 0x40000000n, result: 'ok' });
    expect(t.sets[2]).toEqual({ id: 0x603000000013ffffn, value: 1n, result: 'ENOENT' });
    expect(t.sets[7]).toEqual({ id: 0x6030000000100042n, value: 0x3c9n, result: 'EINVAL' });
    // exits: 33 writes, one read, the system event
    expect(t.exits.length).toBe(35);
    expect(t.exits[0]).toEqual({ kind: 'mmio-write', addr: 0x9000000n, len: 8, data: 0x411fd070n });
    expect(t.exits[15]).toEqual({ kind: 'mmio-read', addr: 0x9000008n, len: 8, data: 0x1122334455667788n });
    expect(t.exits[34]).toEqual({ kind: 'system-event', type: 1 });
    expect(t.final.length).toBe(242);
    expect(t.final.find((r) => r.id === 0x603000000013df1an)?.value).toBe(0x510fdcn);
    expect(t.errors).toEqual([]);
    expect(t.complete).toBe(true);
  });

  it('reads the MMIO sizes of kvm_traps-cortex-a57.txt (%llx address, %016llx data)', () => {
    const t = parseTrace(read('kvm_traps-cortex-a57.txt'));
    // the file's first exits: strb/strh/str w/str x of 0x8877665544332211 at 0x09000001...
    expect(t.exits.slice(0, 4)).toEqual([
      { kind: 'mmio-write', addr: 0x9000001n, len: 1, data: 0x11n },
      { kind: 'mmio-write', addr: 0x9000002n, len: 2, data: 0x2211n },
      { kind: 'mmio-write', addr: 0x9000004n, len: 4, data: 0x44332211n },
      { kind: 'mmio-write', addr: 0x9000008n, len: 8, data: 0x8877665544332211n },
    ]);
    expect(t.exits[6]).toEqual({ kind: 'mmio-read', addr: 0x9000010n, len: 1, data: 0x1122334455667788n });
  });
});

describe('parseTrace: lines kvm-probe.c prints when something fails', () => {
  it("'reset ID error ERRNO' (dump_regs when a GET fails) round-trips", () => {
    const n = lineOf('reset 0x6030000000100002');
    const text = withLine(n, 'reset 0x6030000000100002 error ENOENT');
    const t = parseTrace(text);
    expect(t.reset[1]).toEqual({ id: 0x6030000000100002n, error: 'ENOENT' });
    expect(formatTrace(t)).toBe(text);
  });

  it("'error run ERRNO' ends the run loop; the final values and '# end' follow", () => {
    const n = lineOf('exit system-event');
    const text = withLine(n, 'error run EINTR');
    const t = parseTrace(text);
    expect(t.errors).toEqual([{ what: 'run', errno: 'EINTR' }]);
    expect(t.exits.length).toBe(34);
    expect(t.final.length).toBe(242);
    expect(t.complete).toBe(true);
    expect(formatTrace(t)).toBe(text);
  });

  it("an error before the run stops the trace: no '# end', incomplete", () => {
    const text = lines.slice(0, lineOf('reglist-size-query') - 1).join('\n') + '\nerror vcpu-init EINVAL\n';
    const t = parseTrace(text);
    expect(t.errors).toEqual([{ what: 'vcpu-init', errno: 'EINVAL' }]);
    expect(t.complete).toBe(false);
    expect(formatTrace(t)).toBe(text);
  });

  it("'error open /dev/kvm' carries strerror's text (kvm-probe.c prints it with %s)", () => {
    const text = '# kvm-probe 1\nerror open /dev/kvm No such file or directory\n';
    const t = parseTrace(text);
    expect(t.errors).toEqual([{ what: 'open /dev/kvm', errno: 'No such file or directory' }]);
    expect(formatTrace(t)).toBe(text);
  });

  it("a truncated trace (no '# end') parses as incomplete", () => {
    const text = lines.slice(0, lineOf('exit mmio-read')).join('\n') + '\n';
    const t = parseTrace(text);
    expect(t.complete).toBe(false);
    expect(t.exits.length).toBe(16);
    expect(t.final).toEqual([]);
    expect(formatTrace(t)).toBe(text);
  });

  it('exit reason N ends the run loop', () => {
    const n = lineOf('exit system-event');
    const t = parseTrace(withLine(n, 'exit reason 17'));
    expect(t.exits[34]).toEqual({ kind: 'reason', reason: 17 });
  });
});

describe('parseTrace: malformed files are errors that name the line', () => {
  const cases: Array<[string, () => string, number | (() => number), RegExp]> = [
    ['an empty file', () => '', 1, /missing header/],
    ['no header', () => A57.split('\n').slice(1).join('\n'), 1, /missing header: expected '# kvm-probe 1'/],
    ['another version', () => withLine(1, '# kvm-probe 2'), 1, /unsupported trace version 2/],
    ['an unknown record', () => withLine(5, 'capability ONE_REG 1'), 5, /unknown record 'capability ONE_REG 1'/],
    ['a blank line', () => withLine(5, ''), 5, /unknown record ''/],
    ['bad hex in a value', () => withLine(20, 'reset 0x6030000000100000 0x00000000000000g0'), 20, /bad hex value/],
    ['a short ID', () => withLine(20, 'reset 0x603000000010000 0x0000000000000000'), 20, /bad reset ID '0x603000000010000'/],
    ['upper-case hex (%llx prints lower case)', () => withLine(20, 'reset 0x6030000000100000 0x000000000000000A'), 20, /bad hex/],
    [
      'a U128 value with 16 digits',
      () => withLine(61, 'reset 0x6040000000100054 0x0000000000000000'),
      61,
      /has 16 hex digits, expected 32/,
    ],
    ['a U64 value with 32 digits', () => withLine(20, 'reset 0x6030000000100000 0x00000000000000000000000000000000'), 20, /has 32 hex digits, expected 16/],
    ['a set line without a result', () => withLine(lineOf('set '), 'set 0x6030000000100040 0x0000000040000000'), () => lineOf('set '), /expected 'set ID VALUE -> ok\|ERRNO'/],
    ['a set result that is no errno', () => withLine(lineOf('set '), 'set 0x6030000000100040 0x0000000040000000 -> fine'), () => lineOf('set '), /bad result 'fine'/],
    ['an MMIO length of 3', () => withLine(lineOf('exit '), 'exit mmio-write 0x9000000 3 0x0000000000000001'), () => lineOf('exit '), /bad MMIO length 3/],
    ['MMIO data wider than its length', () => withLine(lineOf('exit '), 'exit mmio-write 0x9000000 1 0x0000000000000100'), () => lineOf('exit '), /wider than its length 1/],
    ['an unknown exit', () => withLine(lineOf('exit '), 'exit hypercall 5'), () => lineOf('exit '), /expected 'exit mmio-write/],
    ['a record out of order', () => withLine(lineOf('set '), 'api 12'), () => lineOf('set '), /'api' out of order/],
    ['a second reglist line', () => withLine(lineOf('reset '), 'reglist 242'), () => lineOf('reset '), /'reglist' out of order/],
    ['an exit after the system event', () => withLine(lineOf('final '), 'exit system-event 1'), () => lineOf('final '), /'exit' after the run loop ended/],
    ['a reset line among the set lines', () => withLine(lineOf('set ') + 1, 'reset 0x6030000000100000 0x0000000000000000'), () => lineOf('set ') + 1, /'reset' out of order/],
    ['a record after # end', () => A57 + 'api 12\n', () => lines.length, /'api' after '# end'/],
    ['fewer final lines than reglist', () => withLine(lineOf('final '), null), () => lines.length - 2, /'reglist 242' but 241 final lines/],
    [
      'final IDs not those of the reset lines',
      () => withLine(lineOf('final '), 'final 0x6030000000100002 0x0000000000000000'),
      () => lines.length - 1,
      /final line 1 has ID 0x6030000000100002 where the reset lines have 0x6030000000100000/,
    ],
    ['a bad error line', () => withLine(lineOf('final '), 'error run'), () => lineOf('final '), /expected 'error WHAT ERRNO'/],
  ];
  for (const [what, make, line, message] of cases) {
    it(`${what}: line ${typeof line === 'number' ? line : 'N'}`, () => {
      const e = parseError(make());
      const want = typeof line === 'number' ? line : line();
      expect(e.line).toBe(want);
      expect(e.file).toBe('bad.txt');
      expect(e.message).toMatch(new RegExp(`^bad\\.txt:${want}: `));
      expect(e.message).toMatch(message);
    });
  }
});
