import { EmailNotifier } from '../activities/email-notifier';
import type { Notifier } from '../activities/notifier';
import { OutboxNotifier } from '../activities/outbox-notifier';
import { emailAddressesFor, RoutingNotifier } from '../activities/routing-notifier';
import { WebhookNotifier } from '../activities/webhook-notifier';
import type { Config } from '../config';
import { loadNotificationDirectory } from '../config/notification-directory';
import { loadUnitDirectory } from '../config/units';
import type { Db } from '../db/pool';
import { channelsUsed, type NotificationChannel } from '../domain/notification-directory';
import type { PayloadKeyring } from '../temporal/payload-codec';

/**
 * The worker's notifier: the default channel (`HUIYING_NOTIFIER`: the encrypted outbox under data/outbox, or the
 * webhook at `HUIYING_WEBHOOK_URL`) for everyone, or, with a notification directory (`HUIYING_NOTIFICATIONS_FILE`),
 * each recipient's channel (outbox, webhook, e-mail through `HUIYING_SMTP_*`). The outbox encrypts with the payload
 * keys; e-mail records what it sent in the read model's database.
 */
export function notifierFrom(config: Pick<Config, 'notifier' | 'files'>, deps: { keys: PayloadKeyring; db: Db }): Notifier {
  const settings = config.notifier;
  const directory = loadNotificationDirectory(
    settings,
    loadUnitDirectory(config.files.units).units.map((u) => u.code),
  );
  const make: Record<NotificationChannel, () => Notifier> = {
    outbox: () => new OutboxNotifier(settings.outbox.dir, deps.keys),
    webhook: () => new WebhookNotifier(settings.webhook!.url, { token: settings.webhook!.token }), // there: checked by the loader
    email: () => new EmailNotifier(settings.smtp!, deps.db, emailAddressesFor(directory)),
  };
  const used = channelsUsed(directory);
  if (used.size === 1) return make[directory.default]();
  return new RoutingNotifier(directory, Object.fromEntries([...used].map((c) => [c, make[c]()])));
}
