/**
 * Shared fixtures for the workflow tests: a real time-skipping Temporal test server, a real Worker from
 * `createWorker` with a real `OutboxNotifier` in a temp dir, the people of each role, and small drivers for
 * the case loop. Every test file builds its own harness in `beforeAll` and calls `teardown()` in `afterAll`.
 */
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
import { DefaultLogger, Runtime, type LogLevel, type Worker } from '@temporalio/worker';
import type { ActionBody, ActionKind } from '../../domain/actions';
import type { CaseInput, CaseState, NewCase } from '../../domain/case';
import type { Notification } from '../../domain/notifications';
import type { Actor, ReviewLevel } from '../../domain/roles';
import { initialState } from '../../domain/rules';
import { searchValuesOf } from '../../domain/search';
import type { Notifier } from '../../activities/notifier';
import { OutboxNotifier } from '../../activities/outbox-notifier';
import { EncryptionCodec } from '../../temporal/payload-codec';
import { parsePayloadKeys } from '../../config/keys';
import { createWorker } from '../../worker/create-worker';
import type { caseWorkflow } from '../../workflows/case';
import { actionUpdates, caseWorkflowId, getCaseQuery } from '../../temporal/definitions';
import { SEARCH_ATTRIBUTE_TYPES, startSearchAttributes } from '../../temporal/search-attributes';
import { DEFAULT_LIMITS, policyFrom } from '../../domain/limits';
import { loadWorkflowBundle } from '../support/bundle';
import { createTimeSkippingEnv } from '../support/time-skipping';

export const HOUSING = 'housing-construction';
export const TRANSPORT = 'transport';

/** One person per role, plus the awkward ones the separation-of-duties rules are about. */
export const actors = {
  operator: { id: 'op-li', name: '李话务', roles: ['operator'], levels: [] },
  dispatcher: { id: 'disp-zhao', name: '赵派单', roles: ['dispatcher'], levels: [] },
  housingHandler: { id: 'hc-wang', name: '王承办', roles: ['handler'], unit: HOUSING, levels: [] },
  transportHandler: { id: 'tr-chen', name: '陈承办', roles: ['handler'], unit: TRANSPORT, levels: [] },
  reviewer1: { id: 'rv-1-sun', name: '孙初审', roles: ['reviewer'], levels: [1] },
  reviewer2: { id: 'rv-2-zhou', name: '周审核', roles: ['reviewer'], levels: [2] },
  reviewer3: { id: 'rv-3-wu', name: '吴审发', roles: ['reviewer'], levels: [3] },
  reviewer12: { id: 'rv-12-zheng', name: '郑审核', roles: ['reviewer'], levels: [1, 2] },
  /** A housing handler who also holds every review level: may submit, but never review their own result. */
  housingHandlerReviewer: { id: 'hc-feng', name: '冯兼审', roles: ['handler', 'reviewer'], unit: HOUSING, levels: [1, 2, 3] },
  supervisor: { id: 'sup-qian', name: '钱督办', roles: ['supervisor'], levels: [] },
} satisfies Record<string, Actor>;

export const levelReviewers: Record<ReviewLevel, Actor> = { 1: actors.reviewer1, 2: actors.reviewer2, 3: actors.reviewer3 };

/**
 * Every test runs with payload encryption, as production does. The worker and `Harness.client` use this codec;
 * `Harness.env.client` is the environment's own client WITHOUT it (for raw histories). The key is fixed (derived from
 * a constant, for tests only) so that a history recorded by one run (RECORD_HISTORY=1) replays in another.
 */
export const TEST_PAYLOAD_KEYS = `test-1:${createHash('sha256').update('huiying test payload key 1').digest('base64')}`;
export const testPayloadCodec = new EncryptionCodec(parsePayloadKeys(TEST_PAYLOAD_KEYS));
/** For `Worker.runReplayHistory` of histories recorded by a harness (their payloads are encrypted). */
export const testDataConverter: DataConverter = { payloadCodecs: [testPayloadCodec] };

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
  teardown(): Promise<void>;
}

export interface HarnessOptions {
  /** Wraps the real outbox, e.g. to inject faults; the worker gets the wrapper. */
  notifier?: (outbox: OutboxNotifier) => Notifier;
  /** Start the server's clock at this ISO instant instead of now (see createTimeSkippingEnv). */
  startAt?: string;
  /** A workflow bundle to use instead of the one jest's globalSetup built (e.g. outside jest). */
  workflowBundle?: { code: string };
  /** Another payload codec for worker and client (default: testPayloadCodec). */
  payloadCodec?: PayloadCodec;
}

/**
 * Starts a time-skipping server, registers Huiying's search attributes on it (the workflow upserts them and the
 * server refuses unknown ones), and runs a real worker on a fresh task queue. On a failure half-way it tears down
 * whatever it had started before rethrowing, so a broken beforeAll leaves no process behind.
 */
export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const cleanups: (() => Promise<unknown>)[] = [];
  const teardown = async (): Promise<void> => {
    const errors: unknown[] = [];
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length > 0) throw errors[0];
  };
  try {
    const outboxDir = await fs.mkdtemp(path.join(os.tmpdir(), 'huiying-outbox-'));
    cleanups.push(() => fs.rm(outboxDir, { recursive: true, force: true }));
    const outbox = new OutboxNotifier(outboxDir);

    quietRuntime();
    const env = await createTimeSkippingEnv({ startAt: opts.startAt });
    cleanups.push(() => env.teardown());
    const namespace = env.namespace ?? 'default';
    await registerSearchAttributes(env, namespace);

    const codec = opts.payloadCodec ?? testPayloadCodec;
    const client = new TimeSkippingClient({ connection: env.connection, namespace, dataConverter: { payloadCodecs: [codec] } });
    const taskQueue = `huiying-test-${randomUUID()}`;
    const worker = await createWorker({
      connection: env.nativeConnection,
      namespace,
      taskQueue,
      notifier: opts.notifier ? opts.notifier(outbox) : outbox,
      workflowBundle: opts.workflowBundle ?? loadWorkflowBundle(),
      payloadCodec: codec,
    });
    const running = worker.run();
    cleanups.push(() => stopWorker(worker, running));

    return { env, client, codec, namespace, taskQueue, outboxDir, outbox, teardown };
  } catch (err) {
    await teardown().catch(() => undefined);
    throw err;
  }
}

/**
 * The SDK logs every activity and worker state change at INFO, which buries jest's report; keep WARN and up
 * (set HUIYING_TEST_LOG=INFO or DEBUG to see everything). Only possible before the runtime first starts.
 */
function quietRuntime(): void {
  if (Runtime._instance) return;
  const level = (process.env.HUIYING_TEST_LOG?.toUpperCase() ?? 'WARN') as LogLevel;
  Runtime.install({ logger: new DefaultLogger(level) });
}

async function stopWorker(worker: Worker, running: Promise<void>): Promise<void> {
  if (worker.getState() === 'RUNNING') worker.shutdown();
  await running;
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

export type CaseHandle = WorkflowHandle<typeof caseWorkflow>;

let caseSeq = 0;

export function newCaseRequest(overrides: Partial<NewCase> = {}): NewCase {
  return {
    channel: 'hotline',
    type: 'complaint',
    urgent: false,
    confidential: false,
    citizen: { name: '测试市民', phone: '13800001234' },
    title: '小区楼道灯长期不亮',
    content: '天池街道某小区3栋楼道灯坏了两个月，物业不修。',
    location: '乐至县天池街道',
    category: '物业管理',
    ...overrides,
  };
}

/** Starts a case the way the API does: a ledger number fixed beforehand, search attributes set at start. */
export async function startCase(h: Harness, overrides: Partial<NewCase> = {}): Promise<{ handle: CaseHandle; caseId: string; input: CaseInput }> {
  caseSeq += 1;
  const caseId = `c-${caseSeq}-${randomUUID().slice(0, 8)}`;
  const input: CaseInput = {
    id: caseId,
    ledgerNo: `LZ-2026-${String(900_000 + caseSeq).padStart(6, '0')}`,
    request: newCaseRequest(overrides),
    registeredBy: { id: actors.operator.id, name: actors.operator.name, role: 'operator' },
    policy: policyFrom(DEFAULT_LIMITS),
  };
  const typedSearchAttributes = startSearchAttributes(searchValuesOf(initialState(input, new Date().toISOString())));
  const handle = await h.client.workflow.start<typeof caseWorkflow>('caseWorkflow', {
    taskQueue: h.taskQueue,
    workflowId: caseWorkflowId(caseId),
    args: [input],
    typedSearchAttributes,
  });
  return { handle, caseId, input };
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
export async function assignAndAccept(handle: CaseHandle, handler: Actor = actors.housingHandler): Promise<CaseState> {
  await act(handle, 'assign', actors.dispatcher, { unit: handler.unit! });
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
export async function driveToReplied(handle: CaseHandle, handler: Actor = actors.housingHandler): Promise<CaseState> {
  await assignAndAccept(handle, handler);
  await act(handle, 'progress', handler, { note: '已联系物业，约定本周内维修' });
  await act(handle, 'submit', handler, { result: '物业已更换楼道灯，现场核实正常' });
  return approveAllLevels(handle);
}

export type OutboxRecord = Notification & { queuedAt: string };

/** The case's delivered notifications, in delivery order. */
export function outboxOf(h: Harness, caseId: string): Promise<OutboxRecord[]> {
  return h.outbox.listCase(caseId);
}

/** A compact, order-independent picture of an outbox: `template→recipient` strings, sorted. */
export function outboxSummary(records: Notification[]): string[] {
  return records.map((n) => `${n.template}→${recipientKey(n)}`).sort();
}

function recipientKey(n: Notification): string {
  switch (n.to.kind) {
    case 'citizen':
      return `citizen:${n.to.citizen.phone}`;
    case 'unit':
      return `unit:${n.to.unit}`;
    case 'reviewers':
      return `reviewers:${n.to.level}`;
    default:
      return n.to.kind;
  }
}

/**
 * Polls (in real time) until `check` passes, then returns its value. Notifications are delivered by an activity
 * after the update returns, so a test that looks at the outbox mid-case waits for them here.
 */
export async function eventually<T>(probe: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value).slice(0, 1000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
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
