// `a64emu disasm` in-process. The reference for each word is GNU objdump 2.40's listing of
// the same program (tests/debug/programs.ts); the lines below are those where Capstone's
// syntax and objdump's agree (objdump would print `#0x4` where Capstone prints `#4`, and
// bare branch targets where Capstone prints `#0x...`).
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { bytesOf, EXIT42 } from '../machine/images.js';
import { TRACED_TEXT, tracedElf } from '../debug/programs.js';

const run = (argv: string[], files: Record<string, Uint8Array> = { 'prog.elf': tracedElf() }) => runCli(argv, files);

describe('a64emu disasm', () => {
  it('prints address, word and disassembly from the entry point, stopping at the end of the loaded bytes', async () => {
    const r = await run(['disasm', 'prog.elf']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(TRACED_TEXT.length); // fewer than 32: the segment ends
    expect(lines[0]).toBe('    40080000:\td2a8020a \tmov x10, #0x40100000');
    expect(lines[1]).toBe('    40080004:\t9100015f \tmov sp, x10');
    expect(lines[6]).toBe('    40080018:\td518c003 \tmsr vbar_el1, x3');
    expect(lines[12]).toBe('    40080030:\td50040bf \tmsr spsel, #0');
  });

  it('--start and --count', async () => {
    const r = await run(['disasm', '--start', '0x40080800', '--count', '3', 'prog.elf']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      '    40080800:\td5384029 \tmrs x9, elr_el1\n' +
        '    40080804:\t91001129 \tadd x9, x9, #4\n' +
        '    40080808:\td5184029 \tmsr elr_el1, x9\n',
    );
  });

  it('places a raw binary at --load-addr', async () => {
    const r = await run(['disasm', '--load-addr', '0x40000000', '--count', '3', 'exit42.bin'], { 'exit42.bin': bytesOf(EXIT42) });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[2]).toBe('    40000008:\td45e0000 \thlt #0xf000');
  });

  it('exits 2 for an address outside the loaded bytes, naming them', async () => {
    const r = await run(['disasm', '--start', '0x100', 'prog.elf']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      "a64emu: address 0x100 is outside the image's loaded bytes (0x40080000-0x4008005f, 0x40080800-0x4008080f, 0x40080a00-0x40080a0f)\n",
    );
  });

  it('exits 2 for an unaligned address, a missing file, and --load-addr with an ELF', async () => {
    expect((await run(['disasm', '--start', '0x40080002', 'prog.elf'])).stderr).toMatch(/not a multiple of 4/);
    expect((await run(['disasm', 'nope.elf'])).code).toBe(2);
    const r = await run(['disasm', '--load-addr', '0x40000000', 'prog.elf']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--load-addr applies to raw binaries only/);
  });
});
