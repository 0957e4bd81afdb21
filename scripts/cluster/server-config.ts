/**
 * The Temporal server's configuration file and its dynamic configuration, as text: everything a single-process
 * cluster on PostgreSQL needs, and the settings the dev server had given us for free. YAML written by hand: every
 * string is a JSON string, which YAML reads as is.
 */

/** Each service's gRPC and membership port; all on 127.0.0.1. */
export interface ClusterPorts {
  frontend: number;
  frontendHttp: number;
  history: number;
  matching: number;
  worker: number;
  frontendMembership: number;
  historyMembership: number;
  matchingMembership: number;
  workerMembership: number;
}

/** How many ports a cluster takes from its base port (TEMPORAL_PORT): the frontend's is the base itself. */
export const CLUSTER_PORT_COUNT = 9;

/** The server keeps membership ports in a smallint column: a higher one stops it at start ("out of range for type smallint"). */
export const MAX_MEMBERSHIP_PORT = 32767;

/** base: frontend gRPC (what clients dial); +1 history, +2 matching, +3 worker, +4…+7 their membership, +8 frontend HTTP. */
export function clusterPortsFrom(base: number): ClusterPorts {
  if (base + 7 > MAX_MEMBERSHIP_PORT) {
    throw new Error(
      `TEMPORAL_PORT ${base} is too high for a cluster: its membership ports (TEMPORAL_PORT+4…+7) must be at most ${MAX_MEMBERSHIP_PORT}`,
    );
  }
  if (base + CLUSTER_PORT_COUNT - 1 > 65535)
    throw new Error(`TEMPORAL_PORT ${base} leaves no room for the cluster's ${CLUSTER_PORT_COUNT} ports`);
  return {
    frontend: base,
    history: base + 1,
    matching: base + 2,
    worker: base + 3,
    frontendMembership: base + 4,
    historyMembership: base + 5,
    matchingMembership: base + 6,
    workerMembership: base + 7,
    frontendHttp: base + 8,
  };
}

export const allPorts = (p: ClusterPorts): number[] => Object.values(p);

export interface SqlServer {
  host: string;
  port: number;
  user: string;
  password: string;
}

export interface ServerConfigOptions {
  ports: ClusterPorts;
  sql: SqlServer;
  databases: { temporal: string; visibility: string };
  /** Fixed when the cluster is first created: a later change is refused by the server. */
  historyShards: number;
  dynamicConfigFile: string;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
}

/** History shards of the clusters Huiying creates: a few, for a machine or two (README "Running on a Temporal cluster"). */
export const HISTORY_SHARDS = 4;

export function serverConfigYaml(o: ServerConfigOptions): string {
  const q = (s: string) => JSON.stringify(s);
  const store = (database: string, maxConns: number) => [
    '      sql:',
    '        pluginName: "postgres12"',
    `        databaseName: ${q(database)}`,
    `        connectAddr: ${q(`${o.sql.host}:${o.sql.port}`)}`,
    '        connectProtocol: "tcp"',
    `        user: ${q(o.sql.user)}`,
    `        password: ${q(o.sql.password)}`,
    `        maxConns: ${maxConns}`,
    `        maxIdleConns: ${maxConns}`,
    '        maxConnLifetime: "1h"',
  ];
  const service = (name: string, grpc: number, membership: number, http?: number) => [
    `  ${name}:`,
    '    rpc:',
    `      grpcPort: ${grpc}`,
    `      membershipPort: ${membership}`,
    '      bindOnLocalHost: true',
    ...(http !== undefined ? [`      httpPort: ${http}`] : []),
  ];
  const p = o.ports;
  return [
    '# Written by Huiying (scripts/cluster/server-config.ts) at each start: edits here are overwritten.',
    'log:',
    '  stdout: true',
    `  level: ${q(o.logLevel ?? 'warn')}`,
    'persistence:',
    '  defaultStore: "default"',
    '  visibilityStore: "visibility"',
    `  numHistoryShards: ${o.historyShards}`,
    '  datastores:',
    '    default:',
    ...store(o.databases.temporal, 20),
    '    visibility:',
    ...store(o.databases.visibility, 10),
    'global:',
    '  membership:',
    '    maxJoinDuration: "30s"',
    '    broadcastAddress: "127.0.0.1"',
    'services:',
    ...service('frontend', p.frontend, p.frontendMembership, p.frontendHttp),
    ...service('history', p.history, p.historyMembership),
    ...service('matching', p.matching, p.matchingMembership),
    ...service('worker', p.worker, p.workerMembership),
    'clusterMetadata:',
    '  enableGlobalNamespace: false',
    '  failoverVersionIncrement: 10',
    '  masterClusterName: "active"',
    '  currentClusterName: "active"',
    '  clusterInformation:',
    '    active:',
    '      enabled: true',
    '      initialFailoverVersion: 1',
    '      rpcName: "frontend"',
    `      rpcAddress: ${q(`127.0.0.1:${p.frontend}`)}`,
    'dcRedirectionPolicy:',
    '  policy: "noop"',
    'dynamicConfigClient:',
    `  filepath: ${q(o.dynamicConfigFile)}`,
    '  pollInterval: "10s"',
    '',
  ].join('\n');
}

export interface DynamicConfigOptions {
  /**
   * For test clusters that create a namespace per test file: the namespace cache refreshed every 500 ms instead of
   * 2 s, and search attributes read from the database on each use instead of a cache of up to 60 s, as the dev server
   * does. Not for production: both cost database reads.
   */
  fastNamespaceChanges?: boolean;
}

/** The settings Huiying needs from a real cluster (README "Running on a Temporal cluster": the operator sets the same). */
export function dynamicConfigSettings(o: DynamicConfigOptions = {}): Record<string, unknown> {
  return {
    // The default 10 a second per frontend throttled the ledger export's paged listing (5.5 s instead of 0.1 s).
    'frontend.namespaceRPS.visibility': 1000,
    // Search attributes are registered one per call, each an UpdateNamespace (default 10 a second per namespace).
    'frontend.globalNamespaceRPS.namespaceReplicationInducingAPIs': 100,
    ...(o.fastNamespaceChanges
      ? { 'system.namespaceCacheRefreshInterval': '500ms', 'system.forceSearchAttributesCacheRefreshOnRead': true }
      : {}),
  };
}

export function dynamicConfigYaml(o: DynamicConfigOptions = {}): string {
  const lines = ['# Written by Huiying (scripts/cluster/server-config.ts) at each start: edits here are overwritten.'];
  for (const [key, value] of Object.entries(dynamicConfigSettings(o))) lines.push(`${key}:`, `  - value: ${JSON.stringify(value)}`);
  return lines.join('\n') + '\n';
}
