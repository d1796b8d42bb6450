// One `a64emu fuzz` run: generate cases in batches, build one image per batch, run it on
// QEMU and on a64emu at the same time, compare every case, then shrink the mismatches.

import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FuzzClass } from '../../cli/args.js';
import type { Defect } from '../../cpu/defects.js';
import { deleteItems, type Case } from './case.js';
import { compareCase, caseResult, type CaseResult, type Difference } from './compare.js';
import { Generator } from './generate.js';
import { buildImage, COMPILED_REPEATS, type Layout } from './image.js';
import { Rng } from './rng.js';
import { runA64emu, runQemu } from './run.js';

export interface FuzzOptions {
  readonly cls: FuzzClass;
  readonly seed: number;
  readonly count: number;
  readonly length: number;
  readonly cpu: string;
  readonly qemu: string;
  readonly defect?: Defect;
  /** Keep the images here. */
  readonly saveDir?: string;
  /** Cases per image (default BATCH). */
  readonly batch?: number;
  /** Mismatches to shrink (default 5); the others are counted. */
  readonly shrinkMax?: number;
  /** Progress lines (default: none). */
  readonly progress?: (line: string) => void;
}

/** A case as run in one image, with both sides' results. */
export interface RunCase {
  readonly case: Case;
  /** Item start addresses in the image (last: the end of the sequence). */
  readonly itemAddr: readonly number[];
  /** The scratch buffer's address in that image (scratch-relative registers are based on it). */
  readonly scratchAddr: number;
  readonly qemu: CaseResult;
  /** Null when a64emu could not finish the case (a64emuError says why). */
  readonly a64emu: CaseResult | null;
  readonly a64emuError?: string;
  readonly diffs: readonly Difference[];
}

export interface Mismatch {
  /** The case's number in the run (0-based). */
  readonly index: number;
  readonly original: RunCase;
  /** The shortest still-failing sequence found (the original when not shrunk). */
  readonly shrunk: RunCase;
  readonly shrinkRounds: number;
}

export interface FuzzResult {
  readonly seed: number;
  readonly cases: number;
  readonly instructions: number;
  readonly images: number;
  readonly mismatchCount: number;
  readonly mismatches: Mismatch[];
  /** Row name -> instances generated; variant name -> instances generated. */
  readonly rowCounts: Map<string, number>;
  readonly variantCounts: Map<string, number>;
  readonly generator: Generator;
  /** Images a side could not finish (the run went on without them, or stopped: see FuzzFailure). */
  readonly failures: FuzzFailure[];
  readonly ms: { total: number; generate: number; run: number; shrink: number };
}

/** Cases per image (and QEMU launch). */
export const BATCH = 2500;

/** Every this many cases, one is run COMPILED_REPEATS times (see image.ts). */
export const COMPILED_EVERY = 8;

/** Runs of all the cases of an image (for the a64emu step budget). */
const runs = (cases: readonly Case[]): number => cases.reduce((s, c) => s + (c.repeats ?? 1), 0);

/** A side did not produce its results: QEMU (bad installation, timeout) or a64emu (a bug). */
export class FuzzError extends Error {
  override name = 'FuzzError';
  constructor(
    readonly side: 'qemu' | 'a64emu',
    message: string,
  ) {
    super(message);
  }
}

/** An image that did not run to the end on one side, and what was lost with it. */
export interface FuzzFailure {
  readonly side: 'qemu' | 'a64emu';
  readonly message: string;
  /** batch: a batch of new cases (QEMU: the run stopped there); rest: a batch without the cases a64emu could not finish; shrink: a shrinking round (the mismatches keep their shortest form so far). */
  readonly during: 'batch' | 'rest' | 'shrink';
}

interface Batch {
  readonly cases: readonly Case[];
  readonly layout: Layout;
  readonly q: Uint8Array;
  readonly e: Uint8Array;
}

export async function runFuzz(o: FuzzOptions): Promise<FuzzResult> {
  const t0 = performance.now();
  const gen = new Generator(o.cls, o.cpu, o.length);
  const dir = o.saveDir ?? mkdtempSync(join(tmpdir(), 'a64emu-fuzz-'));
  if (o.saveDir) mkdirSync(o.saveDir, { recursive: true });
  const ms = { total: 0, generate: 0, run: 0, shrink: 0 };
  let images = 0;
  const runImage = async (cases: readonly Case[], name: string): Promise<Batch> => {
    let t = performance.now();
    const img = buildImage(cases, gen.def.scratch, gen.def.fp === true);
    ms.generate += performance.now() - t;
    const path = join(dir, `${name}.elf`);
    writeFileSync(path, img.elf);
    images++;
    t = performance.now();
    const expected = img.layout.recordSize * cases.length;
    // Budget: the driver's ~150 instructions per case plus the sequence, with room to spare.
    const budget = runs(cases) * (400 + 4 * o.length) + 10_000;
    const [q, e] = await Promise.all([
      runQemu(o.qemu, path, o.cpu, expected, 60_000 + cases.length * 20),
      runA64emu(img.elf, o.cpu, expected, budget, o.defect),
    ]);
    ms.run += performance.now() - t;
    if (!q.data) throw new FuzzError('qemu', `${q.error} (image ${path})`);
    if (!e.data) throw new FuzzError('a64emu', `${e.error} (image ${path}; a64emu failed where QEMU did not: a bug)`);
    return { cases, layout: img.layout, q: q.data, e: e.data };
  };
  const runCase = (b: Batch, i: number, diffs: Difference[]): RunCase => ({
    case: b.cases[i],
    itemAddr: b.layout.itemAddr[i],
    scratchAddr: b.layout.scratch[i],
    qemu: caseResult(b.q, b.layout, i),
    a64emu: caseResult(b.e, b.layout, i),
    diffs,
  });
  /** Whether a64emu alone finishes an image of `cases` (the error when not). */
  const a64emuAlone = async (cases: readonly Case[]): Promise<string | undefined> => {
    const img = buildImage(cases, gen.def.scratch, gen.def.fp === true);
    const r = await runA64emu(img.elf, o.cpu, img.layout.recordSize * cases.length, runs(cases) * (400 + 4 * o.length) + 10_000, o.defect);
    return r.data ? undefined : r.error;
  };
  /** The cases a64emu cannot finish (found by halving), with its error; QEMU's result for each. */
  const isolate = async (cases: readonly Case[], index: readonly number[]): Promise<{ index: number; run: RunCase }[]> => {
    if (cases.length === 1) {
      const error = await a64emuAlone(cases);
      if (error === undefined) return [];
      const img = buildImage(cases, gen.def.scratch, gen.def.fp === true);
      const path = join(dir, `failing-${o.cls}-${o.seed}-${index[0]}.elf`);
      writeFileSync(path, img.elf);
      const q = await runQemu(o.qemu, path, o.cpu, img.layout.recordSize, 60_000);
      if (!q.data) throw new FuzzError('qemu', `${q.error} (image ${path})`);
      const run: RunCase = {
        case: cases[0], itemAddr: img.layout.itemAddr[0], scratchAddr: img.layout.scratch[0],
        qemu: caseResult(q.data, img.layout, 0), a64emu: null, a64emuError: error, diffs: [],
      };
      return [{ index: index[0], run }];
    }
    if ((await a64emuAlone(cases)) === undefined) return [];
    const h = cases.length >> 1;
    return [...(await isolate(cases.slice(0, h), index.slice(0, h))), ...(await isolate(cases.slice(h), index.slice(h)))];
  };

  try {
    const rng = new Rng(o.seed);
    const rowCounts = new Map<string, number>();
    const variantCounts = new Map<string, number>();
    const found: { index: number; run: RunCase }[] = [];
    /** Cases a64emu could not finish (not shrunk). */
    const failed: { index: number; run: RunCase }[] = [];
    let mismatchCount = 0;
    let instructions = 0;
    const per = o.batch ?? BATCH;
    const failures: FuzzFailure[] = [];
    let generated = 0;
    for (let start = 0; start < o.count; start += per) {
      const t = performance.now();
      const n = Math.min(per, o.count - start);
      const cases: Case[] = [];
      for (let i = 0; i < n; i++) {
        const c = gen.genCase(rng);
        // One case in COMPILED_EVERY runs until a64emu executes it as compiled blocks.
        if ((start + i) % COMPILED_EVERY === 0) c.repeats = COMPILED_REPEATS;
        for (const it of c.items) {
          rowCounts.set(it.row, (rowCounts.get(it.row) ?? 0) + 1);
          variantCounts.set(it.variant, (variantCounts.get(it.variant) ?? 0) + 1);
        }
        instructions += c.items.length;
        cases.push(c);
      }
      generated += n;
      ms.generate += performance.now() - t;
      const name = `fuzz-${o.cls}-${o.seed}-${start / per}`;
      let index = cases.map((_, i) => start + i);
      let b: Batch;
      let during: FuzzFailure['during'] = 'batch';
      try {
        try {
          b = await runImage(cases, name);
        } catch (e) {
          if (!(e instanceof FuzzError) || e.side !== 'a64emu') throw e;
          // a64emu failed to finish the image: find the cases it cannot finish, report them,
          // and compare the others.
          const failing = await isolate(cases, index);
          if (failing.length === 0) throw e;
          mismatchCount += failing.length;
          failed.push(...failing.slice(0, Math.max(0, (o.shrinkMax ?? 5) - failed.length)));
          const bad = new Set(failing.map((f) => f.index));
          const rest = cases.filter((_, i) => !bad.has(index[i]));
          index = index.filter((i) => !bad.has(i));
          during = 'rest';
          b = await runImage(rest, `${name}-rest`);
        }
      } catch (e) {
        if (!(e instanceof FuzzError)) throw e;
        failures.push({ side: e.side, message: e.message, during });
        // QEMU failing on a new batch will likely fail on the next: stop generating.
        if (e.side === 'qemu' && during === 'batch') break;
        continue;
      }
      for (let i = 0; i < b.cases.length; i++) {
        const diffs = compareCase(b.q, b.e, b.layout, i);
        if (diffs.length === 0) continue;
        mismatchCount++;
        if (found.length < (o.shrinkMax ?? 5)) found.push({ index: index[i], run: runCase(b, i, diffs) });
      }
      o.progress?.(`${start + n} cases, ${mismatchCount} mismatches`);
    }

    // Shrinking: each round tries every single-item deletion of every unfinished mismatch
    // (the ones that still satisfy the class's constraints) in one image.
    const t = performance.now();
    const best = found.map((f) => ({ run: f.run, rounds: 0, done: false }));
    for (let round = 0; best.some((m) => !m.done); round++) {
      const cands: { m: number; c: Case }[] = [];
      best.forEach((m, k) => {
        if (m.done) return;
        const items = m.run.case.items;
        let any = false;
        for (let i = 0; i < items.length; i++) {
          const c = deleteItems(m.run.case, new Set([i]));
          if (!gen.check(c)) continue;
          cands.push({ m: k, c });
          any = true;
        }
        if (!any) m.done = true;
      });
      if (cands.length === 0) break;
      let b: Batch;
      try {
        b = await runImage(cands.map((x) => x.c), `shrink-${o.cls}-${o.seed}-${round}`);
      } catch (e) {
        if (!(e instanceof FuzzError)) throw e;
        // Keep the shortest forms found so far.
        failures.push({ side: e.side, message: e.message, during: 'shrink' });
        for (const m of best) m.done = true;
        break;
      }
      const advanced = new Set<number>();
      cands.forEach((x, i) => {
        if (advanced.has(x.m)) return;
        const diffs = compareCase(b.q, b.e, b.layout, i);
        if (diffs.length === 0) return;
        advanced.add(x.m);
        best[x.m].run = runCase(b, i, diffs);
        best[x.m].rounds++;
      });
      best.forEach((m, k) => {
        if (!advanced.has(k)) m.done = true;
      });
    }
    ms.shrink = performance.now() - t;
    const mismatches = [
      ...failed.map((f) => ({ index: f.index, original: f.run, shrunk: f.run, shrinkRounds: 0 })),
      ...found.map((f, k) => ({ index: f.index, original: f.run, shrunk: best[k].run, shrinkRounds: best[k].rounds })),
    ];
    ms.total = performance.now() - t0;
    return { seed: o.seed, cases: generated, instructions, images, mismatchCount, mismatches, rowCounts, variantCounts, generator: gen, failures, ms };
  } finally {
    if (!o.saveDir) rmSync(dir, { recursive: true, force: true });
  }
}
