// The start modes `--el 2` and `--el 3` end to end: a guest starts at the highest EL, sets
// VBAR_EL2/EL3, ERETs to EL1 and takes HVC (EL2) or SMC (EL3) back up; the handler prints
// ESR, ELR, SPSR and CurrentEL of the target EL as 8 little-endian bytes each on the UART
// and exits 0. The expected bytes are qemu-system-aarch64 7.2's output for the same ELF
// (-M virt,virtualization=on / virt,secure=on -cpu cortex-a57 -semihosting -serial stdio),
// and the last test runs QEMU live when it is installed. Two more guests set HCR_EL2.TGE and
// ERET to EL0, where SVC and UDF are then taken to EL2 instead of EL1; three set an HCR_EL2
// trap bit (TVM, TID3, TTLB) and ERET to an EL1 access that it traps to EL2 (EC 0x18).
//
// Assembled with GNU as 2.40 (aarch64-linux-gnu-as, linked at 0x40080000):
//   _start: adr x0, vectors; msr vbar_elN, x0
//           [EL2] mov x0, #(1 << 31); msr hcr_el2, x0   (HCR_EL2.RW: EL1 is AArch64)
//           [EL3] mov x0, #0x431; msr scr_el3, x0        (NS, RES1 [5:4], RW)
//           mov x0, #0x3c5; msr spsr_elN, x0              (EL1h, DAIF masked)
//           adr x0, el1; msr elr_elN, x0; eret
//   el1:    hvc #0x1234 / smc #0x5678; b .
//   report: print x19..x22 (8 bytes each), semihosting SYS_EXIT (ApplicationExit, 0)
//   vectors + 0x400 (lower EL, AArch64, synchronous):
//           mrs x19, esr_elN; mrs x20, elr_elN; mrs x21, spsr_elN; mrs x22, CurrentEL; b report
import { describe, expect, it } from 'vitest';
import { MiB } from '../../src/machine/bus.js';
import { psciConduitFor, VirtMachine } from '../../src/machine/virt.js';
import { elReg, guestTests, imageOf, report } from './guest.js';
import { bytesOf, elfOf, POWEROFF } from './images.js';

/**
 * The image at EL`h`: `movCtl` (mov x0, #hcr / #scr) into HCR_EL2 / SCR_EL3, `movSpsr` into
 * SPSR_ELh, ERET to `insn`; report at 0x4008002c; the handler at vectors (0x40080800) + 0x400.
 */
const image = (h: 2 | 3, movCtl: number, movSpsr: number, insn: number): Uint8Array =>
  imageOf([
    [0, [
      0x10004000, // 40080000: adr  x0, 40080800 <vectors>
      elReg(h, 0xd51cc000), // 40080004: msr  vbar_el2 / vbar_el3, x0
      movCtl, //     40080008
      elReg(h, 0xd51c1100), // 4008000c: msr  hcr_el2 / scr_el3, x0
      movSpsr, //    40080010
      elReg(h, 0xd51c4000), // 40080014: msr  spsr_el2 / spsr_el3, x0
      0x10000060, // 40080018: adr  x0, 40080024 <el1>
      elReg(h, 0xd51c4020), // 4008001c: msr  elr_el2 / elr_el3, x0
      0xd69f03e0, // 40080020: eret
      insn, //       40080024
      0x14000000, // 40080028: b    .
      ...report(4, 0x4008002c),
    ]],
    [0xc00, [
      elReg(h, 0xd53c5213), // 40080c00: mrs  x19, esr_el2 / esr_el3
      elReg(h, 0xd53c4034), // 40080c04: mrs  x20, elr_el2 / elr_el3
      elReg(h, 0xd53c4015), // 40080c08: mrs  x21, spsr_el2 / spsr_el3
      0xd5384256, // 40080c0c: mrs  x22, CurrentEL
      0x17fffd07, // 40080c10: b    4008002c <report>
    ]],
  ]);

const EL1H = 0xd28078a0; // mov x0, #0x3c5 (EL1h, DAIF masked)

/** HVC_TO_EL2 with HCR_EL2 = RW | TGE, an ERET to EL0t (SPSR 0x3c0) and `insn` at EL0. */
const tgeAtEl0 = (insn: number): Uint8Array =>
  image(2, 0xd2b10000 /* mov x0, #0x88000000 (HCR_EL2.RW | TGE) */, 0xd2807800 /* mov x0, #0x3c0 (EL0t, DAIF masked) */, insn);

/** HVC_TO_EL2 with HCR_EL2 = RW | a trap bit (`movHcr`: mov x0, #hcr) and `insn` at EL1. */
const hcrTrapAtEl1 = (movHcr: number, insn: number): Uint8Array => image(2, movHcr, EL1H, insn);

const CASES = [
  {
    name: 'HVC #0x1234 from EL1 is taken to EL2 (--el 2, virtualization=on)',
    el: 2 as const,
    elf: image(2, 0xd2b00000 /* mov x0, #0x80000000 (HCR_EL2.RW) */, EL1H, 0xd4024682 /* hvc #0x1234 */),
    // QEMU 7.2: ESR_EL2 0x5a001234 (EC 0x16, IL, imm16), ELR_EL2 the next instruction,
    // SPSR_EL2 0x3c5 (EL1h, DAIF), CurrentEL 0x8.
    expected: [0x5a001234n, 0x40080028n, 0x3c5n, 0x8n],
  },
  {
    name: 'SMC #0x5678 from EL1 is taken to EL3 (--el 3, secure=on)',
    el: 3 as const,
    elf: image(3, 0xd2808620 /* mov x0, #0x431 (NS, RES1, RW) */, EL1H, 0xd40acf03 /* smc #0x5678 */),
    // QEMU 7.2: ESR_EL3 0x5e005678 (EC 0x17, IL, imm16), ELR_EL3 the next instruction.
    expected: [0x5e005678n, 0x40080028n, 0x3c5n, 0xcn],
  },
  {
    name: 'with HCR_EL2.TGE, SVC #0x42 at EL0 is taken to EL2',
    el: 2 as const,
    elf: tgeAtEl0(0xd4000841 /* svc #0x42 */),
    // QEMU 7.2: ESR_EL2 0x56000042 (EC 0x15), ELR_EL2 the next instruction, SPSR_EL2 0x3c0.
    expected: [0x56000042n, 0x40080028n, 0x3c0n, 0x8n],
  },
  {
    name: 'with HCR_EL2.TGE, UDF at EL0 is taken to EL2',
    el: 2 as const,
    elf: tgeAtEl0(0x00000007 /* udf #7 */),
    // QEMU 7.2: ESR_EL2 0x02000000 (EC 0x00, IL), ELR_EL2 the UDF itself.
    expected: [0x02000000n, 0x40080024n, 0x3c0n, 0x8n],
  },
  {
    name: 'with HCR_EL2.TVM, MSR SCTLR_EL1, X1 at EL1 traps to EL2',
    el: 2 as const,
    elf: hcrTrapAtEl1(0xd2b08000 /* mov x0, #0x84000000 (RW | TVM) */, 0xd5181001 /* msr sctlr_el1, x1 */),
    // QEMU 7.2: ESR_EL2 0x62300420 (EC 0x18, IL, Op0 3, CRn 1, Rt 1, write), ELR_EL2 the MSR.
    expected: [0x62300420n, 0x40080024n, 0x3c5n, 0x8n],
  },
  {
    name: 'with HCR_EL2.TID3, MRS X2, ID_AA64PFR0_EL1 at EL1 traps to EL2',
    el: 2 as const,
    elf: hcrTrapAtEl1(0xd2b00080 /* mov x0, #0x80040000 (RW | TID3) */, 0xd5380402 /* mrs x2, id_aa64pfr0_el1 */),
    // QEMU 7.2: ESR_EL2 0x62300049 (EC 0x18, IL, Op0 3, Rt 2, CRm 4, read), ELR_EL2 the MRS.
    expected: [0x62300049n, 0x40080024n, 0x3c5n, 0x8n],
  },
  {
    name: 'with HCR_EL2.TTLB, TLBI VMALLE1 at EL1 traps to EL2',
    el: 2 as const,
    elf: hcrTrapAtEl1(0xd2b04000 /* mov x0, #0x82000000 (RW | TTLB) */, 0xd508871f /* tlbi vmalle1 */),
    // QEMU 7.2: ESR_EL2 0x621023ee (EC 0x18, IL, Op0 1, CRn 8, Rt 31, CRm 7), ELR_EL2 the TLBI.
    expected: [0x621023een, 0x40080024n, 0x3c5n, 0x8n],
  },
  {
    name: '--el 3 --virtualization: ERET from EL3 to EL2, SMC from EL2 taken to EL3',
    el: 3 as const,
    el2: true,
    // SCR_EL3 = 0x531 (NS, RES1, HCE, RW) and an ERET to EL2h (SPSR_EL3 0x3c9).
    elf: image(3, 0xd280a620 /* mov x0, #0x531 */, 0xd2807920 /* mov x0, #0x3c9 */, 0xd40acf03 /* smc #0x5678 */),
    // QEMU 7.2 (virt,secure=on,virtualization=on): ESR_EL3 0x5e005678 (EC 0x17, IL, imm16),
    // ELR_EL3 after the SMC, SPSR_EL3 0x3c9 (EL2h: the ERET to EL2 was legal), CurrentEL EL3.
    // Without EL2 the ERET would be an illegal return (SPSR.IL) and the SMC never reached.
    expected: [0x5e005678n, 0x40080028n, 0x3c9n, 0xcn],
  },
];

describe('start modes: exceptions to EL2/EL3 as QEMU 7.2', () => {
  guestTests(CASES);
});

/** POWEROFF with SMC #0 instead of HVC #0 (PSCI SYSTEM_OFF, 0x84000008). */
const POWEROFF_SMC = POWEROFF.map((w) => (w === 0xd4000002 ? 0xd4000003 : w));

describe('start modes: the PSCI conduit, as QEMU 7.2 (hw/arm/virt.c, hw/arm/boot.c)', () => {
  it('psciConduitFor: HVC at EL1; SMC with EL2; none when the conduit targets the entry EL or below', () => {
    expect(psciConduitFor(false, 1)).toBe('hvc');
    expect(psciConduitFor(true, 2)).toBe('smc');
    expect(psciConduitFor(true, 1)).toBe('smc');
    expect(psciConduitFor(false, 3)).toBe(null);
    expect(psciConduitFor(true, 3)).toBe(null);
  });

  // Each outcome checked with qemu-system-aarch64 7.2 -M virt[,virtualization=on|,secure=on]
  // -cpu cortex-a57 -semihosting -no-reboot -kernel on the same programs as ELF images:
  // only the SMC program under virtualization=on powers off; the others run on (timeout).
  const cases = [
    { el: 1 as const, words: POWEROFF, off: true },
    { el: 2 as const, words: POWEROFF_SMC, off: true },
    { el: 2 as const, words: POWEROFF, off: false },
    { el: 3 as const, words: POWEROFF, off: false },
    { el: 3 as const, words: POWEROFF_SMC, off: false },
    { el: 3 as const, el2: true, words: POWEROFF_SMC, off: false },
  ];
  for (const c of cases) {
    const insn = c.words === POWEROFF ? 'HVC' : 'SMC';
    it(`--el ${c.el}${c.el2 ? ' --virtualization' : ''}: SYSTEM_OFF through ${insn} from an ELF ${c.off ? 'powers off' : 'is not a PSCI call'}`, async () => {
      const m = new VirtMachine({ el: c.el, el2: 'el2' in c ? c.el2 : undefined, memory: 16 * MiB, output: () => {} });
      m.load(elfOf(c.words));
      const r = await m.run({ maxInsns: 1000 });
      expect(r.stop.kind).toBe(c.off ? 'poweroff' : 'limit');
    });
  }

  it('--el 3 with a raw (Linux boot) image enters at EL1 with PSCI on HVC, as QEMU', async () => {
    const m = new VirtMachine({ el: 3, memory: 16 * MiB, output: () => {} });
    m.load(bytesOf(POWEROFF));
    expect(m.cpu.el).toBe(1);
    expect((await m.run({ maxInsns: 1000 })).stop.kind).toBe('poweroff');
  });
});
