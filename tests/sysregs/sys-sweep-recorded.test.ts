// The SYS and op0 = 0 sweeps (`a64emu sweep --space sys|pstate`, src/debug/fuzz/sweep.ts) on
// a64emu against QEMU 7.2's recorded outcomes (tests/sysregs/sweep-sys/ and sweep-pstate/,
// written by `a64emu sweep --space ... --record`; the live run in tests/fuzz/sysreg-sweep.test.ts
// confirms them), for cortex-a57 and max in the four start modes:
// - sys: SYSL and SYS of every op0 = 1 encoding (AT, DC, IC, TLBI and the unallocated space)
//   at every EL: the status of each, and PAR_EL1 after the SYS;
// - pstate: every op0 = 0 encoding with Rt = 31 (MSR (immediate), hints, barriers): its
//   status and PSTATE after it (the SPSR of an SVC that follows).
// Every expected outcome is QEMU's; the only exceptions are the sys/pstate entries of MASKS
// and ALLOWED in src/debug/fuzz/sweep_known.ts, each with its reason; an entry that matches
// nothing fails.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compareSweep, defaultOutcome, encodingName, outcomeAt, sweepA64emu, svcStatus, type SweepComparison } from '../../src/debug/fuzz/sweep.js';
import { parseRecording } from '../../src/debug/fuzz/sweep_record.js';
import { encodingsIn, modeName, phaseName, phasesOf, RECORD, type SweepMode, type SweepSpace } from '../../src/debug/fuzz/sweep_image.js';
import { parseSet } from '../../src/cli/sweep.js';
import { ALLOWED, MASKS } from '../../src/debug/fuzz/sweep_known.js';

const CPUS = ['cortex-a57', 'max'];
const MODES: SweepMode[] = [
  { el: 1, el2: false },
  { el: 2, el2: false },
  { el: 3, el2: false },
  { el: 3, el2: true },
];
const SPACES: SweepSpace[] = ['sys', 'pstate'];

const recording = (space: SweepSpace, cpu: string, mode: SweepMode): string =>
  readFileSync(new URL(`sweep-${space}/${cpu}-${modeName(mode)}.txt`, import.meta.url), 'utf8');

/** The index of the encoding named `name` in `space`. */
const indexOf = (space: SweepSpace, name: string): number => {
  for (let i = 0; i < encodingsIn(space); i++) if (encodingName(i, space) === name) return i;
  throw new Error(`no encoding ${name}`);
};
/** op0 = 0 index of op1, CRn, CRm, op2. */
const op0Index = (op1: number, crn: number, crm: number, op2: number): number => (op1 << 11) | (crn << 7) | (crm << 3) | op2;

describe('SYS and op0 = 0 sweeps: a64emu against QEMU 7.2 recordings', () => {
  const results: SweepComparison[] = [];

  for (const space of SPACES) {
    for (const cpu of CPUS) {
      for (const m of MODES) {
        const mode = { ...m, space };
        it(`${space} ${cpu} ${modeName(mode)}: every encoding at every EL has QEMU's outcome, or a listed reason`, async () => {
          const phases = phasesOf(mode);
          const q = parseRecording(recording(space, cpu, mode), phases, space);
          const e = await sweepA64emu(cpu, mode);
          const c = compareSweep(cpu, mode, e.phases, q, e.data);
          results.push(c);
          expect(c.mismatches.map((x) => `${x.phase} ${x.access} ${x.name}: QEMU ${x.qemu}, a64emu ${x.a64emu}`)).toEqual([]);
          // Three outcomes per encoding and phase, all accounted for.
          expect(Object.values(c.counts).reduce((a, b) => a + b, 0)).toBe(3 * encodingsIn(space) * phases.length);
          // Something ran at each phase besides UNDEFINED.
          expect(c.counts.same).toBeGreaterThan(encodingsIn(space) * phases.length);
        }, 60_000);
      }
    }
  }

  it('every sys/pstate ALLOWED entry and MASK is still needed (a stale entry fails)', () => {
    expect(results.length).toBe(SPACES.length * CPUS.length * MODES.length);
    const ours = ALLOWED.filter((a) => a.space !== undefined);
    expect(ours.filter((a) => !results.some((c) => c.allowedHits.has(a))).map((a) => a.label ?? String(a.reg))).toEqual([]);
    const masks = MASKS.filter((m) => m.space !== undefined);
    expect(masks.filter((m) => !results.some((c) => c.space === m.space && c.maskHits.has(m.reg))).map((m) => m.reg)).toEqual([]);
  });

  it('a difference from the recording is reported (PSTATE after MSR DAIFClr, #0xf at EL1 changed)', async () => {
    const mode: SweepMode = { el: 1, el2: false, space: 'pstate' };
    const q = parseRecording(recording('pstate', 'cortex-a57', mode), phasesOf(mode), 'pstate');
    const i = op0Index(3, 4, 15, 7);
    const dv = new DataView(q.buffer);
    // QEMU: DAIF cleared, EL1h: 0x5 (Arm ARM C5.2, DAIFClr; SPSR_EL1 layout).
    expect(dv.getBigUint64(i * RECORD + 8, true)).toBe(0x5n);
    dv.setBigUint64(i * RECORD + 8, 0x3c5n, true);
    const e = await sweepA64emu('cortex-a57', mode);
    const c = compareSweep('cortex-a57', mode, e.phases, q, e.data);
    expect(c.mismatches).toEqual([
      { cpu: 'cortex-a57', mode: 'el1', phase: 'EL1', access: 'PSTATE', name: encodingName(i, 'pstate'), index: i, qemu: '0x3c5', a64emu: '0x5' },
    ]);
  }, 60_000);

  it('the recordings say what the Arm ARM says for the PSTATE writes (QEMU 7.2, cortex-a57 --el 3, EL1 and EL0)', () => {
    const mode: SweepMode = { el: 3, el2: false, space: 'pstate' };
    const phases = phasesOf(mode);
    const q = parseRecording(recording('pstate', 'cortex-a57', mode), phases, 'pstate');
    const k1 = phases.findIndex((p) => p.el === 1 && !p.secure);
    const k0 = phases.findIndex((p) => p.el === 0 && !p.secure);
    const n = encodingsIn('pstate');
    const at = (k: number, i: number): [bigint, bigint, bigint] => {
      const o = outcomeAt(q, k, i, n);
      return [o.mrs, o.value, o.msr];
    };
    const EL1H = 0x3c5n; // DAIF masked, EL1h: the phase's PSTATE
    const svc1 = svcStatus(1);
    // MSR SPSel, #0: EL1t (SPSR.M = 0b0100); #1 keeps EL1h.
    expect(at(k1, op0Index(0, 4, 0, 5))).toEqual([0n, 0x3c4n, svc1]);
    expect(at(k1, op0Index(0, 4, 1, 5))).toEqual([0n, EL1H, svc1]);
    // MSR PAN, #1 (FEAT_PAN is not in cortex-a57: UNDEFINED, PSTATE unchanged).
    expect(at(k1, op0Index(0, 4, 1, 4))).toEqual(Object.values(defaultOutcome('pstate', 1)));
    // MSR DAIFSet, #0 at EL1 completes; DAIFClr, #0b0011 clears I and F (bits 7, 6).
    expect(at(k1, op0Index(3, 4, 0, 6))).toEqual([0n, EL1H, svc1]);
    expect(at(k1, op0Index(3, 4, 3, 7))).toEqual([0n, 0x305n, svc1]);
    // At EL0, SCTLR_EL1.UMA = 0: MSR DAIFClr traps to EL1 (EC 0x18), PSTATE unchanged (EL0t).
    const [st, ps] = at(k0, op0Index(3, 4, 3, 7));
    expect(Number((st >> 26n) & 0x3fn)).toBe(0x18);
    expect(st >> 56n).toBe(1n);
    expect(ps).toBe(0x3c0n);
    // ISB (CRn 3, CRm 0, op2 6 with op1 3) completes at EL0.
    expect(at(k0, op0Index(3, 3, 15, 6))).toEqual([0n, 0x3c0n, svc1]);
  });

  it('the SYS recordings: AT S1E1R at EL1 writes PAR_EL1 (PA | 0xa00, QEMU 7.2), SYSL is UNDEFINED everywhere', () => {
    const mode: SweepMode = { el: 1, el2: false, space: 'sys' };
    const phases = phasesOf(mode);
    const q = parseRecording(recording('sys', 'cortex-a57', mode), phases, 'sys');
    const n = encodingsIn('sys');
    const o = outcomeAt(q, 0, indexOf('sys', 'AT_S1E1R'), n);
    expect(o.msr).toBe(0n);
    expect(o.value & 0xfffn).toBe(0xa00n);
    for (const mm of MODES) {
      for (const cpu of CPUS) {
        const md = { ...mm, space: 'sys' as const };
        const ph = phasesOf(md);
        const d = parseRecording(recording('sys', cpu, md), ph, 'sys');
        ph.forEach((p, k) => {
          for (let i = 0; i < n; i++) expect(outcomeAt(d, k, i, n).mrs).toBe(defaultOutcome('sys', p.el).mrs);
        });
      }
    }
  });
});

// The same sweeps with trap controls set by the driver first (`--set`), max --el 3
// --virtualization, recorded in tests/sysregs/sweep-traps/ (the header of each file names
// the command). `shows` are outcomes the settings must produce (Arm ARM; QEMU 7.2 agrees),
// so that a --set that did nothing fails.
describe('SYS and op0 = 0 sweeps with trap controls set, against QEMU 7.2 recordings', () => {
  /** EC 0x18 (IL 1) to `el` for SYS <op1, CRn, CRm, op2>, X2 (ISS: Arm ARM D17.2.37). */
  const sysTrap = (el: number, op1: number, crn: number, crm: number, op2: number): bigint =>
    (BigInt(el) << 56n) | (0x18n << 26n) | (1n << 25n) | BigInt((1 << 20) | (op2 << 17) | (op1 << 14) | (crn << 10) | (2 << 5) | (crm << 1));
  const sysIndex = (op1: number, crn: number, crm: number, op2: number): number => (op1 << 11) | (crn << 7) | (crm << 3) | op2;
  const SWEEPS: readonly {
    space: SweepSpace; file: string; set: string;
    shows: readonly [phase: string, index: number, slot: 'mrs' | 'value' | 'msr', value: bigint][];
  }[] = [
    {
      // HCR_EL2: TSW, TPC, TPU, TTLB, TDZ (D17.2.48): the EL1 operations trap to EL2.
      space: 'sys', file: 'max-sys-hcr.txt', set: 'HCR_EL2=0x13c00000',
      shows: [
        ['EL1', sysIndex(3, 7, 10, 1), 'msr', sysTrap(2, 3, 7, 10, 1)], // DC CVAC: TPC
        ['EL1', sysIndex(0, 7, 5, 0), 'msr', sysTrap(2, 0, 7, 5, 0)], // IC IALLU: TPU
        ['EL1', sysIndex(0, 7, 6, 2), 'msr', sysTrap(2, 0, 7, 6, 2)], // DC ISW: TSW
        ['EL1', sysIndex(0, 8, 7, 0), 'msr', sysTrap(2, 0, 8, 7, 0)], // TLBI VMALLE1: TTLB
        ['EL1', sysIndex(3, 7, 4, 1), 'msr', sysTrap(2, 3, 7, 4, 1)], // DC ZVA: TDZ
        ['EL1-S', sysIndex(3, 7, 10, 1), 'msr', 0n], // Secure EL1: HCR_EL2 does not apply (no FEAT_SEL2)
      ],
    },
    {
      // SCTLR_EL1 = QEMU's reset value 0xc50838 | UCI | DZE | UMA | EnRCTX: EL0 may run
      // cache maintenance by VA (D17.2, SCTLR_EL1.UCI).
      space: 'sys', file: 'max-sys-sctlr.txt', set: 'SCTLR_EL1=0x4c54e38',
      shows: [
        ['EL0', sysIndex(3, 7, 10, 1), 'msr', 0n], // DC CVAC
        ['EL0', sysIndex(3, 7, 5, 1), 'msr', 0n], // IC IVAU
      ],
    },
    {
      // UMA: EL0 may write DAIF (D17.2, SCTLR_EL1.UMA): DAIFClr #0xf leaves EL0t with DAIF clear.
      space: 'pstate', file: 'max-pstate-sctlr.txt', set: 'SCTLR_EL1=0x4c54e38',
      shows: [
        ['EL0', op0Index(3, 4, 15, 7), 'mrs', 0n],
        ['EL0', op0Index(3, 4, 15, 7), 'value', 0n],
        ['EL0', op0Index(3, 4, 3, 7), 'value', 0x300n],
      ],
    },
  ];
  for (const t of SWEEPS) {
    it(`${t.space} max el3+el2 --set ${t.set}: QEMU's outcomes, or a listed reason`, async () => {
      const set = parseSet(t.set, 'max', 3, true);
      const mode: SweepMode = { el: 3, el2: true, set, space: t.space };
      const phases = phasesOf(mode);
      const text = readFileSync(new URL(`sweep-traps/${t.file}`, import.meta.url), 'utf8');
      expect(text).toContain(`--set ${t.set} --space ${t.space}`);
      const q = parseRecording(text, phases, t.space);
      const n = encodingsIn(t.space);
      for (const [phase, i, slot, value] of t.shows) {
        const k = phases.findIndex((p) => phaseName(p) === phase);
        expect(outcomeAt(q, k, i, n)[slot], `${phase} ${encodingName(i, t.space)} ${slot}`).toBe(value);
      }
      const e = await sweepA64emu('max', mode);
      const c = compareSweep('max', mode, e.phases, q, e.data);
      expect(c.mismatches.map((x) => `${x.phase} ${x.access} ${x.name}: QEMU ${x.qemu}, a64emu ${x.a64emu}`)).toEqual([]);
    }, 60_000);
  }
});
