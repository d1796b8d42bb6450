// `a64emu kvm SUBCOMMAND`: dispatches to one file per subcommand, each loaded only when
// asked for. Each exports `run(argv, io, err): Promise<number> | number`.

import type { KvmArgs } from './args.js';
import { EXIT, type CliIo } from './main.js';

type Sub = (argv: readonly string[], io: CliIo, err: (text: string) => void) => Promise<number> | number;

const SUBCOMMANDS: Record<string, () => Promise<{ run: Sub }>> = {
  id: () => import('./kvm_id.js'),
  reglist: () => import('./kvm_reglist.js'),
  probe: () => import('./kvm_probe.js'),
  diff: () => import('./kvm_diff.js'),
};

export async function kvmCommand(args: KvmArgs, io: CliIo, err: (text: string) => void): Promise<number> {
  const [sub, ...rest] = args.argv;
  if (sub === undefined) {
    err(`kvm needs a subcommand: ${Object.keys(SUBCOMMANDS).join(', ')} ('a64emu help kvm')`);
    return EXIT.USAGE;
  }
  const load = SUBCOMMANDS[sub];
  if (load === undefined) {
    err(`unknown kvm subcommand '${sub}' (known: ${Object.keys(SUBCOMMANDS).join(', ')})`);
    return EXIT.USAGE;
  }
  return (await load()).run(rest, io, err);
}
