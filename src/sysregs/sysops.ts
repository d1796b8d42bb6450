// System instructions (SYS: AT, DC, IC, TLBI) as NO_RAW rows of the cpreg table. Being filled in.
import type { RowSpec } from './row.js';

export const SYSOP_ROWS: readonly RowSpec[] = [];
