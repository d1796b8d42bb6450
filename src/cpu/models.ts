// CPU models: a record of identification values and feature switches. Executors ask for a
// feature (FEAT_LSE, FEAT_CRC32, ...), never for a model name. ID register values follow
// QEMU's models of the same name (target/arm/cpu64.c); the full ID register set arrives
// with the cpreg table.

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
}

export interface CpuModel {
  readonly name: string;
  /** MIDR_EL1. */
  readonly midr: bigint;
  /** The physical address size in bits (ID_AA64MMFR0_EL1.PARange). */
  readonly paBits: number;
  /** SCTLR_EL1 at reset (QEMU's reset_sctlr for the model: SA, SA0, nTWI, nTWE and the RES1 bits). */
  readonly resetSctlr: bigint;
  readonly features: Readonly<Features>;
}

export const MODELS: Readonly<Record<string, CpuModel>> = {
  // MIDR_EL1 0x411fd070, ID_AA64MMFR0_EL1 0x1124 (PARange 44 bits), ID_AA64ISAR0_EL1 0x11120 (CRC32).
  'cortex-a57': { name: 'cortex-a57', midr: 0x411fd070n, paBits: 44, resetSctlr: 0x00c50838n, features: { EL2: false, EL3: false, LSE: false, CRC32: true, LRCPC: false } },
  // MIDR_EL1 0x410fd083, ID_AA64MMFR0_EL1 0x1124, ID_AA64ISAR0_EL1 0x11120.
  'cortex-a72': { name: 'cortex-a72', midr: 0x410fd083n, paBits: 44, resetSctlr: 0x00c50838n, features: { EL2: false, EL3: false, LSE: false, CRC32: true, LRCPC: false } },
  // QEMU's `max` as far as this emulator implements it: the base ISA, LSE, CRC32, LRCPC;
  // ID_AA64MMFR0_EL1.PARange = 6 (52 bits, FEAT_LPA) as QEMU 7.2 reports.
  max: { name: 'max', midr: 0x000f0510n, paBits: 52, resetSctlr: 0x00c50838n, features: { EL2: false, EL3: false, LSE: true, CRC32: true, LRCPC: true } },
};

export const DEFAULT_MODEL = 'cortex-a57';
