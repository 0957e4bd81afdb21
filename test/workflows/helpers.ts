/**
 * The time-skipping harness, for the workflow, deadline and history tests: a real time-skipping Temporal test
 * server, a real Worker from `createWorker` with a real `OutboxNotifier` (encrypted) in a temp dir, and small drivers for the
 * case loop. A test file takes one with `const h = useTimeSkipping(opts)` (test/support/lifecycle.ts), which
 * starts it in `beforeAll` and tears it down in `afterAll`. People are in test/support/personas.ts, request bodies
 * and the start recipe in test/support/cases.ts, the outbox readers in test/support/outbox.ts.
 */
import type { Db } from '../../db/pool';
import { createTestDatabase } from '../support/database';
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { WorkflowUpdateFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, type DataConverter, type PayloadCodec } from '@temporalio/common';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
// Not re-exported by the package's index; the environment's own client is one of these, without our codec.
import { TimeSkippingClient } from '@temporalio/testing/lib/client';
import type { ActionBody, ActionKind } from '../../domain/actions';
import type { WorkingCalendar } from '../../domain/calendar';
import type { CaseState, NewCase } from '../../domain/case';
import type { Actor } from '../../domain/roles';
import type { Notifier } from '../../activities/notifier';
import { OutboxNotifier } from '../../activities/outbox-notifier';
import { EncryptionCodec } from '../../temporal/payload-codec';
import { dataConverter } from '../../temporal/data-converter';
import { parsePayloadKeys } from '../../config/keys';
import { createWorker } from '../../worker/create-worker';
import { actionUpdates, getCaseQuery } from '../../temporal/definitions';
import { SEARCH_ATTRIBUTE_TYPES } from '../../temporal/search-attributes';
import { loadWorkflowBundle } from '../support/bundle';
import { newCase, startCaseWith, type CaseHandle, type StartedCase } from '../support/cases';
import { useHarness } from '../support/lifecycle';
import { levelReviewers, people } from '../support/personas';
import { Cleanups, quietRuntime, runWorker } from '../support/runtime';
import { createTimeSkippingEnv } from '../support/time-skipping';

export type { CaseHandle, StartedCase };

/**
 * Every test runs with payload encryption, as production does. The worker and `Harness.client` use this codec;
 * `Harness.env.client` is the environment's own client WITHOUT it (for raw histories). The key is fixed (derived from
 * a constant, for tests only) so that a history recorded by one run (RECORD_HISTORY=1) replays in another.
 */
export const TEST_PAYLOAD_KEYS = `test-1:${createHash('sha256').update('huiying test payload key 1').digest('base64')}`;
export const testPayloadCodec = new EncryptionCodec(parsePayloadKeys(TEST_PAYLOAD_KEYS));
/** For `Worker.runReplayHistory` of histories recorded by a harness (their payloads are encrypted). */
export const testDataConverter: DataConverter = dataConverter(testPayloadCodec);

export interface Harness {
  env: TestWorkflowEnvironment;
  /** A time-skipping client with the payload codec (encrypts what it sends, decrypts what it reads). */
  client: Client;
  /** The payload codec of the client and the worker. */
  codec: PayloadCodec;
  namespace: string;
  taskQueue: string;
  outboxDir: string;
  /** The real outbox the worker's notifier writes to (possibly through a wrapper). */
  outbox: OutboxNotifier;
  /** The read model's database of this harness (its own, dropped at teardown). */
  db: Db;
  teardown(): Promise<void>;
}

export interface HarnessOptions {
  /** Wraps the real outbox, e.g. to inject faults; the worker gets the wrapper. */
  notifier?: (outbox: OutboxNotifier) => Notifier;
  /**
   * Start the server's clock at this ISO instant instead of now (libfaketime, see createTimeSkippingEnv): the
   * deadline tests run on real dates in the past this way.
   */
  startAt?: string;
  /** A workflow bundle to use instead of the one jest's globalSetup built (e.g. outside jest). */
  workflowBundle?: { code: string };
  /** Another payload codec for worker and client (default: testPayloadCodec). */
  payloadCodec?: PayloadCodec;
  /** The worker's working-day calendar (default: the official data alone). */
  calendar?: WorkingCalendar;
}

/** A time-skipping harness for the enclosing file (or describe block): started in beforeAll, stopped in afterAll. */
export function useTimeSkipping(opts: HarnessOptions = {}): Harness {
  return useHarness(() => startHarness(opts));
}

/**
 * Starts a time-skipping server, registers Huiying's search attributes on it (the workflow upserts them and the
 * server refuses unknown ones), and runs a real worker on a fresh task queue. On a failure half-way it tears down
 * whatever it had started before rethrowing, so a broken beforeAll leaves no process behind.
 */
export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const cleanups = new Cleanups();
  const teardown = () => cleanups.run();
  try {
    const outboxDir = await fs.mkdtemp(path.join(os.tmpdir(), 'huiying-outbox-'));
    cleanups.push('outbox dir', () => fs.rm(outboxDir, { recursive: true, force: true }));
    const outbox = new OutboxNotifier(outboxDir, parsePayloadKeys(TEST_PAYLOAD_KEYS));

    const database = await createTestDatabase();
    cleanups.push('database', () => database.drop());
    const { db } = database;

    quietRuntime();
    const env = await createTimeSkippingEnv({ startAt: opts.startAt });
    cleanups.push('time-skipping server', () => env.teardown());
    const namespace = env.namespace ?? 'default';
    await registerSearchAttributes(env, namespace);

    const codec = opts.payloadCodec ?? testPayloadCodec;
    const client = new TimeSkippingClient({ connection: env.connection, namespace, dataConverter: dataConverter(codec) });
    const taskQueue = `huiying-test-${randomUUID()}`;
    const worker = await createWorker({
      connection: env.nativeConnection,
      namespace,
      taskQueue,
      notifier: opts.notifier ? opts.notifier(outbox) : outbox,
      workflowBundle: opts.workflowBundle ?? loadWorkflowBundle(),
      payloadCodec: codec,
      db,
      temporal: { client, taskQueue },
      ...(opts.calendar ? { calendar: opts.calendar } : {}),
    });
    cleanups.push('worker', runWorker(worker));

    return { env, client, codec, namespace, taskQueue, outboxDir, outbox, db, teardown };
  } catch (err) {
    await teardown().catch(() => undefined);
    throw err;
  }
}

const SA_TYPE_NAMES = {
  Keyword: 'KEYWORD',
  Text: 'TEXT',
  Int: 'INT',
  Double: 'DOUBLE',
  Bool: 'BOOL',
  Datetime: 'DATETIME',
  KeywordList: 'KEYWORD_LIST',
} as const;

async function registerSearchAttributes(env: TestWorkflowEnvironment, namespace: string): Promise<void> {
  const searchAttributes = Object.fromEntries(
    Object.entries(SEARCH_ATTRIBUTE_TYPES).map(([name, type]) => [name, encodeSearchAttributeIndexedValueType(SA_TYPE_NAMES[type])!]),
  );
  await env.connection.operatorService.addSearchAttributes({ namespace, searchAttributes });
}

let caseSeq = 0;

/**
 * Starts a case as the API does (test/support/cases.ts: the production input builder and start call), registered
 * now on the server's clock — which the deadline tests set and every test may have skipped ahead. The ledger
 * number is made up here (no sequencer runs), and the first deadline is left to the workflow (its planDeadlines
 * local activity), as no calendar is given at intake.
 */
export async function startCase(h: Harness, overrides: Partial<NewCase> = {}): Promise<StartedCase> {
  caseSeq += 1;
  return startCaseWith(h.client, h.taskQueue, {
    id: `c-${caseSeq}-${randomUUID().slice(0, 8)}`,
    ledgerNo: `LZ-2026-${String(900_000 + caseSeq).padStart(6, '0')}`,
    request: newCase(overrides),
    registeredAt: await h.env.currentTimeMs(),
  });
}

/** Runs one action through its Workflow Update, as the API would after its own checks. */
export function act<K extends ActionKind>(handle: CaseHandle, kind: K, actor: Actor, body: ActionBody<K>): Promise<CaseState> {
  return handle.executeUpdate(actionUpdates[kind], { args: [actor, body] });
}

export interface UpdateRefusal {
  type: string;
  message: string;
  details: unknown[];
}

/**
 * Awaits an update that must be refused and returns the failure's type (the error code), message and details.
 * Fails the test if the update was accepted or failed in any other way.
 */
export async function refusalOf(update: Promise<unknown>): Promise<UpdateRefusal> {
  let result: unknown;
  try {
    result = await update;
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
      return { type: err.cause.type ?? '', message: err.cause.message, details: [...(err.cause.details ?? [])] };
    }
    throw err;
  }
  throw new Error(`expected the update to be refused, but it was accepted: ${JSON.stringify(result).slice(0, 300)}`);
}

export function getCase(handle: CaseHandle): Promise<CaseState> {
  return handle.query(getCaseQuery);
}

/** assign → accept by a handler of the unit. */
export async function assignAndAccept(handle: CaseHandle, handler: Actor = people.housingHandler): Promise<CaseState> {
  await act(handle, 'assign', people.dispatcher, { unit: handler.unit! });
  return act(handle, 'accept', handler, { note: '已签收' });
}

/** Levels 1, 2, 3 approved by the three single-level reviewers. */
export async function approveAllLevels(handle: CaseHandle): Promise<CaseState> {
  let state: CaseState | undefined;
  for (const level of [1, 2, 3] as const) {
    state = await act(handle, 'review', levelReviewers[level], { level, decision: 'approve' });
  }
  return state!;
}

/** From a freshly started case to `replied`: assign, accept, progress, submit, three approvals. */
export async function driveToReplied(handle: CaseHandle, handler: Actor = people.housingHandler): Promise<CaseState> {
  await assignAndAccept(handle, handler);
  await act(handle, 'progress', handler, { note: '已联系物业，约定本周内维修' });
  await act(handle, 'submit', handler, { result: '物业已更换楼道灯，现场核实正常' });
  return approveAllLevels(handle);
}

/** The event types of a workflow's history, without the `EVENT_TYPE_` prefix. */
export async function historyEventTypes(handle: WorkflowHandle): Promise<string[]> {
  const history = await handle.fetchHistory();
  return (history.events ?? []).map((e) => eventTypeName(e.eventType));
}

function eventTypeName(type: unknown): string {
  // The history's enum values arrive as numbers; look their names up in the proto enum.
  const name = typeof type === 'number' ? temporal.api.enums.v1.EventType[type] : String(type);
  return name.replace(/^EVENT_TYPE_/, '');
}

type HistoryType = typeof temporal.api.history.v1.History;
interface ProtoJson {
  toJson(type: HistoryType, message: temporal.api.history.v1.IHistory): unknown;
  fromJson(type: HistoryType, json: unknown, options: { ignoreUnknownFields: boolean }): temporal.api.history.v1.History;
}

/**
 * protobufjs' proto-JSON codec, from the very copy of protobufjs that `@temporalio/proto` uses. The SDK's own
 * `historyToJSON`/`historyFromJSON` (and so `Worker.runReplayHistory` given JSON) fail in this install with
 * "type must be a Type": npm left three copies of protobufjs 8 (under @temporalio/proto, /common and /worker,
 * because grpc's proto-loader pins protobufjs 7 at the top), and `ext/protojson` of one copy rejects the reflection
 * types of another. Resolving it next to @temporalio/proto works whether or not the tree is ever deduplicated.
 */
function protoJson(): ProtoJson {
  const protoDir = path.dirname(require.resolve('@temporalio/proto/package.json'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(require.resolve('protobufjs/ext/protojson', { paths: [protoDir] })) as ProtoJson;
}

/** A history as canonical proto-JSON, the format the SDK's `historyToJSON` writes (enum values by full name). */
export function historyToJson(history: temporal.api.history.v1.IHistory): string {
  const History = temporal.api.history.v1.History;
  return JSON.stringify(protoJson().toJson(History, History.fromObject(history)), null, 2) + '\n';
}

/** The inverse of `historyToJson`; the result goes to `Worker.runReplayHistory` as a decoded History. */
export function historyFromJson(json: unknown): temporal.api.history.v1.History {
  return protoJson().fromJson(temporal.api.history.v1.History, json, { ignoreUnknownFields: true });
}
