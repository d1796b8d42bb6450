// The `virt` board, compatible with QEMU's `-M virt` as far as it is built: RAM at
// 0x4000_0000, a PL011 UART at 0x0900_0000, Arm semihosting (HLT #0xF000), PSCI through HVC,
// and a system counter at 62.5 MHz in deterministic virtual time (one instruction per
// nanosecond, as QEMU's -icount shift=0). One CPU, reset into the highest implemented EL
// for ELF images and into EL2 or EL1 for raw (Linux-style) images, as QEMU's boot code.
//
// Not there yet: GIC, generic timer interrupts, RTC, virtio-mmio, a device tree (raw
// images get X0 = 0 where QEMU passes the DTB address), more than one CPU.

import { readFileSync } from 'node:fs';
import { Cpu, type Platform } from '../cpu/cpu.js';
import { DEFAULT_MODEL, MODELS, modelForEl, type StartEl } from '../cpu/models.js';
import { InternalError, Runner } from '../cpu/run.js';
import { Bus, MiB } from './bus.js';
import { copyImage, largestGap, parseImage, type Image } from './loader.js';
import { ConsoleOutput, type OutputSink, type Stream } from './output.js';
import { PL011_BASE, PL011_SIZE, Pl011 } from './pl011.js';
import { Psci, type Conduit } from './psci.js';
import { Semihosting } from './semihosting.js';
import { StateError, applyState, readState, writeState, type MachineState, type StateBoard } from './snapshot.js';
import pkg from '../../package.json';

export const VIRT_RAM_BASE = 0x4000_0000;
export const DEFAULT_RAM_SIZE = 512 * MiB;
/** RAM must end at or below 4 GiB (the CPU's fast paths take 32-bit physical addresses). */
export const MAX_RAM_SIZE = 0x1_0000_0000 - VIRT_RAM_BASE;
/** CNTFRQ_EL0: QEMU's generic timer runs at 62.5 MHz (NANOSECONDS_PER_SECOND / 16). */
export const COUNTER_FREQUENCY = 62_500_000;

/**
 * QEMU 7.2's PSCI conduit on virt with -kernel: SMC with EL2 (virtualization=on), else HVC
 * (hw/arm/virt.c; PSCI is off only with secure=on and firmware from -bios/pflash, which
 * a64emu does not load), then turned off when it targets the EL the guest starts at or a
 * lower one: HVC when entering at EL2 or EL3, SMC when entering at EL3 (hw/arm/boot.c).
 * So: `--el 1` HVC; `--el 2` SMC; `--el 3` none for an ELF (it starts at EL3: firmware's
 * job), HVC for a raw Linux image (entered at EL1). Checked with qemu-system-aarch64 7.2.
 */
export function psciConduitFor(hasEl2: boolean, entryEl: number): Conduit | null {
  const conduit: Conduit = hasEl2 ? 'smc' : 'hvc';
  if ((conduit === 'hvc' && entryEl >= 2) || (conduit === 'smc' && entryEl === 3)) return null;
  return conduit;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export interface VirtOptions {
  /** CPU model name (see MODELS); default cortex-a57. */
  cpu?: string;
  /** RAM size in bytes; default 512 MiB. */
  memory?: number;
  /** Console bytes (UART on stdout, semihosting console on semihostConsole). */
  output?: OutputSink;
  /** Stream for SYS_WRITEC/SYS_WRITE0; default stderr, as QEMU without a semihosting chardev. */
  semihostConsole?: Stream;
  /**
   * The start mode, as QEMU's virt board: 1 (default: EL1 highest), 2 (virtualization=on:
   * EL2), 3 (secure=on: EL3, without EL2, as QEMU 7.2).
   */
  el?: StartEl;
  /**
   * With `el: 3`, implement EL2 as well (QEMU's secure=on,virtualization=on); implied by
   * `el: 2`, and refused with `el: 1` (QEMU's virtualization=on alone starts at EL2: `el: 2`).
   */
  el2?: boolean;
  /** PSCI conduit; default as QEMU 7.2 for the start mode and image (psciConduitFor). */
  psciConduit?: Conduit;
  /** On a guest reset request, restart the image (QEMU's default); false: stop (-no-reboot). */
  reboot?: boolean;
  /** Warnings from the board; default: to the console's stderr. */
  warn?: (message: string) => void;
  /** The command line semihosting reports; default: the image's name. */
  cmdline?: string;
  /** Called between run slices; may return a promise (e.g. to wait for stdout to drain). */
  betweenSlices?: () => void | Promise<void>;
  /**
   * Virtual time per instruction, as QEMU's -icount shift=N: 2^N ns (default 0, 1 ns). The
   * counter, the timers and semihosting's clocks derive from it.
   */
  icountShift?: number;
}

/** QEMU's largest -icount shift (MAX_ICOUNT_SHIFT). */
export const MAX_ICOUNT_SHIFT = 10;

export type MachineStop =
  | { kind: 'exit'; code: number }
  | { kind: 'poweroff' }
  | { kind: 'reset' }
  | { kind: 'cpu-off' }
  | { kind: 'limit' }
  | { kind: 'interrupted' }
  | { kind: 'saved' }
  | { kind: 'internal'; message: string; pc: bigint; insn: number | undefined; error: unknown };

export interface RunResult {
  readonly stop: MachineStop;
  /** Instructions retired by this run call (across reboots). */
  readonly instructions: number;
  /** Steps taken: instructions retired plus instructions that faulted (what maxInsns counts). */
  readonly steps: number;
  /** Guest-requested reboots performed during this run call. */
  readonly resets: number;
}

export interface RunOptions {
  /**
   * Stop with {kind:'limit'} after this many steps (default: no limit). A step is an
   * instruction retired or an instruction that faulted, so an exception loop still stops.
   */
  maxInsns?: number;
  /** Sees the steps of a window one at a time (traces: src/debug/trace.ts). */
  observer?: StepObserver;
  /** Saving the state during the run (a64emu run --save-state). */
  save?: SavePoints;
}

/**
 * When a run saves its state: `at` an instruction count (`VirtMachine.instructions`, exactly),
 * and at the next slice boundary after `requestSave()`. `write` gets the state file's bytes
 * and returns whether the run goes on; when it does not, the run stops with {kind:'saved'}.
 */
export interface SavePoints {
  at?: number;
  write(state: Uint8Array, reason: 'at' | 'request', instructions: number): boolean;
}

/**
 * Watches steps `from` to `from + count - 1` of a run call (0-based, counted as maxInsns
 * counts). The machine runs those steps one at a time and calls beforeStep/afterStep
 * around each; outside the window it runs at full speed. `count` is read before every
 * observed step, so an observer can end its window early (it stops at once).
 */
export interface StepObserver {
  readonly from: number;
  readonly count: number;
  beforeStep(step: number): void;
  /** Also called when the step ended in an internal error. */
  afterStep(step: number): void;
}

/**
 * Instructions per slice: the first guess, small so that the caller's timers and I/O get a
 * turn early (fuzz runs QEMU's child process alongside); later slices aim at SLICE_MS each.
 */
const FIRST_SLICE = 100_000;
const SLICE_MS = 25;
/** Steps per slice while an observer watches each one. */
const OBSERVED_SLICE = 10_000;

export class VirtMachine {
  readonly bus: Bus;
  readonly cpu: Cpu;
  readonly uart: Pl011;
  readonly psci: Psci;
  readonly semihosting: Semihosting;
  readonly console: ConsoleOutput;
  private readonly runner: Runner;
  private readonly reboot: boolean;
  private readonly warnFn: (message: string) => void;
  private readonly betweenSlices?: () => void | Promise<void>;
  private image: Image | undefined;
  private imageName = '';
  private cmdline: string | undefined;
  /** Virtual time (instructions) retired before the CPU's last reset. */
  private timeBase = 0;
  private stopRequested = false;
  private saveRequested = false;
  /** The board options a state file records (and must match to load). */
  readonly board: StateBoard;
  /** The image file's bytes and load address, kept for state files. */
  private imageBytes: Uint8Array = new Uint8Array(0);
  private loadAddr: number | undefined;
  private readonly shift: number;
  /** The PSCI conduit given in the options, if any (else chosen at each reset). */
  private readonly fixedConduit: Conduit | undefined;

  constructor(opts: VirtOptions = {}) {
    const modelName = opts.cpu ?? DEFAULT_MODEL;
    const base = MODELS[modelName];
    if (base === undefined) {
      throw new ConfigError(`unknown CPU model '${modelName}' (known: ${Object.keys(MODELS).join(', ')})`);
    }
    const el = opts.el ?? 1;
    if (el !== 1 && el !== 2 && el !== 3) throw new ConfigError(`the start EL must be 1, 2 or 3 (got ${String(el)})`);
    if (opts.el2 === true && el === 1) {
      throw new ConfigError('EL2 without EL3 is start mode 2 (QEMU virtualization=on starts at EL2): use --el 2');
    }
    const model = modelForEl(base, el, { el2: opts.el2 === true });
    const memory = opts.memory ?? DEFAULT_RAM_SIZE;
    const shift = opts.icountShift ?? 0;
    if (!Number.isInteger(shift) || shift < 0 || shift > MAX_ICOUNT_SHIFT) {
      throw new ConfigError(`the icount shift must be 0 to ${MAX_ICOUNT_SHIFT} (got ${String(shift)})`);
    }
    this.shift = shift;
    this.board = { cpu: modelName, el, el2: el === 2 || opts.el2 === true, memory, icountShift: shift, psciConduit: opts.psciConduit ?? null };
    if (!Number.isSafeInteger(memory) || memory <= 0 || memory % 4096 !== 0) {
      throw new ConfigError(`memory size must be a positive multiple of 4 KiB (got ${memory})`);
    }
    if (memory > MAX_RAM_SIZE) {
      throw new ConfigError(`memory size ${memory / MiB} MiB is too large: at most ${MAX_RAM_SIZE / MiB} MiB (RAM must end below 4 GiB)`);
    }
    const output: OutputSink =
      opts.output ?? ((stream, bytes) => (stream === 'stdout' ? process.stdout : process.stderr).write(bytes));
    this.console = new ConsoleOutput(output);
    this.warnFn = opts.warn ?? ((m) => this.console.putText('stderr', `a64emu: warning: ${m}\n`));
    this.reboot = opts.reboot ?? true;
    this.betweenSlices = opts.betweenSlices;
    this.cmdline = opts.cmdline;

    try {
      this.bus = new Bus({ ramBase: VIRT_RAM_BASE, ramSize: memory });
    } catch (e) {
      if (e instanceof RangeError) throw new ConfigError(`cannot allocate ${memory / MiB} MiB of guest RAM: ${e.message}`);
      throw e;
    }
    this.uart = new Pl011({ tx: (b) => this.console.putByte('stdout', b) });
    this.bus.map(PL011_BASE, PL011_SIZE, this.uart);
    this.fixedConduit = opts.psciConduit;
    this.psci = new Psci(opts.psciConduit ?? null);
    this.semihosting = new Semihosting({
      console: this.console,
      consoleStream: opts.semihostConsole ?? 'stderr',
      cmdline: () => this.cmdline ?? this.imageName,
      nanoseconds: (cpu) => (this.timeBase + cpu.icount) * 2 ** this.shift,
      heap: () => {
        const g = largestGap(this.image, { base: this.bus.ramBase, size: this.bus.ramSize });
        return { base: BigInt(g.base), limit: BigInt(g.limit) };
      },
      warn: (m) => this.warnFn(m),
    });
    const platform: Platform = {
      semihost: (cpu) => this.semihosting.call(cpu),
      firmwareCall: (cpu, conduit, imm) => this.psci.call(cpu, conduit, imm),
      // 62.5 MHz: one tick per 16 ns of virtual time.
      counter: (_cpu, icount) => (BigInt(this.timeBase + icount) << BigInt(this.shift)) / 16n,
      counterFrequency: COUNTER_FREQUENCY,
      icountShift: shift,
      warn: (m) => this.warnFn(m),
    };
    this.cpu = new Cpu(this.bus, model, platform);
    this.runner = new Runner(this.cpu);
  }

  /** The loaded image (after load). */
  get loaded(): Image | undefined {
    return this.image;
  }

  /**
   * Loads an ELF or raw image (a path, or the file's bytes) and resets the CPU to its entry.
   * Throws LoadError for a bad image (and the fs error for an unreadable path).
   */
  load(source: string | Uint8Array, opts: { loadAddr?: number; name?: string } = {}): Image {
    const bytes = typeof source === 'string' ? new Uint8Array(readFileSync(source)) : source;
    const image = parseImage(bytes, { base: this.bus.ramBase, size: this.bus.ramSize }, opts);
    this.image = image;
    this.imageBytes = bytes;
    this.loadAddr = opts.loadAddr;
    this.imageName = opts.name ?? (typeof source === 'string' ? source : '');
    this.resetMachine();
    return image;
  }

  /** Offers bytes to the UART's receiver (host stdin). */
  pushInput(bytes: ArrayLike<number>): void {
    this.uart.pushInput(bytes);
  }

  /** Instructions retired since power-on, across guest resets (the virtual clock's count). */
  get instructions(): number {
    return this.timeBase + this.cpu.icount;
  }

  /** The machine's state as a state file (docs/snapshot.md); between run slices only. */
  saveState(): Uint8Array {
    if (this.image === undefined) throw new ConfigError('no image loaded');
    this.console.flush();
    const header = {
      writer: `a64emu ${pkg.version}`,
      board: this.board,
      image: { name: this.imageName, loadAddr: this.loadAddr ?? null },
      instructions: this.instructions,
      pc: `0x${this.cpu.pc.toString(16).padStart(16, '0')}`,
    };
    return writeState(this, header, this.imageBytes, this.timeBase);
  }

  /**
   * Continues from a state file: the machine must have been built with the file's board
   * options (readState(bytes).header.board). Throws StateError for a bad or mismatched file:
   * checksums and board before the machine is touched; the cpreg list rule and malformed
   * contents (docs/snapshot.md) while loading, after which the machine must not be run.
   */
  loadState(state: Uint8Array | MachineState): void {
    const s = state instanceof Uint8Array ? readState(state) : state;
    const mismatch = boardMismatch(s.header.board, this.board);
    if (mismatch !== undefined) throw new StateError(`the state was saved on another board: ${mismatch}`);
    const ramIsZero = this.image === undefined; // never loaded: RAM is as allocated
    let image: Image;
    try {
      image = parseImage(s.image, { base: this.bus.ramBase, size: this.bus.ramSize }, { loadAddr: s.header.image.loadAddr ?? undefined });
    } catch (e) {
      throw new StateError(`the image in the state file does not load: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.image = image;
    this.imageBytes = s.image;
    this.loadAddr = s.header.image.loadAddr ?? undefined;
    this.imageName = s.header.image.name;
    this.timeBase = s.devices.timeBase;
    applyState(this, s, ramIsZero);
  }

  /** Asks a running `run` to save its state at the next slice boundary (SIGUSR1). */
  requestSave(): void {
    this.saveRequested = true;
  }

  /** Asks a running `run` to return {kind:'interrupted'} at the next slice boundary. */
  requestStop(): void {
    this.stopRequested = true;
  }

  /** The exception level a reset enters for the current image. */
  private entryEl(): number {
    const f = this.cpu.model.features;
    if (this.image?.format === 'raw') return f.EL2 ? 2 : 1; // Linux boot protocol
    return this.cpu.highestEl;
  }

  /** Power-on/reset: devices reset, image copied again, CPU at the entry point. */
  private resetMachine(): void {
    const image = this.image;
    if (image === undefined) throw new ConfigError('no image loaded');
    this.timeBase += this.cpu.icount;
    this.bus.resetDevices();
    copyImage(image, this.bus.ram, this.bus.ramBase);
    const el = this.entryEl();
    this.psci.conduit = this.fixedConduit ?? psciConduitFor(this.cpu.model.features.EL2, el);
    this.cpu.resetTo(el, image.entry);
  }

  /** Runs until the guest stops, the instruction limit, or requestStop(). */
  async run(opts: RunOptions = {}): Promise<RunResult> {
    if (this.image === undefined) throw new ConfigError('no image loaded');
    const limit = opts.maxInsns ?? Infinity;
    const obs = opts.observer;
    let executed = 0;
    let retired = 0;
    let resets = 0;
    let slice = FIRST_SLICE;
    this.stopRequested = false;
    const cpu = this.cpu;
    const result = (stop: MachineStop): RunResult => {
      this.console.flush();
      return { stop, instructions: retired, steps: executed, resets };
    };
    const save = opts.save;
    let saveAt = save?.at;
    for (;;) {
      if (saveAt !== undefined && this.instructions >= saveAt) {
        saveAt = undefined;
        if (!save!.write(this.saveState(), 'at', this.instructions)) return result({ kind: 'saved' });
      }
      let budget = Math.min(slice, limit - executed);
      // Steps >= instructions retired, so this never runs past the save point.
      if (saveAt !== undefined) budget = Math.min(budget, saveAt - this.instructions);
      let observed = false;
      if (obs !== undefined && executed < obs.from + obs.count) {
        if (executed < obs.from) budget = Math.min(budget, obs.from - executed);
        else {
          observed = true;
          budget = Math.min(budget, obs.from + obs.count - executed, OBSERVED_SLICE);
        }
      }
      const t0 = performance.now();
      const before = cpu.icount;
      try {
        executed += observed ? this.runObserved(budget, executed, obs!) : this.runner.run(budget);
      } catch (e) {
        executed += observed ? this.observedBeforeError : this.runner.stepsBeforeError; // up to the step that failed
        retired += cpu.icount - before;
        return result(internalStop(e, cpu));
      }
      retired += cpu.icount - before;
      const dt = performance.now() - t0;
      const stop = cpu.stop;
      if (stop !== null) {
        cpu.stop = null;
        if (stop.kind === 'reset' && this.reboot) {
          this.psci.effect = 'none';
          resets++;
          this.resetMachine();
        } else if (stop.kind === 'poweroff' && this.psci.effect === 'cpu-off') {
          this.psci.effect = 'none';
          return result({ kind: 'cpu-off' });
        } else {
          this.psci.effect = 'none';
          return result(stop);
        }
      }
      if (saveAt !== undefined && this.instructions >= saveAt) continue; // save before the limit check
      if (executed >= limit) return result({ kind: 'limit' });
      // Aim each slice at SLICE_MS of host time so input and output stay responsive.
      if (dt > 0 && budget === slice && !observed) {
        slice = Math.max(100_000, Math.min(50_000_000, Math.round((slice * SLICE_MS) / dt)));
      }
      this.console.flush();
      await this.betweenSlices?.();
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.stopRequested) return result({ kind: 'interrupted' });
      if (this.saveRequested && save !== undefined) {
        this.saveRequested = false;
        if (!save.write(this.saveState(), 'request', this.instructions)) return result({ kind: 'saved' });
      }
    }
  }

  /** After runObserved threw: the steps it completed before the failing one. */
  private observedBeforeError = 0;

  /**
   * Runs up to `budget` steps one at a time, numbered from `first`, around obs's calls;
   * stops as soon as the observer's window ends (it may shrink it in a call).
   */
  private runObserved(budget: number, first: number, obs: StepObserver): number {
    const cpu = this.cpu;
    let n = 0;
    while (n < budget && first + n < obs.from + obs.count && cpu.stop === null) {
      const step = first + n;
      obs.beforeStep(step);
      try {
        n += this.runner.run(1);
      } catch (e) {
        this.observedBeforeError = n;
        throw e;
      } finally {
        obs.afterStep(step);
      }
    }
    return n;
  }
}

/** The first board option that differs between a state file and a board, described; undefined if none. */
export function boardMismatch(file: StateBoard, board: StateBoard): string | undefined {
  if (file.cpu !== board.cpu) return `CPU model ${file.cpu} in the file, ${board.cpu} here`;
  if (file.el !== board.el || file.el2 !== board.el2) {
    const mode = (b: StateBoard): string => `start mode --el ${b.el}${b.el2 && b.el === 3 ? ' --virtualization' : ''}`;
    return `${mode(file)} in the file, ${mode(board)} here`;
  }
  if (file.memory !== board.memory) return `${file.memory / MiB} MiB of RAM in the file, ${board.memory / MiB} MiB here`;
  if (file.icountShift !== board.icountShift) return `--icount shift=${file.icountShift} in the file, shift=${board.icountShift} here`;
  if (file.psciConduit !== board.psciConduit) return `PSCI conduit ${file.psciConduit ?? 'default'} in the file, ${board.psciConduit ?? 'default'} here`;
  return undefined;
}

function internalStop(e: unknown, cpu: Cpu): MachineStop {
  if (e instanceof InternalError) {
    return { kind: 'internal', message: e.message, pc: e.guestPc, insn: e.insn, error: e };
  }
  const message = e instanceof Error ? e.message : String(e);
  return { kind: 'internal', message, pc: cpu.pc, insn: undefined, error: e };
}
