// A differential check of Advanced SIMD rows against QEMU 7.2, observed live: random
// encodings of the given decoder rows run on qemu-system-aarch64 and on a64emu from the same
// ELF, and the states they leave are compared. Each case:
//   - refills a 320-byte scratch buffer, V0..V31 (from one of 64 random sets, biased towards
//     0, all-ones, sign bits and lane limits), X0..X30 and SP, and clears TPIDR_EL0;
//   - runs the instruction; an exception is recorded by the vector (ESR_EL1 into TPIDR_EL0)
//     and skipped;
//   - dumps X0..X30, SP, the recorded ESR, V0..V31 and the scratch buffer.
// For load/store rows every X register and SP point into the scratch buffer (64-byte
// aligned), so no access leaves it; the other rows get random X values.
// The image builds its own words (fuzz/asm.ts), so only QEMU is needed.
import { expect, it } from 'vitest';
import { requireTool, TOOLS } from '../helpers/tools.js';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compilePattern, type Row } from '../../src/cpu/decoder.js';
import { A, Asm } from '../../src/debug/fuzz/asm.js';
import { IMAGE_BASE, IMAGE_RAM, emitReport, reportData, REPORT_DATA_SIZE } from '../../src/debug/fuzz/image.js';
import { runA64emu, runQemu } from '../../src/debug/fuzz/run.js';
import { makeElf } from '../../src/machine/elf.js';
import { Rng } from '../../src/debug/fuzz/rng.js';

const SCRATCH = 320;
const RES = 272 + 512 + SCRATCH;
const NSETS = 64;

const u = (v: number): number => v >>> 0;
/** LD1/ST1 {Vt.16B-Vt+3.16B}, [Xn], #64 */
const ld1x4 = (t: number, n: number): number => u(0x4cdf2000 | (n << 5) | t);
const st1x4 = (t: number, n: number): number => u(0x4c9f2000 | (n << 5) | t);
const adrp = (d: number, off: number): number => u(0x90000000 | ((off & 3) << 29) | (((off >> 2) & 0x7ffff) << 5) | d);
/** ADRP + ADD Xd, Xd, #lo12 to an absolute address */
function addr(a: Asm, d: number, label: string): void {
  const pc = a.pc;
  a.ref(label, (o) => adrp(d, Math.floor((pc + o) / 4096) - Math.floor(pc / 4096)));
  a.ref(label, (o) => A.addImm(d, d, (pc + 4 + o) & 0xfff));
}
const movSpX = (n: number): number => u(0x91000000 | (n << 5) | 31);
const movXSp = (d: number): number => u(0x91000000 | (31 << 5) | d);
const ISB = 0xd5033fdf;

export interface Gen {
  row: Row;
  /** Adjusts a random encoding (e.g. biases a field); default none. */
  tweak?: (w: number, rng: Rng) => number;
  /** The row accesses memory: X registers point into the scratch buffer. */
  mem?: boolean;
}

function biased(rng: Rng, bytes: Uint8Array): void {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let o = 0; o < bytes.length; o += 4) {
    const k = rng.below(10);
    const v = k === 0 ? 0 : k === 1 ? 0xffffffff : k === 2 ? 0x80000000 : k === 3 ? 0x7fffffff : k === 4 ? 0x80008000 + rng.below(3) * 0x7fff7fff : k === 5 ? 0x7f807f80 ^ rng.below(0x10000) : rng.u32();
    dv.setUint32(o, v >>> 0, true);
  }
}

export interface DiffCase {
  word: number;
  row: string;
}
export interface DiffMismatch {
  word: number;
  row: string;
  what: string;
}

/** Builds the image of `cases`; returns the ELF and the result size. */
function image(cases: { word: number; set: number; mem: boolean }[], rng: Rng): { elf: Uint8Array; size: number } {
  const a = new Asm(IMAGE_BASE);
  a.emit(A.movz(0, 0x30, 1), A.msr('CPACR_EL1', 0), ISB);
  addr(a, 1, 'vectors');
  a.emit(A.msr('VBAR_EL1', 1), ISB);
  cases.forEach((c, k) => {
    addr(a, 0, 'scrinit');
    addr(a, 1, 'scratch');
    for (let i = 0; i < SCRATCH / 64; i++) a.emit(ld1x4(0, 0), st1x4(0, 1));
    addr(a, 0, `vset${c.set}`);
    for (let i = 0; i < 32; i += 4) a.emit(ld1x4(i, 0));
    a.emit(A.msr('TPIDR_EL0', 31));
    addr(a, 30, `gpr${k}`);
    a.emit(A.ldr(0, 30, 248), movSpX(0));
    for (let i = 0; i < 30; i += 2) a.emit(A.ldp(i, i + 1, 30, 8 * i));
    a.emit(A.ldr(30, 30, 240));
    a.emit(c.word);
    a.emit(A.msr('TPIDRRO_EL0', 0));
    addr(a, 0, `res${k}`);
    for (let i = 1; i < 31; i += 2) a.emit(A.stp(i, i + 1, 0, 8 * i));
    a.emit(A.mrs(1, 'TPIDRRO_EL0'), A.str(1, 0, 0), movXSp(1), A.str(1, 0, 248), A.mrs(1, 'TPIDR_EL0'), A.str(1, 0, 256));
    a.emit(A.addImm(0, 0, 272));
    for (let i = 0; i < 32; i += 4) a.emit(st1x4(i, 0));
    addr(a, 1, 'scratch');
    for (let i = 0; i < SCRATCH / 64; i++) a.emit(ld1x4(0, 1), st1x4(0, 0));
  });
  a.ref('done', (o) => A.b(o));
  a.label('done');
  emitReport(a);
  a.alignTo(0x800);
  a.label('vectors');
  for (let v = 0; v < 16; v++) {
    a.emit(A.msr('TPIDRRO_EL0', 0), A.mrs(0, 'ESR_EL1'), A.msr('TPIDR_EL0', 0));
    a.emit(A.mrs(0, 'ELR_EL1'), A.addImm(0, 0, 4), A.msr('ELR_EL1', 0), A.mrs(0, 'TPIDRRO_EL0'), A.eret);
    a.alignTo(0x80);
  }
  // data
  const align = (x: number, n: number): number => Math.ceil(x / n) * n;
  const dataStart = align(a.pc, 4096);
  const report = reportData(a, dataStart);
  let at = align(dataStart + REPORT_DATA_SIZE, 64);
  const put: [number, Uint8Array][] = [];
  const scrinit = new Uint8Array(SCRATCH);
  biased(rng, scrinit);
  a.define('scrinit', at);
  put.push([at, scrinit]);
  at += SCRATCH;
  for (let s = 0; s < NSETS; s++) {
    const b = new Uint8Array(512);
    biased(rng, b);
    a.define(`vset${s}`, at);
    put.push([at, b]);
    at += 512;
  }
  a.define('scratch', at);
  const scratch = at;
  at += SCRATCH + 64;
  cases.forEach((c, k) => {
    const b = new Uint8Array(256);
    const dv = new DataView(b.buffer);
    for (let i = 0; i < 32; i++) {
      const v = c.mem || i === 31 ? BigInt(scratch + 64 * rng.below(4)) : (BigInt(rng.u32()) << 32n) | BigInt(rng.u32());
      dv.setBigUint64(8 * i, v, true);
    }
    a.define(`gpr${k}`, at);
    put.push([at, b]);
    at += 256;
  });
  const results = align(at, 64);
  cases.forEach((_, k) => a.define(`res${k}`, results + RES * k));
  const end = results + RES * cases.length;
  const words = a.finish();
  const mem = new Uint8Array(end - IMAGE_BASE);
  new Uint8Array(mem.buffer).set(new Uint8Array(words.buffer), 0);
  for (const [ad, b] of put) mem.set(b, ad - IMAGE_BASE);
  report(mem, results, RES * cases.length);
  return { elf: makeElf({ entry: IMAGE_BASE, segments: [{ paddr: IMAGE_BASE, data: mem, flags: 7 }] }), size: RES * cases.length };
}

const hex = (b: Uint8Array): string => [...b].reverse().map((x) => x.toString(16).padStart(2, '0')).join('');

/** Runs `count` random cases of `gens` on both sides; returns the cases run and the mismatches. */
export async function simdDiff(gens: Gen[], count: number, seed: number, cpu: string): Promise<{ cases: DiffCase[]; mismatches: DiffMismatch[]; excepted: number; error?: string }> {
  const rng = new Rng(seed);
  const compiled = gens.map((g) => ({ g, c: compilePattern(g.row) }));
  const cases = [];
  for (let k = 0; k < count; k++) {
    const { g, c } = compiled[k % compiled.length];
    let w = (c.value | (rng.u32() & ~c.mask)) >>> 0;
    if (g.tweak) w = ((g.tweak(w, rng) & ~c.mask) | c.value) >>> 0;
    cases.push({ word: w, set: rng.below(NSETS), mem: g.mem === true, row: g.row.name });
  }
  const { elf, size } = image(cases, rng);
  const dir = mkdtempSync(join(tmpdir(), 'simd-diff-'));
  try {
    const path = join(dir, 'simd.elf');
    writeFileSync(path, elf);
    const q = await runQemu(process.env.QEMU ?? 'qemu-system-aarch64', path, cpu, size, 120_000);
    if (q.data === null) return { cases: [], mismatches: [], excepted: 0, error: q.error };
    const e = await runA64emu(elf, cpu, size, 200_000_000);
    if (e.data === null) return { cases: [], mismatches: [], excepted: 0, error: e.error };
    const mismatches: DiffMismatch[] = [];
    let excepted = 0;
    cases.forEach((c, k) => {
      const o = RES * k;
      if (q.data![o + 256] !== 0 || q.data![o + 259] !== 0) excepted++;
      const diffs: string[] = [];
      const cmp = (name: string, from: number, len: number): void => {
        const x = q.data!.subarray(o + from, o + from + len);
        const y = e.data!.subarray(o + from, o + from + len);
        if (x.some((b, i) => b !== y[i])) diffs.push(`${name}: qemu ${hex(x)} a64emu ${hex(y)}`);
      };
      for (let i = 0; i < 31; i++) cmp(`x${i}`, 8 * i, 8);
      cmp('sp', 248, 8);
      cmp('esr', 256, 8);
      for (let i = 0; i < 32; i++) cmp(`v${i}`, 272 + 16 * i, 16);
      for (let i = 0; i < SCRATCH; i += 16) cmp(`mem+${i}`, 272 + 512 + i, 16);
      if (diffs.length) mismatches.push({ word: c.word, row: c.row, what: diffs.join('; ') });
    });
    return { cases: cases.map((c) => ({ word: c.word, row: c.row })), mismatches, excepted };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * One live test per [cpu, count, seed]: `count` random encodings of `gens` on QEMU 7.2 and
 * on a64emu must agree (registers, memory, exceptions). Skipped without QEMU (requireTool).
 */
export function liveDiffTests(gens: Gen[], runs: readonly (readonly [string, number, number])[]): void {
  for (const [cpu, count, seed] of runs) {
    it(`${count} random cases on ${cpu}, seed ${seed}: same registers, memory and exceptions`, async (ctx) => {
      requireTool(ctx, TOOLS.qemu);
      const r = await simdDiff(gens, count, seed, cpu);
      expect(r.error).toBeUndefined();
      expect(r.cases.length).toBe(count);
      expect(r.mismatches.slice(0, 5)).toEqual([]);
    }, 120_000);
  }
}
