/**
 * Blobs as objects in an S3-compatible bucket (AWS S3, MinIO, Ceph, a county cloud's object storage), through
 * AWS's own client. The objects are ciphertext (encrypted.ts wraps this store): the bucket and whoever can list it
 * never hold a citizen's photo in clear.
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { BlobNotFoundError, checkBlobKey, type BlobStore } from './store';

export interface S3Settings {
  bucket: string;
  region: string;
  /** An S3-compatible server's address (path-style requests then); unset: AWS itself. */
  endpoint?: string;
  /** Unset: the SDK's usual chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a profile, an instance role). */
  credentials?: S3ClientConfig['credentials'];
  /** Prepended to every key, e.g. `huiying/`. */
  prefix?: string;
}

export class S3BlobStore implements BlobStore {
  private readonly client: S3Client;

  constructor(private readonly settings: S3Settings) {
    this.client = new S3Client({
      region: settings.region,
      ...(settings.endpoint ? { endpoint: settings.endpoint, forcePathStyle: true } : {}),
      ...(settings.credentials ? { credentials: settings.credentials } : {}),
      // Many S3-compatible servers refuse the CRC checksums the SDK now adds by default; GCM's tag checks every byte anyway.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 3,
    });
  }

  get description(): string {
    return `S3 bucket ${this.settings.bucket}${this.settings.endpoint ? ` at ${this.settings.endpoint}` : ` (${this.settings.region})`}`;
  }

  private objectKey(key: string): string {
    return `${this.settings.prefix ?? ''}${checkBlobKey(key)}`;
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.settings.bucket,
        Key: this.objectKey(key),
        Body: bytes,
        ContentLength: bytes.byteLength,
        ContentType: 'application/octet-stream',
      }),
    );
  }

  async get(key: string): Promise<Buffer> {
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.settings.bucket, Key: this.objectKey(key) }));
      if (!res.Body) throw new BlobNotFoundError(key);
      return Buffer.from(await res.Body.transformToByteArray());
    } catch (err) {
      if (err instanceof S3ServiceException && (err.name === 'NoSuchKey' || err.$metadata.httpStatusCode === 404))
        throw new BlobNotFoundError(key);
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.settings.bucket, Key: this.objectKey(key) }));
  }

  /** Closes the client's sockets. */
  destroy(): void {
    this.client.destroy();
  }
}
