// Host services (semihosting) reach guest memory through the current translation, as QEMU's
// semihosting does (cpu_memory_rw_debug): Memory.ramRange translates each page at the
// current EL without faulting, and refuses a range that is not contiguous RAM.
import { describe, expect, it } from 'vitest';
import { Slot } from '../../src/cpu/state.js';
import { AF, attrIndx, mmuCpu, RAM, Tables, tcr } from './tables.js';

describe('Memory.ramRange with the MMU on', () => {
  it('translates each page; a hole, an unmapped page or a non-contiguous range is -1, and nothing faults', () => {
    const cpu = mmuCpu({ model: 'cortex-a57' });
    const t = new Tables(cpu, 12, 48);
    t.map(0x1000n, BigInt(RAM + 0x5000), 3, AF | attrIndx(0));
    t.map(0x2000n, BigInt(RAM + 0x6000), 3, AF | attrIndx(0)); // contiguous with the page before
    t.map(0x3000n, BigInt(RAM + 0x9000), 3, AF | attrIndx(0)); // not contiguous
    t.map(0x5000n, 0x0900_0000n, 3, AF | attrIndx(0)); // a device
    cpu.x[Slot.TCR_EL1] = tcr({ t0sz: 16 });
    cpu.x[Slot.TTBR0_EL1] = BigInt(t.root);
    cpu.x[Slot.MAIR_EL1] = 0xffn;
    cpu.x[Slot.SCTLR_EL1] |= 1n;
    cpu.contextChanged();
    const m = cpu.mem;
    expect(m.ramRange(0x1010, 0, 16)).toBe(0x5010);
    expect(m.ramRange(0x1ff0, 0, 32)).toBe(0x5ff0); // across two contiguous pages
    expect(m.ramRange(0x2ff0, 0, 32)).toBe(-1); // across non-contiguous pages
    expect(m.ramRange(0x4000, 0, 4)).toBe(-1); // unmapped
    expect(m.ramRange(0x5000, 0, 4)).toBe(-1); // not RAM
    expect(cpu.x[Slot.ESR_EL1]).toBe(0n);
  });
});
