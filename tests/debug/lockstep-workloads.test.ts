// `a64emu lockstep` on ../shared/workloads/intmix.elf against QEMU: 200,000 steps agree, and
// the planted EOR defect is found at the step where a64emu first executes a 64-bit EOR
// (shifted register), found here without the lockstep code. Needs QEMU (skipped with the
// reason when missing, failing under CI) and ../shared (likewise). In the slow project.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main, type CliIo } from '../../src/cli/main.js';
import { Slot, lo } from '../../src/cpu/state.js';
import { liveQemuCount } from '../../src/debug/lockstep_qemu.js';
import { VirtMachine } from '../../src/machine/virt.js';
import { ROOT } from '../helpers/a64emu.js';
import { requireTool, TOOLS } from '../helpers/tools.js';

const INTMIX = resolve(ROOT, '../shared/workloads/intmix.elf');

function needIntmix(ctx: { skip: (note?: string) => never }): void {
  if (existsSync(INTMIX)) return;
  if (process.env.CI === 'true') expect.fail(`${INTMIX} is missing: CI must have ../shared beside the clone`);
  ctx.skip(`${INTMIX} is missing (the project's ../shared folder is not beside this clone)`);
}

async function lockstep(argv: string[]) {
  const out = { stdout: '', stderr: '' };
  const io: Partial<CliIo> = {
    write: (stream, data) => {
      out[stream] += typeof data === 'string' ? data : new TextDecoder().decode(data);
    },
    stdin: null,
  };
  const code = await main(['lockstep', ...argv], io);
  return { code, ...out };
}

// Encodings from the Arm ARM (C6.2), to find instructions without the lockstep code.
/** EOR (shifted register), 64-bit: sf=1 opc=10 01010 shift:2 N=0 Rm imm6 Rn Rd; Rd = 31 is XZR. */
const isEorDefect = (w: number): boolean => (w & 0xff20_0000) >>> 0 === 0xca00_0000 && (w & 31) !== 31;
/** ADD (immediate), 64-bit, no flags: sf=1 op=0 S=0 100010 sh imm12 Rn Rd; 31 is SP (the defect spares it). */
const isAddImmDefect = (w: number): boolean => (w & 0xff80_0000) >>> 0 === 0x9100_0000 && (w & 31) !== 31 && ((w >>> 5) & 31) !== 31;
/** MRS Xt, CNTVCT_EL0: 1101010100 1 1 1 011 1110 0000 010 Rt. */
const isMrsCntvct = (w: number): boolean => (w & 0xffff_ffe0) >>> 0 === 0xd53b_e040;

/** The first step at which a64emu (no defect) executes an instruction `match` accepts, and its Rd. */
async function firstStep(image: string, match: (word: number) => boolean): Promise<{ step: number; rd: number }> {
  const m = new VirtMachine({ output: () => {}, reboot: false });
  m.load(image);
  const cpu = m.cpu;
  let found: { step: number; rd: number } | undefined;
  const observer = {
    from: 0,
    count: Infinity,
    beforeStep(step: number) {
      const pcLo = cpu.r[lo(Slot.PC)]; // the PC's low and high words
      const pcHi = cpu.r[lo(Slot.PC) + 1];
      if (found || (pcLo & 3) !== 0 || !cpu.mem.canFetch(pcLo, pcHi)) return;
      const w = cpu.mem.fetch(pcLo, pcHi);
      if (match(w)) {
        found = { step, rd: w & 31 };
        observer.count = 0; // the rest at full speed
      }
    },
    afterStep() {},
  };
  await m.run({ maxInsns: 50_000_000, observer });
  if (!found) throw new Error('no such instruction in the first 50M steps');
  return found;
}

afterEach(() => {
  expect(liveQemuCount()).toBe(0);
});

describe('lockstep on intmix', () => {
  it('finds no divergence in 200,000 steps', async (ctx) => {
    requireTool(ctx, TOOLS.qemu);
    needIntmix(ctx);
    const r = await lockstep([INTMIX, '--max-insns', '200000']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^lockstep: no divergence in 200000 steps: --max-insns reached\n/);
    expect(r.code).toBe(0);
  });

  it('finds the planted EOR defect at the first 64-bit EOR, in its Rd', async (ctx) => {
    requireTool(ctx, TOOLS.qemu);
    needIntmix(ctx);
    const eor = await firstStep(INTMIX, isEorDefect);
    const r = await lockstep(['--plant-defect', 'eor-reg', '--from', String(eor.step - 500), '--max-insns', String(eor.step + 500), INTMIX]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`^lockstep: DIVERGENCE at step ${eor.step} \\(0-based`));
    expect(r.stdout).toMatch(/\ninstruction: EL1 pc 0x[0-9a-f]{16} {2}ca[0-9a-f]{6} {2}eor x/);
    expect(r.stdout).toContain(`\ndiffering registers: x${eor.rd}\n`);
    // Without the defect the same stretch agrees.
    const ok = await lockstep(['--from', String(eor.step - 500), '--max-insns', String(eor.step + 500), INTMIX]);
    expect(ok.stdout).toMatch(new RegExp(`^lockstep: no divergence from step ${eor.step - 500} to step ${eor.step + 500}: --max-insns reached\\n`));
    expect(ok.code).toBe(0);
  });

  it('finds the planted ADD (immediate) defect within 200,000 steps, at the first such ADD', async (ctx) => {
    requireTool(ctx, TOOLS.qemu);
    needIntmix(ctx);
    const add = await firstStep(INTMIX, isAddImmDefect);
    expect(add.step).toBeLessThan(200_000);
    const r = await lockstep(['--plant-defect', 'add-imm', '--max-insns', '200000', INTMIX]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`^lockstep: DIVERGENCE at step ${add.step} \\(0-based`));
    expect(r.stdout).toContain(`\ndiffering registers: x${add.rd}\n`);
  });

  // QEMU runs with -icount shift=0,sleep=off: its counter is then one tick per 16
  // instructions however it is driven, as a64emu's. (With sleep on, the time QEMU spends
  // stopped under the stub shows up in CNTVCT_EL0.)
  it("agrees on intmix's read of CNTVCT_EL0, compared after every step", async (ctx) => {
    requireTool(ctx, TOOLS.qemu);
    needIntmix(ctx);
    const mrs = await firstStep(INTMIX, isMrsCntvct);
    const r = await lockstep(['--every', '1', '--from', String(mrs.step - 3), '--max-insns', String(mrs.step + 3), INTMIX]);
    expect(r.stdout).toMatch(/^lockstep: no divergence from step \d+ to step \d+: --max-insns reached\n/);
    expect(r.code).toBe(0);
  });
});
