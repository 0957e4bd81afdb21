/**
 * Each process of a cluster start its own metrics port, so that a scraper reaches every one (two API processes cannot
 * share a listener the way they share the API's port): from the configured HUIYING_METRICS_PORT as base, API process i
 * (from 0) listens on base + 2·i and worker i on base + 2·i + 1 — with the defaults 9464, 9465, 9466, 9467 for two of
 * each, the single-process layout (API 9464, worker 9465) continued.
 */
export interface MetricsPorts {
  api: (number | undefined)[];
  worker: (number | undefined)[];
}

/** `base` undefined: metrics off, for all of them; `workersOff`: the worker's metrics are off (HUIYING_WORKER_METRICS_PORT=off). */
export function clusterMetricsPorts(o: { base: number | undefined; apis: number; workers: number; workersOff?: boolean }): MetricsPorts {
  const at = (offset: number) => (o.base === undefined ? undefined : o.base + offset);
  const ports = {
    api: Array.from({ length: o.apis }, (_, i) => at(2 * i)),
    worker: Array.from({ length: o.workers }, (_, i) => (o.workersOff ? undefined : at(2 * i + 1))),
  };
  const highest = Math.max(...[...ports.api, ...ports.worker].filter((p): p is number => p !== undefined));
  if (highest > 65535) throw new Error(`HUIYING_METRICS_PORT ${o.base} leaves no room for ${o.apis + o.workers} metrics ports`);
  return ports;
}

/** The environment of API process `i` under the primary (scripts/cluster/api-primary.ts): its own metrics port if any. */
export function withMetricsPort(
  env: NodeJS.ProcessEnv,
  variable: 'HUIYING_METRICS_PORT' | 'HUIYING_WORKER_METRICS_PORT',
  port: number | undefined,
): NodeJS.ProcessEnv {
  return port === undefined ? env : { ...env, [variable]: String(port) };
}
