/**
 * Encryption of every payload Temporal stores (workflow inputs and results, update arguments and results, activity
 * inputs and results, local-activity markers, query results on the wire): AES-256-GCM with node:crypto, a fresh
 * random 12-byte IV per payload, the id of the key in the payload's metadata.
 *
 * Used as `dataConverter: { payloadCodecs: [codec] }` by the API's Client and by the worker, and by the API's codec
 * endpoint for the Web UI (api/routes/codec.ts). Codecs run outside the workflow sandbox, so node:crypto is fine.
 *
 * Stored form of one payload:
 *   metadata: encoding = "binary/encrypted", encryption-key-id = "<id>", encryption-cipher = "AES-256-GCM"
 *   data:     IV (12 bytes) ‖ ciphertext ‖ GCM tag (16 bytes)
 * The plaintext is the whole original payload (its metadata too), serialized as the Temporal `Payload` proto.
 * The key id is bound into the GCM additional data, so changing it in the metadata is detected as tampering.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

export const ENCODING_ENCRYPTED = 'binary/encrypted';
export const METADATA_ENCODING = 'encoding';
export const METADATA_KEY_ID = 'encryption-key-id';
export const METADATA_CIPHER = 'encryption-cipher';
export const CIPHER_NAME = 'AES-256-GCM';
export const PAYLOAD_KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const AAD_PREFIX = 'huiying-payload-v1:';

/** The keys a codec knows; it encrypts with `currentKeyId` and decrypts with whichever key a payload names. */
export interface PayloadKeyring {
  currentKeyId: string;
  keys: ReadonlyMap<string, Uint8Array>;
}

/** A payload names a key this process does not have (an old key dropped too early, or another deployment's). */
export class UnknownPayloadKeyError extends Error {
  constructor(
    readonly keyId: string,
    known: string[],
  ) {
    super(
      `payload was encrypted with key id "${keyId}", which is not configured here (known key ids: ${known.join(', ') || 'none'}); ` +
        'keep every key that histories were written with in HUIYING_PAYLOAD_KEYS',
    );
    this.name = 'UnknownPayloadKeyError';
  }
}

/** A payload could not be decrypted: altered in storage or transit, truncated, or not ours. */
export class PayloadDecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadDecryptionError';
  }
}

export class EncryptionCodec implements PayloadCodec {
  private readonly keys: ReadonlyMap<string, Uint8Array>;
  readonly currentKeyId: string;

  constructor(keyring: PayloadKeyring) {
    for (const [id, key] of keyring.keys) {
      if (key.length !== PAYLOAD_KEY_BYTES)
        throw new RangeError(`payload key "${id}" has ${key.length} bytes; AES-256 needs ${PAYLOAD_KEY_BYTES}`);
    }
    if (!keyring.keys.has(keyring.currentKeyId)) {
      throw new RangeError(
        `the current payload key id "${keyring.currentKeyId}" is not among the keys (${[...keyring.keys.keys()].join(', ')})`,
      );
    }
    this.keys = new Map(keyring.keys);
    this.currentKeyId = keyring.currentKeyId;
  }

  /** The key ids this codec can decrypt. */
  get keyIds(): string[] {
    return [...this.keys.keys()];
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.encrypt(p));
  }

  /** Payloads that are not encrypted (written before encryption was turned on) pass through unchanged. */
  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => (isEncrypted(p) ? this.decrypt(p) : p));
  }

  private encrypt(payload: Payload): Payload {
    const keyId = this.currentKeyId;
    const plaintext = temporal.api.common.v1.Payload.encode({
      metadata: payload.metadata ?? {},
      data: payload.data ?? new Uint8Array(),
    }).finish();
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(keyId)!, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad(keyId));
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return {
      metadata: {
        [METADATA_ENCODING]: Buffer.from(ENCODING_ENCRYPTED),
        [METADATA_KEY_ID]: Buffer.from(keyId),
        [METADATA_CIPHER]: Buffer.from(CIPHER_NAME),
      },
      data: Buffer.concat([iv, ciphertext, cipher.getAuthTag()]),
    };
  }

  private decrypt(payload: Payload): Payload {
    const keyIdBytes = payload.metadata?.[METADATA_KEY_ID];
    if (!keyIdBytes) throw new PayloadDecryptionError(`an encrypted payload has no "${METADATA_KEY_ID}" metadata`);
    const keyId = Buffer.from(keyIdBytes).toString('utf8');
    const cipherName = payload.metadata?.[METADATA_CIPHER];
    if (cipherName && Buffer.from(cipherName).toString('utf8') !== CIPHER_NAME) {
      throw new PayloadDecryptionError(
        `payload cipher "${Buffer.from(cipherName).toString('utf8')}" is not supported (only ${CIPHER_NAME})`,
      );
    }
    const key = this.keys.get(keyId);
    if (!key) throw new UnknownPayloadKeyError(keyId, this.keyIds);
    const data = Buffer.from(payload.data ?? new Uint8Array());
    if (data.length < IV_BYTES + TAG_BYTES) throw new PayloadDecryptionError(`encrypted payload too short (${data.length} bytes)`);
    const iv = data.subarray(0, IV_BYTES);
    const tag = data.subarray(data.length - TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(keyId));
    decipher.setAuthTag(tag);
    let plaintext: Buffer;
    try {
      plaintext = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new PayloadDecryptionError(
        `payload failed authentication with key "${keyId}": it was altered, or encrypted with another key under that id`,
      );
    }
    const inner = temporal.api.common.v1.Payload.decode(plaintext);
    return { metadata: { ...inner.metadata }, data: inner.data };
  }
}

export function isEncrypted(payload: Payload): boolean {
  const encoding = payload.metadata?.[METADATA_ENCODING];
  return !!encoding && Buffer.from(encoding).toString('utf8') === ENCODING_ENCRYPTED;
}

/** The key id an encrypted payload names, or null for a payload that is not encrypted. */
export function payloadKeyId(payload: Payload): string | null {
  const id = payload.metadata?.[METADATA_KEY_ID];
  return isEncrypted(payload) && id ? Buffer.from(id).toString('utf8') : null;
}

function aad(keyId: string): Buffer {
  return Buffer.from(AAD_PREFIX + keyId, 'utf8');
}
