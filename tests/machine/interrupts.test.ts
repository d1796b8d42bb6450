// Virtual interrupts and FEAT_RAS under `--el 2` (QEMU's virtualization=on, -cpu max), end to
// end: guest programs set HCR_EL2 (IMO/FMO/AMO, VI/VF/VSE, TGE, TERR) and VSESR_EL2, ERET to
// EL1 or EL0, and run a short body; an EL1 vector records which vector was taken and
// ESR/ELR/SPSR_EL1 and ISR_EL1, then HVC #0x77 goes to EL2, which prints eight values as 8
// little-endian bytes each: ESR_EL1, ELR_EL1, SPSR_EL1, ISR_EL1 (in the EL1 handler), x23 (set
// by the body), the vector taken (EL1: its offset; EL2: 0x1000 + offset; 0 = none), VDISR_EL2
// and HCR_EL2. The expected bytes are qemu-system-aarch64 7.2's output for the same ELF (-M
// virt,virtualization=on -cpu max -semihosting -serial stdio); the last test runs QEMU live.
// Each expected value also agrees with the Arm ARM (see tests/cpu/interrupts.test.ts for the
// rules; a case whose QEMU 7.2 output departs from it records that output in `qemu`): virtual
// interrupts are taken at EL0/EL1 only with the xMO bit set and TGE = 0,
// masked by PSTATE; ELR is the next instruction to execute.
//
// Assembled with GNU as 2.40 (aarch64-linux-gnu-as -march=armv8.2-a, linked at 0x40080000):
//   _start: VBAR_EL1 = vec_el1, VBAR_EL2 = vec_el2; VSESR_EL2, HCR_EL2, SPSR_EL2 from cfg;
//           ELR_EL2 = body; eret
//   cfg:    .quad hcr, vsesr, spsr        (0x40080038)
//   body:   the case's instructions, then HVC #0x77 (0x40080050, 16 words)
//   report_el2: x25 = VDISR_EL2, x26 = HCR_EL2; report: print x19..x26, SYS_EXIT 0
//   el1_common: x19..x22 = ESR_EL1, ELR_EL1, SPSR_EL1, ISR_EL1; hvc #0x77
//   el2_sync: if ESR_EL2 is HVC #0x77 report; else x19 = ESR_EL2, x20 = ELR_EL2, x24 = 0x1400
//   vec_el1 (0x40080800), each of the 16 entries: mov x24, #offset; b el1_common
//   vec_el2 (0x40081000): lower-EL synchronous (+0x400): b el2_sync; the others:
//           mov x24, #(0x1000 + offset); b report_el2
import { describe } from 'vitest';
import { b, BASE, guestTests, imageOf, quad, report } from './guest.js';

const HVC_77 = 0xd4000ee2; // hvc #0x77

const START = [
  0x10004000, // 40080000: adr x0, 40080800 <vec_el1>
  0xd518c000, // 40080004: msr vbar_el1, x0
  0x10007fc0, // 40080008: adr x0, 40081000 <vec_el2>
  0xd51cc000, // 4008000c: msr vbar_el2, x0
  0x58000180, // 40080010: ldr x0, 40080040 <cfg_vsesr>
  0xd51c5260, // 40080014: msr vsesr_el2, x0
  0x58000100, // 40080018: ldr x0, 40080038 <cfg_hcr>
  0xd51c1100, // 4008001c: msr hcr_el2, x0
  0x58000140, // 40080020: ldr x0, 40080048 <cfg_spsr>
  0xd51c4000, // 40080024: msr spsr_el2, x0
  0x10000140, // 40080028: adr x0, 40080050 <body>
  0xd51c4020, // 4008002c: msr elr_el2, x0
  0xd69f03e0, // 40080030: eret
  0xd503201f, // 40080034: nop
];

const REPORT = [
  0xd53cc139, // 40080090: mrs x25, vdisr_el2
  0xd53c111a, // 40080094: mrs x26, hcr_el2
  ...report(8, 0x40080098), // print x19..x26, SYS_EXIT 0
];

const HANDLERS = [
  0xd5385213, // 40080138: mrs x19, esr_el1
  0xd5384034, // 4008013c: mrs x20, elr_el1
  0xd5384015, // 40080140: mrs x21, spsr_el1
  0xd538c116, // 40080144: mrs x22, isr_el1
  0xd4000ee2, // 40080148: hvc #0x77
  0xd53c5200, // 4008014c: mrs x0, esr_el2
  0xd2800ee1, // 40080150: mov x1, #0x77
  0xf2ab4001, // 40080154: movk x1, #0x5a00, lsl #16
  0xeb01001f, // 40080158: cmp x0, x1
  0x54fff9a0, // 4008015c: b.eq 40080090 <report_el2>
  0xaa0003f3, // 40080160: mov x19, x0
  0xd53c4034, // 40080164: mrs x20, elr_el2
  0xd2828018, // 40080168: mov x24, #0x1400
  0x17ffffc9, // 4008016c: b 40080090 <report_el2>
];

/** MOV x24, #imm (MOVZ, Arm ARM C6.2: sf 1, opc 10, hw 0, imm16, Rd 24). */
const movX24 = (imm: number): number => (0xd2800018 | (imm << 5)) >>> 0;

const EL1_COMMON = 0x40080138;
const EL2_SYNC = 0x4008014c;
const REPORT_EL2 = 0x40080090;
const VEC_EL1 = 0x40080800;
const VEC_EL2 = 0x40081000;

/**
 * A vector table at `vec`: each of the 16 entries `mov x24, #(tag + offset); b to`, except a
 * `b sync` at +0x400 (lower EL, synchronous) when `sync` is given.
 */
const table = (vec: number, tag: number, to: number, sync?: number): [number, number[]][] =>
  Array.from({ length: 16 }, (_, k) => {
    const at = vec + 0x80 * k;
    return [at - BASE, k === 8 && sync !== undefined ? [b(at, sync)] : [movX24(tag + 0x80 * k), b(at + 4, to)]];
  });

/** The case's 16-word body: `body`, then `fill` (HVC/SMC #0x77). */
const body16 = (body: number[], fill: number): number[] => [...body, ...new Array<number>(16 - body.length).fill(fill)];

const image = (hcr: bigint, vsesr: bigint, spsr: bigint, body: number[]): Uint8Array =>
  imageOf([
    [0, START],
    [0x38, quad(hcr, vsesr, spsr)],
    [0x50, body16(body, HVC_77)],
    [REPORT_EL2 - BASE, REPORT],
    [EL1_COMMON - BASE, HANDLERS],
    ...table(VEC_EL1, 0, EL1_COMMON),
    ...table(VEC_EL2, 0x1000, REPORT_EL2, EL2_SYNC),
  ], VEC_EL2 + 0x800 - BASE);

interface Case {
  name: string;
  what: string;
  hcr: bigint;
  vsesr: bigint;
  spsr: bigint;
  body: number[];
  expected: bigint[];
  /** QEMU 7.2's output where it departs from the Arm ARM (docs/ARCHITECTURE.md lists it). */
  qemu?: bigint[];
}

const CASES: Case[] = [
  {
    name: 'virq_el1',
    what: 'HCR_EL2.IMO|VI, EL1 with DAIF masked: ISR_EL1.I is 1; MSR DAIFClr, #2 takes the virtual IRQ at EL1 (VBAR_EL1 + 0x280), ELR_EL1 the instruction after the MSR',
    hcr: 0x80000090n, vsesr: 0x0n, spsr: 0x3c5n,
    body: [0xd538c117 /* mrs x23, isr_el1 */, 0xd50342ff /* msr daifclr, #0x2 */, 0xd503201f /* nop */, 0xd503201f /* nop */],
    // QEMU 7.2: ESR_EL1, ELR_EL1, SPSR_EL1, ISR_EL1 (in the EL1 handler), x23, vector, VDISR_EL2, HCR_EL2
    expected: [0x0n, 0x40080058n, 0x345n, 0x80n, 0x80n, 0x280n, 0x0n, 0x80000090n],
  },
  {
    name: 'vfiq_el1',
    what: 'HCR_EL2.FMO|VF: ISR_EL1.F; MSR DAIFClr, #1 takes the virtual FIQ at EL1 (+0x300)',
    hcr: 0x80000048n, vsesr: 0x0n, spsr: 0x3c5n,
    body: [0xd538c117 /* mrs x23, isr_el1 */, 0xd50341ff /* msr daifclr, #0x1 */, 0xd503201f /* nop */, 0xd503201f /* nop */],
    // QEMU 7.2: ESR_EL1, ELR_EL1, SPSR_EL1, ISR_EL1 (in the EL1 handler), x23, vector, VDISR_EL2, HCR_EL2
    expected: [0x0n, 0x40080058n, 0x385n, 0x40n, 0x40n, 0x300n, 0x0n, 0x80000048n],
  },
  {
    name: 'vserror_el1',
    what: 'HCR_EL2.AMO|VSE, VSESR_EL2 0x1abcdef: ISR_EL1.A; MSR DAIFClr, #4 takes the virtual SError (+0x380), ESR_EL1 0xbfabcdef (EC 0x2F, IL, IDS+ISS from VSESR_EL2), VSE cleared',
    hcr: 0x80000120n, vsesr: 0x1abcdefn, spsr: 0x3c5n,
    body: [0xd538c117 /* mrs x23, isr_el1 */, 0xd50344ff /* msr daifclr, #0x4 */, 0xd503201f /* nop */, 0xd503201f /* nop */],
    // QEMU 7.2: ESR_EL1, ELR_EL1, SPSR_EL1, ISR_EL1 (in the EL1 handler), x23, vector, VDISR_EL2, HCR_EL2
    expected: [0xbfabcdefn, 0x40080058n, 0x2c5n, 0x0n, 0x100n, 0x380n, 0x0n, 0x80000020n],
  },
  {
    name: 'virq_el0',
    what: 'HCR_EL2.IMO|VI, ERET to EL0t unmasked: the virtual IRQ is taken at the first EL0 instruction (VBAR_EL1 + 0x480, ELR_EL1 that instruction)',
    hcr: 0x80000090n, vsesr: 0x0n, spsr: 0x0n,
    body: [0xd503201f /* nop */, 0xd503201f /* nop */],
    // QEMU 7.2: ESR_EL1, ELR_EL1, SPSR_EL1, ISR_EL1 (in the EL1 handler), x23, vector, VDISR_EL2, HCR_EL2
    expected: [0x0n, 0x40080050n, 0x0n, 0x80n, 0x0n, 0x480n, 0x0n, 0x80000090n],
  },
  {
    name: 'vfiq_el0',
    what: 'HCR_EL2.FMO|VF at EL0: the virtual FIQ (VBAR_EL1 + 0x500)',
    hcr: 0x80000048n, vsesr: 0x0n, spsr: 0x0n,
    body: [0xd503201f /* nop */, 0xd503201f /* nop */],
    // QEMU 7.2: ESR_EL1, ELR_EL1, SPSR_EL1, ISR_EL1 (in the EL1 handler), x23, vector, VDISR_EL2, HCR_EL2
    expected: [0x0n, 0x40080050n, 0x0n, 0x40n, 0x0n, 0x500n, 0x0n, 0x80000048n],
  },
  {
    name: 'vserror_el0',
    what: 'HCR_EL2.AMO|VSE, VSESR_EL2 0x42 at EL0: the virtual SError (VBAR_EL1 + 0x580), ESR_EL1 0xbe000042',
    hcr: 0x80000120n, vsesr: 0x42n, spsr: 0x0n,
    body: [0xd503201f /* nop */, 0xd503201f /* nop */],
    // QEMU 7.2: ESR_EL1, ELR_EL1, SPSR_EL1, ISR_EL1 (in the EL1 handler), x23, vector, VDISR_EL2, HCR_EL2
    expected: [0xbe000042n, 0x40080050n, 0x0n, 0x0n, 0x0n, 0x580n, 0x0n, 0x80000020n],
  },
  {
    name: 'virq_masked',
    what: 'HCR_EL2.IMO|VI at EL1 with PSTATE.I set: not taken, pending (ISR_EL1 0x80) until HVC reports',
    hcr: 0x80000090n, vsesr: 0x0n, spsr: 0x3c5n,
    body: [0xd538c117 /* mrs x23, isr_el1 */, 0xd503201f /* nop */],
    // QEMU 7.2: ESR_EL1, ELR_EL1, SPSR_EL1, ISR_EL1 (in the EL1 handler), x23, vector, VDISR_EL2, HCR_EL2
    expected: [0x0n, 0x0n, 0x0n, 0x0n, 0x80n, 0x0n, 0x0n, 0x80000090n],
  },
  {
    name: 'virq_imo0',
    what: 'HCR_EL2.VI without IMO: virtual IRQs disabled; ISR_EL1 shows the physical state (0) and MSR DAIFClr, #0xf takes nothing',
    hcr: 0x80000080n, vsesr: 0x0n, spsr: 0x3c5n,
    body: [0xd538c117 /* mrs x23, isr_el1 */, 0xd5034fff /* msr daifclr, #0xf */, 0xd503201f /* nop */],
    // QEMU 7.2: ESR_EL1, ELR_EL1, SPSR_EL1, ISR_EL1 (in the EL1 handler), x23, vector, VDISR_EL2, HCR_EL2
    expected: [0x0n, 0x0n, 0x0n, 0x0n, 0x0n, 0x0n, 0x0n, 0x80000080n],
  },
  {
    name: 'virq_tge_el0',
    what: 'HCR_EL2.TGE|IMO|VI at EL0: no virtual interrupts with TGE; the HVC at EL0 is UNDEFINED, taken to EL2 by TGE (ESR_EL2 0x02000000)',
    hcr: 0x88000090n, vsesr: 0x0n, spsr: 0x0n,
    body: [0xd503201f /* nop */],
    // QEMU 7.2: ESR_EL1, ELR_EL1, SPSR_EL1, ISR_EL1 (in the EL1 handler), x23, vector, VDISR_EL2, HCR_EL2
    expected: [0x2000000n, 0x40080054n, 0x0n, 0x0n, 0x0n, 0x1400n, 0x0n, 0x88000090n],
  },
  {
    name: 'wfi_virq_masked_twi',
    what: 'HCR_EL2.TWI|IMO|VI at EL1 with PSTATE.I set: the masked virtual IRQ is pending (InterruptPending()), so WFI neither traps nor waits; x23 = 1 after it',
    hcr: 0x80002090n, vsesr: 0x0n, spsr: 0x3c5n,
    body: [0xd503207f /* wfi */, 0xd2800037 /* mov x23, #0x1 */],
    // QEMU 7.2: ESR_EL1, ELR_EL1, SPSR_EL1, ISR_EL1 (in the EL1 handler), x23, vector, VDISR_EL2, HCR_EL2
    expected: [0x0n, 0x0n, 0x0n, 0x0n, 0x1n, 0x0n, 0x0n, 0x80002090n],
  },
  {
    name: 'wfi_vi_imo0_twi',
    what: 'HCR_EL2.TWI|VI without IMO at EL1: virtual IRQs are disabled (Arm ARM HCR_EL2.IMO = 0), so nothing is pending and WFI traps to EL2 (ESR_EL2 0x07e00000: EC 0x01, IL, CV, COND 0xe), ELR_EL2 the WFI',
    hcr: 0x80002080n, vsesr: 0x0n, spsr: 0x3c5n,
    body: [0xd503207f /* wfi */, 0xd2800037 /* mov x23, #0x1 */],
    // The Arm ARM (WFI: AArch64.CheckForWFxTrap unless InterruptPending(); HCR_EL2.IMO).
    expected: [0x7e00000n, 0x40080050n, 0x0n, 0x0n, 0x0n, 0x1400n, 0x0n, 0x80002080n],
    // QEMU 7.2 observed: HCR_EL2.VI alone wakes WFI (its VIRQ line ignores IMO), no trap.
    qemu: [0x0n, 0x0n, 0x0n, 0x0n, 0x1n, 0x0n, 0x0n, 0x80002080n],
  },
  {
    name: 'esb_vdisr',
    what: 'HCR_EL2.AMO|VSE, VSESR_EL2 0x1000042 at EL1 with PSTATE.A set: ESB defers the virtual SError into VDISR_EL2 (0x81000042: A, IDS, ISS) and clears VSE; MRS DISR_EL1 at EL1 reads VDISR_EL2 (AMO); ISR_EL1 then 0; MSR DAIFClr, #4 takes nothing',
    hcr: 0x80000120n, vsesr: 0x1000042n, spsr: 0x3c5n,
    body: [0xd503221f /* esb */, 0xd538c137 /* mrs x23, disr_el1 */, 0xd538c115 /* mrs x21, isr_el1 */, 0xd50344ff /* msr daifclr, #0x4 */, 0xd503201f /* nop */],
    // QEMU 7.2: ESR_EL1, ELR_EL1, SPSR_EL1, ISR_EL1 (in the EL1 handler), x23, vector, VDISR_EL2, HCR_EL2
    expected: [0x0n, 0x0n, 0x0n, 0x0n, 0x81000042n, 0x0n, 0x81000042n, 0x80000020n],
  },
  {
    name: 'terr',
    what: 'HCR_EL2.TERR (bit 36): MRS ERRIDR_EL1 at EL1 traps to EL2 (ESR_EL2 0x62301407: EC 0x18, Op0 3, CRn 5, CRm 3, read), ELR_EL2 the MRS',
    hcr: 0x1080000000n, vsesr: 0x0n, spsr: 0x3c5n,
    body: [0xd5385300 /* mrs x0, erridr_el1 */],
    // QEMU 7.2: ESR_EL1, ELR_EL1, SPSR_EL1, ISR_EL1 (in the EL1 handler), x23, vector, VDISR_EL2, HCR_EL2
    expected: [0x62301407n, 0x40080050n, 0x0n, 0x0n, 0x0n, 0x1400n, 0x0n, 0x1080000000n],
  },
  {
    name: 'erridr',
    what: 'MRS ERRIDR_EL1 at EL1: 0 (no error records)',
    hcr: 0x80000000n, vsesr: 0x0n, spsr: 0x3c5n,
    body: [0xd28000f7 /* mov x23, #0x7 */, 0xd5385317 /* mrs x23, erridr_el1 */],
    // QEMU 7.2: ESR_EL1, ELR_EL1, SPSR_EL1, ISR_EL1 (in the EL1 handler), x23, vector, VDISR_EL2, HCR_EL2
    expected: [0x0n, 0x0n, 0x0n, 0x0n, 0x0n, 0x0n, 0x0n, 0x80000000n],
  },
];

describe('virtual interrupts and FEAT_RAS at --el 2 (-cpu max), as QEMU 7.2', () => {
  guestTests(
    CASES.map((c) => ({ name: `${c.name}: ${c.what}`, el: 2, cpu: 'max', elf: image(c.hcr, c.vsesr, c.spsr, c.body), expected: c.expected, qemu: c.qemu })),
    undefined,
    120_000,
  );
});

// The same under `--el 3` with EL2 (QEMU's secure=on,virtualization=on): the guest starts at
// EL3, sets SCR_EL3 too and ERETs from EL3; the body ends with SMC #0x77 and EL3 prints nine
// values: ESR, ELR (of EL1, or of the EL a trap went to), SPSR_EL1, ISR_EL1 in the EL1 handler,
// x23, the vector taken (EL1: offset, EL2: 0x1000 + offset, EL3: 0x3000 + offset), VDISR_EL2,
// HCR_EL2, DISR_EL1. SCR_EL3.NS decides whether EL2 is enabled (EL2Enabled()), and with it
// whether virtual interrupts exist at EL1; SCR_EL3.TERR traps ERRIDR_EL1 to EL3 after
// HCR_EL2.TERR (to EL2); SCR_EL3.EA makes DISR_EL1 RAZ/WI below EL3 unless HCR_EL2.AMO
// redirects it to VDISR_EL2 (Arm ARM, DISR_EL1 and ERRIDR_EL1 accessibility pseudocode).
//   _start: VBAR_EL1/2/3; SCR_EL3, VSESR_EL2, HCR_EL2, SPSR_EL3 from cfg (0x40080048);
//           ELR_EL3 = body (0x40080068); eret
//   report_el3 (0x400800a8): x25..x27 = VDISR_EL2, HCR_EL2, DISR_EL1; print x19..x27; exit 0
//   el1_common: x19..x22 = ESR/ELR/SPSR/ISR_EL1; smc. el2_common: x19, x20 = ESR/ELR_EL2; smc
//   el3_sync: SMC #0x77 reports; else x19, x20 = ESR/ELR_EL3, x24 = 0x3400
//   vec_el1/vec_el2 (0x40080800/0x40081000): mov x24, #tag; b el1_common/el2_common
//   vec_el3 (0x40081800): lower-EL synchronous: b el3_sync; others: mov x24, #tag; b report_el3
const START3 = [
  0x10004000, // 40080000: adr x0, 40080800 <vec_el1>
  0xd518c000, // 40080004: msr vbar_el1, x0
  0x10007fc0, // 40080008: adr x0, 40081000 <vec_el2>
  0xd51cc000, // 4008000c: msr vbar_el2, x0
  0x1000bf80, // 40080010: adr x0, 40081800 <vec_el3>
  0xd51ec000, // 40080014: msr vbar_el3, x0
  0x58000180, // 40080018: ldr x0, 40080048 <cfg_scr>
  0xd51e1100, // 4008001c: msr scr_el3, x0
  0x580001c0, // 40080020: ldr x0, 40080058 <cfg_vsesr>
  0xd51c5260, // 40080024: msr vsesr_el2, x0
  0x58000140, // 40080028: ldr x0, 40080050 <cfg_hcr>
  0xd51c1100, // 4008002c: msr hcr_el2, x0
  0x58000180, // 40080030: ldr x0, 40080060 <cfg_spsr>
  0xd51e4000, // 40080034: msr spsr_el3, x0
  0x10000180, // 40080038: adr x0, 40080068 <body>
  0xd51e4020, // 4008003c: msr elr_el3, x0
  0xd69f03e0, // 40080040: eret
  0xd503201f, // 40080044: nop
];

const REPORT3 = [
  0xd53cc139, // 400800a8: mrs x25, vdisr_el2
  0xd53c111a, // 400800ac: mrs x26, hcr_el2
  0xd538c13b, // 400800b0: mrs x27, disr_el1
  ...report(9, 0x400800b4), // print x19..x27, SYS_EXIT 0
];

const HANDLERS3 = [
  0xd5385213, // 40080160: mrs x19, esr_el1
  0xd5384034, // 40080164: mrs x20, elr_el1
  0xd5384015, // 40080168: mrs x21, spsr_el1
  0xd538c116, // 4008016c: mrs x22, isr_el1
  0xd4000ee3, // 40080170: smc #0x77
  0xd53c5213, // 40080174: mrs x19, esr_el2
  0xd53c4034, // 40080178: mrs x20, elr_el2
  0xd4000ee3, // 4008017c: smc #0x77
  0xd53e5200, // 40080180: mrs x0, esr_el3
  0xd2800ee1, // 40080184: mov x1, #0x77
  0xf2abc001, // 40080188: movk x1, #0x5e00, lsl #16
  0xeb01001f, // 4008018c: cmp x0, x1
  0x54fff8c0, // 40080190: b.eq 400800a8 <report_el3>
  0xaa0003f3, // 40080194: mov x19, x0
  0xd53e4034, // 40080198: mrs x20, elr_el3
  0xd2868018, // 4008019c: mov x24, #0x3400
  0x17ffffc2, // 400801a0: b 400800a8 <report_el3>
];

const image3 = (scr: bigint, hcr: bigint, vsesr: bigint, spsr: bigint, body: number[]): Uint8Array =>
  imageOf([
    [0, START3],
    [0x48, quad(scr, hcr, vsesr, spsr)],
    [0x68, body16(body, 0xd4000ee3 /* smc #0x77 */)],
    [0xa8, REPORT3],
    [0x160, HANDLERS3],
    ...table(VEC_EL1, 0, 0x40080160),
    ...table(VEC_EL2, 0x1000, 0x40080174),
    ...table(0x40081800, 0x3000, 0x400800a8, 0x40080180),
  ], 0x2000);

const CASES3 = [
  {
    name: 'ns_virq_el1',
    what: 'SCR_EL3.NS = 1 (EL2 enabled), HCR_EL2.IMO|VI: ISR_EL1.I; MSR DAIFClr, #2 takes the virtual IRQ at EL1 (+0x280)',
    scr: 0x531n, hcr: 0x80000090n, vsesr: 0x0n, spsr: 0x3c5n,
    body: [0xd538c117 /* mrs x23, isr_el1 */, 0xd50342ff /* msr daifclr, #0x2 */, 0xd503201f /* nop */, 0xd503201f /* nop */],
    // QEMU 7.2: ESR, ELR, SPSR_EL1, ISR_EL1 (EL1 handler), x23, vector, VDISR_EL2, HCR_EL2, DISR_EL1
    expected: [0x0n, 0x40080070n, 0x345n, 0x80n, 0x80n, 0x280n, 0x0n, 0x80000090n, 0x0n],
  },
  {
    name: 's_virq_el1',
    what: 'SCR_EL3.NS = 0 (Secure EL1: EL2 not enabled), HCR_EL2.IMO|VI: no virtual IRQ; ISR_EL1 shows the physical state (0)',
    scr: 0x530n, hcr: 0x80000090n, vsesr: 0x0n, spsr: 0x3c5n,
    body: [0xd538c117 /* mrs x23, isr_el1 */, 0xd50342ff /* msr daifclr, #0x2 */, 0xd503201f /* nop */, 0xd503201f /* nop */],
    // QEMU 7.2: ESR, ELR, SPSR_EL1, ISR_EL1 (EL1 handler), x23, vector, VDISR_EL2, HCR_EL2, DISR_EL1
    expected: [0x0n, 0x0n, 0x0n, 0x0n, 0x0n, 0x0n, 0x0n, 0x80000090n, 0x0n],
  },
  {
    name: 'ns_vserror_el0',
    what: 'SCR_EL3.NS = 1, HCR_EL2.AMO|VSE, VSESR_EL2 0x55, EL0: the virtual SError (VBAR_EL1 + 0x580), ESR_EL1 0xbe000055, VSE cleared',
    scr: 0x531n, hcr: 0x80000120n, vsesr: 0x55n, spsr: 0x0n,
    body: [0xd503201f /* nop */, 0xd503201f /* nop */],
    // QEMU 7.2: ESR, ELR, SPSR_EL1, ISR_EL1 (EL1 handler), x23, vector, VDISR_EL2, HCR_EL2, DISR_EL1
    expected: [0xbe000055n, 0x40080068n, 0x0n, 0x0n, 0x0n, 0x580n, 0x0n, 0x80000020n, 0x0n],
  },
  {
    name: 'ns_esb',
    what: 'SCR_EL3.NS = 1, HCR_EL2.AMO|VSE, PSTATE.A set: ESB defers into VDISR_EL2 (0x81000042), MRS DISR_EL1 reads it',
    scr: 0x531n, hcr: 0x80000120n, vsesr: 0x1000042n, spsr: 0x3c5n,
    body: [0xd503221f /* esb */, 0xd538c137 /* mrs x23, disr_el1 */],
    // QEMU 7.2: ESR, ELR, SPSR_EL1, ISR_EL1 (EL1 handler), x23, vector, VDISR_EL2, HCR_EL2, DISR_EL1
    expected: [0x0n, 0x0n, 0x0n, 0x0n, 0x81000042n, 0x0n, 0x81000042n, 0x80000020n, 0x0n],
  },
  {
    name: 's_esb',
    what: 'SCR_EL3.NS = 0: ESB at Secure EL1 leaves the virtual SError alone (EL2 not enabled); DISR_EL1 is itself (0)',
    scr: 0x530n, hcr: 0x80000120n, vsesr: 0x1000042n, spsr: 0x3c5n,
    body: [0xd503221f /* esb */, 0xd538c137 /* mrs x23, disr_el1 */],
    // QEMU 7.2: ESR, ELR, SPSR_EL1, ISR_EL1 (EL1 handler), x23, vector, VDISR_EL2, HCR_EL2, DISR_EL1
    expected: [0x0n, 0x0n, 0x0n, 0x0n, 0x0n, 0x0n, 0x0n, 0x80000120n, 0x0n],
  },
  {
    name: 'terr_el1',
    what: 'SCR_EL3.TERR: MRS ERRIDR_EL1 at EL1 traps to EL3 (ESR_EL3 0x62301407)',
    scr: 0x8531n, hcr: 0x80000000n, vsesr: 0x0n, spsr: 0x3c5n,
    body: [0xd5385300 /* mrs x0, erridr_el1 */],
    // QEMU 7.2: ESR, ELR, SPSR_EL1, ISR_EL1 (EL1 handler), x23, vector, VDISR_EL2, HCR_EL2, DISR_EL1
    expected: [0x62301407n, 0x40080068n, 0x0n, 0x0n, 0x0n, 0x3400n, 0x0n, 0x80000000n, 0x0n],
  },
  {
    name: 'terr_el2',
    what: 'SCR_EL3.TERR: MRS ERRIDR_EL1 at EL2 traps to EL3',
    scr: 0x8531n, hcr: 0x80000000n, vsesr: 0x0n, spsr: 0x3c9n,
    body: [0xd5385300 /* mrs x0, erridr_el1 */],
    // QEMU 7.2: ESR, ELR, SPSR_EL1, ISR_EL1 (EL1 handler), x23, vector, VDISR_EL2, HCR_EL2, DISR_EL1
    expected: [0x62301407n, 0x40080068n, 0x0n, 0x0n, 0x0n, 0x3400n, 0x0n, 0x80000000n, 0x0n],
  },
  {
    name: 'terr_hcr_first',
    what: 'HCR_EL2.TERR and SCR_EL3.TERR: the EL1 access traps to EL2 first',
    scr: 0x8531n, hcr: 0x1080000000n, vsesr: 0x0n, spsr: 0x3c5n,
    body: [0xd5385300 /* mrs x0, erridr_el1 */],
    // QEMU 7.2: ESR, ELR, SPSR_EL1, ISR_EL1 (EL1 handler), x23, vector, VDISR_EL2, HCR_EL2, DISR_EL1
    expected: [0x62301407n, 0x40080068n, 0x0n, 0x0n, 0x0n, 0x1400n, 0x0n, 0x1080000000n, 0x0n],
  },
  {
    name: 'ea_disr',
    what: 'SCR_EL3.EA = 1: DISR_EL1 is RAZ/WI at EL1 (the write of 5 is lost)',
    scr: 0x539n, hcr: 0x80000000n, vsesr: 0x0n, spsr: 0x3c5n,
    body: [0xd28000a0 /* mov x0, #0x5 */, 0xd518c120 /* msr disr_el1, x0 */, 0xd538c137 /* mrs x23, disr_el1 */],
    // QEMU 7.2: ESR, ELR, SPSR_EL1, ISR_EL1 (EL1 handler), x23, vector, VDISR_EL2, HCR_EL2, DISR_EL1
    expected: [0x0n, 0x0n, 0x0n, 0x0n, 0x0n, 0x0n, 0x0n, 0x80000000n, 0x0n],
  },
  {
    name: 'ea_amo_disr',
    what: 'SCR_EL3.EA = 1 and HCR_EL2.AMO = 1: DISR_EL1 at EL1 is VDISR_EL2 (5 written there)',
    scr: 0x539n, hcr: 0x80000020n, vsesr: 0x0n, spsr: 0x3c5n,
    body: [0xd28000a0 /* mov x0, #0x5 */, 0xd518c120 /* msr disr_el1, x0 */, 0xd538c137 /* mrs x23, disr_el1 */],
    // QEMU 7.2: ESR, ELR, SPSR_EL1, ISR_EL1 (EL1 handler), x23, vector, VDISR_EL2, HCR_EL2, DISR_EL1
    expected: [0x0n, 0x0n, 0x0n, 0x0n, 0x5n, 0x0n, 0x5n, 0x80000020n, 0x0n],
  },
  {
    name: 'disr_el1',
    what: 'DISR_EL1 at EL1 with SCR_EL3.EA = 0 and AMO = 0: the register itself (5)',
    scr: 0x531n, hcr: 0x80000000n, vsesr: 0x0n, spsr: 0x3c5n,
    body: [0xd28000a0 /* mov x0, #0x5 */, 0xd518c120 /* msr disr_el1, x0 */, 0xd538c137 /* mrs x23, disr_el1 */],
    // QEMU 7.2: ESR, ELR, SPSR_EL1, ISR_EL1 (EL1 handler), x23, vector, VDISR_EL2, HCR_EL2, DISR_EL1
    expected: [0x0n, 0x0n, 0x0n, 0x0n, 0x5n, 0x0n, 0x0n, 0x80000000n, 0x5n],
  },
];

describe('SCR_EL3 and virtual interrupts at --el 3 with EL2 (-cpu max), as QEMU 7.2', () => {
  guestTests(
    CASES3.map((c) => ({ name: `${c.name}: ${c.what}`, el: 3, el2: true, cpu: 'max', elf: image3(c.scr, c.hcr, c.vsesr, c.spsr, c.body), expected: c.expected })),
    undefined,
    120_000,
  );
});
