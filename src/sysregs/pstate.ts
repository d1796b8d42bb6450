// The MRS/MSR views of the optional PSTATE fields (Arm ARM C5.2: PAN, UAO, DIT, SSBS), each
// in its SPSR bit position with every other bit RES0. NO_RAW, as the other PSTATE views
// (base.ts) and QEMU 7.2: KVM carries PSTATE in the core registers.
//
// PAN and UAO only change how the MMU checks EL1 accesses: with stage 1 off (the only
// translation a64emu has yet) they have no effect. `context` makes a write call
// cpu.contextChanged(), where the MMU issue (src/mmu) will pick PSTATE.PAN/UAO up, as it
// does from exception entry, ERET and MSR (immediate).

import { SpsrBit } from '../cpu/state.js';
import { EL0_RW, EL1_RW, Flag, type RowSpec } from './row.js';

export const PSTATE_ROWS: readonly RowSpec[] = [
  {
    name: 'PAN', op0: 3, op1: 0, crn: 4, crm: 2, op2: 3, access: EL1_RW, flags: Flag.NO_RAW, feature: 'PAN',
    get32: (cpu) => cpu.pan << SpsrBit.PAN,
    set32: (cpu, v) => void (cpu.pan = (v >>> SpsrBit.PAN) & 1),
    context: true,
  },
  {
    name: 'UAO', op0: 3, op1: 0, crn: 4, crm: 2, op2: 4, access: EL1_RW, flags: Flag.NO_RAW, feature: 'UAO',
    get32: (cpu) => cpu.uao << SpsrBit.UAO,
    set32: (cpu, v) => void (cpu.uao = (v >>> SpsrBit.UAO) & 1),
    context: true,
  },
  {
    name: 'DIT', op0: 3, op1: 3, crn: 4, crm: 2, op2: 5, access: EL0_RW, flags: Flag.NO_RAW, feature: 'DIT',
    get32: (cpu) => cpu.dit << SpsrBit.DIT,
    set32: (cpu, v) => void (cpu.dit = (v >>> SpsrBit.DIT) & 1),
  },
  {
    name: 'SSBS', op0: 3, op1: 3, crn: 4, crm: 2, op2: 6, access: EL0_RW, flags: Flag.NO_RAW, feature: 'SSBS',
    get32: (cpu) => cpu.ssbs << SpsrBit.SSBS,
    set32: (cpu, v) => void (cpu.ssbs = (v >>> SpsrBit.SSBS) & 1),
  },
];
