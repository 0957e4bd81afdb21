import { BLOB_ENVELOPE, EnvelopeCipher } from '../../temporal/envelope';
import type { PayloadKeyring } from '../../temporal/payload-codec';
import { encryptedBlobStore, type EncryptedBlobStore } from './encrypted';
import { LocalBlobStore } from './local';
import { S3BlobStore, type S3Settings } from './s3';

/** HUIYING_BLOBS and its companions (config/schema.ts `Config.blobs`). */
export type BlobSettings = { kind: 'local'; dir: string } | ({ kind: 's3' } & S3Settings);

/** The configured store, always encrypting with keys derived from the payload keys (temporal/envelope.ts). */
export function createBlobStore(settings: BlobSettings, keyring: PayloadKeyring): EncryptedBlobStore {
  const inner = settings.kind === 's3' ? new S3BlobStore(settings) : new LocalBlobStore(settings.dir);
  return encryptedBlobStore(inner, new EnvelopeCipher(keyring, BLOB_ENVELOPE));
}
