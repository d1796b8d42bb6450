// The `a64emu fuzz` generator without QEMU: every row of int, ldst and system is generated, the
// generated loads and stores stay inside their scratch buffer, aligned, with no CONSTRAINED
// UNPREDICTABLE register overlap, and the driver's encodings are the assembler's.
import { describe, expect, it } from 'vitest';
import { Decoder } from '../../src/cpu/decoder.js';
import { decoder } from '../../src/cpu/run.js';
import { VirtMachine } from '../../src/machine/virt.js';
import { A } from '../../src/debug/fuzz/asm.js';
import { deleteItems, SLOT, type Case } from '../../src/debug/fuzz/case.js';
import { Generator } from '../../src/debug/fuzz/generate.js';
import { buildImage, COMPILED_REPEATS, END_SVC_IMM, IMAGE_RAM } from '../../src/debug/fuzz/image.js';
import { caseResult } from '../../src/debug/fuzz/compare.js';
import { Rng } from '../../src/debug/fuzz/rng.js';
import { CLASSES } from '../../src/debug/fuzz/classes.js';

function cases(gen: Generator, seed: number, n: number): Case[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => gen.genCase(rng));
}

describe('fuzz generator', () => {
  it('encodes the driver instructions as aarch64-linux-gnu-as does', () => {
    // Words from `aarch64-linux-gnu-as` + objdump for the same instructions.
    const ours = [
      A.msr('NZCV', 3), A.mrs(1, 'TPIDRRO_EL0'), A.msr('VBAR_EL1', 0), A.mrs(1, 'ESR_EL1'), A.addImm(30, 2, 0),
      A.addImm(1, 31, 0), A.addImm(31, 3, 0), A.subsImm(6, 6, 1), A.movz(1, 5), A.movk(1, 0x1234, 1),
      A.ldr(3, 2, 256), A.str(1, 0, 264), A.ldp(28, 29, 30, 224), A.stp(3, 4, 0, 24), A.ldpPost(7, 8, 4, 16),
      A.stpPost(7, 8, 5, 16), A.adr(0, 0x1234), A.b(-8), A.bcond(1, -8), A.cbz(2, 64),
    ];
    const gas = [
      0xd51b4203, 0xd53bd061, 0xd518c000, 0xd5385201, 0x9100005e, 0x910003e1, 0x9100007f, 0xf10004c6, 0xd28000a1,
      0xf2a24681, 0xf9408043, 0xf9008401, 0xa94e77dc, 0xa9019003, 0xa8c12087, 0xa88120a7, 0x100091a0, 0x17fffffe,
      0x54ffffc1, 0xb4000202,
    ];
    expect(ours.map((w) => w.toString(16))).toEqual(gas.map((w) => w.toString(16)));
  });

  for (const cls of ['int', 'ldst', 'system', 'fp'] as const) {
    it(`generates every row of class ${cls} (max) and only words that decode to it`, () => {
      const gen = new Generator(cls, 'max', 16);
      expect(gen.unavailable).toEqual([]);
      const excluded = Object.keys(CLASSES[cls]!.excluded);
      const rows = CLASSES[cls]!.rows.map((r) => r.name).filter((n) => !excluded.includes(n));
      expect(gen.forms.map((f) => f.row.row.name)).toEqual(rows);
      const seen = new Map<string, number>();
      const variants = new Set<string>();
      for (const c of cases(gen, 7, 3000)) {
        expect(c.items).toHaveLength(16);
        for (const it of c.items) {
          seen.set(it.row, (seen.get(it.row) ?? 0) + 1);
          variants.add(it.variant);
          const w = it.words[it.main];
          expect(decoder().lookup(w.word)?.row.name).toBe(it.row);
        }
      }
      expect([...seen.keys()].sort()).toEqual([...rows].sort());
      const possible = gen.forms.reduce((s, f) => s + f.variants.length, 0);
      expect(variants.size).toBe(possible);
    });
  }

  it('the ldst rows without LSE/LRCPC are unavailable on cortex-a57', () => {
    expect(new Generator('ldst', 'cortex-a57', 16).unavailable).toEqual(['LDAPR', 'ATOMIC', 'CAS', 'CASP']);
  });

  it('ldst cases avoid the CONSTRAINED UNPREDICTABLE register overlaps and SBO fields', () => {
    const gen = new Generator('ldst', 'max', 16);
    let checked = 0;
    for (const c of cases(gen, 11, 1500)) {
      for (const it of c.items) {
        const word = it.words[it.main].word;
        const cr = decoder().lookup(word)!;
        const f = Decoder.fields(cr, word);
        const wb = (it.row === 'LDST_imm9' && (f.idx === 1 || f.idx === 3)) || (it.row === 'LDST_pair' && f.idx !== 2 && f.idx !== 0);
        if (wb && f.rn !== 31) {
          expect(f.rt).not.toBe(f.rn);
          if (it.row === 'LDST_pair') expect(f.rt2).not.toBe(f.rn);
        }
        if ((it.row === 'LDST_pair' && f.L === 1) || it.row === 'LDXP') expect(f.rt).not.toBe(f.rt2);
        if (it.row === 'STXR' || it.row === 'STXP') {
          expect(f.rs).not.toBe(f.rt);
          if (f.rn !== 31) expect(f.rs).not.toBe(f.rn);
          if (it.row === 'STXP') expect(f.rs).not.toBe(f.rt2);
        }
        if (it.row === 'LDXR' || it.row === 'LDAR_STLR' || it.row === 'LDXP') expect(f.rs).toBe(31);
        if (it.row === 'LDXR' || it.row === 'LDAR_STLR' || it.row === 'STXR') expect(f.rt2).toBe(31);
        checked++;
      }
    }
    expect(checked).toBe(1500 * 16);
  });

  it('ldst cases run on a64emu without a fault and write only their scratch buffers', async () => {
    const gen = new Generator('ldst', 'max', 16);
    const cs = cases(gen, 13, 600);
    const img = buildImage(cs, gen.def.scratch);
    const m = new VirtMachine({ cpu: 'max', memory: IMAGE_RAM, output: () => {}, warn: () => {} });
    m.load(img.elf);
    const L = img.layout;
    const ram = m.bus.ram;
    const off = (a: number): number => a - 0x4000_0000;
    const before = ram.slice(off(L.code[0]), off(L.results));
    const r = await m.run({ maxInsns: 10_000_000 });
    expect(r.stop).toEqual({ kind: 'exit', code: 0 });
    const after = ram.subarray(off(L.code[0]), off(L.results));
    const inScratch = (a: number): boolean => L.scratch.some((s) => a >= s && a < s + gen.def.scratch);
    let changedOutside = 0;
    let changedInside = 0;
    for (let i = 0; i < before.length; i++) {
      if (before[i] === after[i]) continue;
      if (inScratch(L.code[0] + i)) changedInside++;
      else changedOutside++;
    }
    expect(changedOutside).toBe(0);
    expect(changedInside).toBeGreaterThan(1000);
    const results = ram.subarray(off(L.results), off(L.end));
    // Completed: at EL1 through `save` (status 0), at EL0 through the final SVC (vector 8).
    for (let i = 0; i < cs.length; i++) {
      const r = caseResult(results, L, i).slots;
      if (cs[i].el === 0) expect([r[SLOT.STATUS], r[SLOT.ESR]]).toEqual([9n, BigInt(0x56000000 | END_SVC_IMM)]);
      else expect(r[SLOT.STATUS]).toBe(0n);
    }
    expect(cs.filter((c) => c.el === 0).length).toBeGreaterThan(50);
  });

  it('a case run 9 times (the last through compiled blocks) gives the results of one run', async () => {
    for (const cls of ['int', 'ldst', 'fp'] as const) {
      const gen = new Generator(cls, 'max', 16);
      const results = [];
      for (const repeats of [1, COMPILED_REPEATS]) {
        const cs = cases(gen, 17, 200).map((c) => ({ ...c, repeats }));
        // FP classes reload V0-V31, FPCR and FPSR before every run (their images have FP state).
        const img = buildImage(cs, gen.def.scratch, gen.def.fp === true);
        const m = new VirtMachine({ cpu: 'max', memory: IMAGE_RAM, output: () => {}, warn: () => {} });
        m.load(img.elf);
        const r = await m.run({ maxInsns: 20_000_000 });
        expect(r.stop).toEqual({ kind: 'exit', code: 0 });
        const off = img.layout.results - 0x4000_0000;
        results.push(m.bus.ram.slice(off, off + img.layout.recordSize * cs.length));
      }
      expect(Buffer.compare(Buffer.from(results[0]), Buffer.from(results[1]))).toBe(0);
    }
  });

  it('system cases run at EL1 and at EL0; those at EL0 end with the SVC back to EL1', async () => {
    const gen = new Generator('system', 'max', 4);
    const cs = cases(gen, 3, 400);
    const img = buildImage(cs, gen.def.scratch);
    const m = new VirtMachine({ cpu: 'max', memory: IMAGE_RAM, output: () => {}, warn: () => {} });
    m.load(img.elf);
    expect((await m.run({ maxInsns: 10_000_000 })).stop).toEqual({ kind: 'exit', code: 0 });
    const results = m.bus.ram.subarray(img.layout.results - 0x4000_0000);
    let el0Done = 0;
    let el1Done = 0;
    cs.forEach((c, i) => {
      const r = caseResult(results, img.layout, i).slots;
      const end = img.layout.itemAddr[i][c.items.length];
      if (c.el === 0 && r[SLOT.STATUS] === 9n && r[SLOT.ESR] === BigInt(0x56000000 | END_SVC_IMM)) {
        expect(r[SLOT.ELR]).toBe(BigInt(end + 8)); // after NOP; SVC
        expect(r[SLOT.SPSR] & 0xfn).toBe(0n); // taken from EL0t
        el0Done++;
      }
      if (c.el !== 0 && r[SLOT.STATUS] === 0n) el1Done++;
    });
    expect(el0Done).toBeGreaterThan(20);
    expect(el1Done).toBeGreaterThan(100);
  });

  it('deleting an item moves branches that targeted it to the next one', () => {
    const gen = new Generator('int', 'max', 16);
    const rng = new Rng(3);
    let moved = 0;
    for (let n = 0; n < 200; n++) {
      const c = gen.genCase(rng);
      const k = c.items.findIndex((it) => it.words.some((w) => w.reloc?.kind === 'branch' && w.reloc.target < c.items.length));
      if (k < 0) continue;
      const target = (c.items[k].words.find((w) => w.reloc)!.reloc as { target: number }).target;
      const d = deleteItems(c, new Set([target]));
      expect(d.items).toHaveLength(c.items.length - 1);
      const r = d.items[k].words.find((w) => w.reloc)!.reloc as { target: number };
      expect(r.target).toBe(target); // the item after the deleted one now has its index
      const d0 = deleteItems(c, new Set([0]));
      if (k > 0) expect((d0.items[k - 1].words.find((w) => w.reloc)!.reloc as { target: number }).target).toBe(target - 1);
      moved++;
    }
    expect(moved).toBeGreaterThan(50);
  });
});
