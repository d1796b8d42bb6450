// PSTATE.PAN/UAO/DIT/SSBS (FEAT_PAN, FEAT_UAO, FEAT_DIT, FEAT_SSBS2 on `max`) through MSR
// (immediate), the MRS/MSR views, exception entry and ERET, in a guest run on a64emu and on
// qemu-system-aarch64 7.2 (-M virt -cpu max -semihosting -serial stdio; the last test runs
// QEMU live when it is installed). The guest records 64-bit values and prints them on the UART.
//
// Expected values: QEMU 7.2's output for this ELF (RECORDED), except where QEMU 7.2 and the
// Arm ARM disagree and a64emu follows the Arm ARM (ARM_ARM_DIFFERS):
//  - AArch64.TakeException leaves PSTATE.DIT unchanged (Arm ARM; Linux KVM's
//    enter_exception64 does the same, citing DDI 0487E.a); QEMU 7.2 clears it;
//  - SetPSTATEFromPSR restores PSTATE.PAN from SPSR even on an illegal exception return
//    (Arm ARM); QEMU 7.2 restores only NZCV and DAIF then.
//
// Source (GNU as 2.40, -march=armv8.5-a+ssbs, linked at 0x40080000). `rec r` is
// `str r, [x20], #8`; `views` records MRS PAN, UAO, DIT, SSBS. The handler (reached from
// the vectors at 0x40080800 + 0x200 and + 0x400) records ESR_EL1, SPSR_EL1 and the views,
// then branches to x21.
//   views                               1: reset
//   msr pan/uao/dit/ssbs, #1; views      2: after MSR (immediate)
//   svc #1 (x21 = eret)                  3: entry with SCTLR_EL1.SPAN = 1, DSSBS = 0 (reset)
//   views                                4: after ERET
//   msr pan, xzr; SCTLR_EL1.SPAN = 0, DSSBS = 1; msr ssbs, xzr
//   svc #2; views                        5, 6: entry with SPAN = 0, DSSBS = 1; after ERET
//   ERET to EL0t with SPSR = DIT|UAO|PAN|SSBS
//   el0: mrs dit; mrs ssbs               7: EL0 reads them
//        msr dit, #0; msr ssbs, #0; svc #3   8: SPSR from EL0
//   msr pan/uao/dit/ssbs, #0; ERET with SPSR = DIT|UAO|PAN|SSBS|EL2h (illegal: no EL2)
//   nop                                  9: Illegal Execution state exception (EC 0x0E)
//   ERET to EL0t; msr pan, #1            10: UNDEFINED at EL0 (op1 = 0 field)
//   print the records, semihosting SYS_EXIT
//
// A second guest (EL2_CODE) starts at EL2 (-M virt,virtualization=on): entry to EL2 keeps
// PAN whatever SCTLR_EL2.SPAN says (FEAT_VHE absent) and takes SSBS from SCTLR_EL2.DSSBS.
// `views` records MRS PAN, UAO, DIT, SSBS; the EL2 handler records ESR_EL2, SPSR_EL2, views.
//   at EL2: msr pan, #1; msr dit, #1; views           1
//   ERET to EL1h with SPSR = DIT|UAO|PAN|SSBS: views  2
//   msr pan, #0; hvc #1                               3: SCTLR_EL2 = 0 (reset)
//   SCTLR_EL2.DSSBS = 1; ERET to EL1h with SPSR = DIT|UAO|PAN; hvc #2   4
//   print, exit
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
  0x10004000, // 40080000: adr x0, 40080800 <vectors>
  0xd518c000, // 40080004: msr vbar_el1, x0
  0x10007fd4, // 40080008: adr x20, 40081000 <buf>
  0xd5384260, // 4008000c: mrs x0, pan
  0xf8008680, // 40080010: str x0, [x20], #8
  0xd5384280, // 40080014: mrs x0, uao
  0xf8008680, // 40080018: str x0, [x20], #8
  0xd53b42a0, // 4008001c: mrs x0, dit
  0xf8008680, // 40080020: str x0, [x20], #8
  0xd53b42c0, // 40080024: mrs x0, ssbs
  0xf8008680, // 40080028: str x0, [x20], #8
  0xd500419f, // 4008002c: msr pan, #0x1
  0xd500417f, // 40080030: msr uao, #0x1
  0xd503415f, // 40080034: msr dit, #0x1
  0xd503413f, // 40080038: msr ssbs, #0x1
  0xd5384260, // 4008003c: mrs x0, pan
  0xf8008680, // 40080040: str x0, [x20], #8
  0xd5384280, // 40080044: mrs x0, uao
  0xf8008680, // 40080048: str x0, [x20], #8
  0xd53b42a0, // 4008004c: mrs x0, dit
  0xf8008680, // 40080050: str x0, [x20], #8
  0xd53b42c0, // 40080054: mrs x0, ssbs
  0xf8008680, // 40080058: str x0, [x20], #8
  0x100009d5, // 4008005c: adr x21, 40080194 <do_eret>
  0xd4000021, // 40080060: svc #0x1
  0xd5384260, // 40080064: mrs x0, pan
  0xf8008680, // 40080068: str x0, [x20], #8
  0xd5384280, // 4008006c: mrs x0, uao
  0xf8008680, // 40080070: str x0, [x20], #8
  0xd53b42a0, // 40080074: mrs x0, dit
  0xf8008680, // 40080078: str x0, [x20], #8
  0xd53b42c0, // 4008007c: mrs x0, ssbs
  0xf8008680, // 40080080: str x0, [x20], #8
  0xd2800001, // 40080084: mov x1, #0x0
  0xd5184261, // 40080088: msr pan, x1
  0xd5381001, // 4008008c: mrs x1, sctlr_el1
  0x9268f821, // 40080090: and x1, x1, #0xffffffffff7fffff
  0xb2540021, // 40080094: orr x1, x1, #0x100000000000
  0xd5181001, // 40080098: msr sctlr_el1, x1
  0xd2800001, // 4008009c: mov x1, #0x0
  0xd51b42c1, // 400800a0: msr ssbs, x1
  0xd4000041, // 400800a4: svc #0x2
  0xd5384260, // 400800a8: mrs x0, pan
  0xf8008680, // 400800ac: str x0, [x20], #8
  0xd5384280, // 400800b0: mrs x0, uao
  0xf8008680, // 400800b4: str x0, [x20], #8
  0xd53b42a0, // 400800b8: mrs x0, dit
  0xf8008680, // 400800bc: str x0, [x20], #8
  0xd53b42c0, // 400800c0: mrs x0, ssbs
  0xf8008680, // 400800c4: str x0, [x20], #8
  0xd2a03801, // 400800c8: mov x1, #0x1c00000
  0xb2740021, // 400800cc: orr x1, x1, #0x1000
  0xd5184001, // 400800d0: msr spsr_el1, x1
  0x10000081, // 400800d4: adr x1, 400800e4 <el0>
  0xd5184021, // 400800d8: msr elr_el1, x1
  0x10000135, // 400800dc: adr x21, 40080100 <after_el0>
  0xd69f03e0, // 400800e0: eret
  0xd53b42a0, // 400800e4: el0: mrs x0, dit
  0xf8008680, // 400800e8: str x0, [x20], #8
  0xd53b42c0, // 400800ec: mrs x0, ssbs
  0xf8008680, // 400800f0: str x0, [x20], #8
  0xd503405f, // 400800f4: msr dit, #0x0
  0xd503403f, // 400800f8: msr ssbs, #0x0
  0xd4000061, // 400800fc: svc #0x3
  0xd500409f, // 40080100: after_el0: msr pan, #0x0
  0xd500407f, // 40080104: msr uao, #0x0
  0xd503405f, // 40080108: msr dit, #0x0
  0xd503403f, // 4008010c: msr ssbs, #0x0
  0xd2a03801, // 40080110: mov x1, #0x1c00000
  0xb2740021, // 40080114: orr x1, x1, #0x1000
  0x91002421, // 40080118: add x1, x1, #0x9
  0xd5184001, // 4008011c: msr spsr_el1, x1
  0x10000081, // 40080120: adr x1, 40080130 <illegal>
  0xd5184021, // 40080124: msr elr_el1, x1
  0x10000075, // 40080128: adr x21, 40080134 <after_illegal>
  0xd69f03e0, // 4008012c: eret
  0xd503201f, // 40080130: illegal: nop
  0xd28000a1, // 40080134: after_illegal: mov x1, #0x5
  0xd5184001, // 40080138: msr spsr_el1, x1
  0x100000c1, // 4008013c: adr x1, 40080154 <el0_pan>
  0xd5184021, // 40080140: msr elr_el1, x1
  0xd2800001, // 40080144: mov x1, #0x0
  0xd5184001, // 40080148: msr spsr_el1, x1
  0x10000075, // 4008014c: adr x21, 40080158 <after_el0_pan>
  0xd69f03e0, // 40080150: eret
  0xd500419f, // 40080154: el0_pan: msr pan, #0x1
  0xaa1403f3, // 40080158: after_el0_pan: mov x19, x20
  0x10007534, // 4008015c: adr x20, 40081000 <buf>
  0xd2a12003, // 40080160: mov x3, #0x9000000
  0xf8408682, // 40080164: print: ldr x2, [x20], #8
  0xd2800104, // 40080168: mov x4, #0x8
  0x39000062, // 4008016c: byte: strb w2, [x3]
  0xd348fc42, // 40080170: lsr x2, x2, #8
  0xf1000484, // 40080174: subs x4, x4, #0x1
  0x54ffffa1, // 40080178: b.ne 4008016c <byte> // b.any
  0xeb13029f, // 4008017c: cmp x20, x19
  0x54ffff21, // 40080180: b.ne 40080164 <print> // b.any
  0x10000261, // 40080184: adr x1, 400801d0 <blk>
  0x52800300, // 40080188: mov w0, #0x18
  0xd45e0000, // 4008018c: hlt #0xf000
  0x14000000, // 40080190: b 40080190 <byte+0x24>
  0xd69f03e0, // 40080194: do_eret: eret
  0xd5385200, // 40080198: handler: mrs x0, esr_el1
  0xf8008680, // 4008019c: str x0, [x20], #8
  0xd5384000, // 400801a0: mrs x0, spsr_el1
  0xf8008680, // 400801a4: str x0, [x20], #8
  0xd5384260, // 400801a8: mrs x0, pan
  0xf8008680, // 400801ac: str x0, [x20], #8
  0xd5384280, // 400801b0: mrs x0, uao
  0xf8008680, // 400801b4: str x0, [x20], #8
  0xd53b42a0, // 400801b8: mrs x0, dit
  0xf8008680, // 400801bc: str x0, [x20], #8
  0xd53b42c0, // 400801c0: mrs x0, ssbs
  0xf8008680, // 400801c4: str x0, [x20], #8
  0xd61f02a0, // 400801c8: br x21
  0xd503201f, // 400801cc: nop
  0x00020026, 0, 0, 0, // 400801d0: blk: .quad 0x20026, 0 (ADP_Stopped_ApplicationExit, 0)
];

const EL2_CODE = [
  0x10004000, // 40080000: adr x0, 40080800 <v2>
  0xd51cc000, // 40080004: msr vbar_el2, x0
  0x10007fd4, // 40080008: adr x20, 40081000 <buf>
  0xd2b00001, // 4008000c: mov x1, #0x80000000
  0xd51c1101, // 40080010: msr hcr_el2, x1
  0xd500419f, // 40080014: msr pan, #0x1
  0xd503415f, // 40080018: msr dit, #0x1
  0xd5384260, // 4008001c: mrs x0, pan
  0xf8008680, // 40080020: str x0, [x20], #8
  0xd5384280, // 40080024: mrs x0, uao
  0xf8008680, // 40080028: str x0, [x20], #8
  0xd53b42a0, // 4008002c: mrs x0, dit
  0xf8008680, // 40080030: str x0, [x20], #8
  0xd53b42c0, // 40080034: mrs x0, ssbs
  0xf8008680, // 40080038: str x0, [x20], #8
  0xd2a03801, // 4008003c: mov x1, #0x1c00000
  0xb2740021, // 40080040: orr x1, x1, #0x1000
  0x910f1421, // 40080044: add x1, x1, #0x3c5
  0xd51c4001, // 40080048: msr spsr_el2, x1
  0x10000081, // 4008004c: adr x1, 4008005c <el1>
  0xd51c4021, // 40080050: msr elr_el2, x1
  0x10000195, // 40080054: adr x21, 40080084 <back>
  0xd69f03e0, // 40080058: eret
  0xd5384260, // 4008005c: el1: mrs x0, pan
  0xf8008680, // 40080060: str x0, [x20], #8
  0xd5384280, // 40080064: mrs x0, uao
  0xf8008680, // 40080068: str x0, [x20], #8
  0xd53b42a0, // 4008006c: mrs x0, dit
  0xf8008680, // 40080070: str x0, [x20], #8
  0xd53b42c0, // 40080074: mrs x0, ssbs
  0xf8008680, // 40080078: str x0, [x20], #8
  0xd500409f, // 4008007c: msr pan, #0x0
  0xd4000022, // 40080080: hvc #0x1
  0xd53c1001, // 40080084: back: mrs x1, sctlr_el2
  0xb2540021, // 40080088: orr x1, x1, #0x100000000000
  0xd51c1001, // 4008008c: msr sctlr_el2, x1
  0xd2a03801, // 40080090: mov x1, #0x1c00000
  0x910f1421, // 40080094: add x1, x1, #0x3c5
  0xd51c4001, // 40080098: msr spsr_el2, x1
  0x10000081, // 4008009c: adr x1, 400800ac <el1b>
  0xd51c4021, // 400800a0: msr elr_el2, x1
  0x10000075, // 400800a4: adr x21, 400800b0 <done>
  0xd69f03e0, // 400800a8: eret
  0xd4000042, // 400800ac: el1b: hvc #0x2
  0xaa1403f3, // 400800b0: done: mov x19, x20
  0x10007a74, // 400800b4: adr x20, 40081000 <buf>
  0xd2a12003, // 400800b8: mov x3, #0x9000000
  0xf8408682, // 400800bc: print: ldr x2, [x20], #8
  0xd2800104, // 400800c0: mov x4, #0x8
  0x39000062, // 400800c4: byte: strb w2, [x3]
  0xd348fc42, // 400800c8: lsr x2, x2, #8
  0xf1000484, // 400800cc: subs x4, x4, #0x1
  0x54ffffa1, // 400800d0: b.ne 400800c4 <byte> // b.any
  0xeb13029f, // 400800d4: cmp x20, x19
  0x54ffff21, // 400800d8: b.ne 400800bc <print> // b.any
  0x10000221, // 400800dc: adr x1, 40080120 <blk>
  0x52800300, // 400800e0: mov w0, #0x18
  0xd45e0000, // 400800e4: hlt #0xf000
  0x14000000, // 400800e8: b 400800e8 <byte+0x24>
  0xd53c5200, // 400800ec: h2: mrs x0, esr_el2
  0xf8008680, // 400800f0: str x0, [x20], #8
  0xd53c4000, // 400800f4: mrs x0, spsr_el2
  0xf8008680, // 400800f8: str x0, [x20], #8
  0xd5384260, // 400800fc: mrs x0, pan
  0xf8008680, // 40080100: str x0, [x20], #8
  0xd5384280, // 40080104: mrs x0, uao
  0xf8008680, // 40080108: str x0, [x20], #8
  0xd53b42a0, // 4008010c: mrs x0, dit
  0xf8008680, // 40080110: str x0, [x20], #8
  0xd53b42c0, // 40080114: mrs x0, ssbs
  0xf8008680, // 40080118: str x0, [x20], #8
  0xd61f02a0, // 4008011c: br x21
  0x00020026, 0, 0, 0, // 40080120: blk: .quad 0x20026, 0
];

/** `code`, then the vectors at 0x40080800: `b handler` at +0x200 (current EL, SPx) and +0x400 (lower EL). */
function image(code: number[], current: number, lower: number): Uint8Array {
  const words = [...code];
  while (words.length < 0xa00 / 4) words.push(0);
  words.push(current);
  while (words.length < 0xc00 / 4) words.push(0);
  words.push(lower);
  return elfOf(words);
}
const EL1_IMAGE = image(CODE, 0x17fffde6 /* 40080a00: b 40080198 <handler> */, 0x17fffd66 /* 40080c00: b 40080198 <handler> */);
const EL2_IMAGE = image(EL2_CODE, 0x17fffdbb /* 40080a00: b 400800ec <h2> */, 0x17fffd3b /* 40080c00: b 400800ec <h2> */);

const PAN = 1n << 22n, UAO = 1n << 23n, DIT = 1n << 24n, SSBS = 1n << 12n;
const views = (pan: bigint, uao: bigint, dit: bigint, ssbs: bigint) => [pan, uao, dit, ssbs];

/** QEMU 7.2's records (run live below); the entries a64emu differs on are marked. */
const RECORDED: bigint[] = [
  ...views(0n, 0n, 0n, 0n), // 1
  ...views(PAN, UAO, DIT, SSBS), // 2
  0x56000001n, 0x41c013c5n, ...views(PAN, 0n, /* DIT */ 0n, 0n), // 3: ESR (SVC #1), SPSR, views
  ...views(PAN, UAO, DIT, SSBS), // 4
  0x56000002n, 0x418003c5n, ...views(PAN, 0n, /* DIT */ 0n, SSBS), // 5
  ...views(0n, UAO, DIT, 0n), // 6
  DIT, SSBS, // 7
  0x56000003n, 0xc00000n, ...views(PAN, 0n, 0n, SSBS), // 8: DSSBS is 1
  0x3a000000n, /* SPSR_EL1 */ 0x100005n, ...views(PAN, 0n, 0n, SSBS), // 9: EC 0x0E; SPSR has IL
  0x2000000n, 0n, ...views(PAN, 0n, 0n, SSBS), // 10: EC 0x00 from EL0
];

/** Where a64emu follows the Arm ARM (see the header): record index → a64emu's value. */
const ARM_ARM_DIFFERS: Record<number, bigint> = {
  12: DIT, // 3: DIT unchanged by exception entry (QEMU 7.2 clears it)
  22: DIT, // 5: the same
  37: 0x100005n | PAN, // 9: the illegal ERET restored PAN from SPSR (QEMU 7.2 keeps PAN 0)
};

/** The EL2 guest: QEMU 7.2's records, and where a64emu follows the Arm ARM (DIT kept on entry). */
const EL2_RECORDED: bigint[] = [
  ...views(PAN, 0n, DIT, 0n), // 1: at EL2
  ...views(PAN, UAO, DIT, SSBS), // 2: at EL1 after ERET
  0x5a000001n, 0x18013c5n, ...views(0n, 0n, /* DIT */ 0n, 0n), // 3: HVC #1; PAN 0 kept (SPAN 0 does not act at EL2)
  0x5a000002n, 0x1c003c5n, ...views(PAN, 0n, /* DIT */ 0n, SSBS), // 4: PAN 1 kept, UAO cleared, SSBS = DSSBS
];
const EL2_ARM_ARM_DIFFERS: Record<number, bigint> = { 12: DIT, 18: DIT };

const le64 = (vals: bigint[]): number[] =>
  vals.flatMap((v) => Array.from({ length: 8 }, (_, i) => Number((v >> BigInt(8 * i)) & 0xffn)));

describe('PSTATE.PAN/UAO/DIT/SSBS through MSR, exception entry and ERET (cpu max)', () => {
  const CASES = [
    { name: 'EL1/EL0 (-M virt)', el: 1 as const, elf: EL1_IMAGE, recorded: RECORDED, differs: ARM_ARM_DIFFERS },
    { name: 'EL2/EL1 (-M virt,virtualization=on)', el: 2 as const, elf: EL2_IMAGE, recorded: EL2_RECORDED, differs: EL2_ARM_ARM_DIFFERS },
  ];

  for (const c of CASES) {
    it(`${c.name}: a64emu prints QEMU 7.2's records, with the Arm ARM where they differ`, async () => {
      const out: number[] = [];
      const m = new VirtMachine({ cpu: 'max', el: c.el, memory: 16 * MiB, output: (s, b) => s === 'stdout' && out.push(...b) });
      m.load(c.elf);
      const r = await m.run({ maxInsns: 10_000 });
      expect(r.stop).toEqual({ kind: 'exit', code: 0 });
      const expected = c.recorded.map((v, i) => c.differs[i] ?? v);
      expect(out).toEqual(le64(expected));
    });
  }

  it('QEMU 7.2 run live prints the recorded values', (ctx) => {
    const qemu = requireTool(ctx, TOOLS.qemu);
    const dir = mkdtempSync(join(tmpdir(), 'a64emu-pstate-'));
    try {
      for (const c of CASES) {
        const kernel = join(dir, `pstate-el${c.el}.elf`);
        writeFileSync(kernel, c.elf);
        const args = [...qemuBoardArgs({ cpu: 'max', el: c.el, kernel, memory: 16 * MiB }), '-serial', 'stdio'];
        const r = spawnSync(qemu.spec.command, args, { timeout: 20_000 });
        expect(r.status, `${qemu.spec.command} ${args.join(' ')}: ${String(r.stderr)}`).toBe(0);
        expect([...r.stdout], c.name).toEqual(le64(c.recorded));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
