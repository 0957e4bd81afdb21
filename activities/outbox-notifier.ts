import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Notification } from '../domain/notifications';
import type { Notifier } from './notifier';

/**
 * The default adapter: one JSON file per notification at `<dir>/<caseId>/<id>.json`, readable by a person and
 * by a later sender. The path depends only on the id, and the file is written under a temporary name and then
 * hard-linked into place, so it appears whole and at most once: a repeated delivery finds it and does nothing.
 */
export class OutboxNotifier implements Notifier {
  readonly name = 'outbox';
  constructor(readonly dir: string) {}

  async deliver(notification: Notification): Promise<{ delivered: boolean }> {
    const folder = path.join(this.dir, safe(notification.caseId));
    await fs.mkdir(folder, { recursive: true });
    const target = path.join(folder, `${safe(notification.id)}.json`);
    const tmp = path.join(folder, `.tmp-${randomUUID()}`);
    const record = { ...notification, queuedAt: new Date().toISOString() };
    await fs.writeFile(tmp, JSON.stringify(record, null, 2) + '\n', { mode: 0o600 });
    try {
      await fs.link(tmp, target);
      return { delivered: true };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return { delivered: false };
      throw err;
    } finally {
      await fs.rm(tmp, { force: true });
    }
  }

  /** A case's delivered notifications in the order they were queued. */
  async listCase(caseId: string): Promise<(Notification & { queuedAt: string })[]> {
    const folder = path.join(this.dir, safe(caseId));
    let files: string[];
    try {
      files = (await fs.readdir(folder)).filter((f) => f.endsWith('.json'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const records = await Promise.all(files.map(async (f) => JSON.parse(await fs.readFile(path.join(folder, f), 'utf8'))));
    return records.sort((a, b) => a.queuedAt.localeCompare(b.queuedAt));
  }
}

function safe(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]/g, '_');
}
