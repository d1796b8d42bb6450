// FEAT_HCX: HCRX_EL2, the extended hypervisor configuration register (Arm ARM D17.2).
// Every one of its bits belongs to a feature a64emu does not implement (FEAT_SME, FEAT_MOPS,
// FEAT_LS64, FEAT_NMI, ...), so all are RES0: writes keep nothing and it reads 0, as QEMU
// 7.2's hcrx_write (valid mask 0). With EL3, an access from EL2 traps to EL3 (EC 0x18)
// while SCR_EL3.HXEn (bit 38) is 0 (the register's Accessibility pseudocode; QEMU 7.2's
// access_hxen).

import { Slot } from '../cpu/state.js';
import { scrBit } from './access.js';
import { ScrEl3Bit } from './bits.js';
import { ACCESS_OK, type RowSpec, MASK64 } from './row.js';


export const HCX_ROWS: readonly RowSpec[] = [
  {
    name: 'HCRX_EL2', op0: 3, op1: 4, crn: 1, crm: 2, op2: 2, access: { read: 2, write: 2 }, feature: 'EL2', features: ['HCX'],
    slot: Slot.HCRX_EL2, res0: MASK64,
    accessTrap: (cpu) => (cpu.el < 3 && cpu.model.features.EL3 && scrBit(cpu, ScrEl3Bit.HXEn) === 0 ? 3 : ACCESS_OK),
  },
];
