// vitest globalSetup for the guest image tests: builds the CLI bundle (dist/a64emu.mjs)
// with `node scripts/build.mjs` when it is missing or older than src/.
// Register it in the vitest config:  test: { globalSetup: ['tests/guest/global-setup.ts'] }
// A failed build does not abort the run: the tests that need the CLI report the error
// (tests/guest/images.test.ts calls ensureCli() again, which is cheap once up to date).
import { ensureCli } from '../helpers/a64emu';

export default function setup(): void {
  const state = ensureCli();
  if (!state.ok) console.warn(`[guest images] a64emu CLI not available: ${state.error}`);
}
