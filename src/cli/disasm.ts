// `a64emu disasm`: not written yet (issue 5).
import type { DisasmArgs } from './args.js';
import { EXIT, type CliIo } from './main.js';

export async function disasmCommand(_args: DisasmArgs, _io: CliIo, err: (text: string) => void): Promise<number> {
  err('disasm is not implemented yet');
  return EXIT.INTERNAL;
}
