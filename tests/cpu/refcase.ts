// Runs instruction sequences whose expected results were recorded on QEMU 7.2
// (qemu-system-aarch64 -M virt -m 4M -nographic -semihosting, -cpu max or -cpu cortex-a57)
// by a bare-metal harness that:
//   - entered each case at EL1 with the MMU off, x0..x26, x29, x30 zero except the case's
//     registers, SP set only when the case sets it, the local monitor clear (CLREX);
//   - filled DATA..DATA+63 with the eight quads Q, zeroed DATA-1024..DATA+1023,
//     DATA+32760 and the last 64 bytes of RAM (RAM is 0x40000000..0x40400000);
//   - had SCTLR_EL1.A set: QEMU 7.2 does not treat data accesses with the MMU off as
//     Device memory, so without A it takes no alignment fault on unaligned plain loads and
//     stores, which the Arm ARM requires (D8.2.10); with A set both agree;
//   - took every synchronous exception to a handler that counted it, recorded ESR_EL1,
//     FAR_EL1 and ELR_EL1, and returned to ELR_EL1 + 4 (the runner below does the same);
//   - printed x0..x26, x29, x30, SP, the exception record and memory afterwards.
// FAR is compared only for aborts (for other exceptions it held a stale value in QEMU).
import { expect } from 'vitest';
import { makeCpu, RAM_BASE } from './harness.js';
import { Slot } from '../../src/cpu/state.js';

export const DATA = 0x40300000n;
export const RAM_SIZE = 4 << 20;
export const RAM_END = BigInt(RAM_BASE + RAM_SIZE);
export const Q: readonly bigint[] = [
  0x8877665544332211n,
  0xfedcba9876543210n,
  0x80007fff8000ff80n,
  0x0123456789abcdefn,
  0x7f7f00ff80017ffen,
  0xffffffffffffffffn,
  0n,
  0n,
];

export interface RefCase {
  name: string;
  model: 'max' | 'cortex-a57';
  /** The source the words were assembled from (aarch64-linux-gnu-as). */
  asm: string;
  words: number[];
  regs: Record<number, bigint>;
  sp?: bigint;
  expect: {
    /** Registers x0..x26, x29, x30 that are not zero; every other one must be zero. */
    x: Record<number, bigint>;
    sp?: bigint;
    /** Memory quads that differ from the initial contents (address, value). */
    mem: [bigint, bigint][];
    /** The last synchronous exception, if any: elr is relative to the first word. */
    exc?: { n: number; esr: number; far?: bigint; farOffset?: number; elr: number };
  };
}

const XREGS = [...Array(27).keys(), 29, 30];

/** A fresh CPU with the reference harness's initial state for `c`, code loaded at RAM_BASE. */
export function setupCase(c: Pick<RefCase, 'model' | 'words' | 'regs' | 'sp'>) {
  const t = makeCpu({ model: c.model, ramSize: RAM_SIZE });
  const dv = new DataView(t.ram.buffer, t.ram.byteOffset, t.ram.byteLength);
  Q.forEach((q, k) => dv.setBigUint64(Number(DATA) - RAM_BASE + 8 * k, q, true));
  for (const [r, v] of Object.entries(c.regs)) t.cpu.x[Number(r)] = v;
  if (c.sp !== undefined) t.cpu.x[Slot.SP] = c.sp;
  t.load(c.words);
  return { t, dv };
}

export interface Observed {
  n: number;
  esr: number;
  far: bigint;
  elr: number;
}

/**
 * Runs the loaded words to their end; each synchronous exception (taken to VBAR_EL1 = 0,
 * so to 0x200) is handled like the reference harness: counted, recorded, ELR_EL1 += 4,
 * ERET.
 */
export function runToEnd(t: ReturnType<typeof makeCpu>, nwords: number): Observed {
  const cpu = t.cpu;
  const end = BigInt(RAM_BASE + 4 * nwords);
  const obs: Observed = { n: 0, esr: 0, far: 0n, elr: 0 };
  for (let guard = 0; guard < 50; guard++) {
    t.run(100000);
    const pc = cpu.pc;
    if (pc === end) return obs;
    if (pc !== 0x200n) throw new Error(`unexpected PC 0x${pc.toString(16)}`);
    obs.n++;
    obs.esr = Number(cpu.x[Slot.ESR_EL1]);
    obs.far = cpu.x[Slot.FAR_EL1];
    obs.elr = Number(cpu.x[Slot.ELR_EL1] - BigInt(RAM_BASE));
    cpu.x[Slot.ELR_EL1] += 4n;
    cpu.eret();
  }
  throw new Error('too many exceptions');
}

export function checkCase(c: RefCase): void {
  const { t, dv } = setupCase(c);
  const obs = runToEnd(t, c.words.length);
  const cpu = t.cpu;
  for (const r of XREGS) {
    expect(cpu.x[r], `x${r}`).toBe(c.expect.x[r] ?? 0n);
  }
  if (c.expect.sp !== undefined) expect(cpu.x[Slot.SP], 'sp').toBe(c.expect.sp);
  const want = new Map<bigint, bigint>();
  Q.forEach((q, k) => want.set(DATA + BigInt(8 * k), q));
  for (const [a, v] of c.expect.mem) want.set(a, v);
  for (const [a, v] of want) {
    expect(dv.getBigUint64(Number(a) - RAM_BASE, true), `quad at 0x${a.toString(16)}`).toBe(v);
  }
  const e = c.expect.exc;
  expect(obs.n, 'exceptions taken').toBe(e?.n ?? 0);
  if (e) {
    expect(obs.esr.toString(16), 'ESR_EL1').toBe(e.esr.toString(16));
    expect(obs.elr, 'ELR_EL1 - start').toBe(e.elr);
    if (e.far !== undefined) expect(obs.far.toString(16), 'FAR_EL1').toBe(e.far.toString(16));
    if (e.farOffset !== undefined) expect(Number(obs.far - BigInt(RAM_BASE)), 'FAR_EL1 - start').toBe(e.farOffset);
  }
}
