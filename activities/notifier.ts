import type { Notification } from '../domain/notifications';

/**
 * Where notifications go. `deliver` must be idempotent by `notification.id`: an activity may run again after
 * a crash or a time-out, and the citizen must still get one message.
 */
export interface Notifier {
  readonly name: string;
  deliver(notification: Notification): Promise<{ delivered: boolean }>;
}
