// The cpreg table against QEMU 7.2's recorded reset state (tests/sysregs/qemu/<model>-el1.json,
// cortex-a57, cortex-a72 and max):
// every register the gdb stub lists (`registers`) has, in `a64emu regs`, QEMU's value, and
// every probed MRS (`probe`, the same instruction words executed here) has QEMU's outcome —
// except the deliberate differences listed below with their reasons, and the registers not
// implemented yet, listed as missing (the lists fail the test when they go stale).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resetRegisters } from '../../src/cli/regs.js';
import { MODELS } from '../../src/cpu/models.js';
import { Slot } from '../../src/cpu/state.js';
import { COUNTER_FREQUENCY } from '../../src/machine/virt.js';
import { idDeviations } from '../../src/sysregs/id.js';
import { findSysreg } from '../../src/sysregs/table.js';
import { makeCpu, RAM_BASE } from '../cpu/harness.js';

interface Probe {
  encoding: { op0: number; op1: number; CRn: number; CRm: number; op2: number };
  insn: string[];
  csselr?: number;
  value: string | null;
  trapped?: { ec: string };
}

interface Recording {
  registers: Record<string, string>;
  probe: { registers: Record<string, Probe> };
}

const recording = (model: string): Recording =>
  JSON.parse(readFileSync(new URL(`qemu/${model}-el1.json`, import.meta.url), 'utf8')) as Recording;

/** QEMU's gdb names that are not the Arm ARM's AArch64 names (see qemu/README.md, "Names"). */
const AARCH32_NAMES: Record<string, string> = {
  SCTLR: 'SCTLR_EL1', CPACR: 'CPACR_EL1', VBAR: 'VBAR_EL1', CLIDR: 'CLIDR_EL1', CSSELR: 'CSSELR_EL1',
  AIDR: 'AIDR_EL1', CNTKCTL: 'CNTKCTL_EL1', AMAIR0: 'AMAIR_EL1', L2ACTLR: 'L2ACTLR_EL1',
};

/** Our name for a QEMU gdb register name: reserved ID slots by their encoding. */
function ourName(qemu: string): string {
  if (AARCH32_NAMES[qemu]) return AARCH32_NAMES[qemu];
  if (/^ID_(PFR|DFR|AFR|ISAR|MMFR)\d$/.test(qemu)) return `${qemu}_EL1`;
  const res = /^RES_0_C0_C(\d)_(\d)$/.exec(qemu);
  if (res) return `S3_0_C0_C${res[1]}_${res[2]}`;
  const id = /^ID_AA64(PFR|DFR|AFR|ISAR|MMFR)(\d)_EL1_RESERVED$/.exec(qemu);
  if (id) {
    // ID_AA64xxxn_EL1 encodings (Arm ARM D17.2): op0 3, op1 0, CRn 0, CRm 4-7.
    const n = Number(id[2]);
    const [crm, op2] = { PFR: [4, n], DFR: [5, n], AFR: [5, n + 4], ISAR: [6, n], MMFR: [7, n] }[id[1]]!;
    return findSysreg(3, 0, 0, crm, op2)?.name ?? `S3_0_C0_C${crm}_${op2}`;
  }
  return qemu;
}

const NO_AARCH32 = 'no AArch32: the AArch32 ID registers read as zero';
const AARCH32_ID = [
  'ID_PFR0_EL1', 'ID_PFR1_EL1', 'ID_PFR2_EL1', 'ID_DFR0_EL1', 'ID_MMFR0_EL1', 'ID_MMFR1_EL1', 'ID_MMFR2_EL1',
  'ID_MMFR3_EL1', 'ID_MMFR4_EL1', 'ID_MMFR5_EL1', 'ID_ISAR0_EL1', 'ID_ISAR1_EL1', 'ID_ISAR2_EL1', 'ID_ISAR3_EL1',
  'ID_ISAR4_EL1', 'ID_ISAR5_EL1', 'ID_ISAR6_EL1', 'MVFR0_EL1', 'MVFR1_EL1', 'MVFR2_EL1',
];
const nonZeroAarch32 = (model: string): string[] =>
  AARCH32_ID.filter((n) => MODELS[model].qemuId[n] !== 0n);

/** Registers whose value differs from QEMU's on purpose, and why. */
const CORTEX_DELIBERATE = (model: string): Record<string, string> => ({
  ...Object.fromEntries(nonZeroAarch32(model).map((n) => [n, NO_AARCH32])),
  ID_AA64PFR0_EL1: 'EL0/EL1 AArch64 only (1); FP and AdvSIMD 0xF: no FP/AdvSIMD yet (issue 8)',
  // QEMU 7.2 lists INST_RETIRED (0x08) only under -icount, which the recordings were made without.
  PMCEID0_EL0: 'INST_RETIRED (0x08) is counted: 0x20101, as QEMU with -icount',
  ID_AA64MMFR0_EL1: 'BigEnd 0: no big-endian data accesses',
});
const DELIBERATE: Record<string, Record<string, string>> = {
  'cortex-a57': CORTEX_DELIBERATE('cortex-a57'),
  'cortex-a72': CORTEX_DELIBERATE('cortex-a72'),
  max: {
    ...Object.fromEntries(nonZeroAarch32('max').map((n) => [n, NO_AARCH32])),
    ID_AA64PFR0_EL1: 'EL0/EL1 AArch64 only; FP/AdvSIMD 0xF (issue 8); RAS 1 (QEMU 2: no FEAT_RASv1p1); no SVE, SEL2',
    ID_AA64PFR1_EL1: 'no BTI, SME',
    ID_AA64ZFR0_EL1: 'no SVE',
    ID_AA64SMFR0_EL1: 'no SME',
    ID_AA64ISAR0_EL1: 'no SM3, SM4, TS, RNDR',
    ID_AA64ISAR1_EL1: 'LRCPC 1 (no FEAT_LRCPC2); no DPB, PAuth, SB, SPECRES, BF16, I8MM',
    ID_AA64DFR0_EL1: 'DebugVer 6 (Armv8.0 debug)',
    PMCEID0_EL0: 'INST_RETIRED (0x08) is counted: 0x20101, as QEMU with -icount',
    PMCEID1_EL0: 'no common event 0x20-0x3F is counted (QEMU max lists 0x23, 0x24 and 0x3C)',
    ID_AA64MMFR0_EL1: 'BigEnd 0: no big-endian data accesses',
    ID_AA64MMFR1_EL1: 'no HAFDBS, VMID16, VHE, HPDS, XNX, ETS',
    ID_AA64MMFR2_EL1: 'UAO and IDS (FEAT_IDST) only: no CnP, IESB, LVA, TTST, FWB, TTL, BBM, E0PD',
    // Probe only: PSTATE fields of features a64emu does not have are UNDEFINED encodings.
    SVCR: 'no SME: MRS SVCR is UNDEFINED (QEMU: an SME access trap, EC 0x1d)',
  },
};

/** Registers QEMU's gdb stub lists that the table does not have yet: for the next steps. */
const MISSING_COMMON = [
  // registers of higher ELs QEMU keeps even without EL2/EL3, and AArch32 state
  'ACTLR_EL2', 'ACTLR_EL3', 'DACR32_EL2', 'IFSR32_EL2', 'FPEXC32_EL2', 'MAIR_EL3', 'MDCR_EL3',
  'SPSR_ABT', 'SPSR_FIQ', 'SPSR_IRQ', 'SPSR_UND',
];
const MISSING: Record<string, string[]> = {
  'cortex-a57': MISSING_COMMON,
  'cortex-a72': MISSING_COMMON,
  max: [
    ...MISSING_COMMON,
    // EL2/EL3 registers of max's features, which QEMU keeps without EL2/EL3 (here they come
    // with the start modes: tests/sysregs/modes.test.ts)
    'HCRX_EL2', 'SCXTNUM_EL2', 'SCXTNUM_EL3', 'VDISR_EL2', 'VSESR_EL2',
    // FEAT_VHE's CONTEXTIDR_EL2
    'CONTEXTIDR_EL2',
  ],
};

/**
 * Registers of features no issue has asked for yet (pointer authentication, SVE, SME):
 * absent on purpose, and their ID fields say so.
 */
const ABSENT_FEATURES: Record<string, string[]> = {
  'cortex-a57': [],
  'cortex-a72': [],
  max: [
    'APDAKEYHI_EL1', 'APDAKEYLO_EL1', 'APDBKEYHI_EL1', 'APDBKEYLO_EL1', 'APGAKEYHI_EL1', 'APGAKEYLO_EL1',
    'APIAKEYHI_EL1', 'APIAKEYLO_EL1', 'APIBKEYHI_EL1', 'APIBKEYLO_EL1',
    'ZCR_EL1', 'ZCR_EL2', 'ZCR_EL3',
    'SMCR_EL1', 'SMCR_EL2', 'SMCR_EL3', 'SMIDR_EL1', 'SMPRIMAP_EL2', 'SMPRI_EL1', 'SVCR', 'TPIDR2_EL0',
  ],
};

/** Probed registers the table does not have yet. */
const MISSING_PROBE: string[] = [];
/** Probed registers whose value changes from run to run (the counter follows the host clock in QEMU). */
const VARYING = ['CNTVCT_EL0', 'CNTPCT_EL0'];

type Outcome = { value: bigint } | { ec: number };

/** Executes the recorded MRS (after MSR CSSELR_EL1 for the CCSIDR probes) at EL1 after reset. */
function execute(model: string, p: Probe): Outcome {
  const t = makeCpu({ model, platform: { counterFrequency: COUNTER_FREQUENCY } });
  t.cpu.x[0] = 0x5a5a5a5aa5a5a5a5n;
  t.cpu.x[1] = BigInt(p.csselr ?? 0);
  const words = p.insn.map((w) => Number(w));
  t.load(words);
  t.run(words.length);
  if (t.cpu.pc !== BigInt(RAM_BASE + 4 * words.length)) return { ec: Number(t.cpu.x[Slot.ESR_EL1] >> 26n) };
  return { value: t.cpu.x[0] };
}

const qemuOutcome = (p: Probe): Outcome => (p.value !== null ? { value: BigInt(p.value) } : { ec: Number(p.trapped!.ec) });

for (const model of ['cortex-a57', 'cortex-a72', 'max']) {
  describe(`${model}: reset values against QEMU 7.2 (tests/sysregs/qemu/${model}-el1.json)`, () => {
    const rec = recording(model);
    const regs = new Map(resetRegisters(model).map((r) => [r.name, r]));
    const deliberate = DELIBERATE[model];

    it('every register the gdb stub lists has QEMU value in `a64emu regs`, or is listed', () => {
      const unlisted: string[] = [];
      const wrong: string[] = [];
      for (const [qemuName, qemuValue] of Object.entries(rec.registers)) {
        const name = ourName(qemuName);
        const row = regs.get(name);
        if (row === undefined) {
          if (!MISSING[model].includes(name) && !ABSENT_FEATURES[model].includes(name)) unlisted.push(name);
          continue;
        }
        expect(row.value, `${name} is listed by QEMU's gdb stub, so it has raw state`).not.toBeNull();
        const same = BigInt(row.value!) === BigInt(qemuValue);
        if (name in deliberate) expect(same, `${name} differs on purpose (${deliberate[name]}) but matches`).toBe(false);
        else if (!same) wrong.push(`${name}: QEMU ${qemuValue}, a64emu ${row.value}`);
      }
      expect(unlisted, 'in the recording, not in the table, not listed as missing').toEqual([]);
      expect(wrong).toEqual([]);
    });

    it('the lists of missing registers are up to date', () => {
      const recorded = new Set(Object.keys(rec.registers).map(ourName));
      for (const name of [...MISSING[model], ...ABSENT_FEATURES[model]]) {
        expect(recorded.has(name), `${name} is not in the recording`).toBe(true);
        expect(regs.has(name), `${name} is in the table now: remove it from the missing list`).toBe(false);
      }
      for (const name of MISSING_PROBE) {
        expect(rec.probe.registers[name], `${name} is not probed`).toBeDefined();
        expect(regs.has(name), `${name} is in the table now: remove it from MISSING_PROBE`).toBe(false);
      }
    });

    it("every probed MRS has QEMU's outcome (value or exception class), or is listed", () => {
      const wrong: string[] = [];
      for (const [name, p] of Object.entries(rec.probe.registers)) {
        const e = p.encoding;
        const row = findSysreg(e.op0, e.op1, e.CRn, e.CRm, e.op2, MODELS[model]);
        const ours = execute(model, p);
        const qemu = qemuOutcome(p);
        if (VARYING.includes(name)) {
          expect('value' in ours, `${name} reads`).toBe(true);
          continue;
        }
        if (MISSING_PROBE.includes(name)) {
          // Not implemented yet: UNDEFINED, never a host error.
          expect(ours, name).toEqual({ ec: 0 });
          continue;
        }
        const base = name.replace(/\[.*$/, '');
        if (base in deliberate) {
          expect(ours, `${name} differs on purpose (${deliberate[base]}) but matches`).not.toEqual(qemu);
          continue;
        }
        if (row === undefined && 'value' in qemu) wrong.push(`${name}: QEMU reads it, the table has no row`);
        else if (JSON.stringify(ours, (_k, v) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v)) !==
          JSON.stringify(qemu, (_k, v) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v))) {
          wrong.push(`${name}: QEMU ${JSON.stringify(qemu, (_k, v) => (typeof v === 'bigint' ? v.toString(16) : v))}, a64emu ${JSON.stringify(ours, (_k, v) => (typeof v === 'bigint' ? v.toString(16) : v))}`);
        }
      }
      expect(wrong).toEqual([]);
    });

    it('the deliberate ID register differences are exactly those of ID_FIELDS (src/sysregs/id.ts)', () => {
      const fromFields = new Set(idDeviations(MODELS[model]).map((d) => d.reg));
      const listed = Object.keys(deliberate).filter((n) => regs.get(n)?.flags.includes('CONST'));
      expect([...fromFields].sort()).toEqual(listed.sort());
    });
  });
}

const field = (v: string | null, lsb: number, width = 4): number => Number((BigInt(v!) >> BigInt(lsb)) & ((1n << BigInt(width)) - 1n));

describe('ID register fields say what a64emu implements (Arm ARM D17.2 field layouts)', () => {
  const value = (model: string, name: string): string | null => resetRegisters(model).find((r) => r.name === name)!.value;

  it('ID_AA64PFR0_EL1: EL0 and EL1 AArch64 only, no EL2/EL3; FP and AdvSIMD as QEMU 7.2 (1: FP16 on max, 0 on A57/A72)', () => {
    for (const model of ['cortex-a57', 'cortex-a72', 'max']) {
      const v = value(model, 'ID_AA64PFR0_EL1');
      expect([field(v, 0), field(v, 4), field(v, 8), field(v, 12)]).toEqual([1, 1, 0, 0]);
      // QEMU 7.2's ID_AA64PFR0_EL1 (models.ts): 0x22 on cortex-a57/a72, 0x1201001120110022 on max.
      expect([field(v, 16), field(v, 20)]).toEqual(model === 'max' ? [1, 1] : [0, 0]);
      expect(field(v, 32), 'SVE').toBe(0);
    }
  });

  it('ID_AA64ISAR0_EL1: CRC32 and the crypto extension on every model, Atomic (FEAT_LSE), RDM, SHA512, SHA3, DP on max only; ISAR1.LRCPC on max only', () => {
    // QEMU 7.2's cortex-a57: AES [7:4] = 2 (with PMULL), SHA1 [11:8] = 1, SHA2 [15:12] = 1, CRC32 [19:16] = 1
    expect(BigInt(value('cortex-a57', 'ID_AA64ISAR0_EL1')!)).toBe(0x11120n);
    // QEMU 7.2's max (0x1221111110212120) without SM3 [39:36], SM4 [43:40], TS, RNDR; FHM
    // [51:48] = 1 (FEAT_FHM) and TLB [59:56] = 2 (FEAT_TLBIOS and FEAT_TLBIRANGE) kept.
    expect(BigInt(value('max', 'ID_AA64ISAR0_EL1')!)).toBe(0x0201100110212120n);
    expect(field(value('max', 'ID_AA64ISAR1_EL1'), 20)).toBe(1);
    expect(field(value('cortex-a57', 'ID_AA64ISAR1_EL1'), 20)).toBe(0);
    expect(field(value('max', 'ID_AA64ISAR1_EL1'), 4), 'APA').toBe(0);
    // FEAT_JSCVT [15:12] and FEAT_FRINTTS [35:32] on max (QEMU 7.2: 1 and 1), not on A57
    expect([field(value('max', 'ID_AA64ISAR1_EL1'), 12), field(value('max', 'ID_AA64ISAR1_EL1'), 32)]).toEqual([1, 1]);
    expect([field(value('cortex-a57', 'ID_AA64ISAR1_EL1'), 12), field(value('cortex-a57', 'ID_AA64ISAR1_EL1'), 32)]).toEqual([0, 0]);
  });

  it('max: the MMU fields of ID_AA64MMFR0/1/2_EL1 are QEMU 7.2\'s where a64emu has the feature', () => {
    // QEMU 7.2 max: MMFR0 0x32310201126, MMFR1 0x11010211122, MMFR2 0x1021011010011011
    // (tests/sysregs/qemu/max-el1.json). Field by field (Arm ARM D17.2.64-66):
    // MMFR0: everything kept (PARange 6, ASIDBits 2, TGran* with FEAT_LPA2, SNSMem 1) but
    // BigEnd 1 -> 0.
    expect(BigInt(value('max', 'ID_AA64MMFR0_EL1')!)).toBe(0x32310201026n);
    // MMFR1: HAFDBS 2, VMIDBits 2, VH 1, HPDS 1, LO 1, PAN 2, XNX 1, HCX 1 kept; ETS 1 -> 0.
    expect(BigInt(value('max', 'ID_AA64MMFR1_EL1')!)).toBe(0x10010211122n);
    // MMFR2: UAO 1, VARange 1 (FEAT_LVA), ST 1 (FEAT_TTST), IDS 1, TTL 1 kept; CnP, IESB, FWB,
    // BBM, E0PD -> 0.
    expect(BigInt(value('max', 'ID_AA64MMFR2_EL1')!)).toBe(0x0001001010010010n);
  });

  it('ID_AA64MMFR0_EL1 keeps PARange and the granule fields as QEMU reports them; MMFR2.IDS on max', () => {
    expect(field(value('cortex-a57', 'ID_AA64MMFR0_EL1'), 0)).toBe(4); // 44 bits
    expect(field(value('max', 'ID_AA64MMFR0_EL1'), 0)).toBe(6); // 52 bits
    expect(field(value('max', 'ID_AA64MMFR2_EL1'), 36)).toBe(1);
    expect(field(value('cortex-a57', 'ID_AA64MMFR2_EL1'), 36)).toBe(0);
  });
});
