// Bundles the CLI into dist/a64emu.mjs (run by `npm install` through the `prepare` script).
import { build } from 'esbuild';
import { chmodSync } from 'node:fs';

await build({
  entryPoints: ['src/cli/main.ts'],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outfile: 'dist/a64emu.mjs',
  banner: { js: '#!/usr/bin/env node' },
  sourcemap: true,
  logLevel: 'warning',
  // Capstone (a runtime dependency) stays a package: its module finds capstone.wasm beside
  // itself in node_modules, and `a64emu run` never loads it (src/debug/disasm.ts).
  external: ['capstone-wasm'],
});
chmodSync('dist/a64emu.mjs', 0o755);
