// Conditions the registers' Accessibility pseudocode shares (Arm ARM, "Accessibility" of
// each register page), for rows' accessTrap hooks.

import type { Cpu } from '../cpu/cpu.js';
import { Slot } from '../cpu/state.js';
import { ScrEl3 } from './bits.js';

const SCR_LO = Slot.SCR_EL3 * 2;

/** EL2Enabled(): EL2 is implemented and, with EL3, SCR_EL3.NS = 1 (there is no Secure EL2). */
export const el2Enabled = (cpu: Cpu): boolean =>
  cpu.model.features.EL2 && (!cpu.model.features.EL3 || (cpu.r[SCR_LO] & ScrEl3.NS) !== 0);

/** IsSecure(): with EL3, at EL3 or with SCR_EL3.NS = 0 (a64emu's PEs without EL3 are Non-secure). */
export const isSecure = (cpu: Cpu): boolean =>
  cpu.model.features.EL3 && (cpu.el === 3 || (cpu.r[SCR_LO] & ScrEl3.NS) === 0);

/** Bit `bit` (0-63) of HCR_EL2. */
export const hcrBit = (cpu: Cpu, bit: number): number => (cpu.r[Slot.HCR_EL2 * 2 + (bit >> 5)] >>> (bit & 31)) & 1;

/** Bit `bit` (0-63) of SCR_EL3. */
export const scrBit = (cpu: Cpu, bit: number): number => (cpu.r[SCR_LO + (bit >> 5)] >>> (bit & 31)) & 1;
