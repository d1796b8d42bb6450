// Running a fuzz image on both sides: qemu-system-aarch64 as a child process (its stdout is
// the result area, written by the guest through semihosting), and a64emu in-process on the
// same board, capturing the same semihosting output.

import { spawn } from 'node:child_process';
import { VirtMachine } from '../../machine/virt.js';
import type { Defect } from '../../cpu/defects.js';
import { qemuBoardArgs, type QemuBoard } from '../qemu.js';
import { IMAGE_RAM } from './image.js';

export interface SideResult {
  /** The result area, or null when the run did not produce it. */
  readonly data: Uint8Array | null;
  /** Why not, when data is null. */
  readonly error?: string;
}

/** Runs the image at `path` on QEMU; resolves with what the guest wrote to stdout. */
export function runQemu(
  binary: string, path: string, cpu: string, expected: number, timeoutMs: number, mode: Pick<QemuBoard, 'el' | 'el2'> = {},
): Promise<SideResult> {
  return new Promise((resolve) => {
    const args = [...qemuBoardArgs({ cpu, memory: IMAGE_RAM, kernel: path, ...mode }), '-serial', 'null'];
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ data: null, error: `cannot start ${binary}: ${e.message}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const data = new Uint8Array(Buffer.concat(out));
      if (timedOut) return resolve({ data: null, error: `QEMU did not finish within ${timeoutMs / 1000} s` });
      if (code !== 0 || data.length !== expected) {
        return resolve({
          data: null,
          error: `QEMU exited with ${code ?? signal} after writing ${data.length} of ${expected} result bytes${err ? `: ${err.trim()}` : ''}`,
        });
      }
      resolve({ data });
    });
  });
}

/** Runs the image on a64emu in-process. */
export async function runA64emu(
  elf: Uint8Array, cpu: string, expected: number, maxInsns: number, defect?: Defect, mode: { el?: 1 | 2 | 3; el2?: boolean } = {},
): Promise<SideResult> {
  const chunks: Uint8Array[] = [];
  let len = 0;
  const m = new VirtMachine({
    cpu,
    ...mode,
    memory: IMAGE_RAM,
    reboot: false,
    output: (stream, bytes) => {
      if (stream === 'stdout') {
        chunks.push(bytes);
        len += bytes.length;
      }
    },
    warn: () => {},
  });
  if (defect) m.cpu.defect = defect;
  m.load(elf, { name: 'fuzz.elf' });
  const r = await m.run({ maxInsns });
  const data = new Uint8Array(len);
  let o = 0;
  for (const c of chunks) {
    data.set(c, o);
    o += c.length;
  }
  if (r.stop.kind !== 'exit' || r.stop.code !== 0 || len !== expected) {
    const why = r.stop.kind === 'internal' ? `internal error: ${r.stop.message}` : r.stop.kind === 'exit' ? `exit ${r.stop.code}` : r.stop.kind;
    return { data: null, error: `a64emu stopped (${why}) after writing ${len} of ${expected} result bytes` };
  }
  return { data };
}
