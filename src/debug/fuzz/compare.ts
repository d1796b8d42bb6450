// Comparing the result records of the two sides, case by case.

import { regName } from './case.js';
import type { Layout } from './image.js';

/** One case's result, decoded. */
export interface CaseResult {
  readonly slots: bigint[];
  readonly scratch: Uint8Array;
}

export function caseResult(data: Uint8Array, layout: Layout, i: number): CaseResult {
  const off = i * layout.recordSize;
  const dv = new DataView(data.buffer, data.byteOffset + off, layout.recordSize);
  const slots: bigint[] = [];
  for (let s = 0; s < layout.slots; s++) slots.push(dv.getBigUint64(8 * s, true));
  return { slots, scratch: data.subarray(off + 8 * layout.slots, off + layout.recordSize) };
}

export interface Difference {
  /** A register/slot name (x3, sp, nzcv, status, esr, ...) or `mem+0x18` for scratch bytes. */
  readonly what: string;
  readonly qemu: bigint;
  readonly a64emu: bigint;
}

/** The differences between the QEMU and a64emu results of case i (empty: they agree). */
export function compareCase(q: Uint8Array, e: Uint8Array, layout: Layout, i: number): Difference[] {
  const off = i * layout.recordSize;
  let same = true;
  for (let k = 0; k < layout.recordSize; k++) {
    if (q[off + k] !== e[off + k]) {
      same = false;
      break;
    }
  }
  if (same) return [];
  const a = caseResult(q, layout, i);
  const b = caseResult(e, layout, i);
  const out: Difference[] = [];
  for (let s = 0; s < layout.slots; s++) {
    if (a.slots[s] !== b.slots[s]) out.push({ what: regName(s), qemu: a.slots[s], a64emu: b.slots[s] });
  }
  const dq = new DataView(a.scratch.buffer, a.scratch.byteOffset, a.scratch.length);
  const de = new DataView(b.scratch.buffer, b.scratch.byteOffset, b.scratch.length);
  for (let k = 0; k + 8 <= a.scratch.length; k += 8) {
    const x = dq.getBigUint64(k, true);
    const y = de.getBigUint64(k, true);
    if (x !== y) out.push({ what: `mem+0x${k.toString(16)}`, qemu: x, a64emu: y });
  }
  return out;
}
