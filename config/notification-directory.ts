import { readFileSync } from 'node:fs';
import {
  channelsUsed,
  NotificationDirectorySchema,
  unitsNamed,
  type NotificationChannel,
  type NotificationDirectory,
} from '../domain/notification-directory';
import type { Config } from './schema';

const NEEDS: Record<NotificationChannel, { setting: keyof Config['notifier']; variable: string }> = {
  outbox: { setting: 'outbox', variable: 'HUIYING_OUTBOX_DIR' },
  webhook: { setting: 'webhook', variable: 'HUIYING_WEBHOOK_URL' },
  email: { setting: 'smtp', variable: 'HUIYING_SMTP_HOST' },
};

/**
 * The county's notification directory (HUIYING_NOTIFICATIONS_FILE, domain/notification-directory.ts), checked
 * against what this deployment can do: every unit it names exists (a misspelt code would silently fall back to the
 * default channel), and every channel it uses is configured. Unset: everyone gets the default channel (HUIYING_NOTIFIER).
 * Throws one message naming the file and each bad entry.
 */
export function loadNotificationDirectory(settings: Config['notifier'], unitCodes: readonly string[]): NotificationDirectory {
  const file = settings.directoryFile;
  if (file === undefined) return { default: settings.default, entries: {} };
  const invalid = (problems: string[]) => new Error(`HUIYING_NOTIFICATIONS_FILE ${file} is invalid: ${problems.join('; ')}`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw invalid([err instanceof SyntaxError ? `not JSON (${err.message})` : (err as Error).message]);
  }
  const parsed = NotificationDirectorySchema.safeParse(json);
  if (!parsed.success) throw invalid(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  const directory: NotificationDirectory = { default: settings.default, entries: parsed.data };

  const problems: string[] = [];
  const known = new Set(unitCodes);
  for (const unit of unitsNamed(directory)) {
    if (!known.has(unit)) problems.push(`units.${unit}: no such unit in the unit directory (HUIYING_UNITS_FILE)`);
  }
  for (const channel of channelsUsed(directory)) {
    const need = NEEDS[channel];
    if (settings[need.setting] === undefined) problems.push(`uses ${channel}, but ${need.variable} is not set`);
  }
  if (problems.length > 0) throw invalid(problems);
  return directory;
}
