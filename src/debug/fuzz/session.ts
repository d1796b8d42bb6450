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
import { buildImage, type Layout } from './image.js';
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
  /** Cases per image (default 2500). */
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
  readonly a64emu: CaseResult;
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
  readonly ms: { total: number; generate: number; run: number; shrink: number };
}

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
    const img = buildImage(cases, gen.def.scratch);
    ms.generate += performance.now() - t;
    const path = join(dir, `${name}.elf`);
    writeFileSync(path, img.elf);
    images++;
    t = performance.now();
    const expected = img.layout.recordSize * cases.length;
    // Budget: the driver's ~150 instructions per case plus the sequence, with room to spare.
    const budget = cases.length * (400 + 4 * o.length) + 10_000;
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

  try {
    const rng = new Rng(o.seed);
    const rowCounts = new Map<string, number>();
    const variantCounts = new Map<string, number>();
    const found: { index: number; run: RunCase }[] = [];
    let mismatchCount = 0;
    let instructions = 0;
    const per = o.batch ?? 2500;
    for (let start = 0; start < o.count; start += per) {
      const t = performance.now();
      const n = Math.min(per, o.count - start);
      const cases: Case[] = [];
      for (let i = 0; i < n; i++) {
        const c = gen.genCase(rng);
        for (const it of c.items) {
          rowCounts.set(it.row, (rowCounts.get(it.row) ?? 0) + 1);
          variantCounts.set(it.variant, (variantCounts.get(it.variant) ?? 0) + 1);
        }
        instructions += c.items.length;
        cases.push(c);
      }
      ms.generate += performance.now() - t;
      const b = await runImage(cases, `fuzz-${o.cls}-${o.seed}-${start / per}`);
      for (let i = 0; i < n; i++) {
        const diffs = compareCase(b.q, b.e, b.layout, i);
        if (diffs.length === 0) continue;
        mismatchCount++;
        if (found.length < (o.shrinkMax ?? 5)) found.push({ index: start + i, run: runCase(b, i, diffs) });
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
      const b = await runImage(cands.map((x) => x.c), `shrink-${o.cls}-${o.seed}-${round}`);
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
    const mismatches = found.map((f, k) => ({ index: f.index, original: f.run, shrunk: best[k].run, shrinkRounds: best[k].rounds }));
    ms.total = performance.now() - t0;
    return { seed: o.seed, cases: o.count, instructions, images, mismatchCount, mismatches, rowCounts, variantCounts, generator: gen, ms };
  } finally {
    if (!o.saveDir) rmSync(dir, { recursive: true, force: true });
  }
}
