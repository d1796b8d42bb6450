// The traps of max's FEAT_LOR, FEAT_HCX and FEAT_CSV2_2 registers at EL2 and EL3 (the
// system fuzz class covers EL0/EL1 of the default mode), in two guests run on a64emu and on
// qemu-system-aarch64 7.2 (-cpu max -M virt,virtualization=on / virt,secure=on -semihosting
// -serial stdio; the last test runs QEMU live when it is installed). Both print the same
// bytes: the expected values are QEMU 7.2's output, which agrees with the Arm ARM's
// Accessibility pseudocode of LORC_EL1 & co., HCRX_EL2 and SCXTNUM_ELx (HCR_EL2.TLOR bit 35,
// EnSCXT bit 53; SCR_EL3.TLOR bit 14, EnSCXT bit 25, HXEn bit 38; LOR* UNDEFINED while
// SCR_EL3.NS is 0; ESR_ELx EC 0x18 with the MRS/MSR ISS).
//
// Source (GNU as 2.40, -march=armv8.5-a, linked at 0x40080000). `rec r` stores r at [x20],
// x20 += 8; `probe insn` is `mov x0, #0x5a; insn; rec x0` (0x5a: nothing written). The
// handlers record (EL << 32 | ESR_ELx) and return past the instruction, except that SVC at
// EL1 goes on with HVC, and HVC at EL2 / SMC at EL3 continue at x21 (the next phase).
//  EL2 guest, at EL2 with HCR_EL2 = RW:
//    probe mrs hcrx_el2; probe msr hcrx_el2, #-1; probe mrs hcrx_el2   0, -, 0 (all RES0)
//    probe mrs scxtnum_el2; msr scxtnum_el2, #0x42; probe mrs          0, 0x42
//    EL1: probe mrs scxtnum_el1, scxtnum_el0   EnSCXT = 0: EC 0x18 to EL2
//         probe mrs lorc_el1, lorid_el1        0, 0
//         probe mrs hcrx_el2                   UNDEFINED (EC 0 to EL1); hvc
//    HCR_EL2 |= TLOR; EL1: probe mrs lorc_el1, lorid_el1, msr lorsa_el1: EC 0x18 to EL2; hvc
//    HCR_EL2 = RW | EnSCXT; probe mrs hcr_el2
//    EL1: msr/mrs scxtnum_el1 (0x99), scxtnum_el0 (0x77); SCTLR_EL1.TSCXT = 1; ERET to EL0
//    EL0: probe mrs scxtnum_el0                EC 0x18 to EL1; svc (-> hvc)
//  EL3 guest, at EL3 with SCR_EL3 = 0x30 (Secure, no EL2):
//    probe mrs scxtnum_el3; msr scxtnum_el3, #0x1234; probe mrs     0, 0x1234
//    probe mrs scxtnum_el1                     0 (no trap at EL3)
//    probe mrs lorc_el1                        UNDEFINED at EL3 with SCR_EL3.NS = 0
//    SCR_EL3 = 0x430, Secure EL1: probe mrs lorc_el1, msr lorn_el1   UNDEFINED
//         probe mrs lorid_el1                  0
//         probe mrs scxtnum_el1, scxtnum_el0   SCR_EL3.EnSCXT = 0: EC 0x18 to EL3; smc
//    SCR_EL3 = NS | TLOR | 0x430; probe mrs scr_el3; EL1: probe mrs lorc_el1, lorid_el1: EC 0x18 to EL3; smc
//    SCR_EL3 = NS | EnSCXT | HXEn | 0x430; probe mrs scr_el3
//    EL1: probe msr/mrs scxtnum_el1 (0x99); probe mrs lorc_el1 (0); smc
//  then both print the records and exit through semihosting.
import { describe } from 'vitest';
import { EXIT_BLOCK, guestTests, imageOf, printRecords } from './guest.js';

const EL2_CODE = [
  0x10008000, // 40080000: adr x0, 40081000 <v2>
  0xd51cc000, // 40080004: msr vbar_el2, x0
  0x10003fc0, // 40080008: adr x0, 40080800 <v1>
  0xd518c000, // 4008000c: msr vbar_el1, x0
  0x1000bf94, // 40080010: adr x20, 40081800 <buf>
  0xd2b00001, // 40080014: mov x1, #0x80000000
  0xd51c1101, // 40080018: msr hcr_el2, x1
  0xd2800b40, // 4008001c: mov x0, #0x5a
  0xd53c1240, // 40080020: mrs x0, hcrx_el2
  0xf8008680, // 40080024: str x0, [x20], #8
  0x92800001, // 40080028: mov x1, #0xffffffffffffffff
  0xd2800b40, // 4008002c: mov x0, #0x5a
  0xd51c1241, // 40080030: msr hcrx_el2, x1
  0xf8008680, // 40080034: str x0, [x20], #8
  0xd2800b40, // 40080038: mov x0, #0x5a
  0xd53c1240, // 4008003c: mrs x0, hcrx_el2
  0xf8008680, // 40080040: str x0, [x20], #8
  0xd2800b40, // 40080044: mov x0, #0x5a
  0xd53cd0e0, // 40080048: mrs x0, scxtnum_el2
  0xf8008680, // 4008004c: str x0, [x20], #8
  0xd2800841, // 40080050: mov x1, #0x42
  0xd51cd0e1, // 40080054: msr scxtnum_el2, x1
  0xd2800b40, // 40080058: mov x0, #0x5a
  0xd53cd0e0, // 4008005c: mrs x0, scxtnum_el2
  0xf8008680, // 40080060: str x0, [x20], #8
  0x10000275, // 40080064: adr x21, 400800b0 <after1>
  0x10000041, // 40080068: adr x1, 40080070 <el1a>
  0x94000053, // 4008006c: bl 400801b8 <to_el1>
  0xd2800b40, // 40080070: el1a: mov x0, #0x5a
  0xd538d0e0, // 40080074: mrs x0, scxtnum_el1
  0xf8008680, // 40080078: str x0, [x20], #8
  0xd2800b40, // 4008007c: mov x0, #0x5a
  0xd53bd0e0, // 40080080: mrs x0, scxtnum_el0
  0xf8008680, // 40080084: str x0, [x20], #8
  0xd2800b40, // 40080088: mov x0, #0x5a
  0xd538a460, // 4008008c: mrs x0, lorc_el1
  0xf8008680, // 40080090: str x0, [x20], #8
  0xd2800b40, // 40080094: mov x0, #0x5a
  0xd538a4e0, // 40080098: mrs x0, lorid_el1
  0xf8008680, // 4008009c: str x0, [x20], #8
  0xd2800b40, // 400800a0: mov x0, #0x5a
  0xd53c1240, // 400800a4: mrs x0, hcrx_el2
  0xf8008680, // 400800a8: str x0, [x20], #8
  0xd4000022, // 400800ac: hvc #0x1
  0xd2b00001, // 400800b0: after1: mov x1, #0x80000000
  0xb25d0021, // 400800b4: orr x1, x1, #0x800000000
  0xd51c1101, // 400800b8: msr hcr_el2, x1
  0x100001b5, // 400800bc: adr x21, 400800f0 <after2>
  0x10000041, // 400800c0: adr x1, 400800c8 <el1b>
  0x9400003d, // 400800c4: bl 400801b8 <to_el1>
  0xd2800b40, // 400800c8: el1b: mov x0, #0x5a
  0xd538a460, // 400800cc: mrs x0, lorc_el1
  0xf8008680, // 400800d0: str x0, [x20], #8
  0xd2800b40, // 400800d4: mov x0, #0x5a
  0xd538a4e0, // 400800d8: mrs x0, lorid_el1
  0xf8008680, // 400800dc: str x0, [x20], #8
  0xd2800b40, // 400800e0: mov x0, #0x5a
  0xd518a401, // 400800e4: msr lorsa_el1, x1
  0xf8008680, // 400800e8: str x0, [x20], #8
  0xd4000042, // 400800ec: hvc #0x2
  0xd2b00001, // 400800f0: after2: mov x1, #0x80000000
  0xb24b0021, // 400800f4: orr x1, x1, #0x20000000000000
  0xd51c1101, // 400800f8: msr hcr_el2, x1
  0xd2800b40, // 400800fc: mov x0, #0x5a
  0xd53c1100, // 40080100: mrs x0, hcr_el2
  0xf8008680, // 40080104: str x0, [x20], #8
  0x100003b5, // 40080108: adr x21, 4008017c <after3>
  0x10000041, // 4008010c: adr x1, 40080114 <el1c>
  0x9400002a, // 40080110: bl 400801b8 <to_el1>
  0xd2801321, // 40080114: el1c: mov x1, #0x99
  0xd2800b40, // 40080118: mov x0, #0x5a
  0xd518d0e1, // 4008011c: msr scxtnum_el1, x1
  0xf8008680, // 40080120: str x0, [x20], #8
  0xd2800b40, // 40080124: mov x0, #0x5a
  0xd538d0e0, // 40080128: mrs x0, scxtnum_el1
  0xf8008680, // 4008012c: str x0, [x20], #8
  0xd2800ee1, // 40080130: mov x1, #0x77
  0xd2800b40, // 40080134: mov x0, #0x5a
  0xd51bd0e1, // 40080138: msr scxtnum_el0, x1
  0xf8008680, // 4008013c: str x0, [x20], #8
  0xd2800b40, // 40080140: mov x0, #0x5a
  0xd53bd0e0, // 40080144: mrs x0, scxtnum_el0
  0xf8008680, // 40080148: str x0, [x20], #8
  0xd5381001, // 4008014c: mrs x1, sctlr_el1
  0xb26c0021, // 40080150: orr x1, x1, #0x100000
  0xd5181001, // 40080154: msr sctlr_el1, x1
  0xd2800001, // 40080158: mov x1, #0x0
  0xd5184001, // 4008015c: msr spsr_el1, x1
  0x10000061, // 40080160: adr x1, 4008016c <el0>
  0xd5184021, // 40080164: msr elr_el1, x1
  0xd69f03e0, // 40080168: eret
  0xd2800b40, // 4008016c: el0: mov x0, #0x5a
  0xd53bd0e0, // 40080170: mrs x0, scxtnum_el0
  0xf8008680, // 40080174: str x0, [x20], #8
  0xd4000001, // 40080178: svc #0x0
  ...printRecords(0x4008017c, 0x40081800, 0x40080220), // 4008017c: after3: print the records from buf, exit
  0xd51c4021, // 400801b8: to_el1: msr elr_el2, x1
  0xd28078a1, // 400801bc: mov x1, #0x3c5
  0xd51c4001, // 400801c0: msr spsr_el2, x1
  0xd69f03e0, // 400801c4: eret
  0xd5385209, // 400801c8: h1: mrs x9, esr_el1
  0xb260012a, // 400801cc: orr x10, x9, #0x100000000
  0xf800868a, // 400801d0: str x10, [x20], #8
  0xd35afd29, // 400801d4: lsr x9, x9, #26
  0xf100553f, // 400801d8: cmp x9, #0x15
  0x54000041, // 400801dc: b.ne 400801e4 <h1+0x1c> // b.any
  0xd4000062, // 400801e0: hvc #0x3
  0xd5384029, // 400801e4: mrs x9, elr_el1
  0x91001129, // 400801e8: add x9, x9, #0x4
  0xd5184029, // 400801ec: msr elr_el1, x9
  0xd69f03e0, // 400801f0: eret
  0xd53c5209, // 400801f4: h2: mrs x9, esr_el2
  0xb25f012a, // 400801f8: orr x10, x9, #0x200000000
  0xf800868a, // 400801fc: str x10, [x20], #8
  0xd35afd29, // 40080200: lsr x9, x9, #26
  0xf100593f, // 40080204: cmp x9, #0x16
  0x54000041, // 40080208: b.ne 40080210 <h2+0x1c> // b.any
  0xd61f02a0, // 4008020c: br x21
  0xd53c4029, // 40080210: mrs x9, elr_el2
  0x91001129, // 40080214: add x9, x9, #0x4
  0xd51c4029, // 40080218: msr elr_el2, x9
  0xd69f03e0, // 4008021c: eret
  ...EXIT_BLOCK, // 40080220: blk
];
const EL2_VECTORS: [number, number][] = [
  [0xa00, 0x17fffdf2], // 40080a00: b 400801c8 <h1>
  [0xc00, 0x17fffd72], // 40080c00: b 400801c8 <h1>
  [0x1200, 0x17fffbfd], // 40081200: b 400801f4 <h2>
  [0x1400, 0x17fffb7d], // 40081400: b 400801f4 <h2>
];
const EL3_CODE = [
  0x10008000, // 40080000: adr x0, 40081000 <v3>
  0xd51ec000, // 40080004: msr vbar_el3, x0
  0x10003fc0, // 40080008: adr x0, 40080800 <v1>
  0xd518c000, // 4008000c: msr vbar_el1, x0
  0x1000bf94, // 40080010: adr x20, 40081800 <buf>
  0xd2800b40, // 40080014: mov x0, #0x5a
  0xd53ed0e0, // 40080018: mrs x0, scxtnum_el3
  0xf8008680, // 4008001c: str x0, [x20], #8
  0xd2824681, // 40080020: mov x1, #0x1234
  0xd51ed0e1, // 40080024: msr scxtnum_el3, x1
  0xd2800b40, // 40080028: mov x0, #0x5a
  0xd53ed0e0, // 4008002c: mrs x0, scxtnum_el3
  0xf8008680, // 40080030: str x0, [x20], #8
  0xd2800b40, // 40080034: mov x0, #0x5a
  0xd538d0e0, // 40080038: mrs x0, scxtnum_el1
  0xf8008680, // 4008003c: str x0, [x20], #8
  0xd2800b40, // 40080040: mov x0, #0x5a
  0xd538a460, // 40080044: mrs x0, lorc_el1
  0xf8008680, // 40080048: str x0, [x20], #8
  0xd2808601, // 4008004c: mov x1, #0x430
  0xd51e1101, // 40080050: msr scr_el3, x1
  0x10000275, // 40080054: adr x21, 400800a0 <after1>
  0x10000041, // 40080058: adr x1, 40080060 <sel1>
  0x94000045, // 4008005c: bl 40080170 <to_el1>
  0xd2800b40, // 40080060: sel1: mov x0, #0x5a
  0xd538a460, // 40080064: mrs x0, lorc_el1
  0xf8008680, // 40080068: str x0, [x20], #8
  0xd2800b40, // 4008006c: mov x0, #0x5a
  0xd518a441, // 40080070: msr lorn_el1, x1
  0xf8008680, // 40080074: str x0, [x20], #8
  0xd2800b40, // 40080078: mov x0, #0x5a
  0xd538a4e0, // 4008007c: mrs x0, lorid_el1
  0xf8008680, // 40080080: str x0, [x20], #8
  0xd2800b40, // 40080084: mov x0, #0x5a
  0xd538d0e0, // 40080088: mrs x0, scxtnum_el1
  0xf8008680, // 4008008c: str x0, [x20], #8
  0xd2800b40, // 40080090: mov x0, #0x5a
  0xd53bd0e0, // 40080094: mrs x0, scxtnum_el0
  0xf8008680, // 40080098: str x0, [x20], #8
  0xd4000023, // 4008009c: smc #0x1
  0xd2808621, // 400800a0: after1: mov x1, #0x431
  0xb2720021, // 400800a4: orr x1, x1, #0x4000
  0xd51e1101, // 400800a8: msr scr_el3, x1
  0xd2800b40, // 400800ac: mov x0, #0x5a
  0xd53e1100, // 400800b0: mrs x0, scr_el3
  0xf8008680, // 400800b4: str x0, [x20], #8
  0x10000155, // 400800b8: adr x21, 400800e0 <after2>
  0x10000041, // 400800bc: adr x1, 400800c4 <nsel1>
  0x9400002c, // 400800c0: bl 40080170 <to_el1>
  0xd2800b40, // 400800c4: nsel1: mov x0, #0x5a
  0xd538a460, // 400800c8: mrs x0, lorc_el1
  0xf8008680, // 400800cc: str x0, [x20], #8
  0xd2800b40, // 400800d0: mov x0, #0x5a
  0xd538a4e0, // 400800d4: mrs x0, lorid_el1
  0xf8008680, // 400800d8: str x0, [x20], #8
  0xd4000043, // 400800dc: smc #0x2
  0xd2808621, // 400800e0: after2: mov x1, #0x431
  0xb2670021, // 400800e4: orr x1, x1, #0x2000000
  0xb25a0021, // 400800e8: orr x1, x1, #0x4000000000
  0xd51e1101, // 400800ec: msr scr_el3, x1
  0xd2800b40, // 400800f0: mov x0, #0x5a
  0xd53e1100, // 400800f4: mrs x0, scr_el3
  0xf8008680, // 400800f8: str x0, [x20], #8
  0x100001d5, // 400800fc: adr x21, 40080134 <after3>
  0x10000041, // 40080100: adr x1, 40080108 <nsel1b>
  0x9400001b, // 40080104: bl 40080170 <to_el1>
  0xd2801321, // 40080108: nsel1b: mov x1, #0x99
  0xd2800b40, // 4008010c: mov x0, #0x5a
  0xd518d0e1, // 40080110: msr scxtnum_el1, x1
  0xf8008680, // 40080114: str x0, [x20], #8
  0xd2800b40, // 40080118: mov x0, #0x5a
  0xd538d0e0, // 4008011c: mrs x0, scxtnum_el1
  0xf8008680, // 40080120: str x0, [x20], #8
  0xd2800b40, // 40080124: mov x0, #0x5a
  0xd538a460, // 40080128: mrs x0, lorc_el1
  0xf8008680, // 4008012c: str x0, [x20], #8
  0xd4000063, // 40080130: smc #0x3
  ...printRecords(0x40080134, 0x40081800, 0x400801c8), // 40080134: after3: print the records from buf, exit
  0xd51e4021, // 40080170: to_el1: msr elr_el3, x1
  0xd28078a1, // 40080174: mov x1, #0x3c5
  0xd51e4001, // 40080178: msr spsr_el3, x1
  0xd69f03e0, // 4008017c: eret
  0xd5385209, // 40080180: h1: mrs x9, esr_el1
  0xb260012a, // 40080184: orr x10, x9, #0x100000000
  0xf800868a, // 40080188: str x10, [x20], #8
  0xd5384029, // 4008018c: mrs x9, elr_el1
  0x91001129, // 40080190: add x9, x9, #0x4
  0xd5184029, // 40080194: msr elr_el1, x9
  0xd69f03e0, // 40080198: eret
  0xd53e5209, // 4008019c: h3: mrs x9, esr_el3
  0xb260052a, // 400801a0: orr x10, x9, #0x300000000
  0xf800868a, // 400801a4: str x10, [x20], #8
  0xd35afd29, // 400801a8: lsr x9, x9, #26
  0xf1005d3f, // 400801ac: cmp x9, #0x17
  0x54000041, // 400801b0: b.ne 400801b8 <h3+0x1c> // b.any
  0xd61f02a0, // 400801b4: br x21
  0xd53e4029, // 400801b8: mrs x9, elr_el3
  0x91001129, // 400801bc: add x9, x9, #0x4
  0xd51e4029, // 400801c0: msr elr_el3, x9
  0xd69f03e0, // 400801c4: eret
  ...EXIT_BLOCK, // 400801c8: blk
];
const EL3_VECTORS: [number, number][] = [
  [0xa00, 0x17fffde0], // 40080a00: b 40080180 <h1>
  [0xc00, 0x17fffd60], // 40080c00: b 40080180 <h1>
  [0x1200, 0x17fffbe7], // 40081200: b 4008019c <h3>
  [0x1400, 0x17fffb67], // 40081400: b 4008019c <h3>
];

/** `code`, then a `b handler` at each of the vector offsets. */
const image = (code: number[], vectors: [number, number][]): Uint8Array =>
  imageOf([[0, code], ...vectors.map(([off, w]): [number, number[]] => [off, [w]])]);

const X = 0x5an; // the probe's sentinel: the instruction did not write X0
const trap = (el: number, esr: bigint): bigint => (BigInt(el) << 32n) | esr;
const UNDEF = (el: number): bigint => trap(el, 0x2000000n);

/** QEMU 7.2's records; ESRs decoded: EC 0x18, IL, ISS Op0/Op2/Op1/CRn/Rt/CRm/Direction. */
const CASES = [
  {
    name: '--el 2: HCRX_EL2, SCXTNUM_EL2, HCR_EL2.EnSCXT/TLOR traps to EL2, SCTLR_EL1.TSCXT at EL0',
    el: 2 as const,
    elf: image(EL2_CODE, EL2_VECTORS),
    expected: [
      0n, X, 0n, // HCRX_EL2 reads 0 after writing all ones
      0n, 0x42n, // SCXTNUM_EL2
      trap(2, 0x623e3401n), X, trap(2, 0x623ef401n), X, // MRS SCXTNUM_EL1 / SCXTNUM_EL0 trapped to EL2
      0n, 0n, // LORC_EL1, LORID_EL1
      UNDEF(1), X, // MRS HCRX_EL2 at EL1
      trap(2, 0x5a000001n), // HVC #1
      trap(2, 0x62362809n), X, trap(2, 0x623e2809n), X, trap(2, 0x62302828n), X, // TLOR: MRS LORC, MRS LORID, MSR LORSA
      trap(2, 0x5a000002n),
      (1n << 53n) | (1n << 31n), // HCR_EL2 keeps EnSCXT
      X, 0x99n, X, 0x77n, // SCXTNUM_EL1, SCXTNUM_EL0 with EnSCXT
      trap(1, 0x623ef401n), X, // EL0 MRS SCXTNUM_EL0 with SCTLR_EL1.TSCXT: EC 0x18 to EL1
      trap(1, 0x56000000n), trap(2, 0x5a000003n), // SVC, then HVC #3 from the EL1 handler
    ],
  },
  {
    name: '--el 3: SCXTNUM_EL3, LOR* UNDEFINED while SCR_EL3.NS = 0, SCR_EL3.TLOR/EnSCXT traps to EL3',
    el: 3 as const,
    elf: image(EL3_CODE, EL3_VECTORS),
    expected: [
      0n, 0x1234n, // SCXTNUM_EL3
      0n, // SCXTNUM_EL1 at EL3
      UNDEF(3), X, // LORC_EL1 at EL3 with NS = 0
      UNDEF(1), X, UNDEF(1), X, // Secure EL1: MRS LORC_EL1, MSR LORN_EL1
      0n, // LORID_EL1 at Secure EL1
      trap(3, 0x623e3401n), X, trap(3, 0x623ef401n), X, // SCXTNUM_EL1/EL0 with SCR_EL3.EnSCXT = 0
      trap(3, 0x5e000001n), // SMC #1
      0x4431n, // SCR_EL3 = TLOR | RW | RES1 | NS
      trap(3, 0x62362809n), X, trap(3, 0x623e2809n), X, // LORC_EL1, LORID_EL1 with SCR_EL3.TLOR
      trap(3, 0x5e000002n),
      (1n << 38n) | (1n << 25n) | 0x431n, // SCR_EL3 keeps HXEn and EnSCXT
      X, 0x99n, 0n, // SCXTNUM_EL1 with EnSCXT; LORC_EL1
      trap(3, 0x5e000003n),
    ],
  },
];

describe('max: LOR, HCX and SCXTNUM traps at EL2/EL3 as QEMU 7.2', () => {
  guestTests(CASES.map((c) => ({ ...c, cpu: 'max' })));
});
