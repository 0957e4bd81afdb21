import fs from 'node:fs/promises';
import { BUNDLE_ENV } from './bundle';

/** Removes this run's workflow bundle. */
export default async function globalTeardown(): Promise<void> {
  const file = process.env[BUNDLE_ENV];
  if (file) await fs.rm(file, { force: true });
}
