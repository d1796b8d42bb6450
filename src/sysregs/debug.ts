// Self-hosted debug registers (Arm ARM D2 "AArch64 Self-hosted Debug", registers D17.3):
// debug control and the OS lock, the Debug Communications Channel, and the breakpoint and
// watchpoint registers the model's ID_AA64DFR0_EL1 announces. No debug events are generated
// yet (breakpoints, watchpoints, software step, the OS lock's effects): these are the
// registers' state only. MDCR_EL2/MDCR_EL3 trap them by group (traps.ts): the OS lock
// registers by TDOSA ('debugOs'), MDRAR_EL1 by TDRA ('debugRom'), the others by TDA ('debug').
// DBGCLAIMSET_EL1, DBGCLAIMCLR_EL1 and DBGAUTHSTATUS_EL1 are left out: QEMU 7.2 has none of
// them (its MRS/MSR are UNDEFINED).

import { Slot } from '../cpu/state.js';
import { EL0_RO, EL1_RO, EL1_RW, Flag, type RowSpec } from './row.js';

/**
 * Breakpoints and watchpoints: ID_AA64DFR0_EL1.BRPs and WRPs (plus one) of every model,
 * QEMU 7.2's Cortex-A57/A72/max value (tests/sysregs/debug.test.ts checks it against the table).
 */
export const BRPS = 6;
export const WRPS = 4;

/** DBGBCR<n>_EL1, DBGBVR<n>_EL1, ... at op0 2, op1 0, CRn 0, CRm n, op2 4-7. */
const dbg = (name: string, n: number, op2: number): Omit<RowSpec, 'access'> & { access: typeof EL1_RW } => ({
  name: `${name}${n}_EL1`, op0: 2, op1: 0, crn: 0, crm: n, op2, access: EL1_RW,
});

function breakpoint(n: number): RowSpec[] {
  const bcr = Slot.DBGBCR0_EL1 + n;
  return [
    // QEMU 7.2 keeps every bit of DBGBVR<n>_EL1 (dbgbvr_write).
    { ...dbg('DBGBVR', n, 4), slot: Slot.DBGBVR0_EL1 + n },
    {
      // BAS (bits [8:5]): A64 instructions are 4 bytes, so BAS[1] reads as BAS[0] and BAS[3]
      // as BAS[2] (Arm ARM D2.9.3, "Byte address selection"), as QEMU 7.2's dbgbcr_write
      // makes them. Every other bit is kept, as QEMU does.
      ...dbg('DBGBCR', n, 5),
      get: (cpu) => cpu.x[bcr],
      set: (cpu, v) => {
        const bas0 = (v >> 5n) & 1n;
        const bas2 = (v >> 7n) & 1n;
        cpu.x[bcr] = (v & ~0x140n) | (bas0 << 6n) | (bas2 << 8n);
      },
      raw: { get: (cpu) => cpu.x[bcr], set: (cpu, v) => void (cpu.x[bcr] = v) },
    },
  ];
}

const watchpoint = (n: number): RowSpec[] => [
  // Bits [1:0] are RES0 and, as in QEMU 7.2 (dbgwvr_write), forced to zero.
  { ...dbg('DBGWVR', n, 6), slot: Slot.DBGWVR0_EL1 + n, res0: 3n },
  { ...dbg('DBGWCR', n, 7), slot: Slot.DBGWCR0_EL1 + n },
];

const DEBUG_REGS: readonly RowSpec[] = [
  // Like QEMU 7.2, every bit written is kept (RES0 and the read-only TXfull/RXfull included).
  { name: 'MDSCR_EL1', op0: 2, op1: 0, crn: 0, crm: 2, op2: 2, access: EL1_RW, slot: Slot.MDSCR_EL1 },
  {
    // The OS Lock: OSLAR_EL1.OSLK (bit 0) is written to OSLSR_EL1.OSLK (bit 1). Write-only.
    name: 'OSLAR_EL1', op0: 2, op1: 0, crn: 1, crm: 0, op2: 4, access: { read: 4, write: 1 }, flags: Flag.NO_RAW,
    set: (cpu, v) => {
      cpu.x[Slot.OSLSR_EL1] = (cpu.x[Slot.OSLSR_EL1] & ~2n) | ((v & 1n) << 1n);
    },
  },
  // OSLM = 0b10 (OSLM[1] is bit 3, OSLM[0] bit 0: the OS Lock is implemented) and OSLK = 1:
  // the OS Lock is locked at reset (Arm ARM D17.3, OSLSR_EL1). QEMU 7.2's reset value is 0xa.
  { name: 'OSLSR_EL1', op0: 2, op1: 0, crn: 1, crm: 1, op2: 4, access: EL1_RO, slot: Slot.OSLSR_EL1, reset: () => 0xan },
  // DLK (bit 0) is RW because FEAT_DoubleLock is implemented (ID_AA64DFR0_EL1.DoubleLock is 0
  // on every model); every other bit is RES0 (as QEMU 7.2's osdlr_write).
  { name: 'OSDLR_EL1', op0: 2, op1: 0, crn: 1, crm: 3, op2: 4, access: EL1_RW, slot: Slot.OSDLR_EL1, res0: ~1n },
  // No memory-mapped debug components: the ROM address is not valid (Valid = 0b00), as QEMU.
  { name: 'MDRAR_EL1', op0: 2, op1: 0, crn: 1, crm: 0, op2: 0, access: EL1_RO, flags: Flag.CONST, value: () => 0n },
  {
    // The DCC status: no external debugger, so TXfull and RXfull read 0. At EL0 it traps to
    // EL1 when MDSCR_EL1.TDCC (bit 12) is 1 (Arm ARM D17.3, MDCCSR_EL0).
    name: 'MDCCSR_EL0', op0: 2, op1: 3, crn: 0, crm: 1, op2: 0, access: EL0_RO, flags: Flag.CONST, value: () => 0n,
    el0Trap: (cpu) => ((cpu.r[Slot.MDSCR_EL1 * 2] >>> 12) & 1) === 0,
  },
  // The DCC interrupt enables TX (bit 29) and RX (bit 30), RW (Arm ARM D17.3, MDCCINT_EL1);
  // with no DCC interrupts (no GIC, no external debugger) they have no effect. QEMU 7.2 makes
  // the register a NOP (its MRS leaves Xt unchanged).
  { name: 'MDCCINT_EL1', op0: 2, op1: 0, crn: 0, crm: 2, op2: 0, access: EL1_RW, slot: Slot.MDCCINT_EL1, res0: ~(3n << 29n) },
  ...Array.from({ length: BRPS }, (_, n) => breakpoint(n)).flat(),
  ...Array.from({ length: WRPS }, (_, n) => watchpoint(n)).flat(),
];

const OS_LOCK = ['OSLAR_EL1', 'OSLSR_EL1', 'OSDLR_EL1'];
export const DEBUG_ROWS: readonly RowSpec[] = DEBUG_REGS.map((r) => ({
  ...r, group: OS_LOCK.includes(r.name) ? 'debugOs' : r.name === 'MDRAR_EL1' ? 'debugRom' : 'debug',
}));
