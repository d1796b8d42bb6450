// Migration snapshots (src/machine/snapshot.ts, docs/snapshot.md): a run split by save/load
// at many instruction counts must give the same output and the same final state as the
// unsplit run.
//
// Where the expected values come from:
//   - the UART output of the committed images is QEMU 7.2's, recorded in
//     tests/images/*/<name>.expected.json (qemu-system-aarch64 7.2, command line inside);
//   - "the same final state" is the unsplit run's, compared through the whole state file
//     (every cpreg value, core register, CPU bookkeeping, device state, RAM);
//   - the counter values under --icount are QEMU 7.2's, observed live: the guest COUNTER
//     below, run on qemu-system-aarch64 7.2 -M virt -cpu cortex-a57 -icount shift=N,sleep=off
//     and read with gdb-multiarch at 0x40080024, gave X2 = 124500 (shift=0) and 1000000
//     (shift=3), which is sum over k < 1000 of floor(((2 + 4k) << shift) / 16): QEMU's
//     CNTVCT is the virtual clock in ns (icount << shift) over 16 ns per tick.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VirtMachine, type RunResult, type VirtOptions } from '../../src/machine/virt.js';
import { readState } from '../../src/machine/snapshot.js';
import { hexId, sysregId } from '../../src/kvmcompat/regid.js';
import { ROOT } from '../helpers/a64emu.js';
import { bytesOf } from './images.js';

/** Console bytes of a sequence of machines, in order, with a marker where the stream changes. */
class Out {
  text = '';
  private last = 'stdout';
  sink = (stream: string, b: Uint8Array): void => {
    if (stream !== this.last) this.text += `<${stream}>`;
    this.last = stream;
    this.text += Buffer.from(b).toString('latin1');
  };
}

/**
 * The machines get 64 MiB of RAM (the images use less; their output still matches QEMU's
 * recordings at -m 512): saving scans all of RAM, and untouched RAM costs a page fault per
 * page read (about 110 ms for 512 MiB).
 */
const MEM = 64 * 1024 * 1024;
const make = (opts: VirtOptions, out: Out): VirtMachine => new VirtMachine({ memory: MEM, ...opts, output: out.sink, warn: () => {} });

/** A state file's contents in a form toEqual can compare readably (RAM as a hash). */
function summary(bytes: Uint8Array): unknown {
  const s = readState(bytes);
  const regs = (l: readonly { id: bigint; value: bigint }[]): string[] => l.map((r) => `${hexId(r.id)}=${r.value.toString(16)}`);
  const ram = createHash('sha256');
  for (const [p, page] of [...s.ram.pages].sort((a, b) => a[0] - b[0])) ram.update(`${p}:`).update(page);
  return { header: s.header, cpregs: regs(s.cpregs), core: regs(s.core), cpu: s.cpu, devices: s.devices, ram: ram.digest('hex') };
}

interface Split {
  out: string;
  /** How much output there was at each save. */
  outAt: number[];
  stop: RunResult['stop'];
  final: Uint8Array;
  states: Uint8Array[];
}

/**
 * Runs `image` from power-on, saving at each of `points` (ascending instruction counts) and
 * continuing each time on a fresh machine loaded from the state just saved.
 */
async function splitRun(image: string, opts: VirtOptions, points: readonly number[], maxInsns = Infinity): Promise<Split> {
  const out = new Out();
  let m = make(opts, out);
  m.load(join(ROOT, image), { name: image });
  const states: Uint8Array[] = [];
  const outAt: number[] = [];
  let steps = 0;
  for (const at of points) {
    const r = await m.run({ maxInsns: maxInsns - steps, save: { at, write: (s) => (states.push(s), false) } });
    steps += r.steps;
    expect(r.stop.kind, `save at ${at}`).toBe('saved');
    expect(m.instructions).toBe(at);
    outAt.push(out.text.length);
    m = make(opts, out);
    m.loadState(states[states.length - 1]);
  }
  const r = await m.run({ maxInsns: maxInsns - steps });
  return { out: out.text, outAt, stop: r.stop, final: m.saveState(), states };
}

/** The unsplit run, with the instruction counts of exception entries and output bytes. */
async function plainRun(image: string, opts: VirtOptions, maxInsns = Infinity) {
  const out = new Out();
  const m = make(opts, out);
  m.load(join(ROOT, image), { name: image });
  const entries: number[] = [];
  m.cpu.onException = () => entries.push(m.instructions);
  const r = await m.run({ maxInsns });
  m.cpu.onException = null;
  return { out: out.text, stop: r.stop, final: m.saveState(), total: m.instructions, entries };
}

const uartOf = (name: string): string =>
  (JSON.parse(readFileSync(join(ROOT, name.replace(/\.elf$/, '.expected.json')), 'utf8')) as { uart: string }).uart;

/** Split points: 0, 1, 2, the given extra ones, and `n` spread over [0, total). */
function points(total: number, n: number, extra: readonly number[]): number[] {
  const ps = new Set([0, 1, 2, ...extra]);
  for (let i = 1; i <= n; i++) ps.add(Math.floor((total * i) / (n + 1)) + (i % 7));
  return [...ps].filter((p) => p < total).sort((a, b) => a - b);
}

/** SCTLR_ELx.M in a state's cpreg list (SCTLR_EL1: op0 3, op1 0, CRn 1; SCTLR_EL2: op1 4). */
const mmuOn = (state: Uint8Array, el: 1 | 2): boolean => {
  const id = sysregId(3, el === 1 ? 0 : 4, 1, 0, 0);
  return ((readState(state).cpregs.find((r) => r.id === id)?.value ?? 0n) & 1n) === 1n;
};

describe('a run split by save/load gives the unsplit run', () => {
  it.each([
    ['tests/images/mmu/mmu_el1.elf', { cpu: 'cortex-a57' }, 1],
    ['tests/images/mmu/mmu_el2_max.elf', { cpu: 'max', el: 2 }, 2],
    ['tests/images/exc/exc_el3el2.elf', { cpu: 'cortex-a57', el: 3, el2: true }, undefined],
  ] as const)('%s', async (image, opts, mmuEl) => {
    const plain = await plainRun(image, opts);
    expect(plain.stop).toEqual({ kind: 'exit', code: 0 });
    expect(plain.out).toBe(uartOf(image)); // QEMU 7.2's recording
    // Inside exception handlers: two instructions after some entries.
    const inHandler = plain.entries.filter((_, i) => i % Math.max(1, Math.floor(plain.entries.length / 3)) === 0).map((e) => e + 2);
    expect(inHandler.length).toBeGreaterThan(2);
    const ps = points(plain.total, 4, inHandler);
    const split = await splitRun(image, opts, ps);
    expect(split.stop).toEqual(plain.stop);
    expect(split.out).toBe(plain.out);
    expect(summary(split.final)).toEqual(summary(plain.final));
    expect(Buffer.compare(split.final, plain.final)).toBe(0);
    // The split points cover output on both sides of a save and, for the MMU images, the MMU on.
    expect(readState(split.states[split.states.length - 1]).header.instructions).toBe(ps[ps.length - 1]);
    if (mmuEl !== undefined) expect(split.states.some((s) => mmuOn(s, mmuEl))).toBe(true);
    expect(split.outAt.some((n) => n > 0 && n < plain.out.length)).toBe(true); // between UART lines
  });

  it('fpmix: FP/SIMD state live across saves (1 M steps)', async () => {
    const image = '../shared/workloads/fpmix.elf';
    const opts = { cpu: 'cortex-a57' };
    const max = 1_000_000;
    const plain = await plainRun(image, opts, max);
    expect(plain.stop.kind).toBe('limit');
    const ps = points(plain.total, 3, []);
    const split = await splitRun(image, opts, ps, max);
    expect(split.stop.kind).toBe('limit');
    expect(split.out).toBe(plain.out);
    expect(Buffer.compare(split.final, plain.final)).toBe(0);
    // Some V register is non-zero at some save point (the FP state was live).
    const vLive = split.states.some((s) => readState(s).core.some((r) => (r.id & 0x00f0000000000000n) === 0x0040000000000000n && r.value !== 0n));
    expect(vLive).toBe(true);
  });
});

describe('the TLB in the state', () => {
  it('mmu_el2_max reads through a stale entry on purpose: a load keeps it (dropping it would not)', async () => {
    const image = 'tests/images/mmu/mmu_el2_max.elf';
    const opts = { cpu: 'max', el: 2 } as const;
    // The unsplit run, with the instruction count (at block start) of each UART byte.
    const out = new Out();
    const m = make(opts, out);
    m.load(join(ROOT, image), { name: image });
    const at: number[] = [];
    let text = '';
    const write = m.uart.write.bind(m.uart);
    m.uart.write = (off, size, v) => {
      if ((off & 0xffc) === 0) {
        at.push(m.instructions);
        text += String.fromCharCode(v & 0xff);
      }
      write(off, size, v);
    };
    await m.run();
    // QEMU 7.2 prints the stale value (the recording); the line before is the access that cached it.
    const stale = text.indexOf('page_b without TLBI (stale, as QEMU): x0=a0a0a0a000000000');
    expect(stale).toBeGreaterThan(0);
    const from = at[text.lastIndexOf('\n', stale)];
    const to = at[stale];
    const finish = async (point: number, dropTlb: boolean): Promise<string> => {
      const o = new Out();
      const a = make(opts, o);
      a.load(join(ROOT, image), { name: image });
      let st: Uint8Array | undefined;
      await a.run({ save: { at: point, write: (x) => ((st = x), false) } });
      const b = make(opts, o);
      b.loadState(st!);
      if (dropTlb) b.cpu.mem.tlb.clear(); // what a QEMU migration does
      await b.run();
      return o.text;
    };
    let sensitive = 0;
    for (let p = from; p < to; p += Math.max(1, Math.floor((to - from) / 3))) {
      expect(await finish(p, false)).toBe(out.text);
      if ((await finish(p, true)) !== out.text) sensitive++;
    }
    expect(sensitive).toBeGreaterThan(0);
  });
});

/** The counter guest (assembled with aarch64-linux-gnu-as 2.40, linked at 0x40080000). */
const COUNTER = bytesOf([
  0xd2800002, // mov x2, #0
  0xd2807d03, // mov x3, #1000
  0xd53be041, // 1: mrs x1, cntvct_el0
  0x8b010042, // add x2, x2, x1
  0xf1000463, // subs x3, x3, #1
  0x54ffffa1, // b.ne 1b
  0x10000101, // adr x1, el
  0x52800600, // mov w0, #0x30 (SYS_ELAPSED)
  0xd45e0000, // hlt #0xf000
  0x100000e1, // adr x1, blk
  0x52800300, // mov w0, #0x18 (SYS_EXIT)
  0xd45e0000, // hlt #0xf000
  0x14000000, // b .
  0xd503201f, // nop
  0, 0, // el: .quad 0
  0x20026, 0, 0, 0, // blk: .quad 0x20026, 0
]);

/**
 * The PMU guest (aarch64-linux-gnu-as 2.40, linked at 0x40080000): counter 0 counts
 * INST_RETIRED, counter 1 CPU_CYCLES, the cycle counter on; 100 loop iterations; then X2 =
 * PMCCNTR_EL0, X4 = PMEVCNTR0_EL0, X5 = PMEVCNTR1_EL0. QEMU 7.2 (-M virt -cpu cortex-a57
 * -icount shift=N,sleep=off, read with gdb-multiarch at 0x40080040) gave 203, 204, 205 with
 * shift=0 and 812, 204, 820 with shift=2: cycles are virtual nanoseconds.
 */
const PMU = bytesOf([
  0xd2800100, 0xd51bec00, // mov x0, #0x8; msr pmevtyper0_el0, x0
  0xd2800220, 0xd51bec20, // mov x0, #0x11; msr pmevtyper1_el0, x0
  0xd2800060, 0xb2610000, 0xd51b9c20, // mov x0, #3; orr x0, x0, #0x80000000; msr pmcntenset_el0, x0
  0xd2800020, 0xd51b9c00, 0xd5033fdf, // mov x0, #1; msr pmcr_el0, x0; isb
  0xd2800c83, 0xf1000463, 0x54ffffe1, // mov x3, #100; 1: subs x3, x3, #1; b.ne 1b
  0xd53b9d02, 0xd53be804, 0xd53be825, // mrs x2, pmccntr_el0; mrs x4, pmevcntr0_el0; mrs x5, pmevcntr1_el0
  0x10000081, 0x52800300, 0xd45e0000, 0x14000000, // adr x1, blk; mov w0, #0x18; hlt #0xf000; b .
  0x00020026, 0, 0, 0, // blk: .quad 0x20026, 0
]);

describe('--icount shift', () => {
  it.each([
    [0, [203n, 204n, 205n]],
    [2, [812n, 204n, 820n]],
  ])('shift=%i: PMU cycles are virtual nanoseconds, instructions are instructions (QEMU 7.2)', async (shift, want) => {
    for (const points of [[], [9, 50, 151, 210]]) {
      let m = make({ icountShift: shift }, new Out());
      m.load(PMU);
      for (const at of points) {
        await m.run({ save: { at, write: (s) => ((m = make({ icountShift: shift }, new Out())), m.loadState(s), false) } });
      }
      expect((await m.run()).stop).toEqual({ kind: 'exit', code: 0 });
      expect([m.cpu.x[2], m.cpu.x[4], m.cpu.x[5]]).toEqual(want);
    }
  });

  it.each([
    [0, 124500n],
    [3, 1000000n],
  ])('shift=%i: CNTVCT_EL0 as QEMU 7.2, unsplit and split at every 499th instruction', async (shift, want) => {
    const run = async (points: number[]): Promise<bigint> => {
      const out = new Out();
      let m = make({ icountShift: shift }, out);
      m.load(COUNTER);
      for (const at of points) {
        const r = await m.run({ save: { at, write: (s) => ((m = make({ icountShift: shift }, out)), m.loadState(s), false) } });
        expect(r.stop.kind).toBe('saved');
      }
      const r = await m.run();
      expect(r.stop).toEqual({ kind: 'exit', code: 0 });
      return m.cpu.x[2];
    };
    expect(await run([])).toBe(want);
    expect(await run(Array.from({ length: 9 }, (_, i) => i * 499))).toBe(want);
  });

  it('SYS_ELAPSED: 2^shift ns per instruction retired before the call, split or not', async () => {
    // a64emu's definition (virtual time; QEMU 7.2 answers with host time): 4004 instructions
    // run before the HLT (2, then 4 per iteration, then ADR and MOV).
    const elapsed = async (shift: number, at?: number): Promise<bigint> => {
      let m = make({ icountShift: shift }, new Out());
      m.load(COUNTER);
      if (at !== undefined) {
        const s = m;
        await s.run({ save: { at, write: (st) => ((m = make({ icountShift: shift }, new Out())), m.loadState(st), false) } });
      }
      await m.run();
      return new DataView(m.bus.ram.buffer).getBigUint64(0x80038, true);
    };
    expect(await elapsed(0)).toBe(4004n);
    expect(await elapsed(4)).toBe(4004n << 4n);
    // Saved between the ADR and the MOV: the loaded run's block starts there.
    expect(await elapsed(4, 4003)).toBe(4004n << 4n);
  });

  // (The other board options: snapshot-format.test.ts, 'a model or board mismatch is refused'.)
  it('refuses a state saved with another shift; shifts above QEMU\'s MAX_ICOUNT_SHIFT (10) are refused', async () => {
    const m = make({ icountShift: 2 }, new Out());
    m.load(COUNTER);
    await m.run({ maxInsns: 10 });
    const s = m.saveState();
    expect(() => make({ icountShift: 3 }, new Out()).loadState(s)).toThrow(/--icount shift=2 in the file, shift=3 here/);
    make({ icountShift: 2 }, new Out()).loadState(s);
    expect(() => make({ icountShift: 11 }, new Out())).toThrow(/0 to 10/);
  });
});
