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
import { LDST_SIMD_ROWS } from './ldst_simd.js';
import { SIMD_COPY_ROWS } from './simd_copy.js';
import { SIMD_PERMUTE_ROWS } from './simd_permute.js';
import { SIMD_MODIMM_ROWS } from './simd_modimm.js';
import { SIMD_3SAME_ROWS } from './simd_3same.js';
import { SIMD_2MISC_ROWS } from './simd_2misc.js';
import { SIMD_SHIFT_ROWS } from './simd_shift.js';
import { SIMD_ACROSS_ROWS } from './simd_across.js';
import { SIMD_3DIFF_ROWS } from './simd_3diff.js';
import { SIMD_3EXTRA_ROWS } from './simd_rdm.js';
import { SIMD_BYELEM_ROWS } from './simd_byelem.js';
import { SIMD_CRYPTO_ROWS } from './simd_crypto.js';
import { SIMD_FP_ROWS } from './simd_fp.js';
import { SIMD_FHM_ROWS } from './simd_fhm.js';

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
  ...LDST_SIMD_ROWS,
  ...SIMD_COPY_ROWS,
  ...SIMD_PERMUTE_ROWS,
  ...SIMD_MODIMM_ROWS,
  ...SIMD_3SAME_ROWS,
  ...SIMD_2MISC_ROWS,
  ...SIMD_SHIFT_ROWS,
  ...SIMD_ACROSS_ROWS,
  ...SIMD_3DIFF_ROWS,
  ...SIMD_3EXTRA_ROWS,
  ...SIMD_BYELEM_ROWS,
  ...SIMD_CRYPTO_ROWS,
  ...SIMD_FP_ROWS,
  ...SIMD_FHM_ROWS,
];
