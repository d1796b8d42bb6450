// The EL2 registers (Arm ARM D17.2, "Virtualization registers" and the EL2 views of the
// exception, memory-system and timer registers), present when the model has EL2 (start
// mode `--el 2`, QEMU's virtualization=on). Accessible from EL2 and EL3, UNDEFINED below
// (Access {2, 2}). Reset values are QEMU 7.2's (tests/sysregs/qemu/<model>-el2.json).
//
// Write masks: like QEMU 7.2, the registers keep every bit written (RES0 included, which
// the architecture allows), except VBAR_EL2 (bits [4:0] forced to zero, as VBAR_EL1) and
// HCR_EL2 (bits above 33 are RES0 in Armv8.0, but for those of the model's features; RW is
// RAO/WI, see below). With FEAT_VHE (vhe.ts) TTBR1_EL2 and CONTEXTIDR_EL2 exist.

import { idValue } from './id.js';
import { PMU_COUNTERS, sync } from './pmu.js';
import { Slot } from '../cpu/state.js';
import { HcrEl2Bit } from './bits.js';
import { Flag, type Access, type RowSpec, MASK64, bit64 } from './row.js';

const EL2_RW: Access = { read: 2, write: 2 };

/** HCR_EL2.RW (bit 31): RAO/WI when EL1 cannot use AArch32 (Arm ARM D17.2.48), as here. */
export const HCR_RW = 1n << 31n;
/** HCR_EL2 bits defined in Armv8.0 (VM [0] .. ID [33]); the rest are RES0. */
const HCR_V80 = (1n << 34n) - 1n;
/** HCR_EL2.TERR and TEA, FEAT_RAS. */
const HCR_RAS = bit64(HcrEl2Bit.TERR) | bit64(HcrEl2Bit.TEA);

const el2 = (name: string, crn: number, crm: number, op2: number, rest: Partial<RowSpec>): RowSpec => ({
  name, op0: 3, op1: 4, crn, crm, op2, access: EL2_RW, feature: 'EL2', ...rest,
});
/** IMPLEMENTATION DEFINED registers with no contents: RAZ/WI (QEMU's ARM_CP_CONST, value 0). */
const razWi = (name: string, crn: number, crm: number, op2: number): RowSpec =>
  el2(name, crn, crm, op2, { flags: Flag.CONST, value: () => 0n });

export const EL2_ROWS: readonly RowSpec[] = [
  // What MIDR_EL1/MPIDR_EL1 read at EL1 when EL2 is enabled (id.ts); reset to the real ones.
  el2('VPIDR_EL2', 0, 0, 0, { slot: Slot.VPIDR_EL2, reset: (m) => idValue(m, 'MIDR_EL1') }),
  el2('VMPIDR_EL2', 0, 0, 5, { slot: Slot.VMPIDR_EL2, reset: (m) => idValue(m, 'MPIDR_EL1') }),
  // SCTLR_EL2 reads 0 at reset in QEMU 7.2 (it does not set the RES1 bits); every control
  // bit (M, A, C, SA, I, WXN, EE) is 0 either way, and the RES1 bits are stored as written.
  el2('SCTLR_EL2', 1, 0, 0, { slot: Slot.SCTLR_EL1 + 1, context: true }),
  razWi('ACTLR_EL2', 1, 0, 1),
  el2('HCR_EL2', 1, 1, 0, {
    slot: Slot.HCR_EL2, reset: () => HCR_RW, res1: HCR_RW,
    // HCD (bit 29) is RES0 when EL3 is implemented (Arm ARM D17.2.48; QEMU 7.2's hcr_write
    // too); above bit 33, E2H (34) exists with FEAT_VHE, TERR/TEA (36/37) with FEAT_RAS, TLOR
    // (35) with FEAT_LOR and EnSCXT (53) with FEAT_CSV2_2.
    res0For: (m) =>
      (m.features.EL3 ? 1n << 29n : 0n) |
      (MASK64 & ~HCR_V80 & ~(m.features.RAS ? HCR_RAS : 0n) & ~(m.features.LOR ? bit64(HcrEl2Bit.TLOR) : 0n) &
        ~(m.features.SCXTNUM ? bit64(HcrEl2Bit.EnSCXT) : 0n) & ~(m.features.VHE ? bit64(HcrEl2Bit.E2H) : 0n)),
    // VI/VF/VSE raise the virtual interrupts (Cpu.contextChanged re-derives them).
    context: true,
  }),
  // HPMN [4:0] resets to the number of PMU event counters (PMCR_EL0.N), as QEMU 7.2. HPMN and
  // HPME decide which counters count (pmu.ts), so a write first brings the counters up to it.
  el2('MDCR_EL2', 1, 1, 1, {
    reset: () => BigInt(PMU_COUNTERS),
    get: (cpu) => cpu.x[Slot.MDCR_EL2],
    set: (cpu, v, index) => (sync(cpu, cpu.icount + index), void (cpu.x[Slot.MDCR_EL2] = v)),
    raw: { get: (cpu) => cpu.x[Slot.MDCR_EL2], set: (cpu, v) => (sync(cpu, cpu.icount), void (cpu.x[Slot.MDCR_EL2] = v)) },
  }),
  // CPTR_EL3.TCPAC traps EL2 accesses to EL3 (traps.ts, 'cpacr').
  el2('CPTR_EL2', 1, 1, 2, { slot: Slot.CPTR_EL2, group: 'cpacr', context: true }), // TFP: Cpu.fpEnabled
  el2('HSTR_EL2', 1, 1, 3, { slot: Slot.HSTR_EL2 }),
  razWi('HACR_EL2', 1, 1, 7),
  el2('TTBR0_EL2', 2, 0, 0, { slot: Slot.TTBR0_EL2, context: true }),
  // FEAT_VHE: the EL2&0 regime's second table base (accessible whatever E2H, as QEMU 7.2).
  el2('TTBR1_EL2', 2, 0, 1, { slot: Slot.TTBR1_EL2, context: true, features: ['VHE'] }),
  el2('TCR_EL2', 2, 0, 2, { slot: Slot.TCR_EL2, context: true }),
  el2('VTTBR_EL2', 2, 1, 0, { slot: Slot.VTTBR_EL2, context: true }),
  el2('VTCR_EL2', 2, 1, 2, { slot: Slot.VTCR_EL2, context: true }),
  el2('SPSR_EL2', 4, 0, 0, { slot: Slot.SPSR_EL1 + 1 }),
  el2('ELR_EL2', 4, 0, 1, { slot: Slot.ELR_EL1 + 1 }),
  razWi('AFSR0_EL2', 5, 1, 0),
  razWi('AFSR1_EL2', 5, 1, 1),
  el2('ESR_EL2', 5, 2, 0, { slot: Slot.ESR_EL1 + 1 }),
  el2('FAR_EL2', 6, 0, 0, { slot: Slot.FAR_EL1 + 1 }),
  el2('HPFAR_EL2', 6, 0, 4, { slot: Slot.HPFAR_EL2 }),
  el2('MAIR_EL2', 10, 2, 0, { slot: Slot.MAIR_EL2, context: true }),
  razWi('AMAIR_EL2', 10, 3, 0),
  el2('VBAR_EL2', 12, 0, 0, { slot: Slot.VBAR_EL1 + 1, res0: 0x1fn }),
  el2('CONTEXTIDR_EL2', 13, 0, 1, { slot: Slot.CONTEXTIDR_EL2, features: ['VHE'] }),
  el2('TPIDR_EL2', 13, 0, 2, { slot: Slot.TPIDR_EL2 }),
  // The virtual counter's offset: CNTVCT_EL0 and the virtual timer count CNTPCT_EL0 minus it (timer.ts).
  el2('CNTVOFF_EL2', 14, 0, 3, { slot: Slot.CNTVOFF_EL2 }),
  // EL1PCEN and EL1PCTEN [1:0] reset to 1 in QEMU 7.2 (EL1 may use the physical timer).
  el2('CNTHCTL_EL2', 14, 1, 0, { slot: Slot.CNTHCTL_EL2, reset: () => 3n }),
];
