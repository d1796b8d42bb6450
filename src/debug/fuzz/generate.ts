// The case generator: class -> decoder rows -> random valid encodings with operand
// constraints. An instance of a row is its pattern with random free bits (registers and
// immediates biased towards edge cases), accepted only when our decoder decodes it to that
// same row and the row's build() gives an executor (not UNDEFINED), and when the class's
// constraints hold. For reporting and coverage every row is split into variants: the values
// of its non-operand fields (sf, opc, size, ...), enumerated once per row.

import { compilePattern, Decoder, type CompiledRow, type DecodeCtx, type Fields } from '../../cpu/decoder.js';
import { decoder } from '../../cpu/run.js';
import { Cpu } from '../../cpu/cpu.js';
import { MODELS, type CpuModel } from '../../cpu/models.js';
import { Bus } from '../../machine/bus.js';
import type { FuzzClass } from '../../cli/args.js';
import { CLASSES, type ClassDef } from './classes.js';
import { Rng } from './rng.js';
import { type Case, type Item, type RegInit, type Reloc, type Word } from './case.js';
import { extendIndex, immValue, memEffect, type MemEffect } from './ldstmodel.js';
import { randomFpInit } from './fpvalues.js';

const REG_FIELDS = new Set(['rd', 'rn', 'rm', 'ra', 'rt', 'rt2', 'rs']);
/** Fields that are operands (registers, immediates, conditions); the others name the variant. */
const OPERAND = /^(rd|rn|rm|ra|rt|rt2|rs|imm.*|nzcv|cond|b40|b5|hw|LL|scale)$/;
/** Rows whose non-operand fields span more bits than this get only the cheap decode test per variant. */
const MAX_KEY_BITS = 10;
const MAX_KEY_BITS_ANY = 16;

export interface Form {
  readonly row: CompiledRow;
  readonly keys: readonly { name: string; width: number }[];
  /** Every key-field combination the generator can produce an instance of. */
  readonly variants: readonly Fields[];
  /** The pattern's ignored (`-`) bits, set at random in every instance. */
  readonly free: number;
}

const bitsOf = (mask: number): number => 32 - Math.clz32(mask);

/** The branch rows: which field holds the word offset. */
const BRANCH_FIELD: Record<string, { lsb: number; bits: number }> = {
  B_cond: { lsb: 5, bits: 19 },
  CB: { lsb: 5, bits: 19 },
  TB: { lsb: 5, bits: 14 },
  B: { lsb: 0, bits: 26 },
  BL: { lsb: 0, bits: 26 },
};
/** How far ahead (in items) a forward branch may go. */
const MAX_SKIP = 4;

/** What the ldst generator knows while it builds a sequence: its fixed registers' values. */
interface LdstState {
  /** Base registers (31 = SP): scratch-relative values. */
  bases: Map<number, bigint>;
  /** Index registers: absolute values. */
  indexes: Map<number, bigint>;
  /** The local monitor as the last load-exclusive left it. */
  monitor: { addr: bigint; size: number } | null;
}

/** The bytes a store-exclusive variant writes, or 0 for other variants. */
function exclusiveStoreSize(form: Form, key: Fields): number {
  const name = form.row.row.name;
  if (name === 'STXR') return 1 << key.size;
  if (name === 'STXP') return key.sz ? 16 : 8;
  return 0;
}

const cloneState = (s: LdstState): LdstState => ({ bases: new Map(s.bases), indexes: new Map(s.indexes), monitor: s.monitor });

export class Generator {
  readonly def: ClassDef;
  readonly forms: Form[] = [];
  /** Rows of the class that the CPU model does not have (no valid encoding). */
  readonly unavailable: string[] = [];
  private readonly ctx: DecodeCtx;
  private readonly model: CpuModel;
  /** The ldst memory model of each variant (it depends on the key fields only). */
  private readonly effects = new Map<string, MemEffect | null>();

  constructor(
    readonly cls: FuzzClass,
    cpuModel: string,
    readonly length: number,
  ) {
    const def = CLASSES[cls];
    if (!def) throw new Error(`no generator for class ${cls}`);
    this.def = def;
    const model = MODELS[cpuModel];
    if (!model) throw new Error(`unknown CPU model ${cpuModel}`);
    this.model = model;
    const cpu = new Cpu(new Bus({ ramBase: 0x4000_0000, ramSize: 4096 }), model);
    this.ctx = { cpu, pcLo: 0x4008_0000, pcHi: 0, insn: 0, index: 0 };
    const enumRng = new Rng(0x5eed);
    let st = this.initialState(enumRng).state;
    for (const row of def.rows) {
      if (def.excluded[row.name]) continue;
      const c = compilePattern(row);
      const keys = c.fields.filter((fd) => !OPERAND.test(fd.name)).map((fd) => ({ name: fd.name, width: bitsOf(fd.mask) }));
      const variants: Fields[] = [];
      const total = keys.reduce((s, k) => s + k.width, 0);
      let fieldBits = 0;
      for (const fd of c.fields) fieldBits |= fd.mask << fd.shift;
      const form0: Form = { row: c, keys, variants, free: ~(c.mask | fieldBits) >>> 0 };
      if (total > MAX_KEY_BITS_ANY) throw new Error(`${row.name}: ${total} key bits; give it operand fields`);
      // Large key spaces (the system registers' op1:CRn:CRm:op2) get the cheap test only.
      const big = total > MAX_KEY_BITS;
      for (let combo = 0; combo < 2 ** total; combo++) {
        const key: Fields = {};
        let rest = combo;
        for (const k of keys) {
          key[k.name] = rest & ((1 << k.width) - 1);
          rest >>>= k.width;
        }
        if (def.skip?.(row.name, key)) continue;
        // Cheap test first: does any filling of the operands decode to this row at all?
        let decodes = false;
        for (let t = 0; t < (big ? 2 : 64) && !decodes; t++) decodes = this.valid(form0, this.encode(form0, this.fill(form0, key, enumRng)));
        if (big && decodes) variants.push(key);
        for (let t = 0; decodes && !big && t < 256; t++) {
          if (t % 8 === 0) st = this.initialState(enumRng).state;
          if (this.instance(form0, key, enumRng, cloneState(st), 0, this.length)) {
            variants.push(key);
            break;
          }
        }
      }
      if (variants.length === 0) this.unavailable.push(row.name);
      else this.forms.push(form0);
    }
  }

  /** The name of a variant: the class's label for it, or the row and its key fields. */
  variantName(form: Form, key: Fields): string {
    const row = form.row.row.name;
    const label = this.def.label?.(row, key);
    if (label) return `${row} ${label}`;
    return form.keys.length === 0 ? row : `${row} ${form.keys.map((k) => `${k.name}=${key[k.name]}`).join(' ')}`;
  }

  /** True when `word` decodes to `form`'s row and that row gives an executor for it. */
  private valid(form: Form, word: number): boolean {
    const c = decoder().lookup(word);
    if (c?.row !== form.row.row) return false;
    return c.row.build(Decoder.fields(c, word), { ...this.ctx, insn: word }) !== null;
  }

  private encode(form: Form, f: Fields): number {
    let w = form.row.value;
    for (const fd of form.row.fields) w |= (f[fd.name] & fd.mask) << fd.shift;
    return w >>> 0;
  }

  /** Random operand fields for a variant: registers biased to 31 and to repeats. */
  private fill(form: Form, key: Fields, rng: Rng): Fields {
    const f: Fields = { ...key };
    const chosen: number[] = [];
    for (const fd of form.row.fields) {
      if (fd.name in key) continue;
      if (REG_FIELDS.has(fd.name)) {
        const r = rng.chance(0.12) ? 31 : chosen.length > 0 && rng.chance(0.2) ? rng.pick(chosen) : rng.below(31);
        chosen.push(r);
        f[fd.name] = r;
      } else {
        f[fd.name] = rng.field(bitsOf(fd.mask));
      }
    }
    return f;
  }

  /** The initial registers, NZCV and scratch of a case, and (ldst) the fixed registers. */
  private initialState(rng: Rng): { regs: RegInit[]; state: LdstState; fixed: number[] } {
    const regs: RegInit[] = [];
    for (let i = 0; i < 32; i++) {
      // Some registers repeat another one's value, or differ from it by one: equal and
      // adjacent operands are where compares, subtractions and carries turn.
      let value = rng.edge64();
      if (i > 0 && rng.chance(0.15)) {
        const other = regs[rng.below(i)].value;
        value = BigInt.asUintN(64, other + BigInt(rng.pick([0, 0, 1, -1])));
      }
      regs.push({ value, scratchRelative: false });
    }
    const state: LdstState = { bases: new Map(), indexes: new Map(), monitor: null };
    const fixed: number[] = [];
    if (this.cls !== 'ldst') return { regs, state, fixed };
    const S = this.def.scratch;
    const order = Array.from({ length: 31 }, (_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.below(i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    const bases = order.slice(0, 3);
    if (rng.chance(0.5)) bases.push(31);
    const indexes = order.slice(3, 5);
    for (const b of bases) {
      let v: number;
      const kind = rng.below(10);
      // The first base is always in the buffer and 16-aligned, so that every form has a base.
      if (b === 31 || b === bases[0] || kind < 5) v = rng.below(S / 16) * 16;
      else if (kind < 7) v = rng.below(S / 8) * 8 + rng.pick([0, 0, 1, 2, 4]);
      else if (kind < 9) v = -rng.range(1, 4095) * 8; // far below: for large unsigned offsets
      else v = S + rng.range(0, 31) * 8; // above: for negative offsets
      state.bases.set(b, BigInt(v));
      regs[b] = { value: BigInt(v), scratchRelative: true };
    }
    for (const x of indexes) {
      const small = BigInt(rng.chance(0.7) ? rng.range(-S / 8, S / 8) * 8 : rng.range(-64, 64));
      const v = rng.chance(0.7) ? BigInt.asUintN(64, small) : (rng.u64() & 0xffffffff00000000n) | BigInt.asUintN(32, small);
      state.indexes.set(x, v);
      regs[x] = { value: v, scratchRelative: false };
    }
    fixed.push(...bases, ...indexes);
    return { regs, state, fixed };
  }

  /** A random case of the class. */
  genCase(rng: Rng): Case {
    const { regs, state, fixed } = this.initialState(rng);
    const scratch = new Uint8Array(this.def.scratch);
    for (let i = 0; i < scratch.length; i += 8) {
      const v = rng.chance(0.2) ? rng.edge64() : rng.u64();
      for (let k = 0; k < 8; k++) scratch[i + k] = Number((v >> BigInt(8 * k)) & 0xffn);
    }
    // Some cases run at EL0: half the system ones (many of those instructions trap or are
    // UNDEFINED there), a quarter of the others (SP is then SP_EL0).
    const el = rng.chance(this.cls === 'system' ? 0.5 : 0.25) ? 0 : 1;
    const items: Item[] = [];
    const st = state;
    for (let k = 0; k < this.length; k++) {
      let item: Item | null = null;
      // After a load-exclusive, often try the matching store-exclusive, so that some succeed.
      const mon = st.monitor;
      if (mon && rng.chance(0.5)) {
        const pairs = this.forms.flatMap((form) => form.variants.filter((v) => exclusiveStoreSize(form, v) === mon.size).map((v) => ({ form, v })));
        if (pairs.length > 0) {
          const { form, v } = rng.pick(pairs);
          item = this.instance(form, v, rng, st, k, this.length);
        }
      }
      for (let tries = 0; tries < 50 && !item; tries++) {
        const form = rng.pick(this.forms);
        const key = rng.pick(form.variants);
        if (el === 0 && this.def.skipAtEl0?.(form.row.row.name, key, this.model)) continue;
        item = this.instance(form, key, rng, st, k, this.length);
      }
      if (item) items.push(item);
    }
    const spEl0 = rng.edge64();
    const fp = this.def.fp ? randomFpInit(rng, this.model.features.FP16) : undefined;
    return { items, regs, nzcv: rng.below(16) << 28, scratch, fixed, spEl0, el, fp };
  }

  /**
   * An instance of `form` with the key fields `key` at position k of a sequence of `len`
   * items, or null when none was found in a few tries; updates the ldst state.
   */
  private instance(form: Form, key: Fields, rng: Rng, st: LdstState, k: number, len: number): Item | null {
    const name = form.row.row.name;
    const variant = this.variantName(form, key);
    // The memory model depends only on the key fields (size, opc, idx, ...).
    let e: MemEffect | null = null;
    if (this.cls === 'ldst') {
      if (!this.effects.has(variant)) this.effects.set(variant, memEffect(name, key));
      e = this.effects.get(variant) ?? null;
    }
    if (this.cls === 'ldst' && !e) return null;
    for (let t = 0; t < 24; t++) {
      const f = this.fill(form, key, rng);
      if (e) {
        let reloc: Reloc | undefined;
        if (e.literal) {
          // The literal is in the scratch buffer, aligned: imm19 is filled in at layout.
          const slots = (this.def.scratch - e.size * e.count) / e.align + 1;
          reloc = { kind: 'literal', offset: rng.below(slots) * e.align };
          f.imm19 = 0;
        } else {
          const ok = this.assignMem(e, f, st, rng);
          if (ok === null) return null; // no base register fits this form now
          if (!ok) continue;
        }
        const w = (this.encode(form, f) | (rng.u32() & form.free)) >>> 0;
        if (!this.valid(form, w)) continue;
        const next = cloneState(st);
        if (!this.stepLdst(e, f, reloc, next)) continue;
        st.bases = next.bases;
        st.indexes = next.indexes;
        st.monitor = next.monitor;
        return { row: name, variant, words: [{ word: w, reloc }], main: 0 };
      }
      const br = BRANCH_FIELD[name];
      const target = k + 1 + rng.below(Math.min(MAX_SKIP, len - k));
      if (br) {
        const w = this.encode(form, f) & ~(((2 ** br.bits - 1) << br.lsb) >>> 0);
        if (!this.valid(form, w >>> 0)) continue;
        return { row: name, variant, words: [{ word: w >>> 0, reloc: { kind: 'branch', ...br, target } }], main: 0 };
      }
      if (name === 'B_reg') {
        // BR/BLR/RET Xn to a forward target, set up by an ADR Xn just before.
        f.rn = rng.below(31);
        const w = this.encode(form, f);
        if (!this.valid(form, w)) continue;
        const adr: Word = { word: 0x10000000 | f.rn, reloc: { kind: 'adr', target } };
        return { row: name, variant, words: [adr, { word: w }], main: 1 };
      }
      const w = (this.encode(form, f) | (rng.u32() & form.free)) >>> 0;
      if (!this.valid(form, w)) continue;
      return { row: name, variant, words: [{ word: w }], main: 0 };
    }
    return null;
  }

  /**
   * Chooses the base, index, offset and data registers of a load/store so its accesses fit:
   * false to try again, null when no base register can serve this form in this state.
   */
  private assignMem(e: MemEffect, f: Fields, st: LdstState, rng: Rng): boolean | null {
    const S = this.def.scratch;
    const span = e.size * e.count;
    const fixed = new Set([...st.bases.keys(), ...st.indexes.keys()]);
    const free = (): number => {
      if (rng.chance(0.08)) return 31;
      for (;;) {
        const r = rng.below(31);
        if (!fixed.has(r)) return r;
      }
    };
    for (const name of e.sbo) f[name] = 31;
    for (const name of e.writes) f[name] = free();
    for (const name of e.reads) if (rng.chance(0.3)) f[name] = rng.pick([...fixed]);
    for (const name of e.pairs) f[name] &= 30;
    const ok = (a: bigint): boolean => a >= 0n && a + BigInt(span) <= BigInt(S) && a % BigInt(e.align) === 0n && a % BigInt(e.size) === 0n;
    // Without an offset (or post-indexed) the access is at the base itself: it must fit.
    const atBase = e.mode === 'post' || (!e.imm && !e.index && !e.prefetch);
    let bases = [...st.bases.entries()].filter(([r, v]) => (r !== 31 || v % 16n === 0n) && (!atBase || ok(v)));
    const mon = st.monitor;
    if (e.exclusive === 'store' && mon && rng.chance(0.8)) {
      const same = bases.filter(([, v]) => v === mon.addr);
      if (same.length > 0) bases = same;
    }
    if (bases.length === 0) return null;
    const [rn, bv] = rng.pick(bases);
    f.rn = rn;
    if (e.prefetch) return true;
    if (e.index) {
      const cands = [...st.indexes.keys(), 31].filter((m) => ok(bv + extendIndex(m === 31 ? 0n : st.indexes.get(m)!, e.index!.option, e.index!.shift)));
      if (cands.length === 0) return false;
      f.rm = rng.pick(cands);
      return true;
    }
    if (!e.imm) return true; // the checker decides whether this base fits
    const { bits, signed, scale } = e.imm;
    const fmin = signed ? -(2 ** (bits - 1)) : 0;
    const fmax = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
    let imm: number;
    const b = Number(bv);
    if (e.mode === 'post') {
      // The access is at the base; the offset only moves the base: keep it in range mostly.
      imm = rng.chance(0.7) ? Math.max(fmin, Math.min(fmax, Math.round((rng.below(S) - b) / scale))) : rng.range(fmin, fmax);
    } else {
      const lo = Math.max(fmin, Math.ceil(-b / scale));
      const hi = Math.min(fmax, Math.floor((S - span - b) / scale));
      if (lo > hi) return false;
      imm = rng.chance(0.2) ? rng.pick([lo, hi]) : rng.range(lo, hi);
      if (scale === 1) {
        const mis = ((b + imm) % e.align + e.align) % e.align;
        if (mis !== 0) imm += e.align - mis;
        if (imm > hi) imm -= e.align;
      }
    }
    f[e.imm.name] = imm & (2 ** bits - 1);
    return true;
  }

  /**
   * The checker: whether an ldst instruction with fields `f` is allowed in state `st` (all
   * accesses in the scratch buffer and aligned, no CONSTRAINED UNPREDICTABLE overlap, no
   * register the generator relies on overwritten); applies its effect to `st`.
   */
  private stepLdst(e: MemEffect, f: Fields, reloc: Reloc | undefined, st: LdstState): boolean {
    const S = BigInt(this.def.scratch);
    const fixed = new Set([...st.bases.keys(), ...st.indexes.keys()]);
    const regsOf = (names: readonly string[]): number[] => names.flatMap((n) => (e.pairs.includes(n) ? [f[n], f[n] + 1] : [f[n]]));
    const written = regsOf(e.writes).filter((r) => r !== 31);
    if (written.some((r) => fixed.has(r))) return false;
    if (e.sbo.some((n) => f[n] !== 31)) return false;
    const wb = e.mode !== 'off';
    const rn = f.rn;
    // CONSTRAINED UNPREDICTABLE (Arm ARM K1.2): writeback with Rt (or Rt2) == Rn; a load
    // pair (or load-exclusive pair) with Rt == Rt2; a store-exclusive with Rs == Rt, Rt2 or Rn.
    if (wb && rn !== 31 && [...e.writes, ...e.reads].some((n) => f[n] === rn)) return false;
    if (e.writes.includes('rt2') && f.rt === f.rt2) return false;
    if (e.exclusive === 'store' && (e.reads.some((n) => f[n] === f.rs) || (rn !== 31 && f.rs === rn))) return false;
    if (e.prefetch) return true;
    let addr: bigint;
    let newBase: bigint | undefined;
    if (e.literal) {
      if (reloc?.kind !== 'literal') return false;
      addr = BigInt(reloc.offset);
    } else {
      const b = st.bases.get(rn);
      if (b === undefined) return false;
      if (rn === 31 && b % 16n !== 0n) return false; // SP alignment check (SCTLR_EL1.SA)
      let off = 0n;
      if (e.index) {
        const m = f.rm;
        const v = m === 31 ? 0n : st.indexes.get(m);
        if (v === undefined) return false;
        off = extendIndex(v, e.index.option, e.index.shift);
      } else if (e.imm) {
        off = BigInt(immValue(e.imm, f));
      }
      addr = e.mode === 'post' ? b : b + off;
      if (wb) newBase = b + off;
    }
    const span = BigInt(e.size * e.count);
    if (addr < 0n || addr + span > S || addr % BigInt(e.align) !== 0n || addr % BigInt(e.size) !== 0n) return false;
    if (e.exclusive === 'store' && st.monitor && st.monitor.addr === addr && st.monitor.size !== Number(span)) return false;
    if (e.exclusive === 'load') st.monitor = { addr, size: Number(span) };
    if (e.exclusive === 'store') st.monitor = null;
    if (newBase !== undefined) st.bases.set(rn, newBase);
    return true;
  }

  /** Whether a (shrunk) case still satisfies the class's constraints. */
  check(c: Case): boolean {
    if (this.cls !== 'ldst') return true;
    const st: LdstState = { bases: new Map(), indexes: new Map(), monitor: null };
    for (const r of c.fixed) {
      if (c.regs[r].scratchRelative) st.bases.set(r, c.regs[r].value);
      else st.indexes.set(r, c.regs[r].value);
    }
    for (const it of c.items) {
      const w = it.words[it.main];
      const cr = decoder().lookup(w.word);
      if (!cr) return false;
      const f = Decoder.fields(cr, w.word);
      const e = memEffect(cr.row.name, f);
      if (!e || !this.stepLdst(e, f, w.reloc, st)) return false;
    }
    return true;
  }
}
