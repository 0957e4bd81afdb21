/**
 * `npm start -- --cluster` itself, as a user runs it on a fresh data dir: its own Temporal server (the cached build)
 * and embedded PostgreSQL, the databases, namespace and search attributes made; two workers and two API processes
 * behind one port, each process with its own metrics port; a limit that holds across both API processes (the rate-limit
 * store is PostgreSQL); an API process killed and forked again while the other answers; everything stopped by one
 * signal; and a second start on the same data dir that reuses all of it and finds the cases of the first.
 */
import fs from 'node:fs/promises';
import { request } from 'node:http';
import { signToken } from '../../api/tokens';
import { isPortFree } from '../../scripts/cluster/free-ports';
import { CLUSTER_PORT_COUNT } from '../../scripts/cluster/server-config';
import { newCase } from '../support/cases';
import { startClusterHuiying, type ClusterHuiying, type ClusterHuiyingSettings } from '../support/cluster-huiying';
import { people } from '../support/personas';
import { waitFor } from '../support/polling';

const INTAKES_PER_MINUTE = 4;

let first: ClusterHuiying | undefined;
let second: ClusterHuiying | undefined;
let settings: ClusterHuiyingSettings | undefined;

afterAll(async () => {
  await first?.stop();
  await second?.stop();
  if (settings) await fs.rm(settings.dataDir, { recursive: true, force: true });
}, 120_000);

/**
 * One request on a connection of its own, so that successive requests go to the API processes in turn; given up after
 * a few seconds, as a proxy would (a connection handed to an API process at the moment it dies is never answered).
 */
function call(url: string, opts: { method?: string; token?: string; body?: unknown } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const req = request(
      url,
      {
        method: opts.method ?? 'GET',
        agent: false,
        headers: {
          connection: 'close',
          ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.setTimeout(3_000, () => req.destroy(new Error('no answer within 3 s')));
    req.once('error', reject);
    req.end(body);
  });
}

const tokenOf = (person: typeof people.operator | typeof people.supervisor, secret: string) =>
  signToken({ sub: person.id, name: person.name, roles: person.roles }, secret, '1h');

/** The API processes (pids) that answered `POST /cases`, from their access log lines. */
function intakeAnswerers(output: string, after = 0): Set<number> {
  const pids = new Set<number>();
  for (const line of output.slice(after).split('\n')) {
    if (!line.includes('"svc":"api"') || !line.includes('"route":"/cases"') || !line.includes('"method":"POST"')) continue;
    const pid = /"pid":(\d+)/.exec(line);
    if (pid) pids.add(Number(pid[1]));
  }
  return pids;
}

test('from nothing: the server, its databases, the namespace; two workers and two API processes behind one port', async () => {
  first = await startClusterHuiying({ keepDataDir: true, env: { HUIYING_RATE_INTAKE_PER_MIN: String(INTAKES_PER_MINUTE) } });
  settings = first.settings;
  const out = first.output();
  expect(out).toContain('creating the database temporal for Temporal');
  expect(out).toContain('creating the database temporal_visibility for Temporal');
  expect(out).toContain('created namespace default');
  expect(out).toContain('registered 16 search attributes in default, one per call');
  expect(out).toMatch(/Workers: +2 processes on one task queue/);
  expect(out).toMatch(/API: +2 processes behind port \d+ \(node:cluster/);
  expect(out).toContain('not started by npm start --cluster');

  expect((await call(`${first.baseUrl}/health`)).status).toBe(200);
  // Each of the four processes has its own metrics port: API i at base + 2i, worker i at base + 2i + 1.
  const base = first.settings.metricsBase;
  for (const port of [base, base + 2]) expect((await call(`http://127.0.0.1:${port}/metrics`)).status).toBe(200);
  for (const port of [base + 1, base + 3]) expect((await call(`http://127.0.0.1:${port}/health/ready`)).status).toBe(200);

  // The intake limit (per caller, a minute) holds across both processes: they count in one PostgreSQL table.
  const token = await tokenOf(people.operator, first.secret);
  const statuses: number[] = [];
  for (let i = 0; i < INTAKES_PER_MINUTE * 2; i++) {
    const body = newCase({ title: `集群 ${i}`, citizen: { name: '集群市民', phone: `1370000000${i}` } });
    statuses.push((await call(`${first.baseUrl}/cases`, { method: 'POST', token, body })).status);
  }
  expect(statuses.filter((s) => s === 201)).toHaveLength(INTAKES_PER_MINUTE);
  expect(statuses.filter((s) => s === 429)).toHaveLength(INTAKES_PER_MINUTE);
  await waitFor(
    'both API processes to have logged their answers',
    async () => intakeAnswerers(first!.output()).size,
    (n) => n === 2,
  );
}, 600_000);

test('an API process killed is forked again; the other answers meanwhile', async () => {
  const app = first!;
  const started = () => [...app.output().matchAll(/\[api-primary\] api (\d) of 2 started \(pid (\d+)\)/g)].map((m) => Number(m[2]));
  const [victim] = started();
  const mark = app.output().length;
  process.kill(victim, 'SIGKILL');
  // The survivor answers while the primary waits a second before forking again (a connection handed to the dead one
  // just before the primary heard of its death breaks or hangs: the client tries again, as a proxy would).
  await waitFor(
    'the surviving API process to answer',
    async () => (await call(`${app.baseUrl}/health`)).status,
    (status) => status === 200,
    {
      timeoutMs: 20_000,
    },
  );
  await waitFor(
    'the primary to fork the killed process again',
    async () => started().length,
    (n) => n === 3,
    { timeoutMs: 60_000 },
  );
  expect(app.output().slice(mark)).toMatch(/api 1 exited \(signal SIGKILL\)/);
  await waitFor(
    'the new process to answer on the shared port',
    async () => {
      await call(`${app.baseUrl}/health`);
      return app.output().slice(mark);
    },
    (out) => out.includes(`"pid":${started()[2]}`),
    { timeoutMs: 60_000, intervalMs: 200 },
  );
}, 120_000);

test('one signal stops everything; a second start on the same data dir reuses it and finds the first one’s cases', async () => {
  const s = settings!;
  await first!.stop();
  first = undefined;
  const ports = [s.port, s.dbPort!, s.metricsBase, s.metricsBase + 1, s.metricsBase + 2, s.metricsBase + 3];
  for (let i = 0; i < CLUSTER_PORT_COUNT; i++) ports.push(s.temporalPort! + i);
  await waitFor(
    'every port of the first start to be free',
    async () => (await Promise.all(ports.map(async (p) => ((await isPortFree(p)) ? null : p)))).filter((p) => p !== null),
    (busy) => busy.length === 0,
    { timeoutMs: 60_000, intervalMs: 500 },
  );

  second = await startClusterHuiying({ again: s });
  const out = second.output();
  expect(out).not.toContain('creating the database');
  expect(out).not.toContain('created namespace');
  expect(out).not.toMatch(/registered \d+ search attributes/);
  const token = await tokenOf(people.operator, s.secret);
  const list = await call(`${second.baseUrl}/cases?pageSize=50`, { token: await tokenOf(people.supervisor, s.secret) });
  expect(list.status).toBe(200);
  expect(JSON.parse(list.body).items).toHaveLength(INTAKES_PER_MINUTE);
  // The ledger continues after the first start's numbers.
  const next = await call(`${second.baseUrl}/cases`, {
    method: 'POST',
    token,
    body: newCase({ title: '集群 再次', citizen: { name: '集群市民', phone: '13700000099' } }),
  });
  expect(next.status).toBe(201);
  expect(JSON.parse(next.body).ledgerNo).toMatch(new RegExp(`-0*${INTAKES_PER_MINUTE + 1}$`));
}, 600_000);
