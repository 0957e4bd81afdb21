/**
 * The codec endpoint end to end, on a real dev server with the real worker and Express app (test/e2e/harness.ts),
 * every payload encrypted: decoding a real payload from a case's history for a supervisor, refusals, the cookie
 * session the Web UI relies on, CORS for the UI's origin, the Temporal CLI as a codec client, what the dev
 * server's Web UI is told, the SQLite file free of plaintext, and a key rotation with worker and API restarted.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { type temporal } from '@temporalio/proto';
import { ENCODING_ENCRYPTED, EncryptionCodec, payloadKeyId } from '../../temporal/payload-codec';
import { generatePayloadKey, parsePayloadKeys } from '../../config/keys';
import type { CodecAccess } from '../../api/routes/codec';
import type { Actor } from '../../domain/roles';
import { startDevServer } from '../../scripts/dev-server';
import { type ApiCall, drive, expectApiError, expectStatus, type ExtraApp, type Json, useE2E } from '../e2e/harness';
import { HOUSING, people } from '../support/personas';
import { temporalBinaries } from '../support/binaries';
import { devServerOf } from '../support/test-temporal';

const K1 = generatePayloadKey();
const K2 = generatePayloadKey();
const CITIZEN = { name: '隐私端到端上官明月', phone: '13711112222' };
const CONTENT = '端到端隐私检查：青年路八号垃圾站臭味扰民';
const UI_ORIGIN = 'http://localhost:8233';

const h = useE2E({ payloadKeys: parsePayloadKeys(`k1:${K1}`) });
const d = drive(h);
/** An app like the main one, plus the audit hook. */
let audited: ExtraApp;
const accesses: CodecAccess[] = [];
let caseId: string;

beforeAll(async () => {
  audited = await h.startApp({ onCodecDecode: (a) => void accesses.push(a) });
  const created = await d.create({ citizen: CITIZEN, content: CONTENT });
  caseId = created.id;
  await d.assignAndAccept(caseId, people.housingHandler);
});

type WirePayload = { metadata: Record<string, string>; data: string };
const toWire = (p: Payload): WirePayload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')])),
  data: Buffer.from(p.data ?? []).toString('base64'),
});
const text = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');

/** The raw history of a case, read without the codec: what Temporal stores. */
async function rawHistory(id: string): Promise<temporal.api.history.v1.IHistory> {
  return h.rawClient.workflow.getHandle(`case-${id}`).fetchHistory();
}
async function startedInput(id: string): Promise<Payload> {
  const history = await rawHistory(id);
  return history.events![0].workflowExecutionStartedEventAttributes!.input!.payloads![0];
}
/** Every encrypted payload anywhere in a history. */
function encryptedPayloads(value: unknown): Payload[] {
  if (!value || typeof value !== 'object' || value instanceof Uint8Array) return [];
  if (Array.isArray(value)) return value.flatMap(encryptedPayloads);
  const record = value as Record<string, unknown>;
  const metadata = record.metadata as Record<string, Uint8Array> | undefined;
  if (metadata && typeof metadata === 'object' && 'encoding' in metadata) {
    return Buffer.from(metadata.encoding).toString() === ENCODING_ENCRYPTED ? [record as Payload] : [];
  }
  return Object.values(record).flatMap(encryptedPayloads);
}

const decodeRequest = (api: ApiCall, payloads: WirePayload[], opts: { token?: string | Actor; headers?: Record<string, string> } = {}) =>
  api('POST', '/codec/decode', { token: opts.token, body: { payloads }, headers: { 'x-namespace': h.namespace, ...opts.headers } });

describe('POST /codec/decode', () => {
  test('a supervisor gets a real payload from the history decrypted; the access is audited with the case, unit and user agent', async () => {
    const input = await startedInput(caseId);
    expect(payloadKeyId(input)).toBe('k1');
    expect(Buffer.from(input.data!).includes(Buffer.from(CITIZEN.phone))).toBe(false);

    const res = await decodeRequest(audited.api, [toWire(input)], {
      token: people.supervisor,
      headers: { 'user-agent': 'TemporalUI/2.x' },
    });
    const body = expectStatus(res, 200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(body.payloads).toHaveLength(1);
    expect(text(body.payloads[0].metadata.encoding)).toBe('json/plain');
    const decoded = JSON.parse(text(body.payloads[0].data));
    expect(decoded).toMatchObject({ id: caseId, request: { citizen: CITIZEN, content: CONTENT } });

    expect(accesses).toEqual([
      expect.objectContaining({
        actor: { id: people.supervisor.id, name: people.supervisor.name, roles: ['supervisor'], unit: null },
        workflowIds: [`case-${caseId}`],
        userAgent: 'TemporalUI/2.x',
        via: 'bearer',
        namespace: h.namespace,
        payloads: 1,
        decrypted: 1,
        keyIds: ['k1'],
      }),
    ]);
  });

  test('nobody the API would hide a citizen from gets plaintext: an admin (masked in the API), a supervisor of a unit', async () => {
    const wire = [toWire(await startedInput(caseId))];
    const before = accesses.length;
    expectApiError(await decodeRequest(audited.api, wire, { token: people.admin }), 403, 'forbidden');
    const unitSupervisor = { ...people.supervisor, id: 'sup-unit', unit: HOUSING };
    expectApiError(await decodeRequest(audited.api, wire, { token: unitSupervisor }), 403, 'forbidden', /不属于任何单位的督办员/);
    expect(accesses).toHaveLength(before);
  });

  test('a handler or an operator gets 403, no token 401, a bad token 401; nothing decoded, nothing audited', async () => {
    const wire = [toWire(await startedInput(caseId))];
    const before = accesses.length;
    expectApiError(await decodeRequest(audited.api, wire, { token: people.housingHandler }), 403, 'forbidden', /督办员/);
    expectApiError(await decodeRequest(audited.api, wire, { token: people.operator }), 403, 'forbidden');
    expectApiError(await decodeRequest(audited.api, wire), 401, 'unauthorized', /解码会话/);
    expectApiError(await decodeRequest(audited.api, wire, { token: 'not-a-jwt' }), 401, 'unauthorized');
    expectApiError(await decodeRequest(audited.api, wire, { token: await h.token(people.supervisor, '-1m') }), 401, 'unauthorized', /过期/);
    expect(accesses.length).toBe(before);
  });

  test('encode and decode round trip; tampering, an unknown key, another namespace and a bad body are 400', async () => {
    const plain = {
      metadata: { encoding: Buffer.from('json/plain').toString('base64') },
      data: Buffer.from(JSON.stringify({ phone: CITIZEN.phone })).toString('base64'),
    };
    const encoded = expectStatus(
      await h.api('POST', '/codec/encode', { token: people.supervisor, body: { payloads: [plain] } }),
      200,
    ).payloads;
    expect(text(encoded[0].metadata.encoding)).toBe(ENCODING_ENCRYPTED);
    expect(text(encoded[0].metadata['encryption-key-id'])).toBe('k1');
    expect(text(encoded[0].data)).not.toContain(CITIZEN.phone);
    expect(expectStatus(await decodeRequest(h.api, encoded, { token: people.supervisor }), 200).payloads).toEqual([plain]);

    const tampered = Buffer.from(encoded[0].data, 'base64');
    tampered[20] ^= 1;
    expectApiError(
      await decodeRequest(h.api, [{ ...encoded[0], data: tampered.toString('base64') }], { token: people.supervisor }),
      400,
      'invalid_input',
      /failed authentication/,
    );
    const unknown = { ...encoded[0], metadata: { ...encoded[0].metadata, 'encryption-key-id': Buffer.from('k0').toString('base64') } };
    expectApiError(
      await decodeRequest(h.api, [unknown], { token: people.supervisor }),
      400,
      'invalid_input',
      /key id "k0", which is not configured here \(known key ids: k1\)/,
    );
    expectApiError(
      await decodeRequest(h.api, encoded, { token: people.supervisor, headers: { 'x-namespace': 'elsewhere' } }),
      400,
      'invalid_input',
      /命名空间/,
    );
    expectApiError(
      await h.api('POST', '/codec/decode', { token: people.supervisor, body: { payloads: [{ data: '***' }] } }),
      400,
      'invalid_input',
    );
    // Not encrypted (written before encryption was turned on): handed back as it is.
    expect(expectStatus(await decodeRequest(h.api, [plain], { token: people.supervisor }), 200).payloads).toEqual([plain]);
  });

  test('batches larger than the API-wide 100 kb JSON limit pass (up to 4 MB)', async () => {
    const big = {
      metadata: { encoding: Buffer.from('json/plain').toString('base64') },
      data: Buffer.from(JSON.stringify('乐'.repeat(400_000))).toString('base64'),
    };
    const encoded = expectStatus(
      await h.api('POST', '/codec/encode', { token: people.supervisor, body: { payloads: [big, big] } }),
      200,
    ).payloads;
    const decoded = expectStatus(await decodeRequest(h.api, encoded, { token: people.supervisor }), 200).payloads;
    expect(decoded).toEqual([big, big]);
    // Elsewhere the limit stays.
    expectApiError(
      await h.api('POST', '/cases', { token: people.operator, body: { ...big, pad: 'x'.repeat(200_000) } }),
      400,
      'invalid_input',
      /过大/,
    );
  });
});

describe('the Web UI: cookie session and CORS', () => {
  const cookieOf = (res: { headers: Headers }) => res.headers.getSetCookie().find((c) => c.startsWith('huiying_codec_session='));

  test('GET /codec/session?token= sets an HttpOnly, SameSite=Lax cookie for /codec only; the UI origin decodes with it', async () => {
    const token = await h.token(people.supervisor);
    const res = await audited.api('GET', `/codec/session?token=${encodeURIComponent(token)}`);
    const body = expectStatus(res, 200);
    expect(body).toMatchObject({ session: 'codec', actor: { id: people.supervisor.id } });
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const cookie = cookieOf(res)!;
    expect(cookie).toMatch(/; Path=\/codec(;|$)/);
    expect(cookie).toMatch(/; HttpOnly(;|$)/);
    expect(cookie).toMatch(/; SameSite=Lax(;|$)/);
    const maxAge = Number(/Max-Age=(\d+)/.exec(cookie)![1]);
    expect(maxAge).toBeGreaterThan(3000);
    expect(maxAge).toBeLessThanOrEqual(3600);
    const session = cookie.split(';')[0];

    // What the browser does: a fetch from the UI's origin with credentials, the cookie and no Authorization header.
    const wire = [toWire(await startedInput(caseId))];
    const decoded = await decodeRequest(audited.api, wire, { headers: { cookie: session, origin: UI_ORIGIN } });
    expect(JSON.parse(text(expectStatus(decoded, 200).payloads[0].data)).request.citizen).toEqual(CITIZEN);
    expect(decoded.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    expect(decoded.headers.get('access-control-allow-credentials')).toBe('true');
    expect(accesses.at(-1)).toMatchObject({ via: 'session', actor: { id: people.supervisor.id }, origin: UI_ORIGIN });

    // The session is for the codec only: it is no API token, and a forged or ended one does not work.
    expectApiError(await h.api('GET', `/cases/${caseId}`, { token: session.split('=')[1] }), 401, 'unauthorized');
    expectApiError(await decodeRequest(h.api, wire, { headers: { cookie: `${session}x` } }), 401, 'unauthorized', /解码会话无效/);
    const ended = await h.api('DELETE', '/codec/session', { headers: { cookie: session } });
    expect(ended.status).toBe(204);
    expect(cookieOf(ended)).toMatch(/^huiying_codec_session=; .*Max-Age=0/);
  });

  test('POST /codec/session with the bearer header works too; the session ends with the token; a handler gets none', async () => {
    const res = await h.api('POST', '/codec/session', { token: await h.token(people.supervisor, '2m') });
    expectStatus(res, 200);
    expect(Number(/Max-Age=(\d+)/.exec(cookieOf(res)!)![1])).toBeLessThanOrEqual(120);
    const refused = await h.api('GET', `/codec/session?token=${await h.token(people.housingHandler)}`);
    expectApiError(refused, 403, 'forbidden');
    expect(cookieOf(refused)).toBeUndefined();
    expectApiError(await h.api('GET', '/codec/session'), 401, 'unauthorized');
    expectApiError(await h.api('GET', '/codec/session?token=garbage'), 401, 'unauthorized');
  });

  test('CORS: preflights from the UI origin are answered, other origins and other routes get no CORS headers', async () => {
    const preflight = (origin: string) =>
      h.api('OPTIONS', '/codec/decode', {
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace' },
      });
    const ok = await preflight(UI_ORIGIN);
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    expect(ok.headers.get('access-control-allow-credentials')).toBe('true');
    expect(ok.headers.get('access-control-allow-headers')).toBe('content-type, x-namespace, authorization');
    expect(ok.headers.get('access-control-allow-methods')).toContain('POST');
    expect((await preflight('http://127.0.0.1:8233')).headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:8233');

    const evil = await preflight('http://evil.example');
    expect(evil.status).toBe(204);
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    const evilPost = await decodeRequest(h.api, [], { token: people.supervisor, headers: { origin: 'http://evil.example' } });
    expect(evilPost.headers.get('access-control-allow-origin')).toBeNull();
    const health = await h.api('GET', '/health', { headers: { origin: UI_ORIGIN } });
    expect(health.headers.get('access-control-allow-origin')).toBeNull();
    expectApiError(await h.api('POST', '/codec/nothing', { token: people.supervisor, body: {} }), 404, 'not_found');
  });

  test("the dev server's Web UI is pointed at the codec endpoint (--ui-codec-endpoint); credentials are the browser's setting", async () => {
    const { cli } = await temporalBinaries();
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'huiying-ui-codec-'));
    const endpoint = `${audited.baseUrl}/codec`;
    const server = await startDevServer({
      cliPath: cli,
      dbFile: path.join(dir, 'temporal.db'),
      searchAttributes: {},
      codecEndpoint: endpoint,
      logFile: path.join(dir, 'server.log'),
    });
    try {
      const settings = await waitForJson(`${server.uiUrl}/api/v1/settings`);
      // The CLI's dev server sets only the endpoint: "include cross-origin credentials" stays off at the cluster
      // level, so a user turns it on in the UI's Codec Server settings (README "Personal data and encryption").
      expect(settings.Codec).toMatchObject({ Endpoint: endpoint, IncludeCredentials: false, PassAccessToken: false });
    } finally {
      await server.stop();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

test('the Temporal CLI decodes a history through the endpoint (--codec-endpoint, --codec-auth); without them it cannot', async () => {
  const { cli } = await temporalBinaries();
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TEMPORAL_')));
  const show = async (...extra: string[]) =>
    (
      await promisify(execFile)(
        cli,
        [
          'workflow',
          'show',
          '--workflow-id',
          `case-${caseId}`,
          '--address',
          h.server.address,
          '--namespace',
          h.namespace,
          '--output',
          'json',
          ...extra,
        ],
        { env, maxBuffer: 64 << 20 },
      )
    ).stdout;
  // JSON output keeps payload data in base64: read every payload's data.
  const payloadTexts = (json: string): string => {
    const out: string[] = [];
    JSON.parse(json, (key, value) => {
      if (key === 'data' && typeof value === 'string') out.push(text(value));
      return value;
    });
    return out.join('\n');
  };
  const plain = await show();
  expect(plain).toContain('YmluYXJ5L2VuY3J5cHRlZA=='); // base64 of binary/encrypted
  expect(payloadTexts(plain)).not.toContain(CITIZEN.phone);
  const decoded = payloadTexts(
    await show('--codec-endpoint', `${h.baseUrl}/codec`, '--codec-auth', `Bearer ${await h.token(people.supervisor)}`),
  );
  expect(decoded).toContain(CITIZEN.phone);
  expect(decoded).toContain(CITIZEN.name);
});

test("the dev server's SQLite files hold no name, phone or content (but do hold the ledger number)", async () => {
  const current = await d.get(caseId, people.supervisor);
  await d.act(caseId, 'progress', people.housingHandler, { note: `已联系${CITIZEN.name}，电话${CITIZEN.phone}` });
  const { dbFile } = devServerOf(h.server);
  const dir = path.dirname(dbFile);
  const files = (await fs.readdir(dir)).filter((f) => f.startsWith(path.basename(dbFile))); // with -wal, -shm
  expect(files).toContain(path.basename(dbFile));
  const bytes = Buffer.concat(await Promise.all(files.map((f) => fs.readFile(path.join(dir, f)))));
  // The scan sees what is stored: histories with their encrypted payloads, search attributes such as the ledger number.
  expect(bytes.includes(Buffer.from(ENCODING_ENCRYPTED))).toBe(true);
  expect(bytes.includes(Buffer.from(current.ledgerNo))).toBe(true);
  for (const needle of [CITIZEN.name, CITIZEN.phone, CONTENT])
    expect({ needle, found: bytes.includes(Buffer.from(needle)) }).toEqual({ needle, found: false });
});

test('rotation: a case started under k1 continues after worker and API restart with k1,k2 (current k2); its history still decodes', async () => {
  const created = await d.create({ citizen: CITIZEN, content: CONTENT, title: '轮换密钥用例' });
  await d.assignAndAccept(created.id, people.housingHandler);

  await h.restartWorkerAndApi(parsePayloadKeys(`k1:${K1},k2:${K2}`));
  expect(h.codec.currentKeyId).toBe('k2');
  const d2 = drive(h);
  // The new worker replays the k1 part of the history, then writes k2 payloads.
  expect((await d2.get(created.id, people.operator)).citizen).toEqual(CITIZEN);
  await d2.act(created.id, 'submit', people.housingHandler, { result: '垃圾站已清运并消杀' });
  await d2.approveLevels(created.id);
  const closed = await d2.act(created.id, 'callback', people.operator, { result: 'satisfied' });
  expect(closed.stage).toBe('closed');

  const payloads = encryptedPayloads((await rawHistory(created.id)).events);
  const keyIds = payloads.map((p) => payloadKeyId(p));
  expect(new Set(keyIds)).toEqual(new Set(['k1', 'k2']));
  expect(keyIds[0]).toBe('k1'); // the start
  expect(keyIds.at(-1)).toBe('k2'); // the result

  const body = expectStatus(await decodeRequest(h.api, payloads.map(toWire), { token: people.supervisor }), 200);
  expect(body.payloads).toHaveLength(payloads.length);
  expect(body.payloads.every((p: WirePayload) => text(p.metadata.encoding) !== ENCODING_ENCRYPTED)).toBe(true);
  expect(body.payloads.map((p: WirePayload) => text(p.data)).join('\n')).toContain(CITIZEN.phone);

  // A deployment that dropped k1 too early cannot read the start of this history, and says which key is missing.
  const onlyK2 = new EncryptionCodec(parsePayloadKeys(`k2:${K2}`));
  const app = await h.startApp({
    client: new Client({ connection: h.client.connection, namespace: h.namespace, dataConverter: { payloadCodecs: [onlyK2] } }),
  });
  expectApiError(
    await decodeRequest(app.api, payloads.map(toWire), { token: people.supervisor }),
    400,
    'invalid_input',
    /key id "k1", which is not configured here \(known key ids: k2\)/,
  );
});

async function waitForJson(url: string, timeoutMs = 30_000): Promise<Json> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.ok) return await res.json();
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
