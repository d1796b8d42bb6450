// `a64emu kvm id` in-process (as tests/cli/main.test.ts runs the CLI). Expected IDs: the
// issue's round trip SCTLR_EL1 <-> 0x603000000013c080 (api.rst's sysreg pattern), the draft
// example 0x40020000000F0800 = SCTLR, canonical 0x40200000000F0800 (Linux commit aa404ddf952f
// moved the size field from bits 51..48 to 55..52), and the trace's KVM_REG_ARM_TIMER_CNT.
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const run = (argv: string[]) => runCli(argv);

describe('a64emu kvm id', () => {
  it('SCTLR_EL1 and 0x603000000013c080 print the same block: name, canonical ID, fields', async () => {
    const byName = await run(['kvm', 'id', 'SCTLR_EL1']);
    const byId = await run(['kvm', 'id', '0x603000000013c080']);
    expect(byName.code).toBe(0);
    expect(byId.code).toBe(0);
    expect(byName.stdout).toBe(byId.stdout);
    expect(byName.stderr).toBe('');
    expect(byName.stdout).toBe(
      'SCTLR_EL1 0x603000000013c080\n' +
        '  arch   arm64 (KVM_REG_ARM64)\n' +
        '  size   U64\n' +
        '  group  KVM_REG_ARM64_SYSREG (0x0013)\n' +
        '  op0    3\n' +
        '  op1    0\n' +
        '  CRn    1\n' +
        '  CRm    0\n' +
        '  op2    0\n',
    );
  });

  it('a draft-notation ID: the name, the canonical ID, and the draft it was given as', async () => {
    const r = await run(['kvm', 'id', '0x40020000000F0800']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('SCTLR 0x40200000000f0800');
    expect(lines[1]).toMatch(/^ {2}draft +0x40020000000f0800: .*canonical 0x40200000000f0800$/);
    expect(r.stdout).toMatch(/aarch64 +SCTLR_EL1\[31:0\]/);
    // The canonical ID and the cp15 name give the same block without the draft line.
    const canon = await run(['kvm', 'id', 'SCTLR']);
    expect(canon.stdout).toBe([lines[0], ...lines.slice(2)].join('\n'));
  });

  it('several arguments, the timer quirk and a misaligned core offset are explained', async () => {
    const r = await run(['kvm', 'id', 'KVM_REG_ARM_TIMER_CNT', 'pstate', '0x6030000000100001']);
    expect(r.code).toBe(0);
    const blocks = r.stdout.split('\n\n');
    expect(blocks).toHaveLength(3);
    expect(blocks[0]).toMatch(/^KVM_REG_ARM_TIMER_CNT 0x603000000013df1a\n/);
    expect(blocks[0]).toMatch(/register +CNTVCT_EL0/);
    expect(blocks[0]).toMatch(/encoding is CNTV_CVAL_EL0's/);
    expect(blocks[1]).toMatch(/^PSTATE 0x6030000000100042\n/);
    expect(blocks[1]).toMatch(/member +regs\.pstate/);
    expect(blocks[2]).toMatch(/^X0\[word 1\] 0x6030000000100001\n/);
    expect(blocks[2]).toMatch(/not the start of a register/);
  });

  it('bad arguments exit 2 with a clear message; the good ones are still printed', async () => {
    const r = await run(['kvm', 'id', 'NOPE', 'X1', '0x602000000013c684', '0xfffffffffffffffff']);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^X1 0x6030000000100002\n/);
    expect(r.stderr).toMatch(/kvm id: unknown register name 'NOPE'/);
    expect(r.stderr).toMatch(/kvm id: 0x602000000013c684: TPIDR_EL1 is U64, not U32/);
    expect(r.stderr).toMatch(/kvm id: '0xfffffffffffffffff' is wider than 64 bits/);
  });

  it('no argument is a usage error', async () => {
    const r = await run(['kvm', 'id']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/kvm id needs at least one register name or ID/);
  });
});
