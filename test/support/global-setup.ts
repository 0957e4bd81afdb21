/**
 * jest globalSetup: what every test file would otherwise repeat — installing the Temporal binaries (minutes
 * on a fresh clone) and bundling the workflows (seconds) — done once per run.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { ensureTemporalBinaries } from '../../scripts/temporal-binaries';
import { WORKFLOW_BUNDLE_FILE } from './bundle';

const WORKFLOWS_ENTRY = path.resolve(__dirname, '..', '..', 'workflows', 'index.ts');

export default async function globalSetup(): Promise<void> {
  await ensureTemporalBinaries();
  await bundleWorkflows();
}

async function bundleWorkflows(): Promise<void> {
  // A stale bundle must never outlive the workflows it was built from.
  await fs.rm(WORKFLOW_BUNDLE_FILE, { force: true });
  try {
    await fs.access(WORKFLOWS_ENTRY);
  } catch {
    process.stderr.write(`globalSetup: ${WORKFLOWS_ENTRY} does not exist yet; no workflow bundle\n`);
    return;
  }
  const { code } = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_ENTRY,
    logger: quietLogger(),
  });
  await fs.mkdir(path.dirname(WORKFLOW_BUNDLE_FILE), { recursive: true });
  await fs.writeFile(WORKFLOW_BUNDLE_FILE, code);
}

/** webpack's stats would bury jest's own output; warnings and errors still show. */
function quietLogger() {
  const write = (level: string) => (message: string, meta?: Record<string, unknown>) =>
    process.stderr.write(`bundleWorkflowCode ${level}: ${message}${meta ? ` ${JSON.stringify(meta)}` : ''}\n`);
  const ignore = () => undefined;
  return { trace: ignore, debug: ignore, info: ignore, warn: write('warn'), error: write('error'), log: ignore };
}
