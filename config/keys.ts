/**
 * Where the payload encryption keys come from (README "Personal data and encryption").
 *
 * - `HUIYING_PAYLOAD_KEYS`: comma-separated `id:base64key`, each key 32 random bytes (`openssl rand -base64 32`).
 *   Keep every key that histories were written with; `HUIYING_PAYLOAD_KEY_ID` names the one new payloads are
 *   encrypted with (default: the last listed).
 * - Development, none configured: `<dataDir>/payload-keys.json` (mode 0600), created on first use, so that the
 *   worker and the API that `npm start` runs share one key.
 * - `NODE_ENV=production` and none configured: refuse to start.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PAYLOAD_KEY_BYTES, type PayloadKeyring } from '../temporal/payload-codec';

export const DEV_PAYLOAD_KEYS_FILE = 'payload-keys.json';
const KEY_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const GENERATE_HINT = 'generate one with `openssl rand -base64 32`';

export interface LoadedPayloadKeys extends PayloadKeyring {
  /** Where they came from, for start-up logs (never the keys themselves). */
  source: string;
}

export interface PayloadKeyOptions {
  dataDir: string;
  /** HUIYING_PAYLOAD_KEYS as given: `id:base64key[,id:base64key]`; unset: the development key file. */
  list?: string;
  /** HUIYING_PAYLOAD_KEY_ID: the key new payloads are encrypted with; default the last listed (or the file's current). */
  currentId?: string;
  /** NODE_ENV=production: without a list, refuse rather than fall back to the development key file. */
  production?: boolean;
}

/** The keys the configuration names (config/index.ts `Config.payloadKeys`), or the development key file. */
export function loadPayloadKeys(opts: PayloadKeyOptions): LoadedPayloadKeys {
  const { list, currentId } = opts;
  if (list) return { ...parsePayloadKeys(list, currentId, 'HUIYING_PAYLOAD_KEYS'), source: 'HUIYING_PAYLOAD_KEYS' };

  if (opts.production) {
    throw new Error(
      "NODE_ENV=production but HUIYING_PAYLOAD_KEYS is not set: refusing to start, because citizens' personal data would " +
        `reach Temporal unencrypted or under a development key. Set HUIYING_PAYLOAD_KEYS=id:base64key[,id2:base64key] (${GENERATE_HINT}).`,
    );
  }
  const file = path.join(opts.dataDir, DEV_PAYLOAD_KEYS_FILE);
  const keyring = readKeyFile(file) ?? createKeyFile(file, opts.dataDir);
  if (currentId !== undefined) {
    if (!keyring.keys.has(currentId))
      throw new Error(`HUIYING_PAYLOAD_KEY_ID "${currentId}" is not in ${file} (ids: ${[...keyring.keys.keys()].join(', ')})`);
    return { ...keyring, currentKeyId: currentId, source: file };
  }
  return { ...keyring, source: file };
}

/** Parses `id:base64key[,id:base64key]`; the current key is `currentId`, else the last listed. */
export function parsePayloadKeys(list: string, currentId?: string, what = 'payload keys'): PayloadKeyring {
  const keys = new Map<string, Uint8Array>();
  const entries = list
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new Error(`${what}: no keys listed (expected id:base64key[,id:base64key])`);
  for (const entry of entries) {
    const colon = entry.indexOf(':');
    if (colon <= 0) throw new Error(`${what}: each entry must be id:base64key, got one without an id`);
    const id = entry.slice(0, colon).trim();
    addKey(keys, id, entry.slice(colon + 1).trim(), what);
  }
  const current = currentId ?? [...keys.keys()].at(-1)!;
  if (!keys.has(current))
    throw new Error(`HUIYING_PAYLOAD_KEY_ID "${current}" is not among the ${what} (ids: ${[...keys.keys()].join(', ')})`);
  return { currentKeyId: current, keys };
}

/** A new random key, base64 (what `openssl rand -base64 32` prints). */
export function generatePayloadKey(): string {
  return randomBytes(PAYLOAD_KEY_BYTES).toString('base64');
}

function addKey(keys: Map<string, Uint8Array>, id: string, base64: string, what: string): void {
  if (!KEY_ID.test(id)) throw new Error(`${what}: key id "${id}" must be letters, digits, '.', '_' or '-' (at most 64)`);
  if (keys.has(id)) throw new Error(`${what}: key id "${id}" is listed twice`);
  const key = decodeKey(base64);
  // Never echo the key material itself in an error.
  if (!key) throw new Error(`${what}: key "${id}" is not base64 (${GENERATE_HINT})`);
  if (key.length !== PAYLOAD_KEY_BYTES)
    throw new Error(`${what}: key "${id}" has ${key.length} bytes, AES-256 needs ${PAYLOAD_KEY_BYTES} (${GENERATE_HINT})`);
  keys.set(id, key);
}

function decodeKey(base64: string): Buffer | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) return null;
  const key = Buffer.from(base64, 'base64');
  // Buffer.from skips what it cannot read; a round trip catches a mangled key.
  return key.toString('base64').replace(/=+$/, '') === base64.replace(/=+$/, '') ? key : null;
}

interface KeyFile {
  current: string;
  keys: Record<string, string>;
}

function readKeyFile(file: string): PayloadKeyring | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let parsed: Partial<KeyFile>;
  try {
    parsed = JSON.parse(text) as Partial<KeyFile>;
  } catch {
    throw new Error(`${file} is not valid JSON (expected {"current": "id", "keys": {"id": "base64key"}})`);
  }
  if (!parsed || typeof parsed.keys !== 'object' || parsed.keys === null || Array.isArray(parsed.keys)) {
    throw new Error(`${file}: expected {"current": "id", "keys": {"id": "base64key"}}`);
  }
  const keys = new Map<string, Uint8Array>();
  for (const [id, value] of Object.entries(parsed.keys)) {
    if (typeof value !== 'string') throw new Error(`${file}: key "${id}" must be a base64 string`);
    addKey(keys, id, value.trim(), file);
  }
  if (keys.size === 0) throw new Error(`${file} lists no keys`);
  const current = typeof parsed.current === 'string' ? parsed.current : [...keys.keys()].at(-1)!;
  if (!keys.has(current)) throw new Error(`${file}: "current" names "${current}", which is not among its keys`);
  return { currentKeyId: current, keys };
}

function createKeyFile(file: string, dataDir: string): PayloadKeyring {
  fs.mkdirSync(dataDir, { recursive: true });
  const content: KeyFile = { current: 'dev-1', keys: { 'dev-1': generatePayloadKey() } };
  // Written whole to a temporary name, then linked into place: link() fails if the file exists, so when the worker
  // and the API race to create it, the loser reads the winner's complete file below.
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(content, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
  try {
    fs.linkSync(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  const created = readKeyFile(file);
  if (!created) throw new Error(`could not create ${file}`);
  return created;
}
