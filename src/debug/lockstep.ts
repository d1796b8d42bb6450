// Lockstep: run one image on a64emu and on QEMU (through its gdb stub) and find the first
// step after which their registers differ: x0..x30, SP, PC, NZCV and, when FP is on, V0..V31.
//
// How (fast, and exact at the end):
//   - a64emu runs ahead of QEMU, one step at a time (a VirtMachine StepObserver), and
//     records the PC after every step and the full register state after every step since
//     the last checkpoint; PCs more than KEEP_PCS steps before the last checkpoint are
//     only counted (per PC), so memory does not grow with the run (History);
//   - QEMU is moved from the last checkpoint s to a new checkpoint b <= s + K by the cheaper
//     of: K single steps, or a breakpoint at the PC a64emu had after step b, continued as
//     many times as that PC occurs in (s, b] (planHop picks b and the method from the
//     measured costs of the stub's packets); then QEMU's registers are read and compared
//     with a64emu's recorded state after step b;
//   - when a checkpoint differs, QEMU is started again, brought to s (a breakpoint at a PC
//     near s, continued as often as the counts say, then over the kept PCs) and
//     single-stepped from s, comparing after every step: the first step that differs is
//     reported. --from is reached the same way (a64emu still single-steps up to it).
// A step is what --max-insns counts: an instruction retired, or one that faulted (its
// exception taken: the PC is then at the vector). QEMU's single step agrees, for SVC, HVC,
// BRK, UDF, aborts, PC alignment faults and HLT semihosting (tests/debug/lockstep.test.ts);
// a WFI with nothing to wake the CPU never finishes on QEMU: after 1 s it gets a ^C and is
// reported. The image ending at the same step on both sides is agreement (semihosting
// SYS_EXIT: QEMU's stub sends W; PSCI SYSTEM_OFF: it reports the HVC's step, then exits
// without W); on one side only, or with another status, a divergence.
//
// Checkpoints see the registers only every K steps, so a difference that is gone again by
// the next checkpoint (a flag overwritten, a value only stored to memory) is missed, or
// found later; --every 1 compares after every step. A breakpoint hop does not count QEMU's
// steps: an exception taken on one side only, whose handler returns to the same general
// registers, would reach the same PC with equal registers. So the exception registers
// ELR/SPSR/ESR/FAR_EL1..3 that QEMU's stub exposes (its sys.regs feature, 'p' reads, about
// 0.05 ms each) are compared too: the entry leaves them changed until a later exception to
// that EL overwrites them, and bisecting then single-steps to the step where the paths split.
//
// QEMU runs with -icount shift=0,sleep=off, so its generic counter is virtual time derived
// from the instruction count alone, as a64emu's (docs/ARCHITECTURE.md, "Timekeeping"). With
// sleep on (QEMU's default) the time QEMU spends stopped under the stub leaks into
// CNTVCT_EL0 and intmix's first counter read differs. -serial null discards QEMU's UART (the
// caller's a64emu board should discard its output too).

import { Slot, lo } from '../cpu/state.js';
import type { MachineStop, StepObserver, VirtMachine } from '../machine/virt.js';
import { GdbError, type GdbRemote, type StopReply } from './gdbremote.js';
import { QemuProcess, QemuStartError, type QemuLaunch } from './lockstep_qemu.js';
import {
  EXC_LANES,
  LANES,
  V_LANES,
  checkCoreXml,
  copyCpuExc,
  copyCpuLanes,
  excMask,
  excRegnums,
  cpuState,
  differing,
  pcOf,
  sameGprs,
  stateFromG,
  type RegState,
} from './lockstep_state.js';

export interface LockstepOptions {
  /** a64emu's board, fresh, with the image loaded: lockstep runs it (its output should go nowhere). */
  machine: VirtMachine;
  qemu: QemuLaunch;
  /** Compare this many steps (default: until the image ends). */
  maxInsns?: number;
  /** Bring both sides to this step before comparing (default 0). */
  from?: number;
  /** The longest stretch between two comparisons (default 1000). */
  every?: number;
  /**
   * Compare V0..V31 too. The hook for FP/SIMD (issue 8): a64emu has no FP yet, so callers
   * pass false; when FP lands, pass true when the guest has FP enabled (CPACR_EL1.FPEN).
   */
  fp?: boolean;
  /** Raw images: QEMU first runs its boot code up to this address (a64emu starts there). */
  qemuEntry?: bigint;
  /** Milliseconds to wait for any one reply to a continue before QEMU counts as lost (default 10 s). */
  contTimeoutMs?: number;
  /**
   * A second a64emu board like `machine` (fresh, the same image and options), run at full
   * speed (compiled, multi-instruction blocks) to every checkpoint that matched QEMU and
   * compared there with the single-stepped `machine`: a difference is 'emu-inconsistent'.
   */
  fullSpeed?: VirtMachine;
  /** Called after each checkpoint that matched. */
  onProgress?: (step: number) => void;
}

export type SideView = { state: RegState; ended: null } | { state: RegState | null; ended: string };

export interface LockstepStats {
  checkpoints: number;
  qemuSteps: number;
  qemuConts: number;
  qemuLaunches: number;
}

export type LockstepResult =
  | { kind: 'agree'; steps: number; why: 'limit' | 'ended'; ended?: string; stats: LockstepStats }
  | {
      kind: 'diverged';
      /** The step (0-based, as traces count) of the first instruction after which the sides differ; -1: before any. */
      step: number;
      emu: SideView;
      qemu: SideView;
      differing: string[];
      note?: string;
      stats: LockstepStats;
    }
  | { kind: 'emu-error'; step: number; message: string; stats: LockstepStats }
  | {
      /** a64emu at full speed differs from a64emu single-stepped (which QEMU agreed with up to `from`). */
      kind: 'emu-inconsistent';
      /** Steps done when both last agreed, and when they differ. */
      from: number;
      to: number;
      stepped: SideView;
      fast: SideView;
      differing: string[];
      stats: LockstepStats;
    };

/** Options that cannot work for this image (the CLI's exit status 2). */
export class LockstepInputError extends Error {
  override name = 'LockstepInputError';
}

// ---- history of a64emu's run ------------------------------------------------------------

/** PCs kept before the last checkpoint (and before --from), for crossing long stretches. */
export const KEEP_PCS = 100_000;

/**
 * a64emu's run: the PCs after the steps from `start` on (index = steps done), the PCs before
 * `start` only as counts (how often each occurred, and which ever followed themselves), and
 * the full states since `base`. The PC window keeps about KEEP_PCS steps before the last
 * checkpoint (`base`), so its size does not grow with the run.
 */
export class History {
  /** win[k]: the PC after step start + k. */
  win = new Float64Array(1 << 16);
  start = 0;
  /** Entries recorded: steps recorded + 1 (index 0 is the state before the first step). */
  n = 0;
  base = 0;
  /** The PC before the first step. */
  pc0 = 0;
  /** Occurrences of each PC after steps 1..start - 1. */
  readonly counts = new Map<number, number>();
  /** PCs that occurred after two consecutive steps before `start` (a branch to itself). */
  readonly repeats = new Set<number>();
  lanes = new Int32Array(LANES * 1024);
  cpsr = new Int32Array(1024);
  v: Int32Array | null;
  /** The exception registers after each step, masked to those QEMU exposes (excMask). */
  exc = new Int32Array(EXC_LANES * 1024);
  excMask: Int32Array = new Int32Array(EXC_LANES);

  constructor(
    private readonly fp: boolean,
    private readonly keep = KEEP_PCS,
  ) {
    this.v = fp ? new Int32Array(V_LANES * 1024) : null;
  }

  /** Records the state after step n (or the initial state, n = 0). */
  record(m: VirtMachine): void {
    const cpu = m.cpu;
    const k = this.n - this.base;
    if (k >= 0) {
      if (k >= this.cpsr.length) this.grow(k + 1);
      copyCpuLanes(cpu, this.lanes, k * LANES);
      this.cpsr[k] = cpu.spsrBits;
      copyCpuExc(cpu, this.excMask, this.exc, k * EXC_LANES);
      if (this.v) this.v.set(cpu.r.subarray(lo(Slot.V0), lo(Slot.V0) + V_LANES), k * V_LANES);
      this.pushPc(pcOf(this.lanes, k * LANES));
    } else {
      const r = cpu.r;
      this.pushPc((r[lo(Slot.PC) + 1] >>> 0) * 0x1_0000_0000 + (r[lo(Slot.PC)] >>> 0));
    }
  }

  /** Appends the PC after the next step. */
  pushPc(pc: number): void {
    if (this.n - this.start === this.win.length) this.makeRoom();
    if (this.n === 0) this.pc0 = pc;
    this.win[this.n - this.start] = pc;
    this.n++;
  }

  /** The PC after step j (j >= start). */
  pc(j: number): number {
    return this.win[j - this.start];
  }

  /** Folds the PCs older than `keep` before base (or before the newest) into the counts, or grows. */
  private makeRoom(): void {
    const to = Math.min(this.base, this.n - this.keep);
    if (to - this.start < this.win.length / 4) {
      const w = new Float64Array(this.win.length * 2);
      w.set(this.win);
      this.win = w;
      return;
    }
    let prev = this.start > 0 ? this.lastFolded : NaN;
    for (let j = this.start; j < to; j++) {
      const pc = this.win[j - this.start];
      if (j > 0) {
        this.counts.set(pc, (this.counts.get(pc) ?? 0) + 1);
        if (pc === prev) this.repeats.add(pc);
      }
      prev = pc;
    }
    this.lastFolded = prev;
    this.win.copyWithin(0, to - this.start, this.n - this.start);
    this.start = to;
  }

  /** The PC after step start - 1 (NaN when start is 0). */
  lastFolded = NaN;

  private grow(min: number): void {
    let cap = this.cpsr.length;
    while (cap < min) cap *= 2;
    const l = new Int32Array(cap * LANES);
    l.set(this.lanes);
    this.lanes = l;
    const c = new Int32Array(cap);
    c.set(this.cpsr);
    this.cpsr = c;
    const x = new Int32Array(cap * EXC_LANES);
    x.set(this.exc);
    this.exc = x;
    if (this.v) {
      const v = new Int32Array(cap * V_LANES);
      v.set(this.v);
      this.v = v;
    }
  }

  /** Drops the states before step `base` (the PCs are kept as the window allows). */
  rebase(base: number): void {
    const d = base - this.base;
    if (d <= 0) return;
    const keep = Math.max(0, this.n - base);
    this.lanes.copyWithin(0, d * LANES, (d + keep) * LANES);
    this.cpsr.copyWithin(0, d, d + keep);
    this.exc.copyWithin(0, d * EXC_LANES, (d + keep) * EXC_LANES);
    this.v?.copyWithin(0, d * V_LANES, (d + keep) * V_LANES);
    this.base = base;
  }

  /** Forgets everything after step n. */
  truncate(n: number): void {
    this.n = Math.min(this.n, n + 1);
  }

  has(step: number): boolean {
    return step >= this.base && step < this.n;
  }

  state(step: number): RegState {
    const k = step - this.base;
    return {
      lanes: this.lanes.slice(k * LANES, (k + 1) * LANES),
      cpsr: this.cpsr[k] >>> 0,
      v: this.v ? this.v.slice(k * V_LANES, (k + 1) * V_LANES) : null,
      exc: this.exc.slice(k * EXC_LANES, (k + 1) * EXC_LANES),
    };
  }

  /** Equal to `q` in x0..x30, sp, pc and NZCV (and V when compared)? */
  matches(step: number, q: RegState): boolean {
    const k = step - this.base;
    if (!sameGprs(this.lanes, k * LANES, this.cpsr[k], q)) return false;
    if (q.exc) {
      for (let i = 0; i < EXC_LANES; i++) if (this.exc[k * EXC_LANES + i] !== q.exc[i]) return false;
    }
    if (this.v && q.v) {
      for (let i = 0; i < V_LANES; i++) if (this.v[k * V_LANES + i] !== q.v[i]) return false;
    }
    return true;
  }
}

// ---- a64emu -------------------------------------------------------------------------------

class Emu {
  steps = 0;
  end: { step: number; stop: MachineStop } | null = null;
  private readonly observer: StepObserver;

  constructor(
    readonly machine: VirtMachine,
    readonly hist: History,
  ) {
    hist.record(machine);
    this.observer = { from: 0, count: Infinity, beforeStep: () => {}, afterStep: () => hist.record(machine) };
  }

  /** Runs to step `target` (or the end), recording every step. */
  async runTo(target: number): Promise<void> {
    if (this.end !== null || this.steps >= target) return;
    const r = await this.machine.run({ maxInsns: target - this.steps, observer: this.observer });
    this.steps += r.steps;
    this.hist.truncate(this.steps);
    if (r.stop.kind !== 'limit') this.end = { step: this.steps, stop: r.stop };
  }
}

/** The board run at full speed next to the single-stepped one (LockstepOptions.fullSpeed). */
export class FastEmu {
  steps = 0;
  end: MachineStop | null = null;
  /** Steps done at the last agreement. */
  agreed = 0;

  constructor(
    readonly machine: VirtMachine,
    private readonly fp: boolean,
  ) {}

  /** Runs at full speed to step `target` (or the end). */
  async runTo(target: number): Promise<void> {
    if (this.end !== null || this.steps >= target) return;
    const r = await this.machine.run({ maxInsns: target - this.steps });
    this.steps += r.steps;
    if (r.stop.kind !== 'limit') this.end = r.stop;
  }

  state(): RegState {
    return cpuState(this.machine.cpu, this.fp);
  }
}

/**
 * Brings `fast` to step b, where the single-stepped run had state `stepped` and was still
 * running (`end`: or ended so, at b); null when they agree, else what differs.
 */
export async function checkFullSpeed(
  fast: FastEmu,
  b: number,
  stepped: SideView,
  end?: MachineStop,
): Promise<{ fast: SideView; differing: string[] } | null> {
  // An end is seen one step later: the run stops with it at step b.
  await fast.runTo(end ? b + 1 : b);
  const st = fast.state();
  const ended = fast.end && fast.steps <= b ? describeStop(fast.end) : null;
  const fastView: SideView = ended === null ? { state: st, ended: null } : { state: st, ended };
  const endsDiffer = ended !== (end ? describeStop(end) : null) || (end !== undefined && fast.steps !== b);
  const regs = stepped.state ? differing(stepped.state, st) : [];
  if (!endsDiffer && regs.length === 0) {
    fast.agreed = b;
    return null;
  }
  return { fast: fastView, differing: regs };
}

export function describeStop(stop: MachineStop): string {
  switch (stop.kind) {
    case 'exit':
      return `semihosting exit, status ${stop.code}`;
    case 'poweroff':
      return 'PSCI SYSTEM_OFF';
    case 'reset':
      return 'PSCI SYSTEM_RESET (no reboot)';
    case 'cpu-off':
      return 'PSCI CPU_OFF of the only CPU';
    case 'internal':
      return `internal error: ${stop.message}`;
    default:
      return stop.kind;
  }
}

/** How QEMU stopped, that it did not finish (stuck), or stopped answering (lost). */
type QemuStop = StopReply | { kind: 'lost'; why: string } | { kind: 'stuck'; what: 'step' | 'continue' };

function describeReply(r: QemuStop): string {
  if (r.kind === 'lost') return `QEMU stopped answering: ${r.why}`;
  if (r.kind === 'stuck') {
    return r.what === 'step'
      ? `QEMU did not finish the step in ${WAKE_MS} ms (stopped with ^C; a WFI with nothing to wake the CPU waits for ever)`
      : 'QEMU did not reach the breakpoint in time';
  }
  if (r.kind === 'exited') return `QEMU exited, status ${r.code}`;
  if (r.kind === 'killed') return `QEMU killed by signal ${r.signal}`;
  return `stopped with signal ${r.signal}`;
}

// ---- QEMU ---------------------------------------------------------------------------------

/**
 * A step or continue still running after this many ms gets a ^C (QEMU then stops with
 * SIGINT). A single step never ends on QEMU when it is a WFI with nothing to wake the CPU
 * (a64emu's WFI completes at once: it has no interrupt sources yet): such a step is `stuck`, a
 * divergence. A long continue may be interrupted and continued a few times (see cont).
 */
const WAKE_MS = 1000;
const MAX_WAKES = 10;
const SIGINT = 2;

/** Measured on QEMU 7.2's stub (ms): a step, a continue to a breakpoint, Z0 + z0, a 'g'. */
const COST = { step: 0.2, cont: 0.2, breakpoint: 0.14, read: 0.05 };

/**
 * A move of QEMU from step `from` to step `to`. A blind break hop does not look at the PCs
 * on the way (they are no longer kept): its PC never follows itself, and `startOn` says
 * whether QEMU starts on it.
 */
export type Hop =
  | { kind: 'steps'; from: number; to: number }
  | { kind: 'break'; from: number; to: number; pc: number; hits: number; blind?: { startOn: boolean } };

/**
 * The cheapest way per step to move QEMU from step a towards step maxB: single steps to
 * maxB, or a breakpoint at pcs[b] continued to its hits-th hit in (a, b], for the b with
 * the best steps-per-millisecond. `check`: the cost of the comparison at the end.
 */
export function planHop(pcs: Float64Array, a: number, maxB: number, check = COST.read, base = 0): Hop {
  let best: Hop = { kind: 'steps', from: a, to: maxB };
  let bestRate = (maxB - a) / (COST.step * (maxB - a) + check);
  const counts = new Map<number, number>();
  const start = pcs[a - base];
  for (let j = a + 1; j <= maxB; j++) {
    const pc = pcs[j - base];
    const hits = (counts.get(pc) ?? 0) + 1;
    counts.set(pc, hits);
    // Each hit after the first needs a step off the breakpoint, as does a start on it.
    const cost = COST.breakpoint + COST.cont * hits + COST.step * (hits - 1 + (pc === start ? 1 : 0)) + check;
    const rate = (j - a) / cost;
    if (rate >= bestRate) {
      bestRate = rate;
      best = { kind: 'break', from: a, to: j, pc, hits };
    }
  }
  return best;
}

/** Steps looked at when planning one hop over recorded history. */
const SCAN = 100_000;

/**
 * A hop from step a straight to a step j near `to` (within SCAN of it), at the breakpoint
 * with the fewest hits in (a, j]: how a long stretch of history is crossed in one go.
 * `pcs[k - base]` is the PC after step k.
 */
export function planLongHop(pcs: Float64Array, a: number, to: number, scan = SCAN, base = 0): Hop {
  const total = new Map<number, number>();
  for (let j = a + 1; j <= to; j++) total.set(pcs[j - base], (total.get(pcs[j - base]) ?? 0) + 1);
  const after = new Map<number, number>();
  let best: Hop = { kind: 'steps', from: a, to };
  let bestCost = COST.step * (to - a);
  const start = pcs[a - base];
  for (let j = to; j > a && j >= to - scan; j--) {
    const pc = pcs[j - base];
    const later = after.get(pc) ?? 0;
    after.set(pc, later + 1);
    const hits = total.get(pc)! - later;
    // The hop, then the rest to `to` at about a step's cost each.
    const cost = COST.breakpoint + COST.cont * hits + COST.step * (hits - 1 + (pc === start ? 1 : 0)) + COST.step * (to - j);
    if (cost < bestCost) {
      bestCost = cost;
      best = { kind: 'break', from: a, to: j, pc, hits };
    }
  }
  return best;
}

/**
 * planLongHop from step 0 when the PCs before h.start are only counted: a blind hop to a
 * step j in the window (within `scan` of `to`) at a PC that never follows itself.
 */
export function planFarHop(h: History, to: number, scan = SCAN): Hop {
  const total = new Map(h.counts);
  const self = new Set(h.repeats);
  for (let j = Math.max(h.start, 1); j <= to; j++) {
    const pc = h.pc(j);
    total.set(pc, (total.get(pc) ?? 0) + 1);
    if ((j > h.start ? h.pc(j - 1) : h.lastFolded) === pc) self.add(pc);
  }
  const after = new Map<number, number>();
  let best: Hop = { kind: 'steps', from: 0, to };
  let bestCost = COST.step * to;
  for (let j = to; j > 0 && j >= h.start && j >= to - scan; j--) {
    const pc = h.pc(j);
    const later = after.get(pc) ?? 0;
    after.set(pc, later + 1);
    if (self.has(pc)) continue;
    const hits = total.get(pc)! - later;
    const startOn = pc === h.pc0;
    const cost = COST.breakpoint + COST.cont * hits + COST.step * (hits - 1 + (startOn ? 1 : 0)) + COST.step * (to - j);
    if (cost < bestCost) {
      bestCost = cost;
      best = { kind: 'break', from: 0, to: j, pc, hits, blind: { startOn } };
    }
  }
  return best;
}

type HopOutcome = { kind: 'ok' } | { kind: 'ended'; reply: QemuStop; at: number } | { kind: 'lost'; why: string };

class Qemu {
  /** gdb register numbers of the exception registers (EXC_NAMES order), -1 where QEMU has none. */
  excRegs: number[] = [];

  constructor(
    readonly proc: QemuProcess,
    private readonly stats: LockstepStats,
    private readonly fp: boolean,
    private readonly contTimeoutMs: number,
  ) {}

  get gdb(): GdbRemote {
    return this.proc.gdb;
  }

  static async start(opts: LockstepOptions, stats: LockstepStats): Promise<Qemu> {
    const proc = await QemuProcess.launch(opts.qemu);
    stats.qemuLaunches++;
    const q = new Qemu(proc, stats, opts.fp ?? false, opts.contTimeoutMs ?? 10_000);
    try {
      await proc.gdb.startNoAck(); // QEMU 7.2 declines (acks stay on); later versions accept
      const core = await proc.gdb.readXfer('features', 'aarch64-core.xml');
      const bad = checkCoreXml(core);
      if (bad) throw new GdbError(bad);
      // The exception registers, when the stub describes them (QEMU 7.2 does; a stub without
      // them is compared on the core registers only).
      const target = await proc.gdb.readXfer('features', 'target.xml').catch(() => '');
      if (target.includes('system-registers.xml')) q.excRegs = excRegnums(await proc.gdb.readXfer('features', 'system-registers.xml'));
      if (opts.qemuEntry !== undefined) {
        // Raw images: QEMU's boot code sets up registers and jumps to the image.
        await proc.gdb.insertBreakpoint(opts.qemuEntry);
        await proc.gdb.cont(q.contTimeoutMs);
        await proc.gdb.removeBreakpoint(opts.qemuEntry);
      }
    } catch (e) {
      await proc.close();
      throw e instanceof GdbError ? new QemuStartError(`QEMU's gdb stub: ${e.message}`) : e;
    }
    return q;
  }

  async state(): Promise<RegState> {
    const g = await this.gdb.readRegisters();
    stateFromG(g, null); // a short 'g' reply is reported before any V register is read
    let v: Int32Array | null = null;
    if (this.fp) {
      // V0..V31 are registers 34..65 in QEMU's target description (aarch64-fpu.xml).
      v = new Int32Array(V_LANES);
      for (let n = 0; n < 32; n++) {
        const b = await this.gdb.readRegister(34 + n);
        v.set(new Int32Array(b.buffer.slice(b.byteOffset, b.byteOffset + 16)), 4 * n);
      }
    }
    let exc: Int32Array | null = null;
    if (this.excRegs.length > 0) {
      exc = new Int32Array(EXC_LANES);
      for (let i = 0; i < this.excRegs.length; i++) {
        if (this.excRegs[i] < 0) continue;
        const b = await this.gdb.readRegister(this.excRegs[i]);
        if (b.length < 8) throw new GdbError(`register ${this.excRegs[i]}: ${b.length} bytes, expected 8`);
        const dv = new DataView(b.buffer, b.byteOffset, 8);
        exc[2 * i] = dv.getInt32(0, true);
        exc[2 * i + 1] = dv.getInt32(4, true);
      }
    }
    return { ...stateFromG(g, v), exc };
  }

  /** The registers, or how QEMU ended if it is gone. */
  async stateOrEnd(): Promise<RegState | QemuStop> {
    try {
      return await this.state();
    } catch (e) {
      if (!(e instanceof GdbError)) throw e;
      return this.gone(e);
    }
  }

  async step(): Promise<QemuStop> {
    this.stats.qemuSteps++;
    const r = await this.ended(() => this.gdb.step(undefined, WAKE_MS));
    return r.kind === 'signal' && r.signal === SIGINT ? { kind: 'stuck', what: 'step' } : r;
  }

  /** Continues to a breakpoint `steps` ahead: ^C and continue again at most once per 1e8 steps. */
  async cont(steps: number): Promise<QemuStop> {
    this.stats.qemuConts++;
    const wakes = Math.min(MAX_WAKES, 1 + Math.floor(steps / 1e8));
    for (let i = 0; i < wakes; i++) {
      const r = await this.ended(() => this.gdb.cont(this.contTimeoutMs, WAKE_MS));
      if (r.kind !== 'signal' || r.signal !== SIGINT) return r;
    }
    return { kind: 'stuck', what: 'continue' };
  }

  /**
   * Runs a stub request whose reply is a stop. QEMU does not always say W when it ends: after
   * PSCI SYSTEM_OFF it reports the HVC's step as usual, then its main loop shuts down and
   * closes the connection. A closed connection with QEMU gone is therefore its exit.
   */
  private async ended(f: () => Promise<StopReply>): Promise<QemuStop> {
    try {
      return await f();
    } catch (e) {
      if (!(e instanceof GdbError)) throw e;
      return this.gone(e);
    }
  }

  /** After a failed request: QEMU's exit if it has ended, else lost (the connection is closed). */
  private async gone(e: GdbError): Promise<QemuStop> {
    const x = this.gdb.isClosed ? await this.proc.waitExit(2000) : null;
    if (x === null) return { kind: 'lost', why: e.message };
    return x.code !== null ? { kind: 'exited', code: x.code } : { kind: 'killed', signal: 9 };
  }

  /** Moves QEMU along `hop`, assuming it follows a64emu's PCs (`pcs[k - base]`: after step k). */
  async hop(hop: Hop, pcs: Float64Array, base: number): Promise<HopOutcome> {
    try {
      if (hop.kind === 'steps') {
        for (let i = hop.from; i < hop.to; i++) {
          const r = await this.step();
          if (r.kind !== 'signal') return { kind: 'ended', reply: r, at: i };
        }
        return { kind: 'ok' };
      }
      const bp = BigInt(hop.pc);
      await this.gdb.insertBreakpoint(bp);
      let pos = hop.from;
      let left = hop.hits;
      const blind = hop.blind !== undefined;
      let onBp = blind ? hop.blind!.startOn : pcs[pos - base] === hop.pc;
      while (left > 0) {
        if (onBp) {
          // On the breakpoint: a continue would stop at once, so step off it.
          const r = await this.step();
          if (r.kind !== 'signal') return { kind: 'ended', reply: r, at: pos };
          pos++;
          onBp = !blind && pcs[pos - base] === hop.pc;
          if (onBp) left--;
          continue;
        }
        const r = await this.cont(hop.to - pos);
        if (r.kind !== 'signal') return { kind: 'ended', reply: r, at: pos };
        if (blind) pos = Math.min(pos + 1, hop.to); // somewhere on the way: only `to` is known
        else {
          do pos++;
          while (pos < hop.to && pcs[pos - base] !== hop.pc);
        }
        onBp = true;
        left--;
      }
      await this.gdb.removeBreakpoint(bp);
      return { kind: 'ok' };
    } catch (e) {
      if (e instanceof GdbError) return { kind: 'lost', why: e.message };
      throw e;
    }
  }

  close(): Promise<void> {
    return this.proc.close();
  }
}

// ---- the algorithm ---------------------------------------------------------------------------

export async function lockstep(opts: LockstepOptions): Promise<LockstepResult> {
  const fp = opts.fp ?? false;
  const every = opts.every ?? 1000;
  const limit = opts.maxInsns ?? Infinity;
  const stats: LockstepStats = { checkpoints: 0, qemuSteps: 0, qemuConts: 0, qemuLaunches: 0 };
  const hist = new History(fp);
  const emu = new Emu(opts.machine, hist);
  const fast = opts.fullSpeed ? new FastEmu(opts.fullSpeed, fp) : null;
  let q = await Qemu.start(opts, stats);
  // a64emu's first state was recorded before the mask was known.
  hist.excMask = excMask(q.excRegs);
  copyCpuExc(opts.machine.cpu, hist.excMask, hist.exc, 0);

  const diverged = (step: number, emuSide: SideView, qemuSide: SideView, note?: string): LockstepResult => ({
    kind: 'diverged',
    step,
    emu: emuSide,
    qemu: qemuSide,
    differing: emuSide.ended === null && qemuSide.ended === null ? differing(emuSide.state, qemuSide.state) : [],
    note,
    stats,
  });
  const running = (state: RegState): SideView => ({ state, ended: null });
  /** The full-speed board against the single-stepped one at step b (null: they agree). */
  const fastCheck = async (b: number, end?: MachineStop): Promise<LockstepResult | null> => {
    if (fast === null) return null;
    const from = fast.agreed;
    const stepped: SideView = end ? { state: hist.has(b) ? hist.state(b) : null, ended: describeStop(end) } : running(hist.state(b));
    const d = await checkFullSpeed(fast, b, stepped, end);
    return d && { kind: 'emu-inconsistent', from, to: b, stepped, fast: d.fast, differing: d.differing, stats };
  };
  /** QEMU's side when it did not stop normally: its registers too when it is stuck (still there). */
  const notRunning = async (r: QemuStop): Promise<SideView> => {
    const st = r.kind === 'stuck' ? await q.stateOrEnd() : null;
    return { state: st !== null && 'lanes' in st ? st : null, ended: describeReply(r) };
  };

  /** Moves QEMU (at step a) to step `to` over the recorded PCs; no comparison on the way. */
  const fastForward = async (a: number, to: number): Promise<HopOutcome> => {
    while (a < to) {
      const hop =
        a < hist.start ? planFarHop(hist, to) : to - a > SCAN ? planLongHop(hist.win, a, to, SCAN, hist.start) : planHop(hist.win, a, to, 0, hist.start);
      const r = await q.hop(hop, hist.win, hist.start);
      if (r.kind !== 'ok') return r;
      a = hop.to;
    }
    return { kind: 'ok' };
  };

  /** QEMU matched at s and not at b: start it again, bring it to s and step to the first difference. */
  const bisect = async (s: number, b: number, first: string, firstState: RegState | null): Promise<LockstepResult> => {
    await q.close();
    q = await Qemu.start(opts, stats);
    const ff = await fastForward(0, s);
    const again = `QEMU did not repeat its first run up to the last match, after ${s} steps (then: ${first})`;
    if (ff.kind !== 'ok') {
      return diverged(s - 1, running(hist.state(s)), { state: null, ended: ff.kind === 'ended' ? describeReply(ff.reply) : ff.why }, again);
    }
    const at = await q.stateOrEnd();
    if (!('lanes' in at)) return diverged(s - 1, running(hist.state(s)), { state: null, ended: describeReply(at) }, again);
    if (!hist.matches(s, at)) return diverged(s - 1, running(hist.state(s)), running(at), again);
    for (let j = s + 1; j <= b; j++) {
      const r = await q.step();
      if (r.kind !== 'signal') return diverged(j - 1, running(hist.state(j)), await notRunning(r));
      const st = await q.stateOrEnd();
      if (!('lanes' in st)) return diverged(j - 1, running(hist.state(j)), { state: null, ended: describeReply(st) });
      if (!hist.matches(j, st)) return diverged(j - 1, running(hist.state(j)), running(st));
    }
    return diverged(b - 1, running(hist.state(b)), firstState ? running(firstState) : { state: null, ended: first },
      `the checkpoint after step ${b - 1} differed (${first}) but single steps from step ${s} did not: QEMU is not deterministic here?`);
  };

  try {
    // The start: both at step 0, or both fast-forwarded to --from.
    let s = 0;
    const from = Math.min(opts.from ?? 0, limit);
    if (from > 0) {
      hist.base = from; // before --from, only the PCs are kept
      await emu.runTo(from);
      if (emu.end !== null && emu.end.step <= from) {
        throw new LockstepInputError(`--from ${from} is past the end of the image on a64emu (${describeStop(emu.end.stop)} after ${emu.end.step} steps)`);
      }
      s = from;
      const ff = await fastForward(0, s);
      if (ff.kind !== 'ok') {
        return diverged(s - 1, running(hist.state(s)), { state: null, ended: ff.kind === 'ended' ? describeReply(ff.reply) : ff.why },
          `QEMU did not reach --from ${s} as a64emu did: the first divergence is before it; try a smaller --from`);
      }
    }
    const st0 = await q.state(); // a failure here is an error (exit 3), not a divergence
    stats.checkpoints++;
    if (!hist.matches(s, st0)) {
      return diverged(s - 1, running(hist.state(s)), running(st0),
        s > 0
          ? `the states differ at --from ${s}: the first divergence is at or before it; try a smaller --from`
          : opts.qemuEntry !== undefined
            ? "a raw image: QEMU's boot code ran up to the entry point first and leaves its own values (x0: the device tree's address, as the Linux boot protocol wants, which a64emu does not build yet; x4: the entry point it jumped through)"
            : undefined);
    }
    if (s > 0) {
      const bad = await fastCheck(s);
      if (bad) return bad;
    }

    for (;;) {
      await emu.runTo(Math.min(s + every, limit));
      // An internal error stops a64emu before its step completes; any other end completes it.
      const lastRunning = emu.end ? emu.end.step - (emu.end.stop.kind === 'internal' ? 0 : 1) : emu.steps;
      const maxB = Math.min(s + every, lastRunning);
      if (maxB > s) {
        const hop = planHop(hist.win, s, maxB, COST.read, hist.start);
        const b = hop.to;
        const out = await q.hop(hop, hist.win, hist.start);
        const st = out.kind === 'ok' ? await q.stateOrEnd() : null;
        if (st !== null && 'lanes' in st) {
          stats.checkpoints++;
          if (hist.matches(b, st)) {
            s = b;
            hist.rebase(s);
            const bad = await fastCheck(s);
            if (bad) return bad;
            opts.onProgress?.(s);
            continue;
          }
        }
        if (b === s + 1 && st !== null) {
          // One step: this is the first difference, no need to look back.
          return 'lanes' in st ? diverged(s, running(hist.state(b)), running(st)) : diverged(s, running(hist.state(b)), { state: null, ended: describeReply(st) });
        }
        if (b === s + 1 && out.kind === 'ended') return diverged(s, running(hist.state(b)), await notRunning(out.reply));
        const first =
          out.kind === 'ended' ? describeReply(out.reply) : out.kind === 'lost' ? out.why : st !== null && !('lanes' in st) ? describeReply(st) : 'registers differ';
        return await bisect(s, b, first, st !== null && 'lanes' in st ? st : null);
      }
      // s is the last step with both sides running.
      if (emu.end === null) return { kind: 'agree', steps: s, why: 'limit', stats };
      if (emu.end.stop.kind !== 'internal') {
        const bad = await fastCheck(emu.end.step, emu.end.stop);
        if (bad) return bad;
      }
      const stop = emu.end.stop;
      const e = emu.end.step;
      if (stop.kind === 'internal') return { kind: 'emu-error', step: e, message: stop.message, stats };
      const emuEnded: SideView = { state: hist.has(e) ? hist.state(e) : null, ended: describeStop(stop) };
      if (stop.kind === 'cpu-off') {
        // QEMU would idle for ever: nothing more to compare.
        return { kind: 'agree', steps: e, why: 'ended', ended: describeStop(stop), stats };
      }
      let r = await q.step();
      if (r.kind === 'signal' && (stop.kind === 'poweroff' || stop.kind === 'reset')) {
        // QEMU reports the HVC's step as usual, then exits on its own (see Qemu.ended).
        const x = await q.proc.waitExit(2000);
        if (x !== null) r = x.code !== null ? { kind: 'exited', code: x.code } : { kind: 'killed', signal: 9 };
      }
      if (r.kind === 'signal') {
        const st = await q.stateOrEnd();
        return diverged(e - 1, emuEnded, 'lanes' in st ? running(st) : { state: null, ended: describeReply(st) });
      }
      const code = stop.kind === 'exit' ? stop.code & 0xff : 0;
      if (r.kind === 'exited' && r.code === code) {
        return { kind: 'agree', steps: e, why: 'ended', ended: describeStop(stop), stats };
      }
      return diverged(e - 1, emuEnded, await notRunning(r), r.kind === 'exited' || r.kind === 'killed' ? 'both ended, differently' : undefined);
    }
  } finally {
    await q.close();
  }
}
