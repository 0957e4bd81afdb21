/**
 * What killing one of two workers costs, on a real cluster: its own PostgreSQL and Temporal server (the pinned build,
 * scripts/cluster/), and Huiying as `npm start -- --cluster` runs it (two workers, two API processes behind one port).
 * The same load of clean cases through the HTTP API twice, each in a fresh namespace and database: once undisturbed,
 * once with worker-1's process group killed (SIGKILL) a third of the way in. Prints, for both: cases finished, the
 * time to the last answer and until every notification was delivered, requests sent again (503s, broken connections),
 * the notifications and whether each was delivered once; for the kill: how many cases had a workflow task die with the
 * worker, how long they waited from the kill until another worker started it (first, median, last), and when the
 * killed worker polled again (npm start restarts it). Asserts nothing (test/cluster/kill-worker.cluster-test.ts does).
 *
 *   npm run bench:kill-worker        (BENCH_CASES=150, BENCH_CONCURRENCY=12)
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { freeClusterPorts } from '../scripts/cluster/free-ports';
import { startTemporalCluster, type TemporalCluster } from '../scripts/cluster/start-cluster';
import { driveCleanCases, type LoadResult } from '../test/support/case-load';
import { startClusterHuiying, type ClusterHuiying } from '../test/support/cluster-huiying';
import { createTestDatabase, DATABASE_ENV, startTestPostgres } from '../test/support/database';
import { newClusterNamespace } from '../test/support/test-temporal';
import { handoverOf, type Handover } from '../test/support/worker-handover';

const CASES = Number(process.env.BENCH_CASES ?? 150);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 12);
const KILL_AT = 1 / 3;
/** temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW */
const TASK_QUEUE_TYPE_WORKFLOW = 1;

interface RunFigures {
  load: LoadResult;
  settledAt: number;
  notifications: number;
  uniqueIds: number;
  kill?: { at: number; handover: Handover; backAt?: number };
}

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

async function main(): Promise<void> {
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'huiying-bench-kill-'));
  log('starting PostgreSQL and the Temporal cluster ...');
  const postgres = await startTestPostgres();
  process.env[DATABASE_ENV] = postgres.url; // createTestDatabase's server
  let cluster: TemporalCluster | undefined;
  try {
    cluster = await startTemporalCluster({
      postgresUrl: postgres.url,
      ports: await freeClusterPorts(),
      root: tmp,
      logFile: path.join(tmp, 'server.log'),
      dynamicConfig: { fastNamespaceChanges: true },
      log,
    });
    const undisturbed = await run(cluster.address, false);
    const killed = await run(cluster.address, true);
    report(undisturbed, killed);
  } finally {
    await cluster?.stop();
    await postgres.stop();
    await fs.rm(tmp, { recursive: true, force: true });
  }
}

async function run(address: string, kill: boolean): Promise<RunFigures> {
  const namespace = await newClusterNamespace(address);
  const database = await createTestDatabase();
  let app: ClusterHuiying | undefined;
  const connection = await Connection.connect({ address });
  try {
    log(`${kill ? 'with worker-1 killed' : 'undisturbed'}: starting npm start -- --cluster ...`);
    app = await startClusterHuiying({ existing: { temporalAddress: address, namespace, databaseUrl: database.url }, log });
    const client = new Client({ connection, namespace });
    const started = app;
    let killing: Promise<{ pid: number; at: number }> | undefined;
    let back: Promise<number | undefined> | undefined;
    log(`driving ${CASES} cases, ${CONCURRENCY} at a time ...`);
    const load = await driveCleanCases({
      baseUrl: app.baseUrl,
      secret: app.secret,
      cases: CASES,
      concurrency: CONCURRENCY,
      onStep: (done, total) => {
        if (kill && !killing && done >= total * KILL_AT) {
          killing = started.killWorker('worker-1');
          // Watched from the kill on: the pollers known then are the survivor and the dead one.
          back = killing.then((k) => {
            log(`killed worker-1 (pid ${k.pid}) after ${done} of ${total} steps`);
            return workerBack(client, namespace, k.pid, k.at);
          });
        }
      },
    });
    const killed = await killing;
    const backAt = await back;
    const perCase = await settle(app, load);
    const records = (await app.outbox.readAll()).records;
    const figures: RunFigures = {
      load,
      settledAt: Date.now(),
      notifications: records.length,
      uniqueIds: new Set(records.map((r) => r.id)).size,
    };
    log(`${records.length} notifications (${perCase} per case)`);
    if (killed)
      figures.kill = {
        at: killed.at,
        backAt,
        handover: await handoverOf(
          client,
          load.cases.map((c) => c.id),
          killed.at,
        ),
      };
    return figures;
  } finally {
    await app?.stop();
    await connection.close();
    await database.drop();
  }
}

/** Waits until every case has as many notifications as the first one and the count stops growing; returns it per case. */
async function settle(app: ClusterHuiying, load: LoadResult): Promise<number> {
  let last = -1;
  for (let stable = 0; stable < 3;) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const { records } = await app.outbox.readAll();
    stable = records.length === last ? stable + 1 : 0;
    last = records.length;
  }
  return last / load.cases.length;
}

/** When a worker other than the killed one and not seen before polls the task queue: the killed worker restarted. */
async function workerBack(client: Client, namespace: string, killedPid: number, killedAt: number): Promise<number | undefined> {
  const seen = new Set<string>();
  const first = await client.workflowService.describeTaskQueue({
    namespace,
    taskQueue: { name: 'huiying' },
    taskQueueType: TASK_QUEUE_TYPE_WORKFLOW,
  });
  for (const p of first.pollers ?? []) if (p.identity) seen.add(p.identity);
  const deadline = killedAt + 180_000;
  while (Date.now() < deadline) {
    const { pollers } = await client.workflowService.describeTaskQueue({
      namespace,
      taskQueue: { name: 'huiying' },
      taskQueueType: TASK_QUEUE_TYPE_WORKFLOW,
    });
    const fresh = (pollers ?? []).find((p) => p.identity && !seen.has(p.identity) && !p.identity.startsWith(`${killedPid}@`));
    if (fresh) return Date.now();
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return undefined;
}

function report(undisturbed: RunFigures, killed: RunFigures): void {
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const row = (name: string, f: RunFigures) => {
    const done = f.load.cases.filter((c) => c.stage === 'closed').length;
    const retries = [...f.load.retries].map(([why, n]) => `${n} × ${why}`).join(', ') || 'none';
    const lastAnswer = Math.max(...f.load.cases.map((c) => c.answeredAt[c.answeredAt.length - 1]));
    return `| ${name} | ${done} of ${f.load.cases.length} closed | ${s(lastAnswer - f.load.startedAt)} | ${s(f.settledAt - f.load.startedAt)} | ${f.notifications} (${f.uniqueIds} distinct ids) | ${retries} |`;
  };
  const lines = [
    '',
    `kill-one-worker: ${CASES} clean cases, ${CONCURRENCY} at a time, 2 workers and 2 API processes (npm start -- --cluster) on Temporal v1.29.1`,
    '',
    '| run | cases | to the last answer | until notifications settled | notifications | requests sent again |',
    '| --- | --- | --- | --- | --- | --- |',
    row('undisturbed', undisturbed),
    row('worker-1 killed at 1/3', killed),
  ];
  const k = killed.kill;
  if (k) {
    const waits = k.handover.stranded.map((x) => x.waitedMs).sort((a, b) => a - b);
    const q = (p: number) => (waits.length ? s(waits[Math.min(waits.length - 1, Math.floor(p * waits.length))]) : '—');
    // A started task whose event names no worker is shown as such.
    const tasks = (m: Map<string, number>) => [...m].map(([id, n]) => `${id.split('@')[0] || '(unnamed)'}: ${n}`).join(', ');
    lines.push(
      '',
      `workflow tasks before the kill, by worker pid: ${tasks(k.handover.before)}; after: ${tasks(k.handover.after)}`,
      `cases whose workflow task died with worker-1: ${waits.length}; waited from the kill until another worker started it: first ${q(0)}, median ${q(0.5)}, last ${q(1)}`,
      `worker-1 restarted by npm start and polling again: ${k.backAt ? s(k.backAt - k.at) : 'not within 180 s'} after the kill`,
    );
  }
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
