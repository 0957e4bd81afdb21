import type { PayloadCodec } from '@temporalio/common';
import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import { dataConverter } from '../temporal/data-converter';

export interface HuiyingWorkerOptions extends ActivityDeps {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /** Tests pass a bundle built once; production bundles from source at start-up. */
  workflowBundle?: { code: string };
  /**
   * Encrypts every payload the worker writes to Temporal and decrypts what it reads (temporal/payload-codec.ts); the
   * API's client must use the same keys. `npm start` and the tests always pass one.
   */
  payloadCodec?: PayloadCodec;
  /** Workflows kept in memory (HUIYING_WORKER_CACHED_CASES); the SDK's default grows with the heap, ~2,300 at 4 GiB. */
  cachedCases?: number;
}

export const WORKFLOWS_PATH = require.resolve('../workflows');

/** The one place a Huiying worker is put together, for `npm start` and for tests alike. */
export function createWorker(opts: HuiyingWorkerOptions): Promise<Worker> {
  const options: WorkerOptions = {
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    activities: createActivities(opts),
    ...(opts.cachedCases !== undefined ? { maxCachedWorkflows: opts.cachedCases } : {}),
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    ...(opts.payloadCodec ? { dataConverter: dataConverter(opts.payloadCodec) } : {}),
  };
  return Worker.create(options);
}
