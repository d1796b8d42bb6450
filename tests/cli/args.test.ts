import { describe, expect, it } from 'vitest';
import { UsageError, parseAddress, parseArgs, parseCount, parseSize } from '../../src/cli/args.js';

const usage = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error('expected a UsageError');
};

describe('parseSize', () => {
  it('takes bytes, K/M/G with binary meaning (as QEMU -m), and the KiB/MiB/GiB spellings', () => {
    expect(parseSize('4096')).toBe(4096);
    expect(parseSize('512M')).toBe(512 * 2 ** 20);
    expect(parseSize('1G')).toBe(2 ** 30);
    expect(parseSize('256MiB')).toBe(256 * 2 ** 20);
    expect(parseSize('64k')).toBe(65536);
    expect(parseSize('2gb')).toBe(2 ** 31);
    expect(parseSize('1.5G')).toBe(1.5 * 2 ** 30);
  });

  it('rejects anything else', () => {
    expect(usage(() => parseSize('lots'))).toMatch(/bad size 'lots'/);
    expect(usage(() => parseSize('12T'))).toMatch(/bad size/);
    expect(usage(() => parseSize('-1M'))).toMatch(/bad size/);
    expect(usage(() => parseSize('1.5'))).toMatch(/not a whole number/);
  });
});

describe('parseCount and parseAddress', () => {
  it('reads instruction counts in several spellings', () => {
    expect(parseCount('1000000')).toBe(1e6);
    expect(parseCount('1_000_000')).toBe(1e6);
    expect(parseCount('1e9')).toBe(1e9);
    expect(parseCount('500M')).toBe(5e8);
    expect(parseCount('2k')).toBe(2000);
    expect(usage(() => parseCount('0'))).toMatch(/positive/);
    expect(usage(() => parseCount('ten'))).toMatch(/bad instruction count 'ten'/);
  });

  it('reads addresses in hex or decimal', () => {
    expect(parseAddress('0x40080000')).toBe(0x4008_0000);
    expect(parseAddress('0x4008_0000')).toBe(0x4008_0000);
    expect(parseAddress('1074266112')).toBe(0x4008_0000);
    expect(usage(() => parseAddress('0xzz'))).toMatch(/bad address/);
  });
});

describe('parseArgs', () => {
  it('parses run with options before or after the image, in both --opt=value and --opt value forms', () => {
    const a = parseArgs(['run', '--cpu', 'max', 'img.elf', '--memory=1G', '--max-insns', '5M', '--stats']);
    expect(a).toEqual({
      command: 'run',
      image: 'img.elf',
      cpu: 'max',
      memory: 2 ** 30,
      maxInsns: 5e6,
      loadAddr: undefined,
      stats: true,
      reboot: true,
      plantDefect: undefined,
      trace: undefined,
      traceFormat: 'text',
      traceFrom: undefined,
      traceCount: undefined,
    });
    const b = parseArgs(['run', 'k.bin', '-m', '256M', '--load-addr=0x40000000', '--no-reboot']);
    expect(b).toMatchObject({ image: 'k.bin', memory: 256 * 2 ** 20, loadAddr: 0x4000_0000, reboot: false, stats: false });
  });

  it('takes an image name after --', () => {
    expect(parseArgs(['run', '--', '--odd-name']).command === 'run' && parseArgs(['run', '--', '--odd-name'])).toMatchObject({
      image: '--odd-name',
    });
  });

  it('knows help and version', () => {
    expect(parseArgs(['--help'])).toEqual({ command: 'help' });
    expect(parseArgs(['run', 'x.elf', '-h'])).toEqual({ command: 'help', topic: 'run' });
    expect(parseArgs(['help', 'fuzz'])).toEqual({ command: 'help', topic: 'fuzz' });
    expect(parseArgs(['help'])).toEqual({ command: 'help' });
    expect(parseArgs(['--version'])).toEqual({ command: 'version' });
  });

  it('explains what is wrong', () => {
    expect(usage(() => parseArgs([]))).toBe('no command given');
    expect(usage(() => parseArgs(['fly']))).toBe("unknown command 'fly' (commands: run, disasm, lockstep, fuzz, regs, sweep, kvm)");
    expect(usage(() => parseArgs(['--stats', 'x.elf']))).toMatch(/options go after the command/);
    expect(usage(() => parseArgs(['run']))).toMatch(/no IMAGE given/);
    expect(usage(() => parseArgs(['run', 'a.elf', 'b.elf']))).toMatch(/one IMAGE expected, got 2/);
    expect(usage(() => parseArgs(['run', 'a.elf', '--frobnicate']))).toBe("unknown option '--frobnicate'");
    expect(usage(() => parseArgs(['run', 'a.elf', '--cpu']))).toBe('option --cpu needs a value');
    expect(usage(() => parseArgs(['run', 'a.elf', '--stats=yes']))).toBe('option --stats takes no value');
    expect(usage(() => parseArgs(['run', 'a.elf', '--cpu', 'cortex-a53']))).toBe(
      "unknown CPU model 'cortex-a53' (known: cortex-a57, cortex-a72, max)",
    );
    expect(usage(() => parseArgs(['run', 'a.elf', '--memory', 'big']))).toMatch(/bad size 'big'/);
  });
});

describe('the other commands', () => {
  it('run takes trace options, which need --trace', () => {
    expect(parseArgs(['run', 'a.elf', '--trace', '-', '--trace-format=jsonl', '--trace-from', '0', '--trace-count', '5'])).toMatchObject({
      trace: '-',
      traceFormat: 'jsonl',
      traceFrom: 0,
      traceCount: 5,
    });
    expect(usage(() => parseArgs(['run', 'a.elf', '--trace-count', '5']))).toMatch(/--trace-count needs --trace/);
    expect(usage(() => parseArgs(['run', 'a.elf', '--trace', 'x', '--trace-format', 'xml']))).toMatch(/bad trace format 'xml'/);
  });

  it('disasm takes --start and --count', () => {
    expect(parseArgs(['disasm', '--start', '0x40080010', 'a.elf', '--count=4'])).toEqual({
      command: 'disasm',
      image: 'a.elf',
      start: 0x4008_0010,
      count: 4,
      loadAddr: undefined,
    });
    expect(usage(() => parseArgs(['disasm', 'a.elf', '--cpu', 'max']))).toBe("unknown option '--cpu'");
  });

  it('lockstep takes the machine options before or after IMAGE, plus --from and --every', () => {
    expect(parseArgs(['lockstep', '--max-insns', '200000', 'i.elf', '--cpu', 'max', '--from', '1k', '--every', '500'])).toMatchObject({
      command: 'lockstep',
      image: 'i.elf',
      maxInsns: 200000,
      cpu: 'max',
      from: 1000,
      every: 500,
    });
    expect(usage(() => parseArgs(['lockstep']))).toMatch(/no IMAGE given: a64emu lockstep/);
    // QEMU loads raw images only at 0x40080000 and runs with -no-reboot.
    expect(usage(() => parseArgs(['lockstep', 'i.bin', '--load-addr', '0x40000000']))).toBe("unknown option '--load-addr'");
    expect(usage(() => parseArgs(['lockstep', 'i.elf', '--no-reboot']))).toBe("unknown option '--no-reboot'");
  });

  it('--el N selects the start mode for run and lockstep (1, 2 or 3; default: absent, EL1)', () => {
    expect((parseArgs(['run', 'a.elf']) as { el?: number }).el).toBeUndefined();
    expect(parseArgs(['run', '--el', '2', 'a.elf'])).toMatchObject({ command: 'run', el: 2 });
    expect(parseArgs(['run', 'a.elf', '--el=3'])).toMatchObject({ el: 3 });
    expect(parseArgs(['lockstep', 'a.elf', '--el', '1'])).toMatchObject({ command: 'lockstep', el: 1 });
    expect(parseArgs(['lockstep', '--el', '3', 'a.elf'])).toMatchObject({ el: 3 });
    // --virtualization: EL2 besides EL3 (QEMU secure=on,virtualization=on); only with --el 3 (or 2).
    expect(parseArgs(['run', '--el', '3', '--virtualization', 'a.elf'])).toMatchObject({ el: 3, el2: true });
    expect(parseArgs(['lockstep', 'a.elf', '--virtualization', '--el=3'])).toMatchObject({ el: 3, el2: true });
    expect(parseArgs(['run', '--el', '2', '--virtualization', 'a.elf'])).toMatchObject({ el: 2, el2: true });
    expect(parseArgs(['run', 'a.elf'])).not.toHaveProperty('el2', true);
    expect(usage(() => parseArgs(['run', '--virtualization', 'a.elf']))).toMatch(/--virtualization needs --el 3/);
    expect(usage(() => parseArgs(['run', '--el', '1', '--virtualization', 'a.elf']))).toMatch(/--virtualization needs --el 3/);
    expect(usage(() => parseArgs(['run', 'a.elf', '--el', '0']))).toBe("bad --el '0': expected 1, 2 or 3");
    expect(usage(() => parseArgs(['run', 'a.elf', '--el', '4']))).toBe("bad --el '4': expected 1, 2 or 3");
    expect(usage(() => parseArgs(['run', 'a.elf', '--el', 'two']))).toBe("bad --el 'two': expected 1, 2 or 3");
    expect(usage(() => parseArgs(['run', 'a.elf', '--el']))).toBe('option --el needs a value');
    // fuzz runs at EL1 only.
    expect(usage(() => parseArgs(['fuzz', '--el', '2']))).toBe("unknown option '--el'");
  });

  it('knows the planted defects', () => {
    expect(parseArgs(['run', 'a.elf', '--plant-defect', 'eor-reg'])).toMatchObject({ plantDefect: 'eor-reg' });
    expect(parseArgs(['fuzz', '--plant-defect=add-imm'])).toMatchObject({ plantDefect: 'add-imm' });
    expect(usage(() => parseArgs(['lockstep', 'a.elf', '--plant-defect', 'nope']))).toMatch(/^unknown defect 'nope' \(known: eor-reg/);
  });

  it('fuzz has defaults, checks the class and the seed, and takes no image', () => {
    expect(parseArgs(['fuzz'])).toMatchObject({ command: 'fuzz', class: 'int', count: 1000, seed: undefined });
    expect(parseArgs(['fuzz', '--class', 'ldst', '--seed', '0x10', '--count', '20000'])).toMatchObject({
      class: 'ldst',
      seed: 16,
      count: 20000,
    });
    expect(usage(() => parseArgs(['fuzz', '--class', 'vector']))).toMatch(/unknown instruction class 'vector'/);
    expect(usage(() => parseArgs(['fuzz', '--seed', '-3']))).toMatch(/needs a value|bad seed/);
    expect(usage(() => parseArgs(['fuzz', '--seed', '0x1ffffffff']))).toMatch(/bad seed/);
    expect(usage(() => parseArgs(['fuzz', 'x.elf']))).toMatch(/fuzz takes no IMAGE/);
  });
});

describe('parseArgs: regs', () => {
  it('takes --cpu, --el and --json, no IMAGE and nothing else', () => {
    expect(parseArgs(['regs'])).toEqual({ command: 'regs', cpu: undefined, el: undefined, json: false });
    expect(parseArgs(['regs', '--cpu', 'max', '--json'])).toEqual({ command: 'regs', cpu: 'max', el: undefined, json: true });
    expect(parseArgs(['regs', '--el', '3'])).toMatchObject({ command: 'regs', el: 3 });
    expect(parseArgs(['regs', '--el', '3', '--virtualization'])).toMatchObject({ command: 'regs', el: 3, el2: true });
    expect(parseArgs(['help', 'regs'])).toEqual({ command: 'help', topic: 'regs' });
    expect(usage(() => parseArgs(['regs', 'x.elf']))).toMatch(/regs takes no IMAGE/);
    expect(usage(() => parseArgs(['regs', '--cpu', 'cortex-a53']))).toMatch(/unknown CPU model 'cortex-a53'/);
    expect(usage(() => parseArgs(['regs', '--el', '0']))).toMatch(/bad --el '0'/);
    expect(usage(() => parseArgs(['regs', '--json=yes']))).toBe('option --json takes no value');
  });
});

describe('parseArgs: sweep', () => {
  it('takes --cpu, --el, --virtualization (with --el 3 only), --qemu, --save and --record, no IMAGE', () => {
    expect(parseArgs(['sweep'])).toEqual({
      command: 'sweep', cpu: undefined, el: undefined, el2: false, qemu: undefined, save: undefined, record: undefined,
    });
    expect(parseArgs(['sweep', '--cpu', 'max', '--el', '3', '--virtualization', '--record', 'r.txt'])).toMatchObject({
      command: 'sweep', cpu: 'max', el: 3, el2: true, record: 'r.txt',
    });
    expect(parseArgs(['help', 'sweep'])).toEqual({ command: 'help', topic: 'sweep' });
    expect(usage(() => parseArgs(['sweep', '--el', '2', '--virtualization']))).toMatch(/--virtualization needs --el 3/);
    expect(usage(() => parseArgs(['sweep', 'x.elf']))).toMatch(/sweep takes no IMAGE/);
    expect(usage(() => parseArgs(['sweep', '--count', '3']))).toMatch(/--count/);
  });
});
