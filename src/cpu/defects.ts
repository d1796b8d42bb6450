// Planted defects: test-only switches that break one instruction on purpose, so that the
// cross-checking tools (lockstep, fuzz) can be shown to find a real divergence at the right
// place. They are chosen at decode time (the row's build looks at cpu.defect), so an
// unplanted run pays nothing. Never set one outside tests; `--plant-defect` says so.

export const DEFECTS = {
  /** EOR (shifted register), 64-bit: bit 0 of the result is flipped. */
  'eor-reg': 'EOR (shifted register, 64-bit) flips bit 0 of its result',
  /** ADD (immediate, 64-bit, no flags, neither operand SP): bit 0 of the result is flipped. */
  'add-imm': 'ADD (immediate, 64-bit, not to or from SP) flips bit 0 of its result',
  /** NOP (HINT #0): takes an Undefined Instruction exception instead (a path that can heal). */
  'nop-undef': 'NOP takes an Undefined Instruction exception (EC 0x00) instead of doing nothing',
} as const;

export type Defect = keyof typeof DEFECTS;

export function isDefect(name: string): name is Defect {
  return Object.prototype.hasOwnProperty.call(DEFECTS, name);
}

/** The defect names and what each breaks, for error messages and help. */
export function describeDefects(): string {
  return Object.entries(DEFECTS)
    .map(([k, v]) => `${k} (${v})`)
    .join(', ');
}
