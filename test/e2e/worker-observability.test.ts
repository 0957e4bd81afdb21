/**
 * The worker process as `npm start` runs it (worker/index.ts under tsx), against a real dev server and a real
 * PostgreSQL: its own listener serves the Temporal SDK's metrics (`temporal_*`: workflow task latencies,
 * schedule-to-start, sticky cache) with the process's, and /health/live and /health/ready; everything it writes on
 * stdout, at debug level while it runs a case, is one JSON line within 8 KiB with no citizen's name, phone or ID number.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { caseIdFor } from '../../api/ids';
import { LOG_LINE_MAX_BYTES } from '../../config/log-line';
import { generatePayloadKey, parsePayloadKeys } from '../../config/keys';
import { dataConverter } from '../../temporal/data-converter';
import { EncryptionCodec } from '../../temporal/payload-codec';
import { getCaseQuery } from '../../temporal/definitions';
import { spawnGuarded, stopGuarded, type GuardedChild } from '../../scripts/guarded-spawn';
import { getFreePort } from '../../scripts/ports';
import { CITIZEN, CITIZEN_PHONE, newCase, startCaseWith } from '../support/cases';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startTestDevServer, type TestDevServer } from '../support/dev-server';
import { waitFor } from '../support/polling';

const ROOT = path.resolve(__dirname, '..', '..');
const ID_NUMBER = '510722199001011234';
const KEYS = `e2e-1:${generatePayloadKey()}`;

let server: TestDevServer;
let database: TestDatabase;
let tmp: string;
let worker: GuardedChild;
let base: string;
const stdout: string[] = [];
const stderr: string[] = [];

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'huiying-worker-obs-'));
  server = await startTestDevServer();
  database = await createTestDatabase();
  const port = await getFreePort();
  base = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DATABASE_URL: database.url,
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_NAMESPACE: server.namespace,
    HUIYING_TASK_QUEUE: taskQueue,
    HUIYING_DATA_DIR: tmp,
    HUIYING_PAYLOAD_KEYS: KEYS,
    HUIYING_WORKER_METRICS_PORT: String(port),
    HUIYING_LOG_LEVEL: 'debug',
  };
  worker = spawnGuarded(process.execPath, ['--import', pathToFileURL(require.resolve('tsx')).href, 'worker/index.ts'], { cwd: ROOT, env });
  worker.stdout.setEncoding('utf8').on('data', (chunk: string) => stdout.push(chunk));
  worker.stderr.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
  // Live at once; ready once it has bundled its workflows and polls.
  await waitFor(
    'the worker to answer /health/live',
    () => fetch(`${base}/health/live`),
    (r) => r.status === 200,
    { timeoutMs: 60_000 },
  );
  await waitFor(
    'the worker to be ready',
    () => fetch(`${base}/health/ready`),
    (r) => r.status === 200,
    { timeoutMs: 120_000, intervalMs: 500 },
  );
}, 240_000);

afterAll(async () => {
  if (worker) await stopGuarded(worker, 10_000);
  await database?.drop();
  await server?.stop();
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

const taskQueue = `huiying-obs-${randomUUID()}`;

async function metrics(): Promise<string> {
  const res = await fetch(`${base}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  return res.text();
}

const count = (text: string, name: string) =>
  text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);

test('/health/ready says what it checked; /health/live answers', async () => {
  const ready = await fetch(`${base}/health/ready`);
  expect([ready.status, await ready.json()]).toEqual([200, { ok: true, worker: 'ok', temporal: 'ok', database: 'ok' }]);
  expect(await (await fetch(`${base}/health/live`)).json()).toEqual({ ok: true });
  expect((await fetch(`${base}/nothing`)).status).toBe(404);
});

test("the SDK's metrics of a real case (workflow tasks, schedule-to-start, sticky cache) beside the process's", async () => {
  const connection = await Connection.connect({ address: server.address });
  try {
    const client = new Client({
      connection,
      namespace: server.namespace,
      dataConverter: dataConverter(new EncryptionCodec(parsePayloadKeys(KEYS))),
    });
    const request = newCase({ content: `来电人身份证 ${ID_NUMBER}，电话 ${CITIZEN_PHONE}，${CITIZEN.name}反映楼道灯不亮` });
    const { handle } = await startCaseWith(client, taskQueue, {
      id: caseIdFor('worker-observability'),
      ledgerNo: 'LZ-2026-900001',
      request,
      registeredAt: new Date(),
    });
    // A query after the first task: the workflow is in the worker's sticky cache.
    await waitFor(
      'the case to answer a query',
      () => handle.query(getCaseQuery),
      (state) => state.stage === 'registered',
      { timeoutMs: 30_000 },
    );
    const text = await waitFor(
      'workflow task metrics',
      metrics,
      (t) =>
        count(t, 'temporal_workflow_task_execution_latency_count') >= 1 &&
        count(t, 'temporal_workflow_task_schedule_to_start_latency_count') >= 1,
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    for (const name of ['temporal_sticky_cache_size', 'temporal_num_pollers', 'temporal_worker_task_slots_available', 'temporal_request'])
      expect({ name, present: text.includes(`\n${name}{`) || text.includes(`\n${name} `) }).toEqual({ name, present: true });
    expect(count(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(text).toMatch(/\n# TYPE nodejs_heap_size_used_bytes gauge\n/);
    // The read model got the case's row from the worker's local activity.
    await waitFor(
      'the case in the read model',
      () => database.db.query('SELECT count(*)::int AS n FROM case_summaries'),
      (r) => r.rows[0].n === 1,
    );
  } finally {
    await connection.close();
  }
});

test('everything the worker wrote: one JSON line within 8 KiB each, no citizen; SDK entries among them', async () => {
  await stopGuarded(worker, 10_000);
  const lines = stdout.join('').split('\n').filter(Boolean);
  expect(lines.length).toBeGreaterThan(5);
  for (const line of lines) {
    expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(LOG_LINE_MAX_BYTES);
    expect(JSON.parse(line)).toMatchObject({ level: expect.any(String), time: expect.any(String), svc: 'worker', msg: expect.any(String) });
  }
  const all = [...stdout, ...stderr].join('');
  for (const leak of [CITIZEN.name, CITIZEN_PHONE, ID_NUMBER, KEYS.split(':')[1]!]) expect(all).not.toContain(leak);
  const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  // The SDK's own entries (worker state, activities) and a debug entry or two came through the same logger.
  expect(entries.some((e) => e.sdkComponent === 'worker' && e.state === 'RUNNING')).toBe(true);
  expect(entries.some((e) => e.sdkComponent === 'activity' && e.activityType === 'publish')).toBe(true);
  expect(entries.some((e) => e.level === 'debug')).toBe(true);
  expect(entries.filter((e) => e.taskToken !== undefined).every((e) => /^\[omitted: /.test(String(e.taskToken)))).toBe(true);
});
