// CPU models: a record of identification values and feature switches. Executors ask for a
// feature (FEAT_LSE, FEAT_CRC32, ...), never for a model name. The ID register values are
// QEMU 7.2's for the model of the same name (tests/sysregs/qemu/<model>-el1.json, `probe`);
// src/sysregs/id.ts then rewrites every feature field to say what a64emu implements.

export interface Features {
  /** EL2 and EL3 are implemented (QEMU's virt board: virtualization=on / secure=on). */
  EL2: boolean;
  EL3: boolean;
  /** FEAT_LSE: the Armv8.1 atomic instructions. */
  LSE: boolean;
  /** FEAT_CRC32: the CRC32/CRC32C instructions. */
  CRC32: boolean;
  /** FEAT_LRCPC: LDAPR, the RCpc load-acquire (Armv8.3). */
  LRCPC: boolean;
  /**
   * FEAT_IDST (Armv8.4): an EL0 read of the ID register space that would be UNDEFINED traps
   * to EL1 with EC 0x18 instead.
   */
  IDST: boolean;
  /**
   * The Cortex-A57/A72 IMPLEMENTATION DEFINED registers (CBAR_EL1, L2CTLR_EL1, ...), which
   * QEMU 7.2 gives cortex-a57, cortex-a72 and also max.
   */
  IMPDEF_A57: boolean;
  /**
   * FEAT_RAS (as QEMU 7.2's max, ID_AA64PFR0_EL1.RAS = 2, FEAT_RASv1p1): ESB, DISR_EL1,
   * VDISR_EL2, VSESR_EL2, ERRIDR_EL1 (no error records), HCR_EL2.TERR/TEA, SCR_EL3.TERR.
   */
  RAS: boolean;
  /** FEAT_PAN and FEAT_PAN2: PSTATE.PAN, its MSR/MRS forms, AT S1E1RP/S1E1WP. */
  PAN: boolean;
  /** FEAT_UAO: PSTATE.UAO and its MSR/MRS forms. */
  UAO: boolean;
  /** FEAT_DIT: PSTATE.DIT and its MSR/MRS forms. */
  DIT: boolean;
  /** FEAT_SSBS2: PSTATE.SSBS, MSR SSBS, #imm and the MRS/MSR SSBS register form. */
  SSBS: boolean;
  /** FEAT_LOR: the LOR* registers (no LORegions: LORID_EL1 reads 0, as QEMU 7.2). */
  LOR: boolean;
  /** FEAT_HCX: HCRX_EL2 (with EL2). */
  HCX: boolean;
  /** FEAT_CSV2_2: the SCXTNUM_ELx registers. */
  SCXTNUM: boolean;
  /**
   * FEAT_PMUv3p1, p4 and p5: MDCR_EL2.HPMD, PMMIR_EL1, 64-bit event counters (PMCR_EL0.LP,
   * MDCR_EL2.HLP), MDCR_EL2.HCCD/MDCR_EL3.SCCD (the PMU is PMUv3 without it).
   */
  PMUV3P5: boolean;
  // The translation table features of QEMU 7.2's max (its ID_AA64MMFR0-2_EL1 values above):
  /** FEAT_VHE: HCR_EL2.E2H, the EL2&0 regime, the *_EL12/*_EL02 views, TTBR1_EL2, CONTEXTIDR_EL2, CNTHV_*_EL2. */
  VHE: boolean;
  /** FEAT_HAFDBS: hardware Access flag and dirty state (TCR.HA/HD, VTCR_EL2.HA/HD, DBM). */
  HAFDBS: boolean;
  /** FEAT_LPA: 52-bit physical addresses with the 64 KiB granule; 64 KiB blocks at level 1. */
  LPA: boolean;
  /** FEAT_LVA: 52-bit virtual addresses with the 64 KiB granule (TnSZ down to 12). */
  LVA: boolean;
  /** FEAT_LPA2: 52-bit VA and PA with the 4 and 16 KiB granules (TCR.DS, VTCR_EL2.DS/SL2). */
  LPA2: boolean;
  /** FEAT_HPDS: TCR.HPD disables the hierarchical permissions. */
  HPDS: boolean;
  /** FEAT_TTST: TnSZ up to 48 (47 with 64 KiB), stage 2 starting at level 3. */
  TTST: boolean;
  /** FEAT_XNX: stage 2 XN[1:0] distinguishes EL0 and EL1 execution. */
  XNX: boolean;
  /** 16-bit VMIDs (ID_AA64MMFR1_EL1.VMIDBits = 2, VTCR_EL2.VS). */
  VMID16: boolean;
  /** FEAT_TLBIOS (the Outer Shareable TLBI forms) and FEAT_TLBIRANGE (TLBI R*: by VA range). */
  TLBIOS: boolean;
  TLBIRANGE: boolean;
  /** FEAT_TTL: the TLBI level hint (ignored, which the Arm ARM allows). */
  TTL: boolean;
  /** FEAT_FP16: half-precision arithmetic (scalar FP here, vector in the SIMD rows); FPCR.FZ16. */
  FP16: boolean;
  /** FEAT_JSCVT: FJCVTZS. */
  JSCVT: boolean;
  /** FEAT_FRINTTS: FRINT32Z/32X/64Z/64X. */
  FRINTTS: boolean;
  /** FEAT_AES (AESE/AESD/AESMC/AESIMC) and FEAT_PMULL (PMULL/PMULL2 .1Q), as the cores pair them. */
  AES: boolean;
  PMULL: boolean;
  /** FEAT_SHA1, FEAT_SHA256, FEAT_SHA512, FEAT_SHA3 (EOR3, RAX1, XAR, BCAX). */
  SHA1: boolean;
  SHA256: boolean;
  SHA512: boolean;
  SHA3: boolean;
  /** FEAT_RDM: SQRDMLAH/SQRDMLSH. */
  RDM: boolean;
  /** FEAT_DotProd: SDOT/UDOT. */
  DOTPROD: boolean;
  /** FEAT_FCMA: FCMLA/FCADD. */
  FCMA: boolean;
  /** FEAT_FHM: FMLAL/FMLAL2/FMLSL/FMLSL2. */
  FHM: boolean;
}

/** QEMU 7.2's ID register values for a model, by Arm ARM name. */
export type IdValues = Readonly<Record<string, bigint>>;

export interface CpuModel {
  readonly name: string;
  /** The physical address size in bits (ID_AA64MMFR0_EL1.PARange). */
  readonly paBits: number;
  /** SCTLR_EL1 at reset (QEMU's reset_sctlr for the model: SA, SA0, nTWI, nTWE and the RES1 bits). */
  readonly resetSctlr: bigint;
  readonly features: Readonly<Features>;
  /** QEMU 7.2's values of the ID registers at EL1, before src/sysregs/id.ts applies our features. */
  readonly qemuId: IdValues;
  /**
   * ID values taken as they are, without src/sysregs/id.ts's ID_FIELDS: a KVM vCPU's
   * sanitised view (src/kvmcompat/profile.ts), which its guest reads as KVM shows it.
   */
  readonly idExact?: IdValues;
  /** CCSIDR_EL1 for CSSELR_EL1 = 0, 1, 2, ... (Level << 1 | InD), the caches CLIDR_EL1 describes. */
  readonly ccsidr: readonly bigint[];
}

// Recorded from QEMU 7.2 (`probe` of tests/sysregs/qemu/cortex-a57-el1.json).
const CORTEX_A57_ID: IdValues = {
  MIDR_EL1: 0x411fd070n, REVIDR_EL1: 0x0n, MPIDR_EL1: 0x80000000n,
  ID_PFR0_EL1: 0x131n, ID_PFR1_EL1: 0x10001n, ID_PFR2_EL1: 0x0n, ID_DFR0_EL1: 0x3010006n, ID_DFR1_EL1: 0x0n,
  ID_AFR0_EL1: 0x0n, ID_MMFR0_EL1: 0x10101105n, ID_MMFR1_EL1: 0x40000000n, ID_MMFR2_EL1: 0x1260000n,
  ID_MMFR3_EL1: 0x2102211n, ID_MMFR4_EL1: 0x0n, ID_MMFR5_EL1: 0x0n, ID_ISAR0_EL1: 0x2101110n,
  ID_ISAR1_EL1: 0x13112111n, ID_ISAR2_EL1: 0x21232042n, ID_ISAR3_EL1: 0x1112131n, ID_ISAR4_EL1: 0x11142n,
  ID_ISAR5_EL1: 0x11121n, ID_ISAR6_EL1: 0x0n, MVFR0_EL1: 0x10110222n, MVFR1_EL1: 0x12111111n, MVFR2_EL1: 0x43n,
  ID_AA64PFR0_EL1: 0x22n, ID_AA64PFR1_EL1: 0x0n, ID_AA64ZFR0_EL1: 0x0n, ID_AA64SMFR0_EL1: 0x0n,
  ID_AA64DFR0_EL1: 0x10305106n, ID_AA64DFR1_EL1: 0x0n, ID_AA64AFR0_EL1: 0x0n, ID_AA64AFR1_EL1: 0x0n,
  ID_AA64ISAR0_EL1: 0x11120n, ID_AA64ISAR1_EL1: 0x0n, ID_AA64ISAR2_EL1: 0x0n,
  ID_AA64MMFR0_EL1: 0x1124n, ID_AA64MMFR1_EL1: 0x0n, ID_AA64MMFR2_EL1: 0x0n,
  CTR_EL0: 0x8444c004n, DCZID_EL0: 0x4n, CLIDR_EL1: 0xa200023n, AIDR_EL1: 0x0n,
  // IMPLEMENTATION DEFINED: CBAR_EL1 is the base of the virt board's GIC (QEMU sets it for virt).
  CBAR_EL1: 0x8000000n,
};

// Recorded from QEMU 7.2 (`probe` of tests/sysregs/qemu/max-el1.json).
const MAX_ID: IdValues = {
  MIDR_EL1: 0xf0510n, REVIDR_EL1: 0x0n, MPIDR_EL1: 0x80000000n,
  ID_PFR0_EL1: 0x11020131n, ID_PFR1_EL1: 0x10001n, ID_PFR2_EL1: 0x11n, ID_DFR0_EL1: 0x6010009n, ID_DFR1_EL1: 0x0n,
  ID_AFR0_EL1: 0x0n, ID_MMFR0_EL1: 0x10101105n, ID_MMFR1_EL1: 0x40000000n, ID_MMFR2_EL1: 0x1260000n,
  ID_MMFR3_EL1: 0x2122211n, ID_MMFR4_EL1: 0x11110n, ID_MMFR5_EL1: 0x1n, ID_ISAR0_EL1: 0x2101110n,
  ID_ISAR1_EL1: 0x13112111n, ID_ISAR2_EL1: 0x21232042n, ID_ISAR3_EL1: 0x1112131n, ID_ISAR4_EL1: 0x11142n,
  ID_ISAR5_EL1: 0x11011121n, ID_ISAR6_EL1: 0x1111111n, MVFR0_EL1: 0x10110222n, MVFR1_EL1: 0x13211111n, MVFR2_EL1: 0x43n,
  ID_AA64PFR0_EL1: 0x1201001120110022n, ID_AA64PFR1_EL1: 0x1000021n, ID_AA64ZFR0_EL1: 0x110110100110021n,
  ID_AA64SMFR0_EL1: 0x80f100fd00000000n, ID_AA64DFR0_EL1: 0x10305609n, ID_AA64DFR1_EL1: 0x0n,
  ID_AA64AFR0_EL1: 0x0n, ID_AA64AFR1_EL1: 0x0n,
  ID_AA64ISAR0_EL1: 0x1221111110212120n, ID_AA64ISAR1_EL1: 0x11111101211012n, ID_AA64ISAR2_EL1: 0x0n,
  ID_AA64MMFR0_EL1: 0x32310201126n, ID_AA64MMFR1_EL1: 0x11010211122n, ID_AA64MMFR2_EL1: 0x1021011010011011n,
  CTR_EL0: 0x8444c004n, DCZID_EL0: 0x4n, CLIDR_EL1: 0x2000023n, AIDR_EL1: 0x0n,
  CBAR_EL1: 0x8000000n,
};

/** The Armv8.1+ features an Armv8.0 core (Cortex-A57/A72) lacks. */
const V80 = {
  PAN: false, UAO: false, DIT: false, SSBS: false, LOR: false, HCX: false, SCXTNUM: false, PMUV3P5: false,
  VHE: false, HAFDBS: false, LPA: false, LVA: false, LPA2: false, HPDS: false, TTST: false, XNX: false, VMID16: false,
  TLBIOS: false, TLBIRANGE: false, TTL: false, FP16: false, JSCVT: false, FRINTTS: false,
  SHA512: false, SHA3: false, RDM: false, DOTPROD: false, FCMA: false, FHM: false,
} as const;
/** The cryptographic extension of Cortex-A57/A72 (QEMU 7.2: ID_AA64ISAR0_EL1 = 0x11120). */
const V80_CRYPTO = { AES: true, PMULL: true, SHA1: true, SHA256: true } as const;

export const MODELS: Readonly<Record<string, CpuModel>> = {
  'cortex-a57': {
    name: 'cortex-a57', paBits: 44, resetSctlr: 0x00c50838n,
    features: { ...V80, ...V80_CRYPTO, EL2: false, EL3: false, LSE: false, CRC32: true, LRCPC: false, IDST: false, IMPDEF_A57: true, RAS: false },
    qemuId: CORTEX_A57_ID,
    ccsidr: [0x701fe00an, 0x201fe012n, 0x70ffe07an],
  },
  'cortex-a72': {
    name: 'cortex-a72', paBits: 44, resetSctlr: 0x00c50838n,
    features: { ...V80, ...V80_CRYPTO, EL2: false, EL3: false, LSE: false, CRC32: true, LRCPC: false, IDST: false, IMPDEF_A57: true, RAS: false },
    // As cortex-a57 except MIDR_EL1 and ID_MMFR0_EL1 (tests/sysregs/qemu/cortex-a72-el1.json).
    qemuId: { ...CORTEX_A57_ID, MIDR_EL1: 0x410fd083n, ID_MMFR0_EL1: 0x10201105n },
    ccsidr: [0x701fe00an, 0x201fe012n, 0x707fe07an],
  },
  // QEMU's `max` as far as this emulator implements it: the base ISA, LSE, CRC32, LRCPC,
  // IDST, RAS, PAN/PAN2, UAO, DIT, SSBS2, LOR, HCX, CSV2_2 (SCXTNUM), PMUv3p5, VHE, TLBIOS,
  // TLBIRANGE, TTL;
  // ID_AA64MMFR0_EL1.PARange = 6 (52 bits, FEAT_LPA) as QEMU 7.2 reports.
  max: {
    name: 'max', paBits: 52, resetSctlr: 0x00c50838n,
    features: {
      EL2: false, EL3: false, LSE: true, CRC32: true, LRCPC: true, IDST: true, IMPDEF_A57: true, RAS: true,
      PAN: true, UAO: true, DIT: true, SSBS: true, LOR: true, HCX: true, SCXTNUM: true, PMUV3P5: true,
      VHE: true, HAFDBS: true, LPA: true, LVA: true, LPA2: true, HPDS: true, TTST: true, XNX: true, VMID16: true,
      TLBIOS: true, TLBIRANGE: true, TTL: true,
      FP16: true, JSCVT: true, FRINTTS: true,
      AES: true, PMULL: true, SHA1: true, SHA256: true, SHA512: true, SHA3: true, RDM: true, DOTPROD: true, FCMA: true, FHM: true,
    },
    qemuId: MAX_ID,
    ccsidr: [0x701fe00an, 0x201fe012n, 0x70ffe07an],
  },
};

export const DEFAULT_MODEL = 'cortex-a57';

/** The start modes of QEMU's virt board: 1 (default), 2 (virtualization=on), 3 (secure=on). */
export type StartEl = 1 | 2 | 3;

const WITH_ELS = new Map<string, CpuModel>();

/**
 * `model` with the higher exception levels of start mode `el`: EL2 for 2 (QEMU's
 * virtualization=on), EL3 for 3 (QEMU's secure=on, which gives EL3 without EL2: the
 * recordings' ID_AA64PFR0_EL1.EL2 is 0 in `<model>-el3.json`). A distinct object, so it gets
 * its own sysreg table; one per (model, mode), shared by every machine that asks.
 */
export function modelForEl(model: CpuModel, el: StartEl, opts: { el2?: boolean } = {}): CpuModel {
  const el2 = el === 2 || (el === 3 && opts.el2 === true);
  const el3 = el === 3;
  if (el2 === model.features.EL2 && el3 === model.features.EL3) return model;
  const key = `${model.name}/${el2 ? 2 : ''}${el3 ? 3 : ''}`;
  let m = WITH_ELS.get(key);
  if (m === undefined) {
    m = { ...model, features: { ...model.features, EL2: el2, EL3: el3 } };
    WITH_ELS.set(key, m);
  }
  return m;
}
