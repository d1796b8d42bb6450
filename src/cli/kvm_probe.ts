// `a64emu kvm probe` (see COMMAND_HELP.kvm in args.ts).

import { MODELS } from '../cpu/models.js';
import { probe, PROBE_GUEST_SIZE } from '../kvmcompat/probe.js';
import { EXIT, readImage, type CliIo } from './main.js';

export function run(argv: readonly string[], io: CliIo, err: (text: string) => void): number {
  let cpu = 'cortex-a57';
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--cpu' || a.startsWith('--cpu=')) {
      const v = a === '--cpu' ? argv[++i] : a.slice(6);
      if (v === undefined) {
        err('kvm probe: --cpu needs a model name');
        return EXIT.USAGE;
      }
      cpu = v;
    } else if (a.startsWith('-')) {
      err(`kvm probe: unknown option '${a}' ('a64emu help kvm')`);
      return EXIT.USAGE;
    } else files.push(a);
  }
  if (MODELS[cpu] === undefined) {
    err(`kvm probe: unknown CPU model '${cpu}' (known: ${Object.keys(MODELS).join(', ')})`);
    return EXIT.USAGE;
  }
  if (files.length !== 1) {
    err('kvm probe: needs exactly one guest image (a64emu kvm probe [--cpu NAME] GUEST.bin)');
    return EXIT.USAGE;
  }
  const image = readImage(files[0], io, err);
  if (typeof image === 'number') return image;
  if (image.length > PROBE_GUEST_SIZE) {
    err(`kvm probe: ${files[0]} has ${image.length} bytes, more than the 2 MiB slot at IPA 0x40000000`);
    return EXIT.USAGE;
  }
  io.write('stdout', probe(image, { cpu }));
  return EXIT.OK;
}
