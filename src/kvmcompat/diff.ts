// Compares two kvm-probe traces (`a64emu kvm diff A B`): header and capabilities, the
// register list (missing, extra, order), reset values, SET_ONE_REG results, exits one by
// one, final values, errors and completeness. Each difference is matched against the
// allow-list (allow.ts); allowed ones are reported with their reason and do not count.

import { MODELS } from '../cpu/models.js';
import { ALLOW_LIST, type AllowEntry, type AllowKind } from './allow.js';
import * as regid from './regid.js';
import { sysregId, type RegId } from './regid.js';
import { formatExit, type KvmTrace, type TraceExit } from './trace.js';

export type DiffKind = AllowKind | 'error' | 'incomplete';

export interface TraceDifference {
  readonly kind: DiffKind;
  /** What differs: a header field, a cap name, `#n` (the n-th set or exit), or '' (a register's value). */
  readonly what: string;
  /** The register, for reglist/reset/set/final differences, and its name. */
  readonly id?: RegId;
  readonly name?: string;
  /** Trace A's and B's side as the trace prints it; '(none)' when absent there. */
  readonly a: string;
  readonly b: string;
  /** The allow-list entry's reason, when the difference is allowed. */
  readonly allowed?: string;
}

export interface TraceDiff {
  /** The CPU model the allow-list was applied for (entries with another `cpu` did not apply). */
  readonly cpu?: string;
  readonly differences: readonly TraceDifference[];
  /** Differences not on the allow-list: `kvm diff` fails when this is not 0. */
  readonly counted: number;
}

export interface DiffOptions {
  /** CPU model whose allow-list entries apply; default: the model whose MIDR_EL1 trace A shows. */
  cpu?: string;
  allow?: readonly AllowEntry[];
}

const NONE = '(none)';
const MIDR_EL1 = sysregId(3, 0, 0, 0, 0);

const nameOf = regid.regName;

const hexValue = (id: RegId, v: { value?: bigint; error?: string }): string =>
  v.error !== undefined ? `error ${v.error}` : `0x${(v.value ?? 0n).toString(16).padStart(regid.regSizeBytes(id) * 2, '0')}`;

/** The CPU model whose MIDR_EL1 the trace's reset values show, if any. */
export function cpuOfTrace(t: KvmTrace): string | undefined {
  const midr = t.reset.find((r) => r.id === MIDR_EL1)?.value;
  if (midr === undefined) return undefined;
  return Object.entries(MODELS).find(([, m]) => m.qemuId.MIDR_EL1 === midr)?.[0];
}

/** The allow-list entry covering `d`, if any. */
function allowedBy(d: Omit<TraceDifference, 'allowed'>, cpu: string | undefined, allow: readonly AllowEntry[], values?: [bigint, bigint]): AllowEntry | undefined {
  return allow.find((e) => {
    if (e.kind !== d.kind) return false;
    if (e.cpu !== undefined && e.cpu !== cpu) return false;
    if (e.id !== undefined && e.id !== d.id) return false;
    if (e.cap !== undefined && e.cap !== d.what) return false;
    if (e.field !== undefined && e.field !== d.what) return false;
    if (e.mask !== undefined) {
      if (!values) return false;
      if (((values[0] ^ values[1]) & ~e.mask) !== 0n) return false;
    }
    return true;
  });
}

/** Compares trace A (the reference, e.g. real KVM) with trace B (e.g. `a64emu kvm probe`). */
export function diffTraces(a: KvmTrace, b: KvmTrace, opts: DiffOptions = {}): TraceDiff {
  const cpu = opts.cpu ?? cpuOfTrace(a);
  const allow = opts.allow ?? ALLOW_LIST;
  const out: TraceDifference[] = [];
  const add = (d: Omit<TraceDifference, 'allowed'>, values?: [bigint, bigint]): void => {
    const e = allowedBy(d, cpu, allow, values);
    out.push(e ? { ...d, allowed: e.reason } : d);
  };
  const opt = (v: unknown): string => (v === undefined ? NONE : String(v));

  // header
  if (a.version !== b.version) add({ kind: 'header', what: 'version', a: String(a.version), b: String(b.version) });
  const header: Array<[string, unknown, unknown]> = [
    ['api', a.api, b.api],
    ['guest', a.guestBytes, b.guestBytes],
    ['target', a.target, b.target],
    ['features', a.features === undefined ? undefined : `0x${a.features.toString(16)}`, b.features === undefined ? undefined : `0x${b.features.toString(16)}`],
    ['reglist-size-query', a.reglistQuery && `${a.reglistQuery.result} n=${a.reglistQuery.n}`, b.reglistQuery && `${b.reglistQuery.result} n=${b.reglistQuery.n}`],
    ['reglist', a.reglist, b.reglist],
  ];
  for (const [what, va, vb] of header) if (va !== vb) add({ kind: 'header', what, a: opt(va), b: opt(vb) });

  // capabilities, by name (in A's order, then those only B has)
  const capsB = new Map(b.caps.map((c) => [c.name, c.value]));
  const capsA = new Map(a.caps.map((c) => [c.name, c.value]));
  for (const c of a.caps) if (capsB.get(c.name) !== c.value) add({ kind: 'cap', what: c.name, a: String(c.value), b: opt(capsB.get(c.name)) });
  for (const c of b.caps) if (!capsA.has(c.name)) add({ kind: 'cap', what: c.name, a: NONE, b: String(c.value) });

  // the register list: membership, then order
  diffRegs('reset', a.reset, b.reset, add, true);

  // SET_ONE_REG, one by one
  const nSets = Math.max(a.sets.length, b.sets.length);
  for (let i = 0; i < nSets; i++) {
    const sa = a.sets[i];
    const sb = b.sets[i];
    const line = (s: typeof sa): string => (s ? `${regid.hexId(s.id)} ${regid.hexId(s.value)} -> ${s.result}` : NONE);
    if (sa && sb && sa.id === sb.id) {
      if (sa.value !== sb.value || sa.result !== sb.result) {
        add({ kind: 'set', what: `#${i + 1}`, id: sa.id, name: nameOf(sa.id), a: `${regid.hexId(sa.value)} -> ${sa.result}`, b: `${regid.hexId(sb.value)} -> ${sb.result}` });
      }
    } else {
      add({ kind: 'set', what: `#${i + 1}`, a: line(sa), b: line(sb) });
    }
  }

  // exits, one by one
  const nExits = Math.max(a.exits.length, b.exits.length);
  for (let i = 0; i < nExits; i++) {
    const ea: TraceExit | undefined = a.exits[i];
    const eb: TraceExit | undefined = b.exits[i];
    const sa = ea ? formatExit(ea) : NONE;
    const sb = eb ? formatExit(eb) : NONE;
    if (sa !== sb) add({ kind: 'exit', what: `#${i + 1}`, a: sa, b: sb });
  }
  if (a.exits.length !== b.exits.length) {
    add({ kind: 'exit', what: 'count', a: String(a.exits.length), b: String(b.exits.length) });
  }

  diffRegs('final', a.final, b.final, add, false);

  // errors and completeness
  const errs = (t: KvmTrace): string => t.errors.map((e) => `error ${e.what} ${e.errno}`).join('; ') || NONE;
  if (errs(a) !== errs(b)) add({ kind: 'error', what: 'errors', a: errs(a), b: errs(b) });
  if (!a.complete || !b.complete) {
    const c = (t: KvmTrace): string => (t.complete ? 'complete' : "incomplete (no '# end')");
    add({ kind: 'incomplete', what: 'completeness', a: c(a), b: c(b) });
  }

  return { cpu, differences: out, counted: out.filter((d) => d.allowed === undefined).length };
}

type Reg = { id: RegId; value?: bigint; error?: string };

/** Values by ID; for `reset` also the list's membership and order (final has the same list). */
function diffRegs(kind: 'reset' | 'final', ra: readonly Reg[], rb: readonly Reg[], add: (d: Omit<TraceDifference, 'allowed'>, v?: [bigint, bigint]) => void, list: boolean): void {
  const byIdB = new Map(rb.map((r) => [r.id, r]));
  const byIdA = new Map(ra.map((r) => [r.id, r]));
  if (list) {
    for (const r of ra) if (!byIdB.has(r.id)) add({ kind: 'reglist', what: '', id: r.id, name: nameOf(r.id), a: 'listed', b: NONE });
    for (const r of rb) if (!byIdA.has(r.id)) add({ kind: 'reglist', what: '', id: r.id, name: nameOf(r.id), a: NONE, b: 'listed' });
    const common = (x: readonly Reg[], other: Map<RegId, Reg>): RegId[] => x.filter((r) => other.has(r.id)).map((r) => r.id);
    const ca = common(ra, byIdB);
    const cb = common(rb, byIdA);
    const at = ca.findIndex((id, i) => id !== cb[i]);
    if (at >= 0) {
      add({ kind: 'reglist', what: `order (the common IDs differ first at position ${at + 1})`, a: `${regid.hexId(ca[at]!)} ${nameOf(ca[at]!)}`, b: `${regid.hexId(cb[at]!)} ${nameOf(cb[at]!)}` });
    }
  }
  for (const r of ra) {
    const o = byIdB.get(r.id);
    if (!o) continue;
    const va = hexValue(r.id, r);
    const vb = hexValue(r.id, o);
    if (va === vb) continue;
    const both = r.value !== undefined && o.value !== undefined && r.error === undefined && o.error === undefined;
    add({ kind, what: '', id: r.id, name: nameOf(r.id), a: va, b: vb }, both ? [r.value!, o.value!] : undefined);
  }
}

/** Text: one line per difference (allowed ones marked, with their reason), then a summary. */
export function formatDiff(d: TraceDiff): string {
  const lines: string[] = [];
  for (const x of d.differences) {
    const parts: string[] = [x.allowed !== undefined ? `allowed ${x.kind}` : x.kind];
    if (x.what) parts.push(x.what);
    if (x.id !== undefined) parts.push(regid.hexId(x.id));
    if (x.name !== undefined && x.name !== regid.hexId(x.id ?? -1n)) parts.push(x.name);
    const head = `${parts.join(' ')}: A ${x.a}, B ${x.b}`;
    lines.push(x.allowed !== undefined ? `${head} (${x.allowed})` : head);
  }
  const allowed = d.differences.length - d.counted;
  lines.push(
    d.counted === 0
      ? `traces agree${allowed ? ` (${allowed} allowed difference${allowed === 1 ? '' : 's'})` : ''}`
      : `${d.counted} difference${d.counted === 1 ? '' : 's'}${allowed ? ` (and ${allowed} allowed)` : ''}`,
  );
  return lines.join('\n') + '\n';
}

/** JSON form: IDs as hex strings. */
export function diffJson(d: TraceDiff): object {
  return {
    cpu: d.cpu ?? null,
    counted: d.counted,
    allowed: d.differences.length - d.counted,
    differences: d.differences.map((x) => ({
      kind: x.kind,
      what: x.what,
      ...(x.id !== undefined ? { id: regid.hexId(x.id), name: x.name ?? nameOf(x.id) } : {}),
      a: x.a,
      b: x.b,
      ...(x.allowed !== undefined ? { allowed: x.allowed } : {}),
    })),
  };
}
