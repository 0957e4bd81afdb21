/**
 * The payload codec (AES-256-GCM) and where its keys come from. No server needed: the codec is pure node:crypto;
 * the payloads are made by the SDK's own default payload converter, as the client and the worker make them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import {
  CIPHER_NAME,
  ENCODING_ENCRYPTED,
  EncryptionCodec,
  METADATA_CIPHER,
  METADATA_ENCODING,
  METADATA_KEY_ID,
  PayloadDecryptionError,
  payloadKeyId,
  UnknownPayloadKeyError,
} from '../../../temporal/payload-codec';
import { loadConfig } from '../../../config';
import { DEV_PAYLOAD_KEYS_FILE, generatePayloadKey, loadPayloadKeys, parsePayloadKeys } from '../../../config/keys';

const K1 = generatePayloadKey();
const K2 = generatePayloadKey();
const CITIZEN = { name: '欧阳测试', phone: '13912345678', content: '单元测试专用的投诉内容' };

const meta = (p: Payload, key: string) => Buffer.from(p.metadata![key]!).toString('utf8');
const plain = (value: unknown): Payload => defaultPayloadConverter.toPayload(value);
const valueOf = (p: Payload): unknown => defaultPayloadConverter.fromPayload(p);
const containsText = (p: Payload, text: string): boolean =>
  Buffer.from(p.data ?? []).includes(Buffer.from(text)) ||
  Object.values(p.metadata ?? {}).some((v) => Buffer.from(v ?? []).includes(Buffer.from(text)));

describe('EncryptionCodec', () => {
  const codec = new EncryptionCodec(parsePayloadKeys(`k1:${K1}`));

  test('round trip: the value comes back, metadata included', async () => {
    const original = plain({ citizen: CITIZEN, n: 1 });
    const [encrypted] = await codec.encode([original]);
    const [decrypted] = await codec.decode([encrypted]);
    expect(valueOf(decrypted)).toEqual({ citizen: CITIZEN, n: 1 });
    expect(meta(decrypted, 'encoding')).toBe('json/plain');
    // Binary and empty payloads too (undefined → binary/null has no data at all).
    const others = [plain(new Uint8Array([0, 1, 2, 255])), plain(undefined), plain('')];
    const back = await codec.decode(await codec.encode(others));
    expect(back.map(valueOf)).toEqual([new Uint8Array([0, 1, 2, 255]), undefined, '']);
  });

  test('the stored form: binary/encrypted, key id and cipher in metadata, no plaintext anywhere', async () => {
    const original = plain({ citizen: CITIZEN });
    expect(containsText(original, CITIZEN.phone)).toBe(true); // the check below can see it when it is there
    const [encrypted] = await codec.encode([original]);
    expect(meta(encrypted, METADATA_ENCODING)).toBe(ENCODING_ENCRYPTED);
    expect(meta(encrypted, METADATA_KEY_ID)).toBe('k1');
    expect(meta(encrypted, METADATA_CIPHER)).toBe(CIPHER_NAME);
    expect(Object.keys(encrypted.metadata!).sort()).toEqual([METADATA_CIPHER, METADATA_ENCODING, METADATA_KEY_ID].sort());
    for (const text of [CITIZEN.name, CITIZEN.phone, CITIZEN.content, 'json/plain']) expect(containsText(encrypted, text)).toBe(false);
    expect(payloadKeyId(encrypted)).toBe('k1');
    expect(payloadKeyId(original)).toBeNull();
  });

  test('a different IV each time: the same value never encrypts to the same bytes', async () => {
    const payloads = await codec.encode(Array.from({ length: 50 }, () => plain({ citizen: CITIZEN })));
    const ivs = new Set(payloads.map((p) => Buffer.from(p.data!).subarray(0, 12).toString('hex')));
    const ciphertexts = new Set(payloads.map((p) => Buffer.from(p.data!).toString('hex')));
    expect(ivs.size).toBe(50);
    expect(ciphertexts.size).toBe(50);
  });

  test('tampering is detected: a flipped bit anywhere in IV, ciphertext or tag, a swapped key id, a truncation', async () => {
    const [encrypted] = await codec.encode([plain({ citizen: CITIZEN })]);
    const data = Buffer.from(encrypted.data!);
    for (const index of [0, 11, 12, Math.floor(data.length / 2), data.length - 17, data.length - 1]) {
      const altered = Buffer.from(data);
      altered[index] ^= 0x01;
      await expect(codec.decode([{ ...encrypted, data: altered }])).rejects.toThrow(PayloadDecryptionError);
    }
    await expect(codec.decode([{ ...encrypted, data: data.subarray(0, 20) }])).rejects.toThrow(/too short/);

    // The key id is bound into the authentication: relabelling a payload with another configured key fails too.
    const both = new EncryptionCodec(parsePayloadKeys(`k1:${K1},k2:${K1}`, 'k1'));
    const [byK1] = await both.encode([plain('x')]);
    const relabelled = { ...byK1, metadata: { ...byK1.metadata, [METADATA_KEY_ID]: Buffer.from('k2') } };
    await expect(both.decode([relabelled])).rejects.toThrow(/failed authentication with key "k2"/);
  });

  test('rotation: written under k1, still read after k2 became current; new payloads use k2', async () => {
    const before = new EncryptionCodec(parsePayloadKeys(`k1:${K1}`));
    const [old] = await before.encode([plain({ citizen: CITIZEN })]);

    const after = new EncryptionCodec(parsePayloadKeys(`k1:${K1},k2:${K2}`)); // current: the last listed
    expect(after.currentKeyId).toBe('k2');
    const [fresh] = await after.encode([plain('new')]);
    expect(payloadKeyId(fresh)).toBe('k2');
    expect((await after.decode([old, fresh])).map(valueOf)).toEqual([{ citizen: CITIZEN }, 'new']);

    // The process that only knew k1 cannot read k2's payloads, and says why.
    await expect(before.decode([fresh])).rejects.toThrow(UnknownPayloadKeyError);
  });

  test('an unknown key id is a clear error naming the id and the known ones, never a key', async () => {
    const [byK1] = await codec.encode([plain('x')]);
    const onlyK2 = new EncryptionCodec(parsePayloadKeys(`k2:${K2}`));
    const error = await onlyK2.decode([byK1]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownPayloadKeyError);
    expect((error as Error).message).toMatch(/key id "k1", which is not configured here \(known key ids: k2\)/);
    expect((error as Error).message).toMatch(/HUIYING_PAYLOAD_KEYS/);
    expect((error as Error).message).not.toContain(K2);
  });

  test('payloads that are not encrypted (written before encryption) pass through decode', async () => {
    const old = plain({ citizen: CITIZEN });
    expect(await codec.decode([old])).toEqual([old]);
  });
});

describe('payload keys from configuration', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'huiying-keys-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  /** What an entry point does: the environment through loadConfig, then the keys it names. */
  const keysFromEnv = ({ env }: { env: Record<string, string | undefined> }) => {
    const config = loadConfig(env);
    return loadPayloadKeys({ dataDir, production: config.production, ...config.payloadKeys });
  };

  test('HUIYING_PAYLOAD_KEYS: the last listed is current unless HUIYING_PAYLOAD_KEY_ID says otherwise', () => {
    const env = { HUIYING_PAYLOAD_KEYS: ` k1:${K1} , k2:${K2} ` };
    const keys = keysFromEnv({ env });
    expect(keys.currentKeyId).toBe('k2');
    expect([...keys.keys.keys()]).toEqual(['k1', 'k2']);
    expect(Buffer.from(keys.keys.get('k1')!).toString('base64')).toBe(K1);
    expect(keysFromEnv({ env: { ...env, HUIYING_PAYLOAD_KEY_ID: 'k1' } }).currentKeyId).toBe('k1');
    expect(fs.existsSync(path.join(dataDir, DEV_PAYLOAD_KEYS_FILE))).toBe(false);
  });

  test('bad configuration is refused with a message that names the problem and never the key', () => {
    const bad = (list: string, id?: string) => () => keysFromEnv({ env: { HUIYING_PAYLOAD_KEYS: list, HUIYING_PAYLOAD_KEY_ID: id } });
    const short = Buffer.alloc(16, 7).toString('base64');
    expect(bad(`k1:${short}`)).toThrow(/key "k1" has 16 bytes, AES-256 needs 32 .*openssl rand -base64 32/);
    expect(bad(`k1:${short}`)).not.toThrow(short);
    expect(bad('k1:not base64!!')).toThrow(/key "k1" is not base64/);
    expect(bad(K1)).toThrow(/id:base64key/);
    expect(bad(`k1:${K1},k1:${K2}`)).toThrow(/"k1" is listed twice/);
    expect(bad(`k 1:${K1}`)).toThrow(/key id "k 1"/);
    expect(bad(`k1:${K1}`, 'k9')).toThrow(/HUIYING_PAYLOAD_KEY_ID "k9" is not among/);
  });

  test('development without configuration: data/payload-keys.json is created once (mode 0600) and then shared', () => {
    const first = keysFromEnv({ env: {} });
    const file = path.join(dataDir, DEV_PAYLOAD_KEYS_FILE);
    expect(first.source).toBe(file);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const second = keysFromEnv({ env: {} });
    expect(second.currentKeyId).toBe(first.currentKeyId);
    expect(Buffer.from(second.keys.get(second.currentKeyId)!)).toEqual(Buffer.from(first.keys.get(first.currentKeyId)!));
    expect(fs.readdirSync(dataDir)).toEqual([DEV_PAYLOAD_KEYS_FILE]); // no temporary file left behind

    // Rotating in development: add a key to the file and make it current.
    const content = JSON.parse(fs.readFileSync(file, 'utf8'));
    fs.writeFileSync(file, JSON.stringify({ current: 'dev-2', keys: { ...content.keys, 'dev-2': K2 } }));
    const rotated = keysFromEnv({ env: {} });
    expect(rotated.currentKeyId).toBe('dev-2');
    expect([...rotated.keys.keys()]).toEqual(['dev-1', 'dev-2']);
  });

  test('NODE_ENV=production without HUIYING_PAYLOAD_KEYS refuses to start, even with a development key file', () => {
    keysFromEnv({ env: {} });
    expect(() => keysFromEnv({ env: { NODE_ENV: 'production' } })).toThrow(
      /NODE_ENV=production but HUIYING_PAYLOAD_KEYS is not set: refusing to start/,
    );
    expect(keysFromEnv({ env: { NODE_ENV: 'production', HUIYING_PAYLOAD_KEYS: `p1:${K1}` } }).currentKeyId).toBe('p1');
  });
});
