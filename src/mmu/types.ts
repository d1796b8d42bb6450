// The vocabulary shared by the table walker (walk.ts), the TLB (tlb.ts), the CPU's view of
// memory (memory.ts) and the system instructions that use them (AT, TLBI in sysregs/).
// Walks run only on TLB misses, so these may be objects; the per-access hot path never
// touches them.

/** Translation regimes (Arm ARM D8.1.2). */
export enum Regime {
  /** EL1&0, stage 1 (TTBR0/1_EL1), plus stage 2 (VTTBR_EL2) when HCR_EL2.VM applies. */
  EL10 = 0,
  /** EL2&0 with HCR_EL2.E2H = 1 (FEAT_VHE): TTBR0/1_EL2. */
  EL20 = 1,
  /** EL2 (non-VHE): TTBR0_EL2. */
  EL2 = 2,
  /** EL3: TTBR0_EL3. */
  EL3 = 3,
}

/** What an access does. */
export enum AccessType {
  READ = 0,
  WRITE = 1,
  FETCH = 2,
}

/** One translation request. */
export interface WalkRequest {
  regime: Regime;
  /** 0 when EL0 permissions apply (an EL0 access, or LDTR/STTR from EL1/EL2&0), else 1. */
  priv: number;
  acc: AccessType;
  /** PSTATE.PAN applies to this (privileged data) access: the AT S1E1RP/WP forms too. */
  pan: boolean;
  /** Stop after stage 1 (AT S1E0*, S1E1*): `pa` is then the IPA. */
  s1Only: boolean;
  /** An address translation instruction: no hardware AF/dirty update is required. */
  at: boolean;
  /** Cache maintenance by VA (DC): reported with ESR.CM; a read for permission purposes. */
  cm: boolean;
}

/** Permission bits of a translation (`TlbEntry.perm1`/`perm2`). */
export enum Perm {
  R0 = 1, // EL0 (unprivileged) read
  W0 = 2, // EL0 write
  X0 = 4, // EL0 execute
  R1 = 8, // privileged read
  W1 = 16, // privileged write
  X1 = 32, // privileged execute
}

/**
 * The result of a successful walk, cached by the TLB. It describes the 4 KiB page that
 * holds the requested VA, even inside a bigger block or a 16/64 KiB page (`sizeLog2` says
 * how big the mapping really is, for TLBI by address).
 */
export interface TlbEntry {
  regime: Regime;
  /** VMID of the stage 2 that applied (or 0). */
  vmid: number;
  /** ASID of the stage 1 translation (or 0 for regimes without ASIDs). */
  asid: number;
  /** nG = 0: matches every ASID. */
  global: boolean;
  /** The VA's low word, 4 KiB-aligned (lo & ~0xfff), and high word, as requested. */
  vaLo: number;
  vaHi: number;
  /** log2 of the size of the mapping that covers the page (12 for a 4 KiB page, 21 for a 2 MiB block...). */
  sizeLog2: number;
  /** Physical address of the 4 KiB page (up to 52 bits, exact in a double). */
  pa: number;
  /** IPA of the 4 KiB page when stage 2 applied, else -1 (for TLBI IPAS2*). */
  ipa: number;
  /** Stage 1 permissions (all set when stage 1 is off); W only once the page is writable (dirty). */
  perm1: number;
  /** Stage 2 permissions (all set when stage 2 does not apply). */
  perm2: number;
  /** The lookup level of the stage 1 / stage 2 descriptor (for permission fault codes). */
  level1: number;
  level2: number;
  /** The memory attributes as a MAIR_ELx byte (0x00: Device-nGnRnE; combined with stage 2). */
  attr: number;
  /** Shareability as in a descriptor's SH[1:0]: 0b00 Non-, 0b10 Outer, 0b11 Inner Shareable (both stages combined). */
  sh: number;
  /**
   * Data accesses see Device memory: every unaligned one takes an Alignment fault. With
   * stage 1 off this is true (data is Device-nGnRnE) though fetches are Normal: fetches
   * never look at it, so one entry serves both.
   */
  device: boolean;
}

/** Fault kinds (Arm ARM D8.15, "MMU fault types"). */
export enum FaultType {
  NONE = 0,
  TRANSLATION,
  ACCESS_FLAG,
  PERMISSION,
  ADDR_SIZE,
  ALIGNMENT,
  /** Synchronous External abort on the access itself. */
  SYNC_EXT,
  /** Synchronous External abort on a translation table walk (FSC 0x14-0x17). */
  SYNC_EXT_WALK,
  TLB_CONFLICT,
}

/** A fault found by a walk or a permission check; one preallocated instance per Memory. */
export class MmuFault {
  type = FaultType.NONE;
  /** Lookup level (0..3; -1 with FEAT_LPA2 level -1 walks). */
  level = 0;
  /** The fault is at stage 2 (taken to EL2, HPFAR_EL2 holds `ipa`). */
  stage2 = false;
  /** A stage 2 fault on the stage 1 walk's own table access (ESR.S1PTW). */
  s1ptw = false;
  /** The faulting IPA for stage 2 faults (page-aligned is enough for HPFAR_EL2). */
  ipa = 0;

  set(type: FaultType, level: number, stage2 = false, s1ptw = false, ipa = 0): this {
    this.type = type;
    this.level = level;
    this.stage2 = stage2;
    this.s1ptw = s1ptw;
    this.ipa = ipa;
    return this;
  }
}

/**
 * The DFSC/IFSC code of a fault (Arm ARM D17.2.37, ISS encoding for an exception from a
 * Data Abort / Instruction Abort).
 */
export function fscOf(type: FaultType, level: number): number {
  switch (type) {
    case FaultType.ADDR_SIZE:
      return level < 0 ? 0x29 : 0x00 + level;
    case FaultType.TRANSLATION:
      return level < 0 ? 0x2b : 0x04 + level;
    case FaultType.ACCESS_FLAG:
      return 0x08 + level;
    case FaultType.PERMISSION:
      return 0x0c + level;
    case FaultType.SYNC_EXT:
      return 0x10;
    case FaultType.SYNC_EXT_WALK:
      return level < 0 ? 0x13 : 0x14 + level;
    case FaultType.ALIGNMENT:
      return 0x21;
    case FaultType.TLB_CONFLICT:
      return 0x30;
    default:
      throw new Error(`no fault status code for fault type ${type}`);
  }
}
