import type { Notification } from '../domain/notifications';
import { DeliveryError, type Notifier } from './notifier';

/**
 * Hands each notification to a county's SMS or e-mail gateway as a JSON POST. The gateway must honour the
 * `Idempotency-Key` header (the notification id): that is what makes a retried delivery arrive once.
 * A 4xx other than 408/429 is the gateway refusing the message, which no retry will fix.
 */
export class WebhookNotifier implements Notifier {
  readonly name = 'webhook';
  constructor(
    private readonly url: string,
    private readonly opts: { token?: string; timeoutMs?: number } = {},
  ) {}

  async deliver(notification: Notification): Promise<{ delivered: boolean }> {
    const res = await fetch(this.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'idempotency-key': notification.id,
        ...(this.opts.token ? { authorization: `Bearer ${this.opts.token}` } : {}),
      },
      body: JSON.stringify(notification),
      signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000),
    });
    if (res.ok) return { delivered: true };
    const permanent = res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429;
    throw new WebhookError(`gateway answered ${res.status} for ${notification.id}`, permanent);
  }
}

export class WebhookError extends DeliveryError {
  constructor(message: string, permanent: boolean) {
    super(message, permanent);
    this.name = 'WebhookError';
  }
}
