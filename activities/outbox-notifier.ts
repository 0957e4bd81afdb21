import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { NotificationSchema, type Notification } from '../domain/notifications';
import { EnvelopeCipher, OUTBOX_ENVELOPE } from '../temporal/envelope';
import type { PayloadKeyring } from '../temporal/payload-codec';
import type { Notifier } from './notifier';

/** What one file holds: the notification and when the outbox took it. */
export const OutboxRecordSchema = NotificationSchema.extend({ queuedAt: z.string() });
export type OutboxRecord = z.infer<typeof OutboxRecordSchema>;

/** A file the outbox could not read: another deployment's key, altered, or not a notification. */
export interface UnreadableFile {
  file: string;
  reason: string;
}

export interface EncryptResult {
  /** Plaintext files now encrypted (and the plaintext removed). */
  encrypted: number;
  /** Plaintext files whose notification was already there encrypted: the plaintext copy removed. */
  duplicates: number;
  /** Plaintext files left as they were, and why. */
  failed: UnreadableFile[];
}

const SEALED = '.enc';
/** The plaintext files of before the outbox was encrypted: still read, never written, `encryptPlaintext` converts them. */
const PLAIN = '.json';

/**
 * The default adapter: one file per notification at `<dir>/<caseId>/<id>.enc`, encrypted with a key derived from the
 * payload keys (temporal/envelope.ts, its own purpose: not the blobs' key), bound to its place, naming its key so that
 * a rotated key still opens older files. It holds citizens' names and phones, so nothing is on disk in the clear.
 *
 * The path depends only on the id, and the file is written under a temporary name and then hard-linked into place, so
 * it appears whole and at most once: a repeated delivery finds it (or the plaintext `<id>.json` of older code) and
 * does nothing. Read it with `listCase`, `readAll`, or `npm run outbox -- show` (scripts/outbox.ts).
 */
export class OutboxNotifier implements Notifier {
  readonly name = 'outbox';
  private readonly cipher: EnvelopeCipher;

  constructor(
    readonly dir: string,
    keyring: PayloadKeyring,
  ) {
    this.cipher = new EnvelopeCipher(keyring, OUTBOX_ENVELOPE);
  }

  async deliver(notification: Notification): Promise<{ delivered: boolean }> {
    const folder = safe(notification.caseId);
    const name = safe(notification.id);
    await fs.mkdir(path.join(this.dir, folder), { recursive: true, mode: 0o700 });
    if (await exists(this.file(folder, name + PLAIN))) return { delivered: false };
    const record: OutboxRecord = { ...notification, queuedAt: new Date().toISOString() };
    const linked = await this.place(folder, name, record);
    return { delivered: linked };
  }

  /** A case's delivered notifications in the order they were queued. Throws on a file it cannot read. */
  async listCase(caseId: string): Promise<OutboxRecord[]> {
    const { records, unreadable } = await this.readFolder(safe(caseId));
    if (unreadable.length > 0) throw new Error(`outbox ${unreadable[0].file}: ${unreadable[0].reason}`);
    return records;
  }

  /** Every notification (of one case when `caseId` is given), in the order queued, and the files that would not open. */
  async readAll(opts: { caseId?: string } = {}): Promise<{ records: OutboxRecord[]; unreadable: UnreadableFile[] }> {
    const folders = opts.caseId !== undefined ? [safe(opts.caseId)] : await this.folders();
    const records: OutboxRecord[] = [];
    const unreadable: UnreadableFile[] = [];
    for (const folder of folders) {
      const found = await this.readFolder(folder);
      records.push(...found.records);
      unreadable.push(...found.unreadable);
    }
    return { records: records.sort(byQueuedAt), unreadable };
  }

  /**
   * Encrypts the plaintext files older code wrote, in place: each is sealed under its own name with `.enc`, linked
   * into place, and only then is the plaintext removed, so a notification is on disk at every moment (a delivery of
   * the same id running meanwhile still finds one of the two). Safe to run again and while a worker delivers.
   */
  async encryptPlaintext(): Promise<EncryptResult> {
    const result: EncryptResult = { encrypted: 0, duplicates: 0, failed: [] };
    for (const folder of await this.folders()) {
      for (const entry of await this.entries(folder)) {
        if (!entry.endsWith(PLAIN)) continue;
        const file = this.file(folder, entry);
        let record: OutboxRecord;
        try {
          record = parseRecord(await fs.readFile(file, 'utf8'));
        } catch (err) {
          result.failed.push({ file, reason: (err as Error).message });
          continue;
        }
        const linked = await this.place(folder, entry.slice(0, -PLAIN.length), record);
        await fs.rm(file, { force: true });
        if (linked) result.encrypted += 1;
        else result.duplicates += 1;
      }
    }
    return result;
  }

  /** Seals `record` to a temporary file and links it to `<name>.enc`; false when that file was there already. */
  private async place(folder: string, name: string, record: OutboxRecord): Promise<boolean> {
    const sealed = this.cipher.seal(Buffer.from(JSON.stringify(record), 'utf8'), contextOf(folder, name));
    const tmp = this.file(folder, `.tmp-${randomUUID()}`);
    await fs.writeFile(tmp, sealed, { mode: 0o600 });
    try {
      await fs.link(tmp, this.file(folder, name + SEALED));
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw err;
    } finally {
      await fs.rm(tmp, { force: true });
    }
  }

  private async readFolder(folder: string): Promise<{ records: OutboxRecord[]; unreadable: UnreadableFile[] }> {
    const records: OutboxRecord[] = [];
    const unreadable: UnreadableFile[] = [];
    for (const entry of await this.entries(folder)) {
      const sealed = entry.endsWith(SEALED);
      if (!sealed && !entry.endsWith(PLAIN)) continue;
      const file = this.file(folder, entry);
      try {
        const bytes = await fs.readFile(file);
        const name = entry.slice(0, -(sealed ? SEALED : PLAIN).length);
        const text = sealed ? this.cipher.open(bytes, contextOf(folder, name)).toString('utf8') : bytes.toString('utf8');
        records.push(parseRecord(text));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // encrypted meanwhile: its .enc is read too
        unreadable.push({ file, reason: (err as Error).message });
      }
    }
    return { records: records.sort(byQueuedAt), unreadable };
  }

  private async folders(): Promise<string[]> {
    try {
      return (await fs.readdir(this.dir, { withFileTypes: true }))
        .filter((e) => e.isDirectory())
        .map((e) => e.name)
        .sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }

  private async entries(folder: string): Promise<string[]> {
    try {
      return (await fs.readdir(path.join(this.dir, folder))).sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }

  private file(folder: string, entry: string): string {
    return path.join(this.dir, folder, entry);
  }
}

/** The file's place, bound into its encryption: a file copied to another case or name does not open. */
function contextOf(folder: string, name: string): string {
  return `outbox:${folder}/${name}`;
}

function parseRecord(text: string): OutboxRecord {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error('not JSON');
  }
  const parsed = OutboxRecordSchema.safeParse(json);
  if (!parsed.success) throw new Error(`not a notification (${parsed.error.issues.map((i) => i.path.join('.') || '(root)').join(', ')})`);
  return parsed.data;
}

function byQueuedAt(a: OutboxRecord, b: OutboxRecord): number {
  return a.queuedAt.localeCompare(b.queuedAt) || a.id.localeCompare(b.id);
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}

function safe(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]/g, '_');
}
