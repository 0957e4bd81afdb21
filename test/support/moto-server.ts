/**
 * A real S3-compatible server for the tests of the S3 blob store: moto's server (installed by scripts/moto.ts) on a
 * free loopback port, in a process of its own, stopped by the test. Nothing is skipped: when moto cannot be
 * installed or started, the test fails saying why.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { ensureMotoServer } from '../../scripts/moto';
import { getFreePort } from '../../scripts/ports';
import { waitFor } from './polling';

export interface MotoServer {
  /** http://127.0.0.1:<port> */
  endpoint: string;
  /** moto accepts any credentials; these are what the tests sign with. */
  credentials: { accessKeyId: string; secretAccessKey: string };
  stop(): Promise<void>;
}

export async function startMotoServer(): Promise<MotoServer> {
  const server = await ensureMotoServer();
  const port = await getFreePort();
  let output = '';
  const child: ChildProcess = spawn(server, ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
  });
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  try {
    await waitFor(
      `moto_server on ${endpoint}`,
      async () => {
        if (child.exitCode !== null) throw new Error(`moto_server exited (${child.exitCode}): ${output}`);
        return (await fetch(`${endpoint}/moto-api/`)).status;
      },
      (status) => status < 500,
      { timeoutMs: 30_000, intervalMs: 200 },
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { endpoint, credentials: { accessKeyId: 'huiying-test', secretAccessKey: 'huiying-test-secret' }, stop };
}
