// Arm semihosting for AArch64 guests: HLT #0xF000 with the operation number in W0 and a
// parameter (usually the address of a block of 64-bit arguments) in X1; the result goes
// to X0. Reference: Arm "Semihosting for AArch32 and AArch64" (version 2.0 and later),
// with QEMU 7.2's semihosting/arm-compat-semi.c as the reference for what the spec leaves
// open. Facts taken from QEMU (and checked against qemu-system-aarch64 7.2):
//   - SYS_EXIT / SYS_EXIT_EXTENDED on A64 read {reason, subcode}; reason
//     ADP_Stopped_ApplicationExit (0x20026) exits with status `subcode`, any other reason
//     exits with status 1. A fault reading the block returns -1 to the guest instead.
//   - SYS_WRITEC and SYS_WRITE0 go to the semihosting console, which without
//     `-semihosting-config chardev=` is the host's stderr; X0 is then 0xdeadbeef (the spec
//     says "corrupted").
//   - SYS_OPEN(":tt") allocates the lowest free handle starting at 1; mode 0-3 (read) is
//     stdin, 4-7 (write) stdout, 8-11 (append) stderr (the SH_EXT_STDOUT_STDERR feature);
//     mode >= 12 fails with EINVAL. ":semihosting-features" opens a 5-byte file "SHFB"
//     + 0x03 (SH_EXT_EXIT_EXTENDED | SH_EXT_STDOUT_STDERR), for modes 0 and 1 only.
//   - SYS_WRITE and SYS_READ return the number of bytes NOT transferred; on any error
//     (bad handle, bad buffer) that is the whole length.
//   - SYS_TICKFREQ is 1e9 (SYS_ELAPSED counts nanoseconds). Here time is virtual: one
//     instruction is one nanosecond, as QEMU with -icount shift=0.
// Host file access is off (DESIGN.md "Host boundary"): opening any other name fails.
// Unknown or unsupported operations return -1 with a one-time warning (QEMU aborts).

import type { Cpu } from '../cpu/cpu.js';
import { GuestMemory } from './guestmem.js';
import type { ConsoleOutput, Stream } from './output.js';

export const SYS = {
  OPEN: 0x01,
  CLOSE: 0x02,
  WRITEC: 0x03,
  WRITE0: 0x04,
  WRITE: 0x05,
  READ: 0x06,
  READC: 0x07,
  ISERROR: 0x08,
  ISTTY: 0x09,
  SEEK: 0x0a,
  FLEN: 0x0c,
  TMPNAM: 0x0d,
  REMOVE: 0x0e,
  RENAME: 0x0f,
  CLOCK: 0x10,
  TIME: 0x11,
  SYSTEM: 0x12,
  ERRNO: 0x13,
  GET_CMDLINE: 0x15,
  HEAPINFO: 0x16,
  EXIT: 0x18,
  SYNCCACHE: 0x19,
  EXIT_EXTENDED: 0x20,
  ELAPSED: 0x30,
  TICKFREQ: 0x31,
} as const;

const NAMES: Record<number, string> = Object.fromEntries(Object.entries(SYS).map(([k, v]) => [v, `SYS_${k}`]));

/** The exit reason for a normal application exit (spec: "Reason codes"). */
export const ADP_Stopped_ApplicationExit = 0x20026;

/** Host errno values reported through SYS_ERRNO (Linux numbering, as QEMU on Linux). */
export const ERRNO = { ENOENT: 2, E2BIG: 7, EBADF: 9, EACCES: 13, EFAULT: 14, EINVAL: 22, ENOTTY: 25, ESPIPE: 29 } as const;

/** X0 after operations with no defined result (QEMU's common_semi_dead_cb). */
export const DEAD = 0xdeadbeefn;

const FEATURES = Uint8Array.of(0x53, 0x48, 0x46, 0x42, 0x03);

type Handle = { kind: 'tt-in' } | { kind: 'tt-out'; stream: Stream } | { kind: 'features'; pos: number };

/**
 * Semihosting's state in a state file: the open handles and SYS_ERRNO's value. Every handle
 * a64emu gives out (":tt", ":semihosting-features") is migratable; host files, when they are
 * added, are not, and saving must then refuse while one is open.
 */
export interface SemihostingState {
  handles: (Handle | null)[];
  errno: number;
}

export interface SemihostingHost {
  readonly console: ConsoleOutput;
  /** Where SYS_WRITEC/SYS_WRITE0 go (QEMU default: stderr). */
  readonly consoleStream: Stream;
  /** The command line SYS_GET_CMDLINE reports (QEMU: the kernel file name, then -append). */
  cmdline(): string;
  /** Virtual nanoseconds since power-on. */
  nanoseconds(cpu: Cpu): number;
  /** The largest free RAM range (SYS_HEAPINFO: heap base/limit, stack base/limit). */
  heap(): { base: bigint; limit: bigint };
  warn(message: string): void;
}

export class Semihosting {
  /** Guest handles; index 0 is never used (QEMU starts at 1). */
  private handles: (Handle | undefined)[] = [undefined];
  errno = 0;
  private readonly warned = new Set<string>();

  constructor(private readonly host: SemihostingHost) {}

  saveState(): SemihostingState {
    return { handles: this.handles.map((h) => (h === undefined ? null : { ...h })), errno: this.errno };
  }

  loadState(s: SemihostingState): void {
    if (!Array.isArray(s.handles) || !Number.isInteger(s.errno)) throw new Error('semihosting state: bad shape');
    const ok = (h: unknown): h is Handle => {
      const o = h as Record<string, unknown>;
      return (
        o.kind === 'tt-in' || (o.kind === 'tt-out' && (o.stream === 'stdout' || o.stream === 'stderr')) ||
        (o.kind === 'features' && Number.isInteger(o.pos) && (o.pos as number) >= 0 && (o.pos as number) <= FEATURES.length)
      );
    };
    this.handles = s.handles.map((h, i) => {
      if (h === null) return undefined;
      if (i === 0 || !ok(h)) throw new Error(`semihosting state: bad handle ${i}`);
      return { ...h };
    });
    if (this.handles.length === 0) this.handles = [undefined];
    this.errno = s.errno;
  }

  /** Handles one HLT #0xF000 (the Platform.semihost hook). */
  call(cpu: Cpu): void {
    const op = Number(cpu.x[0] & 0xffffffffn);
    const args = cpu.x[1];
    const mem = new GuestMemory(cpu);
    const ret = this.dispatch(cpu, mem, op, args);
    cpu.x[0] = BigInt.asUintN(64, ret);
  }

  private warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.host.warn(message);
  }

  private fail(errno: number): bigint {
    this.errno = errno;
    return -1n;
  }

  private handle(h: bigint): Handle | undefined {
    return h > 0n && h < BigInt(this.handles.length) ? this.handles[Number(h)] : undefined;
  }

  private alloc(h: Handle): bigint {
    let i = 1;
    while (i < this.handles.length && this.handles[i] !== undefined) i++;
    this.handles[i] = h;
    return BigInt(i);
  }

  private dispatch(cpu: Cpu, mem: GuestMemory, op: number, args: bigint): bigint {
    const arg = (n: number): bigint | undefined => mem.readU64(args + BigInt(8 * n));
    const out = this.host.console;
    switch (op) {
      case SYS.OPEN: {
        const a0 = arg(0);
        const mode = arg(1);
        if (a0 === undefined || mode === undefined || arg(2) === undefined) return this.fail(ERRNO.EFAULT);
        const nameBytes = mem.readCString(a0);
        if (nameBytes === undefined) return this.fail(ERRNO.EFAULT);
        if (mode >= 12n) return this.fail(ERRNO.EINVAL);
        const name = new TextDecoder().decode(nameBytes);
        if (name === ':tt') {
          if (mode < 4n) return this.alloc({ kind: 'tt-in' });
          return this.alloc({ kind: 'tt-out', stream: mode < 8n ? 'stdout' : 'stderr' });
        }
        if (name === ':semihosting-features') {
          if (mode > 1n) return this.fail(ERRNO.EACCES);
          return this.alloc({ kind: 'features', pos: 0 });
        }
        this.warnOnce('open', `semihosting: host file access is not enabled; SYS_OPEN("${name}") fails`);
        return this.fail(ERRNO.ENOENT);
      }
      case SYS.CLOSE: {
        const h = arg(0);
        if (h === undefined) return this.fail(ERRNO.EFAULT);
        if (this.handle(h) === undefined) return this.fail(ERRNO.EBADF);
        this.handles[Number(h)] = undefined;
        return 0n;
      }
      case SYS.WRITEC: {
        const b = mem.read8(args);
        if (b >= 0) out.putByte(this.host.consoleStream, b);
        return DEAD;
      }
      case SYS.WRITE0: {
        const s = mem.readCString(args);
        if (s !== undefined) out.putBytes(this.host.consoleStream, s);
        return DEAD;
      }
      case SYS.WRITE: {
        const h = arg(0);
        const buf = arg(1);
        const len = arg(2);
        if (h === undefined || buf === undefined || len === undefined) return this.fail(ERRNO.EFAULT);
        const f = this.handle(h);
        if (f?.kind !== 'tt-out') {
          this.errno = ERRNO.EBADF;
          return len;
        }
        const data = len <= BigInt(1 << 30) ? mem.read(buf, Number(len)) : undefined;
        if (data === undefined) {
          this.errno = ERRNO.EFAULT;
          return len;
        }
        out.putBytes(f.stream, data);
        return 0n;
      }
      case SYS.READ: {
        const h = arg(0);
        const buf = arg(1);
        const len = arg(2);
        if (h === undefined || buf === undefined || len === undefined) return this.fail(ERRNO.EFAULT);
        const f = this.handle(h);
        if (f?.kind === 'features') {
          const n = Math.min(Number(len < 16n ? len : 16n), FEATURES.length - f.pos);
          if (!mem.write(buf, FEATURES.subarray(f.pos, f.pos + n))) {
            this.errno = ERRNO.EFAULT;
            return len;
          }
          f.pos += n;
          return len - BigInt(n);
        }
        if (f?.kind === 'tt-in') {
          this.warnOnce('stdin', 'semihosting: console input is not connected; reads see end of file');
          return len;
        }
        this.errno = ERRNO.EBADF;
        return len;
      }
      case SYS.ISERROR: {
        const v = arg(0);
        if (v === undefined) return this.fail(ERRNO.EFAULT);
        return BigInt.asIntN(64, v) < 0n ? 1n : 0n;
      }
      case SYS.ISTTY: {
        const h = arg(0);
        if (h === undefined) return this.fail(ERRNO.EFAULT);
        const f = this.handle(h);
        if (f === undefined) return this.fail(ERRNO.EBADF);
        if (f.kind === 'features') {
          this.errno = ERRNO.ENOTTY;
          return 0n;
        }
        return 1n;
      }
      case SYS.SEEK: {
        const h = arg(0);
        const pos = arg(1);
        if (h === undefined || pos === undefined) return this.fail(ERRNO.EFAULT);
        const f = this.handle(h);
        if (f === undefined) return this.fail(ERRNO.EBADF);
        if (f.kind !== 'features') return this.fail(ERRNO.ESPIPE);
        if (pos > BigInt(FEATURES.length)) return this.fail(ERRNO.EINVAL);
        f.pos = Number(pos);
        return 0n;
      }
      case SYS.FLEN: {
        const h = arg(0);
        if (h === undefined) return this.fail(ERRNO.EFAULT);
        const f = this.handle(h);
        if (f === undefined) return this.fail(ERRNO.EBADF);
        return f.kind === 'features' ? BigInt(FEATURES.length) : 0n;
      }
      case SYS.CLOCK:
        return BigInt(Math.floor(this.host.nanoseconds(cpu) / 1e7));
      case SYS.TIME:
        return BigInt(Math.floor(Date.now() / 1000));
      case SYS.ERRNO:
        return BigInt(this.errno);
      case SYS.GET_CMDLINE: {
        const buf = arg(0);
        const size = arg(1);
        if (buf === undefined || size === undefined) return this.fail(ERRNO.EFAULT);
        const text = new TextEncoder().encode(this.host.cmdline());
        if (BigInt(text.length + 1) > size) return this.fail(ERRNO.E2BIG);
        if (!mem.writeU64(args + 8n, BigInt(text.length))) return this.fail(ERRNO.EFAULT);
        const z = new Uint8Array(text.length + 1);
        z.set(text);
        if (!mem.write(buf, z)) return this.fail(ERRNO.EFAULT);
        return 0n;
      }
      case SYS.HEAPINFO: {
        const block = arg(0);
        if (block === undefined) return this.fail(ERRNO.EFAULT);
        const { base, limit } = this.host.heap();
        // Heap base, heap limit, stack base, stack limit: QEMU splits the gap between heap
        // (growing up) and stack (growing down from the top of the gap).
        const values = [base, limit, limit, base];
        for (let i = 0; i < 4; i++) {
          if (!mem.writeU64(block + BigInt(8 * i), values[i])) return this.fail(ERRNO.EFAULT);
        }
        return 0n;
      }
      case SYS.EXIT:
      case SYS.EXIT_EXTENDED: {
        const reason = arg(0);
        const subcode = arg(1);
        if (reason === undefined || subcode === undefined) return this.fail(ERRNO.EFAULT);
        const code = reason === BigInt(ADP_Stopped_ApplicationExit) ? Number(subcode & 0xffffffffn) : 1;
        cpu.stop = { kind: 'exit', code };
        return cpu.x[0];
      }
      case SYS.SYNCCACHE:
        return 0n;
      case SYS.ELAPSED:
        if (!mem.writeU64(args, BigInt(this.host.nanoseconds(cpu)))) return this.fail(ERRNO.EFAULT);
        return 0n;
      case SYS.TICKFREQ:
        return 1_000_000_000n;
      default: {
        const name = NAMES[op] ?? 'unknown';
        this.warnOnce(
          `op${op}`,
          `semihosting operation 0x${op.toString(16).padStart(2, '0')} (${name}) is not supported; returning -1`,
        );
        return -1n;
      }
    }
  }
}
