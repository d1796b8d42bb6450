// The Performance Monitors (PMUv3) registers. Being filled in.
import type { RowSpec } from './row.js';

export const PMU_ROWS: readonly RowSpec[] = [];
