/**
 * jest globalSetup: what every test file would otherwise repeat — installing the Temporal binaries (minutes
 * on a fresh clone), building the console when stale, bundling the workflows (seconds) and starting the read model's
 * PostgreSQL — done once per run.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { ensureConsoleBuilt } from '../../scripts/console-build';
import { ensureTemporalBinaries } from '../../scripts/temporal-binaries';
import { BUNDLE_ENV, newBundlePath } from './bundle';
import { DATABASE_ENV, startTestPostgres } from './database';

const WORKFLOWS_ENTRY = path.resolve(__dirname, '..', '..', 'workflows', 'index.ts');

export default async function globalSetup(): Promise<void> {
  await ensureTemporalBinaries();
  // The console's tests load the built console from the API, as people do.
  await ensureConsoleBuilt();
  const postgres = await startTestPostgres();
  // Read back by globalTeardown, which runs in this same process.
  (globalThis as { huiyingTestPostgres?: unknown }).huiyingTestPostgres = postgres;
  process.env[DATABASE_ENV] = postgres.url;
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_ENTRY, logger: quietLogger() });
  const file = newBundlePath();
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, code);
  // Test files run in this process or in workers forked from it, so they inherit the variable.
  process.env[BUNDLE_ENV] = file;
}

/** webpack's stats would bury jest's own output; warnings and errors still show. */
function quietLogger() {
  const write = (level: string) => (message: string, meta?: Record<string, unknown>) =>
    process.stderr.write(`bundleWorkflowCode ${level}: ${message}${meta ? ` ${JSON.stringify(meta)}` : ''}\n`);
  const ignore = () => undefined;
  return { trace: ignore, debug: ignore, info: ignore, warn: write('warn'), error: write('error'), log: ignore };
}
