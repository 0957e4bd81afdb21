import { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporalBinaries } from './binaries';

/**
 * A time-skipping test server from the pinned local binary (the SDK would otherwise download one).
 * Time is global to the environment: don't share one between tests that run concurrently.
 * Call `env.teardown()` when done.
 */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const { testServer } = await temporalBinaries();
  return TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: testServer } } });
}
