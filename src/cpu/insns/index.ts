// Every decoder row, by instruction group (Arm ARM C4.1, "A64 instruction set encoding").
import type { Row } from '../decoder.js';
import { DP_IMM_ROWS } from './dp_imm.js';
import { DP_REG_ROWS } from './dp_reg.js';
import { BRANCH_ROWS } from './branch.js';
import { SYSTEM_ROWS } from './system.js';
import { LDST_ROWS } from './ldst.js';
import { ATOMIC_ROWS } from './atomic.js';
import { LDST_FP_ROWS } from './ldst_fp.js';
import { FP_DP_ROWS } from './fp_dp.js';
import { FP_CONV_ROWS } from './fp_conv.js';

export const ALL_ROWS: readonly Row[] = [
  ...DP_IMM_ROWS,
  ...DP_REG_ROWS,
  ...BRANCH_ROWS,
  ...SYSTEM_ROWS,
  ...LDST_ROWS,
  ...ATOMIC_ROWS,
  ...LDST_FP_ROWS,
  ...FP_DP_ROWS,
  ...FP_CONV_ROWS,
];
