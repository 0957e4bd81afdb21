/**
 * The outbox at rest (activities/outbox-notifier.ts): the files hold no citizen's name or phone (the bytes are
 * searched), open with a rotated keyring, only in their own place and only with the outbox's own derived key; the
 * plaintext files of older versions are still read, never duplicated, and encrypted in place by `encryptPlaintext`.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { OutboxNotifier } from '../../activities/outbox-notifier';
import { generatePayloadKey, parsePayloadKeys } from '../../config/keys';
import type { Notification } from '../../domain/notifications';
import { BLOB_ENVELOPE, EnvelopeCipher, EnvelopeDecryptionError, OUTBOX_ENVELOPE } from '../../temporal/envelope';
import { UnknownPayloadKeyError } from '../../temporal/payload-codec';

const NAME = '王小明';
const PHONE = '13987654321';
const k1 = generatePayloadKey();
const k2 = generatePayloadKey();

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'huiying-outbox-unit-'));
});
afterEach(() => fs.rm(dir, { recursive: true, force: true }));

function receipt(caseId = 'case-1'): Notification {
  return {
    id: `${caseId}:0:receipt`,
    caseId,
    ledgerNo: 'LZ-2026-000042',
    template: 'receipt',
    to: { kind: 'citizen', citizen: { name: NAME, phone: PHONE } },
    text: `【12345】${NAME}您好，您的诉求已受理（编号LZ-2026-000042），回访电话${PHONE}。`,
  };
}

async function allBytes(root: string): Promise<Buffer> {
  const files = (await fs.readdir(root, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
  return Buffer.concat(await Promise.all(files.map((f) => fs.readFile(path.join(f.parentPath, f.name)))));
}

test('the files hold no plaintext name or phone, and listCase decrypts them', async () => {
  const outbox = new OutboxNotifier(dir, parsePayloadKeys(`k1:${k1}`));
  const n = receipt();
  await expect(outbox.deliver(n)).resolves.toEqual({ delivered: true });
  const unit: Notification = {
    ...n,
    id: 'case-1:2:assigned',
    template: 'assigned',
    to: { kind: 'unit', unit: 'transport' },
    text: '【交办】…',
  };
  await outbox.deliver(unit);

  const bytes = await allBytes(dir);
  expect(bytes.length).toBeGreaterThan(0);
  for (const secret of [NAME, PHONE, 'citizen', 'LZ-2026-000042']) expect(bytes.includes(Buffer.from(secret, 'utf8'))).toBe(false);
  expect(await fs.readdir(path.join(dir, 'case-1'))).toEqual(['case-1_0_receipt.enc', 'case-1_2_assigned.enc']);
  const mode = (await fs.stat(path.join(dir, 'case-1', 'case-1_0_receipt.enc'))).mode & 0o777;
  expect(mode).toBe(0o600);

  const listed = await outbox.listCase('case-1');
  expect(listed.map(({ queuedAt: _q, ...rest }) => rest)).toEqual([n, unit]);
});

test('after a key rotation, files written under the old key still open; new ones use the new key', async () => {
  const before = new OutboxNotifier(dir, parsePayloadKeys(`k1:${k1}`));
  await before.deliver(receipt('old'));
  const after = new OutboxNotifier(dir, parsePayloadKeys(`k1:${k1},k2:${k2}`)); // k2 current: the last listed
  await after.deliver(receipt('new'));

  expect((await after.listCase('old'))[0].to).toEqual({ kind: 'citizen', citizen: { name: NAME, phone: PHONE } });
  expect((await after.listCase('new'))[0].id).toBe('new:0:receipt');
  const header = (file: string) => fs.readFile(file).then((b) => b.subarray(0, 7).toString('latin1'));
  expect(await header(path.join(dir, 'old', 'old_0_receipt.enc'))).toBe('HYO1\u0002k1');
  expect(await header(path.join(dir, 'new', 'new_0_receipt.enc'))).toBe('HYO1\u0002k2');

  // Drop the old key too early and its files name the key they need.
  const dropped = new OutboxNotifier(dir, parsePayloadKeys(`k2:${k2}`));
  await expect(dropped.listCase('old')).rejects.toThrow(/key id "k1"/);
  const { records, unreadable } = await dropped.readAll();
  expect(records.map((r) => r.caseId)).toEqual(['new']);
  expect(unreadable).toEqual([{ file: path.join(dir, 'old', 'old_0_receipt.enc'), reason: expect.stringContaining('"k1"') }]);
});

test('a file opens only in its own place and only with the outbox key (not the blobs key of the same payload key)', async () => {
  const keys = parsePayloadKeys(`k1:${k1}`);
  const outbox = new OutboxNotifier(dir, keys);
  await outbox.deliver(receipt('a'));
  await outbox.deliver(receipt('b'));
  // Swapped: b's file under a's name.
  await fs.copyFile(path.join(dir, 'b', 'b_0_receipt.enc'), path.join(dir, 'a', 'a_0_receipt.enc'));
  await expect(outbox.listCase('a')).rejects.toThrow(/failed authentication/);

  const sealed = await fs.readFile(path.join(dir, 'b', 'b_0_receipt.enc'));
  const blobs = new EnvelopeCipher(keys, BLOB_ENVELOPE);
  expect(() => blobs.open(sealed, 'outbox:b/b_0_receipt')).toThrow(/no HYB1 header/);
  // Even with the header accepted, the blobs' derived key does not open it: each purpose has its own key.
  const blobKeyOutboxHeader = new EnvelopeCipher(keys, { ...BLOB_ENVELOPE, magic: 'HYO1' });
  expect(() => blobKeyOutboxHeader.open(sealed, 'outbox:b/b_0_receipt')).toThrow(EnvelopeDecryptionError);
  expect(new EnvelopeCipher(keys, OUTBOX_ENVELOPE).open(sealed, 'outbox:b/b_0_receipt').toString()).toContain(PHONE);
  // And the key ring it names must be there at all.
  expect(() => new EnvelopeCipher(parsePayloadKeys(`k9:${k2}`), BLOB_ENVELOPE).open(blobs.seal(Buffer.from('x'), 'c'), 'c')).toThrow(
    UnknownPayloadKeyError,
  );
});

test('plaintext files of older versions: read, never delivered again, encrypted in place (twice is harmless)', async () => {
  const keys = parsePayloadKeys(`k1:${k1}`);
  const outbox = new OutboxNotifier(dir, keys);
  const old = receipt('legacy');
  const legacyFile = path.join(dir, 'legacy', 'legacy_0_receipt.json');
  await fs.mkdir(path.dirname(legacyFile), { recursive: true });
  await fs.writeFile(legacyFile, JSON.stringify({ ...old, queuedAt: '2026-11-30T01:02:03.000Z' }, null, 2));
  await fs.writeFile(path.join(dir, 'legacy', 'broken.json'), '{"not": "a notification"}');

  expect((await outbox.readAll({ caseId: 'legacy' })).records).toEqual([{ ...old, queuedAt: '2026-11-30T01:02:03.000Z' }]);
  await expect(outbox.deliver(old)).resolves.toEqual({ delivered: false }); // the plaintext copy counts as delivered

  const first = await outbox.encryptPlaintext();
  expect(first).toEqual({
    encrypted: 1,
    duplicates: 0,
    failed: [{ file: path.join(dir, 'legacy', 'broken.json'), reason: expect.stringContaining('not a notification') }],
  });
  expect((await fs.readdir(path.join(dir, 'legacy'))).sort()).toEqual(['broken.json', 'legacy_0_receipt.enc']);
  expect((await allBytes(path.join(dir, 'legacy'))).includes(Buffer.from(PHONE))).toBe(false);
  expect(await outbox.listCase('legacy').catch((e: Error) => e.message)).toMatch(/broken\.json: not a notification/);
  await fs.rm(path.join(dir, 'legacy', 'broken.json'));
  expect(await outbox.listCase('legacy')).toEqual([{ ...old, queuedAt: '2026-11-30T01:02:03.000Z' }]);
  await expect(outbox.deliver(old)).resolves.toEqual({ delivered: false });

  // A plaintext copy left beside its encrypted file (a run cut short between link and remove) is just removed.
  await fs.writeFile(legacyFile, JSON.stringify({ ...old, queuedAt: '2026-11-30T01:02:03.000Z' }));
  expect(await outbox.encryptPlaintext()).toEqual({ encrypted: 0, duplicates: 1, failed: [] });
  expect(await fs.readdir(path.join(dir, 'legacy'))).toEqual(['legacy_0_receipt.enc']);
});
