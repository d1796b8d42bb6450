// The CLI in-process, with fake files and streams. Exit statuses: the guest's semihosting
// status (low 8 bits, as the host's exit()), 0 after PSCI SYSTEM_OFF (QEMU exits 0),
// 124 at --max-insns, 2 for bad input, 3 for internal errors.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main, type CliIo } from '../../src/cli/main.js';
import { fakeIo as fakeIoOf, runCli } from '../helpers/cli.js';
import { Semihosting } from '../../src/machine/semihosting.js';
import { bytesOf, elfOf, EXIT42, HELLO, LOOP, POWEROFF, makeElf } from '../machine/images.js';

let t = 0;
const clock = { now: () => (t += 500) }; // each reading half a second later
const fakeIo = (files: Record<string, Uint8Array>) => fakeIoOf(files, clock);
const run = (argv: string[], files: Record<string, Uint8Array> = {}) => runCli(argv, files, clock);

afterEach(() => {
  vi.restoreAllMocks();
});

describe('a64emu --help / --version / bad commands', () => {
  it('prints help on stdout and exits 0', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: a64emu run \[options\] IMAGE/);
    expect(r.stdout).toMatch(/--max-insns N/);
  });

  it('prints the version', async () => {
    const r = await run(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^a64emu \d+\.\d+\.\d+\n$/);
  });

  it('explains an unknown command, with a hint when it is an image file', async () => {
    const r = await run(['fly']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("a64emu: unknown command 'fly' (commands: run, disasm, lockstep, fuzz, regs, sweep, kvm)\nTry 'a64emu --help'.\n");
    const r2 = await run(['prog.elf'], { 'prog.elf': elfOf(EXIT42) });
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/to run an image: a64emu run prog.elf/);
  });

  it('exits 2 for bad option values, listing CPU models', async () => {
    const r = await run(['run', 'x.elf', '--cpu', 'pentium']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown CPU model 'pentium' \(known: cortex-a57, cortex-a72, max\)/);
    expect((await run(['run', 'x.elf', '--memory', '7'])).code).toBe(2);
    expect((await run(['run', 'x.elf', '--max-insns', 'many'])).code).toBe(2);
  });
});

describe('a64emu run: bad input', () => {
  it('exits 2 for a missing file', async () => {
    const r = await run(['run', 'nope.elf']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("a64emu: cannot read 'nope.elf': no such file\n");
  });

  it('exits 2 for an ELF for another machine, naming it', async () => {
    const x86 = makeElf({ machine: 62, segments: [{ paddr: 0x4008_0000, data: bytesOf(EXIT42) }] });
    const r = await run(['run', 'x86.elf'], { 'x86.elf': x86 });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('a64emu: x86.elf: ELF file is for machine 62 (x86-64), not AArch64 (183)\n');
  });

  it('exits 2 for a truncated ELF', async () => {
    const r = await run(['run', 't.elf'], { 't.elf': elfOf(EXIT42).subarray(0, 130) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/t.elf: truncated ELF file: segment 0/);
  });

  it('exits 2 for a segment outside RAM, telling where RAM ends', async () => {
    const r = await run(['run', 'big.elf', '--memory', '256K'], { 'big.elf': elfOf(EXIT42) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/lies outside RAM; RAM is 0x40000000-0x4003ffff \(256 KiB\)/);
  });

  it('exits 2 for memory that cannot be given', async () => {
    const r = await run(['run', 'a.elf', '--memory', '4G'], { 'a.elf': elfOf(EXIT42) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/too large: at most 3072 MiB/);
  });
});

describe('a64emu run: guest outcomes', () => {
  it('exits with the guest semihosting status', async () => {
    const r = await run(['run', 'e.elf'], { 'e.elf': elfOf(EXIT42) });
    expect(r.code).toBe(42);
    expect(r.stderr).toBe('');
  });

  it('runs a raw binary with UART output on stdout, and prints --stats', async () => {
    const r = await run(['run', '--stats', 'h.bin'], { 'h.bin': bytesOf(HELLO) });
    expect(r.code).toBe(7);
    expect(r.stdout).toBe('hello, virt\n');
    expect(r.stderr).toMatch(/^a64emu: stats: \d+ instructions in 0\.500 s, \d+\.\d\d MIPS\n$/);
  });

  it('exits 0 after PSCI SYSTEM_OFF', async () => {
    const r = await run(['run', 'o.elf'], { 'o.elf': elfOf(POWEROFF) });
    expect(r.code).toBe(0);
  });

  it('exits 124 with a message at --max-insns', async () => {
    const r = await run(['run', 'l.elf', '--max-insns', '1000'], { 'l.elf': elfOf(LOOP) });
    expect(r.code).toBe(124);
    expect(r.stderr).toBe(
      'a64emu: instruction limit reached: 1000 instructions executed and the guest has not stopped\n',
    );
  });

  it('exits 3 for an internal error, with the guest PC and no stack dump', async () => {
    vi.spyOn(Semihosting.prototype, 'call').mockImplementation(() => {
      throw new RangeError('out of cheese');
    });
    const r = await run(['run', 'e.elf'], { 'e.elf': elfOf(EXIT42) });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(
      /^a64emu: internal error at guest PC 0x0000000040080008 \(instruction 0xd45e0000\): .*out of cheese\n/,
    );
    expect(r.stderr).toMatch(/A64EMU_DEBUG=1/);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
  });
});
