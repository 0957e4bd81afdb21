/**
 * The whole system as `npm start` runs it, for the benchmarks, on free ports in a temp folder: a Temporal dev server
 * (scripts/dev-server.ts, as tests start it), an embedded PostgreSQL with the migrated schema (test/support/database.ts),
 * and the worker (worker/index.ts) and the API (api/server.ts) as separate child processes under tsx with the
 * environment `npm start` gives them. `stop()` stops everything, in reverse order; so does Ctrl-C.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { loadConfig } from '../../config';
import { generatePayloadKey } from '../../config/keys';
import { getFreePort } from '../../scripts/ports';
import { spawnGuarded, stopGuarded, type GuardedChild } from '../../scripts/guarded-spawn';
import { startTestPostgres } from '../../test/support/database';
import { startTestDevServer } from '../../test/support/dev-server';
import { Cleanups } from '../../test/support/runtime';
import { workerNodeArgs } from '../../worker/node-args';
import { apiClient, type ApiCall } from './http';
import { findProcess, type Measured } from './procfs';

const ROOT = path.resolve(__dirname, '..', '..');
const READY_TIMEOUT_MS = 120_000;

export interface System {
  baseUrl: string;
  api: ApiCall;
  /** A client of the dev server without the payload codec: histories and visibility are all a bench reads. */
  client: Client;
  namespace: string;
  /** The processes to measure: the dev server, the worker and the API, and PostgreSQL (when found). */
  processes: Measured[];
  /** Where the worker's and the API's output went. */
  logDir: string;
  stop(): Promise<void>;
}

const WORKER_KNOBS = ['HUIYING_WORKER_CACHED_CASES', 'HUIYING_WORKER_HEAP_MB'];
const pick = (env: NodeJS.ProcessEnv, names: string[]) =>
  Object.fromEntries(names.filter((n) => env[n] !== undefined).map((n) => [n, env[n]]));
/** Variables of ours the children must not inherit from the bench's shell: they get exactly what is set below. */
const OURS = /^(HUIYING_|AUTH_|TEMPORAL_|DATABASE_URL$|PORT$|NODE_ENV$)/;

export async function startSystem(log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<System> {
  const cleanups = new Cleanups();
  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= cleanups.run());
  const onSignal = (sig: NodeJS.Signals) => {
    log(`${sig}: stopping ...`);
    void stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  cleanups.push('signal handlers', async () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  });

  try {
    const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'huiying-bench-'));
    cleanups.push('temp dir', () => fs.rm(tmp, { recursive: true, force: true }));
    const logDir = path.join(tmp, 'logs');
    await fs.mkdir(logDir);

    log('starting PostgreSQL ...');
    const postgres = await startTestPostgres();
    cleanups.push('PostgreSQL', () => postgres.stop());
    const admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
    try {
      await admin.query('CREATE DATABASE bench TEMPLATE huiying_template');
    } finally {
      await admin.end();
    }
    const dbUrl = new URL(postgres.url);
    dbUrl.pathname = '/bench';

    log('starting the Temporal dev server ...');
    const server = await startTestDevServer();
    cleanups.push('dev server', () => server.stop());

    const connection = await Connection.connect({ address: server.address });
    cleanups.push('client connection', () => connection.close());
    const client = new Client({ connection, namespace: server.namespace });

    const port = await getFreePort();
    const secret = randomBytes(32).toString('hex');
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !OURS.test(k)));
    const env: NodeJS.ProcessEnv = {
      ...inherited,
      DATABASE_URL: dbUrl.toString(),
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_NAMESPACE: server.namespace,
      HUIYING_DATA_DIR: path.join(tmp, 'data'),
      AUTH_JWT_SECRET: secret,
      HUIYING_PAYLOAD_KEYS: `bench-1:${generatePayloadKey()}`,
      PORT: String(port),
      // Metrics on, as deployed, on ports of their own (not a running npm start's).
      HUIYING_METRICS_PORT: String(await getFreePort()),
      HUIYING_WORKER_METRICS_PORT: String(await getFreePort()),
      // The intake limit (60 a minute per caller) would measure itself; the bench measures the engine.
      HUIYING_RATE_INTAKE_PER_MIN: '0',
      HUIYING_RATE_ANON_PER_MIN: '0',
      // The worker's memory knobs are the bench's to vary (bench/worker-memory.ts); the rest of ours are not inherited.
      ...pick(process.env, WORKER_KNOBS),
    };

    const tsxLoader = pathToFileURL(require.resolve('tsx')).href;
    const children: { name: string; child: GuardedChild }[] = [];
    const startChild = async (name: string, entry: string, nodeArgs: string[] = []): Promise<GuardedChild> => {
      const child = spawnGuarded(process.execPath, [...nodeArgs, '--import', tsxLoader, entry], { cwd: ROOT, env });
      const out = createWriteStream(path.join(logDir, `${name}.log`));
      child.stdout.pipe(out);
      child.stderr.pipe(out);
      children.push({ name, child });
      cleanups.push(name, () => stopGuarded(child, 10_000));
      return child;
    };
    log('starting the worker and the API ...');
    // As `npm start` runs it: HUIYING_WORKER_HEAP_MB and HUIYING_WORKER_CACHED_CASES apply.
    const worker = await startChild('worker', 'worker/index.ts', workerNodeArgs(loadConfig(env).worker.heapMb));
    const apiProcess = await startChild('api', 'api/server.ts');

    const baseUrl = `http://127.0.0.1:${port}`;
    const api = apiClient(baseUrl, secret);
    // Ready means what /health means: Temporal answers and a worker polls the task queue.
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      const dead = children.find(({ child }) => child.exitCode !== null || child.signalCode !== null);
      if (dead) throw new Error(`the ${dead.name} exited during start-up: ${await tail(path.join(logDir, `${dead.name}.log`))}`);
      const ok = await api('GET', '/health').then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`the API was not healthy within ${READY_TIMEOUT_MS / 1000} s (logs: ${logDir})`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }

    const serverPid = findProcess(['start-dev', server.dbFile]);
    const postgresPid = findProcess(['postgres', postgres.dir]);
    const processes: Measured[] = [];
    if (serverPid !== undefined) processes.push({ name: 'dev server', root: serverPid });
    processes.push({ name: 'worker', root: worker.pid! }, { name: 'API', root: apiProcess.pid! });
    if (postgresPid !== undefined) processes.push({ name: 'PostgreSQL', root: postgresPid });
    log(`ready: API ${baseUrl}, Temporal ${server.address}`);
    return { baseUrl, api, client, namespace: server.namespace, processes, logDir, stop };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}

async function tail(file: string): Promise<string> {
  const text = await fs.readFile(file, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-20).join('\n');
}
