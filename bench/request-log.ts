/**
 * What the access log and the metrics cost a request (`npx tsx bench/request-log.ts`; BENCH_REQUESTS=20000,
 * BENCH_CONCURRENCY=16, BENCH_ROUNDS=3). Three Express apps answer the same small JSON on `GET /cases/:id` over real
 * HTTP (keep-alive, on this machine): bare; with `requestLog` at log level silent (the request id, the byte count, the
 * route pattern, no line); with `requestLog` (one access-log line written to /dev/null); with `requestLog` and the
 * metrics (counter, histogram). Rounds alternate between them so that the machine's other
 * load is shared. Then the pieces alone, per call: the route pattern, the metrics' observe, one log line.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import { createApiMetrics } from '../api/metrics';
import { requestLog } from '../api/request-log';
import { routePattern } from '../api/route-pattern';
import { configureLogging, log, setLogSink } from '../observability/logger';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 20_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

function appWith(middleware: express.RequestHandler[]): Express {
  const app = express();
  for (const m of middleware) app.use(m);
  app.get('/cases/:id', (req, res) => {
    res.json({ id: req.params.id, stage: 'registered', title: '小区楼道灯长期不亮' });
  });
  return app;
}

async function listen(app: Express): Promise<{ port: number; close(): void }> {
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, close: () => server.close() };
}

/** `REQUESTS` GETs, CONCURRENCY at a time on keep-alive connections; requests per second. */
async function drive(port: number): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  let next = 0;
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port, path: `/cases/0123456789abcdef?phone=13800001234`, agent }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
      });
      req.on('error', reject);
    });
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next++ < REQUESTS) await one();
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  return REQUESTS / seconds;
}

function perCall(what: string, n: number, fn: (i: number) => void): [string, number] {
  for (let i = 0; i < 1000; i++) fn(i); // warm-up
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn(i);
  return [what, Number(process.hrtime.bigint() - started) / 1e3 / n];
}

async function main(): Promise<void> {
  const devNull = fs.openSync('/dev/null', 'w');
  setLogSink((line) => fs.writeSync(devNull, line));
  configureLogging({ service: 'bench', level: 'info' });
  const metrics = createApiMetrics();
  const variants = [
    { name: 'bare', app: appWith([]), level: 'info' as const },
    { name: 'request id, log level silent', app: appWith([requestLog()]), level: 'silent' as const },
    { name: 'access log', app: appWith([requestLog()]), level: 'info' as const },
    { name: 'access log + metrics', app: appWith([requestLog(metrics)]), level: 'info' as const },
  ];
  const servers = await Promise.all(variants.map((v) => listen(v.app)));
  const rates: number[][] = variants.map(() => []);
  for (const s of servers) await drive(s.port); // warm-up each
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, s] of servers.entries()) {
      configureLogging({ level: variants[i]!.level });
      rates[i]!.push(await drive(s.port));
    }
  }
  configureLogging({ level: 'info' });
  for (const s of servers) s.close();
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const bare = median(rates[0]!);
  process.stdout.write(`${REQUESTS} requests × ${ROUNDS} rounds, concurrency ${CONCURRENCY} (median round):\n`);
  process.stdout.write('| variant | requests/s | µs per request | vs bare |\n| --- | --- | --- | --- |\n');
  for (const [i, v] of variants.entries()) {
    const r = median(rates[i]!);
    process.stdout.write(`| ${v.name} | ${r.toFixed(0)} | ${(1e6 / r).toFixed(1)} | ${(r / bare).toFixed(2)}× |\n`);
  }
  const fields = { reqId: '1c69db5a-9bda-474e-963e-d0d433b595ab', method: 'GET', route: '/cases/:id', status: 200, ms: 1.2, bytes: 80 };
  const pieces = [
    perCall('routePattern', 200_000, (i) => routePattern(`/cases/${i.toString(36).padStart(16, '0')}/assign?x=1`)),
    perCall('metrics observe', 200_000, () => metrics.observe({ method: 'GET', route: '/cases/:id', status: 200, seconds: 0.0012 })),
    perCall('one access-log line', 50_000, () => log().info({ ...fields, actor: { id: 'op1', roles: ['operator'] } }, 'request')),
  ];
  process.stdout.write('\n| piece | µs per call |\n| --- | --- |\n');
  for (const [what, us] of pieces) process.stdout.write(`| ${what} | ${us.toFixed(2)} |\n`);
  fs.closeSync(devNull);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
