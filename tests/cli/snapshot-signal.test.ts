// SIGUSR1 saves the state of a running `a64emu run --save-state FILE` at the next slice
// boundary; the run goes on; loading the file finishes the guest with the same output and
// status as the unsplit run. The bundle (dist/a64emu.mjs, rebuilt when older than src/) runs
// as a child process, since only a real process gets signals.
//
// The guest SLOW (assembled with aarch64-linux-gnu-as 2.40, linked at 0x40080000): prints
// "R\n", counts X0 down from 40,000,000, prints "D\n" and exits with status 5. The expected
// output and status are what the program does (no timing in it); the state saved at
// instruction N must equal, byte for byte, the state an in-process run saves at N.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureCli, runProcess } from '../helpers/a64emu.js';
import { VirtMachine } from '../../src/machine/virt.js';
import { bytesOf } from '../machine/images.js';

const SLOW = [
  0xd2a12003, // mov x3, #0x9000000
  0x52800a42, // mov w2, #'R'
  0xb9000062, // str w2, [x3]
  0x52800142, // mov w2, #'\n'
  0xb9000062, // str w2, [x3]
  0xd2a04c40, // mov x0, #0x2620000
  0xf28b4000, // movk x0, #0x5a00           (40,000,000)
  0xf1000400, // 1: subs x0, x0, #1
  0x54ffffe1, // b.ne 1b
  0x52800882, // mov w2, #'D'
  0xb9000062, // str w2, [x3]
  0x52800142, // mov w2, #'\n'
  0xb9000062, // str w2, [x3]
  0x100000a1, // adr x1, blk
  0x52800300, // mov w0, #0x18 (SYS_EXIT)
  0xd45e0000, // hlt #0xf000
  0x14000000, // b .
  0xd503201f, // nop
  0x00020026, 0, 5, 0, // blk: .quad 0x20026, 5
];

const dir = mkdtempSync(join(tmpdir(), 'a64emu-sig-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SIGUSR1', () => {
  it('saves at the next slice boundary, the run goes on, and the file finishes the guest', async () => {
    const cli = ensureCli();
    if (!cli.ok) throw new Error(cli.error);
    const image = join(dir, 'slow.bin');
    const state = join(dir, 'state');
    writeFileSync(image, bytesOf(SLOW));
    const child = spawn(process.execPath, [cli.path, 'run', '--memory', '16M', '--save-state', state, image], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let signalled = false;
    const done = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
      // "R" arrives after the first slice: the handler is installed, the guest is running.
      if (!signalled && stdout.includes('R\n')) {
        signalled = true;
        child.kill('SIGUSR1');
      }
    });
    const code = await done;
    expect(signalled).toBe(true);
    expect(code).toBe(5);
    expect(stdout).toBe('R\nD\n');
    const m = /^a64emu: state saved to '(.*)' at instruction (\d+)\n$/.exec(stderr);
    expect(m, stderr).not.toBeNull();
    expect(m![1]).toBe(state);
    const at = Number(m![2]);
    expect(at).toBeGreaterThan(5);
    expect(at).toBeLessThan(80_000_000);

    // The file equals what an in-process run saves at the same instruction count.
    const mine = new VirtMachine({ memory: 16 * 1024 * 1024, output: () => {} });
    mine.load(bytesOf(SLOW), { name: image });
    let saved: Uint8Array | undefined;
    await mine.run({ save: { at, write: (s) => ((saved = s), false) } });
    expect(Buffer.compare(Buffer.from(saved!), readFileSync(state))).toBe(0);

    // Loading it finishes the guest: the rest of the output, the same status.
    const rest = await runProcess(process.execPath, [cli.path, 'run', '--load-state', state], 60_000);
    expect(rest.exitCode).toBe(5);
    expect(rest.stdout).toBe('D\n');
    expect(rest.stderr).toBe('');
  }, 120_000);
});
