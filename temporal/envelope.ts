/**
 * Encryption at rest of what Huiying keeps outside Temporal: attachments' blobs and file names (api/blobs/), the
 * notification outbox (activities/outbox-notifier.ts). AES-256-GCM with a fresh random 12-byte IV, under a key
 * derived from the payload key of the same id (HUIYING_PAYLOAD_KEYS, config/keys.ts), so there is one set of keys to
 * keep and rotate. Rotation works as for payloads: new envelopes use the current key, each names its key.
 *
 *   magic (4 bytes, per purpose) ‖ key-id length (1 byte) ‖ key id ‖ IV (12) ‖ ciphertext ‖ GCM tag (16)
 *
 * Each purpose derives its own key (its own HKDF salt): the same key material never encrypts two kinds of thing,
 * and a blob cannot be opened as an outbox file. The header and the envelope's context (a blob's storage key, an
 * outbox file's place) are the GCM additional data: an envelope copied elsewhere, or a header edited, fails
 * authentication instead of opening as someone else's data.
 *
 * Here, beside the payload codec, because both the API (attachments) and the activities (the outbox) use it, and
 * activities may not import the API.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { UnknownPayloadKeyError, type PayloadKeyring } from './payload-codec';

/** What an envelope holds: its magic bytes (4 ASCII characters), its key derivation salt, and its name in errors. */
export interface EnvelopePurpose {
  magic: string;
  salt: string;
  what: string;
}

/** Attachments' bytes and file names. Unchanged since attachments were first encrypted: existing blobs open. */
export const BLOB_ENVELOPE: EnvelopePurpose = { magic: 'HYB1', salt: 'huiying-blob-encryption', what: 'blob' };
/** One notification in the outbox. */
export const OUTBOX_ENVELOPE: EnvelopePurpose = { magic: 'HYO1', salt: 'huiying-outbox-encryption', what: 'outbox file' };

const IV_BYTES = 12;
const TAG_BYTES = 16;
const DERIVATION_INFO = Buffer.from('v1', 'utf8');

export class EnvelopeDecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvelopeDecryptionError';
  }
}

export class EnvelopeCipher {
  private readonly keys = new Map<string, Buffer>();
  private readonly magic: Buffer;
  readonly currentKeyId: string;

  constructor(
    keyring: PayloadKeyring,
    readonly purpose: EnvelopePurpose,
  ) {
    this.magic = Buffer.from(purpose.magic, 'ascii');
    if (this.magic.length !== 4) throw new RangeError(`envelope magic "${purpose.magic}" must be 4 ASCII characters`);
    const salt = Buffer.from(purpose.salt, 'utf8');
    for (const [id, key] of keyring.keys) {
      if (Buffer.byteLength(id) > 255) throw new RangeError(`key id "${id.slice(0, 40)}…" is too long for an envelope header`);
      this.keys.set(id, Buffer.from(hkdfSync('sha256', key, salt, DERIVATION_INFO, 32)));
    }
    if (!this.keys.has(keyring.currentKeyId)) throw new RangeError(`the current key id "${keyring.currentKeyId}" is not among the keys`);
    this.currentKeyId = keyring.currentKeyId;
  }

  /** Whether `data` starts as this purpose's envelopes do (it may still fail to open). */
  isSealed(data: Uint8Array): boolean {
    return data.length > this.magic.length && Buffer.from(data.buffer, data.byteOffset, this.magic.length).equals(this.magic);
  }

  /** The id of the key `sealed` was made with. */
  keyIdOf(sealed: Uint8Array): string {
    return this.header(Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength)).keyId;
  }

  /** `plaintext` encrypted for storage under `context` (a blob's key, an outbox file's place...). */
  seal(plaintext: Uint8Array, context: string): Buffer {
    const id = Buffer.from(this.currentKeyId, 'utf8');
    const header = Buffer.concat([this.magic, Buffer.from([id.length]), id]);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.currentKeyId)!, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(additionalData(header, context));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([header, iv, body, cipher.getAuthTag()]);
  }

  /** The plaintext of what `seal` made for the same `context`. */
  open(sealed: Uint8Array, context: string): Buffer {
    const data = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
    const { keyId, idEnd } = this.header(data);
    const key = this.keys.get(keyId);
    if (!key) throw new UnknownPayloadKeyError(keyId, [...this.keys.keys()]);
    const iv = data.subarray(idEnd, idEnd + IV_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(additionalData(data.subarray(0, idEnd), context));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(data.subarray(idEnd + IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new EnvelopeDecryptionError(
        `${this.purpose.what} failed authentication with key "${keyId}": altered, moved from elsewhere, or not ours`,
      );
    }
  }

  private header(data: Buffer): { keyId: string; idEnd: number } {
    const { magic, what } = this.purpose;
    if (!this.isSealed(data)) throw new EnvelopeDecryptionError(`not an encrypted ${what} (no ${magic} header)`);
    const idEnd = this.magic.length + 1 + data[this.magic.length];
    if (data.length < idEnd + IV_BYTES + TAG_BYTES) throw new EnvelopeDecryptionError(`encrypted ${what} too short (${data.length} bytes)`);
    return { keyId: data.subarray(this.magic.length + 1, idEnd).toString('utf8'), idEnd };
  }
}

function additionalData(header: Buffer, context: string): Buffer {
  return Buffer.concat([header, Buffer.from(`\0${context}`, 'utf8')]);
}
