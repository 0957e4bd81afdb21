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
import { bundleWorkflowCode } from '@temporalio/worker';
import { caseInputOf } from '../domain/intake';
import { startCase } from '../temporal/start-case';
import { newCase } from '../test/support/cases';
import { people } from '../test/support/personas';
import { BUNDLE_ENV } from '../test/support/bundle';
import { startE2E, type E2E } from '../test/e2e/harness';

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

async function viaApi(h: { api: E2E['api'] }, count: number, concurrency: number): Promise<Omit<Run, 'label'>> {
  return runConcurrently(count, concurrency, async (i) => {
    const body = newCase({ title: `压测 ${i}`, citizen: { name: '压测', phone: `139${String(i).padStart(8, '0')}` } });
    const res = await h.api('POST', '/cases', { token: people.operator, body, headers: { 'idempotency-key': randomUUID() } });
    return res.status;
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
      const api = await viaApi(app, n, c);
      const plain = await bare(h, n, c);
      const apiRate = n / api.seconds;
      const bareRate = n / plain.seconds;
      console.log(
        `  ${String(c).padEnd(4)} ${apiRate.toFixed(1).padStart(11)}  ${api.p50.toFixed(0).padStart(5)}  ${api.p99.toFixed(0).padStart(5)}  ${fmt(api.statuses).padEnd(18)} ${bareRate.toFixed(1).padStart(12)}  ${(apiRate / bareRate).toFixed(2)}×`,
      );
    }
    const distinct = await viaApi(app, 40, 40);
    console.log(`40 concurrent distinct intakes: ${fmt(distinct.statuses)}`);
    const key = randomUUID();
    const body = newCase({ title: '同一幂等键' });
    const ids = new Set<string>();
    const same = await runConcurrently(100, 100, async () => {
      const res = await app.api('POST', '/cases', { token: people.operator, body, headers: { 'idempotency-key': key } });
      if (res.status === 201) ids.add(res.body.id);
      return res.status;
    });
    console.log(`100 concurrent intakes with one Idempotency-Key: ${fmt(same.statuses)}; distinct cases: ${ids.size}`);
  } finally {
    await h.teardown();
    await fs.rm(path.dirname(bundleFile), { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
