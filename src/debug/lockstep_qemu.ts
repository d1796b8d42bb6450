// QEMU under lockstep: qemu-system-aarch64 on our board, stopped before its first
// instruction (-S) with its gdb stub on a free local TCP port, and a GdbRemote connected
// to it. Every process started here is killed by close(), and also when our own process
// exits or gets SIGINT/SIGTERM.

import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { GdbError, GdbRemote } from './gdbremote.js';
import { qemuBoardArgs, type QemuBoard } from './qemu.js';

export interface QemuLaunch extends QemuBoard {
  binary: string;
  /** Milliseconds to wait for the stub to accept a connection (default 15 s). */
  startTimeoutMs?: number;
  /** Milliseconds to wait for each gdb reply (default 10 s). */
  replyTimeoutMs?: number;
}

// ---- cleanup of every QEMU we started -----------------------------------------------

const live = new Set<ChildProcess>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function killAll(): void {
  for (const p of live) p.kill('SIGKILL');
  live.clear();
}

function onSignal(sig: NodeJS.Signals): void {
  killAll();
  untrack();
  process.kill(process.pid, sig); // the default action, now that our handler is gone
}

let armed = false;

/**
 * Installs the exit and signal handlers. Called before spawning: a signal that arrives
 * while the child exists but is not yet in `live` would otherwise take the default action
 * and leave QEMU running (seen under load); with the handlers in place it is handled only
 * after the synchronous spawn-and-track code has run.
 */
function arm(): void {
  if (armed) return;
  armed = true;
  process.on('exit', killAll);
  for (const s of SIGNALS) process.on(s, onSignal);
}

function track(p: ChildProcess): void {
  arm();
  live.add(p);
}

function untrack(p?: ChildProcess): void {
  if (p) live.delete(p);
  if (live.size === 0 && armed) {
    armed = false;
    process.off('exit', killAll);
    for (const s of SIGNALS) process.off(s, onSignal);
  }
}

/** QEMU processes started here that have not exited yet (for tests). */
export function liveQemuCount(): number {
  return live.size;
}

// ---- a free port ----------------------------------------------------------------------

/** A TCP port that was free a moment ago (bound to port 0 and released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class QemuStartError extends Error {
  override name = 'QemuStartError';
}

export class QemuProcess {
  private exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  private readonly exitPromise: Promise<void>;
  private stderrTail = '';

  private constructor(
    readonly proc: ChildProcess,
    readonly port: number,
    readonly args: readonly string[],
  ) {
    track(proc);
    this.exitPromise = new Promise((resolve) => {
      proc.once('exit', (code, signal) => {
        this.exited = { code, signal };
        untrack(proc);
        resolve();
      });
      proc.once('error', () => {
        this.exited ??= { code: null, signal: null };
        untrack(proc);
        resolve();
      });
    });
    // QEMU's stderr carries its errors and the guest's semihosting console: keep the tail.
    proc.stderr?.on('data', (d: Buffer) => {
      this.stderrTail = (this.stderrTail + d.toString('latin1')).slice(-4000);
    });
  }

  gdb!: GdbRemote;

  /** Starts QEMU stopped at reset with its gdb stub, and connects to the stub. */
  static async launch(opts: QemuLaunch): Promise<QemuProcess> {
    let lastError = '';
    for (let attempt = 0; attempt < 5; attempt++) {
      const port = await freePort();
      // sleep=off: virtual time advances with instructions only, never while stopped (lockstep.ts).
      const args = [...qemuBoardArgs(opts), '-serial', 'null', '-icount', 'shift=0,sleep=off', '-S', '-gdb', `tcp:127.0.0.1:${port}`];
      arm();
      let proc: ChildProcess;
      try {
        proc = spawn(opts.binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      } catch (e) {
        untrack();
        throw e;
      }
      const q = new QemuProcess(proc, port, args);
      try {
        q.gdb = await q.connect(opts.startTimeoutMs ?? 15_000, opts.replyTimeoutMs ?? 10_000);
        return q;
      } catch (e) {
        await q.close();
        lastError = e instanceof Error ? e.message : String(e);
        // Another process may have taken the port between our check and QEMU's bind: retry
        // (QEMU 7.2: "-gdb tcp:...: Failed to find an available port: Address already in use").
        if (!/Address already in use/i.test(q.stderrTail)) break;
      }
    }
    throw new QemuStartError(lastError);
  }

  private async connect(timeoutMs: number, replyTimeoutMs: number): Promise<GdbRemote> {
    const t0 = Date.now();
    for (;;) {
      if (this.exited) {
        const how = this.exited.code !== null ? `exited with status ${this.exited.code}` : `failed (${this.exited.signal ?? 'could not start'})`;
        throw new QemuStartError(`${this.proc.spawnfile} ${how}${this.stderrTail ? `: ${this.stderrTail.trim()}` : ''}`);
      }
      try {
        return await GdbRemote.connect('127.0.0.1', this.port, { timeoutMs: replyTimeoutMs });
      } catch (e) {
        if (e instanceof GdbError || Date.now() - t0 > timeoutMs) {
          throw new QemuStartError(`QEMU's gdb stub did not accept a connection on port ${this.port} within ${timeoutMs} ms`);
        }
      }
      await sleep(20);
    }
  }

  /** QEMU's stderr so far (the tail). */
  get stderr(): string {
    return this.stderrTail;
  }

  /** Waits up to `ms` for QEMU to exit; its exit status, or null if it is still running. */
  async waitExit(ms: number): Promise<{ code: number | null; signal: NodeJS.Signals | null } | null> {
    if (!this.exited) await Promise.race([this.exitPromise, sleep(ms)]);
    return this.exited;
  }

  /** Kills QEMU (gdb 'k', then SIGKILL if it is still there after a moment) and waits for it. */
  async close(): Promise<void> {
    if (this.gdb && !this.gdb.isClosed) {
      try {
        await Promise.race([this.gdb.kill(), sleep(500)]);
      } catch {
        /* the connection is gone already */
      }
      this.gdb.close();
    }
    if (!this.exited) {
      await Promise.race([this.exitPromise, sleep(500)]);
      if (!this.exited) this.proc.kill('SIGKILL');
    }
    await this.exitPromise;
  }
}
