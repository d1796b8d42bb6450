// Execution traces: one record per step (an instruction retired, or an instruction that
// faulted: what --max-insns counts), and one per exception taken.
//
// API
//
//   traceSteps(machine, from, count, disasm?) → Promise<TraceRecord[]>
//       Runs `machine` (a fresh VirtMachine with its image loaded) until step from+count
//       (or until the guest stops) and returns the records of steps from .. from+count-1.
//       Steps are numbered from 0 at the start of the run, by the count of steps completed
//       before the instruction: `--max-insns N` runs steps 0 .. N-1.
//   traceLinesBefore(machine, end, steps = 20, format = 'text') → Promise<string[]>
//       The formatted lines of the `steps` steps before step `end` (steps end-steps ..
//       end-1, exception lines included): what a lockstep report shows. To include the step
//       after which two runs differ, pass that step + 1.
//   formatRecord(record, format) → string      one line, without the newline
//   new Tracer(cpu, disasm, emit, from, count)  a VirtMachine StepObserver (pass it as
//       run({ observer })); emit(record) gets each record as it happens; close() detaches.
//   new TraceWriter(sink)                        buffered lines to a sink (fileSink(path));
//       stops when the sink fails (EPIPE, a full disk) and remembers the error.
//   startTrace(cpu, sink, { format, from, count, beforeStep }) → Promise<TraceSession>
//       Tracer + TraceWriter + Capstone, as `a64emu run --trace` uses them; pass
//       session.tracer as run({ observer }), then session.finish().
//
// Records
//
//   { type: 'insn', step, el, pc, word, asm, changed }
//       word is null when the fetch faulted. changed: the registers the step changed, with
//       their new values, of x0..x30, sp (the current SP) and nzcv (the NZCV register,
//       bits 31:28). For a step that took an exception, these are the instruction's own
//       changes; the exception's follow on its own record.
//   { type: 'exception', step, kind, ec, ecName, fromEl, targetEl, vector, changed }
//       kind: sync, irq, fiq, serror; ec/ecName for sync and serror (ESR_ELx.EC, names from
//       the EC enum); changed: elr_elN, spsr_elN, esr_elN (sync, serror), far_elN (when
//       the exception wrote it), sp when the entry changed the current SP.
//
// Text format (one line each; nzcv as letters, upper case when set):
//        3 EL1 000000004008000c b1000401  adds x1, x0, #1                  x1=0x2 nzcv=nzcv
//        7 EL1 000000004008001c d4000001  svc #0
//        7 EL1 exception sync SVC64 (EC 0x15) to EL1, vector 0000000040080a00  elr_el1=0x40080020 spsr_el1=0x600003c5 esr_el1=0x56000000
// JSONL: the same fields, 64-bit values as "0x..." strings, changed as an object.
//
// How: the VirtMachine runs steps outside the window at full speed and the window one
// step at a time (Runner.run(1)), calling the Tracer before and after each; the Cpu's
// onException hook reports exception entries. With no trace nothing of this runs.

import { closeSync, openSync, writeSync } from 'node:fs';
import type { Cpu } from '../cpu/cpu.js';
import { EC, ExcKind, type ExceptionHook } from '../cpu/exception.js';
import { CpuState, Slot, lo } from '../cpu/state.js';
import type { StepObserver, VirtMachine } from '../machine/virt.js';
import { GPR_NAMES, hexDigits, wordHex } from './fmt.js';
import { loadDisassembler, type Disassembler } from './disasm.js';

export type TraceFormat = 'text' | 'jsonl';

export interface RegValue {
  readonly name: string;
  readonly value: bigint;
}

export interface InsnRecord {
  readonly type: 'insn';
  readonly step: number;
  readonly el: number;
  readonly pc: bigint;
  /** The instruction word; null when it could not be fetched. */
  readonly word: number | null;
  readonly asm: string;
  readonly changed: readonly RegValue[];
}

export type ExceptionKindName = 'sync' | 'irq' | 'fiq' | 'serror';

export interface ExceptionTraceRecord {
  readonly type: 'exception';
  readonly step: number;
  readonly kind: ExceptionKindName;
  /** ESR_ELx.EC, for sync and serror. */
  readonly ec?: number;
  readonly ecName?: string;
  readonly fromEl: number;
  readonly targetEl: number;
  /** The PC after entry: the vector. */
  readonly vector: bigint;
  readonly changed: readonly RegValue[];
}

export type TraceRecord = InsnRecord | ExceptionTraceRecord;

const KIND_NAMES: readonly ExceptionKindName[] = ['sync', 'irq', 'fiq', 'serror'];

/** EC's name from the EC enum, or EC_0xNN. */
export function ecName(ec: number): string {
  const name = (EC as unknown as Record<number, string | undefined>)[ec];
  return name ?? `EC_0x${ec.toString(16).padStart(2, '0')}`;
}

const GPRS = 31;
/** The 32-bit lanes snapshotted: X0..X30 and the current SP (slots 0..31). */
const LANES = lo(Slot.SP) + 2;

const u64 = (u: Uint32Array | Int32Array, i: number): bigint => (BigInt(u[i + 1] >>> 0) << 32n) | BigInt(u[i] >>> 0);

/** Traces the steps of a window: a StepObserver for VirtMachine.run. */
export class Tracer implements StepObserver {
  private readonly prev = new Int32Array(LANES);
  private prevNzcv = 0;
  private inStep = false;
  private step = 0;
  private el = 0;
  private pc = 0n;
  private word: number | null = null;
  /** The current SP just before an exception entry of this step changed it, if one did. */
  private spBeforeEntry: bigint | undefined;
  private pending: ExceptionTraceRecord[] = [];
  private stopped = false;
  /** Called at the start of each traced step, before anything is read. */
  beforeEachStep: (() => void) | null = null;
  private readonly hook: ExceptionHook = (kind, fromEl, targetEl, hasFar) => this.exception(kind, fromEl, targetEl, hasFar);

  constructor(
    private readonly cpu: Cpu,
    private readonly disasm: Disassembler,
    private readonly emit: (record: TraceRecord) => void,
    readonly from = 0,
    private readonly steps = Infinity,
  ) {
    cpu.onException = this.hook;
  }

  get count(): number {
    return this.stopped ? 0 : this.steps;
  }

  /** Ends the window now (e.g. the trace file failed); the machine runs on at full speed. */
  stop(): void {
    this.stopped = true;
  }

  /** Detaches from the CPU. */
  close(): void {
    if (this.cpu.onException === this.hook) this.cpu.onException = null;
  }

  beforeStep(step: number): void {
    if (this.beforeEachStep !== null) this.beforeEachStep();
    const cpu = this.cpu;
    const r = cpu.r;
    for (let i = 0; i < LANES; i++) this.prev[i] = r[i];
    this.prevNzcv = cpu.nzcv;
    this.step = step;
    this.el = cpu.el;
    const pcLo = r[lo(Slot.PC)];
    const pcHi = r[lo(Slot.PC) + 1];
    this.pc = cpu.pc;
    // A plain RAM read (PA = VA today). With stage 1 translation this must become a
    // side-effect-free lookup: no access-flag updates, no fault recorded in cpu.exc.
    this.word = (pcLo & 3) === 0 && cpu.mem.canFetch(pcLo, pcHi) ? cpu.mem.fetch(pcLo, pcHi) >>> 0 : null;
    this.spBeforeEntry = undefined;
    this.inStep = true;
  }

  afterStep(step: number): void {
    this.inStep = false;
    const cpu = this.cpu;
    const r = cpu.r;
    const changed: RegValue[] = [];
    for (let n = 0; n < GPRS; n++) {
      const i = 2 * n;
      if (r[i] !== this.prev[i] || r[i + 1] !== this.prev[i + 1]) changed.push({ name: GPR_NAMES[n], value: u64(r, i) });
    }
    const sp = lo(Slot.SP);
    const spNow = this.spBeforeEntry ?? u64(r, sp);
    if (spNow !== u64(this.prev, sp)) changed.push({ name: 'sp', value: spNow });
    const nzcv = cpu.nzcv;
    // Exception entry keeps NZCV (it goes to SPSR), so a change here is the instruction's.
    if (nzcv !== this.prevNzcv) changed.push({ name: 'nzcv', value: BigInt(nzcv) });
    const word = this.word;
    const asm = word === null ? '(fetch failed)' : this.disasm(word, this.pc);
    this.emit({ type: 'insn', step, el: this.el, pc: this.pc, word, asm, changed });
    for (const e of this.pending) this.emit(e);
    this.pending = [];
  }

  private exception(kind: ExcKind, fromEl: number, targetEl: number, hasFar: boolean): void {
    if (!this.inStep) return;
    const cpu = this.cpu;
    const x = cpu.x;
    const t = targetEl - 1;
    const sfx = `_el${targetEl}`;
    const changed: RegValue[] = [
      { name: `elr${sfx}`, value: x[Slot.ELR_EL1 + t] },
      { name: `spsr${sfx}`, value: x[Slot.SPSR_EL1 + t] },
    ];
    let ec: number | undefined;
    if (kind === ExcKind.SYNC || kind === ExcKind.SERROR) {
      const esr = x[Slot.ESR_EL1 + t];
      ec = Number(esr >> 26n) & 0x3f;
      changed.push({ name: `esr${sfx}`, value: esr });
    }
    if (hasFar) changed.push({ name: `far${sfx}`, value: x[Slot.FAR_EL1 + t] });
    // The SP in use before entry is now in its bank (selectSp saved it), named by SPSR.M.
    const m = Number(x[Slot.SPSR_EL1 + t]) & 0xf;
    const spBefore = x[CpuState.bankOf(m >>> 2, m & 1)];
    const spAfter = x[Slot.SP];
    if (this.spBeforeEntry === undefined) this.spBeforeEntry = spBefore;
    if (spAfter !== spBefore) changed.push({ name: 'sp', value: spAfter });
    this.pending.push({
      type: 'exception',
      step: this.step,
      kind: KIND_NAMES[kind],
      ...(ec === undefined ? {} : { ec, ecName: ecName(ec) }),
      fromEl,
      targetEl,
      vector: cpu.pc,
      changed,
    });
  }
}

// ---- formatting -----------------------------------------------------------------------

const hex = (v: bigint | number): string => `0x${v.toString(16)}`;
const hex16 = (v: bigint): string => hexDigits(v, 16);

/** NZCV as four letters, upper case when set: nZCv. */
export function nzcvText(nzcv: number): string {
  return ['n', 'z', 'c', 'v'].map((f, i) => ((nzcv >>> (31 - i)) & 1 ? f.toUpperCase() : f)).join('');
}

function changesText(changed: readonly RegValue[]): string {
  return changed.map((c) => `${c.name}=${c.name === 'nzcv' ? nzcvText(Number(c.value)) : hex(c.value)}`).join(' ');
}

function changesJson(changed: readonly RegValue[]): Record<string, string> {
  const o: Record<string, string> = {};
  for (const c of changed) o[c.name] = hex(c.value);
  return o;
}

/** One trace line (without the newline). */
export function formatRecord(rec: TraceRecord, format: TraceFormat = 'text'): string {
  if (format === 'jsonl') {
    if (rec.type === 'insn') {
      return JSON.stringify({
        step: rec.step,
        type: 'insn',
        el: rec.el,
        pc: hex(rec.pc),
        word: rec.word === null ? null : hex(rec.word),
        asm: rec.asm,
        changed: changesJson(rec.changed),
      });
    }
    return JSON.stringify({
      step: rec.step,
      type: 'exception',
      kind: rec.kind,
      ...(rec.ec === undefined ? {} : { ec: hex(rec.ec), ecName: rec.ecName }),
      fromEl: rec.fromEl,
      targetEl: rec.targetEl,
      vector: hex(rec.vector),
      changed: changesJson(rec.changed),
    });
  }
  const step = String(rec.step).padStart(8);
  if (rec.type === 'insn') {
    const word = wordHex(rec.word);
    const changes = changesText(rec.changed);
    const line = `${step} EL${rec.el} ${hex16(rec.pc)} ${word}  ${changes === '' ? rec.asm : rec.asm.padEnd(32)} ${changes}`;
    return line.trimEnd();
  }
  const what = rec.ec === undefined ? rec.kind : `${rec.kind} ${rec.ecName} (EC 0x${rec.ec.toString(16).padStart(2, '0')})`;
  return `${step} EL${rec.fromEl} exception ${what} to EL${rec.targetEl}, vector ${hex16(rec.vector)}  ${changesText(rec.changed)}`;
}

// ---- output ---------------------------------------------------------------------------

/** Where trace text goes: returns false (or throws) when it can take no more. */
export type TraceSink = (chunk: string) => boolean;

/** A sink writing to a file (created or truncated now); throws the fs error if it cannot. */
export function fileSink(path: string): { sink: TraceSink; close(): void } {
  const fd = openSync(path, 'w');
  let open = true;
  return {
    sink: (chunk) => {
      writeSync(fd, chunk);
      return true;
    },
    close: () => {
      if (open) closeSync(fd);
      open = false;
    },
  };
}

const FLUSH_AT = 64 * 1024;

/** Lines buffered into chunks of about 64 KiB, so a trace is not one write per line. */
export class TraceWriter {
  private buf = '';
  /** Set when the sink failed; later lines are dropped. */
  error: unknown = undefined;
  broken = false;

  constructor(private readonly sink: TraceSink) {}

  line(text: string): void {
    if (this.broken) return;
    this.buf += text + '\n';
    if (this.buf.length >= FLUSH_AT) this.flush();
  }

  flush(): void {
    if (this.broken || this.buf === '') return;
    const chunk = this.buf;
    this.buf = '';
    try {
      if (!this.sink(chunk)) this.broken = true;
    } catch (e) {
      this.broken = true;
      this.error = e;
    }
  }
}

/** A trace being written: the tracer to pass to run({ observer }), and how to end it. */
export interface TraceSession {
  readonly tracer: Tracer;
  readonly writer: TraceWriter;
  /** Flushes the last lines and detaches; returns the sink's error, if it failed. */
  finish(): unknown;
}

/** Starts tracing `cpu`'s steps from .. from+count-1 as `format` lines into `sink`. */
export async function startTrace(
  cpu: Cpu,
  sink: TraceSink,
  opts: {
    format?: TraceFormat;
    from?: number;
    count?: number;
    /** Called before each traced step (the CLI flushes the guest's console there, so
     *  output from step N comes after line N). */
    beforeStep?: () => void;
  } = {},
): Promise<TraceSession> {
  const disasm = await loadDisassembler();
  const format = opts.format ?? 'text';
  const writer = new TraceWriter(sink);
  const tracer: Tracer = new Tracer(
    cpu,
    disasm,
    (rec) => {
      writer.line(formatRecord(rec, format));
      if (writer.broken) tracer.stop(); // nobody reads on: run on at full speed
    },
    opts.from ?? 0,
    opts.count ?? Infinity,
  );
  tracer.beforeEachStep = opts.beforeStep ?? null;
  return {
    tracer,
    writer,
    finish: () => {
      tracer.close();
      writer.flush();
      return writer.error;
    },
  };
}

// ---- for other tools --------------------------------------------------------------------

/**
 * Runs `machine` (fresh, image loaded) to step from + count, or until the guest stops, and
 * returns the trace records of steps from .. from + count - 1.
 */
export async function traceSteps(
  machine: VirtMachine,
  from: number,
  count: number,
  disasm?: Disassembler,
): Promise<TraceRecord[]> {
  const records: TraceRecord[] = [];
  const tracer = new Tracer(machine.cpu, disasm ?? (await loadDisassembler()), (r) => records.push(r), from, count);
  try {
    await machine.run({ maxInsns: from + count, observer: tracer });
  } finally {
    tracer.close();
  }
  return records;
}

/** The lines of the `steps` steps before step `end` (fresh machine; see traceSteps). */
export async function traceLinesBefore(
  machine: VirtMachine,
  end: number,
  steps = 20,
  format: TraceFormat = 'text',
): Promise<string[]> {
  const from = Math.max(0, end - steps);
  if (end <= from) return [];
  return (await traceSteps(machine, from, end - from)).map((r) => formatRecord(r, format));
}
