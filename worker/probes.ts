/**
 * The worker's own listener for machines (HUIYING_METRICS_HOST:HUIYING_WORKER_METRICS_PORT), one port for all of it,
 * as the API's metrics listener:
 * - `/metrics`: the Temporal SDK's metrics (`temporal_*`, from the runtime's exporter, worker/telemetry.ts) followed by
 *   the worker process's own (Node's `process_*`, `nodejs_*`: its memory is what a cache size is weighed against);
 * - `/health/live`: the process answers;
 * - `/health/ready`: its Temporal worker runs (polls), and Temporal and the read model's database answer → 200; else
 *   503 naming what is not (observability/readiness.ts).
 */
import type { Client } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { Db } from '../db/pool';
import { JSON_TYPE, startListener, type Listener, type Page } from '../observability/listener';
import { databaseProbe, readinessCheck, temporalProbe } from '../observability/readiness';

export interface WorkerProbes extends Listener {
  /** The Temporal worker, once created (bundling its workflows takes seconds; not ready until then). */
  setWorker(worker: Worker): void;
}

export async function startWorkerProbes(opts: {
  host: string;
  port: number;
  /** The runtime's exporter (worker/telemetry.ts). */
  sdkMetricsUrl: string;
  client: Client;
  db: Db;
}): Promise<WorkerProbes> {
  let worker: Worker | undefined;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const ready = readinessCheck({
    worker: async () => {
      const state = worker?.getState() ?? 'STARTING';
      return state === 'RUNNING' ? 'ok' : state.toLowerCase();
    },
    temporal: temporalProbe(opts.client),
    database: databaseProbe(opts.db),
  });
  const metrics = async (): Promise<Page> => {
    const sdk = await fetch(opts.sdkMetricsUrl, { signal: AbortSignal.timeout(5_000) });
    if (!sdk.ok) return { status: 503, contentType: 'text/plain', body: `the Temporal SDK's exporter answered ${sdk.status}\n` };
    const text = await sdk.text();
    return {
      status: 200,
      contentType: registry.contentType,
      body: `${text.endsWith('\n') || !text ? text : `${text}\n`}${await registry.metrics()}`,
    };
  };
  const listener = await startListener({
    host: opts.host,
    port: opts.port,
    variable: 'HUIYING_WORKER_METRICS_PORT',
    pages: {
      '/metrics': metrics,
      '/health/live': async () => ({ status: 200, contentType: JSON_TYPE, body: '{"ok":true}' }),
      '/health/ready': async () => {
        const readiness = await ready();
        return { status: readiness.ok ? 200 : 503, contentType: JSON_TYPE, body: JSON.stringify(readiness) };
      },
    },
  });
  return {
    ...listener,
    setWorker: (w) => {
      worker = w;
    },
  };
}
