import type { Row } from '../decoder.js';

export const LDST_ROWS: Row[] = [];
