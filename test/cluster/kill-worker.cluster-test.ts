/**
 * A worker killed mid-load loses nothing and doubles nothing. Huiying runs as `npm start -- --cluster` runs it — two
 * worker processes on one task queue (each supervised), two API processes behind one port — against the run's real
 * cluster, in a namespace and a database of its own. A load of clean cases goes through the HTTP API (each request
 * with its Idempotency-Key, sent again after a 503 or a broken connection, as a client should), and a third of the way
 * in one worker's whole process group gets SIGKILL. Then: every case reached its end, once; the ledger numbers are
 * 1…N with no gap and no repeat; every notification was delivered exactly once; both workers had shared the work.
 * Timings are bench:kill-worker's to print, not this test's to assert.
 */
import { Client, Connection } from '@temporalio/client';
import { CLEAN_END_STAGE, driveCleanCases, type LoadResult } from '../support/case-load';
import { startClusterHuiying, type ClusterHuiying } from '../support/cluster-huiying';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { outboxSummary, type OutboxRecord } from '../support/outbox';
import { waitFor } from '../support/polling';
import { newClusterNamespace, testClusterAddress } from '../support/test-temporal';
import { handoverOf } from '../support/worker-handover';

const CASES = 120;
const CONCURRENCY = 12;
/** The share of all steps answered when the worker is killed. */
const KILL_AT = 1 / 3;

let database: TestDatabase;
let app: ClusterHuiying;
let connection: Connection;
let client: Client;

beforeAll(async () => {
  const address = testClusterAddress();
  if (!address) throw new Error('run with npm run test:cluster: this test needs the run’s Temporal cluster');
  const namespace = await newClusterNamespace(address);
  database = await createTestDatabase();
  app = await startClusterHuiying({ existing: { temporalAddress: address, namespace, databaseUrl: database.url } });
  connection = await Connection.connect({ address });
  client = new Client({ connection, namespace });
}, 300_000);

afterAll(async () => {
  await app?.stop();
  await connection?.close();
  await database?.drop();
}, 120_000);

test('one of two workers killed mid-load: every case ends once, no ledger gap, every notification once', async () => {
  const [pid1, pid2] = [await app.workerPid('worker-1'), await app.workerPid('worker-2')];
  let killing: Promise<{ pid: number; at: number }> | undefined;
  const load: LoadResult = await driveCleanCases({
    baseUrl: app.baseUrl,
    secret: app.secret,
    cases: CASES,
    concurrency: CONCURRENCY,
    onStep: (done, total) => {
      if (!killing && done >= total * KILL_AT) killing = app.killWorker('worker-1');
    },
  });
  const killed = await killing!;
  expect(killed.pid).toBe(pid1);

  // Every case reached its end, as the API answered and as it reads now.
  expect(load.cases).toHaveLength(CASES);
  expect(load.cases.filter((c) => c.stage !== CLEAN_END_STAGE)).toEqual([]);
  const { rows } = await database.db.query<{ id: string; ledger_no: string; stage: string }>(
    'SELECT id, ledger_no, stage FROM case_summaries',
  );
  expect(rows).toHaveLength(CASES); // no case twice
  expect(new Set(rows.map((r) => r.id))).toEqual(new Set(load.cases.map((c) => c.id)));
  await waitFor(
    'the read model to show every case closed',
    async () =>
      (await database.db.query<{ n: string }>(`SELECT count(*) AS n FROM case_summaries WHERE stage = $1`, [CLEAN_END_STAGE])).rows[0].n,
    (n) => Number(n) === CASES,
    { timeoutMs: 60_000, intervalMs: 500 },
  );

  // Ledger numbers: one per case, 1…N of this year, no gap, no repeat.
  const numbers = load.cases.map((c) => c.ledgerNo);
  expect(new Set(numbers).size).toBe(CASES);
  const sequence = numbers.map((n) => Number(/-(\d+)$/.exec(n)![1])).sort((a, b) => a - b);
  expect(sequence).toEqual(Array.from({ length: CASES }, (_, i) => i + 1));
  // Every number handed out belongs to an intake, every intake to one of the load's cases, every one started.
  const intakes = await database.db.query<{ case_id: string; ledger_no: string; started: boolean }>(
    'SELECT case_id, ledger_no, started_at IS NOT NULL AS started FROM intakes',
  );
  expect(intakes.rows.map((r) => r.ledger_no).sort()).toEqual([...numbers].sort());
  expect(intakes.rows.every((r) => r.started)).toBe(true);

  // Temporal holds each case's workflow once: no second workflow for a retried registration.
  await waitFor(
    'visibility to count every case once',
    async () => (await client.workflow.count(`WorkflowType = 'caseWorkflowV2'`)).count,
    (n) => n === CASES,
    { timeoutMs: 60_000, intervalMs: 500 },
  );

  // Notifications: delivered after the answers (a local activity), so they settle a little later. Every case ends with
  // the same set (a clean path's: receipt, assigned, three review requests, the answer), nothing missing, nothing twice.
  const outboxes = await waitFor(
    'every case to have the same notifications',
    async () => {
      const { records, unreadable } = await app.outbox.readAll();
      expect(unreadable).toEqual([]);
      const byCase = new Map<string, OutboxRecord[]>(load.cases.map((c) => [c.id, []]));
      for (const r of records) byCase.get(r.caseId)?.push(r);
      // How many cases have each set (each case's citizen is another caller: compared as `citizen`).
      const kinds = new Map<string, number>();
      for (const rs of byCase.values()) {
        const summary = JSON.stringify(outboxSummary(rs).map((line) => line.replace(/→citizen:.*/, '→citizen')));
        kinds.set(summary, (kinds.get(summary) ?? 0) + 1);
      }
      return { kinds: [...kinds].map(([summary, cases]) => ({ cases, summary })), records };
    },
    ({ kinds }) => kinds.length === 1 && kinds[0].summary !== '[]',
    { timeoutMs: 120_000, intervalMs: 1_000 },
  );
  const perCase: string[] = JSON.parse(outboxes.kinds[0].summary);
  expect(perCase).toEqual(expect.arrayContaining(['receipt→citizen', 'assigned→unit:housing-construction', 'answer→citizen']));
  const ids = outboxes.records.map((r) => r.id);
  expect(new Set(ids).size).toBe(ids.length);
  expect(ids).toHaveLength(CASES * perCase.length);

  // Both workers had taken cases before the kill; after it, the survivor (and the restarted worker-1) carried on, and
  // the dead one completed nothing (a task may still have been handed to it, and timed out).
  const handover = await handoverOf(
    client,
    load.cases.map((c) => c.id),
    killed.at,
  );
  const identityOf = (pid: number) => [...handover.before.keys()].find((id) => id.startsWith(`${pid}@`));
  expect(identityOf(pid1)).toBeDefined();
  expect(identityOf(pid2)).toBeDefined();
  expect([...handover.completedAfter.keys()].filter((id) => id.startsWith(`${pid1}@`))).toEqual([]);
  expect(handover.completedAfter.get(identityOf(pid2)!) ?? 0).toBeGreaterThan(0);
  // npm start restarted the killed worker.
  expect(app.output()).toMatch(/\[start\] worker-1 exited \(signal SIGKILL\)/);
}, 900_000);
