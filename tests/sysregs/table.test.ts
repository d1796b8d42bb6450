// The cpreg table itself: raw accessors, unimplemented encodings, KVM IDs, `a64emu regs`.
import { describe, expect, it } from 'vitest';
import { main, type CliIo } from '../../src/cli/main.js';
import { MODELS } from '../../src/cpu/models.js';
import { Slot } from '../../src/cpu/state.js';
import { Flag, findSysreg, hasRaw, kvmId, readRaw, sysregTable, writeRaw } from '../../src/sysregs/table.js';
import { makeCpu, RAM_BASE } from '../cpu/harness.js';

const MODEL_NAMES = Object.keys(MODELS);

describe('raw accessors', () => {
  for (const model of MODEL_NAMES) {
    it(`${model}: every row with state round-trips; CONST rows keep their value; NO_RAW rows have none`, () => {
      const { cpu } = makeCpu({ model });
      const rows = sysregTable(cpu.model).rows;
      rows.forEach((row, i) => {
        if (!hasRaw(row)) {
          expect(readRaw(cpu, row), row.name).toBeUndefined();
          expect(writeRaw(cpu, row, 1n), row.name).toBe(false);
          return;
        }
        if (row.flags & Flag.CONST) {
          const v = readRaw(cpu, row)!;
          expect(writeRaw(cpu, row, v), row.name).toBe(true);
          expect(writeRaw(cpu, row, v ^ 1n), row.name).toBe(false);
          expect(readRaw(cpu, row), row.name).toBe(v);
          return;
        }
        // Raw writes take every bit (no RES0 masks, no side effects).
        const v = 0x0123456789abcdefn ^ (BigInt(i) << 40n);
        expect(writeRaw(cpu, row, v), row.name).toBe(true);
        expect(readRaw(cpu, row), row.name).toBe(v);
      });
    });
  }

  it('raw access has no side effects and no access checks: SP_EL0 while it is the live SP, SP_EL1 at EL1', () => {
    const { cpu } = makeCpu({ model: 'cortex-a57' });
    const sp0 = findSysreg(3, 0, 4, 1, 0, cpu.model)!;
    const sp1 = findSysreg(3, 4, 4, 1, 0, cpu.model)!;
    cpu.selectSp(1, 0); // SP_EL0 selected: MRS SP_EL0 would be UNDEFINED
    expect(writeRaw(cpu, sp0, 0x1234n)).toBe(true);
    expect(cpu.x[Slot.SP]).toBe(0x1234n);
    expect(writeRaw(cpu, sp1, 0x5678n)).toBe(true);
    expect(readRaw(cpu, sp1)).toBe(0x5678n);
    cpu.selectSp(1, 1);
    expect(cpu.x[Slot.SP]).toBe(0x5678n);
  });

  it('reset values come from the rows: SCTLR_EL1 is the model value, CSSELR_EL1 0', () => {
    const t = makeCpu({ model: 'max' });
    const sctlr = findSysreg(3, 0, 1, 0, 0, t.cpu.model)!;
    const csselr = findSysreg(3, 2, 0, 0, 0, t.cpu.model)!;
    writeRaw(t.cpu, csselr, 3n);
    t.cpu.resetTo(1, BigInt(RAM_BASE));
    expect(readRaw(t.cpu, sctlr)).toBe(0xc50838n);
    expect(readRaw(t.cpu, csselr)).toBe(0n);
  });
});

/** Executes MRS X0, <op0..op2> at `el`; the exception class taken, or 'value'. */
function mrsOutcome(t: ReturnType<typeof makeCpu>, el: number, op0: number, op1: number, crn: number, crm: number, op2: number): number | 'value' {
  t.cpu.resetTo(1, BigInt(RAM_BASE));
  if (el === 0) t.cpu.selectSp(0, 0);
  const word = (0xd5300000 | ((op0 - 2) << 19) | (op1 << 16) | (crn << 12) | (crm << 8) | (op2 << 5)) >>> 0;
  t.load([word]);
  t.run(1);
  if (t.cpu.pc === BigInt(RAM_BASE + 4)) return 'value';
  expect(t.cpu.el, 'taken to EL1').toBe(1);
  return Number(t.cpu.x[Slot.ESR_EL1] >> 26n);
}

/** The ID space of FEAT_IDST: op0 3, op1 0/1/3, CRn 0, CRm 0-7. */
const inIdSpace = (op0: number, op1: number, crn: number, crm: number): boolean =>
  op0 === 3 && [0, 1, 3].includes(op1) && crn === 0 && crm < 8;

describe('unimplemented encodings', () => {
  for (const model of ['cortex-a57', 'max']) {
    it(`${model}: MRS of every encoding without a row (op0 2-3, all op1/CRn/CRm/op2) at EL1 is UNDEFINED, or EC 0x18 in the ID space with FEAT_IDST`, () => {
      const t = makeCpu({ model });
      const idst = t.cpu.model.features.IDST;
      let checked = 0;
      for (let op0 = 2; op0 <= 3; op0++) {
        for (let op1 = 0; op1 < 8; op1++) {
          for (let crn = 0; crn < 16; crn++) {
            for (let crm = 0; crm < 16; crm++) {
              for (let op2 = 0; op2 < 8; op2++) {
                if (findSysreg(op0, op1, crn, crm, op2, t.cpu.model)) continue;
                // EC 0x00: unknown reason (UNDEFINED); 0x18: MSR/MRS trap (Arm ARM D17.2.37).
                const expected = idst && inIdSpace(op0, op1, crn, crm) ? 0x18 : 0x00;
                const got = mrsOutcome(t, 1, op0, op1, crn, crm, op2);
                if (got !== expected) expect(`S${op0}_${op1}_C${crn}_C${crm}_${op2}: ${got}`).toBe(expected);
                checked++;
              }
            }
          }
        }
      }
      expect(checked).toBeGreaterThan(30000);
    });

    it(`${model}: at EL0, a sample of unimplemented and EL1-only encodings`, () => {
      const t = makeCpu({ model });
      const idst = t.cpu.model.features.IDST;
      // MIDR_EL1 (EL1 only), S3_0_C0_C0_1 (unallocated), S3_1_C0_C0_1 CLIDR_EL1, S3_3_C0_C0_2
      // (unallocated), S3_0_C1_C0_0 SCTLR_EL1 (not ID space), S3_7_C15_C15_7 (unallocated).
      expect(mrsOutcome(t, 0, 3, 0, 0, 0, 0)).toBe(idst ? 0x18 : 0);
      expect(mrsOutcome(t, 0, 3, 0, 0, 0, 1)).toBe(idst ? 0x18 : 0);
      expect(mrsOutcome(t, 0, 3, 1, 0, 0, 1)).toBe(idst ? 0x18 : 0);
      expect(mrsOutcome(t, 0, 3, 3, 0, 0, 2)).toBe(idst ? 0x18 : 0);
      expect(mrsOutcome(t, 0, 3, 0, 1, 0, 0)).toBe(0);
      expect(mrsOutcome(t, 0, 3, 7, 15, 15, 7)).toBe(0);
      // CTR_EL0 traps at EL0 while SCTLR_EL1.UCT is 0 (its reset value); DCZID_EL0 reads.
      expect(mrsOutcome(t, 0, 3, 3, 0, 0, 1)).toBe(0x18);
      expect(mrsOutcome(t, 0, 3, 3, 0, 0, 7)).toBe('value');
      expect(t.cpu.x[0]).toBe(0x14n); // DZP set: DC ZVA prohibited at EL0 while SCTLR_EL1.DZE is 0
    });
  }

  it('MSR to ID registers is UNDEFINED; writes to the IMPLEMENTATION DEFINED CONST registers are ignored', () => {
    const t = makeCpu({ model: 'cortex-a57' });
    t.cpu.x[1] = 0xffn;
    // msr midr_el1, x1 (S3_0_C0_C0_0)
    t.load([0xd5180001]);
    t.run(1);
    expect(Number(t.cpu.x[Slot.ESR_EL1] >> 26n)).toBe(0);
    // msr s3_1_c15_c2_0 (CPUACTLR_EL1), x1; mrs x2, s3_1_c15_c2_0
    t.cpu.resetTo(1, BigInt(RAM_BASE));
    t.cpu.x[1] = 0xffn;
    t.load([0xd519f201, 0xd539f202]);
    expect(t.run(2)).toBe(2);
    expect(t.cpu.x[2]).toBe(0n);
  });
});

describe('features', () => {
  it("a row of a feature the model lacks is absent: its encoding is UNDEFINED", () => {
    const base = MODELS['cortex-a57'];
    const without = { ...base, features: { ...base.features, IMPDEF_A57: false } };
    expect(findSysreg(3, 1, 15, 3, 0, base)?.name).toBe('CBAR_EL1');
    expect(findSysreg(3, 1, 15, 3, 0, without)).toBeUndefined();
    expect(sysregTable(without).rows.length).toBe(sysregTable(base).rows.length - 8);
  });
});

describe('KVM register IDs', () => {
  it('are KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM64_SYSREG | the encoding (Linux api.rst)', () => {
    // ARM64_SYS_REG(op0, op1, CRn, CRm, op2): 0x6030000000130000 | op0 << 14 | op1 << 11 |
    // CRn << 7 | CRm << 3 | op2. (KVM's own timer IDs KVM_REG_ARM_TIMER_CNT/CVAL swap the
    // encodings of CNTVCT_EL0 and CNTV_CVAL_EL0: the kvmcompat layer has to know that.)
    const m = MODELS['cortex-a57'];
    expect(kvmId(findSysreg(3, 0, 0, 0, 0, m)!)).toBe(0x603000000013c000n); // MIDR_EL1
    expect(kvmId(findSysreg(3, 0, 1, 0, 0, m)!)).toBe(0x603000000013c080n); // SCTLR_EL1
    expect(kvmId(findSysreg(3, 3, 14, 0, 2, m)!)).toBe(0x603000000013df02n); // CNTVCT_EL0
  });
});

async function regs(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = { stdout: '', stderr: '' };
  const io: Partial<CliIo> = {
    write: (stream, data) => {
      out[stream] += typeof data === 'string' ? data : new TextDecoder().decode(data);
    },
    stdin: null,
    env: {},
  };
  const code = await main(argv, io);
  return { code, ...out };
}

describe('a64emu regs', () => {
  it('--json: an array of {name, op0, op1, crn, crm, op2, flags, kvmId, value}, one per row', async () => {
    for (const model of MODEL_NAMES) {
      const r = await regs(['regs', '--cpu', model, '--json']);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      const rows = JSON.parse(r.stdout) as Record<string, unknown>[];
      expect(rows.length).toBe(sysregTable(MODELS[model]).rows.length);
      const names = new Set<string>();
      for (const row of rows) {
        expect(Object.keys(row)).toEqual(['name', 'op0', 'op1', 'crn', 'crm', 'op2', 'flags', 'kvmId', 'value']);
        const { name, op0, op1, crn, crm, op2, flags, kvmId: id, value } = row as {
          name: string; op0: number; op1: number; crn: number; crm: number; op2: number; flags: string[]; kvmId: string; value: string | null;
        };
        names.add(name);
        expect(id).toMatch(/^0x[0-9a-f]{16}$/);
        expect(BigInt(id)).toBe(kvmId({ op0, op1, crn, crm, op2 }));
        expect(flags.every((f) => ['ALIAS', 'NO_RAW', 'CONST', 'IO'].includes(f))).toBe(true);
        if (flags.includes('NO_RAW')) expect(value, name).toBeNull();
        else expect(value, name).toMatch(/^0x[0-9a-f]+$/);
      }
      expect(names.size).toBe(rows.length);
    }
  });

  it('--el 2 lists the EL2 registers with their reset values in that mode (QEMU 7.2, virtualization=on)', async () => {
    const json = async (argv: string[]) => JSON.parse((await regs(argv)).stdout) as { name: string; value: string | null }[];
    const el1 = await json(['regs', '--cpu', 'cortex-a57', '--json']);
    const el2 = await json(['regs', '--cpu', 'cortex-a57', '--el', '2', '--json']);
    expect(el1.find((r) => r.name === 'VPIDR_EL2')).toBeUndefined();
    // tests/sysregs/qemu/cortex-a57-el2.json: VPIDR_EL2 0x411fd070, VMPIDR_EL2 0x80000000,
    // MDCR_EL2 0x6, CNTHCTL_EL2 0x3.
    const v = (name: string) => el2.find((r) => r.name === name)?.value;
    expect([v('VPIDR_EL2'), v('VMPIDR_EL2'), v('MDCR_EL2'), v('CNTHCTL_EL2')]).toEqual(['0x411fd070', '0x80000000', '0x6', '0x3']);
    expect((await regs(['regs', '--el', '4'])).code).toBe(2);
  });

  it('--el 3 --virtualization lists EL3 and EL2 registers (QEMU 7.2, secure=on,virtualization=on)', async () => {
    const json = async (argv: string[]) => JSON.parse((await regs(argv)).stdout) as { name: string; value: string | null }[];
    const el3 = await json(['regs', '--cpu', 'cortex-a57', '--el', '3', '--json']);
    const both = await json(['regs', '--cpu', 'cortex-a57', '--el', '3', '--virtualization', '--json']);
    const v = (rows: typeof el3, name: string) => rows.find((r) => r.name === name)?.value;
    // tests/sysregs/qemu/cortex-a57-el3-el2.json: MDCR_EL2 0x6, VPIDR_EL2 0x411fd070, RVBAR_EL3 0x0.
    expect([v(both, 'MDCR_EL2'), v(both, 'VPIDR_EL2'), v(both, 'RVBAR_EL3')]).toEqual(['0x6', '0x411fd070', '0x0']);
    expect(v(el3, 'SCR_EL3')).toBe(v(both, 'SCR_EL3'));
    // Without EL2 (tests/sysregs/qemu/cortex-a57-el3.json), EL2 registers are RES0 from EL3.
    expect(v(el3, 'MDCR_EL2')).toBe('0x0');
    expect((await regs(['regs', '--virtualization'])).code).toBe(2);
  });

  it('prints a table by default (cortex-a57): one line per row after the header', async () => {
    const r = await regs(['regs']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.length).toBe(sysregTable(MODELS['cortex-a57']).rows.length + 1);
    expect(r.stdout).toMatch(/^MIDR_EL1 +3 +0 +0 +0 +0 +CONST +0x603000000013c000 +0x00000000411fd070$/m);
    expect(r.stdout).toMatch(/^CNTVCT_EL0 +3 +3 +14 +0 +2 +NO_RAW\|IO +0x603000000013df02 +-$/m);
    expect(r.stdout).toMatch(/^CNTFRQ_EL0 .* 0x0000000003b9aca0$/m); // the board's 62.5 MHz
  });
});
