// The run loop: decode a block once (up to a block-ending instruction, a page boundary or
// MAX_BLOCK instructions), cache it by address, execute its executors in order. Counting
// is exact: a budget can stop in the middle of a block. Exceptions raised by an executor
// or by the memory system are thrown as the CPU's ExceptionRecord and taken here, where the
// faulting instruction's address is known.

import { Decoder, type Op, type DecodeCtx } from './decoder.js';
import { type Cpu } from './cpu.js';
import { Slot, lo } from './state.js';
import { EC } from './exception.js';
import { takeInterrupt } from './interrupts.js';
import { ALL_ROWS } from './insns/index.js';

const MAX_BLOCK = 128;
const PAGE = 4096;
const CACHE_BITS = 14;

let decoderSingleton: Decoder | undefined;
export function decoder(): Decoder {
  return (decoderSingleton ??= new Decoder(ALL_ROWS));
}

/** Blocks run this many times through the op loop before they get a compiled function. */
const COMPILE_AFTER = 8;

class Block {
  /** Executions so far; at COMPILE_AFTER the block is compiled. */
  hits = 0;
  /** The compiled form: runs every op in order (see compileBlock). */
  fn: (() => void) | null = null;
  /** The Memory.fetchGen in which the block's page last translated to `ramOff`. */
  gen = 0;
  constructor(
    readonly pcLo: number,
    readonly pcHi: number,
    /** RAM offset of the first instruction: a new translation to elsewhere means other code. */
    readonly ramOff: number,
    readonly ops: Op[],
    readonly insns: Int32Array,
    /** The last op sets the PC itself (a branch, an exception, a system instruction). */
    readonly endsWithEnd: boolean,
  ) {}
}

let compiledBlocks = 0;

/** Where a compiled block stopped when an op threw. */
const faultAt = { i: 0 };

/**
 * Compiles a block into one function that calls its ops in sequence. Each call site in the
 * generated function only ever sees one closure, so V8 can inline the executors into it;
 * the source is unique per block so no two blocks share feedback.
 */
function compileBlock(b: Block): () => void {
  const n = b.ops.length;
  const lines: string[] = [];
  for (let k = 0; k < n; k++) lines.push(`o${k}();${k + 1 < n ? ` i = ${k + 1};` : ''}`);
  // The serial number keeps the source unique even when other code later sits at the same
  // address: V8 caches compiled functions by source text, feedback included.
  const name = `block_${(b.pcHi >>> 0).toString(16)}_${(b.pcLo >>> 0).toString(16)}_${++compiledBlocks}`;
  const src =
    `"use strict";\n` +
    `const ${b.ops.map((_, k) => `o${k} = ops[${k}]`).join(', ')};\n` +
    `return function ${name}() {\n  let i = 0;\n  try {\n    ${lines.join('\n    ')}\n  } catch (e) {\n    faultAt.i = i;\n    throw e;\n  }\n};`;
  return new Function('ops', 'faultAt', src)(b.ops, faultAt) as () => void;
}

/** An error in the emulator itself (never the guest's fault), with the guest context. */
export class InternalError extends Error {
  constructor(
    message: string,
    readonly guestPc: bigint,
    readonly insn: number,
    options?: { cause: unknown },
  ) {
    super(message, options);
  }
}

export class Runner {
  private readonly tags = new Float64Array(1 << CACHE_BITS).fill(-1);
  private readonly blocks: (Block | undefined)[] = new Array(1 << CACHE_BITS).fill(undefined);
  private readonly dec = decoder();

  constructor(readonly cpu: Cpu) {}

  /** Drops every decoded block (code was written, or translation changed). */
  flush(): void {
    this.tags.fill(-1);
    this.blocks.fill(undefined);
    this.cpu.mem.codeMap.fill(0);
    this.cpu.flushBlocks = false;
  }

  /** After run() threw: the steps it completed before the failing one. */
  stepsBeforeError = 0;

  /**
   * Executes at most `budget` steps, or until an executor sets cpu.stop. A step is an
   * instruction executed or an instruction that faulted (cpu.icount counts only the
   * former). Returns the number of steps taken; when it throws, see stepsBeforeError.
   */
  run(budget: number): number {
    const cpu = this.cpu;
    const r = cpu.r;
    const mem = cpu.mem;
    const PC = lo(Slot.PC);
    let remaining = budget;
    try {
      while (remaining > 0 && cpu.stop === null) {
        if (cpu.flushBlocks) this.flush();
        // An interrupt input is up (pending, masked or not): take it if it is not masked.
        // Executors that unmask one (MSR DAIFClr, ERET, MSR HCR_EL2...) end their block.
        if (cpu.irqLines !== 0) takeInterrupt(cpu);
        const pcLo = r[PC];
        const pcHi = r[PC + 1];
        const key = (pcLo >>> 2) & ((1 << CACHE_BITS) - 1);
        let b = this.blocks[key];
        if (b === undefined || b.pcLo !== pcLo || b.pcHi !== pcHi || b.gen !== mem.fetchGen) {
          try {
            // A cached block whose translation context changed is still good if its page
            // still translates, executably, to the same RAM (one fetch TLB probe).
            if (b === undefined || b.pcLo !== pcLo || b.pcHi !== pcHi || mem.fetchOffset(pcLo, pcHi) !== b.ramOff) {
              b = this.translate(pcLo, pcHi);
            }
            b.gen = mem.fetchGen;
          } catch (e) {
            if (e !== cpu.exc) throw e;
            cpu.takeSync(pcLo, pcHi, 0);
            remaining--; // a fault counts as a step, so exception loops end
            continue;
          }
          this.blocks[key] = b;
        }
        if (cpu.il !== 0) {
          // After an illegal exception return, the next instruction takes an Illegal
          // Execution state exception instead of executing (Arm ARM D1.11.5), after a PC
          // alignment fault or an Instruction Abort on its fetch (translate above; Arm ARM
          // "Synchronous exception prioritization", QEMU 7.2 observed: tests/images/exc).
          cpu.exc.set(EC.ILLEGAL_STATE, 0);
          cpu.takeSync(pcLo, pcHi, 0);
          remaining--;
          continue;
        }
        const ops = b.ops;
        const n = ops.length < remaining ? ops.length : remaining;
        let i = 0;
        let compiled = false;
        try {
          if (b.fn !== null && n === ops.length) {
            compiled = true;
            b.fn();
            i = n;
          } else {
            if (++b.hits === COMPILE_AFTER) b.fn = compileBlock(b);
            for (; i < n; i++) ops[i]();
          }
        } catch (e) {
          if (compiled) i = faultAt.i;
          const ipcLo = (pcLo + 4 * i) | 0;
          const ipcHi = ipcLo >>> 0 < pcLo >>> 0 ? (pcHi + 1) | 0 : pcHi;
          if (e !== cpu.exc) {
            // The instructions before it in the block completed.
            cpu.icount += i;
            remaining -= i;
            throw new InternalError(
              `host exception while executing 0x${(b.insns[i] >>> 0).toString(16).padStart(8, '0')}: ${String(e)}`,
              (BigInt(ipcHi >>> 0) << 32n) | BigInt(ipcLo >>> 0),
              b.insns[i],
              { cause: e },
            );
          }
          // Instructions that complete before trapping (SVC, HVC, SMC) count as executed.
          // A faulting instruction is not retired, but it uses a step of the budget, so
          // that a guest stuck in an exception loop still reaches the budget.
          cpu.icount += cpu.exc.retOffset !== 0 ? i + 1 : i;
          remaining -= i + 1;
          cpu.takeSync(ipcLo, ipcHi, b.insns[i]);
          continue;
        }
        cpu.icount += n;
        remaining -= n;
        if (n < ops.length || !b.endsWithEnd) {
          const nLo = (pcLo + 4 * n) | 0;
          r[PC] = nLo;
          if (nLo >>> 0 < pcLo >>> 0) r[PC + 1] = (pcHi + 1) | 0;
        }
      }
    } catch (e) {
      this.stepsBeforeError = budget - remaining;
      throw e;
    }
    return budget - remaining;
  }

  /** Decodes the block starting at (pcLo, pcHi). Throws the abort if the first word can't be fetched. */
  private translate(pcLo: number, pcHi: number): Block {
    const cpu = this.cpu;
    const mem = cpu.mem;
    if ((pcLo & 3) !== 0) {
      const e = cpu.exc.set(EC.PC_ALIGN, 0);
      e.hasFar = true;
      e.farLo = pcLo;
      e.farHi = pcHi;
      throw e;
    }
    // One translation for the block: it never leaves its 4 KiB page.
    const first = mem.fetchOffset(pcLo, pcHi);
    const ops: Op[] = [];
    const words: number[] = [];
    let end = false;
    let a = pcLo;
    const limit = PAGE - ((pcLo >>> 0) % PAGE);
    for (let k = 0; k < MAX_BLOCK && 4 * k < limit; k++, a = (a + 4) | 0) {
      const off = first + 4 * k;
      const insn = mem.ram32[off >>> 2];
      mem.codeMap[off >>> 8] = 1;
      words.push(insn);
      const ctx: DecodeCtx = { cpu, pcLo: a, pcHi, insn, index: k };
      const c = this.dec.lookup(insn);
      let op: Op | null = null;
      if (c) op = c.row.build(Decoder.fields(c, insn), ctx);
      if (op === null) {
        op = () => cpu.undef();
        end = true;
      } else {
        end = c?.row.end === true;
      }
      ops.push(op);
      if (end) break;
    }
    return new Block(pcLo, pcHi, first, ops, Int32Array.from(words), end);
  }
}
