// The KVM guest images the tests load: the project's own (tests/images/kvm/, built by
// `npm run images`) and the recorder's example guest ../shared/kvm/guest.bin, which lives
// beside the clone (as in CI). Missing, the tests that need it are skipped with the reason,
// or fail under CI=true (the rule of tests/helpers/tools.ts).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../helpers/a64emu.js';

export const SHARED_GUEST_PATH = '../shared/kvm/guest.bin';
const sharedPath = join(ROOT, SHARED_GUEST_PATH);
/** ../shared/kvm/guest.bin, or undefined when the folder is absent (not under CI=true). */
export const SHARED_GUEST: Uint8Array | undefined = existsSync(sharedPath)
  ? new Uint8Array(readFileSync(sharedPath))
  : process.env.CI === 'true' ? (() => { throw new Error(`${SHARED_GUEST_PATH} is missing`); })() : undefined;
export const NO_SHARED_GUEST = `${SHARED_GUEST_PATH} is missing (the project's ../shared folder is not beside this clone)`;

/** A KVM guest of tests/images/kvm/ by name (kvm_mmio_hvc -> its .bin). */
export function imageGuest(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(ROOT, `tests/images/kvm/${name}/${name}.bin`)));
}
