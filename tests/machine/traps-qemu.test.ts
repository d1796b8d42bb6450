// Trap conditions to EL2 and EL3 end to end, on a64emu and on QEMU 7.2 live: a guest starts
// at EL2 (--el 2, virtualization=on) or EL3 (--el 3, secure=on), writes up to three control
// registers (MDCR_EL2/EL3, CPTR_EL2/EL3, CNTHCTL_EL2, CNTKCTL_EL1, HCR_EL2, SCR_EL3...), ERETs
// to EL1 (SPSR 0x3c5) or EL0 (0x3c0) and runs the access; the handler of whichever EL takes
// the exception prints ESR, ELR, SPSR of that EL, X1 and CurrentEL as 8 little-endian bytes
// each on the UART and exits 0 through semihosting. A case that does not trap reaches the
// marker after it (HVC #0xffff to EL2, SMC #0xffff to EL3, SVC #0xffff from EL0 to EL1).
//
// The expected bytes are qemu-system-aarch64 7.2's output for the same image (-M
// virt,virtualization=on / virt,secure=on -cpu cortex-a57 -semihosting -serial stdio), which
// for these cases is also what the Arm ARM says (the registers' Accessibility pseudocode,
// WFE/WFI's AArch64.CheckForWFxTrap; ESR_ELx D17.2.37: EC 0x18 ISS Op0 [21:20], Op2 [19:17],
// Op1 [16:14], CRn [13:10], Rt [9:5], CRm [4:1], Direction [0]; EC 0x01 ISS CV, COND 0b1110,
// TI [0]). Where QEMU 7.2 differs from the Arm ARM, `expected` is the Arm ARM's (what a64emu
// does) and `qemu` what QEMU 7.2 printed (docs/ARCHITECTURE.md lists these):
//   - MDCR_EL2.TPMCR and HCR_EL2.TIDCP: QEMU 7.2 does not implement them;
//   - WFE under HCR_EL2.TWE / SCR_EL3.TWE: QEMU 7.2 never traps WFE;
//   - CNTPCT_EL0 at EL0 with CNTHCTL_EL2.EL1PCTEN = 0: QEMU 7.2 looks at EL1PCEN there and
//     does not trap (its X1 is then the host-clocked count, not compared).
// The FP cases (`fp`) run on QEMU only: a64emu has no FP/SIMD instructions yet (issue 8), so
// they check the syndrome cpu/fptrap.ts raises against QEMU's, and become a64emu cases when
// FMOV exists.
//
// The images are built from the words below: GNU as 2.40 (aarch64-linux-gnu-as, linked at
// 0x40080000) assembled this source, one case per `lower`/`ctl` choice:
//   _start: mov x1, #0; adr x0, vectors; msr vbar_elH, x0; add x0, x0, #0x800; msr vbar_el1, x0
//           ldr x0, lit0; msr CTL0, x0; ldr x0, lit1; msr CTL1, x0; ldr x0, lit2; msr CTL2, x0
//           mov x0, #SPSR; msr spsr_elH, x0; adr x0, lower; msr elr_elH, x0; eret
//   lower:  INSN0; INSN1; MARKER; b .
//   lit0..2: .quad the control values
//   report (0x100): print x19..x23, semihosting SYS_EXIT (ApplicationExit)
//   vectors (0x800) + 0x400: mrs x19, esr_elH; mrs x20, elr_elH; mrs x21, spsr_elH; mov x22, x1;
//           mrs x23, CurrentEL; b report      (EL1's table at 0x1000: the same at +0x200, +0x400)
import { describe, expect, it } from 'vitest';
import { esrOf, EC } from '../../src/cpu/exception.js';
import { FP_TRAP_ISS } from '../../src/cpu/fptrap.js';
import { elReg, guestTests, imageOf, quad, report } from './guest.js';

interface Case {
  name: string;
  el: 2 | 3;
  /** MSR <control>, X0 and the value loaded into X0 before it. */
  ctl: [number, bigint][];
  /** MOV X0, #SPSR (EL1h 0x3c5 or EL0t 0x3c0). */
  spsr: number;
  /** The two instructions at EL1/EL0 and the marker after them. */
  lower: number[];
  /** ESR, ELR, SPSR of the EL that took the exception, X1, CurrentEL (the Arm ARM's). */
  expected: bigint[];
  /** QEMU 7.2's output where it differs (null: not compared). */
  qemu?: (bigint | null)[];
  /** QEMU only, until a64emu has FP/SIMD instructions. */
  fp?: boolean;
}

const LDR_LIT = 0x580001e0; // ldr x0, <pc + 0x3c>: lit0/lit1/lit2 from 0x14/0x1c/0x24

/** The handlers of EL1 (`mrs` of EL1's registers) or EL2/EL3 (elReg): ESR, ELR, SPSR, X1, CurrentEL; b report. */
const handler = (mrs: number[], branch: number): number[] => [
  ...mrs, //     mrs x19, esr_elN; mrs x20, elr_elN; mrs x21, spsr_elN
  0xaa0103f6, // mov x22, x1
  0xd5384257, // mrs x23, currentel
  branch, //     b 40080100 <report>
];
const mrsEl2 = [0xd53c5213 /* mrs x19, esr_el2 */, 0xd53c4034 /* mrs x20, elr_el2 */, 0xd53c4015 /* mrs x21, spsr_el2 */];
const mrsEl1 = [0xd5385213 /* mrs x19, esr_el1 */, 0xd5384034 /* mrs x20, elr_el1 */, 0xd5384015 /* mrs x21, spsr_el1 */];

const image = (c: Case): Uint8Array =>
  imageOf([
    [0, [
      0xd2800001, // 40080000: mov x1, #0x0
      0x10003fe0, // 40080004: adr x0, 40080800 <vectors>
      elReg(c.el, 0xd51cc000), // 40080008: msr vbar_el2 / vbar_el3, x0
      0x91200000, // 4008000c: add x0, x0, #0x800
      0xd518c000, // 40080010: msr vbar_el1, x0
      LDR_LIT, c.ctl[0][0], LDR_LIT, c.ctl[1][0], LDR_LIT, c.ctl[2][0],
      c.spsr, elReg(c.el, 0xd51c4000), // 40080030: msr spsr_el2 / spsr_el3, x0
      0x10000060, // 40080034: adr x0, 40080040 <lower>
      elReg(c.el, 0xd51c4020), // 40080038: msr elr_el2 / elr_el3, x0
      0xd69f03e0, // 4008003c: eret
      ...c.lower,
      0x14000000, // 4008004c: b .
      ...quad(...c.ctl.map(([, v]) => v)), // 40080050: lit0..2
    ]],
    [0x100, report(5, 0x40080100)], // print x19..x23, SYS_EXIT 0
    [0xc00, handler(mrsEl2.map((w) => elReg(c.el, w)), 0x17fffd3b /* 40080c14: b 40080100 <report> */)], // vectors + 0x400
    [0x1200, handler(mrsEl1, 0x17fffbbb /* 40081214: b 40080100 */)], // EL1: current EL with SPx
    [0x1400, handler(mrsEl1, 0x17fffb3b /* 40081414: b 40080100 */)], // EL1: lower EL
  ]);

const CASES: Case[] = [
  {
    name: 'MDCR_EL2.TPM: MRS PMCNTENSET_EL0 at EL1 traps to EL2', el: 2,
    ctl: [[0xd51c1120 /* msr mdcr_el2, x0 */, 0x46n], [0xd51c1120 /* msr mdcr_el2, x0 */, 0x46n], [0xd51c1100 /* msr hcr_el2, x0 */, 0x80000000n]],
    spsr: 0xd28078a0 /* mov x0, #0x3c5 */,
    lower: [0xd53b9c21 /* mrs x1, pmcntenset_el0 */, 0xd503201f /* nop */, 0xd41fffe2 /* hvc #0xffff */],
    expected: [0x6232e439n, 0x40080040n, 0x3c5n, 0x0n, 0x8n],
  },
  {
    name: 'MDCR_EL2.TPM at EL0 with PMUSERENR_EL0.EN = 0: the EL0 trap to EL1 comes first', el: 2,
    ctl: [[0xd51c1120 /* msr mdcr_el2, x0 */, 0x46n], [0xd51c1120 /* msr mdcr_el2, x0 */, 0x46n], [0xd51c1100 /* msr hcr_el2, x0 */, 0x80000000n]],
    spsr: 0xd2807800 /* mov x0, #0x3c0 */,
    lower: [0xd53b9c21 /* mrs x1, pmcntenset_el0 */, 0xd503201f /* nop */, 0xd41fffe1 /* svc #0xffff */],
    expected: [0x6232e439n, 0x40080040n, 0x3c0n, 0x0n, 0x4n],
  },
  {
    name: 'MDCR_EL2.TPMCR: MRS PMCR_EL0 at EL1 traps to EL2 (QEMU 7.2: no trap, N reads 6)', el: 2,
    ctl: [[0xd51c1120 /* msr mdcr_el2, x0 */, 0x26n], [0xd51c1120 /* msr mdcr_el2, x0 */, 0x26n], [0xd51c1100 /* msr hcr_el2, x0 */, 0x80000000n]],
    spsr: 0xd28078a0 /* mov x0, #0x3c5 */,
    lower: [0xd53b9c01 /* mrs x1, pmcr_el0 */, 0xd503201f /* nop */, 0xd41fffe2 /* hvc #0xffff */],
    expected: [0x6230e439n, 0x40080040n, 0x3c5n, 0x0n, 0x8n],
    qemu: [0x5a00ffffn, 0x4008004cn, 0x3c5n, 0x41013000n, 0x8n],
  },
  {
    name: 'MDCR_EL2.HPMN = 2: PMCR_EL0.N reads 2 at EL1 (then HVC)', el: 2,
    ctl: [[0xd51c1120 /* msr mdcr_el2, x0 */, 0x2n], [0xd51c1120 /* msr mdcr_el2, x0 */, 0x2n], [0xd51c1100 /* msr hcr_el2, x0 */, 0x80000000n]],
    spsr: 0xd28078a0 /* mov x0, #0x3c5 */,
    lower: [0xd53b9c01 /* mrs x1, pmcr_el0 */, 0xd503201f /* nop */, 0xd41fffe2 /* hvc #0xffff */],
    expected: [0x5a00ffffn, 0x4008004cn, 0x3c5n, 0x41011000n, 0x8n],
  },
  {
    name: 'MDCR_EL2.TDA: MRS MDSCR_EL1 at EL1 traps to EL2', el: 2,
    ctl: [[0xd51c1120 /* msr mdcr_el2, x0 */, 0x206n], [0xd51c1120 /* msr mdcr_el2, x0 */, 0x206n], [0xd51c1100 /* msr hcr_el2, x0 */, 0x80000000n]],
    spsr: 0xd28078a0 /* mov x0, #0x3c5 */,
    lower: [0xd5300241 /* mrs x1, mdscr_el1 */, 0xd503201f /* nop */, 0xd41fffe2 /* hvc #0xffff */],
    expected: [0x62240025n, 0x40080040n, 0x3c5n, 0x0n, 0x8n],
  },
  {
    name: 'MDCR_EL2.TDOSA: MRS OSLSR_EL1 at EL1 traps to EL2', el: 2,
    ctl: [[0xd51c1120 /* msr mdcr_el2, x0 */, 0x406n], [0xd51c1120 /* msr mdcr_el2, x0 */, 0x406n], [0xd51c1100 /* msr hcr_el2, x0 */, 0x80000000n]],
    spsr: 0xd28078a0 /* mov x0, #0x3c5 */,
    lower: [0xd5301181 /* mrs x1, oslsr_el1 */, 0xd503201f /* nop */, 0xd41fffe2 /* hvc #0xffff */],
    expected: [0x62280423n, 0x40080040n, 0x3c5n, 0x0n, 0x8n],
  },
  {
    name: 'MDCR_EL2.TDRA: MRS MDRAR_EL1 at EL1 traps to EL2', el: 2,
    ctl: [[0xd51c1120 /* msr mdcr_el2, x0 */, 0x806n], [0xd51c1120 /* msr mdcr_el2, x0 */, 0x806n], [0xd51c1100 /* msr hcr_el2, x0 */, 0x80000000n]],
    spsr: 0xd28078a0 /* mov x0, #0x3c5 */,
    lower: [0xd5301001 /* mrs x1, mdrar_el1 */, 0xd503201f /* nop */, 0xd41fffe2 /* hvc #0xffff */],
    expected: [0x62200421n, 0x40080040n, 0x3c5n, 0x0n, 0x8n],
  },
  {
    name: 'MDCR_EL2.TDE (TDA clear): MSR MDSCR_EL1 at EL1 traps to EL2', el: 2,
    ctl: [[0xd51c1120 /* msr mdcr_el2, x0 */, 0x106n], [0xd51c1120 /* msr mdcr_el2, x0 */, 0x106n], [0xd51c1100 /* msr hcr_el2, x0 */, 0x80000000n]],
    spsr: 0xd28078a0 /* mov x0, #0x3c5 */,
    lower: [0xd5100241 /* msr mdscr_el1, x1 */, 0xd503201f /* nop */, 0xd41fffe2 /* hvc #0xffff */],
    expected: [0x62240024n, 0x40080040n, 0x3c5n, 0x0n, 0x8n],
  },
  {
    name: 'HCR_EL2.TGE (TDA behaves as 1): MRS MDCCSR_EL0 at EL0 traps to EL2', el: 2,
    ctl: [[0xd51c1100 /* msr hcr_el2, x0 */, 0x88000000n], [0xd51c1100 /* msr hcr_el2, x0 */, 0x88000000n], [0xd51c1100 /* msr hcr_el2, x0 */, 0x88000000n]],
    spsr: 0xd2807800 /* mov x0, #0x3c0 */,
    lower: [0xd5330101 /* mrs x1, mdccsr_el0 */, 0xd503201f /* nop */, 0xd41fffe1 /* svc #0xffff */],
    expected: [0x6220c023n, 0x40080040n, 0x3c0n, 0x0n, 0x8n],
  },
  {
    name: 'CNTHCTL_EL2.EL1PCTEN = 0: MRS CNTPCT_EL0 at EL1 traps to EL2', el: 2,
    ctl: [[0xd51ce100 /* msr cnthctl_el2, x0 */, 0x2n], [0xd51ce100 /* msr cnthctl_el2, x0 */, 0x2n], [0xd51c1100 /* msr hcr_el2, x0 */, 0x80000000n]],
    spsr: 0xd28078a0 /* mov x0, #0x3c5 */,
    lower: [0xd53be021 /* mrs x1, cntpct_el0 */, 0xd503201f /* nop */, 0xd41fffe2 /* hvc #0xffff */],
    expected: [0x6232f821n, 0x40080040n, 0x3c5n, 0x0n, 0x8n],
  },
  {
    name: 'CNTHCTL_EL2.EL1PCEN = 0: MRS CNTP_CTL_EL0 at EL0 (CNTKCTL_EL1.EL0PTEN = 1) traps to EL2', el: 2,
    ctl: [[0xd518e100 /* msr cntkctl_el1, x0 */, 0x303n], [0xd51ce100 /* msr cnthctl_el2, x0 */, 0x1n], [0xd51c1100 /* msr hcr_el2, x0 */, 0x80000000n]],
    spsr: 0xd2807800 /* mov x0, #0x3c0 */,
    lower: [0xd53be221 /* mrs x1, cntp_ctl_el0 */, 0xd503201f /* nop */, 0xd41fffe1 /* svc #0xffff */],
    expected: [0x6232f825n, 0x40080040n, 0x3c0n, 0x0n, 0x8n],
  },
  {
    name: 'CPTR_EL2.TCPAC: MRS CPACR_EL1 at EL1 traps to EL2', el: 2,
    ctl: [[0xd51c1140 /* msr cptr_el2, x0 */, 0x800033ffn], [0xd51c1140 /* msr cptr_el2, x0 */, 0x800033ffn], [0xd51c1100 /* msr hcr_el2, x0 */, 0x80000000n]],
    spsr: 0xd28078a0 /* mov x0, #0x3c5 */,
    lower: [0xd5381041 /* mrs x1, cpacr_el1 */, 0xd503201f /* nop */, 0xd41fffe2 /* hvc #0xffff */],
    expected: [0x62340421n, 0x40080040n, 0x3c5n, 0x0n, 0x8n],
  },
  {
    name: 'HCR_EL2.TIDCP: MRS L2CTLR_EL1 at EL1 traps to EL2 (QEMU 7.2: no trap)', el: 2,
    ctl: [[0xd51c1100 /* msr hcr_el2, x0 */, 0x80100000n], [0xd51c1100 /* msr hcr_el2, x0 */, 0x80100000n], [0xd51c1100 /* msr hcr_el2, x0 */, 0x80100000n]],
    spsr: 0xd28078a0 /* mov x0, #0x3c5 */,
    lower: [0xd539b041 /* mrs x1, s3_1_c11_c0_2 */, 0xd503201f /* nop */, 0xd41fffe2 /* hvc #0xffff */],
    expected: [0x62346c21n, 0x40080040n, 0x3c5n, 0x0n, 0x8n],
    qemu: [0x5a00ffffn, 0x4008004cn, 0x3c5n, 0x0n, 0x8n],
  },
  {
    // HCR_EL2.TRVM traps EL1 reads of the virtual memory controls (Arm ARM D17.2.48, SCTLR_EL1
    // accessibility): ISS op0 3, CRn 1, Rt 1, read.
    name: 'HCR_EL2.TRVM: MRS SCTLR_EL1 at EL1 traps to EL2', el: 2,
    ctl: [[0xd51c1100 /* msr hcr_el2, x0 */, 0xc0000000n], [0xd51c1100 /* msr hcr_el2, x0 */, 0xc0000000n], [0xd51c1100 /* msr hcr_el2, x0 */, 0xc0000000n]],
    spsr: 0xd28078a0 /* mov x0, #0x3c5 */,
    lower: [0xd5381001 /* mrs x1, sctlr_el1 */, 0xd503201f /* nop */, 0xd41fffe2 /* hvc #0xffff */],
    expected: [0x62300421n, 0x40080040n, 0x3c5n, 0x0n, 0x8n],
  },
  {
    name: 'HCR_EL2.TDZ: DC ZVA at EL1 traps to EL2', el: 2,
    ctl: [[0xd51c1100 /* msr hcr_el2, x0 */, 0x90000000n], [0xd51c1100 /* msr hcr_el2, x0 */, 0x90000000n], [0xd51c1100 /* msr hcr_el2, x0 */, 0x90000000n]],
    spsr: 0xd28078a0 /* mov x0, #0x3c5 */,
    lower: [0xd50b7421 /* dc zva, x1 */, 0xd503201f /* nop */, 0xd41fffe2 /* hvc #0xffff */],
    expected: [0x6212dc28n, 0x40080040n, 0x3c5n, 0x0n, 0x8n],
  },
  {
    name: 'HCR_EL2.TDZ: DCZID_EL0 reads DZP = 1 at EL1 (then HVC)', el: 2,
    ctl: [[0xd51c1100 /* msr hcr_el2, x0 */, 0x90000000n], [0xd51c1100 /* msr hcr_el2, x0 */, 0x90000000n], [0xd51c1100 /* msr hcr_el2, x0 */, 0x90000000n]],
    spsr: 0xd28078a0 /* mov x0, #0x3c5 */,
    lower: [0xd53b00e1 /* mrs x1, dczid_el0 */, 0xd503201f /* nop */, 0xd41fffe2 /* hvc #0xffff */],
    expected: [0x5a00ffffn, 0x4008004cn, 0x3c5n, 0x14n, 0x8n],
  },
  {
    name: 'HCR_EL2.TWI: WFI at EL1 traps to EL2', el: 2,
    ctl: [[0xd51c1100 /* msr hcr_el2, x0 */, 0x80002000n], [0xd51c1100 /* msr hcr_el2, x0 */, 0x80002000n], [0xd51c1100 /* msr hcr_el2, x0 */, 0x80002000n]],
    spsr: 0xd28078a0 /* mov x0, #0x3c5 */,
    lower: [0xd503207f /* wfi */, 0xd503201f /* nop */, 0xd41fffe2 /* hvc #0xffff */],
    expected: [0x7e00000n, 0x40080040n, 0x3c5n, 0x0n, 0x8n],
  },
  {
    name: 'HCR_EL2.TWI: WFI at EL0 (SCTLR_EL1.nTWI = 1) traps to EL2', el: 2,
    ctl: [[0xd51c1100 /* msr hcr_el2, x0 */, 0x80002000n], [0xd51c1100 /* msr hcr_el2, x0 */, 0x80002000n], [0xd51c1100 /* msr hcr_el2, x0 */, 0x80002000n]],
    spsr: 0xd2807800 /* mov x0, #0x3c0 */,
    lower: [0xd503207f /* wfi */, 0xd503201f /* nop */, 0xd41fffe1 /* svc #0xffff */],
    expected: [0x7e00000n, 0x40080040n, 0x3c0n, 0x0n, 0x8n],
  },
  {
    name: 'HCR_EL2.TWE: the second WFE at EL1 (the ERET set the Event Register) traps to EL2 (QEMU 7.2: no trap)', el: 2,
    ctl: [[0xd51c1100 /* msr hcr_el2, x0 */, 0x80004000n], [0xd51c1100 /* msr hcr_el2, x0 */, 0x80004000n], [0xd51c1100 /* msr hcr_el2, x0 */, 0x80004000n]],
    spsr: 0xd28078a0 /* mov x0, #0x3c5 */,
    lower: [0xd503205f /* wfe */, 0xd503205f /* wfe */, 0xd41fffe2 /* hvc #0xffff */],
    expected: [0x7e00001n, 0x40080044n, 0x3c5n, 0x0n, 0x8n],
    qemu: [0x5a00ffffn, 0x4008004cn, 0x3c5n, 0x0n, 0x8n],
  },
  {
    name: 'CNTHCTL_EL2.EL1PCTEN = 0: MRS CNTPCT_EL0 at EL0 (CNTKCTL_EL1.EL0PCTEN = 1) traps to EL2 (QEMU 7.2: no trap)', el: 2,
    ctl: [[0xd518e100 /* msr cntkctl_el1, x0 */, 0x3n], [0xd51ce100 /* msr cnthctl_el2, x0 */, 0x2n], [0xd51c1100 /* msr hcr_el2, x0 */, 0x80000000n]],
    spsr: 0xd2807800 /* mov x0, #0x3c0 */,
    lower: [0xd53be021 /* mrs x1, cntpct_el0 */, 0xd503201f /* nop */, 0xd41fffe1 /* svc #0xffff */],
    expected: [0x6232f821n, 0x40080040n, 0x3c0n, 0x0n, 0x8n],
    qemu: [0x5600ffffn, 0x4008004cn, 0x3c0n, null, 0x4n],
  },
  {
    name: 'MDCR_EL3.TPM: MRS PMCNTENSET_EL0 at EL1 traps to EL3', el: 3,
    ctl: [[0xd51e1320 /* msr mdcr_el3, x0 */, 0x40n], [0xd51e1320 /* msr mdcr_el3, x0 */, 0x40n], [0xd51e1100 /* msr scr_el3, x0 */, 0x431n]],
    spsr: 0xd28078a0 /* mov x0, #0x3c5 */,
    lower: [0xd53b9c21 /* mrs x1, pmcntenset_el0 */, 0xd503201f /* nop */, 0xd41fffe3 /* smc #0xffff */],
    expected: [0x6232e439n, 0x40080040n, 0x3c5n, 0x0n, 0xcn],
  },
  {
    name: 'MDCR_EL3.TDA: MRS MDSCR_EL1 at EL1 traps to EL3', el: 3,
    ctl: [[0xd51e1320 /* msr mdcr_el3, x0 */, 0x200n], [0xd51e1320 /* msr mdcr_el3, x0 */, 0x200n], [0xd51e1100 /* msr scr_el3, x0 */, 0x431n]],
    spsr: 0xd28078a0 /* mov x0, #0x3c5 */,
    lower: [0xd5300241 /* mrs x1, mdscr_el1 */, 0xd503201f /* nop */, 0xd41fffe3 /* smc #0xffff */],
    expected: [0x62240025n, 0x40080040n, 0x3c5n, 0x0n, 0xcn],
  },
  {
    name: 'MDCR_EL3.TDOSA: MRS OSLSR_EL1 at EL1 traps to EL3', el: 3,
    ctl: [[0xd51e1320 /* msr mdcr_el3, x0 */, 0x400n], [0xd51e1320 /* msr mdcr_el3, x0 */, 0x400n], [0xd51e1100 /* msr scr_el3, x0 */, 0x431n]],
    spsr: 0xd28078a0 /* mov x0, #0x3c5 */,
    lower: [0xd5301181 /* mrs x1, oslsr_el1 */, 0xd503201f /* nop */, 0xd41fffe3 /* smc #0xffff */],
    expected: [0x62280423n, 0x40080040n, 0x3c5n, 0x0n, 0xcn],
  },
  {
    name: 'MDCR_EL3.TDA: MRS MDRAR_EL1 at EL1 traps to EL3', el: 3,
    ctl: [[0xd51e1320 /* msr mdcr_el3, x0 */, 0x200n], [0xd51e1320 /* msr mdcr_el3, x0 */, 0x200n], [0xd51e1100 /* msr scr_el3, x0 */, 0x431n]],
    spsr: 0xd28078a0 /* mov x0, #0x3c5 */,
    lower: [0xd5301001 /* mrs x1, mdrar_el1 */, 0xd503201f /* nop */, 0xd41fffe3 /* smc #0xffff */],
    expected: [0x62200421n, 0x40080040n, 0x3c5n, 0x0n, 0xcn],
  },
  {
    name: 'CPTR_EL3.TCPAC: MRS CPACR_EL1 at EL1 traps to EL3', el: 3,
    ctl: [[0xd51e1140 /* msr cptr_el3, x0 */, 0x80000000n], [0xd51e1140 /* msr cptr_el3, x0 */, 0x80000000n], [0xd51e1100 /* msr scr_el3, x0 */, 0x431n]],
    spsr: 0xd28078a0 /* mov x0, #0x3c5 */,
    lower: [0xd5381041 /* mrs x1, cpacr_el1 */, 0xd503201f /* nop */, 0xd41fffe3 /* smc #0xffff */],
    expected: [0x62340421n, 0x40080040n, 0x3c5n, 0x0n, 0xcn],
  },
  {
    name: 'SCR_EL3.TWI: WFI at EL1 traps to EL3', el: 3,
    ctl: [[0xd51e1100 /* msr scr_el3, x0 */, 0x1431n], [0xd51e1100 /* msr scr_el3, x0 */, 0x1431n], [0xd51e1100 /* msr scr_el3, x0 */, 0x1431n]],
    spsr: 0xd28078a0 /* mov x0, #0x3c5 */,
    lower: [0xd503207f /* wfi */, 0xd503201f /* nop */, 0xd41fffe3 /* smc #0xffff */],
    expected: [0x7e00000n, 0x40080040n, 0x3c5n, 0x0n, 0xcn],
  },
  {
    name: 'SCR_EL3.TWE: the second WFE at EL1 traps to EL3 (QEMU 7.2: no trap)', el: 3,
    ctl: [[0xd51e1100 /* msr scr_el3, x0 */, 0x2431n], [0xd51e1100 /* msr scr_el3, x0 */, 0x2431n], [0xd51e1100 /* msr scr_el3, x0 */, 0x2431n]],
    spsr: 0xd28078a0 /* mov x0, #0x3c5 */,
    lower: [0xd503205f /* wfe */, 0xd503205f /* wfe */, 0xd41fffe3 /* smc #0xffff */],
    expected: [0x7e00001n, 0x40080044n, 0x3c5n, 0x0n, 0xcn],
    qemu: [0x5e00ffffn, 0x4008004cn, 0x3c5n, 0x0n, 0xcn],
  },
  {
    name: 'CPACR_EL1.FPEN = 0: FMOV at EL1 traps to EL1 (EC 0x07)', el: 2,
    ctl: [[0xd51c1100 /* msr hcr_el2, x0 */, 0x80000000n], [0xd51c1100 /* msr hcr_el2, x0 */, 0x80000000n], [0xd51c1100 /* msr hcr_el2, x0 */, 0x80000000n]],
    spsr: 0xd28078a0 /* mov x0, #0x3c5 */,
    lower: [0x9e6703e0 /* fmov d0, xzr */, 0xd503201f /* nop */, 0xd41fffe2 /* hvc #0xffff */],
    expected: [0x1fe00000n, 0x40080040n, 0x3c5n, 0x0n, 0x4n],
    fp: true,
  },
  {
    name: 'CPTR_EL2.TFP: FMOV at EL1 traps to EL2 (EC 0x07)', el: 2,
    ctl: [[0xd5181040 /* msr cpacr_el1, x0 */, 0x300000n], [0xd51c1140 /* msr cptr_el2, x0 */, 0x37ffn], [0xd51c1100 /* msr hcr_el2, x0 */, 0x80000000n]],
    spsr: 0xd28078a0 /* mov x0, #0x3c5 */,
    lower: [0x9e6703e0 /* fmov d0, xzr */, 0xd503201f /* nop */, 0xd41fffe2 /* hvc #0xffff */],
    expected: [0x1fe00000n, 0x40080040n, 0x3c5n, 0x0n, 0x8n],
    fp: true,
  },
  {
    name: 'CPTR_EL3.TFP: FMOV at EL1 traps to EL3 (EC 0x07)', el: 3,
    ctl: [[0xd5181040 /* msr cpacr_el1, x0 */, 0x300000n], [0xd51e1140 /* msr cptr_el3, x0 */, 0x400n], [0xd51e1100 /* msr scr_el3, x0 */, 0x431n]],
    spsr: 0xd28078a0 /* mov x0, #0x3c5 */,
    lower: [0x9e6703e0 /* fmov d0, xzr */, 0xd503201f /* nop */, 0xd41fffe3 /* smc #0xffff */],
    expected: [0x1fe00000n, 0x40080040n, 0x3c5n, 0x0n, 0xcn],
    fp: true,
  },
  {
    name: 'CPACR_EL1.FPEN = 0 with HCR_EL2.TGE: FMOV at EL0 is taken to EL2 as EC 0x00', el: 2,
    ctl: [[0xd51c1100 /* msr hcr_el2, x0 */, 0x88000000n], [0xd51c1100 /* msr hcr_el2, x0 */, 0x88000000n], [0xd51c1100 /* msr hcr_el2, x0 */, 0x88000000n]],
    spsr: 0xd2807800 /* mov x0, #0x3c0 */,
    lower: [0x9e6703e0 /* fmov d0, xzr */, 0xd503201f /* nop */, 0xd41fffe1 /* svc #0xffff */],
    expected: [0x2000000n, 0x40080040n, 0x3c0n, 0x0n, 0x8n],
    fp: true,
  },
];

describe('trap conditions to EL2/EL3 in guest programs, as QEMU 7.2 (or the Arm ARM where it differs)', () => {
  it('the FP cases expect the syndromes cpu/fptrap.ts raises (EC 0x07 ISS CV, COND 0b1110; EC 0x00 under TGE)', () => {
    const fp = CASES.filter((k) => k.fp).map((k) => k.expected[0]);
    expect(fp).toEqual([...Array(3).fill(BigInt(esrOf(EC.FP_ACCESS, 1, FP_TRAP_ISS))), BigInt(esrOf(EC.UNKNOWN, 1, 0))]);
  });

  guestTests(
    CASES.map((c) => ({ name: c.name, el: c.el, elf: image(c), expected: c.expected, qemu: c.qemu, qemuOnly: c.fp })),
    'QEMU 7.2 run live prints the same values (or its recorded deviations)',
    120_000,
  );
});
