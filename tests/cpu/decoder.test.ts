import { describe, expect, it } from 'vitest';
import { compilePattern, Decoder, type Row } from '../../src/cpu/decoder.js';
import { ALL_ROWS } from '../../src/cpu/insns/index.js';

const row = (name: string, pattern: string): Row => ({ name, pattern, build: () => () => {} });

describe('pattern compiler', () => {
  it('turns fixed bits and fields into mask, value and field positions', () => {
    // ADD (immediate), Arm ARM C6.2.4: sf 0 0 100010 sh imm12 Rn Rd
    const c = compilePattern(row('ADD', 'sf:1 0 0 100010 sh:1 imm12:12 rn:5 rd:5'));
    expect(c.mask).toBe(0x7f800000);
    expect(c.value).toBe(0x11000000);
    expect(c.fields.map((f) => [f.name, f.shift])).toEqual([
      ['sf', 31], ['sh', 22], ['imm12', 10], ['rn', 5], ['rd', 0],
    ]);
    // add x1, x0, #0x1 (aarch64-linux-gnu-as): 0x91000401
    expect(Decoder.fields(c, 0x91000401)).toEqual({ sf: 1, sh: 0, imm12: 1, rn: 0, rd: 1 });
  });

  it('rejects patterns that are not 32 bits or have bad tokens', () => {
    expect(() => compilePattern(row('short', '0101 rd:5'))).toThrow(/not 32/);
    expect(() => compilePattern(row('bad', '01x0 ' + '0'.repeat(28)))).toThrow(/bad pattern token/);
  });

  it('prefers the row with more fixed bits, and refuses duplicate names', () => {
    const general = row('general', 'op:8 ' + '-'.repeat(24));
    const special = row('special', '11110000 ' + '-'.repeat(24));
    const d = new Decoder([general, special]);
    expect(d.lookup(0xf0000000)?.row.name).toBe('special');
    expect(d.lookup(0xf1000000)?.row.name).toBe('general');
    expect(() => new Decoder([general, general])).toThrow(/duplicate/);
  });
});

describe('the instruction table', () => {
  it('has no two equally specific rows that match the same encoding', () => {
    const compiled = ALL_ROWS.map(compilePattern);
    const clashes: string[] = [];
    for (let i = 0; i < compiled.length; i++) {
      for (let j = i + 1; j < compiled.length; j++) {
        const a = compiled[i];
        const b = compiled[j];
        if (a.fixedBits !== b.fixedBits) continue;
        if (((a.value ^ b.value) & a.mask & b.mask) === 0) clashes.push(`${a.row.name} / ${b.row.name}`);
      }
    }
    expect(clashes).toEqual([]);
  });
});
