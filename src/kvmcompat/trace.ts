// The kvm-probe trace (../shared/kvm/README.md "Format"): one record a line, written by
// the real recorder (kvm-probe.c) and by `a64emu kvm probe`. This file holds the record
// types; parseTrace/formatTrace (text <-> KvmTrace) live here too.

import type { RegId } from './regid.js';

export type TraceExit =
  | { kind: 'mmio-write'; addr: bigint; len: number; data: bigint }
  | { kind: 'mmio-read'; addr: bigint; len: number; data: bigint }
  | { kind: 'system-event'; type: number }
  | { kind: 'reason'; reason: number };

export interface TraceSet {
  id: RegId;
  value: bigint;
  /** 'ok' or an errno name (ENOENT, EINVAL, ...). */
  result: string;
}

export interface KvmTrace {
  /** The header's version (1). */
  version: number;
  api?: number;
  /** KVM_CHECK_EXTENSION results, in order. */
  caps: Array<{ name: string; value: number }>;
  guestBytes?: number;
  target?: number;
  features?: number;
  /** The first KVM_GET_REG_LIST: its result ('ok' or errno name) and n. */
  reglistQuery?: { result: string; n: number };
  reglist?: number;
  /** After init, in list order; value undefined where the line says `error ERRNO` (errno in valueError). */
  reset: Array<{ id: RegId; value?: bigint; error?: string }>;
  sets: TraceSet[];
  exits: TraceExit[];
  final: Array<{ id: RegId; value?: bigint; error?: string }>;
  /** `error WHAT ERRNO` lines: the run failed there. */
  errors: Array<{ what: string; errno: string }>;
  /** True when the `# end` line was seen. */
  complete: boolean;
}

/** A malformed trace file: names the file and line and what was expected there. */
export class TraceError extends Error {
  override name = 'TraceError';
  constructor(
    readonly file: string,
    readonly line: number,
    readonly detail: string,
  ) {
    super(`${file}:${line}: ${detail}`);
  }
}

// The order kvm-probe.c prints records in; a trace may stop early (an `error` line, or a
// truncated file) but never goes back.
const enum Phase { Api = 1, Cap, Guest, Target, Features, Query, Reglist, Reset, Set, Exit, Final, End }

const ID_RE = /^0x[0-9a-f]{16}$/;
const HEX_RE = /^0x[0-9a-f]+$/;
const DEC_RE = /^-?[0-9]+$/;
const UDEC_RE = /^[0-9]+$/;
const ERRNO_RE = /^E[A-Z0-9]+$/;
// `error open PATH MESSAGE` (strerror) or `error WHAT ERRNO` (strerrorname_np), kvm-probe.c
const ERROR_OPEN_RE = /^error (open \S+) (.+)$/;
const ERROR_RE = /^error (\S+) (E[A-Z0-9]+)$/;

/**
 * Parses a kvm-probe trace (../shared/kvm/README.md, the printf formats of kvm-probe.c).
 * Throws TraceError naming the line for anything the probe cannot have printed. A trace
 * without `# end` parses with `complete: false` (the recorder stopped early).
 */
export function parseTrace(text: string, fileName = '<trace>'): KvmTrace {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const t: KvmTrace = { version: 0, caps: [], reset: [], sets: [], exits: [], final: [], errors: [], complete: false };
  let lineNo = 0;
  const fail = (detail: string): never => {
    throw new TraceError(fileName, lineNo, detail);
  };
  const id = (s: string | undefined, what: string): bigint =>
    s !== undefined && ID_RE.test(s) ? BigInt(s) : fail(`bad ${what} '${s ?? ''}': expected 0x and 16 lower-case hex digits`);
  const hex = (s: string | undefined, what: string, digits?: number): bigint => {
    if (s === undefined || !HEX_RE.test(s)) return fail(`bad hex ${what} '${s ?? ''}'`);
    if (digits !== undefined && s.length !== digits + 2) {
      return fail(`${what} '${s}' has ${s.length - 2} hex digits, expected ${digits}`);
    }
    return BigInt(s);
  };
  const dec = (s: string | undefined, what: string, unsigned = true): number =>
    s !== undefined && (unsigned ? UDEC_RE : DEC_RE).test(s) ? Number(s) : fail(`bad ${what} '${s ?? ''}': expected a decimal number`);
  const mmioLen = (s: string | undefined): number => {
    const n = dec(s, 'MMIO length');
    return n === 1 || n === 2 || n === 4 || n === 8 ? n : fail(`bad MMIO length ${n}: expected 1, 2, 4 or 8`);
  };
  const result = (s: string | undefined): string =>
    s !== undefined && (s === 'ok' || ERRNO_RE.test(s)) ? s : fail(`bad result '${s ?? ''}': expected ok or an errno name`);

  let phase: number = 0;
  let stopped = ''; // why no more records may follow
  let exitsDone = false;
  const enter = (p: Phase, once: boolean, name: string): void => {
    if (stopped) fail(`'${name}' after ${stopped}`);
    if (p < phase || (once && p === phase)) fail(`'${name}' out of order (the probe prints it once, before what came earlier)`);
    phase = p;
  };
  const regValue = (kind: 'reset' | 'final', f: string[]): { id: bigint; value?: bigint; error?: string } => {
    const rid = id(f[1], `${kind} ID`);
    if (f[2] === 'error') {
      if (f.length !== 4 || !ERRNO_RE.test(f[3]!)) fail(`expected '${kind} ID error ERRNO'`);
      return { id: rid, error: f[3]! };
    }
    if (f.length !== 3) fail(`expected '${kind} ID VALUE'`);
    const size = 1 << Number((rid >> 52n) & 0xfn);
    return { id: rid, value: hex(f[2], `value for ${f[1]} (${size} bytes)`, size * 2) };
  };

  for (const line of lines) {
    lineNo++;
    if (lineNo === 1) {
      const m = /^# kvm-probe ([0-9]+)$/.exec(line);
      if (!m) fail(`missing header: expected '# kvm-probe 1', found '${line}'`);
      t.version = Number(m![1]);
      if (t.version !== 1) fail(`unsupported trace version ${t.version} (this reader knows 1)`);
      continue;
    }
    const f = line.split(' ');
    switch (f[0]) {
      case 'api':
        enter(Phase.Api, true, 'api');
        if (f.length !== 2) fail(`expected 'api N'`);
        t.api = dec(f[1], 'API version', false);
        break;
      case 'cap':
        enter(Phase.Cap, false, 'cap');
        if (f.length !== 3 || !/^[A-Z0-9_]+$/.test(f[1]!)) fail(`expected 'cap NAME N'`);
        t.caps.push({ name: f[1]!, value: dec(f[2], `value of cap ${f[1]}`, false) });
        break;
      case 'guest':
        enter(Phase.Guest, true, 'guest');
        if (f.length !== 3 || f[2] !== 'bytes') fail(`expected 'guest N bytes'`);
        t.guestBytes = dec(f[1], 'guest size');
        break;
      case 'target':
        enter(Phase.Target, true, 'target');
        if (f.length !== 2) fail(`expected 'target N'`);
        t.target = dec(f[1], 'target');
        break;
      case 'features':
        enter(Phase.Features, true, 'features');
        if (f.length !== 2) fail(`expected 'features 0xN'`);
        t.features = Number(hex(f[1], 'features'));
        break;
      case 'reglist-size-query': {
        enter(Phase.Query, true, 'reglist-size-query');
        if (f.length !== 4 || f[1] !== '->' || !f[3]!.startsWith('n=')) fail(`expected 'reglist-size-query -> RESULT n=N'`);
        t.reglistQuery = { result: result(f[2]), n: dec(f[3]!.slice(2), 'n') };
        break;
      }
      case 'reglist':
        enter(Phase.Reglist, true, 'reglist');
        if (f.length !== 2) fail(`expected 'reglist N'`);
        t.reglist = dec(f[1], 'register count');
        break;
      case 'reset':
        enter(Phase.Reset, false, 'reset');
        t.reset.push(regValue('reset', f));
        break;
      case 'set':
        enter(Phase.Set, false, 'set');
        if (f.length !== 5 || f[3] !== '->') fail(`expected 'set ID VALUE -> ok|ERRNO'`);
        t.sets.push({ id: id(f[1], 'set ID'), value: hex(f[2], 'set value', 16), result: result(f[4]) });
        break;
      case 'exit': {
        enter(Phase.Exit, false, 'exit');
        if (exitsDone) fail(`'exit' after the run loop ended`);
        const k = f[1];
        if (k === 'mmio-write' && f.length === 5) {
          const len = mmioLen(f[3]);
          const data = hex(f[4], 'MMIO data', 16);
          // the probe copies `len` bytes of run->mmio.data into a zeroed u64
          if (data >> BigInt(8 * len) !== 0n) fail(`MMIO write data ${f[4]} is wider than its length ${len}`);
          t.exits.push({ kind: k, addr: hex(f[2], 'MMIO address'), len, data });
        } else if (k === 'mmio-read' && f.length === 6 && f[4] === '->') {
          t.exits.push({ kind: k, addr: hex(f[2], 'MMIO address'), len: mmioLen(f[3]), data: hex(f[5], 'MMIO data', 16) });
        } else if (k === 'system-event' && f.length === 3) {
          t.exits.push({ kind: k, type: dec(f[2], 'system event type') });
          exitsDone = true;
        } else if (k === 'reason' && f.length === 3) {
          t.exits.push({ kind: k, reason: dec(f[2], 'exit reason') });
          exitsDone = true;
        } else {
          fail(`expected 'exit mmio-write ADDR LEN DATA', 'exit mmio-read ADDR LEN -> DATA', 'exit system-event N' or 'exit reason N'`);
        }
        break;
      }
      case 'final':
        enter(Phase.Final, false, 'final');
        t.final.push(regValue('final', f));
        break;
      case 'error': {
        const m = ERROR_OPEN_RE.exec(line) ?? ERROR_RE.exec(line);
        if (!m) fail(`expected 'error WHAT ERRNO'`);
        const what = m![1]!;
        if (what === 'run') {
          // KVM_RUN failed: the probe leaves the run loop and still dumps the final values
          enter(Phase.Exit, false, 'error run');
          if (exitsDone) fail(`'error run' after the run loop ended`);
          exitsDone = true;
        } else {
          if (stopped) fail(`'error' after ${stopped}`);
          stopped = `the error on line ${lineNo} (the probe stops there)`;
        }
        t.errors.push({ what, errno: m![2]! });
        break;
      }
      case '#':
        if (line !== '# end') fail(`unknown record '${line}'`);
        enter(Phase.End, true, '# end');
        t.complete = true;
        stopped = `'# end'`;
        checkComplete(t, fail);
        break;
      default:
        fail(`unknown record '${line}'`);
    }
  }
  if (lineNo === 0) {
    lineNo = 1;
    fail(`missing header: the file is empty`);
  }
  return t;
}

/** At `# end`: the counts and IDs the probe's sequence makes consistent. */
function checkComplete(t: KvmTrace, fail: (detail: string) => never): void {
  if (t.reglist === undefined) return;
  if (t.reset.length !== t.reglist) fail(`'reglist ${t.reglist}' but ${t.reset.length} reset lines`);
  if (t.final.length !== t.reglist) fail(`'reglist ${t.reglist}' but ${t.final.length} final lines`);
  for (let i = 0; i < t.reglist; i++) {
    if (t.final[i]!.id !== t.reset[i]!.id) {
      fail(`final line ${i + 1} has ID ${hexOf(t.final[i]!.id)} where the reset lines have ${hexOf(t.reset[i]!.id)}`);
    }
  }
}

const hexOf = (v: bigint, digits = 16): string => `0x${v.toString(16).padStart(digits, '0')}`;

function regLine(kind: string, r: { id: bigint; value?: bigint; error?: string }): string {
  const size = 1 << Number((r.id >> 52n) & 0xfn);
  return `${kind} ${hexOf(r.id)} ${r.error !== undefined ? `error ${r.error}` : hexOf(r.value ?? 0n, size * 2)}`;
}

/** The text kvm-probe.c prints for `t`: formatTrace(parseTrace(x)) === x for every well-formed x. */
export function formatTrace(t: KvmTrace): string {
  const out: string[] = [`# kvm-probe ${t.version}`];
  if (t.api !== undefined) out.push(`api ${t.api}`);
  for (const c of t.caps) out.push(`cap ${c.name} ${c.value}`);
  if (t.guestBytes !== undefined) out.push(`guest ${t.guestBytes} bytes`);
  if (t.target !== undefined) out.push(`target ${t.target}`);
  if (t.features !== undefined) out.push(`features 0x${t.features.toString(16)}`);
  if (t.reglistQuery) out.push(`reglist-size-query -> ${t.reglistQuery.result} n=${t.reglistQuery.n}`);
  if (t.reglist !== undefined) out.push(`reglist ${t.reglist}`);
  for (const r of t.reset) out.push(regLine('reset', r));
  for (const s of t.sets) out.push(`set ${hexOf(s.id)} ${hexOf(s.value)} -> ${s.result}`);
  for (const e of t.exits) out.push(`exit ${formatExit(e)}`);
  for (const e of t.errors) if (e.what === 'run') out.push(`error run ${e.errno}`);
  for (const r of t.final) out.push(regLine('final', r));
  for (const e of t.errors) if (e.what !== 'run') out.push(`error ${e.what} ${e.errno}`);
  if (t.complete) out.push('# end');
  return out.join('\n') + '\n';
}

/** One exit as its trace line prints it, without the leading `exit `. */
export function formatExit(e: TraceExit): string {
  switch (e.kind) {
    case 'mmio-write':
      return `mmio-write 0x${e.addr.toString(16)} ${e.len} ${hexOf(e.data)}`;
    case 'mmio-read':
      return `mmio-read 0x${e.addr.toString(16)} ${e.len} -> ${hexOf(e.data)}`;
    case 'system-event':
      return `system-event ${e.type}`;
    case 'reason':
      return `reason ${e.reason}`;
  }
}
