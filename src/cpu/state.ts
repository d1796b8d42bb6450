// The architectural state of one PE: one register file buffer viewed as 64-bit and 32-bit
// lanes, plus PSTATE kept as small integers. See docs/ARCHITECTURE.md ("State").

/** Slot numbers in the register file; every slot is 8 bytes (one 64-bit value). */
export enum Slot {
  X0 = 0,
  /** The stack pointer currently selected by PSTATE.{EL,SP}; the banked copies are below. */
  SP = 31,
  /** Reads of register 31 as XZR/WZR come from here: always zero, never written. */
  ZR = 32,
  /** Writes to XZR/WZR go here and are never read. */
  JUNK = 33,
  PC = 34,
  /** Banked stack pointers SP_EL0..SP_EL3 (the selected one lives in Slot.SP). */
  SP_EL0 = 35,
  ELR_EL1 = 39, // ELR_EL1..ELR_EL3 at 39..41
  SPSR_EL1 = 42, // SPSR_EL1..SPSR_EL3 at 42..44
  ESR_EL1 = 45, // ESR_EL1..ESR_EL3 at 45..47
  FAR_EL1 = 48, // FAR_EL1..FAR_EL3 at 48..50
  VBAR_EL1 = 51, // VBAR_EL1..VBAR_EL3 at 51..53
  SCTLR_EL1 = 54, // SCTLR_EL1..SCTLR_EL3 at 54..56
  TPIDR_EL0 = 57,
  TPIDR_EL1 = 58,
  TPIDRRO_EL0 = 59,
  CPACR_EL1 = 60,
  /** Scratch slots for executors that need a 64-bit temporary (never architectural). */
  TMP0 = 61,
  TMP1 = 62,
  TMP2 = 63,
  CNTKCTL_EL1 = 64,
  CSSELR_EL1 = 65,
  // EL1 memory-system registers (sysregs/mmu.ts)
  TTBR0_EL1 = 66,
  TTBR1_EL1 = 67,
  TCR_EL1 = 68,
  MAIR_EL1 = 69,
  CONTEXTIDR_EL1 = 70,
  PAR_EL1 = 71,
  // generic timer (sysregs/timer.ts): CTL slots hold ENABLE and IMASK only (ISTATUS is computed)
  CNTP_CTL_EL0 = 72,
  CNTP_CVAL_EL0 = 73,
  CNTV_CTL_EL0 = 74,
  CNTV_CVAL_EL0 = 75,
  CNTPS_CTL_EL1 = 76,
  CNTPS_CVAL_EL1 = 77,
  // self-hosted debug (sysregs/debug.ts)
  MDSCR_EL1 = 78,
  OSLSR_EL1 = 79,
  OSDLR_EL1 = 80,
  MDCCINT_EL1 = 81,
  // Performance Monitors (sysregs/pmu.ts). PMCNTEN, PMOVS and PMINTEN hold the SET/CLR
  // pairs' common state; PMU_ANCHOR and PMU_PRESCALE are not architectural (the icount the
  // counters were last brought up to, and the PMCR.D divider's cycles). PMCR_EL0's row has
  // hooks, not a slot: its reset value goes in through the row's raw accessor.
  PMCR_EL0 = 82,
  PMCNTEN = 83,
  PMOVS = 84,
  PMINTEN = 85,
  PMSELR_EL0 = 86,
  PMUSERENR_EL0 = 87,
  PMCCNTR_EL0 = 88,
  PMCCFILTR_EL0 = 89,
  PMU_ANCHOR = 90,
  PMU_PRESCALE = 91,
  PMCEID0_EL0 = 92,
  PMCEID1_EL0 = 93,
  // the DCC, CLAIM tags, power-down and exception-catch state (sysregs/debug.ts): DTRRX and
  // DTRTX (bits [31:0]), the DCC flags RXfull (bit 30) and TXfull (bit 29) as MDCCSR_EL0
  // shows them, the CLAIM tags [7:0], DBGPRCR_EL1 and EDECCR (OSECCR_EL1)
  DBG_DTRRX = 108,
  DBG_DTRTX = 109,
  MDCCSR_EL0 = 110,
  DBG_CLAIM = 111,
  DBGPRCR_EL1 = 112,
  OSECCR_EL1 = 113,
  // FEAT_CSV2_2 (sysregs/scxt.ts) and FEAT_HCX (sysregs/hcx.ts)
  SCXTNUM_EL0 = 114, // SCXTNUM_EL0..EL3 at 114..117
  HCRX_EL2 = 118,
  // the EL2 physical timer (sysregs/timer.ts)
  CNTHP_CTL_EL2 = 122,
  CNTHP_CVAL_EL2 = 123,
  // FEAT_RAS (sysregs/ras.ts)
  DISR_EL1 = 124,
  VDISR_EL2 = 125,
  VSESR_EL2 = 126,
  /** V0..V31, 128 bits each (two slots), reserved for FP/SIMD. */
  V0 = 128,
  /** DBGBVR<n>_EL1, DBGBCR<n>_EL1, DBGWVR<n>_EL1, DBGWCR<n>_EL1: 16 slots each (n < 16). */
  DBGBVR0_EL1 = 192,
  DBGBCR0_EL1 = 208,
  DBGWVR0_EL1 = 224,
  DBGWCR0_EL1 = 240,
  /** PMEVCNTR<n>_EL0, PMEVTYPER<n>_EL0: 32 slots each (n < 31). */
  PMEVCNTR0_EL0 = 256,
  PMEVTYPER0_EL0 = 288,
  // EL2 registers (sysregs/el2.ts); ELR/SPSR/ESR/FAR/VBAR/SCTLR_EL2 are at 39..56.
  HCR_EL2 = 320,
  MDCR_EL2 = 321,
  CPTR_EL2 = 322,
  HSTR_EL2 = 323,
  TPIDR_EL2 = 324,
  CNTHCTL_EL2 = 325,
  CNTVOFF_EL2 = 326,
  VPIDR_EL2 = 327,
  VMPIDR_EL2 = 328,
  TCR_EL2 = 329,
  TTBR0_EL2 = 330,
  MAIR_EL2 = 331,
  VTCR_EL2 = 332,
  VTTBR_EL2 = 333,
  HPFAR_EL2 = 334,
  // EL3 registers (sysregs/el3.ts); ELR/SPSR/ESR/FAR/VBAR/SCTLR_EL3 are at 39..56.
  SCR_EL3 = 352,
  CPTR_EL3 = 353,
  MDCR_EL3 = 354,
  TPIDR_EL3 = 355,
  TCR_EL3 = 356,
  TTBR0_EL3 = 357,
  MAIR_EL3 = 358,
  // FEAT_VHE (EL2&0 regime, sysregs/): the second EL2 table base, its CONTEXTIDR, and the
  // EL2 virtual timer
  TTBR1_EL2 = 336,
  CONTEXTIDR_EL2 = 337,
  CNTHV_CTL_EL2 = 338,
  CNTHV_CVAL_EL2 = 339,
  // FP/SIMD control and status (FPCR, FPSR)
  FPCR = 94,
  FPSR = 95,
  COUNT = 384,
}

/** Index in a 32-bit view of the low half of a slot (the high half is +1; little-endian). */
export const lo = (slot: number): number => slot * 2;

export class CpuState {
  readonly buffer = new ArrayBuffer(Slot.COUNT * 8);
  /** Signed 32-bit lanes: r[2*s] is the low word of slot s, r[2*s+1] the high word. */
  readonly r = new Int32Array(this.buffer);
  /** The same lanes, unsigned. */
  readonly u = new Uint32Array(this.buffer);
  /** The same bytes as 64-bit values (for tools and slow paths, not the hot path). */
  readonly x = new BigUint64Array(this.buffer);
  /** FP/SIMD views of the same bytes (V registers: cpu/vreg.ts gives their indexes). */
  readonly f64 = new Float64Array(this.buffer);
  readonly f32 = new Float32Array(this.buffer);
  readonly u16 = new Uint16Array(this.buffer);
  readonly u8 = new Uint8Array(this.buffer);

  // PSTATE (Arm ARM D1.4), each field a small integer.
  n = 0;
  z = 0;
  c = 0;
  v = 0;
  /** DAIF as the 4-bit value of bits [9:6] of the SPSR layout (D=8, A=4, I=2, F=1). */
  daif = 0xf;
  el = 1;
  /** PSTATE.SP: 0 selects SP_EL0, 1 selects SP_ELx. */
  spsel = 1;
  /** PSTATE.IL (illegal execution state) and PSTATE.SS, kept for SPSR round trips. */
  il = 0;
  ss = 0;
  /**
   * PSTATE.PAN (FEAT_PAN), UAO (FEAT_UAO), DIT (FEAT_DIT), SSBS (FEAT_SSBS), 0/1. They stay 0
   * on a model without the feature: nothing but the feature's instructions and ERET (through
   * `pstateImpl`) sets them.
   */
  pan = 0;
  uao = 0;
  dit = 0;
  ssbs = 0;
  /** The SPSR bits of the optional PSTATE fields the model implements (PSTATE_PAN | ...). */
  pstateImpl = 0;

  get pc(): bigint {
    return this.x[Slot.PC];
  }
  set pc(v: bigint) {
    this.x[Slot.PC] = BigInt.asUintN(64, v);
  }

  /** NZCV in the bit positions of the NZCV system register (bits 31:28). */
  get nzcv(): number {
    return ((this.n << 31) | (this.z << 30) | (this.c << 29) | (this.v << 28)) >>> 0;
  }
  set nzcv(val: number) {
    this.n = (val >>> 31) & 1;
    this.z = (val >>> 30) & 1;
    this.c = (val >>> 29) & 1;
    this.v = (val >>> 28) & 1;
  }

  /** The slot that banks the stack pointer selected by (el, spsel). */
  static bankOf(el: number, spsel: number): number {
    return Slot.SP_EL0 + (spsel ? el : 0);
  }

  /**
   * Changes PSTATE.EL and PSTATE.SP, saving the live SP into its bank and loading the
   * newly selected one (Arm ARM D1.7.2, "The stack pointer registers").
   */
  selectSp(el: number, spsel: number): void {
    const r = this.r;
    const from = lo(CpuState.bankOf(this.el, this.spsel));
    r[from] = r[lo(Slot.SP)];
    r[from + 1] = r[lo(Slot.SP) + 1];
    this.el = el;
    this.spsel = spsel;
    const to = lo(CpuState.bankOf(el, spsel));
    r[lo(Slot.SP)] = r[to];
    r[lo(Slot.SP) + 1] = r[to + 1];
  }

  /** Reads a banked SP_ELn, whether or not it is the live one. */
  getSpEl(n: number): bigint {
    const live = CpuState.bankOf(this.el, this.spsel) === Slot.SP_EL0 + n;
    return this.x[live ? Slot.SP : Slot.SP_EL0 + n];
  }
  setSpEl(n: number, v: bigint): void {
    const live = CpuState.bankOf(this.el, this.spsel) === Slot.SP_EL0 + n;
    this.x[live ? Slot.SP : Slot.SP_EL0 + n] = BigInt.asUintN(64, v);
  }

  /** PSTATE packed in the SPSR_ELx layout for AArch64 (Arm ARM C5.2.18). */
  get spsrBits(): number {
    const m = (this.el << 2) | this.spsel;
    return (
      this.nzcv | (this.dit << SpsrBit.DIT) | (this.uao << SpsrBit.UAO) | (this.pan << SpsrBit.PAN) |
      (this.ss << SpsrBit.SS) | (this.il << SpsrBit.IL) | (this.ssbs << SpsrBit.SSBS) | (this.daif << 6) | m
    ) >>> 0;
  }

  /**
   * Sets PSTATE from a value in the SPSR_ELx layout, the inverse of spsrBits: a raw write by a
   * tool (KVM's regs.pstate, a state file), without an exception return's checks. Fields the
   * model lacks stay 0; EL and SPSel re-bank the live SP.
   */
  setSpsrBits(p: number): void {
    this.nzcv = p & 0xf0000000;
    this.daif = (p >>> 6) & 0xf;
    this.il = (p >>> SpsrBit.IL) & 1;
    this.ss = (p >>> SpsrBit.SS) & 1;
    const impl = this.pstateImpl;
    this.pan = (impl >>> SpsrBit.PAN) & (p >>> SpsrBit.PAN) & 1;
    this.uao = (impl >>> SpsrBit.UAO) & (p >>> SpsrBit.UAO) & 1;
    this.dit = (impl >>> SpsrBit.DIT) & (p >>> SpsrBit.DIT) & 1;
    this.ssbs = (impl >>> SpsrBit.SSBS) & (p >>> SpsrBit.SSBS) & 1;
    this.selectSp((p >>> 2) & 3, p & 1);
  }

  reset(): void {
    this.r.fill(0);
    this.n = this.z = this.c = this.v = 0;
    this.daif = 0xf;
    this.el = 1;
    this.spsel = 1;
    this.il = 0;
    this.ss = 0;
    // PAN, UAO, DIT and SSBS are 0 after reset, as in QEMU 7.2's reset cpsr 0x400003c5
    // (tests/sysregs/qemu/max-el1.json).
    this.pan = this.uao = this.dit = this.ssbs = 0;
  }
}

/**
 * The bit positions of the one-bit PSTATE fields in SPSR_ELx for AArch64 (Arm ARM C5.2.18),
 * which the MRS/MSR PSTATE views (sysregs/pstate.ts) use too.
 */
export const SpsrBit = { SSBS: 12, IL: 20, SS: 21, PAN: 22, UAO: 23, DIT: 24 } as const;
/** The optional PSTATE fields as SPSR masks (CpuState.pstateImpl). */
export const PSTATE_DIT = 1 << SpsrBit.DIT;
export const PSTATE_UAO = 1 << SpsrBit.UAO;
export const PSTATE_PAN = 1 << SpsrBit.PAN;
export const PSTATE_SSBS = 1 << SpsrBit.SSBS;
