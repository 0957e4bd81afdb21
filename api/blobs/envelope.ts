/**
 * The encryption of every blob (and of attachments' file names): AES-256-GCM with a fresh random 12-byte IV, under a
 * key derived from the payload key of the same id (HUIYING_PAYLOAD_KEYS, config/keys.ts), so there is one set of keys
 * to keep and rotate. Rotation works as for payloads: new blobs use the current key, each blob names its key.
 *
 *   "HYB1" ‖ key-id length (1 byte) ‖ key id ‖ IV (12) ‖ ciphertext ‖ GCM tag (16)
 *
 * The header and the blob's context (its storage key) are the GCM additional data: a blob copied under another key,
 * or a header edited, fails authentication instead of opening as someone else's file.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { UnknownPayloadKeyError, type PayloadKeyring } from '../../temporal/payload-codec';

const MAGIC = Buffer.from('HYB1', 'ascii');
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Separates blob keys from payload keys: the same key material never encrypts both. */
const DERIVATION_SALT = Buffer.from('huiying-blob-encryption', 'utf8');
const DERIVATION_INFO = Buffer.from('v1', 'utf8');

export class BlobDecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BlobDecryptionError';
  }
}

export class BlobCipher {
  private readonly keys = new Map<string, Buffer>();
  readonly currentKeyId: string;

  constructor(keyring: PayloadKeyring) {
    for (const [id, key] of keyring.keys) {
      if (Buffer.byteLength(id) > 255) throw new RangeError(`key id "${id.slice(0, 40)}…" is too long for a blob header`);
      this.keys.set(id, Buffer.from(hkdfSync('sha256', key, DERIVATION_SALT, DERIVATION_INFO, 32)));
    }
    if (!this.keys.has(keyring.currentKeyId)) throw new RangeError(`the current key id "${keyring.currentKeyId}" is not among the keys`);
    this.currentKeyId = keyring.currentKeyId;
  }

  /** `plaintext` encrypted for storage under `context` (the blob's key, or what else it belongs to). */
  seal(plaintext: Uint8Array, context: string): Buffer {
    const id = Buffer.from(this.currentKeyId, 'utf8');
    const header = Buffer.concat([MAGIC, Buffer.from([id.length]), id]);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.currentKeyId)!, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(additionalData(header, context));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([header, iv, body, cipher.getAuthTag()]);
  }

  /** The plaintext of what `seal` made for the same `context`. */
  open(sealed: Uint8Array, context: string): Buffer {
    const data = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
    if (data.length < MAGIC.length + 1 || !data.subarray(0, MAGIC.length).equals(MAGIC))
      throw new BlobDecryptionError('not an encrypted blob (no HYB1 header)');
    const idEnd = MAGIC.length + 1 + data[MAGIC.length];
    if (data.length < idEnd + IV_BYTES + TAG_BYTES) throw new BlobDecryptionError(`encrypted blob too short (${data.length} bytes)`);
    const keyId = data.subarray(MAGIC.length + 1, idEnd).toString('utf8');
    const key = this.keys.get(keyId);
    if (!key) throw new UnknownPayloadKeyError(keyId, [...this.keys.keys()]);
    const iv = data.subarray(idEnd, idEnd + IV_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(additionalData(data.subarray(0, idEnd), context));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(data.subarray(idEnd + IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new BlobDecryptionError(`blob failed authentication with key "${keyId}": altered, moved from another key, or not ours`);
    }
  }
}

function additionalData(header: Buffer, context: string): Buffer {
  return Buffer.concat([header, Buffer.from(`\0${context}`, 'utf8')]);
}
