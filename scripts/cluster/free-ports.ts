import { createServer } from 'node:net';
import { CLUSTER_PORT_COUNT, MAX_MEMBERSHIP_PORT, type ClusterPorts } from './server-config';

/**
 * Nine free ports for a cluster of its own (tests, benches), each tried on 127.0.0.1. Not from the OS's ephemeral
 * range (32768 and up here): the server keeps membership ports in a smallint column, and ports the OS hands out to
 * outgoing connections could be taken between the probe and the server's bind.
 */
export async function freeClusterPorts(): Promise<ClusterPorts> {
  const ports = new Set<number>();
  for (let attempt = 0; ports.size < CLUSTER_PORT_COUNT; attempt++) {
    if (attempt > 1000) throw new Error('no free ports for a Temporal cluster between 10000 and 32767');
    const port = 10_000 + Math.floor(Math.random() * (MAX_MEMBERSHIP_PORT - 10_000));
    if (!ports.has(port) && (await isPortFree(port))) ports.add(port);
  }
  const [frontend, frontendHttp, history, matching, worker, frontendMembership, historyMembership, matchingMembership, workerMembership] = [
    ...ports,
  ];
  return { frontend, frontendHttp, history, matching, worker, frontendMembership, historyMembership, matchingMembership, workerMembership };
}

export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** The first of `count` consecutive free ports in the same range (a cluster start's metrics ports: base + 0…count-1). */
export async function freePortRun(count: number): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const base = 10_000 + Math.floor(Math.random() * (MAX_MEMBERSHIP_PORT - 10_000 - count));
    const free = await Promise.all(Array.from({ length: count }, (_, i) => isPortFree(base + i)));
    if (free.every(Boolean)) return base;
  }
  throw new Error(`no ${count} consecutive free ports between 10000 and ${MAX_MEMBERSHIP_PORT}`);
}
