// KVM register IDs (Linux Documentation/virt/kvm/api.rst "KVM_SET_ONE_REG", and the uapi
// headers include/uapi/linux/kvm.h, arch/arm64/include/uapi/asm/kvm.h). An ID is a 64-bit
// number: architecture (bits 63..56), size as log2 bytes (55..52), and an
// architecture-specific rest; on arm64 and arm, bits 31..16 select the coprocessor group.
//
// This file holds the encodings every part of src/kvmcompat shares; names and decoding of
// every form are in the same file (regName, decodeRegId, parseRegId).

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
