import { defineConfig } from 'vitest/config';

// Two projects: `fast` is the inner loop (`npm run test:fast`, under two minutes);
// `slow` holds the guest-image comparisons against QEMU, the million-word fuzz run and the
// larger sweeps against QEMU's recordings (the MRS/MSR sweep at reset stays in `fast`).
// `npm test` runs both.
const SLOW = [
  'tests/guest/**/*.test.ts',
  'tests/fuzz/**/*.test.ts',
  'tests/workloads/**/*.test.ts',
  'tests/debug/lockstep-workloads.test.ts',
  'tests/debug/lockstep-mmu.test.ts',
  'tests/sysregs/sys-sweep-recorded.test.ts',
  'tests/sysregs/sysreg-sweep-traps.test.ts',
];

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'fast', include: ['tests/**/*.test.ts'], exclude: SLOW } },
      {
        test: {
          name: 'slow',
          include: SLOW,
          globalSetup: ['tests/guest/global-setup.ts'],
          testTimeout: 600_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
