/**
 * `npm start -- --cluster`: what scripts/start.ts does differently on a real Temporal cluster. The server (unless
 * TEMPORAL_ADDRESS names one) runs on the PostgreSQL server the read model uses, in databases of its own; the
 * namespace and search attributes are made where missing, on our server or the named one; and Huiying runs as two
 * workers on one task queue and two API processes behind one port (scripts/cluster/api-primary.ts).
 */
import path from 'node:path';
import type { Config } from '../../config';
import { SEARCH_ATTRIBUTE_TYPES } from '../../temporal/search-attributes';
import { DEFAULT_TEMPORAL_DATABASES } from './databases';
import { clusterMetricsPorts, type MetricsPorts } from './process-ports';
import { clusterPortsFrom, CLUSTER_PORT_COUNT, HISTORY_SHARDS } from './server-config';
import { prepareNamespace, startTemporalCluster, type TemporalCluster } from './start-cluster';

export const CLUSTER_WORKERS = 2;
export const CLUSTER_API_PROCESSES = 2;
export const API_PRIMARY_ENTRY = path.join(__dirname, 'api-primary.ts');

export interface StartArgs {
  cluster: boolean;
}

/** The arguments after `npm start --`: only `--cluster` is known. */
export function parseStartArgs(argv: readonly string[]): StartArgs {
  const unknown = argv.filter((a) => a !== '--cluster');
  if (unknown.length > 0)
    throw new Error(`unknown argument ${unknown.join(' ')} (npm start takes only --cluster: README "Running on a Temporal cluster")`);
  return { cluster: argv.includes('--cluster') };
}

export interface ClusterTemporal {
  address: string;
  /** The server this start runs, if it runs one (not with TEMPORAL_ADDRESS). */
  server?: TemporalCluster;
  metricsPorts: MetricsPorts;
}

/** Starts the server (unless TEMPORAL_ADDRESS names one), then makes sure of the namespace and its search attributes. */
export async function bringUpClusterTemporal(o: {
  config: Config;
  databaseUrl: string;
  log: (line: string) => void;
}): Promise<ClusterTemporal> {
  const { config, log } = o;
  const metricsPorts = clusterMetricsPorts({
    base: config.metrics.apiPort,
    apis: CLUSTER_API_PROCESSES,
    workers: CLUSTER_WORKERS,
    workersOff: config.metrics.workerPort === undefined,
  });
  const own = config.start.devServer; // TEMPORAL_ADDRESS unset: this start runs the server, on TEMPORAL_PORT and up
  let server: TemporalCluster | undefined;
  let address = config.temporal.address;
  if (own) {
    server = await startTemporalCluster({
      postgresUrl: o.databaseUrl,
      ports: clusterPortsFrom(own.port),
      root: path.join(config.dataDir, 'temporal-cluster'),
      logFile: path.join(config.dataDir, 'temporal-cluster', 'server.log'),
      log,
    });
    address = server.address;
  }
  try {
    const { namespace } = config.temporal;
    const report = await prepareNamespace({ address, namespace, searchAttributes: SEARCH_ATTRIBUTE_TYPES });
    if (report.created) log(`created namespace ${namespace}`);
    if (report.registered.length > 0) log(`registered ${report.registered.length} search attributes in ${namespace}, one per call`);
  } catch (err) {
    await server?.stop();
    throw err;
  }
  return { address, server, metricsPorts };
}

export function clusterBannerLines(o: { temporal: ClusterTemporal; apiPort: number; dataDir: string }): string[] {
  const { server, metricsPorts } = o.temporal;
  const ports = (list: (number | undefined)[]) =>
    list.every((p) => p === undefined) ? 'metrics off' : `metrics on ${list.map((p) => p ?? 'off').join(', ')}`;
  const dbs = DEFAULT_TEMPORAL_DATABASES;
  return [
    server
      ? `  Cluster:      Temporal server ${server.version} on PostgreSQL (databases ${dbs.temporal}, ${dbs.visibility}; ${HISTORY_SHARDS} history shards), ports ${o.temporal.address.split(':').pop()}–${Number(o.temporal.address.split(':').pop()) + CLUSTER_PORT_COUNT - 1}, log ${path.relative(o.dataDir, server.logFile)}`
      : `  Cluster:      the one at TEMPORAL_ADDRESS (namespace and search attributes checked)`,
    `  Workers:      ${CLUSTER_WORKERS} processes on one task queue, each restarted if it dies (${ports(metricsPorts.worker)})`,
    `  API:          ${CLUSTER_API_PROCESSES} processes behind port ${o.apiPort} (node:cluster; ${ports(metricsPorts.api)})`,
  ];
}
