/**
 * The API's logs, metrics and health (README "Logs, metrics and health"), on the real app, a real dev server and a
 * real PostgreSQL: a request id per request, an access-log line per request naming the route pattern (never the URL),
 * every line JSON within 8 KiB and free of the citizen who passed through, the metrics listener's Prometheus text
 * (requests by route, latency, the case gauges equal to the read model's counts, cached), and readiness that turns 503
 * when the database goes away while liveness stays 200.
 */
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import type { Client } from '@temporalio/client';
import { createApiMetrics, metricsPage, type ApiMetrics } from '../../api/metrics';
import { LOG_LINE_MAX_BYTES } from '../../config/log-line';
import { createDb } from '../../db/pool';
import { startListener, type Listener } from '../../observability/listener';
import { CITIZEN, CITIZEN_PHONE, newCase } from '../support/cases';
import { createTestDatabase } from '../support/database';
import { captureLogs } from '../support/logs';
import { HOUSING, people } from '../support/personas';
import { waitFor } from '../support/polling';
import { expectStatus, useE2E, type ExtraApp, type Json } from './harness';

const h = useE2E();
const ID_NUMBER = '510722199001011234';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let metrics: ApiMetrics;
let app: ExtraApp;
let scraper: Listener;

beforeAll(async () => {
  // No cache for the gauges here: each scrape reads the read model (the cache has its own test below).
  metrics = createApiMetrics({ db: h.db, caseGaugesCacheMs: 0 });
  app = await h.startApp({ metrics });
  scraper = await startListener({
    host: '127.0.0.1',
    port: 0,
    variable: 'HUIYING_METRICS_PORT',
    pages: { '/metrics': metricsPage(metrics) },
  });
});
afterAll(() => scraper?.close());

/** Every raw line: one JSON object, within the cap, with none of the citizen's name, phone or ID number. */
function expectCleanLines(raw: string[]): Json[] {
  return raw.map((line) => {
    expect(line.endsWith('\n')).toBe(true);
    expect(Buffer.byteLength(line.slice(0, -1), 'utf8')).toBeLessThanOrEqual(LOG_LINE_MAX_BYTES);
    for (const leak of [CITIZEN.name, CITIZEN_PHONE, ID_NUMBER]) expect(line).not.toContain(leak);
    return JSON.parse(line) as Json;
  });
}

async function scrape(listener: Listener = scraper): Promise<Map<string, number>> {
  const res = await fetch(`${listener.url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const samples = new Map<string, number>();
  for (const line of (await res.text()).split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}

test('a request id per request: a plain one from the caller is kept, anything else replaced by a new one', async () => {
  const asked = async (id?: string) =>
    (await app.api('GET', '/units', { token: people.operator, headers: id === undefined ? {} : { 'X-Request-Id': id } })).headers.get(
      'x-request-id',
    );
  expect(await asked('lb-7f3a.2:1')).toBe('lb-7f3a.2:1');
  expect(await asked()).toMatch(UUID);
  // Spaces and quotes, too long, or what a log would redact (a phone number, a long token): not taken.
  for (const bad of ['a b', 'x"y', 'r'.repeat(65), CITIZEN_PHONE, 'k'.repeat(48)]) expect(await asked(bad)).toMatch(UUID);
  const first = await asked();
  expect(await asked()).not.toBe(first);
});

test('one access-log line per request: route pattern, method, status, duration, bytes, actor and request id; no URL, no citizen', async () => {
  const logs = captureLogs('info');
  let created: Json;
  let answers: { status: number; id: string | null }[];
  try {
    const post = await app.api('POST', '/cases', {
      token: people.operator,
      headers: { 'X-Request-Id': 'intake-1' },
      body: newCase({ content: `来电人身份证 ${ID_NUMBER}，电话 ${CITIZEN_PHONE}` }),
    });
    created = expectStatus(post, 201);
    const calls = [
      () => app.api('GET', `/cases?phone=${CITIZEN_PHONE}&q=${encodeURIComponent(CITIZEN.name)}`, { token: people.operator }),
      () => app.api('GET', `/cases/${created.id}`, { token: people.operator }),
      () => app.api('GET', `/public/cases/${created.ledgerNo}?phoneLast4=${CITIZEN_PHONE.slice(-4)}`),
      () => app.api('GET', `/no/such/${CITIZEN_PHONE}?name=${encodeURIComponent(CITIZEN.name)}`),
      () => app.api('GET', '/units'),
    ];
    const responses = [post];
    for (const call of calls) responses.push(await call());
    answers = responses.map((r) => ({ status: r.status, id: r.headers.get('x-request-id') }));
  } finally {
    logs.stop();
  }
  const access = expectCleanLines(logs.raw).filter((e) => e.msg === 'request');
  expect(access.map((e) => [e.method, e.route, e.status])).toEqual([
    ['POST', '/cases', 201],
    ['GET', '/cases', 200],
    ['GET', '/cases/:id', 200],
    ['GET', '/public/cases/:ledgerNo', 200],
    ['GET', '(unmatched)', 401], // no token: refused before anything looks for the route
    ['GET', '/units', 401],
  ]);
  expect(access.map((e) => e.reqId)).toEqual(answers.map((a) => a.id));
  expect(access[0]).toMatchObject({
    level: 'info',
    svc: expect.any(String),
    reqId: 'intake-1',
    actor: { id: people.operator.id, roles: ['operator'] },
  });
  for (const e of access) {
    expect(e.ms).toEqual(expect.any(Number));
    expect(e.bytes).toBeGreaterThan(0);
    expect(JSON.stringify(e)).not.toContain('?');
    expect(JSON.stringify(e)).not.toContain(created.id);
  }
  expect(access.at(-1)).not.toHaveProperty('actor');
});

test('a huge request or a huge unexpected error: every line JSON within 8 KiB, the error line with its request id, no citizen', async () => {
  const quoted = JSON.stringify({ citizen: CITIZEN, idNumber: ID_NUMBER });
  const leaky = new Error(`backend refused ${quoted.repeat(20_000)}`);
  const client = new Proxy(h.client, {
    get(target, prop, receiver) {
      if (prop === 'workflow') throw leaky;
      return Reflect.get(target, prop, receiver);
    },
  }) as Client;
  const broken = await h.startApp({ client });
  const logs = captureLogs('info');
  let failed;
  try {
    // Over the body limit (100 kB), and under it but too long a content: refused without a line about the body.
    for (const repeats of [2_000, 600])
      expect(
        (await app.api('POST', '/cases', { token: people.operator, body: { ...newCase(), content: `${quoted} `.repeat(repeats) } })).status,
      ).toBe(400);
    failed = await broken.api('GET', '/cases/abcdefgh12345678', { token: people.operator, headers: { 'X-Request-Id': 'boom-1' } });
  } finally {
    logs.stop();
  }
  expect(failed.status).toBe(500);
  const lines = expectCleanLines(logs.raw);
  const error = lines.find((e) => e.level === 'error');
  expect(error).toMatchObject({
    reqId: 'boom-1',
    method: 'GET',
    route: '/cases/:id',
    msg: expect.stringMatching(/^unexpected error: Error: backend refused /),
  });
  expect(error.msg.length).toBeLessThan(leaky.message.length / 100);
  expect(lines.filter((e) => e.msg === 'request').map((e) => e.status)).toEqual([400, 400, 500]);
});

test('the metrics listener: requests by route, method and status, latency by route, process metrics — no URL in a label', async () => {
  const before = await scrape();
  const key = (route: string, status: number, method = 'GET') =>
    `huiying_http_requests_total{route="${route}",method="${method}",status="${status}"}`;
  await app.api('GET', '/units', { token: people.dispatcher });
  await app.api('GET', '/units', { token: people.dispatcher });
  await app.api('GET', `/cases?phone=${CITIZEN_PHONE}`, { token: people.operator });
  await app.api('GET', '/units');
  const after = await scrape();
  const delta = (k: string) => (after.get(k) ?? 0) - (before.get(k) ?? 0);
  expect(delta(key('/units', 200))).toBe(2);
  expect(delta(key('/units', 401))).toBe(1);
  expect(delta(key('/cases', 200))).toBe(1);
  expect(delta('huiying_http_request_duration_seconds_count{route="/units",method="GET"}')).toBe(3);
  expect(after.get('huiying_http_request_duration_seconds_bucket{le="+Inf",route="/units",method="GET"}')).toBe(
    after.get('huiying_http_request_duration_seconds_count{route="/units",method="GET"}'),
  );
  expect(after.get('process_cpu_seconds_total')).toBeGreaterThan(0);
  expect(after.has('nodejs_heap_size_used_bytes')).toBe(true);
  const routes = [...after.keys()].flatMap((k) => /route="([^"]*)"/.exec(k)?.[1] ?? []);
  expect(routes.length).toBeGreaterThan(0);
  for (const route of routes) expect(route).toMatch(/^(\(unmatched\)|\/[A-Za-z0-9/:._*-]*)$/);
  expect(routes.join(' ')).not.toMatch(/\?|13800001234|[0-9a-z]{16}/);
  // The listener serves nothing else, and nothing but GET.
  expect((await fetch(`${scraper.url}/`)).status).toBe(404);
  expect((await fetch(`${scraper.url}/metrics`, { method: 'POST' })).status).toBe(405);
});

test("the case gauges are the read model's counts (open by stage, overdue, red flags), read at most once per cache window", async () => {
  // A case registered 10 working days ago: overdue and red-flagged at once; one assigned; one just registered.
  await h.startBackdatedCase(h.calendar.subtractWorkingDays(new Date(), 10).at, { title: 'observability: backdated' });
  const assigned = expectStatus(await app.api('POST', '/cases', { token: people.operator, body: newCase() }), 201);
  expectStatus(await app.api('POST', `/cases/${assigned.id}/assign`, { token: people.dispatcher, body: { unit: HOUSING } }), 200);
  expectStatus(await app.api('POST', '/cases', { token: people.operator, body: newCase() }), 201);
  const workload = () => app.api('GET', '/supervision/workload', { token: people.supervisor }).then((r) => expectStatus(r, 200).totals);
  const totals = await waitFor(
    'a red-flagged and an assigned case in the read model',
    workload,
    (t) => t.redFlags >= 1 && t.byStage.assigned >= 1,
    {
      timeoutMs: 60_000,
    },
  );
  const gauges = await scrape();
  for (const [stage, count] of Object.entries(totals.byStage))
    expect({ stage, count: gauges.get(`huiying_open_cases{stage="${stage}"}`) }).toEqual({ stage, count });
  expect(gauges.get('huiying_overdue_open_cases')).toBe(totals.overdue);
  expect(gauges.get('huiying_red_flag_open_cases')).toBe(totals.redFlags);
  expect(gauges.get('huiying_read_model_up')).toBe(1);
  expect(totals.overdue).toBeGreaterThanOrEqual(1);

  // With a cache window, a case registered after a scrape shows only once the window has passed.
  const cached = createApiMetrics({ db: h.db, caseGaugesCacheMs: 600_000 });
  const listener = await startListener({
    host: '127.0.0.1',
    port: 0,
    variable: 'HUIYING_METRICS_PORT',
    pages: { '/metrics': metricsPage(cached) },
  });
  try {
    const open = (g: Map<string, number>) => g.get('huiying_open_cases{stage="registered"}');
    const first = open(await scrape(listener));
    expectStatus(await app.api('POST', '/cases', { token: people.operator, body: newCase() }), 201);
    await waitFor('the new case in the read model', workload, (t) => t.byStage.registered === first! + 1);
    expect(open(await scrape(listener))).toBe(first);
    expect(open(await scrape())).toBe(first! + 1);
  } finally {
    await listener.close();
  }
});

test('readiness: 200 while the database and Temporal answer, 503 naming the database once it is gone; liveness stays 200; the case gauges say they are stale', async () => {
  // The read model's database behind a TCP relay: closing the relay takes the database away, as a dead host would.
  const database = await createTestDatabase();
  const target = new URL(database.url);
  const sockets = new Set<Socket>();
  const relay = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined).on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const relayed = new URL(database.url);
  relayed.hostname = '127.0.0.1';
  relayed.port = String((relay.address() as AddressInfo).port);
  const db = createDb(relayed.toString(), { max: 2 });
  db.on('error', () => undefined); // its connections are cut below
  const gauges = createApiMetrics({ db, caseGaugesCacheMs: 0 });
  const listener = await startListener({
    host: '127.0.0.1',
    port: 0,
    variable: 'HUIYING_METRICS_PORT',
    pages: { '/metrics': metricsPage(gauges) },
  });
  try {
    const probed = await h.startApp({ db, metrics: gauges });
    const ready = () => probed.api('GET', '/health/ready');
    const live = await probed.api('GET', '/health/live');
    expect([live.status, live.body]).toEqual([200, { ok: true }]);
    const up = await ready();
    expect([up.status, up.body]).toEqual([200, { ok: true, database: 'ok', temporal: 'ok' }]);
    expect((await scrape(listener)).get('huiying_read_model_up')).toBe(1);

    relay.close();
    for (const s of sockets) s.destroy();
    const down = await waitFor('readiness to fail', ready, (r) => r.status === 503, { timeoutMs: 15_000 });
    expect(down.body).toEqual({ ok: false, database: expect.stringMatching(/^(unreachable|timed out)$/), temporal: 'ok' });
    expect((await probed.api('GET', '/health/live')).status).toBe(200);
    // The harness's own app, on its own database, is still ready.
    expect((await h.api('GET', '/health/ready')).status).toBe(200);
    // The scrape still answers: the case gauges keep their last values, and say so.
    expect((await scrape(listener)).get('huiying_read_model_up')).toBe(0);
  } finally {
    await listener.close();
    relay.close();
    for (const s of sockets) s.destroy();
    await db.end().catch(() => undefined);
    await database.drop();
  }
});
