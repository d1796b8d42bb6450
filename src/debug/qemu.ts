// Finding and starting qemu-system-aarch64 on the same board as ours, for the tools that
// compare a64emu with QEMU (lockstep, fuzz). One place for the QEMU command line, so both
// sides always agree on the board: `-M virt`, the same CPU model and memory size,
// semihosting on, no display, no reboot.

import { spawnSync } from 'node:child_process';
import { DEFAULT_MODEL } from '../cpu/models.js';

export const QEMU_INSTALL = 'apt-get install qemu-system-arm';

/** The QEMU binary: the explicit path, else $QEMU, else qemu-system-aarch64 on PATH. */
export function qemuBinary(explicit?: string, env: Readonly<Record<string, string | undefined>> = process.env): string {
  return explicit ?? env.QEMU ?? 'qemu-system-aarch64';
}

export type QemuProbe = { ok: true; version: string } | { ok: false; message: string };

/** Checks that `binary` runs; the failure message names the install command. */
export function probeQemu(binary: string): QemuProbe {
  const r = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 20_000 });
  if (r.error || r.status !== 0) {
    const why = r.error
      ? (r.error as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'not found'
        : r.error.message
      : `'${binary} --version' exited with ${r.status ?? r.signal}`;
    return { ok: false, message: `QEMU is needed but ${binary} ${why}; install it with: ${QEMU_INSTALL} (or name it with --qemu PATH / $QEMU)` };
  }
  return { ok: true, version: (r.stdout || r.stderr).split('\n')[0].trim() };
}

export interface QemuBoard {
  /** a64emu CPU model name (the same names as QEMU's -cpu). */
  cpu?: string;
  /** Start mode: 2 adds virtualization=on, 3 secure=on (as a64emu's --el). */
  el?: 1 | 2 | 3;
  /** With el 3: EL2 as well (virtualization=on besides secure=on, as a64emu's --virtualization). */
  el2?: boolean;
  /** RAM size in bytes (default 512 MiB, as a64emu's default). */
  memory?: number;
  /** The image: -kernel PATH. */
  kernel: string;
}

/**
 * QEMU's arguments for our board: virt, the model, the memory, semihosting, no display,
 * no monitor, no reboot. Callers add -serial, -S -gdb and so on.
 */
export function qemuBoardArgs(board: QemuBoard): string[] {
  const mib = Math.ceil((board.memory ?? 512 * 1024 * 1024) / (1024 * 1024));
  const machine =
    board.el === 2 ? 'virt,virtualization=on'
    : board.el === 3 ? (board.el2 ? 'virt,secure=on,virtualization=on' : 'virt,secure=on')
    : 'virt';
  return ['-M', machine, '-cpu', board.cpu ?? DEFAULT_MODEL, '-m', `${mib}M`, '-display', 'none', '-monitor', 'none',
    '-semihosting', '-no-reboot', '-kernel', board.kernel];
}
