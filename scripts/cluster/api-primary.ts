/**
 * Several API processes behind one port, with node:cluster: this primary forks N processes that each run the API
 * entry (api/server.ts, unchanged); their `listen(PORT)` is served by one socket this primary holds, which hands each
 * new connection to the next process in turn (round-robin, the default outside Windows). A process that dies is
 * forked again after a pause while the others keep answering; SIGTERM or SIGINT stops them all and then this one.
 *
 *   node --import tsx scripts/cluster/api-primary.ts --processes 2 [--entry api/server.ts] [--metrics-ports 9464,9466]
 *
 * With --metrics-ports, process i gets the i-th as HUIYING_METRICS_PORT, so that each serves its own metrics
 * (scripts/cluster/process-ports.ts); without, they inherit the environment's (off, when metrics are off).
 * `npm start -- --cluster` runs it.
 */
import cluster, { type Worker } from 'node:cluster';
import path from 'node:path';
import { withMetricsPort } from './process-ports';

const RESTART_FIRST_MS = 1_000;
const RESTART_MAX_MS = 30_000;
const STABLE_MS = 60_000;
const STOP_GRACE_MS = 10_000;

function main(): void {
  const count = Number(argument('--processes') ?? 2);
  if (!Number.isInteger(count) || count < 1 || count > 64) throw new Error(`--processes: expected 1 to 64, got ${argument('--processes')}`);
  const entry = path.resolve(argument('--entry') ?? path.join(__dirname, '..', '..', 'api', 'server.ts'));
  const metricsPorts = (argument('--metrics-ports') ?? '').split(',').filter(Boolean).map(Number);
  if (metricsPorts.length > 0 && (metricsPorts.length !== count || !metricsPorts.every((p) => Number.isInteger(p) && p > 0 && p < 65536))) {
    throw new Error(`--metrics-ports: expected ${count} ports, got ${argument('--metrics-ports')}`);
  }
  // The forks inherit this process's Node flags (the tsx loader among them).
  cluster.setupPrimary({ exec: entry, args: [] });

  let stopping = false;
  const slots = Array.from({ length: count }, (_, i) => ({ i, delay: RESTART_FIRST_MS, worker: undefined as Worker | undefined }));
  const fork = (slot: (typeof slots)[number]): void => {
    if (stopping) return;
    const startedAt = Date.now();
    const worker = cluster.fork(withMetricsPort(process.env, 'HUIYING_METRICS_PORT', metricsPorts[slot.i]));
    slot.worker = worker;
    log(`api ${slot.i + 1} of ${count} started (pid ${worker.process.pid})`);
    worker.once('exit', (code, signal) => {
      slot.worker = undefined;
      if (stopping) return;
      const ranMs = Date.now() - startedAt;
      if (ranMs >= STABLE_MS) slot.delay = RESTART_FIRST_MS;
      log(
        `api ${slot.i + 1} exited (${code !== null ? `exit code ${code}` : `signal ${signal}`}) after ${(ranMs / 1000).toFixed(1)} s; restart in ${slot.delay / 1000} s`,
      );
      setTimeout(() => fork(slot), slot.delay);
      slot.delay = Math.min(slot.delay * 2, RESTART_MAX_MS);
    });
  };
  slots.forEach(fork);

  const stop = (sig: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    const running = slots.map((s) => s.worker).filter((w): w is Worker => w !== undefined && !w.isDead());
    log(`${sig}: stopping ${running.length} API process(es) ...`);
    // Each closes its server and its connections (api/server.ts); a stuck one is killed.
    const killer = setTimeout(() => running.forEach((w) => w.process.kill('SIGKILL')), STOP_GRACE_MS);
    killer.unref();
    void Promise.all(running.map((w) => new Promise<void>((resolve) => (w.isDead() ? resolve() : w.once('exit', () => resolve()))))).then(
      () => {
        clearTimeout(killer);
        process.exit(0);
      },
    );
    running.forEach((w) => w.process.kill('SIGTERM'));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

function argument(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function log(message: string): void {
  process.stdout.write(`[api-primary] ${message}\n`);
}

try {
  main();
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
