import fs from 'node:fs';
import path from 'node:path';

const TEST_DATA = path.resolve(__dirname, '..', '..', '.test-data');
/** Set by globalSetup: each jest run gets its own bundle, so two runs in one checkout never clobber each other. */
export const BUNDLE_ENV = 'HUIYING_TEST_WORKFLOW_BUNDLE';

export function newBundlePath(): string {
  return path.join(TEST_DATA, `workflow-bundle-${process.pid}-${Date.now()}.js`);
}

/**
 * The workflow bundle that jest's globalSetup built once for the whole run; pass it to test workers as
 * `workflowBundle` so that each test does not spend seconds bundling.
 */
export function loadWorkflowBundle(): { code: string } {
  const file = process.env[BUNDLE_ENV];
  if (!file || !fs.existsSync(file)) {
    throw new Error('no workflow bundle: run the tests through jest (its globalSetup bundles workflows/index.ts)');
  }
  return { code: fs.readFileSync(file, 'utf8') };
}
