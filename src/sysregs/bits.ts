// The control bits of HCR_EL2, SCR_EL3, MDCR_EL2/EL3, CPTR_EL2/EL3 and CNTHCTL_EL2 that
// executors, exception routing and trap checks test, as masks of the register's low word
// (bits [31:0]: `cpu.r[Slot.X * 2] & HcrEl2.Y`), and the bits of later features as bit
// numbers (access.ts hcrBit/scrBit; the write masks of el2.ts/el3.ts). One home, so a bit is
// named once. Rows' hcrTrap bits are row.ts Hcr (64-bit).

/** HCR_EL2 (Arm ARM D17.2.48). */
export const HcrEl2 = {
  FMO: 1 << 3,
  IMO: 1 << 4,
  AMO: 1 << 5,
  VF: 1 << 6,
  VI: 1 << 7,
  VSE: 1 << 8,
  TWI: 1 << 13,
  TWE: 1 << 14,
  TSC: 1 << 19,
  TIDCP: 1 << 20,
  TGE: 1 << 27,
  TDZ: 1 << 28,
  HCD: 1 << 29,
} as const;

/** HCR_EL2 bits of later features, as bit numbers: FEAT_VHE, FEAT_LOR, FEAT_RAS, FEAT_CSV2_2. */
export const HcrEl2Bit = { E2H: 34, TLOR: 35, TERR: 36, TEA: 37, EnSCXT: 53 } as const;

/** SCR_EL3 (Arm ARM D17.2.117). */
export const ScrEl3 = {
  NS: 1 << 0,
  IRQ: 1 << 1,
  FIQ: 1 << 2,
  EA: 1 << 3,
  SMD: 1 << 7,
  HCE: 1 << 8,
  ST: 1 << 11,
  TWI: 1 << 12,
  TWE: 1 << 13,
  TERR: 1 << 15,
} as const;

/** SCR_EL3 bits of later features, as bit numbers: FEAT_LOR, FEAT_RAS, FEAT_CSV2_2, FEAT_HCX. */
export const ScrEl3Bit = { TLOR: 14, TERR: 15, EnSCXT: 25, HXEn: 38 } as const;

/** MDCR_EL2 (Arm ARM D17.3.16) and MDCR_EL3 (D17.3.17) trap and routing bits. */
export const Mdcr = {
  TPMCR: 1 << 5,
  TPM: 1 << 6,
  TDE: 1 << 8,
  TDA: 1 << 9,
  TDOSA: 1 << 10,
  TDRA: 1 << 11,
  /** MDCR_EL3.SDD: debug exceptions disabled in Secure state. */
  SDD: 1 << 16,
} as const;

/**
 * CPTR_EL2 (D17.2.31) and CPTR_EL3 (D17.2.32): TFP with HCR_EL2.E2H = 0; with E2H = 1
 * CPTR_EL2 has CPACR_EL1's layout, FPEN [21:20]. TCPAC is bit 31 in every form.
 */
export const Cptr = { TFP: 1 << 10, TTA: 1 << 20, TCPAC: 1 << 31, FPEN_SHIFT: 20 } as const;

/**
 * CNTHCTL_EL2 (D17.11.2): EL1PCTEN/EL1PCEN with HCR_EL2.E2H = 0; with E2H = 1 the EL0 enables
 * of CNTKCTL_EL1's layout (EL0PCTEN 0, EL0VCTEN 1, EL0VTEN 8, EL0PTEN 9) and EL1PCTEN 10, EL1PTEN 11.
 */
export const Cnthctl = { EL1PCTEN: 1 << 0, EL1PCEN: 1 << 1, E2H_EL1PCTEN: 1 << 10, E2H_EL1PTEN: 1 << 11 } as const;
