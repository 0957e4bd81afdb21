/**
 * The Temporal server an end-to-end harness talks to: its own dev server (the default, test/support/dev-server.ts),
 * or — under `npm run test:cluster` (jest.cluster.config.js) — a namespace of its own on the real cluster that jest's
 * global setup started once for the run (test/support/cluster-global-setup.ts). A namespace per harness keeps test
 * files apart as a dev server per file does: their own cases, visibility, schedules and search attributes.
 */
import { randomUUID } from 'node:crypto';
import { prepareNamespace } from '../../scripts/cluster/start-cluster';
import { SEARCH_ATTRIBUTE_TYPES } from '../../temporal/search-attributes';
import { startTestDevServer, type TestDevServer } from './dev-server';

/** Set by the cluster run's global setup: the frontend address of the run's cluster. */
export const CLUSTER_ADDRESS_ENV = 'HUIYING_TEST_CLUSTER_ADDRESS';

export interface ClusterNamespace {
  kind: 'cluster';
  address: string;
  namespace: string;
  /** Nothing to stop: the namespace goes with the run's cluster (its databases are dropped at the end). */
  stop(): Promise<void>;
}

export type TestTemporal = (TestDevServer & { kind: 'dev-server' }) | ClusterNamespace;

/** The run's cluster when there is one (npm run test:cluster). */
export const testClusterAddress = (): string | undefined => process.env[CLUSTER_ADDRESS_ENV] || undefined;

export async function startTestTemporal(): Promise<TestTemporal> {
  const address = testClusterAddress();
  if (!address) return { kind: 'dev-server', ...(await startTestDevServer()) };
  return { kind: 'cluster', address, namespace: await newClusterNamespace(address), stop: async () => undefined };
}

/** A fresh namespace on the run's cluster with Huiying's search attributes, registered as `npm start -- --cluster` does. */
export async function newClusterNamespace(address: string): Promise<string> {
  const namespace = `huiying-test-${randomUUID()}`;
  await prepareNamespace({ address, namespace, searchAttributes: SEARCH_ATTRIBUTE_TYPES, retention: '1 day' });
  return namespace;
}

/** For the tests that read the dev server's own files: they have no meaning on a cluster. */
export function devServerOf(server: TestTemporal): TestDevServer {
  if (server.kind !== 'dev-server')
    throw new Error('this test reads the dev server itself (its SQLite file): it does not run on a cluster');
  return server;
}
