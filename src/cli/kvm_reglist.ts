// `a64emu kvm reglist` (see COMMAND_HELP.kvm in args.ts).

import { MODELS } from '../cpu/models.js';
import { KVM_ARM_VCPU_PSCI_0_2 } from '../kvmcompat/api.js';
import { kvmTarget } from '../kvmcompat/profile.js';
import { hexId, regName, regSizeBytes } from '../kvmcompat/regid.js';
import { KvmVcpu } from '../kvmcompat/vcpu.js';
import { EXIT, type CliIo } from './main.js';

export function run(argv: readonly string[], io: CliIo, err: (text: string) => void): number {
  let cpu = 'cortex-a57';
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') json = true;
    else if (a === '--cpu' || a.startsWith('--cpu=')) {
      const v = a === '--cpu' ? argv[++i] : a.slice(6);
      if (v === undefined) {
        err('kvm reglist: --cpu needs a model name');
        return EXIT.USAGE;
      }
      cpu = v;
    } else {
      err(`kvm reglist: unexpected argument '${a}' ('a64emu help kvm')`);
      return EXIT.USAGE;
    }
  }
  const model = MODELS[cpu];
  if (model === undefined) {
    err(`kvm reglist: unknown CPU model '${cpu}' (known: ${Object.keys(MODELS).join(', ')})`);
    return EXIT.USAGE;
  }
  // As kvm-probe.c: the preferred target with PSCI 0.2.
  const vcpu = new KvmVcpu({ cpu });
  vcpu.init({ target: kvmTarget(model), features: [1 << KVM_ARM_VCPU_PSCI_0_2] });
  const rows = vcpu.getRegList(Infinity).map((id) => ({
    id: hexId(id),
    name: regName(id),
    value: `0x${vcpu.getOneReg(id).toString(16).padStart(regSizeBytes(id) * 2, '0')}`,
  }));
  if (json) io.write('stdout', JSON.stringify(rows, null, 1) + '\n');
  else io.write('stdout', rows.map((r) => `${r.id} ${r.name.padEnd(36)} ${r.value}`).join('\n') + '\n');
  return EXIT.OK;
}
