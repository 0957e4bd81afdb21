/**
 * Where attachments' bytes live: outside Temporal (whose payloads stop at 2 MB and would keep every photo in every
 * history) and outside PostgreSQL, in a blob store. Every implementation keeps only ciphertext (temporal/envelope.ts).
 */
export interface BlobStore {
  /** Stores `bytes` under `key`, replacing nothing: keys are fresh ids. Resolves once they are durable. */
  put(key: string, bytes: Uint8Array): Promise<void>;
  /** The bytes under `key`; BlobNotFoundError when there are none. */
  get(key: string): Promise<Buffer>;
  /** Removes `key`; no error when it is already gone. */
  delete(key: string): Promise<void>;
  /** Where the bytes go, for start-up logs (never a credential). */
  readonly description: string;
}

export class BlobNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`no blob '${key}'`);
    this.name = 'BlobNotFoundError';
  }
}

/** Keys are ids we make (`<case id>/<attachment id>`): lower-case letters, digits and '-' in '/'-separated parts. */
const KEY = /^[0-9a-z][0-9a-z-]{0,63}(\/[0-9a-z][0-9a-z-]{0,63}){0,3}$/;

/** Refuses anything else before it reaches a file system path or a bucket. */
export function checkBlobKey(key: string): string {
  if (!KEY.test(key)) throw new Error(`not a blob key: '${key.slice(0, 100)}'`);
  return key;
}
