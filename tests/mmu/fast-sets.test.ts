// Memory keeps one fast TLB per EL across exceptions while the translation state is the same
// (an SVC and its ERET change nothing else). A TLBI taken at EL1 must still reach EL0's:
// after the handler remaps EL0's data page and invalidates it, EL0 reads the new page. Expected
// values: Arm ARM D8.16 (after TLBI VAE1 + DSB + the exception return's context
// synchronization, no translation of the old entry is used).
import { describe, expect, it } from 'vitest';
import { Runner } from '../../src/cpu/run.js';
import { Slot } from '../../src/cpu/state.js';
import { AF, ap, attrIndx, mmuCpu, RAM, Tables, tcr } from './tables.js';

const START = [0xd518c00a, 0xd518402b, 0xd518401f, 0xd69f03e0]; // msr vbar_el1, x10; msr elr_el1, x11; msr spsr_el1, xzr; eret
const EL0 = [0xf94000a1, 0xd4000001, 0xf94000a2, 0xd4000001]; // ldr x1, [x5]; svc #0; ldr x2, [x5]; svc #0
// cbnz x9, stop; mov x9, #1; str x6, [x7]; dsb ish; tlbi vae1, x8; dsb ish; isb; eret; stop: b stop
const HANDLER = [0xb5000109, 0xd2800029, 0xf90000e6, 0xd5033b9f, 0xd5088728, 0xd5033b9f, 0xd5033fdf, 0xd69f03e0, 0x14000000];

describe('fast TLB sets per EL', () => {
  it('a TLBI at EL1 empties the fast TLB of EL0 too', () => {
    const cpu = mmuCpu({ model: 'cortex-a57' });
    const t = new Tables(cpu, 12, 39);
    // Code and data read-only at EL0 and EL1 (executable by both); the tables' half EL1 RW.
    t.map(BigInt(RAM), BigInt(RAM), 2, AF | ap(3) | attrIndx(0));
    t.map(BigInt(RAM + (1 << 21)), BigInt(RAM + (1 << 21)), 2, AF | ap(0) | attrIndx(0));
    const D = 0x80000000n;
    const A = RAM + 0x10000;
    const B = RAM + 0x20000;
    const leaf = t.map(D, BigInt(A), 3, AF | ap(3) | attrIndx(0));
    const dv = new DataView(cpu.mem.ram8.buffer, cpu.mem.ram8.byteOffset);
    const put = (at: number, words: number[]): void => words.forEach((w, i) => dv.setUint32(at - RAM + 4 * i, w >>> 0, true));
    put(RAM, START);
    put(RAM + 0x10, EL0);
    put(RAM + 0xc00, HANDLER); // VBAR_EL1 = RAM + 0x800: lower EL synchronous at +0x400
    dv.setBigUint64(A - RAM, 0x11n, true);
    dv.setBigUint64(B - RAM, 0x22n, true);
    cpu.x[Slot.MAIR_EL1] = 0xffn;
    cpu.x[Slot.TCR_EL1] = tcr({ t0sz: 25, epd1: true, ips: 2 });
    cpu.x[Slot.TTBR0_EL1] = BigInt(t.root);
    cpu.x[Slot.SCTLR_EL1] |= 1n;
    cpu.contextChanged();
    cpu.x[5] = D;
    cpu.x[6] = BigInt(B) | AF | ap(3) | attrIndx(0) | 3n;
    cpu.x[7] = BigInt(leaf);
    cpu.x[8] = D >> 12n;
    cpu.x[10] = BigInt(RAM + 0x800);
    cpu.x[11] = BigInt(RAM + 0x10);
    const runner = new Runner(cpu);
    runner.run(40);
    expect(cpu.pc).toBe(BigInt(RAM + 0xc20)); // both SVCs taken, stopped in the handler's loop
    expect([cpu.x[1], cpu.x[2]]).toEqual([0x11n, 0x22n]);
  });
});
