import fs from 'node:fs/promises';
import { BUNDLE_ENV } from './bundle';

import type { TestPostgres } from './database';

/** Removes this run's workflow bundle and stops its PostgreSQL. */
export default async function globalTeardown(): Promise<void> {
  await (globalThis as { huiyingTestPostgres?: TestPostgres }).huiyingTestPostgres?.stop();
  const file = process.env[BUNDLE_ENV];
  if (file) await fs.rm(file, { force: true });
}
