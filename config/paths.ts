import path from 'node:path';

/** The checkout Huiying runs from: the defaults that are paths live under it. */
export const PROJECT_ROOT = path.resolve(__dirname, '..');

/** HUIYING_DATA_DIR's default. */
export const DEFAULT_DATA_DIR = path.join(PROJECT_ROOT, 'data');
