/**
 * `npm run temporal` against a real dev server on a port that is not the CLI's default, as a child process with only
 * Huiying's configuration in its environment: it lists that server's workflows in the configured namespace, and when
 * nothing answers at the configured address it refuses and runs nothing — never a command sent elsewhere.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { getFreePort } from '../../scripts/ports';
import { startTestDevServer, type TestDevServer } from '../support/dev-server';
import { temporalBinaries } from '../support/binaries';
import { waitFor } from '../support/polling';

const execFileAsync = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..');
const NAMESPACE = 'lezhi-ops';

let server: TestDevServer;
let dataDir: string;
let cli: string;

beforeAll(async () => {
  server = await startTestDevServer(undefined, { namespace: NAMESPACE });
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'huiying-temporal-cli-'));
  cli = (await temporalBinaries()).cli;
});
afterAll(async () => {
  await server?.stop();
  await fs.rm(dataDir, { recursive: true, force: true });
});

/** `npm run temporal -- …` as a shell runs it, with this configuration and no other TEMPORAL_* of the test run. */
function runWrapper(config: Record<string, string>, args: string[]) {
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TEMPORAL_')));
  Object.assign(env, { HUIYING_DATA_DIR: dataDir, TEMPORAL_CLI_PATH: cli, ...config });
  return execFileAsync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', 'temporal-cli.ts'), ...args], {
    cwd: ROOT,
    env,
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, stdout: err.stdout, stderr: err.stderr }),
  );
}

test("lists the workflows of the server and namespace Huiying's configuration names (TEMPORAL_PORT, TEMPORAL_NAMESPACE)", async () => {
  const workflowId = `temporal-cli-probe-${randomUUID()}`;
  const connection = await Connection.connect({ address: server.address });
  try {
    // No worker needed: a started workflow is listed while it waits for one.
    await new Client({ connection, namespace: NAMESPACE }).workflow.start('probeWorkflow', { taskQueue: 'nobody-polls', workflowId });
  } finally {
    await connection.close();
  }
  const port = server.address.split(':').pop()!;
  const listed = await waitFor(
    'the wrapper to list the probe (visibility lags a little)',
    () => runWrapper({ TEMPORAL_PORT: port, TEMPORAL_NAMESPACE: NAMESPACE }, ['workflow', 'list', '-o', 'json']),
    (r) => r.code === 0 && r.stdout.includes(workflowId),
    { timeoutMs: 30_000, intervalMs: 1000 },
  );
  expect(listed.stderr).toContain(`[temporal] 127.0.0.1:${port}, namespace ${NAMESPACE} (TEMPORAL_PORT=${port}`);
  // -o json is clean on stdout: the server's name went to stderr.
  expect(JSON.parse(listed.stdout)).toEqual(
    expect.arrayContaining([expect.objectContaining({ execution: expect.objectContaining({ workflowId }) })]),
  );

  // TEMPORAL_ADDRESS names the same server as a cluster would be named.
  const byAddress = await runWrapper({ TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: NAMESPACE }, [
    'workflow',
    'describe',
    '-w',
    workflowId,
  ]);
  expect(byAddress.code).toBe(0);
  expect(byAddress.stderr).toContain('(TEMPORAL_ADDRESS)');
});

test('refuses, running nothing, when no server answers at the configured address or it lacks the namespace', async () => {
  const nobody = String(await getFreePort());
  const refused = await runWrapper({ TEMPORAL_PORT: nobody }, ['schedule', 'trigger', '--schedule-id', 'huiying-spot-check']);
  expect(refused.code).toBe(2);
  expect(refused.stderr).toContain(`no Temporal server answers at 127.0.0.1:${nobody} (TEMPORAL_PORT=${nobody}`);
  expect(refused.stderr).toContain('Nothing was run');
  expect(refused.stderr).toContain(path.join(dataDir, 'huiying.env'));

  const port = server.address.split(':').pop()!;
  const noNamespace = await runWrapper({ TEMPORAL_PORT: port, TEMPORAL_NAMESPACE: 'no-such-county' }, ['workflow', 'list']);
  expect(noNamespace.code).toBe(2);
  expect(noNamespace.stderr).toContain("has no namespace 'no-such-county'");

  const byHand = await runWrapper({ TEMPORAL_PORT: port, TEMPORAL_NAMESPACE: NAMESPACE }, [
    'workflow',
    'list',
    '--address',
    'localhost:7233',
  ]);
  expect(byHand.code).toBe(2);
  expect(byHand.stderr).toContain("--address is taken from Huiying's configuration");
});
