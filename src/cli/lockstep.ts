// `a64emu lockstep`: not written yet (issue 5).
import type { LockstepArgs } from './args.js';
import { EXIT, type CliIo } from './main.js';

export async function lockstepCommand(_args: LockstepArgs, _io: CliIo, err: (text: string) => void): Promise<number> {
  err('lockstep is not implemented yet');
  return EXIT.INTERNAL;
}
