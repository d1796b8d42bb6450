// Execution traces on the board. The program (programs.ts) was run on QEMU 7.2 with -d int,
// which gives the exceptions' ESR, ELR, FAR and vector; register values follow from the
// Arm ARM: AddWithCarry for the flags (C6.2 ADDS, SUBS), SPSR_ELx <- PSTATE on exception
// entry in the layout of C5.2.18 (NZCV at 31:28, DAIF at 9:6, M[3:0] = EL and SP), the
// stack pointer selected by PSTATE.SP (D1.7.2). Reset NZCV is QEMU's: Z set.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadDisassembler } from '../../src/debug/disasm.js';
import {
  Tracer,
  TraceWriter,
  ecName,
  formatRecord,
  nzcvText,
  startTrace,
  traceLinesBefore,
  traceSteps,
  type ExceptionTraceRecord,
  type InsnRecord,
  type TraceRecord,
} from '../../src/debug/trace.js';
import { MiB } from '../../src/machine/bus.js';
import { VirtMachine } from '../../src/machine/virt.js';
import { tracedElf } from './programs.js';

function machine(image: Uint8Array = tracedElf()): VirtMachine {
  const m = new VirtMachine({ memory: 16 * MiB, output: () => {} });
  m.load(image);
  return m;
}

const insns = (recs: TraceRecord[]) => recs.filter((r): r is InsnRecord => r.type === 'insn');
const excs = (recs: TraceRecord[]) => recs.filter((r): r is ExceptionTraceRecord => r.type === 'exception');
const changes = (r: TraceRecord) => Object.fromEntries(r.changed.map((c) => [c.name, c.value]));

describe('trace records', async () => {
  const recs = await traceSteps(machine(), 0, 1000);
  const step = (n: number) => insns(recs).find((r) => r.step === n)!;
  const excAt = (n: number) => excs(recs).find((r) => r.step === n)!;

  it('has one instruction record per step, numbered from 0, up to the exit', () => {
    const steps = insns(recs).map((r) => r.step);
    expect(steps).toEqual(Array.from({ length: 28 }, (_, i) => i));
    expect(step(27)).toMatchObject({ pc: 0x40080044n, word: 0xd45e0000, asm: 'hlt #0xf000' });
  });

  it('shows the registers an instruction wrote, with their new values', () => {
    expect(step(0)).toMatchObject({ el: 1, pc: 0x40080000n, word: 0xd2a8020a });
    expect(changes(step(0))).toEqual({ x10: 0x40100000n });
    expect(changes(step(1))).toEqual({ sp: 0x40100000n });
    expect(step(2).asm).toBe('mov x0, #1');
    expect(changes(step(2))).toEqual({ x0: 1n });
    expect(changes(step(13))).toEqual({ x7: 0x9001000n }); // movk keeps the other halfwords
  });

  it('shows NZCV when it changes, and only registers whose value changed', () => {
    // adds x1, x0, #1: 1 + 1 = 2, no flag set (reset had Z set)
    expect(changes(step(3))).toEqual({ x1: 2n, nzcv: 0n });
    // subs x2, x0, #1: 1 - 1 = 0: Z, and C (no borrow); x2 was already 0
    expect(changes(step(4))).toEqual({ nzcv: 0x6000_0000n });
    // msr vbar_el1: no general register changes
    expect(changes(step(6))).toEqual({});
  });

  it('gives an SVC its own exception line: EC 0x15, ESR 0x56000000, ELR the next instruction', () => {
    expect(changes(step(7))).toEqual({});
    const e = excAt(7);
    expect(e).toMatchObject({ kind: 'sync', ec: 0x15, ecName: 'SVC64', fromEl: 1, targetEl: 1, vector: 0x40080a00n });
    expect(changes(e)).toEqual({ elr_el1: 0x40080020n, spsr_el1: 0x600003c5n, esr_el1: 0x56000000n });
    // the exception line comes right after its instruction's line
    expect(recs[recs.indexOf(step(7)) + 1]).toBe(e);
  });

  it('shows FAR for a Data Abort, and the faulting load changes nothing', () => {
    expect(changes(step(14))).toEqual({});
    const e = excAt(14);
    expect(e).toMatchObject({ ec: 0x25, ecName: 'DABORT_SAME', vector: 0x40080a00n });
    expect(changes(e)).toEqual({ elr_el1: 0x4008002cn, spsr_el1: 0x600003c5n, esr_el1: 0x96000010n, far_el1: 0x9001000n });
  });

  it('puts the stack pointer switch of an exception entry on the exception line', () => {
    expect(changes(step(19))).toEqual({ sp: 0n }); // msr spsel, #0: SP_EL0
    expect(changes(step(20))).toEqual({}); // svc #1 itself
    const e = excAt(20);
    expect(e.vector).toBe(0x40080800n); // current EL with SP_EL0
    expect(changes(e)).toEqual({ elr_el1: 0x40080038n, spsr_el1: 0x600003c4n, esr_el1: 0x56000001n, sp: 0x40100000n });
    expect(changes(step(24))).toEqual({ sp: 0n }); // eret to EL1t
  });

  it('has exactly the exceptions QEMU takes', () => {
    expect(excs(recs).map((e) => [e.step, e.ec])).toEqual([
      [7, 0x15],
      [14, 0x25],
      [20, 0x15],
    ]);
  });
});

describe('trace windows', () => {
  it('traces only the window and stops the machine at its end', async () => {
    const m = machine();
    const recs = await traceSteps(m, 12, 3);
    expect(recs.map((r) => [r.type, r.step])).toEqual([
      ['insn', 12],
      ['insn', 13],
      ['insn', 14],
      ['exception', 14],
    ]);
    expect(m.cpu.pc).toBe(0x40080a00n); // at the handler: 15 steps done
    expect(m.cpu.onException).toBeNull(); // detached
  });

  it('traceLinesBefore gives the lines of the steps before a step, exception lines included', async () => {
    const lines = await traceLinesBefore(machine(), 15, 3);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^ {6}12 EL1 0000000040080024 d2a12007  mov x7, #0x9000000 +x7=0x9000000$/);
    expect(lines[3]).toMatch(/^ {6}14 EL1 exception sync DABORT_SAME \(EC 0x25\) to EL1/);
    expect(await traceLinesBefore(machine(), 2)).toHaveLength(2); // fewer steps than asked
  });

  it('a window past the end of the run gives no records', async () => {
    expect(await traceSteps(machine(), 100, 5)).toEqual([]);
  });

  it('leaves the run unchanged: same state as without a trace', async () => {
    const demo = new Uint8Array(readFileSync('tests/images/demo/demo.elf'));
    const plain = machine(demo);
    await plain.run({ maxInsns: 20_000 });
    const traced = machine(demo);
    const recs = await traceSteps(traced, 5_000, 200);
    expect(insns(recs)).toHaveLength(200);
    await traced.run({ maxInsns: 20_000 - 5_200 });
    expect(traced.cpu.x.slice(0, 35)).toEqual(plain.cpu.x.slice(0, 35)); // X0..X30, SP, PC
    expect(traced.cpu.nzcv).toBe(plain.cpu.nzcv);
    expect(traced.cpu.icount).toBe(plain.cpu.icount);
  });
});

describe('trace formats', async () => {
  const recs = await traceSteps(machine(), 0, 1000);
  const at = (type: string, step: number) => recs.find((r) => r.type === type && r.step === step)!;

  it('text: step, EL, PC, word, disassembly, changes', () => {
    expect(formatRecord(at('insn', 3))).toBe(
      '       3 EL1 000000004008000c b1000401  adds x1, x0, #1                  x1=0x2 nzcv=nzcv',
    );
    expect(formatRecord(at('insn', 4))).toMatch(/subs x2, x0, #1 +nzcv=nZCv$/);
    expect(formatRecord(at('insn', 6))).toBe('       6 EL1 0000000040080018 d518c003  msr vbar_el1, x3');
    expect(formatRecord(at('exception', 7))).toBe(
      '       7 EL1 exception sync SVC64 (EC 0x15) to EL1, vector 0000000040080a00  elr_el1=0x40080020 spsr_el1=0x600003c5 esr_el1=0x56000000',
    );
  });

  it('jsonl: one JSON object per record, 64-bit values as hex strings', () => {
    for (const r of recs) expect(() => JSON.parse(formatRecord(r, 'jsonl'))).not.toThrow();
    expect(JSON.parse(formatRecord(at('insn', 3), 'jsonl'))).toEqual({
      step: 3,
      type: 'insn',
      el: 1,
      pc: '0x4008000c',
      word: '0xb1000401',
      asm: 'adds x1, x0, #1',
      changed: { x1: '0x2', nzcv: '0x0' },
    });
    expect(JSON.parse(formatRecord(at('exception', 14), 'jsonl'))).toEqual({
      step: 14,
      type: 'exception',
      kind: 'sync',
      ec: '0x25',
      ecName: 'DABORT_SAME',
      fromEl: 1,
      targetEl: 1,
      vector: '0x40080a00',
      changed: { elr_el1: '0x4008002c', spsr_el1: '0x600003c5', esr_el1: '0x96000010', far_el1: '0x9001000' },
    });
  });

  it('names ECs from the Arm ARM table and shows unknown ones in hex', () => {
    expect(ecName(0x15)).toBe('SVC64');
    expect(ecName(0x3c)).toBe('BRK64');
    expect(ecName(0x2a)).toBe('EC_0x2a');
    expect(nzcvText(0x9000_0000)).toBe('NzcV');
  });
});

describe('Tracer and TraceWriter', () => {
  it('buffers lines into large writes', () => {
    const chunks: string[] = [];
    const w = new TraceWriter((c) => (chunks.push(c), true));
    for (let i = 0; i < 5000; i++) w.line(`line ${i} ${'.'.repeat(30)}`);
    expect(chunks.length).toBeLessThanOrEqual(3);
    w.flush();
    const text = chunks.join('');
    expect(text.split('\n')).toHaveLength(5001);
    expect(text.endsWith('line 4999 ' + '.'.repeat(30) + '\n')).toBe(true);
  });

  it('stops writing when the sink fails, and keeps the error', () => {
    let calls = 0;
    const epipe = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
    const w = new TraceWriter(() => {
      calls++;
      throw epipe;
    });
    w.line('a');
    w.flush();
    w.line('b');
    w.flush();
    expect(calls).toBe(1);
    expect(w.broken).toBe(true);
    expect(w.error).toBe(epipe);
  });

  it('startTrace: a broken sink ends the window, the run goes on to the end', async () => {
    const m = machine();
    let writes = 0;
    const session = await startTrace(m.cpu, () => (writes++, false), { from: 0 });
    // Lines are buffered: the sink sees the first chunk only when 64 KiB have gathered,
    // so make the first write happen at once by flushing after the first step.
    const orig = session.tracer.afterStep.bind(session.tracer);
    session.tracer.afterStep = (s) => {
      orig(s);
      session.writer.flush();
    };
    const r = await m.run({ observer: session.tracer });
    expect(session.finish()).toBeUndefined();
    expect(writes).toBe(1);
    expect(session.tracer.count).toBe(0);
    expect(r.stop).toEqual({ kind: 'exit', code: 0 });
    expect(r.steps).toBe(28);
  });

  it('ignores exceptions outside its window', async () => {
    const m = machine();
    const recs: TraceRecord[] = [];
    const t = new Tracer(m.cpu, await loadDisassembler(), (r) => recs.push(r), 21, 2);
    await m.run({ observer: t });
    t.close();
    expect(recs.map((r) => r.step)).toEqual([21, 22]); // steps 7, 14 and 20 took exceptions
  });
});
