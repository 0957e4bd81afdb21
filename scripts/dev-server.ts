/**
 * Starts `temporal server start-dev` as a child process and waits until it really serves requests.
 * We start it ourselves rather than through @temporalio/testing because the SDK gives the server only ~5 s,
 * too little on a loaded 2-core machine.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { spawnGuarded, stopGuarded, type GuardedChild } from './guarded-spawn';
import { getFreePort } from './ports';

export type SearchAttributeTypeName = 'Keyword' | 'Text' | 'Int' | 'Double' | 'Bool' | 'Datetime' | 'KeywordList';

export interface DevServerOptions {
  cliPath: string;
  dbFile: string;
  port?: number;
  /** A free port when omitted; `null` runs without the Web UI. */
  uiPort?: number | null;
  namespace?: string;
  searchAttributes: Record<string, SearchAttributeTypeName>;
  codecEndpoint?: string;
  logFile?: string;
  startTimeoutMs?: number;
}

export interface DevServer {
  address: string;
  namespace: string;
  uiUrl: string | null;
  /** Settles when the server process exits, whether through stop() or not. */
  exited: Promise<void>;
  stop(): Promise<void>;
}

/** Values of temporal.api.enums.v1.IndexedValueType (the proto package is not a direct dependency). */
export const INDEXED_VALUE_TYPE: Record<SearchAttributeTypeName, number> = {
  Text: 1,
  Keyword: 2,
  Int: 3,
  Double: 4,
  Bool: 5,
  Datetime: 6,
  KeywordList: 7,
};

const STOP_GRACE_MS = 5_000;

export async function startDevServer(opts: DevServerOptions): Promise<DevServer> {
  // A port we picked can be taken by someone else before the server binds it (parallel test runs).
  const attempts = opts.port === undefined || opts.uiPort === undefined ? 3 : 1;
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(opts);
    } catch (err) {
      if (attempt >= attempts || !/address already in use|is not free/i.test(String(err))) throw err;
    }
  }
}

async function startOnce(opts: DevServerOptions): Promise<DevServer> {
  const namespace = opts.namespace ?? 'default';
  const port = opts.port ?? (await getFreePort());
  const uiPort = opts.uiPort === null ? null : (opts.uiPort ?? (await getFreePort()));
  // Fail fast: a server already on the port would answer our readiness probe in place of ours.
  await assertPortFree(port, 'Temporal gRPC');
  if (uiPort !== null) await assertPortFree(uiPort, 'Temporal Web UI');
  await fs.mkdir(path.dirname(path.resolve(opts.dbFile)), { recursive: true });

  const args = buildArgs({ ...opts, namespace, port, uiPort });
  const log = opts.logFile ? await openLog(opts.logFile, opts.cliPath, args) : undefined;
  const child = spawnGuarded(opts.cliPath, args, { env: serverEnv() });
  const output = captureOutput(child, log);
  // 'close' rather than 'exit': output may still be in flight when the process has exited.
  const processExited = new Promise<void>((resolve) => child.once('close', () => resolve())).then(
    () => new Promise<void>((resolve) => (log ? log.end(resolve) : resolve())),
  );

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopping ??= stopGuarded(child, STOP_GRACE_MS).then(() => processExited));

  const address = `127.0.0.1:${port}`;
  try {
    await waitUntilReady({
      child,
      address,
      namespace,
      searchAttributes: opts.searchAttributes,
      output,
      deadline: Date.now() + (opts.startTimeoutMs ?? 60_000),
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return { address, namespace, uiUrl: uiPort === null ? null : `http://127.0.0.1:${uiPort}`, exited: processExited, stop };
}

function buildArgs(o: DevServerOptions & { namespace: string; port: number; uiPort: number | null }): string[] {
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(o.port), '--namespace', o.namespace];
  args.push('--db-filename', path.resolve(o.dbFile), '--log-level', 'warn');
  // The Web UI is a developers' tool that can cancel or terminate any case past the API's rules: this machine only.
  args.push(...(o.uiPort === null ? ['--headless'] : ['--ui-ip', '127.0.0.1', '--ui-port', String(o.uiPort)]));
  if (o.codecEndpoint) args.push('--ui-codec-endpoint', o.codecEndpoint);
  // Only honoured when the db file (namespace) is new; waitUntilReady adds what a restart skipped.
  for (const [name, type] of Object.entries(o.searchAttributes)) args.push('--search-attribute', `${name}=${type}`);
  for (const key of ['frontend.enableUpdateWorkflowExecution', 'frontend.enableUpdateWorkflowExecutionAsyncAccepted']) {
    args.push('--dynamic-config-value', `${key}=true`);
  }
  return args;
}

/** The CLI reads TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, ... as defaults; they are meant for our clients, not it. */
function serverEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('TEMPORAL_')));
}

async function openLog(file: string, cliPath: string, args: string[]): Promise<WriteStream> {
  await fs.mkdir(path.dirname(path.resolve(file)), { recursive: true });
  const stream = createWriteStream(file, { flags: 'a' });
  stream.write(`\n=== ${new Date().toISOString()} ${cliPath} ${args.join(' ')}\n`);
  return stream;
}

/** Keeps the last lines in memory for error messages, and everything in the log file if there is one. */
function captureOutput(child: GuardedChild, log: WriteStream | undefined): { tail(): string } {
  let recent = '';
  const onData = (chunk: Buffer): void => {
    log?.write(chunk);
    recent = (recent + chunk.toString()).slice(-8_000);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  return { tail: () => recent.trimEnd().split('\n').slice(-25).join('\n') };
}

async function waitUntilReady(o: {
  child: GuardedChild;
  address: string;
  namespace: string;
  searchAttributes: Record<string, SearchAttributeTypeName>;
  output: { tail(): string };
  deadline: number;
}): Promise<void> {
  let lastError: unknown;
  while (Date.now() < o.deadline) {
    if (o.child.exitCode !== null || o.child.signalCode !== null) {
      const status = o.child.exitCode ?? o.child.signalCode;
      throw new Error(`temporal dev server exited during start-up (${status}):\n${o.output.tail()}`);
    }
    try {
      const connection = await Connection.connect({ address: o.address, connectTimeout: 2_000 });
      try {
        await connection.workflowService.getSystemInfo({});
        await connection.workflowService.describeNamespace({ namespace: o.namespace });
        await ensureSearchAttributes(connection, o.namespace, o.searchAttributes);
        return;
      } finally {
        await connection.close();
      }
    } catch (err) {
      if (err instanceof FatalStartError) throw err;
      lastError = err;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`temporal dev server at ${o.address} not ready in time (last error: ${String(lastError)}):\n${o.output.tail()}`);
}

/** A start-up failure that retrying cannot fix. */
class FatalStartError extends Error {}

async function ensureSearchAttributes(
  connection: Connection,
  namespace: string,
  wanted: Record<string, SearchAttributeTypeName>,
): Promise<void> {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  const existing: Record<string, number> = { ...(customAttributes ?? {}) };
  const missing: Record<string, number> = {};
  for (const [name, type] of Object.entries(wanted)) {
    const expected = INDEXED_VALUE_TYPE[type];
    if (existing[name] === undefined) missing[name] = expected;
    else if (existing[name] !== expected) {
      throw new FatalStartError(
        `search attribute ${name} is registered with another type (IndexedValueType ${existing[name]}, wanted ${type}); ` +
          'a type cannot be changed: use a new name or delete the db file',
      );
    }
  }
  if (Object.keys(missing).length === 0) return;
  try {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
  } catch (err) {
    // Typically the SQLite visibility store running out of slots of one type.
    throw new FatalStartError(`could not add search attributes ${Object.keys(missing).join(', ')}: ${String(err)}`);
  }
}

async function assertPortFree(port: number, what: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) =>
      reject(new Error(`port ${port} for ${what} is not free: ${err.code ?? err.message}`)),
    );
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}
