/**
 * End-to-end harness: a real `temporal server start-dev` (free ports, temp db; or, under `npm run test:cluster`, a
 * namespace of its own on a real cluster: test/support/test-temporal.ts), a real Worker from `createWorker`
 * with a real `OutboxNotifier` in a temp dir, a real Temporal `Client`, and the real Express app from `createApp`
 * listening on a free port. Nothing of Temporal is mocked: tests talk HTTP to the API and, where a scenario cannot
 * be reached through the API (a case registered days ago), start workflows with the API's own recipe.
 *
 * One harness per test file (or describe block): `const h = useE2E(opts)` starts it in `beforeAll` and stops it in
 * `afterAll` (test/support/lifecycle.ts). A dev server per file keeps files independent; teardown stops everything
 * it started, in reverse order, even after failures. People are in test/support/personas.ts, request bodies in
 * test/support/cases.ts, the outbox readers in test/support/outbox.ts, polling in test/support/polling.ts.
 */
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import os from 'node:os';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { AuditLog } from '../../api/audit';
import type { Notifier } from '../../activities/notifier';
import { OutboxNotifier } from '../../activities/outbox-notifier';
import { EncryptionCodec, type PayloadKeyring } from '../../temporal/payload-codec';
import { dataConverter } from '../../temporal/data-converter';
import { generatePayloadKey, parsePayloadKeys } from '../../config/keys';
import { createApp, type AppDeps } from '../../api/app';
import { caseIdFor, hashRequest } from '../../api/ids';
import { signToken } from '../../api/tokens';
import { createCalendar, type WorkingCalendar } from '../../domain/calendar';
import type { NewCase } from '../../domain/case';
import { shanghaiYear } from '../../domain/ledger';
import { TimeLimitsSchema, type TimeLimits } from '../../domain/limits';
import type { Actor, ReviewLevel } from '../../domain/roles';
import { DEFAULT_UNITS, UnitDirectory } from '../../domain/units';
import { getFreePort } from '../../scripts/ports';
import { createWorker } from '../../worker/create-worker';
import { allocateIntake, markIntakeStarted } from '../../db/ledger';
import type { Db } from '../../db/pool';
import { createTestDatabase } from '../support/database';
import { loadWorkflowBundle } from '../support/bundle';
import { newCase, startCaseWith } from '../support/cases';
import { startTestTemporal, type TestTemporal } from '../support/test-temporal';
import { useHarness } from '../support/lifecycle';
import { levelReviewers, people } from '../support/personas';
import { reportTimings, waitFor } from '../support/polling';
import { Cleanups, quietRuntime, runWorker as runUntilStopped } from '../support/runtime';

export const LEDGER_PREFIX = 'LZ';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface ApiResponse {
  status: number;
  body: Json;
  text: string;
  headers: Headers;
}

export interface ApiOptions {
  /** A raw bearer token, or an actor to sign one for. */
  token?: string | Actor;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as is, with content-type application/json (for malformed bodies). */
  rawBody?: string;
  headers?: Record<string, string>;
}

export type ApiCall = (method: string, path: string, opts?: ApiOptions) => Promise<ApiResponse>;

export interface ExtraApp {
  baseUrl: string;
  api: ApiCall;
}

export interface E2EOptions {
  /** The payload keys of worker and API (default: one random key, 'e2e-1'). Every harness encrypts, as production. */
  payloadKeys?: PayloadKeyring;
  /**
   * The county's rules (default: the defaults with 并单 off). Most tests register one citizen's identical request
   * many times, which the merge rule would rightly treat as repeats; the merge tests pass DEFAULT_LIMITS.
   */
  limits?: TimeLimits;
  /** Wraps the real outbox (or routes beside it, e.g. to e-mail); every worker of the harness gets the result. */
  notifier?: (outbox: OutboxNotifier, db: Db) => Notifier;
}

export interface E2E {
  /** Its own dev server, or under `npm run test:cluster` its own namespace on the run's cluster. */
  server: TestTemporal;
  /** The API's client, with the payload codec. Replaced by restartWorkerAndApi. */
  client: Client;
  /** A client WITHOUT the codec: what Temporal really stores (raw histories). */
  rawClient: Client;
  /** The payload codec of the main worker and the main app. Replaced by restartWorkerAndApi. */
  codec: EncryptionCodec;
  namespace: string;
  taskQueue: string;
  baseUrl: string;
  secret: string;
  outbox: OutboxNotifier;
  calendar: WorkingCalendar;
  limits: TimeLimits;
  units: UnitDirectory;
  /** The read model's database of this harness (its own, dropped at teardown). */
  db: Db;
  /** A bearer token for `actor`, signed with the harness's secret (8 h unless told otherwise). */
  token(actor: Actor, expiresIn?: string): Promise<string>;
  api: ApiCall;
  /** Another app on its own port, e.g. pointing at another task queue; stopped by teardown. */
  startApp(overrides?: Partial<AppDeps>): Promise<ExtraApp>;
  /** Another worker (e.g. with a county's own limits) on its own task queue; returns what stops it (teardown does too). */
  startWorker(opts: { taskQueue: string; limits?: TimeLimits }): Promise<() => Promise<void>>;
  /**
   * Starts a case workflow as the API does (its ledger numbers, its input builder, its start call), but
   * registered at `registeredAt` (in the past) with its first deadline computed from then: its timer fires
   * `overdue` (and the red flag, if due) at once.
   */
  startBackdatedCase(registeredAt: Date, overrides?: Partial<NewCase>): Promise<{ id: string; ledgerNo: string }>;
  /**
   * Stops the main worker and the main app and starts them again with these payload keys (a key rotation): same
   * task queue, new client, new app on a new port. Updates `client`, `codec`, `api` and `baseUrl` of this harness.
   */
  restartWorkerAndApi(payloadKeys: PayloadKeyring): Promise<void>;
  teardown(): Promise<void>;
}

/**
 * An end-to-end harness for the enclosing file (or describe block): started in beforeAll, stopped in afterAll
 * (after reporting its waits' timings when HUIYING_E2E_TIMINGS is set).
 */
export function useE2E(opts: E2EOptions = {}): E2E {
  return useHarness(() => startE2E(opts), { beforeTeardown: () => reportTimings(path.basename(expect.getState().testPath ?? 'e2e')) });
}

export async function startE2E(opts: E2EOptions = {}): Promise<E2E> {
  const cleanups = new Cleanups();
  const teardown = () => cleanups.run();

  try {
    const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'huiying-e2e-'));
    cleanups.push('temp dir', () => fs.rm(tmp, { recursive: true, force: true }));
    const payloadKeys = opts.payloadKeys ?? parsePayloadKeys(`e2e-1:${generatePayloadKey()}`);
    const outbox = new OutboxNotifier(path.join(tmp, 'outbox'), payloadKeys);

    const database = await createTestDatabase();
    cleanups.push('database', () => database.drop());
    const { db } = database;
    const notifier = opts.notifier ? opts.notifier(outbox, db) : outbox;

    quietRuntime();
    const server = await startTestTemporal();
    cleanups.push(server.kind, () => server.stop());
    const namespace = server.namespace;

    const connection = await Connection.connect({ address: server.address });
    cleanups.push('client connection', () => connection.close());
    let codec = new EncryptionCodec(payloadKeys);
    const codecClient = (c: EncryptionCodec) => new Client({ connection, namespace, dataConverter: dataConverter(c) });
    let client = codecClient(codec);
    const rawClient = new Client({ connection, namespace });

    const nativeConnection = await NativeConnection.connect({ address: server.address });
    cleanups.push('worker connection', () => nativeConnection.close());

    const calendar = createCalendar();
    const limits = opts.limits ?? TimeLimitsSchema.parse({ merge: { enabled: false } });
    const units = new UnitDirectory(DEFAULT_UNITS);
    const workflowBundle = loadWorkflowBundle();

    /** Starts a worker (with the current codec) and returns what stops it; teardown stops it too. */
    const runWorker = async (opts: { taskQueue: string; limits?: TimeLimits }): Promise<() => Promise<void>> => {
      const worker = await createWorker({
        connection: nativeConnection,
        namespace,
        taskQueue: opts.taskQueue,
        notifier,
        calendar,
        limits: opts.limits ?? limits,
        workflowBundle,
        payloadCodec: codec,
        db,
        temporal: { client: codecClient(codec), taskQueue: opts.taskQueue },
      });
      const stop = runUntilStopped(worker);
      cleanups.push(`worker ${opts.taskQueue}`, stop);
      return stop;
    };
    const startWorker = (opts: { taskQueue: string; limits?: TimeLimits }): Promise<() => Promise<void>> => runWorker(opts);

    const taskQueue = `huiying-e2e-${randomUUID()}`;
    let stopMainWorker = await runWorker({ taskQueue });

    const secret = randomBytes(32).toString('hex');
    const tokens = new Map<string, Promise<string>>();
    const token = (actor: Actor, expiresIn?: string): Promise<string> => {
      const sign = () =>
        signToken({ sub: actor.id, name: actor.name, roles: actor.roles, unit: actor.unit, levels: actor.levels }, secret, expiresIn);
      if (expiresIn !== undefined) return sign();
      const key = JSON.stringify(actor);
      if (!tokens.has(key)) tokens.set(key, sign());
      return tokens.get(key)!;
    };

    // The audit log goes to the test's temporary folder, not the checkout's data/.
    const auditLog = new AuditLog(path.join(tmp, 'audit'));
    const baseDeps = (): AppDeps => ({
      client,
      db,
      taskQueue,
      jwtSecret: secret,
      units,
      ledgerPrefix: LEDGER_PREFIX,
      calendar,
      limits,
      audit: auditLog,
    });
    const runApp = async (overrides: Partial<AppDeps> = {}): Promise<ExtraApp & { stop(): Promise<void> }> => {
      const { server: http, baseUrl } = await listen(createApp({ ...baseDeps(), ...overrides }));
      let stopped: Promise<void> | undefined;
      const stop = () => (stopped ??= closeServer(http));
      cleanups.push(`api ${baseUrl}`, stop);
      return { baseUrl, api: apiClient(baseUrl, token), stop };
    };
    const startApp = async (overrides: Partial<AppDeps> = {}): Promise<ExtraApp> => {
      const { baseUrl, api } = await runApp(overrides);
      return { baseUrl, api };
    };
    let main = await runApp();

    const startBackdatedCase = async (registeredAt: Date, overrides: Partial<NewCase> = {}) => {
      const request = newCase(overrides);
      const id = caseIdFor('e2e-backdated', randomUUID());
      const requestHash = hashRequest(request);
      // The API's ledger numbers (db/ledger.ts); no sealed input: this starts the case itself, right away.
      const { intake } = await allocateIntake(db, {
        caseId: id,
        prefix: LEDGER_PREFIX,
        year: shanghaiYear(registeredAt),
        requestHash,
        input: null,
      });
      await startCaseWith(client, taskQueue, { id, ledgerNo: intake.ledgerNo, request, registeredAt, limits, calendar, requestHash });
      await markIntakeStarted(db, id);
      return { id, ledgerNo: intake.ledgerNo };
    };

    const restartWorkerAndApi = async (payloadKeys: PayloadKeyring): Promise<void> => {
      await main.stop();
      await stopMainWorker();
      codec = new EncryptionCodec(payloadKeys);
      client = codecClient(codec);
      stopMainWorker = await runWorker({ taskQueue });
      main = await runApp();
      Object.assign(h, { client, codec, api: main.api, baseUrl: main.baseUrl });
    };

    const h: E2E = {
      server,
      client,
      rawClient,
      codec,
      namespace,
      taskQueue,
      baseUrl: main.baseUrl,
      secret,
      outbox,
      calendar,
      limits,
      units,
      db,
      token,
      api: main.api,
      startApp,
      startWorker,
      startBackdatedCase,
      restartWorkerAndApi,
      teardown,
    };

    // Ready means what /health means: Temporal answers and our worker polls the task queue.
    await waitFor(
      'the API to report healthy (worker polling)',
      () => h.api('GET', '/health'),
      (r) => r.status === 200,
      { timeoutMs: 60_000 },
    );
    return h;
  } catch (err) {
    await teardown().catch(() => undefined);
    throw err;
  }
}

function apiClient(baseUrl: string, token: (actor: Actor) => Promise<string>): ApiCall {
  return async (method, urlPath, opts = {}) => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.token !== undefined) headers.authorization = `Bearer ${typeof opts.token === 'string' ? opts.token : await token(opts.token)}`;
    let body: string | undefined;
    if (opts.rawBody !== undefined || opts.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = opts.rawBody ?? JSON.stringify(opts.body);
    }
    const res = await fetch(`${baseUrl}${urlPath}`, { method, headers, body });
    const text = await res.text();
    let parsed: Json = undefined;
    if ((res.headers.get('content-type') ?? '').includes('json') && text.length > 0) parsed = JSON.parse(text);
    return { status: res.status, body: parsed, text, headers: res.headers };
  };
}

async function listen(app: ReturnType<typeof createApp>): Promise<{ server: Server; baseUrl: string }> {
  // getFreePort leaves a small window before we bind: retry on the rare collision.
  for (let attempt = 1; ; attempt++) {
    const port = await getFreePort();
    const server = createServer(app);
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      });
      return { server, baseUrl: `http://127.0.0.1:${port}` };
    } catch (err) {
      if (attempt >= 5 || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    }
  }
}

async function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
  // fetch keeps connections alive; without this, close() would wait for them to time out.
  server.closeAllConnections();
  await closed;
}

// ---------------------------------------------------------------------------------------------------------
// Assertions and drivers shared by the e2e files.

/** Asserts the one error shape of the API: `{error: {code, message, details?}}`, and nothing else. */
export function expectApiError(res: ApiResponse, status: number, code: string, message?: string | RegExp): Json {
  const where = `${res.status} ${res.text.slice(0, 500)}`;
  if (res.status !== status) throw new Error(`expected HTTP ${status} (${code}), got ${where}`);
  expect(res.headers.get('content-type')).toMatch(/application\/json/);
  expect(Object.keys(res.body)).toEqual(['error']);
  const error = res.body.error;
  expect(Object.keys(error).every((k) => ['code', 'message', 'details'].includes(k))).toBe(true);
  expect(error.code).toBe(code);
  expect(typeof error.message).toBe('string');
  expect(error.message.length).toBeGreaterThan(0);
  if (message !== undefined) expect(error.message).toMatch(message);
  return error;
}

/** Asserts a 2xx-class status with a readable failure message (the body) otherwise. */
export function expectStatus(res: ApiResponse, status: number): Json {
  if (res.status !== status) throw new Error(`expected HTTP ${status}, got ${res.status}: ${res.text.slice(0, 800)}`);
  return res.body;
}

export interface Drive {
  create(overrides?: Partial<NewCase>, headers?: Record<string, string>): Promise<Json>;
  act(id: string, path: string, actor: Actor, body: unknown, headers?: Record<string, string>): Promise<Json>;
  get(id: string, actor: Actor): Promise<Json>;
  assign(id: string, unit: string): Promise<Json>;
  assignAndAccept(id: string, handler: Actor): Promise<Json>;
  toReviewing(id: string, handler: Actor): Promise<Json>;
  approveLevels(id: string, levels?: ReviewLevel[]): Promise<Json>;
  toReplied(id: string, handler: Actor): Promise<Json>;
}

/** Small drivers of the case loop, each call an HTTP request that must succeed. */
export function drive(h: { api: ApiCall }): Drive {
  const d: Drive = {
    async create(overrides = {}, headers) {
      return expectStatus(await h.api('POST', '/cases', { token: people.operator, body: newCase(overrides), headers }), 201);
    },
    async act(id, actionPath, actor, body, headers) {
      return expectStatus(await h.api('POST', `/cases/${id}/${actionPath}`, { token: actor, body, headers }), 200);
    },
    async get(id, actor) {
      return expectStatus(await h.api('GET', `/cases/${id}`, { token: actor }), 200);
    },
    assign: (id, unit) => d.act(id, 'assign', people.dispatcher, { unit }),
    async assignAndAccept(id, handler) {
      await d.assign(id, handler.unit!);
      return d.act(id, 'accept', handler, { note: '已签收' });
    },
    async toReviewing(id, handler) {
      await d.assignAndAccept(id, handler);
      return d.act(id, 'submit', handler, { result: '已督促物业更换楼道灯，现场核实正常' });
    },
    async approveLevels(id, levels = [1, 2, 3]) {
      let last: Json;
      for (const level of levels) last = await d.act(id, 'review', levelReviewers[level], { level, decision: 'approve' });
      return last;
    },
    async toReplied(id, handler) {
      await d.toReviewing(id, handler);
      return d.approveLevels(id);
    },
  };
  return d;
}

/** Lists from GET /cases (all pages) as `actor`. */
export async function listAll(api: ApiCall, actor: Actor, query: string, pageSize = 200): Promise<Json[]> {
  const items: Json[] = [];
  let pageToken: string | null = null;
  do {
    const sep = query ? '&' : '';
    const res = await api('GET', `/cases?${query}${sep}pageSize=${pageSize}${pageToken ? `&pageToken=${pageToken}` : ''}`, {
      token: actor,
    });
    const body = expectStatus(res, 200);
    items.push(...body.items);
    pageToken = body.nextPageToken;
  } while (pageToken);
  return items;
}

export const ids = (items: { id: string }[]): string[] => items.map((i) => i.id);

/** A case as the API answers it (domain/view.ts). */
export type { CaseView } from '../../domain/view';

/** A county's limits, validated like HUIYING_LIMITS_FILE would be. */
export function countyLimits(overrides: Record<string, unknown>): TimeLimits {
  // 并单 off unless asked for, as in the default harness: these tests register identical requests on purpose.
  return TimeLimitsSchema.parse({ merge: { enabled: false }, ...overrides });
}
