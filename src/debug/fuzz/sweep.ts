// `a64emu sweep`: every MRS and MSR encoding at every EL of a start mode, on QEMU and on
// a64emu (the image: sweep_image.ts), compared outcome by outcome: for MRS the value read or
// the exception (ESR, target EL), for MSR completion or the exception. Values that differ
// between runs for a reason are masked, and known deliberate differences allowed, by the
// tables in sweep_known.ts; everything else is a mismatch.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MODELS, modelForEl } from '../../cpu/models.js';
import { findSysreg } from '../../sysregs/table.js';
import { genericName } from '../../sysregs/row.js';
import { runA64emu, runQemu } from './run.js';
import {
  buildSweepImage, encodingOf, encodingsIn, ENCODINGS, modeName, phaseName, RECORD, spaceOf, spsrFor, sysEncodingOf,
  type Phase, type SweepMode, type SweepSpace,
} from './sweep_image.js';
import { ALLOWED, MASKS, type Allowed } from './sweep_known.js';

/** One encoding at one phase: MRS status and value, MSR status (status 0: completed). */
export interface Outcome {
  readonly mrs: bigint;
  readonly value: bigint;
  readonly msr: bigint;
}

/** The raw results of one side: phases x ENCODINGS x RECORD bytes. */
export type SweepData = Uint8Array;

export function outcomeAt(data: SweepData, phase: number, i: number, n = ENCODINGS): Outcome {
  const dv = new DataView(data.buffer, data.byteOffset + (phase * n + i) * RECORD, RECORD);
  return { mrs: dv.getBigUint64(0, true), value: dv.getBigUint64(8, true), msr: dv.getBigUint64(16, true) };
}

/** The status of an UNDEFINED instruction at `el` (EC 0x00, IL 1, taken to EL1 from EL0). */
const undefinedStatus = (el: number): bigint => 0x2000000n | (BigInt(Math.max(el, 1)) << 56n);

/** A status for people: "ok", or "EC 0x18 ISS 0x... to EL2" (and the vector kind if not sync). */
function statusText(s: bigint): string {
  if (s === 0n) return 'ok';
  const esr = s & 0xffff_ffff_ffffn & ~(0xfn << 52n);
  const ec = Number((esr >> 26n) & 0x3fn);
  const iss = esr & 0x1ffffffn;
  const el = Number((s >> 56n) & 3n);
  const kind = ['', ' IRQ', ' FIQ', ' SError'][Number((s >> 52n) & 3n)];
  const il = (esr >> 25n) & 1n ? '' : ' IL=0';
  return `EC 0x${ec.toString(16).padStart(2, '0')}${il} ISS 0x${iss.toString(16)} to EL${el}${kind}`;
}

/** The status of SVC #0 at `el` (EC 0x15, IL 1, ISS 0, to EL1 from EL0). */
export const svcStatus = (el: number): bigint => (0x15n << 26n) | 0x2000000n | (BigInt(Math.max(el, 1)) << 56n);

/** The outcome of an encoding a recording leaves out: UNDEFINED, nothing read; pstate: PSTATE as at entry, the SVC taken. */
export function defaultOutcome(space: SweepSpace, el: number): Outcome {
  const undef = undefinedStatus(el);
  if (space === 'pstate') return { mrs: undef, value: BigInt(spsrFor(el)), msr: svcStatus(el) };
  return { mrs: undef, value: 0n, msr: undef };
}

const NAME_MODEL = modelForEl(MODELS.max, 3, { el2: true });
/**
 * The register's or operation's name (a64emu's, for any model and mode), else
 * S<op0>_<op1>_C<n>_C<m>_<op2> (op0 1 for the sys space, 0 for the pstate space).
 */
export function encodingName(i: number, space: SweepSpace = 'sysreg'): string {
  const e = space === 'sysreg' ? encodingOf(i) : { op0: space === 'sys' ? 1 : 0, ...sysEncodingOf(i) };
  return findSysreg(e.op0, e.op1, e.crn, e.crm, e.op2, NAME_MODEL)?.name ?? genericName(e.op0, e.op1, e.crn, e.crm, e.op2);
}

/** Names of a space's three record slots as reported: first status, value, second status. */
export const ACCESSES: Record<SweepSpace, readonly [string, string, string]> = {
  sysreg: ['MRS', 'MRS', 'MSR'],
  sys: ['SYSL', 'PAR_EL1', 'SYS'],
  pstate: ['EXEC', 'PSTATE', 'SVC'],
};

export interface SweepMismatch {
  readonly cpu: string;
  readonly mode: string;
  readonly phase: string;
  /** MRS/MSR; SYSL/SYS/PAR_EL1 (after the SYS); EXEC/PSTATE (after)/SVC (ACCESSES). */
  readonly access: string;
  readonly name: string;
  /** Encoding index (sweep_image.ts encodingOf). */
  readonly index: number;
  readonly qemu: string;
  readonly a64emu: string;
}

export interface SweepComparison {
  readonly cpu: string;
  readonly mode: string;
  readonly space: SweepSpace;
  readonly phases: readonly string[];
  /** Accesses (MRS and MSR, each encoding, each phase) by outcome class. */
  readonly counts: {
    /** UNDEFINED on both sides. */
    undefinedBoth: number;
    /** The same exception (not UNDEFINED) on both sides. */
    sameException: number;
    /** Completed on both, the same value (MRS) or completion (MSR). */
    same: number;
    /** MRS completed on both, equal only under a mask. */
    masked: number;
    /** Different, as an ALLOWED entry says. */
    allowed: number;
    mismatches: number;
  };
  readonly mismatches: SweepMismatch[];
  /** Allowed differences seen, per entry. */
  readonly allowedHits: Map<Allowed, number>;
  /** Values equal only under a mask, per register. */
  readonly maskHits: Map<string, number>;
}

/** MASKS by space and name ("sys:AT_S1E1R"). */
const maskFor = new Map<string, { bits: bigint }>();
for (const m of MASKS) maskFor.set(`${m.space ?? 'sysreg'}:${m.reg}`, m);

/** The ALLOWED entry that covers this difference, if any. */
function allowedFor(cpu: string, mode: string, phase: string, access: string, name: string, space: SweepSpace = 'sysreg'): Allowed | undefined {
  return ALLOWED.find(
    (a) =>
      (a.space ?? 'sysreg') === space &&
      (typeof a.reg === 'string' ? a.reg === name : a.reg.test(name)) &&
      (a.access === undefined || a.access === access) &&
      (a.cpus === undefined || a.cpus.includes(cpu)) &&
      (a.modes === undefined || a.modes.includes(mode)) &&
      (a.phases === undefined || a.phases.includes(phase)),
  );
}

/** Compares QEMU's results (q) with a64emu's (e) for one model and mode. */
export function compareSweep(cpu: string, mode: SweepMode, phases: readonly Phase[], q: SweepData, e: SweepData): SweepComparison {
  const counts = { undefinedBoth: 0, sameException: 0, same: 0, masked: 0, allowed: 0, mismatches: 0 };
  const mismatches: SweepMismatch[] = [];
  const allowedHits = new Map<Allowed, number>();
  const maskHits = new Map<string, number>();
  const mName = modeName(mode);
  const space = spaceOf(mode);
  const n = encodingsIn(space);
  const [first, valueName, second] = ACCESSES[space];
  phases.forEach((p, k) => {
    const undef = undefinedStatus(p.el);
    const pName = phaseName(p);
    for (let i = 0; i < n; i++) {
      const a = outcomeAt(q, k, i, n);
      const b = outcomeAt(e, k, i, n);
      let name: string | undefined;
      const differ = (access: string, qs: string, es: string): void => {
        name ??= encodingName(i, space);
        const allow = allowedFor(cpu, mName, pName, access, name, space);
        if (allow) {
          counts.allowed++;
          allowedHits.set(allow, (allowedHits.get(allow) ?? 0) + 1);
          return;
        }
        counts.mismatches++;
        mismatches.push({ cpu, mode: mName, phase: pName, access, name, index: i, qemu: qs, a64emu: es });
      };
      const compareValue = (): void => {
        if (a.value === b.value) {
          counts.same++;
          return;
        }
        name ??= encodingName(i, space);
        const m = maskFor.get(`${space}:${name}`);
        if (m && (a.value & ~m.bits) === (b.value & ~m.bits)) {
          counts.masked++;
          maskHits.set(name, (maskHits.get(name) ?? 0) + 1);
        } else differ(valueName, `0x${a.value.toString(16)}`, `0x${b.value.toString(16)}`);
      };
      // MRS (SYSL, the op0 = 0 instruction)
      if (a.mrs !== b.mrs) differ(first, statusText(a.mrs), statusText(b.mrs));
      else if (a.mrs === undef) counts.undefinedBoth++;
      else if (a.mrs !== 0n) counts.sameException++;
      else if (space === 'sysreg') compareValue();
      else counts.same++;
      // The other spaces' value (PAR_EL1, PSTATE) whatever the statuses.
      if (space !== 'sysreg') compareValue();
      // MSR (SYS, the SVC)
      if (a.msr !== b.msr) differ(second, statusText(a.msr), statusText(b.msr));
      else if (a.msr === undef) counts.undefinedBoth++;
      else if (a.msr !== 0n) counts.sameException++;
      else counts.same++;
    }
  });
  return { cpu, mode: mName, space, phases: phases.map(phaseName), counts, mismatches, allowedHits, maskHits };
}

export interface SweepRun {
  readonly cpu: string;
  readonly mode: SweepMode;
  readonly phases: readonly Phase[];
  readonly qemu: SweepData;
  readonly a64emu: SweepData;
  readonly ms: { qemu: number; a64emu: number };
}

/** Steps a64emu may take: per encoding and phase, the 7 sweep words and two exceptions. */
const budget = (phases: number): number => phases * ENCODINGS * 40 + 100_000; // (more than the other spaces need)

/** a64emu's results alone (for comparing with a recording). */
export async function sweepA64emu(cpu: string, mode: SweepMode): Promise<{ phases: readonly Phase[]; data: SweepData }> {
  const img = buildSweepImage(mode);
  const r = await runA64emu(img.elf, cpu, img.resultBytes, budget(img.phases.length), undefined, { el: mode.el, el2: mode.el2 });
  if (!r.data) throw new Error(`sweep ${cpu} ${modeName(mode)}: ${r.error}`);
  return { phases: img.phases, data: r.data };
}

/** Runs the sweep image of `mode` on QEMU (binary) and on a64emu, side by side. */
export async function runSweep(cpu: string, mode: SweepMode, binary: string, saveDir?: string): Promise<SweepRun> {
  const img = buildSweepImage(mode);
  const dir = saveDir ?? mkdtempSync(join(tmpdir(), 'a64emu-sweep-'));
  const space = spaceOf(mode);
  const path = join(dir, `sweep-${space === 'sysreg' ? '' : `${space}-`}${cpu}-${modeName(mode)}.elf`);
  try {
    writeFileSync(path, img.elf);
    const ms = { qemu: 0, a64emu: 0 };
    const t0 = performance.now();
    const qp = runQemu(binary, path, cpu, img.resultBytes, 300_000, { el: mode.el, el2: mode.el2 }).then((r) => {
      ms.qemu = performance.now() - t0;
      return r;
    });
    const ep = runA64emu(img.elf, cpu, img.resultBytes, budget(img.phases.length), undefined, { el: mode.el, el2: mode.el2 }).then((r) => {
      ms.a64emu = performance.now() - t0;
      return r;
    });
    const [q, e] = await Promise.all([qp, ep]);
    if (!q.data) throw new Error(`sweep ${cpu} ${modeName(mode)}: ${q.error}`);
    if (!e.data) throw new Error(`sweep ${cpu} ${modeName(mode)}: ${e.error}`);
    return { cpu, mode, phases: img.phases, qemu: q.data, a64emu: e.data, ms };
  } finally {
    if (!saveDir) rmSync(dir, { recursive: true, force: true });
  }
}
