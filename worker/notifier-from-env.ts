import path from 'node:path';
import type { Notifier } from '../activities/notifier';
import { OutboxNotifier } from '../activities/outbox-notifier';
import { WebhookNotifier } from '../activities/webhook-notifier';

/** `HUIYING_NOTIFIER=outbox` (default, files under data/outbox) or `webhook` (needs `HUIYING_WEBHOOK_URL`). */
export function notifierFromEnv(dataDir: string, env: NodeJS.ProcessEnv = process.env): Notifier {
  const kind = env.HUIYING_NOTIFIER || 'outbox';
  if (kind === 'outbox') return new OutboxNotifier(env.HUIYING_OUTBOX_DIR || path.join(dataDir, 'outbox'));
  if (kind === 'webhook') {
    if (!env.HUIYING_WEBHOOK_URL) throw new Error('HUIYING_NOTIFIER=webhook needs HUIYING_WEBHOOK_URL');
    return new WebhookNotifier(env.HUIYING_WEBHOOK_URL, { token: env.HUIYING_WEBHOOK_TOKEN });
  }
  throw new Error(`HUIYING_NOTIFIER must be 'outbox' or 'webhook', not '${kind}'`);
}
