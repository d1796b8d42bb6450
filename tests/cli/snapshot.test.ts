// `a64emu run --save-state/--save-at/--load-state/--icount` in-process, with fake files.
// Expected values: the unsplit run of the same image (HELLO prints "hello, virt\n" on the UART
// and exits with status 7, as QEMU 7.2 runs it: tests/cli/main.test.ts); the messages and
// exit statuses are a64emu's own (docs/snapshot.md, `a64emu help run`).
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { fakeIo, runCli } from '../helpers/cli.js';
import { parseArgs, UsageError } from '../../src/cli/args.js';
import { bytesOf, EXIT42, HELLO } from '../machine/images.js';

const run = (argv: string[], files: Record<string, Uint8Array>) => runCli(argv, files);

const M = ['--memory', '16M'];

describe('run --save-at / --load-state', () => {
  it('a run split at every instruction count prints and exits as the unsplit run', async () => {
    const files: Record<string, Uint8Array> = { 'hello.bin': bytesOf(HELLO) };
    const whole = await run(['run', ...M, '--stats', 'hello.bin'], files);
    expect(whole).toMatchObject({ code: 7, stdout: 'hello, virt\n' });
    const total = Number(/^a64emu: stats: (\d+) instructions/.exec(whole.stderr)![1]);
    expect(total).toBeGreaterThan(20);
    for (let at = 0; at < total; at++) {
      const first = await run(['run', ...M, '--save-state', 's', '--save-at', String(at), 'hello.bin'], files);
      expect(first.code).toBe(0);
      expect(first.stderr).toBe(`a64emu: state saved to 's' at instruction ${at}; stopping\n`);
      const rest = await run(['run', '--load-state', 's'], files);
      expect(rest.code).toBe(7);
      expect(first.stdout + rest.stdout).toBe(whole.stdout);
      expect(rest.stderr).toBe('');
    }
  });

  it('a loaded run can be saved again, and options equal to the state are accepted', async () => {
    const files: Record<string, Uint8Array> = { 'hello.bin': bytesOf(HELLO) };
    await run(['run', ...M, '--icount', '2', '--save-state', 'a', '--save-at', '12', 'hello.bin'], files);
    const r = await run(['run', '--load-state', 'a', '--cpu', 'cortex-a57', '--icount', 'shift=2', '--memory', '16M', '--save-state', 'b', '--save-at', '30'], files);
    expect(r.stderr).toBe("a64emu: state saved to 'b' at instruction 30; stopping\n");
    const end = await run(['run', '--load-state', 'b'], files);
    expect(end.code).toBe(7);
    // --save-at before the loaded state's count is refused.
    const back = await run(['run', '--load-state', 'b', '--save-state', 'c', '--save-at', '29'], files);
    expect(back.code).toBe(2);
    expect(back.stderr).toBe('a64emu: --save-at 29: the loaded state is already at instruction 30\n');
  });

  it('says so when the guest ends before --save-at', async () => {
    const files: Record<string, Uint8Array> = { 'exit.bin': bytesOf(EXIT42) };
    const r = await run(['run', ...M, '--save-state', 's', '--save-at', '1000', 'exit.bin'], files);
    expect(r.code).toBe(42);
    expect(r.stderr).toBe('a64emu: the run ended at instruction 3, before --save-at 1000: no state was saved\n');
    expect(files.s).toBeUndefined();
  });

  it('a state file that cannot be written: exit status 2', async () => {
    const files: Record<string, Uint8Array> = { 'hello.bin': bytesOf(HELLO) };
    const { io, out } = fakeIo(files);
    io.writeFile = () => {
      throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    };
    const code = await main(['run', ...M, '--save-state', '/ro/s', '--save-at', '5', 'hello.bin'], io);
    expect(code).toBe(2);
    expect(out.stderr).toBe("a64emu: cannot write state file '/ro/s': permission denied\n");
  });

  it('a failed write of the real file leaves no temporary file beside it', async () => {
    // The state is written to FILE.tmp-PID, then renamed over FILE; here FILE is a directory,
    // so the rename fails (EISDIR) after the temporary file was written.
    const dir = mkdtempSync(join(tmpdir(), 'a64emu-save-'));
    try {
      const target = join(dir, 's');
      mkdirSync(target);
      const { io, out } = fakeIo({ 'hello.bin': bytesOf(HELLO) });
      delete io.writeFile; // the process's own: write beside, then rename
      const code = await main(['run', ...M, '--save-state', target, '--save-at', '5', 'hello.bin'], io);
      expect(code).toBe(2);
      expect(out.stderr).toBe(`a64emu: cannot write state file '${target}': is a directory\n`);
      expect(readdirSync(dir)).toEqual(['s']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('SIGUSR1 without --save-state is reported and ignored (Node would otherwise open its inspector)', async () => {
    // Node's default SIGUSR1 action starts the inspector on 127.0.0.1:9229 (Node 20 docs,
    // "Signal events"): a run must own the signal whether or not it can save.
    const { io, out } = fakeIo({ 'hello.bin': bytesOf(HELLO) });
    const handlers: (() => void)[] = [];
    io.onSignal = (_signal, handler) => {
      handlers.push(handler);
      handler(); // as if the signal came during the run
      return () => void handlers.splice(handlers.indexOf(handler), 1);
    };
    const code = await main(['run', ...M, 'hello.bin'], io);
    expect(code).toBe(7);
    expect(out.stdout).toBe('hello, virt\n');
    expect(out.stderr).toBe('a64emu: SIGUSR1 ignored: no --save-state FILE to save to\n');
    expect(handlers).toEqual([]); // detached when the run ends
  });

  it('refuses options that conflict with the state file, naming them', async () => {
    const files: Record<string, Uint8Array> = { 'hello.bin': bytesOf(HELLO) };
    await run(['run', ...M, '--save-state', 's', '--save-at', '5', 'hello.bin'], files);
    const cases: [string[], string][] = [
      [['--cpu', 'max'], "--cpu max (the state's CPU is cortex-a57)"],
      [['--el', '2'], "--el 2 (the state's start mode is --el 1)"],
      [['--memory', '32M'], '--memory 33554432 (the state has 16777216 bytes of RAM)'],
      [['--icount', '3'], '--icount shift=3 (the state was saved with shift=0)'],
      [['--load-addr', '0x40100000'], '--load-addr (the image in the state is already placed)'],
    ];
    for (const [opts, why] of cases) {
      const r = await run(['run', '--load-state', 's', ...opts], files);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`a64emu: --load-state s: ${why}: give no such option, or the state's value\n`);
    }
    const img = await run(['run', '--load-state', 's', 'hello.bin'], files);
    expect(img.code).toBe(2);
    expect(img.stderr).toMatch(/--load-state takes no IMAGE: the image is in the state file \(got hello.bin\)/);
  });

  it('a bad state file is a clear error (exit status 2)', async () => {
    const files: Record<string, Uint8Array> = { 'hello.bin': bytesOf(HELLO) };
    await run(['run', ...M, '--save-state', 's', '--save-at', '5', 'hello.bin'], files);
    files.t = files.s.subarray(0, files.s.length - 100);
    const t = await run(['run', '--load-state', 't'], files);
    expect(t.code).toBe(2);
    expect(t.stderr).toMatch(/^a64emu: t: truncated: section 'RAM ' at byte \d+ needs \d+ bytes of data, the file has \d+\n$/);
    const missing = await run(['run', '--load-state', 'nope'], files);
    expect(missing.stderr).toBe("a64emu: cannot read 'nope': no such file\n");
    const notState = await run(['run', '--load-state', 'hello.bin'], files);
    expect(notState.stderr).toBe("a64emu: hello.bin: not an a64emu state file (it does not start with 'A64EMUST')\n");
  });
});

describe('parsing', () => {
  it('--icount [shift=]N, as QEMU spells it', () => {
    const icount = (v: string): number | undefined => {
      const a = parseArgs(['run', '--icount', v, 'x.bin']);
      return a.command === 'run' ? a.icountShift : undefined;
    };
    expect(icount('0')).toBe(0);
    expect(icount('shift=7')).toBe(7);
    expect(icount('shift=10,sleep=off')).toBe(10);
    expect(() => icount('11')).toThrow(/from 0 to 10/);
    expect(() => icount('shift=auto')).toThrow(/shift=auto is not supported/);
    expect(() => icount('align=on')).toThrow(UsageError);
  });

  it('--save-at needs --save-state; help lists the options', async () => {
    expect(() => parseArgs(['run', '--save-at', '5', 'x.bin'])).toThrow('option --save-at needs --save-state FILE');
    const a = parseArgs(['run', '--load-state', 's']);
    expect(a).toMatchObject({ command: 'run', image: '', loadState: 's' });
    const help = await run(['help', 'run'], {});
    for (const o of ['--icount [shift=]N', '--save-state FILE', '--save-at N', '--load-state FILE']) expect(help.stdout).toContain(o);
  });
});

describe('start modes', () => {
  it('--el 2 and --el 3 --virtualization states load with or without the options repeated', async () => {
    const files: Record<string, Uint8Array> = { 'hello.bin': bytesOf(HELLO) };
    for (const mode of [['--el', '2'], ['--el', '3', '--virtualization']]) {
      const whole = await run(['run', ...M, ...mode, 'hello.bin'], files);
      const first = await run(['run', ...M, ...mode, '--save-state', 's', '--save-at', '20', 'hello.bin'], files);
      expect(first.code).toBe(0);
      for (const again of [[], mode]) {
        const rest = await run(['run', '--load-state', 's', ...again], files);
        expect(rest.code).toBe(whole.code);
        expect(first.stdout + rest.stdout).toBe(whole.stdout);
      }
      const other = await run(['run', '--load-state', 's', '--el', mode[1] === '2' ? '3' : '2'], files);
      expect(other.code).toBe(2);
    }
  });
});
