// Instruction classes for `a64emu fuzz`: which decoder rows each class draws from, and the
// rows left out on purpose (with the reason, printed in the report instead of a gap).

import { DP_IMM_ROWS } from '../../cpu/insns/dp_imm.js';
import { DP_REG_ROWS } from '../../cpu/insns/dp_reg.js';
import { BRANCH_ROWS } from '../../cpu/insns/branch.js';
import { LDST_ROWS } from '../../cpu/insns/ldst.js';
import { ATOMIC_ROWS } from '../../cpu/insns/atomic.js';
import { SYSTEM_ROWS } from '../../cpu/insns/system.js';
import type { Row } from '../../cpu/decoder.js';
import type { FuzzClass } from '../../cli/args.js';

export interface ClassDef {
  readonly rows: readonly Row[];
  /** Rows of the class's groups the generator never produces, and why. */
  readonly excluded: Readonly<Record<string, string>>;
  /** Bytes of scratch memory per case. */
  readonly scratch: number;
}

/** Classes a64emu has no instructions for yet: the reason `fuzz` refuses them. */
export const UNSUPPORTED: Partial<Record<FuzzClass, string>> = {
  fp: 'a64emu has no floating-point instructions yet (issue 8); there is nothing to compare',
  simd: 'a64emu has no SIMD instructions yet (issue 8); there is nothing to compare',
};

export const CLASSES: Partial<Record<FuzzClass, ClassDef>> = {
  int: {
    rows: [...DP_IMM_ROWS, ...DP_REG_ROWS, ...BRANCH_ROWS],
    excluded: {
      ERET: 'needs ELR_EL1/SPSR_EL1 set up by system instructions; every case is entered by an ERET',
    },
    scratch: 16,
  },
  ldst: {
    rows: [...LDST_ROWS, ...ATOMIC_ROWS],
    excluded: {},
    scratch: 512,
  },
  system: {
    rows: SYSTEM_ROWS,
    excluded: {
      EXC_call: 'exception generation (SVC/HVC/SMC) leaves the sequence',
      BRK: 'exception generation leaves the sequence',
      HLT: 'HLT #0xF000 is the semihosting call the driver itself uses',
      SYS: 'DC ZVA on Device memory is a documented QEMU 7.2 deviation; the other cache/TLB operations are NOPs here and in QEMU',
    },
    scratch: 16,
  },
};
