// FP/SIMD access from executors (Cpu.fpEnabled, fptrap.ts) and the FPCR/FPSR rows.
// ESR 0x1fe00000 (EC 0x07, IL, CV, COND 0b1110) is QEMU 7.2's, observed live (as in
// tests/cpu/traps.test.ts). The FPCR/FPSR write masks are QEMU 7.2's (vfp_set_fpscr keeps
// AHP, DN, FZ, RMode, Stride, Len, FZ16 with FEAT_FP16; FPSR keeps NZCV, QC and the flags),
// which `a64emu fuzz --class fp` compares live: its cases load FPCR/FPSR with random bits
// (seed 8 on max: 10000 cases, 0 mismatches).
import { describe, expect, it } from 'vitest';
import { makeCpu, RAM_BASE } from '../cpu/harness.js';
import { Slot } from '../../src/cpu/state.js';
import { getV } from '../../src/cpu/vreg.js';

const FMOV_D0_1 = 0x1e6e1000; // fmov d0, #1.0
const MSR_CPACR_X1 = 0xd5181041;
const MRS_X2_FPCR = 0xd53b4402;
const MSR_FPCR_X1 = 0xd51b4401;
const MRS_X3_FPSR = 0xd53b4423;
const MSR_FPSR_X1 = 0xd51b4421;
const FADD_D1_D0_D0 = 0x1e602801;
const FP_ESR = 0x1fe00000n;

describe('FP/SIMD access trap from FP instructions and FPCR/FPSR', () => {
  for (const [name, word] of [['FMOV', FMOV_D0_1], ['MRS FPCR', MRS_X2_FPCR], ['MSR FPSR', MSR_FPSR_X1]] as const) {
    it(`${name} with CPACR_EL1.FPEN = 0 at EL1 takes EC 0x07 to EL1`, () => {
      const t = makeCpu();
      t.cpu.x[Slot.VBAR_EL1] = BigInt(RAM_BASE + 0x800);
      t.load([word]);
      t.run(1);
      expect(t.cpu.x[Slot.ESR_EL1]).toBe(FP_ESR);
      expect(t.cpu.x[Slot.ELR_EL1]).toBe(BigInt(RAM_BASE));
      expect(t.cpu.pc).toBe(BigInt(RAM_BASE + 0x800 + 0x200));
    });
  }

  it('MSR CPACR_EL1 with FPEN = 11 enables FP for the next instruction', () => {
    const t = makeCpu();
    t.cpu.x[1] = 3n << 20n;
    t.load([MSR_CPACR_X1, FMOV_D0_1, FADD_D1_D0_D0]);
    expect(t.cpu.fpEnabled).toBe(false);
    t.run(3);
    expect(t.cpu.fpEnabled).toBe(true);
    expect(getV(t.cpu, 0)).toBe(0x3ff0000000000000n);
    expect(getV(t.cpu, 1)).toBe(0x4000000000000000n); // 1.0 + 1.0
    expect(t.cpu.x[Slot.ESR_EL1]).toBe(0n);
  });

  for (const [model, fpcr] of [['max', 0x07ff0000n], ['cortex-a57', 0x07f70000n]] as const) {
    it(`${model}: FPCR keeps ${fpcr.toString(16)} of all ones, FPSR 0xf800009f`, () => {
      const t = makeCpu({ model });
      t.cpu.x[Slot.CPACR_EL1] = 3n << 20n;
      t.cpu.contextChanged();
      t.cpu.x[1] = (1n << 64n) - 1n;
      t.load([MSR_FPCR_X1, MRS_X2_FPCR, MSR_FPSR_X1, MRS_X3_FPSR]);
      t.run(4);
      expect(t.cpu.x[2]).toBe(fpcr);
      expect(t.cpu.x[3]).toBe(0xf800009fn);
    });
  }
});
