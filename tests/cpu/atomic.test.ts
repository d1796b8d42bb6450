// FEAT_LSE atomics, SWP, CAS, CASP (src/cpu/insns/atomic.ts).
//
// Where the expected values come from:
//   - the table between the BEGIN/END markers: QEMU 7.2 runs of the same instruction words
//     (see refcase.ts for the harness); `asm` is the source assembled with
//     aarch64-linux-gnu-as. QEMU reports WnR = 0 for alignment faults and external aborts
//     of atomics and CAS, as the Arm ARM asks (a read of the address would have faulted);
//   - the other tests: the Arm ARM, as named in each test.
import { describe, expect, it } from 'vitest';
import { checkCase, DATA, Q, setupCase, type RefCase } from './refcase.js';
import { RAM_BASE, normalMemory } from './harness.js';
import { Cpu } from '../../src/cpu/cpu.js';
import { MODELS } from '../../src/cpu/models.js';
import { Runner } from '../../src/cpu/run.js';
import { Slot } from '../../src/cpu/state.js';
import type { PhysBus } from '../../src/mmu/memory.js';

const LSE: [string, number][] = [
  ['ldadd x2, x3, [x1]', 0xf8220023],
  ['ldaddal x2, x3, [x1]', 0xf8e20023],
  ['ldumax w2, w3, [x1]', 0xb8226023],
  ['ldsmaxab w2, w3, [x1]', 0x38a24023],
  ['ldeorlh w2, w3, [x1]', 0x78622023],
  ['swp x2, x3, [x1]', 0xf8228023],
  ['swpal w2, w3, [x1]', 0xb8e28023],
  ['stadd w2, [x1]', 0xb822003f],
  ['stsetl x2, [x1]', 0xf862303f],
  ['cas w2, w3, [x1]', 0x88a27c23],
  ['casb w2, w3, [x1]', 0x08a27c23],
  ['casal x2, x3, [x1]', 0xc8e2fc23],
  ['casp x2, x3, x4, x5, [x1]', 0x48227c24],
  ['caspal x2, x3, x4, x5, [x1]', 0x4862fc24],
];

describe('FEAT_LSE is UNDEFINED without the feature (Arm ARM: the encodings are unallocated before Armv8.1; QEMU -cpu cortex-a57 agrees, see the table)', () => {
  for (const [asm, w] of LSE) {
    it(`${asm} on cortex-a57: exception to VBAR_EL1 + 0x200, ESR_EL1 = 0x02000000, nothing changed`, () => {
      const { t, dv } = setupCase({ model: 'cortex-a57', words: [w], regs: { 1: DATA, 2: Q[0], 3: 0x33n } });
      t.cpu.x[Slot.VBAR_EL1] = 0x40001000n;
      t.run(10);
      expect(t.cpu.pc).toBe(0x40001200n);
      expect(t.cpu.x[Slot.ESR_EL1]).toBe(0x02000000n);
      expect(t.cpu.x[Slot.ELR_EL1]).toBe(BigInt(RAM_BASE));
      expect(t.cpu.x[2]).toBe(Q[0]);
      expect(t.cpu.x[3]).toBe(0x33n);
      expect(dv.getBigUint64(Number(DATA) - RAM_BASE, true)).toBe(Q[0]);
    });
  }
  it('the same words execute on max', () => {
    for (const [asm, w] of LSE) {
      const { t } = setupCase({ model: 'max', words: [w], regs: { 1: DATA } });
      t.run(10);
      expect(t.cpu.pc, asm).toBe(BigInt(RAM_BASE + 4));
    }
  });
});

describe('alignment is required whatever the memory type (Arm ARM B2.5.2: atomics and CAS/CASP take an Alignment fault when unaligned)', () => {
  const cases: [string, number, bigint][] = [
    ['ldadd w2, w3, [x1]', 0xb8220023, DATA + 2n],
    ['swp x2, x3, [x1]', 0xf8228023, DATA + 4n],
    ['cas w2, w3, [x1]', 0x88a27c23, DATA + 2n],
    ['casp x2, x3, x4, x5, [x1] (16 bytes: 16-aligned)', 0x48227c24, DATA + 8n],
  ];
  for (const [asm, w, a] of cases) {
    it(`${asm} on Normal memory (no alignment check for plain accesses): fault, WnR = 0`, () => {
      const { t } = setupCase({ model: 'max', words: [w], regs: { 1: a, 3: 0x33n } });
      normalMemory(t.cpu); // stage 1 on: RAM is Normal memory, SCTLR_EL1.A = 0
      t.run(10);
      expect(t.cpu.x[Slot.ESR_EL1]).toBe(0x96000021n);
      expect(t.cpu.x[Slot.FAR_EL1]).toBe(a);
      expect(t.cpu.x[3]).toBe(0x33n);
    });
  }
});

describe('WnR for an atomic whose read succeeds but whose write faults (Arm ARM, ISS WnR: 0 only if a read of the address would have generated the fault)', () => {
  // A bus with a device at 0x09000000 that answers reads with 0x1234 and refuses writes.
  function deviceCpu(word: number, regs: Record<number, bigint>) {
    const ram = new Uint8Array(1 << 16);
    const bus: PhysBus = {
      ram,
      ramBase: RAM_BASE,
      mmioRead: (pa, size) => (pa >= 0x09000000 && pa < 0x09001000 ? (size === 4 ? 0x1234 : 0x34) : undefined),
      mmioWrite: () => false,
    };
    const cpu = new Cpu(bus, MODELS.max);
    cpu.resetTo(1, BigInt(RAM_BASE));
    new DataView(ram.buffer).setUint32(0, word, true);
    for (const [r, v] of Object.entries(regs)) cpu.x[Number(r)] = v;
    new Runner(cpu).run(1);
    return cpu;
  }

  it('LDADD: external abort on the write, WnR = 1, Rt not written', () => {
    // b8220023 ldadd w2, w3, [x1]
    const cpu = deviceCpu(0xb8220023, { 1: 0x09000000n, 2: 1n, 3: 0x33n });
    expect(cpu.x[Slot.ESR_EL1]).toBe(0x96000050n);
    expect(cpu.x[Slot.FAR_EL1]).toBe(0x09000000n);
    expect(cpu.x[3]).toBe(0x33n);
  });

  it('CAS that matches: the write faults, WnR = 1, Rs not written', () => {
    // 88a27c23 cas w2, w3, [x1]
    const cpu = deviceCpu(0x88a27c23, { 1: 0x09000000n, 2: 0x1234n, 3: 0x33n });
    expect(cpu.x[Slot.ESR_EL1]).toBe(0x96000050n);
    expect(cpu.x[2]).toBe(0x1234n);
  });

  it('CAS that does not match performs no write, so no fault; Rs gets the value read', () => {
    const cpu = deviceCpu(0x88a27c23, { 1: 0x09000000n, 2: 0x1n, 3: 0x33n });
    expect(cpu.pc).toBe(BigInt(RAM_BASE + 4));
    expect(cpu.x[2]).toBe(0x1234n);
  });
});

// BEGIN QEMU REFERENCE CASES (generated: expected values recorded on QEMU 7.2)
const CASES: RefCase[] = [
  {
    name: "LDADD B/H/W/X (all orderings)",
    model: 'max',
    asm: "ldaddb w2, w3, [x10]\nldaddah w4, w5, [x11]\nldaddl w6, w7, [x12]\nldaddal x8, x9, [x13]",
    words: [0x38220143, 0x78a40165, 0xb8660187, 0xf8e801a9],
    regs: { 10: 0x40300007n, 11: 0x40300012n, 12: 0x40300014n, 13: 0x40300008n, 2: 0x17fn, 4: 0x10081n, 6: 0x80000001n, 8: 0x123456789abcdf0n },
    expect: { x: { 2: 0x17fn, 3: 0x88n, 4: 0x10081n, 5: 0x8000n, 6: 0x80000001n, 7: 0x80007fffn, 8: 0x123456789abcdf0n, 9: 0xfedcba9876543210n, 10: 0x40300007n, 11: 0x40300012n, 12: 0x40300014n, 13: 0x40300008n }, mem: [[0x40300000n, 0x777665544332211n], [0x40300008n, 0x0n], [0x40300010n, 0x80008081ff80n]] },
  },
  {
    name: "LDCLR/LDEOR/LDSET B/H/W/X",
    model: 'max',
    asm: "ldclrb w2, w3, [x10]\nldclrlh w4, w5, [x11]\nldeora w6, w7, [x12]\nldeoral x8, x9, [x13]\nldsetb w16, w17, [x14]\nldsetal x18, x19, [x15]",
    words: [0x38221143, 0x78641165, 0xb8a62187, 0xf8e821a9, 0x383031d1, 0xf8f231f3],
    regs: { 10: 0x40300001n, 11: 0x40300002n, 12: 0x40300004n, 13: 0x40300008n, 14: 0x40300010n, 15: 0x40300018n, 2: 0xf0n, 4: 0xff00n, 6: 0xf0f0f0fn, 8: 0xffff0000ffff0000n, 16: 0x55n, 18: 0x8000000000000001n },
    expect: { x: { 2: 0xf0n, 3: 0x22n, 4: 0xff00n, 5: 0x4433n, 6: 0xf0f0f0fn, 7: 0x88776655n, 8: 0xffff0000ffff0000n, 9: 0xfedcba9876543210n, 10: 0x40300001n, 11: 0x40300002n, 12: 0x40300004n, 13: 0x40300008n, 14: 0x40300010n, 15: 0x40300018n, 16: 0x55n, 17: 0x80n, 18: 0x8000000000000001n, 19: 0x123456789abcdefn }, mem: [[0x40300000n, 0x8778695a00330211n], [0x40300008n, 0x123ba9889ab3210n], [0x40300010n, 0x80007fff8000ffd5n], [0x40300018n, 0x8123456789abcdefn]] },
  },
  {
    name: "LDSMAX/LDSMIN/LDUMAX/LDUMIN, byte and halfword (signed vs unsigned)",
    model: 'max',
    asm: "ldsmaxb w2, w3, [x10]\nldsminb w4, w5, [x11]\nldsmaxh w6, w7, [x12]\nldsminh w8, w9, [x13]\nldumaxb w18, w19, [x14]\nlduminab w20, w21, [x15]\nldumaxlh w22, w23, [x16]\nlduminalh w24, w25, [x17]",
    words: [0x38224143, 0x38245165, 0x78264187, 0x782851a9, 0x383261d3, 0x38b471f5, 0x78766217, 0x78f87239],
    regs: { 10: 0x40300010n, 11: 0x40300011n, 12: 0x40300012n, 13: 0x40300014n, 14: 0x40300016n, 15: 0x40300020n, 16: 0x40300022n, 17: 0x40300024n, 2: 0x7fn, 4: 0x1n, 6: 0x8000n, 8: 0x8fffn, 18: 0x2n, 20: 0x80n, 22: 0x8002n, 24: 0x7f00n },
    expect: { x: { 2: 0x7fn, 3: 0x80n, 4: 0x1n, 5: 0xffn, 6: 0x8000n, 7: 0x8000n, 8: 0x8fffn, 9: 0x7fffn, 10: 0x40300010n, 11: 0x40300011n, 12: 0x40300012n, 13: 0x40300014n, 14: 0x40300016n, 15: 0x40300020n, 16: 0x40300022n, 17: 0x40300024n, 18: 0x2n, 20: 0x80n, 21: 0xfen, 22: 0x8002n, 23: 0x8001n, 24: 0x7f00n, 25: 0xffn }, mem: [[0x40300010n, 0x80028fff8000ff7fn], [0x40300020n, 0x7f7f00ff80027f80n]] },
  },
  {
    name: "LDSMAX/LDSMIN/LDUMAX/LDUMIN, word and doubleword",
    model: 'max',
    asm: "ldsmax w2, w3, [x10]\nldumin w4, w5, [x11]\nldumax w6, w7, [x12]\nldumin x8, x9, [x13]\nldsmin x18, x19, [x14]\nldsmax x20, x21, [x15]\nldumaxal x22, x23, [x16]",
    words: [0xb8224143, 0xb8247165, 0xb8266187, 0xf82871a9, 0xf83251d3, 0xf83441f5, 0xf8f66217],
    regs: { 10: 0x40300010n, 11: 0x40300014n, 12: 0x40300020n, 13: 0x40300000n, 14: 0x40300008n, 15: 0x40300018n, 16: 0x40300028n, 2: 0x1n, 4: 0x1n, 6: 0x1n, 8: 0x8877665544332210n, 18: 0x8000000000000000n, 20: 0x123456789abcdeen, 22: 0xfffffffffffffffen },
    expect: { x: { 2: 0x1n, 3: 0x8000ff80n, 4: 0x1n, 5: 0x80007fffn, 6: 0x1n, 7: 0x80017ffen, 8: 0x8877665544332210n, 9: 0x8877665544332211n, 10: 0x40300010n, 11: 0x40300014n, 12: 0x40300020n, 13: 0x40300000n, 14: 0x40300008n, 15: 0x40300018n, 16: 0x40300028n, 18: 0x8000000000000000n, 19: 0xfedcba9876543210n, 20: 0x123456789abcdeen, 21: 0x123456789abcdefn, 22: 0xfffffffffffffffen, 23: 0xffffffffffffffffn }, mem: [[0x40300000n, 0x8877665544332210n], [0x40300008n, 0x8000000000000000n], [0x40300010n, 0x100000001n]] },
  },
  {
    name: "SWP B/H/W/X; Rs == Rt",
    model: 'max',
    asm: "swpb w2, w3, [x10]\nswpah w4, w5, [x11]\nswpl w6, w7, [x12]\nswpal x8, x8, [x13]\nldadd x9, x9, [x14]",
    words: [0x38228143, 0x78a48165, 0xb8668187, 0xf8e881a8, 0xf82901c9],
    regs: { 10: 0x40300003n, 11: 0x40300006n, 12: 0x4030000cn, 13: 0x40300010n, 14: 0x40300018n, 2: 0xaabbn, 4: 0xccddeen, 6: 0x11223344n, 8: 0x99n, 9: 0x5a5a5a5a5a5a5a5an },
    expect: { x: { 2: 0xaabbn, 3: 0x44n, 4: 0xccddeen, 5: 0x8877n, 6: 0x11223344n, 7: 0xfedcba98n, 8: 0x80007fff8000ff80n, 9: 0x123456789abcdefn, 10: 0x40300003n, 11: 0x40300006n, 12: 0x4030000cn, 13: 0x40300010n, 14: 0x40300018n }, mem: [[0x40300000n, 0xddee6655bb332211n], [0x40300008n, 0x1122334476543210n], [0x40300010n, 0x99n], [0x40300018n, 0x5b7d9fc1e4062849n]] },
  },
  {
    name: "ST* aliases (Rt = XZR) and XZR as Rs",
    model: 'max',
    asm: "stadd x2, [x1]\nstclrb w7, [x3]\nsteorh w2, [x4]\nstsmaxl w7, [x5]\nstuminb w7, [x6]\nldset xzr, x8, [x1]\nswp xzr, x9, [x4]",
    words: [0xf822003f, 0x3827107f, 0x7822209f, 0xb86740bf, 0x382770df, 0xf83f3028, 0xf83f8089],
    regs: { 1: 0x40300000n, 3: 0x40300008n, 4: 0x40300010n, 5: 0x40300018n, 6: 0x40300020n, 2: 0x100n, 7: 0xffn },
    expect: { x: { 1: 0x40300000n, 2: 0x100n, 3: 0x40300008n, 4: 0x40300010n, 5: 0x40300018n, 6: 0x40300020n, 7: 0xffn, 8: 0x8877665544332311n, 9: 0x80007fff8000fe80n }, mem: [[0x40300000n, 0x8877665544332311n], [0x40300008n, 0xfedcba9876543200n], [0x40300010n, 0x0n], [0x40300018n, 0x1234567000000ffn]] },
  },
  {
    name: "atomic not aligned: alignment fault (LDADD W)",
    model: 'max',
    asm: "ldadd w2, w3, [x1]",
    words: [0xb8220023],
    regs: { 1: 0x40300002n, 2: 0x1n, 3: 0x33n },
    expect: { x: { 1: 0x40300002n, 2: 0x1n, 3: 0x33n }, mem: [], exc: { n: 1, esr: 0x96000021, far: 0x40300002n, elr: 0 } },
  },
  {
    name: "atomic not aligned: alignment fault (SWP X at 4 mod 8)",
    model: 'max',
    asm: "swp x2, x3, [x4]",
    words: [0xf8228083],
    regs: { 4: 0x40300004n, 2: 0x1n, 3: 0x33n },
    expect: { x: { 2: 0x1n, 3: 0x33n, 4: 0x40300004n }, mem: [], exc: { n: 1, esr: 0x96000021, far: 0x40300004n, elr: 0 } },
  },
  {
    name: "atomic outside RAM: external abort",
    model: 'max',
    asm: "ldadd x2, x3, [x4]",
    words: [0xf8220083],
    regs: { 4: 0x40400000n, 2: 0x1n, 3: 0x33n },
    expect: { x: { 2: 0x1n, 3: 0x33n, 4: 0x40400000n }, mem: [], exc: { n: 1, esr: 0x96000010, far: 0x40400000n, elr: 0 } },
  },
  {
    name: "CAS/CASA/CASL/CASAL: match and mismatch, all sizes",
    model: 'max',
    asm: "cas x2, x3, [x1]\ncasa w4, w5, [x6]\ncaslb w7, w8, [x10]\ncasalh w11, w12, [x10]\ncash w14, w16, [x13]\ncasal x17, x18, [x15]",
    words: [0xc8a27c23, 0x88e47cc5, 0x08a7fd48, 0x48ebfd4c, 0x48ae7db0, 0xc8f1fdf2],
    regs: { 1: 0x40300000n, 6: 0x40300008n, 10: 0x40300010n, 13: 0x40300014n, 15: 0x40300018n, 2: 0x8877665544332211n, 3: 0xaaaaaaaaaaaaaaaan, 4: 0x12345678n, 5: 0xbbbbbbbbn, 7: 0xffffff80n, 8: 0xccn, 11: 0xffffffccn, 12: 0xddddn, 14: 0x7fffn, 16: 0xeeeen, 17: 0xdeadbeef01234567n, 18: 0xf00dn },
    expect: { x: { 1: 0x40300000n, 2: 0x8877665544332211n, 3: 0xaaaaaaaaaaaaaaaan, 4: 0x76543210n, 5: 0xbbbbbbbbn, 6: 0x40300008n, 7: 0x80n, 8: 0xccn, 10: 0x40300010n, 11: 0xffccn, 12: 0xddddn, 13: 0x40300014n, 14: 0x7fffn, 15: 0x40300018n, 16: 0xeeeen, 17: 0x123456789abcdefn, 18: 0xf00dn }, mem: [[0x40300000n, 0xaaaaaaaaaaaaaaaan], [0x40300010n, 0x8000eeee8000ddddn]] },
  },
  {
    name: "CASP/CASPA/CASPL/CASPAL: X and W pairs, match and mismatch",
    model: 'max',
    asm: "casp x2, x3, x4, x5, [x1]\ncaspa w6, w7, w8, w9, [x10]\ncaspl x16, x17, x18, x19, [x12]\ncaspal w20, w21, w22, w23, [x14]",
    words: [0x48227c24, 0x08667d48, 0x4830fd92, 0x0874fdd6],
    regs: { 1: 0x40300000n, 10: 0x40300010n, 12: 0x40300020n, 14: 0x40300028n, 2: 0x8877665544332211n, 3: 0xfedcba9876543210n, 4: 0x4444n, 5: 0x5555n, 6: 0x8000ff80n, 7: 0x80007fffn, 8: 0x8888n, 9: 0x9999n, 16: 0x7f7f00ff80017ffen, 17: 0x1n, 18: 0x18n, 19: 0x19n, 20: 0xffffffffn, 21: 0xfffffffen, 22: 0x22n, 23: 0x23n },
    expect: { x: { 1: 0x40300000n, 2: 0x8877665544332211n, 3: 0xfedcba9876543210n, 4: 0x4444n, 5: 0x5555n, 6: 0x8000ff80n, 7: 0x80007fffn, 8: 0x8888n, 9: 0x9999n, 10: 0x40300010n, 12: 0x40300020n, 14: 0x40300028n, 16: 0x7f7f00ff80017ffen, 17: 0xffffffffffffffffn, 18: 0x18n, 19: 0x19n, 20: 0xffffffffn, 21: 0xffffffffn, 22: 0x22n, 23: 0x23n }, mem: [[0x40300000n, 0x4444n], [0x40300008n, 0x5555n], [0x40300010n, 0x999900008888n]] },
  },
  {
    name: "CASP with Rs = 30 (Rs+1 is XZR) and CAS with XZR",
    model: 'max',
    asm: ".inst 0x483e7c22\ncas xzr, x2, [x4]",
    words: [0x483e7c22, 0xc8bf7c82],
    regs: { 1: 0x40300030n, 30: 0x0n, 2: 0x1234n, 3: 0x5678n, 4: 0x40300020n },
    expect: { x: { 1: 0x40300030n, 2: 0x1234n, 3: 0x5678n, 4: 0x40300020n }, mem: [[0x40300030n, 0x1234n], [0x40300038n, 0x5678n]] },
  },
  {
    name: "CASP with odd Rs or Rt is UNDEFINED",
    model: 'max',
    asm: ".inst 0x48217c22\n.inst 0x48227c23\nmov x6, #6",
    words: [0x48217c22, 0x48227c23, 0xd28000c6],
    regs: { 1: 0x40300000n, 5: 0x5n },
    expect: { x: { 1: 0x40300000n, 5: 0x5n, 6: 0x6n }, mem: [], exc: { n: 2, esr: 0x2000000, elr: 4 } },
  },
  {
    name: "CAS not aligned: alignment fault",
    model: 'max',
    asm: "cas x2, x3, [x1]",
    words: [0xc8a27c23],
    regs: { 1: 0x40300004n, 2: 0x55667788n, 3: 0x33n },
    expect: { x: { 1: 0x40300004n, 2: 0x55667788n, 3: 0x33n }, mem: [], exc: { n: 1, esr: 0x96000021, far: 0x40300004n, elr: 0 } },
  },
  {
    name: "CASP X needs 16-byte alignment",
    model: 'max',
    asm: "casp x2, x3, x4, x5, [x1]",
    words: [0x48227c24],
    regs: { 1: 0x40300008n, 2: 0x2n },
    expect: { x: { 1: 0x40300008n, 2: 0x2n }, mem: [], exc: { n: 1, esr: 0x96000021, far: 0x40300008n, elr: 0 } },
  },
  {
    name: "CAS outside RAM that would not match: external abort",
    model: 'max',
    asm: "cash w2, w3, [x1]",
    words: [0x48a27c23],
    regs: { 1: 0x40400008n, 2: 0x2n, 3: 0x3n },
    expect: { x: { 1: 0x40400008n, 2: 0x2n, 3: 0x3n }, mem: [], exc: { n: 1, esr: 0x96000010, far: 0x40400008n, elr: 0 } },
  },
  {
    name: "atomics with SP as base",
    model: 'max',
    asm: "ldadd x2, x3, [sp]\ncas w4, w5, [sp]\nswpb w5, w6, [sp, #0]",
    words: [0xf82203e3, 0x88a47fe5, 0x382583e6],
    regs: { 2: 0x1n, 4: 0x8000ff80n, 5: 0x77n },
    sp: 0x40300010n,
    expect: { x: { 2: 0x1n, 3: 0x80007fff8000ff80n, 4: 0x8000ff81n, 5: 0x77n, 6: 0x81n }, sp: 0x40300010n, mem: [[0x40300010n, 0x80007fff8000ff77n]] },
  },
  {
    name: "FEAT_LSE is UNDEFINED on cortex-a57: LDADD, SWP, CAS, CASP, STADD",
    model: 'cortex-a57',
    asm: "ldadd x2, x3, [x1]\nswpb w2, w4, [x1]\ncas x2, x3, [x1]\ncasp x2, x3, x4, x5, [x1]\nstadd x2, [x1]\nmov x6, #6",
    words: [0xf8220023, 0x38228024, 0xc8a27c23, 0x48227c24, 0xf822003f, 0xd28000c6],
    regs: { 1: 0x40300000n, 2: 0x2n, 3: 0x3n },
    expect: { x: { 1: 0x40300000n, 2: 0x2n, 3: 0x3n, 6: 0x6n }, mem: [], exc: { n: 5, esr: 0x2000000, elr: 16 } },
  },
];
// END QEMU REFERENCE CASES

describe('QEMU reference cases', () => {
  for (const c of CASES) it(c.name, () => checkCase(c));
});
