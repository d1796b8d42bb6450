// The Capstone disassembler. References: GNU objdump 2.40's listing of the same words
// (hand-checked lines below; the whole of the test images when objdump is installed).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadDisassembler, undecodable } from '../../src/debug/disasm.js';
import { TOOLS, requireTool } from '../helpers/tools.js';

describe('loadDisassembler', () => {
  it('loads Capstone once', () => {
    expect(loadDisassembler()).toBe(loadDisassembler());
  });

  it('disassembles A64 words (objdump: same mnemonics and registers)', async () => {
    const d = await loadDisassembler();
    // objdump: mov w0, #0x18 / hlt #0xf000 / mrs x9, elr_el1 / eret / ldr x6, [x7] / stp x29, x30, [sp, #-16]!
    expect(d(0x52800300, 0x40080004n)).toBe('mov w0, #0x18');
    expect(d(0xd45e0000, 0x40080008n)).toBe('hlt #0xf000');
    expect(d(0xd5384029, 0n)).toBe('mrs x9, elr_el1');
    expect(d(0xd69f03e0, 0n)).toBe('eret');
    expect(d(0xf94000e6, 0n)).toBe('ldr x6, [x7]');
    expect(d(0xa9bf7bfd, 0n)).toBe('stp x29, x30, [sp, #-0x10]!');
  });

  it('names a PRFM operation without a name by its number (objdump: prfm #0x1f, [x1])', async () => {
    const d = await loadDisassembler();
    expect(d(0xf980003f, 0n)).toBe('prfm #0x1f, [x1]');
    expect(d(0xf9800020, 0n)).toBe('prfm pldl1keep, [x1]');
  });

  it('resolves PC-relative targets from the address given', async () => {
    const d = await loadDisassembler();
    // objdump at 40080000: adr x1, 40080010; b 4008000c at 4008000c (b .)
    expect(d(0x10000081, 0x40080000n)).toBe('adr x1, #0x40080010');
    expect(d(0x14000000, 0x4008000cn)).toBe('b #0x4008000c');
    expect(d(0x14000000, 0x40080010n)).toBe('b #0x40080010'); // same word, another address
    expect(d(0x17ffffff, 0x40080004n)).toBe('b #0x40080000');
  });

  it('shows words it cannot decode as .inst, as objdump does', async () => {
    const d = await loadDisassembler();
    // 0x00000000 is UDF #0 (Armv8.x); Capstone 5 does not know it
    expect(d(0x00000000, 0n)).toBe(undecodable(0));
    expect(undecodable(0xffffffff)).toBe('.inst 0xffffffff ; undefined');
  });
});

/**
 * The syntax differences between objdump 2.40 and Capstone 5 that are not disagreements:
 * - branch and literal targets: objdump prints a bare address, Capstone `#0x...`;
 * - immediates: decimal or hex; Capstone prints some as signed (`mov x0, #-1`) where
 *   objdump prints the register-width pattern (`#0xffffffffffffffff`), and a negative
 *   post-index offset as its 64-bit pattern (`strb w0, [x1], #0xffffffffffffffff`);
 * - condition synonyms (Arm ARM C1.2.4): CS = HS, CC = LO;
 * - aliases Capstone 5 does not choose: MOV (bitmask immediate) is printed as
 *   `orr xd, xzr, #imm`; BTI, SSBB, PSSBB (later hint and barrier encodings) as `hint`/`dsb`.
 */
function normalize(mnemonic: string, operands: string): string {
  let m = mnemonic;
  let ops = operands.trim();
  const alias = /^(x|w)(\d+), (?:xzr|wzr), (#.*)$/.exec(ops);
  if (m === 'orr' && alias) {
    m = 'mov';
    ops = `${alias[1]}${alias[2]}, ${alias[3]}`;
  }
  const hints: Record<string, string> = { 'hint #0x20': 'bti', 'hint #0x22': 'bti c', 'hint #0x24': 'bti j', 'hint #0x26': 'bti jc', 'dsb #0': 'ssbb', 'dsb #4': 'pssbb' };
  const h = hints[`${m} ${ops}`];
  if (h !== undefined) [m, ops] = [h.split(' ')[0], h.split(' ')[1] ?? ''];
  m = m.replace(/^b\.cs$/, 'b.hs').replace(/^b\.cc$/, 'b.lo');
  ops = ops.replace(/\bcs\b/g, 'hs').replace(/\bcc\b/g, 'lo');
  ops = ops.replace(/(^|, )([0-9a-f]+)$/, (_s, p: string, a: string) => `${p}#0x${a}`); // bare target
  // Immediates as signed numbers: 64-bit patterns, and 32-bit ones in W-register forms.
  const w32 = ops.startsWith('w');
  ops = ops.replace(/#(-?)(0x[0-9a-f]+|\d+)\b/g, (_s, neg: string, n: string) => {
    let v = neg ? -BigInt(n) : BigInt(n);
    if (v >= 1n << 63n) v -= 1n << 64n;
    else if (w32 && v >= 1n << 31n && v < 1n << 32n) v -= 1n << 32n;
    return `#${v < 0n ? '-' : ''}0x${(v < 0n ? -v : v).toString(16)}`;
  });
  return `${m} ${ops.replace(/\s+/g, ' ')}`.trim();
}

describe('agrees with objdump on the test images', () => {
  const images = ['dp_imm', 'dp_reg', 'branch', 'ldst', 'atomic', 'system'];
  for (const name of images) {
    it(`${name}.elf`, async (ctx) => {
      const tool = requireTool(ctx, TOOLS.objdump);
      const d = await loadDisassembler();
      const path = `tests/images/${name}/${name}.elf`;
      readFileSync(path); // fail clearly if the image is missing
      const listing = execFileSync(tool.spec.command, ['-d', path], { maxBuffer: 1 << 28, encoding: 'utf8' });
      let compared = 0;
      const differ: string[] = [];
      for (const line of listing.split('\n')) {
        // "    40080000:\t58000240 \tldr\tx0, 40080048 <_start+0x48>" (comments after // and <)
        const f = /^\s+([0-9a-f]+):\t([0-9a-f]{8}) \t([^\t]+?)\s*(?:\t([^/<]*))?(?:[/<].*)?$/.exec(line);
        if (!f || f[3] === '.word' || f[3] === 'udf') continue; // data in .text; UDF (see above)
        const ours = d(parseInt(f[2], 16), BigInt(`0x${f[1]}`));
        const [om, ...rest] = ours.split(' ');
        const a = normalize(om, rest.join(' '));
        const b = normalize(f[3], f[4] ?? '');
        if (a !== b) differ.push(`${f[1]}: ${f[2]}  objdump '${f[3]} ${f[4] ?? ''}'  capstone '${ours}'`);
        compared++;
      }
      expect(compared).toBeGreaterThan(1000);
      expect(differ.slice(0, 20)).toEqual([]);
    });
  }
});
