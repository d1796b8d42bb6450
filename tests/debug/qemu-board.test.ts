// QEMU's board arguments for a start mode: the same -M options a64emu's --el stands for.
import { describe, expect, it } from 'vitest';
import { qemuBoardArgs } from '../../src/debug/qemu.js';

describe('qemuBoardArgs', () => {
  it('passes virtualization=on for --el 2 and secure=on for --el 3 (QEMU 7.2 virt)', () => {
    const m = (el?: 1 | 2 | 3) => qemuBoardArgs({ el, kernel: 'k.elf' }).slice(0, 2);
    expect(m()).toEqual(['-M', 'virt']);
    expect(m(1)).toEqual(['-M', 'virt']);
    expect(m(2)).toEqual(['-M', 'virt,virtualization=on']);
    expect(m(3)).toEqual(['-M', 'virt,secure=on']);
  });
});
