// Decoded code follows TLB maintenance exactly as data does (issue 7: "decoded-instruction
// caches invalidated with it"). A guest remaps the page its callee lives on: until a TLBI
// whose scope covers the old entry, the TLB keeps the stale translation, so the old code
// runs; once it is invalidated, the new code runs. Expected values: Arm ARM D8.16 (TLB
// entries persist until invalidated: a64emu never evicts below 65536 entries, so the stale
// case is deterministic here; TLBI ASIDE1 of another ASID leaves a non-global entry of
// this one, D8.16.1; TLBI VAE1 with the entry's ASID and VA removes it). QEMU 7.2 does not
// tag its TLB by ASID and flushes every EL1&0 entry on TLBI ASIDE1, so it would run the new
// code one step earlier: the exact scope is the Arm ARM's.
import { describe, expect, it } from 'vitest';
import { Runner } from '../../src/cpu/run.js';
import { Slot } from '../../src/cpu/state.js';
import { AF, NG, RAM, Tables, attrIndx, mmuCpu, tcr, wr64 } from './tables.js';

const W = {
  blr_x5: 0xd63f00a0, str_x6_x7: 0xf90000e6, dsb_ish: 0xd5033b9f, isb: 0xd5033fdf,
  mov_x1_x0: 0xaa0003e1, mov_x2_x0: 0xaa0003e2, mov_x3_x0: 0xaa0003e3,
  tlbi_aside1_x9: 0xd5088749, tlbi_vae1_x8: 0xd5088728, ret: 0xd65f03c0, movz_x0_1: 0xd2800020, movz_x0_2: 0xd2800040,
};

describe('TLB maintenance reaches decoded code', () => {
  it('a remapped code page runs its old code until a TLBI in scope, then the new code', () => {
    const cpu = mmuCpu({ model: 'cortex-a57' });
    const t = new Tables(cpu, 12, 39);
    // RAM identity-mapped with 2 MiB blocks (Normal, Attr0), the callee's VA with a 4 KiB nG page.
    for (let i = 0; i < 2; i++) t.map(BigInt(RAM + (i << 21)), BigInt(RAM + (i << 21)), 2, AF | attrIndx(0));
    const CALLEE = 0x80000000n;
    const A = RAM + 0x10000;
    const B = RAM + 0x20000;
    const leaf = t.map(CALLEE, BigInt(A), 3, AF | NG | attrIndx(0));
    const code = [
      W.blr_x5, // A: x0 = 1
      W.str_x6_x7, W.dsb_ish, W.isb, // the page now maps B
      W.blr_x5, W.mov_x1_x0, // stale: A
      W.tlbi_aside1_x9, W.dsb_ish, W.isb,
      W.blr_x5, W.mov_x2_x0, // another ASID invalidated: still A
      W.tlbi_vae1_x8, W.dsb_ish, W.isb,
      W.blr_x5, W.mov_x3_x0, // this VA and ASID invalidated: B
    ];
    const dv = new DataView(cpu.mem.ram8.buffer, cpu.mem.ram8.byteOffset);
    code.forEach((w, i) => dv.setUint32(4 * i, w >>> 0, true));
    [W.movz_x0_1, W.ret].forEach((w, i) => dv.setUint32(A - RAM + 4 * i, w >>> 0, true));
    [W.movz_x0_2, W.ret].forEach((w, i) => dv.setUint32(B - RAM + 4 * i, w >>> 0, true));
    const ASID = 5n;
    cpu.x[Slot.MAIR_EL1] = 0xffn;
    cpu.x[Slot.TCR_EL1] = tcr({ t0sz: 25, epd1: true, ips: 2 });
    cpu.x[Slot.TTBR0_EL1] = BigInt(t.root) | (ASID << 48n);
    cpu.x[Slot.SCTLR_EL1] |= 1n;
    cpu.contextChanged();
    cpu.x[5] = CALLEE;
    cpu.x[6] = BigInt(B) | AF | NG | attrIndx(0) | 3n;
    cpu.x[7] = BigInt(leaf);
    cpu.x[8] = (ASID << 48n) | (CALLEE >> 12n);
    cpu.x[9] = 6n << 48n;
    const runner = new Runner(cpu);
    let steps = 0;
    while (cpu.pc !== BigInt(RAM + 4 * code.length) && steps < 100) steps += runner.run(1);
    expect(cpu.x[Slot.ESR_EL1]).toBe(0n);
    expect([cpu.x[1], cpu.x[2], cpu.x[3]]).toEqual([1n, 1n, 2n]);
  });
});
