/**
 * The blob envelope (temporal/envelope.ts) and the encrypted local store: AES-256-GCM under keys derived from the
 * payload keys, a random IV per blob, bound to its storage key; rotation; tampering detected; files written whole.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BLOB_ENVELOPE, EnvelopeCipher, EnvelopeDecryptionError } from '../../../temporal/envelope';
import { encryptedBlobStore } from '../../../api/blobs/encrypted';
import { LocalBlobStore } from '../../../api/blobs/local';
import { BlobNotFoundError } from '../../../api/blobs/store';
import { generatePayloadKey, parsePayloadKeys } from '../../../config/keys';
import { UnknownPayloadKeyError } from '../../../temporal/payload-codec';
import { png } from '../../support/files';

const k1 = generatePayloadKey();
const k2 = generatePayloadKey();
const photo = png(8, 8);

test('sealed blobs hold no plaintext, differ each time (random IV) and open only under their own context', () => {
  const cipher = new EnvelopeCipher(parsePayloadKeys(`k1:${k1}`), BLOB_ENVELOPE);
  const a = cipher.seal(photo, 'case/a');
  const b = cipher.seal(photo, 'case/a');
  expect(a.equals(b)).toBe(false);
  expect(a.includes(photo.subarray(16, 48))).toBe(false);
  expect(a.subarray(0, 7).toString('latin1')).toBe('HYB1\u0002k1');
  expect(cipher.open(a, 'case/a').equals(photo)).toBe(true);
  expect(() => cipher.open(a, 'case/b')).toThrow(EnvelopeDecryptionError); // moved under another key
});

test('tampering with any byte, the header included, is detected', () => {
  const cipher = new EnvelopeCipher(parsePayloadKeys(`k1:${k1}`), BLOB_ENVELOPE);
  const sealed = cipher.seal(photo, 'x');
  for (const at of [7, 20, sealed.length - 1]) {
    const bad = Buffer.from(sealed);
    bad[at] ^= 1;
    expect(() => cipher.open(bad, 'x')).toThrow(EnvelopeDecryptionError);
  }
  expect(() => cipher.open(photo, 'x')).toThrow(/no HYB1 header/);
});

test('rotation: new blobs use the current key, old ones open with theirs; a dropped key is named', () => {
  const before = new EnvelopeCipher(parsePayloadKeys(`k1:${k1}`), BLOB_ENVELOPE);
  const after = new EnvelopeCipher(parsePayloadKeys(`k1:${k1},k2:${k2}`), BLOB_ENVELOPE);
  const old = before.seal(photo, 'x');
  const fresh = after.seal(photo, 'x');
  expect(fresh.subarray(5, 7).toString()).toBe('k2');
  expect(after.open(old, 'x').equals(photo)).toBe(true);
  expect(() => before.open(fresh, 'x')).toThrow(UnknownPayloadKeyError);
  expect(() => before.open(fresh, 'x')).toThrow(/"k2"/);
});

test('the blob key is derived, not the payload key itself: a payload key cannot open a blob', () => {
  const viaOther = new EnvelopeCipher(parsePayloadKeys(`k1:${k2}`), BLOB_ENVELOPE);
  const sealed = new EnvelopeCipher(parsePayloadKeys(`k1:${k1}`), BLOB_ENVELOPE).seal(photo, 'x');
  expect(() => viaOther.open(sealed, 'x')).toThrow(EnvelopeDecryptionError);
});

test('the local store writes whole files (mode 0600, no temporary left), reads, deletes, refuses odd keys', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'huiying-blobs-'));
  try {
    const local = new LocalBlobStore(dir);
    const store = encryptedBlobStore(local, new EnvelopeCipher(parsePayloadKeys(`k1:${k1}`), BLOB_ENVELOPE));
    await store.put('abcdefgh12345678/0a1b2c', photo);
    const file = local.fileOf('abcdefgh12345678/0a1b2c');
    expect(await fs.readdir(path.dirname(file))).toEqual(['0a1b2c']);
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    expect((await fs.readFile(file)).includes(photo.subarray(16, 48))).toBe(false);
    expect((await store.get('abcdefgh12345678/0a1b2c')).equals(photo)).toBe(true);
    await store.delete('abcdefgh12345678/0a1b2c');
    await expect(store.get('abcdefgh12345678/0a1b2c')).rejects.toThrow(BlobNotFoundError);
    await store.delete('abcdefgh12345678/0a1b2c'); // already gone: fine
    for (const bad of ['../etc/passwd', 'a/../../b', '/abs', 'A/B', 'a//b', '']) {
      await expect(store.put(bad, photo)).rejects.toThrow(/not a blob key/);
    }
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});

test('texts (a file name) are sealed the same way, bound to what they belong to', () => {
  const store = encryptedBlobStore(new LocalBlobStore('/nonexistent'), new EnvelopeCipher(parsePayloadKeys(`k1:${k1}`), BLOB_ENVELOPE));
  const sealed = store.sealText('李四的门牌照片.png', 'att1');
  expect(sealed.toString('utf8')).not.toContain('李四');
  expect(store.openText(sealed, 'att1')).toBe('李四的门牌照片.png');
  expect(() => store.openText(sealed, 'att2')).toThrow(EnvelopeDecryptionError);
});
