// The board end to end, with the hand-assembled programs of images.ts. Their expected
// results were taken from qemu-system-aarch64 7.2 -M virt -cpu cortex-a57 -semihosting
// running the same programs: EXIT42 exits 42, HELLO prints "hello, virt\n" and exits 7,
// POWEROFF exits 0, RESET3 reboots twice and exits 3.
import { describe, expect, it } from 'vitest';
import { MiB } from '../../src/machine/bus.js';
import { LoadError } from '../../src/machine/loader.js';
import { Semihosting } from '../../src/machine/semihosting.js';
import { COUNTER_FREQUENCY, ConfigError, VirtMachine, type StepObserver } from '../../src/machine/virt.js';
import { bytesOf, elfOf, EXIT42, HELLO, LOOP, POWEROFF, RESET3 } from './images.js';

/** The programs' instruction words (not their data) all decode: the executors exist. */
function machine(opts: ConstructorParameters<typeof VirtMachine>[0] = {}) {
  const out: { stream: string; text: string }[] = [];
  const m = new VirtMachine({
    memory: 16 * MiB,
    output: (stream, bytes) => out.push({ stream, text: new TextDecoder().decode(bytes) }),
    ...opts,
  });
  const text = (stream: string) =>
    out
      .filter((o) => o.stream === stream)
      .map((o) => o.text)
      .join('');
  return { m, out, text };
}

describe('VirtMachine set-up', () => {
  it('rejects unknown CPU models, listing the known ones', () => {
    expect(() => new VirtMachine({ cpu: 'cortex-a53' })).toThrow(ConfigError);
    expect(() => new VirtMachine({ cpu: 'cortex-a53' })).toThrow(/known: cortex-a57, cortex-a72, max/);
  });

  it('rejects memory sizes that are not whole pages or do not fit below 4 GiB', () => {
    expect(() => new VirtMachine({ memory: 1000 })).toThrow(/multiple of 4 KiB/);
    expect(() => new VirtMachine({ memory: 4096 * MiB })).toThrow(/at most 3072 MiB/);
  });

  it('maps the PL011 at 0x09000000 and RAM at 0x40000000', () => {
    const { m } = machine();
    expect(m.bus.ramBase).toBe(0x4000_0000);
    expect(m.bus.mmioRead(0x0900_0fe0, 4)).toBe(0x11);
    expect(m.bus.mmioRead(0x0800_0000, 4)).toBeUndefined();
  });

  it('enters an ELF at e_entry and a raw image at 0x40080000, at EL1 (cortex-a57 has no EL2/EL3)', () => {
    const { m } = machine();
    m.load(elfOf(EXIT42));
    expect(m.cpu.pc).toBe(0x4008_0000n);
    expect(m.cpu.el).toBe(1);
    m.load(bytesOf(EXIT42));
    expect(m.loaded?.format).toBe('raw');
    expect(m.cpu.pc).toBe(0x4008_0000n);
  });

  it('passes loader errors through as LoadError', () => {
    const { m } = machine();
    expect(() => m.load(Uint8Array.of(0x7f, 0x45, 0x4c, 0x46, 2, 1, 1))).toThrow(LoadError);
  });

  it('counts virtual time: 16 instructions per tick of a 62.5 MHz counter', () => {
    const { m } = machine();
    expect(COUNTER_FREQUENCY).toBe(62_500_000);
    expect(m.cpu.platform.counterFrequency).toBe(62_500_000);
    expect(m.cpu.platform.counter!(m.cpu, 1600)).toBe(100n);
    expect(m.cpu.platform.counter!(m.cpu, 15)).toBe(0n);
  });
});

describe('VirtMachine runs', () => {
  it('stops with the semihosting exit status', async () => {
    const { m } = machine();
    m.load(elfOf(EXIT42));
    const r = await m.run();
    expect(r.stop).toEqual({ kind: 'exit', code: 42 });
    expect(r.instructions).toBe(3);
  });

  it('sends UART output to stdout', async () => {
    const { m, text } = machine();
    m.load(bytesOf(HELLO));
    const r = await m.run();
    expect(r.stop).toEqual({ kind: 'exit', code: 7 });
    expect(text('stdout')).toBe('hello, virt\n');
  });

  it('powers off on PSCI SYSTEM_OFF', async () => {
    const { m } = machine();
    m.load(elfOf(POWEROFF));
    expect((await m.run()).stop).toEqual({ kind: 'poweroff' });
  });

  it('reboots on PSCI SYSTEM_RESET, keeping RAM outside the image', async () => {
    const { m } = machine();
    m.load(elfOf(RESET3));
    const r = await m.run();
    expect(r.stop).toEqual({ kind: 'exit', code: 3 });
    expect(r.resets).toBe(2);
  });

  it('stops on a reset request when reboot is off (-no-reboot)', async () => {
    const { m } = machine({ reboot: false });
    m.load(elfOf(RESET3));
    const r = await m.run();
    expect(r.stop).toEqual({ kind: 'reset' });
    expect(r.resets).toBe(0);
  });

  it('stops after exactly maxInsns instructions', async () => {
    const { m } = machine();
    m.load(elfOf(LOOP));
    const r = await m.run({ maxInsns: 2_500_001 });
    expect(r.stop).toEqual({ kind: 'limit' });
    expect(r.instructions).toBe(2_500_001);
    expect(m.cpu.x[0]).toBe(1_250_001n); // the add ran once more than the branch
  });

  it('lets timers run within the first 100,000 steps', async () => {
    const { m } = machine();
    m.load(elfOf(LOOP));
    let at = -1;
    setTimeout(() => (at = m.cpu.icount), 0);
    const r = await m.run({ maxInsns: 1_000_000 });
    expect(r.instructions).toBe(1_000_000);
    expect(at).toBeGreaterThan(0);
    expect(at).toBeLessThanOrEqual(100_000);
  });

  it('stops when asked between slices', async () => {
    const { m } = machine();
    m.load(elfOf(LOOP));
    const p = m.run();
    m.requestStop();
    expect((await p).stop).toEqual({ kind: 'interrupted' });
  });

  it('reports a host exception in the run loop as an internal stop with the guest PC', async () => {
    const { m } = machine();
    m.load(elfOf(EXIT42));
    const spy = (m.semihosting as Semihosting & { call: unknown }).call;
    m.semihosting.call = () => {
      throw new TypeError('boom');
    };
    const r = await m.run();
    m.semihosting.call = spy as Semihosting['call'];
    expect(r.stop.kind).toBe('internal');
    if (r.stop.kind !== 'internal') return;
    expect(r.stop.pc).toBe(0x4008_0008n);
    expect(r.stop.insn).toBe(0xd45e0000 | 0);
    expect(r.stop.message).toMatch(/boom/);
  });

  // At EL1 (max has no EL2/EL3): two UDFs, each skipped by the vector at VBAR + 0x200,
  // then the semihosting call, which throws on the host. Words from GNU as 2.40.
  const FAULTS_THEN_THROW = [
    0x10004001, // 40080000: adr  x1, 40080800 <vectors>
    0xd518c001, // 40080004: msr  vbar_el1, x1
    0xd5033fdf, // 40080008: isb
    0x00000000, // 4008000c: udf  #0
    0x00000000, // 40080010: udf  #0
    0xd2800300, // 40080014: mov  x0, #0x18
    0xd45e0000, // 40080018: hlt  #0xf000
    ...new Array<number>(0xa00 / 4 - 7).fill(0),
    0xd538402a, // 40080a00: mrs  x10, elr_el1
    0x9100114a, // 40080a04: add  x10, x10, #0x4
    0xd518402a, // 40080a08: msr  elr_el1, x10
    0xd69f03e0, // 40080a0c: eret
  ];
  for (const observed of [false, true]) {
    it(`counts the faulted steps before a host exception exactly (${observed ? 'observed' : 'full speed'})`, async () => {
      const { m } = machine({ cpu: 'max' });
      m.load(elfOf(FAULTS_THEN_THROW));
      m.semihosting.call = () => {
        throw new TypeError('boom');
      };
      const after: number[] = [];
      const observer: StepObserver = { from: 0, count: Infinity, beforeStep: () => {}, afterStep: (k) => after.push(k) };
      const r = await m.run(observed ? { observer } : {});
      expect(r.stop.kind).toBe('internal');
      // adr, msr, isb, udf (faulted), 4 handler, udf (faulted), 4 handler, mov: 14 steps, 12 retired.
      expect(r.steps).toBe(14);
      expect(r.instructions).toBe(12);
      if (observed) expect(after).toEqual(Array.from({ length: 15 }, (_, k) => k)); // the failing step 14 too
    });
  }

  it('stops single-stepping as soon as the observer ends its window', async () => {
    const { m } = machine();
    m.load(elfOf(LOOP));
    const seen: number[] = [];
    const observer = {
      from: 0,
      count: Infinity,
      beforeStep: (k: number) => seen.push(k),
      afterStep: (k: number) => {
        if (k === 5) observer.count = 6;
      },
    };
    const r = await m.run({ maxInsns: 100, observer });
    expect(r.steps).toBe(100);
    expect(seen).toEqual([0, 1, 2, 3, 4, 5]);
  });
});
