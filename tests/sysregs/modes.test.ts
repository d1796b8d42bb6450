// The EL2/EL3 registers' reset values in each start mode against QEMU 7.2's recordings
// (tests/sysregs/qemu/<model>-{el2,el3,el3-el2}.json): every register of an EL2/EL3 row
// has QEMU's value, and every EL2/EL3 register QEMU lists is in the table or listed below
// with the reason (the lists fail the test when they go stale). The EL1 mode is
// qemu-reset.test.ts's.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Cpu } from '../../src/cpu/cpu.js';
import { MODELS, modelForEl, type CpuModel } from '../../src/cpu/models.js';
import { Runner } from '../../src/cpu/run.js';
import { Slot } from '../../src/cpu/state.js';
import { COUNTER_FREQUENCY } from '../../src/machine/virt.js';
import type { PhysBus } from '../../src/mmu/memory.js';
import { hasRaw, readRaw, sysregByName, sysregTable } from '../../src/sysregs/table.js';

interface Probe {
  insn: string[];
  value: string | null;
  trapped?: { ec: string };
}
interface Recording {
  core: { cpsr: string };
  registers: Record<string, string>;
  probe: { registers: Record<string, Probe> };
}

const MODES = [
  { file: 'el2', model: (m: CpuModel) => modelForEl(m, 2), el: 2 },
  { file: 'el3', model: (m: CpuModel) => modelForEl(m, 3), el: 3 },
  // Not a CLI mode (`--el 3` is secure=on alone, as QEMU); the table supports both.
  { file: 'el3-el2', model: (m: CpuModel) => modelForEl(m, 3, { el2: true }), el: 3 },
];

/** Differences on purpose, with the reason. */
const DELIBERATE: Record<string, string> = {
  HCR_EL2: 'RW (bit 31) is RAO/WI: EL1 cannot use AArch32 here (QEMU models AArch32 EL1: 0)',
  SCR_EL3: 'RW (bit 10) is RAO/WI: no lower EL can use AArch32 here (QEMU: 0x30)',
};

/** EL2/EL3 registers QEMU 7.2 lists that the table does not have (yet), by reason. */
const NOT_YET: Record<string, string> = {
  DACR32_EL2: 'AArch32 state (no AArch32)', IFSR32_EL2: 'AArch32 state', FPEXC32_EL2: 'AArch32 state',
  SDER32_EL3: 'AArch32 state',
};
/** max only: registers of features a64emu does not implement (ID registers say so). */
const NOT_YET_MAX: Record<string, string> = {
  VSTCR_EL2: 'no FEAT_SEL2', VSTTBR_EL2: 'no FEAT_SEL2',
  ZCR_EL2: 'no SVE', ZCR_EL3: 'no SVE', SMCR_EL2: 'no SME', SMCR_EL3: 'no SME', SMPRIMAP_EL2: 'no SME',
};
/** Registers QEMU 7.2 keeps without EL3 (as qemu-reset.test.ts's MISSING_COMMON at EL1). */
const QEMU_WITHOUT_EL3: Record<string, string> = {
  ACTLR_EL3: 'QEMU registers it without EL3', MAIR_EL3: 'QEMU registers it without EL3', MDCR_EL3: 'QEMU registers it without EL3',
  SP_EL2: 'the banked SP_EL2 is core state; its MRS/MSR row needs EL3, the only EL that can execute it',
  SCXTNUM_EL3: 'QEMU registers it without EL3',
};

/** Why `reg`, listed by QEMU, is not in the table of `model`; undefined if it should be. */
function whyAbsent(reg: string, model: CpuModel): string | undefined {
  if (NOT_YET[reg]) return NOT_YET[reg];
  if (model.name === 'max') {
    if (NOT_YET_MAX[reg]) return NOT_YET_MAX[reg];
    if (reg === 'ZCR_EL12') return 'no SVE';
    if (reg === 'SMCR_EL12') return 'no SME';
  }
  if (!model.features.EL3 && QEMU_WITHOUT_EL3[reg]) return QEMU_WITHOUT_EL3[reg];
  return undefined;
}

const isElReg = (name: string): boolean => /_EL(2|3|12|02)$/.test(name);

function resetCpu(model: CpuModel, el: number): Cpu {
  const bus: PhysBus = { ram: new Uint8Array(4096), ramBase: 0x40000000, mmioRead: () => undefined, mmioWrite: () => false };
  const cpu = new Cpu(bus, model, { counterFrequency: COUNTER_FREQUENCY });
  cpu.resetTo(el, 0x40000000n);
  return cpu;
}

for (const name of ['cortex-a57', 'cortex-a72', 'max']) {
  for (const mode of MODES) {
    describe(`${name} ${mode.file}: EL2/EL3 reset values against QEMU 7.2`, () => {
      const rec = JSON.parse(readFileSync(new URL(`qemu/${name}-${mode.file}.json`, import.meta.url), 'utf8')) as Recording;
      const model = mode.model(MODELS[name]);
      const cpu = resetCpu(model, mode.el);

      it('starts at the recording\'s EL (cpsr) with the features of the mode', () => {
        expect(cpu.spsrBits).toBe(Number(rec.core.cpsr));
        expect(cpu.highestEl).toBe(mode.el);
      });

      it('every EL2/EL3 row has QEMU\'s value, except the deliberate differences', () => {
        const wrong: string[] = [];
        for (const row of sysregTable(model).rows) {
          if ((row.feature !== 'EL2' && row.feature !== 'EL3') || !hasRaw(row)) continue;
          const qemu = rec.registers[row.name];
          expect(qemu, `${row.name} is in QEMU's list`).toBeDefined();
          const ours = readRaw(cpu, row)!;
          const same = ours === BigInt(qemu);
          // Without EL2, the EL2 registers are RES0 from EL3 (table.ts el3NoEl2): HCR_EL2.RW too.
          const deliberate = row.name in DELIBERATE && (row.feature !== 'EL2' || model.features.EL2);
          if (deliberate) expect(same, `${row.name} differs on purpose but matches`).toBe(false);
          else if (!same) wrong.push(`${row.name}: QEMU ${qemu}, a64emu 0x${ours.toString(16)}`);
        }
        expect(wrong).toEqual([]);
      });

      it('every EL2/EL3 register QEMU lists is in the table, or absent with a reason (and only then)', () => {
        const wrong: string[] = [];
        for (const reg of Object.keys(rec.registers).filter(isElReg)) {
          const present = sysregByName(model, reg) !== undefined;
          const why = whyAbsent(reg, model);
          if (!present && why === undefined) wrong.push(`${reg}: missing from the table`);
          if (present && why !== undefined) wrong.push(`${reg}: in the table now, but listed as absent (${why})`);
        }
        expect(wrong).toEqual([]);
      });

      it('the probed MRS of EL2/EL3 registers and CurrentEL have QEMU\'s outcome at the start EL', () => {
        const wrong: string[] = [];
        for (const [reg, p] of Object.entries(rec.probe.registers)) {
          if (reg !== 'CurrentEL' && !(sysregByName(model, reg)?.feature?.startsWith('EL') ?? false)) continue;
          if (reg in DELIBERATE) continue;
          const c = resetCpu(model, mode.el);
          c.x[0] = 0x5a5a5a5aa5a5a5a5n;
          const words = p.insn.map(Number);
          words.forEach((w, i) => new DataView(c.mem.bus.ram.buffer).setUint32(4 * i, w, true));
          new Runner(c).run(words.length);
          const ours = c.pc === BigInt(0x40000000 + 4 * words.length) ? `0x${c.x[0].toString(16)}` : `ec ${Number(c.x[Slot.ESR_EL1 + c.el - 1] >> 26n)}`;
          const qemu = p.value !== null ? `0x${BigInt(p.value).toString(16)}` : `ec ${Number(p.trapped!.ec)}`;
          if (ours !== qemu) wrong.push(`${reg}: QEMU ${qemu}, a64emu ${ours}`);
        }
        expect(wrong).toEqual([]);
      });

      it('ID_AA64PFR0_EL1 says EL2/EL3 exactly when QEMU does (1, AArch64 only, where QEMU says 2)', () => {
        const qemu = BigInt(rec.probe.registers.ID_AA64PFR0_EL1.value!);
        const ours = readRaw(cpu, sysregByName(model, 'ID_AA64PFR0_EL1')!)!;
        for (const lsb of [8n, 12n]) {
          const q = (qemu >> lsb) & 0xfn;
          expect((ours >> lsb) & 0xfn, `field at ${lsb}`).toBe(q === 0n ? 0n : 1n);
        }
      });
    });
  }
}

describe('RVBAR_ELx: only the highest EL has one (Arm ARM D17.2, RVBAR_EL1/EL2/EL3; QEMU 7.2 lists one per mode)', () => {
  it('EL1, EL2, EL3 modes', () => {
    const names = (m: CpuModel) => sysregTable(m).rows.map((r) => r.name).filter((n) => n.startsWith('RVBAR'));
    const a57 = MODELS['cortex-a57'];
    expect(names(a57)).toEqual(['RVBAR_EL1']);
    expect(names(modelForEl(a57, 2))).toEqual(['RVBAR_EL2']);
    expect(names(modelForEl(a57, 3))).toEqual(['RVBAR_EL3']);
    expect(names(modelForEl(a57, 3, { el2: true }))).toEqual(['RVBAR_EL3']);
  });
});
