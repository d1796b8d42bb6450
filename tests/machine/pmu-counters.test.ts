// Event counter width and overflow: FEAT_PMUv3p5 on max (64-bit PMEVCNTR<n>_EL0; overflow
// recorded on an unsigned overflow of bits [31:0], or of [63:0] with PMCR_EL0.LP: Arm ARM,
// PMCR_EL0.LP and PMEVCNTR<n>_EL0), 32-bit counters on cortex-a57 (PMUv3). A guest counts
// SW_INCR through PMSWINC_EL0 (deterministic, unlike QEMU's clock-driven events) and prints
// the counter and PMOVSSET_EL0; the expected values are qemu-system-aarch64 7.2's output
// (-M virt -cpu max / cortex-a57 -semihosting -serial stdio), run live by the last test. A
// third guest reads PMCR_EL0.N at EL2 and EL1 under MDCR_EL2.HPMN (HPMN_CODE).
//
// Source (GNU as 2.40, -march=armv8.5-a, linked at 0x40080000; `rec r`: str r, [x20], #8):
//   PMEVTYPER0_EL0 = SW_INCR; PMCNTENSET_EL0 = 1; PMCR_EL0 = E
//   PMEVCNTR0_EL0 = 0xffffffff; PMSWINC_EL0 = 1; rec PMEVCNTR0_EL0, PMOVSSET_EL0
//   PMOVSCLR_EL0 = -1; PMCR_EL0 = E | LP
//   PMEVCNTR0_EL0 = 0xffffffff; PMSWINC_EL0 = 1; rec PMEVCNTR0_EL0, PMOVSSET_EL0
//   PMEVCNTR0_EL0 = -1; PMSWINC_EL0 = 1; rec PMEVCNTR0_EL0, PMOVSSET_EL0
//   PMCR_EL0 = E; PMEVCNTR0_EL0 = 0x123456789; rec PMEVCNTR0_EL0, PMXEVCNTR_EL0
//   print the records, semihosting SYS_EXIT
import { describe } from 'vitest';
import { EXIT_BLOCK, guestTests, printRecords } from './guest.js';
import { elfOf } from './images.js';

const CODE = [
  0x10000814, // 40080000: adr x20, 40080100 <buf>
  0xd51bec1f, // 40080004: msr pmevtyper0_el0, xzr
  0xd2800021, // 40080008: mov x1, #0x1
  0xd51b9c21, // 4008000c: msr pmcntenset_el0, x1
  0xd51b9c01, // 40080010: msr pmcr_el0, x1
  0xb2407fe1, // 40080014: mov x1, #0xffffffff
  0xd51be801, // 40080018: msr pmevcntr0_el0, x1
  0xd2800021, // 4008001c: mov x1, #0x1
  0xd51b9c81, // 40080020: msr pmswinc_el0, x1
  0xd53be800, // 40080024: mrs x0, pmevcntr0_el0
  0xf8008680, // 40080028: str x0, [x20], #8
  0xd53b9e60, // 4008002c: mrs x0, pmovsset_el0
  0xf8008680, // 40080030: str x0, [x20], #8
  0x92800001, // 40080034: mov x1, #0xffffffffffffffff
  0xd51b9c61, // 40080038: msr pmovsclr_el0, x1
  0xd2801021, // 4008003c: mov x1, #0x81
  0xd51b9c01, // 40080040: msr pmcr_el0, x1
  0xb2407fe1, // 40080044: mov x1, #0xffffffff
  0xd51be801, // 40080048: msr pmevcntr0_el0, x1
  0xd2800021, // 4008004c: mov x1, #0x1
  0xd51b9c81, // 40080050: msr pmswinc_el0, x1
  0xd53be800, // 40080054: mrs x0, pmevcntr0_el0
  0xf8008680, // 40080058: str x0, [x20], #8
  0xd53b9e60, // 4008005c: mrs x0, pmovsset_el0
  0xf8008680, // 40080060: str x0, [x20], #8
  0x92800001, // 40080064: mov x1, #0xffffffffffffffff
  0xd51be801, // 40080068: msr pmevcntr0_el0, x1
  0xd2800021, // 4008006c: mov x1, #0x1
  0xd51b9c81, // 40080070: msr pmswinc_el0, x1
  0xd53be800, // 40080074: mrs x0, pmevcntr0_el0
  0xf8008680, // 40080078: str x0, [x20], #8
  0xd53b9e60, // 4008007c: mrs x0, pmovsset_el0
  0xf8008680, // 40080080: str x0, [x20], #8
  0xd2800021, // 40080084: mov x1, #0x1
  0xd51b9c01, // 40080088: msr pmcr_el0, x1
  0xd28cf121, // 4008008c: mov x1, #0x6789
  0xf2a468a1, // 40080090: movk x1, #0x2345, lsl #16
  0xf2c00021, // 40080094: movk x1, #0x1, lsl #32
  0xd51be801, // 40080098: msr pmevcntr0_el0, x1
  0xd53be800, // 4008009c: mrs x0, pmevcntr0_el0
  0xf8008680, // 400800a0: str x0, [x20], #8
  0xd53b9d40, // 400800a4: mrs x0, pmxevcntr_el0
  0xf8008680, // 400800a8: str x0, [x20], #8
  ...printRecords(0x400800ac, 0x40080100, 0x400800e8), // 400800ac: print the records from buf, exit
  ...EXIT_BLOCK, // 400800e8: blk
];

/**
 * --el 2: MDCR_EL2.HPMN = 2, then PMCR_EL0 read at EL2 (N = 6) and, after ERET, at EL1 (N
 * reads HPMN: Arm ARM PMCR_EL0.N), both printed (QEMU 7.2: 0x41013000, 0x41011000).
 */
const HPMN_CODE = [
  0xd2b00001, // 40080000: mov x1, #0x80000000
  0xd51c1101, // 40080004: msr hcr_el2, x1
  0xd2800041, // 40080008: mov x1, #0x2
  0xd51c1121, // 4008000c: msr mdcr_el2, x1
  0xd53b9c13, // 40080010: mrs x19, pmcr_el0
  0xd28078a1, // 40080014: mov x1, #0x3c5
  0xd51c4001, // 40080018: msr spsr_el2, x1
  0x10000061, // 4008001c: adr x1, 40080028 <el1>
  0xd51c4021, // 40080020: msr elr_el2, x1
  0xd69f03e0, // 40080024: eret
  0xd53b9c14, // 40080028: el1: mrs x20, pmcr_el0
  0xd2a12003, // 4008002c: mov x3, #0x9000000
  0xd2800104, // 40080030: mov x4, #0x8
  0x39000073, // 40080034: strb w19, [x3]
  0xd348fe73, // 40080038: lsr x19, x19, #8
  0xf1000484, // 4008003c: subs x4, x4, #0x1
  0x54ffffa1, // 40080040: b.ne 40080034
  0xd2800104, // 40080044: mov x4, #0x8
  0x39000074, // 40080048: strb w20, [x3]
  0xd348fe94, // 4008004c: lsr x20, x20, #8
  0xf1000484, // 40080050: subs x4, x4, #0x1
  0x54ffffa1, // 40080054: b.ne 40080048
  0x10000081, // 40080058: adr x1, 40080068 <blk>
  0x52800300, // 4008005c: mov w0, #0x18
  0xd45e0000, // 40080060: hlt #0xf000
  0x14000000, // 40080064: b .
  ...EXIT_BLOCK, // 40080068: blk
];

const CASES = [
  {
    cpu: 'max',
    el: 1 as const,
    code: CODE,
    expected: [
      0x100000000n, 1n, // LP = 0: bit 32 is kept, the overflow of [31:0] recorded
      0x100000000n, 0n, // LP = 1: no overflow of [63:0]
      0n, 1n, // LP = 1: all ones + 1 overflows
      0x123456789n, 0x123456789n, // 64-bit writes and reads (PMSELR_EL0.SEL = 0)
    ],
  },
  {
    cpu: 'max',
    el: 2 as const,
    code: HPMN_CODE,
    expected: [0x41013000n, 0x41011000n],
  },
  {
    cpu: 'cortex-a57',
    el: 1 as const,
    code: CODE,
    expected: [0n, 1n, 0n, 1n, 0n, 1n, 0x23456789n, 0x23456789n], // 32-bit counters; LP has no effect
  },
];

describe('PMU event counters: 64-bit on max (PMUv3p5), 32-bit on cortex-a57; PMCR_EL0.N under HPMN; as QEMU 7.2', () => {
  guestTests(CASES.map((c) => ({ name: `${c.cpu} --el ${c.el}`, el: c.el, cpu: c.cpu, elf: elfOf(c.code), expected: c.expected })));
});
