// FEAT_LOR, Limited ordering regions (Arm ARM D17.2: LORSA_EL1, LOREA_EL1, LORN_EL1,
// LORC_EL1, LORID_EL1), as QEMU 7.2 implements it for max: no LORegions and no LOR
// descriptors (LORID_EL1 = 0), so every register is RAZ/WI (CONST 0), which the Arm ARM
// allows when LORID_EL1.LR is 0. The LDLAR/STLLR instructions are then plain
// load-acquire/store-release (issue 7's business, not here).
//
// Access (the registers' Accessibility pseudocode; QEMU 7.2's access_lor_ns/_other): from
// EL1, HCR_EL2.TLOR (bit 35) traps to EL2 when EL2Enabled(); below EL3, SCR_EL3.TLOR
// (bit 14) traps to EL3. All but LORID_EL1 are UNDEFINED while SCR_EL3.NS is 0, at EL3
// too (QEMU 7.2 observed: UNDEFINED at Secure EL1 and at EL3 with NS = 0), checked first.

import type { Cpu } from '../cpu/cpu.js';
import { el2Enabled, hcrBit, scrBit } from './access.js';
import { HcrEl2Bit, ScrEl3Bit } from './bits.js';
import { ACCESS_OK, ACCESS_UNDEF, EL1_RO, EL1_RW, Flag, type Access, type RowSpec } from './row.js';


function lorNs(cpu: Cpu): number {
  if (cpu.el < 2 && hcrBit(cpu, HcrEl2Bit.TLOR) !== 0 && el2Enabled(cpu)) return 2;
  if (cpu.el < 3 && cpu.model.features.EL3 && scrBit(cpu, ScrEl3Bit.TLOR) !== 0) return 3;
  return ACCESS_OK;
}

const lorOther = (cpu: Cpu): number => (cpu.model.features.EL3 && scrBit(cpu, 0) === 0 ? ACCESS_UNDEF : lorNs(cpu));

const lor = (name: string, op2: number, access: Access, accessTrap: (cpu: Cpu) => number): RowSpec => ({
  name, op0: 3, op1: 0, crn: 10, crm: 4, op2, access, flags: Flag.CONST, feature: 'LOR', value: () => 0n, accessTrap,
});

export const LOR_ROWS: readonly RowSpec[] = [
  lor('LORSA_EL1', 0, EL1_RW, lorOther),
  lor('LOREA_EL1', 1, EL1_RW, lorOther),
  lor('LORN_EL1', 2, EL1_RW, lorOther),
  lor('LORC_EL1', 3, EL1_RW, lorOther),
  lor('LORID_EL1', 7, EL1_RO, lorNs),
];
