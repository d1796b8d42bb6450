// Completeness of the FP and Advanced SIMD decoder on `max`: random words from the two
// encoding spaces (data processing -- scalar FP and Advanced SIMD, op0 = x111; loads and
// stores with V = 1) that Capstone decodes as an instruction must decode here too (a row
// whose build gives an executor), except the features a64emu does not implement, listed
// with their reason. Capstone is the reference for which encodings are allocated; it knows
// encodings beyond what max has, so the list names them by mnemonic.
import { describe, expect, it } from 'vitest';
import { makeCpu } from '../cpu/harness.js';
import { decoder } from '../../src/cpu/run.js';
import { Decoder } from '../../src/cpu/decoder.js';
import { loadDisassembler } from '../../src/debug/disasm.js';

/** Mnemonics of features a64emu's max does not have (ID_AA64ISAR0_EL1 says so too). */
const NOT_IMPLEMENTED: Record<string, string> = {
  sm3ss1: 'FEAT_SM3 (not in issue 8; QEMU 7.2 max has it)',
  sm3tt1a: 'FEAT_SM3',
  sm3tt1b: 'FEAT_SM3',
  sm3tt2a: 'FEAT_SM3',
  sm3tt2b: 'FEAT_SM3',
  sm3partw1: 'FEAT_SM3',
  sm3partw2: 'FEAT_SM3',
  sm4e: 'FEAT_SM4 (not in issue 8; QEMU 7.2 max has it)',
  sm4ekey: 'FEAT_SM4',
};

describe('FP/SIMD decoder coverage against Capstone', () => {
  it('every Capstone-decoded FP/SIMD encoding is implemented on max, but the listed features', async () => {
    const dis = await loadDisassembler();
    const { cpu } = makeCpu({ model: 'max' });
    const dec = decoder();
    const missing = new Map<string, string>();
    let x = 0x2026_1128;
    const rnd = (): number => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return x >>> 0;
    };
    let decoded = 0;
    for (let k = 0; k < 1_000_000; k++) {
      let w = rnd();
      if (k % 2 === 0) w = (w & ~(7 << 25)) | (7 << 25);
      else w = (w & ~(0b1011 << 24)) | (0b1000 << 24) | (1 << 26);
      const c = dec.lookup(w);
      const op = c ? c.row.build(Decoder.fields(c, w), { cpu, pcLo: 0x40000000, pcHi: 0, insn: w, index: 0 }) : null;
      const text = dis(w, 0x40000000n);
      if (text.startsWith('.inst')) continue;
      decoded++;
      if (op !== null) continue;
      const m = text.split(/\s+/)[0];
      if (!(m in NOT_IMPLEMENTED) && !missing.has(m)) missing.set(m, `${(w >>> 0).toString(16).padStart(8, '0')} ${text}`);
    }
    expect(decoded).toBeGreaterThan(100_000);
    expect([...missing.values()]).toEqual([]);
  });
});
