import type { EnvelopeCipher } from '../../temporal/envelope';
import type { BlobStore } from './store';

/** A blob store that encrypts, and seals the small texts that belong with its blobs (an attachment's file name). */
export interface EncryptedBlobStore extends BlobStore {
  /** `text` encrypted as blobs are, bound to `context` (e.g. the attachment's id): for a database column. */
  sealText(text: string, context: string): Buffer;
  openText(sealed: Uint8Array, context: string): string;
}

/**
 * A store that only ever sees ciphertext: every blob is sealed before it is handed on (to local files or a bucket)
 * and opened when it comes back, bound to its key (temporal/envelope.ts). createBlobStore always wraps its store in this.
 */
export function encryptedBlobStore(inner: BlobStore, cipher: EnvelopeCipher): EncryptedBlobStore {
  return {
    description: `${inner.description}, AES-256-GCM (key ${cipher.currentKeyId})`,
    put: (key, bytes) => inner.put(key, cipher.seal(bytes, key)),
    get: async (key) => cipher.open(await inner.get(key), key),
    delete: (key) => inner.delete(key),
    sealText: (text, context) => cipher.seal(Buffer.from(text, 'utf8'), `text:${context}`),
    openText: (sealed, context) => cipher.open(sealed, `text:${context}`).toString('utf8'),
  };
}
