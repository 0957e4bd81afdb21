/**
 * A real Temporal cluster on a PostgreSQL server Huiying already runs, from nothing or from where it was left: the
 * pinned server and SQL tool (built once per machine, scripts/cluster/server-binaries.ts), Temporal's two databases
 * and their schemas, the server with its configuration and dynamic configuration, and Huiying's namespace with its
 * search attributes. Every step is idempotent, so a second start reuses what the first made.
 */
import { Connection } from '@temporalio/client';
import type { SearchAttributeTypeName } from '../dev-server';
import { ensureTemporalDatabases, sqlServerOf, DEFAULT_TEMPORAL_DATABASES, type TemporalDatabases } from './databases';
import { ensureNamespace, type NamespaceReport } from './namespace';
import { ensureTemporalServer } from './server-binaries';
import { HISTORY_SHARDS, type ClusterPorts, type DynamicConfigOptions } from './server-config';
import { startTemporalServer, type TemporalServer } from './temporal-server';

export interface TemporalCluster extends TemporalServer {
  version: string;
  /** Where its configuration and dynamic configuration are written. */
  root: string;
}

export async function startTemporalCluster(o: {
  /** The PostgreSQL server's URL, as a user that may create databases. */
  postgresUrl: string;
  ports: ClusterPorts;
  /** Its folder (configuration files) and its log. */
  root: string;
  logFile: string;
  databases?: TemporalDatabases;
  dynamicConfig?: DynamicConfigOptions;
  log: (line: string) => void;
}): Promise<TemporalCluster> {
  const binaries = await ensureTemporalServer(o.log);
  const databases = o.databases ?? DEFAULT_TEMPORAL_DATABASES;
  await ensureTemporalDatabases({ sqlTool: binaries.sql, schemas: binaries.schemas, adminUrl: o.postgresUrl, databases, log: o.log });
  o.log(`starting the Temporal server ${binaries.version} (log ${o.logFile}) ...`);
  const server = await startTemporalServer({
    binary: binaries.server,
    root: o.root,
    logFile: o.logFile,
    config: { ports: o.ports, sql: sqlServerOf(o.postgresUrl), databases, historyShards: HISTORY_SHARDS },
    dynamicConfig: o.dynamicConfig,
  });
  return { ...server, version: binaries.version, root: o.root };
}

/** Creates the namespace and registers the search attributes where missing; says what it did. */
export async function prepareNamespace(o: {
  address: string;
  namespace: string;
  searchAttributes: Record<string, SearchAttributeTypeName>;
  retention?: string;
}): Promise<NamespaceReport> {
  const connection = await Connection.connect({ address: o.address });
  try {
    return await ensureNamespace(connection, o);
  } finally {
    await connection.close();
  }
}
