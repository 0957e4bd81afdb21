/**
 * Blobs as files under `<dataDir>/blobs/` (the default store): `<dir>/<case id>/<attachment id>`, mode 0600, each
 * written whole under a temporary name, fsynced, renamed into place and its directory fsynced, so a crash leaves
 * either the complete file or none — never half a photo under its final name.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { BlobNotFoundError, checkBlobKey, type BlobStore } from './store';
import { syncDir } from '../sync-dir';

export const BLOBS_DIR = 'blobs';

export class LocalBlobStore implements BlobStore {
  constructor(readonly dir: string) {}

  get description(): string {
    return `local files in ${this.dir}`;
  }

  /** The file a key is kept in (tests look at it to see that no plaintext is there). */
  fileOf(key: string): string {
    return path.join(this.dir, ...checkBlobKey(key).split('/'));
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    const file = this.fileOf(key);
    const dir = path.dirname(file);
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    const handle = await fs.open(tmp, 'wx', 0o600);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await fs.rename(tmp, file);
    } catch (err) {
      await fs.rm(tmp, { force: true });
      throw err;
    }
    await syncDir(dir);
  }

  async get(key: string): Promise<Buffer> {
    try {
      return await fs.readFile(this.fileOf(key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new BlobNotFoundError(key);
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    const file = this.fileOf(key);
    await fs.rm(file, { force: true });
    await syncDir(path.dirname(file)).catch(() => undefined);
  }
}
