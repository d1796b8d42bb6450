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
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { qemuBoardArgs } from '../../src/debug/qemu.js';
import { MiB } from '../../src/machine/bus.js';
import { VirtMachine } from '../../src/machine/virt.js';
import { TOOLS, requireTool } from '../helpers/tools.js';
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
  0xaa1403f3, // 400800ac: mov x19, x20
  0x10000294, // 400800b0: adr x20, 40080100 <buf>
  0xd2a12003, // 400800b4: mov x3, #0x9000000
  0xf8408682, // 400800b8: print: ldr x2, [x20], #8
  0xd2800104, // 400800bc: mov x4, #0x8
  0x39000062, // 400800c0: byte: strb w2, [x3]
  0xd348fc42, // 400800c4: lsr x2, x2, #8
  0xf1000484, // 400800c8: subs x4, x4, #0x1
  0x54ffffa1, // 400800cc: b.ne 400800c0 <byte> // b.any
  0xeb13029f, // 400800d0: cmp x20, x19
  0x54ffff21, // 400800d4: b.ne 400800b8 <print> // b.any
  0x10000081, // 400800d8: adr x1, 400800e8 <blk>
  0x52800300, // 400800dc: mov w0, #0x18
  0xd45e0000, // 400800e0: hlt #0xf000
  0x14000000, // 400800e4: b 400800e4 <byte+0x24>
  0x00020026, 0, 0, 0, // 400800e8: blk: .quad 0x20026, 0
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
  0x00020026, 0, 0, 0, // 40080068: blk: .quad 0x20026, 0
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

const le64 = (vals: bigint[]): number[] =>
  vals.flatMap((v) => Array.from({ length: 8 }, (_, i) => Number((v >> BigInt(8 * i)) & 0xffn)));

describe('PMU event counters: 64-bit on max (PMUv3p5), 32-bit on cortex-a57; PMCR_EL0.N under HPMN; as QEMU 7.2', () => {
  for (const c of CASES) {
    it(`${c.cpu} --el ${c.el}`, async () => {
      const out: number[] = [];
      const m = new VirtMachine({ cpu: c.cpu, el: c.el, memory: 16 * MiB, output: (s, b) => s === 'stdout' && out.push(...b) });
      m.load(elfOf(c.code));
      const r = await m.run({ maxInsns: 10_000 });
      expect(r.stop).toEqual({ kind: 'exit', code: 0 });
      expect(out).toEqual(le64(c.expected));
    });
  }

  it('QEMU 7.2 run live prints the same bytes', (ctx) => {
    const qemu = requireTool(ctx, TOOLS.qemu);
    const dir = mkdtempSync(join(tmpdir(), 'a64emu-pmu64-'));
    try {
      for (const c of CASES) {
        const kernel = join(dir, `pmu-${c.cpu}-${c.el}.elf`);
        writeFileSync(kernel, elfOf(c.code));
        const args = [...qemuBoardArgs({ cpu: c.cpu, el: c.el, kernel, memory: 16 * MiB }), '-serial', 'stdio'];
        const r = spawnSync(qemu.spec.command, args, { timeout: 20_000 });
        expect(r.status, `${qemu.spec.command} ${args.join(' ')}: ${String(r.stderr)}`).toBe(0);
        expect([...r.stdout], c.cpu).toEqual(le64(c.expected));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
