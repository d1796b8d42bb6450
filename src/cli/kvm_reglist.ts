// `a64emu kvm reglist` (see COMMAND_HELP.kvm in args.ts).

import { EXIT, type CliIo } from './main.js';

export function run(_argv: readonly string[], _io: CliIo, err: (text: string) => void): number {
  err('kvm reglist: not written yet (issue 9)');
  return EXIT.INTERNAL;
}
