// KVM register IDs: decode, name, parse. References, cited per test:
// - the real KVM traces in tests/kvm/fixtures (Linux 6.1's KVM_GET_REG_LIST and
//   KVM_SET_ONE_REG results, recorded with ../shared/kvm/record.sh);
// - Linux Documentation/virt/kvm/api.rst ("KVM_SET_ONE_REG": the ID bit patterns and the arm64
//   core register table) and arch/arm64/include/uapi/asm/kvm.h (6.1);
// - arch/arm/include/uapi/asm/kvm.h and ptrace.h of Linux 5.6, the last with 32-bit KVM;
// - commits 1138245ccf96 (the draft notation) and aa404ddf952f (its correction) of Linux.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MODELS, modelForEl } from '../../src/cpu/models.js';
import {
  ccsidrId, coreId, decodeRegId, fwBmapId, fwId, hexId, KVM_REG_ARM_TIMER_CNT, KVM_REG_ARM_TIMER_CTL,
  KVM_REG_ARM_TIMER_CVAL, KVM_REG_SIZE_U128, KVM_REG_SIZE_U32, parseRegId, parseRegIdInput, RegIdError, regName,
  sysregId, sysregKvmId, type RegId,
} from '../../src/kvmcompat/regid.js';
import { ARM64_CORE, ARM_CORE } from '../../src/kvmcompat/regnames.js';
import { AARCH32_VIEWS, aarch32KvmId } from '../../src/sysregs/aarch32.js';
import { sysregTable } from '../../src/sysregs/table.js';

const FIXTURES = ['guest-cortex-a57.txt', 'guest-cortex-a57-run2.txt', 'guest-max.txt'];
const fixture = (name: string): string[] => readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8').split('\n');
/** The IDs of a fixture's lines of one kind (reset: the kernel's KVM_GET_REG_LIST, in order). */
const idsOf = (lines: string[], kind: 'reset' | 'final' | 'set'): RegId[] =>
  lines.filter((l) => l.startsWith(`${kind} `)).map((l) => BigInt(l.split(' ')[1]!));

const decodeError = (id: RegId): RegIdError => {
  try {
    decodeRegId(id);
  } catch (e) {
    if (e instanceof RegIdError) return e;
    throw e;
  }
  throw new Error(`${hexId(id)} decoded`);
};

/** Architecturally unallocated ID register encodings (op0 3, op1 0, CRn 0, CRm 1-7): no name. */
const unallocatedId = (id: RegId): boolean => {
  const d = decodeRegId(id).sysreg;
  return d !== undefined && d.op0 === 3 && d.op1 === 0 && d.crn === 0 && d.crm >= 1;
};

describe('the IDs of the real KVM traces', () => {
  for (const f of FIXTURES) {
    it(`${f}: every listed ID decodes and has a name`, () => {
      const lines = fixture(f);
      const listed = idsOf(lines, 'reset');
      // The trace's own count (reglist 242, the KVM_GET_REG_LIST answer).
      expect(listed).toHaveLength(Number(lines.find((l) => l.startsWith('reglist '))!.split(' ')[1]));
      for (const id of [...listed, ...idsOf(lines, 'final')]) {
        const d = decodeRegId(id);
        expect(d.id).toBe(id);
        expect(regName(id)).toBe(d.name);
        expect(d.name).not.toMatch(/^invalid/);
        if (d.kind === 'core') expect(d.core!.start).toBe(true);
        // Every sysreg KVM lists is named, except the ID-space encodings the architecture has
        // not allocated: KVM's own table (sys_regs.c ID_UNALLOCATED) names those
        // S3_0_0_<crm>_<op2>, and so does the Arm ARM's generic form.
        if (d.kind === 'sysreg' && !unallocatedId(id)) expect(d.name).not.toMatch(/^S\d_\d_C\d+_C\d+_\d$/);
        if (d.kind === 'sysreg' && /^S\d_/.test(d.name)) expect(d.notes.join()).toMatch(/ID_UNALLOCATED/);
      }
    });
  }

  it('the kernel lists exactly the arm64 core registers of struct kvm_regs (api.rst table)', () => {
    const listed = idsOf(fixture('guest-cortex-a57.txt'), 'reset').filter((id) => decodeRegId(id).kind === 'core');
    const expected = ARM64_CORE.map((m) => coreId(m.offset, m.words === 4 ? KVM_REG_SIZE_U128 : m.words === 1 ? KVM_REG_SIZE_U32 : undefined));
    expect(listed).toEqual(expected);
    expect(listed.map(regName).slice(31, 41)).toEqual(
      ['SP', 'PC', 'PSTATE', 'SP_EL1', 'ELR_EL1', 'SPSR_EL1', 'SPSR_ABT', 'SPSR_UND', 'SPSR_IRQ', 'SPSR_FIQ'],
    );
  });

  it('names the kinds of the listed IDs: 75 core, firmware 4 + 3 bitmaps, 3 CCSIDR, the rest sysregs', () => {
    const kinds = new Map<string, number>();
    for (const id of idsOf(fixture('guest-cortex-a57.txt'), 'reset')) {
      const k = decodeRegId(id).kind;
      kinds.set(k, (kinds.get(k) ?? 0) + 1);
    }
    // Counts from the trace itself (0x6030/0x6040/0x6020...0010, ...0014, ...0016, ...0011, ...0013).
    expect(Object.fromEntries(kinds)).toEqual({ core: 75, fw: 4, 'fw-bmap': 3, ccsidr: 3, sysreg: 157 });
  });

  it('the set cases: what decodes and what is refused, against the errno real KVM returned', () => {
    const sets = fixture('guest-cortex-a57.txt').filter((l) => l.startsWith('set ')).map((l) => l.split(' '));
    const byId = (hex: string) => sets.find((s) => s[1] === hex)!;
    // ok: PC, TPIDR_EL1, PSTATE.
    expect(byId('0x6030000000100040')[4]).toBe('ok');
    expect(regName(0x6030000000100040n)).toBe('PC');
    expect(regName(0x603000000013c684n)).toBe('TPIDR_EL1');
    // ENOENT: a sysreg ID with size U32. KVM's index_to_params accepts only U64.
    expect(byId('0x602000000013c684')[4]).toBe('ENOENT');
    expect(decodeError(0x602000000013c684n).message).toMatch(/TPIDR_EL1 is U64, not U32/);
    expect(regName(0x602000000013c684n)).toBe('invalid: TPIDR_EL1 as U32');
    // EINVAL: core offset 1, inside X0. It decodes, and says it is not a register start.
    expect(byId('0x6030000000100001')[4]).toBe('EINVAL');
    const mis = decodeRegId(0x6030000000100001n);
    expect(mis.core).toMatchObject({ offset: 1, start: false });
    expect(mis.core!.member.name).toBe('X0');
    expect(mis.name).toBe('X0[word 1]');
    expect(mis.notes.join()).toMatch(/not the start of a register/);
    // ENOENT: an encoding with no register (op0 3, op1 7, CRn 15, CRm 15, op2 7): a well-formed ID.
    expect(byId('0x603000000013ffff')[4]).toBe('ENOENT');
    expect(regName(0x603000000013ffffn)).toBe('S3_7_C15_C15_7');
  });

  it('the timer quirk, seen in the traces: the only value that differs between two runs is KVM_REG_ARM_TIMER_CNT, the counter', () => {
    const a = fixture('guest-cortex-a57.txt'), b = fixture('guest-cortex-a57-run2.txt');
    const differing = a.filter((l, i) => l !== b[i] && /^(reset|final) /.test(l)).map((l) => BigInt(l.split(' ')[1]!));
    expect(differing).toEqual([KVM_REG_ARM_TIMER_CNT, KVM_REG_ARM_TIMER_CNT]);
    const d = decodeRegId(KVM_REG_ARM_TIMER_CNT);
    expect(d.name).toBe('KVM_REG_ARM_TIMER_CNT');
    expect(d.sysreg!.register).toBe('CNTVCT_EL0');
    // Its encoding is CNTV_CVAL_EL0's (Arm ARM: op0 3, op1 3, CRn 14, CRm 3, op2 2).
    expect(d.sysreg).toMatchObject({ op0: 3, op1: 3, crn: 14, crm: 3, op2: 2 });
  });
});

describe('arm64 core registers', () => {
  // Encodings from api.rst's table (0x6030 0000 0010 0042 PSTATE, 0x6040 ... 0054 V0,
  // 0x6020 ... 00d4 FPSR, ...) and, for each, the trace's list; api.rst long printed SPSR_FIQ
  // as 0x6060 0000 0010 0050, a typo since corrected: the kernel lists 0x6030000000100050.
  const cases: [RegId, string, string][] = [
    [0x6030000000100000n, 'X0', 'regs.regs[0]'],
    [0x603000000010003cn, 'X30', 'regs.regs[30]'],
    [0x603000000010003en, 'SP', 'regs.sp'],
    [0x6030000000100040n, 'PC', 'regs.pc'],
    [0x6030000000100042n, 'PSTATE', 'regs.pstate'],
    [0x6030000000100044n, 'SP_EL1', 'sp_el1'],
    [0x6030000000100046n, 'ELR_EL1', 'elr_el1'],
    [0x6030000000100048n, 'SPSR_EL1', 'spsr[KVM_SPSR_EL1]'],
    [0x6030000000100050n, 'SPSR_FIQ', 'spsr[KVM_SPSR_FIQ]'],
    [0x6040000000100054n, 'V0', 'fp_regs.vregs[0]'],
    [0x60400000001000d0n, 'V31', 'fp_regs.vregs[31]'],
    [0x60200000001000d4n, 'FPSR', 'fp_regs.fpsr'],
    [0x60200000001000d5n, 'FPCR', 'fp_regs.fpcr'],
  ];
  for (const [id, name, member] of cases) {
    it(`${hexId(id)} is ${name}`, () => {
      const d = decodeRegId(id);
      expect(d).toMatchObject({ kind: 'core', arch: 'arm64', name });
      expect(d.core!.member.member).toBe(member);
      expect(parseRegId(name)).toBe(id);
      expect(parseRegId(name.toLowerCase())).toBe(id);
    });
  }

  it('aliases: SP_EL0 (user_pt_regs.sp is SP_EL0, kvm.h), SPSR_SVC (KVM_SPSR_SVC = KVM_SPSR_EL1)', () => {
    expect(parseRegId('SP_EL0')).toBe(0x603000000010003en);
    expect(parseRegId('spsr_svc')).toBe(0x6030000000100048n);
  });

  it('wrong sizes are errors: vregs are U128, fpsr/fpcr U32, the rest U64 (guest.c validate_core_offset: EINVAL)', () => {
    expect(decodeError(0x6020000000100042n).message).toMatch(/PSTATE is U64, not U32/);
    expect(decodeError(0x6030000000100054n).message).toMatch(/V0 is U128, not U64/);
    expect(decodeError(0x60300000001000d4n).message).toMatch(/FPSR is U32, not U64/);
    expect(decodeError(0x6080000000100000n).message).toMatch(/X0 is U64, not U2048/);
  });

  it('offsets in the padding, the reserved words or beyond struct kvm_regs are errors', () => {
    // spsr[] ends at word 82; fp_regs starts 16-byte aligned at word 84 (kvm.h layout).
    expect(decodeError(0x6030000000100052n).message).toMatch(/offset 0x52 is padding/);
    expect(decodeError(0x60200000001000d6n).message).toMatch(/padding/);
    expect(decodeError(0x6030000000100100n).message).toMatch(/beyond struct kvm_regs \(216 words\)/);
  });

  it('a misaligned offset inside a vreg decodes as that vreg, not a register start', () => {
    const d = decodeRegId(0x6040000000100056n);
    expect(d.name).toBe('V0[word 2]');
    expect(d.core!.start).toBe(false);
  });
});

describe('arm64 system registers', () => {
  it('SCTLR_EL1 is 0x603000000013c080 (the issue; api.rst: 0x6030 0000 0013 <op0:2> <op1:3> <crn:4> <crm:4> <op2:3>)', () => {
    expect(parseRegId('SCTLR_EL1')).toBe(0x603000000013c080n);
    expect(parseRegId('sctlr_el1')).toBe(0x603000000013c080n);
    expect(regName(0x603000000013c080n)).toBe('SCTLR_EL1');
    expect(decodeRegId(0x603000000013c080n).sysreg).toMatchObject({ op0: 3, op1: 0, crn: 1, crm: 0, op2: 0 });
    expect(parseRegId('S3_0_C1_C0_0')).toBe(0x603000000013c080n);
  });

  it('the timer IDs (arm64 kvm.h): CNT has CNTV_CVAL_EL0\'s encoding, CVAL CNTVCT_EL0\'s, CTL its own', () => {
    expect(KVM_REG_ARM_TIMER_CNT).toBe(0x603000000013df1an);
    expect(KVM_REG_ARM_TIMER_CVAL).toBe(0x603000000013df02n);
    const cval = decodeRegId(KVM_REG_ARM_TIMER_CVAL);
    expect(cval.name).toBe('KVM_REG_ARM_TIMER_CVAL');
    expect(cval.sysreg).toMatchObject({ op0: 3, op1: 3, crn: 14, crm: 0, op2: 2, register: 'CNTV_CVAL_EL0' });
    expect(cval.notes.join()).toMatch(/encoding is CNTVCT_EL0's/);
    // Names give the ID that carries the register.
    expect(parseRegId('CNTVCT_EL0')).toBe(KVM_REG_ARM_TIMER_CNT);
    expect(parseRegId('CNTV_CVAL_EL0')).toBe(KVM_REG_ARM_TIMER_CVAL);
    expect(parseRegId('kvm_reg_arm_timer_cnt')).toBe(KVM_REG_ARM_TIMER_CNT);
    expect(sysregKvmId(3, 3, 14, 0, 2)).toBe(KVM_REG_ARM_TIMER_CNT);
    expect(parseRegId('KVM_REG_ARM_TIMER_CTL')).toBe(KVM_REG_ARM_TIMER_CTL);
    expect(regName(KVM_REG_ARM_TIMER_CTL)).toBe('CNTV_CTL_EL0');
    // The generic name is the encoding, quirk or not.
    expect(parseRegId('S3_3_C14_C3_2')).toBe(KVM_REG_ARM_TIMER_CNT);
    expect(parseRegId('KVM_REG_ARM_PTIMER_CNT')).toBe(sysregId(3, 3, 14, 0, 1));
    expect(regName(sysregId(3, 3, 14, 0, 1))).toBe('CNTPCT_EL0');
  });

  it('KVM lists 16 breakpoint and watchpoint pairs and the AArch32 state registers: all named', () => {
    // From the trace: DBGBVR15_EL1 (2,0,0,15,4), DBGWCR15_EL1 (2,0,0,15,7), DBGVCR32_EL2,
    // DACR32_EL2, IFSR32_EL2, FPEXC32_EL2 (Arm ARM encodings).
    expect(regName(0x603000000013807cn)).toBe('DBGBVR15_EL1');
    expect(regName(0x603000000013807fn)).toBe('DBGWCR15_EL1');
    expect(regName(0x603000000013a038n)).toBe('DBGVCR32_EL2');
    expect(regName(0x603000000013e180n)).toBe('DACR32_EL2');
    expect(regName(0x603000000013e281n)).toBe('IFSR32_EL2');
    expect(regName(0x603000000013e298n)).toBe('FPEXC32_EL2');
  });

  it('every row of every model\'s table round-trips name -> ID -> name', () => {
    let rows = 0;
    for (const base of Object.values(MODELS)) {
      for (const model of [base, modelForEl(base, 2), modelForEl(base, 3), modelForEl(base, 3, { el2: true })]) {
        for (const r of sysregTable(model).rows) {
          rows++;
          const id = parseRegId(r.name);
          // SP_EL0, SP_EL1, ELR_EL1, SPSR_EL1, FPSR and FPCR are core registers for KVM (struct
          // kvm_regs), not in its sysreg space: the name gives the core ID, and the encoding's
          // ID (which KVM refuses) keeps the generic name.
          const core = ARM64_CORE.find((m) => m.name === r.name || m.aliases?.includes(r.name));
          if (core !== undefined) {
            expect(decodeRegId(id).core!.member).toBe(core);
            const enc = decodeRegId(sysregId(r.op0, r.op1, r.crn, r.crm, r.op2));
            expect(enc.name).toBe(`S${r.op0}_${r.op1}_C${r.crn}_C${r.crm}_${r.op2}`);
            expect(enc.sysreg!.register).toBe(r.name);
            expect(enc.notes.join()).toMatch(/in struct kvm_regs \(0x6/);
            continue;
          }
          expect(id).toBe(sysregKvmId(r.op0, r.op1, r.crn, r.crm, r.op2));
          const d = decodeRegId(id);
          if (/^S\d_\d_C\d+_C\d+_\d$/.test(r.name)) {
            // A reserved ID-space row: named by a later architecture (ID_AA64PFR2_EL1), or generic.
            expect(parseRegId(d.name)).toBe(id);
            continue;
          }
          const quirk = r.name === 'CNTVCT_EL0' || r.name === 'CNTV_CVAL_EL0';
          expect(d.sysreg!.register, r.name).toBe(r.name);
          expect(regName(id), r.name).toBe(quirk ? (r.name === 'CNTVCT_EL0' ? 'KVM_REG_ARM_TIMER_CNT' : 'KVM_REG_ARM_TIMER_CVAL') : r.name);
          expect(parseRegId(r.name.toLowerCase())).toBe(id);
        }
      }
    }
    expect(rows).toBeGreaterThan(1000);
  });

  it('a sysreg ID that is not U64 is an error (sys_regs.c index_to_params)', () => {
    expect(decodeError(0x604000000013c080n).message).toMatch(/SCTLR_EL1 is U64, not U128/);
    expect(decodeError(0x602000000013df1an).message).toMatch(/KVM_REG_ARM_TIMER_CNT is U64/);
  });
});

describe('arm64 firmware, bitmaps, CCSIDR, SVE', () => {
  it('firmware registers (kvm.h KVM_REG_ARM_FW_REG(r); the trace lists 0..3)', () => {
    const names = ['KVM_REG_ARM_PSCI_VERSION', 'KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1', 'KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2', 'KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3'];
    names.forEach((n, i) => {
      expect(fwId(i)).toBe(0x6030000000140000n + BigInt(i));
      expect(regName(fwId(i))).toBe(n);
      expect(parseRegId(n)).toBe(fwId(i));
    });
    expect(regName(0x6030000000140007n)).toBe('KVM_REG_ARM_FW_REG(7)');
    expect(parseRegId('KVM_REG_ARM_FW_REG(7)')).toBe(0x6030000000140007n);
    expect(decodeError(0x6020000000140000n).message).toMatch(/KVM_REG_ARM_PSCI_VERSION is U64, not U32/);
  });

  it('firmware feature bitmaps (kvm.h KVM_REG_ARM_FW_FEAT_BMAP_REG(r), 0x0016; the trace lists 0..2)', () => {
    ['KVM_REG_ARM_STD_BMAP', 'KVM_REG_ARM_STD_HYP_BMAP', 'KVM_REG_ARM_VENDOR_HYP_BMAP'].forEach((n, i) => {
      expect(fwBmapId(i)).toBe(0x6030000000160000n + BigInt(i));
      expect(regName(fwBmapId(i))).toBe(n);
      expect(parseRegId(n.toLowerCase())).toBe(fwBmapId(i));
    });
    expect(regName(0x6030000000160003n)).toBe('KVM_REG_ARM_FW_FEAT_BMAP_REG(3)');
  });

  it('CCSIDR by CSSELR value (api.rst 0x6020 0000 0011 00 <csselr:8>; the trace lists 0, 1, 2)', () => {
    expect(regName(0x6020000000110000n)).toBe('CCSIDR:0');
    expect(regName(0x6020000000110001n)).toBe('CCSIDR:1');
    expect(regName(0x6020000000110002n)).toBe('CCSIDR:2');
    // CSSELR_EL1: Level [3:1] is the cache level - 1, InD [0] selects the instruction cache.
    expect(Object.fromEntries(decodeRegId(0x6020000000110001n).fields).csselr).toBe('0x01 (level 1 instruction)');
    expect(Object.fromEntries(decodeRegId(0x6020000000110002n).fields).csselr).toBe('0x02 (level 2 data or unified)');
    expect(parseRegId('CCSIDR:2')).toBe(ccsidrId(2));
    expect(parseRegId('ccsidr_el1:0x2')).toBe(ccsidrId(2));
    expect(decodeError(0x6030000000110000n).message).toMatch(/CCSIDR:0 is U32, not U64/);
    expect(decodeError(0x6020000000110100n).message).toMatch(/unknown demux ID 0x01/);
  });

  it('SVE IDs (kvm.h KVM_REG_ARM64_SVE_ZREG/PREG/FFR/VLS; api.rst bit patterns)', () => {
    const cases: [RegId, string, string][] = [
      [0x6080000000150000n, 'Z0:0', 'Z0'], // ZREG(0, 0): U2048 | 0x15 << 16
      [0x60800000001503ffn, 'Z31:31', 'Z31'], // ZREG(31, 31): 31 << 5 | 31
      [0x6050000000150400n, 'P0:0', 'P0'], // PREG(0, 0): U256 | 0x400
      [0x60500000001505ffn, 'P15:31', 'P15'],
      [0x6050000000150600n, 'FFR:0', 'FFR'], // FFR(0): U256 | 0x600
      [0x606000000015ffffn, 'KVM_REG_ARM64_SVE_VLS', 'KVM_REG_ARM64_SVE_VLS'], // U512 | 0xffff
    ];
    for (const [id, name, short] of cases) {
      expect(regName(id)).toBe(name);
      expect(parseRegId(name)).toBe(id);
      if (!name.endsWith(':31')) expect(parseRegId(short)).toBe(id);
    }
    expect(decodeRegId(0x6080000000150061n).sve).toEqual({ reg: 'Z', n: 3, slice: 1 });
    expect(decodeError(0x6050000000150000n).message).toMatch(/Z0:0 is U2048, not U256/);
    expect(decodeError(0x6050000000150620n).message).toMatch(/SVE index 0x0620/);
    expect(() => parseRegId('Z32')).toThrow(/Z0-Z31/);
  });

  it('bad architecture bytes, groups and sizes are errors that say what is wrong', () => {
    expect(decodeError(0x2030000000000000n).message).toMatch(/KVM_REG_X86 ID/);
    expect(decodeError(0xa030000000130000n).message).toMatch(/unknown architecture byte 0xa0/);
    expect(decodeError(0x6030000000170000n).message).toMatch(/unknown arm64 register group 0x0017/);
    expect(decodeError(0x6030000000120000n).message).toMatch(/KVM_REG_ARM_VFP \(0x0012\) is a 32-bit ARM group/);
    expect(decodeError(0x6090000000100000n).message).toMatch(/size field 9/);
    expect(decodeError(0x6033000000130000n).message).toMatch(/bits 51..32 must be zero/);
    expect(decodeError(0x6030000010130000n).message).toMatch(/bits 31..28 must be zero/);
  });
});

describe('32-bit ARM IDs', () => {
  // ARM_CP15_REG32(op1, crn, crm, op2) and ARM_CP15_REG64(op1, crm) of arch/arm/include/uapi/asm/kvm.h.
  const cp15 = (opc1: number, crn: number, crm: number, opc2: number): RegId =>
    0x40200000000f0000n | BigInt((crn << 11) | (crm << 7) | (opc1 << 3) | opc2);
  const cp15x64 = (opc1: number, crm: number): RegId => 0x40300000000f0000n | BigInt((crm << 7) | (opc1 << 3));

  it('cp15 IDs of the uapi header: the timers (no quirk on 32-bit ARM)', () => {
    expect(regName(cp15(0, 14, 3, 1))).toBe('CNTV_CTL'); // KVM_REG_ARM_TIMER_CTL
    expect(regName(cp15x64(1, 14))).toBe('CNTVCT'); // KVM_REG_ARM_TIMER_CNT
    expect(regName(cp15x64(3, 14))).toBe('CNTV_CVAL'); // KVM_REG_ARM_TIMER_CVAL
    expect(regName(cp15(0, 14, 2, 1))).toBe('CNTP_CTL'); // KVM_REG_ARM_PTIMER_CTL
    expect(regName(cp15x64(0, 14))).toBe('CNTPCT'); // KVM_REG_ARM_PTIMER_CNT
    expect(regName(cp15x64(2, 14))).toBe('CNTP_CVAL'); // KVM_REG_ARM_PTIMER_CVAL
    expect(cp15x64(1, 14)).toBe(0x40300000000f0708n);
  });

  it('SCTLR is 0x40200000000F0800 (api.rst: 0x4020 0000 000F <zero:1> <crn:4> <crm:4> <opc1:4> <opc2:3>)', () => {
    expect(cp15(0, 1, 0, 0)).toBe(0x40200000000f0800n);
    const d = decodeRegId(0x40200000000f0800n);
    expect(d).toMatchObject({ arch: 'arm', kind: 'cp15', name: 'SCTLR', sizeBytes: 4 });
    expect(d.cp15).toMatchObject({ opc1: 0, crn: 1, crm: 0, opc2: 0, is64: false, secure: false });
    expect(parseRegId('SCTLR')).toBe(0x40200000000f0800n);
    expect(parseRegId('arm32:sctlr')).toBe(0x40200000000f0800n);
  });

  it('every AArch32 view of src/sysregs/aarch32.ts round-trips', () => {
    for (const v of AARCH32_VIEWS) {
      const id = aarch32KvmId(v);
      const name = regName(id);
      expect(parseRegId(name), v.name).toBe(id);
      expect(name.replace(/:64$/, ''), v.name).toBe(v.name);
      if (v.alt !== undefined) expect(parseRegId(v.alt)).toBe(id);
    }
    // TTBR0 has a 32-bit (MRC p15,0,c2,c0,0) and a 64-bit (MRRC p15,0,c2) form.
    expect(regName(cp15(0, 2, 0, 0))).toBe('TTBR0');
    expect(regName(cp15x64(0, 2))).toBe('TTBR0:64');
  });

  it('cp15 encodings without a view get a generic name that parses back', () => {
    expect(regName(cp15(0, 15, 0, 0))).toBe('cp15_0_c15_c0_0');
    expect(parseRegId('cp15_0_c15_c0_0')).toBe(cp15(0, 15, 0, 0));
    expect(regName(cp15x64(9, 15))).toBe('cp15_64_9_c15');
    expect(parseRegId('CP15_64_9_C15')).toBe(cp15x64(9, 15));
  });

  it('bit 28 is the Secure bank (kvm.h KVM_REG_ARM_SECURE_MASK)', () => {
    const d = decodeRegId(0x40200000100f0800n);
    expect(d.name).toBe('SCTLR(S)');
    expect(d.cp15!.secure).toBe(true);
    expect(parseRegId('SCTLR(S)')).toBe(0x40200000100f0800n);
  });

  it('cp15 errors: unused bits (coproc.c index_to_params), sizes, other coprocessors', () => {
    expect(decodeError(0x40300000000f0801n).message).toMatch(/64-bit cp15 ID has only CRm and Opc1/);
    expect(decodeError(0x40200000000f8000n).message).toMatch(/bit 15/);
    expect(decodeError(0x40400000000f0800n).message).toMatch(/cp15 registers are U32 or U64, not U128/);
    expect(decodeError(0x40200000000e0000n).message).toMatch(/unknown 32-bit ARM register group 0x000e/);
  });

  it('core registers: struct kvm_regs of 32-bit ARM, U32 words', () => {
    // usr_regs is struct pt_regs (uregs[18]: ARM_pc = uregs[15], ARM_cpsr 16, ARM_ORIG_r0 17);
    // then svc/abt/und/irq_regs[3] and fiq_regs[8] (kvm.h).
    expect(regName(0x4020000000100000n)).toBe('ARM_r0');
    expect(regName(0x402000000010000fn)).toBe('ARM_pc');
    expect(regName(0x4020000000100010n)).toBe('ARM_cpsr');
    expect(regName(0x4020000000100012n)).toBe('KVM_ARM_SVC_sp');
    expect(regName(0x4020000000100014n)).toBe('KVM_ARM_SVC_spsr');
    expect(regName(0x4020000000100025n)).toBe('KVM_ARM_FIQ_spsr');
    for (const m of ARM_CORE) expect(parseRegId(m.name)).toBe(0x4020000000100000n | BigInt(m.offset));
    expect(parseRegId('arm_r11')).toBe(0x402000000010000bn);
    expect(decodeError(0x4030000000100000n).message).toMatch(/ARM_r0 is U32, not U64/);
    expect(decodeError(0x4020000000100026n).message).toMatch(/beyond struct kvm_regs \(38 words\)/);
  });

  it('VFP registers (api.rst: 0x4030 0000 0012 0 <regno:12> D registers, 0x4020 0000 0012 1 <regno:12> control)', () => {
    expect(regName(0x4030000000120000n)).toBe('D0');
    expect(regName(0x403000000012001fn)).toBe('D31');
    // KVM_REG_ARM_VFP_FPSID 0x1000, FPSCR 0x1001, MVFR1 0x1006, MVFR0 0x1007, FPEXC 0x1008,
    // FPINST 0x1009, FPINST2 0x100A (arm kvm.h).
    const ctl: [number, string][] = [[0x1000, 'FPSID'], [0x1001, 'FPSCR'], [0x1006, 'MVFR1'], [0x1007, 'MVFR0'], [0x1008, 'FPEXC'], [0x1009, 'FPINST'], [0x100a, 'FPINST2']];
    for (const [n, name] of ctl) {
      expect(regName(0x4020000000120000n | BigInt(n))).toBe(name);
      expect(parseRegId(name)).toBe(0x4020000000120000n | BigInt(n));
    }
    expect(regName(0x4020000000121002n)).toBe('VFP_CTRL_0x2');
    expect(parseRegId('VFP_CTRL_0x2')).toBe(0x4020000000121002n);
    expect(decodeError(0x4030000000120020n).message).toMatch(/D0-D31/);
    expect(decodeError(0x4020000000120000n).message).toMatch(/D0 is U64, not U32/);
    expect(decodeError(0x4030000000121001n).message).toMatch(/FPSCR is U32, not U64/);
  });

  it('CCSIDR and firmware IDs, whose names arm64 also has, carry the arm32: prefix', () => {
    expect(regName(0x4020000000110002n)).toBe('arm32:CCSIDR:2');
    expect(parseRegId('arm32:CCSIDR:2')).toBe(0x4020000000110002n);
    expect(regName(0x4030000000140000n)).toBe('arm32:KVM_REG_ARM_PSCI_VERSION');
    expect(parseRegId('ARM32:KVM_REG_ARM_PSCI_VERSION')).toBe(0x4030000000140000n);
    expect(parseRegId('KVM_REG_ARM_PSCI_VERSION')).toBe(0x6030000000140000n);
  });
});

describe('the draft notation of the original KVM/ARM patches', () => {
  it('0x40020000000F0800 is SCTLR, canonical 0x40200000000F0800 (size moved from bits 51..48 to 55..52)', () => {
    const d = decodeRegId(0x40020000000f0800n);
    expect(d.id).toBe(0x40200000000f0800n);
    expect(d.draft).toBe(0x40020000000f0800n);
    expect(d.name).toBe('SCTLR');
    expect(d.fields[0]![0]).toBe('draft');
    expect(d.fields[0]![1]).toMatch(/canonical 0x40200000000f0800/);
    expect(regName(0x40020000000f0800n)).toBe('SCTLR');
    expect(parseRegIdInput('0x40020000000F0800')).toEqual({ id: 0x40200000000f0800n, draft: 0x40020000000f0800n });
    expect(parseRegId('0x4002 0000 000F 0800')).toBe(0x40200000000f0800n);
  });

  it('the 64-bit form 0x4003 0000 000F ..., and the core form 0x4002 0000 0010 ... of the draft api.txt', () => {
    expect(decodeRegId(0x40030000000f0100n)).toMatchObject({ id: 0x40300000000f0100n, name: 'TTBR0:64' });
    expect(decodeRegId(0x4002000000100000n)).toMatchObject({ id: 0x4020000000100000n, name: 'ARM_r0' });
  });

  it('the draft text\'s D registers (0x4002 0000 0012 0...) were wrong: the error says so', () => {
    expect(decodeError(0x4002000000120000n).message).toMatch(/draft notation of 0x4020000000120000: D0 is U64, not U32.*aa404ddf952f/);
  });

  it('arm64 IDs have no draft form', () => {
    expect(decodeError(0x6003000000130000n).message).toMatch(/bits 51..32 must be zero/);
  });
});

describe('parsing: names, hex, errors', () => {
  it('hex IDs, with underscores or spaces', () => {
    expect(parseRegId('0x603000000013c080')).toBe(0x603000000013c080n);
    expect(parseRegId('0X6030_0000_0013_C080')).toBe(0x603000000013c080n);
    expect(parseRegId(' 0x6030 0000 0013 c080 ')).toBe(0x603000000013c080n);
  });

  it('errors say what is wrong', () => {
    expect(() => parseRegId('')).toThrow(/empty/);
    expect(() => parseRegId('NOPE_EL1')).toThrow(/unknown register name 'NOPE_EL1'/);
    expect(() => parseRegId('V32')).toThrow(/unknown register name 'V32'/);
    expect(() => parseRegId('0x')).toThrow(/not a hex number/);
    expect(() => parseRegId('0x60zz')).toThrow(/not a hex number/);
    expect(() => parseRegId('0x1603000000013c080')).toThrow(/wider than 64 bits/);
    expect(() => parseRegId('0x602000000013c684')).toThrow(/TPIDR_EL1 is U64, not U32/);
    expect(() => parseRegId('S4_0_C0_C0_0')).toThrow(/op0 is 0-3/);
    expect(() => parseRegId('CCSIDR:256')).toThrow(/8 bits/);
    expect(() => parseRegId('PC(S)')).toThrow(/only cp15 registers have a Secure bank/);
    for (const bad of ['', 'NOPE', '0x', '0x1603000000013c080']) expect(() => parseRegId(bad)).toThrow(RegIdError);
  });

  it('every name regName gives parses back to its ID', () => {
    const ids: RegId[] = [];
    for (const base of Object.values(MODELS)) for (const r of sysregTable(modelForEl(base, 3, { el2: true })).rows) ids.push(sysregId(r.op0, r.op1, r.crn, r.crm, r.op2));
    for (let key = 0; key < 0x10000; key += 97) ids.push(0x6030000000130000n | BigInt(key)); // generic names too
    for (const m of ARM64_CORE) ids.push(parseRegId(m.name));
    for (let i = 0; i < 256; i++) ids.push(ccsidrId(i), 0x4020000000110000n | BigInt(i));
    for (let i = 0; i < 8; i++) ids.push(fwId(i), fwBmapId(i), 0x4030000000140000n | BigInt(i));
    for (let i = 0; i < 0x400; i += 7) ids.push(0x6080000000150000n | BigInt(i));
    for (let i = 0x400; i < 0x620; i += 5) ids.push(0x6050000000150000n | BigInt(i));
    for (let i = 0; i < 0x8000; i += 61) ids.push(0x40200000000f0000n | BigInt(i), 0x40200000100f0000n | BigInt(i));
    for (let i = 0; i < 0x800; i += 8) ids.push(0x40300000000f0000n | BigInt(i));
    for (let i = 0x1000; i < 0x1100; i++) ids.push(0x4020000000120000n | BigInt(i));
    for (const id of ids) expect(parseRegId(regName(id)), hexId(id)).toBe(id);
    expect(ids.length).toBeGreaterThan(2000);
  });

  it('regName is total: it names any 64-bit number without throwing', () => {
    let x = 0x9e3779b97f4a7c15n;
    const invalid = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      x = (x * 6364136223846793005n + 1442695040888963407n) & 0xffff_ffff_ffff_ffffn;
      // Half of them with an ARM architecture byte and clear middle bits, to reach the decoders.
      const id = i & 1 ? x : ((i & 2 ? 0x60n : 0x40n) << 56n) | (x & 0x00f0_0000_1fff_ffffn);
      const name = regName(id);
      expect(typeof name).toBe('string');
      expect(name.length).toBeGreaterThan(0);
      if (name.startsWith('invalid: ')) invalid.add(name.replace(/0x[0-9a-f]+/g, 'N'));
    }
    expect(invalid.size).toBeGreaterThan(5); // several kinds of refusal were reached
  });
});
