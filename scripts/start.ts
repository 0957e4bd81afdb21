/**
 * `npm start`: the whole system on one machine — a Temporal dev server (unless TEMPORAL_ADDRESS points at
 * one), the worker and the API — stopped together with Ctrl-C. A worker that dies is started again with backoff
 * while the API keeps answering (cases wait in Temporal meanwhile); the API, the dev server or the database
 * exiting stops everything, since nothing useful is left to answer.
 *
 * `npm start -- --cluster` runs a real Temporal server on PostgreSQL instead of the dev server, two workers and two API
 * processes behind one port (scripts/cluster/start-mode.ts; README "Running on a Temporal cluster").
 */
import { connect } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { Connection } from '@temporalio/client';
import { resolveJwtSecret } from '../api/jwt-secret';
import { loadConfig, type Config } from '../config';
import { loadPayloadKeys } from '../config/keys';
import { SEARCH_ATTRIBUTE_TYPES } from '../temporal/search-attributes';
import { embeddedPassword, passwordFileOf, startEmbeddedPostgres, type EmbeddedPostgres } from '../db/embedded';
import { migrate } from '../db/migrate';
import { createDb } from '../db/pool';
import { connectClient, type ClientSettings } from '../temporal/client';
import { EncryptionCodec } from '../temporal/payload-codec';
import { rebuildReadModel } from '../temporal/rebuild-read-model';
import { caseQuery } from '../temporal/visibility-query';
import { ensureConsoleBuilt } from './console-build';
import { startDevServer, type DevServer } from './dev-server';
import { spawnGuarded, stopGuarded, type GuardedChild } from './guarded-spawn';
import { workerNodeArgs } from '../worker/node-args';
import { ensureTemporalBinaries } from './temporal-binaries';
import { shellEnvText, writeShellEnv } from './shell-env';
import {
  API_PRIMARY_ENTRY,
  bringUpClusterTemporal,
  clusterBannerLines,
  CLUSTER_API_PROCESSES,
  CLUSTER_WORKERS,
  parseStartArgs,
  type ClusterTemporal,
} from './cluster/start-mode';

const ROOT = path.resolve(__dirname, '..');
const CHILD_STOP_GRACE_MS = 10_000;
const READY_TIMEOUT_MS = 90_000;
/** A worker that exits is restarted after 1 s, 2 s, 4 s … at most 30 s; back to 1 s once one has run a minute. */
const WORKER_RESTART_FIRST_MS = 1_000;
const WORKER_RESTART_MAX_MS = 30_000;
const WORKER_STABLE_MS = 60_000;
/** temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW */
const TASK_QUEUE_TYPE_WORKFLOW = 1;

interface Child {
  name: string;
  process: GuardedChild;
}

let stopping = false;
let devServer: DevServer | undefined;
let database: EmbeddedPostgres | undefined;
let cluster: ClusterTemporal | undefined;
const children: Child[] = [];

async function main(): Promise<void> {
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => void shutdown(0, `received ${sig}`));

  // The children get this environment with the settings decided here, and read their own configuration from it.
  const env = process.env;
  const startArgs = parseStartArgs(process.argv.slice(2));
  const config = loadConfig(env);
  const { dataDir } = config;
  metricsSettings = config.metrics;
  const jwtSecret = resolveJwtSecret({ secret: config.jwtSecret, dataDir, createIfMissing: true });
  // Creates data/payload-keys.json now (development, none configured) so that worker and API share one key;
  // refuses to go on under NODE_ENV=production without HUIYING_PAYLOAD_KEYS.
  const payloadKeys = loadPayloadKeys({ dataDir, production: config.production, ...config.payloadKeys });
  log(`payloads encrypted with key '${payloadKeys.currentKeyId}' from ${payloadKeys.source}`);
  const { namespace, taskQueue } = config.temporal;
  const apiPort = config.api.port;

  let address = config.temporal.address;
  // unless TEMPORAL_ADDRESS names a running server; with --cluster, a real server is started below instead
  const own = startArgs.cluster ? undefined : config.start.devServer;
  if (own) {
    const { cli } = await ensureTemporalBinaries();
    log('starting the Temporal dev server ...');
    devServer = await startDevServer({
      cliPath: cli,
      dbFile: path.join(dataDir, 'temporal.db'),
      port: own.port,
      uiPort: own.uiPort,
      namespace,
      searchAttributes: SEARCH_ATTRIBUTE_TYPES,
      // The Web UI decrypts through the API's codec endpoint (README "Personal data and encryption").
      codecEndpoint: own.codecEndpoint,
      logFile: path.join(dataDir, 'temporal-server.log'),
    });
    address = devServer.address;
    void devServer.exited.then(() => void shutdown(1, 'the Temporal dev server exited unexpectedly'));
  }
  if (stopping) return;

  let databaseUrl = config.database.url;
  const embedded = config.database.embedded; // unless DATABASE_URL names a server
  if (embedded) {
    log(`starting the embedded PostgreSQL (${embedded.dir}, port ${embedded.port}) ...`);
    const password = await embeddedPassword(passwordFileOf(embedded.dir));
    database = await startEmbeddedPostgres({ dir: embedded.dir, port: embedded.port, password });
    databaseUrl = database.url;
  }
  await migrate(databaseUrl!, { log });
  if (stopping) return;
  if (startArgs.cluster) {
    // After the database: our server keeps its state on the same PostgreSQL server.
    cluster = await bringUpClusterTemporal({ config, databaseUrl: databaseUrl!, log });
    address = cluster.address;
    void cluster.server?.exited.then(() => void shutdown(1, 'the Temporal server exited unexpectedly'));
    if (stopping) return;
  }

  const childEnv: NodeJS.ProcessEnv = {
    ...env,
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: address,
    TEMPORAL_NAMESPACE: namespace,
    HUIYING_DATA_DIR: dataDir,
    AUTH_JWT_SECRET: jwtSecret,
    PORT: String(apiPort),
    // The codec endpoint's CORS admits the Web UI this script runs (by default).
    HUIYING_UI_ORIGINS: config.api.uiOrigins.join(','),
  };
  const temporal = { ...config.temporal, address };
  const codec = new EncryptionCodec(payloadKeys);
  const fill = await readModelToFill(databaseUrl!, temporal, codec);
  if (cluster) {
    for (let i = 0; i < CLUSTER_WORKERS; i++) {
      const port = cluster.metricsPorts.worker[i];
      const env = port === undefined ? childEnv : { ...childEnv, HUIYING_WORKER_METRICS_PORT: String(port) };
      superviseWorker(config.start.workerEntry, env, workerNodeArgs(config.worker.heapMb), `worker-${i + 1}`);
    }
  } else superviseWorker(config.start.workerEntry, childEnv, workerNodeArgs(config.worker.heapMb));
  const workerReady = waitForWorker(address, namespace, taskQueue, cluster ? CLUSTER_WORKERS : 1);
  if (fill > 0) {
    // Before the API takes intakes: the read model must hold the existing cases, or the ledger counter would start
    // again at 1 (it continues after the highest number in the read model) and lists would miss them.
    log(`the read model is empty but Temporal holds ${fill} cases: filling it before the API starts ...`);
    if (!(await workerReady)) {
      if (!stopping) await shutdown(1, 'no worker polled in time to fill the read model from Temporal');
      return;
    }
    await fillReadModel(databaseUrl!, temporal, codec);
  }
  if (stopping) return;
  await ensureConsoleBuilt(log);
  if (stopping) return;
  if (cluster) {
    const metricsPorts = cluster.metricsPorts.api.every((p) => p !== undefined)
      ? ['--metrics-ports', cluster.metricsPorts.api.join(',')]
      : [];
    const args = ['--processes', String(CLUSTER_API_PROCESSES), '--entry', config.start.apiEntry, ...metricsPorts];
    startChild(
      'api',
      API_PRIMARY_ENTRY,
      childEnv,
      (why) => void shutdown(1, `the API processes' primary exited unexpectedly (${why})`),
      [],
      args,
    );
  } else startChild('api', config.start.apiEntry, childEnv, (why) => void shutdown(1, `api exited unexpectedly (${why})`));

  if (!(await waitForPort(apiPort))) {
    if (!stopping) await shutdown(1, `the API did not listen on port ${apiPort} within ${READY_TIMEOUT_MS / 1000} s`);
    return;
  }
  if (!(await workerReady) && !stopping) {
    log(`warning: no worker polls task queue '${taskQueue}' yet; cases will wait until one does`);
  }
  if (stopping) return;
  // For other terminals: `source` it and the README's commands reach this Huiying, not one on the default ports.
  const shellEnv = await writeShellEnv(
    dataDir,
    shellEnvText(env, {
      dataDir,
      apiPort,
      namespace,
      // The server npm start runs on TEMPORAL_PORT (the dev server, or with --cluster the real one's frontend).
      ownTemporal: config.start.devServer,
      temporalAddress: address,
      embeddedDbPort: embedded?.port,
    }),
  );
  printBanner({ apiPort, address, namespace, dataDir, shellEnv });
}

function startChild(
  name: string,
  entry: string,
  env: NodeJS.ProcessEnv,
  onExit: (why: string) => void,
  nodeArgs: string[] = [],
  entryArgs: string[] = [],
): Child {
  const tsxLoader = pathToFileURL(require.resolve('tsx')).href;
  const child = spawnGuarded(process.execPath, [...nodeArgs, '--import', tsxLoader, entry, ...entryArgs], { cwd: ROOT, env });
  prefixLines(child.stdout, `[${name}] `, process.stdout);
  prefixLines(child.stderr, `[${name}] `, process.stderr);
  const entryOf: Child = { name, process: child };
  child.once('exit', (code, signal) => {
    if (stopping) return;
    onExit(code !== null ? `exit code ${code}` : `signal ${signal}`);
  });
  children.push(entryOf);
  return entryOf;
}

/**
 * The worker is restarted whenever it exits (a crash, an out-of-memory kill, a lost connection it gave up on):
 * after WORKER_RESTART_FIRST_MS, doubling up to WORKER_RESTART_MAX_MS while it keeps dying young, and from the first
 * delay again once a run lasted WORKER_STABLE_MS. Meanwhile the API answers (/health says no worker polls).
 */
function superviseWorker(entry: string, env: NodeJS.ProcessEnv, nodeArgs: string[], name = 'worker'): void {
  let delay = WORKER_RESTART_FIRST_MS;
  let restarts = 0;
  const run = (): void => {
    if (stopping) return;
    const startedAt = Date.now();
    const current = startChild(
      name,
      entry,
      env,
      (why) => {
        const ranMs = Date.now() - startedAt;
        children.splice(children.indexOf(current), 1);
        if (ranMs >= WORKER_STABLE_MS) delay = WORKER_RESTART_FIRST_MS;
        restarts += 1;
        log(`${name} exited (${why}) after ${(ranMs / 1000).toFixed(1)} s; restart ${restarts} in ${delay / 1000} s`);
        setTimeout(run, delay);
        delay = Math.min(delay * 2, WORKER_RESTART_MAX_MS);
      },
      nodeArgs,
    );
    // Its process group: what a test or an operator kills to take this worker down at once.
    log(`${name} started (process group ${current.process.pid})`);
  };
  run();
}

/** A child's plain lines get its name in front; its JSON log lines (observability/logger.ts) name it already (`svc`) and pass as they are. */
function prefixLines(input: NodeJS.ReadableStream, prefix: string, output: NodeJS.WritableStream): void {
  createInterface({ input, crlfDelay: Infinity }).on('line', (line) =>
    output.write(line.startsWith('{') ? `${line}\n` : `${prefix}${line}\n`),
  );
}

/** Stops the children first so that the worker can finish its tasks against a live server. */
async function shutdown(code: number, reason: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log(`${reason}; stopping ...`);
  await Promise.all(children.map((c) => stopGuarded(c.process, CHILD_STOP_GRACE_MS)));
  await devServer?.stop();
  await cluster?.server?.stop();
  await database?.stop();
  log(code === 0 ? 'stopped.' : 'stopped after a failure.');
  process.exit(code);
}

async function waitForPort(port: number): Promise<boolean> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline && !stopping) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

/** The worker bundles its workflows first (seconds here); "running" should mean it polls (each of them, on a cluster). */
async function waitForWorker(address: string, namespace: string, taskQueue: string, workers: number): Promise<boolean> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  const connection = await Connection.connect({ address });
  try {
    while (Date.now() < deadline && !stopping) {
      const { pollers } = await connection.workflowService.describeTaskQueue({
        namespace,
        taskQueue: { name: taskQueue },
        taskQueueType: TASK_QUEUE_TYPE_WORKFLOW,
      });
      if ((pollers ?? []).length >= workers) return true;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    return false;
  } finally {
    await connection.close();
  }
}

/**
 * How many cases Temporal holds while the read model is empty (0 when it is not empty): cases registered before the
 * read model existed, or a read model that was lost. A visibility count: no worker needed.
 */
async function readModelToFill(url: string, temporal: ClientSettings, codec: EncryptionCodec): Promise<number> {
  const db = createDb(url, { max: 1 });
  try {
    const { rows } = await db.query('SELECT EXISTS (SELECT 1 FROM case_summaries) AS filled');
    if (rows[0].filled) return 0;
  } finally {
    await db.end();
  }
  const client = await connectClient(temporal, codec);
  try {
    return (await client.workflow.count(caseQuery())).count;
  } finally {
    await client.connection.close();
  }
}

/** Fills the read model from Temporal (queries need the worker). `npm run read-model:rebuild` does the same any time. */
async function fillReadModel(url: string, temporal: ClientSettings, codec: EncryptionCodec): Promise<void> {
  const db = createDb(url, { max: 8 });
  const client = await connectClient(temporal, codec);
  try {
    const report = await rebuildReadModel(client, db, { log });
    log(`read model filled from Temporal: ${report.written} of ${report.found} cases (${report.skipped.length} skipped)`);
  } finally {
    await client.connection.close();
    await db.end();
  }
}

function printBanner(o: { apiPort: number; address: string; namespace: string; dataDir: string; shellEnv: string }): void {
  const lines = [
    '',
    'Huiying is running.',
    `  Console:      http://localhost:${o.apiPort}/  (工作台: operators, units, reviewers, supervisors)`,
    `  API:          http://localhost:${o.apiPort}`,
    ...metricsBannerLines(),
    // localhost, as the codec endpoint: the UI's codec session cookie (SameSite=Lax) travels only within one site.
    devServer?.uiUrl
      ? `  Temporal UI:  ${devServer.uiUrl.replace('//127.0.0.1:', '//localhost:')}/namespaces/${o.namespace}/workflows (developers only; this machine only)`
      : `  Temporal UI:  (not started by npm start${cluster ? ' --cluster: the server has no Web UI; README "Running on a Temporal cluster"' : ''})`,
    `  Temporal:     ${o.address}, namespace ${o.namespace}`,
    ...(cluster ? clusterBannerLines({ temporal: cluster, apiPort: o.apiPort, dataDir: o.dataDir }) : []),
    `  Data:         ${o.dataDir}${devServer ? ' (server log: temporal-server.log)' : ''}`,
    `  Read model:   PostgreSQL, ${database ? `embedded (data/postgres, ${database.url.replace(/\/\/[^@]*@/, '//')})` : 'DATABASE_URL'}`,
    `  Shell:        source ${o.shellEnv}  (this configuration and API=, for npm run token / temporal / demo and curl)`,
    '  Get a token:  npm run token -- --sub op1 --name 张三 --role operator',
    '  Demo cases:   npm run demo  (README "Demo cases")',
    `  Decrypt in the UI: open http://localhost:${o.apiPort}/codec/session?token=<supervisor token> (README "Personal data and encryption")`,
    '  Stop:         Ctrl-C',
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

/** Where a scraper finds the API's and the worker's metrics (a cluster's processes each have their own, listed with it). */
let metricsSettings: Config['metrics'] | undefined;
function metricsBannerLines(): string[] {
  if (cluster || !metricsSettings) return [];
  const { host, apiPort, workerPort } = metricsSettings;
  const at = (port: number | undefined) => (port === undefined ? 'off' : `http://${host}:${port}/metrics`);
  return [`  Metrics:      API ${at(apiPort)}, worker ${at(workerPort)} (for a scraper; README "Logs, metrics and health")`];
}

function log(message: string): void {
  process.stdout.write(`[start] ${message}\n`);
}

main().catch(async (err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  const hint = / is not free/.test(message)
    ? '\n[start] Is another `npm start` running? Set TEMPORAL_PORT / TEMPORAL_UI_PORT, or TEMPORAL_ADDRESS to use a running server.'
    : '';
  console.error(`[start] ${message}${hint}`);
  await shutdown(1, 'start-up failed');
});
