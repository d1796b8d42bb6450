// Expected values: Arm "Semihosting for AArch32 and AArch64" v2.0 (operation numbers, the
// AArch64 SYS_EXIT parameter block, ADP_Stopped_ApplicationExit = 0x20026, SYS_WRITE
// returning the bytes not written, ":tt" and ":semihosting-features"), and QEMU 7.2
// semihosting/arm-compat-semi.c + guestfd.c + console.c for what the spec leaves open,
// checked on qemu-system-aarch64 7.2 -M virt -semihosting:
//   SYS_EXIT {0x20026, 259} -> host exit status 3 (259 & 0xff); {0x20023, 5} -> 1;
//   SYS_EXIT_EXTENDED {0x20026, 7} -> 7; SYS_WRITEC leaves X0 = 0xdeadbeef;
//   SYS_WRITE0 text appears on stderr; two SYS_OPEN(":tt") give handles 1 then 2;
//   SYS_WRITE to the mode-4 (write) handle appears on stdout.
import { beforeEach, describe, expect, it } from 'vitest';
import { Cpu } from '../../src/cpu/cpu.js';
import { MODELS } from '../../src/cpu/models.js';
import { Bus, MiB } from '../../src/machine/bus.js';
import { ConsoleOutput, type Stream } from '../../src/machine/output.js';
import { ADP_Stopped_ApplicationExit, DEAD, ERRNO, SYS, Semihosting } from '../../src/machine/semihosting.js';

const BASE = 0x4000_0000;
const BLOCK = BASE + 0x1000; // parameter blocks
const DATA = BASE + 0x2000; // strings and buffers

let bus: Bus;
let cpu: Cpu;
let sh: Semihosting;
let out: { stream: Stream; text: string }[];
let warnings: string[];
let console_: ConsoleOutput;

function poke64(pa: number, ...values: (number | bigint)[]): void {
  const dv = new DataView(bus.ram.buffer);
  values.forEach((v, i) => dv.setBigUint64(pa - BASE + 8 * i, BigInt(v), true));
}
function peek64(pa: number): bigint {
  return new DataView(bus.ram.buffer).getBigUint64(pa - BASE, true);
}
function pokeString(pa: number, s: string, nul = true): void {
  const b = new TextEncoder().encode(s);
  bus.ram.set(b, pa - BASE);
  if (nul) bus.ram[pa - BASE + b.length] = 0;
}
/** Performs operation `op` with X1 = `x1`; returns X0. */
function call(op: number | bigint, x1: number | bigint): bigint {
  cpu.x[0] = BigInt(op);
  cpu.x[1] = BigInt(x1);
  sh.call(cpu);
  return cpu.x[0];
}
function output(): { stream: Stream; text: string }[] {
  console_.flush();
  return out;
}

beforeEach(() => {
  bus = new Bus({ ramSize: MiB });
  cpu = new Cpu(bus, MODELS['cortex-a57'], {});
  cpu.resetTo(1, BigInt(BASE));
  out = [];
  warnings = [];
  console_ = new ConsoleOutput((stream, bytes) => out.push({ stream, text: new TextDecoder().decode(bytes) }));
  sh = new Semihosting({
    console: console_,
    consoleStream: 'stderr',
    cmdline: () => 'prog.elf -v',
    nanoseconds: () => 123_456_789,
    heap: () => ({ base: 0x4010_0000n, limit: 0x4100_0000n }),
    warn: (m) => warnings.push(m),
  });
});

describe('SYS_EXIT / SYS_EXIT_EXTENDED', () => {
  it('exits with the subcode for ADP_Stopped_ApplicationExit', () => {
    poke64(BLOCK, ADP_Stopped_ApplicationExit, 42);
    call(SYS.EXIT, BLOCK);
    expect(cpu.stop).toEqual({ kind: 'exit', code: 42 });
  });

  it('keeps the whole 32-bit subcode (the host exit status is its low 8 bits)', () => {
    poke64(BLOCK, ADP_Stopped_ApplicationExit, 259);
    call(SYS.EXIT, BLOCK);
    expect(cpu.stop).toEqual({ kind: 'exit', code: 259 });
  });

  it('exits with status 1 for any other reason', () => {
    poke64(BLOCK, 0x20023 /* ADP_Stopped_RunTimeErrorUnknown */, 5);
    call(SYS.EXIT, BLOCK);
    expect(cpu.stop).toEqual({ kind: 'exit', code: 1 });
  });

  it('takes the same block for SYS_EXIT_EXTENDED', () => {
    poke64(BLOCK, ADP_Stopped_ApplicationExit, 7);
    call(SYS.EXIT_EXTENDED, BLOCK);
    expect(cpu.stop).toEqual({ kind: 'exit', code: 7 });
  });

  it('returns -1 (EFAULT) and carries on when the block cannot be read', () => {
    expect(call(SYS.EXIT, 0x100)).toBe(0xffff_ffff_ffff_ffffn);
    expect(cpu.stop).toBeNull();
    expect(call(SYS.ERRNO, 0)).toBe(BigInt(ERRNO.EFAULT));
  });
});

describe('console output', () => {
  it('SYS_WRITEC writes the byte X1 points to, to the semihosting console; X0 is corrupted', () => {
    pokeString(DATA, 'Z', false);
    expect(call(SYS.WRITEC, DATA)).toBe(DEAD);
    expect(output()).toEqual([{ stream: 'stderr', text: 'Z' }]);
  });

  it('SYS_WRITE0 writes a NUL-terminated string', () => {
    pokeString(DATA, 'hello\n');
    expect(call(SYS.WRITE0, DATA)).toBe(DEAD);
    expect(output()).toEqual([{ stream: 'stderr', text: 'hello\n' }]);
  });

  it('writes nothing for an unreadable string', () => {
    call(SYS.WRITE0, 0x10);
    expect(output()).toEqual([]);
  });

  it('never reads a device: a string pointer into MMIO is unreadable (DESIGN.md, host boundary)', () => {
    let reads = 0;
    bus.map(0x0900_0000, 0x1000, { name: 'probe', read: () => (reads++, 0x41), write: () => {} });
    call(SYS.WRITE0, 0x0900_0000);
    call(SYS.WRITEC, 0x0900_0000);
    expect(output()).toEqual([]);
    expect(reads).toBe(0);
  });

  it('answers a SYS_WRITE that runs off the end of RAM with EFAULT, writing nothing', () => {
    pokeString(DATA + 0x800, ':tt');
    poke64(BLOCK, DATA + 0x800, 4, 3);
    const h = call(SYS.OPEN, BLOCK);
    poke64(BLOCK, h, DATA, 0x3fff_ffff);
    expect(call(SYS.WRITE, BLOCK)).toBe(0x3fff_ffffn); // the whole length not written
    expect(call(SYS.ERRNO, 0)).toBe(BigInt(ERRNO.EFAULT));
    expect(output()).toEqual([]);
  });
});

describe(':tt handles and SYS_WRITE', () => {
  function open(name: string, mode: number): bigint {
    pokeString(DATA + 0x800, name);
    poke64(BLOCK, DATA + 0x800, mode, name.length);
    return call(SYS.OPEN, BLOCK);
  }

  it('numbers handles from 1 and maps read/write/append to stdin/stdout/stderr', () => {
    const w = open(':tt', 4);
    const a = open(':tt', 8);
    const r = open(':tt', 0);
    expect([w, a, r]).toEqual([1n, 2n, 3n]);
    pokeString(DATA, 'to stdout');
    poke64(BLOCK, w, DATA, 9);
    expect(call(SYS.WRITE, BLOCK)).toBe(0n); // all written
    pokeString(DATA, 'to stderr');
    poke64(BLOCK, a, DATA, 9);
    expect(call(SYS.WRITE, BLOCK)).toBe(0n);
    expect(output()).toEqual([
      { stream: 'stdout', text: 'to stdout' },
      { stream: 'stderr', text: 'to stderr' },
    ]);
  });

  it('reuses closed handles and rejects bad ones', () => {
    expect(open(':tt', 4)).toBe(1n);
    expect(open(':tt', 4)).toBe(2n);
    poke64(BLOCK, 1);
    expect(call(SYS.CLOSE, BLOCK)).toBe(0n);
    expect(call(SYS.CLOSE, BLOCK)).toBe(0xffff_ffff_ffff_ffffn);
    expect(open(':tt', 4)).toBe(1n);
  });

  it('returns the whole length when nothing could be written', () => {
    poke64(BLOCK, 9, DATA, 5); // handle 9 was never opened
    expect(call(SYS.WRITE, BLOCK)).toBe(5n);
    expect(call(SYS.ERRNO, 0)).toBe(BigInt(ERRNO.EBADF));
    const h = open(':tt', 4);
    poke64(BLOCK, h, 0x10, 5); // unreadable buffer
    expect(call(SYS.WRITE, BLOCK)).toBe(5n);
  });

  it('fails opens with a bad mode, and of host files (file access is off)', () => {
    expect(open(':tt', 12)).toBe(0xffff_ffff_ffff_ffffn);
    expect(call(SYS.ERRNO, 0)).toBe(BigInt(ERRNO.EINVAL));
    expect(open('/etc/passwd', 0)).toBe(0xffff_ffff_ffff_ffffn);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/host file access is not enabled/);
  });

  it('reports :tt handles as terminals', () => {
    const h = open(':tt', 4);
    poke64(BLOCK, h);
    expect(call(SYS.ISTTY, BLOCK)).toBe(1n);
  });

  it('serves :semihosting-features: SHFB magic, EXIT_EXTENDED and STDOUT_STDERR', () => {
    const h = open(':semihosting-features', 0);
    poke64(BLOCK, h);
    expect(call(SYS.FLEN, BLOCK)).toBe(5n);
    poke64(BLOCK, h, DATA, 8);
    expect(call(SYS.READ, BLOCK)).toBe(3n); // 8 asked, 5 read
    expect([...bus.ram.subarray(DATA - BASE, DATA - BASE + 5)]).toEqual([0x53, 0x48, 0x46, 0x42, 0x03]);
    expect(open(':semihosting-features', 4)).toBe(0xffff_ffff_ffff_ffffn);
  });
});

describe('other operations', () => {
  it('SYS_ISERROR tells negative values', () => {
    poke64(BLOCK, -1n & 0xffff_ffff_ffff_ffffn);
    expect(call(SYS.ISERROR, BLOCK)).toBe(1n);
    poke64(BLOCK, 3);
    expect(call(SYS.ISERROR, BLOCK)).toBe(0n);
  });

  it('SYS_HEAPINFO writes heap base/limit and stack base/limit', () => {
    poke64(BLOCK, DATA);
    expect(call(SYS.HEAPINFO, BLOCK)).toBe(0n);
    expect([peek64(DATA), peek64(DATA + 8), peek64(DATA + 16), peek64(DATA + 24)]).toEqual([
      0x4010_0000n,
      0x4100_0000n,
      0x4100_0000n,
      0x4010_0000n,
    ]);
  });

  it('SYS_GET_CMDLINE copies the command line and its length', () => {
    poke64(BLOCK, DATA, 64);
    expect(call(SYS.GET_CMDLINE, BLOCK)).toBe(0n);
    expect(peek64(BLOCK + 8)).toBe(11n);
    expect(new TextDecoder().decode(bus.ram.subarray(DATA - BASE, DATA - BASE + 12))).toBe('prog.elf -v\0');
    poke64(BLOCK, DATA, 4);
    expect(call(SYS.GET_CMDLINE, BLOCK)).toBe(0xffff_ffff_ffff_ffffn);
  });

  it('counts time in virtual nanoseconds', () => {
    expect(call(SYS.TICKFREQ, 0)).toBe(1_000_000_000n);
    expect(call(SYS.ELAPSED, BLOCK)).toBe(0n);
    expect(peek64(BLOCK)).toBe(123_456_789n);
    expect(call(SYS.CLOCK, 0)).toBe(12n); // centiseconds
  });

  it('answers -1 to unsupported operations, warning once per operation', () => {
    expect(call(0x7f, 0)).toBe(0xffff_ffff_ffff_ffffn);
    expect(call(0x7f, 0)).toBe(0xffff_ffff_ffff_ffffn);
    expect(call(SYS.SYSTEM, BLOCK)).toBe(0xffff_ffff_ffff_ffffn);
    expect(warnings).toEqual([
      'semihosting operation 0x7f (unknown) is not supported; returning -1',
      'semihosting operation 0x12 (SYS_SYSTEM) is not supported; returning -1',
    ]);
  });

  it('reads the operation number from W0 only', () => {
    poke64(BLOCK, ADP_Stopped_ApplicationExit, 9);
    call(0xffff_ffff_0000_0018n, BLOCK);
    expect(cpu.stop).toEqual({ kind: 'exit', code: 9 });
  });
});
