// The a64emu command in-process: fake files (a map from path to bytes; writes land in it
// too) and captured stdout/stderr.
import { main, type CliIo } from '../../src/cli/main.js';

export function fakeIo(files: Record<string, Uint8Array> = {}, overrides: Partial<CliIo> = {}) {
  const out = { stdout: '', stderr: '' };
  const io: Partial<CliIo> = {
    write: (stream, data) => {
      out[stream] += typeof data === 'string' ? data : new TextDecoder().decode(data);
    },
    readFile: (path) => {
      const f = files[path];
      if (f === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
      return f;
    },
    writeFile: (path, data) => {
      files[path] = data.slice();
    },
    stdin: null,
    now: () => 0,
    betweenSlices: () => {},
    env: {},
    ...overrides,
  };
  return { io, out };
}

/** Runs `a64emu argv`; resolves to the exit status and what it printed. */
export async function runCli(argv: string[], files: Record<string, Uint8Array> = {}, overrides: Partial<CliIo> = {}) {
  const { io, out } = fakeIo(files, overrides);
  const code = await main(argv, io);
  return { code, ...out };
}
