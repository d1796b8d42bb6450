// `a64emu lockstep` against QEMU on small images (the intmix runs are in
// lockstep-workloads.test.ts). Needs qemu-system-aarch64: skipped with the reason when it is
// missing, failing under CI=true. Also pins how QEMU's gdb single step counts instructions
// that take an exception, against a64emu's steps.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { main, type CliIo } from '../../src/cli/main.js';
import { Slot, lo } from '../../src/cpu/state.js';
import { lockstep as runLockstep } from '../../src/debug/lockstep.js';
import { QemuProcess, liveQemuCount } from '../../src/debug/lockstep_qemu.js';
import { inconsistencyReport } from '../../src/debug/lockstep_report.js';
import { VirtMachine } from '../../src/machine/virt.js';
import { bytesOf, elfOf, EXIT42, LOOP, POWEROFF } from '../machine/images.js';
import { ensureCli, ROOT } from '../helpers/a64emu.js';
import { requireTool, TOOLS } from '../helpers/tools.js';

// Exceptions of every kind the integer core takes at EL1, each followed by an ADD so the
// step after the return is visible. GNU as 2.40, linked at 0x40080000, objdump'd.
const VBAR = 0x40080800;
const STEPS_CODE = [
  0x10004001, // 40080000: adr  x1, 40080800 <vectors>
  0xd518c001, // 40080004: msr  vbar_el1, x1
  0xd5033fdf, // 40080008: isb
  0xd51b421f, // 4008000c: msr  nzcv, xzr
  0xd28000e5, // 40080010: mov  x5, #0x7
  0xd4000021, // 40080014: svc  #0x1                  (SVC: to the vector)
  0x910004a5, // 40080018: add  x5, x5, #0x1
  0xd2ae0004, // 4008001c: mov  x4, #0x70000000
  0xf9400086, // 40080020: ldr  x6, [x4]              (nothing there: external abort)
  0x910008a5, // 40080024: add  x5, x5, #0x2
  0x00000000, // 40080028: udf  #0                    (UNDEFINED)
  0x91000ca5, // 4008002c: add  x5, x5, #0x3
  0xd2800060, // 40080030: mov  x0, #0x3              (SYS_WRITEC)
  0x100001a1, // 40080034: adr  x1, 40080068 <char>
  0xd45e0000, // 40080038: hlt  #0xf000               (semihosting)
  0xd2b08000, // 4008003c: mov  x0, #0x84000000       (PSCI_VERSION)
  0xd4000002, // 40080040: hvc  #0x0                  (PSCI: handled by the board)
  0xaa0003e7, // 40080044: mov  x7, x0
  0xd2800300, // 40080048: mov  x0, #0x18             (SYS_EXIT)
  0x10000061, // 4008004c: adr  x1, 40080058 <exitblock>
  0xd45e0000, // 40080050: hlt  #0xf000
  0x14000000, // 40080054: b    .
  0x00020026, 0x00000000, 0x00000000, 0x00000000, // exitblock: .quad 0x20026, 0
  0x00000078, // char: .byte 'x'
];
// vectors + 0x200 (current EL, SPx, synchronous): skip the instruction unless it was an SVC.
const HANDLER = [
  0xd5385209, // 40080a00: mrs  x9, esr_el1
  0xd35afd29, // 40080a04: lsr  x9, x9, #26
  0xf100553f, // 40080a08: cmp  x9, #0x15
  0x54000080, // 40080a0c: b.eq 40080a1c
  0xd538402a, // 40080a10: mrs  x10, elr_el1
  0x9100114a, // 40080a14: add  x10, x10, #0x4
  0xd518402a, // 40080a18: msr  elr_el1, x10
  0xd51b421f, // 40080a1c: msr  nzcv, xzr
  0xd69f03e0, // 40080a20: eret
];

function program(code: readonly number[]): number[] {
  const words = new Array<number>((VBAR + 0x200 - 0x40080000) / 4).fill(0);
  code.forEach((w, i) => (words[i] = w));
  return [...words, ...HANDLER];
}
const STEPS = program(STEPS_CODE);
/** The same with NZCV = nZCv (from cmp x5, #7) when the SVC is taken. */
const FLAGS_AT_SVC = program([...STEPS_CODE.slice(0, 5), 0xf1001cbf /* cmp x5, #0x7 */, ...STEPS_CODE.slice(5)]);

/** An EOR whose result reaches only memory (the SYS_EXIT status), then the register is cleared. */
const HIDDEN_EOR = [
  0xd28000a1, // 40080000: mov  x1, #0x5
  0xd28000a2, // 40080004: mov  x2, #0x5
  0xca020023, // 40080008: eor  x3, x1, x2           (0; 1 with --plant-defect eor-reg)
  0x100000e4, // 4008000c: adr  x4, 40080028 <block>
  0xf9000483, // 40080010: str  x3, [x4, #8]         (the exit status)
  0xd2800003, // 40080014: mov  x3, #0x0
  0xd2800300, // 40080018: mov  x0, #0x18            (SYS_EXIT)
  0xaa0403e1, // 4008001c: mov  x1, x4
  0xd45e0000, // 40080020: hlt  #0xf000
  0x14000000, // 40080024: b    .
  0x00020026, 0x00000000, 0x00000000, 0x00000000, // block: .quad 0x20026, 0
];

/** A WFI with nothing to wake the CPU. */
const WFI = [
  0xd2800020, // 40080000: mov  x0, #0x1
  0xd503207f, // 40080004: wfi
  0x14000000, // 40080008: b    .
];

/**
 * A NOP that a64emu, with --plant-defect nop-undef, turns into an Undefined Instruction
 * exception; HANDLER skips it (ELR_EL1 + 4) and the code after it rewrites x9, x10 and NZCV,
 * which the handler changed, so the general registers agree again. GNU as 2.40, linked at
 * 0x40080000, objdump'd.
 */
const HEALS = program([
  0x10004001, // 40080000: adr  x1, 40080800 <vectors>
  0xd518c001, // 40080004: msr  vbar_el1, x1
  0xd5033fdf, // 40080008: isb
  0xd2800025, // 4008000c: mov  x5, #0x1
  0xd503201f, // 40080010: nop                        (step 4: the exception, with the defect)
  0xd2800009, // 40080014: mov  x9, #0x0
  0xd280000a, // 40080018: mov  x10, #0x0
  0xd51b421f, // 4008001c: msr  nzcv, xzr
  0x910004a5, // 40080020: add  x5, x5, #0x1
  0xd2800300, // 40080024: mov  x0, #0x18             (SYS_EXIT)
  0x10000081, // 40080028: adr  x1, 40080038 <blk>
  0xd45e0000, // 4008002c: hlt  #0xf000
  0x14000000, // 40080030: b    .
  0xd503201f, // 40080034: nop                        (padding, never run)
  0x00020026, 0x00000000, 0x00000000, 0x00000000, // blk: .quad 0x20026, 0
]);

let dir: string;
const images: Record<string, string> = {};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'a64emu-lockstep-'));
  const write = (name: string, words: readonly number[]): void => {
    images[name] = join(dir, `${name}.elf`);
    writeFileSync(images[name], elfOf(words));
  };
  write('steps', STEPS);
  write('flags', FLAGS_AT_SVC);
  write('exit42', EXIT42);
  write('poweroff', POWEROFF);
  write('loop', LOOP);
  write('hidden', HIDDEN_EOR);
  write('wfi', WFI);
  write('heals', HEALS);
  images.raw = join(dir, 'exit42.bin');
  writeFileSync(images.raw, bytesOf(EXIT42));
});

/** Processes whose command line mentions `text` (Linux /proc). */
/** The command lines of `pids`, for assertion messages. */
function commandLines(pids: number[]): string {
  return pids.map((p) => {
    try {
      return `${p}: ${readFileSync(`/proc/${p}/cmdline`, 'latin1').replaceAll('\0', ' ')}`;
    } catch {
      return `${p}: (gone)`;
    }
  }).join('; ');
}

function processesWith(text: string): number[] {
  const pids: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'latin1');
      if (cmd.includes(text) && !readFileSync(`/proc/${d}/stat`, 'latin1').includes(') Z ')) pids.push(Number(d));
    } catch {
      /* gone meanwhile */
    }
  }
  return pids;
}

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

afterEach(() => {
  expect(liveQemuCount()).toBe(0); // QEMU is gone after every run
});

async function lockstep(argv: string[], env: Record<string, string | undefined> = process.env) {
  const out = { stdout: '', stderr: '' };
  const io: Partial<CliIo> = {
    write: (stream, data) => {
      out[stream] += typeof data === 'string' ? data : new TextDecoder().decode(data);
    },
    stdin: null,
    env,
  };
  const code = await main(['lockstep', ...argv], io);
  return { code, ...out };
}

describe('lockstep: bad input', () => {
  it('exits 2 naming the install command when QEMU is missing', async () => {
    const r = await lockstep(['--qemu', '/nonexistent/qemu-system-aarch64', images.steps]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('/nonexistent/qemu-system-aarch64 not found');
    expect(r.stderr).toContain('apt-get install qemu-system-arm');
  });

  it('exits 2 for an unreadable image', async (ctx) => {
    requireTool(ctx, TOOLS.qemu);
    const r = await lockstep([join(dir, 'missing.elf')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no such file');
  });
});

/**
 * A stand-in for qemu-system-aarch64: answers --version, then serves a gdb stub on the port
 * of its -gdb argument that describes `coreXml` and answers 'g' with `g` (hex).
 */
function fakeQemu(name: string, coreXml: string, g: string): string {
  const path = join(dir, `${name}.mjs`);
  writeFileSync(path, `#!/usr/bin/env node
import { createServer } from 'node:net';
const argv = process.argv.slice(2);
if (argv[0] === '--version') { console.log('QEMU emulator version 7.2.0 (fake)'); process.exit(0); }
const port = Number(/:(\\d+)$/.exec(argv[argv.indexOf('-gdb') + 1])[1]);
const frame = (d) => '$' + d + '#' + ([...d].reduce((s, c) => s + c.charCodeAt(0), 0) & 255).toString(16).padStart(2, '0');
const reply = (p) => p.startsWith('qXfer:features:read:aarch64-core.xml:0,') ? 'l' + ${JSON.stringify(coreXml)} : p === 'g' ? ${JSON.stringify(g)} : '';
const srv = createServer((sock) => {
  let buf = '';
  sock.on('data', (d) => {
    buf += d.toString('latin1');
    for (let m; (m = /\\$([^#]*)#[0-9a-f]{2}/.exec(buf)); ) {
      buf = buf.slice(m.index + m[0].length);
      if (m[1] === 'k') process.exit(0);
      sock.write('+' + frame(reply(m[1])));
    }
  });
  sock.on('close', () => process.exit(0));
});
srv.listen(port, '127.0.0.1');
`);
  chmodSync(path, 0o755);
  return path;
}

let launchCase = 0;

/** QEMU 7.2's core feature (x0..x30, sp, pc 64 bits, cpsr 32), or with x0 of `x0bits`. */
const coreXml = (x0bits = 64): string =>
  [...Array.from({ length: 31 }, (_, i) => [`x${i}`, i === 0 ? x0bits : 64]), ['sp', 64], ['pc', 64], ['cpsr', 32]]
    .map(([n, b]) => `<reg name="${n}" bitsize="${b}"/>`).join('');

describe("lockstep: QEMU's gdb stub misbehaving", () => {
  it('starts QEMU again only when its port was taken (Address already in use)', async () => {
    const launches = async (message: string): Promise<number> => {
      const count = join(dir, `count-${launchCase++}`);
      const path = join(dir, `failing-${launchCase}.sh`);
      writeFileSync(path, `#!/bin/sh\necho x >> ${count}\necho "$0: ${message}" >&2\nexit 1\n`);
      chmodSync(path, 0o755);
      await expect(QemuProcess.launch({ binary: path, kernel: images.steps })).rejects.toThrow(message);
      return readFileSync(count, 'latin1').split('\n').filter(Boolean).length;
    };
    // QEMU 7.2's message when the port is taken: retried (five launches in all).
    expect(await launches('-gdb tcp:127.0.0.1:1234: Failed to find an available port: Address already in use')).toBe(5);
    // Any other failure, even one naming -gdb: not retried.
    expect(await launches('-gdb tcp:127.0.0.1:1234: some other gdbstub failure')).toBe(1);
  });

  it('exits 2 when the core registers are not laid out as expected', async () => {
    const r = await lockstep(['--qemu', fakeQemu('badxml', coreXml(32), ''), images.steps]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot start QEMU');
    expect(r.stderr).toContain("QEMU's gdb stub: QEMU's core registers are not laid out as expected: register 0 is x0/32, expected x0/64");
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it("exits 3 when a 'g' reply is short, naming the stub", async () => {
    const r = await lockstep(['--qemu', fakeQemu('shortg', coreXml(), '00'.repeat(100)), images.steps]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("QEMU's gdb stub failed: 'g' reply of 100 bytes; expected at least 268");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('lockstep against QEMU', () => {
  it('finds no divergence on an image that takes every kind of exception (every step compared)', async (ctx) => {
    requireTool(ctx, TOOLS.qemu);
    const r = await lockstep(['--every', '1', images.steps]);
    expect(r.stderr).toBe(''); // guest output is discarded on both sides
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^lockstep: no divergence in 45 steps: the image ended on both sides at the same step \(semihosting exit, status 0\)\n/);
  });

  it('agrees on the end: SYS_EXIT status 42, and PSCI SYSTEM_OFF', async (ctx) => {
    requireTool(ctx, TOOLS.qemu);
    const a = await lockstep([images.exit42]);
    expect(a.code).toBe(0);
    expect(a.stdout).toContain('no divergence in 3 steps: the image ended on both sides at the same step (semihosting exit, status 42)');
    const b = await lockstep([images.poweroff]);
    expect(b.code).toBe(0);
    expect(b.stdout).toContain('(PSCI SYSTEM_OFF)');
  });

  it('stops at --max-insns with exit 0', async (ctx) => {
    requireTool(ctx, TOOLS.qemu);
    const r = await lockstep(['--max-insns', '20', '--every', '7', images.steps]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^lockstep: no divergence in 20 steps: --max-insns reached\n/);
  });

  // QEMU 7.2 writes PSTATE = DAIF | mode on exception entry (NZCV = 0); a64emu keeps NZCV,
  // as AArch64.TakeException does not change it. The handler's CMP overwrites the flags two
  // steps later, so only --every 1 sees it; with checkpoints every 1000 steps it is missed.
  it('reports QEMU 7.2 clearing NZCV on exception entry, at the SVC, with --every 1', async (ctx) => {
    requireTool(ctx, TOOLS.qemu);
    expect((await lockstep([images.flags])).code).toBe(0);
    const r = await lockstep(['--every', '1', images.flags]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^lockstep: DIVERGENCE at step 6 \(0-based/);
    expect(r.stdout).toMatch(/instruction: EL1 pc 0x0000000040080018 {2}d4000021 {2}svc #1\n/);
    expect(r.stdout).toMatch(/ {2}nzcv +nZCv +nzcv +<<\n/);
    expect(r.stdout).toContain('differing registers: nzcv\n');
    expect(r.stdout).toContain('last 8 trace lines'); // 7 steps, one with an exception line
    expect(r.stdout).toContain('QEMU: 7 single steps, 0 continues, 1 launch');
  });
});

// The hook for FP/SIMD (issue 8): with fp on, V0..V31 are read from QEMU (registers 34..65 of
// its target description) and compared with a64emu's V slots.
describe('lockstep with V registers (the FP hook)', () => {
  const board = (): VirtMachine => {
    const m = new VirtMachine({ output: () => {}, reboot: false });
    m.load(images.steps);
    return m;
  };

  it('agrees on an integer-only image (V0..V31 zero on both sides)', async (ctx) => {
    requireTool(ctx, TOOLS.qemu);
    const r = await runLockstep({ machine: board(), qemu: { binary: TOOLS.qemu.command, kernel: images.steps }, fp: true, every: 5 });
    expect(r).toMatchObject({ kind: 'agree', steps: 45, why: 'ended' });
  });

  it('names a V register that differs', async (ctx) => {
    requireTool(ctx, TOOLS.qemu);
    const m = board();
    m.cpu.r[lo(Slot.V0) + 4 * 3 + 2] = 1; // V3 bits [95:64]
    const r = await runLockstep({ machine: m, qemu: { binary: TOOLS.qemu.command, kernel: images.steps }, fp: true });
    expect(r.kind).toBe('diverged');
    if (r.kind === 'diverged') {
      expect(r.step).toBe(-1);
      expect(r.differing).toEqual(['v3']);
    }
    const m2 = board();
    m2.cpu.r[lo(Slot.V0) + 4 * 3 + 2] = 1;
    const off = await runLockstep({ machine: m2, qemu: { binary: TOOLS.qemu.command, kernel: images.steps } });
    expect(off.kind).toBe('agree'); // fp off (today's default): V is not compared
  });
});

// a64emu at full speed against a64emu single-stepped: the full-speed board gets an image
// with one instruction changed (mov x1, #6 for mov x1, #5), a stand-in for a block-compiler bug.
describe('lockstep: a64emu at full speed against single steps', () => {
  const board = (words: readonly number[]): VirtMachine => {
    const m = new VirtMachine({ output: () => {}, reboot: false });
    m.load(elfOf(words));
    return m;
  };
  const MOV_X1_6 = 0xd28000c1; // mov x1, #0x6
  const changed = [MOV_X1_6, ...HIDDEN_EOR.slice(1)];

  it('agrees when both boards run the same image', async (ctx) => {
    requireTool(ctx, TOOLS.qemu);
    const r = await runLockstep({ machine: board(HIDDEN_EOR), fullSpeed: board(HIDDEN_EOR), qemu: { binary: TOOLS.qemu.command, kernel: images.hidden } });
    expect(r).toMatchObject({ kind: 'agree', why: 'ended' });
  });

  it('names the registers and the step range of a difference', async (ctx) => {
    requireTool(ctx, TOOLS.qemu);
    const r = await runLockstep({ machine: board(HIDDEN_EOR), fullSpeed: board(changed), qemu: { binary: TOOLS.qemu.command, kernel: images.hidden }, every: 1 });
    expect(r).toMatchObject({ kind: 'emu-inconsistent', from: 0, to: 1, differing: ['x1'] });
    if (r.kind !== 'emu-inconsistent') return;
    const text = inconsistencyReport(r, 0);
    expect(text).toMatch(/^lockstep: A64EMU INCONSISTENCY between step 0 and step 0 \(0-based\)/);
    expect(text).toMatch(/\n {2}x1 +0x0000000000000005 +0x0000000000000006\n/);
  });

  it('reports a different end (the exit status, from x3 = 5 ^ 6 stored to memory)', async (ctx) => {
    requireTool(ctx, TOOLS.qemu);
    const r = await runLockstep({ machine: board(HIDDEN_EOR), fullSpeed: board(changed), qemu: { binary: TOOLS.qemu.command, kernel: images.hidden } });
    expect(r).toMatchObject({ kind: 'emu-inconsistent', to: 9, differing: [] });
    if (r.kind !== 'emu-inconsistent') return;
    expect(r.stepped.ended).toBe('semihosting exit, status 0');
    expect(r.fast.ended).toBe('semihosting exit, status 3');
  });
});

describe('lockstep: the end of the image', () => {
  it('reports both sides ending differently at the exiting step (a difference only in memory)', async (ctx) => {
    requireTool(ctx, TOOLS.qemu);
    const r = await lockstep(['--plant-defect', 'eor-reg', images.hidden]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^lockstep: DIVERGENCE at step 8 \(0-based/);
    expect(r.stdout).toMatch(/instruction: EL1 pc 0x0000000040080020 {2}d45e0000 {2}hlt #0xf000\n/);
    expect(r.stdout).toContain('note: both ended, differently\n');
    expect(r.stdout).toMatch(/ {2}end +semihosting exit, status 1 +QEMU exited, status 0\n/);
    // Compared after every step, the EOR itself is the first difference.
    const every = await lockstep(['--plant-defect', 'eor-reg', '--every', '1', images.hidden]);
    expect(every.code).toBe(1);
    expect(every.stdout).toMatch(/^lockstep: DIVERGENCE at step 2 \(0-based/);
    expect(every.stdout).toContain('differing registers: x3\n');
  });
});

describe('lockstep: a difference that heals itself', () => {
  // a64emu takes an exception QEMU does not, and its handler returns to the same general
  // registers: at the checkpoint (one breakpoint hop, which does not count steps) only the
  // exception registers still differ. Before they were compared this reported no divergence.
  // The expected values are the Arm ARM's: NOP does nothing (C6.2 NOP), so QEMU runs on; the
  // exception entry (D1.10) on a64emu sets ELR_EL1 to the NOP's address, ESR_EL1 to EC 0x00
  // with IL = 1 (0x02000000) and SPSR_EL1 to the PSTATE before it.
  it('finds the exception step from the exception registers left behind', async (ctx) => {
    requireTool(ctx, TOOLS.qemu);
    const clean = await lockstep([images.heals]);
    expect(clean.stdout).toMatch(/^lockstep: no divergence in 12 steps: the image ended on both sides at the same step \(semihosting exit, status 0\)\n/);
    expect(clean.code).toBe(0);
    const r = await lockstep(['--plant-defect', 'nop-undef', images.heals]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^lockstep: DIVERGENCE at step 4 \(0-based/);
    expect(r.stdout).toMatch(/instruction: EL1 pc 0x0000000040080010 {2}d503201f {2}nop\n/);
    expect(r.stdout).toContain('differing registers: pc elr_el1 spsr_el1 esr_el1\n');
    expect(r.stdout).toMatch(/\n {2}esr_el1 +0x0000000002000000 +0x0000000000000000 +<<\n/);
    expect(r.stdout).toMatch(/\n {2}elr_el1 +0x0000000040080010 +0x0000000000000000 +<<\n/);
    // SPSR_EL1: PSTATE at the NOP, EL1h with DAIF masked and Z set (QEMU's reset NZCV).
    expect(r.stdout).toMatch(/\n {2}spsr_el1 +0x00000000400003c5 +0x0000000000000000 +<<\n/);
  });
});

describe('lockstep: raw images', () => {
  // QEMU enters a raw image through its boot code (Linux boot protocol): x0 holds the device
  // tree's address and x4 the entry point. a64emu starts at the entry with both 0.
  it('runs QEMU to the entry point and reports the boot registers as differing at the start', async (ctx) => {
    requireTool(ctx, TOOLS.qemu);
    const r = await lockstep([images.raw]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^lockstep: DIVERGENCE before the first instruction/);
    expect(r.stdout).toMatch(/ {2}pc +0x0000000040080000 +0x0000000040080000\n/);
    expect(r.stdout).toContain('differing registers: x0 x4\n');
    expect(r.stdout).toContain("note: a raw image: QEMU's boot code ran up to the entry point first");
  });
});

describe('lockstep: WFI', () => {
  // QEMU's single step of a WFI with no interrupt to come never ends (the CPU waits); a64emu
  // has no interrupts yet and its WFI completes at once. Lockstep stops QEMU with a ^C.
  it('reports a WFI that QEMU does not finish', async (ctx) => {
    requireTool(ctx, TOOLS.qemu);
    const r = await lockstep([images.wfi]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^lockstep: DIVERGENCE at step 1 \(0-based/);
    expect(r.stdout).toMatch(/instruction: EL1 pc 0x0000000040080004 {2}d503207f {2}wfi\n/);
    expect(r.stdout).toMatch(/ {2}end +running +QEMU did not finish the step in 1000 ms/);
    expect(r.stdout).toContain('differing: QEMU did not finish\n');
  }, 20_000);
});

describe("QEMU's gdb single step, against a64emu's steps", () => {
  it('takes an exception in one step (SVC, external abort, UDF) and completes HLT semihosting in one', async (ctx) => {
    requireTool(ctx, TOOLS.qemu);
    // a64emu: the PC after each step.
    const m = new VirtMachine({ output: () => {}, reboot: false });
    m.load(elfOf(STEPS));
    const emuPcs: bigint[] = [m.cpu.pc];
    const r = await m.run({ observer: { from: 0, count: Infinity, beforeStep: () => {}, afterStep: () => emuPcs.push(m.cpu.pc) } });
    expect(r.stop).toEqual({ kind: 'exit', code: 0 });
    // QEMU: the same, one 's' at a time.
    const q = await QemuProcess.launch({ binary: TOOLS.qemu.command, kernel: images.steps });
    const qemuPcs: bigint[] = [];
    let end;
    try {
      for (;;) {
        const g = await q.gdb.readRegisters();
        qemuPcs.push(new DataView(g.buffer, g.byteOffset).getBigUint64(32 * 8, true));
        end = await q.gdb.step();
        if (end.kind !== 'signal') break;
      }
    } finally {
      await q.close();
    }
    expect(end).toEqual({ kind: 'exited', code: 0 });
    // QEMU's last step is the exiting HLT: it has no state after it.
    expect(qemuPcs).toEqual(emuPcs.slice(0, -1));
    const after = (pc: number): bigint => emuPcs[emuPcs.indexOf(BigInt(pc)) + 1];
    const vector = BigInt(VBAR + 0x200);
    expect(after(0x40080014)).toBe(vector); // svc
    expect(after(0x40080020)).toBe(vector); // ldr from nothing
    expect(after(0x40080028)).toBe(vector); // udf
    expect(after(0x40080038)).toBe(0x4008003cn); // hlt #0xf000 (SYS_WRITEC)
    expect(after(0x40080040)).toBe(0x40080044n); // hvc (PSCI)
    expect(emuPcs.length - 1).toBe(45);
  });
});

describe('lockstep cleans up QEMU', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`when the a64emu process gets ${signal}`, async (ctx) => {
      requireTool(ctx, TOOLS.qemu);
      if (!existsSync('/proc')) ctx.skip('needs /proc to look for stray processes');
      const cli = ensureCli();
      expect(cli.ok, cli.ok ? '' : cli.error).toBe(true);
      // An endless loop: lockstep runs until stopped.
      const child = spawn(process.execPath, [join(ROOT, 'dist/a64emu.mjs'), 'lockstep', images.loop], { stdio: 'ignore' });
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      try {
        const t0 = Date.now();
        while (processesWith(images.loop).length < 2 && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 50));
        expect(processesWith(images.loop).length, commandLines(processesWith(images.loop))).toBe(2); // a64emu and its QEMU
        child.kill(signal);
        await exited;
        // SIGKILL of QEMU is immediate, but its exit may take a moment on a loaded machine.
        const t1 = Date.now();
        while (processesWith(images.loop).length > 0 && Date.now() - t1 < 5_000) await new Promise((r) => setTimeout(r, 50));
        const left = processesWith(images.loop);
        expect(left, commandLines(left)).toEqual([]);
      } finally {
        // Whatever failed above, leave nothing running.
        for (const pid of processesWith(images.loop)) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            /* gone meanwhile */
          }
        }
      }
    }, 60_000);
  }
});
