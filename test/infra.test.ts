import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { jwtVerify } from 'jose';
import { getFreePort } from '../scripts/ports';
import { spawnGuarded, stopGuarded } from '../scripts/guarded-spawn';
import { createTestDatabase } from './support/database';
import { startTestDevServer, type TestDevServer } from './support/dev-server';
import { waitFor } from './support/polling';
import { createTimeSkippingEnv } from './support/time-skipping';

const ROOT = path.resolve(__dirname, '..');
const execFileAsync = promisify(execFile);

/** Deliberately not the project's attributes: the infra must work for any set, and on restart add new ones. */
const FIRST_ATTRIBUTES = { InfraStage: 'Keyword', InfraUrgent: 'Bool', InfraDueAt: 'Datetime' } as const;
const MORE_ATTRIBUTES = { ...FIRST_ATTRIBUTES, InfraLevel: 'Int', InfraFlags: 'KeywordList' } as const;
/** Values of temporal.api.enums.v1.IndexedValueType */
const INDEXED = { Keyword: 2, Int: 3, Bool: 5, Datetime: 6, KeywordList: 7 } as const;

describe('Temporal dev server', () => {
  let tmp: string;
  const running: TestDevServer[] = [];

  beforeAll(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'huiying-infra-'));
  });
  afterAll(async () => {
    await Promise.all(running.map((s) => s.stop()));
    await fs.rm(tmp, { recursive: true, force: true });
  });

  async function start(attributes: Record<string, keyof typeof INDEXED>, dbFile: string): Promise<TestDevServer> {
    const server = await startTestDevServer(attributes, { dbFile, namespace: 'infra' });
    running.push(server);
    return server;
  }

  async function customAttributes(address: string): Promise<Record<string, number>> {
    const connection = await Connection.connect({ address });
    try {
      const response = await connection.operatorService.listSearchAttributes({ namespace: 'infra' });
      return { ...(response.customAttributes ?? {}) };
    } finally {
      await connection.close();
    }
  }

  test('starts from the installed binary, answers, and registers the search attributes', async () => {
    const dbFile = path.join(tmp, 'first.db');
    const server = await start(FIRST_ATTRIBUTES, dbFile);
    expect(server.address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(server.uiUrl).toBeNull();
    expect(await customAttributes(server.address)).toMatchObject({
      InfraStage: INDEXED.Keyword,
      InfraUrgent: INDEXED.Bool,
      InfraDueAt: INDEXED.Datetime,
    });
    await server.stop();
  });

  test('restarts on the same db file, keeps its data and adds search attributes new since', async () => {
    const dbFile = path.join(tmp, 'restart.db');
    const first = await start(FIRST_ATTRIBUTES, dbFile);
    const workflowId = `infra-${Date.now()}`;
    let connection = await Connection.connect({ address: first.address });
    await new Client({ connection, namespace: 'infra' }).workflow.start('NoSuchWorkflow', {
      taskQueue: 'infra-nobody-polls',
      workflowId,
      typedSearchAttributes: [{ key: defineSearchAttributeKey('InfraStage', SearchAttributeType.KEYWORD), value: 'new' }],
    });
    await connection.close();
    await first.stop();

    // The CLI applies --search-attribute only when it creates the namespace, i.e. on a new db file.
    const second = await start(MORE_ATTRIBUTES, dbFile);
    expect(await customAttributes(second.address)).toMatchObject({
      InfraStage: INDEXED.Keyword,
      InfraLevel: INDEXED.Int,
      InfraFlags: INDEXED.KeywordList,
    });
    connection = await Connection.connect({ address: second.address });
    try {
      const client = new Client({ connection, namespace: 'infra' });
      const description = await client.workflow.getHandle(workflowId).describe();
      expect(description.status.name).toBe('RUNNING');
      await client.workflow.start('NoSuchWorkflow', {
        taskQueue: 'infra-nobody-polls',
        workflowId: `${workflowId}-b`,
        typedSearchAttributes: [{ key: defineSearchAttributeKey('InfraLevel', SearchAttributeType.INT), value: 2 }],
      });
    } finally {
      await connection.close();
    }
    await second.stop();
  });

  test('rejects with the server output when the process cannot start', async () => {
    const dbFile = path.join(tmp, 'corrupt', 'x.db');
    await fs.mkdir(path.dirname(dbFile), { recursive: true });
    await fs.writeFile(dbFile, 'this is not a sqlite database');
    await expect(start(FIRST_ATTRIBUTES, dbFile)).rejects.toThrow(/exited during start-up/);
  });
});

test('the time-skipping environment starts from the installed binary', async () => {
  const env = await createTimeSkippingEnv();
  try {
    const { capabilities } = await env.connection.workflowService.getSystemInfo({});
    expect(capabilities).toBeDefined();
    const before = Date.now();
    await env.sleep('1 day');
    expect((await env.currentTimeMs()) - before).toBeGreaterThanOrEqual(24 * 3600 * 1000);
  } finally {
    await env.teardown();
  }
});

describe('npm run token', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'huiying-token-'));
  });
  afterAll(() => fs.rm(dataDir, { recursive: true, force: true }));

  function runToken(args: string[]) {
    const env: NodeJS.ProcessEnv = { ...process.env, HUIYING_DATA_DIR: dataDir };
    delete env.AUTH_JWT_SECRET;
    return execFileAsync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', 'token.ts'), ...args], {
      cwd: ROOT,
      env,
    });
  }

  test('prints a token on its last line that verifies with the dev secret and carries the claims', async () => {
    const { stdout } = await runToken(['--sub', 'r1', '--name', '张三', '--role', 'reviewer,handler', '--unit', 'U07', '--levels', '2,1']);
    const token = stdout.trimEnd().split('\n').at(-1) ?? '';
    const secret = (await fs.readFile(path.join(dataDir, 'dev-jwt-secret'), 'utf8')).trim();
    expect((await fs.stat(path.join(dataDir, 'dev-jwt-secret'))).mode & 0o777).toBe(0o600);

    const { payload, protectedHeader } = await jwtVerify(token, new TextEncoder().encode(secret), {
      issuer: 'huiying',
      algorithms: ['HS256'],
    });
    expect(protectedHeader.alg).toBe('HS256');
    expect(payload).toMatchObject({ sub: 'r1', name: '张三', roles: ['reviewer', 'handler'], unit: 'U07', levels: [1, 2] });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(8 * 3600);
  });

  test('refuses unknown roles and a handler without a unit', async () => {
    await expect(runToken(['--sub', 'x', '--name', 'x', '--role', 'boss'])).rejects.toMatchObject({
      stderr: expect.stringContaining('unknown role(s): boss'),
    });
    await expect(runToken(['--sub', 'x', '--name', 'x', '--role', 'handler'])).rejects.toMatchObject({
      stderr: expect.stringContaining('handler requires --unit'),
    });
  });
});

describe('npm start supervises its children', () => {
  /** A worker that dies at once, every time: `npm start` must keep restarting it, with backoff, and keep the API. */
  const DYING_WORKER = `console.log('stand-in worker up'); setTimeout(() => process.exit(3), 100);`;
  /** An API that answers 200 on PORT. */
  const API = `import { createServer } from 'node:http';
createServer((_req, res) => res.end('ok')).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('stand-in api listening'));`;

  test('a worker that exits is restarted with growing delays while the API keeps answering', async () => {
    const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'huiying-supervisor-'));
    const server = await startTestDevServer();
    const database = await createTestDatabase();
    let start: ReturnType<typeof spawnGuarded> | undefined;
    try {
      await fs.writeFile(path.join(tmp, 'worker.mjs'), DYING_WORKER);
      await fs.writeFile(path.join(tmp, 'api.mjs'), API);
      const port = await getFreePort();
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        TEMPORAL_ADDRESS: server.address,
        TEMPORAL_NAMESPACE: server.namespace,
        DATABASE_URL: database.url,
        HUIYING_DATA_DIR: path.join(tmp, 'data'),
        PORT: String(port),
        HUIYING_WORKER_ENTRY: path.join(tmp, 'worker.mjs'),
        HUIYING_API_ENTRY: path.join(tmp, 'api.mjs'),
      };
      delete env.AUTH_JWT_SECRET;
      start = spawnGuarded(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', 'start.ts')], { cwd: ROOT, env });
      let output = '';
      start.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      start.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));

      // Three deaths: restarts after 1 s, 2 s, 4 s (the third one is announced, not awaited).
      await waitFor(
        'three worker restarts announced',
        async () => output,
        (o) => (o.match(/\[start\] worker exited \(exit code 3\)/g) ?? []).length >= 3,
        { timeoutMs: 45_000, intervalMs: 250 },
      );
      expect(output).toMatch(/worker exited \(exit code 3\) after [\d.]+ s; restart 1 in 1 s/);
      expect(output).toMatch(/restart 2 in 2 s/);
      expect(output).toMatch(/restart 3 in 4 s/);
      expect((output.match(/\[worker\] stand-in worker up/g) ?? []).length).toBeGreaterThanOrEqual(3);
      // The API was never stopped: it answers, and npm start is still running.
      const res = await fetch(`http://127.0.0.1:${port}/`);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('ok');
      expect(output.match(/\[api\] stand-in api listening/g)).toHaveLength(1);
      expect(output).not.toMatch(/stopping \.\.\./);
      expect(start.exitCode).toBeNull();
    } finally {
      if (start) await stopGuarded(start, 15_000);
      await database.drop();
      await server.stop();
      await fs.rm(tmp, { recursive: true, force: true });
    }
  });
});
