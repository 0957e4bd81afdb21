/**
 * The Temporal SDK's runtime for the worker process, installed once before anything connects: its logger (every
 * entry — the SDK's, its core's, workflows' and activities' — one JSON line of the process's logger, runtime-logger.ts)
 * and its Prometheus exporter (workflow task and schedule-to-start latencies, sticky cache size and hits, polls,
 * activity results: `temporal_*`), bound to a free loopback port that only the worker's own listener reads
 * (worker/probes.ts serves it, with the process's metrics and the health pages, on HUIYING_WORKER_METRICS_PORT).
 */
import { Runtime, type LogLevel as SdkLevel } from '@temporalio/worker';
import type { Log } from '../observability/logger';
import { getFreePort } from '../scripts/ports';
import { runtimeLogger, SDK_LEVEL } from './runtime-logger';

/**
 * Installs the runtime; returns where its exporter answers (`http://127.0.0.1:<port>/metrics`), or undefined when
 * `sdkMetrics` is false (the worker's metrics port is off).
 */
export async function installRuntime(log: Log, opts: { sdkMetrics: boolean }): Promise<{ sdkMetricsUrl?: string }> {
  const port = opts.sdkMetrics ? await getFreePort() : undefined;
  const level = SDK_LEVEL[log.level as keyof typeof SDK_LEVEL] ?? 'INFO';
  Runtime.install({
    logger: runtimeLogger(log),
    telemetryOptions: {
      // The core's own entries come to the same logger (by default it prints them itself, in its own format).
      logging: { filter: { core: coreLevel(level), other: 'ERROR' }, forward: {} },
      ...(port === undefined ? {} : { metrics: { prometheus: { bindAddress: `127.0.0.1:${port}` } } }),
    },
  });
  return port === undefined ? {} : { sdkMetricsUrl: `http://127.0.0.1:${port}/metrics` };
}

/** The core says at INFO what the TypeScript side says again: its WARN and up, unless debugging. */
function coreLevel(level: SdkLevel): SdkLevel {
  return level === 'TRACE' || level === 'DEBUG' ? level : level === 'ERROR' ? 'ERROR' : 'WARN';
}
