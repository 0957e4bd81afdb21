import type { Notification } from '../domain/notifications';

/**
 * Where notifications go. `deliver` must be idempotent by `notification.id`: an activity may run again after
 * a crash or a time-out, and the citizen must still get one message.
 */
export interface Notifier {
  readonly name: string;
  deliver(notification: Notification): Promise<{ delivered: boolean }>;
}

/**
 * A channel that did not take a message. `permanent`: the channel refused it for good (an invalid recipient, a
 * message it will never accept), so no retry can deliver it: the case records `notify_failed` and carries on.
 * Otherwise the fault may pass (a time-out, a server busy or down) and the message is retried.
 */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}
