/**
 * Evidence and attachments through HTTP against the real API, worker, dev server and PostgreSQL, with both blob
 * stores: encrypted local files, and an S3-compatible bucket on a real moto server started here. Real PNG and PDF
 * bytes made in the test; the type sniffed, never declared; limits; who may add, list and download what (a
 * confidential reporter's photo hidden from the unit concerned); every download audited; no plaintext at rest.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { encryptedBlobStore } from '../../api/blobs/encrypted';
import { BLOB_ENVELOPE, EnvelopeCipher } from '../../temporal/envelope';
import { LocalBlobStore } from '../../api/blobs/local';
import { S3BlobStore } from '../../api/blobs/s3';
import { generatePayloadKey, parsePayloadKeys } from '../../config/keys';
import type { Actor } from '../../domain/roles';
import { caseWorkflowId } from '../../temporal/definitions';
import { CITIZEN_PHONE, MASKED_PHONE } from '../support/cases';
import { exe, pdf, png } from '../support/files';
import { startMotoServer, type MotoServer } from '../support/moto-server';
import { sleep } from '../support/polling';
import { HOUSING, people } from '../support/personas';
import { drive, expectApiError, expectStatus, type ExtraApp, type Json, useE2E } from './harness';

const h = useE2E();
const d = drive(h);

const keys = parsePayloadKeys(`blob-1:${generatePayloadKey()}`);
const MAX_BYTES = 64 * 1024;
const PER_CASE = 4;
let blobDir: string;
let app: ExtraApp;

beforeAll(async () => {
  blobDir = await fs.mkdtemp(path.join(os.tmpdir(), 'huiying-blobs-e2e-'));
  const blobs = encryptedBlobStore(new LocalBlobStore(blobDir), new EnvelopeCipher(keys, BLOB_ENVELOPE));
  app = await h.startApp({ blobs, attachmentLimits: { maxBytes: MAX_BYTES, perCase: PER_CASE } });
});
afterAll(async () => {
  if (blobDir) await fs.rm(blobDir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  body: Json;
  bytes: Buffer;
  headers: Headers;
}

async function call(
  base: string,
  method: 'GET' | 'POST',
  urlPath: string,
  actor: Actor,
  body?: Uint8Array,
  contentType = 'application/octet-stream',
): Promise<Answer> {
  const headers: Record<string, string> = { authorization: `Bearer ${await h.token(actor)}` };
  if (body) headers['content-type'] = contentType;
  const res = await fetch(`${base}${urlPath}`, { method, headers, body });
  const bytes = Buffer.from(await res.arrayBuffer());
  const json = (res.headers.get('content-type') ?? '').includes('json') ? (JSON.parse(bytes.toString('utf8')) as Json) : undefined;
  return { status: res.status, body: json, bytes, headers: res.headers };
}

const upload = (caseId: string, kind: string, name: string, bytes: Uint8Array, actor: Actor, contentType?: string, base = app.baseUrl) =>
  call(base, 'POST', `/cases/${caseId}/attachments?kind=${kind}&name=${encodeURIComponent(name)}`, actor, bytes, contentType);
const list = (caseId: string, actor: Actor, base = app.baseUrl) => call(base, 'GET', `/cases/${caseId}/attachments`, actor);
const download = (caseId: string, id: string, actor: Actor, base = app.baseUrl) =>
  call(base, 'GET', `/cases/${caseId}/attachments/${id}`, actor);
/** As the harness's error check wants it. */
const asApi = (a: Answer) => ({ status: a.status, body: a.body, text: a.bytes.toString('utf8'), headers: a.headers });

/** The number of events in the case's history once it stops growing (an action's last task may still be closing). */
async function settledHistoryLength(caseId: string): Promise<number> {
  const length = async () => (await h.client.workflow.getHandle(caseWorkflowId(caseId)).fetchHistory()).events?.length ?? 0;
  let last = await length();
  for (;;) {
    await sleep(300);
    const now = await length();
    if (now === last) return now;
    last = now;
  }
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

test('a photo at intake and a report while rectifying: listed, downloaded byte for byte with the sniffed type, nothing in Temporal', async () => {
  const c = await d.create({ title: '路灯不亮附照片' });
  const photo = png(6, 5);

  // Declared as something else entirely: what counts is what the bytes are.
  const added = await upload(c.id, 'intake', '现场照片.png', photo, people.operator, 'text/plain');
  const img = expectStatus(asApi(added), 201);
  expect(img).toMatchObject({
    caseId: c.id,
    kind: 'intake',
    name: '现场照片.png',
    contentType: 'image/png',
    size: photo.length,
    fromCitizen: true,
    uploadedBy: { id: people.operator.id, name: people.operator.name, role: 'operator', unit: null },
  });
  // The same bytes again (a retried upload) are the same attachment.
  const again = expectStatus(asApi(await upload(c.id, 'intake', '现场照片(1).png', photo, people.operator)), 200);
  expect(again.id).toBe(img.id);

  await d.assignAndAccept(c.id, people.housingHandler);
  const report = pdf('Rectified 2026');
  const doc = expectStatus(asApi(await upload(c.id, 'progress', '整改报告', report, people.housingHandler)), 201);
  expect(doc).toMatchObject({ kind: 'progress', contentType: 'application/pdf', name: '整改报告.pdf', fromCitizen: false });
  expect(doc.uploadedBy).toMatchObject({ role: 'handler', unit: HOUSING });

  const items = expectStatus(asApi(await list(c.id, people.dispatcher)), 200).items as Json[];
  expect(items.map((i) => [i.id, i.kind])).toEqual([
    [img.id, 'intake'],
    [doc.id, 'progress'],
  ]);

  const got = await download(c.id, img.id, people.housingHandler);
  expect(got.status).toBe(200);
  expect(got.bytes.equals(photo)).toBe(true);
  expect(got.headers.get('content-type')).toBe('image/png');
  expect(got.headers.get('x-content-type-options')).toBe('nosniff');
  expect(got.headers.get('content-disposition')).toBe(
    `attachment; filename="____.png"; filename*=UTF-8''${encodeURIComponent('现场照片.png')}`,
  );
  const gotPdf = await download(c.id, doc.id, people.reviewer1);
  expect(gotPdf.bytes.equals(report)).toBe(true);
  expect(gotPdf.headers.get('content-type')).toBe('application/pdf');

  // Attachments never go through the case's workflow: an upload and a download add nothing to its history.
  const before = await settledHistoryLength(c.id);
  const result = expectStatus(asApi(await upload(c.id, 'result', '结果.pdf', pdf('Result'), people.housingHandler)), 201);
  expect((await download(c.id, result.id, people.supervisor)).status).toBe(200);
  expect(await settledHistoryLength(c.id)).toBe(before);
});

test('refused: a program renamed .png (415, named), too large (413), an empty body, a bad kind or name (400)', async () => {
  const c = await d.create({ title: '附件拒收' });
  const renamed = await upload(c.id, 'intake', 'photo.png', exe(), people.operator, 'image/png');
  expectApiError(asApi(renamed), 415, 'unsupported_type', /Windows 可执行程序/);

  const big = Buffer.concat([png(), Buffer.alloc(MAX_BYTES)]);
  expectApiError(asApi(await upload(c.id, 'intake', 'big.png', big, people.operator)), 413, 'too_large');
  expectApiError(asApi(await upload(c.id, 'intake', 'empty.png', Buffer.alloc(0), people.operator)), 400, 'invalid_input');
  expectApiError(asApi(await upload(c.id, 'photo', 'a.png', png(), people.operator)), 400, 'invalid_input');
  expectApiError(asApi(await upload(c.id, 'intake', '../../etc/passwd', png(), people.operator)), 400, 'invalid_input');
  expect(expectStatus(asApi(await list(c.id, people.operator)), 200).items).toEqual([]);
});

test('who adds what, when: operators intake, the unit progress and result while it has the case; closed 409; at most per case', async () => {
  const c = await d.create({ title: '附件权限' });
  // A handler before the case is theirs, an operator adding the unit's kind, a supervisor: 403.
  expectApiError(asApi(await upload(c.id, 'progress', 'a.pdf', pdf(), people.housingHandler)), 403, 'forbidden');
  expectApiError(asApi(await upload(c.id, 'progress', 'a.pdf', pdf(), people.operator)), 403, 'forbidden');
  expectApiError(asApi(await upload(c.id, 'intake', 'a.pdf', pdf(), people.supervisor)), 403, 'forbidden');

  await d.assignAndAccept(c.id, people.housingHandler);
  // A handler of another unit: 403 for everything, as GET /cases/:id.
  const mine = expectStatus(asApi(await upload(c.id, 'result', 'r.pdf', pdf('r'), people.housingHandler)), 201);
  expectApiError(asApi(await upload(c.id, 'result', 'x.pdf', pdf('x'), people.transportHandler)), 403, 'forbidden');
  expectApiError(asApi(await list(c.id, people.transportHandler)), 403, 'forbidden');
  expectApiError(asApi(await download(c.id, mine.id, people.transportHandler)), 403, 'forbidden');
  expectApiError(asApi(await download(c.id, 'no-such-attachment', people.housingHandler)), 404, 'not_found');

  // Once submitted, the unit's evidence is what it submitted with.
  await d.act(c.id, 'submit', people.housingHandler, { result: '已修复' });
  expectApiError(asApi(await upload(c.id, 'result', 'late.pdf', pdf('late'), people.housingHandler)), 409, 'conflict');

  // At most PER_CASE files on one case (the operator may still add the citizen's while it is open).
  for (let i = 1; i < PER_CASE; i++) expectStatus(asApi(await upload(c.id, 'intake', `p${i}.png`, png(i + 1, 1), people.operator)), 201);
  const over = expectApiError(asApi(await upload(c.id, 'intake', 'one-more.png', png(9, 9), people.operator)), 409, 'conflict');
  expect(over.details).toEqual({ limit: PER_CASE });

  // A consultation answered at intake is closed at once: nothing more is attached.
  const answered = await d.create({ type: 'consultation', title: '咨询即答', answer: '请携带身份证到政务中心办理。' });
  expectApiError(asApi(await upload(answered.id, 'intake', 'a.png', png(), people.operator)), 409, 'conflict');
});

test("a confidential reporter's photo is hidden from the unit concerned (list and download) but not from the supervisor; names masked", async () => {
  const c = await d.create({ title: '举报占道经营', confidential: true });
  const name = `举报人张市民-${CITIZEN_PHONE}.png`;
  const photo = expectStatus(asApi(await upload(c.id, 'intake', name, png(3, 3), people.operator)), 201);
  await d.assignAndAccept(c.id, people.housingHandler);
  const theirs = expectStatus(asApi(await upload(c.id, 'progress', '整改前后对比.pdf', pdf('before after'), people.housingHandler)), 201);

  const unitSees = expectStatus(asApi(await list(c.id, people.housingHandler)), 200).items as Json[];
  expect(unitSees.map((i) => i.id)).toEqual([theirs.id]);
  expectApiError(asApi(await download(c.id, photo.id, people.housingHandler)), 404, 'not_found');

  const supervisorSees = expectStatus(asApi(await list(c.id, people.supervisor)), 200).items as Json[];
  expect(supervisorSees.map((i) => [i.id, i.name])).toEqual([
    [photo.id, name],
    [theirs.id, '整改前后对比.pdf'],
  ]);
  expect((await download(c.id, photo.id, people.supervisor)).status).toBe(200);

  // Those who see the citizen masked see the phone in the file name masked too.
  const dispatcherSees = expectStatus(asApi(await list(c.id, people.dispatcher)), 200).items as Json[];
  expect(dispatcherSees[0].name).toBe(`举报人张市民-${MASKED_PHONE}.png`);
  const got = await download(c.id, photo.id, people.dispatcher);
  const encoded = /filename\*=UTF-8''(\S+)$/.exec(got.headers.get('content-disposition') ?? '')?.[1] ?? '';
  expect(decodeURIComponent(encoded)).toBe(`举报人张市民-${MASKED_PHONE}.png`);
});

test('every download is in GET /audit (who, which case and attachment, from where) before the bytes; no plaintext at rest', async () => {
  const c = await d.create({ title: '审计下载' });
  const marker = 'PLAINTEXT-MARKER-7f3a';
  const report = pdf(marker);
  const doc = expectStatus(asApi(await upload(c.id, 'intake', 'evidence.pdf', report, people.operator)), 201);
  for (const who of [people.supervisor, people.dispatcher, people.operator]) expect((await download(c.id, doc.id, who)).status).toBe(200);

  const audit = expectStatus(await app.api('GET', `/audit?case=${c.id}&limit=100`, { token: people.supervisor }), 200);
  const downloads = (audit.items as Json[]).filter((e) => e.action === 'attachment.download');
  expect(downloads.map((e) => e.actor.id).sort()).toEqual([people.dispatcher.id, people.operator.id, people.supervisor.id].sort());
  for (const e of downloads) {
    expect(e).toMatchObject({
      caseId: c.id,
      ledgerNo: c.ledgerNo,
      endpoint: 'GET /cases/:id/attachments/:attachmentId',
      details: { attachmentId: doc.id, contentType: 'application/pdf', size: report.length },
    });
    expect(e.ip).toMatch(/127\.0\.0\.1/);
    expect(typeof e.userAgent).toBe('string');
  }

  // On disk: one file per blob, none holding the bytes (nor the name) in clear.
  const files = await filesUnder(blobDir);
  expect(files.length).toBeGreaterThan(0);
  for (const file of files) {
    const stored = await fs.readFile(file);
    expect(stored.subarray(0, 4).toString('latin1')).toBe('HYB1');
    expect(stored.includes(Buffer.from(marker))).toBe(false);
    expect(stored.includes(Buffer.from('%PDF-'))).toBe(false);
  }
  const row = await h.db.query('SELECT file_name_sealed FROM attachments WHERE id = $1', [doc.id]);
  expect((row.rows[0].file_name_sealed as Buffer).includes(Buffer.from('evidence'))).toBe(false);
});

describe('an S3-compatible bucket (a real moto server)', () => {
  let moto: MotoServer;
  let s3: S3Client;
  let s3App: ExtraApp;
  const bucket = 'huiying-attachments';

  beforeAll(async () => {
    moto = await startMotoServer();
    s3 = new S3Client({ region: 'us-east-1', endpoint: moto.endpoint, forcePathStyle: true, credentials: moto.credentials });
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const store = new S3BlobStore({ bucket, region: 'us-east-1', endpoint: moto.endpoint, credentials: moto.credentials, prefix: 'e2e/' });
    s3App = await h.startApp({ blobs: encryptedBlobStore(store, new EnvelopeCipher(keys, BLOB_ENVELOPE)) });
  }, 600_000); // a first run installs moto from PyPI
  afterAll(async () => {
    s3?.destroy();
    await moto?.stop();
  });

  test('upload, list and download through the API; the bucket holds only ciphertext', async () => {
    const c = await d.create({ title: '对象存储附件' });
    const photo = png(7, 7, [10, 200, 10]);
    const added = expectStatus(asApi(await upload(c.id, 'intake', 'photo.png', photo, people.operator, undefined, s3App.baseUrl)), 201);
    const items = expectStatus(asApi(await list(c.id, people.supervisor, s3App.baseUrl)), 200).items as Json[];
    expect(items.map((i) => i.id)).toEqual([added.id]);
    const got = await download(c.id, added.id, people.supervisor, s3App.baseUrl);
    expect(got.bytes.equals(photo)).toBe(true);
    expect(got.headers.get('content-type')).toBe('image/png');

    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `e2e/${c.id}/` }));
    expect(listed.Contents?.map((o) => o.Key)).toEqual([`e2e/${c.id}/${added.id}`]);
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: `e2e/${c.id}/${added.id}` }));
    const stored = Buffer.from(await object.Body!.transformToByteArray());
    expect(stored.subarray(0, 4).toString('latin1')).toBe('HYB1');
    expect(stored.includes(photo.subarray(8, 40))).toBe(false);
    expect(stored.length).toBeGreaterThan(photo.length);
  });
});
