import fs from 'node:fs';
import path from 'node:path';

export const WORKFLOW_BUNDLE_FILE = path.resolve(__dirname, '..', '..', '.test-data', 'workflow-bundle.js');

/**
 * The workflow bundle that jest's globalSetup built once for the whole run; pass it to test workers as
 * `workflowBundle` so that each test does not spend seconds bundling.
 */
export function loadWorkflowBundle(): { code: string } {
  if (!fs.existsSync(WORKFLOW_BUNDLE_FILE)) {
    throw new Error(`${WORKFLOW_BUNDLE_FILE} is missing: run the tests through jest (its globalSetup bundles workflows/index.ts)`);
  }
  return { code: fs.readFileSync(WORKFLOW_BUNDLE_FILE, 'utf8') };
}
