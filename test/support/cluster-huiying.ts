/**
 * Huiying as `npm start -- --cluster` runs it (scripts/start.ts, the same command, as a child process): two worker
 * processes on one task queue, each supervised and restarted, and two API processes behind one port — against a
 * cluster that is already running (TEMPORAL_ADDRESS) and a database of the caller's (DATABASE_URL), or, without them,
 * with its own Temporal server and embedded PostgreSQL as a user's `npm start -- --cluster`; on free ports, in a
 * temporary data dir (or the caller's, to start again on it). For the cluster's tests and benches: they kill its
 * processes and read what it delivered.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { OutboxNotifier } from '../../activities/outbox-notifier';
import { generatePayloadKey, parsePayloadKeys } from '../../config/keys';
import { spawnGuarded, stopGuarded, type GuardedChild } from '../../scripts/guarded-spawn';
import { getFreePort } from '../../scripts/ports';
import { freePortRun } from '../../scripts/cluster/free-ports';
import { CLUSTER_PORT_COUNT } from '../../scripts/cluster/server-config';

const ROOT = path.resolve(__dirname, '..', '..');
const READY_TIMEOUT_MS = 180_000;
/** Variables of ours the child must not inherit from the test's environment: it gets exactly what is set below. */
const OURS = /^(HUIYING_|AUTH_|TEMPORAL_|DATABASE_URL$|PORT$|NODE_ENV$)/;

export interface ClusterHuiying {
  baseUrl: string;
  secret: string;
  /** What a second start on the same data dir must be given again: secrets, keys and ports. */
  settings: ClusterHuiyingSettings;
  /** The outbox the workers deliver to, read with the run's payload keys. */
  outbox: OutboxNotifier;
  dataDir: string;
  /** Each process's metrics port: API i at base + 2i, worker i at base + 2i + 1. */
  metricsBase: number;
  /** Everything `npm start` printed so far. */
  output(): string;
  /** The process group of the named worker's current run (`worker-1`, `worker-2`), as `npm start` reports it. */
  workerGroup(name: string): number;
  /** The worker's Node process in that group (its Temporal identity is `<pid>@<host>`). */
  workerPid(name: string): Promise<number>;
  /** SIGKILL to the worker's whole process group: the machine's view of a worker that crashed. */
  killWorker(name: string): Promise<{ group: number; pid: number; at: number }>;
  /** SIGTERM to `npm start` (what Ctrl-C does), waiting until it has stopped everything it started. */
  stop(): Promise<void>;
}

export interface ClusterHuiyingSettings {
  dataDir: string;
  secret: string;
  payloadKeys: string;
  port: number;
  metricsBase: number;
  /** Without a cluster of the caller's: the server's base port and the embedded PostgreSQL's. */
  temporalPort?: number;
  dbPort?: number;
}

export async function startClusterHuiying(o: {
  /** A running cluster and a database on it; without them, `npm start -- --cluster` starts its own server and PostgreSQL. */
  existing?: { temporalAddress: string; namespace: string; databaseUrl: string };
  /** A previous start's settings, to start again on its data dir (whose owner removes it). */
  again?: ClusterHuiyingSettings;
  /** Leave the data dir in place at stop(), for a start again. */
  keepDataDir?: boolean;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}): Promise<ClusterHuiying> {
  const settings: ClusterHuiyingSettings = o.again ?? {
    dataDir: await fs.mkdtemp(path.join(os.tmpdir(), 'huiying-cluster-')),
    secret: randomBytes(32).toString('hex'),
    payloadKeys: `cluster-1:${generatePayloadKey()}`,
    port: await getFreePort(),
    metricsBase: await freePortRun(4),
    ...(o.existing ? {} : { temporalPort: await freePortRun(CLUSTER_PORT_COUNT), dbPort: await getFreePort() }),
  };
  const { dataDir, secret, payloadKeys, port, metricsBase } = settings;
  // Run as root, the embedded PostgreSQL runs as a `postgres` user, who must reach its folder inside (mkdtemp makes 0700).
  if (!o.existing) await fs.chmod(dataDir, 0o755);
  const ownsDataDir = o.again === undefined;
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !OURS.test(k)));
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    ...(o.existing
      ? { TEMPORAL_ADDRESS: o.existing.temporalAddress, TEMPORAL_NAMESPACE: o.existing.namespace, DATABASE_URL: o.existing.databaseUrl }
      : { TEMPORAL_PORT: String(settings.temporalPort), HUIYING_DB_PORT: String(settings.dbPort) }),
    HUIYING_DATA_DIR: dataDir,
    AUTH_JWT_SECRET: secret,
    HUIYING_PAYLOAD_KEYS: payloadKeys,
    PORT: String(port),
    HUIYING_METRICS_PORT: String(metricsBase),
    // A load from one test client: the per-caller limits would measure themselves.
    HUIYING_RATE_INTAKE_PER_MIN: '0',
    HUIYING_RATE_ANON_PER_MIN: '0',
    ...o.env,
  };
  const tsxLoader = pathToFileURL(require.resolve('tsx')).href;
  const child: GuardedChild = spawnGuarded(process.execPath, ['--import', tsxLoader, path.join(ROOT, 'scripts', 'start.ts'), '--cluster'], {
    cwd: ROOT,
    env,
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 4_000_000) output = output.slice(-2_000_000);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      await stopGuarded(child, 30_000);
      await exited;
      if (ownsDataDir && !o.keepDataDir) await fs.rm(dataDir, { recursive: true, force: true });
    })());

  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!output.includes('Huiying is running.')) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`npm start -- --cluster did not start (${child.exitCode ?? child.signalCode ?? 'timed out'}):\n${tail(output)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  o.log?.(`npm start -- --cluster is running: API http://127.0.0.1:${port}`);

  const workerGroup = (name: string): number => {
    const started = [...output.matchAll(new RegExp(`\\[start\\] ${name} started \\(process group (\\d+)\\)`, 'g'))];
    if (started.length === 0) throw new Error(`npm start has not reported ${name}`);
    return Number(started[started.length - 1][1]);
  };
  const workerPid = async (name: string): Promise<number> => {
    // The group's leader is the guard shell; the worker is its Node child.
    const children = (await fs.readFile(`/proc/${workerGroup(name)}/task/${workerGroup(name)}/children`, 'utf8')).trim().split(/\s+/);
    for (const pid of children) {
      // The guard's own watcher subshell is a child too, with the same command line after `sh -c`.
      const argv = (await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0');
      if (argv[0] === process.execPath && argv.some((a) => a.endsWith(path.join('worker', 'index.ts')))) return Number(pid);
    }
    throw new Error(`no worker process in group ${workerGroup(name)}`);
  };
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    secret,
    settings,
    outbox: new OutboxNotifier(path.join(dataDir, 'outbox'), parsePayloadKeys(payloadKeys)),
    dataDir,
    metricsBase,
    output: () => output,
    workerGroup,
    workerPid,
    async killWorker(name) {
      const group = workerGroup(name);
      const pid = await workerPid(name);
      process.kill(-group, 'SIGKILL');
      return { group, pid, at: Date.now() };
    },
    stop,
  };
}

function tail(text: string): string {
  return text.trimEnd().split('\n').slice(-40).join('\n');
}
