import type { Row } from '../decoder.js';

export const DP_REG_ROWS: Row[] = [];
