/**
 * The API process's Prometheus metrics, served on its own listener for a scraper (api/server.ts,
 * observability/listener.ts), never on the public port: requests by route pattern, method and status, their latency
 * by route, Node's process metrics, and the case gauges supervisors watch (case-gauges.ts).
 */
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { Db } from '../db/pool';
import type { Page } from '../observability/listener';
import { registerCaseGauges } from './case-gauges';

/** One answered request, as request-log.ts sees it. */
export interface Observed {
  method: string;
  route: string;
  status: number;
  seconds: number;
}

export interface ApiMetrics {
  registry: Registry;
  observe(o: Observed): void;
}

/** From a cached answer (a few ms) to an export of a year's ledger (tens of seconds). */
const LATENCY_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** `db`: the read model the case gauges are read from (none: no case gauges). */
export function createApiMetrics(opts: { db?: Db; caseGaugesCacheMs?: number } = {}): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  if (opts.db) registerCaseGauges(registry, opts.db, opts.caseGaugesCacheMs);
  const requests = new Counter({
    name: 'huiying_http_requests_total',
    help: 'HTTP requests answered by the API, by route pattern, method and status',
    labelNames: ['route', 'method', 'status'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'huiying_http_request_duration_seconds',
    help: 'Seconds from the arrival of a request to the end of its answer, by route pattern and method',
    labelNames: ['route', 'method'],
    buckets: LATENCY_BUCKETS_S,
    registers: [registry],
  });
  return {
    registry,
    observe({ method, route, status, seconds }) {
      requests.inc({ route, method, status: String(status) });
      latency.observe({ route, method }, seconds);
    },
  };
}

/** The metrics listener's page (observability/listener.ts): Prometheus text of everything above. */
export function metricsPage(metrics: ApiMetrics): () => Promise<Page> {
  return async () => ({ status: 200, contentType: metrics.registry.contentType, body: await metrics.registry.metrics() });
}
