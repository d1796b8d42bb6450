// `a64emu run --trace` in-process, with fake streams (and real files for trace files). The
// program and its expected exceptions (QEMU 7.2 -d int) are in tests/debug/programs.ts.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main, type CliIo } from '../../src/cli/main.js';
import { runCli } from '../helpers/cli.js';
import { tracedElf } from '../debug/programs.js';
import { elfOf, HELLO } from '../machine/images.js';

const dir = mkdtempSync(join(tmpdir(), 'a64emu-trace-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (argv: string[]) => runCli(argv, { 'prog.elf': tracedElf() });

const traceLines = (stderr: string) => stderr.split('\n').filter((l) => /^ *\d+ EL\d /.test(l));
const stepOf = (line: string) => Number(/^ *(\d+)/.exec(line)![1]);

describe('a64emu run --trace', () => {
  it('writes one line per step to stderr with -, ending with the step before --max-insns', async () => {
    const r = await run(['run', '--trace', '-', '--max-insns', '20', 'prog.elf']);
    expect(r.code).toBe(124);
    const lines = traceLines(r.stderr);
    const insnLines = lines.filter((l) => !/ exception /.test(l));
    expect(insnLines.map(stepOf)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(insnLines[19]).toBe('      19 EL1 0000000040080030 d50040bf  msr spsel, #0                    sp=0x0');
    // 20 steps, 19 instructions retired: the load at step 14 faulted
    expect(r.stderr).toMatch(/instruction limit reached: 19 instructions executed/);
    expect(lines.filter((l) => / exception /.test(l))).toEqual([
      '       7 EL1 exception sync SVC64 (EC 0x15) to EL1, vector 0000000040080a00  elr_el1=0x40080020 spsr_el1=0x600003c5 esr_el1=0x56000000',
      '      14 EL1 exception sync DABORT_SAME (EC 0x25) to EL1, vector 0000000040080a00  elr_el1=0x4008002c spsr_el1=0x600003c5 esr_el1=0x96000010 far_el1=0x9001000',
    ]);
  });

  it('--trace-from and --trace-count select a window of steps', async () => {
    const r = await run(['run', '--trace', '-', '--trace-from', '12', '--trace-count', '3', 'prog.elf']);
    expect(r.code).toBe(0); // the guest still runs to its SYS_EXIT
    expect(traceLines(r.stderr).map((l) => `${stepOf(l)}${/ exception /.test(l) ? 'e' : ''}`)).toEqual(['12', '13', '14', '14e']);
  });

  it('--trace FILE --trace-format jsonl writes JSON objects, one a line, to the file', async () => {
    const file = join(dir, 'trace.jsonl');
    const r = await run(['run', '--trace', file, '--trace-format', 'jsonl', 'prog.elf']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const recs = readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(recs.filter((o) => o.type === 'insn')).toHaveLength(28);
    expect(recs[3]).toMatchObject({ step: 3, pc: '0x4008000c', asm: 'adds x1, x0, #1', changed: { x1: '0x2', nzcv: '0x0' } });
    expect(recs.filter((o) => o.type === 'exception').map((o) => [o.step, o.changed.esr_el1])).toEqual([
      [7, '0x56000000'],
      [14, '0x96000010'],
      [20, '0x56000001'],
    ]);
  });

  it('exits 2 when the trace file cannot be created', async () => {
    const r = await run(['run', '--trace', join(dir, 'no/such/dir/t.txt'), 'prog.elf']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^a64emu: cannot write trace file '.*t\.txt': no such directory\n$/);
  });

  it('a stderr that closes ends the trace, not the run', async () => {
    let closed = false;
    let written = 0;
    const r = await main(['run', '--trace', '-', 'prog.elf'], {
      write: (stream) => {
        if (stream === 'stderr') written++;
        closed = true; // the reader went away after the first chunk
      },
      writable: () => !closed,
      readFile: () => tracedElf(),
      stdin: null,
      now: () => 0,
      betweenSlices: () => {},
      env: {},
    });
    expect(r).toBe(0);
    expect(written).toBe(1);
  });

  it('with -, keeps guest output and trace lines in the order they happened', async () => {
    const log: string[] = [];
    const code = await main(['run', '--trace', '-', 'hello.elf'], {
      write: (_stream, data) => log.push(typeof data === 'string' ? data : new TextDecoder().decode(data)),
      readFile: () => elfOf(HELLO),
      stdin: null,
      now: () => 0,
      betweenSlices: () => {},
      env: {},
    });
    expect(code).toBe(7);
    const all = log.join('');
    // step 4 is the first `str w2, [x3]` to UARTDR: 'h' comes out between it and step 5
    const h = all.indexOf('\nh');
    expect(all.lastIndexOf('\n       4 EL1 0000000040080010 b9000062  str w2, [x3]', h)).toBeGreaterThan(0);
    expect(all.slice(h + 1)).toMatch(/^h {7}5 EL1 0000000040080014 /);
  });
});
