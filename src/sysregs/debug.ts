// Self-hosted debug registers (Arm ARM D2 "AArch64 Self-hosted Debug", registers D17.3; D24.3
// in the K.a numbering the newer comments cite):
// debug control and the OS lock, the Debug Communications Channel, and the breakpoint and
// watchpoint registers the model's ID_AA64DFR0_EL1 announces. No debug events are generated
// yet (breakpoints, watchpoints, software step): these are the registers' state only, but
// for the OS Lock and OS Double Lock gating PSTATE.SS on ERET (cpu/exception.ts) and the OS
// Lock gating OSECCR_EL1 writes. MDCR_EL2/MDCR_EL3 trap them by group (traps.ts): the OS lock
// registers and DBGPRCR_EL1 by TDOSA ('debugOs'), MDRAR_EL1 by TDRA ('debugRom'), the others
// by TDA ('debug'). The DCC data registers, OSDTRRX/OSDTRTX/OSECCR_EL1, DBGPRCR_EL1, the CLAIM
// tags and DBGAUTHSTATUS_EL1 are mandatory in Armv8.0 but absent from QEMU 7.2 (UNDEFINED
// there): a64emu has them on purpose (docs/ARCHITECTURE.md, deliberate differences).
// DSPSR_EL0 and DLR_EL0 exist only in Debug state, which a64emu never enters: UNDEFINED.

import type { Cpu } from '../cpu/cpu.js';
import { Slot } from '../cpu/state.js';
import { EL0_RO, EL0_RW, EL1_RO, EL1_RW, Flag, type RowSpec } from './row.js';

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

const W32 = 0xffffffffn;
const RXFULL = 1n << 30n;
const TXFULL = 1n << 29n;
/** The DCC at EL0: allowed unless MDSCR_EL1.TDCC (bit 12) traps it to EL1 (D24.3.16). */
const dccEl0 = (cpu: Cpu): boolean => ((cpu.r[Slot.MDSCR_EL1 * 2] >>> 12) & 1) === 0;

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
  // The DCC status: RXfull (bit 30) and TXfull (bit 29) (Arm ARM D24.3.16, MDCCSR_EL0).
  // With no external debugger nothing fills DTRRX or drains DTRTX: RXfull stays 0, and TXfull
  // stays 1 after the first DBGDTRTX_EL0/DBGDTR_EL0 write (as on hardware with no debugger
  // attached; Linux's hvc_dcc probes for exactly this). QEMU 7.2 reads 0 always.
  { name: 'MDCCSR_EL0', op0: 2, op1: 3, crn: 0, crm: 1, op2: 0, access: EL0_RO, slot: Slot.MDCCSR_EL0, el0Trap: dccEl0 },
  {
    // DBGDTR_EL0 (D24.3.6): a write sets DTRRX to Xt[63:32] and DTRTX to Xt[31:0] and sets
    // TXfull; a read returns DTRTX:DTRRX and clears RXfull. The UNKNOWN cases (a write with
    // TXfull = 1, a read with RXfull = 0) write / return the registers as they are.
    name: 'DBGDTR_EL0', op0: 2, op1: 3, crn: 0, crm: 4, op2: 0, access: EL0_RW, flags: Flag.ALIAS | Flag.NO_RAW, el0Trap: dccEl0,
    get: (cpu) => {
      cpu.x[Slot.MDCCSR_EL0] &= ~RXFULL;
      return ((cpu.x[Slot.DBG_DTRTX] & W32) << 32n) | (cpu.x[Slot.DBG_DTRRX] & W32);
    },
    set: (cpu, v) => {
      cpu.x[Slot.DBG_DTRRX] = v >> 32n;
      cpu.x[Slot.DBG_DTRTX] = v & W32;
      cpu.x[Slot.MDCCSR_EL0] |= TXFULL;
    },
  },
  {
    // One encoding, two registers: MRS reads DBGDTRRX_EL0 (D24.3.7: DTRRX, clears RXfull), MSR
    // writes DBGDTRTX_EL0 (D24.3.8: DTRTX = Xt[31:0], sets TXfull).
    name: 'DBGDTRRX_EL0', op0: 2, op1: 3, crn: 0, crm: 5, op2: 0, access: EL0_RW, flags: Flag.ALIAS | Flag.NO_RAW, el0Trap: dccEl0,
    get: (cpu) => {
      cpu.x[Slot.MDCCSR_EL0] &= ~RXFULL;
      return cpu.x[Slot.DBG_DTRRX] & W32;
    },
    set: (cpu, v) => {
      cpu.x[Slot.DBG_DTRTX] = v & W32;
      cpu.x[Slot.MDCCSR_EL0] |= TXFULL;
    },
  },
  // Save/restore views of DTRRX and DTRTX that leave RXfull/TXfull alone (D24.3.24, D24.3.25);
  // they own the DCC data for migration. Bits [63:32] are RES0.
  { name: 'OSDTRRX_EL1', op0: 2, op1: 0, crn: 0, crm: 0, op2: 2, access: EL1_RW, slot: Slot.DBG_DTRRX, res0: ~W32 },
  { name: 'OSDTRTX_EL1', op0: 2, op1: 0, crn: 0, crm: 3, op2: 2, access: EL1_RW, slot: Slot.DBG_DTRTX, res0: ~W32 },
  {
    // EDECCR's save/restore view (D24.3.26), reset 0. With the OS Lock unlocked (OSLSR_EL1.OSLK
    // = 0) writes are ignored and reads UNKNOWN: a64emu returns EDECCR as it is.
    name: 'OSECCR_EL1', op0: 2, op1: 0, crn: 0, crm: 6, op2: 2, access: EL1_RW, reset: () => 0n,
    get: (cpu) => cpu.x[Slot.OSECCR_EL1],
    set: (cpu, v) => {
      if ((cpu.r[Slot.OSLSR_EL1 * 2] & 2) !== 0) cpu.x[Slot.OSECCR_EL1] = v & W32;
    },
    raw: { get: (cpu) => cpu.x[Slot.OSECCR_EL1], set: (cpu, v) => void (cpu.x[Slot.OSECCR_EL1] = v) },
  },
  // CORENPDRQ (bit 0), the rest RES0 (D24.3.9). It resets to EDPRCR.COREPURQ, 0 with no
  // external debugger to request power-up.
  { name: 'DBGPRCR_EL1', op0: 2, op1: 0, crn: 1, crm: 4, op2: 4, access: EL1_RW, slot: Slot.DBGPRCR_EL1, res0: ~1n },
  // The eight CLAIM tags (D24.3.4, D24.3.5), reset 0: DBGCLAIMSET_EL1 reads 0xff (RAO) and
  // sets the tags written as 1; DBGCLAIMCLR_EL1 reads them and clears those written as 1
  // (W1C). Bits [31:8] are RAZ/WI. DBGCLAIMCLR_EL1 owns the state.
  {
    name: 'DBGCLAIMSET_EL1', op0: 2, op1: 0, crn: 7, crm: 8, op2: 6, access: EL1_RW, flags: Flag.ALIAS | Flag.NO_RAW,
    get: () => 0xffn,
    set: (cpu, v) => void (cpu.x[Slot.DBG_CLAIM] |= v & 0xffn),
  },
  {
    name: 'DBGCLAIMCLR_EL1', op0: 2, op1: 0, crn: 7, crm: 9, op2: 6, access: EL1_RW, reset: () => 0n,
    get: (cpu) => cpu.x[Slot.DBG_CLAIM],
    set: (cpu, v) => void (cpu.x[Slot.DBG_CLAIM] &= ~(v & 0xffn)),
    raw: { get: (cpu) => cpu.x[Slot.DBG_CLAIM], set: (cpu, v) => void (cpu.x[Slot.DBG_CLAIM] = v) },
  },
  // No external debug authentication interface: a64emu behaves as if DBGEN, SPIDEN, NIDEN and
  // SPNIDEN were tied high, as QEMU 7.2 does for its debug exceptions (aa32_generate_debug_
  // exceptions), so each implemented Security state reads "implemented and enabled" (0b11);
  // without EL3 the PE is Non-secure only and SNID/SID read 0b00 (D24.3.1).
  { name: 'DBGAUTHSTATUS_EL1', op0: 2, op1: 0, crn: 7, crm: 14, op2: 6, access: EL1_RO, flags: Flag.CONST, value: (m) => (m.features.EL3 ? 0xffn : 0x0fn) },
  // The DCC interrupt enables TX (bit 29) and RX (bit 30), RW (Arm ARM D17.3, MDCCINT_EL1);
  // with no DCC interrupts (no GIC, no external debugger) they have no effect. QEMU 7.2 makes
  // the register a NOP (its MRS leaves Xt unchanged).
  { name: 'MDCCINT_EL1', op0: 2, op1: 0, crn: 0, crm: 2, op2: 0, access: EL1_RW, slot: Slot.MDCCINT_EL1, res0: ~(3n << 29n) },
  ...Array.from({ length: BRPS }, (_, n) => breakpoint(n)).flat(),
  ...Array.from({ length: WRPS }, (_, n) => watchpoint(n)).flat(),
];

/** The Armv8.0 debug registers QEMU 7.2 lacks (its MRS/MSR are UNDEFINED): deliberate differences. */
export const DEBUG_NOT_IN_QEMU: readonly string[] = [
  'OSDTRRX_EL1', 'OSDTRTX_EL1', 'OSECCR_EL1', 'DBGPRCR_EL1', 'DBGCLAIMSET_EL1', 'DBGCLAIMCLR_EL1',
  'DBGAUTHSTATUS_EL1', 'DBGDTR_EL0', 'DBGDTRRX_EL0',
];

const OS_LOCK = ['OSLAR_EL1', 'OSLSR_EL1', 'OSDLR_EL1', 'DBGPRCR_EL1'];
export const DEBUG_ROWS: readonly RowSpec[] = DEBUG_REGS.map((r) => ({
  ...r, group: OS_LOCK.includes(r.name) ? 'debugOs' : r.name === 'MDRAR_EL1' ? 'debugRom' : 'debug',
}));
