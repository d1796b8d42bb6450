// `a64emu fuzz`: not written yet (issue 5).
import type { FuzzArgs } from './args.js';
import { EXIT, type CliIo } from './main.js';

export async function fuzzCommand(_args: FuzzArgs, _io: CliIo, err: (text: string) => void): Promise<number> {
  err('fuzz is not implemented yet');
  return EXIT.INTERNAL;
}
