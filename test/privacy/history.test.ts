/**
 * No personal data in Temporal's history: a real time-skipping server, a real worker and a client that both use the
 * payload codec (the production configuration). A case runs with a distinctive citizen name, phone and content; its
 * full history is then read through a client WITHOUT the codec — what the server stores and the Web UI shows — and
 * scanned byte by byte: every payload, the whole history as protobuf and as JSON, the search attributes.
 */
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { ENCODING_ENCRYPTED, payloadKeyId } from '../../temporal/payload-codec';
import type { CaseInput } from '../../domain/case';
import { getCaseQuery } from '../../temporal/definitions';
import { SEARCH_ATTRIBUTE_TYPES } from '../../temporal/search-attributes';
import { act, approveAllLevels, assignAndAccept, getCase, historyToJson, startCase, useTimeSkipping } from '../workflows/helpers';
import { outboxOf } from '../support/outbox';
import { people } from '../support/personas';
import { eventually } from '../support/polling';

const CITIZEN = { name: '隐私测试欧阳娜娜', phone: '13987650123' };
const CONTENT = '隐私扫描专用：幸福路十七号井盖缺失，夜间有行人摔伤';
const NEEDLES = [CITIZEN.name, CITIZEN.phone, CONTENT];

const h = useTimeSkipping();

type History = temporal.api.history.v1.IHistory;
interface FoundPayload {
  path: string;
  payload: Payload;
}

/** Every payload anywhere in a message tree (event attributes, maps of search attributes, failures, headers). */
function payloadsIn(value: unknown, at = ''): FoundPayload[] {
  if (!value || typeof value !== 'object' || value instanceof Uint8Array) return [];
  if (Array.isArray(value)) return value.flatMap((v, i) => payloadsIn(v, `${at}[${i}]`));
  const record = value as Record<string, unknown>;
  const metadata = record.metadata as Record<string, unknown> | undefined;
  if (metadata && typeof metadata === 'object' && 'encoding' in metadata) return [{ path: at, payload: record as Payload }];
  return Object.entries(record).flatMap(([k, v]) => payloadsIn(v, at ? `${at}.${k}` : k));
}

/** The needles found in some bytes (UTF-8, as JSON payloads and protobuf strings carry text). */
function needlesIn(bytes: Uint8Array | string): string[] {
  const haystack = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : Buffer.from(bytes);
  return NEEDLES.filter((n) => haystack.includes(Buffer.from(n, 'utf8')));
}

function payloadBytes(p: Payload): Buffer {
  return Buffer.concat([
    Buffer.from(p.data ?? []),
    ...Object.entries(p.metadata ?? {}).flatMap(([k, v]) => [Buffer.from(k), Buffer.from(v ?? [])]),
  ]);
}

const encodingOf = (p: Payload) => Buffer.from(p.metadata?.encoding ?? []).toString('utf8');

test('a whole case leaves no name, phone or content in its history; through the codec it all decodes', async () => {
  const { handle } = await startCase(h, { citizen: CITIZEN, content: CONTENT, title: '井盖缺失' });
  await assignAndAccept(handle);
  // Staff write personal data into notes too: update inputs are payloads like any other.
  await act(handle, 'progress', people.housingHandler, { note: `已电话联系${CITIZEN.name}（${CITIZEN.phone}）` });
  await act(handle, 'submit', people.housingHandler, { result: '已补装井盖并设置警示' });
  await approveAllLevels(handle);
  await act(handle, 'callback', people.operator, { result: 'satisfied' });
  const final = await handle.result();
  expect(final.stage).toBe('closed');
  // The citizen's notifications (receipt, answer) carried the phone through activity inputs.
  const outbox = await eventually(
    () => outboxOf(h, final.id),
    (o) => o.filter((n) => n.to.kind === 'citizen').length >= 2,
  );
  expect(JSON.stringify(outbox)).toContain(CITIZEN.phone);

  // What Temporal stores: the history through the environment's own client, which has no codec.
  const raw: History = await h.env.client.workflow.getHandle(handle.workflowId).fetchHistory();
  const found = payloadsIn(raw.events);
  expect(found.length).toBeGreaterThan(30);

  // 1. Every payload's raw bytes.
  expect(found.filter((f) => needlesIn(payloadBytes(f.payload)).length > 0).map((f) => f.path)).toEqual([]);
  // 2. The whole history as the server sends it (protobuf), search attributes, failures and all.
  const protoBytes = temporal.api.history.v1.History.encode(raw as temporal.api.history.v1.History).finish();
  expect(protoBytes.length).toBeGreaterThan(10_000);
  expect(needlesIn(protoBytes)).toEqual([]);
  // 3. And as JSON (the format of `temporal workflow show --output json` and of the UI's download).
  expect(needlesIn(historyToJson(raw))).toEqual([]);
  expect(needlesIn(JSON.stringify(raw))).toEqual([]);

  // Everything but search attributes is encrypted, with the harness's key: inputs, update arguments and results,
  // activity inputs and results, local-activity markers, the workflow result.
  // Not encrypted, and readable by design: search attributes (visibility needs them; none is personal), and the SDK
  // core's own bookkeeping of local activities in their markers (sequence, attempt, type, times).
  const notEncrypted = found.filter((f) => encodingOf(f.payload) !== ENCODING_ENCRYPTED);
  const searchAttributes = notEncrypted.filter((f) => /searchAttributes\.indexedFields\.\w+$/.test(f.path));
  expect(searchAttributes.length).toBeGreaterThan(10);
  // Besides ours, only Temporal's own record of the workflow-code patches a run took (their ids, e.g. 'read-model-summary').
  const TEMPORAL_PATCHES = 'TemporalChangeVersion';
  expect(
    searchAttributes.map((f) => f.path.split('.').at(-1)).filter((name) => !(name! in SEARCH_ATTRIBUTE_TYPES) && name !== TEMPORAL_PATCHES),
  ).toEqual([]);
  const markerData = notEncrypted.filter((f) => /markerRecordedEventAttributes\.details\.data\.payloads\[0\]$/.test(f.path));
  for (const f of markerData) {
    const bookkeeping = defaultPayloadConverter.fromPayload<Record<string, unknown>>(f.payload);
    expect(Object.keys(bookkeeping).sort()).toEqual([
      'activity_id',
      'activity_type',
      'attempt',
      'backoff',
      'complete_time',
      'original_schedule_time',
      'seq',
    ]);
  }
  // Patch markers (Temporal's versioning of workflow code) name the patch and nothing else.
  const patchMarkers = notEncrypted.filter((f) => /markerRecordedEventAttributes\.details\.patch-data\.payloads\[0\]$/.test(f.path));
  for (const f of patchMarkers) {
    expect(Object.keys(defaultPayloadConverter.fromPayload<Record<string, unknown>>(f.payload)).sort()).toEqual(['deprecated', 'id']);
  }
  expect(
    notEncrypted
      .filter((f) => !searchAttributes.includes(f) && !markerData.includes(f) && !patchMarkers.includes(f))
      .map((f) => `${f.path}: ${encodingOf(f.payload)}`),
  ).toEqual([]);
  const markerResults = found.filter((f) => /markerRecordedEventAttributes\.details\.result\.payloads/.test(f.path));
  expect(markerResults.length).toBeGreaterThan(0);
  expect(markerResults.every((f) => encodingOf(f.payload) === ENCODING_ENCRYPTED)).toBe(true);
  expect(new Set(found.filter((f) => encodingOf(f.payload) === ENCODING_ENCRYPTED).map((f) => payloadKeyId(f.payload)))).toEqual(
    new Set(['test-1']),
  );
  const kinds = new Set(
    found.filter((f) => encodingOf(f.payload) === ENCODING_ENCRYPTED).map((f) => f.path.replace(/^\[\d+\]\./, '').split('.')[0]),
  );
  for (const kind of [
    'workflowExecutionStartedEventAttributes',
    'workflowExecutionUpdateAcceptedEventAttributes',
    'workflowExecutionUpdateCompletedEventAttributes',
    // Messages and read-model rows go out in local activities (markers); regular activities only retry a message.
    'markerRecordedEventAttributes',
    'workflowExecutionCompletedEventAttributes',
  ]) {
    expect({ kind, encrypted: kinds.has(kind) }).toEqual({ kind, encrypted: true });
  }

  // The scan can see personal data where it is: decrypted, the same payloads are full of it.
  const decoded = await h.codec.decode(found.map((f) => f.payload));
  const decodedNeedles = new Set(decoded.flatMap((p) => needlesIn(payloadBytes(p))));
  expect([...decodedNeedles].sort()).toEqual([...NEEDLES].sort());
  // Through the codec the case input decodes to exactly what was started.
  const started = raw.events![0].workflowExecutionStartedEventAttributes!;
  const [input] = (await h.codec.decode(started.input!.payloads!)).map((p) => defaultPayloadConverter.fromPayload<CaseInput>(p));
  expect(input.request).toMatchObject({ citizen: CITIZEN, content: CONTENT });
  // And the codec client reads the state as usual.
  expect((await getCase(handle)).citizen).toEqual(CITIZEN);
});

test('search attributes, memo and workflow id carry no personal data; query results are encrypted on the wire', async () => {
  const { handle, caseId } = await startCase(h, { citizen: CITIZEN, content: CONTENT, title: '井盖缺失' });
  await assignAndAccept(handle);
  expect(needlesIn(handle.workflowId)).toEqual([]);
  expect(needlesIn(caseId)).toEqual([]);

  const description = await handle.describe();
  const attributes = Object.fromEntries(description.typedSearchAttributes.getAll().map((p) => [p.key.name, p.value]));
  expect(attributes.HuiyingStage).toBe('rectifying'); // they are there, and readable by anyone who can list
  expect(needlesIn(JSON.stringify(attributes))).toEqual([]);
  // The memo carries the title for lists (temporal/start-case.ts); through the codec it reads as such ...
  expect(description.memo).toEqual({ title: '井盖缺失' });
  // ... but what the server holds and sends is encrypted: no title, name, phone or content in clear.
  const rawMemo = description.raw.workflowExecutionInfo?.memo?.fields ?? {};
  expect(Object.keys(rawMemo)).toEqual(['title']);
  for (const payload of Object.values(rawMemo)) {
    expect(encodingOf(payload)).toBe(ENCODING_ENCRYPTED);
    expect(needlesIn(payloadBytes(payload))).toEqual([]);
    expect(payloadBytes(payload).includes(Buffer.from('井盖缺失', 'utf8'))).toBe(false);
  }
  const rawDescription = temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse.encode(description.raw).finish();
  expect(needlesIn(rawDescription)).toEqual([]);
  expect(Buffer.from(rawDescription).includes(Buffer.from('井盖缺失', 'utf8'))).toBe(false);

  // A query answer is not history, but it crosses the wire encrypted: a client without the codec cannot read it.
  await expect(h.env.client.workflow.getHandle(handle.workflowId).query(getCaseQuery)).rejects.toThrow(/binary\/encrypted/);
  expect((await getCase(handle)).citizen).toEqual(CITIZEN);
  await handle.terminate('test over');
});
