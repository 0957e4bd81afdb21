import { stopTestCluster } from './cluster-global-setup';
import globalTeardown from './global-teardown';

/** The cluster first (it needs the run's PostgreSQL to stop cleanly), then what every run stops. */
export default async function clusterGlobalTeardown(): Promise<void> {
  try {
    await stopTestCluster();
  } finally {
    await globalTeardown();
  }
}
