// KVM register IDs (Linux Documentation/virt/kvm/api.rst "KVM_SET_ONE_REG", and the uapi
// headers include/uapi/linux/kvm.h, arch/arm64/include/uapi/asm/kvm.h). An ID is a 64-bit
// number: architecture (bits 63..56), size as log2 bytes (55..52), and an
// architecture-specific rest; on arm64 and arm, bits 31..16 select the coprocessor group.
//
// This file holds the encodings every part of src/kvmcompat shares, and the decoding,
// naming and parsing of every form (decodeRegId, regName, parseRegId); the name tables are
// data in regnames.ts.

import { aarch32KvmId, aarch32ViewByKvmId, AARCH32_VIEWS, type Aarch32View } from '../sysregs/aarch32.js';
import { encodingKey } from '../sysregs/table.js';
import {
  ARM64_CORE, ARM_CORE, ARM_CORE_WORDS, ARM_FW_COUNT, FW_BMAP_NAMES, FW_NAMES,
  VFP_CONTROL_NAMES, sysregNames, type CoreMember,
} from './regnames.js';

/** A register ID; always a non-negative 64-bit bigint. */
export type RegId = bigint;

export const KVM_REG_ARCH_MASK = 0xff00_0000_0000_0000n;
export const KVM_REG_ARM = 0x4000_0000_0000_0000n;
export const KVM_REG_ARM64 = 0x6000_0000_0000_0000n;
export const KVM_REG_SIZE_SHIFT = 52n;
export const KVM_REG_SIZE_MASK = 0x00f0_0000_0000_0000n;
export const KVM_REG_SIZE_U8 = 0n << KVM_REG_SIZE_SHIFT;
export const KVM_REG_SIZE_U16 = 1n << KVM_REG_SIZE_SHIFT;
export const KVM_REG_SIZE_U32 = 2n << KVM_REG_SIZE_SHIFT;
export const KVM_REG_SIZE_U64 = 3n << KVM_REG_SIZE_SHIFT;
export const KVM_REG_SIZE_U128 = 4n << KVM_REG_SIZE_SHIFT;
export const KVM_REG_SIZE_U256 = 5n << KVM_REG_SIZE_SHIFT;
export const KVM_REG_SIZE_U512 = 6n << KVM_REG_SIZE_SHIFT;
export const KVM_REG_SIZE_U1024 = 7n << KVM_REG_SIZE_SHIFT;
export const KVM_REG_SIZE_U2048 = 8n << KVM_REG_SIZE_SHIFT;

/** Coprocessor group (bits 31..16) on arm64 and arm. */
export const KVM_REG_ARM_COPROC_MASK = 0x0000_0000_0fff_0000n;
export const KVM_REG_ARM_COPROC_SHIFT = 16n;
export const KVM_REG_ARM_CORE = 0x0010n << KVM_REG_ARM_COPROC_SHIFT;
export const KVM_REG_ARM_DEMUX = 0x0011n << KVM_REG_ARM_COPROC_SHIFT;
export const KVM_REG_ARM_VFP = 0x0012n << KVM_REG_ARM_COPROC_SHIFT; // arm (32-bit) only
export const KVM_REG_ARM64_SYSREG = 0x0013n << KVM_REG_ARM_COPROC_SHIFT;
export const KVM_REG_ARM_FW = 0x0014n << KVM_REG_ARM_COPROC_SHIFT;
export const KVM_REG_ARM64_SVE = 0x0015n << KVM_REG_ARM_COPROC_SHIFT;
export const KVM_REG_ARM_FW_FEAT_BMAP = 0x0016n << KVM_REG_ARM_COPROC_SHIFT;

/** DEMUX: CCSIDR_EL1 per CSSELR value (KVM_REG_ARM_DEMUX_ID_CCSIDR | csselr). */
export const KVM_REG_ARM_DEMUX_ID_CCSIDR = 0x00n << 8n;

/** The size in bytes an ID's size field gives. */
export const regSizeBytes = (id: RegId): number => 1 << Number((id & KVM_REG_SIZE_MASK) >> KVM_REG_SIZE_SHIFT);

/**
 * Offsets into arm64 `struct kvm_regs`, in 32-bit words (the ID's low bits for
 * KVM_REG_ARM_CORE): user_pt_regs {regs[31], sp, pc, pstate}, sp_el1, elr_el1, spsr[5],
 * then user_fpsimd_state {__uint128_t vregs[32] (16-byte aligned: word 84), u32 fpsr, fpcr}.
 */
export const CORE_X0 = 0;
export const CORE_SP = 62;
export const CORE_PC = 64;
export const CORE_PSTATE = 66;
export const CORE_SP_EL1 = 68;
export const CORE_ELR_EL1 = 70;
export const CORE_SPSR0 = 72; // spsr[KVM_SPSR_EL1 = 0, ABT, UND, IRQ, FIQ]
export const CORE_V0 = 84;
export const CORE_FPSR = 212;
export const CORE_FPCR = 213;
/** Size of struct kvm_regs in words (vregs end at 212; fpsr, fpcr, 2 reserved). */
export const CORE_WORDS = 216;

/** The ID of a core register at word offset `off` with `size` (a KVM_REG_SIZE_* value). */
export const coreId = (off: number, size: bigint = KVM_REG_SIZE_U64): RegId =>
  KVM_REG_ARM64 | size | KVM_REG_ARM_CORE | BigInt(off);

/** The core registers' IDs (struct kvm_regs members). */
export const ID_X = (n: number): RegId => coreId(CORE_X0 + 2 * n);
export const ID_SP = coreId(CORE_SP);
export const ID_PC = coreId(CORE_PC);
export const ID_PSTATE = coreId(CORE_PSTATE);
export const ID_SP_EL1 = coreId(CORE_SP_EL1);
export const ID_ELR_EL1 = coreId(CORE_ELR_EL1);
export const ID_SPSR = (i: number): RegId => coreId(CORE_SPSR0 + 2 * i);
export const ID_V = (n: number): RegId => coreId(CORE_V0 + 4 * n, KVM_REG_SIZE_U128);
export const ID_FPSR = coreId(CORE_FPSR, KVM_REG_SIZE_U32);
export const ID_FPCR = coreId(CORE_FPCR, KVM_REG_SIZE_U32);

/** The ID of an AArch64 system register (op0 << 14 | op1 << 11 | CRn << 7 | CRm << 3 | op2). */
export const sysregId = (op0: number, op1: number, crn: number, crm: number, op2: number): RegId =>
  KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM64_SYSREG |
  BigInt(((op0 & 3) << 14) | ((op1 & 7) << 11) | ((crn & 15) << 7) | ((crm & 15) << 3) | (op2 & 7));

/** The ID of a firmware pseudo-register (KVM_REG_ARM_FW, U64). */
export const fwId = (n: number): RegId => KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_FW | BigInt(n);
/** The ID of a firmware feature bitmap register (KVM_REG_ARM_FW_FEAT_BMAP, U64). */
export const fwBmapId = (n: number): RegId => KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_FW_FEAT_BMAP | BigInt(n);
/** The ID of CCSIDR for a CSSELR value (KVM_REG_ARM_DEMUX, U32). */
export const ccsidrId = (csselr: number): RegId =>
  KVM_REG_ARM64 | KVM_REG_SIZE_U32 | KVM_REG_ARM_DEMUX | KVM_REG_ARM_DEMUX_ID_CCSIDR | BigInt(csselr & 0xff);

/** The timer registers (arch/arm64/include/uapi/asm/kvm.h); CNT and CVAL carry each other's encodings. */
export const KVM_REG_ARM_TIMER_CTL = sysregId(3, 3, 14, 3, 1);
export const KVM_REG_ARM_TIMER_CNT = sysregId(3, 3, 14, 3, 2); // architecturally CNTV_CVAL_EL0
export const KVM_REG_ARM_TIMER_CVAL = sysregId(3, 3, 14, 0, 2); // architecturally CNTVCT_EL0

/** 0x-prefixed, 16 hex digits. */
export const hexId = (id: RegId): string => `0x${id.toString(16).padStart(16, '0')}`;

// ---------------------------------------------------------------------------------------
// Decoding, naming and parsing every ID form (api.rst "KVM_SET_ONE_REG", arm64 and ARM
// sections; arch/arm64/include/uapi/asm/kvm.h; arch/arm/include/uapi/asm/kvm.h of Linux 5.6,
// the last with 32-bit KVM). Names come from regnames.ts and src/sysregs/aarch32.ts.
//
// The draft notation: the original KVM/ARM series (commit 1138245ccf96, "KVM: ARM: User
// space API for getting/setting co-proc registers", and the api.txt of Linux 3.9) wrote the
// 32-bit ARM IDs with the size field one nibble low, in bits 51..48: 0x4002 0000 000F ...
// for 32-bit cp15 registers, 0x4003 0000 000F ... for 64-bit ones (also 0x4002 for core,
// CCSIDR and VFP IDs). Commit aa404ddf952f ("KVM: ARM: Fix API documentation for ONE_REG
// encoding", Linux 3.10) corrected the text; the kernel always used bits 55..52. An ARM ID
// whose bits 55..52 are zero and bits 51..48 are not is read as the draft notation:
// canonical = draft with bits 51..48 moved to 55..52 (0x40020000000F0800, SCTLR, is
// canonical 0x40200000000F0800).

/** An ID that is not a register of the ABI, or a name or number that is not an ID. */
export class RegIdError extends Error {
  override name = 'RegIdError';
  constructor(
    message: string,
    /** A short description of the ID for regName ("VBAR_EL1 as U32"). */
    readonly brief: string = 'invalid ID',
  ) {
    super(message);
  }
}

export type RegIdKind = 'core' | 'sysreg' | 'fw' | 'fw-bmap' | 'ccsidr' | 'sve' | 'cp15' | 'vfp';

export interface DecodedRegId {
  /** The canonical ID. */
  readonly id: RegId;
  /** The ID as given, when it was in the draft notation. */
  readonly draft?: RegId;
  readonly arch: 'arm64' | 'arm';
  readonly sizeBytes: number;
  readonly kind: RegIdKind;
  readonly name: string;
  /** The decoded fields, in display order. */
  readonly fields: readonly (readonly [string, string])[];
  /** What else the ID says: the timer quirk, a misaligned core offset, the draft notation. */
  readonly notes: readonly string[];
  /** core: the member the offset falls in, and whether it is the member's first word. */
  readonly core?: { readonly offset: number; readonly member: CoreMember; readonly start: boolean };
  /** sysreg: the encoding, and the register the ID carries (differs for the timer quirk). */
  readonly sysreg?: { readonly op0: number; readonly op1: number; readonly crn: number; readonly crm: number; readonly op2: number; readonly register: string };
  /** cp15 (32-bit ARM): the coordinates, and the AArch32 view when a64emu knows the register. */
  readonly cp15?: { readonly opc1: number; readonly crn: number; readonly crm: number; readonly opc2: number; readonly is64: boolean; readonly secure: boolean; readonly view?: Aarch32View };
  /** fw, fw-bmap: the register number; ccsidr: the CSSELR value; vfp: the register number. */
  readonly index?: number;
  /** sve: the register and slice. */
  readonly sve?: { readonly reg: 'Z' | 'P' | 'FFR' | 'VLS'; readonly n: number; readonly slice: number };
}

const KVM_REG_ARM64_SVE_VLS = KVM_REG_ARM64 | KVM_REG_SIZE_U512 | KVM_REG_ARM64_SVE | 0xffffn;
/** Bit 28 of a 32-bit ARM cp15 ID: the Secure bank (arm kvm.h KVM_REG_ARM_SECURE_MASK; KVM never used it). */
const KVM_REG_ARM_SECURE = 1n << 28n;

/** The architecture bytes of the other KVM ports (include/uapi/linux/kvm.h). */
const OTHER_ARCH: Readonly<Record<number, string>> = {
  0x10: 'KVM_REG_PPC', 0x20: 'KVM_REG_X86', 0x30: 'KVM_REG_IA64', 0x50: 'KVM_REG_S390',
  0x70: 'KVM_REG_MIPS', 0x80: 'KVM_REG_RISCV', 0x90: 'KVM_REG_LOONGARCH',
};
const GROUP_NAMES: Readonly<Record<number, string>> = {
  0x10: 'KVM_REG_ARM_CORE', 0x11: 'KVM_REG_ARM_DEMUX', 0x12: 'KVM_REG_ARM_VFP', 0x13: 'KVM_REG_ARM64_SYSREG',
  0x14: 'KVM_REG_ARM_FW', 0x15: 'KVM_REG_ARM64_SVE', 0x16: 'KVM_REG_ARM_FW_FEAT_BMAP',
};

const sizeLabel = (bytes: number): string => `U${bytes * 8}`;
const hex = (n: number, digits = 1): string => `0x${n.toString(16).padStart(digits, '0')}`;

/** The sysreg ID whose value is CNTVCT_EL0 (KVM_REG_ARM_TIMER_CNT) and CNTV_CVAL_EL0 (_CVAL). */
const TIMER_QUIRK: ReadonlyMap<RegId, { kvm: string; register: string; encodingOf: string }> = new Map([
  [KVM_REG_ARM_TIMER_CNT, { kvm: 'KVM_REG_ARM_TIMER_CNT', register: 'CNTVCT_EL0', encodingOf: 'CNTV_CVAL_EL0' }],
  [KVM_REG_ARM_TIMER_CVAL, { kvm: 'KVM_REG_ARM_TIMER_CVAL', register: 'CNTV_CVAL_EL0', encodingOf: 'CNTVCT_EL0' }],
]);

/**
 * The KVM ID that carries the system register op0..op2: its ARM64_SYS_REG encoding, except
 * CNTVCT_EL0 and CNTV_CVAL_EL0, whose IDs are swapped (KVM_REG_ARM_TIMER_CNT/_CVAL).
 */
export function sysregKvmId(op0: number, op1: number, crn: number, crm: number, op2: number): RegId {
  const id = sysregId(op0, op1, crn, crm, op2);
  if (id === KVM_REG_ARM_TIMER_CNT) return KVM_REG_ARM_TIMER_CVAL;
  if (id === KVM_REG_ARM_TIMER_CVAL) return KVM_REG_ARM_TIMER_CNT;
  return id;
}

const genericSysreg = (op0: number, op1: number, crn: number, crm: number, op2: number): string =>
  `S${op0}_${op1}_C${crn}_C${crm}_${op2}`;

/** The table name of an encoding, or its generic name. */
function sysregName(op0: number, op1: number, crn: number, crm: number, op2: number): string {
  return sysregNames().byKey.get(encodingKey(op0, op1, crn, crm, op2)) ?? genericSysreg(op0, op1, crn, crm, op2);
}

const ARM64_CORE_NAMES = new Set(ARM64_CORE.flatMap((m) => [m.name, ...(m.aliases ?? [])].map((n) => n.toLowerCase())));

/** The member of `members` that holds word `off`, if any. */
const memberAt = (members: readonly CoreMember[], off: number): CoreMember | undefined =>
  members.find((m) => off >= m.offset && off < m.offset + m.words);

/**
 * The size in bytes of the arm64 struct kvm_regs member that holds word `off` (0 for padding
 * and __reserved): Linux guest.c core_reg_size_from_offset.
 */
export const coreMemberBytes = (off: number): number => (memberAt(ARM64_CORE, off)?.words ?? 0) * 4;

/** The canonical form of an ID given in the draft notation, or undefined. */
export function draftToCanonical(id: RegId): RegId | undefined {
  if ((id & KVM_REG_ARCH_MASK) !== KVM_REG_ARM) return undefined;
  const draftSize = (id >> 48n) & 0xfn;
  if ((id & KVM_REG_SIZE_MASK) !== 0n || draftSize === 0n) return undefined;
  return (id & ~(0xfn << 48n)) | (draftSize << KVM_REG_SIZE_SHIFT);
}

/**
 * The structured fields of a register ID of any form of the arm64 and 32-bit ARM ABIs (an ID
 * in the draft notation too). Throws RegIdError for IDs that are not registers: another
 * architecture, an unknown group, a wrong size, bits that must be zero, an offset outside
 * the struct or in its padding, an unknown demux or SVE index.
 */
export function decodeRegId(id: RegId): DecodedRegId {
  if (id < 0n || id > 0xffff_ffff_ffff_ffffn) throw new RegIdError(`${id} is not a 64-bit ID`, 'not a 64-bit ID');
  const canonical = draftToCanonical(id);
  if (canonical !== undefined) {
    let d: DecodedRegId;
    try {
      d = decodeCanonical(canonical);
    } catch (e) {
      if (!(e instanceof RegIdError)) throw e;
      const dregs = (canonical & KVM_REG_ARM_COPROC_MASK) === KVM_REG_ARM_VFP && (canonical & 0xffffn) < 0x1000n
        ? ' (the draft text gave the D registers as 0x4002 0000 0012 0..., which commit aa404ddf952f corrected to 0x4030: they are U64)'
        : '';
      throw new RegIdError(`${hexId(id)} is the draft notation of ${e.message}${dregs}`, `draft ${e.brief}`);
    }
    const draft = ['draft', `${hexId(id)}: the original KVM/ARM patches' notation (size in bits 51..48) of canonical ${hexId(canonical)}`] as const;
    return { ...d, draft: id, fields: [draft, ...d.fields] };
  }
  return decodeCanonical(id);
}

/**
 * A 32-bit ARM name that would read as an arm64 register (CCSIDR:0, the firmware names)
 * gets the arm32: prefix, so that every name parses back to its ID.
 */
function decodeCanonical(id: RegId): DecodedRegId {
  const d = decodeForm(id);
  if (d.arch !== 'arm' || d.name.startsWith('arm32:')) return d;
  let clash: RegId | undefined;
  try {
    clash = resolveArm64(d.name);
  } catch {
    clash = undefined;
  }
  return clash === undefined ? d : { ...d, name: `arm32:${d.name}` };
}

function decodeForm(id: RegId): DecodedRegId {
  const archByte = Number(id >> 56n);
  const arch = archByte === 0x60 ? 'arm64' : archByte === 0x40 ? 'arm' : undefined;
  if (arch === undefined) {
    const other = OTHER_ARCH[archByte];
    throw new RegIdError(
      other !== undefined
        ? `${hexId(id)} is a ${other} ID (architecture byte ${hex(archByte, 2)}), not arm64 (0x60) or 32-bit ARM (0x40)`
        : `${hexId(id)}: unknown architecture byte ${hex(archByte, 2)} (arm64 is 0x60, 32-bit ARM 0x40)`,
      other !== undefined ? `${other} ID` : `architecture ${hex(archByte, 2)}`,
    );
  }
  const sizeField = Number((id & KVM_REG_SIZE_MASK) >> KVM_REG_SIZE_SHIFT);
  if (sizeField > 8) throw new RegIdError(`${hexId(id)}: size field ${sizeField} is not a KVM_REG_SIZE value (0-8, U8-U2048)`, `size field ${sizeField}`);
  const sizeBytes = 1 << sizeField;
  const mid = Number((id >> 32n) & 0xfffffn);
  if (mid !== 0) {
    throw new RegIdError(`${hexId(id)}: bits 51..32 must be zero (they are ${hex(mid, 5)})`, 'bits 51..32 set');
  }
  const group = Number((id & KVM_REG_ARM_COPROC_MASK) >> KVM_REG_ARM_COPROC_SHIFT);
  const top = Number((id >> 28n) & 0xfn);
  const low = Number(id & 0xffffn);
  const base = { id, arch, sizeBytes } as const;
  const groupField = (g: number): readonly [string, string] => ['group', `${GROUP_NAMES[g] ?? (g === 15 ? 'coprocessor 15 (cp15)' : '?')} (${hex(g, 4)})`];
  const head: (readonly [string, string])[] = [['arch', arch === 'arm64' ? 'arm64 (KVM_REG_ARM64)' : '32-bit ARM (KVM_REG_ARM)'], ['size', sizeLabel(sizeBytes)]];
  const wrongSize = (what: string, want: string, name: string): never => {
    throw new RegIdError(`${hexId(id)}: ${name} is ${want}, not ${sizeLabel(sizeBytes)} (${what})`, `${name} as ${sizeLabel(sizeBytes)}`);
  };
  if (top !== 0 && !(arch === 'arm' && group === 15 && top === 1)) {
    throw new RegIdError(`${hexId(id)}: bits 31..28 must be zero (they are ${hex(top)})`, 'bits 31..28 set');
  }

  const core = (members: readonly CoreMember[], words: number): DecodedRegId => {
    const off = Number(id & 0xffffn);
    if (off >= words) {
      throw new RegIdError(`${hexId(id)}: core offset ${hex(off)} is beyond struct kvm_regs (${words} words)`, `core offset ${hex(off)}`);
    }
    const m = memberAt(members, off);
    if (m === undefined) {
      throw new RegIdError(`${hexId(id)}: core offset ${hex(off)} is padding in struct kvm_regs, no register`, `core offset ${hex(off)} (padding)`);
    }
    if (sizeBytes !== m.words * 4) wrongSize('KVM_REG_ARM_CORE', sizeLabel(m.words * 4), m.name);
    const start = off === m.offset;
    const name = start ? m.name : `${m.name}[word ${off - m.offset}]`;
    return {
      ...base, kind: 'core', name,
      fields: [...head, groupField(0x10), ['offset', `${hex(off)} words (${off * 4} bytes)`], ['member', m.member]],
      notes: start ? [] : [`offset ${hex(off)} is word ${off - m.offset} of ${m.name} (${hex(m.offset)}), not the start of a register: KVM answers EINVAL`],
      core: { offset: off, member: m, start },
    };
  };

  if (arch === 'arm64') {
    switch (group) {
      case 0x10:
        return core(ARM64_CORE, CORE_WORDS);
      case 0x13: {
        const op0 = low >> 14, op1 = (low >> 11) & 7, crn = (low >> 7) & 15, crm = (low >> 3) & 15, op2 = low & 7;
        const quirk = TIMER_QUIRK.get(id & ~KVM_REG_SIZE_MASK | KVM_REG_SIZE_U64);
        const archName = sysregName(op0, op1, crn, crm, op2);
        if (sizeBytes !== 8) wrongSize('KVM_REG_ARM64_SYSREG', 'U64', quirk?.kvm ?? archName);
        const enc: (readonly [string, string])[] = [['op0', `${op0}`], ['op1', `${op1}`], ['CRn', `${crn}`], ['CRm', `${crm}`], ['op2', `${op2}`]];
        if (quirk !== undefined) {
          return {
            ...base, kind: 'sysreg', name: quirk.kvm,
            fields: [...head, groupField(0x13), ...enc, ['register', quirk.register]],
            notes: [`${quirk.kvm} carries ${quirk.register} although its encoding is ${quirk.encodingOf}'s: the two timer IDs were swapped by accident and stay so (arch/arm64/include/uapi/asm/kvm.h, api.rst)`],
            sysreg: { op0, op1, crn, crm, op2, register: quirk.register },
          };
        }
        // A table name that is also a core register's name (SPSR_irq ~ SPSR_IRQ) would not parse back.
        const name = ARM64_CORE_NAMES.has(archName.toLowerCase()) ? genericSysreg(op0, op1, crn, crm, op2) : archName;
        const notes: string[] = [];
        if (name !== archName) {
          notes.push(`KVM carries ${archName} in struct kvm_regs (${hexId(nameMaps().arm64.get(archName.toLowerCase())!)}), not under this sysreg ID`);
        } else if (op0 === 3 && op1 === 0 && crn === 0 && crm >= 1 && name === genericSysreg(op0, op1, crn, crm, op2)) {
          notes.push('an ID register encoding the architecture has not allocated: KVM lists it (sys_regs.c ID_UNALLOCATED) and it reads as zero');
        }
        return {
          ...base, kind: 'sysreg', name,
          fields: [...head, groupField(0x13), ...enc, ...(name !== archName ? [['register', archName] as const] : [])],
          notes, sysreg: { op0, op1, crn, crm, op2, register: archName },
        };
      }
      case 0x14:
      case 0x16: {
        const names = group === 0x14 ? FW_NAMES : FW_BMAP_NAMES;
        const name = names[low] ?? (group === 0x14 ? `KVM_REG_ARM_FW_REG(${low})` : `KVM_REG_ARM_FW_FEAT_BMAP_REG(${low})`);
        if (sizeBytes !== 8) wrongSize(GROUP_NAMES[group]!, 'U64', name);
        return { ...base, kind: group === 0x14 ? 'fw' : 'fw-bmap', name, fields: [...head, groupField(group), ['regno', `${low}`]], notes: [], index: low };
      }
      case 0x11:
        return ccsidr(id, base, head, groupField(0x11), low);
      case 0x15:
        return sve(id, base, head, groupField(0x15), low);
      default:
        throw new RegIdError(
          `${hexId(id)}: ${group === 0x12 ? 'KVM_REG_ARM_VFP (0x0012) is a 32-bit ARM group' : `unknown arm64 register group ${hex(group, 4)}`} (arm64 has 0x0010 core, 0x0011 demux, 0x0013 sysreg, 0x0014 firmware, 0x0015 SVE, 0x0016 firmware bitmaps)`,
          `arm64 group ${hex(group, 4)}`,
        );
    }
  }

  switch (group) {
    case 0x10:
      return core(ARM_CORE, ARM_CORE_WORDS);
    case 15:
      return cp15(id, base, head, groupField(15), sizeBytes, top === 1);
    case 0x11:
      return ccsidr(id, base, head, groupField(0x11), low);
    case 0x12: {
      if (low < 0x1000) {
        if (low >= 32) throw new RegIdError(`${hexId(id)}: VFP register ${low}: 32-bit ARM has D0-D31`, `VFP ${low}`);
        if (sizeBytes !== 8) wrongSize('KVM_REG_ARM_VFP', 'U64', `D${low}`);
        return { ...base, kind: 'vfp', name: `D${low}`, fields: [...head, groupField(0x12), ['regno', hex(low, 3)]], notes: [], index: low };
      }
      if (low >= 0x2000) throw new RegIdError(`${hexId(id)}: VFP index ${hex(low, 4)} is neither a D register (0x0000-0x001f) nor a control register (0x1xxx)`, `VFP ${hex(low, 4)}`);
      const name = VFP_CONTROL_NAMES.get(low) ?? aarch32ViewByKvmId(KVM_REG_ARM | KVM_REG_SIZE_U32 | KVM_REG_ARM_VFP | BigInt(low))?.name ?? `VFP_CTRL_${hex(low & 0xfff)}`;
      if (sizeBytes !== 4) wrongSize('KVM_REG_ARM_VFP control register', 'U32', name);
      return { ...base, kind: 'vfp', name, fields: [...head, groupField(0x12), ['regno', hex(low, 4)]], notes: [], index: low };
    }
    case 0x14: {
      const name = low < ARM_FW_COUNT ? FW_NAMES[low]! : `KVM_REG_ARM_FW_REG(${low})`;
      if (sizeBytes !== 8) wrongSize('KVM_REG_ARM_FW', 'U64', `arm32:${name}`);
      return { ...base, kind: 'fw', name, fields: [...head, groupField(0x14), ['regno', `${low}`]], notes: [], index: low };
    }
    default:
      throw new RegIdError(
        `${hexId(id)}: unknown 32-bit ARM register group ${hex(group, 4)} (32-bit ARM has 0x000f cp15, 0x0010 core, 0x0011 demux, 0x0012 VFP, 0x0014 firmware)`,
        `ARM group ${hex(group, 4)}`,
      );
  }
}

type Base = { readonly id: RegId; readonly arch: 'arm64' | 'arm'; readonly sizeBytes: number };
type Fields = readonly (readonly [string, string])[];

function ccsidr(id: RegId, base: Base, head: Fields, group: readonly [string, string], low: number): DecodedRegId {
  const demux = low >> 8, csselr = low & 0xff;
  if (demux !== 0) throw new RegIdError(`${hexId(id)}: unknown demux ID ${hex(demux, 2)} (KVM_REG_ARM_DEMUX_ID_CCSIDR is 0x00)`, `demux ${hex(demux, 2)}`);
  const name = `CCSIDR:${csselr}`;
  if (base.sizeBytes !== 4) throw new RegIdError(`${hexId(id)}: ${name} is U32, not ${sizeLabel(base.sizeBytes)} (KVM_REG_ARM_DEMUX_ID_CCSIDR)`, `${name} as ${sizeLabel(base.sizeBytes)}`);
  // CSSELR: Level [3:1] (cache level - 1), InD [0].
  const cache = `level ${((csselr >> 1) & 7) + 1} ${csselr & 1 ? 'instruction' : 'data or unified'}${csselr & ~0xf ? ', with bits above 3' : ''}`;
  return {
    ...base, kind: 'ccsidr', name, index: csselr, notes: [],
    fields: [...head, group, ['demux', 'KVM_REG_ARM_DEMUX_ID_CCSIDR (0x00)'], ['csselr', `${hex(csselr, 2)} (${cache})`]],
  };
}

function sve(id: RegId, base: Base, head: Fields, group: readonly [string, string], low: number): DecodedRegId {
  let reg: 'Z' | 'P' | 'FFR' | 'VLS', n = 0, slice = 0, want: number, bits: number;
  if (low === 0xffff) {
    reg = 'VLS'; want = 64; bits = 512;
  } else if (low < 0x400) {
    reg = 'Z'; n = low >> 5; slice = low & 31; want = 256; bits = 2048;
  } else if (low < 0x600) {
    reg = 'P'; n = (low >> 5) & 15; slice = low & 31; want = 32; bits = 256;
  } else if (low < 0x620) {
    reg = 'FFR'; slice = low & 31; want = 32; bits = 256;
  } else {
    throw new RegIdError(`${hexId(id)}: SVE index ${hex(low, 4)} is none of Z (0x0000-0x03ff), P (0x0400-0x05ff), FFR (0x0600-0x061f), VLS (0xffff)`, `SVE ${hex(low, 4)}`);
  }
  const name = reg === 'VLS' ? 'KVM_REG_ARM64_SVE_VLS' : reg === 'FFR' ? `FFR:${slice}` : `${reg}${n}:${slice}`;
  if (base.sizeBytes !== want) {
    throw new RegIdError(`${hexId(id)}: ${name} is ${sizeLabel(want)}, not ${sizeLabel(base.sizeBytes)} (KVM_REG_ARM64_SVE)`, `${name} as ${sizeLabel(base.sizeBytes)}`);
  }
  const fields: [string, string][] = reg === 'VLS'
    ? [['register', 'KVM_REG_ARM64_SVE_VLS (the vector lengths pseudo-register)']]
    : [['register', reg === 'FFR' ? 'FFR' : `${reg}${n}`], ['slice', `${slice} (bits ${bits * slice + bits - 1}:${bits * slice})`]];
  return { ...base, kind: 'sve', name, fields: [...head, group, ...fields], notes: ['SVE is not implemented by a64emu'], sve: { reg, n, slice } };
}

/** AArch32 names that a 32-bit and a 64-bit view share (TTBR0, PAR, ...): the 64-bit one is NAME:64. */
const SHARED_VIEW_NAMES = new Set(
  AARCH32_VIEWS.filter((v) => v.is64 && AARCH32_VIEWS.some((w) => !w.is64 && w.name === v.name)).map((v) => v.name),
);
const viewName = (v: Aarch32View): string => (v.is64 && SHARED_VIEW_NAMES.has(v.name) ? `${v.name}:64` : v.name);

function cp15(id: RegId, base: Base, head: Fields, group: readonly [string, string], sizeBytes: number, secure: boolean): DecodedRegId {
  const low = Number(id & 0xffffn);
  const opc1 = (low >> 3) & 15, crm = (low >> 7) & 15;
  let crn = 0, opc2 = 0, is64: boolean;
  if (sizeBytes === 4) {
    if (low & 0x8000) throw new RegIdError(`${hexId(id)}: bit 15 of a 32-bit cp15 ID must be zero`, 'cp15 bit 15 set');
    is64 = false; crn = (low >> 11) & 15; opc2 = low & 7;
  } else if (sizeBytes === 8) {
    if (low & ~0x7f8) throw new RegIdError(`${hexId(id)}: a 64-bit cp15 ID has only CRm and Opc1 (bits 10..3); bits ${hex(low & ~0x7f8, 4)} are set`, 'cp15 64-bit bad bits');
    is64 = true;
  } else {
    throw new RegIdError(`${hexId(id)}: cp15 registers are U32 or U64, not ${sizeLabel(sizeBytes)}`, `cp15 as ${sizeLabel(sizeBytes)}`);
  }
  const view = aarch32ViewByKvmId(id & ~KVM_REG_ARM_SECURE);
  const plain = view !== undefined ? viewName(view) : is64 ? `cp15_64_${opc1}_c${crm}` : `cp15_${opc1}_c${crn}_c${crm}_${opc2}`;
  const name = secure ? `${plain}(S)` : plain;
  const coords: [string, string][] = is64
    ? [['layout', '64-bit (MRRC/MCRR)'], ['Opc1', `${opc1}`], ['CRm', `${crm}`]]
    : [['layout', '32-bit (MRC/MCR)'], ['CRn', `${crn}`], ['CRm', `${crm}`], ['Opc1', `${opc1}`], ['Opc2', `${opc2}`]];
  const maps: [string, string][] = view !== undefined
    ? [['aarch64', view.is64 ? view.aarch64 : `${view.aarch64}[${view.lsb + 31}:${view.lsb}]`]]
    : [];
  return {
    ...base, kind: 'cp15', name,
    fields: [...head, group, ...coords, ...maps, ...(secure ? [['bank', 'Secure (bit 28)'] as [string, string]] : [])],
    notes: secure ? ['bit 28 (KVM_REG_ARM_SECURE_MASK) selects the Secure bank; KVM reserved it and never listed or accepted such IDs'] : [],
    cp15: { opc1, crn, crm, opc2, is64, secure, ...(view !== undefined ? { view } : {}) },
  };
}

/**
 * A name for any ID: the register's name, a generic descriptive form for encodings without
 * one (S3_0_C15_C0_0, cp15_0_c15_c0_0, KVM_REG_ARM_FW_REG(9)), and "invalid: ..." for IDs
 * decodeRegId refuses. Never throws.
 */
export function regName(id: RegId): string {
  try {
    return decodeRegId(id).name;
  } catch (e) {
    if (e instanceof RegIdError) return `invalid: ${e.brief}`;
    throw e;
  }
}

// ---- parsing ----

const NUM = '(0x[0-9a-f]+|\\d+)';
const num = (s: string): number => (s.toLowerCase().startsWith('0x') ? parseInt(s.slice(2), 16) : parseInt(s, 10));

let arm64Names: ReadonlyMap<string, RegId> | undefined;
let armNames: ReadonlyMap<string, RegId> | undefined;

function nameMaps(): { arm64: ReadonlyMap<string, RegId>; arm: ReadonlyMap<string, RegId> } {
  if (arm64Names === undefined || armNames === undefined) {
    const a64 = new Map<string, RegId>();
    const add = (m: Map<string, RegId>, name: string, id: RegId): void => {
      const lower = name.toLowerCase();
      const had = m.get(lower);
      if (had !== undefined && had !== id) throw new Error(`regid: the name ${name} is given to ${hexId(had)} and ${hexId(id)}`);
      m.set(lower, id);
    };
    for (const [lower, key] of sysregNames().byName) {
      if (!ARM64_CORE_NAMES.has(lower)) add(a64, lower, sysregKvmId(key >> 14, (key >> 11) & 7, (key >> 7) & 15, (key >> 3) & 15, key & 7));
    }
    for (const m of ARM64_CORE) {
      const id = coreId(m.offset, m.words === 4 ? KVM_REG_SIZE_U128 : m.words === 2 ? KVM_REG_SIZE_U64 : KVM_REG_SIZE_U32);
      for (const n of [m.name, ...(m.aliases ?? [])]) add(a64, n, id);
    }
    add(a64, 'KVM_REG_ARM_TIMER_CNT', KVM_REG_ARM_TIMER_CNT);
    add(a64, 'KVM_REG_ARM_TIMER_CVAL', KVM_REG_ARM_TIMER_CVAL);
    add(a64, 'KVM_REG_ARM_TIMER_CTL', KVM_REG_ARM_TIMER_CTL);
    // arm64 kvm.h's physical timer IDs follow the encodings.
    add(a64, 'KVM_REG_ARM_PTIMER_CTL', sysregId(3, 3, 14, 2, 1));
    add(a64, 'KVM_REG_ARM_PTIMER_CVAL', sysregId(3, 3, 14, 2, 2));
    add(a64, 'KVM_REG_ARM_PTIMER_CNT', sysregId(3, 3, 14, 0, 1));
    FW_NAMES.forEach((n, i) => add(a64, n, fwId(i)));
    FW_BMAP_NAMES.forEach((n, i) => add(a64, n, fwBmapId(i)));
    add(a64, 'KVM_REG_ARM64_SVE_VLS', KVM_REG_ARM64_SVE_VLS);

    const a32 = new Map<string, RegId>();
    for (const m of ARM_CORE) {
      for (const n of [m.name, ...(m.aliases ?? [])]) add(a32, n, KVM_REG_ARM | KVM_REG_SIZE_U32 | KVM_REG_ARM_CORE | BigInt(m.offset));
    }
    for (let n = 0; n < 32; n++) add(a32, `D${n}`, KVM_REG_ARM | KVM_REG_SIZE_U64 | KVM_REG_ARM_VFP | BigInt(n));
    for (const [reg, n] of VFP_CONTROL_NAMES) add(a32, n, KVM_REG_ARM | KVM_REG_SIZE_U32 | KVM_REG_ARM_VFP | BigInt(reg));
    for (const v of AARCH32_VIEWS) {
      const id = aarch32KvmId(v);
      add(a32, viewName(v), id);
      if (v.alt !== undefined) add(a32, v.alt, id);
    }
    for (let i = 0; i < ARM_FW_COUNT; i++) add(a32, FW_NAMES[i]!, KVM_REG_ARM | KVM_REG_SIZE_U64 | KVM_REG_ARM_FW | BigInt(i));
    arm64Names = a64;
    armNames = a32;
  }
  return { arm64: arm64Names, arm: armNames };
}

/** An arm64 name, or undefined when `text` is none. Throws for a known form out of range. */
function resolveArm64(text: string): RegId | undefined {
  const byName = nameMaps().arm64.get(text.toLowerCase());
  if (byName !== undefined) return byName;
  let m = new RegExp(`^S(\\d+)_(\\d+)_C(\\d+)_C(\\d+)_(\\d+)$`, 'i').exec(text);
  if (m !== null) {
    const [op0, op1, crn, crm, op2] = m.slice(1).map(Number) as [number, number, number, number, number];
    if (op0 > 3 || op1 > 7 || crn > 15 || crm > 15 || op2 > 7) throw new RegIdError(`'${text}': op0 is 0-3, op1 and op2 0-7, CRn and CRm 0-15`);
    return sysregId(op0, op1, crn, crm, op2);
  }
  if ((m = new RegExp(`^CCSIDR(?:_EL1)?:${NUM}$`, 'i').exec(text)) !== null) {
    const csselr = num(m[1]!);
    if (csselr > 0xff) throw new RegIdError(`'${text}': the CSSELR value is 8 bits (0-255)`);
    return ccsidrId(csselr);
  }
  if ((m = new RegExp(`^(Z|P)(\\d+)(?::${NUM})?$`, 'i').exec(text)) !== null) {
    const z = m[1]!.toUpperCase() === 'Z', n = Number(m[2]), slice = m[3] === undefined ? 0 : num(m[3]);
    if (n >= (z ? 32 : 16) || slice >= 32) throw new RegIdError(`'${text}': SVE has ${z ? 'Z0-Z31' : 'P0-P15'}, slices 0-31`);
    return KVM_REG_ARM64 | KVM_REG_ARM64_SVE | (z ? KVM_REG_SIZE_U2048 : KVM_REG_SIZE_U256 | 0x400n) | BigInt((n << 5) | slice);
  }
  if ((m = new RegExp(`^FFR(?::${NUM})?$`, 'i').exec(text)) !== null) {
    const slice = m[1] === undefined ? 0 : num(m[1]);
    if (slice >= 32) throw new RegIdError(`'${text}': SVE slices are 0-31`);
    return KVM_REG_ARM64 | KVM_REG_ARM64_SVE | KVM_REG_SIZE_U256 | 0x600n | BigInt(slice);
  }
  if ((m = new RegExp(`^KVM_REG_ARM_FW(_FEAT_BMAP)?_REG\\(${NUM}\\)$`, 'i').exec(text)) !== null) {
    const n = num(m[2]!);
    if (n > 0xffff) throw new RegIdError(`'${text}': the register number is 16 bits`);
    return m[1] !== undefined ? fwBmapId(n) : fwId(n);
  }
  return undefined;
}

/** A 32-bit ARM name (without the arm32: prefix), or undefined. */
function resolveArm(text: string): RegId | undefined {
  const secure = /\(S\)$/i.test(text);
  if (secure) {
    const id = resolveArm(text.slice(0, -3));
    if (id === undefined || (id & KVM_REG_ARM_COPROC_MASK) !== 15n << KVM_REG_ARM_COPROC_SHIFT) {
      throw new RegIdError(`'${text}': only cp15 registers have a Secure bank`);
    }
    return id | KVM_REG_ARM_SECURE;
  }
  const byName = nameMaps().arm.get(text.toLowerCase());
  if (byName !== undefined) return byName;
  const cp15Base = KVM_REG_ARM | (15n << KVM_REG_ARM_COPROC_SHIFT);
  let m = /^cp15_(\d+)_c(\d+)_c(\d+)_(\d+)$/i.exec(text);
  if (m !== null) {
    const [opc1, crn, crm, opc2] = m.slice(1).map(Number) as [number, number, number, number];
    if (opc1 > 15 || crn > 15 || crm > 15 || opc2 > 7) throw new RegIdError(`'${text}': Opc1, CRn and CRm are 0-15, Opc2 0-7`);
    return cp15Base | KVM_REG_SIZE_U32 | BigInt((crn << 11) | (crm << 7) | (opc1 << 3) | opc2);
  }
  if ((m = /^cp15_64_(\d+)_c(\d+)$/i.exec(text)) !== null) {
    const [opc1, crm] = m.slice(1).map(Number) as [number, number];
    if (opc1 > 15 || crm > 15) throw new RegIdError(`'${text}': Opc1 and CRm are 0-15`);
    return cp15Base | KVM_REG_SIZE_U64 | BigInt((crm << 7) | (opc1 << 3));
  }
  if ((m = new RegExp(`^CCSIDR:${NUM}$`, 'i').exec(text)) !== null) {
    const csselr = num(m[1]!);
    if (csselr > 0xff) throw new RegIdError(`'${text}': the CSSELR value is 8 bits (0-255)`);
    return KVM_REG_ARM | KVM_REG_SIZE_U32 | KVM_REG_ARM_DEMUX | BigInt(csselr);
  }
  if ((m = /^VFP_CTRL_0x([0-9a-f]+)$/i.exec(text)) !== null) {
    const n = parseInt(m[1]!, 16);
    if (n > 0xfff) throw new RegIdError(`'${text}': VFP control registers are 0x000-0xfff`);
    return KVM_REG_ARM | KVM_REG_SIZE_U32 | KVM_REG_ARM_VFP | BigInt(0x1000 | n);
  }
  if ((m = new RegExp(`^KVM_REG_ARM_FW_REG\\(${NUM}\\)$`, 'i').exec(text)) !== null) {
    const n = num(m[1]!);
    if (n > 0xffff) throw new RegIdError(`'${text}': the register number is 16 bits`);
    return KVM_REG_ARM | KVM_REG_SIZE_U64 | KVM_REG_ARM_FW | BigInt(n);
  }
  return undefined;
}

/** What parseRegIdInput read: the canonical ID, and the draft-notation ID when given one. */
export interface ParsedRegId {
  readonly id: RegId;
  readonly draft?: RegId;
}

/**
 * Reads a register ID: a hex number with 0x (underscores and spaces allowed: 0x6030 0000
 * 0013 c080), in the canonical or the draft notation, or a name, case-insensitively: an
 * arm64 core name (X0, SP, PC, PSTATE, V3, FPSR, ...), a system register name (SCTLR_EL1, or
 * S3_0_C1_C0_0), KVM_REG_ARM_TIMER_CNT/_CVAL/_CTL, a firmware register name, CCSIDR:<csselr>,
 * Z<n>:<slice>, P<n>:<slice>, FFR:<slice>, KVM_REG_ARM64_SVE_VLS; or a 32-bit ARM name (cp15
 * names such as SCTLR or TTBR0:64, cp15_<opc1>_c<n>_c<m>_<opc2>, ARM_pc, D0, FPSCR), which
 * `arm32:` forces where arm64 has the same name (arm32:CCSIDR:0). The ID must decode
 * (decodeRegId); anything else is a RegIdError saying what is wrong.
 */
export function parseRegIdInput(input: string): ParsedRegId {
  const text = input.trim();
  if (text === '') throw new RegIdError('empty register name or ID');
  if (/^0x/i.test(text)) {
    const digits = text.slice(2).replace(/[_\s]/g, '');
    if (digits === '' || !/^[0-9a-f]+$/i.test(digits)) throw new RegIdError(`'${input}' is not a hex number`);
    const value = BigInt(`0x${digits}`);
    if (value > 0xffff_ffff_ffff_ffffn) throw new RegIdError(`'${input}' is wider than 64 bits`);
    const d = decodeRegId(value);
    return d.draft !== undefined ? { id: d.id, draft: d.draft } : { id: d.id };
  }
  const prefix = /^(arm32|arm64):/i.exec(text);
  const rest = prefix === null ? text : text.slice(prefix[0].length);
  const ns = prefix?.[1]!.toLowerCase();
  const id = ns === 'arm32' ? resolveArm(rest) : ns === 'arm64' ? resolveArm64(rest) : (resolveArm64(rest) ?? resolveArm(rest));
  if (id === undefined) throw new RegIdError(`unknown register name '${input}' (names: 'a64emu help kvm'; hex IDs start with 0x)`);
  decodeRegId(id);
  return { id };
}

/** parseRegIdInput's canonical ID. */
export const parseRegId = (text: string): RegId => parseRegIdInput(text).id;
