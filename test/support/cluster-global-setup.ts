/**
 * jest globalSetup of `npm run test:cluster` (jest.cluster.config.js): what every run needs (test/support/global-setup.ts:
 * binaries, console, workflow bundle, the run's PostgreSQL), then one real Temporal cluster for the whole run — the
 * pinned server built or found in the machine's cache, its databases on the run's PostgreSQL, free ports, and the
 * dynamic configuration of test clusters (namespace changes seen within half a second: a namespace per test file).
 * The harnesses find it through HUIYING_TEST_CLUSTER_ADDRESS (test/support/test-temporal.ts).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { freeClusterPorts } from '../../scripts/cluster/free-ports';
import { startTemporalCluster, type TemporalCluster } from '../../scripts/cluster/start-cluster';
import { DATABASE_ENV } from './database';
import globalSetup from './global-setup';
import globalTeardown from './global-teardown';
import { CLUSTER_ADDRESS_ENV } from './test-temporal';

const TEST_DATA = path.resolve(__dirname, '..', '..', '.test-data');

export default async function clusterGlobalSetup(): Promise<void> {
  await globalSetup();
  const root = path.join(TEST_DATA, `cluster-${process.pid}-${Date.now()}`);
  let cluster: TemporalCluster;
  try {
    cluster = await startTemporalCluster({
      postgresUrl: process.env[DATABASE_ENV]!,
      ports: await freeClusterPorts(),
      root,
      logFile: path.join(root, 'server.log'),
      dynamicConfig: { fastNamespaceChanges: true },
      log: (line) => process.stderr.write(`[test cluster] ${line}\n`),
    });
  } catch (err) {
    // jest runs no global teardown after a failed setup: stop what the common setup started (its error has the log's tail).
    await globalTeardown().catch(() => undefined);
    await fs.rm(root, { recursive: true, force: true });
    throw err;
  }
  process.stderr.write(`[test cluster] Temporal ${cluster.version} at ${cluster.address} (log ${cluster.logFile})\n`);
  // Read back by the global teardown, which runs in this same process.
  (globalThis as { huiyingTestCluster?: TemporalCluster }).huiyingTestCluster = cluster;
  process.env[CLUSTER_ADDRESS_ENV] = cluster.address;
}

/** Stops the cluster (its databases go with the run's PostgreSQL), then what every run stops. */
export async function stopTestCluster(): Promise<void> {
  const cluster = (globalThis as { huiyingTestCluster?: TemporalCluster }).huiyingTestCluster;
  if (!cluster) return;
  await cluster.stop();
  await fs.rm(cluster.root, { recursive: true, force: true });
}
