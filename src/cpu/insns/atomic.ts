import type { Row } from '../decoder.js';

export const ATOMIC_ROWS: Row[] = [];
