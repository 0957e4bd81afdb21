import type { Notifier } from '../activities/notifier';
import { OutboxNotifier } from '../activities/outbox-notifier';
import { WebhookNotifier } from '../activities/webhook-notifier';
import type { Config } from '../config';

/** `HUIYING_NOTIFIER=outbox` (default, files under data/outbox) or `webhook` (to `HUIYING_WEBHOOK_URL`). */
export function notifierFrom(settings: Config['notifier']): Notifier {
  if (settings.kind === 'webhook') return new WebhookNotifier(settings.url, { token: settings.token });
  return new OutboxNotifier(settings.dir);
}
