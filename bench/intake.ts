/**
 * Intake throughput: POST /cases through the whole API (auth, validation, 并单 check, ledger number, start, read model)
 * against a bare `startCase` on the same Temporal server in the same run, at concurrency 1, 4, 16 and 64, and the
 * answers of 40 concurrent distinct intakes and of 100 concurrent intakes with one Idempotency-Key.
 * Prints figures; asserts nothing.
 *
 *   npm run bench:intake        (BENCH_SCALE=0.5 for a shorter run)
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode } from '@temporalio/worker';
import { caseInputOf } from '../domain/intake';
import { startCase } from '../temporal/start-case';
import { newCase } from '../test/support/cases';
import { people } from '../test/support/personas';
import { BUNDLE_ENV } from '../test/support/bundle';
import { startE2E, type E2E } from '../test/e2e/harness';
import { stopOwnTestPostgres } from '../test/support/database';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);

interface Run {
  label: string;
  concurrency: number;
  count: number;
  seconds: number;
  statuses: Map<number, number>;
  p50: number;
  p99: number;
}

async function runConcurrently(count: number, concurrency: number, one: (i: number) => Promise<number>): Promise<Omit<Run, 'label'>> {
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const t0 = performance.now();
        const status = await one(i).catch(() => 0);
        latencies.push(performance.now() - t0);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return { concurrency, count, seconds, statuses, p50: at(0.5), p99: at(0.99) };
}

/** The first answer seen of each status other than 201, to say what a refusal was (printed at the end). */
const refusals = new Map<number, string>();
function noteRefusal(status: number, body: unknown): number {
  if (status !== 201 && !refusals.has(status)) refusals.set(status, JSON.stringify(body).slice(0, 300));
  return status;
}

async function viaApi(h: { api: E2E['api'] }, count: number, concurrency: number): Promise<Omit<Run, 'label'>> {
  return runConcurrently(count, concurrency, async (i) => {
    const body = newCase({ title: `压测 ${i}`, citizen: { name: '压测', phone: `139${String(i).padStart(8, '0')}` } });
    const res = await h.api('POST', '/cases', { token: people.operator, body, headers: { 'idempotency-key': randomUUID() } });
    return noteRefusal(res.status, res.body);
  });
}

async function bare(h: E2E, count: number, concurrency: number): Promise<Omit<Run, 'label'>> {
  return runConcurrently(count, concurrency, async (i) => {
    const id = randomUUID().replace(/-/g, '').slice(0, 16);
    const input = caseInputOf({
      id,
      ledgerNo: `BENCH-${id}`,
      request: newCase({ title: `裸启动 ${i}` }),
      registeredBy: people.operator,
      registeredAt: new Date().toISOString(),
      limits: h.limits,
      calendar: h.calendar,
    });
    await startCase(h.client, h.taskQueue, input);
    return 201;
  });
}

/**
 * Waits until the worker has caught up: the bare starts and the API's answers do not wait for a case's first
 * workflow task, so a phase leaves a backlog that would otherwise slow the next one (and hold its queries).
 */
async function drained(h: E2E): Promise<void> {
  const started = Date.now();
  const deadline = started + 180_000;
  let quietPolls = 0;
  while (quietPolls < 2 && Date.now() < deadline) {
    const { stats } = await h.client.workflowService.describeTaskQueue({
      namespace: h.namespace,
      taskQueue: { name: h.taskQueue },
      taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
      reportStats: true,
    });
    quietPolls = Number(stats?.approximateBacklogCount ?? 0) === 0 ? quietPolls + 1 : 0;
    await new Promise((r) => setTimeout(r, 500));
  }
  const waited = (Date.now() - started) / 1000;
  if (waited > 2) process.stderr.write(`  (waited ${waited.toFixed(0)} s for the worker to catch up)\n`);
}

const fmt = (statuses: Map<number, number>) =>
  [...statuses]
    .sort(([a], [b]) => a - b)
    .map(([s, n]) => `${n}×${s === 0 ? 'no answer' : s}`)
    .join(' ');

async function main(): Promise<void> {
  process.stderr.write('bundling workflows ...\n');
  const { code } = await bundleWorkflowCode({
    workflowsPath: path.resolve(__dirname, '..', 'workflows', 'index.ts'),
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error: (m: string) => process.stderr.write(`${m}\n`), log() {} },
  });
  const bundleFile = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'huiying-bench-')), 'bundle.js');
  await fs.writeFile(bundleFile, code);
  process.env[BUNDLE_ENV] = bundleFile;
  const h = await startE2E({});
  try {
    // The intake rate limit (60 a minute per operator) would measure itself; the bench measures the engine.
    const app = await h.startApp({ rateLimits: { intakePerWindow: 0, anonymousPerWindow: 0, windowMs: 60_000 } });
    console.log('Intake: POST /cases vs bare startCase (same dev server, worker and run); cases/s, latency ms');
    console.log('  c    API cases/s  p50    p99    answers            bare cases/s  ratio');
    for (const c of [1, 4, 16, 64]) {
      const n = Math.max(8, Math.round(c * 6 * SCALE));
      await drained(h);
      const api = await viaApi(app, n, c);
      await drained(h);
      const plain = await bare(h, n, c);
      const apiRate = n / api.seconds;
      const bareRate = n / plain.seconds;
      console.log(
        `  ${String(c).padEnd(4)} ${apiRate.toFixed(1).padStart(11)}  ${api.p50.toFixed(0).padStart(5)}  ${api.p99.toFixed(0).padStart(5)}  ${fmt(api.statuses).padEnd(18)} ${bareRate.toFixed(1).padStart(12)}  ${(apiRate / bareRate).toFixed(2)}×`,
      );
    }
    await drained(h);
    const distinct = await viaApi(app, 40, 40);
    await drained(h);
    console.log(`40 concurrent distinct intakes: ${fmt(distinct.statuses)}`);
    const key = randomUUID();
    const body = newCase({ title: '同一幂等键' });
    const ids = new Set<string>();
    const same = await runConcurrently(100, 100, async () => {
      const res = await app.api('POST', '/cases', { token: people.operator, body, headers: { 'idempotency-key': key } });
      if (res.status === 201) ids.add(res.body.id);
      return noteRefusal(res.status, res.body);
    });
    console.log(`100 concurrent intakes with one Idempotency-Key: ${fmt(same.statuses)}; distinct cases: ${ids.size}`);
    for (const [status, body] of refusals) console.log(`first ${status} answer: ${body}`);
  } finally {
    await h.teardown();
    await stopOwnTestPostgres();
    await fs.rm(path.dirname(bundleFile), { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
