/**
 * The real Temporal server as a child process: all four services (frontend, history, matching, worker) in one
 * process, its configuration written into its own folder at each start, its output into a log file. Waits until the
 * frontend answers; stopped with SIGTERM (then SIGKILL), and never outlives us (scripts/guarded-spawn.ts).
 */
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { spawnGuarded, stopGuarded } from '../guarded-spawn';
import { withoutTemporalVariables } from './databases';
import { allPorts, dynamicConfigYaml, serverConfigYaml, type DynamicConfigOptions, type ServerConfigOptions } from './server-config';

export interface TemporalServer {
  address: string;
  logFile: string;
  /** Settles when the server process exits, whether through stop() or not. */
  exited: Promise<void>;
  stop(): Promise<void>;
}

const STOP_GRACE_MS = 10_000;
/** The server's own environment name: its configuration file is `<root>/config/<ENV>.yaml`. */
const SERVER_ENV = 'huiying';

export async function startTemporalServer(o: {
  binary: string;
  /** Its folder: config/, the dynamic config. */
  root: string;
  logFile: string;
  config: Omit<ServerConfigOptions, 'dynamicConfigFile'>;
  dynamicConfig?: DynamicConfigOptions;
  startTimeoutMs?: number;
}): Promise<TemporalServer> {
  for (const port of allPorts(o.config.ports)) await assertPortFree(port);
  const configDir = path.join(o.root, 'config');
  await fs.mkdir(configDir, { recursive: true, mode: 0o700 });
  const dynamicConfigFile = path.join(o.root, 'dynamicconfig.yaml');
  await fs.writeFile(dynamicConfigFile, dynamicConfigYaml(o.dynamicConfig));
  // It holds the database password: this user's only.
  await fs.writeFile(path.join(configDir, `${SERVER_ENV}.yaml`), serverConfigYaml({ ...o.config, dynamicConfigFile }), { mode: 0o600 });

  const args = ['--root', o.root, '--config', 'config', '--env', SERVER_ENV, '--allow-no-auth', 'start'];
  await fs.mkdir(path.dirname(o.logFile), { recursive: true });
  const log = createWriteStream(o.logFile, { flags: 'a' });
  log.write(`\n=== ${new Date().toISOString()} ${o.binary} ${args.join(' ')}\n`);
  const child = spawnGuarded(o.binary, args, { env: withoutTemporalVariables(process.env) });
  let recent = '';
  const onData = (chunk: Buffer) => {
    log.write(chunk);
    recent = (recent + chunk.toString()).slice(-8_000);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve())).then(
    () => new Promise<void>((resolve) => log.end(resolve)),
  );
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= stopGuarded(child, STOP_GRACE_MS).then(() => exited));
  const tail = () => recent.trimEnd().split('\n').slice(-25).join('\n');

  const address = `127.0.0.1:${o.config.ports.frontend}`;
  const deadline = Date.now() + (o.startTimeoutMs ?? 120_000);
  let lastError: unknown;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(`the Temporal server exited during start-up (${child.exitCode ?? child.signalCode}; log ${o.logFile}):\n${tail()}`);
    }
    try {
      const connection = await Connection.connect({ address, connectTimeout: 2_000 });
      try {
        await connection.workflowService.getSystemInfo({});
        // The system namespace answers once the history service holds its shards.
        await connection.workflowService.describeNamespace({ namespace: 'temporal-system' });
        return { address, logFile: o.logFile, exited, stop };
      } finally {
        await connection.close();
      }
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `the Temporal server at ${address} was not ready in time (last error: ${String(lastError)}; log ${o.logFile}):\n${tail()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Fail fast: another server on one of the ports would answer in place of ours, or take one of its services' ports. */
async function assertPortFree(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) =>
      reject(new Error(`port ${port} for the Temporal server is not free: ${err.code ?? err.message}`)),
    );
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}
