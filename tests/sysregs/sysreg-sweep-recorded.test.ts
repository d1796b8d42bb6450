// The MRS/MSR sweep (src/debug/fuzz/sweep.ts) on a64emu against QEMU 7.2's recorded outcomes
// (tests/sysregs/sweep/<cpu>-<mode>.txt, written by `a64emu sweep --record`; the live run in
// tests/fuzz/sysreg-sweep.test.ts confirms them): every MRS and MSR encoding (op0 2 and 3,
// 32768 each) at every EL of each start mode, for cortex-a57 and max. Every expected outcome
// (value, or ESR and target EL) is QEMU's; the only exceptions are MASKS and ALLOWED in
// src/debug/fuzz/sweep_known.ts, each with its reason, and an entry that matches nothing fails.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compareSweep, encodingName, sweepA64emu, type SweepComparison } from '../../src/debug/fuzz/sweep.js';
import { parseRecording } from '../../src/debug/fuzz/sweep_record.js';
import { ENCODINGS, RECORD, modeName, phasesOf, type SweepMode } from '../../src/debug/fuzz/sweep_image.js';
import { ALLOWED, MASKS } from '../../src/debug/fuzz/sweep_known.js';

const CPUS = ['cortex-a57', 'max'];
const MODES: SweepMode[] = [
  { el: 1, el2: false },
  { el: 2, el2: false },
  { el: 3, el2: false },
  { el: 3, el2: true },
];

const recording = (cpu: string, mode: SweepMode): string =>
  readFileSync(new URL(`sweep/${cpu}-${modeName(mode)}.txt`, import.meta.url), 'utf8');

const ALL_NAMES = new Set(Array.from({ length: ENCODINGS }, (_, i) => encodingName(i)));

/** The index of the encoding named `name` (a64emu's names). */
const indexOf = (name: string): number => {
  for (let i = 0; i < ENCODINGS; i++) if (encodingName(i) === name) return i;
  throw new Error(`no encoding ${name}`);
};

describe('MRS/MSR sweep: a64emu against QEMU 7.2 recordings', () => {
  const results: SweepComparison[] = [];

  for (const cpu of CPUS) {
    for (const mode of MODES) {
      it(`${cpu} ${modeName(mode)}: every encoding at every EL has QEMU's outcome, or a listed reason`, async () => {
        const phases = phasesOf(mode);
        const q = parseRecording(recording(cpu, mode), phases);
        // sweepA64emu throws when a64emu does not finish the image (a host exception included).
        const e = await sweepA64emu(cpu, mode);
        const c = compareSweep(cpu, mode, e.phases, q, e.data);
        results.push(c);
        expect(c.mismatches.map((m) => `${m.phase} ${m.access} ${m.name}: QEMU ${m.qemu}, a64emu ${m.a64emu}`)).toEqual([]);
        // Each phase's accesses, all accounted for: 2 x 32768 per phase.
        expect(Object.values(c.counts).reduce((a, b) => a + b, 0)).toBe(2 * ENCODINGS * phases.length);
        // The sweep ran something at each phase: more than the UNDEFINED encodings agree.
        expect(c.counts.same).toBeGreaterThan(50 * phases.length);
      }, 60_000);
    }
  }

  it('every ALLOWED entry and every MASK is still needed (a stale entry fails)', () => {
    expect(results.length, 'runs after every model and mode').toBe(CPUS.length * MODES.length);
    // (The sys and pstate spaces' entries: sys-sweep-recorded.test.ts.)
    const stale = ALLOWED.filter((a) => a.space === undefined && !results.some((c) => c.allowedHits.has(a))).map((a) => a.label ?? String(a.reg));
    expect(stale).toEqual([]);
    // (qemuOnly masks serve the live test's check of the recordings.)
    // (setOnly masks: sysreg-sweep-traps.test.ts.)
    const unused = MASKS.filter((m) => m.space === undefined && !m.qemuOnly && !m.setOnly && !results.some((c) => c.maskHits.has(m.reg))).map((m) => m.reg);
    expect(unused).toEqual([]);
    // A qemuOnly mask is needed while a64emu has no row for the encoding (the name is generic).
    const implemented = MASKS.filter((m) => m.space === undefined && m.qemuOnly && !ALL_NAMES.has(m.reg)).map((m) => m.reg);
    expect(implemented, 'a64emu implements these now: give the mask its name, without qemuOnly').toEqual([]);
  });

  it('a difference from the recording is reported (MIDR_EL1 at EL1 changed in the recording)', async () => {
    const mode: SweepMode = { el: 1, el2: false };
    const phases = phasesOf(mode);
    const q = parseRecording(recording('cortex-a57', mode), phases);
    const i = indexOf('MIDR_EL1');
    const dv = new DataView(q.buffer);
    // Phase 0 is EL1: the value slot of MIDR_EL1's record. QEMU's cortex-a57 MIDR is 0x411fd070.
    expect(dv.getBigUint64(i * RECORD + 8, true)).toBe(0x411fd070n);
    dv.setBigUint64(i * RECORD + 8, 0x411fd071n, true);
    const e = await sweepA64emu('cortex-a57', mode);
    const c = compareSweep('cortex-a57', mode, e.phases, q, e.data);
    expect(c.mismatches).toEqual([
      { cpu: 'cortex-a57', mode: 'el1', phase: 'EL1', access: 'MRS', name: 'MIDR_EL1', index: i, qemu: '0x411fd071', a64emu: '0x411fd070' },
    ]);
  }, 60_000);

  it('EL3 without EL2: the EL2 registers are RES0 from EL3, VPIDR_EL2/VMPIDR_EL2 read MIDR/MPIDR (QEMU 7.2)', () => {
    // The recorded QEMU outcomes that the RES0 rows of src/sysregs/table.ts (el3NoEl2) match.
    const mode: SweepMode = { el: 3, el2: false };
    const q = parseRecording(recording('cortex-a57', mode), phasesOf(mode));
    const at = (name: string): bigint[] => {
      const dv = new DataView(q.buffer, indexOf(name) * RECORD, RECORD); // phase 0: EL3
      return [dv.getBigUint64(0, true), dv.getBigUint64(8, true), dv.getBigUint64(16, true)];
    };
    expect(at('HCR_EL2')).toEqual([0n, 0n, 0n]);
    expect(at('VBAR_EL2')).toEqual([0n, 0n, 0n]);
    expect(at('VPIDR_EL2')).toEqual([0n, 0x411fd070n, 0n]);
    expect(at('VMPIDR_EL2')).toEqual([0n, 0x80000000n, 0n]);
  });
});
