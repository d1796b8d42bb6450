// The outside-tool rule of tests/helpers/tools.ts: a missing tool skips a test on a
// developer machine (reason + install command) and fails it when CI=true.
import { afterEach, describe, expect, it } from 'vitest';
import { TOOLS, detectTool, toolGate, type ToolSpec } from '../helpers/tools';

const missing: ToolSpec = {
  name: 'missing tool',
  command: 'a64emu-test-no-such-tool',
  versionArgs: ['--version'],
  install: 'apt-get install no-such-package',
};

describe('tests/helpers/tools.ts', () => {
  const savedCI = process.env.CI;
  afterEach(() => {
    if (savedCI === undefined) delete process.env.CI;
    else process.env.CI = savedCI;
  });

  it('a missing tool is a skip with the install command outside CI', () => {
    delete process.env.CI;
    const gate = toolGate(missing);
    expect(gate.run).toBe(false);
    if (gate.run) return;
    expect(gate.mode).toBe('skip');
    expect(gate.reason).toContain('apt-get install no-such-package');
    expect(gate.reason).toContain('not found on PATH');
  });

  it('a missing tool is a failure when CI=true', () => {
    process.env.CI = 'true';
    const gate = toolGate(missing);
    expect(gate.run).toBe(false);
    if (gate.run) return;
    expect(gate.mode).toBe('fail');
    expect(gate.reason).toContain('apt-get install no-such-package');
  });

  it('knows the project tools and how to install them', () => {
    expect(TOOLS.qemu.install).toBe('apt-get install qemu-system-arm');
    expect(TOOLS.crossGcc.install).toBe('apt-get install gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu');
    expect(TOOLS.gdbMultiarch.install).toBe('apt-get install gdb-multiarch');
    // detection never throws, whether or not the tool is installed here
    for (const spec of Object.values(TOOLS)) expect(typeof detectTool(spec).found).toBe('boolean');
  });
});
